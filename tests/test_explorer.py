import ipywidgets as widgets
import matplotlib
import matplotlib.pyplot as plt
import pytest

from mlsys.explorer import MAX_FIGURES, explorer, figure_to_png, live_explorer

matplotlib.use("Agg")


def plot_line(slope, offset=0.0):
    figure, ax = plt.subplots(figsize=(2, 1.5))
    ax.plot([0, 1], [offset, offset + slope])
    ax.set_ylim(-5, 5)
    return figure


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


def test_one_parameter_explorer_has_one_image_per_value_and_starts_in_the_middle():
    widget = explorer(plot_line, {"slope": [-2, -1, 0, 1, 2]})
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
                      initial={"slope": 3, "offset": 1.0}, fixed={"scale": 0.5})
    first, second, outer = widget.children
    assert len(outer.children) == 3 and all(len(inner.children) == 2 for inner in outer.children)
    assert (first.value, second.value) == (3, 1.0)
    assert outer.selected_index == 2 and outer.children[2].selected_index == 1
    assert set(seen) == {0.5} and len(seen) == 6


def test_sliders_are_linked_to_the_stacks_in_the_browser():
    widget = explorer(plot_line, {"slope": [1, 2], "offset": [0.0, 1.0]})
    sliders, outer = widget.children[:2], widget.children[2]
    pairs = {(link.source[0].model_id, link.target[0].model_id) for link in widget.links}
    assert (sliders[0].model_id, outer.model_id) in pairs
    for inner in outer.children:
        assert (sliders[1].model_id, inner.model_id) in pairs


def test_labels_format_the_slider_readout():
    widget = explorer(plot_line, {"slope": [0.5, 1.0]}, labels={"slope": lambda v: f"{v:.0%}"})
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
        explorer(plot_line, grid)


def test_explorer_rejects_a_non_callable_and_an_initial_value_off_the_grid():
    with pytest.raises(TypeError, match="plot"):
        explorer("not a function", {"slope": [1, 2]})
    with pytest.raises(ValueError, match="initial"):
        explorer(plot_line, {"slope": [1, 2]}, initial={"slope": 7})


def test_live_explorer_recomputes_when_a_slider_moves():
    widget = live_explorer(plot_line, {"slope": (-3.0, 3.0, 0.5, 1.0), "offset": (-1, 1, 1, 0)})
    slope, offset, image = widget.children
    assert isinstance(slope, widgets.FloatSlider) and isinstance(offset, widgets.IntSlider)
    before = image.value
    slope.value = -2.0
    assert image.value != before


def test_live_explorer_rejects_bad_slider_specs():
    with pytest.raises(ValueError, match="sliders"):
        live_explorer(plot_line, {})
    with pytest.raises(ValueError, match=r"sliders\['slope'\]"):
        live_explorer(plot_line, {"slope": (0, 1)})
    with pytest.raises(ValueError, match="start"):
        live_explorer(plot_line, {"slope": (0.0, 1.0, 0.1, 2.0)})
