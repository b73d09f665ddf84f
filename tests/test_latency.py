"""Tests of mlsys.latency: percentiles, timing, the tail's users and the tail at scale."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from updates import updates_match
from mlsys import latency  # noqa: E402
from mlsys.latency import (  # noqa: E402
    HUYEN_LATENCIES_MS,
    compare_percentile_definitions,
    fanout_slow_probability,
    percentile,
    percentiles,
    plot_fanout_latency,
    plot_latency_histogram,
    plot_tail_curve,
    plot_tail_revenue,
    plot_tail_users,
    simulate_fanout,
    simulate_fanout_latency,
    simulate_hedged_requests,
    simulate_user_latencies,
    summarize_batches,
    tail_share,
    time_batch_predictions_ms,
    time_single_predictions_ms,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def row_sums(rows):
    return rows.sum(axis=1)


# --- Percentiles -----------------------------------------------------------------------------

def test_huyen_sample_mean_and_nearest_rank_percentiles():
    assert np.mean(HUYEN_LATENCIES_MS) == 390
    assert percentile(HUYEN_LATENCIES_MS, 50) == 100
    assert percentile(HUYEN_LATENCIES_MS, 90) == 110
    assert percentile(HUYEN_LATENCIES_MS, 100) == 3000


def test_percentiles_returns_each_q():
    assert percentiles(HUYEN_LATENCIES_MS) == {50: 100, 90: 110, 99: 3000, 99.9: 3000}


def test_compare_percentile_definitions_on_huyen_sample():
    p90 = compare_percentile_definitions(HUYEN_LATENCIES_MS, 90)
    assert set(p90) == {"nearest rank (this book)", "linear", "lower", "higher", "nearest",
                        "midpoint"}
    assert p90["linear"] == pytest.approx(399)
    assert p90["nearest rank (this book)"] == 110
    assert p90["higher"] == 3000


def test_percentile_agrees_with_numpy_inverted_cdf():
    rng = np.random.default_rng(42)
    for _ in range(200):
        values = rng.lognormal(size=rng.integers(1, 500))
        q = rng.uniform(0.01, 100)
        assert percentile(values, q) == np.percentile(values, q, method="inverted_cdf")


def test_percentile_is_exact_where_floating_point_slips():
    # 99.9 / 100 * 1000 is 999.0000000000001 in floating point; the rank is exactly 999.
    assert percentile(np.arange(1, 1001), 99.9) == 999


def test_percentile_is_always_an_observed_value():
    values = np.random.default_rng(0).exponential(size=101)
    for q in (1, 33.3, 50, 99, 99.9):
        assert percentile(values, q) in values


@pytest.mark.parametrize("q", [0, -5, 100.5, float("nan"), float("inf")])
def test_percentile_rejects_q_out_of_range(q):
    with pytest.raises(ValueError, match="q must"):
        percentile([1, 2, 3], q)


@pytest.mark.parametrize("q", ["90", None, True])
def test_percentile_rejects_q_that_is_not_a_number(q):
    with pytest.raises(TypeError, match="q must"):
        percentile([1, 2, 3], q)


@pytest.mark.parametrize("values, error", [([], ValueError), ([1, float("nan")], ValueError),
                                           ("100 ms", TypeError), (["fast", "slow"], TypeError),
                                           (None, TypeError), ([[1, 2], [3, 4]], ValueError)])
def test_percentile_rejects_bad_samples(values, error):
    with pytest.raises(error, match="values_ms"):
        percentile(values, 50)


def test_percentiles_rejects_bad_qs():
    with pytest.raises(ValueError, match=r"qs\[1\]"):
        percentiles([1, 2, 3], qs=(50, 0))
    with pytest.raises(TypeError, match="qs"):
        percentiles([1, 2, 3], qs=99)


def test_compare_percentile_definitions_rejects_bad_q():
    with pytest.raises(ValueError, match="q must"):
        compare_percentile_definitions(HUYEN_LATENCIES_MS, 101)


# --- Measuring a real model ------------------------------------------------------------------

def test_time_single_predictions_returns_positive_latencies():
    X = np.random.default_rng(0).normal(size=(20, 4))
    latencies_ms = time_single_predictions_ms(lambda rows: rows.sum(axis=1), X, n_requests=300,
                                              warmup=10)
    assert latencies_ms.shape == (300,)
    assert latencies_ms.dtype == float
    assert np.all(latencies_ms > 0)


def test_time_single_predictions_calls_predict_with_one_row_after_warmup():
    shapes = []

    def predict(rows):
        shapes.append(rows.shape)
        return rows.sum(axis=1)

    time_single_predictions_ms(predict, np.ones((5, 3)), n_requests=7, warmup=2)
    assert shapes == [(1, 3)] * 9


def test_time_single_predictions_rejects_bad_arguments():
    X = np.ones((5, 3))
    with pytest.raises(TypeError, match="predict"):
        time_single_predictions_ms("model.predict", X)
    with pytest.raises(ValueError, match="X must"):
        time_single_predictions_ms(row_sums, np.ones(5))
    with pytest.raises(ValueError, match="n_requests"):
        time_single_predictions_ms(row_sums, X, n_requests=0)
    with pytest.raises(ValueError, match="warmup"):
        time_single_predictions_ms(row_sums, X, warmup=-1)


def test_time_batch_predictions_keys_are_batch_sizes():
    X = np.random.default_rng(0).normal(size=(10, 4))
    timings = time_batch_predictions_ms(row_sums, X, batch_sizes=(1, 8, 64), repeats=4, warmup=1)
    assert list(timings) == [1, 8, 64]
    assert all(t.shape == (4,) and np.all(t > 0) for t in timings.values())


def test_time_batch_predictions_default_batch_sizes_are_powers_of_two():
    timings = time_batch_predictions_ms(row_sums, np.ones((3, 2)), repeats=1, warmup=0)
    assert list(timings) == [1, 2, 4, 8, 16, 32, 64, 128, 256, 512]


def test_time_batch_predictions_rejects_bad_arguments():
    X = np.ones((5, 3))
    with pytest.raises(ValueError, match=r"batch_sizes\[1\]"):
        time_batch_predictions_ms(row_sums, X, batch_sizes=(1, 0))
    with pytest.raises(TypeError, match="batch_sizes"):
        time_batch_predictions_ms(row_sums, X, batch_sizes=[])
    with pytest.raises(ValueError, match="repeats"):
        time_batch_predictions_ms(row_sums, X, repeats=0)


def test_summarize_batches_median_and_throughput():
    summary = summarize_batches({10: [10.0, 10.0, 99.0], 50: [20.0, 15.0, 30.0]})
    assert summary.batch_sizes.tolist() == [10, 50]
    assert summary.median_ms.tolist() == [10.0, 20.0]
    # DMLS ch.1: 10 queries in 10 ms -> 1,000 queries/s; 50 queries in 20 ms -> 2,500.
    assert summary.throughput_per_s.tolist() == pytest.approx([1000, 2500])


def test_summarize_batches_rejects_bad_timings():
    with pytest.raises(TypeError, match="timings"):
        summarize_batches([1, 2, 3])
    with pytest.raises(ValueError, match=r"timings\[4\]"):
        summarize_batches({4: []})
    with pytest.raises(ValueError, match=r"timings\[4\]"):
        summarize_batches({4: [0.0, 0.0]})


def test_plot_latency_histogram_marks_percentiles_and_mean():
    ax = plot_latency_histogram(HUYEN_LATENCIES_MS, title="One slow request drags the mean")
    assert ax.get_title(loc="left") == "One slow request drags the mean"
    assert ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["p50 = 100 ms", "p90 = 110 ms", "p99 = 3,000 ms", "p99.9 = 3,000 ms",
                      "mean = 390 ms"]
    # Meaning must survive in greyscale: every marker line has its own dash pattern (matplotlib
    # has no public getter for it).
    dashes = [str(line._unscaled_dash_pattern) for line in ax.get_lines()]
    assert len(set(dashes)) == len(dashes) == 5


def test_plot_latency_histogram_rejects_bad_input():
    with pytest.raises(ValueError, match="latencies_ms"):
        plot_latency_histogram([0.0, 1.0], title="t")
    with pytest.raises(TypeError, match="title"):
        plot_latency_histogram([1.0, 2.0], title=None)
    with pytest.raises(TypeError, match="ax"):
        plot_latency_histogram([1.0, 2.0], title="t", ax="left")


# --- Who is in the tail ----------------------------------------------------------------------

def test_simulated_users_slow_requests_carry_more_than_their_share():
    users = simulate_user_latencies(20_000, seed=1)
    assert users.latency_ms.shape == users.revenue_usd.shape == users.history_length.shape
    assert users.history_length.min() >= 1
    assert tail_share(users.latency_ms, users.revenue_usd, q=99) > 0.02


def test_simulated_users_latency_grows_with_history():
    users = simulate_user_latencies(20_000, seed=2)
    heavy = users.history_length > np.median(users.history_length)
    assert users.latency_ms[heavy].mean() > users.latency_ms[~heavy].mean()


def test_simulate_user_latencies_is_deterministic_and_checks_arguments():
    first, second = simulate_user_latencies(100, seed=3), simulate_user_latencies(100, seed=3)
    assert np.array_equal(first.latency_ms, second.latency_ms)
    with pytest.raises(ValueError, match="lookup_ms_per_item"):
        simulate_user_latencies(100, lookup_ms_per_item=-1)
    with pytest.raises(ValueError, match="n_requests"):
        simulate_user_latencies(0)


def test_tail_share_with_equal_weights_is_the_tail_fraction():
    # p99 of 1..1000 is 990, and 990..1000 are at or above it: 11 requests out of 1000.
    latencies_ms = np.arange(1, 1001)
    assert tail_share(latencies_ms, np.ones(1000), q=99) == pytest.approx(0.011)
    assert tail_share(latencies_ms, latencies_ms, q=99) == pytest.approx(
        np.arange(990, 1001).sum() / latencies_ms.sum())


def test_tail_share_rejects_bad_weights():
    with pytest.raises(ValueError, match="weights"):
        tail_share([1, 2, 3], [1, 1])
    with pytest.raises(ValueError, match="weights"):
        tail_share([1, 2, 3], [1, -1, 1])
    with pytest.raises(ValueError, match="q must"):
        tail_share([1, 2, 3], [1, 1, 1], q=0)


def test_plot_tail_users_titles_the_revenue_share():
    users = simulate_user_latencies(5_000, seed=0)
    share = tail_share(users.latency_ms, users.revenue_usd, q=99)
    ax = plot_tail_users(users)
    assert ax.get_title(loc="left") == f"The slowest 1% of requests carry {share:.1%} of revenue"
    assert ax.get_xscale() == ax.get_yscale() == "log"
    with pytest.raises(TypeError, match="users"):
        plot_tail_users({"latency_ms": [1, 2]})


# --- The tail at scale -----------------------------------------------------------------------

def test_fanout_closed_form_matches_dean_and_barroso():
    assert fanout_slow_probability(100, 0.01) == pytest.approx(0.634, abs=5e-4)
    assert fanout_slow_probability(2000, 1e-4) == pytest.approx(0.181, abs=5e-4)
    assert fanout_slow_probability(1, 0.3) == pytest.approx(0.3)


@pytest.mark.parametrize("n_servers, p_slow", [(1, 0.2), (10, 0.05), (100, 0.01), (2000, 1e-4)])
def test_simulated_fanout_agrees_with_closed_form(n_servers, p_slow):
    n_requests = 20_000
    expected = fanout_slow_probability(n_servers, p_slow)
    standard_error = math.sqrt(expected * (1 - expected) / n_requests)
    simulated = simulate_fanout(n_servers, p_slow, n_requests=n_requests, seed=7)
    assert abs(simulated - expected) < 3 * standard_error


def test_fanout_edge_probabilities():
    assert fanout_slow_probability(50, 0) == 0 and simulate_fanout(50, 0) == 0
    assert fanout_slow_probability(50, 1) == 1 and simulate_fanout(50, 1) == 1


@pytest.mark.parametrize("n_servers, p_slow, error, name", [
    (0, 0.1, ValueError, "n_servers"), (2.5, 0.1, TypeError, "n_servers"),
    ("100", 0.1, TypeError, "n_servers"), (10, -0.1, ValueError, "p_slow"),
    (10, 1.5, ValueError, "p_slow"), (10, float("nan"), ValueError, "p_slow")])
def test_fanout_rejects_bad_arguments(n_servers, p_slow, error, name):
    with pytest.raises(error, match=name):
        fanout_slow_probability(n_servers, p_slow)
    with pytest.raises(error, match=name):
        simulate_fanout(n_servers, p_slow)


@pytest.mark.parametrize("n_servers, p_slow", [(1, 0.02), (10, 0.01), (100, 0.01), (300, 0.005)])
def test_fanout_latency_stall_shares_agree_with_theory(n_servers, p_slow):
    """Unhedged: 1 - (1 - p)^N of requests meet a stall; hedged: about 1 - (1 - p^2)^N."""
    n_requests = 20_000
    run = simulate_fanout_latency(n_servers, p_slow, n_requests=n_requests, seed=3)
    for simulated, p in [(run.unhedged_slow_share, p_slow), (run.hedged_slow_share, p_slow ** 2)]:
        expected = fanout_slow_probability(n_servers, p)
        standard_error = math.sqrt(expected * (1 - expected) / n_requests)
        assert abs(simulated - expected) <= max(4 * standard_error, 2 / n_requests)


def test_fanout_latency_request_waits_for_its_slowest_server():
    run = simulate_fanout_latency(50, 0.01, n_requests=500, seed=1)
    assert np.all(run.unhedged_ms >= run.server_ms)
    assert np.all(run.hedged_ms <= run.unhedged_ms)
    assert run.extra_load == pytest.approx(0.05, abs=0.002)
    assert run.hedge_after_ms < run.slow_ms
    # With no stalls, the slowest of N lognormal servers: its median is the server's
    # (1/2)^(1/N) quantile, exp(mu + sigma * z) with z = Phi^-1(0.5^(1/N)).
    healthy = simulate_fanout_latency(100, 0, n_requests=20_000, seed=2)
    z = 2.4581  # the normal quantile of 0.5 ** (1 / 100) = 0.99309
    assert percentile(healthy.unhedged_ms, 50) == pytest.approx(10 * math.exp(0.3 * z), rel=0.02)
    assert healthy.unhedged_slow_share == healthy.hedged_slow_share == 0


def test_fanout_latency_with_one_server_is_one_server():
    run = simulate_fanout_latency(1, 0.02, n_requests=1_000, seed=0)
    assert np.array_equal(run.unhedged_ms, run.server_ms)


def test_fanout_latency_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_servers"):
        simulate_fanout_latency(0, 0.01)
    with pytest.raises(ValueError, match="p_slow"):
        simulate_fanout_latency(10, 1.5)
    with pytest.raises(ValueError, match="n_requests"):
        simulate_fanout_latency(10, 0.01, n_requests=0)
    with pytest.raises(ValueError, match="hedge_after_q"):
        simulate_fanout_latency(10, 0.01, hedge_after_q=0)
    with pytest.raises(ValueError, match="fast_median_ms"):
        simulate_fanout_latency(10, 0.01, fast_median_ms=0)
    with pytest.raises(TypeError, match="stall_ms"):
        simulate_fanout_latency(10, 0.01, stall_ms=100)
    with pytest.raises(ValueError, match="seed"):
        simulate_fanout_latency(10, 0.01, seed=-1)


def test_plot_fanout_latency_titles_both_panels_with_their_results():
    fig = plot_fanout_latency(30, 0.01, n_requests=2_000, seed=0)
    run = simulate_fanout_latency(30, 0.01, n_requests=2_000, seed=0)
    top, bottom = (ax.get_title(loc="left") for ax in fig.axes)
    assert top.startswith("N = 30, p = 1%, no hedging:\n")
    assert f"{run.unhedged_slow_share:.0%} of requests wait for a stall" in top
    assert bottom.startswith(f"Each sub-request hedged after {run.hedge_after_ms:.0f} ms (5% more")
    assert f"p99 {percentile(run.hedged_ms, 99):.3g} ms" in bottom
    assert fig.axes[0].get_xscale() == "log"
    with pytest.raises(ValueError, match="p_slow"):
        plot_fanout_latency(30, -0.1)


def test_plot_tail_revenue_says_the_tail_share_and_its_ratio():
    fig = plot_tail_revenue(0.5, 0.1, n_requests=5_000, seed=0)
    users = simulate_user_latencies(5_000, 0, revenue_elasticity=0.5, lookup_ms_per_item=0.1)
    share = tail_share(users.latency_ms, users.revenue_usd, q=99)
    in_tail = np.mean(users.latency_ms >= percentile(users.latency_ms, 99))
    assert fig.get_suptitle() == (
        "Elasticity 0.5, lookups 0.1 ms per item:\nthe slowest 1% of requests carry "
        f"{share:.1%} of revenue, {share / in_tail:.1f} times their share")
    bars = fig.axes[1].patches
    assert [bar.get_height() for bar in bars] == pytest.approx([in_tail, share])


def test_plot_tail_revenue_without_lookups_the_tail_is_a_random_draw():
    """Latency that ignores the user puts random users in the tail: about 1% of revenue."""
    fig = plot_tail_revenue(1, 0, n_requests=50_000, seed=4)
    assert 0.007 <= fig.axes[1].patches[1].get_height() <= 0.013


def test_plot_tail_revenue_rejects_bad_arguments():
    with pytest.raises(ValueError, match="revenue_elasticity"):
        plot_tail_revenue(3, 0.1)
    with pytest.raises(ValueError, match="lookup_ms_per_item"):
        plot_tail_revenue(0.5, -1)
    with pytest.raises(ValueError, match="q must"):
        plot_tail_revenue(0.5, 0.1, q=100)


def test_hedging_cuts_the_tail_for_about_five_percent_more_load():
    result = simulate_hedged_requests(50_000, seed=1)
    assert result.hedged_p99_ms < result.unhedged_p99_ms / 5
    assert result.hedged_p999_ms < result.unhedged_p999_ms / 5
    assert result.hedged_p50_ms == pytest.approx(result.unhedged_p50_ms, rel=0.05)
    assert result.extra_load == pytest.approx(0.05, abs=0.005)
    assert np.all(result.hedged_ms <= result.unhedged_ms)


@pytest.mark.parametrize("hedge_after_q", [80, 90, 99])
def test_hedging_extra_load_is_the_fraction_past_the_threshold(hedge_after_q):
    result = simulate_hedged_requests(20_000, hedge_after_q=hedge_after_q, seed=2)
    assert result.extra_load == pytest.approx(1 - hedge_after_q / 100, abs=0.005)


def test_hedging_rejects_bad_arguments():
    with pytest.raises(ValueError, match="hedge_after_q"):
        simulate_hedged_requests(1000, hedge_after_q=0)
    with pytest.raises(ValueError, match="stall_probability"):
        simulate_hedged_requests(1000, stall_probability=2)
    with pytest.raises(ValueError, match=r"stall_ms\[1\]"):
        simulate_hedged_requests(1000, stall_ms=(500, 100))
    with pytest.raises(TypeError, match="stall_ms"):
        simulate_hedged_requests(1000, stall_ms=100)


@pytest.mark.parametrize("call", [
    lambda: simulate_fanout(10, 0.1, seed=-1),
    lambda: simulate_hedged_requests(100, seed=1.5),
    lambda: simulate_user_latencies(100, seed="zero"),
    lambda: time_single_predictions_ms(row_sums, np.ones((2, 2)), n_requests=1, seed=-3),
])
def test_seeds_must_be_non_negative_integers(call):
    with pytest.raises((TypeError, ValueError), match="seed"):
        call()


# --- The network leg: client-side against server-side latency --------------------------------

def test_network_leg_without_loss_adds_round_trips_to_every_request():
    server_ms = np.full(20_000, 30.0)
    legs = latency.add_network_leg(server_ms, round_trips=2, rtt_median_ms=15.0, rtt_sigma=0.4,
                                   loss_probability=0.0, seed=0)
    assert np.array_equal(legs.server_ms, server_ms)
    assert np.allclose(legs.client_ms, server_ms + legs.network_ms)
    assert legs.retransmit_share == 0 and (legs.retransmits == 0).all()
    # The sum of two independent lognormal round trips of median 15 ms: its median lies between
    # 2 x 15 ms (both at their median) and the sum of their means.
    mean_rtt_ms = 15.0 * math.exp(0.4 ** 2 / 2)
    assert 30.0 < np.median(legs.network_ms) < 2 * mean_rtt_ms


def test_network_leg_retransmit_share_follows_the_fanout_formula():
    legs = latency.add_network_leg(np.zeros(200_000), round_trips=3, loss_probability=0.02,
                                   seed=1)
    expected = latency.retransmit_share(3, 0.02)
    assert math.isclose(expected, 1 - 0.98 ** 3)
    standard_error = math.sqrt(expected * (1 - expected) / 200_000)
    assert abs(legs.retransmit_share - expected) < 4 * standard_error


def test_network_leg_backoff_doubles_the_timeout():
    # With a near-constant round trip, a request's network time is 2 RTT plus 200 ms x (2^k - 1)
    # per exchange lost k times in a row: only these values can occur.
    legs = latency.add_network_leg(np.zeros(100_000), round_trips=1, rtt_median_ms=10.0,
                                   rtt_sigma=0.0, loss_probability=0.3, rto_ms=200.0, seed=2)
    waits_ms = legs.network_ms - 10.0
    expected_ms = 200.0 * (2.0 ** legs.retransmits - 1)
    assert np.allclose(waits_ms, expected_ms)
    # Geometric losses: P(k >= 2) = p^2.
    assert abs(np.mean(legs.retransmits >= 2) - 0.09) < 0.005


def test_network_leg_moves_the_client_p99_not_the_server_p99():
    rng = np.random.default_rng(3)
    server_ms = rng.lognormal(np.log(16), 0.2, 20_000)
    quiet = latency.add_network_leg(server_ms, loss_probability=0.0, seed=3)
    lossy = latency.add_network_leg(server_ms, loss_probability=0.01, seed=3)
    assert percentile(quiet.server_ms, 99) == percentile(lossy.server_ms, 99)
    assert percentile(quiet.client_ms, 99) < 100 < 200 < percentile(lossy.client_ms, 99)


def test_network_leg_is_seeded():
    server_ms = np.full(1_000, 5.0)
    first = latency.add_network_leg(server_ms, seed=4)
    assert np.array_equal(first.network_ms, latency.add_network_leg(server_ms, seed=4).network_ms)
    assert not np.array_equal(first.network_ms,
                              latency.add_network_leg(server_ms, seed=5).network_ms)


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(server_ms=[]), ValueError, "server_ms"),
    (dict(server_ms=[-1.0]), ValueError, "server_ms"),
    (dict(round_trips=0), ValueError, "round_trips"),
    (dict(round_trips=1.5), TypeError, "round_trips"),
    (dict(rtt_median_ms=0), ValueError, "rtt_median_ms"),
    (dict(rtt_sigma=-0.1), ValueError, "rtt_sigma"),
    (dict(loss_probability=1.0), ValueError, "loss_probability"),
    (dict(loss_probability=-0.1), ValueError, "loss_probability"),
    (dict(rto_ms=0), ValueError, "rto_ms"),
    (dict(seed=-1), ValueError, "seed"),
])
def test_network_leg_rejects_bad_arguments(kwargs, error, name):
    arguments = dict(server_ms=[10.0, 20.0]) | kwargs
    with pytest.raises(error, match=name):
        latency.add_network_leg(arguments.pop("server_ms"), **arguments)


@pytest.mark.parametrize("round_trips, loss_probability, name", [
    (0, 0.01, "round_trips"), (2, 1.0, "loss_probability"), (2, -0.5, "loss_probability")])
def test_retransmit_share_rejects_bad_arguments(round_trips, loss_probability, name):
    with pytest.raises(ValueError, match=name):
        latency.retransmit_share(round_trips, loss_probability)


def test_plot_tail_curve_reads_the_share_slower_than_each_latency():
    ax = plot_tail_curve([10, 20, 30, 40, 1000], title="One slow request in five", max_share=0.5)
    x, y = ax.get_lines()[0].get_data()
    # Right of 40 ms and left of 1,000 ms, one request in five is slower.
    assert y[np.searchsorted(x, 40, side="right") - 1] == pytest.approx(0.2)
    assert y[-1] == 0 and ax.get_ylim() == (0.0, 0.5) and ax.get_xscale() == "log"
    with pytest.raises(ValueError, match="max_share"):
        plot_tail_curve([10, 20], title="t", max_share=0)
    with pytest.raises(ValueError, match="latencies_ms"):
        plot_tail_curve([0, 20], title="t")
    with pytest.raises(TypeError, match="title"):
        plot_tail_curve([10, 20], title=None)


def test_the_tail_explorer_updates_in_place_as_a_new_figure_draws():
    # The explorer's corners and middle as a slider walks them, then the live sliders' far
    # corner (the latency axis and the share axis step up) and back to the start.
    points = [{"revenue_elasticity": e, "lookup_ms_per_item": l}
              for e, l in [(0.5, 0.1), (0, 0), (1, 0), (1, 0.1), (0.25, 0.03), (2, 0.5),
                           (0, 0.01), (0.5, 0.1)]]
    assert updates_match(plot_tail_revenue, points) == []


def test_the_fanout_explorer_updates_in_place_as_a_new_figure_draws():
    # The explorer's corners and middle, walked as a slider would, the scale doubling and back.
    points = [{"n_servers": n, "p_slow": p}
              for n, p in [(100, 0.01), (1, 0.001), (1_000, 0.02), (1_000, 0.01), (30, 0.02),
                           (300, 0.001), (100, 0.01)]]
    assert updates_match(plot_fanout_latency, points) == []
