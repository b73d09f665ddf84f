"""Latency: percentiles, timing a real model, who sits in the tail, and the tail at scale.

Every percentile in the book is **nearest rank**: the smallest observed latency such that at
least q% of the sample is at or below it. It is always a latency some real request had, and it
never interpolates between a fast request and a pathological one.

The simulations follow Dean & Barroso, "The Tail at Scale" (CACM 56(2), 2013) and the Dynamo
motivation in Kleppmann's DDIA ch.1 (DeCandia et al., SOSP 2007): the slowest requests often come
from the most valuable users, and a request that fans out waits for its slowest server.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter, PercentFormatter

from mlsys._validate import check_number, check_samples
from mlsys.drawing import cached, keep, reuse
from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate

#: Huyen's ten request latencies (DMLS ch.1): mean 390 ms, median 100 ms.
HUYEN_LATENCIES_MS = (100, 102, 100, 100, 99, 104, 110, 90, 3000, 95)

#: The percentiles the book reports by default.
DEFAULT_PERCENTILES = (50, 90, 99, 99.9)

#: numpy's `method=` names compared with nearest rank in `compare_percentile_definitions`.
NUMPY_METHODS = ("linear", "lower", "higher", "nearest", "midpoint")

NEAREST_RANK = "nearest rank (this book)"


# ---------------------------------------------------------------------------------------------
# Percentiles
# ---------------------------------------------------------------------------------------------

def _check_q(name, q) -> float:
    return check_number(name, q, low=0, high=100, low_open=True, unit="percent")


def _rank(q: float, n: int) -> int:
    """The nearest rank of percentile q among n values, from 1 (the smallest) to n."""
    # Exact decimal arithmetic: in floating point 99.9 / 100 * 1000 is 999.0000000000001, which
    # would push the rank one place too far (numpy's "inverted_cdf" makes exactly this slip).
    return math.ceil(Fraction(repr(q)) * n / 100)


def _nearest_ranks(values: np.ndarray, ranks) -> np.ndarray:
    """The values of the given ranks (from 1), as sorting would place them.

    A partition places each of those ranks where a sort would, without sorting the rest: about
    ten times sooner on the two million latencies of a wide fan-out.
    """
    return np.partition(values, [rank - 1 for rank in ranks])


def percentile(values_ms, q) -> float:
    """Return the nearest-rank q-th percentile of a sample of latencies.

    The smallest sample value such that at least q% of the sample is at or below it:
    ``sorted(values_ms)[ceil(q / 100 * n) - 1]``.

    Parameters
    ----------
    values_ms : sequence of float
        Latencies in milliseconds (at least one, all finite).
    q : float
        Percentile in percent, ``0 < q <= 100``.

    Returns
    -------
    float
        The percentile in milliseconds; always one of the observed values.

    Examples
    --------
    >>> percentile(HUYEN_LATENCIES_MS, 90)
    110.0
    >>> percentile(HUYEN_LATENCIES_MS, 100)
    3000.0
    """
    values_ms = check_samples("values_ms", values_ms)
    rank = _rank(_check_q("q", q), len(values_ms))
    return float(_nearest_ranks(values_ms, [rank])[rank - 1])


def percentiles(values_ms, qs=DEFAULT_PERCENTILES) -> dict:
    """Return several nearest-rank percentiles at once, as ``{q: value_ms}``.

    Parameters
    ----------
    values_ms : sequence of float
        Latencies in milliseconds (at least one, all finite).
    qs : sequence of float, default (50, 90, 99, 99.9)
        Percentiles in percent, each ``0 < q <= 100``.

    Returns
    -------
    dict
        Each q mapped to its percentile in milliseconds.

    Examples
    --------
    >>> percentiles(HUYEN_LATENCIES_MS, qs=(50, 90))
    {50: 100.0, 90: 110.0}
    """
    values_ms = check_samples("values_ms", values_ms)
    if isinstance(qs, (str, bytes)) or not isinstance(qs, Sequence) or len(qs) == 0:
        raise TypeError(f"qs must be a non-empty sequence of percentiles in (0, 100]; got {qs!r}")
    ranks = {q: _rank(_check_q(f"qs[{i}]", q), len(values_ms)) for i, q in enumerate(qs)}
    ordered_ms = _nearest_ranks(values_ms, sorted(set(ranks.values())))
    return {q: float(ordered_ms[rank - 1]) for q, rank in ranks.items()}


def compare_percentile_definitions(values_ms, q) -> dict:
    """Return the q-th percentile under nearest rank and under five of numpy's methods.

    Parameters
    ----------
    values_ms : sequence of float
        Latencies in milliseconds (at least one, all finite).
    q : float
        Percentile in percent, ``0 < q <= 100``.

    Returns
    -------
    dict
        ``"nearest rank (this book)"`` and numpy's ``"linear"`` (its default), ``"lower"``,
        ``"higher"``, ``"nearest"`` and ``"midpoint"``, each mapped to a value in milliseconds.

    Examples
    --------
    >>> p90 = compare_percentile_definitions(HUYEN_LATENCIES_MS, 90)
    >>> for name, value_ms in p90.items():
    ...     print(f"{name}: {value_ms:.0f} ms")
    nearest rank (this book): 110 ms
    linear: 399 ms
    lower: 110 ms
    higher: 3000 ms
    nearest: 110 ms
    midpoint: 1555 ms
    """
    values_ms = check_samples("values_ms", values_ms)
    q = _check_q("q", q)
    definitions = {NEAREST_RANK: percentile(values_ms, q)}
    for method in NUMPY_METHODS:
        definitions[method] = float(np.percentile(values_ms, q, method=method))
    return definitions


# ---------------------------------------------------------------------------------------------
# Measuring a real model
# ---------------------------------------------------------------------------------------------

def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_number("seed", seed, low=0, integer=True))


def _check_predict(predict) -> Callable:
    if not callable(predict):
        raise TypeError("predict must be a function that takes a 2-D array of rows, such as "
                        f"model.predict; got {predict!r}")
    return predict


def _check_features(X) -> np.ndarray:
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[0] < 1:
        raise ValueError(f"X must be a 2-D array of shape (n_rows, n_features) with at least one "
                         f"row; got shape {X.shape}")
    return X


def _time_call_ms(predict, rows) -> float:
    start_ns = time.perf_counter_ns()
    predict(rows)
    return (time.perf_counter_ns() - start_ns) / 1e6


def time_single_predictions_ms(predict, X, n_requests=2000, warmup=200, seed=0) -> np.ndarray:
    """Time `predict` on one row at a time, as an online service sees requests.

    Rows are drawn at random (with replacement) from `X` and cut out before the clock starts, so
    only the call to `predict` is timed. The first `warmup` calls are not timed: they fill caches
    and let lazy initialisation happen, which a long-running service has already paid for.

    Parameters
    ----------
    predict : callable
        Called as ``predict(row)`` with ``row`` of shape ``(1, n_features)``, e.g. ``model.predict``.
    X : array-like of shape (n_rows, n_features)
        Rows to draw requests from.
    n_requests : int, default 2000
        Number of timed calls, ``>= 1``.
    warmup : int, default 200
        Number of untimed calls made first, ``>= 0``.
    seed : int, default 0
        Seed of the generator that picks rows.

    Returns
    -------
    numpy.ndarray of shape (n_requests,)
        Latency of each call in milliseconds (wall clock, ``time.perf_counter_ns``).

    Examples
    --------
    >>> X = np.ones((10, 3))
    >>> latencies_ms = time_single_predictions_ms(lambda rows: rows.sum(axis=1), X, n_requests=50)
    >>> latencies_ms.shape, bool((latencies_ms > 0).all())
    ((50,), True)
    """
    predict = _check_predict(predict)
    X = _check_features(X)
    n_requests = check_number("n_requests", n_requests, low=1, integer=True)
    warmup = check_number("warmup", warmup, low=0, integer=True)
    rng = _rng(seed)
    rows = rng.integers(len(X), size=warmup + n_requests)
    requests = [X[i:i + 1] for i in rows]
    for request in requests[:warmup]:
        predict(request)
    return np.array([_time_call_ms(predict, request) for request in requests[warmup:]])


def _check_batch_sizes(batch_sizes) -> tuple:
    if isinstance(batch_sizes, (str, bytes)) or not isinstance(batch_sizes, Sequence) \
            or len(batch_sizes) == 0:
        raise TypeError("batch_sizes must be a non-empty sequence of integers >= 1; "
                        f"got {batch_sizes!r}")
    return tuple(check_number(f"batch_sizes[{i}]", b, low=1, integer=True)
                 for i, b in enumerate(batch_sizes))


def time_batch_predictions_ms(predict, X, batch_sizes=tuple(2**k for k in range(10)), repeats=30,
                              warmup=3, seed=0) -> dict:
    """Time `predict` on batches of several sizes, as a batching server calls it.

    For each batch size, `warmup` untimed calls are followed by `repeats` timed ones, each on a
    fresh batch of rows drawn with replacement from `X` (so a batch may be larger than `X`).

    Parameters
    ----------
    predict : callable
        Called as ``predict(batch)`` with ``batch`` of shape ``(b, n_features)``.
    X : array-like of shape (n_rows, n_features)
        Rows to draw batches from.
    batch_sizes : sequence of int, default (1, 2, 4, ..., 512)
        Batch sizes to time, each ``>= 1``.
    repeats : int, default 30
        Timed calls per batch size, ``>= 1``.
    warmup : int, default 3
        Untimed calls per batch size, ``>= 0``.
    seed : int, default 0
        Seed of the generator that picks rows.

    Returns
    -------
    dict
        Each batch size mapped to an array of `repeats` batch latencies in milliseconds.

    Examples
    --------
    >>> X = np.ones((10, 3))
    >>> timings = time_batch_predictions_ms(lambda rows: rows.sum(axis=1), X, batch_sizes=(1, 64),
    ...                                     repeats=5)
    >>> list(timings), timings[64].shape
    ([1, 64], (5,))
    """
    predict = _check_predict(predict)
    X = _check_features(X)
    batch_sizes = _check_batch_sizes(batch_sizes)
    repeats = check_number("repeats", repeats, low=1, integer=True)
    warmup = check_number("warmup", warmup, low=0, integer=True)
    rng = _rng(seed)
    timings = {}
    for batch_size in batch_sizes:
        batches = [X[rng.integers(len(X), size=batch_size)] for _ in range(warmup + repeats)]
        for batch in batches[:warmup]:
            predict(batch)
        timings[batch_size] = np.array([_time_call_ms(predict, b) for b in batches[warmup:]])
    return timings


@dataclass(frozen=True, eq=False)
class BatchSummary:
    """Median latency and throughput per batch size (arrays aligned by position)."""

    batch_sizes: np.ndarray        # requests per batch
    median_ms: np.ndarray          # median latency of one batch, ms
    throughput_per_s: np.ndarray   # requests served per second at that median


def summarize_batches(timings) -> BatchSummary:
    """Summarise batch timings: median latency and throughput for each batch size.

    Throughput is ``batch_size / median latency in seconds``: the requests per second one worker
    serves when it runs such batches back to back.

    Parameters
    ----------
    timings : dict
        Batch size (int ``>= 1``) mapped to batch latencies in milliseconds (all ``> 0``), as
        returned by `time_batch_predictions_ms`.

    Returns
    -------
    BatchSummary
        ``batch_sizes``, ``median_ms`` and ``throughput_per_s`` arrays, in the order of `timings`.

    Examples
    --------
    >>> summary = summarize_batches({1: [2.0, 2.0, 3.0], 100: [50.0, 50.0, 60.0]})
    >>> summary.median_ms.tolist(), summary.throughput_per_s.tolist()
    ([2.0, 50.0], [500.0, 2000.0])
    """
    if not isinstance(timings, Mapping) or len(timings) == 0:
        raise TypeError("timings must be a non-empty dict of batch size -> latencies in ms, as "
                        f"returned by time_batch_predictions_ms; got {type(timings).__name__}")
    batch_sizes = _check_batch_sizes(list(timings))
    median_ms = []
    for batch_size, latencies_ms in timings.items():
        median = float(np.median(check_samples(f"timings[{batch_size}]", latencies_ms)))
        if median <= 0:
            raise ValueError(f"timings[{batch_size}] must be latencies > 0 ms; got median {median}")
        median_ms.append(median)
    median_ms = np.array(median_ms)
    batch_sizes = np.array(batch_sizes)
    return BatchSummary(batch_sizes, median_ms, batch_sizes / (median_ms / 1000))


def _format_ms(value_ms: float) -> str:
    return f"{value_ms:,.0f} ms" if value_ms >= 100 else f"{value_ms:.3g} ms"


def _axes_or_new(ax):
    if ax is None:
        return plt.subplots(figsize=FIGSIZE, layout="constrained")[1]
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None; got {type(ax).__name__}")
    return ax


def _plain_ticks(axis) -> None:
    # On a log axis, 1, 10, 100 read more easily than 10^0, 10^1, 10^2. An axis spanning less
    # than a decade has at most one major tick, so its minor ticks get plain labels too.
    plain = FuncFormatter(lambda value, _: f"{value:g}")
    axis.set_major_formatter(plain)
    low, high = sorted(axis.get_view_interval())
    axis.set_minor_formatter(plain if low > 0 and high / low < 10 else NullFormatter())


def _check_title(title) -> str:
    if not isinstance(title, str):
        raise TypeError(f"title must be a str; got {type(title).__name__}")
    return title


def _check_positive_samples(name, values) -> np.ndarray:
    values = check_samples(name, values)
    if values.min() <= 0:
        raise ValueError(f"{name} must be latencies > 0 ms (a log axis needs them); "
                         f"got a minimum of {values.min()}")
    return values


def plot_latency_histogram(latencies_ms, *, title, ax=None) -> Axes:
    """Plot a latency histogram on a log axis, marking p50, p90, p99, p99.9 and the mean.

    Bins are log-spaced so that both the bulk and the tail are visible. Each marker line has its
    own line style and its value in the legend, so the figure reads in greyscale too.

    Parameters
    ----------
    latencies_ms : sequence of float
        Latencies in milliseconds, all ``> 0``.
    title : str
        Title of the axes (say the point of the figure).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure of the book's size if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_latency_histogram(HUYEN_LATENCIES_MS, title="One slow request drags the mean")
    >>> ax.get_title(loc="left")
    'One slow request drags the mean'
    """
    latencies_ms = _check_positive_samples("latencies_ms", latencies_ms)
    title = _check_title(title)
    ax = _axes_or_new(ax)
    low, high = latencies_ms.min(), latencies_ms.max()
    if low == high:
        low, high = low / 1.5, high * 1.5
    ax.hist(latencies_ms, bins=np.geomspace(low, high, 60), color=PALETTE["sky"], alpha=0.8)
    markers = {f"p{q:g}": value for q, value in percentiles(latencies_ms).items()}
    markers["mean"] = float(latencies_ms.mean())
    colours = ["orange", "green", "vermillion", "purple", "black"]
    for (name, value), colour, style in zip(markers.items(), colours, LINESTYLES[1:]):
        ax.axvline(value, color=PALETTE[colour], linestyle=style, lw=2,
                   label=f"{name} = {_format_ms(value)}")
    ax.set_xscale("log")
    _plain_ticks(ax.xaxis)
    return decorate(ax, xlabel="latency (ms, log scale)", ylabel="requests", title=title,
                    legend=True)


def plot_tail_curve(latencies_ms, *, title, max_share=0.1, ax=None) -> Axes:
    """Plot the tail of a latency distribution: the share of requests slower than each latency.

    The curve is the empirical survival function ``share(latency > x)`` on a log latency axis,
    with the share on a linear axis cut at `max_share` and a grid line every percentage point, so
    a share can be read off it: a flat stretch of the curve is a gap between the body and a
    cluster of slow requests.

    Parameters
    ----------
    latencies_ms : sequence of float
        Latencies in milliseconds, all ``> 0``.
    title : str
        Title of the axes.
    max_share : float, default 0.1
        Top of the share axis, ``0 < max_share <= 1``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure of the book's size if omitted.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> ax = plot_tail_curve([10, 20, 30, 40, 1000], title="One slow request in five")
    >>> [float(share) for share in ax.get_ylim()]
    [0.0, 0.1]
    """
    latencies_ms = _check_positive_samples("latencies_ms", latencies_ms)
    title = _check_title(title)
    max_share = check_number("max_share", max_share, low=0, high=1, low_open=True)
    ax = _axes_or_new(ax)
    ordered = np.sort(latencies_ms)
    slower = 1 - np.arange(1, ordered.size + 1) / ordered.size  # share above each sorted value
    ax.step(np.r_[ordered[0], ordered], np.r_[1.0, slower], where="post",
            color=PALETTE["blue"], lw=2)
    ax.set_xscale("log")
    _plain_ticks(ax.xaxis)
    ax.set_ylim(0.0, max_share)
    step = 0.01 if max_share <= 0.2 else 0.05
    ax.set_yticks(np.arange(0, max_share + step / 2, step))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.grid(True, which="both", axis="x", alpha=0.3)
    return decorate(ax, xlabel="latency (ms, log scale)",
                    ylabel="share of requests slower", title=title)


# ---------------------------------------------------------------------------------------------
# Who is in the tail
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class UserLatencies:
    """Simulated requests: who sent them, what they are worth, how long they took."""

    history_length: np.ndarray  # past interactions of the requesting user (items)
    revenue_usd: np.ndarray     # revenue the request leads to, USD (only shares matter)
    latency_ms: np.ndarray      # end-to-end latency of the request, ms


# Spread of the latency that does not depend on the user (network, model, GC pauses) and of
# revenue among users with the same history: both lognormal, as such quantities usually are.
_BASE_LATENCY_SIGMA = 0.25
_REVENUE_SIGMA = 0.8


def simulate_user_latencies(n_requests=50_000, seed=0, *, median_history=20, history_sigma=1.2,
                            base_latency_ms=20.0, lookup_ms_per_item=0.1,
                            revenue_elasticity=0.5) -> UserLatencies:
    """Simulate requests whose latency and value both grow with the user's history.

    A recommender looks up features for every item in the user's history, so heavy users wait
    longer. They also spend more. Per request:

    - history length ~ lognormal (median `median_history`, log-sd `history_sigma`), at least 1;
    - latency = `base_latency_ms` x lognormal noise + `lookup_ms_per_item` x history length;
    - revenue = $1 x (history / median_history) ** `revenue_elasticity` x lognormal noise.

    This is the pattern behind Amazon's p99.9 targets (DeCandia et al., Dynamo, SOSP 2007;
    Kleppmann, DDIA ch.1): the slowest requests come from the most valuable customers.

    Parameters
    ----------
    n_requests : int, default 50_000
        Number of requests, ``>= 1``.
    seed : int, default 0
        Seed of the random generator.
    median_history : float, default 20
        Median number of past interactions (items), ``>= 1``.
    history_sigma : float, default 1.2
        Log-standard deviation of the history length, ``>= 0`` (bigger = heavier tail).
    base_latency_ms : float, default 20.0
        Median latency of the work every request does, in ms, ``> 0``.
    lookup_ms_per_item : float, default 0.1
        Feature lookup cost per history item, in ms, ``>= 0``.
    revenue_elasticity : float, default 0.5
        How revenue per request grows with history: 0 = not at all, 1 = proportionally.
        Between 0 and 2.

    Returns
    -------
    UserLatencies
        Arrays ``history_length``, ``revenue_usd`` and ``latency_ms``, one entry per request.

    Examples
    --------
    >>> users = simulate_user_latencies(1000, seed=1)
    >>> users.latency_ms.shape, bool(users.latency_ms.min() > 0)
    ((1000,), True)
    """
    n_requests = check_number("n_requests", n_requests, low=1, integer=True)
    median_history = check_number("median_history", median_history, low=1, unit="items")
    history_sigma = check_number("history_sigma", history_sigma, low=0)
    base_latency_ms = check_number("base_latency_ms", base_latency_ms, low=0, low_open=True,
                                   unit="ms")
    lookup_ms_per_item = check_number("lookup_ms_per_item", lookup_ms_per_item, low=0, unit="ms")
    revenue_elasticity = check_number("revenue_elasticity", revenue_elasticity, low=0, high=2)
    rng = _rng(seed)
    history = np.ceil(rng.lognormal(np.log(median_history), history_sigma, n_requests))
    latency_ms = (base_latency_ms * rng.lognormal(0, _BASE_LATENCY_SIGMA, n_requests)
                  + lookup_ms_per_item * history)
    revenue_usd = ((history / median_history) ** revenue_elasticity
                   * rng.lognormal(0, _REVENUE_SIGMA, n_requests))
    return UserLatencies(history.astype(int), revenue_usd, latency_ms)


def tail_share(latencies_ms, weights, q=99) -> float:
    """Return the share of the total weight carried by requests at or above the q-th percentile.

    With ``q=99`` and revenue as the weight: what fraction of revenue comes from the slowest 1%
    of requests? Above 1% means the slow requests are worth more than the average one.

    Parameters
    ----------
    latencies_ms : sequence of float
        Latency of each request in milliseconds.
    weights : sequence of float
        Weight of each request (e.g. revenue), ``>= 0``, same length, not all zero.
    q : float, default 99
        Nearest-rank percentile in percent that starts the tail, ``0 < q <= 100``.

    Returns
    -------
    float
        A fraction between 0 and 1.

    Examples
    --------
    >>> tail_share([10, 20, 30, 1000], weights=[1, 1, 1, 7], q=90)
    0.7
    """
    latencies_ms = check_samples("latencies_ms", latencies_ms)
    weights = check_samples("weights", weights)
    q = _check_q("q", q)
    if len(weights) != len(latencies_ms):
        raise ValueError(f"weights must have one entry per latency ({len(latencies_ms)}); "
                         f"got {len(weights)}")
    if weights.min() < 0 or weights.sum() == 0:
        raise ValueError("weights must be >= 0 and not all zero")
    in_tail = latencies_ms >= percentile(latencies_ms, q)
    return float(weights[in_tail].sum() / weights.sum())


def plot_tail_users(users, *, q=99, ax=None) -> Axes:
    """Plot latency against history length, marking the requests at or above the q-th percentile.

    Parameters
    ----------
    users : UserLatencies
        As returned by `simulate_user_latencies`.
    q : float, default 99
        Nearest-rank percentile in percent that starts the tail, ``0 < q <= 100``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; a new figure of the book's size if omitted.

    Returns
    -------
    matplotlib.axes.Axes
        Titled with the share of revenue the tail carries.

    Examples
    --------
    >>> ax = plot_tail_users(simulate_user_latencies(2000))
    >>> ax.get_title(loc="left").startswith("The slowest 1% of requests carry")
    True
    """
    if not isinstance(users, UserLatencies):
        raise TypeError("users must be the result of simulate_user_latencies; "
                        f"got {type(users).__name__}")
    q = _check_q("q", q)
    ax = _axes_or_new(ax)
    cutoff_ms = percentile(users.latency_ms, q)
    in_tail = users.latency_ms >= cutoff_ms
    share = tail_share(users.latency_ms, users.revenue_usd, q)
    ax.plot(users.history_length[~in_tail], users.latency_ms[~in_tail], ".", ms=2, alpha=0.25,
            color=PALETTE["blue"], label="other requests", rasterized=True)
    ax.plot(users.history_length[in_tail], users.latency_ms[in_tail], "^", ms=4,
            color=PALETTE["vermillion"], label=f"slowest {100 - q:g}% of requests",
            rasterized=True)
    ax.axhline(cutoff_ms, color=PALETTE["black"], linestyle="--", lw=2,
               label=f"p{q:g} = {_format_ms(cutoff_ms)}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    _plain_ticks(ax.xaxis)
    _plain_ticks(ax.yaxis)
    title = f"The slowest {100 - q:g}% of requests carry {share:.1%} of revenue"
    return decorate(ax, xlabel="user's history length (past interactions, log scale)",
                    ylabel="latency (ms, log scale)", title=title, legend=True)


#: The tail explorer's fixed scales, whose tick labels are as wide so that the layout holds:
#: latency from 5 ms to 1,000 ms or 5,000 ms (the live sliders' whole range), and the share
#: axis up to 10%, 20%, 40% or 80% ("10.0%" to "80.0%").
_TAIL_LATENCY_LOW_MS = 5.0
_TAIL_LATENCY_HIGHS_MS = (1_000.0, 5_000.0)
_TAIL_SHARE_TOPS = (0.1, 0.2, 0.4, 0.8)


@cached(maxsize=64)
def _tail_users(n_requests, seed, revenue_elasticity, lookup_ms_per_item) -> UserLatencies:
    """`simulate_user_latencies`, shared between figures: never change its arrays."""
    users = simulate_user_latencies(n_requests, seed, revenue_elasticity=revenue_elasticity,
                                    lookup_ms_per_item=lookup_ms_per_item)
    for array in (users.history_length, users.revenue_usd, users.latency_ms):
        array.setflags(write=False)
    return users


def plot_tail_revenue(revenue_elasticity, lookup_ms_per_item, *, q=99, n_requests=50_000,
                      seed=0, figure=None) -> Figure:
    """Plot who is in the tail and what share of revenue it carries, for one user model.

    Simulates `simulate_user_latencies` with the given elasticity of revenue and cost of a
    feature lookup, then draws latency against history (as `plot_tail_users`, on a fixed
    5-5,000 ms latency axis) beside two bars: the tail's share of requests and its share of
    revenue.

    Parameters
    ----------
    revenue_elasticity : float
        How revenue per request grows with history, between 0 and 2.
    lookup_ms_per_item : float
        Feature lookup cost per history item, ms, ``>= 0`` (0: latency ignores the user).
    q : float, default 99
        Nearest-rank percentile in percent that starts the tail, ``0 < q < 100``.
    n_requests : int, default 50_000
        Number of simulated requests, ``>= 1``.
    seed : int, default 0
        Seed of the simulation.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Titled with the tail's share of revenue and how many times its share of requests that is.

    Examples
    --------
    >>> fig = plot_tail_revenue(0.5, 0.1)
    >>> print(fig.get_suptitle())
    Elasticity 0.5, lookups 0.1 ms per item:
    the slowest 1% of requests carry 4.2% of revenue, 4.2 times their share
    """
    q = check_number("q", q, low=0, high=100, low_open=True, high_open=True, unit="percent")
    n_requests = check_number("n_requests", n_requests, low=1, integer=True)
    revenue_elasticity = check_number("revenue_elasticity", revenue_elasticity, low=0, high=2)
    lookup_ms_per_item = check_number("lookup_ms_per_item", lookup_ms_per_item, low=0, unit="ms")
    users = _tail_users(n_requests, check_number("seed", seed, low=0, integer=True),
                        revenue_elasticity, lookup_ms_per_item)
    kept = reuse(figure, plot_tail_revenue)
    if kept is None:
        fig, (ax, bars) = plt.subplots(1, 2, figsize=(7, 3.8), width_ratios=(2.3, 1),
                                       layout="constrained")
        # The look of `plot_tail_users`, drawn once and then moved.
        others = ax.plot([], [], ".", ms=2, alpha=0.25, color=PALETTE["blue"],
                         rasterized=True)[0]
        tail = ax.plot([], [], "^", ms=4, color=PALETTE["vermillion"], rasterized=True)[0]
        cutoff = ax.axhline(1, color=PALETTE["black"], linestyle="--", lw=2)
        ax.set_xscale("log")
        ax.set_yscale("log")
        decorate(ax, xlabel="user's history length (past interactions, log scale)",
                 ylabel="latency (ms, log scale)", title="who is in the tail")
        # A fixed corner with a frame: "best" would search 50,000 points, and the tail moves.
        legend = ax.legend(handles=[others, tail, cutoff], labels=["other requests", "tail", "p"],
                           loc="lower right", frameon=True, framealpha=0.9, edgecolor="none",
                           markerscale=3)
        drawn = bars.bar(["requests", "revenue"], [0, 0],
                         color=[PALETTE["sky"], PALETTE["vermillion"]])
        drawn[1].set_hatch("//")
        labels = bars.bar_label(drawn, labels=["", ""], padding=2)
        bars.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=1))
        bars.set_axisbelow(True)  # the bars redraw over the grid, not the grid and ticks over them
        decorate(bars, xlabel="", ylabel="", title="the tail's share")
        kept = keep(fig, plot_tail_revenue, others=others, tail=tail, cutoff=cutoff,
                    legend=legend.texts, bars=drawn, labels=labels,
                    title=fig.suptitle("", x=0.02, ha="left", fontweight="bold", fontsize=11))
    ax, bars = kept.figure.axes
    cutoff_ms = percentile(users.latency_ms, q)
    in_tail = users.latency_ms >= cutoff_ms
    kept.others.set_data(users.history_length[~in_tail], users.latency_ms[~in_tail])
    kept.tail.set_data(users.history_length[in_tail], users.latency_ms[in_tail])
    kept.cutoff.set_ydata([cutoff_ms, cutoff_ms])
    for text, label in zip(kept.legend, ("other requests", f"slowest {100 - q:g}% of requests",
                                         f"p{q:g} = {_format_ms(cutoff_ms)}")):
        text.set_text(label)
    # Fixed scales across the sliders (history as the seed draws it), wider only if need be.
    fastest, slowest = users.latency_ms.min(), users.latency_ms.max()
    low_ms = _TAIL_LATENCY_LOW_MS if fastest >= _TAIL_LATENCY_LOW_MS else fastest / 1.2
    high_ms = next((h for h in _TAIL_LATENCY_HIGHS_MS if 1.2 * slowest <= h), 1.2 * slowest)
    longest = 10 ** math.ceil(math.log10(1.2 * users.history_length.max()))
    ax.set_xlim(0.7, longest)
    ax.set_ylim(low_ms, high_ms)
    _plain_ticks(ax.xaxis)
    _plain_ticks(ax.yaxis)
    request_share = float(np.mean(in_tail))
    revenue_share = tail_share(users.latency_ms, users.revenue_usd, q)
    for bar, label, share in zip(kept.bars, kept.labels, (request_share, revenue_share)):
        bar.set_height(share)
        label.xy = (bar.get_x() + bar.get_width() / 2, share)
        label.set_text(f"{share:.1%}")
    top = 1.25 * max(request_share, revenue_share)
    bars.set_ylim(0, next((t for t in _TAIL_SHARE_TOPS if top <= t), top))
    if bars.get_ylabel() != f"share held by the slowest {100 - q:g}%":
        bars.set_ylabel(f"share held by the slowest {100 - q:g}%")
    ratio = revenue_share / request_share
    kept.title.set_text(f"Elasticity {revenue_elasticity:g}, lookups {lookup_ms_per_item:g} ms "
                        f"per item:\nthe slowest {100 - q:g}% of requests carry "
                        f"{revenue_share:.1%} of revenue, {ratio:.1f} times their share")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# The tail at scale (Dean & Barroso 2013)
# ---------------------------------------------------------------------------------------------

def _check_fanout(n_servers, p_slow) -> tuple:
    n_servers = check_number("n_servers", n_servers, low=1, integer=True, unit="servers")
    p_slow = check_number("p_slow", p_slow, low=0, high=1, unit="probability")
    return n_servers, p_slow


def fanout_slow_probability(n_servers, p_slow) -> float:
    """Return the probability that a request fanned out to N servers meets a slow one.

    Each server is slow independently with probability p, and the request waits for all of them:
    ``P(slow) = 1 - (1 - p) ** N``.

    Parameters
    ----------
    n_servers : int
        Servers the request waits for, ``N >= 1``.
    p_slow : float
        Probability that one server is slow, ``0 <= p <= 1``.

    Returns
    -------
    float
        A probability between 0 and 1.

    Examples
    --------
    >>> round(fanout_slow_probability(100, 0.01), 3)
    0.634
    """
    n_servers, p_slow = _check_fanout(n_servers, p_slow)
    return 1 - (1 - p_slow) ** n_servers


def simulate_fanout(n_servers, p_slow, n_requests=20_000, seed=0) -> float:
    """Simulate fan-out requests and return the fraction that met at least one slow server.

    Each of the `n_servers` servers of each request is slow with probability `p_slow`,
    independently (a Bernoulli trial per server).

    Parameters
    ----------
    n_servers : int
        Servers each request waits for, ``>= 1``.
    p_slow : float
        Probability that one server is slow, ``0 <= p <= 1``.
    n_requests : int, default 20_000
        Number of simulated requests, ``>= 1``.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    float
        Fraction of requests that waited for a slow server.

    Examples
    --------
    >>> round(simulate_fanout(100, 0.01), 2)
    0.64
    """
    n_servers, p_slow = _check_fanout(n_servers, p_slow)
    n_requests = check_number("n_requests", n_requests, low=1, integer=True)
    rng = _rng(seed)
    # The count of slow servers among N Bernoulli trials is one binomial draw: same model,
    # without an n_requests x N array.
    slow_servers = rng.binomial(n_servers, p_slow, size=n_requests)
    return float(np.mean(slow_servers > 0))


def _format_percent(fraction: float) -> str:
    return f"{fraction:.0%}" if fraction >= 0.01 or fraction == 0 else f"{100 * fraction:.2g}%"


@dataclass(frozen=True, eq=False)
class HedgingResult:
    """Latency percentiles with and without hedged requests, and what hedging cost."""

    hedge_after_ms: float     # a second copy is sent once the first has taken this long
    extra_load: float         # fraction of requests that sent a second copy
    unhedged_p50_ms: float
    unhedged_p99_ms: float
    unhedged_p999_ms: float
    hedged_p50_ms: float
    hedged_p99_ms: float
    hedged_p999_ms: float
    unhedged_ms: np.ndarray = field(repr=False)  # latency of every request, ms
    hedged_ms: np.ndarray = field(repr=False)


def _unstalled_draws(rng, n_requests, fast_median_ms, fast_sigma) -> tuple:
    """Each request's latency if its server does not stall (ms), and the uniform number that
    decides whether it does: the first two draws of `_server_latencies_ms`."""
    return rng.lognormal(np.log(fast_median_ms), fast_sigma, n_requests), rng.random(n_requests)


def _stalled(rng, fast_ms, uniform, stall_probability, stall_ms) -> np.ndarray:
    """`fast_ms` with the requests whose uniform number falls below `stall_probability` drawn
    again from the stall range (a new array)."""
    latency_ms = fast_ms.copy()
    stalled = uniform < stall_probability
    latency_ms[stalled] = rng.uniform(*stall_ms, size=stalled.sum())
    return latency_ms


def _server_latencies_ms(rng, n_requests, fast_median_ms, fast_sigma, stall_probability,
                         stall_ms) -> np.ndarray:
    fast_ms, uniform = _unstalled_draws(rng, n_requests, fast_median_ms, fast_sigma)
    return _stalled(rng, fast_ms, uniform, stall_probability, stall_ms)


@cached(maxsize=2)
def _fast_draws(seed, size, fast_median_ms, fast_sigma) -> tuple:
    """The first two draws of `_server_latencies_ms` from a generator seeded `seed`.

    Neither depends on the stall probability: every server's latency if it does not stall, and
    the uniform number that decides whether it does. They come with the generator's state after
    them, from which a simulation draws on, so that a fan-out slider that moves only the stall
    probability does not draw them again (shared between calls: never change them).
    """
    rng = _rng(seed)
    fast_ms, uniform = _unstalled_draws(rng, size, fast_median_ms, fast_sigma)
    fast_ms.setflags(write=False)
    uniform.setflags(write=False)
    return fast_ms, uniform, rng.bit_generator.state


def _check_stall_ms(stall_ms) -> tuple:
    if not isinstance(stall_ms, Sequence) or isinstance(stall_ms, (str, bytes)) \
            or len(stall_ms) != 2:
        raise TypeError(f"stall_ms must be a pair (shortest, longest) in ms; got {stall_ms!r}")
    shortest = check_number("stall_ms[0]", stall_ms[0], low=0, low_open=True, unit="ms")
    longest = check_number("stall_ms[1]", stall_ms[1], low=shortest, unit="ms")
    return shortest, longest


def simulate_hedged_requests(n_requests=100_000, *, hedge_after_q=95, seed=0, fast_median_ms=10.0,
                             fast_sigma=0.3, stall_probability=0.02,
                             stall_ms=(100.0, 1000.0)) -> HedgingResult:
    """Simulate hedged requests: send a second copy when the first is slower than usual.

    One replica's latency is a mixture: usually lognormal around `fast_median_ms`, but with
    probability `stall_probability` a stall uniform in `stall_ms` (a GC pause, a compaction, a
    noisy neighbour). Without hedging a request takes L1. With hedging, once L1 exceeds the
    `hedge_after_q`-th percentile of unhedged latency, a copy goes to another replica, independent
    and alike, and the request takes ``min(L1, threshold + L2)``. Queueing from the extra load is
    ignored, which is fair when it is a few percent.

    The default 2% of stalls puts the unhedged p99 inside the stalls rather than on their edge.
    Dean & Barroso (2013) report ~5% extra load for hedging after p95, and for BigTable a p99.9
    cut from 1,800 ms to 74 ms with 2% more requests.

    Parameters
    ----------
    n_requests : int, default 100_000
        Number of requests, ``>= 1``.
    hedge_after_q : float, default 95
        Percentile in percent of unhedged latency after which to hedge, ``0 < q <= 100``.
    seed : int, default 0
        Seed of the random generator.
    fast_median_ms : float, default 10.0
        Median latency of a request that does not stall, in ms, ``> 0``.
    fast_sigma : float, default 0.3
        Log-standard deviation of that latency, ``>= 0``.
    stall_probability : float, default 0.02
        Probability that a replica stalls on a request, ``0 <= p <= 1``.
    stall_ms : (float, float), default (100.0, 1000.0)
        Shortest and longest stall in ms.

    Returns
    -------
    HedgingResult
        Nearest-rank p50, p99 and p99.9 in ms with and without hedging, the hedge threshold,
        the extra load (fraction of requests that sent a copy) and every request's latency.

    Examples
    --------
    >>> result = simulate_hedged_requests(20_000)
    >>> bool(result.hedged_p99_ms < result.unhedged_p99_ms / 5), round(result.extra_load, 2)
    (True, 0.05)
    """
    n_requests = check_number("n_requests", n_requests, low=1, integer=True)
    hedge_after_q = _check_q("hedge_after_q", hedge_after_q)
    fast_median_ms = check_number("fast_median_ms", fast_median_ms, low=0, low_open=True,
                                  unit="ms")
    fast_sigma = check_number("fast_sigma", fast_sigma, low=0)
    stall_probability = check_number("stall_probability", stall_probability, low=0, high=1)
    stall_ms = _check_stall_ms(stall_ms)
    rng = _rng(seed)
    server = (fast_median_ms, fast_sigma, stall_probability, stall_ms)
    first_ms = _server_latencies_ms(rng, n_requests, *server)
    second_ms = _server_latencies_ms(rng, n_requests, *server)
    hedge_after_ms = percentile(first_ms, hedge_after_q)
    hedged = first_ms > hedge_after_ms
    hedged_ms = np.where(hedged, np.minimum(first_ms, hedge_after_ms + second_ms), first_ms)
    unhedged_p = percentiles(first_ms, (50, 99, 99.9))
    hedged_p = percentiles(hedged_ms, (50, 99, 99.9))
    return HedgingResult(hedge_after_ms, float(hedged.mean()),
                         unhedged_p[50], unhedged_p[99], unhedged_p[99.9],
                         hedged_p[50], hedged_p[99], hedged_p[99.9],
                         first_ms, hedged_ms)


@dataclass(frozen=True, eq=False)
class FanoutLatencies:
    """Latency of requests that wait for the slowest of N servers, with and without hedging."""

    n_servers: int
    p_slow: float             # chance that one server stalls on a sub-request
    slow_ms: float            # a latency at least this long is a stall (the shortest stall)
    hedge_after_ms: float     # a hedged sub-request sends a copy once it has taken this long
    extra_load: float         # fraction of sub-requests that sent a copy
    server_ms: np.ndarray = field(repr=False)    # one server's latency per request, ms
    unhedged_ms: np.ndarray = field(repr=False)  # each request's slowest sub-request, ms
    hedged_ms: np.ndarray = field(repr=False)    # the same with every sub-request hedged, ms

    @property
    def unhedged_slow_share(self) -> float:
        """Fraction of requests that waited for a stall, without hedging."""
        return float(np.mean(self.unhedged_ms >= self.slow_ms))

    @property
    def hedged_slow_share(self) -> float:
        """Fraction of requests that waited for a stall with every sub-request hedged."""
        return float(np.mean(self.hedged_ms >= self.slow_ms))


def simulate_fanout_latency(n_servers, p_slow, *, n_requests=2_000, hedge_after_q=95, seed=0,
                            fast_median_ms=10.0, fast_sigma=0.3,
                            stall_ms=(100.0, 1000.0)) -> FanoutLatencies:
    """Simulate requests that fan out to `n_servers` replicas' servers and wait for all of them.

    Each sub-request goes to a server like those of `simulate_hedged_requests`: lognormal around
    `fast_median_ms`, except that with probability `p_slow` it stalls for a time uniform in
    `stall_ms`. The request takes as long as its slowest sub-request. With hedging, each
    sub-request sends a copy to another replica once it has taken longer than the
    `hedge_after_q`-th percentile of one server's latency, and takes ``min(L1, threshold + L2)``.

    A request meets a stall with probability ``1 - (1 - p) ** N`` without hedging; hedged, a
    sub-request stalls only when both copies do, so about ``1 - (1 - p ** 2) ** N``: hedging
    squares p, and fan-out still wins once N is large enough.

    Parameters
    ----------
    n_servers : int
        Servers each request waits for, ``N >= 1``.
    p_slow : float
        Probability that one server stalls on a sub-request, ``0 <= p <= 1``.
    n_requests : int, default 2_000
        Number of requests, ``>= 1``.
    hedge_after_q : float, default 95
        Percentile in percent of one server's latency after which to hedge, ``0 < q <= 100``.
    seed : int, default 0
        Seed of the random generator.
    fast_median_ms : float, default 10.0
        Median latency of a sub-request that does not stall, ms, ``> 0``.
    fast_sigma : float, default 0.3
        Log-standard deviation of that latency, ``>= 0``.
    stall_ms : (float, float), default (100.0, 1000.0)
        Shortest and longest stall in ms.

    Returns
    -------
    FanoutLatencies
        Every request's latency with and without hedging, one server's latency, the hedge
        threshold, the extra load and the shares of requests that waited for a stall.

    Examples
    --------
    >>> run = simulate_fanout_latency(100, 0.01)
    >>> round(run.unhedged_slow_share, 2), bool(run.hedged_slow_share < 0.05)
    (0.64, True)
    """
    n_servers, p_slow = _check_fanout(n_servers, p_slow)
    n_requests = check_number("n_requests", n_requests, low=1, integer=True)
    hedge_after_q = _check_q("hedge_after_q", hedge_after_q)
    fast_median_ms = check_number("fast_median_ms", fast_median_ms, low=0, low_open=True,
                                  unit="ms")
    fast_sigma = check_number("fast_sigma", fast_sigma, low=0)
    stall_ms = _check_stall_ms(stall_ms)
    # `_server_latencies_ms(rng, n_requests * n_servers, ...)`, its first draws shared
    fast_ms, uniform, state = _fast_draws(check_number("seed", seed, low=0, integer=True),
                                          n_requests * n_servers, fast_median_ms, fast_sigma)
    rng = np.random.Generator(np.random.PCG64())
    rng.bit_generator.state = state
    first_ms = _stalled(rng, fast_ms, uniform, p_slow, stall_ms)
    server = (fast_median_ms, fast_sigma, p_slow, stall_ms)
    hedge_after_ms = percentile(first_ms, hedge_after_q)
    hedged = first_ms > hedge_after_ms
    hedged_ms = first_ms.copy()
    second_ms = _server_latencies_ms(rng, int(hedged.sum()), *server)
    hedged_ms[hedged] = np.minimum(first_ms[hedged], hedge_after_ms + second_ms)
    shape = (n_requests, n_servers)
    return FanoutLatencies(n_servers, p_slow, stall_ms[0], hedge_after_ms, float(hedged.mean()),
                           first_ms.reshape(shape)[:, 0], first_ms.reshape(shape).max(axis=1),
                           hedged_ms.reshape(shape).max(axis=1))


def plot_fanout_latency(n_servers, p_slow, *, n_requests=2_000, hedge_after_q=95,
                        seed=0, figure=None) -> Figure:
    """Plot the latency of fanned-out requests, without hedging (top) and hedged (bottom).

    Parameters
    ----------
    n_servers : int
        Servers each request waits for, ``N >= 1``.
    p_slow : float
        Probability that one server stalls on a sub-request, ``0 <= p <= 1``.
    n_requests : int, default 2_000
        Number of simulated requests, ``>= 1``.
    hedge_after_q : float, default 95
        Percentile of one server's latency after which a sub-request is hedged.
    seed : int, default 0
        Seed of the simulation (`simulate_fanout_latency`).
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Two histograms on a shared log axis, each with one server's latency as a dashed
        outline and the request's p50 and p99 as vertical lines; each panel's title gives the
        share of requests that waited for a stall, the p50 and the p99.

    Examples
    --------
    >>> fig = plot_fanout_latency(100, 0.01)
    >>> print(fig.axes[0].get_title(loc="left"))
    N = 100, p = 1%, no hedging:
    64% of requests wait for a stall (p50 370 ms, p99 989 ms)
    """
    n_servers, p_slow = _check_fanout(n_servers, p_slow)
    run = simulate_fanout_latency(n_servers, p_slow, n_requests=n_requests,
                                  hedge_after_q=hedge_after_q, seed=seed)
    bins = np.geomspace(3, 1_200, 61)
    kept = reuse(figure, plot_fanout_latency)
    if kept is None:
        fig, axes = plt.subplots(2, 1, figsize=(7, 5.6), sharex=True, layout="constrained")
        panels = []
        for ax in axes:
            # One artist per histogram (`stairs`), not one patch per bar: explorers draw dozens.
            request = ax.stairs(np.zeros(len(bins) - 1), bins, fill=True, color=PALETTE["sky"],
                                alpha=0.8, label="request: its slowest server")
            server = ax.stairs(np.zeros(len(bins) - 1), bins, color=PALETTE["black"],
                               linestyle="--", lw=1.5, label="one server")
            p50 = ax.axvline(1, color=PALETTE["orange"], linestyle=LINESTYLES[0], lw=2)
            p99 = ax.axvline(1, color=PALETTE["vermillion"], linestyle=LINESTYLES[2], lw=2)
            ax.set_xscale("log")
            ax.set_xlim(bins[0], bins[-1])
            ax.set_axisbelow(True)  # the histograms redraw over the grid, not the grid over them
            decorate(ax, xlabel="latency (ms, log scale)" if ax is axes[-1] else "",
                     ylabel="requests")
            legend = ax.legend(labels=["request: its slowest server", "one server",
                                       "request p50", "request p99"],
                               handles=[request, server, p50, p99])
            panels.append((request, server, p50, p99, legend, ax.set_title("", loc="left")))
        _plain_ticks(axes[-1].xaxis)
        kept = keep(fig, plot_fanout_latency, panels=panels)
    heads = [f"N = {n_servers:,}, p = {100 * p_slow:g}%, no hedging",
             f"Each sub-request hedged after {run.hedge_after_ms:.0f} ms "
             f"({run.extra_load:.0%} more sub-requests)"]
    server_counts = np.histogram(np.clip(run.server_ms, bins[0], bins[-1]), bins)[0]
    for (request, server, p50_line, p99_line, legend, title), latency_ms, slow_share, head in zip(
            kept.panels, (run.unhedged_ms, run.hedged_ms),
            (run.unhedged_slow_share, run.hedged_slow_share), heads):
        counts = np.histogram(np.clip(latency_ms, bins[0], bins[-1]), bins)[0]
        request.set_data(counts)
        server.set_data(server_counts)
        p50, p99 = percentile(latency_ms, 50), percentile(latency_ms, 99)
        p50_line.set_xdata([p50, p50])
        p99_line.set_xdata([p99, p99])
        legend.texts[2].set_text(f"request p50 = {_format_ms(p50)}")
        legend.texts[3].set_text(f"request p99 = {_format_ms(p99)}")

        # A fixed scale shows the mass moving as the sliders do; it doubles only for a peak
        # that would not fit (the tick labels keep their width, so the layout holds).
        peak = max(counts.max(), server_counts.max())
        request.axes.set_ylim(0, 1_000 if peak <= 950 else 2_000 if peak <= 1_900 else 1.05 * peak)
        title.set_text(f"{head}:\n{_format_percent(slow_share)} of requests wait for a stall "
                       f"(p50 {_format_ms(p50)}, p99 {_format_ms(p99)})")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# Where the clock starts: the network leg between the user and the server
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class ClientLatencies:
    """Per request, the server-side latency, the network leg around it, and their sum.

    ``server_ms`` is what the server's own clock sees (from the request's arrival to its answer
    leaving). ``network_ms`` is the time on the wire, before and after; ``retransmits`` counts
    the lost exchanges that had to be sent again. ``client_ms`` is what the user waits:
    from the moment the request is sent to the moment the response is received.
    """

    server_ms: np.ndarray = field(repr=False)
    network_ms: np.ndarray = field(repr=False)
    retransmits: np.ndarray = field(repr=False)
    round_trips: int
    rtt_median_ms: float
    loss_probability: float
    rto_ms: float

    @property
    def client_ms(self) -> np.ndarray:
        """Per request, the client-side latency: server-side latency plus the network leg."""
        return self.server_ms + self.network_ms

    @property
    def retransmit_share(self) -> float:
        """Fraction of requests with at least one retransmission (invisible to the server)."""
        return float(np.mean(self.retransmits > 0))


def retransmit_share(round_trips, loss_probability) -> float:
    """Return the chance that a request of `round_trips` exchanges loses at least one.

    Each exchange is lost independently with probability p: ``1 - (1 - p) ** round_trips``, the
    fan-out formula with round trips in place of servers.

    Parameters
    ----------
    round_trips : int
        Exchanges between client and server per request, ``>= 1``.
    loss_probability : float
        Probability that one exchange is lost, ``0 <= p < 1``.

    Returns
    -------
    float
        A probability between 0 and 1.

    Examples
    --------
    >>> round(retransmit_share(2, 0.01), 4)
    0.0199
    """
    round_trips = check_number("round_trips", round_trips, low=1, integer=True)
    loss_probability = check_number("loss_probability", loss_probability, low=0, high=1,
                                    high_open=True, unit="probability")
    return fanout_slow_probability(round_trips, loss_probability)  # exchanges are the servers


def add_network_leg(server_ms, *, round_trips=2, rtt_median_ms=15.0, rtt_sigma=0.4,
                    loss_probability=0.01, rto_ms=200.0, seed=0) -> ClientLatencies:
    """Add a simulated network leg to server-side latencies, as the user's clock sees them.

    Each request makes `round_trips` exchanges with the server (on a warm connection, one to send
    the request and receive the answer; a fresh connection adds the TCP handshake and the TLS
    handshake). Each exchange takes a round-trip time (RTT) drawn from a lognormal distribution
    with median `rtt_median_ms` and log-standard deviation `rtt_sigma`, a heavy right tail. Each
    exchange is lost with probability `loss_probability`; the sender then waits a retransmission
    timeout before sending again, `rto_ms` for the first loss and double for each further loss of
    the same exchange (TCP's exponential backoff, RFC 6298), so k losses in a row cost
    ``rto_ms * (2**k - 1)`` before the exchange gets through.

    The network leg is independent of the server-side latency: the server's clock sees none of it.

    Parameters
    ----------
    server_ms : sequence of float
        Server-side latency of each request, ms (at least one, all finite, ``>= 0``).
    round_trips : int, default 2
        Exchanges per request, ``>= 1``.
    rtt_median_ms : float, default 15.0
        Median round-trip time, ms, ``> 0``.
    rtt_sigma : float, default 0.4
        Log-standard deviation of the round-trip time, ``>= 0``.
    loss_probability : float, default 0.01
        Probability that one exchange is lost, ``0 <= p < 1``.
    rto_ms : float, default 200.0
        Retransmission timeout after a first loss, ms, ``> 0``.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    ClientLatencies
        ``server_ms``, ``network_ms``, ``retransmits`` per request and their sum ``client_ms``.

    Examples
    --------
    >>> legs = add_network_leg(np.full(10_000, 30.0), loss_probability=0.0)
    >>> bool((legs.client_ms > legs.server_ms).all()), legs.retransmit_share
    (True, 0.0)
    """
    server_ms = check_samples("server_ms", server_ms)
    if server_ms.min() < 0:
        raise ValueError(f"server_ms must be latencies >= 0 ms; got a minimum of {server_ms.min()}")
    round_trips = check_number("round_trips", round_trips, low=1, integer=True)
    rtt_median_ms = check_number("rtt_median_ms", rtt_median_ms, low=0, low_open=True, unit="ms")
    rtt_sigma = check_number("rtt_sigma", rtt_sigma, low=0)
    loss_probability = check_number("loss_probability", loss_probability, low=0, high=1,
                                    high_open=True, unit="probability")
    rto_ms = check_number("rto_ms", rto_ms, low=0, low_open=True, unit="ms")
    rng = _rng(seed)
    shape = (server_ms.size, round_trips)
    rtt_ms = rng.lognormal(np.log(rtt_median_ms), rtt_sigma, shape)
    # Losses before an exchange gets through: geometric, P(k) = p^k (1 - p).
    losses = rng.geometric(1 - loss_probability, shape) - 1
    network_ms = (rtt_ms + rto_ms * (2.0 ** losses - 1)).sum(axis=1)
    return ClientLatencies(server_ms.copy(), network_ms, losses.sum(axis=1), round_trips,
                           rtt_median_ms, loss_probability, rto_ms)
