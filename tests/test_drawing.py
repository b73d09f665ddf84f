"""mlsys.drawing: a figure updated in place renders what a new figure renders, never stale."""

import re
from pathlib import Path

import matplotlib.pyplot as plt
import nbformat
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg

import importlib
import pkgutil

import mlsys
from mlsys import drawing
from mlsys.explorer import updates_in_place
from updates import updates_match

ROOT = Path(__file__).resolve().parents[1]


def plot_bars(height, *, note="", figure=None):
    """Two bars (kept), a static line over them, and a title (kept)."""
    kept = drawing.reuse(figure, plot_bars)
    if kept is None:
        fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
        bars = ax.bar(["a", "b"], [0, 0])
        ax.axhline(0.5, color="black")  # above the bars: must be redrawn over them
        ax.set_ylim(0, 1)
        ax.text(0.1, 0.9, "static", transform=ax.transAxes)
        kept = drawing.keep(fig, plot_bars, bars=bars, title=ax.set_title(""))
    for bar, value in zip(kept.bars, (height, 1 - height)):
        bar.set_height(value)
    kept.title.set_text(f"height {height:.2f}{note}")
    kept.title.axes.set_ylim(0, 1)  # the same limits again: no reason to draw everything
    return kept.figure


def plot_forgetful(height, *, figure=None):
    """Changes an artist it did not keep: `render` must notice and draw it all."""
    kept = drawing.reuse(figure, plot_forgetful)
    if kept is None:
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.set_ylim(0, 1)
        line = ax.plot([0, 1], [0, 0], zorder=0.1)[0]  # below the kept title: background
        kept = drawing.keep(fig, plot_forgetful, title=ax.set_title(""))
        fig.forgotten_line = line  # not kept: set below all the same
    kept.figure.forgotten_line.set_ydata([height, height])
    kept.title.set_text(f"{height:.1f}")
    return kept.figure


def plot_rescaled(height, *, figure=None):
    """Changes an axis limit: `render` must draw the figure again."""
    kept = drawing.reuse(figure, plot_rescaled)
    if kept is None:
        fig, ax = plt.subplots(figsize=(4, 3))
        kept = drawing.keep(fig, plot_rescaled, line=ax.plot([0, 1], [0, 0])[0])
    kept.line.set_ydata([0, height])
    kept.line.axes.set_ylim(0, height)
    return kept.figure


def plot_hidden_axis(height, *, figure=None):
    """Hides its y axis for some heights: `render` must see an axis appear and go."""
    kept = drawing.reuse(figure, plot_hidden_axis)
    if kept is None:
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.set_ylim(0, 1)
        kept = drawing.keep(fig, plot_hidden_axis, line=ax.plot([0, 1], [0, 0], zorder=3)[0])
    kept.line.set_ydata([height, height])
    kept.line.axes.yaxis.set_visible(height < 0.5)
    return kept.figure


def full_draw(figure, like):
    figure.set_layout_engine("none")
    for ax, frozen in zip(figure.axes, like.axes):
        ax.set_position(frozen.get_position())
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())


@pytest.mark.parametrize("plot, values", [(plot_bars, [0.2, 0.9, 0.5, 0.5]),
                                          (plot_forgetful, [0.2, 0.7, 0.1]),
                                          (plot_rescaled, [1.0, 3.0, 2.0]),
                                          (plot_hidden_axis, [0.2, 0.7, 0.3])])
def test_an_updated_figure_renders_what_a_new_one_renders(plot, values):
    figure = None
    for value in values:
        figure = plot(value, figure=figure)
        fast = drawing.render(figure)
        np.testing.assert_array_equal(fast, full_draw(plot(value), figure))
    plt.close("all")


def test_the_update_redraws_only_what_changes():
    figure = plot_bars(0.2)
    drawing.render(figure)
    state = figure._mlsys_render
    plot_bars(0.8, figure=figure)
    drawing.render(figure)
    assert figure._mlsys_render is state, "a kept artist's change must not force a full draw"
    plot_forgetful_figure = plot_forgetful(0.2)
    drawing.render(plot_forgetful_figure)
    state = plot_forgetful_figure._mlsys_render
    plot_forgetful(0.9, figure=plot_forgetful_figure)
    drawing.render(plot_forgetful_figure)
    assert plot_forgetful_figure._mlsys_render is not state, "a stale background was reused"
    plt.close("all")


def test_updates_match_finds_a_stale_artist_and_a_moved_layout():
    def plot_stale(height, *, figure=None):
        kept = drawing.reuse(figure, plot_stale)
        if kept is None:
            fig, ax = plt.subplots(figsize=(4, 3))
            ax.set_ylim(0, 1)
            kept = drawing.keep(fig, plot_stale, line=ax.plot([0, 1], [0, 0])[0])
            ax.set_title(f"{height}")  # drawn once: stale after an update
        kept.line.set_ydata([height, height])
        return kept.figure

    problems = updates_match(plot_stale, [{"height": 0.2}, {"height": 0.8}])
    assert any("titles differ" in p for p in problems) and any("pixels differ" in p for p in problems)

    def plot_growing(top, *, figure=None):
        kept = drawing.reuse(figure, plot_growing)
        if kept is None:
            fig, ax = plt.subplots(figsize=(4, 3), layout="constrained")
            kept = drawing.keep(fig, plot_growing, line=ax.plot([0, 1], [0, 0])[0])
        kept.line.set_ydata([0, top])
        kept.line.axes.set_ylim(0, top)
        return kept.figure

    problems = updates_match(plot_growing, [{"top": 1}, {"top": 1_000_000}])
    assert any("layout" in p for p in problems), problems
    assert updates_match(plot_bars, [{"height": h} for h in (0.1, 0.6, 0.3)]) == []


def test_reuse_and_keep_reject_bad_input():
    assert drawing.reuse(None, plot_bars) is None
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        drawing.reuse("figure", plot_bars)
    with pytest.raises(ValueError, match="figure must be one that plot_forgetful drew"):
        drawing.reuse(plot_bars(0.5), plot_forgetful)
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="at least one artist"):
        drawing.keep(fig, plot_bars)
    with pytest.raises(TypeError, match="line must be an artist"):
        drawing.keep(fig, plot_bars, line=[1, 2])
    with pytest.raises(TypeError, match="plot must be the plotting function"):
        drawing.keep(fig, "plot", line=ax.plot([0], [0])[0])
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        drawing.render(None)
    with pytest.raises(ValueError, match="maxsize must be an integer >= 1"):
        drawing.cached(0)
    plt.close("all")


def test_cached_results_are_shared_until_cleared():
    calls = []

    @drawing.cached(maxsize=4)
    def simulate(seed):
        calls.append(seed)
        return seed * 2

    assert simulate(3) == simulate(3) == 6 and calls == [3]
    drawing.clear_caches()
    simulate(3)
    assert calls == [3, 3]


# --------------------------------------------------------------------------------------------
# Every explorer of the book updates in place, and has a test that the update is faithful
# --------------------------------------------------------------------------------------------

EXPLORER_CALL = re.compile(r"(?<![\w.])(?:live_)?explorer\(\s*([A-Za-z_][\w.]*)")


def explorer_plots():
    """(notebook, name of the plotting function) for every explorer call in the chapters."""
    found = set()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                found.update((path.name, name) for name in EXPLORER_CALL.findall(cell.source))
    return sorted(found)


def test_the_chapters_have_explorers():
    assert len(explorer_plots()) >= 28


@pytest.mark.parametrize("notebook, name", explorer_plots())
def test_every_explorer_updates_in_place_and_is_checked(notebook, name):
    assert name != "lambda", (f"{notebook}: an explorer of a lambda cannot update in place; "
                              "give the plotting function a name and a figure= keyword")
    modules = [importlib.import_module(f"mlsys.{info.name}")
               for info in pkgutil.iter_modules(mlsys.__path__) if not info.ispkg]
    plots = [getattr(module, name) for module in modules if callable(getattr(module, name, None))]
    assert plots, f"{name} is not a function of the package: a chapter's explorer draws with one"
    assert updates_in_place(plots[0]), f"{name} takes no figure= keyword (mlsys.drawing)"
    tests = "\n".join(path.read_text() for path in (ROOT / "tests").glob("test_*.py"))
    assert re.search(rf"updates_match\(\s*(?:\w+\.)?{name}\b", tests), (
        f"no test calls updates_match({name}, ...) at points of its explorer's grid")
