"""Checks for the fairness chapter's exercises (exercises/05_fairness.ipynb).

Each check's docstring lists the task's classic mistakes; the task's data give each of them an
answer different from the right one, and the check's hint names a mistake only when the answer
is that mistake (`tests/test_checks_fairness.py` has one test per mistake).
"""

from __future__ import annotations

import ast
import inspect
import math
import textwrap
from collections.abc import Mapping

import numpy as np
import pandas as pd

from mlsys.checks import (Fail, _single_item, close_at_precision, require_answer, require_bool,
                          require_choice, require_function, require_number, require_own_code,
                          require_returned, require_sequence, task, written_task)
from mlsys.fairness import (
    choose_thresholds,
    compute_calibration,
    compute_chouldechova_fpr,
    compute_group_rates,
    make_applicants,
    make_rated_candidates,
    make_scored_candidates,
    plot_calibration_by_group,
)
from mlsys.style import format_count

RATE_NAMES = ("selection_rate", "tpr", "fpr", "ppv")

#: The (y_true, y_pred) cases of task 1 that the learner may see. The first has TP = 4, FP = 1,
#: FN = 2, TN = 3, so that every classic mistake of `_RATE_MISTAKES` (and swapped arguments, and
#: percentages) gives another value than the right one. The check adds fresh random cases.
RATE_CASES = (
    ((1, 0, 1, 1, 0, 1, 0, 1, 1, 0), (1, 1, 0, 1, 0, 1, 0, 0, 1, 0)),
    ((1, 1, 1, 0, 0, 0, 0, 0, 0, 0), (1, 0, 0, 1, 0, 0, 0, 0, 0, 0)),
)
#: How many fresh cases the check draws at check time, in addition to RATE_CASES.
FRESH_RATE_CASES = 3

#: The names task 1 asks the learner not to use ("don't call scikit-learn, fairlearn or the
#: book's package"): the packages, and their functions that compute a rate or a matrix.
FORBIDDEN_MODULES = ("sklearn", "fairlearn", "mlsys", "confusion_matrix",
                     "recall_score", "precision_score", "MetricFrame", "compute_group_rates",
                     "_hand_rates")
#: fairlearn's rate functions: forbidden when called (a local variable may share their name).
FORBIDDEN_CALLS = ("true_positive_rate", "false_positive_rate", "selection_rate",
                   "false_negative_rate", "true_negative_rate")


def _counts(y_true, y_pred) -> dict:
    t, p = np.asarray(y_true), np.asarray(y_pred)
    return {"tp": int(np.sum((t == 1) & (p == 1))), "fp": int(np.sum((t == 0) & (p == 1))),
            "fn": int(np.sum((t == 1) & (p == 0))), "tn": int(np.sum((t == 0) & (p == 0))),
            "n": len(t)}


def _hand_rates(y_true, y_pred) -> dict:
    group = np.zeros(len(y_true), dtype=int)
    row = compute_group_rates(y_true, y_pred, group).iloc[0]
    return {name: float(row[name]) for name in RATE_NAMES}


def _ratio(numerator, denominator) -> float:
    return numerator / denominator if denominator else math.nan


#: Per rate, its classic mistakes: (what the hint says, the mistaken value from the counts).
_RATE_MISTAKES = {
    "selection_rate": (
        ("the selection rate counts everyone approved, TP + FP, over everyone; (TP + FN) / n is "
         "the base rate (who would repay)", lambda c: (c["tp"] + c["fn"]) / c["n"]),
        ("the selection rate counts every approval, right or wrong: (TP + FP) / n, not TP / n",
         lambda c: c["tp"] / c["n"]),
    ),
    "tpr": (
        ("the TPR divides by the actual positives (TP + FN), not by everyone",
         lambda c: c["tp"] / c["n"]),
        ("that TPR is the precision: TP / (TP + FP) counts the approved. The TPR asks, of those "
         "who repay, how many were approved: TP / (TP + FN)",
         lambda c: _ratio(c["tp"], c["tp"] + c["fp"])),
        ("that TPR is the miss rate FN / (TP + FN); the TPR is TP / (TP + FN)",
         lambda c: _ratio(c["fn"], c["tp"] + c["fn"])),
    ),
    "fpr": (
        ("FP / (TP + FP) is the false discovery rate; the FPR is FP / (FP + TN)",
         lambda c: _ratio(c["fp"], c["tp"] + c["fp"])),
        ("the FPR divides by the actual negatives (FP + TN), not by everyone",
         lambda c: c["fp"] / c["n"]),
        ("TN / (FP + TN) is the true negative rate; the FPR is FP / (FP + TN), its complement",
         lambda c: _ratio(c["tn"], c["fp"] + c["tn"])),
    ),
    "ppv": (
        ("that precision is the TPR, TP / (TP + FN); precision is TP / (TP + FP), of the approved",
         lambda c: _ratio(c["tp"], c["tp"] + c["fn"])),
        ("precision divides by the approved (TP + FP), not by everyone",
         lambda c: c["tp"] / c["n"]),
    ),
}


def _rates_hint(got, y_true, y_pred, wrong) -> str:
    """The hint for a failing case: a mistake is named only when the answer is that mistake."""
    expected = _hand_rates(y_true, y_pred)
    if all(math.isclose(got[name], 100 * expected[name], rel_tol=1e-9) for name in wrong):
        return "Those are percentages: give each rate as a fraction between 0 and 1."
    swapped = _hand_rates(y_pred, y_true)
    if all(math.isclose(got[name], swapped[name], abs_tol=1e-9) for name in RATE_NAMES):
        return ("Those are the rates with y_true and y_pred swapped: the function is called as "
                "group_rates(y_true, y_pred), the truth first.")
    counts = _counts(y_true, y_pred)
    named = []
    for name in wrong:
        for hint, mistake in _RATE_MISTAKES[name]:
            value = mistake(counts)
            if math.isclose(got[name], value, abs_tol=1e-9) and \
                    not math.isclose(value, expected[name], abs_tol=1e-9):
                named.append(hint[0].upper() + hint[1:] + ".")
                break
    if named:
        return " ".join(named)
    return ("Count TP, FP, FN and TN first; each rate is a ratio of two of those counts "
            "(see the chapter's table).")


def _fresh_rate_case(rng) -> tuple:
    """A random (y_true, y_pred) of another size and base rate, with every count at least 1."""
    while True:
        n = int(rng.integers(20, 400))
        y_true = (rng.random(n) < rng.uniform(0.2, 0.8)).astype(int)
        agree = rng.random(n) < rng.uniform(0.55, 0.9)
        y_pred = np.where(agree, y_true, 1 - y_true)
        if min(_counts(y_true, y_pred)[k] for k in ("tp", "fp", "fn", "tn")) >= 1:
            return tuple(y_true.tolist()), tuple(y_pred.tolist())


def _calls(function, names) -> set:
    """The names of `names` that `function`'s source calls (as f(...) or module.f(...))."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return set()
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else \
                func.attr if isinstance(func, ast.Attribute) else None
            if name in names:
                called.add(name)
    return called


def _returned_rates(got) -> dict:
    require_returned(got, "group_rates")
    if isinstance(got, pd.Series):
        got = got.to_dict()
    if not isinstance(got, Mapping):
        raise Fail(f"group_rates should return a dict; got {type(got).__name__}.",
                   f"Return a dict with the keys {list(RATE_NAMES)}.")
    missing = [name for name in RATE_NAMES if name not in got]
    if missing:
        keys = "the key" if len(missing) == 1 else "the keys"
        raise Fail(f"The dict lacks {keys} {', '.join(map(repr, missing))}.",
                   f"Return a dict with the keys {list(RATE_NAMES)}.")
    return {name: require_number(got[name], f"the {name} you returned") for name in RATE_NAMES}


@task("1", "group rates by hand")
def check_rates_function(function):
    """Try the learner's ``function(y_true, y_pred)`` against the book's confusion-matrix rates.

    Classic mistakes, each with its own hint: selection rate as the base rate (TP + FN) / n or
    as TP / n; TPR over everyone (TP / n), as the precision TP / (TP + FP) or as the miss rate
    FN / (TP + FN); FPR as the false discovery rate FP / (TP + FP), over everyone (FP / n) or as
    the true negative rate TN / (FP + TN); precision as the TPR or as TP / n; y_true and y_pred
    swapped; percentages instead of fractions; a function that memorises the cases it was shown
    (fresh random cases catch it); a call to scikit-learn, fairlearn or the book's package.
    """
    require_function(function, "group_rates")
    require_own_code(function, "group_rates", FORBIDDEN_MODULES)
    called = _calls(function, FORBIDDEN_CALLS)
    if called:
        raise Fail(f"group_rates calls {', '.join(sorted(called))}, which the task asks you not "
                   "to use.", "Count TP, FP, FN and TN yourself, with numpy.")
    cases = list(RATE_CASES)
    for index in range(len(RATE_CASES) + FRESH_RATE_CASES):
        if index == len(RATE_CASES):  # drawn only once the shown cases pass
            rng = np.random.default_rng()
            cases += [_fresh_rate_case(rng) for _ in range(FRESH_RATE_CASES)]
        y_true, y_pred = cases[index]
        got = _returned_rates(function(np.array(y_true), np.array(y_pred)))
        expected = _hand_rates(y_true, y_pred)
        wrong = [name for name in RATE_NAMES
                 if not math.isclose(got[name], expected[name], abs_tol=1e-9)]
        if wrong:
            case = f"y_true={list(y_true)}, y_pred={list(y_pred)}" if len(y_true) <= 10 \
                else f"a fresh case of {format_count(len(y_true), 'applicant')}"
            details = ", ".join(f"{n} {got[n]:.3f} (expected {expected[n]:.3f})" for n in wrong)
            raise Fail(f"For {case}: {details}.", _rates_hint(got, y_true, y_pred, wrong))
    return (f"All four rates are right on the {format_count(len(RATE_CASES), 'case')} of "
            f"checks.RATE_CASES and on {FRESH_RATE_CASES} fresh random cases.")


#: The hiring data of tasks 2-4 (`make_scored_candidates`), a domain the chapter does not use,
#: and the score from which task 2's company invites a candidate to a first interview. At 0.3
#: the groups' FPRs are further apart than their TPRs, so the equalized odds difference (the
#: larger of the two gaps) is not the TPR gap.
HIRING = dict(n=3_000, seed=7, share_b=0.3, experience_gap=1.0)
SHORTLIST_THRESHOLD = 0.3
#: Decimals the tasks ask for (task 2's gap, task 3a's shares, task 6's FPR).
DECIMALS = 3


def tpr_gap_data() -> tuple:
    """Task 2's decisions: (y_true, y_pred, group) for 3,000 job candidates, invited when
    their score is at least SHORTLIST_THRESHOLD (y_true = 1: a good first year). Fresh copies."""
    candidates = make_scored_candidates(**HIRING)
    shortlisted = (candidates.score >= SHORTLIST_THRESHOLD).astype(int)
    return np.array(candidates.performed), shortlisted, np.array(candidates.group)


def _tpr_gap_mistakes(rates) -> list:
    """(hint, value) of task 2's classic mistakes on its data, in the order they are tried."""
    a, b = rates.loc["A"], rates.loc["B"]
    tpr_gap, fpr_gap = abs(a.tpr - b.tpr), abs(a.fpr - b.fpr)
    return [
        ("A difference between groups is reported as a gap: take its absolute value (or "
         "fairlearn's .difference(), which is never negative).", -tpr_gap),
        ("That is the gap in false positive rates, which on these data is also the equalized "
         "odds difference (the larger of the TPR and FPR gaps); equal opportunity compares the "
         "TPRs only.", max(tpr_gap, fpr_gap)),
        ("That is the equalized odds difference with agg='mean', the mean of the TPR and FPR "
         "gaps; equal opportunity compares the TPRs only.", (tpr_gap + fpr_gap) / 2),
        ("That is the gap in false positive rates; the task asks for the true positive rates.",
         fpr_gap),
        ("That is the gap in selection rates (demographic parity), not in TPRs.",
         abs(a.selection_rate - b.selection_rate)),
        ("That is the ratio of the TPRs (MetricFrame.ratio()); the task asks for their "
         "difference.", min(a.tpr, b.tpr) / max(a.tpr, b.tpr)),
        ("That is the gap in precision (PPV); the task asks for the true positive rates.",
         abs(a.ppv - b.ppv)),
        ("That is the gap in accuracy; the task asks for the true positive rates.",
         abs(a.accuracy - b.accuracy)),
        ("That is group A's TPR alone; the task asks for the gap between the groups.", a.tpr),
        ("That is group B's TPR alone; the task asks for the gap between the groups.", b.tpr),
        ("That is the gap in percentage points: give it as a fraction between 0 and 1.",
         100 * tpr_gap),
    ]


@task("2", "equal opportunity difference with fairlearn")
def check_tpr_gap(tpr_gap):
    """The learner's |TPR(A) - TPR(B)| of `tpr_gap_data()` to three decimals, e.g. from a
    MetricFrame (a float, or the one-element Series a MetricFrame of a dict of metrics gives).

    Classic mistakes, each a different number on the task's data and each with its hint: the
    signed gap TPR(B) - TPR(A) (negative); fairlearn's `equalized_odds_difference` (the larger of
    the TPR and FPR gaps: here the FPR gap, so the two share a hint that names both) or its
    agg="mean"; the FPR gap; the selection-rate gap (demographic
    parity); the TPR ratio; the precision or accuracy gap; one group's TPR; a percentage; the
    per-group TPRs (`MetricFrame.by_group`) instead of their gap.
    """
    require_answer(tpr_gap, "tpr_gap")
    if not isinstance(tpr_gap, (str, bytes, Mapping)) and hasattr(tpr_gap, "__len__") and \
            len(tpr_gap) == 2:
        raise Fail("tpr_gap holds two values, one per group: those are the groups' TPRs.",
                   "The task asks for one number, the gap between them: frame.difference().")
    answer = require_number(tpr_gap, "tpr_gap")
    y_true, y_pred, group = tpr_gap_data()
    rates = compute_group_rates(y_true, y_pred, group)
    expected = abs(rates.loc["A", "tpr"] - rates.loc["B", "tpr"])
    if close_at_precision(answer, expected, DECIMALS):
        return (f"TPR {rates.loc['A', 'tpr']:.3f} (A) vs {rates.loc['B', 'tpr']:.3f} (B): a gap "
                f"of {expected:.3f}.")
    for hint, value in _tpr_gap_mistakes(rates):
        if close_at_precision(answer, value, DECIMALS):
            break
    else:
        hint = ("Build a MetricFrame with fairlearn.metrics.true_positive_rate, then take "
                ".difference(), or call equal_opportunity_difference.")
    raise Fail(f"tpr_gap is {answer:g}; that is not the gap between the groups' TPRs.", hint)


#: Task 3a's band of scores, and how far the share who did well may be from the mean score in it.
#: The band's middle (0.3) is not its candidates' mean score, so comparing the share with the
#: middle gives another verdict; so does comparing the two groups' shares with each other.
CALIBRATION_BAND = (0.1, 0.5)
CALIBRATION_TOLERANCE = 0.03


def calibration_data() -> tuple:
    """Task 3a's candidates: (score, performed, group) for task 2's 3,000 job candidates.
    Fresh copies."""
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


def _band_mistakes() -> list:
    """(hint, {group: value}) of task 3a's classic mistakes for the shares."""
    score, performed, group = calibration_data()
    shares, means, bases = _band_shares()
    low, high = CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    pooled = float(performed[in_band].mean())
    return [
        (f"Those are the groups' base rates: keep only the candidates scored {low} <= score < "
         f"{high}.", bases),
        ("Those are the mean scores in the band, what the model predicts; the task asks what "
         "happened: the mean of `performed` there.", means),
        ("The values are swapped between A and B.", {"A": shares["B"], "B": shares["A"]}),
        ("That is the share of both groups together; compute it for each group's candidates in "
         "the band.", {"A": pooled, "B": pooled}),
        ("Those are the shares of each group that fall in the band; the task asks, of the "
         "group's candidates in the band, the share who had a good first year.",
         {g: float(in_band[group == g].mean()) for g in ("A", "B")}),
        ("Those are percentages: give each share as a fraction between 0 and 1.",
         {g: 100 * shares[g] for g in ("A", "B")}),
    ]


def _same(answer: dict, expected: dict) -> bool:
    return all(close_at_precision(answer[g], expected[g], DECIMALS) for g in expected)


def _per_group(value, name: str) -> dict:
    """{"A": number, "B": number} from a dict or a pandas Series indexed by group, or fail."""
    require_answer(value, name)
    if isinstance(value, pd.Series):
        value = value.to_dict()
    if not isinstance(value, Mapping) or sorted(map(str, value)) != ["A", "B"]:
        raise Fail(f"{name} should be a dict (or a pandas Series) with the keys 'A' and 'B'; "
                   f"got {value!r}.", 'Write it as {"A": ..., "B": ...}.')
    by_name = {str(key): item for key, item in value.items()}
    return {g: require_number(by_name[g], f"{name}[{g!r}]") for g in ("A", "B")}


@task("3a", "calibration per group")
def check_calibration(good_year_share, calibrated_in_both):
    """Per group, the share who did well among candidates scored in CALIBRATION_BAND (to three
    decimals; a dict or a Series indexed by group), and whether that share is within
    CALIBRATION_TOLERANCE of the band's mean score in both groups.

    Classic mistakes for the shares, each with its hint: the groups' base rates (no band); the
    mean scores (the prediction, not the outcome); A and B swapped; one share for both groups
    together; the share of each group that falls in the band; percentages. For the verdict:
    comparing each share with the band's middle (0.3) instead of its candidates' mean score, or
    the groups' shares with each other; on the task's data both give False, the answer True.
    """
    answer = _per_group(good_year_share, "good_year_share")
    shares, means, bases = _band_shares()
    low, high = CALIBRATION_BAND
    if not _same(answer, shares):
        for hint, mistaken in _band_mistakes():
            if _same(answer, mistaken):
                break
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
                   "groups, between each group's share and the mean score of the same "
                   "candidates (not the band's middle, nor the other group's share).")
    return (f"Scored {low} to {high}: {shares['A']:.1%} of A had a good first year (mean score "
            f"{means['A']:.1%}), {shares['B']:.1%} of B ({means['B']:.1%}). "
            + ("Calibrated in both groups, " if expected else "Not calibrated in both groups, ")
            + f"while the base rates differ ({bases['A']:.0%} vs {bases['B']:.0%}): Task 6 "
            "shows what that forces on the error rates.")


#: Task 3b's second screening model: trained on managers' ratings that marked group B down
#: (`make_rated_candidates`), scored against what happened. The learner reads the figure.
RATED = dict(n=3_000, seed=21, rating_bias=2.0)
#: The band of scores whose group-B marker task 3b reads, and how far a reading may be off
#: (the figure's grid is every 0.05).
READ_BAND = (0.3, 0.4)
READ_TOLERANCE = 0.05
_READ_BINS = 10


def _rated() -> tuple:
    rated = make_rated_candidates(**RATED)
    return np.array(rated.performed), np.array(rated.score), np.array(rated.group)


def plot_screening_calibration():
    """Task 3b's figure: the second screening model's calibration by group (10 bands of 0.1)."""
    performed, score, group = _rated()
    return plot_calibration_by_group(
        performed, score, group, n_bins=_READ_BINS,
        title="Second screening model: the share who did well, by score")


def screening_calibration_table() -> pd.DataFrame:
    """Task 3b's figure as a table (for a screen reader): one row per band and group."""
    performed, score, group = _rated()
    table = compute_calibration(performed, score, group, n_bins=_READ_BINS)
    table = table[table.n >= 20].copy()
    table.insert(1, "scores", [f"{b / _READ_BINS:.1f} to {(b + 1) / _READ_BINS:.1f}"
                               for b in table.bin])
    return table.drop(columns="bin").round(2).reset_index(drop=True)


def _read_values() -> dict:
    """The marker values task 3b is about, and the classic misreadings."""
    performed, score, group = _rated()
    low, high = READ_BAND
    in_band = (score >= low) & (score < high)
    width = high - low
    below, above = (score >= low - width) & (score < low), (score >= high) & (score < high + width)
    in_b = group == "B"
    return {"b": float(performed[in_band & in_b].mean()),
            "a": float(performed[in_band & ~in_b].mean()),
            "score": float(score[in_band & in_b].mean()),
            "b_below": float(performed[below & in_b].mean()),
            "b_above": float(performed[above & in_b].mean()),
            "gap_a": float(performed[~in_b].mean() - score[~in_b].mean()),
            "gap_b": float(performed[in_b].mean() - score[in_b].mean())}


UNDERSTATED_CHOICES = {"A": ("group a", "a"), "B": ("group b", "b"),
                       "neither": ("none", "no group", "both about calibrated", "calibrated")}


@task("3b", "read a calibration plot")
def check_calibration_reading(understated_group, b_share):
    """Read off task 3b's figure: which group the score understates more, and the share of
    group B's candidates scored in READ_BAND who did well (within READ_TOLERANCE).

    Classic mistakes, each with its hint: "A" (markers above the diagonal mean the score
    understates; B's lie further above) or "neither" (the model never sees the group, yet it
    learned the managers' ratings); for the share, group A's marker in the band, the band's
    mean score (reading the horizontal axis or the diagonal), group B's marker in the band below
    or above, a percentage. On the task's data each is more than 0.1 from the right value.
    """
    chosen = require_choice(understated_group, UNDERSTATED_CHOICES, "understated_group")
    values = _read_values()
    if chosen == "neither":
        raise Fail("The score is not calibrated in both groups here.",
                   "The model never sees the group, but it learned from ratings that marked B "
                   "down and can rebuild the group from the network index: compare each group's "
                   "markers with the dotted diagonal.")
    if chosen == "A":
        raise Fail("Group A's markers lie closer to the diagonal than group B's.",
                   "A marker above the diagonal means more candidates did well than the score "
                   "said: the score understates them. Which group's markers lie furthest above?")
    share = require_number(b_share, "b_share")
    low, high = READ_BAND
    if abs(share - values["b"]) <= READ_TOLERANCE:
        return (f"Group B, scored {low} to {high} (mean score {values['score']:.2f}): "
                f"{values['b']:.0%} did well, against {values['a']:.0%} of group A in the same "
                f"band. Over all candidates the score understates B by "
                f"{100 * values['gap_b']:.0f} points and A by {100 * values['gap_a']:.0f}: the "
                "model learned the managers' ratings, not the work.")
    if abs(share - 100 * values["b"]) <= 100 * READ_TOLERANCE:
        raise Fail(f"b_share is {share:g}; a share is a fraction between 0 and 1.",
                   "That reads as a percentage: give the share as a fraction between 0 and 1.")
    mistakes = [
        (values["a"], f"That is group A's marker (circles, solid line) in the band {low} to "
         f"{high}; the task asks for group B's (squares, dashed line)."),
        (values["score"], "That is the band's mean score, where the marker sits across (or the "
         "diagonal's height there): read the marker's own height on the vertical axis."),
        (values["b_below"], f"That is group B's marker in the band below; take the square whose "
         f"score lies between {low} and {high}."),
        (values["b_above"], f"That is group B's marker in the band above; take the square whose "
         f"score lies between {low} and {high}."),
    ]
    # The misreading nearest the answer names the hint (misreadings may lie close together).
    distance, hint = min((abs(share - value), hint) for value, hint in mistakes)
    if distance > READ_TOLERANCE:
        hint = (f"Find group B's square whose horizontal position lies between {low} and {high}, "
                "then read its height on the vertical axis (the grid lines are 0.05 apart).")
    raise Fail(f"b_share is {share:g}; that is not the height of group B's marker in the band "
               f"{low} to {high}.", hint)


#: Task 4's candidate thresholds (the same list for each group), its tolerance, and how many
#: first interviews the company can hold. The most accurate pair with equal TPRs (what one call
#: of the chapter's `choose_thresholds` returns) invites more candidates than that, so the
#: capacity changes the answer. On this grid the pairs that equalise the FPRs, the selection
#: rates or the precision, the most accurate pair with no fairness constraint, the best single
#: threshold, the pair of smallest TPR gap and the pair of best balanced accuracy (all within
#: capacity) are each another pair than the answer.
THRESHOLD_GRID = tuple(np.round(np.arange(0.20, 0.801, 0.02), 2).tolist())
TPR_TOLERANCE = 0.01
INTERVIEW_CAPACITY = 900


def _pair_table(candidates) -> dict:
    """Every pair (threshold_a, threshold_b) of the grid at once: 2-D arrays indexed [a, b]."""
    grid = np.array(THRESHOLD_GRID)
    per_group = {}
    for g in ("A", "B"):
        good = candidates.performed[candidates.group == g] == 1
        invite = candidates.score[candidates.group == g][None, :] >= grid[:, None]
        tp, fp = (invite & good).sum(axis=1), (invite & ~good).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            per_group[g] = {"tpr": tp / good.sum(), "fpr": fp / (~good).sum(),
                            "selection_rate": invite.mean(axis=1), "ppv": tp / (tp + fp),
                            "correct": (invite == good).sum(axis=1), "invited": tp + fp,
                            "n": len(good)}
    a, b = per_group["A"], per_group["B"]
    table = {f"{m}_gap": np.abs(a[m][:, None] - b[m][None, :])
             for m in ("tpr", "fpr", "selection_rate", "ppv")}
    table["correct"] = a["correct"][:, None] + b["correct"][None, :]
    table["invited"] = a["invited"][:, None] + b["invited"][None, :]
    table["balanced"] = a["correct"][:, None] / a["n"] + b["correct"][None, :] / b["n"]
    table["accuracy"] = table["correct"] / (a["n"] + b["n"])
    return table


def _first_best(mask, score) -> tuple:
    """The first best pair of `mask` by `score`, in grid order (as `choose_thresholds`)."""
    grid = np.array(THRESHOLD_GRID)
    index = np.unravel_index(np.argmax(np.where(mask, score, -np.inf)), mask.shape)
    return (float(grid[index[0]]), float(grid[index[1]]))


def _threshold_choice():
    """Task 4's job candidates, every pair's numbers, and the right pair."""
    candidates = make_scored_candidates(**HIRING)
    table = _pair_table(candidates)
    fair = (table["tpr_gap"] <= TPR_TOLERANCE) & (table["invited"] <= INTERVIEW_CAPACITY)
    return candidates, table, _first_best(fair, table["correct"])


def _threshold_mistakes(table, best) -> list:
    """((threshold_a, threshold_b), hint) of task 4's classic mistakes, in the order tried."""
    within = table["invited"] <= INTERVIEW_CAPACITY
    fair = table["tpr_gap"] <= TPR_TOLERANCE
    correct = table["correct"]

    def constrained(criterion):
        return _first_best((table[f"{criterion}_gap"] <= TPR_TOLERANCE) & within, correct)

    ignoring = _first_best(fair, correct)
    invited = int(table["invited"][THRESHOLD_GRID.index(ignoring[0]),
                                   THRESHOLD_GRID.index(ignoring[1])])
    smallest = table["tpr_gap"][within].min()
    return [
        ((best[1], best[0]),
         "The right two thresholds, swapped: the pair is (threshold_a, threshold_b), A first."),
        (ignoring, f"That pair is the most accurate with equal TPRs, but it invites {invited:,} "
         f"candidates and the interviewers have room for {INTERVIEW_CAPACITY:,}: keep only the "
         "pairs within capacity (one call of choose_thresholds cannot know about it)."),
        (constrained("fpr"), "That pair equalises the false positive rates; equal opportunity "
         "equalises the true positive rates."),
        (constrained("selection_rate"), "That pair equalises the selection rates (demographic "
         "parity); equal opportunity equalises the true positive rates."),
        (constrained("ppv"), "That pair equalises the precision (PPV); equal opportunity "
         "equalises the true positive rates."),
        (_first_best(within, correct), "That is the most accurate pair within capacity with no "
         "fairness constraint: keep only the pairs whose TPR gap is within the tolerance too."),
        (_first_best(np.eye(len(THRESHOLD_GRID), dtype=bool) & within, correct),
         "One threshold for both groups maximises accuracy but leaves the TPRs apart: the "
         "constraint comes first."),
        (_first_best((table["tpr_gap"] == smallest) & within, correct),
         "That pair has the smallest TPR gap, but the constraint is a bound: among all the "
         "pairs within it, take the most accurate."),
        (_first_best(fair & within, table["balanced"]), "That pair has the best mean of the two "
         "groups' accuracies; the task asks for the best overall accuracy, all candidates "
         "counted together."),
    ]


def _threshold_pair(value) -> tuple:
    """(threshold_a, threshold_b) from a pair (tuple, list, array, Series) or a dict by group."""
    require_answer(value, "best_thresholds")
    if isinstance(value, pd.Series) and sorted(map(str, value.index)) == ["A", "B"]:
        value = value.to_dict()
    if isinstance(value, Mapping):
        by_name = {str(key): item for key, item in value.items()}
        if sorted(by_name) != ["A", "B"]:
            raise Fail(f"best_thresholds as a dict needs the keys 'A' and 'B'; got {value!r}.")
        items = (by_name["A"], by_name["B"])
    else:
        items = require_sequence(value, "best_thresholds", length=2)
    return (require_number(items[0], "threshold_a"), require_number(items[1], "threshold_b"))


def _grid_index(threshold):
    """The index of `threshold` in THRESHOLD_GRID, or None when it is off the grid."""
    return next((i for i, t in enumerate(THRESHOLD_GRID) if math.isclose(threshold, t)), None)


@task("4", "thresholds for equal opportunity")
def check_thresholds(best_thresholds):
    """The learner's (threshold_a, threshold_b): TPR gap within TPR_TOLERANCE, at most
    INTERVIEW_CAPACITY candidates invited, best accuracy.

    Accepted as a tuple, list, array or Series in the order (A, B), or a dict {"A": .., "B": ..}.
    Classic mistakes, each another pair on the task's data and each with its hint: the two
    thresholds swapped; the capacity ignored (the chapter's one call of `choose_thresholds`);
    equalising the FPRs, the selection rates or the precision instead of the TPRs; the most
    accurate pair with no fairness constraint; one threshold for both groups; the pair of
    smallest TPR gap; the best mean of the groups' accuracies instead of overall accuracy; a pair
    off the grid.
    """
    threshold_a, threshold_b = _threshold_pair(best_thresholds)
    _, table, best = _threshold_choice()
    i, j = _grid_index(threshold_a), _grid_index(threshold_b)
    if i is None or j is None:
        raise Fail(f"({threshold_a:g}, {threshold_b:g}) is not a pair from the candidate grid.",
                   "Take both thresholds from checks.THRESHOLD_GRID.")
    gap, accuracy = table["tpr_gap"][i, j], table["accuracy"][i, j]
    invited = int(table["invited"][i, j])
    if (THRESHOLD_GRID[i], THRESHOLD_GRID[j]) == best:
        return (f"A at {best[0]:g}, B at {best[1]:g}: TPR gap {gap:.3f}, {invited:,} "
                f"candidates invited (room for {INTERVIEW_CAPACITY:,}), accuracy {accuracy:.2%}.")
    said = f"({threshold_a:g}, {threshold_b:g}): TPR gap {gap:.3f}, {invited:,} invited, " \
           f"accuracy {accuracy:.2%}."
    for pair, hint in _threshold_mistakes(table, best):
        if (THRESHOLD_GRID[i], THRESHOLD_GRID[j]) == pair:
            raise Fail(said, hint)
    if invited > INTERVIEW_CAPACITY:
        raise Fail(said, f"That pair invites more candidates than the {INTERVIEW_CAPACITY:,} "
                   "the interviewers can see: keep only the pairs within capacity.")
    if gap > TPR_TOLERANCE and i == j:
        raise Fail(said, "The groups' score distributions differ, so one threshold leaves "
                   "their TPRs apart: give each group its own.")
    if gap > TPR_TOLERANCE:
        raise Fail(said, f"Keep only the pairs whose TPR gap is at most {TPR_TOLERANCE}, then "
                   "pick the most accurate.")
    raise Fail(said + " It meets both constraints, but another pair does better.",
               "Among the pairs that meet the constraint and the capacity, choose the most "
               "accurate.")


#: Task 5's anonymous columns; `leak_data` says which real feature each one is.
_LEAK_COLUMNS = {"x1": "credit_history", "x2": "loan_amount", "x3": "postcode", "x4": "income",
                 "x5": "age"}


def leak_data() -> tuple:
    """Task 5's data: (X with anonymous columns x1..x5, group, approved) for 3,000 applicants.

    Two columns (loan amount, age) are noise unrelated to group and merit; one is the postcode.
    Regenerated at every call, so a check never sees the learner's edits.
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
    """The learner names the column of `leak_data()` that reveals the group.

    Accepted in any case ("X3"), and as a one-element list or Index (``X.columns[[i]]``).
    Classic mistakes: the column the *approval* model leans on most (income or credit history,
    which carry merit: the model to inspect predicts the group); a noise column (the least
    important, argmin instead of argmax); the real feature's name instead of the column's.
    """
    require_answer(column, "leaking_feature")
    column = _single_item(column)
    if isinstance(column, str) and column.strip().lower() in ("postcode", "post code", "zip"):
        raise Fail(f"{column!r} is not a column of X; the columns are {list(_LEAK_COLUMNS)}.",
                   "Give the column's name as X has it, e.g. 'x1'.")
    column = require_choice(column, list(_LEAK_COLUMNS), "leaking_feature")
    if column == LEAKING_COLUMN:
        return (f"{column} is the postcode: without the group column, it lets a model tell the "
                "groups apart.")
    if _LEAK_COLUMNS[column] in ("income", "credit_history"):
        hint = ("That column matters most for predicting approval: it carries merit. Predict the "
                "group instead, and ask which column that model cannot do without.")
    else:
        hint = ("That column barely matters to any model here. Fit a classifier that predicts "
                "the group from X, run sklearn.inspection.permutation_importance on held-out "
                "rows, and take the column of largest importance.")
    raise Fail(f"{column} does not reveal the group.", hint)


CHOULDECHOVA_TASK = {"base_rate_a": 0.5, "base_rate_b": 0.3, "ppv": 0.8, "fnr": 0.2}


def _chouldechova_mistakes() -> list:
    """(hint, value) of task 6's classic mistakes."""
    p, ppv, fnr = (CHOULDECHOVA_TASK[k] for k in ("base_rate_b", "ppv", "fnr"))
    odds = p / (1 - p)
    right = odds * (1 - ppv) / ppv * (1 - fnr)
    return [
        ("That is group A's FPR. The identity says B's must differ: plug in B's base rate.",
         compute_chouldechova_fpr(CHOULDECHOVA_TASK["base_rate_a"], ppv, fnr)),
        ("The first factor is p / (1 - p), the odds of a positive, not (1 - p) / p.",
         (1 - p) / p * (1 - ppv) / ppv * (1 - fnr)),
        ("The first factor is the odds p / (1 - p), not the base rate p itself.",
         p * (1 - ppv) / ppv * (1 - fnr)),
        ("The last factor is 1 - FNR (the TPR), not the FNR.", odds * (1 - ppv) / ppv * fnr),
        ("The middle factor is (1 - PPV) / PPV, not PPV / (1 - PPV).",
         odds * ppv / (1 - ppv) * (1 - fnr)),
        ("That is a percentage: give the rate as a fraction between 0 and 1.", 100 * right),
    ]


@task("6", "Chouldechova's identity")
def check_chouldechova(fpr_b):
    """The FPR group B must have with base rate 0.3 and the same PPV (0.8) and FNR (0.2) as A,
    to three decimals.

    Classic mistakes, each with its hint: group A's FPR (0.2); the odds inverted, (1 - p) / p;
    the base rate p for the odds; the FNR for 1 - FNR; PPV / (1 - PPV) for (1 - PPV) / PPV; a
    percentage.
    """
    answer = require_number(fpr_b, "fpr_b")
    task_ = CHOULDECHOVA_TASK
    expected = compute_chouldechova_fpr(task_["base_rate_b"], task_["ppv"], task_["fnr"])
    fpr_a = compute_chouldechova_fpr(task_["base_rate_a"], task_["ppv"], task_["fnr"])
    if close_at_precision(answer, expected, DECIMALS):
        return (f"FPR(B) = {expected:.4f}, against FPR(A) = {fpr_a:.2f}: equal precision and "
                "equal miss rates force unequal false positive rates.")
    for hint, value in _chouldechova_mistakes():
        if close_at_precision(answer, value, DECIMALS):
            break
    else:
        hint = "FPR = p / (1 - p) × (1 - PPV) / PPV × (1 - FNR), with p = 0.3."
    raise Fail(f"fpr_b is {answer:g}; that is not what the identity gives.", hint)


#: Task 7a's choices, each with the other spellings a learner may use (the task's own words).
CRITERION_CHOICES = {
    "equal opportunity": ("equality of opportunity", "equal true positive rates",
                          "equal true positive rate", "equal tpr", "equal tprs", "tpr parity",
                          "true positive rate parity"),
    "equalized odds": ("equalised odds", "equal odds", "equal tpr and fpr"),
    "demographic parity": ("statistical parity", "equal selection rates",
                           "equal selection rate", "selection rate parity"),
    "predictive parity": ("equal precision", "equal ppv", "ppv parity", "precision parity"),
    "calibration": ("calibration within groups", "calibrated", "calibration in each group"),
}
ERROR_CHOICES = {
    "false negative": ("false negatives", "fn", "a missed patient", "missed patient",
                       "a missed case", "missed case", "miss"),
    "false positive": ("false positives", "fp", "an unneeded test", "unneeded test",
                       "a needless test", "needless test"),
}
_WRONG_CRITERION = {
    "demographic parity": (
        "The disease is more common in one group: inviting the same share of each group would "
        "invite too few people from that group, and miss its sick people."),
    "equalized odds": (
        "Equal FPRs as well would cost more missed patients for nothing: a false positive here "
        "is one free, harmless test."),
    "predictive parity": (
        "Equal precision makes a flag mean the same in both groups, but what harms people here "
        "is a missed patient; and with different base rates, equal precision forces unequal "
        "miss rates (task 6)."),
    "calibration": (
        "Calibration makes a score mean the same in both groups, but what harms people here is "
        "a missed patient; with different base rates, calibration and equal error rates cannot "
        "both hold, so choose the rate whose errors do the harm."),
}


@task("7a", "which criterion fits (decision)")
def check_criterion_decision(criterion, costly_error):
    """Task 7's decision: the criterion the screening model is held to, and the costly error.

    The answer: equal opportunity, because the costly error is a false negative (a sick person
    not invited) while a false positive costs one free, harmless test. Classic mistakes, each
    with its hint: demographic parity (the base rates differ), equalized odds (asks for equal
    FPRs, which cost misses for no gain), predictive parity or calibration (what a flag means,
    not who is missed), and the false positive as the costly error.
    """
    chosen = require_choice(criterion, CRITERION_CHOICES, "criterion")
    if chosen != "equal opportunity":
        raise Fail(f"{chosen} is not the criterion this use calls for.",
                   _WRONG_CRITERION[chosen])
    error = require_choice(costly_error, ERROR_CHOICES, "costly_error")
    if error != "false negative":
        raise Fail("The costly error here is not the false positive.",
                   "A false positive costs one free, harmless test; a false negative leaves a "
                   "person with a serious disease undiagnosed.")
    return ("Equal opportunity: a sick person must be as likely to be invited in either group, "
            "because the error that does harm is the false negative.")


#: Task 7b's rubric: the points a good argument makes (a person grades it).
CRITERION_RUBRIC = (
    "Names equal opportunity (equal true positive rates): a person who has the disease is as "
    "likely to be invited whichever group they belong to.",
    "Says why: the costly error is the false negative, a missed patient; a false positive costs "
    "only a free, harmless test, so unequal false positive rates matter less (equalized odds "
    "asks for more than the service needs).",
    "Rejects demographic parity: the base rates differ, so inviting equal shares of each group "
    "would miss sick people in the group where the disease is more common.",
    "States the price: with different base rates, precision and false positive rates must "
    "differ between the groups (Chouldechova's identity), so the model cannot also have equal "
    "precision.",
    "Says what the service does about it: reports the rates per group openly and monitors them "
    "as prevalence changes.",
)
CRITERION_MODEL_ANSWER = (
    "Equal opportunity: a person with the disease must be equally likely to be invited in either "
    "group, because the harmful error is a missed patient and a false positive costs only a "
    "harmless test. Demographic parity would miss sick people where the disease is more common. "
    "The price is unequal precision and false positive rates, which the base rates force "
    "(Chouldechova); report and monitor them.")

check_criterion_argument = written_task(
    "7b", "which criterion fits (argument)", rubric=CRITERION_RUBRIC,
    model_answer=CRITERION_MODEL_ANSWER, min_words=60)
check_criterion_argument.__doc__ = (
    "Task 7's written argument, at least 60 words: confirmed written, shown with its rubric, "
    "and sent for review (REVIEW); never graded by keywords.")
