import html
import io
import re

import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest
from PIL import Image

from mlsys.explorer import (MAX_FIGURES, alt_text, explorer, figure_title, figure_to_png,
                            image_html, live_explorer, with_print_fallback)

matplotlib.use("Agg")
ALT = "A line of slope {slope:g}"
ALT_PATTERN = re.compile(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]*)"')


def plot_line(slope, offset=0.0):
    figure, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [offset, offset + slope])
    ax.set_ylim(-5, 5)
    ax.set_title("rising" if slope > 0 else "flat or falling", loc="left")
    return figure


def alt_of(image):
    """The alt text of the one <img> an explorer's image widget holds, unescaped."""
    (alt,) = ALT_PATTERN.findall(image.value)
    return html.unescape(alt)


def images(stack):
    for child in stack.children:
        yield from images(child) if isinstance(child, widgets.Stack) else [child]


def visible_image(widget):
    stack = widget.children[-1]
    chosen = stack.children[stack.selected_index]
    while isinstance(chosen, widgets.Stack):
        chosen = chosen.children[chosen.selected_index]
    return chosen


def test_figure_to_png_returns_png_and_closes_the_figure():
    figure = plot_line(1)
    png = figure_to_png(figure)
    assert png.startswith(b"\x89PNG")
    assert not plt.fignum_exists(figure.number)


def test_figure_to_png_draws_what_savefig_draws():
    # One draw straight to pixels, then 64 colours: the same picture as savefig's PNG.
    saved = io.BytesIO()
    plot_line(2).savefig(saved, format="png")
    expected = np.asarray(Image.open(saved).convert("RGB")).astype(int)
    drawn = np.asarray(Image.open(io.BytesIO(figure_to_png(plot_line(2)))).convert("RGB"))
    assert drawn.shape == expected.shape
    assert np.abs(drawn - expected).max() <= 40  # the 64-colour palette's rounding only
    assert len(np.unique(drawn.reshape(-1, 3), axis=0)) <= 64


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(figure="plot.png"), TypeError, "figure must be a matplotlib Figure; got str"),
    (dict(colors=1), ValueError, "colors"),
    (dict(colors=300), ValueError, "colors"),
])
def test_figure_to_png_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        figure_to_png(**{"figure": plot_line(1), **kwargs})


def test_one_parameter_explorer_has_one_image_per_value_and_starts_in_the_middle():
    widget = explorer(plot_line, {"slope": [-2, -1, 0, 1, 2]}, alt=ALT)
    slider, stack = widget.children
    assert isinstance(slider, widgets.SelectionSlider)
    assert len(stack.children) == 5
    assert slider.value == 0 and stack.selected_index == 2
    assert "mlsys-explorer" in widget._dom_classes
    # distinct parameter values give distinct figures
    assert len({image.value for image in stack.children}) == 5


def test_two_parameter_explorer_nests_stacks_and_honours_initial_and_fixed():
    seen = []

    def plot(slope, offset, scale):
        seen.append(scale)
        return plot_line(slope * scale, offset)

    widget = explorer(plot, {"slope": [1, 2, 3], "offset": [0.0, 1.0]},
                      alt="slope {slope} x {scale}, offset {offset:g}",
                      initial={"slope": 3, "offset": 1.0}, fixed={"scale": 0.5})
    first, second, outer = widget.children
    assert len(outer.children) == 3 and all(len(inner.children) == 2 for inner in outer.children)
    assert (first.value, second.value) == (3, 1.0)
    assert outer.selected_index == 2 and outer.children[2].selected_index == 1
    assert set(seen) == {0.5} and len(seen) == 6
    assert alt_of(outer.children[2].children[1]) == "slope 3 x 0.5, offset 1"


def test_sliders_are_linked_to_the_stacks_in_the_browser():
    widget = explorer(plot_line, {"slope": [1, 2], "offset": [0.0, 1.0]}, alt=ALT)
    sliders, outer = widget.children[:2], widget.children[2]
    pairs = {(link.source[0].model_id, link.target[0].model_id) for link in widget.links}
    assert (sliders[0].model_id, outer.model_id) in pairs
    for inner in outer.children:
        assert (sliders[1].model_id, inner.model_id) in pairs


def test_labels_format_the_slider_readout():
    widget = explorer(plot_line, {"slope": [0.5, 1.0]}, alt=ALT, labels={"slope": lambda v: f"{v:.0%}"})
    assert widget.children[0].options == (("50%", 0.5), ("100%", 1.0))


@pytest.mark.parametrize("grid, error, match", [
    ({}, ValueError, "grid"),
    ({"a": [1], }, ValueError, r"grid\['a'\]"),
    ({"a": "abc"}, ValueError, r"grid\['a'\]"),
    ({"a": [1, 2], "b": [1, 2], "c": [1, 2]}, ValueError, "grid"),
    ({"a": list(range(MAX_FIGURES + 1))}, ValueError, "at most"),
])
def test_explorer_rejects_bad_grids(grid, error, match):
    with pytest.raises(error, match=match):
        explorer(plot_line, grid, alt=ALT)


def test_explorer_rejects_a_non_callable_and_an_initial_value_off_the_grid():
    with pytest.raises(TypeError, match="plot"):
        explorer("not a function", {"slope": [1, 2]}, alt=ALT)
    with pytest.raises(ValueError, match="initial"):
        explorer(plot_line, {"slope": [1, 2]}, alt=ALT, initial={"slope": 7})


def test_live_explorer_recomputes_when_a_slider_moves():
    widget = live_explorer(plot_line, {"slope": (-3.0, 3.0, 0.5, 1.0), "offset": (-1, 1, 1, 0)},
                           alt=ALT)
    slope, offset, image = widget.children
    assert isinstance(slope, widgets.FloatSlider) and isinstance(offset, widgets.IntSlider)
    before = image.value
    slope.value = -2.0
    assert image.value != before


def test_live_explorer_rejects_bad_slider_specs():
    with pytest.raises(ValueError, match="sliders"):
        live_explorer(plot_line, {}, alt=ALT)
    with pytest.raises(ValueError, match=r"sliders\['slope'\]"):
        live_explorer(plot_line, {"slope": (0, 1)}, alt=ALT)
    with pytest.raises(ValueError, match="start"):
        live_explorer(plot_line, {"slope": (0.0, 1.0, 0.1, 2.0)}, alt=ALT)


# --- alt text ------------------------------------------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda **alt: explorer(plot_line, {"slope": [1, 2]}, **alt),
    lambda **alt: live_explorer(plot_line, {"slope": (0.0, 2.0, 0.5, 1.0)}, **alt),
], ids=["explorer", "live_explorer"])
@pytest.mark.parametrize("alt", [None, "", "   ", 42, b"a line", ["a line"]])
def test_explorers_refuse_a_missing_empty_or_wrong_type_alt(make, alt):
    with pytest.raises(TypeError, match="^alt must"):
        make(alt=alt)
    if alt is None:
        with pytest.raises(TypeError, match="alt"):
            make()


def test_every_figure_carries_its_own_alt_text_escaped_and_formatted_with_its_parameters():
    alt = 'Slope {slope:g} & offset {offset:g}: "{title}" <line>'
    widget = explorer(plot_line, {"slope": [-1, 2], "offset": [0.0, 1.5, 3.0]}, alt=alt)
    found = [alt_of(image) for image in images(widget.children[-1])]
    expected = [f'Slope {s:g} & offset {o:g}: "{"rising" if s > 0 else "flat or falling"}" <line>'
                for s in (-1, 2) for o in (0.0, 1.5, 3.0)]
    assert found == expected  # one per grid point, in the stacks' order
    for image in images(widget.children[-1]):
        assert "&amp; offset" in image.value and "&quot;" in image.value
        assert "<line>" not in image.value and "&lt;line&gt;" in image.value


def test_a_function_alt_is_called_with_the_parameters_and_fixed():
    def describe(slope, offset):
        return f"{'rising' if slope > 0 else 'falling'} line from {offset:g}"

    widget = explorer(plot_line, {"slope": [-1, 1]}, alt=describe, fixed={"offset": 2.0})
    assert [alt_of(i) for i in images(widget.children[-1])] == ["falling line from 2",
                                                                "rising line from 2"]


def test_live_explorer_alt_follows_the_slider():
    widget = live_explorer(plot_line, {"slope": (-3.0, 3.0, 0.5, 1.0)},
                           alt="Slope {slope:g}, {title}")
    slope, image = widget.children
    assert alt_of(image) == "Slope 1, rising"
    slope.value = -2.5
    assert alt_of(image) == "Slope -2.5, flat or falling"


def test_an_alt_naming_an_unknown_placeholder_or_giving_no_text_is_refused():
    with pytest.raises(ValueError, match=r"alt names 'angle'.*\['slope'\] or title"):
        explorer(plot_line, {"slope": [1, 2]}, alt="A line at {angle} degrees")
    with pytest.raises(ValueError, match="non-empty text"):
        explorer(plot_line, {"slope": [1, 2]}, alt=lambda slope: "")
    with pytest.raises(ValueError, match="non-empty text"):
        live_explorer(plot_line, {"slope": (0.0, 2.0, 0.5, 1.0)}, alt=lambda slope: None)


def test_figure_title_is_the_suptitle_else_every_axes_title_in_one_line():
    figure, (left, right) = plt.subplots(1, 2)
    left.set_title("Accuracy saturates\n(measured)", loc="left")
    right.set_title("Latency grows")
    right.set_title("utilisation 50%", loc="right")
    assert figure_title(figure) == "Accuracy saturates (measured); Latency grows; utilisation 50%"
    figure.suptitle("3 trees:  accuracy +2 points\n\n  latency x2 ")
    assert figure_title(figure) == "3 trees: accuracy +2 points, latency x2"
    figure.suptitle("5,000 rows, shift 0.2 sd:\nKS fires 100%;\nPSI 0%")  # no ":," or ";,"
    assert figure_title(figure) == "5,000 rows, shift 0.2 sd: KS fires 100%; PSI 0%"
    plt.close(figure)
    with pytest.raises(TypeError, match="figure"):
        figure_title("a title")


def test_alt_text_and_image_html_check_their_arguments():
    assert alt_text("{title} at {rate}", {"rate": 5}, title="p99 = 9 ms") == "p99 = 9 ms at 5"
    assert alt_text("{title}", {"title": "given"}, title="from figure") == "given"
    with pytest.raises(TypeError, match="params"):
        alt_text("{rate}", [("rate", 5)])
    with pytest.raises(TypeError, match="title"):
        alt_text("{rate}", {"rate": 5}, title=None)
    png = figure_to_png(plot_line(1))
    assert 'alt="a &lt;b&gt; &amp; &quot;c&quot;"' in image_html(png, 'a <b> & "c"')
    with pytest.raises(TypeError, match="png"):
        image_html("not bytes", "a line")
    with pytest.raises(TypeError, match="alt"):
        image_html(png, " ")


# -- The printed edition's fallback ----------------------------------------------------------
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def shown(widget):
    """What Jupyter stores for `widget`: IPython's formats of it, as a kernel would send them."""
    from IPython.core.formatters import DisplayFormatter

    data, _metadata = DisplayFormatter().format(widget)
    return data


def png_of(image):
    (data,) = re.findall(r"base64,([A-Za-z0-9+/=]+)", image.value)
    return data


def test_an_explorer_output_carries_its_first_figure_and_a_caption_beside_the_widget():
    widget = explorer(plot_line, {"slope": [-1, 0, 2], "offset": [0.0, 1.0]}, alt=ALT,
                      initial={"slope": 2, "offset": 1.0})
    data = shown(widget)
    assert WIDGET_VIEW in data and "text/plain" in data  # Jupyter and the website: the widget
    assert data["image/png"] == png_of(visible_image(widget))
    alt, caption = data["text/markdown"].split("\n\n")
    assert alt == "A line of slope 2"
    assert caption == ("*Explorer.* In the web edition sliders vary slope (-1 to 2) and offset "
                       "(0 to 1); printed at slope = 2, offset = 1.")


def test_the_fallback_follows_the_figure_shown_and_says_where_sliders_move():
    widget = live_explorer(plot_line, {"slope": (-3.0, 3.0, 0.5, 1.0)}, alt=ALT)
    widget.children[0].value = -2.0
    data = shown(widget)
    assert data["image/png"] == png_of(widget.children[-1])
    assert data["text/markdown"] == ("A line of slope -2\n\n*Explorer.* In Jupyter a slider "
                                     "varies slope (-3 to 3); printed at slope = -2.")


def test_a_box_without_a_figure_keeps_only_the_widget_and_bad_arguments_are_named():
    data = shown(with_print_fallback(widgets.VBox([widgets.IntSlider()])))
    assert "image/png" not in data and "text/markdown" not in data and WIDGET_VIEW in data
    with pytest.raises(TypeError, match="box"):
        with_print_fallback(widgets.IntSlider())
    with pytest.raises(TypeError, match="where"):
        with_print_fallback(widgets.VBox([]), where=" ")


def test_the_caption_shows_markdown_characters_of_an_alt_text_as_they_are():
    widget = explorer(plot_line, {"slope": [1, 2]}, alt="Slope {slope} *not* <b>[bold]</b>")
    alt = shown(widget)["text/markdown"].split("\n\n")[0]
    assert alt == r"Slope 1 \*not\* \<b>\[bold\]\</b>"
