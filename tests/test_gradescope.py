"""The Gradescope bundle: built by one command, run on sample submissions in Gradescope's folder
layout (a temporary root stands in for /autograder). Each run starts a real kernel."""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from mlsys import gradescope
from mlsys.grade import Report, TaskResult

ROOT = Path(__file__).resolve().parents[1]
PAIR = "03_latency.ipynb"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    out = tmp_path_factory.mktemp("bundle") / "03_latency"
    archive = gradescope.build(ROOT / "exercises" / PAIR, out, timeout_s=120)
    return out, archive


def run_autograder(bundle, tmp_path, files):
    """Lay out /autograder as Gradescope does (source = the zip's contents), run, read results."""
    out, archive = bundle
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as zipped:
        zipped.extractall(root / "source")
    (root / "submission").mkdir(parents=True)
    for name, notebook in files.items():
        nbformat.write(notebook, root / "submission" / name)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    (root / "run_autograder").chmod(0o755)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "PYTHON": sys.executable}
    done = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def tasks():
    return nbformat.read(ROOT / "exercises" / PAIR, as_version=4).metadata["mlsys"]["tasks"]


def test_the_zip_has_gradescopes_two_scripts_at_its_root_and_the_trusted_exercise(bundle):
    out, archive = bundle
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
        modes = {info.filename: info.external_attr >> 16 for info in zipped.infolist()}
    assert {"setup.sh", "run_autograder", f"book/exercises/{PAIR}",
            "book/mlsys/grade.py", "book/mlsys/checks/latency.py",
            "book/requirements.txt"} <= names
    assert not any("__pycache__" in name or name.startswith("book/solutions") for name in names)
    assert modes["run_autograder"] & stat.S_IXUSR and modes["setup.sh"] & stat.S_IXUSR
    for script in ("setup.sh", "run_autograder"):
        assert subprocess.run(["bash", "-n", str(out / script)]).returncode == 0
    requirements = (out / "book" / "requirements.txt").read_text()
    assert "numpy==" in requirements and "tqdm==" in requirements
    assert "playwright" not in requirements and "jupyter-book" not in requirements


def test_a_solved_submission_scores_every_automatic_task_and_leaves_the_argument_to_a_person(
        bundle, tmp_path):
    solution = nbformat.read(ROOT / "solutions" / PAIR, as_version=4)
    from mlsys.checks import VERDICT_PATTERN
    solved = {m["task"]: m["result"] for cell in solution.cells
              for output in cell.get("outputs", []) for line in output.get("text", "").splitlines()
              if (m := VERDICT_PATTERN.match(line))}
    results = run_autograder(bundle, tmp_path, {PAIR: solution})
    assert results["score"] == sum(result == "PASS" for result in solved.values())
    assert [(t["number"], t["score"], t["max_score"], t.get("status")) for t in results["tests"]] == [
        (t["task"], *((1, 1, "passed") if solved[t["task"]] == "PASS" else (0, 0, None)))
        for t in tasks()]
    assert "REVIEW" in solved.values() and "graded by your instructor" in results["output"]
    assert all(t["name"].startswith(f"Task {t['number']} · ") and t["output"]
               for t in results["tests"])
    assert isinstance(results["execution_time"], int)


def test_a_forged_submission_scores_nothing_on_gradescope(bundle, tmp_path):
    forged = nbformat.read(ROOT / "exercises" / PAIR, as_version=4)
    lines = [f"print({'Task ' + t['task'] + ' · ' + t['title'] + ' — PASS'!r})" for t in tasks()]
    forged.cells.append(nbformat.v4.new_code_cell("\n".join(lines)))
    results = run_autograder(bundle, tmp_path, {"my upload.ipynb": forged})  # renamed: found
    assert results["score"] == 0
    assert all(t["status"] == "failed" if t["max_score"] else t["score"] == 0
               for t in results["tests"])
    assert "printed PASS" in results["output"]


def test_a_submission_without_a_notebook_gets_results_that_say_so(bundle, tmp_path):
    out, archive = bundle
    root = tmp_path / "autograder"
    (root / "submission").mkdir(parents=True)
    (root / "results").mkdir()
    gradescope.run(root / "submission", root / "results" / "results.json",
                   out / "book" / "exercises" / PAIR)
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 0 and f"submit your {PAIR}" in results["output"]


def test_review_items_are_tests_of_no_points():
    report = Report("x", [TaskResult("1", "a", "PASS", "ok"), TaskResult("2", "b", "NOT RUN", "m"),
                          TaskResult("3", "c", "REVIEW", "rubric"),
                          TaskResult("4", "d", "FAIL", "still None", kind="review")],
                    ["cell 2 raised X"])
    data = gradescope.results_json(report, seconds=2.4)
    assert data["score"] == 1 and data["execution_time"] == 2
    assert [(t["score"], t["max_score"], t.get("status")) for t in data["tests"]] == [
        (1, 1, "passed"), (0, 1, "failed"), (0, 0, None), (0, 0, None)]  # unwritten: a person's
    assert "graded by your instructor" in data["tests"][2]["name"]
    assert "Problem: cell 2 raised X" in data["output"]


def test_bad_arguments_get_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="notebook"):
        gradescope.build(tmp_path / "nope.ipynb", tmp_path / "out")
    with pytest.raises(ValueError, match="notebook"):
        gradescope.build(tmp_path / "nope.txt", tmp_path / "out")
    (tmp_path / "file").write_text("x")
    with pytest.raises(ValueError, match="out"):
        gradescope.build(ROOT / "exercises" / PAIR, tmp_path / "file")
    with pytest.raises(ValueError, match="timeout_s"):
        gradescope.build(ROOT / "exercises" / PAIR, tmp_path / "o", timeout_s=0)
    with pytest.raises(TypeError, match="report"):
        gradescope.results_json("x")
    with pytest.raises(ValueError, match="reference"):
        gradescope.run(tmp_path, tmp_path / "r.json", tmp_path / "none.ipynb")
    with pytest.raises(SystemExit) as exit_info:
        gradescope.main(["build", str(tmp_path / "nope.ipynb"), "--out", str(tmp_path / "o")])
    assert exit_info.value.code == 2
