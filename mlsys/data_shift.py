"""Data in production: messy features, wrong labels, imbalance, shift and when to retrain.

Every dataset here is generated on purpose, so that the truth is known: the clean features
behind the messy ones, the true labels behind the noisy ones, and the exact distribution a
production window was drawn from. The shift taxonomy follows Huyen, DMLS ch.8:

- **covariate shift**: P(X) moves, P(Y|X) stays;
- **label shift**: P(Y) moves, P(X|Y) stays;
- **concept drift**: P(Y|X) moves.

The two detectors are the two-sample Kolmogorov-Smirnov test (statistic computed here, p-value
from ``scipy.stats.ks_2samp``) and the Population Stability Index, whose customary thresholds
(0.10, 0.25) carry no error guarantee (Yurdakul & Naranjo, J. Risk Model Validation).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter
from scipy import optimize, special, stats
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, RobustScaler, StandardScaler

from mlsys._threads import one_thread, single_threaded
from mlsys._validate import check_choice, check_number, check_samples
from mlsys.drawing import cached, keep, reuse
from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate, format_count

#: The three ways production data breaks a clean dataset, in `simulate_messy_data`.
CORRUPTIONS = ("missing", "noise", "outliers")
#: The three kinds of distribution shift, in `sample_world` and `simulate_shift`.
SHIFT_KINDS = ("covariate", "label", "concept")
#: The usual PSI rule of thumb: below 0.10 little change, 0.10-0.25 moderate, above significant.
PSI_THRESHOLDS = (0.10, 0.25)
#: Floor on a bin's share in the PSI, so that an empty bin gives a large but finite term.
PSI_EPSILON = 1e-4
#: Retraining schedules offered by `plot_retraining`.
RETRAINING_SCHEDULES = ("never", "every 20", "every 10", "every 5", "every 1", "on alarm")
#: What the stream's sudden change moves, in `plot_retraining`: the x0 mean, the rule, or both.
SUDDEN_CHANGES = ("mean and rule", "rule only", "mean only")


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_number("seed", seed, low=0, integer=True))


def _check_rate(name, value) -> float:
    return check_number(name, value, low=0, high=1, unit="fraction")


def _accuracy(model, X, y) -> float:
    # model.score(X, y) without its input checks, which cost more than the small models here.
    return float(np.mean(model.predict(X) == y))


def _new_figure(ncols=1):
    return plt.subplots(1, ncols, figsize=FIGSIZE, layout="constrained")


def _three_bars(ax, names, second_colour, *, ylim):
    """Three empty bars on a percent axis (blue, `second_colour` hatched, black dotted) and
    their empty labels, for a plot to update: (bars, labels)."""
    bars = ax.bar(names, np.zeros(3), color=[PALETTE["blue"], PALETTE[second_colour],
                                             PALETTE["black"]])
    for bar, hatch in zip(bars, ["", "//", ".."]):
        bar.set_hatch(hatch)
        bar.set_edgecolor("white")
    labels = ax.bar_label(bars, labels=["", "", ""], fontsize=9)
    ax.set_ylim(*ylim)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_axisbelow(True)
    return bars, labels


def _suptitle(fig):
    # An empty suptitle set where the constrained layout puts it (1 - h_pad from the top), so
    # that the layout, run once, leaves it there: a figure updated in place and a new one drawn
    # with its frozen layout then show it at the same place. Its text is set on each update.
    title = fig.suptitle("")
    title.set_y(1 - fig.get_layout_engine().get()["h_pad"] / fig.get_figheight())
    return title


# ---------------------------------------------------------------------------------------------
# Messy features
# ---------------------------------------------------------------------------------------------

def make_clean_data(n_samples=2_000, seed=0):
    """Return a clean binary classification dataset whose features have real-world units.

    scikit-learn's `make_classification` features are centred near 0 with unit spread; real
    features are not (ages, amounts, counts). Each feature is rescaled by a factor between 1 and
    100 and offset by up to 500, so that "fill a missing value with 0" is as wrong as it is in
    production.

    Parameters
    ----------
    n_samples : int, default 2_000
        Number of rows, ``>= 20``.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 8)
    y : numpy.ndarray of shape (n_samples,)
        Labels 0 or 1, about half of each.

    Examples
    --------
    >>> X, y = make_clean_data(100, seed=1)
    >>> X.shape, sorted(set(y.tolist()))
    ((100, 8), [0, 1])
    """
    n_samples = check_number("n_samples", n_samples, low=20, integer=True)
    rng = _rng(seed)
    X, y = make_classification(n_samples=n_samples, n_features=8, n_informative=5,
                               n_redundant=1, flip_y=0, random_state=int(rng.integers(2**31)))
    scales = rng.uniform(1, 100, size=8)
    offsets = rng.uniform(0, 500, size=8)
    return X * scales + offsets, y


def corrupt_features(X, *, missing_rate=0.0, noise_rate=0.0, outlier_rate=0.0, seed=0):
    """Return a copy of `X` with missing cells, noisy cells and outliers injected at random.

    Each corruption hits a random share of the cells, independently:

    - **missing**: the cell becomes NaN;
    - **noise**: the cell gets Gaussian noise with twice its column's standard deviation;
    - **outliers**: the cell is replaced by its column's mean plus or minus 50 standard
      deviations (a unit error, a sensor stuck at its maximum).

    Parameters
    ----------
    X : array-like of shape (n_rows, n_features)
        Clean features.
    missing_rate, noise_rate, outlier_rate : float, default 0.0
        Share of cells hit by each corruption, each in [0, 1].
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    numpy.ndarray
        The corrupted copy, same shape as `X`.

    Examples
    --------
    >>> X = np.ones((1_000, 2))
    >>> messy = corrupt_features(X, missing_rate=0.1, seed=0)
    >>> round(float(np.isnan(messy).mean()), 2)
    0.1
    """
    X = np.array(X, dtype=float)
    if X.ndim != 2 or X.size == 0:
        raise ValueError(f"X must be a non-empty 2-D array (rows, features); got shape {X.shape}")
    rates = {name: _check_rate(name, value) for name, value in
             [("missing_rate", missing_rate), ("noise_rate", noise_rate),
              ("outlier_rate", outlier_rate)]}
    rng = _rng(seed)
    mean, sd = X.mean(axis=0), X.std(axis=0) + 1e-12
    noisy = rng.random(X.shape) < rates["noise_rate"]
    X = X + noisy * rng.normal(0, 2 * sd, size=X.shape)
    outliers = rng.random(X.shape) < rates["outlier_rate"]
    sign = rng.choice([-1.0, 1.0], size=X.shape)
    X = np.where(outliers, mean + sign * 50 * sd, X)
    X[rng.random(X.shape) < rates["missing_rate"]] = np.nan
    return X


def make_naive_pipeline():
    """Return the pipeline a first prototype often has: fill NaN with 0, standardise, fit.

    Examples
    --------
    >>> make_naive_pipeline().steps[-1][0]
    'logisticregression'
    """
    return make_pipeline(SimpleImputer(strategy="constant", fill_value=0.0), StandardScaler(),
                         LogisticRegression(max_iter=1_000))


def _clip(X):
    return np.clip(X, -5, 5)


def make_robust_pipeline():
    """Return a pipeline that expects messy data: median imputation, robust scaling, clipping.

    The imputer fills a missing cell with its column's median and adds a "was missing" indicator;
    `RobustScaler` centres on the median and divides by the interquartile range, which outliers
    barely move; clipping at 5 scaled units stops an outlier from dominating a prediction.

    Examples
    --------
    >>> [name for name, _ in make_robust_pipeline().steps]
    ['simpleimputer', 'robustscaler', 'functiontransformer', 'logisticregression']
    """
    return make_pipeline(SimpleImputer(strategy="median", add_indicator=True), RobustScaler(),
                         FunctionTransformer(_clip), LogisticRegression(max_iter=1_000))


@dataclass(frozen=True)
class MessyResult:
    """Test accuracy of the naive and the robust pipeline on corrupted data."""

    corruption: str          # "missing", "noise" or "outliers"
    rate: float              # share of cells corrupted, in train and test alike
    naive_accuracy: float    # fraction of clean test labels predicted right
    robust_accuracy: float


@cached(maxsize=32)
def _messy_fit(corruption, rate, n_samples, seed):
    # The clean data, its corrupted copy and both pipelines fitted on the corrupted first half.
    X_clean, y = make_clean_data(n_samples, seed=seed)
    rate_name = {"missing": "missing_rate", "noise": "noise_rate", "outliers": "outlier_rate"}
    X = corrupt_features(X_clean, **{rate_name[corruption]: rate}, seed=seed + 1)
    half = len(y) // 2
    with one_thread():
        pipelines = tuple(pipeline.fit(X[:half], y[:half])
                          for pipeline in (make_naive_pipeline(), make_robust_pipeline()))
    return X_clean, X, y, half, pipelines


def simulate_messy_data(corruption, rate, *, n_samples=2_000, seed=0) -> MessyResult:
    """Corrupt a share of the cells of a clean dataset and score both pipelines.

    Half the rows train, half test; the corruption hits both halves (production data is as
    messy as training data). Labels stay clean, so accuracy measures the features' damage only.

    Parameters
    ----------
    corruption : {"missing", "noise", "outliers"}
        Which corruption to inject (see `corrupt_features`).
    rate : float
        Share of cells corrupted, in [0, 1].
    n_samples : int, default 2_000
        Rows in all, ``>= 20``.
    seed : int, default 0
        Seed of the data and the corruption.

    Returns
    -------
    MessyResult

    Examples
    --------
    >>> result = simulate_messy_data("missing", 0.2)
    >>> result.naive_accuracy, result.robust_accuracy
    (0.647, 0.748)
    """
    corruption = check_choice("corruption", corruption, CORRUPTIONS)
    rate = _check_rate("rate", rate)
    n_samples = check_number("n_samples", n_samples, low=20, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    _, X, y, half, pipelines = _messy_fit(corruption, rate, n_samples, seed)
    with one_thread():
        scores = [_accuracy(pipeline, X[half:], y[half:]) for pipeline in pipelines]
    return MessyResult(corruption, rate, *scores)


#: Shares of corrupted cells offered by the explorer of `plot_messy_data`.
MESSY_RATES = (0.0, 0.05, 0.1, 0.2, 0.4)
#: Half-width of the axis of `plot_messy_data`, in scaled units; values beyond pile at its edges.
MESSY_AXIS = 8.0


def scaled_feature(corruption, rate, pipeline, *, n_samples=2_000, seed=0) -> tuple:
    """Return one feature of the test rows as a pipeline's preprocessing hands it to the model.

    The feature is the one with the largest offset from zero relative to its spread (the one
    that filling a missing value with 0 puts farthest from any real value). The steps before the
    logistic regression are fitted on the corrupted training half, as in `simulate_messy_data`.

    Parameters
    ----------
    corruption : {"missing", "noise", "outliers"}
    rate : float
        Share of cells corrupted, in [0, 1].
    pipeline : {"naive", "robust"}
    n_samples : int, default 2_000
    seed : int, default 0

    Returns
    -------
    (corrupted, clean) : two numpy arrays of shape (n_samples - n_samples // 2,)
        The corrupted test column after the pipeline's steps, and the clean test column after
        the same steps fitted on clean data: what the model would see with no corruption.

    Examples
    --------
    >>> messy, clean = scaled_feature("outliers", 0.1, "naive")
    >>> float(np.std(messy)) > 3 * float(np.std(np.clip(messy, -1, 1)))
    True
    """
    corruption = check_choice("corruption", corruption, CORRUPTIONS)
    rate = _check_rate("rate", rate)
    which = ("naive", "robust").index(check_choice("pipeline", pipeline, ("naive", "robust")))
    n_samples = check_number("n_samples", n_samples, low=20, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    X_clean, X, _, half, pipelines = _messy_fit(corruption, rate, n_samples, seed)
    _, _, _, _, clean_pipelines = _messy_fit(corruption, 0.0, n_samples, seed)
    column = int(np.argmax(np.abs(X_clean[:half].mean(axis=0)) / X_clean[:half].std(axis=0)))
    with one_thread():
        messy = pipelines[which][:-1].transform(X[half:])[:, column]
        clean = clean_pipelines[which][:-1].transform(X_clean[half:])[:, column]
    return messy, clean


#: Heights of the axis of `plot_messy_data`, as shares of the test rows: the lowest that fits the
#: tallest bar with 5% to spare (the tick labels are as wide at each, so the layout holds).
MESSY_HEIGHTS = (0.15, 0.3, 0.65, 0.95)
_MESSY_EDGES = np.linspace(-MESSY_AXIS, MESSY_AXIS, 65)
_MESSY_PIPELINES = ("naive", "robust")


@cached(maxsize=128)
def _messy_view(corruption, rate, seed):
    # What plot_messy_data shows: per pipeline, the shares of the test rows in each bin for the
    # corrupted and the clean column, and the shares beyond each edge; and both accuracies.
    edges = _MESSY_EDGES
    panels = []
    for name in _MESSY_PIPELINES:
        messy, clean = scaled_feature(corruption, rate, name, seed=seed)
        share = np.full(messy.size, 1 / messy.size)
        shown = np.clip(messy, edges[0] + 1e-9, edges[-1] - 1e-9)
        counts = [np.histogram(values, edges, weights=share)[0] for values in (shown, clean)]
        for array in counts:
            array.setflags(write=False)  # shared by every call with these arguments
        panels.append((*counts, float(np.mean(messy < edges[0])),
                       float(np.mean(messy > edges[-1]))))
    return simulate_messy_data(corruption, rate, seed=seed), tuple(panels)


def plot_messy_data(corruption, rate, *, seed=0, figure=None) -> Figure:
    """Plot one feature as each pipeline hands it to the model, with both test accuracies.

    Left the naive pipeline (fill 0, standardise), right the robust one (median and indicator,
    median and IQR, clip at 5): a histogram of the corrupted test column after the pipeline's
    steps, and the clean column after the same steps as an outline. Values beyond
    ±`MESSY_AXIS` scaled units pile into the edge bins, labelled with their share.

    Parameters
    ----------
    corruption : {"missing", "noise", "outliers"}
        Which corruption to show.
    rate : float
        Share of corrupted cells, in [0, 1].
    seed : int, default 0
        Seed of the data and the corruption.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_messy_data("outliers", 0.1)
    >>> fig.get_suptitle().startswith("10% outliers")
    True
    """
    corruption = check_choice("corruption", corruption, CORRUPTIONS)
    rate = _check_rate("rate", rate)
    seed = check_number("seed", seed, low=0, integer=True)
    result, panels = _messy_view(corruption, rate, seed)
    edges = _MESSY_EDGES
    kept = reuse(figure, plot_messy_data)
    if kept is None:
        fig, axes = _new_figure(ncols=2)
        parts = []
        for ax, colour in zip(axes, ["vermillion", "blue"]):
            # One artist per histogram (`stairs`), its shares set below.
            messy = ax.stairs(np.zeros(len(edges) - 1), edges, fill=True,
                              color=PALETTE[colour], alpha=0.7)
            clean = ax.stairs(np.zeros(len(edges) - 1), edges, color=PALETTE["black"], lw=1.5,
                              linestyle=LINESTYLES[1])
            beyond = [ax.annotate("", (side * MESSY_AXIS, 0.02), fontsize=8,
                                  ha="left" if side < 0 else "right") for side in (-1, 1)]
            ax.set_xlim(edges[0] - 0.8, edges[-1] + 0.8)
            ax.set_axisbelow(True)  # the histograms redraw over the grid, not the grid over them
            ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
            decorate(ax, xlabel="scaled feature value", ylabel="share of test rows")
            # The outline's legend handle is a box, as a step histogram's is, not a line.
            outline = Patch(fill=False, edgecolor=PALETTE["black"], lw=1.5,
                            linestyle=LINESTYLES[1])
            legend = ax.legend(handles=[messy, outline], labels=["", "clean data"],
                               loc="upper left", fontsize=7)
            parts.append((messy, clean, beyond, legend, ax.set_title("", loc="left")))
        kept = keep(fig, plot_messy_data, panels=parts, suptitle=_suptitle(fig))
    steps = {"naive": "fill 0, standardise", "robust": "median, IQR, clip"}
    peak = max(counts.max() for panel in panels for counts in panel[:2])
    height = next((h for h in MESSY_HEIGHTS if 1.05 * peak <= h), 1.05 * peak)
    for (messy, clean, beyond, legend, title), name, (messy_counts, clean_counts, *shares) in zip(
            kept.panels, _MESSY_PIPELINES, panels):
        messy.set_data(messy_counts)
        clean.set_data(clean_counts)
        for text, share in zip(beyond, shares):
            text.set_text(f"{share:.0%} beyond")
            text.set_visible(share > 0)
        legend.texts[0].set_text(f"{rate:.0%} {corruption}")
        title.set_text(f"{name} ({steps[name]}): {getattr(result, f'{name}_accuracy'):.0%}")
        if messy.axes.get_ylim() != (0, height):  # setting a limit, even unchanged, redraws all
            messy.axes.set_ylim(0, height)
    kept.suptitle.set_text(f"{rate:.0%} {corruption} cells: naive {result.naive_accuracy:.0%}, "
                           f"robust {result.robust_accuracy:.0%} accuracy")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Wrong labels
# ---------------------------------------------------------------------------------------------

def flip_labels(y, rate, *, seed=0) -> np.ndarray:
    """Return a copy of binary labels `y` with each label flipped with probability `rate`.

    Unlike `make_classification(flip_y=...)`, which re-draws labels and so flips only about half
    of those it touches, each label here flips with exactly the probability given.

    Examples
    --------
    >>> y = np.zeros(10_000, dtype=int)
    >>> float(flip_labels(y, 0.1, seed=0).mean())
    0.1033
    """
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0 or not np.isin(y, (0, 1)).all():
        raise ValueError("y must be a non-empty 1-D array of labels 0 and 1")
    rate = _check_rate("rate", rate)
    return np.where(_rng(seed).random(y.size) < rate, 1 - y, y)


def expected_measured_accuracy(true_accuracy, noise_rate) -> float:
    """Return the accuracy measured on test labels that are each flipped with `noise_rate`.

    A prediction counts as right when it matches the recorded label. A right prediction stays
    right when its label is kept, a wrong one becomes "right" when its label flips:
    ``a (1 - r) + (1 - a) r``.

    Examples
    --------
    >>> round(expected_measured_accuracy(0.9, 0.1), 3)
    0.82
    """
    a = _check_rate("true_accuracy", true_accuracy)
    r = _check_rate("noise_rate", noise_rate)
    return a * (1 - r) + (1 - a) * r


@dataclass(frozen=True)
class LabelNoiseResult:
    """What a team sees, and what is true, when labels are wrong at a given rate."""

    noise_rate: float              # probability that a recorded label is flipped
    train_accuracy: float          # against the noisy training labels
    measured_test_accuracy: float  # against the noisy test labels: what the team reports
    true_test_accuracy: float      # against the true test labels: what users get


@single_threaded
def simulate_label_noise(noise_rate, *, n_samples=4_000, seed=0) -> LabelNoiseResult:
    """Train a logistic regression on labels flipped at `noise_rate` and score it both ways.

    Both the training and the test labels are noisy, as when one labelling process makes both.

    Examples
    --------
    >>> result = simulate_label_noise(0.2)
    >>> result.measured_test_accuracy < result.true_test_accuracy
    True
    """
    noise_rate = _check_rate("noise_rate", noise_rate)
    n_samples = check_number("n_samples", n_samples, low=20, integer=True)
    X, y = make_classification(n_samples=n_samples, n_features=10, n_informative=4,
                               flip_y=0, class_sep=1.5, random_state=seed)
    noisy = flip_labels(y, noise_rate, seed=seed)
    half = n_samples // 2
    model = LogisticRegression(max_iter=1_000).fit(X[:half], noisy[:half])
    predictions = model.predict(X[half:])
    return LabelNoiseResult(noise_rate, _accuracy(model, X[:half], noisy[:half]),
                            float(np.mean(predictions == noisy[half:])),
                            float(np.mean(predictions == y[half:])))


#: Flip rates of each class offered by the explorer of `plot_label_noise`.
CLASS_FLIP_RATES = (0.0, 0.1, 0.2, 0.3, 0.4)
#: Distance of each class's mean from 0 in `simulate_class_noise`, in standard deviations.
CLASS_SEPARATION = 1.0


@dataclass(frozen=True)
class ClassNoiseResult:
    """A logistic regression trained on labels that flip at a different rate in each class."""

    flip_positive: float     # share of positives recorded as negative
    flip_negative: float     # share of negatives recorded as positive
    boundary: float          # the learned model's threshold on the feature, in sd
    true_accuracy: float     # against the true test labels: what users get
    measured_accuracy: float  # against the recorded test labels: what the team reports
    best_accuracy: float     # of the best rule (feature > 0) against the true test labels


def noisy_bayes_boundary(flip_positive, flip_negative) -> float:
    """Return the cut on the feature of `simulate_class_noise` that best fits the recorded labels.

    A recorded label is positive with probability ``r0 + (1 - r0 - r1) p(x)``, where ``p(x)`` is
    the true probability, ``r1`` the flip rate of positives and ``r0`` that of negatives. It
    exceeds one half where ``p(x) > (1/2 - r0) / (1 - r0 - r1)``; with classes at ±1 sd,
    ``p(x) = sigmoid(2x)``. Equal rates leave the cut at 0; unequal ones move it into the class
    whose labels flip more. A model that fits the recorded labels perfectly learns this cut; a
    logistic regression moves further, since the recorded labels' probability is not logistic.

    Examples
    --------
    >>> noisy_bayes_boundary(0.2, 0.2)
    0.0
    >>> round(noisy_bayes_boundary(0.3, 0.0), 3)
    0.458
    """
    r1 = check_number("flip_positive", flip_positive, low=0, high=0.5, high_open=True,
                      unit="fraction")
    r0 = check_number("flip_negative", flip_negative, low=0, high=0.5, high_open=True,
                      unit="fraction")
    if r0 == r1:
        return 0.0  # exactly, not up to rounding
    cut = (0.5 - r0) / (1 - r0 - r1)
    return float(special.logit(cut) / (2 * CLASS_SEPARATION))


@cached(maxsize=128)
def _class_noise(flip_positive, flip_negative, n_samples, seed):
    rng = np.random.default_rng(seed)
    y = (rng.random(n_samples) < 0.5).astype(int)
    x = rng.normal(np.where(y == 1, CLASS_SEPARATION, -CLASS_SEPARATION), 1.0)
    flips = rng.random(n_samples) < np.where(y == 1, flip_positive, flip_negative)
    recorded = np.where(flips, 1 - y, y)
    half = n_samples // 2
    with one_thread():
        model = LogisticRegression().fit(x[:half, None], recorded[:half])
    boundary = float(-model.intercept_[0] / model.coef_[0, 0])
    predicted = (x[half:] > boundary).astype(int)
    result = ClassNoiseResult(flip_positive, flip_negative, boundary,
                              float(np.mean(predicted == y[half:])),
                              float(np.mean(predicted == recorded[half:])),
                              float(np.mean((x[half:] > 0) == y[half:])))
    x, recorded = x[:half].copy(), recorded[:half].copy()
    for array in (x, recorded):
        array.setflags(write=False)  # shared by every call with these arguments
    return x, recorded, result


def simulate_class_noise(flip_positive, flip_negative, *, n_samples=4_000, seed=0):
    """Flip each class's labels at its own rate, train a logistic regression, score it both ways.

    One feature; the two classes, half of the rows each, are normal with unit spread around
    ±`CLASS_SEPARATION`, so the best rule is "positive above 0" whatever the noise. A positive's
    label is recorded as negative with probability `flip_positive`, a negative's as positive with
    `flip_negative`, in training and test alike (one labelling process makes both). Half the rows
    train, half test.

    Parameters
    ----------
    flip_positive, flip_negative : float
        Flip rate of each class, each in [0, 0.5).
    n_samples : int, default 4_000
        Rows in all, ``>= 20``.
    seed : int, default 0
        Seed of the data and the flips.

    Returns
    -------
    ClassNoiseResult

    Examples
    --------
    >>> result = simulate_class_noise(0.3, 0.0)
    >>> result.boundary > 0, result.true_accuracy < result.best_accuracy
    (True, True)
    """
    flip_positive = check_number("flip_positive", flip_positive, low=0, high=0.5,
                                 high_open=True, unit="fraction")
    flip_negative = check_number("flip_negative", flip_negative, low=0, high=0.5,
                                 high_open=True, unit="fraction")
    n_samples = check_number("n_samples", n_samples, low=20, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    return _class_noise(flip_positive, flip_negative, n_samples, seed)[2]


def plot_label_noise(flip_positive, flip_negative, *, seed=0, figure=None) -> Figure:
    """Plot what the model learns from labels that flip at a different rate in each class.

    Left: histograms of the feature for the training rows *recorded* positive and recorded
    negative, the best rule (solid, at 0) and the learned boundary (dashed). Right: the model's
    true accuracy, the accuracy the noisy test set reports, and the best rule's accuracy.

    Parameters
    ----------
    flip_positive, flip_negative : float
        Flip rate of each class, each in [0, 0.5) (see `simulate_class_noise`).
    seed : int, default 0
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_label_noise(0.3, 0.0)
    >>> fig.get_suptitle().startswith("30% of positives")
    True
    """
    result = simulate_class_noise(flip_positive, flip_negative, seed=seed)
    x, recorded, _ = _class_noise(result.flip_positive, result.flip_negative, 4_000, seed)
    edges = np.linspace(-4.5, 4.5, 46)
    kept = reuse(figure, plot_label_noise)
    if kept is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained",
                                          gridspec_kw={"width_ratios": [1.6, 1]})
        # One artist per histogram (`stairs`), its shares set below.
        positive = left.stairs(np.zeros(len(edges) - 1), edges, fill=True,
                               color=PALETTE["blue"], alpha=0.5)
        negative = left.stairs(np.zeros(len(edges) - 1), edges, color=PALETTE["orange"], lw=2,
                               linestyle=LINESTYLES[1])
        best = left.axvline(0, color=PALETTE["black"], lw=1.5)
        boundary = left.axvline(0, color=PALETTE["vermillion"], lw=2, linestyle=LINESTYLES[2])
        # Fixed: at flip rates below 0.5 a bin holds at most 5.1% of the training rows.
        left.set_xlim(edges[0] - 0.45, edges[-1] + 0.45)
        left.set_ylim(0, 0.055)
        left.set_axisbelow(True)  # the histograms redraw over the grid, not the grid over them
        left.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        decorate(left, xlabel="feature (sd)", ylabel="share of training rows")
        # The outline's legend handle is a box, as a step histogram's is, not a line.
        outline = Patch(fill=False, edgecolor=PALETTE["orange"], lw=2, linestyle=LINESTYLES[1])
        left.legend(handles=[positive, outline, best, boundary],
                    labels=["recorded positive", "recorded negative", "best rule",
                            "learned boundary"], loc="upper left", fontsize=7)
        bars, values = _three_bars(right, ["true", "measured", "best rule"], "vermillion",
                                   ylim=(0.4, 1.0))
        decorate(right, xlabel="accuracy on the test rows", ylabel="accuracy",
                 title="true vs measured")
        kept = keep(fig, plot_label_noise, rows=[positive, negative], boundary=boundary,
                    bars=bars, values=values, title=left.set_title("", loc="left"),
                    suptitle=_suptitle(fig))
    share = np.full(x.size, 1 / x.size)
    for rows, label in zip(kept.rows, (1, 0)):
        rows.set_data(np.histogram(x[recorded == label], edges,
                                   weights=share[recorded == label])[0])
    kept.boundary.set_xdata([result.boundary, result.boundary])
    kept.title.set_text(f"learned boundary at {result.boundary:+.2f} sd")
    accuracies = [result.true_accuracy, result.measured_accuracy, result.best_accuracy]
    for bar, text, accuracy in zip(kept.bars, kept.values, accuracies):
        bar.set_height(accuracy)
        text.xy = (bar.get_x() + bar.get_width() / 2, accuracy)
        text.set_text(f"{accuracy:.0%}")
    kept.suptitle.set_text(f"{result.flip_positive:.0%} of positives and "
                           f"{result.flip_negative:.0%} of negatives mislabelled: true accuracy "
                           f"{result.true_accuracy:.0%}, measured {result.measured_accuracy:.0%}")
    return kept.figure


def out_of_fold_probabilities(X, y, *, n_folds=5, seed=0) -> np.ndarray:
    """Return each row's class probabilities from a model that never saw that row's label.

    `cross_val_predict` splits the rows into `n_folds` folds, fits the chapter's boosted trees
    (60 iterations, as deployed in section 4) on the other folds and predicts the held-out one. A
    model scored on its own training rows has learned their labels, wrong ones included, and
    vouches for them; out of fold it can disagree.

    Parameters
    ----------
    X : array of shape (n_rows, n_features)
    y : array of shape (n_rows,)
        The given labels, 0 and 1, each class at least `n_folds` times.
    n_folds : int, default 5
        Number of folds, ``>= 2``.
    seed : int, default 0
        Seed of the fold assignment.

    Returns
    -------
    numpy.ndarray of shape (n_rows, 2): P(y = 0 | x) and P(y = 1 | x).

    Examples
    --------
    >>> X, y = sample_world(400, seed=0)
    >>> out_of_fold_probabilities(X, y).shape
    (400, 2)
    """
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("X must be a 2-D array of numbers") from None
    if X.ndim != 2 or X.shape[0] == 0 or not np.isfinite(X).all():
        raise ValueError("X must be a non-empty 2-D array of finite numbers")
    y = _check_binary_labels("y", y, X.shape[0])
    n_folds = check_number("n_folds", n_folds, low=2, integer=True)
    if np.bincount(y, minlength=2).min() < n_folds:
        raise ValueError(f"y must hold each class at least n_folds = {n_folds} times")
    folds = StratifiedKFold(n_folds, shuffle=True,
                            random_state=check_number("seed", seed, low=0, integer=True))
    with one_thread():
        return cross_val_predict(HistGradientBoostingClassifier(max_iter=60, random_state=0), X,
                                 y, cv=folds, method="predict_proba")


def _check_binary_labels(name, y, n_rows=None) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim != 1 or y.size == 0 or not np.isin(y, (0, 1)).all():
        raise ValueError(f"{name} must be a non-empty 1-D array of labels 0 and 1")
    if n_rows is not None and y.size != n_rows:
        raise ValueError(f"{name} must hold one label per row ({n_rows}); got {y.size}")
    return y.astype(int)


def find_label_issues(probabilities, given_labels, threshold=0.2) -> np.ndarray:
    """Flag the rows whose given label gets an out-of-fold probability below `threshold`.

    The probability a model gives a row's own label is its *self-confidence*; a low one means
    that a model trained on the other rows expects another label here. Confident learning
    (Northcutt, Jiang & Chuang) refines the cut, one threshold per class; the idea is this one.

    Examples
    --------
    >>> P = np.array([[0.9, 0.1], [0.3, 0.7], [0.95, 0.05]])
    >>> find_label_issues(P, [0, 0, 1]).tolist()
    [False, False, True]
    """
    try:
        P = np.asarray(probabilities, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("probabilities must be an array of numbers of shape (n_rows, 2)") from None
    if P.ndim != 2 or P.shape[1] != 2 or P.shape[0] == 0 or not np.isfinite(P).all():
        raise ValueError("probabilities must be a non-empty array of shape (n_rows, 2)")
    if P.min() < 0 or P.max() > 1:
        raise ValueError("probabilities must lie in [0, 1]")
    y = _check_binary_labels("given_labels", given_labels, P.shape[0])
    threshold = check_number("threshold", threshold, low=0, high=1, low_open=True,
                             unit="probability")
    return P[np.arange(y.size), y] < threshold


@dataclass(frozen=True)
class LabelAuditResult:
    """How well flags on low self-confidence find the labels that were flipped."""

    noise_rate: float
    threshold: float
    n_flipped: int      # labels actually flipped
    n_flagged: int      # rows flagged for review
    precision: float    # share of flagged rows whose label was flipped
    recall: float       # share of flipped labels that were flagged


def _audit_scores(flags, flipped, noise_rate, threshold) -> LabelAuditResult:
    hits = int(np.sum(flags & flipped))
    n_flagged, n_flipped = int(flags.sum()), int(flipped.sum())
    return LabelAuditResult(noise_rate, threshold, n_flipped, n_flagged,
                            hits / n_flagged if n_flagged else float("nan"),
                            hits / n_flipped if n_flipped else float("nan"))


@cached(maxsize=8)
def _noisy_world(noise_rate, n_samples, seed):
    X, y = sample_world(n_samples, seed=seed)
    return X, y, flip_labels(y, noise_rate, seed=seed)


def simulate_label_audit(noise_rate=0.1, thresholds=(0.5, 0.2, 0.1), *, n_samples=2_000,
                         in_sample=False, seed=0) -> tuple:
    """Flip labels at `noise_rate`, flag low self-confidence, score the flags against the truth.

    The data is the chapter's parabola world (`sample_world`). With ``in_sample=True`` the
    probabilities come from the classic mistake instead: boosted trees grown to memorise (200
    iterations, leaves of one row) and scored on the very rows they were trained on.

    Returns
    -------
    tuple of LabelAuditResult, one per threshold.

    Examples
    --------
    >>> audit = simulate_label_audit(0.1, (0.2,))
    >>> audit[0].precision > 0.1    # better than relabelling rows at random
    True
    """
    noise_rate = _check_rate("noise_rate", noise_rate)
    if isinstance(thresholds, (str, bytes)) or np.ndim(thresholds) != 1 or not len(thresholds):
        raise ValueError("thresholds must be a non-empty sequence of probabilities in (0, 1]")
    thresholds = tuple(check_number("thresholds", t, low=0, high=1, low_open=True,
                                    unit="probability") for t in thresholds)
    n_samples = check_number("n_samples", n_samples, low=100, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    if in_sample:
        X, y, noisy = _noisy_world(noise_rate, n_samples, seed)
        with one_thread():
            model = HistGradientBoostingClassifier(max_iter=200, max_leaf_nodes=63,
                                                   min_samples_leaf=1, random_state=0)
            P = model.fit(X, noisy).predict_proba(X)
        confidence, flipped = P[np.arange(noisy.size), noisy], noisy != y
    else:
        # The audit that `self_confidence` and the explorer show: one set of folds fitted.
        confidence, flipped = _audit_probabilities(noise_rate, n_samples, seed)
    # find_label_issues(P, noisy, t) on the probabilities of the given labels.
    return tuple(_audit_scores(confidence < t, flipped, noise_rate, t) for t in thresholds)


#: Flip rates and thresholds offered by the explorer of `plot_label_audit`.
AUDIT_NOISE_RATES = (0.05, 0.1, 0.2, 0.3)
AUDIT_THRESHOLDS = (0.1, 0.2, 0.3, 0.5)


@cached(maxsize=64)
def _audit_probabilities(noise_rate, n_samples, seed):
    # Each row's out-of-fold probability of its given label, and whether it was flipped: one
    # 5-fold boosted audit per flip rate and seed, shared by `simulate_label_audit`,
    # `self_confidence` and the explorer (64: the ledger's 3 flip rates on 20 seeds).
    X, y, noisy = _noisy_world(noise_rate, n_samples, seed)
    P = out_of_fold_probabilities(X, noisy, seed=seed)
    confidence, flipped = P[np.arange(noisy.size), noisy], noisy != y
    for array in (confidence, flipped):
        array.setflags(write=False)  # shared by every call with these arguments
    return confidence, flipped


def self_confidence(noise_rate=0.1, *, n_samples=2_000, seed=0) -> tuple:
    """Return each row's out-of-fold probability of its given label, and whether it was flipped.

    The data is the chapter's parabola world with labels flipped at `noise_rate`, as in
    `simulate_label_audit`; the probabilities come from `out_of_fold_probabilities`.

    Returns
    -------
    (confidence, flipped) : two numpy arrays of shape (n_samples,)

    Examples
    --------
    >>> confidence, flipped = self_confidence(0.1)
    >>> bool(np.median(confidence[flipped]) < 0.5 < np.median(confidence[~flipped]))
    True
    """
    noise_rate = _check_rate("noise_rate", noise_rate)
    n_samples = check_number("n_samples", n_samples, low=100, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    confidence, flipped = _audit_probabilities(noise_rate, n_samples, seed)
    return confidence.copy(), flipped.copy()


def plot_label_audit(noise_rate, threshold, *, seed=0, figure=None) -> Figure:
    """Plot the self-confidence of kept and flipped labels, and what a threshold flags.

    Left: histograms (log scale) of each row's out-of-fold probability of its given label, for
    the rows whose label was kept and those whose label was flipped, with the threshold: every
    row left of it is flagged. Right: bars of the audit's precision and recall at that
    threshold, and the precision of a random audit (the flip rate). The out-of-fold
    probabilities depend on `noise_rate` only: moving the threshold does not re-run the audit.

    Parameters
    ----------
    noise_rate : float
        Share of labels flipped, in [0, 1].
    threshold : float
        Rows whose given label has a probability below this are flagged, in (0, 1].
    seed : int, default 0
        Seed of the data, the flips and the folds.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_label_audit(0.1, 0.2)
    >>> fig.get_suptitle().startswith("10% of labels flipped")
    True
    """
    threshold = check_number("threshold", threshold, low=0, high=1, low_open=True,
                             unit="probability")
    confidence, flipped = self_confidence(noise_rate, seed=seed)
    audit = _audit_scores(confidence < threshold, flipped, noise_rate, threshold)
    edges = np.linspace(0, 1, 21)
    kept = reuse(figure, plot_label_audit)
    if kept is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained",
                                          gridspec_kw={"width_ratios": [1.7, 1]})
        # One artist per histogram (`stairs`), its counts set below.
        kept_rows = left.stairs(np.ones(len(edges) - 1), edges, fill=True,
                                color=PALETTE["blue"], alpha=0.5, label="label kept")
        flipped_rows = left.stairs(np.ones(len(edges) - 1), edges, color=PALETTE["vermillion"],
                                   lw=2, linestyle=LINESTYLES[1], label="label flipped")
        line = left.axvline(threshold, color=PALETTE["black"], lw=1.5, linestyle=LINESTYLES[2])
        left.set_yscale("log")
        # Fixed: the flip rates of the explorer give at most 680 rows in a bin.
        left.set_xlim(-0.05, 1.05)
        left.set_ylim(0.8, 1_000)
        left.set_axisbelow(True)  # the histograms redraw over the grid, not the grid over them
        decorate(left, xlabel="out-of-fold probability of the given label",
                 ylabel="rows (log scale)")
        # The outline's legend handle is a box, as a step histogram's is, not a line.
        outline = Patch(fill=False, edgecolor=PALETTE["vermillion"], lw=2,
                        linestyle=LINESTYLES[1])
        legend = left.legend(handles=[kept_rows, outline, line],
                             labels=["label kept", "label flipped", "threshold"],
                             loc="upper left", fontsize=7, framealpha=0.9)
        bars, values = _three_bars(right, ["precision", "recall", "random\naudit"], "orange",
                                   ylim=(0, 1.05))
        decorate(right, xlabel="the audit at this threshold", ylabel="share",
                 title="precision and recall")
        kept = keep(fig, plot_label_audit, rows=[kept_rows, flipped_rows], line=line,
                    legend=legend, bars=bars, values=values,
                    title=left.set_title("", loc="left"), suptitle=_suptitle(fig))
    for rows, shown in zip(kept.rows, (confidence[~flipped], confidence[flipped])):
        rows.set_data(np.histogram(shown, edges)[0])
    kept.line.set_xdata([threshold, threshold])
    kept.legend.texts[2].set_text(f"threshold {threshold:g}: flag left")
    kept.title.set_text(f"{format_count(audit.n_flagged, 'row')} flagged of {flipped.size:,}")
    shares = [0.0 if np.isnan(v) else v for v in (audit.precision, audit.recall, noise_rate)]
    for bar, text, share in zip(kept.bars, kept.values, shares):
        bar.set_height(share)
        text.xy = (bar.get_x() + bar.get_width() / 2, share)
        text.set_text(f"{share:.0%}")
    kept.suptitle.set_text(f"{noise_rate:.0%} of labels flipped, threshold {threshold:g}: "
                           f"precision {audit.precision:.0%}, recall {audit.recall:.0%}")
    return kept.figure

# ---------------------------------------------------------------------------------------------
# Imbalanced labels
# ---------------------------------------------------------------------------------------------

def make_imbalanced_data(positive_rate, *, n_samples=4_000, seed=0):
    """Return a dataset whose positive class (label 1) has share `positive_rate`.

    Examples
    --------
    >>> X, y = make_imbalanced_data(0.05, n_samples=1_000)
    >>> round(float(y.mean()), 2)
    0.05
    """
    positive_rate = check_number("positive_rate", positive_rate, low=0, high=0.5, low_open=True,
                                 unit="fraction")
    n_samples = check_number("n_samples", n_samples, low=20, integer=True)
    return make_classification(n_samples=n_samples, n_features=10, n_informative=4,
                               weights=[1 - positive_rate], flip_y=0, class_sep=0.8,
                               random_state=seed)


@dataclass(frozen=True)
class ImbalanceMetrics:
    """Four ways to score one model on the same imbalanced test set (each in [0, 1])."""

    accuracy: float   # share of all predictions that are right
    precision: float  # share of predicted positives that are positive (0 if none predicted)
    recall: float     # share of positives that were found
    pr_auc: float     # area under the precision-recall curve (average precision)


def compute_imbalance_metrics(y_true, y_score, threshold=0.5) -> ImbalanceMetrics:
    """Score predicted probabilities of the positive class at a decision threshold.

    Parameters
    ----------
    y_true : array-like of 0/1
        True labels; must contain at least one positive.
    y_score : array-like of float
        Predicted probability of class 1 for each row, in [0, 1].
    threshold : float, default 0.5
        Predict 1 when the score is at least this, in [0, 1].

    Examples
    --------
    >>> y = np.array([0] * 98 + [1] * 2)
    >>> compute_imbalance_metrics(y, np.zeros(100))
    ImbalanceMetrics(accuracy=0.98, precision=0.0, recall=0.0, pr_auc=0.02)
    """
    y_true = check_samples("y_true", y_true)
    y_score = check_samples("y_score", y_score)
    if y_true.size != y_score.size:
        raise ValueError(f"y_true and y_score must have the same length; got {y_true.size} and "
                         f"{y_score.size}")
    if not np.isin(y_true, (0, 1)).all() or y_true.sum() == 0:
        raise ValueError("y_true must hold labels 0 and 1, with at least one positive")
    if y_score.min() < 0 or y_score.max() > 1:
        raise ValueError("y_score must be probabilities in [0, 1]")
    threshold = _check_rate("threshold", threshold)
    flagged, positive = y_score >= threshold, y_true == 1
    true_positives = np.sum(flagged & positive)
    return ImbalanceMetrics(
        round(float(np.mean(flagged == positive)), 6),
        round(float(true_positives / flagged.sum()) if flagged.any() else 0.0, 6),
        round(float(true_positives / positive.sum()), 6),
        round(float(average_precision_score(y_true, y_score)), 6))


IMBALANCE_MODELS = ("always negative", "logistic", "logistic, balanced weights")


@cached(maxsize=64)
def _imbalance_scores(positive_rate, seed):
    X, y = make_imbalanced_data(positive_rate, seed=seed)
    half = len(y) // 2
    models = [DummyClassifier(strategy="most_frequent"), LogisticRegression(max_iter=1_000),
              LogisticRegression(max_iter=1_000, class_weight="balanced")]
    with one_thread():
        scores = tuple(m.fit(X[:half], y[:half]).predict_proba(X[half:])[:, 1] for m in models)
    y_test = y[half:].copy()
    for array in (y_test, *scores):
        array.setflags(write=False)  # shared by every call with these arguments
    return y_test, scores


def simulate_imbalance(positive_rate, threshold=0.5, *, seed=0) -> dict:
    """Score three models on an imbalanced test set: the majority class and two logistic fits.

    Returns
    -------
    dict
        ``"always negative"``, ``"logistic"`` and ``"logistic, balanced weights"`` mapped to
        their `ImbalanceMetrics`.

    Examples
    --------
    >>> result = simulate_imbalance(0.02)
    >>> result["always negative"].accuracy > 0.97, result["always negative"].recall
    (True, 0.0)
    """
    positive_rate = check_number("positive_rate", positive_rate, low=0, high=0.5, low_open=True,
                                 unit="fraction")
    threshold = _check_rate("threshold", threshold)
    y_test, scores = _imbalance_scores(positive_rate, seed)
    return {name: compute_imbalance_metrics(y_test, score, threshold)
            for name, score in zip(IMBALANCE_MODELS, scores)}


#: The two worlds of `compare_class_weights`: `make_imbalanced_data` and `make_logistic_data`.
WEIGHT_WORLDS = ("clusters", "logistic")
_LOGISTIC_WEIGHTS = np.array([1.5, -1.0, 1.0, 0.5, 0, 0, 0, 0, 0, 0])


def make_logistic_data(positive_rate, *, n_samples=4_000, seed=0):
    """Return an imbalanced dataset on which a logistic regression is the right model.

    Ten standard normal features, four of which matter; the true log-odds of label 1 are linear
    in them, with the intercept chosen so that a share `positive_rate` of rows is positive on
    average. Unlike `make_imbalanced_data`, whose classes are clusters that no straight line
    separates well, here the best model *is* a straight line.

    Examples
    --------
    >>> X, y = make_logistic_data(0.05, n_samples=10_000)
    >>> X.shape, round(float(y.mean()), 2)
    ((10000, 10), 0.05)
    """
    positive_rate = check_number("positive_rate", positive_rate, low=0, high=0.5, low_open=True,
                                 unit="fraction")
    n_samples = check_number("n_samples", n_samples, low=20, integer=True)
    rng = _rng(seed)
    X = rng.normal(size=(n_samples, _LOGISTIC_WEIGHTS.size))
    margin = X @ _LOGISTIC_WEIGHTS
    intercept = optimize.brentq(lambda b: special.expit(margin + b).mean() - positive_rate,
                                -50, 50)
    y = (rng.random(n_samples) < special.expit(margin + intercept)).astype(int)
    return X, y


@dataclass(frozen=True)
class ClassWeightEffect:
    """PR-AUC of a logistic regression fitted without and with balanced class weights."""

    world: str               # "clusters" (make_imbalanced_data) or "logistic"
    pr_auc: float            # unweighted fit, on the test half
    weighted_pr_auc: float   # class_weight="balanced", on the same test half


@single_threaded
def compare_class_weights(world, positive_rate=0.02, *, n_samples=4_000,
                          seed=0) -> ClassWeightEffect:
    """Fit a logistic regression with and without balanced class weights and score the ranking.

    On the ``"logistic"`` world (`make_logistic_data`) a straight line is the right model, so
    with enough rows weighting only moves the intercept, like a lower threshold, and PR-AUC does
    not change. On the ``"clusters"`` world (`make_imbalanced_data`, as in `simulate_imbalance`)
    no line fits, and weighting picks another line, which ranks the rows differently however
    many there are. Half the rows train, half test.

    Parameters
    ----------
    world : {"clusters", "logistic"}
    positive_rate : float, default 0.02
        Share of positive rows, in (0, 0.5].
    n_samples : int, default 4_000
        Rows in all, ``>= 20``.
    seed : int, default 0

    Examples
    --------
    >>> effect = compare_class_weights("logistic", 0.02, n_samples=40_000)
    >>> abs(effect.pr_auc - effect.weighted_pr_auc) < 0.01
    True
    """
    world = check_choice("world", world, WEIGHT_WORLDS)
    make = make_imbalanced_data if world == "clusters" else make_logistic_data
    X, y = make(positive_rate, n_samples=n_samples, seed=seed)
    half = len(y) // 2
    if y[:half].sum() == 0 or y[half:].sum() == 0:
        raise ValueError(f"n_samples={n_samples} leaves a half with no positive at "
                         f"positive_rate={positive_rate}; use more rows")
    pr_aucs = [compute_imbalance_metrics(y[half:], LogisticRegression(
        max_iter=2_000, class_weight=weights).fit(X[:half], y[:half]).predict_proba(
        X[half:])[:, 1]).pr_auc for weights in (None, "balanced")]
    return ClassWeightEffect(world, *pr_aucs)


def plot_imbalance(positive_rate, threshold, *, seed=0, figure=None) -> Figure:
    """Plot accuracy, precision, recall and PR-AUC of the three models of `simulate_imbalance`.

    Parameters
    ----------
    positive_rate : float
        Share of positive rows, in (0, 0.5].
    threshold : float
        Decision threshold on the predicted probability, in [0, 1].
    seed : int, default 0
        Seed of the data.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Grouped bars, one group per metric and one bar per model, labelled with their values.

    Examples
    --------
    >>> fig = plot_imbalance(0.05, 0.5)
    >>> fig.axes[0].get_title(loc="left").startswith("5% positives")
    True
    """
    result = simulate_imbalance(positive_rate, threshold, seed=seed)
    metrics = ("accuracy", "precision", "recall", "pr_auc")
    width = 0.27
    kept = reuse(figure, plot_imbalance)
    if kept is None:
        fig, ax = _new_figure()
        styles = [("black", "//"), ("sky", ""), ("blue", "..")]
        groups, labels = [], []
        for i, (name, (colour, hatch)) in enumerate(zip(IMBALANCE_MODELS, styles)):
            positions = np.arange(len(metrics)) + (i - 1) * width
            groups.append(ax.bar(positions, np.zeros(len(metrics)), width,
                                 color=PALETTE[colour], hatch=hatch, edgecolor="white",
                                 label=name))
            labels.append([ax.text(x, 0, "", ha="center", va="bottom", fontsize=7)
                           for x in positions])
        ax.set_xticks(np.arange(len(metrics)), ["accuracy", "precision", "recall", "PR-AUC"])
        ax.set_ylim(0, 1.2)
        ax.grid(axis="x", visible=False)
        ax.set_axisbelow(True)  # the bars redraw over the grid, not the grid over them
        decorate(ax, xlabel="metric", ylabel="score on the test set")
        ax.legend(loc="upper center", ncols=3)
        kept = keep(fig, plot_imbalance, groups=groups, labels=labels,
                    title=ax.set_title("", loc="left"))
    for bars, texts, name in zip(kept.groups, kept.labels, IMBALANCE_MODELS):
        for bar, text, metric in zip(bars, texts, metrics):
            value = getattr(result[name], metric)
            bar.set_height(value)
            text.set_y(value + 0.01)
            text.set_text(f"{value:.2f}")
    majority = result["always negative"]
    kept.title.set_text(f"{positive_rate:.0%} positives, threshold {threshold:g}: 'always "
                        f"negative' scores\n{majority.accuracy:.0%} accuracy and "
                        f"{majority.recall:.0%} recall")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Distribution shift, generated on purpose
# ---------------------------------------------------------------------------------------------

#: Steepness of the true P(y = 1 | x): larger means cleaner labels near the boundary.
_CONCEPT_STEEPNESS = 4.0


def true_positive_probability(X, *, concept_rotation_deg=0.0) -> np.ndarray:
    """Return the true P(y = 1 | x) of the generated world, for 2-D points `X`.

    The positive class lies above a parabola, ``x1 > x0^2 / 2 - 0.45``, with a logistic fringe.
    Concept drift rotates the points by `concept_rotation_deg` degrees before the rule is
    applied, so the same x gets another label.

    Examples
    --------
    >>> true_positive_probability(np.array([[0.0, 3.0], [0.0, -3.0]])).round(3).tolist()
    [1.0, 0.0]
    """
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must have shape (n_rows, 2); got {X.shape}")
    angle = np.deg2rad(check_number("concept_rotation_deg", concept_rotation_deg, low=-180,
                                    high=180, unit="degrees"))
    x0 = np.cos(angle) * X[:, 0] - np.sin(angle) * X[:, 1]
    x1 = np.sin(angle) * X[:, 0] + np.cos(angle) * X[:, 1]
    margin = x1 - x0**2 / 2 + 0.45
    return 1 / (1 + np.exp(-_CONCEPT_STEEPNESS * margin))


def sample_world(n_samples, *, covariate_shift=0.0, positive_rate=None, concept_rotation_deg=0.0,
                 seed=0):
    """Draw labelled rows from the generated world, shifted on purpose.

    - Features: ``x ~ N((covariate_shift, 0), I)``; moving the mean is **covariate shift**.
    - Labels: ``y ~ Bernoulli(true_positive_probability(x))``; rotating the concept is
      **concept drift**.
    - `positive_rate` (if given) keeps drawing and keeps the first rows of each class so that a
      share `positive_rate` is positive: P(X|Y) is untouched, P(Y) moves, which is **label
      shift**. Unshifted, about half the rows are positive.

    Parameters
    ----------
    n_samples : int
        Rows to return, ``>= 1``.
    covariate_shift : float, default 0.0
        Move of the mean of feature x0, in standard deviations, in [-5, 5].
    positive_rate : float or None, default None
        Share of positive rows, in (0, 1); None keeps the world's own rate.
    concept_rotation_deg : float, default 0.0
        Rotation of the labelling rule, in degrees, in [-180, 180].
    seed : int, default 0

    Returns
    -------
    X : numpy.ndarray of shape (n_samples, 2)
    y : numpy.ndarray of shape (n_samples,)

    Examples
    --------
    >>> X, y = sample_world(1_000, positive_rate=0.2, seed=1)
    >>> X.shape, float(y.mean())
    ((1000, 2), 0.2)
    """
    n_samples = check_number("n_samples", n_samples, low=1, integer=True)
    covariate_shift = check_number("covariate_shift", covariate_shift, low=-5, high=5,
                                   unit="standard deviations")
    if positive_rate is not None:
        positive_rate = check_number("positive_rate", positive_rate, low=0, high=1, low_open=True,
                                     high_open=True, unit="fraction")
    rng = _rng(seed)

    def draw(n):
        X = rng.normal(size=(n, 2)) + [covariate_shift, 0.0]
        p = true_positive_probability(X, concept_rotation_deg=concept_rotation_deg)
        return X, (rng.random(n) < p).astype(int)

    if positive_rate is None:
        return draw(n_samples)
    n_positive = round(positive_rate * n_samples)
    needed = {1: n_positive, 0: n_samples - n_positive}
    kept = {0: [], 1: []}
    while any(sum(len(x) for x in kept[c]) < needed[c] for c in (0, 1)):
        X, y = draw(4 * n_samples)
        for c in (0, 1):
            kept[c].append(X[y == c])
    X = np.concatenate([np.concatenate(kept[c])[:needed[c]] for c in (0, 1)])
    y = np.repeat([0, 1], [needed[0], needed[1]])
    order = rng.permutation(n_samples)
    return X[order], y[order]


SHIFT_SEVERITIES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def shift_parameters(kind, severity) -> dict:
    """Translate a shift kind and a severity in [0, 1] into `sample_world` arguments.

    Severity 1 means a mean moved by 2.5 standard deviations (covariate), a positive rate moved
    from the world's ~50% to 95% (label) or a rule rotated by 90 degrees (concept).

    Examples
    --------
    >>> shift_parameters("label", 0.5)
    {'positive_rate': 0.725}
    """
    kind = check_choice("kind", kind, SHIFT_KINDS)
    severity = check_number("severity", severity, low=0, high=1)
    if kind == "covariate":
        return {"covariate_shift": 2.5 * severity}
    if kind == "label":
        return {"positive_rate": None} if severity == 0 else {"positive_rate":
                                                               round(0.5 + 0.45 * severity, 6)}
    return {"concept_rotation_deg": 90.0 * severity}


def describe_shift(kind, severity) -> str:
    """Say a shift in words and units, e.g. ``'x0 mean moved 1.5 sd'``.

    Examples
    --------
    >>> describe_shift("concept", 0.5)
    'rule rotated 45°'
    """
    params = shift_parameters(kind, severity)
    if kind == "covariate":
        return f"x0 mean moved {params['covariate_shift']:.1f} sd"
    if kind == "label":
        rate = params["positive_rate"]
        return "positive rate unchanged" if rate is None else f"positive rate {rate:.0%}"
    return f"rule rotated {params['concept_rotation_deg']:.0f}°"


@cached(maxsize=4)
def make_deployed_models(seed=0, n_samples=2_000) -> dict:
    """Train the two models "deployed" on unshifted data: a linear one and boosted trees.

    Cached: the same seed returns the same fitted models (do not refit them in place).

    Examples
    --------
    >>> sorted(make_deployed_models())
    ['boosted trees', 'logistic regression']
    """
    X, y = sample_world(n_samples, seed=check_number("seed", seed, low=0, integer=True))
    with one_thread():
        return {"logistic regression": LogisticRegression().fit(X, y),
                "boosted trees": HistGradientBoostingClassifier(max_iter=60, random_state=0)
                .fit(X, y)}


@dataclass(frozen=True)
class ShiftResult:
    """The deployed models' accuracy on one production window, and the best possible."""

    kind: str
    severity: float
    accuracy: dict          # model name -> accuracy on the production window
    best_accuracy: float    # expected accuracy of the true rule (the Bayes classifier)


def simulate_shift(kind, severity, *, n_production=4_000, seed=0) -> ShiftResult:
    """Score the deployed models on a production window shifted by `kind` at `severity`.

    The best accuracy any model could reach on the window, ``mean(max(p, 1 - p))`` under the
    window's true P(y|x), separates what the shift cost the model from what it cost the task.

    Examples
    --------
    >>> result = simulate_shift("concept", 0.0)
    >>> result.accuracy["logistic regression"] <= result.best_accuracy + 0.02
    True
    """
    with one_thread():
        return _shift_results(((kind, severity),), n_production, seed)[0]


def _shift_results(points, n_production, seed):
    # simulate_shift at each (kind, severity), the models predicting all windows in one call.
    windows = []
    for kind, severity in points:
        params = shift_parameters(kind, severity)
        X, y = sample_world(n_production, seed=seed + 1, **params)
        p = true_positive_probability(X,
                                      concept_rotation_deg=params.get("concept_rotation_deg", 0))
        if kind == "label" and params["positive_rate"] is not None:
            # P(y|x) in the window is the world's posterior reweighted by the new class prior.
            base = _base_positive_rate()
            odds = p / (1 - p + 1e-12) * (params["positive_rate"]
                                          / (1 - params["positive_rate"]))
            odds /= base / (1 - base)
            p = odds / (1 + odds)
        windows.append((X, y, float(np.mean(np.maximum(p, 1 - p)))))
    X_all = np.concatenate([X for X, _, _ in windows])
    predicted = {name: model.predict(X_all) for name, model in make_deployed_models(seed).items()}
    results, start = [], 0
    for (kind, severity), (_, y, best) in zip(points, windows):
        rows = slice(start, start + len(y))
        start += len(y)
        accuracy = {name: float(np.mean(labels[rows] == y)) for name, labels in predicted.items()}
        results.append(ShiftResult(kind, float(severity), accuracy, best))
    return results


@cached(maxsize=1)
def _base_positive_rate() -> float:
    return float(sample_world(200_000, seed=123)[1].mean())


@cached(maxsize=64)
def _shift_point(kind, severity, seed):
    return simulate_shift(kind, severity, seed=seed)


@cached(maxsize=8)
def _shift_curves(seed):
    # Every kind's curve at once: the explorer's kind slider then only redraws.
    points = [(kind, severity) for kind in SHIFT_KINDS for severity in SHIFT_SEVERITIES]
    with one_thread():
        results = _shift_results(points, 4_000, seed)
    n = len(SHIFT_SEVERITIES)
    return {kind: tuple(results[i * n:(i + 1) * n]) for i, kind in enumerate(SHIFT_KINDS)}


def _shift_curve(kind, seed):
    return _shift_curves(seed)[kind]


@cached(maxsize=64)
def _shift_window(kind, severity, seed):
    # The 400 production rows the left panel shows, split by class (read-only).
    X, y = sample_world(400, seed=seed + 2, **shift_parameters(kind, severity))
    positive, negative = X[y == 1].T.copy(), X[y == 0].T.copy()
    for rows in (positive, negative):
        rows.setflags(write=False)
    return positive, negative


@cached(maxsize=64)
def _rule_boundary(rotation):
    # The p = 0.5 line of the rule rotated by `rotation` degrees, as `contour` traces it on the
    # panel's 300 x 200 grid: its pieces joined by NaN rows, so that one line draws them all.
    import contourpy

    xx, yy = np.meshgrid(np.linspace(-4, 6, 300), np.linspace(-4, 4, 200))
    p = true_positive_probability(np.column_stack([xx.ravel(), yy.ravel()]),
                                  concept_rotation_deg=rotation).reshape(xx.shape)
    pieces = contourpy.contour_generator(xx, yy, p, name="mpl2014",
                                         line_type=contourpy.LineType.SeparateCode
                                         ).lines(0.5)[0]
    line = np.concatenate([row for piece in pieces
                           for row in (piece, np.full((1, 2), np.nan))])[:-1].T.copy()
    line.setflags(write=False)
    return line


def plot_shift(kind, severity, *, seed=0, figure=None) -> Figure:
    """Plot a shifted production window beside the deployed models' accuracy against severity.

    Left: 400 production rows (circles positive, crosses negative) with the training rule's
    boundary (dashed) and the production rule's boundary (solid). Right: accuracy of both
    deployed models and of the best possible rule, severity 0 to 1.

    Parameters
    ----------
    kind : {"covariate", "label", "concept"}
        The kind of shift (`SHIFT_KINDS`).
    severity : float
        How far the window is shifted, in [0, 1] (see `shift_parameters`).
    seed : int, default 0
        Seed of the deployed models and of the production rows.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Examples
    --------
    >>> fig = plot_shift("covariate", 0.6)
    >>> fig.axes[1].get_title(loc="left")
    'covariate: trees 91%, linear 69%'
    """
    kind = check_choice("kind", kind, SHIFT_KINDS)
    params = shift_parameters(kind, severity)
    positive, negative = _shift_window(kind, severity, seed)
    curve = _shift_curve(kind, seed)
    chosen = (curve[SHIFT_SEVERITIES.index(severity)] if severity in SHIFT_SEVERITIES else
              _shift_point(kind, severity, seed))
    kept = reuse(figure, plot_shift)
    if kept is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained",
                                          gridspec_kw={"width_ratios": [1, 1.3]})
        dots = [left.plot([], [], "o", ms=3, mfc="none", color=PALETTE["blue"],
                          label="positive")[0],
                left.plot([], [], "x", ms=3, color=PALETTE["orange"], label="negative")[0]]
        rules = []
        for style, label in [("--", "training rule"), ("-", "production rule")]:
            rules.append(left.plot(*_rule_boundary(0.0), color=PALETTE["black"], linestyle=style,
                                   lw=1.5)[0])
            left.plot([], [], color=PALETTE["black"], linestyle=style, lw=1.5, label=label)
        left.set_xlim(-3.5, 5.5)
        left.set_ylim(-3.5, 3.5)
        decorate(left, xlabel="feature x0", ylabel="feature x1")
        left.legend(loc="lower right", fontsize=7, markerscale=2)
        curves = [right.plot(SHIFT_SEVERITIES, np.zeros(len(SHIFT_SEVERITIES)),
                             color=PALETTE[colour], linestyle=LINESTYLES[style], marker=marker,
                             label=name)[0]
                  for name, colour, style, marker in [
                      ("logistic regression", "vermillion", 1, "s"),
                      ("boosted trees", "green", 0, "o")]]
        curves.append(right.plot(SHIFT_SEVERITIES, np.zeros(len(SHIFT_SEVERITIES)),
                                 color=PALETTE["black"], linestyle=LINESTYLES[3],
                                 label="best possible")[0])
        marker = right.axvline(0, color=PALETTE["black"], linestyle=":", lw=1)
        right.set_xlim(-0.05, 1.05)  # the severities 0-1, as autoscaling gave them
        right.set_ylim(0.3, 1.0)
        right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        decorate(right, xlabel="severity of shift (0 = none)", ylabel="production accuracy")
        right.legend(loc="lower left", fontsize=8)
        kept = keep(fig, plot_shift, dots=dots, rule=rules[1], curves=curves, marker=marker,
                    titles=[left.set_title("", loc="left"), right.set_title("", loc="left")])
    for dot, rows in zip(kept.dots, (positive, negative)):
        dot.set_data(*rows)
    kept.rule.set_data(*_rule_boundary(params.get("concept_rotation_deg", 0.0)))
    names = ("logistic regression", "boosted trees")
    for line, values in zip(kept.curves, [[r.accuracy[n] for r in curve] for n in names]
                            + [[r.best_accuracy for r in curve]]):
        line.set_ydata(values)
    kept.marker.set_xdata([severity, severity])
    # Not kept: it changes with the kind only, and then the whole figure is drawn again.
    kept.figure.axes[1].xaxis.label.set_text(f"severity of {kind} shift (0 = none)")
    kept.titles[0].set_text(describe_shift(kind, severity))
    trees = chosen.accuracy["boosted trees"]
    linear = chosen.accuracy["logistic regression"]
    kept.titles[1].set_text(f"{kind}: trees {trees:.0%}, linear {linear:.0%}")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Correcting label shift
# ---------------------------------------------------------------------------------------------

def _check_probabilities(name, values) -> np.ndarray:
    p = check_samples(name, values)
    if p.min() < 0 or p.max() > 1:
        raise ValueError(f"{name} must lie in [0, 1]")
    return p


def adjust_to_prior(probabilities, train_prior, new_prior) -> np.ndarray:
    """Re-weight P(y = 1 | x), learned under `train_prior`, to a world whose prior is `new_prior`.

    Under label shift P(x | y) is unchanged, so by Bayes' rule each class's probability is
    multiplied by the ratio of its new to its old prior and the pair renormalised:
    ``w1 p / (w1 p + w0 (1 - p))`` with ``w1 = new / train``, ``w0 = (1 - new) / (1 - train)``.

    Examples
    --------
    >>> adjust_to_prior([0.5, 0.9], 0.5, 0.8).round(3).tolist()
    [0.8, 0.973]
    """
    p = _check_probabilities("probabilities", probabilities)
    train = check_number("train_prior", train_prior, low=0, high=1, low_open=True,
                         high_open=True, unit="fraction")
    new = check_number("new_prior", new_prior, low=0, high=1, unit="fraction")
    positive = p * new / train
    negative = (1 - p) * (1 - new) / (1 - train)
    total = positive + negative
    return np.divide(positive, total, out=np.full_like(p, new), where=total > 0)


def estimate_prior_em(probabilities, train_prior, *, max_iter=100, tol=1e-6) -> tuple:
    """Estimate the positive rate of an unlabelled window by EM (Saerens, Latinne & Decaestecker).

    Start from the training prior; E-step: adjust every row's probability to the current
    estimate (`adjust_to_prior`); M-step: the new estimate is their mean. Each step raises the
    likelihood of the window; stop when the estimate moves less than `tol`.

    Returns
    -------
    estimate : float
    history : tuple of float
        The estimate after each step, starting with `train_prior`.

    Examples
    --------
    >>> estimate, history = estimate_prior_em([0.9, 0.8, 0.7, 0.2], 0.5)
    >>> round(history[1], 3), round(estimate, 3)
    (0.65, 0.911)
    """
    p = _check_probabilities("probabilities", probabilities)
    estimate = check_number("train_prior", train_prior, low=0, high=1, low_open=True,
                            high_open=True, unit="fraction")
    max_iter = check_number("max_iter", max_iter, low=1, integer=True)
    tol = check_number("tol", tol, low=0, low_open=True)
    history = [estimate]
    for _ in range(max_iter):
        estimate = float(np.mean(adjust_to_prior(p, train_prior, estimate)))
        history.append(estimate)
        if abs(history[-1] - history[-2]) < tol:
            break
    return estimate, tuple(history)


@dataclass(frozen=True)
class PriorCorrectionResult:
    """The deployed boosted trees on a label-shifted window, before and after the correction."""

    true_prior: float            # the window's real positive rate
    train_prior: float           # the training set's positive rate
    mean_prediction: float       # mean P(y = 1 | x) on the window: the naive estimate
    estimate: float              # the EM estimate of the window's positive rate
    history: tuple               # the EM estimate step by step
    accuracy: tuple              # (as deployed, corrected)
    log_loss: tuple              # (as deployed, corrected)


def _log_loss(y, p) -> float:
    p = np.clip(p, 1e-12, 1 - 1e-12)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


@single_threaded
def simulate_prior_correction(positive_rate=0.8, *, n_production=2_000, seed=0):
    """Correct the deployed boosted trees for label shift, with no production label.

    The models of `make_deployed_models` were trained on the unshifted world (about half
    positive). A window of `n_production` rows is drawn with `positive_rate` positives and P(x|y)
    unchanged; EM estimates the new rate from the model's probabilities alone, and
    `adjust_to_prior` corrects them. The labels only score the result.

    Examples
    --------
    >>> result = simulate_prior_correction(0.8)
    >>> abs(result.estimate - 0.8) < abs(result.mean_prediction - 0.8)
    True
    """
    rate = check_number("positive_rate", positive_rate, low=0, high=1, low_open=True,
                        high_open=True, unit="fraction")
    n_production = check_number("n_production", n_production, low=20, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    train_prior = float(sample_world(2_000, seed=seed)[1].mean())   # the deployed models' data
    X, y = sample_world(n_production, positive_rate=rate, seed=seed + 1)
    p = make_deployed_models(seed)["boosted trees"].predict_proba(X)[:, 1]
    estimate, history = estimate_prior_em(p, train_prior)
    corrected = adjust_to_prior(p, train_prior, estimate)
    return PriorCorrectionResult(
        rate, train_prior, float(p.mean()), estimate, history,
        (float(np.mean((p > 0.5) == y)), float(np.mean((corrected > 0.5) == y))),
        (_log_loss(y, p), _log_loss(y, corrected)))


# ---------------------------------------------------------------------------------------------
# Monitoring with late and sparse labels
# ---------------------------------------------------------------------------------------------

def accuracy_margin(accuracy, n_labels, *, confidence=0.95) -> float:
    """Return the half-width of the normal-approximation interval of an accuracy on `n_labels`.

    An accuracy measured on n labelled rows has standard error ``sqrt(a (1 - a) / n)``; the
    interval is ``a ± z sqrt(a (1 - a) / n)`` with z the normal quantile of the confidence.

    Examples
    --------
    >>> round(accuracy_margin(0.9, 100), 3)
    0.059
    """
    a = _check_rate("accuracy", accuracy)
    n = check_number("n_labels", n_labels, low=1, integer=True)
    confidence = check_number("confidence", confidence, low=0, high=1, low_open=True,
                              high_open=True)
    return float(stats.norm.ppf(0.5 + confidence / 2) * np.sqrt(a * (1 - a) / n))


# ---------------------------------------------------------------------------------------------
# Detecting shift: KS and PSI
# ---------------------------------------------------------------------------------------------

def _check_window(name, values) -> np.ndarray:
    return check_samples(name, values, min_size=1)


def compute_ks_statistic(reference, production) -> float:
    """Return the two-sample Kolmogorov-Smirnov statistic D of two windows of one feature.

    D is the largest vertical gap between the two empirical distribution functions:
    ``max_x |F_ref(x) - F_prod(x)|``, in [0, 1].

    Examples
    --------
    >>> compute_ks_statistic([1, 2, 3, 4], [3, 4, 5, 6])
    0.5
    """
    reference = _check_window("reference", reference)
    production = _check_window("production", production)
    points = np.concatenate([reference, production])
    return float(np.max(np.abs(compute_ecdf_gaps(reference, production, points))))


def compute_ecdf_gaps(reference, production, points) -> np.ndarray:
    """Return ``F_ref(x) - F_prod(x)`` at each x of `points`, where F(x) is the share of a
    window's values that are ``<= x`` (its empirical distribution function).

    Examples
    --------
    >>> compute_ecdf_gaps([1, 2, 3, 4], [3, 4, 5, 6], [2, 4, 6]).tolist()
    [0.5, 0.5, 0.0]
    """
    reference = np.sort(_check_window("reference", reference))
    production = np.sort(_check_window("production", production))
    points = _check_window("points", points)
    return (np.searchsorted(reference, points, side="right") / reference.size
            - np.searchsorted(production, points, side="right") / production.size)


def psi_from_proportions(expected, actual) -> float:
    """Return the Population Stability Index of two binned distributions.

    ``PSI = sum_i (A_i - E_i) ln(A_i / E_i)`` over bins, where E holds the reference window's
    share of rows in each bin and A the production window's. Shares below `PSI_EPSILON` are
    raised to it, so an empty bin gives a large, finite term.

    Parameters
    ----------
    expected, actual : sequence of float
        Shares per bin (each in [0, 1], each sequence summing to 1), with the same bins.

    Examples
    --------
    >>> psi_from_proportions([0.25, 0.25, 0.25, 0.25], [0.25, 0.25, 0.25, 0.25])
    0.0
    >>> round(psi_from_proportions([0.5, 0.5], [0.6, 0.4]), 4)
    0.0405
    """
    expected = _check_window("expected", expected)
    actual = _check_window("actual", actual)
    if expected.size != actual.size:
        raise ValueError(f"expected and actual must have the same bins; got {expected.size} and "
                         f"{actual.size} bins")
    for name, shares in (("expected", expected), ("actual", actual)):
        if shares.min() < 0 or abs(shares.sum() - 1) > 1e-6:
            raise ValueError(f"{name} must be shares >= 0 that sum to 1; got a sum of "
                             f"{shares.sum():g}")
    return float(_psi(expected, actual))


def _psi(expected, actual):
    # PSI along the last axis, so that many window pairs are scored at once.
    expected = np.maximum(expected, PSI_EPSILON)
    actual = np.maximum(actual, PSI_EPSILON)
    return np.sum((actual - expected) * np.log(actual / expected), axis=-1)


def compute_psi(reference, production, *, bins=10) -> float:
    """Return the PSI of a feature between a reference and a production window.

    The bins are the reference window's quantiles (deciles by default), so each holds about the
    same share of reference rows; the outer bins extend to minus and plus infinity.

    Parameters
    ----------
    reference, production : sequence of float
        The feature's values in each window (at least one each, all finite).
    bins : int, default 10
        Number of bins, ``>= 2``.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> window = rng.normal(size=1_000)
    >>> compute_psi(window, window)
    0.0
    >>> round(compute_psi(window, window + 1.0), 2)
    1.0
    """
    reference = _check_window("reference", reference)
    production = _check_window("production", production)
    bins = check_number("bins", bins, low=2, integer=True)
    inner_edges = np.quantile(reference, np.arange(1, bins) / bins)
    expected = np.bincount(np.searchsorted(inner_edges, reference, side="right"),
                           minlength=bins) / reference.size
    actual = np.bincount(np.searchsorted(inner_edges, production, side="right"),
                         minlength=bins) / production.size
    return psi_from_proportions(expected, actual)


@dataclass(frozen=True)
class ShiftAlarm:
    """Both detectors' verdicts on one feature's reference and production windows."""

    ks_statistic: float  # largest gap between the two empirical CDFs, in [0, 1]
    ks_pvalue: float     # chance of a gap at least this large if nothing shifted
    psi: float           # Population Stability Index (>= 0)
    ks_alarm: bool       # ks_pvalue < alpha
    psi_alarm: bool      # psi > psi_threshold


def detect_shift(reference, production, *, alpha=0.05, psi_threshold=0.25, bins=10):
    """Run the KS test and the PSI on one feature and say whether each raises an alarm.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> alarm = detect_shift(rng.normal(size=500), rng.normal(0.3, 1, size=500))
    >>> alarm.ks_alarm, alarm.psi_alarm
    (True, False)
    """
    reference = _check_window("reference", reference)
    production = _check_window("production", production)
    alpha = check_number("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    psi_threshold = check_number("psi_threshold", psi_threshold, low=0)
    statistic = compute_ks_statistic(reference, production)
    pvalue = float(stats.ks_2samp(reference, production).pvalue)
    psi = compute_psi(reference, production, bins=bins)
    return ShiftAlarm(statistic, pvalue, psi, pvalue < alpha, psi > psi_threshold)


@dataclass(frozen=True)
class AlarmRates:
    """How often each detector fires over many pairs of windows (each rate in [0, 1])."""

    shift_sd: float      # true move of the production mean, in standard deviations
    window_size: int     # rows in each window
    ks: float            # KS test at the given alpha
    psi_moderate: float  # PSI > 0.10
    psi_major: float     # PSI > 0.25
    mean_psi: float      # average PSI over the pairs (not a rate)


def simulate_alarm_rates(shift_sd, window_size, *, n_trials=500, alpha=0.05, seed=0):
    """Draw many reference/production window pairs and count how often each detector fires.

    Reference rows are N(0, 1); production rows N(`shift_sd`, 1). With ``shift_sd = 0`` the
    rates are false-alarm rates: the KS test's is about `alpha` by construction, the PSI's
    depends on the window size, since PSI is roughly ``(1/n + 1/m)`` times a chi-squared
    variable with ``bins - 1`` degrees of freedom when nothing shifted.

    All pairs are scored at once; each verdict is the one `detect_shift` gives on that pair.

    Examples
    --------
    >>> rates = simulate_alarm_rates(0.0, 100, n_trials=200)
    >>> rates.ks < 0.1 < rates.psi_moderate
    True
    """
    shift_sd = check_number("shift_sd", shift_sd, low=-10, high=10, unit="standard deviations")
    window_size = check_number("window_size", window_size, low=10, integer=True, unit="rows")
    n_trials = check_number("n_trials", n_trials, low=1, integer=True)
    alpha = check_number("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    draws = _alarm_draws(window_size, n_trials, check_number("seed", seed, low=0, integer=True))
    return _alarm_rates(draws, shift_sd, alpha)


@cached(maxsize=4)
def _alarm_draws(window_size, n_trials, seed):
    # One draw of all pairs gives the same numbers as drawing pair by pair, reference first.
    # Every shift moves the same production draws, so what does not depend on the shift is
    # computed once: both windows sorted row by row, the reference deciles and their counts.
    draws = _rng(seed).normal(size=(n_trials, 2, window_size))
    reference = np.sort(draws[:, 0], axis=1)
    production = np.sort(draws[:, 1], axis=1)  # + shift: adding keeps the order
    edges = np.quantile(reference, np.arange(1, 10) / 10, axis=1).T
    expected = _bin_counts(reference, edges)
    for array in (reference, production, edges, expected):
        array.setflags(write=False)
    return reference, production, edges, expected


def _bin_counts(rows, edges):
    # Rows of sorted values: per row, how many fall in each bin between the row's inner edges,
    # as np.bincount(np.searchsorted(edges, row, side="right")) counts them.
    below = np.array([np.searchsorted(row, row_edges, side="left")
                      for row, row_edges in zip(rows, edges)])
    n = rows.shape[1]
    return np.diff(below, prepend=0, append=n, axis=1)


def _alarm_rates(draws, shift_sd, alpha):
    reference, production, edges, expected = draws
    n = reference.shape[1]
    production = shift_sd + production
    # KS fires when n * D reaches the critical gap h. Walking both sorted windows merged, the
    # gap just after the i-th reference row is i minus the production rows below it: at least
    # h when the (i - h + 1)-th production row is not below it; and the same the other way.
    h = _ks_critical_gap(n, alpha)
    if h > n:
        ks = np.zeros(len(reference), dtype=bool)
    else:
        ks = ((production[:, :n - h + 1] >= reference[:, h - 1:]).any(axis=1)
              | (reference[:, :n - h + 1] >= production[:, h - 1:]).any(axis=1))
    psi = _psi(expected / n, _bin_counts(production, edges) / n)
    fired = np.column_stack([ks, psi > PSI_THRESHOLDS[0], psi > PSI_THRESHOLDS[1]])
    return AlarmRates(shift_sd, n, *map(float, fired.mean(axis=0)), float(psi.mean()))


@cached(maxsize=64)
def _ks_critical_gap(n, alpha):
    # The smallest gap h (D = h / n) whose p-value from scipy's ks_2samp is below alpha, for
    # two windows of n rows, or n + 1 if even D = 1 is not. The p-value falls as D grows, so a
    # bisection finds it; windows 0, 1, ..., n - 1 and h - 1/2, h + 1/2, ... have D = h / n.
    def pvalue(h):
        return stats.ks_2samp(np.arange(n), np.arange(n) + h - 0.5).pvalue

    def fires(h):
        return h > n or pvalue(h) < alpha

    # The asymptotic critical gap, sqrt(-ln(alpha / 2) / 2) * sqrt(2 n), is within a few rows:
    # widen a bracket around it until the answer lies in (low, high], then bisect.
    guess = round(np.sqrt(-np.log(alpha / 2) / 2) * np.sqrt(2 * n))
    low, high, step = guess - 1, guess, 1
    while high <= n and not fires(high):
        low, high, step = high, min(high + step, n + 1), 2 * step
    step = 1
    while low >= 1 and fires(low):
        low, high, step = max(low - step, 0), low, 2 * step
    low, high = max(low, 0), min(high, n + 1)  # fires(high), and low is 0 or does not fire
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (low, middle) if fires(middle) else (middle, high)
    return high


DETECTION_SHIFTS = (0.0, 0.1, 0.2, 0.3, 0.5, 1.0)
DETECTION_WINDOWS = (50, 200, 1_000, 5_000)


@cached(maxsize=64)
def _detection_curve(window_size, seed):
    draws = _alarm_draws(window_size, 100, seed)
    return tuple(_alarm_rates(draws, s, 0.05) for s in DETECTION_SHIFTS)


@cached(maxsize=64)
def _detection_window(shift_sd, window_size, seed):
    # The pair of windows the left panel shows, and both detectors' verdicts on it.
    rng = _rng(seed)
    reference = rng.normal(size=window_size)
    production = rng.normal(shift_sd, 1, size=window_size)
    alarm = detect_shift(reference, production)
    edges = np.linspace(-4, 5, 31)
    densities = tuple(np.histogram(window, edges, density=True)[0]
                      for window in (reference, production))
    for array in (edges, *densities):
        array.setflags(write=False)
    return edges, densities, alarm


def _step_outline(edges, densities):
    # The outline `hist(..., histtype="step")` draws: up from 0, along each bin, down to 0.
    return np.column_stack([np.repeat(edges, 2), np.concatenate([[0], np.repeat(densities, 2),
                                                                 [0]])])


def plot_detection(shift_sd, window_size, *, seed=0, figure=None) -> Figure:
    """Plot one pair of windows and how often KS and PSI fire against the true shift.

    Parameters
    ----------
    shift_sd : float
        True move of the production mean, in standard deviations, in [-10, 10].
    window_size : int
        Rows in each window, ``>= 10``.
    seed : int, default 0
        Seed of the windows and of the 100 pairs behind each rate.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Examples
    --------
    >>> fig = plot_detection(0.2, 200)
    >>> fig.axes[1].get_title(loc="left").startswith("200 rows")
    True
    """
    shift_sd = check_number("shift_sd", shift_sd, low=-10, high=10, unit="standard deviations")
    window_size = check_number("window_size", window_size, low=10, integer=True, unit="rows")
    seed = check_number("seed", seed, low=0, integer=True)
    edges, densities, alarm = _detection_window(shift_sd, window_size, seed)
    curve = _detection_curve(window_size, seed)
    chosen = (curve[DETECTION_SHIFTS.index(shift_sd)] if shift_sd in DETECTION_SHIFTS else
              _alarm_rates(_alarm_draws(window_size, 100, seed), shift_sd, 0.05))
    kept = reuse(figure, plot_detection)
    if kept is None:
        fig, (left, right) = plt.subplots(1, 2, figsize=FIGSIZE, layout="constrained")
        outlines = [left.hist(edges[:1], edges, density=True, histtype="step",
                              color=PALETTE["blue"], lw=2, label="reference")[2][0],
                    left.hist(edges[:1], edges, density=True, histtype="step",
                              color=PALETTE["vermillion"], lw=2, linestyle="--",
                              label="production")[2][0]]
        left.set_xlim(edges[0] - 0.45, edges[-1] + 0.45)  # as autoscaling gave it
        decorate(left, xlabel="feature value (sd)", ylabel="density")
        left.legend(loc="upper left", fontsize=8)
        curves = [right.plot(DETECTION_SHIFTS, np.zeros(len(DETECTION_SHIFTS)),
                             color=PALETTE[colour], linestyle=LINESTYLES[style], marker=marker,
                             label=label)[0]
                  for label, colour, style, marker in [
                      ("KS test, alpha = 0.05", "blue", 0, "o"),
                      ("PSI > 0.10", "orange", 1, "^"),
                      ("PSI > 0.25", "vermillion", 2, "s")]]
        marker = right.axvline(0, color=PALETTE["black"], linestyle=":", lw=1)
        right.set_ylim(-0.03, 1.03)
        right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        decorate(right, xlabel="true shift of the mean (sd)",
                 ylabel="windows that raise an alarm")
        right.legend(loc="lower right", fontsize=8)
        kept = keep(fig, plot_detection, outlines=outlines, curves=curves, marker=marker,
                    titles=[left.set_title("", loc="left"), right.set_title("", loc="left")])
    for outline, values in zip(kept.outlines, densities):
        outline.set_xy(_step_outline(edges, values))
    # A few fixed heights, set by the window size (small windows have noisier peaks) unless the
    # peak needs more; their tick labels are as wide, so the layout holds. Peaks are <= 1 / 0.3.
    peak = max(0.6 if window_size >= 200 else 1.2 if window_size >= 30 else 1.8,
               1.05 * max(values.max() for values in densities))
    left, right = kept.figure.axes
    left.set_ylim(0, next(top for top in (0.6, 1.2, 1.8, 3.6, peak) if peak <= top))
    for line, field in zip(kept.curves, ("ks", "psi_moderate", "psi_major")):
        line.set_ydata([getattr(r, field) for r in curve])
    kept.marker.set_xdata([shift_sd, shift_sd])
    # The shifts 0-1 with margins, as autoscaling gave them, widened for a shift outside.
    low, high = min(0.0, shift_sd), max(1.0, shift_sd)
    right.set_xlim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    kept.titles[0].set_text(f"KS p = {alarm.ks_pvalue:.2g}, PSI = {alarm.psi:.2f}")
    kept.titles[1].set_text(f"{format_count(window_size, 'row')}, shift {shift_sd:g} sd:\n"
                            f"KS fires {chosen.ks:.0%}, PSI > 0.25 {chosen.psi_major:.0%}")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Retraining cadence
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StreamConfig:
    """A stream of production periods with gradual drift and one sudden change."""

    n_periods: int = 60               # periods (days, say)
    period_size: int = 300            # labelled rows per period
    drift_per_period: float = 0.04    # move of the x0 mean per period, sd
    jump_period: int = 36             # the period from which the sudden change holds
    jump_shift: float = -1.5          # sudden move of the x0 mean, sd
    jump_rotation_deg: float = 40.0   # sudden rotation of the labelling rule, degrees


def make_stream(config=StreamConfig(), *, seed=0) -> list:
    """Return the stream's periods as a list of ``(X, y)`` windows.

    Examples
    --------
    >>> periods = make_stream(StreamConfig(n_periods=3, period_size=10))
    >>> len(periods), periods[0][0].shape
    (3, (10, 2))
    """
    if not isinstance(config, StreamConfig):
        raise TypeError(f"config must be a StreamConfig; got {type(config).__name__}")
    check_number("config.n_periods", config.n_periods, low=2, integer=True)
    check_number("config.period_size", config.period_size, low=10, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    return [sample_world(config.period_size, **_period_world(config, t), seed=seed * 10_000 + t)
            for t in range(config.n_periods)]


def _period_world(config, t) -> dict:
    # The `sample_world` shift and rotation of period t: with its seed, all its rows depend on.
    jumped = t >= config.jump_period
    shift = config.drift_per_period * t + (config.jump_shift if jumped else 0.0)
    return {"covariate_shift": float(np.clip(shift, -5, 5)),
            "concept_rotation_deg": config.jump_rotation_deg if jumped else 0.0}


@dataclass(frozen=True, eq=False)
class RetrainingResult:
    """Quality over time of one retraining policy, and what it paid."""

    policy: str                  # "never", "periodic" or "on_alarm"
    accuracy: np.ndarray         # accuracy on each period 1 .. n-1, before that period's labels
    retrain_periods: tuple       # periods whose labels were used to retrain
    mean_accuracy: float

    @property
    def n_retrains(self) -> int:
        """Number of times the model was retrained."""
        return len(self.retrain_periods)


def simulate_retraining(policy, *, every=None, alpha=0.01, config=StreamConfig(),
                        seed=0) -> RetrainingResult:
    """Serve a logistic regression over the stream under one retraining policy.

    The model is trained on period 0. In each later period it serves the period's rows and is
    scored on them; then the period's labels arrive and the policy decides whether to retrain on
    that period's rows (the most recent window):

    - ``"never"``: keep the first model;
    - ``"periodic"``: retrain every `every` periods;
    - ``"on_alarm"``: retrain when a KS test on either feature, training window vs this period,
      has p < `alpha` / 2 (a Bonferroni correction for two features).

    A model retrained after period t is fitted on period t's rows alone, whatever the policy,
    so each period's model is fitted once and shared by every policy (cached); the models of
    the periods before the sudden change, by every variant of the stream as well.

    Examples
    --------
    >>> small = StreamConfig(n_periods=10, jump_period=5)
    >>> result = simulate_retraining("periodic", every=3, config=small)
    >>> result.retrain_periods
    (3, 6, 9)
    """
    policy = check_choice("policy", policy, ("never", "periodic", "on_alarm"))
    if policy == "periodic":
        every = check_number("every", every, low=1, integer=True, unit="periods")
    alpha = check_number("alpha", alpha, low=0, high=1, low_open=True, high_open=True)
    if not isinstance(config, StreamConfig):
        raise TypeError(f"config must be a StreamConfig; got {type(config).__name__}")
    periods = _stream(config, check_number("seed", seed, low=0, integer=True))
    columns = _sorted_columns(config, seed) if policy == "on_alarm" else None
    trained_on = 0  # the period whose rows the serving model was fitted on
    accuracy, retrained = [], []
    for t, (X, _) in enumerate(periods[1:], start=1):
        accuracy.append(_period_model_accuracy(config, seed, trained_on)[t])
        if policy == "periodic":
            retrain = t % every == 0
        elif policy == "on_alarm":
            retrain = min(_sorted_ks_pvalue(columns[trained_on][:, j], columns[t][:, j])
                          for j in range(2)) < alpha / 2
        else:
            retrain = False
        if retrain:
            trained_on = t
            retrained.append(t)
    accuracy = np.array(accuracy)
    return RetrainingResult(policy, accuracy, tuple(retrained), float(accuracy.mean()))


@cached(maxsize=8)
def _stream(config, seed):
    # make_stream's periods, shared (read-only) by every policy on this stream.
    periods = make_stream(config, seed=seed)
    for X, y in periods:
        X.setflags(write=False)
        y.setflags(write=False)
    return tuple(periods)


@cached(maxsize=8)
def _sorted_columns(config, seed):
    # Each period's features, each column sorted on its own (read-only), for the KS tests.
    columns = tuple(np.sort(X, axis=0) for X, _ in _stream(config, seed))
    for sorted_X in columns:
        sorted_X.setflags(write=False)
    return columns


def _sorted_ks_pvalue(a, b):
    # stats.ks_2samp(a, b).pvalue for two sorted windows of one size n: the p-value depends
    # on n and the gap n * D alone (scipy rounds D to a multiple of 1 / n), so it is cached.
    both = np.concatenate([a, b])
    gap = np.abs(np.searchsorted(a, both, side="right") - np.searchsorted(b, both, side="right"))
    return _ks_gap_pvalue(len(a), int(gap.max()))


@cached(maxsize=1_024)
def _ks_gap_pvalue(n, h):
    # Windows 0, 1, ..., n - 1 and h - 1/2, h + 1/2, ... have D = h / n (h >= 1).
    if h == 0:
        return 1.0  # as scipy gives for D = 0
    return stats.ks_2samp(np.arange(n), np.arange(n) + h - 0.5).pvalue


@cached(maxsize=8)
def _stacked_stream(config, seed):
    # All the stream's rows in period order, and their labels (read-only), to score a model on
    # every period with one prediction.
    periods = _stream(config, seed)
    stacked = tuple(np.concatenate(arrays) for arrays in zip(*periods))
    for array in stacked:
        array.setflags(write=False)
    return stacked


@cached(maxsize=2_048)
def _period_model(period_size, covariate_shift, concept_rotation_deg, seed):
    # The model fitted on one period's rows, keyed by what they depend on: the periods before
    # the sudden change are alike in every variant of the stream, and are fitted once for all.
    X, y = sample_world(period_size, covariate_shift=covariate_shift,
                        concept_rotation_deg=concept_rotation_deg, seed=seed)
    with one_thread():
        return LogisticRegression().fit(X, y)


@cached(maxsize=1_024)
def _period_model_accuracy(config, seed, t):
    # The accuracy on every period of the model fitted on period t's rows (read-only).
    model = _period_model(config.period_size, **_period_world(config, t), seed=seed * 10_000 + t)
    X, y = _stacked_stream(config, seed)
    with one_thread():
        right = model.predict(X) == y
    # Each period's share of right predictions (the periods have config.period_size rows each).
    accuracy = right.reshape(config.n_periods, config.period_size).mean(axis=1)
    accuracy.setflags(write=False)
    return accuracy


def _schedule_to_policy(schedule) -> dict:
    if schedule == "never":
        return {"policy": "never"}
    if schedule == "on alarm":
        return {"policy": "on_alarm"}
    words = schedule.split() if isinstance(schedule, str) else []
    if len(words) == 2 and words[0] == "every" and words[1].isdigit() and int(words[1]) >= 1:
        return {"policy": "periodic", "every": int(words[1])}
    raise ValueError(f"schedule must be 'never', 'on alarm' or 'every k' with k >= 1 periods; "
                     f"got {schedule!r}")


def sudden_change_config(sudden_change) -> StreamConfig:
    """Return the chapter's stream with a sudden change that moves what `sudden_change` says.

    ``"mean and rule"`` is the chapter's `StreamConfig`: at period 36 the x0 mean jumps and the
    rule rotates. ``"rule only"`` keeps the rotation and drops the jump: concept drift that
    leaves P(X) where the gradual drift had it, which a feature detector cannot see.
    ``"mean only"`` keeps the jump and drops the rotation.

    Examples
    --------
    >>> sudden_change_config("rule only").jump_shift
    0.0
    """
    sudden_change = check_choice("sudden_change", sudden_change, SUDDEN_CHANGES)
    config = StreamConfig()
    if sudden_change == "rule only":
        return replace(config, jump_shift=0.0)
    if sudden_change == "mean only":
        return replace(config, jump_rotation_deg=0.0)
    return config


@cached(maxsize=256)
def _retraining(schedule, sudden_change, seed):
    return simulate_retraining(**_schedule_to_policy(schedule),
                               config=sudden_change_config(sudden_change), seed=seed)


def plot_retraining(schedule, sudden_change="mean and rule", *, seed=0, figure=None) -> Figure:
    """Plot accuracy over the stream for one retraining schedule against never retraining.

    Parameters
    ----------
    schedule : str
        The retraining policy in words: ``"never"``, ``"on alarm"`` or ``"every k"`` for a
        whole number of periods k >= 1 (`RETRAINING_SCHEDULES` lists the explorer's choices).
    sudden_change : {"mean and rule", "rule only", "mean only"}, default "mean and rule"
        What the stream's sudden change at period 36 moves (see `sudden_change_config`).
    seed : int, default 0
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Examples
    --------
    >>> fig = plot_retraining("every 10")
    >>> fig.axes[0].get_title(loc="left").startswith("every 10: 5 retrains")
    True
    """
    sudden_change = check_choice("sudden_change", sudden_change, SUDDEN_CHANGES)
    seed = check_number("seed", seed, low=0, integer=True)
    _schedule_to_policy(schedule)  # checks the schedule before it is used as a cache key
    result = _retraining(schedule, sudden_change, seed)
    never = _retraining("never", sudden_change, seed)
    config = sudden_change_config(sudden_change)
    periods = np.arange(1, config.n_periods)
    kept = reuse(figure, plot_retraining)
    if kept is None:
        fig, ax = _new_figure()
        lines = [ax.plot(periods, np.zeros(periods.size), color=PALETTE["black"],
                         linestyle=LINESTYLES[1], lw=1.5)[0],
                 ax.plot(periods, np.zeros(periods.size), color=PALETTE["blue"],
                         linestyle=LINESTYLES[0])[0]]
        ticks = ax.plot([], [], "|", ms=12, color=PALETTE["vermillion"])[0]
        ax.axvline(config.jump_period, color=PALETTE["black"], linestyle=":", lw=1)
        ax.text(config.jump_period + 0.5, 0.97, "sudden change", fontsize=9, va="top")
        span = periods[-1] - periods[0]  # the periods with margins, as autoscaling gave them
        ax.set_xlim(periods[0] - 0.05 * span, periods[-1] + 0.05 * span)
        ax.set_ylim(0.4, 1.0)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        decorate(ax, xlabel="period (labelled batch of 300 rows)",
                 ylabel="accuracy in the period")
        # Two legends, one shown: with the retrain ticks' entry, and without it for a schedule
        # that never retrains (an update can show or hide an artist, not add one).
        without = ax.legend(lines, ["", ""], loc="lower left", ncols=3)
        ax.add_artist(without)
        legends = [ax.legend([*lines, ticks], ["", "", "retrain"], loc="lower left", ncols=3),
                   without]
        for legend in legends:
            # Inside the axes, where the layout need not make room for it: so the layout
            # holds while its labels change (the first layout of a long one is not the last).
            legend.set_in_layout(False)
        kept = keep(fig, plot_retraining, lines=lines, ticks=ticks, legends=legends,
                    title=ax.set_title("", loc="left"))
    labels = [f"never retrain (mean {never.mean_accuracy:.1%})",
              f"{schedule} (mean {result.mean_accuracy:.1%})"]
    for line, run in zip(kept.lines, (never, result)):
        line.set_ydata(run.accuracy)
    kept.ticks.set_data(result.retrain_periods, np.full(result.n_retrains, 0.42))
    for legend, shown in zip(kept.legends, (bool(result.retrain_periods),
                                            not result.retrain_periods)):
        legend.set_visible(shown)
        for text, label in zip(legend.texts, labels):
            text.set_text(label)
    kept.title.set_text(f"{schedule}: {format_count(result.n_retrains, 'retrain')}, mean "
                        f"accuracy {result.mean_accuracy:.1%}\nwhen the sudden change moves "
                        f"the {sudden_change}")
    return kept.figure


def plot_retraining_every(every, sudden_change="mean and rule", *, seed=0,
                          figure=None) -> Figure:
    """Plot `plot_retraining` for the schedule "every `every`" (the live explorer's slider).

    Parameters
    ----------
    every : int
        Periods between retrains, ``>= 1``.
    sudden_change : {"mean and rule", "rule only", "mean only"}, default "mean and rule"
        What the stream's sudden change at period 36 moves (see `sudden_change_config`).
    seed : int, default 0
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Examples
    --------
    >>> plot_retraining_every(10).axes[0].get_title(loc="left").startswith("every 10: ")
    True
    """
    every = check_number("every", every, low=1, integer=True, unit="periods")
    return plot_retraining(f"every {every}", sudden_change, seed=seed, figure=figure)
