"""Tests of mlsys.status: the committed results and status page, and the page generator."""

import json

import pytest

from mlsys import status

RESULTS = {
    "date": "2026-11-28",
    "machine": {"cpu": "Test CPU", "cores": 2, "ram_gb": 8.0, "python": "3.11.7",
                "platform": "Linux"},
    "versions": {"numpy": "2.4.6"},
    "build": {"clean_median_s": 25.0, "student_clean_median_s": 20.0},
    "tests": {"wall_s": 170.0, "exit_code": 0, "browser_s": 40.0,
              "nbval_s": {"chapters/a.ipynb": 60.0, "chapters/b.ipynb": 5.0}},
    "notebooks": {"chapters/a.ipynb": {"runs_s": [30.0, 31.0, 29.0], "median_s": 30.0}},
    "explorers": [
        {"notebook": "chapters/a.ipynb", "kind": "grid", "index": 1, "parameters": ["rate"],
         "grid_size": 8, "p50_ms": 40.0, "p95_ms": 90.0, "plain_s": 2.0, "precompute_s": 0.5},
        {"notebook": "chapters/a.ipynb", "kind": "grid", "index": 2, "parameters": ["n", "p"],
         "grid_size": 30, "p50_ms": 300.0, "p95_ms": 450.0, "plain_s": 6.0,
         "precompute_s": 3.5},
        {"notebook": "chapters/a.ipynb", "kind": "live", "index": 3, "parameters": ["n"],
         "grid_size": 8, "p50_ms": 30.0, "p95_ms": 60.0},
    ],
    "pages": {"chapters/a": {"total": 5_000_000, "html": 1_500_000, "images": 1_200_000,
                             "scripts": 3_000_000, "scripts_beyond_shared": 1_000_000,
                             "shared": 2_000_000, "beyond_shared": 3_000_000,
                             "images_and_scripts": 2_200_000}},
}


# The committed files: what a reader sees is what was measured, with today's pins.

def test_results_cover_every_notebook_of_the_book_and_match_the_pins():
    results = status.load_results()
    assert status.problems(results, status.toc_notebooks(), status.read_pins()) == []


def test_status_page_is_what_the_generator_writes_from_the_results():
    page = status.render_status(status.load_results(), status.toc_notebooks(),
                                 status.read_pins())
    assert status.STATUS_PAGE.read_text(encoding="utf-8") == page, \
        "status.md is stale: run python -m mlsys.status"


def test_every_notebook_of_the_book_is_listed_on_the_status_page():
    page = status.STATUS_PAGE.read_text(encoding="utf-8")
    notebooks = status.toc_notebooks()
    assert len(notebooks) >= 21
    assert all(f"`{nb}`" in page for nb in notebooks)


# The generator, on results made up for the test.

def test_read_pins_keeps_exact_pins_only(tmp_path):
    path = tmp_path / "requirements.txt"
    path.write_text("# comment\nnumpy==2.4.6\n\n-e .\nscipy>=1.0\nnbval==0.11.0  # tests\n")
    assert status.read_pins(path) == {"numpy": "2.4.6", "nbval": "0.11.0"}


def test_toc_notebooks_lists_notebook_entries_in_order(tmp_path):
    (tmp_path / "chapters").mkdir()
    for name in ["chapters/b.ipynb", "chapters/a.ipynb"]:
        (tmp_path / name).write_text("{}")
    (tmp_path / "intro.md").write_text("# Intro")
    (tmp_path / "_toc.yml").write_text(
        "root: intro\nparts:\n  - chapters:\n      - file: chapters/b\n      - file: chapters/a\n"
        "      - file: glossary\n")
    assert status.toc_notebooks(tmp_path / "_toc.yml") == ["chapters/b.ipynb", "chapters/a.ipynb"]


def test_problems_name_missing_notebooks_and_versions_off_the_pins():
    found = status.problems(RESULTS, ["chapters/a.ipynb", "chapters/b.ipynb"],
                            {"numpy": "2.4.6", "scipy": "1.17.1"})
    assert found == ["chapters/b.ipynb has no execution time",
                     "scipy: measured with None, pinned 1.17.1"]
    assert status.problems(RESULTS, ["chapters/a.ipynb"], {"numpy": "2.4.6"}) == []


def test_a_pin_bump_without_measuring_again_is_a_problem():
    assert status.problems(RESULTS, [], {"numpy": "2.5.0"}) == [
        "numpy: measured with 2.4.6, pinned 2.5.0"]


def test_targets_are_judged_on_the_figures():
    targets = status.evaluate_targets(RESULTS)
    assert [t["met"] for t in targets] == [False, False, False, False, False, True]
    make_test, build, p95, p50, speedup, pages = targets
    assert make_test["measured"] == "215 s"  # clean builds 25 s + 20 s (student) + pytest 170 s
    assert "chapters/a.ipynb 60 s" in make_test["why"]
    assert build["measured"] == "25.0 s"
    assert p95["measured"] == "450 ms" and p50["measured"] == "300 ms"
    assert "explorer 2 (n, p) 450 ms" in p95["why"]
    assert "explorer 1" not in p95["why"] and "explorer 3" not in p95["why"]
    assert speedup["measured"] == "2.0 times"  # (2 + 6) s plain / (0.5 + 3.5) s in place
    assert speedup["why"] == "8.0 s plain, 4.0 s updating in place"
    assert pages["measured"] == "2.20 MB" and pages["why"] == ""


def test_a_speed_up_that_reaches_its_target_is_met():
    fast = [{**e, "precompute_s": e["plain_s"] / 4} for e in RESULTS["explorers"] if "plain_s" in e]
    speedup = status.evaluate_targets({"explorers": fast})[4]
    assert speedup["met"] is True and speedup["measured"] == "4.0 times"


def test_a_failed_test_run_misses_the_make_test_target_however_fast():
    results = {**RESULTS, "build": {"clean_median_s": 1.0, "student_clean_median_s": 1.0},
               "tests": {**RESULTS["tests"], "wall_s": 10.0, "exit_code": 1,
                         "failed": ["tests/test_x.py::test_y"]}}
    make_test = status.evaluate_targets(results)[0]
    assert make_test["met"] is False
    assert make_test["why"] == "the test run failed (exit 1): tests/test_x.py::test_y"


def test_unmeasured_targets_say_so():
    assert [t["met"] for t in status.evaluate_targets({})] == [None] * 6
    assert status.verdict(None) == "not measured"


def test_render_status_lists_notebooks_versions_machine_and_targets():
    page = status.render_status(RESULTS, ["chapters/a.ipynb", "chapters/b.ipynb"],
                                {"numpy": "2.4.6"})
    assert page.startswith("# Status")
    assert "| {doc}`chapters/a` | `chapters/a.ipynb` | 30.0 | 60.0 |" in page
    assert "| {doc}`chapters/b` | `chapters/b.ipynb` | - | 5.0 |" in page
    assert "| numpy | 2.4.6 |" in page and "| Python | 3.11.7 |" in page
    assert "Test CPU, 2 cores, 8.0 GB RAM" in page and "2026-11-28" in page
    assert "median of 3 runs" in page
    assert "MISSED" in page and "python -m benchmarks" in page


def test_render_status_is_a_pure_function_of_the_results():
    args = (RESULTS, ["chapters/a.ipynb"], {"numpy": "2.4.6"})
    assert status.render_status(*args) == status.render_status(*json.loads(json.dumps(args)))


def test_format_bytes_uses_decimal_units():
    assert status.format_bytes(999) == "1.0 kB"
    assert status.format_bytes(3_000_000) == "3.00 MB"


@pytest.mark.parametrize("call, error, parameter", [
    (lambda: status.read_pins("no/such/requirements.txt"), ValueError, "path"),
    (lambda: status.toc_notebooks("no/such/_toc.yml"), ValueError, "toc"),
    (lambda: status.load_results("no/such/results.json"), ValueError, "path"),
    (lambda: status.installed_versions("numpy"), TypeError, "names"),
    (lambda: status.installed_versions([3]), TypeError, "names"),
    (lambda: status.problems([], [], {}), TypeError, "results"),
    (lambda: status.render_status(RESULTS, "chapters/a.ipynb", {}), TypeError, "notebooks"),
    (lambda: status.render_status(RESULTS, [], ["numpy"]), TypeError, "pins"),
    (lambda: status.format_bytes(-1), ValueError, "n_bytes"),
    (lambda: status.format_bytes("1 kB"), TypeError, "n_bytes"),
    (lambda: status.verdict("yes"), TypeError, "met"),
])
def test_bad_arguments_raise_naming_the_parameter(call, error, parameter):
    with pytest.raises(error, match=parameter):
        call()


def test_load_results_refuses_a_file_that_is_not_an_object(tmp_path):
    path = tmp_path / "results.json"
    path.write_text("[1, 2]")
    with pytest.raises(ValueError, match="JSON object"):
        status.load_results(path)


def test_render_status_lists_each_pdf_with_its_time_size_and_pages():
    pdf = {"student": {"runs_s": [21.0, 20.0, 22.0], "median_s": 21.0, "html_median_s": 8.0,
                       "print_median_s": 13.0, "bytes": 9_800_000, "pages": 266,
                       "path": "_build/pdf/book-student.pdf", "command": "make pdf-student"}}
    page = status.render_status({**RESULTS, "pdf": pdf}, ["chapters/a.ipynb"], {})
    assert "## The PDF edition" in page
    row = next(line for line in page.splitlines() if "book-student.pdf" in line)
    assert "21.0" in row and "9.80 MB" in row and "266" in row
    assert "## The PDF edition" not in status.render_status(RESULTS, ["chapters/a.ipynb"], {})
