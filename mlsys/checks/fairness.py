"""Checks for the fairness chapter's exercises (exercises/05_fairness.ipynb)."""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd

from mlsys.checks import (Fail, require_answer, require_bool, require_function, require_key_ideas,
                          require_number, require_returned, require_text, task)
from mlsys.fairness import (
    choose_thresholds,
    compute_chouldechova_fpr,
    compute_group_rates,
    format_count,
    make_applicants,
    make_scored_candidates,
)

RATE_NAMES = ("selection_rate", "tpr", "fpr", "ppv")

#: (y_true, y_pred) pairs the learner's hand-written function is tried on.
RATE_CASES = (
    ((1, 0, 1, 1, 0, 0, 1, 0), (1, 1, 0, 1, 0, 0, 1, 1)),
    ((1, 1, 1, 0, 0, 0, 0, 0, 0, 0), (1, 0, 0, 1, 0, 0, 0, 0, 0, 0)),
    tuple(tuple(np.random.default_rng(seed).integers(0, 2, 200).tolist()) for seed in (5, 6)),
)


def _hand_rates(y_true, y_pred) -> dict:
    group = np.zeros(len(y_true), dtype=int)
    row = compute_group_rates(y_true, y_pred, group).iloc[0]
    return {name: float(row[name]) for name in RATE_NAMES}


def _rates_hint(got, y_true, y_pred) -> str:
    t, p = np.array(y_true), np.array(y_pred)
    tp = np.sum((t == 1) & (p == 1))
    if math.isclose(got.get("tpr", -1), tp / len(t)):
        return "The TPR divides by the actual positives (TP + FN), not by everyone."
    if math.isclose(got.get("tpr", -1), tp / max(p.sum(), 1)):
        return ("That TPR is the precision: TP / (TP + FP) counts the approved. The TPR asks, "
                "of those who repay, how many were approved: TP / (TP + FN).")
    if math.isclose(got.get("fpr", -1), 1 - tp / max(p.sum(), 1)):
        return "FP / (TP + FP) is the false discovery rate; the FPR is FP / (FP + TN)."
    return ("Count TP, FP, FN and TN first; each rate is a ratio of two of those counts "
            "(see the chapter's table).")


@task("1", "group rates by hand")
def check_rates_function(function):
    """Try the learner's ``function(y_true, y_pred)`` against the book's confusion-matrix rates."""
    require_function(function, "group_rates")
    for y_true, y_pred in RATE_CASES:
        got = function(np.array(y_true), np.array(y_pred))
        require_returned(got, "group_rates")
        if not isinstance(got, Mapping):
            raise Fail(f"group_rates should return a dict; got {type(got).__name__}.")
        missing = [name for name in RATE_NAMES if name not in got]
        if missing:
            keys = "the key" if len(missing) == 1 else "the keys"
            raise Fail(f"The dict lacks {keys} {', '.join(map(repr, missing))}.",
                       f"Return a dict with the keys {list(RATE_NAMES)}.")
        got = {name: require_number(got[name], f"the {name} you returned") for name in RATE_NAMES}
        expected = _hand_rates(y_true, y_pred)
        wrong = [name for name in RATE_NAMES if not math.isclose(got[name], expected[name],
                                                                 abs_tol=1e-9)]
        if wrong:
            case = f"y_true={list(y_true)}, y_pred={list(y_pred)}" if len(y_true) <= 10 \
                else f"a case of {format_count(len(y_true), 'applicant')}"
            details = ", ".join(f"{n} {got[n]:.3f} (expected {expected[n]:.3f})" for n in wrong)
            raise Fail(f"For {case}: {details}.", _rates_hint(got, y_true, y_pred))
    return f"All four rates are right on {format_count(len(RATE_CASES), 'test case')}."


#: The hiring data of tasks 2-4 (`make_scored_candidates`), a domain the chapter does not use,
#: and the score from which task 2's company shortlists a candidate.
HIRING = dict(n=3_000, seed=7, share_b=0.3, experience_gap=1.0)
SHORTLIST_THRESHOLD = 0.6


def tpr_gap_data() -> tuple:
    """Task 2's decisions: (y_true, y_pred, group) for 3,000 job candidates, shortlisted when
    their score is at least SHORTLIST_THRESHOLD (y_true = 1: a good first year)."""
    candidates = make_scored_candidates(**HIRING)
    shortlisted = (candidates.score >= SHORTLIST_THRESHOLD).astype(int)
    return np.array(candidates.performed), shortlisted, np.array(candidates.group)


@task("2", "equal opportunity difference with fairlearn")
def check_tpr_gap(tpr_gap):
    """The learner's |TPR(A) - TPR(B)| of `tpr_gap_data()`, e.g. from a MetricFrame."""
    answer = require_number(tpr_gap, "tpr_gap")
    y_true, y_pred, group = tpr_gap_data()
    rates = compute_group_rates(y_true, y_pred, group)
    expected = abs(rates.loc["A", "tpr"] - rates.loc["B", "tpr"])
    if math.isclose(answer, expected, abs_tol=5e-4):
        return (f"TPR {rates.loc['A', 'tpr']:.3f} (A) vs {rates.loc['B', 'tpr']:.3f} (B): a gap "
                f"of {expected:.3f}.")
    if math.isclose(answer, -expected, abs_tol=5e-4):
        raise Fail(f"{answer:.3f} has the right size but is negative.",
                   "A difference between groups is reported as a gap: take its absolute value.")
    selection_gap = abs(rates.loc["A", "selection_rate"] - rates.loc["B", "selection_rate"])
    odds_gap = max(expected, abs(rates.loc["A", "fpr"] - rates.loc["B", "fpr"]))
    ratio = min(rates["tpr"]) / max(rates["tpr"])
    if math.isclose(answer, selection_gap, abs_tol=5e-4):
        hint = "That is the gap in selection rates (demographic parity), not in TPRs."
    elif math.isclose(answer, odds_gap, abs_tol=5e-4) and odds_gap != expected:
        hint = "That is the equalized odds difference, the larger of the TPR and FPR gaps."
    elif math.isclose(answer, ratio, abs_tol=5e-4):
        hint = "That is the ratio of the TPRs; the task asks for their difference."
    else:
        hint = ("Build a MetricFrame with fairlearn.metrics.true_positive_rate, then take "
                ".difference(), or call equal_opportunity_difference.")
    raise Fail(f"tpr_gap is {answer:g}; that is not the gap between the groups' TPRs.", hint)


#: Task 3's band of scores, and how far the share who did well may be from the mean score in it.
CALIBRATION_BAND = (0.2, 0.4)
CALIBRATION_TOLERANCE = 0.05


def calibration_data() -> tuple:
    """Task 3's candidates: (score, performed, group) for task 2's 3,000 job candidates."""
    candidates = make_scored_candidates(**HIRING)
    return (np.array(candidates.score), np.array(candidates.performed),
            np.array(candidates.group))


def _band_shares() -> tuple:
    """Per group: share who did well and mean score in CALIBRATION_BAND; base rate overall."""
    score, performed, group = calibration_data()
    low, high = CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    shares = {g: float(performed[in_band & (group == g)].mean()) for g in ("A", "B")}
    means = {g: float(score[in_band & (group == g)].mean()) for g in ("A", "B")}
    bases = {g: float(performed[group == g].mean()) for g in ("A", "B")}
    return shares, means, bases


def _same(answer: dict, expected: dict) -> bool:
    return all(math.isclose(answer[g], expected[g], abs_tol=5e-4) for g in expected)


@task("3", "calibration per group")
def check_calibration(good_year_share, calibrated_in_both):
    """Per group, the share who did well among candidates scored in CALIBRATION_BAND, and whether
    that share is within CALIBRATION_TOLERANCE of the band's mean score in both groups."""
    require_answer(good_year_share, "good_year_share")
    if not isinstance(good_year_share, Mapping) or sorted(good_year_share) != ["A", "B"]:
        raise Fail("good_year_share should be a dict with the keys 'A' and 'B'; got "
                   f"{good_year_share!r}.")
    answer = {g: require_number(good_year_share[g], f"good_year_share[{g!r}]")
              for g in ("A", "B")}
    shares, means, bases = _band_shares()
    low, high = CALIBRATION_BAND
    if not _same(answer, shares):
        if _same(answer, bases):
            hint = (f"Those are the groups' base rates: keep only the candidates scored "
                    f"{low} <= score < {high}.")
        elif _same(answer, means):
            hint = ("Those are the mean scores in the band, what the model predicts; the task "
                    "asks what happened: the mean of `performed` there.")
        elif _same({"A": answer["B"], "B": answer["A"]}, shares):
            hint = "The values are swapped between A and B."
        else:
            hint = (f"For each group g: mask = (group == g) & (score >= {low}) & "
                    f"(score < {high}); then performed[mask].mean().")
        raise Fail(f"good_year_share is {answer['A']:.3f} (A) and {answer['B']:.3f} (B); those "
                   "are not the shares who did well in the band.", hint)
    verdict = require_bool(calibrated_in_both, "calibrated_in_both")
    gaps = {g: abs(shares[g] - means[g]) for g in ("A", "B")}
    expected = all(gap <= CALIBRATION_TOLERANCE for gap in gaps.values())
    if verdict != expected:
        raise Fail(f"calibrated_in_both is {verdict}, but the gaps between the share who did well "
                   f"and the mean score are {gaps['A']:.3f} (A) and {gaps['B']:.3f} (B).",
                   f"Calibrated here means a gap of at most {CALIBRATION_TOLERANCE} in both "
                   "groups.")
    return (f"Scored {low} to {high}: {shares['A']:.1%} of A had a good first year (mean score "
            f"{means['A']:.1%}), {shares['B']:.1%} of B ({means['B']:.1%}). "
            + ("Calibrated in both groups, " if expected else "Not calibrated in both groups, ")
            + f"while the base rates differ ({bases['A']:.0%} vs {bases['B']:.0%}): Task 6 "
            "shows what that forces on the error rates.")


#: Task 4's candidate thresholds (the same list for each group) and its tolerance.
THRESHOLD_GRID = tuple(np.round(np.arange(0.20, 0.801, 0.05), 2).tolist())
TPR_TOLERANCE = 0.02


def _threshold_choice():
    """Task 4's job candidates and the best pair of thresholds for them."""
    candidates = make_scored_candidates(**HIRING)
    return candidates, choose_thresholds(candidates.performed, candidates.score,
                                         candidates.group, THRESHOLD_GRID, criterion="tpr",
                                         tolerance=TPR_TOLERANCE)


@task("4", "thresholds for equal opportunity")
def check_thresholds(best_thresholds):
    """The learner's (threshold_a, threshold_b): TPR gap within 0.02, best accuracy on the grid."""
    require_answer(best_thresholds, "best_thresholds")
    if isinstance(best_thresholds, (str, bytes)) or not hasattr(best_thresholds, "__len__") \
            or len(best_thresholds) != 2:
        raise Fail("best_thresholds should be a pair (threshold_a, threshold_b); got "
                   f"{best_thresholds!r}.")
    threshold_a = require_number(best_thresholds[0], "threshold_a")
    threshold_b = require_number(best_thresholds[1], "threshold_b")
    candidates, best = _threshold_choice()
    if math.isclose(threshold_a, best.threshold_a) and math.isclose(threshold_b, best.threshold_b):
        return (f"A at {best.threshold_a:g}, B at {best.threshold_b:g}: TPR gap {best.gap:.3f}, "
                f"accuracy {best.accuracy:.2%}.")
    in_grid = any(math.isclose(threshold_a, t) for t in THRESHOLD_GRID) and \
        any(math.isclose(threshold_b, t) for t in THRESHOLD_GRID)
    if not in_grid:
        raise Fail(f"({threshold_a:g}, {threshold_b:g}) is not a pair from the candidate grid.",
                   "Take both thresholds from checks.THRESHOLD_GRID.")
    cutoffs = np.where(candidates.group == "A", threshold_a, threshold_b)
    y_pred = (candidates.score >= cutoffs).astype(int)
    rates = compute_group_rates(candidates.performed, y_pred, candidates.group)
    gap = abs(rates.loc["A", "tpr"] - rates.loc["B", "tpr"])
    accuracy = float(np.mean(y_pred == candidates.performed))
    if gap > TPR_TOLERANCE:
        hint = ("One threshold for both groups maximises accuracy but leaves the TPRs apart: "
                "the constraint comes first." if threshold_a == threshold_b else
                "Keep only the pairs whose TPR gap is at most 0.02, then pick the most accurate.")
        raise Fail(f"With these thresholds the TPR gap is {gap:.3f}, over {TPR_TOLERANCE}.", hint)
    raise Fail(f"The TPR gap is {gap:.3f}, within the constraint, but accuracy is "
               f"{accuracy:.2%}; another pair does better.",
               "Among the pairs that meet the constraint, choose the most accurate.")


#: Task 5's anonymous columns; `leak_data` says which real feature each one is.
_LEAK_COLUMNS = {"x1": "credit_history", "x2": "loan_amount", "x3": "postcode", "x4": "income",
                 "x5": "age"}


def leak_data() -> tuple:
    """Task 5's data: (X with anonymous columns x1..x5, group, approved) for 3,000 applicants.

    Two columns (loan amount, age) are noise unrelated to group and merit; one is the postcode.
    """
    applicants = make_applicants(3_000, seed=11, historical_bias=3.0, proxy_strength=1.0)
    rng = np.random.default_rng(12)
    real = applicants.features.assign(loan_amount=rng.normal(0, 1, 3_000),
                                      age=rng.normal(0, 1, 3_000))
    X = pd.DataFrame({alias: real[name].to_numpy() for alias, name in _LEAK_COLUMNS.items()})
    return X, applicants.group, applicants.approved


LEAKING_COLUMN = "x3"


@task("5", "the leaking feature")
def check_leaking_feature(column):
    """The learner names the column of `leak_data()` that reveals the group."""
    require_answer(column, "leaking_feature")
    if not isinstance(column, str):
        raise Fail(f"leaking_feature should be a column name such as 'x1'; got "
                   f"{type(column).__name__}.")
    if column not in _LEAK_COLUMNS:
        raise Fail(f"{column!r} is not a column of X; the columns are {list(_LEAK_COLUMNS)}.")
    if column == LEAKING_COLUMN:
        return (f"{column} is the postcode: without the group column, it lets a model tell the "
                "groups apart.")
    if _LEAK_COLUMNS[column] in ("income", "credit_history"):
        hint = ("That column matters most for predicting approval: it carries merit. Predict the "
                "group instead, and ask which column that model cannot do without.")
    else:
        hint = ("Fit a classifier that predicts the group from X, then run "
                "sklearn.inspection.permutation_importance on held-out rows.")
    raise Fail(f"{column} does not reveal the group.", hint)


CHOULDECHOVA_TASK = {"base_rate_a": 0.5, "base_rate_b": 0.3, "ppv": 0.8, "fnr": 0.2}


@task("6", "Chouldechova's identity")
def check_chouldechova(fpr_b):
    """The FPR group B must have with base rate 0.3 and the same PPV (0.8) and FNR (0.2) as A."""
    answer = require_number(fpr_b, "fpr_b")
    task_ = CHOULDECHOVA_TASK
    expected = compute_chouldechova_fpr(task_["base_rate_b"], task_["ppv"], task_["fnr"])
    fpr_a = compute_chouldechova_fpr(task_["base_rate_a"], task_["ppv"], task_["fnr"])
    if math.isclose(answer, expected, abs_tol=5e-4):
        return (f"FPR(B) = {expected:.4f}, against FPR(A) = {fpr_a:.2f}: equal precision and "
                "equal miss rates force unequal false positive rates.")
    p = task_["base_rate_b"]
    if math.isclose(answer, fpr_a, abs_tol=5e-4):
        hint = "That is group A's FPR. The identity says B's must differ: plug in B's base rate."
    elif math.isclose(answer, (1 - p) / p * (1 - task_["ppv"]) / task_["ppv"]
                      * (1 - task_["fnr"]), abs_tol=5e-4):
        hint = "The first factor is p / (1 - p), the odds of a positive, not (1 - p) / p."
    else:
        hint = "FPR = p / (1 - p) × (1 - PPV) / PPV × (1 - FNR), with p = 0.3."
    raise Fail(f"fpr_b is {answer:g}; that is not what the identity gives.", hint)


KEY_IDEAS = {
    "a fairness criterion (equal opportunity, true positive rate, equalized odds, calibration, "
    "parity)": ("equal opportunity", "true positive rate", "tpr", "equalized odds",
                "calibrat", "parity"),
    "the base rates (base rate, prevalence)": ("base rate", "prevalence"),
    "what an error costs (false negative, missed, false positive, cost, harm)": (
        "false negative", "miss", "false positive", "cost", "harm"),
}


@task("7", "which criterion fits (open question)")
def check_open_answer(text):
    """A written argument of at least 60 words naming a criterion, base rates and error costs."""
    text = require_text(text, "answer_criterion", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "Say which rate must be equal, why (who is harmed by which error), and what "
        "the groups' different base rates mean for the other criteria.")
    return ("Your argument is long enough and names a criterion, the base rates and the cost of "
            "errors. Compare it with the model answer in the solution notebook.")

