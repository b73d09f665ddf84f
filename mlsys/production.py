"""ML in research vs production: stakeholders' objectives, ensembles, training vs inference cost.

Three studies for the chapter on how production differs from research (Huyen, DMLS ch.1):

- **Stakeholders.** A generated shop (users, items with a price and an ad value, and each user's
  true chance of clicking each item) ranked by a real click model under objectives that mix
  engagement (clicks) and revenue (USD) with a weight, scored by the true click probabilities.
- **Ensembles.** Random forests of growing size, measured: accuracy, single-request latency
  (nearest-rank p50 and p99, with `mlsys.latency`) and pickled size.
- **Computational priorities.** Training time measured, and the compute a model costs per
  training as a function of how many predictions it then makes.

Times are in milliseconds (ms), money in US dollars (USD). Percentiles are nearest rank.
"""

from __future__ import annotations

import copy
import pickle
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from matplotlib.layout_engine import PlaceHolderLayoutEngine
from matplotlib.ticker import FuncFormatter, PercentFormatter
from sklearn.base import clone
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from mlsys._validate import check_number
from mlsys.drawing import cached, keep, reuse
from mlsys.latency import percentiles, time_single_predictions_ms
from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate, format_count

#: Share of clicks that end in a purchase: a click on an item is worth this x its price in sales.
PURCHASE_RATE = 0.1

# The true click model of the generated shop: a logistic function of taste (user . item
# factors), price and whether the item is sponsored. Sponsored items are a little less
# appealing on average: their makers pay to have them shown. With these values, in a shop of
# 5,000 items, an average item is clicked on under 1% of impressions and a page of the ten items
# a user likes best gets about 1.5 clicks.
_CLICK_INTERCEPT = -5.5
_TASTE_WEIGHT = 1.0
_PRICE_SENSITIVITY = 0.8   # logit change per unit of log(price / median price)
_SPONSORED_PENALTY = 0.5   # logit change for a sponsored item
_MEDIAN_PRICE_USD = 30.0
_PRICE_SIGMA = 0.8         # log-standard deviation of prices
_AD_VALUE_USD = (1.0, 4.0)  # a sponsor pays between these per click

#: Weights of revenue against engagement at which frontiers are traced: 0, 0.05, ..., 1.
FRONTIER_WEIGHTS = tuple(i / 20 for i in range(21))


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_number("seed", seed, low=0, integer=True))


# ---------------------------------------------------------------------------------------------
# Stakeholders: a generated shop, a click model and ranking policies
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Catalogue:
    """A generated shop: users, items, and each user's true chance of clicking each item.

    Attributes
    ----------
    user_factors : numpy.ndarray of shape (n_users, n_factors)
        Each user's taste.
    item_factors : numpy.ndarray of shape (n_items, n_factors)
        Each item's style; taste . style raises the chance of a click.
    price_usd : numpy.ndarray of shape (n_items,)
        Price of each item, USD.
    ad_value_usd : numpy.ndarray of shape (n_items,)
        What a sponsor pays per click on the item, USD (0 for items nobody sponsors).
    click_probability : numpy.ndarray of shape (n_users, n_items)
        True probability that the user clicks the item when it is shown.
    """

    user_factors: np.ndarray = field(repr=False)
    item_factors: np.ndarray = field(repr=False)
    price_usd: np.ndarray = field(repr=False)
    ad_value_usd: np.ndarray = field(repr=False)
    click_probability: np.ndarray = field(repr=False)

    @property
    def n_users(self) -> int:
        return len(self.user_factors)

    @property
    def n_items(self) -> int:
        return len(self.item_factors)

    @property
    def sponsored(self) -> np.ndarray:
        """Whether each item is sponsored (a sponsor pays per click)."""
        return self.ad_value_usd > 0

    @property
    def value_per_click_usd(self) -> np.ndarray:
        """Revenue a click on each item brings, USD: ``PURCHASE_RATE`` x price + ad value."""
        return PURCHASE_RATE * self.price_usd + self.ad_value_usd

    def __repr__(self) -> str:
        return (f"Catalogue(n_users={self.n_users}, n_items={self.n_items}, "
                f"sponsored_items={int(self.sponsored.sum())})")


def make_catalogue(n_users=200, n_items=5_000, *, n_factors=8, sponsored_share=0.2,
                   seed=0) -> Catalogue:
    """Generate a shop whose cheap items get clicks and whose expensive ones earn money.

    Taste vectors are normal with variance ``n_factors ** -0.5`` per factor, so taste . style
    has variance 1 whatever `n_factors`. Prices are lognormal around $30; a share
    `sponsored_share` of items pays an ad value uniform in $1-4 per click. The true click
    probability is ``sigmoid(-5.5 + taste . style - 0.8 log(price / 30) - 0.5 sponsored)``.
    Engagement therefore favours cheap, unsponsored items that suit the user; revenue per click
    (``PURCHASE_RATE`` x price + ad value) favours expensive and sponsored ones.

    Parameters
    ----------
    n_users : int, default 200
        Number of users, ``>= 1``.
    n_items : int, default 5_000
        Number of items, ``>= 1``.
    n_factors : int, default 8
        Dimensions of taste, ``>= 1``.
    sponsored_share : float, default 0.2
        Expected share of sponsored items, between 0 and 1.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    Catalogue

    Examples
    --------
    >>> shop = make_catalogue(n_users=50, n_items=200, seed=1)
    >>> shop.click_probability.shape
    (50, 200)
    >>> bool(shop.click_probability.max() < 1), bool(shop.value_per_click_usd.min() > 0)
    (True, True)
    """
    n_users = check_number("n_users", n_users, low=1, integer=True)
    n_items = check_number("n_items", n_items, low=1, integer=True)
    n_factors = check_number("n_factors", n_factors, low=1, integer=True)
    sponsored_share = check_number("sponsored_share", sponsored_share, low=0, high=1)
    rng = _rng(seed)
    scale = n_factors ** -0.25
    user_factors = rng.normal(0, scale, (n_users, n_factors))
    item_factors = rng.normal(0, scale, (n_items, n_factors))
    price_usd = np.round(rng.lognormal(np.log(_MEDIAN_PRICE_USD), _PRICE_SIGMA, n_items), 2)
    sponsored = rng.random(n_items) < sponsored_share
    ad_value_usd = np.where(sponsored, np.round(rng.uniform(*_AD_VALUE_USD, n_items), 2), 0.0)
    logit = (_CLICK_INTERCEPT + _TASTE_WEIGHT * user_factors @ item_factors.T
             - _PRICE_SENSITIVITY * np.log(price_usd / _MEDIAN_PRICE_USD)
             - _SPONSORED_PENALTY * sponsored)
    return Catalogue(user_factors, item_factors, price_usd, ad_value_usd, 1 / (1 + np.exp(-logit)))


def _check_catalogue(catalogue) -> Catalogue:
    if not isinstance(catalogue, Catalogue):
        raise TypeError("catalogue must be a Catalogue made by make_catalogue; "
                        f"got {type(catalogue).__name__}")
    return catalogue


def _check_indices(name, values, size) -> np.ndarray:
    if isinstance(values, (str, bytes)) or values is None:
        raise TypeError(f"{name} must be a sequence of integer indices; got {values!r}")
    array = np.asarray(values)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1 or array.size == 0 or not np.issubdtype(array.dtype, np.integer):
        raise TypeError(f"{name} must be a non-empty 1-D sequence of integer indices; "
                        f"got {values!r}")
    if array.min() < 0 or array.max() >= size:
        raise ValueError(f"{name} must hold indices from 0 to {size - 1}; "
                         f"got values from {array.min()} to {array.max()}")
    return array


@dataclass(frozen=True, eq=False)
class Impressions:
    """Logged impressions: which user saw which item, and whether they clicked."""

    user: np.ndarray     # index of the user who saw the item
    item: np.ndarray     # index of the item shown
    clicked: np.ndarray  # True where the user clicked


def log_impressions(catalogue, n_impressions=500_000, seed=0) -> Impressions:
    """Simulate a log of random impressions and the clicks they got.

    Each impression shows a uniformly random item to a uniformly random user, who clicks with
    the true probability. Random exposure keeps the log free of the bias a ranking would add.

    Parameters
    ----------
    catalogue : Catalogue
        The shop, from `make_catalogue`.
    n_impressions : int, default 500_000
        Number of logged impressions, ``>= 1``.
    seed : int, default 0
        Seed of the random generator.

    Returns
    -------
    Impressions

    Examples
    --------
    >>> logs = log_impressions(make_catalogue(50, 200), n_impressions=1_000, seed=1)
    >>> logs.user.shape, logs.clicked.dtype
    ((1000,), dtype('bool'))
    """
    catalogue = _check_catalogue(catalogue)
    n_impressions = check_number("n_impressions", n_impressions, low=1, integer=True)
    rng = _rng(seed)
    user = rng.integers(catalogue.n_users, size=n_impressions)
    item = rng.integers(catalogue.n_items, size=n_impressions)
    clicked = rng.random(n_impressions) < catalogue.click_probability[user, item]
    return Impressions(user, item, clicked)


def _check_impressions(impressions, catalogue) -> Impressions:
    if not isinstance(impressions, Impressions):
        raise TypeError("impressions must be an Impressions log made by log_impressions; "
                        f"got {type(impressions).__name__}")
    if impressions.user.max() >= catalogue.n_users or impressions.item.max() >= catalogue.n_items:
        raise ValueError("impressions must come from this catalogue: they name users or items "
                         "it does not have")
    return impressions


def make_pair_features(catalogue, users, items) -> np.ndarray:
    """Return the click model's features for user-item pairs.

    One row per pair: the elementwise product of the user's taste and the item's style
    (``n_factors`` columns), the item's log price relative to $30, and whether it is sponsored.
    The true click logit is linear in these features.

    Parameters
    ----------
    catalogue : Catalogue
        The shop, from `make_catalogue`.
    users, items : sequence of int
        User and item indices of the same length (one pair per position).

    Returns
    -------
    numpy.ndarray of shape (n_pairs, n_factors + 2)

    Examples
    --------
    >>> make_pair_features(make_catalogue(5, 10, n_factors=3), [0, 1], [4, 4]).shape
    (2, 5)
    """
    catalogue = _check_catalogue(catalogue)
    users = _check_indices("users", users, catalogue.n_users)
    items = _check_indices("items", items, catalogue.n_items)
    if len(users) != len(items):
        raise ValueError(f"users and items must have the same length (one pair per position); "
                         f"got {len(users)} and {len(items)}")
    taste = catalogue.user_factors[users] * catalogue.item_factors[items]
    log_price = np.log(catalogue.price_usd[items] / _MEDIAN_PRICE_USD)
    return np.column_stack([taste, log_price, catalogue.sponsored[items]])


def fit_click_model(catalogue, impressions) -> LogisticRegression:
    """Fit a logistic-regression click model on logged impressions.

    Parameters
    ----------
    catalogue : Catalogue
        The shop the impressions come from.
    impressions : Impressions
        The log, from `log_impressions`.

    Returns
    -------
    sklearn.linear_model.LogisticRegression
        Fitted on `make_pair_features`; class 1 means "clicked".

    Examples
    --------
    >>> shop = make_catalogue(50, 200)
    >>> model = fit_click_model(shop, log_impressions(shop, 5_000))
    >>> model.coef_.shape
    (1, 10)
    """
    catalogue = _check_catalogue(catalogue)
    impressions = _check_impressions(impressions, catalogue)
    if impressions.clicked.all() or not impressions.clicked.any():
        raise ValueError("impressions must contain both clicks and non-clicks to fit a model")
    features = make_pair_features(catalogue, impressions.user, impressions.item)
    return LogisticRegression(max_iter=1_000).fit(features, impressions.clicked)


def rank_by_popularity(catalogue, impressions) -> np.ndarray:
    """Return every item, most clicked per impression first (the same list for every user).

    Parameters
    ----------
    catalogue : Catalogue
        The shop the impressions come from.
    impressions : Impressions
        The log, from `log_impressions`.

    Returns
    -------
    numpy.ndarray of shape (n_items,)
        Item indices by decreasing click-through rate in the log (ties: lower index first;
        items never shown count as 0).

    Examples
    --------
    >>> shop = make_catalogue(50, 200)
    >>> popular = rank_by_popularity(shop, log_impressions(shop, 5_000))
    >>> sorted(popular.tolist()) == list(range(200))
    True
    """
    catalogue = _check_catalogue(catalogue)
    impressions = _check_impressions(impressions, catalogue)
    shown = np.bincount(impressions.item, minlength=catalogue.n_items)
    clicks = np.bincount(impressions.item, weights=impressions.clicked,
                         minlength=catalogue.n_items)
    click_rate = np.divide(clicks, shown, out=np.zeros(catalogue.n_items), where=shown > 0)
    return np.argsort(-click_rate, kind="stable")


def predict_clicks(model, catalogue, users=None, items=None) -> np.ndarray:
    """Return the click model's predicted click probabilities for users x items.

    Parameters
    ----------
    model : fitted classifier
        Has ``predict_proba`` on `make_pair_features` rows, as `fit_click_model` returns.
    catalogue : Catalogue
        The shop.
    users : sequence of int, optional
        User indices (default: all users).
    items : sequence of int, optional
        Item indices (default: all items).

    Returns
    -------
    numpy.ndarray of shape (len(users), len(items))

    Examples
    --------
    >>> shop = make_catalogue(50, 200)
    >>> model = fit_click_model(shop, log_impressions(shop, 5_000))
    >>> predict_clicks(model, shop, users=[3], items=[0, 1, 2]).shape
    (1, 3)
    """
    catalogue = _check_catalogue(catalogue)
    if not hasattr(model, "predict_proba"):
        raise TypeError(f"model must be a fitted classifier with predict_proba, as "
                        f"fit_click_model returns; got {type(model).__name__}")
    users = np.arange(catalogue.n_users) if users is None else \
        _check_indices("users", users, catalogue.n_users)
    items = np.arange(catalogue.n_items) if items is None else \
        _check_indices("items", items, catalogue.n_items)
    features = make_pair_features(catalogue, np.repeat(users, len(items)),
                                  np.tile(items, len(users)))
    return model.predict_proba(features)[:, 1].reshape(len(users), len(items))


def _check_weight(weight) -> float:
    return check_number("weight", weight, low=0, high=1)


def rank_items(catalogue, click_probability, weight=0.0, *, k=10, candidates=None) -> np.ndarray:
    """Return each user's page: the k items with the highest weighted value of a click.

    A click on item i is valued at ``(1 - weight) + weight * v_i / mean(v)``, where ``v`` is
    the revenue per click of every item of the catalogue: at weight 0 every click counts 1
    (pure engagement); at weight 1 a click counts its revenue relative to the average item
    (pure revenue). Items are ranked by ``click_probability x value``. Because the score is a
    positive mix of expected clicks and expected revenue *under click_probability*, raising the
    weight can only trade those predicted clicks for predicted revenue, never lose both; the
    true clicks and revenue carry that guarantee only when `click_probability` is the truth.

    Parameters
    ----------
    catalogue : Catalogue
        The shop.
    click_probability : array-like of shape (n_users, n_candidates)
        Predicted click probabilities, between 0 and 1; columns are the catalogue's items, or
        the `candidates` in their order.
    weight : float, default 0.0
        Weight of revenue against engagement, between 0 and 1.
    k : int, default 10
        Items per page, between 1 and the number of candidates.
    candidates : sequence of int, optional
        The items that are scored (default: all items). A policy that scores fewer items
        answers faster and can only show what it scored.

    Returns
    -------
    numpy.ndarray of shape (n_users, k)
        Item indices, best first.

    Examples
    --------
    >>> shop = make_catalogue(3, 50)
    >>> page = rank_items(shop, shop.click_probability, weight=0.0, k=2)
    >>> page.tolist() == np.argsort(-shop.click_probability, axis=1)[:, :2].tolist()
    True
    """
    catalogue = _check_catalogue(catalogue)
    weight = _check_weight(weight)
    candidates = np.arange(catalogue.n_items) if candidates is None else \
        _check_indices("candidates", candidates, catalogue.n_items)
    k = check_number("k", k, low=1, high=len(candidates), integer=True, unit="items per page")
    probability = np.asarray(click_probability, dtype=float)
    if probability.ndim != 2 or probability.shape[1] != len(candidates):
        raise ValueError(f"click_probability must have shape (n_users, {len(candidates)}), one "
                         f"column per candidate item; got shape {probability.shape}")
    if not np.all((probability >= 0) & (probability <= 1)):
        raise ValueError("click_probability must hold probabilities between 0 and 1")
    value = catalogue.value_per_click_usd
    score = probability * ((1 - weight) + weight * value[candidates] / value.mean())
    return candidates[_top_k(score, k)]


def _top_k_by_partition(score, k) -> np.ndarray:
    """Each row's k highest scores' columns, highest first: a partition, then a stable sort."""
    top = np.argpartition(-score, k - 1, axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(score, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)


def _top_k(score, k, *, ties_as_partition=True) -> np.ndarray:
    """`_top_k_by_partition(score, k)`, about eight times sooner on the shop's 5,000 items.

    The maxima of 5k disjoint blocks of a row's columns are distinct entries of the row, so the
    k-th largest of them is at most the row's k-th largest score: only the scores at or above it
    (a few more than k) are sorted. A row whose k + 1 best scores are not all distinct is ranked
    by the partition itself, since the partition then decides which tied items come first
    (with ``ties_as_partition=False``, tied scores come lower column first instead).
    """
    n_rows, n_columns = score.shape
    blocks = 5 * k
    width = n_columns // blocks
    if width < 2:
        return _top_k_by_partition(score, k)
    # block j of a row: its columns j, j + blocks, j + 2 blocks, ... (a vectorised maximum)
    block_max = score[:, :blocks * width].reshape(n_rows, width, blocks).max(axis=1)
    floor = np.partition(block_max, blocks - k, axis=1)[:, blocks - k]
    rows, columns = np.divmod(np.flatnonzero(score >= floor[:, None]), n_columns)
    values = score[rows, columns]
    order = np.lexsort((-values, rows))  # by row, then by decreasing score
    columns, values = columns[order], values[order]
    counts = np.bincount(rows, minlength=n_rows)  # each >= k
    first = (np.cumsum(counts) - counts)[:, None] + np.arange(k + 1)
    first[:, k] = np.minimum(first[:, k], len(values) - 1)  # a row's (k + 1)-th, if it has one
    top = columns[first[:, :k]]
    if not ties_as_partition:
        return top
    best = values[first]
    distinct = np.all(best[:, :k - 1] > best[:, 1:k], axis=1) & (
        (counts == k) | (best[:, k - 1] > best[:, k]))
    if not distinct.all():
        top[~distinct] = _top_k_by_partition(score[~distinct], k)
    return top


def recommend(model, catalogue, user, *, weight=0.0, candidates=None, k=10) -> np.ndarray:
    """Serve one request: predict the user's clicks on the candidates and rank them.

    This is what a ranking service does for each request: build features, call the model,
    sort. It is `predict_clicks` for one user followed by `rank_items`.

    Parameters
    ----------
    model : fitted classifier
        The click model, as `fit_click_model` returns.
    catalogue : Catalogue
        The shop.
    user : int
        Index of the user who sent the request.
    weight : float, default 0.0
        Weight of revenue against engagement, between 0 and 1 (see `rank_items`).
    candidates : sequence of int, optional
        Items to score (default: all items).
    k : int, default 10
        Items per page.

    Returns
    -------
    numpy.ndarray of shape (k,)
        Item indices, best first.

    Examples
    --------
    >>> shop = make_catalogue(50, 200)
    >>> model = fit_click_model(shop, log_impressions(shop, 5_000))
    >>> recommend(model, shop, user=7, k=3).shape
    (3,)
    """
    catalogue = _check_catalogue(catalogue)
    user = check_number("user", user, low=0, high=catalogue.n_users - 1, integer=True)
    candidates = np.arange(catalogue.n_items) if candidates is None else \
        _check_indices("candidates", candidates, catalogue.n_items)
    probability = predict_clicks(model, catalogue, [user], candidates)
    return rank_items(catalogue, probability, weight, k=k, candidates=candidates)[0]


@dataclass(frozen=True)
class PageMetrics:
    """What a ranking policy earns, per 1,000 pages shown, under the true click probabilities."""

    clicks: float        # expected clicks per 1,000 pages (the ML team's engagement)
    revenue_usd: float   # expected revenue per 1,000 pages, USD (the sales team's metric)


def evaluate_pages(catalogue, pages) -> PageMetrics:
    """Score one page per user with the true click probabilities.

    Parameters
    ----------
    catalogue : Catalogue
        The shop.
    pages : array-like of int, shape (n_users, k)
        Row u holds the items shown to user u (every user of the catalogue, in order).

    Returns
    -------
    PageMetrics
        Expected clicks and revenue (USD) per 1,000 pages, averaged over users.

    Examples
    --------
    >>> shop = make_catalogue(3, 50)
    >>> metrics = evaluate_pages(shop, np.zeros((3, 1), dtype=int))
    >>> bool(np.isclose(metrics.clicks, 1000 * shop.click_probability[:, 0].mean()))
    True
    """
    catalogue = _check_catalogue(catalogue)
    pages = np.asarray(pages)
    if pages.ndim != 2 or len(pages) != catalogue.n_users or pages.shape[1] == 0 \
            or not np.issubdtype(pages.dtype, np.integer):
        raise ValueError(f"pages must be integer item indices of shape ({catalogue.n_users}, k), "
                         f"one row per user; got shape {pages.shape}")
    _check_indices("pages", pages.ravel(), catalogue.n_items)
    probability = np.take_along_axis(catalogue.click_probability, pages, axis=1)
    clicks = 1000 * probability.sum(axis=1).mean()
    revenue = 1000 * (probability * catalogue.value_per_click_usd[pages]).sum(axis=1).mean()
    return PageMetrics(float(clicks), float(revenue))


def time_policy_ms(policy, n_users, *, n_requests=300, warmup=30, seed=0) -> np.ndarray:
    """Time a ranking policy on single requests, each from a random user.

    A thin wrapper of `mlsys.latency.time_single_predictions_ms`: a request is one user's
    index, and ``policy(user)`` must return that user's page.

    Parameters
    ----------
    policy : callable
        ``policy(user)`` with ``user`` an int, returns the page.
    n_users : int
        Users to draw requests from, ``>= 1``.
    n_requests : int, default 300
        Timed requests, ``>= 1``.
    warmup : int, default 30
        Untimed requests made first, ``>= 0``.
    seed : int, default 0
        Seed of the generator that picks users.

    Returns
    -------
    numpy.ndarray of shape (n_requests,)
        Latency of each request, ms (wall clock).

    Examples
    --------
    >>> latencies_ms = time_policy_ms(lambda user: [user], 10, n_requests=20)
    >>> latencies_ms.shape
    (20,)
    """
    if not callable(policy):
        raise TypeError(f"policy must be a function of a user index; got {policy!r}")
    n_users = check_number("n_users", n_users, low=1, integer=True)
    users = np.arange(n_users).reshape(-1, 1)
    return time_single_predictions_ms(lambda rows: policy(int(rows[0, 0])), users,
                                      n_requests=n_requests, warmup=warmup, seed=seed)


@dataclass(frozen=True, eq=False)
class Frontier:
    """Clicks and revenue (per 1,000 pages) of the weighted policy at each weight."""

    weights: np.ndarray
    clicks: np.ndarray
    revenue_usd: np.ndarray


def _check_weights(weights) -> np.ndarray:
    if isinstance(weights, (str, bytes)) or not isinstance(weights, (Sequence, np.ndarray)) \
            or len(weights) == 0:
        raise TypeError(f"weights must be a non-empty sequence of numbers in [0, 1]; "
                        f"got {weights!r}")
    return np.array([check_number(f"weights[{i}]", w, low=0, high=1)
                     for i, w in enumerate(weights)])


def trace_frontier(catalogue, click_probability, weights=FRONTIER_WEIGHTS, *, k=10,
                   candidates=None) -> Frontier:
    """Rank every user's page at each weight and score the pages: the trade-off frontier.

    Parameters
    ----------
    catalogue : Catalogue
        The shop.
    click_probability : array-like of shape (n_users, n_items)
        The probabilities the ranking uses, for every item (a model's predictions, or
        ``catalogue.click_probability`` for a perfect model). Pages are always scored with the
        true probabilities.
    weights : sequence of float, default 0, 0.05, ..., 1
        Weights of revenue against engagement, each between 0 and 1.
    k : int, default 10
        Items per page.
    candidates : sequence of int, optional
        Items that are scored (default: all).

    Returns
    -------
    Frontier
        With a perfect model, clicks never rise and revenue never falls as the weight grows.

    Examples
    --------
    >>> shop = make_catalogue(20, 100)
    >>> frontier = trace_frontier(shop, shop.click_probability, weights=[0, 1])
    >>> bool(frontier.clicks[0] >= frontier.clicks[1])
    True
    >>> bool(frontier.revenue_usd[0] <= frontier.revenue_usd[1])
    True
    """
    catalogue = _check_catalogue(catalogue)
    weights = _check_weights(weights)
    probability = np.asarray(click_probability, dtype=float)
    if probability.shape != catalogue.click_probability.shape:
        raise ValueError(f"click_probability must have shape {catalogue.click_probability.shape} "
                         f"(users x items); got {probability.shape}")
    if candidates is not None:
        candidates = _check_indices("candidates", candidates, catalogue.n_items)
        probability = probability[:, candidates]
    metrics = [evaluate_pages(catalogue, rank_items(catalogue, probability, w, k=k,
                                                    candidates=candidates))
               for w in weights]
    return Frontier(weights, np.array([m.clicks for m in metrics]),
                    np.array([m.revenue_usd for m in metrics]))


def _at_weight(frontier, weight) -> int:
    matches = np.flatnonzero(np.isclose(frontier.weights, weight, rtol=0, atol=1e-9))
    if len(matches) == 0:
        raise ValueError(f"weight must be one of the frontier's weights "
                         f"{[float(w) for w in frontier.weights]}; got {weight!r}")
    return int(matches[0])


def _format_change(fraction) -> str:
    # Small changes keep a decimal: "-0.5%" says more than "-1%" or "-0%".
    return f"{fraction:+.0%}" if abs(fraction) >= 0.095 else f"{fraction:+.1%}"


#: Marker and colour of each policy in `plot_frontier`, in legend order.
POLICY_MARKERS = (("s", "blue"), ("^", "vermillion"), ("D", "green"), ("X", "black"),
                  ("P", "orange"), ("v", "sky"))


def plot_frontier(weight, n_candidates, *, frontiers, policies=None) -> Figure:
    """Plot the clicks-revenue frontier, one weight's policy on it, and reference policies.

    Parameters
    ----------
    weight : float
        Weight of revenue against engagement; one of the frontiers' weights.
    n_candidates : int
        A key of `frontiers`: how many items the chosen policy scores.
    frontiers : dict
        Number of candidate items scored -> `Frontier` from `trace_frontier` with those
        candidates. The largest key is the reference: its weight-0 policy (engagement) is what
        the title compares with, and its curve is always drawn.
    policies : dict, optional
        Policy name -> `PageMetrics`, drawn as labelled markers (at most six).

    Returns
    -------
    matplotlib.figure.Figure
        Expected revenue against expected clicks per 1,000 pages; the title gives the chosen
        policy's change in clicks and revenue, in percent.

    Examples
    --------
    >>> shop = make_catalogue(30, 200)
    >>> frontiers = {200: trace_frontier(shop, shop.click_probability)}
    >>> fig = plot_frontier(0.5, 200, frontiers=frontiers)
    >>> fig.axes[0].get_title(loc="left").startswith("weight 0.5, all 200 items scored")
    True
    """
    if not isinstance(frontiers, Mapping) or not frontiers or \
            not all(isinstance(f, Frontier) for f in frontiers.values()):
        raise TypeError("frontiers must be a dict of candidate counts -> Frontier from "
                        f"trace_frontier; got {frontiers!r}")
    if n_candidates not in frontiers:
        raise ValueError(f"n_candidates must be one of the frontiers' keys {sorted(frontiers)}; "
                         f"got {n_candidates!r}")
    policies = dict(policies or {})
    if len(policies) > len(POLICY_MARKERS) or \
            not all(isinstance(m, PageMetrics) for m in policies.values()):
        raise TypeError(f"policies must map at most {len(POLICY_MARKERS)} names to PageMetrics "
                        f"from evaluate_pages; got {policies!r}")
    weight = _check_weight(weight)
    everything = max(frontiers)
    reference, chosen = frontiers[everything], frontiers[n_candidates]
    at = _at_weight(chosen, weight)
    base = _at_weight(reference, 0.0)
    clicks, revenue = chosen.clicks[at], chosen.revenue_usd[at]

    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    ax.plot(reference.clicks, reference.revenue_usd, color=PALETTE["blue"],
            linestyle=LINESTYLES[0], label=f"weights 0 to 1, {format_count(everything, 'item')} scored")
    if n_candidates != everything:
        ax.plot(chosen.clicks, chosen.revenue_usd, color=PALETTE["orange"],
                linestyle=LINESTYLES[1],
                label=f"weights 0 to 1, {format_count(n_candidates, 'item')} scored")
    for (name, metrics), (marker, colour) in zip(policies.items(), POLICY_MARKERS):
        ax.plot([metrics.clicks], [metrics.revenue_usd], marker, ms=8, color=PALETTE[colour],
                linestyle="none", label=name)
    ax.plot([clicks], [revenue], "o", ms=16, markerfacecolor="none", markeredgewidth=2.5,
            color=PALETTE["purple"], linestyle="none", label=f"weight {weight:g}")
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"${value:,.0f}"))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
    scored = f"all {format_count(everything, 'item')}" if n_candidates == everything else \
        format_count(n_candidates, "item")
    title = (f"weight {weight:g}, {scored} scored: clicks "
             f"{_format_change(clicks / reference.clicks[base] - 1)}, revenue "
             f"{_format_change(revenue / reference.revenue_usd[base] - 1)}\n"
             "compared with ranking every item for engagement")
    decorate(ax, xlabel="expected clicks per 1,000 pages",
             ylabel="expected revenue per 1,000 pages", title=title)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def add_model_error(click_probability, error, *, seed=0) -> np.ndarray:
    """A less accurate model's predictions: each probability times a log-normal error.

    Each prediction is multiplied by ``exp(error * z)``, ``z`` standard normal and independent
    for every user and item, and clipped to [0, 1]. ``error = 0`` returns the predictions as they
    are; 0.5 makes a typical prediction off by a factor of about 1.4 either way.

    Parameters
    ----------
    click_probability : array-like of shape (n_users, n_items)
        A model's predicted click probabilities.
    error : float
        Log-standard deviation of the error, ``>= 0``.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    numpy.ndarray
        The noisier predictions, same shape.

    Examples
    --------
    >>> noisy = add_model_error(np.full((2, 3), 0.01), 0.5, seed=1)
    >>> noisy.shape, bool(np.all(noisy > 0)), bool(np.all(noisy != 0.01))
    ((2, 3), True, True)
    """
    probability = np.asarray(click_probability, dtype=float)
    if probability.ndim != 2 or probability.size == 0 or not np.all(np.isfinite(probability)) \
            or probability.min() < 0 or probability.max() > 1:
        raise ValueError("click_probability must be a non-empty users x items array of "
                         f"probabilities in [0, 1]; got shape {probability.shape}")
    error = check_number("error", error, low=0)
    noisy = _rng(seed).standard_normal(probability.shape)
    noisy *= error  # in place: probability * exp(error * z), without four more arrays
    np.exp(noisy, out=noisy)
    noisy *= probability
    return np.clip(noisy, 0.0, 1.0, out=noisy)


def promised_frontier(catalogue, click_probability, weights=FRONTIER_WEIGHTS, *, k=10) -> Frontier:
    """The frontier a model promises: pages ranked *and scored* with its own predictions.

    `trace_frontier` scores the same pages with the true click probabilities; the difference
    between the two is what the business is promised and does not get.

    Examples
    --------
    >>> shop = make_catalogue(20, 100)
    >>> truth = trace_frontier(shop, shop.click_probability, [0, 1])
    >>> promise = promised_frontier(shop, shop.click_probability, [0, 1])
    >>> bool(np.allclose(truth.clicks, promise.clicks))  # a perfect model keeps its promise
    True
    """
    catalogue = _check_catalogue(catalogue)
    probability = np.asarray(click_probability, dtype=float)
    if probability.shape != catalogue.click_probability.shape:
        raise ValueError(f"click_probability must have shape {catalogue.click_probability.shape} "
                         f"(users x items); got {probability.shape}")
    believed = Catalogue(catalogue.user_factors, catalogue.item_factors, catalogue.price_usd,
                         catalogue.ad_value_usd, probability)
    return trace_frontier(believed, probability, weights, k=k)


def _autoscaled(ax, axis, values) -> tuple:
    """The limits matplotlib's autoscale gives `values` on a linear `axis` ("x" or "y")."""
    values = np.concatenate([np.ravel(v) for v in values])
    locator = (ax.xaxis if axis == "x" else ax.yaxis).get_major_locator()
    low, high = locator.nonsingular(float(values.min()), float(values.max()))
    pad = ax.margins()[0 if axis == "x" else 1] * (high - low)
    return low - pad, high + pad


def _set_view(ax, *, xlim=None, ylim=None) -> None:
    """Set the limits that differ from the axes' own; lay the figure out again if any did.

    Setting unchanged limits is skipped: it would mark the axis as changed and make `render`
    draw everything. A figure that `render` laid out and froze is laid out again when its
    limits move, since its tick labels may then need other margins.
    """
    moved = False
    for limits, get, set_ in ((xlim, ax.get_xlim, ax.set_xlim), (ylim, ax.get_ylim, ax.set_ylim)):
        if limits is not None and tuple(get()) != tuple(limits):
            set_(*limits)
            moved = True
    figure = ax.get_figure(root=True)
    if moved and isinstance(figure.get_layout_engine(), PlaceHolderLayoutEngine):
        figure.set_layout_engine("constrained")


def _set_legend(kept, ax, entries, **options) -> None:
    """Show `entries` ((handle, label) pairs) in `ax`'s legend, kept as ``kept.legend``.

    When the handles are the ones already shown, only the texts change (in place); otherwise
    a new legend replaces the old one (and `render` draws that figure in full once).
    """
    handles = [handle for handle, _ in entries]
    labels = [label for _, label in entries]
    if getattr(kept, "legend_handles", None) == handles:
        for text, label in zip(kept.legend.texts, labels):
            text.set_text(label)
        return
    kept.legend = ax.legend(handles, labels, **options)
    kept.legend_handles = handles


def _check_error_frontiers(frontiers) -> None:
    if not isinstance(frontiers, Mapping) or not frontiers or not all(
            isinstance(pair, tuple) and len(pair) == 2
            and all(isinstance(f, Frontier) for f in pair) for pair in frontiers.values()):
        raise TypeError("frontiers must be a dict of model error -> (true Frontier, promised "
                        f"Frontier); got {frontiers!r}")


def plot_model_error(weight, model_error, *, frontiers, figure=None) -> Figure:
    """Plot what a model promises and what the shop gets, at one weight and one model error.

    Parameters
    ----------
    weight : float
        Weight of revenue against engagement; one of the frontiers' weights.
    model_error : float
        A key of `frontiers`.
    frontiers : dict of float -> (Frontier, Frontier)
        Model error mapped to (the true frontier, the promised frontier) of rankings by a model
        with that error. The smallest error is the reference: its true weight-0 policy is what
        the title compares with, and its true frontier is drawn faintly beside the others.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Expected revenue against expected clicks per 1,000 pages: the promised frontier
        (dashed), the true one (solid), the chosen weight on both; the title gives both changes
        against the reference's true engagement page. The axes fit the curves drawn, so they
        move with the model error and hold still as the weight moves.

    Examples
    --------
    >>> shop = make_catalogue(30, 200)
    >>> truth = trace_frontier(shop, shop.click_probability, [0, 1])
    >>> fig = plot_model_error(1, 0, frontiers={0: (truth, truth)})
    >>> print(fig.axes[0].get_title(loc="left"))
    model error 0, weight 1: promised clicks -26%, revenue +30%;
    the shop gets clicks -26%, revenue +30%
    """
    _check_error_frontiers(frontiers)
    if model_error not in frontiers:
        raise ValueError(f"model_error must be one of the frontiers' keys {sorted(frontiers)}; "
                         f"got {model_error!r}")
    weight = _check_weight(weight)
    smallest = min(frontiers)
    reference = frontiers[smallest][0]
    true, promised = frontiers[model_error]
    at, base = _at_weight(true, weight), _at_weight(reference, 0.0)
    if _at_weight(promised, weight) != at:
        raise ValueError("the true and promised frontiers must share their weights")

    kept = reuse(figure, plot_model_error)
    if kept is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        faint = ax.plot([], [], ".", color="0.6", linestyle=LINESTYLES[3])[0]
        promise = ax.plot([], [], "^", color=PALETTE["orange"], linestyle=LINESTYLES[1],
                          ms=5)[0]
        result = ax.plot([], [], "o", color=PALETTE["blue"], linestyle=LINESTYLES[0], ms=5)[0]
        arrow = ax.annotate("", xy=(0, 0), xytext=(0, 0),
                            arrowprops=dict(arrowstyle="->", color=PALETTE["black"], lw=1.2))
        chosen = ax.plot([], [], "o", ms=15, markerfacecolor="none", markeredgewidth=2.5,
                         color=PALETTE["purple"], linestyle="none")[0]
        ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"${value:,.0f}"))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:,.0f}"))
        decorate(ax, xlabel="expected clicks per 1,000 pages",
                 ylabel="expected revenue per 1,000 pages")
        kept = keep(fig, plot_model_error, lines=[faint, promise, result, chosen], arrow=arrow,
                    title=ax.set_title("", loc="left"))
    faint, promise, result, chosen = kept.lines
    ax = faint.axes
    drawn = [promised, true] if model_error == smallest else [reference, promised, true]
    faint.set_visible(model_error != smallest)
    faint.set_data(reference.clicks, reference.revenue_usd)
    promise.set_data(promised.clicks, promised.revenue_usd)
    result.set_data(true.clicks, true.revenue_usd)
    kept.arrow.xy = (true.clicks[at], true.revenue_usd[at])
    kept.arrow.set_position((promised.clicks[at], promised.revenue_usd[at]))
    chosen.set_data([true.clicks[at], promised.clicks[at]],
                    [true.revenue_usd[at], promised.revenue_usd[at]])
    _set_view(ax, xlim=_autoscaled(ax, "x", [f.clicks for f in drawn]),
              ylim=_autoscaled(ax, "y", [f.revenue_usd for f in drawn]))
    entries = [(faint, f"what the shop gets at model error {smallest:g}")] * (
        model_error != smallest) + [(promise, "what the model promises"),
                                    (result, "what the shop gets"), (chosen, f"weight {weight:g}")]
    _set_legend(kept, ax, entries, loc="best", fontsize=8)

    def change(frontier):
        return (_format_change(frontier.clicks[at] / reference.clicks[base] - 1),
                _format_change(frontier.revenue_usd[at] / reference.revenue_usd[base] - 1))

    (p_clicks, p_revenue), (t_clicks, t_revenue) = change(promised), change(true)
    kept.title.set_text(f"model error {model_error:g}, weight {weight:g}: promised clicks "
                        f"{p_clicks}, revenue {p_revenue};\nthe shop gets clicks {t_clicks}, "
                        f"revenue {t_revenue}")
    return kept.figure


class _Same:
    """A key that compares its value by identity, to cache results about an array."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __hash__(self):
        return id(self.value)

    def __eq__(self, other):
        return isinstance(other, _Same) and other.value is self.value


@cached(maxsize=2)
def _noisy_predictions(probability, model_error) -> np.ndarray:
    noisy = add_model_error(probability.value, model_error, seed=0)
    noisy.setflags(write=False)
    return noisy


def _pages_at_weights(catalogue, probability, weights, *, k=10, shortlist=50) -> list:
    """``rank_items(catalogue, probability, w, k=k)`` at each weight, ranked from shortlists.

    An item's score at weight w, ``p ((1 - w) + w v / mean(v))``, is ``(1 - w) p + w r`` with
    ``r = p v / mean(v)``. So an item outside a user's `shortlist` most clickable (by p) and
    `shortlist` most lucrative (by r) items scores at most ``(1 - w) p_out + w r_out``, the best
    p and r outside them. A user's page comes from the shortlists when its k-th score clears
    that bound and no two of its scores tie (it is then the page of `rank_items`, in its
    order); the other users' pages are ranked by `rank_items` on their rows of `probability`.
    """
    n_users, n_items = probability.shape
    if 2 * shortlist + k >= n_items or len(weights) == 1:  # shortlists pay for several weights
        return [rank_items(catalogue, probability, w, k=k) for w in weights]
    value = catalogue.value_per_click_usd
    lucrative = probability * (value / value.mean())
    users = np.arange(n_users)
    # any `shortlist` best items will do, and the best score after them
    by_clicks = _top_k(probability, shortlist + 1, ties_as_partition=False)
    by_revenue = _top_k(lucrative, shortlist + 1, ties_as_partition=False)
    clicks_out = probability[users, by_clicks[:, shortlist]]
    revenue_out = lucrative[users, by_revenue[:, shortlist]]
    shortlisted = np.sort(np.concatenate([by_clicks[:, :shortlist], by_revenue[:, :shortlist]],
                                         axis=1), axis=1)
    repeated = np.zeros(shortlisted.shape, dtype=bool)
    repeated[:, 1:] = shortlisted[:, 1:] == shortlisted[:, :-1]
    short_probability = np.take_along_axis(probability, shortlisted, axis=1)
    pages = []
    for w in weights:
        weight = _check_weight(w)
        # rank_items' own expression, so that every score is the same number
        score = short_probability * ((1 - weight) + weight * value / value.mean())[shortlisted]
        score[repeated] = -np.inf
        top = np.argpartition(-score, k, axis=1)[:, :k + 1]
        top_score = np.take_along_axis(score, top, axis=1)
        order = np.argsort(-top_score, axis=1, kind="stable")
        top, top_score = (np.take_along_axis(a, order, axis=1) for a in (top, top_score))
        bound = (1 - weight) * clicks_out + weight * revenue_out
        clear = (top_score[:, k - 1] > bound * (1 + 1e-9)) & np.all(
            top_score[:, :-1] > top_score[:, 1:], axis=1)
        page = np.take_along_axis(shortlisted, top[:, :k], axis=1)
        if not clear.all():  # each user's page is ranked on its own row: rank those rows
            page[~clear] = rank_items(catalogue, probability[~clear], weight, k=k)
        pages.append(page)
    return pages


@cached(maxsize=64)
def _error_frontiers(catalogue, probability, model_error, weights) -> tuple:
    """(true, promised) frontiers of the rankings by predictions with `model_error` added.

    `trace_frontier` and `promised_frontier` would rank the same pages: each weight's pages
    are ranked once here (`_pages_at_weights`) and scored twice, with the truth and with the
    noisy predictions.
    """
    catalogue = catalogue.value
    noisy = _noisy_predictions(probability, model_error)
    believed = Catalogue(catalogue.user_factors, catalogue.item_factors, catalogue.price_usd,
                         catalogue.ad_value_usd, noisy)
    true, promised = [], []
    for pages in _pages_at_weights(catalogue, noisy, weights):
        true.append(evaluate_pages(catalogue, pages))
        promised.append(evaluate_pages(believed, pages))
    weights = np.array(weights)
    return tuple(Frontier(weights, np.array([m.clicks for m in metrics]),
                          np.array([m.revenue_usd for m in metrics]))
                 for metrics in (true, promised))


def _merge(frontier, point) -> Frontier:
    """`frontier` with the weights of `point` added, in order of weight."""
    weights = np.concatenate([frontier.weights, point.weights])
    order = np.argsort(weights, kind="stable")
    return Frontier(weights[order], np.concatenate([frontier.clicks, point.clicks])[order],
                    np.concatenate([frontier.revenue_usd, point.revenue_usd])[order])


def plot_live_error(weight, model_error, *, catalogue, click_probability, frontiers,
                    figure=None) -> Figure:
    """`plot_model_error` at any weight and model error, simulated: the live explorer's figure.

    The predictions `click_probability` get `add_model_error(..., model_error, seed=0)`; their
    frontiers are traced at ``FRONTIER_WEIGHTS`` and `weight` (cached: moving the weight ranks
    the pages of one weight only) and drawn with `frontiers`' reference.

    Parameters
    ----------
    weight : float
        Weight of revenue against engagement, between 0 and 1.
    model_error : float
        Log-standard deviation of the model's error, ``>= 0`` (see `add_model_error`).
    catalogue : Catalogue
        The shop.
    click_probability : numpy.ndarray of shape (n_users, n_items)
        The fitted model's predictions (never change them in place: results are cached).
    frontiers : dict of float -> (Frontier, Frontier)
        As for `plot_model_error`; its smallest error is the reference.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> shop = make_catalogue(30, 200)
    >>> truth = shop.click_probability
    >>> reference = {0: (trace_frontier(shop, truth), promised_frontier(shop, truth))}
    >>> fig = plot_live_error(0.33, 0.5, catalogue=shop, click_probability=truth,
    ...                       frontiers=reference)
    >>> fig.axes[0].get_title(loc="left").startswith("model error 0.5, weight 0.33: promised")
    True
    """
    weight = _check_weight(weight)
    model_error = check_number("model_error", model_error, low=0)
    catalogue = _check_catalogue(catalogue)
    if not isinstance(click_probability, np.ndarray) or \
            click_probability.shape != catalogue.click_probability.shape:
        raise TypeError(f"click_probability must be a numpy array of shape "
                        f"{catalogue.click_probability.shape} (users x items); got "
                        f"{getattr(click_probability, 'shape', type(click_probability).__name__)}")
    _check_error_frontiers(frontiers)
    keys = (_Same(catalogue), _Same(click_probability), model_error)
    true, promised = _error_frontiers(*keys, FRONTIER_WEIGHTS)
    if not np.any(np.isclose(true.weights, weight, rtol=0, atol=1e-9)):
        true_at, promised_at = _error_frontiers(*keys, (weight,))
        true, promised = _merge(true, true_at), _merge(promised, promised_at)
    return plot_model_error(weight, model_error, frontiers={**frontiers,
                                                            model_error: (true, promised)},
                            figure=figure)


# ---------------------------------------------------------------------------------------------
# Ensembles
# ---------------------------------------------------------------------------------------------

def _check_forest(forest) -> RandomForestClassifier:
    if not isinstance(forest, RandomForestClassifier) or not hasattr(forest, "estimators_"):
        raise TypeError("forest must be a fitted sklearn RandomForestClassifier; "
                        f"got {type(forest).__name__}")
    return forest


def take_first_trees(forest, n_trees) -> RandomForestClassifier:
    """Return a forest made of the first `n_trees` trees of a fitted forest.

    scikit-learn draws each tree's seed in order from the forest's `random_state`, so the first
    n trees of a forest are the trees a forest of n would have grown with the same seed: this
    gives ensembles of every size from one fit.

    Parameters
    ----------
    forest : sklearn.ensemble.RandomForestClassifier
        A fitted forest.
    n_trees : int
        Trees to keep, between 1 and the forest's number of trees.

    Returns
    -------
    sklearn.ensemble.RandomForestClassifier
        A shallow copy that shares the trees; the original is unchanged.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(200, random_state=0)
    >>> forest = RandomForestClassifier(n_estimators=8, random_state=0).fit(X, y)
    >>> len(take_first_trees(forest, 3).estimators_), len(forest.estimators_)
    (3, 8)
    """
    forest = _check_forest(forest)
    n_trees = check_number("n_trees", n_trees, low=1, high=len(forest.estimators_), integer=True)
    smaller = copy.copy(forest)
    smaller.estimators_ = forest.estimators_[:n_trees]
    smaller.n_estimators = n_trees
    return smaller


@dataclass(frozen=True, eq=False)
class EnsembleTable:
    """Accuracy, single-request latency and size of ensembles of growing size."""

    n_trees: np.ndarray    # models in the ensemble
    accuracy: np.ndarray   # share of test rows classified correctly
    p50_ms: np.ndarray     # nearest-rank median latency of one request, ms (measured)
    p99_ms: np.ndarray     # nearest-rank p99 latency of one request, ms (measured)
    size_kb: np.ndarray    # pickled size, kB (1 kB = 1,000 bytes)
    rows_per_request: int = 1  # rows each request scored


def _check_sizes(sizes, largest) -> list:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, (Sequence, np.ndarray)) \
            or len(sizes) == 0:
        raise TypeError(f"sizes must be a non-empty sequence of tree counts; got {sizes!r}")
    checked = [check_number(f"sizes[{i}]", s, low=1, high=largest, integer=True)
               for i, s in enumerate(sizes)]
    if checked != sorted(set(checked)):
        raise ValueError(f"sizes must be increasing, without repeats; got {list(sizes)}")
    return checked


def measure_ensembles(forest, X, y, sizes=(1, 2, 4, 8, 16, 32, 64), *, n_requests=300,
                      warmup=30, seed=0) -> EnsembleTable:
    """Measure accuracy, single-request latency and size of the forest's first n trees.

    For each size, the ensemble is `take_first_trees(forest, n)`; its accuracy is computed on
    ``(X, y)``, its latency by `mlsys.latency.time_single_predictions_ms` on ``predict_proba``
    of one row of `X` at a time, and its size is the length of its pickle.

    Parameters
    ----------
    forest : sklearn.ensemble.RandomForestClassifier
        A fitted forest with at least ``max(sizes)`` trees.
    X : array-like of shape (n_rows, n_features)
        Test rows (also the rows requests are drawn from).
    y : array-like of shape (n_rows,)
        Their labels.
    sizes : sequence of int, default (1, 2, 4, 8, 16, 32, 64)
        Ensemble sizes, increasing.
    n_requests : int, default 300
        Timed requests per size, ``>= 1``.
    warmup : int, default 30
        Untimed requests per size, ``>= 0``.
    seed : int, default 0
        Seed of the generator that picks request rows.

    Returns
    -------
    EnsembleTable

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> X, y = make_classification(300, random_state=0)
    >>> forest = RandomForestClassifier(n_estimators=4, random_state=0).fit(X[:200], y[:200])
    >>> table = measure_ensembles(forest, X[200:], y[200:], sizes=[1, 4], n_requests=5)
    >>> table.n_trees.tolist(), bool(np.all(table.p50_ms <= table.p99_ms))
    ([1, 4], True)
    """
    forest = _check_forest(forest)
    sizes = _check_sizes(sizes, len(forest.estimators_))
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2 or len(X) != len(y) or len(y) == 0:
        raise ValueError(f"X must be 2-D with one row per label in y; got shapes {X.shape} "
                         f"and {y.shape}")
    rows = {name: [] for name in ("accuracy", "p50_ms", "p99_ms", "size_kb")}
    for n_trees in sizes:
        ensemble = take_first_trees(forest, n_trees)
        latency_ms = percentiles(time_single_predictions_ms(
            ensemble.predict_proba, X, n_requests=n_requests, warmup=warmup, seed=seed), (50, 99))
        rows["accuracy"].append(ensemble.score(X, y))
        rows["p50_ms"].append(latency_ms[50])
        rows["p99_ms"].append(latency_ms[99])
        rows["size_kb"].append(len(pickle.dumps(ensemble)) / 1000)
    return EnsembleTable(np.array(sizes), *(np.array(values) for values in rows.values()))


@dataclass(frozen=True)
class ForestCosts:
    """What one request to a random forest costs: a cost model of its ``predict_proba`` call.

    A request that scores `rows` rows with a forest of `n_trees` trees takes, at the median,
    ``call_ms + rows * row_ms + n_trees * (tree_ms + rows * tree_row_ms)``, and each request
    varies around that median by a log-normal factor of log-standard deviation `jitter_sigma`
    (so its p99 is the median times ``exp(2.326 * jitter_sigma)``, about 1.6). The defaults are
    rounded from the median latencies of the chapter's digits forest, measured once on the
    authors' idle 2-core machine with one thread (1 to 64 trees, 1 to 1,000 rows per request,
    100 requests each): the model is within 8% of each of those 28 medians.
    """

    call_ms: float = 0.13          # per call: checking the input, allocating the output, ms
    row_ms: float = 0.00004        # per row scored, whatever the trees, ms
    tree_ms: float = 0.032         # per tree walked, whatever the rows, ms
    tree_row_ms: float = 0.00005   # per tree and row, ms
    jitter_sigma: float = 0.2      # log-standard deviation of a request around its median

    def __post_init__(self):
        for name in ("call_ms", "row_ms", "tree_ms", "tree_row_ms", "jitter_sigma"):
            check_number(name, getattr(self, name), low=0)

    def median_ms(self, n_trees, rows_per_request) -> float:
        """The median latency of one request, ms."""
        n_trees = check_number("n_trees", n_trees, low=1, integer=True)
        rows = check_number("rows_per_request", rows_per_request, low=1, integer=True)
        return (self.call_ms + rows * self.row_ms
                + n_trees * (self.tree_ms + rows * self.tree_row_ms))


def simulate_request_latency_ms(n_trees, rows_per_request=1, *, n_requests=2_000,
                                costs=ForestCosts(), seed=0) -> np.ndarray:
    """Simulate the latency of requests to a forest, each scoring `rows_per_request` rows.

    Parameters
    ----------
    n_trees : int
        Trees in the forest, ``>= 1``.
    rows_per_request : int, default 1
        Rows each request scores, ``>= 1`` (a recommender scores every candidate of a page).
    n_requests : int, default 2000
        Simulated requests, ``>= 1``.
    costs : ForestCosts
        The cost model.
    seed : int, default 0
        Seed of the generator.

    Returns
    -------
    numpy.ndarray of shape (n_requests,)
        Latency of each request, ms: the cost model's median times a log-normal jitter.

    Examples
    --------
    >>> latency_ms = simulate_request_latency_ms(64, 5_000, seed=0)
    >>> median_ms = ForestCosts().median_ms(64, 5_000)
    >>> round(median_ms, 1), bool(abs(np.median(latency_ms) / median_ms - 1) < 0.02)
    (18.4, True)
    """
    if not isinstance(costs, ForestCosts):
        raise TypeError(f"costs must be a ForestCosts; got {type(costs).__name__}")
    median_ms = costs.median_ms(n_trees, rows_per_request)
    n_requests = check_number("n_requests", n_requests, low=1, integer=True)
    jitter = _rng(seed).lognormal(0.0, costs.jitter_sigma, size=n_requests)
    return median_ms * jitter


def simulate_ensembles(table, rows_per_request, *, n_requests=2_000, costs=ForestCosts(),
                       seed=0) -> EnsembleTable:
    """The ensembles of `table` serving requests of `rows_per_request` rows, simulated.

    Accuracy and size are the measured ones of `table`; the p50 and p99 are nearest-rank
    percentiles of `simulate_request_latency_ms` for each size (seeds ``seed``, ``seed + 1``, ...).

    Examples
    --------
    >>> table = EnsembleTable(np.array([1, 64]), np.array([0.78, 0.98]), np.array([0.2, 2.2]),
    ...                       np.array([0.3, 3.3]), np.array([38.0, 2609.0]))
    >>> wide = simulate_ensembles(table, 5_000)
    >>> wide.rows_per_request, wide.accuracy.tolist(), bool(wide.p99_ms[1] > 20)
    (5000, [0.78, 0.98], True)
    """
    table = _check_table(table)
    rows = check_number("rows_per_request", rows_per_request, low=1, integer=True)
    p50, p99 = [], []
    for i, n_trees in enumerate(table.n_trees.tolist()):
        latency_ms = percentiles(simulate_request_latency_ms(
            n_trees, rows, n_requests=n_requests, costs=costs, seed=check_number(
                "seed", seed, low=0, integer=True) + i), (50, 99))
        p50.append(latency_ms[50])
        p99.append(latency_ms[99])
    return EnsembleTable(table.n_trees, table.accuracy, np.array(p50), np.array(p99),
                         table.size_kb, rows_per_request=rows)


def _check_table(table, name="table") -> EnsembleTable:
    if not isinstance(table, EnsembleTable):
        raise TypeError(f"{name} must be an EnsembleTable from measure_ensembles; "
                        f"got {type(table).__name__}")
    return table


def choose_ensemble(table, p99_budget_ms):
    """The ensemble to ship: the most accurate size whose p99 is within the budget.

    Parameters
    ----------
    table : EnsembleTable
        As `measure_ensembles` returns.
    p99_budget_ms : float
        The p99 latency budget of one request, ms, ``> 0``.

    Returns
    -------
    int or None
        The number of trees to ship (the smaller one if two sizes are equally accurate), or
        None when no size meets the budget.

    Examples
    --------
    >>> table = EnsembleTable(np.array([1, 2, 4]), np.array([0.80, 0.78, 0.90]),
    ...                       np.array([0.2, 0.3, 0.5]), np.array([0.4, 0.5, 0.9]),
    ...                       np.array([30.0, 60.0, 120.0]))
    >>> choose_ensemble(table, 1.0), choose_ensemble(table, 0.6), choose_ensemble(table, 0.3)
    (4, 1, None)
    """
    table = _check_table(table)
    budget = check_number("p99_budget_ms", p99_budget_ms, low=0, low_open=True, unit="ms")
    within = [(accuracy, -n) for n, accuracy, p99 in
              zip(table.n_trees.tolist(), table.accuracy, table.p99_ms) if p99 <= budget]
    return -max(within)[1] if within else None


def _format_rows(rows) -> str:
    return format_count(rows, "row")


def _format_ms(value_ms) -> str:
    return f"{value_ms:.3g} ms"


def plot_shipping_decision(p99_budget_ms, rows_per_request, *, tables, figure=None) -> Figure:
    """Plot accuracy against p99 latency for each ensemble size, and the one to ship.

    Parameters
    ----------
    p99_budget_ms : float
        The p99 latency budget of one request, ms, ``> 0``.
    rows_per_request : int
        Which table to draw: one of ``tables``' keys.
    tables : dict of int -> EnsembleTable
        Rows per request mapped to the table `measure_ensembles` measured with them (the same
        forest and sizes in each). The x-axis spans all of them, so that moving from one to
        another shows the points move; the table with the fewest rows is drawn faintly beside
        the others.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        One point per size (filled within the budget, a cross over it), the budget as a dashed
        line, the size to ship circled; the title gives the decision and what the most accurate
        size would need.

    Examples
    --------
    >>> one = EnsembleTable(np.array([1, 4]), np.array([0.8, 0.9]), np.array([0.2, 0.4]),
    ...                     np.array([0.3, 0.6]), np.array([30.0, 120.0]))
    >>> many = EnsembleTable(one.n_trees, one.accuracy, np.array([0.5, 1.5]),
    ...                      np.array([0.8, 2.5]), one.size_kb, rows_per_request=500)
    >>> fig = plot_shipping_decision(1.0, 500, tables={1: one, 500: many})
    >>> print(fig.axes[0].get_title(loc="left"))
    500 rows per request, p99 budget 1 ms: ship 1 tree (80.0%)
    4 trees (90.0%) would need a p99 of 2.5 ms
    """
    budget = check_number("p99_budget_ms", p99_budget_ms, low=0, low_open=True, unit="ms")
    if not isinstance(tables, Mapping) or len(tables) == 0:
        raise TypeError("tables must be a non-empty dict of rows per request -> EnsembleTable; "
                        f"got {type(tables).__name__}")
    for rows, table in tables.items():
        _check_table(table, f"tables[{rows!r}]")
    if rows_per_request not in tables:
        raise ValueError(f"rows_per_request must be one of the measured {sorted(tables)}; "
                         f"got {rows_per_request!r}")
    table = tables[rows_per_request]
    sizes = table.n_trees.tolist()
    accuracy = 100 * table.accuracy
    fewest = min(tables)
    faint_table = tables[fewest]

    kept = reuse(figure, plot_shipping_decision)
    if kept is not None and len(kept.labels) != len(sizes):
        raise ValueError(f"figure was drawn for {len(kept.labels)} ensemble sizes and cannot "
                         f"show {len(sizes)} (figure=None draws a new one)")
    if kept is None:
        fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
        faint = ax.plot([], [], ".", color="0.6", linestyle=LINESTYLES[3])[0]
        curve = ax.plot([], [], color=PALETTE["blue"], linestyle=LINESTYLES[0], zorder=1)[0]
        inside = ax.plot([], [], "o", color=PALETTE["blue"], linestyle="none")[0]
        over = ax.plot([], [], "X", color=PALETTE["vermillion"], linestyle="none", ms=8)[0]
        labels = [ax.annotate("", (1, 0), textcoords="offset points", xytext=(-4, 7),
                              ha="right", fontsize=8) for _ in sizes]
        span = ax.axvspan(1, 2, color="0.5", alpha=0.12, lw=0)
        line = ax.axvline(1, color=PALETTE["black"], linestyle=LINESTYLES[1], lw=1.5)
        ship = ax.plot([], [], "o", ms=15, markerfacecolor="none", markeredgewidth=2.5,
                       color=PALETTE["purple"], linestyle="none")[0]
        ax.set_xscale("log")
        ax.set_axisbelow(True)  # the budget's shading redraws over the grid, not the grid over it
        ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        ax.xaxis.set_minor_formatter(FuncFormatter(lambda value, _: ""))
        ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
        decorate(ax, xlabel="p99 latency of one request (ms, log scale)", ylabel="test accuracy")
        kept = keep(fig, plot_shipping_decision, lines=[faint, curve, inside, over, ship],
                    labels=labels, span=span, budget=line, title=ax.set_title("", loc="left"))
    faint, curve, inside, over, ship = kept.lines
    ax = faint.axes
    faint.set_visible(rows_per_request != fewest)
    faint.set_data(faint_table.p99_ms, 100 * faint_table.accuracy)
    curve.set_data(table.p99_ms, accuracy)
    within = table.p99_ms <= budget
    inside.set_data(table.p99_ms[within], accuracy[within])
    over.set_data(table.p99_ms[~within], accuracy[~within])
    for label, n, x, a in zip(kept.labels, sizes, table.p99_ms, accuracy):
        label.set_text(f"{n}")
        label.xy = (x, a)
    every_p99 = np.concatenate([t.p99_ms for t in tables.values()])
    low, high = min(every_p99.min(), budget) / 1.5, max(every_p99.max(), budget) * 1.5
    kept.span.set_x(budget)
    kept.span.set_width(high - budget)
    kept.budget.set_xdata([budget, budget])
    chosen = choose_ensemble(table, budget)
    ship.set_visible(chosen is not None)
    if chosen is not None:
        at = sizes.index(chosen)
        ship.set_data([table.p99_ms[at]], [accuracy[at]])
        decision = f"ship {format_count(chosen, 'tree')} ({table.accuracy[at]:.1%})"
    else:
        decision = "no forest fits"
    best = int(np.argmax(table.accuracy))
    if chosen is None:
        detail = (f"even {format_count(sizes[0], 'tree')} has a p99 of "
                  f"{_format_ms(table.p99_ms[0])}")
    elif chosen == sizes[best]:
        detail = f"the most accurate forest fits: its p99 is {_format_ms(table.p99_ms[best])}"
    else:
        detail = (f"{format_count(sizes[best], 'tree')} ({table.accuracy[best]:.1%}) would need "
                  f"a p99 of {_format_ms(table.p99_ms[best])}")
    drawn = [accuracy] + ([100 * faint_table.accuracy] if rows_per_request != fewest else [])
    if tuple(ax.get_xlim()) != (low, high):
        ax.set_xticks([tick for tick in (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500)
                       if low <= tick <= high])
    _set_view(ax, xlim=(low, high), ylim=_autoscaled(ax, "y", drawn))
    entries = [(faint, f"{_format_rows(fewest)} per request")] * (rows_per_request != fewest) + [
        (inside, "within the budget"), (over, "over the budget"),
        (kept.budget, f"p99 budget {budget:g} ms")] + [
        (ship, f"ship {format_count(chosen or 1, 'tree')}")] * (chosen is not None)
    _set_legend(kept, ax, entries, loc="lower right", fontsize=8)
    kept.title.set_text(f"{_format_rows(rows_per_request)} per request, p99 budget {budget:g} ms: "
                        f"{decision}\n{detail}")
    return kept.figure


@cached(maxsize=64)
def _simulated(table, rows_per_request) -> EnsembleTable:
    simulated = simulate_ensembles(table, rows_per_request, seed=0)
    for values in (simulated.p50_ms, simulated.p99_ms):
        values.setflags(write=False)
    return simulated


def plot_live_shipping(p99_budget_ms, rows_per_request, *, table, max_rows=10_000,
                       figure=None) -> Figure:
    """`plot_shipping_decision` at any budget and rows per request: the live explorer's figure.

    The forests of `table` serve requests of `rows_per_request` rows and, drawn faintly, of
    one row, simulated by `simulate_ensembles` (seed 0, cached). The x-axis also spans the
    forests at `max_rows` rows, so that it holds still while the rows move up to there.

    Parameters
    ----------
    p99_budget_ms : float
        The p99 latency budget of one request, ms, ``> 0``.
    rows_per_request : int
        Rows each request scores, ``>= 1``.
    table : EnsembleTable
        The measured forests (`measure_ensembles`): their accuracy is drawn.
    max_rows : int, default 10_000
        The most rows the slider offers, ``>= 1``.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> table = EnsembleTable(np.array([1, 64]), np.array([0.78, 0.98]), np.array([0.2, 2.2]),
    ...                       np.array([0.3, 3.3]), np.array([38.0, 2609.0]))
    >>> print(plot_live_shipping(5, 5_000, table=table).axes[0].get_title(loc="left"))
    5,000 rows per request, p99 budget 5 ms: ship 1 tree (78.0%)
    64 trees (98.0%) would need a p99 of 29.4 ms
    """
    table = _check_table(table)
    rows = check_number("rows_per_request", rows_per_request, low=1, integer=True)
    max_rows = check_number("max_rows", max_rows, low=1, integer=True)
    tables = {n: _simulated(table, n) for n in sorted({1, rows, max(rows, max_rows)})}
    return plot_shipping_decision(p99_budget_ms, rows, tables=tables, figure=figure)


def plot_model_candidates(sizes, accuracy, p99_ms, *, budget_ms, accuracy_label="accuracy",
                          title="Accuracy against the p99 of one request") -> Figure:
    """Plot candidate models' accuracy against their p99 latency, one line per kind of request.

    Unlike `plot_shipping_decision`, it marks no choice: every point is labelled with its size
    and its p99, and the budget is drawn, for a reader to decide.

    Parameters
    ----------
    sizes : sequence of int
        Each model's size (trees), in order.
    accuracy : sequence of float
        Each model's accuracy (or recall), a fraction between 0 and 1.
    p99_ms : dict of str -> sequence of float
        A kind of request (an endpoint) mapped to each model's p99 on it, ms (``> 0``); at most
        four kinds.
    budget_ms : float
        The p99 budget, ms, ``> 0``.
    accuracy_label : str, default "accuracy"
        The y-axis label.
    title : str
        The figure's title.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_model_candidates([10, 20], [0.9, 0.95], {"one row": [2.0, 4.0]}, budget_ms=3)
    >>> [t.get_text() for t in fig.axes[0].texts]
    ['10: 2 ms', '20: 4 ms']
    """
    sizes = [check_number(f"sizes[{i}]", n, low=1, integer=True) for i, n in enumerate(sizes)]
    accuracy = [check_number(f"accuracy[{i}]", a, low=0, high=1) for i, a in enumerate(accuracy)]
    if len(accuracy) != len(sizes) or not sizes:
        raise ValueError(f"accuracy must have one value per size ({len(sizes)}); "
                         f"got {len(accuracy)}")
    if not isinstance(p99_ms, Mapping) or not 1 <= len(p99_ms) <= 4:
        raise TypeError("p99_ms must be a dict of 1 to 4 kinds of request -> p99 per model, ms; "
                        f"got {p99_ms!r}")
    budget = check_number("budget_ms", budget_ms, low=0, low_open=True, unit="ms")
    for label in (accuracy_label, title):
        if not isinstance(label, str) or not label.strip():
            raise TypeError(f"accuracy_label and title must be non-empty strings; got {label!r}")
    lines = {}
    for kind, values in p99_ms.items():
        values = [check_number(f"p99_ms[{kind!r}][{i}]", v, low=0, low_open=True, unit="ms")
                  for i, v in enumerate(values)]
        if len(values) != len(sizes):
            raise ValueError(f"p99_ms[{kind!r}] must have one value per size ({len(sizes)}); "
                             f"got {len(values)}")
        lines[kind] = values
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    percent = [100 * a for a in accuracy]
    for k, ((kind, values), marker, colour, style) in enumerate(zip(
            lines.items(), ("o", "s", "^", "D"), ("blue", "orange", "green", "sky"), LINESTYLES)):
        ax.plot(values, percent, marker, color=PALETTE[colour], linestyle=style, label=kind)
        above = k % 2 == 0  # alternate sides, so that neighbouring lines' labels do not collide
        for n, x, y in zip(sizes, values, percent):
            ax.annotate(f"{n}: {x:g} ms", (x, y), textcoords="offset points",
                        xytext=(-5, 6) if above else (6, -11), ha="right" if above else "left",
                        fontsize=7)
    low_y, high_y = min(percent), max(percent)
    ax.set_ylim(low_y - 0.12 * (high_y - low_y) - 0.5, high_y + 0.1 * (high_y - low_y) + 0.5)
    every = [v for values in lines.values() for v in values] + [budget]
    ax.axvline(budget, color=PALETTE["black"], linestyle=LINESTYLES[1], lw=1.5,
               label=f"p99 budget {budget:g} ms")
    ax.set_xscale("log")
    ax.set_xlim(min(every) / 2, max(every) * 1.5)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    ax.xaxis.set_minor_formatter(FuncFormatter(lambda value, _: ""))
    ax.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    decorate(ax, xlabel="p99 latency of one request (ms, log scale)", ylabel=accuracy_label,
             title=title)
    ax.legend(loc="lower right", fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------
# Computational priorities
# ---------------------------------------------------------------------------------------------

def time_fit_ms(estimator, X, y, *, repeats=3) -> np.ndarray:
    """Time how long an estimator takes to train, on a fresh copy each time.

    Parameters
    ----------
    estimator : sklearn estimator
        Cloned (unfitted) before each fit, so every repeat trains from scratch.
    X : array-like of shape (n_rows, n_features)
        Training rows.
    y : array-like of shape (n_rows,)
        Training labels.
    repeats : int, default 3
        Number of timed fits, ``>= 1``.

    Returns
    -------
    numpy.ndarray of shape (repeats,)
        Wall-clock time of each fit, ms (``time.perf_counter_ns``).

    Examples
    --------
    >>> from sklearn.neighbors import KNeighborsClassifier
    >>> fit_ms = time_fit_ms(KNeighborsClassifier(), [[0.0], [1.0]], [0, 1], repeats=2)
    >>> fit_ms.shape, bool((fit_ms > 0).all())
    ((2,), True)
    """
    if not hasattr(estimator, "fit"):
        raise TypeError(f"estimator must be a scikit-learn estimator with fit; "
                        f"got {type(estimator).__name__}")
    repeats = check_number("repeats", repeats, low=1, integer=True)
    times_ms = []
    for _ in range(repeats):
        fresh = clone(estimator)
        start_ns = time.perf_counter_ns()
        fresh.fit(X, y)
        times_ms.append((time.perf_counter_ns() - start_ns) / 1e6)
    return np.array(times_ms)


def _check_costs(name, costs) -> dict:
    if not isinstance(costs, Mapping) or len(costs) < 2:
        raise TypeError(f"{name} must be a dict of at least two model names -> ms; got {costs!r}")
    return {model: check_number(f"{name}[{model!r}]", value, low=0, low_open=True, unit="ms")
            for model, value in costs.items()}


def _crossing(fit_ms, predict_ms, first, second):
    """Predictions per training at which two models cost the same, or None if they never do;
    and which of them is cheaper below it and which above."""
    saving_ms, extra_ms = fit_ms[second] - fit_ms[first], predict_ms[first] - predict_ms[second]
    if saving_ms * extra_ms <= 0:
        return None, None, None
    cheap_first, cheap_then = (first, second) if saving_ms > 0 else (second, first)
    return saving_ms / extra_ms, cheap_first, cheap_then


def plot_compute_cost(fit_ms, predict_ms, *, batch_predict_ms=None, research_predictions=10_000,
                      production_predictions=1_000_000) -> Figure:
    """Plot each model's compute per training against the predictions made with it.

    A model costs ``fit + n x predict`` per training, where n is the number of predictions made
    before the next training. Production makes them one request at a time (`predict_ms`);
    research scores its validation set in batches, where a prediction costs less
    (`batch_predict_ms`, per row). Given both, the figure draws both lines for each model and
    marks both crossings.

    Parameters
    ----------
    fit_ms : dict
        Model name -> time of one training, ms (> 0); two or more models.
    predict_ms : dict
        Model name -> time of one prediction made as a single request, ms (> 0); the same
        models.
    batch_predict_ms : dict, optional
        Model name -> time per row of a prediction made in a batch, ms (> 0); the same models.
    research_predictions : float, default 10_000
        Predictions per training in a research loop (scoring a validation set), marked on the
        axis.
    production_predictions : float, default 1_000_000
        Predictions per training in production (e.g. a day of requests), marked on the axis.

    Returns
    -------
    matplotlib.figure.Figure
        Log-log lines ``fit + n x predict`` (solid: single requests; dashed: in batches); where
        the first two models cross, a dotted (single) or dash-dotted (batches) line, and the
        number of predictions in the title.

    Examples
    --------
    >>> fig = plot_compute_cost({"knn": 5.0, "linear": 100.0}, {"knn": 1.0, "linear": 0.05})
    >>> print(fig.axes[0].get_title(loc="left"))
    Below 100 predictions per training, knn costs less;
    above, linear does
    >>> fig = plot_compute_cost({"knn": 5.0, "linear": 100.0}, {"knn": 1.0, "linear": 0.05},
    ...                         batch_predict_ms={"knn": 0.2, "linear": 0.01})
    >>> print(fig.axes[0].get_title(loc="left"))
    Below 100 predictions per training one at a time, or 500 in batches,
    knn costs less; above, linear does
    """
    fit_ms = _check_costs("fit_ms", fit_ms)
    predict_ms = _check_costs("predict_ms", predict_ms)
    if set(fit_ms) != set(predict_ms):
        raise ValueError(f"fit_ms and predict_ms must name the same models; got {list(fit_ms)} "
                         f"and {list(predict_ms)}")
    if batch_predict_ms is not None:
        batch_predict_ms = _check_costs("batch_predict_ms", batch_predict_ms)
        if set(batch_predict_ms) != set(fit_ms):
            raise ValueError(f"batch_predict_ms must name the same models as fit_ms; got "
                             f"{list(batch_predict_ms)} and {list(fit_ms)}")
    research_predictions = check_number("research_predictions", research_predictions, low=1)
    production_predictions = check_number("production_predictions", production_predictions,
                                          low=research_predictions)
    n = np.geomspace(1, 10 * production_predictions, 200)
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    markers = ["o", "s", "^", "D"]
    colours = list(PALETTE.values())
    single = "" if batch_predict_ms is None else ", one request at a time"
    for i, model in enumerate(fit_ms):
        style = dict(color=colours[i % len(colours)], marker=markers[i % len(markers)],
                     markevery=25)
        ax.plot(n, (fit_ms[model] + n * predict_ms[model]) / 1000, linestyle="-",
                label=f"{model}{single}", **style)
        if batch_predict_ms is not None:
            ax.plot(n, (fit_ms[model] + n * batch_predict_ms[model]) / 1000, linestyle="--",
                    lw=1.5, markerfacecolor="white", label=f"{model}, in batches", **style)
    first, second = list(fit_ms)[:2]
    crossing, cheap_first, cheap_then = _crossing(fit_ms, predict_ms, first, second)
    title = f"{first} and {second}: one is cheaper at every number of predictions"
    if crossing is not None:
        ax.axvline(crossing, color=PALETTE["black"], linestyle=":", lw=1.5)
        title = (f"Below {format_count(crossing, 'prediction')} per training, {cheap_first} costs "
                 f"less;\nabove, {cheap_then} does")
    if batch_predict_ms is not None:
        in_batches, batch_first, batch_then = _crossing(fit_ms, batch_predict_ms, first, second)
        if in_batches is not None:
            ax.axvline(in_batches, color=PALETTE["black"], linestyle="-.", lw=1.5)
        if crossing is not None and in_batches is not None and batch_first == cheap_first:
            title = (f"Below {format_count(crossing, 'prediction')} per training one at a time, or "
                     f"{round(in_batches):,} in batches,\n{cheap_first} costs less; above, "
                     f"{cheap_then} does")
        elif in_batches is not None:
            title += (f"\nin batches, {batch_first} costs less below "
                      f"{format_count(in_batches, 'prediction')}")
    research_label = "research:\nscore a\nvalidation set" + \
        ("" if batch_predict_ms is None else "\nin batches")
    for where, label in [(research_predictions, research_label),
                         (production_predictions, "production:\na day of\nrequests")]:
        ax.axvspan(where / 3, where * 3, color=PALETTE["sky"], alpha=0.2, lw=0)
        ax.annotate(label, (where, 0.03), xycoords=("data", "axes fraction"), ha="center",
                    va="bottom", fontsize=8)
    ax.set_xscale("log")
    ax.set_yscale("log")
    decorate(ax, xlabel="predictions made per training (log scale)",
             ylabel="compute per training (s, log scale)", title=title)
    ax.legend(loc="upper left", fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------
# Where a project's time and value go
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProjectAssumptions:
    """The stated assumptions of `project_outcome`, in weeks. Change them and re-run.

    horizon_weeks : the time the project is judged over (a year).
    learning_weeks : the model reaches 1 - 1/e (63%) of the best achievable lift after this much
        model development, 86% after twice as long (diminishing returns).
    deploy_weeks : building what any model needs to serve by hand (data pipeline, serving,
        integration with the product), whatever the model.
    automation_weeks : the extra work of monitoring and automatic retraining.
    drift_half_life_weeks : without retraining, the model's lift halves every this many weeks as
        the data shift; with automatic retraining it stays whole.
    """

    horizon_weeks: float = 52.0
    learning_weeks: float = 4.0
    deploy_weeks: float = 6.0
    automation_weeks: float = 4.0
    drift_half_life_weeks: float = 10.0

    def __post_init__(self):
        for name in ("horizon_weeks", "learning_weeks", "drift_half_life_weeks"):
            check_number(name, getattr(self, name), low=0, low_open=True, unit="weeks")
        for name in ("deploy_weeks", "automation_weeks"):
            check_number(name, getattr(self, name), low=0, unit="weeks")


@dataclass(frozen=True)
class ProjectOutcome:
    """What a plan delivers, as shares of the ideal (the best model, fresh, every week).

    `value + lost_to_delay + lost_to_model + lost_to_drift == 1`.
    """

    dev_weeks: float        # weeks of model development
    launch_week: float      # when the model starts serving
    value: float            # share of the ideal delivered
    lost_to_delay: float    # the weeks before launch, with no model serving
    lost_to_model: float    # the lift the unfinished model misses while it serves
    lost_to_drift: float    # the lift a model that is never retrained loses as data shift


def project_outcome(dev_weeks, *, automate, assumptions=ProjectAssumptions()) -> ProjectOutcome:
    """The value a project plan delivers over the horizon, and where the rest is lost.

    The team develops the model for `dev_weeks`, then deploys it (`deploy_weeks`, plus
    `automation_weeks` if `automate`); the model serves from then to the end of the horizon.
    Its lift is the share 1 - exp(-dev_weeks / learning_weeks) of the best achievable; without
    automation it decays with half-life `drift_half_life_weeks` (continuous time).

    Parameters
    ----------
    dev_weeks : float
        Weeks of model development, at least 0.
    automate : bool
        Whether deployment includes monitoring and automatic retraining.
    assumptions : ProjectAssumptions
        The model's stated assumptions.

    Returns
    -------
    ProjectOutcome

    Examples
    --------
    >>> late = project_outcome(60, automate=True)
    >>> late.value, late.lost_to_delay
    (0.0, 1.0)
    >>> plan = project_outcome(8, automate=True)
    >>> round(plan.value + plan.lost_to_delay + plan.lost_to_model + plan.lost_to_drift, 9)
    1.0
    """
    dev_weeks = check_number("dev_weeks", dev_weeks, low=0, unit="weeks")
    if not isinstance(automate, (bool, np.bool_)):
        raise TypeError(f"automate must be True or False, got {automate!r}")
    if not isinstance(assumptions, ProjectAssumptions):
        raise TypeError("assumptions must be a ProjectAssumptions, got "
                        f"{type(assumptions).__name__}")
    a = assumptions
    launch = dev_weeks + a.deploy_weeks + (a.automation_weeks if automate else 0.0)
    serving = max(0.0, a.horizon_weeks - launch)
    quality = 1.0 - np.exp(-dev_weeks / a.learning_weeks)
    if automate:
        fresh_weeks = serving
    else:
        decay = np.log(2) / a.drift_half_life_weeks
        fresh_weeks = (1.0 - np.exp(-decay * serving)) / decay
    horizon = a.horizon_weeks
    return ProjectOutcome(
        dev_weeks=dev_weeks, launch_week=float(launch),
        value=float(quality * fresh_weeks / horizon),
        lost_to_delay=float(min(launch, horizon) / horizon),
        lost_to_model=float((1.0 - quality) * serving / horizon),
        lost_to_drift=float(quality * (serving - fresh_weeks) / horizon))


def best_dev_weeks(*, automate, assumptions=ProjectAssumptions(), step_weeks=0.5) -> float:
    """The development time (on a grid of `step_weeks`) that maximises `project_outcome`'s value.

    Examples
    --------
    >>> best_dev_weeks(automate=True)
    9.0
    """
    step_weeks = check_number("step_weeks", step_weeks, low=0, low_open=True, unit="weeks")
    if not isinstance(assumptions, ProjectAssumptions):
        raise TypeError("assumptions must be a ProjectAssumptions, got "
                        f"{type(assumptions).__name__}")
    grid = np.arange(0.0, assumptions.horizon_weeks + step_weeks / 2, step_weeks)
    values = [project_outcome(m, automate=automate, assumptions=assumptions).value
              for m in grid]
    return float(grid[int(np.argmax(values))])


def plot_project_plans(plans, *, assumptions=ProjectAssumptions()) -> Figure:
    """Stacked bars: each plan's delivered value and its three losses, as shares of the ideal.

    Parameters
    ----------
    plans : mapping of str to (dev_weeks, automate)
        The plans to compare, by name.
    """
    if not isinstance(plans, Mapping) or not plans:
        raise ValueError("plans must be a non-empty mapping of name to (dev_weeks, automate)")
    outcomes = {name: project_outcome(dev, automate=auto, assumptions=assumptions)
                for name, (dev, auto) in plans.items()}
    parts = [("value", "value delivered", "green", ""),
             ("lost_to_delay", "lost: not yet serving", "vermillion", "//"),
             ("lost_to_model", "lost: unfinished model", "orange", ".."),
             ("lost_to_drift", "lost: stale model", "sky", "\\\\")]
    fig, ax = plt.subplots(figsize=(FIGSIZE[0], 3.6), layout="constrained")
    names = list(outcomes)
    left = np.zeros(len(names))
    for field_name, label, colour, hatch in parts:
        share = np.array([getattr(outcomes[n], field_name) for n in names])
        ax.barh(names, share, left=left, color=PALETTE[colour], hatch=hatch,
                edgecolor=PALETTE["black"], lw=0.5, label=label)
        left += share
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    best = max(names, key=lambda n: outcomes[n].value)
    ratio = outcomes[best].value / max(min(o.value for o in outcomes.values()), 1e-12)
    decorate(ax, xlabel="share of the ideal year (best model, fresh, every week)", ylabel="plan",
             title=f"'{best}' delivers {ratio:.1f} times\nthe value of the weakest plan")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2, fontsize=8)
    return fig


# ---------------------------------------------------------------------------------------------
# Is 0.1% more throughput or 0.1% more accuracy worth more?
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServingEconomics:
    """The stated assumptions about one system's money, per request.

    requests_per_day : traffic.
    revenue_per_request_usd : what a request brings at today's accuracy.
    revenue_change_per_point : the fraction by which revenue grows per accuracy point
        (0.005: each point, e.g. 90% to 91%, adds 0.5% to revenue); an online experiment
        measures it, an offline metric cannot.
    serving_cost_per_request_usd : compute to answer one request.
    """

    requests_per_day: float
    revenue_per_request_usd: float
    revenue_change_per_point: float
    serving_cost_per_request_usd: float

    def __post_init__(self):
        check_number("requests_per_day", self.requests_per_day, low=0, low_open=True,
                     unit="requests/day")
        check_number("revenue_per_request_usd", self.revenue_per_request_usd, low=0, unit="USD")
        check_number("revenue_change_per_point", self.revenue_change_per_point, low=0, high=1)
        check_number("serving_cost_per_request_usd", self.serving_cost_per_request_usd, low=0,
                     unit="USD")


@dataclass(frozen=True)
class GainValues:
    """What each improvement is worth over the period, USD."""

    throughput_usd: float   # serving cost saved: the same traffic on fewer machines
    accuracy_usd: float     # revenue gained


def value_of_gains(economics, *, throughput_gain=0.001, accuracy_gain_points=0.1,
                   days=365) -> GainValues:
    """Value, over `days`, of a relative throughput gain and of an accuracy gain in points.

    More throughput per machine serves the same traffic on 1 / (1 + throughput_gain) of the
    machines: it saves that share of the serving cost (it earns nothing more unless the system
    was short of capacity). More accuracy moves revenue by `revenue_change_per_point` per point.

    Parameters
    ----------
    economics : ServingEconomics
    throughput_gain : float
        Relative gain in requests per second per machine (0.001 is 0.1%).
    accuracy_gain_points : float
        Gain in accuracy, in percentage points (0.1: from 90.0% to 90.1%).
    days : float
        The period, in days.

    Examples
    --------
    >>> system = ServingEconomics(1_000_000, 0.01, 0.005, 0.001)
    >>> gains = value_of_gains(system, days=1)
    >>> round(gains.throughput_usd, 3), round(gains.accuracy_usd, 3)
    (0.999, 5.0)
    """
    if not isinstance(economics, ServingEconomics):
        raise TypeError(f"economics must be a ServingEconomics, got {type(economics).__name__}")
    throughput_gain = check_number("throughput_gain", throughput_gain, low=0)
    accuracy_gain_points = check_number("accuracy_gain_points", accuracy_gain_points, low=0,
                                        high=100)
    days = check_number("days", days, low=0, low_open=True, unit="days")
    requests = economics.requests_per_day * days
    saved_share = 1.0 - 1.0 / (1.0 + throughput_gain)
    return GainValues(
        throughput_usd=float(requests * economics.serving_cost_per_request_usd * saved_share),
        accuracy_usd=float(requests * economics.revenue_per_request_usd
                           * economics.revenue_change_per_point * accuracy_gain_points))


def break_even_change_per_point(economics, *, throughput_gain=0.001,
                                accuracy_gain_points=0.1) -> float:
    """The revenue change per accuracy point at which both gains are worth the same.

    Above it the accuracy gain is worth more; it does not depend on traffic or period.

    Examples
    --------
    >>> system = ServingEconomics(1_000_000, 0.01, 0.005, 0.001)
    >>> round(break_even_change_per_point(system), 6)
    0.000999
    """
    if not isinstance(economics, ServingEconomics):
        raise TypeError(f"economics must be a ServingEconomics, got {type(economics).__name__}")
    if economics.revenue_per_request_usd == 0:
        raise ValueError("economics.revenue_per_request_usd must be above 0 for accuracy to be "
                         "worth anything")
    throughput_gain = check_number("throughput_gain", throughput_gain, low=0)
    accuracy_gain_points = check_number("accuracy_gain_points", accuracy_gain_points, low=0,
                                        low_open=True, high=100)
    saved_share = 1.0 - 1.0 / (1.0 + throughput_gain)
    return float(economics.serving_cost_per_request_usd * saved_share
                 / (economics.revenue_per_request_usd * accuracy_gain_points))
