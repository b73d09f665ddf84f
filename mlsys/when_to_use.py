"""When to use ML: a hand-written rule against a learned model, drift, cost and a checklist.

Huyen (DMLS ch.1) describes ML as learning complex patterns from existing data to make
predictions on unseen data that shares those patterns, and lists when it shines (repetitive
tasks, cheap mistakes, scale, changing patterns) and when not to use it (unethical, a simpler
solution does as well, not cost-effective). This module makes each claim testable:

- `make_pattern_data`: two features in [-1, 1]; the label is 1 above a boundary that wiggles
  more as ``complexity`` grows (0 is a straight line). `predict_with_rule` is the analyst's rule
  "feature 2 above 0", exactly right at complexity 0.
- `compare_rule_and_model`, `simulate_learning_curve`: the rule against a decision tree learned
  from data, as the pattern's complexity and the amount of data grow.
- `simulate_drift`: a stream whose pattern turns a little every week (concept drift); a frozen
  rule, a frozen model and a model retrained on recent weeks. `estimate_expected_accuracy`: the
  retrained model's expected accuracy each week, free of the sampling noise of one week's
  1,000 examples, on which a retraining interval can be chosen.
- `compute_accuracy_interval`: how far an accuracy measured on n examples can be from the
  expected one by chance.
- `CostAssumptions`, `find_break_even_volume`: the yearly volume from which a model pays for
  itself. Every cost in it is an illustrative assumption, not data.
- `CRITERIA`, `USE_CASES`, `assess_use_case`: the checklist, and its widgets for the website.

Accuracy is the fraction of predictions that are right, between 0 and 1. Labels carry
``label_noise`` e: a fraction of them is flipped at random, so no predictor can exceed
``1 - e`` on average. A predictor right on a fraction a of the noiseless labels is expected to
score ``e + (1 - 2e) a`` on the noisy ones: every gap between two predictors shrinks by the
factor ``1 - 2e``.
"""

from __future__ import annotations

import functools
import html
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

import contourpy
import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.path import Path
from matplotlib.transforms import ScaledTranslation
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator, PercentFormatter
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

from mlsys._threads import one_thread
from mlsys._validate import check_number
from mlsys.drawing import cached, keep, reuse
from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate, format_count

#: Highest pattern complexity: the boundary's amplitude is 0.15 x complexity, so it stays inside
#: the [-1, 1] square.
MAX_COMPLEXITY = 6
AMPLITUDE_PER_COMPLEXITY = 0.15

#: Default share of labels flipped at random: the noise no predictor can learn.
LABEL_NOISE = 0.05

#: The model must beat the rule by this much accuracy (2 percentage points) to be worth its cost;
#: within it, the rule is "as good" and wins by being simpler. The margin is an economic choice
#: (a rule of thumb for the model's cost); statistics only confirms that test sets of 4,000
#: examples can resolve it: their 95% interval is +-0.7 points at 95% accuracy and +-1.2 at 82%
#: (`compute_accuracy_interval`).
MATCH_MARGIN = 0.02

#: z value of a two-sided 95% interval of the normal distribution.
Z_95 = 1.959963984540054

#: Leaves of at least 10 examples keep the tree from memorising the flipped labels.
MIN_SAMPLES_LEAF = 10

#: Training-set sizes of the learning curve (examples).
TRAIN_SIZES = (10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000)

N_TEST = 4_000


# ---------------------------------------------------------------------------------------------
# Data, the rule and the model
# ---------------------------------------------------------------------------------------------

def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_number("seed", seed, low=0, integer=True))


def _child_seeds(seed, n) -> list[int]:
    # Independent streams for training sets, test sets and repeats, all fixed by one seed.
    root = np.random.SeedSequence(check_number("seed", seed, low=0, integer=True))
    return [int(child.generate_state(1)[0]) for child in root.spawn(n)]


def _check_complexity(complexity) -> float:
    return check_number("complexity", complexity, low=0, high=MAX_COMPLEXITY)


def _check_noise(label_noise) -> float:
    return check_number("label_noise", label_noise, low=0, high=0.5, high_open=True,
                        unit="fraction of labels flipped")


def compute_accuracy_interval(accuracy, n_examples) -> float:
    """Return the half-width of the 95% interval of an accuracy measured on `n_examples`.

    Each example is right or wrong, so the number right is binomial: a measured accuracy
    scatters around the expected one `accuracy` with standard deviation
    ``sqrt(a (1 - a) / n)``, and 95% of measurements fall within ``1.96`` of those.

    Parameters
    ----------
    accuracy : float
        The expected accuracy, between 0 and 1.
    n_examples : int
        Examples it is measured on, ``>= 1``.

    Returns
    -------
    float
        Half-width of the interval, as a fraction (0.007 is 0.7 percentage points).

    Examples
    --------
    >>> [round(compute_accuracy_interval(a, 4_000), 4) for a in (0.95, 0.82)]
    [0.0068, 0.0119]
    """
    accuracy = check_number("accuracy", accuracy, low=0, high=1)
    n_examples = check_number("n_examples", n_examples, low=1, integer=True, unit="examples")
    return Z_95 * math.sqrt(accuracy * (1 - accuracy) / n_examples)


def _boundary(x0, complexity) -> np.ndarray:
    return AMPLITUDE_PER_COMPLEXITY * complexity * np.sin(complexity * np.pi * x0)


def _flip(rng, y, label_noise) -> np.ndarray:
    flipped = rng.random(y.shape) < label_noise
    return np.where(flipped, 1 - y, y)


def make_pattern_data(n_samples, complexity, *, label_noise=LABEL_NOISE, seed=0) -> tuple:
    """Draw examples whose label follows a pattern of the given complexity.

    Features ``x0, x1`` are uniform in [-1, 1]. The label is 1 when ``x1`` lies above the
    boundary ``0.15 * complexity * sin(complexity * pi * x0)``, then a fraction `label_noise` of
    labels is flipped. Complexity 0 is the straight line ``x1 = 0``; each step adds a wiggle and
    makes the wiggles taller.

    Parameters
    ----------
    n_samples : int
        Number of examples, ``>= 1``.
    complexity : float
        How complex the pattern is, ``0 <= complexity <= 6``.
    label_noise : float, default 0.05
        Fraction of labels flipped at random, ``0 <= label_noise < 0.5``.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2)
        The features.
    y : numpy.ndarray of shape (n_samples,)
        The labels, 0 or 1.

    Examples
    --------
    >>> X, y = make_pattern_data(1_000, complexity=0, label_noise=0.0)
    >>> X.shape, bool(np.all(y == (X[:, 1] > 0)))
    ((1000, 2), True)
    """
    n_samples = check_number("n_samples", n_samples, low=1, integer=True, unit="examples")
    complexity = _check_complexity(complexity)
    label_noise = _check_noise(label_noise)
    rng = _rng(seed)
    X = rng.uniform(-1, 1, size=(n_samples, 2))
    y = (X[:, 1] > _boundary(X[:, 0], complexity)).astype(int)
    return X, _flip(rng, y, label_noise)


def _check_features(X) -> np.ndarray:
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("X must be an array of numbers of shape (n_examples, 2); "
                        f"got {type(X).__name__}") from None
    if X.ndim != 2 or X.shape[1] != 2 or X.shape[0] < 1:
        raise ValueError("X must be an array of shape (n_examples, 2), as made by "
                         f"make_pattern_data; got shape {X.shape}")
    return X


def predict_with_rule(X, threshold=0.0) -> np.ndarray:
    """Apply the hand-written rule: predict 1 when feature 2 is above `threshold`.

    This is the rule an analyst writes after one look at the data. At complexity 0 it is the
    pattern itself.

    Parameters
    ----------
    X : array-like of shape (n_examples, 2)
        Features, as made by `make_pattern_data`.
    threshold : float, default 0.0
        The rule's cut-off on feature 2, between -1 and 1.

    Returns
    -------
    numpy.ndarray of shape (n_examples,)
        Predicted labels, 0 or 1.

    Examples
    --------
    >>> predict_with_rule([[0.3, -0.2], [0.3, 0.5]])
    array([0, 1])
    """
    X = _check_features(X)
    threshold = check_number("threshold", threshold, low=-1, high=1)
    return (X[:, 1] > threshold).astype(int)


def compute_rule_accuracy(complexity, label_noise=LABEL_NOISE) -> float:
    """Return the rule's expected accuracy on new data, in closed form.

    At a given ``x0`` the rule is wrong on the slice of ``x1`` between 0 and the boundary: a
    fraction ``|b(x0)| / 2`` of the square's height. Averaging ``|sin|`` over ``x0`` gives the
    wrong share ``m = 0.15 c (2 floor(c) + 1 - cos(pi frac(c))) / (2 c pi)`` for ``c > 0``.
    Flipped labels turn right into wrong and back: accuracy ``= (1 - m)(1 - e) + m e``.

    Parameters
    ----------
    complexity : float
        Complexity of the pattern, ``0 <= complexity <= 6``.
    label_noise : float, default 0.05
        Fraction of labels flipped, ``0 <= label_noise < 0.5``.

    Returns
    -------
    float
        Expected accuracy of `predict_with_rule` with threshold 0, between 0 and 1.

    Examples
    --------
    >>> compute_rule_accuracy(0, label_noise=0.05)
    0.95
    >>> round(compute_rule_accuracy(3, label_noise=0.0), 3)
    0.857
    """
    complexity = _check_complexity(complexity)
    label_noise = _check_noise(label_noise)
    if complexity == 0:
        wrong = 0.0
    else:
        whole, part = divmod(complexity, 1.0)
        mean_abs_sin = (2 * whole + 1 - math.cos(math.pi * part)) / (complexity * math.pi)
        wrong = AMPLITUDE_PER_COMPLEXITY * complexity * mean_abs_sin / 2
    return (1 - wrong) * (1 - label_noise) + wrong * label_noise


def make_model(seed=0) -> DecisionTreeClassifier:
    """Return the learned model of this chapter: an unfitted decision tree.

    A decision tree learns rules from data: the same kind of if-then tests an analyst writes,
    but chosen by the algorithm to fit the examples. Leaves of at least 10 examples
    (``min_samples_leaf=10``) stop it from memorising flipped labels.

    Parameters
    ----------
    seed : int, default 0
        The tree's ``random_state`` (it breaks ties between equally good splits).

    Returns
    -------
    sklearn.tree.DecisionTreeClassifier

    Examples
    --------
    >>> make_model().min_samples_leaf
    10
    """
    seed = check_number("seed", seed, low=0, integer=True)
    return DecisionTreeClassifier(min_samples_leaf=MIN_SAMPLES_LEAF, random_state=seed)


def _accuracy(predicted, y) -> float:
    return float(np.mean(predicted == y))


def _fit_and_score(X_train, y_train, X_test, y_test, seed) -> tuple:
    # The data of `make_pattern_data` need no checks: handed as the float32 arrays that the
    # tree converts its input to, they make the same tree and predictions, sooner.
    model = make_model(seed).fit(X_train.astype(np.float32), y_train, check_input=False)
    if X_test.dtype != np.float32:
        X_test = X_test.astype(np.float32)
    return model, _accuracy(model.predict(X_test, check_input=False), y_test)


@dataclass(frozen=True, eq=False)
class Comparison:
    """The rule and a learned model, scored on the same new data."""

    complexity: float
    n_train: int               # examples the model learned from
    label_noise: float
    rule_accuracy: float       # fraction right on the test set
    model_accuracy: float
    model: DecisionTreeClassifier = field(repr=False)
    X_train: np.ndarray = field(repr=False)  # the examples the model learned from
    y_train: np.ndarray = field(repr=False)

    @property
    def winner(self) -> str:
        """``"model"`` if it beats the rule by more than `MATCH_MARGIN`, else ``"rule"``."""
        return choose_rule_or_model(self.rule_accuracy, self.model_accuracy)


def choose_rule_or_model(rule_accuracy, model_accuracy, margin=MATCH_MARGIN) -> str:
    """Return ``"model"`` if it beats the rule by more than `margin`, else ``"rule"``.

    When the model is not clearly better, the rule wins: it is cheaper to build and run,
    needs no data and no retraining, and anyone can read it.

    Parameters
    ----------
    rule_accuracy, model_accuracy : float
        Accuracies on the same new data, between 0 and 1.
    margin : float, default 0.02
        How much better the model must be (2 percentage points), between 0 and 1.

    Returns
    -------
    str
        ``"model"`` or ``"rule"``.

    Examples
    --------
    >>> choose_rule_or_model(0.94, 0.95), choose_rule_or_model(0.82, 0.90)
    ('rule', 'model')
    """
    rule_accuracy = check_number("rule_accuracy", rule_accuracy, low=0, high=1)
    model_accuracy = check_number("model_accuracy", model_accuracy, low=0, high=1)
    margin = check_number("margin", margin, low=0, high=1)
    # Rounded: a gap of exactly the margin (0.92 - 0.90) must not win on floating-point noise.
    return "model" if round(model_accuracy - rule_accuracy, 12) > margin else "rule"


def compare_rule_and_model(complexity, n_train, *, label_noise=LABEL_NOISE, n_test=N_TEST,
                           seed=0) -> Comparison:
    """Fit the model on `n_train` examples and score it and the rule on `n_test` new ones.

    Parameters
    ----------
    complexity : float
        Complexity of the pattern, ``0 <= complexity <= 6``.
    n_train : int
        Training examples, ``>= 1``.
    label_noise : float, default 0.05
        Fraction of labels flipped, in training and test data alike, ``0 <= e < 0.5``.
    n_test : int, default 4000
        Test examples, ``>= 1``.
    seed : int, default 0
        Seed of the data (training and test sets are drawn independently from it).

    Returns
    -------
    Comparison
        Both accuracies, the verdict (`Comparison.winner`), the fitted model and its training
        data.

    Examples
    --------
    >>> simple = compare_rule_and_model(0, 1_000)
    >>> simple.winner, round(simple.rule_accuracy, 2)
    ('rule', 0.95)
    >>> compare_rule_and_model(4, 1_000).winner
    'model'
    """
    complexity = _check_complexity(complexity)
    n_train = check_number("n_train", n_train, low=1, integer=True, unit="examples")
    n_test = check_number("n_test", n_test, low=1, integer=True, unit="examples")
    label_noise = _check_noise(label_noise)
    train_seed, test_seed = _child_seeds(seed, 2)
    X, y = make_pattern_data(n_train, complexity, label_noise=label_noise, seed=train_seed)
    X_test, y_test = make_pattern_data(n_test, complexity, label_noise=label_noise,
                                       seed=test_seed)
    model, model_accuracy = _fit_and_score(X, y, X_test, y_test, seed=0)
    rule_accuracy = _accuracy(predict_with_rule(X_test), y_test)
    return Comparison(complexity, n_train, label_noise, rule_accuracy, model_accuracy, model,
                      X, y)


# ---------------------------------------------------------------------------------------------
# How much data: the learning curve
# ---------------------------------------------------------------------------------------------

class _LookupTable:
    """A system that stores examples but cannot learn: a table of past inputs and answers.

    Asked about an input it has stored, it returns the stored answer; asked about any other,
    it has nothing to go on and returns the most common stored answer.
    """

    def fit(self, X, y):
        X, y = np.asarray(X, dtype=float), np.asarray(y)
        self.table_ = {tuple(row): label for row, label in zip(X, y)}
        self.default_ = int(np.bincount(y.astype(int)).argmax())
        return self

    def predict(self, X):
        return np.array([self.table_.get(tuple(row), self.default_)
                         for row in np.asarray(X, dtype=float)])


def compare_memory_and_learning(complexity=3, n_train=1_000, *, label_noise=LABEL_NOISE,
                                n_test=N_TEST, seed=0) -> dict:
    """Score a system that can learn and one that can only store, with and without a pattern.

    "A pattern exists" is a property of the data; "the system can learn" is a property of the
    system. This crosses the two: a lookup table of the training examples (it answers stored
    inputs exactly and new ones with the most common label) and the chapter's decision tree,
    each trained on data with the pattern of `complexity` and on the same data with the labels
    shuffled (no pattern left), each scored on new examples.

    Parameters
    ----------
    complexity : float, default 3
        Complexity of the pattern, ``0 <= complexity <= 6``.
    n_train : int, default 1000
        Training examples, ``>= 2``.
    label_noise : float, default 0.05
        Fraction of labels flipped, ``0 <= label_noise < 0.5``.
    n_test : int, default 4000
        New examples each system is scored on, ``>= 1``.
    seed : int, default 0
        Seed of the data and of the shuffle.

    Returns
    -------
    dict
        ``(data, system) -> accuracy on new data``, for data ``"pattern"`` or ``"shuffled"``
        and system ``"lookup"`` or ``"tree"``, plus ``("pattern", "lookup on seen")``: the
        lookup table's accuracy on its own training inputs.

    Examples
    --------
    >>> scores = compare_memory_and_learning(seed=0)
    >>> scores[("pattern", "lookup on seen")], scores[("pattern", "tree")] > 0.8
    (1.0, True)
    """
    complexity = _check_complexity(complexity)
    n_train = check_number("n_train", n_train, low=2, integer=True, unit="examples")
    n_test = check_number("n_test", n_test, low=1, integer=True, unit="examples")
    label_noise = _check_noise(label_noise)
    train_seed, test_seed, shuffle_seed = _child_seeds(seed, 3)
    X, y = make_pattern_data(n_train, complexity, label_noise=label_noise, seed=train_seed)
    X_test, y_test = make_pattern_data(n_test, complexity, label_noise=label_noise,
                                       seed=test_seed)
    y_shuffled = np.random.default_rng(shuffle_seed).permutation(y)
    scores = {}
    for data, labels in (("pattern", y), ("shuffled", y_shuffled)):
        lookup = _LookupTable().fit(X, labels)
        tree = make_model().fit(X, labels)
        scores[(data, "lookup")] = _accuracy(lookup.predict(X_test), y_test)
        scores[(data, "tree")] = _accuracy(tree.predict(X_test), y_test)
        if data == "pattern":
            scores[(data, "lookup on seen")] = _accuracy(lookup.predict(X), labels)
    return scores


@dataclass(frozen=True, eq=False)
class LearningCurve:
    """The model's accuracy against training-set size, with the rule's for reference."""

    complexity: float
    label_noise: float
    train_sizes: np.ndarray      # examples, increasing
    rule_accuracy: float         # on the shared test set
    model_accuracy: np.ndarray = field(repr=False)  # shape (sizes, repeats)

    @property
    def mean_model_accuracy(self) -> np.ndarray:
        """Mean accuracy over repeats, one value per training-set size."""
        return self.model_accuracy.mean(axis=1)

    def smallest_size_beating_rule(self, margin=MATCH_MARGIN):
        """Return the first size whose mean accuracy beats the rule's by more than `margin`.

        Returns None when no size does: with these data, keep the rule.
        """
        margin = check_number("margin", margin, low=0, high=1)
        beats = np.round(self.mean_model_accuracy - self.rule_accuracy, 12) > margin
        return int(self.train_sizes[np.argmax(beats)]) if beats.any() else None


def _check_sizes(train_sizes) -> np.ndarray:
    if isinstance(train_sizes, (str, bytes)) or not isinstance(train_sizes, Sequence) \
            or len(train_sizes) == 0:
        raise TypeError("train_sizes must be a non-empty sequence of integers >= 1; "
                        f"got {train_sizes!r}")
    sizes = [check_number(f"train_sizes[{i}]", n, low=1, integer=True, unit="examples")
             for i, n in enumerate(train_sizes)]
    if any(b <= a for a, b in zip(sizes, sizes[1:])):
        raise ValueError(f"train_sizes must increase; got {list(sizes)}")
    return np.array(sizes)


def simulate_learning_curve(complexity, train_sizes=TRAIN_SIZES, *, repeats=5,
                            label_noise=LABEL_NOISE, n_test=N_TEST, seed=0) -> LearningCurve:
    """Fit the model on training sets of growing size and score each on the same test set.

    Each size is repeated on `repeats` independent training sets, because a small sample can
    be lucky or unlucky. The rule needs no training: its accuracy is one number.

    Parameters
    ----------
    complexity : float
        Complexity of the pattern, ``0 <= complexity <= 6``.
    train_sizes : sequence of int, default (10, 20, 50, ..., 5000)
        Training-set sizes in examples, increasing, each ``>= 1``.
    repeats : int, default 5
        Training sets per size, ``>= 1``.
    label_noise : float, default 0.05
        Fraction of labels flipped, ``0 <= e < 0.5``.
    n_test : int, default 4000
        Test examples, ``>= 1``.
    seed : int, default 0
        Seed of all the data.

    Returns
    -------
    LearningCurve
        Accuracies per size and repeat, the rule's accuracy and
        `LearningCurve.smallest_size_beating_rule`.

    Examples
    --------
    >>> curve = simulate_learning_curve(3, train_sizes=(20, 2_000), repeats=3)
    >>> curve.mean_model_accuracy.round(2).tolist(), round(curve.rule_accuracy, 2)
    ([0.81, 0.92], 0.82)
    >>> curve.smallest_size_beating_rule()
    2000
    """
    complexity = _check_complexity(complexity)
    sizes = _check_sizes(train_sizes)
    repeats = check_number("repeats", repeats, low=1, integer=True)
    label_noise = _check_noise(label_noise)
    n_test = check_number("n_test", n_test, low=1, integer=True, unit="examples")
    test_seed, *train_seeds = _child_seeds(seed, 1 + len(sizes) * repeats)
    X_test, y_test = make_pattern_data(n_test, complexity, label_noise=label_noise,
                                       seed=test_seed)
    X_test32 = X_test.astype(np.float32)  # converted once for all the trees
    accuracy = np.empty((len(sizes), repeats))
    for i, size in enumerate(sizes):
        for r in range(repeats):
            X, y = make_pattern_data(size, complexity, label_noise=label_noise,
                                     seed=train_seeds[i * repeats + r])
            accuracy[i, r] = _fit_and_score(X, y, X_test32, y_test, seed=r)[1]
    rule_accuracy = _accuracy(predict_with_rule(X_test), y_test)
    return LearningCurve(complexity, label_noise, sizes, rule_accuracy, accuracy)


# ---------------------------------------------------------------------------------------------
# Unseen data and changing patterns: drift
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class DriftingStream:
    """Weekly batches of labelled examples whose pattern turns by a fixed angle each week.

    Week 0 is the launch data a model is first trained on; weeks 1 to n are in service.
    """

    X: np.ndarray = field(repr=False)          # shape (weeks + 1, examples per week, 2)
    y: np.ndarray = field(repr=False)          # shape (weeks + 1, examples per week)
    angle_deg: np.ndarray = field(repr=False)  # direction of the boundary each week, degrees
    drift_deg_per_week: float


def make_drifting_stream(n_weeks=52, n_per_week=1_000, *, drift_deg_per_week=1.0,
                         label_noise=LABEL_NOISE, seed=0) -> DriftingStream:
    """Draw a stream whose pattern turns a little every week (concept drift).

    In week ``t`` the label is 1 above the line through the origin at angle
    ``t * drift_deg_per_week``: the features' distribution stays the same, but what they mean
    for the label (P(y | x)) changes, which is concept drift. At week 0 the line is ``x1 = 0``,
    the rule's.

    Parameters
    ----------
    n_weeks : int, default 52
        Weeks in service, ``>= 1``.
    n_per_week : int, default 1000
        Labelled examples per week, ``>= 1``.
    drift_deg_per_week : float, default 1.0
        How fast the pattern turns, in degrees per week, ``0 <= drift <= 10``.
    label_noise : float, default 0.05
        Fraction of labels flipped, ``0 <= e < 0.5``.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    DriftingStream
        Features, labels and angle of weeks 0 (launch) to `n_weeks`.

    Examples
    --------
    >>> stream = make_drifting_stream(n_weeks=4, n_per_week=10, drift_deg_per_week=2)
    >>> stream.X.shape, stream.angle_deg.tolist()
    ((5, 10, 2), [0.0, 2.0, 4.0, 6.0, 8.0])
    """
    n_weeks = check_number("n_weeks", n_weeks, low=1, integer=True, unit="weeks")
    n_per_week = check_number("n_per_week", n_per_week, low=1, integer=True, unit="examples")
    drift = check_number("drift_deg_per_week", drift_deg_per_week, low=0, high=10,
                         unit="degrees per week")
    label_noise = _check_noise(label_noise)
    X, flip_draws = _stream_draws(n_weeks, n_per_week, seed)
    angle_deg = drift * np.arange(n_weeks + 1, dtype=float)
    return DriftingStream(X, _drift_labels(X, angle_deg, flip_draws, label_noise), angle_deg,
                          drift)


def _stream_draws(n_weeks, n_per_week, seed) -> tuple:
    # A stream's random draws, the same at every drift and label noise: its features, then
    # one uniform number per example, which flips the label when below the label noise.
    rng = _rng(seed)
    X = rng.uniform(-1, 1, size=(n_weeks + 1, n_per_week, 2))
    return X, rng.random((n_weeks + 1, n_per_week))


def _drift_labels(X, angle_deg, flip_draws, label_noise) -> np.ndarray:
    # The labels of `_stream_draws` (of one stream, or stacked), each week's at its angle.
    angle = np.deg2rad(angle_deg)[:, None]
    y = (np.cos(angle) * X[..., 1] - np.sin(angle) * X[..., 0] > 0).astype(int)
    return np.where(flip_draws < label_noise, 1 - y, y)


@dataclass(frozen=True, eq=False)
class DriftRun:
    """Weekly accuracy of a frozen rule, a frozen model and a model retrained on recent weeks."""

    drift_deg_per_week: float
    retrain_every_weeks: int
    weeks: np.ndarray                # 1 .. n_weeks
    rule_accuracy: np.ndarray = field(repr=False)
    frozen_accuracy: np.ndarray = field(repr=False)
    retrained_accuracy: np.ndarray = field(repr=False)
    retrain_weeks: np.ndarray = field(repr=False)  # weeks that started with a retrained model

    @property
    def n_retrains(self) -> int:
        """How many times the model was retrained after launch."""
        return len(self.retrain_weeks)


def _fit_linear(X, y) -> LogisticRegression:
    # liblinear runs on one thread: fastest on small data, and unslowed on a busy machine.
    return LogisticRegression(solver="liblinear").fit(X.reshape(-1, 2), y.reshape(-1))


def simulate_drift(drift_deg_per_week, retrain_every_weeks, *, n_weeks=52, n_per_week=1_000,
                   window_weeks=1, label_noise=LABEL_NOISE, seed=0) -> DriftRun:
    """Serve a drifting stream with a frozen rule, a frozen model and a retrained model.

    All three start equal in spirit: the rule is ``x1 > 0``, and both models are logistic
    regressions (the pattern is a straight line) trained on the launch week. The frozen model
    is never retrained. The other is retrained before weeks ``1 + k * retrain_every_weeks`` on
    the labelled examples of the last `window_weeks` weeks, whose labels have arrived by then.
    Each is scored on every week's examples.

    Parameters
    ----------
    drift_deg_per_week : float
        How fast the pattern turns, degrees per week, ``0 <= drift <= 10``.
    retrain_every_weeks : int
        Weeks between retrainings, ``1 <= r <= n_weeks`` (``n_weeks``: never in service).
    n_weeks : int, default 52
        Weeks in service, ``>= 1``.
    n_per_week : int, default 1000
        Labelled examples per week, ``>= 1``.
    window_weeks : int, default 1
        Recent weeks each retraining learns from, ``>= 1``.
    label_noise : float, default 0.05
        Fraction of labels flipped, ``0 <= e < 0.5``.
    seed : int, default 0
        Seed of the stream.

    Returns
    -------
    DriftRun
        Weekly accuracies (fractions) of the three predictors and the retraining weeks.

    Examples
    --------
    >>> run = simulate_drift(1.0, retrain_every_weeks=4)
    >>> run.n_retrains, f"{run.frozen_accuracy[-1]:.0%}", f"{run.retrained_accuracy[-1]:.0%}"
    (12, '68%', '92%')
    """
    n_weeks = check_number("n_weeks", n_weeks, low=1, integer=True, unit="weeks")
    retrain_every = check_number("retrain_every_weeks", retrain_every_weeks, low=1, high=n_weeks,
                                 integer=True, unit="weeks")
    window = check_number("window_weeks", window_weeks, low=1, integer=True, unit="weeks")
    stream_key = (n_weeks,
                  check_number("n_per_week", n_per_week, low=1, integer=True, unit="examples"),
                  check_number("drift_deg_per_week", drift_deg_per_week, low=0, high=10,
                               unit="degrees per week"),
                  _check_noise(label_noise), check_number("seed", seed, low=0, integer=True))
    stream = _drifting_stream(*stream_key)
    # Each model predicts all the weeks it serves at once; a week's accuracy is its share right.
    rule = np.mean((stream.X[1:, :, 1] > 0) == stream.y[1:], axis=1)  # `predict_with_rule`
    frozen = _fitted_before(stream_key, 0, 1)
    frozen_acc = _weekly_accuracy(frozen, stream, 1, n_weeks + 1)
    retrain_weeks = np.arange(1 + retrain_every, n_weeks + 1, retrain_every)
    retrained_acc = [_weekly_accuracy(frozen, stream, 1, 1 + retrain_every)]
    for week in retrain_weeks:  # retrained before `week` on the weeks whose labels are in
        model = _fitted_before(stream_key, max(0, week - window), week)
        retrained_acc.append(_weekly_accuracy(model, stream, week, week + retrain_every))
    return DriftRun(stream.drift_deg_per_week, retrain_every, np.arange(1, n_weeks + 1),
                    rule, frozen_acc, np.concatenate(retrained_acc)[:n_weeks], retrain_weeks)


@cached(maxsize=4)
def _drifting_stream(n_weeks, n_per_week, drift, label_noise, seed) -> DriftingStream:
    stream = make_drifting_stream(n_weeks, n_per_week, drift_deg_per_week=drift,
                                  label_noise=label_noise, seed=seed)
    for array in (stream.X, stream.y, stream.angle_deg):
        array.setflags(write=False)  # shared between calls
    return stream


@cached(maxsize=256)
def _fitted_before(stream_key, first, week) -> LogisticRegression:
    # The model fitted on weeks first .. week - 1 of the stream `_drifting_stream(*stream_key)`,
    # the same whatever the interval between retrainings.
    stream = _drifting_stream(*stream_key)
    return _fit_linear(stream.X[first:week], stream.y[first:week])


def _weekly_accuracy(model, stream, first, stop) -> np.ndarray:
    # The accuracy of `model` in each of the weeks first .. stop - 1 of `stream` (those there).
    X, y = stream.X[first:stop], stream.y[first:stop]
    predicted = model.predict(X.reshape(-1, 2)).reshape(y.shape)
    return np.mean(predicted == y, axis=1)


#: Side of the grid of evenly spread points on which a linear model's accuracy against the
#: noiseless pattern is measured: 64 x 64 points stand in for all of a week's traffic.
_GRID_SIDE = 64


@functools.lru_cache(maxsize=1)
def _evaluation_grid() -> np.ndarray:
    middles = (np.arange(_GRID_SIDE) + 0.5) / _GRID_SIDE * 2 - 1
    x0, x1 = np.meshgrid(middles, middles)
    return np.column_stack([x0.ravel(), x1.ravel()])


def _batch_features(X) -> tuple:
    # Per example of X (sets, n, 2): the features (x0, x1, 1), then the products the Hessian
    # sums, shape (sets, n, 6); and x0, x1 as contiguous arrays, for fast element-wise steps.
    x0, x1 = X[..., 0], X[..., 1]
    features = np.stack([x0, x1, np.ones_like(x0), x0 * x0, x0 * x1, x1 * x1], axis=2)
    return features, np.ascontiguousarray(x0), np.ascontiguousarray(x1)


def _fit_linear_batch(X, y, iterations=8, *, features=None) -> np.ndarray:
    # The model of `_fit_linear` (liblinear's L2-regularised logistic regression, C = 1, its
    # intercept regularised too) fitted to many training sets at once by Newton's method:
    # X (sets, n, 2), y (sets, n) -> coefficients (sets, 3), the last one the intercept.
    # Eight steps from zero reach the optimum to about 1e-14, far closer than liblinear's own
    # tolerance, and thousands of small fits take a fraction of a second. `features`: those
    # of `_batch_features(X)`, if already computed. Sets are fitted 32 at a time, whose
    # arrays stay in the processor's cache; each set's steps are the same in any batch.
    features = _batch_features(X) if features is None else features
    w = np.empty((len(y), 3))
    for start in range(0, len(y), 32):
        part = slice(start, start + 32)
        w[part] = _newton(*(array[part] for array in features), y[part], iterations)
    return w


def _newton(features, x0, x1, y, iterations) -> np.ndarray:
    hessian_terms = [3, 4, 0, 4, 5, 1, 0, 1, 2]  # [[x0x0, x0x1, x0], [x0x1, x1x1, x1], ...]
    w = np.zeros((len(y), 3))
    p, buffer = np.empty_like(x0), np.empty_like(x0)  # reused: no new memory at each step
    for _ in range(iterations):
        # p = 1 / (1 + exp(-(x0 w0 + x1 w1 + w2))), computed in place.
        np.multiply(x0, w[:, :1], out=p)
        p += np.multiply(x1, w[:, 1:2], out=buffer)
        p += w[:, 2:]
        np.exp(np.negative(p, out=p), out=p)
        np.divide(1, np.add(1, p, out=p), out=p)
        gradient = w + (np.subtract(p, y, out=buffer)[:, None, :] @ features[..., :3])[:, 0]
        np.subtract(1, p, out=buffer)
        sums = ((np.multiply(p, buffer, out=buffer))[:, None, :] @ features)[:, 0]
        hessian = np.eye(3) + sums[:, hessian_terms].reshape(-1, 3, 3)
        w = w - np.linalg.solve(hessian, gradient[..., None])[..., 0]
    return w


@cached(maxsize=2)
def _stream_draws_of_runs(n_weeks, n_per_week, seed, n_runs) -> tuple:
    # `_stream_draws` of the `n_runs` independent streams that `estimate_expected_accuracy`
    # averages, stacked: features (n_runs, n_weeks + 1, n_per_week, 2) and flip draws.
    draws = [_stream_draws(n_weeks, n_per_week, child) for child in _child_seeds(seed, n_runs)]
    stacked = tuple(np.stack(arrays) for arrays in zip(*draws))
    for array in stacked:
        array.setflags(write=False)  # shared between calls
    return stacked


@cached(maxsize=64)
def _training_features(n_weeks, n_per_week, window, seed, n_runs, week) -> tuple:
    # `_batch_features` of each stream's examples of weeks max(0, week - window + 1) .. week.
    first = max(0, week - window + 1)
    X = _stream_draws_of_runs(n_weeks, n_per_week, seed, n_runs)[0][:, first:week + 1]
    features = _batch_features(X.reshape(n_runs, -1, 2))
    for array in features:
        array.setflags(write=False)  # shared between calls
    return features


@cached(maxsize=4)
def _grid_truth(drift, n_weeks) -> np.ndarray:
    # The noiseless pattern of each week on the grid, 0 or 1, shape (points, n_weeks + 1).
    grid = _evaluation_grid()
    angle = np.deg2rad(drift * np.arange(n_weeks + 1, dtype=float))
    truth = (np.cos(angle) * grid[:, 1:] - np.sin(angle) * grid[:, :1] > 0).astype(np.float32)
    truth.setflags(write=False)  # shared between calls
    return truth


@cached(maxsize=256)
def _clean_accuracy_row(drift, n_weeks, n_per_week, window, label_noise, seed, n_runs, week
                        ) -> np.ndarray:
    # row[w]: the model trained on the weeks up to `week` (the last `window`), scored against
    # the noiseless pattern of week w on the grid, averaged over `n_runs` independent streams.
    # A retraining schedule needs only the rows of the weeks it retrains after.
    X, flip_draws = _stream_draws_of_runs(n_weeks, n_per_week, seed, n_runs)
    weeks = slice(max(0, week - window + 1), week + 1)
    angle_deg = drift * np.arange(n_weeks + 1, dtype=float)
    y = _drift_labels(X[:, weeks], angle_deg[weeks], flip_draws[:, weeks], label_noise)
    y = y.reshape(n_runs, -1).astype(float)
    w = _fit_linear_batch(None, y, features=_training_features(n_weeks, n_per_week, window,
                                                               seed, n_runs, week))
    grid = _evaluation_grid()
    # With a column of ones, one product gives x0 w0 + x1 w1 + w2 (the same bits as adding w2).
    predicted = (np.column_stack([grid, np.ones(len(grid))]) @ w.T > 0).astype(np.float32)
    truth = _grid_truth(drift, n_weeks)
    # Points on which model and truth agree, counted exactly: all minus those where either
    # says 1, plus twice those where both do.
    both = predicted.T @ truth
    agree = (len(grid) - predicted.sum(axis=0)[:, None] - truth.sum(axis=0) + 2 * both
             ) / len(grid)
    row = agree.mean(axis=0)
    row.setflags(write=False)  # shared between calls
    return row


def estimate_expected_accuracy(drift_deg_per_week, retrain_every_weeks, *, n_runs=20,
                               n_weeks=52, n_per_week=1_000, window_weeks=1,
                               label_noise=LABEL_NOISE, seed=0) -> np.ndarray:
    """Return the retrained model's expected accuracy in each week, free of sampling noise.

    `simulate_drift` scores each week on that week's 1,000 examples: the numbers scatter by
    about +-1.9 points around what the model is really worth (`compute_accuracy_interval`),
    so the minimum of 52 of them is mostly the unluckiest sample. Here each week's model,
    retrained on the schedule of `simulate_drift`, is scored against the noiseless pattern on
    a grid of 4,096 evenly spread points (all of the week's traffic, in effect), converted to
    noisy labels by ``e + (1 - 2e) a``, and averaged over `n_runs` independent streams, so the
    luck of one year's training sets averages out too.

    Parameters
    ----------
    drift_deg_per_week, retrain_every_weeks, n_weeks, n_per_week, window_weeks, label_noise
        As in `simulate_drift`.
    n_runs : int, default 20
        Independent streams averaged, ``>= 1``.
    seed : int, default 0
        Seed of the streams.

    Returns
    -------
    numpy.ndarray of shape (n_weeks,)
        Expected accuracy of weeks 1 to `n_weeks`, fractions between 0 and 1. Its minimum is
        the week just before a retraining when the model is stalest.

    Examples
    --------
    >>> expected = estimate_expected_accuracy(1.0, 4, n_runs=5)
    >>> f"{expected.min():.1%}", f"{expected.mean():.1%}"
    ('91.1%', '93.0%')
    """
    n_weeks = check_number("n_weeks", n_weeks, low=1, integer=True, unit="weeks")
    every = check_number("retrain_every_weeks", retrain_every_weeks, low=1, high=n_weeks,
                         integer=True, unit="weeks")
    drift = check_number("drift_deg_per_week", drift_deg_per_week, low=0, high=10,
                         unit="degrees per week")
    n_per_week = check_number("n_per_week", n_per_week, low=1, integer=True, unit="examples")
    window = check_number("window_weeks", window_weeks, low=1, integer=True, unit="weeks")
    label_noise = _check_noise(label_noise)
    n_runs = check_number("n_runs", n_runs, low=1, integer=True, unit="streams")
    seed = check_number("seed", seed, low=0, integer=True)
    weeks = np.arange(1, n_weeks + 1)
    with one_thread():  # small products, which BLAS threads would only slow down
        clean = np.array([_clean_accuracy_row(drift, n_weeks, n_per_week, window, label_noise,
                                              seed, n_runs, int(trained))[week]
                          for trained, week in zip(every * ((weeks - 1) // every), weeks)],
                         dtype=float)
    return label_noise + (1 - 2 * label_noise) * clean


# ---------------------------------------------------------------------------------------------
# Cost-effectiveness: the break-even volume
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CostAssumptions:
    """Yearly costs of serving predictions with a rule or with a model, in US dollars.

    **Every default is an illustrative assumption, not data**: replace them with your own
    figures. A year's cost of each approach is its fixed cost plus, per prediction, its chance
    of being wrong times the cost of a wrong prediction (and, for the model, a serving cost).
    """

    cost_per_error_usd: float = 1.0          # what one wrong prediction costs
    rule_error_rate: float = 0.18            # fraction of the rule's predictions that are wrong
    model_error_rate: float = 0.10
    rule_fixed_cost_usd: float = 20_000.0    # per year: writing and maintaining the rules
    model_fixed_cost_usd: float = 200_000.0  # per year: building (amortised), serving infra,
    #                                          monitoring and retraining
    model_cost_per_prediction_usd: float = 0.0001  # compute for one prediction

    def __post_init__(self):
        check_number("cost_per_error_usd", self.cost_per_error_usd, low=0, unit="USD")
        check_number("rule_error_rate", self.rule_error_rate, low=0, high=1)
        check_number("model_error_rate", self.model_error_rate, low=0, high=1)
        check_number("rule_fixed_cost_usd", self.rule_fixed_cost_usd, low=0, unit="USD per year")
        check_number("model_fixed_cost_usd", self.model_fixed_cost_usd, low=0,
                     unit="USD per year")
        check_number("model_cost_per_prediction_usd", self.model_cost_per_prediction_usd, low=0,
                     unit="USD")

    @property
    def saving_per_prediction_usd(self) -> float:
        """Expected saving of one model prediction over one rule prediction (may be < 0)."""
        error_gap = self.rule_error_rate - self.model_error_rate
        return self.cost_per_error_usd * error_gap - self.model_cost_per_prediction_usd


def _check_assumptions(assumptions) -> CostAssumptions:
    if not isinstance(assumptions, CostAssumptions):
        raise TypeError("assumptions must be a CostAssumptions(...); "
                        f"got {type(assumptions).__name__}")
    return assumptions


def compute_yearly_costs_usd(volume_per_year, assumptions=CostAssumptions()) -> tuple:
    """Return the yearly cost of the rule and of the model at a prediction volume, in USD.

    ``rule = rule_fixed + V * rule_error_rate * cost_per_error`` and
    ``model = model_fixed + V * (model_error_rate * cost_per_error + cost_per_prediction)``.

    Parameters
    ----------
    volume_per_year : float or array-like of float
        Predictions per year, each ``>= 0``.
    assumptions : CostAssumptions, default CostAssumptions()
        The (illustrative) costs and error rates.

    Returns
    -------
    rule_usd, model_usd : float or numpy.ndarray
        Yearly costs in US dollars, shaped like `volume_per_year`.

    Examples
    --------
    >>> compute_yearly_costs_usd(1_000_000)
    (200000.0, 300100.0)
    """
    assumptions = _check_assumptions(assumptions)
    if np.ndim(volume_per_year) == 0:
        volume = check_number("volume_per_year", volume_per_year, low=0,
                              unit="predictions per year")
    else:
        try:
            volume = np.asarray(volume_per_year, dtype=float)
        except (TypeError, ValueError):
            raise TypeError("volume_per_year must be a number or an array of numbers "
                            "(predictions per year)") from None
        if not np.all(np.isfinite(volume)) or volume.min(initial=0) < 0:
            raise ValueError("volume_per_year must hold finite numbers >= 0 "
                             "(predictions per year)")
    a = assumptions
    rule_usd = a.rule_fixed_cost_usd + volume * a.rule_error_rate * a.cost_per_error_usd
    model_usd = a.model_fixed_cost_usd + volume * (a.model_error_rate * a.cost_per_error_usd
                                                   + a.model_cost_per_prediction_usd)
    return rule_usd, model_usd


def find_break_even_volume(assumptions=CostAssumptions()) -> float:
    """Return the yearly prediction volume above which the model costs less than the rule.

    The two yearly costs are straight lines in the volume V; they cross at
    ``V* = (model_fixed - rule_fixed) / saving_per_prediction``. Above V* the model is
    cheaper. If the model saves nothing per prediction (its errors are not fewer enough to pay
    for serving it), it never pays for itself: the result is ``inf``. If it is also cheaper to
    run, the result is 0.

    Parameters
    ----------
    assumptions : CostAssumptions, default CostAssumptions()
        The (illustrative) costs and error rates.

    Returns
    -------
    float
        Predictions per year, ``>= 0``, or ``math.inf``.

    Examples
    --------
    >>> round(find_break_even_volume())
    2252816
    >>> find_break_even_volume(CostAssumptions(model_error_rate=0.18))
    inf
    """
    a = _check_assumptions(assumptions)
    if a.saving_per_prediction_usd <= 0:
        return math.inf
    return max(0.0, (a.model_fixed_cost_usd - a.rule_fixed_cost_usd)
               / a.saving_per_prediction_usd)


def _check_costly_one_in(costly_one_in) -> float:
    return check_number("costly_one_in", costly_one_in, low=1, unit="mistakes")


def simulate_yearly_savings_usd(volume_per_year, assumptions=CostAssumptions(), *,
                                costly_one_in=1, n_years=2_000, seed=0) -> np.ndarray:
    """Simulate many years of both systems and return the model's saving over the rule, USD.

    Each year, the rule and the model make ``Binomial(V, error_rate)`` mistakes. The cost of
    mistakes is the same on average as in `compute_yearly_costs_usd` (`cost_per_error_usd` per
    mistake), but it sits in the rare costly one: each mistake, independently with chance
    ``1 / costly_one_in``, costs ``costly_one_in * cost_per_error_usd``, and the others cost
    nothing. At ``costly_one_in=1`` every mistake costs the average; at 100,000 a year's cost
    of mistakes is a handful of disasters. Fixed and serving costs are as in
    `compute_yearly_costs_usd`.

    Parameters
    ----------
    volume_per_year : int
        Predictions per year, ``>= 0``.
    assumptions : CostAssumptions, default CostAssumptions()
        The (illustrative) costs and error rates.
    costly_one_in : float, default 1
        One mistake in this many carries the cost, ``>= 1``.
    n_years : int, default 2000
        Simulated years, ``>= 1``.
    seed : int, default 0
        Seed of the simulation.

    Returns
    -------
    numpy.ndarray
        One saving per simulated year (rule's cost minus model's cost, USD): positive when the
        model was cheaper that year. Its mean tends to ``V * saving_per_prediction_usd -
        (model_fixed - rule_fixed)`` at every `costly_one_in`; its spread grows with it.

    Examples
    --------
    >>> savings = simulate_yearly_savings_usd(10_000_000, costly_one_in=1)
    >>> round(float(savings.mean()) / 1e6, 2), bool((savings > 0).all())
    (0.62, True)
    >>> rare = simulate_yearly_savings_usd(10_000_000, costly_one_in=100_000)
    >>> round(float((rare > 0).mean()), 2)
    0.88
    """
    a = _check_assumptions(assumptions)
    volume = check_number("volume_per_year", volume_per_year, low=0, integer=True,
                          unit="predictions per year")
    costly_one_in = _check_costly_one_in(costly_one_in)
    n_years = check_number("n_years", n_years, low=1, integer=True, unit="years")
    rng = _rng(seed)
    cost_of_costly = costly_one_in * a.cost_per_error_usd
    mistakes_usd = []
    for error_rate in (a.rule_error_rate, a.model_error_rate):
        mistakes = rng.binomial(volume, error_rate, size=n_years)
        mistakes_usd.append(rng.binomial(mistakes, 1 / costly_one_in) * cost_of_costly)
    rule_usd = a.rule_fixed_cost_usd + mistakes_usd[0]
    model_usd = (a.model_fixed_cost_usd + volume * a.model_cost_per_prediction_usd
                 + mistakes_usd[1])
    return rule_usd - model_usd


#: Volumes (predictions a year) on which `plot_costly_mistakes` draws the share of good years.
COSTLY_VOLUMES = tuple(int(v) for v in np.round(np.geomspace(1e5, 1e9, 41)))


@cached(maxsize=64)
def _shares_cheaper(assumptions, costly_one_in, n_years, seed) -> np.ndarray:
    shares = np.array([np.mean(simulate_yearly_savings_usd(
        volume, assumptions, costly_one_in=costly_one_in, n_years=n_years, seed=seed) > 0)
        for volume in COSTLY_VOLUMES])
    shares.setflags(write=False)  # shared between calls
    return shares


def find_confident_volume(assumptions=CostAssumptions(), *, costly_one_in=1, share=0.95,
                          n_years=2_000, seed=0) -> float:
    """Return the smallest volume of `COSTLY_VOLUMES` from which the model is cheaper in most years.

    "Most" is `share` of the simulated years, at that volume and every larger one of the grid
    (steps of a factor 10**0.1, about 1.26). The expected break-even volume
    (`find_break_even_volume`) only says the model is cheaper *on average*.

    Parameters
    ----------
    assumptions : CostAssumptions, default CostAssumptions()
        The (illustrative) costs and error rates.
    costly_one_in : float, default 1
        One mistake in this many carries the cost, ``>= 1``.
    share : float, default 0.95
        Share of years in which the model must be cheaper, ``0 < share < 1``.
    n_years, seed
        As in `simulate_yearly_savings_usd`.

    Returns
    -------
    float
        Predictions per year, or ``math.inf`` when no volume of the grid qualifies.

    Examples
    --------
    >>> f"{find_confident_volume(costly_one_in=1):,.0f}"
    '2,511,886'
    """
    a = _check_assumptions(assumptions)
    costly_one_in = _check_costly_one_in(costly_one_in)
    share = check_number("share", share, low=0, high=1, low_open=True, high_open=True)
    n_years = check_number("n_years", n_years, low=1, integer=True, unit="years")
    check_number("seed", seed, low=0, integer=True)
    good = _shares_cheaper(a, float(costly_one_in), n_years, seed) >= share
    # The first volume from which every larger one is good too: a lucky year does not count.
    bad = np.flatnonzero(~good)
    first = 0 if bad.size == 0 else bad[-1] + 1
    return math.inf if first == len(COSTLY_VOLUMES) else float(COSTLY_VOLUMES[first])


# ---------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------

def _no_minor_ticks(ax) -> None:
    # Log axes get dozens of unlabelled minor ticks; drawing them is most of a figure's render
    # time, and an explorer renders dozens of figures.
    ax.xaxis.set_minor_locator(NullLocator())
    ax.yaxis.set_minor_locator(NullLocator())


def _percent_axis(axis) -> None:
    axis.set_major_formatter(PercentFormatter(1.0, decimals=0))


def _log_limits(sizes) -> tuple:
    # The limits autoscaling gives a log axis over `sizes` (5% margins in log space), set up
    # front so that an updated figure keeps its layout.
    low, high = float(min(sizes)), float(max(sizes))
    if low == high:
        low, high = low / 10, high * 10
    margin = (high / low) ** 0.05
    return low / margin, high * margin


def _subsets(optional) -> list:
    # Every subset of the optional legend entries, in a fixed order (all present first).
    subsets = [()]
    for index in optional:
        subsets = [s + (index,) for s in subsets] + subsets
    return [frozenset(s) for s in subsets]


def _legend_variants(ax, handles, optional, **kwargs) -> list:
    # One legend per subset of the entries that come and go (`optional`: indices into
    # `handles`), all drawn once and all but one hidden by `_show_legend`, so that an update
    # never adds or removes an artist and a missing entry leaves no gap.
    legends = []
    for present in _subsets(optional):
        chosen = [h for i, h in enumerate(handles) if i not in optional or i in present]
        legend = Legend(ax, chosen, [""] * len(chosen), **kwargs)
        ax.add_artist(legend)
        legends.append(legend)
    return legends


def _show_legend(legends, handles, optional, present, labels) -> None:
    # Show the legend of the entries in `present`, with `labels` (one per handle), which
    # the handles carry too (an absent one a label that legends leave out).
    present = frozenset(present)
    for index, (handle, label) in enumerate(zip(handles, labels)):
        handle.set_label(label if index not in optional or index in present else "_absent")
    for subset, legend in zip(_subsets(optional), legends):
        legend.set_visible(subset == present)
        if subset == present:
            shown = [i for i in range(len(labels)) if i not in optional or i in present]
            for text, index in zip(legend.texts, shown):
                text.set_text(labels[index])


def _points(gap) -> str:
    # A gap in accuracy as whole percentage points: "1 point", "12 points".
    return format_count(int(round(100 * gap)), "point")


def _describe(rule_accuracy, model_accuracy) -> str:
    gap = round(model_accuracy - rule_accuracy, 12)
    if gap > MATCH_MARGIN:
        return f"the model is better by {_points(gap)}: worth learning"
    if gap < -MATCH_MARGIN:
        return f"the rule is better by {_points(-gap)}: too little to learn from"
    return "the rule is as good: keep the simpler rule"


def _bold_title(fig, text):
    return fig.suptitle(text, x=0.01, ha="left", fontsize=11, fontweight="bold")


#: The grid on which the model's decision map is drawn: 121 x 121 points over the features.
_MAP_GRID = np.linspace(-1, 1, 121)


def _contour_path(g0, g1, z, filled) -> Path:
    # The path `contourf` (filled: the region 0.5 < z < 1.5) or `contour` (the line z = 0.5)
    # would draw, computed as they do, so that a kept contour's paths can be replaced.
    generator = contourpy.contour_generator(
        g0, g1, z, name=matplotlib.rcParams["contour.algorithm"],
        corner_mask=matplotlib.rcParams["contour.corner_mask"],
        line_type=contourpy.LineType.SeparateCode, fill_type=contourpy.FillType.OuterCode,
        chunk_size=0)
    vertices, codes = generator.filled(0.5, 1.5) if filled else generator.lines(0.5)
    if not len(vertices):
        return Path(np.empty((0, 2)))
    return Path(np.concatenate(vertices), np.concatenate(codes))


def _draw_map(ax) -> dict:
    # The static part of the map; returns its changing artists.
    g0, g1 = np.meshgrid(_MAP_GRID, _MAP_GRID)
    sketch = (g1 > 0).astype(float)  # any field will do: the update replaces the paths
    region = ax.contourf(g0, g1, sketch, levels=[0.5, 1.5], colors=[PALETTE["sky"]], alpha=0.3)
    edge = ax.contour(g0, g1, sketch, levels=[0.5], colors=[PALETTE["blue"]], linewidths=2,
                      linestyles=LINESTYLES[0])
    ones = ax.plot([], [], "^", ms=3.5, color=PALETTE["vermillion"], label="label 1")[0]
    zeros = ax.plot([], [], "o", ms=3.5, mfc="none", color=PALETTE["black"], mew=0.6,
                    alpha=0.7, label="label 0")[0]
    truth = ax.plot(_MAP_GRID, 0 * _MAP_GRID, color=PALETTE["black"], linestyle=LINESTYLES[3],
                    lw=2, label="true pattern")[0]
    ax.axhline(0, color=PALETTE["orange"], linestyle=LINESTYLES[1], lw=2.5, label="rule")
    ax.plot([], [], color=PALETTE["blue"], linestyle=LINESTYLES[0],
            label="model (shaded where it says 1)")
    ax.set(xlim=(-1, 1), ylim=(-1, 1), aspect="equal")
    ax.set_axisbelow(True)  # the shaded map redraws over the grid, not the axis over it
    title = ax.set_title("", loc="left", fontsize=10)
    decorate(ax, xlabel="feature 1", ylabel="feature 2")
    return dict(region=region, edge=edge, ones=ones, zeros=zeros, truth=truth, map_title=title)


def _update_map(kept, comparison) -> None:
    g0, g1 = np.meshgrid(_MAP_GRID, _MAP_GRID)
    predicted = comparison.model.predict(np.column_stack([g0.ravel(), g1.ravel()]))
    predicted = predicted.reshape(g0.shape).astype(float)
    kept.region.set_paths([_contour_path(g0, g1, predicted, filled=True)])
    kept.edge.set_paths([_contour_path(g0, g1, predicted, filled=False)])
    X, y = comparison.X_train[:200], comparison.y_train[:200]
    kept.ones.set_data(X[y == 1, 0], X[y == 1, 1])
    kept.zeros.set_data(X[y == 0, 0], X[y == 0, 1])
    kept.truth.set_ydata(_boundary(_MAP_GRID, comparison.complexity))
    shown = "" if comparison.n_train <= 200 else " (200 shown)"
    kept.map_title.set_text(f"{format_count(comparison.n_train, 'training example')}{shown}")


@cached(maxsize=32)
def _accuracy_by_complexity(n_train, label_noise, seed) -> tuple:
    # An explorer draws this curve once per complexity at the same n_train: compute it once.
    runs = [compare_rule_and_model(c, n_train, label_noise=label_noise, seed=seed)
            for c in range(6)]
    return tuple(r.model_accuracy for r in runs), tuple(r.rule_accuracy for r in runs)


@cached(maxsize=64)
def _comparison(complexity, n_train, label_noise, seed) -> Comparison:
    comparison = compare_rule_and_model(complexity, n_train, label_noise=label_noise, seed=seed)
    for array in (comparison.X_train, comparison.y_train):
        array.setflags(write=False)  # shared between calls
    return comparison


def plot_rule_vs_model(complexity, n_train, *, label_noise=LABEL_NOISE, seed=0, figure=None
                       ) -> Figure:
    """Show what the rule and the model predict, and their accuracy as complexity grows.

    Left: up to 200 training examples, the true pattern, the rule and the model's
    decision boundary (shaded where it predicts 1). Right: both accuracies on new data for
    integer complexities 0 to 5 at this training-set size, the chosen complexity marked.

    Parameters
    ----------
    complexity : float
        Complexity of the pattern, ``0 <= complexity <= 6``.
    n_train : int
        Training examples, ``>= 1``.
    label_noise : float, default 0.05
        Fraction of labels flipped, ``0 <= e < 0.5``.
    seed : int, default 0
        Seed of the data.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Titled with both accuracies and the verdict in words.

    Examples
    --------
    >>> fig = plot_rule_vs_model(0, 1_000)
    >>> print(fig.get_suptitle())
    Complexity 0: model 94%, rule 95% right on new data
    the rule is as good: keep the simpler rule
    """
    complexity = _check_complexity(complexity)
    n_train = check_number("n_train", n_train, low=1, integer=True, unit="examples")
    label_noise = _check_noise(label_noise)
    seed = check_number("seed", seed, low=0, integer=True)
    comparison = _comparison(complexity, n_train, label_noise, seed)
    levels = np.arange(0, 6)
    model_curve, rule_curve = _accuracy_by_complexity(comparison.n_train,
                                                      comparison.label_noise, seed)
    kept = reuse(figure, plot_rule_vs_model)
    if kept is None:
        fig, (ax_map, ax_curve) = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained",
                                               width_ratios=[1, 1.2])
        artists = _draw_map(ax_map)
        span = ax_curve.axvspan(-0.3, 0.3, color=PALETTE["black"], alpha=0.08, lw=0)
        model_line = ax_curve.plot(levels, 0 * levels + 0.5, "o", color=PALETTE["blue"],
                                   linestyle=LINESTYLES[0])[0]
        rule_line = ax_curve.plot(levels, 0 * levels + 0.5, "s", color=PALETTE["orange"],
                                  linestyle=LINESTYLES[1])[0]
        ax_curve.set(ylim=(0.45, 1.0), xticks=levels)
        ax_curve.set_axisbelow(True)  # the mark redraws over the grid, not the axis over it
        _percent_axis(ax_curve.yaxis)
        curve_title = ax_curve.set_title("", loc="left", fontsize=10)
        decorate(ax_curve, xlabel="complexity of the pattern", ylabel="right on new data")
        fig.legend(*ax_map.get_legend_handles_labels(), loc="outside lower center", ncols=5,
                   fontsize=8, handlelength=2.5)
        suptitle = _bold_title(fig, " ")
        kept = keep(fig, plot_rule_vs_model, **artists, span=span, model_line=model_line,
                    rule_line=rule_line, curve_title=curve_title, suptitle=suptitle)
    _update_map(kept, comparison)
    kept.span.set_x(complexity - 0.3)
    # Complexities 0 to 5 fill the axis; the mark of a higher one (up to 6) widens it.
    kept.span.axes.set_xlim(*((-0.4, 5.4) if complexity <= 5.1 else (-0.4, 6.4)))
    kept.model_line.set_ydata(model_curve)
    kept.rule_line.set_ydata(rule_curve)
    kept.curve_title.set_text(
        f"accuracy on new data ({format_count(comparison.n_train, 'example')})")
    kept.suptitle.set_text(f"Complexity {complexity:g}: model {comparison.model_accuracy:.0%}, "
                           f"rule {comparison.rule_accuracy:.0%} right on new data\n"
                           + _describe(comparison.rule_accuracy, comparison.model_accuracy))
    return kept.figure


@cached(maxsize=64)
def _learning_curve(complexity, train_sizes, repeats, label_noise, seed) -> LearningCurve:
    curve = simulate_learning_curve(complexity, train_sizes, repeats=repeats,
                                    label_noise=label_noise, seed=seed)
    for array in (curve.train_sizes, curve.model_accuracy):
        array.setflags(write=False)  # shared between calls
    return curve


def plot_learning_curve(complexity, label_noise=LABEL_NOISE, *, train_sizes=TRAIN_SIZES,
                        repeats=5, seed=0, figure=None) -> Figure:
    """Plot the model's accuracy against training-set size, with the rule's as a line.

    Parameters
    ----------
    complexity : float
        Complexity of the pattern, ``0 <= complexity <= 6``.
    label_noise : float, default 0.05
        Fraction of labels flipped, ``0 <= e < 0.5``.
    train_sizes, repeats, seed
        As in `simulate_learning_curve`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        The mean over repeats with their range shaded, the rule's accuracy, and in the title
        the smallest size at which the model beats the rule by more than 2 points.

    Examples
    --------
    >>> fig = plot_learning_curve(3, repeats=2)
    >>> fig.axes[0].get_title(loc="left")
    'Complexity 3, 5% noisy labels: the model wins from 500 examples'
    """
    complexity = _check_complexity(complexity)
    label_noise = _check_noise(label_noise)
    sizes = tuple(int(n) for n in _check_sizes(train_sizes))
    repeats = check_number("repeats", repeats, low=1, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    curve = _learning_curve(complexity, sizes, repeats, label_noise, seed)
    kept = reuse(figure, plot_learning_curve)
    if kept is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        x = np.array(sizes, dtype=float)
        band = ax.fill_between(x, 0 * x + 0.5, 0 * x + 0.5, color=PALETTE["sky"], alpha=0.3)
        mean = ax.plot(x, 0 * x + 0.5, "o", color=PALETTE["blue"], linestyle=LINESTYLES[0])[0]
        rule = ax.axhline(0.5, color=PALETTE["orange"], linestyle=LINESTYLES[1])
        best = ax.axhline(0.5, color=PALETTE["black"], linestyle=LINESTYLES[3], lw=1)
        crossing = ax.axvline(x[0], color=PALETTE["vermillion"], linestyle=LINESTYLES[2], lw=1.5)
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        _no_minor_ticks(ax)
        ax.set_ylim(0.45, 1.0)
        ax.set_axisbelow(True)  # the shaded range redraws over the grid, not the axis over it
        _percent_axis(ax.yaxis)
        title = ax.set_title("", loc="left")
        decorate(ax, xlabel="training examples (log scale)", ylabel="right on new data")
        legends = _legend_variants(ax, [band, mean, rule, best, crossing], [4],
                                   loc="lower right")
        kept = keep(fig, plot_learning_curve, band=band, mean=mean, rule=rule, best=best,
                    crossing=crossing, legends=legends, title=title)
    x = curve.train_sizes
    kept.band.set_data(x, curve.model_accuracy.min(axis=1), curve.model_accuracy.max(axis=1))
    kept.mean.set_data(x, curve.mean_model_accuracy)
    kept.rule.set_ydata([curve.rule_accuracy] * 2)
    kept.best.set_ydata([1 - curve.label_noise] * 2)
    kept.mean.axes.set_xlim(*_log_limits(sizes))
    crossing = curve.smallest_size_beating_rule()
    head = f"Complexity {curve.complexity:g}, {curve.label_noise:.0%} noisy labels: "
    kept.crossing.set_visible(crossing is not None)
    if crossing is None:
        title = head + "the model never beats the rule"
        beats = ""
    else:
        kept.crossing.set_xdata([crossing] * 2)
        title = head + f"the model wins from {format_count(crossing, 'example')}"
        beats = f"beats the rule from {format_count(crossing, 'example')}"
    _show_legend(kept.legends, [kept.band, kept.mean, kept.rule, kept.best, kept.crossing],
                 [4], [4] if crossing is not None else [],
                 [f"model, range of {format_count(repeats, 'repeat')}", "model, mean",
                  f"rule: {curve.rule_accuracy:.0%}",
                  f"best possible: {1 - curve.label_noise:.0%}", beats])
    kept.title.set_text(title)
    return kept.figure


def _every_weeks(n) -> str:
    return "every week" if n == 1 else f"every {format_count(n, 'week')}"


@cached(maxsize=64)
def _drift_lines(drift_deg_per_week, retrain_every_weeks, options) -> tuple:
    # The run and the expected accuracy that `plot_drift` draws, for `options` (the further
    # arguments of `simulate_drift`, as sorted (name, value) pairs).
    run = simulate_drift(drift_deg_per_week, retrain_every_weeks, **dict(options))
    expected = estimate_expected_accuracy(drift_deg_per_week, retrain_every_weeks,
                                          **dict(options))
    for array in (run.weeks, run.rule_accuracy, run.frozen_accuracy, run.retrained_accuracy,
                  run.retrain_weeks, expected):
        array.setflags(write=False)  # shared between calls
    return run, expected


def plot_drift(drift_deg_per_week, retrain_every_weeks, *, target=0.90, figure=None, **kwargs
               ) -> Figure:
    """Plot the weekly accuracy of the frozen rule, the frozen model and the retrained model.

    Each week's accuracy is measured on that week's examples, so it scatters; the retrained
    model's expected accuracy (`estimate_expected_accuracy`, same parameters) is drawn as a
    thin line with the target, and the title says whether its worst week meets the target.

    Parameters
    ----------
    drift_deg_per_week, retrain_every_weeks
        As in `simulate_drift`.
    target : float, default 0.90
        Accuracy every week must reach, between 0 and 1.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.
    **kwargs
        Further arguments of `simulate_drift` (``n_weeks``, ``n_per_week``, ``window_weeks``,
        ``label_noise``, ``seed``).

    Returns
    -------
    matplotlib.figure.Figure
        Titled with the expected accuracy of the retrained model's worst week.

    Examples
    --------
    >>> fig = plot_drift(1.0, 4)
    >>> print(fig.axes[0].get_title(loc="left"))
    Drift 1°/week, retrained every 4 weeks:
    the worst week is expected at 91.1%, above the 90% target
    """
    target = check_number("target", target, low=0, high=1)
    drift_deg_per_week = check_number("drift_deg_per_week", drift_deg_per_week, low=0, high=10,
                                      unit="degrees per week")
    retrain_every_weeks = check_number("retrain_every_weeks", retrain_every_weeks, low=1,
                                       integer=True, unit="weeks")
    for name, value in kwargs.items():
        if isinstance(value, (list, dict, set, np.ndarray)):
            raise TypeError(f"{name} must be a number; got {value!r}")
    run, expected = _drift_lines(drift_deg_per_week, retrain_every_weeks,
                                 tuple(sorted(kwargs.items())))
    kept = reuse(figure, plot_drift)
    if kept is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        lines = [ax.plot([], [], color=PALETTE[colour], linestyle=LINESTYLES[style])[0]
                 for colour, style in (("blue", 0), ("vermillion", 2), ("orange", 1))]
        lines.append(ax.plot([], [], color=PALETTE["black"], lw=1, marker=".", ms=4)[0])
        lines.append(ax.axhline(0.5, color=PALETTE["black"], linestyle=LINESTYLES[3], lw=1))
        ax.set_ylim(0.3, 1.0)
        _percent_axis(ax.yaxis)
        title = ax.set_title("", loc="left")
        decorate(ax, xlabel="week in service", ylabel="right that week")
        legend = ax.legend(lines, [""] * len(lines), loc="lower left", fontsize=8)
        kept = keep(fig, plot_drift, lines=lines, legend=legend, title=title)
    every = _every_weeks(run.retrain_every_weeks)
    labels = []
    for line, accuracy, label in zip(kept.lines, (run.retrained_accuracy, run.frozen_accuracy,
                                                  run.rule_accuracy), (
            f"model retrained {every} ({format_count(run.n_retrains, 'time')})",
            "model frozen at launch", "rule written at launch")):
        line.set_data(run.weeks, accuracy)
        labels.append(f"{label}: mean {accuracy.mean():.0%}, lowest {accuracy.min():.0%}")
    kept.lines[3].set_data(run.weeks, expected)
    kept.lines[4].set_ydata([target] * 2)
    labels += [f"retrained model, expected: worst week {expected.min():.1%}",
               f"target: {target:.0%} every week"]
    _show_legend([kept.legend], kept.lines, [], [], labels)
    margin = 0.05 * max(len(run.weeks) - 1, 1)  # as autoscaling would, over weeks 1 to n
    kept.title.axes.set_xlim(1 - margin, len(run.weeks) + margin)
    verdict = "above" if expected.min() >= target else "below"
    kept.title.set_text(f"Drift {run.drift_deg_per_week:g}°/week, retrained {every}:\nthe "
                        f"worst week is expected at {expected.min():.1%}, {verdict} the "
                        f"{target:.0%} target")
    return kept.figure


def _format_usd(value) -> str:
    for limit, suffix in ((1e9, " billion"), (1e6, " million"), (1e3, "k")):
        if abs(value) >= limit:
            return f"${value / limit:.3g}{suffix}"
    return f"${value:.3g}"


def _format_count(value) -> str:
    for limit, suffix in ((1e9, " billion"), (1e6, " million")):
        if value >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:,.0f}"


def _format_short(value) -> str:
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if value >= limit:
            return f"{value / limit:g}{suffix}"
    return f"{value:g}"


def plot_break_even(cost_per_error_usd=1.0, model_fixed_cost_usd=200_000.0, **assumptions
                    ) -> Figure:
    """Plot the yearly cost of the rule and of the model against prediction volume.

    Parameters
    ----------
    cost_per_error_usd : float, default 1.0
        What one wrong prediction costs, USD, ``>= 0``.
    model_fixed_cost_usd : float, default 200_000
        Yearly fixed cost of the model, USD, ``>= 0``.
    **assumptions
        Other fields of `CostAssumptions` (error rates, the rule's fixed cost, the serving
        cost). All costs are illustrative assumptions.

    Returns
    -------
    matplotlib.figure.Figure
        Both costs from 1,000 to 10 billion predictions a year on log axes, the break-even
        volume marked and stated in the title.

    Examples
    --------
    >>> fig = plot_break_even(1.0, 200_000)
    >>> fig.axes[0].get_title(loc="left")
    'The model pays for itself above 2.25 million predictions a year'
    """
    a = CostAssumptions(cost_per_error_usd=cost_per_error_usd,
                        model_fixed_cost_usd=model_fixed_cost_usd, **assumptions)
    volume = np.geomspace(1e3, 1e10, 200)
    rule_usd, model_usd = compute_yearly_costs_usd(volume, a)
    break_even = find_break_even_volume(a)
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    ax.plot(volume, rule_usd, color=PALETTE["orange"], linestyle=LINESTYLES[1],
            label=f"rule: {100 * a.rule_error_rate:.0f}% wrong, "
                  f"{_format_usd(a.rule_fixed_cost_usd)}/year")
    ax.plot(volume, model_usd, color=PALETTE["blue"], linestyle=LINESTYLES[0],
            label=f"model: {100 * a.model_error_rate:.0f}% wrong, "
                  f"{_format_usd(a.model_fixed_cost_usd)}/year")
    if math.isinf(break_even):
        title = "The model never pays for itself: it saves nothing per prediction"
    else:
        ax.axvspan(max(break_even, 1e3), 1e10, facecolor=PALETTE["green"], alpha=0.12,
                   label="model is cheaper", lw=0)
        if break_even > 1e3:
            ax.axvline(break_even, color=PALETTE["black"], linestyle=LINESTYLES[3], lw=1.5)
        title = ("The model pays for itself above "
                 f"{_format_count(break_even)} predictions a year")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(1e3, 1e10)
    _no_minor_ticks(ax)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: _format_usd(value)))
    decorate(ax, xlabel="predictions per year (log scale)",
             ylabel="cost per year (USD, log scale)", title=title)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _format_short(value)))
    ax.text(0.99, 0.03, f"illustrative costs, not data:\n{_format_usd(a.cost_per_error_usd)} "
            "per wrong prediction", transform=ax.transAxes, ha="right", va="bottom", fontsize=9,
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.8))
    ax.legend(loc="upper left")
    return fig


def _one_in(costly_one_in) -> str:
    if costly_one_in == 1:
        return "every mistake costs the average"
    return f"one mistake in {costly_one_in:,.0f} carries the cost"


#: The ticks of the savings axis; its limits are ticks too (`_savings_limits`).
_SAVINGS_TICKS = MaxNLocator(nbins=6, steps=[1, 2, 5, 10])


def _savings_limits(low, high) -> tuple:
    # The savings axis: the data's range with 5% margins, widened to the ticks around it, so
    # that nearby sliders share an axis (an axis that moves is drawn again in full).
    margin = 0.05 * max(high - low, 1e-6)
    low, high = low - margin, high + margin
    ticks = _SAVINGS_TICKS.tick_values(low, high)
    return float(ticks[ticks <= low].max()), float(ticks[ticks >= high].min())


def _count_limit(peak) -> float:
    # The top of the histogram's count axis: 1, 2 or 5 times a power of ten above its peak.
    peak = max(1.05 * peak, 10)
    power = 10.0 ** math.floor(math.log10(peak))
    return next(power * m for m in (1, 2, 5, 10) if power * m >= peak)


def plot_costly_mistakes(volume_per_year, costly_one_in, *, n_years=2_000, seed=0,
                         figure=None, **assumptions) -> Figure:
    """Plot a simulated year's saving of the model, and the share of years it is cheaper.

    Left: the histogram of the model's yearly saving over the rule at `volume_per_year`, over
    `n_years` simulated years (`simulate_yearly_savings_usd`). Right: the share of years in
    which the model is cheaper, against the volume, with the expected break-even volume and
    the volume from which the model is cheaper in 19 years of 20 (`find_confident_volume`).

    Parameters
    ----------
    volume_per_year : int
        Predictions per year, ``>= 0``.
    costly_one_in : float
        One mistake in this many carries the cost of all, ``>= 1``.
    n_years, seed
        As in `simulate_yearly_savings_usd`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.
    **assumptions
        Fields of `CostAssumptions` (illustrative costs and error rates).

    Returns
    -------
    matplotlib.figure.Figure
        Its suptitle gives the share of years in which the model is cheaper.

    Examples
    --------
    >>> fig = plot_costly_mistakes(10_000_000, 100_000)
    >>> fig.get_suptitle().splitlines()
    ['At 10 million predictions a year, one mistake in 100,000 carries the cost:', 'the model is cheaper in 88% of years']
    """
    a = CostAssumptions(**assumptions)
    volume = check_number("volume_per_year", volume_per_year, low=0, integer=True,
                          unit="predictions per year")
    costly_one_in = _check_costly_one_in(costly_one_in)
    n_years = check_number("n_years", n_years, low=1, integer=True, unit="years")
    seed = check_number("seed", seed, low=0, integer=True)
    savings = simulate_yearly_savings_usd(volume, a, costly_one_in=costly_one_in,
                                          n_years=n_years, seed=seed)
    share = float(np.mean(savings > 0))
    kept = reuse(figure, plot_costly_mistakes)
    if kept is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=(FIGSIZE[0], FIGSIZE[1] * 1.1),
                                          layout="constrained")
        # One artist for the histogram (`stairs`), its edges and counts set by each update.
        histogram = left.stairs(np.zeros(40), np.arange(41.0), fill=True,
                                facecolor=PALETTE["sky"], edgecolor=PALETTE["blue"], lw=1)
        left.axvline(0, color=PALETTE["black"], linestyle=LINESTYLES[1], lw=1.5,
                     label="break even: model cheaper to the right")
        expected_line = left.axvline(0, color=PALETTE["vermillion"], linestyle=LINESTYLES[3],
                                     lw=2, label=" ")
        left_legend = left.legend(loc="upper left", fontsize=8)
        left.set_axisbelow(True)  # the histogram redraws over the grid, not the axis over it
        left.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
        left_title = left.set_title("", loc="left")
        decorate(left, xlabel="model's saving over the rule in a year (million USD)",
                 ylabel="simulated years")
        # The count's label sits where 4-digit tick labels put it, whatever the scale, so
        # that the layout holds as the scale changes.
        left.yaxis.set_label_coords(0, 0.5, transform=left.transAxes + ScaledTranslation(
            -35 / 72, 0, fig.dpi_scale_trans))
        x = np.array(COSTLY_VOLUMES, dtype=float)
        shares_line = right.plot(x, 0 * x, color=PALETTE["blue"], linestyle=LINESTYLES[0],
                                 lw=2)[0]
        dot = right.plot([x[0]], [0], "o", ms=8, color=PALETTE["vermillion"])[0]
        break_even_line = right.axvline(x[0], color=PALETTE["black"], linestyle=LINESTYLES[1],
                                        lw=1.5)
        confident_line = right.axvline(x[0], color=PALETTE["green"], linestyle=LINESTYLES[2],
                                       lw=2)
        right.set_xscale("log")
        right.set_xlim(COSTLY_VOLUMES[0], COSTLY_VOLUMES[-1])
        _no_minor_ticks(right)
        right.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _format_short(value)))
        right.set_ylim(-0.02, 1.02)
        _percent_axis(right.yaxis)
        decorate(right, xlabel="predictions per year (log scale)",
                 ylabel="years model is cheaper", title="Share of years it is cheaper")
        right_legends = _legend_variants(
            right, [shares_line, dot, break_even_line, confident_line], [2, 3],
            loc="lower right", fontsize=8)
        suptitle = _bold_title(fig, " ")
        kept = keep(fig, plot_costly_mistakes, histogram=histogram, expected_line=expected_line,
                    left_legend=left_legend, left_title=left_title, shares_line=shares_line,
                    dot=dot, break_even_line=break_even_line, confident_line=confident_line,
                    right_legends=right_legends, suptitle=suptitle)
    millions = savings / 1e6
    counts, edges = np.histogram(millions, bins=40)
    kept.histogram.set_data(counts, edges)
    expected = (volume * a.saving_per_prediction_usd
                - (a.model_fixed_cost_usd - a.rule_fixed_cost_usd)) / 1e6
    kept.expected_line.set_xdata([expected] * 2)
    kept.expected_line.set_label(f"expected saving: {_format_usd(expected * 1e6)}")
    kept.left_legend.texts[1].set_text(kept.expected_line.get_label())
    kept.histogram.axes.set_xlim(*_savings_limits(min(edges[0], 0, expected),
                                                  max(edges[-1], 0, expected)))
    kept.histogram.axes.set_ylim(0, _count_limit(counts.max()))
    kept.left_title.set_text(f"Savings in {n_years:,} simulated years")
    shares = _shares_cheaper(a, float(costly_one_in), n_years, seed)
    kept.shares_line.set_ydata(shares)
    kept.dot.set_data([volume], [share])
    break_even = find_break_even_volume(a)
    confident = find_confident_volume(a, costly_one_in=costly_one_in, n_years=n_years,
                                      seed=seed)
    present = [i for i, v in ((2, break_even), (3, confident)) if math.isfinite(v)]
    kept.break_even_line.set_visible(math.isfinite(break_even))
    kept.confident_line.set_visible(math.isfinite(confident))
    if math.isfinite(break_even):
        kept.break_even_line.set_xdata([break_even] * 2)
    if math.isfinite(confident):
        kept.confident_line.set_xdata([confident] * 2)
    _show_legend(kept.right_legends, [kept.shares_line, kept.dot, kept.break_even_line,
                                      kept.confident_line], [2, 3], present, [
        "simulated", f"{_format_count(volume)} a year: {share:.0%}",
        f"break-even on average: {_format_count(break_even)}",
        f"cheaper in 19 years of 20: {_format_count(confident)}"])
    kept.suptitle.set_text(f"At {_format_count(volume)} predictions a year, "
                           f"{_one_in(costly_one_in)}:\nthe model is cheaper in {share:.0%} "
                           "of years")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# ML for one component: a support chatbot's question classifier
# ---------------------------------------------------------------------------------------------

#: The four intents the classifier tells apart; anything it is unsure of goes to a person.
#: Each intent has several ways to say it: the first is the obvious keyword a rule looks for.
INTENT_CUES = MappingProxyType({
    "refund": ("refund", "money back", "reimburse me", "charged twice", "return it and get paid",
               "cancel and repay"),
    "delivery": ("delivery", "where is my parcel", "not arrived yet", "tracking number",
                 "still waiting for the package", "shipping status"),
    "password": ("password", "cannot log in", "locked out", "reset my login",
                 "sign in does not work", "forgot my credentials"),
    "invoice": ("invoice", "receipt for my company", "vat number on the bill",
                "billing address wrong", "need a tax document", "copy of the bill"),
})
INTENTS = tuple(INTENT_CUES)
_OPENINGS = ("", "hi, ", "hello, ", "please help: ", "quick question, ", "urgent: ")
_MIDDLES = ("my order", "order 4471", "the blue jacket", "my account", "last week's purchase",
            "the gift I bought")
_CLOSINGS = ("", " thanks", " please", " asap", " any idea?", " what can I do?")

#: Below this confidence the chatbot hands the question to a person.
HANDOVER_CONFIDENCE = 0.6


def make_support_questions(n_questions, *, mixed_share=0.15, seed=0) -> tuple:
    """Generate support questions and the intent each one was written for.

    Each question is an opening, one of the intent's cues (the obvious keyword one time in
    six), the thing it is about and a closing. A share `mixed_share` of questions also
    mention a cue of another intent ("charged twice ... tracking number"), as real questions
    do; the intent stays the one the question was written for.

    Parameters
    ----------
    n_questions : int
        Number of questions, ``>= 1``.
    mixed_share : float, default 0.15
        Share of questions that also mention another intent's cue, between 0 and 1.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    questions : list of str
    intents : numpy.ndarray of str, one of `INTENTS` per question

    Examples
    --------
    >>> questions, intents = make_support_questions(3, seed=1)
    >>> len(questions), set(intents) <= set(INTENTS)
    (3, True)
    """
    n_questions = check_number("n_questions", n_questions, low=1, integer=True,
                               unit="questions")
    mixed_share = check_number("mixed_share", mixed_share, low=0, high=1)
    rng = _rng(seed)
    intents = rng.choice(INTENTS, size=n_questions)
    questions = []
    for intent in intents:
        cue = rng.choice(INTENT_CUES[intent])
        middle = rng.choice(_MIDDLES)
        text = f"{rng.choice(_OPENINGS)}{cue}, {middle}"
        if rng.random() < mixed_share:
            other = rng.choice([i for i in INTENTS if i != intent])
            text += f", {rng.choice(INTENT_CUES[other][1:])} too"
        questions.append(text + rng.choice(_CLOSINGS))
    return questions, intents


def classify_with_keywords(questions) -> np.ndarray:
    """The hand-written rule: the first intent whose keyword ("refund", ...) appears, else None.

    Parameters
    ----------
    questions : sequence of str

    Returns
    -------
    numpy.ndarray of object
        An intent of `INTENTS` per question, or None when no keyword appears.

    Examples
    --------
    >>> classify_with_keywords(["I want a refund", "hello"]).tolist()
    ['refund', None]
    """
    questions = _check_questions(questions)
    return np.array([next((i for i in INTENTS if INTENT_CUES[i][0] in q.lower()), None)
                     for q in questions], dtype=object)


def _check_questions(questions) -> list:
    if isinstance(questions, str) or not isinstance(questions, Sequence) or not questions \
            or not all(isinstance(q, str) for q in questions):
        raise TypeError("questions must be a non-empty list of strings; "
                        f"got {type(questions).__name__}")
    return list(questions)


def make_question_classifier():
    """Return the chatbot's one learned component, unfitted: words and word pairs -> intent.

    A TF-IDF bag of words and word pairs feeding a logistic regression, the classic text
    classifier: it learns which words point to which intent from labelled questions.

    Returns
    -------
    sklearn.pipeline.Pipeline

    Examples
    --------
    >>> [name for name, _ in make_question_classifier().steps]
    ['tfidf', 'logreg']
    """
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import Pipeline
    return Pipeline([("tfidf", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
                     ("logreg", LogisticRegression(C=10.0, solver="newton-cg", max_iter=1_000))])


@dataclass(frozen=True, eq=False)
class SupportRun:
    """The classifier and the keyword rule, scored on the same new questions."""

    n_train: int
    rule_accuracy: float        # share of questions whose keyword gives the right intent
    rule_unmatched: float       # share with no keyword at all
    model_accuracy: float       # share the classifier labels right, all questions
    handover_share: float       # share below HANDOVER_CONFIDENCE, sent to a person
    answered_accuracy: float    # share right among the questions the chatbot keeps
    model: object = field(repr=False)


def evaluate_question_classifier(n_train=400, *, n_test=2_000, threshold=HANDOVER_CONFIDENCE,
                                 seed=0) -> SupportRun:
    """Train the question classifier on `n_train` questions and score it and the keyword rule.

    Parameters
    ----------
    n_train : int, default 400
        Labelled questions to learn from, ``>= 8``.
    n_test : int, default 2000
        New questions to score on, ``>= 1``.
    threshold : float, default 0.6
        Confidence below which the chatbot hands over to a person, between 0 and 1.
    seed : int, default 0
        Seed of the questions (training and test drawn independently from it).

    Returns
    -------
    SupportRun

    Examples
    --------
    >>> run = evaluate_question_classifier(seed=0)
    >>> run.model_accuracy > run.rule_accuracy
    True
    """
    n_train = check_number("n_train", n_train, low=8, integer=True, unit="questions")
    n_test = check_number("n_test", n_test, low=1, integer=True, unit="questions")
    threshold = check_number("threshold", threshold, low=0, high=1)
    train_seed, test_seed = _child_seeds(seed, 2)
    questions, intents = make_support_questions(n_train, seed=train_seed)
    test_questions, test_intents = make_support_questions(n_test, seed=test_seed)
    model = make_question_classifier().fit(questions, intents)
    probabilities = model.predict_proba(test_questions)
    predicted = model.classes_[probabilities.argmax(axis=1)]
    kept = probabilities.max(axis=1) >= threshold
    right = predicted == test_intents
    by_rule = classify_with_keywords(test_questions)
    return SupportRun(
        n_train=n_train, rule_accuracy=float(np.mean(by_rule == test_intents)),
        rule_unmatched=float(np.mean([r is None for r in by_rule])),
        model_accuracy=float(right.mean()), handover_share=float(1 - kept.mean()),
        answered_accuracy=float(right[kept].mean()) if kept.any() else float("nan"),
        model=model)


#: What stays rules: each intent's next step, decided by policy and the order's data, not by
#: the model. The model only decides which of these applies.
REFUND_WINDOW_DAYS = 30


def answer_question(question, order, model, *, threshold=HANDOVER_CONFIDENCE) -> str:
    """Route one question: the classifier picks the intent, rules write the answer.

    Parameters
    ----------
    question : str
    order : dict
        The customer's order: ``days_since_delivery`` (int or None if not delivered),
        ``tracking`` (str) and ``total_usd`` (float).
    model : fitted classifier, as from `evaluate_question_classifier`
    threshold : float, default 0.6
        Confidence below which the question goes to a person, between 0 and 1.

    Returns
    -------
    str
        The chatbot's reply, or a handover to a person.

    Examples
    --------
    >>> run = evaluate_question_classifier(seed=0)
    >>> order = dict(days_since_delivery=12, tracking="XY123", total_usd=80.0)
    >>> answer_question("I want my money back for the jacket", order, run.model)
    'refund: within the 30-day window, $80.00 will be refunded once the item is back.'
    """
    if not isinstance(question, str) or not question.strip():
        raise TypeError(f"question must be a non-empty string; got {question!r}")
    if not isinstance(order, Mapping) or not {"days_since_delivery", "tracking",
                                              "total_usd"} <= set(order):
        raise ValueError("order must be a dict with days_since_delivery, tracking and "
                         f"total_usd; got {order!r}")
    threshold = check_number("threshold", threshold, low=0, high=1)
    probabilities = model.predict_proba([question])[0]
    if probabilities.max() < threshold:
        return "handover: a person will answer (the classifier is unsure)."
    intent = model.classes_[probabilities.argmax()]
    days = order["days_since_delivery"]
    if intent == "refund":
        if days is not None and days > REFUND_WINDOW_DAYS:
            return (f"refund: past the {REFUND_WINDOW_DAYS}-day window; a person will look at "
                    "exceptions.")
        return (f"refund: within the {REFUND_WINDOW_DAYS}-day window, "
                f"${order['total_usd']:,.2f} will be refunded once the item is back.")
    if intent == "delivery":
        if days is not None:
            return f"delivery: delivered {format_count(days, 'day')} ago (tracking {order['tracking']})."
        return f"delivery: on its way, tracking {order['tracking']}."
    if intent == "password":
        return "password: a reset link has been sent to the address on the account."
    return "invoice: the invoice is attached; change the billing details under Account."


# ---------------------------------------------------------------------------------------------
# The checklist
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Criterion:
    """One question of the checklist."""

    key: str
    group: str      # "needs" (ML requires it), "shines" (ML pays off more), "stop" (don't use ML)
    label: str
    question: str
    advice: str     # what to do when it counts against ML


CRITERIA = (
    Criterion("pattern", "needs", "A pattern to learn",
              "Do the inputs carry information about the answer, so it is not pure chance?",
              "With no pattern, a model learns noise, and more data does not help."),
    Criterion("learn", "needs", "The system can learn the goal",
              "Does the system observe the outcome it is meant to predict, so it can be "
              "trained, scored and improved on it, and not only on a proxy?",
              "Only a proxy of the goal is observed, so the model will optimise the proxy: "
              "measure the goal itself (a survey, a randomised holdout) before trusting it."),
    Criterion("complex", "needs", "Too complex to write down",
              "Would a person fail to capture the pattern in a handful of rules?",
              "Write the rule: it is cheaper to build and run, needs no data, and anyone can "
              "read it."),
    Criterion("data", "needs", "Data to learn from",
              "Are there examples of inputs with their answers, or can you collect them?",
              "Without examples there is nothing to learn: start with rules and log the "
              "outcomes, so data exist when you need them."),
    Criterion("prediction", "needs", "A prediction to make",
              "Is the answer an informed guess that can be scored later, not a calculation?",
              "If the answer can be computed exactly, compute it."),
    Criterion("same_patterns", "needs", "Future data like past data",
              "Will the inputs in use come from the same patterns as the training examples?",
              "A model is only as good as its training data is like the future: on data "
              "unlike it, expect it to fail without warning."),
    Criterion("repetitive", "shines", "Repetitive",
              "Is the same kind of prediction made again and again?",
              "A one-off decision rarely repays the cost of building a model."),
    Criterion("cheap_mistakes", "shines", "Cheap mistakes",
              "Is one wrong prediction cheap, or caught before it does harm?",
              "Mistakes are costly: keep a person in the loop or a safe fallback, and measure "
              "the worst case, not only the average."),
    Criterion("scale", "shines", "At scale",
              "Are there many predictions to make, say thousands a day or more?",
              "At low volume the model may never pay for itself: compute the break-even "
              "volume."),
    Criterion("changing", "shines", "Patterns that change",
              "Do the patterns change over time, so rules would need rewriting?",
              "The patterns are stable: a model needs rare retraining, and a rule stays right "
              "as long."),
    Criterion("unethical", "stop", "Unethical",
              "Would using ML here be unethical: unfair, invasive, or deceptive?",
              "Don't build it, however accurate it would be."),
    Criterion("simpler_works", "stop", "A simpler solution works",
              "Does something simpler (a rule, a lookup, a formula, a person) do as well?",
              "Use the simpler solution: a model adds cost and new ways to fail."),
    Criterion("not_cost_effective", "stop", "Not cost-effective",
              "Would building and running it cost more than it saves?",
              "It costs more than it saves: revisit when the volume or the cost of mistakes "
              "grows."),
)
CRITERION_KEYS = tuple(c.key for c in CRITERIA)
_BY_KEY = {c.key: c for c in CRITERIA}
GROUPS = {"needs": "What ML needs", "shines": "When ML shines",
          "stop": "When not to use ML"}


@dataclass(frozen=True)
class UseCase:
    """A use case scored against the checklist: which criteria hold, and why."""

    name: str
    task: str                         # the concrete prediction behind the business goal
    holds: frozenset                  # keys of the criteria that are true for it
    notes: Mapping = field(default_factory=dict)  # key -> why, for the answers worth a word

    @property
    def answers(self) -> dict:
        """Every criterion key mapped to True (holds) or False."""
        return {key: key in self.holds for key in CRITERION_KEYS}


@dataclass(frozen=True)
class Verdict:
    """The checklist's verdict: a level, a one-line headline and the reasons behind it."""

    level: str          # "no", "weak", "fit" or "strong"
    headline: str
    reasons: tuple      # (criterion key, sentence) pairs, the ones that decided


LEVELS = {"no": "Don't use ML", "weak": "ML could work, but the case for it is weak",
          "fit": "ML fits", "strong": "ML is a strong fit"}


def _check_answers(answers) -> dict:
    if not isinstance(answers, Mapping):
        raise TypeError("answers must be a dict of criterion key -> True/False; "
                        f"got {type(answers).__name__}")
    unknown = set(answers) - set(CRITERION_KEYS)
    if unknown:
        raise ValueError(f"answers has unknown criteria {sorted(unknown)}; the keys are "
                         f"{', '.join(CRITERION_KEYS)}")
    missing = [key for key in CRITERION_KEYS if key not in answers]
    if missing:
        raise ValueError(f"answers must answer every criterion; missing {missing}")
    for key, value in answers.items():
        if type(value).__name__ not in ("bool", "bool_"):
            raise TypeError(f"answers[{key!r}] must be True or False; got {value!r}")
    return {key: bool(answers[key]) for key in CRITERION_KEYS}


def assess_use_case(answers) -> Verdict:
    """Turn a use case's answers to the checklist into a reasoned verdict.

    Rules: any "stop" criterion that holds, or any "needs" criterion that fails, means
    **no** (whether the pattern is complex only counts if there is a pattern). One need is
    softer: when the system cannot learn the goal itself (`learn` fails, but data exist), a
    model can still be trained, on a proxy, so the case is **weak** whatever else holds.
    Otherwise the four "shines" criteria set the strength: all four **strong**, 2 or 3
    **fit**, fewer **weak**. The reasons give the advice of each criterion that decided,
    including the "shines" ones that fail, so a verdict is never only a label.

    Parameters
    ----------
    answers : dict
        Every key of `CRITERION_KEYS` mapped to True or False. For "stop" criteria, True
        means the objection applies.

    Returns
    -------
    Verdict

    Examples
    --------
    >>> answers = dict.fromkeys(CRITERION_KEYS, True)
    >>> answers.update(unethical=False, simpler_works=False, not_cost_effective=False)
    >>> assess_use_case(answers).level
    'strong'
    >>> assess_use_case({**answers, "learn": False}).level
    'weak'
    >>> verdict = assess_use_case({**answers, "data": False})
    >>> verdict.headline, [key for key, _ in verdict.reasons]
    ("Don't use ML", ['data'])
    """
    answers = _check_answers(answers)
    blocking = [c for c in CRITERIA if c.group == "stop" and answers[c.key]]
    blocking += [c for c in CRITERIA if c.group == "needs" and not answers[c.key]
                 and not (c.key == "complex" and not answers["pattern"])
                 and not (c.key == "learn" and answers["data"])]
    if blocking:
        return Verdict("no", LEVELS["no"], tuple((c.key, c.advice) for c in blocking))
    shines = [c for c in CRITERIA if c.group == "shines"]
    n_holding = sum(answers[c.key] for c in shines)
    level = "strong" if n_holding == len(shines) else "fit" if n_holding >= 2 else "weak"
    reasons = tuple((c.key, c.advice) for c in shines if not answers[c.key])
    if not answers["learn"]:
        level = "weak"
        reasons = (("learn", _BY_KEY["learn"].advice),) + reasons
    return Verdict(level, LEVELS[level], reasons)


_NEEDS = frozenset(c.key for c in CRITERIA if c.group == "needs")
_SHINES = frozenset(c.key for c in CRITERIA if c.group == "shines")


def _case(name, task, holds, **notes) -> UseCase:
    return UseCase(name, task, frozenset(holds), MappingProxyType(notes))


#: Huyen's list of use cases companies report for ML (DMLS ch.1), each made a concrete
#: prediction, then five tasks where ML is the wrong tool. The answers are the book's judgement
#: for a typical mid-sized company; a reader's context can change them.
USE_CASES = (
    _case("Detecting fraud", "Score each card payment for the risk that it is fraudulent.",
          _NEEDS | _SHINES,
          changing="Fraudsters adapt to whatever catches them, so last quarter's rules go "
                   "stale.",
          cheap_mistakes="One wrong score costs little: a blocked payment is retried, a "
                         "missed fraud is a bounded loss."),
    _case("Recommender systems", "Choose the products shown to each visitor on the home page.",
          _NEEDS | _SHINES,
          cheap_mistakes="A poor recommendation costs one ignored tile.",
          changing="Tastes, stock and seasons change every week."),
    _case("Filtering assets and content",
          "Flag spam and abusive posts before other users see them.", _NEEDS | _SHINES,
          cheap_mistakes="A wrongly hidden post can be appealed; borderline ones go to "
                         "human moderators.",
          changing="Spammers change wording as soon as a filter learns it."),
    _case("Predicting demand fluctuations",
          "Forecast next week's sales of each product in each store.", _NEEDS | _SHINES,
          scale="Thousands of products times hundreds of stores, every week.",
          cheap_mistakes="A forecast a little off means a little too much or too little "
                         "stock."),
    _case("Reducing customer churn", "Predict which subscribers will cancel next month.",
          _NEEDS | _SHINES,
          cheap_mistakes="An unneeded retention email costs almost nothing."),
    _case("Retaining customers",
          "Choose which customers get a discount to stay: those the offer would change.",
          _NEEDS | {"repetitive", "cheap_mistakes", "scale"},
          data="Needs past offers, ideally from a randomised test, to learn whom the offer "
               "changes rather than who stays anyway.",
          changing="Who responds to a discount shifts slowly."),
    _case("Increasing customer satisfaction",
          "Route each support ticket to the team that can solve it.", _NEEDS | _SHINES,
          cheap_mistakes="A misrouted ticket is forwarded: minutes lost, not customers.",
          changing="New products bring new kinds of tickets."),
    _case("Generating customer insights/intelligence",
          "Predict each customer's spending over the next year (lifetime value).",
          _NEEDS | {"repetitive", "cheap_mistakes", "scale"},
          changing="Spending habits shift slowly: retraining quarterly is enough."),
    _case("Reducing costs",
          "Predict which machines will fail soon, to service them before they break.",
          _NEEDS | {"repetitive", "scale"},
          cheap_mistakes="A missed failure can stop a production line: keep inspections as a "
                         "safety net.",
          changing="Machines wear in the same ways year after year."),
    _case("Increasing long-term customer engagement",
          "Rank each user's feed by the predicted long-term interest of each item.",
          (_NEEDS - {"learn"}) | _SHINES,
          learn="Long-term interest is not observed item by item: the feed learns from "
                "clicks and time spent, a proxy of it.",
          unethical="Not in itself, but optimising engagement alone can reward outrage or "
                    "compulsive use: measure users' long-term satisfaction too."),
    _case("Increasing conversion rates",
          "Rank search results by each product's predicted chance of purchase.",
          _NEEDS | _SHINES),
    _case("Building brand awareness", "Choose which audiences see a brand campaign's ads.",
          (_NEEDS - {"learn"}) | _SHINES,
          learn="Awareness is rarely observed per person: the model learns a proxy such as "
                "clicks, which is not the goal itself."),
    _case("Acquiring new customers", "Score sales leads by their chance to become customers.",
          _NEEDS | {"repetitive", "cheap_mistakes"},
          scale="A few hundred leads a month: check that a model pays for itself.",
          changing="What makes a good lead changes slowly."),
    _case("Increasing customer loyalty",
          "Predict which reward each loyalty-programme member is most likely to use.",
          _NEEDS | {"repetitive", "cheap_mistakes", "scale"}),
    _case("Interacting with customers",
          "Answer customers' questions in a chat window, handing hard ones to a person.",
          _NEEDS | {"repetitive", "scale", "changing"},
          cheap_mistakes="A confidently wrong answer about a price or a refund costs money "
                         "and trust: hand over to a person when unsure.",
          complex="Language is the classic pattern nobody can write down as rules."),
    _case("Improving customer experience",
          "Show each shopper an estimated delivery date at checkout.", _NEEDS | _SHINES,
          cheap_mistakes="A day off is an annoyance, not a loss."),
    _case("Internal processing automation",
          "Read the supplier, amount and due date from scanned invoices.",
          _NEEDS | {"repetitive", "scale"},
          cheap_mistakes="A wrong amount paid is costly: have a person confirm uncertain "
                         "fields.",
          changing="New suppliers bring new layouts, but slowly."),
    _case("Computing sales tax", "Compute the sales tax due on each invoice.",
          {"pattern", "learn", "data", "same_patterns", "repetitive", "scale",
           "simpler_works"},
          complex="The tax rules are published: write them down.",
          prediction="The answer is calculated, not guessed.",
          cheap_mistakes="A wrong tax amount is a legal problem."),
    _case("Predicting lottery numbers",
          "Predict next week's winning numbers from past draws.",
          {"learn", "data", "prediction", "same_patterns", "repetitive", "cheap_mistakes"},
          learn="Every draw is published: a system could learn from each one.",
          pattern="Draws are designed to be random: past draws say nothing about the next."),
    _case("Reading employees' messages",
          "Predict from employees' private messages who plans to quit, and pass them over "
          "for promotion.",
          _NEEDS | {"repetitive", "unethical"},
          unethical="Reading private messages is invasive, and penalising people for a "
                    "prediction about them is unfair."),
    _case("Forecasting a one-off merger",
          "Predict whether a planned merger with a competitor will succeed.",
          {"pattern", "learn", "complex", "prediction"},
          data="There are few comparable mergers, and each is unlike the others.",
          same_patterns="This merger will not look like past ones."),
    _case("Routing a small team's email",
          "Sort the 300 emails a year sent to a five-person team into two inboxes.",
          {"pattern", "learn", "data", "prediction", "same_patterns", "repetitive",
           "cheap_mistakes", "simpler_works", "not_cost_effective"},
          complex="Two keywords sort almost all of them.",
          simpler_works="A mail filter on two keywords, or a person, takes seconds.",
          not_cost_effective="Building and running a model costs more than the minutes it "
                             "saves."),
)


def _check_use_case(use_case) -> UseCase:
    if not isinstance(use_case, UseCase):
        raise TypeError(f"use_case must be a UseCase, such as USE_CASES[0]; "
                        f"got {type(use_case).__name__}")
    return use_case


_LEVEL_STYLE = {"no": ("✗", PALETTE["vermillion"]), "weak": ("?", PALETTE["orange"]),
                "fit": ("✓", PALETTE["sky"]), "strong": ("✓✓", PALETTE["green"])}


def render_verdict_html(use_case) -> str:
    """Return the checklist of `use_case` and its verdict as a small HTML block.

    The verdict comes first (symbol and words, so it never relies on colour), then the
    reasons, then the thirteen criteria grouped, each with ✓ (holds) or ✗ (does not) and the
    use case's note where it has one.

    Parameters
    ----------
    use_case : UseCase
        One of `USE_CASES`, or your own.

    Returns
    -------
    str
        HTML, with every text escaped.

    Examples
    --------
    >>> "Don't use ML" in render_verdict_html(USE_CASES[-1])
    True
    """
    case = _check_use_case(use_case)
    verdict = assess_use_case(case.answers)
    symbol, colour = _LEVEL_STYLE[verdict.level]
    def esc(text):
        return html.escape(text, quote=False)

    parts = [f"<div style='border-left: 6px solid {colour}; padding: 0.2em 0.8em;'>",
             f"<p style='margin: 0.2em 0'><b>{esc(case.name)}</b>: {esc(case.task)}</p>",
             f"<p style='margin: 0.2em 0; font-size: 1.15em'><b>{symbol} "
             f"{esc(verdict.headline)}.</b></p>"]
    if verdict.reasons:
        lead = "Why:" if verdict.level == "no" else "Watch out:"
        parts.append(f"<p style='margin: 0.2em 0'>{lead}</p><ul style='margin: 0.2em 0'>")
        parts += [f"<li><b>{esc(_BY_KEY[key].label)}</b>: {esc(text)}</li>"
                  for key, text in verdict.reasons]
        parts.append("</ul>")
    answers = case.answers
    for group, title in GROUPS.items():
        parts.append(f"<p style='margin: 0.5em 0 0.1em'><b>{esc(title)}</b></p>"
                     "<table style='border-collapse: collapse; margin: 0'>")
        for c in (c for c in CRITERIA if c.group == group):
            # ✓ marks an answer in ML's favour: "yes" to a need, "no" to an objection.
            favours_ml = answers[c.key] != (c.group == "stop")
            mark = ("✓ " if favours_ml else "✗ ") + ("yes" if answers[c.key] else "no")
            note = case.notes.get(c.key, "")
            parts.append(f"<tr><td style='padding: 0 0.6em; white-space: nowrap'>{mark}</td>"
                         f"<td style='padding: 0 0.6em'>{esc(c.label)}"
                         + (f" <i>({esc(note)})</i>" if note else "") + "</td></tr>")
        parts.append("</table>")
    parts.append("</div>")
    return "\n".join(parts)


def _check_use_cases(use_cases) -> tuple:
    if isinstance(use_cases, (str, bytes)) or not isinstance(use_cases, Sequence) \
            or len(use_cases) < 2:
        raise ValueError("use_cases must be a sequence of at least two UseCase; "
                         f"got {use_cases!r}")
    return tuple(_check_use_case(case) for case in use_cases)


def make_live_checklist(use_cases=USE_CASES):
    """Return checkboxes for the thirteen criteria and a verdict that updates as you tick them.

    Picking a use case fills in its answers; ticking a box recomputes the verdict with
    `assess_use_case`. It needs a running kernel, so the book leaves it off the website.

    Parameters
    ----------
    use_cases : sequence of UseCase, default USE_CASES
        Use cases offered as starting points (at least two).

    Returns
    -------
    ipywidgets.VBox

    Examples
    --------
    >>> widget = make_live_checklist()
    >>> widget.children[1].children[0].value  # "A pattern to learn" for fraud detection
    True
    """
    use_cases = _check_use_cases(use_cases)
    chooser = widgets.Dropdown(options=[(case.name, i) for i, case in enumerate(use_cases)],
                               description="start from", layout=dict(width="600px"),
                               style=dict(description_width="150px"))
    boxes = {c.key: widgets.Checkbox(description=f"{c.label}: {c.question}", indent=False,
                                     layout=dict(width="auto")) for c in CRITERIA}
    output = widgets.HTML()

    def show(_change=None):
        case = use_cases[chooser.index]
        holds = frozenset(key for key, box in boxes.items() if box.value)
        output.value = render_verdict_html(UseCase(case.name, case.task, holds))

    def load(_change=None):
        for key, value in use_cases[chooser.index].answers.items():
            boxes[key].value = value
        show()

    chooser.observe(load, names="index")
    for box in boxes.values():
        box.observe(show, names="value")
    load()
    return widgets.VBox([chooser, widgets.VBox(list(boxes.values())), output])


# ---------------------------------------------------------------------------------------------
# The checklist, answered by the chapter's simulations: routing support tickets
# ---------------------------------------------------------------------------------------------

#: Illustrative costs of routing support tickets, not data: a misrouted ticket costs an agent's
#: minutes; the model costs more to build and run than the keyword rules.
ROUTING_COSTS = MappingProxyType(dict(cost_per_error_usd=5.0, rule_fixed_cost_usd=5_000.0,
                                      model_fixed_cost_usd=20_000.0,
                                      model_cost_per_prediction_usd=0.0001))

#: "Many predictions, say thousands a day or more" (the checklist's `scale` question).
SCALE_PER_DAY = 1_000

#: The checklist answers `assess_ticket_routing` computes; the others are the use case's.
COMPUTED_CRITERIA = ("complex", "simpler_works", "data", "scale", "not_cost_effective")


@dataclass(frozen=True)
class RoutingAssessment:
    """Ticket routing scored on the checklist, with the numbers behind its computed answers."""

    tickets_per_day: float
    complexity: float
    labels_per_year: int          # every routed ticket comes back labelled by the team that solved it
    examples_needed: int | None   # to beat the rule by the margin; None: never, within 5,000
    rule_accuracy: float
    model_accuracy: float         # trained on a year's labels (at most 5,000)
    break_even_per_year: float    # tickets a year; inf when the model never pays
    answers: Mapping
    verdict: Verdict


@cached(maxsize=16)
def _routing_curve(complexity, repeats, seed) -> LearningCurve:
    curve = simulate_learning_curve(complexity, repeats=repeats, seed=seed)
    for array in (curve.train_sizes, curve.model_accuracy):
        array.setflags(write=False)  # shared between calls
    return curve


def assess_ticket_routing(tickets_per_day, complexity, *, repeats=3, seed=0) -> RoutingAssessment:
    """Answer five questions of the checklist for ticket routing from simulations, and judge it.

    The tickets' pattern is taken to behave like `make_pattern_data` at `complexity`. The
    learning curve (`simulate_learning_curve`) answers *too complex to write down* (the model
    beats the rule by the margin with at most 5,000 examples) and *a simpler solution works*
    (it never does); *data to learn from* holds when a year of tickets brings the examples the
    curve needs. The break-even volume (`find_break_even_volume`, with `ROUTING_COSTS` and the
    error rates of a model trained on a year's labels, at most 5,000) answers *not
    cost-effective*, and *at scale* means `SCALE_PER_DAY` tickets a day or more. The other
    eight answers are those of the use case *Increasing customer satisfaction* in `USE_CASES`.

    Parameters
    ----------
    tickets_per_day : float
        Tickets routed a day, ``>= 1``.
    complexity : float
        Complexity of the tickets' pattern, ``0 <= complexity <= 6``.
    repeats : int, default 3
        Training sets per size of the learning curve, ``>= 1``.
    seed : int, default 0
        Seed of the learning curve.

    Returns
    -------
    RoutingAssessment

    Examples
    --------
    >>> assess_ticket_routing(3_000, 3).verdict.headline
    'ML is a strong fit'
    >>> [key for key, _ in assess_ticket_routing(10, 3).verdict.reasons]
    ['not_cost_effective']
    """
    per_day = check_number("tickets_per_day", tickets_per_day, low=1, unit="tickets a day")
    complexity = _check_complexity(complexity)
    repeats = check_number("repeats", repeats, low=1, integer=True)
    check_number("seed", seed, low=0, integer=True)
    curve = _routing_curve(float(complexity), repeats, seed)
    labels = int(round(365 * per_day))
    needed = curve.smallest_size_beating_rule()
    trained_on = int(np.sum(curve.train_sizes <= labels)) - 1
    model_accuracy = float(curve.mean_model_accuracy[trained_on])
    costs = CostAssumptions(rule_error_rate=1 - curve.rule_accuracy,
                            model_error_rate=1 - model_accuracy, **ROUTING_COSTS)
    break_even = find_break_even_volume(costs)
    answers = dict(next(case for case in USE_CASES
                        if case.name == "Increasing customer satisfaction").answers)
    answers.update(complex=needed is not None, simpler_works=needed is None,
                   data=needed is None or labels >= needed, scale=per_day >= SCALE_PER_DAY,
                   not_cost_effective=not labels > break_even)
    return RoutingAssessment(per_day, complexity, labels, needed, curve.rule_accuracy,
                             model_accuracy, break_even, MappingProxyType(answers),
                             assess_use_case(answers))


def _tickets(per_day) -> str:
    return f"{per_day:,.0f} ticket{'' if per_day == 1 else 's'} a day"


def _routing_rows(r) -> list:
    # (criterion key, the number behind its computed answer) for the figure's checklist.
    beats = (f"the model beats the rule by more than 2 points from {r.examples_needed:,} labels"
             if r.examples_needed is not None else
             "the model never beats the rule by more than 2 points")
    data = (f"{r.labels_per_year:,} labels a year; the model needs "
            f"{r.examples_needed:,}" if r.examples_needed is not None else
            f"{r.labels_per_year:,} labels a year")
    lead = f"a year's labels put the model {_points(r.model_accuracy - r.rule_accuracy)} ahead"
    pays = (f"{lead}: it never pays" if math.isinf(r.break_even_per_year) else
            f"{lead}: it pays from {_format_count(r.break_even_per_year)} tickets a year")
    if r.model_accuracy < r.rule_accuracy:
        pays = "a year's labels leave the model behind the rule: it never pays"
    return [("complex", beats), ("simpler_works", beats), ("data", data),
            ("scale", f"{_tickets(r.tickets_per_day)}; scale means {SCALE_PER_DAY:,} or more"),
            ("not_cost_effective", pays)]


def plot_routing_checklist(tickets_per_day, complexity, *, repeats=3, seed=0, figure=None
                           ) -> Figure:
    """Plot the learning curve behind ticket routing's checklist, and its computed answers.

    Left: the model's mean accuracy against training examples, the rule's accuracy and the
    labels a year of tickets brings. Right: the five answers `assess_ticket_routing`
    computes, each with ✓ (in ML's favour) or ✗ and its number, under the verdict.

    Parameters
    ----------
    tickets_per_day, complexity, repeats, seed
        As in `assess_ticket_routing`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Its suptitle is the checklist's verdict and its first reason.

    Examples
    --------
    >>> plot_routing_checklist(10, 3).get_suptitle()
    "Don't use ML: not cost-effective (10 tickets a day, complexity 3)"
    """
    r = assess_ticket_routing(tickets_per_day, complexity, repeats=repeats, seed=seed)
    curve = _routing_curve(float(r.complexity), repeats, seed)
    kept = reuse(figure, plot_routing_checklist)
    if kept is None:
        # The answers are left out of the layout, which stays the same whatever they say:
        # the panel for them is wide enough for most (the longest run off the edge).
        fig, (left, right) = plt.subplots(1, 2, figsize=(FIGSIZE[0], FIGSIZE[1] * 1.1),
                                          layout="constrained", width_ratios=(1, 1.9))
        x = np.array(curve.train_sizes, dtype=float)
        mean = left.plot(x, 0 * x + 0.5, "o", color=PALETTE["blue"],
                         linestyle=LINESTYLES[0])[0]
        rule = left.axhline(0.5, color=PALETTE["orange"], linestyle=LINESTYLES[1])
        year = left.axvline(x[0], color=PALETTE["vermillion"], linestyle=LINESTYLES[2], lw=1.5)
        left.set_xscale("log")
        left.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _format_short(value)))
        _no_minor_ticks(left)
        left.set_ylim(0.45, 1.0)
        _percent_axis(left.yaxis)
        decorate(left, xlabel="training examples (log scale)", ylabel="right on new tickets",
                 title="Learning curve")
        legend = left.legend([mean, rule, year], ["model, mean", "", ""], loc="lower right",
                             fontsize=8)
        right.set_axis_off()
        right.set_title("Computed answers", loc="left", fontsize=10)
        rows = []
        for row in range(len(COMPUTED_CRITERIA)):
            y = 0.9 - 0.19 * row
            rows.append([right.text(0.0, y, "", fontsize=13, fontweight="bold",
                                    transform=right.transAxes, va="top"),
                         right.text(0.06, y, "", fontsize=9.5, fontweight="bold",
                                    transform=right.transAxes, va="top"),
                         right.text(0.06, y - 0.075, "", fontsize=8.5,
                                    transform=right.transAxes, va="top")])
            for text in rows[-1]:
                text.set_in_layout(False)
        suptitle = _bold_title(fig, " ")
        kept = keep(fig, plot_routing_checklist, mean=mean, rule=rule, year=year,
                    legend=legend, rows=rows, suptitle=suptitle)
    kept.mean.set_data(curve.train_sizes, curve.mean_model_accuracy)
    kept.rule.set_ydata([r.rule_accuracy] * 2)
    shown = min(r.labels_per_year, curve.train_sizes[-1])
    kept.year.set_xdata([shown] * 2)
    kept.mean.axes.set_xlim(*_log_limits(curve.train_sizes))
    _show_legend([kept.legend], [kept.mean, kept.rule, kept.year], [], [], [
        "model, mean", f"rule: {r.rule_accuracy:.0%}",
        f"a year: {r.labels_per_year:,} labels"
        + (" (off the axis)" if r.labels_per_year > shown else "")])
    for (mark, label, detail), (key, number) in zip(kept.rows, _routing_rows(r)):
        holds = r.answers[key]
        favours_ml = holds != (_BY_KEY[key].group == "stop")
        mark.set_text("✓" if favours_ml else "✗")
        mark.set_color(PALETTE["green"] if favours_ml else PALETTE["vermillion"])
        label.set_text(f"{_BY_KEY[key].label}: {'yes' if holds else 'no'}")
        detail.set_text(number)
    reason = (f": {_BY_KEY[r.verdict.reasons[0][0]].label.lower()}"
              if r.verdict.level == "no" else
              f", but not {_BY_KEY[r.verdict.reasons[0][0]].label.lower()}"
              if r.verdict.reasons else "")
    kept.suptitle.set_text(f"{r.verdict.headline}{reason} ({_tickets(r.tickets_per_day)}, "
                           f"complexity {r.complexity:g})")
    return kept.figure


def plot_learning_gap(curve, *, margin=MATCH_MARGIN, title="The model's lead over the rule"
                      ) -> Figure:
    """Plot a learning curve as the model's lead over the rule, in points, with the margin.

    Each training-set size gets the mean lead over the repeats (a dot labelled with its value,
    to 0.1 point) and the range from the worst to the best repeat (a vertical bar); a dashed
    line marks the margin the model must clear, a solid one the rule's level. The title says
    nothing of where the curve crosses the margin: the figure is for a reader to read it.

    Parameters
    ----------
    curve : LearningCurve
        From `simulate_learning_curve`.
    margin : float, default MATCH_MARGIN
        The lead the model must exceed, as a fraction (0.02 is 2 points), ``0 <= margin < 1``.
    title : str, default "The model's lead over the rule"
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> curve = simulate_learning_curve(3, train_sizes=(20, 2_000), repeats=3)
    >>> fig = plot_learning_gap(curve)
    >>> [text.get_text() for text in fig.axes[0].texts]
    ['-1.2', '+9.4']
    """
    if not isinstance(curve, LearningCurve):
        raise TypeError(f"curve must be a LearningCurve from simulate_learning_curve; "
                        f"got {type(curve).__name__}")
    margin = check_number("margin", margin, low=0, high=1, high_open=True)
    if not isinstance(title, str) or not title.strip():
        raise TypeError(f"title must be a non-empty string; got {title!r}")
    sizes = curve.train_sizes
    lead = 100 * (curve.mean_model_accuracy - curve.rule_accuracy)
    low = 100 * (curve.model_accuracy.min(axis=1) - curve.rule_accuracy)
    high = 100 * (curve.model_accuracy.max(axis=1) - curve.rule_accuracy)
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    ax.vlines(sizes, low, high, color=PALETTE["sky"], lw=6, alpha=0.6,
              label=f"range of {format_count(curve.model_accuracy.shape[1], 'repeat')}")
    ax.plot(sizes, lead, "o", color=PALETTE["blue"], linestyle=LINESTYLES[0], label="mean")
    for size, value in zip(sizes, lead):
        ax.annotate(f"{value:+.1f}", (size, value), textcoords="offset points", xytext=(8, -3),
                    fontsize=9)
    ax.axhline(100 * margin, color=PALETTE["vermillion"], linestyle=LINESTYLES[1], lw=1.5,
               label=f"margin: {100 * margin:g} points ahead")
    ax.axhline(0, color=PALETTE["black"], linestyle=LINESTYLES[0], lw=0.8,
               label="level with the rule")
    ax.set_xscale("log")
    ax.set_xticks(sizes)
    ax.set_xlim(sizes[0] / 1.4, sizes[-1] * 1.6)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    _no_minor_ticks(ax)
    decorate(ax, xlabel="training examples (log scale)",
             ylabel="model minus rule (points)", title=title)
    ax.legend(loc="upper left", fontsize=8)
    return fig
