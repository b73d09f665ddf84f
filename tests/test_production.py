"""Tests of mlsys.production: the stakeholders' shop, ensembles, training vs inference cost."""

import math
import pickle
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from sklearn.datasets import load_digits, make_classification  # noqa: E402
from sklearn.ensemble import RandomForestClassifier  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.neighbors import KNeighborsClassifier  # noqa: E402

from updates import updates_match  # noqa: E402
from mlsys import production  # noqa: E402
from mlsys.production import (  # noqa: E402
    FRONTIER_WEIGHTS,
    PURCHASE_RATE,
    EnsembleTable,
    ForestCosts,
    Frontier,
    PageMetrics,
    add_model_error,
    choose_ensemble,
    evaluate_pages,
    fit_click_model,
    log_impressions,
    make_catalogue,
    make_pair_features,
    measure_ensembles,
    plot_compute_cost,
    plot_model_candidates,
    plot_live_error,
    plot_live_shipping,
    plot_model_error,
    plot_shipping_decision,
    plot_frontier,
    predict_clicks,
    promised_frontier,
    rank_by_popularity,
    rank_items,
    recommend,
    simulate_ensembles,
    simulate_request_latency_ms,
    take_first_trees,
    time_fit_ms,
    time_policy_ms,
    trace_frontier,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def shop():
    return make_catalogue(n_users=60, n_items=400, seed=5)


@pytest.fixture(scope="module")
def trained(shop):
    logs = log_impressions(shop, n_impressions=60_000, seed=6)
    return logs, fit_click_model(shop, logs)


@pytest.fixture(scope="module")
def digits_forest():
    X, y = load_digits(return_X_y=True)
    forest = RandomForestClassifier(n_estimators=16, random_state=0).fit(X[:1000], y[:1000])
    return forest, X[1000:], y[1000:]


def logit(p):
    return np.log(p / (1 - p))


# --- The shop --------------------------------------------------------------------------------

def test_make_catalogue_shapes_and_ranges(shop):
    assert shop.user_factors.shape == (60, 8) and shop.item_factors.shape == (400, 8)
    assert shop.click_probability.shape == (60, 400)
    assert np.all((shop.click_probability > 0) & (shop.click_probability < 1))
    assert shop.price_usd.min() > 0
    assert np.all(shop.ad_value_usd[~shop.sponsored] == 0)
    ads = shop.ad_value_usd[shop.sponsored]
    assert np.all((ads >= 1) & (ads <= 4))
    assert repr(shop) == (f"Catalogue(n_users=60, n_items=400, "
                          f"sponsored_items={shop.sponsored.sum()})")


def test_value_per_click_is_purchase_rate_times_price_plus_ad_value(shop):
    np.testing.assert_allclose(shop.value_per_click_usd,
                               PURCHASE_RATE * shop.price_usd + shop.ad_value_usd)


def test_make_catalogue_is_deterministic_and_seed_dependent():
    first, second = make_catalogue(10, 30, seed=2), make_catalogue(10, 30, seed=2)
    assert np.array_equal(first.click_probability, second.click_probability)
    assert not np.array_equal(first.price_usd, make_catalogue(10, 30, seed=3).price_usd)


def test_sponsored_share_is_respected_on_average():
    shop = make_catalogue(n_users=1, n_items=20_000, sponsored_share=0.3, seed=1)
    assert shop.sponsored.mean() == pytest.approx(0.3, abs=0.02)
    assert not make_catalogue(1, 50, sponsored_share=0).sponsored.any()


def test_items_that_earn_more_per_click_are_clicked_less():
    # The tension the chapter is about: engagement and revenue pull apart.
    shop = make_catalogue(n_users=100, n_items=2_000, seed=0)
    click_rate = shop.click_probability.mean(axis=0)
    earns_more = shop.value_per_click_usd > np.median(shop.value_per_click_usd)
    assert click_rate[earns_more].mean() < 0.6 * click_rate[~earns_more].mean()


@pytest.mark.parametrize("kwargs, error, name", [
    (dict(n_users=0), ValueError, "n_users"), (dict(n_items=2.5), TypeError, "n_items"),
    (dict(n_factors=0), ValueError, "n_factors"),
    (dict(sponsored_share=1.5), ValueError, "sponsored_share"),
    (dict(seed=-1), ValueError, "seed"), (dict(seed="zero"), TypeError, "seed")])
def test_make_catalogue_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        make_catalogue(**kwargs)


# --- Logs, features, click model and popularity ----------------------------------------------

def test_log_impressions_click_rate_matches_the_true_probabilities(shop):
    logs = log_impressions(shop, n_impressions=200_000, seed=1)
    assert logs.user.shape == logs.item.shape == logs.clicked.shape == (200_000,)
    expected = shop.click_probability[logs.user, logs.item].mean()
    standard_error = math.sqrt(expected / 200_000)
    assert abs(logs.clicked.mean() - expected) < 4 * standard_error


def test_log_impressions_is_deterministic_and_checks_arguments(shop):
    first, second = log_impressions(shop, 100, seed=4), log_impressions(shop, 100, seed=4)
    assert np.array_equal(first.clicked, second.clicked) and np.array_equal(first.item, second.item)
    with pytest.raises(ValueError, match="n_impressions"):
        log_impressions(shop, 0)
    with pytest.raises(TypeError, match="catalogue"):
        log_impressions({"items": 3}, 100)


def test_the_true_click_logit_is_linear_in_the_pair_features(shop):
    users, items = np.repeat(np.arange(5), 7), np.tile(np.arange(7), 5)
    features = make_pair_features(shop, users, items)
    assert features.shape == (35, 10)
    coefficients = np.r_[np.ones(8), -0.8, -0.5]
    np.testing.assert_allclose(features @ coefficients - 5.5,
                               logit(shop.click_probability[users, items]), atol=1e-9)


@pytest.mark.parametrize("users, items, error, match", [
    ([0, 1], [0], ValueError, "same length"), ([0, 60], [0, 1], ValueError, "users"),
    ([0, 1], [0, -1], ValueError, "items"), ([0.5], [1], TypeError, "users"),
    ("0", [1], TypeError, "users"), ([], [], TypeError, "users")])
def test_make_pair_features_rejects_bad_indices(shop, users, items, error, match):
    with pytest.raises(error, match=match):
        make_pair_features(shop, users, items)


def test_fit_click_model_recovers_the_true_coefficients():
    shop = make_catalogue(n_users=200, n_items=2_000, seed=1)
    model = fit_click_model(shop, log_impressions(shop, 400_000, seed=2))
    coefficients = model.coef_[0]
    np.testing.assert_allclose(coefficients[:8], 1.0, atol=0.25)
    assert coefficients[8] == pytest.approx(-0.8, abs=0.15)
    assert coefficients[9] == pytest.approx(-0.5, abs=0.2)
    assert model.intercept_[0] == pytest.approx(-5.5, abs=0.15)


def test_fit_click_model_needs_clicks_and_non_clicks(shop):
    logs = log_impressions(shop, 50, seed=0)
    no_clicks = production.Impressions(logs.user, logs.item, np.zeros(50, dtype=bool))
    with pytest.raises(ValueError, match="both clicks and non-clicks"):
        fit_click_model(shop, no_clicks)
    with pytest.raises(TypeError, match="impressions"):
        fit_click_model(shop, [(0, 1, True)])
    with pytest.raises(ValueError, match="this catalogue"):
        fit_click_model(make_catalogue(5, 10), logs)


def test_rank_by_popularity_is_a_permutation_led_by_truly_popular_items(shop, trained):
    logs, _ = trained
    popular = rank_by_popularity(shop, logs)
    assert sorted(popular.tolist()) == list(range(shop.n_items))
    true_rate = shop.click_probability.mean(axis=0)
    assert true_rate[popular[:40]].mean() > 2 * true_rate[popular[-200:]].mean()


def test_predict_clicks_is_close_to_the_truth(shop, trained):
    _, model = trained
    predicted = predict_clicks(model, shop)
    assert predicted.shape == shop.click_probability.shape
    assert np.corrcoef(logit(predicted).ravel(), logit(shop.click_probability).ravel())[0, 1] > 0.9
    assert predict_clicks(model, shop, users=[3], items=[5, 1]).shape == (1, 2)
    with pytest.raises(TypeError, match="model"):
        predict_clicks("a model", shop)


# --- Ranking and evaluating pages ------------------------------------------------------------

def test_weight_zero_ranks_by_click_probability_alone(shop):
    pages = rank_items(shop, shop.click_probability, weight=0.0, k=5)
    expected = np.argsort(-shop.click_probability, axis=1, kind="stable")[:, :5]
    assert np.array_equal(pages, expected)


def test_weight_one_ranks_by_expected_revenue(shop):
    pages = rank_items(shop, shop.click_probability, weight=1.0, k=5)
    expected_usd = shop.click_probability * shop.value_per_click_usd
    assert np.array_equal(pages, np.argsort(-expected_usd, axis=1, kind="stable")[:, :5])


def test_rank_items_with_candidates_only_shows_candidates(shop):
    candidates = np.array([7, 3, 99, 42, 250, 11])
    pages = rank_items(shop, shop.click_probability[:, candidates], 0.5, k=3,
                       candidates=candidates)
    assert pages.shape == (shop.n_users, 3)
    assert set(pages.ravel()) <= set(candidates.tolist())


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(weight=1.5), ValueError, "weight"), (dict(weight="half"), TypeError, "weight"),
    (dict(k=0), ValueError, "k must"), (dict(k=401), ValueError, "k must"),
    (dict(candidates=list(range(20))), ValueError, "click_probability must have shape")])
def test_rank_items_rejects_bad_arguments(shop, kwargs, error, match):
    with pytest.raises(error, match=match):
        rank_items(shop, shop.click_probability, **kwargs)


def test_rank_items_rejects_values_that_are_not_probabilities(shop):
    with pytest.raises(ValueError, match="between 0 and 1"):
        rank_items(shop, shop.click_probability * 2 + 0.5)


def test_recommend_serves_the_batch_ranking_for_one_user(shop, trained):
    _, model = trained
    predicted = predict_clicks(model, shop)
    candidates = np.arange(0, 400, 3)
    for weight in (0.0, 0.4, 1.0):
        batch = rank_items(shop, predicted[:, candidates], weight, k=10, candidates=candidates)
        assert np.array_equal(recommend(model, shop, 17, weight=weight, candidates=candidates),
                              batch[17])
    with pytest.raises(ValueError, match="user"):
        recommend(model, shop, 60)


def test_evaluate_pages_sums_true_clicks_and_revenue(shop):
    pages = np.tile([4, 9], (shop.n_users, 1))
    metrics = evaluate_pages(shop, pages)
    p = shop.click_probability[:, [4, 9]]
    assert metrics.clicks == pytest.approx(1000 * p.sum(axis=1).mean())
    assert metrics.revenue_usd == pytest.approx(
        1000 * (p * shop.value_per_click_usd[[4, 9]]).sum(axis=1).mean())


@pytest.mark.parametrize("pages", [np.zeros((3, 2), dtype=int), np.zeros(60, dtype=int),
                                   np.full((60, 2), 0.5), np.full((60, 2), 400)])
def test_evaluate_pages_rejects_bad_pages(shop, pages):
    with pytest.raises(ValueError, match="pages"):
        evaluate_pages(shop, pages)


def test_time_policy_ms_times_each_request_with_an_integer_user():
    seen = []
    latencies_ms = time_policy_ms(lambda user: seen.append(user), 7, n_requests=25, warmup=5)
    assert latencies_ms.shape == (25,) and np.all(latencies_ms > 0)
    assert len(seen) == 30 and all(type(u) is int and 0 <= u < 7 for u in seen)
    with pytest.raises(TypeError, match="policy"):
        time_policy_ms("engagement", 7)
    with pytest.raises(ValueError, match="n_users"):
        time_policy_ms(lambda user: user, 0)


# --- The frontier ----------------------------------------------------------------------------

def test_frontier_of_a_perfect_model_trades_clicks_for_revenue_monotonically(shop):
    # Each weight maximises a positive mix of clicks and revenue: as the weight rises, clicks
    # can only fall and revenue only rise (a classic property of weighted-sum optimisation).
    frontier = trace_frontier(shop, shop.click_probability)
    assert frontier.weights.tolist() == list(FRONTIER_WEIGHTS)
    assert np.all(np.diff(frontier.clicks) <= 1e-9)
    assert np.all(np.diff(frontier.revenue_usd) >= -1e-9)
    assert frontier.clicks[0] > frontier.clicks[-1]
    assert frontier.revenue_usd[-1] > frontier.revenue_usd[0]


def test_frontier_of_a_fitted_model_is_monotone_only_in_its_own_predictions(shop, trained):
    # rank_items's guarantee holds for the probabilities it ranks with: score the pages with
    # the model's predictions and clicks never rise, revenue never falls. The book scores them
    # with the true probabilities, which carry no such guarantee (the chapter shows a step near
    # weight 1 where both fall).
    _, model = trained
    predicted = predict_clicks(model, shop)
    as_predicted = production.Catalogue(shop.user_factors, shop.item_factors, shop.price_usd,
                                        shop.ad_value_usd, predicted)
    frontier = trace_frontier(as_predicted, predicted, weights=np.linspace(0, 1, 101))
    assert np.all(np.diff(frontier.clicks) <= 1e-9)
    assert np.all(np.diff(frontier.revenue_usd) >= -1e-9)


def test_frontier_endpoints_are_the_pure_policies(shop):
    frontier = trace_frontier(shop, shop.click_probability, weights=[0, 1], k=4)
    for index, weight in enumerate((0.0, 1.0)):
        metrics = evaluate_pages(shop, rank_items(shop, shop.click_probability, weight, k=4))
        assert frontier.clicks[index] == pytest.approx(metrics.clicks)
        assert frontier.revenue_usd[index] == pytest.approx(metrics.revenue_usd)


def test_scoring_fewer_candidates_cannot_raise_the_best_engagement(shop):
    every = trace_frontier(shop, shop.click_probability, weights=[0])
    fewer = trace_frontier(shop, shop.click_probability, weights=[0], candidates=np.arange(50))
    assert fewer.clicks[0] <= every.clicks[0]


def test_trace_frontier_rejects_bad_arguments(shop):
    with pytest.raises(ValueError, match="click_probability"):
        trace_frontier(shop, shop.click_probability[:, :10])
    with pytest.raises(ValueError, match=r"weights\[1\]"):
        trace_frontier(shop, shop.click_probability, weights=[0, 2])
    with pytest.raises(TypeError, match="weights"):
        trace_frontier(shop, shop.click_probability, weights=0.5)


def test_plot_frontier_titles_the_change_against_engagement(shop):
    frontiers = {400: trace_frontier(shop, shop.click_probability),
                 50: trace_frontier(shop, shop.click_probability, candidates=np.arange(50))}
    policies = {"engagement": PageMetrics(frontiers[400].clicks[0], frontiers[400].revenue_usd[0])}
    fig = plot_frontier(0.5, 50, frontiers=frontiers, policies=policies)
    at = FRONTIER_WEIGHTS.index(0.5)
    clicks = frontiers[50].clicks[at] / frontiers[400].clicks[0] - 1
    title = fig.axes[0].get_title(loc="left")
    assert title.startswith("weight 0.5, 50 items scored: clicks ")
    assert production._format_change(clicks) in title
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["weights 0 to 1, 400 items scored", "weights 0 to 1, 50 items scored",
                      "engagement", "weight 0.5"]


def test_format_change_keeps_a_decimal_for_small_changes():
    assert production._format_change(-0.0054) == "-0.5%"
    assert production._format_change(0.148) == "+15%"


def test_plot_frontier_rejects_bad_arguments(shop):
    frontiers = {400: trace_frontier(shop, shop.click_probability, weights=[0, 1])}
    with pytest.raises(ValueError, match="n_candidates"):
        plot_frontier(0, 100, frontiers=frontiers)
    with pytest.raises(ValueError, match="weight must be one of"):
        plot_frontier(0.5, 400, frontiers=frontiers)
    with pytest.raises(TypeError, match="frontiers"):
        plot_frontier(0, 400, frontiers={400: "curve"})
    with pytest.raises(TypeError, match="policies"):
        plot_frontier(0, 400, frontiers=frontiers, policies={"engagement": (1, 2)})


def test_add_model_error_is_seeded_and_log_normal():
    probability = np.full((200, 500), 0.01)
    noisy = add_model_error(probability, 0.5, seed=2)
    assert np.array_equal(noisy, add_model_error(probability, 0.5, seed=2))
    assert not np.array_equal(noisy, add_model_error(probability, 0.5, seed=3))
    log_ratio = np.log(noisy / probability)
    assert np.std(log_ratio) == pytest.approx(0.5, rel=0.02)  # the error is the log-sd
    assert abs(np.median(log_ratio)) < 0.01
    assert np.array_equal(add_model_error(probability, 0, seed=2), probability)
    assert add_model_error(np.full((3, 3), 0.9), 3.0).max() <= 1  # clipped to probabilities


def test_add_model_error_rejects_bad_arguments():
    with pytest.raises(ValueError, match="error"):
        add_model_error(np.full((2, 2), 0.1), -0.1)
    with pytest.raises(ValueError, match="click_probability"):
        add_model_error(np.full(4, 0.1), 0.5)
    with pytest.raises(ValueError, match="click_probability"):
        add_model_error(np.full((2, 2), 1.5), 0.5)
    with pytest.raises(TypeError, match="error"):
        add_model_error(np.full((2, 2), 0.1), "big")


def test_a_noisier_model_promises_more_and_delivers_less(shop):
    truth = shop.click_probability
    fair = promised_frontier(shop, truth, [0, 1])
    assert np.allclose(fair.clicks, trace_frontier(shop, truth, [0, 1]).clicks)
    noisy = add_model_error(truth, 1.0, seed=0)
    promised = promised_frontier(shop, noisy, [0])
    delivered = trace_frontier(shop, noisy, [0])
    # the ranking picks the items whose clicks the noise inflated: the winner's curse
    assert promised.clicks[0] > fair.clicks[0] > delivered.clicks[0]
    with pytest.raises(ValueError, match="click_probability"):
        promised_frontier(shop, truth[:, :10])


def test_plot_model_error_states_promise_and_result(shop):
    truth = shop.click_probability
    noisy = add_model_error(truth, 1.0, seed=0)
    weights = [0, 0.5, 1]
    frontiers = {0: (trace_frontier(shop, truth, weights), promised_frontier(shop, truth, weights)),
                 1.0: (trace_frontier(shop, noisy, weights), promised_frontier(shop, noisy, weights))}
    ax = plot_model_error(0, 1.0, frontiers=frontiers).axes[0]
    title = ax.get_title(loc="left")
    assert title.startswith("model error 1, weight 0: promised clicks +")
    assert "the shop gets clicks -" in title
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["what the shop gets at model error 0", "what the model promises",
                      "what the shop gets", "weight 0"]
    assert plot_model_error(0, 0, frontiers=frontiers).axes[0].get_title(loc="left").startswith(
        "model error 0, weight 0: promised clicks +0.0%")
    with pytest.raises(ValueError, match="model_error"):
        plot_model_error(0, 0.5, frontiers=frontiers)
    with pytest.raises(ValueError, match="weight"):
        plot_model_error(0.3, 1.0, frontiers=frontiers)
    with pytest.raises(TypeError, match="frontiers"):
        plot_model_error(0, 0, frontiers={0: frontiers[0][0]})


@pytest.fixture(scope="module")
def error_frontiers(shop):
    # The model-error explorer's data in small: a model's predictions and noisier ones. At
    # error 2 the promise passes $10,000: wider tick labels, so the figure is laid out again.
    predicted = shop.click_probability
    by_error = {}
    for error in (0, 0.25, 0.5, 1, 2):
        believed = add_model_error(predicted, error, seed=0)
        by_error[error] = (trace_frontier(shop, believed), promised_frontier(shop, believed))
    return predicted, by_error


def test_the_model_error_explorer_updates_in_place_as_a_new_figure_draws(error_frontiers):
    # Weight moves hold the axes still; error moves rescale them, add or drop the faint
    # reference and its legend entry (at the smallest error); the walk returns to its start.
    _, by_error = error_frontiers
    points = [{"weight": w, "model_error": e}
              for w, e in [(0, 0.5), (0.2, 0.5), (1, 0.5), (1, 0), (0.4, 0), (0, 1), (0.6, 2),
                           (0.6, 0.25), (0, 0.5)]]
    assert updates_match(plot_model_error, points, frontiers=by_error) == []


def test_plot_model_error_keeps_the_axes_still_while_the_weight_moves(error_frontiers):
    _, by_error = error_frontiers
    fig = plot_model_error(0, 0.5, frontiers=by_error)
    limits = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
    for weight in (0.2, 1):
        assert plot_model_error(weight, 0.5, frontiers=by_error, figure=fig) is fig
        assert (fig.axes[0].get_xlim(), fig.axes[0].get_ylim()) == limits
    plot_model_error(1, 1, frontiers=by_error, figure=fig)
    assert fig.axes[0].get_ylim()[1] > limits[1][1]  # the promise grows with the error


def old_live_error(shop, predicted, by_error, weight, model_error):
    """What the chapter's live explorer drew before it moved into the package."""
    weights = sorted({*FRONTIER_WEIGHTS, weight})
    believed = add_model_error(predicted, model_error, seed=0)
    chosen = (trace_frontier(shop, believed, weights), promised_frontier(shop, believed, weights))
    return plot_model_error(weight, model_error, frontiers={0: by_error[0], model_error: chosen})


@pytest.mark.parametrize("weight, model_error", [(0.37, 0.5), (0.35, 1.5), (1, 0), (0.01, 0.05)])
def test_plot_live_error_draws_what_the_traced_frontiers_give(shop, error_frontiers, weight,
                                                              model_error):
    predicted, by_error = error_frontiers
    live = plot_live_error(weight, model_error, catalogue=shop, click_probability=predicted,
                           frontiers=by_error)
    old = old_live_error(shop, predicted, by_error, weight, model_error)
    assert live.axes[0].get_title(loc="left") == old.axes[0].get_title(loc="left")
    drawn, traced = ([line for line in fig.axes[0].lines if line.get_visible()]
                     for fig in (live, old))
    assert len(drawn) == len(traced)
    for mine, theirs in zip(drawn, traced):
        assert np.array_equal(mine.get_xydata(), theirs.get_xydata())


@pytest.mark.parametrize("error, shortlist", [(0.5, 50), (2, 50), (1, 11)])
def test_shortlisted_pages_are_the_pages_of_rank_items(shop, error, shortlist):
    # Error 2 clips many predictions to 1 (ties: those users are ranked in full); a shortlist
    # of 11 often misses the bound (those users too).
    noisy = add_model_error(shop.click_probability, error, seed=3)
    weights = [0, 0.05, 0.37, 0.5, 0.95, 1]
    fast = production._pages_at_weights(shop, noisy, weights, shortlist=shortlist)
    for weight, pages in zip(weights, fast):
        assert np.array_equal(pages, rank_items(shop, noisy, weight))


def test_the_live_model_error_explorer_updates_in_place_as_a_new_figure_draws(shop,
                                                                                error_frontiers):
    predicted, by_error = error_frontiers
    points = [{"weight": w, "model_error": e}
              for w, e in [(0.2, 0.5), (0.37, 0.5), (0.37, 1.5), (1, 0), (0, 0.05), (0.2, 0.5)]]
    assert updates_match(plot_live_error, points, catalogue=shop, click_probability=predicted,
                         frontiers=by_error) == []


def test_plot_live_error_rejects_bad_arguments(shop, error_frontiers):
    predicted, by_error = error_frontiers
    good = dict(catalogue=shop, click_probability=predicted, frontiers=by_error)
    with pytest.raises(TypeError, match="click_probability"):
        plot_live_error(0, 0.5, **{**good, "click_probability": predicted[:, :10]})
    with pytest.raises(TypeError, match="catalogue"):
        plot_live_error(0, 0.5, **{**good, "catalogue": predicted})
    with pytest.raises(ValueError, match="model_error"):
        plot_live_error(0, -0.1, **good)
    with pytest.raises(ValueError, match="weight"):
        plot_live_error(1.5, 0.5, **good)
    with pytest.raises(TypeError, match="frontiers"):
        plot_live_error(0, 0.5, **{**good, "frontiers": {0: by_error[0][0]}})
    with pytest.raises(ValueError, match="figure"):
        plot_live_error(0, 0.5, **good, figure=plot_frontier(0, 400, frontiers={
            400: by_error[0][0]}))


# --- Ensembles -------------------------------------------------------------------------------

def test_first_trees_are_the_forest_a_smaller_seed_twin_would_grow(digits_forest):
    forest, X_test, _ = digits_forest
    X, y = load_digits(return_X_y=True)
    small = RandomForestClassifier(n_estimators=5, random_state=0).fit(X[:1000], y[:1000])
    np.testing.assert_array_equal(take_first_trees(forest, 5).predict_proba(X_test),
                                  small.predict_proba(X_test))
    assert len(forest.estimators_) == 16  # the original is untouched


@pytest.mark.parametrize("n_trees, error", [(0, ValueError), (17, ValueError), (2.5, TypeError)])
def test_take_first_trees_rejects_bad_sizes(digits_forest, n_trees, error):
    with pytest.raises(error, match="n_trees"):
        take_first_trees(digits_forest[0], n_trees)


def test_take_first_trees_needs_a_fitted_forest():
    with pytest.raises(TypeError, match="forest"):
        take_first_trees(RandomForestClassifier(), 1)
    with pytest.raises(TypeError, match="forest"):
        take_first_trees(LogisticRegression(), 1)


def test_measure_ensembles_table(digits_forest):
    forest, X_test, y_test = digits_forest
    table = measure_ensembles(forest, X_test, y_test, sizes=[1, 4, 16], n_requests=30, warmup=3)
    assert table.n_trees.tolist() == [1, 4, 16]
    assert table.accuracy[1] == take_first_trees(forest, 4).score(X_test, y_test)
    assert np.all(table.p50_ms <= table.p99_ms) and np.all(table.p50_ms > 0)
    assert table.size_kb[2] == len(pickle.dumps(take_first_trees(forest, 16))) / 1000
    assert np.all(np.diff(table.size_kb) > 0)


def test_accuracy_gains_of_a_forest_diminish(digits_forest):
    forest, X_test, y_test = digits_forest
    accuracy = {n: take_first_trees(forest, n).score(X_test, y_test) for n in (1, 4, 16)}
    assert accuracy[4] - accuracy[1] > accuracy[16] - accuracy[4] > 0


@pytest.mark.parametrize("sizes, error", [([4, 2], ValueError), ([1, 1], ValueError),
                                          ([1, 32], ValueError), ([], TypeError), (8, TypeError)])
def test_measure_ensembles_rejects_bad_sizes(digits_forest, sizes, error):
    forest, X_test, y_test = digits_forest
    with pytest.raises(error, match="sizes"):
        measure_ensembles(forest, X_test, y_test, sizes=sizes, n_requests=1)


def test_measure_ensembles_rejects_mismatched_data(digits_forest):
    forest, X_test, y_test = digits_forest
    with pytest.raises(ValueError, match="X must"):
        measure_ensembles(forest, X_test, y_test[:-1], sizes=[1], n_requests=1)


def example_table():
    return EnsembleTable(np.array([1, 2, 4]), np.array([0.8, 0.9, 0.92]),
                         np.array([0.2, 0.3, 0.5]), np.array([0.4, 0.5, 0.9]),
                         np.array([30.0, 60.0, 120.0]))


def test_forest_costs_median_is_the_cost_model():
    costs = ForestCosts(call_ms=1.0, row_ms=0.5, tree_ms=2.0, tree_row_ms=0.25)
    # 1 + 4 x 0.5 + 3 x (2 + 4 x 0.25)
    assert costs.median_ms(3, 4) == pytest.approx(1 + 2 + 3 * 3)
    assert ForestCosts().median_ms(64, 1) < ForestCosts().median_ms(64, 5_000)


@pytest.mark.parametrize("field", ["call_ms", "row_ms", "tree_ms", "tree_row_ms",
                                   "jitter_sigma"])
def test_forest_costs_rejects_negative_costs(field):
    with pytest.raises(ValueError, match=field):
        ForestCosts(**{field: -0.1})


def test_forest_costs_median_rejects_bad_counts():
    with pytest.raises(ValueError, match="n_trees"):
        ForestCosts().median_ms(0, 1)
    with pytest.raises(TypeError, match="rows_per_request"):
        ForestCosts().median_ms(1, 2.5)


def test_simulated_latency_agrees_with_the_log_normal_theory():
    costs = ForestCosts(jitter_sigma=0.3)
    latency_ms = simulate_request_latency_ms(16, 500, n_requests=200_000, costs=costs, seed=1)
    median_ms = costs.median_ms(16, 500)
    assert np.median(latency_ms) == pytest.approx(median_ms, rel=0.01)
    # p99 of a log-normal: the median times exp(z_0.99 x sigma), z_0.99 = 2.326
    assert np.quantile(latency_ms, 0.99) == pytest.approx(median_ms * math.exp(2.3263 * 0.3),
                                                          rel=0.02)


def test_simulated_latency_is_seeded_and_exact_without_jitter():
    first = simulate_request_latency_ms(8, 50, n_requests=100, seed=3)
    assert np.array_equal(first, simulate_request_latency_ms(8, 50, n_requests=100, seed=3))
    assert not np.array_equal(first, simulate_request_latency_ms(8, 50, n_requests=100, seed=4))
    still = simulate_request_latency_ms(8, 50, n_requests=10, costs=ForestCosts(jitter_sigma=0))
    assert np.allclose(still, ForestCosts().median_ms(8, 50))


def test_simulated_latency_rejects_bad_arguments():
    with pytest.raises(TypeError, match="costs"):
        simulate_request_latency_ms(8, costs={"call_ms": 1})
    with pytest.raises(ValueError, match="n_requests"):
        simulate_request_latency_ms(8, n_requests=0)
    with pytest.raises(ValueError, match="seed"):
        simulate_request_latency_ms(8, seed=-1)


def test_simulate_ensembles_keeps_accuracy_and_grows_with_rows():
    table = example_table()
    one, many = simulate_ensembles(table, 1), simulate_ensembles(table, 5_000)
    assert one.rows_per_request == 1 and many.rows_per_request == 5_000
    assert np.array_equal(many.accuracy, table.accuracy)
    assert np.array_equal(many.size_kb, table.size_kb)
    assert np.all(many.p99_ms > one.p99_ms) and np.all(many.p50_ms <= many.p99_ms)
    assert np.all(np.diff(many.p50_ms) > 0)  # more trees, more time
    with pytest.raises(TypeError, match="table"):
        simulate_ensembles({"n_trees": [1]}, 1)
    with pytest.raises(ValueError, match="rows_per_request"):
        simulate_ensembles(table, 0)


def test_choose_ensemble_is_the_most_accurate_within_budget():
    table = EnsembleTable(np.array([1, 2, 4, 8]), np.array([0.80, 0.78, 0.90, 0.90]),
                          np.ones(4), np.array([0.4, 0.5, 0.9, 1.2]), np.ones(4))
    assert choose_ensemble(table, 2.0) == 4       # a tie in accuracy goes to the smaller
    assert choose_ensemble(table, 0.6) == 1       # 2 trees fit but score below 1
    assert choose_ensemble(table, 0.9) == 4       # the budget is inclusive
    assert choose_ensemble(table, 0.3) is None
    with pytest.raises(ValueError, match="p99_budget_ms"):
        choose_ensemble(table, 0)
    with pytest.raises(TypeError, match="table"):
        choose_ensemble([1, 2], 1.0)


def shipping_tables():
    table = example_table()
    return {1: table, 500: EnsembleTable(table.n_trees, table.accuracy, 3 * table.p50_ms,
                                         np.array([1.0, 2.0, 4.0]), table.size_kb,
                                         rows_per_request=500)}


def test_plot_shipping_decision_states_the_decision():
    fig = plot_shipping_decision(2.5, 500, tables=shipping_tables())
    assert fig.axes[0].get_title(loc="left") == (
        "500 rows per request, p99 budget 2.5 ms: ship 2 trees (90.0%)\n"
        "4 trees (92.0%) would need a p99 of 4 ms")
    fits = plot_shipping_decision(1, 1, tables=shipping_tables()).axes[0]
    assert fits.get_title(loc="left").endswith("the most accurate forest fits: its p99 is 0.9 ms")
    labels = [t.get_text() for t in fits.get_legend().get_texts()]
    assert "ship 4 trees" in labels and "1 row per request" not in labels
    nothing = plot_shipping_decision(0.5, 500, tables=shipping_tables()).axes[0]
    assert nothing.get_title(loc="left") == (
        "500 rows per request, p99 budget 0.5 ms: no forest fits\n"
        "even 1 tree has a p99 of 1 ms")


def test_plot_shipping_decision_shows_the_one_row_forests_beside():
    ax = plot_shipping_decision(2.5, 500, tables=shipping_tables()).axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == "1 row per request" and "ship 2 trees" in labels
    low, high = ax.get_xlim()
    assert low < 0.4 and high > 4  # spans both tables, so the points move between them


def test_plot_shipping_decision_rejects_bad_arguments():
    with pytest.raises(ValueError, match="rows_per_request"):
        plot_shipping_decision(1, 50, tables=shipping_tables())
    with pytest.raises(TypeError, match="tables"):
        plot_shipping_decision(1, 1, tables=[example_table()])
    with pytest.raises(TypeError, match=r"tables\[1\]"):
        plot_shipping_decision(1, 1, tables={1: "table"})
    with pytest.raises(ValueError, match="p99_budget_ms"):
        plot_shipping_decision(-1, 1, tables=shipping_tables())


def explorer_tables(rows=(1, 50, 500, 5_000)):
    """The shipping explorer's tables: seven forests served with each number of rows."""
    table = EnsembleTable(np.array([1, 2, 4, 8, 16, 32, 64]),
                          np.array([0.78, 0.73, 0.89, 0.94, 0.97, 0.98, 0.98]),
                          np.full(7, 0.2), np.full(7, 0.3), np.full(7, 40.0))
    return table, {n: simulate_ensembles(table, n, seed=0) for n in rows}


def test_the_shipping_explorer_updates_in_place_as_a_new_figure_draws():
    # The grid's corners, a budget no forest meets (the legend loses its "ship" entry) and one
    # above every p99 (the x-axis widens), then back to the start.
    _, tables = explorer_tables()
    points = [{"p99_budget_ms": b, "rows_per_request": r}
              for b, r in [(5, 1), (1.5, 1), (20, 1), (20, 5_000), (1.5, 5_000), (0.5, 5_000),
                           (10, 50), (100, 500), (5, 1)]]
    assert updates_match(plot_shipping_decision, points, tables=tables) == []


def test_plot_shipping_decision_keeps_the_axes_still_over_the_explorer_grid():
    _, tables = explorer_tables()
    fig = plot_shipping_decision(5, 1, tables=tables)
    limits = fig.axes[0].get_xlim(), fig.axes[0].get_ylim()
    for budget, rows in [(1.5, 5_000), (20, 50)]:
        plot_shipping_decision(budget, rows, tables=tables, figure=fig)
        assert (fig.axes[0].get_xlim(), fig.axes[0].get_ylim()) == limits
    with pytest.raises(ValueError, match="figure"):
        plot_shipping_decision(5, 1, tables={1: example_table()}, figure=fig)


def old_live_shipping(table, budget, rows):
    """What the chapter's live explorer drew before it moved into the package."""
    tables = {n: simulate_ensembles(table, n, seed=0) for n in {1, rows}}
    return plot_shipping_decision(budget, rows, tables=tables)


@pytest.mark.parametrize("budget, rows", [(5, 500), (0.5, 3), (40, 1), (12.5, 10_000)])
def test_plot_live_shipping_decides_as_the_simulated_tables_do(budget, rows):
    table, _ = explorer_tables(())
    live = plot_live_shipping(budget, rows, table=table).axes[0]
    old = old_live_shipping(table, budget, rows).axes[0]
    assert live.get_title(loc="left") == old.get_title(loc="left")
    assert [t.get_text() for t in live.get_legend().get_texts()] == [
        t.get_text() for t in old.get_legend().get_texts()]
    low, high = live.get_xlim()
    assert low <= old.get_xlim()[0] and high >= old.get_xlim()[1]


def test_the_live_shipping_explorer_updates_in_place_as_a_new_figure_draws():
    table, _ = explorer_tables(())
    points = [{"p99_budget_ms": b, "rows_per_request": r}
              for b, r in [(5, 500), (0.5, 500), (40, 1), (12.5, 10_000), (3, 777), (5, 500)]]
    assert updates_match(plot_live_shipping, points, table=table) == []
    fig = plot_live_shipping(5, 500, table=table)
    limits = fig.axes[0].get_xlim()
    plot_live_shipping(0.5, 10_000, table=table, figure=fig)
    assert fig.axes[0].get_xlim() == limits  # the x-axis spans up to max_rows throughout


def test_plot_live_shipping_rejects_bad_arguments():
    table, _ = explorer_tables(())
    with pytest.raises(TypeError, match="table"):
        plot_live_shipping(5, 500, table={1: table})
    with pytest.raises(ValueError, match="rows_per_request"):
        plot_live_shipping(5, 0, table=table)
    with pytest.raises(ValueError, match="max_rows"):
        plot_live_shipping(5, 1, table=table, max_rows=0)
    with pytest.raises(ValueError, match="p99_budget_ms"):
        plot_live_shipping(0, 1, table=table)


def test_plot_model_candidates_labels_every_point_and_marks_no_choice():
    fig = plot_model_candidates([10, 20, 40], [0.80, 0.90, 0.95],
                                {"one row": [1.0, 2.0, 4.0], "a basket": [2.5, 5.0, 10.0]},
                                budget_ms=4.5, accuracy_label="recall", title="Candidates")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.texts] == ["10: 1 ms", "20: 2 ms", "40: 4 ms",
                                                "10: 2.5 ms", "20: 5 ms", "40: 10 ms"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "one row", "a basket", "p99 budget 4.5 ms"]
    assert ax.get_title(loc="left") == "Candidates" and ax.get_ylabel() == "recall"
    assert ax.get_xscale() == "log"
    low, high = ax.get_xlim()
    assert low < 1 and high > 10


def test_plot_model_candidates_rejects_bad_arguments():
    good = dict(sizes=[10, 20], accuracy=[0.8, 0.9], p99_ms={"one row": [1.0, 2.0]},
                budget_ms=3)
    with pytest.raises(ValueError, match="accuracy"):
        plot_model_candidates(**{**good, "accuracy": [0.8]})
    with pytest.raises(ValueError, match="accuracy"):
        plot_model_candidates(**{**good, "accuracy": [0.8, 90]})
    with pytest.raises(ValueError, match=r"p99_ms\['one row'\]"):
        plot_model_candidates(**{**good, "p99_ms": {"one row": [1.0]}})
    with pytest.raises(ValueError, match=r"p99_ms\['one row'\]\[1\]"):
        plot_model_candidates(**{**good, "p99_ms": {"one row": [1.0, 0]}})
    with pytest.raises(TypeError, match="p99_ms"):
        plot_model_candidates(**{**good, "p99_ms": [1.0, 2.0]})
    with pytest.raises(ValueError, match="budget_ms"):
        plot_model_candidates(**{**good, "budget_ms": 0})
    with pytest.raises(ValueError, match="sizes"):
        plot_model_candidates(**{**good, "sizes": [0, 20]})
    with pytest.raises(TypeError, match="title"):
        plot_model_candidates(**good, title="")


# --- Computational priorities ----------------------------------------------------------------

def test_time_fit_ms_trains_fresh_copies():
    estimator = KNeighborsClassifier(n_neighbors=1)
    fit_ms = time_fit_ms(estimator, [[0.0], [1.0]], [0, 1], repeats=3)
    assert fit_ms.shape == (3,) and np.all(fit_ms > 0)
    assert not hasattr(estimator, "classes_")  # the estimator passed in stays unfitted
    with pytest.raises(ValueError, match="repeats"):
        time_fit_ms(estimator, [[0.0], [1.0]], [0, 1], repeats=0)
    with pytest.raises(TypeError, match="estimator"):
        time_fit_ms("knn", [[0.0]], [0])


def test_nearest_neighbours_predicts_far_slower_per_row_than_logistic_regression():
    # The fastest of many calls is each model's own cost, whatever else the machine is doing;
    # on 20,000 stored rows the gap is a hundredfold, so a factor of 5 cannot flake.
    X, y = make_classification(n_samples=20_000, n_features=20, random_state=0)
    rows = X[:200]
    fastest_ms = {}
    for model in (KNeighborsClassifier().fit(X, y), LogisticRegression(max_iter=500).fit(X, y)):
        fastest_ms[type(model).__name__] = min(time_call_ms(model.predict_proba, rows)
                                               for _ in range(15))
    assert fastest_ms["KNeighborsClassifier"] > 5 * fastest_ms["LogisticRegression"]


def time_call_ms(function, rows):
    start_ns = time.perf_counter_ns()
    function(rows)
    return (time.perf_counter_ns() - start_ns) / 1e6


def test_plot_compute_cost_marks_the_break_even_point():
    fig = plot_compute_cost({"knn": 5.0, "linear": 135.0}, {"knn": 1.2, "linear": 0.25})
    crossing = 130 / 0.95
    assert fig.axes[0].get_title(loc="left") == (
        f"Below {crossing:,.0f} predictions per training, knn costs less;\nabove, linear does")
    dotted = [line for line in fig.axes[0].get_lines() if line.get_linestyle() == ":"]
    assert dotted and dotted[0].get_xdata()[0] == pytest.approx(crossing)


def test_plot_compute_cost_marks_both_crossings_with_batched_costs():
    fig = plot_compute_cost({"knn": 5.0, "linear": 135.0}, {"knn": 1.2, "linear": 0.25},
                            batch_predict_ms={"knn": 0.2, "linear": 0.01})
    single, batched = 130 / 0.95, 130 / 0.19
    assert fig.axes[0].get_title(loc="left") == (
        f"Below {single:,.0f} predictions per training one at a time, or {batched:,.0f} in "
        "batches,\nknn costs less; above, linear does")
    lines = fig.axes[0].get_lines()
    assert [line.get_xdata()[0] for line in lines if line.get_linestyle() == ":"] == \
        pytest.approx([single])
    assert [line.get_xdata()[0] for line in lines if line.get_linestyle() == "-."] == \
        pytest.approx([batched])
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert labels == ["knn, one request at a time", "knn, in batches",
                      "linear, one request at a time", "linear, in batches"]
    # Each batched line is the model's fit plus n x its batched cost, in seconds.
    knn_batched = lines[1]
    n = knn_batched.get_xdata()
    np.testing.assert_allclose(knn_batched.get_ydata(), (5.0 + n * 0.2) / 1000)


def test_plot_compute_cost_when_only_one_way_of_predicting_crosses():
    fig = plot_compute_cost({"a": 1.0, "b": 2.0}, {"a": 0.1, "b": 0.2},
                            batch_predict_ms={"a": 0.05, "b": 0.01})
    assert fig.axes[0].get_title(loc="left") == (
        "a and b: one is cheaper at every number of predictions\n"
        "in batches, a costs less below 25 predictions")


def test_plot_compute_cost_writes_one_prediction_in_the_singular():
    fig = plot_compute_cost({"a": 1.0, "b": 2.0}, {"a": 2.0, "b": 1.0})
    assert fig.axes[0].get_title(loc="left") == (
        "Below 1 prediction per training, a costs less;\nabove, b does")


def test_plot_compute_cost_without_a_crossing():
    fig = plot_compute_cost({"a": 1.0, "b": 2.0}, {"a": 0.1, "b": 0.2})
    assert fig.axes[0].get_title(loc="left") == (
        "a and b: one is cheaper at every number of predictions")


@pytest.mark.parametrize("fit_ms, predict_ms, error, match", [
    ({"a": 1.0}, {"a": 1.0}, TypeError, "fit_ms"),
    ({"a": 1.0, "b": 2.0}, {"a": 1.0, "c": 2.0}, ValueError, "same models"),
    ({"a": 0.0, "b": 2.0}, {"a": 1.0, "b": 2.0}, ValueError, "fit_ms"),
    ({"a": 1.0, "b": 2.0}, {"a": 1.0, "b": "fast"}, TypeError, "predict_ms")])
def test_plot_compute_cost_rejects_bad_costs(fit_ms, predict_ms, error, match):
    with pytest.raises(error, match=match):
        plot_compute_cost(fit_ms, predict_ms)


@pytest.mark.parametrize("batch_predict_ms, error", [
    ({"a": 0.1}, TypeError), ({"a": 0.1, "c": 0.1}, ValueError),
    ({"a": -0.1, "b": 0.1}, ValueError), ({"a": float("nan"), "b": 0.1}, ValueError)])
def test_plot_compute_cost_rejects_bad_batched_costs(batch_predict_ms, error):
    with pytest.raises(error, match="batch_predict_ms"):
        plot_compute_cost({"a": 1.0, "b": 2.0}, {"a": 0.2, "b": 0.1},
                          batch_predict_ms=batch_predict_ms)


@pytest.mark.parametrize("kwargs, name", [
    (dict(research_predictions=0), "research_predictions"),
    (dict(research_predictions=100, production_predictions=10), "production_predictions")])
def test_plot_compute_cost_rejects_bad_bands(kwargs, name):
    with pytest.raises(ValueError, match=name):
        plot_compute_cost({"a": 1.0, "b": 2.0}, {"a": 0.2, "b": 0.1}, **kwargs)


def test_dataclasses_are_plain_records():
    assert PageMetrics(1.0, 2.0) == PageMetrics(1.0, 2.0)
    assert isinstance(trace_frontier(make_catalogue(3, 20), make_catalogue(3, 20).click_probability,
                                     weights=[0]), Frontier)


# --- Where a project's time goes, and throughput or accuracy ---------------------------------

def test_project_outcome_parts_sum_to_one_and_match_closed_forms():
    from mlsys.production import project_outcome
    plan = project_outcome(8, automate=True)
    assert plan.launch_week == 18
    assert math.isclose(plan.value, (1 - math.exp(-2)) * 34 / 52)
    by_hand = project_outcome(8, automate=False)
    fresh = (1 - 2 ** (-38 / 10)) * 10 / math.log(2)
    assert math.isclose(by_hand.value, (1 - math.exp(-2)) * fresh / 52)
    for o in (plan, by_hand, project_outcome(60, automate=False)):
        total = o.value + o.lost_to_delay + o.lost_to_model + o.lost_to_drift
        assert math.isclose(total, 1.0)


def test_project_outcome_never_retrained_is_worse_for_the_same_launch():
    from mlsys.production import ProjectAssumptions, project_outcome
    same = ProjectAssumptions(automation_weeks=0)
    assert project_outcome(8, automate=False, assumptions=same).value < \
        project_outcome(8, automate=True, assumptions=same).value


def test_best_dev_weeks_is_the_grid_maximum():
    from mlsys.production import best_dev_weeks, project_outcome
    best = best_dev_weeks(automate=True)
    assert best == 9.0
    values = [project_outcome(m / 2, automate=True).value for m in range(105)]
    assert project_outcome(best, automate=True).value == max(values)


@pytest.mark.parametrize("kwargs, name", [
    (dict(dev_weeks=-1, automate=True), "dev_weeks"),
    (dict(dev_weeks=4, automate="yes"), "automate"),
    (dict(dev_weeks=4, automate=True, assumptions={}), "assumptions"),
])
def test_project_outcome_names_a_bad_argument(kwargs, name):
    from mlsys.production import project_outcome
    with pytest.raises((TypeError, ValueError), match=name):
        project_outcome(**kwargs)


@pytest.mark.parametrize("field_name", ["horizon_weeks", "learning_weeks", "deploy_weeks",
                                        "automation_weeks", "drift_half_life_weeks"])
def test_project_assumptions_name_a_bad_field(field_name):
    from mlsys.production import ProjectAssumptions
    with pytest.raises(ValueError, match=field_name):
        ProjectAssumptions(**{field_name: -1})


def test_plot_project_plans_draws_one_bar_per_part_and_plan():
    from mlsys.production import plot_project_plans
    fig = plot_project_plans({"a": (30, False), "b": (9, True)})
    assert len(fig.axes[0].patches) == 8
    assert "'b' delivers" in fig.axes[0].get_title("left")
    plt.close(fig)
    with pytest.raises(ValueError, match="plans"):
        plot_project_plans({})


def test_value_of_gains_closed_forms_and_break_even():
    from mlsys.production import ServingEconomics, break_even_change_per_point, value_of_gains
    system = ServingEconomics(2_000_000, 0.01, 0.002, 0.004)
    gains = value_of_gains(system)
    assert math.isclose(gains.throughput_usd, 2e6 * 365 * 0.004 * (1 - 1 / 1.001))
    assert math.isclose(gains.accuracy_usd, 2e6 * 365 * 0.01 * 0.002 * 0.1)
    tie = break_even_change_per_point(system)
    at_tie = value_of_gains(ServingEconomics(2_000_000, 0.01, tie, 0.004))
    assert math.isclose(at_tie.accuracy_usd, at_tie.throughput_usd)
    assert value_of_gains(system, days=1).accuracy_usd * 365 == pytest.approx(gains.accuracy_usd)


@pytest.mark.parametrize("kwargs, name", [
    (dict(throughput_gain=-0.1), "throughput_gain"),
    (dict(accuracy_gain_points=101), "accuracy_gain_points"),
    (dict(days=0), "days"),
])
def test_value_of_gains_names_a_bad_argument(kwargs, name):
    from mlsys.production import ServingEconomics, value_of_gains
    with pytest.raises(ValueError, match=name):
        value_of_gains(ServingEconomics(1, 1, 0.01, 1), **kwargs)
    with pytest.raises(TypeError, match="economics"):
        value_of_gains({"requests_per_day": 1})


@pytest.mark.parametrize("field_name", ["requests_per_day", "revenue_per_request_usd",
                                        "revenue_change_per_point",
                                        "serving_cost_per_request_usd"])
def test_serving_economics_names_a_bad_field(field_name):
    from mlsys.production import ServingEconomics
    values = dict(requests_per_day=1, revenue_per_request_usd=1, revenue_change_per_point=0.01,
                  serving_cost_per_request_usd=1)
    values[field_name] = -1
    with pytest.raises(ValueError, match=field_name):
        ServingEconomics(**values)


@pytest.mark.parametrize("kind", ["distinct", "rounded", "clipped"])
def test_the_fast_top_k_ranks_as_the_partition_ties_included(kind):
    # Ties (rounded scores, predictions clipped to 1) are the rows the partition itself ranks.
    rng = np.random.default_rng(0)
    for n_items, k in [(5_000, 10), (500, 10), (100, 10), (5_000, 51), (400, 1), (60, 7)]:
        score = rng.random((40, n_items))
        if kind == "rounded":
            score = np.round(score, 2)
        elif kind == "clipped":
            score = np.clip(score * np.exp(1.5 * rng.standard_normal(score.shape)), 0, 1)
        assert np.array_equal(production._top_k(score, k),
                              production._top_k_by_partition(score, k))
        shortlist = production._top_k(score, k, ties_as_partition=False)
        assert np.array_equal(np.take_along_axis(score, shortlist, axis=1),
                              -np.sort(-score, axis=1)[:, :k])
