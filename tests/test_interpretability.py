"""Tests of mlsys.interpretability: the patient generator, the shortcut and the explanations."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from sklearn.ensemble import HistGradientBoostingClassifier  # noqa: E402
from sklearn.inspection import partial_dependence  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

from mlsys.interpretability import (  # noqa: E402
    FEATURES,
    SHORTCUT,
    ReadabilityResult,
    add_age_copies,
    choose_readable_model,
    compare_glass_and_black_box,
    compute_accuracy_drop,
    compute_group_drop,
    compute_true_partial_dependence,
    compute_true_risk,
    make_patient_data,
    make_shortcut,
    plot_age_copies,
    plot_importances,
    plot_readability,
    plot_shortcut,
    simulate_age_copies,
    simulate_shortcut,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def patients():
    return make_patient_data(3_000, seed=0)


# --- The generator ---------------------------------------------------------------------------

def test_make_patient_data_shapes_types_and_determinism(patients):
    assert list(patients.X.columns) == [*FEATURES, SHORTCUT]
    assert all(dtype == float for dtype in patients.X.dtypes)
    assert set(np.unique(patients.y)) == {0, 1}
    again = make_patient_data(3_000, seed=0)
    pd.testing.assert_frame_equal(patients.X, again.X)
    assert not make_patient_data(3_000, seed=1).X.equals(patients.X)


def test_labels_are_drawn_from_the_true_risk(patients):
    # Theory: the mean label equals the mean risk within sampling error (3 standard errors).
    standard_error = np.sqrt(patients.risk.mean() * (1 - patients.risk.mean()) / 3_000)
    assert abs(patients.y.mean() - patients.risk.mean()) < 3 * standard_error
    np.testing.assert_allclose(compute_true_risk(patients.X), patients.risk)


def test_true_risk_has_the_shapes_the_chapter_describes(patients):
    one = patients.X.iloc[[0]]
    risk = lambda **values: compute_true_risk(one.assign(**values))[0]  # noqa: E731
    assert risk(age_years=30) == pytest.approx(risk(age_years=45))   # flat before 50
    assert risk(age_years=70) > risk(age_years=60) > risk(age_years=50)
    assert risk(systolic_bp_mmhg=146) > risk(systolic_bp_mmhg=145)   # the step
    assert risk(bmi_kg_m2=20) > risk(bmi_kg_m2=27) < risk(bmi_kg_m2=34)  # U shape
    assert risk(postcode_digit=0) == risk(postcode_digit=9)


@pytest.mark.parametrize("leak", [0.0, 0.5, 0.9, 1.0])
def test_shortcut_marks_a_share_leak_of_positives_and_no_negative(leak):
    # Theory: P(shortcut = 1 | y = 1) = leak, P(shortcut = 1 | y = 0) = 0.
    y = (np.random.default_rng(1).random(50_000) < 0.4).astype(int)
    shortcut = make_shortcut(y, leak=leak, seed=2)
    assert shortcut[y == 1].mean() == pytest.approx(leak, abs=0.01)
    assert shortcut[y == 0].max() == 0.0


def test_make_patient_data_leak_sets_the_shortcut():
    assert np.array_equal(make_patient_data(500, leak=1.0).X[SHORTCUT], make_patient_data(
        500, leak=1.0).y)
    # Production: nobody has been referred yet, so the column is 0 for every patient.
    assert make_patient_data(500, leak=0.0).X[SHORTCUT].eq(0).all()


def test_the_shortcut_leaves_features_and_labels_as_they_were():
    clean, leaky = make_patient_data(500, seed=3), make_patient_data(500, leak=0.9, seed=3)
    pd.testing.assert_frame_equal(clean.X[list(FEATURES)], leaky.X[list(FEATURES)])
    np.testing.assert_array_equal(clean.y, leaky.y)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_samples=0), ValueError, "n_samples"),
    (dict(n_samples=2.5), TypeError, "n_samples"),
    (dict(leak=1.5), ValueError, "leak"),
    (dict(leak="high"), TypeError, "leak"),
    (dict(seed=-1), ValueError, "seed"),
])
def test_make_patient_data_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        make_patient_data(**kwargs)


def test_make_shortcut_rejects_bad_input():
    with pytest.raises(ValueError, match="y"):
        make_shortcut([0, 2, 1], leak=0.5)
    with pytest.raises(ValueError, match="leak"):
        make_shortcut([0, 1], leak=-0.1)
    with pytest.raises(TypeError, match="y"):
        make_shortcut("01", leak=0.5)


def test_compute_true_risk_rejects_bad_input():
    with pytest.raises(TypeError, match="X"):
        compute_true_risk(np.zeros((2, 7)))
    with pytest.raises(ValueError, match="age_years"):
        compute_true_risk(pd.DataFrame({"bmi_kg_m2": [20.0]}))


# --- Permutation importance by hand ----------------------------------------------------------

def test_accuracy_drop_is_zero_for_an_unused_feature_and_positive_for_age(patients):
    X = patients.X[list(FEATURES)]
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(X, patients.y)
    before = X.copy()
    assert compute_accuracy_drop(tree, X, patients.y, "postcode_digit") == 0.0
    assert compute_accuracy_drop(tree, X, patients.y, "age_years", seed=1) > 0.1
    pd.testing.assert_frame_equal(X, before)  # X is not modified


def test_accuracy_drop_rejects_bad_input(patients):
    tree = DecisionTreeClassifier(max_depth=1).fit(patients.X, patients.y)
    with pytest.raises(ValueError, match="feature"):
        compute_accuracy_drop(tree, patients.X, patients.y, "height")
    with pytest.raises(TypeError, match="model"):
        compute_accuracy_drop(object(), patients.X, patients.y, "age_years")
    with pytest.raises(TypeError, match="X"):
        compute_accuracy_drop(tree, patients.X.to_numpy(), patients.y, "age_years")
    with pytest.raises(ValueError, match="seed"):
        compute_accuracy_drop(tree, patients.X, patients.y, "age_years", seed=-2)


# --- Glass box against black box -------------------------------------------------------------

def test_compare_glass_and_black_box_orders_models_as_the_chapter_says():
    result = compare_glass_and_black_box()
    assert result.tree_leaves.tolist()[:3] == [2, 4, 8]  # a depth-d tree has at most 2^d leaves
    assert np.all(result.tree_leaves <= 2 ** result.depths)
    assert result.boosted_accuracy > result.tree_accuracy.max() > result.tree_accuracy[0]
    assert result.boosted_accuracy > result.linear_accuracy
    # No model beats the Bayes classifier by more than sampling noise (~1 point on 4,000).
    assert result.bayes_accuracy > result.boosted_accuracy - 0.01
    test = make_patient_data(4_000, seed=1)
    assert result.boosted_model.score(test.X[list(FEATURES)], test.y) == result.boosted_accuracy
    again = compare_glass_and_black_box()  # cached, but each caller gets a copy of its own
    assert again is not result and again.tree_accuracy.tolist() == result.tree_accuracy.tolist()
    accuracy = result.tree_accuracy
    accuracy *= 100  # an in-place edit by one caller changes no other caller's result
    assert compare_glass_and_black_box().tree_accuracy.tolist() == again.tree_accuracy.tolist()


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(depths=()), TypeError, "depths"),
    (dict(depths=(0, 2)), ValueError, r"depths\[0\]"),
    (dict(n_train=5), ValueError, "n_train"),
    (dict(n_test=5), ValueError, "n_test"),
    (dict(seed=1.5), TypeError, "seed"),
])
def test_compare_glass_and_black_box_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        compare_glass_and_black_box(**kwargs)


def _result(linear, trees, boosted=0.86):
    """A hand-made ReadabilityResult: depths 1..len(trees), leaves 2^d, the given accuracies."""
    depths = np.arange(1, len(trees) + 1)
    return ReadabilityResult(depths, np.array(trees, dtype=float), 2 ** depths, linear, 8,
                             boosted, 100, 3_100, 0.875, None)


def test_choose_readable_model_takes_the_least_to_read_within_the_tolerance():
    result = _result(linear=0.82, trees=[0.78, 0.80, 0.83, 0.845])
    # depth 1 (2 rules) and 2 (4) are too far; the logistic regression (8) ties with depth 3
    # (8 rules) and loses it, being less accurate
    assert choose_readable_model(result, 0.04).model == "tree, depth 3"
    assert choose_readable_model(result, 0.05).model == "tree, depth 3"
    assert choose_readable_model(_result(0.84, [0.78, 0.80, 0.83]), 0.04).model == \
        "logistic regression"  # the same 8 to read, more accurate
    assert choose_readable_model(result, 0.06).model == "tree, depth 2"
    choice = choose_readable_model(result, 0.02)
    assert (choice.model, choice.to_read) == ("tree, depth 4", 16)
    assert choice.gap == pytest.approx(0.015)
    assert choose_readable_model(result, 0.01) is None
    # a model exactly at the boundary qualifies
    assert choose_readable_model(_result(0.83, [0.5]), 0.03).model == "logistic regression"
    assert choose_readable_model(_result(0.90, [0.5]), 0.0).gap == pytest.approx(-0.04)


@pytest.mark.parametrize("args, error, match", [
    (("not a result", 0.03), TypeError, "result"),
    ((None, 0.03), TypeError, "result"),
    (("result", -0.1), ValueError, "tolerance"),
    (("result", 3), ValueError, "tolerance"),
    (("result", "3"), TypeError, "tolerance"),
])
def test_choose_readable_model_rejects_bad_input(args, error, match):
    result = _result(0.82, [0.8]) if args[0] == "result" else args[0]
    with pytest.raises(error, match=match):
        choose_readable_model(result, args[1])


def test_plot_readability_says_which_model_the_rule_picks():
    small, large = plot_readability(250, 3), plot_readability(4_000, 3)
    assert small.axes[0].get_title(loc="left").startswith("250 training patients: logistic "
                                                          "regression 1.9 points below")
    assert large.axes[0].get_title(loc="left").endswith("tree, depth 6 (55 rules)")
    assert plot_readability(4_000, 1).axes[0].get_title(loc="left").endswith(
        "no readable model is within 1 point")
    # the readable choice is ringed where choose_readable_model puts it
    choice = choose_readable_model(compare_glass_and_black_box(n_train=4_000), 0.03)
    ring = [line for line in large.axes[0].lines if line.get_markersize() == 16][0]
    assert (ring.get_xdata()[0], ring.get_ydata()[0]) == (choice.to_read, choice.accuracy)


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_train=10), ValueError, "n_train"),
    (dict(n_train=1.5), TypeError, "n_train"),
    (dict(tolerance_points=-1), ValueError, "tolerance_points"),
    (dict(tolerance_points=None), TypeError, "tolerance_points"),
])
def test_plot_readability_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        plot_readability(**kwargs)


def test_the_black_box_lead_grows_with_the_training_patients():
    """The explorer's point: the boosted model gains more from data than the glass boxes."""
    gaps = [compare_glass_and_black_box(n_train=n) for n in (250, 8_000)]
    lead = [r.boosted_accuracy - r.linear_accuracy for r in gaps]
    assert lead[0] < 0.03 < 0.04 < lead[1]


# --- Explaining a black box ------------------------------------------------------------------

def test_partial_dependence_of_a_boosted_model_follows_the_truth(patients):
    X = patients.X[list(FEATURES)]
    model = HistGradientBoostingClassifier(random_state=0).fit(X, patients.y)
    sample = X.iloc[:400]
    grid = [30.0, 50.0, 65.0, 80.0]
    result = partial_dependence(model, sample, ["age_years"], method="brute",
                                response_method="predict_proba", custom_values={
                                    "age_years": grid})
    truth = compute_true_partial_dependence(sample, "age_years", grid)
    np.testing.assert_allclose(result["average"][0], truth, atol=0.08)
    assert np.all(np.diff(truth) >= 0)


def test_true_partial_dependence_is_flat_for_the_postcode_and_rejects_bad_input(patients):
    flat = compute_true_partial_dependence(patients.X, "postcode_digit", [0, 5, 9])
    assert np.ptp(flat) == 0
    with pytest.raises(ValueError, match="feature"):
        compute_true_partial_dependence(patients.X, SHORTCUT, [0, 1])
    with pytest.raises(ValueError, match="grid"):
        compute_true_partial_dependence(patients.X, "age_years", [])


def test_plot_importances_sorts_bars_and_checks_lengths():
    ax = plot_importances(["a", "b", "c"], [0.1, 0.3, 0.0], [0.01, 0.02, 0.0], title="b first")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c", "a", "b"]
    with pytest.raises(ValueError, match="names"):
        plot_importances(["a"], [0.1, 0.2], title="t")
    with pytest.raises(ValueError, match="stds"):
        plot_importances(["a", "b"], [0.1, 0.2], [0.1], title="t")
    with pytest.raises(TypeError, match="title"):
        plot_importances(["a", "b"], [0.1, 0.2], title=None)
    with pytest.raises(TypeError, match="ax"):
        plot_importances(["a", "b"], [0.1, 0.2], title="t", ax="left")


# --- Right for the wrong reason --------------------------------------------------------------

def test_without_a_leak_validation_is_an_honest_estimate_of_production():
    result = simulate_shortcut(0.0)
    assert abs(result.validation_accuracy - result.production_accuracy) < 0.04
    assert abs(result.validation_recall - result.production_recall) < 0.05
    assert result.feature_names[int(np.argmax(result.importance_mean))] == "age_years"


def test_a_strong_leak_inflates_validation_and_sinks_production():
    weak, strong = simulate_shortcut(0.2), simulate_shortcut(0.9)
    assert strong.validation_accuracy > weak.validation_accuracy
    assert strong.production_accuracy < weak.production_accuracy - 0.1
    assert strong.feature_names[int(np.argmax(strong.importance_mean))] == SHORTCUT
    # In production nobody is referred, so the model misses most patients with the condition.
    assert strong.production_recall < weak.production_recall - 0.3
    assert strong.production_recall < 0.5 < strong.validation_recall
    # With a perfect leak, the model reads the label: validation is perfect, and in production,
    # where the column is 0 for everyone, it flags nobody.
    perfect = simulate_shortcut(1.0)
    assert perfect.validation_accuracy == perfect.validation_recall == 1.0
    assert perfect.production_recall == 0.0


def test_simulate_shortcut_rejects_bad_input():
    with pytest.raises(ValueError, match="leak"):
        simulate_shortcut(2)
    with pytest.raises(ValueError, match="n_train"):
        simulate_shortcut(0.5, n_train=10)
    with pytest.raises(ValueError, match="n_repeats"):
        simulate_shortcut(0.5, n_repeats=0)


def test_plot_shortcut_title_names_the_top_feature_and_the_recall():
    fig = plot_shortcut(0.9)
    assert fig.get_suptitle().endswith(f"top feature: {SHORTCUT}")
    assert "recall falls from" in fig.get_suptitle()
    assert len(fig.axes) == 2
    legend = [text.get_text() for text in fig.axes[1].get_legend().get_texts()]
    assert legend == ["accuracy", "recall"]
    # Without a leak, production recall is what validation promised, and the title says so.
    assert "recall holds" in plot_shortcut(0.0).get_suptitle()


# --- Counterfactuals ---------------------------------------------------------------------------

from itertools import product  # noqa: E402

from mlsys.interpretability import (  # noqa: E402
    ACTIONABLE_CHANGES,
    IMMUTABLE,
    STEP,
    find_counterfactual,
    flagged_patients,
    plot_counterfactual,
)


class ScoreModel:
    """A model we can solve by hand: flags a patient when a linear score passes 4."""

    def _score(self, X):
        return ((X["systolic_bp_mmhg"] - 120) / 5 + 3 * X["smoker"]
                - X["exercise_h_per_week"]).to_numpy()

    def predict(self, X):
        return (self._score(X) > 4).astype(int)

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-(self._score(X) - 4)))
        return np.column_stack([1 - p, p])


class AlwaysYes(ScoreModel):
    def predict(self, X):
        return np.ones(len(X), dtype=int)


def _patient(**values):
    base = dict(age_years=70.0, systolic_bp_mmhg=150.0, bmi_kg_m2=27.0, smoker=1.0,
                exercise_h_per_week=0.0, cholesterol_mmol_l=5.2, postcode_digit=3.0)
    base.update(values)
    return pd.Series(base)


@pytest.fixture(scope="module")
def chapter_model():
    train = make_patient_data(4_000, seed=0)
    return HistGradientBoostingClassifier(random_state=0).fit(train.X[list(FEATURES)], train.y)


def test_counterfactual_of_a_model_solved_by_hand():
    # Score (150 - 120) / 5 + 3 - 0 = 9 must fall to 4. Each step of blood pressure (5 mmHg) or
    # exercise (1 h/week) buys one point, quitting buys three for one step: the cheapest way is
    # to quit and take two more steps, 3 steps in all.
    result = find_counterfactual(ScoreModel(), _patient())
    assert result.decision_before == 1 and result.decision_after == 0
    assert result.cost == 3.0  # quit (1 step) + 2 steps: 9 - 3 - 2 = 4, not > 4
    assert result.changes["smoker"] == -1.0
    # Ties: quitting plus any two steps of blood pressure or exercise: (2,0), (1,1), (0,2).
    assert len(result.alternatives) == 3
    assert (result.alternatives["smoker"] == -1.0).all()


def test_counterfactual_flips_the_decision_and_keeps_immutable_features(chapter_model):
    patients = flagged_patients(12)
    found = 0
    for _, patient in patients.iterrows():
        result = find_counterfactual(chapter_model, patient)
        if result is None:
            continue
        found += 1
        before = chapter_model.predict(patient.to_frame().T)[0]
        after = chapter_model.predict(result.counterfactual.to_frame().T)[0]
        assert before == 1 and after == 0 == result.decision_after
        for name in IMMUTABLE:
            assert result.counterfactual[name] == patient[name]
        assert set(result.changes) <= set(ACTIONABLE_CHANGES)
        changed = result.counterfactual[list(FEATURES)] - patient[list(FEATURES)]
        assert {n for n in FEATURES if changed[n] != 0} == set(result.changes)
        assert result.probability_after < 0.5 < result.probability_before
        # Every alternative of the same cost flips the decision too.
        for _, row in result.alternatives.iterrows():
            candidate = patient.copy()
            for name in row.index.drop("probability"):
                candidate[name] += row[name]
            assert chapter_model.predict(candidate.to_frame().T)[0] == 0
    assert found >= 8


def test_counterfactual_is_minimal_among_the_candidates(chapter_model):
    # An independent brute force over a smaller grid: no cheaper candidate flips the decision.
    changes = {"systolic_bp_mmhg": (0, -5, -10, -15, -20), "exercise_h_per_week": (0, 1, 2, 3),
               "cholesterol_mmol_l": (0, -0.5, -1.0)}
    checked = 0
    for _, patient in flagged_patients(12).iterrows():
        result = find_counterfactual(chapter_model, patient, changes=changes)
        rows, costs = [], []
        for deltas in product(*changes.values()):
            candidate = patient.copy()
            for name, delta in zip(changes, deltas):
                candidate[name] += delta
            rows.append(candidate)
            costs.append(sum(abs(d) / STEP[n] for n, d in zip(changes, deltas)))
        flips = chapter_model.predict(pd.DataFrame(rows)[list(FEATURES)]) == 0
        costs = np.array(costs)
        if result is None:
            assert not flips.any()
            continue
        checked += 1
        assert np.isclose(result.cost, costs[flips].min())
        assert np.isclose(result.cost, sum(abs(d) / STEP[n] for n, d in result.changes.items()))
        assert len(result.alternatives) == int(np.isclose(costs[flips], result.cost).sum())
    assert checked >= 6


def test_counterfactual_none_when_nothing_flips_and_restricted_changes():
    assert find_counterfactual(AlwaysYes(), _patient()) is None
    # Blood pressure alone: 9 - 5 = 4 needs 5 steps, 25 mmHg.
    result = find_counterfactual(ScoreModel(), _patient(), changes={"systolic_bp_mmhg":
                                                                    range(0, -45, -5)})
    assert result.changes == {"systolic_bp_mmhg": -25.0} and result.cost == 5.0
    # A non-smoker cannot quit: the candidate is out of range and skipped.
    result = find_counterfactual(ScoreModel(), _patient(smoker=0.0, systolic_bp_mmhg=160.0))
    assert "smoker" not in result.changes and result.cost == 4.0
    # A one-row DataFrame is accepted like a Series.
    assert find_counterfactual(ScoreModel(), _patient().to_frame().T).cost == 3.0


def test_find_counterfactual_rejects_bad_input():
    with pytest.raises(ValueError, match="age_years"):
        find_counterfactual(ScoreModel(), _patient(), changes={"age_years": (-10,)})
    with pytest.raises(ValueError, match="height"):
        find_counterfactual(ScoreModel(), _patient(), changes={"height": (1,)})
    with pytest.raises(TypeError, match="changes"):
        find_counterfactual(ScoreModel(), _patient(), changes={})
    with pytest.raises(TypeError, match="model"):
        find_counterfactual(DecisionTreeClassifier, _patient())
    with pytest.raises(TypeError, match="patient"):
        find_counterfactual(ScoreModel(), [70, 150])
    with pytest.raises(ValueError, match="patient"):
        find_counterfactual(ScoreModel(), pd.DataFrame([_patient(), _patient()]))
    with pytest.raises(ValueError, match="missing"):
        find_counterfactual(ScoreModel(), _patient().drop("smoker"))


def test_flagged_patients_and_plot_counterfactual(chapter_model):
    patients = flagged_patients(5)
    assert (chapter_model.predict(patients) == 1).all() and len(patients) == 5
    assert patients.index.is_monotonic_increasing
    fig = plot_counterfactual(2)
    assert fig.get_suptitle().startswith("Patient 2 (age 40): flagged at")
    assert len(fig.axes) == 2
    assert "no change searched" in plot_counterfactual(1).get_suptitle()
    with pytest.raises(ValueError, match="patient"):
        plot_counterfactual(50)
    with pytest.raises(ValueError, match="n_patients"):
        flagged_patients(0)


# --- Near copies of a feature ---------------------------------------------------------------

def test_add_age_copies_adds_rounded_noisy_records_after_age(patients):
    X = patients.X[list(FEATURES)]
    before = X.copy()
    copies = add_age_copies(X, 3, 2.0, seed=4)
    assert X.equals(before)  # not modified
    assert list(copies.columns[:4]) == ["age_years", "age_record_2", "age_record_3",
                                        "systolic_bp_mmhg"]
    for name in ("age_record_2", "age_record_3"):
        error = copies[name] - copies["age_years"]
        assert np.all(error == error.round())  # whole years
        assert 1.7 < error.std() < 2.3  # the noise asked for (3,000 patients)
    assert add_age_copies(X, 2, 0)["age_record_2"].equals(X["age_years"])
    assert add_age_copies(X, 1, 5).equals(X)
    assert add_age_copies(X, 3, 1, seed=4).equals(add_age_copies(X, 3, 1, seed=4))


@pytest.mark.parametrize("args, error, match", [
    (([1, 2], 2, 1), TypeError, "X"),
    ((None, 0, 1), ValueError, "n_copies"),
    ((None, 7, 1), ValueError, "n_copies"),
    ((None, 2, -1), ValueError, "noise_years"),
    ((None, 2, "1"), TypeError, "noise_years"),
])
def test_add_age_copies_rejects_bad_input(patients, args, error, match):
    X = patients.X if args[0] is None else args[0]
    with pytest.raises(error, match=match):
        add_age_copies(X, *args[1:])


def test_compute_group_drop_of_one_column_is_the_mean_single_drop(patients):
    tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(patients.X, patients.y)
    # with one column, the group drop is permutation importance by hand (same seeds)
    rng = np.random.default_rng(3)
    baseline = tree.score(patients.X, patients.y)
    drops = []
    for _ in range(4):
        shuffled = patients.X.copy()
        shuffled["age_years"] = patients.X["age_years"].to_numpy()[rng.permutation(3_000)]
        drops.append(baseline - tree.score(shuffled, patients.y))
    assert compute_group_drop(tree, patients.X, patients.y, ["age_years"], n_repeats=4,
                              seed=3) == pytest.approx(np.mean(drops))
    # a model that ignores a group loses nothing; shuffling every column loses the most
    assert compute_group_drop(tree, patients.X, patients.y, ["postcode_digit"]) == 0
    everything = compute_group_drop(tree, patients.X, patients.y, list(patients.X.columns))
    assert everything >= compute_group_drop(tree, patients.X, patients.y, ["age_years"])


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(model="tree"), TypeError, "model"),
    (dict(X=[[1]]), TypeError, "X"),
    (dict(columns="age_years"), TypeError, "columns"),
    (dict(columns=[]), TypeError, "columns"),
    (dict(columns=["height"]), ValueError, "columns"),
    (dict(n_repeats=0), ValueError, "n_repeats"),
])
def test_compute_group_drop_rejects_bad_input(patients, kwargs, error, match):
    tree = DecisionTreeClassifier(max_depth=2, random_state=0).fit(patients.X, patients.y)
    args = dict(model=tree, X=patients.X, y=patients.y, columns=["age_years"]) | kwargs
    with pytest.raises(error, match=match):
        compute_group_drop(args["model"], args["X"], args["y"], args["columns"],
                           n_repeats=args.get("n_repeats", 5))


def test_simulate_age_copies_exact_copies_are_ignored_and_near_copies_share():
    alone, exact, near = (simulate_age_copies(1), simulate_age_copies(2, 0),
                          simulate_age_copies(3, 1))
    assert alone.feature_names == FEATURES
    # an exact copy never wins a split over the column before it: the same model, score 0
    assert exact.importance_mean[1] == 0
    assert exact.importance_mean[0] == alone.importance_mean[0]
    # near copies split the credit; the group keeps it
    assert near.importance_mean[:3].max() < 0.75 * alone.importance_mean[0]
    assert near.importance_mean[:3].sum() < alone.importance_mean[0]
    assert abs(near.group_importance - alone.group_importance) < 0.02
    assert abs(near.accuracy - alone.accuracy) < 0.015
    # with one record of age, the group is that column, shuffled as permutation_importance does
    assert abs(alone.group_importance - alone.importance_mean[0]) < 0.02
    assert simulate_age_copies(1, 5.0) is alone  # the noise of no extra record changes nothing


@pytest.mark.parametrize("kwargs, error, match", [
    (dict(n_copies=0), ValueError, "n_copies"),
    (dict(noise_years=-1), ValueError, "noise_years"),
    (dict(n_train=10), ValueError, "n_train"),
    (dict(n_eval=10), ValueError, "n_eval"),
    (dict(n_repeats=0), ValueError, "n_repeats"),
    (dict(seed=-1), ValueError, "seed"),
])
def test_simulate_age_copies_rejects_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        simulate_age_copies(**(dict(n_copies=2) | kwargs))


def test_plot_age_copies_hatches_the_records_and_marks_the_group():
    fig = plot_age_copies(3, 1)
    ax = fig.axes[0]
    assert ax.get_title(loc="left").startswith("3 records of age (sd 1 year); top feature: "
                                               "systolic_bp_mmhg")
    hatched = [label.get_text() for label, bar in zip(ax.get_yticklabels(), ax.patches)
               if bar.get_hatch() == "//"]
    assert sorted(hatched) == ["age_record_2", "age_record_3", "age_years"]
    result = simulate_age_copies(3, 1)
    assert ax.lines[-1].get_xdata()[0] == result.group_importance
    assert "exact copies" in plot_age_copies(2, 0).axes[0].get_title(loc="left")
    assert plot_age_copies(1).axes[0].get_title(loc="left").startswith(
        "1 record of age; top feature: age_years")


# --- The explorers update their figure in place ------------------------------------------------

from updates import updates_match  # noqa: E402


def test_the_readability_explorer_updates_in_place_as_a_new_figure_draws():
    # Corners of the grid and its middle, walked as the sliders would; at 1 point of tolerance
    # no model qualifies, so the ring and its legend entry go and come back.
    points = [{"n_train": n, "tolerance_points": t}
              for n, t in [(4_000, 3), (250, 1), (250, 5), (8_000, 5), (8_000, 1), (1_000, 3),
                           (4_000, 3)]]
    assert updates_match(plot_readability, points) == []


def test_the_age_copies_explorer_updates_in_place_as_a_new_figure_draws():
    # From 9 bars to 7, 10 and 8 and back: the number of features changes with the records.
    points = [{"n_copies": n, "noise_years": sd}
              for n, sd in [(3, 1), (1, 0), (4, 3), (4, 0), (2, 1), (1, 3), (3, 1)]]
    assert updates_match(plot_age_copies, points) == []


def test_the_shortcut_explorer_updates_in_place_as_a_new_figure_draws():
    points = [{"leak": leak} for leak in (0.9, 0.0, 1.0, 0.5, 0.2, 0.9)]
    assert updates_match(plot_shortcut, points) == []


def test_the_counterfactual_explorer_updates_in_place_as_a_new_figure_draws():
    # Patient 1 has no counterfactual; the others change different features.
    points = [{"patient": p} for p in (2, 1, 0, 7, 5, 1, 2)]
    assert updates_match(plot_counterfactual, points) == []


# --- The simulations' shortcuts are exact ---------------------------------------------------

from sklearn.inspection import permutation_importance  # noqa: E402

from mlsys.interpretability import (  # noqa: E402
    _accuracies,
    _decide,
    _group_copies,
    _permutation_importance,
)


@pytest.mark.parametrize("n_repeats, seed", [(3, 0), (5, 2)])
def test_permutation_importance_is_scikit_learns_to_the_last_bit(n_repeats, seed):
    train, held_out = make_patient_data(600, leak=0.5, seed=0), make_patient_data(300, seed=1)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(train.X, train.y)
    reference = permutation_importance(model, held_out.X, held_out.y, n_repeats=n_repeats,
                                       random_state=seed)
    baseline = model.score(held_out.X, held_out.y)
    mean, std = _permutation_importance(model, held_out.X, held_out.y, n_repeats, seed, baseline)
    np.testing.assert_array_equal(mean, reference.importances_mean)
    np.testing.assert_array_equal(std, reference.importances_std)


def test_group_copies_are_compute_group_drops_shuffles(patients):
    X = patients.X[list(FEATURES)]
    tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X, patients.y)
    columns = ["age_years", "systolic_bp_mmhg"]
    accuracies = _accuracies(tree, X, patients.y, _group_copies(X, columns, 4, 7))
    expected = compute_group_drop(tree, X, patients.y, columns, n_repeats=4, seed=7)
    assert float(np.mean(tree.score(X, patients.y) - accuracies)) == expected


def test_decide_is_predict_and_predict_proba(chapter_model):
    X = make_patient_data(2_000, seed=1).X[list(FEATURES)]
    decisions, probabilities = _decide(chapter_model, X)
    np.testing.assert_array_equal(decisions, chapter_model.predict(X))
    np.testing.assert_array_equal(probabilities, chapter_model.predict_proba(X)[:, 1])
    decisions, probabilities = _decide(ScoreModel(), X)  # any other model: its own methods
    np.testing.assert_array_equal(decisions, ScoreModel().predict(X))
