"""Running notebooks the way the book does: a fresh kernel, top to bottom, reproducibly."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbclient import NotebookClient

from mlsys._validate import check_number

KERNEL = "python3"


def read(path) -> nbformat.NotebookNode:
    """Read a notebook file (nbformat 4)."""
    return nbformat.read(Path(path), as_version=4)


def execute(notebook, *, cwd, timeout_s: float = 300, allow_errors: bool = False):
    """Execute `notebook` in place in a fresh kernel started in `cwd`, and return it.

    Widget state is stored in the notebook's metadata (the website renders it); cell timings are
    not, so re-execution changes as little as possible.
    """
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    client = NotebookClient(notebook, timeout=timeout_s, kernel_name=KERNEL,
                            resources={"metadata": {"path": str(cwd)}},
                            allow_errors=allow_errors, record_timing=False,
                            store_widget_state=True)
    client.execute()
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
