"""The chapter 1 exercise's checks: right answers pass, wrong ones fail with a hint, none raises."""

import math

import numpy as np
import pytest

from mlsys.checks import when_to_use as checks
from mlsys.when_to_use import (CostAssumptions, estimate_expected_accuracy,
                               find_break_even_volume, simulate_drift)

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]
RIGHT_CRITERIA = {"lottery": "pattern", "new_shop": "data", "other_hospital": "same_patterns",
                  "vat": "prediction"}


def verdict(capsys):
    return capsys.readouterr().out


def expected_break_even():
    return find_break_even_volume(CostAssumptions(
        cost_per_error_usd=0.40, rule_error_rate=0.15, model_error_rate=0.06,
        rule_fixed_cost_usd=10_000, model_fixed_cost_usd=90_000,
        model_cost_per_prediction_usd=0.001))


# --- Task 1 ----------------------------------------------------------------------------------

def test_task1_expected_answer_agrees_with_the_package():
    assert checks._break_even() == pytest.approx(expected_break_even())
    assert expected_break_even() > checks.ONE_MILLION  # the bool is not trivially True


def test_task1_passes_the_right_answer_rounded_or_as_numpy(capsys):
    volume = expected_break_even()
    assert checks.check_break_even(volume, False)
    assert checks.check_break_even(round(volume, -3), np.bool_(False))
    assert checks.check_break_even(np.float64(volume), False)
    assert "PASS" in verdict(capsys)


@pytest.mark.parametrize("volume, words", [
    ((90_000 - 10_000) / (0.40 * 0.09), "serving cost"),
    (90_000 / (0.40 * 0.09 - 0.001), "rule's fixed cost"),
    ((90_000 - 10_000) / (0.40 * 0.06 - 0.001), "model's error rate alone"),
    ((90_000 - 10_000) / (0.40 * 0.15 - 0.001), "rule's error rate alone"),
    ((90_000 - 10_000) / (0.40 * 9 - 0.001), "percentages"),
    (1_000_000, "not where the two yearly costs cross"),
])
def test_task1_recognises_classic_mistakes(volume, words, capsys):
    assert checks.check_break_even(volume, False) is False
    assert words in verdict(capsys)


def test_task1_checks_the_verdict_at_one_million(capsys):
    assert checks.check_break_even(expected_break_even(), True) is False
    assert "Below the break-even volume" in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES)
def test_task1_never_raises(answer, capsys):
    assert checks.check_break_even(answer, answer) is False
    assert checks.check_break_even(expected_break_even(), answer) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 2 ----------------------------------------------------------------------------------

def test_task2_passes_each_accepted_answer():
    for vat in checks.ACCEPTED["vat"]:
        assert checks.check_failing_criteria({**RIGHT_CRITERIA, "vat": vat})


@pytest.mark.parametrize("proposal, wrong, words", [
    ("lottery", "data", "30 years of draws"),
    ("new_shop", "same_patterns", "past data"),
    ("other_hospital", "data", "like them"),
    ("new_shop", "scale", "'shines' criteria"),
    ("lottery", "unethical", "Read the proposal again"),
    ("vat", "no_such_key", "not a criterion key"),
    ("vat", None, "still None"),
])
def test_task2_fails_wrong_criteria_with_a_hint(proposal, wrong, words, capsys):
    assert checks.check_failing_criteria({**RIGHT_CRITERIA, proposal: wrong}) is False
    assert words in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES + [{"lottery": "pattern"},
                                                  {**RIGHT_CRITERIA, "extra": "data"},
                                                  {**RIGHT_CRITERIA, "vat": 3}])
def test_task2_never_raises(answer, capsys):
    assert checks.check_failing_criteria(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task2_accepted_keys_are_criteria():
    for accepted in checks.ACCEPTED.values():
        assert accepted <= set(checks.CRITERION_KEYS)


# --- Task 3 ----------------------------------------------------------------------------------

def test_task3_expected_answer_comes_from_the_learning_curve(capsys):
    curve = checks._data_task_curve()
    gaps = curve.mean_model_accuracy - curve.rule_accuracy
    expected = int(curve.train_sizes[np.argmax(gaps > checks.MATCH_MARGIN)])
    assert expected > checks.AVAILABLE_EXAMPLES  # so ship_model is False, not trivially True
    assert checks.check_enough_data(expected, False)
    assert checks.check_enough_data(np.int64(expected), np.bool_(False))
    assert not checks.check_enough_data(expected, True)
    assert "keep the rule" in verdict(capsys)


def test_task3_explains_too_small_and_too_large_sizes(capsys):
    sizes = list(checks._data_task_curve().train_sizes)
    expected = checks._data_task_curve().smallest_size_beating_rule()
    smaller, larger = sizes[sizes.index(expected) - 1], sizes[sizes.index(expected) + 1]
    assert not checks.check_enough_data(smaller, False)
    assert "not enough" in verdict(capsys)
    assert not checks.check_enough_data(larger, False)
    assert "smaller training set" in verdict(capsys)
    assert not checks.check_enough_data(333, False)
    assert "not one of the simulated sizes" in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES)
def test_task3_never_raises(answer, capsys):
    assert checks.check_enough_data(answer, False) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 4 ----------------------------------------------------------------------------------

def expected_worst_and_mean():
    expected = {every: estimate_expected_accuracy(1.0, every, seed=checks.DRIFT_TASK_SEED)
                for every in checks.RETRAIN_CANDIDATES}
    return ({every: weeks.min() for every, weeks in expected.items()},
            {every: weeks.mean() for every, weeks in expected.items()})


def test_task4_expected_answer_comes_from_the_expected_accuracy(capsys):
    worst, _ = expected_worst_and_mean()
    best = max(every for every, value in worst.items() if value >= 0.90)
    assert best == 4  # the key the model answer and the hints are written for
    longer = checks.RETRAIN_CANDIDATES[checks.RETRAIN_CANDIDATES.index(best) + 1]
    assert worst[longer] < 0.90  # the task is not trivial: the next interval fails
    assert checks.check_retraining_interval(best)
    assert checks.check_retraining_interval(np.int64(best))
    assert checks.check_retraining_interval(4.0)
    assert "90.7%" in verdict(capsys)
    assert not checks.check_retraining_interval(1)
    assert "longest" in verdict(capsys)


def test_task4_key_is_robust_to_the_seed():
    # The keyed answer is not the luck of seed 0: the expected accuracy gives it on other seeds.
    for seed in (0, 1, 3):
        worst = {every: estimate_expected_accuracy(1.0, every, seed=seed).min()
                 for every in (4, 8)}
        assert worst[4] >= 0.90 > worst[8]


def test_task4_recognises_choosing_by_the_mean(capsys):
    worst, mean = expected_worst_and_mean()
    by_mean = max(every for every, value in mean.items() if value >= 0.9)
    by_worst = max(every for every, value in worst.items() if value >= 0.9)
    assert by_mean > by_worst  # the classic mistake gives another answer
    assert not checks.check_retraining_interval(by_mean)
    assert "not the mean" in verdict(capsys)
    assert not checks.check_retraining_interval(26)
    assert "under 90%" in verdict(capsys)
    assert not checks.check_retraining_interval(3)
    assert "not one of the candidate" in verdict(capsys)


def test_task4_the_lowest_measured_week_is_a_noisy_statistic():
    # Why the task is keyed on the expected accuracy: the lowest of 52 measured weeks at the
    # keyed interval misses the target on some seeds although its expectation meets it.
    lowest = [simulate_drift(1.0, 4, seed=seed).retrained_accuracy.min() for seed in range(8)]
    assert min(lowest) < 0.90 <= max(lowest)


def test_task4_recognises_reading_the_lowest_measured_week(capsys):
    lowest = {every: simulate_drift(1.0, every, seed=checks.DRIFT_TASK_SEED)
              .retrained_accuracy.min() for every in checks.RETRAIN_CANDIDATES}
    by_lowest = max(every for every, value in lowest.items() if value >= 0.90)
    assert by_lowest == 2  # the task's seed gives the classic mistake its own answer
    assert not checks.check_retraining_interval(by_lowest)
    assert "sampling noise" in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES)
def test_task4_never_raises(answer, capsys):
    assert checks.check_retraining_interval(answer) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 5 ----------------------------------------------------------------------------------

def test_task5_open_answer(capsys):
    good = ("Compare the model with the rules as a baseline; at 50 million payments the cost "
            "is shared, and fraud patterns change, so retraining matters. " * 3)
    assert checks.check_open_answer(good)
    assert not checks.check_open_answer("A model is better than rules for fraud. " * 10)
    out = verdict(capsys)
    assert "does not mention" in out and "cost and volume" in out
    assert not checks.check_open_answer("too short")
    for wrong in WRONG_TYPES:
        assert checks.check_open_answer(wrong) is False
