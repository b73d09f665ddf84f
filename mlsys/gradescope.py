"""A Gradescope autograder for one of the book's exercises, built by one command.

    python -m mlsys.gradescope build exercises/03_latency.ipynb --out _build/gradescope/03_latency
    make gradescope NOTEBOOK=exercises/03_latency.ipynb

writes a folder and ``autograder.zip`` (upload the zip as the assignment's autograder). At its
root are the two files Gradescope's autograder specification asks for: ``setup.sh`` (run once
when Gradescope builds the image: a virtual environment with the book's pinned requirements) and
``run_autograder`` (run for each submission); choose an Ubuntu 24.04 base image (the pins need
Python 3.11 or later). Beside them, ``book/`` holds the book's package and
the trusted copy of the exercise, the reference its check calls come from; learners never see
the zip. For each submission Gradescope places the learner's files in ``/autograder/submission``;
``run_autograder`` grades the notebook with `mlsys.grade` and writes
``/autograder/results/results.json`` in Gradescope's schema: a score, and one test per task (one
point each, its check's message as output; a written answer a person grades, REVIEW, as a test of
no points that says so).

    python -m mlsys.gradescope run --submission DIR --results FILE --reference NOTEBOOK

is what ``run_autograder`` calls. Setting ``AUTOGRADER_ROOT`` (default ``/autograder``) and
``PYTHON`` runs the bundle anywhere: that is how the tests run it on a sample submission.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import time
import zipfile
from pathlib import Path

from mlsys import evaluation
from mlsys._validate import check_number

ROOT = evaluation.ROOT

#: Requirements the autograder image does not need: the site, its theme and the test tools.
_NOT_FOR_GRADING = ("jupyter-book", "sphinx", "pydata-sphinx-theme", "pytest", "nbval",
                    "playwright", "jupyterlab", "-e ")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
packages=({packages})
command -v python3 >/dev/null 2>&1 || packages+=(python3)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || packages+=(python3-venv)
if [ ${{#packages[@]}} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${{packages[@]}}"
fi
python3 - <<'PY'
if sys.version_info < (3, 11):
    sys.exit("The book needs Python 3.11 or later: choose an Ubuntu 24.04 base image.")
PY
python3 -m venv "$ROOT/venv"
"$ROOT/venv/bin/pip" install --quiet -r "$ROOT/source/book/requirements.txt"
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for each submission: grade it and write results/results.json.
set -uo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
PYTHON="${{PYTHON:-$ROOT/venv/bin/python}}"
mkdir -p "$ROOT/results"
cd "$ROOT"
export PYTHONPATH="$ROOT/source/book" OMP_NUM_THREADS=1 MPLBACKEND=Agg
exec "$PYTHON" -m mlsys.gradescope run --submission "$ROOT/submission" \\
  --results "$ROOT/results/results.json" \\
  --reference "$ROOT/source/book/exercises/{notebook}"{options}
"""


def _requirements() -> str:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    kept = [line for line in lines if line.strip() and not line.startswith("#")
            and not line.startswith(_NOT_FOR_GRADING)]
    return "# The book's pinned requirements that grading needs\n" + "\n".join(kept) + "\n"


def build(notebook, out, *, timeout_s: float = 300, sandbox: bool = False) -> Path:
    """Write the autograder for the exercise `notebook` to the folder `out`; return the zip.

    `notebook` is one of the book's exercises (a solution's name is taken as its exercise):
    its trusted copy goes into the bundle. `timeout_s` limits each cell; `sandbox` makes each
    run use bubblewrap (only where Gradescope's container allows new namespaces; each
    submission already runs in a container of its own).
    """
    path = Path(notebook)
    if path.suffix != ".ipynb":
        raise ValueError(f"notebook must be an exercise notebook (.ipynb); got {str(path)!r}")
    reference = evaluation.BOOK_EXERCISES / path.name
    if not reference.is_file():
        raise ValueError(f"notebook must name one of the book's exercises "
                         f"({evaluation.BOOK_EXERCISES}); got {str(path)!r}")
    check_number("timeout_s", timeout_s, low=0, low_open=True, unit="seconds")
    if not isinstance(sandbox, bool):
        raise TypeError(f"sandbox must be True or False; got {sandbox!r}")
    if not evaluation.load_reference(reference).tasks:
        raise ValueError(f"notebook {str(path)!r}: its exercise lists no tasks in its metadata "
                         "(run python -m mlsys.exercises)")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ValueError(f"out must be a folder; {str(out)!r} is a file")
    if out.exists():
        shutil.rmtree(out)
    (out / "book" / "exercises").mkdir(parents=True)
    shutil.copytree(ROOT / "mlsys", out / "book" / "mlsys",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy(reference, out / "book" / "exercises" / path.name)
    (out / "book" / "requirements.txt").write_text(_requirements(), encoding="utf-8")
    options = f" --timeout {timeout_s:g}" + (" --sandbox" if sandbox else "")
    setup = SETUP_SH.format(packages="bubblewrap" if sandbox else "")
    for name, text in (("setup.sh", setup),
                       ("run_autograder", RUN_AUTOGRADER.format(notebook=path.name,
                                                                options=options))):
        (out / name).write_text(text, encoding="utf-8")
        (out / name).chmod(0o755)
    archive = out / "autograder.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for item in sorted(out.rglob("*")):
            if item.is_file() and item != archive:
                info = zipfile.ZipInfo(item.relative_to(out).as_posix())
                info.external_attr = (stat.S_IFREG | item.stat().st_mode & 0o777) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zipped.writestr(info, item.read_bytes())
    return archive


def results_json(report, *, seconds: float | None = None) -> dict:
    """Gradescope's results.json for a `mlsys.grade.Report`: a score and one test per task."""
    from mlsys.grade import Report

    if not isinstance(report, Report):
        raise TypeError(f"report must be a mlsys.grade.Report; got {type(report).__name__}")
    tests = []
    for t in report.tasks:
        test = {"name": f"Task {t.task} · {t.title}", "number": t.task, "output": t.message,
                "visibility": "visible"}
        if t.kind == "review":
            test.update(score=0, max_score=0, name=test["name"] + " (graded by your instructor)")
        else:
            test.update(score=int(t.result == "PASS"), max_score=1,
                        status="passed" if t.result == "PASS" else "failed")
            if t.result == "NOT RUN":
                test["output"] = f"Not run: {t.message}"
        tests.append(test)
    lines = [f"{report.passed} of {report.automatic} automatic tasks passed."]
    if report.review:
        count = len(report.review)
        lines.append(f"{count} written answer{'' if count == 1 else 's'} will be graded by your "
                     "instructor.")
    lines += [f"Problem: {problem}" for problem in report.problems]
    result = {"score": report.passed, "output": "\n".join(lines), "tests": tests,
              "stdout_visibility": "hidden", "visibility": "visible"}
    if seconds is not None:
        result["execution_time"] = round(seconds)
    return result


def _submitted_notebook(submission: Path, name: str) -> Path | None:
    exact = submission / name
    if exact.is_file():
        return exact
    found = sorted(p for p in submission.rglob("*.ipynb")
                   if ".ipynb_checkpoints" not in p.parts)
    return found[0] if len(found) == 1 else None


def run(submission, results, reference, *, timeout_s: float = 300,
        sandbox: bool = False) -> dict:
    """Grade the notebook in the folder `submission` against `reference`; write `results`.

    Whatever happens (no notebook, the grader failing) a results.json is written, so the
    learner always reads what went wrong.
    """
    started = time.monotonic()
    submission, results, reference = Path(submission), Path(results), Path(reference)
    if not reference.is_file():
        raise ValueError(f"reference must be an existing notebook; got {str(reference)!r}")
    if not results.parent.is_dir():
        raise ValueError(f"results must be a file in an existing folder; got {str(results)!r}")
    notebook = _submitted_notebook(submission, reference.name) if submission.is_dir() else None
    if notebook is None:
        data = {"score": 0, "tests": [], "output": (
            f"No notebook to grade: submit your {reference.name} (one notebook, that name).")}
    else:
        from mlsys.grade import grade_notebook

        try:
            report = grade_notebook(notebook, reference=reference, timeout_s=timeout_s,
                                    sandbox=sandbox)
            data = results_json(report, seconds=time.monotonic() - started)
        except Exception as error:
            data = {"score": 0, "tests": [], "output": (
                f"The autograder failed on this submission ({type(error).__name__}: {error}); "
                "tell your instructor.")}
    results.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def main(argv=None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlsys.gradescope", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    making = commands.add_parser("build", help="write the autograder bundle of one exercise")
    making.add_argument("notebook", help="the exercise, e.g. exercises/03_latency.ipynb")
    making.add_argument("--out", required=True, help="the folder to write (replaced)")
    making.add_argument("--timeout", type=float, default=300, help="seconds per cell (300)")
    making.add_argument("--sandbox", action="store_true", help="grade under bubblewrap")
    running = commands.add_parser("run", help="grade one submission (what run_autograder does)")
    running.add_argument("--submission", required=True)
    running.add_argument("--results", required=True)
    running.add_argument("--reference", required=True)
    running.add_argument("--timeout", type=float, default=300)
    running.add_argument("--sandbox", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "build":
            archive = build(args.notebook, args.out, timeout_s=args.timeout,
                            sandbox=args.sandbox)
            print(f"Wrote {archive.parent}/ and {archive}: upload the zip to Gradescope")
        else:
            data = run(args.submission, args.results, args.reference, timeout_s=args.timeout,
                       sandbox=args.sandbox)
            print(data["output"])
    except (ValueError, TypeError) as error:
        parser.error(str(error))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    raise SystemExit(main())
