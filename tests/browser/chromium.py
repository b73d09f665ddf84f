"""The browser the checks drive: one already on the machine, else Playwright's own.

``python tests/browser/chromium.py`` (the first step of ``make test``) prints the one it finds;
when there is none it runs ``python -m playwright install chromium`` (a download of about
170 MB into Playwright's cache, ~/.cache/ms-playwright on Linux) and, if that fails too, stops
with one line that says what to install.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

# Names of a Chromium or Chrome on the PATH, in the order they are tried.
ON_THE_MACHINE = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = ("no Chromium for the browser checks: install Debian's (sudo apt-get install "
              "chromium), or let `python -m playwright install chromium` download Playwright's")


def playwright_chromium() -> str | None:
    """The path of Playwright's downloaded Chromium, if it has been downloaded."""
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # Playwright missing or broken: then it has no browser to offer
        return None
    return path if path and Path(path).is_file() else None


def find_chromium() -> str | None:
    """A Chromium or Chrome already on the machine, else Playwright's own, else None."""
    for name in ON_THE_MACHINE:
        path = shutil.which(name)
        if path:
            return path
    return playwright_chromium()


def main() -> int:
    path = find_chromium()
    if path is None:
        print("No Chromium found; downloading Playwright's (python -m playwright install chromium)",
              flush=True)
        subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        path = find_chromium()
    if path is None:
        print(NO_BROWSER, file=sys.stderr)
        return 1
    print(f"browser checks: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
