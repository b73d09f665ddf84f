"""Tests of mlsys.artifacts: data, content hashes, model records, data tests, valuation, size."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from updates import updates_match  # noqa: E402

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
    diff_manifests,
    make_churn_data,
    make_churn_spec,
    make_corrupted_batch,
    make_manifest,
    make_model_record,
    paired_standard_error,
    _smallest_within,
    plot_capacity,
    plot_slice_values,
    require_valid_batch,
    run_data_tests,
    slice_verdict,
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


# --- Large datasets: partitions and manifests -----------------------------------------------

@pytest.fixture(scope="module")
def days():
    return {f"day-{d}": make_churn_data(40, seed=d) for d in range(1, 6)}


def test_a_manifest_names_a_version_by_the_content_of_its_partitions(days):
    manifest = make_manifest(days)
    assert [name for name, _, _ in manifest.partitions] == sorted(days)
    assert manifest.size_bytes == len(manifest.text()) and len(manifest.version) == 64
    shuffled = {name: frame.sample(frac=1, random_state=1) for name, frame in days.items()}
    assert make_manifest(dict(reversed(list(shuffled.items())))).version == manifest.version
    changed = {**days, "day-3": days["day-3"].assign(age=days["day-3"]["age"] + 1)}
    assert make_manifest(changed).version != manifest.version


def test_a_manifest_costs_bytes_per_partition_not_per_row(days):
    small = make_manifest({"day-1": make_churn_data(10, seed=1)})
    large = make_manifest({"day-1": make_churn_data(10_000, seed=1)})
    assert large.size_bytes - small.size_bytes == len("10000") - len("10")


def test_diff_manifests_finds_added_removed_and_changed_partitions(days):
    later = {name: frame for name, frame in days.items() if name != "day-1"}
    later.update({"day-2": days["day-2"].iloc[:-1], "day-6": make_churn_data(40, seed=6)})
    diff = diff_manifests(make_manifest(days), make_manifest(later))
    assert diff == {"added": ("day-6",), "removed": ("day-1",), "changed": ("day-2",),
                    "unchanged": ("day-3", "day-4", "day-5")}


@pytest.mark.parametrize("partitions, error, match", [
    ({}, TypeError, "partitions"), ([1], TypeError, "partitions"),
    ({"day 1": None}, ValueError, "names"), ({"d": "not a table"}, TypeError, "partitions")])
def test_make_manifest_rejects_bad_input(partitions, error, match):
    with pytest.raises(error, match=match):
        make_manifest(partitions)


def test_diff_manifests_rejects_bad_input(days):
    with pytest.raises(TypeError, match="new"):
        diff_manifests(make_manifest(days), days)


# --- Data valuation --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def validation():
    return make_churn_data(4_000, seed=1_000)


def test_clean_slices_are_within_the_noise_and_a_broken_one_is_beyond_it(validation):
    clean = compute_slice_values(make_churn_data(3_000, seed=0, partner_share=0.3), validation)
    assert not clean.harmful.any() and not clean.helpful.any()
    assert np.all(np.abs(clean.value) < clean.noise_band)
    broken = compute_slice_values(
        make_churn_data(3_000, seed=0, partner_share=0.3, partner_label_noise=0.8), validation)
    assert broken.harmful.tolist() == [False, True, False]
    assert broken.helpful.tolist() == [True, False, True]
    assert broken.n_rows.sum() == 3_000 and broken.n_bootstrap == 40
    assert np.allclose(broken.value, broken.accuracy_all - broken.accuracy_without)
    assert np.allclose(broken.noise_band, 1.96 * broken.standard_error)


def test_the_fast_path_predicts_as_train_churn_model(validation):
    # One batch of fits: on every row, on a bootstrap resample (rows counted as often as they
    # were drawn) and without the partner's rows; each predicts as train_churn_model does.
    train = make_churn_data(2_000, seed=3, partner_label_noise=0.5)
    resample = np.random.default_rng(5).integers(0, len(train), len(train))
    subsets = [train, train.iloc[resample], train[train["source"] != "partner"]]
    weights = np.array([np.ones(len(train)), np.bincount(resample, minlength=len(train)),
                        (train["source"] != "partner").to_numpy()], dtype=float)
    fast = artifacts._fit_predict(artifacts._encode(train), train[LABEL].to_numpy(), weights,
                                  artifacts._encode(validation), 0.5)
    for rows, predicted in zip(subsets, fast):
        model = train_churn_model(rows, C=0.5)
        assert np.array_equal(predicted, model.predict(validation[list(FEATURES)]))


def test_the_point_values_are_the_models_of_train_churn_model(validation):
    train = make_churn_data(1_500, seed=2, partner_label_noise=0.6)
    values = compute_slice_values(train, validation, n_bootstrap=2)
    rest = train[train["source"] != "partner"]
    accuracy = train_churn_model(rest).score(validation[list(FEATURES)], validation[LABEL])
    assert values.accuracy_without[1] == pytest.approx(accuracy)


def test_the_bootstrap_band_is_seeded_and_wider_than_the_validation_noise_alone(validation):
    train = make_churn_data(3_000, seed=0, partner_share=0.3, partner_label_noise=0.8)
    first = compute_slice_values(train, validation, seed=4, n_bootstrap=10)
    again = compute_slice_values(train, validation, seed=4, n_bootstrap=10)
    assert np.array_equal(first.standard_error, again.standard_error)
    right_all = train_churn_model(train).predict(validation[list(FEATURES)]) == validation[LABEL]
    for index, name in enumerate(first.slices):
        rest = train[train["source"] != name]
        right = train_churn_model(rest).predict(validation[list(FEATURES)]) == validation[LABEL]
        paired = paired_standard_error(int((right & ~right_all).sum()),
                                       int((right_all & ~right).sum()), len(validation))
        assert first.standard_error[index] > paired


def test_paired_standard_error_is_the_standard_error_of_the_mean_row_difference():
    rng = np.random.default_rng(0)
    differences = rng.choice([1, -1, 0], size=4_000, p=[0.03, 0.02, 0.95])
    b, c = int((differences == 1).sum()), int((differences == -1).sum())
    assert paired_standard_error(b, c, 4_000) == pytest.approx(
        differences.std() / np.sqrt(4_000))
    assert paired_standard_error(70, 58, 4_000) == pytest.approx(np.sqrt(128) / 4_000, rel=1e-3)
    assert paired_standard_error(0, 0, 10) == 0


@pytest.mark.parametrize("args, match", [
    ((-1, 0, 10), "only_first_right"), ((1, 2.5, 10), "only_second_right"),
    ((6, 6, 10), "n_rows"), ((0, 0, 0), "n_rows")])
def test_paired_standard_error_rejects_bad_input(args, match):
    with pytest.raises((TypeError, ValueError), match=match):
        paired_standard_error(*args)


def test_compute_slice_values_rejects_bad_input(data):
    with pytest.raises(TypeError, match="by"):
        compute_slice_values(data, data, by=3)
    with pytest.raises(ValueError, match="train"):
        compute_slice_values(data, data, by="no-such-column")
    with pytest.raises(ValueError, match="at least two slices"):
        compute_slice_values(data.assign(source="web"), data)
    with pytest.raises(ValueError, match="n_bootstrap"):
        compute_slice_values(data, data, n_bootstrap=1)
    with pytest.raises(ValueError, match="C"):
        compute_slice_values(data, data, C=0)
    with pytest.raises(ValueError, match="only 0 and 1"):
        compute_slice_values(data.assign(churned=data["churned"] + 1), data)
    with pytest.raises(ValueError, match="both labels"):  # without the partner, no churner
        compute_slice_values(data.assign(churned=(data["source"] == "partner").astype(int)), data)
    with pytest.raises(TypeError, match="values"):
        slice_verdict({"value": 1})


def test_plot_slice_values_states_the_verdict_beyond_the_noise():
    fig = plot_slice_values(0.8, 0.3)
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_title(loc="left").endswith(
        "dropping 'partner' raises accuracy beyond the noise")
    assert plot_slice_values(0.0, 0.3).axes[0].get_title(loc="left").endswith(
        "no source harms beyond the noise")
    with pytest.raises(ValueError, match="partner_share"):
        plot_slice_values(0.5, 0.95)


# --- Printed text ----------------------------------------------------------------------------

def test_a_single_failed_data_test_is_one_test(data):
    with pytest.raises(DataValidationError, match="^batch rejected: 1 data test failed\n"):
        require_valid_batch(data.assign(age=data["age"] * 12), make_churn_spec())
    one_row = run_data_tests(data.iloc[:1].assign(age=500), make_churn_spec())
    assert "failed on 1 of 1 row (" in [r.message for r in one_row if not r.passed][0]


# --- Model size ------------------------------------------------------------------------------

def test_capacity_sweep_grows_with_trees_and_depth():
    sweep = capacity_sweep()
    assert sweep.max_depth.size == 28
    for depth in (2, 4, 8, 16):
        rows = sweep.max_depth == depth
        assert np.all(np.diff(sweep.disk_kb[rows]) > 0)
        assert np.all(np.diff(sweep.memory_kb[rows]) > 0)
    assert np.all(sweep.memory_kb < sweep.disk_kb)  # the pickle holds the arrays and more
    assert np.allclose(sweep.memory_kb * 1000, 80 * sweep.n_nodes)  # 64 + 2 x 8 bytes a node
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


def test_smallest_within_agrees_with_a_search_over_every_forest():
    sweep = capacity_sweep()
    for budget in (0, 0.5, 1, 2, 5, 100):
        accepted = [i for i in range(sweep.accuracy.size)
                    if 100 * sweep.accuracy[i] >= 100 * sweep.accuracy.max() - budget - 1e-9]
        chosen = _smallest_within(sweep, budget)
        assert chosen in accepted
        assert sweep.disk_kb[chosen] == min(sweep.disk_kb[i] for i in accepted)
    assert _smallest_within(sweep, 0) == int(np.argmax(sweep.accuracy))
    assert _smallest_within(sweep, 100) == int(np.argmin(sweep.disk_kb))


def test_capacity_sweep_is_the_chapter_sweep_at_its_defaults():
    sweep = capacity_sweep()
    again = compute_capacity_sweep(make_churn_data(3_000, seed=0), make_churn_data(3_000, seed=1))
    assert np.array_equal(sweep.accuracy, again.accuracy)
    assert np.array_equal(sweep.n_nodes, again.n_nodes)


def test_depth_caps_the_nodes_of_a_tree_whatever_the_rows():
    """A binary tree of depth d has at most 2**(d + 1) - 1 nodes; a deep one grows with rows."""
    small, large = capacity_sweep(300), capacity_sweep(1_000)
    for sweep in (small, large):
        for depth in (2, 4):
            rows = sweep.max_depth == depth
            assert np.all(sweep.n_nodes[rows] <= sweep.n_trees[rows] * (2 ** (depth + 1) - 1))
    deepest = small.row(16, 64)
    assert large.n_nodes[deepest] > 2 * small.n_nodes[deepest]


@pytest.mark.parametrize("kwargs, match", [
    (dict(n_train=10), "n_train"), (dict(n_train=300.5), "n_train"), (dict(seed=-1), "seed"),
    (dict(n_train="300"), "n_train")])
def test_capacity_sweep_rejects_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        capacity_sweep(**kwargs)


def test_plot_capacity_says_which_forest_ships_and_whether_it_fits():
    loose = plot_capacity(3_000, budget_points=100).axes[0].get_title(loc="left")
    sweep = capacity_sweep()
    smallest = int(np.argmin(sweep.disk_kb))
    assert f"{sweep.n_trees[smallest]} tree of depth {sweep.max_depth[smallest]}," in loose
    assert "fits in 100 kB" in loose and "within 100 points" in loose
    tight = plot_capacity(3_000, budget_points=0, device_kb=100).axes[0].get_title(loc="left")
    best = int(np.argmax(sweep.accuracy))
    assert f"{sweep.n_trees[best]} trees of depth {sweep.max_depth[best]}," in tight
    assert "does NOT fit in 100 kB" in tight
    assert "within 1 point of" in plot_capacity(300, 1).axes[0].get_title(loc="left")
    assert "3,000 training rows" in tight and f"{sweep.disk_kb.max():,.0f} kB" in tight


@pytest.mark.parametrize("kwargs, match", [
    (dict(budget_points=-1), "budget_points"), (dict(budget_points=101), "budget_points"),
    (dict(device_kb=0), "device_kb"), (dict(n_train=3), "n_train"),
    (dict(budget_points="1"), "budget_points")])
def test_plot_capacity_rejects_bad_input(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        plot_capacity(**kwargs)


def test_features_are_columns_of_the_schema():
    assert set(FEATURES) < {c for c, _ in SCHEMA} and artifacts.LABEL not in FEATURES


# --- Erasure, the bandwidth bound, the pandera schema ------------------------------------------

def _two_versions():
    days = {f"day-{d}": make_churn_data(60, seed=d) for d in range(1, 5)}
    corrected = days["day-2"].copy()
    corrected.loc[:2, LABEL] = 1 - corrected.loc[:2, LABEL]
    return {"v1": days, "v2": {**days, "day-2": corrected, "day-5": make_churn_data(60, seed=5)}}


IDENTIFIER = [*FEATURES, "source"]


def test_erasure_rewrites_every_stored_copy_and_repoints_every_version():
    versions = _two_versions()
    customer = versions["v1"]["day-2"].iloc[[1]]        # its label was corrected in v2
    plan = artifacts.plan_erasure(versions, customer, on=IDENTIFIER)
    assert len(plan.rewritten) == 2 and plan.repointed == ("v1", "v2")
    assert plan.rows_removed == 2 and plan.rows_rewritten == 2 * 59
    for version, manifest in plan.manifests.items():
        assert manifest.version != make_manifest(versions[version]).version
        day2 = dict((name, n) for name, n, _ in manifest.partitions)["day-2"]
        assert day2 == 59
    before = {digest for _, _, digest in make_manifest(versions["v1"]).partitions}
    assert {old for old, _, _ in plan.rewritten} & before  # the old copy is among them


def test_erasure_on_the_whole_row_misses_the_corrected_copy():
    versions = _two_versions()
    customer = versions["v1"]["day-2"].iloc[[1]]
    plan = artifacts.plan_erasure(versions, customer, on=list(customer.columns))
    assert len(plan.rewritten) == 1 and plan.repointed == ("v1",)


def test_erasure_of_a_row_only_in_the_new_day_touches_only_the_new_version():
    versions = _two_versions()
    plan = artifacts.plan_erasure(versions, versions["v2"]["day-5"].iloc[[0]], on=IDENTIFIER)
    assert plan.repointed == ("v2",) and plan.rows_rewritten == 59
    assert plan.manifests["v1"] == make_manifest(versions["v1"])


def test_erasure_of_an_absent_row_costs_nothing():
    versions = _two_versions()
    stranger = make_churn_data(1, seed=999)
    plan = artifacts.plan_erasure(versions, stranger, on=IDENTIFIER)
    assert plan.rewritten == () and plan.repointed == () and plan.rows_rewritten == 0


@pytest.mark.parametrize("kwargs, match", [
    (dict(versions={}), "versions"), (dict(versions={"v1": {}}), "versions"),
    (dict(on="age"), "on"), (dict(on=[]), "on"), (dict(on=["nope"]), "rows"),
    (dict(rows="row"), "rows")])
def test_plan_erasure_rejects_bad_input(kwargs, match):
    args = dict(versions=_two_versions(), rows=make_churn_data(1, seed=0), on=IDENTIFIER)
    args.update(kwargs)
    with pytest.raises((TypeError, ValueError), match=match):
        artifacts.plan_erasure(**args)


def test_weights_read_time_is_bytes_over_bandwidth():
    assert artifacts.weights_read_time_ms(7e9, 2, 1_000) == pytest.approx(14.0)
    assert artifacts.weights_read_time_ms(7e9, 0.5, 100) == pytest.approx(35.0)
    assert artifacts.weights_read_time_ms(1e6, 4, 4) == pytest.approx(1.0)


@pytest.mark.parametrize("args, match", [
    ((0, 2, 100), "n_parameters"), ((7e9, -1, 100), "bytes_per_parameter"),
    ((7e9, 2, 0), "bandwidth_gb_per_s"), ((7e9, 2, "fast"), "bandwidth_gb_per_s")])
def test_weights_read_time_rejects_bad_input(args, match):
    with pytest.raises((TypeError, ValueError), match=match):
        artifacts.weights_read_time_ms(*args)


def _hand_failures(batch):
    return tuple(sorted(r.rule for r in artifacts.run_data_tests(batch, make_churn_spec())
                        if not r.passed))


def test_pandera_schema_passes_good_batches_and_agrees_on_the_corrupted_one():
    schema = artifacts.make_churn_schema()
    for seed in range(3):
        good = make_churn_data(1_000, seed=seed)
        assert artifacts.schema_failures(schema, good) == () == _hand_failures(good)
        bad = make_corrupted_batch(good, seed=seed)
        assert artifacts.schema_failures(schema, bad) == _hand_failures(bad)
        assert len(_hand_failures(bad)) >= 5


@pytest.mark.parametrize("break_it", [
    lambda b: b.assign(income_k=b["income_k"] * 1_000),            # range and mean
    lambda b: b.assign(churned=b["churned"].replace({1: 2})),     # values and mean
    lambda b: b.drop(columns=["plan"]),                          # schema
    lambda b: b.assign(age=b["age"].astype(float))])              # type
def test_pandera_schema_agrees_on_each_single_corruption(break_it):
    bad = break_it(make_churn_data(500, seed=4))
    failures = artifacts.schema_failures(artifacts.make_churn_schema(), bad)
    assert failures and failures == _hand_failures(bad)


def test_schema_failures_rejects_bad_input():
    with pytest.raises(TypeError, match="schema"):
        artifacts.schema_failures(make_churn_spec(), make_churn_data(10, seed=0))
    with pytest.raises(TypeError, match="frame"):
        artifacts.schema_failures(artifacts.make_churn_schema(), "batch")


def test_the_slice_explorer_updates_in_place_as_a_new_figure_draws():
    # Corners and middle of the explorer's grid as a slider walks them (the bars change sign,
    # colour and hatch, the axis widens and narrows), and back to the start.
    points = [{"partner_label_noise": n, "partner_share": s}
              for n, s in [(0.8, 0.3), (0.0, 0.1), (1.0, 0.1), (1.0, 0.5), (0.0, 0.5),
                           (0.4, 0.3), (0.8, 0.3)]]
    assert updates_match(plot_slice_values, points) == []


def test_the_capacity_explorer_updates_in_place_as_a_new_figure_draws():
    # The explorer's corners and middle: the band and star move with the budget, every line
    # with the rows; then the live slider's rows between grid values, and back to the start.
    points = [{"n_train": n, "budget_points": b}
              for n, b in [(3_000, 1.0), (300, 0.5), (300, 5.0), (10_000, 5.0), (10_000, 0.5),
                           (1_000, 2.0), (3_000, 0.0), (3_000, 1.0)]]
    assert updates_match(plot_capacity, points, device_kb=100.0) == []
