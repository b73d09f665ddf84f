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
    assert gain > 1  # the task is not noise: dropping the slice clearly helps
    assert checks.check_harmful_slice(source, gain)
    assert checks.check_harmful_slice(source, np.float64(round(gain, 2)))
    assert not checks.check_harmful_slice(source, -gain)
    assert "Wrong sign" in verdict(capsys)
    assert not checks.check_harmful_slice(source, gain / 100)
    assert "percentage points" in verdict(capsys)
    assert not checks.check_harmful_slice("web", gain)
    assert "helps" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_harmful_slice(wrong, wrong) is False
        assert checks.check_harmful_slice(source, wrong) is False


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


def test_task5_open_answer(capsys):
    good = ("Name each immutable partition by a content hash and each version by a manifest of "
            "hashes, so no copy is made, and store the manifest hash in every model record for "
            "lineage. " * 3)
    assert checks.check_open_answer(good)
    assert not checks.check_open_answer("Use a hash of the data. " * 20)
    assert "does not mention" in verdict(capsys)
    assert not checks.check_open_answer("too short")
    for wrong in WRONG_TYPES:
        assert checks.check_open_answer(wrong) is False
