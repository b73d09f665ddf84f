"""Checks for the exercises: each prints a clear verdict and returns True or False.

A check never raises on a learner's answer. Whatever it is given (None, the wrong type or shape,
NaN, a function that crashes or calls ``sys.exit``) it prints what is wrong and a hint, and
returns False. Every verdict starts with one line a reader (and `mlsys.exercises`) can find::

    Task 2 · p99 SLO verdict — PASS
    Task 2 · p99 SLO verdict — FAIL
    Task 5b · your argument — REVIEW

REVIEW is the verdict of a written argument (`written_task`): a machine confirms it is written and
shows the rubric; a person grades it. The grade itself never comes from printed lines: the grader
calls the checks afresh (`mlsys.evaluation`).

Answers come in many correct forms. The ``require_`` helpers accept them the same way in every
check: a number may be an int, a float, a numpy scalar or a one-element array or Series; a
sequence may be a list, a tuple, an array or a Series; a choice may be spelt in any case, with
hyphens, underscores or extra spaces.
"""

from __future__ import annotations

import ast
import functools
import inspect
import math
import textwrap
import re
import signal
import threading
from collections.abc import Mapping

#: The first line of every verdict: `mlsys.exercises` lists a solution's tasks from it; grades
#: never come from it.
VERDICT_PATTERN = re.compile(r"^Task (?P<task>\S+) · (?P<title>.+) — (?P<result>PASS|FAIL|REVIEW)$")
REVIEW = "REVIEW"


class Reviewed(str):
    """What a check returns for an answer a person grades: its message, and the verdict REVIEW."""


class Fail(Exception):
    """Raised inside a check to stop it with a message and a hint for the learner."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


def report(task: str, title: str, passed, message: str, hint: str | None = None):
    """Print a verdict in the book's format and return `passed` (True, False or ``REVIEW``)."""
    result, mark = {True: ("PASS", "✅"), False: ("FAIL", "❌"), REVIEW: (REVIEW, "📝")}[passed]
    lines = [f"Task {task} · {title} — {result}", f"  {mark} {message}"]
    if hint and passed is False:
        lines.append(f"  Hint: {hint}")
    print("\n".join(lines))
    return passed


class _KernelInterrupt:
    """Tells a real interrupt of the kernel (SIGINT) from a KeyboardInterrupt raised by code.

    Inside the block, SIGINT sets `happened` before raising as usual, so a check can let a real
    interrupt through and turn a learner's ``raise KeyboardInterrupt`` into a FAIL. Off the main
    thread, where no handler can be set, every KeyboardInterrupt counts as real.
    """

    def __enter__(self):
        self.happened = False
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            def interrupted(signum, frame):
                self.happened = True
                raise KeyboardInterrupt
            self.previous = signal.signal(signal.SIGINT, interrupted)
        else:
            self.happened = True
        return self

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False


def task(number: str, title: str):
    """Turn a function that raises `Fail` (or passes and returns a message) into a check.

    The decorated check prints a verdict and returns True/False (``REVIEW`` when the function
    returns a `Reviewed` message); an unexpected error inside it (for example the learner's
    function crashing, or calling ``sys.exit``) becomes a FAIL that quotes the error.
    """

    def decorate(check):
        @functools.wraps(check)
        def run(*args, **kwargs) -> bool:
            with _KernelInterrupt() as interrupt:
                try:
                    message = check(*args, **kwargs)
                except Fail as failure:
                    return report(number, title, False, failure.message, failure.hint)
                except KeyboardInterrupt:
                    if interrupt.happened:
                        raise
                    return report(number, title, False,
                                  "Your code raised KeyboardInterrupt while it was checked.",
                                  "Remove the raise (or the call that stops the program).")
                except SystemExit as error:  # sys.exit(), exit(), quit() in a learner's function
                    return report(number, title, False,
                                  f"Your code tried to stop the program (SystemExit {error.code!r}).",
                                  "A function should return its answer, not call sys.exit().")
                except Exception as error:  # a learner's answer must never crash a check
                    return report(number, title, False,
                                  f"Checking your answer raised {type(error).__name__}: {error}",
                                  "Run your code on a small example and read the error message.")
            if isinstance(message, Reviewed):
                return report(number, title, REVIEW, str(message))
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


def _single_item(value):
    """The one element of a one-element array, Series or list; otherwise `value` itself."""
    size = getattr(value, "size", None)
    if not isinstance(value, (str, bytes)) and hasattr(value, "__len__") and \
            (size == 1 or (size is None and len(value) == 1)):
        try:
            return value.item() if hasattr(value, "item") else next(iter(value))
        except (TypeError, ValueError):
            return value
    return value


def require_own_code(function, name: str, forbidden) -> None:
    """Fail if the learner's `function` uses any of the names `forbidden` (a task's "don't call").

    Reads the function's source (Jupyter keeps it for functions defined in cells) and looks for
    each name as a function or attribute, called or not, so ``np.percentile(...)``,
    ``from numpy import percentile`` inside the body and ``f = np.percentile`` are all caught.
    Where the source cannot be read (a built-in, say), nothing is claimed and the check goes on.
    A lambda's source is its whole line, so a lambda written inside the check call is read with
    the call: keep names of that line (``checks``) out of `forbidden`.
    """
    forbidden = set(forbidden)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError, IndentationError):
        return
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in forbidden:
            used.add(node.id)
        elif isinstance(node, ast.Attribute) and node.attr in forbidden:
            used.add(node.attr)
        elif isinstance(node, ast.alias) and node.name.split(".")[-1] in forbidden:
            used.add(node.name.split(".")[-1])
    if used:
        raise Fail(f"{name} uses {', '.join(sorted(used))}, which the task asks you not to use.",
                   "Write that step yourself: the point of the task is to see how it works.")


def require_number(value, name: str = "your answer") -> float:
    """Return `value` as a finite float, or fail with a message that says why it is not one.

    An int, a float, a numpy scalar, and a one-element array, list or pandas Series (what
    fairlearn's ``MetricFrame.difference()`` returns) are all numbers.
    """
    require_answer(value, name)
    value = _single_item(value)
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
    """Return `value` if it is a bool (numpy bools, one-element arrays of one included), else fail."""
    require_answer(value, name)
    value = _single_item(value)
    if type(value).__name__ not in ("bool", "bool_"):
        raise Fail(f"{name} should be True or False; got {type(value).__name__} {value!r}.",
                   "A comparison such as `a <= b` gives a bool.")
    return bool(value)


def require_text(value, name: str = "your answer", min_words: int = 25) -> str:
    """Return `value` if it is a written answer of at least `min_words` words, else fail."""
    require_answer(value, name)
    if not isinstance(value, str):
        raise Fail(f"{name} should be text (a str); got {type(value).__name__}.")
    words = len(value.split())
    if words < min_words:
        raise Fail(f"{name} has {words} words; write at least {min_words} to make the argument.")
    return value


def require_sequence(value, name: str = "your answer", *, length: int | None = None,
                     ordered: bool = True):
    """Return `value`'s items as a tuple (a frozenset if not `ordered`), or fail.

    A list, a tuple, a numpy array, a pandas Series or Index, and (where order does not matter) a
    set are all sequences; text and dicts are not. `length`, if given, is the number of items the
    task asks for.
    """
    require_answer(value, name)
    if isinstance(value, (str, bytes, Mapping)):
        raise Fail(f"{name} should be a sequence of values (a list or tuple); got "
                   f"{type(value).__name__} {value!r}.")
    if isinstance(value, (set, frozenset)) and ordered:
        raise Fail(f"{name} is a set, which has no order; give a list or tuple in order.")
    tolist = getattr(value, "tolist", None)
    try:
        items = tuple(tolist() if callable(tolist) else value)
    except TypeError:
        raise Fail(f"{name} should be a sequence of values (a list or tuple); got "
                   f"{type(value).__name__}.") from None
    if length is not None and len(items) != length:
        raise Fail(f"{name} has {len(items)} item{'' if len(items) == 1 else 's'}; "
                   f"the task asks for {length}.")
    return items if ordered else frozenset(items)


def _spelling(text: str) -> str:
    return " ".join(re.sub(r"[-_]+", " ", text.strip().lower()).split())


def require_choice(value, options, name: str = "your answer") -> str:
    """Return which of `options` the answer names, or fail listing them.

    `options` is a list of choices, or a dict from each choice to other spellings a learner may
    use (the task text's own words among them). Case, hyphens, underscores and extra spaces do not
    matter: "Concept drift", "concept-drift" and "concept_drift " all name "concept drift".
    """
    require_answer(value, name)
    choices = options if isinstance(options, Mapping) else {option: () for option in options}
    if not isinstance(value, str):
        raise Fail(f"{name} should be one of {', '.join(map(repr, choices))} (text); got "
                   f"{type(value).__name__} {value!r}.")
    spelt = _spelling(value)
    for choice, others in choices.items():
        if spelt in {_spelling(str(choice)), *map(_spelling, others)}:
            return choice
    raise Fail(f"{value!r} is not one of the choices: {', '.join(map(repr, choices))}.",
               "Copy one of the choices as the task writes it.")


def close_at_precision(value: float, exact: float, decimals: int) -> bool:
    """True when `value` is `exact` given to `decimals` decimals, however it was rounded.

    Anything within half a unit of the last decimal passes, so for an exact 2.15 at one decimal
    both 2.1 and 2.2 pass (and 2.15 itself), while 2.0 and 2.3 do not.
    """
    if isinstance(decimals, bool) or not isinstance(decimals, int) or decimals < 0:
        raise ValueError(f"decimals must be a whole number >= 0, got {decimals!r}")
    half_unit = 0.5 * 10.0 ** -decimals
    return abs(float(value) - float(exact)) <= half_unit * (1 + 1e-9) + 1e-12


def written_task(number: str, title: str, *, rubric, model_answer: str, min_words: int = 40):
    """A check for a written argument: it confirms the argument is written, then shows the rubric.

    A machine does not grade an argument. The check fails an answer that is still the placeholder,
    is not text, is shorter than `min_words` words, or mostly repeats a few words; otherwise it
    prints the points a good answer makes (`rubric`) and the model answer in short, and returns
    ``REVIEW``: a person grades it (the grader counts it apart from automatic tasks).

    Returns a check taking the learner's text, as `task` does.
    """
    rubric = tuple(rubric)
    if not rubric or not all(isinstance(point, str) and point.strip() for point in rubric):
        raise ValueError("rubric must be a non-empty list of the points a good answer makes")
    if not isinstance(model_answer, str) or not model_answer.strip():
        raise ValueError("model_answer must be the model answer's key sentences (text)")

    @task(number, title)
    def check(text):
        require_text(text, "your argument", min_words=min_words)
        text = str.__str__(text)  # the text itself, whatever str subclass it came in
        words = [w.strip(".,;:!?()\"'").lower() for w in text.split()]
        if len(set(words)) < 0.5 * len(words):
            raise Fail("Your argument repeats the same few words; write it as sentences.",
                       "Say what you decide and why, in your own words.")
        lines = [f"Written ({len(words)} words). A person grades it; compare it with "
                 "the points a good answer makes:"]
        lines += [f"  - {point}" for point in rubric]
        lines.append(f"Model answer, in short: {model_answer.strip()}")
        return Reviewed("\n  ".join(lines))

    check.review = True
    return check
