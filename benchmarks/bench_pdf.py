"""Time the printed edition (``make pdf``, ``make pdf-student``): each PDF built from nothing.

A clean build of an edition is mlsys.pdf's two steps, timed apart: the singlehtml build
(jupyter-book) and the print (Chromium). Built into the benchmark's own folder, never _build/.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import time
from pathlib import Path

from mlsys import pdf

EDITIONS = ("book", "student")


def page_count(path) -> int | None:
    """The PDF's number of pages (poppler's pdfinfo), or None without poppler."""
    if not shutil.which("pdfinfo"):
        return None
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    return int(match.group(1)) if match else None


def measure_edition(edition, root, output, repeats) -> dict:
    """`repeats` clean builds of one edition into `output`: seconds per step, bytes, pages."""
    runs, html_s, print_s = [], [], []
    for _ in range(repeats):
        shutil.rmtree(Path(output, edition), ignore_errors=True)
        start = time.perf_counter()
        page = pdf.build_html(edition, root=root, output=output, quiet=True)
        built = time.perf_counter()
        path = pdf.print_pdf(page, Path(output, pdf.EDITIONS[edition][2]))
        done = time.perf_counter()
        html_s.append(built - start)
        print_s.append(done - built)
        runs.append(done - start)
        print(f"  {path.name}: {runs[-1]:.1f} s (singlehtml {html_s[-1]:.1f} s, "
              f"print {print_s[-1]:.1f} s)", flush=True)
    return {"runs_s": runs, "median_s": statistics.median(runs),
            "html_median_s": statistics.median(html_s),
            "print_median_s": statistics.median(print_s),
            "bytes": path.stat().st_size, "pages": page_count(path),
            "path": f"_build/pdf/{path.name}",
            "command": "make pdf" if edition == "book" else "make pdf-student"}


def measure(root, output, repeats) -> dict:
    """Both editions, the whole book and the student edition."""
    return {edition: measure_edition(edition, root, Path(output, "pdf"), repeats)
            for edition in EDITIONS}
