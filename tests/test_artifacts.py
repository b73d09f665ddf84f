"""Tests of mlsys.artifacts: data, content hashes, model records, data tests, valuation, size."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from mlsys import artifacts  # noqa: E402
from mlsys.artifacts import (  # noqa: E402
    FEATURES,
    LABEL,
    SCHEMA,
    DataValidationError,
    capacity_sweep,
    compute_capacity_sweep,
    compute_dataset_hash,
    compute_model_hash,
    compute_slice_values,
    make_churn_data,
    make_churn_spec,
    make_corrupted_batch,
    make_model_record,
    plot_capacity,
    plot_slice_values,
    require_valid_batch,
    run_data_tests,
    train_churn_model,
)


@pytest.fixture(scope="module")
def data():
    return make_churn_data(600, seed=0)


# --- Data ------------------------------------------------------------------------------------

def test_make_churn_data_has_the_schema_and_is_seeded(data):
    assert [c for c, _ in SCHEMA] == list(data.columns)
    assert data.equals(make_churn_data(600, seed=0))
    assert not data.equals(make_churn_data(600, seed=1))
    assert set(data[LABEL]) == {0, 1} and data["age"].between(18, 79).all()


def test_partner_label_noise_only_removes_partner_churners():
    clean = make_churn_data(5_000, seed=4, partner_label_noise=0.0)
    noisy = make_churn_data(5_000, seed=4, partner_label_noise=1.0)
    partner = clean["source"] == "partner"
    assert noisy.loc[partner, LABEL].sum() == 0
    assert noisy.loc[~partner, LABEL].equals(clean.loc[~partner, LABEL])


def test_partner_share_is_respected():
    data = make_churn_data(20_000, seed=0, partner_share=0.5)
    assert abs((data["source"] == "partner").mean() - 0.5) < 0.02


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_rows=0), "n_rows"), (dict(n_rows=2.5), "n_rows"), (dict(seed=-1), "seed"),
    (dict(partner_share=1.5), "partner_share"), (dict(partner_label_noise=-0.1),
                                                 "partner_label_noise")])
def test_make_churn_data_rejects_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        make_churn_data(**kwargs)


# --- Hashes and records ----------------------------------------------------------------------

def test_dataset_hash_ignores_order_and_index_but_not_content(data):
    shuffled = data.sample(frac=1, random_state=2)
    assert compute_dataset_hash(shuffled) == compute_dataset_hash(data)
    assert compute_dataset_hash(shuffled.reset_index(drop=True)) == compute_dataset_hash(data)
    assert compute_dataset_hash(shuffled, ignore_row_order=False) != compute_dataset_hash(data)
    changed = data.copy()
    changed.loc[3, "income_k"] += 0.1
    assert compute_dataset_hash(changed) != compute_dataset_hash(data)
    doubled = pd.concat([data, data.iloc[[0]]])
    assert compute_dataset_hash(doubled) != compute_dataset_hash(data)
    assert len(compute_dataset_hash(data)) == 64


@pytest.mark.parametrize("frame, kwargs, match", [
    ("not a table", {}, "frame"), (pd.DataFrame(), {}, "frame"),
    (None, dict(ignore_row_order="yes"), "ignore_row_order")])
def test_dataset_hash_rejects_bad_input(frame, kwargs, match, data):
    with pytest.raises((TypeError, ValueError), match=match):
        compute_dataset_hash(data if frame is None else frame, **kwargs)


def test_training_is_reproducible_whatever_the_row_order(data):
    shuffled = data.sample(frac=1, random_state=5)
    assert compute_model_hash(train_churn_model(data)) == \
        compute_model_hash(train_churn_model(shuffled))
    assert compute_model_hash(train_churn_model(data)) != \
        compute_model_hash(train_churn_model(data, C=0.1))


def test_train_churn_model_rejects_bad_input(data):
    with pytest.raises(ValueError, match="C"):
        train_churn_model(data, C=0)
    with pytest.raises(ValueError, match="frame"):
        train_churn_model(data.drop(columns=[LABEL]))
    with pytest.raises(TypeError, match="model"):
        compute_model_hash(None)


def test_model_record_tells_data_versions_apart(data):
    more = pd.concat([data, make_churn_data(200, seed=9)], ignore_index=True)
    first = make_model_record(train_churn_model(data), data, code_version="v", params={"C": 1.0})
    second = make_model_record(train_churn_model(more), more, code_version="v", params={"C": 1.0})
    assert (first.code_version, first.params) == (second.code_version, second.params)
    assert first.data_hash != second.data_hash and first.model_hash != second.model_hash
    with pytest.raises(TypeError, match="code_version"):
        make_model_record(None, data, code_version="", params={})
    with pytest.raises(TypeError, match="params"):
        make_model_record(None, data, code_version="v", params=[1])


# --- Data tests ------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_good_batches_pass_every_data_test(seed):
    batch = make_churn_data(1_000, seed=seed)
    assert require_valid_batch(batch, make_churn_spec()) is batch


def test_corrupted_batch_fails_the_right_rules_with_row_counts(data):
    bad = make_corrupted_batch(data, seed=0)
    failed = {r.rule: r.n_failing_rows for r in run_data_tests(bad, make_churn_spec())
              if not r.passed}
    assert failed == {"type of tenure_months": 600, "missing values in tenure_months": 90,
                      "range of age": 30, "values of plan": int((data["plan"] == "pro").sum()),
                      "mean of sessions_per_week": 600}
    with pytest.raises(DataValidationError, match="range of age: failed on 30 of 600 rows"):
        require_valid_batch(bad, make_churn_spec())


def test_a_missing_column_fails_the_schema_test(data):
    results = run_data_tests(data.drop(columns=["plan"]), make_churn_spec())
    assert not results[0].passed and "plan" in results[0].message


def test_data_tests_reject_bad_input(data):
    with pytest.raises(TypeError, match="spec"):
        run_data_tests(data, {"age": (0, 1)})
    with pytest.raises(TypeError, match="frame"):
        run_data_tests([1, 2], make_churn_spec())
    with pytest.raises(ValueError, match="frame"):
        make_corrupted_batch(data.drop(columns=["age"]))


# --- Data valuation --------------------------------------------------------------------------

def test_clean_slices_have_values_near_zero_and_a_broken_one_is_negative():
    validation = make_churn_data(4_000, seed=1_000)
    clean = compute_slice_values(make_churn_data(3_000, seed=0, partner_share=0.3), validation)
    assert np.abs(clean.value).max() < 0.01  # within measurement noise (SE ~ 0.007)
    broken = compute_slice_values(
        make_churn_data(3_000, seed=0, partner_share=0.3, partner_label_noise=0.8), validation)
    assert broken.slices[int(np.argmin(broken.value))] == "partner"
    assert broken.value.min() < -0.02 and broken.n_rows.sum() == 3_000
    assert np.allclose(broken.value, broken.accuracy_all - broken.accuracy_without)


def test_compute_slice_values_rejects_bad_input(data):
    with pytest.raises(TypeError, match="by"):
        compute_slice_values(data, data, by=3)
    with pytest.raises(ValueError, match="train"):
        compute_slice_values(data, data, by="no-such-column")
    with pytest.raises(ValueError, match="at least two slices"):
        compute_slice_values(data.assign(source="web"), data)


def test_plot_slice_values_is_a_titled_figure():
    fig = plot_slice_values(0.8, 0.3)
    assert isinstance(fig, Figure)
    assert "dropping 'partner' raises accuracy" in fig.axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="partner_share"):
        plot_slice_values(0.5, 0.95)


# --- Model size ------------------------------------------------------------------------------

def test_capacity_sweep_grows_with_trees_and_depth():
    sweep = capacity_sweep()
    assert sweep.max_depth.size == 28
    for depth in (2, 4, 8, 16):
        rows = sweep.max_depth == depth
        assert np.all(np.diff(sweep.disk_kb[rows]) > 0)
        assert np.all(np.diff(sweep.memory_kb[rows]) > 0)
    assert np.all(sweep.memory_kb < sweep.disk_kb)  # the pickle holds the arrays and more
    assert sweep.accuracy.max() - sweep.accuracy[sweep.row(8, 1)] > 0.03
    with pytest.raises(ValueError, match="max_depth"):
        sweep.row(3, 1)


def test_forest_of_k_trees_is_the_first_k_trees():
    data = make_churn_data(400, seed=0)
    grown = compute_capacity_sweep(data, data, max_depths=(4,), n_trees=(2, 8))
    alone = compute_capacity_sweep(data, data, max_depths=(4,), n_trees=(8,))
    assert grown.accuracy[1] == alone.accuracy[0] and grown.disk_kb[1] == alone.disk_kb[0]


@pytest.mark.parametrize("kwargs, match", [
    (dict(max_depths=()), "max_depths"), (dict(max_depths=(4, 2)), "max_depths"),
    (dict(n_trees=(0, 1)), "n_trees"), (dict(n_trees="12"), "n_trees"), (dict(seed=-2), "seed")])
def test_compute_capacity_sweep_rejects_bad_input(kwargs, match):
    data = make_churn_data(100, seed=0)
    with pytest.raises((ValueError, TypeError), match=match):
        compute_capacity_sweep(data, data, **kwargs)


def test_plot_capacity_says_whether_the_forest_fits():
    assert "does NOT fit" in plot_capacity(16, 64, budget_kb=100).axes[0].get_title(loc="left")
    assert " fits in 100 kB" in plot_capacity(2, 1, budget_kb=100).axes[0].get_title(loc="left")
    with pytest.raises(ValueError, match="n_trees"):
        plot_capacity(8, 3)
    with pytest.raises(ValueError, match="budget_kb"):
        plot_capacity(8, 8, budget_kb=0)


def test_features_are_columns_of_the_schema():
    assert set(FEATURES) < {c for c, _ in SCHEMA} and artifacts.LABEL not in FEATURES
