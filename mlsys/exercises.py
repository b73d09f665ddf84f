"""Generate exercise notebooks from solution notebooks (the solutions are the source).

In a solution's code cells, each answer sits between ``### BEGIN SOLUTION`` and
``### END SOLUTION`` (nbgrader's markers). The exercise keeps everything else and replaces each
region with ``# YOUR CODE HERE`` (plus ``pass`` inside an indented block, so the cell still
runs). Cells tagged ``solution-only`` are left out. The exercise is then executed, so its stored
outputs show every check failing, and the task list the solution passes is recorded in the
exercise's metadata for the grader.

    python -m mlsys.exercises                  # every notebook in solutions/
    python -m mlsys.exercises solutions/03_latency.ipynb --no-execute
"""

from __future__ import annotations

import copy
from pathlib import Path

import nbformat

from mlsys import notebooks
from mlsys.checks import VERDICT_PATTERN

BEGIN = "### BEGIN SOLUTION"
END = "### END SOLUTION"
STUB = "# YOUR CODE HERE"
SOLUTION_ONLY_TAG = "solution-only"


def strip_solution(source: str) -> str:
    """Return `source` with every solution region replaced by a stub; raise on unbalanced markers."""
    kept, inside, indent = [], False, ""
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise ValueError(f"line {number}: {BEGIN} inside another solution region")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            kept.append(indent + STUB)
            if indent:
                kept.append(indent + "pass")
        elif marker == END:
            if not inside:
                raise ValueError(f"line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            kept.append(line)
    if inside:
        raise ValueError(f"{BEGIN} is never closed by {END}")
    return "\n".join(kept)


def solution_lines(source: str) -> list[str]:
    """Return the non-blank lines inside solution regions (what must never reach an exercise)."""
    lines, inside = [], False
    for line in source.splitlines():
        marker = line.strip()
        if marker in (BEGIN, END):
            inside = marker == BEGIN
        elif inside and marker:
            lines.append(marker)
    return lines


def tasks_passed(solution) -> list[dict]:
    """Return the tasks whose verdicts appear in a solution's stored outputs, in order.

    A task is ``auto`` (its check grades it) or ``review`` (a written argument whose check, in
    the solution, answers REVIEW: a person grades it).
    """
    tasks = []
    for cell in solution.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                match = VERDICT_PATTERN.match(line)
                if match:
                    tasks.append({"task": match["task"], "title": match["title"],
                                  "kind": "review" if match["result"] == "REVIEW" else "auto"})
    return tasks


def make_exercise(solution, source_name: str) -> nbformat.NotebookNode:
    """Return the exercise notebook (without outputs) generated from the solution `source_name`."""
    exercise = copy.deepcopy(solution)
    exercise.cells = [cell for cell in exercise.cells
                      if SOLUTION_ONLY_TAG not in cell.metadata.get("tags", [])]
    for cell in exercise.cells:
        if cell.cell_type == "code":
            cell.source = strip_solution(cell.source)
            cell.outputs = []
            cell.execution_count = None
    exercise.metadata.pop("widgets", None)
    exercise.metadata["mlsys"] = {"generated_from": f"solutions/{source_name}",
                                 "tasks": tasks_passed(solution)}
    return exercise


def exercise_path(solution_path) -> Path:
    """Where the exercise generated from `solution_path` lives (``exercises/`` beside ``solutions/``)."""
    solution_path = Path(solution_path)
    return solution_path.parent.parent / "exercises" / solution_path.name


def generate(solution_path, *, execute: bool = True) -> Path:
    """Write the exercise for `solution_path` (executed unless `execute` is False); return its path."""
    solution_path = Path(solution_path)
    exercise = make_exercise(notebooks.read(solution_path), solution_path.name)
    target = exercise_path(solution_path)
    target.parent.mkdir(exist_ok=True)
    if execute:
        notebooks.execute(exercise, cwd=target.parent)
    nbformat.write(exercise, target)
    return target


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlsys.exercises",
                                     description="Generate exercises/ from solutions/.")
    parser.add_argument("solutions", nargs="*", help="solution notebooks (default: solutions/*.ipynb)")
    parser.add_argument("--no-execute", action="store_true", help="write without running the exercise")
    args = parser.parse_args(argv)
    paths = [Path(p) for p in args.solutions] or sorted(Path("solutions").glob("*.ipynb"))
    if not paths:
        parser.error("no solution notebooks found (looked in solutions/)")
    for path in paths:
        print(f"{path} -> {generate(path, execute=not args.no_execute)}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
