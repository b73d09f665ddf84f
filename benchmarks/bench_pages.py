"""Bytes each page of the built site makes a browser download, measured in Chromium.

Reuses the browser checks' Chromium options and widget-drawing wait (tests/browser). Each page
loads in a fresh browser context (empty cache) from a server on 127.0.0.1, every widget drawn.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import re
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
# Files every page with widgets or maths loads, the same for all pages: the widget renderer,
# require.js and MathJax, served from _static/ (see _site/mlsys_site.py).
SHARED = ("/_static/html-manager/", "/_static/require.js", "/_static/mathjax/")
# Images inside the HTML: data: URLs, and PNG/JPEG bytes in base64 (an ipywidgets Image keeps
# its value as a base64 buffer in the widget state; PNG starts "iVBORw0KGgo", JPEG "/9j/").
EMBEDDED_IMAGE = re.compile(rb"(?:data:image/[a-z+.-]+;base64,"
                            rb"|(?<![A-Za-z0-9+/])(?=iVBORw0KGgo|/9j/))[A-Za-z0-9+/=]+")


def _load(name, path):
    if str(path.parent) not in sys.path:  # test_site.py imports its conftest.py
        sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def page_weight(responses, html: bytes) -> dict:
    """Sum `responses` (Playwright responses of one page load) into the page's byte counts."""
    weight = {"total": 0, "html": 0, "images": 0, "embedded_images": 0, "scripts": 0,
              "scripts_beyond_shared": 0, "shared": 0, "requests": 0}
    for response in responses:
        size = len(response.body()) if response.ok else 0
        kind = response.request.resource_type
        shared = urlparse(response.url).path.startswith(SHARED)
        weight["total"] += size
        weight["requests"] += 1
        weight["html"] += size if kind == "document" else 0
        weight["images"] += size if kind == "image" else 0
        weight["scripts"] += size if kind == "script" else 0
        weight["scripts_beyond_shared"] += size if kind == "script" and not shared else 0
        weight["shared"] += size if shared else 0
    weight["embedded_images"] = sum(len(m) for m in EMBEDDED_IMAGE.findall(html))
    weight["images"] += weight["embedded_images"]
    weight["beyond_shared"] = weight["total"] - weight["shared"]
    weight["images_and_scripts"] = weight["images"] + weight["scripts_beyond_shared"]
    return weight


def measure_pages(site: Path) -> dict:
    """``{page: byte counts}`` for every page of the site built in `site` (its _build/html)."""
    from playwright.sync_api import sync_playwright

    conftest = _load("browser_conftest", ROOT / "tests" / "browser" / "conftest.py")
    checks = _load("browser_checks", ROOT / "tests" / "browser" / "test_site.py")
    conftest.SITE = Path(site).resolve()
    handler = functools.partial(_QuietHandler, directory=str(conftest.SITE))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    pages = {}
    try:
        with sync_playwright() as playwright:
            candidates = [playwright.chromium.executable_path, "/usr/bin/chromium"]
            executable = next((c for c in candidates if c and Path(c).is_file()), None)
            if executable is None:
                raise RuntimeError(conftest.NO_CHROMIUM)
            browser = playwright.chromium.launch(executable_path=executable,
                                                 args=conftest.CHROMIUM_ARGS)
            for page in conftest.site_pages():
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route("**/*", lambda route: route.continue_()
                              if urlparse(route.request.url).hostname == "127.0.0.1"
                              else route.abort())
                tab = context.new_page()
                responses = []
                tab.on("response", lambda response: responses.append(response))
                document = tab.goto(f"{url}{page}.html", wait_until="load")
                widgets = tab.evaluate(checks.COUNT_WIDGETS_JS)
                tab.wait_for_function(checks.DRAWN_JS, arg=widgets, timeout=60_000)
                tab.wait_for_load_state("networkidle")
                pages[page] = page_weight(responses, document.body())
                context.close()
                p = pages[page]
                print(f"  {page:<36} total {p['total'] / 1e6:5.2f} MB, html {p['html'] / 1e6:5.2f}"
                      f" MB, images {p['images'] / 1e6:5.2f} MB, scripts "
                      f"{p['scripts'] / 1e6:5.2f} MB ({p['scripts_beyond_shared'] / 1e6:5.2f} "
                      f"beyond the shared renderer), beyond shared {p['beyond_shared'] / 1e6:5.2f}"
                      f" MB, images + scripts beyond shared "
                      f"{p['images_and_scripts'] / 1e6:5.2f} MB", flush=True)
            browser.close()
    finally:
        server.shutdown()
    return pages
