"""The artifacts exercise's checks: right answers pass, wrong ones fail with a hint, never raise."""

import hashlib
import math

import numpy as np
import pytest

from mlsys.artifacts import capacity_sweep, compute_dataset_hash, compute_slice_values
from mlsys.checks import artifacts as checks

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]


def verdict(capsys):
    return capsys.readouterr().out


def sorted_csv_hash(frame):
    header, *rows = frame.to_csv(index=False).splitlines()
    return hashlib.sha256("\n".join([header, *sorted(rows)]).encode()).hexdigest()


def test_task1_accepts_sorted_hashes_and_explains_classic_mistakes(capsys):
    assert checks.check_content_hash(sorted_csv_hash)
    assert checks.check_content_hash(compute_dataset_hash)
    assert not checks.check_content_hash(lambda f: hashlib.sha256(f.to_csv().encode()).hexdigest())
    assert "Sort the rows" in verdict(capsys)
    assert not checks.check_content_hash(
        lambda f: str(sorted(set(f.to_csv(index=False).splitlines()))))
    assert "forgets duplicates" in verdict(capsys)
    assert not checks.check_content_hash(lambda f: str(f.shape))
    assert "every value" in verdict(capsys)
    assert not checks.check_content_hash(lambda f: hashlib.sha256(bytes(1)).digest())
    assert "should return a str" in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda f: None, lambda f: 1 / 0, lambda: 0])
def test_task1_never_raises(answer, capsys):
    assert checks.check_content_hash(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task2_bad_batch_is_caught_by_an_income_range_rule():
    assert all(b["income_k"].max() < 1_000 for b in checks.good_batches())
    assert checks.bad_batch()["income_k"].max() > 1_000


def test_task2_verdicts(capsys):
    assert checks.check_data_test(lambda b: bool(b["income_k"].max() < 1_000))
    assert not checks.check_data_test(lambda b: True)
    assert "lets the bad batch through" in verdict(capsys)
    assert not checks.check_data_test(lambda b: bool(b["income_k"].mean() < 50))
    assert "Too strict" in verdict(capsys)
    assert not checks.check_data_test(lambda b: b["income_k"] < 1_000)
    assert "True or False" in verdict(capsys)
    for wrong in WRONG_TYPES + [lambda b: None, lambda b: b["no such column"]]:
        assert checks.check_data_test(wrong) is False


def test_task3_verdicts(capsys):
    values = compute_slice_values(*checks.valuation_data())
    worst = int(np.argmin(values.value))
    source, gain = values.slices[worst], -100 * values.value[worst]
    # The task's data make the classic mistake give another answer: a visible gain, within noise.
    assert gain > 0.5 and not values.harmful[worst]
    assert gain < 0.7 * 100 * values.noise_band[worst]
    assert checks.check_harmful_slice(source, gain, False)
    assert checks.check_harmful_slice(source, np.float64(round(gain, 2)), np.bool_(False))
    assert not checks.check_harmful_slice(source, gain, True)
    assert "within its noise band" in verdict(capsys)
    assert not checks.check_harmful_slice(source, -gain, False)
    assert "sign is wrong" in verdict(capsys)
    assert not checks.check_harmful_slice(source, gain / 100, False)
    assert "percentage points" in verdict(capsys)
    assert not checks.check_harmful_slice("web", gain, False)
    assert "lowers accuracy" in verdict(capsys)
    assert not checks.check_harmful_slice(source, gain, "no")
    assert "True or False" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_harmful_slice(wrong, wrong, wrong) is False
        assert checks.check_harmful_slice(source, wrong, False) is False
        assert checks.check_harmful_slice(source, gain, wrong) is False


def test_task3_verdict_does_not_hang_on_the_bootstrap_seed():
    train, validation = checks.valuation_data()
    for seed in (1, 2):
        values = compute_slice_values(train, validation, seed=seed)
        assert not values.harmful.any()


def test_task4_expected_answer_comes_from_the_sweep(capsys):
    sweep = capacity_sweep()
    within = np.flatnonzero(sweep.accuracy >= sweep.accuracy.max() - 0.01)
    best = within[np.argmin(sweep.disk_kb[within])]
    answer = (int(sweep.max_depth[best]), int(sweep.n_trees[best]))
    assert checks.check_smallest_model(answer)
    most_accurate = int(np.argmax(sweep.accuracy))
    assert not checks.check_smallest_model((int(sweep.max_depth[most_accurate]),
                                            int(sweep.n_trees[most_accurate])))
    assert "most accurate" in verdict(capsys)
    fewest_trees = within[np.argmin(sweep.n_trees[within])]
    assert fewest_trees != best  # the classic mistake gives another answer
    assert not checks.check_smallest_model((int(sweep.max_depth[fewest_trees]),
                                            int(sweep.n_trees[fewest_trees])))
    assert "Fewest trees" in verdict(capsys)
    assert not checks.check_smallest_model((2, 1))
    assert "below the best" in verdict(capsys)
    assert not checks.check_smallest_model((3, 3))
    assert "not a forest of the sweep" in verdict(capsys)
    for wrong in WRONG_TYPES + [(4,), (4, "32"), (4, float("nan"))]:
        assert checks.check_smallest_model(wrong) is False


def weights_gb(n_parameters, bits_per_parameter):
    return n_parameters * bits_per_parameter / 8 / 1e9


def test_task5_memory_verdicts(capsys):
    assert checks.check_weights_memory(weights_gb, "int8")
    assert checks.check_weights_memory(lambda n, bits: np.float64(n * bits / 8e9), "int8")
    assert not checks.check_weights_memory(lambda n, bits: n * bits / 1e9, "int8")
    assert "divide the bits by 8" in verdict(capsys)
    assert not checks.check_weights_memory(lambda n, bits: n * bits / 8 / 2**30, "int8")
    assert "GiB" in verdict(capsys)
    assert not checks.check_weights_memory(lambda n, bits: n * bits / 8 / 1e6, "int8")
    assert "MB" in verdict(capsys)
    assert not checks.check_weights_memory(weights_gb, "int4")
    assert "widest format that fits" in verdict(capsys)
    assert not checks.check_weights_memory(weights_gb, "float16")
    assert "more than the 3 GB free" in verdict(capsys)
    assert not checks.check_weights_memory(weights_gb, "fp8")
    assert "one of" in verdict(capsys)
    sizes = {name: weights_gb(2.7e9, bits) for name, bits in checks.FORMAT_BITS.items()}
    assert sizes["float16"] > 3 >= sizes["int8"] > sizes["int4"]  # int4 fits too: a real choice


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda n, b: None, lambda n, b: 1 / 0,
                                                  lambda: 0, lambda n, b: "14"])
def test_task5_never_raises(answer, capsys):
    assert checks.check_weights_memory(answer, "int8") is False
    assert checks.check_weights_memory(weights_gb, answer) is False
    assert "— FAIL" in verdict(capsys)


GOOD_TEXT = ("Name each immutable partition by a content hash and each version by a manifest of "
             "hashes, so no copy is made, and store the manifest hash in every model record for "
             "lineage. " * 3)
TO_STORE = ["day-17", "day-31", "day-32"]


def test_task6_partitions_to_store(capsys):
    assert checks.check_open_answer(TO_STORE, GOOD_TEXT)
    assert checks.check_open_answer(tuple(reversed(TO_STORE)), GOOD_TEXT)
    assert checks.check_open_answer(set(TO_STORE), GOOD_TEXT)
    _, today = checks.manifests()
    assert not checks.check_open_answer([name for name, _, _ in today.partitions], GOOD_TEXT)
    assert "full copy" in verdict(capsys)
    assert not checks.check_open_answer(["day-31", "day-32"], GOOD_TEXT)
    assert "content changed has a new hash" in verdict(capsys)
    assert not checks.check_open_answer([*TO_STORE, "day-01"], GOOD_TEXT)
    assert "no longer lists" in verdict(capsys)
    assert not checks.check_open_answer(["day-02"], GOOD_TEXT)
    assert "diff_manifests" in verdict(capsys)
    assert not checks.check_open_answer("day-31", GOOD_TEXT)
    assert "list of partition names" in verdict(capsys)


def test_task6_open_answer(capsys):
    good = ("Name each immutable partition by a content hash and each version by a manifest of "
            "hashes, so no copy is made, and store the manifest hash in every model record for "
            "lineage. " * 3)
    assert checks.check_open_answer(TO_STORE, good)
    assert not checks.check_open_answer(TO_STORE, "Use a hash of the data. " * 20)
    assert "does not mention" in verdict(capsys)
    assert not checks.check_open_answer(TO_STORE, "too short")
    for wrong in WRONG_TYPES:
        assert checks.check_open_answer(TO_STORE, wrong) is False
        assert checks.check_open_answer(wrong, good) is False
