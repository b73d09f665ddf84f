"""Grade a notebook: run it in a fresh kernel and report every task's verdict.

    python -m mlsys.grade exercises/03_latency.ipynb

Prints a table (task, result, the check's message) and a total. The exit code is 0 only when
every task passes. A notebook that raises, times out or kills its kernel is reported, not crashed
on: the tasks it never reached are listed as not run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from nbclient.exceptions import CellTimeoutError, DeadKernelError

from mlsys import notebooks
from mlsys._validate import check_number
from mlsys.checks import VERDICT_PATTERN


@dataclass(frozen=True)
class TaskResult:
    task: str
    title: str
    result: str  # "PASS", "FAIL" or "NOT RUN"
    message: str


@dataclass(frozen=True)
class Report:
    notebook: str
    tasks: list[TaskResult]
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(t.result == "PASS" for t in self.tasks)

    @property
    def all_passed(self) -> bool:
        return bool(self.tasks) and self.passed == len(self.tasks)


def _verdicts(notebook) -> dict:
    """Map task -> (title, result, message) from every verdict printed in the notebook's outputs."""
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            lines = output.get("text", "").splitlines()
            for index, line in enumerate(lines):
                match = VERDICT_PATTERN.match(line)
                if match:
                    detail = [text.strip().lstrip("✅❌ ") for text in lines[index + 1: index + 3]
                              if text.startswith("  ") and not VERDICT_PATTERN.match(text)]
                    found[match["task"]] = (match["title"], match["result"], " ".join(detail))
    return found


def _errors(notebook) -> list[str]:
    problems = []
    for number, cell in enumerate(notebook.cells, start=1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {number} raised {output['ename']}: {output['evalue']}")
    return problems


def grade_notebook(path, *, timeout_s: float = 300) -> Report:
    """Execute the notebook at `path` in a fresh kernel and return its `Report`."""
    path = Path(path)
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"path must be an existing .ipynb file; got {str(path)!r}")
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    notebook = notebooks.read(path)
    expected = notebook.metadata.get("mlsys", {}).get("tasks", [])
    for cell in notebook.cells:  # grade what the learner's code does now, not stored outputs
        if cell.cell_type == "code":
            cell.outputs = []
    problems = []
    try:
        notebooks.execute(notebook, cwd=path.parent, timeout_s=timeout_s, allow_errors=True)
    except CellTimeoutError:
        problems.append(f"a cell ran longer than {timeout_s:g} s and was stopped")
    except DeadKernelError as error:
        problems.append(f"the kernel died: {error}")
    problems += _errors(notebook)
    verdicts = _verdicts(notebook)
    order = [(t["task"], t["title"]) for t in expected]
    order += [(task, verdicts[task][0]) for task in verdicts if task not in dict(order)]
    tasks = []
    for task, title in order:
        if task in verdicts:
            tasks.append(TaskResult(task, title, verdicts[task][1], verdicts[task][2]))
        else:
            tasks.append(TaskResult(task, title, "NOT RUN", "its check never printed a verdict"))
    return Report(str(path), tasks, problems)


def format_report(report: Report) -> str:
    """Return the report as a plain-text table with a total line."""
    rows = [("task", "result", "message")]
    rows += [(f"{t.task} {t.title}", t.result, t.message) for t in report.tasks]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"Grading {report.notebook}", ""]
    for row in rows:
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip())
    lines.append("")
    if not report.tasks:
        lines.append("No task verdicts found: is this an exercise notebook of the book?")
    lines.append(f"Total: {report.passed} / {len(report.tasks)} tasks passed")
    lines += [f"Problem: {problem}" for problem in report.problems]
    return "\n".join(lines)


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlsys.grade",
                                     description="Run a notebook in a fresh kernel and grade its tasks.")
    parser.add_argument("notebook", help="the .ipynb file to grade")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per cell")
    args = parser.parse_args(argv)
    try:
        report = grade_notebook(args.notebook, timeout_s=args.timeout)
    except ValueError as error:
        parser.error(str(error))
    print(format_report(report))
    return 0 if report.all_passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
