"""``python -m benchmarks``: measure the book and print every figure, with its targets.

Run from the repository root after ``make book`` (it needs npm's files for the site). Parts:
build (clean, unchanged and touched site builds), tests (the Makefile's pytest command, per
file), notebooks (each executed in a fresh kernel), explorers (live redraw per grid point),
queueing (vectorised simulator vs plain loop), pages (bytes per page in Chromium), grading (a
synthetic class of 100 submissions at --jobs 1 and 2), pdf (clean builds of both PDFs: time,
bytes, pages). The figures
are merged into benchmarks/results.json, and status.md is generated from it.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as `make test` sets it, before numpy loads

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks import (bench_grading, bench_make_test, bench_notebooks, bench_pages,  # noqa: E402
                        bench_pdf, bench_queueing)
from mlsys import status  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PARTS = ["build", "tests", "notebooks", "explorers", "queueing", "pages", "grading", "pdf"]


def machine() -> dict:
    """The CPU model, cores, RAM (GB), Python and OS of this machine, and its load now."""
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                  if line.startswith("model name")]
        cpu = models[0] if models else cpu
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") \
        else None
    return {"cpu": cpu, "cores": os.cpu_count(), "ram_gb": ram and round(ram / 1e9, 1),
            "python": platform.python_version(),
            "platform": f"{platform.system()} {platform.release()}",
            "omp_num_threads": os.environ.get("OMP_NUM_THREADS"),
            "load_average_1min": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg")
            else None}


def print_targets(results) -> None:
    print("\n== Targets")
    for t in status.evaluate_targets(results):
        line = f"  {status.verdict(t['met']):<12} {t['target']}: {t['measured'] or '-'}"
        print(line + (f"\n               why: {t['why']}" if t["why"] else ""))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="+", choices=PARTS, default=PARTS, metavar="PART",
                        help=f"parts to measure (default all): {', '.join(PARTS)}")
    parser.add_argument("--repeats", type=int, default=3,
                        help="clean builds and executions per notebook; medians quoted (3)")
    parser.add_argument("--notebooks", nargs="+", metavar="TEXT",
                        help="only the notebooks whose path contains one of these texts")
    parser.add_argument("--touch", default="chapters/03_latency.ipynb",
                        help="page touched for the incremental build")
    parser.add_argument("--build-dir", type=Path,
                        default=Path(tempfile.gettempdir(), "mlsys-benchmarks"),
                        help="where the site is built (--path-output), apart from _build/")
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1; got {args.repeats}")
    os.chdir(ROOT)
    results = json.loads(args.results.read_text()) if args.results.is_file() else {}
    pins = status.read_pins(ROOT / "requirements.txt")
    results.update(date=datetime.date.today().isoformat(), machine=machine(),
                   versions=status.installed_versions(list(pins)), command="python -m benchmarks")
    m = results["machine"]
    print(f"{results['date']}: {m['cpu']}, {m['cores']} cores, {m['ram_gb']} GB RAM, "
          f"Python {m['python']}, {m['platform']}, OMP_NUM_THREADS={m['omp_num_threads']}, "
          f"load average {m['load_average_1min']} at the start")
    off_pin = {n: v for n, v in results["versions"].items() if v != pins[n]}
    if off_pin:
        print(f"WARNING: installed versions differ from requirements.txt: {off_pin}")
    notebooks = status.toc_notebooks(ROOT / "_toc.yml")
    chosen = [nb for nb in notebooks if not args.notebooks or any(t in nb for t in args.notebooks)]
    site = args.build_dir / "_build" / "html"
    started = time.perf_counter()
    for part in PARTS:
        if part not in args.only:
            continue
        print(f"\n== {part}", flush=True)
        part_start = time.perf_counter()
        if part in ("tests", "pages") and not (site / "searchindex.js").is_file():
            print("  (building the site first)")
            bench_make_test.measure_build(ROOT, args.build_dir, 1, args.touch)
        if part == "build":
            results["build"] = bench_make_test.measure_build(ROOT, args.build_dir, args.repeats,
                                                             args.touch)
        elif part == "tests":
            results["tests"] = bench_make_test.measure_tests(ROOT, args.build_dir, site)
        elif part == "notebooks":
            results["notebooks"] = {**results.get("notebooks", {}),
                                    **bench_notebooks.measure_notebooks(chosen, ROOT, args.repeats)}
        elif part == "explorers":
            measured = bench_notebooks.measure_explorers(chosen, ROOT)
            kept = [e for e in results.get("explorers", []) if e["notebook"] not in chosen]
            results["explorers"] = sorted(kept + measured, key=lambda e: (
                notebooks.index(e["notebook"]) if e["notebook"] in notebooks else 0, e["index"]))
        elif part == "queueing":
            results["queueing"] = bench_queueing.measure()
            bench_queueing.print_table(results["queueing"])
        elif part == "pages":
            results["pages"] = bench_pages.measure_pages(site)
        elif part == "grading":
            results["grading"] = bench_grading.measure()
            bench_grading.print_table(results["grading"])
        elif part == "pdf":
            results["pdf"] = bench_pdf.measure(ROOT, args.build_dir, args.repeats)
        results.setdefault("benchmark_s", {})[part] = time.perf_counter() - part_start
        print(f"  ({part}: {results['benchmark_s'][part]:.0f} s)", flush=True)
        args.results.write_text(json.dumps(results, indent=1) + "\n")
        if args.results.resolve() == status.RESULTS:  # the page stays what the results say,
            status.STATUS_PAGE.write_text(  # also for the tests part's own status test
                status.render_status(results, notebooks, pins), encoding="utf-8")
    total = status.make_test_s(results)
    if total is not None:
        student_pdf = results.get("pdf", {}).get("student", {}).get("median_s")
        print(f"\nmake test = clean site build {results['build']['clean_median_s']:.1f} s "
              f"+ student edition {results['build']['student_clean_median_s']:.1f} s "
              + (f"+ student PDF {student_pdf:.1f} s " if student_pdf is not None else "")
              + f"+ pytest {results['tests']['wall_s']:.1f} s = {total:.1f} s (npm ci not included)")
    print_targets(results)
    print(f"\nbenchmark took {time.perf_counter() - started:.0f} s; wrote {args.results}")
    if args.results.resolve() == status.RESULTS:
        status.STATUS_PAGE.write_text(
            status.render_status(results, notebooks, pins), encoding="utf-8")
        print(f"wrote {status.STATUS_PAGE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
