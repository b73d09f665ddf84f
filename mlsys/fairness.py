"""Fairness: models encode the past, group metrics, per-group thresholds, and no free lunch.

A generated lending history in two groups, A and B. Whether an applicant repays depends only on
two merit features (income and credit history), never on the group. Past loan officers approved
group B less often than its merit warranted (`historical_bias`), and a postcode feature that says
nothing about merit reveals the group (`proxy_strength`). A model trained on those decisions
learns the bias back, through the postcode when the group itself is dropped.

The exercises carry the ideas to a second domain the chapter never shows, hiring: a screening
model scores job candidates' chance of a good first year (`make_scored_candidates`), and a second
one learned from managers' ratings that marked group B down (`make_rated_candidates`), whose
calibration plot by group (`plot_calibration_by_group`) shows it understates B.

`compare_criteria` meets each fairness criterion in turn with a threshold per group and measures
what it costs; `plot_threshold_search` draws it for the chapter's search explorer.

The metrics follow Hardt, Price & Srebro (NeurIPS 2016) for equalized odds and equal opportunity;
the impossibility results are Kleinberg, Mullainathan & Raghavan (ITCS 2017) and Chouldechova
(Big Data 5(2), 2017), whose identity is `compute_chouldechova_fpr`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression

from mlsys._threads import one_thread
from mlsys._validate import check_choice, check_number, check_samples
from mlsys.drawing import cached, keep, reuse
from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate, format_count

#: The two groups, in the order every table and figure uses.
GROUPS = ("A", "B")
#: Share of applicants in group B.
SHARE_B = 0.4
#: The merit features (repayment depends on these alone) and the proxy.
MERIT_FEATURES = ("income", "credit_history")
PROXY_FEATURE = "postcode"
#: Metrics of `compute_group_rates`, with the fairness criterion that asks each to be equal.
CRITERIA = {
    "selection_rate": "demographic parity",
    "tpr": "equal opportunity",
    "fpr": "equalized odds (with tpr)",
    "ppv": "predictive parity",
}
#: Two rates count as equal when they differ by at most this much (in the explorers' titles).
TOLERANCE = 0.05

_STYLE = {"A": dict(color=PALETTE["blue"], hatch="", marker="o", linestyle=LINESTYLES[0]),
          "B": dict(color=PALETTE["orange"], hatch="//", marker="s", linestyle=LINESTYLES[1])}


# ---------------------------------------------------------------------------------------------
# The lending history
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Applicants:
    """Generated loan applicants: features, group, true outcome and the past decision."""

    features: pd.DataFrame = field(repr=False)  # income, credit_history (merit), postcode (proxy)
    group: np.ndarray = field(repr=False)       # "A" or "B"
    repaid: np.ndarray = field(repr=False)      # 1 if the applicant would repay (the truth)
    approved: np.ndarray = field(repr=False)    # 1 if past loan officers approved (the label)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _merit_logit(income, credit_history):
    # Log-odds of repaying; the group does not appear, so the truth is the same for A and B.
    return 1.0 * income + 0.7 * credit_history + 0.2


def make_applicants(n=4_000, seed=0, *, historical_bias=3.0, proxy_strength=1.0,
                    income_gap=0.0) -> Applicants:
    """Generate applicants and the decisions biased loan officers made about them.

    Per applicant: group B with probability 0.4; income ~ Normal(-`income_gap` in group B, else
    0; sd 1) and credit history = 0.6 x income + Normal(0, 0.8), both in standard units; repaid ~
    Bernoulli(sigmoid(m)) with merit log-odds ``m = income + 0.7 x credit_history + 0.2``;
    approved ~ Bernoulli(sigmoid(2 x m - historical_bias x [group B])): the officers judged
    merit more sharply than it predicts repayment (twice its log-odds) and took
    `historical_bias` off the log-odds of approval in group B; postcode =
    2 x `proxy_strength` x [group B] + Normal(0, 1), a neighbourhood index unrelated to merit.

    Parameters
    ----------
    n : int, default 4_000
        Number of applicants, ``>= 10``.
    seed : int, default 0
        Seed of the random generator.
    historical_bias : float, default 3.0
        Penalty, in log-odds of approval, that past officers gave group B; ``0 <= bias <= 10``.
    proxy_strength : float, default 1.0
        How well the postcode reveals the group: 0 = not at all, 1 = the group means are 2 sd
        apart; ``0 <= strength <= 2``.
    income_gap : float, default 0.0
        How much lower group B's mean income is, in sd; ``0 <= gap <= 2``. A gap makes the
        groups' base rates (repayment rates) differ.

    Returns
    -------
    Applicants
        ``features`` (a DataFrame with columns income, credit_history, postcode), ``group``,
        ``repaid`` and ``approved``, one entry per applicant.

    Examples
    --------
    >>> applicants = make_applicants(1_000, seed=1)
    >>> list(applicants.features.columns)
    ['income', 'credit_history', 'postcode']
    >>> sorted(set(applicants.group.tolist()))
    ['A', 'B']
    """
    n = check_number("n", n, low=10, integer=True, unit="applicants")
    historical_bias = check_number("historical_bias", historical_bias, low=0, high=10,
                                   unit="log-odds")
    proxy_strength = check_number("proxy_strength", proxy_strength, low=0, high=2)
    income_gap = check_number("income_gap", income_gap, low=0, high=2, unit="sd")
    rng = np.random.default_rng(check_number("seed", seed, low=0, integer=True))
    in_b = rng.random(n) < SHARE_B
    income = rng.normal(-income_gap * in_b, 1.0)
    credit_history = 0.6 * income + rng.normal(0, 0.8, n)
    merit = _merit_logit(income, credit_history)
    repaid = (rng.random(n) < _sigmoid(merit)).astype(int)
    approved = (rng.random(n) < _sigmoid(2 * merit - historical_bias * in_b)).astype(int)
    postcode = 2 * proxy_strength * in_b + rng.normal(0, 1, n)
    features = pd.DataFrame({"income": income, "credit_history": credit_history,
                             "postcode": postcode})
    return Applicants(features, np.where(in_b, "B", "A"), repaid, approved)


def _check_applicants(applicants) -> Applicants:
    if not isinstance(applicants, Applicants):
        raise TypeError("applicants must be the result of make_applicants; "
                        f"got {type(applicants).__name__}")
    return applicants


def _check_columns(columns) -> list:
    allowed = (*MERIT_FEATURES, PROXY_FEATURE, "group")
    if isinstance(columns, (str, bytes)) or not isinstance(columns, Sequence) or not columns:
        raise TypeError(f"columns must be a non-empty list of names from {allowed}; "
                        f"got {columns!r}")
    return [check_choice(f"columns[{i}]", c, allowed) for i, c in enumerate(columns)]


def make_design_matrix(applicants, columns) -> np.ndarray:
    """Return the chosen columns as a 2-D float array; ``"group"`` becomes 1 for B, 0 for A.

    Parameters
    ----------
    applicants : Applicants
        As returned by `make_applicants`.
    columns : sequence of str
        Names among ``income``, ``credit_history``, ``postcode`` and ``group``.

    Returns
    -------
    numpy.ndarray of shape (n_applicants, len(columns))

    Examples
    --------
    >>> make_design_matrix(make_applicants(20), ["income", "group"]).shape
    (20, 2)
    """
    applicants = _check_applicants(applicants)
    columns = _check_columns(columns)
    is_b = (applicants.group == "B").astype(float)
    return np.column_stack([is_b if c == "group" else applicants.features[c].to_numpy()
                            for c in columns])


def _fit_and_score(X_train, y_train, X_new) -> np.ndarray:
    """Fit a default logistic regression and return its probabilities for `X_new`."""
    with one_thread():
        return LogisticRegression().fit(X_train, y_train).predict_proba(X_new)[:, 1]


def compute_selection_rates(history, new, feature_sets) -> pd.DataFrame:
    """Train one logistic regression per feature set on past decisions; approval rate by group.

    Each model learns `history.approved` from its columns and approves a new applicant when its
    predicted probability is at least 0.5. The last column, ``"repaid"``, is the share of each
    group in `new` that would actually repay: what a decision on merit alone would track.

    Parameters
    ----------
    history : Applicants
        Training applicants with past decisions.
    new : Applicants
        Applicants the models decide on.
    feature_sets : dict
        Name of a model -> list of columns (see `make_design_matrix`).

    Returns
    -------
    pandas.DataFrame
        Index ``A``, ``B``; one column per model (share approved) and ``repaid``.

    Examples
    --------
    >>> rates = compute_selection_rates(make_applicants(2_000, seed=0),
    ...                                 make_applicants(2_000, seed=1),
    ...                                 {"merit only": ["income", "credit_history"]})
    >>> list(rates.columns), list(rates.index)
    (['merit only', 'repaid'], ['A', 'B'])
    """
    history, new = _check_applicants(history), _check_applicants(new)
    if not isinstance(feature_sets, Mapping) or not feature_sets:
        raise TypeError("feature_sets must be a non-empty dict of model name -> list of columns; "
                        f"got {feature_sets!r}")
    table = {}
    for name, columns in feature_sets.items():
        approve = _fit_and_score(make_design_matrix(history, columns), history.approved,
                                 make_design_matrix(new, columns)) >= 0.5
        table[name] = [approve[new.group == g].mean() for g in GROUPS]
    table["repaid"] = [new.repaid[new.group == g].mean() for g in GROUPS]
    return pd.DataFrame(table, index=list(GROUPS))


def describe_approval_gap(gap) -> str:
    """Say in words how much more often group A is approved than group B.

    Parameters
    ----------
    gap : float
        Share approved in A minus share approved in B, ``-1 <= gap <= 1``; rounded to whole
        percentage points.

    Returns
    -------
    str
        "approves A 17 points more often than B", "approves A 1 point more often than B",
        "approves A and B equally often" or "approves B 3 points more often than A".

    Examples
    --------
    >>> describe_approval_gap(0.208)
    'approves A 21 points more often than B'
    >>> describe_approval_gap(0.013), describe_approval_gap(-0.002)
    ('approves A 1 point more often than B', 'approves A and B equally often')
    """
    gap = check_number("gap", gap, low=-1, high=1)
    points = int(round(100 * gap))
    if points == 0:
        return "approves A and B equally often"
    more, less = ("A", "B") if points > 0 else ("B", "A")
    return f"approves {more} {format_count(abs(points), 'point')} more often than {less}"


#: The models of `plot_encoded_bias`: name (as on its axis) -> columns they learn from.
_ENCODED_MODELS = {"with group": [*MERIT_FEATURES, PROXY_FEATURE, "group"],
                   "group dropped,\npostcode kept": [*MERIT_FEATURES, PROXY_FEATURE],
                   "merit features\nonly": list(MERIT_FEATURES)}


@cached(maxsize=64)
def _encoded_rates(historical_bias, proxy_strength, n, seed) -> pd.DataFrame:
    kwargs = dict(historical_bias=historical_bias, proxy_strength=proxy_strength)
    history, new = make_applicants(n, seed, **kwargs), make_applicants(n, seed + 1, **kwargs)
    return compute_selection_rates(history, new, _ENCODED_MODELS)


def _label_bars(bars, texts, labels, *, horizontal=False) -> None:
    """Move the `bar_label` texts of `bars` to the bars' ends and give them `labels`.

    The bars' values are >= 0 (as when the texts were made), so alignment and offset stay.
    """
    for bar, text, label in zip(bars, texts, labels):
        (x0, y0), (x1, y1) = bar.get_bbox().get_points()
        text.xy = (max(x0, x1), (y0 + y1) / 2) if horizontal else ((x0 + x1) / 2, max(y0, y1))
        text.set_text(label)
        text.stale = True


def _into_background(*artists, below) -> None:
    """Draw static `artists` (titles above the axes, legends clear of the data) just below the
    zorder `below` of the artists that change, so that an update need not redraw their text
    (`mlsys.drawing`). Where they do not overlap the changing artists, nothing looks different.
    """
    for artist in artists:
        artist.set_zorder(below - 0.05)


def plot_encoded_bias(historical_bias, proxy_strength, *, n=4_000, seed=0,
                      figure=None) -> Figure:
    """Bar chart of approval rates by group for models trained on biased past decisions.

    Three models learn past approvals: with the group, without it (the postcode stays), and on
    merit features alone. Both groups repay equally often, so any gap is learned bias.

    Parameters
    ----------
    historical_bias, proxy_strength
        As in `make_applicants`.
    n : int, default 4_000
        Applicants in the training history and, separately, in the new applicants.
    seed : int, default 0
        The history uses `seed`, the new applicants ``seed + 1``.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Titled with the gap left by dropping the group.

    Examples
    --------
    >>> fig = plot_encoded_bias(3.0, 1.0)
    >>> fig.axes[0].get_title(loc="left").startswith("Without the group")
    True
    """
    historical_bias = check_number("historical_bias", historical_bias, low=0, high=10)
    proxy_strength = check_number("proxy_strength", proxy_strength, low=0, high=2)
    n = check_number("n", n, low=10, integer=True)
    seed = check_number("seed", seed, low=0, integer=True)
    rates = _encoded_rates(historical_bias, proxy_strength, n, seed)
    kept = reuse(figure, plot_encoded_bias)
    if kept is None:
        fig = Figure(figsize=FIGSIZE, layout="constrained")
        ax = fig.add_subplot()
        columns = [*_ENCODED_MODELS, "repaid"]
        positions = np.arange(len(columns))
        bars, texts = [], []
        for offset, g in zip((-0.2, 0.2), GROUPS):
            style = _STYLE[g]
            group_bars = ax.bar(positions + offset, np.zeros(len(columns)), width=0.38,
                                color=style["color"], hatch=style["hatch"], edgecolor="white",
                                label=f"group {g}")
            bars.append(group_bars)
            texts.append(ax.bar_label(group_bars, labels=[""] * len(columns), fontsize=8))
        ax.set_xticks(positions, [c.replace("repaid", "would repay\n(the truth)")
                                  for c in columns])
        span = len(columns) - 1 + 2 * 0.39  # from the first bar's left edge to the last's right
        ax.set_xlim(-0.39 - 0.05 * span, len(columns) - 1 + 0.39 + 0.05 * span)  # autoscale's
        ax.set_ylim(0, 1)
        ax.set_axisbelow(True)  # the bars redraw over the grid and ticks, not under them
        decorate(ax, xlabel="model trained on past decisions, and the truth",
                 ylabel="share approved")
        legend = ax.legend(loc="upper right")  # where "best" puts it at every point
        _into_background(legend, ax._left_title, ax.title, ax._right_title, below=1)  # bars: 1
        kept = keep(fig, plot_encoded_bias, bars=bars, texts=texts,
                    title=ax.set_title("", loc="left"))
    for group_bars, texts, g in zip(kept.bars, kept.texts, GROUPS):
        values = rates.loc[g].to_numpy()
        for bar, value in zip(group_bars, values):
            bar.set_height(value)
        _label_bars(group_bars, texts, [f"{v:.0%}" for v in values])
    blind_gap = rates.iloc[0, 1] - rates.iloc[1, 1]
    kept.title.set_text(f"Without the group, the model {describe_approval_gap(blind_gap)}\n"
                        f"(bias {historical_bias:g} log-odds, proxy strength {proxy_strength:g})")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Group metrics
# ---------------------------------------------------------------------------------------------

def _check_labels(name, values, n=None) -> np.ndarray:
    values = check_samples(name, values)
    if not np.isin(values, (0, 1)).all():
        found = sorted(set(values.tolist()))[:5]
        raise ValueError(f"{name} must contain only 0 and 1; got values such as {found}")
    if n is not None and len(values) != n:
        raise ValueError(f"{name} must have one entry per applicant ({n}); got {len(values)}")
    return values.astype(int)


def _check_group(group, n) -> np.ndarray:
    if isinstance(group, (str, bytes)) or group is None:
        raise TypeError(f"group must be a sequence of group names; got {type(group).__name__}")
    group = np.asarray(group)
    if group.ndim != 1 or len(group) != n:
        raise ValueError(f"group must be one-dimensional with one entry per applicant ({n}); "
                         f"got shape {group.shape}")
    return group


def _check_scores(y_score, n) -> np.ndarray:
    y_score = check_samples("y_score", y_score)
    if len(y_score) != n:
        raise ValueError(f"y_score must have one entry per applicant ({n}); got {len(y_score)}")
    if y_score.min() < 0 or y_score.max() > 1:
        raise ValueError("y_score must be probabilities between 0 and 1")
    return y_score


def _rate(numerator, denominator) -> float:
    return float(numerator / denominator) if denominator else float("nan")


def compute_group_rates(y_true, y_pred, group) -> pd.DataFrame:
    """Return, per group, the base rate and the rates fairness criteria compare.

    From each group's confusion matrix (TP, FP, FN, TN): selection rate (TP + FP) / n, true
    positive rate TP / (TP + FN), false positive rate FP / (FP + TN), precision or positive
    predictive value TP / (TP + FP), and accuracy. A rate whose denominator is 0 is NaN.

    Parameters
    ----------
    y_true : sequence of {0, 1}
        True outcomes (1 = repaid).
    y_pred : sequence of {0, 1}
        Decisions (1 = approve), same length.
    group : sequence
        Group of each applicant, same length.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted); columns ``n``, ``base_rate``, ``selection_rate``, ``tpr``,
        ``fpr``, ``ppv``, ``accuracy``.

    Examples
    --------
    >>> rates = compute_group_rates([1, 0, 1, 1, 0, 0], [1, 1, 0, 1, 0, 0],
    ...                             ["A", "A", "A", "B", "B", "B"])
    >>> rates[["selection_rate", "tpr", "fpr"]].round(2)
       selection_rate  tpr  fpr
    A            0.67  0.5  1.0
    B            0.33  1.0  0.0
    """
    y_true = _check_labels("y_true", y_true)
    y_pred = _check_labels("y_pred", y_pred, len(y_true))
    group = _check_group(group, len(y_true))
    rows = {}
    for g in np.unique(group):
        t, p = y_true[group == g], y_pred[group == g]
        tp, fp = np.sum((t == 1) & (p == 1)), np.sum((t == 0) & (p == 1))
        fn, tn = np.sum((t == 1) & (p == 0)), np.sum((t == 0) & (p == 0))
        rows[g] = {"n": len(t), "base_rate": t.mean(), "selection_rate": (tp + fp) / len(t),
                   "tpr": _rate(tp, tp + fn), "fpr": _rate(fp, fp + tn),
                   "ppv": _rate(tp, tp + fp), "accuracy": (tp + tn) / len(t)}
    return pd.DataFrame.from_dict(rows, orient="index")


def compute_calibration(y_true, y_score, group, n_bins=5) -> pd.DataFrame:
    """Return, per group and score bin, the mean score and the observed rate of positives.

    A score is calibrated in a group when, in every bin, the share of positives equals the mean
    score: of applicants scored about 0.7, about 70% repay.

    Parameters
    ----------
    y_true : sequence of {0, 1}
        True outcomes.
    y_score : sequence of float
        Predicted probabilities in [0, 1], same length.
    group : sequence
        Group of each applicant, same length.
    n_bins : int, default 5
        Equal-width score bins on [0, 1], ``2 <= n_bins <= 50``.

    Returns
    -------
    pandas.DataFrame
        Columns ``group``, ``bin``, ``n``, ``mean_score``, ``observed_rate``; empty bins left out.

    Examples
    --------
    >>> table = compute_calibration([0, 1, 1, 1], [0.1, 0.9, 0.8, 0.7], ["A"] * 4, n_bins=2)
    >>> table.n.tolist(), table.observed_rate.tolist()
    ([1, 3], [0.0, 1.0])
    """
    y_true = _check_labels("y_true", y_true)
    y_score = _check_scores(y_score, len(y_true))
    group = _check_group(group, len(y_true))
    n_bins = check_number("n_bins", n_bins, low=2, high=50, integer=True)
    bins = np.minimum((y_score * n_bins).astype(int), n_bins - 1)
    frame = pd.DataFrame({"group": group, "bin": bins, "y": y_true, "score": y_score})
    table = frame.groupby(["group", "bin"]).agg(n=("y", "size"), mean_score=("score", "mean"),
                                                observed_rate=("y", "mean"))
    return table.reset_index()


def compute_chouldechova_fpr(base_rate, ppv, fnr) -> float:
    """Return the false positive rate that a base rate, a precision and a miss rate force.

    Chouldechova (2017): ``FPR = p / (1 - p) x (1 - PPV) / PPV x (1 - FNR)``. It is an identity
    of the confusion matrix, so it holds exactly for any classifier and any group. Two groups with
    different base rates p and equal PPV and FNR must therefore have different FPRs.

    Parameters
    ----------
    base_rate : float
        Share of positives in the group, ``0 < p < 1``.
    ppv : float
        Precision, ``0 < PPV <= 1``.
    fnr : float
        False negative rate 1 - TPR, ``0 <= FNR <= 1``.

    Returns
    -------
    float
        The false positive rate (may exceed 1 if the three inputs cannot occur together).

    Examples
    --------
    >>> round(compute_chouldechova_fpr(0.5, 0.8, 0.2), 3)
    0.2
    >>> round(compute_chouldechova_fpr(0.3, 0.8, 0.2), 3)
    0.086
    """
    base_rate = check_number("base_rate", base_rate, low=0, high=1, low_open=True,
                             high_open=True)
    ppv = check_number("ppv", ppv, low=0, high=1, low_open=True)
    fnr = check_number("fnr", fnr, low=0, high=1)
    return base_rate / (1 - base_rate) * (1 - ppv) / ppv * (1 - fnr)


# ---------------------------------------------------------------------------------------------
# A model trained on true outcomes, and a threshold per group
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ScoredApplicants:
    """New applicants scored by a model trained on true repayment (merit features only)."""

    group: np.ndarray = field(repr=False)    # "A" or "B"
    repaid: np.ndarray = field(repr=False)   # 1 if the applicant repays
    score: np.ndarray = field(repr=False)    # predicted probability of repaying


@cached(maxsize=64)
def _scored(income_gap, n, seed) -> ScoredApplicants:
    history = make_applicants(n, seed, income_gap=income_gap)
    new = make_applicants(n, seed + 1, income_gap=income_gap)
    columns = list(MERIT_FEATURES)
    score = _fit_and_score(make_design_matrix(history, columns), history.repaid,
                           make_design_matrix(new, columns))
    for array in (new.group, new.repaid, score):
        array.setflags(write=False)  # cached: shared by every caller
    return ScoredApplicants(new.group, new.repaid, score)


def make_scored_applicants(income_gap=0.5, n=4_000, seed=0) -> ScoredApplicants:
    """Train a logistic regression on who repaid (merit features only) and score new applicants.

    With the truth as the label and no group or proxy among the features, this is the model a
    careful team would build. Repayment depends on merit alone, so its scores are calibrated in
    both groups; with an `income_gap`, the groups' base rates still differ.

    Parameters
    ----------
    income_gap : float, default 0.5
        As in `make_applicants`, ``0 <= gap <= 2``.
    n : int, default 4_000
        Applicants in the training set and, separately, in the scored set, ``>= 10``.
    seed : int, default 0
        Training uses `seed`, the scored applicants ``seed + 1``.

    Returns
    -------
    ScoredApplicants
        Read-only arrays ``group``, ``repaid`` and ``score``.

    Examples
    --------
    >>> scored = make_scored_applicants(0.5, n=1_000)
    >>> scored.score.shape, bool(0 < scored.score.min() < scored.score.max() < 1)
    ((1000,), True)
    """
    income_gap = check_number("income_gap", income_gap, low=0, high=2, unit="sd")
    n = check_number("n", n, low=10, integer=True, unit="applicants")
    seed = check_number("seed", seed, low=0, integer=True)
    return _scored(income_gap, n, seed)


# ---------------------------------------------------------------------------------------------
# A second domain for the exercises: hiring
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ScoredCandidates:
    """Job candidates scored by a screening model trained on how earlier hires performed."""

    group: np.ndarray = field(repr=False)      # "A" or "B"
    performed: np.ndarray = field(repr=False)  # 1 if the candidate has a good first year
    score: np.ndarray = field(repr=False)      # predicted probability of a good first year


def _make_candidates(n, seed, share_b, experience_gap) -> tuple:
    rng = np.random.default_rng(seed)
    in_b = rng.random(n) < share_b
    work_sample = rng.normal(0, 1, n)
    experience = rng.normal(-experience_gap * in_b, 1.0)
    # The rule linking skill to performance is the same in both groups.
    performed = (rng.random(n) < _sigmoid(0.8 * work_sample + 1.0 * experience - 0.4))
    return (np.column_stack([work_sample, experience]), np.where(in_b, "B", "A"),
            performed.astype(int))


@cached(maxsize=8)
def _scored_candidates(n, seed, share_b, experience_gap) -> ScoredCandidates:
    X_train, _, y_train = _make_candidates(n, seed, share_b, experience_gap)
    X_new, group, performed = _make_candidates(n, seed + 1, share_b, experience_gap)
    score = LogisticRegression().fit(X_train, y_train).predict_proba(X_new)[:, 1]
    for array in (group, performed, score):
        array.setflags(write=False)  # cached: shared by every caller
    return ScoredCandidates(group, performed, score)


def make_scored_candidates(n=3_000, seed=7, *, share_b=0.3,
                           experience_gap=1.0) -> ScoredCandidates:
    """Score job candidates with a screening model trained on earlier hires' first year.

    Per candidate: group B with probability `share_b`; a work-sample test score ~ Normal(0, 1)
    and relevant experience ~ Normal(-`experience_gap` in group B, else 0; sd 1), both in
    standard units (fewer past openings left group B with less experience); a good first year ~
    Bernoulli(sigmoid(0.8 x work sample + experience - 0.4)), by the same rule in both groups.
    A logistic regression on the two features, trained on `n` earlier hires, scores `n` new
    candidates: calibrated in both groups, whose base rates differ.

    Parameters
    ----------
    n : int, default 3_000
        Candidates in the training set and, separately, in the scored set, ``>= 10``.
    seed : int, default 7
        Training uses `seed`, the scored candidates ``seed + 1``.
    share_b : float, default 0.3
        Share of candidates in group B, ``0.05 <= share_b <= 0.95``.
    experience_gap : float, default 1.0
        How much less experience group B has on average, in sd, ``0 <= gap <= 2``.

    Returns
    -------
    ScoredCandidates
        Read-only arrays ``group``, ``performed`` and ``score``.

    Examples
    --------
    >>> candidates = make_scored_candidates(n=1_000)
    >>> candidates.score.shape, sorted(set(candidates.group.tolist()))
    ((1000,), ['A', 'B'])
    """
    n = check_number("n", n, low=10, integer=True, unit="candidates")
    seed = check_number("seed", seed, low=0, integer=True)
    share_b = check_number("share_b", share_b, low=0.05, high=0.95)
    experience_gap = check_number("experience_gap", experience_gap, low=0, high=2, unit="sd")
    return _scored_candidates(n, seed, share_b, experience_gap)


def _make_rated(n, seed, share_b, experience_gap, rating_bias, proxy_strength) -> tuple:
    rng = np.random.default_rng(seed)
    in_b = rng.random(n) < share_b
    work_sample = rng.normal(0, 1, n)
    experience = rng.normal(-experience_gap * in_b, 1.0)
    network = 2 * proxy_strength * in_b + rng.normal(0, 1, n)  # says nothing about the job
    merit = 0.8 * work_sample + 1.0 * experience - 0.4
    performed = rng.random(n) < _sigmoid(merit)
    # The managers' rating: the same merit, marked down by rating_bias for group B.
    rated = rng.random(n) < _sigmoid(merit - rating_bias * in_b)
    return (np.column_stack([work_sample, experience, network]), np.where(in_b, "B", "A"),
            performed.astype(int), rated.astype(int))


@cached(maxsize=8)
def _rated_candidates(n, seed, share_b, experience_gap, rating_bias,
                      proxy_strength) -> ScoredCandidates:
    X_train, _, _, rated = _make_rated(n, seed, share_b, experience_gap, rating_bias,
                                       proxy_strength)
    X_new, group, performed, _ = _make_rated(n, seed + 1, share_b, experience_gap, rating_bias,
                                             proxy_strength)
    score = LogisticRegression().fit(X_train, rated).predict_proba(X_new)[:, 1]
    for array in (group, performed, score):
        array.setflags(write=False)  # cached: shared by every caller
    return ScoredCandidates(group, performed, score)


def make_rated_candidates(n=3_000, seed=21, *, rating_bias=2.0, share_b=0.3,
                          experience_gap=0.5, proxy_strength=1.0) -> ScoredCandidates:
    """Score job candidates with a model trained on managers' ratings that marked group B down.

    As `make_scored_candidates`, a good first year ~ Bernoulli(sigmoid(0.8 x work sample +
    experience - 0.4)) by the same rule in both groups; but the label the screening model
    learns is the managers' rating of that first year, drawn with `rating_bias` taken off the
    log-odds of group B. The model never sees the group; a third feature, a professional
    network index ``2 x proxy_strength x [group B] + Normal(0, 1)`` that says nothing about the
    job, lets it rebuild the group. Scored against what really happened (`performed`), it
    understates group B.

    Parameters
    ----------
    n : int, default 3_000
        Candidates in the training set and, separately, in the scored set, ``>= 10``.
    seed : int, default 21
        Training uses `seed`, the scored candidates ``seed + 1``.
    rating_bias : float, default 2.0
        The managers' penalty on group B, in log-odds, ``0 <= rating_bias <= 10``.
    share_b : float, default 0.3
        Share of candidates in group B, ``0.05 <= share_b <= 0.95``.
    experience_gap : float, default 0.5
        How much less experience group B has on average, in sd, ``0 <= gap <= 2``.
    proxy_strength : float, default 1.0
        How well the network index reveals the group, ``0 <= strength <= 2``.

    Returns
    -------
    ScoredCandidates
        Read-only arrays ``group``, ``performed`` (what happened) and ``score``.

    Examples
    --------
    >>> rated = make_rated_candidates(n=2_000)
    >>> in_b = rated.group == "B"
    >>> bool(rated.performed[in_b].mean() > rated.score[in_b].mean() + 0.1)
    True
    """
    n = check_number("n", n, low=10, integer=True, unit="candidates")
    seed = check_number("seed", seed, low=0, integer=True)
    rating_bias = check_number("rating_bias", rating_bias, low=0, high=10, unit="log-odds")
    share_b = check_number("share_b", share_b, low=0.05, high=0.95)
    experience_gap = check_number("experience_gap", experience_gap, low=0, high=2, unit="sd")
    proxy_strength = check_number("proxy_strength", proxy_strength, low=0, high=2)
    return _rated_candidates(n, seed, share_b, experience_gap, rating_bias, proxy_strength)


def plot_calibration_by_group(y_true, y_score, group, *, n_bins=10, min_count=20,
                              title="Of the candidates given each score, the share who did "
                                    "well") -> Figure:
    """Reliability diagram per group: share of positives against mean score, bin by bin.

    Points of `compute_calibration` with at least `min_count` members, one marker and line
    style per group, the diagonal of perfect calibration, and a grid every 0.05 so that a value
    can be read off to that precision.

    Parameters
    ----------
    y_true, y_score, group
        As in `compute_calibration`; `group` holds "A" and "B".
    n_bins : int, default 10
        Equal-width score bins, ``2 <= n_bins <= 50``.
    min_count : int, default 20
        Bins with fewer members are left out, ``>= 1``.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> rated = make_rated_candidates(n=1_000)
    >>> fig = plot_calibration_by_group(rated.performed, rated.score, rated.group)
    >>> [line.get_label() for line in fig.axes[0].get_lines()][:2]
    ['perfect calibration', 'group A']
    """
    table = compute_calibration(y_true, y_score, group, n_bins=n_bins)
    min_count = check_number("min_count", min_count, low=1, integer=True)
    if not isinstance(title, str):
        raise TypeError(f"title must be a str; got {type(title).__name__}")
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1], color=PALETTE["black"], lw=1, linestyle=":",
            label="perfect calibration")
    for g in GROUPS:
        rows = table[(table.group == g) & (table.n >= min_count)]
        style = _STYLE[g]
        ax.plot(rows.mean_score, rows.observed_rate, color=style["color"],
                marker=style["marker"], linestyle=style["linestyle"], label=f"group {g}")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xticks(np.arange(0, 1.01, 0.1))
    ax.set_yticks(np.arange(0, 1.01, 0.1))
    ax.set_xticks(np.arange(0.05, 1, 0.1), minor=True)
    ax.set_yticks(np.arange(0.05, 1, 0.1), minor=True)
    ax.grid(True, which="major", linewidth=0.8, alpha=0.6)
    ax.grid(True, which="minor", linewidth=0.4, alpha=0.4, linestyle="--")
    decorate(ax, xlabel="mean score in the band (predicted probability)",
             ylabel="share who did well", title=title, legend=True)
    ax.legend(loc="upper left")
    return fig


def _check_thresholds(thresholds) -> dict:
    if not isinstance(thresholds, Mapping) or not thresholds:
        raise TypeError(f"thresholds must be a dict of group -> threshold in [0, 1]; got "
                        f"{thresholds!r}")
    return {g: check_number(f"thresholds[{g!r}]", t, low=0, high=1)
            for g, t in thresholds.items()}


def apply_group_thresholds(y_score, group, thresholds) -> np.ndarray:
    """Approve each applicant whose score is at least their group's threshold.

    Parameters
    ----------
    y_score : sequence of float
        Predicted probabilities in [0, 1].
    group : sequence
        Group of each applicant, same length; every group needs a threshold.
    thresholds : dict
        Group -> threshold in [0, 1].

    Returns
    -------
    numpy.ndarray of {0, 1}
        The decisions.

    Examples
    --------
    >>> apply_group_thresholds([0.3, 0.6, 0.3, 0.6], ["A", "A", "B", "B"],
    ...                        {"A": 0.5, "B": 0.25}).tolist()
    [0, 1, 1, 1]
    """
    y_score = check_samples("y_score", y_score)
    group = _check_group(group, len(y_score))
    y_score = _check_scores(y_score, len(y_score))
    thresholds = _check_thresholds(thresholds)
    missing = sorted(set(np.unique(group).tolist()) - set(thresholds))
    if missing:
        raise ValueError(f"thresholds has no entry for {format_count(len(missing), 'group')} "
                         f"{missing}")
    cutoffs = np.array([thresholds[g] for g in group.tolist()])
    return (y_score >= cutoffs).astype(int)


@dataclass(frozen=True)
class ThresholdChoice:
    """The per-group thresholds that meet a fairness constraint with the best accuracy."""

    threshold_a: float
    threshold_b: float
    accuracy: float    # overall, both groups together
    gap: float         # |rate in A - rate in B| of the constrained rate


def choose_thresholds(y_true, y_score, group, grid, *, criterion="tpr",
                      tolerance=0.02) -> ThresholdChoice:
    """Search a grid of thresholds for groups A and B; keep the most accurate fair enough pair.

    Parameters
    ----------
    y_true : sequence of {0, 1}
        True outcomes.
    y_score : sequence of float
        Predicted probabilities in [0, 1].
    group : sequence of {"A", "B"}
        Group of each applicant.
    grid : sequence of float
        Candidate thresholds in [0, 1], tried for each group.
    criterion : {"tpr", "selection_rate", "fpr", "ppv"}, default "tpr"
        The rate that must be (nearly) equal: "tpr" is equal opportunity.
    tolerance : float, default 0.02
        Largest allowed gap between the groups' rates, ``0 <= tolerance <= 1``.

    Returns
    -------
    ThresholdChoice
        Raises ValueError when no pair in the grid meets the constraint.

    Examples
    --------
    >>> scored = make_scored_applicants(0.5, n=2_000)
    >>> choice = choose_thresholds(scored.repaid, scored.score, scored.group,
    ...                            np.arange(0.3, 0.71, 0.05).round(2))
    >>> choice.gap <= 0.02
    True
    """
    y_true = _check_labels("y_true", y_true)
    y_score = _check_scores(y_score, len(y_true))
    group = _check_group(group, len(y_true))
    if not set(np.unique(group).tolist()) <= set(GROUPS):
        raise ValueError(f"group must contain only {GROUPS}")
    grid = check_samples("grid", grid)
    if grid.min() < 0 or grid.max() > 1:
        raise ValueError("grid must hold thresholds between 0 and 1")
    criterion = check_choice("criterion", criterion, tuple(CRITERIA))
    tolerance = check_number("tolerance", tolerance, low=0, high=1)
    if set(np.unique(group).tolist()) != set(GROUPS):
        raise ValueError(f"group must contain both groups {GROUPS}")
    # Every pair at once: per group and threshold, the counts of its confusion matrix; a pair's
    # rates and accuracy follow from the two groups' counts (the same numbers, exactly, as
    # compute_group_rates on the pair's decisions).
    rates, correct = {}, {}
    for g in GROUPS:
        t, s = y_true[group == g], y_score[group == g]
        approve = s[None, :] >= grid[:, None]
        tp, fp = (approve & (t == 1)).sum(axis=1), (approve & (t == 0)).sum(axis=1)
        positives, negatives = np.sum(t == 1), np.sum(t == 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            rates[g] = {"selection_rate": (tp + fp) / len(t), "tpr": tp / positives,
                        "fpr": fp / negatives, "ppv": tp / (tp + fp)}[criterion]
        correct[g] = tp + (negatives - fp)
    gaps = np.abs(rates["A"][:, None] - rates["B"][None, :])
    accuracy = (correct["A"][:, None] + correct["B"][None, :]) / len(y_true)
    fair = gaps <= tolerance  # NaN gaps (an empty denominator) never qualify
    if not fair.any():
        raise ValueError(f"no pair of thresholds in grid keeps the {criterion} gap within "
                         f"tolerance {tolerance}; use a finer grid or a larger tolerance")
    # The first most accurate fair pair, in the order (threshold_a, then threshold_b) of grid.
    index_a, index_b = np.unravel_index(np.argmax(np.where(fair, accuracy, -np.inf)),
                                        fair.shape)
    return ThresholdChoice(float(grid[index_a]), float(grid[index_b]),
                           float(accuracy[index_a, index_b]), float(gaps[index_a, index_b]))


def _group_bars(ax, metrics) -> tuple:
    """Bars of `metrics` (name -> axis label) for groups A and B, at 0 and unlabelled until
    `_set_group_bars`; returns the bars and their label texts, one list per group."""
    positions = np.arange(len(metrics))
    bars, texts = [], []
    for offset, g in zip((-0.2, 0.2), GROUPS):
        style = _STYLE[g]
        group_bars = ax.bar(positions + offset, np.zeros(len(metrics)), width=0.38,
                            color=style["color"], hatch=style["hatch"], edgecolor="white",
                            label=f"group {g}")
        bars.append(group_bars)
        texts.append(ax.bar_label(group_bars, labels=[""] * len(metrics), fontsize=8))
    ax.set_xticks(positions, list(metrics.values()))
    span = len(metrics) - 1 + 2 * 0.39  # from the first bar's left edge to the last's right
    ax.set_xlim(-0.39 - 0.05 * span, len(metrics) - 1 + 0.39 + 0.05 * span)  # autoscale's
    ax.set_ylim(0, 1.08)
    ax.set_axisbelow(True)  # the bars redraw over the grid and ticks, not under them
    return bars, texts


def _set_group_bars(bars, texts, rates, metrics) -> None:
    """Give the bars of `_group_bars` the groups' `rates` (rows A, B) of `metrics`."""
    for group_bars, group_texts, g in zip(bars, texts, GROUPS):
        values = rates.loc[g, list(metrics)].to_numpy(dtype=float)
        for bar, value in zip(group_bars, values):
            bar.set_height(value)
        _label_bars(group_bars, group_texts, [f"{v:.2f}" for v in values])


#: The chapter's search grid for per-group thresholds, and the largest gap a search allows.
SEARCH_GRID = tuple(np.round(np.arange(0.30, 0.701, 0.025), 3).tolist())
SEARCH_TOLERANCE = 0.02
#: What each criterion of `compare_criteria` is called in titles and on sliders.
CRITERION_NAMES = {"selection_rate": "demographic parity", "tpr": "equal opportunity",
                   "fpr": "equal false positive rates", "ppv": "predictive parity"}
_RATE_LABELS = {"selection_rate": "selection\nrate", "tpr": "true positive\nrate",
                "fpr": "false positive\nrate", "ppv": "precision"}


@cached(maxsize=64)
def _compare_criteria(income_gap, n, seed, grid, tolerance) -> pd.DataFrame:
    scored = make_scored_applicants(income_gap, n, seed)
    best = choose_thresholds(scored.repaid, scored.score, scored.group, grid, criterion="tpr",
                             tolerance=1.0)
    rows = {}
    for criterion in CRITERION_NAMES:
        try:
            choice = choose_thresholds(scored.repaid, scored.score, scored.group, grid,
                                       criterion=criterion, tolerance=tolerance)
        except ValueError:  # no pair of the grid meets this criterion
            rows[criterion] = {"threshold_a": np.nan, "threshold_b": np.nan,
                               "accuracy": np.nan, "cost": np.nan,
                               **{f"{m}_gap": np.nan for m in _RATE_LABELS},
                               **{f"{m}_{g}": np.nan for m in _RATE_LABELS for g in GROUPS}}
            continue
        decisions = apply_group_thresholds(scored.score, scored.group,
                                           {"A": choice.threshold_a, "B": choice.threshold_b})
        rates = compute_group_rates(scored.repaid, decisions, scored.group)
        rows[criterion] = {"threshold_a": choice.threshold_a, "threshold_b": choice.threshold_b,
                           "accuracy": choice.accuracy,
                           "cost": 100 * (best.accuracy - choice.accuracy),
                           **{f"{m}_gap": abs(rates.loc["A", m] - rates.loc["B", m])
                              for m in _RATE_LABELS},
                           **{f"{m}_{g}": rates.loc[g, m] for m in _RATE_LABELS for g in GROUPS}}
    return pd.DataFrame.from_dict(rows, orient="index")


def compare_criteria(income_gap=0.5, *, n=4_000, seed=0, grid=SEARCH_GRID,
                     tolerance=SEARCH_TOLERANCE) -> pd.DataFrame:
    """Meet each fairness criterion in turn with a threshold per group; what each costs.

    For each criterion of `CRITERION_NAMES`, `choose_thresholds` finds the most accurate pair
    of thresholds on `grid` whose gap in that rate is at most `tolerance`, on the scored
    applicants of `make_scored_applicants` (`income_gap`, `n`, `seed`). Its cost is the
    accuracy it loses against the most accurate pair of all, in percentage points.

    Parameters
    ----------
    income_gap : float, default 0.5
        As in `make_scored_applicants`: 0 gives the groups equal base rates.
    n, seed
        As in `make_scored_applicants`.
    grid : sequence of float, default SEARCH_GRID
        Candidate thresholds (the chapter's 0.30 to 0.70 in steps of 0.025).
    tolerance : float, default SEARCH_TOLERANCE
        Largest allowed gap in the constrained rate, ``0 <= tolerance <= 1``.

    Returns
    -------
    pandas.DataFrame
        One row per criterion (``selection_rate``, ``tpr``, ``fpr``, ``ppv``); columns
        ``threshold_a``, ``threshold_b``, ``accuracy``, ``cost`` (points), the gap of every
        rate (``tpr_gap``, ...) and every rate per group (``tpr_A``, ...). A criterion no pair of
        the grid meets has NaN throughout.

    Examples
    --------
    >>> table = compare_criteria(0.5)
    >>> table.loc["tpr", ["threshold_a", "threshold_b"]].tolist()
    [0.55, 0.4]
    >>> bool(table.loc["tpr", "tpr_gap"] <= 0.02)
    True
    """
    income_gap = check_number("income_gap", income_gap, low=0, high=2, unit="sd")
    n = check_number("n", n, low=10, integer=True, unit="applicants")
    seed = check_number("seed", seed, low=0, integer=True)
    grid = check_samples("grid", grid)
    if grid.min() < 0 or grid.max() > 1:
        raise ValueError("grid must hold thresholds between 0 and 1")
    tolerance = check_number("tolerance", tolerance, low=0, high=1)
    return _compare_criteria(income_gap, n, seed, tuple(grid.tolist()), tolerance).copy()


def _also_met(row, criterion) -> str:
    """'also within 0.05: X', or 'every other rate more than 0.05 apart'."""
    others = [CRITERION_NAMES[m] for m in CRITERION_NAMES
              if m != criterion and row[f"{m}_gap"] <= TOLERANCE]
    if not others:
        return f"every other rate more than {TOLERANCE:g} apart"
    return f"also within {TOLERANCE:g}: {', '.join(others)}"


def plot_threshold_search(criterion, income_gap, *, n=4_000, seed=0, figure=None) -> Figure:
    """The thresholds that meet one criterion, the rates they give, and what each criterion costs.

    Left: the four rates of each group at the pair of thresholds `compare_criteria` chose for
    `criterion`. Right: the accuracy every criterion costs at this `income_gap`.

    Parameters
    ----------
    criterion : {"selection_rate", "tpr", "fpr", "ppv"}
        The rate held equal (see `CRITERION_NAMES`).
    income_gap, n, seed
        As in `make_scored_applicants`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Titled with the chosen thresholds, their cost, and which other criteria still hold.
        When no pair of the grid meets `criterion`, the left panel says so instead.

    Examples
    --------
    >>> fig = plot_threshold_search("tpr", 0.5)
    >>> fig.get_suptitle().split(":")[0]
    'Equal opportunity at income gap 0.5'
    """
    criterion = check_choice("criterion", criterion, tuple(CRITERION_NAMES))
    table = compare_criteria(income_gap, n=n, seed=seed)
    row = table.loc[criterion]
    kept = reuse(figure, plot_threshold_search)
    if kept is None:
        fig = Figure(figsize=(FIGSIZE[0] * 1.5, FIGSIZE[1]), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=(1.6, 1))
        # Each rate's label has three lines, the last blank, where "(held equal)" goes for the
        # held rate: a text of its own, laid over the label, so that the axis stays unchanged.
        bars, texts = _group_bars(left, {m: label + "\n" * (2 - label.count("\n"))
                                         for m, label in _RATE_LABELS.items()})
        tick_label = left.xaxis.get_major_ticks()[0].label1
        held = left.text(0, 0, "", transform=tick_label.get_transform(),
                         fontproperties=tick_label.get_fontproperties(),
                         color=tick_label.get_color(), ha=tick_label.get_ha(),
                         va=tick_label.get_va())
        decorate(left, xlabel="rate at the chosen thresholds, per group", ylabel="rate")
        legend = left.legend(loc="upper right", ncols=2)
        _into_background(legend, below=1)  # clear of the bars (rates up to 0.9 or so)
        # Shown instead of the panel when no pair of the grid meets the criterion.
        none_met = left.text(0.5, 0.5, "no pair of thresholds\nin the grid meets it",
                             ha="center", va="center", transform=left.transAxes, visible=False)
        positions = np.arange(len(CRITERION_NAMES))
        costs = right.barh(positions, np.zeros(len(positions)), color=PALETTE["sky"],
                           edgecolor="white")
        cost_texts = right.bar_label(costs, labels=[""] * len(positions), fontsize=8, padding=2)
        right.set_yticks(positions, [CRITERION_NAMES[m].replace("equal false", "equal false\n")
                                     for m in CRITERION_NAMES])
        right.invert_yaxis()
        right.set_axisbelow(True)  # the bars redraw over the grid and ticks, not under them
        decorate(right, xlabel="accuracy lost against the best pair (points)", ylabel="",
                 title="what each criterion costs")
        for ax in (left, right):  # the bars' zorder is 1
            _into_background(ax._left_title, ax.title, ax._right_title, below=1)
        kept = keep(fig, plot_threshold_search, bars=bars, texts=texts, held=held,
                    legend=legend, spines=list(left.spines.values()), none_met=none_met,
                    costs=costs, cost_texts=cost_texts,
                    headline=fig.suptitle("", x=0.02, ha="left", fontsize=11,
                                          fontweight="bold"))
    name = CRITERION_NAMES[criterion]
    met = not np.isnan(row.accuracy)
    left = kept.held.axes
    # The axes' labels too: they are what tells render that the axes below changed.
    for artist in [left.xaxis, left.xaxis.label, left.yaxis, left.yaxis.label, kept.held,
                   *kept.spines, kept.legend,
                   *(b for group in kept.bars for b in group),
                   *(t for group in kept.texts for t in group)]:
        artist.set_visible(met)
    kept.none_met.set_visible(not met)
    if met:
        rates = pd.DataFrame({g: {m: row[f"{m}_{g}"] for m in _RATE_LABELS} for g in GROUPS}).T
        _set_group_bars(kept.bars, kept.texts, rates, _RATE_LABELS)
        # On the line after the held rate's label, a blank one (lines are laid out from the
        # top, so the blank lines above it place it where a line of the label would be).
        kept.held.set_x(list(_RATE_LABELS).index(criterion))
        kept.held.set_text("\n" * (1 + _RATE_LABELS[criterion].count("\n")) + "(held equal)")
        headline = (f"{name[0].upper()}{name[1:]} at income gap {income_gap:g}: A at "
                    f"{row.threshold_a:g}, B at {row.threshold_b:g}, "
                    f"costs {row.cost:.1f} points of accuracy\n"
                    f"{_also_met(row, criterion)}")
    else:
        headline = (f"{name[0].upper()}{name[1:]} at income gap {income_gap:g}: no pair of the "
                    "grid meets it\n")
    costs = table.cost
    for bar, cost, m in zip(kept.costs, costs.fillna(0), costs.index):
        bar.set_width(cost)
        chosen = m == criterion  # the slider's criterion: dark, hatched
        bar.set_facecolor(PALETTE["blue"] if chosen else PALETTE["sky"])
        bar.set_hatch("//" if chosen else None)
    _label_bars(kept.costs, kept.cost_texts,
                ["not met" if np.isnan(c) else f"{c:.1f}" for c in costs], horizontal=True)
    # One scale for the explorer's grid and the live slider (costs up to 4 points, with room
    # for their labels); whole points beyond (tick labels as wide), so the layout holds.
    kept.costs[0].axes.set_xlim(0, max(5.0, np.ceil(1.25 * costs.fillna(0).max())))
    kept.headline.set_text(headline)
    return kept.figure


@cached(maxsize=64)
def _calibration_points(income_gap, n, seed) -> dict:
    """Per group, the (mean score, observed rate) of the 5 score bins with >= 20 applicants."""
    scored = make_scored_applicants(income_gap, n, seed)
    calibration = compute_calibration(scored.repaid, scored.score, scored.group, n_bins=5)
    points = {}
    for g in GROUPS:
        rows = calibration[(calibration.group == g) & (calibration.n >= 20)]
        points[g] = (rows.mean_score.to_numpy(), rows.observed_rate.to_numpy())
        for array in points[g]:
            array.setflags(write=False)  # cached: shared by every caller
    return points


_LUNCH_METRICS = {"fpr": "false positive\nrate", "fnr": "false negative\nrate",
                  "ppv": "precision"}


def plot_no_free_lunch(income_gap, threshold=0.5, *, n=4_000, seed=0, figure=None) -> Figure:
    """Calibration per group (left) and error rates per group (right) for one threshold.

    Parameters
    ----------
    income_gap : float
        How much lower group B's mean income is, in sd, ``0 <= gap <= 2``.
    threshold : float, default 0.5
        One approval threshold for both groups, in [0, 1].
    n, seed
        As in `make_scored_applicants`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Titled with the base rates and the false positive rates of both groups.

    Examples
    --------
    >>> fig = plot_no_free_lunch(0.0)
    >>> fig.get_suptitle().startswith("Base rates")
    True
    """
    threshold = check_number("threshold", threshold, low=0, high=1)
    scored = make_scored_applicants(income_gap, n, seed)
    points = _calibration_points(float(income_gap), int(n), int(seed))
    y_pred = (scored.score >= threshold).astype(int)
    rates = compute_group_rates(scored.repaid, y_pred, scored.group)
    rates["fnr"] = 1 - rates["tpr"]
    kept = reuse(figure, plot_no_free_lunch)
    if kept is None:
        fig = Figure(figsize=FIGSIZE, layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=(1, 1.3))
        left.plot([0, 1], [0, 1], color=PALETTE["black"], lw=1, linestyle=":",
                  label="perfect calibration")
        lines = []
        for g in GROUPS:
            style = _STYLE[g]
            lines += left.plot([], [], color=style["color"], marker=style["marker"],
                               linestyle=style["linestyle"], label=f"group {g}")
        left.set_xlim(0, 1)
        left.set_ylim(0, 1)
        decorate(left, xlabel="predicted probability of repaying", ylabel="share who repay")
        # Clear of the calibration lines (zorder 2), which stay near the diagonal.
        _into_background(left.legend(loc="upper left"), below=2)
        bars, texts = _group_bars(right, _LUNCH_METRICS)
        # The y axis stays in the background; the x axis's label names the threshold.
        right.yaxis.set_zorder(right.xaxis.get_zorder() - 0.1)
        decorate(right, xlabel="", ylabel="rate")
        right.legend(loc="upper right", ncols=2)  # above the bars: precision can reach it
        for ax, below in ((left, 2), (right, 1)):
            _into_background(ax._left_title, ax.title, ax._right_title, below=below)
        kept = keep(fig, plot_no_free_lunch, lines=lines, bars=bars, texts=texts,
                    xlabel=right.xaxis.label,
                    headline=fig.suptitle("", x=0.02, ha="left", fontsize=11,
                                          fontweight="bold"))
    for line, g in zip(kept.lines, GROUPS):
        line.set_data(*points[g])
    _set_group_bars(kept.bars, kept.texts, rates, _LUNCH_METRICS)
    kept.xlabel.set_text(f"metric at threshold {threshold:.2f}")
    base_a, base_b = rates.loc["A", "base_rate"], rates.loc["B", "base_rate"]
    fpr_a, fpr_b = rates.loc["A", "fpr"], rates.loc["B", "fpr"]
    but = "yet" if abs(fpr_a - fpr_b) > TOLERANCE else "and"
    kept.headline.set_text(f"Base rates {base_a:.0%} (A) vs {base_b:.0%} (B): calibrated in "
                           f"both groups,\n{but} false positive rates {fpr_a:.2f} vs "
                           f"{fpr_b:.2f}")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# The feedback loop: a lender that only sees the outcomes of the loans it grants
# ---------------------------------------------------------------------------------------------

#: Edges of the scorecard's merit bands, in log-odds of repaying (12 bands with the open ends).
BAND_EDGES = tuple(np.round(np.arange(-2.0, 3.01, 0.5), 1).tolist())


@dataclass(frozen=True, eq=False)
class FeedbackLoop:
    """What a lender that retrains on the outcomes it observed saw and believed, round by round.

    ``approval`` and ``belief_error`` have one row per round (1 to `rounds`) and one column per
    group: the share of a fixed evaluation sample the scorecard approves, and its mean believed
    repayment minus the true mean, both measured before that round's update. ``cells`` has one
    row per (group, band): the band's number and merit range (``merit``), the prior from the
    history, the final belief, the true repayment rate and the number of outcomes observed.
    ``explored`` and ``explored_defaults`` count the loans granted by exploration and how many
    of them were not repaid.
    """

    approval: pd.DataFrame = field(repr=False)
    belief_error: pd.DataFrame = field(repr=False)
    cells: pd.DataFrame = field(repr=False)
    explored: int
    explored_defaults: int


def _band_label(band) -> str:
    # Band 0 is below the first edge, the last band at or above the last edge.
    if band == 0:
        return f"below {BAND_EDGES[0]:g}"
    if band == len(BAND_EDGES):
        return f"{BAND_EDGES[-1]:g} and above"
    return f"{BAND_EDGES[band - 1]:g} to {BAND_EDGES[band]:g}"


def _draw_merit(rng, n) -> tuple:
    # Same population as make_applicants (no income gap): group B with probability SHARE_B.
    in_b = rng.random(n) < SHARE_B
    income = rng.normal(0, 1.0, n)
    merit = _merit_logit(income, 0.6 * income + rng.normal(0, 0.8, n))
    return in_b.astype(int), np.digitize(merit, BAND_EDGES), _sigmoid(merit)


@cached(maxsize=64)
def _feedback_loop(rounds, exploration, n_per_round, historical_bias, prior_weight, threshold,
                   seed) -> FeedbackLoop:
    n_bands = len(BAND_EDGES) + 1
    history = make_applicants(4_000, seed, historical_bias=historical_bias)
    merit = _merit_logit(history.features.income.to_numpy(),
                         history.features.credit_history.to_numpy())
    group_index, band = (history.group == "B").astype(int), np.digitize(merit, BAND_EDGES)
    prior = np.full((2, n_bands), history.approved.mean())
    for g in (0, 1):
        for b in range(n_bands):
            in_cell = (group_index == g) & (band == b)
            if in_cell.any():
                prior[g, b] = history.approved[in_cell].mean()
    repaid_count, trials = prior_weight * prior, np.full((2, n_bands), float(prior_weight))
    eval_group, eval_band, eval_truth = _draw_merit(np.random.default_rng([seed, 1]), 4_000)
    rng = np.random.default_rng([seed, 2])
    approval, belief_error, explored, explored_defaults = [], [], 0, 0
    for _ in range(rounds):
        belief = repaid_count / trials
        eval_belief = belief[eval_group, eval_band]
        approval.append([np.mean(eval_belief[eval_group == g] >= threshold) for g in (0, 1)])
        belief_error.append([np.mean((eval_belief - eval_truth)[eval_group == g])
                             for g in (0, 1)])
        g, b, truth = _draw_merit(rng, n_per_round)
        repaid = rng.random(n_per_round) < truth
        approve = belief[g, b] >= threshold
        explore = ~approve & (rng.random(n_per_round) < exploration)
        granted = approve | explore      # the only applicants whose outcome the lender sees
        np.add.at(repaid_count, (g[granted], b[granted]), repaid[granted])
        np.add.at(trials, (g[granted], b[granted]), 1)
        explored += int(explore.sum())
        explored_defaults += int((explore & ~repaid).sum())
    index = pd.RangeIndex(1, rounds + 1, name="round")
    cells = []
    for g in (0, 1):
        for b in range(n_bands):
            in_cell = (eval_group == g) & (eval_band == b)
            cells.append({"group": GROUPS[g], "band": b, "merit": _band_label(b),
                          "prior": prior[g, b], "belief": repaid_count[g, b] / trials[g, b],
                          "truth": eval_truth[in_cell].mean() if in_cell.any() else np.nan,
                          "observed": int(trials[g, b] - prior_weight)})
    return FeedbackLoop(pd.DataFrame(approval, index=index, columns=list(GROUPS)),
                        pd.DataFrame(belief_error, index=index, columns=list(GROUPS)),
                        pd.DataFrame(cells), explored, explored_defaults)


def simulate_feedback_loop(rounds=20, exploration=0.0, *, n_per_round=1_000,
                           historical_bias=3.0, prior_weight=20, threshold=0.5,
                           seed=0) -> FeedbackLoop:
    """Run a lender's scorecard for `rounds` rounds, learning only from the loans it grants.

    The scorecard splits applicants into cells, group x merit band (`BAND_EDGES`, in log-odds of
    repaying), and believes a cell's repayment rate is its share of repaid loans. It starts from
    the biased history of `make_applicants` (4,000 applicants, `seed`): each cell's prior is the
    share the officers approved there, worth `prior_weight` loans of evidence. Each round,
    `n_per_round` new applicants arrive (same population: repaying depends on merit alone); the
    scorecard approves those whose cell's belief is at least `threshold` and, to explore, a
    random share `exploration` of those it would reject. It observes repayment only for the
    loans it granted and adds them to their cells' counts: a cell it never lends to keeps its
    prior for ever (the selective-labels problem).

    Parameters
    ----------
    rounds : int, default 20
        Rounds of lending and retraining, ``1 <= rounds <= 200``.
    exploration : float, default 0.0
        Share of would-be rejections approved at random, ``0 <= exploration <= 1``.
    n_per_round : int, default 1_000
        Applicants per round, ``>= 10``.
    historical_bias : float, default 3.0
        As in `make_applicants`: the officers' penalty on group B, in log-odds.
    prior_weight : float, default 20
        How many loans' worth of evidence the history's approval rate counts for, ``> 0``.
    threshold : float, default 0.5
        Approve when the believed repayment rate is at least this, ``0 < threshold < 1``.
    seed : int, default 0
        Seeds the history, the evaluation sample (4,000 applicants) and the rounds.

    Returns
    -------
    FeedbackLoop
        Approval rates and belief errors per round and group, the final cells, and the count of
        loans granted by exploration and of those not repaid.

    Examples
    --------
    >>> loop = simulate_feedback_loop(rounds=5, exploration=0.0)
    >>> loop.approval.shape, loop.explored
    ((5, 2), 0)
    >>> never = loop.cells[loop.cells.prior < 0.5]
    >>> bool((never.observed == 0).all() and np.allclose(never.belief, never.prior))
    True
    """
    rounds = check_number("rounds", rounds, low=1, high=200, integer=True, unit="rounds")
    exploration = check_number("exploration", exploration, low=0, high=1, unit="share")
    n_per_round = check_number("n_per_round", n_per_round, low=10, integer=True,
                               unit="applicants")
    historical_bias = check_number("historical_bias", historical_bias, low=0, high=10,
                                   unit="log-odds")
    prior_weight = check_number("prior_weight", prior_weight, low=0, low_open=True,
                                unit="loans")
    threshold = check_number("threshold", threshold, low=0, high=1, low_open=True,
                             high_open=True)
    seed = check_number("seed", seed, low=0, integer=True)
    return _feedback_loop(rounds, exploration, n_per_round, historical_bias, prior_weight,
                          threshold, seed)


#: The round axis of `plot_feedback_loop` ends at the first of these that holds every round.
_ROUND_SCALES = (10, 20, 50, 100, 200)


def plot_feedback_loop(rounds, exploration, *, historical_bias=3.0, seed=0,
                       figure=None) -> Figure:
    """Approval rates by group over the rounds, and group B's beliefs against the truth.

    Left: the share of each group the scorecard of `simulate_feedback_loop` approves, round by
    round, on an axis of 10, 20, 50, 100 or 200 rounds. Right: for group B, each merit band's
    prior (from the history), belief after the last round and true repayment rate, with the
    approval threshold.

    Parameters
    ----------
    rounds, exploration, historical_bias, seed
        As in `simulate_feedback_loop`.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Titled with the approval gap after the last round and what exploration cost.

    Examples
    --------
    >>> fig = plot_feedback_loop(10, 0.0)
    >>> fig.get_suptitle().startswith("After 10 rounds")
    True
    """
    loop = simulate_feedback_loop(rounds, exploration, historical_bias=historical_bias,
                                  seed=seed)
    b_cells = loop.cells[(loop.cells.group == "B") & loop.cells.truth.notna()]
    centres = np.array([BAND_EDGES[0] - 0.25, *(np.array(BAND_EDGES) + 0.25)])[b_cells.band]
    kept = reuse(figure, plot_feedback_loop)
    if kept is None:
        fig = Figure(figsize=(FIGSIZE[0] * 1.5, FIGSIZE[1]), layout="constrained")
        left, right = fig.subplots(1, 2)
        approval = []
        for g in GROUPS:
            style = _STYLE[g]
            approval += left.plot([], [], color=style["color"], linestyle=style["linestyle"],
                                  marker=style["marker"], markersize=4, label=f"group {g}")
        left.set_ylim(0, 1)
        left.xaxis.get_major_locator().set_params(integer=True)
        decorate(left, xlabel="round", ylabel="share the scorecard approves",
                 title="approval rate by group")
        # Where "best" puts it at every point, clear of the approval lines (zorder 2).
        _into_background(left.legend(loc="upper right"), below=2)
        (truth,) = right.plot([], [], color=PALETTE["black"], linestyle=LINESTYLES[0],
                              label="truth")
        (prior,) = right.plot([], [], color=PALETTE["orange"], linestyle=LINESTYLES[1],
                              marker="s", markerfacecolor="none", label="prior (history)")
        (belief,) = right.plot([], [], color=PALETTE["orange"], linestyle="none", marker="s",
                               label="belief")
        right.axhline(0.5, color=PALETTE["black"], linestyle=LINESTYLES[2], linewidth=1,
                      label="threshold")
        right.set_ylim(0, 1)
        decorate(right, xlabel="merit band (log-odds of repaying)", ylabel="repayment rate",
                 title="group B: what the scorecard believes")
        legend = right.legend(loc="upper left")  # where "best" puts it at every point
        for ax in (left, right):  # the lines' zorder is 2
            _into_background(ax._left_title, ax.title, ax._right_title, below=2)
        kept = keep(fig, plot_feedback_loop, approval=approval, bands=[truth, prior, belief],
                    belief_label=legend.texts[2], headline=fig.suptitle(""))
    for line, g in zip(kept.approval, GROUPS):
        line.set_data(loop.approval.index, loop.approval[g])
    # A few fixed round scales (5% of room each side, as autoscaling leaves): the layout holds.
    scale = next(s for s in _ROUND_SCALES if rounds <= s)
    kept.approval[0].axes.set_xlim(1 - 0.05 * (scale - 1), scale + 0.05 * (scale - 1))
    for line, values in zip(kept.bands, (b_cells.truth, b_cells.prior, b_cells.belief)):
        line.set_data(centres, values)
    pad = 0.05 * (centres.max() - centres.min())  # as autoscaling leaves
    kept.bands[0].axes.set_xlim(centres.min() - pad, centres.max() + pad)
    kept.belief_label.set_text(f"belief after round {rounds}")
    gap = loop.approval.iloc[-1]["A"] - loop.approval.iloc[-1]["B"]
    cost = (f"exploration granted {format_count(loop.explored, 'loan')}, "
            f"{loop.explored_defaults:,} not repaid" if loop.explored else "no exploration")
    kept.headline.set_text(f"After {format_count(rounds, 'round')}, the scorecard "
                           f"{describe_approval_gap(gap)}\n({cost})")
    return kept.figure
