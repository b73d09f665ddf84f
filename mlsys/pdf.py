"""The printed edition: the whole book as one PDF, typeset by the Chromium the tests use.

``python -m mlsys.pdf`` (``make pdf``) builds the book, solutions included, into
``_build/pdf/book.pdf``; ``python -m mlsys.pdf --student`` (``make pdf-student``) builds the
student edition, from ``_toc_student.yml`` and ``_config_student.yml``, into
``_build/pdf/book-student.pdf``. Two steps:

1. One ``jupyter-book build --builder singlehtml`` of the book into ``_build/pdf/<edition>/``,
   from a copy of the edition's config and toc written there. The copies differ from the
   edition's own in these settings only: the toc's Chapters part has ``numbered: 1`` (Sphinx
   numbers the chapters' titles and, within each, its figures; _site/mlsys_site.py makes
   chapters/NN_topic chapter NN, and sections keep the numbers their authors wrote);
   ``mlsys_print`` is on (each explorer becomes a captioned figure of its first image, ids are
   made unique in the one page, and the page gets ``_site/print.css`` and ``_site/print.js``);
   the singlehtml builder ranks the question forms above their widget as html does; the theme's
   download and full-screen buttons are off; the book's extension is named by its full path.
2. Chromium (``tests/browser/chromium.py`` finds it) opens the page from the file system, with
   every request that is not a file of the build aborted, waits for MathJax and the print script
   (questions printed as questions, their answers at each chapter's end, folds opened), and
   prints it: A4, page numbers in the footer.

No TeX is needed, and the PDF shows the same mathematics, figures and fonts as the website.
"""

from __future__ import annotations

import argparse
import copy
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EDITIONS = {  # edition -> (config, toc, PDF)
    "book": ("_config.yml", "_toc.yml", "book.pdf"),
    "student": ("_config_student.yml", "_toc_student.yml", "book-student.pdf"),
}
NUMBERED_PARTS = ("Chapters",)
FOOTER = ('<div style="width: 100%; font-size: 8pt; color: #555; text-align: center; '
          'font-family: sans-serif;"><span class="pageNumber"></span> / '
          '<span class="totalPages"></span></div>')
MARGINS = {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
PRINT_TIMEOUT_MS = 120_000


def _edition(name: str) -> tuple[str, str, str]:
    if name not in EDITIONS:
        raise ValueError(f"edition must be one of {sorted(EDITIONS)}; got {name!r}")
    return EDITIONS[name]


def pdf_config(config: dict, root: Path = ROOT) -> dict:
    """The edition's Jupyter Book config with the printed edition's settings added.

    The copy lives under _build/pdf/, so the book's own extension is named by its full path.
    """
    if not isinstance(config, dict) or "sphinx" not in config:
        raise TypeError("config must be a Jupyter Book config (a dict with a 'sphinx' key)")
    config = copy.deepcopy(config)
    extensions = config["sphinx"].get("local_extensions") or {}
    config["sphinx"]["local_extensions"] = {name: str(Path(root, path).resolve())
                                            for name, path in extensions.items()}
    sphinx = config["sphinx"].setdefault("config", {})
    sphinx["mlsys_print"] = True
    # singlehtml ranks like html: the question forms above their widget (explorers are made
    # figures by _site/mlsys_site.py before any format is picked).
    overrides = [list(o) for o in sphinx.get("nb_mime_priority_overrides", [])]
    sphinx["nb_mime_priority_overrides"] = overrides + [
        ["singlehtml", mime, priority] for builder, mime, priority in overrides if builder == "html"]
    # A PDF has no search box, and no pages to link to one by one.
    sphinx.setdefault("html_theme_options", {}).update(use_download_button=False,
                                                      use_fullscreen_button=False)
    return config


def pdf_toc(toc: dict) -> dict:
    """The edition's table of contents with its chapters numbered."""
    if not isinstance(toc, dict) or "parts" not in toc:
        raise TypeError("toc must be a Jupyter Book table of contents with parts")
    toc = copy.deepcopy(toc)
    for part in toc["parts"]:
        if part.get("caption") in NUMBERED_PARTS:
            # The chapters' titles only: their sections carry the authors' own numbers
            # ("## 2. Percentiles, precisely"), and figures are numbered within the chapter.
            part["numbered"] = 1
    return toc


def build_html(edition: str = "book", *, root: Path = ROOT, output: Path | None = None,
               quiet: bool = False) -> Path:
    """Build the edition as one HTML page under `output` (_build/pdf/); return the page's path.

    `quiet` sends jupyter-book's output to build.log beside the page's folder instead of the
    terminal (the benchmarks use it); a failed build raises either way.
    """
    config_name, toc_name, _ = _edition(edition)
    out = Path(output or Path(root, "_build", "pdf"), edition)
    out.mkdir(parents=True, exist_ok=True)
    config = pdf_config(yaml.safe_load(Path(root, config_name).read_text(encoding="utf-8")), root)
    toc = pdf_toc(yaml.safe_load(Path(root, toc_name).read_text(encoding="utf-8")))
    (out / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    (out / "_toc.yml").write_text(yaml.safe_dump(toc, sort_keys=False), encoding="utf-8")
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", ".", "--builder", "singlehtml",
               "--config", str(out / "_config.yml"), "--toc", str(out / "_toc.yml"),
               "--path-output", str(out), "-W", "-n", "--keep-going"]
    if not quiet:
        subprocess.run(command, cwd=root, check=True)
    else:
        with open(out / "build.log", "w", encoding="utf-8") as log:
            done = subprocess.run(command, cwd=root, stdout=log, stderr=subprocess.STDOUT)
        if done.returncode != 0:
            raise RuntimeError(f"the singlehtml build of the {edition} edition failed: "
                               f"see {out / 'build.log'}")
    # singlehtml writes the whole book into the root document (JB adds index.html, a redirect).
    return out / "_build" / "singlehtml" / f"{toc['root']}.html"


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print the built page to `pdf` with Chromium, offline; return the PDF's path."""
    page, pdf = Path(page).resolve(), Path(pdf).resolve()
    if not page.is_file():
        raise FileNotFoundError(f"page must be a built HTML file; {page} does not exist")
    finder = str(ROOT / "tests" / "browser")  # chromium.py: the browser the checks use
    if finder not in sys.path:
        sys.path.insert(0, finder)
    from chromium import NO_BROWSER, find_chromium
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        raise RuntimeError(NO_BROWSER)
    build = page.parent.as_uri()
    blocked = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(build) or url.startswith("data:"):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-gpu", "--allow-file-access-from-files"])
        try:
            tab = browser.new_page()
            tab.route("**/*", route)
            tab.emulate_media(media="print")
            tab.goto(page.as_uri(), wait_until="load", timeout=PRINT_TIMEOUT_MS)
            tab.wait_for_function("document.documentElement.dataset.mlsysPrinted === 'yes'",
                                  timeout=PRINT_TIMEOUT_MS)
            pdf.parent.mkdir(parents=True, exist_ok=True)
            tab.pdf(path=str(pdf), format="A4", margin=MARGINS, print_background=True,
                    display_header_footer=True, header_template="<span></span>",
                    footer_template=FOOTER, outline=True, tagged=True)
        finally:
            browser.close()
    if blocked:
        raise RuntimeError(f"the page asked for {len(blocked)} files outside the build, "
                           f"such as {blocked[0]}: the printed edition must be self-contained")
    return pdf


def build_pdf(edition: str = "book", *, root: Path = ROOT, output: Path | None = None) -> Path:
    """Build the edition's PDF into `output` (default _build/pdf/); return its path."""
    _, _, name = _edition(edition)
    output = Path(output or Path(root, "_build", "pdf"))
    return print_pdf(build_html(edition, root=root, output=output), output / name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mlsys.pdf", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--student", action="store_true",
                        help="the student edition (no solutions, no instructor guide)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    pdf = build_pdf("student" if args.student else "book")
    print(f"{pdf.relative_to(ROOT)}: {pdf.stat().st_size / 1e6:.1f} MB "
          f"in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
