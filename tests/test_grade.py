"""The grader runs a notebook in a fresh kernel; these tests start real kernels (about 1 s each)."""

import nbformat
import pytest

from mlsys.grade import format_report, grade_notebook, main

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
