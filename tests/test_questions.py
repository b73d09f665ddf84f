"""Predictions and self-checks (mlsys.questions): their feedback, their forms, their cells."""

import html
import json
import re

import nbformat
import pytest

from mlsys.questions import (END_MARKER, is_question_cell, predict, present_question_cells,
                             self_check)


def number_prediction():
    return predict("fanout-10", "Share of requests to 10 servers that meet a slow one?",
                   unit="%", answer=9.6, result="9.6%: 1 − 0.99¹⁰.")


def choice_prediction(answer=2):
    return predict("p99-ratio", "Is the p99 ten times slower?",
                   choices=["Yes", "Less", "The means cannot tell"], answer=answer,
                   result="The tail belongs to the *run*.")


def choice_check():
    return self_check("skew", 1, "Mean 390 ms, median 100 ms: what can you say?",
                      choices=[("Most took 390 ms", "The mean describes no request."),
                               ("It is skewed", "Right: one slow request pulls the mean up."),
                               ("It is broken", "Nothing is broken: tails are normal.")],
                      answer=1, explanation="The median is the typical request.")


def number_check():
    return self_check("fanout-50", 4, "50 servers slow 2% of the time each: share slow?",
                      answer=63.6, tolerance=1, unit="%",
                      mistakes={100: "50 × 2% counts twice the requests that meet two."},
                      explanation="1 − 0.98⁵⁰ ≈ 0.636.")


def test_a_number_prediction_puts_the_guess_beside_the_result():
    q = number_prediction()
    assert q.feedback("20") == "You said 20%. Here: 9.6%. 9.6%: 1 − 0.99¹⁰."
    assert q.feedback(" 12,5 % ").startswith("You said 12,5%.")
    assert q.feedback("") == q.feedback("ten") == q.feedback(None) == "Enter a number first."


def test_a_choice_prediction_says_whether_the_reader_had_it():
    q = choice_prediction()
    assert q.feedback(2) == "You said: The means cannot tell. You had it. The tail belongs to the run."
    assert q.feedback("0").startswith("You said: Yes. Not this time: The means cannot tell.")
    assert q.feedback(7) == q.feedback(None) == "Choose one of the answers first."
    open_question = choice_prediction(answer=None)
    assert open_question.feedback(1) == "You said: Less. Here: The tail belongs to the run."


def test_a_choice_self_check_explains_each_answer():
    q = choice_check()
    assert q.feedback(0) == "Not quite. The mean describes no request."
    assert q.feedback(1) == "Right. Right: one slow request pulls the mean up."
    assert q.feedback(2) == "Not quite. Nothing is broken: tails are normal."
    assert q.reveal() == "The answer: It is skewed. The median is the typical request."


@pytest.mark.parametrize("typed, said", [
    ("63.6", "Right. 1 − 0.98⁵⁰ ≈ 0.636."), ("63", "Right. 1 − 0.98⁵⁰ ≈ 0.636."),
    ("64,5", "Right. 1 − 0.98⁵⁰ ≈ 0.636."), (63.6, "Right. 1 − 0.98⁵⁰ ≈ 0.636."),
    ("100", "Not quite. 50 × 2% counts twice the requests that meet two."),
    ("100 %", "Not quite. 50 × 2% counts twice the requests that meet two."),
    ("2", "Not quite: 2% is too low."), ("1,000", "Not quite: 1,000% is too high."),
    ("1_000", "Enter a number first."), ("nan", "Enter a number first."),
])
def test_a_number_self_check_tells_right_a_classic_mistake_and_a_direction(typed, said):
    assert number_check().feedback(typed) == said


def test_the_website_form_carries_what_the_script_needs_and_escapes_the_text():
    q = predict("tags", "Is <b> a tag & an *emphasis*?", choices=["yes", "no"], answer=0,
                result="`<b>` is a tag.")
    form = q.to_html()
    assert "<b>" not in form.replace("&lt;b&gt;", "")
    assert "<em>emphasis</em>" in form and 'type="radio"' in form
    spec = json.loads(html.unescape(re.search(r'data-spec="([^"]*)"', form).group(1)))
    assert spec["responses"][0] == ("You said: yes. You had it. <code>&lt;b&gt;</code> is a tag.")
    check = number_check().spec()
    assert (check["objective"], check["answer"], check["tolerance"], check["answer_text"]) == \
        (4, 63.6, 1.0, "63.6%")
    assert 'inputmode="decimal"' in number_check().to_html()


def test_jupyter_shows_a_widget_with_the_same_feedback_and_the_site_its_form():
    q = choice_check()
    bundle = q._repr_mimebundle_()
    assert {"text/plain", "text/html", "application/vnd.jupyter.widget-view+json"} <= set(bundle)
    assert bundle["text/plain"].startswith("Self-check (objective 1): Mean 390 ms")
    box = q.widget()
    choices, (check, show), out = box.children[1], box.children[2].children, box.children[3]
    choices.value = 0
    check.click()
    assert q.feedback(0) in html.unescape(re.sub("<[^>]+>", "", out.value))
    show.click()
    assert "The answer: It is skewed." in out.value


@pytest.mark.parametrize("make, error, name", [
    (lambda: predict("Bad Id", "q?", unit="%", answer=1, result="r"), ValueError, "id"),
    (lambda: predict("a", "", unit="%", answer=1, result="r"), TypeError, "question"),
    (lambda: predict("a", "q?", unit="%", answer=None, result="r"), TypeError, "answer"),
    (lambda: predict("a", "q?", choices=["x"], answer=0, result="r"), ValueError, "choices"),
    (lambda: predict("a", "q?", choices=["x", "y"], answer=2, result="r"), ValueError, "answer"),
    (lambda: predict("a", "q?", unit="%", answer=1, result=None), TypeError, "result"),
    (lambda: self_check("a", 0, "q?", answer=1, explanation="e"), ValueError, "objective"),
    (lambda: self_check("a", 1, "q?", choices=["x", "y"], answer=0, explanation="e"),
     ValueError, "choices"),
    (lambda: self_check("a", 1, "q?", answer=1, tolerance=-1, explanation="e"),
     ValueError, "tolerance"),
    (lambda: self_check("a", 1, "q?", answer=1, tolerance=1, mistakes={1.5: "m"},
                        explanation="e"), ValueError, "mistakes"),
    (lambda: self_check("a", 1, "q?", choices=[("x", "f"), ("y", "g")], answer=0,
                        tolerance=1, explanation="e"), ValueError, "tolerance"),
    (lambda: self_check("a", 1, "q?", answer=1, explanation=""), TypeError, "explanation"),
])
def test_bad_arguments_name_the_parameter(make, error, name):
    with pytest.raises(error, match=name):
        make()


def test_question_cells_show_only_their_form():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('predict("a", "q?", unit="%", answer=1, result="r")'),
        nbformat.v4.new_code_cell("x = predict"),
        nbformat.v4.new_markdown_cell("predict(it)")])
    assert [is_question_cell(c) for c in notebook.cells] == [True, False, False]
    assert present_question_cells(notebook) == 1
    assert notebook.cells[0].metadata == {"tags": ["remove-input"],
                                          "jupyter": {"source_hidden": True}}
    assert present_question_cells(notebook) == 0
    assert END_MARKER == '<div class="prediction-end"></div>'
