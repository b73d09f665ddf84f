"""The claims ledger: every sentence of the prose that the book's own code can re-derive.

A claim is recorded once, in `tests/test_claims_NN.py`, with the words exactly as they stand in a
notebook's markdown (or in the strings of a prediction or self-check) and a function that re-derives it. Its test fails when

- the words no longer appear in the notebook (prose and ledger cannot drift apart);
- the claim does not hold with the notebook's own seed and parameters;
- the claim rests on a seeded simulation and does not hold on at least 19 of the 20 seeds of
  `SEEDS`, or, where the prose states a spread ("in 11 of 20 seeds"), on a count outside it.

Writing one::

    Claim("p99-ratio", "chapters/03_latency.ipynb",
          words="the trees' p99 is about 7 times the linear model's",
          derive=lambda seed: p99_ratio(seed=seed),      # the value the sentence rests on
          holds=lambda ratio: 5 <= ratio <= 9,            # what the sentence says of it
          seed=0)                                         # the notebook's seed

`derive` takes the seed when `seed` is given and nothing when the claim rests on no seed (a
closed form, a fixed dataset, a fresh measurement). Where the words quote the notebook's exact
number, `holds` checks that number and `robust` says what must stay true on every seed (the
sentence's meaning: an ordering, a band). Keep `derive` cheap: it runs 21 times.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

import nbformat
import pytest

from mlsys.questions import is_question_cell

ROOT = Path(__file__).resolve().parents[1]
SEEDS = range(20)
MIN_CLAIMS_PER_CHAPTER = 10


@dataclass(frozen=True)
class Claim:
    """One sentence of the prose and how to re-derive it (see the module docstring)."""

    id: str
    notebook: str
    words: str
    derive: Callable[..., Any]
    holds: Callable[[Any], bool] = bool
    seed: int | None = None
    robust: Callable[[Any], bool] | None = None
    spread: tuple[int, int] = (19, 20)

    def __post_init__(self):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.id):
            raise ValueError(f"id must be lower-case words joined by '-', got {self.id!r}")
        low, high = self.spread
        if not 0 <= low <= high <= len(SEEDS):
            raise ValueError(f"spread must be (low, high) with 0 <= low <= high <= "
                             f"{len(SEEDS)}, got {self.spread!r}")
        if self.seed is None and (self.robust is not None or self.spread != (19, 20)):
            raise ValueError(f"claim {self.id!r}: robust= and spread= need the notebook's seed=")


def normalise(text: str) -> str:
    """`text` with every run of white space made one space."""
    return " ".join(text.split())


@lru_cache(maxsize=None)
def markdown(path: Path) -> str:
    """What the notebook at `path` says in words, white space normalised: its markdown, and the
    strings of its predictions and self-checks (`mlsys.questions`: questions, choices, results,
    feedback), which the reader reads as prose."""
    cells = nbformat.read(path, as_version=4).cells
    texts = [cell.source for cell in cells if cell.cell_type == "markdown"]
    for cell in filter(is_question_cell, cells):
        texts += [node.value for node in ast.walk(ast.parse(cell.source))
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)]
    return normalise(" ".join(texts))


def seeds_holding(claim: Claim) -> list[int]:
    """The seeds of `SEEDS` on which `claim` holds (its `robust` test, else `holds`)."""
    test = claim.robust or claim.holds
    return [seed for seed in SEEDS if test(claim.derive(seed))]


def check(claim: Claim) -> None:
    """Fail (AssertionError) unless `claim` stands in its notebook and re-derives."""
    assert normalise(claim.words) in markdown(ROOT / claim.notebook), (
        f"{claim.notebook} no longer says: {claim.words!r}")
    value = claim.derive() if claim.seed is None else claim.derive(claim.seed)
    assert claim.holds(value), (
        f"{claim.words!r} does not hold: re-derived {value!r}")
    if claim.seed is not None:
        held = seeds_holding(claim)
        low, high = claim.spread
        assert low <= len(held) <= high, (
            f"{claim.words!r} holds on {len(held)} of {len(SEEDS)} seeds "
            f"({held}); the ledger expects {low} to {high}")


def tests(claims: list[Claim]):
    """A pytest test with one case per claim: `test_claim = tests(CLAIMS)`."""
    ids = [claim.id for claim in claims]
    duplicates = sorted({name for name in ids if ids.count(name) > 1})
    if duplicates:
        raise ValueError(f"claim ids must be unique, repeated: {duplicates}")

    @pytest.mark.parametrize("claim", claims, ids=ids)
    def test_claim(claim):
        check(claim)

    return test_claim


tests.__test__ = False  # `from ledger import tests` in a test module is not itself a test
