"""Code, data and artifacts: dataset versions, data tests, data valuation and model size.

In traditional software, code and data are kept apart and only code is versioned and tested. An
ML system is code, data and the artifacts (models) made from both (Huyen, DMLS ch.1). This module
gives the chapter on that difference its data and its tools:

- `make_churn_data`: a seeded generator of customer-churn tables (the "data" of the system);
- `compute_dataset_hash`, `train_churn_model`, `compute_model_hash`, `make_model_record`: identify
  a dataset by its content and record what a model was made from;
- `make_manifest`, `diff_manifests`: version a dataset too large to copy as a manifest of the
  content hashes of its immutable partitions; `plan_erasure`: what deleting a row from every
  version costs;
- `make_churn_spec`, `run_data_tests`, `require_valid_batch`, `make_corrupted_batch`: data tests
  that stop a bad batch before training; `make_churn_schema`, `schema_failures`: the same checks
  as a pandera schema;
- `compute_slice_values`, `paired_standard_error`, `plot_slice_values`: leave-one-slice-out data
  valuation with a bootstrap noise band;
- `compute_capacity_sweep`, `capacity_sweep`, `plot_capacity`: accuracy against size of random
  forests, and the smallest within an accuracy budget as the training rows grow;
- `weights_read_time_ms`: the memory-bandwidth lower bound on the time per prediction;
"""

from __future__ import annotations

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

from mlsys._threads import one_thread
from mlsys._validate import check_number
from mlsys.drawing import cached, keep, reuse
from mlsys.style import FIGSIZE, PALETTE, decorate, format_count

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


@dataclass(frozen=True)
class DatasetManifest:
    """A dataset version as a list of immutable partitions named by their content hashes."""

    partitions: tuple   # (name, n_rows, content hash) per partition, sorted by name

    def text(self) -> str:
        """The manifest as text, one line ``name n_rows hash`` per partition."""
        return "".join(f"{name} {n_rows} {digest}\n" for name, n_rows, digest in self.partitions)

    @property
    def size_bytes(self) -> int:
        """Bytes of the manifest's text: what storing this version costs beyond its partitions."""
        return len(self.text().encode("utf-8"))

    @property
    def version(self) -> str:
        """SHA-256 of the manifest's text: the name of the dataset version."""
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()


def make_manifest(partitions) -> DatasetManifest:
    """Return the manifest of a dataset stored as named partitions (for example one per day).

    Each partition is named by `compute_dataset_hash` of its rows, so the manifest, and the
    version hash made from it, change exactly when some partition's content changes. A store
    that keeps partitions by hash and never overwrites one can then serve every version ever
    recorded, while a new version costs only its new partitions and a manifest of a few bytes
    per partition.

    Parameters
    ----------
    partitions : dict
        Partition name (a non-empty str) -> pandas.DataFrame of its rows; at least one.

    Returns
    -------
    DatasetManifest

    Examples
    --------
    >>> days = {"day-1": make_churn_data(50, seed=1), "day-2": make_churn_data(50, seed=2)}
    >>> manifest = make_manifest(days)
    >>> [name for name, _, _ in manifest.partitions], len(manifest.version)
    (['day-1', 'day-2'], 64)
    """
    if not isinstance(partitions, Mapping) or not partitions:
        raise TypeError(f"partitions must be a non-empty dict of names to DataFrames; "
                        f"got {type(partitions).__name__}")
    entries = []
    for name, frame in partitions.items():
        if not isinstance(name, str) or not name or any(c.isspace() for c in name):
            raise ValueError(f"partition names must be non-empty str without spaces; "
                             f"got {name!r}")
        frame = _check_frame(f"partitions[{name!r}]", frame)
        entries.append((name, len(frame), compute_dataset_hash(frame)))
    return DatasetManifest(tuple(sorted(entries)))


def diff_manifests(old, new) -> dict:
    """Compare two dataset versions partition by partition.

    Parameters
    ----------
    old, new : DatasetManifest
        The earlier and the later version.

    Returns
    -------
    dict
        ``"added"``, ``"removed"``, ``"changed"`` (same name, other content) and
        ``"unchanged"``: tuples of partition names, sorted. A store that already holds `old`
        must store the added and changed partitions to hold `new`.

    Examples
    --------
    >>> days = {"day-1": make_churn_data(50, seed=1)}
    >>> later = {**days, "day-2": make_churn_data(50, seed=2)}
    >>> diff_manifests(make_manifest(days), make_manifest(later))["added"]
    ('day-2',)
    """
    for name, manifest in (("old", old), ("new", new)):
        if not isinstance(manifest, DatasetManifest):
            raise TypeError(f"{name} must be a DatasetManifest from make_manifest; "
                            f"got {type(manifest).__name__}")
    before = {name: digest for name, _, digest in old.partitions}
    after = {name: digest for name, _, digest in new.partitions}
    return {"added": tuple(sorted(after.keys() - before.keys())),
            "removed": tuple(sorted(before.keys() - after.keys())),
            "changed": tuple(sorted(n for n in after.keys() & before.keys()
                                    if after[n] != before[n])),
            "unchanged": tuple(sorted(n for n in after.keys() & before.keys()
                                      if after[n] == before[n]))}


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
                          f"{rule}: failed on {n_failing:,} of {format_count(n_rows, 'row')} ({found})")


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
        lines = [f"batch rejected: {format_count(len(self.failures), 'data test')} failed"]
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

#: Half-width of the noise band in standard errors: a 95% band for a normal estimate.
NOISE_Z = 1.96
_NUMERIC = ("age", "income_k", "tenure_months", "sessions_per_week")
#: Stopping rule and iteration limit of `LogisticRegression`, which `_fit_predict` follows.
_TOL, _MAX_ITER = 1e-4, 100


def _encode(frame) -> np.ndarray:
    """The churn model's inputs before scaling: one-hot plan (sorted plans), then the numbers."""
    plan = frame["plan"].to_numpy()
    one_hot = [(plan == name).astype(float) for name in sorted(PLANS)]
    return np.column_stack([*one_hot, *(frame[c].to_numpy(dtype=float) for c in _NUMERIC)])


def _fit_predict(X, y, weights, X_eval, C) -> np.ndarray:
    """`train_churn_model` fitted once per row of `weights`; each fit's predictions for `X_eval`.

    ``weights[b, i]`` is how often training row ``i`` counts in fit ``b`` (0 leaves it out; a
    bootstrap resample is its multiplicities): the same objective as fitting on those rows. All
    fits run as one batch of sklearn's newton-cholesky iterations, step for step: the numbers
    standardised on the fit's rows, zero start, Newton step, backtracking line search, and the
    stop at max |gradient| <= 1e-4 with half the Newton decrement <= 1e-4. The scaled rows are
    never built: they are ``[X, 1] @ M`` for a per-fit matrix ``M``, so one product of the raw
    rows serves every fit. The coefficients agree with sklearn's to rounding, so the predictions
    are the same (`tests/test_artifacts.py` checks it). Where sklearn would fall back to another
    solver (a singular Hessian, a failing line search), this raises. Returns a bool array
    (fits, eval rows): whether each fit predicts churn for each row of `X_eval`.
    """
    n_fits, n = weights.shape
    d = X.shape[1] + 1                                   # coefficients and the intercept
    numbers = np.arange(len(PLANS), X.shape[1])
    rows = np.hstack([X, np.ones((n, 1))])
    total = weights.sum(axis=1)
    w = weights / total[:, None]
    mean = w @ X[:, numbers]
    scale = np.sqrt(np.einsum("bn,bnj->bj", w, (X[None, :, numbers] - mean[:, None]) ** 2))
    scale[scale == 0] = 1.0  # as StandardScaler does for a constant column
    M = np.tile(np.eye(d), (n_fits, 1, 1))               # scaled rows = rows @ M[b]
    M[:, numbers, numbers] = 1 / scale
    M[:, -1, numbers] = -mean / scale
    outer = (rows[:, :, None] * rows[:, None, :]).reshape(n, d * d)
    l2 = 1 / (C * total)                                 # sklearn's penalty per fit
    penalised = np.r_[np.ones(d - 1), 0.0]               # the intercept is not penalised

    def evaluate(fits, theta, raw):
        """Loss, gradient and probabilities of `fits` at coefficients `theta` (scaled)."""
        small = np.exp(-np.abs(raw))
        log_loss = np.maximum(raw, 0) + np.log1p(small) - y * raw
        loss = (w[fits] * log_loss).sum(axis=1) + 0.5 * l2[fits] * (theta[:, :-1] ** 2).sum(1)
        p = np.where(raw >= 0, 1, small) / (1 + small)   # the logistic function of raw
        gradient = ((w[fits] * (p - y)) @ rows)[:, None, :] @ M[fits]
        return loss, gradient[:, 0] + l2[fits, None] * penalised * theta, p

    theta, raw = np.zeros((n_fits, d)), np.zeros((n_fits, n))
    loss, gradient, p = evaluate(np.arange(n_fits), theta, raw)
    active = np.arange(n_fits)
    for _ in range(_MAX_ITER):
        if active.size == 0:
            break
        b = active
        inner = ((w[b] * p[b] * (1 - p[b])) @ outer).reshape(-1, d, d)
        hessian = M[b].transpose(0, 2, 1) @ inner @ M[b] + l2[b, None, None] * np.diag(penalised)
        step = np.linalg.solve(hessian, -gradient[b, :, None])[:, :, 0]
        slope = (gradient[b] * step).sum(axis=1)
        if (slope > 0).any():
            raise RuntimeError("a logistic fit's Newton step does not descend")
        raw_step = (M[b] @ step[:, :, None])[:, :, 0] @ rows.T
        t, todo = np.ones(b.size), np.arange(b.size)
        for _ in range(21):  # sklearn's line search: halve the step until the loss falls enough
            k = b[todo]
            trial = theta[k] + t[todo, None] * step[todo]
            trial_raw = raw[k] + t[todo, None] * raw_step[todo]
            new_loss, new_gradient, new_p = evaluate(k, trial, trial_raw)
            change = new_loss - loss[k]
            ok = ((change <= t[todo] * slope[todo] / 2 ** 11)
                  | ((np.abs(change) <= np.abs(loss[k]) * 16 * np.finfo(float).eps)
                     & (np.abs(new_gradient).sum(1) < np.abs(gradient[k]).sum(1))))
            done = k[ok]
            theta[done], raw[done], loss[done] = trial[ok], trial_raw[ok], new_loss[ok]
            gradient[done], p[done] = new_gradient[ok], new_p[ok]
            t[todo[~ok]] /= 2
            todo = todo[~ok]
            if todo.size == 0:
                break
        else:
            raise RuntimeError("a logistic fit's line search did not converge")
        decrement = 0.5 * np.einsum("bi,bij,bj->b", step, hessian, step)
        active = b[(np.abs(gradient[b]).max(axis=1) > _TOL) | (decrement > _TOL)]
    coefficients = (M @ theta[:, :, None])[:, :, 0]      # for the raw rows
    return coefficients @ np.hstack([X_eval, np.ones((len(X_eval), 1))]).T > 0


@dataclass(frozen=True, eq=False)
class SliceValues:
    """Leave-one-slice-out values: how much validation accuracy each slice of rows adds."""

    slices: tuple             # slice names, e.g. data sources
    n_rows: np.ndarray        # training rows in each slice
    accuracy_all: float       # validation accuracy trained on every row, 0-1
    accuracy_without: np.ndarray  # validation accuracy trained without each slice, 0-1
    value: np.ndarray         # accuracy_all - accuracy_without: > 0 helps, < 0 harms
    standard_error: np.ndarray  # bootstrap standard error of each value, 0-1
    noise_band: np.ndarray    # NOISE_Z * standard_error: values within +-band are noise
    n_bootstrap: int          # bootstrap replicates behind the standard errors

    @property
    def harmful(self) -> np.ndarray:
        """Whether removing each slice raises accuracy by more than its noise band."""
        return self.value < -self.noise_band

    @property
    def helpful(self) -> np.ndarray:
        """Whether removing each slice lowers accuracy by more than its noise band."""
        return self.value > self.noise_band


def compute_slice_values(train, validation, by="source", C=1.0, *, n_bootstrap=40,
                         seed=0) -> SliceValues:
    """Value each slice of the training rows by training without it, with a noise band.

    The value of a slice is the validation accuracy of the model trained on all rows minus that
    of the model trained without the slice, as a fraction (0.01 = one accuracy point). A
    negative value means the model did better without those rows, but part of any value is
    noise: another draw of training rows, or of validation rows, gives another model and another
    score. Each of `n_bootstrap` replicates therefore resamples the training rows and the
    validation rows with replacement, retrains every model and recomputes every value (the same
    validation rows for all models of a replicate: the comparison is paired). The standard
    deviation of a slice's replicates is its standard error; its noise band is `NOISE_Z` times
    that. Only a value beyond its band says the slice helps (`helpful`) or harms (`harmful`).

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
    n_bootstrap : int, default 40
        Bootstrap replicates, ``>= 2``; each retrains one model per slice plus one.
    seed : int, default 0
        Seed of the bootstrap's resampling.

    Returns
    -------
    SliceValues

    Examples
    --------
    >>> train = make_churn_data(1_000, seed=0, partner_share=0.5, partner_label_noise=1.0)
    >>> values = compute_slice_values(train, make_churn_data(1_000, seed=1))
    >>> values.slices, values.harmful.tolist()
    (('app', 'partner', 'web'), [False, True, False])
    """
    if not isinstance(by, str):
        raise TypeError(f"by must be a column name (str); got {by!r}")
    train = _check_frame("train", train, (*FEATURES, LABEL, by))
    validation = _check_frame("validation", validation, (*FEATURES, LABEL))
    C = check_number("C", C, low=0, low_open=True)
    n_bootstrap = check_number("n_bootstrap", n_bootstrap, low=2, integer=True)
    rng = _rng(seed)
    slices = tuple(sorted(train[by].unique(), key=str))
    if len(slices) < 2:
        raise ValueError(f"train[{by!r}] must hold at least two slices; got {slices}")
    X, y, groups = _encode(train), train[LABEL].to_numpy(), train[by].to_numpy()
    X_eval, y_eval = _encode(validation), validation[LABEL].to_numpy()
    for name, labels in (("train", y), ("validation", y_eval)):
        if not np.isin(labels, (0, 1)).all():
            raise ValueError(f"{name}[{LABEL!r}] must hold only 0 and 1")
    # Row multiplicities: every row once, then each replicate's resample of the training rows
    # and of the validation rows (drawn in this order, replicate by replicate).
    draws = [(rng.integers(0, len(y), len(y)), rng.integers(0, len(y_eval), len(y_eval)))
             for _ in range(n_bootstrap)]
    counts = np.array([np.ones(len(y), int)]
                      + [np.bincount(rows, minlength=len(y)) for rows, _ in draws])
    eval_counts = np.array([np.ones(len(y_eval), int)]
                           + [np.bincount(rows, minlength=len(y_eval)) for _, rows in draws])
    # Each replicate's models: with every row, then without each slice.
    kept = np.array([np.ones(len(y), bool)] + [groups != name for name in slices])
    weights = (counts[:, None, :] * kept[None, :, :]).reshape(-1, len(y)).astype(float)
    if not ((weights @ y > 0) & (weights @ (1 - y) > 0)).all():
        raise ValueError("every model must train on rows of both labels: too few rows")
    with one_thread():
        predicted = _fit_predict(X, y, weights, X_eval, C)
    right = (predicted == y_eval).reshape(len(counts), len(kept), -1)
    # Accuracy on each replicate's validation rows: right answers counted with multiplicity.
    accuracies = np.einsum("rmi,ri->rm", right.astype(np.int64), eval_counts) / len(y_eval)
    point, replicates = accuracies[0], accuracies[1:]
    standard_error = (replicates[:, :1] - replicates[:, 1:]).std(axis=0, ddof=1)
    n_rows = np.array([int((groups == name).sum()) for name in slices])
    return SliceValues(slices, n_rows, float(point[0]), point[1:], point[0] - point[1:],
                       standard_error, NOISE_Z * standard_error, n_bootstrap)


def paired_standard_error(only_first_right, only_second_right, n_rows) -> float:
    """Standard error of the accuracy difference of two models scored on the same rows.

    With ``b`` rows that only the first model gets right and ``c`` that only the second gets
    right, out of ``n``, the difference of accuracies is ``(b - c) / n``: the mean of ``n``
    per-row differences that are +1, -1 or 0. Their variance is ``(b + c)/n - ((b - c)/n)**2``,
    so the standard error of the difference is ``sqrt(b + c - (b - c)**2 / n) / n``, close to
    ``sqrt(b + c) / n`` when ``b`` and ``c`` are similar (the statistic of McNemar's test). Rows
    both models get right or both get wrong add nothing: pairing is why it is far smaller than
    the standard error of either accuracy alone.

    Parameters
    ----------
    only_first_right, only_second_right : int
        Rows only the first model, and only the second model, classifies correctly, ``>= 0``.
    n_rows : int
        Rows scored, ``>= 1`` and at least the two counts together.

    Returns
    -------
    float
        The standard error, as a fraction (0.01 = one accuracy point).

    Examples
    --------
    >>> round(100 * paired_standard_error(70, 58, 4_000), 2)
    0.28
    """
    b = check_number("only_first_right", only_first_right, low=0, integer=True)
    c = check_number("only_second_right", only_second_right, low=0, integer=True)
    n = check_number("n_rows", n_rows, low=max(1, b + c), integer=True)
    return float(np.sqrt(b + c - (b - c) ** 2 / n) / n)


@cached(maxsize=64)
def _slice_values(partner_label_noise, partner_share, seed) -> SliceValues:
    train = make_churn_data(3_000, seed=seed, partner_share=partner_share,
                            partner_label_noise=partner_label_noise)
    return compute_slice_values(train, make_churn_data(4_000, seed=seed + 1_000), seed=seed)


def slice_verdict(values) -> str:
    """The verdict of a `SliceValues` in words: which slice, if any, harms beyond the noise.

    Examples
    --------
    >>> train = make_churn_data(1_000, seed=0, partner_share=0.5, partner_label_noise=1.0)
    >>> slice_verdict(compute_slice_values(train, make_churn_data(1_000, seed=1)))
    "dropping 'partner' raises accuracy beyond the noise"
    """
    if not isinstance(values, SliceValues):
        raise TypeError(f"values must be a SliceValues from compute_slice_values; "
                        f"got {type(values).__name__}")
    if not values.harmful.any():
        return "no source harms beyond the noise"
    harmful = np.flatnonzero(values.harmful)
    worst = harmful[np.argmin(values.value[harmful])]
    return f"dropping '{values.slices[worst]}' raises accuracy beyond the noise"


#: Half-widths (points) of the slice figure's accuracy axis: the first that holds every bar and
#: whisker with room for its label, so the axis stays put while the sliders move. None ends on
#: a labelled tick, whose label would stick out of the axes and move the layout.
_SLICE_LIMITS_POINTS = (2.5, 4.5, 7.0, 9.0, 12.0, 18.0, 24.0, 35.0, 45.0)


def plot_slice_values(partner_label_noise=0.8, partner_share=0.3, seed=0, *,
                      figure=None) -> Figure:
    """Bar chart of each source's leave-one-out value and its noise band, for a broken partner.

    Trains on 3,000 generated rows (the partner's churners mislabelled at rate
    `partner_label_noise`), validates on 4,000 clean rows, and draws each value's 95% bootstrap
    band as a whisker. A bar is hatched only when removing the source raises accuracy by more
    than its band.

    Parameters
    ----------
    partner_label_noise : float, default 0.8
        Share of the partner's churners recorded as not churned, between 0 and 1.
    partner_share : float, default 0.3
        Share of training rows from the partner, between 0.05 and 0.9.
    seed : int, default 0
        Seed of the training rows and the bootstrap (validation uses ``seed + 1000``).
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        The accuracy axis spans +-2.5, 4.5, 7, 9, 12, 18, 24, 35 or 45 points, the first that
        holds the bars, their whiskers and labels.

    Examples
    --------
    >>> fig = plot_slice_values(0.0, 0.3)
    >>> fig.axes[0].get_title(loc="left").splitlines()[1]
    'no source harms beyond the noise'
    """
    noise = check_number("partner_label_noise", partner_label_noise, low=0, high=1)
    share = check_number("partner_share", partner_share, low=0.05, high=0.9)
    seed = check_number("seed", seed, low=0, integer=True)
    values = _slice_values(noise, share, seed)
    gain_points, band_points = -100 * values.value, 100 * values.noise_band
    kept = reuse(figure, plot_slice_values)
    if kept is None:  # the sources are those of `make_churn_data`, whatever the parameters
        fig = Figure(figsize=FIGSIZE, layout="constrained")
        ax = fig.subplots()
        bars = ax.barh(values.slices, np.zeros(len(values.slices)),
                       xerr=np.zeros(len(values.slices)), edgecolor="black",
                       error_kw={"capsize": 6, "lw": 1.5})
        labels = ax.bar_label(bars, labels=[""] * len(bars), padding=8)
        ax.axvline(0, color=PALETTE["black"], lw=1)
        ax.set_axisbelow(True)  # the bars redraw over the grid and ticks, not under them
        decorate(ax, xlabel="", ylabel="data source")
        _, caps, (whiskers,) = bars.errorbar.lines
        kept = keep(fig, plot_slice_values, bars=bars, caps=list(caps), whiskers=whiskers,
                    labels=labels, title=ax.set_title("", loc="left"), xlabel=ax.xaxis.label)
    ax = kept.bars[0].axes
    centres = [bar.get_y() + bar.get_height() / 2 for bar in kept.bars]
    for bar, label, gain, band, harmful, y in zip(kept.bars, kept.labels, gain_points,
                                                  band_points, values.harmful, centres):
        bar.set_width(gain)
        bar.set_facecolor(PALETTE["vermillion"] if harmful else PALETTE["blue"])
        bar.set_hatch("//" if harmful else "")
        # Where `bar_label` puts a label: past the whisker, on the side the bar points to.
        label.xy = (gain + band if gain >= 0 else gain - band, y)
        label.set_position((8 * np.sign(gain), 0))
        label.set_horizontalalignment("right" if gain < 0 else "left")
        label.set_text(f"{gain:+.1f} ± {band:.1f}")
    kept.caps[0].set_data(gain_points - band_points, centres)
    kept.caps[1].set_data(gain_points + band_points, centres)
    kept.whiskers.set_segments([[(g - b, y), (g + b, y)]
                                for g, b, y in zip(gain_points, band_points, centres)])
    needed = 1.4 * float(np.max(np.abs(gain_points) + band_points))
    limit = next((h for h in _SLICE_LIMITS_POINTS if needed <= h), needed)
    if ax.get_xlim() != (-limit, limit):
        ax.set_xlim(-limit, limit)  # only when it changes: a new limit redraws everything
    kept.title.set_text(f"Partner mislabels {noise:.0%} of churners, {share:.0%} of rows:\n"
                        f"{slice_verdict(values)}")
    kept.xlabel.set_text("change in validation accuracy when the slice is removed (points)\n"
                         "whiskers: 95% bootstrap band; hatched: harmful beyond it; with all "
                         f"rows {values.accuracy_all:.1%} accurate")
    return kept.figure


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
    n_nodes: np.ndarray     # nodes of all trees: the forest's "parameters"

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


def _tree_memory_bytes(tree) -> int:
    """Bytes of a fitted tree's node and value arrays."""
    state = tree.tree_.__getstate__()
    return state["nodes"].nbytes + state["values"].nbytes


def compute_capacity_sweep(train, test, max_depths=(2, 4, 8, 16),
                           n_trees=(1, 2, 4, 8, 16, 32, 64), seed=0) -> CapacitySweep:
    """Train random forests of every depth and size and measure accuracy, disk and memory.

    For each depth, one forest of the most trees is trained; the forest of k trees is its first
    k trees, exactly the forest that growing it tree by tree (``warm_start``) gives, and is
    pickled as such for its size on disk.

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
    X, y, y_test = train[list(FEATURES)], train[LABEL], test[LABEL].to_numpy()
    for depth in max_depths:
        # One forest of the most trees: its first k trees are the forest of k trees, the one
        # that growing it tree by tree (warm_start) gives.
        forest = RandomForestClassifier(n_estimators=n_trees[-1], max_depth=depth,
                                        random_state=seed, warm_start=True)
        model = make_pipeline(make_column_transformer(
            (OneHotEncoder(handle_unknown="ignore"), ["plan"]), remainder="passthrough"), forest)
        model.fit(X, y)
        trees = forest.estimators_
        # The test rows as the forest reads them (float32); its prediction is the mean of its
        # trees' probabilities, summed tree by tree in its order, so each tree predicts once.
        encoded_test = np.asarray(model[:-1].transform(test[list(FEATURES)]), dtype=np.float32)
        proba_sum = np.zeros((len(test), forest.n_classes_))
        memory_bytes = n_nodes = 0
        for start, count in zip((0, *n_trees), n_trees):
            for tree in trees[start:count]:
                proba_sum += tree.predict_proba(encoded_test, check_input=False)
                memory_bytes += _tree_memory_bytes(tree)
                n_nodes += tree.tree_.node_count
            predicted = forest.classes_.take(np.argmax(proba_sum / count, axis=1))
            accuracy = float(np.mean(predicted == y_test))
            forest.estimators_, forest.n_estimators = trees[:count], count  # the forest of k
            rows.append((depth, count, accuracy, len(pickle.dumps(model, protocol=5)) / 1000,
                         memory_bytes / 1000, n_nodes))
    return CapacitySweep(*map(np.array, zip(*rows)))


@cached(maxsize=16)
def capacity_sweep(n_train=3_000, seed=0) -> CapacitySweep:
    """The chapter's sweep, cached: forests trained on `n_train` churn rows, tested on 3,000.

    The training rows are ``make_churn_data(n_train, seed=2 * seed)``, the test rows
    ``make_churn_data(3_000, seed=2 * seed + 1)`` and the forests' random state is `seed`, so
    ``capacity_sweep()`` trains on seed 0 and tests on seed 1.

    Parameters
    ----------
    n_train : int, default 3000
        Training rows, ``>= 50``.
    seed : int, default 0
        Draw of the data and of the forests, ``>= 0``.

    Returns
    -------
    CapacitySweep

    Examples
    --------
    >>> capacity_sweep().max_depth.size
    28
    """
    n_train = check_number("n_train", n_train, low=50, integer=True, unit="rows")
    seed = check_number("seed", seed, low=0, integer=True)
    return compute_capacity_sweep(make_churn_data(n_train, seed=2 * seed),
                                  make_churn_data(3_000, seed=2 * seed + 1), seed=seed)


def _smallest_within(sweep, budget_points) -> int:
    """Index of the forest smallest on disk among those within `budget_points` of the best."""
    within = np.flatnonzero(sweep.accuracy >= sweep.accuracy.max() - budget_points / 100)
    return int(within[np.argmin(sweep.disk_kb[within])])


def plot_capacity(n_train=3_000, budget_points=1.0, device_kb=100.0, *, figure=None) -> Figure:
    """Accuracy against size on disk of forests trained on `n_train` rows, and the one to ship.

    Trains (once, cached) the sweep of `capacity_sweep` on `n_train` rows, draws accuracy
    against size for each depth, shades the accuracies within `budget_points` of the best and
    stars the smallest forest among them; the title says whether it fits in `device_kb`.

    Parameters
    ----------
    n_train : int, default 3000
        Training rows, ``>= 50``.
    budget_points : float, default 1.0
        Accuracy the product may lose against the best forest, percentage points, ``>= 0``.
    device_kb : float, default 100.0
        Storage a small device can give the model, kB, ``> 0``.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> fig = plot_capacity(3_000, budget_points=2)
    >>> "fits in 100 kB" in fig.axes[0].get_title(loc="left")
    True
    """
    budget_points = check_number("budget_points", budget_points, low=0, high=100,
                                 unit="percentage points")
    device_kb = check_number("device_kb", device_kb, low=0, low_open=True, unit="kB")
    sweep = capacity_sweep(n_train)
    depths = sorted(set(sweep.max_depth.tolist()))
    kept = reuse(figure, plot_capacity)
    if kept is None:
        fig = Figure(figsize=FIGSIZE, layout="constrained")
        ax = fig.subplots()
        markers = ["o", "s", "^", "D"]
        styles = ["-", "--", "-.", ":"]
        colours = [PALETTE[c] for c in ("blue", "orange", "green", "purple")]
        lines = [ax.plot([], [], marker=marker, linestyle=style, color=colour,
                         label=f"depth {depth}")[0]
                 for depth, marker, style, colour in zip(depths, markers, styles, colours)]
        band = ax.axhspan(0, 1, color=PALETTE["sky"], alpha=0.25, label="within")
        device = ax.axvline(1, color=PALETTE["black"], linestyle=(0, (1, 2)), lw=1.5,
                            label="device")
        star = ax.plot([], [], marker="*", ms=18, color=PALETTE["vermillion"],
                       linestyle="none", markeredgecolor="black",
                       label="smallest within budget")[0]
        ax.set_xscale("log")
        ax.set_axisbelow(True)  # the band redraws over the grid and ticks, not under them
        decorate(ax, xlabel="model size on disk (kB, log scale)", ylabel="test accuracy (%)")
        legend = ax.legend(loc="lower right", ncols=2, fontsize="small")
        kept = keep(fig, plot_capacity, lines=lines, band=band, device=device, star=star,
                    legend=legend.texts, title=ax.set_title("", loc="left"))
    ax = kept.band.axes
    for line, depth in zip(kept.lines, depths):
        rows = sweep.max_depth == depth
        line.set_data(sweep.disk_kb[rows], 100 * sweep.accuracy[rows])
    best = 100 * sweep.accuracy.max()
    points = "point" if budget_points == 1 else "points"
    kept.band.set_y(best - budget_points)
    kept.band.set_height(budget_points + 0.3)
    kept.device.set_xdata([device_kb, device_kb])
    chosen = _smallest_within(sweep, budget_points)
    size_kb, accuracy = sweep.disk_kb[chosen], 100 * sweep.accuracy[chosen]
    kept.star.set_data([size_kb], [accuracy])
    kept.legend[len(depths)].set_text(f"within {budget_points:g} {points} of the best")
    kept.legend[len(depths) + 1].set_text(f"{device_kb:g} kB device")
    # Fixed axes across the explorer's grid, so that a forest growing with the rows shows (set
    # only when they change: a new limit redraws the whole figure).
    limits = ((min(2.0, sweep.disk_kb.min() / 1.5), max(3e4, sweep.disk_kb.max() * 1.5)),
              (min(60.0, 100 * sweep.accuracy.min() - 1), max(85.0, best + 1)))
    if (ax.get_xlim(), ax.get_ylim()) != limits:
        ax.set_xlim(*limits[0])
        ax.set_ylim(*limits[1])
    fits = "fits in" if size_kb <= device_kb else "does NOT fit in"
    kept.title.set_text(f"{n_train:,} training rows, within {budget_points:g} {points} of the "
                        f"best ({best:.1f}%):\n"
                        f"{format_count(int(sweep.n_trees[chosen]), 'tree')} of depth "
                        f"{sweep.max_depth[chosen]}, {size_kb:,.0f} kB, {fits} {device_kb:g} kB;"
                        f" the largest forest {sweep.disk_kb.max():,.0f} kB")
    return kept.figure


@dataclass(frozen=True)
class ErasurePlan:
    """What erasing some rows from every stored version costs."""

    rewritten: tuple    # (content hash before, content hash after, rows kept) per stored partition
    repointed: tuple    # names of the versions whose manifest (and so version hash) changes
    manifests: dict     # version name -> its DatasetManifest after the erasure
    rows_removed: int   # copies of the rows removed, over all stored partitions
    rows_rewritten: int  # rows written again: the cost of rewriting each partition that held one


def plan_erasure(versions, rows, on) -> ErasurePlan:
    """Plan the erasure of `rows` from every version of a partitioned dataset.

    The store keeps each distinct partition once, by content hash. Every stored partition that
    holds one of the rows (matched on the columns `on`, an identifier rather than the whole row,
    since a corrected copy differs elsewhere) must be rewritten without it, and every version
    whose manifest lists such a partition gets a new manifest and so a new version hash.

    Parameters
    ----------
    versions : dict
        Version name -> dict of partition name -> pandas.DataFrame; at least one version.
    rows : pandas.DataFrame
        The rows to erase (at least one), with the columns `on`.
    on : list of str
        The columns that identify a row; at least one, present in every partition.

    Returns
    -------
    ErasurePlan

    Examples
    --------
    >>> days = {"day-1": make_churn_data(50, seed=1), "day-2": make_churn_data(50, seed=2)}
    >>> plan = plan_erasure({"v1": days}, days["day-2"].iloc[[0]], on=["age", "income_k"])
    >>> len(plan.rewritten), plan.repointed, plan.rows_rewritten
    (1, ('v1',), 49)
    """
    if not isinstance(versions, Mapping) or not versions:
        raise TypeError(f"versions must be a non-empty dict of version names to partitions; "
                        f"got {type(versions).__name__}")
    if isinstance(on, str) or not isinstance(on, (list, tuple)) or not on:
        raise TypeError(f"on must be a non-empty list of column names; got {on!r}")
    on = list(on)
    rows = _check_frame("rows", rows, on)
    keys = set(map(tuple, rows[on].itertuples(index=False, name=None)))
    stored = {}         # content hash before -> (content hash after, rows kept, rows removed)
    manifests, repointed = {}, []
    for version, partitions in versions.items():
        if not isinstance(partitions, Mapping) or not partitions:
            raise TypeError(f"versions[{version!r}] must be a non-empty dict of partition "
                            f"names to DataFrames; got {type(partitions).__name__}")
        entries, touched = [], False
        for name, frame in partitions.items():
            if not isinstance(name, str) or not name or any(c.isspace() for c in name):
                raise ValueError(f"partition names must be non-empty str without spaces; "
                                 f"got {name!r}")
            frame = _check_frame(f"versions[{version!r}][{name!r}]", frame, on)
            digest = compute_dataset_hash(frame)
            if digest not in stored:
                held = np.array([key in keys for key in
                                 frame[on].itertuples(index=False, name=None)], dtype=bool)
                kept = frame[~held]
                stored[digest] = (compute_dataset_hash(kept) if held.any() else digest,
                                  len(kept), int(held.sum()), kept)
            new_digest, n_kept, n_removed, _ = stored[digest]
            entries.append((name, n_kept, new_digest))
            touched = touched or n_removed > 0
        manifests[version] = DatasetManifest(tuple(sorted(entries)))
        if touched:
            repointed.append(version)
    changed = [(before, new, kept, removed) for before, (new, kept, removed, _)
               in stored.items() if removed]
    return ErasurePlan(rewritten=tuple(sorted((b, a, k) for b, a, k, _ in changed)),
                       repointed=tuple(repointed), manifests=manifests,
                       rows_removed=sum(r for *_, r in changed),
                       rows_rewritten=sum(k for _, _, k, _ in changed))


def weights_read_time_ms(n_parameters, bytes_per_parameter, bandwidth_gb_per_s) -> float:
    """Least time to read a model's weights once from memory: a lower bound per prediction.

    A model that touches every weight for each prediction (a language model, once per generated
    token, at a batch of one) cannot answer faster than its weights take to stream from memory:
    bytes of the weights / memory bandwidth. The bound assumes each weight is read once per
    prediction and that nothing else takes time; compute, caches and batching move the real time.

    Parameters
    ----------
    n_parameters : float
        Number of parameters, > 0.
    bytes_per_parameter : float
        Bytes of one parameter (4 for 32-bit floats, 2 for 16-bit, 0.5 for 4-bit), > 0.
    bandwidth_gb_per_s : float
        Memory bandwidth in GB/s (1 GB = 10**9 bytes), > 0.

    Returns
    -------
    float
        Milliseconds.

    Examples
    --------
    >>> weights_read_time_ms(7e9, 2, 1_000)
    14.0
    """
    n_parameters = check_number("n_parameters", n_parameters, low=0, low_open=True)
    bytes_per_parameter = check_number("bytes_per_parameter", bytes_per_parameter, low=0,
                                       low_open=True)
    bandwidth_gb_per_s = check_number("bandwidth_gb_per_s", bandwidth_gb_per_s, low=0,
                                      low_open=True)
    return n_parameters * bytes_per_parameter / (bandwidth_gb_per_s * 1e9) * 1e3


def make_churn_schema():
    """Return the checks of `make_churn_spec` as a pandera ``DataFrameSchema``.

    The same schema, types, missing-value rate, ranges and allowed values, and batch means, in
    the vocabulary of pandera, a schema library for DataFrames. pandera is imported here, so
    the rest of the module works without it.

    Returns
    -------
    pandera.pandas.DataFrameSchema

    Examples
    --------
    >>> schema = make_churn_schema()
    >>> sorted(schema.columns)[:2]
    ['age', 'churned']
    """
    import pandera.pandas as pa

    spec = make_churn_spec()
    dtypes = {"int": "int64", "float": "float64", "str": "str"}
    ranges = {column: (low, high) for column, low, high in spec.ranges}
    allowed = dict(spec.categories)
    means = {column: (low, high) for column, low, high in spec.mean_bounds}

    def missing_rate(series):
        return series.isna().mean() <= spec.max_missing_rate

    columns = {}
    for column, kind in spec.schema:
        checks = [pa.Check(missing_rate, element_wise=False, ignore_na=False,
                           error=f"at most {spec.max_missing_rate:.0%} missing")]
        if column in ranges:
            checks.append(pa.Check.in_range(*ranges[column]))
        if column in allowed:
            checks.append(pa.Check.isin(list(allowed[column])))
        if column in means:
            low, high = means[column]
            checks.append(pa.Check(lambda s, low=low, high=high: low <= s.mean() <= high,
                                   error=f"mean in [{low:g}, {high:g}]"))
        columns[column] = pa.Column(dtypes[kind], checks=checks, nullable=True)
    return pa.DataFrameSchema(columns, strict=False)


_PANDERA_RULES = (("dtype(", "type of {}"), ("at most", "missing values in {}"),
                  ("in_range", "range of {}"), ("isin", "values of {}"), ("mean in", "mean of {}"),
                  ("column_in_dataframe", "schema"))


def schema_failures(schema, frame) -> tuple:
    """The rules a pandera schema from `make_churn_schema` rejects `frame` on, named as
    `run_data_tests` names them (``"range of age"``, ...), sorted; empty if it passes.

    Parameters
    ----------
    schema : pandera.pandas.DataFrameSchema
        E.g. `make_churn_schema()`.
    frame : pandas.DataFrame
        The batch.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> batch = make_churn_data(300, seed=0)
    >>> schema_failures(make_churn_schema(), batch)
    ()
    """
    import pandera.pandas as pa

    if not isinstance(schema, pa.DataFrameSchema):
        raise TypeError(f"schema must be a pandera DataFrameSchema, e.g. make_churn_schema(); "
                        f"got {type(schema).__name__}")
    frame = _check_frame("frame", frame)
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as error:
        cases = error.failure_cases[["column", "check"]].drop_duplicates()
    else:
        return ()
    rules = set()
    for column, check in cases.itertuples(index=False, name=None):
        for prefix, rule in _PANDERA_RULES:
            if str(check).startswith(prefix):
                rules.add(rule.format(column))
                break
        else:
            rules.add(f"{check} of {column}")
    return tuple(sorted(rules))
