"""Executing a notebook the book's way: widget models get the same names on every run."""

import copy
import json
import os
import platform
from pathlib import Path

import nbformat
import pytest

from mlsys.notebooks import WIDGET_STATE, execute, merge_streams, number_widget_models

WIDGETS = ("import ipywidgets as widgets\n"
           "slider = widgets.IntSlider(value=3, description='n')\n"
           "label = widgets.Label()\n"
           "link = widgets.jsdlink((slider, 'value'), (label, 'value'))\n"
           "widgets.VBox([slider, label])")


def widget_notebook():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(WIDGETS), nbformat.v4.new_code_cell("1 + 1")]
    return notebook


def test_two_runs_store_the_same_widget_models_under_the_same_names(tmp_path):
    source = widget_notebook()
    first = nbformat.writes(execute(copy.deepcopy(source), cwd=tmp_path))
    second = nbformat.writes(execute(copy.deepcopy(source), cwd=tmp_path))
    assert first == second
    notebook = nbformat.reads(first, as_version=4)
    state = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    (view,) = [output["data"]["application/vnd.jupyter.widget-view+json"]
               for output in notebook.cells[0].outputs if "data" in output]
    assert view["model_id"] in state  # the output still points at its (renamed) model
    box = state[view["model_id"]]["state"]
    assert [child.removeprefix("IPY_MODEL_") in state for child in box["children"]] == [True, True]
    assert len(state) >= 4  # slider, label, link, box (and their layouts and styles)


def test_a_notebook_without_widgets_is_left_as_it_is():
    notebook = widget_notebook()
    before = json.dumps(notebook, sort_keys=True)
    assert json.dumps(number_widget_models(notebook), sort_keys=True) == before


def test_consecutive_prints_are_stored_as_one_output_per_stream():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("")]
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="a\n"),
        nbformat.v4.new_output("stream", name="stdout", text="b\n"),
        nbformat.v4.new_output("stream", name="stderr", text="warning\n"),
        nbformat.v4.new_output("stream", name="stdout", text="c\n"),
        nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
        nbformat.v4.new_output("stream", name="stdout", text="d\n"),
    ]
    outputs = merge_streams(notebook).cells[0].outputs
    assert [(o.get("name"), o.get("text")) for o in outputs] == [
        ("stdout", "a\nb\n"), ("stderr", "warning\n"), ("stdout", "c\n"), (None, None),
        ("stdout", "d\n")]


def test_kernels_get_one_set_of_blas_kernels_on_x86_unless_the_caller_chose(monkeypatch):
    from mlsys import notebooks
    monkeypatch.setattr(notebooks.platform, "machine", lambda: "x86_64")
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    notebooks.pin_blas_kernels()
    assert os.environ["OPENBLAS_CORETYPE"] == "Haswell"
    monkeypatch.setenv("OPENBLAS_CORETYPE", "Zen")
    notebooks.pin_blas_kernels()
    assert os.environ["OPENBLAS_CORETYPE"] == "Zen"
    monkeypatch.delenv("OPENBLAS_CORETYPE")
    monkeypatch.setattr(notebooks.platform, "machine", lambda: "aarch64")
    notebooks.pin_blas_kernels()
    assert "OPENBLAS_CORETYPE" not in os.environ


@pytest.mark.skipif(platform.machine() != "x86_64", reason="OpenBLAS kernels are pinned on x86-64")
def test_a_kernel_started_to_run_a_notebook_uses_the_pinned_blas_kernels(tmp_path, monkeypatch):
    monkeypatch.delenv("OPENBLAS_CORETYPE", raising=False)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os\nprint(os.environ.get('OPENBLAS_CORETYPE'))")])
    execute(notebook, cwd=tmp_path)
    assert notebook.cells[0].outputs[0]["text"] == "Haswell\n"


STORED = sorted(path for folder in ("chapters", "exercises", "solutions")
                for path in (Path(__file__).resolve().parents[1] / folder).glob("*.ipynb"))


@pytest.mark.parametrize("path", STORED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_outputs_carry_no_warning_and_no_path_of_the_machine_that_ran_them(path):
    """A warning on stderr is a bug to fix where it is raised, and a path such as
    /home/you/book/mlsys/x.py in an output makes strict nbval fail on every other checkout."""
    root = str(Path(__file__).resolve().parents[1])
    notebook = nbformat.read(path, as_version=4)
    for number, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            text = output.get("text", "") if output.get("output_type") == "stream" else \
                str(output.get("data", {}).get("text/plain", ""))
            assert root not in text, f"cell {number} shows this checkout's path: {text[:200]}"
            if output.get("name") == "stderr":
                assert "Warning" not in text, f"cell {number} stored a warning: {text[:200]}"
