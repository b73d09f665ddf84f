"""The exercise pipeline: generation from solutions, no leaks, committed exercises up to date."""

from pathlib import Path

import nbformat
import pytest

from mlsys.exercises import (exercise_path, make_exercise, solution_lines, strip_solution,
                             tasks_passed)

ROOT = Path(__file__).resolve().parents[1]
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))


def test_strip_solution_keeps_code_around_regions_and_stubs_indented_blocks():
    source = ("x = None\n### BEGIN SOLUTION\nx = 42\n### END SOLUTION\n"
              "def f(v):\n    ### BEGIN SOLUTION\n    return v * 2\n    ### END SOLUTION\n")
    stripped = strip_solution(source)
    assert "42" not in stripped and "v * 2" not in stripped
    assert stripped.splitlines() == ["x = None", "# YOUR CODE HERE", "def f(v):",
                                     "    # YOUR CODE HERE", "    pass"]
    compile(stripped, "<exercise>", "exec")


@pytest.mark.parametrize("source, match", [
    ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
    ("x = 1\n### END SOLUTION\n", "without"),
    ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n", "inside another"),
])
def test_unbalanced_markers_are_reported(source, match):
    with pytest.raises(ValueError, match=match):
        strip_solution(source)


def test_solution_only_cells_are_dropped_and_tasks_recorded():
    solution = nbformat.v4.new_notebook()
    solution.cells = [
        nbformat.v4.new_markdown_cell("Model answers follow.", metadata={"tags": ["solution-only"]}),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nanswer = 1\n### END SOLUTION", outputs=[
            nbformat.v4.new_output("stream", name="stdout",
                                   text="Task 1 · warm-up — PASS\n  ✅ Correct.\n")]),
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nargument = '...'\n### END SOLUTION",
                                  outputs=[nbformat.v4.new_output(
                                      "stream", name="stdout",
                                      text="Task 2b · your argument — REVIEW\n  📝 Written.\n")]),
    ]
    exercise = make_exercise(solution, "99_demo.ipynb")
    assert len(exercise.cells) == 2 and all(cell.outputs == [] for cell in exercise.cells)
    tasks = [{"task": "1", "title": "warm-up", "kind": "auto"},
             {"task": "2b", "title": "your argument", "kind": "review"}]
    assert exercise.metadata["mlsys"] == {"generated_from": "solutions/99_demo.ipynb",
                                          "tasks": tasks}
    assert tasks_passed(solution) == tasks


def test_there_are_solutions_to_check():
    assert SOLUTIONS, "solutions/ holds no notebook"


@pytest.mark.parametrize("solution_path", SOLUTIONS, ids=lambda p: p.name)
def test_committed_exercise_is_what_the_generator_makes(solution_path):
    solution = nbformat.read(solution_path, as_version=4)
    committed = nbformat.read(exercise_path(solution_path), as_version=4)
    generated = make_exercise(solution, solution_path.name)
    assert [c.source for c in committed.cells] == [c.source for c in generated.cells], (
        f"{exercise_path(solution_path).name} is out of date: run `python -m mlsys.exercises`")
    assert [c.cell_type for c in committed.cells] == [c.cell_type for c in generated.cells]
    assert committed.metadata["mlsys"] == generated.metadata["mlsys"]
    assert committed.metadata["mlsys"]["tasks"], "the solution's stored outputs show no verdict"


@pytest.mark.parametrize("solution_path", SOLUTIONS, ids=lambda p: p.name)
def test_no_solution_line_leaks_into_the_exercise(solution_path):
    solution = nbformat.read(solution_path, as_version=4)
    exercise = nbformat.read(exercise_path(solution_path), as_version=4)
    exercise_text = {line.strip() for cell in exercise.cells for line in cell.source.splitlines()}
    secret = {line for cell in solution.cells if cell.cell_type == "code"
              for line in solution_lines(cell.source)}
    assert secret, "the solution has no ### BEGIN SOLUTION region"
    assert not secret & exercise_text, f"solution lines leaked: {sorted(secret & exercise_text)}"


@pytest.mark.parametrize("solution_path", SOLUTIONS, ids=lambda p: p.name)
def test_stored_outputs_show_every_check_failing_in_the_exercise_and_passing_in_the_solution(
        solution_path):
    def verdicts(notebook):
        return [line.rsplit("— ", 1)[1] for cell in notebook.cells
                for output in cell.get("outputs", [])
                for line in output.get("text", "").splitlines() if line.startswith("Task ")]

    solution = nbformat.read(solution_path, as_version=4)
    exercise = nbformat.read(exercise_path(solution_path), as_version=4)
    # A written argument's check passes as REVIEW: written, and waiting for a person to grade it.
    assert "PASS" in verdicts(solution) and set(verdicts(solution)) <= {"PASS", "REVIEW"}
    assert len(verdicts(exercise)) == len(verdicts(solution))
    assert set(verdicts(exercise)) == {"FAIL"}
