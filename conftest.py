"""pytest's set-up for the whole book.

- The notebooks' kernels (strict nbval) start with the same BLAS kernels on every CPU, as
  `mlsys.notebooks.execute` ran them when their outputs were stored.
- A run that includes the browser checks stops before it starts, with one line, when the
  machine has no Chromium (tests/browser/chromium.py says where one comes from).
"""

import sys
from pathlib import Path

import pytest

from mlsys.notebooks import pin_blas_kernels

BROWSER_TESTS = Path(__file__).resolve().parent / "tests" / "browser"

pin_blas_kernels()


def pytest_configure(config):
    if hasattr(config, "workerinput"):  # a pytest-xdist worker: the controller checked already
        return
    paths = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    if not any(path == BROWSER_TESTS or path in BROWSER_TESTS.parents
               or BROWSER_TESTS in path.parents for path in paths):
        return
    sys.path.insert(0, str(BROWSER_TESTS))
    from chromium import NO_BROWSER, find_chromium

    if find_chromium() is None:
        pytest.exit(NO_BROWSER, returncode=4)
