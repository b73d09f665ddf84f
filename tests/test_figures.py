"""Every figure the book stores has alt text, so the website can say what each one shows.

Two kinds of figures live in the notebooks: matplotlib output of a code cell (myst-nb writes the
cell's ``mystnb.image.alt`` metadata as the <img alt>; without it, the alt is the file path) and
the figures of explorers, stored in the widget state as <img> elements in HTML widgets. An
explorer's output also carries its first figure for the PDF edition, whose alt text is the first
paragraph of the output's caption (text/markdown; mlsys.explorer.with_print_fallback).
"""

from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(p.relative_to(ROOT).as_posix() for folder in ("chapters", "exercises", "solutions")
                   for p in (ROOT / folder).glob("*.ipynb"))
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


class _Images(HTMLParser):
    """The attributes of every <img> in a piece of HTML."""

    def __init__(self, text):
        super().__init__()
        self.images = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


def _read(path):
    return nbformat.read(ROOT / path, as_version=4)


def test_the_book_has_notebooks_to_check():
    assert len(NOTEBOOKS) >= 3 * 7


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_image_output_has_alt_text_in_its_cell_metadata(path):
    missing = []
    for number, cell in enumerate(_read(path).cells, start=1):
        if cell.cell_type != "code":
            continue
        plain = [o for o in cell.outputs if "image/png" in o.get("data", {})
                 and WIDGET_VIEW not in o.get("data", {})]
        printed = [o["data"] for o in cell.outputs if "image/png" in o.get("data", {})
                   and WIDGET_VIEW in o.get("data", {})]
        if any(not "".join(data.get("text/markdown", "")).split("\n\n")[0].strip()
               for data in printed):
            missing.append(f"cell {number}: an explorer's printed figure has no caption")
        if not plain:
            continue
        alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt")
        if not isinstance(alt, str) or not alt.strip():
            missing.append(f"cell {number}: {cell.source.splitlines()[0][:60]!r}")
    assert not missing, (f"{path}: code cells with an image output but no "
                         '{"mystnb": {"image": {"alt": "..."}}} metadata:\n' + "\n".join(missing))


@pytest.mark.parametrize("path", NOTEBOOKS)
def test_every_figure_in_the_widget_state_has_alt_text(path):
    state = _read(path).metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    image_widgets, without_alt = [], []
    for model_id, model in state.items():
        if model.get("model_name") == "ImageModel":
            image_widgets.append(model_id)
        elif model.get("model_name") == "HTMLModel":
            images = _Images(model["state"].get("value", "")).images
            without_alt += [model_id for image in images if not (image.get("alt") or "").strip()]
    assert not image_widgets, (
        f"{path}: {len(image_widgets)} Image widget(s), which cannot carry alt text (explorers "
        f"draw figures as HTML <img> with alt: re-execute the notebook), e.g. {image_widgets[:3]}")
    assert not without_alt, (f"{path}: {len(without_alt)} <img> in HTML widgets without alt text, "
                             f"e.g. in {without_alt[:3]}")


def test_the_checks_see_a_figure_without_alt_text():
    assert _Images('<p><img src="data:image/png;base64,AA" alt=" "></p>').images == [
        {"src": "data:image/png;base64,AA", "alt": " "}]
    assert _Images('<img alt="Latency &amp; load" src="x.png">').images[0]["alt"] == "Latency & load"
