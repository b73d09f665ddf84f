"""The chapter 1 exercise's checks: right answers pass in every form, each classic mistake fails
with its own hint, none raises, and none reads objects the learner holds."""

import copy
import inspect
import math
import sys
import types

import numpy as np
import pandas as pd
import pytest

from mlsys.checks import REVIEW
from mlsys.checks import when_to_use as checks
from mlsys.when_to_use import (MATCH_MARGIN, CostAssumptions, estimate_expected_accuracy,
                               find_break_even_volume, simulate_drift, simulate_learning_curve)

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]
RIGHT_CRITERIA = {"prize_draw": "pattern", "new_shop": "data",
                  "other_hospital": "same_patterns", "overtime": "prediction"}


def verdict(capsys):
    return capsys.readouterr().out


def one_number_forms(value):
    """The forms of one number a learner may hand in."""
    return [value, float(value), np.float64(value), np.array([value]), [value],
            pd.Series([value])]


class Exits:
    """An answer whose conversion to a number runs the learner's `sys.exit`."""

    def __float__(self):
        sys.exit(3)

    __int__ = __index__ = __float__


# --- Task 1 ----------------------------------------------------------------------------------

def expected_break_even():
    return find_break_even_volume(CostAssumptions(
        cost_per_error_usd=0.40, rule_error_rate=0.15, model_error_rate=0.06,
        rule_fixed_cost_usd=10_000, model_fixed_cost_usd=90_000,
        model_cost_per_prediction_usd=0.001))


def test_task1_expected_answer_agrees_with_the_package():
    assert checks._break_even() == pytest.approx(expected_break_even())
    assert expected_break_even() > checks.ONE_MILLION  # the bool is not trivially True


@pytest.mark.parametrize("volume", one_number_forms(expected_break_even())
                         + [round(expected_break_even(), -3), 2_286_000, 2_285_500])
def test_task1_passes_the_right_answer_in_every_form_to_the_nearest_thousand(volume, capsys):
    assert checks.check_break_even(volume, np.bool_(False)) is True
    assert "PASS" in verdict(capsys)


def test_task1_the_tolerance_is_the_stated_nearest_thousand(capsys):
    # The old relative tolerance (0.5%, +-11,400) passed 2,295,000; the task now states the
    # precision, so an answer rounded to the nearest ten thousand is not that answer.
    assert not checks.check_break_even(2_295_000, False)
    assert not checks.check_break_even(2_284_000, False)
    assert "not where the two yearly costs cross" in verdict(capsys)


@pytest.mark.parametrize("volume, words", [
    ((90_000 - 10_000) / (0.40 * 0.09), "left out the serving cost"),
    ((90_000 - 10_000) / (0.40 * 0.09 + 0.001), "added the serving cost"),
    (90_000 / (0.40 * 0.09 - 0.001), "rule's fixed cost"),
    ((90_000 - 10_000) / (0.40 * 0.06 - 0.001), "model's error rate alone"),
    ((90_000 - 10_000) / (0.40 * 0.15 - 0.001), "rule's error rate alone"),
    ((90_000 - 10_000) / (0.40 * 9 - 0.001), "percentages"),
    ((90_000 - 10_000) / (0.09 - 0.001), "cost of an error"),
    (1_000_000, "not where the two yearly costs cross"),
])
def test_task1_names_each_classic_mistake(volume, words, capsys):
    assert not math.isclose(volume, expected_break_even(), abs_tol=500)  # its own answer
    assert checks.check_break_even(volume, False) is False
    assert words in verdict(capsys)


def test_task1_mistakes_are_told_apart():
    values = [value for value, _ in checks._BREAK_EVEN_MISTAKES.values()]
    for i, a in enumerate(values):
        assert not math.isclose(a, expected_break_even(), rel_tol=5e-3)
        for b in values[i + 1:]:
            assert not math.isclose(a, b, rel_tol=1e-2)  # one hint per answer


def test_task1_checks_the_verdict_at_one_million(capsys):
    assert checks.check_break_even(expected_break_even(), True) is False
    assert "Below the break-even volume" in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES)
def test_task1_never_raises(answer, capsys):
    assert checks.check_break_even(answer, answer) is False
    assert checks.check_break_even(expected_break_even(), answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task1_a_learners_sys_exit_is_a_fail(capsys):
    assert checks.check_break_even(Exits(), False) is False
    assert "SystemExit 3" in verdict(capsys)


# --- Task 2 ----------------------------------------------------------------------------------

def test_task2_passes_each_accepted_answer():
    for overtime in checks.ACCEPTED["overtime"]:
        assert checks.check_failing_criteria({**RIGHT_CRITERIA, "overtime": overtime})


@pytest.mark.parametrize("spelt", ["same_patterns", "Same patterns", "SAME-PATTERNS",
                                   " same  patterns ", "Future data like past data",
                                   "future data like past data"])
def test_task2_accepts_a_criterion_by_its_key_or_label_in_any_spelling(spelt):
    assert checks.check_failing_criteria({**RIGHT_CRITERIA, "other_hospital": spelt}) is True


def test_task2_accepts_any_mapping():
    assert checks.check_failing_criteria(types.MappingProxyType(dict(RIGHT_CRITERIA))) is True


@pytest.mark.parametrize("proposal, wrong, words", [
    ("prize_draw", "data", "data exist"),
    ("prize_draw", "complex", "Is there one at all"),
    ("prize_draw", "learn", "capacity to learn"),
    ("prize_draw", "The system can learn the goal", "capacity to learn"),
    ("new_shop", "learn", "on its first day"),
    ("prize_draw", "prediction", "a prediction"),
    ("prize_draw", "same_patterns", "all equally random"),
    ("new_shop", "same_patterns", "past data"),
    ("new_shop", "pattern", "Churn has patterns"),
    ("new_shop", "complex", "hard to write down"),
    ("other_hospital", "data", "like them"),
    ("other_hospital", "pattern", "What changes in the second"),
    ("overtime", "pattern", "written in the contract"),
    ("overtime", "data", "Does a calculation need"),
    ("new_shop", "scale", "'shines' criteria"),
    ("overtime", "Patterns that change", "'shines' criteria"),
    ("prize_draw", "unethical", "Read the proposal again"),
    ("overtime", "no_such_key", "not one of the choices"),
    ("overtime", None, "still None"),
    ("overtime", 3, "(text)"),
])
def test_task2_fails_each_classic_mistake_with_its_hint(proposal, wrong, words, capsys):
    assert checks.check_failing_criteria({**RIGHT_CRITERIA, proposal: wrong}) is False
    assert words in verdict(capsys)


def test_task2_a_hint_names_its_mistake_only_for_that_answer(capsys):
    # "data exist" is the hint of prize_draw -> data, never of another wrong key.
    for wrong in ("complex", "prediction", "same_patterns", "unethical"):
        checks.check_failing_criteria({**RIGHT_CRITERIA, "prize_draw": wrong})
        assert "data exist" not in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES + [{"prize_draw": "pattern"},
                                                  {**RIGHT_CRITERIA, "extra": "data"},
                                                  {**RIGHT_CRITERIA, "overtime": 3}])
def test_task2_never_raises(answer, capsys):
    assert checks.check_failing_criteria(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task2_a_learners_sys_exit_is_a_fail(capsys):
    class ExitingDict(dict):
        def items(self):
            sys.exit(3)

    assert checks.check_failing_criteria(ExitingDict(RIGHT_CRITERIA)) is False
    assert "SystemExit 3" in verdict(capsys)


def test_task2_keeps_its_own_copy_of_the_proposals():
    saved = copy.deepcopy((checks.PROPOSALS, checks.ACCEPTED))
    try:
        checks.PROPOSALS.pop("overtime")  # what a learner exploring the printed dict may do
        checks.PROPOSALS["extra"] = "another proposal"
        checks.ACCEPTED["prize_draw"].add("data")
        assert checks.check_failing_criteria(RIGHT_CRITERIA) is True
        assert checks.check_failing_criteria({**RIGHT_CRITERIA, "prize_draw": "data"}) is False
    finally:
        checks.PROPOSALS.clear()
        checks.PROPOSALS.update(saved[0])
        checks.ACCEPTED.clear()
        checks.ACCEPTED.update(saved[1])


def test_task2_accepted_keys_are_criteria():
    for accepted in checks.ACCEPTED.values():
        assert accepted <= set(checks.CRITERION_KEYS)


# --- Task 3 ----------------------------------------------------------------------------------

def task_curve():
    task = checks.LEAK_TASK
    return simulate_learning_curve(task["complexity"], task["train_sizes"],
                                   label_noise=task["label_noise"], repeats=task["repeats"],
                                   seed=task["seed"])


def first(beats, sizes):
    return int(sizes[np.argmax(beats)]) if np.any(beats) else None


def expected_size():
    curve = task_curve()
    return first(curve.mean_model_accuracy - curve.rule_accuracy > MATCH_MARGIN,
                 curve.train_sizes)


def test_task3_expected_answer_is_the_first_dot_above_the_margin_on_the_figure(capsys):
    expected = expected_size()
    assert expected == 1000  # the size the model answer is written for
    assert expected > checks.AVAILABLE_EXAMPLES  # so ship_model is False, not trivially True
    fig = checks.plot_leak_task()
    labels = [float(t.get_text()) for t in fig.axes[0].texts]
    sizes = list(checks.LEAK_TASK["train_sizes"])
    # What the reader reads: the first label above +2 is the answer's, the one before is not.
    assert labels[sizes.index(expected)] > 2 >= max(labels[:sizes.index(expected)])
    assert "1,000" not in fig.axes[0].get_title() and "1000" not in fig.axes[0].get_title()
    for form in one_number_forms(expected) + [np.int64(expected)]:
        assert checks.check_enough_data(form, np.bool_(False)) is True
    assert not checks.check_enough_data(expected, True)
    assert "keep the rule" in verdict(capsys)


@pytest.mark.parametrize("mistake, size, would_ship, words", [
    ("no_margin", 200, True, "not against the rule's level"),
    ("best_repeat", 500, True, "not the top of the bars"),
    ("worst_repeat", 5000, False, "not the bottom of the"),
])
def test_task3_each_misreading_gives_its_own_size_and_hint(mistake, size, would_ship, words,
                                                           capsys):
    curve = task_curve()
    rule = curve.rule_accuracy
    read = {"no_margin": first(curve.mean_model_accuracy - rule > 0, curve.train_sizes),
            "best_repeat": first(curve.model_accuracy.max(axis=1) - rule > MATCH_MARGIN,
                                 curve.train_sizes),
            "worst_repeat": first(curve.model_accuracy.min(axis=1) - rule > MATCH_MARGIN,
                                  curve.train_sizes)}
    assert read[mistake] == size != expected_size()
    assert len(set(read.values()) | {expected_size()}) == 4  # the data tell them apart
    assert (checks.AVAILABLE_EXAMPLES >= size) == would_ship
    assert checks.check_enough_data(size, would_ship) is False
    out = verdict(capsys)
    assert words in out
    assert all(other not in out for other in ("not against the rule's level",
                                              "not the top of the bars",
                                              "not the bottom of the") if other != words)


def test_task3_explains_other_sizes_without_naming_a_mistake(capsys):
    assert not checks.check_enough_data(100, False)
    out = verdict(capsys)
    assert "not more than 2 points ahead" in out and "first above the dashed" in out
    assert not checks.check_enough_data(2000, False)
    assert "smaller training set" in verdict(capsys)
    assert not checks.check_enough_data(700, False)
    assert "not one of the sizes on the figure" in verdict(capsys)


def test_task3_a_learners_edit_of_the_figure_or_a_curve_changes_nothing():
    fig = checks.plot_leak_task()
    fig.axes[0].texts[0].set_text("+99.0")
    curve = task_curve()
    curve.model_accuracy[:] *= 100  # an ordinary in-place edit of a learner's own arrays
    saved = dict(checks.LEAK_TASK)
    try:
        checks.LEAK_TASK["seed"] = 1  # what a learner exploring the task's settings may do
        checks._leak_curve.cache_clear()
        assert checks.check_enough_data(1000, False) is True
        assert checks.plot_leak_task().axes[0].texts[4].get_text() == "+3.7"
    finally:
        checks.LEAK_TASK.update(saved)


@pytest.mark.parametrize("answer", WRONG_TYPES)
def test_task3_never_raises(answer, capsys):
    assert checks.check_enough_data(answer, False) is False
    assert checks.check_enough_data(1000, answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task3_a_learners_sys_exit_is_a_fail(capsys):
    assert checks.check_enough_data(Exits(), False) is False
    assert "SystemExit 3" in verdict(capsys)


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
    for form in one_number_forms(best) + [np.int64(best)]:
        assert checks.check_retraining_interval(form) is True
    assert "90.7%" in verdict(capsys)


def test_task4_key_is_robust_to_the_seed():
    # The keyed answer is not the luck of seed 2: the expected accuracy gives it on other seeds.
    for seed in (0, 1, 3):
        worst = {every: estimate_expected_accuracy(1.0, every, seed=seed).min()
                 for every in (4, 8)}
        assert worst[4] >= 0.90 > worst[8]


def test_task4_recognises_choosing_by_the_mean(capsys):
    worst, mean = expected_worst_and_mean()
    by_mean = max(every for every, value in mean.items() if value >= 0.9)
    by_worst = max(every for every, value in worst.items() if value >= 0.9)
    assert by_mean == 13 > by_worst  # the classic mistake gives another answer
    assert not checks.check_retraining_interval(by_mean)
    assert "not the mean" in verdict(capsys)


def test_task4_the_first_interval_that_misses_is_not_told_about_the_mean(capsys):
    # Every 8 weeks averages above 90% too, but the mean picks 13: the old check told 8 to use
    # the minimum, not the mean, a mistake it had not made.
    _, mean = expected_worst_and_mean()
    assert mean[8] >= 0.90
    assert not checks.check_retraining_interval(8)
    out = verdict(capsys)
    assert "first candidate that misses" in out and "not the mean" not in out


def test_task4_recognises_the_shortest_and_the_far_too_long(capsys):
    assert not checks.check_retraining_interval(1)
    assert "Every week meets the target, but a longer interval does too" in verdict(capsys)
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


def test_task4_a_learners_edit_of_their_arrays_changes_nothing():
    checks._drift_task_expected.cache_clear()
    weeks = estimate_expected_accuracy(1.0, 4, seed=checks.DRIFT_TASK_SEED)
    weeks *= 100  # edits the learner's array before the check has computed its own
    assert checks.check_retraining_interval(4) is True
    again = estimate_expected_accuracy(1.0, 8, seed=checks.DRIFT_TASK_SEED)
    again -= 1  # and after
    assert checks.check_retraining_interval(4) is True


@pytest.mark.parametrize("answer", WRONG_TYPES)
def test_task4_never_raises(answer, capsys):
    assert checks.check_retraining_interval(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task4_a_learners_sys_exit_is_a_fail(capsys):
    assert checks.check_retraining_interval(Exits()) is False
    assert "SystemExit 3" in verdict(capsys)


# --- Task 5a: the decision -------------------------------------------------------------------

def yearly_costs(error="error_over_year", fixed=True, errors=True):
    """Each option's yearly cost, computed here from the task's table."""
    table = {"keep the rules": (300_000, 0.0, 0.010, 0.010),
             "model trained once": (350_000, 0.0002, 0.005, 0.012),
             "model retrained quarterly": (500_000, 0.0002, 0.005, 0.007),
             "model retrained weekly": (1_300_000, 0.0002, 0.005, 0.005)}
    volume = 50_000_000
    column = {"error_at_launch": 2, "error_over_year": 3}[error]
    return {option: row[0] * fixed + row[1] * volume + 4.0 * row[column] * volume * errors
            for option, row in table.items()}


def cheapest(costs):
    return min(costs, key=costs.get)


def test_task5a_the_table_and_the_check_agree():
    costs = yearly_costs()
    for option, cost in costs.items():
        assert checks.fraud_yearly_cost_usd(option) == pytest.approx(cost)
    assert cheapest(costs) == "model retrained quarterly"


@pytest.mark.parametrize("spelt", ["model retrained quarterly", "Model retrained quarterly",
                                   "model-retrained-quarterly", "MODEL_RETRAINED_QUARTERLY",
                                   "quarterly", "model retrained every quarter",
                                   np.str_("model retrained quarterly")])
def test_task5a_passes_the_decision_in_any_spelling(spelt, capsys):
    assert checks.check_fraud_decision(spelt) is True
    assert "$1.91 million" in verdict(capsys)


@pytest.mark.parametrize("mistake, costs, words", [
    ("the error at launch", yearly_costs(error="error_at_launch"), "fraud drifts"),
    ("the fewest errors (no fixed costs)", yearly_costs(fixed=False), "fewest errors"),
    ("the lowest fixed cost (no cost of errors)", yearly_costs(errors=False),
     "cost least to keep"),
])
def test_task5a_each_classic_mistake_picks_another_option_and_is_named(mistake, costs, words,
                                                                       capsys):
    picked = cheapest(costs)
    assert picked != "model retrained quarterly", mistake
    assert checks.check_fraud_decision(picked) is False
    out = verdict(capsys)
    assert words in out
    others = {"fraud drifts", "fewest errors", "cost least to keep"} - {words}
    assert not any(other in out for other in others)  # only its own mistake is named


def test_task5a_the_three_mistakes_pick_three_different_options():
    picks = {cheapest(yearly_costs(error="error_at_launch")), cheapest(yearly_costs(fixed=False)),
             cheapest(yearly_costs(errors=False))}
    assert len(picks) == 3 and "model retrained quarterly" not in picks


@pytest.mark.parametrize("answer, words", [(None, "still None"), ("a model", "not one of"),
                                           (3, "(text)"), (["quarterly"], "(text)")])
def test_task5a_fails_what_is_not_an_option(answer, words, capsys):
    assert checks.check_fraud_decision(answer) is False
    assert words in verdict(capsys)


def test_task5a_keeps_its_own_copy_of_the_options():
    saved = copy.deepcopy(checks.FRAUD_OPTIONS)
    try:
        checks.FRAUD_OPTIONS["keep the rules"]["fixed_usd"] = 0  # a learner's what-if
        checks.FRAUD_OPTIONS.pop("model retrained weekly")
        assert checks.check_fraud_decision("model retrained quarterly") is True
        assert checks.check_fraud_decision("keep the rules") is False
    finally:
        checks.FRAUD_OPTIONS.clear()
        checks.FRAUD_OPTIONS.update(saved)


@pytest.mark.parametrize("answer", WRONG_TYPES)
def test_task5a_never_raises(answer, capsys):
    assert checks.check_fraud_decision(answer) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 5b: the written argument -----------------------------------------------------------

MODEL_ARGUMENT = (
    "Replace the rules with a model retrained every quarter, and keep the rules as a fallback "
    "and as the baseline it must keep beating. Fraud scoring is repetitive, runs at scale and "
    "its patterns change as fraudsters adapt, which is why a model trained once loses to the "
    "rules over a year. Before committing I would measure both error rates on recent labelled "
    "payments, the cost of a missed fraud and of a false alarm, and how fast the error grows.")


def test_task5b_a_written_argument_is_sent_for_review_with_the_rubric(capsys):
    assert checks.check_fraud_argument(MODEL_ARGUMENT) == REVIEW
    out = verdict(capsys)
    assert "— REVIEW" in out and "Model answer, in short" in out
    for point in checks.FRAUD_RUBRIC:
        assert point in out


def test_task5b_is_never_passed_by_keywords(capsys):
    # The old check passed this (every keyword, 60 words, the wrong position); now nothing
    # passes: a person grades every written argument.
    soup = ("Keep the rules: cost, volume, scale, break-even, drift, change, adapt, retrain, "
            "baseline, rule. " * 6)
    assert checks.check_fraud_argument(soup) is not True
    wrong_side = ("Keep the forty rules and never build a model: analysts know fraud better "
                  "than any algorithm, and a model is a black box that the bank's customers "
                  "would not accept. The rules are rewritten every quarter anyway, so there is "
                  "nothing to gain from machine learning here, whatever it would cost or save "
                  "at fifty million payments a year, today or later.")
    assert checks.check_fraud_argument(wrong_side) == REVIEW
    assert "— PASS" not in verdict(capsys)


@pytest.mark.parametrize("answer, words", [
    (None, "still None"), (3, "should be text"), ("Too short to be an argument.", "words"),
    ("fraud model cost " * 30, "repeats the same few words"),
])
def test_task5b_fails_an_argument_that_is_not_written(answer, words, capsys):
    assert checks.check_fraud_argument(answer) is False
    assert words in verdict(capsys)


def test_task5b_a_learners_sys_exit_in_a_str_subclass_is_not_run():
    class Exiting(str):
        def split(self, *args):
            sys.exit(3)

    assert checks.check_fraud_argument(Exiting(MODEL_ARGUMENT)) == REVIEW


def test_no_check_grades_by_keywords():
    assert "require_key_ideas" not in inspect.getsource(checks)


def test_the_tasks_are_numbered_as_the_exercise_and_the_syllabus_cite_them():
    tasks = [getattr(checks, name).task for name in (
        "check_break_even", "check_failing_criteria", "check_enough_data",
        "check_retraining_interval", "check_fraud_decision", "check_fraud_argument")]
    assert [number for number, _ in tasks] == ["1", "2", "3", "4", "5a", "5b"]
    assert checks.check_fraud_argument.review is True
