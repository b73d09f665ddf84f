"""Explorers: sliders that swap precomputed figures, in Jupyter and on the static website alike.

An explorer renders a plotting function once per grid point to PNG and stacks the images. Each
slider's position is `jslink`ed to a `Stack`'s `selected_index`, so the browser alone swaps the
figure: it works in a live kernel, on the built website with no kernel, and with no network.
Two parameters nest the stacks: the first slider picks an inner stack, the second an image in it.
For values between grid points, `live_explorer` recomputes the figure in a running kernel.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
from PIL import Image

from mlsys._validate import check_number

MAX_FIGURES = 64  # keeps a page light: each PNG is roughly 10-20 kB
PNG_COLORS = 64
SLIDER_LAYOUT = dict(width="600px")
SLIDER_STYLE = dict(description_width="150px")


def figure_to_png(figure, colors: int = PNG_COLORS) -> bytes:
    """Render a matplotlib figure to palette PNG bytes with at most `colors` colours; close it.

    The book's figures are flat colours on white, so 64 colours look the same as the full
    render at about a third of the bytes, which keeps pages with explorers light.
    """
    check_number("colors", colors, low=2, high=256, integer=True)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    image = Image.open(buffer).convert("RGB").quantize(
        colors=colors, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", optimize=True)
    return buffer.getvalue()


def _check_grid(grid) -> dict:
    if not isinstance(grid, Mapping) or not 1 <= len(grid) <= 2:
        raise ValueError("grid must be a dict of one or two parameter names -> lists of values; "
                         f"got {grid!r}")
    checked = {}
    for name, values in grid.items():
        if not isinstance(name, str):
            raise TypeError(f"grid keys must be parameter names (str); got {name!r}")
        if isinstance(values, (str, bytes)) or not isinstance(values, Sequence) or len(values) < 2:
            raise ValueError(f"grid[{name!r}] must be a list of at least two values; got {values!r}")
        checked[name] = list(values)
    size = 1
    for values in checked.values():
        size *= len(values)
    if size > MAX_FIGURES:
        raise ValueError(f"grid has {size} points; an explorer precomputes at most {MAX_FIGURES} "
                         "figures (use fewer values per parameter)")
    return checked


def _slider(name, values, value, labels):
    options = [(labels.get(name, _default_label)(v), v) for v in values]
    return widgets.SelectionSlider(options=options, value=value, description=name,
                                   continuous_update=True, layout=SLIDER_LAYOUT,
                                   style=SLIDER_STYLE)


def _default_label(value) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _image(png: bytes):
    return widgets.Image(value=png, format="png", layout=dict(max_width="100%", height="auto"))


def explorer(plot: Callable, grid: Mapping[str, Sequence], *, initial: Mapping | None = None,
             labels: Mapping[str, Callable] | None = None, fixed: Mapping | None = None):
    """Return a widget that explores `plot` over one or two parameters with precomputed figures.

    Parameters
    ----------
    plot : callable
        ``plot(**params)`` returns a matplotlib Figure; it is called once per grid point.
    grid : dict
        One or two parameter names mapped to the values the sliders offer (at most
        ``MAX_FIGURES`` grid points in all).
    initial : dict, optional
        Starting value of each parameter (default: the middle of its values).
    labels : dict, optional
        Parameter name -> function that formats a value for the slider's readout.
    fixed : dict, optional
        Further keyword arguments passed unchanged to every ``plot`` call.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> def plot(slope):
    ...     fig, ax = plt.subplots()
    ...     ax.plot([0, 1], [0, slope])
    ...     return fig
    >>> widget = explorer(plot, {"slope": [1, 2, 3]})
    >>> widget.children[0].value
    2
    """
    if not callable(plot):
        raise TypeError(f"plot must be a function returning a matplotlib Figure; got {plot!r}")
    grid = _check_grid(grid)
    initial = dict(initial or {})
    labels = dict(labels or {})
    fixed = dict(fixed or {})
    for name, value in initial.items():
        if name not in grid or value not in grid[name]:
            raise ValueError(f"initial[{name!r}] must be one of the grid values {grid.get(name)}; "
                             f"got {value!r}")
    names = list(grid)
    start = {n: initial.get(n, grid[n][(len(grid[n]) - 1) // 2]) for n in names}
    sliders = [_slider(n, grid[n], start[n], labels) for n in names]

    def render(**params):
        return _image(figure_to_png(plot(**params, **fixed)))

    if len(names) == 1:
        (name,) = names
        stacks = [widgets.Stack([render(**{name: v}) for v in grid[name]],
                                selected_index=grid[name].index(start[name]))]
        outer = stacks[0]
        links = [widgets.jslink((sliders[0], "index"), (outer, "selected_index"))]
    else:
        first, second = names
        stacks = [widgets.Stack([render(**{first: a, second: b}) for b in grid[second]],
                                selected_index=grid[second].index(start[second]))
                  for a in grid[first]]
        outer = widgets.Stack(stacks, selected_index=grid[first].index(start[first]))
        links = [widgets.jslink((sliders[0], "index"), (outer, "selected_index"))]
        links += [widgets.jslink((sliders[1], "index"), (inner, "selected_index")) for inner in stacks]
    box = widgets.VBox([*sliders, outer])
    box.add_class("mlsys-explorer")
    box.links = links  # the browser-side links that make the sliders work without a kernel
    return box


def live_explorer(plot: Callable, sliders: Mapping[str, tuple], *, fixed: Mapping | None = None):
    """Return sliders and a figure that recomputes on every change (needs a running kernel).

    ``sliders`` maps a parameter name to ``(low, high, step, start)``. Integer bounds make an
    integer slider. On the static website the figure cannot change: use `explorer` there.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> def plot(slope):
    ...     fig, ax = plt.subplots()
    ...     ax.plot([0, 1], [0, slope])
    ...     return fig
    >>> widget = live_explorer(plot, {"slope": (0.0, 5.0, 0.5, 1.0)})
    >>> widget.children[0].value
    1.0
    """
    if not callable(plot):
        raise TypeError(f"plot must be a function returning a matplotlib Figure; got {plot!r}")
    if not isinstance(sliders, Mapping) or not sliders:
        raise ValueError("sliders must map parameter names to (low, high, step, start) tuples")
    fixed = dict(fixed or {})
    controls = {}
    for name, spec in sliders.items():
        if not isinstance(spec, tuple) or len(spec) != 4:
            raise ValueError(f"sliders[{name!r}] must be a tuple (low, high, step, start); got {spec!r}")
        low, high, step, start = (check_number(f"sliders[{name!r}]", v) for v in spec)
        if not low <= start <= high:
            raise ValueError(f"sliders[{name!r}]: start must lie between low and high; got {spec!r}")
        integer = all(isinstance(v, int) for v in spec)
        cls = widgets.IntSlider if integer else widgets.FloatSlider
        controls[name] = cls(min=low, max=high, step=step, value=start, description=name,
                             continuous_update=False, layout=SLIDER_LAYOUT, style=SLIDER_STYLE)
        if integer:
            controls[name].value = int(start)
    image = _image(figure_to_png(plot(**{n: c.value for n, c in controls.items()}, **fixed)))

    def redraw(_change):
        image.value = figure_to_png(plot(**{n: c.value for n, c in controls.items()}, **fixed))

    for control in controls.values():
        control.observe(redraw, names="value")
    box = widgets.VBox([*controls.values(), image])
    box.add_class("mlsys-live-explorer")
    return box
