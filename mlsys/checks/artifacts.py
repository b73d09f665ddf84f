"""Checks for the exercises of the chapter on code, data and artifacts (07_ml_vs_software)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mlsys.artifacts import (capacity_sweep, compute_slice_values, diff_manifests,
                             make_churn_data, make_manifest, pluralise)
from mlsys.checks import (Fail, require_answer, require_function, require_key_ideas,
                          require_bool, require_number, require_returned, require_text, task)


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


VALUATION_TASK = dict(n_rows=3_000, seed=7, partner_share=0.4, partner_label_noise=0.4)


def valuation_data():
    """The task's training rows (3,000, seed 7) and clean validation rows (4,000, seed 8)."""
    return make_churn_data(**VALUATION_TASK), make_churn_data(4_000, seed=8)


@task("3", "the slice that looks harmful, and whether it is beyond the noise")
def check_harmful_slice(candidate_source, accuracy_gain_points, drop_it):
    """The source whose removal helps most, the accuracy it gains (points), and the decision."""
    values = compute_slice_values(*valuation_data())
    worst = int(np.argmin(values.value))
    expected_source = values.slices[worst]
    expected_gain = -100 * values.value[worst]
    band = 100 * values.noise_band[worst]
    require_answer(candidate_source, "candidate_source")
    if not isinstance(candidate_source, str):
        raise Fail(f"candidate_source should be a source name (a str); got "
                   f"{type(candidate_source).__name__}.")
    if candidate_source != expected_source:
        hint = ("Removing that slice lowers accuracy more than it raises it."
                if candidate_source in values.slices else f"The sources are {values.slices}.")
        raise Fail(f"Removing {candidate_source!r} does not raise validation accuracy the most.",
                   hint)
    gain = require_number(accuracy_gain_points, "accuracy_gain_points")
    if abs(gain + expected_gain) <= 0.05:
        raise Fail(f"accuracy_gain_points is {gain:g}: the sign is wrong.",
                   "The gain is accuracy without the slice minus accuracy with every row.")
    if abs(gain - expected_gain / 100) <= 0.0005:
        raise Fail(f"accuracy_gain_points is {gain:g}: that is a fraction.",
                   "Give percentage points (multiply by 100).")
    if abs(gain - expected_gain) > 0.05:
        raise Fail(f"accuracy_gain_points is {gain:g}; that is not the gain from dropping "
                   f"{expected_source!r}.", "Use compute_slice_values on valuation_data(), as "
                   "in the chapter, and read the value of that slice.")
    decision = require_bool(drop_it, "drop_it")
    beyond = bool(values.harmful[worst])
    if decision != beyond:
        hint = (f"A gain of {expected_gain:.2f} points is within its noise band of "
                f"±{band:.2f}: another draw of rows could give the opposite sign. A positive "
                "gain alone is not evidence." if not beyond else
                f"The gain of {expected_gain:.2f} points is beyond its noise band of "
                f"±{band:.2f}.")
        raise Fail(f"drop_it is {decision}, but the gain is "
                   f"{'beyond' if beyond else 'within'} the noise.", hint)
    return (f"Dropping {expected_source!r} gains {expected_gain:.2f} points, "
            f"{'beyond' if beyond else 'within'} its noise band of ±{band:.2f}: "
            f"{'drop it' if beyond else 'no evidence yet that those rows harm the model'}.")


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
        return (f"{pluralise(expected_pair[1], 'tree')} of depth {expected_pair[0]}: "
                f"{sweep.accuracy[row]:.1%} accurate in {sweep.disk_kb[row]:,.0f} kB, "
                f"{sweep.disk_kb.max() / sweep.disk_kb[row]:.0f}x smaller than the largest.")
    if not keep[row]:
        raise Fail(f"{choice} is {sweep.accuracy[row]:.1%} accurate, more than "
                   f"{pluralise(ACCURACY_BUDGET_POINTS, 'point')} below the best "
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


#: Bits per parameter of the number formats a model's weights can be stored in.
FORMAT_BITS = {"float32": 32, "float16": 16, "int8": 8, "int4": 4}
#: The device of task 5: a model of this many parameters, this much memory free for it (GB).
DEVICE_TASK = {"n_parameters": 2.7e9, "free_gb": 3.0}
_MEMORY_CASES = ((7e9, 16), (1.3e9, 32), (125e6, 8), (70e9, 4), (3, 32))


def _weights_gb(n_parameters, bits_per_parameter):
    return n_parameters * bits_per_parameter / 8 / 1e9


@task("5", "memory of a model's weights")
def check_weights_memory(function, chosen_format):
    """The learner's ``weights_gb(n_parameters, bits_per_parameter)`` and the format chosen."""
    require_function(function, "weights_gb")
    for n_parameters, bits in _MEMORY_CASES:
        got = function(n_parameters, bits)
        require_returned(got, "weights_gb", "End the function with `return` and the size in GB.")
        got = require_number(got, f"weights_gb({n_parameters:g}, {bits})")
        expected = _weights_gb(n_parameters, bits)
        if math.isclose(got, expected, rel_tol=1e-6):
            continue
        if math.isclose(got, expected * 8, rel_tol=1e-6):
            hint = "That counts bits: a byte is 8 bits, so divide the bits by 8."
        elif math.isclose(got, expected * 1e9 / 2**30, rel_tol=1e-6):
            hint = "That is GiB (2**30 bytes); this book's GB is 10**9 bytes."
        elif math.isclose(got, expected * 1e3, rel_tol=1e-6):
            hint = "That is MB: divide the bytes by 10**9 for GB."
        else:
            hint = "Bytes = parameters x bits per parameter / 8; GB = bytes / 10**9."
        raise Fail(f"weights_gb({n_parameters:g}, {bits}) returned {got:g}; expected "
                   f"{expected:g} GB.", hint)
    require_answer(chosen_format, "chosen_format")
    if chosen_format not in FORMAT_BITS:
        raise Fail(f"chosen_format should be one of {list(FORMAT_BITS)}; got {chosen_format!r}.")
    sizes = {name: _weights_gb(DEVICE_TASK["n_parameters"], bits)
             for name, bits in FORMAT_BITS.items()}
    fitting = [name for name, size in sizes.items() if size <= DEVICE_TASK["free_gb"]]
    expected_format = fitting[0]  # FORMAT_BITS runs from the widest format to the narrowest
    size = sizes[chosen_format]
    if chosen_format == expected_format:
        return (f"weights_gb is right on {pluralise(len(_MEMORY_CASES), 'case')}, and "
                f"{chosen_format} weights take {size:.2f} GB of the "
                f"{DEVICE_TASK['free_gb']:g} GB free: the most precise format that fits.")
    if size > DEVICE_TASK["free_gb"]:
        raise Fail(f"In {chosen_format} the weights take {size:.2f} GB: more than the "
                   f"{DEVICE_TASK['free_gb']:g} GB free.", "Use your weights_gb for each "
                   "format and keep only those that fit.")
    raise Fail(f"{chosen_format} fits ({size:.2f} GB), but a more precise format fits too.",
               "Fewer bits per weight cost accuracy: take the widest format that fits, not the "
               "narrowest.")


def manifests():
    """The two versions of task 6: last month's and today's, as manifests of daily partitions.

    Today's version appends two days, drops the oldest day (past the retention period), and
    corrects the labels of one day, which gives that partition new content and a new hash.
    """
    days = {f"day-{day:02d}": make_churn_data(200, seed=500 + day) for day in range(1, 31)}
    corrected = days["day-17"].copy()
    corrected.loc[corrected.index[:5], "churned"] = 1 - corrected["churned"].iloc[:5]
    today = {name: frame for name, frame in days.items() if name != "day-01"}
    today.update({"day-17": corrected, "day-31": make_churn_data(200, seed=531),
                  "day-32": make_churn_data(200, seed=532)})
    return make_manifest(days), make_manifest(today)


KEY_IDEAS = {
    "identify versions by content (hash, checksum, digest)": ("hash", "checksum", "digest"),
    "avoid full copies (snapshot, immutable, append, partition, manifest, delta, reference)":
        ("snapshot", "immutab", "append", "partition", "manifest", "delta", "reference",
         "pointer"),
    "tie data to models (model, lineage, reproduce)": ("model", "lineage", "reproduc"),
}


@task("6", "versioning a large dataset (open question)")
def check_open_answer(partitions_to_store, text):
    """The partitions today's version adds to the store, then a written argument of 60+ words."""
    old, new = manifests()
    diff = diff_manifests(old, new)
    expected = set(diff["added"]) | set(diff["changed"])
    require_answer(partitions_to_store, "partitions_to_store")
    if isinstance(partitions_to_store, str) or not isinstance(
            partitions_to_store, (list, tuple, set, frozenset)):
        raise Fail(f"partitions_to_store should be a list of partition names; got "
                   f"{type(partitions_to_store).__name__}.")
    names = set(partitions_to_store)
    if names != expected:
        all_new = {name for name, _, _ in new.partitions}
        if names == all_new:
            hint = ("That stores every partition again: a full copy. Partitions whose hash "
                    "the store already holds cost nothing.")
        elif names == set(diff["added"]):
            hint = ("A partition whose content changed has a new hash: the store must keep it "
                    "too, beside the old one that last month's version still needs.")
        elif names & set(diff["removed"]):
            hint = "A partition today's version no longer lists needs no new storage."
        else:
            hint = ("Compare the hashes of the two manifests (diff_manifests): new names and "
                    "new hashes must be stored.")
        raise Fail(f"partitions_to_store has {pluralise(len(names), 'partition')}; that is "
                   "not what today's version adds to the store.", hint)
    text = require_text(text, "answer_versioning", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "A convincing answer says how a version is named, stored and linked to the "
        "models trained on it.")
    return (f"Today's version stores {pluralise(len(expected), 'new partition')} and a manifest "
            f"of {new.size_bytes:,} bytes. Your argument is long enough and touches content "
            "ids, storage without full copies and lineage. Compare it with the model answer in "
            "the solution notebook.")
