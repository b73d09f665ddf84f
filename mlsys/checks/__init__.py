"""Checks for the exercises: each prints a clear verdict and returns True or False.

A check never raises on a learner's answer. Whatever it is given (None, the wrong type or shape,
NaN, a function that crashes) it prints what is wrong and a hint, and returns False. Every
verdict starts with one line the grader reads::

    Task 2 · p99 SLO verdict — PASS
    Task 2 · p99 SLO verdict — FAIL
"""

from __future__ import annotations

import functools
import math
import re

#: The first line of every verdict; `mlsys.grade` parses it.
VERDICT_PATTERN = re.compile(r"^Task (?P<task>\S+) · (?P<title>.+) — (?P<result>PASS|FAIL)$")


class Fail(Exception):
    """Raised inside a check to stop it with a message and a hint for the learner."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def report(task: str, title: str, passed: bool, message: str, hint: str | None = None) -> bool:
    """Print a verdict in the book's format and return `passed`."""
    mark = "✅" if passed else "❌"
    lines = [f"Task {task} · {title} — {'PASS' if passed else 'FAIL'}", f"  {mark} {message}"]
    if hint and not passed:
        lines.append(f"  Hint: {hint}")
    print("\n".join(lines))
    return passed


def task(number: str, title: str):
    """Turn a function that raises `Fail` (or passes and returns a message) into a check.

    The decorated check prints a verdict and returns True/False; an unexpected error inside it
    (for example the learner's function crashing) becomes a FAIL that quotes the error.
    """

    def decorate(check):
        @functools.wraps(check)
        def run(*args, **kwargs) -> bool:
            try:
                message = check(*args, **kwargs)
            except Fail as failure:
                return report(number, title, False, failure.message, failure.hint)
            except Exception as error:  # a learner's answer must never crash a check
                return report(number, title, False,
                              f"Checking your answer raised {type(error).__name__}: {error}",
                              "Run your code on a small example and read the error message.")
            return report(number, title, True, message or "Correct.")

        run.task = (number, title)
        return run

    return decorate


def require_answer(value, name: str = "your answer"):
    """Fail when the answer is still the exercise's placeholder (None or Ellipsis)."""
    if value is None or value is Ellipsis:
        raise Fail(f"{name} is still None: nothing to check yet.",
                   "Replace None with your answer and run the cell again.")
    return value


def require_function(value, name: str):
    """Return `value` if it is the learner's function, else fail (still None, or not callable)."""
    require_answer(value, name)
    if not callable(value):
        raise Fail(f"{name} should be a function; got {type(value).__name__}.")
    return value


def require_returned(value, name: str, hint: str = "Write the body and end it with `return`."):
    """Return what the learner's function `name` returned, or fail if it returned None."""
    if value is None:
        raise Fail(f"{name} returned None: its body is not written yet, or it lacks a `return`.",
                   hint)
    return value


def require_number(value, name: str = "your answer") -> float:
    """Return `value` as a finite float, or fail with a message that says why it is not one."""
    require_answer(value, name)
    if isinstance(value, bool):
        raise Fail(f"{name} is a bool ({value}); a number was expected.")
    if isinstance(value, (str, bytes)):
        raise Fail(f"{name} is the text {value!r}; a number was expected.",
                   "Remove the quotes: 32 is a number, '32' is text.")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise Fail(f"{name} should be a number; got {type(value).__name__} {value!r}.") from None
    if not math.isfinite(number):
        raise Fail(f"{name} is {number}; a finite number was expected.",
                   "NaN often comes from an empty array or a division by zero.")
    return number


def require_bool(value, name: str = "your answer") -> bool:
    """Return `value` if it is a bool (numpy bools included), else fail."""
    require_answer(value, name)
    if type(value).__name__ not in ("bool", "bool_"):
        raise Fail(f"{name} should be True or False; got {type(value).__name__} {value!r}.",
                   "A comparison such as `a <= b` gives a bool.")
    return bool(value)


def require_key_ideas(text: str, key_ideas: dict, hint: str) -> str:
    """Return `text` if it mentions every idea of `key_ideas`, else fail naming the missing ones.

    `key_ideas` maps an idea, as the learner will read it, to the words that show it (lower case).
    A keyword test cannot judge an argument; it catches an answer that forgot a whole idea.
    """
    lowered = text.lower()
    missing = [idea for idea, words in key_ideas.items() if not any(w in lowered for w in words)]
    if missing:
        raise Fail("Your argument does not mention " + "; ".join(missing) + ".", hint)
    return text


def require_text(value, name: str = "your answer", min_words: int = 25) -> str:
    """Return `value` if it is a written answer of at least `min_words` words, else fail."""
    require_answer(value, name)
    if not isinstance(value, str):
        raise Fail(f"{name} should be text (a str); got {type(value).__name__}.")
    words = len(value.split())
    if words < min_words:
        raise Fail(f"{name} has {words} words; write at least {min_words} to make the argument.")
    return value
