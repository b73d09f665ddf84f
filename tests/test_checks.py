import math

import numpy as np
import pytest

from mlsys.checks import (VERDICT_PATTERN, Fail, report, require_bool, require_function,
                          require_key_ideas, require_number, require_returned, require_text, task)


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


def test_require_key_ideas_names_each_missing_idea():
    ideas = {"the tail (p99, tail)": ("p99", "tail"), "the users (user)": ("user",)}
    assert require_key_ideas("The P99 hurts every user.", ideas, "hint") == "The P99 hurts every user."
    with pytest.raises(Fail, match=r"does not mention the users \(user\)") as failure:
        require_key_ideas("The tail is long.", ideas, "Say who pays.")
    assert failure.value.hint == "Say who pays."
