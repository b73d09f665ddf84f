"""Tests of mlsys.queueing: agreement with queueing theory, the batching policy, bad inputs."""

import dataclasses

import numpy as np
import pytest
from matplotlib.figure import Figure
from updates import updates_match

from mlsys.queueing import (
    HUYEN_SERVICE,
    ServerRun,
    _nearest_rank,
    batch_capacity_per_s,
    fit_batch_service,
    mm1_latency_percentile_ms,
    mm1_mean_latency_ms,
    plot_batching,
    simulate_server,
    simulate_server_loop,
)

# One request per batch, 1 ms mean service: a server with mu = 1000 requests/s.
ONE_MS_SERVICE = {"service_fixed_ms": 1.0, "service_per_item_ms": 0.0}
COLUMNS = ["arrival_ms", "batch_wait_ms", "queue_ms", "service_ms", "latency_ms", "batch_size"]


def time_average_in_system(run):
    """Mean number of requests in the system over [0, last departure], from the event timeline."""
    times = np.concatenate([run.arrival_ms, run.departure_ms])
    steps = np.concatenate([np.ones(run.n_requests), -np.ones(run.n_requests)])
    order = np.argsort(times, kind="stable")
    in_system = np.cumsum(steps[order])
    area = np.sum(in_system[:-1] * np.diff(times[order]))
    return area / times.max()


# --- agreement with theory -------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mm1_mean_and_percentiles_agree_with_theory(seed):
    # 10^6 requests: at rho = 0.8 the p99 of 2x10^5 requests still wanders by ~4% between seeds.
    run = simulate_server(800, 1_000_000, service_distribution="exponential", seed=seed,
                          **ONE_MS_SERVICE)
    assert run.mean_latency_ms == pytest.approx(mm1_mean_latency_ms(800, 1000), rel=0.03)
    for q, tolerance in [(50, 0.03), (90, 0.03), (99, 0.06)]:
        expected = mm1_latency_percentile_ms(q, 800, 1000)
        assert run.percentile_ms(q) == pytest.approx(expected, rel=tolerance)


def test_mm1_at_200k_requests_is_within_a_few_percent():
    run = simulate_server(800, 200_000, service_distribution="exponential", seed=0,
                          **ONE_MS_SERVICE)
    assert run.mean_latency_ms == pytest.approx(5.0, rel=0.05)
    assert run.percentile_ms(50) == pytest.approx(5.0 * np.log(2), rel=0.05)


def test_md1_queueing_delay_matches_pollaczek_khinchine():
    rho, service_ms = 0.8, 1.0
    run = simulate_server(800, 1_000_000, seed=0, **ONE_MS_SERVICE)
    assert run.queue_ms.mean() == pytest.approx(rho * service_ms / (2 * (1 - rho)), rel=0.03)


def test_mm1_closed_forms():
    assert mm1_mean_latency_ms(800, 1000) == pytest.approx(5.0)
    assert mm1_mean_latency_ms(0, 1000) == pytest.approx(1.0)
    assert mm1_latency_percentile_ms(50, 800, 1000) == pytest.approx(5.0 * np.log(2))
    assert mm1_latency_percentile_ms(99, 800, 1000) == pytest.approx(5.0 * np.log(100))


@pytest.mark.parametrize("policy", [
    {"max_batch_size": 1, "service_distribution": "exponential", **ONE_MS_SERVICE},
    {"max_batch_size": 8, "max_wait_ms": 5.0, "service_distribution": "exponential"},
    {"max_batch_size": 32, "max_wait_ms": 20.0},
])
def test_littles_law_holds_for_any_policy(policy):
    run = simulate_server(800, 200_000, seed=4, **policy)
    mean_in_system = time_average_in_system(run)
    assert mean_in_system == pytest.approx(800 / 1000 * run.mean_latency_ms, rel=0.015)


def test_full_batch_fill_wait_is_b_minus_1_over_2_lambda():
    # Batches close only when full and are served at once: wait to fill is (B - 1) / (2 lambda).
    run = simulate_server(1000, 100_000, max_batch_size=10, max_wait_ms=1e6,
                          service_fixed_ms=0.1, service_per_item_ms=0.01, seed=0)
    assert np.all(run.batch_size == 10)
    assert run.batch_wait_ms.mean() == pytest.approx((10 - 1) / (2 * 1000) * 1000, rel=0.02)


@pytest.mark.parametrize("max_batch_size, arrival_rate_per_s", [(2, 150), (8, 500), (32, 1900)])
def test_fill_wait_with_huyens_service_line_and_a_queue(max_batch_size, arrival_rate_per_s):
    # The batched path on Huyen's line, loaded enough that full batches also queue for the
    # server: the fill wait is still (B - 1) / (2 lambda) and Little's law still holds.
    run = simulate_server(arrival_rate_per_s, 200_000, max_batch_size=max_batch_size,
                          max_wait_ms=1e9, seed=1, **HUYEN_SERVICE)
    assert np.all(run.batch_size == max_batch_size)
    assert np.mean(run.queue_ms > 0) > 0.1  # many full batches wait for the server
    expected_ms = (max_batch_size - 1) / (2 * arrival_rate_per_s) * 1000
    assert run.batch_wait_ms.mean() == pytest.approx(expected_ms, rel=0.02)
    assert time_average_in_system(run) == pytest.approx(
        arrival_rate_per_s / 1000 * run.mean_latency_ms, rel=0.015)


def test_utilisation_and_throughput_when_stable():
    run = simulate_server(100, 100_000, seed=0)  # deterministic 6 ms service, rho = 0.6
    assert run.utilisation == pytest.approx(100 * 6.0 / 1000, rel=0.02)
    assert run.throughput_per_s == pytest.approx(100, rel=0.02)
    batched = simulate_server(800, 100_000, max_batch_size=16, max_wait_ms=10.0, seed=0)
    assert batched.throughput_per_s == pytest.approx(800, rel=0.02)


@pytest.mark.parametrize("max_batch_size", [1, 16])
def test_overload_runs_and_latency_grows_with_request_index(max_batch_size):
    n_requests = 20_000
    run = simulate_server(3000, n_requests, max_batch_size=max_batch_size, max_wait_ms=10.0,
                          **HUYEN_SERVICE)
    capacity_per_s = batch_capacity_per_s(max_batch_size)  # Huyen's line by default
    assert run.throughput_per_s == pytest.approx(capacity_per_s, rel=0.01)
    assert run.mean_batch_size == pytest.approx(max_batch_size, rel=0.01)
    tenth = n_requests // 10
    assert run.latency_ms[-tenth:].mean() > 5 * run.latency_ms[:tenth].mean()
    # Each request waits for everyone ahead: the backlog grows by (1/capacity - 1/lambda) each.
    growth_ms = (1 / capacity_per_s - 1 / 3000) * 1000
    assert run.latency_ms[-1] == pytest.approx(n_requests * growth_ms, rel=0.05)


def test_batch_capacity_fits_huyens_numbers():
    # DMLS ch.1: a batch of 10 queries in 10 ms is 1,000 queries/s; 50 in 20 ms is 2,500.
    assert batch_capacity_per_s(10) == pytest.approx(1000)
    assert batch_capacity_per_s(50) == pytest.approx(2500)
    assert HUYEN_SERVICE == {"service_fixed_ms": 7.5, "service_per_item_ms": 0.25}
    assert batch_capacity_per_s(1, 1.0, 0.0) == pytest.approx(1000)


def test_simulators_keep_their_generic_default_line():
    # Code outside the chapter (the benchmarks) relies on 6 ms for a single request.
    run = simulate_server(100, 1_000, seed=0)
    np.testing.assert_allclose(run.service_ms, 6.0)


# --- the fast path is the loop ----------------------------------------------------------------

@pytest.mark.parametrize("distribution", ["deterministic", "exponential"])
@pytest.mark.parametrize("rate", [100, 150, 3000])
def test_fifo_fast_path_matches_loop(rate, distribution):
    fast = simulate_server(rate, 20_000, service_distribution=distribution, seed=7)
    slow = simulate_server_loop(rate, 20_000, service_distribution=distribution, seed=7)
    np.testing.assert_array_equal(fast.batch_size, slow.batch_size)
    for column in COLUMNS[:-1]:  # cumulative sums round differently from the loop: 1e-9 ms
        np.testing.assert_allclose(getattr(fast, column), getattr(slow, column), rtol=0, atol=1e-9)


@pytest.mark.parametrize("max_batch_size, max_wait_ms, distribution", [
    (2, 0.0, "deterministic"), (8, 5.0, "exponential"), (16, 10.0, "deterministic"),
    (32, 0.0, "exponential"), (4, 100.0, "deterministic"),
])
@pytest.mark.parametrize("rate", [50, 800, 5000])
def test_batched_fast_path_matches_loop_exactly(rate, max_batch_size, max_wait_ms, distribution):
    policy = {"max_batch_size": max_batch_size, "max_wait_ms": max_wait_ms,
              "service_distribution": distribution, "seed": 3}
    fast = simulate_server(rate, 20_000, **policy)
    slow = simulate_server_loop(rate, 20_000, **policy)
    for column in COLUMNS:
        np.testing.assert_array_equal(getattr(fast, column), getattr(slow, column))


@pytest.mark.parametrize("n_requests", [1, 2, 7, 8, 9])
def test_fast_path_matches_loop_when_fewer_requests_than_a_batch(n_requests):
    policy = {"max_batch_size": 8, "max_wait_ms": 50.0, "seed": 0}
    fast = simulate_server(800, n_requests, **policy)
    slow = simulate_server_loop(800, n_requests, **policy)
    for column in COLUMNS:
        np.testing.assert_array_equal(getattr(fast, column), getattr(slow, column))


def test_same_seed_same_run_other_seed_other_run():
    first, again = simulate_server(800, 1000, seed=5), simulate_server(800, 1000, seed=5)
    np.testing.assert_array_equal(first.latency_ms, again.latency_ms)
    assert not np.array_equal(first.latency_ms, simulate_server(800, 1000, seed=6).latency_ms)


# --- the batching policy ------------------------------------------------------------------------

def test_latency_is_the_sum_of_its_parts_and_never_negative():
    run = simulate_server(800, 20_000, max_batch_size=8, max_wait_ms=5.0, seed=1)
    for column in ["batch_wait_ms", "queue_ms", "service_ms"]:
        assert np.all(getattr(run, column) >= 0)
    np.testing.assert_allclose(run.latency_ms, run.batch_wait_ms + run.queue_ms + run.service_ms)
    np.testing.assert_allclose(run.service_ms, 5.556 + 0.444 * run.batch_size)


def test_arrivals_far_apart_never_queue():
    # D/D-like: gaps of ~1 s against 0.01 ms service, so every request finds the server idle.
    run = simulate_server(1, 1000, max_batch_size=4, service_fixed_ms=0.01,
                          service_per_item_ms=0.0, seed=0)
    assert np.all(run.batch_size == 1)
    assert np.all(run.queue_ms == 0) and np.all(run.batch_wait_ms == 0)
    np.testing.assert_array_equal(run.latency_ms, run.service_ms)


def test_no_wait_and_idle_server_means_a_batch_of_one_served_at_once():
    run = simulate_server(50, 20_000, max_batch_size=8, max_wait_ms=0.0, seed=2)
    assert np.all(run.batch_wait_ms == 0)
    previous_departure = np.maximum.accumulate(np.concatenate([[0.0], run.departure_ms[:-1]]))
    idle_on_arrival = run.arrival_ms >= previous_departure
    assert idle_on_arrival.mean() > 0.5
    assert np.all(run.batch_size[idle_on_arrival] == 1)
    np.testing.assert_array_equal(run.latency_ms[idle_on_arrival], run.service_ms[idle_on_arrival])


@pytest.mark.parametrize("rate", [200, 800, 5000])
def test_batch_size_never_exceeds_the_cap(rate):
    run = simulate_server(rate, 20_000, max_batch_size=16, max_wait_ms=10.0, seed=0)
    assert run.batch_size.max() <= 16
    assert 1 <= run.mean_batch_size <= 16


def test_batches_are_consecutive_requests_of_the_stated_size():
    run = simulate_server(800, 20_000, max_batch_size=16, max_wait_ms=10.0, seed=0)
    batch_start_ms = run.arrival_ms + run.batch_wait_ms + run.queue_ms
    _, first, sizes = np.unique(batch_start_ms, return_index=True, return_counts=True)
    assert np.all(np.diff(first) > 0)  # FIFO: batches start in arrival order
    np.testing.assert_array_equal(run.batch_size[first], sizes)


def test_max_wait_is_respected_and_used():
    run = simulate_server(300, 20_000, max_batch_size=16, max_wait_ms=10.0, seed=0)
    assert run.batch_wait_ms.max() <= 10.0 + 1e-9
    assert run.batch_wait_ms.max() > 9.0  # at this load some batches do close on the timeout
    assert np.mean(run.queue_ms == 0) > 0.5  # mostly an idle server: the policy, not the queue


# --- records, percentiles, fitting ----------------------------------------------------------------

def test_server_run_is_an_immutable_record():
    run = simulate_server(800, 100, seed=0)
    assert isinstance(run, ServerRun) and run.n_requests == 100
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.seed = 1
    with pytest.raises(ValueError):
        run.latency_ms[0] = 0.0
    assert "arrival_rate_per_s=800.0" in repr(run) and "array" not in repr(run)


def test_nearest_rank_on_the_dmls_example():
    latencies_ms = [100, 102, 100, 100, 99, 104, 110, 90, 3000, 95]
    assert _nearest_rank(latencies_ms, 50) == 100
    assert _nearest_rank(latencies_ms, 90) == 110  # not 399 (linear) nor 3000 (higher)
    assert _nearest_rank(latencies_ms, 100) == 3000
    assert _nearest_rank(np.arange(1, 101), 99) == 99  # 0.99 * 100 is 99.00000000000001
    assert _nearest_rank(np.arange(1, 1001), 99.9) == 999
    assert _nearest_rank([5.0, 1.0], 1e-6) == 1.0


def test_fit_batch_service_on_huyens_points():
    fixed_ms, per_item_ms = fit_batch_service([10, 50], [10, 20])
    assert fixed_ms == pytest.approx(7.5)
    assert per_item_ms == pytest.approx(0.25)
    sizes = np.array([1, 4, 16, 64])
    assert fit_batch_service(sizes, 2.0 + 0.5 * sizes) == pytest.approx((2.0, 0.5))


# --- the explorer figure ------------------------------------------------------------------------

def test_plot_batching_states_the_slo_verdict_both_ways():
    within = plot_batching(800, 16)
    broken = plot_batching(3000, 1)
    assert isinstance(within, Figure) and isinstance(broken, Figure)
    assert "within the 100 ms SLO" in within.axes[0].get_title(loc="left")
    assert "the 100 ms SLO is broken" in broken.axes[0].get_title(loc="left")
    assert "utilisation" in within.axes[0].get_title(loc="right")


def test_plot_batching_serves_on_huyens_line_by_default():
    run = simulate_server(1000, 20_000, max_batch_size=16, max_wait_ms=10.0, seed=0,
                          **HUYEN_SERVICE)
    title = plot_batching(1000, 16).axes[0].get_title(loc="left")
    assert title == f"p99 = {run.percentile_ms(99):,.0f} ms, within the 100 ms SLO"


def test_plot_batching_lines_differ_by_style_and_label_and_are_deterministic():
    ax = plot_batching(800, 16, slo_ms=50.0).axes[0]
    labels = [line.get_label() for line in ax.get_lines()]
    assert [label.split(" =")[0] for label in labels] == ["p50", "p99", "p99 SLO"]
    assert len({str(line.get_linestyle()) for line in ax.get_lines()}) == 3
    assert ax.get_xscale() == "log"
    (histogram,) = ax.patches  # one StepPatch: the counts per bin
    again = plot_batching(800, 16, slo_ms=50.0).axes[0].patches[0]
    assert np.array_equal(histogram.get_data().values, again.get_data().values)
    assert histogram.get_data().values.sum() == 20_000  # every request in the range


def test_the_batching_explorer_updates_in_place_as_a_new_figure_draws():
    # Corners and middle of the explorer's grid, walked as a slider would: the latency axis
    # jumps from 200 ms to 200,000 ms (an overloaded queue) and back, the count scale too.
    points = [{"arrival_rate_per_s": r, "max_batch_size": b}
              for r, b in [(1_000, 16), (200, 1), (1_800, 1), (1_800, 64), (1_500, 16),
                           (500, 4), (200, 64), (1_000, 16)]]
    assert updates_match(plot_batching, points, max_wait_ms=10, slo_ms=100,
                         n_requests=10_000) == []


# --- bad inputs ----------------------------------------------------------------------------------

@pytest.mark.parametrize("simulate", [simulate_server, simulate_server_loop])
@pytest.mark.parametrize("kwargs, error, name", [
    ({"arrival_rate_per_s": -5}, ValueError, "arrival_rate_per_s"),
    ({"arrival_rate_per_s": 0}, ValueError, "arrival_rate_per_s"),
    ({"arrival_rate_per_s": "800"}, TypeError, "arrival_rate_per_s"),
    ({"n_requests": 0}, ValueError, "n_requests"),
    ({"n_requests": 10.5}, TypeError, "n_requests"),
    ({"max_batch_size": 0}, ValueError, "max_batch_size"),
    ({"max_batch_size": 2.5}, TypeError, "max_batch_size"),
    ({"max_wait_ms": -1.0}, ValueError, "max_wait_ms"),
    ({"service_fixed_ms": -1.0}, ValueError, "service_fixed_ms"),
    ({"service_per_item_ms": float("nan")}, ValueError, "service_per_item_ms"),
    ({"service_fixed_ms": 0.0, "service_per_item_ms": 0.0}, ValueError, "service_fixed_ms"),
    ({"service_distribution": "normal"}, ValueError, "service_distribution"),
    ({"seed": -1}, ValueError, "seed"),
])
def test_simulators_name_the_bad_argument(simulate, kwargs, error, name):
    arguments = {"arrival_rate_per_s": 800, "n_requests": 100, **kwargs}
    with pytest.raises(error, match=name):
        simulate(**arguments)


def test_theory_refuses_unstable_load_and_bad_percentiles():
    with pytest.raises(ValueError, match="arrival_rate_per_s.*service_rate_per_s"):
        mm1_mean_latency_ms(1000, 1000)
    with pytest.raises(ValueError, match="unstable load"):
        mm1_latency_percentile_ms(99, 1200, 1000)
    with pytest.raises(ValueError, match="service_rate_per_s"):
        mm1_mean_latency_ms(10, 0)
    with pytest.raises(ValueError, match="arrival_rate_per_s"):
        mm1_mean_latency_ms(-1, 1000)
    for q in [0, 100, 150]:
        with pytest.raises(ValueError, match="q"):
            mm1_latency_percentile_ms(q, 800, 1000)


def test_percentile_ms_refuses_q_outside_0_to_100():
    run = simulate_server(800, 100, seed=0)
    assert run.percentile_ms(100) == run.latency_ms.max()
    for q in [0, -1, 100.5]:
        with pytest.raises(ValueError, match="q must be"):
            run.percentile_ms(q)


@pytest.mark.parametrize("args, name", [
    ((0,), "max_batch_size"),
    ((8, -1.0, 0.4), "service_fixed_ms"),
    ((8, 0.0, 0.0), "service_fixed_ms"),
])
def test_batch_capacity_names_the_bad_argument(args, name):
    with pytest.raises(ValueError, match=name):
        batch_capacity_per_s(*args)


@pytest.mark.parametrize("sizes, times, name", [
    ([10], [10], "batch_sizes"),
    ([10, 100, 50], [10, 50], "same length"),
    ([0, 100], [10, 50], "batch_sizes"),
    ([10, 100], [10, -50], "service_ms"),
    ([10, 10], [10, 12], "two different sizes"),
])
def test_fit_batch_service_refuses_bad_measurements(sizes, times, name):
    with pytest.raises(ValueError, match=name):
        fit_batch_service(sizes, times)


def test_plot_batching_names_the_bad_argument():
    with pytest.raises(ValueError, match="slo_ms"):
        plot_batching(800, 16, slo_ms=0)
    with pytest.raises(ValueError, match="arrival_rate_per_s"):
        plot_batching(-800, 16)
    with pytest.raises(TypeError, match="max_batch_size"):
        plot_batching(800, 1.5)

