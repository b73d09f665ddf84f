"""Interpretability: glass boxes, black boxes, and a model that is right for the wrong reason.

The data are generated patients with a known risk of a heart condition, so every explanation can
be checked against the truth. Risk rises with age after 50, jumps when the systolic blood
pressure passes 145 mmHg, is U-shaped in body-mass index, rises for smokers over 45, falls with
exercise (with diminishing returns) and rises gently with cholesterol. The last digit of the
postcode has no effect at all.

A shortcut column, ``referred_to_specialist``, can leak the label: in a training set assembled
from a specialist clinic's records, patients found ill were referred *because* of the diagnosis,
and healthy patients were not. At prediction time nobody has been referred yet, so in production
the column is 0 for every patient.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter
from matplotlib.transforms import offset_copy
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from mlsys._threads import single_threaded
from mlsys._validate import check_number, check_samples
from mlsys.drawing import cached, keep, reuse
from mlsys.style import FIGSIZE, PALETTE, decorate, format_count

#: The genuine features, in column order, with their units in the name.
FEATURES = ("age_years", "systolic_bp_mmhg", "bmi_kg_m2", "smoker", "exercise_h_per_week",
            "cholesterol_mmol_l", "postcode_digit")
#: The column that leaks the label in training data and is 0 for everyone in production.
SHORTCUT = "referred_to_specialist"

_RISK_SCALE = 2.2  # sharpens the risk so that a good model reaches about 87% accuracy


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_number("seed", seed, low=0, integer=True))


def _check_leak(leak) -> float:
    return check_number("leak", leak, low=0, high=1, unit="probability")


def _check_columns(X) -> pd.DataFrame:
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame with the columns {FEATURES}; "
                        f"got {type(X).__name__}")
    missing = [name for name in FEATURES if name not in X.columns]
    if missing:
        raise ValueError(f"X must have the columns {FEATURES}; missing {missing}")
    return X


def compute_true_risk(X) -> np.ndarray:
    """Return each patient's true probability of the condition (the generator's ground truth).

    Parameters
    ----------
    X : pandas.DataFrame
        Patients with (at least) the columns of `FEATURES`.

    Returns
    -------
    numpy.ndarray
        One probability in (0, 1) per row. No model can beat predicting ``risk > 0.5``.

    Examples
    --------
    >>> patients = make_patient_data(3, seed=0).X
    >>> compute_true_risk(patients).round(2)
    array([0.77, 0.14, 0.03])
    """
    X = _check_columns(X)
    age, bp, bmi, smoker, exercise, cholesterol = (X[name].to_numpy() for name in FEATURES[:6])
    log_odds = (-1.2 + 0.09 * np.maximum(age - 50, 0) + 1.6 * (bp > 145)
                + 0.02 * (bmi - 27) ** 2 + 1.2 * smoker * (age > 45)
                - 1.4 * (1 - np.exp(-exercise / 3)) + 0.3 * (cholesterol - 5.2))
    return 1 / (1 + np.exp(-_RISK_SCALE * np.asarray(log_odds, dtype=float)))


def make_shortcut(y, *, leak, seed=0) -> np.ndarray:
    """Return a 0/1 referral column: 1 for a share `leak` of the positives, 0 for everyone else.

    It is recorded the way a specialist clinic's records are: a patient found to have the
    condition was referred with probability `leak`, a patient without it never was. So a 1
    always means the label is 1, and a 0 makes a 0 more likely. With ``leak=0`` the column is
    0 for everyone, as it is in production, where nobody has been referred yet.

    Parameters
    ----------
    y : sequence of 0/1
        The labels.
    leak : float
        Probability that a positive row is marked 1, ``0 <= leak <= 1``.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    numpy.ndarray of float
        The shortcut column (0.0 or 1.0), float so that every feature has the same type.

    Examples
    --------
    >>> y = [0, 1] * 5
    >>> make_shortcut(y, leak=1.0).tolist() == [float(v) for v in y]
    True
    >>> make_shortcut(y, leak=0.0).tolist() == [0.0] * 10
    True
    """
    y = check_samples("y", y)
    if not np.isin(y, (0, 1)).all():
        raise ValueError("y must hold only 0 and 1 labels")
    leak = _check_leak(leak)
    referred = (y == 1) & (_rng(seed).random(len(y)) < leak)
    return referred.astype(float)


@dataclass(frozen=True, eq=False)
class PatientData:
    """Generated patients: features, labels, and the true risk behind the labels."""

    X: pd.DataFrame = field(repr=False)     # FEATURES then SHORTCUT, all float
    y: np.ndarray = field(repr=False)       # 1 = has the condition
    risk: np.ndarray = field(repr=False)    # true probability of the condition
    leak: float = 0.0                       # share of positives that SHORTCUT marks 1


def make_patient_data(n_samples=4_000, *, leak=0.0, seed=0) -> PatientData:
    """Generate patients with a known risk, and a shortcut column that marks `leak` of positives.

    Parameters
    ----------
    n_samples : int, default 4000
        Number of patients, ``>= 1``.
    leak : float, default 0.0
        Probability that a patient with the condition has ``referred_to_specialist`` 1 (patients
        without it have 0), ``0 <= leak <= 1``: high in a training set built from a clinic's
        records, 0 in production, where the column is 0 for everyone.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    PatientData
        ``X`` (a DataFrame of floats: age in years, systolic blood pressure in mmHg, body-mass
        index in kg/m², smoker 0/1, exercise in hours/week, cholesterol in mmol/L, the last digit
        of the postcode, the shortcut 0/1), labels ``y`` and true probabilities ``risk``.

    Examples
    --------
    >>> data = make_patient_data(1_000, seed=0)
    >>> data.X.shape, round(float(data.y.mean()), 2)
    ((1000, 8), 0.42)
    """
    n_samples = check_number("n_samples", n_samples, low=1, integer=True)
    leak = _check_leak(leak)
    rng = _rng(seed)
    X = pd.DataFrame({
        "age_years": rng.uniform(20, 85, n_samples).round(),
        "systolic_bp_mmhg": rng.normal(130, 18, n_samples).round(),
        "bmi_kg_m2": rng.normal(27, 4.5, n_samples).round(1),
        "smoker": (rng.random(n_samples) < 0.3).astype(float),
        "exercise_h_per_week": rng.gamma(1.5, 2.5, n_samples).round(1),
        "cholesterol_mmol_l": rng.normal(5.2, 1.0, n_samples).round(1),
        "postcode_digit": rng.integers(0, 10, n_samples).astype(float),
    })
    risk = compute_true_risk(X)
    y = (rng.random(n_samples) < risk).astype(int)
    X[SHORTCUT] = make_shortcut(y, leak=leak, seed=int(rng.integers(2**32)))
    return PatientData(X, y, risk, leak)


def compute_accuracy_drop(model, X, y, feature, seed=0) -> float:
    """Return how much `model`'s accuracy falls when one column of `X` is shuffled once.

    This is one repeat of permutation importance: the rows of `feature` are permuted with
    ``numpy.random.default_rng(seed).permutation``, breaking its link to the label while keeping
    its distribution. `X` itself is not modified.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``score(X, y)`` returning accuracy.
    X : pandas.DataFrame
        Features.
    y : sequence of int
        Labels.
    feature : str
        Column of `X` to shuffle.
    seed : int, default 0
        Seed of the permutation.

    Returns
    -------
    float
        Baseline accuracy minus accuracy with `feature` shuffled (positive when the model
        relies on the feature).

    Examples
    --------
    >>> data = make_patient_data(500, seed=0)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(data.X, data.y)
    >>> compute_accuracy_drop(tree, data.X, data.y, "postcode_digit")
    0.0
    """
    if not hasattr(model, "score"):
        raise TypeError(f"model must be a fitted classifier with a score method; got {model!r}")
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame; got {type(X).__name__}")
    if feature not in X.columns:
        raise ValueError(f"feature must be one of the columns {list(X.columns)}; got {feature!r}")
    order = _rng(seed).permutation(len(X))
    shuffled = X.copy()
    shuffled[feature] = X[feature].to_numpy()[order]
    return float(model.score(X, y) - model.score(shuffled, y))


def _accuracies(model, X, y, copies) -> np.ndarray:
    """Accuracy of `model` on each of `copies` (arrays shaped like `X`), in one predict call.

    A tree ensemble predicts each row on its own, so stacking the copies changes no prediction:
    each accuracy is the one ``model.score`` gives (a share of correct rows, as a float).
    """
    copies = np.asarray(copies)
    stacked = pd.DataFrame(copies.reshape(-1, X.shape[1]), columns=X.columns)
    predictions = model.predict(stacked).reshape(len(copies), len(X))
    return np.mean(predictions == np.asarray(y), axis=1)


def _permuted_copies(X, n_repeats, seed) -> np.ndarray:
    """The shuffled copies of `X` that scikit-learn's ``permutation_importance`` scores.

    Copy ``j * n_repeats + r`` has column ``j`` shuffled ``r + 1`` times, as
    ``permutation_importance(..., n_repeats=n_repeats, random_state=seed)`` draws them: one seed
    drawn from ``RandomState(seed)``, then for every column a fresh ``RandomState`` of that seed
    shuffling one index ``n_repeats`` times, each shuffle applied to the column already shuffled.
    """
    values = X.to_numpy()
    index = np.arange(len(X))
    rng = np.random.RandomState(np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1))
    orders = []
    for _ in range(n_repeats):
        rng.shuffle(index)
        orders.append(index.copy())
    copies = np.repeat(values[None], values.shape[1] * n_repeats, axis=0)
    for j in range(values.shape[1]):
        column = values[:, j]
        for r, order in enumerate(orders):
            column = column[order]
            copies[j * n_repeats + r, :, j] = column
    return copies


def _permutation_importance(model, X, y, n_repeats, seed, baseline):
    """``permutation_importance(model, X, y, n_repeats=..., random_state=seed)``'s mean and
    standard deviation of the accuracy drops, with every shuffled copy scored in one predict
    call; `baseline` is the model's accuracy on `X`."""
    drops = baseline - _accuracies(model, X, y, _permuted_copies(X, n_repeats, seed)).reshape(
        X.shape[1], n_repeats)
    return np.mean(drops, axis=1), np.std(drops, axis=1)


# ---------------------------------------------------------------------------------------------
# Glass box against black box
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ReadabilityResult:
    """Held-out accuracy of glass-box and black-box models, and how much there is to read."""

    depths: np.ndarray            # max_depth of each tree
    tree_accuracy: np.ndarray     # held-out accuracy of each tree
    tree_leaves: np.ndarray       # rules (leaves) of each tree
    linear_accuracy: float        # logistic regression on standardised features
    linear_weights: int           # its coefficients plus intercept
    boosted_accuracy: float       # HistGradientBoostingClassifier, scikit-learn defaults
    boosted_trees: int            # trees the boosted model built
    boosted_leaves: int           # at most this many leaves: trees x max_leaf_nodes
    bayes_accuracy: float         # predicting true risk > 0.5: no model does better on average
    boosted_model: HistGradientBoostingClassifier = field(repr=False)  # fitted, to inspect


def _check_depths(depths) -> tuple:
    if isinstance(depths, (str, bytes)) or not hasattr(depths, "__len__") or len(depths) == 0:
        raise TypeError(f"depths must be a non-empty sequence of integers >= 1; got {depths!r}")
    return tuple(check_number(f"depths[{i}]", d, low=1, integer=True) for i, d in enumerate(depths))


@cached(maxsize=16)
@single_threaded
def _compare(depths, n_train, n_test, seed) -> ReadabilityResult:
    train = make_patient_data(n_train, seed=seed)
    test = make_patient_data(n_test, seed=seed + 1)
    X_train, X_test = train.X[list(FEATURES)], test.X[list(FEATURES)]
    trees = [DecisionTreeClassifier(max_depth=d, random_state=0).fit(X_train, train.y)
             for d in depths]
    linear = make_pipeline(StandardScaler(), LogisticRegression()).fit(X_train, train.y)
    boosted = HistGradientBoostingClassifier(random_state=0).fit(X_train, train.y)
    score = lambda model: float(np.mean(model.predict(X_test) == test.y))  # noqa: E731 (.score)
    return ReadabilityResult(
        depths=np.array(depths),
        tree_accuracy=np.array([score(t) for t in trees]),
        tree_leaves=np.array([t.get_n_leaves() for t in trees]),
        linear_accuracy=score(linear),
        linear_weights=len(FEATURES) + 1,
        boosted_accuracy=score(boosted),
        boosted_trees=int(boosted.n_iter_),
        boosted_leaves=int(boosted.n_iter_ * boosted.max_leaf_nodes),
        bayes_accuracy=float(np.mean((test.risk > 0.5) == test.y)),
        boosted_model=boosted,
    )


def compare_glass_and_black_box(depths=tuple(range(1, 11)), *, n_train=4_000, n_test=4_000,
                                seed=0) -> ReadabilityResult:
    """Fit trees of several depths, a logistic regression and a boosted model on the same task.

    All models see the genuine features only (no shortcut), train on `n_train` patients and are
    scored on `n_test` other patients. Results are cached: the same arguments return at once, as a
    copy of your own (editing it changes no other caller's result).

    Parameters
    ----------
    depths : sequence of int, default 1..10
        ``max_depth`` of each decision tree, each ``>= 1``.
    n_train, n_test : int, default 4000
        Patients to train on and to score on, each ``>= 10``.
    seed : int, default 0
        Seed of the training patients; the test patients use ``seed + 1``.

    Returns
    -------
    ReadabilityResult

    Examples
    --------
    >>> result = compare_glass_and_black_box((1, 3), n_train=500, n_test=500)
    >>> result.tree_leaves.tolist(), result.linear_weights
    ([2, 8], 8)
    """
    depths = _check_depths(depths)
    n_train = check_number("n_train", n_train, low=10, integer=True)
    n_test = check_number("n_test", n_test, low=10, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    return copy.deepcopy(_compare(depths, n_train, n_test, seed))  # yours to edit


@dataclass(frozen=True)
class ReadableChoice:
    """The model with the least to read among those close enough to the boosted model."""

    model: str          # "logistic regression" or "tree, depth d"
    to_read: int        # its weights (plus intercept) or its rules (leaves)
    accuracy: float     # its held-out accuracy
    gap: float          # the boosted model's accuracy minus this one's (may be negative)


def choose_readable_model(result, tolerance) -> ReadableChoice | None:
    """Return the glass box with the least to read within `tolerance` of the boosted model.

    The candidates are the logistic regression (its weights) and each tree (its rules, the
    leaves) of `result`; those whose held-out accuracy is at least the boosted model's minus
    `tolerance` qualify, and the one with the fewest things to read wins (a tie goes to the more
    accurate).

    Parameters
    ----------
    result : ReadabilityResult
        From `compare_glass_and_black_box`.
    tolerance : float
        How much accuracy the readable model may give up, as a fraction (0.03 is 3 percentage
        points), ``0 <= tolerance <= 1``.

    Returns
    -------
    ReadableChoice or None
        None when no glass box is close enough.

    Examples
    --------
    >>> result = compare_glass_and_black_box((1, 3, 6), n_train=500, n_test=500)
    >>> choose_readable_model(result, 0.05)
    ReadableChoice(model='tree, depth 3', to_read=8, accuracy=0.84, gap=0.0040000000000000036)
    >>> choose_readable_model(result, 0.0) is None
    True
    """
    if not isinstance(result, ReadabilityResult):
        raise TypeError("result must be a ReadabilityResult from compare_glass_and_black_box; "
                        f"got {type(result).__name__}")
    tolerance = check_number("tolerance", tolerance, low=0, high=1, unit="fraction")
    candidates = [("logistic regression", result.linear_weights, result.linear_accuracy)]
    candidates += [(f"tree, depth {d}", int(leaves), float(accuracy))
                   for d, leaves, accuracy in zip(result.depths, result.tree_leaves,
                                                  result.tree_accuracy)]
    # a 1e-9 margin: a model exactly at the boundary qualifies despite floating-point sums
    good = [c for c in candidates if c[2] >= result.boosted_accuracy - tolerance - 1e-9]
    if not good:
        return None
    name, to_read, accuracy = min(good, key=lambda c: (c[1], -c[2]))
    return ReadableChoice(name, to_read, accuracy, result.boosted_accuracy - accuracy)


#: Training-set sizes and tolerances (percentage points) of the chapter's readability explorer.
READABILITY_TRAINING_SIZES = (250, 500, 1_000, 2_000, 4_000, 8_000)
READABILITY_TOLERANCES = (1, 3, 5)


def _points(value) -> str:
    return f"{value:g} point" + ("" if value == 1 else "s")


def _legend_row(legend, index):
    """The row (handle and text) of entry `index` of a one-column `legend`, to show or hide.

    A hidden row takes no room: the legend packs its visible rows as if it had no such entry.
    """
    text = legend.get_texts()[index]
    rows = [box for box in _offsetboxes(legend._legend_box)
            if len(box.get_children()) == 2 and text in box.get_children()[1].get_children()]
    return rows[0]


def _offsetboxes(box):
    found = [box]
    for child in getattr(box, "get_children", lambda: [])():
        if hasattr(child, "get_visible_children"):
            found += _offsetboxes(child)
    return found


#: The readability figure's x range (log scale): from a depth-1 tree's 2 rules to the boosted
#: model's 100 trees of 31 leaves, with matplotlib's usual 5% margin on each side.
_READABILITY_XLIM = tuple(float(v) for v in np.exp(np.log([2, 3_100]) + np.array([-0.05, 0.05])
                                                   * np.log(3_100 / 2)))


def plot_readability(n_train=4_000, tolerance_points=3, *, seed=0, figure=None) -> Figure:
    """Plot held-out accuracy against what a person must read, and pick the readable model.

    Every model is fitted on `n_train` patients of `seed` and scored on 4,000 others (seed
    ``seed + 1``): trees of depth 1 to 10, the logistic regression and the boosted model. The
    band below the boosted model's accuracy holds the models within `tolerance_points` of it;
    `choose_readable_model` picks the one with the least to read among them.

    Parameters
    ----------
    n_train : int, default 4000
        Training patients, ``50 <= n_train <= 20000``.
    tolerance_points : float, default 3
        Percentage points of accuracy the readable model may give up, ``0 <= ... <= 20``.
    seed : int, default 0
        Seed passed to `compare_glass_and_black_box`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Trees as a line of circles, the logistic regression as a square, the boosted model as
        a diamond, the best possible accuracy as a dotted line, the tolerance as a shaded band;
        the chosen model is ringed and the title says which it is (or that none qualifies).

    Examples
    --------
    >>> fig = plot_readability(4_000, 3)
    >>> print(fig.axes[0].get_title(loc="left"))
    4,000 training patients: logistic regression 4.4 points below boosted
    within 3 points, the least to read: tree, depth 6 (55 rules)
    >>> print(plot_readability(250, 3).axes[0].get_title(loc="left"))
    250 training patients: logistic regression 1.9 points below boosted
    within 3 points, the least to read: tree, depth 2 (4 rules)
    """
    n_train = check_number("n_train", n_train, low=50, high=20_000, integer=True)
    tolerance_points = check_number("tolerance_points", tolerance_points, low=0, high=20,
                                    unit="percentage points")
    seed = check_number("seed", seed, low=0, integer=True)
    result = _compare(tuple(range(1, 11)), n_train, 4_000, seed)  # shared: read, never edited
    choice = choose_readable_model(result, tolerance_points / 100)
    kept = reuse(figure, plot_readability)
    if kept is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        band = ax.axhspan(0, 1, color=PALETTE["orange"], alpha=0.15, lw=0)
        trees = ax.plot([], [], "o-", color=PALETTE["blue"])[0]
        linear = ax.plot([], [], "s", ms=9, color=PALETTE["green"])[0]
        boosted = ax.plot([], [], "D", ms=9, color=PALETTE["orange"])[0]
        bayes = ax.axhline(0, color=PALETTE["black"], linestyle=":")
        ring = ax.plot([], [], "o", ms=16, mfc="none", mec=PALETTE["vermillion"], mew=2)[0]
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        ax.set_xlim(*_READABILITY_XLIM)
        ax.set_ylim(0.6, 0.92)
        ax.set_axisbelow(True)  # the band redraws over the grid, not the ticks over the band
        decorate(ax, xlabel="rules, weights or leaves a person would have to read (log scale)",
                 ylabel="held-out accuracy")
        legend = ax.legend([band, trees, linear, boosted, bayes, ring],
                           ["within", "decision tree, depth 1 to 10",
                            "logistic regression (8 weights)", "boosted", "best possible (true risk)",
                            "the readable choice"], loc="lower right", fontsize=8)
        kept = keep(fig, plot_readability, band=band, trees=trees, linear=linear,
                    boosted=boosted, bayes=bayes, ring=ring, legend=legend,
                    ring_row=_legend_row(legend, 5), title=ax.set_title("", loc="left"))
    low = result.boosted_accuracy - tolerance_points / 100
    kept.band.set_y(low)
    kept.band.set_height(result.boosted_accuracy - low)
    kept.trees.set_data(result.tree_leaves, result.tree_accuracy)
    kept.linear.set_data([result.linear_weights], [result.linear_accuracy])
    kept.boosted.set_data([result.boosted_leaves], [result.boosted_accuracy])
    kept.bayes.set_ydata([result.bayes_accuracy] * 2)
    kept.ring.set_visible(choice is not None)
    kept.ring_row.set_visible(choice is not None)  # the legend lists the ring only when drawn
    if choice is not None:
        kept.ring.set_data([choice.to_read], [choice.accuracy])
    texts = kept.legend.get_texts()
    texts[0].set_text(f"within {_points(tolerance_points)} of the boosted model")
    texts[3].set_text(f"boosted model ({format_count(result.boosted_trees, 'tree')})")
    linear_gap = 100 * (result.boosted_accuracy - result.linear_accuracy)
    head = (f"{n_train:,} training patients: logistic regression "
            f"{linear_gap:.1f} points below boosted\n")
    if choice is None:
        verdict = f"no readable model is within {_points(tolerance_points)}"
    else:
        unit = "weight" if choice.model == "logistic regression" else "rule"
        verdict = (f"within {_points(tolerance_points)}, the least to read: {choice.model} "
                   f"({format_count(choice.to_read, unit)})")
    kept.title.set_text(head + verdict)
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Explaining a black box
# ---------------------------------------------------------------------------------------------

def plot_importances(names, means, stds=None, *, title, ax=None) -> Axes:
    """Draw permutation importances as horizontal bars, largest on top, with error bars.

    Parameters
    ----------
    names : sequence of str
        Feature names.
    means : sequence of float
        Mean accuracy drop of each feature (same order as `names`).
    stds : sequence of float, optional
        Standard deviation of each drop over repeats, drawn as error bars.
    title : str
        Title of the axes (say the point of the figure).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure of the book's size if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_importances(["age", "noise"], [0.2, 0.0], title="Age matters")
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['noise', 'age']
    """
    means = check_samples("means", means)
    if isinstance(names, (str, bytes)) or len(names) != len(means):
        raise ValueError(f"names must be a sequence of {len(means)} feature names, one per mean")
    stds = np.zeros_like(means) if stds is None else check_samples("stds", stds)
    if len(stds) != len(means):
        raise ValueError(f"stds must hold {len(means)} values, one per mean; got {len(stds)}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str; got {type(title).__name__}")
    if ax is None:
        ax = plt.subplots(figsize=FIGSIZE, layout="constrained")[1]
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    order = np.argsort(means)
    ax.barh(np.arange(len(means)), means[order], xerr=stds[order], color=PALETTE["sky"],
            edgecolor=PALETTE["blue"], capsize=3)
    ax.set_yticks(np.arange(len(means)), [names[i] for i in order])
    ax.axvline(0, color=PALETTE["black"], linewidth=1)
    ax.grid(axis="y", visible=False)
    decorate(ax, xlabel="accuracy drop when shuffled", ylabel="", title=title)
    return ax


def compute_true_partial_dependence(X, feature, grid) -> np.ndarray:
    """Return the true partial dependence: mean true risk with `feature` set to each grid value.

    The same average a partial-dependence plot takes over a model's predictions, taken over
    the generator's true risk instead, so that a model's curve can be checked against it.

    Parameters
    ----------
    X : pandas.DataFrame
        Patients with the columns of `FEATURES`.
    feature : str
        One of `FEATURES`.
    grid : sequence of float
        Values to set the feature to, in its unit.

    Returns
    -------
    numpy.ndarray
        Mean true probability at each grid value.

    Examples
    --------
    >>> X = make_patient_data(2_000, seed=0).X
    >>> compute_true_partial_dependence(X, "postcode_digit", [0, 9]).round(3)
    array([0.415, 0.415])
    """
    X = _check_columns(X)
    if feature not in FEATURES:
        raise ValueError(f"feature must be one of {FEATURES}; got {feature!r}")
    grid = check_samples("grid", grid)
    return np.array([compute_true_risk(X.assign(**{feature: value})).mean() for value in grid])


# ---------------------------------------------------------------------------------------------
# Permutation importance and near copies of a feature
# ---------------------------------------------------------------------------------------------

def add_age_copies(X, n_copies, noise_years, *, seed=0) -> pd.DataFrame:
    """Return a copy of `X` with ``n_copies - 1`` more records of age, each off by some noise.

    Each extra column ``age_record_2``, ``age_record_3``, ... is ``age_years`` plus normal noise
    of standard deviation `noise_years`, rounded to whole years (as a second record of the same
    patient's age would be), placed right after ``age_years``. With ``noise_years=0`` they are
    exact copies. `X` itself is not modified.

    Parameters
    ----------
    X : pandas.DataFrame
        Patients with (at least) the columns of `FEATURES`.
    n_copies : int
        Records of age in the result, ``1 <= n_copies <= 6`` (1 adds none).
    noise_years : float
        Standard deviation of each extra record's error, in years, ``0 <= noise_years <= 20``.
    seed : int, default 0
        Seed of the noise.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> X = make_patient_data(3, seed=0).X[list(FEATURES)]
    >>> add_age_copies(X, 2, 0).columns[:3].tolist()
    ['age_years', 'age_record_2', 'systolic_bp_mmhg']
    >>> add_age_copies(X, 2, 0)["age_record_2"].equals(X["age_years"])
    True
    """
    X = _check_columns(X).copy()
    n_copies = check_number("n_copies", n_copies, low=1, high=6, integer=True)
    noise_years = check_number("noise_years", noise_years, low=0, high=20, unit="years")
    rng = _rng(seed)
    position = list(X.columns).index("age_years")
    for k in range(2, n_copies + 1):
        record = (X["age_years"] + rng.normal(0, noise_years, len(X))).round()
        X.insert(position + k - 1, f"age_record_{k}", record.to_numpy())
    return X


def compute_group_drop(model, X, y, columns, *, n_repeats=5, seed=0) -> float:
    """Return the mean accuracy drop when the `columns` are shuffled together, rows kept whole.

    The same permutation is applied to every column of the group, so the columns keep their
    relation to each other and lose their link to the label: the importance of the group as
    one feature, which near copies of a feature cannot hide from.

    Parameters
    ----------
    model : fitted classifier
        Anything with ``score(X, y)`` returning accuracy.
    X : pandas.DataFrame
        Features.
    y : sequence of int
        Labels.
    columns : sequence of str
        Columns of `X` to shuffle together.
    n_repeats : int, default 5
        Shuffles averaged, ``>= 1``.
    seed : int, default 0
        Seed of the permutations.

    Returns
    -------
    float
        Baseline accuracy minus the mean accuracy with the group shuffled.

    Examples
    --------
    >>> data = make_patient_data(500, seed=0)
    >>> tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(data.X, data.y)
    >>> compute_group_drop(tree, data.X, data.y, ["postcode_digit", "cholesterol_mmol_l"])
    0.0
    """
    if not hasattr(model, "score"):
        raise TypeError(f"model must be a fitted classifier with a score method; got {model!r}")
    if not isinstance(X, pd.DataFrame):
        raise TypeError(f"X must be a pandas DataFrame; got {type(X).__name__}")
    if isinstance(columns, str) or not hasattr(columns, "__len__") or len(columns) == 0:
        raise TypeError(f"columns must be a non-empty list of column names; got {columns!r}")
    missing = [c for c in columns if c not in X.columns]
    if missing:
        raise ValueError(f"columns must be columns of X {list(X.columns)}; missing {missing}")
    n_repeats = check_number("n_repeats", n_repeats, low=1, integer=True)
    rng = _rng(seed)
    baseline = model.score(X, y)
    drops = []
    for _ in range(n_repeats):
        shuffled = X.copy()
        shuffled[list(columns)] = X[list(columns)].to_numpy()[rng.permutation(len(X))]
        drops.append(baseline - model.score(shuffled, y))
    return float(np.mean(drops))


def _group_copies(X, columns, n_repeats, seed) -> np.ndarray:
    """`n_repeats` copies of `X` (as arrays) with the `columns` shuffled together, drawn as
    `compute_group_drop` draws them (an all-float `X`)."""
    rng = _rng(seed)
    positions = [X.columns.get_loc(c) for c in columns]
    copies = np.repeat(X.to_numpy()[None], n_repeats, axis=0)
    for copy_ in copies:
        copy_[:, positions] = copy_[rng.permutation(len(X))][:, positions]
    return copies


@dataclass(frozen=True, eq=False)
class CopiesResult:
    """Permutation importance of a boosted model that sees several records of age."""

    n_copies: int                  # records of age among the features
    noise_years: float             # standard deviation of each extra record's error
    accuracy: float                # held-out accuracy
    feature_names: tuple           # age_years, age_record_2, ..., then the other features
    importance_mean: np.ndarray    # permutation importance of each column (accuracy drop)
    importance_std: np.ndarray
    group_importance: float        # every record of age shuffled together


@cached(maxsize=32)
@single_threaded
def _simulate_copies(n_copies, noise_years, n_train, n_eval, n_repeats, seed) -> CopiesResult:
    train = make_patient_data(n_train, seed=seed)
    held_out = make_patient_data(n_eval, seed=seed + 1)
    X_train = add_age_copies(train.X[list(FEATURES)], n_copies, noise_years, seed=seed + 2)
    X_eval = add_age_copies(held_out.X[list(FEATURES)], n_copies, noise_years, seed=seed + 3)
    model = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0)
    model.fit(X_train, train.y)
    records = [c for c in X_eval.columns if c.startswith("age_")]
    # One predict call: the held-out patients, then the shuffles of compute_group_drop.
    accuracies = _accuracies(model, X_eval, held_out.y, np.concatenate([
        X_eval.to_numpy()[None], _group_copies(X_eval, records, n_repeats, seed)]))
    accuracy = float(accuracies[0])
    mean, std = _permutation_importance(model, X_eval, held_out.y, n_repeats, seed, accuracy)
    group = float(np.mean(accuracy - accuracies[1:]))  # as compute_group_drop
    return CopiesResult(n_copies, noise_years, accuracy, tuple(X_eval.columns), mean, std, group)


def simulate_age_copies(n_copies, noise_years=1.0, *, n_train=2_000, n_eval=1_000,
                        n_repeats=3, seed=0) -> CopiesResult:
    """Fit a boosted model on patients with several records of age; measure what each is worth.

    The patients are the chapter's (`make_patient_data`), with ``n_copies - 1`` extra records
    of age (`add_age_copies`). The model is a small ``HistGradientBoostingClassifier`` (40
    trees of at most 15 leaves, as in `simulate_shortcut`); permutation importance is computed
    on held-out patients for each column, and for all records of age shuffled together
    (`compute_group_drop`). Results are cached.

    Parameters
    ----------
    n_copies : int
        Records of age, ``1 <= n_copies <= 6``.
    noise_years : float, default 1.0
        Standard deviation of each extra record's error, in years, ``0 <= noise_years <= 20``.
    n_train : int, default 2000
        Training patients, ``>= 50``.
    n_eval : int, default 1000
        Held-out patients, ``>= 50``.
    n_repeats : int, default 3
        Shuffles per feature, ``>= 1``.
    seed : int, default 0
        Seed of the training patients; the held-out patients use ``seed + 1``, the records'
        noise ``seed + 2`` and ``seed + 3``.

    Returns
    -------
    CopiesResult

    Examples
    --------
    >>> one, three = simulate_age_copies(1), simulate_age_copies(3)
    >>> round(float(one.importance_mean[0]), 2), round(one.group_importance, 2)
    (0.25, 0.25)
    >>> three.feature_names[:3]
    ('age_years', 'age_record_2', 'age_record_3')
    >>> round(float(three.importance_mean[:3].max()), 2), round(three.group_importance, 2)
    (0.05, 0.25)
    """
    n_copies = check_number("n_copies", n_copies, low=1, high=6, integer=True)
    noise_years = check_number("noise_years", noise_years, low=0, high=20, unit="years")
    n_train = check_number("n_train", n_train, low=50, integer=True)
    n_eval = check_number("n_eval", n_eval, low=50, integer=True)
    n_repeats = check_number("n_repeats", n_repeats, low=1, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    if n_copies == 1:
        noise_years = 0.0  # no extra record: the noise changes nothing, and shares the cache
    return _simulate_copies(n_copies, noise_years, n_train, n_eval, n_repeats, seed)


#: Records of age and their noise (years) in the chapter's explorer.
COPIES = (1, 2, 3, 4)
COPY_NOISE_YEARS = (0, 1, 3)


def _importance_bars(ax, n_slots):
    """Draw `n_slots` importance bars as `plot_importances` does, to fill in with `_set_importances`.

    The bars sit in a fixed y range of 0 to 1, placed where ``plot_importances`` with its
    automatic limits would put as many bars as there are features, so that the number of
    features can change without changing the limits.
    """
    bars = ax.barh(np.arange(n_slots), np.ones(n_slots), xerr=np.zeros(n_slots),
                   color=PALETTE["sky"], edgecolor=PALETTE["blue"], capsize=3)
    ax.axvline(0, color=PALETTE["black"], linewidth=1)
    ax.grid(axis="y", visible=False)
    ax.set_ylim(0, 1)
    ax.set_axisbelow(True)    # the x grid and its labels stay in the background, under the bars
    ax.yaxis.set_zorder(2.5)  # the feature names change with the bars: drawn with them
    return bars


def _set_importances(bars, names, means, stds):
    """Show `means` (largest on top) with `stds` as error bars on `bars` of `_importance_bars`."""
    n = len(means)
    order = np.argsort(means)
    low, span = -0.4 - 0.05 * (n - 0.2), 1.1 * (n - 0.2)  # the automatic limits for n bars
    centres, height = (np.arange(n) - low) / span, 0.8 / span
    for k, bar in enumerate(bars):
        bar.set_visible(k < n)
        if k < n:
            bar.set_y(centres[k] - height / 2)
            bar.set_height(height)
            bar.set_width(means[order[k]])
    x, error = np.asarray(means)[order], np.asarray(stds)[order]
    _, (left_caps, right_caps), (segments,) = bars.errorbar.lines
    segments.set_segments([[(a - e, y), (a + e, y)] for a, e, y in zip(x, error, centres)])
    left_caps.set_data(x - error, centres)
    right_caps.set_data(x + error, centres)
    bars[0].axes.set_yticks(centres, [names[i] for i in order])
    return order


def plot_age_copies(n_copies, noise_years=1.0, *, seed=0, figure=None) -> Figure:
    """Plot permutation importance when age is recorded `n_copies` times, each with noise.

    Parameters
    ----------
    n_copies : int
        Records of age among the features, ``1 <= n_copies <= 6``.
    noise_years : float, default 1.0
        Standard deviation of each extra record's error, in years.
    seed : int, default 0
        Seed passed to `simulate_age_copies`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Horizontal bars of permutation importance, largest on top, the records of age hatched,
        and a dashed line at the importance of all records of age shuffled together; the title
        names the largest single record of age, the group's importance and the top feature.

    Examples
    --------
    >>> print(plot_age_copies(3, 1).axes[0].get_title(loc="left"))
    3 records of age (sd 1 year); top feature: systolic_bp_mmhg
    largest record 0.05; all records shuffled together 0.25
    """
    result = simulate_age_copies(n_copies, noise_years, seed=seed)
    kept = reuse(figure, plot_age_copies)
    if kept is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        bars = _importance_bars(ax, len(FEATURES) - 1 + 6)
        line = ax.axvline(0, color=PALETTE["vermillion"], linestyle="--", lw=2,
                          label="all records of age shuffled together")
        hatched = Patch(facecolor=PALETTE["orange"], edgecolor=PALETTE["blue"], hatch="//",
                        label="a record of age")
        ax.set_xlim(-0.02, 0.32)
        ax.legend(handles=[hatched, line], loc="lower right", fontsize=8)
        decorate(ax, xlabel="accuracy drop when shuffled (held-out patients)", ylabel="")
        _, caps, segments = bars.errorbar.lines
        kept = keep(fig, plot_age_copies, bars=bars, caps=list(caps), segments=list(segments),
                    names=ax.yaxis, line=line, title=ax.set_title("", loc="left"))
    names = list(result.feature_names)
    records = [i for i, name in enumerate(names) if name.startswith("age_")]
    order = _set_importances(kept.bars, names, result.importance_mean, result.importance_std)
    for bar, feature_index in zip(kept.bars, order):
        record = feature_index in records
        bar.set_hatch("//" if record else None)
        bar.set_facecolor(PALETTE["orange"] if record else PALETTE["sky"])
    kept.line.set_xdata([result.group_importance] * 2)
    top = names[int(np.argmax(result.importance_mean))]
    largest = float(result.importance_mean[records].max())
    if n_copies == 1:
        head = "1 record of age"
    elif result.noise_years == 0:
        head = f"{n_copies} records of age (exact copies)"
    else:
        head = f"{n_copies} records of age (sd {result.noise_years:g} year" + (
            ")" if result.noise_years == 1 else "s)")
    kept.title.set_text(f"{head}; top feature: {top}\nlargest record {largest:.2f}; all "
                        f"records shuffled together {result.group_importance:.2f}")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Right for the wrong reason
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ShortcutResult:
    """A boosted model trained with a leaking shortcut, scored on leaky and on clean data."""

    leak: float                    # share of positives the shortcut marks in training data
    validation_accuracy: float     # held-out data with the same leak (what the team sees)
    production_accuracy: float     # new patients, shortcut 0 for everyone
    validation_recall: float       # share of patients with the condition the model flags
    production_recall: float
    feature_names: tuple           # FEATURES then SHORTCUT
    importance_mean: np.ndarray    # permutation importance on validation data (accuracy drop)
    importance_std: np.ndarray


@cached(maxsize=64)
@single_threaded
def _simulate_shortcut(leak, n_train, n_eval, n_repeats, seed) -> ShortcutResult:
    train = make_patient_data(n_train, leak=leak, seed=seed)
    validation = make_patient_data(n_eval, leak=leak, seed=seed + 1)
    production = make_patient_data(n_eval, leak=0.0, seed=seed + 2)
    model = HistGradientBoostingClassifier(max_iter=40, max_leaf_nodes=15, random_state=0)
    model.fit(train.X, train.y)
    predicted = model.predict(pd.concat([validation.X, production.X]))  # one call for both
    validated, produced = predicted[:n_eval], predicted[n_eval:]
    accuracy = float(np.mean(validated == validation.y))  # as model.score
    mean, std = _permutation_importance(model, validation.X, validation.y, n_repeats, seed,
                                        accuracy)
    return ShortcutResult(leak, accuracy, float(np.mean(produced == production.y)),
                          float(recall_score(validation.y, validated)),
                          float(recall_score(production.y, produced)),
                          tuple(train.X.columns), mean, std)


def simulate_shortcut(leak, *, n_train=1_500, n_eval=800, n_repeats=3, seed=0) -> ShortcutResult:
    """Train a boosted model on data whose shortcut leaks the label, then meet production.

    Training and validation data come from the same leaky source; production patients have
    the shortcut column, 0 for everyone, since nobody has been referred yet. The model is a small
    ``HistGradientBoostingClassifier`` (40 trees of at most 15 leaves) so that an explorer can
    afford one fit per figure. Results are cached.

    Parameters
    ----------
    leak : float
        Probability that a patient with the condition is marked referred in training and
        validation data, ``0 <= leak <= 1``.
    n_train : int, default 1500
        Training patients, ``>= 50``.
    n_eval : int, default 800
        Validation patients and production patients (each), ``>= 50``.
    n_repeats : int, default 3
        Shuffles per feature for permutation importance, ``>= 1``.
    seed : int, default 0
        Seed of the training data; validation and production use ``seed + 1`` and ``seed + 2``.

    Returns
    -------
    ShortcutResult

    Examples
    --------
    >>> result = simulate_shortcut(0.9)
    >>> round(result.validation_accuracy, 2), round(result.production_accuracy, 2)
    (0.97, 0.71)
    >>> round(result.validation_recall, 2), round(result.production_recall, 2)
    (0.93, 0.27)
    """
    leak = _check_leak(leak)
    n_train = check_number("n_train", n_train, low=50, integer=True)
    n_eval = check_number("n_eval", n_eval, low=50, integer=True)
    n_repeats = check_number("n_repeats", n_repeats, low=1, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    return _simulate_shortcut(leak, n_train, n_eval, n_repeats, seed)


def plot_shortcut(leak, *, seed=0, figure=None) -> Figure:
    """Plot what permutation importance shows and what production costs, for one leak.

    Parameters
    ----------
    leak : float
        Probability that a patient with the condition is marked referred in training data,
        ``0 <= leak <= 1``.
    seed : int, default 0
        Seed passed to `simulate_shortcut`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Left: permutation importance of each feature on validation data. Right: accuracy and
        recall on validation data and in production, as plain and hatched bars with their
        values.

    Examples
    --------
    >>> fig = plot_shortcut(0.9)
    >>> print(fig.get_suptitle())
    Leak 90%: validation says 97% accurate, production gets 71%;
    recall falls from 93% to 27%; top feature: referred_to_specialist
    """
    result = simulate_shortcut(leak, seed=seed)
    kept = reuse(figure, plot_shortcut)
    if kept is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained",
                                          width_ratios=(1.9, 1))
        importances = _importance_bars(left, len(result.feature_names))
        decorate(left, xlabel="accuracy drop when shuffled", ylabel="",
                 title="permutation importance (validation)")
        left.set_xlim(-0.02, 0.5)
        positions = np.arange(2)
        scores, labels = [], []
        for offset, (name, colour, hatch) in zip((-0.2, 0.2), (
                ("accuracy", PALETTE["blue"], ""), ("recall", PALETTE["orange"], "//"))):
            bars = right.bar(positions + offset, [1, 1], width=0.4, color=colour, hatch=hatch,
                             edgecolor="white", label=name)
            scores += list(bars)
            labels += right.bar_label(bars, labels=["", ""], padding=2, fontsize=8)
        right.set_xticks(positions, ["validation", "production"], fontsize=9)
        right.set_ylim(0, 1.25)
        right.set_yticks(np.linspace(0, 1, 6))
        right.grid(axis="x", visible=False)
        right.set_axisbelow(True)  # the grid and ticks stay in the background, under the bars
        right.legend(loc="upper right", ncols=2, fontsize=8, handlelength=1.2, columnspacing=0.8)
        decorate(right, xlabel="", ylabel="share", title="scores")
        _, caps, segments = importances.errorbar.lines
        kept = keep(fig, plot_shortcut, importances=importances, caps=list(caps),
                    segments=list(segments), names=left.yaxis, scores=scores, labels=labels,
                    title=fig.suptitle(" ", fontsize=11, fontweight="bold", x=0.02, ha="left"))
    _set_importances(kept.importances, result.feature_names, result.importance_mean,
                     result.importance_std)
    values = (result.validation_accuracy, result.production_accuracy,
              result.validation_recall, result.production_recall)
    for bar, label, value in zip(kept.scores, kept.labels, values):
        bar.set_height(value)
        label.xy = (bar.get_x() + bar.get_width() / 2, value)
        label.set_text(f"{value:.0%}")
    top = result.feature_names[int(np.argmax(result.importance_mean))]
    recalls = f"{result.validation_recall:.0%} to {result.production_recall:.0%}"
    recall = (f"recall falls from {recalls}" if result.production_recall
              < result.validation_recall - 0.005 else f"recall holds ({recalls})")
    kept.title.set_text(f"Leak {leak:.0%}: validation says {result.validation_accuracy:.0%} "
                        f"accurate, production gets {result.production_accuracy:.0%};\n"
                        f"{recall}; top feature: {top}")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Explaining one decision: a counterfactual
# ---------------------------------------------------------------------------------------------

#: Features a patient cannot change; a counterfactual holds them fixed.
IMMUTABLE = ("age_years", "postcode_digit")
#: What a patient could change, and the candidate changes searched (in each feature's unit):
#: lower the blood pressure, move the body-mass index either way, quit smoking, exercise more,
#: lower the cholesterol.
ACTIONABLE_CHANGES = {
    "systolic_bp_mmhg": tuple(range(0, -45, -5)),
    "bmi_kg_m2": tuple(float(v) for v in range(-6, 7)),
    "smoker": (0.0, -1.0),
    "exercise_h_per_week": tuple(float(v) for v in range(0, 7)),
    "cholesterol_mmol_l": (0.0, -0.5, -1.0, -1.5, -2.0),
}
#: One step of effort per feature: a change's cost is its number of steps, summed over features.
STEP = {"systolic_bp_mmhg": 5.0, "bmi_kg_m2": 1.0, "smoker": 1.0, "exercise_h_per_week": 1.0,
        "cholesterol_mmol_l": 0.5}
#: Plausible range of each actionable feature; candidates outside it are not searched.
_BOUNDS = {"systolic_bp_mmhg": (90, 250), "bmi_kg_m2": (18.5, 60), "smoker": (0, 1),
           "exercise_h_per_week": (0, 40), "cholesterol_mmol_l": (2.5, 12)}


@dataclass(frozen=True, eq=False)
class Counterfactual:
    """The smallest change of actionable features that flips a model's decision for one patient.

    ``changes`` maps each changed feature to its change (new value minus old); ``cost`` is the
    number of steps of `STEP` it takes. ``alternatives`` lists every flipping candidate of the
    same, minimal cost (one row each, the changes as columns): there is often more than one.
    """

    patient: pd.Series = field(repr=False)          # the patient's features
    counterfactual: pd.Series = field(repr=False)   # the same patient after the changes
    changes: dict                                   # feature -> change, only changed features
    cost: float                                     # steps of effort, summed
    decision_before: int
    decision_after: int
    probability_before: float                       # the model's predicted probability of 1
    probability_after: float
    n_candidates: int                               # candidates searched
    n_flipping: int                                 # of them, how many flip the decision
    alternatives: pd.DataFrame = field(repr=False)  # every flipping candidate of minimal cost


def _check_changes(changes) -> dict:
    if changes is None:
        return dict(ACTIONABLE_CHANGES)
    if not isinstance(changes, dict) or not changes:
        raise TypeError("changes must be a non-empty dict mapping actionable features to "
                        f"candidate changes; got {changes!r}")
    checked = {}
    for name, deltas in changes.items():
        if name in IMMUTABLE:
            raise ValueError(f"changes must not change the immutable feature {name!r}")
        if name not in ACTIONABLE_CHANGES:
            raise ValueError(f"changes: {name!r} is not one of the actionable features "
                             f"{tuple(ACTIONABLE_CHANGES)}")
        deltas = tuple(float(check_number(f"changes[{name!r}]", d)) for d in deltas)
        if 0.0 not in deltas:
            deltas = (0.0, *deltas)  # leaving a feature as it is is always a candidate
        checked[name] = deltas
    return checked


@single_threaded  # the model predicts each candidate alike on any number of threads
def find_counterfactual(model, patient, *, changes=None) -> Counterfactual | None:
    """Search the smallest change of actionable features that flips `model`'s decision.

    Every combination of the candidate changes is tried (the immutable features of `IMMUTABLE`
    never change; values outside a plausible range are skipped); the model's ``predict`` decides
    which flip the decision. The winner has the fewest steps of effort (`STEP`), then the fewest
    changed features, then the predicted probability furthest past one half. It explains the
    model, not the world: a change that flips the model's decision need not change the risk.

    Parameters
    ----------
    model : fitted classifier
        Has ``predict`` and ``predict_proba`` and was fitted on the columns of `FEATURES`.
    patient : pandas.Series or one-row pandas.DataFrame
        The patient's features (at least those of `FEATURES`).
    changes : dict, optional
        Actionable feature -> candidate changes in its unit (default `ACTIONABLE_CHANGES`);
        a change of 0 is always added. Pass fewer features to ask, say, what blood pressure
        alone would take.

    Returns
    -------
    Counterfactual or None
        None when no candidate flips the decision.

    Examples
    --------
    >>> model = HistGradientBoostingClassifier(random_state=0)
    >>> data = make_patient_data(4_000, seed=0)
    >>> _ = model.fit(data.X[list(FEATURES)], data.y)
    >>> patient = make_patient_data(4_000, seed=1).X[list(FEATURES)].loc[4]
    >>> result = find_counterfactual(model, patient)
    >>> result.decision_before, result.decision_after, result.changes, result.cost
    (1, 0, {'systolic_bp_mmhg': -5.0}, 1.0)
    """
    if isinstance(model, type) or not (hasattr(model, "predict")
                                       and hasattr(model, "predict_proba")):
        raise TypeError(f"model must be a fitted classifier with predict and predict_proba; "
                        f"got {type(model).__name__}")
    if isinstance(patient, pd.DataFrame):
        if len(patient) != 1:
            raise ValueError(f"patient must be one row; got {len(patient)} rows")
        patient = patient.iloc[0]
    if not isinstance(patient, pd.Series):
        raise TypeError(f"patient must be a pandas Series (one row of X); "
                        f"got {type(patient).__name__}")
    patient = _check_columns(patient.to_frame().T)[list(FEATURES)].iloc[0].astype(float)
    changes = _check_changes(changes)
    names = list(changes)
    deltas = np.array(np.meshgrid(*[changes[n] for n in names], indexing="ij")).reshape(
        len(names), -1).T
    new_values = patient[names].to_numpy() + deltas
    low = np.array([_BOUNDS[n][0] for n in names])
    high = np.array([_BOUNDS[n][1] for n in names])
    unchanged = deltas == 0  # an unchanged feature is never out of range
    plausible = ((unchanged | ((new_values >= low) & (new_values <= high))).all(axis=1))
    deltas, new_values = deltas[plausible], new_values[plausible]
    candidates = pd.DataFrame(np.repeat(patient.to_numpy()[None, :], len(deltas), axis=0),
                              columns=list(FEATURES))
    candidates[names] = new_values
    # One pass over the model: the patient as the first row, then the candidates.
    decisions, probabilities = _decide(model, pd.concat([patient.to_frame().T, candidates]))
    decision_before, probability_before = int(decisions[0]), float(probabilities[0])
    decisions, probabilities = decisions[1:], probabilities[1:]
    steps = np.abs(deltas) / np.array([STEP[n] for n in names])
    cost = steps.sum(axis=1).round(9)
    flips = np.flatnonzero(decisions != decision_before)
    if flips.size == 0:
        return None
    margin = probabilities[flips] if decision_before == 1 else -probabilities[flips]
    order = np.lexsort((margin, (deltas[flips] != 0).sum(axis=1), cost[flips]))
    best = flips[order[0]]
    tied = flips[cost[flips] == cost[best]]
    alternatives = pd.DataFrame(deltas[tied], columns=names)
    alternatives = alternatives.loc[:, (alternatives != 0).any()]
    alternatives["probability"] = probabilities[tied]
    return Counterfactual(
        patient, candidates.iloc[best].rename(patient.name),
        {n: float(d) for n, d in zip(names, deltas[best]) if d != 0}, float(cost[best]),
        decision_before, int(decisions[best]), probability_before, float(probabilities[best]),
        len(candidates), int(flips.size), alternatives.reset_index(drop=True))


def _decide(model, X):
    """`model`'s ``predict(X)`` and ``predict_proba(X)[:, 1]``.

    A binary ``HistGradientBoostingClassifier`` computes both from the sum of its trees, its
    ``decision_function``: ``predict`` says 1 where it is positive, ``predict_proba`` is its
    logistic (the model's own link). So the trees are walked once, not twice.
    """
    if isinstance(model, HistGradientBoostingClassifier) and len(model.classes_) == 2:
        raw = model.decision_function(X)
        return model.classes_[(raw > 0).astype(int)], model._loss.predict_proba(raw)[:, 1]
    return model.predict(X), model.predict_proba(X)[:, 1]


@cached(maxsize=4)
@single_threaded
def _chapter_model(seed):
    train = make_patient_data(4_000, seed=seed)
    model = HistGradientBoostingClassifier(random_state=0)
    return model.fit(train.X[list(FEATURES)], train.y)


@cached(maxsize=4)
@single_threaded
def _flagged(seed, n_patients=12):
    test = make_patient_data(4_000, seed=seed + 1).X[list(FEATURES)]
    flagged = np.flatnonzero(_chapter_model(seed).predict(test) == 1)[:n_patients]
    return test.iloc[flagged]


def flagged_patients(n_patients=12, *, seed=0) -> pd.DataFrame:
    """Return the first test patients that the chapter's boosted model flags at risk.

    The model is a ``HistGradientBoostingClassifier(random_state=0)`` fitted on 4,000 patients
    of `seed` (the chapter's section 3 model for ``seed=0``); the patients are those of
    ``seed + 1``, in order, keeping their row numbers as the index.

    Parameters
    ----------
    n_patients : int, default 12
        How many, ``1 <= n_patients <= 50``.
    seed : int, default 0
        Seed of the training patients.

    Returns
    -------
    pandas.DataFrame
        The patients' features (a copy).

    Examples
    --------
    >>> flagged_patients(3).index.tolist()
    [1, 3, 4]
    """
    n_patients = check_number("n_patients", n_patients, low=1, high=50, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    return _flagged(seed, 50).iloc[:n_patients].copy()


@cached(maxsize=64)
@single_threaded
def _explain_flagged(patient, seed):
    """Flagged patient `patient` of `seed`, its counterfactual (or None) and its probability."""
    row = _flagged(seed, 50).iloc[patient]
    model = _chapter_model(seed)
    now = float(model.predict_proba(row.to_frame().T)[0, 1])
    return row, find_counterfactual(model, row), now


#: A feature label as wide as the widest the counterfactual figure shows for flagged patients
#: 0 to 49 (the digits of the book's font are all as wide): the figure keeps room for it, so
#: that its layout holds from patient to patient.
_WIDEST_LABEL = "exercise_h_per_week = 0.0 → 0.0"


def plot_counterfactual(patient, *, seed=0, figure=None) -> Figure:
    """Plot one flagged patient's counterfactual: what would have to change for a "no".

    Parameters
    ----------
    patient : int
        Which of `flagged_patients` (``0 <= patient < 50``).
    seed : int, default 0
        Seed of the model's training patients, as in `flagged_patients`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Left: each feature's value before (circle) and after (arrow) the smallest flipping change,
        in steps of effort from the patient's value, immutable features marked fixed. Right: the
        model's predicted probability before and after, against its threshold of one half.

    Examples
    --------
    >>> fig = plot_counterfactual(0)
    >>> print(fig.get_suptitle())
    Patient 0 (age 82): flagged at 100%; the model says no (46%) after
    blood pressure -10 mmHg, quit smoking, exercise +5 h/week, cholesterol -1 mmol/L
    10 steps of effort; 2 counterfactuals of that cost
    """
    patient = check_number("patient", patient, low=0, high=49, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    row, result, now = _explain_flagged(patient, seed)
    rows = np.arange(len(FEATURES))[::-1]
    kept = reuse(figure, plot_counterfactual)
    if kept is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained",
                                          width_ratios=(1.9, 1))
        arrows = {}
        for y, name in zip(rows, FEATURES):
            if name in IMMUTABLE:
                left.plot(0, y, "o", color=PALETTE["black"], alpha=0.4)
            else:
                left.plot(0, y, "o", color=PALETTE["blue"])
                arrows[name] = left.annotate("", (0, y), (0, y), arrowprops=dict(
                    arrowstyle="->", color=PALETTE["vermillion"], lw=2))
        # Transparent, where the feature labels are: room for the widest of them.
        left.text(0, 0.5, _WIDEST_LABEL, fontsize=8, color="none", ha="right", va="center",
                  transform=offset_copy(left.transAxes, fig=fig, units="points", x=-7))
        left.set_xlim(-9, 7)
        left.set_ylim(-0.6, len(FEATURES) - 0.1)
        left.xaxis.set_zorder(0.5)  # below the markers either way: it stays in the background
        left.axvline(0, color=PALETTE["black"], lw=0.5)
        decorate(left, xlabel="change, in steps of effort", ylabel="",
                 title="what would have to change")
        bars = right.bar([0, 1], [1, 1], color=[PALETTE["orange"], PALETTE["blue"]])
        labels = right.bar_label(bars, labels=["", ""], padding=2, fontsize=8)
        right.axhline(0.5, color=PALETTE["black"], linestyle=":")
        right.set_xticks([0, 1], ["now", "after"], fontsize=9)
        right.set_ylim(0, 1.1)
        right.set_axisbelow(True)  # the grid and ticks stay in the background, under the bars
        decorate(right, xlabel="", ylabel="predicted probability", title="the model")
        kept = keep(fig, plot_counterfactual, arrows=list(arrows.values()), names=left.yaxis,
                    bars=bars, labels=labels,
                    title=fig.suptitle(" ", fontsize=9.5, fontweight="bold", x=0.02, ha="left"))
    arrows = iter(kept.arrows)  # one per actionable feature, in the order of FEATURES
    labels = []
    for y, name in zip(rows, FEATURES):
        value = row[name]
        if name in IMMUTABLE:
            labels.append(f"{name} = {value:g} (fixed)")
            continue
        delta = result.changes.get(name, 0.0) if result else 0.0
        arrow = next(arrows)
        arrow.xy = (delta / STEP[name], y)
        arrow.set_visible(bool(delta))
        labels.append(f"{name} = {value:g} → {value + delta:g}" if delta
                      else f"{name} = {value:g}")
    kept.names.axes.set_yticks(rows, labels, fontsize=8)
    after = result.probability_after if result else 0.0
    for bar, label, value, text in zip(kept.bars, kept.labels, (now, after), (
            f"{now:.0%}", f"{after:.0%}" if result else "none found")):
        bar.set_height(value)
        label.xy = (bar.get_x() + bar.get_width() / 2, value)
        label.set_text(text)
    age = f"Patient {patient} (age {row['age_years']:g})"
    if result is None:
        # Three lines as the other titles have, so that the layout holds (the alt text, which
        # joins the lines, reads as one sentence).
        title = f"{age}: flagged at {now:.0%};\nno change searched makes the model say no\n "
    else:
        title = (f"{age}: flagged at {result.probability_before:.0%}; the model says no "
                 f"({result.probability_after:.0%}) after\n{_describe(result.changes)}\n"
                 f"{format_count(round(result.cost), 'step')} of effort; "
                 f"{format_count(len(result.alternatives), 'counterfactual')} of that cost")
    kept.title.set_text(title)
    return kept.figure


_VERBS = {"systolic_bp_mmhg": ("blood pressure {:+g} mmHg", 1),
          "bmi_kg_m2": ("body-mass index {:+g}", 1),
          "smoker": ("quit smoking", None),
          "exercise_h_per_week": ("exercise {:+g} h/week", 1),
          "cholesterol_mmol_l": ("cholesterol {:+g} mmol/L", 1)}


def _describe(changes) -> str:
    parts = []
    for name, delta in changes.items():
        text, sign = _VERBS[name]
        parts.append(text if sign is None else text.format(delta))
    return ", ".join(parts)
