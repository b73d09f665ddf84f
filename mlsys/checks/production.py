"""Checks for the research-vs-production exercises (exercises/02_research_vs_production.ipynb).

No check depends on the learner's machine: tasks 3 and 4 use stored scenarios (task 3 read off
a figure), and task 2 uses the seeded shop with a perfect click model. No check reads an object the
learner also holds: the stored data are tuples (which cannot be edited in place) or private copies
made when this module is imported, and task 2 regenerates its shop on every call. No task asks for
a function, so the only learner code a check runs is an answer's own conversion to a number or a
list, inside the `task` decorator.
"""

from __future__ import annotations

import math

import numpy as np

from mlsys.checks import (Fail, close_at_precision, require_answer, require_choice,
                          require_number, require_sequence, task, written_task)
from mlsys.production import (PURCHASE_RATE, ServingEconomics, make_catalogue, trace_frontier,
                              value_of_gains)

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
# Task 3: a fraud model under a p99 budget, read off a figure (a payments API)
# ---------------------------------------------------------------------------------------------

#: The payments team's gradient-boosted fraud models: (trees, recall at a 1% false-alarm rate,
#: p99 ms of a single-payment request, p99 ms of a checkout request that scores a basket of
#: `BASKET_ROWS` payments). A scenario, not a measurement of this book's code; the exercise shows
#: it as a figure (`plot_fraud_models`) and the learner reads the answer off it.
FRAUD_MODELS = (
    (25, 0.880, 3.1, 6.2),
    (50, 0.915, 5.2, 11.4),
    (100, 0.934, 9.0, 21.3),
    (200, 0.946, 16.4, 38.5),
    (400, 0.949, 31.2, 74.0),
)
#: The p99 budget of both endpoints, ms per request.
FRAUD_P99_BUDGET_MS = 30
#: Payments a checkout request scores at once.
BASKET_ROWS = 40
FRAUD_ENDPOINTS = ("single payment", f"basket of {BASKET_ROWS}")


def _fraud_table() -> dict:
    """{endpoint: {trees: (recall, p99 ms)}}, built afresh from the tuple on every call."""
    return {endpoint: {row[0]: (row[1], row[2 + e]) for row in FRAUD_MODELS}
            for e, endpoint in enumerate(FRAUD_ENDPOINTS)}


def fraud_choice(endpoint) -> int:
    """The most accurate model within the budget for `endpoint` (one of FRAUD_ENDPOINTS)."""
    within = {n: recall for n, (recall, p99) in _fraud_table()[endpoint].items()
              if p99 <= FRAUD_P99_BUDGET_MS}
    return max(within, key=lambda n: (within[n], -n))


def plot_fraud_models():
    """The figure the task is read from: recall against p99 for both endpoints, and the budget.

    Every point is labelled with its trees and its p99; the figure says nothing of the choice.
    """
    from mlsys.production import plot_model_candidates

    return plot_model_candidates(
        [row[0] for row in FRAUD_MODELS], [row[1] for row in FRAUD_MODELS],
        {endpoint: [row[2 + e] for row in FRAUD_MODELS]
         for e, endpoint in enumerate(FRAUD_ENDPOINTS)},
        budget_ms=FRAUD_P99_BUDGET_MS, accuracy_label="recall at a 1% false-alarm rate",
        title="Fraud models: recall against the p99 of one request")


def fraud_mistakes(endpoint) -> dict:
    """{wrong number of trees: its hint} for `endpoint`: each classic mistake's own answer."""
    table = _fraud_table()[endpoint]
    sizes = sorted(table)
    right = fraud_choice(endpoint)
    other = fraud_choice(next(e for e in FRAUD_ENDPOINTS if e != endpoint))
    most_accurate = max(table, key=lambda n: table[n][0])
    over = [n for n in sizes if table[n][1] > FRAUD_P99_BUDGET_MS]
    mistakes = {
        min(sizes): "That is the fastest model; the budget allows a more accurate one.",
        sizes.index(right): "That is the model's position in the figure's order (counting from "
                            "0), not its number of trees.",
    }
    if endpoint == FRAUD_ENDPOINTS[1]:
        mistakes[other] = (f"That is the single-payment choice. A checkout request scores "
                           f"{BASKET_ROWS} payments at once: read the basket's points, whose p99 "
                           f"is {table[other][1]:g} ms for {other} trees.")
        mistakes[most_accurate] = (f"The most accurate model, but its basket p99 is "
                                   f"{table[most_accurate][1]:g} ms: the budget is "
                                   f"{FRAUD_P99_BUDGET_MS} ms per request, whatever it scores, "
                                   "not per payment in it.")
    else:
        mistakes[other] = ("That is the basket's choice; a single-payment request scores one "
                           "payment, and its p99 allows a larger model.")
        for n in over:
            mistakes[n] = (f"{n} trees' p99 is {table[n][1]:g} ms, over the "
                           f"{FRAUD_P99_BUDGET_MS} ms budget: a budget is a limit, even by a "
                           "little.")
    return {n: hint for n, hint in mistakes.items() if n != right}


def _judge_fraud(answer, name, endpoint) -> int:
    right = fraud_choice(endpoint)
    if not isinstance(answer, (str, bytes)) and hasattr(answer, "__len__") and \
            len(answer) == len(FRAUD_MODELS[0]):
        raise Fail(f"{name} is a whole row of the data; give the model's number of trees.")
    number = require_number(answer, name)
    if number == right:
        return right
    where = f"{name} ({endpoint})"
    hint = fraud_mistakes(endpoint).get(number)
    sizes = sorted(_fraud_table()[endpoint])
    if number not in sizes:
        raise Fail(f"{where}: {number:g} is not one of the models {sizes}.", hint)
    raise Fail(f"{where}: {number:g} trees is not the most accurate model within the "
               f"{FRAUD_P99_BUDGET_MS} ms p99 budget.",
               hint or "Keep the points left of the budget line for that endpoint; take the "
                       "highest.")


@task("3", "a fraud model under a p99 budget")
def check_fraud_choice(trees_single, trees_basket):
    """The most accurate fraud model whose p99 is within 30 ms, for single payments (200
    trees) and for checkout baskets of 40 payments (100 trees), read off the figure.

    Classic mistakes, each its own answer on the data (`fraud_mistakes`): for single
    payments, the 400-tree model whose p99 is just over the budget, the fastest model (25), the
    basket's choice (100), the position in the figure's order (3); for baskets, the
    single-payment choice reused (200: the rows per request ignored), the most accurate model
    whatever its latency, as if the budget were per payment (400), the fastest (25), the
    position (2); a whole row instead of a number of trees.
    """
    single = _judge_fraud(trees_single, "trees_single", FRAUD_ENDPOINTS[0])
    basket = _judge_fraud(trees_basket, "trees_basket", FRAUD_ENDPOINTS[1])
    table = _fraud_table()
    lost = table[FRAUD_ENDPOINTS[0]][single][0] - table[FRAUD_ENDPOINTS[1]][basket][0]
    return (f"{single} trees for single payments, {basket} for baskets: the same model's p99 "
            f"grows from {table[FRAUD_ENDPOINTS[0]][single][1]:g} to "
            f"{table[FRAUD_ENDPOINTS[1]][single][1]:g} ms when a request scores {BASKET_ROWS} "
            f"payments, so the checkout endpoint gives up {100 * lost:.1f} points of recall.")


# ---------------------------------------------------------------------------------------------
# Task 4: when fast inference beats fast training (a support-ticket router)
# ---------------------------------------------------------------------------------------------

#: A support desk's two ways to route a ticket to a team: (option, fit time in minutes, median
#: time to answer one ticket in ms). A scenario, not a measurement of this book's code.
ROUTER_COSTS = (("nearest neighbours", 1.5, 12.0), ("classifier", 90.0, 3.0))
#: Tickets the desk receives per day, and days between two trainings (both rebuilt weekly).
TICKETS_PER_DAY, RETRAIN_DAYS = 40_000, 7
MS_PER_MINUTE = 60_000
ROUTER_CHOICES = {
    "nearest neighbours": ("nearest neighbors", "knn", "k-nearest neighbours",
                           "k-nearest neighbors", "nearest neighbour", "nearest neighbor",
                           "nearest neighbour search", "nearest neighbor search"),
    "classifier": ("the classifier", "fine-tuned classifier", "the fine-tuned classifier"),
}


def router_costs() -> dict:
    """The task's costs as a fresh dict {option: {"fit_min": ..., "predict_ms": ...}}."""
    return {name: {"fit_min": fit, "predict_ms": predict} for name, fit, predict in ROUTER_COSTS}


def _router() -> tuple:
    """(fit_knn_ms, predict_knn_ms, fit_clf_ms, predict_clf_ms) from the tuple, in ms."""
    (_, knn_fit, knn_predict), (_, clf_fit, clf_predict) = ROUTER_COSTS
    return knn_fit * MS_PER_MINUTE, knn_predict, clf_fit * MS_PER_MINUTE, clf_predict


def _break_even() -> float:
    knn_fit, knn_predict, clf_fit, clf_predict = _router()
    return (clf_fit - knn_fit) / (knn_predict - clf_predict)


def _whole_or_exact(answer: float, exact: float) -> bool:
    """`exact` unrounded, or rounded to a whole number either way (down or up)."""
    return math.floor(exact) - 1e-9 <= answer <= math.ceil(exact) + 1e-9


def break_even_mistakes() -> dict:
    """{what a classic mistake computes: its hint} for task 4."""
    knn_fit, knn_predict, clf_fit, clf_predict = _router()
    fit_gap, predict_gap = clf_fit - knn_fit, knn_predict - clf_predict
    return {
        fit_gap / MS_PER_MINUTE / predict_gap:
            "The fit times are in minutes and the prediction times in ms: convert the minutes "
            "to ms (x 60,000) first.",
        fit_gap / 1000 / predict_gap:
            "That converts the minutes to seconds; the prediction times are in ms, so convert "
            "the minutes to ms (x 60,000).",
        clf_fit / knn_predict: "You left out the nearest neighbours' own fit time.",
        clf_fit / knn_fit: "That compares training times only; predictions cost too.",
        knn_predict / clf_predict: "That compares prediction times only.",
        clf_fit / clf_predict: "Both options' costs enter the comparison.",
        fit_gap / knn_predict:
            "The saving per ticket is the *difference* of the two prediction times.",
        fit_gap / clf_predict:
            "The saving per ticket is the *difference* of the two prediction times.",
        (clf_fit + knn_fit) / predict_gap:
            "You added the two fit times; the extra training cost is their *difference*.",
        fit_gap / (knn_predict + clf_predict):
            "You added the two prediction times; the saving per ticket is their *difference*.",
        -fit_gap / predict_gap:
            "A negative count: subtract the fit times and the prediction times in the same "
            "order (or take the size of each gap).",
        predict_gap / fit_gap:
            "That is upside down: the number of tickets is the extra fit time divided by the "
            "saving per ticket.",
    }


@task("4", "tickets per training at break-even, and the cheaper router")
def check_router_break_even(n_predictions, cheaper):
    """The tickets per training at which the two routers cost the same (590,000: unrounded, or
    a whole number rounded either way), and the one that costs less per weekly training at
    today's traffic (nearest neighbours: 280,000 tickets, below the break-even).

    Classic mistakes (`break_even_mistakes`): the minutes not converted, or converted to
    seconds; one option's fit time left out; fit times or prediction times compared alone; one
    prediction time in place of their difference; the fit times or the prediction times added;
    the gaps subtracted in opposite orders (a negative count); the ratio upside down. For the
    choice: the classifier, the chapter's production verdict, where this traffic is below the
    break-even.
    """
    expected = _break_even()
    answer = require_number(n_predictions, "n_predictions")
    if not _whole_or_exact(answer, expected):
        hint = next((text for value, text in break_even_mistakes().items()
                     if np.isclose(answer, value, rtol=1e-3) or
                     (abs(value) > 1 and _whole_or_exact(answer, value))),
                    "Solve fit_knn + n x predict_knn = fit_clf + n x predict_clf for n, with "
                    "every time in ms.")
        raise Fail(f"n_predictions is {answer:g}; the two routers do not cost the same there.",
                   hint)
    choice = require_choice(cheaper, ROUTER_CHOICES, "cheaper")
    weekly = TICKETS_PER_DAY * RETRAIN_DAYS
    right = "classifier" if weekly > expected else "nearest neighbours"
    if choice != right:
        raise Fail(f"cheaper = {choice!r} does not cost less at {weekly:,} tickets per training.",
                   f"Per training the desk routes {TICKETS_PER_DAY:,} x {RETRAIN_DAYS} = "
                   f"{weekly:,} tickets, below the break-even of {expected:,.0f}: below it, the "
                   "option that trains fast costs less. Production's n is not always huge.")
    return (f"About {expected:,.0f} tickets per training: above it the classifier costs less. "
            f"The desk routes {weekly:,} per weekly training, so nearest neighbours costs less "
            f"today; at {int(expected // RETRAIN_DAYS // 1000 + 1) * 1000:,} tickets a day the "
            "classifier would.")


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
