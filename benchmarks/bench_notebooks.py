"""Time each notebook top to bottom in a fresh kernel, and each explorer three ways.

To time every explorer of the book without touching the notebooks, each notebook with an
explorer runs with one extra first cell, `probe_explorers`, which wraps
``mlsys.explorer.explorer``: before building the real widget, it draws the explorer's grid

- *plain*, the reference: a new figure per point, drawn in full by a new canvas and saved as
  the site's optimised PNG, with every simulation cache emptied before each point (how
  explorers drew before figures were updated in place);
- *precompute*, as `explorer` now does: one figure updated in place from point to point and
  saved as the site's PNG, caches emptied once before the grid;
- *live*, as `live_explorer` does on each slider move: the figure updated in place and saved as
  a fast PNG, caches emptied before the grid; the first point (the cell's own first draw) is
  not an update and is left out.

Each time is the plotting function and its PNG (render, quantize, compress), in ms.
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
    """Wrap mlsys.explorer.explorer so that each call logs its three timings (ms) to `log_path`.

    Runs inside the notebook's kernel, as its first cell.
    """
    import io
    import itertools
    import json
    import time

    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    import mlsys.explorer
    from mlsys.drawing import clear_caches

    real_explorer = mlsys.explorer.explorer

    def plain_png(figure):  # figure_to_png as it was: one full draw on a new canvas
        plt.close(figure)
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        image = Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(),
                                 "raw", "RGBA", 0, 1).convert("RGB").quantize(
            colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
        image.save(io.BytesIO(), format="png", optimize=True)

    def timed(draw, points):
        times = []
        for params in points:
            start = time.perf_counter()
            draw(params)
            times.append((time.perf_counter() - start) * 1e3)
        return times

    def timed_live(plot, alt, points):  # from cold caches; the first draw is no update
        clear_caches()
        live = mlsys.explorer._Drawer(plot, alt, optimize=False)
        live.html(points[0])
        live_ms = timed(live.html, points[1:])
        if live.figure is not None:
            plt.close(live.figure)
        return live_ms

    def log(record, plot):
        record["in_place"] = mlsys.explorer.updates_in_place(plot)
        with open(log_path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")

    def timed_explorer(plot, grid, *args, **kwargs):
        names, fixed = list(grid), dict(kwargs.get("fixed") or {})
        alt = kwargs.get("alt", "figure")
        points = [{**dict(zip(names, values)), **fixed}
                  for values in itertools.product(*(grid[n] for n in names))]
        plain_png(plot(**points[0]))  # warm-up: first-call imports

        def plain(params):
            clear_caches()
            plain_png(plot(**params))

        plain_ms = timed(plain, points)
        clear_caches()
        precompute_ms = timed(mlsys.explorer._Drawer(plot, alt).html, points)
        log({"kind": "grid", "parameters": names, "grid_size": len(points),
             "plain_ms": plain_ms, "precompute_ms": precompute_ms,
             "live_ms": timed_live(plot, alt, points)}, plot)
        return real_explorer(plot, grid, *args, **kwargs)

    real_live = mlsys.explorer.live_explorer

    def timed_live_explorer(plot, sliders, *args, **kwargs):
        # A learner's moves: from the start, each slider in turn across its range in 8 steps.
        fixed, alt = dict(kwargs.get("fixed") or {}), kwargs.get("alt", "figure")
        start = {name: spec[3] for name, spec in sliders.items()}
        points = [dict(start)]
        for name, (low, high, step, _) in sliders.items():
            for k in range(8):
                value = low + round((high - low) * k / 7 / step) * step
                value = type(low)(min(max(value, low), high))
                points.append({**points[-1], name: value})
        points = [{**point, **fixed} for point in points]
        log({"kind": "live", "parameters": list(sliders), "grid_size": len(points) - 1,
             "live_ms": timed_live(plot, alt, points)}, plot)
        return real_live(plot, sliders, *args, **kwargs)

    mlsys.explorer.explorer = timed_explorer
    mlsys.explorer.live_explorer = timed_live_explorer


def has_explorer(path) -> bool:
    """True if a code cell of the notebook at `path` calls an explorer (or a live one)."""
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
        for index, record in enumerate(records, start=1):
            live = record["live_ms"]
            record.update(notebook=path, index=index, p50_ms=percentile(live, 50),
                          p95_ms=percentile(live, 95), max_ms=max(live))
            line = (f"  {path:<42} {record['kind']} explorer {index} "
                    f"({', '.join(record['parameters'])}): {record['grid_size']} updates, p50 "
                    f"{record['p50_ms']:.0f} ms, p95 {record['p95_ms']:.0f} ms")
            if record["kind"] == "grid":
                record.update(plain_s=sum(record["plain_ms"]) / 1e3,
                              precompute_s=sum(record["precompute_ms"]) / 1e3)
                line += (f"; precompute {record['precompute_s']:.2f} s against "
                         f"{record['plain_s']:.2f} s plain")
            explorers.append(record)
            print(line, flush=True)
    return explorers
