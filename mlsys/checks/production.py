"""Checks for the research-vs-production exercises (exercises/02_research_vs_production.ipynb).

No check depends on the learner's machine: tasks 3 and 4 use timings measured once and stored
here, and task 2 uses the seeded shop with a perfect click model.
"""

from __future__ import annotations

import numpy as np

from mlsys.checks import (Fail, require_answer, require_number, require_key_ideas,
                          require_text, task)
from mlsys.production import PURCHASE_RATE, _count, make_catalogue, trace_frontier

# ---------------------------------------------------------------------------------------------
# Task 1: one user's page ranked for revenue
# ---------------------------------------------------------------------------------------------

#: One user's six candidate items: chance of a click, price and the sponsor's payment per click.
WARMUP_CLICK_PROBABILITY = (0.12, 0.08, 0.05, 0.04, 0.03, 0.002)
WARMUP_PRICE_USD = (8.0, 15.0, 120.0, 20.0, 60.0, 250.0)
WARMUP_AD_VALUE_USD = (0.0, 0.0, 0.0, 3.0, 0.0, 0.0)
WARMUP_PAGE_SIZE = 3


def _warmup_expected_revenue() -> np.ndarray:
    probability = np.array(WARMUP_CLICK_PROBABILITY)
    value = PURCHASE_RATE * np.array(WARMUP_PRICE_USD) + np.array(WARMUP_AD_VALUE_USD)
    return probability * value


def _top(scores) -> set:
    return set(np.argsort(-np.asarray(scores), kind="stable")[:WARMUP_PAGE_SIZE].tolist())


def _page_as_set(page) -> set:
    require_answer(page, "page")
    if isinstance(page, (str, bytes, dict, set)) or not hasattr(page, "__len__"):
        raise Fail(f"page should be a list of {WARMUP_PAGE_SIZE} item indices such as [0, 1, 2]; "
                   f"got {type(page).__name__}.")
    items = []
    for item in page:
        if isinstance(item, bool) or not float(require_number(item, "each item of page")) \
                .is_integer():
            raise Fail(f"page should hold whole item indices from 0 to 5; got {item!r}.")
        items.append(int(item))
    if len(items) != WARMUP_PAGE_SIZE or len(set(items)) != WARMUP_PAGE_SIZE:
        raise Fail(f"page should hold {WARMUP_PAGE_SIZE} different items; got {list(page)!r}.")
    if min(items) < 0 or max(items) > 5:
        raise Fail(f"Items are numbered 0 to 5; got {items}.")
    return set(items)


@task("1", "a page ranked for revenue")
def check_revenue_page(page, clicks, revenue_usd):
    """The learner's top-3 page by expected revenue, and its expected clicks and revenue."""
    expected_revenue = _warmup_expected_revenue()
    expected_page = _top(expected_revenue)
    chosen = _page_as_set(page)
    probability = np.array(WARMUP_CLICK_PROBABILITY)
    value = expected_revenue / probability
    if chosen != expected_page:
        if chosen == _top(value) or chosen == _top(WARMUP_PRICE_USD):
            hint = ("Those items earn the most *per click*, but some are rarely clicked. Rank by "
                    "expected revenue per impression: click probability x revenue per click.")
        elif chosen == _top(probability):
            hint = "That is the page for engagement (most clicks); this task ranks for revenue."
        elif chosen == _top(probability * PURCHASE_RATE * np.array(WARMUP_PRICE_USD)):
            hint = "Did you leave out the sponsor's payment? A click is worth 10% of the price " \
                   "plus the ad value."
        else:
            hint = "Revenue per click = 0.1 x price + ad value; rank by probability x that."
        raise Fail(f"page {sorted(chosen)} is not the top {WARMUP_PAGE_SIZE} by expected revenue.",
                   hint)
    items = sorted(expected_page)
    expected_clicks = float(probability[items].sum())
    clicks = require_number(clicks, "clicks")
    if not np.isclose(clicks, expected_clicks, rtol=0, atol=1e-6):
        hint = ("clicks is the expected number of clicks on the page: the sum of the shown "
                "items' click probabilities." if clicks >= 1 else
                "Add the click probabilities of the items on the page.")
        raise Fail(f"clicks is {clicks:g}; that is not the page's expected clicks.", hint)
    expected_usd = float(expected_revenue[items].sum())
    revenue_usd = require_number(revenue_usd, "revenue_usd")
    if not np.isclose(revenue_usd, expected_usd, rtol=0, atol=1e-6):
        if np.isclose(revenue_usd, value[items].sum()):
            hint = "That adds the revenue per click; weight each by its click probability."
        else:
            hint = "Add probability x revenue per click over the page's items."
        raise Fail(f"revenue_usd is {revenue_usd:g}; that is not the page's expected revenue.",
                   hint)
    engagement = sorted(_top(probability))
    return (f"Page {items}: {expected_clicks:.2f} expected clicks and ${expected_usd:.2f} per "
            "page; "
            f"the engagement page {engagement} gets {probability[engagement].sum():.2f} clicks "
            f"but ${expected_revenue[engagement].sum():.2f}.")


# ---------------------------------------------------------------------------------------------
# Task 2: a weight that meets the sales target
# ---------------------------------------------------------------------------------------------

#: The shop of task 2 (ranked with its true click probabilities: a perfect click model).
FRONTIER_SHOP = dict(n_users=100, n_items=1_000, seed=3)
#: Sales asks for at least this much more revenue per page than the engagement policy.
REVENUE_TARGET = 0.25


def _frontier():
    shop = make_catalogue(**FRONTIER_SHOP)
    return trace_frontier(shop, shop.click_probability)


@task("2", "the smallest weight that meets the sales target")
def check_sales_weight(weight, clicks_lost):
    """The smallest weight of the grid with revenue >= 1.25 x the weight-0 revenue, and the share
    of clicks it loses compared with weight 0."""
    frontier = _frontier()
    gain = frontier.revenue_usd / frontier.revenue_usd[0] - 1
    meets = gain >= REVENUE_TARGET
    best = int(np.argmax(meets))
    weight = require_number(weight, "weight")
    at = np.flatnonzero(np.isclose(frontier.weights, weight, rtol=0, atol=1e-9))
    if len(at) == 0:
        raise Fail(f"weight {weight:g} is not one of the grid's weights 0, 0.05, ..., 1.",
                   "Use the weights of trace_frontier's result (frontier.weights).")
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
    if abs(clicks_lost - expected_lost) <= 5e-4:
        return (f"weight {frontier.weights[best]:g}: revenue {gain[best]:+.1%} for "
                f"{expected_lost:.1%} fewer clicks. Revenue was cheap at first, dear at the end.")
    if abs(clicks_lost - 100 * expected_lost) <= 0.05:
        hint = "That looks like a percentage; give the share as a fraction (0.05 for 5%)."
    elif abs(clicks_lost - (1 - expected_lost)) <= 5e-4:
        hint = "That is the share of clicks kept; the task asks for the share lost."
    elif abs(clicks_lost - gain[best]) <= 5e-4:
        hint = "That is the revenue gained; the task asks for the clicks lost."
    else:
        hint = "clicks_lost = 1 - clicks at your weight / clicks at weight 0."
    raise Fail(f"clicks_lost is {clicks_lost:g}; not the share of clicks lost at that weight.",
               hint)


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


def _ensembles() -> dict:
    return {row[0]: dict(zip(("accuracy", "p50_ms", "p99_ms", "size_kb"), row[1:]))
            for row in REFERENCE_ENSEMBLES}


@task("3", "the ensemble to ship under a p99 budget")
def check_ensemble_choice(n_trees):
    """The most accurate ensemble whose p99 is within the budget (smallest if accuracy ties)."""
    table = _ensembles()
    within = {n: row for n, row in table.items() if row["p99_ms"] <= P99_BUDGET_MS}
    best = max(within, key=lambda n: (within[n]["accuracy"], -n))
    answer = require_number(n_trees, "n_trees")
    if answer == best:
        row, largest = table[best], table[max(table)]
        return (f"{_count(best, 'tree')}: {row['accuracy']:.1%} accurate, p99 "
                f"{row['p99_ms']:g} ms; {_count(max(table), 'tree')} would add "
                f"{100 * (largest['accuracy'] - row['accuracy']):.1f} points for "
                f"{largest['p99_ms'] / row['p99_ms']:.1f}x the p99.")
    if answer not in table:
        raise Fail(f"{answer:g} is not one of the measured sizes {sorted(table)}.")
    if answer not in within:
        if table[answer]["p50_ms"] <= P99_BUDGET_MS:
            hint = "Its p50 is within budget, but the budget is on the p99."
        else:
            hint = f"The budget is a limit: keep only sizes whose p99_ms <= {P99_BUDGET_MS:g} ms."
        raise Fail(f"{_count(answer, 'tree')} {'has' if answer == 1 else 'have'} a p99 of "
                   f"{table[answer]['p99_ms']:g} ms, over the "
                   f"{P99_BUDGET_MS:g} ms budget.", hint)
    raise Fail(f"{_count(answer, 'tree')} {'fits' if answer == 1 else 'fit'} the budget, but a "
               "larger forest within it is more accurate.",
               "Among the sizes within the budget, pick the highest accuracy.")


# ---------------------------------------------------------------------------------------------
# Task 4: when fast inference beats fast training
# ---------------------------------------------------------------------------------------------

#: Median training time (5 fits) and median single-request latency (1,000 requests), ms, of two
#: models on 50,000 generated rows of 20 features (make_classification, n_informative=10,
#: random_state=0), measured once on the authors' idle 2-core machine with one thread, as in the
#: chapter, and stored.
REFERENCE_COSTS_MS = {
    "nearest neighbours": {"fit_ms": 4.8, "predict_ms": 1.71},
    "logistic regression": {"fit_ms": 66.1, "predict_ms": 0.23},
}


def _break_even() -> float:
    knn = REFERENCE_COSTS_MS["nearest neighbours"]
    linear = REFERENCE_COSTS_MS["logistic regression"]
    return (linear["fit_ms"] - knn["fit_ms"]) / (knn["predict_ms"] - linear["predict_ms"])


@task("4", "predictions per training at break-even")
def check_break_even(n_predictions):
    """The number of predictions per training above which logistic regression costs less."""
    expected = _break_even()
    answer = require_number(n_predictions, "n_predictions")
    if abs(answer - expected) <= 1:
        return (f"About {expected:.0f} predictions per training, one request at a time: "
                "production serves millions of requests per training, far above it, so there "
                "logistic regression costs less. Research scores its validation set in batches, "
                "which makes each nearest-neighbours prediction cheaper and moves the "
                "break-even further out; the chapter's figure shows both crossings.")
    knn = REFERENCE_COSTS_MS["nearest neighbours"]
    linear = REFERENCE_COSTS_MS["logistic regression"]
    mistakes = {
        linear["fit_ms"] / knn["predict_ms"]: "You left out the nearest neighbours' own fit time.",
        linear["fit_ms"] / knn["fit_ms"]:
            "That compares training times only; predictions cost too.",
        knn["predict_ms"] / linear["predict_ms"]: "That compares prediction times only.",
        linear["fit_ms"] / linear["predict_ms"]: "Both models' costs enter the comparison.",
        (linear["fit_ms"] - knn["fit_ms"]) / knn["predict_ms"]:
            "The saving per prediction is the *difference* of the two prediction times.",
    }
    hint = next((text for value, text in mistakes.items() if np.isclose(answer, value, rtol=1e-3)),
                "Solve fit_knn + n x predict_knn = fit_linear + n x predict_linear for n.")
    raise Fail(f"n_predictions is {answer:g}; the two models do not cost the same there.", hint)


# ---------------------------------------------------------------------------------------------
# Task 5: open question
# ---------------------------------------------------------------------------------------------

KEY_IDEAS = {
    "latency or inference cost (latency, inference, p99, ms, slow)":
        ("latency", "inference", "p99", " ms", "slow"),
    "the stakeholders or the business metric (stakeholder, revenue, business, product, team, "
    "conversion)": ("stakeholder", "revenue", "business", "product", "team", "conversion"),
    "data that changes (data, shift, drift, distribution)": ("data", "shift", "drift",
                                                             "distribution"),
    "fairness or interpretability (fair, bias, interpret, explain)":
        ("fair", "bias", "interpret", "explain"),
}


@task("5", "should the benchmark winner ship? (open question)")
def check_open_answer(text):
    """A written argument of at least 60 words touching latency, stakeholders, data and
    fairness or interpretability."""
    text = require_text(text, "answer_ship_it", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "A convincing memo weighs the accuracy gain against what production pays "
        "for it, and names what the benchmark did not measure.")
    return ("Your argument is long enough and touches latency, the stakeholders, changing data "
            "and fairness or interpretability. Compare it with the model answer in the solution "
            "notebook.")
