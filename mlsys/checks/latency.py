"""Checks for the latency chapter's exercises (exercises/03_latency.ipynb).

Each check lists its task's classic mistakes; the task's data give each of them an answer of its
own, and the check names a mistake only when the answer is that mistake (tested one by one in
tests/test_checks_latency.py). A check computes its expectations from its own data (module
constants, or data it regenerates), never from objects the learner holds.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction
from types import MappingProxyType

import numpy as np

from mlsys.checks import (Fail, close_at_precision, require_answer, require_bool, require_choice,
                          require_function, require_number, require_own_code, require_returned,
                          task, written_task)
from mlsys.latency import (HUYEN_LATENCIES_MS, add_network_leg, fanout_slow_probability,
                           percentile, simulate_hedged_requests)
from mlsys.queueing import HUYEN_SERVICE, simulate_server

# --- Tasks 1 and 2: the nearest rank ------------------------------------------------------------

#: Samples and percentiles a nearest-rank function is tried on first: (values, q). Each classic
#: mistake below gives a wrong answer on at least one of them, and no two mistakes the same answers.
PERCENTILE_CASES = (
    (HUYEN_LATENCIES_MS, 90),
    (HUYEN_LATENCIES_MS, 95),    # rank 9.5 -> 10: `lower` and floor((n - 1) q / 100) give the 9th
    (HUYEN_LATENCIES_MS, 91),    # rank 9.1 -> 10: a rounded rank, `nearest` give the 9th
    (HUYEN_LATENCIES_MS, 4),     # rank 0.4 -> 1: a rounded rank is 0, index -1, the largest value
    (HUYEN_LATENCIES_MS, 100),
    ((5, 1, 4, 2, 3, 9, 7, 10, 6, 8), 50),  # rank exactly 5: int(q n / 100) as an index gives 6
    ((5, 1, 4, 2, 3, 9, 7), 25),  # rank 1.75 -> 2: one past the rank gives the 3rd
    (tuple(np.random.default_rng(3).lognormal(3, 1, 200).round(2)), 99),
    (tuple(np.random.default_rng(4).lognormal(3, 1, 1001).round(2)), 50),
)


def _position(values, q):
    """(sorted values, 0-based position (n - 1) q / 100) for numpy-style definitions."""
    ordered = sorted(values)
    return ordered, (len(ordered) - 1) * q / 100


def _linear(values, q):
    ordered, h = _position(values, q)
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


#: The classic slips of a hand-written percentile, as a learner writes them (so some raise, e.g.
#: at q = 100), and the hint each earns. A hint is given only to a function that answers like the
#: mistake on every case of PERCENTILE_CASES.
PERCENTILE_MISTAKES = {
    "linear": (_linear,
               "Your function interpolates between two sorted values, as numpy's default "
               "(`linear`) does, so it can report a latency no request had. The nearest rank "
               "never interpolates: sort, then take the value at rank ceil(q * n / 100)."),
    "lower": (lambda v, q: sorted(v)[math.floor((len(v) - 1) * q / 100)],
              "That is numpy's `lower`: index floor((n - 1) * q / 100) rounds the position down, "
              "so the p95 of ten values is the 9th. The nearest rank is rank ceil(q * n / 100), "
              "counted from 1."),
    "higher": (lambda v, q: sorted(v)[math.ceil((len(v) - 1) * q / 100)],
               "That is numpy's `higher`, index ceil((n - 1) * q / 100) (Huyen's p90): it is one "
               "rank too high when q * n / 100 is a whole number, e.g. the p50 of ten values. "
               "Use rank ceil(q * n / 100), counted from 1."),
    "nearest": (lambda v, q: sorted(v)[round((len(v) - 1) * q / 100)],
                "That is numpy's `nearest`: it rounds the position (n - 1) * q / 100 to the "
                "closest index. The nearest rank always rounds the rank q * n / 100 up."),
    "rounded rank": (lambda v, q: sorted(v)[math.floor(len(v) * q / 100 + 0.5) - 1],
                     "You round the rank q * n / 100 to the closest whole number (9.1 -> 9). "
                     "The nearest rank always rounds it up: ceil(q * n / 100)."),
    "round() rank": (lambda v, q: sorted(v)[round(len(v) * q / 100) - 1],
                     "You round the rank q * n / 100 with round() (9.1 -> 9, and halves to even). "
                     "The nearest rank always rounds it up: math.ceil(q * n / 100)."),
    "floor rank": (lambda v, q: sorted(v)[math.floor(len(v) * q / 100) - 1],
                   "You round the rank q * n / 100 down (int() or floor). The nearest rank rounds "
                   "it up: math.ceil(q * n / 100)."),
    "int index": (lambda v, q: sorted(v)[int(len(v) * q / 100)],
                  "Index int(q * n / 100) is right only when q * n / 100 has a fraction: when it is "
                  "a whole number (the p50 of ten values is rank 5) you take the next value. Use "
                  "index ceil(q * n / 100) - 1."),
    "off by one": (lambda v, q: sorted(v)[math.ceil(len(v) * q / 100)],
                   "Off by one: rank r (counting from 1) is index r - 1 in Python."),
    "n + 1": (lambda v, q: sorted(v)[math.ceil((len(v) + 1) * q / 100) - 1],
              "Rank ceil(q * (n + 1) / 100) is another definition (Weibull's positions). The "
              "nearest rank uses n: ceil(q * n / 100)."),
    "unsorted": (lambda v, q: v[math.ceil(len(v) * q / 100) - 1],
                 "Did you sort the values first? Ranks count in sorted order."),
    "mean": (lambda v, q: sum(v) / len(v),
             "Your function returns the mean, whatever q is. A percentile is a value of the "
             "sorted sample."),
    "median": (lambda v, q: float(np.median(v)),
               "Your function returns the median, whatever q is: use q to find the rank."),
}

#: What a task's "don't call np.percentile or the book's package" forbids.
FORBIDDEN_PERCENTILES = frozenset({"percentile", "nanpercentile", "quantile", "nanquantile",
                                   "percentiles", "compare_percentile_definitions", "mlsys"})

N_FRESH_CASES = 12


def _names_used(code) -> set:
    """Global and attribute names a code object (and the code nested in it) uses."""
    names = {part for name in code.co_names for part in name.split(".")}
    for constant in code.co_consts:
        if hasattr(constant, "co_names"):
            names |= _names_used(constant)
    return names


def _forbidden_objects() -> dict:
    from mlsys import latency
    return {id(f): name for name, f in [
        ("percentile", np.percentile), ("nanpercentile", np.nanpercentile),
        ("quantile", np.quantile), ("nanquantile", np.nanquantile),
        ("percentile", latency.percentile), ("percentiles", latency.percentiles),
        ("compare_percentile_definitions", latency.compare_percentile_definitions)]}


def _forbidden_in(function) -> set:
    """Forbidden names `function` uses, under their own names or bound to other names."""
    code = getattr(function, "__code__", None)
    if code is None:
        return set()
    used = _names_used(code)
    found = set(FORBIDDEN_PERCENTILES & used)
    bound = dict(getattr(function, "__globals__", {}))
    for name, cell in zip(code.co_freevars, getattr(function, "__closure__", None) or ()):
        try:
            bound[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    forbidden_objects = _forbidden_objects()
    for name in used | set(code.co_freevars):
        if name not in bound:
            continue
        value = bound[name]
        if id(value) in forbidden_objects:
            found.add(forbidden_objects[id(value)])
        elif getattr(value, "__name__", "").split(".")[0] == "mlsys" and \
                type(value).__name__ == "module":
            found.add("mlsys")
    return found


def _answers(function, cases) -> tuple:
    """What `function` returns on each case (None where it raises an Exception)."""
    answers = []
    for values, q in cases:
        try:
            answers.append(float(function(list(values), q)))
        except Exception:
            answers.append(None)
    return tuple(answers)


@functools.lru_cache(maxsize=1)
def _mistake_answers() -> dict:
    return {name: _answers(mistake, PERCENTILE_CASES)
            for name, (mistake, _) in PERCENTILE_MISTAKES.items()}


def _percentile_hint(function) -> str:
    """The hint of the classic mistake `function` makes, if it answers exactly like one."""
    answers = _answers(function, PERCENTILE_CASES)
    for name, mistake in _mistake_answers().items():
        if answers == mistake:
            return PERCENTILE_MISTAKES[name][1]
    return ("Sort the values, compute the rank ceil(q * n / 100), counting from 1, and return "
            "the value at that rank.")


def _float_rank_is_exact(values, q) -> bool:
    """True when both ways of writing the rank in floating point give the exact rank."""
    exact = math.ceil(Fraction(repr(q)) * len(values) / 100)
    return math.ceil(q * len(values) / 100) == exact == math.ceil(q / 100 * len(values))


def fresh_percentile_cases(n_cases=N_FRESH_CASES, rng=None) -> list:
    """Samples and q's drawn at check time, so a function that memorises the examples fails.

    Ranks are chosen where floating point gives the exact rank, so the textbook formula
    ``ceil(q * n / 100)`` passes whichever way a learner writes it.
    """
    rng = np.random.default_rng() if rng is None else rng
    cases = []
    while len(cases) < n_cases:
        n = int(rng.integers(3, 400))
        q = float(rng.choice([rng.integers(1, 101), rng.integers(1, 200) / 2]))
        q = int(q) if q.is_integer() else q  # a whole q as an int, as the examples give it
        values = tuple(float(v) for v in rng.lognormal(3, 1, n).round(2))
        if 0 < q <= 100 and _float_rank_is_exact(values, q):
            cases.append((values, q))
    return cases


@task("1", "nearest-rank percentile")
def check_nearest_rank_percentile(function):
    """Try the learner's ``function(values, q)`` against the nearest rank: first on
    PERCENTILE_CASES (the placeholder fails there, before anything random is drawn), then on
    `N_FRESH_CASES` samples drawn afresh.

    Classic mistakes (PERCENTILE_MISTAKES, each with its own hint): numpy's `linear` default
    (interpolation, by hand; calling np.percentile is refused), `lower` = index
    floor((n - 1) q / 100), `higher`, `nearest`, a half-up or round() rounded rank, a rank
    rounded down, index int(q n / 100), one past the rank, rank ceil((n + 1) q / 100), not
    sorting, the mean and the median.
    """
    require_function(function, "nearest_rank_percentile")
    forbidden = _forbidden_in(function)
    if forbidden:
        require_own_code(function, "nearest_rank_percentile", forbidden)
        # require_own_code claims nothing where it cannot parse the source (a lambda inside a
        # longer expression, say); the compiled code still names what the function uses.
        raise Fail(f"nearest_rank_percentile uses {', '.join(sorted(forbidden))}, which the task "
                   "asks you not to use.", "Write that step yourself: the point of the task is "
                   "to see how it works.")
    for values, q in PERCENTILE_CASES:
        expected = percentile(values, q)
        got = function(list(values), q)
        require_returned(got, "nearest_rank_percentile")
        got = require_number(got, f"the value returned for q = {q}")
        if got != expected:
            sample = f"{list(values)}" if len(values) <= 10 else f"a sample of {len(values)} values"
            raise Fail(f"For {sample} and q = {q:g} you returned {got:g}; the nearest rank is "
                       f"{expected:g}.", _percentile_hint(function))
    for values, q in fresh_percentile_cases():
        expected = percentile(values, q)
        got = require_number(function(list(values), q), "the value returned on a fresh sample")
        if got != expected:
            raise Fail(f"Your function passes the examples, but on a fresh sample of {len(values)} "
                       f"values at q = {q:g} it returned {got:g}; the nearest rank is "
                       f"{expected:g}.", "It must work on any sample and any 0 < q <= 100: does "
                       "it depend on the examples' sizes or values?")
    return (f"It matches the nearest rank on all {len(PERCENTILE_CASES)} examples and on "
            f"{N_FRESH_CASES} samples drawn afresh.")


#: numpy.percentile's methods (numpy >= 1.22), Hyndman & Fan's nine definitions first.
NUMPY_METHODS = ("inverted_cdf", "averaged_inverted_cdf", "closest_observation",
                 "interpolated_inverted_cdf", "hazen", "weibull", "linear", "median_unbiased",
                 "normal_unbiased", "lower", "higher", "nearest", "midpoint")

#: Task 2: twelve latencies (ms) and what a monitoring dashboard reports for them (0.1 ms).
DASHBOARD_LATENCIES_MS = (41, 38, 45, 40, 39, 250, 43, 44, 37, 42, 610, 46)
DASHBOARD_METHOD = "weibull"  # Hyndman & Fan's definition 6, SPSS's and Minitab's
DASHBOARD_PERCENTILES_MS = MappingProxyType(
    {q: round(float(np.percentile(DASHBOARD_LATENCIES_MS, q, method=DASHBOARD_METHOD)), 1)
     for q in (50, 75, 90)})

#: Other spellings of a method's name a learner may use (Hyndman & Fan's numbers).
_METHOD_SPELLINGS = {
    "inverted_cdf": ("nearest rank", "hyndman fan 1", "type 1", "definition 1"),
    "averaged_inverted_cdf": ("hyndman fan 2", "type 2", "definition 2"),
    "closest_observation": ("hyndman fan 3", "type 3", "definition 3"),
    "interpolated_inverted_cdf": ("hyndman fan 4", "type 4", "definition 4"),
    "hazen": ("hyndman fan 5", "type 5", "definition 5"),
    "weibull": ("hyndman fan 6", "type 6", "definition 6"),
    "linear": ("hyndman fan 7", "type 7", "definition 7", "numpy's default", "default"),
    "median_unbiased": ("hyndman fan 8", "type 8", "definition 8"),
    "normal_unbiased": ("hyndman fan 9", "type 9", "definition 9"),
}


def _dashboard_percentiles(method) -> dict:
    return {q: round(float(np.percentile(DASHBOARD_LATENCIES_MS, q, method=method)), 1)
            for q in DASHBOARD_PERCENTILES_MS}


@task("2", "the definition behind a dashboard")
def check_dashboard_method(method):
    """The learner names the numpy method that reproduces the dashboard's three percentiles.

    Exactly one of NUMPY_METHODS does (tested). Classic mistakes: numpy's default `linear`, the
    book's nearest rank `inverted_cdf`, and a method chosen on one percentile only (several give
    the dashboard's p50, or its p75); each wrong method is told which reported number it misses.
    """
    require_answer(method, "dashboard_method")
    if not isinstance(method, str):
        raise Fail(f"dashboard_method should be a method's name (a string such as 'linear'); "
                   f"got {type(method).__name__} {method!r}.")
    options = {name: _METHOD_SPELLINGS.get(name, ()) for name in NUMPY_METHODS}
    name = require_choice(method, options, "dashboard_method")
    theirs = _dashboard_percentiles(name)
    missed = [q for q in DASHBOARD_PERCENTILES_MS if theirs[q] != DASHBOARD_PERCENTILES_MS[q]]
    if missed:
        q = missed[0]
        matched = [f"p{m}" for m in DASHBOARD_PERCENTILES_MS if m not in missed]
        hint = {"linear": "numpy's default is not every tool's default.",
                "inverted_cdf": ("The dashboard is not the book: its p50, 42.5 ms, is a latency "
                                 "no request had, so its definition interpolates."),
                }.get(name, "Try every method on all three percentiles: only one reproduces "
                            "them all.")
        if matched and name not in ("linear", "inverted_cdf"):
            hint = (f"method={name!r} reproduces the {' and '.join(matched)}, not all three. "
                    + hint)
        raise Fail(f"method={name!r} gives p{q} = {theirs[q]:g} ms for these latencies; the "
                   f"dashboard shows {DASHBOARD_PERCENTILES_MS[q]:g} ms.", hint)
    nearest = percentile(DASHBOARD_LATENCIES_MS, 90)
    return (f"method={name!r} (Hyndman & Fan's definition 6) reproduces the dashboard. Its p90 "
            f"of {DASHBOARD_PERCENTILES_MS[90]:g} ms is a latency no request had; the nearest "
            f"rank says {nearest:g} ms.")


# --- Task 3: a p99 SLO verdict ------------------------------------------------------------------

def slo_sample() -> np.ndarray:
    """The latency sample (ms) of task 3: a fast body and 2% of stalls, 1,060 requests.

    1,060 makes the p99's rank 1,049.4 -> 1,050: a rank rounded down or to the closest, numpy's
    `lower` and `nearest` all give the 1,049th value, another stall.
    """
    rng = np.random.default_rng(7)
    body_ms = rng.lognormal(np.log(80), 0.3, 1_039)
    stalls_ms = rng.uniform(300, 900, 21)
    return rng.permutation(np.concatenate([body_ms, stalls_ms])).round(1)


SLO_MS = 250.0


def _slo_mistakes(sample) -> dict:
    """Task 3's classic wrong p99s, each with its hint."""
    ordered = np.sort(sample)
    return {
        "That is the mean. The p99 is a percentile of the sample.": sample.mean(),
        "That is the median (p50); the SLO is on the p99.": np.median(sample),
        "That is numpy's interpolating default; the book's p99 is the nearest rank.":
            np.percentile(sample, 99),
        ("That is the value one rank below: the rank q * n / 100 = 1,049.4 rounded down or to "
         "the closest (or numpy's `lower` / `nearest`). The nearest rank rounds it up, to 1,050."):
            ordered[math.floor(0.99 * len(sample)) - 1],
        "That is the p0.99: q is in percent here, 99, not the fraction 0.99.":
            percentile(sample, 0.99),
        "That looks like the p99 in seconds; the task asks for milliseconds.":
            percentile(sample, 99) / 1_000,
        "That is the p99.9; the SLO is on the p99.": percentile(sample, 99.9),
    }


@task("3", "p99 SLO verdict")
def check_slo_verdict(p99_ms, slo_holds):
    """The learner's nearest-rank p99 (ms, to one decimal) of `slo_sample()` and whether it
    meets the 250 ms SLO.

    The sample is regenerated here, so an in-place edit of the learner's copy changes nothing.
    Classic mistakes: the mean, the median, numpy's interpolating default, a rank rounded down
    or to the closest (numpy's `lower`/`nearest`), q = 0.99, seconds, the p99.9, and a verdict
    read from the mean (slo_holds = True).
    """
    sample = slo_sample()
    expected_p99 = percentile(sample, 99)
    p99_ms = require_number(p99_ms, "p99_ms")
    if not close_at_precision(p99_ms, expected_p99, 1):
        hint = next((h for h, value in _slo_mistakes(sample).items()
                     if close_at_precision(p99_ms, value, 1)),
                    "Use your nearest_rank_percentile from task 1 on latencies_ms, with q = 99.")
        raise Fail(f"p99_ms is {p99_ms:g}; the nearest-rank p99 of the sample is not that.", hint)
    holds = require_bool(slo_holds, "slo_holds")
    if holds != (expected_p99 <= SLO_MS):
        hint = ("The mean is well under 250 ms, but the SLO is about the p99: compare p99_ms with "
                "the SLO." if holds else "Compare p99_ms with 250 ms again.")
        raise Fail(f"slo_holds is {holds}, but the p99 is {expected_p99:g} ms.", hint)
    return (f"p99 = {expected_p99:g} ms > {SLO_MS:g} ms: the SLO is broken, although the mean "
            f"is only {sample.mean():.0f} ms.")


# --- Task 4: the largest batch size within a p99 SLO ---------------------------------------------

#: Task 4's server: Huyen's service line (7.5 + 0.25 b ms), 1,000 requests/s, a 100 ms wait.
BATCHING_TASK = MappingProxyType(dict(arrival_rate_per_s=1_000, max_wait_ms=100.0,
                                      n_requests=20_000, seed=0, **HUYEN_SERVICE))
BATCH_SIZES = (4, 8, 12, 16, 24, 32, 48, 64, 96, 128)
#: 45 ms, where each classic mistake gives its own size: the p99 allows 24, the p90 32, the
#: p99.9 16, the mean and the median 48.
BATCHING_SLO_MS = 45.0


@functools.lru_cache(maxsize=1)
def _batching_stats() -> dict:
    """{batch size: {statistic: ms}} of task 4's server, simulated here."""
    stats = {}
    for b in BATCH_SIZES:
        run = simulate_server(max_batch_size=b, **BATCHING_TASK)
        stats[b] = {"p99": run.percentile_ms(99), "p90": run.percentile_ms(90),
                    "p99.9": run.percentile_ms(99.9), "mean": run.mean_latency_ms,
                    "median": run.percentile_ms(50)}
    return stats


def _largest_within(statistic: str) -> int:
    return max(b for b, s in _batching_stats().items() if s[statistic] <= BATCHING_SLO_MS)


@task("4", "largest batch size within the SLO")
def check_largest_batch(max_batch_size):
    """The learner's largest max_batch_size whose simulated p99 is within 45 ms.

    Classic mistakes, each with its own answer and hint: the largest size by the mean or the
    median (48), by the p90 (32), by the p99.9 (16), and a size within the SLO but not the
    largest (e.g. the one with the lowest p99, 12).
    """
    answer = require_number(max_batch_size, "best_batch_size")
    stats = _batching_stats()
    expected = _largest_within("p99")
    if answer == expected:
        return (f"max_batch_size = {expected}: p99 = {stats[expected]['p99']:.1f} ms; the next "
                f"size up breaks the {BATCHING_SLO_MS:g} ms SLO.")
    if answer not in stats:
        raise Fail(f"{answer:g} is not one of the candidate sizes {BATCH_SIZES}.",
                   "Choose one of checks.BATCH_SIZES.")
    size = int(answer)
    at = stats[size]
    if size == _largest_within("mean") or size == _largest_within("median"):
        raise Fail(f"At {size} the mean latency is {at['mean']:.1f} ms and the median "
                   f"{at['median']:.1f} ms, but the p99 is {at['p99']:.1f} ms.",
                   "The SLO is on the p99, not the mean or the median.")
    if size == _largest_within("p90"):
        raise Fail(f"At {size} the p90 is {at['p90']:.1f} ms, within the SLO, but the p99 is "
                   f"{at['p99']:.1f} ms.", "The SLO is on the p99: percentile_ms(99), not 90.")
    if at["p99"] <= BATCHING_SLO_MS:
        hint = ("The SLO is on the p99, which allows a larger size than the p99.9 does "
                "(percentile_ms(99), not 99.9)." if size == _largest_within("p99.9") else
                "The task asks for the largest size that still meets the SLO.")
        raise Fail(f"{size} keeps p99 within the SLO, but a larger size does too.", hint)
    raise Fail(f"At {size} the p99 is {at['p99']:.1f} ms, over the SLO.",
               f"Simulate every candidate and keep those with percentile_ms(99) <= "
               f"{BATCHING_SLO_MS:g}.")


# --- Task 5: read a tail off a figure, then fan it out ----------------------------------------

#: Task 5: a fraud-scoring request waits for 8 feature services like the one in the figure.
FANOUT_SERVERS = 8
SLOW_MS = 100.0
#: How far a reading of the figure may be from the true share (half a percentage point).
READING_TOLERANCE = 0.005


@functools.lru_cache(maxsize=1)
def _feature_service_ms() -> np.ndarray:
    # A lognormal body around 25 ms (all under 80 ms) and 4% of requests stuck for 0.15-1.5 s.
    rng = np.random.default_rng(53)
    body = rng.lognormal(np.log(25.0), 0.3, 4_800)
    stalls = rng.uniform(150.0, 1_500.0, 200)
    sample = rng.permutation(np.r_[body, stalls]).round(1)
    sample.flags.writeable = False
    return sample


def feature_service_sample() -> np.ndarray:
    """A copy of one feature service's day of latencies (ms), the data task 5's figure draws."""
    return _feature_service_ms().copy()


def plot_feature_service():
    """Draw task 5's figure: the tail of one feature service's latency; return its Axes."""
    from mlsys.latency import plot_tail_curve

    return plot_tail_curve(_feature_service_ms(),
                           title="One feature service, one day: the share of requests slower "
                                 "than each latency")


def _slow_share() -> float:
    return float(np.mean(_feature_service_ms() > SLOW_MS))


@task("5", "read the tail, then fan it out")
def check_fanout(slow_share, fanout_slow):
    """The share of one service's requests slower than 100 ms, read off the figure (within half
    a percentage point of the true 4%), and the share of requests to 8 such services that wait
    for at least one of them, 1 - (1 - s)^8 computed from the learner's own reading s, to three
    decimals.

    Classic mistakes, each with its own answer and hint. Reading: the share at or under 100 ms
    (0.96), a percent (4), the top of the axis (0.1). Fan-out: N x s (0.32 for s = 0.04), the
    share that meets no slow service (1 - s)^N (0.721), one service's share s (0.04), the
    Poisson approximation 1 - e^(-N s) (0.274), a percent (27.9).
    """
    share = require_number(slow_share, "slow_share")
    truth = _slow_share()
    if abs(share - truth) > READING_TOLERANCE:
        readings = {
            "That is the share at or under 100 ms; the question asks for the share slower.":
                1 - truth,
            "That looks like a percent; give the share as a fraction (4.5% is 0.045).":
                truth * 100,
            "That is the top of the share axis; follow the curve to 100 ms and read the share "
            "there.": 0.1,
        }
        hint = next((h for h, value in readings.items()
                     if abs(share - value) <= READING_TOLERANCE * max(1, value)),
                    "Find 100 ms on the horizontal axis, go up to the curve and read the share "
                    "on the vertical axis.")
        raise Fail(f"slow_share is {share:g}; that is not what the figure shows at 100 ms "
                   "(within half a percentage point).", hint)
    answer = require_number(fanout_slow, "fanout_slow")
    n = FANOUT_SERVERS
    expected = fanout_slow_probability(n, share)
    if close_at_precision(answer, expected, 3):
        return (f"The figure shows {truth:.0%} slower than 100 ms; from your {share:g}, "
                f"1 - (1 - {share:g})^{n} = {expected:.3f}: about {expected / share:.1f} times "
                "one service's share, not 8 times.")
    mistakes = {
        (f"N x s adds the chances as if slow services never coincided; it counts twice every "
         f"request that meets two. Compute the chance that all {n} are fast, then its "
         "complement."): n * share,
        "That is the share that meets no slow service; the question asks for the complement.":
            1 - expected,
        f"That is one service's share; the request waits for all {n}.": share,
        ("That is the Poisson approximation 1 - e^(-N s); the task asks for the exact share."):
            1 - math.exp(-n * share),
        "That is a percent; give the share as a fraction between 0 and 1.": expected * 100,
    }
    hint = next((h for h, value in mistakes.items() if close_at_precision(answer, value, 3)),
                "Each service is fast with probability 1 - s, independently of the others.")
    raise Fail(f"fanout_slow is {answer:g}; that is not the share of requests that meet at "
               f"least one slow service, from your reading {share:g} (to three decimals).", hint)


# --- Task 6: hedging within a load budget --------------------------------------------------------

#: Task 6: a payments API's replicas (about 40 ms, 1.5% of requests held 0.3-3 s by a lock),
#: the percentiles after which a copy may be sent, and the extra load the replicas can take.
HEDGE_TASK = MappingProxyType(dict(fast_median_ms=40.0, fast_sigma=0.25, stall_probability=0.015,
                                   stall_ms=(300.0, 3_000.0)))
HEDGE_CANDIDATES = (90, 95, 97, 98, 99)
LOAD_BUDGET = 0.025


@functools.lru_cache(maxsize=1)
def _hedging_runs() -> dict:
    return MappingProxyType({q: simulate_hedged_requests(hedge_after_q=q, seed=0, **HEDGE_TASK)
                             for q in HEDGE_CANDIDATES})


@task("6", "hedge within a load budget")
def check_hedging(hedge_after_q, hedged_p99_ms):
    """The candidate percentile with the lowest hedged p99 among those whose extra load is at most
    LOAD_BUDGET, and that p99 (ms, to the nearest ms), from
    ``simulate_hedged_requests(hedge_after_q=q, seed=0, **HEDGE_TASK)``.

    Classic mistakes: a candidate over the budget (the chapter's p95, or the p97 whose 3% is just
    over), the cheapest one (p99, which cannot help the p99 when 1.5% of requests stall), q as a
    fraction (0.98); for the p99, the unhedged p99, the hedged p99.9, the hedged median and the
    hedging threshold.
    """
    q = require_number(hedge_after_q, "hedge_after_q")
    if q not in HEDGE_CANDIDATES:
        hint = (f"q is in percent: {q * 100:g}, not {q:g}." if q * 100 in HEDGE_CANDIDATES else
                "Choose one of checks.HEDGE_CANDIDATES.")
        raise Fail(f"hedge_after_q should be one of {HEDGE_CANDIDATES}; got {q:g}.", hint)
    runs = _hedging_runs()
    within = {c: run for c, run in runs.items() if run.extra_load <= LOAD_BUDGET}
    best = min(within, key=lambda c: within[c].hedged_p99_ms)
    chosen = runs[q]
    if chosen.extra_load > LOAD_BUDGET:
        raise Fail(f"Hedging after the p{q:g} sends a copy for {chosen.extra_load:.1%} of "
                   f"requests, over the budget of {LOAD_BUDGET:.1%}.",
                   "The extra load is the share of requests slower than the threshold: keep the "
                   "candidates whose extra_load is within the budget first.")
    if q != best:
        hint = (f"A copy only helps the requests slower than the threshold: hedging after the "
                f"p{q:g} leaves the p99 at {chosen.hedged_p99_ms:.0f} ms."
                if chosen.hedged_p99_ms >= 0.9 * chosen.unhedged_p99_ms else
                "Compare hedged_p99_ms of every candidate within the budget.")
        raise Fail(f"Hedging after the p{q:g} keeps the budget, but another candidate within it "
                   "gives a lower p99.", hint)
    answer = require_number(hedged_p99_ms, "hedged_p99_ms")
    if not close_at_precision(answer, chosen.hedged_p99_ms, 0):
        mistakes = {"That is the p99 without hedging.": chosen.unhedged_p99_ms,
                    "That is the hedged p99.9; the task asks for the p99.": chosen.hedged_p999_ms,
                    "That is the hedged median (p50); the task asks for the p99.":
                        chosen.hedged_p50_ms,
                    "That is the hedging threshold, not the p99 it gives.": chosen.hedge_after_ms}
        hint = next((h for h, value in mistakes.items() if close_at_precision(answer, value, 0)),
                    "Read hedged_p99_ms of the run you chose (seed=0, **checks.HEDGE_TASK).")
        raise Fail(f"hedged_p99_ms is {answer:g}; the p99 with hedging after the p{q:g} is not "
                   "that.", hint)
    return (f"Hedging after the p{q:g} ({chosen.hedge_after_ms:.1f} ms) sends "
            f"{chosen.extra_load:.0%} more requests and cuts the p99 from "
            f"{chosen.unhedged_p99_ms:.0f} to {chosen.hedged_p99_ms:.0f} ms.")


# --- Task 7: which SLO (a decision, then a written argument) -------------------------------------

#: Task 7a's choices, each with the task text's own words and other spellings a learner may use.
SLO_CHOICES = MappingProxyType({
    "p99 at most 200 ms": ("p99", "p99 <= 200 ms", "p99 ≤ 200 ms", "p99 latency at most 200 ms",
                           "99th percentile", "the p99", "p99 slo", "p99 at most 200"),
    "mean at most 100 ms": ("mean", "average", "mean <= 100 ms", "mean ≤ 100 ms",
                            "mean latency at most 100 ms", "the mean", "mean slo"),
    "p50 at most 100 ms": ("p50", "median", "p50 <= 100 ms", "p50 ≤ 100 ms",
                           "median at most 100 ms", "the median", "p50 slo"),
    "max at most 1,000 ms": ("max", "maximum", "max <= 1000 ms", "max ≤ 1,000 ms",
                             "max at most 1000 ms", "the slowest request", "max slo"),
})


@task("7a", "the SLO to propose")
def check_slo_decision(decision):
    """The learner's choice among SLO_CHOICES for the recommender: the p99 SLO.

    Classic mistakes, each with its hint: the mean (task 3's sample meets it while its tail is
    broken), the median (blind to the tail) and the max (one pathological request breaks it, and
    the more requests, the surer).
    """
    choice = require_choice(decision, SLO_CHOICES, "decision")
    if choice == "mean at most 100 ms":
        raise Fail("A mean SLO can hold while the tail is broken: 98 requests of 80 ms and 2 "
                   "stalls of 600 ms average 90.4 ms.",
                   "The many fast requests pull the mean down; the slow ones fall on the heaviest "
                   "users. Which SLO bounds what they wait?")
    if choice == "p50 at most 100 ms":
        raise Fail("The median says nothing about the slowest half: if 2 requests in 100 "
                   "stalled for a second, or for a minute, the median would not move.",
                   "The users who matter most are in the tail. Which SLO looks at it?")
    if choice == "max at most 1,000 ms":
        raise Fail("One pathological request (Huyen's 3,000 ms among ten) breaks a max SLO, and "
                   "the more requests an hour serves, the surer one of them is that slow.",
                   "An objective should bound what nearly every request sees while staying "
                   "stable from one hour to the next. Which one does that?")
    return ("p99 at most 200 ms: at least 99% of requests within 200 ms, a bound on the tail "
            "where the heaviest users are. Now argue it (task 7b).")


SLO_ARGUMENT_RUBRIC = (
    "Chooses the p99 SLO and says what it promises: at least 99% of requests within 200 ms, "
    "with the percentile's definition (the nearest rank) and the sample it is read on stated.",
    "Shows with a number that a mean can meet its target while the tail breaks (task 3's "
    "sample: its mean against its p99).",
    "Says who is in the tail: not random requests but the heaviest, most valuable users (long "
    "histories mean more feature lookups), so a mean SLO lets their experience rot unnoticed.",
    "Rejects the median (blind to the tail) and the max (one pathological request breaks it; "
    "it measures sample size and luck, not the service).",
    "Speaks to a product manager: what the SLO costs and protects (revenue from the heaviest "
    "users; at fan-out, a component's p99 sets the request's median).",
)

SLO_ARGUMENT_MODEL = (
    "Choose the p99 SLO. A mean under 100 ms can hide a broken tail, as the sample of task 3 "
    "shows: the many fast requests pull the average down. The slowest requests come from the heaviest, most "
    "valuable users, so a mean SLO lets their experience rot unnoticed; the median ignores them "
    "altogether and a max is broken by one pathological request. A p99 SLO bounds what 99% of "
    "requests see and makes the team fix the causes of slowness.")

check_slo_argument = written_task("7b", "why that SLO (written argument)",
                                  rubric=SLO_ARGUMENT_RUBRIC, model_answer=SLO_ARGUMENT_MODEL,
                                  min_words=60)


# --- Task 8: the users' p99, on the client's clock ------------------------------------------------

#: Task 8's network leg: a fresh connection (TCP and TLS handshakes, then the request: three round
#: trips) of median 25 ms each, 0.4% of exchanges lost, the chapter's 200 ms timeout.
NETWORK_TASK = MappingProxyType(dict(round_trips=3, rtt_median_ms=25.0, loss_probability=0.004,
                                     seed=11))
#: Where each classic mistake gives its own verdict or number: the server's p99, the network's,
#: the server's p99 plus a typical network leg and the chapter's default leg all meet it; the
#: users' p99 does not.
CLIENT_SLO_MS = 300.0


def server_side_sample() -> np.ndarray:
    """Task 8's server-side latencies (ms, one decimal): 5,000 requests timed on the server."""
    rng = np.random.default_rng(11)
    return rng.lognormal(np.log(60), 0.35, 5_000).round(1)


def _client_legs(**network):
    return add_network_leg(server_side_sample(), **(dict(NETWORK_TASK) | network))


def _client_slo_mistakes() -> dict:
    """Task 8's classic wrong p99s, each with its hint."""
    server = server_side_sample()
    legs = _client_legs()
    return {
        ("That is the server-side p99: the server's clock, which sees no round trip and no "
         "retransmission. The SLO is on what users wait: add_network_leg(...).client_ms."):
            percentile(server, 99),
        ("That is the server's p99 plus the network's p99. Percentiles do not add: the slowest "
         "answers and the slowest round trips seldom fall on the same requests. Take the p99 of "
         "client_ms itself."): percentile(server, 99) + percentile(legs.network_ms, 99),
        ("That is the server's p99 plus a typical (median) network leg. The network has a tail "
         "of its own, and its retransmissions reach the p99: take the p99 of client_ms."):
            percentile(server, 99) + float(np.median(legs.network_ms)),
        "That is the p99 of the network leg alone; the users wait for the server too.":
            percentile(legs.network_ms, 99),
        ("That is add_network_leg with its default settings; pass the task's network, "
         "**checks.NETWORK_TASK (three round trips of median 25 ms, 0.4% loss, seed 11)."):
            percentile(add_network_leg(server).client_ms, 99),
        "That is the median (p50) of client_ms; the SLO is on the p99.":
            percentile(legs.client_ms, 50),
        "That is the p99.9 of client_ms; the SLO is on the p99.": percentile(legs.client_ms, 99.9),
    }


@task("8", "the users' p99 SLO verdict")
def check_client_slo(client_p99_ms, slo_holds):
    """The learner's nearest-rank p99 (ms, to one decimal) of the client-side latencies of task 8
    and whether it meets the 300 ms SLO.

    The server-side sample and the network leg are regenerated here. Classic mistakes, each with
    its own number: the server-side p99, the sum of the server's and the network's p99s, the
    server's p99 plus the median network leg, the network's p99 alone, the chapter's default
    network leg, the client's p50 and p99.9; and a verdict read from the server's clock
    (slo_holds = True).
    """
    legs = _client_legs()
    expected = percentile(legs.client_ms, 99)
    answer = require_number(client_p99_ms, "client_p99_ms")
    if not close_at_precision(answer, expected, 1):
        hint = next((h for h, value in _client_slo_mistakes().items()
                     if close_at_precision(answer, value, 1)),
                    "legs = add_network_leg(server_ms, **checks.NETWORK_TASK), then the "
                    "nearest-rank p99 of legs.client_ms.")
        raise Fail(f"client_p99_ms is {answer:g}; the nearest-rank p99 of the users' latencies "
                   "is not that.", hint)
    holds = require_bool(slo_holds, "slo_holds")
    if holds != (expected <= CLIENT_SLO_MS):
        hint = (f"The server-side p99 is well under {CLIENT_SLO_MS:g} ms, but the SLO is on the "
                "users' clock: compare client_p99_ms with the SLO." if holds
                else f"Compare client_p99_ms with {CLIENT_SLO_MS:g} ms again.")
        raise Fail(f"slo_holds is {holds}, but the users' p99 is {expected:.1f} ms.", hint)
    return (f"The users' p99 is {expected:.1f} ms > {CLIENT_SLO_MS:g} ms: the SLO fails, while "
            f"the server's own p99 is {percentile(server_side_sample(), 99):.1f} ms. "
            f"{legs.retransmit_share:.1%} of requests waited for a retransmission, more than the "
            "1% a p99 leaves out.")
