"""Predictions the reader commits to, and self-checks that answer, in Jupyter and on the website.

A chapter asks two kinds of question, each in a code cell of its own:

- ``predict(...)`` before an experiment: the reader picks a choice or enters a number and
  commits. On the website everything after the cell, up to a markdown line
  ``<div class="prediction-end"></div>`` (blank lines around it, after the "What happened."
  paragraphs, in the same section), stays folded until they do; then it opens and their guess
  stands beside the result. The browser keeps the reader's predictions (its local storage, never a
  server) and each prediction has a "reset" button.
- ``self_check(...)`` after the section that teaches an objective: the reader answers and is
  told why that answer is right or wrong (for a wrong choice, the misconception it shows), and
  can ask for the answer.

Each call returns an object Jupyter shows as a live widget (a kernel computes the feedback) and
the website shows as an HTML form that the site's own script ``_site/questions.js`` brings to
life with no kernel and no network (``nb_mime_priority_overrides`` in ``_config.yml`` picks the
form). Both give the same feedback: the wording is made here, once.

Arguments are literals (strings, numbers, lists): tests and the syllabus read them from the
notebooks. Strings are plain text in which ``*em*``, ``**strong**`` and ```code``` are marked up.

Examples
--------
>>> q = predict("fanout-10", "With p = 1%, what share of requests to 10 servers meet a slow one?",
...             unit="%", answer=9.6, result="9.6%: 1 − 0.99¹⁰, and the simulation agrees.")
>>> q.feedback("20")
'You said 20%. Here: 9.6%. 9.6%: 1 − 0.99¹⁰, and the simulation agrees.'
>>> s = self_check("skew", objective=1, question="Mean 390 ms, median 100 ms: what can you say?",
...                choices=[("Most requests took about 390 ms", "The mean describes no request."),
...                         ("The distribution is skewed", "Right: one slow request pulls the mean.")],
...                answer=1, explanation="The median is the typical request.")
>>> s.feedback(0)
'Not quite. The mean describes no request.'
"""

from __future__ import annotations

import html
import json
import math
import numbers
import re
from collections.abc import Mapping, Sequence

from mlsys._validate import check_number

ID_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
END_MARKER = '<div class="prediction-end"></div>'
MAX_CHOICES = 6
_NUMBER = re.compile(r"-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")
_MARKUP = [(re.compile(r"`([^`]+)`"), r"<code>\1</code>"),
           (re.compile(r"\*\*([^*]+)\*\*"), r"<strong>\1</strong>"),
           (re.compile(r"\*([^*]+)\*"), r"<em>\1</em>")]


def markup(text: str) -> str:
    """HTML for plain text with ``*em*``, ``**strong**`` and ```code```; everything else escaped."""
    out = html.escape(text, quote=False)
    for pattern, replacement in _MARKUP:
        out = pattern.sub(replacement, out)
    return out


def plain(text: str) -> str:
    """The text with its markup removed, as a screen reader or ``text/plain`` shows it."""
    return re.sub(r"\*\*|\*|`", "", text)


def format_number(value: float) -> str:
    """A number as the feedback shows it: up to four significant digits, no trailing zeros."""
    return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"


def _text(name, value, *, required=True):
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise TypeError(f"{name} must be a non-empty string; got {value!r}")
    return " ".join(value.split())


def _id(value):
    if not isinstance(value, str) or not ID_PATTERN.fullmatch(value):
        raise ValueError(f"id must be lower-case letters and digits joined by hyphens, "
                         f"e.g. 'p99-ratio'; got {value!r}")
    return value


def _number(text):
    """The reader's number from what they typed ("9.6", "9,6", "1,000", " 10 % "), or None."""
    if isinstance(text, numbers.Real) and not isinstance(text, bool):
        return float(text) if math.isfinite(text) else None
    if not isinstance(text, str):
        return None
    cleaned = text.strip().rstrip("%x×").strip().replace("\u2212", "-")
    if re.fullmatch(r"-?\d{1,3}(,\d{3})+(\.\d+)?", cleaned):
        cleaned = cleaned.replace(",", "")
    cleaned = cleaned.replace(",", ".", 1)
    if not _NUMBER.fullmatch(cleaned):  # the same grammar as _site/questions.js
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


class _Question:
    """What `predict` and `self_check` share: the spec, the HTML form and the Jupyter widget."""

    kind = ""

    def spec(self) -> dict:
        raise NotImplementedError

    def feedback_html(self, given) -> str:
        raise NotImplementedError

    def feedback(self, given) -> str:
        """`feedback_html` as plain text: what Jupyter's widget and a screen reader say."""
        return _strip_tags(self.feedback_html(given))

    # -- the website: a form that _site/questions.js wires -------------------------------------
    def _legend(self) -> str:
        raise NotImplementedError

    def to_html(self) -> str:
        spec = html.escape(json.dumps(self.spec(), ensure_ascii=False), quote=True)
        name = f"mlsys-{self.kind}-{self.id}"
        if self.choices is not None:
            inputs = "".join(
                f'<label class="mlsys-choice"><input type="radio" name="{name}" value="{i}"> '
                f"<span>{markup(text)}</span></label>"
                for i, text in enumerate(self.choice_texts))
        else:
            unit = f" ({html.escape(self.unit)})" if self.unit else ""
            inputs = (f'<label class="mlsys-number">Your answer{unit} <input type="text" '
                      f'inputmode="decimal" name="{name}" autocomplete="off"></label>')
        return (f'<div class="mlsys-question mlsys-{self.kind}" data-spec="{spec}">'
                f'<form><fieldset><legend>{self._legend()}</legend>{inputs}</fieldset>'
                f'<div class="mlsys-actions">{self._buttons()}</div></form>'
                f'<div class="mlsys-feedback" role="status" aria-live="polite"></div></div>')

    # -- Jupyter: a widget whose button asks the kernel for the feedback ------------------------
    def widget(self):
        import ipywidgets as widgets

        head = widgets.HTML(f'<div class="mlsys-question">{self._legend()}</div>')
        if self.choices is not None:
            answer = widgets.RadioButtons(options=[(plain(t), i) for i, t in
                                                   enumerate(self.choice_texts)],
                                          value=None, layout=widgets.Layout(width="auto"))
        else:
            answer = widgets.Text(placeholder=f"a number{' in ' + self.unit if self.unit else ''}",
                                  description="Your answer", layout=widgets.Layout(width="320px"))
        button = widgets.Button(description=self.button_text, layout=widgets.Layout(width="auto"))
        buttons = [button]
        out = widgets.HTML()

        def on_click(_):
            out.value = f"<p>{self.feedback_html(answer.value)}</p>"

        button.on_click(on_click)
        if isinstance(self, SelfCheck):
            show = widgets.Button(description="Show the answer", layout=widgets.Layout(width="auto"))
            show.on_click(lambda _: setattr(out, "value", f"<p>{self.reveal_html()}</p>"))
            buttons.append(show)
        return widgets.VBox([head, answer, widgets.HBox(buttons), out])

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = self.widget()._repr_mimebundle_(include=include, exclude=exclude) or {}
        bundle = dict(bundle)
        bundle["text/plain"] = self.to_text()
        bundle["text/html"] = self.to_html()
        return bundle

    def to_text(self) -> str:
        lines = [plain(self._legend_text())]
        if self.choices is not None:
            lines += [f"  ( ) {plain(text)}" for text in self.choice_texts]
        else:
            lines.append(f"  Your answer: ____ {self.unit}".rstrip())
        return "\n".join(lines)


class Prediction(_Question):
    """A prediction the reader commits to before the experiment (made by `predict`)."""

    kind = "prediction"
    button_text = "Commit my prediction"

    def __init__(self, id, question, *, choices, answer, unit, result):
        self.id = _id(id)
        self.question = _text("question", question)
        self.result = _text("result", result)
        self.unit = _text("unit", unit, required=False) or ""
        self.choices = _choices(choices, with_feedback=False)
        self.choice_texts = self.choices
        if self.choices is not None:
            if answer is not None:
                answer = check_number("answer", answer, low=0, high=len(self.choices) - 1,
                                      integer=True)
        else:
            answer = check_number("answer", answer)
        self.answer = answer

    def _legend_text(self):
        return f"Predict: {self.question}"

    def _legend(self):
        return f'<span class="mlsys-tag">Predict</span> {markup(self.question)}'

    def _buttons(self):
        return f'<button type="submit">{self.button_text}</button>'

    def spec(self):
        spec = {"kind": self.kind, "id": self.id, "form": self.form, "answer": self.answer,
                "unit": self.unit, "answer_text": self.answer_text,
                "result": markup(self.result), "question": plain(self.question)}
        if self.choices is not None:
            spec["responses"] = [self.feedback_html(i) for i in range(len(self.choices))]
        return spec

    @property
    def form(self):
        return "choice" if self.choices is not None else "number"

    @property
    def answer_text(self):
        if self.choices is None:
            return _with_unit(format_number(self.answer), self.unit)
        return None if self.answer is None else plain(self.choices[self.answer])

    def feedback_html(self, given) -> str:
        """What the reader reads after committing `given` (a choice's index, or a number)."""
        if self.choices is not None:
            index = _choice_index(given, len(self.choices))
            if index is None:
                return "Choose one of the answers first."
            said = f"You said: {markup(self.choices[index])}."
            if self.answer is None:
                return f"{said} Here: {markup(self.result)}"
            verdict = "You had it." if index == self.answer else \
                f"Not this time: {markup(self.choices[self.answer])}."
            return f"{said} {verdict} {markup(self.result)}"
        if _number(given) is None:
            return "Enter a number first."
        return (f"You said {html.escape(_with_unit(_said(given), self.unit))}. "
                f"Here: {html.escape(self.answer_text)}. {markup(self.result)}")


class SelfCheck(_Question):
    """A self-check question tagged with the learning objective it tests (made by `self_check`)."""

    kind = "self-check"
    button_text = "Check my answer"

    def __init__(self, id, objective, question, *, choices, answer, tolerance, unit,
                 explanation, mistakes):
        self.id = _id(id)
        self.objective = check_number("objective", objective, low=1, high=9, integer=True)
        self.question = _text("question", question)
        self.explanation = _text("explanation", explanation)
        self.unit = _text("unit", unit, required=False) or ""
        self.choices = _choices(choices, with_feedback=True)
        if self.choices is not None:
            self.choice_texts = [text for text, _ in self.choices]
            self.answer = check_number("answer", answer, low=0, high=len(self.choices) - 1,
                                       integer=True)
            if tolerance or mistakes:
                raise ValueError("tolerance and mistakes are for a number question; a choice "
                                 "question gives each choice its feedback")
            self.tolerance, self.mistakes = 0.0, []
        else:
            self.choice_texts = None
            self.answer = check_number("answer", answer)
            self.tolerance = check_number("tolerance", tolerance, low=0)
            if mistakes is not None and not isinstance(mistakes, Mapping):
                raise TypeError("mistakes must be a dict of wrong number -> the misconception it "
                                f"shows; got {type(mistakes).__name__}")
            self.mistakes = []
            for value, why in (mistakes or {}).items():
                value = check_number("mistakes (a wrong number)", value)
                if abs(value - self.answer) <= self.tolerance:
                    raise ValueError(f"mistakes: {value} is within tolerance of the answer "
                                     f"{self.answer}")
                self.mistakes.append((value, _text("mistakes (a misconception)", why)))

    def _legend_text(self):
        return f"Self-check (objective {self.objective}): {self.question}"

    def _legend(self):
        return (f'<span class="mlsys-tag">Self-check · objective {self.objective}</span> '
                f"{markup(self.question)}")

    def _buttons(self):
        return (f'<button type="submit">{self.button_text}</button> '
                '<button type="button" class="mlsys-show">Show the answer</button>')

    def spec(self):
        spec = {"kind": self.kind, "id": self.id, "objective": self.objective,
                "form": "choice" if self.choices is not None else "number",
                "answer": self.answer, "unit": self.unit, "question": plain(self.question),
                "explanation": markup(self.explanation)}
        if self.choices is not None:
            spec["answer_text"] = plain(self.choices[self.answer][0])
            spec["responses"] = [self.feedback_html(i) for i in range(len(self.choices))]
        else:
            spec["tolerance"] = self.tolerance
            spec["mistakes"] = [[value, markup(why)] for value, why in self.mistakes]
            spec["answer_text"] = _with_unit(format_number(self.answer), self.unit)
        return spec

    def feedback_html(self, given) -> str:
        """Why `given` (a choice's index, or a number) is right or wrong."""
        if self.choices is not None:
            index = _choice_index(given, len(self.choices))
            if index is None:
                return "Choose one of the answers first."
            verdict = "Right." if index == self.answer else "Not quite."
            return f"{verdict} {markup(self.choices[index][1])}"
        value = _number(given)
        if value is None:
            return "Enter a number first."
        if abs(value - self.answer) <= self.tolerance:
            return f"Right. {markup(self.explanation)}"
        for mistake, why in self.mistakes:
            if abs(value - mistake) <= max(self.tolerance, 1e-9 * abs(mistake)):
                return f"Not quite. {markup(why)}"
        side = "high" if value > self.answer else "low"
        return f"Not quite: {html.escape(_with_unit(_said(given), self.unit))} is too {side}."

    def reveal_html(self) -> str:
        """The answer and its explanation, for a reader who asks for them."""
        return (f"The answer: {html.escape(self.spec()['answer_text'])}. "
                f"{markup(self.explanation)}")

    def reveal(self) -> str:
        """`reveal_html` as plain text."""
        return _strip_tags(self.reveal_html())


_VERDICT = re.compile(r"(right|correct|not quite|wrong|no|yes)\s*[.:!,;—–-]\s*", re.IGNORECASE)


def _without_verdict(feedback):
    """The feedback without a verdict of its own: "Right." or "Not quite." is added to it."""
    match = _VERDICT.match(feedback)
    if not match or not feedback[match.end():]:
        return feedback
    rest = feedback[match.end():]
    return rest[0].upper() + rest[1:]


def _strip_tags(text):
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _said(given):
    """The reader's number as they typed it (without a unit sign), or formatted if a number."""
    if isinstance(given, str):
        return given.strip().rstrip("%x×").strip()
    return format_number(float(given))


def _with_unit(number, unit):
    """``9.6 %`` reads ``9.6%``, ``6.8 x`` ``6.8x``; other units stand after a space."""
    if not unit:
        return number
    return f"{number}{unit}" if unit in ("%", "x", "×") else f"{number} {unit}"


def _choice_index(given, n):
    if isinstance(given, bool) or not isinstance(given, (numbers.Integral, str)):
        return None
    try:
        index = int(given)
    except ValueError:
        return None
    return index if 0 <= index < n else None


def _choices(choices, *, with_feedback):
    if choices is None:
        return None
    if isinstance(choices, (str, bytes)) or not isinstance(choices, Sequence) \
            or not 2 <= len(choices) <= MAX_CHOICES:
        raise ValueError(f"choices must be a list of 2 to {MAX_CHOICES} answers; got {choices!r}")
    if not with_feedback:
        return [_text("choices", text) for text in choices]
    checked = []
    for item in choices:
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 2:
            raise ValueError("choices must be (answer, feedback) pairs: the feedback says why "
                             f"that answer is right or wrong; got {item!r}")
        checked.append((_text("choices (an answer)", item[0]),
                        _without_verdict(_text("choices (its feedback)", item[1]))))
    return checked


def predict(id: str, question: str, *, choices: Sequence[str] | None = None,
            answer: float | int | None = None, unit: str | None = None,
            result: str) -> Prediction:
    """A prediction the reader commits to before the experiment that answers it.

    Parameters
    ----------
    id : str
        Unique within the notebook: lower-case words joined by hyphens (``"p99-ratio"``).
    question : str
        The question, one or two sentences.
    choices : list of str, optional
        2 to 6 answers to choose from; without them the reader enters a number.
    answer : int or float
        With `choices`, the index of the right one (or None when no choice is right in general);
        without, the number the experiment gives, shown beside the reader's.
    unit : str, optional
        The unit of a number answer (``"%"``, ``"ms"``, ``"x"``).
    result : str
        The sentence that answers the question, shown beside the reader's guess.
    """
    return Prediction(id, question, choices=choices, answer=answer, unit=unit, result=result)


def self_check(id: str, objective: int, question: str, *,
               choices: Sequence[tuple[str, str]] | None = None, answer: float | int,
               tolerance: float = 0, unit: str | None = None, explanation: str,
               mistakes: Mapping[float, str] | None = None) -> SelfCheck:
    """A self-check question on learning objective number `objective`, with feedback that explains.

    Parameters
    ----------
    id : str
        Unique within the notebook: lower-case words joined by hyphens.
    objective : int
        The number (1-9) of the chapter's learning objective the question tests.
    question : str
        The question.
    choices : list of (str, str), optional
        2 to 6 (answer, feedback) pairs: each wrong answer's feedback names the misconception it
        shows, the right one's says why. Without them the reader enters a number.
    answer : int or float
        With `choices`, the index of the right one; without, the right number.
    tolerance : float
        How far from `answer` a number still counts as right, in its unit (>= 0).
    unit : str, optional
        The unit of a number answer.
    explanation : str
        The answer with its reasoning, shown after a right answer or on request.
    mistakes : dict of float -> str, optional
        For a number question, each classic wrong number (matched within `tolerance`) and the
        misconception it shows.
    """
    return SelfCheck(id, objective, question, choices=choices, answer=answer,
                     tolerance=tolerance, unit=unit, explanation=explanation, mistakes=mistakes)


def is_question_cell(cell) -> bool:
    """Whether a notebook cell is a `predict(...)` or `self_check(...)` call of its own."""
    source = "".join(cell.get("source", ""))
    return cell.get("cell_type") == "code" and bool(
        re.match(r"\s*(predict|self_check)\(", source))


_SPEC = re.compile(r'data-spec="([^"]*)"')


def stored_questions(notebook) -> list[tuple[int, dict]]:
    """(cell index, spec) of each question cell, read from the website form stored in its output.

    The spec is what the site's script reads (kind, id, objective, question, answer...). A
    question cell that holds no stored form, or several, raises ValueError: execute it.
    """
    found = []
    for index, cell in enumerate(notebook.cells):
        if is_question_cell(cell):
            forms = [match for output in cell.get("outputs", [])
                     for match in _SPEC.findall(output.get("data", {}).get("text/html", ""))]
            if len(forms) != 1:
                raise ValueError(f"cell {index}: {len(forms)} stored question forms, expected 1 "
                                 "(execute the notebook)")
            found.append((index, json.loads(html.unescape(forms[0]))))
    return found


def present_question_cells(notebook) -> int:
    """Tag question cells ``remove-input`` (the site shows the form) and hide their source in
    JupyterLab (it holds the answer); return how many cells were changed."""
    changed = 0
    for cell in notebook.cells:
        if not is_question_cell(cell):
            continue
        tags = cell.metadata.setdefault("tags", [])
        jupyter = cell.metadata.setdefault("jupyter", {})
        if "remove-input" not in tags or not jupyter.get("source_hidden"):
            if "remove-input" not in tags:
                tags.append("remove-input")
            jupyter["source_hidden"] = True
            changed += 1
    return changed
