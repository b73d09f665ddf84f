"""The book's status page: what every notebook was proven with, and how fast it all runs.

``python -m benchmarks`` measures the book (test run, site build, notebooks, explorers, queue
simulator, page weights) and writes ``benchmarks/results.json``. This module turns that file
into ``status.md``, the page that lists each notebook's execution time, the pinned versions,
the machine and the date, and judges the book's speed and size targets.

    python -m mlsys.status          # write status.md from benchmarks/results.json
    python -m mlsys.status --check  # exit 1 if status.md is stale or the results are incomplete
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from importlib import metadata
from pathlib import Path

import yaml

from mlsys._validate import check_number

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results.json"
STATUS_PAGE = ROOT / "status.md"
REQUIREMENTS = ROOT / "requirements.txt"
TOC = ROOT / "_toc.yml"
MB = 1_000_000  # bytes: page weights are quoted in decimal megabytes
# The book's targets: make test on 2 cores, a clean site build, a live explorer redraw, a page.
MAKE_TEST_TARGET_S = 150.0
CLEAN_BUILD_TARGET_S = 20.0
EXPLORER_P95_TARGET_MS = 100.0
EXPLORER_P50_TARGET_MS = 50.0
PRECOMPUTE_SPEEDUP_TARGET = 3.0  # precomputing every explorer's figures, against plain redraws
PAGE_TARGET_BYTES = 3 * MB
COMMAND = "python -m benchmarks"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;#]+)")


def read_pins(path=REQUIREMENTS) -> dict:
    """Return the ``name==version`` pins of a requirements file as ``{name: version}``.

    Comments, blank lines and lines without an exact pin (``-e .``) are skipped.

    Examples
    --------
    >>> read_pins()["nbval"]
    '0.11.0'
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be a requirements file; {path} does not exist")
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _PIN.match(line.strip())
        if match:
            pins[match.group(1)] = match.group(2)
    return pins


def installed_versions(names: Sequence[str]) -> dict:
    """Return the installed version of each distribution in `names` (None when not installed).

    Examples
    --------
    >>> installed_versions(["nbval"]) == {"nbval": metadata.version("nbval")}
    True
    """
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise TypeError(f"names must be a list of distribution names; got {names!r}")
    versions = {}
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(f"names must hold distribution names (str); got {name!r}")
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def toc_notebooks(toc=TOC) -> list:
    """Return the notebooks of a Jupyter Book table of contents, in its order, as relative paths.

    A toc entry is a notebook when ``<file>.ipynb`` exists next to the toc.

    Examples
    --------
    >>> toc_notebooks()[0]
    'chapters/00_ml_system.ipynb'
    """
    toc = Path(toc)
    if not toc.is_file():
        raise ValueError(f"toc must be a _toc.yml file; {toc} does not exist")
    files = []

    def walk(node):
        if isinstance(node, Mapping):
            if "file" in node:
                files.append(str(node["file"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(yaml.safe_load(toc.read_text(encoding="utf-8")))
    return [f"{f}.ipynb" for f in files if (toc.parent / f"{f}.ipynb").is_file()]


def load_results(path=RESULTS) -> dict:
    """Read a results file written by ``python -m benchmarks``."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"path must be a results file; {path} does not exist "
                         f"(run `{COMMAND}` to measure)")
    results = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(results, dict):
        raise ValueError(f"{path} must hold a JSON object; got {type(results).__name__}")
    return results


def problems(results: Mapping, notebooks: Sequence[str], pins: Mapping) -> list:
    """Return what is missing or stale in `results`: uncovered notebooks, versions off the pins.

    Examples
    --------
    >>> problems({"notebooks": {"a.ipynb": {"median_s": 1.0}}, "versions": {"numpy": "1.0"}},
    ...          ["a.ipynb", "b.ipynb"], {"numpy": "2.0"})
    ['b.ipynb has no execution time', 'numpy: measured with 1.0, pinned 2.0']
    """
    _check_results(results)
    found = []
    measured = results.get("notebooks", {})
    found += [f"{nb} has no execution time" for nb in notebooks
              if "median_s" not in measured.get(nb, {})]
    versions = results.get("versions", {})
    found += [f"{name}: measured with {versions.get(name)}, pinned {pin}"
              for name, pin in pins.items() if versions.get(name) != pin]
    return found


def _check_results(results) -> None:
    if not isinstance(results, Mapping):
        raise TypeError(f"results must be the dict read from results.json; got {results!r}")


def format_bytes(n_bytes) -> str:
    """Return a byte count in kB or MB (decimal units), as the status page quotes it.

    Examples
    --------
    >>> format_bytes(2_345_678), format_bytes(45_600)
    ('2.35 MB', '45.6 kB')
    """
    n_bytes = check_number("n_bytes", n_bytes, low=0)
    return f"{n_bytes / MB:.2f} MB" if n_bytes >= MB else f"{n_bytes / 1000:.1f} kB"


def make_test_s(results: Mapping):
    """Return the time of ``make test`` (s): clean builds of the site and its student edition,
    the student PDF where it was measured (results of before the printed edition lack it), and
    the pytest run; or None.

    >>> make_test_s({"build": {"clean_median_s": 9.0, "student_clean_median_s": 8.0},
    ...              "tests": {"wall_s": 200.0}, "pdf": {"student": {"median_s": 20.0}}})
    237.0
    """
    _check_results(results)
    build, tests = results.get("build", {}), results.get("tests", {})
    parts = (build.get("clean_median_s"), build.get("student_clean_median_s"), tests.get("wall_s"))
    if None in parts:
        return None
    return sum(parts) + results.get("pdf", {}).get("student", {}).get("median_s", 0.0)


def precompute_speedup(explorers):
    """Return how many times faster the grid explorers' figures precompute updating in place
    than drawn plainly (total over the explorers), or None when not measured."""
    grid = [e for e in explorers if "plain_s" in e and "precompute_s" in e]
    if not grid or not sum(e["precompute_s"] for e in grid):
        return None
    return sum(e["plain_s"] for e in grid) / sum(e["precompute_s"] for e in grid)


def evaluate_targets(results: Mapping) -> list:
    """Judge each target on `results`: a list of dicts with target, measured, met and why.

    A target whose figures were not measured has ``met`` None.

    Examples
    --------
    >>> [t["met"] for t in evaluate_targets({"build": {"clean_median_s": 12.5}})]
    [None, True, None, None, None, None]
    """
    _check_results(results)
    targets = []
    tests = results.get("tests", {})
    total_s = make_test_s(results)
    why = ""
    if total_s is not None and total_s >= MAKE_TEST_TARGET_S:
        slowest = sorted(tests.get("nbval_s", {}).items(), key=lambda item: -item[1])[:3]
        why = ("slowest under nbval: " + ", ".join(f"{nb} {s:.0f} s" for nb, s in slowest)
               + f"; browser checks {tests.get('browser_s', 0):.0f} s of worker time")
    targets.append(_target(f"make test under {MAKE_TEST_TARGET_S:.0f} s on 2 cores",
                           total_s, MAKE_TEST_TARGET_S, lambda s: f"{s:.0f} s", why))
    if tests.get("exit_code"):  # a fast run that fails proves nothing
        failed = tests.get("failed", [])
        targets[-1].update(met=False, why=f"the test run failed (exit {tests['exit_code']})"
                           + (": " + ", ".join(failed[:3]) if failed else ""))
    build = results.get("build", {})
    runs = ", ".join(f"{s:.1f}" for s in build.get("clean_s", []) if s is not None)
    load = results.get("machine", {}).get("load_average_1min")
    targets.append(_target(f"clean site build under {CLEAN_BUILD_TARGET_S:.0f} s",
                           build.get("clean_median_s"), CLEAN_BUILD_TARGET_S,
                           lambda s: f"{s:.1f} s",
                           f"clean builds took {runs} s; load average {load} when measured"))
    explorers = results.get("explorers", [])
    for stat, target in (("p95", EXPLORER_P95_TARGET_MS), ("p50", EXPLORER_P50_TARGET_MS)):
        key = f"{stat}_ms"
        worst = max((e[key] for e in explorers), default=None)
        slow = [f"{e['notebook']} explorer {e['index']} ({', '.join(e['parameters'])}) "
                f"{e[key]:.0f} ms" for e in explorers if e[key] >= target]
        targets.append(_target(f"live explorer update {stat} under {target:.0f} ms "
                               "(each explorer; worst shown)", worst, target,
                               lambda ms: f"{ms:.0f} ms", "; ".join(slow)))
    speedup = precompute_speedup(explorers)
    grid = [e for e in explorers if "plain_s" in e]
    why = (f"{sum(e['plain_s'] for e in grid):.1f} s plain, "
           f"{sum(e['precompute_s'] for e in grid):.1f} s updating in place" if grid else "")
    targets.append(_target(f"precomputing every explorer's figures at least "
                           f"{PRECOMPUTE_SPEEDUP_TARGET:g} times faster than plain redraws",
                           speedup, PRECOMPUTE_SPEEDUP_TARGET, lambda x: f"{x:.1f} times", why,
                           at_least=True))
    pages = results.get("pages", {})
    heaviest = max((p["images_and_scripts"] for p in pages.values()), default=None)
    heavy = [f"{name} {format_bytes(p['images_and_scripts'])} ({format_bytes(p['images'])} "
             f"images, {format_bytes(p['scripts_beyond_shared'])} scripts)"
             for name, p in pages.items() if p["images_and_scripts"] > PAGE_TARGET_BYTES]
    targets.append(_target(f"no page over {PAGE_TARGET_BYTES / MB:.0f} MB of images and scripts "
                           "beyond the shared widget renderer (heaviest shown)", heaviest,
                           PAGE_TARGET_BYTES + 1, format_bytes, "; ".join(heavy)))
    return targets


def _target(name, measured, limit, formatted, why, *, at_least=False) -> dict:
    """Met when `measured` is under `limit` (or, `at_least`, reaches it)."""
    met = None if measured is None else (measured >= limit if at_least else measured < limit)
    return {"target": name, "measured": None if measured is None else formatted(measured),
            "met": met, "why": "" if met or met is None else why}


def verdict(met) -> str:
    """Return MET, MISSED or 'not measured' for a target's ``met`` value (True, False, None)."""
    if met not in (True, False, None):
        raise TypeError(f"met must be True, False or None; got {met!r}")
    return {True: "MET", False: "MISSED", None: "not measured"}[met]


def _table(header, rows) -> list:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]


def _runs(repeats) -> str:
    if repeats == {1}:
        return "one run each"
    return f"median of {'/'.join(str(r) for r in sorted(repeats)) or '?'} runs"


def _seconds(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def render_status(results: Mapping, notebooks: Sequence[str], pins: Mapping) -> str:
    """Return the Markdown of the status page for `results`, listing `notebooks` and `pins`."""
    _check_results(results)
    if isinstance(notebooks, (str, bytes)) or not isinstance(notebooks, Sequence):
        raise TypeError(f"notebooks must be a list of notebook paths; got {notebooks!r}")
    if not isinstance(pins, Mapping):
        raise TypeError(f"pins must map package names to versions; got {pins!r}")
    machine = results.get("machine", {})
    measured = results.get("notebooks", {})
    nbval = results.get("tests", {}).get("nbval_s", {})
    repeats = {len(m.get("runs_s", [])) for m in measured.values()}
    lines = [
        "# Status: what the book was proven with",
        "",
        "Every notebook of this book is executed top to bottom and checked by strict nbval on "
        "every test run: each stored output must equal a fresh run's. This page says how long "
        "that takes, on which machine, and with which versions. It is generated by "
        "`python -m mlsys.status` from `benchmarks/results.json`, which "
        f"`{COMMAND}` writes; a test fails when the two disagree, when a notebook of the book "
        "has no measurement, or when a pin in `requirements.txt` changes without measuring again.",
        "",
        f"Measured on {results.get('date', 'an unknown date')}: {machine.get('cpu', '?')}, "
        f"{machine.get('cores', '?')} cores, {machine.get('ram_gb', '?')} GB RAM, "
        f"Python {machine.get('python', '?')}, {machine.get('platform', '?')}. "
        "The machine was shared with other work, so the times are an upper bound.",
        "",
        "## Targets",
        "",
    ]
    lines += _table(["target", "measured", "verdict", "why missed"],
                    [(t["target"], t["measured"] or "-", verdict(t["met"]), t["why"] or "")
                     for t in evaluate_targets(results)])
    lines += ["", "## Notebooks", "",
              "*execution*: a fresh kernel runs the notebook top to bottom with one OpenMP "
              f"thread ({_runs(repeats)}). "
              "*under nbval*: the same notebook's time inside the test run, two workers sharing "
              "two cores.", ""]
    rows = [(f"{{doc}}`{nb[:-len('.ipynb')]}`", f"`{nb}`",
             _seconds(measured.get(nb, {}).get("median_s")), _seconds(nbval.get(nb)))
            for nb in notebooks]
    lines += _table(["page", "notebook", "execution (s)", "under nbval (s)"], rows)
    lines += _explorer_section(results.get("explorers", []))
    lines += _pages_section(results.get("pages", {}))
    lines += _pdf_section(results.get("pdf", {}))
    lines += ["", "## Pinned versions", "",
              "The versions installed when the figures were measured; they equal the pins of "
              "`requirements.txt` (a test checks it).", ""]
    versions = results.get("versions", {})
    lines += _table(["package", "version"],
                    [("Python", machine.get("python", "?"))]
                    + [(name, versions.get(name, "?")) for name in pins])
    lines += ["", "## How to reproduce", "", "From the repository root, after `make book`:", "",
              "```bash", f"OMP_NUM_THREADS=1 .venv/bin/{COMMAND}            # everything, "
              "writes benchmarks/results.json",
              f".venv/bin/{COMMAND} --only notebooks explorers  # a subset, merged into it",
              ".venv/bin/python -m mlsys.status                 # this page, from the results",
              "```", ""]
    return "\n".join(lines)


def _explorer_section(explorers) -> list:
    if not explorers:
        return []
    lines = ["", "## Explorers: live updates and precomputed figures", "",
             "*live*: what one slider move costs in a running kernel, the plot function "
             "updating its figure in place (`mlsys.drawing`) and a fast PNG, from cold "
             "simulation caches; over the explorer's grid (a website explorer) or across each "
             "slider's range in 8 steps (a live explorer); nearest-rank percentiles. "
             "*precompute*: the website's images of the whole grid as `explorer` draws them, "
             "beside *plain*, a new figure drawn in full for each point with no cache, as "
             "explorers drew before (the same run, `python -m benchmarks --only explorers`).",
             ""]
    rows = []
    for e in explorers:
        plain = f"{e['plain_s']:.2f}" if "plain_s" in e else "-"
        precompute = f"{e['precompute_s']:.2f}" if "precompute_s" in e else "-"
        ratio = (f"{e['plain_s'] / e['precompute_s']:.1f}x"
                 if e.get("precompute_s") else "-")
        rows.append((f"`{e['notebook']}`", f"{e.get('kind', 'grid')} {e['index']}",
                     ", ".join(e["parameters"]), e["grid_size"], f"{e['p50_ms']:.0f}",
                     f"{e['p95_ms']:.0f}",
                     verdict(e["p50_ms"] < EXPLORER_P50_TARGET_MS
                             and e["p95_ms"] < EXPLORER_P95_TARGET_MS),
                     plain, precompute, ratio))
    speedup = precompute_speedup(explorers)
    lines += _table(["notebook", "explorer", "parameters", "updates", "live p50 (ms)",
                     "live p95 (ms)", f"p50 < {EXPLORER_P50_TARGET_MS:.0f}, "
                     f"p95 < {EXPLORER_P95_TARGET_MS:.0f} ms", "plain (s)", "precompute (s)",
                     "speed-up"], rows)
    if speedup is not None:
        lines += ["", f"All grids together: {precompute_speedup(explorers):.1f} times faster "
                  "precomputed in place than drawn plainly."]
    return lines


def _pages_section(pages) -> list:
    if not pages:
        return []
    lines = ["", "## Pages: bytes a reader downloads", "",
             "Each page loaded once in Chromium with an empty cache, every widget drawn. "
             "*images* counts image files and the images inside the HTML (an explorer's figures "
             "live in the widget state written into the page), so they are part of *HTML* too. "
             "*shared* is the widget renderer, require.js and MathJax, the same files for every "
             "page (a browser fetches them once); *images + scripts* is what the target limits: "
             "images, and scripts other than the shared ones (the theme's included).", ""]
    rows = [(f"`{name}`", format_bytes(p["total"]), format_bytes(p["html"]),
             format_bytes(p["images"]), format_bytes(p["scripts"]), format_bytes(p["shared"]),
             format_bytes(p["images_and_scripts"]),
             verdict(p["images_and_scripts"] <= PAGE_TARGET_BYTES))
            for name, p in pages.items()]
    return lines + _table(["page", "total", "HTML", "images", "scripts", "shared",
                           "images + scripts", f"<= {PAGE_TARGET_BYTES / MB:.0f} MB"], rows)


def _pdf_section(editions) -> list:
    if not editions:
        return []
    lines = ["", "## The PDF edition", "",
             "Each PDF built from nothing (`python -m mlsys.pdf`): one singlehtml build of the "
             "book, then Chromium prints it. `make test` builds the student PDF, so its time is "
             "part of the test run's.", ""]
    rows = [(f"`{e['command']}`", f"`{e['path']}`", _seconds(e.get("median_s")),
             ", ".join(f"{s:.1f}" for s in e.get("runs_s", [])),
             _seconds(e.get("html_median_s")), _seconds(e.get("print_median_s")),
             format_bytes(e["bytes"]), e.get("pages") or "-")
            for e in editions.values()]
    return lines + _table(["command", "PDF", "build (s, median)", "runs (s)", "singlehtml (s)",
                           "print (s)", "size", "pages"], rows)


def main(argv=None) -> int:
    """``python -m mlsys.status [--check]``: write status.md from the results, or check it."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m mlsys.status", description=main.__doc__)
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if status.md or the results are stale")
    args = parser.parse_args(argv)
    results, notebooks, pins = load_results(), toc_notebooks(), read_pins()
    page = render_status(results, notebooks, pins)
    found = problems(results, notebooks, pins)
    if args.check:
        if STATUS_PAGE.read_text(encoding="utf-8") != page:
            found.append("status.md differs from what python -m mlsys.status writes")
    else:
        STATUS_PAGE.write_text(page, encoding="utf-8")
        print(f"wrote {STATUS_PAGE.name}")
    for problem in found:
        print(f"stale: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
