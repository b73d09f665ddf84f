"""The artifacts exercise's checks: right answers pass in every form, each classic mistake fails
with its own hint, and nothing a learner does makes a check raise."""

import hashlib
import math
import sys

import numpy as np
import pandas as pd
import pytest

from mlsys.artifacts import compute_dataset_hash
from mlsys.checks import REVIEW
from mlsys.checks import artifacts as checks

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]


def verdict(capsys):
    return capsys.readouterr().out


@pytest.fixture(params=[1, 2, 3])
def fresh(request, monkeypatch):
    """Replay three draws of the fresh cases: a verdict must not depend on the draw."""
    monkeypatch.setattr(checks, "FRESH_SEED", request.param)
    return request.param


# --- Task 1 -------------------------------------------------------------------------------

def sorted_csv_hash(frame):
    header, *rows = frame.to_csv(index=False).splitlines()
    return hashlib.sha256("\n".join([header, *sorted(rows)]).encode()).hexdigest()


def sorted_values_hash(frame):
    rows = frame.sort_values(list(frame.columns)).reset_index(drop=True)
    return hashlib.sha256(rows.to_csv(index=False).encode()).hexdigest()


def sorted_row_hashes(frame):
    rows = np.sort(pd.util.hash_pandas_object(frame, index=False).to_numpy())
    return hashlib.md5(rows.tobytes()).hexdigest()


def column_sorted_hash(frame):
    """The classic mistake: each column sorted on its own."""
    text = "|".join(",".join(map(str, sorted(frame[column]))) for column in frame.columns)
    return hashlib.sha256(text.encode()).hexdigest()


def count_and_sum_hash(frame):
    """The classic mistake: a fingerprint of counts and sums (rounded, so order cannot matter)."""
    numbers = frame.select_dtypes("number").sum().round(6).tolist()
    counts = [frame[column].value_counts().sort_index().to_dict() for column in frame.columns
              if not pd.api.types.is_numeric_dtype(frame[column])]
    return hashlib.sha256(str((len(frame), numbers, counts)).encode()).hexdigest()


@pytest.mark.parametrize("correct", [sorted_csv_hash, sorted_values_hash, sorted_row_hashes])
def test_task1_accepts_every_correct_hash(correct, fresh, capsys):
    assert checks.check_content_hash(correct) is True
    assert "PASS" in verdict(capsys)


def test_task1_pass_message_quotes_no_drawn_case(monkeypatch, capsys):
    messages = set()
    for seed in (1, 2):
        monkeypatch.setattr(checks, "FRESH_SEED", seed)
        checks.check_content_hash(sorted_csv_hash)
        messages.add(verdict(capsys))
    assert len(messages) == 1


def test_task1_fails_a_hash_of_each_column_sorted_on_its_own(fresh, capsys):
    """The old check passed it: no case swapped values between rows."""
    assert not checks.check_content_hash(column_sorted_hash)
    assert "sort whole rows, not columns" in verdict(capsys)


def test_task1_fails_a_count_and_sum_fingerprint(fresh, capsys):
    """The old check passed it too."""
    assert not checks.check_content_hash(count_and_sum_hash)
    assert "counts and sums" in verdict(capsys)


def test_task1_fails_a_hash_in_row_order(capsys):
    assert not checks.check_content_hash(lambda f: hashlib.sha256(f.to_csv().encode()).hexdigest())
    assert "Sort the rows" in verdict(capsys)


def test_task1_fails_a_hash_of_the_set_of_rows(capsys):
    assert not checks.check_content_hash(lambda f: hashlib.sha256(
        str(sorted(set(f.to_csv(index=False).splitlines()))).encode()).hexdigest())
    assert "forgets duplicates" in verdict(capsys)


def test_task1_fails_a_hash_of_the_shape(capsys):
    assert not checks.check_content_hash(lambda f: hashlib.sha256(str(f.shape).encode()).hexdigest())
    assert "every value" in verdict(capsys)


def test_task1_fails_a_hash_of_the_object(capsys):
    assert not checks.check_content_hash(lambda f: hashlib.sha256(str(id(f)).encode()).hexdigest())
    assert "not the object" in verdict(capsys)


def test_task1_fails_what_is_not_a_hex_digest(capsys):
    assert not checks.check_content_hash(lambda f: hashlib.sha256(bytes(1)).digest())
    assert "should return a str" in verdict(capsys)
    assert not checks.check_content_hash(lambda f: str(sorted(f.to_csv(index=False).splitlines())))
    assert "not a hexadecimal digest" in verdict(capsys)


def test_task1_fails_a_hash_that_memorises_the_example(fresh, capsys):
    """Right on the task's example tables, a hash of the shape on any other: fresh tables catch it."""
    example = [frame for _, a, b, _ in checks._hash_cases() for frame in (a, b)]

    def memorised(frame):
        if any(frame.shape == known.shape and frame.equals(known) for known in example):
            return sorted_csv_hash(frame)
        return hashlib.sha256(str(frame.shape).encode()).hexdigest()

    assert not checks.check_content_hash(memorised)
    assert "fresh table drawn at check time" in verdict(capsys)


def test_task1_enforces_dont_call_compute_dataset_hash(capsys):
    """The old check passed both: the task's 'don't call' was not enforced."""
    assert not checks.check_content_hash(compute_dataset_hash)
    assert "asks you not to call" in verdict(capsys)
    assert not checks.check_content_hash(lambda frame: compute_dataset_hash(frame))
    assert "asks you not to use" in verdict(capsys)


def test_task1_a_function_that_edits_its_table_in_place_still_passes(fresh):
    def destructive(frame):
        digest = sorted_csv_hash(frame)
        frame.drop(columns=["income_k"], inplace=True)
        return digest

    assert checks.check_content_hash(destructive)


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda f: None, lambda f: 1 / 0, lambda: 0,
                                                  lambda f: sys.exit(1)])
def test_task1_never_raises(answer, capsys):
    assert checks.check_content_hash(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task1_sys_exit_is_a_fail_that_says_so(capsys):
    assert checks.check_content_hash(lambda f: sys.exit(0)) is False
    assert "SystemExit" in verdict(capsys)


# --- Task 2 -------------------------------------------------------------------------------

def income_rule(batch):
    income_ok = batch["income_k"].between(0, 1_000).all()
    return bool(income_ok and 35 <= batch["income_k"].mean() <= 65)


def test_task2_bad_batch_is_caught_by_an_income_range_rule():
    assert all(b["income_k"].max() < 1_000 for b in checks.good_batches())
    assert checks.bad_batch()["income_k"].max() > 1_000


@pytest.mark.parametrize("rule", [income_rule, lambda b: bool(b["income_k"].max() < 1_000),
                                  lambda b: bool(b["income_k"].median() < 100)
                                  and bool(b["income_k"].mean() < 200)])
def test_task2_accepts_rules_on_the_fault(rule, fresh, capsys):
    assert checks.check_data_test(rule) is True


def test_task2_fails_a_rule_that_memorises_the_bad_batch(fresh, capsys):
    """The old check passed it: it met only last night's bad batch."""
    bad = checks.bad_batch()
    assert not checks.check_data_test(lambda b: not b.equals(bad))
    assert "recognises that one batch, not its fault" in verdict(capsys)
    assert not checks.check_data_test(
        lambda b: not math.isclose(b["income_k"].sum(), bad["income_k"].sum()))
    assert "recognises that one batch" in verdict(capsys)


def test_task2_fails_a_rule_tuned_to_the_five_good_batches(fresh, capsys):
    """The old check passed it: bounds at the five batches' exact minimum and maximum mean."""
    means = [b["income_k"].mean() for b in checks.good_batches()]
    assert not checks.check_data_test(
        lambda b: bool(min(means) <= b["income_k"].mean() <= max(means)))
    assert "tuned to those five" in verdict(capsys)


def test_task2_fails_rules_too_loose_or_too_strict(capsys):
    assert not checks.check_data_test(lambda b: True)
    assert "lets the bad batch through" in verdict(capsys)
    assert not checks.check_data_test(lambda b: bool(b["income_k"].notna().all()))
    assert "lets the bad batch through" in verdict(capsys)
    assert not checks.check_data_test(lambda b: bool(b["income_k"].mean() < 50))
    assert "Too strict" in verdict(capsys)


def test_task2_fails_a_column_of_bools(capsys):
    assert not checks.check_data_test(lambda b: b["income_k"] < 1_000)
    assert "True or False" in verdict(capsys)


def test_task2_a_rule_that_edits_its_batch_in_place_still_passes(fresh):
    def destructive(batch):
        verdict = income_rule(batch)
        batch.drop(columns=["income_k"], inplace=True)
        return verdict

    assert checks.check_data_test(destructive)


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda b: None, lambda b: b["no such column"],
                                                  lambda b: sys.exit(2)])
def test_task2_never_raises(answer, capsys):
    assert checks.check_data_test(answer) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 3 -------------------------------------------------------------------------------

def task3_truth():
    """Mean gain, band (1.96 sd, ddof 1) and the decision, computed here from the task's data."""
    gains = checks.vendor_gains().to_numpy()
    mean, band = gains.mean(), 1.96 * gains.std(ddof=1)
    return gains, mean, band, bool(mean > band)


def test_task3_data_give_each_mistake_its_own_answer():
    gains, mean, band, beyond = task3_truth()
    sd = band / 1.96
    wrong_bands = [band / np.sqrt(len(gains)), sd, 2 * band, 1.96 * sd ** 2]
    assert len({round(b, 2) for b in [band, *wrong_bands]}) == 5
    assert round(float(np.median(gains)), 2) != round(mean, 2)
    assert not beyond and mean > 0  # a positive gain within its band: the decision's trap
    assert all(mean > b for b in wrong_bands[:2])  # the narrow bands would say "drop"


@pytest.mark.parametrize("ddof", [0, 1])
def test_task3_accepts_every_correct_form(ddof):
    gains, mean, _, beyond = task3_truth()
    band = 1.96 * gains.std(ddof=ddof)
    assert checks.check_vendor_slice(round(mean, 2), round(band, 2), beyond)
    assert checks.check_vendor_slice(np.float64(mean), pd.Series([band]), np.bool_(beyond))


def test_task3_classic_mistakes(capsys):
    gains, mean, band, beyond = task3_truth()
    sd = band / 1.96
    assert not checks.check_vendor_slice(-mean, band, beyond)
    assert "sign is wrong" in verdict(capsys)
    assert not checks.check_vendor_slice(float(np.median(gains)), band, beyond)
    assert "median" in verdict(capsys)
    for wrong, words in [(band / np.sqrt(len(gains)), "standard errors of the mean"),
                         (sd, "one standard deviation"), (2 * band, "full width"),
                         (1.96 * sd ** 2, "variance")]:
        assert not checks.check_vendor_slice(mean, wrong, beyond)
        assert words in verdict(capsys)
    assert not checks.check_vendor_slice(mean, band, not beyond)
    assert "A positive gain alone is not evidence" in verdict(capsys)
    assert not checks.check_vendor_slice(mean + 0.05, band, beyond)
    assert "not the mean" in verdict(capsys)


def test_task3_never_raises(capsys):
    _, mean, band, beyond = task3_truth()
    for wrong in WRONG_TYPES:
        assert checks.check_vendor_slice(wrong, wrong, wrong) is False
        assert checks.check_vendor_slice(mean, wrong, beyond) is False
        assert checks.check_vendor_slice(mean, band, wrong) is False
    assert "— FAIL" in verdict(capsys)


def test_task3_private_copy_survives_an_edit_of_the_learners_data():
    gains = checks.vendor_gains()
    _, mean, band, beyond = task3_truth()
    gains[:] = 0.0  # an in-place edit of the learner's copy
    assert checks.check_vendor_slice(mean, band, beyond)


# --- Task 4 -------------------------------------------------------------------------------

def task4_rows():
    return checks._thermostat_forests()


def task4_answer():
    """The smallest forest within 1 point of the best, found here by a search of every pair."""
    rows = task4_rows()
    best = max(r[2] for r in rows)
    within = [r for r in rows if r[2] >= best - 0.01 - 1e-12]
    chosen = min(within, key=lambda r: r[3])
    return chosen[:2], chosen[3] <= 64


def test_task4_the_figure_shows_every_forest_and_the_budget():
    import matplotlib.pyplot as plt

    fig = checks.plot_thermostat_forests()
    try:
        ax = fig.axes[0]
        assert len(ax.lines) == 4 + 1  # one line per depth, and the device's
        labels = [t.get_text() for t in ax.texts]
        assert sorted(labels) == sorted(str(r[1]) for r in task4_rows())
        assert "number of trees" in ax.get_title(loc="left")
    finally:
        plt.close(fig)


@pytest.mark.parametrize("form", [tuple, list, np.array, pd.Series,
                                  lambda p: (float(p[0]), np.int64(p[1]))])
def test_task4_accepts_every_form_of_the_pair(form):
    pair, fits = task4_answer()
    assert checks.check_thermostat_forest(form(pair), fits)
    assert checks.check_thermostat_forest(form(pair), np.bool_(fits))


def test_task4_classic_mistakes_give_other_answers_and_their_hints(capsys):
    rows = task4_rows()
    (answer, fits) = task4_answer()
    best = max(rows, key=lambda r: r[2])
    smallest = min(rows, key=lambda r: r[3])
    within = [r for r in rows if r[2] >= best[2] - 0.01 - 1e-12]
    fewest = min(within, key=lambda r: (r[1], r[3]))
    relative = min((r for r in rows if r[2] >= 0.99 * best[2]), key=lambda r: r[3])
    below = next(r for r in rows if r[2] < best[2] - 0.01 and r[:2] != smallest[:2])
    mistakes = [best[:2], smallest[:2], fewest[:2], relative[:2]]
    assert len({answer, *mistakes}) == 5, "the data must tell every mistake apart"
    for wrong, words in zip(mistakes, ["most accurate", "smallest forest of all",
                                       "Fewest trees", "1% of the best"]):
        assert not checks.check_thermostat_forest(wrong, fits)
        assert words in verdict(capsys)
    assert not checks.check_thermostat_forest(below[:2], fits)
    assert "below the shaded band" in verdict(capsys)
    assert not checks.check_thermostat_forest(answer[::-1], fits)
    assert "other order" in verdict(capsys)
    assert not checks.check_thermostat_forest((3, 3), fits)
    assert "not a forest of the figure" in verdict(capsys)
    assert (best[3] <= 64) != fits, "the most accurate forest's verdict must differ"
    assert not checks.check_thermostat_forest(answer, not fits)
    assert "most accurate forest, not the chosen one" in verdict(capsys)


def test_task4_private_copy_survives_an_edit_of_the_task_constants():
    pair, fits = task4_answer()
    saved = dict(checks.THERMOSTAT_TASK)
    try:
        checks.THERMOSTAT_TASK["budget_points"] = 50
        checks.THERMOSTAT_TASK["device_kb"] = 1
        assert checks.check_thermostat_forest(pair, fits)
    finally:
        checks.THERMOSTAT_TASK.update(saved)


@pytest.mark.parametrize("wrong", WRONG_TYPES + [(4,), (4, "16"), (4, float("nan")), {4, 16},
                                                 (4, 16, 1)])
def test_task4_never_raises(wrong, capsys):
    assert checks.check_thermostat_forest(wrong, True) is False
    assert "— FAIL" in verdict(capsys)
    pair, _ = task4_answer()
    assert checks.check_thermostat_forest(pair, wrong) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 5 -------------------------------------------------------------------------------

def weights_gb(n_parameters, bits_per_parameter):
    return n_parameters * bits_per_parameter / 8 / 1e9


@pytest.mark.parametrize("name", ["int8", "INT8", "Int-8", "8-bit integers", " int_8 "])
def test_task5_accepts_every_spelling_of_the_format(name, fresh):
    """The old check compared the exact key: "INT8" and "8-bit integers" failed."""
    assert checks.check_weights_memory(weights_gb, name)


def test_task5_accepts_every_form_of_the_number(fresh):
    assert checks.check_weights_memory(lambda n, bits: np.float64(n * bits / 8e9), "int8")
    assert checks.check_weights_memory(lambda n, bits: np.array([n * bits / 8e9]), "int8")
    assert checks.check_weights_memory(lambda n, bits: n * (bits // 8 if bits >= 8 else bits / 8)
                                       / 1e9, "int8")


@pytest.mark.parametrize("mistake, hint", [
    (lambda n, bits: n * bits / 1e9, "divide the bits by 8"),
    (lambda n, bits: n * bits / 8 / 2**30, "GiB"),
    (lambda n, bits: n * bits / 8 / 1e6, "MB"),
    (lambda n, bits: n * bits / 8, "That is bytes"),
    (lambda n, bits: n * bits, "That is bits"),
    (lambda n, bits: n * 4 / 1e9, "Bytes = parameters x bits per parameter / 8"),
])
def test_task5_function_mistakes(mistake, hint, capsys):
    assert not checks.check_weights_memory(mistake, "int8")
    assert hint in verdict(capsys)


def test_task5_fails_a_function_that_knows_only_the_examples(fresh, capsys):
    known = {(n, bits): weights_gb(n, bits) for n, bits in checks._MEMORY_CASES}
    known[(2.7e9, 8)] = 2.7
    assert not checks.check_weights_memory(lambda n, bits: known.get((n, bits), 1.0), "int8")
    assert "returned 1" in verdict(capsys)


def test_task5_choice_mistakes(capsys):
    sizes = {name: weights_gb(2.7e9, bits) for name, bits in checks.FORMAT_BITS.items()}
    assert sizes["float16"] > 3 >= sizes["int8"] > sizes["int4"]  # int4 fits too: a real choice
    assert not checks.check_weights_memory(weights_gb, "int4")
    assert "widest format that fits" in verdict(capsys)
    assert not checks.check_weights_memory(weights_gb, "4-bit integers")
    assert "widest format that fits" in verdict(capsys)
    assert not checks.check_weights_memory(weights_gb, "float16")
    assert "more than the 3 GB free" in verdict(capsys)
    assert not checks.check_weights_memory(weights_gb, "float32")
    assert "more than the 3 GB free" in verdict(capsys)
    assert not checks.check_weights_memory(weights_gb, "fp8")
    assert "not one of the choices" in verdict(capsys)


def test_task5_private_copy_survives_an_edit_of_the_formats_handed_out(monkeypatch):
    monkeypatch.setitem(checks.FORMAT_BITS, "int8", 80)
    monkeypatch.setitem(checks.DEVICE_TASK, "free_gb", 1.0)
    assert checks.check_weights_memory(weights_gb, "int8")


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda n, b: None, lambda n, b: 1 / 0,
                                                  lambda: 0, lambda n, b: "14",
                                                  lambda n, b: sys.exit(3)])
def test_task5_never_raises(answer, capsys):
    assert checks.check_weights_memory(answer, "int8") is False
    assert checks.check_weights_memory(weights_gb, answer) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 6 -------------------------------------------------------------------------------

TO_STORE = ["day-17", "day-31", "day-32"]


@pytest.mark.parametrize("form", [list, tuple, set, frozenset, np.array, pd.Series,
                                  lambda names: list(reversed(names))])
def test_task6a_accepts_every_form_of_the_names(form):
    """The old check failed an array or a Series of the names."""
    assert checks.check_versioning_decision(form(TO_STORE), "manifest hash")


@pytest.mark.parametrize("key", ["manifest hash", "Manifest-Hash", "hash of the manifest",
                                 "manifest_hash"])
def test_task6a_accepts_every_spelling_of_the_key(key):
    assert checks.check_versioning_decision(TO_STORE, key)


def test_task6a_partition_mistakes(capsys):
    old, today = checks.manifests()
    assert not checks.check_versioning_decision([name for name, _, _ in today.partitions],
                                                "manifest hash")
    assert "full copy" in verdict(capsys)
    assert not checks.check_versioning_decision(["day-31", "day-32"], "manifest hash")
    assert "content changed has a new hash" in verdict(capsys)
    assert not checks.check_versioning_decision(["day-17"], "manifest hash")
    assert "new days are not in the store" in verdict(capsys)
    assert not checks.check_versioning_decision([*TO_STORE, "day-01"], "manifest hash")
    assert "no longer lists" in verdict(capsys)
    hashes = {name: digest for name, _, digest in today.partitions}
    assert not checks.check_versioning_decision([hashes[n] for n in TO_STORE], "manifest hash")
    assert "partition hashes" in verdict(capsys)
    assert not checks.check_versioning_decision(["day-02"], "manifest hash")
    assert "diff_manifests" in verdict(capsys)
    assert not checks.check_versioning_decision("day-31", "manifest hash")
    assert "sequence of values" in verdict(capsys)


@pytest.mark.parametrize("key, hint", [("folder path", "names a place"),
                                       ("snapshot date", "A date does not name content"),
                                       ("row count", "kept every row count"),
                                       ("the number of rows", "kept every row count")])
def test_task6a_version_key_mistakes(key, hint, capsys):
    assert not checks.check_versioning_decision(TO_STORE, key)
    assert hint in verdict(capsys)


def test_task6a_data_make_the_row_count_mistake_visible():
    old, today = checks.manifests()
    rows = {manifest: {name: n for name, n, _ in manifest.partitions} for manifest in (old, today)}
    assert rows[old]["day-17"] == rows[today]["day-17"]  # same count, other content
    assert dict(today.partitions and {n: d for n, _, d in today.partitions})["day-17"] != \
        {n: d for n, _, d in old.partitions}["day-17"]


def test_task6a_never_raises(capsys):
    for wrong in WRONG_TYPES + [[["day-17"]], [1, 2]]:
        assert checks.check_versioning_decision(wrong, "manifest hash") is False
        assert checks.check_versioning_decision(TO_STORE, wrong) is False
    assert "— FAIL" in verdict(capsys)


GOOD_ARGUMENT = (
    "I would store every daily partition once, immutable, under the hash of its rows, and name "
    "a dataset version by a manifest that lists those hashes, itself hashed. A new version costs "
    "only its new partitions and a few kilobytes. Each model record keeps the manifest hash, the "
    "commit of the training code and its parameters, so a decision of last year leads back to "
    "the exact rows, which stay as long as such a question may come.")


def test_task6b_is_sent_for_review_with_the_rubric(capsys):
    assert checks.check_versioning_argument(GOOD_ARGUMENT) == REVIEW
    out = verdict(capsys)
    assert "— REVIEW" in out and "Model answer, in short" in out
    assert "manifest" in out and "model record" in out


def test_task6b_no_keyword_grading(capsys):
    """The old check passed an argument for the wrong position that used the keywords, and
    failed a good one in other words; now neither is graded by a machine."""
    wrong_position = ("Copy the full dataset for every model: no hash, no checksum, no digest, "
                      "no snapshot, no manifest, no partition. Model lineage does not matter, "
                      "nobody will reproduce anything, and storage is cheap enough for forty "
                      "terabytes a model, so the simplest plan wins and the regulator can read "
                      "the copies when it asks which rows trained which model last year.")
    assert checks.check_versioning_argument(wrong_position) == REVIEW
    assert checks.check_versioning_argument(GOOD_ARGUMENT) == REVIEW
    assert not hasattr(checks, "require_key_ideas")
    assert not hasattr(checks, "KEY_IDEAS")


@pytest.mark.parametrize("text", [None, 42, "too short", "hash manifest lineage " * 30])
def test_task6b_fails_what_is_not_an_argument(text, capsys):
    assert checks.check_versioning_argument(text) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 7 -------------------------------------------------------------------------------

def min_ms_per_token(n, bits, bandwidth):
    return n * bits / 8 / (bandwidth * 1e9) * 1e3


RIGHT_DEVICES = ["desktop GPU", "console", "accelerator"]


@pytest.mark.parametrize("devices", [
    RIGHT_DEVICES, tuple(reversed(RIGHT_DEVICES)), set(RIGHT_DEVICES),
    pd.Series(RIGHT_DEVICES), ["Desktop-GPU", " CONSOLE", "accelerator"],
    np.array(RIGHT_DEVICES)])
def test_task7_accepts_every_form_of_the_devices(devices, fresh):
    assert checks.check_token_time_bound(min_ms_per_token, devices)


def test_task7_accepts_every_form_of_the_number(fresh):
    assert checks.check_token_time_bound(
        lambda n, b, bw: np.float64(n * (b / 8) / bw / 1e6), RIGHT_DEVICES)
    assert checks.check_token_time_bound(
        lambda n, b, bw: np.array([1e3 * n * b / 8 / (bw * 1e9)]), RIGHT_DEVICES)


@pytest.mark.parametrize("mistake, hint", [
    (lambda n, b, bw: n * b / (bw * 1e9) * 1e3, "divide the bits by 8"),
    (lambda n, b, bw: n * b / 8 / (bw * 1e9), "That is seconds"),
    (lambda n, b, bw: n * b / 8 / (bw * 1e9) * 1e6, "microseconds"),
    (lambda n, b, bw: n * b / 8 / (bw * 2**30) * 1e3 * (2**30 / 1e9) ** 2, "2**30"),
    (lambda n, b, bw: (bw * 1e9) / (n * b / 8), "tokens per second"),
    (lambda n, b, bw: n * 2 / (bw * 1e9) * 1e3, "Time = bytes of the weights"),
])
def test_task7_function_mistakes(mistake, hint, capsys):
    assert not checks.check_token_time_bound(mistake, RIGHT_DEVICES)
    assert hint in verdict(capsys)


def test_task7_fails_a_function_that_knows_only_the_examples(fresh, capsys):
    known = {case: min_ms_per_token(*case) for case in checks._TOKEN_CASES}
    assert not checks.check_token_time_bound(lambda *case: known.get(case, 1.0), RIGHT_DEVICES)
    assert "returned 1" in verdict(capsys)


@pytest.mark.parametrize("devices, hint", [
    (["console", "accelerator"], "1,000 / 25 = 40 ms"),                  # ms compared with 25
    (["accelerator"], "The model is stored in 8-bit integers"),          # 16-bit weights
    ([], "8-bit integers are 1 byte per parameter"),                     # bits for bytes
    (["phone", "laptop"], "Keep the devices whose least time"),          # reversed
    (["laptop", "console", "accelerator"], "Use your min_ms_per_token"),  # anything else
])
def test_task7_choice_mistakes(devices, hint, capsys):
    assert not checks.check_token_time_bound(min_ms_per_token, devices)
    assert hint in verdict(capsys)


def test_task7_mistakes_are_told_apart_by_the_devices():
    sets = [checks._possible_devices(), checks._possible_devices(threshold_ms=25),
            checks._possible_devices(bits=16), checks._possible_devices(bits=64),
            frozenset(checks.DEVICES) - checks._possible_devices()]
    assert len(set(sets)) == len(sets)


def test_task7_private_copy_survives_an_edit_of_the_devices_handed_out(monkeypatch):
    monkeypatch.setitem(checks.DEVICES, "phone", 10_000)
    monkeypatch.setitem(checks.STREAM_TASK, "tokens_per_s", 1)
    assert checks.check_token_time_bound(min_ms_per_token, RIGHT_DEVICES)


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda n, b, bw: None, lambda n, b, bw: 1 / 0,
                                                  lambda: 0, lambda n, b, bw: "14",
                                                  lambda n, b, bw: sys.exit(3)])
def test_task7_never_raises(answer, capsys):
    assert checks.check_token_time_bound(answer, RIGHT_DEVICES) is False
    assert checks.check_token_time_bound(min_ms_per_token, answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task7_names_an_unknown_device(capsys):
    assert not checks.check_token_time_bound(min_ms_per_token, ["desktop GPU", "toaster"])
    assert "not one of the choices" in verdict(capsys)
