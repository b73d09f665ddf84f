"""A model server with dynamic batching: simulation, queueing theory and an explorer figure.

Times are in milliseconds (ms) and rates in requests per second (requests/s). Requests arrive
as a Poisson process and wait for one server that processes them in batches. A batch of ``b``
requests takes ``service_fixed_ms + service_per_item_ms * b`` ms on average.

Huyen's example (DMLS ch.1: a batch of 10 queries in 10 ms, a batch of 50 in 20 ms) fixes that
line at ``HUYEN_SERVICE_FIXED_MS + HUYEN_SERVICE_PER_ITEM_MS * b`` = 7.5 + 0.25 b ms, the default
of `batch_capacity_per_s` and `plot_batching`; ``HUYEN_SERVICE`` passes it to the simulators as
keyword arguments. The simulators' own defaults, 5.556 + 0.444 b (6 ms for a single request),
are a generic server kept for the code that relies on them.

Batching policy (one server, first come first served): when the server is free, the batch closes
as soon as it holds ``max_batch_size`` requests or its oldest request has waited
``max_wait_ms``, whichever comes first. If the server is still busy at that moment, the batch
starts when the server frees and takes up to ``max_batch_size`` requests that have arrived by
then. Each request's wait is split in two: ``batch_wait_ms`` runs from its arrival until its
batch closes, ``queue_ms`` from then (or from its arrival, if it joined a closed batch while the
server was busy) until the batch starts.

Percentiles use the nearest-rank definition: the smallest value with at least q% of the values
at or below it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from mlsys._validate import check_choice, check_number, check_samples
from mlsys.drawing import cached, keep, reuse
from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate

SERVICE_DISTRIBUTIONS = ("deterministic", "exponential")

#: Huyen's batching example (DMLS ch.1): 10 queries in 10 ms, 50 queries in 20 ms. Two points
#: fix the line s(b) = 7.5 + 0.25 b ms: 1,000 and 2,500 queries/s.
HUYEN_SERVICE_FIXED_MS = 7.5
HUYEN_SERVICE_PER_ITEM_MS = 0.25
HUYEN_SERVICE = MappingProxyType({"service_fixed_ms": HUYEN_SERVICE_FIXED_MS,
                                  "service_per_item_ms": HUYEN_SERVICE_PER_ITEM_MS})


@dataclass(frozen=True, eq=False)
class ServerRun:
    """One simulated run: per-request times (ms) and the parameters that produced them.

    Attributes
    ----------
    arrival_ms, batch_wait_ms, queue_ms, service_ms, latency_ms : numpy.ndarray
        Per request, in arrival order: arrival time, wait for the batch to close, wait for the
        busy server, service time of its batch, and latency (the sum of the other three).
    batch_size : numpy.ndarray
        Per request, the number of requests in its batch.
    arrival_rate_per_s, max_batch_size, max_wait_ms, service_fixed_ms, service_per_item_ms,
    service_distribution, seed
        The arguments of :func:`simulate_server`.
    """

    arrival_ms: np.ndarray = field(repr=False)
    batch_wait_ms: np.ndarray = field(repr=False)
    queue_ms: np.ndarray = field(repr=False)
    service_ms: np.ndarray = field(repr=False)
    latency_ms: np.ndarray = field(repr=False)
    batch_size: np.ndarray = field(repr=False)
    arrival_rate_per_s: float
    max_batch_size: int
    max_wait_ms: float
    service_fixed_ms: float
    service_per_item_ms: float
    service_distribution: str
    seed: int

    @property
    def n_requests(self) -> int:
        """Number of requests simulated."""
        return int(self.arrival_ms.size)

    @property
    def departure_ms(self) -> np.ndarray:
        """Per request, the time (ms) its response leaves the server."""
        return self.arrival_ms + self.latency_ms

    @property
    def span_ms(self) -> float:
        """Time (ms) from the start of the simulation (t = 0) to the last departure."""
        return float(self.departure_ms.max())

    @property
    def throughput_per_s(self) -> float:
        """Completed requests per second over the span."""
        return self.n_requests / self.span_ms * 1000.0

    @property
    def utilisation(self) -> float:
        """Fraction of the span the server is busy (between 0 and 1)."""
        busy_ms = np.sum(self.service_ms / self.batch_size)  # each batch counted once
        return float(busy_ms / self.span_ms)

    @property
    def mean_batch_size(self) -> float:
        """Average size of a batch (requests per batch, averaged over batches not requests)."""
        n_batches = np.sum(1.0 / self.batch_size)
        return float(self.n_requests / n_batches)

    @property
    def mean_latency_ms(self) -> float:
        """Mean latency (ms)."""
        return float(self.latency_ms.mean())

    def percentile_ms(self, q) -> float:
        """Latency percentile (ms), nearest-rank: the smallest latency with q% at or below it.

        Parameters
        ----------
        q : float
            Percent, in (0, 100]; 99 gives the p99.
        """
        q = check_number("q", q, low=0, low_open=True, high=100, unit="percent")
        return _nearest_rank(self.latency_ms, q)


def _nearest_rank(values, q) -> float:
    """Smallest value with at least q% of `values` at or below it (q in (0, 100])."""
    values = np.asarray(values, dtype=float)
    # round() so that float noise such as 0.99 * 100 = 99.00000000000001 does not add a rank
    rank = max(1, math.ceil(round(q / 100 * values.size, 9)))
    return float(np.partition(values, rank - 1)[rank - 1])


def _check_server_args(arrival_rate_per_s, n_requests, max_batch_size, max_wait_ms,
                       service_fixed_ms, service_per_item_ms, service_distribution, seed) -> dict:
    """Return the simulation arguments checked and normalised, keyed by name."""
    args = {
        "arrival_rate_per_s": check_number("arrival_rate_per_s", arrival_rate_per_s, low=0,
                                           low_open=True, unit="requests/s"),
        "n_requests": check_number("n_requests", n_requests, low=1, integer=True),
        "max_batch_size": check_number("max_batch_size", max_batch_size, low=1, integer=True),
        "max_wait_ms": check_number("max_wait_ms", max_wait_ms, low=0, unit="ms"),
        "service_fixed_ms": check_number("service_fixed_ms", service_fixed_ms, low=0, unit="ms"),
        "service_per_item_ms": check_number("service_per_item_ms", service_per_item_ms, low=0,
                                            unit="ms"),
        "service_distribution": check_choice("service_distribution", service_distribution,
                                             SERVICE_DISTRIBUTIONS),
        "seed": check_number("seed", seed, low=0, integer=True),
    }
    if args["service_fixed_ms"] + args["service_per_item_ms"] == 0:
        raise ValueError("service_fixed_ms and service_per_item_ms cannot both be 0: "
                         "a batch must take some time to serve")
    return args


def _draw(args) -> tuple[np.ndarray, np.ndarray]:
    """Poisson arrival times (ms) and one service-time multiplier per possible batch."""
    rng = np.random.default_rng(args["seed"])
    n = args["n_requests"]
    arrival_ms = np.cumsum(rng.exponential(1000.0 / args["arrival_rate_per_s"], size=n))
    if args["service_distribution"] == "exponential":
        return arrival_ms, rng.standard_exponential(size=n)
    return arrival_ms, np.ones(n)


def _make_run(arrival_ms, batch_wait_ms, queue_ms, service_ms, batch_size, args) -> ServerRun:
    columns = {
        "arrival_ms": arrival_ms,
        "batch_wait_ms": np.asarray(batch_wait_ms, dtype=float),
        "queue_ms": np.asarray(queue_ms, dtype=float),
        "service_ms": np.asarray(service_ms, dtype=float),
        "batch_size": np.asarray(batch_size, dtype=np.int64),
    }
    columns["latency_ms"] = columns["batch_wait_ms"] + columns["queue_ms"] + columns["service_ms"]
    for array in columns.values():
        array.setflags(write=False)  # a run is a record: keep it immutable
    params = {key: value for key, value in args.items() if key != "n_requests"}
    return ServerRun(**columns, **params)


def _serve_fifo(arrival_ms, service_ms) -> tuple:
    """One request per batch: Lindley's recursion with cumulative sums, no Python loop.

    With S_k the total service of the first k requests, request n cannot start before any
    earlier arrival a_k plus the work of requests k..n-1, and it starts exactly then for the k
    that opened its busy period: start_n = max_{k<=n}(a_k + S_{n-1} - S_{k-1}). Taking S_{n-1}
    out of the max leaves a running maximum.
    """
    served_before_ms = np.concatenate([[0.0], np.cumsum(service_ms)[:-1]])
    start_ms = served_before_ms + np.maximum.accumulate(arrival_ms - served_before_ms)
    queue_ms = np.maximum(start_ms - arrival_ms, 0.0)  # clip rounding noise of order 1e-12
    n = arrival_ms.size
    return np.zeros(n), queue_ms, service_ms, np.ones(n, dtype=np.int64)


def _serve_batched(arrival_ms, service_scale, max_batch_size, max_wait_ms,
                   service_fixed_ms, service_per_item_ms) -> tuple:
    """Dynamic batching with one Python step per batch; per-request work is vectorised."""
    n = arrival_ms.size
    # If request i opens a batch, the batch closes at its deadline or when it fills (request
    # i + fill arrives), whichever is first, and, when the server is idle then, holds everyone
    # who has arrived by that time.
    fill = max_batch_size - 1
    close_ms = arrival_ms + max_wait_ms
    if fill < n:
        close_ms[:n - fill] = np.minimum(close_ms[:n - fill], arrival_ms[fill:])
    end_if_idle = np.minimum(np.arange(n) + max_batch_size,
                             np.searchsorted(arrival_ms, close_ms, side="right"))

    # Python lists and conditional expressions: in this loop numpy scalars and min()/max()
    # calls would cost more than the arithmetic itself.
    arrivals, closes, ends = arrival_ms.tolist(), close_ms.tolist(), end_if_idle.tolist()
    batch_first, batch_close, batch_start, batch_service = [], [], [], []
    free_ms, i = 0.0, 0
    for scale in service_scale.tolist():  # one multiplier per batch; never fewer than batches
        if i == n:
            break
        close = closes[i]
        if free_ms > close:  # server busy past the close: take whoever is there when it frees
            start = free_ms
            cap_end = i + max_batch_size if i + max_batch_size < n else n
            end = bisect_right(arrivals, start, i, cap_end)
        else:
            start, end = close, ends[i]
        service = (service_fixed_ms + service_per_item_ms * (end - i)) * scale
        batch_first.append(i)
        batch_close.append(close)
        batch_start.append(start)
        batch_service.append(service)
        free_ms, i = start + service, end

    sizes = np.diff(batch_first + [n])
    close_per_request = np.repeat(batch_close, sizes)
    batch_wait_ms = np.maximum(close_per_request - arrival_ms, 0.0)
    queue_ms = np.repeat(batch_start, sizes) - np.maximum(arrival_ms, close_per_request)
    return batch_wait_ms, queue_ms, np.repeat(batch_service, sizes), np.repeat(sizes, sizes)


def simulate_server(arrival_rate_per_s, n_requests=100_000, *, max_batch_size=1, max_wait_ms=0.0,
                    service_fixed_ms=5.556, service_per_item_ms=0.444,
                    service_distribution="deterministic", seed=0) -> ServerRun:
    """Simulate a model server with dynamic batching and return every request's times.

    Requests arrive as a Poisson process; one server takes them first come first served in
    batches (policy in the module docstring). Above capacity the run still completes: the queue
    and the latency grow with the request index.

    Parameters
    ----------
    arrival_rate_per_s : float
        Mean arrival rate (requests/s), > 0.
    n_requests : int
        Number of requests to simulate, >= 1.
    max_batch_size : int
        Largest batch, >= 1. With 1 the server is a plain FIFO queue (M/D/1 or M/M/1).
    max_wait_ms : float
        Longest time (ms) the oldest request waits for its batch to fill when the server is
        free, >= 0. With 0 an idle server starts at once with whoever is waiting.
    service_fixed_ms, service_per_item_ms : float
        Mean service time (ms) of a batch of b requests is ``service_fixed_ms +
        service_per_item_ms * b``; both >= 0, not both 0. The defaults are a generic server;
        pass ``**HUYEN_SERVICE`` for Huyen's line, 7.5 + 0.25 b.
    service_distribution : {"deterministic", "exponential"}
        Batch service time equal to that mean, or exponential with that mean.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same run.

    Returns
    -------
    ServerRun
        Per-request arrival, batch wait, queue, service and latency (ms) and batch size.

    Examples
    --------
    >>> run = simulate_server(800, max_batch_size=8, max_wait_ms=5.0, seed=1)
    >>> round(run.mean_batch_size, 1), round(run.percentile_ms(99), 1)
    (7.0, 41.9)
    """
    args = _check_server_args(arrival_rate_per_s, n_requests, max_batch_size, max_wait_ms,
                              service_fixed_ms, service_per_item_ms, service_distribution, seed)
    arrival_ms, service_scale = _draw(args)
    if args["max_batch_size"] == 1:
        service_ms = (args["service_fixed_ms"] + args["service_per_item_ms"]) * service_scale
        columns = _serve_fifo(arrival_ms, service_ms)
    else:
        columns = _serve_batched(arrival_ms, service_scale, args["max_batch_size"],
                                 args["max_wait_ms"], args["service_fixed_ms"],
                                 args["service_per_item_ms"])
    return _make_run(arrival_ms, *columns, args)


def simulate_server_loop(arrival_rate_per_s, n_requests=100_000, *, max_batch_size=1,
                         max_wait_ms=0.0, service_fixed_ms=5.556, service_per_item_ms=0.444,
                         service_distribution="deterministic", seed=0) -> ServerRun:
    """Reference implementation of :func:`simulate_server`: a plain loop, one request at a time.

    Same arguments, same model, same random numbers: the results equal those of
    :func:`simulate_server` (exactly for batches, to rounding for ``max_batch_size=1``). It
    exists to check the fast version and to time it against; it is many times slower.

    Examples
    --------
    >>> fast = simulate_server(800, 1_000, max_batch_size=8, max_wait_ms=5.0)
    >>> slow = simulate_server_loop(800, 1_000, max_batch_size=8, max_wait_ms=5.0)
    >>> bool((fast.latency_ms == slow.latency_ms).all())
    True
    """
    args = _check_server_args(arrival_rate_per_s, n_requests, max_batch_size, max_wait_ms,
                              service_fixed_ms, service_per_item_ms, service_distribution, seed)
    arrival_ms, service_scale = _draw(args)
    arrivals, scales = arrival_ms.tolist(), service_scale.tolist()
    cap, n = args["max_batch_size"], len(arrivals)
    batch_wait, queue, service, size = [0.0] * n, [0.0] * n, [0.0] * n, [0] * n
    free, first, batch = 0.0, 0, 0
    while first < n:
        deadline = arrivals[first] + args["max_wait_ms"]
        last = first
        while last - first + 1 < cap and last + 1 < n and arrivals[last + 1] <= deadline:
            last += 1
        close = arrivals[last] if last - first + 1 == cap else deadline
        start = max(free, close)
        while last - first + 1 < cap and last + 1 < n and arrivals[last + 1] <= start:
            last += 1  # the server was busy past the close: latecomers join
        b = last - first + 1
        duration = (args["service_fixed_ms"] + args["service_per_item_ms"] * b) * scales[batch]
        for j in range(first, last + 1):
            batch_wait[j] = max(0.0, close - arrivals[j])
            queue[j] = start - max(arrivals[j], close)
            service[j], size[j] = duration, b
        free, first, batch = start + duration, last + 1, batch + 1
    return _make_run(arrival_ms, batch_wait, queue, service, size, args)


def _check_stable(arrival_rate_per_s, service_rate_per_s) -> tuple[float, float]:
    arrival = check_number("arrival_rate_per_s", arrival_rate_per_s, low=0, unit="requests/s")
    service = check_number("service_rate_per_s", service_rate_per_s, low=0, low_open=True,
                           unit="requests/s")
    if arrival >= service:
        raise ValueError(
            f"unstable load: arrival_rate_per_s must be below service_rate_per_s; got "
            f"{arrival:g} >= {service:g} requests/s. The queue grows without bound and the "
            "theory has no answer (simulate_server still runs and shows the growth)")
    return arrival, service


def mm1_mean_latency_ms(arrival_rate_per_s, service_rate_per_s) -> float:
    """Mean latency (ms) of an M/M/1 queue: 1 / (mu - lambda).

    Parameters
    ----------
    arrival_rate_per_s : float
        Arrival rate lambda (requests/s), >= 0 and below `service_rate_per_s`.
    service_rate_per_s : float
        Service rate mu (requests/s), > 0.

    Examples
    --------
    >>> mm1_mean_latency_ms(800, 1000)
    5.0
    """
    arrival, service = _check_stable(arrival_rate_per_s, service_rate_per_s)
    return 1000.0 / (service - arrival)


def mm1_latency_percentile_ms(q, arrival_rate_per_s, service_rate_per_s) -> float:
    """Latency percentile (ms) of an M/M/1 queue: -ln(1 - q/100) / (mu - lambda).

    Latency in M/M/1 is exponential with rate mu - lambda, so every percentile is a multiple of
    the mean: p50 is 0.69 times it, p99 4.6 times.

    Parameters
    ----------
    q : float
        Percent, in (0, 100).
    arrival_rate_per_s, service_rate_per_s : float
        As in :func:`mm1_mean_latency_ms`.

    Examples
    --------
    >>> round(mm1_latency_percentile_ms(99, 800, 1000), 2)
    23.03
    """
    q = check_number("q", q, low=0, high=100, low_open=True, high_open=True, unit="percent")
    arrival, service = _check_stable(arrival_rate_per_s, service_rate_per_s)
    return -math.log1p(-q / 100) * 1000.0 / (service - arrival)


def batch_capacity_per_s(max_batch_size, service_fixed_ms=HUYEN_SERVICE_FIXED_MS,
                         service_per_item_ms=HUYEN_SERVICE_PER_ITEM_MS):
    """Most requests/s the server can finish when every batch is full: b / s(b).

    Parameters
    ----------
    max_batch_size : int
        Batch size b, >= 1.
    service_fixed_ms, service_per_item_ms : float
        Batch service time s(b) = service_fixed_ms + service_per_item_ms * b (ms); the
        defaults are Huyen's line, 7.5 + 0.25 b.

    Examples
    --------
    >>> round(batch_capacity_per_s(10)), round(batch_capacity_per_s(50))
    (1000, 2500)
    """
    size = check_number("max_batch_size", max_batch_size, low=1, integer=True)
    fixed = check_number("service_fixed_ms", service_fixed_ms, low=0, unit="ms")
    per_item = check_number("service_per_item_ms", service_per_item_ms, low=0, unit="ms")
    if fixed + per_item == 0:
        raise ValueError("service_fixed_ms and service_per_item_ms cannot both be 0: "
                         "a batch must take some time to serve")
    return size / (fixed + per_item * size) * 1000.0


def fit_batch_service(batch_sizes, service_ms) -> tuple[float, float]:
    """Least-squares line through measured batch service times: s(b) = fixed + per_item * b.

    Parameters
    ----------
    batch_sizes : sequence of float
        Batch sizes measured, > 0, at least two different ones.
    service_ms : sequence of float
        Service time (ms) measured for each batch size, > 0.

    Returns
    -------
    (fixed_ms, per_item_ms) : tuple of float
        Intercept and slope (ms).

    Examples
    --------
    >>> fixed_ms, per_item_ms = fit_batch_service([10, 50], [10, 20])  # Huyen's two batches
    >>> round(fixed_ms, 3), round(per_item_ms, 3)
    (7.5, 0.25)
    """
    sizes = check_samples("batch_sizes", batch_sizes, min_size=2)
    times = check_samples("service_ms", service_ms, min_size=2)
    if sizes.size != times.size:
        raise ValueError(f"batch_sizes and service_ms must have the same length; "
                         f"got {sizes.size} and {times.size}")
    if np.any(sizes <= 0):
        raise ValueError(f"batch_sizes must all be > 0; got {sizes.min():g}")
    if np.any(times <= 0):
        raise ValueError(f"service_ms must all be > 0 (ms); got {times.min():g}")
    if np.ptp(sizes) == 0:
        raise ValueError("batch_sizes must hold at least two different sizes to fit a line")
    per_item_ms, fixed_ms = np.polyfit(sizes, times, deg=1)
    return float(fixed_ms), float(per_item_ms)


def _format_ms(value) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


#: The histogram's latency axis: from 5 ms to the first of these (ms) that holds every request,
#: so that the axis stays put while the sliders move and jumps a decade only when it must.
_BATCHING_X_LOW_MS = 5.0
_BATCHING_X_HIGHS_MS = (200.0, 2_000.0, 20_000.0, 200_000.0)
#: Fixed count scales, each with tick labels as wide (the layout holds as the peak moves).
_BATCHING_Y_HIGHS = (1_000, 2_000, 3_000, 5_000, 9_000)
_BATCHING_BINS = 160


def _batching_edges(low_ms, high_ms, slo_ms) -> np.ndarray:
    """Bin edges (ms): the fixed range that holds every latency and the SLO, else the data's."""
    high_ms = max(high_ms, slo_ms)
    x_low = _BATCHING_X_LOW_MS if low_ms >= 1.05 * _BATCHING_X_LOW_MS else low_ms / 1.05
    x_high = next((h for h in _BATCHING_X_HIGHS_MS if 1.05 * high_ms <= h), 1.05 * high_ms)
    return np.geomspace(x_low, x_high, _BATCHING_BINS + 1)


@cached(maxsize=128)
def _batching_run(arrival_rate_per_s, n_requests, max_batch_size, max_wait_ms, seed,
                  service_fixed_ms, service_per_item_ms, service_distribution, slo_ms) -> tuple:
    """What the figure needs from one run: latency counts in bins, the bin edges, the p50 and
    p99 (ms), the utilisation and the mean batch size (arrays read-only: the result is shared)."""
    run = simulate_server(arrival_rate_per_s, n_requests, max_batch_size=max_batch_size,
                          max_wait_ms=max_wait_ms, service_fixed_ms=service_fixed_ms,
                          service_per_item_ms=service_per_item_ms,
                          service_distribution=service_distribution, seed=seed)
    latency_ms = run.latency_ms
    edges = _batching_edges(latency_ms.min(), latency_ms.max(), slo_ms)
    counts = np.histogram(latency_ms, bins=edges)[0]
    for array in (counts, edges):
        array.setflags(write=False)
    return (counts, edges, run.percentile_ms(50), run.percentile_ms(99), run.utilisation,
            run.mean_batch_size)


def plot_batching(arrival_rate_per_s, max_batch_size, *, max_wait_ms=10.0, slo_ms=100.0,
                  n_requests=20_000, seed=0, service_fixed_ms=HUYEN_SERVICE_FIXED_MS,
                  service_per_item_ms=HUYEN_SERVICE_PER_ITEM_MS,
                  service_distribution="deterministic", figure=None) -> Figure:
    """Histogram of simulated latency with p50, p99 and the p99 SLO; the title gives the verdict.

    The latency axis runs from 5 ms to 200 ms, 2,000 ms, 20,000 ms or 200,000 ms, the first
    that holds every request and the SLO (so it stays put while a slider moves), in 160
    log-spaced bins.

    Parameters
    ----------
    arrival_rate_per_s, max_batch_size, max_wait_ms, n_requests, seed, service_fixed_ms,
    service_per_item_ms, service_distribution
        As in :func:`simulate_server`, except that the service line defaults to Huyen's,
        7.5 + 0.25 b ms.
    slo_ms : float
        Latency objective (ms) for the p99, > 0.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Not shown and not registered with pyplot; save or display it.

    Examples
    --------
    >>> fig = plot_batching(1000, 16)
    >>> fig.axes[0].get_title(loc="left")
    'p99 = 23 ms, within the 100 ms SLO'
    """
    slo_ms = check_number("slo_ms", slo_ms, low=0, low_open=True, unit="ms")
    args = _check_server_args(arrival_rate_per_s, n_requests, max_batch_size, max_wait_ms,
                              service_fixed_ms, service_per_item_ms, service_distribution, seed)
    counts, edges, p50_ms, p99_ms, utilisation, mean_batch = _batching_run(
        args["arrival_rate_per_s"], args["n_requests"], args["max_batch_size"],
        args["max_wait_ms"], args["seed"], args["service_fixed_ms"],
        args["service_per_item_ms"], args["service_distribution"], slo_ms)
    if p99_ms <= slo_ms:
        verdict = f"p99 = {_format_ms(p99_ms)} ms, within the {_format_ms(slo_ms)} ms SLO"
    else:
        verdict = f"p99 = {_format_ms(p99_ms)} ms: the {_format_ms(slo_ms)} ms SLO is broken"

    kept = reuse(figure, plot_batching)
    if kept is None:
        fig = Figure(figsize=FIGSIZE, layout="constrained")
        ax = fig.add_subplot()
        # One artist for the histogram (`stairs`), not one patch per bin.
        hist = ax.stairs(np.zeros(len(edges) - 1), edges, fill=True, color=PALETTE["sky"],
                         label="requests")
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: _format_ms(value)))
        ax.set_axisbelow(True)  # the histogram redraws over the grid, not the grid over it
        lines = [ax.axvline(1, color=PALETTE[colour], linestyle=style, lw=2, label=name)
                 for name, colour, style in [("p50", "blue", LINESTYLES[1]),
                                             ("p99", "orange", LINESTYLES[2]),
                                             ("p99 SLO", "vermillion", LINESTYLES[0])]]
        decorate(ax, xlabel="latency (ms, log scale)", ylabel="requests")
        legend = ax.legend(handles=[hist, *lines])
        kept = keep(fig, plot_batching, hist=hist, lines=lines, legend=legend,
                    title=ax.set_title("", loc="left"),
                    right=ax.set_title("", loc="right", fontsize=9, fontweight="normal"))
    ax = kept.hist.axes
    kept.hist.set_data(counts, edges)
    for line, legend_text, value, name in zip(kept.lines, kept.legend.texts[1:],
                                              (p50_ms, p99_ms, slo_ms),
                                              ("p50", "p99", "p99 SLO")):
        line.set_xdata([value, value])
        line.set_label(f"{name} = {_format_ms(value)} ms")
        legend_text.set_text(line.get_label())
    # Fixed scales show the mass moving as the sliders do; each step's tick labels are as wide.
    # (Set only when they change: setting a limit marks the axis for a full redraw.)
    peak = int(counts.max())
    limits = ((edges[0], edges[-1]),
              (0, next((h for h in _BATCHING_Y_HIGHS if peak <= 0.95 * h), 1.05 * peak)))
    if (ax.get_xlim(), ax.get_ylim()) != limits:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    kept.title.set_text(verdict)
    kept.right.set_text(f"utilisation {utilisation:.0%}, mean batch {mean_batch:.1f}")
    return kept.figure
