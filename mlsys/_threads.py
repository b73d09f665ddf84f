"""One thread for the book's small models: the same numbers, often far sooner.

The chapters fit small models. Their BLAS and OpenMP threads spend more time starting and
waiting for each other than working, most of all on a machine whose cores are busy (a fit
10-50 times slower, measured on two shared cores). `one_thread` limits them to one thread;
`single_threaded` does it for a whole function. One controller lists the loaded libraries
once: ``threadpool_limits`` looks for them again on every call (3-4 ms, more than a small fit).
"""

from __future__ import annotations

import functools

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller() -> ThreadpoolController:
    return ThreadpoolController()


def one_thread():
    """A context in which BLAS and OpenMP run on one thread."""
    return _controller().limit(limits=1)


def single_threaded(function):
    """Decorate `function` to run within `one_thread`."""
    @functools.wraps(function)
    def run(*args, **kwargs):
        with one_thread():
            return function(*args, **kwargs)
    return run
