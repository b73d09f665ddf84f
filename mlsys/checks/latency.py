"""Checks for the latency chapter's exercises (exercises/03_latency.ipynb)."""

from __future__ import annotations

import functools

import numpy as np

from mlsys.checks import (Fail, require_answer, require_bool, require_function, require_key_ideas,
                          require_number, require_returned, require_text, task)
from mlsys.latency import (HUYEN_LATENCIES_MS, fanout_slow_probability, percentile,
                           simulate_hedged_requests)
from mlsys.queueing import HUYEN_SERVICE, simulate_server

#: Samples and percentiles the nearest-rank function is tried on: (values, q).
PERCENTILE_CASES = (
    (HUYEN_LATENCIES_MS, 90),
    (HUYEN_LATENCIES_MS, 50),
    (HUYEN_LATENCIES_MS, 100),
    ((5, 1, 4, 2, 3, 9, 7), 25),
    (tuple(np.random.default_rng(3).lognormal(3, 1, 200).round(2)), 99),
    (tuple(np.random.default_rng(4).lognormal(3, 1, 1001).round(2)), 50),
)


@task("1", "nearest-rank percentile")
def check_nearest_rank_percentile(function):
    """Try the learner's ``function(values, q)`` on several samples against the nearest rank."""
    require_function(function, "nearest_rank_percentile")
    for values, q in PERCENTILE_CASES:
        expected = percentile(values, q)
        got = function(list(values), q)
        require_returned(got, "nearest_rank_percentile")
        got = require_number(got, f"the value returned for q = {q}")
        if got != expected:
            sample = f"{list(values)}" if len(values) <= 10 else f"a sample of {len(values)} values"
            raise Fail(f"For {sample} and q = {q} you returned {got:g}; the nearest rank is "
                       f"{expected:g}.", _percentile_hint(function))
    return f"It matches the nearest rank on all {len(PERCENTILE_CASES)} test samples."


# A sample on which the classic mistakes give four different answers (the nearest rank is 20).
_DIAGNOSTIC_VALUES, _DIAGNOSTIC_Q = [50, 10, 40, 20, 30], 40
_MISTAKES = {
    26.0: ("That is numpy's default, which interpolates between neighbours. The nearest rank "
           "never interpolates: sort, then take the value at rank ceil(q * n / 100)."),
    30.0: "Off by one: rank r (counting from 1) is index r - 1 in Python.",
    10.0: "Did you sort the values first? Ranks count in sorted order.",
}


def _percentile_hint(function) -> str:
    try:
        diagnosis = float(function(list(_DIAGNOSTIC_VALUES), _DIAGNOSTIC_Q))
    except Exception:
        diagnosis = None
    return _MISTAKES.get(diagnosis, "Sort the values, compute the rank ceil(q * n / 100), "
                                    "return the value at that rank.")


@task("2", "numpy's name for the nearest rank")
def check_numpy_method(method):
    """The learner names numpy's `method=` that equals the nearest rank."""
    require_answer(method, "numpy_method")
    if not isinstance(method, str):
        raise Fail(f"numpy_method should be a string such as 'linear'; got {type(method).__name__}.")
    try:
        agrees = all(np.percentile(v, q, method=method) == percentile(v, q)
                     for v, q in PERCENTILE_CASES)
    except (ValueError, TypeError):
        raise Fail(f"{method!r} is not one of numpy.percentile's methods.",
                   "See the `method` parameter in numpy.percentile's documentation.") from None
    if not agrees:
        raise Fail(f"method={method!r} gives other values than the nearest rank on some samples.",
                   "'nearest' rounds to the closest rank, which is not the same thing. Look for "
                   "the method that inverts the empirical distribution function.")
    return f"method={method!r} is the nearest rank (Hyndman & Fan's definition 1)."


def slo_sample() -> np.ndarray:
    """The latency sample (ms) of task 3: a fast body and 2% of stalls."""
    rng = np.random.default_rng(7)
    body_ms = rng.lognormal(np.log(80), 0.3, 980)
    stalls_ms = rng.uniform(300, 900, 20)
    return rng.permutation(np.concatenate([body_ms, stalls_ms])).round(1)


SLO_MS = 250.0


@task("3", "p99 SLO verdict")
def check_slo_verdict(p99_ms, slo_holds):
    """The learner's nearest-rank p99 of `slo_sample()` and whether it meets the 250 ms SLO."""
    sample = slo_sample()
    expected_p99 = percentile(sample, 99)
    p99_ms = require_number(p99_ms, "p99_ms")
    if p99_ms != expected_p99:
        if np.isclose(p99_ms, sample.mean()):
            hint = "That is the mean. The p99 is a percentile of the sample."
        elif np.isclose(p99_ms, np.percentile(sample, 99)):
            hint = "That is numpy's interpolating default; the book's p99 is the nearest rank."
        else:
            hint = "Use your nearest_rank_percentile from task 1 (or mlsys.latency.percentile)."
        raise Fail(f"p99_ms is {p99_ms:g}; the nearest-rank p99 of the sample is not that.", hint)
    holds = require_bool(slo_holds, "slo_holds")
    if holds != (expected_p99 <= SLO_MS):
        hint = ("The mean is well under 250 ms, but the SLO is about the p99: compare p99_ms with "
                "the SLO." if holds else "Compare p99_ms with 250 ms again.")
        raise Fail(f"slo_holds is {holds}, but the p99 is {expected_p99:g} ms.", hint)
    return (f"p99 = {expected_p99:g} ms > {SLO_MS:g} ms: the SLO is broken, although the mean "
            f"is only {sample.mean():.0f} ms.")


#: Task 4's server: Huyen's service line (7.5 + 0.25 b ms), 1,000 requests/s, a 100 ms wait.
BATCHING_TASK = dict(arrival_rate_per_s=1_000, max_wait_ms=100.0, n_requests=20_000, seed=0,
                     **HUYEN_SERVICE)
BATCH_SIZES = (4, 8, 12, 16, 24, 32, 48, 64, 96, 128)
BATCHING_SLO_MS = 60.0


def _p99_by_batch_size() -> dict:
    return {b: simulate_server(max_batch_size=b, **BATCHING_TASK).percentile_ms(99)
            for b in BATCH_SIZES}


@task("4", "largest batch size within the SLO")
def check_largest_batch(max_batch_size):
    """The learner's largest max_batch_size whose simulated p99 is within 60 ms."""
    answer = require_number(max_batch_size, "best_batch_size")
    p99_ms = _p99_by_batch_size()
    within = [b for b, p99 in p99_ms.items() if p99 <= BATCHING_SLO_MS]
    expected = max(within)
    if answer == expected:
        return (f"max_batch_size = {expected}: p99 = {p99_ms[expected]:.1f} ms; the next size up "
                f"breaks the {BATCHING_SLO_MS:g} ms SLO.")
    if answer not in p99_ms:
        raise Fail(f"{answer:g} is not one of the candidate sizes {BATCH_SIZES}.")
    if answer in within:
        raise Fail(f"{answer:g} keeps p99 within the SLO, but a larger size does too.",
                   "The task asks for the largest size that still meets the SLO.")
    runs = {b: simulate_server(max_batch_size=b, **BATCHING_TASK) for b in (answer,)}
    mean_ms = runs[answer].mean_latency_ms
    if mean_ms <= BATCHING_SLO_MS:
        raise Fail(f"At {answer:g} the mean latency is {mean_ms:.1f} ms, but the p99 is "
                   f"{p99_ms[answer]:.1f} ms.", "The SLO is on the p99, not the mean.")
    raise Fail(f"At {answer:g} the p99 is {p99_ms[answer]:.1f} ms, over the SLO.",
               "Simulate every candidate and keep those with percentile_ms(99) <= 60.")


@task("5", "fan-out probability")
def check_fanout(probability):
    """The learner's chance that a request to 200 servers, each slow 0.5% of the time, is slow."""
    answer = require_number(probability, "p_slow_request")
    n_servers, p_slow = 200, 0.005
    expected = fanout_slow_probability(n_servers, p_slow)
    if abs(answer - expected) <= 5e-4:
        return f"1 - (1 - {p_slow})^{n_servers} = {expected:.3f}."
    if np.isclose(answer, n_servers * p_slow):
        hint = ("N x p adds the chances as if slow servers never coincided; it double-counts and "
                "can exceed 1. Compute the chance that all servers are fast, then its complement.")
    elif np.isclose(answer, 1 - expected):
        hint = "That is the chance that every server is fast; the question asks for the complement."
    elif not 0 <= answer <= 1:
        hint = "A probability lies between 0 and 1."
    else:
        hint = "Each server is fast with probability 1 - p, independently of the others."
    raise Fail(f"p_slow_request is {answer:g}; that is not the chance of at least one slow server.",
               hint)


#: Task 6: the percentiles after which a copy may be sent, and the extra load the servers can take.
HEDGE_CANDIDATES = (50, 75, 90, 95, 98, 99)
LOAD_BUDGET = 0.03


@functools.lru_cache(maxsize=1)
def _hedging_runs() -> dict:
    return {q: simulate_hedged_requests(hedge_after_q=q, seed=0) for q in HEDGE_CANDIDATES}


@task("6", "hedge within a load budget")
def check_hedging(hedge_after_q, hedged_p99_ms):
    """The candidate percentile with the lowest hedged p99 among those whose extra load is at most
    LOAD_BUDGET, and that p99 (ms), from ``simulate_hedged_requests(hedge_after_q=q, seed=0)``."""
    q = require_number(hedge_after_q, "hedge_after_q")
    if q not in HEDGE_CANDIDATES:
        raise Fail(f"hedge_after_q should be one of {HEDGE_CANDIDATES}; got {q:g}.")
    runs = _hedging_runs()
    within = {c: run for c, run in runs.items() if run.extra_load <= LOAD_BUDGET}
    best = min(within, key=lambda c: within[c].hedged_p99_ms)
    chosen = runs[q]
    if chosen.extra_load > LOAD_BUDGET:
        raise Fail(f"Hedging after the p{q:g} sends a copy for {chosen.extra_load:.1%} of "
                   f"requests, over the budget of {LOAD_BUDGET:.0%}.",
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
    if abs(answer - chosen.hedged_p99_ms) > 0.5:
        mistakes = {"That is the p99 without hedging.": chosen.unhedged_p99_ms,
                    "That is the hedged p99.9; the task asks for the p99.": chosen.hedged_p999_ms,
                    "That is the hedging threshold, not the p99 it gives.": chosen.hedge_after_ms}
        hint = next((h for h, value in mistakes.items() if abs(answer - value) <= 0.5),
                    "Read hedged_p99_ms of the run you chose (seed=0).")
        raise Fail(f"hedged_p99_ms is {answer:g}; the p99 with hedging after the p{q:g} is not "
                   "that.", hint)
    return (f"Hedging after the p{q:g} ({chosen.hedge_after_ms:.1f} ms) sends "
            f"{chosen.extra_load:.0%} more requests and cuts the p99 from {chosen.unhedged_p99_ms:.0f} to "
            f"{chosen.hedged_p99_ms:.0f} ms.")


KEY_IDEAS = {
    "the tail (p99, percentile, tail)": ("p99", "percentile", "tail"),
    "the mean hides it (mean, average)": ("mean", "average"),
    "who is affected (user, customer)": ("user", "customer"),
}


@task("7", "why a p99 SLO (open question)")
def check_open_answer(text):
    """A written argument of at least 60 words that touches the tail, the mean and the users."""
    text = require_text(text, "answer_p99_slo", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "A convincing answer says what a mean SLO hides and who pays for it.")
    return ("Your argument is long enough and touches the tail, the mean and the users. "
            "Compare it with the model answer in the solution notebook.")
