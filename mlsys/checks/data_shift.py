"""Checks for the data-in-production chapter's exercises (exercises/04_data_in_production.ipynb).

Each check keeps its own copy of the data it grades against (regenerated, or copied at import
time), tests a learner's function on fresh cases it has not seen as well as on the task's own, and
names a task's classic mistake in its hint only when the answer is that mistake.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np
from scipy import special, stats
from sklearn.metrics import average_precision_score, precision_recall_curve

from mlsys.checks import (Fail, close_at_precision, require_answer, require_bool,
                          require_choice, require_function, require_number, require_own_code,
                          require_returned, task, written_task)
from mlsys.data_shift import (
    PSI_EPSILON,
    _psi,
    compute_ecdf_gaps,
    compute_ks_statistic,
    expected_measured_accuracy,
    psi_from_proportions,
    sample_world,
    StreamConfig,
    simulate_retraining,
)
from mlsys.style import format_count


def _is(answer: float, value: float, decimals: int) -> bool:
    """True when `answer` is `value` given to `decimals` decimals (a mistake's own answer)."""
    return math.isfinite(value) and close_at_precision(answer, value, decimals)


# --- Task 1 ----------------------------------------------------------------------------------

TRUE_ACCURACY = 0.95
TEST_LABEL_NOISE = 0.06
#: The task asks for the accuracy to three decimals.
ACCURACY_DECIMALS = 3


@task("1", "accuracy measured on wrong labels")
def check_measured_accuracy(measured_accuracy):
    """Accuracy measured when 6% of a binary test set's labels are flipped at random.

    Classic mistakes: counting only the right predictions whose label survived, a(1 - r) = 0.893;
    subtracting the flip rate, a - r (or a(1 - r) - (1 - a)r) = 0.890; the true accuracy 0.95, as
    if the labels were right; the measured error rate a r + (1 - a)(1 - r) = 0.104; the share of
    labels that are right, 1 - r = 0.94; a percentage, 89.6.
    """
    answer = require_number(measured_accuracy, "measured_accuracy")
    a, r = TRUE_ACCURACY, TEST_LABEL_NOISE
    expected = expected_measured_accuracy(a, r)
    if close_at_precision(answer, expected, ACCURACY_DECIMALS):
        return (f"{a} x {1 - r:g} + {1 - a:.2f} x {r} = {expected:.3f}: the test set "
                "under-reports the model.")
    mistakes = {
        "You counted the right predictions whose label survived, but not the wrong predictions "
        "whose label flipped: those now look right.": a * (1 - r),
        "You subtracted the flips; but a wrong prediction whose label flipped now matches it, so "
        "it adds to the measured accuracy.": a - r,
        "The test labels are wrong too, so the measured score is not the true one.": a,
        "That is the measured error rate (1 - accuracy): right predictions whose label flipped "
        "plus wrong ones whose label survived.": a * r + (1 - a) * (1 - r),
        "That is the share of test labels that are right, not the share of predictions that "
        "match them.": 1 - r,
    }
    hint = next((h for h, value in mistakes.items()
                 if _is(answer, value, ACCURACY_DECIMALS)), None)
    if hint is None and _is(answer, 100 * expected, 1):
        hint = "That is a percentage: give the accuracy as a share between 0 and 1."
    if hint is None and not 0 <= answer <= 1:
        hint = "An accuracy lies between 0 and 1."
    raise Fail(f"measured_accuracy is {answer:g}; that is not what the noisy test set reports "
               "(to three decimals).",
               hint or "A prediction scores as right when it matches the recorded label: right "
                       "and kept, or wrong and flipped.")


# --- Task 2 ----------------------------------------------------------------------------------

#: Task 2's screening test set: 100,000 patients, about 1 in 100 sick, and two models' scores.
SCREENING = dict(n_patients=100_000, prevalence=0.01, seed=11)
SCREENING_MODELS = ("A", "B")
#: How close a value read off the figure must be, and the recall it is read at.
READING_TOLERANCE = 0.05
READ_AT_RECALL = 0.8  # the programme must find 8 sick patients in 10


def _screening_scores():
    rng = np.random.default_rng(SCREENING["seed"])
    n = SCREENING["n_patients"]
    sick = (rng.random(n) < SCREENING["prevalence"]).astype(int)
    # A: cautious, flags few patients, but ranks the sick poorly; B: ranks them far better and
    # flags many healthy patients at 0.5, so its accuracy there is lower.
    a = special.expit(-5.0 + 3.0 * sick * (rng.random(n) < 0.45) + 1.2 * sick
                      + rng.normal(0, 1.2, n))
    b = special.expit(-1.0 + 2.8 * sick + rng.normal(0, 1.0, n))
    return sick, {"A": a, "B": b}


@functools.lru_cache(maxsize=1)
def _screening_facts() -> dict:
    """Accuracy at 0.5, PR-AUC, the precision at recall 0.5 and the recall at precision 0.5."""
    sick, scores = _screening_scores()
    facts = {}
    for name, score in scores.items():
        precision, recall, _ = precision_recall_curve(sick, score)
        facts[name] = dict(accuracy=float(np.mean((score > 0.5) == sick)),
                           pr_auc=float(average_precision_score(sick, score)),
                           precision_at=float(precision[recall >= READ_AT_RECALL][-1]),
                           recall_at=float(recall[precision >= READ_AT_RECALL][0]),
                           curve=(recall, precision))
    facts["prevalence"] = float(sick.mean())
    return facts


def plot_screening():
    """Task 2's figure: both screening models' precision-recall curves, accuracy in the legend.

    Examples
    --------
    >>> fig = plot_screening()
    >>> [line.get_label().split(":")[0] for line in fig.axes[0].get_lines()][:2]
    ['model A', 'model B']
    """
    from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate

    facts = _screening_facts()
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    for (name, colour, style) in [("A", "orange", 1), ("B", "blue", 0)]:
        recall, precision = facts[name]["curve"]
        ax.plot(recall, precision, color=PALETTE[colour], linestyle=LINESTYLES[style], lw=2,
                label=f"model {name}: accuracy {facts[name]['accuracy']:.1%} at threshold 0.5")
    ax.axhline(facts["prevalence"], color=PALETTE["black"], lw=1, linestyle=LINESTYLES[3],
               label="a random ranking")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.02)
    ax.set_xticks(np.linspace(0, 1, 11))
    ax.set_yticks(np.linspace(0, 1, 11))
    ax.grid(True, alpha=0.4)
    decorate(ax, xlabel="recall (share of sick patients flagged)",
             ylabel="precision (share of flagged who are sick)",
             title="Two screening models, 1 patient in 100 sick")
    ax.legend(loc="upper right", fontsize=8)
    return fig


@task("2", "read a precision-recall figure")
def check_screening(better_model, precision_at_recall_80):
    """The model to ship by its precision-recall curve, and its precision at recall 0.8 read
    off `plot_screening()` to within 0.05.

    Classic mistakes: shipping model A, whose accuracy at threshold 0.5 is higher (the accuracy
    paradox); reading model A's curve; reading the recall where the precision is 0.8 (the axes
    swapped); giving the accuracy from the legend; giving a percentage; giving the random
    ranking's precision, the prevalence.
    """
    model = require_choice(better_model, {name: (f"model {name}",) for name in SCREENING_MODELS},
                           "better_model")
    facts = _screening_facts()
    if model != "B":
        raise Fail(f"Model A's accuracy is higher ({facts['A']['accuracy']:.1%} against "
                   f"{facts['B']['accuracy']:.1%}), but its curve lies below B's.",
                   "With 1 patient in 100 sick, accuracy mostly counts the healthy. Compare the "
                   "curves: the one that stays higher ranks the sick better (its PR-AUC is "
                   "larger).")
    value = require_number(precision_at_recall_80, "precision_at_recall_80")
    right = facts["B"]["precision_at"]
    if abs(value - right) <= READING_TOLERANCE:
        return (f"Model B: PR-AUC {facts['B']['pr_auc']:.2f} against A's "
                f"{facts['A']['pr_auc']:.2f}, though A's accuracy is higher. To find 8 sick "
                f"patients in 10 its precision is {right:.2f}: about "
                f"{round(1 / right)} patients flagged for each sick one found.")
    near = lambda target, width=0.02: abs(value - target) <= width  # noqa: E731
    if near(facts["A"]["precision_at"]):
        hint = "That is model A's curve at recall 0.8: read the curve of the model you chose."
    elif near(facts["B"]["recall_at"]):
        hint = ("That is the recall where B's precision is 0.8: recall runs along the x axis; "
                "go up from 0.8 on it to the curve and read the precision on the y axis.")
    elif near(facts["B"]["accuracy"], 0.005):
        hint = "That is B's accuracy from the legend, not a point of its curve."
    elif near(100 * right, 100 * READING_TOLERANCE):
        hint = "That is a percentage: give the precision as a share between 0 and 1."
    elif near(facts["prevalence"], 0.005):
        hint = "That is the precision of a random ranking, the dotted line, not model B's."
    else:
        hint = "Go up from recall 0.8 on the x axis to B's curve and read the y axis there."
    raise Fail(f"precision_at_recall_80 is {value:g}; B's curve says otherwise at recall 0.8 "
               f"(to within {READING_TOLERANCE}).", hint)


# --- Task 3 ----------------------------------------------------------------------------------

PSI_EXPECTED = (0.10, 0.20, 0.40, 0.20, 0.10)
PSI_ACTUAL = (0.05, 0.15, 0.35, 0.25, 0.20)
_PSI_TASK = (np.array(PSI_EXPECTED), np.array(PSI_ACTUAL))  # the check's own copies
BANDS = {"little": ("little shift", "small", "none", "no shift"),
         "moderate": ("moderate shift", "medium"),
         "significant": ("significant shift", "large", "major")}
PSI_BANDS = tuple(BANDS)
#: Book's names a learner's `psi` must not use (the task asks for it by hand).
PSI_FORBIDDEN = ("psi_from_proportions", "_psi", "compute_psi", "data_shift", "mlsys")
#: Fixed cases besides the task's bins: an empty production bin, an empty reference bin, two bins.
PSI_CASES = (
    ((0.10, 0.20, 0.40, 0.20, 0.10), (0.0, 0.15, 0.40, 0.25, 0.20)),
    ((0.0, 0.30, 0.40, 0.30), (0.05, 0.25, 0.40, 0.30)),
    ((0.5, 0.5), (0.6, 0.4)),
)


def _band(psi: float) -> str:
    return "little" if psi < 0.10 else "moderate" if psi <= 0.25 else "significant"


def _raw(e, a, weight, ratio):
    """A PSI-like sum with no floor: nan where a share is 0 (the slip does not apply there)."""
    if min(e.min(), a.min()) <= 0:
        return math.nan
    return float(np.sum(weight(e, a) * np.log(ratio(e, a))))


#: What each slip computes (nan where it does not apply), with the hint that names it.
_PSI_SLIPS = {
    "PSI is never negative: the ratio inside ln must be A/E when the weight is (A - E) (or E/A "
    "with E - A).": lambda e, a: -float(_psi(e, a)),
    "You used percentages: PSI works with shares that sum to 1.":
        lambda e, a: _raw(100 * e, 100 * a, lambda e, a: a - e, lambda e, a: a / e),
    "That is sum A ln(A/E), the KL divergence: PSI weights each log ratio by (A - E).":
        lambda e, a: _raw(e, a, lambda e, a: a, lambda e, a: a / e),
    "That is sum E ln(E/A), the KL divergence the other way: PSI weights each log ratio by "
    "(A - E).": lambda e, a: _raw(e, a, lambda e, a: e, lambda e, a: e / a),
    "You used log base 10; PSI uses the natural logarithm.":
        lambda e, a: float(_psi(e, a)) / math.log(10),
    "Square or absolute values do not belong in PSI: sum (A - E) ln(A / E).":
        lambda e, a: float(np.sum(np.abs(a - e))),
    "Raise the shares below 0.0001 before the whole formula: the weight (A - E) uses the raised "
    "shares too, not only the logarithm.": lambda e, a: float(np.sum(
        (a - e) * np.log(np.maximum(a, PSI_EPSILON) / np.maximum(e, PSI_EPSILON)))),
    "Raise a share below 0.0001 to 0.0001 (np.maximum); adding 0.0001 to every share changes "
    "every term.": lambda e, a: float(np.sum((a - e) * np.log((a + PSI_EPSILON)
                                                              / (e + PSI_EPSILON)))),
}


def _psi_cases(rng=None) -> list:
    """The task's bins and the fixed cases; with `rng`, fresh random ones instead (other sizes,
    empty bins), drawn only once the fixed cases pass."""
    if rng is None:
        return [_PSI_TASK, *((np.array(e), np.array(a)) for e, a in PSI_CASES)]
    cases = []
    for i, size in enumerate(rng.integers(3, 12, size=5)):
        e, a = rng.dirichlet(np.ones(size)), rng.dirichlet(np.ones(size))
        if i >= 2:
            a[rng.integers(size)] = 0.0  # an empty production bin, as small windows give
        cases.append((e, a / a.sum()))
    return cases


def _psi_matches(got, expected) -> bool:
    return math.isclose(got, expected, rel_tol=1e-7, abs_tol=1e-9)


def _slip_hint(function, cases, slips, correct, close) -> str | None:
    """The hint of the slip `function` makes: it agrees with the slip wherever the slip applies
    (a finite value), on at least one case where the slip differs from the right answer."""
    got = []
    for x, y in cases:
        try:
            with np.errstate(divide="ignore", invalid="ignore"):
                got.append(float(function(x.copy(), y.copy())))
        except Exception:  # a case the learner's function cannot take: no slip matches there
            got.append(math.nan)
    for hint, slip in slips.items():
        with np.errstate(divide="ignore", invalid="ignore"):
            values = [slip(x, y) for x, y in cases]
        applies = [i for i, v in enumerate(values) if math.isfinite(v)]
        if any(not close(values[i], correct(*cases[i])) for i in applies) and \
                all(close(got[i], values[i]) for i in applies):
            return hint
    return None


def _describe(e, a) -> str:
    return (f"expected={np.round(e, 4).tolist()}, actual={np.round(a, 4).tolist()}"
            if len(e) <= 6 else f"a case of {len(e)} bins")


@task("3", "PSI by hand")
def check_psi(function, band):
    """The learner's ``psi(expected, actual)`` on the task's bins, fixed and fresh cases, and the
    rule-of-thumb band of the task's bins.

    Classic mistakes: the terms' sign (ln of E/A with the weight A - E, a negative PSI); the
    percentages instead of shares; the KL divergence sum A ln(A/E) (or sum E ln(E/A)); log base
    10; the sum of |A - E|; no floor for an empty bin (inf or nan), a floor added to every share
    instead of raising the small ones, a floor inside the logarithm only (not in the weight A - E),
    a floor on the reference's shares missing (an empty reference bin gives inf). For the band:
    the boundaries misread (0.136 read as significant or little).
    """
    require_function(function, "psi")
    require_own_code(function, "psi", PSI_FORBIDDEN)
    cases = []
    for draw in (_psi_cases, lambda: _psi_cases(np.random.default_rng())):
        cases += (batch := draw())
        for e, a in batch:
            with np.errstate(divide="ignore", invalid="ignore"):
                got = function(e.copy(), a.copy())
            require_returned(got, "psi")
            try:
                infinite = not math.isfinite(float(got))
            except (TypeError, ValueError):
                infinite = False  # not a number: require_number says so
            if infinite:
                raise Fail(f"For {_describe(e, a)}: your psi returned {float(got)}.",
                           ("An empty reference bin makes ln(A/E) infinite: floor the reference's "
                            "shares too." if e.min() == 0 else
                            "An empty bin makes ln(A/E) infinite: raise each share below 0.0001 to "
                            "0.0001 (np.maximum(shares, 0.0001)) before the logarithm."))
            value = require_number(got, "the PSI you returned")
            expected = psi_from_proportions(e, a)
            if not _psi_matches(value, expected):
                hint = _slip_hint(function, cases, _PSI_SLIPS, psi_from_proportions, _psi_matches)
                raise Fail(f"For {_describe(e, a)}: PSI = {value:.6g}, expected {expected:.6g}.",
                           hint or "Sum (A_i - E_i) x ln(A_i / E_i) over the bins, raising each "
                                   "share below 0.0001 to 0.0001 first.")
    task_psi = psi_from_proportions(*_PSI_TASK)
    chosen = require_choice(band, BANDS, "band")
    if chosen != _band(task_psi):
        raise Fail(f"band is {chosen!r}, but the PSI of the task's bins is {task_psi:.3f}.",
                   "The rule of thumb: below 0.10 little, 0.10 to 0.25 moderate, above 0.25 "
                   "significant.")
    return (f"Your psi agrees on the task's bins, on empty bins and on fresh cases. PSI = "
            f"{task_psi:.3f}: a {_band(task_psi)} shift by the rule of thumb, which promises no "
            "false-alarm rate.")


# --- Task 4 ----------------------------------------------------------------------------------

#: Test cases for the learner's KS function: a hand example, the same reversed, ties, a largest
#: gap at a production value, unequal sizes with no overlap, a largest gap only at a reference
#: value, equal sizes whose sorted values differ most where the shares differ least.
KS_CASES = (
    ([1, 2, 3, 4], [3, 4, 5, 6]),
    ([3, 4, 5, 6], [1, 2, 3, 4]),
    ([1, 1, 2, 2, 3], [2, 2, 2, 3, 3, 3]),
    ([5, 6, 7], [1, 2, 3, 8]),
    ([1, 2, 3], [10, 20]),
    ([1, 8], [5, 6, 7]),
    ([1, 2, 3], [1, 2, 9]),
)
KS_ALPHA = 0.05
KS_FORBIDDEN = ("ks_2samp", "kstest", "scipy", "compute_ks_statistic", "compute_ecdf_gaps",
                "data_shift", "mlsys")
KS_SEEDS = (66, 67)


@functools.lru_cache(maxsize=1)
def _ks_windows():
    reference = sample_world(300, seed=KS_SEEDS[0])[0][:, 0]
    production = sample_world(300, covariate_shift=0.2, seed=KS_SEEDS[1])[0][:, 0]
    reference.flags.writeable = production.flags.writeable = False
    return reference, production


def ks_windows():
    """Task 4's windows of feature x0: 300 reference rows, 300 production rows shifted 0.2 sd.

    Returns new copies: editing them leaves the check's own untouched.
    """
    return tuple(window.copy() for window in _ks_windows())


def _ks_slips() -> dict:
    def gaps(r, p, points):
        return compute_ecdf_gaps(r, p, points)

    return {
        "Take the absolute gap |F_ref(x) - F_prod(x)|: the production window may lie on either "
        "side of the reference.": lambda r, p: float(np.max(gaps(r, p, np.r_[r, p]))),
        "Take the absolute gap |F_ref(x) - F_prod(x)|: the production window may lie on either "
        "side of the reference (you took F_prod - F_ref).":
            lambda r, p: float(np.max(-gaps(r, p, np.r_[r, p]))),
        "Evaluate both distribution functions at the values of *both* windows, not of the "
        "reference only.": lambda r, p: float(np.max(np.abs(gaps(r, p, r)))),
        "Evaluate both distribution functions at the values of *both* windows, not of the "
        "production window only.": lambda r, p: float(np.max(np.abs(gaps(r, p, p)))),
        "Divide each window's count by its own size: F_prod(x) is a share of the production "
        "window.": lambda r, p: float(np.max(np.abs(
            (np.searchsorted(np.sort(r), np.r_[r, p], side="right")
             - np.searchsorted(np.sort(p), np.r_[r, p], side="right")) / len(r)))),
        "That compares the sorted values (a quantile gap), not the distribution functions: "
        "D is a gap in shares.": lambda r, p: float(np.max(np.abs(np.sort(r) - np.sort(p))))
        if len(r) == len(p) else math.nan,
    }


def _ks_cases(rng=None) -> list:
    """The fixed cases; with `rng`, fresh ones instead: other sizes, ties, either window on top."""
    if rng is None:
        return [(np.array(r, dtype=float), np.array(p, dtype=float)) for r, p in KS_CASES]
    cases = []
    for _ in range(4):
        n, m = rng.integers(3, 40, size=2)
        r = rng.integers(0, 12, size=n).astype(float)  # ties
        p = rng.integers(0, 12, size=m) + rng.integers(-3, 4)
        cases.append((r, p.astype(float)))
    cases.append((rng.normal(size=50), rng.normal(0.5, 1, size=70)))
    return cases


def _ks_close(a, b) -> bool:
    return math.isclose(a, b, abs_tol=1e-9)


def _ks_hint(function, cases) -> str:
    """Name the usual slip, found by what `function` returns on the cases where slips differ."""
    return _slip_hint(function, cases, _ks_slips(), compute_ks_statistic, _ks_close) or (
        "D is the largest vertical gap between the two empirical distribution functions: "
        "evaluate F_ref and F_prod at every value of both windows and take "
        "max |F_ref - F_prod|.")


@task("4", "the KS statistic by hand")
def check_ks(function, ks_alarm):
    """The learner's ``function(reference, production)`` returns the KS statistic D on every case
    (fixed, fresh and the task's windows); `ks_alarm` says whether scipy's KS test rejects at
    KS_ALPHA on the task's windows.

    Classic mistakes: the signed gap (either sign) instead of its absolute value; evaluating the
    distribution functions at one window's values only; dividing both counts by one window's
    size; comparing sorted values instead of shares; for the alarm, the p-value's comparison
    reversed, or the statistic D compared with 0.05 (D = 0.087 > 0.05, yet p = 0.21).
    """
    require_function(function, "ks_statistic")
    require_own_code(function, "ks_statistic", KS_FORBIDDEN)
    reference, production = _ks_windows()
    cases = []
    for draw in (_ks_cases, lambda: [(reference, production)],
                 lambda: _ks_cases(np.random.default_rng())):
        cases += (batch := draw())
        for r, p in batch:
            got = function(r.copy(), p.copy())
            require_returned(got, "ks_statistic")
            got = require_number(got, "the D you returned")
            expected = compute_ks_statistic(r, p)
            if not math.isclose(got, expected, abs_tol=1e-9):
                small = len(r) + len(p) <= 16
                case = (f"reference={r.tolist()}, production={p.tolist()}" if small
                        else "the task's two windows" if r is reference
                        else f"windows of {len(r)} and {len(p)} values")
                raise Fail(f"For {case}: D = {got:.4g}, expected {expected:.4g}.",
                           _ks_hint(function, cases))
    alarm = require_bool(ks_alarm, "ks_alarm")
    d = compute_ks_statistic(reference, production)
    pvalue = stats.ks_2samp(reference, production).pvalue
    if alarm != (pvalue < KS_ALPHA):
        hint = (f"Raise the alarm when the p-value is *below* {KS_ALPHA}: not when it is above "
                f"it, and not when D is above {KS_ALPHA} (D = {d:.3f} is a gap in shares, not a "
                "probability)." if alarm else
                f"Raise the alarm when the p-value is below {KS_ALPHA}: "
                "scipy.stats.ks_2samp(reference, production).pvalue.")
        raise Fail(f"ks_alarm is {alarm}, but the KS test's p-value on these windows is "
                   f"{pvalue:.3f}.", hint)
    return (f"D = {d:.3f} on {len(reference)} + {len(production)} rows, p = {pvalue:.3f}: "
            + ("the test raises the alarm" if alarm else
               "no alarm, though the production window was drawn 0.2 sd away: 300 rows are too "
               "few to show it here")
            + f". The test raises false alarms on only {KS_ALPHA:.0%} of unshifted pairs, a "
            "guarantee PSI's thresholds do not give.")


# --- Task 5 ----------------------------------------------------------------------------------

#: Which window has which shift (the learner must find this out).
WINDOW_KINDS = {"A": "label", "B": "none", "C": "concept", "D": "covariate"}
_WINDOW_PARAMS = {"label": {"positive_rate": 0.8}, "none": {},
                  "concept": {"concept_rotation_deg": 45.0}, "covariate": {"covariate_shift": 1.0}}
#: The kinds, each with the task text's own words and other names a learner may use.
KINDS = {
    "none": ("no shift", "no", "nothing", "unshifted", "no change", "stable"),
    "covariate": ("covariate shift", "covariate drift", "input shift", "feature shift",
                  "data drift"),
    "label": ("label shift", "prior shift", "prior probability shift", "target shift",
              "label drift"),
    "concept": ("concept drift", "concept shift", "real concept drift"),
}
_WINDOW_KINDS = dict(WINDOW_KINDS)  # the check's own copy


@functools.lru_cache(maxsize=1)
def _shift_windows():
    reference = sample_world(2_000, seed=40)
    windows = {name: sample_world(2_000, seed=41 + i, **_WINDOW_PARAMS[kind])
               for i, (name, kind) in enumerate(_WINDOW_KINDS.items())}
    return reference, windows


def shift_windows():
    """Return the reference window ``(X, y)`` and production windows ``{"A": (X, y), ...}``.

    Returns new copies: editing them leaves the check's own untouched.
    """
    return copy.deepcopy(_shift_windows())


#: Hints for (true kind, the learner's kind).
_KIND_HINTS = {
    ("label", "covariate"): "Window {name}'s features moved, but look inside each class: if "
                            "P(X|Y) is unchanged and the positive rate moved, it is label shift.",
    ("label", "concept"): "In window {name} the positive rate moved but, inside each class, the "
                          "features did not: the rule P(Y|X) is the same, only the mix of "
                          "classes changed.",
    ("label", "none"): "Look at window {name}'s positive rate, and at its features class by "
                       "class.",
    ("covariate", "label"): "In window {name} the features moved inside each class too, so "
                            "P(X|Y) changed: not label shift.",
    ("covariate", "concept"): "Window {name}'s features moved (a KS test on each feature): a "
                              "model may lose accuracy under covariate shift too, with the "
                              "same rule P(Y|X).",
    ("covariate", "none"): "Run a KS test on each of window {name}'s features.",
    ("concept", "none"): "Window {name}'s features did not move, but score the reference model "
                         "on its labels.",
    ("concept", "covariate"): "Window {name}'s features did not move (KS on each feature): it "
                              "is the rule P(Y|X) that changed.",
    ("concept", "label"): "Window {name}'s features did not move and its positive rate barely "
                          "did: score the reference model on its labels.",
    ("none", "concept"): "In window {name} neither P(X) nor the model's accuracy changed.",
    ("none", "covariate"): "In window {name} no KS test on a feature fires at a strict level: "
                           "a single p-value under 0.05 among several tests can be chance.",
    ("none", "label"): "Window {name}'s positive rate is the reference's.",
}


def _kinds_mapping(kinds) -> dict:
    if hasattr(kinds, "to_dict") and not isinstance(kinds, Mapping):  # a pandas Series
        kinds = kinds.to_dict()
    if not isinstance(kinds, Mapping):
        raise Fail(f"shift_kinds should be a dict such as {{'A': 'none', ...}}; got "
                   f"{type(kinds).__name__}.")
    named = {str(name).strip().upper(): kind for name, kind in kinds.items()}
    if len(named) != len(kinds) or sorted(named) != sorted(_WINDOW_KINDS):
        raise Fail(f"shift_kinds should have the keys {sorted(_WINDOW_KINDS)}; got "
                   f"{sorted(map(str, kinds))}.")
    return named


@task("5", "which window shifted, and how")
def check_shift_kinds(kinds):
    """A dict mapping each window name to "none", "covariate", "label" or "concept" (or the task
    text's own words: "no shift", "covariate shift", "label shift", "concept drift").

    Classic mistakes: label shift read as covariate shift (the features move, but not inside a
    class), covariate read as label shift, concept drift read as none (the features do not move)
    or as covariate shift (the accuracy dropped), covariate read as concept drift, a chance KS
    p-value read as a shift.
    """
    require_answer(kinds, "shift_kinds")
    named = _kinds_mapping(kinds)
    read = {name: require_choice(kind, KINDS, f"shift_kinds[{name!r}]")
            for name, kind in named.items()}
    wrong = [name for name in _WINDOW_KINDS if read[name] != _WINDOW_KINDS[name]]
    if wrong:
        name = wrong[0]
        hint = _KIND_HINTS.get((_WINDOW_KINDS[name], read[name]),
                               "Compare three things with the reference: the features' "
                               "distribution (KS), the positive rate, and the reference "
                               "model's accuracy.").format(name=name)
        raise Fail(f"{format_count(len(wrong), 'window')} of {len(_WINDOW_KINDS)} misread, "
                   f"{name!r} among them.", hint)
    return "All four windows read right: " + ", ".join(
        f"{n} {read[n]}" for n in sorted(read)) + "."


# --- Task 6 ----------------------------------------------------------------------------------

#: Task 6's stream: a spam filter's 48 days of 250 labelled emails. The mail drifts slowly and on
#: day 30 the spammers switch templates: the rule rotates by 60° while the features stay put.
SPAM_STREAM = StreamConfig(n_periods=48, period_size=250, drift_per_period=0.02, jump_period=30,
                           jump_shift=0.0, jump_rotation_deg=60.0)
SPAM_SEED = 5
RETRAIN_BUDGET = 7
CANDIDATES = {
    "every 2": dict(policy="periodic", every=2),
    "every 3": dict(policy="periodic", every=3),
    "every 4": dict(policy="periodic", every=4),
    "every 6": dict(policy="periodic", every=6),
    "every 8": dict(policy="periodic", every=8),
    "every 12": dict(policy="periodic", every=12),
    "every 16": dict(policy="periodic", every=16),
    "alarm 0.01": dict(policy="on_alarm", alpha=0.01),
    "alarm 0.001": dict(policy="on_alarm", alpha=0.001),
}
_CANDIDATES = copy.deepcopy(CANDIDATES)  # the check's own copies
_BUDGET = RETRAIN_BUDGET
_SPAM = (copy.deepcopy(SPAM_STREAM), SPAM_SEED)


@functools.lru_cache(maxsize=2)
def _candidate_results(on_the_chapters_stream=False) -> dict:
    config, seed = (StreamConfig(), 0) if on_the_chapters_stream else _SPAM
    return {name: simulate_retraining(**params, config=config, seed=seed)
            for name, params in _CANDIDATES.items()}


def _best_within(results, budget, strict=False) -> str:
    within = {n: r for n, r in results.items()
              if (r.n_retrains < budget if strict else r.n_retrains <= budget)}
    return max(within, key=lambda n: within[n].mean_accuracy)


@task("6", "a retraining policy for a spam filter")
def check_retraining_choice(best_candidate):
    """The candidate with the highest mean accuracy on the spam stream among those with at most
    7 retrains.

    Classic mistakes: the best candidate overall, ignoring the budget ("every 3"); reading "at
    most 7" as fewer than 7 ("every 8"); the candidate with the fewest retrains ("alarm
    0.001"); running the candidates on the chapter's stream instead of `SPAM_STREAM` ("every
    12"); trusting the chapter's verdict that retraining on alarm wins ("alarm 0.01"), when the
    spammers' change moves P(Y|X) and leaves P(X), which the alarm watches.
    """
    chosen_name = require_choice(best_candidate, {name: () for name in _CANDIDATES},
                                 "best_candidate")
    results = _candidate_results()
    best = _best_within(results, _BUDGET)
    chosen = results[chosen_name]
    if chosen_name == best:
        alarm = results["alarm 0.01"]
        return (f"{best}: {format_count(chosen.n_retrains, 'retrain')}, mean accuracy "
                f"{chosen.mean_accuracy:.1%}, the best within the budget. Retraining on alarm "
                f"reached {alarm.mean_accuracy:.1%}: its alarms fired on days "
                f"{', '.join(map(str, alarm.retrain_periods))}, none on day "
                f"{_SPAM[0].jump_period}, since the spammers' switch left the features alone.")
    if chosen.n_retrains > _BUDGET:
        raise Fail(f"{chosen_name!r} retrains {format_count(chosen.n_retrains, 'time')}, over "
                   f"the budget of {_BUDGET}.",
                   "Drop the candidates that break the budget first.")
    within = {n: r for n, r in results.items() if r.n_retrains <= _BUDGET}
    if chosen_name == _best_within(results, _BUDGET, strict=True):
        hint = (f"'At most {_BUDGET}' includes {_BUDGET} itself: a candidate with exactly "
                f"{_BUDGET} retrains is within the budget.")
    elif chosen_name == _best_within(_candidate_results(True), _BUDGET):
        hint = ("That is the best within the budget on the chapter's stream. Run the "
                "candidates on this one: config=checks.SPAM_STREAM, seed=checks.SPAM_SEED.")
    elif chosen_name == min(within, key=lambda n: (within[n].n_retrains, n)):
        hint = ("Fewest retrains is the cheapest, not the best: compare mean_accuracy among "
                "the candidates within the budget.")
    elif _CANDIDATES[chosen_name]["policy"] == "on_alarm":
        hint = ("The chapter's alarm won where the data's features moved. Look at the days "
                "this alarm retrained on (retrain_periods): the spammers' switch moved the "
                "rule, P(Y|X), and left the features, which the alarm watches.")
    else:
        hint = "Compare mean_accuracy of every candidate within the budget."
    raise Fail(f"{chosen_name!r} keeps the budget but reaches {chosen.mean_accuracy:.1%}; "
               "another candidate does better.", hint)


# --- Task 7 ----------------------------------------------------------------------------------

TRAINING_ROWS, REQUESTS, N_FEATURES, PSI_THRESHOLD, PSI_BINS = 10_000, 300, 200, 0.25, 10
HARMFUL_SHIFT_SD = 0.3
#: The task asks for the chance to two significant figures: in units of 10^-12, one decimal.
CHANCE_UNIT = 1e-12
FAILURES = {
    "false alarms": ("fires by chance", "too many false alarms", "false alarm",
                     "alarms on noise"),
    "missed shifts": ("misses shifts", "missed shift", "misses harmful shifts",
                      "too insensitive", "misses small shifts", "threshold too high"),
    "neither": ("adequate", "none", "fine", "no failure", "it works"),
}


def _chance(scale: float, threshold: float = PSI_THRESHOLD, dof: int = PSI_BINS - 1) -> float:
    return float(stats.chi2.sf(threshold / scale, dof))


NULL_SCALE = 1 / TRAINING_ROWS + 1 / REQUESTS
CHANCE_PER_FEATURE = _chance(NULL_SCALE)


@functools.lru_cache(maxsize=1)
def harmful_shift_alarm_rate(n_mornings: int = 1_000, seed: int = 0) -> float:
    """Share of simulated mornings on which a 0.3-sd shift pushes PSI above 0.25 (10 bins)."""
    rng = np.random.default_rng(seed)
    training = rng.normal(size=TRAINING_ROWS)
    edges = np.quantile(training, np.arange(1, PSI_BINS) / PSI_BINS)
    expected = np.bincount(np.searchsorted(edges, training, side="right"),
                           minlength=PSI_BINS) / TRAINING_ROWS
    bins = np.searchsorted(edges, rng.normal(HARMFUL_SHIFT_SD, 1, (n_mornings, REQUESTS)),
                           side="right")
    counts = np.apply_along_axis(np.bincount, 1, bins, minlength=PSI_BINS)
    return float(np.mean(_psi(expected, counts / REQUESTS) > PSI_THRESHOLD))


_CHANCE_SLIPS = {
    "That is the chance for any of the 200 features on a morning; the task asks for one "
    "feature.": N_FEATURES * CHANCE_PER_FEATURE,
    "The scale is 1/n + 1/m with both windows: the 10,000 training rows count too.":
        _chance(1 / REQUESTS),
    "The scale is 1/10,000 + 1/300: the training window has 10,000 rows, not 300.":
        _chance(2 / REQUESTS),
    "Ten bins give 9 degrees of freedom (bins - 1), not 10.": _chance(NULL_SCALE, dof=PSI_BINS),
}


@task("7a", "the PSI policy: its chance and its failure")
def check_psi_policy_decision(chance_per_feature, failure):
    """The chance that one feature's PSI exceeds 0.25 on an unshifted morning (chi-squared
    approximation, 10 bins), to two significant figures, and which failure the policy shows.

    Classic mistakes for the chance: 200 times it (any feature, not one); the scale 1/300 (the
    training rows forgotten) or 2/300 (two windows of 300); 10 degrees of freedom; chi2.cdf
    instead of sf, or 0.25 not divided by the scale (a chance near 1). For the failure: "false
    alarms", the intuition of 200 tests a morning, which the learner's own chance refutes;
    "neither", when a harmful 0.3-sd shift crosses 0.25 on under 1% of mornings.
    """
    answer = require_number(chance_per_feature, "chance_per_feature")
    exact = CHANCE_PER_FEATURE
    if not close_at_precision(answer / CHANCE_UNIT, exact / CHANCE_UNIT, 1):
        hint = next((h for h, value in _CHANCE_SLIPS.items()
                     if close_at_precision(answer / CHANCE_UNIT, value / CHANCE_UNIT, 1)
                     or math.isclose(answer, value, rel_tol=0.05)), None)
        if hint is None and answer == float(f"{answer:.1g}") == float(f"{exact:.1g}"):
            hint = "Give the chance to two significant figures (such as 1.2e-12), not one."
        if hint is None and close_at_precision(answer / CHANCE_UNIT,
                                               math.floor(exact / CHANCE_UNIT * 10) / 10, 2):
            hint = (f"Round to the nearest: {exact / CHANCE_UNIT:.3f}e-12 rounds to "
                    f"{exact / CHANCE_UNIT:.1f}e-12 at two significant figures.")
        if hint is None and answer > 0.5:
            hint = ("A chance near 1 is the chance of PSI staying *below* 0.25 (chi2.cdf), or of "
                    "the chi-squared variable itself passing 0.25: divide 0.25 by "
                    "(1/10,000 + 1/300) and take chi2.sf.")
        raise Fail(f"chance_per_feature is {answer:.3g}; the chi-squared approximation gives "
                   "another chance (to two significant figures).",
                   hint or "PSI ≈ (1/n + 1/m) χ² with bins − 1 degrees of freedom: the chance "
                           "is χ²'s survival function at 0.25 / (1/n + 1/m).")
    verdict = require_choice(failure, FAILURES, "failure")
    rate = harmful_shift_alarm_rate()
    per_year = 365 * N_FEATURES * exact
    if verdict == "false alarms":
        raise Fail("failure is 'false alarms', but by your own chance the policy fires by chance "
                   f"about {per_year:.0e} times a year over {N_FEATURES} features.",
                   "Multiply your chance by 200 features and 365 mornings: the threshold is far "
                   "above what noise reaches with windows of these sizes.")
    if verdict == "neither":
        raise Fail("failure is 'neither', but the policy misses shifts that hurt the model.",
                   f"Simulate mornings of 300 requests shifted by {HARMFUL_SHIFT_SD} standard "
                   "deviations against 10,000 training rows: how often does PSI pass 0.25?")
    return (f"About {exact:.1e} per feature and morning ({per_year:.0e} false alarms a year "
            f"over {N_FEATURES} features), while a {HARMFUL_SHIFT_SD}-sd shift crosses 0.25 on "
            f"{rate:.1%} of simulated mornings: the threshold is too high for these windows, so "
            "the policy misses shifts.")


PSI_POLICY_RUBRIC = (
    "By chance the policy almost never fires: with 300 requests against 10,000 training rows, "
    "PSI > 0.25 needs a chi-squared (9) variable above 73, about 4 in a trillion per feature "
    "and morning, so 200 features bring no false alarm in years.",
    "It misses shifts that matter: a 0.3-sd shift crosses 0.25 on under 1% of mornings, while a "
    "KS test corrected for 200 features (Bonferroni) catches it on most.",
    "It fires on harmless, predictable change: a weekly or holiday pattern of 0.6 sd crosses "
    "0.25 on nine mornings in ten, so the policy would retrain by the calendar.",
    "It proposes a test with a known false-alarm rate (KS, or PSI against its null "
    "distribution), corrected for the 200 features, and a reference from the same season.",
    "It checks the model's quality on the labels that have arrived before retraining: concept "
    "drift shows in performance, not in the features.",
)
PSI_POLICY_MODEL_ANSWER = (
    "The policy almost never fires by chance (about 4 in a trillion per feature and morning), "
    "and that is its problem: a 0.3-sd shift that hurts the model crosses 0.25 on under 1% of "
    "mornings, while a seasonal 0.6-sd pattern crosses it on nine in ten. Use a test with a "
    "known false-alarm rate corrected for 200 features, a seasonal reference, and check "
    "accuracy on arrived labels before retraining.")

check_psi_policy_argument = written_task(
    "7b", "the PSI policy, argued (open question)", rubric=PSI_POLICY_RUBRIC,
    model_answer=PSI_POLICY_MODEL_ANSWER, min_words=60)
