"""Checks for the research-vs-production exercises (exercises/02_research_vs_production.ipynb).

No check depends on the learner's machine: tasks 3 and 4 use timings measured once and stored
here, and task 2 uses the seeded shop with a perfect click model. No check reads an object the
learner also holds: the stored data are tuples (which cannot be edited in place) or private copies
made when this module is imported, and task 2 regenerates its shop on every call. No task asks for
a function, so the only learner code a check runs is an answer's own conversion to a number or a
list, inside the `task` decorator.
"""

from __future__ import annotations

import copy
import math

import numpy as np

from mlsys.checks import (Fail, close_at_precision, require_answer, require_choice,
                          require_number, require_sequence, task, written_task)
from mlsys.production import (PURCHASE_RATE, ServingEconomics, make_catalogue, trace_frontier,
                              value_of_gains)
from mlsys.style import format_count

# ---------------------------------------------------------------------------------------------
# Task 1: one user's page ranked for revenue
# ---------------------------------------------------------------------------------------------

#: One user's six candidate items: chance of a click, price and the sponsor's payment per click.
#: Chosen so that every classic ranking mistake gives its own page (tests/test_checks_production).
WARMUP_CLICK_PROBABILITY = (0.15, 0.12, 0.08, 0.04, 0.02, 0.005)
WARMUP_PRICE_USD = (5.0, 60.0, 8.0, 10.0, 50.0, 30.0)
WARMUP_AD_VALUE_USD = (0.0, 0.0, 3.0, 4.0, 0.0, 0.0)
WARMUP_PAGE_SIZE = 3
#: Decimals the task asks for in `clicks` and `revenue_usd`.
WARMUP_DECIMALS = 3


def _warmup_arrays():
    """Fresh arrays of the task's data (the tuples above cannot be edited in place)."""
    return (np.array(WARMUP_CLICK_PROBABILITY), np.array(WARMUP_PRICE_USD),
            np.array(WARMUP_AD_VALUE_USD))


def _warmup_expected_revenue() -> np.ndarray:
    probability, price, ad_value = _warmup_arrays()
    return probability * (PURCHASE_RATE * price + ad_value)


def _top(scores) -> set:
    return set(np.argsort(-np.asarray(scores), kind="stable")[:WARMUP_PAGE_SIZE].tolist())


def _bottom(scores) -> set:
    return set(np.argsort(np.asarray(scores), kind="stable")[:WARMUP_PAGE_SIZE].tolist())


def warmup_mistaken_pages() -> dict:
    """{classic ranking mistake: the page it gives} on the task's data."""
    probability, price, ad_value = _warmup_arrays()
    return {
        "value per click": _top(PURCHASE_RATE * price + ad_value),
        "price": _top(price),
        "engagement": _top(probability),
        "no ad value": _top(probability * PURCHASE_RATE * price),
        "no purchase rate": _top(probability * (price + ad_value)),
        "lowest first": _bottom(probability * (PURCHASE_RATE * price + ad_value)),
        "numbered from 1": {i + 1 for i in _top(_warmup_expected_revenue())},
    }


_PAGE_HINTS = {
    "value per click": "Those items earn the most *per click*, but some are rarely clicked. Rank "
                       "by expected revenue per impression: click probability x revenue per click.",
    "price": "Those are the most expensive items; a click brings only 10% of the price (plus the "
             "ad value), and it has to happen first: rank by probability x revenue per click.",
    "engagement": "That is the page for engagement (most clicks); this task ranks for revenue.",
    "no ad value": "Did you leave out the sponsor's payment? A click is worth 10% of the price "
                   "plus the ad value.",
    "no purchase rate": "You counted the whole price per click; a click brings PURCHASE_RATE (10%) "
                        "of the price in sales, plus the ad value.",
    "lowest first": "Those are the 3 items with the *lowest* expected revenue: sort in descending "
                    "order (np.argsort(-scores)).",
    "numbered from 1": "Items are numbered from 0 (a numpy index), not from 1.",
}


def _page_items(page) -> set:
    require_answer(page, "page")
    if isinstance(page, (set, frozenset)):  # the order of a page's items does not matter here
        page = sorted(page, key=repr)
    items = require_sequence(page, "page")
    chosen = []
    for item in items:
        number = require_number(item, "each item of page")
        if isinstance(item, (bool, np.bool_)) or not number.is_integer():
            raise Fail(f"page should hold whole item indices from 0 to 5; got {item!r}.")
        chosen.append(int(number))
    if len(chosen) != WARMUP_PAGE_SIZE or len(set(chosen)) != WARMUP_PAGE_SIZE:
        raise Fail(f"page should hold {WARMUP_PAGE_SIZE} different items; got {chosen!r}.")
    if min(chosen) < 0 or max(chosen) > 5:
        raise Fail(f"Items are numbered 0 to 5; got {sorted(chosen)}.")
    return set(chosen)


@task("1", "a page ranked for revenue")
def check_revenue_page(page, clicks, revenue_usd):
    """The learner's top-3 page by expected revenue, and its expected clicks and revenue, to
    three decimals.

    Classic mistakes, each with its own page on the task's data (`warmup_mistaken_pages`):
    ranking by revenue per click, by price or by click probability (the engagement page);
    leaving out the ad value; counting the whole price instead of PURCHASE_RATE of it; sorting
    in ascending order; numbering items from 1. For the metrics: the chance of at least one
    click, or the mean per item, instead of the expected clicks (a sum); revenue per click
    summed without the probabilities, or without the ad value, or with the whole price; the
    mean per item instead of the sum; a revenue in cents.
    """
    expected_revenue = _warmup_expected_revenue()
    expected_page = _top(expected_revenue)
    chosen = _page_items(page)
    if chosen != expected_page:
        mistake = next((name for name, mistaken in warmup_mistaken_pages().items()
                        if chosen == mistaken), None)
        hint = _PAGE_HINTS.get(mistake,
                               "Revenue per click = 0.1 x price + ad value; rank by probability "
                               "x that.")
        raise Fail(f"page {sorted(chosen)} is not the top {WARMUP_PAGE_SIZE} by expected revenue.",
                   hint)
    probability, price, ad_value = _warmup_arrays()
    items = sorted(expected_page)
    expected_clicks = float(probability[items].sum())
    clicks = require_number(clicks, "clicks")
    if not close_at_precision(clicks, expected_clicks, WARMUP_DECIMALS):
        mistakes = {
            1 - float(np.prod(1 - probability[items])):
                "That is the chance of at least one click; the expected number of clicks is the "
                "sum of the shown items' click probabilities.",
            expected_clicks / WARMUP_PAGE_SIZE:
                "That is the average per item; the page's expected clicks are the sum.",
            float(WARMUP_PAGE_SIZE):
                "That counts the items; the expected number of clicks on the page is the sum of "
                "the shown items' click probabilities.",
        }
        hint = next((text for value, text in mistakes.items()
                     if close_at_precision(clicks, value, WARMUP_DECIMALS)),
                    "Add the click probabilities of the items on the page.")
        raise Fail(f"clicks is {clicks:g}; that is not the page's expected clicks "
                   f"(to {WARMUP_DECIMALS} decimals).", hint)
    expected_usd = float(expected_revenue[items].sum())
    revenue_usd = require_number(revenue_usd, "revenue_usd")
    if not close_at_precision(revenue_usd, expected_usd, WARMUP_DECIMALS):
        value = PURCHASE_RATE * price + ad_value
        mistakes = {
            float(value[items].sum()):
                "That adds the revenue per click; weight each by its click probability.",
            float((probability * PURCHASE_RATE * price)[items].sum()):
                "That leaves out the sponsors' payments; add each item's ad value per click.",
            float((probability * (price + ad_value))[items].sum()):
                "That counts the whole price; a click brings 10% of the price plus the ad value.",
            expected_usd / WARMUP_PAGE_SIZE:
                "That is the average per item; the page's expected revenue is the sum.",
            100 * expected_usd: "That looks like cents; give the revenue in dollars.",
        }
        hint = next((text for mistaken, text in mistakes.items()
                     if close_at_precision(revenue_usd, mistaken, WARMUP_DECIMALS)),
                    "Add probability x revenue per click over the page's items.")
        raise Fail(f"revenue_usd is {revenue_usd:g}; that is not the page's expected revenue "
                   f"(to {WARMUP_DECIMALS} decimals).", hint)
    engagement = sorted(_top(probability))
    return (f"Page {items}: {expected_clicks:.2f} expected clicks and ${expected_usd:.3f} per "
            "page; "
            f"the engagement page {engagement} gets {probability[engagement].sum():.2f} clicks "
            f"but ${expected_revenue[engagement].sum():.3f}.")


# ---------------------------------------------------------------------------------------------
# Task 2: a weight that meets the sales target
# ---------------------------------------------------------------------------------------------

#: The shop of task 2 (ranked with its true click probabilities: a perfect click model).
FRONTIER_SHOP = dict(n_users=100, n_items=1_000, seed=3)
#: Sales asks for at least this much more revenue per page than the engagement policy.
REVENUE_TARGET = 0.25
#: Decimals the task asks for in `clicks_lost`.
CLICKS_LOST_DECIMALS = 3


def _frontier():
    """The task's frontier, regenerated from the seed: never the learner's `shop` or `frontier`."""
    shop = make_catalogue(**FRONTIER_SHOP)
    return trace_frontier(shop, shop.click_probability)


@task("2", "the smallest weight that meets the sales target")
def check_sales_weight(weight, clicks_lost):
    """The smallest weight of the grid with revenue >= 1.25 x the weight-0 revenue, and the share
    of clicks it loses compared with weight 0, as a fraction to three decimals.

    Classic mistakes: a larger weight that also meets the target; a weight short of it (the
    target read as +25 dollars, or as 0.25 x revenue); the position in the grid instead of the
    weight. For the share: a percentage; the share kept; the revenue gained; the clicks lost
    as a count; the loss divided by the clicks at the new weight instead of at weight 0.
    """
    frontier = _frontier()
    gain = frontier.revenue_usd / frontier.revenue_usd[0] - 1
    meets = gain >= REVENUE_TARGET
    best = int(np.argmax(meets))
    weight = require_number(weight, "weight")
    at = np.flatnonzero(np.isclose(frontier.weights, weight, rtol=0, atol=1e-9))
    if len(at) == 0:
        hint = ("That is the weight's position in the grid; give the weight itself, "
                "frontier.weights[position]." if weight == best else
                "Use the weights of trace_frontier's result (frontier.weights).")
        raise Fail(f"weight {weight:g} is not one of the grid's weights 0, 0.05, ..., 1.", hint)
    if at[0] != best:
        if meets[at[0]]:
            hint = ("It meets the target, but a smaller weight does too and loses fewer clicks. "
                    "Take the first weight that meets it.")
        else:
            hint = (f"At that weight revenue is {gain[at[0]]:+.1%}, short of "
                    f"+{REVENUE_TARGET:.0%}. Compare revenue_usd with 1.25 x its value at "
                    "weight 0.")
        raise Fail(f"weight {weight:g} is not the smallest weight that meets the target.", hint)
    expected_lost = 1 - frontier.clicks[best] / frontier.clicks[0]
    clicks_lost = require_number(clicks_lost, "clicks_lost")
    if close_at_precision(clicks_lost, expected_lost, CLICKS_LOST_DECIMALS):
        return (f"weight {frontier.weights[best]:g}: revenue {gain[best]:+.1%} for "
                f"{expected_lost:.1%} fewer clicks. Revenue was cheap at first, dear at the end.")
    mistakes = (
        (100 * expected_lost, 1,
         "That looks like a percentage; give the share as a fraction (0.05 for 5%)."),
        (1 - expected_lost, CLICKS_LOST_DECIMALS,
         "That is the share of clicks kept; the task asks for the share lost."),
        (gain[best], CLICKS_LOST_DECIMALS,
         "That is the revenue gained; the task asks for the clicks lost."),
        (frontier.clicks[0] - frontier.clicks[best], 1,
         "That is the number of clicks lost (per 1,000 pages); give it as a share of the clicks "
         "at weight 0."),
        (frontier.clicks[0] / frontier.clicks[best] - 1, CLICKS_LOST_DECIMALS,
         "You divided by the clicks at your weight; the share is of the clicks at weight 0."),
    )
    hint = next((text for value, decimals, text in mistakes
                 if close_at_precision(clicks_lost, value, decimals)),
                "clicks_lost = 1 - clicks at your weight / clicks at weight 0.")
    raise Fail(f"clicks_lost is {clicks_lost:g}; not the share of clicks lost at that weight "
               f"(to {CLICKS_LOST_DECIMALS} decimals).", hint)


# ---------------------------------------------------------------------------------------------
# Task 3: the ensemble to ship under a p99 budget
# ---------------------------------------------------------------------------------------------

#: Random forests on scikit-learn's digits (the first n of 64 trees, random_state=0, 60/40 split
#: with random_state=0), measured once on the authors' 2-core machine, idle, with one thread as in
#: the chapter: `time_single_predictions_ms` in 10 rounds of 100 requests per size, the sizes
#: taking turns so that the machine's state falls on all of them alike. Stored, so the check does
#: not depend on the learner's machine: (trees, test accuracy, p50 ms, p99 ms, pickled size kB).
REFERENCE_ENSEMBLES = (
    (1, 0.7761, 0.50, 0.93, 38),
    (2, 0.7330, 0.64, 1.07, 79),
    (4, 0.8901, 0.79, 1.34, 158),
    (8, 0.9388, 1.08, 2.83, 324),
    (16, 0.9666, 2.12, 2.85, 651),
    (32, 0.9764, 2.49, 4.42, 1299),
    (64, 0.9819, 4.59, 8.19, 2609),
)
#: The p99 latency budget of task 3, ms.
P99_BUDGET_MS = 3.0
#: The tighter budget of task 3's second answer, ms: within it, the larger forest is the less
#: accurate one (2 trees score below 1), so picking the largest size that fits is told apart.
TIGHT_P99_BUDGET_MS = 1.2


def _ensembles() -> dict:
    return {row[0]: dict(zip(("accuracy", "p50_ms", "p99_ms", "size_kb"), row[1:]))
            for row in REFERENCE_ENSEMBLES}


def _most_accurate(table, column, budget_ms=P99_BUDGET_MS) -> int:
    within = {n: row for n, row in table.items() if row[column] <= budget_ms}
    return max(within, key=lambda n: (within[n]["accuracy"], -n))


def _largest_within(table, budget_ms) -> int:
    return max(n for n, row in table.items() if row["p99_ms"] <= budget_ms)


def _judge_ensemble(n_trees, name, budget_ms) -> int:
    """The right size under `budget_ms`, or a Fail naming the classic mistake `n_trees` is."""
    table = _ensembles()
    best = _most_accurate(table, "p99_ms", budget_ms)
    if not isinstance(n_trees, (str, bytes)) and hasattr(n_trees, "__len__") and \
            len(n_trees) == len(REFERENCE_ENSEMBLES[0]):
        raise Fail(f"{name} is a whole row of the table; give its number of trees (its first "
                   "value).")
    answer = require_number(n_trees, name)
    if answer == best:
        return best
    where = f"{name} ({budget_ms:g} ms budget)"
    if answer not in table:
        hint = ("That is the row's position in the table (counting from 0), not its number of "
                "trees." if answer == sorted(table).index(best) else None)
        raise Fail(f"{where}: {answer:g} is not one of the measured sizes {sorted(table)}.", hint)
    if table[answer]["p99_ms"] > budget_ms:
        if answer == _most_accurate(table, "p50_ms", budget_ms):
            hint = "Its p50 is within budget, but the budget is on the p99."
        else:
            hint = f"The budget is a limit: keep only sizes whose p99_ms <= {budget_ms:g} ms."
        raise Fail(f"{where}: {format_count(answer, 'tree')} {'has' if answer == 1 else 'have'} a p99 "
                   f"of {table[answer]['p99_ms']:g} ms, over the budget.", hint)
    if answer == sorted(table).index(best):
        hint = "That is the row's position in the table (counting from 0), not its number of trees."
    elif answer == min(table):
        hint = "That is the fastest forest; the budget allows a more accurate one."
    elif answer == _largest_within(table, budget_ms):
        hint = (f"That is the largest forest within the budget, but more trees are not always "
                f"more accurate: {format_count(best, 'tree')} {'scores' if best == 1 else 'score'} "
                f"{table[best]['accuracy']:.1%}, {format_count(answer, 'tree')} "
                f"{table[answer]['accuracy']:.1%}. Pick by the measured accuracy.")
    else:
        hint = "Among the sizes within the budget, pick the highest accuracy."
    raise Fail(f"{where}: {format_count(answer, 'tree')} {'fits' if answer == 1 else 'fit'} the "
               "budget, but another size within it is more accurate.", hint)


@task("3", "the ensemble to ship under a p99 budget")
def check_ensemble_choice(n_trees, n_trees_tight):
    """The most accurate ensemble whose p99 is within the 3 ms budget, and within the tighter
    1.2 ms budget (smallest if accuracy ties).

    Classic mistakes: the budget read on the p50 (32 trees at 3 ms, 8 at 1.2 ms); the most
    accurate forest whatever its latency (64); the fastest forest (1, wrong at 3 ms); the largest
    forest that fits (2, wrong at 1.2 ms, where 2 trees score below 1); the row's position in the
    table instead of its number of trees (4 at 3 ms, 0 at 1.2 ms); the whole row.
    """
    best = _judge_ensemble(n_trees, "n_trees", P99_BUDGET_MS)
    tight = _judge_ensemble(n_trees_tight, "n_trees_tight", TIGHT_P99_BUDGET_MS)
    table = _ensembles()
    row, largest = table[best], table[max(table)]
    return (f"{format_count(best, 'tree')}: {row['accuracy']:.1%} accurate, p99 "
            f"{row['p99_ms']:g} ms; {format_count(max(table), 'tree')} would add "
            f"{100 * (largest['accuracy'] - row['accuracy']):.1f} points for "
            f"{largest['p99_ms'] / row['p99_ms']:.1f}x the p99. Under "
            f"{TIGHT_P99_BUDGET_MS:g} ms, {format_count(tight, 'tree')}: the larger forest that fits is "
            "less accurate.")


# ---------------------------------------------------------------------------------------------
# Task 4: when fast inference beats fast training
# ---------------------------------------------------------------------------------------------

#: Median training time (5 fits) and median single-request latency (1,000 requests), ms, of two
#: models on 50,000 generated rows of 20 features (make_classification, n_informative=10,
#: random_state=0), measured once on the authors' idle 2-core machine with one thread, as in the
#: chapter, and stored. The notebook hands this dict out; the check uses `_COSTS_MS`.
REFERENCE_COSTS_MS = {
    "nearest neighbours": {"fit_ms": 4.8, "predict_ms": 1.71},
    "logistic regression": {"fit_ms": 66.1, "predict_ms": 0.23},
}
#: The check's private copy, made at import: a learner's in-place edit of `costs` cannot reach it.
_COSTS_MS = copy.deepcopy(REFERENCE_COSTS_MS)


def _break_even() -> float:
    knn, linear = _COSTS_MS["nearest neighbours"], _COSTS_MS["logistic regression"]
    return (linear["fit_ms"] - knn["fit_ms"]) / (knn["predict_ms"] - linear["predict_ms"])


def _whole_or_exact(answer: float, exact: float) -> bool:
    """`exact` unrounded, or rounded to a whole number either way (down or up)."""
    return math.floor(exact) - 1e-9 <= answer <= math.ceil(exact) + 1e-9


def break_even_mistakes() -> dict:
    """{what a classic mistake computes: its hint} for task 4."""
    knn, linear = _COSTS_MS["nearest neighbours"], _COSTS_MS["logistic regression"]
    fit_gap = linear["fit_ms"] - knn["fit_ms"]
    predict_gap = knn["predict_ms"] - linear["predict_ms"]
    return {
        linear["fit_ms"] / knn["predict_ms"]: "You left out the nearest neighbours' own fit time.",
        linear["fit_ms"] / knn["fit_ms"]:
            "That compares training times only; predictions cost too.",
        knn["predict_ms"] / linear["predict_ms"]: "That compares prediction times only.",
        linear["fit_ms"] / linear["predict_ms"]: "Both models' costs enter the comparison.",
        fit_gap / knn["predict_ms"]:
            "The saving per prediction is the *difference* of the two prediction times.",
        fit_gap / linear["predict_ms"]:
            "The saving per prediction is the *difference* of the two prediction times.",
        (linear["fit_ms"] + knn["fit_ms"]) / predict_gap:
            "You added the two fit times; the extra training cost is their *difference*.",
        fit_gap / (knn["predict_ms"] + linear["predict_ms"]):
            "You added the two prediction times; the saving per prediction is their *difference*.",
        -fit_gap / predict_gap:
            "A negative count: subtract the fit times and the prediction times in the same "
            "order (or take the size of each gap).",
        predict_gap / fit_gap:
            "That is upside down: the number of predictions is the extra fit time divided by "
            "the saving per prediction.",
    }


@task("4", "predictions per training at break-even")
def check_break_even(n_predictions):
    """The number of predictions per training above which logistic regression costs less:
    unrounded, or rounded to a whole number either way.

    Classic mistakes (`break_even_mistakes`): one model's fit time left out; fit times or
    prediction times compared alone; one prediction time in place of their difference; the fit
    times or the prediction times added; the gaps subtracted in opposite orders (a negative
    count); the ratio upside down.
    """
    expected = _break_even()
    answer = require_number(n_predictions, "n_predictions")
    if _whole_or_exact(answer, expected):
        return (f"About {expected:.0f} predictions per training, one request at a time: "
                "production serves millions of requests per training, far above it, so there "
                "logistic regression costs less. Research scores its validation set in batches, "
                "which makes each nearest-neighbours prediction cheaper and moves the "
                "break-even further out; the chapter's figure shows both crossings.")
    hint = next((text for value, text in break_even_mistakes().items()
                 if np.isclose(answer, value, rtol=1e-3) or
                 (abs(value) > 1 and _whole_or_exact(answer, value))),
                "Solve fit_knn + n x predict_knn = fit_linear + n x predict_linear for n.")
    raise Fail(f"n_predictions is {answer:g}; the two models do not cost the same there.", hint)


# ---------------------------------------------------------------------------------------------
# Task 5: should the benchmark winner ship? (a decision, then a written argument)
# ---------------------------------------------------------------------------------------------

#: The candidates of task 5: (name, models in it, offline accuracy %, p99 per page, ms).
SHIP_CANDIDATES = (
    ("current model", 1, 91.2, 18),
    ("benchmark blend", 12, 92.0, 90),
    ("two-model blend", 2, 91.8, 31),
)
#: The product's p99 latency budget per page in task 5, ms.
PAGE_P99_BUDGET_MS = 50
#: The smallest offline gain, in accuracy points, the team runs an A/B test for.
MIN_GAIN_POINTS = 0.5

#: The decisions of task 5, each with the other spellings a learner may use.
SHIP_DECISIONS = {
    "ship the benchmark blend": ("ship the blend", "ship benchmark blend", "ship blend",
                                 "benchmark blend", "the benchmark blend", "ship it"),
    "A/B test the benchmark blend": ("ab test the benchmark blend", "a b test the benchmark blend",
                                     "test the benchmark blend", "a/b test the blend",
                                     "ab test the blend", "test the benchmark blend online"),
    "ship the two-model blend": ("ship two-model blend", "ship the 2-model blend",
                                 "ship the two model blend"),
    "A/B test the two-model blend": ("ab test the two-model blend", "a b test the two-model blend",
                                     "a/b test the 2-model blend", "ab test the 2-model blend",
                                     "test the two-model blend", "test the two-model blend online",
                                     "a/b test two-model blend", "ab test two-model blend"),
    "keep the current model": ("keep current model", "keep the current", "current model",
                               "the current model", "keep it", "keep"),
}

_DECISION_HINTS = {
    "ship the benchmark blend": "Its p99 is 90 ms, over the 50 ms page budget: it cannot be "
                                "served, however accurate it is offline.",
    "A/B test the benchmark blend": "An A/B test serves the blend to real users, and its p99 of "
                                    "90 ms breaks the 50 ms budget for all of them: test only "
                                    "what you could ship.",
    "ship the two-model blend": "It fits the budget, but the team replaces a model only after it "
                                "wins an online A/B test: offline accuracy is not the business "
                                "metric.",
    "keep the current model": "The two-model blend fits the budget and gains 0.6 points, above "
                              "the 0.5 the team tests for: it has earned an A/B test.",
}


@task("5a", "what to do with the benchmark winner")
def check_ship_decision(decision):
    """The next step the team's three rules leave: A/B test the two-model blend.

    Classic mistakes, each one of the other choices: shipping the leaderboard winner (over the
    p99 budget); A/B testing it (the test serves it to real users over budget); shipping the
    two-model blend without a test (offline accuracy is not the business metric); keeping the
    current model (the two-model blend's gain is above the team's bar for a test).
    """
    choice = require_choice(decision, SHIP_DECISIONS, "decision")
    current = SHIP_CANDIDATES[0]
    servable = [c for c in SHIP_CANDIDATES[1:] if c[3] <= PAGE_P99_BUDGET_MS
                and c[2] - current[2] >= MIN_GAIN_POINTS - 1e-9]
    expected = f"A/B test the {servable[0][0]}" if servable else "keep the current model"
    if choice != expected:
        raise Fail(f"{choice!r} is not what the team's rules leave.", _DECISION_HINTS[choice])
    name, _, accuracy, p99 = servable[0]
    return (f"A/B test the {name}: p99 {p99} ms within the {PAGE_P99_BUDGET_MS} ms budget and "
            f"+{accuracy - current[2]:.1f} points offline; the test decides whether they move "
            "the business metric.")


SHIP_RUBRIC = (
    "The benchmark blend's p99 (90 ms) breaks the 50 ms page budget: it cannot be served, and "
    "slower pages cost users and sales, whatever its accuracy.",
    "A leaderboard measures accuracy on a fixed dataset, not the business metric: only an online "
    "A/B test tells whether 0.6 points move clicks or revenue.",
    "The two-model blend keeps most of the gain (0.6 of 0.8 points) within budget: a few strong "
    "models carry most of a blend's gain, which is why Netflix shipped two of the 107.",
    "Every model is one more thing to retrain, monitor and debug: twelve models cost upkeep a "
    "leaderboard never counts.",
    "A benchmark is a static snapshot: check the model on recent data (ours shifts), compare its "
    "errors across user groups (fairness), and ask whether its decisions can be explained.",
)

SHIP_MODEL_ANSWER = (
    "Not the blend: its p99 of 90 ms breaks our 50 ms budget. Its two strongest models keep 0.6 "
    "of the 0.8 points at 31 ms, so I would A/B test them against the current model, because "
    "offline accuracy is not the business metric. Twelve models are also twelve things to "
    "retrain and monitor, and before the test I would score the candidate on recent data, since "
    "ours shifts, and compare its errors across user groups."
)

check_ship_argument = written_task(
    "5b", "the memo behind the decision (open question)", rubric=SHIP_RUBRIC,
    model_answer=SHIP_MODEL_ANSWER, min_words=60)
check_ship_argument.__doc__ = """The memo arguing the decision of task 5a: at least 60 words,
then REVIEW with the rubric (`SHIP_RUBRIC`) and the model answer in short."""


# ---------------------------------------------------------------------------------------------
# Task 6: is 0.1% more throughput or 0.1 point more accuracy worth more?
# ---------------------------------------------------------------------------------------------

#: The captioning service of task 6, as (assumption, value) pairs (a tuple: not editable).
CAPTION_ECONOMICS = (("requests_per_day", 2_000_000), ("revenue_per_request_usd", 0.01),
                     ("revenue_change_per_point", 0.002), ("serving_cost_per_request_usd", 0.004))
#: The gains the task prices, over a year.
CAPTION_THROUGHPUT_GAIN, CAPTION_ACCURACY_POINTS, CAPTION_DAYS = 0.001, 0.1, 365
#: An answer within this many dollars of the exact value passes: the saving written as
#: cost x 0.001 (instead of cost x (1 - 1/1.001)) is $2.92 off, and passes.
GAIN_TOLERANCE_USD = 5.0
GAIN_CHOICES = ("throughput", "accuracy")


def _caption_values():
    """(throughput_usd, accuracy_usd, yearly revenue, yearly serving cost) from a private copy."""
    economics = ServingEconomics(**dict(CAPTION_ECONOMICS))
    gains = value_of_gains(economics, throughput_gain=CAPTION_THROUGHPUT_GAIN,
                           accuracy_gain_points=CAPTION_ACCURACY_POINTS, days=CAPTION_DAYS)
    requests = economics.requests_per_day * CAPTION_DAYS
    return (gains.throughput_usd, gains.accuracy_usd,
            requests * economics.revenue_per_request_usd,
            requests * economics.serving_cost_per_request_usd)


def gain_mistakes() -> dict:
    """{(answer, classic mistake): (the value it gives, its hint)} for task 6."""
    throughput, accuracy, revenue, cost = _caption_values()
    change = dict(CAPTION_ECONOMICS)["revenue_change_per_point"]
    return {
        ("throughput_usd", "a day"): (throughput / CAPTION_DAYS,
            "That is one day's saving: the task asks for a year (365 days)."),
        ("throughput_usd", "on revenue"): (revenue * CAPTION_THROUGHPUT_GAIN,
            "More throughput does not bring more requests: it serves the same traffic on fewer "
            "machines, so it saves 0.1% of the serving cost, not of the revenue."),
        ("throughput_usd", "0.1 as a fraction"): (cost * 0.1,
            "0.1% is 0.001 as a fraction, not 0.1."),
        ("accuracy_usd", "a day"): (accuracy / CAPTION_DAYS,
            "That is one day's gain: the task asks for a year (365 days)."),
        ("accuracy_usd", "no mapping"): (revenue * CAPTION_ACCURACY_POINTS / 100,
            "Revenue does not grow in proportion to accuracy: each point moves it by "
            "revenue_change_per_point (0.2%), so 0.1 point moves it by 0.1 x 0.2%."),
        ("accuracy_usd", "percent as a fraction"): (revenue * change * 100
                                                    * CAPTION_ACCURACY_POINTS,
            "revenue_change_per_point is already a fraction (0.002 is 0.2%): do not divide "
            "or multiply it by 100 again."),
        ("accuracy_usd", "points as a fraction"): (revenue * change * CAPTION_ACCURACY_POINTS
                                                   / 100,
            "The change is per percentage point, and the gain is 0.1 point: multiply by 0.1, "
            "not by 0.001."),
    }


def _judge_gain(value, name, exact):
    if abs(value - exact) <= GAIN_TOLERANCE_USD:
        return
    for (answer, _), (mistaken, hint) in gain_mistakes().items():
        # within 0.2% too: the mistake made with either form of the saving, 0.001 or 1 - 1/1.001
        if answer == name and abs(value - mistaken) <= max(GAIN_TOLERANCE_USD,
                                                           0.002 * abs(mistaken)):
            raise Fail(f"{name} = {value:,.2f} is not the yearly value.", hint)
    raise Fail(f"{name} = {value:,.2f} is not the yearly value.",
               "Count a year of requests, then: throughput saves serving cost x (1 - 1/1.001); "
               "accuracy earns revenue x revenue_change_per_point x 0.1.")


@task("6", "throughput or accuracy: which gain is worth more")
def check_gain_values(throughput_usd, accuracy_usd, worth_more):
    """The yearly value of 0.1% more throughput and of 0.1 point more accuracy for the captioning
    service, to within $5, and which is worth more (throughput).

    Classic mistakes, each its own value and hint: a day instead of a year; the throughput gain
    applied to revenue instead of serving cost; 0.1% read as 0.1; revenue taken as proportional
    to accuracy (no mapping); the change per point multiplied by 100 again; 0.1 point read as
    0.001; and choosing accuracy, the shop's verdict, where serving is dear.
    """
    exact_throughput, exact_accuracy, _, _ = _caption_values()
    throughput_usd = require_number(throughput_usd, "throughput_usd")
    accuracy_usd = require_number(accuracy_usd, "accuracy_usd")
    choice = require_choice(worth_more, GAIN_CHOICES, "worth_more")
    _judge_gain(throughput_usd, "throughput_usd", exact_throughput)
    _judge_gain(accuracy_usd, "accuracy_usd", exact_accuracy)
    expected = "throughput" if exact_throughput > exact_accuracy else "accuracy"
    if choice != expected:
        raise Fail(f"worth_more = {choice!r}, but your own numbers say otherwise.",
                   "Compare the two yearly values you computed: serving a caption costs 40% of "
                   "what it earns, so a sliver of the serving bill outweighs a sliver of "
                   "accuracy here.")
    return (f"{expected} is worth more: ${exact_throughput:,.0f} against "
            f"${exact_accuracy:,.0f} a year.")
