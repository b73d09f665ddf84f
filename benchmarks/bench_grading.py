"""Grade a synthetic class: how many notebooks per minute, and how long a real course takes.

Run from the repository root: ``python -m benchmarks.bench_grading`` (or ``python -m benchmarks
--only grading``). Builds 100 submissions of one exercise (default 03_latency), a mix of solved,
unsolved, broken (a cell that raises; a file cut off), hung (a cell that never ends, stopped by
``--timeout``) and forged (printed PASS lines, replaced checks, a redefined ``print``), grades
them with ``--jobs 1`` and ``--jobs 2`` and checks every verdict: only the solved ones may pass.
Then it times one solution of every exercise and prints how long a class of 100 students x 7
exercises would take at each ``--jobs``. Not a test: it takes minutes, and its figures depend on
the machine and its load.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import nbformat

from mlsys.grade import grade_folder, grade_notebook

ROOT = Path(__file__).resolve().parents[1]
EXERCISE = "03_latency.ipynb"
#: How many submissions of each kind make up the class (100 in all).
MIX = {"solved": 40, "unsolved": 25, "broken": 15, "forged": 15, "hung": 5}
TIMEOUT_S = 10

FORGERIES = (
    lambda tasks: "\n".join(f"print({'Task ' + t['task'] + ' · ' + t['title'] + ' — PASS'!r})"
                            for t in tasks),
    lambda tasks: ("import mlsys.checks\n"
                   "mlsys.checks.report = lambda n, t, p, m, h=None: print(\n"
                   "    f'Task {n} · {t} — PASS')\n"
                   "for name in dir(checks):\n"
                   "    if hasattr(getattr(checks, name), 'task'):\n"
                   "        setattr(checks, name, lambda *a, **k: True)"),
    lambda tasks: ("import builtins\n_print = builtins.print\n"
                   "builtins.print = lambda *a, **k: _print(\n"
                   "    *[str(x).replace('— FAIL', '— PASS') for x in a], **k)"),
)


def _read(kind: str, name: str):
    return nbformat.read(ROOT / kind / name, as_version=4)


def make_class(folder: Path, exercise: str = EXERCISE, mix=MIX, seed: int = 0) -> dict:
    """Write one submission per student to `folder`/<student>/; return {student: kind}."""
    rng = random.Random(seed)
    kinds = [kind for kind, count in mix.items() for _ in range(count)]
    rng.shuffle(kinds)
    tasks = _read("exercises", exercise).metadata["mlsys"]["tasks"]
    made = {}
    for number, kind in enumerate(kinds, start=1):
        student = f"student{number:03d}"
        (folder / student).mkdir(parents=True)
        target = folder / student / exercise
        if kind == "solved":
            shutil.copy(ROOT / "solutions" / exercise, target)
        elif kind == "broken" and number % 2:
            target.write_text((ROOT / "exercises" / exercise).read_text()[:500])  # cut off
        else:
            notebook = _read("exercises", exercise)
            first = next(i for i, c in enumerate(notebook.cells) if c.cell_type == "code")
            extra = {"unsolved": None,
                     "broken": "raise RuntimeError('a learner bug')",
                     "hung": "import time\nwhile True:\n    time.sleep(1)",
                     "forged": FORGERIES[number % len(FORGERIES)](tasks)}[kind]
            if extra is not None:
                notebook.cells.insert(first + 1, nbformat.v4.new_code_cell(extra))
            nbformat.write(notebook, target)
        made[student] = kind
    return made


def grade_class(folder: Path, kinds: dict, jobs: int, timeout_s: float) -> dict:
    """Grade the class at `jobs`; check that only the solved ones passed; return the timing."""
    started = time.perf_counter()
    graded = grade_folder(folder, jobs=jobs, timeout_s=timeout_s)
    seconds = time.perf_counter() - started
    wrong = [s.student for s in graded
             if s.report.all_passed != (kinds[s.student] == "solved")
             or (kinds[s.student] != "solved" and s.report.passed)]
    return {"jobs": jobs, "notebooks": len(graded), "seconds": round(seconds, 1),
            "per_minute": round(60 * len(graded) / seconds, 1), "misgraded": wrong}


def time_solutions() -> dict:
    """Seconds to grade one solution of each exercise (jobs 1), by notebook name."""
    times = {}
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        started = time.perf_counter()
        grade_notebook(path)
        times[path.name] = round(time.perf_counter() - started, 1)
    return times


def measure(n_jobs=(1, 2), exercise: str = EXERCISE, mix=MIX,
            timeout_s: float = TIMEOUT_S) -> dict:
    """Grade the synthetic class at each of `n_jobs`, time the 7 solutions, project a course."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="mlsys-bench-grading-") as tmp:
        kinds = make_class(Path(tmp) / "class", exercise, mix)
        for jobs in n_jobs:
            runs.append(grade_class(Path(tmp) / "class", kinds, jobs, timeout_s))
    solutions = time_solutions()
    base = runs[0]["per_minute"]
    course = {}
    for run in runs:  # 100 students x every exercise, at the speed-up this class showed
        speedup = run["per_minute"] / base
        course[run["jobs"]] = round(100 * sum(solutions.values()) / speedup / 60, 1)
    return {"exercise": exercise, "mix": dict(mix), "timeout_s": timeout_s, "runs": runs,
            "solution_s": solutions, "course_100x7_minutes": course,
            "load_average_1min": round(os.getloadavg()[0], 2)}


def print_table(result: dict) -> None:
    print(f"  {sum(result['mix'].values())} submissions of {result['exercise']}: "
          + ", ".join(f"{n} {kind}" for kind, n in result["mix"].items())
          + f" (hung ones stopped after {result['timeout_s']} s)")
    for run in result["runs"]:
        verdict = "all graded right" if not run["misgraded"] else f"MISGRADED {run['misgraded']}"
        print(f"  --jobs {run['jobs']}: {run['seconds']:.0f} s, {run['per_minute']:.1f} "
              f"notebooks per minute; {verdict}")
    print("  one solution of each exercise: " + ", ".join(
        f"{name.split('_')[0]} {s:.1f} s" for name, s in result["solution_s"].items()))
    for jobs, minutes in result["course_100x7_minutes"].items():
        print(f"  a class of 100 students x {len(result['solution_s'])} exercises at --jobs "
              f"{jobs}: about {minutes:.0f} minutes")
    print(f"  (load average {result['load_average_1min']} at the end)")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_grading",
                                     description=__doc__)
    parser.add_argument("--exercise", default=EXERCISE, help=f"the exercise ({EXERCISE})")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2], help="(1 2)")
    parser.add_argument("--timeout", type=float, default=TIMEOUT_S,
                        help=f"seconds before a hung cell is stopped ({TIMEOUT_S})")
    args = parser.parse_args(argv)
    if not (ROOT / "exercises" / args.exercise).is_file():
        parser.error(f"--exercise must name a notebook of exercises/; got {args.exercise!r}")
    if any(j < 1 for j in args.jobs):
        parser.error(f"--jobs must be at least 1; got {args.jobs}")
    if args.timeout <= 0:
        parser.error(f"--timeout must be positive; got {args.timeout}")
    print_table(measure(tuple(args.jobs), args.exercise, timeout_s=args.timeout))
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    raise SystemExit(main())
