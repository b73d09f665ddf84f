"""Grade a notebook, or a folder of submitted notebooks: run each in a fresh kernel, then check
every task's answer with the book's own checks.

    python -m mlsys.grade exercises/03_latency.ipynb
    python -m mlsys.grade submissions/ --jobs 2 --csv grades.csv --gradebook gradebook.csv
    python -m mlsys.grade submissions/ --sandbox          # no network, nothing else to read

The grade never comes from what a notebook prints. The grader takes each task's check call from
the book's trusted copy of the exercise (``exercises/<name>.ipynb``, or ``--reference``), runs the
submission in a private copy of its folder with time and memory limits, then imports the checks
afresh in the same kernel and calls them on the learner's answers itself (`mlsys.evaluation`).

For one notebook it prints a table (task, result, the check's message) and a total. For a folder
it grades every notebook of every student, in either layout

    <folder>/<student>/<notebook>.ipynb
    <folder>/submitted/<student>/<assignment>/<notebook>.ipynb    (nbgrader's)

``--jobs N`` at a time, with a progress bar, and prints one line per student and notebook and a
summary. ``--csv`` writes one row per student, notebook and task; ``--gradebook`` one row per
student with a column per notebook, the items a person grades (REVIEW) in columns of their own.
The exit code is 0 only when every automatic task of every notebook passes. A notebook that
raises, hangs, exhausts its memory, kills its kernel or cannot even be read is reported, never
crashed on: grading the class goes on.
"""

from __future__ import annotations

import csv
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from mlsys import evaluation
from mlsys._validate import check_number

#: What a task can come to. REVIEW: a written answer that a person grades (no automatic point).
RESULTS = ("PASS", "FAIL", "REVIEW", "NOT RUN")


@dataclass(frozen=True)
class TaskResult:
    task: str
    title: str
    result: str  # one of RESULTS
    message: str
    kind: str = ""  # "auto": the checks grade it; "review": a written answer a person grades

    def __post_init__(self):
        if not self.kind:  # unsaid: a REVIEW verdict says it is a written answer
            object.__setattr__(self, "kind", "review" if self.result == "REVIEW" else "auto")
        if self.kind not in ("auto", "review"):
            raise ValueError(f"kind must be 'auto' or 'review', got {self.kind!r}")


@dataclass(frozen=True)
class Report:
    notebook: str
    tasks: list[TaskResult]
    problems: list[str] = field(default_factory=list)
    reference: str = ""  # the trusted copy whose check calls graded it
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        """Automatic tasks passed: the notebook's automatic points."""
        return sum(t.result == "PASS" for t in self.tasks)

    @property
    def automatic(self) -> int:
        """Tasks graded by the checks (not written answers): the notebook's automatic maximum."""
        return sum(t.kind == "auto" for t in self.tasks)

    @property
    def review(self) -> list[TaskResult]:
        """The tasks a person grades."""
        return [t for t in self.tasks if t.result == "REVIEW"]

    @property
    def all_passed(self) -> bool:
        """Every automatic task passed (REVIEW items wait for a person and do not count)."""
        return bool(self.tasks) and self.passed == self.automatic


@dataclass(frozen=True)
class Submission:
    student: str
    notebook: str  # the notebook's path below the student's folder, e.g. "ps1/03_latency.ipynb"
    report: Report


def _first_line(error) -> str:
    lines = str(error).strip().splitlines()
    return lines[0] if lines else "no message"


def _check_options(timeout_s, time_limit_s, memory_mb, sandbox, check_path) -> list[Path]:
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    check_number("time_limit_s", time_limit_s, low=0, low_open=True, unit="seconds")
    check_number("memory_mb", memory_mb, low=0, unit="MB")
    if not isinstance(sandbox, bool):
        raise TypeError(f"sandbox must be True or False; got {sandbox!r}")
    if isinstance(check_path, (str, Path)):
        raise TypeError(f"check_path must be a list of folders; got {check_path!r}")
    folders = [Path(p) for p in check_path]
    for folder in folders:
        if not folder.is_dir():
            raise ValueError(f"check_path must list existing folders; got {str(folder)!r}")
    return folders


def _reference(reference) -> Path | None:
    if reference is None:
        return None
    path = Path(reference)
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"reference must be an existing .ipynb file; got {str(path)!r}")
    return path


def grade_notebook(path, *, timeout_s: float = 300, reference=None, check_path=(),
                   sandbox: bool = False, memory_mb: float = 4096,
                   time_limit_s: float = 900) -> Report:
    """Run the notebook at `path` in a fresh kernel, check its answers, return its `Report`.

    `reference` is the trusted notebook whose check calls grade it (default: the book's
    ``exercises/`` copy of the same name, see `mlsys.evaluation.find_reference`); `check_path`
    lists folders of further trusted check modules the reference imports. `timeout_s` limits
    each cell and each check, `time_limit_s` the whole notebook, `memory_mb` the kernel's
    memory; `sandbox` runs the kernel under bubblewrap (`mlsys.sandbox`).
    """
    path = Path(path)
    if not path.is_file() or path.suffix != ".ipynb":
        raise ValueError(f"path must be an existing .ipynb file; got {str(path)!r}")
    folders = _check_options(timeout_s, time_limit_s, memory_mb, sandbox, check_path)
    reference_path = _reference(reference)
    if reference_path is None:
        try:
            notebook = evaluation.nbformat.read(path, as_version=4)
        except Exception as error:  # a truncated or hand-edited file: nbformat raises many kinds
            return Report(str(path), [], [f"the file is not a readable notebook "
                                          f"({type(error).__name__}: {_first_line(error)})"])
        reference_path = evaluation.find_reference(path, notebook)
        if reference_path is None:
            return Report(str(path), [], [
                f"no trusted copy of this exercise: the book's exercises/ has no {path.name} "
                "(give the grader one with --reference); printed verdicts never count"])
    loaded = evaluation.load_reference(reference_path,
                                       trusted_names=tuple(evaluation.trusted_roots(folders)))
    outcome = evaluation.evaluate(path, loaded, timeout_s=timeout_s, time_limit_s=time_limit_s,
                                  memory_mb=memory_mb, sandbox=sandbox, check_path=folders)
    kinds = {t["task"]: t.get("kind", "auto") for t in loaded.tasks}  # from the trusted copy
    tasks = [TaskResult(t.task, t.title, t.result, t.message,
                        "review" if t.result == "REVIEW" else kinds.get(t.task, "auto"))
             for t in outcome.tasks]
    return Report(str(path), tasks, list(outcome.problems), str(reference_path), outcome.seconds)


def format_report(report: Report) -> str:
    """Return the report as a plain-text table with a total line."""
    if not isinstance(report, Report):
        raise TypeError(f"report must be a Report; got {type(report).__name__}")
    rows = [("task", "result", "message")]
    rows += [(f"{t.task} {t.title}", t.result, t.message) for t in report.tasks]
    widths = [max(len(row[i]) for row in rows) for i in range(2)]
    lines = [f"Grading {report.notebook}"]
    if report.reference:
        lines.append(f"Checked against {report.reference}")
    lines.append("")
    for row in rows:
        lines.append(f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]}".rstrip())
    lines.append("")
    if not report.tasks:
        lines.append("No task graded: is this an exercise notebook of the book?")
    total = f"Total: {report.passed} / {report.automatic} tasks passed"
    if report.review:
        total += f"; {len(report.review)} for review ({', '.join(t.task for t in report.review)})"
    lines.append(total)
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


def grade_folder(folder, *, jobs: int = 1, progress=None, done=None, **options) -> list[Submission]:
    """Grade every notebook of `folder` (see `find_submissions`), `jobs` at a time.

    Each notebook runs in a fresh kernel of its own; `options` are those of `grade_notebook`.
    `progress`, if given, is called with each notebook's path before it runs, `done` with each
    `Submission` when it is graded. The result is in the order of `find_submissions`. A
    notebook the grader itself fails on is reported as a problem; the others are still graded.
    """
    check_number("jobs", jobs, low=1, integer=True)
    for name, function in (("progress", progress), ("done", done)):
        if function is not None and not callable(function):
            raise TypeError(f"{name} must be a function of one argument, or None; "
                            f"got {function!r}")
    _check_options(options.get("timeout_s", 300), options.get("time_limit_s", 900),
                   options.get("memory_mb", 4096), options.get("sandbox", False),
                   options.get("check_path", ()))
    _reference(options.get("reference"))
    found = find_submissions(folder)

    def one(item):
        student, notebook, path = item
        if progress is not None:
            progress(path)
        try:
            report = grade_notebook(path, **options)
        except Exception as error:  # never let one notebook stop the class
            report = Report(str(path), [], [f"the grader failed on this notebook "
                                            f"({type(error).__name__}: {_first_line(error)})"])
        submission = Submission(student, notebook, report)
        if done is not None:
            done(submission)
        return submission

    if jobs == 1:
        return [one(item) for item in found]
    with ThreadPoolExecutor(max_workers=int(jobs)) as pool:
        return list(pool.map(one, found))


def _check_submissions(submissions) -> None:
    if not isinstance(submissions, (list, tuple)) or not all(
            isinstance(s, Submission) for s in submissions):
        raise TypeError("submissions must be a list of Submission, as grade_folder returns; "
                        f"got {type(submissions).__name__}")


def format_summary(submissions: list[Submission], *, seconds: float | None = None) -> str:
    """Return one line per student and notebook (tasks passed, the others), then a summary."""
    _check_submissions(submissions)

    def not_passed(report):
        names = [t.task if t.result == "FAIL" else f"{t.task} (not run)"
                 for t in report.tasks if t.result in ("FAIL", "NOT RUN")]
        if not report.tasks:
            names.append("no task graded")
        if report.problems:
            names.append(f"{len(report.problems)} problem{'s' if len(report.problems) > 1 else ''}")
        text = ", ".join(names) or "-"
        if report.review:
            text += f"; review {', '.join(t.task for t in report.review)}"
        return text

    rows = [("student", "notebook", "passed", "not passed")]
    rows += [(s.student, s.notebook, f"{s.report.passed} / {s.report.automatic}",
              not_passed(s.report)) for s in submissions]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = ["  ".join(f"{cell:<{width}}" for cell, width in zip(row, widths + [0])).rstrip()
             for row in rows]
    complete = sum(s.report.all_passed for s in submissions)
    lines += ["", f"{complete} of {len(submissions)} notebooks passed every automatic task"]
    troubled = sum(bool(s.report.problems) for s in submissions)
    review = sum(len(s.report.review) for s in submissions)
    lines.append(f"{troubled} with problems (raised, hung, died, unreadable, tampered); "
                 f"{review} written answer{'s' if review != 1 else ''} for review")
    if seconds is not None and submissions:
        lines.append(f"{seconds:.0f} s in all, {60 * len(submissions) / max(seconds, 1e-9):.1f} "
                     "notebooks per minute")
    return "\n".join(lines)


#: The long format: one row per student, notebook and task.
CSV_COLUMNS = ("student", "notebook", "task", "title", "kind", "result", "points", "max_points",
               "message")


def _csv_path(path) -> Path:
    path = Path(path)
    if path.is_dir() or not path.parent.is_dir():
        raise ValueError(f"the CSV path must name a file in an existing folder; got {str(path)!r}")
    return path


def write_csv(submissions: list[Submission], path) -> Path:
    """Write one row per student, notebook and task (`CSV_COLUMNS`) to `path`; return it.

    ``kind`` is ``auto`` for a task the checks grade (``points`` 1 or 0 of ``max_points`` 1)
    and ``review`` for a written answer a person grades (points left empty for them). A
    notebook with no task graded still gets a row, with result ``NO VERDICT`` and the reason.
    """
    _check_submissions(submissions)
    path = _csv_path(path)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_COLUMNS)
        for s in submissions:
            for t in s.report.tasks:
                review = t.kind == "review"
                writer.writerow((s.student, s.notebook, t.task, t.title, t.kind, t.result,
                                 "" if review else int(t.result == "PASS"),
                                 "" if review else 1, t.message))
            if not s.report.tasks:
                problems = "; ".join(s.report.problems) or "no task graded"
                writer.writerow((s.student, s.notebook, "", "", "", "NO VERDICT", 0, "",
                                 problems))
    return path


def write_gradebook(submissions: list[Submission], path) -> Path:
    """Write one row per student and a column per notebook (automatic points) to `path`.

    Beside each notebook's points, ``<notebook> (out of)`` gives its automatic maximum, and
    ``<notebook> review`` (only for notebooks with written answers) lists the tasks a person
    grades, to be scored in the gradebook by hand; ``total`` sums the automatic points. A
    notebook a student did not hand in is left empty.
    """
    _check_submissions(submissions)
    path = _csv_path(path)
    notebooks = sorted({s.notebook for s in submissions})
    reviewed = {s.notebook for s in submissions if s.report.review}
    header = ["student"]
    for notebook in notebooks:
        header += [notebook, f"{notebook} (out of)"]
        if notebook in reviewed:
            header.append(f"{notebook} review")
    header.append("total")
    rows = {}
    for s in submissions:
        row = rows.setdefault(s.student, {"student": s.student, "total": 0})
        row[s.notebook] = s.report.passed
        row[f"{s.notebook} (out of)"] = s.report.automatic if s.report.tasks else ""
        if s.notebook in reviewed:
            row[f"{s.notebook} review"] = " ".join(t.task for t in s.report.review)
        row["total"] += s.report.passed
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, fieldnames=header, restval="")
        writer.writeheader()
        for student in sorted(rows):
            writer.writerow(rows[student])
    return path


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(
        prog="python -m mlsys.grade",
        description="Run notebooks in a fresh kernel each and grade their tasks with the book's "
                    "own checks (never with what the notebooks print).")
    parser.add_argument("path", help="a .ipynb file, or a folder of <student>/<notebook>.ipynb "
                        "(or nbgrader's submitted/<student>/<assignment>/<notebook>.ipynb)")
    parser.add_argument("--timeout", type=float, default=300,
                        help="seconds allowed per cell and per check (300)")
    parser.add_argument("--time-limit", type=float, default=900,
                        help="seconds allowed per notebook in all (900)")
    parser.add_argument("--memory-mb", type=float, default=4096,
                        help="memory allowed per kernel, in MB (4096; 0: no limit)")
    parser.add_argument("--jobs", type=int, default=1, help="notebooks graded at once (1)")
    parser.add_argument("--sandbox", action="store_true",
                        help="run each kernel under bubblewrap: no network, no other files")
    parser.add_argument("--reference", metavar="NOTEBOOK",
                        help="the trusted notebook whose check calls grade the submissions "
                        "(default: the book's exercises/ copy of the same name)")
    parser.add_argument("--check-path", metavar="FOLDER", action="append", default=[],
                        help="a folder of further trusted check modules (repeatable)")
    parser.add_argument("--csv", metavar="PATH",
                        help="also write one row per student, notebook and task to this file")
    parser.add_argument("--gradebook", metavar="PATH",
                        help="also write one row per student, a column per notebook")
    args = parser.parse_args(argv)
    try:
        check_number("--timeout", args.timeout, low=0, low_open=True, unit="seconds")
        check_number("--time-limit", args.time_limit, low=0, low_open=True, unit="seconds")
        check_number("--memory-mb", args.memory_mb, low=0, unit="MB")
        check_number("--jobs", args.jobs, low=1, integer=True)
        for option in (args.csv, args.gradebook):
            if option is not None:
                _csv_path(option)  # refuse a bad path before grading, not after
        if args.reference is not None and not Path(args.reference).is_file():
            raise ValueError(f"--reference must be an existing notebook; got {args.reference!r}")
        for folder in args.check_path:
            if not Path(folder).is_dir():
                raise ValueError(f"--check-path must be an existing folder; got {folder!r}")
        if args.sandbox:
            from mlsys import sandbox

            if sandbox.bwrap_path() is None:
                raise ValueError("--sandbox needs bubblewrap: apt-get install bubblewrap")
            try:  # once, before any grading: a machine that forbids namespaces says so here
                sandbox.probe()
            except (RuntimeError, OSError) as error:
                raise ValueError(f"--sandbox: {error}") from None
        if not Path(args.path).exists():
            raise ValueError(f"path must be a .ipynb file or a folder of submissions; "
                             f"{args.path!r} does not exist")
        options = dict(timeout_s=args.timeout, time_limit_s=args.time_limit,
                       memory_mb=args.memory_mb, sandbox=args.sandbox,
                       reference=args.reference, check_path=args.check_path)
        started = time.monotonic()
        if Path(args.path).is_dir():
            from tqdm import tqdm

            total = len(find_submissions(args.path))
            with tqdm(total=total, unit="notebook", file=sys.stderr, dynamic_ncols=True,
                      mininterval=0.5) as bar:
                def done(submission):
                    bar.update(1)
                    bar.set_postfix_str(f"{submission.student}/{submission.notebook}")

                submissions = grade_folder(args.path, jobs=args.jobs, done=done, **options)
            print(format_summary(submissions, seconds=time.monotonic() - started))
        else:
            report = grade_notebook(args.path, **options)
            submissions = [Submission("", Path(args.path).name, report)]
            print(format_report(report))
        for option, write in ((args.csv, write_csv), (args.gradebook, write_gradebook)):
            if option is not None:
                print(f"Wrote {write(submissions, option)}")
    except ValueError as error:
        parser.error(str(error))
    return 0 if all(s.report.all_passed for s in submissions) else 1


if __name__ == "__main__":
    raise SystemExit(main())
