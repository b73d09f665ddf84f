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
    compare_glass_and_black_box,
    compute_accuracy_drop,
    compute_true_partial_dependence,
    compute_true_risk,
    make_patient_data,
    make_shortcut,
    plot_importances,
    plot_readability,
    plot_shortcut,
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


def test_plot_readability_returns_a_figure_with_its_point_in_the_title():
    fig = plot_readability(2)
    assert "Depth 2: 4 rules" in fig.axes[0].get_title(loc="left")
    assert fig.axes[0].get_title(loc="left").endswith("from 3,100 leaves")
    with pytest.raises(ValueError, match="max_depth"):
        plot_readability(11)


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
