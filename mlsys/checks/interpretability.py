"""Checks for the interpretability chapter's exercises (exercises/06_interpretability.ipynb)."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.tree import DecisionTreeClassifier

from mlsys.checks import (Fail, require_answer, require_function, require_key_ideas,
                          require_number, require_returned, require_text, task)
from sklearn.metrics import recall_score

from mlsys.interpretability import (FEATURES, compare_glass_and_black_box, compute_accuracy_drop,
                                    format_count, make_patient_data, make_shortcut)

# ---------------------------------------------------------------------------------------------
# Task 1: one repeat of permutation importance, by hand
# ---------------------------------------------------------------------------------------------

#: (feature, seed) pairs the learner's function is tried on.
DROP_CASES = (("age_years", 0), ("systolic_bp_mmhg", 1), ("postcode_digit", 2), ("smoker", 7))


@functools.lru_cache(maxsize=1)
def drop_task():
    """The fitted tree and held-out patients of task 1: ``(model, X, y)``."""
    train = make_patient_data(1_000, seed=5)
    held_out = make_patient_data(600, seed=6)
    X_train, X = train.X[list(FEATURES)], held_out.X[list(FEATURES)]
    model = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X_train, train.y)
    return model, X, held_out.y


def _drop_hint(got, expected, shuffled_accuracy) -> str:
    if np.isclose(got, -expected):
        return "The sign is reversed: importance is baseline accuracy minus shuffled accuracy."
    if np.isclose(got, shuffled_accuracy):
        return ("That is the accuracy with the column shuffled; the importance is how much "
                "accuracy *drops*: baseline minus shuffled.")
    if np.isclose(got, 0):
        return ("A drop of 0 means the shuffle changed nothing the model saw. Shuffle only the "
                "values of one column (not whole rows, and not y).")
    return ("Permute the rows of one column with np.random.default_rng(seed).permutation(len(X)), "
            "score the model on a copy of X with that column replaced, subtract from the baseline.")


@task("1", "accuracy drop by hand")
def check_accuracy_drop(function):
    """Try the learner's ``function(model, X, y, feature, seed)`` against the reference."""
    require_function(function, "accuracy_drop")
    model, X, y = drop_task()
    for feature, seed in DROP_CASES:
        X_given = X.copy()
        got = function(model, X_given, y.copy(), feature, seed)
        require_returned(got, "accuracy_drop")
        if not X_given.equals(X):
            raise Fail("accuracy_drop changed the X it was given.",
                       "Shuffle a copy (X.copy()), so that the caller's data stay intact.")
        got = require_number(got, f"the drop returned for {feature!r}")
        expected = compute_accuracy_drop(model, X, y, feature, seed=seed)
        if abs(got - expected) > 1e-9:
            shuffled = model.score(X, y) - expected
            raise Fail(f"For feature {feature!r} and seed {seed} you returned {got:.4f}; the "
                       f"accuracy drop is {expected:.4f}.", _drop_hint(got, expected, shuffled))
    return (f"It matches on all {format_count(len(DROP_CASES), 'case')}, including "
            "postcode_digit, which the tree never uses (drop 0).")


# ---------------------------------------------------------------------------------------------
# Task 2: partial dependence by hand, and what it shows
# ---------------------------------------------------------------------------------------------

#: (feature, value) pairs the learner's function is tried on.
PD_CASES = (("age_years", 30.0), ("age_years", 70.0), ("systolic_bp_mmhg", 150.0),
            ("smoker", 1), ("exercise_h_per_week", 0.0))
BP_GRID = tuple(range(100, 201, 5))  # mmHg


@functools.lru_cache(maxsize=1)
def pd_task():
    """Task 2's boosted model and 300 held-out patients: ``(model, X)``."""
    train = make_patient_data(2_000, seed=11)
    held_out = make_patient_data(300, seed=12)
    model = HistGradientBoostingClassifier(random_state=0)
    model.fit(train.X[list(FEATURES)], train.y)
    return model, held_out.X[list(FEATURES)]


def _mean_prediction(model, X, feature, value) -> float:
    return float(model.predict_proba(X.assign(**{feature: value}))[:, 1].mean())


def _bp_curve() -> np.ndarray:
    model, X = pd_task()
    return np.array([_mean_prediction(model, X, "systolic_bp_mmhg", v) for v in BP_GRID])


@task("2", "partial dependence by hand")
def check_partial_dependence(function, bp_step_mmhg):
    """The learner's ``function(model, X, feature, value)`` (mean predicted probability with the
    feature set to value) and the BP_GRID value at which the blood-pressure curve rises most."""
    require_function(function, "mean_prediction")
    model, X = pd_task()
    for feature, value in PD_CASES:
        X_given = X.copy()
        got = function(model, X_given, feature, value)
        require_returned(got, "mean_prediction")
        if not X_given.equals(X):
            raise Fail("mean_prediction changed the X it was given.",
                       "Set the feature on a copy: X.assign(**{feature: value}) or X.copy().")
        got = require_number(got, "the mean you returned")
        expected = _mean_prediction(model, X, feature, value)
        if not np.isclose(got, expected, rtol=0, atol=1e-9):
            labels = float(model.predict(X.assign(**{feature: value})).mean())
            hint = ("That is the share predicted positive (predict); average the probability of "
                    "the positive class, predict_proba(...)[:, 1]." if np.isclose(got, labels)
                    else "Set the feature to the value for every patient, then average "
                    "model.predict_proba(...)[:, 1] over all of them.")
            raise Fail(f"With {feature} = {value:g}: {got:.4f}, expected {expected:.4f}.", hint)
    step = require_number(bp_step_mmhg, "bp_step_mmhg")
    curve = _bp_curve()
    rises = np.diff(curve)
    expected = BP_GRID[int(np.argmax(rises)) + 1]
    if step != expected:
        hint = (f"{step:g} is the value before the jump; the task asks for the value the curve "
                "has risen to." if step + 5 == expected else
                "Compute the mean prediction at every value of checks.BP_GRID, then np.diff, and "
                "take the grid value just after the largest rise.")
        raise Fail(f"bp_step_mmhg is {step:g}; the curve does not rise most there.", hint)
    before, after = curve[BP_GRID.index(expected) - 1], curve[BP_GRID.index(expected)]
    return (f"The mean prediction jumps from {before:.2f} at {expected - 5} mmHg to {after:.2f} at "
            f"{expected} mmHg, nearly flat on either side: the model learned the step in risk over "
            "145 mmHg that the data were generated with.")


# ---------------------------------------------------------------------------------------------
# Task 3: the smallest tree that is good enough
# ---------------------------------------------------------------------------------------------

DEPTH_SEED = 3
TOLERANCE = 0.05  # a tree may be at most 5 percentage points less accurate than the boosted model


def smallest_good_depth() -> int:
    """The answer of task 3, from `compare_glass_and_black_box(seed=DEPTH_SEED)`."""
    result = compare_glass_and_black_box(seed=DEPTH_SEED)
    good = result.depths[result.tree_accuracy >= result.boosted_accuracy - TOLERANCE]
    return int(good.min())


@task("3", "smallest tree within 5 points")
def check_smallest_depth(depth):
    """The learner's smallest max_depth within TOLERANCE of the boosted model's accuracy."""
    answer = require_number(depth, "smallest_depth")
    result = compare_glass_and_black_box(seed=DEPTH_SEED)
    expected = smallest_good_depth()
    if answer == expected:
        index = expected - 1
        return (f"Depth {expected}: {format_count(result.tree_leaves[index], 'rule')}, "
                f"{result.tree_accuracy[index]:.1%} against the boosted model's "
                f"{result.boosted_accuracy:.1%}.")
    if answer not in result.depths:
        raise Fail(f"{answer:g} is not one of the depths compared, 1 to 10.")
    accuracy = result.tree_accuracy[int(answer) - 1]
    if answer == result.depths[np.argmax(result.tree_accuracy)]:
        raise Fail(f"Depth {answer:g} is the most accurate tree, but a smaller one is good "
                   "enough.", "The task asks for the smallest depth within 5 points, the one "
                   "with the fewest rules to read.")
    if accuracy >= result.boosted_accuracy - TOLERANCE:
        raise Fail(f"Depth {answer:g} is within 5 points, but a smaller depth is too.",
                   "Look for the smallest depth that qualifies.")
    raise Fail(f"Depth {answer:g} reaches {accuracy:.1%}, more than 5 points below the boosted "
               f"model's {result.boosted_accuracy:.1%}.",
               "Compare each tree_accuracy with boosted_accuracy - 0.05 (accuracies are "
               "fractions: 5 points is 0.05).")


# ---------------------------------------------------------------------------------------------
# Tasks 4 and 5: the anonymised data set with a leak
# ---------------------------------------------------------------------------------------------

LEAKING_COLUMN = "x5"
EXERCISE_LEAK = 0.85


@dataclass(frozen=True, eq=False)
class ExerciseData:
    """Training, validation and production data of tasks 3 and 4 (features x0 to x8)."""

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
def make_exercise_data() -> ExerciseData:
    """Eight anonymous features from `make_classification` plus a leak in column x5.

    The leak marks 85% of the positives of training and validation data with a 1 and every
    other row with a 0; in production it is 0 for every row, as a referral is before anyone
    has been referred."""
    X, y = make_classification(n_samples=6_000, n_features=8, n_informative=4, n_redundant=2,
                               flip_y=0.05, class_sep=0.8, random_state=11)
    parts = [(X[i::3], y[i::3]) for i in range(3)]
    train = _split(*parts[0], leak=EXERCISE_LEAK, seed=1)
    validation = _split(*parts[1], leak=EXERCISE_LEAK, seed=2)
    production = _split(*parts[2], leak=0.0, seed=3)
    return ExerciseData(*train, *validation, *production)


@functools.lru_cache(maxsize=1)
def _production_scores() -> tuple:
    data = make_exercise_data()
    honest_columns = [c for c in data.X_train.columns if c != LEAKING_COLUMN]
    with_leak = HistGradientBoostingClassifier(random_state=0).fit(data.X_train, data.y_train)
    without = HistGradientBoostingClassifier(random_state=0)
    without.fit(data.X_train[honest_columns], data.y_train)
    X_honest = data.X_production[honest_columns]
    return dict(
        validation=float(with_leak.score(data.X_validation, data.y_validation)),
        with_leak=float(with_leak.score(data.X_production, data.y_production)),
        without=float(without.score(X_honest, data.y_production)),
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


@task("4", "find the leaking feature")
def check_leaking_feature(name):
    """The learner names the column that leaks the label."""
    require_answer(name, "leaking_feature")
    columns = list(make_exercise_data().X_train.columns)
    if not isinstance(name, str):
        raise Fail(f"leaking_feature should be a column name such as 'x0'; got "
                   f"{type(name).__name__} {name!r}.",
                   "Column names are strings: X_train.columns lists them.")
    if name == LEAKING_COLUMN:
        return (f"{LEAKING_COLUMN} dominates the importance on validation data and is 0 for "
                "every row in production: a leak.")
    if name not in columns:
        raise Fail(f"{name!r} is not a column of the data; the columns are {columns}.")
    raise Fail(f"{name!r} is a genuine feature: the model uses it, but it keeps its value in "
               "production.", "Rank the features by permutation importance on the validation "
               "data; the leak towers over all the others.")


@task("5", "what the leak costs in production")
def check_production_accuracy(accuracy_with_leak, accuracy_without_leak):
    """Production accuracy of the model trained with all columns, and without the leak."""
    validation, with_leak, without = _production_accuracies()
    got_with = require_number(accuracy_with_leak, "production_accuracy_with_leak")
    got_without = require_number(accuracy_without_leak, "production_accuracy_without_leak")
    if got_with > 1 or got_without > 1:
        raise Fail("An accuracy is a fraction between 0 and 1.",
                   "model.score returns 0.85, not 85.")
    if abs(got_with - with_leak) > 0.005:
        if abs(got_with - validation) <= 0.005:
            hint = ("That is the accuracy on the validation data, which share the leak. "
                    "Score the model on X_production, y_production.")
        elif abs(got_with - without) <= 0.005:
            hint = "That is the model without the leak; the first number is the model with it."
        else:
            hint = ("Fit HistGradientBoostingClassifier(random_state=0) on all columns of "
                    "X_train, then score it on X_production.")
        raise Fail(f"production_accuracy_with_leak is {got_with:.3f}; that is not the "
                   "production accuracy of the model trained on all columns.", hint)
    if abs(got_without - without) > 0.005:
        raise Fail(f"production_accuracy_without_leak is {got_without:.3f}; that is not it.",
                   "Drop the leaking column from X_train and from X_production, refit "
                   "HistGradientBoostingClassifier(random_state=0), score on production.")
    scores = _production_scores()
    return (f"Validation promised {validation:.1%}; production gives {with_leak:.1%} with the "
            f"leak and {without:.1%} without it. The accuracy hides most of the damage: the "
            f"model with the leak finds {scores['recall_with_leak']:.0%} of the positives in "
            f"production (validation: {scores['recall_validation']:.0%}), the model without it "
            f"{scores['recall_without']:.0%}.")


# ---------------------------------------------------------------------------------------------
# Task 6: the black-box surgeon
# ---------------------------------------------------------------------------------------------

KEY_IDEAS = {
    "where the score was measured (population, production, test, distribution, shift)":
        ("population", "production", "test", "distribution", "shift", "patients like"),
    "what the model relies on (shortcut, leak, spurious, wrong reason, relies)":
        ("shortcut", "leak", "spurious", "wrong reason", "relies", "rely"),
    "how to check it (explanation, interpret, importance, audit, check, verify)":
        ("explan", "interpret", "importance", "audit", "check", "verif"),
}


@task("6", "the black-box surgeon (open question)")
def check_open_answer(text):
    """A written argument of at least 60 words that touches population, reliance and checking."""
    text = require_text(text, "answer_surgeon", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "A convincing answer says on whom the 90% was measured, what could make it "
        "false, and how you would find out.")
    return ("Your argument is long enough and touches where the score was measured, what the "
            "model relies on and how to check it. Compare it with the model answer in the "
            "solution notebook.")
