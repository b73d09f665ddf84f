"""The printed edition (`make pdf-student`, mlsys/pdf.py): the student PDF has the book in it.

It reads _build/pdf/book-student.pdf (`make test` builds it first; a missing one is built here),
renders pages with poppler's pdftoppm and reads its text layer with pdftotext. Unit tests of
the build's config and toc copies run without it.
"""

import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest
import yaml
from PIL import Image

from mlsys import pdf

ROOT = Path(__file__).resolve().parents[1]
STUDENT_PDF = ROOT / "_build" / "pdf" / "book-student.pdf"
# The student edition printed 246 A4 pages on 2026-12-01: 8 chapters of 10-40 pages each, 8
# exercise notebooks of 3-8, the glossary, bibliography, status page and syllabus. Fewer than
# 150 means whole documents went missing; more than 450, that something prints a page per line
# or figure (unwrapped code, a figure taller than the page, empty pages).
PAGES = (150, 450)
MIN_INK = 0.01  # a printed page of text or figure has at least 1% non-white pixels


def first_heading(path: Path) -> str:
    """The title of a notebook: the text of its first markdown `# ` heading."""
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    raise AssertionError(f"{path} has no '# ' heading")


def words(text: str) -> str:
    """Text with every run of whitespace one space, and words hyphenated at a line end joined."""
    return " ".join(re.sub(r"-\n(?=[a-z])", "", text).split())


def require_poppler():
    missing = [tool for tool in ("pdftoppm", "pdftotext", "pdfinfo") if not shutil.which(tool)]
    if missing:
        pytest.fail(f"{', '.join(missing)} missing: install poppler (Debian: sudo apt-get install "
                    "poppler-utils)", pytrace=False)


@pytest.fixture(scope="module")
def student_pdf():
    require_poppler()
    if not STUDENT_PDF.is_file():
        pdf.build_pdf("student")
    return STUDENT_PDF


@pytest.fixture(scope="module")
def pages_text(student_pdf):
    """The text layer of each page, in order."""
    text = subprocess.run(["pdftotext", "-layout", str(student_pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE).group(1))


def ink(path: Path, page: int, tmp_path: Path) -> float:
    """The share of non-white pixels of one page rendered at 30 dpi."""
    out = tmp_path / f"page-{page}"
    subprocess.run(["pdftoppm", "-r", "30", "-png", "-f", str(page), "-l", str(page),
                    "-singlefile", str(path), str(out)], check=True)
    image = Image.open(f"{out}.png").convert("L")
    dark = sum(count for value, count in enumerate(image.histogram()) if value < 230)
    return dark / (image.width * image.height)


def test_page_count_is_plausible(student_pdf):
    assert PAGES[0] <= page_count(student_pdf) <= PAGES[1]


def test_pages_are_not_blank(student_pdf, pages_text, tmp_path):
    chapter = first_heading(ROOT / "chapters" / "03_latency.ipynb")
    opening = next(i + 1 for i, text in enumerate(pages_text) if chapter in words(text))
    figure = next(i + 1 for i, text in enumerate(pages_text) if "Explorer." in text)
    for page in sorted({1, opening, figure, len(pages_text)}):
        assert ink(student_pdf, page, tmp_path) > MIN_INK, f"page {page} is (nearly) blank"


def test_a_white_page_counts_as_blank(tmp_path):
    blank = tmp_path / "blank.png"
    Image.new("RGB", (100, 140), "white").save(blank)
    image = Image.open(blank).convert("L")
    assert sum(c for v, c in enumerate(image.histogram()) if v < 230) == 0


@pytest.mark.parametrize("notebook", sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb")))
def test_every_chapter_title_is_in_the_text_with_its_number(pages_text, notebook):
    title = first_heading(ROOT / "chapters" / notebook)
    text = words("\n".join(pages_text))
    assert title in text, f"{title!r} is not in the PDF's text"
    number = int(notebook[:2])  # chapters/03_latency is chapter 3, as the prose calls it
    assert f"{number}. {title}" in text, f"{title!r} is not numbered {number}"
    assert f"Answers to the questions of chapter {number}" in text
    heading = re.compile(rf"^\s*{number}\.\d+\. \d+\. ", re.MULTILINE)  # no "3.1. 1. Measure..."
    assert not any(heading.search(page) for page in pages_text)


def test_explorers_print_as_captioned_figures(pages_text):
    text = words("\n".join(pages_text))
    explorers = sum(
        1 for path in (ROOT / "chapters").glob("*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code" and "remove-cell" not in cell.metadata.get("tags", [])
        for output in cell.get("outputs", []) if "text/markdown" in output.get("data", {}))
    assert explorers >= 8
    assert text.count("Explorer. In the web edition") == explorers
    assert len(re.findall(r"Fig\. \d+\.\d+", text)) >= explorers


def test_questions_print_with_answers_at_each_chapter_end(pages_text):
    text = words("\n".join(pages_text))
    chapters = len(list((ROOT / "chapters").glob("*.ipynb")))
    assert len(re.findall(r"Answers to the questions of chapter \d+", text)) == chapters
    assert "Commit my prediction" not in text and "Check my answer" not in text
    assert "folded until you commit" not in text


def test_the_student_pdf_has_no_solution(pages_text):
    from test_student_build import answer_lines  # the student site's own list of answer lines

    text = "\n".join(pages_text)
    lines = {" ".join(line.split()) for line in text.splitlines()}
    assert "# YOUR CODE HERE" in lines  # code survives as lines of text: the check can fail
    leaked = {line for line in answer_lines() if " ".join(line.split()) in lines}
    assert not leaked, f"answer lines printed in the student PDF: {sorted(leaked)[:3]}"
    assert "Instructor guide" not in words(text)


def test_pdf_config_prints_and_keeps_the_website_settings():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    printed = pdf.pdf_config(config)
    sphinx = printed["sphinx"]["config"]
    assert sphinx["mlsys_print"] is True
    assert ["html", "text/html", 5] in sphinx["nb_mime_priority_overrides"]
    assert ["singlehtml", "text/html", 5] in sphinx["nb_mime_priority_overrides"]
    assert Path(printed["sphinx"]["local_extensions"]["mlsys_site"]).is_absolute()
    assert "mlsys_print" not in config["sphinx"]["config"]  # the book's own config is untouched


def test_pdf_toc_numbers_the_chapter_titles_only():
    toc = yaml.safe_load((ROOT / "_toc_student.yml").read_text())
    numbered = {part["caption"]: part.get("numbered", False) for part in pdf.pdf_toc(toc)["parts"]}
    assert numbered.pop("Chapters") == 1  # the chapters' titles; sections number themselves
    assert not any(numbered.values())


@pytest.mark.parametrize("call", [lambda: pdf.pdf_config({"title": "x"}),
                                  lambda: pdf.pdf_toc({"root": "intro"}),
                                  lambda: pdf.build_pdf("teacher"),
                                  lambda: pdf.print_pdf(ROOT / "no-such-page.html", ROOT / "x.pdf")])
def test_bad_arguments_are_named(call):
    with pytest.raises((TypeError, ValueError, FileNotFoundError), match="config|toc|edition|page"):
        call()


def test_printing_a_page_that_asks_the_network_for_a_file_fails(tmp_path):
    # The request is aborted inside the browser (it never leaves the machine) and reported.
    page = tmp_path / "page.html"
    page.write_text('<p>Hello</p><img src="https://example.invalid/figure.png" alt="figure">'
                    "<script>document.documentElement.dataset.mlsysPrinted = 'yes'</script>")
    with pytest.raises(RuntimeError, match="outside the build"):
        pdf.print_pdf(page, tmp_path / "page.pdf")
    (tmp_path / "page.html").write_text(page.read_text().replace(
        'src="https://example.invalid/figure.png"', 'src="data:image/png;base64,' +
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4//8/AAX+Av4N70a4AAAAAElFTkSuQmCC"
        + '"'))
    assert page_count(pdf.print_pdf(page, tmp_path / "page.pdf")) == 1
