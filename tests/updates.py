"""Checks that a plotting function's in-place update shows what a freshly drawn figure shows.

`updates_match(plot, points, **fixed)` walks `points` (dicts of parameters) with one figure,
updated in place by ``plot(**params, figure=figure)`` and rendered by `mlsys.drawing.render`
(after the first point, by redrawing only what changes), and at each point compares it with
a new figure from the plain call ``plot(**params)``:

- the same pixels as the new figure drawn in full with the same layout (no stale artist);
- the same titles (the alt text is made from them);
- a layout the new figure's own layout engine would give within `layout_px` pixels (the
  frozen layout still fits the content: no tick label or title outgrows its margin).
"""

from __future__ import annotations

import numpy as np
import matplotlib.pyplot as plt
from matplotlib.backends.backend_agg import FigureCanvasAgg

from mlsys import drawing
from mlsys.explorer import figure_title


def _positions(figure):
    return [np.asarray(ax.get_position().bounds) for ax in figure.axes]


def updates_match(plot, points, *, layout_px=3.0, **fixed) -> list[str]:
    """Problems found along `points` (an empty list when the fast path is faithful)."""
    problems, figure = [], None
    for step, params in enumerate(points):
        figure = plot(**params, **fixed, figure=figure)
        fast = drawing.render(figure)
        where = f"point {step} {params}"
        own = plot(**params, **fixed)
        if figure_title(own) != figure_title(figure):
            problems.append(f"{where}: titles differ: {figure_title(figure)!r} after the "
                            f"update, {figure_title(own)!r} drawn new")
        engine = own.get_layout_engine()
        if engine is not None:
            FigureCanvasAgg(own)
            engine.execute(own)
        width, height = own.get_size_inches() * own.dpi
        for index, (mine, theirs) in enumerate(zip(_positions(figure), _positions(own))):
            moved = np.abs(mine - theirs) * [width, height, width, height]
            if moved.max() > layout_px:
                problems.append(f"{where}: axes {index} sits {moved.max():.1f} px from where a "
                                "new figure's layout puts it (fix limits or text sizes)")
        plt.close(own)
        full = plot(**params, **fixed)
        full.set_layout_engine("none")
        for ax, frozen in zip(full.axes, figure.axes):
            ax.set_position(frozen.get_position(original=True))  # before any aspect shrinks it
        for name in ("_suptitle", "_supxlabel", "_supylabel"):  # placed by the layout too
            mine, theirs = getattr(figure, name, None), getattr(full, name, None)
            if mine is not None and theirs is not None:
                theirs.set_position(mine.get_position())
        canvas = FigureCanvasAgg(full)
        canvas.draw()
        drawn = np.asarray(canvas.buffer_rgba())
        plt.close(full)
        if drawn.shape != fast.shape:
            problems.append(f"{where}: {fast.shape} pixels after the update, {drawn.shape} new")
            continue
        differ = np.any(drawn != fast, axis=-1)
        if differ.any():
            rows, cols = np.nonzero(differ)
            problems.append(f"{where}: {differ.sum()} pixels differ from a full draw, in "
                            f"x {cols.min()}-{cols.max()}, y {rows.min()}-{rows.max()}")
    plt.close(figure)
    return problems
