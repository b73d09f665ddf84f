"""Time the vectorised server simulation against its plain-loop reference.

Run from the repository root: ``python benchmarks/bench_queueing.py`` (or ``python -m benchmarks
--only queueing``). Prints requests simulated per second (median of 7 repeats) for each path and
the speed-up.
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


def median_seconds(simulate, repeats=REPEATS, **kwargs) -> float:
    """Median wall-clock time (s) of `simulate(**kwargs)` over `repeats` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        simulate(**kwargs)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(n_requests=N_REQUESTS, repeats=REPEATS) -> list:
    """One dict per scenario: its parameters, batches, median times (ms) and requests/s."""
    rows = []
    for max_batch_size, max_wait_ms, rate in SCENARIOS:
        kwargs = {"arrival_rate_per_s": rate, "n_requests": n_requests,
                  "max_batch_size": max_batch_size, "max_wait_ms": max_wait_ms}
        n_batches = n_requests / simulate_server(**kwargs).mean_batch_size
        fast_s = median_seconds(simulate_server, repeats, **kwargs)
        loop_s = median_seconds(simulate_server_loop, repeats, **kwargs)
        rows.append({"max_batch_size": max_batch_size, "max_wait_ms": max_wait_ms,
                     "arrival_rate_per_s": rate, "n_requests": n_requests, "repeats": repeats,
                     "batches": round(n_batches), "fast_ms": fast_s * 1e3,
                     "loop_ms": loop_s * 1e3, "fast_requests_per_s": n_requests / fast_s,
                     "loop_requests_per_s": n_requests / loop_s, "speed_up": loop_s / fast_s})
    return rows


def print_table(rows) -> None:
    """Print `measure`'s rows as a table."""
    print(f"{rows[0]['n_requests']:,} requests per run, median of {rows[0]['repeats']} runs, "
          "seed 0\n")
    header = (f"{'batch':>5} {'wait ms':>7} {'rate/s':>6} {'batches':>8} {'fast ms':>8} "
              f"{'loop ms':>8} {'fast req/s':>11} {'loop req/s':>11} {'speed-up':>8}")
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['max_batch_size']:>5} {r['max_wait_ms']:>7g} {r['arrival_rate_per_s']:>6} "
              f"{r['batches']:>8,} {r['fast_ms']:>8.1f} {r['loop_ms']:>8.1f} "
              f"{r['fast_requests_per_s']:>11,.0f} {r['loop_requests_per_s']:>11,.0f} "
              f"{r['speed_up']:>7.1f}x")


def main() -> None:
    print_table(measure())


if __name__ == "__main__":
    main()
