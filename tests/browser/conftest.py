"""Fixtures of the browser checks: the built site served on 127.0.0.1, and Chromium.

The site is MLSYS_SITE_DIR, by default <repository>/_build/html. Build it first:
    .venv/bin/npm ci && jupyter-book build . -W -n --keep-going
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from chromium import NO_BROWSER, find_chromium

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("MLSYS_SITE_DIR", ROOT / "_build" / "html")).resolve()
NOT_BUILT = "build the site first: jupyter-book build . -W -n --keep-going"
# Root needs --no-sandbox; the others stop Chromium's own traffic (updates, sync, trials...).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"]


def site_pages():
    """The book's pages: the documents Sphinx built (the toc's files), listed in searchindex.js."""
    index = SITE / "searchindex.js"
    if not index.is_file():
        return []
    text = index.read_text(encoding="utf-8")  # Search.setIndex({... "docnames": [...] ...})
    return json.loads(text[text.index("(") + 1:text.rindex(")")])["docnames"]


def pytest_generate_tests(metafunc):
    """One test per page, named after it; an unbuilt site gives one test that says so. A test
    class with a `deal` of 0 or 1 takes every other page, starting there."""
    if "page" in metafunc.fixturenames:
        pages = site_pages() or ["(site not built)"]
        deal = getattr(metafunc.cls, "deal", None)
        if deal is not None:
            pages = pages[deal::2] or pages[:1]
        metafunc.parametrize("page", pages)


@pytest.fixture(scope="session")
def screenshot_dir():
    path = ROOT / "tests" / "artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def site_url():
    """The built site, served by python -m http.server on a free port of 127.0.0.1."""
    if not (SITE / "searchindex.js").is_file():
        pytest.fail(NOT_BUILT, pytrace=False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", str(port), "--directory", SITE],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail(f"python -m http.server did not answer on {url}", pytrace=False)
    yield url
    server.terminate()
    server.wait()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium: one already on the machine, else Playwright's own (chromium.py)."""
    from playwright.sync_api import sync_playwright

    executable = find_chromium()
    if executable is None:
        pytest.fail(NO_BROWSER, pytrace=False)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
