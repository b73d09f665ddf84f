"""The book's style helpers: counts that agree with their noun in every title and message."""

import numpy as np
import pytest

from mlsys.style import format_count


@pytest.mark.parametrize("count, noun, plural, text", [
    (0, "tree", None, "0 trees"), (1, "tree", None, "1 tree"), (2, "tree", None, "2 trees"),
    (1, "leaf", "leaves", "1 leaf"), (3_100, "leaf", "leaves", "3,100 leaves"),
    (np.int64(1), "case", None, "1 case"), (1.0, "point", None, "1 point"),
    (1.2, "prediction", None, "1 prediction"), (1.6, "prediction", None, "2 predictions"),
    (-1, "point", None, "-1 point"), (20_000, "request", None, "20,000 requests"),
    (1, "window is", "windows are", "1 window is"), (3, "window is", "windows are", "3 windows are"),
])
def test_a_count_agrees_with_its_noun_as_the_reader_sees_the_number(count, noun, plural, text):
    assert format_count(count, noun, plural) == text


@pytest.mark.parametrize("args, error, name", [
    ((None, "tree"), TypeError, "count"), (("3", "tree"), TypeError, "count"),
    ((float("nan"), "tree"), ValueError, "count"), ((True, "tree"), TypeError, "count"),
    ((2, ""), TypeError, "noun"), ((2, None), TypeError, "noun"), ((2, "leaf", 3), TypeError, "plural"),
])
def test_bad_input_names_the_parameter(args, error, name):
    with pytest.raises(error, match=name):
        format_count(*args)


def test_a_measured_number_reads_as_usual_and_only_it_is_masked_by_the_sanitizer():
    import re
    from pathlib import Path

    from mlsys.style import measured

    assert measured(1.2345, "ms", ".3f") == "1.234\u202fms"
    assert measured(12_345.6, "requests/s", ">9,.0f") == "   12,346\u202frequests/s"
    lines = Path(__file__).with_name("sanitize.cfg").read_text(encoding="utf-8").splitlines()
    rules = [(a.split(": ", 1)[1], b.split(": ", 1)[1])
             for a, b in zip(lines, lines[1:]) if a.startswith("regex:")]
    text = f"p50 {measured(3.21, 'ms')}, 3.21 ms from the book's own formula"
    for regex, replace in rules:
        text = re.sub(regex, replace, text)
    assert text == "p50 MEASURED ms, 3.21 ms from the book's own formula"


@pytest.mark.parametrize("args, error, name", [
    ((None, "ms"), TypeError, "value"), ((float("inf"), "ms"), ValueError, "value"),
    ((1.0, "km"), ValueError, "unit"), ((1.0, "ms", "q"), ValueError, "spec"),
])
def test_measured_names_the_bad_parameter(args, error, name):
    from mlsys.style import measured

    with pytest.raises(error, match=name):
        measured(*args)
