"""The data-shift exercise's checks: right answers pass, wrong ones fail with a hint."""

import math

import numpy as np
import pytest
from scipy import stats

from mlsys.checks import data_shift as checks

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]


def verdict(capsys):
    return capsys.readouterr().out


def test_task1_measured_accuracy(capsys):
    assert checks.check_measured_accuracy(0.95 * 0.94 + 0.05 * 0.06)
    assert not checks.check_measured_accuracy(0.95 * 0.94)
    assert "wrong predictions whose label flipped" in verdict(capsys)
    assert not checks.check_measured_accuracy(0.95)
    assert "labels are wrong too" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_measured_accuracy(wrong) is False


def test_task2_imbalance_metric(capsys):
    y = checks.imbalanced_labels()
    majority = float(np.mean(y == 0))
    assert checks.check_imbalance_metric(majority, "pr_auc")
    assert not checks.check_imbalance_metric(majority, "accuracy")
    assert "accuracy paradox" in verdict(capsys)
    assert not checks.check_imbalance_metric(1 - majority, "pr_auc")
    assert "share of positives" in verdict(capsys)
    assert not checks.check_imbalance_metric(majority, "f1")
    for wrong in WRONG_TYPES:
        assert checks.check_imbalance_metric(wrong, "pr_auc") is False
        assert checks.check_imbalance_metric(majority, wrong) is False


def test_task3_psi(capsys):
    e, a = np.array(checks.PSI_EXPECTED), np.array(checks.PSI_ACTUAL)
    psi = float(np.sum((a - e) * np.log(a / e)))
    assert checks.check_psi(psi, "moderate")
    assert "a moderate shift" in verdict(capsys)
    assert not checks.check_psi(psi, "significant")
    assert not checks.check_psi(100 * psi, "significant")
    assert "percentages" in verdict(capsys)
    assert not checks.check_psi(float(np.sum(a * np.log(a / e))), "little")
    assert "KL divergence" in verdict(capsys)
    assert not checks.check_psi(float(np.sum((a - e) * np.log10(a / e))), "little")
    assert "base 10" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_psi(wrong, "moderate") is False
        assert checks.check_psi(psi, wrong) is False


def ks_by_hand(reference, production):
    points = np.concatenate([reference, production])
    f_ref = [np.mean(reference <= x) for x in points]
    f_prod = [np.mean(production <= x) for x in points]
    return max(abs(a - b) for a, b in zip(f_ref, f_prod))


def test_task4_cases_agree_with_scipy():
    reference, production = checks.ks_windows()
    for r, p in (*checks.KS_CASES, (reference, production)):
        assert checks.compute_ks_statistic(r, p) == pytest.approx(stats.ks_2samp(r, p).statistic,
                                                                  abs=1e-12)
    assert production.mean() - reference.mean() == pytest.approx(0.2, abs=0.15)


def test_task4_ks_by_hand(capsys):
    reference, production = checks.ks_windows()
    alarm = bool(stats.ks_2samp(reference, production).pvalue < checks.KS_ALPHA)
    assert checks.check_ks(ks_by_hand, alarm)
    assert "p = " in verdict(capsys)
    assert not checks.check_ks(ks_by_hand, not alarm)
    assert "p-value" in verdict(capsys)
    signed_gap = lambda r, p: float(np.max(checks.compute_ecdf_gaps(r, p, np.r_[r, p])))  # noqa: E731
    assert not checks.check_ks(signed_gap, alarm)
    assert "absolute gap" in verdict(capsys)
    assert not checks.check_ks(lambda r, p: float(np.max(np.abs(checks.compute_ecdf_gaps(r, p, r)))),
                               alarm)
    assert "both* windows" in verdict(capsys)
    assert not checks.check_ks(lambda r, p: abs(r.mean() - p.mean()), alarm)
    assert "largest vertical gap" in verdict(capsys)
    assert not checks.check_ks(lambda r, p: None, alarm)
    assert "returned None" in verdict(capsys)
    assert not checks.check_ks(lambda r, p: 1 / 0, alarm)
    assert "ZeroDivisionError" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_ks(wrong, alarm) is False
        assert checks.check_ks(ks_by_hand, wrong) is False


def test_task5_shift_kinds(capsys):
    assert checks.check_shift_kinds(dict(checks.WINDOW_KINDS))
    label_as_covariate = dict(checks.WINDOW_KINDS, A="covariate")
    assert not checks.check_shift_kinds(label_as_covariate)
    message = verdict(capsys)
    assert "inside each class" in message and "1 window of 4 misread" in message
    assert not checks.check_shift_kinds(dict(label_as_covariate, C="none"))
    assert "2 windows of 4 misread" in verdict(capsys)
    concept_as_none = dict(checks.WINDOW_KINDS, C="none")
    assert not checks.check_shift_kinds(concept_as_none)
    assert "score the reference model" in verdict(capsys)
    assert not checks.check_shift_kinds({"A": "label"})
    assert not checks.check_shift_kinds(dict(checks.WINDOW_KINDS, B="prior"))
    for wrong in WRONG_TYPES:
        assert checks.check_shift_kinds(wrong) is False


def test_task5_windows_are_what_the_check_says():
    _, windows = checks.shift_windows()
    assert windows["A"][1].mean() == pytest.approx(0.8)
    assert windows["D"][0][:, 0].mean() == pytest.approx(1.0, abs=0.1)
    assert abs(windows["C"][0].mean(axis=0)).max() < 0.1


def test_task6_retraining_choice(capsys):
    results = checks._candidate_results()
    within = {n: r for n, r in results.items() if r.n_retrains <= checks.RETRAIN_BUDGET}
    best = max(within, key=lambda n: within[n].mean_accuracy)
    assert checks.check_retraining_choice(best)
    over = [n for n, r in results.items() if r.n_retrains > checks.RETRAIN_BUDGET]
    assert over and not checks.check_retraining_choice(over[0])
    assert "over the budget" in verdict(capsys)
    worse = min(within, key=lambda n: within[n].mean_accuracy)
    assert not checks.check_retraining_choice(worse)
    assert "another candidate" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_retraining_choice(wrong) is False


def test_task7_open_answer(capsys):
    good = ("With 300 rows against the training data PSI almost never exceeds 0.25 by chance, "
            "so false alarms are rare but small shifts go unseen at this window size; check "
            "labels and accuracy before retraining. " * 3)
    assert checks.check_open_answer(good)
    assert not checks.check_open_answer("PSI is fine. " * 40)
    assert "does not mention" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_open_answer(wrong) is False
