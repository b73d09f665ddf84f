import math

import numpy as np
import pandas as pd
import pytest

from mlsys.checks import (REVIEW, VERDICT_PATTERN, Fail, close_at_precision, report, require_bool,
                          require_choice, require_function, require_number,
                          require_returned, require_sequence, require_text, task, written_task)


@task("9", "example task")
def check_positive(value):
    number = require_number(value)
    if number <= 0:
        raise Fail(f"{number} is not positive.", "Try a number above zero.")
    return f"{number} is positive."


def test_a_passing_check_prints_a_verdict_line_the_grader_reads(capsys):
    assert check_positive(3) is True
    first, message = capsys.readouterr().out.splitlines()
    match = VERDICT_PATTERN.match(first)
    assert match and (match["task"], match["title"], match["result"]) == ("9", "example task", "PASS")
    assert "3.0 is positive." in message


def test_a_failing_check_prints_message_and_hint_and_returns_false(capsys):
    assert check_positive(-1) is False
    out = capsys.readouterr().out
    assert "— FAIL" in out and "is not positive" in out and "Hint: Try a number above zero." in out


@pytest.mark.parametrize("answer", [None, ..., "three", "3", [1, 2], float("nan"), math.inf, True,
                                    np.array([1.0, 2.0])])
def test_checks_never_raise_on_wrong_types(answer, capsys):
    assert check_positive(answer) is False
    assert "— FAIL" in capsys.readouterr().out


def test_an_error_inside_the_learners_code_becomes_a_fail(capsys):
    @task("1", "calls your function")
    def check_function(function):
        return f"returned {function(1)}"

    assert check_function(lambda x: 1 / 0) is False
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_report_prints_no_hint_on_success(capsys):
    assert report("1", "t", True, "fine", hint="never shown") is True
    assert "Hint" not in capsys.readouterr().out


def test_require_bool_accepts_numpy_bools_and_refuses_numbers():
    assert require_bool(np.bool_(True)) is True
    with pytest.raises(Fail, match="True or False"):
        require_bool(1)


def test_require_function_and_require_returned_name_the_learners_function():
    assert require_function(len, "size") is len
    with pytest.raises(Fail, match="size is still None"):
        require_function(None, "size")
    with pytest.raises(Fail, match="size should be a function; got int"):
        require_function(3, "size")
    assert require_returned(0, "size") == 0  # a falsy answer is still an answer
    with pytest.raises(Fail, match="size returned None") as failure:
        require_returned(None, "size", "Return the count.")
    assert failure.value.hint == "Return the count."


def test_require_text_counts_words():
    assert require_text("one two three", min_words=3) == "one two three"
    with pytest.raises(Fail, match="2 words"):
        require_text("too short", min_words=3)
    with pytest.raises(Fail, match="still None"):
        require_text(None)


def test_a_learners_sys_exit_or_keyboard_interrupt_is_a_fail_not_an_escape(capsys):
    import sys

    @task("1", "calls your function")
    def check_function(function):
        return f"returned {function()}"

    def raises_interrupt():
        raise KeyboardInterrupt

    for learner in (lambda: sys.exit(3), lambda: exit(), raises_interrupt):
        assert check_function(learner) is False
    out = capsys.readouterr().out
    assert out.count("— FAIL") == 3 and "SystemExit 3" in out and "KeyboardInterrupt" in out


def test_a_real_interrupt_of_the_kernel_still_stops_a_check():
    import os
    import signal
    import time

    @task("1", "calls your function")
    def check_function(function):
        return f"returned {function()}"

    def slow():
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(5)

    with pytest.raises(KeyboardInterrupt):
        check_function(slow)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


@pytest.mark.parametrize("answer", [0.25, 1 / 4, np.float32(0.25), np.array([0.25]), [0.25],
                                    pd.Series([0.25], index=["difference"])])
def test_require_number_accepts_every_form_of_one_number(answer):
    assert require_number(answer) == 0.25


@pytest.mark.parametrize("answer", [[1, 2], (1, 2), np.array([1, 2]), pd.Series([1, 2])])
def test_require_sequence_accepts_lists_tuples_arrays_and_series(answer):
    assert require_sequence(answer, length=2) == (1, 2)
    assert require_sequence(answer, ordered=False) == frozenset({1, 2})


def test_require_sequence_refuses_text_sets_when_ordered_and_the_wrong_length():
    assert require_sequence({2, 1}, ordered=False) == frozenset({1, 2})
    for answer, message in [("12", "sequence"), ({"a": 1}, "sequence"), ({1, 2}, "no order"),
                            (5, "sequence"), (None, "still None")]:
        with pytest.raises(Fail, match=message):
            require_sequence(answer)
    with pytest.raises(Fail, match="has 3 items; the task asks for 2"):
        require_sequence([1, 2, 3], length=2)


def test_require_choice_accepts_any_spelling_of_a_choice_and_lists_them_otherwise():
    options = {"concept drift": ["P(Y|X) changes"], "label shift": ["prior shift"]}
    for spelt in ["concept drift", "Concept Drift", " concept-drift", "CONCEPT_DRIFT", "p(y|x) changes"]:
        assert require_choice(spelt, options) == "concept drift"
    assert require_choice("Prior shift", options) == "label shift"
    assert require_choice("b", ["a", "b"]) == "b"
    with pytest.raises(Fail, match="'covariate' is not one of the choices: 'concept drift', 'label shift'"):
        require_choice("covariate", options)
    with pytest.raises(Fail, match="text"):
        require_choice(3, options)


def test_close_at_precision_passes_every_rounding_of_the_exact_value():
    exact = 2.15 - 1e-15  # what a computation gives for 2.15
    assert all(close_at_precision(v, exact, 1) for v in (2.1, 2.2, 2.15, exact))
    assert not any(close_at_precision(v, exact, 1) for v in (2.0, 2.3, 2.26))
    assert close_at_precision(1264, 1264.4, 0) and not close_at_precision(1266, 1264.4, 0)
    with pytest.raises(ValueError, match="decimals"):
        close_at_precision(1, 1, -1)


def test_a_written_argument_is_reviewed_with_its_rubric_never_passed_or_failed_by_keywords(capsys):
    check = written_task("5b", "your argument", rubric=["names the tail", "weighs the cost"],
                         model_answer="Take the p99.", min_words=20)
    assert check.task == ("5b", "your argument")
    argued = ("I would put the objective on the p99, because the slowest requests belong to the "
              "users with the longest histories, and the cost of a slow page falls on them.")
    assert check(argued) == REVIEW
    out = capsys.readouterr().out
    first = out.splitlines()[0]
    assert VERDICT_PATTERN.match(first)["result"] == "REVIEW"
    assert "- names the tail" in out and "Model answer, in short: Take the p99." in out
    for unwritten in [None, 3, "too short to count", " ".join(["p99 tail users cost"] * 20)]:
        assert check(unwritten) is False
    assert capsys.readouterr().out.count("— FAIL") == 4


def test_a_written_task_needs_a_rubric_and_a_model_answer():
    with pytest.raises(ValueError, match="rubric"):
        written_task("1", "t", rubric=[], model_answer="x")
    with pytest.raises(ValueError, match="model_answer"):
        written_task("1", "t", rubric=["a point"], model_answer=" ")


def test_require_own_code_finds_a_forbidden_function_however_it_is_reached():
    from mlsys.checks import require_own_code

    def own(values):
        return sorted(values)[len(values) // 2]

    def called(values):
        return np.percentile(values, 50)

    def aliased(values):
        f = np.median
        return f(values)

    def imported(values):
        from numpy import percentile
        return percentile(values, 50)

    require_own_code(own, "median_of", ["percentile", "median", "quantile"])
    require_own_code(len, "len", ["percentile"])  # no source to read: nothing claimed
    for learner in (called, aliased, imported):
        with pytest.raises(Fail, match="which the task asks you not to use"):
            require_own_code(learner, "median_of", ["percentile", "median", "quantile"])


def test_a_written_argument_that_misbehaves_fails_instead_of_escaping(capsys):
    import sys

    class Exits(str):
        def split(self, *args):
            sys.exit(1)

    check = written_task("5b", "your argument", rubric=["a point"], model_answer="An answer.",
                         min_words=3)
    assert check(Exits("a long enough argument here")) is False
    assert "— FAIL" in capsys.readouterr().out
