"""Checks for the interpretability chapter's exercises (exercises/06_interpretability.ipynb).

Every check computes what it expects from its own private data (regenerated or deep-copied here),
never from objects the exercise hands the learner, and tries a learner's function on fresh
samples of patients drawn when the check runs, as well as on the fixed cases.
"""

from __future__ import annotations

import copy
import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import permutation_importance
from sklearn.metrics import recall_score
from sklearn.tree import DecisionTreeClassifier

from mlsys.checks import (Fail, close_at_precision, require_answer, require_bool,
                          require_choice, require_function, require_number, require_own_code,
                          require_returned, require_sequence, task, written_task)
from mlsys.interpretability import (FEATURES, compute_accuracy_drop, make_patient_data,
                                    make_shortcut)
from mlsys.style import format_count

#: Fresh samples of patients a learner's function is also tried on, drawn when the check runs.
N_FRESH = 3


def _fresh_rng() -> np.random.Generator:
    """An unseeded generator: the fresh cases differ at every run, so none can be memorised."""
    return np.random.default_rng()


def _fresh_patients(rng, low=150, high=900) -> tuple:
    """A new sample of the chapter's patients, of a random size, genuine features only."""
    patients = make_patient_data(int(rng.integers(low, high)), seed=int(rng.integers(2**31)))
    return patients.X[list(FEATURES)], patients.y


# ---------------------------------------------------------------------------------------------
# Task 1: one repeat of permutation importance, by hand
# ---------------------------------------------------------------------------------------------

#: (feature, seed) pairs the learner's function is tried on, before the fresh cases.
DROP_CASES = (("age_years", 0), ("systolic_bp_mmhg", 1), ("postcode_digit", 2), ("smoker", 7))
#: What task 1 asks the learner not to call: the point is to write the shuffle.
DROP_FORBIDDEN = ("permutation_importance", "compute_accuracy_drop")


@functools.lru_cache(maxsize=1)
def drop_task():
    """The fitted tree and held-out patients of task 1: ``(model, X, y)`` (the check's own)."""
    train = make_patient_data(1_000, seed=5)
    held_out = make_patient_data(600, seed=6)
    X_train, X = train.X[list(FEATURES)], held_out.X[list(FEATURES)]
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X_train, train.y)
    return model, X, held_out.y


def drop_mistakes(model, X, y, feature, seed) -> dict:
    """What each classic mistake of task 1 returns on one case: {mistake: value}.

    - ``shuffled accuracy``: the accuracy after the shuffle, not the drop;
    - ``reversed sign``: shuffled minus baseline;
    - ``whole rows``: the whole frame permuted (every column, in the same order), not one column;
    - ``labels shuffled``: y permuted instead of the column;
    - ``no shuffle``: a shuffled Series assigned back by index label (pandas aligns it, so the
      column is unchanged): a drop of 0;
    - ``percent``: the drop in percentage points.
    """
    order = np.random.default_rng(seed).permutation(len(X))
    baseline = model.score(X, y)
    drop = compute_accuracy_drop(model, X, y, feature, seed=seed)
    return {"shuffled accuracy": baseline - drop, "reversed sign": -drop,
            "whole rows": baseline - model.score(X.iloc[order], y),
            "labels shuffled": baseline - model.score(X, np.asarray(y)[order]),
            "no shuffle": 0.0, "percent": 100 * drop}


DROP_HINTS = {
    "shuffled accuracy": "That is the accuracy with the column shuffled; the importance is how "
                         "much accuracy *drops*: baseline minus shuffled.",
    "reversed sign": "The sign is reversed: importance is baseline accuracy minus shuffled "
                     "accuracy.",
    "whole rows": "You permuted whole rows (every column in the same order), which breaks every "
                  "feature's link to the label at once. Shuffle only the column `feature`.",
    "labels shuffled": "You shuffled the labels y, not the feature: permute the values of the "
                       "column `feature` and keep y as it is.",
    "no shuffle": "A drop of 0 means the model saw the column unshuffled. Assigning a shuffled "
                  "Series puts its values back in place by index label: assign "
                  "`X[feature].to_numpy()[order]`.",
    "percent": "Give the drop as a fraction of 1, as model.score gives accuracy (0.05, not 5).",
}


@task("1", "accuracy drop by hand")
def check_accuracy_drop(function):
    """Try the learner's ``function(model, X, y, feature, seed)`` against the reference, on the
    task's cases and on `N_FRESH` fresh samples of patients (random size, feature and seed)."""
    require_function(function, "accuracy_drop")
    require_own_code(function, "accuracy_drop", DROP_FORBIDDEN)
    model, X, y = drop_task()

    def cases():  # the task's cases first: a placeholder fails before any fresh case is drawn
        for feature, seed in DROP_CASES:
            yield X, y, feature, seed, False
        rng = _fresh_rng()
        for _ in range(N_FRESH):
            X_fresh, y_fresh = _fresh_patients(rng)
            for _ in range(20):  # a fresh case whose drop is 0 cannot tell a function from 0.0
                feature, seed = str(rng.choice(FEATURES)), int(rng.integers(10**6))
                if compute_accuracy_drop(model, X_fresh, y_fresh, feature, seed=seed) != 0:
                    break
            yield X_fresh, y_fresh, feature, seed, True

    for X_case, y_case, feature, seed, fresh in cases():
        X_given = X_case.copy()
        got = function(model, X_given, y_case.copy(), feature, seed)
        require_returned(got, "accuracy_drop")
        if not X_given.equals(X_case):
            raise Fail("accuracy_drop changed the X it was given.",
                       "Shuffle a copy (X.copy()), so that the caller's data stay intact.")
        got = require_number(got, f"the drop returned for {feature!r}")
        expected = compute_accuracy_drop(model, X_case, y_case, feature, seed=seed)
        if abs(got - expected) > 1e-9:
            where = (f"on a fresh sample of {len(X_case)} patients" if fresh
                     else "on the task's held-out patients")
            mistakes = drop_mistakes(model, X_case, y_case, feature, seed)
            named = [m for m, value in mistakes.items()
                     if abs(got - value) <= 1e-9 and abs(value - expected) > 1e-9]
            hint = DROP_HINTS[named[0]] if named else (
                "Permute the rows of one column with np.random.default_rng(seed)"
                ".permutation(len(X)), score the model on a copy of X with that column replaced, "
                "and subtract from the accuracy on X itself.")
            raise Fail(f"For feature {feature!r} and seed {seed} {where} you returned {got:.4f}; "
                       f"the accuracy drop is {expected:.4f}.", hint)
    return (f"It matches on all {format_count(len(DROP_CASES), 'case')} of the task, including "
            "postcode_digit, which the tree never uses (drop 0), and on "
            f"{format_count(N_FRESH, 'fresh sample')} of patients.")


# ---------------------------------------------------------------------------------------------
# Task 2: partial dependence by hand, and what it shows
# ---------------------------------------------------------------------------------------------

#: (feature, value) pairs the learner's function is tried on, before the fresh cases.
PD_CASES = (("age_years", 30.0), ("age_years", 70.0), ("systolic_bp_mmhg", 150.0),
            ("smoker", 1), ("exercise_h_per_week", 0.0))
#: The debt-to-income ratios at which task 2 reads the bank's model: 0 to 0.8 by 0.05.
DTI_GRID = tuple(round(0.05 * i, 2) for i in range(17))
#: What task 2 asks the learner not to call.
PD_FORBIDDEN = ("partial_dependence", "PartialDependenceDisplay")


@functools.lru_cache(maxsize=1)
def _pd_task():
    train = make_patient_data(2_000, seed=11)
    held_out = make_patient_data(300, seed=12)
    model = HistGradientBoostingClassifier(random_state=0)
    model.fit(train.X[list(FEATURES)], train.y)
    return model, held_out.X[list(FEATURES)]


def pd_task():
    """Task 2's boosted model and 300 held-out patients: ``(model, X)``, a copy of your own
    (the check keeps its own, so editing these changes nothing it expects)."""
    return copy.deepcopy(_pd_task())


def _mean_prediction(model, X, feature, value) -> float:
    return float(model.predict_proba(X.assign(**{feature: value}))[:, 1].mean())


def pd_mistakes(model, X, feature, value) -> dict:
    """What each classic mistake of `mean_prediction` returns on one case: {mistake: value}.

    - ``labels``: the share predicted positive (``predict``), not the mean probability;
    - ``negative class``: ``predict_proba(...)[:, 0]``;
    - ``feature unset``: the mean prediction on X as it is (the value never set);
    - ``average patient``: the prediction for the average patient with the feature set, not the
      average prediction over the patients.
    """
    setted = X.assign(**{feature: value})
    average_patient = X.mean().to_frame().T.assign(**{feature: value})
    return {"labels": float(model.predict(setted).mean()),
            "negative class": float(model.predict_proba(setted)[:, 0].mean()),
            "feature unset": float(model.predict_proba(X)[:, 1].mean()),
            "average patient": float(model.predict_proba(average_patient[X.columns])[0, 1])}


PD_HINTS = {
    "labels": "That is the share predicted positive (predict); average the probability of the "
              "positive class, predict_proba(...)[:, 1].",
    "negative class": "That is the mean probability of *no* condition (column 0); the condition "
                      "is the positive class, predict_proba(...)[:, 1].",
    "feature unset": "Your result does not depend on `value`: set the column `feature` to "
                     "`value` for every patient before predicting.",
    "average patient": "That is the prediction for the average patient. Partial dependence "
                       "averages the predictions over all the patients, each with the feature set "
                       "to the value.",
}


@functools.lru_cache(maxsize=1)
def _loan_pd_task():
    data = _loan_data()
    model = HistGradientBoostingClassifier(random_state=0).fit(data.X_train, data.y_train)
    return model, data.X_test.iloc[:300]


def loan_pd_task():
    """Task 2's reading: the bank's boosted model (tasks 3a and 3b's applicants) and 300 of its
    test applicants, ``(model, X)``, a copy of your own."""
    return copy.deepcopy(_loan_pd_task())


def _dti_curve() -> np.ndarray:
    model, X = _loan_pd_task()
    return np.array([_mean_prediction(model, X, "debt_to_income", v) for v in DTI_GRID])


def _grid_index(value) -> int | None:
    """Position of `value` in DTI_GRID, allowing for floating-point sums (0.1 + 0.2)."""
    hits = [i for i, v in enumerate(DTI_GRID) if abs(v - value) < 1e-6]
    return hits[0] if hits else None


def dti_step_mistakes() -> dict:
    """The classic mistakes of `dti_step`: {grid position: hint}.

    The grid value before the jump (``argmax(diff)`` without the + 1), and the grid value where
    the curve is highest (``argmax`` of the curve instead of its rises)."""
    curve = _dti_curve()
    step = int(np.argmax(np.diff(curve))) + 1
    return {step - 1: "That is the value before the jump; the task asks for the value the curve "
                      "has risen to (np.argmax(np.diff(curve)) + 1 is its position).",
            int(np.argmax(curve)): "That is where the curve is highest; the task asks where it "
                                   "rises most from the value before it (np.diff)."}


def dti_rise_mistakes() -> dict:
    """The classic mistakes of `dti_rise` and their values: {mistake: value}.

    - ``percent``: the rise in percentage points (14 for 0.14);
    - ``level after``: the curve's value after the jump, not the rise;
    - ``level before``: its value before the jump;
    - ``reversed sign``: before minus after;
    - ``range``: the curve's highest minus its lowest point, not the rise at the step.
    """
    curve = _dti_curve()
    i = int(np.argmax(np.diff(curve))) + 1
    rise = float(curve[i] - curve[i - 1])
    return {"percent": 100 * rise, "level after": float(curve[i]),
            "level before": float(curve[i - 1]), "reversed sign": -rise,
            "range": float(np.ptp(curve))}


DTI_RISE_HINTS = {
    "percent": "Give the rise as a probability (0.25, not 25 percentage points).",
    "level after": "That is the curve's value after the jump; the rise is after minus before.",
    "level before": "That is the curve's value before the jump; the rise is after minus before.",
    "reversed sign": "The sign is reversed: the rise is the value after the jump minus the value "
                     "before it.",
    "range": "That is the whole curve's range, highest minus lowest; the task asks for the rise "
             "at the one step, from the grid value before it.",
}


@task("2", "partial dependence by hand")
def check_partial_dependence(function, dti_step, dti_rise):
    """The learner's ``function(model, X, feature, value)`` (mean predicted probability with the
    feature set to value), tried on the task's cases and on fresh samples of patients; the
    DTI_GRID value at which the bank model's debt-to-income curve rises most, and that rise (to
    two decimals)."""
    require_function(function, "mean_prediction")
    require_own_code(function, "mean_prediction", PD_FORBIDDEN)
    model, X = _pd_task()

    def cases():  # the task's cases first: a placeholder fails before any fresh case is drawn
        for feature, value in PD_CASES:
            yield X, feature, value, False
        rng = _fresh_rng()
        for _ in range(N_FRESH):
            X_fresh, _ = _fresh_patients(rng)
            feature = str(rng.choice(FEATURES))
            yield X_fresh, feature, float(rng.choice(X_fresh[feature].to_numpy())), True

    for X_case, feature, value, fresh in cases():
        X_given = X_case.copy()
        got = function(copy.deepcopy(model), X_given, feature, value)
        require_returned(got, "mean_prediction")
        if not X_given.equals(X_case):
            raise Fail("mean_prediction changed the X it was given.",
                       "Set the feature on a copy: X.assign(**{feature: value}) or X.copy().")
        got = require_number(got, "the mean you returned")
        expected = _mean_prediction(model, X_case, feature, value)
        if not np.isclose(got, expected, rtol=0, atol=1e-9):
            where = f" on a fresh sample of {len(X_case)} patients" if fresh else ""
            named = [m for m, wrong in pd_mistakes(model, X_case, feature, value).items()
                     if abs(got - wrong) <= 1e-9 and abs(wrong - expected) > 1e-9]
            hint = PD_HINTS[named[0]] if named else (
                "Set the feature to the value for every patient, then average "
                "model.predict_proba(...)[:, 1] over all of them.")
            raise Fail(f"With {feature} = {value:g}{where}: {got:.4f}, expected {expected:.4f}.",
                       hint)
    step = require_number(dti_step, "dti_step")
    curve = _dti_curve()
    expected = int(np.argmax(np.diff(curve))) + 1
    given = _grid_index(step)
    if given != expected:
        mistakes = dti_step_mistakes()
        if given in mistakes:
            hint = mistakes[given]
        elif given is None:
            hint = (f"{step:g} is not a value of checks.DTI_GRID (0 to 0.8 by 0.05): compute "
                    "your mean_prediction at every value of that grid, not on another grid.")
        else:
            hint = ("Compute the mean prediction at every value of checks.DTI_GRID, then "
                    "np.diff, and take the grid value just after the largest rise.")
        raise Fail(f"dti_step is {step:g}; the curve does not rise most there.", hint)
    before, after = curve[expected - 1], curve[expected]
    rise = require_number(dti_rise, "dti_rise")
    if not close_at_precision(rise, after - before, 2):
        named = [m for m, wrong in dti_rise_mistakes().items()
                 if close_at_precision(rise, wrong, 2)
                 and not close_at_precision(wrong, after - before, 2)]
        raise Fail(f"dti_rise is {rise:g}; that is not how much the curve rises at "
                   f"{DTI_GRID[expected]:g}.", DTI_RISE_HINTS[named[0]] if named else
                   "Subtract the mean prediction at the grid value before the jump from the one "
                   "at the jump.")
    return (f"It matches on all {format_count(len(PD_CASES), 'case')} of the task and on "
            f"{format_count(N_FRESH, 'fresh sample')} of patients. The bank model's mean "
            f"predicted default rate jumps from {before:.2f} at a debt-to-income ratio of "
            f"{DTI_GRID[expected - 1]:g} to {after:.2f} at {DTI_GRID[expected]:g}, its largest "
            "step: a threshold the model learned, which a credit expert can check.")


# ---------------------------------------------------------------------------------------------
# Tasks 3a and 3b: a bank's loan model (a context the chapter never showed)
# ---------------------------------------------------------------------------------------------

#: The loan applicants' features, with their units in the name.
LOAN_FEATURES = ("income_k_per_year", "debt_to_income", "credit_history_years",
                 "late_payments_2y", "loan_amount_k", "employment_years")
LOAN_DEPTHS = tuple(range(1, 9))
LOAN_TOLERANCE = 0.025  # a tree may be at most 2.5 percentage points less accurate
#: Task 3b: a second record of income, as the applicant declared it on the form.
LOAN_COPY = "income_declared_k"
INCOME_RECORDS = ("income_k_per_year", LOAN_COPY)


def _make_loans(n_applicants, seed) -> tuple:
    """Applicants and whether they defaulted, from a risk that adds up steps and slopes: a
    debt-to-income ratio over 0.35, late payments, a short credit history, a loan large for the
    income, under two years in a job, a low income, a loan over 25k."""
    rng = np.random.default_rng(seed)
    X = pd.DataFrame({
        "income_k_per_year": np.exp(rng.normal(np.log(45), 0.45, n_applicants)).round(1),
        "debt_to_income": (rng.beta(2, 5, n_applicants) * 0.9).round(2),
        "credit_history_years": rng.uniform(0, 30, n_applicants).round(1),
        "late_payments_2y": rng.poisson(0.7, n_applicants).astype(float),
        "loan_amount_k": np.exp(rng.normal(np.log(15), 0.6, n_applicants)).round(1),
        "employment_years": rng.gamma(2, 3, n_applicants).round(1),
    })
    burden = X["loan_amount_k"] / X["income_k_per_year"]
    log_odds = (-2.6 + 1.3 * (X["debt_to_income"] > 0.35)
                + 0.8 * np.minimum(X["late_payments_2y"], 3)
                - 0.12 * np.minimum(X["credit_history_years"], 10) + 1.3 * (burden > 0.4)
                + 1.3 * (X["employment_years"] < 2) - 0.05 * (X["income_k_per_year"] - 45)
                + 0.9 * (X["loan_amount_k"] > 25))
    risk = 1 / (1 + np.exp(-1.6 * log_odds))
    return X, (rng.random(n_applicants) < risk).astype(int)


@dataclass(frozen=True, eq=False)
class LoanData:
    """Training and test applicants of tasks 3a and 3b; y is 1 for a default."""

    X_train: pd.DataFrame = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    X_test: pd.DataFrame = field(repr=False)
    y_test: np.ndarray = field(repr=False)


@functools.lru_cache(maxsize=1)
def _loan_data() -> LoanData:
    return LoanData(*_make_loans(5_000, 21), *_make_loans(3_000, 22))


def make_loan_data() -> LoanData:
    """A bank's loan applicants: 5,000 to train on, 3,000 to test on, and who defaulted.

    Each call returns a copy of your own: the checks keep theirs."""
    return copy.deepcopy(_loan_data())


@functools.lru_cache(maxsize=1)
def _loan_scores() -> dict:
    data = _loan_data()
    trees = [DecisionTreeClassifier(max_depth=d, random_state=0).fit(data.X_train, data.y_train)
             for d in LOAN_DEPTHS]
    boosted = HistGradientBoostingClassifier(random_state=0).fit(data.X_train, data.y_train)
    return dict(
        tree_test=np.array([t.score(data.X_test, data.y_test) for t in trees]),
        leaves=np.array([t.get_n_leaves() for t in trees]),
        boosted_test=float(boosted.score(data.X_test, data.y_test)))


def _first(good) -> int | None:
    depths = np.array(LOAN_DEPTHS)[np.asarray(good)]
    return int(depths.min()) if len(depths) else None


def smallest_loan_depth() -> int:
    """The answer of task 3a."""
    scores = _loan_scores()
    return _first(scores["tree_test"] >= scores["boosted_test"] - LOAN_TOLERANCE - 1e-9)


def loan_depth_mistakes() -> dict:
    """The classic mistakes of task 3a and the depth each gives: {mistake: depth}.

    - ``most accurate``: the most accurate tree, not the smallest good enough;
    - ``points as 2.5``: ``boosted - 2.5`` instead of ``- 0.025``: every tree qualifies;
    - ``position``: ``np.argmax(good)``, a position from 0, not a depth;
    - ``rules``: the number of leaves of the right tree, not its depth;
    """
    scores = _loan_scores()
    test, boosted = scores["tree_test"], scores["boosted_test"]
    good = test >= boosted - LOAN_TOLERANCE - 1e-9
    expected = smallest_loan_depth()
    return {
        "most accurate": int(LOAN_DEPTHS[int(np.argmax(test))]),
        "points as 2.5": _first(test >= boosted - 2.5),
        "position": int(np.argmax(good)),
        "rules": int(scores["leaves"][expected - 1]),
    }


LOAN_DEPTH_HINTS = {
    "most accurate": "That is the most accurate tree, but a smaller one is good enough: the bank "
                     "wants the smallest depth within 2.5 points, the fewest rules to explain.",
    "points as 2.5": "Accuracies are fractions: 2.5 points is 0.025, not 2.5 (with 2.5 every "
                     "tree qualifies).",
    "position": "That looks like a position from 0 (np.argmax), not a depth: depths start at 1.",
    "rules": "That is the number of rules (leaves) of the right tree, not its max_depth.",
}


@task("3a", "the smallest tree the bank can explain")
def check_loan_depth(depth):
    """The learner's smallest max_depth (1 to 8) whose tree is within 2.5 points of the boosted
    model on the test applicants."""
    answer = require_number(depth, "smallest_depth")
    scores = _loan_scores()
    expected = smallest_loan_depth()
    boosted = scores["boosted_test"]
    if answer == expected:
        return (f"Depth {expected}: {format_count(scores['leaves'][expected - 1], 'rule')}, "
                f"{scores['tree_test'][expected - 1]:.1%} against the boosted model's "
                f"{boosted:.1%}; a tree one level shallower is "
                f"{100 * (boosted - scores['tree_test'][expected - 2]):.1f} points below.")
    named = [m for m, wrong in loan_depth_mistakes().items()
             if wrong == answer and wrong != expected]
    hint = LOAN_DEPTH_HINTS[named[0]] if named else None
    if answer not in LOAN_DEPTHS:
        raise Fail(f"smallest_depth is {answer:g}, not one of the depths to compare, 1 to 8.",
                   hint)
    accuracy = scores["tree_test"][int(answer) - 1]
    if accuracy >= boosted - LOAN_TOLERANCE - 1e-9:
        raise Fail(f"Depth {answer:g} is within 2.5 points, but a smaller depth is too.",
                   hint or "Look for the smallest depth that qualifies.")
    raise Fail(f"Depth {answer:g} reaches {accuracy:.1%} on the test applicants, more than 2.5 "
               f"points below the boosted model's {boosted:.1%}.",
               hint or "Compare each tree's test accuracy with boosted accuracy - 0.025.")


def _with_declared_income(X, seed) -> pd.DataFrame:
    """X with the income as declared on the application form: the verified income, off by a
    few percent, placed after it."""
    X = X.copy()
    declared = X["income_k_per_year"] * np.exp(np.random.default_rng(seed).normal(0, 0.05,
                                                                                   len(X)))
    X.insert(1, LOAN_COPY, declared.round(1).to_numpy())
    return X


@functools.lru_cache(maxsize=1)
def _loan_importances() -> tuple:
    """Task 3b's boosted model (with both records of income): each column's permutation
    importance on the test applicants, and both income records shuffled together."""
    from mlsys.interpretability import compute_group_drop

    data = _loan_data()
    X_train = _with_declared_income(data.X_train, 31)
    X_test = _with_declared_income(data.X_test, 32)
    model = HistGradientBoostingClassifier(random_state=0).fit(X_train, data.y_train)
    result = permutation_importance(model, X_test, data.y_test, n_repeats=5, random_state=0)
    importance = pd.Series(result.importances_mean, index=X_test.columns)
    group = compute_group_drop(model, X_test, data.y_test, list(INCOME_RECORDS), n_repeats=5,
                               seed=0)
    return importance, result.importances_std, group


def plot_loan_importances():
    """Draw task 3b's figure: the bank model's permutation importance on the test applicants,
    each record of income hatched, and a dashed line for both shuffled together."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    from mlsys.interpretability import plot_importances
    from mlsys.style import FIGSIZE, PALETTE

    importance, std, group = _loan_importances()
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    plot_importances(list(importance.index), importance.to_numpy(), std,
                     title="The bank's model: permutation importance, test applicants",
                     ax=ax)
    order = np.argsort(importance.to_numpy())
    for bar, column in zip(ax.patches, importance.index[order]):
        if column in INCOME_RECORDS:
            bar.set_hatch("//")
            bar.set_facecolor(PALETTE["orange"])
    line = ax.axvline(group, color=PALETTE["vermillion"], linestyle="--", lw=2,
                      label="both records of income shuffled together")
    hatched = Patch(facecolor=PALETTE["orange"], edgecolor=PALETTE["blue"], hatch="//",
                    label="a record of income")
    ax.legend(handles=[hatched, line], loc="lower right", fontsize=8)
    return fig


@task("3b", "read an importance figure")
def check_loan_figure(top_column, income_matters_most):
    """The column with the longest bar in task 3b's figure, and whether income (both records
    shuffled together) matters more to the model than that column.

    Classic mistakes: the shortest bar (the figure read upside down), a record of income as the
    top column (the dashed line is not a column), income judged unimportant from its records'
    short bars (each hides behind the other: the group's line is what income is worth)."""
    importance, _, group = _loan_importances()
    expected = importance.idxmax()
    if not isinstance(top_column, str) and hasattr(top_column, "__len__") and \
            len(top_column) == 1 and not hasattr(top_column, "keys"):
        top_column = list(top_column)[0]  # a one-element list, array or Index of the name
    name = require_choice(top_column, list(importance.index), "top_column")
    if name != expected:
        if name == importance.idxmin():
            hint = "That is the shortest bar: the figure puts the most important column on top."
        elif name in INCOME_RECORDS:
            hint = ("A record of income has a shorter bar than the top one; the dashed line is "
                    "both records shuffled together, not a column.")
        else:
            hint = "Read the label of the longest bar, at the top of the figure."
        raise Fail(f"top_column is {name!r}; that is not the longest bar.", hint)
    matters = require_bool(income_matters_most, "income_matters_most")
    if matters != bool(group > importance.max()):
        raise Fail("income_matters_most is not what the figure shows.",
                   "Each record of income scores little because the other carries income when "
                   "it is shuffled. Compare the dashed line (both shuffled together) with the "
                   "longest bar.")
    records = " and ".join(f"{importance[c]:.3f}" for c in INCOME_RECORDS)
    return (f"{expected} has the longest bar ({importance.max():.3f}), but the records of "
            f"income, {records} each, are worth {group:.3f} together: income matters most, "
            "split between two copies.")


# ---------------------------------------------------------------------------------------------
# Tasks 4 and 5: the anonymised data set with a leak
# ---------------------------------------------------------------------------------------------

LEAKING_COLUMN = "x5"
EXERCISE_LEAK = 0.85


@dataclass(frozen=True, eq=False)
class ExerciseData:
    """Training, validation and production data of tasks 4 and 5 (features x0 to x8)."""

    X_train: pd.DataFrame = field(repr=False)
    y_train: np.ndarray = field(repr=False)
    X_validation: pd.DataFrame = field(repr=False)
    y_validation: np.ndarray = field(repr=False)
    X_production: pd.DataFrame = field(repr=False)
    y_production: np.ndarray = field(repr=False)


def _split(X, y, leak, seed):
    shortcut = make_shortcut(y, leak=leak, seed=seed)
    columns = np.insert(X, int(LEAKING_COLUMN[1:]), shortcut, axis=1)
    frame = pd.DataFrame(columns, columns=[f"x{i}" for i in range(columns.shape[1])])
    return frame, y


@functools.lru_cache(maxsize=1)
def _exercise_data() -> ExerciseData:
    X, y = make_classification(n_samples=6_000, n_features=8, n_informative=4, n_redundant=2,
                               flip_y=0.05, class_sep=0.8, random_state=11)
    parts = [(X[i::3], y[i::3]) for i in range(3)]
    train = _split(*parts[0], leak=EXERCISE_LEAK, seed=1)
    validation = _split(*parts[1], leak=EXERCISE_LEAK, seed=2)
    production = _split(*parts[2], leak=0.0, seed=3)
    return ExerciseData(*train, *validation, *production)


def make_exercise_data() -> ExerciseData:
    """Eight anonymous features from `make_classification` plus a leak in column x5.

    The leak marks 85% of the positives of training and validation data with a 1 and every
    other row with a 0; in production it is 0 for every row, as a referral is before anyone
    has been referred. Each call returns a copy of your own: the checks keep theirs."""
    return copy.deepcopy(_exercise_data())


@functools.lru_cache(maxsize=1)
def _leak_model() -> HistGradientBoostingClassifier:
    data = _exercise_data()
    return HistGradientBoostingClassifier(random_state=0).fit(data.X_train, data.y_train)


@functools.lru_cache(maxsize=1)
def _importances() -> dict:
    """Mean permutation importance of every column of the model with the leak, on each part."""
    data, model = _exercise_data(), _leak_model()
    parts = dict(validation=(data.X_validation, data.y_validation),
                 training=(data.X_train, data.y_train),
                 production=(data.X_production, data.y_production))
    return {part: pd.Series(permutation_importance(model, X, y, n_repeats=5, random_state=0)
                            .importances_mean, index=X.columns)
            for part, (X, y) in parts.items()}


def _ranking(importance: pd.Series) -> tuple:
    return tuple(importance.sort_values(ascending=False, kind="stable").index)


def _name(value, what: str) -> str:
    """A column name given as text, a one-element sequence of text, or fail."""
    if not isinstance(value, str) and hasattr(value, "__len__") and len(value) == 1 and \
            not hasattr(value, "keys"):
        value = (value.tolist() if hasattr(value, "tolist") else list(value))[0]
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        raise Fail(f"{what} is the number {value}; give the column's name, such as 'x0'.",
                   f"A position counts from 0: X_train.columns[{value}] is its name.")
    if not isinstance(value, str):
        raise Fail(f"{what} should be a column name such as 'x0'; got "
                   f"{type(value).__name__} {value!r}.",
                   "Column names are strings: X_train.columns lists them.")
    columns = list(_exercise_data().X_train.columns)
    return require_choice(value, columns, what)


@task("4", "find the leaking feature")
def check_leaking_feature(top_three, leak_importance, leaking_feature):
    """The three most important columns on validation data (most important first), the mean
    importance of the leak there (to two decimals), and the name of the leaking column.

    Classic mistakes: the ranking in ascending order (or the three least important), the
    importance measured on the training data (same ranking, a larger importance) or on the
    production data (where the leak is 0 for everyone, so shuffling it changes nothing), the
    importance in percent, the accuracy after shuffling instead of the drop."""
    require_answer(top_three, "top_three")
    if isinstance(top_three, pd.Series) and not pd.api.types.is_string_dtype(top_three) \
            and top_three.index.map(lambda name: isinstance(name, str)).all():
        top_three = top_three.index  # the importances, sorted and indexed by column name
    items = require_sequence(top_three, "top_three", length=3)
    names = tuple(_name(item, f"top_three[{i}]") for i, item in enumerate(items))
    importances = _importances()
    expected = _ranking(importances["validation"])[:3]
    if names != expected:
        full = _ranking(importances["validation"])
        if names == expected[::-1]:
            hint = "The order is reversed: most important first (sort in descending order)."
        elif set(names) == set(full[-3:]):
            hint = "Those are the three least important; sort in descending order."
        elif names == _ranking(importances["production"])[:3]:
            hint = ("That is the ranking on the production data, where the leak is 0 for every "
                    "row: shuffling a constant changes nothing. Rank on the validation data.")
        else:
            hint = ("Sort the columns by importances_mean, largest first, and take the first "
                    "three names.")
        raise Fail(f"top_three is {list(names)}; that is not the ranking on the validation "
                   "data.", hint)
    got = require_number(leak_importance, "leak_importance")
    exact = float(importances["validation"][LEAKING_COLUMN])
    if not close_at_precision(got, exact, 2):
        baseline = float(_leak_model().score(_exercise_data().X_validation,
                                             _exercise_data().y_validation))
        wrong = {"training": (importances["training"][LEAKING_COLUMN],
                              "That is the importance on the training data, which the model has "
                              "seen; measure it on the validation data."),
                 "production": (importances["production"][LEAKING_COLUMN],
                                "That is the importance on the production data, where the leak "
                                "is 0 for every row; measure it on the validation data."),
                 "percent": (100 * exact, "Give the importance as a fraction of 1, as accuracy "
                                          "is (0.27, not 27)."),
                 "shuffled": (baseline - exact, "That is the accuracy with the leak shuffled; "
                                                "the importance is the drop.")}
        named = [hint for value, hint in wrong.values()
                 if close_at_precision(got, value, 2) and not close_at_precision(value, exact, 2)]
        raise Fail(f"leak_importance is {got:.3f}; that is not the leak's mean importance on the "
                   "validation data.", named[0] if named else
                   "Read importances_mean at the leaking column's position (to two decimals).")
    name = _name(leaking_feature, "leaking_feature")
    if name != LEAKING_COLUMN:
        raise Fail(f"{name!r} is a genuine feature: the model uses it, but it keeps its value in "
                   "production.", "The leak towers over all the others in importance, and is 0 "
                   "for every row in production.")
    runner_up = expected[1]
    return (f"{LEAKING_COLUMN} dominates the importance on validation data ({exact:.2f}, "
            f"against {importances['validation'][runner_up]:.2f} for {runner_up}, the next) and "
            "is 0 for every row in production: a leak.")


@functools.lru_cache(maxsize=1)
def _production_scores() -> dict:
    data = _exercise_data()
    honest_columns = [c for c in data.X_train.columns if c != LEAKING_COLUMN]
    with_leak = _leak_model()
    without = HistGradientBoostingClassifier(random_state=0)
    without.fit(data.X_train[honest_columns], data.y_train)
    X_honest = data.X_production[honest_columns]
    return dict(
        validation=float(with_leak.score(data.X_validation, data.y_validation)),
        with_leak=float(with_leak.score(data.X_production, data.y_production)),
        without=float(without.score(X_honest, data.y_production)),
        training_with_leak=float(with_leak.score(data.X_train, data.y_train)),
        validation_without=float(without.score(data.X_validation[honest_columns],
                                               data.y_validation)),
        training_without=float(without.score(data.X_train[honest_columns], data.y_train)),
        recall_validation=float(recall_score(data.y_validation,
                                             with_leak.predict(data.X_validation))),
        recall_with_leak=float(recall_score(data.y_production,
                                            with_leak.predict(data.X_production))),
        recall_without=float(recall_score(data.y_production, without.predict(X_honest))))


def _production_accuracies() -> tuple:
    """Validation accuracy of the model with the leak, its production accuracy, and the
    production accuracy of the model without it."""
    scores = _production_scores()
    return scores["validation"], scores["with_leak"], scores["without"]


@task("5", "what the leak costs in production")
def check_production_accuracy(accuracy_with_leak, accuracy_without_leak):
    """Production accuracy of the model trained with all columns, and without the leak, each to
    two decimals.

    Classic mistakes: the validation (or training) accuracy instead of production's, the two
    models swapped, a percentage instead of a fraction, the model without the leak scored on the
    validation or training data."""
    scores = _production_scores()
    validation, with_leak, without = _production_accuracies()
    got_with = require_number(accuracy_with_leak, "production_accuracy_with_leak")
    got_without = require_number(accuracy_without_leak, "production_accuracy_without_leak")
    if got_with > 1 or got_without > 1:
        raise Fail("An accuracy is a fraction between 0 and 1.",
                   "model.score returns 0.85, not 85.")

    def named(got, exact, mistakes, fallback):
        for value, hint in mistakes:
            if close_at_precision(got, value, 2) and not close_at_precision(value, exact, 2):
                return hint
        return fallback

    if not close_at_precision(got_with, with_leak, 2):
        hint = named(got_with, with_leak, [
            (validation, "That is the accuracy on the validation data, which share the leak. "
                         "Score the model on X_production, y_production."),
            (scores["training_with_leak"], "That is the accuracy on the training data; score "
                                           "the model on X_production, y_production."),
            (without, "That is the model without the leak; the first number is the model with "
                      "it.")],
            "Fit HistGradientBoostingClassifier(random_state=0) on all columns of X_train, then "
            "score it on X_production.")
        raise Fail(f"production_accuracy_with_leak is {got_with:.3f}; that is not the "
                   "production accuracy of the model trained on all columns.", hint)
    if not close_at_precision(got_without, without, 2):
        hint = named(got_without, without, [
            (scores["validation_without"], "That is the model without the leak scored on the "
                                           "validation data; score it on production."),
            (scores["training_without"], "That is the model without the leak scored on its "
                                         "training data; score it on production.")],
            "Drop the leaking column from X_train and from X_production, refit "
            "HistGradientBoostingClassifier(random_state=0), score on production.")
        raise Fail(f"production_accuracy_without_leak is {got_without:.3f}; that is not it.",
                   hint)
    return (f"Validation promised {validation:.1%}; production gives {with_leak:.1%} with the "
            f"leak and {without:.1%} without it. The accuracy hides most of the damage: the "
            f"model with the leak finds {scores['recall_with_leak']:.0%} of the positives in "
            f"production (validation: {scores['recall_validation']:.0%}), the model without it "
            f"{scores['recall_without']:.0%}.")


# ---------------------------------------------------------------------------------------------
# Task 6: the black-box surgeon: the board's decision (6a) and your argument (6b)
# ---------------------------------------------------------------------------------------------

#: The decisions the board can take, with the task text's own words as other spellings.
DECISIONS = {
    "deploy now": ("deploy", "deploy it", "deploy it now", "yes"),
    "trial first": ("trial", "shadow trial", "shadow mode", "trial it first",
                    "prospective trial", "pilot", "pilot first"),
    "reject": ("do not deploy", "don't deploy", "dont deploy", "no", "refuse"),
}
#: The reasons a learner may give, as codes, with the task text's words as other spellings.
REASONS = {
    "higher score": ("score", "90 beats 80", "better score"),
    "cannot explain": ("no explanation", "black box", "unexplainable"),
    "unverified here": ("unverified", "not verified here", "measured elsewhere",
                        "other patients", "may not transfer"),
}
DECISION = ("trial first", "unverified here")


@task("6a", "deploy the black-box surgeon? (decision)")
def check_surgeon_decision(decision, reason):
    """The board's decision and its reason code: trial it first, because the 90% is unverified
    on the hospital's own patients.

    Classic mistakes: deploy now because 90 beats 80 (a score measured elsewhere, which task 5
    showed can collapse in production); reject because it cannot explain (a black box can still
    be audited with importance and partial dependence, and measured in a trial); the right
    decision for a reason that does not support it."""
    chosen = require_choice(decision, DECISIONS, "decision")
    why = require_choice(reason, REASONS, "reason")
    if chosen == "deploy now":
        scores = _production_scores()
        raise Fail("Deploying now trusts a 90% measured on someone else's patients.",
                   f"Task 5 showed a validation score of {scores['validation']:.0%} that fell "
                   f"to {scores['with_leak']:.0%} in production: a score transfers only to "
                   "patients like those it was measured on.")
    if chosen == "reject":
        raise Fail("Rejecting it outright gives up a surgeon that may cure 10 more patients in "
                   "100, on the ground of explanation alone.",
                   "A black box can be audited without reading it (permutation importance, "
                   "partial dependence) and measured on your own patients before anyone relies "
                   "on it.")
    if why != "unverified here":
        hint = ("A higher score is the claim to be tested, not the reason to test it."
                if why == "higher score" else
                "If it could not be trusted because it cannot explain, no trial would help; "
                "a trial answers whether the 90% holds on your patients.")
        raise Fail(f"A trial first, yes; but {why!r} is not why.", hint)
    return ("A trial first, because the 90% is unverified here: run it beside the surgeons on "
            "your own patients, audit what it relies on, and deploy only if the advantage holds.")


RUBRIC = (
    "Asks where the 90% was measured: on which patients, how recorded, and whether ours are like "
    "them (a score transfers only to the population it was measured on).",
    "Names what could make it false: a shortcut or leak in the inputs (like the chapter's "
    "referral, or task 4's leak) inflates validation scores and collapses in production.",
    "Says how to check the model without reading it: permutation importance and partial "
    "dependence on our data, and whether what it relies on makes medical sense.",
    "Proposes a prospective or shadow trial on our own patients, with the bar for deploying set "
    "in advance, and monitoring (with a clinician auditing failures) after it.",
    "Weighs what explanation is for beyond the score: trust, finding bias, debugging errors and "
    "accountability when it fails.",
)
MODEL_ANSWER = (
    "The 90% is a score on some test population; it transfers only if our patients are like "
    "those and recorded the same way. An input that carries the outcome through the way data "
    "were collected (the chapter's referral) gives a high validation score that collapses in "
    "production. Permutation importance and partial dependence let doctors check what the model "
    "relies on; a shadow trial on our own patients tells whether the advantage holds before "
    "anyone relies on it."
)

check_surgeon_argument = written_task(
    "6b", "the black-box surgeon (your argument)", rubric=RUBRIC, model_answer=MODEL_ANSWER,
    min_words=60)
