"""The site's JavaScript is installed by the environment's own npm, whatever the PATH holds.

The Makefile's npm step runs in a copy of the book's package files with a `node` and an `npm`
that only fail first on the PATH; it must still install the packages. It runs `npm ci --offline`
from npm's cache, which `make book` filled, so the test makes no request.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV = Path(sys.prefix)


def failing_program(folder: Path, name: str) -> None:
    path = folder / name
    path.write_text(f'#!/bin/sh\necho "the PATH\'s {name} was run" >&2\nexit 1\n')
    path.chmod(0o755)


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_the_book_installs_its_javascript_with_the_environments_npm(tmp_path):
    fake = tmp_path / "bin"
    fake.mkdir()
    for name in ("node", "npm", "npx"):
        failing_program(fake, name)
    book = tmp_path / "book"
    book.mkdir()
    for name in ("package.json", "package-lock.json"):
        shutil.copy2(ROOT / name, book / name)
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    run = subprocess.run(
        # -o: the environment is taken as set up; never re-install it from the copy
        ["make", "-f", str(ROOT / "Makefile"), "-C", str(book), f"VENV={VENV}",
         "-o", f"{VENV}/.installed",
         "NPM_FLAGS=--offline", "node_modules/.package-lock.json"],
        env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "the PATH's" not in run.stdout + run.stderr
    assert (book / "node_modules" / "@jupyter-widgets" / "html-manager" / "dist").is_dir()
