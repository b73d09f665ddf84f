"""Time the vectorised server simulation against its plain-loop reference.

Run from the repository root: ``python benchmarks/bench_queueing.py``. Prints requests simulated
per second (median of 7 repeats) for each path and the speed-up.
"""

import statistics
import time

from mlsys.queueing import simulate_server, simulate_server_loop

N_REQUESTS = 100_000
REPEATS = 7
# (max_batch_size, max_wait_ms, arrival_rate_per_s): FIFO near capacity (167 requests/s), then
# batching under light load (many small batches: the slow case of the per-batch loop) and busy.
SCENARIOS = [
    (1, 0.0, 150),
    (16, 10.0, 100),
    (16, 10.0, 1000),
    (32, 10.0, 100),
    (32, 10.0, 1500),
]


def median_seconds(simulate, **kwargs) -> float:
    """Median wall-clock time (s) of `simulate(**kwargs)` over REPEATS runs."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        simulate(**kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    print(f"{N_REQUESTS:,} requests per run, median of {REPEATS} runs, seed 0\n")
    header = (f"{'batch':>5} {'wait ms':>7} {'rate/s':>6} {'batches':>8} {'fast ms':>8} "
              f"{'loop ms':>8} {'fast req/s':>11} {'loop req/s':>11} {'speed-up':>8}")
    print(header)
    print("-" * len(header))
    for max_batch_size, max_wait_ms, rate in SCENARIOS:
        kwargs = {"arrival_rate_per_s": rate, "n_requests": N_REQUESTS,
                  "max_batch_size": max_batch_size, "max_wait_ms": max_wait_ms}
        n_batches = N_REQUESTS / simulate_server(**kwargs).mean_batch_size
        fast_s = median_seconds(simulate_server, **kwargs)
        loop_s = median_seconds(simulate_server_loop, **kwargs)
        print(f"{max_batch_size:>5} {max_wait_ms:>7g} {rate:>6} {n_batches:>8,.0f} "
              f"{fast_s * 1e3:>8.1f} {loop_s * 1e3:>8.1f} {N_REQUESTS / fast_s:>11,.0f} "
              f"{N_REQUESTS / loop_s:>11,.0f} {loop_s / fast_s:>7.1f}x")


if __name__ == "__main__":
    main()
