"""The grader runs a notebook in a fresh kernel; these tests start real kernels (about 1 s each)."""

import csv
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from mlsys import grade as grade_module
from mlsys.grade import (CSV_COLUMNS, find_submissions, format_report, grade_folder,
                         grade_notebook, main, write_csv)

CHECK = ("from mlsys.checks import task, require_number\n"
         "@task('{n}', 'answer is two')\n"
         "def check(value):\n"
         "    assert require_number(value) == 2, 'not two'\n"
         "    return 'two it is'\n")


def write_notebook(path, *sources, tasks=None):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    if tasks is not None:
        notebook.metadata["mlsys"] = {"tasks": tasks}
    nbformat.write(notebook, path)
    return path


def test_all_passing_notebook_exits_zero(tmp_path, capsys):
    path = write_notebook(tmp_path / "good.ipynb", CHECK.format(n=1), "check(2)")
    assert main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "1 answer is two" in out and "PASS" in out and "Total: 1 / 1" in out


def test_failing_erroring_and_missing_tasks_are_reported_not_crashed_on(tmp_path):
    path = write_notebook(
        tmp_path / "bad.ipynb", CHECK.format(n=1), "check(3)", "undefined_name", "check(None)",
        tasks=[{"task": "1", "title": "answer is two"}, {"task": "2", "title": "never checked"}])
    report = grade_notebook(path)
    assert [t.result for t in report.tasks] == ["FAIL", "NOT RUN"]
    assert any("NameError" in problem for problem in report.problems)
    assert not report.all_passed
    assert "Total: 0 / 2" in format_report(report)


def test_a_cell_that_runs_too_long_is_reported(tmp_path):
    path = write_notebook(tmp_path / "slow.ipynb", "import time; time.sleep(30)",
                          tasks=[{"task": "1", "title": "t"}])
    report = grade_notebook(path, timeout_s=2)
    assert any("longer than 2 s" in problem for problem in report.problems)
    assert report.tasks[0].result == "NOT RUN"


def test_bad_arguments_get_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="path"):
        grade_notebook(tmp_path / "missing.ipynb")
    path = write_notebook(tmp_path / "x.ipynb", "1")
    with pytest.raises(ValueError, match="timeout_s"):
        grade_notebook(path, timeout_s=0)


# Grading a folder. The real pair is the latency chapter's: its notebooks run fastest (about 8 s).
ROOT = Path(__file__).resolve().parents[1]
PAIR = "03_latency.ipynb"


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))


def test_a_folder_of_students_is_graded_into_a_summary_and_a_csv(tmp_path, capsys):
    for student, source in (("alice", "solutions"), ("bob", "exercises")):
        (tmp_path / "class" / student).mkdir(parents=True)
        shutil.copy(ROOT / source / PAIR, tmp_path / "class" / student / PAIR)
    (tmp_path / "class" / "bob" / ".ipynb_checkpoints").mkdir()  # Jupyter's copies: skipped
    shutil.copy(ROOT / "solutions" / PAIR, tmp_path / "class" / "bob" / ".ipynb_checkpoints")
    assert main([str(tmp_path / "class"), "--csv", str(tmp_path / "grades.csv")]) == 1
    tasks = nbformat.read(ROOT / "exercises" / PAIR, as_version=4).metadata["mlsys"]["tasks"]
    rows = read_csv(tmp_path / "grades.csv")
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [(r["student"], r["notebook"], r["task"], r["title"], r["result"]) for r in rows] == [
        (student, PAIR, t["task"], t["title"], result)
        for student, result in (("alice", "PASS"), ("bob", "FAIL")) for t in tasks]
    assert all(r["message"] for r in rows)
    out = capsys.readouterr().out
    last = tasks[-1]["task"]
    assert re.search(rf"alice +{PAIR} +{len(tasks)} / {len(tasks)} +-", out)
    assert re.search(rf"bob +{PAIR} +0 / {len(tasks)} +1, 2, .*{last}$", out, re.M)
    assert "1 of 2 notebooks passed every task" in out


def test_folder_exit_code_is_zero_only_when_every_notebook_passes(tmp_path):
    (tmp_path / "ann").mkdir()
    write_notebook(tmp_path / "ann" / "nb.ipynb", CHECK.format(n=1), "check(2)")
    assert main([str(tmp_path)]) == 0
    (tmp_path / "ben").mkdir()
    write_notebook(tmp_path / "ben" / "nb.ipynb", "1 + 1")  # prints no verdict at all
    assert main([str(tmp_path), "--csv", str(tmp_path / "g.csv")]) == 1
    assert read_csv(tmp_path / "g.csv")[-1] == {
        "student": "ben", "notebook": "nb.ipynb", "task": "", "title": "",
        "result": "NO VERDICT", "message": "no task verdicts found"}


def test_an_unreadable_notebook_or_a_kernel_that_does_not_start_is_reported(tmp_path, monkeypatch):
    (tmp_path / "cy").mkdir()
    (tmp_path / "cy" / "nb.ipynb").write_text('{"cells": [', encoding="utf-8")  # cut off
    (tmp_path / "dan").mkdir()
    write_notebook(tmp_path / "dan" / "nb.ipynb", CHECK.format(n=1), "check(2)", tasks=[
        {"task": "1", "title": "answer is two"}])
    real_execute = grade_module.notebooks.execute

    def no_kernel_for_dan(notebook, *, cwd, **kwargs):
        if Path(cwd).name == "dan":
            raise RuntimeError("Kernel didn't respond in 60 seconds\nmore detail")
        return real_execute(notebook, cwd=cwd, **kwargs)

    monkeypatch.setattr(grade_module.notebooks, "execute", no_kernel_for_dan)
    cy, dan = (s.report for s in grade_folder(tmp_path))
    assert cy.tasks == [] and re.fullmatch(r"the file is not a readable notebook \(\w+: .+\)",
                                           cy.problems[0])
    assert [(t.task, t.result) for t in dan.tasks] == [("1", "NOT RUN")]
    assert dan.problems == ["the notebook could not be run (RuntimeError: Kernel didn't respond "
                            "in 60 seconds)"]
    rows = read_csv(write_csv(grade_folder(tmp_path), tmp_path / "g.csv"))
    assert [(r["student"], r["result"]) for r in rows] == [("cy", "NO VERDICT"), ("dan", "NOT RUN")]


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
    with pytest.raises(TypeError, match="submissions"):
        write_csv("alice", tmp_path / "g.csv")
    for argv, message in (([str(tmp_path / "missing")], "does not exist"),
                          ([str(tmp_path), "--csv", str(tmp_path / "no" / "g.csv")], "CSV path"),
                          ([str(tmp_path), "--timeout", "0"], "--timeout")):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2 and message in capsys.readouterr().err
