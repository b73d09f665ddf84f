"""Time each notebook top to bottom in a fresh kernel, and each explorer's live redraw.

A live redraw (``live_explorer`` in Jupyter) costs one ``figure_to_png(plot(**params))``: the
plot function (simulation and drawing) then the PNG (render, quantize, compress). To
time it for every explorer of the book without touching the notebooks, each notebook with an
explorer runs with one extra first cell, `probe_explorers`, which wraps
``mlsys.explorer.explorer``: before building the real widget, it times the plot function and
its PNG at every point of the explorer's grid.
"""

from __future__ import annotations

import inspect
import json
import statistics
import tempfile
import time
from pathlib import Path

import nbformat

from mlsys.latency import percentile
from mlsys.notebooks import execute, read


def probe_explorers(log_path):
    """Wrap mlsys.explorer.explorer so that each call logs its redraw times (ms) to `log_path`.

    Runs inside the notebook's kernel, as its first cell.
    """
    import itertools
    import json
    import time

    import mlsys.explorer

    real_explorer, to_png = mlsys.explorer.explorer, mlsys.explorer.figure_to_png
    calls = []

    def timed_explorer(plot, grid, *args, **kwargs):
        names, fixed = list(grid), dict(kwargs.get("fixed") or {})
        points = [dict(zip(names, values))
                  for values in itertools.product(*(grid[n] for n in names))]
        to_png(plot(**points[0], **fixed))  # warm-up: first-call imports and caches
        plot_ms, times_ms = [], []
        for params in points:
            start = time.perf_counter()
            figure = plot(**params, **fixed)
            plotted = time.perf_counter()
            to_png(figure)
            plot_ms.append((plotted - start) * 1e3)
            times_ms.append((time.perf_counter() - start) * 1e3)
        calls.append(None)
        record = {"index": len(calls), "parameters": names, "grid_size": len(points),
                  "times_ms": times_ms, "plot_ms": plot_ms}
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")
        return real_explorer(plot, grid, *args, **kwargs)

    mlsys.explorer.explorer = timed_explorer


def has_explorer(path) -> bool:
    """True if a code cell of the notebook at `path` calls an explorer."""
    return any(cell.cell_type == "code" and "explorer(" in cell.source
               for cell in read(path).cells)


def time_execution(path, root) -> float:
    """Wall-clock seconds to execute the notebook at `path` (relative to `root`), kernel start
    included. The notebook file is left unchanged."""
    path = Path(root, path)
    notebook = read(path)
    start = time.perf_counter()
    execute(notebook, cwd=path.parent)
    return time.perf_counter() - start


def measure_notebooks(paths, root, repeats) -> dict:
    """``{path: {"runs_s": [...], "median_s": ...}}``: each notebook executed `repeats` times."""
    results = {}
    for path in paths:
        runs = [time_execution(path, root) for _ in range(repeats)]
        results[path] = {"runs_s": runs, "median_s": statistics.median(runs)}
        print(f"  {path:<42} {results[path]['median_s']:6.1f} s  (runs: "
              + ", ".join(f"{s:.1f}" for s in runs) + ")", flush=True)
    return results


def measure_explorers(paths, root) -> list:
    """One dict per explorer call in the notebooks at `paths`: its grid and redraw percentiles."""
    explorers = []
    for path in paths:
        if not has_explorer(Path(root, path)):
            continue
        notebook = read(Path(root, path))
        with tempfile.TemporaryDirectory() as tmp:
            log_path = Path(tmp, "explorers.jsonl")
            source = (inspect.getsource(probe_explorers)
                      + f"\nprobe_explorers({str(log_path)!r})\ndel probe_explorers")
            notebook.cells.insert(0, nbformat.v4.new_code_cell(source))
            execute(notebook, cwd=Path(root, path).parent)
            records = [json.loads(line) for line in log_path.read_text().splitlines()]
        for record in records:
            times, plot_ms = record.pop("times_ms"), record.pop("plot_ms")
            png_ms = [t - p for t, p in zip(times, plot_ms)]
            record.update(notebook=path, p50_ms=percentile(times, 50),
                          p95_ms=percentile(times, 95), max_ms=max(times),
                          plot_p50_ms=percentile(plot_ms, 50), png_p50_ms=percentile(png_ms, 50),
                          times_ms=times, plot_ms=plot_ms)
            explorers.append(record)
            print(f"  {path:<42} explorer {record['index']} ({', '.join(record['parameters'])}):"
                  f" {record['grid_size']} figures, p50 {record['p50_ms']:.0f} ms, "
                  f"p95 {record['p95_ms']:.0f} ms (p50 of plot {record['plot_p50_ms']:.0f} ms,"
                  f" of PNG {record['png_p50_ms']:.0f} ms)", flush=True)
    return explorers
