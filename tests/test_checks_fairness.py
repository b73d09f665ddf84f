"""The fairness exercise's checks: right answers pass, wrong ones fail with a hint, never raise."""

import math

import numpy as np
import pytest
from fairlearn.metrics import MetricFrame, true_positive_rate
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from mlsys.checks import fairness as checks
from mlsys.fairness import (
    choose_thresholds,
    compute_calibration,
    compute_chouldechova_fpr,
    compute_group_rates,
    make_scored_applicants,
)

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]


def verdict(capsys):
    return capsys.readouterr().out


def rates_by_hand(y_true, y_pred):
    tp = np.sum((y_true == 1) & (y_pred == 1))
    fp = np.sum((y_true == 0) & (y_pred == 1))
    fn = np.sum((y_true == 1) & (y_pred == 0))
    tn = np.sum((y_true == 0) & (y_pred == 0))
    return {"selection_rate": (tp + fp) / len(y_true), "tpr": tp / (tp + fn),
            "fpr": fp / (fp + tn), "ppv": tp / (tp + fp)}


def test_task1_passes_a_correct_function_and_explains_classic_mistakes(capsys):
    assert checks.check_rates_function(rates_by_hand)
    assert not checks.check_rates_function(
        lambda t, p: rates_by_hand(t, p) | {"tpr": np.sum((t == 1) & (p == 1)) / len(t)})
    assert "actual positives" in verdict(capsys)
    assert not checks.check_rates_function(
        lambda t, p: rates_by_hand(t, p) | {"tpr": rates_by_hand(t, p)["ppv"]})
    assert "precision" in verdict(capsys)
    assert not checks.check_rates_function(lambda t, p: {"tpr": 0.5})
    assert "lacks the keys 'selection_rate', 'fpr', 'ppv'" in verdict(capsys)
    assert not checks.check_rates_function(
        lambda t, p: {k: v for k, v in rates_by_hand(t, p).items() if k != "ppv"})
    assert "lacks the key 'ppv'." in verdict(capsys)


def test_task1_pass_message_counts_its_cases_in_words(capsys):
    assert checks.check_rates_function(rates_by_hand)
    assert f"right on {len(checks.RATE_CASES)} test cases." in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda t, p: None, lambda t, p: 1 / 0,
                                                 lambda t: 0, lambda t, p: [0.5] * 4,
                                                 lambda t, p: dict.fromkeys(checks.RATE_NAMES,
                                                                            "0.5")])
def test_task1_never_raises(answer, capsys):
    assert checks.check_rates_function(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task2_accepts_fairlearns_difference_and_names_the_classic_mistakes(capsys):
    y_true, y_pred, group = checks.tpr_gap_data()
    frame = MetricFrame(metrics=true_positive_rate, y_true=y_true, y_pred=y_pred,
                        sensitive_features=group)
    assert checks.check_tpr_gap(frame.difference())
    assert checks.check_tpr_gap(np.float64(frame.difference()))
    assert not checks.check_tpr_gap(-frame.difference())
    assert "absolute" in verdict(capsys)
    rates = compute_group_rates(y_true, y_pred, group)
    assert not checks.check_tpr_gap(rates.selection_rate.max() - rates.selection_rate.min())
    assert "selection rates" in verdict(capsys)
    assert not checks.check_tpr_gap(frame.ratio())
    assert "ratio" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_tpr_gap(wrong) is False


def band_by_hand():
    score, repaid, group = checks.calibration_data()
    low, high = checks.CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    return ({g: repaid[in_band & (group == g)].mean() for g in ("A", "B")},
            {g: score[in_band & (group == g)].mean() for g in ("A", "B")})


def test_task3_band_agrees_with_fairlearn_and_the_books_calibration_table():
    score, repaid, group = checks.calibration_data()
    low, high = checks.CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    frame = MetricFrame(metrics=lambda y_true, y_pred: np.mean(y_true), y_true=repaid[in_band],
                        y_pred=repaid[in_band], sensitive_features=group[in_band])
    shares, means = band_by_hand()
    assert frame.by_group.to_dict() == pytest.approx(shares, abs=1e-12)
    table = compute_calibration(repaid, score, group, n_bins=5)
    band = table[table.bin == 1].set_index("group")  # bins of width 0.2: bin 1 is [0.2, 0.4)
    assert band.observed_rate.to_dict() == pytest.approx(shares, abs=1e-12)
    assert band.mean_score.to_dict() == pytest.approx(means, abs=1e-12)


def test_task3_calibration_passes_and_names_the_classic_mistakes(capsys):
    shares, means = band_by_hand()
    assert checks.check_calibration(shares, True)
    assert "Calibrated in both groups" in verdict(capsys)
    assert not checks.check_calibration(shares, False)
    assert "at most 0.05" in verdict(capsys)
    score, repaid, group = checks.calibration_data()
    base_rates = {g: repaid[group == g].mean() for g in ("A", "B")}
    assert not checks.check_calibration(base_rates, True)
    assert "base rates" in verdict(capsys)
    assert not checks.check_calibration(means, True)
    assert "mean scores" in verdict(capsys)
    assert not checks.check_calibration({"A": shares["B"], "B": shares["A"]}, True)
    assert "swapped" in verdict(capsys)
    assert not checks.check_calibration({"A": 0.5}, True)
    assert "keys 'A' and 'B'" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_calibration(wrong, True) is False
        assert checks.check_calibration(shares, wrong) is False
        assert checks.check_calibration({"A": wrong, "B": 0.5}, True) is False


def test_task4_answer_is_fair_and_beats_the_single_threshold_mistake(capsys):
    _, best = checks._threshold_choice()
    assert checks.check_thresholds((best.threshold_a, best.threshold_b))
    assert checks.check_thresholds(np.array([best.threshold_a, best.threshold_b]))
    assert best.threshold_a != best.threshold_b  # the task is not solved by one threshold
    assert not checks.check_thresholds((0.5, 0.5))
    assert "constraint comes first" in verdict(capsys)
    assert not checks.check_thresholds((0.65, 0.45))  # fair enough, but less accurate
    assert "choose the most accurate" in verdict(capsys)
    assert not checks.check_thresholds((0.51, 0.4))
    assert "grid" in verdict(capsys)
    for wrong in WRONG_TYPES + [(0.5,), "0.5,0.4", (None, 0.4)]:
        assert checks.check_thresholds(wrong) is False


def test_task4_fair_but_worse_pair_really_meets_the_constraint():
    candidates, best = checks._threshold_choice()
    pred = (candidates.score >= np.where(candidates.group == "A", 0.65, 0.45)).astype(int)
    rates = compute_group_rates(candidates.performed, pred, candidates.group)
    assert abs(rates.tpr["A"] - rates.tpr["B"]) <= checks.TPR_TOLERANCE
    assert np.mean(pred == candidates.performed) < best.accuracy


def test_tasks_2_to_4_do_not_reuse_the_chapters_data_or_answers():
    # The chapter prints its TPR gap (0.5 threshold), its calibration bins and its equal
    # opportunity thresholds on the lending data: the tasks must ask about other numbers.
    chapter = make_scored_applicants(0.5, n=4_000, seed=0)
    y_true, y_pred, _ = checks.tpr_gap_data()
    assert len(y_true) != len(chapter.repaid)
    chapter_rates = compute_group_rates(chapter.repaid, (chapter.score >= 0.5).astype(int),
                                        chapter.group)
    task_rates = compute_group_rates(*checks.tpr_gap_data())
    assert abs(np.ptp(task_rates.tpr) - np.ptp(chapter_rates.tpr)) > 0.01
    chapter_grid = np.round(np.arange(0.30, 0.701, 0.025), 3)
    chapter_choice = choose_thresholds(chapter.repaid, chapter.score, chapter.group,
                                       chapter_grid)
    _, best = checks._threshold_choice()
    assert (best.threshold_a, best.threshold_b) != (chapter_choice.threshold_a,
                                                    chapter_choice.threshold_b)
    assert tuple(chapter_grid.tolist()) != checks.THRESHOLD_GRID


def test_task5_permutation_importance_finds_the_leak_and_the_trap_does_not(capsys):
    X, group, approved = checks.leak_data()
    X_train, X_test, g_train, g_test, a_train, a_test = train_test_split(
        X, group, approved, random_state=0)
    by_group = permutation_importance(LogisticRegression().fit(X_train, g_train), X_test,
                                      g_test, n_repeats=5, random_state=0)
    leak = X.columns[np.argmax(by_group.importances_mean)]
    assert checks.check_leaking_feature(leak)
    by_approval = permutation_importance(LogisticRegression().fit(X_train, a_train), X_test,
                                         a_test, n_repeats=5, random_state=0)
    trap = X.columns[np.argmax(by_approval.importances_mean)]
    assert trap != leak
    assert not checks.check_leaking_feature(trap)
    assert "carries merit" in verdict(capsys)
    assert not checks.check_leaking_feature("x5")
    assert not checks.check_leaking_feature("postcode")
    for wrong in WRONG_TYPES:
        assert checks.check_leaking_feature(wrong) is False


def test_task6_chouldechova(capsys):
    assert checks.check_chouldechova(compute_chouldechova_fpr(0.3, 0.8, 0.2))
    assert not checks.check_chouldechova(0.2)
    assert "group A's FPR" in verdict(capsys)
    assert not checks.check_chouldechova(0.7 / 0.3 * 0.25 * 0.8)
    assert "p / (1 - p)" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_chouldechova(wrong) is False


def test_task7_open_answer(capsys):
    good = ("Equal opportunity fits: the true positive rate must match, because a false negative "
            "means a missed patient, while the base rates differ between the groups. " * 3)
    assert checks.check_open_answer(good)
    assert not checks.check_open_answer("Use a fair model. " * 30)
    assert "does not mention" in verdict(capsys)
    assert not checks.check_open_answer("too short")
    for wrong in WRONG_TYPES:
        assert checks.check_open_answer(wrong) is False
