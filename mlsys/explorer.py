"""Explorers: sliders that swap precomputed figures, in Jupyter and on the static website alike.

An explorer renders a plotting function once per grid point to PNG and stacks the images. Each
slider's position is `jslink`ed to a `Stack`'s `selected_index`, so the browser alone swaps the
figure: it works in a live kernel, on the built website with no kernel, and with no network.
Two parameters nest the stacks: the first slider picks an inner stack, the second an image in it.
For values between grid points, `live_explorer` recomputes the figure in a running kernel.

Both draw with the same mechanism: a plotting function that takes ``figure=`` (see
`mlsys.drawing`) draws its figure once and then updates it in place for each grid point or
slider move; any other plotting function draws a new figure each time.
"""

from __future__ import annotations

import base64
import html
import inspect
import io
import re
from collections.abc import Callable, Mapping, Sequence

import ipywidgets as widgets
import matplotlib.pyplot as plt
from matplotlib.figure import Figure
from PIL import Image

from mlsys._validate import check_number
from mlsys.drawing import render

MAX_FIGURES = 64  # keeps a page light: each PNG is roughly 10-20 kB
PNG_COLORS = 64
SLIDER_LAYOUT = dict(width="600px")
SLIDER_STYLE = dict(description_width="150px")


def figure_to_png(figure, colors: int = PNG_COLORS, *, optimize: bool = True) -> bytes:
    """Render a matplotlib figure to palette PNG bytes with at most `colors` colours; close it.

    The book's figures are flat colours on white, so 64 colours look the same as the full
    render at about a third of the bytes, which keeps pages with explorers light. The figure
    is drawn by `mlsys.drawing.render`: in full the first time, then (for a figure updated in
    place) only what changed. `optimize` compresses for the images a page stores (zlib level 6:
    within about a tenth of the smallest file, level 9, at a sixth of its 50-80 ms); a live
    redraw, sent once to the learner's own browser, compresses at level 1 (about 1 ms).
    Closing only drops the figure from pyplot: an explorer can go on updating it.
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure; got {type(figure).__name__}")
    check_number("colors", colors, low=2, high=256, integer=True)
    if not isinstance(optimize, bool):
        raise TypeError(f"optimize must be True or False; got {optimize!r}")
    plt.close(figure)
    pixels = render(figure)
    image = Image.fromarray(pixels[..., :3])
    image = image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE,
                           dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=6 if optimize else 1)
    return buffer.getvalue()


def updates_in_place(plot) -> bool:
    """True if `plot` takes ``figure=``: it can update a figure it drew (`mlsys.drawing`)."""
    try:
        parameters = inspect.signature(plot).parameters
    except (TypeError, ValueError):
        return False
    return "figure" in parameters


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


def _check_alt(alt):
    if isinstance(alt, str) and alt.strip() or callable(alt):
        return alt
    raise TypeError("alt must be a non-empty text template such as 'Latency at {rate:g} requests/s' "
                    f"or a function of the parameters returning the text; got {alt!r}")


def figure_title(figure) -> str:
    """Return the headline of `figure` as one line: its suptitle, else its axes' titles.

    The lines of a title are joined with ", " (with a space only, before a parenthesis or after
    punctuation), separate axes titles with "; ".
    """
    if not isinstance(figure, Figure):
        raise TypeError(f"figure must be a matplotlib Figure; got {type(figure).__name__}")
    titles = [figure.get_suptitle()] if figure.get_suptitle() else [
        ax.get_title(loc=loc) for ax in figure.axes for loc in ("left", "center", "right")]
    return "; ".join(_one_line(title) for title in titles if title.strip())


def _one_line(title: str) -> str:
    text = ""
    for line in (" ".join(line.split()) for line in title.splitlines()):
        if line:
            joined_by_space = line.startswith("(") or text.endswith((":", ";", ",", "."))
            text += line if not text else (" " if joined_by_space else ", ") + line
    return text


def alt_text(alt, params: Mapping, title: str = "") -> str:
    """Return the alt text for one figure: `alt` formatted with, or called on, its parameters.

    A template may also name ``{title}``, the figure's titles (see `figure_title`), which
    state its point in words; a parameter of that name takes precedence.

    >>> alt_text("p99 latency at {rate:g} requests/s", {"rate": 50})
    'p99 latency at 50 requests/s'
    >>> alt_text("Latency histogram. {title}.", {"rate": 50}, title="p99 = 27 ms")
    'Latency histogram. p99 = 27 ms.'
    """
    _check_alt(alt)
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of parameter names -> values; got {params!r}")
    if not isinstance(title, str):
        raise TypeError(f"title must be a str; got {type(title).__name__}")
    if callable(alt):
        text = alt(**params)
    else:
        try:
            text = alt.format(**{"title": title, **params})
        except (KeyError, IndexError) as error:
            raise ValueError(f"alt names {error}, which is not one of the parameters "
                             f"{sorted(params)} or title; got {alt!r}") from None
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"alt must give a non-empty text for {dict(params)}; got {text!r}")
    return text


def image_html(png: bytes, alt: str) -> str:
    """Return an <img> element showing `png` inline, with `alt` as its text alternative."""
    if not isinstance(png, bytes) or not png.startswith(b"\x89PNG"):
        raise TypeError("png must be the bytes of a PNG image, as figure_to_png returns")
    if not isinstance(alt, str) or not alt.strip():
        raise TypeError(f"alt must be a non-empty str; got {alt!r}")
    data = base64.b64encode(png).decode("ascii")
    return (f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}" '
            'style="max-width: 100%; height: auto">')


class _Drawer:
    """Draws `plot` at one parameter point after another, into one figure when `plot` can
    update a figure in place (`mlsys.drawing`), else into a new figure each time."""

    def __init__(self, plot, alt, optimize=True):
        self.plot, self.alt, self.optimize = plot, alt, optimize
        self.in_place = updates_in_place(plot)
        self.figure = None

    def html(self, params) -> str:
        if self.in_place:
            self.figure = self.plot(**params, figure=self.figure)
            figure = self.figure
        else:
            figure = self.plot(**params)
        # The titles are read before the figure is rendered and closed.
        title = figure_title(figure)
        png = figure_to_png(figure, optimize=self.optimize)
        return image_html(png, alt_text(self.alt, params, title=title))


def explorer(plot: Callable, grid: Mapping[str, Sequence], *, alt: str | Callable,
             initial: Mapping | None = None, labels: Mapping[str, Callable] | None = None,
             fixed: Mapping | None = None):
    """Return a widget that explores `plot` over one or two parameters with precomputed figures.

    Parameters
    ----------
    plot : callable
        ``plot(**params)`` returns a matplotlib Figure; it is called once per grid point.
        If it takes ``figure=`` (`mlsys.drawing`), one figure is drawn and then updated in
        place from point to point, which is several times faster.
    grid : dict
        One or two parameter names mapped to the values the sliders offer (at most
        ``MAX_FIGURES`` grid points in all).
    alt : str or callable
        The text alternative of each figure, saying what it shows and its point: a template
        formatted with the parameters, `fixed` and ``title``, the figure's own titles
        (``"Histogram of latency at {rate:g} requests/s. {title}."``), or a function of the
        parameters and `fixed` returning the text.
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
    >>> widget = explorer(plot, {"slope": [1, 2, 3]}, alt="A line rising with slope {slope}")
    >>> widget.children[0].value
    2
    """
    if not callable(plot):
        raise TypeError(f"plot must be a function returning a matplotlib Figure; got {plot!r}")
    grid = _check_grid(grid)
    alt = _check_alt(alt)
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

    drawer = _Drawer(plot, alt)

    def render(**params):
        return widgets.HTML(value=drawer.html({**params, **fixed}))

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
    drawer.figure = None  # every figure is drawn: let the last one go
    box = widgets.VBox([*sliders, outer])
    box.add_class("mlsys-explorer")
    box.links = links  # the browser-side links that make the sliders work without a kernel
    return with_print_fallback(box)


def live_explorer(plot: Callable, sliders: Mapping[str, tuple], *, alt: str | Callable,
                  fixed: Mapping | None = None):
    """Return sliders and a figure that recomputes on every change (needs a running kernel).

    ``sliders`` maps a parameter name to ``(low, high, step, start)``. Integer bounds make an
    integer slider. `alt` is the figure's text alternative, as for `explorer`. On the static
    website the figure cannot change: use `explorer` there.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> def plot(slope):
    ...     fig, ax = plt.subplots()
    ...     ax.plot([0, 1], [0, slope])
    ...     return fig
    >>> widget = live_explorer(plot, {"slope": (0.0, 5.0, 0.5, 1.0)}, alt="A line of slope {slope}")
    >>> widget.children[0].value
    1.0
    """
    if not callable(plot):
        raise TypeError(f"plot must be a function returning a matplotlib Figure; got {plot!r}")
    if not isinstance(sliders, Mapping) or not sliders:
        raise ValueError("sliders must map parameter names to (low, high, step, start) tuples")
    alt = _check_alt(alt)
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

    drawer = _Drawer(plot, alt, optimize=False)

    def draw() -> str:
        return drawer.html({**{n: c.value for n, c in controls.items()}, **fixed})

    image = widgets.HTML(value=draw())

    def redraw(_change):
        image.value = draw()

    for control in controls.values():
        control.observe(redraw, names="value")
    box = widgets.VBox([*controls.values(), image])
    box.add_class("mlsys-live-explorer")
    return with_print_fallback(box, where="Jupyter")


# -- The printed edition: the figure at its initial parameters, with a caption -------------------
# An explorer's output also carries the figure it shows first (image/png) and a caption
# (text/markdown: the figure's alt text, then what the sliders vary). The website and Jupyter
# show the widget, which they rank above both; the PDF build (mlsys.pdf) ranks them first and
# _site/mlsys_site.py makes them one numbered figure. Nothing here knows how the box is built:
# the fallback is read from the sliders and the figure the box shows when it is displayed.

_IMG = r'<img src="data:image/png;base64,([^"]+)" alt="([^"]*)"'  # as image_html writes it


def with_print_fallback(box, where: str = "the web edition"):
    """Return `box` with a printable figure and caption added to its Jupyter output.

    `where` names the edition in which the reader can move the sliders (the caption says so).

    >>> box = widgets.VBox([widgets.IntSlider(3, min=1, max=5, description="servers"),
    ...                     widgets.HTML(image_html(PNG_1x1, "One white pixel"))])
    >>> bundle = with_print_fallback(box)._repr_mimebundle_()
    >>> bundle["image/png"] == base64.b64encode(PNG_1x1).decode("ascii")
    True
    >>> print(bundle["text/markdown"])
    One white pixel
    <BLANKLINE>
    *Explorer.* In the web edition a slider varies servers (1 to 5); printed at servers = 3.
    """
    if not isinstance(box, widgets.Box):
        raise TypeError(f"box must be an ipywidgets Box of sliders and a figure; got {box!r}")
    if not isinstance(where, str) or not where.strip():
        raise TypeError(f"where must name an edition, such as 'the web edition'; got {where!r}")
    widget_bundle = box._repr_mimebundle_

    def bundle(include=None, exclude=None):
        shown = dict(widget_bundle(include=include, exclude=exclude) or {})
        found = _shown_image(box)
        if found is not None:
            png, alt = found
            shown["image/png"] = png
            shown["text/markdown"] = f"{_escape(alt)}\n\n{_slider_caption(box, where)}"
        return shown

    box._repr_mimebundle_ = bundle
    return box


def _shown_image(widget):
    """The (base64 PNG, alt text) of the figure `widget` shows now, or None."""
    if isinstance(widget, widgets.Stack):
        index = widget.selected_index
        return None if index is None else _shown_image(widget.children[index])
    if isinstance(widget, widgets.HTML):
        match = re.search(_IMG, widget.value)
        return match and (match.group(1), html.unescape(match.group(2)))
    if isinstance(widget, widgets.Image) and widget.format == "png":
        alt = getattr(widget, "alt", "") or widget.description or "Figure"
        return base64.b64encode(widget.value).decode("ascii"), alt
    for child in getattr(widget, "children", ()):
        found = _shown_image(child)
        if found is not None:
            return found
    return None


def _slider_caption(box, where) -> str:
    parts, now = [], []
    for slider in box.children:
        if isinstance(slider, widgets.SelectionSlider):
            labels = list(slider._options_labels)
            low, high, shown = labels[0], labels[-1], labels[slider.index]
        elif isinstance(slider, (widgets.IntSlider, widgets.FloatSlider)):
            low, high, shown = (_default_label(v) for v in (slider.min, slider.max, slider.value))
        else:
            continue
        name, low, high, shown = (_escape(text) for text in (slider.description, low, high, shown))
        parts.append(f"{name} ({low} to {high})")
        now.append(f"{name} = {shown}")
    if not parts:
        return f"*Explorer.* In {where} this figure has controls."
    varies = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "a slider varies" if len(parts) == 1 else "sliders vary"
    return f"*Explorer.* In {where} {verb} {varies}; printed at {', '.join(now)}."


def _escape(text: str) -> str:
    """`text` as Markdown that shows it as it is (an alt text may hold `*`, `<` or `[`)."""
    for mark in "\\*`[]<":
        text = text.replace(mark, "\\" + mark)
    return text


PNG_1x1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC")
