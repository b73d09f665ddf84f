"""The claims ledger itself: each way a claim can be untrue makes its test fail, and every
chapter records enough claims."""

import importlib
from pathlib import Path

import nbformat
import pytest
import yaml

import ledger
from ledger import Claim

CHAPTER = "chapters/99_example.ipynb"
WORDS = "The median request takes 1 ms."


@pytest.fixture(autouse=True)
def example_book(tmp_path, monkeypatch):
    """A book of one chapter whose prose says WORDS."""
    (tmp_path / "chapters").mkdir()
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# Example\n\nSome prose. {WORDS} More prose."),
        nbformat.v4.new_code_cell("print('The p99 is 2 ms.')")])
    nbformat.write(notebook, tmp_path / CHAPTER)
    monkeypatch.setattr(ledger, "ROOT", tmp_path)


def claim(**changes):
    fields = dict(id="example", notebook=CHAPTER, words=WORDS, derive=lambda: 1.0,
                  holds=lambda value: value == 1.0)
    return Claim(**{**fields, **changes})


def test_a_claim_that_stands_and_holds_passes():
    ledger.check(claim())


def test_words_that_left_the_notebook_fail():
    with pytest.raises(AssertionError, match="no longer says"):
        ledger.check(claim(words="a sentence the chapter never wrote"))


def test_words_only_in_a_code_cell_do_not_count():
    with pytest.raises(AssertionError, match="no longer says"):
        ledger.check(claim(words="The p99 is 2 ms."))


def test_white_space_does_not_matter_but_wording_does():
    ledger.check(claim(words=WORDS.replace(" ", "\n  ")))
    with pytest.raises(AssertionError):
        ledger.check(claim(words=WORDS.lower()))


def test_a_claim_that_no_longer_holds_fails():
    with pytest.raises(AssertionError, match="re-derived 2.0"):
        ledger.check(claim(derive=lambda: 2.0))


def test_a_claim_true_on_18_of_20_seeds_fails_and_on_19_passes():
    def seeded(failing):
        return claim(derive=lambda seed: seed, holds=lambda seed: seed not in failing, seed=5)
    ledger.check(seeded({0}))
    with pytest.raises(AssertionError, match="holds on 18 of 20"):
        ledger.check(seeded({0, 1}))


def test_robust_is_what_must_hold_on_every_seed():
    exact = claim(derive=lambda seed: 10 + seed, holds=lambda value: value == 13, seed=3,
                  robust=lambda value: value >= 10)
    ledger.check(exact)
    with pytest.raises(AssertionError, match="holds on 1 of 20"):
        ledger.check(claim(derive=lambda seed: 10 + seed, holds=lambda value: value == 13, seed=3))


def test_a_stated_spread_is_checked_both_ways():
    def spread_claim(spread):
        return claim(derive=lambda seed: seed, holds=lambda seed: seed < 11, seed=0, spread=spread)
    ledger.check(spread_claim((11, 11)))
    for wrong in [(12, 20), (5, 10)]:
        with pytest.raises(AssertionError, match="holds on 11 of 20"):
            ledger.check(spread_claim(wrong))


@pytest.mark.parametrize("changes, message", [
    ({"id": "Has Spaces"}, "id must be"),
    ({"spread": (15, 21)}, "spread must be"),
    ({"robust": bool}, "need the notebook's seed"),
])
def test_a_malformed_claim_is_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        claim(**changes)


def test_repeated_ids_are_refused():
    with pytest.raises(ValueError, match="repeated"):
        ledger.tests([claim(), claim()])


ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHAPTERS = [entry["file"] for part in TOC["parts"] for entry in part["chapters"]
            if entry["file"].startswith("chapters/")]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_records_enough_claims(chapter):
    module_file = ROOT / "tests" / f"test_claims_{Path(chapter).name[:2]}.py"
    assert module_file.exists(), f"{chapter} has no claims ledger ({module_file.name})"
    claims = importlib.import_module(module_file.stem).CLAIMS
    on_chapter = [c for c in claims if c.notebook == f"{chapter}.ipynb"]
    assert len(on_chapter) >= ledger.MIN_CLAIMS_PER_CHAPTER, (
        f"{chapter}: {len(on_chapter)} claims in the ledger, at least "
        f"{ledger.MIN_CLAIMS_PER_CHAPTER} wanted")


def test_the_ledger_reads_the_words_of_predictions_and_self_checks(tmp_path):
    from ledger import markdown

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("Some   prose."),
        nbformat.v4.new_code_cell('predict("a", "Share slow?", unit="%", answer=9.6,\n'
                                  '        result="9.6%: 1 − 0.99¹⁰.")'),
        nbformat.v4.new_code_cell('print("not read: an ordinary cell")')])
    path = tmp_path / "n.ipynb"
    nbformat.write(notebook, path)
    text = markdown(path)
    assert "Some prose." in text and "9.6%: 1 − 0.99¹⁰." in text and "not read" not in text
