"""The course kit: syllabus.md against the chapters and exercises, every chapter's self-check,
and the student edition's table of contents and configuration against the full book's."""

import re
from pathlib import Path

import nbformat
import pytest
import yaml

from mlsys.questions import stored_questions

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [entry["file"] for part in TOC["parts"] for entry in part["chapters"]
            if entry["file"].startswith("chapters/")]
SYLLABUS = (ROOT / "syllabus.md").read_text()
STUDENT_ONLY_PAGES = re.compile(r"solutions/.*|instructors")  # left out of the student edition


def number(chapter) -> int:
    """The chapter number of `chapters/NN_topic`."""
    return int(Path(chapter).name[:2])


def first_cell(chapter) -> str:
    return nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4).cells[0].source


def objectives(chapter) -> list[str]:
    """The numbered objectives of the chapter's Learning objectives admonition, one line each."""
    block = first_cell(chapter).split("After this chapter you can:", 1)[1].split("**Time:**")[0]
    items = re.split(r"^\d+\. ", block, flags=re.M)[1:]
    return [" ".join(item.split()).rstrip(";.") for item in items]


def stated_minutes(chapter) -> tuple[int, int]:
    """(read and run, exercises) minutes from the chapter's **Time:** line."""
    match = re.search(r"\*\*Time:\*\* about (\d+) minutes to read and run, (\d+) minutes for "
                      r"the exercises", first_cell(chapter))
    assert match, f"{chapter} states no time in the contract's words"
    return int(match[1]), int(match[2])


def exercise_tasks(chapter) -> dict[str, str]:
    exercise = ROOT / f"{chapter.replace('chapters/', 'exercises/')}.ipynb"
    tasks = nbformat.read(exercise, as_version=4).metadata["mlsys"]["tasks"]
    return {task["task"]: task["title"] for task in tasks}


def cells(row) -> list[str]:
    return [cell.strip() for cell in row.strip().strip("|").split("|")]


def tables(text) -> list[tuple[list[str], list[list[str]]]]:
    """Every markdown table of `text` as (header cells, rows of cells)."""
    found, lines = [], text.splitlines()
    for index, line in enumerate(lines):
        if line.startswith("|") and index + 1 < len(lines) and lines[index + 1].startswith("|---"):
            rows = []
            for row in lines[index + 2:]:
                if not row.startswith("|"):
                    break
                rows.append(cells(row))
            found.append((cells(line), rows))
    return found


def tables_with(column) -> list[list[list[str]]]:
    return [rows for header, rows in tables(SYLLABUS) if column in header]


def linked_chapters(cell) -> list[str]:
    return re.findall(r"\]\((chapters/\d\d_\w+)\.ipynb\)", cell)


def self_checks(chapter) -> list[dict]:
    """The chapter's self-checks, in order, as the website shows them (their stored forms)."""
    notebook = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    return [spec for _, spec in stored_questions(notebook) if spec["kind"] == "self-check"]


def self_check_table() -> str:
    """The syllabus's table of self-checks per objective, as the chapters hold them."""
    rows = ["| Objective | Self-check questions, in the order the chapter asks them |", "|---|---|"]
    for chapter in CHAPTERS:
        checks = self_checks(chapter)
        for index in range(1, len(objectives(chapter)) + 1):
            questions = [spec["question"].replace("|", "\\|") for spec in checks
                         if spec["objective"] == index]
            rows.append(f"| {number(chapter)}.{index} | {'<br>'.join(questions)} |")
    return "\n".join(rows)


def test_the_book_has_chapters_and_the_syllabus_has_its_tables():
    assert len(CHAPTERS) >= 7
    assert len(tables_with("Read and run (min)")) == 2, "expected the weekly and workshop plans"
    assert len(tables_with("Graded by")) == 1, "expected one table of objectives"


def test_every_chapter_and_exercise_of_the_toc_is_linked_from_the_syllabus():
    for chapter in CHAPTERS:
        for page in (chapter, chapter.replace("chapters/", "exercises/")):
            assert f"]({page}.ipynb)" in SYLLABUS, f"syllabus.md does not link {page}"


@pytest.mark.parametrize("plan", range(2), ids=["weeks", "workshop"])
def test_each_plan_covers_every_chapter_once_with_the_times_the_chapters_state(plan):
    rows = tables_with("Read and run (min)")[plan]
    covered = []
    for row in rows:
        minutes = [int(cell) for cell in row[-3:]]
        chapters = linked_chapters(row[1]) if "Total" not in row[0] else covered
        expected = [sum(stated_minutes(c)[0] for c in chapters),
                    sum(stated_minutes(c)[1] for c in chapters)]
        expected.append(sum(expected))
        assert minutes == expected, f"row {row[0]}: {minutes}, the chapters state {expected}"
        if "Total" not in row[0]:
            covered += chapters
    assert "Total" in rows[-1][0], "the plan has no total row"
    assert sorted(covered) == sorted(CHAPTERS), "each chapter must appear exactly once"


def syllabus_objectives() -> dict[str, tuple[str, str]]:
    """Objective id 'c.o' -> (text, graded-by cell) from the objectives table."""
    (rows,) = tables_with("Graded by")
    return {row[0]: (row[1], row[2]) for row in rows}


def test_the_objectives_table_lists_every_objective_of_every_chapter_word_for_word():
    table = syllabus_objectives()
    expected = {f"{number(c)}.{index}": text for c in CHAPTERS
                for index, text in enumerate(objectives(c), start=1)}
    assert 3 <= min(len(objectives(c)) for c in CHAPTERS)
    assert sorted(table) == sorted(expected), "objective ids differ from the chapters'"
    for key, text in expected.items():
        assert table[key][0] == text, f"objective {key} differs from its chapter:\n{text}"


def test_every_objective_is_graded_by_tasks_that_exist_with_their_titles():
    chapters = {number(c): c for c in CHAPTERS}
    for key, (_, graded_by) in syllabus_objectives().items():
        cited = re.findall(r"Task (\w+) · (.+?)(?:<br>|$)", graded_by)
        assert cited, f"objective {key} is graded by no task"
        tasks = exercise_tasks(chapters[int(key.split(".")[0])])
        for task, title in cited:
            assert tasks.get(task) == title, (
                f"objective {key} cites Task {task} · {title}; the exercise has {tasks}")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_ends_with_key_takeaways_and_links_its_exercises(chapter):
    """Its self-checks are tests/test_questions.py's: one per objective, after its section."""
    notebook = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "markdown")
    assert "## Key takeaways" in text, f"{chapter} has no key takeaways"
    exercise = Path(chapter.replace("chapters/", "exercises/")).name
    assert f"](../exercises/{exercise}.ipynb)" in text, f"{chapter} does not link its exercises"


def test_the_syllabus_lists_every_self_check_under_its_objective():
    assert self_check_table() in SYLLABUS, (
        "syllabus.md's self-check table differs from the chapters'; it should read:\n"
        + self_check_table())


def test_the_start_in_jupyterlab_links_every_chapter_and_exercise_with_its_title():
    start = nbformat.read(ROOT / "start.ipynb", as_version=4)
    text = "\n".join(cell.source for cell in start.cells)
    for chapter in CHAPTERS:
        title = first_cell(chapter).splitlines()[0].lstrip("# ").strip()
        assert f"[{title}]({chapter}.ipynb)" in text, f"start.ipynb does not link {chapter}"
        exercise = chapter.replace("chapters/", "exercises/")
        assert f"]({exercise}.ipynb)" in text, f"start.ipynb does not link {exercise}"
    assert all(cell.cell_type == "markdown" for cell in start.cells)


def entries(toc) -> list[tuple[str, list[str]]]:
    return [(part["caption"], [entry["file"] for entry in part["chapters"]])
            for part in toc["parts"]]


def test_the_student_toc_is_the_book_without_solutions_and_instructor_pages():
    student = yaml.safe_load((ROOT / "_toc_student.yml").read_text())
    expected = [(caption, [f for f in files if not STUDENT_ONLY_PAGES.fullmatch(f)])
                for caption, files in entries(TOC)]
    expected = [(caption, files) for caption, files in expected if files]
    assert student["root"] == TOC["root"]
    assert entries(student) == expected, "_toc_student.yml must be _toc.yml without solutions/"
    assert any(f.startswith("solutions/") for _, files in entries(TOC) for f in files)


def test_the_student_config_is_the_book_config_but_for_its_two_marked_settings():
    full = yaml.safe_load((ROOT / "_config.yml").read_text())
    student = yaml.safe_load((ROOT / "_config_student.yml").read_text())
    assert student["title"] == full["title"] + " (student edition)"
    ignored = student["sphinx"]["config"].pop("nitpick_ignore_regex")
    # Markdown links ([text](solutions/...)) and {doc} roles to the instructor-only pages.
    assert ignored == [["myst", STUDENT_ONLY_PAGES.pattern], ["std:doc", STUDENT_ONLY_PAGES.pattern]]
    student["title"] = full["title"]
    assert student == full, "_config_student.yml drifted from _config.yml: copy the change over"
