"""Claims ledger of chapter 04 (data in production): every sentence of the chapter's prose, and
of the solution's model answers, that the book's own code can re-derive.

Seeded claims use the notebook's seed (0: every call in the chapter leaves its functions' default
seed) and must hold on at least 19 of 20 seeds, or on the count the prose states.
"""

import inspect
from functools import lru_cache

import numpy as np
from scipy import stats

from ledger import SEEDS, Claim, tests
from mlsys import data_shift as ds

CHAPTER = "chapters/04_data_in_production.ipynb"
SOLUTION = "solutions/04_data_in_production.ipynb"


# --- Shared computations, cached: each runs once per seed ------------------------------------

@lru_cache(maxsize=None)
def messy(seed):
    """Naive and robust accuracy lost to each corruption at 10% of the cells, in points."""
    clean = ds.simulate_messy_data("missing", 0.0, seed=seed)
    lost = {}
    for corruption in ds.CORRUPTIONS:
        hit = ds.simulate_messy_data(corruption, 0.1, seed=seed)
        lost[corruption] = (clean.naive_accuracy - hit.naive_accuracy,
                            clean.robust_accuracy - hit.robust_accuracy)
    return lost


@lru_cache(maxsize=None)
def label_noise(seed):
    return ds.simulate_label_noise(0.0, seed=seed), ds.simulate_label_noise(0.2, seed=seed)


@lru_cache(maxsize=None)
def imbalance(positive_rate, threshold, seed):
    return ds.simulate_imbalance(positive_rate, threshold, seed=seed)


@lru_cache(maxsize=None)
def weights(world, n_samples, seed):
    """PR-AUC lost to balanced class weights (unweighted minus weighted)."""
    effect = ds.compare_class_weights(world, 0.02, n_samples=n_samples, seed=seed)
    return effect.pr_auc - effect.weighted_pr_auc


@lru_cache(maxsize=None)
def shift(kind, severity, seed):
    return ds.simulate_shift(kind, severity, seed=seed)


@lru_cache(maxsize=None)
def null_alarms(window_size, seed):
    return ds.simulate_alarm_rates(0.0, window_size, n_trials=300, seed=seed)


@lru_cache(maxsize=None)
def detection(shift_sd, window_size, seed):
    """A point of the detection explorer's curves (`plot_detection`: 100 pairs of windows)."""
    return ds.simulate_alarm_rates(shift_sd, window_size, n_trials=100, seed=seed)


@lru_cache(maxsize=None)
def share_with_an_empty_bin(seed, window_size=50, n_trials=2_000):
    """Share of unshifted production windows leaving a reference-decile bin empty."""
    draws = np.random.default_rng(seed).normal(size=(n_trials, 2, window_size))
    edges = np.quantile(draws[:, 0], np.arange(1, 10) / 10, axis=1).T
    empty = [np.bincount(np.searchsorted(e, row, side="right"), minlength=10).min() == 0
             for e, row in zip(edges, draws[:, 1])]
    return float(np.mean(empty))


@lru_cache(maxsize=None)
def retraining(seed):
    runs = {"never": dict(policy="never"), "every 5": dict(policy="periodic", every=5),
            "every 1": dict(policy="periodic", every=1), "on alarm": dict(policy="on_alarm")}
    return {name: ds.simulate_retraining(**kwargs, seed=seed) for name, kwargs in runs.items()}


def ks_size(n, alpha=0.05):
    """The exact false-alarm rate of the KS test at `alpha` on two windows of n rows."""
    gap = ds._ks_critical_gap(n, alpha)
    return float(stats.ks_2samp(np.arange(n), np.arange(n) + gap - 0.5).pvalue)


# --- Task 7's policy: 10,000 training rows against 300 requests, per feature and morning -------

TRAINING_ROWS, REQUESTS = 10_000, 300


@lru_cache(maxsize=None)
def mornings(shift_sd, seed, n_mornings=5_000):
    """PSI of `n_mornings` windows of 300 requests against one training set of 10,000 rows."""
    rng = np.random.default_rng(seed)
    training = rng.normal(size=TRAINING_ROWS)
    edges = np.quantile(training, np.arange(1, 10) / 10)
    expected = np.bincount(np.searchsorted(edges, training, side="right"),
                           minlength=10) / TRAINING_ROWS
    bins = np.searchsorted(edges, rng.normal(shift_sd, 1, size=(n_mornings, REQUESTS)),
                           side="right")
    counts = np.apply_along_axis(np.bincount, 1, bins, minlength=10)
    return ds._psi(expected, counts / REQUESTS)


@lru_cache(maxsize=None)
def bonferroni_ks_power(shift_sd, seed, n_mornings=60):
    rng = np.random.default_rng(seed)
    training = rng.normal(size=TRAINING_ROWS)
    return float(np.mean([stats.ks_2samp(training, rng.normal(shift_sd, 1, REQUESTS)).pvalue
                          < 0.05 / 200 for _ in range(n_mornings)]))


def noise_sd_ratio():
    """Standard deviation of the noise `corrupt_features` adds, over its column's."""
    column = np.tile([-1.0, 1.0], 10_000)[:, None]  # standard deviation 1
    return float(np.std(ds.corrupt_features(column, noise_rate=1.0) - column) / column.std())


def flip_y_true_rate(flip_y=0.2, n_samples=100_000):
    """Share of labels that make_classification(flip_y=...) really changes."""
    from sklearn.datasets import make_classification
    kwargs = dict(n_samples=n_samples, shuffle=False, random_state=0)
    return float(np.mean(make_classification(flip_y=0, **kwargs)[1]
                         != make_classification(flip_y=flip_y, **kwargs)[1]))


@lru_cache(maxsize=None)
def label_audit(seed):
    """Out-of-fold flags at thresholds 0.5, 0.2, 0.1, and the in-sample flags at 0.5."""
    return (ds.simulate_label_audit(0.1, (0.5, 0.2, 0.1), seed=seed),
            ds.simulate_label_audit(0.1, (0.5,), in_sample=True, seed=seed)[0])


@lru_cache(maxsize=None)
def prior_fix(seed):
    return ds.simulate_prior_correction(0.8, seed=seed)


@lru_cache(maxsize=None)
def naive_spread(corruption, seed):
    """What the naive and the robust scaler divide the shown feature by, over the clean ones."""
    X_clean, X, _, half, fitted = ds._messy_fit(corruption, 0.1, 2_000, seed)
    clean = ds._messy_fit(corruption, 0.0, 2_000, seed)[4]
    column = int(np.argmax(np.abs(X_clean[:half].mean(axis=0)) / X_clean[:half].std(axis=0)))
    return tuple(float(fitted[k][1].scale_[column] / clean[k][1].scale_[column]) for k in (0, 1))


def filled_zeros_apart(seed):
    """Do the filled zeros of the shown feature lie beyond every real value, once scaled?"""
    X_clean, X, _, half, _ = ds._messy_fit("missing", 0.1, 2_000, seed)
    column = int(np.argmax(np.abs(X_clean[:half].mean(axis=0)) / X_clean[:half].std(axis=0)))
    messy, _ = ds.scaled_feature("missing", 0.1, "naive", seed=seed)
    filled = np.isnan(X[half:, column])
    spike, real = messy[filled][0], messy[~filled]
    return bool(spike < real.min() or spike > real.max())


def outliers_at_five(seed):
    messy, _ = ds.scaled_feature("outliers", 0.1, "robust", seed=seed)
    return float(np.abs(messy).max()), float(np.mean(np.abs(messy) == 5))


@lru_cache(maxsize=None)
def class_noise(flip_positive, flip_negative, seed):
    return ds.simulate_class_noise(flip_positive, flip_negative, seed=seed)


def equal_rates(seed):
    return [class_noise(rate, rate, seed) for rate in (0.1, 0.2, 0.3)]


@lru_cache(maxsize=None)
def rule_only(seed):
    """On-alarm and every-10 retraining when the sudden change rotates the rule only."""
    config = ds.sudden_change_config("rule only")
    return (ds.simulate_retraining("on_alarm", config=config, seed=seed),
            ds.simulate_retraining("periodic", every=10, config=config, seed=seed))


def nearest_alarms(run, period=36):
    before = max(p for p in run.retrain_periods if p < period)
    after = min(p for p in run.retrain_periods if p > period)
    return period - before, after - period


def random_pr_auc(seed, n_rows=400_000):
    """PR-AUC of scores drawn at random on labels with 1 positive in 400."""
    from sklearn.metrics import average_precision_score
    rng = np.random.default_rng(seed)
    return float(average_precision_score(rng.random(n_rows) < 1 / 400, rng.random(n_rows)))


@lru_cache(maxsize=None)
def audit_at_02(seed):
    """Out-of-fold audits at threshold 0.2 with 10%, 20% and 30% of the labels flipped."""
    return [ds._audit_scores(*(lambda c, f: (c < 0.2, f))(*ds.self_confidence(rate, seed=seed)),
                             rate, 0.2) for rate in (0.1, 0.2, 0.3)]


def null_psi_scale():
    return 1 / TRAINING_ROWS + 1 / REQUESTS


CLAIMS = [
    # --- 1. Messy features -------------------------------------------------------------------
    Claim("eight-features", CHAPTER, words="gives each of its 8 features real-world units",
          derive=lambda: ds.make_clean_data(100)[0].shape[1], holds=lambda n: n == 8),
    Claim("noise-twice-sd", CHAPTER,
          words="noise added to a cell, with twice its column's standard deviation",
          derive=lambda: noise_sd_ratio(), holds=lambda ratio: abs(ratio - 2.0) < 0.05),
    Claim("outliers-50-sd", CHAPTER, words="a cell 50 standard deviations away",
          derive=lambda: float(np.nanmax(np.abs(ds.corrupt_features(
              np.r_[[-1.0, 1.0] * 500][:, None], outlier_rate=0.5)))),
          holds=lambda distance: abs(distance - 50) < 1e-9),
    Claim("messy-cost-seed-0", CHAPTER,
          words="missing values and outliers cost the naive pipeline 12 and 25 points of accuracy",
          derive=messy, seed=0,
          holds=lambda lost: (round(100 * lost["missing"][0]), round(100 * lost["outliers"][0]))
          == (12, 25),
          robust=lambda lost: lost["outliers"][0] > lost["missing"][0]),
    Claim("messy-robust-gives-back", CHAPTER,
          words="The robust steps give back almost all of what missing values cost there and "
                "about a third of what outliers cost",
          derive=messy, seed=0,
          holds=lambda lost: (lost["missing"][1] < 0.15 * lost["missing"][0]
                              and 0.25 < 1 - lost["outliers"][1] / lost["outliers"][0] < 0.45),
          robust=lambda lost: 0 < lost["outliers"][1] < lost["outliers"][0]),
    Claim("outliers-cost-range", CHAPTER,
          words="over 20 seeds, outliers cost the naive pipeline 16 to 42 points",
          derive=lambda: [round(100 * messy(seed)["outliers"][0]) for seed in SEEDS],
          holds=lambda points: (min(points), max(points)) == (16, 42)),
    Claim("outliers-hurt-more", CHAPTER,
          words="outliers hurt it more than missing values on every seed",
          derive=messy, seed=0, spread=(20, 20),
          holds=lambda lost: lost["outliers"][0] > lost["missing"][0]),
    Claim("robust-beats-naive-outliers", CHAPTER,
          words="the robust pipeline loses less than the naive one to outliers on all 20 seeds",
          derive=messy, seed=0, spread=(20, 20),
          holds=lambda lost: lost["outliers"][1] < lost["outliers"][0]),
    Claim("robust-beats-naive-missing", CHAPTER, words="and to missing values on 18",
          derive=messy, seed=0, spread=(18, 18),
          holds=lambda lost: lost["missing"][1] < lost["missing"][0]),
    Claim("noise-same-loss", CHAPTER,
          words="both pipelines lose the same accuracy (within half a point on every seed)",
          derive=messy, seed=0, spread=(20, 20),
          holds=lambda lost: abs(lost["noise"][0] - lost["noise"][1]) <= 0.005),

    # --- 2. Wrong labels ---------------------------------------------------------------------
    Claim("flip-y-half", CHAPTER,
          words="which keeps half of them in a binary problem, so its true flip rate is only "
                "half of `flip_y`",
          derive=flip_y_true_rate, holds=lambda rate: abs(rate - 0.2 / 2) < 0.01),
    Claim("label-noise-barely-hurts", CHAPTER,
          words="Random, symmetric label noise barely hurt this model",
          derive=label_noise, seed=0,
          holds=lambda runs: abs(runs[0].true_test_accuracy - runs[1].true_test_accuracy) < 0.03),
    Claim("measured-67-true-78", CHAPTER,
          words="the team would report about 67% accuracy for a model that is right 78% of the "
                "time",
          derive=lambda seed: label_noise(seed)[1], seed=0,
          holds=lambda run: (round(100 * run.measured_test_accuracy),
                             round(100 * run.true_test_accuracy)) == (67, 78),
          robust=lambda run: run.true_test_accuracy - run.measured_test_accuracy > 0.10),
    Claim("measured-10-points-below", CHAPTER,
          words="on each of 20 seeds the measured accuracy falls more than 10 points below the "
                "true one",
          derive=lambda seed: label_noise(seed)[1], seed=0, spread=(20, 20),
          holds=lambda run: run.true_test_accuracy - run.measured_test_accuracy > 0.10),
    Claim("measured-accuracy-formula", CHAPTER,
          words="the measured accuracy is *a*(1 − *r*) + (1 − *a*)*r*",
          derive=lambda seed: label_noise(seed)[1], seed=0,
          holds=lambda run: abs(ds.expected_measured_accuracy(run.true_test_accuracy, 0.2)
                                - run.measured_test_accuracy) < 0.025),

    Claim("naive-spread-16", CHAPTER,
          words="at 10% of the cells the naive scaler divides by a spread about 16 times the "
                "real one",
          derive=lambda seed: naive_spread("outliers", seed)[0], seed=0,
          holds=lambda ratio: 15.5 <= ratio < 16.5, robust=lambda ratio: 14 <= ratio <= 18),
    Claim("filled-zeros-apart", CHAPTER,
          words="the filled zeros stand as a spike apart from every real value",
          derive=filled_zeros_apart, seed=0),
    Claim("robust-spread-barely-moves", CHAPTER,
          words="The robust pipeline's spread barely moves and clipping stacks the outliers at ±5",
          derive=lambda seed: (naive_spread("outliers", seed)[1], outliers_at_five(seed)),
          seed=0,
          holds=lambda v: v[0] < 1.25 and v[1][0] == 5 and 0.05 < v[1][1] < 0.15),
    Claim("class-noise-world", CHAPTER,
          words="one feature, two classes of equal size, normal around −1 and +1 standard "
                "deviation",
          derive=lambda: (ds.CLASS_SEPARATION, ds.simulate_class_noise(0, 0, n_samples=100_000)
                          .best_accuracy),
          holds=lambda v: v[0] == 1.0 and abs(v[1] - stats.norm.cdf(1.0)) < 0.005),
    Claim("equal-flips-keep-boundary", CHAPTER,
          words="within a third of a standard deviation of the best rule at equal rates up to "
                "30% on every one of 20 seeds",
          derive=equal_rates, seed=0, spread=(20, 20),
          holds=lambda runs: max(abs(r.boundary) for r in runs) < 1 / 3),
    Claim("equal-flips-keep-accuracy", CHAPTER, words="and true accuracy stays where it was",
          derive=equal_rates, seed=0,
          holds=lambda runs: max(r.best_accuracy - r.true_accuracy for r in runs) < 0.02),
    Claim("one-sided-seed-0", CHAPTER,
          words="it moved 0.84 sd and true accuracy fell from 83% to 76%",
          derive=lambda seed: class_noise(0.3, 0.0, seed), seed=0,
          holds=lambda r: (round(r.boundary, 2), round(100 * r.best_accuracy),
                           round(100 * r.true_accuracy)) == (0.84, 83, 76),
          robust=lambda r: r.boundary > 0.5 and r.best_accuracy - r.true_accuracy > 0.03),
    Claim("one-sided-spread", CHAPTER,
          words="over 20 seeds the boundary moved 0.7 to 1 sd and accuracy fell 5 to 12 points",
          derive=lambda: [class_noise(0.3, 0.0, seed) for seed in SEEDS],
          holds=lambda runs: (round(min(r.boundary for r in runs), 1),
                              round(max(r.boundary for r in runs), 1),
                              round(100 * min(r.best_accuracy - r.true_accuracy for r in runs)),
                              round(100 * max(r.best_accuracy - r.true_accuracy for r in runs)))
          == (0.7, 1.0, 5, 12)),
    Claim("formula-ignores-class", CHAPTER,
          words="holds only for flips that ignore the class",
          derive=lambda seed: class_noise(0.4, 0.0, seed), seed=0,
          holds=lambda r: abs(ds.expected_measured_accuracy(r.true_accuracy, 0.2)
                              - r.measured_accuracy) > 0.05),
    Claim("over-reports-at-40", CHAPTER,
          words="the noisy test set even reports a higher accuracy than the true one, on each "
                "of 20 seeds",
          derive=lambda seed: class_noise(0.4, 0.0, seed), seed=0, spread=(20, 20),
          holds=lambda r: r.measured_accuracy > r.true_accuracy),

    # --- 3. Imbalanced labels ----------------------------------------------------------------
    Claim("majority-98", CHAPTER,
          words="a model that finds not a single positive scores 98% accuracy",
          derive=lambda seed: imbalance(0.02, 0.5, seed)["always negative"], seed=0,
          holds=lambda m: m.recall == 0 and round(100 * m.accuracy) == 98),
    Claim("logistic-within-a-point", CHAPTER,
          words="the logistic regression's accuracy is within about a point of it",
          derive=lambda seed: imbalance(0.02, 0.5, seed), seed=0,
          holds=lambda r: abs(r["logistic"].accuracy - r["always negative"].accuracy) < 0.011),
    Claim("random-ranking-positive-rate", CHAPTER,
          words="a model that ranks at random gets the positive rate, here 0.02",
          derive=lambda seed: imbalance(0.02, 0.5, seed)["always negative"].pr_auc, seed=0,
          holds=lambda pr_auc: round(pr_auc, 2) == 0.02),
    Claim("weights-lower-pr-auc-seed-0", CHAPTER,
          words="balanced weights took it from 0.41 to 0.07, and a threshold cannot change a "
                "ranking",
          derive=lambda seed: imbalance(0.02, 0.5, seed), seed=0,
          holds=lambda r: (round(r["logistic"].pr_auc, 2),
                           round(r["logistic, balanced weights"].pr_auc, 2)) == (0.41, 0.07),
          robust=lambda r: r["logistic, balanced weights"].pr_auc < r["logistic"].pr_auc),
    Claim("weights-50-times", CHAPTER,
          words="makes each positive count about 50 times as much as a negative",
          derive=lambda seed: (lambda y: (y == 0).sum() / (y == 1).sum())(
              ds.make_imbalanced_data(0.02, seed=seed)[1][:2_000]), seed=0,
          holds=lambda ratio: 40 <= ratio <= 60),
    Claim("forty-positives", CHAPTER, words="With about 40 positives to train on",
          derive=lambda seed: int(ds.make_imbalanced_data(0.02, seed=seed)[1][:2_000].sum()),
          seed=0, holds=lambda n: 30 <= n <= 50),
    Claim("linear-world-weights-harmless", CHAPTER,
          words="With enough rows, weighting leaves the linear world's ranking alone: over 20 "
                "seeds its PR-AUC moves by about 0.01 at most.",
          derive=lambda seed: weights("logistic", 40_000, seed), seed=0, spread=(20, 20),
          holds=lambda lost: abs(lost) <= 0.012),
    Claim("clusters-weights-lower-every-seed", CHAPTER,
          words="On the clusters it still lowers PR-AUC on every seed",
          derive=lambda seed: weights("clusters", 40_000, seed), seed=0, spread=(20, 20),
          holds=lambda lost: lost > 0),
    Claim("clusters-weights-up-to-017", CHAPTER, words="by up to 0.17",
          derive=lambda: max(weights("clusters", 40_000, seed) for seed in SEEDS),
          holds=lambda largest: round(largest, 2) == 0.17),
    Claim("few-positives-linear-loses", CHAPTER,
          words="with 4,000 rows even the linear world loses up to 0.1 on some seeds",
          derive=lambda: max(weights("logistic", 4_000, seed) for seed in SEEDS),
          holds=lambda largest: round(largest, 1) == 0.1),
    Claim("weights-lower-pr-auc-19-of-20", CHAPTER,
          words="On 19 of 20 seeds of the chapter's data the balanced weights lower PR-AUC",
          derive=lambda seed: imbalance(0.02, 0.5, seed), seed=0, spread=(19, 19),
          holds=lambda r: r["logistic, balanced weights"].pr_auc < r["logistic"].pr_auc),
    Claim("majority-accuracy-rises", CHAPTER,
          words='As positives get rarer, the accuracy of "always negative" rises',
          derive=lambda seed: [imbalance(p, 0.5, seed)["always negative"].accuracy
                               for p in (0.5, 0.05, 0.02)], seed=0,
          holds=lambda accuracies: accuracies == sorted(set(accuracies))),
    Claim("lower-threshold-trades", CHAPTER,
          words="Lowering the threshold trades precision for recall",
          derive=lambda seed: (imbalance(0.02, 0.5, seed)["logistic"],
                               imbalance(0.02, 0.1, seed)["logistic"]), seed=0,
          # precision is 0 by convention when nothing is flagged: the trade starts there.
          holds=lambda pair: pair[1].recall > pair[0].recall
          and (pair[1].precision < pair[0].precision or pair[0].recall == 0)),
    Claim("weighting-same-trade", CHAPTER,
          words="Weighting the classes made the same trade here",
          derive=lambda seed: imbalance(0.02, 0.5, seed), seed=0,
          holds=lambda r: r["logistic, balanced weights"].recall > r["logistic"].recall
          and (r["logistic, balanced weights"].precision < r["logistic"].precision
               or r["logistic"].recall == 0)),
    Claim("pr-auc-threshold-free", CHAPTER, words="PR-AUC does not depend on the threshold",
          derive=lambda seed: {imbalance(0.02, t, seed)["logistic"].pr_auc
                               for t in (0.1, 0.3, 0.5)}, seed=0,
          holds=lambda values: len(values) == 1),

    # --- 4. Three kinds of shift -------------------------------------------------------------
    Claim("parabola-rule", CHAPTER, words="*x*₁ > *x*₀²/2 − 0.45, with a soft fringe",
          derive=lambda: ds.true_positive_probability(
              np.array([[x0, x0**2 / 2 - 0.45 + dx] for x0 in (-1.0, 0.0, 2.0)
                        for dx in (-0.5, 0.0, 0.5)])).reshape(3, 3),
          # one half on the parabola, above it more likely positive, below less, not 0 or 1
          holds=lambda p: np.allclose(p[:, 1], 0.5) and (p[:, 2] > 0.8).all()
          and (p[:, 2] < 1).all() and (p[:, 0] < 0.2).all() and (p[:, 0] > 0).all()),
    Claim("deployed-on-2000", CHAPTER, words="Two models are trained on 2,000 unshifted rows",
          derive=lambda: inspect.signature(ds.make_deployed_models)
          .parameters["n_samples"].default,
          holds=lambda n: n == 2_000),
    Claim("covariate-hurts-linear-not-trees", CHAPTER,
          words="*Covariate shift* hurt the linear model badly and the trees not at all",
          derive=lambda seed: (shift("covariate", 0.0, seed), shift("covariate", 1.0, seed)),
          seed=0,
          holds=lambda r: (r[0].accuracy["logistic regression"]
                           - r[1].accuracy["logistic regression"] > 0.15
                           and r[1].accuracy["boosted trees"] >= r[0].accuracy["boosted trees"])),
    Claim("label-shift-flat-best-rose", CHAPTER,
          words="*Label shift* left both accuracies nearly flat while the best possible rose",
          derive=lambda seed: (shift("label", 0.0, seed), shift("label", 1.0, seed)), seed=0,
          holds=lambda r: all(abs(r[0].accuracy[m] - r[1].accuracy[m]) < 0.035
                              for m in r[0].accuracy)
          and r[1].best_accuracy > r[0].best_accuracy + 0.05),
    Claim("training-base-rate-half", CHAPTER,
          words="they still believe half the rows are positive",
          derive=ds._base_positive_rate, holds=lambda rate: 0.45 < rate < 0.55),
    Claim("concept-drift-both-alike", CHAPTER,
          words="*Concept drift* hurt both models alike and badly",
          derive=lambda seed: (shift("concept", 0.0, seed), shift("concept", 1.0, seed)), seed=0,
          holds=lambda r: abs(r[1].accuracy["logistic regression"]
                              - r[1].accuracy["boosted trees"]) < 0.06
          and all(r[0].accuracy[m] - r[1].accuracy[m] > 0.25 for m in r[0].accuracy)),

    # --- 5. Detecting shift ------------------------------------------------------------------
    Claim("ks-c-alpha", CHAPTER, words="*c*(0.05) ≈ 1.358 for large windows",
          derive=lambda: float(stats.kstwobign.isf(0.05)),
          holds=lambda c: round(c, 3) == 1.358),
    Claim("psi-zero-identical", CHAPTER,
          words="It is 0 for identical shares and grows with the difference.",
          derive=lambda: [ds.psi_from_proportions([0.5, 0.5], [0.5 + d, 0.5 - d])
                          for d in (0.0, 0.1, 0.2, 0.3)],
          holds=lambda values: values[0] == 0 and values == sorted(set(values))),
    Claim("ks-and-psi-disagree", CHAPTER,
          words="On this pair of windows the two disagree: KS raises an alarm, PSI calls the "
                "change small.",
          derive=lambda seed: (lambda rng: ds.detect_shift(rng.normal(size=500),
                                                           rng.normal(0.2, 1, size=500)))(
              np.random.default_rng(seed)), seed=0,
          holds=lambda alarm: alarm.ks_alarm and alarm.psi < ds.PSI_THRESHOLDS[0],
          robust=lambda alarm: not alarm.psi_alarm),
    Claim("ks-near-alpha", CHAPTER,
          words="The KS test's false-alarm rate stays near α = 5% whatever the window size",
          derive=lambda seed: [null_alarms(n, seed).ks for n in ds.DETECTION_WINDOWS], seed=0,
          holds=lambda rates: all(0.01 <= rate <= 0.095 for rate in rates)),
    Claim("ks-below-alpha-small", CHAPTER,
          words="a little below it for small windows, where the statistic takes few values",
          derive=lambda: (ks_size(50), ks_size(200), ks_size(5_000)),
          holds=lambda sizes: 0.03 < sizes[0] < 0.05 and 0.03 < sizes[1] < 0.05
          and sizes[0] < sizes[2] <= 0.05),
    Claim("null-psi-typical", CHAPTER,
          words="0.36 for windows of 50 rows, 0.004 for 5,000",
          derive=lambda: (9 * 2 / 50, 9 * 2 / 5_000),
          holds=lambda values: (round(values[0], 2), round(values[1], 3)) == (0.36, 0.004)),
    Claim("null-psi-approximation-large", CHAPTER,
          words="The approximation holds for large windows.",
          derive=lambda seed: [null_alarms(n, seed).mean_psi / (9 * 2 / n)
                               for n in (1_000, 5_000)],
          seed=0, holds=lambda ratios: all(0.9 < ratio < 1.1 for ratio in ratios)),
    Claim("null-psi-50-about-half", CHAPTER,
          words="At 50 rows the mean printed above is higher, about 0.5",
          derive=lambda seed: null_alarms(50, seed).mean_psi, seed=0,
          holds=lambda mean: 0.44 < mean < 0.56),
    Claim("empty-bin-one-in-five", CHAPTER,
          words="in about one window in five a bin of the production window is empty",
          derive=share_with_an_empty_bin, seed=0, holds=lambda share: 0.17 < share < 0.27),
    Claim("empty-bin-adds-069", CHAPTER,
          words="(0.1 − 10⁻⁴) ln(0.1/10⁻⁴) ≈ 0.69",
          derive=lambda: (ds.PSI_EPSILON, (0.1 - ds.PSI_EPSILON) * np.log(0.1 / ds.PSI_EPSILON)),
          holds=lambda value: value[0] == 1e-4 and round(value[1], 2) == 0.69),
    Claim("psi-sleeps-through-large", CHAPTER,
          words="sleeps through real shifts in large ones",
          derive=lambda seed: detection(0.2, 5_000, seed),
          seed=0, holds=lambda rates: rates.psi_major == 0 and rates.ks >= 0.95),
    Claim("ks-power-1000", CHAPTER,
          words="at 1,000 rows it catches a shift of a fifth of a standard deviation almost "
                "every time",
          derive=lambda seed: detection(0.2, 1_000, seed),
          seed=0, holds=lambda rates: rates.ks >= 0.9),
    Claim("psi-fires-on-most-50", CHAPTER,
          words="at 50 rows it fires on most windows that did not move",
          derive=lambda seed: null_alarms(50, seed).psi_major, seed=0,
          holds=lambda rate: rate > 0.5),
    Claim("psi-misses-5000", CHAPTER,
          words="at 5,000 it misses shifts the KS test never misses",
          derive=lambda seed: [detection(s, 5_000, seed) for s in (0.1, 0.2, 0.3)], seed=0,
          holds=lambda rates: all(r.psi_major == 0 for r in rates)
          and all(r.ks == 1 for r in rates[1:])),
    Claim("ten-false-alarms", CHAPTER,
          words="A test on each of 200 features at α = 5% raises about 10 false alarms a day",
          derive=lambda: 200 * 0.05, holds=lambda n: round(n) == 10),

    # --- 6. When to retrain ------------------------------------------------------------------
    Claim("stream-parameters", CHAPTER,
          words="`make_stream` generates 60 periods of 300 labelled rows: *x*₀ drifts by 0.04 "
                "standard deviations per period, and at period 36",
          derive=lambda: ds.StreamConfig(),
          holds=lambda c: (c.n_periods, c.period_size, c.drift_per_period, c.jump_period)
          == (60, 300, 0.04, 36) and c.jump_rotation_deg == 40),
    Claim("bonferroni-alpha", CHAPTER,
          words="p < 0.01/2 (a Bonferroni correction for two features)",
          derive=lambda: inspect.signature(ds.simulate_retraining).parameters["alpha"].default,
          holds=lambda alpha: alpha == 0.01),
    Claim("never-decays-with-drift", CHAPTER,
          words="Never retraining loses accuracy slowly with the drift.",
          derive=lambda seed: retraining(seed)["never"].accuracy, seed=0,
          # periods 31-35, before the sudden change, against periods 1-5
          holds=lambda accuracy: accuracy[30:35].mean() < accuracy[:5].mean() - 0.02),
    Claim("jump-moves-back", CHAPTER,
          words="The sudden change moves *x*₀ back near where it started but rotates the rule",
          derive=lambda: ds.StreamConfig(),
          holds=lambda c: abs(c.drift_per_period * c.jump_period + c.jump_shift) < 0.1
          and c.jump_rotation_deg != 0),
    Claim("stale-below-retrained", CHAPTER,
          words="from then on the stale model stays below one retrained every period, on each "
                "of 20 seeds",
          derive=lambda seed: retraining(seed), seed=0, spread=(20, 20),
          holds=lambda runs: runs["every 1"].accuracy[35:].mean()
          > runs["never"].accuracy[35:].mean()),
    Claim("alarm-fires-at-jump", CHAPTER,
          words="it fired on the very period of the sudden change (on every one of 20 seeds)",
          derive=lambda seed: retraining(seed)["on alarm"].retrain_periods, seed=0,
          spread=(20, 20), holds=lambda periods: ds.StreamConfig().jump_period in periods),
    Claim("alarm-beats-every-5", CHAPTER,
          words="it beat retraining every 5 periods (explore it above) with fewer retrains",
          derive=lambda seed: retraining(seed), seed=0,
          holds=lambda runs: runs["on alarm"].mean_accuracy > runs["every 5"].mean_accuracy
          and runs["on alarm"].n_retrains < runs["every 5"].n_retrains),
    Claim("rule-only-alarm-misses", CHAPTER,
          words="the alarm missed the change itself on 17 of 20 seeds",
          derive=lambda seed: rule_only(seed)[0], seed=0, spread=(17, 17),
          holds=lambda run: 36 not in run.retrain_periods),
    Claim("rule-only-seed-0", CHAPTER,
          words="here it fired three periods before the change and six after",
          derive=lambda: nearest_alarms(rule_only(0)[0]), holds=lambda gaps: gaps == (3, 6)),
    Claim("rule-only-every-10-wins", CHAPTER,
          words="retraining every 10 periods, with fewer retrains, beat it on 10 of 20 seeds",
          derive=rule_only, seed=0, spread=(10, 10),
          holds=lambda runs: (runs[1].mean_accuracy > runs[0].mean_accuracy
                              and runs[1].n_retrains < runs[0].n_retrains)),
    Claim("every-period-best", CHAPTER, words="every period is best of all",
          derive=lambda seed: retraining(seed), seed=0,
          holds=lambda runs: runs["every 1"].mean_accuracy
          > max(run.mean_accuracy for name, run in runs.items() if name != "every 1")),

    # --- Self-check --------------------------------------------------------------------------
    Claim("self-check-082", CHAPTER, words="0.9 × 0.9 + 0.1 × 0.1 = 0.82",
          derive=lambda: ds.expected_measured_accuracy(0.9, 0.1),
          holds=lambda value: round(value, 2) == 0.82),
    Claim("self-check-always-legitimate", CHAPTER,
          words='What does "always legitimate" score? Also 99.5%.',
          derive=lambda: ds.compute_imbalance_metrics(
              np.r_[np.ones(5, dtype=int), np.zeros(995, dtype=int)], np.zeros(1_000)).accuracy,
          holds=lambda accuracy: accuracy == 0.995),
    Claim("self-check-random-pr-auc", CHAPTER,
          words="PR-AUC, which is 0.005 for a model that ranks at random",
          derive=lambda: (lambda y: ds.compute_imbalance_metrics(
              y, np.random.default_rng(0).random(y.size)).pr_auc)(
              np.r_[np.ones(500, dtype=int), np.zeros(99_500, dtype=int)]),
          holds=lambda pr_auc: abs(pr_auc - 0.005) < 0.0015),
    Claim("self-check-psi-most", CHAPTER,
          words="With 50 rows, PSI exceeds 0.25 on most windows even when nothing shifted.",
          derive=lambda seed: null_alarms(50, seed).psi_major, seed=0,
          holds=lambda rate: rate > 0.5),
    Claim("self-check-psi-average", CHAPTER,
          words="the book's PSI averages about 0.5, higher",
          derive=lambda seed: null_alarms(50, seed).mean_psi, seed=0,
          holds=lambda mean: 0.44 < mean < 0.56 and mean > 9 * 2 / 50),

    # --- Solution: task 7's model answer ------------------------------------------------------
    Claim("task7-chi2-threshold", SOLUTION, words="so PSI > 0.25 needs χ²₉ above 73",
          derive=lambda: 0.25 / null_psi_scale(), holds=lambda value: round(value) == 73),
    Claim("task7-chance", SOLUTION,
          words="a probability of about 4·10⁻¹² per feature and morning",
          derive=lambda: float(stats.chi2.sf(0.25 / null_psi_scale(), 9)),
          holds=lambda p: 3.5e-12 < p < 4.5e-12),
    Claim("task7-simulated-max", SOLUTION,
          words="In 5,000 simulated mornings with no shift the largest PSI stayed below 0.2",
          derive=lambda seed: float(mornings(0.0, seed).max()), seed=0,
          holds=lambda largest: largest < 0.2),
    Claim("task7-simulated-mean", SOLUTION,
          words="is about (1/10,000 + 1/300) χ²₉",
          derive=lambda seed: float(mornings(0.0, seed).mean()), seed=0,
          holds=lambda mean: abs(mean / (9 * null_psi_scale()) - 1) < 0.1),
    Claim("task7-misses-03", SOLUTION,
          words="A shift of 0.3 standard deviations raises PSI above 0.25 on under 1% of mornings",
          derive=lambda seed: float(np.mean(mornings(0.3, seed, 1_000) > 0.25)), seed=0,
          holds=lambda rate: rate < 0.01),
    Claim("task7-ks-catches-03", SOLUTION,
          words="while a KS test at α = 0.05/200 catches it on most of them",
          derive=lambda seed: bonferroni_ks_power(0.3, seed), seed=0,
          holds=lambda power: power > 0.5),
    Claim("task7-seasonal-06", SOLUTION,
          words="A shift of 0.6 standard deviations crosses 0.25 on more than nine mornings in "
                "ten",
          derive=lambda seed: float(np.mean(mornings(0.6, seed, 1_000) > 0.25)), seed=0,
          holds=lambda rate: rate > 0.9),
    # --- 2. Finding the wrong labels ---------------------------------------------------------
    Claim("random-audit-20", CHAPTER,
          words="A random sample of 200 rows at a 10% flip rate holds about 20 wrong labels",
          derive=lambda: 200 * 0.1, holds=lambda n: n == 20),
    Claim("flags-beat-random", CHAPTER,
          words="over 20 seeds the flags were at least three times as likely to hold a wrong "
                "label",
          derive=lambda seed: label_audit(seed)[0], seed=0, spread=(20, 20),
          holds=lambda audit: min(a.precision for a in audit) >= 3 * 0.1),
    Claim("threshold-trade-off", CHAPTER,
          words="as the threshold fell, precision rose and recall fell on every one of 20 seeds",
          derive=lambda seed: label_audit(seed)[0], seed=0, spread=(20, 20),
          holds=lambda a: (a[0].precision < a[1].precision < a[2].precision
                           and a[0].recall > a[1].recall > a[2].recall)),
    Claim("audit-187-112", CHAPTER,
          words="At 0.2 the reviewers would check 187 rows and find 112 wrong labels, about "
                "half of the 210, where a random sample of 187 rows holds about 19",
          derive=lambda seed: label_audit(seed)[0][1], seed=0,
          holds=lambda a: (a.n_flagged, round(a.precision * a.n_flagged), a.n_flipped,
                           round(0.1 * a.n_flagged)) == (187, 112, 210, 19),
          robust=lambda a: 0.45 <= a.recall <= 0.75 and a.precision > 0.5),
    Claim("in-sample-finds-nothing", CHAPTER,
          words="The in-sample shortcut found almost nothing (under 1% of the wrong labels; "
                "never more than 5% on 20 seeds)",
          derive=lambda seed: label_audit(seed)[1], seed=0, spread=(20, 20),
          holds=lambda a: a.recall < 0.05),
    Claim("audit-recall-falls-with-flips", CHAPTER,
          words="at a threshold of 0.2, recall fell as the flip rate rose from 10% to 20% to 30%, "
                "on every one of 20 seeds",
          derive=audit_at_02, seed=0, spread=(20, 20),
          holds=lambda a: a[0].recall > a[1].recall > a[2].recall),
    Claim("audit-30-under-a-quarter", CHAPTER,
          words="at 30% the audit found under a quarter of the wrong labels (17% here)",
          derive=audit_at_02, seed=0, spread=(20, 20),
          holds=lambda a: a[2].recall < 0.25 and round(100 * audit_at_02(0)[2].recall) == 17),
    Claim("in-sample-seed-0-under-1", CHAPTER, words="under 1% of the wrong labels",
          derive=lambda: label_audit(0)[1].recall, holds=lambda recall: recall < 0.01),

    # --- 4. Correcting label shift -----------------------------------------------------------
    Claim("adjust-formula", CHAPTER,
          words="the corrected probability is *w*₁*p* / (*w*₁*p* + *w*₀(1 − *p*))",
          derive=lambda: ds.adjust_to_prior(np.array([0.3, 0.6]), 0.4, 0.7),
          holds=lambda p: np.allclose(p, [0.3 * 1.75 / (0.3 * 1.75 + 0.7 * 0.5),
                                          0.6 * 1.75 / (0.6 * 1.75 + 0.4 * 0.5)])),
    Claim("mean-prediction-70", CHAPTER,
          words="The mean predicted probability, 70%, stopped well short of 80%",
          derive=prior_fix, seed=0,
          holds=lambda r: round(100 * r.mean_prediction) == 70,
          robust=lambda r: r.mean_prediction < 0.75),
    Claim("em-788-12-steps", CHAPTER,
          words="EM climbed from 50% and settled at 78.8% after 12 steps",
          derive=prior_fix, seed=0,
          holds=lambda r: (round(100 * r.train_prior), round(100 * r.estimate, 1),
                           len(r.history) - 1) == (50, 78.8, 12),
          robust=lambda r: abs(r.estimate - 0.8) < 0.04),
    Claim("em-within-4-points", CHAPTER,
          words="over 20 seeds it ended within 4 points of the true 80%, always nearer than the "
                "mean prediction, in 11 to 13 steps",
          derive=prior_fix, seed=0, spread=(20, 20),
          holds=lambda r: (abs(r.estimate - 0.8) < 0.04
                           and abs(r.estimate - 0.8) < abs(r.mean_prediction - 0.8)
                           and 11 <= len(r.history) - 1 <= 13)),
    Claim("correction-accuracy", CHAPTER,
          words="raised accuracy from 88.6% to 90.8% (by 2 to 7 points on every one of 20 seeds)",
          derive=prior_fix, seed=0, spread=(20, 20),
          holds=lambda r: 0.02 <= r.accuracy[1] - r.accuracy[0] <= 0.07),
    Claim("correction-accuracy-seed-0", CHAPTER, words="raised accuracy from 88.6% to 90.8%",
          derive=lambda: prior_fix(0).accuracy,
          holds=lambda acc: (f"{acc[0]:.1%}", f"{acc[1]:.1%}") == ("88.6%", "90.8%")),
    Claim("correction-log-loss", CHAPTER,
          words="cut the log loss, which scores the probabilities themselves, from 0.29 to 0.22 "
                "(on every seed)",
          derive=prior_fix, seed=0, spread=(20, 20),
          holds=lambda r: r.log_loss[1] < r.log_loss[0]),
    Claim("correction-log-loss-seed-0", CHAPTER, words="from 0.29 to 0.22",
          derive=lambda: prior_fix(0).log_loss,
          holds=lambda ll: (round(ll[0], 2), round(ll[1], 2)) == (0.29, 0.22)),

    # --- 5. Late and sparse labels -----------------------------------------------------------
    Claim("prediction-drift-50-70", CHAPTER,
          words="the mean predicted probability moved from about 50% to 70% before any label "
                "arrived",
          derive=prior_fix, seed=0,
          holds=lambda r: (round(100 * r.train_prior), round(100 * r.mean_prediction)) == (50, 70),
          robust=lambda r: r.mean_prediction - r.train_prior > 0.15),
    Claim("sparse-100-labels", CHAPTER,
          words="With 100 labels a week, a model at 90% reads anywhere from about 84% to 96%",
          derive=lambda: ds.accuracy_margin(0.9, 100),
          holds=lambda m: (round(100 * (0.9 - m)), round(100 * (0.9 + m))) == (84, 96)),
    Claim("sparse-400-labels", CHAPTER,
          words="It takes about 400 labels for the interval's half-width to shrink to 3 points",
          derive=lambda: [ds.accuracy_margin(0.9, n) for n in (380, 400)],
          holds=lambda m: m[0] > 0.03 > m[1]),
    Claim("sparse-quarter", CHAPTER,
          words="halving it costs four times the labels",
          derive=lambda: ds.accuracy_margin(0.9, 100) / ds.accuracy_margin(0.9, 400),
          holds=lambda ratio: abs(ratio - 2) < 1e-9),
    # --- Predictions and self-checks (the strings of predict(...) and self_check(...)) --------
    Claim("predict-messy-worst", CHAPTER,
          words="Outliers cost the naive pipeline most, 25 points at 10% of the cells against "
                "12 for missing values",
          derive=messy, seed=0,
          holds=lambda lost: (round(100 * lost["outliers"][0]), round(100 * lost["missing"][0]))
          == (25, 12),
          robust=lambda lost: lost["outliers"][0] > max(lost["missing"][0], lost["noise"][0])),
    Claim("predict-noise-alike", CHAPTER, words="noise costs both pipelines alike",
          derive=messy, seed=0,
          holds=lambda lost: abs(lost["noise"][0] - lost["noise"][1]) <= 0.005),
    Claim("predict-symmetric-noise", CHAPTER,
          words="True accuracy barely moved (77.5% with clean labels, 77.6% with 20% flipped); "
                "the measured one fell to 67.3%",
          derive=label_noise, seed=0,
          holds=lambda runs: (f"{runs[0].true_test_accuracy:.1%}",
                              f"{runs[1].true_test_accuracy:.1%}",
                              f"{runs[1].measured_test_accuracy:.1%}")
          == ("77.5%", "77.6%", "67.3%"),
          robust=lambda runs: (abs(runs[0].true_test_accuracy - runs[1].true_test_accuracy)
                               < 0.03 and runs[1].true_test_accuracy
                               - runs[1].measured_test_accuracy > 0.05)),
    Claim("predict-audit-threshold", CHAPTER,
          words="Precision rose from 39% to 63% while recall fell from 82% to 27%",
          derive=lambda seed: label_audit(seed)[0], seed=0,
          holds=lambda audit: (round(100 * audit[0].precision), round(100 * audit[2].precision),
                               round(100 * audit[0].recall), round(100 * audit[2].recall))
          == (39, 63, 82, 27),
          robust=lambda audit: (audit[0].precision < audit[2].precision
                                and audit[0].recall > audit[2].recall)),
    Claim("predict-imbalance-accuracy", CHAPTER,
          words="The plain logistic regression, 98.5%, just above *always negative*'s 98.3%",
          derive=lambda seed: imbalance(0.02, 0.5, seed), seed=0,
          holds=lambda s: (f"{s['logistic'].accuracy:.1%}", f"{s['always negative'].accuracy:.1%}")
          == ("98.5%", "98.3%"),
          robust=lambda s: abs(s["logistic"].accuracy - s["always negative"].accuracy) < 0.015),
    Claim("predict-balanced-weights", CHAPTER,
          words="the balanced weights find 74% of the positives and score 72% accuracy",
          derive=lambda seed: imbalance(0.02, 0.5, seed)["logistic, balanced weights"], seed=0,
          holds=lambda s: (round(100 * s.recall), round(100 * s.accuracy)) == (74, 72),
          robust=lambda s: s.recall > 0.5 and s.accuracy < 0.9),
    Claim("predict-covariate", CHAPTER,
          words="Covariate shift took the linear model to 55% and left the trees at 96%",
          derive=lambda seed: shift("covariate", 1.0, seed).accuracy, seed=0,
          holds=lambda a: (round(100 * a["logistic regression"]), round(100 * a["boosted trees"]))
          == (55, 96),
          robust=lambda a: a["boosted trees"] - a["logistic regression"] > 0.2),
    Claim("predict-concept", CHAPTER,
          words="concept drift took both to about half, 52% and 53%",
          derive=lambda seed: shift("concept", 1.0, seed).accuracy, seed=0,
          holds=lambda a: (round(100 * a["logistic regression"]), round(100 * a["boosted trees"]))
          == (52, 53),
          robust=lambda a: max(a.values()) < 0.65),
    Claim("predict-label-shift", CHAPTER, words="label shift barely moved either",
          derive=lambda seed: (shift("label", 0.0, seed).accuracy,
                               shift("label", 1.0, seed).accuracy), seed=0,
          holds=lambda pair: all(abs(pair[1][m] - pair[0][m]) < 0.05 for m in pair[0])),
    Claim("predict-mean-prediction", CHAPTER, words="70.1%: short of the true 80%",
          derive=prior_fix, seed=0,
          holds=lambda fix: f"{fix.mean_prediction:.1%}" == "70.1%",
          robust=lambda fix: fix.mean_prediction < fix.true_prior - 0.05),
    Claim("predict-em-most-of-the-rest", CHAPTER, words="EM recovers most of the rest",
          derive=prior_fix, seed=0,
          holds=lambda fix: (abs(fix.true_prior - fix.history[-1])
                             < (fix.true_prior - fix.mean_prediction) / 2)),
    Claim("predict-ks-null", CHAPTER,
          words="KS fired on 2% to 5% of unshifted pairs at every size",
          derive=lambda seed: [null_alarms(n, seed).ks for n in (50, 200, 1_000, 5_000)],
          seed=0,
          holds=lambda rates: (round(100 * min(rates)), round(100 * max(rates))) == (2, 5),
          robust=lambda rates: 0.01 <= min(rates) and max(rates) <= 0.08),
    Claim("predict-psi-null", CHAPTER,
          words="PSI above 0.25 fired on 79% of the 50-row windows and on none of 1,000 rows "
                "or more",
          derive=lambda seed: [null_alarms(n, seed).psi_major for n in (50, 1_000, 5_000)],
          seed=0,
          holds=lambda rates: round(100 * rates[0]) == 79 and rates[1] == rates[2] == 0,
          robust=lambda rates: rates[0] > 0.5 and rates[1] == rates[2] == 0),
    Claim("predict-retraining", CHAPTER,
          words="On alarm: 81.9% with 8 retrains, near every period's 82.5% with 59 and above "
                "every 10 periods' 80.5% with 5",
          derive=lambda seed: (retraining(seed),
                               ds.simulate_retraining("periodic", every=10, seed=seed)),
          seed=0,
          holds=lambda v: ([(f"{r.mean_accuracy:.1%}", r.n_retrains) for r in
                            (v[0]["on alarm"], v[0]["every 1"], v[1])]
                           == [("81.9%", 8), ("82.5%", 59), ("80.5%", 5)]),
          robust=lambda v: (v[0]["on alarm"].mean_accuracy > v[1].mean_accuracy
                            and v[0]["every 1"].mean_accuracy - v[0]["on alarm"].mean_accuracy
                            < 0.02)),
    Claim("self-check-screening-pr-auc", CHAPTER, words="its PR-AUC is 1/400 = 0.0025",
          derive=random_pr_auc, seed=0, holds=lambda ap: abs(ap - 0.0025) < 0.0004),
    Claim("self-check-ks-gap", CHAPTER,
          words="1.358 × √(2,000/1,000,000) = 1.358 × 0.0447 ≈ 0.061",
          derive=lambda: (1.358 * np.sqrt(2_000 / 1_000_000), ds._ks_critical_gap(1_000, 0.05)),
          holds=lambda v: (round(np.sqrt(2_000 / 1_000_000), 4) == 0.0447
                           and round(v[0], 3) == 0.061 and abs(v[1] / 1_000 - v[0]) < 0.002)),
    Claim("self-check-psi-36", CHAPTER, words="9 × 2/50 = 0.36",
          derive=lambda: 9 * 2 / 50, holds=lambda v: round(v, 2) == 0.36),
    Claim("self-check-prior-pull", CHAPTER,
          words="the mean sits between the training prior and the true rate",
          derive=lambda seed: (prior_fix(seed), ds.simulate_prior_correction(0.2, seed=seed)),
          seed=0,
          holds=lambda fixes: all(min(f.train_prior, f.true_prior) < f.mean_prediction
                                  < max(f.train_prior, f.true_prior) for f in fixes)),
]

test_claim = tests(CLAIMS)
