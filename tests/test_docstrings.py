"""Every Examples section in the package runs as written."""

import doctest
import importlib
import pkgutil

import matplotlib
import pytest

import mlsys

matplotlib.use("Agg")
MODULES = sorted(info.name for info in pkgutil.walk_packages(mlsys.__path__, "mlsys."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name))
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
