"""Code, data and artifacts: dataset versions, data tests, data valuation and model size.

In traditional software, code and data are kept apart and only code is versioned and tested. An
ML system is code, data and the artifacts (models) made from both (Huyen, DMLS ch.1). This module
gives the chapter on that difference its data and its tools:

- `make_churn_data`: a seeded generator of customer-churn tables (the "data" of the system);
- `compute_dataset_hash`, `train_churn_model`, `compute_model_hash`, `make_model_record`: identify
  a dataset by its content and record what a model was made from;
- `make_churn_spec`, `run_data_tests`, `require_valid_batch`, `make_corrupted_batch`: data tests
  that stop a bad batch before training;
- `compute_slice_values`: leave-one-slice-out data valuation;
- `compute_capacity_sweep`, `plot_capacity`: accuracy against size of random forests.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.compose import make_column_transformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from mlsys._validate import check_choice, check_number
from mlsys.style import FIGSIZE, PALETTE, decorate

#: Subscription plans and data sources of the churn tables.
PLANS = ("free", "basic", "pro")
SOURCES = ("web", "app", "partner")
#: Columns the model reads, and the label it predicts.
FEATURES = ("age", "income_k", "tenure_months", "sessions_per_week", "plan")
LABEL = "churned"
#: Every column of a churn table, in order, with its kind.
SCHEMA = (("age", "int"), ("income_k", "float"), ("tenure_months", "int"),
          ("sessions_per_week", "float"), ("plan", "str"), ("source", "str"), ("churned", "int"))

_PLAN_SHARES = (0.5, 0.3, 0.2)


def _rng(seed) -> np.random.Generator:
    return np.random.default_rng(check_number("seed", seed, low=0, integer=True))


def _check_frame(name, frame, columns=()) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} must have the columns {list(columns)}; missing {missing}")
    if len(frame) == 0:
        raise ValueError(f"{name} must have at least one row; got an empty DataFrame")
    return frame


# ---------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------

def make_churn_data(n_rows=2_000, seed=0, *, partner_share=0.2,
                    partner_label_noise=0.0) -> pd.DataFrame:
    """Generate a table of customers and whether they churned (left) in the next month.

    Churn is more likely for short tenure, few sessions, the free plan, unusual incomes and
    young customers; the relation is not linear, so a linear model cannot fit it exactly. Rows
    come from three sources; the ``"partner"`` source can be broken: it records a fraction
    `partner_label_noise` of its churners as not churned (a systematic labelling error).

    Parameters
    ----------
    n_rows : int, default 2000
        Number of customers, ``>= 1``.
    seed : int, default 0
        Seed of the random generator.
    partner_share : float, default 0.2
        Share of rows from the partner source, between 0 and 1 (web and app share the rest 5:3).
    partner_label_noise : float, default 0.0
        Share of the partner's churners recorded as ``churned = 0``, between 0 and 1.

    Returns
    -------
    pandas.DataFrame
        Columns ``age`` (years), ``income_k`` (thousand USD a year), ``tenure_months``,
        ``sessions_per_week``, ``plan``, ``source`` and the label ``churned`` (0 or 1).

    Examples
    --------
    >>> data = make_churn_data(5, seed=1)
    >>> list(data.columns)
    ['age', 'income_k', 'tenure_months', 'sessions_per_week', 'plan', 'source', 'churned']
    >>> len(data), sorted(set(data["churned"]) | {0, 1})
    (5, [0, 1])
    """
    n_rows = check_number("n_rows", n_rows, low=1, integer=True)
    partner_share = check_number("partner_share", partner_share, low=0, high=1)
    partner_label_noise = check_number("partner_label_noise", partner_label_noise, low=0, high=1)
    rng = _rng(seed)
    age = rng.integers(18, 80, n_rows)
    income_k = np.round(rng.lognormal(np.log(45), 0.5, n_rows), 1)
    tenure = rng.integers(0, 121, n_rows)
    sessions = np.round(rng.gamma(2.0, 2.0, n_rows), 1)
    plan = rng.choice(PLANS, n_rows, p=_PLAN_SHARES)
    rest = 1 - partner_share
    source = rng.choice(SOURCES, n_rows, p=(rest * 5 / 8, rest * 3 / 8, partner_share))
    logit = (1.2 - 0.03 * tenure - 0.35 * sessions + 1.5 * np.sin(sessions)
             + 1.0 * (plan == "free") - 0.5 * (plan == "pro")
             + 0.6 * ((income_k - 45) / 25) ** 2 - 0.02 * (age - 45))
    churned = (rng.random(n_rows) < 1 / (1 + np.exp(-logit))).astype(np.int64)
    mislabelled = (source == "partner") & (churned == 1) & (rng.random(n_rows) < partner_label_noise)
    churned[mislabelled] = 0
    return pd.DataFrame({"age": age.astype(np.int64), "income_k": income_k,
                         "tenure_months": tenure.astype(np.int64), "sessions_per_week": sessions,
                         "plan": plan, "source": source, LABEL: churned})


# ---------------------------------------------------------------------------------------------
# Versions: content hashes and model records
# ---------------------------------------------------------------------------------------------

def compute_dataset_hash(frame, ignore_row_order=True) -> str:
    """Return the SHA-256 of a table's content, as 64 hexadecimal characters.

    The table is written as CSV text (a header line, then one line per row, no index); with
    `ignore_row_order` the row lines are sorted first, so a shuffled copy has the same hash.
    Duplicated rows are kept: dropping or adding a copy of a row changes the hash.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (at least one row). The index is not part of the content.
    ignore_row_order : bool, default True
        Whether rows in another order count as the same dataset.

    Returns
    -------
    str
        The hexadecimal digest.

    Examples
    --------
    >>> data = make_churn_data(100, seed=0)
    >>> shuffled = data.sample(frac=1, random_state=1)
    >>> compute_dataset_hash(shuffled) == compute_dataset_hash(data)
    True
    >>> compute_dataset_hash(shuffled, ignore_row_order=False) == compute_dataset_hash(data)
    False
    """
    frame = _check_frame("frame", frame)
    if not isinstance(ignore_row_order, (bool, np.bool_)):
        raise TypeError(f"ignore_row_order must be True or False; got {ignore_row_order!r}")
    header, *rows = frame.to_csv(index=False, lineterminator="\n").splitlines()
    if ignore_row_order:
        rows.sort()
    return hashlib.sha256("\n".join([header, *rows]).encode("utf-8")).hexdigest()


def train_churn_model(frame, C=1.0) -> Pipeline:
    """Train the chapter's churn model: one-hot plan, scaled numbers, logistic regression.

    Rows are put in a canonical order (sorted by every column) before fitting, so two tables
    with the same content give bit-for-bit the same model whatever their row order: floating-
    point sums depend on the order of their terms.

    Parameters
    ----------
    frame : pandas.DataFrame
        A churn table with the columns `FEATURES` and `LABEL`.
    C : float, default 1.0
        Inverse regularisation strength of the logistic regression, ``> 0``.

    Returns
    -------
    sklearn.pipeline.Pipeline
        The fitted pipeline.

    Examples
    --------
    >>> model = train_churn_model(make_churn_data(300, seed=0))
    >>> model.predict_proba(make_churn_data(2, seed=1)[list(FEATURES)]).shape
    (2, 2)
    """
    frame = _check_frame("frame", frame, (*FEATURES, LABEL))
    C = check_number("C", C, low=0, low_open=True)
    canonical = frame.sort_values(list(frame.columns), kind="stable")
    encode = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), ["plan"]),
                                     remainder=StandardScaler())
    model = make_pipeline(encode, LogisticRegression(C=C, solver="newton-cholesky"))
    return model.fit(canonical[list(FEATURES)], canonical[LABEL])


def compute_model_hash(model) -> str:
    """Return the SHA-256 of a model's serialised bytes (pickle protocol 5), in hexadecimal.

    Parameters
    ----------
    model : object
        A fitted model (anything picklable).

    Returns
    -------
    str
        64 hexadecimal characters; equal hashes mean byte-identical artifacts.

    Examples
    --------
    >>> data = make_churn_data(200, seed=0)
    >>> compute_model_hash(train_churn_model(data)) == compute_model_hash(train_churn_model(data))
    True
    """
    if model is None:
        raise TypeError("model must be a fitted model; got None")
    return hashlib.sha256(pickle.dumps(model, protocol=5)).hexdigest()


@dataclass(frozen=True)
class ModelRecord:
    """What a model artifact was made from: enough to make it again."""

    data_hash: str      # SHA-256 of the training table's content (row order ignored)
    code_version: str   # version of the training code, e.g. a git commit or a release tag
    params: tuple       # training parameters as sorted (name, value) pairs
    model_hash: str     # SHA-256 of the serialised model


def make_model_record(model, frame, *, code_version, params) -> ModelRecord:
    """Record the lineage of a trained model: data hash + code version + parameters -> model.

    Parameters
    ----------
    model : object
        The fitted model (picklable).
    frame : pandas.DataFrame
        The table it was trained on.
    code_version : str
        A non-empty name of the training code's version.
    params : dict
        Training parameters (names to values).

    Returns
    -------
    ModelRecord

    Examples
    --------
    >>> data = make_churn_data(200, seed=0)
    >>> record = make_model_record(train_churn_model(data, C=0.5), data,
    ...                            code_version="churn-1.0", params={"C": 0.5})
    >>> record.params, len(record.model_hash)
    ((('C', 0.5),), 64)
    """
    if not isinstance(code_version, str) or not code_version:
        raise TypeError(f"code_version must be a non-empty str; got {code_version!r}")
    if not isinstance(params, Mapping):
        raise TypeError(f"params must be a dict of parameter names to values; got {params!r}")
    return ModelRecord(compute_dataset_hash(frame), code_version,
                       tuple(sorted(params.items())), compute_model_hash(model))


# ---------------------------------------------------------------------------------------------
# Data tests
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DataSpec:
    """What a good batch looks like: the expectations the data tests check."""

    schema: tuple           # (column, kind) pairs, kind "int", "float" or "str"
    ranges: tuple           # (column, low, high): every value within [low, high]
    categories: tuple       # (column, allowed values)
    max_missing_rate: float  # largest share of missing values allowed in any column
    mean_bounds: tuple      # (column, low, high): the batch mean within [low, high]


@dataclass(frozen=True)
class DataTestResult:
    """The verdict of one data test on one batch."""

    rule: str            # e.g. "range of age"
    passed: bool
    n_failing_rows: int  # rows that break the rule (for a batch-level rule: all rows, or 0)
    message: str         # what was found, in words


def make_churn_spec() -> DataSpec:
    """Return the expectations of a good churn batch (from the generator's design).

    Returns
    -------
    DataSpec

    Examples
    --------
    >>> spec = make_churn_spec()
    >>> spec.categories[-1]
    ('churned', (0, 1))
    """
    return DataSpec(
        schema=SCHEMA,
        ranges=(("age", 18, 100), ("income_k", 0, 1_000), ("tenure_months", 0, 240),
                ("sessions_per_week", 0, 100)),
        categories=(("plan", PLANS), ("source", SOURCES), (LABEL, (0, 1))),
        max_missing_rate=0.01,
        mean_bounds=(("income_k", 35, 65), ("sessions_per_week", 2.5, 6), (LABEL, 0.2, 0.55)),
    )


_KIND_TESTS = {"int": pd.api.types.is_integer_dtype, "float": pd.api.types.is_float_dtype,
               "str": lambda dtype: pd.api.types.is_string_dtype(dtype)
               or pd.api.types.is_object_dtype(dtype)}


def _test(rule, n_failing, n_rows, found) -> DataTestResult:
    if n_failing == 0:
        return DataTestResult(rule, True, 0, f"{rule}: ok")
    return DataTestResult(rule, False, int(n_failing),
                          f"{rule}: failed on {n_failing} of {n_rows} rows ({found})")


def run_data_tests(frame, spec) -> tuple:
    """Run every data test of `spec` on a batch and return one result per test.

    Tests, in order: schema (each column present), type of each column, missing-value rate of
    each column, range of each numeric column, allowed values of each categorical column, and
    bounds on the batch mean of selected columns. A test of a missing column fails on every row.

    Parameters
    ----------
    frame : pandas.DataFrame
        The batch (at least one row).
    spec : DataSpec
        The expectations, e.g. `make_churn_spec()`.

    Returns
    -------
    tuple of DataTestResult

    Examples
    --------
    >>> results = run_data_tests(make_churn_data(500, seed=3), make_churn_spec())
    >>> all(result.passed for result in results)
    True
    """
    frame = _check_frame("frame", frame)
    if not isinstance(spec, DataSpec):
        raise TypeError(f"spec must be a DataSpec, e.g. make_churn_spec(); got {type(spec).__name__}")
    n_rows = len(frame)
    present = set(frame.columns)
    results = [_test("schema", n_rows * (len({c for c, _ in spec.schema} - present) > 0), n_rows,
                     f"missing columns {sorted({c for c, _ in spec.schema} - present)}")]
    for column, kind in spec.schema:
        if column in present and not _KIND_TESTS[kind](frame[column].dtype):
            results.append(_test(f"type of {column}", n_rows, n_rows,
                                 f"dtype {frame[column].dtype}, expected {kind}"))
        elif column in present:
            results.append(_test(f"type of {column}", 0, n_rows, ""))
    for column, _ in spec.schema:
        if column in present:
            n_missing = int(frame[column].isna().sum())
            rate = n_missing / n_rows
            results.append(_test(f"missing values in {column}",
                                 n_missing if rate > spec.max_missing_rate else 0, n_rows,
                                 f"{rate:.1%} missing, at most {spec.max_missing_rate:.1%} allowed"))
    for column, low, high in spec.ranges:
        if column in present:
            values = pd.to_numeric(frame[column], errors="coerce")
            outside = int(((values < low) | (values > high)).sum())
            results.append(_test(f"range of {column}", outside, n_rows,
                                 f"values outside [{low:g}, {high:g}]"))
    for column, allowed in spec.categories:
        if column in present:
            values = frame[column].dropna()
            unknown = values[~values.isin(allowed)]
            results.append(_test(f"values of {column}", len(unknown), n_rows,
                                 f"unexpected {sorted(map(str, set(unknown)))[:3]}"))
    for column, low, high in spec.mean_bounds:
        if column in present:
            mean = pd.to_numeric(frame[column], errors="coerce").mean()
            inside = low <= mean <= high
            results.append(_test(f"mean of {column}", 0 if inside else n_rows, n_rows,
                                 f"batch mean {mean:.3g}, expected [{low:g}, {high:g}]"))
    return tuple(results)


class DataValidationError(ValueError):
    """A batch broke data tests; `failures` holds the failing `DataTestResult`s."""

    def __init__(self, failures):
        self.failures = tuple(failures)
        lines = [f"batch rejected: {len(self.failures)} data test(s) failed"]
        lines += [f"  - {failure.message}" for failure in self.failures]
        super().__init__("\n".join(lines))


def require_valid_batch(frame, spec) -> pd.DataFrame:
    """Return `frame` unchanged if it passes every data test of `spec`; raise otherwise.

    Call it before training: a bad batch then stops the pipeline with a message that names each
    failing rule and the number of rows that break it.

    Parameters
    ----------
    frame : pandas.DataFrame
        The batch.
    spec : DataSpec
        The expectations.

    Returns
    -------
    pandas.DataFrame
        `frame` itself.

    Raises
    ------
    DataValidationError
        When any test fails (a subclass of ValueError).

    Examples
    --------
    >>> good = make_churn_data(300, seed=0)
    >>> require_valid_batch(good, make_churn_spec()) is good
    True
    """
    failures = [result for result in run_data_tests(frame, spec) if not result.passed]
    if failures:
        raise DataValidationError(failures)
    return frame


def make_corrupted_batch(frame, seed=0) -> pd.DataFrame:
    """Return a copy of a churn batch broken the way real pipelines break.

    - 5% of ages were recorded in months instead of years (range);
    - 15% of tenures are missing, which turns the integer column into floats (type, missing);
    - the plan ``"pro"`` was renamed ``"Pro"`` by an upstream change (allowed values);
    - sessions were reported per month instead of per week (distribution).

    Parameters
    ----------
    frame : pandas.DataFrame
        A good churn batch (with the columns of `SCHEMA`).
    seed : int, default 0
        Seed of the generator that picks the corrupted rows.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> bad = make_corrupted_batch(make_churn_data(200, seed=0))
    >>> str(bad["tenure_months"].dtype), int(bad["tenure_months"].isna().sum())
    ('float64', 30)
    """
    frame = _check_frame("frame", frame, [c for c, _ in SCHEMA]).copy()
    rng = _rng(seed)
    n_rows = len(frame)
    months = rng.choice(n_rows, size=round(0.05 * n_rows), replace=False)
    frame.loc[frame.index[months], "age"] = frame["age"].iloc[months] * 12
    tenure = frame["tenure_months"].astype(float)
    tenure.iloc[rng.choice(n_rows, size=round(0.15 * n_rows), replace=False)] = np.nan
    frame["tenure_months"] = tenure
    frame["plan"] = frame["plan"].replace({"pro": "Pro"})
    frame["sessions_per_week"] = (frame["sessions_per_week"] * 4.3).round(1)
    return frame


# ---------------------------------------------------------------------------------------------
# Data valuation
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class SliceValues:
    """Leave-one-slice-out values: how much validation accuracy each slice of rows adds."""

    slices: tuple             # slice names, e.g. data sources
    n_rows: np.ndarray        # training rows in each slice
    accuracy_all: float       # validation accuracy trained on every row, 0-1
    accuracy_without: np.ndarray  # validation accuracy trained without each slice, 0-1
    value: np.ndarray         # accuracy_all - accuracy_without: > 0 helps, < 0 harms


def compute_slice_values(train, validation, by="source", C=1.0) -> SliceValues:
    """Value each slice of the training rows by training without it (leave one slice out).

    The value of a slice is the validation accuracy of the model trained on all rows minus that
    of the model trained without the slice, in accuracy points (0-1). A negative value means the
    model is better off without those rows.

    Parameters
    ----------
    train : pandas.DataFrame
        Training rows, with the columns `FEATURES`, `LABEL` and `by`.
    validation : pandas.DataFrame
        Clean held-out rows with `FEATURES` and `LABEL`.
    by : str, default "source"
        Column whose values define the slices; every slice must leave some rows behind.
    C : float, default 1.0
        Regularisation of `train_churn_model`, ``> 0``.

    Returns
    -------
    SliceValues

    Examples
    --------
    >>> train = make_churn_data(1_000, seed=0, partner_label_noise=1.0)
    >>> values = compute_slice_values(train, make_churn_data(1_000, seed=1))
    >>> values.slices, bool(values.value[1] < 0)
    (('app', 'partner', 'web'), True)
    """
    if not isinstance(by, str):
        raise TypeError(f"by must be a column name (str); got {by!r}")
    train = _check_frame("train", train, (*FEATURES, LABEL, by))
    validation = _check_frame("validation", validation, (*FEATURES, LABEL))
    slices = tuple(sorted(train[by].unique(), key=str))
    if len(slices) < 2:
        raise ValueError(f"train[{by!r}] must hold at least two slices; got {slices}")

    def accuracy(rows):
        model = train_churn_model(rows, C=C)
        return float(model.score(validation[list(FEATURES)], validation[LABEL]))

    accuracy_all = accuracy(train)
    without = np.array([accuracy(train[train[by] != name]) for name in slices])
    n_rows = np.array([int((train[by] == name).sum()) for name in slices])
    return SliceValues(slices, n_rows, accuracy_all, without, accuracy_all - without)


@functools.lru_cache(maxsize=64)
def _slice_values(partner_label_noise, partner_share, seed) -> SliceValues:
    train = make_churn_data(3_000, seed=seed, partner_share=partner_share,
                            partner_label_noise=partner_label_noise)
    return compute_slice_values(train, make_churn_data(4_000, seed=seed + 1_000))


def plot_slice_values(partner_label_noise=0.8, partner_share=0.3, seed=0) -> Figure:
    """Bar chart of each source's leave-one-out value, for a partner source with broken labels.

    Trains on 3,000 generated rows (the partner's churners mislabelled at rate
    `partner_label_noise`) and validates on 4,000 clean rows.

    Parameters
    ----------
    partner_label_noise : float, default 0.8
        Share of the partner's churners recorded as not churned, between 0 and 1.
    partner_share : float, default 0.3
        Share of training rows from the partner, between 0.05 and 0.9.
    seed : int, default 0
        Seed of the training rows (validation uses ``seed + 1000``).

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_slice_values(0.0, 0.3)
    >>> fig.axes[0].get_xlabel()
    'change in validation accuracy when the slice is removed (points)'
    """
    noise = check_number("partner_label_noise", partner_label_noise, low=0, high=1)
    share = check_number("partner_share", partner_share, low=0.05, high=0.9)
    seed = check_number("seed", seed, low=0, integer=True)
    values = _slice_values(noise, share, seed)
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    ax = fig.subplots()
    gain_points = -100 * values.value  # what removing the slice does to accuracy
    hatches = ["//" if gain > 0 else "" for gain in gain_points]
    colours = [PALETTE["vermillion"] if gain > 0 else PALETTE["blue"] for gain in gain_points]
    bars = ax.barh(values.slices, gain_points, color=colours, hatch=hatches, edgecolor="black")
    ax.bar_label(bars, labels=[f"{g:+.1f}" for g in gain_points], padding=3)
    ax.axvline(0, color=PALETTE["black"], lw=1)
    limit = max(2.0, 1.3 * float(np.abs(gain_points).max()))
    ax.set_xlim(-limit, limit)
    worst = values.slices[int(np.argmin(values.value))]
    verdict = (f"dropping '{worst}' raises accuracy" if values.value.min() < 0
               else "every source helps")
    title = (f"Partner mislabels {noise:.0%} of churners, {share:.0%} of rows: {verdict}\n"
             f"(accuracy with all rows {values.accuracy_all:.1%}; hatched bars = harmful slice)")
    return decorate(ax, xlabel="change in validation accuracy when the slice is removed (points)",
                    ylabel="data source", title=title).figure


# ---------------------------------------------------------------------------------------------
# Model size
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class CapacitySweep:
    """Random forests of growing capacity: accuracy, size on disk and memory (aligned arrays)."""

    max_depth: np.ndarray   # depth limit of each tree
    n_trees: np.ndarray     # trees in the forest
    accuracy: np.ndarray    # test accuracy, 0-1
    disk_kb: np.ndarray     # pickled size, kB (1 kB = 1000 bytes)
    memory_kb: np.ndarray   # bytes of the trees' node and value arrays, kB

    def row(self, max_depth, n_trees) -> int:
        """Index of the forest with this depth and number of trees."""
        match = np.flatnonzero((self.max_depth == max_depth) & (self.n_trees == n_trees))
        if match.size == 0:
            raise ValueError(f"no forest with max_depth={max_depth!r} and n_trees={n_trees!r} "
                             f"in the sweep; depths {sorted(set(self.max_depth.tolist()))}, "
                             f"trees {sorted(set(self.n_trees.tolist()))}")
        return int(match[0])


def _check_counts(name, values, low) -> tuple:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise TypeError(f"{name} must be a sequence of integers >= {low}; got {values!r}")
    checked = tuple(check_number(f"{name}[{i}]", v, low=low, integer=True)
                    for i, v in enumerate(values))
    if not checked or list(checked) != sorted(set(checked)):
        raise ValueError(f"{name} must be a non-empty increasing sequence; got {values!r}")
    return checked


def _forest_memory_bytes(forest) -> int:
    total = 0
    for tree in forest.estimators_:
        state = tree.tree_.__getstate__()
        total += state["nodes"].nbytes + state["values"].nbytes
    return total


def compute_capacity_sweep(train, test, max_depths=(2, 4, 8, 16),
                           n_trees=(1, 2, 4, 8, 16, 32, 64), seed=0) -> CapacitySweep:
    """Train random forests of every depth and size and measure accuracy, disk and memory.

    For each depth, one forest grows tree by tree (``warm_start``), so the forest with k trees
    is exactly the first k trees of the largest one.

    Parameters
    ----------
    train, test : pandas.DataFrame
        Churn tables with the columns `FEATURES` and `LABEL`.
    max_depths : sequence of int, default (2, 4, 8, 16)
        Depth limits, increasing, each ``>= 1``.
    n_trees : sequence of int, default (1, 2, 4, ..., 64)
        Forest sizes, increasing, each ``>= 1``.
    seed : int, default 0
        Random state of the forests.

    Returns
    -------
    CapacitySweep
        One row per (depth, number of trees), depth-major.

    Examples
    --------
    >>> data = make_churn_data(400, seed=0)
    >>> sweep = compute_capacity_sweep(data, data, max_depths=(2, 4), n_trees=(1, 4))
    >>> sweep.n_trees.tolist(), bool(sweep.disk_kb[3] > sweep.disk_kb[0])
    ([1, 4, 1, 4], True)
    """
    train = _check_frame("train", train, (*FEATURES, LABEL))
    test = _check_frame("test", test, (*FEATURES, LABEL))
    max_depths = _check_counts("max_depths", max_depths, 1)
    n_trees = _check_counts("n_trees", n_trees, 1)
    seed = check_number("seed", seed, low=0, integer=True)
    rows = []
    for depth in max_depths:
        forest = RandomForestClassifier(n_estimators=n_trees[0], max_depth=depth,
                                        random_state=seed, warm_start=True)
        model = make_pipeline(make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["plan"]), remainder="passthrough"), forest)
        for count in n_trees:
            model.set_params(randomforestclassifier__n_estimators=count)
            model.fit(train[list(FEATURES)], train[LABEL])
            accuracy = model.score(test[list(FEATURES)], test[LABEL])
            rows.append((depth, count, accuracy, len(pickle.dumps(model, protocol=5)) / 1000,
                         _forest_memory_bytes(forest) / 1000))
    depth, count, accuracy, disk_kb, memory_kb = map(np.array, zip(*rows))
    return CapacitySweep(depth, count, accuracy, disk_kb, memory_kb)


@functools.lru_cache(maxsize=1)
def capacity_sweep() -> CapacitySweep:
    """The chapter's sweep: 3,000 training and 3,000 test rows (seeds 0 and 1), cached.

    Examples
    --------
    >>> capacity_sweep().max_depth.size
    28
    """
    return compute_capacity_sweep(make_churn_data(3_000, seed=0), make_churn_data(3_000, seed=1))


def plot_capacity(max_depth=8, n_trees=8, budget_kb=100.0) -> Figure:
    """Accuracy against size on disk for every forest of the sweep, one forest highlighted.

    Parameters
    ----------
    max_depth : int, default 8
        Depth of the highlighted forest (one of 2, 4, 8, 16).
    n_trees : int, default 8
        Trees of the highlighted forest (one of 1, 2, 4, ..., 64).
    budget_kb : float, default 100.0
        Storage a small device can give the model, kB, ``> 0``.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_capacity(4, 8, budget_kb=100)
    >>> "fits" in fig.axes[0].get_title(loc="left")
    True
    """
    sweep = capacity_sweep()
    check_choice("max_depth", max_depth, sorted(set(sweep.max_depth.tolist())))
    check_choice("n_trees", n_trees, sorted(set(sweep.n_trees.tolist())))
    budget_kb = check_number("budget_kb", budget_kb, low=0, low_open=True, unit="kB")
    fig = Figure(figsize=FIGSIZE, layout="constrained")
    ax = fig.subplots()
    markers = ["o", "s", "^", "D"]
    styles = ["-", "--", "-.", ":"]
    colours = [PALETTE[c] for c in ("blue", "orange", "green", "purple")]
    for depth, marker, style, colour in zip(sorted(set(sweep.max_depth.tolist())), markers,
                                            styles, colours):
        rows = sweep.max_depth == depth
        ax.plot(sweep.disk_kb[rows], 100 * sweep.accuracy[rows], marker=marker,
                linestyle=style, color=colour, label=f"depth {depth}")
    ax.axvspan(budget_kb, sweep.disk_kb.max() * 2, color=PALETTE["black"], alpha=0.08,
               label=f"over the {budget_kb:g} kB budget")
    chosen = sweep.row(max_depth, n_trees)
    size_kb, accuracy = sweep.disk_kb[chosen], sweep.accuracy[chosen]
    ax.plot(size_kb, 100 * accuracy, marker="*", ms=18, color=PALETTE["vermillion"],
            linestyle="none", markeredgecolor="black", label="chosen forest")
    ax.set_xscale("log")
    ax.set_xlim(sweep.disk_kb.min() / 1.5, sweep.disk_kb.max() * 1.5)
    fits = "fits" if size_kb <= budget_kb else "does NOT fit"
    title = (f"{n_trees} trees of depth {max_depth}: {accuracy:.1%} accurate, {size_kb:,.0f} kB "
             f"on disk, {fits} in {budget_kb:g} kB")
    decorate(ax, xlabel="model size on disk (kB, log scale)", ylabel="test accuracy (%)",
             title=title)
    ax.legend(loc="lower right", ncols=2)
    return fig
