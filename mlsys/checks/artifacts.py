"""Checks for the exercises of the chapter on code, data and artifacts (07_ml_vs_software)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mlsys.artifacts import capacity_sweep, compute_slice_values, make_churn_data
from mlsys.checks import (Fail, require_answer, require_function, require_key_ideas,
                          require_number, require_returned, require_text, task)


def _hash_cases():
    """Tables and the verdicts a content hash must give: (name, a, b, same content?)."""
    data = make_churn_data(60, seed=11)
    shuffled = data.sample(frac=1, random_state=3).reset_index(drop=True)
    changed = data.copy()
    changed.loc[7, "income_k"] = changed.loc[7, "income_k"] + 0.1
    duplicated = pd.concat([data, data.iloc[[4]]], ignore_index=True)  # same set of rows
    return [("the same rows in another order", data, shuffled, True),
            ("a copy of the table", data, data.copy(), True),
            ("one income changed by 0.1", data, changed, False),
            ("a copy of row 4 appended", data, duplicated, False),
            ("the first 59 rows only", data, data.iloc[:59], False)]


@task("1", "content hash that ignores row order")
def check_content_hash(function):
    """The learner's ``function(frame) -> str`` gives equal hashes exactly for equal content."""
    require_function(function, "content_hash")
    for name, first, second, same in _hash_cases():
        a, b = function(first), function(second)
        for digest in (a, b):
            require_returned(digest, "content_hash",
                             "End the function with `return` and the hex digest.")
        if not isinstance(a, str):
            raise Fail(f"content_hash should return a str (a hex digest); got {type(a).__name__}.",
                       "hashlib.sha256(data).hexdigest() gives a str.")
        if (a == b) != same:
            raise Fail(f"For {name}, your hashes are {'equal' if a == b else 'different'}; they "
                       f"should be {'equal' if same else 'different'}.", _HASH_HINTS[name])
    return f"Equal hashes exactly for equal content, on all {len(_hash_cases())} test pairs."


_HASH_HINTS = {
    "the same rows in another order": ("Sort the rows (for example the lines of "
                                       "frame.to_csv(index=False)) before hashing; the index is "
                                       "not data, so leave it out."),
    "a copy of the table": "Hash the content, not the object: id() and hash() of a table differ.",
    "one income changed by 0.1": "Hash every value of every row, not only the shape or columns.",
    "a copy of row 4 appended": ("A set of rows forgets duplicates. Sort the rows, "
                                              "do not deduplicate them."),
    "the first 59 rows only": "Every row must count: hash all of them.",
}


def good_batches():
    """Five good churn batches of 1,000 rows (seeds 20-24)."""
    return [make_churn_data(1_000, seed=seed) for seed in range(20, 25)]


def bad_batch():
    """A batch in which the partner source reports income in dollars, not thousands of dollars."""
    batch = make_churn_data(1_000, seed=30)
    partner = batch["source"] == "partner"
    batch.loc[partner, "income_k"] = batch.loc[partner, "income_k"] * 1_000
    return batch


@task("2", "a data test that stops the bad batch")
def check_data_test(function):
    """The learner's ``function(batch) -> bool`` passes every good batch and fails the bad one."""
    require_function(function, "batch_is_good")
    for number, batch in enumerate(good_batches(), start=1):
        verdict = function(batch.copy())
        require_returned(verdict, "batch_is_good",
                         "Return True for a good batch and False for a bad one.")
        if type(verdict).__name__ not in ("bool", "bool_"):
            raise Fail(f"batch_is_good should return True or False; got "
                       f"{type(verdict).__name__}.",
                       "Reduce a column of checks to one bool, e.g. with `.all()`, then bool().")
        if not verdict:
            raise Fail(f"batch_is_good rejects good batch {number} of 5.",
                       "Too strict: a test that fails good data gets switched off. Base your "
                       "bounds on what good batches can contain, with some margin.")
    if function(bad_batch()):
        raise Fail("batch_is_good lets the bad batch through.",
                   "Compare the income_k column of bad_batch() with a good batch: its range, "
                   "its mean.")
    return "It passes all 5 good batches and stops the batch with incomes in dollars."


VALUATION_TASK = dict(n_rows=3_000, seed=5, partner_share=0.3, partner_label_noise=0.6)


def valuation_data():
    """The task's training rows (3,000, seed 5) and clean validation rows (4,000, seed 6)."""
    return make_churn_data(**VALUATION_TASK), make_churn_data(4_000, seed=6)


@task("3", "which slice of data hurts, and by how much")
def check_harmful_slice(harmful_source, accuracy_gain_points):
    """The source whose removal helps most, and the accuracy it gains, in points."""
    values = compute_slice_values(*valuation_data())
    worst = int(np.argmin(values.value))
    expected_source = values.slices[worst]
    expected_gain = -100 * values.value[worst]
    require_answer(harmful_source, "harmful_source")
    if not isinstance(harmful_source, str):
        raise Fail(f"harmful_source should be a source name (a str); got "
                   f"{type(harmful_source).__name__}.")
    if harmful_source != expected_source:
        hint = ("That slice helps: removing it lowers accuracy." if harmful_source in values.slices
                else f"The sources are {values.slices}.")
        raise Fail(f"Removing {harmful_source!r} does not raise validation accuracy the most.",
                   hint)
    gain = require_number(accuracy_gain_points, "accuracy_gain_points")
    if abs(gain - expected_gain) <= 0.05:
        return (f"Dropping {expected_source!r} raises validation accuracy by {expected_gain:.2f} "
                f"points: those rows harm the model.")
    if abs(gain + expected_gain) <= 0.05:
        hint = "Wrong sign: the gain is accuracy without the slice minus accuracy with it."
    elif abs(gain - expected_gain / 100) <= 0.0005:
        hint = "That is a fraction; give percentage points (multiply by 100)."
    else:
        hint = "Use compute_slice_values on valuation_data(), as in the chapter."
    raise Fail(f"accuracy_gain_points is {gain:g}; that is not the gain from dropping "
               f"{expected_source!r}.", hint)


ACCURACY_BUDGET_POINTS = 1.0


def _within_budget():
    sweep = capacity_sweep()
    keep = sweep.accuracy >= sweep.accuracy.max() - ACCURACY_BUDGET_POINTS / 100
    return sweep, keep


@task("4", "smallest model within the accuracy budget")
def check_smallest_model(choice):
    """The learner's (max_depth, n_trees): the smallest forest on disk within 1 point of the best."""
    require_answer(choice, "smallest_forest")
    if not isinstance(choice, tuple) or len(choice) != 2:
        raise Fail(f"smallest_forest should be a tuple (max_depth, n_trees); got {choice!r}.")
    depth, trees = (require_number(v, name) for v, name in zip(choice, ("max_depth", "n_trees")))
    sweep, keep = _within_budget()
    candidates = np.flatnonzero(keep)
    expected = candidates[np.argmin(sweep.disk_kb[candidates])]
    expected_pair = (int(sweep.max_depth[expected]), int(sweep.n_trees[expected]))
    try:
        row = sweep.row(depth, trees)
    except ValueError:
        raise Fail(f"{choice} is not a forest of the sweep.",
                   "Pick max_depth from (2, 4, 8, 16) and n_trees from (1, 2, 4, ..., 64).") \
            from None
    if row == expected:
        return (f"{expected_pair[1]} trees of depth {expected_pair[0]}: "
                f"{sweep.accuracy[row]:.1%} accurate in {sweep.disk_kb[row]:,.0f} kB, "
                f"{sweep.disk_kb.max() / sweep.disk_kb[row]:.0f}x smaller than the largest.")
    if not keep[row]:
        raise Fail(f"{choice} is {sweep.accuracy[row]:.1%} accurate, more than "
                   f"{ACCURACY_BUDGET_POINTS:g} point below the best "
                   f"({sweep.accuracy.max():.1%}).",
                   "Keep only forests within the budget first, then take the smallest.")
    if row == int(np.argmax(sweep.accuracy)):
        hint = "That is the most accurate forest; the task asks for the smallest within budget."
    elif sweep.n_trees[row] <= sweep.n_trees[expected]:
        hint = ("Fewest trees is not smallest: deep trees are large. Compare disk_kb, "
                "not n_trees.")
    else:
        hint = "Among the forests within budget, take the one with the smallest disk_kb."
    raise Fail(f"{choice} is within budget but {sweep.disk_kb[row]:,.0f} kB on disk; a smaller "
               "one is too.", hint)


KEY_IDEAS = {
    "identify versions by content (hash, checksum, digest)": ("hash", "checksum", "digest"),
    "avoid full copies (snapshot, immutable, append, partition, manifest, delta, reference)":
        ("snapshot", "immutab", "append", "partition", "manifest", "delta", "reference",
         "pointer"),
    "tie data to models (model, lineage, reproduce)": ("model", "lineage", "reproduc"),
}


@task("5", "versioning a large dataset (open question)")
def check_open_answer(text):
    """A written argument of at least 60 words touching content ids, no copies and lineage."""
    text = require_text(text, "answer_versioning", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "A convincing answer says how a version is named, stored and linked to the "
        "models trained on it.")
    return ("Your argument is long enough and touches content ids, storage without full copies "
            "and lineage. Compare it with the model answer in the solution notebook.")

