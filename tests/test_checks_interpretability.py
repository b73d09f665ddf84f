"""The interpretability exercise's checks: right answers pass, wrong ones fail with a hint."""

import math

import numpy as np
import pytest
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.inspection import partial_dependence
from sklearn.metrics import recall_score

from mlsys.checks import interpretability as checks
from mlsys.interpretability import compare_glass_and_black_box, compute_true_partial_dependence

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]


def accuracy_drop(model, X, y, feature, seed):
    order = np.random.default_rng(seed).permutation(len(X))
    shuffled = X.copy()
    shuffled[feature] = X[feature].to_numpy()[order]
    return model.score(X, y) - model.score(shuffled, y)


def verdict(capsys):
    return capsys.readouterr().out


def test_task1_passes_a_correct_function_and_explains_classic_mistakes(capsys):
    assert checks.check_accuracy_drop(accuracy_drop)
    assert f"all {len(checks.DROP_CASES)} cases" in verdict(capsys)
    assert not checks.check_accuracy_drop(lambda *args: -accuracy_drop(*args))
    assert "sign is reversed" in verdict(capsys)

    def shuffled_accuracy(model, X, y, feature, seed):
        return model.score(X, y) - accuracy_drop(model, X, y, feature, seed)
    assert not checks.check_accuracy_drop(shuffled_accuracy)
    assert "*drops*" in verdict(capsys)

    def in_place(model, X, y, feature, seed):
        baseline = model.score(X, y)
        X[feature] = X[feature].to_numpy()[np.random.default_rng(seed).permutation(len(X))]
        return baseline - model.score(X, y)
    assert not checks.check_accuracy_drop(in_place)
    assert "changed the X" in verdict(capsys)
    assert not checks.check_accuracy_drop(lambda *args: 0.0)
    assert "A drop of 0" in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda *a: None, lambda *a: 1 / 0,
                                                 lambda model: 0, lambda *a: "0.1"])
def test_task1_never_raises(answer, capsys):
    assert checks.check_accuracy_drop(answer) is False
    assert "— FAIL" in verdict(capsys)


def mean_prediction(model, X, feature, value):
    return model.predict_proba(X.assign(**{feature: value}))[:, 1].mean()


def test_task2_reference_is_scikit_learns_partial_dependence():
    model, X = checks.pd_task()
    result = partial_dependence(model, X, ["systolic_bp_mmhg"], method="brute",
                                response_method="predict_proba", kind="average",
                                custom_values={"systolic_bp_mmhg": np.array(checks.BP_GRID)})
    assert result["average"][0] == pytest.approx(checks._bp_curve(), abs=1e-12)
    truth = compute_true_partial_dependence(X, "systolic_bp_mmhg", checks.BP_GRID)
    assert checks.BP_GRID[int(np.argmax(np.diff(truth))) + 1] == 150  # the true step: over 145


def test_task2_partial_dependence(capsys):
    assert checks.check_partial_dependence(mean_prediction, 150)
    assert "145 mmHg" in verdict(capsys)
    assert not checks.check_partial_dependence(mean_prediction, 145)
    assert "before the jump" in verdict(capsys)
    assert not checks.check_partial_dependence(mean_prediction, 120)
    assert "np.diff" in verdict(capsys)
    assert not checks.check_partial_dependence(
        lambda m, X, f, v: m.predict(X.assign(**{f: v})).mean(), 150)
    assert "predict_proba" in verdict(capsys)

    def overwrites_X(model, X, feature, value):
        X[feature] = value
        return model.predict_proba(X)[:, 1].mean()

    assert not checks.check_partial_dependence(overwrites_X, 150)
    assert "changed the X" in verdict(capsys)
    assert not checks.check_partial_dependence(lambda m, X, f, v: None, 150)
    assert "returned None" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_partial_dependence(wrong, 150) is False
        assert checks.check_partial_dependence(mean_prediction, wrong) is False


def test_task3_answer_and_its_classic_mistakes(capsys):
    result = compare_glass_and_black_box(seed=checks.DEPTH_SEED)
    expected = checks.smallest_good_depth()
    assert result.tree_accuracy[expected - 1] >= result.boosted_accuracy - 0.05
    assert result.tree_accuracy[expected - 2] < result.boosted_accuracy - 0.05  # not trivial
    assert checks.check_smallest_depth(expected)
    rules = result.tree_leaves[expected - 1]
    assert f"Depth {expected}: {rules} rules," in verdict(capsys)
    assert checks.check_smallest_depth(np.int64(expected))
    most_accurate = int(result.depths[np.argmax(result.tree_accuracy)])
    assert most_accurate != expected
    assert not checks.check_smallest_depth(most_accurate)
    assert "most accurate" in verdict(capsys)
    assert not checks.check_smallest_depth(expected - 1)
    assert "more than 5 points below" in verdict(capsys)
    assert not checks.check_smallest_depth(12)
    for wrong in WRONG_TYPES:
        assert checks.check_smallest_depth(wrong) is False


def test_task4_leak_dominates_importance_and_only_it_passes(capsys):
    data = checks.make_exercise_data()
    assert list(data.X_train.columns) == [f"x{i}" for i in range(9)]
    # The leak marks most positives of the training data and no negative; in production it is
    # 0 for every row.
    leak = data.X_train[checks.LEAKING_COLUMN]
    assert leak[data.y_train == 1].mean() == pytest.approx(checks.EXERCISE_LEAK, abs=0.03)
    assert leak[data.y_train == 0].max() == 0.0
    assert data.X_production[checks.LEAKING_COLUMN].eq(0).all()
    assert checks.check_leaking_feature(checks.LEAKING_COLUMN)
    assert not checks.check_leaking_feature("x3")
    assert "genuine feature" in verdict(capsys)
    assert not checks.check_leaking_feature("x42")
    assert not checks.check_leaking_feature(5)
    for wrong in WRONG_TYPES:
        assert checks.check_leaking_feature(wrong) is False


def test_task5_expected_answers_come_from_refitting(capsys):
    data = checks.make_exercise_data()
    model = HistGradientBoostingClassifier(random_state=0).fit(data.X_train, data.y_train)
    with_leak = model.score(data.X_production, data.y_production)
    honest_columns = data.X_train.columns.drop(checks.LEAKING_COLUMN)
    honest = HistGradientBoostingClassifier(random_state=0)
    honest.fit(data.X_train[honest_columns], data.y_train)
    without = honest.score(data.X_production[honest_columns], data.y_production)
    validation = model.score(data.X_validation, data.y_validation)
    assert validation > without > with_leak + 0.1  # the leak costs much in production
    assert checks.check_production_accuracy(with_leak, without)
    message = verdict(capsys)
    recall = recall_score(data.y_production, model.predict(data.X_production))
    assert recall < 0.7 and f"finds {recall:.0%} of the positives" in message
    assert not checks.check_production_accuracy(validation, without)
    assert "validation data" in verdict(capsys)
    assert not checks.check_production_accuracy(without, with_leak)
    assert "without the leak" in verdict(capsys)
    assert not checks.check_production_accuracy(100 * with_leak, without)
    assert "fraction" in verdict(capsys)
    assert not checks.check_production_accuracy(with_leak, with_leak)
    for wrong in WRONG_TYPES:
        assert checks.check_production_accuracy(wrong, wrong) is False


def test_task6_open_answer(capsys):
    good = ("The 90% was measured on a test population that may not match our patients; the "
            "model may rely on a shortcut, so we check its permutation importance first. " * 3)
    assert checks.check_open_answer(good)
    assert not checks.check_open_answer("I would trust the higher score. " * 20)
    assert "does not mention" in verdict(capsys)
    assert not checks.check_open_answer("too short")
    for wrong in WRONG_TYPES:
        assert checks.check_open_answer(wrong) is False
