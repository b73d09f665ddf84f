"""Time what ``make test`` does: the site build (clean, unchanged, one page touched) and the
pytest run, with each test file's share from pytest's JUnit XML report."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import defaultdict
from pathlib import Path

BIN = Path(sys.executable).parent
# The Makefile's commands (book: after npm ci; test: after book).
BUILD = [str(BIN / "jupyter-book"), "build", ".", "-W", "-n", "--keep-going"]
# book-student: the same build without the solutions (test: after book and book-student).
STUDENT = ["--config", "_config_student.yml", "--toc", "_toc_student.yml"]
PYTEST = [sys.executable, "-m", "pytest", "-n", "2", "--dist", "loadscope", "--nbval",
          "--nbval-current-env", "--nbval-sanitize-with", "tests/sanitize.cfg",
          "tests", "chapters", "exercises", "solutions"]


def _run(command, root, log, env=None) -> tuple:
    """Run `command` in `root`, output to `log`: (wall seconds, exit code)."""
    start = time.perf_counter()
    with open(log, "w", encoding="utf-8") as out:
        done = subprocess.run(command, cwd=root, stdout=out, stderr=subprocess.STDOUT, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        tail = Path(log).read_text(encoding="utf-8").splitlines()[-15:]
        print("\n".join(f"    | {line}" for line in tail))
        print(f"  FAILED (exit {done.returncode}) after {seconds:.1f} s; full log: {log}")
    return seconds, done.returncode


def _build_s(command, root, log):
    seconds, code = _run(command, root, log)
    return seconds if code == 0 else None


def measure_build(root, output, repeats, touch) -> dict:
    """Clean builds (`repeats`), then an unchanged rebuild and one after touching `touch`, into
    `output`/_build/html; each clean build is followed by a clean build of the student edition
    into `output`/student. Seconds; None for a failed build."""
    command = BUILD + ["--path-output", str(output)]
    student = BUILD + STUDENT + ["--path-output", str(Path(output, "student"))]
    log = Path(output, "build.log")
    Path(output).mkdir(parents=True, exist_ok=True)
    clean, clean_student = [], []
    for _ in range(repeats):
        shutil.rmtree(Path(output, "_build"), ignore_errors=True)
        clean.append(_build_s(command, root, log))
        shutil.rmtree(Path(output, "student"), ignore_errors=True)
        clean_student.append(_build_s(student, root, log))
        print(f"  clean build {clean[-1] and round(clean[-1], 1)} s, student edition "
              f"{clean_student[-1] and round(clean_student[-1], 1)} s", flush=True)
    unchanged = _build_s(command, root, log)
    print(f"  rebuild, nothing changed {unchanged and round(unchanged, 1)} s", flush=True)
    page = Path(root, touch)
    before = page.stat()
    os.utime(page)  # newer than the build: Sphinx reads and writes that page again
    try:
        touched = _build_s(command, root, log)
    finally:
        os.utime(page, ns=(before.st_atime_ns, before.st_mtime_ns))
    print(f"  rebuild after touching {touch} {touched and round(touched, 1)} s", flush=True)
    ok = [s for s in clean if s is not None]
    ok_student = [s for s in clean_student if s is not None]
    return {"clean_s": clean, "clean_median_s": statistics.median(ok) if ok else None,
            "student_clean_s": clean_student,
            "student_clean_median_s": statistics.median(ok_student) if ok_student else None,
            "unchanged_s": unchanged, "touched_s": touched, "touched_page": touch,
            "command": " ".join(["jupyter-book"] + BUILD[1:])}


def per_file_seconds(junit_xml) -> dict:
    """Sum the test times of a JUnit XML report (xunit1: testcases carry `file`) per file."""
    seconds = defaultdict(float)
    for case in ElementTree.parse(junit_xml).iter("testcase"):
        seconds[case.get("file") or case.get("classname")] += float(case.get("time", 0))
    return dict(seconds)


def outcome_counts(junit_xml) -> dict:
    """Tests, failures, errors and skips of a JUnit XML report, and the tests that failed."""
    tree = ElementTree.parse(junit_xml)
    suite = next(tree.iter("testsuite"))
    counts = {key: int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped")}
    counts["failed"] = [f"{case.get('file')}::{case.get('name')}" for case in tree.iter("testcase")
                        if case.find("failure") is not None or case.find("error") is not None]
    return counts


def measure_tests(root, output, site) -> dict:
    """Run the Makefile's pytest command against the site in `site`; wall time and shares (s)."""
    junit = Path(output, "junit.xml")
    env = {**os.environ, "MLSYS_SITE_DIR": str(site)}
    wall, exit_code = _run(PYTEST + ["--junitxml", str(junit), "-o", "junit_family=xunit1"], root,
                Path(output, "pytest.log"), env)
    if not junit.is_file():
        return {"wall_s": wall, "exit_code": exit_code}
    files = per_file_seconds(junit)
    nbval = {f: s for f, s in files.items() if f.endswith(".ipynb")}
    browser = sum(s for f, s in files.items() if f.startswith("tests/browser/"))
    units = sum(s for f, s in files.items()
                if f not in nbval and not f.startswith("tests/browser/"))
    counts = outcome_counts(junit)
    print(f"  pytest wall {wall:.1f} s ({counts['tests']} tests, "
          f"{counts['failures']} failures, {counts['errors']} errors); worker time: unit "
          f"{units:.1f} s, nbval {sum(nbval.values()):.1f} s, browser {browser:.1f} s", flush=True)
    for test in counts["failed"]:
        print(f"    FAILED {test}")
    for path, seconds in sorted(nbval.items(), key=lambda item: -item[1]):
        print(f"    nbval {path:<42} {seconds:6.1f} s")
    return {"wall_s": wall, "exit_code": exit_code, "units_s": units, "browser_s": browser,
            "nbval_total_s": sum(nbval.values()), "nbval_s": dict(sorted(nbval.items())),
            "per_file_s": dict(sorted(files.items())), **counts,
            "command": " ".join(["pytest"] + PYTEST[3:])}
