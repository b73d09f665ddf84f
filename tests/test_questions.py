"""Predictions and self-checks (mlsys.questions): their feedback, their forms, their cells."""

import html
import json
import re

import nbformat
import pytest

from mlsys.questions import (END_MARKER, is_question_cell, predict, present_question_cells,
                             self_check, stored_questions)


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
    assert q.feedback(1) == "Right. One slow request pulls the mean up."
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


# The book's chapters: every prediction folds what answers it, every objective has self-checks.
import yaml  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = [entry["file"] for part in yaml.safe_load((ROOT / "_toc.yml").read_text())["parts"]
            for entry in part["chapters"] if entry["file"].startswith("chapters/")]
def objective_count(notebook):
    block = notebook.cells[0].source.split("After this chapter you can:", 1)[1]
    return len(re.findall(r"^\d+\. ", block.split("**Time:**")[0], flags=re.M))


def is_end_line(cell):
    return cell.cell_type == "markdown" and END_MARKER in cell.source


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_prediction_commits_and_folds_what_answers_it(chapter):
    notebook = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert not re.search(r"\*\*Predict\b", markdown), (
        f"{chapter}: a bold **Predict** prompt the reader cannot commit to; make it predict(...)")
    predictions = [(i, spec) for i, spec in stored_questions(notebook)
                   if spec["kind"] == "prediction"]
    assert predictions, f"{chapter} asks for no prediction"
    ids = [spec["id"] for _, spec in stored_questions(notebook)]
    assert len(ids) == len(set(ids)), f"{chapter}: question ids repeat: {ids}"
    for index, spec in predictions:
        following = notebook.cells[index + 1:]
        ends = [n for n, cell in enumerate(following) if is_end_line(cell)]
        assert ends, f"{chapter}: prediction {spec['id']} has no end line after it"
        folded = following[:ends[0] + 1]
        assert ends[0] > 0 or folded[0].source.strip() != END_MARKER, (
            f"{chapter}: prediction {spec['id']} folds nothing")
        assert not any(is_question_cell(c) and '"prediction"' in "".join(
            o.get("data", {}).get("text/html", "") for o in c.get("outputs", []))
            for c in folded), f"{chapter}: prediction {spec['id']} folds another prediction"
        for cell in folded:
            if cell.cell_type == "markdown":
                before_end = cell.source.split(END_MARKER)[0] if is_end_line(cell) else cell.source
                assert not re.search(r"^#", before_end, flags=re.M), (
                    f"{chapter}: a heading between prediction {spec['id']} and its end line")
        end = folded[-1].source
        assert re.search(rf"(^|\n\n){re.escape(END_MARKER)}(\n\n|$)", end.strip()), (
            f"{chapter}: the end line of {spec['id']} needs a blank line on each side")
    for index, cell in enumerate(notebook.cells):
        if is_question_cell(cell):
            assert "remove-input" in cell.metadata.get("tags", []) and \
                cell.metadata.get("jupyter", {}).get("source_hidden"), (
                f"{chapter}: question cell {index} shows its answer's source (execute it)")


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_objective_has_self_checks_after_the_section_that_teaches_it(chapter):
    notebook = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    takeaways = next(i for i, c in enumerate(notebook.cells)
                     if c.cell_type == "markdown" and "## Key takeaways" in c.source)
    checks = [(i, spec) for i, spec in stored_questions(notebook)
              if spec["kind"] == "self-check"]
    count = objective_count(notebook)
    for objective in range(1, count + 1):
        placed = [i for i, spec in checks if spec["objective"] == objective]
        assert placed, f"{chapter}: no self-check on objective {objective}"
        assert min(placed) < takeaways, (
            f"{chapter}: objective {objective} is self-checked only at the end")
    assert all(spec["objective"] <= count for _, spec in checks), (
        f"{chapter}: a self-check names an objective the chapter does not have")
    markdown = "\n".join(c.source for c in notebook.cells if c.cell_type == "markdown")
    assert "{admonition} Answer" not in markdown, (
        f"{chapter}: a self-check answer is still a dropdown; make it self_check(...)")


def test_a_stored_question_keeps_its_form_and_drops_its_widget_but_nothing_else():
    from mlsys.notebooks import WIDGET_STATE, WIDGET_VIEW, drop_question_widgets

    ids = {name: f"{n:032x}" for n, name in enumerate(
        ["question", "its_part", "shared", "explorer", "link"], start=1)}

    def model(*refs):
        return {"model_name": "M", "state": {"children": [f"IPY_MODEL_{ids[r]}" for r in refs]}}

    def view(name):
        return {"output_type": "display_data", "metadata": {},
                "data": {"text/plain": name, "text/html": f"<p>{name}</p>",
                         WIDGET_VIEW: {"model_id": ids[name], "version_major": 2}}}

    state = {ids["question"]: model("its_part", "shared"), ids["its_part"]: model(),
             ids["shared"]: model(), ids["explorer"]: model("shared"),
             ids["link"]: model("explorer")}  # a jslink: no view refers to it
    asking = nbformat.v4.new_code_cell('self_check("a", 1, "q?", answer=1, explanation="e")')
    asking.outputs = [nbformat.from_dict(view("question"))]
    exploring = nbformat.v4.new_code_cell("explorer(plot, grid)")
    exploring.outputs = [nbformat.from_dict(view("explorer"))]
    notebook = nbformat.v4.new_notebook(cells=[asking, exploring])
    notebook.metadata["widgets"] = {WIDGET_STATE: {"state": state}}
    drop_question_widgets(notebook)
    assert set(asking.outputs[0]["data"]) == {"text/plain", "text/html"}
    assert WIDGET_VIEW in exploring.outputs[0]["data"]
    kept = notebook.metadata["widgets"][WIDGET_STATE]["state"]
    assert set(kept) == {ids["shared"], ids["explorer"], ids["link"]}


@pytest.mark.parametrize("written, index, shown", [
    ("Right: one slow request pulls the mean up.", 0, "Right. One slow request pulls the mean up."),
    ("Not quite: the mean describes no request.", 1, "Not quite. The mean describes no request."),
    ("Correct. It is skewed.", 0, "Right. It is skewed."),
    ("No request took 390 ms.", 1, "Not quite. No request took 390 ms."),
])
def test_feedback_gets_one_verdict_even_when_its_author_wrote_one(written, index, shown):
    q = self_check("v", 1, "q?", choices=[("a", written), ("b", written)], answer=0,
                   explanation="e")
    assert q.feedback(index) == shown


def test_a_question_cell_without_its_stored_form_is_an_error_not_a_missing_question():
    question = number_prediction()
    cell = nbformat.v4.new_code_cell('predict("fanout-10", "q?", unit="%", answer=9.6, result="r")')
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A page"), cell])
    with pytest.raises(ValueError, match="cell 1: 0 stored question forms"):
        stored_questions(notebook)
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/plain": question.to_text(), "text/html": question.to_html()})]
    ((index, spec),) = stored_questions(notebook)
    assert index == 1 and spec == question.spec()
