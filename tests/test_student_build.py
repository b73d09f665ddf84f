"""The student edition (`make book-student`) holds no solution: no page, source or download of
one, and no line of an answer anywhere in its files. The full site, which has the solutions, shows
that the search finds them."""

import html
import json
import re
from pathlib import Path

import nbformat
import pytest

from mlsys.exercises import solution_lines

ROOT = Path(__file__).resolve().parents[1]
STUDENT_SITE = ROOT / "_build" / "student" / "_build" / "html"
FULL_SITE = ROOT / "_build" / "html"
TEXT_SUFFIXES = {".html", ".js", ".ipynb", ".md", ".txt", ".py", ".json", ".inv"}
TAG = re.compile(r"<[^>]+>")


def sources(folder) -> list[str]:
    """The code of every cell of every notebook in `folder` of the book."""
    return [cell.source for path in sorted((ROOT / folder).glob("*.ipynb"))
            for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"]


def answer_lines() -> set[str]:
    """Lines of the solutions' answers that a student cannot read elsewhere in the book.

    A line the chapters teach (say, the call of a function they demonstrate) is no secret, and
    nor is a line of punctuation alone.
    """
    taught = {line.strip() for folder in ("chapters", "exercises")
              for source in sources(folder) for line in source.splitlines()}
    lines = {line for source in sources("solutions") for line in solution_lines(source)}
    return {line for line in lines - taught if re.search(r"\w", line)}


def site_lines(path) -> set[str]:
    """The stripped lines of a site file as a reader or a search would see them."""
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        text = "\n".join("".join(cell.get("source", "")) for cell in cells)
    elif path.suffix == ".html":
        text = html.unescape(TAG.sub("", text))  # highlighted code is split into spans
    return {line.strip() for line in text.splitlines()}


def leaks(site) -> dict[str, list[str]]:
    """Answer lines found in the site's files, by file (the vendored JavaScript is skipped)."""
    secret, found = answer_lines(), {}
    for path in sorted(site.rglob("*")):
        if path.is_file() and path.suffix in TEXT_SUFFIXES and "_static" not in path.parts:
            hits = sorted(secret & site_lines(path))
            if hits:
                found[path.relative_to(site).as_posix()] = hits
    return found


def built(site, command):
    if not (site / "index.html").is_file():
        pytest.fail(f"{site} is not built: run `{command}`", pytrace=False)
    return site


@pytest.fixture(scope="module")
def student_site():
    return built(STUDENT_SITE, "make book-student")


def test_the_solutions_have_answers_to_hide():
    assert len(answer_lines()) > 50


def test_the_search_finds_the_answers_in_the_full_site():
    found = leaks(built(FULL_SITE, "make book"))
    assert any(page.startswith("solutions/") for page in found), found
    assert any(page.startswith("_sources/solutions/") for page in found), found


def test_the_student_site_has_the_chapters_and_exercises_and_no_solution_file(student_site):
    files = [p.relative_to(student_site).as_posix() for p in student_site.rglob("*")]
    for page in ("chapters/03_latency.html", "exercises/03_latency.html", "syllabus.html"):
        assert page in files, f"the student site lacks {page}"
    assert not [f for f in files if "solutions" in f or "instructors" in f]
    notebooks = {f for f in files if f.endswith(".ipynb")}
    expected = {f"_sources/{folder}/{p.name}" for folder in ("chapters", "exercises")
                for p in (ROOT / folder).glob("*.ipynb")}
    assert notebooks == expected, "the only notebooks to download are chapters and exercises"


def test_no_answer_line_is_anywhere_in_the_student_site(student_site):
    assert leaks(student_site) == {}


def test_the_student_site_does_not_link_to_the_solutions(student_site):
    for page in student_site.rglob("*.html"):
        links = re.findall(r'href="([^"]*)"', page.read_text(encoding="utf-8"))
        assert not [link for link in links if "solutions/" in link or "instructors" in link], page
