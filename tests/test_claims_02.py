"""Claims ledger of chapter 02: research vs production (stakeholders, ensembles, compute costs).

Every sentence of the chapter and its solution that the book's code can re-derive. The shop
rests on two seeds, the catalogue's (0 in the chapter) and its log's (the next one, 1): a claim's
seed s re-runs the study with the catalogue seeded s and the log s + 1. The forest rests on one
seed, used for both the train/test split and the forest (0 in the chapter). Claims on measured
latencies take no seed: they re-measure, and say only what holds with a wide margin on a busy
machine (orderings, factors of two).
"""

import dataclasses
from functools import lru_cache

import numpy as np
import pytest
import ledger
from ledger import Claim
from sklearn.datasets import load_digits, make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import threadpool_limits

from mlsys.checks import production as checks
from mlsys.latency import percentile, summarize_batches, time_batch_predictions_ms, \
    time_single_predictions_ms
from mlsys.production import (ProjectAssumptions, ServingEconomics, best_dev_weeks,
                              break_even_change_per_point, project_outcome, value_of_gains)
from mlsys.production import add_model_error, promised_frontier
from mlsys.production import (EnsembleTable, ForestCosts, choose_ensemble,
                              simulate_ensembles, simulate_request_latency_ms)
from mlsys.production import (FRONTIER_WEIGHTS, PURCHASE_RATE, Catalogue, Frontier,
                              evaluate_pages, fit_click_model, log_impressions,
                              make_catalogue, measure_ensembles,
                              predict_clicks, rank_by_popularity, rank_items, recommend,
                              take_first_trees, time_fit_ms, time_policy_ms, trace_frontier)

CHAPTER = "chapters/02_research_vs_production.ipynb"
SOLUTION = "solutions/02_research_vs_production.ipynb"

# The chapter's parameters.
N_USERS, N_ITEMS, N_IMPRESSIONS = 200, 5_000, 500_000
FAST_CANDIDATES = 500             # the product team's policy scores the 500 most popular items
DASHED_CANDIDATES = (100, 500)    # the explorer's smaller candidate sets
FINE_WEIGHTS = np.linspace(0, 1, 101)
MODEL_ERRORS = (0, 0.25, 0.5, 1)  # the model-error explorer's grid
FOREST_SIZES = (1, 2, 4, 8, 16, 32, 64)
RESEARCH_PREDICTIONS, PRODUCTION_PREDICTIONS = 10_000, 1_000_000


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    """Time on one thread, as the chapter does (its hidden setup cell)."""
    with threadpool_limits(1):
        yield


# --- The shop ----------------------------------------------------------------------------------

def _both_fall(frontier):
    """Start weights of the steps at which clicks and revenue both fall."""
    clicks, revenue = np.diff(frontier.clicks), np.diff(frontier.revenue_usd)
    falls = (clicks < 0) & (revenue < 0)
    return [(float(frontier.weights[i]), float(-clicks[i]), float(-revenue[i]))
            for i in np.flatnonzero(falls)]


@lru_cache(maxsize=None)
def shop_study(seed):
    """Everything the chapter's section 1 derives from the shop seeded `seed`, as numbers."""
    shop = make_catalogue(n_users=N_USERS, n_items=N_ITEMS, seed=seed)
    logs = log_impressions(shop, n_impressions=N_IMPRESSIONS, seed=seed + 1)
    popular = rank_by_popularity(shop, logs)
    predicted = predict_clicks(fit_click_model(shop, logs), shop)
    value = shop.value_per_click_usd
    click_rate = shop.click_probability.mean(axis=0)
    earns_more = value > np.median(value)
    every = trace_frontier(shop, predicted)
    smaller = {n: trace_frontier(shop, predicted, candidates=popular[:n])
               for n in DASHED_CANDIDATES}
    fast = trace_frontier(shop, predicted, [0], candidates=popular[:FAST_CANDIDATES])
    lookup = evaluate_pages(shop, np.tile(popular[:10], (shop.n_users, 1)))
    # One ranking per weight of the fine grid, scored with the truth and with the predictions.
    as_predicted = Catalogue(shop.user_factors, shop.item_factors, shop.price_usd,
                             shop.ad_value_usd, predicted)
    true_fine, predicted_fine = [], []
    for weight in FINE_WEIGHTS:
        pages = rank_items(shop, predicted, weight)
        true_fine.append(evaluate_pages(shop, pages))
        predicted_fine.append(evaluate_pages(as_predicted, pages))

    def frontier_of(metrics):
        return Frontier(FINE_WEIGHTS, np.array([m.clicks for m in metrics]),
                        np.array([m.revenue_usd for m in metrics]))

    true_frontier, predicted_frontier = frontier_of(true_fine), frontier_of(predicted_fine)
    # The model-error explorer: the engagement page (weight 0) ranked by noisier predictions,
    # its clicks as the model promises them and as the shop gets them.
    errors = {}
    for error in MODEL_ERRORS:
        believed = add_model_error(predicted, error, seed=seed)
        errors[error] = (trace_frontier(shop, believed, [0]).clicks[0],
                         promised_frontier(shop, believed, [0]).clicks[0])
    at = {round(w, 2): i for i, w in enumerate(every.weights)}
    return dict(
        sponsored_share=float(shop.sponsored.mean()),
        median_price_usd=float(np.median(shop.price_usd)),
        click_rate_ratio=float(click_rate[earns_more].mean() / click_rate[~earns_more].mean()),
        clicks_in_log=int(logs.clicked.sum()),
        engagement=(every.clicks[0], every.revenue_usd[0]),
        revenue=(every.clicks[-1], every.revenue_usd[-1]),
        fast=(fast.clicks[0], fast.revenue_usd[0]),
        lookup=(lookup.clicks, lookup.revenue_usd),
        clicks=every.clicks, revenue_usd=every.revenue_usd, at=at,
        dominated=all(((every.clicks > c) & (every.revenue_usd > r)).any()
                      for f in smaller.values() for c, r in zip(f.clicks, f.revenue_usd)),
        grid_both_fall=sum(len(_both_fall(f)) for f in (every, *smaller.values())),
        fine_both_fall=_both_fall(true_frontier),
        error_clicks=errors,
        predicted_monotone=bool(np.all(np.diff(predicted_frontier.clicks) <= 1e-9)
                                and np.all(np.diff(predicted_frontier.revenue_usd) >= -1e-9)),
    )


def change(study, policy):
    """(clicks, revenue) of a policy relative to engagement, as fractions: -0.45 is 45% less."""
    clicks, revenue = study[policy]
    base_clicks, base_revenue = study["engagement"]
    return clicks / base_clicks - 1, revenue / base_revenue - 1


def weight_step(study, start, end):
    """(clicks, revenue) change from weight `start` to weight `end` on the 21-weight frontier."""
    i, j = study["at"][start], study["at"][end]
    return (study["clicks"][j] / study["clicks"][i] - 1,
            study["revenue_usd"][j] / study["revenue_usd"][i] - 1)


def check_recommend_is_the_frontier_policy():
    """The chapter's policies call `recommend` per user; the ledger ranks all users at once."""
    shop = make_catalogue(n_users=N_USERS, n_items=N_ITEMS, seed=0)
    logs = log_impressions(shop, n_impressions=N_IMPRESSIONS, seed=1)
    model = fit_click_model(shop, logs)
    users = [0, 57, 199]
    predicted = predict_clicks(model, shop, users=users)
    return all(np.array_equal(recommend(model, shop, u, weight=w), page)
               for w in (0, 1) for u, page in zip(users, rank_items(shop, predicted, w)))


# --- The forest --------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def forest_accuracy(seed):
    """Test accuracy of the first n trees for each of FOREST_SIZES, split and forest seeded."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=seed)
    forest = RandomForestClassifier(n_estimators=64, random_state=seed).fit(X_train, y_train)
    return {n: take_first_trees(forest, n).score(X_test, y_test) for n in FOREST_SIZES}


def gain_points(accuracy, small, big):
    return 100 * (accuracy[big] - accuracy[small])


# The shipping decision: the forests' accuracy (seeded split and forest) served by the cost
# model's simulated requests (seeded too); the chapter uses seed 0 for both.
SHIPPING_BUDGETS_MS = (1.5, 2.5, 5, 10, 20)
SHIPPING_ROWS = (1, 50, 500, 5_000)


@lru_cache(maxsize=None)
def shipping(seed):
    """{rows per request: the simulated EnsembleTable} and {(rows, budget): trees shipped}."""
    accuracy = forest_accuracy(seed)
    ones = np.ones(len(FOREST_SIZES))
    table = EnsembleTable(np.array(FOREST_SIZES), np.array([accuracy[n] for n in FOREST_SIZES]),
                          ones, ones, ones)
    served = {rows: simulate_ensembles(table, rows, seed=seed) for rows in SHIPPING_ROWS}
    decisions = {(rows, budget): choose_ensemble(served[rows], budget)
                 for rows in SHIPPING_ROWS for budget in SHIPPING_BUDGETS_MS}
    return dict(tables=served, decisions=decisions, accuracy=accuracy)


def jitter_ratio(seed):
    latency_ms = simulate_request_latency_ms(16, 500, n_requests=2_000, seed=seed)
    return percentile(latency_ms, 99) / percentile(latency_ms, 50)


def wide_requests(seed):
    """(trees shipped at 5,000 rows under 5 ms, accuracy points below 64 trees, 64 trees' p99)."""
    study = shipping(seed)
    n_trees = study["decisions"][(5_000, 5)]
    return (n_trees, gain_points(study["accuracy"], n_trees, 64),
            float(study["tables"][5_000].p99_ms[-1]))


# Re-measured costs are taken at their best of a few runs. A claim about what a model costs is
# a claim about the machine doing only that; another process sharing its cores only adds time,
# and on a machine at load 11 single medians broke orderings that hold by a factor of 2 or more
# when it is quiet. Three runs, interleaved, and the lowest of each.
MEASURE_RUNS = 3


@lru_cache(maxsize=None)
def chapter_forest_table():
    """The chapter's measure_ensembles table (seed 0), re-measured for sizes 1 and 64."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)
    forest = RandomForestClassifier(n_estimators=64, random_state=0).fit(X_train, y_train)
    runs = [measure_ensembles(forest, X_test, y_test, sizes=(1, 64), n_requests=300)
            for _ in range(MEASURE_RUNS)]
    best = min(runs, key=lambda table: table.p50_ms[0])  # fields other than p50 from any run
    return dataclasses.replace(best, p50_ms=np.min([t.p50_ms for t in runs], axis=0),
                               p99_ms=np.min([t.p99_ms for t in runs], axis=0))


@lru_cache(maxsize=None)
def chapter_forest_fastest_ms():
    """The fastest of 900 single requests to the chapter's first 1 and 64 trees: what each costs
    when the machine lets it run. Under heavy load (9 runnable processes on 2 cores) the median
    of the long 64-tree call inflates more than the short one-tree call, and their ratio with it."""
    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.4, random_state=0)
    forest = RandomForestClassifier(n_estimators=64, random_state=0).fit(X_train, y_train)
    return {n: min(time_single_predictions_ms(take_first_trees(forest, n).predict_proba, X_test,
                                              n_requests=300, warmup=30, seed=run).min()
                   for run in range(MEASURE_RUNS)) for n in (1, 64)}


# --- Measured latencies ------------------------------------------------------------------------

@lru_cache(maxsize=None)
def policy_medians_ms():
    """Median single-request latency of the chapter's policies, re-measured."""
    shop = make_catalogue(n_users=N_USERS, n_items=N_ITEMS, seed=0)
    logs = log_impressions(shop, n_impressions=N_IMPRESSIONS, seed=1)
    model = fit_click_model(shop, logs)
    popular = rank_by_popularity(shop, logs)
    top = popular[:FAST_CANDIDATES]
    policies = {
        "engagement": lambda u: recommend(model, shop, u),
        "revenue": lambda u: recommend(model, shop, u, weight=1),
        "fast": lambda u: recommend(model, shop, u, candidates=top),
        "popular": lambda u: popular[:10],
    }
    return {name: percentile(time_policy_ms(policy, shop.n_users, n_requests=300), 50)
            for name, policy in policies.items()}


@lru_cache(maxsize=None)
def compute_costs():
    """The chapter's section 3, re-measured: fit, single-request and batched per-row costs."""
    X, y = make_classification(n_samples=50_000, n_features=20, n_informative=10,
                               random_state=0)
    models = {"knn": KNeighborsClassifier(), "linear": LogisticRegression(max_iter=1_000)}
    fit_ms = {name: min(time_fit_ms(model, X, y, repeats=MEASURE_RUNS))
              for name, model in models.items()}
    predict_ms, throughput = {}, {}
    for name, model in models.items():
        model.fit(X, y)
        predict_ms[name] = min(percentile(time_single_predictions_ms(
            model.predict_proba, X, n_requests=300, warmup=30), 50) for _ in range(MEASURE_RUNS))
        throughput[name] = np.max([summarize_batches(time_batch_predictions_ms(
            model.predict_proba, X, batch_sizes=(1, 1_000), repeats=5)).throughput_per_s
            for _ in range(MEASURE_RUNS)], axis=0)
    batch_ms = {name: 1_000 / rates[1] for name, rates in throughput.items()}

    def crossing(per_prediction_ms):
        return (fit_ms["linear"] - fit_ms["knn"]) / (per_prediction_ms["knn"]
                                                     - per_prediction_ms["linear"])

    def bill_ms(name, n, per_prediction_ms):
        return fit_ms[name] + n * per_prediction_ms[name]

    return dict(fit_ms=fit_ms, predict_ms=predict_ms, throughput=throughput,
                single_crossing=crossing(predict_ms), batch_crossing=crossing(batch_ms),
                research_ms={n: bill_ms(n, RESEARCH_PREDICTIONS, batch_ms) for n in models},
                production_ms={n: bill_ms(n, PRODUCTION_PREDICTIONS, predict_ms)
                               for n in models})


# --- The solution's stored data ----------------------------------------------------------------

def sales_frontier(seed):
    shop = make_catalogue(**{**checks.FRONTIER_SHOP, "seed": seed})
    return trace_frontier(shop, shop.click_probability)



# --- Throughput or accuracy, and where a project's time goes -----------------------------------

ASSISTANT = ServingEconomics(1_000_000, 0.003, 0.002, 0.002)


def shop_gains(seed):
    """The chapter's shop economics: revenue per page from the engagement policy of shop `seed`."""
    page_usd = shop_study(seed)["engagement"][1] / 1_000
    return value_of_gains(ServingEconomics(1_000_000, page_usd, 0.005, 0.00002))


def shop_tie(seed):
    page_usd = shop_study(seed)["engagement"][1] / 1_000
    return break_even_change_per_point(ServingEconomics(1_000_000, page_usd, 0.005, 0.00002))


PLANS = {"perfected": (30, False), "by hand": (9, False), "retrained": (9, True)}


def plans():
    return {name: project_outcome(dev, automate=auto) for name, (dev, auto) in PLANS.items()}


def sensitivity():
    """(best development weeks, its value / the 30-week plan's) for the chapter's nine cases."""
    rows = []
    for learning in (2, 4, 8):
        for half_life in (5, 10, 20):
            a = ProjectAssumptions(learning_weeks=learning, drift_half_life_weeks=half_life)
            best = best_dev_weeks(automate=True, assumptions=a)
            rows.append((best, project_outcome(best, automate=True, assumptions=a).value
                         / project_outcome(30, automate=False, assumptions=a).value))
    return rows


CLAIMS = [
    # --- Section 1: the shop and the four policies ---------------------------------------------
    Claim("sponsored-fifth", CHAPTER,
          words="for a fifth of the items an ad value that a sponsor pays per click",
          derive=lambda seed: shop_study(seed)["sponsored_share"],
          holds=lambda share: abs(share - 0.2) < 0.02, seed=0),
    Claim("price-around-30", CHAPTER, words="price (around $30)",
          derive=lambda seed: shop_study(seed)["median_price_usd"],
          holds=lambda usd: 27 <= usd <= 33, seed=0),
    Claim("earners-clicked-less-than-half", CHAPTER,
          words="The items that earn more are clicked less than half as often.",
          derive=lambda seed: shop_study(seed)["click_rate_ratio"],
          holds=lambda ratio: ratio < 0.5, seed=0),
    Claim("purchase-rate", CHAPTER,
          words="A click brings `PURCHASE_RATE`, 10%, of the item's price",
          derive=lambda: PURCHASE_RATE, holds=lambda rate: rate == 0.1),
    Claim("fewer-clicks-than-items", CHAPTER,
          words="fewer than one per item in this whole log",
          derive=lambda seed: shop_study(seed)["clicks_in_log"],
          holds=lambda clicks: clicks < N_ITEMS, seed=0),
    Claim("fast-policy-a-tenth", CHAPTER,
          words="The product team's policy scores only the 500 most popular items, a tenth of "
                "the catalogue",
          derive=lambda: FAST_CANDIDATES / N_ITEMS, holds=lambda share: share == 0.1),
    Claim("revenue-roughly-doubles", CHAPTER,
          words="Ranking for revenue roughly doubles revenue and loses almost half the clicks",
          derive=lambda seed: change(shop_study(seed), "revenue"),
          holds=lambda c: 0.7 <= c[1] <= 1.3 and -0.5 < c[0] <= -0.4, seed=0),
    Claim("fast-policy-loses", CHAPTER,
          words="it loses more than a tenth of the clicks and more than a fifth of the revenue",
          derive=lambda seed: change(shop_study(seed), "fast"),
          holds=lambda c: c[0] < -0.1 and c[1] < -0.2, seed=0),
    Claim("lookup-loses-most-of-both", CHAPTER,
          words="The popularity list is by far the fastest and the simplest to run, and it loses "
                "most of both",
          derive=lambda seed: change(shop_study(seed), "lookup"),
          holds=lambda c: c[0] < -0.5 and c[1] < -0.5, seed=0),
    Claim("ledger-ranks-as-recommend", CHAPTER,
          words="`recommend` does what a ranking service does on each request",
          derive=check_recommend_is_the_frontier_policy),
    Claim("lookup-ten-times-faster", CHAPTER,
          words="answers at the median more than ten times faster than every policy that calls "
                "the model",
          derive=policy_medians_ms,
          holds=lambda ms: all(10 * ms["popular"] < ms[name]
                               for name in ("engagement", "revenue", "fast"))),

    # --- The frontier --------------------------------------------------------------------------
    Claim("frontier-21-weights", CHAPTER, words="ranks every user's page at 21 weights from 0 to 1",
          derive=lambda: FRONTIER_WEIGHTS,
          holds=lambda w: len(w) == 21 and w[0] == 0 and w[-1] == 1),
    Claim("predicted-never-lose-both", CHAPTER,
          words="so in those predicted numbers raising the weight can only trade clicks for "
                "revenue, never lose both",
          derive=lambda seed: shop_study(seed)["predicted_monotone"], seed=0, spread=(20, 20)),
    Claim("weight-02-cheap-revenue", CHAPTER,
          words="a weight of 0.2 buys 15% more revenue for less than 1% of the clicks",
          derive=lambda seed: weight_step(shop_study(seed), 0.0, 0.2),
          holds=lambda c: round(100 * c[1]) == 15 and -0.01 < c[0] <= 0,
          robust=lambda c: c[1] > 0.05 and -0.01 < c[0] <= 0, seed=0),
    Claim("steep-near-one", CHAPTER,
          words="from weight 0.8 to 1, revenue grows by 4% and clicks fall by a quarter",
          derive=lambda seed: weight_step(shop_study(seed), 0.8, 1.0),
          holds=lambda c: round(100 * c[1]) == 4 and -0.28 <= c[0] <= -0.22,
          robust=lambda c: 0 < c[1] < 0.1 and c[0] < -0.2, seed=0),
    Claim("fewer-candidates-dominated", CHAPTER,
          words="every point of the dashed curve has a point of the solid one with more clicks "
                "*and* more revenue",
          derive=lambda seed: shop_study(seed)["dominated"], seed=0, spread=(20, 20)),
    Claim("grid-never-loses-both", CHAPTER,
          words="The 21 weights printed above never lose both.",
          derive=lambda seed: shop_study(seed)["grid_both_fall"],
          holds=lambda steps: steps == 0, seed=0),
    Claim("grid-never-loses-both-on-20-shops", CHAPTER,
          words="on the 21-weight grid that the chapter's figures use, the true clicks and "
                "revenue never both fall, in any of them and whatever the number of items scored",
          derive=lambda seed: shop_study(seed)["grid_both_fall"],
          holds=lambda steps: steps == 0, seed=0, spread=(20, 20)),
    Claim("fine-grid-one-step", CHAPTER,
          words="One step loses both, from weight 0.99 to 1",
          derive=lambda seed: shop_study(seed)["fine_both_fall"],
          holds=lambda steps: [round(w, 2) for w, _, _ in steps] == [0.99],
          robust=lambda steps: all(w >= 0.97 - 1e-9 for w, _, _ in steps), seed=0),
    Claim("fine-grid-loss-small", CHAPTER,
          words="The loss is small, 11 clicks and $0.57 per 1,000 pages.",
          derive=lambda seed: shop_study(seed)["fine_both_fall"],
          holds=lambda steps: [(round(c), round(usd, 2)) for _, c, usd in steps] == [(11, 0.57)],
          robust=lambda steps: all(c < 25 and usd < 3 for _, c, usd in steps), seed=0),
    Claim("fine-grid-12-of-20", CHAPTER,
          words="on the 101-weight grid, 12 of the 20 shops have such a step",
          derive=lambda seed: len(shop_study(seed)["fine_both_fall"]),
          holds=lambda steps: steps > 0, seed=0, spread=(12, 12)),
    Claim("fine-grid-near-one", CHAPTER, words="always from a weight of 0.97 or more",
          derive=lambda seed: shop_study(seed)["fine_both_fall"],
          holds=lambda steps: all(w >= 0.97 - 1e-9 for w, _, _ in steps), seed=0,
          spread=(20, 20)),

    Claim("model-error-factor-1-4", CHAPTER,
          words="at error 0.5, a typical prediction is off by a factor of about 1.4 either way",
          derive=lambda: np.exp(0.5 * 0.6745), holds=lambda factor: round(factor, 1) == 1.4),
    Claim("noisier-promises-more", CHAPTER,
          words="The noisier the model, the more it promises and the less the shop gets.",
          derive=lambda seed: shop_study(seed)["error_clicks"],
          holds=lambda e: all(e[a][0] > e[b][0] and e[a][1] < e[b][1]
                              for a, b in zip(MODEL_ERRORS, MODEL_ERRORS[1:])), seed=0),
    Claim("fitted-promise-nearly-agrees", CHAPTER,
          words="With the fitted model as it is, the promise and the result nearly agree",
          derive=lambda seed: shop_study(seed)["error_clicks"][0],
          holds=lambda pair: abs(pair[1] / pair[0] - 1) < 0.05, seed=0),
    Claim("error-half-promise-48-gets-21", CHAPTER,
          words="the engagement page promises 48% more clicks than the fitted model's page gets, "
                "and the shop gets 21% fewer",
          derive=lambda seed: [clicks / shop_study(seed)["error_clicks"][0][0] - 1
                               for clicks in shop_study(seed)["error_clicks"][0.5][::-1]],
          holds=lambda c: round(100 * c[0]) == 48 and round(100 * c[1]) == -21,
          robust=lambda c: c[0] > 0.25 and c[1] < -0.1, seed=0),

    # --- Section 2: the forest -----------------------------------------------------------------
    Claim("boosted-hundred-trees", CHAPTER,
          words="serves gradient-boosted trees, a hundred trees walked per request",
          derive=lambda: HistGradientBoostingClassifier().max_iter,
          holds=lambda n_trees: n_trees == 100),
    Claim("digits-size", CHAPTER, words="1,797 images of 8 × 8 pixels, ten classes",
          derive=lambda: load_digits(return_X_y=True),
          holds=lambda d: d[0].shape == (1797, 64) and len(set(d[1])) == 10),
    Claim("test-images", CHAPTER, words="accuracy on the 719 test images",
          derive=lambda: len(train_test_split(*load_digits(return_X_y=True), test_size=0.4,
                                              random_state=0)[3]),
          holds=lambda n: n == 719),
    Claim("two-trees-worse", CHAPTER,
          words="Two trees do worse than one here (and on 13 of 20 seeds of the split and the "
                "forest)",
          derive=forest_accuracy, holds=lambda acc: acc[2] < acc[1], seed=0, spread=(13, 13)),
    Claim("gains-shrink", CHAPTER,
          words="the doublings from 2 to 8 trees add more than ten accuracy points, the doublings "
                "from 16 to 64 fewer than four",
          derive=forest_accuracy,
          holds=lambda acc: gain_points(acc, 2, 8) > 10 and gain_points(acc, 16, 64) < 4,
          seed=0),
    Claim("forest-64-twice-one-tree", CHAPTER,
          words="the 64-tree forest's median request takes more than twice as long as one "
                "tree's",
          derive=chapter_forest_table, holds=lambda t: t.p50_ms[-1] > 2 * t.p50_ms[0]),
    Claim("latency-slower-than-trees", CHAPTER,
          words="Latency grows more slowly than the number of trees",
          derive=chapter_forest_fastest_ms, holds=lambda ms: ms[64] < 64 * ms[1]),

    Claim("forest-cost-model", CHAPTER,
          words="0.13 ms per call, 0.032 ms per tree, 0.05 µs per tree and row",
          derive=ForestCosts,
          holds=lambda c: (c.call_ms, c.tree_ms, c.tree_row_ms * 1000) == (0.13, 0.032, 0.05)),
    Claim("jitter-p99-1-6", CHAPTER,
          words="puts the p99 at about 1.6 times the median",
          derive=jitter_ratio, holds=lambda ratio: 1.5 <= ratio <= 1.7, seed=0),
    Claim("one-row-ships-64", CHAPTER,
          words="At one row per request, even 64 trees fit a 5 ms budget",
          derive=lambda seed: float(shipping(seed)["tables"][1].p99_ms[-1]),
          holds=lambda p99_ms: p99_ms <= 5, seed=0),
    Claim("wide-requests-ship-8", CHAPTER,
          words="the same budget ships 8 trees, 4.3 points less accurate",
          derive=wide_requests,
          holds=lambda w: w[0] == 8 and round(w[1], 1) == 4.3,
          robust=lambda w: w[0] == 8 and 2 <= w[1] <= 8, seed=0),
    Claim("wide-64-needs-30-ms", CHAPTER,
          words="the 64-tree forest would need a p99 budget of about 30 ms",
          derive=wide_requests, holds=lambda w: 27 <= w[2] <= 33, seed=0),
    Claim("fifty-rows-same-decision", CHAPTER,
          words="At 50 rows the decision is the one-row decision at every budget of the explorer",
          derive=lambda seed: shipping(seed)["decisions"],
          holds=lambda d: all(d[(50, b)] == d[(1, b)] for b in SHIPPING_BUDGETS_MS), seed=0),
    Claim("tightest-two-trees", CHAPTER,
          words="Under the tightest budget, 1.5 ms, requests of 5,000 rows can afford at most two "
                "trees",
          derive=shipping,
          holds=lambda s: min(SHIPPING_BUDGETS_MS) == 1.5 and s["decisions"][(5_000, 1.5)] <= 2
          and s["tables"][5_000].p99_ms[2] > 1.5, seed=0),
    Claim("scores-5000-or-500", CHAPTER,
          words="500 for the product team's policy, all 5,000 for the engagement policy",
          derive=lambda: (FAST_CANDIDATES, N_ITEMS), holds=lambda n: n == (500, 5_000)),

    # --- Section 3: compute costs --------------------------------------------------------------
    Claim("fit-and-request-ordering", CHAPTER,
          words="logistic regression trains more slowly, and nearest neighbours answers a "
                "request more slowly",
          derive=compute_costs,
          holds=lambda c: c["fit_ms"]["linear"] > c["fit_ms"]["knn"]
          and c["predict_ms"]["knn"] > c["predict_ms"]["linear"]),
    Claim("batches-more-throughput", CHAPTER,
          words="batches of 1,000 serve more rows per second than single requests, for both "
                "models, and logistic regression more than a hundred times as many",
          derive=compute_costs,
          holds=lambda c: all(r[1] > r[0] for r in c["throughput"].values())
          and c["throughput"]["linear"][1] > 100 * c["throughput"]["linear"][0]),
    Claim("research-validation-fifth", CHAPTER,
          words="a validation set of 10,000 rows, a fifth of the 50,000",
          derive=lambda: RESEARCH_PREDICTIONS / 50_000, holds=lambda share: share == 0.2),
    Claim("batched-crossing-further", CHAPTER,
          words="the batched crossing lies more than twice as far right, yet still far left of "
                "the research band",
          derive=compute_costs,
          holds=lambda c: c["batch_crossing"] > 2 * c["single_crossing"]
          and c["batch_crossing"] < RESEARCH_PREDICTIONS / 3 / 3),
    Claim("linear-cheaper-in-research", CHAPTER,
          words="logistic regression is the cheaper one in research too",
          derive=compute_costs,
          holds=lambda c: c["research_ms"]["linear"] < c["research_ms"]["knn"]),
    Claim("training-most-of-research", CHAPTER,
          words="most of its bill is training",
          derive=compute_costs,
          holds=lambda c: c["fit_ms"]["linear"] > c["research_ms"]["linear"] / 2),
    Claim("training-under-1pc-production", CHAPTER,
          words="logistic regression's training is under 1% of its bill",
          derive=compute_costs,
          holds=lambda c: c["fit_ms"]["linear"] < c["production_ms"]["linear"] / 100),

    Claim("batch-of-1000-takes-50-ms", CHAPTER,
          words="a batch of 1,000 images at 20,000 images/s takes 50 ms in all",
          derive=lambda: 1_000 / 20_000 * 1_000, holds=lambda ms: ms == 50),

    # --- Throughput or accuracy ----------------------------------------------------------------
    Claim("shop-accuracy-350k", CHAPTER,
          words="the tenth of a point is worth about $350,000 a year and the\nthroughput gain $7",
          derive=shop_gains,
          holds=lambda g: 340_000 <= g.accuracy_usd < 360_000 and round(g.throughput_usd) == 7,
          robust=lambda g: g.accuracy_usd > 10_000 * g.throughput_usd, seed=0),
    Claim("shop-serving-hundred-thousandth", CHAPTER,
          words="serving a page costs a hundred-thousandth of what it earns",
          derive=lambda seed: 0.00002 / (shop_study(seed)["engagement"][1] / 1_000),
          holds=lambda share: 0.5e-5 <= share <= 2e-5, seed=0),
    Claim("shop-tie-ten-millionth", CHAPTER,
          words="the tie is near one ten-millionth per point",
          derive=shop_tie, holds=lambda tie: 0.5e-7 <= tie <= 2e-7, seed=0),
    Claim("assistant-throughput-three-times", CHAPTER,
          words="the throughput gain is worth more than three times the accuracy gain",
          derive=lambda: value_of_gains(ASSISTANT),
          holds=lambda g: g.throughput_usd > 3 * g.accuracy_usd),
    Claim("assistant-two-thirds", CHAPTER,
          words="each request costs two-thirds of what it brings in",
          derive=lambda: ASSISTANT.serving_cost_per_request_usd
          / ASSISTANT.revenue_per_request_usd, holds=lambda r: abs(r - 2 / 3) < 1e-9),
    Claim("assistant-tie-067", CHAPTER, words="Accuracy would win only above 0.67% of\nrevenue per point",
          derive=lambda: break_even_change_per_point(ASSISTANT),
          holds=lambda tie: round(100 * tie, 2) == 0.67),

    # --- Where a project's time goes -----------------------------------------------------------
    Claim("learning-63-86", CHAPTER,
          words="the model reaches 63% of the best achievable lift after 4 weeks of development "
                "and 86% after 8",
          derive=lambda: [1 - project_outcome(m, automate=True).lost_to_model
                          * 52 / (52 - m - 10) for m in (4, 8)],
          holds=lambda q: round(q[0], 2) == 0.63 and round(q[1], 2) == 0.86),
    Claim("perfected-19pc", CHAPTER,
          words="The perfected model is 99.9% of the best possible, and delivers 19% of the\nyear: "
                "it launches in week 36",
          derive=plans,
          holds=lambda p: p["perfected"].launch_week == 36 and round(p["perfected"].value, 2)
          == 0.19 and 1 - np.exp(-30 / 4) >= 0.999),
    Claim("retrained-57pc-three-times", CHAPTER,
          words="The 9-week plan with retraining\ndelivers 57%, three times as much",
          derive=plans,
          holds=lambda p: round(p["retrained"].value, 2) == 0.57
          and 2.9 <= p["retrained"].value / p["perfected"].value < 3.2),
    Claim("retrained-losses", CHAPTER,
          words="the unfinished model costs it\n7% of the year, the delay 37%",
          derive=plans,
          holds=lambda p: round(p["retrained"].lost_to_model, 2) == 0.07
          and round(p["retrained"].lost_to_delay, 2) == 0.37),
    Claim("by-hand-earlier-stale-most", CHAPTER,
          words="Between the two plans by hand, stopping earlier helps, and the\nstale model then "
                "costs the most",
          derive=plans,
          holds=lambda p: p["by hand"].value > p["perfected"].value
          and p["by hand"].lost_to_drift > max(p["by hand"].lost_to_delay,
                                                p["by hand"].lost_to_model)),
    Claim("sensitivity-12-5-weeks-1-9", CHAPTER,
          words="In all nine, the best plan spends at most 12.5 weeks, under a quarter of the "
                "year, on the model,\nand delivers at least 1.9 times what the 30-week plan does",
          derive=sensitivity,
          holds=lambda rows: len(rows) == 9 and max(b for b, _ in rows) == 12.5 < 52 / 4
          and min(r for _, r in rows) >= 1.9 - 0.05 and round(min(r for _, r in rows), 1) >= 1.9),

    Claim("takeaway-orders-of-magnitude", CHAPTER,
          words="accuracy wins by orders of magnitude",
          derive=shop_gains, holds=lambda g: g.accuracy_usd > 100 * g.throughput_usd, seed=0),
    Claim("takeaway-throughput-can-win", CHAPTER,
          words="where it is dear (a large model on GPUs), throughput can win",
          derive=lambda: value_of_gains(ASSISTANT),
          holds=lambda g: g.throughput_usd > g.accuracy_usd),
    Claim("self-check-tie-rule", CHAPTER,
          words="accuracy wins when the revenue change per point exceeds about the serving cost "
                "divided by a hundred times the revenue per request",
          derive=lambda: [(break_even_change_per_point(e), e.serving_cost_per_request_usd
                           / (100 * e.revenue_per_request_usd))
                          for e in (ASSISTANT, ServingEconomics(1, 2.0, 0.005, 0.00002))],
          holds=lambda pairs: all(abs(tie / rule - 1) < 0.002 for tie, rule in pairs)),

    # --- Predictions and self-checks ------------------------------------------------------------
    Claim("shop-accuracy-ten-thousand-times", CHAPTER,
          words="Accuracy, by more than 10,000 times",
          derive=shop_gains, holds=lambda g: g.accuracy_usd > 10_000 * g.throughput_usd,
          seed=0),
    Claim("forest-64-about-13-times-idle", CHAPTER,
          words="on an idle machine about 13 times, not 64",
          derive=lambda: ForestCosts().median_ms(64, 1) / ForestCosts().median_ms(1, 1),
          holds=lambda ratio: round(ratio) == 13),
    Claim("retrained-three-times-perfected", CHAPTER,
          words="The 9-week plan with retraining delivers 57%, three times as much as the "
                "perfected model",
          derive=plans,
          holds=lambda p: round(p["retrained"].value, 2) == 0.57
          and 2.9 <= p["retrained"].value / p["perfected"].value < 3.2),
    Claim("self-check-page-revenue", CHAPTER,
          words="0.10 × $2 + 0.04 × $6 = $0.20 + $0.24 = $0.44",
          derive=lambda: (0.10 * PURCHASE_RATE * 20, 0.04 * (PURCHASE_RATE * 50 + 1)),
          holds=lambda parts: round(parts[0], 2) == 0.20 and round(parts[1], 2) == 0.24
          and round(sum(parts), 2) == 0.44),
    Claim("self-check-calls-or-rows", CHAPTER,
          words="3,000 calls take far longer than one call of 3,000 rows",
          derive=ForestCosts,
          holds=lambda c: all(3_000 * c.median_ms(n, 1) > 10 * c.median_ms(n, 3_000)
                              for n in FOREST_SIZES)),
    Claim("self-check-break-even-40000", CHAPTER,
          words="n = 60,000 / 1.5 = 40,000",
          derive=lambda: (70_000 - 10_000) / (2 - 0.5), holds=lambda n: n == 40_000),
    Claim("self-check-speech-gains", CHAPTER,
          words="$1,095. The throughput gain would save about 0.1% of the $1.83 million serving "
                "bill, $1,823, so here throughput is worth more",
          derive=lambda: value_of_gains(ServingEconomics(1_000_000, 0.01, 0.003, 0.005)),
          holds=lambda g: round(g.accuracy_usd) == 1_095 and round(g.throughput_usd) == 1_823
          and g.throughput_usd > g.accuracy_usd),
    Claim("self-check-assistant-two-thirds", CHAPTER,
          words="whose requests cost two-thirds of what they earn, the throughput gain is worth "
                "more",
          derive=lambda: (ASSISTANT.serving_cost_per_request_usd
                          / ASSISTANT.revenue_per_request_usd, value_of_gains(ASSISTANT)),
          holds=lambda r: abs(r[0] - 2 / 3) < 1e-9 and r[1].throughput_usd > r[1].accuracy_usd),

    # --- The solution --------------------------------------------------------------------------
    Claim("sales-target", SOLUTION, words="at least **25% more revenue**",
          derive=lambda: checks.REVENUE_TARGET, holds=lambda target: target == 0.25),
    Claim("perfect-model-monotone", SOLUTION,
          words="so clicks can only fall and revenue only rise as the weight grows",
          derive=sales_frontier,
          holds=lambda f: bool(np.all(np.diff(f.clicks) <= 1e-9)
                               and np.all(np.diff(f.revenue_usd) >= -1e-9)),
          seed=checks.FRONTIER_SHOP["seed"], spread=(20, 20)),
    Claim("fitted-model-only-predicted", SOLUTION,
          words="With a fitted model that holds only for the predicted clicks and revenue",
          derive=lambda seed: shop_study(seed),
          holds=lambda s: s["predicted_monotone"] and len(s["fine_both_fall"]) > 0,
          seed=0, spread=(12, 12)),
    Claim("fraud-budget-30-ms", SOLUTION, words="a **p99 of at most 30 ms per request**",
          derive=lambda: checks.FRAUD_P99_BUDGET_MS, holds=lambda ms: ms == 30),
    Claim("fraud-basket-40", SOLUTION, words="scores a **basket of 40 payments** in one request",
          derive=lambda: checks.BASKET_ROWS, holds=lambda rows: rows == 40),
    Claim("router-costs", SOLUTION,
          words="whose index builds in 1.5 minutes and answers a ticket in 12 ms, and a "
                "fine-tuned classifier that trains in 90 minutes and answers in 3 ms",
          derive=checks.router_costs,
          holds=lambda c: c == {"nearest neighbours": {"fit_min": 1.5, "predict_ms": 12.0},
                                "classifier": {"fit_min": 90.0, "predict_ms": 3.0}}),
    Claim("router-traffic-below-break-even", SOLUTION,
          words="Either is rebuilt every week, and the desk receives 40,000 tickets a day",
          derive=lambda: (checks.TICKETS_PER_DAY, checks.RETRAIN_DAYS, checks._break_even()),
          holds=lambda t: t[:2] == (40_000, 7) and t[0] * t[1] < t[2]),
]

# ledger.tests, not `from ledger import tests`: pytest would collect a module-level `tests`.
test_claim = ledger.tests(CLAIMS)
