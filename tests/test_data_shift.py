"""Tests of mlsys.data_shift: messy data, wrong labels, imbalance, shift, detection, retraining."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats
from sklearn.metrics import accuracy_score, precision_score, recall_score

from mlsys import data_shift as ds
from mlsys.style import FIGSIZE


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


# --- Messy features --------------------------------------------------------------------------

def test_make_clean_data_is_seeded_and_not_centred():
    X1, y1 = ds.make_clean_data(200, seed=3)
    X2, y2 = ds.make_clean_data(200, seed=3)
    assert np.array_equal(X1, X2) and np.array_equal(y1, y2)
    assert abs(X1.mean()) > 10  # real-world units: filling with 0 is wrong


def test_corrupt_features_hits_the_requested_share_of_cells():
    X = np.ones((2_000, 5))
    missing = ds.corrupt_features(X, missing_rate=0.2, seed=1)
    assert np.isnan(missing).mean() == pytest.approx(0.2, abs=0.01)
    clean = ds.corrupt_features(np.arange(20.0).reshape(10, 2))
    assert np.array_equal(clean, np.arange(20.0).reshape(10, 2))  # rates 0 change nothing
    X = np.random.default_rng(0).normal(size=(2_000, 3))
    outliers = ds.corrupt_features(X, outlier_rate=0.1, seed=2)
    assert (np.abs(outliers) > 20).mean() == pytest.approx(0.1, abs=0.01)


@pytest.mark.parametrize("kwargs, name", [({"missing_rate": 1.5}, "missing_rate"),
                                          ({"noise_rate": -0.1}, "noise_rate"),
                                          ({"outlier_rate": float("nan")}, "outlier_rate")])
def test_corrupt_features_rejects_rates_outside_0_1(kwargs, name):
    with pytest.raises(ValueError, match=name):
        ds.corrupt_features(np.ones((3, 2)), **kwargs)


def test_corrupt_features_rejects_empty_or_1d_input():
    with pytest.raises(ValueError, match="X"):
        ds.corrupt_features(np.ones(3))


def test_robust_pipeline_recovers_from_missing_values_and_outliers_but_not_noise():
    for corruption in ("missing", "outliers"):
        result = ds.simulate_messy_data(corruption, 0.1)
        assert result.robust_accuracy > result.naive_accuracy + 0.05
    noise = ds.simulate_messy_data("noise", 0.1)
    assert noise.robust_accuracy == pytest.approx(noise.naive_accuracy, abs=0.02)
    clean = ds.simulate_messy_data("missing", 0.0)
    assert clean.robust_accuracy == pytest.approx(clean.naive_accuracy, abs=0.02)


def test_naive_scaler_squeezes_real_values_by_the_outliers_spread_and_robust_does_not():
    # 10% of cells at 50 sd: the column's variance is about 0.9 + 0.1 x 50² sd², so the naive
    # scaler divides by about 16 times the real spread; the IQR barely moves.
    messy, clean = ds.scaled_feature("outliers", 0.1, "naive")
    ordinary = np.abs(messy) < 1
    assert np.std(messy[ordinary]) == pytest.approx(np.std(clean) / np.sqrt(0.9 + 250), rel=0.3)
    robust, robust_clean = ds.scaled_feature("outliers", 0.1, "robust")
    assert np.abs(robust).max() <= 5
    assert np.median(np.abs(robust)) == pytest.approx(np.median(np.abs(robust_clean)), rel=0.3)


def test_naive_fill_puts_missing_values_where_no_real_value_is():
    messy, clean = ds.scaled_feature("missing", 0.2, "naive")
    values, counts = np.unique(messy.round(6), return_counts=True)
    spike = values[np.argmax(counts)]          # the filled zeros, all at one scaled value
    assert counts.max() / messy.size == pytest.approx(0.2, abs=0.04)
    assert spike < clean.min() or spike > clean.max() or abs(spike) > 2


def test_scaled_feature_rejects_bad_input():
    with pytest.raises(ValueError, match="pipeline"):
        ds.scaled_feature("missing", 0.1, "fancy")
    with pytest.raises(ValueError, match="rate"):
        ds.scaled_feature("missing", -0.1, "naive")
    with pytest.raises(ValueError, match="corruption"):
        ds.scaled_feature("typos", 0.1, "naive")


def test_simulate_messy_data_rejects_unknown_corruption():
    with pytest.raises(ValueError, match="corruption"):
        ds.simulate_messy_data("typos", 0.1)
    with pytest.raises(ValueError, match="rate"):
        ds.simulate_messy_data("missing", 2)


# --- Wrong labels ----------------------------------------------------------------------------

def test_flip_labels_flips_at_the_requested_rate():
    y = np.random.default_rng(0).integers(0, 2, size=50_000)
    flipped = ds.flip_labels(y, 0.3, seed=1)
    assert np.mean(flipped != y) == pytest.approx(0.3, abs=0.01)
    assert np.array_equal(ds.flip_labels(y, 0.0), y)


def test_flip_labels_rejects_bad_input():
    with pytest.raises(ValueError, match="rate"):
        ds.flip_labels([0, 1], 1.2)
    with pytest.raises(ValueError, match="y"):
        ds.flip_labels([0, 2], 0.1)
    with pytest.raises(ValueError, match="y"):
        ds.flip_labels([], 0.1)


def test_measured_accuracy_agrees_with_theory():
    result = ds.simulate_label_noise(0.2)
    theory = ds.expected_measured_accuracy(result.true_test_accuracy, 0.2)
    assert result.measured_test_accuracy == pytest.approx(theory, abs=0.03)
    assert ds.expected_measured_accuracy(0.9, 0.0) == 0.9
    assert ds.expected_measured_accuracy(0.9, 0.5) == pytest.approx(0.5)


def test_symmetric_label_noise_hides_a_model_that_stays_good():
    clean, noisy = ds.simulate_label_noise(0.0), ds.simulate_label_noise(0.3)
    assert clean.measured_test_accuracy == clean.true_test_accuracy
    assert noisy.measured_test_accuracy < noisy.true_test_accuracy - 0.1
    assert noisy.true_test_accuracy == pytest.approx(clean.true_test_accuracy, abs=0.02)


def test_equal_flip_rates_keep_the_boundary_and_unequal_ones_move_it_into_the_flipped_class():
    for rate in (0.1, 0.2, 0.3):
        assert abs(ds.simulate_class_noise(rate, rate).boundary) < 0.3
    into_positives = ds.simulate_class_noise(0.3, 0.0)
    into_negatives = ds.simulate_class_noise(0.0, 0.3)
    assert into_positives.boundary > 0.4 and into_negatives.boundary < -0.4
    for result in (into_positives, into_negatives):
        assert result.true_accuracy < result.best_accuracy - 0.03


def test_measured_accuracy_of_class_noise_agrees_with_its_per_class_formula():
    # A prediction scores as right when it matches the recorded label: per class y with flip
    # rate r_y and true per-class accuracy a_y, the test set reports a_y (1 - r_y) + (1 - a_y) r_y.
    r1, r0 = 0.3, 0.1
    result = ds.simulate_class_noise(r1, r0, n_samples=200_000)
    b, s = result.boundary, ds.CLASS_SEPARATION
    a1, a0 = stats.norm.sf(b - s), stats.norm.cdf(b + s)     # true accuracy on each class
    theory = 0.5 * (a1 * (1 - r1) + (1 - a1) * r1) + 0.5 * (a0 * (1 - r0) + (1 - a0) * r0)
    assert result.measured_accuracy == pytest.approx(theory, abs=0.005)
    assert result.true_accuracy == pytest.approx(0.5 * (a1 + a0), abs=0.005)
    assert result.best_accuracy == pytest.approx(stats.norm.cdf(s), abs=0.005)


def test_noisy_bayes_boundary_is_the_cut_that_best_fits_the_recorded_labels():
    rng = np.random.default_rng(0)
    r1, r0, n = 0.3, 0.1, 400_000
    y = rng.random(n) < 0.5
    x = rng.normal(np.where(y, ds.CLASS_SEPARATION, -ds.CLASS_SEPARATION), 1.0)
    recorded = np.where(rng.random(n) < np.where(y, r1, r0), ~y, y)
    cuts = np.linspace(-1, 1, 401)
    errors = [np.mean((x > c) != recorded) for c in cuts]
    assert cuts[int(np.argmin(errors))] == pytest.approx(ds.noisy_bayes_boundary(r1, r0),
                                                         abs=0.05)
    assert ds.noisy_bayes_boundary(0.25, 0.25) == 0.0
    # the learned logistic boundary moves the same way, further (the recorded labels'
    # probability is not logistic)
    assert ds.simulate_class_noise(r1, r0).boundary > ds.noisy_bayes_boundary(r1, r0) > 0


@pytest.mark.parametrize("call, name", [
    (lambda: ds.simulate_class_noise(0.5, 0.0), "flip_positive"),
    (lambda: ds.simulate_class_noise(0.1, -0.1), "flip_negative"),
    (lambda: ds.simulate_class_noise(0.1, 0.1, n_samples=5), "n_samples"),
    (lambda: ds.simulate_class_noise(0.1, 0.1, seed=-1), "seed"),
    (lambda: ds.noisy_bayes_boundary("a", 0.1), "flip_positive"),
    (lambda: ds.noisy_bayes_boundary(0.1, 0.6), "flip_negative"),
])
def test_class_noise_functions_reject_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


def test_expected_measured_accuracy_rejects_rates_outside_0_1():
    with pytest.raises(ValueError, match="noise_rate"):
        ds.expected_measured_accuracy(0.9, 1.1)
    with pytest.raises(ValueError, match="true_accuracy"):
        ds.expected_measured_accuracy(-0.1, 0.1)


# --- Imbalance -------------------------------------------------------------------------------

def test_majority_predictor_has_high_accuracy_zero_recall_and_pr_auc_equal_to_base_rate():
    result = ds.simulate_imbalance(0.02)
    majority = result["always negative"]
    _, y = ds.make_imbalanced_data(0.02)
    base_rate = y[len(y) // 2:].mean()
    assert majority.accuracy == pytest.approx(1 - base_rate)
    assert majority.recall == 0 and majority.precision == 0
    assert majority.pr_auc == pytest.approx(base_rate)
    assert result["logistic"].pr_auc > 5 * majority.pr_auc


def test_class_weights_and_a_lower_threshold_raise_recall():
    default = ds.simulate_imbalance(0.05, 0.5)
    assert default["logistic, balanced weights"].recall > default["logistic"].recall
    assert ds.simulate_imbalance(0.05, 0.1)["logistic"].recall > default["logistic"].recall


def test_compute_imbalance_metrics_agrees_with_scikit_learn():
    rng = np.random.default_rng(4)
    y = (rng.random(500) < 0.1).astype(int)
    score = np.clip(0.3 * y + rng.random(500) * 0.7, 0, 1)
    for threshold in (0.0, 0.3, 0.6, 1.0):
        flagged = (score >= threshold).astype(int)
        metrics = ds.compute_imbalance_metrics(y, score, threshold)
        assert metrics.accuracy == pytest.approx(accuracy_score(y, flagged), abs=1e-6)
        assert metrics.precision == pytest.approx(
            precision_score(y, flagged, zero_division=0), abs=1e-6)
        assert metrics.recall == pytest.approx(recall_score(y, flagged), abs=1e-6)


def test_compute_imbalance_metrics_rejects_bad_input():
    with pytest.raises(ValueError, match="same length"):
        ds.compute_imbalance_metrics([0, 1], [0.5])
    with pytest.raises(ValueError, match="y_true"):
        ds.compute_imbalance_metrics([0, 0], [0.1, 0.2])
    with pytest.raises(ValueError, match="y_score"):
        ds.compute_imbalance_metrics([0, 1], [0.1, 2.0])
    with pytest.raises(ValueError, match="threshold"):
        ds.compute_imbalance_metrics([0, 1], [0.1, 0.2], threshold=1.5)
    with pytest.raises(ValueError, match="positive_rate"):
        ds.make_imbalanced_data(0.0)


# --- Shift -----------------------------------------------------------------------------------

def test_sample_world_label_shift_keeps_class_conditionals():
    X0, y0 = ds.sample_world(20_000, seed=1)
    X1, y1 = ds.sample_world(20_000, positive_rate=0.8, seed=2)
    assert y1.mean() == pytest.approx(0.8)
    for c in (0, 1):
        assert stats.ks_2samp(X0[y0 == c, 0], X1[y1 == c, 0]).pvalue > 0.001
    assert stats.ks_2samp(X0[:, 0], X1[:, 0]).pvalue < 1e-6  # but P(X) moves


def test_sample_world_covariate_and_concept_shift_do_what_they_say():
    X, _ = ds.sample_world(20_000, covariate_shift=1.5, seed=1)
    assert X[:, 0].mean() == pytest.approx(1.5, abs=0.05)
    X, y = ds.sample_world(20_000, concept_rotation_deg=90, seed=1)
    assert abs(X.mean(axis=0)).max() < 0.05  # P(X) unchanged
    p = ds.true_positive_probability(X, concept_rotation_deg=90)
    assert y.mean() == pytest.approx(p.mean(), abs=0.01)


def test_sample_world_rejects_bad_input():
    with pytest.raises(ValueError, match="positive_rate"):
        ds.sample_world(10, positive_rate=1.0)
    with pytest.raises(ValueError, match="covariate_shift"):
        ds.sample_world(10, covariate_shift=9)
    with pytest.raises(ValueError, match="n_samples"):
        ds.sample_world(0)
    with pytest.raises(ValueError, match="kind"):
        ds.shift_parameters("prior", 0.5)
    with pytest.raises(ValueError, match="severity"):
        ds.shift_parameters("label", 1.5)


def test_which_shift_hurts_which_model():
    covariate = ds.simulate_shift("covariate", 1.0)
    assert covariate.accuracy["logistic regression"] < covariate.accuracy["boosted trees"] - 0.2
    concept = ds.simulate_shift("concept", 1.0)
    assert max(concept.accuracy.values()) < concept.best_accuracy - 0.2
    label = ds.simulate_shift("label", 1.0)
    none = ds.simulate_shift("label", 0.0)
    for name in none.accuracy:
        assert label.accuracy[name] == pytest.approx(none.accuracy[name], abs=0.05)


# --- Detection -------------------------------------------------------------------------------

def test_ks_statistic_agrees_with_scipy():
    rng = np.random.default_rng(5)
    for _ in range(50):
        a = rng.normal(size=rng.integers(1, 300))
        b = rng.normal(rng.uniform(-1, 1), size=rng.integers(1, 300)).round(1)
        assert ds.compute_ks_statistic(a, b) == pytest.approx(stats.ks_2samp(a, b).statistic)


def test_psi_is_zero_for_identical_distributions_and_grows_with_shift():
    window = np.random.default_rng(0).normal(size=2_000)
    assert ds.compute_psi(window, window) == 0
    assert ds.psi_from_proportions([0.2] * 5, [0.2] * 5) == 0
    psis = [ds.compute_psi(window, window + s) for s in (0.1, 0.5, 1.0)]
    assert psis == sorted(psis) and psis[0] > 0


def test_psi_matches_the_formula_and_is_symmetric():
    e, a = np.array([0.1, 0.2, 0.4, 0.2, 0.1]), np.array([0.05, 0.15, 0.35, 0.25, 0.2])
    assert ds.psi_from_proportions(e, a) == pytest.approx(np.sum((a - e) * np.log(a / e)))
    assert ds.psi_from_proportions(e, a) == pytest.approx(ds.psi_from_proportions(a, e))
    assert np.isfinite(ds.psi_from_proportions([0.5, 0.5], [1.0, 0.0]))  # empty bin


def test_null_psi_is_about_chi_squared_over_window_size():
    # With no shift, PSI ~ (1/n + 1/m) chi2(bins - 1): its mean is about 9 x 2 / n for deciles.
    rng = np.random.default_rng(2)
    n = 1_000
    psis = [ds.compute_psi(rng.normal(size=n), rng.normal(size=n)) for _ in range(300)]
    assert np.mean(psis) == pytest.approx(9 * 2 / n, rel=0.15)


def test_ks_false_alarm_rate_is_near_alpha_over_many_seeds():
    rates = ds.simulate_alarm_rates(0.0, 500, n_trials=1_000, alpha=0.05, seed=3)
    assert 0.03 <= rates.ks <= 0.07
    small = ds.simulate_alarm_rates(0.0, 50, n_trials=300, seed=3)
    assert small.psi_major > 0.5 > small.ks  # the PSI rule has no error guarantee


def test_alarm_rates_count_the_verdicts_of_detect_shift_pair_by_pair():
    # simulate_alarm_rates scores all pairs at once; it must agree with detect_shift on each.
    # With 10 rows even D = 1 has p = 1.1e-5, so at alpha = 1e-6 the KS test can never fire.
    for shift_sd, window_size, seed, alpha in [(0.0, 50, 1, 0.05), (0.2, 200, 2, 0.05),
                                              (0.5, 37, 3, 0.01), (0.1, 999, 4, 0.05),
                                              (4.0, 10, 5, 1e-6)]:
        rng = np.random.default_rng(seed)
        fired = []
        for _ in range(60):
            reference = rng.normal(size=window_size)
            production = rng.normal(shift_sd, 1, size=window_size)
            alarm = ds.detect_shift(reference, production, alpha=alpha)
            fired.append((alarm.ks_alarm, alarm.psi > ds.PSI_THRESHOLDS[0], alarm.psi_alarm))
        rates = ds.simulate_alarm_rates(shift_sd, window_size, n_trials=60, alpha=alpha,
                                        seed=seed)
        assert (rates.ks, rates.psi_moderate, rates.psi_major) == tuple(np.mean(fired, axis=0))


def test_detection_rejects_bad_input():
    with pytest.raises(ValueError, match="reference"):
        ds.compute_psi([], [1.0, 2.0])
    with pytest.raises(ValueError, match="production"):
        ds.compute_ks_statistic([1.0], [])
    with pytest.raises(ValueError, match="points"):
        ds.compute_ecdf_gaps([1.0], [2.0], [])
    with pytest.raises(TypeError, match="points"):
        ds.compute_ecdf_gaps([1.0], [2.0], "x")
    with pytest.raises(ValueError, match="same bins"):
        ds.psi_from_proportions([0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match="expected"):
        ds.psi_from_proportions([0.5, 0.6], [0.5, 0.5])
    with pytest.raises(ValueError, match="bins"):
        ds.compute_psi([1.0, 2.0], [1.0], bins=1)
    with pytest.raises(ValueError, match="alpha"):
        ds.detect_shift([1.0, 2.0], [1.0, 3.0], alpha=0)
    with pytest.raises(ValueError, match="window_size"):
        ds.simulate_alarm_rates(0.0, 5)
    with pytest.raises(ValueError, match="alpha"):
        ds.simulate_alarm_rates(0.0, 50, alpha=1.5)


# --- Retraining ------------------------------------------------------------------------------

def test_retraining_policies_count_their_retrains_and_beat_never():
    never = ds.simulate_retraining("never")
    assert never.n_retrains == 0 and never.accuracy.shape == (59,)
    every5 = ds.simulate_retraining("periodic", every=5)
    assert every5.retrain_periods == tuple(range(5, 60, 5))
    alarm = ds.simulate_retraining("on_alarm")
    assert 0 < alarm.n_retrains < 59
    assert never.mean_accuracy < every5.mean_accuracy
    assert never.mean_accuracy < alarm.mean_accuracy


def test_sudden_change_configs_move_what_they_say_and_the_alarm_misses_a_rule_only_change():
    both, rule, mean = (ds.sudden_change_config(name) for name in ds.SUDDEN_CHANGES)
    assert both == ds.StreamConfig()
    assert (rule.jump_shift, rule.jump_rotation_deg) == (0.0, both.jump_rotation_deg)
    assert (mean.jump_shift, mean.jump_rotation_deg) == (both.jump_shift, 0.0)
    # a jump of the mean moves P(X): the alarm fires on the very period; a rotation alone does not
    fired = [both.jump_period in ds.simulate_retraining("on_alarm", config=config, seed=seed)
             .retrain_periods for seed in range(5) for config in (mean, rule)]
    assert all(fired[0::2]) and sum(fired[1::2]) <= 2


def test_retraining_rejects_bad_input():
    with pytest.raises(ValueError, match="policy"):
        ds.simulate_retraining("sometimes")
    with pytest.raises(TypeError, match="every"):
        ds.simulate_retraining("periodic")
    with pytest.raises(ValueError, match="every"):
        ds.simulate_retraining("periodic", every=0)
    with pytest.raises(TypeError, match="config"):
        ds.make_stream({"n_periods": 3})


# --- Explorer figures ------------------------------------------------------------------------

@pytest.mark.parametrize("plot, args", [
    (ds.plot_messy_data, ("missing", 0.2)),
    (ds.plot_label_noise, (0.1, 0.3)),
    (ds.plot_label_audit, (0.2, 0.3)),
    (ds.plot_imbalance, (0.02, 0.3)),
    (ds.plot_shift, ("label", 0.4)),
    (ds.plot_detection, (0.0, 1_000)),
    (ds.plot_retraining, ("on alarm",)),
])
def test_plots_return_a_titled_figure_of_the_book_size(plot, args):
    fig = plot(*args)
    assert isinstance(fig, Figure)
    assert tuple(fig.get_size_inches()) == FIGSIZE
    assert any(ax.get_title(loc="left") for ax in fig.axes)


def test_plots_reject_bad_values():
    with pytest.raises(ValueError, match="rate"):
        ds.plot_messy_data("missing", 1.5)
    with pytest.raises(ValueError, match="flip_negative"):
        ds.plot_label_noise(0.1, 0.5)
    with pytest.raises(ValueError, match="schedule"):
        ds.plot_retraining("every 0")
    with pytest.raises(ValueError, match="sudden_change"):
        ds.plot_retraining("never", "everything")
    with pytest.raises(ValueError, match="window_size"):
        ds.plot_detection(0.0, 5)
    with pytest.raises(ValueError, match="severity"):
        ds.plot_shift("label", 2.0)


def test_plots_accept_values_between_grid_points_for_live_explorers():
    assert ds.plot_messy_data("noise", 0.12).get_suptitle().startswith("12% noise")
    assert ds.plot_label_noise(0.15, 0.05).get_suptitle().startswith("15% of positives")
    assert ds.plot_retraining("every 3").axes[0].get_title(loc="left").startswith("every 3")
    assert ds.plot_retraining("every 3", "rule only").axes[0].get_title(loc="left").endswith(
        "moves the rule only")


# --- Counting words --------------------------------------------------------------------------

def test_figure_titles_say_1_retrain_and_1_row_in_the_singular():
    one = ds.simulate_retraining("periodic", every=59)
    assert one.n_retrains == 1
    title = ds.plot_retraining("every 59").axes[0].get_title(loc="left")
    assert title.startswith("every 59: 1 retrain, mean accuracy")
    assert ds.plot_retraining("never").axes[0].get_title(loc="left").startswith(
        "never: 0 retrains,")
    assert "1,000 rows," in ds.plot_detection(0.0, 1_000).axes[1].get_title(loc="left")


def test_mean_psi_of_alarm_rates_matches_chi_squared_for_large_windows_not_small_ones():
    # With no shift, mean PSI ~ 9 x 2 / n for deciles when no bin is ever empty (n = 2,000);
    # at 50 rows about one window in five leaves a bin empty, and each adds about 0.69.
    large = ds.simulate_alarm_rates(0.0, 2_000, n_trials=300, seed=1)
    assert large.mean_psi == pytest.approx(9 * 2 / 2_000, rel=0.1)
    small = ds.simulate_alarm_rates(0.0, 50, n_trials=1_000, seed=1)
    assert 0.44 < small.mean_psi < 0.55
    eps = ds.PSI_EPSILON  # an empty bin counts as a share of PSI_EPSILON
    assert ds.psi_from_proportions([0.5, 0.5], [0.0, 1.0]) == pytest.approx(
        (eps - 0.5) * np.log(eps / 0.5) + 0.5 * np.log(2), rel=1e-12)
    assert (0.1 - eps) * np.log(0.1 / eps) == pytest.approx(0.69, abs=0.005)


# --- Class weights: a threshold for the right model, another line for a wrong one -------------

def test_make_logistic_data_hits_its_positive_rate_and_is_seeded():
    X, y = ds.make_logistic_data(0.1, n_samples=20_000, seed=2)
    assert X.shape == (20_000, 10) and y.mean() == pytest.approx(0.1, abs=0.01)
    X2, y2 = ds.make_logistic_data(0.1, n_samples=20_000, seed=2)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)


def test_on_the_logistic_world_a_logistic_regression_recovers_the_true_direction():
    X, y = ds.make_logistic_data(0.2, n_samples=40_000, seed=1)
    from sklearn.linear_model import LogisticRegression
    coef = LogisticRegression(max_iter=2_000).fit(X, y).coef_.ravel()
    truth = ds._LOGISTIC_WEIGHTS
    assert coef @ truth / np.linalg.norm(coef) / np.linalg.norm(truth) > 0.995


def test_class_weights_keep_the_ranking_of_the_right_model_but_not_of_a_wrong_one():
    # With many rows, weighting a well-specified logistic regression only moves its intercept.
    right = ds.compare_class_weights("logistic", 0.02, n_samples=40_000, seed=3)
    assert abs(right.pr_auc - right.weighted_pr_auc) < 0.01
    wrong = ds.compare_class_weights("clusters", 0.02, n_samples=4_000, seed=0)
    assert wrong.pr_auc - wrong.weighted_pr_auc > 0.2
    # The clusters world at 4,000 rows is simulate_imbalance's data and models.
    result = ds.simulate_imbalance(0.02, seed=0)
    assert wrong.pr_auc == pytest.approx(result["logistic"].pr_auc, abs=1e-3)


@pytest.mark.parametrize("call, name", [
    (lambda: ds.make_logistic_data(0.7), "positive_rate"),
    (lambda: ds.make_logistic_data(0.1, n_samples=5), "n_samples"),
    (lambda: ds.compare_class_weights("trees"), "world"),
    (lambda: ds.compare_class_weights("logistic", 0.0), "positive_rate"),
    (lambda: ds.compare_class_weights("logistic", 0.01, n_samples=20), "n_samples"),
])
def test_class_weight_functions_reject_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


# --- Finding wrong labels --------------------------------------------------------------------

def test_out_of_fold_probabilities_never_see_the_row_they_score():
    X, y = ds.sample_world(600, seed=2)
    P = ds.out_of_fold_probabilities(X, y, seed=2)
    assert P.shape == (600, 2) and np.allclose(P.sum(axis=1), 1)
    assert np.array_equal(P, ds.out_of_fold_probabilities(X, y, seed=2))  # seeded
    # Flip one clear row's label: its out-of-fold probability does not follow the flip, because
    # the model that scores the row was trained without it.
    row = int(np.argmax(P[:, 1]))
    flipped = y.copy()
    flipped[row] = 1 - flipped[row]
    assert ds.out_of_fold_probabilities(X, flipped, seed=2)[row, 1] > 0.8


def test_find_label_issues_flags_low_self_confidence_only():
    P = np.array([[0.9, 0.1], [0.15, 0.85], [0.6, 0.4], [0.05, 0.95]])
    assert ds.find_label_issues(P, [0, 0, 1, 1], 0.2).tolist() == [False, True, False, False]
    assert ds.find_label_issues(P, [0, 0, 1, 1], 0.5).tolist() == [False, True, True, False]


def test_out_of_fold_flags_find_flipped_labels_and_in_sample_flags_do_not():
    audit = ds.simulate_label_audit(0.1, (0.5, 0.2, 0.1), seed=4)
    assert all(a.precision > 0.3 for a in audit)          # a random audit gets 0.1
    assert [a.n_flagged for a in audit] == sorted((a.n_flagged for a in audit), reverse=True)
    assert audit[0].recall > audit[1].recall > audit[2].recall
    (in_sample,) = ds.simulate_label_audit(0.1, (0.5,), in_sample=True, seed=4)
    assert in_sample.recall < 0.1 < audit[0].recall
    clean = ds.simulate_label_audit(0.0, (0.2,), seed=4)[0]
    assert clean.n_flipped == 0 and np.isnan(clean.recall) and clean.precision == 0


@pytest.mark.parametrize("call, name", [
    (lambda: ds.out_of_fold_probabilities([[0.0, 1.0]] * 10, [0, 1] * 5, n_folds=1), "n_folds"),
    (lambda: ds.out_of_fold_probabilities([[0.0, 1.0]] * 10, [0, 1] * 4), "y"),
    (lambda: ds.out_of_fold_probabilities("rows", [0, 1]), "X"),
    (lambda: ds.out_of_fold_probabilities([[0.0, 1.0]] * 10, [0] * 9 + [1]), "y"),
    (lambda: ds.find_label_issues([[0.5, 0.5]], [2]), "given_labels"),
    (lambda: ds.find_label_issues([[0.5, 0.5]], [0], 0.0), "threshold"),
    (lambda: ds.find_label_issues([[0.5, 1.5]], [0]), "probabilities"),
    (lambda: ds.find_label_issues([0.5, 0.5], [0]), "probabilities"),
    (lambda: ds.find_label_issues([["a", "b"]], [0]), "probabilities"),
    (lambda: ds.simulate_label_audit(1.5), "noise_rate"),
    (lambda: ds.simulate_label_audit(0.1, "0.2"), "thresholds"),
    (lambda: ds.simulate_label_audit(0.1, (0.2, 2.0)), "thresholds"),
    (lambda: ds.simulate_label_audit(0.1, n_samples=10), "n_samples"),
])
def test_label_audit_functions_reject_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


# --- Correcting label shift ------------------------------------------------------------------

def test_self_confidence_agrees_with_the_audit_and_separates_flipped_labels():
    confidence, flipped = ds.self_confidence(0.1)
    assert np.median(confidence[flipped]) < 0.3 < 0.8 < np.median(confidence[~flipped])
    for threshold in (0.1, 0.5):
        (audit,) = ds.simulate_label_audit(0.1, (threshold,))
        flags = confidence < threshold
        assert flags.sum() == audit.n_flagged
        assert (flags & flipped).sum() / flipped.sum() == pytest.approx(audit.recall)
    confidence[:] = 0                                  # a private copy: the cache is untouched
    assert ds.self_confidence(0.1)[0].max() > 0.5


def test_audit_explorer_titles_say_what_the_threshold_flags():
    fig = ds.plot_label_audit(0.1, 0.2)
    (audit,) = ds.simulate_label_audit(0.1, (0.2,))
    assert fig.get_suptitle() == (f"10% of labels flipped, threshold 0.2: precision "
                                  f"{audit.precision:.0%}, recall {audit.recall:.0%}")
    plt.close(fig)


@pytest.mark.parametrize("call, name", [
    (lambda: ds.self_confidence(1.5), "noise_rate"),
    (lambda: ds.self_confidence(0.1, n_samples=10), "n_samples"),
    (lambda: ds.self_confidence(0.1, seed=-1), "seed"),
    (lambda: ds.plot_label_audit(0.1, 0.0), "threshold"),
    (lambda: ds.plot_label_audit(0.1, "a"), "threshold"),
])
def test_self_confidence_and_audit_plot_reject_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


def test_adjust_to_prior_is_bayes_rule():
    p = np.array([0.1, 0.5, 0.9])
    assert np.allclose(ds.adjust_to_prior(p, 0.3, 0.3), p)            # same prior: unchanged
    odds = ds.adjust_to_prior(p, 0.5, 0.8) / (1 - ds.adjust_to_prior(p, 0.5, 0.8))
    assert np.allclose(odds, p / (1 - p) * 4)                          # odds times 0.8/0.2
    assert np.allclose(ds.adjust_to_prior(ds.adjust_to_prior(p, 0.5, 0.8), 0.8, 0.5), p)


def test_em_recovers_the_prior_of_an_exact_label_shift_mixture():
    # Two known classes, N(+1, 1) and N(-1, 1), trained at prior 0.5: the true posterior is
    # logistic in 2x. A window drawn at prior 0.2 must give back about 0.2.
    rng = np.random.default_rng(0)
    y = rng.random(20_000) < 0.2
    x = rng.normal(np.where(y, 1.0, -1.0), 1.0)
    p = 1 / (1 + np.exp(-2 * x))
    estimate, history = ds.estimate_prior_em(p, 0.5)
    assert abs(estimate - 0.2) < 0.01
    assert history[0] == 0.5 and abs(history[1] - p.mean()) < 1e-12
    assert all(a >= b for a, b in zip(history, history[1:]))           # monotone towards 0.2
    assert ds.estimate_prior_em(p, 0.5, max_iter=1)[1] == history[:2]


def test_prior_correction_beats_the_deployed_model_without_labels():
    result = ds.simulate_prior_correction(0.8, seed=5)
    assert abs(result.estimate - 0.8) < abs(result.mean_prediction - 0.8)
    assert result.accuracy[1] > result.accuracy[0] and result.log_loss[1] < result.log_loss[0]
    low = ds.simulate_prior_correction(0.2, seed=5)
    assert low.estimate < low.mean_prediction < low.train_prior


@pytest.mark.parametrize("call, name", [
    (lambda: ds.adjust_to_prior([0.5, 1.2], 0.5, 0.5), "probabilities"),
    (lambda: ds.adjust_to_prior([0.5], 0.0, 0.5), "train_prior"),
    (lambda: ds.adjust_to_prior([0.5], 0.5, 1.5), "new_prior"),
    (lambda: ds.estimate_prior_em([0.5], 1.0), "train_prior"),
    (lambda: ds.estimate_prior_em([0.5], 0.5, max_iter=0), "max_iter"),
    (lambda: ds.estimate_prior_em([0.5], 0.5, tol=0), "tol"),
    (lambda: ds.estimate_prior_em("0.5", 0.5), "probabilities"),
    (lambda: ds.simulate_prior_correction(1.0), "positive_rate"),
    (lambda: ds.simulate_prior_correction(0.5, n_production=5), "n_production"),
    (lambda: ds.simulate_prior_correction(0.5, seed=-1), "seed"),
])
def test_prior_functions_reject_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


# --- Late and sparse labels ------------------------------------------------------------------

def test_accuracy_margin_covers_the_simulated_accuracy_95_times_in_100():
    rng = np.random.default_rng(1)
    measured = rng.binomial(400, 0.9, size=20_000) / 400
    margin = ds.accuracy_margin(0.9, 400)
    assert 0.93 < np.mean(np.abs(measured - 0.9) <= margin) < 0.97
    assert margin == pytest.approx(stats.norm.ppf(0.975) * np.sqrt(0.09 / 400))
    assert ds.accuracy_margin(0.9, 100, confidence=0.5) < ds.accuracy_margin(0.9, 100)


@pytest.mark.parametrize("call, name", [
    (lambda: ds.accuracy_margin(1.2, 100), "accuracy"),
    (lambda: ds.accuracy_margin(0.9, 0), "n_labels"),
    (lambda: ds.accuracy_margin(0.9, 10.5), "n_labels"),
    (lambda: ds.accuracy_margin(0.9, 100, confidence=1.0), "confidence"),
])
def test_accuracy_margin_rejects_bad_input(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


# --- Explorers that update in place: messy features, label noise, label audit, imbalance ------

from updates import updates_match  # noqa: E402
from mlsys import drawing  # noqa: E402


def test_the_messy_data_explorer_updates_in_place_as_a_new_figure_draws():
    # The grid's corners and middle, walked as its sliders would, through each height of the
    # axis and the live slider's rows beyond the edge (outliers at 1%), back to the start.
    points = [{"corruption": c, "rate": r} for c, r in [
        ("missing", 0.1), ("missing", 0.0), ("outliers", 0.01), ("outliers", 0.4),
        ("noise", 0.4), ("outliers", 0.05), ("missing", 0.4), ("missing", 0.1)]]
    assert updates_match(ds.plot_messy_data, points) == []


def test_the_label_noise_explorer_updates_in_place_as_a_new_figure_draws():
    points = [{"flip_positive": p, "flip_negative": n} for p, n in [
        (0.3, 0.0), (0.0, 0.0), (0.4, 0.4), (0.0, 0.4), (0.4, 0.0), (0.45, 0.0), (0.3, 0.0)]]
    assert updates_match(ds.plot_label_noise, points) == []


def test_the_label_audit_explorer_updates_in_place_as_a_new_figure_draws():
    # The grid's corners, then the live slider's ends (0.02 and 0.9), back to the start.
    points = [{"noise_rate": r, "threshold": t} for r, t in [
        (0.1, 0.2), (0.05, 0.1), (0.3, 0.5), (0.3, 0.1), (0.05, 0.5), (0.1, 0.02), (0.1, 0.9),
        (0.1, 0.2)]]
    assert updates_match(ds.plot_label_audit, points) == []


def test_the_imbalance_explorer_updates_in_place_as_a_new_figure_draws():
    points = [{"positive_rate": p, "threshold": t} for p, t in [
        (0.02, 0.5), (0.5, 0.1), (0.05, 0.3), (0.02, 0.1), (0.5, 0.5), (0.01, 0.95),
        (0.02, 0.5)]]
    assert updates_match(ds.plot_imbalance, points) == []


def test_moving_the_audit_threshold_does_not_run_the_audit_again(monkeypatch):
    fits = []
    real = ds.out_of_fold_probabilities
    monkeypatch.setattr(ds, "out_of_fold_probabilities",
                        lambda *args, **kwargs: fits.append(1) or real(*args, **kwargs))
    drawing.clear_caches()
    fig = ds.plot_label_audit(0.1, 0.2)
    for threshold in (0.02, 0.5, 0.9, 0.2):
        assert ds.plot_label_audit(0.1, threshold, figure=fig) is fig
    assert len(fits) == 1
    ds.plot_label_audit(0.2, 0.2, figure=fig)  # another flip rate is another audit
    assert len(fits) == 2
    drawing.clear_caches()


def _stairs_peak(fig):
    return max(float(np.max(artist.get_data().values)) for ax in fig.axes
               for artist in ax.patches if hasattr(artist, "get_data"))


@pytest.mark.parametrize("plot, points", [
    (ds.plot_messy_data, [(c, r) for c in ds.CORRUPTIONS for r in ds.MESSY_RATES]
     + [("outliers", r / 100) for r in range(0, 51, 3)]),
    (ds.plot_label_noise, [(p, n) for p in ds.CLASS_FLIP_RATES for n in ds.CLASS_FLIP_RATES]
     + [(p / 100, 0.0) for p in range(0, 46, 5)]),
    (ds.plot_label_audit, [(r, 0.2) for r in ds.AUDIT_NOISE_RATES]),
])
def test_the_fixed_limits_show_every_histogram_bin_whole(plot, points):
    # The limits are fixed so that the layout holds; they must still fit every explorer's bins.
    fig = None
    for args in points:
        fig = plot(*args, figure=fig)
        for ax in fig.axes:
            top = ax.get_ylim()[1]
            bins = [a for a in ax.patches if hasattr(a, "get_data")]
            assert all(np.max(b.get_data().values) < top for b in bins), (args, top)
    assert _stairs_peak(fig) > 0


def test_the_explorer_figures_refuse_a_figure_another_function_drew():
    fig = ds.plot_imbalance(0.05, 0.5)
    with pytest.raises(ValueError, match="plot_label_noise"):
        ds.plot_label_noise(0.1, 0.0, figure=fig)
    with pytest.raises(TypeError, match="figure"):
        ds.plot_messy_data("missing", 0.1, figure="not a figure")
    # The arguments are checked before any figure is touched.
    with pytest.raises(ValueError, match="threshold"):
        ds.plot_label_audit(0.1, 0.0, figure=fig)


# --- Explorers that update in place: shift, detection, retraining -----------------------------

import updates  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402

from mlsys import drawing as shared_caches  # noqa: E402


def test_the_shift_explorer_updates_in_place_as_a_new_figure_draws():
    # The grid's corners and middle, walked as its sliders would (the kind changes the curves
    # and the axis label), then the live slider's steps between grid points, back to the start.
    points = [{"kind": k, "severity": s} for k, s in [
        ("covariate", 0.6), ("covariate", 0.0), ("label", 1.0), ("concept", 1.0),
        ("concept", 0.35), ("concept", 0.05), ("label", 0.6), ("covariate", 0.6)]]
    assert updates.updates_match(ds.plot_shift, points) == []


def test_the_detection_explorer_updates_in_place_as_a_new_figure_draws():
    # Grid corners and the live sliders' ends (20 rows raises the density axis), back to start.
    points = [{"shift_sd": s, "window_size": n} for s, n in [
        (0.2, 200), (0.0, 50), (0.5, 5_000), (0.35, 20), (0.0, 1_000), (0.5, 50), (1.0, 730),
        (0.2, 200)]]
    assert updates.updates_match(ds.plot_detection, points) == []


def test_the_retraining_explorer_updates_in_place_as_a_new_figure_draws():
    # Each schedule, "never" (whose legend has no retrain entry) between others, each change.
    points = [{"schedule": s, "sudden_change": c} for s, c in [
        ("on alarm", "mean and rule"), ("never", "mean and rule"), ("every 1", "rule only"),
        ("every 20", "mean only"), ("never", "rule only"), ("every 5", "mean and rule"),
        ("every 10", "rule only"), ("on alarm", "mean and rule")]]
    assert updates.updates_match(ds.plot_retraining, points) == []


def test_the_live_retraining_explorer_updates_in_place_as_a_new_figure_draws():
    points = [{"every": k} for k in (10, 1, 30, 13, 2, 10)]
    assert updates.updates_match(ds.plot_retraining_every, points,
                                 sudden_change="rule only") == []


def test_the_live_retraining_explorer_draws_the_schedule_every_k():
    fig = ds.plot_retraining_every(7, "rule only")
    assert fig.axes[0].get_title(loc="left") == ds.plot_retraining(
        "every 7", "rule only").axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="every"):
        ds.plot_retraining_every(0)
    with pytest.raises(ValueError, match="sudden_change"):
        ds.plot_retraining_every(3, "everything")


def test_the_detection_histograms_fit_their_fixed_heights():
    # The density axis takes a few fixed heights: each must show every window's peak whole.
    fig = None
    for window_size in (20, 30, 50, 100, 200, 1_000, 5_000):
        for shift_sd in (0.0, 0.35, 1.0):
            fig = ds.plot_detection(shift_sd, window_size, figure=fig)
            left = fig.axes[0]
            peak = max(p.get_xy()[:, 1].max() for p in left.patches)
            assert 0 < peak < left.get_ylim()[1] <= 3.6, (shift_sd, window_size)


def _plain_retraining(policy, every, alpha, config, seed):
    # simulate_retraining as first written: a model fitted at each retrain, KS tests on the
    # raw windows, for the shared fits and cached p-values to be checked against.
    periods = ds.make_stream(config, seed=seed)
    X_train, y_train = periods[0]
    model = LogisticRegression().fit(X_train, y_train)
    accuracy, retrained = [], []
    for t, (X, y) in enumerate(periods[1:], start=1):
        accuracy.append(float(np.mean(model.predict(X) == y)))
        if policy == "periodic":
            retrain = t % every == 0
        elif policy == "on_alarm":
            retrain = min(stats.ks_2samp(X_train[:, j], X[:, j]).pvalue for j in range(2)) \
                < alpha / 2
        else:
            retrain = False
        if retrain:
            X_train, y_train = X, y
            model = LogisticRegression().fit(X_train, y_train)
            retrained.append(t)
    return accuracy, tuple(retrained)


@pytest.mark.parametrize("policy, every, alpha", [
    ("never", None, 0.01), ("periodic", 1, 0.01), ("periodic", 4, 0.01),
    ("on_alarm", None, 0.01), ("on_alarm", None, 0.2)])
def test_retraining_with_shared_fits_gives_the_plain_loop_numbers(policy, every, alpha):
    config = ds.StreamConfig(n_periods=20, jump_period=10)
    for seed in (0, 3):
        result = ds.simulate_retraining(policy, every=every, alpha=alpha, config=config,
                                        seed=seed)
        accuracy, retrained = _plain_retraining(policy, every, alpha, config, seed)
        assert result.accuracy.tolist() == accuracy and result.retrain_periods == retrained


def test_retraining_fits_each_period_model_once_for_every_schedule(monkeypatch):
    fits = []

    class Counted(LogisticRegression):
        def fit(self, X, y):
            fits.append(1)
            return super().fit(X, y)

    monkeypatch.setattr(ds, "LogisticRegression", Counted)
    shared_caches.clear_caches()
    config = ds.StreamConfig(n_periods=20, jump_period=10)
    ds.simulate_retraining("periodic", every=1, config=config)
    # Period 0's model and those fitted after periods 1-18 (the last retrain serves nothing).
    assert len(fits) == 19
    for every in (2, 5, 18):
        ds.simulate_retraining("periodic", every=every, config=config)
    ds.simulate_retraining("on_alarm", config=config)
    assert len(fits) == 19
    shared_caches.clear_caches()


def test_moving_the_shift_slider_reuses_the_window_pairs(monkeypatch):
    shared_caches.clear_caches()
    ds.plot_detection(0.2, 300)
    draws = []
    real = ds._rng
    monkeypatch.setattr(ds, "_rng", lambda seed: draws.append(seed) or real(seed))
    fig = ds.plot_detection(0.25, 300)  # a shift between the curve's points: the same pairs
    assert draws == [0]  # only the left panel's new pair of windows is drawn
    assert "shift 0.25 sd" in fig.axes[1].get_title(loc="left")
