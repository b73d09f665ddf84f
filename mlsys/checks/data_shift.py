"""Checks for the data-in-production chapter's exercises (exercises/04_data_in_production.ipynb)."""

from __future__ import annotations

import functools
import math

import numpy as np

from scipy import stats

from mlsys.checks import (Fail, require_answer, require_bool, require_function, require_key_ideas,
                          require_number, require_returned, require_text, task)
from mlsys.data_shift import (
    compute_ecdf_gaps,
    compute_ks_statistic,
    count_noun,
    expected_measured_accuracy,
    make_imbalanced_data,
    psi_from_proportions,
    sample_world,
    simulate_retraining,
)

# --- Task 1 ----------------------------------------------------------------------------------

TRUE_ACCURACY = 0.95
TEST_LABEL_NOISE = 0.06


@task("1", "accuracy measured on wrong labels")
def check_measured_accuracy(measured_accuracy):
    """Accuracy measured when 6% of a binary test set's labels are flipped at random."""
    answer = require_number(measured_accuracy, "measured_accuracy")
    expected = expected_measured_accuracy(TRUE_ACCURACY, TEST_LABEL_NOISE)
    if abs(answer - expected) <= 5e-4:
        return (f"{TRUE_ACCURACY} x {1 - TEST_LABEL_NOISE:g} + {1 - TRUE_ACCURACY:.2f} x "
                f"{TEST_LABEL_NOISE} = {expected:.3f}: the test set under-reports the model.")
    if math.isclose(answer, TRUE_ACCURACY * (1 - TEST_LABEL_NOISE), abs_tol=5e-4) or \
            math.isclose(answer, TRUE_ACCURACY - TEST_LABEL_NOISE, abs_tol=5e-4):
        hint = ("You counted the right predictions whose label flipped, but not the wrong "
                "predictions whose label flipped: those now look right.")
    elif math.isclose(answer, TRUE_ACCURACY, abs_tol=5e-4):
        hint = "The test labels are wrong too, so the measured score is not the true one."
    elif answer > 1 or answer < 0:
        hint = "An accuracy lies between 0 and 1."
    else:
        hint = ("A prediction scores as right when it matches the recorded label: right and kept, "
                "or wrong and flipped.")
    raise Fail(f"measured_accuracy is {answer:g}; that is not what the noisy test set reports.",
               hint)


# --- Task 2 ----------------------------------------------------------------------------------

IMBALANCE_TASK = dict(positive_rate=0.02, n_samples=5_000, seed=4)
METRICS = ("accuracy", "precision", "recall", "pr_auc")


def imbalanced_labels() -> np.ndarray:
    """The test labels of task 2: a fraud-like problem with about 2% positives."""
    return make_imbalanced_data(**IMBALANCE_TASK)[1]


_METRIC_HINTS = {
    "accuracy": "'Always negative' scores about 98% accuracy and finds no positive at all: "
                "that is the accuracy paradox.",
    "precision": "A model that flags only its one surest case can reach precision 1 and miss "
                 "every other positive.",
    "recall": "A model that flags everything reaches recall 1; recall alone ignores the false "
              "alarms.",
}


@task("2", "a metric that survives imbalance")
def check_imbalance_metric(majority_accuracy, chosen_metric):
    """The majority predictor's accuracy on `imbalanced_labels()` and the metric to report."""
    y = imbalanced_labels()
    expected = float(np.mean(y == 0))
    answer = require_number(majority_accuracy, "majority_accuracy")
    if abs(answer - expected) > 5e-4:
        hint = ("That is the share of positives; 'always negative' is right on every negative."
                if math.isclose(answer, 1 - expected, abs_tol=5e-4) else
                "Predict 0 for every row and compare with the labels.")
        raise Fail(f"majority_accuracy is {answer:g}; 'always negative' scores otherwise.", hint)
    require_answer(chosen_metric, "chosen_metric")
    if chosen_metric not in METRICS:
        raise Fail(f"chosen_metric should be one of {METRICS}; got {chosen_metric!r}.")
    if chosen_metric != "pr_auc":
        raise Fail(f"{chosen_metric!r} can be gamed by a useless model here.",
                   _METRIC_HINTS[chosen_metric])
    return (f"'Always negative' scores {expected:.1%} accuracy but its PR-AUC is the positive "
            f"rate, {1 - expected:.1%}: PR-AUC rewards only finding positives precisely.")


# --- Task 3 ----------------------------------------------------------------------------------

PSI_EXPECTED = (0.10, 0.20, 0.40, 0.20, 0.10)
PSI_ACTUAL = (0.05, 0.15, 0.35, 0.25, 0.20)
PSI_BANDS = ("little", "moderate", "significant")


def _band(psi: float) -> str:
    return "little" if psi < 0.10 else "moderate" if psi <= 0.25 else "significant"


@task("3", "PSI by hand")
def check_psi(psi_value, band):
    """The PSI of PSI_EXPECTED vs PSI_ACTUAL and its rule-of-thumb band."""
    answer = require_number(psi_value, "psi_value")
    expected = psi_from_proportions(PSI_EXPECTED, PSI_ACTUAL)
    e, a = np.array(PSI_EXPECTED), np.array(PSI_ACTUAL)
    if abs(answer - expected) > 5e-4:
        mistakes = {
            "You used percentages: PSI works with shares that sum to 1.": 100 * expected,
            "That is sum A ln(A/E), the KL divergence: PSI weights each log ratio by (A - E).":
                float(np.sum(a * np.log(a / e))),
            "You used log base 10; PSI uses the natural logarithm.":
                float(np.sum((a - e) * np.log10(a / e))),
            "Square or absolute values do not belong in PSI: sum (A - E) ln(A / E).":
                float(np.sum(np.abs(a - e))),
        }
        hint = next((h for h, value in mistakes.items() if math.isclose(answer, value,
                                                                           rel_tol=1e-3)),
                    "Sum (A_i - E_i) x ln(A_i / E_i) over the five bins.")
        raise Fail(f"psi_value is {answer:g}; the PSI of these bins is not that.", hint)
    require_answer(band, "band")
    if band not in PSI_BANDS:
        raise Fail(f"band should be one of {PSI_BANDS}; got {band!r}.")
    if band != _band(expected):
        raise Fail(f"band is {band!r}, but PSI = {expected:.3f}.",
                   "The rule of thumb: below 0.10 little, 0.10 to 0.25 moderate, above 0.25 "
                   "significant.")
    return (f"PSI = {expected:.3f}: a {_band(expected)} shift by the rule of thumb, which "
            "promises no false-alarm rate.")


# --- Task 4 ----------------------------------------------------------------------------------

#: Test cases for the learner's KS function: a hand example, the same reversed, ties, a largest
#: gap at a production value, unequal sizes with no overlap.
KS_CASES = (
    ([1, 2, 3, 4], [3, 4, 5, 6]),
    ([3, 4, 5, 6], [1, 2, 3, 4]),
    ([1, 1, 2, 2, 3], [2, 2, 2, 3, 3, 3]),
    ([5, 6, 7], [1, 2, 3, 8]),
    ([1, 2, 3], [10, 20]),
)
KS_ALPHA = 0.05


@functools.lru_cache(maxsize=1)
def ks_windows():
    """Task 4's windows of feature x0: 300 reference rows, 300 production rows shifted 0.2 sd."""
    reference = sample_world(300, seed=50)[0][:, 0]
    production = sample_world(300, covariate_shift=0.2, seed=51)[0][:, 0]
    return reference, production


def _ks_hint(function) -> str:
    """Name the usual slip, found by what `function` returns on the cases where slips differ."""
    slips = {
        "Take the absolute gap |F_ref(x) - F_prod(x)|: the production window may lie on either "
        "side of the reference.": lambda r, p: float(np.max(compute_ecdf_gaps(r, p, np.r_[r, p]))),
        "Evaluate both distribution functions at the values of *both* windows, not of one.":
            lambda r, p: float(np.max(np.abs(compute_ecdf_gaps(r, p, np.asarray(r))))),
    }
    for hint, slip in slips.items():
        try:
            if all(math.isclose(float(function(np.array(r), np.array(p))), slip(r, p),
                                abs_tol=1e-9) for r, p in KS_CASES):
                return hint
        except Exception:  # a learner's function that fails here is diagnosed elsewhere
            break
    return ("D is the largest vertical gap between the two empirical distribution functions: "
            "evaluate F_ref and F_prod at every value of both windows and take "
            "max |F_ref - F_prod|.")


@task("4", "the KS statistic by hand")
def check_ks(function, ks_alarm):
    """The learner's ``function(reference, production)`` returns the KS statistic D on every case
    and on `ks_windows()`; `ks_alarm` says whether scipy's KS test rejects at KS_ALPHA there."""
    require_function(function, "ks_statistic")
    reference, production = ks_windows()
    for r, p in (*KS_CASES, (reference, production)):
        got = function(np.array(r), np.array(p))
        require_returned(got, "ks_statistic")
        got = require_number(got, "the D you returned")
        expected = compute_ks_statistic(r, p)
        if not math.isclose(got, expected, abs_tol=1e-9):
            case = (f"reference={list(r)}, production={list(p)}" if len(r) <= 10
                    else "the task's two windows")
            raise Fail(f"For {case}: D = {got:.4g}, expected {expected:.4g}.", _ks_hint(function))
    alarm = require_bool(ks_alarm, "ks_alarm")
    d = compute_ks_statistic(reference, production)
    pvalue = stats.ks_2samp(reference, production).pvalue
    if alarm != (pvalue < KS_ALPHA):
        raise Fail(f"ks_alarm is {alarm}, but the KS test's p-value on these windows is "
                   f"{pvalue:.3f}.", f"Raise the alarm when the p-value is below {KS_ALPHA}: "
                   "scipy.stats.ks_2samp(reference, production).pvalue.")
    return (f"D = {d:.3f} on {len(reference)} + {len(production)} rows, p = {pvalue:.3f}: "
            + ("the test raises the alarm" if alarm else "no alarm")
            + f", and it does so by chance in only {KS_ALPHA:.0%} of unshifted pairs, a "
            "guarantee PSI's thresholds do not give.")


# --- Task 5 ----------------------------------------------------------------------------------

#: Which window has which shift (the learner must find this out).
WINDOW_KINDS = {"A": "label", "B": "none", "C": "concept", "D": "covariate"}
_WINDOW_PARAMS = {"label": {"positive_rate": 0.8}, "none": {},
                  "concept": {"concept_rotation_deg": 45.0}, "covariate": {"covariate_shift": 1.0}}
KINDS = ("none", "covariate", "label", "concept")


@functools.lru_cache(maxsize=1)
def shift_windows():
    """Return the reference window ``(X, y)`` and production windows ``{"A": (X, y), ...}``."""
    reference = sample_world(2_000, seed=40)
    windows = {name: sample_world(2_000, seed=41 + i, **_WINDOW_PARAMS[kind])
               for i, (name, kind) in enumerate(WINDOW_KINDS.items())}
    return reference, windows


_KIND_HINTS = {
    ("label", "covariate"): "Window {name}'s features moved, but look inside each class: if "
                            "P(X|Y) is unchanged and the positive rate moved, it is label shift.",
    ("covariate", "label"): "In window {name} the features moved inside each class too, so "
                            "P(X|Y) changed: not label shift.",
    ("concept", "none"): "Window {name}'s features did not move, but score the reference model "
                         "on its labels.",
    ("none", "concept"): "In window {name} neither P(X) nor the model's accuracy changed.",
}


@task("5", "which window shifted, and how")
def check_shift_kinds(kinds):
    """A dict mapping each window name to "none", "covariate", "label" or "concept"."""
    require_answer(kinds, "shift_kinds")
    if not isinstance(kinds, dict):
        raise Fail(f"shift_kinds should be a dict such as {{'A': 'none', ...}}; got "
                   f"{type(kinds).__name__}.")
    if sorted(kinds) != sorted(WINDOW_KINDS):
        raise Fail(f"shift_kinds should have the keys {sorted(WINDOW_KINDS)}; got "
                   f"{sorted(kinds)}.")
    for name, kind in kinds.items():
        if kind not in KINDS:
            raise Fail(f"shift_kinds[{name!r}] should be one of {KINDS}; got {kind!r}.")
    wrong = [name for name in WINDOW_KINDS if kinds[name] != WINDOW_KINDS[name]]
    if wrong:
        name = wrong[0]
        hint = _KIND_HINTS.get((WINDOW_KINDS[name], kinds[name]),
                               "Compare three things with the reference: the features' "
                               "distribution (KS), the positive rate, and the reference "
                               "model's accuracy.").format(name=name)
        raise Fail(f"{count_noun(len(wrong), 'window')} of {len(WINDOW_KINDS)} misread, "
                   f"{name!r} among them.", hint)
    return "All four windows read right: " + ", ".join(f"{n} {k}" for n, k in kinds.items()) + "."


# --- Task 6 ----------------------------------------------------------------------------------

RETRAIN_BUDGET = 8
CANDIDATES = {
    "every 5": dict(policy="periodic", every=5),
    "every 10": dict(policy="periodic", every=10),
    "every 15": dict(policy="periodic", every=15),
    "every 20": dict(policy="periodic", every=20),
    "alarm 0.01": dict(policy="on_alarm", alpha=0.01),
    "alarm 0.001": dict(policy="on_alarm", alpha=0.001),
}


@functools.lru_cache(maxsize=1)
def _candidate_results() -> dict:
    return {name: simulate_retraining(**params) for name, params in CANDIDATES.items()}


@task("6", "a retraining policy within budget")
def check_retraining_choice(best_candidate):
    """The candidate with the highest mean accuracy among those with at most 8 retrains."""
    require_answer(best_candidate, "best_candidate")
    if best_candidate not in CANDIDATES:
        raise Fail(f"best_candidate should be one of {list(CANDIDATES)}; got {best_candidate!r}.")
    results = _candidate_results()
    within = {n: r for n, r in results.items() if r.n_retrains <= RETRAIN_BUDGET}
    best = max(within, key=lambda n: within[n].mean_accuracy)
    chosen = results[best_candidate]
    if best_candidate == best:
        return (f"{best}: {count_noun(chosen.n_retrains, 'retrain')}, mean accuracy "
                f"{chosen.mean_accuracy:.1%}, the best within the budget.")
    if best_candidate not in within:
        raise Fail(f"{best_candidate!r} retrains {count_noun(chosen.n_retrains, 'time')}, over "
                   f"the budget of {RETRAIN_BUDGET}.",
                   "Drop the candidates that break the budget first.")
    raise Fail(f"{best_candidate!r} keeps the budget but reaches {chosen.mean_accuracy:.1%}; "
               "another candidate does better.",
               "Compare mean_accuracy of every candidate within the budget; retraining when the "
               "data moved spends the budget where it helps.")


# --- Task 7 ----------------------------------------------------------------------------------

KEY_IDEAS = {
    "the window size (sample, window, rows, size)": ("sample", "window", "rows", "size"),
    "false alarms (false alarm, multiple, chance, noise)": ("false alarm", "false-alarm",
                                                            "multiple", "chance", "noise"),
    "what the model's quality says (label, accuracy, performance)": ("label", "accuracy",
                                                                     "performance"),
}


@task("7", "a PSI alarm policy (open question)")
def check_open_answer(text):
    """A written argument of at least 60 words on PSI thresholds, sample size and quality."""
    text = require_text(text, "answer_psi_policy", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "A convincing answer works out how often PSI > 0.25 fires by chance with windows "
        "of these sizes, says what the policy would miss and what would set it off, and "
        "what to check before retraining.")
    return ("Your argument is long enough and touches window size, false alarms and model "
            "quality. Compare it with the model answer in the solution notebook.")
