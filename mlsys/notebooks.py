"""Running notebooks the way the book does: a fresh kernel, top to bottom, reproducibly."""

from __future__ import annotations

import json
import os
import platform
import re
import uuid
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from mlsys._validate import check_number
from mlsys.questions import is_question_cell, present_question_cells

KERNEL = "python3"


def pin_blas_kernels() -> None:
    """Have OpenBLAS use the same kernels on every x86-64 CPU, unless the caller chose some.

    Left to itself OpenBLAS picks AVX-512 kernels on an Intel Xeon and AVX2 ones on an AMD EPYC,
    and a model fitted with the two differs in the last bits of its coefficients: enough to
    change its content hash (chapter 07) and so a stored output. Haswell's kernels run on both.
    Kernels started afterwards inherit the setting.
    """
    if platform.machine().lower() in ("x86_64", "amd64"):
        os.environ.setdefault("OPENBLAS_CORETYPE", "Haswell")


def read(path) -> nbformat.NotebookNode:
    """Read a notebook file (nbformat 4)."""
    return nbformat.read(Path(path), as_version=4)


def execute(notebook, *, cwd, timeout_s: float = 300, allow_errors: bool = False):
    """Execute `notebook` in place in a fresh kernel started in `cwd`, and return it.

    Widget state is stored in the notebook's metadata (the website renders it); cell timings are
    not, so re-execution changes as little as possible. Cells that ask a prediction or a
    self-check show only their form (`mlsys.questions.present_question_cells`).
    """
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    pin_blas_kernels()
    present_question_cells(notebook)
    client = NotebookClient(notebook, timeout=timeout_s, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(cwd)}},
                            allow_errors=allow_errors, record_timing=False,
                            store_widget_state=True)
    client.execute()
    return number_widget_models(drop_question_widgets(merge_streams(notebook)))


def merge_streams(notebook) -> nbformat.NotebookNode:
    """Join each cell's consecutive stdout (or stderr) outputs into one, in place; return it.

    How a cell's printing is cut into messages depends on when the kernel flushes, so it
    differs from run to run; joined, the stored outputs depend only on what was printed (as
    Jupyter shows them, and as nbval compares them).
    """
    for cell in notebook.cells:
        if "outputs" not in cell:
            continue
        merged = []
        for output in cell.outputs:
            previous = merged[-1] if merged else {}
            if (output.get("output_type") == previous.get("output_type") == "stream"
                    and output.get("name") == previous.get("name")):
                previous["text"] += output["text"]
            else:
                merged.append(output)
        cell.outputs = merged
    return notebook


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_MODEL_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])")
_MODEL_REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def _reachable(state, roots) -> set:
    """The widget models `roots` refer to, directly or through other models, and `roots`."""
    seen, todo = set(), list(roots)
    while todo:
        model = todo.pop()
        if model in seen or model not in state:
            continue
        seen.add(model)
        todo += _MODEL_REFERENCE.findall(json.dumps(state[model]))
    return seen


def drop_question_widgets(notebook) -> nbformat.NotebookNode:
    """Store a prediction's or self-check's output without its widget; return the notebook.

    The stored output keeps the website's form (text/html) and its plain text; the widget, which
    only a running kernel can answer for, is made again when the learner runs the cell. Its
    models would otherwise weigh on every page (a dozen models per question) for nothing.
    """
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    roots = []
    for cell in notebook.cells:
        if is_question_cell(cell):
            for output in cell.get("outputs", []):
                view = output.get("data", {}).pop(WIDGET_VIEW, None)
                if view:
                    roots.append(view["model_id"])
    questions = _reachable(state, roots)
    others = _reachable(state, [model for model in state if model not in questions])
    for model in questions - others:
        del state[model]
    return notebook


def number_widget_models(notebook) -> nbformat.NotebookNode:
    """Rename the notebook's widget models in the order they were created, in place; return it.

    A kernel names each widget model with a random id, so every run would rewrite every
    widget's id in the stored outputs and state, and a re-executed notebook would differ from
    the last everywhere it has a widget. Numbered names (the same for the same widgets) keep a
    re-execution's diff to what actually changed.
    """
    state = notebook.get("metadata", {}).get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    names = {model: uuid.uuid5(uuid.NAMESPACE_URL, f"mlsys-widget-{number}").hex
             for number, model in enumerate(state)}
    if not names:
        return notebook
    text = _MODEL_ID.sub(lambda match: names.get(match.group(0), match.group(0)),
                         nbformat.writes(notebook))
    renamed = nbformat.reads(text, as_version=4)
    notebook.cells, notebook.metadata = renamed.cells, renamed.metadata
    return notebook


def execute_in_place(path, timeout_s: float = 300) -> None:
    """Re-execute the notebook at `path` and write it back."""
    path = Path(path)
    notebook = execute(read(path), cwd=path.parent, timeout_s=timeout_s)
    nbformat.write(notebook, path)


def main(argv=None) -> int:
    """``python -m mlsys.notebooks PATH...``: re-execute notebooks (or folders of them) in place."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlsys.notebooks", description=main.__doc__)
    parser.add_argument("paths", nargs="+", help="notebooks or folders of notebooks")
    args = parser.parse_args(argv)
    paths = []
    for given in map(Path, args.paths):
        paths += sorted(given.glob("*.ipynb")) if given.is_dir() else [given]
    for path in paths:
        print(f"executing {path}", flush=True)
        execute_in_place(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
