"""Tests of mlsys.when_to_use: data, rule and model, learning curves, drift, costs, checklist."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlsys.when_to_use import (  # noqa: E402
    CRITERIA,
    CRITERION_KEYS,
    MATCH_MARGIN,
    USE_CASES,
    CostAssumptions,
    UseCase,
    INTENTS,
    REFUND_WINDOW_DAYS,
    answer_question,
    assess_use_case,
    choose_rule_or_model,
    classify_with_keywords,
    compare_memory_and_learning,
    evaluate_question_classifier,
    make_support_questions,
    compare_rule_and_model,
    compute_accuracy_interval,
    compute_rule_accuracy,
    compute_yearly_costs_usd,
    estimate_expected_accuracy,
    find_break_even_volume,
    find_confident_volume,
    assess_ticket_routing,
    plot_costly_mistakes,
    plot_routing_checklist,
    simulate_yearly_savings_usd,
    COMPUTED_CRITERIA,
    SCALE_PER_DAY,
    make_drifting_stream,
    make_live_checklist,
    make_model,
    make_pattern_data,
    plot_break_even,
    plot_drift,
    plot_learning_curve,
    plot_rule_vs_model,
    predict_with_rule,
    render_verdict_html,
    simulate_drift,
    simulate_learning_curve,
)
from mlsys.when_to_use import _fit_linear, _fit_linear_batch, _points  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def all_favourable():
    answers = dict.fromkeys(CRITERION_KEYS, True)
    answers.update(unethical=False, simpler_works=False, not_cost_effective=False)
    return answers


# --- Data, rule and model --------------------------------------------------------------------

def test_pattern_data_shapes_and_seeding():
    X, y = make_pattern_data(500, complexity=2, seed=3)
    assert X.shape == (500, 2) and y.shape == (500,)
    assert set(np.unique(y)) <= {0, 1} and X.min() >= -1 and X.max() <= 1
    X2, y2 = make_pattern_data(500, complexity=2, seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    assert not np.array_equal(make_pattern_data(500, complexity=2, seed=4)[0], X)


def test_noiseless_complexity_zero_is_the_rule():
    X, y = make_pattern_data(2_000, complexity=0, label_noise=0.0, seed=0)
    assert np.array_equal(predict_with_rule(X), y)


def test_label_noise_flips_the_stated_share_of_labels():
    X, clean = make_pattern_data(40_000, complexity=3, label_noise=0.0, seed=5)
    _, noisy = make_pattern_data(40_000, complexity=3, label_noise=0.2, seed=5)
    # Same seed, same features: the only difference is the flips (binomial sd ~0.002).
    assert np.array_equal(X, make_pattern_data(40_000, complexity=3, label_noise=0.2, seed=5)[0])
    assert np.mean(clean != noisy) == pytest.approx(0.2, abs=0.01)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_samples=0, complexity=1), ValueError, "n_samples"),
    (dict(n_samples=10.5, complexity=1), TypeError, "n_samples"),
    (dict(n_samples=10, complexity=7), ValueError, "complexity"),
    (dict(n_samples=10, complexity="2"), TypeError, "complexity"),
    (dict(n_samples=10, complexity=1, label_noise=0.5), ValueError, "label_noise"),
    (dict(n_samples=10, complexity=1, seed=-1), ValueError, "seed"),
])
def test_pattern_data_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_pattern_data(**kwargs)


def test_rule_thresholds_feature_two_and_checks_its_input():
    assert predict_with_rule([[0.9, 0.1], [-0.9, -0.1]]).tolist() == [1, 0]
    assert predict_with_rule([[0.0, 0.3]], threshold=0.5).tolist() == [0]
    with pytest.raises(ValueError, match="X"):
        predict_with_rule([1.0, 2.0])
    with pytest.raises(ValueError, match="X"):
        predict_with_rule(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="threshold"):
        predict_with_rule([[0, 0]], threshold=2)
    with pytest.raises(TypeError, match="X"):
        predict_with_rule([["a", "b"]])


@pytest.mark.parametrize("complexity", [0, 1, 2.5, 4, 6])
@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_rule_accuracy_closed_form_agrees_with_simulation(complexity, noise):
    X, y = make_pattern_data(200_000, complexity, label_noise=noise, seed=1)
    simulated = np.mean(predict_with_rule(X) == y)
    assert simulated == pytest.approx(compute_rule_accuracy(complexity, noise), abs=0.004)


@pytest.mark.parametrize("complexity", [1, 3])
@pytest.mark.parametrize("noise", [0.05, 0.2])
def test_label_noise_shrinks_accuracy_to_e_plus_one_minus_two_e_times_true(complexity, noise):
    # Scored on noisy labels, a predictor right on a fraction a of the true ones gets
    # e + (1 - 2e) a in expectation: here the rule and a tree, on 200,000 examples.
    X, true = make_pattern_data(200_000, complexity, label_noise=0.0, seed=4)
    _, noisy = make_pattern_data(200_000, complexity, label_noise=noise, seed=4)
    tree = make_model().fit(*make_pattern_data(2_000, complexity, label_noise=noise, seed=5))
    for predicted in (predict_with_rule(X), tree.predict(X)):
        a = np.mean(predicted == true)
        assert np.mean(predicted == noisy) == pytest.approx(noise + (1 - 2 * noise) * a,
                                                            abs=0.004)


def test_accuracy_interval_is_the_binomial_one():
    assert compute_accuracy_interval(0.95, 4_000) == pytest.approx(0.00675, abs=1e-5)
    assert compute_accuracy_interval(0.82, 4_000) == pytest.approx(0.0119, abs=1e-4)
    assert compute_accuracy_interval(0.9, 1_000) == pytest.approx(0.0186, abs=1e-4)
    assert compute_accuracy_interval(1.0, 10) == 0.0
    # 95% of simulated measurements fall inside it (binomial sd of the share: 0.002).
    rng = np.random.default_rng(0)
    measured = rng.binomial(4_000, 0.82, size=20_000) / 4_000
    inside = np.mean(np.abs(measured - 0.82) <= compute_accuracy_interval(0.82, 4_000))
    assert inside == pytest.approx(0.95, abs=0.01)


def test_accuracy_interval_rejects_bad_arguments():
    with pytest.raises(ValueError, match="accuracy"):
        compute_accuracy_interval(1.2, 100)
    with pytest.raises(ValueError, match="n_examples"):
        compute_accuracy_interval(0.9, 0)
    with pytest.raises(TypeError, match="n_examples"):
        compute_accuracy_interval(0.9, 10.5)


def test_a_gap_in_points_agrees_with_its_noun():
    assert _points(0.01) == "1 point" and _points(0.12) == "12 points"


def test_rule_accuracy_rejects_bad_arguments():
    with pytest.raises(ValueError, match="complexity"):
        compute_rule_accuracy(-1)
    with pytest.raises(ValueError, match="label_noise"):
        compute_rule_accuracy(1, label_noise=-0.1)


def test_model_is_a_regularised_tree():
    model = make_model(seed=3)
    assert model.min_samples_leaf == 10 and model.random_state == 3
    with pytest.raises(ValueError, match="seed"):
        make_model(seed=-2)


def test_choose_rule_or_model_prefers_the_rule_within_the_margin():
    assert choose_rule_or_model(0.90, 0.90 + MATCH_MARGIN) == "rule"
    assert choose_rule_or_model(0.90, 0.93) == "model"
    assert choose_rule_or_model(0.95, 0.80) == "rule"
    assert choose_rule_or_model(0.90, 0.93, margin=0.05) == "rule"
    with pytest.raises(ValueError, match="model_accuracy"):
        choose_rule_or_model(0.9, 1.2)
    with pytest.raises(TypeError, match="rule_accuracy"):
        choose_rule_or_model("0.9", 0.9)


def test_rule_is_as_good_on_a_simple_pattern_and_worse_on_a_complex_one():
    simple = compare_rule_and_model(0, 2_000, seed=0)
    assert simple.X_train.shape == (2_000, 2) and simple.y_train.shape == (2_000,)
    assert simple.model.score(simple.X_train, simple.y_train) > 0.9  # it learned these
    assert simple.winner == "rule"
    assert abs(simple.model_accuracy - simple.rule_accuracy) <= MATCH_MARGIN
    complex_ = compare_rule_and_model(5, 2_000, seed=0)
    assert complex_.winner == "model"
    assert complex_.model_accuracy - complex_.rule_accuracy > 0.1


def test_rule_beats_the_model_with_tiny_data():
    # With fewer examples than a leaf needs, the tree cannot split: it guesses one class.
    for seed in range(3):
        tiny = compare_rule_and_model(3, n_train=15, seed=seed)
        assert tiny.rule_accuracy > tiny.model_accuracy + 0.2


def test_compare_rejects_bad_arguments():
    with pytest.raises(ValueError, match="n_train"):
        compare_rule_and_model(1, 0)
    with pytest.raises(ValueError, match="n_test"):
        compare_rule_and_model(1, 10, n_test=0)


# --- Learning curve --------------------------------------------------------------------------

def test_learning_curve_shapes_and_growth():
    curve = simulate_learning_curve(3, train_sizes=(10, 100, 2_000), repeats=3, seed=1)
    assert curve.model_accuracy.shape == (3, 3)
    assert curve.train_sizes.tolist() == [10, 100, 2_000]
    mean = curve.mean_model_accuracy
    assert mean[0] == pytest.approx(0.5, abs=0.05)  # no split possible: one class for all
    assert mean[0] < curve.rule_accuracy < mean[-1]
    assert curve.smallest_size_beating_rule() == 2_000


def test_more_data_never_beats_the_rule_on_the_rules_own_pattern():
    curve = simulate_learning_curve(0, repeats=2, seed=0)
    assert curve.smallest_size_beating_rule() is None
    assert curve.rule_accuracy == pytest.approx(compute_rule_accuracy(0), abs=0.015)


def test_smallest_size_depends_on_the_margin():
    curve = simulate_learning_curve(3, train_sizes=(20, 200, 500, 5_000), repeats=5, seed=0)
    assert curve.smallest_size_beating_rule(0.0) <= curve.smallest_size_beating_rule(0.02)
    with pytest.raises(ValueError, match="margin"):
        curve.smallest_size_beating_rule(-0.1)


@pytest.mark.parametrize("sizes, error", [
    ((), TypeError), ("10, 20", TypeError), ((100, 10), ValueError), ((0, 10), ValueError),
])
def test_learning_curve_rejects_bad_sizes(sizes, error):
    with pytest.raises(error, match="train_sizes"):
        simulate_learning_curve(1, train_sizes=sizes)


def test_learning_curve_rejects_bad_repeats():
    with pytest.raises(ValueError, match="repeats"):
        simulate_learning_curve(1, repeats=0)


# --- Drift -----------------------------------------------------------------------------------

def test_drifting_stream_turns_the_boundary_by_the_stated_angle():
    stream = make_drifting_stream(n_weeks=9, n_per_week=50_000, drift_deg_per_week=10,
                                  label_noise=0.0, seed=0)
    assert stream.angle_deg.tolist() == list(range(0, 100, 10))
    X, y = stream.X[9], stream.y[9]
    assert np.array_equal(y, (-X[:, 0] > 0).astype(int))  # at 90 degrees: x0 < 0 means 1
    assert np.array_equal(stream.y[0], predict_with_rule(stream.X[0]))


def test_frozen_rule_decays_as_theory_says():
    # On the square, the wedge between the launch line and the line turned by theta (<= 45 deg)
    # covers tan(theta) / 4 of the area; the rule is wrong there (then noise flips labels).
    run = simulate_drift(1.0, 4, n_weeks=45, n_per_week=20_000, label_noise=0.05, seed=2)
    wrong = np.tan(np.deg2rad(run.weeks * 1.0)) / 4
    theory = (1 - wrong) * 0.95 + wrong * 0.05
    assert np.max(np.abs(run.rule_accuracy - theory)) < 0.01


def test_retrained_model_beats_frozen_ones_after_drift():
    run = simulate_drift(1.5, 4, seed=0)
    late = run.weeks > 26
    assert run.retrained_accuracy[late].mean() > run.frozen_accuracy[late].mean() + 0.2
    assert run.retrained_accuracy[late].mean() > run.rule_accuracy[late].mean() + 0.2
    # A frozen model is a learned rule: it decays like the written one.
    assert abs(run.frozen_accuracy[late].mean() - run.rule_accuracy[late].mean()) < 0.03


def test_without_drift_retraining_buys_nothing():
    run = simulate_drift(0.0, 1, seed=0)
    assert abs(run.retrained_accuracy.mean() - run.frozen_accuracy.mean()) < 0.01


def test_batch_fit_is_the_models_own_fit():
    stream = make_drifting_stream(n_weeks=5, n_per_week=1_000, drift_deg_per_week=3, seed=1)
    batch = _fit_linear_batch(stream.X, stream.y.astype(float))
    for week in range(6):
        model = _fit_linear(stream.X[week], stream.y[week])
        one = np.r_[model.coef_[0], model.intercept_]
        assert np.allclose(batch[week], one, atol=1e-3)  # liblinear stops at its tolerance


def test_expected_accuracy_without_drift_is_what_a_fitted_line_scores():
    # No drift: the model trained on one week of 1,000 examples is nearly the true line, so
    # every week is expected a little under the 95% ceiling, and retraining changes nothing.
    never = estimate_expected_accuracy(0.0, 52, n_runs=5)
    weekly = estimate_expected_accuracy(0.0, 1, n_runs=5)
    assert never.shape == (52,) and np.all((never > 0.93) & (never < 0.95))
    assert np.allclose(never, never[0])  # one model all year
    assert abs(weekly.mean() - never.mean()) < 0.003


def test_expected_accuracy_is_the_mean_of_measured_weeks():
    # Averaged over many simulated years, the measured weekly accuracy of simulate_drift
    # converges on the expected one (the measured mean over 40 years has sd ~0.15 points).
    measured = np.mean([simulate_drift(1.5, 8, seed=seed).retrained_accuracy
                        for seed in range(40)], axis=0)
    expected = estimate_expected_accuracy(1.5, 8, n_runs=40, seed=99)
    assert np.max(np.abs(measured - expected)) < 0.008
    assert abs(measured.mean() - expected.mean()) < 0.002


def test_expected_accuracy_decays_between_retrainings_and_with_the_interval():
    expected = estimate_expected_accuracy(1.5, 13, n_runs=5)
    assert expected[12] < expected[0] and expected[13] > expected[12]  # retrained at week 14
    worst = [estimate_expected_accuracy(1.5, every, n_runs=5).min() for every in (1, 4, 13)]
    assert worst[0] > worst[1] > worst[2]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(drift_deg_per_week=-1, retrain_every_weeks=2), ValueError, "drift_deg_per_week"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=53), ValueError, "retrain_every_weeks"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=2, n_runs=0), ValueError, "n_runs"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=2, window_weeks=0), ValueError,
     "window_weeks"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=2, label_noise=0.6), ValueError,
     "label_noise"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=2, seed=-1), ValueError, "seed"),
])
def test_expected_accuracy_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        estimate_expected_accuracy(**kwargs)


def test_retraining_schedule():
    run = simulate_drift(1.0, 4, n_weeks=20, n_per_week=200)
    assert run.retrain_weeks.tolist() == [5, 9, 13, 17]
    assert run.n_retrains == 4 and run.weeks.tolist() == list(range(1, 21))
    assert simulate_drift(1.0, 20, n_weeks=20, n_per_week=200).n_retrains == 0


def test_more_frequent_retraining_keeps_the_worst_week_higher():
    worst = [simulate_drift(1.5, every, seed=0).retrained_accuracy.min() for every in (1, 8, 26)]
    assert worst[0] > worst[1] > worst[2]


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(drift_deg_per_week=-1, retrain_every_weeks=2), ValueError, "drift_deg_per_week"),
    (dict(drift_deg_per_week=30, retrain_every_weeks=2), ValueError, "drift_deg_per_week"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=0), ValueError, "retrain_every_weeks"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=60), ValueError, "retrain_every_weeks"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=2.5), TypeError, "retrain_every_weeks"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=2, window_weeks=0), ValueError,
     "window_weeks"),
    (dict(drift_deg_per_week=1, retrain_every_weeks=2, n_per_week=0), ValueError, "n_per_week"),
])
def test_drift_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        simulate_drift(**kwargs)


# --- Costs -----------------------------------------------------------------------------------

def test_yearly_costs_are_straight_lines_in_the_volume():
    a = CostAssumptions()
    assert compute_yearly_costs_usd(0, a) == (a.rule_fixed_cost_usd, a.model_fixed_cost_usd)
    rule, model = compute_yearly_costs_usd([0, 1e6, 2e6], a)
    assert np.allclose(np.diff(rule), np.diff(rule)[0]) and np.allclose(np.diff(model),
                                                                         np.diff(model)[0])
    assert rule[1] == pytest.approx(20_000 + 1e6 * 0.18)


@pytest.mark.parametrize("assumptions", [
    CostAssumptions(),
    CostAssumptions(cost_per_error_usd=0.05, model_fixed_cost_usd=1e6),
    CostAssumptions(cost_per_error_usd=30, rule_error_rate=0.3, model_error_rate=0.29,
                    rule_fixed_cost_usd=0, model_cost_per_prediction_usd=0.002),
])
def test_break_even_formula_matches_a_brute_force_scan(assumptions):
    volumes = np.geomspace(1, 1e12, 400_001)
    rule, model = compute_yearly_costs_usd(volumes, assumptions)
    scanned = volumes[np.argmax(model < rule)]
    assert find_break_even_volume(assumptions) == pytest.approx(scanned, rel=1e-4)


def test_break_even_edge_cases():
    assert find_break_even_volume(CostAssumptions(model_error_rate=0.18)) == math.inf
    assert find_break_even_volume(CostAssumptions(cost_per_error_usd=0.001)) == math.inf
    assert find_break_even_volume(CostAssumptions(model_fixed_cost_usd=10_000)) == 0.0


def test_costs_reject_bad_arguments():
    with pytest.raises(ValueError, match="cost_per_error_usd"):
        CostAssumptions(cost_per_error_usd=-1)
    with pytest.raises(ValueError, match="model_error_rate"):
        CostAssumptions(model_error_rate=1.5)
    with pytest.raises(TypeError, match="rule_fixed_cost_usd"):
        CostAssumptions(rule_fixed_cost_usd="10k")
    with pytest.raises(ValueError, match="volume_per_year"):
        compute_yearly_costs_usd(-5)
    with pytest.raises(ValueError, match="volume_per_year"):
        compute_yearly_costs_usd([1, np.nan])
    with pytest.raises(TypeError, match="assumptions"):
        find_break_even_volume({"cost_per_error_usd": 1})


# --- Figures ---------------------------------------------------------------------------------

def test_plots_return_figures_whose_titles_state_the_point():
    fig = plot_rule_vs_model(5, 1_000)
    assert isinstance(fig, Figure) and "the model is better" in fig.get_suptitle()
    assert "too little to learn from" in plot_rule_vs_model(3, 30).get_suptitle()
    title = plot_learning_curve(0, repeats=1, train_sizes=(10, 1_000)).axes[0].get_title(
        loc="left")
    assert title.endswith("the model never beats the rule")
    drift_title = plot_drift(1.0, 13, n_weeks=26, n_per_week=200).axes[0].get_title(loc="left")
    assert "worst week is expected at" in drift_title and "below the 90% target" in drift_title
    assert "above the 80% target" in plot_drift(0.0, 4, n_weeks=8, n_per_week=200,
                                                target=0.8).axes[0].get_title(loc="left")
    assert "never pays" in plot_break_even(0.001).axes[0].get_title(loc="left")
    assert "2.25 million" in plot_break_even().axes[0].get_title(loc="left")


def test_figure_texts_pluralise_their_counts():
    once = plot_drift(1.0, 26)  # retrained before week 27 only
    labels = once.axes[0].get_legend_handles_labels()[1]
    assert any("(1 time)" in label for label in labels)
    assert not any("1 times" in label for label in labels)
    curve = plot_learning_curve(3, repeats=1, train_sizes=(10, 1_000))
    assert "model, range of 1 repeat" in curve.axes[0].get_legend_handles_labels()[1]
    tiny = plot_rule_vs_model(1, 1)
    assert tiny.axes[0].get_title(loc="left") == "1 training example"
    assert tiny.axes[1].get_title(loc="left") == "accuracy on new data (1 example)"


def test_plots_reject_bad_arguments():
    with pytest.raises(ValueError, match="complexity"):
        plot_rule_vs_model(9, 100)
    with pytest.raises(ValueError, match="cost_per_error_usd"):
        plot_break_even(-1)
    with pytest.raises(ValueError, match="target"):
        plot_drift(1.0, 4, target=1.5)
    with pytest.raises(TypeError):
        plot_break_even(1.0, 1e5, no_such_field=1)


# --- Checklist -------------------------------------------------------------------------------

def test_criteria_have_unique_keys_and_known_groups():
    assert len(set(CRITERION_KEYS)) == len(CRITERIA) == 13
    assert {c.group for c in CRITERIA} == {"needs", "shines", "stop"}


def test_every_use_case_answers_only_known_criteria_and_has_a_verdict():
    names = [case.name for case in USE_CASES]
    assert len(set(names)) == len(names) >= 20
    for case in USE_CASES:
        assert set(case.holds) <= set(CRITERION_KEYS), case.name
        assert set(case.notes) <= set(CRITERION_KEYS), case.name
        assert assess_use_case(case.answers).level in {"no", "weak", "fit", "strong"}


def test_the_wrong_tool_cases_are_refused_for_their_own_reasons():
    reasons = {case.name: {key for key, _ in assess_use_case(case.answers).reasons}
               for case in USE_CASES if assess_use_case(case.answers).level == "no"}
    assert reasons == {
        "Computing sales tax": {"simpler_works", "complex", "prediction"},
        "Predicting lottery numbers": {"pattern"},
        "Reading employees' messages": {"unethical"},
        "Forecasting a one-off merger": {"data", "same_patterns"},
        "Routing a small team's email": {"simpler_works", "not_cost_effective", "complex"},
    }


def test_verdict_levels_follow_the_shines_count():
    answers = all_favourable()
    assert assess_use_case(answers).level == "strong"
    answers.update(changing=False, scale=False)
    verdict = assess_use_case(answers)
    assert verdict.level == "fit" and {k for k, _ in verdict.reasons} == {"changing", "scale"}
    answers.update(repetitive=False, cheap_mistakes=False)
    assert assess_use_case(answers).level == "weak"
    assert assess_use_case({**answers, "unethical": True}).level == "no"


def test_complexity_is_not_blamed_when_there_is_no_pattern():
    verdict = assess_use_case({**all_favourable(), "pattern": False, "complex": False})
    assert [key for key, _ in verdict.reasons] == ["pattern"]


@pytest.mark.parametrize("answers, error, match", [
    ([True] * 13, TypeError, "answers"),
    ({**all_favourable(), "magic": True}, ValueError, "unknown"),
    ({k: v for k, v in all_favourable().items() if k != "data"}, ValueError, "missing"),
    ({**all_favourable(), "data": "yes"}, TypeError, "data"),
])
def test_assess_rejects_bad_answers(answers, error, match):
    with pytest.raises(error, match=match):
        assess_use_case(answers)


def test_verdict_html_escapes_text_and_marks_answers_by_symbol():
    case = UseCase("<script>", "a & b", frozenset(all_favourable()) - {"unethical",
                                                                       "simpler_works",
                                                                       "not_cost_effective"})
    text = render_verdict_html(case)
    assert "<script>" not in text and "&lt;script&gt;" in text and "a &amp; b" in text
    assert "ML is a strong fit" in text and "✓ no" in text  # "no" to an objection is in favour
    with pytest.raises(TypeError, match="use_case"):
        render_verdict_html("fraud")


# --- Costly mistakes: the yearly saving as a simulation ----------------------------------------

CHAPTER_COSTS = CostAssumptions(rule_error_rate=0.1875, model_error_rate=0.10125)


@pytest.mark.parametrize("costly_one_in", [1, 1_000, 100_000])
def test_simulated_savings_agree_with_the_expected_saving(costly_one_in):
    a = CHAPTER_COSTS
    volume = 10_000_000
    savings = simulate_yearly_savings_usd(volume, a, costly_one_in=costly_one_in,
                                          n_years=4_000, seed=3)
    expected = volume * a.saving_per_prediction_usd - (a.model_fixed_cost_usd
                                                       - a.rule_fixed_cost_usd)
    # Each year's cost of mistakes is a sum of Binomial(V, e) mistakes of which a share 1/k
    # costs k * c: its variance is c**2 * k * V * e * (1 - e / k) for each system.
    variance = a.cost_per_error_usd ** 2 * costly_one_in * volume * sum(
        e * (1 - e / costly_one_in) for e in (a.rule_error_rate, a.model_error_rate))
    assert abs(savings.mean() - expected) < 4 * math.sqrt(variance / savings.size)
    assert savings.std() == pytest.approx(math.sqrt(variance), rel=0.1)


def test_rarer_costlier_mistakes_push_the_confident_volume_up():
    break_even = find_break_even_volume(CHAPTER_COSTS)
    confident = [find_confident_volume(CHAPTER_COSTS, costly_one_in=k)
                 for k in (1, 10_000, 1_000_000)]
    assert break_even < confident[0] < 1.5 * break_even
    assert confident[0] < confident[1] < confident[2] and confident[2] > 20 * break_even
    never = CostAssumptions(rule_error_rate=0.1, model_error_rate=0.1)
    assert find_confident_volume(never) == math.inf
    assert simulate_yearly_savings_usd(0, CHAPTER_COSTS).max() == -180_000


def test_costly_mistakes_reject_bad_arguments():
    with pytest.raises(ValueError, match="costly_one_in"):
        simulate_yearly_savings_usd(1_000, costly_one_in=0.5)
    with pytest.raises(ValueError, match="volume_per_year"):
        simulate_yearly_savings_usd(-1)
    with pytest.raises(ValueError, match="n_years"):
        simulate_yearly_savings_usd(1_000, n_years=0)
    with pytest.raises(TypeError, match="assumptions"):
        simulate_yearly_savings_usd(1_000, {"cost_per_error_usd": 1})
    with pytest.raises(ValueError, match="share"):
        find_confident_volume(share=1)
    with pytest.raises(ValueError, match="costly_one_in"):
        plot_costly_mistakes(1_000, 0)


def test_costly_mistakes_figure_states_the_share_of_good_years():
    fig = plot_costly_mistakes(10_000_000, 1, **dict(rule_error_rate=0.1875,
                                                     model_error_rate=0.10125))
    assert fig.get_suptitle().endswith("the model is cheaper in 100% of years")
    labels = fig.axes[1].get_legend_handles_labels()[1]
    assert any(label.startswith("break-even on average: 2.09 million") for label in labels)
    rare = plot_costly_mistakes(3_000_000, 1_000_000, rule_error_rate=0.1875,
                                model_error_rate=0.10125).get_suptitle()
    assert "one mistake in 1,000,000 carries the cost" in rare
    share = int(rare.rsplit("in ", 1)[1].split("%")[0])
    assert 20 <= share <= 50


# --- The checklist answered by simulations: ticket routing -----------------------------------

def test_routing_verdict_flips_with_volume_and_complexity():
    level = {(per_day, c): assess_ticket_routing(per_day, c).verdict.level
             for per_day in (1, 10, 100, 1_000) for c in (0, 3)}
    assert {level[(d, 0)] for d in (1, 10, 100, 1_000)} == {"no"}
    assert [level[(d, 3)] for d in (1, 10, 100, 1_000)] == ["no", "no", "fit", "strong"]
    simple = assess_ticket_routing(1_000, 0)
    assert simple.answers["simpler_works"] and not simple.answers["complex"]
    assert simple.examples_needed is None and simple.break_even_per_year == math.inf


def test_routing_answers_follow_their_numbers():
    for per_day in (1, 100, 1_000):
        r = assess_ticket_routing(per_day, 3)
        assert r.labels_per_year == round(365 * per_day)
        assert r.answers["data"] == (r.labels_per_year >= r.examples_needed)
        assert r.answers["not_cost_effective"] == (r.labels_per_year <= r.break_even_per_year)
        assert r.answers["scale"] == (per_day >= SCALE_PER_DAY)
        others = set(CRITERION_KEYS) - set(COMPUTED_CRITERIA)
        fixed = next(c for c in USE_CASES if c.name == "Increasing customer satisfaction")
        assert {k: r.answers[k] for k in others} == {k: fixed.answers[k] for k in others}
    assert [k for k, _ in assess_ticket_routing(1, 3).verdict.reasons] == [
        "not_cost_effective", "data"]


def test_routing_rejects_bad_arguments_and_its_figure_states_the_verdict():
    with pytest.raises(ValueError, match="tickets_per_day"):
        assess_ticket_routing(0.5, 3)
    with pytest.raises(ValueError, match="complexity"):
        assess_ticket_routing(10, 7)
    with pytest.raises(ValueError, match="repeats"):
        plot_routing_checklist(10, 3, repeats=0)
    assert plot_routing_checklist(100, 3).get_suptitle().startswith(
        "ML fits, but not at scale")
    assert plot_routing_checklist(100, 0).get_suptitle().startswith(
        "Don't use ML: a simpler solution works")



def test_live_checklist_recomputes_the_verdict():
    widget = make_live_checklist()
    chooser, boxes, output = widget.children
    assert "ML is a strong fit" in output.value
    boxes.children[CRITERION_KEYS.index("unethical")].value = True
    assert "Don&#x27;t use ML" in output.value or "Don't use ML" in output.value
    chooser.index = [case.name for case in USE_CASES].index("Predicting lottery numbers")
    assert boxes.children[CRITERION_KEYS.index("pattern")].value is False
    assert "A pattern to learn" in output.value and "Don't use ML" in output.value


# --- The checklist discriminates -------------------------------------------------------------

HUYEN_CASES = USE_CASES[:17]


def test_the_checklist_discriminates_between_huyens_use_cases():
    levels = [assess_use_case(case.answers).level for case in HUYEN_CASES]
    counts = {level: levels.count(level) for level in ("strong", "fit", "weak", "no")}
    # Before the fix 14 of the 17 came out strong; now fewer than half do, and every level
    # but "no" is used (the five wrong-tool cases hold the "no").
    assert counts == {"strong": 8, "fit": 7, "weak": 2, "no": 0}
    assert sum(assess_use_case(c.answers).level == "no" for c in USE_CASES[17:]) == 5


def test_the_proxy_label_case_is_weak_and_says_why():
    case = next(c for c in USE_CASES if c.name == "Building brand awareness")
    assert "proxy" in case.notes["learn"]
    verdict = assess_use_case(case.answers)
    assert verdict.level == "weak"
    assert verdict.reasons[0][0] == "learn" and "proxy" in verdict.reasons[0][1]
    # Every other shine holds: it is the proxy alone that keeps the case from "strong".
    assert assess_use_case({**case.answers, "learn": True}).level == "strong"


def test_every_case_whose_note_names_a_proxy_is_not_strong():
    for case in USE_CASES:
        if any("proxy" in note for note in case.notes.values()):
            assert assess_use_case(case.answers).level != "strong", case.name


def test_learn_caps_at_weak_only_when_data_exist():
    assert assess_use_case({**all_favourable(), "learn": False}).level == "weak"
    verdict = assess_use_case({**all_favourable(), "learn": False, "data": False})
    assert verdict.level == "no" and [k for k, _ in verdict.reasons] == ["learn", "data"]


def test_strong_needs_all_four_shines():
    assert assess_use_case({**all_favourable(), "changing": False}).level == "fit"
    assert assess_use_case({**all_favourable(), "changing": False, "scale": False,
                            "repetitive": False}).level == "weak"


# --- A pattern exists versus the system can learn --------------------------------------------

def test_memory_without_learning_fails_on_new_data_and_learning_needs_a_pattern():
    scores = compare_memory_and_learning(seed=0)
    assert scores[("pattern", "lookup on seen")] == 1.0
    assert abs(scores[("pattern", "lookup")] - 0.5) < 0.05
    assert scores[("pattern", "tree")] > 0.85
    assert abs(scores[("shuffled", "tree")] - 0.5) < 0.1


def test_memory_and_learning_is_reproducible_and_checks_arguments():
    assert compare_memory_and_learning(seed=3) == compare_memory_and_learning(seed=3)
    with pytest.raises(ValueError, match="n_train"):
        compare_memory_and_learning(n_train=1)
    with pytest.raises(ValueError, match="complexity"):
        compare_memory_and_learning(complexity=7)


# --- ML for one component: the question classifier -------------------------------------------

def test_support_questions_are_reproducible_and_labelled():
    questions, intents = make_support_questions(200, seed=4)
    again, _ = make_support_questions(200, seed=4)
    assert questions == again and set(intents) == set(INTENTS)
    assert all(isinstance(q, str) and q for q in questions)
    with pytest.raises(ValueError, match="mixed_share"):
        make_support_questions(10, mixed_share=1.5)
    with pytest.raises(ValueError, match="n_questions"):
        make_support_questions(0)


def test_keyword_rule_finds_only_the_obvious_keyword():
    assert classify_with_keywords(["Where is my DELIVERY", "not arrived yet"]).tolist() == \
        ["delivery", None]
    with pytest.raises(TypeError, match="questions"):
        classify_with_keywords("refund")


def test_classifier_learns_the_phrasings_the_rule_misses_and_hands_over_when_unsure():
    run = evaluate_question_classifier(seed=0)
    assert run.model_accuracy > 0.9 > 0.3 > run.rule_accuracy
    assert 0 < run.handover_share < 0.15
    assert run.answered_accuracy > run.model_accuracy
    everything = evaluate_question_classifier(seed=0, threshold=0.0)
    assert everything.handover_share == 0 and everything.answered_accuracy == pytest.approx(
        everything.model_accuracy)
    small = evaluate_question_classifier(20, seed=0)
    assert small.handover_share > run.handover_share


def test_the_answer_is_written_by_rules_not_by_the_model():
    model = evaluate_question_classifier(seed=0).model
    order = dict(days_since_delivery=REFUND_WINDOW_DAYS + 5, tracking="T1", total_usd=20.0)
    assert "past the 30-day window" in answer_question("I want my money back", order, model)
    inside = {**order, "days_since_delivery": 3}
    assert "$20.00 will be refunded" in answer_question("I want my money back", inside, model)
    assert "tracking T1" in answer_question("where is my parcel", {**order,
                                            "days_since_delivery": None}, model)
    assert answer_question("where is my parcel", order, model, threshold=1.0).startswith(
        "handover")
    with pytest.raises(ValueError, match="order"):
        answer_question("refund", {"tracking": "T1"}, model)
    with pytest.raises(TypeError, match="question"):
        answer_question("", order, model)


def test_learning_gap_figure_labels_each_mean_lead_and_hides_the_crossing():
    from mlsys.when_to_use import plot_learning_gap

    curve = simulate_learning_curve(3, train_sizes=(20, 500, 2_000), repeats=3, seed=1)
    fig = plot_learning_gap(curve, title="Leads")
    leads = 100 * (curve.mean_model_accuracy - curve.rule_accuracy)
    assert [t.get_text() for t in fig.axes[0].texts] == [f"{v:+.1f}" for v in leads]
    assert fig.axes[0].get_title(loc="left") == "Leads"
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert "margin: 2 points ahead" in labels and "range of 3 repeats" in labels
    with pytest.raises(TypeError, match="curve"):
        plot_learning_gap([0.5, 0.6])
    with pytest.raises(ValueError, match="margin"):
        plot_learning_gap(curve, margin=2)
    with pytest.raises(TypeError, match="title"):
        plot_learning_gap(curve, title="")


# --- Explorers update their figures in place -------------------------------------------------
# Each walks its explorer's grid as a slider would, corners included, back to the start.

from updates import updates_match  # noqa: E402

COSTLY_RATES = dict(rule_error_rate=0.1875, model_error_rate=0.10125)


def walk(**grid):
    names = list(grid)
    return [dict(zip(names, values)) for values in zip(*grid.values())]


def test_the_patterns_explorer_updates_in_place_as_a_new_figure_draws():
    points = walk(complexity=[3, 0, 5, 5, 6, 1, 3], n_train=[1_000, 30, 3_000, 100, 5_000, 10,
                                                                1_000])
    assert updates_match(plot_rule_vs_model, points) == []


def test_the_learning_curve_explorer_updates_in_place_as_a_new_figure_draws():
    # Complexity 0 never beats the rule (its marker and legend entry go), 5 does.
    points = walk(complexity=[1, 0, 5, 5, 3, 1], label_noise=[0.05, 0.0, 0.2, 0.0, 0.45, 0.05])
    assert updates_match(plot_learning_curve, points, repeats=2) == []


def test_the_drift_explorer_updates_in_place_as_a_new_figure_draws():
    points = walk(drift_deg_per_week=[1.5, 0.0, 1.5, 0.5, 5.0, 1.5],
                  retrain_every_weeks=[4, 1, 26, 13, 52, 4])
    assert updates_match(plot_drift, points) == []


def test_the_costly_mistakes_explorer_updates_in_place_as_a_new_figure_draws():
    points = walk(volume_per_year=[10_000_000, 1_000_000, 100_000_000, 3_000_000, 100_000,
                                   1_000_000_000, 10_000_000],
                  costly_one_in=[1_000_000, 1, 1, 10_000, 1_000_000, 1_000_000, 1_000_000])
    assert updates_match(plot_costly_mistakes, points, **COSTLY_RATES) == []


def test_the_routing_explorer_updates_in_place_as_a_new_figure_draws():
    points = walk(tickets_per_day=[100, 1, 1_000, 5_000, 10, 100],
                  complexity=[3, 0, 5, 0, 6, 3])
    assert updates_match(plot_routing_checklist, points) == []


def test_an_updated_figure_must_be_one_the_function_drew():
    with pytest.raises(ValueError, match="figure must be one that plot_drift drew"):
        plot_drift(1.0, 4, figure=plot_learning_curve(1, repeats=1, train_sizes=(10, 100)))
    with pytest.raises(TypeError, match="figure must be a matplotlib Figure"):
        plot_rule_vs_model(1, 100, figure="fig")
