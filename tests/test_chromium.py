"""Where the browser checks get their Chromium, and the one line a machine without one gets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from chromium import NO_BROWSER, find_chromium  # noqa: E402


def fake_program(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 1\n")
    path.chmod(0o755)
    return path


def test_a_browser_on_the_path_comes_first_in_the_documented_order(tmp_path, monkeypatch):
    chrome = fake_program(tmp_path, "google-chrome")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_chromium() == str(chrome)
    chromium = fake_program(tmp_path, "chromium")
    assert find_chromium() == str(chromium)


def test_without_any_browser_the_run_stops_with_one_line(tmp_path):
    env = {**os.environ, "PATH": str(tmp_path), "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "tests/browser"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 4, run.stdout + run.stderr
    assert NO_BROWSER in run.stdout + run.stderr
    assert "Traceback" not in run.stdout + run.stderr and "test_page" not in run.stdout
