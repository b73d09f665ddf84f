"""Checks for the exercises of the chapter on code, data and artifacts (07_ml_vs_software).

A check that takes the learner's function runs it on the task's own examples first, then on
fresh cases drawn at check time (other rows, swapped values, other batches), so a function that
memorises the examples fails. Verdicts never quote a drawn case when they pass, so the stored
outputs of the notebooks stay the same from run to run. Every expectation comes from the
check's own copy of the data, never from objects the learner holds.
"""

from __future__ import annotations

import functools
import math
import pickle
import re

import numpy as np
import pandas as pd

from mlsys.artifacts import (compute_dataset_hash,
                             diff_manifests, make_churn_data, make_manifest)
from mlsys.checks import (Fail, close_at_precision, require_bool,
                          require_choice, require_function, require_number, require_own_code,
                          require_returned, require_sequence, task, written_task)
from mlsys.style import format_count

#: Seed of the fresh cases drawn at check time; None draws new ones on every call. Tests set it
#: to replay a draw; the verdicts of a correct answer never depend on it.
FRESH_SEED = None


def _fresh_rng() -> np.random.Generator:
    return np.random.default_rng(FRESH_SEED)


def _fresh_seed(rng) -> int:
    return int(rng.integers(1_000, 2**31))


# --- Task 1 -------------------------------------------------------------------------------

def _swapped(data, column, rng):
    """`data` with the values of `column` swapped between two rows that differ there.

    Every column keeps its multiset of values, but the rows are no longer the same rows.
    """
    while True:
        i, j = (int(k) for k in rng.choice(len(data), 2, replace=False))
        if data[column].iloc[i] == data[column].iloc[j]:
            continue
        swapped = data.copy()
        values = swapped[column].to_numpy().copy()
        values[i], values[j] = values[j], values[i]
        swapped[column] = values
        if compute_dataset_hash(swapped) != compute_dataset_hash(data):  # other rows indeed
            return swapped


def _hash_cases(rng=None):
    """Pairs of tables and the verdict a content hash must give: (name, a, b, same content?).

    Without `rng`, the task's own example (60 rows, seed 11); with it, a fresh table of another
    size and other values, drawn at check time.
    """
    if rng is None:
        data, order, row = make_churn_data(60, seed=11), np.random.default_rng(3), 7
    else:
        data = make_churn_data(int(rng.integers(20, 120)), seed=_fresh_seed(rng))
        order, row = rng, int(rng.integers(0, 20))
    shuffled = data.iloc[order.permutation(len(data))].reset_index(drop=True)
    changed = data.copy()
    changed.loc[row, "income_k"] = changed.loc[row, "income_k"] + 0.1
    duplicated = pd.concat([data, data.iloc[[4]]], ignore_index=True)  # same set of rows
    return [("the same rows in another order", data, shuffled, True),
            ("a copy of the table", data, data.copy(), True),
            ("one income changed by 0.1", data, changed, False),
            ("a copy of row 4 appended", data, duplicated, False),
            ("the last row left out", data, data.iloc[:-1], False),
            ("two rows' incomes swapped", data, _swapped(data, "income_k", order), False),
            ("two rows' plans swapped", data, _swapped(data, "plan", order), False)]


_HASH_HINTS = {
    "the same rows in another order": ("Sort the rows (for example the lines of "
                                       "frame.to_csv(index=False)) before hashing; the index is "
                                       "not data, so leave it out."),
    "a copy of the table": "Hash the content, not the object: id() and hash() of a table differ.",
    "one income changed by 0.1": "Hash every value of every row, not only the shape or columns.",
    "a copy of row 4 appended": ("A set of rows forgets duplicates. Sort the rows, "
                                 "do not deduplicate them."),
    "the last row left out": "Every row must count: hash all of them.",
    "two rows' incomes swapped": ("Every column still holds the same values, but two rows are no "
                                  "longer the same rows. A hash of each column sorted on its "
                                  "own, or of counts and sums, cannot see which values share a "
                                  "row: sort whole rows, not columns."),
    "two rows' plans swapped": ("Every column still holds the same values, but two rows are no "
                                "longer the same rows. A hash of each column sorted on its own, "
                                "or of counts and sums, cannot see which values share a row: "
                                "sort whole rows, not columns."),
}
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{32,}")


@task("1", "content hash that ignores row order")
def check_content_hash(function):
    """The learner's ``function(frame) -> str`` gives equal hashes exactly for equal content.

    Classic mistakes, each caught by a case of its own: hashing the CSV with its index or in row
    order (a shuffle changes it); hashing the set of rows (a duplicate row vanishes); hashing the
    shape or the columns (a changed value goes unseen); hashing each column sorted on its own,
    or a count-and-sum fingerprint (values swapped between two rows go unseen); id() or hash()
    of the object (a copy differs); returning something other than a hex digest. The cases run
    on the task's example, then on a fresh table drawn at check time, so a function tuned to
    the example fails too. Each table is handed over as a copy: an in-place edit by the
    learner's function cannot change the next case.
    """
    require_function(function, "content_hash")
    if function is compute_dataset_hash:
        raise Fail("content_hash is the book's compute_dataset_hash, which the task asks you not "
                   "to call.", "Write the few lines yourself: sort the rows, then hash them.")
    require_own_code(function, "content_hash", {"compute_dataset_hash"})
    cases = _hash_cases()
    example = True
    for batch in (cases, None):
        if batch is None:  # the example passed: now a table the learner has not seen
            batch, example = _hash_cases(_fresh_rng()), False
        wrong = []  # (name, equal?) of the pairs the hash gets wrong
        for name, first, second, same in batch:
            a, b = function(first.copy()), function(second.copy())
            for digest in (a, b):
                require_returned(digest, "content_hash",
                                 "End the function with `return` and the hex digest.")
                if not isinstance(digest, str):
                    raise Fail(f"content_hash should return a str (a hex digest); got "
                               f"{type(digest).__name__}.",
                               "hashlib.sha256(data).hexdigest() gives a str.")
                if not _HEX_DIGEST.fullmatch(digest):
                    raise Fail(f"content_hash returned {digest[:40]!r}, which is not a "
                               "hexadecimal digest.",
                               "Return hashlib.sha256(text.encode()).hexdigest(): 64 hex digits.")
            if (a == b) != same:
                wrong.append((name, a == b))
        if wrong:
            # A hash of the object (id, hash()) differs for a copy, and for a shuffle too: name
            # the copy, the case that says what the mistake is.
            name, equal = next((w for w in wrong if w[0] == "a copy of the table"), wrong[0])
            where = "the task's example" if example else "a fresh table drawn at check time"
            raise Fail(f"For {name} ({where}), your hashes are "
                       f"{'equal' if equal else 'different'}; they should be "
                       f"{'different' if equal else 'equal'}.", _HASH_HINTS[name])
    return (f"Equal hashes exactly for equal content, on all {len(cases)} test pairs of the "
            "example and of a fresh table.")


# --- Task 2 -------------------------------------------------------------------------------

def good_batches():
    """Five good churn batches of 1,000 rows (seeds 20-24)."""
    return [make_churn_data(1_000, seed=seed) for seed in range(20, 25)]


def _with_partner_in_dollars(batch):
    """The fault of the bad batch: the partner source reports income in dollars, not thousands."""
    partner = batch["source"] == "partner"
    batch.loc[partner, "income_k"] = batch.loc[partner, "income_k"] * 1_000
    return batch


def bad_batch():
    """A batch in which the partner source reports income in dollars, not thousands of dollars."""
    return _with_partner_in_dollars(make_churn_data(1_000, seed=30))


#: How many fresh good and bad batches a data test meets at check time.
FRESH_GOOD_BATCHES, FRESH_BAD_BATCHES = 40, 10


def _verdict_of(function, batch):
    verdict = function(batch.copy())
    require_returned(verdict, "batch_is_good",
                     "Return True for a good batch and False for a bad one.")
    if type(verdict).__name__ not in ("bool", "bool_"):
        raise Fail(f"batch_is_good should return True or False; got {type(verdict).__name__}.",
                   "Reduce a column of checks to one bool, e.g. with `.all()`, then bool().")
    return bool(verdict)


@task("2", "a data test that stops the bad batch")
def check_data_test(function):
    """The learner's ``function(batch) -> bool`` passes good batches and fails bad ones.

    Classic mistakes: a rule that lets everything through (no test at all, or one on a column
    the fault does not touch); a rule too strict for good data (bounds a good night can cross);
    a rule that returns a column of bools; a rule that memorises last night's batch (its length
    and values, its exact mean) instead of the fault, which a fresh bad batch with the same
    fault gets through; a rule tuned to the five good batches (bounds set at their exact minima
    and maxima), which rejects fresh good batches. So after the task's six batches, the rule
    meets 40 fresh good batches and 10 fresh batches with the same fault, drawn at check time.
    """
    require_function(function, "batch_is_good")
    for number, batch in enumerate(good_batches(), start=1):
        if not _verdict_of(function, batch):
            raise Fail(f"batch_is_good rejects good batch {number} of 5.",
                       "Too strict: a test that fails good data gets switched off. Base your "
                       "bounds on what good batches can contain, with some margin.")
    if _verdict_of(function, bad_batch()):
        raise Fail("batch_is_good lets the bad batch through.",
                   "Compare the income_k column of bad_batch() with a good batch: its range, "
                   "its mean.")
    rng = _fresh_rng()
    seeds = [_fresh_seed(rng) for _ in range(FRESH_GOOD_BATCHES + FRESH_BAD_BATCHES)]
    rejected = sum(not _verdict_of(function, make_churn_data(1_000, seed=seed))
                   for seed in seeds[:FRESH_GOOD_BATCHES])
    if rejected:
        raise Fail(f"batch_is_good passes the five good batches but rejects {rejected} of "
                   f"{FRESH_GOOD_BATCHES} fresh good batches drawn at check time.",
                   "Your rule is tuned to those five (bounds at their exact minimum or "
                   "maximum?). Bound what any good night can contain, with a wide margin, "
                   "and aim at the fault you found.")
    missed = sum(_verdict_of(function, _with_partner_in_dollars(make_churn_data(1_000, seed=s)))
                 for s in seeds[FRESH_GOOD_BATCHES:])
    if missed:
        raise Fail(f"batch_is_good stops last night's bad batch but lets {missed} of "
                   f"{FRESH_BAD_BATCHES} fresh batches with the same fault through.",
                   "Your rule recognises that one batch, not its fault. Test the property the "
                   "fault breaks (the range or mean of income_k), not the batch's own values.")
    return (f"It passes all 5 good batches and stops the batch with incomes in dollars, and "
            f"holds on {FRESH_GOOD_BATCHES} fresh good and {FRESH_BAD_BATCHES} fresh bad "
            "batches.")


# --- Task 3 -------------------------------------------------------------------------------

#: Task 3: a support-ticket router retrained without a labelling vendor's tickets on this many
#: bootstrap replicates; each gives a change in held-out routing accuracy (points).
VENDOR_TASK = {"n_replicates": 30}
#: Decimals the task asks for the mean gain and the noise band ("to two decimals").
GAIN_DECIMALS = 2
_VENDOR_SEED = 2034


def _vendor_gains_private():
    rng = np.random.default_rng(_VENDOR_SEED)
    return np.round(rng.normal(0.9, 0.6, 30), 2)


def vendor_gains():
    """The task's 30 replicate gains (points): accuracy without the vendor's tickets minus with
    them, one per bootstrap replicate (a copy; the check keeps its own)."""
    return pd.Series(_vendor_gains_private(), name="gain_points").rename_axis("replicate")


def _vendor_truth():
    gains = _vendor_gains_private()
    return float(gains.mean()), 1.96 * float(gains.std(ddof=1)), 1.96 * float(gains.std(ddof=0))


@task("3", "a vendor's labels: gain, noise band and decision")
def check_vendor_slice(mean_gain_points, noise_band_points, drop_it):
    """The mean gain (points), its 95% noise band (1.96 standard deviations of the replicates,
    points) and whether to drop the vendor's tickets.

    Classic mistakes: the gain with its sign reversed; the median for the mean; the band as
    1.96 standard errors of the *mean* (the standard deviation divided by the square root of 30,
    far too narrow: the band is the spread of one replicate's value); one standard deviation
    without the 1.96; the band's full width (twice the half-width); the variance for the
    standard deviation; and dropping the tickets because the mean gain is positive, although it
    lies within its band. Either standard deviation (ddof 1 or 0) is accepted, each to two
    decimals.
    """
    gains = _vendor_gains_private()
    mean, band, band_ddof0 = _vendor_truth()
    got = require_number(mean_gain_points, "mean_gain_points")
    if not close_at_precision(got, mean, GAIN_DECIMALS):
        if close_at_precision(-got, mean, GAIN_DECIMALS):
            raise Fail(f"mean_gain_points is {got:g}: the sign is wrong.",
                       "Each replicate already gives accuracy without the vendor minus with it.")
        if close_at_precision(got, float(np.median(gains)), GAIN_DECIMALS):
            raise Fail(f"mean_gain_points is {got:g}: that is the median.",
                       "The value of a slice is the mean of its replicates.")
        raise Fail(f"mean_gain_points is {got:g}; that is not the mean of the 30 gains (to "
                   f"{GAIN_DECIMALS} decimals).", "Average the replicates' gains.")
    got_band = require_number(noise_band_points, "noise_band_points")
    if not (close_at_precision(got_band, band, GAIN_DECIMALS)
            or close_at_precision(got_band, band_ddof0, GAIN_DECIMALS)):
        sd = band / 1.96
        for wrong, hint in (
                (band / math.sqrt(len(gains)),
                 "That is 1.96 standard errors of the mean: the band of one value is the spread "
                 "of the replicates themselves, 1.96 times their standard deviation."),
                (sd, "That is one standard deviation: a 95% band is 1.96 of them."),
                (2 * band, "That is the band's full width; give its half-width, the ± part."),
                (1.96 * sd ** 2, "That uses the variance: take its square root first.")):
            if close_at_precision(got_band, wrong, GAIN_DECIMALS):
                raise Fail(f"noise_band_points is {got_band:g}.", hint)
        raise Fail(f"noise_band_points is {got_band:g}; that is not 1.96 standard deviations of "
                   f"the gains (to {GAIN_DECIMALS} decimals).",
                   "Take the standard deviation of the 30 gains and multiply by 1.96.")
    decision = require_bool(drop_it, "drop_it")
    beyond = mean > band
    if decision != beyond:
        hint = (f"A mean gain of {mean:.2f} points is within its band of ±{band:.2f}: another "
                "draw of tickets could give the opposite sign. A positive gain alone is not "
                "evidence." if not beyond else
                f"The mean gain of {mean:.2f} points is beyond its band of ±{band:.2f}.")
        raise Fail(f"drop_it is {decision}, but the gain is "
                   f"{'beyond' if beyond else 'within'} the noise.", hint)
    return (f"The vendor's tickets cost {mean:.2f} points on average, within a noise band of "
            f"±{band:.2f}: no evidence yet that they harm the router." if not beyond else
            f"The gain of {mean:.2f} points is beyond its band of ±{band:.2f}: drop them.")


# --- Task 4 -------------------------------------------------------------------------------

#: The thermostat of task 4: the accuracy the product may lose against the best forest
#: (percentage points) and the storage its microcontroller spares for the model (kB).
THERMOSTAT_TASK = {"budget_points": 1.0, "device_kb": 64.0}
_THERMOSTAT_TASK = dict(THERMOSTAT_TASK)
_THERMOSTAT_DEPTHS = (2, 4, 8, 16)
_THERMOSTAT_TREES = (1, 2, 4, 8, 16, 32)


def _occupancy_data(n_rows, seed):
    """Hours of a smart thermostat's log: (hour, weekday, motion events, CO2 ppm, door
    openings) and whether the room was occupied in the next hour (1) or not (0)."""
    rng = np.random.default_rng(seed)
    hour, weekday = rng.integers(0, 24, n_rows), rng.integers(0, 7, n_rows)
    motion, co2, doors = rng.poisson(3, n_rows), rng.normal(600, 150, n_rows), rng.poisson(1, n_rows)
    office_hours = (weekday < 5) & (hour >= 8) & (hour < 18)
    logit = -2.0 + 2.5 * office_hours + 0.45 * motion + 0.006 * (co2 - 600) + 0.3 * doors
    occupied = rng.random(n_rows) < 1 / (1 + np.exp(-logit))
    features = np.column_stack([hour, weekday, motion, co2, doors]).astype(float)
    return features, occupied.astype(int)


@functools.lru_cache(maxsize=1)
def _thermostat_forests():
    """(max_depth, n_trees, test accuracy, pickled kB) of every forest of the task, computed by
    the check itself: 2,500 training hours, 3,000 test hours."""
    from sklearn.ensemble import RandomForestClassifier

    (X, y), (X_test, y_test) = _occupancy_data(2_500, 11), _occupancy_data(3_000, 12)
    rows = []
    for depth in _THERMOSTAT_DEPTHS:
        forest = RandomForestClassifier(n_estimators=1, max_depth=depth, random_state=3,
                                        warm_start=True)
        for count in _THERMOSTAT_TREES:
            forest.set_params(n_estimators=count)
            forest.fit(X, y)
            rows.append((depth, count, forest.score(X_test, y_test),
                         len(pickle.dumps(forest, protocol=5)) / 1000))
    return tuple(rows)


def _thermostat_choice(budget_points=None, relative=False):
    """Index of the smallest forest within the budget of the best (or 1% of it, `relative`)."""
    rows = _thermostat_forests()
    points = _THERMOSTAT_TASK["budget_points"] if budget_points is None else budget_points
    best = max(r[2] for r in rows)
    floor = best * (1 - points / 100) if relative else best - points / 100
    within = [i for i, r in enumerate(rows) if r[2] >= floor - 1e-12]
    return min(within, key=lambda i: rows[i][3])


def plot_thermostat_forests():
    """Figure of task 4: accuracy against size on disk of the thermostat's forests.

    One line per depth (marker and line style), each point labelled with its number of trees;
    the band shades the accuracies within the budget of the best, the dotted line marks the
    device's storage. A pyplot figure, so that ``plt.show()`` shows it in a notebook.
    """
    import matplotlib.pyplot as plt

    from mlsys.style import PALETTE, decorate

    rows = _thermostat_forests()
    budget, device_kb = _THERMOSTAT_TASK["budget_points"], _THERMOSTAT_TASK["device_kb"]
    fig, ax = plt.subplots(figsize=(7.5, 4.8), layout="constrained")
    styles = zip(_THERMOSTAT_DEPTHS, "os^D", ["-", "--", "-.", ":"],
                 [PALETTE[c] for c in ("blue", "orange", "green", "purple")])
    for depth, marker, style, colour in styles:
        points = [r for r in rows if r[0] == depth]
        ax.plot([r[3] for r in points], [100 * r[2] for r in points], marker=marker,
                linestyle=style, color=colour, label=f"depth {depth}")
        for _, trees, accuracy, kb in points:
            ax.annotate(str(trees), (kb, 100 * accuracy), textcoords="offset points",
                        xytext=(0, 7), ha="center", fontsize=8)
    best = 100 * max(r[2] for r in rows)
    ax.axhspan(best - budget, best + 0.5, color=PALETTE["sky"], alpha=0.25,
               label=f"within {budget:g} point of the best")
    ax.axvline(device_kb, color=PALETTE["black"], linestyle=(0, (1, 2)), lw=1.5,
               label=f"{device_kb:g} kB thermostat")
    ax.set_xscale("log")
    decorate(ax, xlabel="model size on disk (kB, log scale)", ylabel="test accuracy (%)",
             title="Occupancy forests: test accuracy against size (labels: number of trees)")
    ax.legend(loc="lower right", ncols=2, fontsize="small")
    return fig


def _forest_name(i):
    depth, trees, accuracy, kb = _thermostat_forests()[i]
    return f"{format_count(trees, 'tree')} of depth {depth} ({100 * accuracy:.1f}%, {kb:,.0f} kB)"


@task("4", "the thermostat's forest, read off the figure")
def check_thermostat_forest(chosen_forest, fits_device):
    """The learner's (max_depth, n_trees) read off the figure, and whether it fits the device.

    Classic mistakes: the most accurate forest; the forest with the fewest trees within the
    budget (deep trees are large); the smallest forest of all (the budget ignored); a budget of
    1% of the best accuracy (relative), not 1 point; the pair in the other order,
    (n_trees, max_depth); a forest outside the budget; and, for the device, the verdict of the
    most accurate forest instead of the chosen one. A list, tuple or array is accepted.
    """
    pair = require_sequence(chosen_forest, "chosen_forest", length=2)
    depth, trees = (require_number(v, name) for v, name in zip(pair, ("max_depth", "n_trees")))
    rows = _thermostat_forests()
    index = {(r[0], r[1]): i for i, r in enumerate(rows)}
    expected = _thermostat_choice()
    expected_pair = rows[expected][:2]
    if (trees, depth) == expected_pair and depth != trees:
        raise Fail(f"{tuple(pair)} has the numbers in the other order.",
                   "The task asks for (max_depth, n_trees): the depth first.")
    if (depth, trees) not in index:
        raise Fail(f"{tuple(pair)} is not a forest of the figure.",
                   f"Depths are {_THERMOSTAT_DEPTHS}; the labels give the trees, "
                   f"{_THERMOSTAT_TREES}.")
    row = index[depth, trees]
    best = max(range(len(rows)), key=lambda i: rows[i][2])
    if row != expected:
        within = rows[row][2] >= rows[best][2] - _THERMOSTAT_TASK["budget_points"] / 100 - 1e-12
        within_ids = [i for i, r in enumerate(rows)
                      if r[2] >= rows[best][2] - _THERMOSTAT_TASK["budget_points"] / 100 - 1e-12]
        fewest = min(within_ids, key=lambda i: (rows[i][1], rows[i][3]))
        if row == best:
            hint = ("That is the most accurate forest: the task asks for the smallest one in the "
                    "shaded band.")
        elif row == min(range(len(rows)), key=lambda i: rows[i][3]):
            hint = ("That is the smallest forest of all, far below the band: keep only the "
                    "points inside the shaded band, then take the leftmost.")
        elif row == _thermostat_choice(relative=True):
            hint = ("A budget of 1% of the best accuracy is not 1 point: the band starts one "
                    "percentage point below the best.")
        elif row == fewest:
            hint = ("Fewest trees is not smallest: deep trees are large. Compare the points' "
                    "positions on the size axis, not their labels.")
        elif not within:
            hint = "That point lies below the shaded band: it loses more than the budget."
        else:
            hint = "Inside the band, take the point furthest to the left: the smallest on disk."
        raise Fail(f"{tuple(pair)} is not the smallest forest within "
                   f"{_THERMOSTAT_TASK['budget_points']:g} point of the best.", hint)
    fits = rows[expected][3] <= _THERMOSTAT_TASK["device_kb"]
    verdict = require_bool(fits_device, "fits_device")
    if verdict != fits:
        hint = ("That is the verdict for the most accurate forest, not the chosen one."
                if verdict == (rows[best][3] <= _THERMOSTAT_TASK["device_kb"]) else
                "Compare the chosen point with the dotted line of the device.")
        raise Fail(f"fits_device is {verdict}, but the chosen forest "
                   f"{'fits' if fits else 'does not fit'} in "
                   f"{_THERMOSTAT_TASK['device_kb']:g} kB.", hint)
    return (f"{_forest_name(expected)}: the smallest within the budget, and it "
            f"{'fits' if fits else 'does not fit'} in {_THERMOSTAT_TASK['device_kb']:g} kB; the "
            f"most accurate forest takes {rows[best][3]:,.0f} kB.")


# --- Task 5 -------------------------------------------------------------------------------

#: Bits per parameter of the number formats a model's weights can be stored in (a copy is
#: handed out; the check keeps its own).
FORMAT_BITS = {"float32": 32, "float16": 16, "int8": 8, "int4": 4}
_FORMAT_BITS = dict(FORMAT_BITS)
_FORMAT_NAMES = {  # each format with the task text's own words and common spellings
    "float32": ("fp32", "float 32", "32-bit float", "32-bit floats", "single precision", "32-bit"),
    "float16": ("fp16", "float 16", "16-bit float", "16-bit floats", "half precision", "half", "16-bit"),
    "int8": ("int 8", "8-bit integer", "8-bit integers", "8-bit int", "8 bits", "8-bit"),
    "int4": ("int 4", "4-bit integer", "4-bit integers", "4-bit int", "4 bits", "4-bit"),
}
#: The device of task 5: a model of this many parameters, this much memory free for it (GB).
DEVICE_TASK = {"n_parameters": 2.7e9, "free_gb": 3.0}
_DEVICE_TASK = dict(DEVICE_TASK)
_MEMORY_CASES = ((7e9, 16), (1.3e9, 32), (125e6, 8), (70e9, 4), (3, 32))


def _weights_gb(n_parameters, bits_per_parameter):
    return n_parameters * bits_per_parameter / 8 / 1e9


def _fresh_memory_cases(rng, count=5):
    """Parameter counts and formats the learner has not seen: from a thousand to 400 billion."""
    return [(float(round(10 ** rng.uniform(3, 11.6))), int(rng.choice([2, 3, 4, 8, 16, 32])))
            for _ in range(count)]


def _memory_hint(got, expected):
    for factor, hint in ((8, "That counts bits: a byte is 8 bits, so divide the bits by 8."),
                         (1e9 / 2**30, "That is GiB (2**30 bytes); this book's GB is 10**9 "
                                       "bytes."),
                         (1e3, "That is MB: divide the bytes by 10**9 for GB."),
                         (1e9, "That is bytes: divide them by 10**9 for GB."),
                         (8e9, "That is bits: divide by 8 for bytes, then by 10**9 for GB.")):
        if math.isclose(got, expected * factor, rel_tol=1e-6):
            return hint
    return "Bytes = parameters x bits per parameter / 8; GB = bytes / 10**9."


@task("5", "memory of a model's weights")
def check_weights_memory(function, chosen_format):
    """The learner's ``weights_gb(n_parameters, bits_per_parameter)`` and the format chosen.

    Classic mistakes of the function: bits taken for bytes (8 times too large); GiB for GB;
    MB, bytes or bits for GB; a function that only knows the task's example sizes (fresh
    counts and formats are drawn at check time). Of the choice: a format that does not fit
    (float16, float32), and the narrowest format (int4) where a more precise one fits. The
    format may be spelt in any case or in the task's words ("8-bit integers").
    """
    require_function(function, "weights_gb")
    for n_parameters, bits in (*_MEMORY_CASES, *_fresh_memory_cases(_fresh_rng())):
        got = function(n_parameters, bits)
        require_returned(got, "weights_gb", "End the function with `return` and the size in GB.")
        got = require_number(got, f"weights_gb({n_parameters:g}, {bits})")
        expected = _weights_gb(n_parameters, bits)
        if not math.isclose(got, expected, rel_tol=1e-6):
            raise Fail(f"weights_gb({n_parameters:g}, {bits}) returned {got:g}; expected "
                       f"{expected:g} GB.", _memory_hint(got, expected))
    chosen = require_choice(chosen_format, _FORMAT_NAMES, "chosen_format")
    sizes = {name: _weights_gb(_DEVICE_TASK["n_parameters"], bits)
             for name, bits in _FORMAT_BITS.items()}
    fitting = [name for name, size in sizes.items() if size <= _DEVICE_TASK["free_gb"]]
    expected_format = max(fitting, key=_FORMAT_BITS.get)
    size = sizes[chosen]
    if chosen == expected_format:
        return (f"weights_gb is right on {format_count(len(_MEMORY_CASES), 'case')} and on fresh "
                f"ones, and {chosen} weights take {size:.2f} GB of the "
                f"{_DEVICE_TASK['free_gb']:g} GB free: the most precise format that fits.")
    if size > _DEVICE_TASK["free_gb"]:
        raise Fail(f"In {chosen} the weights take {size:.2f} GB: more than the "
                   f"{_DEVICE_TASK['free_gb']:g} GB free.", "Use your weights_gb for each "
                   "format and keep only those that fit.")
    raise Fail(f"{chosen} fits ({size:.2f} GB), but a more precise format fits too.",
               "Fewer bits per weight cost accuracy: take the widest format that fits, not the "
               "narrowest.")


# --- Task 6 -------------------------------------------------------------------------------

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


#: What a model record can store to name the data it was trained on (task 6a), with the task
#: text's own words as other spellings.
VERSION_KEYS = {
    "manifest hash": ("hash of the manifest", "the manifest's hash", "manifest's hash",
                      "manifest digest", "manifest sha256", "version hash",
                      "content hash of the manifest", "manifest.version"),
    "folder path": ("path", "folder", "the folder's path", "dataset path", "path of the folder",
                    "location"),
    "snapshot date": ("date", "the date", "training date", "date of the snapshot"),
    "row count": ("rows", "number of rows", "the number of rows", "count of rows"),
}
_VERSION_KEY_HINTS = {
    "folder path": ("A path names a place, not content: day 17 was corrected under the same "
                    "name, so the same path held two contents. Store what names the content."),
    "snapshot date": ("A date does not name content: two versions can be made the same day, and "
                      "day 17's correction changed data without changing any date."),
    "row count": ("Day 17's correction changed labels and kept every row count: counts cannot "
                  "tell two versions apart."),
}


@functools.lru_cache(maxsize=1)
def _manifest_diff():
    old, new = manifests()
    return old, new, diff_manifests(old, new)


@task("6a", "versioning a large dataset: what to store and how to name it")
def check_versioning_decision(partitions_to_store, version_key):
    """The partitions today's version adds to the store, and what a model record stores.

    Classic mistakes of the partitions: every partition of today's version (a full copy); only
    the new days (a corrected day has a new hash and must be stored too); the dropped day (today
    no longer lists it); only the changed day; the partitions' hashes instead of their names.
    Of the name: the folder path, the date or the row count, none of which changes exactly when
    the content does. Any list, tuple, set, array or Series of names is accepted, in any order.
    """
    old, new, diff = _manifest_diff()
    expected = set(diff["added"]) | set(diff["changed"])
    names = set(require_sequence(partitions_to_store, "partitions_to_store", ordered=False))
    if names != expected:
        all_new = {name for name, _, _ in new.partitions}
        hashes = {digest for manifest in (old, new) for _, _, digest in manifest.partitions}
        if names and names <= hashes:
            hint = "Those are partition hashes; give the partitions' names (e.g. 'day-31')."
        elif names == all_new:
            hint = ("That stores every partition again: a full copy. Partitions whose hash "
                    "the store already holds cost nothing.")
        elif names == set(diff["added"]):
            hint = ("A partition whose content changed has a new hash: the store must keep it "
                    "too, beside the old one that last month's version still needs.")
        elif names == set(diff["changed"]):
            hint = "The new days are not in the store yet: they must be stored too."
        elif names & set(diff["removed"]):
            hint = "A partition today's version no longer lists needs no new storage."
        else:
            hint = ("Compare the hashes of the two manifests (diff_manifests): new names and "
                    "new hashes must be stored.")
        raise Fail(f"partitions_to_store has {format_count(len(names), 'partition')}; that is "
                   "not what today's version adds to the store.", hint)
    key = require_choice(version_key, VERSION_KEYS, "version_key")
    if key != "manifest hash":
        raise Fail(f"version_key is {key!r}, which does not change exactly when the data do.",
                   _VERSION_KEY_HINTS[key])
    return (f"Today's version stores {format_count(len(expected), 'new partition')} and a manifest "
            f"of {new.size_bytes:,} bytes, named by the manifest's hash: it changes exactly "
            "when some partition's content does.")


_VERSIONING_RUBRIC = [
    "Partitions are immutable and named by a content hash; a correction or deletion is a new "
    "partition (and a new version), never an overwrite.",
    "A version is a small manifest listing its partitions' hashes, named by its own hash: no "
    "copy of the 40 TB, only the new partitions and a manifest of kilobytes.",
    "Every model record stores the manifest hash with the code version and the parameters, so "
    "the data behind a decision a year ago can be found and the training set rebuilt.",
    "Retention follows the question: partitions stay as long as a model trained on them may be "
    "asked about (privacy deletions recorded as new versions).",
    "Names the trade-off or a tool that does this (git-like content addressing, DVC, lakeFS, "
    "Delta Lake or Iceberg snapshots).",
]
_VERSIONING_MODEL_ANSWER = (
    "Store daily partitions once, immutable and named by content hash; a version is a manifest "
    "of those hashes (about 15 kB for 200 partitions), named by its own hash; each model record "
    "keeps that hash with the code version and parameters, so the regulator's question is a "
    "lookup and the training set can be rebuilt.")

check_versioning_argument = written_task(
    "6b", "versioning a large dataset: your argument (open question)",
    rubric=_VERSIONING_RUBRIC, model_answer=_VERSIONING_MODEL_ANSWER, min_words=60)


# --- Task 7 -------------------------------------------------------------------------------

#: The devices of task 7 and their memory bandwidths in GB/s (a copy is handed out; the check
#: keeps its own).
DEVICES = {"phone": 50, "laptop": 100, "desktop GPU": 360, "console": 600, "accelerator": 2_000}
_DEVICES = dict(DEVICES)
#: The model and the target of task 7: 13 billion parameters in 8-bit integers, 25 tokens/s.
STREAM_TASK = {"n_parameters": 13e9, "bits_per_parameter": 8, "tokens_per_s": 25}
_STREAM_TASK = dict(STREAM_TASK)
_TOKEN_CASES = ((7e9, 16, 1_000), (13e9, 8, 100), (70e9, 4, 3_350), (1.3e9, 32, 50))


def _ms_per_token(n_parameters, bits_per_parameter, bandwidth_gb_per_s):
    return n_parameters * bits_per_parameter / 8 / (bandwidth_gb_per_s * 1e9) * 1e3


def _fresh_token_cases(rng, count=5):
    """Sizes, formats and bandwidths the learner has not seen."""
    return [(float(round(10 ** rng.uniform(6, 11.5))), int(rng.choice([2, 4, 8, 16, 32])),
             float(round(10 ** rng.uniform(1, 3.7)))) for _ in range(count)]


def _token_hint(got, expected):
    for factor, hint in ((8, "That counts bits: a byte is 8 bits, so divide the bits by 8."),
                         (1e-3, "That is seconds: multiply by 1,000 for milliseconds."),
                         (1e3, "That is microseconds: milliseconds are 1,000 times fewer."),
                         (2**30 / 1e9, "That takes a GB/s as 2**30 bytes a second; this "
                                       "book's GB is 10**9 bytes.")):
        if math.isclose(got, expected * factor, rel_tol=1e-6):
            return hint
    if math.isclose(got, 1e3 / expected, rel_tol=1e-6):
        return "That is tokens per second: the time per token is its inverse, in ms."
    return ("Time = bytes of the weights / bytes per second of bandwidth: "
            "parameters x bits / 8 / (GB/s x 10**9), then x 1,000 for ms.")


def _possible_devices(bits=None, threshold_ms=None):
    """Devices whose bound allows the target (with a classic mistake's bits or threshold)."""
    bits = _STREAM_TASK["bits_per_parameter"] if bits is None else bits
    limit = 1e3 / _STREAM_TASK["tokens_per_s"] if threshold_ms is None else threshold_ms
    return frozenset(name for name, bandwidth in _DEVICES.items()
                     if _ms_per_token(_STREAM_TASK["n_parameters"], bits, bandwidth) <= limit)


@task("7", "the least time per token, from memory bandwidth")
def check_token_time_bound(function, possible_devices):
    """The learner's ``min_ms_per_token(n_parameters, bits_per_parameter, bandwidth_gb_per_s)``
    and the devices the bound does not rule out for 25 tokens a second.

    Classic mistakes of the function: bits taken for bytes (8 times too slow); seconds or
    microseconds for ms; GiB/s for GB/s; tokens per second for time per token; a function that
    only knows the task's examples (fresh cases are drawn at check time). Of the choice: the ms
    per token compared with 25 instead of 1,000 / 25 = 40 ms; 16-bit weights (26 GB) for the
    8-bit model; bits taken for bytes (no device left); the comparison reversed (the slow
    devices); and any other set. Names are matched in any case, in any order, as a list, tuple,
    set or Series.
    """
    require_function(function, "min_ms_per_token")
    for case in (*_TOKEN_CASES, *_fresh_token_cases(_fresh_rng())):
        got = function(*case)
        call = f"min_ms_per_token({case[0]:g}, {case[1]}, {case[2]:g})"
        require_returned(got, "min_ms_per_token", "End the function with `return` and the "
                                                  "time in ms.")
        got = require_number(got, call)
        expected = _ms_per_token(*case)
        if not math.isclose(got, expected, rel_tol=1e-6):
            raise Fail(f"{call} returned {got:g}; expected {expected:g} ms.",
                       _token_hint(got, expected))
    names = require_sequence(possible_devices, "possible_devices", ordered=False)
    chosen = frozenset(require_choice(name, {d: () for d in _DEVICES}, "each device")
                       for name in names)
    expected = _possible_devices()
    if chosen == expected:
        return (f"min_ms_per_token is right on {format_count(len(_TOKEN_CASES), 'case')} and on "
                f"fresh ones, and {format_count(len(expected), 'device')} can reach "
                f"{_STREAM_TASK['tokens_per_s']} tokens/s as far as the bound goes: "
                f"{', '.join(sorted(expected))}.")
    limit = 1e3 / _STREAM_TASK["tokens_per_s"]
    mistakes = (
        (_possible_devices(threshold_ms=_STREAM_TASK["tokens_per_s"]),
         f"That compares the ms per token with {_STREAM_TASK['tokens_per_s']}.",
         f"{_STREAM_TASK['tokens_per_s']} tokens a second leave 1,000 / "
         f"{_STREAM_TASK['tokens_per_s']} = {limit:g} ms per token."),
        (_possible_devices(bits=16), "That is the bound for 16-bit weights (26 GB).",
         "The model is stored in 8-bit integers: 13 GB."),
        (_possible_devices(bits=64), "That takes each bit of a weight for a byte.",
         "8-bit integers are 1 byte per parameter."),
        (frozenset(_DEVICES) - expected, "Those are the devices the bound rules out.",
         f"Keep the devices whose least time per token is at most {limit:g} ms."),
    )
    for wrong, message, hint in mistakes:
        if chosen == wrong:
            raise Fail(message, hint)
    raise Fail(f"Not the devices the bound allows: you named "
               f"{', '.join(sorted(chosen)) or 'none'}.",
               f"Use your min_ms_per_token for each device of checks.DEVICES and keep those "
               f"at most {limit:g} ms per token.")
