"""Claims ledger of chapter 03 (latency): every sentence of its prose, and of its solution
notebook, that the book's own code re-derives.

Seeded claims re-run the notebook's simulation on its own seed and on the 20 seeds of the ledger;
measured claims time the models afresh and check only what a busy machine cannot overturn.
"""

import math
from functools import lru_cache

import nbformat
import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

import ledger
from ledger import ROOT, Claim
from mlsys.checks import latency as checks
from mlsys.latency import (HUYEN_LATENCIES_MS, compare_percentile_definitions,
                           add_network_leg, fanout_slow_probability, percentile, percentiles,
                           retransmit_share,
                           simulate_fanout, simulate_fanout_latency, simulate_hedged_requests,
                           simulate_user_latencies,
                           tail_share, time_single_predictions_ms)
from mlsys.queueing import (HUYEN_SERVICE, batch_capacity_per_s, fit_batch_service,
                            mm1_latency_percentile_ms, mm1_mean_latency_ms, simulate_server)

CHAPTER = "chapters/03_latency.ipynb"
SOLUTION = "solutions/03_latency.ipynb"


# --- Section 1: a real model, held out and measured ------------------------------------------

@lru_cache(maxsize=None)
def held_out(seed):
    """The notebook's data, split and models on `seed`: (X_test, accuracy by model)."""
    X, y = make_classification(n_samples=10_000, n_features=20, n_informative=10,
                               random_state=seed)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=seed)
    models = {"linear": LogisticRegression(max_iter=1_000),
              "trees": HistGradientBoostingClassifier(random_state=seed)}
    accuracy = {name: model.fit(X_train, y_train).score(X_test, y_test)
                for name, model in models.items()}
    return X_test, accuracy, models


@lru_cache(maxsize=None)
def measured(run):
    """Nearest-rank percentiles (ms) of the two models, timed afresh as the notebook does."""
    X_test, _, models = held_out(0)
    return {name: percentiles(time_single_predictions_ms(model.predict_proba, X_test,
                                                         n_requests=2_000))
            for name, model in models.items()}


def median_ratio(run):
    timing = measured(run)
    return timing["trees"][50] / timing["linear"][50]


# --- Section 3: who is in the tail -----------------------------------------------------------

@lru_cache(maxsize=None)
def revenue_share_with(seed, elasticity, lookup_ms):
    users = simulate_user_latencies(n_requests=50_000, seed=seed, revenue_elasticity=elasticity,
                                    lookup_ms_per_item=lookup_ms)
    return tail_share(users.latency_ms, users.revenue_usd, q=99)


@lru_cache(maxsize=None)
def revenue_share(seed, elasticity=0.5, q=99):
    users = simulate_user_latencies(n_requests=50_000, seed=seed, revenue_elasticity=elasticity)
    return tail_share(users.latency_ms, users.revenue_usd, q=q)


USER_DEFAULTS = simulate_user_latencies.__kwdefaults__


@lru_cache(maxsize=None)
def tail_ratio(seed, elasticity, lookup_ms):
    """The explorer's user model: the tail's share of revenue over its share of requests."""
    users = simulate_user_latencies(n_requests=50_000, seed=seed, revenue_elasticity=elasticity,
                                    lookup_ms_per_item=lookup_ms)
    in_tail = np.mean(users.latency_ms >= percentile(users.latency_ms, 99))
    return tail_share(users.latency_ms, users.revenue_usd, q=99) / in_tail


def grows_with_both_links(seed):
    """With both links on, the tail's ratio rises along each link of the explorer's grid."""
    grid = [[tail_ratio(seed, e, lookup) for lookup in (0.01, 0.03, 0.1)] for e in (0.25, 0.5, 1)]
    rows = all(row == sorted(row) for row in grid)
    columns = all(list(column) == sorted(column) for column in zip(*grid))
    return rows and columns


# --- Section 4: the simulator and batching ---------------------------------------------------

MM1 = dict(arrival_rate_per_s=800, service_rate_per_s=1_000)


@lru_cache(maxsize=None)
def mm1_run(seed):
    return simulate_server(800, n_requests=1_000_000, service_fixed_ms=0,
                           service_per_item_ms=1.0, service_distribution="exponential",
                           seed=seed)


def mm1_worst_relative_error(seed):
    run = mm1_run(seed)
    errors = [abs(run.mean_latency_ms / mm1_mean_latency_ms(**MM1) - 1)]
    errors += [abs(run.percentile_ms(q) / mm1_latency_percentile_ms(q, **MM1) - 1)
               for q in (50, 90, 99)]
    return max(errors)


def mean_in_system(run):
    """Time-average number of requests in the system (the notebook's function)."""
    events_ms = np.concatenate([run.arrival_ms, run.departure_ms])
    order = np.argsort(events_ms, kind="stable")
    in_system = np.cumsum(np.repeat([1, -1], run.n_requests)[order])[:-1]
    return np.sum(in_system * np.diff(events_ms[order])) / np.ptp(events_ms)


@lru_cache(maxsize=None)
def full_batches(seed):
    """Relative errors of the fill wait and of Little's law with full batches of 8."""
    run = simulate_server(500, n_requests=200_000, max_batch_size=8, max_wait_ms=1e9,
                          seed=seed, **HUYEN_SERVICE)
    fill_error = abs(run.batch_wait_ms.mean() / ((8 - 1) / (2 * 500) * 1_000) - 1)
    little_error = abs(mean_in_system(run) / (500 / 1_000 * run.mean_latency_ms) - 1)
    return bool((run.batch_size == 8).all()), fill_error, little_error


@lru_cache(maxsize=None)
def batching(seed, size, rate=1_000, wait_ms=10):
    run = simulate_server(rate, n_requests=20_000, max_batch_size=size, max_wait_ms=wait_ms,
                          seed=seed, **HUYEN_SERVICE)
    parts = {part: float(getattr(run, part).mean())
             for part in ("batch_wait_ms", "queue_ms", "service_ms")}
    return dict(p50=run.percentile_ms(50), p99=run.percentile_ms(99),
                utilisation=run.utilisation, mean_batch=run.mean_batch_size,
                full_share=float(np.mean(run.batch_size == size)),
                arrivals_s=float(run.arrival_ms[-1]) / 1_000, **parts)


def overloaded(seed):
    return [batching(seed, size)["utilisation"] > 0.99 and batching(seed, size)["p99"] > 1_000
            for size in (1, 8)]


def low_load(seed, size, wait_ms):
    return batching(seed, size, rate=50, wait_ms=wait_ms)


# --- Section 5: fan-out and hedging ----------------------------------------------------------

def fanout_within_sampling_error(seed):
    n_requests = 20_000
    for n_servers in (1, 10, 100, 1_000):
        expected = fanout_slow_probability(n_servers, 0.01)
        standard_error = math.sqrt(expected * (1 - expected) / n_requests)
        simulated = simulate_fanout(n_servers, 0.01, n_requests=n_requests, seed=seed)
        if abs(simulated - expected) > max(3 * standard_error, 1 / n_requests):
            return False
    return True


@lru_cache(maxsize=None)
def hedged(seed, q=95):
    return simulate_hedged_requests(n_requests=100_000, hedge_after_q=q, seed=seed)


@lru_cache(maxsize=None)
def fanout_run(seed, n_servers, p_slow):
    """The fan-out explorer's simulation (2,000 requests, hedged after the p95)."""
    run = simulate_fanout_latency(n_servers, p_slow, seed=seed)
    return dict(p50=percentile(run.unhedged_ms, 50), p99=percentile(run.unhedged_ms, 99),
                hedged_p99=percentile(run.hedged_ms, 99), slow=run.unhedged_slow_share,
                hedged_slow=run.hedged_slow_share, load=run.extra_load,
                server_p50=percentile(run.server_ms, 50))


def hedging_verdict(seed):
    h = hedged(seed)
    return (round(h.extra_load, 2), h.hedged_p99_ms <= h.unhedged_p99_ms / 10,
            abs(h.hedged_p50_ms / h.unhedged_p50_ms - 1) <= 0.01)


# --- Section 6: where the clock starts ---------------------------------------------------------

NETWORK_DEFAULTS = add_network_leg.__kwdefaults__


@lru_cache(maxsize=None)
def server_side(seed):
    return simulate_server(1_000, n_requests=20_000, max_batch_size=16, max_wait_ms=10,
                           seed=seed, **HUYEN_SERVICE).latency_ms


@lru_cache(maxsize=None)
def client_side(seed, loss):
    legs = add_network_leg(server_side(seed), loss_probability=loss, seed=seed)
    return dict(p50=percentile(legs.client_ms, 50), p99=percentile(legs.client_ms, 99),
                p999=percentile(legs.client_ms, 99.9), share=legs.retransmit_share,
                network_p99=percentile(legs.network_ms, 99),
                server_unchanged=bool(np.array_equal(legs.server_ms, server_side(seed))))


def model_answer():
    cell = next(c for c in nbformat.read(ROOT / SOLUTION, as_version=4).cells
                if c.source.startswith("argument = None"))
    return " ".join(cell.source.split())


CLAIMS = [
    # Section 1
    Claim("held-out-rows", CHAPTER, words="2,500 rows neither model saw in training",
          derive=lambda: len(held_out(0)[0]), holds=lambda n: n == 2_500),
    Claim("trees-right-far-more-often", CHAPTER,
          words="On the held-out rows the trees are right far more often",
          derive=lambda seed: held_out(seed)[1],
          # far more often: at most half the linear model's errors on unseen rows
          holds=lambda acc: 1 - acc["trees"] <= (1 - acc["linear"]) / 2, seed=0),
    Claim("percentiles-climb", CHAPTER, words="percentiles climb with *q*",
          derive=lambda: measured(0),
          holds=lambda t: all(list(p.values()) == sorted(p.values()) for p in t.values())),
    Claim("trees-several-times-slower", CHAPTER,
          words="the trees are several times slower than the linear model at the median",
          derive=lambda: median_ratio(0), holds=lambda ratio: ratio >= 3),
    # Not "the ratio stays put": on CI, with another test worker busy beside it, two runs'
    # median ratios differed by a factor of 2. What every run shows is the ordering.
    Claim("median-ratio-on-a-rerun", CHAPTER,
          words="and they still do when you re-run the cell",
          derive=lambda: min(median_ratio(0), median_ratio(1)), holds=lambda ratio: ratio >= 3),

    # Section 2
    Claim("mean-390", CHAPTER, words="The mean, 390 ms, describes no request at all",
          derive=lambda: float(np.mean(HUYEN_LATENCIES_MS)), holds=lambda m: m == 390),
    Claim("nine-near-100", CHAPTER, words="nine took about 100 ms and one took 3,000 ms",
          derive=lambda: sorted(HUYEN_LATENCIES_MS),
          holds=lambda v: all(90 <= x <= 110 for x in v[:9]) and v[9] == 3_000),
    Claim("linear-399", CHAPTER, words="reports 399 ms,\na latency no request had",
          derive=lambda: compare_percentile_definitions(HUYEN_LATENCIES_MS, 90)["linear"],
          holds=lambda p90: round(p90, 6) == 399 and p90 not in HUYEN_LATENCIES_MS),
    Claim("higher-3000-nearest-110", CHAPTER,
          words="`higher` reports 3,000 ms; the nearest rank reports 110 ms",
          derive=lambda: compare_percentile_definitions(HUYEN_LATENCIES_MS, 90),
          holds=lambda d: d["higher"] == 3_000 and d["nearest rank (this book)"] == 110),
    Claim("huyen-p90-is-higher", CHAPTER, words="Her number is numpy's `higher`",
          derive=lambda: compare_percentile_definitions(HUYEN_LATENCIES_MS, 90),
          # 3,000 ms, her p90, comes from `higher` and from no other definition shown
          holds=lambda d: [name for name, value in d.items() if value == 3_000] == ["higher"]),
    Claim("inverted-cdf-slips", CHAPTER,
          words="its p99.9 of the numbers 1 to 1,000 is 1,000, not 999",
          derive=lambda: (float(np.percentile(np.arange(1, 1_001), 99.9, method="inverted_cdf")),
                          percentile(np.arange(1, 1_001), 99.9)),
          holds=lambda pair: pair == (1_000, 999)),
    Claim("p99-of-100-rests-on-one", CHAPTER,
          words="a p99 from 100 requests rests on one request",
          derive=lambda: int(np.sum(np.arange(1, 101) > percentile(np.arange(1, 101), 99))),
          holds=lambda above: above == 1),

    # Section 3
    Claim("user-model-parameters", CHAPTER,
          words="each item adds 0.1 ms of feature lookups to a base of about 20 ms",
          derive=lambda: (USER_DEFAULTS["lookup_ms_per_item"], USER_DEFAULTS["base_latency_ms"],
                          USER_DEFAULTS["median_history"]),
          holds=lambda d: d == (0.1, 20.0, 20)),
    Claim("four-times-history-twice-revenue", CHAPTER,
          words="a user with four times the median history brings twice the revenue per request",
          derive=lambda: 4 ** USER_DEFAULTS["revenue_elasticity"], holds=lambda r: r == 2),
    Claim("tail-four-times-its-share", CHAPTER,
          words="the tail carries about four times its share of revenue",
          derive=lambda seed: revenue_share(seed) / 0.01, holds=lambda x: 3.5 <= x <= 4.5,
          seed=0),
    Claim("no-dependence-one-percent", CHAPTER,
          words="with no dependence at all, the slowest 1% carry about 1% of revenue",
          derive=lambda seed: revenue_share(seed, elasticity=0),
          holds=lambda share: 0.008 <= share <= 0.012, seed=0),
    Claim("no-lookups-about-one-percent", CHAPTER,
          words="they carry about 1% of revenue whatever the elasticity",
          derive=lambda seed: [revenue_share_with(seed, e, 0) for e in (0, 0.25, 0.5, 1)],
          holds=lambda shares: all(0.008 <= share <= 0.012 for share in shares), seed=0),
    Claim("more-than-its-share-when-both-links", CHAPTER,
          words="The tail carries more than its share only when both links hold",
          # the "only" is the two claims before; with both links on, even the weakest pair of
          # the explorer's grid (0.25, 0.01 ms) puts more than its share of revenue in the tail
          derive=lambda seed: min(tail_ratio(seed, e, lookup) for e in (0.25, 0.5, 1)
                                  for lookup in (0.01, 0.03, 0.1)),
          holds=lambda ratio: ratio > 1.05, seed=0),
    Claim("stronger-either-link-larger-share", CHAPTER,
          words="the stronger either link, the larger the tail's share",
          derive=grows_with_both_links, holds=bool, seed=0),
    Claim("larger-growth-larger-share", CHAPTER,
          words="the larger that growth, the larger the tail's share",
          derive=lambda seed: [revenue_share(seed, elasticity=e) for e in (0, 0.5, 1)],
          holds=lambda shares: shares == sorted(shares) and len(set(shares)) == 3, seed=0),

    # Section 4
    Claim("huyen-line", CHAPTER, words="Two points fix a line,\n*s*(*b*) = 7.5 + 0.25·*b* ms",
          derive=lambda: fit_batch_service([10, 50], [10, 20]),
          holds=lambda line: np.allclose(line, (7.5, 0.25))
          and tuple(HUYEN_SERVICE.values()) == (7.5, 0.25)),
    Claim("huyen-capacities", CHAPTER,
          words="a batch of 10 queries in 10 ms,\nthat is 1,000 queries/s, and a batch of 50 in "
                "20 ms, 2,500 queries/s",
          derive=lambda: (batch_capacity_per_s(10), batch_capacity_per_s(50)),
          holds=lambda c: np.allclose(c, (1_000, 2_500))),
    Claim("mm1-within-a-few-percent", CHAPTER,
          words="Within a few percent, as the unit tests require",
          derive=mm1_worst_relative_error, holds=lambda error: error <= 0.05, seed=1),
    Claim("mm1-utilisation", CHAPTER, words="should be λ/μ = 0.8",
          derive=lambda seed: mm1_run(seed).utilisation,
          holds=lambda u: abs(u - 0.8) <= 0.01, seed=1),
    Claim("batched-path-agrees", CHAPTER, words="Both agree within a fraction of a percent",
          derive=full_batches,
          holds=lambda r: r[0] and r[1] < 0.01 and r[2] < 0.01, seed=1),
    Claim("single-request-capacity", CHAPTER,
          words="handles at most 1000/7.75 ≈ 129 requests/s",
          derive=lambda: batch_capacity_per_s(1), holds=lambda c: round(c) == 129),
    Claim("overloaded-at-1-and-8", CHAPTER,
          words="With batches of 1 or 8 the server is overloaded",
          derive=overloaded, holds=all, seed=0),
    Claim("twenty-seconds-of-arrivals", CHAPTER, words="20 seconds of arrivals",
          derive=lambda seed: batching(seed, 1)["arrivals_s"],
          holds=lambda s: 19 <= s <= 21, seed=0),
    Claim("keeps-up-at-16", CHAPTER, words="With up to 16 it keeps up",
          derive=lambda seed: batching(seed, 16),
          holds=lambda r: r["utilisation"] < 0.97 and r["p99"] < 100, seed=0),
    Claim("32-changes-little", CHAPTER,
          words="Raising the limit to 32 changes\nlittle at this load",
          derive=lambda seed: (batching(seed, 16), batching(seed, 32)),
          holds=lambda r: abs(r[0]["p99"] - r[1]["p99"]) <= 3
          and abs(r[0]["p50"] - r[1]["p50"]) <= 1, seed=0),
    Claim("batches-close-at-about-11", CHAPTER,
          words="closes most batches at about 11 requests, long before\nthey could fill",
          derive=lambda seed: batching(seed, 32),
          holds=lambda r: 10.5 <= r["mean_batch"] <= 11.5 and r["full_share"] < 0.1, seed=0),
    Claim("queue-is-short", CHAPTER,
          words="Service and the wait for the batch to close make up almost all of it",
          derive=lambda seed: batching(seed, 32),
          holds=lambda r: r["queue_ms"] < 0.05 * (r["batch_wait_ms"] + r["service_ms"]),
          seed=0),
    Claim("low-load-size-changes-nothing", CHAPTER,
          words="At low load, raising the *maximum batch size* changes nothing",
          derive=lambda seed: [(low_load(seed, 4, w)["p50"], low_load(seed, 4, w)["p99"],
                                low_load(seed, 64, w)["p50"], low_load(seed, 64, w)["p99"])
                               for w in (0, 10)],
          holds=lambda rows: all(abs(a - c) <= 0.5 and abs(b - d) <= 0.5 for a, b, c, d in rows),
          seed=0),
    Claim("wait-adds-10-ms", CHAPTER,
          words="A 10 ms maximum wait adds about 10 ms to the median, whatever the maximum "
                "batch size",
          derive=lambda seed: [low_load(seed, size, 10)["p50"] - low_load(seed, size, 0)["p50"]
                               for size in (4, 64)],
          holds=lambda added: all(9 <= a <= 11 for a in added), seed=0),
    Claim("load-handled-anyway", CHAPTER, words="at a load the server handles anyway",
          derive=lambda seed: low_load(seed, 1, 0)["utilisation"],
          holds=lambda u: u < 0.5, seed=0),
    Claim("no-wait-trims-p99", CHAPTER,
          words="trims the p99\ncompared with serving strictly one at a time",
          derive=lambda seed: (low_load(seed, 4, 0)["p99"], low_load(seed, 1, 0)["p99"]),
          holds=lambda pair: pair[0] < pair[1], seed=0),

    # Section 5
    Claim("fanout-63", CHAPTER, words="with *p* = 1% and *N* = 100, 63% of requests are\nslow",
          derive=lambda: fanout_slow_probability(100, 0.01), holds=lambda p: round(p, 2) == 0.63),
    Claim("fanout-within-sampling-error", CHAPTER,
          words="it\nagrees with the closed form within sampling error",
          derive=fanout_within_sampling_error, holds=bool, seed=0),
    Claim("fanout-18", CHAPTER,
          words="Even a 1-in-10,000 event affects 18% of requests at *N* = 2,000",
          derive=lambda: fanout_slow_probability(2_000, 1e-4), holds=lambda p: round(p, 2) == 0.18),
    Claim("fanout-median-is-a-stall", CHAPTER,
          words="At *N* = 100 and *p* = 1% most requests wait for a stall, and the median request "
                "takes hundreds of milliseconds where one server's median is 10 ms",
          derive=lambda seed: fanout_run(seed, 100, 0.01),
          holds=lambda r: r["slow"] > 0.5 and r["p50"] >= 100 and 9 <= r["server_p50"] <= 11,
          seed=0),
    Claim("fanout-healthy-twice", CHAPTER,
          words="at *N* = 100 about twice a server's median",
          derive=lambda seed: fanout_run(seed, 100, 0)["p50"] / fanout_run(seed, 100, 0)["server_p50"],
          holds=lambda ratio: 1.8 <= ratio <= 2.3, seed=0),
    Claim("fanout-hedging-5-percent", CHAPTER,
          words="Hedging each sub-request after its p95 costs about 5% more sub-requests",
          derive=lambda seed: [fanout_run(seed, n, 0.01)["load"] for n in (30, 100, 300)],
          holds=lambda loads: all(round(load, 2) == 0.05 for load in loads), seed=0),
    Claim("fanout-hedging-squares-p", CHAPTER,
          words="hedging turns *p* into about *p*², and the share of requests that wait for a "
                "stall into 1 − (1 − *p*²)ᴺ",
          derive=lambda seed: [(fanout_run(seed, n, p)["hedged_slow"],
                                fanout_slow_probability(n, p ** 2))
                               for n, p in ((100, 0.02), (300, 0.01), (1_000, 0.02))],
          # within four standard errors of 2,000 requests
          holds=lambda pairs: all(abs(s - e) <= 4 * math.sqrt(e * (1 - e) / 2_000)
                                  for s, e in pairs), seed=0),
    Claim("fanout-hedging-30", CHAPTER,
          words="At *p* = 1% and *N* = 30 it brings the p99 from a stall back under 50 ms",
          derive=lambda seed: fanout_run(seed, 30, 0.01),
          holds=lambda r: r["p99"] >= 100 and r["hedged_p99"] < 50, seed=0),
    Claim("fanout-hedging-300", CHAPTER,
          words="At *N* = 300 about 3% of requests still wait for a stall, and the p99 is a stall "
                "again",
          derive=lambda seed: fanout_run(seed, 300, 0.01),
          holds=lambda r: 0.02 <= r["hedged_slow"] <= 0.04 and r["hedged_p99"] >= 100, seed=0),
    Claim("fanout-hedging-third", CHAPTER,
          words="at *N* = 1,000 and *p* = 2% about a third of them do",
          derive=lambda seed: fanout_run(seed, 1_000, 0.02)["hedged_slow"],
          holds=lambda share: 0.28 <= share <= 0.38, seed=0),
    Claim("hedging-order-of-magnitude", CHAPTER,
          words="For about 5% more requests, the p99 falls by an order of magnitude, while the\n"
                "median is untouched",
          derive=hedging_verdict, holds=lambda v: v == (0.05, True, True), seed=0),

    # Section 6
    Claim("network-leg-parameters", CHAPTER,
          words="each drawn from a lognormal distribution with a median of\n15 ms",
          derive=lambda: (NETWORK_DEFAULTS["round_trips"], NETWORK_DEFAULTS["rtt_median_ms"],
                          NETWORK_DEFAULTS["rto_ms"]),
          holds=lambda d: d == (2, 15.0, 200.0)),
    Claim("server-keeps-up-at-16", CHAPTER, words="which kept\nup comfortably",
          derive=lambda seed: percentile(server_side(seed), 99), holds=lambda p99: p99 < 50,
          seed=0),
    Claim("server-p99-23", CHAPTER, words="the server's own p99 is about 23 ms",
          derive=lambda seed: percentile(server_side(seed), 99),
          holds=lambda p99: round(p99) == 23, robust=lambda p99: 21 <= p99 <= 25, seed=0),
    Claim("server-line-unchanged", CHAPTER,
          words="The server's line does not depend on the network at all",
          derive=lambda seed: [client_side(seed, loss)["server_unchanged"]
                               for loss in (0, 0.001, 0.003, 0.01)],
          holds=all, seed=0),
    Claim("network-triples-median", CHAPTER,
          words="the\nnetwork already triples the median (about 16 ms on the server, 48 ms at the "
                "client)",
          derive=lambda seed: (percentile(server_side(seed), 50), client_side(seed, 0)["p50"]),
          holds=lambda m: round(m[0]) == 16 and round(m[1]) == 48,
          robust=lambda m: 2.7 <= m[1] / m[0] <= 3.3, seed=0),
    Claim("no-loss-p99-78", CHAPTER,
          words="the\nclient's p99 is about 78 ms: the SLO still holds",
          derive=lambda seed: client_side(seed, 0)["p99"],
          holds=lambda p99: round(p99) == 78, robust=lambda p99: 72 <= p99 <= 85, seed=0),
    Claim("one-percent-loss-250", CHAPTER,
          words="At 1% loss the users' p99 jumps to about 250 ms and the same SLO fails by a "
                "factor of two and a\nhalf",
          derive=lambda seed: client_side(seed, 0.01)["p99"],
          holds=lambda p99: 240 <= p99 <= 260, robust=lambda p99: 230 <= p99 <= 270, seed=0),
    Claim("two-exchanges-about-2-percent", CHAPTER, words="which at *p* = 1% is about 2%",
          derive=lambda seed: (retransmit_share(2, 0.01), client_side(seed, 0.01)["share"]),
          holds=lambda s: round(s[0], 2) == 0.02 and 0.017 <= s[1] <= 0.023, seed=0),
    Claim("p99-above-200-once-share-passes-1", CHAPTER,
          words="Once\nmore than 1% of requests wait for a timeout, the p99 is one of them and "
                "lands above 200 ms",
          derive=lambda seed: [(client_side(seed, loss)["share"], client_side(seed, loss)["p99"])
                               for loss in (0.001, 0.003, 0.01, 0.02)],
          holds=lambda rows: all((share > 0.01) == (p99 > 200) for share, p99 in rows
                                 if abs(share - 0.01) > 0.002),
          seed=0),
    Claim("point-three-percent-loss", CHAPTER,
          words="At\n0.3% loss about 0.6% of requests retransmit, and the p99 escapes them while "
                "the p99.9 does not",
          derive=lambda seed: client_side(seed, 0.003),
          holds=lambda r: 0.005 <= r["share"] <= 0.007 and r["p99"] < 100 and r["p999"] > 200,
          seed=0),
    Claim("percentiles-do-not-add", CHAPTER,
          words="the server's p99 plus the network's p99 is about 84 ms, but the client's p99 is\n"
                "about 78 ms",
          derive=lambda seed: (percentile(server_side(seed), 99)
                               + client_side(seed, 0)["network_p99"], client_side(seed, 0)["p99"]),
          holds=lambda r: round(r[0]) == 84 and round(r[1]) == 78,
          robust=lambda r: r[1] < r[0], seed=0),
    Claim("two-percent-waited-200", CHAPTER,
          words="at 1% loss, here 2% of requests waited for a 200 ms timeout",
          derive=lambda seed: client_side(seed, 0.01)["share"],
          holds=lambda share: round(share, 2) == 0.02, seed=0),

    # Predictions (their questions and results are prose too)
    Claim("predict-median-ratio-holds-on-a-rerun", CHAPTER,
          words="The ratio at the median belongs to the models and holds on a re-run",
          derive=lambda: min(median_ratio(0), median_ratio(1)), holds=lambda ratio: ratio >= 3),
    Claim("predict-tail-4-2", CHAPTER,
          words="4.2%, about four times their share",
          derive=lambda seed: revenue_share(seed), holds=lambda share: round(share, 3) == 0.042,
          robust=lambda share: 0.035 <= share <= 0.045, seed=0),
    Claim("predict-capacities-129-842", CHAPTER,
          words="129/s at 1 and 842/s at 8, below the load",
          derive=lambda: (batch_capacity_per_s(1), batch_capacity_per_s(8)),
          holds=lambda c: (round(c[0]), round(c[1])) == (129, 842) and max(c) < 1_000),
    Claim("predict-16-and-32-keep-up", CHAPTER,
          words="16 and 32 keep up with a p99 near 23 ms",
          derive=lambda seed: (batching(seed, 16), batching(seed, 32)),
          holds=lambda r: all(x["utilisation"] < 0.97 and 21 <= x["p99"] <= 25 for x in r),
          seed=0),
    Claim("predict-fanout-10", CHAPTER,
          words="9.6%: 1 − 0.99¹⁰, almost ten times one server's 1%, and the simulation agrees",
          derive=lambda seed: (fanout_slow_probability(10, 0.01),
                               simulate_fanout(10, 0.01, n_requests=20_000, seed=seed)),
          holds=lambda r: round(r[0], 3) == 0.096
          and abs(r[1] - r[0]) <= 3 * math.sqrt(r[0] * (1 - r[0]) / 20_000), seed=0),
    Claim("predict-users-p99-250", CHAPTER,
          words="About 250 ms: 1 − 0.99² ≈ 2% of requests lose an exchange",
          derive=lambda seed: (client_side(seed, 0.01)["p99"], retransmit_share(2, 0.01)),
          holds=lambda r: 240 <= r[0] <= 260 and round(r[1], 2) == 0.02,
          robust=lambda r: 230 <= r[0] <= 270, seed=0),

    # Self-check
    Claim("self-check-mean-median", CHAPTER,
          words="Ten latencies have a mean of 390 ms and a median of 100 ms",
          derive=lambda: (float(np.mean(HUYEN_LATENCIES_MS)), percentile(HUYEN_LATENCIES_MS, 50)),
          holds=lambda pair: pair == (390, 100)),
    Claim("self-check-rank-248", CHAPTER,
          words="⌈0.99 × 250⌉ = ⌈247.5⌉ = 248: the 248th fastest request",
          derive=lambda: (int(np.sum(np.arange(1, 251) <= percentile(np.arange(1, 251), 99))),
                          0.99 * 250),
          holds=lambda r: r == (248, 247.5)),
    Claim("self-check-rank-247-is-98-8", CHAPTER,
          words="247 requests are only 98.8%",
          derive=lambda: 247 / 250, holds=lambda share: round(share, 3) == 0.988),
    Claim("self-check-150-of-10000", CHAPTER,
          words="150 / 10,000 = 1.5% of requests took longer than 300 ms, so the 99th percentile "
                "lies above 300 ms",
          # 10,000 requests of which exactly 150 are slower than 300 ms: the nearest-rank p99
          derive=lambda: percentile(np.r_[np.full(9_850, 80.0), np.full(150, 301.0)], 99),
          holds=lambda p99: p99 > 300),
    Claim("self-check-capacity-4", CHAPTER, words="4 / 8.5 ms ≈ 471 requests/s",
          derive=lambda: batch_capacity_per_s(4), holds=lambda c: round(c) == 471),
    Claim("self-check-capacity-8", CHAPTER, words="8 / 9.5 ms ≈ 842 requests/s",
          derive=lambda: batch_capacity_per_s(8), holds=lambda c: round(c) == 842),
    Claim("self-check-capacity-10", CHAPTER,
          words="It reaches 1 request per ms at b = 10, where the queue still grows",
          derive=lambda: batch_capacity_per_s(10), holds=lambda c: math.isclose(c, 1_000)),
    Claim("self-check-capacity-11", CHAPTER, words="b ≥ 11 (≈ 1,073 requests/s)",
          derive=lambda: (batch_capacity_per_s(10), batch_capacity_per_s(11)),
          holds=lambda c: c[0] <= 1_000 < c[1] and round(c[1]) == 1_073),
    Claim("self-check-run-at-8-never-caught-up", CHAPTER,
          words="the section's run at 8 never caught up",
          derive=lambda seed: batching(seed, 8)["utilisation"], holds=lambda u: u > 0.99, seed=0),
    Claim("self-check-fanout-50", CHAPTER, words="1 − 0.98⁵⁰ ≈ 0.636: about 64%",
          derive=lambda: fanout_slow_probability(50, 0.02), holds=lambda p: round(p, 3) == 0.636),

    Claim("self-check-fanout-none-36", CHAPTER,
          words="0.98⁵⁰ ≈ 36.4% is the share that meets *no* slow server",
          derive=lambda: 1 - fanout_slow_probability(50, 0.02),
          holds=lambda p: round(p, 3) == 0.364),
    Claim("self-check-hedging-third", CHAPTER,
          words="1 − (1 − 0.02²)¹⁰⁰⁰ ≈ 33%",
          derive=lambda: fanout_slow_probability(1_000, 0.02 ** 2),
          holds=lambda p: round(p, 2) == 0.33),
    Claim("self-check-hedging-p-squared", CHAPTER, words="about p² = 0.04%",
          derive=lambda: 0.02 ** 2, holds=lambda p: round(p, 6) == 0.0004),
    Claim("self-check-hedging-5-percent", CHAPTER,
          words="only sub-requests slower than the p95 send a copy, about 5% more sub-requests",
          derive=lambda seed: fanout_run(seed, 1_000, 0.02)["load"],
          holds=lambda load: round(load, 2) == 0.05, seed=0),
    Claim("self-check-three-exchanges", CHAPTER,
          words="A request meets a loss with probability 1 − 0.995³ ≈ 1.5%, more\nthan the 1%",
          derive=lambda: retransmit_share(3, 0.005), holds=lambda p: round(p, 3) == 0.015),

    # The solution notebook
    Claim("solution-huyen-line", SOLUTION, words="A batch of *b* requests takes Huyen's 7.5 + "
          "0.25·*b* ms\n(`HUYEN_SERVICE`, the chapter's service line)",
          derive=lambda: dict(checks.BATCHING_TASK),
          holds=lambda task: (task["service_fixed_ms"], task["service_per_item_ms"]) == (7.5, 0.25)),
    Claim("solution-payments-replicas", SOLUTION,
          words="A payments API's replicas authorise a card in about 40 ms, but 1.5% of requests "
                "wait on a database lock that holds them for 0.3 to 3 s",
          derive=lambda: dict(checks.HEDGE_TASK),
          holds=lambda t: (t["fast_median_ms"], t["stall_probability"], t["stall_ms"])
          == (40.0, 0.015, (300.0, 3_000.0))),
    Claim("solution-payments-budget", SOLUTION,
          words="`checks.LOAD_BUDGET` = 2.5% more requests",
          derive=lambda: checks.LOAD_BUDGET, holds=lambda budget: budget == 0.025),
    Claim("solution-hedging-after-p99-cannot-help", SOLUTION,
          words="why can hedging after the p99 not help the p99 here?",
          # with 1.5% of requests stalled, the p99 threshold already sits inside the stalls
          derive=lambda: simulate_hedged_requests(hedge_after_q=99, seed=0, **checks.HEDGE_TASK),
          holds=lambda run: run.hedged_p99_ms == run.unhedged_p99_ms),
    Claim("solution-eight-feature-services", SOLUTION,
          words="waits for the answers of 8 feature services",
          derive=lambda: checks.FANOUT_SERVERS, holds=lambda n: n == 8),
    Claim("solution-p95-sends-5-percent", SOLUTION,
          words="hedging after the p95 sends one for 5% of requests",
          derive=lambda seed: hedged(seed).extra_load, holds=lambda load: round(load, 2) == 0.05,
          seed=0),
    Claim("solution-task8-network", SOLUTION,
          words="three round trips of median 25 ms each, with 0.4% of\nexchanges lost and a "
                "200 ms retransmission timeout",
          derive=lambda: (dict(checks.NETWORK_TASK), NETWORK_DEFAULTS["rto_ms"]),
          holds=lambda t: (t[0]["round_trips"], t[0]["rtt_median_ms"], t[0]["loss_probability"],
                           t[1]) == (3, 25.0, 0.004, 200.0)),
    Claim("solution-task8-5000", SOLUTION, words="holds 5,000 of\nthem, in ms",
          derive=lambda: checks.server_side_sample().size, holds=lambda n: n == 5_000),
]

# `ledger.tests`, not a bare `tests`, which pytest would collect as a test.
test_claim = ledger.tests(CLAIMS)


def test_the_model_answer_quotes_what_the_code_gives():
    """Task 7b's model answer is a string in a code cell, out of the ledger's reach: check it here."""
    answer = model_answer()
    sample = checks.slo_sample()
    assert f"mean of {sample.mean():.0f} ms and a p99 of {percentile(sample, 99):.0f} ms" in answer
    assert sample.mean() < 100 and percentile(sample, 99) > checks.SLO_MS
    assert (f"fan-out to 100 servers, {fanout_slow_probability(100, 0.01):.0%} of requests"
            in answer)
    assert fanout_slow_probability(100, 0.01) > 0.5  # a component's p99 sets the median
    assert "Huyen's 3,000 ms among ten" in answer
    assert max(HUYEN_LATENCIES_MS) == 3_000 and len(HUYEN_LATENCIES_MS) == 10
