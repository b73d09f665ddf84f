"""Figures drawn once and updated in place: the fast path of every explorer.

A plotting function that an explorer moves takes one more keyword, ``figure``. Called plainly
(``figure=None``) it returns a new, finished figure, as any plotting function does. Called
with a figure it drew before, it updates that figure's changing artists (line and bar data,
text, positions) to the new parameters and returns the same figure. The function is written
once, in two parts:

>>> import matplotlib.pyplot as plt
>>> def plot_line(slope, *, figure=None):
...     kept = reuse(figure, plot_line)
...     if kept is None:                       # the static part, drawn once
...         fig, ax = plt.subplots()
...         ax.set_xlim(0, 1)
...         ax.set_ylim(0, 5)                  # fixed: the layout must not move
...         kept = keep(fig, plot_line, line=ax.plot([0, 1], [0, 0])[0], title=ax.title)
...     kept.line.set_ydata([0, slope])        # the changing part, for new and updated figures
...     kept.title.set_text(f"slope {slope:g}")
...     return kept.figure
>>> fig = plot_line(1)
>>> plot_line(3, figure=fig) is fig
True
>>> fig.axes[0].get_title()
'slope 3'

Because the plain call runs the same update code, a fresh figure and an updated one cannot
drift apart in what they compute; `render` then makes the update cheap. The first render of a
figure lays it out, freezes that layout and keeps the pixels of everything below the changing
artists; later renders restore those pixels and redraw only the changing artists and whatever
lies above them in drawing order, so the image is the one a full draw would give. When
something outside that set changed (an axis limit, an artist not kept), `render` draws the
whole figure again: slower, never stale. `tests/updates.py` checks each explorer's function
against fresh figures, pixel for pixel.

Simulations behind a figure are cached with `cached`, so that a slider that only moves a
threshold does not re-run the simulation; `clear_caches` empties every such cache (the
benchmark measures from cold caches).
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import Container
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine

_CACHES = []


def reuse(figure, plot):
    """Return the artists `plot` kept on `figure` to update them, or None when `figure` is None.

    None tells `plot` to draw a new figure (and `keep` its changing artists). A figure that
    `plot` did not draw is refused, since its artists are not the ones `plot` updates.
    """
    if figure is None:
        return None
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure drawn by {_name(plot)}, or None; "
                        f"got {type(figure).__name__}")
    kept = getattr(figure, "_mlsys_kept", None)
    if kept is None or kept.plot is not plot:
        raise ValueError(f"figure must be one that {_name(plot)} drew (figure=None draws a new "
                         "one)")
    return kept


def keep(figure, plot, **artists):
    """Record on `figure` the artists that `plot` changes with its parameters; return them.

    Each keyword names an artist, a list of artists or a container (such as the bars of
    ``ax.bar``); the returned namespace has them as attributes, and ``figure``. Only the kept
    artists and what is drawn above them are redrawn by `render`: keep every artist whose
    data, text, position, colour or visibility the parameters change.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure; got {type(figure).__name__}")
    if not callable(plot):
        raise TypeError(f"plot must be the plotting function that drew the figure; got {plot!r}")
    if not artists:
        raise ValueError("keep needs at least one artist that changes (name=artist)")
    for name, value in artists.items():
        if _flatten(value) is None:
            raise TypeError(f"{name} must be an artist, a list of artists or a container of "
                            f"them; got {value!r}")
    kept = SimpleNamespace(figure=figure, plot=plot, **artists)
    figure._mlsys_kept = kept
    return kept


def _name(plot) -> str:
    return getattr(plot, "__name__", repr(plot))


def _flatten(value):
    """The artists in `value` (an artist, a list or a container of them), or None."""
    if isinstance(value, Artist):
        return [value]
    if isinstance(value, (list, tuple, Container)):
        artists = []
        for item in value:
            found = _flatten(item)
            if found is None:
                return None
            artists += found
        return artists
    return None


def kept_artists(figure) -> list:
    """The artists kept on `figure` by its plotting function (empty for a plain figure)."""
    kept = getattr(figure, "_mlsys_kept", None)
    if kept is None:
        return []
    names = [name for name in vars(kept) if name not in ("figure", "plot")]
    # Only what `keep` recorded, and anything else that is artists: other values are ignored.
    return [artist for name in names for artist in (_flatten(getattr(kept, name)) or [])]


# ---------------------------------------------------------------------------------------------
# Rendering: a full draw the first time, then only what changes
# ---------------------------------------------------------------------------------------------

def _draw_order(children):
    """Children in the order Figure.draw and Axes.draw draw them: by zorder, stable."""
    return sorted(children, key=lambda artist: artist.get_zorder())


def _axes_children(ax):
    return [child for child in ax.get_children() if child is not ax.patch]


def _plan(figure, kept):
    """What is redrawn on each update: per drawn figure child, None (kept in the background),
    "all" (the whole child) or the list of an axes' children from the lowest kept one up."""
    kept_ids = {id(artist) for artist in kept}
    plan, dirty = [], []
    for child in _draw_order([c for c in figure.get_children() if c is not figure.patch]):
        if isinstance(child, Axes):
            children = _draw_order(_axes_children(child))
            lows = [a.get_zorder() for a in children if id(a) in kept_ids
                    or any(id(k) in kept_ids for k in _descendants(a))]
            overlaps = any(child.bbox.overlaps(box) for box in dirty)
            if overlaps:
                plan.append((child, "all"))
            elif lows:
                low = min(lows)
                plan.append((child, [a for a in children if a.get_zorder() >= low]))
            else:
                plan.append((child, None))
                continue
            dirty.append(child.bbox.frozen())
        else:
            # Figure-level artists (titles, legends, texts) are few and cheap: always redrawn.
            plan.append((child, "all"))
    return plan


def _descendants(artist):
    found = []
    for child in artist.get_children():
        found.append(child)
        found.extend(_descendants(child))
    return found


def _redrawn(plan):
    return [child for child, part in plan if part == "all"] + [
        artist for child, part in plan if isinstance(part, list) for artist in part]


def _background_artists(plan):
    """Artists drawn into the background: one of them stale means the background is stale.

    An axis's ticks are left out: drawing updates them, and they follow the axis limits,
    which `render` compares on their own.
    """
    background = []
    for child, part in plan:
        if part is None:
            background.extend(_watched(child))
        elif isinstance(part, list):
            ids = {id(a) for a in part}
            for artist in _axes_children(child):
                if id(artist) not in ids:
                    background.extend(_watched(artist))
    return background


def _watched(artist):
    # An axis and an axes are marked stale by any limit set, even to the same values: watch
    # what they hold instead (an axis's label; its ticks follow the limits, compared apart).
    if isinstance(artist, Axis):
        return [artist.label]
    own = [] if isinstance(artist, Axes) else [artist]
    return own + [a for child in artist.get_children() for a in _watched(child)]


def _structure(figure):
    """The figure's and its axes' children: an update must neither add nor remove artists."""
    return [id(a) for a in figure.get_children()] + [
        id(a) for ax in figure.axes for a in ax.get_children()]


def _limits(figure):
    """What the background's axes and ticks follow: limits, scales, boxes, what is shown."""
    return [(tuple(ax.get_xlim()), tuple(ax.get_ylim()), ax.get_xscale(), ax.get_yscale(),
             tuple(ax.get_position().bounds), ax.get_visible(), ax.xaxis.get_visible(),
             ax.yaxis.get_visible()) for ax in figure.axes]


def render(figure) -> np.ndarray:
    """Draw `figure` and return its pixels (height x width x 4, uint8, a copy).

    A figure whose plotting function kept its changing artists (`keep`) is laid out and drawn
    in full the first time; later calls redraw only the kept artists and what lies above them,
    or the whole figure again if anything else changed. Any other figure is drawn in full.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure; got {type(figure).__name__}")
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    kept = kept_artists(figure)
    if not kept:
        canvas.draw()
        return np.asarray(canvas.buffer_rgba()).copy()
    state = getattr(figure, "_mlsys_render", None)
    if state is not None and _still_valid(figure, canvas, state):
        canvas.restore_region(state["background"])
        _draw_plan(canvas, state["plan"])
    else:
        state = _draw_full(figure, canvas)
        figure._mlsys_render = state
    state["structure"] = _structure(figure)
    return np.asarray(canvas.buffer_rgba()).copy()


def _still_valid(figure, canvas, state) -> bool:
    return (state["size"] == canvas.get_width_height()
            and state["structure"] == _structure(figure)
            and state["limits"] == _limits(figure)
            and not any(artist.stale for artist in state["background_artists"]))


def _draw_full(figure, canvas):
    """Lay out (the first time) and draw the background, then the redrawn artists over it."""
    engine = figure.get_layout_engine()
    if engine is not None and not isinstance(engine, PlaceHolderLayoutEngine):
        engine.execute(figure)  # lays the figure out once, as its first draw would
        figure.set_layout_engine("none")  # and keeps that layout for every update
    plan = _plan(figure, kept_artists(figure))
    redrawn = _redrawn(plan)
    animated = [(artist, artist.get_animated()) for artist in redrawn]
    for artist, _ in animated:
        artist.set_animated(True)  # canvas.draw leaves animated artists out
    try:
        canvas.draw()
    finally:
        for artist, was in animated:
            artist.set_animated(was)
    background = canvas.copy_from_bbox(figure.bbox)
    _draw_plan(canvas, plan)
    watched = _background_artists(plan)
    for artist in watched:
        artist.stale = False  # what a draw skips (an empty text) stays stale otherwise
    return {"plan": plan, "background": background, "size": canvas.get_width_height(),
            "limits": _limits(figure), "background_artists": watched,
            "structure": _structure(figure)}


def _draw_plan(canvas, plan):
    renderer = canvas.get_renderer()
    for child, part in plan:
        if part == "all":
            child.draw(renderer)
        elif isinstance(part, list):
            for artist in part:
                artist.draw(renderer)


# ---------------------------------------------------------------------------------------------
# Cached simulations
# ---------------------------------------------------------------------------------------------

def cached(maxsize: int = 64):
    """Decorate a pure simulation so that repeated arguments return the stored result.

    Like ``functools.lru_cache`` (the arguments must be hashable), and registered so that
    `clear_caches` can empty it. The result is shared between calls: never change it in place.
    """
    if isinstance(maxsize, bool) or not isinstance(maxsize, int) or maxsize < 1:
        raise ValueError(f"maxsize must be an integer >= 1; got {maxsize!r}")

    def decorate(function):
        wrapped = functools.lru_cache(maxsize=maxsize)(function)
        _CACHES.append(wrapped)
        return wrapped

    return decorate


def clear_caches() -> None:
    """Empty every cache made by `cached` (to time a cold start)."""
    for wrapped in _CACHES:
        wrapped.cache_clear()
