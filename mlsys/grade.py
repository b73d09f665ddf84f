"""Grade a notebook, or a folder of submitted notebooks: run each in a fresh kernel and report
every task's verdict.

    python -m mlsys.grade exercises/03_latency.ipynb
    python -m mlsys.grade submissions/ --csv grades.csv

For one notebook it prints a table (task, result, the check's message) and a total. For a folder
it grades every notebook of every student, in either layout

    <folder>/<student>/<notebook>.ipynb
    <folder>/submitted/<student>/<assignment>/<notebook>.ipynb    (nbgrader's)

and prints one line per student and notebook (tasks passed, tasks failed); ``--csv`` writes one
row per student, notebook and task. The exit code is 0 only when every task of every notebook
passes. A notebook that raises, times out, kills its kernel, cannot start one or cannot even be
read is reported, not crashed on: the tasks it never reached are listed as not run.
"""

from __future__ import annotations

import csv
import sys
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


@dataclass(frozen=True)
class Submission:
    student: str
    notebook: str  # the notebook's path below the student's folder, e.g. "ps1/03_latency.ipynb"
    report: Report


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


def _first_line(error) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else "no message"


def grade_notebook(path, *, timeout_s: float = 300) -> Report:
    """Execute the notebook at `path` in a fresh kernel and return its `Report`."""
    path = Path(path)
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"path must be an existing .ipynb file; got {str(path)!r}")
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    try:
        notebook = notebooks.read(path)
    except Exception as error:  # a truncated or hand-edited file: nbformat raises many kinds
        return Report(str(path), [], [f"the file is not a readable notebook "
                                      f"({type(error).__name__}: {_first_line(error)})"])
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
    except Exception as error:  # the kernel did not start, or nbclient could not talk to it
        problems.append(f"the notebook could not be run ({type(error).__name__}: "
                        f"{_first_line(error)})")
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


def find_submissions(folder) -> list[tuple[str, str, Path]]:
    """Return (student, notebook, path) for every notebook of a folder of submissions.

    The first folder level below `folder` (below ``folder/submitted`` when it exists, as in an
    nbgrader course) names the student; the rest of the path names the notebook. Hidden
    folders such as ``.ipynb_checkpoints`` are skipped.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"folder must be an existing folder of submissions; got {str(folder)!r}")
    if (folder / "submitted").is_dir():
        folder = folder / "submitted"
    found = []
    for path in sorted(folder.rglob("*.ipynb")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts):
            continue
        if len(relative.parts) < 2:
            raise ValueError(f"folder: {relative} is not in a student's folder; put each "
                             f"student's notebooks in {folder}/<student>/")
        found.append((relative.parts[0], Path(*relative.parts[1:]).as_posix(), path))
    if not found:
        raise ValueError(f"folder {str(folder)!r} holds no notebook in <student>/<notebook>.ipynb "
                         "or submitted/<student>/<assignment>/<notebook>.ipynb")
    return found


def grade_folder(folder, *, timeout_s: float = 300, progress=None) -> list[Submission]:
    """Grade every notebook of `folder` (see `find_submissions`), each in a fresh kernel.

    `progress`, if given, is called with each notebook's path before it runs.
    """
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be a function of one path, or None; got {progress!r}")
    graded = []
    for student, notebook, path in find_submissions(folder):
        if progress is not None:
            progress(path)
        graded.append(Submission(student, notebook, grade_notebook(path, timeout_s=timeout_s)))
    return graded


def _check_submissions(submissions) -> None:
    if not isinstance(submissions, (list, tuple)) or not all(
            isinstance(s, Submission) for s in submissions):
        raise TypeError("submissions must be a list of Submission, as grade_folder returns; "
                        f"got {type(submissions).__name__}")


def format_summary(submissions: list[Submission]) -> str:
    """Return one line per student and notebook: tasks passed, and the tasks that did not pass."""
    _check_submissions(submissions)
    def not_passed(report):
        names = [t.task if t.result == "FAIL" else f"{t.task} (not run)"
                 for t in report.tasks if t.result != "PASS"]
        if not report.tasks:
            names.append("no task verdicts")
        if report.problems:
            names.append(f"{len(report.problems)} problem(s)")
        return ", ".join(names) or "-"

    rows = [("student", "notebook", "passed", "not passed")]
    rows += [(s.student, s.notebook, f"{s.report.passed} / {len(s.report.tasks)}",
              not_passed(s.report)) for s in submissions]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths + [0])).rstrip()
             for row in rows]
    complete = sum(s.report.all_passed for s in submissions)
    lines += ["", f"{complete} of {len(submissions)} notebooks passed every task"]
    return "\n".join(lines)


CSV_COLUMNS = ("student", "notebook", "task", "title", "result", "message")


def _csv_path(path) -> Path:
    path = Path(path)
    if path.is_dir() or not path.parent.is_dir():
        raise ValueError(f"the CSV path must name a file in an existing folder; got {str(path)!r}")
    return path


def write_csv(submissions: list[Submission], path) -> Path:
    """Write one row per student, notebook and task (`CSV_COLUMNS`) to `path`; return it.

    A notebook that printed no verdict at all still gets a row, with result ``NO VERDICT``.
    """
    _check_submissions(submissions)
    path = _csv_path(path)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_COLUMNS)
        for s in submissions:
            for t in s.report.tasks:
                writer.writerow((s.student, s.notebook, t.task, t.title, t.result, t.message))
            if not s.report.tasks:
                problems = "; ".join(s.report.problems) or "no task verdicts found"
                writer.writerow((s.student, s.notebook, "", "", "NO VERDICT", problems))
    return path


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m mlsys.grade",
        description="Run notebooks in a fresh kernel each and grade their tasks.")
    parser.add_argument("path", help="a .ipynb file, or a folder of <student>/<notebook>.ipynb "
                        "(or nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed per cell")
    parser.add_argument("--csv", metavar="PATH",
                        help="also write one row per student, notebook and task to this file")
    args = parser.parse_args(argv)
    try:
        check_number("--timeout", args.timeout, low=0, low_open=True, unit="seconds")
        if args.csv is not None:
            _csv_path(args.csv)  # refuse a bad path before grading, not after
        if not Path(args.path).exists():
            raise ValueError(f"path must be a .ipynb file or a folder of submissions; "
                             f"{args.path!r} does not exist")
        if Path(args.path).is_dir():
            submissions = grade_folder(args.path, timeout_s=args.timeout, progress=lambda p: print(
                f"Grading {p}", file=sys.stderr, flush=True))
            print(format_summary(submissions))
        else:
            report = grade_notebook(args.path, timeout_s=args.timeout)
            submissions = [Submission("", Path(args.path).name, report)]
            print(format_report(report))
        if args.csv is not None:
            print(f"Wrote {write_csv(submissions, args.csv)}")
    except ValueError as error:
        parser.error(str(error))
    return 0 if all(s.report.all_passed for s in submissions) else 1


if __name__ == "__main__":
    raise SystemExit(main())
