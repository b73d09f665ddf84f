"""The grader runs a notebook in a fresh kernel and grades it itself; these tests start real
kernels (about 1 s each).

Most tests use a small trusted checks module written to a temporary folder (`check_path`) and a
reference notebook that calls it, as an instructor's own checks would be. The forgeries are
built from the book's own exercise 03, whatever its tasks are today.
"""

import csv
import json
import os
import re
import shutil
import textwrap
from pathlib import Path

import nbformat
import pytest

from mlsys import evaluation, sandbox
from mlsys.grade import (CSV_COLUMNS, Report, Submission, TaskResult, find_submissions,
                         format_report, format_summary, grade_folder, grade_notebook, main,
                         write_csv, write_gradebook)

ROOT = Path(__file__).resolve().parents[1]
PAIR = "03_latency.ipynb"

CHECKS = '''
import random

from mlsys.checks import Fail, require_function, require_number, task


@task("1", "answer is two")
def check_two(value):
    if require_number(value, "answer") != 2:
        raise Fail("answer is not two.", "Add one and one.")
    return "two it is"


@task("2", "a doubling function")
def check_double(function):
    require_function(function, "double")
    rng = random.Random(7)
    for x in [rng.randint(-50, 50) for _ in range(5)]:
        if function(x) != 2 * x:
            raise Fail(f"double({x}) is not {2 * x}.")
    return "It doubles all 5 cases."
'''
TASKS = [{"task": "1", "title": "answer is two"}, {"task": "2", "title": "a doubling function"}]
REFERENCE_CELLS = ("import gradetest_checks as checks",
                   "answer = None\n# YOUR CODE HERE\nchecks.check_two(answer)",
                   "def double(x):\n    # YOUR CODE HERE\n    pass\n\n\n"
                   "checks.check_double(double)")
SOLVED = ("import gradetest_checks as checks", "answer = 2\nchecks.check_two(answer)",
          "def double(x):\n    return 2 * x\n\n\nchecks.check_double(double)")


def write_notebook(path, *sources, tasks=None):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    if tasks is not None:
        notebook.metadata["mlsys"] = {"tasks": tasks}
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, path)
    return Path(path)


@pytest.fixture
def trusted(tmp_path):
    """(reference notebook, folder of the trusted checks), outside any submission."""
    folder = tmp_path / "trusted"
    folder.mkdir()
    (folder / "gradetest_checks.py").write_text(CHECKS, encoding="utf-8")
    reference = write_notebook(folder / "reference.ipynb", *REFERENCE_CELLS, tasks=TASKS)
    return reference, folder


def grade(path, trusted, **options):
    reference, folder = trusted
    return grade_notebook(path, reference=reference, check_path=[folder], **options)


def results(report):
    return [(t.task, t.result) for t in report.tasks]


def test_all_passing_notebook_exits_zero(tmp_path, trusted, capsys):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", *SOLVED)
    reference, folder = trusted
    assert main([str(path), "--reference", str(reference), "--check-path", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "1 answer is two" in out and "PASS" in out and "Total: 2 / 2" in out


def test_failing_erroring_and_missing_tasks_are_reported_in_a_private_copy(tmp_path, trusted):
    folder = tmp_path / "s"
    path = write_notebook(folder / "nb.ipynb", SOLVED[0], "answer = 3",
                          "open('written.txt', 'w').write('x')", "undefined_name")
    report = grade(path, trusted)
    assert results(report) == [("1", "FAIL"), ("2", "NOT RUN")]
    assert "answer is not two" in report.tasks[0].message
    assert "double is not defined" in report.tasks[1].message
    assert any("NameError" in problem for problem in report.problems)
    assert not report.all_passed and "Total: 0 / 2" in format_report(report)
    assert not (folder / "written.txt").exists()  # it ran in a copy of its folder


def test_a_hung_cell_is_stopped_and_later_tasks_still_count(tmp_path, trusted):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", SOLVED[0], "import time; time.sleep(60)",
                          *SOLVED[1:])
    report = grade(path, trusted, timeout_s=3)
    assert any("cell 2 ran longer than 3 s" in problem for problem in report.problems)
    assert results(report) == [("1", "PASS"), ("2", "PASS")]


def test_a_kernel_that_ignores_the_interrupt_is_given_up_on(tmp_path, trusted):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", *SOLVED[:2],
                          "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                          "while True:\n    pass", SOLVED[2])
    report = grade(path, trusted, timeout_s=2)
    assert results(report) == [("1", "NOT RUN"), ("2", "NOT RUN")]
    assert any("cell 3 ran longer than 2 s and was stopped, and the kernel no longer answered"
               in problem for problem in report.problems)


def test_the_whole_notebook_has_a_time_limit(tmp_path, trusted):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", SOLVED[0], "import time; time.sleep(2)",
                          "time.sleep(2)", *SOLVED[1:])
    report = grade(path, trusted, time_limit_s=4)
    assert any(re.fullmatch(r"the notebook ran longer than 4 s in all and was stopped at cell \d",
                            problem) for problem in report.problems)
    assert [t.result for t in report.tasks] != ["PASS", "PASS"]


def test_a_function_that_loops_forever_fails_its_task_only(tmp_path, trusted):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", *SOLVED[:2],
                          "def double(x):\n    while True:\n        pass")
    report = grade(path, trusted, timeout_s=3)
    assert results(report) == [("1", "PASS"), ("2", "FAIL")]
    assert "longer than 3 s" in report.tasks[1].message


def test_a_function_that_exits_fails_without_stopping_the_grader(tmp_path, trusted):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", *SOLVED[:2],
                          "import sys\ndef double(x):\n    sys.exit(0)")
    report = grade(path, trusted)
    assert results(report) == [("1", "PASS"), ("2", "FAIL")]


def test_the_memory_limit_stops_a_greedy_cell(tmp_path, trusted):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", SOLVED[0],
                          "big = bytearray(3 * 2**30)", *SOLVED[1:])
    report = grade(path, trusted, memory_mb=1024)
    assert any("MemoryError" in problem for problem in report.problems)
    assert results(report) == [("1", "PASS"), ("2", "PASS")]


def test_a_notebook_without_a_trusted_reference_gets_no_verdict(tmp_path):
    path = write_notebook(tmp_path / "s" / "nb.ipynb", "print('Task 1 · x — PASS')")
    report = grade_notebook(path)
    assert report.tasks == [] and not report.all_passed
    assert "no trusted copy of this exercise" in report.problems[0]


def test_bad_arguments_get_a_clear_error(tmp_path, trusted):
    reference, folder = trusted
    with pytest.raises(ValueError, match="path"):
        grade_notebook(tmp_path / "missing.ipynb")
    path = write_notebook(tmp_path / "x.ipynb", "1")
    for options, error, name in (({"timeout_s": 0}, ValueError, "timeout_s"),
                                 ({"memory_mb": -1}, ValueError, "memory_mb"),
                                 ({"time_limit_s": 0}, ValueError, "time_limit_s"),
                                 ({"sandbox": "yes"}, TypeError, "sandbox"),
                                 ({"reference": tmp_path / "none.ipynb"}, ValueError, "reference"),
                                 ({"check_path": [tmp_path / "none"]}, ValueError, "check_path")):
        with pytest.raises(error, match=name):
            grade_notebook(path, **options)


# --- Forged submissions: none gets an automatic point, and the report says why ---------------

def book_exercise():
    return nbformat.read(ROOT / "exercises" / PAIR, as_version=4)


def solution_results() -> dict:
    """Each task's verdict in the book's solution: PASS, or REVIEW for a written argument."""
    from mlsys.checks import VERDICT_PATTERN
    solution = nbformat.read(ROOT / "solutions" / PAIR, as_version=4)
    return {m["task"]: m["result"] for cell in solution.cells for output in cell.get("outputs", [])
            for line in output.get("text", "").splitlines() if (m := VERDICT_PATTERN.match(line))}


def forged(tmp_path, cells_after_imports=(), cells_at_end=(), files=None):
    """The book's unsolved exercise 03 with forging cells added, in a student's folder."""
    notebook = book_exercise()
    first_code = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
    for offset, source in enumerate(cells_after_imports, start=1):
        notebook.cells.insert(first_code + offset, nbformat.v4.new_code_cell(source))
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in cells_at_end]
    folder = tmp_path / "class" / "mallory"
    folder.mkdir(parents=True)
    for name, text in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    nbformat.write(notebook, folder / PAIR)
    return folder / PAIR


def assert_no_points(report, why):
    tasks = book_exercise().metadata["mlsys"]["tasks"]
    assert [t.task for t in report.tasks] == [t["task"] for t in tasks]
    assert report.passed == 0, format_report(report)
    assert any(re.search(why, problem) for problem in report.problems), report.problems


def test_a_notebook_that_prints_pass_for_every_task_gets_no_points(tmp_path):
    lines = [f"print({'Task ' + t['task'] + ' · ' + t['title'] + ' — PASS'!r})"
             for t in book_exercise().metadata["mlsys"]["tasks"]]
    report = grade_notebook(forged(tmp_path, cells_at_end=["\n".join(lines)]))
    assert_no_points(report, r"printed PASS for tasks 1, 2, .*never count")


def test_a_notebook_that_replaces_the_checks_gets_no_points(tmp_path):
    replace = textwrap.dedent("""
        import mlsys.checks
        for name in dir(checks):
            real = getattr(checks, name)
            if hasattr(real, 'task'):
                setattr(checks, name, lambda *a, _t=real.task, **k: mlsys.checks.report(
                    _t[0], _t[1], True, 'forged'))
        mlsys.checks.report = lambda n, t, passed, m, h=None: print(f'Task {n} · {t} — PASS')
        """)
    report = grade_notebook(forged(tmp_path, cells_after_imports=[replace]))
    assert_no_points(report, r"replaced mlsys\.checks\.latency\.check_")
    assert any("replaced mlsys.checks.report" in problem for problem in report.problems)


def test_a_function_that_hard_codes_the_examples_shown_gets_no_point(tmp_path):
    memorise = textwrap.dedent("""
        from mlsys.latency import percentile as _worked_out_beforehand
        _answers = {(tuple(values), q): _worked_out_beforehand(values, q)
                    for values, q in checks.PERCENTILE_CASES}

        def nearest_rank_percentile(values, q):
            return _answers.get((tuple(values), q), 0.0)
        """)
    report = grade_notebook(forged(tmp_path, cells_at_end=[memorise]))
    first = report.tasks[0]
    assert (first.task, first.result) == ("1", "FAIL"), format_report(report)
    assert "drawn" in first.message or "fresh" in first.message, first.message


def test_a_notebook_that_hands_the_grader_fake_checks_through_importlib_gets_no_points(
        tmp_path):
    patch = textwrap.dedent("""
        import importlib, types
        _real = importlib.import_module
        def import_module(name, package=None):
            module = _real(name, package)
            if not name.startswith('mlsys.checks.'):
                return module
            fake = types.ModuleType(name)
            for key, value in vars(module).items():
                if hasattr(value, 'task'):
                    forged = lambda *a, **k: True
                    forged.task = value.task
                    value = forged
                setattr(fake, key, value)
            return fake
        importlib.import_module = import_module
        """)
    report = grade_notebook(forged(tmp_path, cells_at_end=[patch]))
    assert_no_points(report, r"could not import the checks: .*task 1 is not the book's")


def test_a_notebook_that_redefines_print_gets_no_points(tmp_path):
    redefine = textwrap.dedent("""
        import builtins
        _print = builtins.print
        def print(*args, **kwargs):
            _print(*[str(a).replace('— FAIL', '— PASS') for a in args], **kwargs)
        builtins.print = print
        """)
    report = grade_notebook(forged(tmp_path, cells_after_imports=[redefine]))
    assert_no_points(report, "redefined print")


def test_a_fake_mlsys_package_beside_the_notebook_is_not_imported_by_the_grader(tmp_path):
    real = str(ROOT / "mlsys")  # the fake lends the book's modules but passes every verdict
    fake = {"mlsys/__init__.py": f"__path__.append({real!r})\n",
            "mlsys/checks/__init__.py": textwrap.dedent(f"""
                __path__.append({real + '/checks'!r})
                exec(compile(open({real + '/checks/__init__.py'!r}).read(), 'real', 'exec'))
                _report = report
                def report(task, title, passed, message, hint=None):
                    return _report(task, title, True, 'forged')
                """)}
    report = grade_notebook(forged(tmp_path, files=fake))
    assert_no_points(report, r"imported mlsys from mlsys/__init__\.py in its own folder, not from")


# --- The sandbox -----------------------------------------------------------------------------

def need_bwrap():
    if sandbox.bwrap_path() is None and not os.environ.get("CI"):
        pytest.skip("bubblewrap is not installed (apt-get install bubblewrap); CI installs it")


def test_the_sandbox_has_no_network_no_other_files_and_no_other_processes():
    need_bwrap()
    found = sandbox.probe()
    assert found["network"] is False and found["sees_outside_file"] is False
    assert found["uid"] == sandbox.NOBODY and found["processes"] <= 2
    assert found["sees_etc_passwd"] is False


def test_reading_another_students_folder_fails_under_the_sandbox(tmp_path, trusted, capsys):
    need_bwrap()
    bob = write_notebook(tmp_path / "class" / "bob" / "nb.ipynb", *SOLVED)
    (bob.parent / "answer.txt").write_text("2")
    write_notebook(tmp_path / "class" / "mallory" / "nb.ipynb", SOLVED[0],
                   f"answer = int(open({str(bob.parent / 'answer.txt')!r}).read())\n"
                   "checks.check_two(answer)")
    reference, folder = trusted
    argv = [str(tmp_path / "class"), "--reference", str(reference), "--check-path", str(folder),
            "--csv", str(tmp_path / "g.csv")]
    main(argv)  # without the sandbox the kernel can read what its user can: mallory copies
    copied = {r["student"]: r["result"] for r in read_csv(tmp_path / "g.csv") if r["task"] == "1"}
    assert copied == {"bob": "PASS", "mallory": "PASS"}
    main(argv + ["--sandbox"])
    rows = read_csv(tmp_path / "g.csv")
    assert [(r["student"], r["task"], r["result"]) for r in rows] == [
        ("bob", "1", "PASS"), ("bob", "2", "PASS"), ("mallory", "1", "NOT RUN"),
        ("mallory", "2", "NOT RUN")]
    report = grade(tmp_path / "class" / "mallory" / "nb.ipynb", trusted, sandbox=True)
    assert any(re.search(r"cell 2 raised (FileNotFoundError|PermissionError)", problem)
               for problem in report.problems)


def test_a_machine_that_forbids_the_sandbox_is_told_before_any_grading(tmp_path, monkeypatch,
                                                                       capsys):
    write_notebook(tmp_path / "class" / "ann" / "nb.ipynb", *SOLVED)

    def forbidden(**kwargs):
        raise RuntimeError("bubblewrap could not start a sandbox here: No permissions")

    monkeypatch.setattr(sandbox, "bwrap_path", lambda: "/usr/bin/bwrap")
    monkeypatch.setattr(sandbox, "probe", forbidden)
    with pytest.raises(SystemExit) as exit_info:
        main([str(tmp_path / "class"), "--sandbox"])
    assert exit_info.value.code == 2
    assert "--sandbox: bubblewrap could not start a sandbox here" in capsys.readouterr().err


# --- Grading a class -------------------------------------------------------------------------

def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_a_class_is_graded_in_parallel_and_a_hung_or_broken_notebook_does_not_stop_it(
        tmp_path, trusted, capsys):
    klass = tmp_path / "class"
    write_notebook(klass / "ann" / "nb.ipynb", *SOLVED)
    write_notebook(klass / "ben" / "nb.ipynb", "import time\nwhile True:\n    time.sleep(1)")
    write_notebook(klass / "cy" / "nb.ipynb", "import os; os._exit(1)")
    (klass / "dan").mkdir()
    (klass / "dan" / "nb.ipynb").write_text('{"cells": [', encoding="utf-8")  # cut off
    write_notebook(klass / "eve" / "nb.ipynb", *REFERENCE_CELLS)
    reference, folder = trusted
    code = main([str(klass), "--reference", str(reference), "--check-path", str(folder),
                 "--jobs", "2", "--timeout", "3", "--csv", str(tmp_path / "long.csv"),
                 "--gradebook", str(tmp_path / "book.csv")])
    assert code == 1
    captured = capsys.readouterr()
    assert re.search(r"100%\|.*\| 5/5", captured.err)  # the progress bar
    assert re.search(r"^ann +nb\.ipynb +2 / 2 +-$", captured.out, re.M)
    assert re.search(r"^ben +nb\.ipynb +0 / 2 +1 \(not run\), 2 \(not run\), 1 problem",
                     captured.out, re.M)
    assert "1 of 5 notebooks passed every automatic task" in captured.out
    long = read_csv(tmp_path / "long.csv")
    assert list(long[0]) == list(CSV_COLUMNS)
    assert [(r["student"], r["task"], r["result"]) for r in long] == [
        ("ann", "1", "PASS"), ("ann", "2", "PASS"), ("ben", "1", "NOT RUN"),
        ("ben", "2", "NOT RUN"), ("cy", "1", "NOT RUN"), ("cy", "2", "NOT RUN"),
        ("dan", "", "NO VERDICT"), ("eve", "1", "FAIL"), ("eve", "2", "FAIL")]
    assert "died" in next(r for r in long if r["student"] == "cy")["message"]
    book = read_csv(tmp_path / "book.csv")
    assert list(book[0]) == ["student", "nb.ipynb", "nb.ipynb (out of)", "total"]
    assert [(r["student"], r["nb.ipynb"], r["total"]) for r in book] == [
        ("ann", "2", "2"), ("ben", "0", "0"), ("cy", "0", "0"), ("dan", "0", "0"),
        ("eve", "0", "0")]


def test_a_written_answer_a_check_sends_for_review_counts_no_automatic_point(
        tmp_path, trusted, capsys):
    reference, folder = trusted
    (folder / "gradetest_review.py").write_text(textwrap.dedent("""
        def check_argument(text):
            return "REVIEW" if isinstance(text, str) and len(text.split()) >= 5 else False
        check_argument.task = ("3", "the argument")
        """), encoding="utf-8")
    cells = (*REFERENCE_CELLS, "import gradetest_review\nargument = None\n"
             "gradetest_review.check_argument(argument)")
    review_reference = write_notebook(folder / "review.ipynb", *cells,
                                      tasks=TASKS + [{"task": "3", "title": "the argument"}])
    path = write_notebook(tmp_path / "s" / "nb.ipynb", *SOLVED,
                          "argument = 'a tail matters more than the mean'")
    argv = [str(path), "--reference", str(review_reference), "--check-path", str(folder)]
    assert main(argv) == 0  # every automatic task passed; the argument waits for a person
    out = capsys.readouterr().out
    assert re.search(r"^3 the argument +REVIEW", out, re.M)
    assert "Total: 2 / 2 tasks passed; 1 for review (3)" in out
    unwritten = write_notebook(tmp_path / "u" / "nb.ipynb", *SOLVED)
    report = grade_notebook(unwritten, reference=review_reference, check_path=[folder])
    assert results(report) == [("1", "PASS"), ("2", "PASS"), ("3", "NOT RUN")]


def test_review_items_are_listed_apart_from_the_automatic_points(tmp_path):
    def report(*results):
        return Report("x", [TaskResult(str(i), f"t{i}", r, "m") for i, r in
                            enumerate(results, start=1)])
    submissions = [Submission("amy", "a.ipynb", report("PASS", "FAIL", "REVIEW")),
                   Submission("amy", "b.ipynb", report("PASS")),
                   Submission("bo", "a.ipynb", report("PASS", "PASS", "REVIEW"))]
    rows = read_csv(write_csv(submissions, tmp_path / "long.csv"))
    assert [(r["student"], r["task"], r["kind"], r["points"], r["max_points"]) for r in rows] == [
        ("amy", "1", "auto", "1", "1"), ("amy", "2", "auto", "0", "1"),
        ("amy", "3", "review", "", ""), ("amy", "1", "auto", "1", "1"),
        ("bo", "1", "auto", "1", "1"), ("bo", "2", "auto", "1", "1"),
        ("bo", "3", "review", "", "")]
    book = read_csv(write_gradebook(submissions, tmp_path / "book.csv"))
    assert list(book[0]) == ["student", "a.ipynb", "a.ipynb (out of)", "a.ipynb review",
                             "b.ipynb", "b.ipynb (out of)", "total"]
    assert book == [
        {"student": "amy", "a.ipynb": "1", "a.ipynb (out of)": "2", "a.ipynb review": "3",
         "b.ipynb": "1", "b.ipynb (out of)": "1", "total": "2"},
        {"student": "bo", "a.ipynb": "2", "a.ipynb (out of)": "2", "a.ipynb review": "3",
         "b.ipynb": "", "b.ipynb (out of)": "", "total": "2"}]
    assert "1 for review" in format_report(submissions[0].report)
    assert re.search(r"amy +a\.ipynb +1 / 2 +2; review 3", format_summary(submissions))


def test_a_class_of_the_books_exercise_is_graded_against_the_books_own_copy(tmp_path, capsys):
    for student, source in (("alice", "solutions"), ("bob", "exercises")):
        (tmp_path / "class" / student).mkdir(parents=True)
        shutil.copy(ROOT / source / PAIR, tmp_path / "class" / student / PAIR)
    (tmp_path / "class" / "bob" / ".ipynb_checkpoints").mkdir()  # Jupyter's copies: skipped
    shutil.copy(ROOT / "solutions" / PAIR, tmp_path / "class" / "bob" / ".ipynb_checkpoints")
    assert main([str(tmp_path / "class"), "--jobs", "2", "--csv",
                 str(tmp_path / "grades.csv")]) == 1
    tasks = book_exercise().metadata["mlsys"]["tasks"]
    solved = solution_results()
    written = [t["task"] for t in tasks if solved[t["task"]] == "REVIEW"]
    assert written and set(solved.values()) == {"PASS", "REVIEW"}
    rows = read_csv(tmp_path / "grades.csv")
    assert [(r["student"], r["notebook"], r["task"], r["title"], r["result"]) for r in rows] == [
        (student, PAIR, t["task"], t["title"], solved[t["task"]] if student == "alice" else "FAIL")
        for student in ("alice", "bob") for t in tasks]
    assert all(r["message"] for r in rows)
    # A written answer is the person's to grade whether or not it was written: the automatic
    # maximum is the same for every student.
    assert all((r["kind"] == "review") == (r["task"] in written) for r in rows)
    assert {r["max_points"] for r in rows if r["kind"] == "review"} == {""}
    out = capsys.readouterr().out
    automatic = len(tasks) - len(written)
    assert re.search(rf"alice +{PAIR} +{automatic} / {automatic} +-; review {written[0]}", out)
    assert re.search(rf"bob +{PAIR} +0 / {automatic} ", out)
    assert "1 of 2 notebooks passed every automatic task" in out


def test_an_unreadable_notebook_or_a_kernel_that_does_not_start_is_reported(
        tmp_path, trusted, monkeypatch):
    (tmp_path / "c" / "cy").mkdir(parents=True)
    (tmp_path / "c" / "cy" / "nb.ipynb").write_text('{"cells": [', encoding="utf-8")
    write_notebook(tmp_path / "c" / "dan" / "nb.ipynb", *SOLVED)

    def no_kernel(*args, **kwargs):
        raise RuntimeError("Kernel didn't respond in 60 seconds\nmore detail")

    monkeypatch.setattr(evaluation, "_Kernel", no_kernel)
    reference, folder = trusted
    cy, dan = (s.report for s in grade_folder(tmp_path / "c", reference=reference,
                                                 check_path=[folder]))
    assert cy.tasks == [] and re.fullmatch(r"the file is not a readable notebook \(\w+: .+\)",
                                           cy.problems[0])
    assert results(dan) == [("1", "NOT RUN"), ("2", "NOT RUN")]
    assert dan.problems == ["the notebook could not be run (RuntimeError: Kernel didn't respond "
                            "in 60 seconds)"]


def test_both_layouts_are_found_without_running_anything(tmp_path):
    flat = tmp_path / "flat"
    for path in (flat / "bob" / "a.ipynb", flat / "amy" / "a.ipynb", flat / "amy" / "b.ipynb"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}")
    assert [(s, n) for s, n, _ in find_submissions(flat)] == [
        ("amy", "a.ipynb"), ("amy", "b.ipynb"), ("bob", "a.ipynb")]
    course = tmp_path / "course"  # nbgrader: only submitted/ counts, not source/ or release/
    for path in (course / "submitted" / "amy" / "ps1" / "a.ipynb",
                 course / "source" / "ps1" / "a.ipynb", course / "release" / "ps1" / "a.ipynb"):
        path.parent.mkdir(parents=True)
        path.write_text("{}")
    assert [(s, n) for s, n, _ in find_submissions(course)] == [("amy", "ps1/a.ipynb")]


def test_bad_folders_and_arguments_get_a_clear_error_before_any_grading(tmp_path, capsys):
    with pytest.raises(ValueError, match="holds no notebook"):
        find_submissions(tmp_path)
    (tmp_path / "loose.ipynb").write_text("{}")
    with pytest.raises(ValueError, match="not in a student's folder"):
        find_submissions(tmp_path)
    with pytest.raises(ValueError, match="folder must be an existing folder"):
        find_submissions(tmp_path / "missing")
    with pytest.raises(TypeError, match="progress"):
        grade_folder(tmp_path, progress="yes")
    with pytest.raises(ValueError, match="jobs"):
        grade_folder(tmp_path, jobs=0)
    with pytest.raises(TypeError, match="submissions"):
        write_csv("alice", tmp_path / "g.csv")
    with pytest.raises(TypeError, match="submissions"):
        write_gradebook([1], tmp_path / "g.csv")
    for argv, message in (([str(tmp_path / "missing")], "does not exist"),
                          ([str(tmp_path), "--csv", str(tmp_path / "no" / "g.csv")], "CSV path"),
                          ([str(tmp_path), "--gradebook", str(tmp_path)], "CSV path"),
                          ([str(tmp_path), "--timeout", "0"], "--timeout"),
                          ([str(tmp_path), "--jobs", "0"], "--jobs"),
                          ([str(tmp_path), "--memory-mb", "-1"], "--memory-mb"),
                          ([str(tmp_path), "--reference", str(tmp_path / "r.ipynb")],
                           "--reference")):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2 and message in capsys.readouterr().err


def test_the_outcome_serialises_for_logs():
    outcome = evaluation.Outcome([evaluation.TaskOutcome("1", "t", "PASS", "ok")], ["p"], 1.5)
    assert json.loads(evaluation.to_json(outcome)) == {
        "tasks": [{"task": "1", "title": "t", "result": "PASS", "message": "ok"}],
        "problems": ["p"], "seconds": 1.5}
    with pytest.raises(TypeError, match="outcome"):
        evaluation.to_json("x")
