"""A small end-to-end ML system: the model and everything around it, run day by day.

A payments company screens card transactions for fraud. Each simulated day:

1. **data source**: a batch of transactions arrives (`generate_events`), their fraud labels only
   `label_delay_days` later (chargebacks take time);
2. **data check**: the batch is tested against a few rules (`check_batch`);
3. **features**: raw columns become the model's inputs (`make_features`);
4. **serving**: the current model scores each transaction within a latency budget
   (`serve_batch`; latencies are *simulated*, not measured, so runs are reproducible);
   a transaction scored over budget falls back to "approve";
5. **monitoring**: input drift (PSI of each model input against the training window, from
   `mlsys.data_shift`), accuracy on the labels that have arrived, p99 latency (nearest rank, from
   `mlsys.latency`), and a data-check alarm (`monitor_day`);
6. **retraining trigger**: when monitored accuracy falls `accuracy_tolerance` below the model's
   offline accuracy, a new model is trained on the latest labelled window (`train_model`) and
   versioned by content hash (`version_artifact`, hashes from `mlsys.artifacts`).

`run_system` wires them together; `inject` names a failure in a component that is not the model
(`FAILURES`), and `failure_report` says which monitor noticed it first, after how many days and at
what cost against the same run without the failure. `component_lines` counts the logical lines of
each component from the package's own source, so the count stays true as the code changes.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import time
from dataclasses import dataclass, field, replace

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from mlsys._threads import one_thread
from mlsys._validate import check_choice, check_number
from mlsys.artifacts import compute_dataset_hash, compute_model_hash
from mlsys.data_shift import compute_psi
from mlsys.drawing import cached, keep, reuse
from mlsys.latency import percentile
from mlsys.style import FIGSIZE, LINESTYLES, PALETTE, decorate, format_count

#: Raw columns of a transaction, as the upstream payment service sends them.
RAW_COLUMNS = ("amount_eur", "hour", "account_age_days", "n_recent")
#: The model's inputs, computed from the raw columns by `make_features`.
MODEL_INPUTS = ("log_amount", "is_night", "log_account_age", "n_recent")
LABEL = "fraud"
#: Failures `run_system` can inject, each in a component other than the model.
FAILURES = ("none", "unit change", "stale features", "skew", "labels stop", "monitor off")
#: The component each failure lives in.
FAILURE_COMPONENT = {
    "unit change": "data source",     # upstream starts sending amounts in cents
    "stale features": "features",     # n_recent is served from yesterday's batch
    "skew": "serving",                # serving forgets the log transform of the amount
    "labels stop": "labels",          # chargebacks stop arriving
    "monitor off": "monitoring",      # the accuracy monitor is switched off
}
#: The chapter of the book that teaches each failure's defence.
DEFENCE_CHAPTER = {
    "unit change": "07",      # data tests on every batch
    "stale features": "04",   # label delay and what to watch meanwhile
    "skew": "07",             # one versioned transform for training and serving
    "labels stop": "04",      # monitoring labels that arrive late or not at all
    "monitor off": "03",      # a monitor is part of the service, with its own check
}
#: Monitors, in the order `monitor_day` reports them.
MONITORS = ("data check", "input drift", "accuracy", "missing labels", "p99 latency")


@dataclass(frozen=True)
class WorldConfig:
    """The world the system lives in: traffic, fraud and how slowly the truth arrives."""

    events_per_day: int = 400
    base_logit: float = -1.6            # sets the fraud rate (about 20%)
    drift_deg_per_day: float = 1.5      # concept drift: fraud moves from amount to n_recent
    label_delay_days: int = 7           # chargebacks arrive a week after the transaction
    latency_median_ms: float = 12.0     # simulated serving latency (log-normal)
    latency_sigma: float = 0.45


@dataclass(frozen=True)
class SystemConfig:
    """The system's own decisions: training window, SLO, monitor thresholds, costs."""

    train_days: int = 14
    latency_budget_ms: float = 50.0
    psi_threshold: float = 0.25
    accuracy_tolerance: float = 0.05
    accuracy_window_days: int = 3
    min_labels: int = 100
    max_amount_eur: float = 10_000.0
    friction_cost_eur: float = 25.0     # cost of blocking a legitimate transaction
    fix_days: int = 1                   # an alert is investigated and fixed this many days later
    monitors: tuple = MONITORS          # the monitors switched on (names from `MONITORS`)

    def __post_init__(self):
        if isinstance(self.monitors, str) or not isinstance(self.monitors, tuple):
            raise TypeError(f"monitors must be a tuple of names from {MONITORS}; "
                            f"got {self.monitors!r}")
        for name in self.monitors:
            check_choice("monitors", name, MONITORS)
        check_number("latency_budget_ms", self.latency_budget_ms, low=0, low_open=True,
                     unit="ms")
        check_number("psi_threshold", self.psi_threshold, low=0, low_open=True)
        check_number("accuracy_tolerance", self.accuracy_tolerance, low=0, high=1)
        check_number("train_days", self.train_days, low=2, integer=True, unit="days")


@dataclass(frozen=True)
class Failure:
    """One injected failure: its kind (one of `FAILURES`) and the day it starts."""

    kind: str = "none"
    start_day: int = 21

    def __post_init__(self):
        check_choice("kind", self.kind, FAILURES)
        check_number("start_day", self.start_day, low=0, integer=True, unit="days")


def _check_config(name, value, kind):
    if not isinstance(value, kind):
        raise TypeError(f"{name} must be a {kind.__name__}; got {type(value).__name__}")
    return value


def _check_seed(seed) -> int:
    return check_number("seed", seed, low=0, integer=True)


def _check_frame(name, frame, columns) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame; got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing the column(s) {missing}")
    return frame


# ---------------------------------------------------------------------------------------------
# Components
# ---------------------------------------------------------------------------------------------

def fraud_probability(frame, day, world=WorldConfig()) -> np.ndarray:
    """Return the true probability that each transaction of `frame` on `day` is fraud.

    Fraud is likelier for large amounts, at night, on young accounts and for accounts with many
    recent transactions; the weight moves from the amount to the recent count by
    `drift_deg_per_day` degrees a day (concept drift: P(fraud | inputs) changes, the inputs'
    distribution does not).

    Examples
    --------
    >>> events = generate_events(0, seed=0)
    >>> p = fraud_probability(events, 0)
    >>> bool(((p > 0) & (p < 1)).all())
    True
    """
    frame = _check_frame("frame", frame, RAW_COLUMNS)
    day = check_number("day", day, low=0, integer=True, unit="days")
    world = _check_config("world", world, WorldConfig)
    angle = np.deg2rad(20.0 + world.drift_deg_per_day * day)
    amount = (np.log1p(frame["amount_eur"].to_numpy()) - 3.5) / 1.0
    recent = (frame["n_recent"].to_numpy() - 3.0) / np.sqrt(3.0)
    night = (frame["hour"].to_numpy() < 6).astype(float)
    young = -(np.log1p(frame["account_age_days"].to_numpy()) - 5.2)
    logit = (world.base_logit + 2.0 * np.cos(angle) * amount + 2.0 * np.sin(angle) * recent
             + 0.8 * night + 0.5 * young)
    return 1.0 / (1.0 + np.exp(-logit))


def generate_events(day, world=WorldConfig(), *, seed=0) -> pd.DataFrame:
    """Return one day's transactions with their (not yet known) fraud labels.

    Parameters
    ----------
    day : int
        The day, ``>= 0``; with `seed` it fixes the batch.
    world : WorldConfig
        Traffic, fraud rate and drift.
    seed : int
        Seed of the run.

    Examples
    --------
    >>> events = generate_events(3, seed=1)
    >>> list(events.columns)
    ['amount_eur', 'hour', 'account_age_days', 'n_recent', 'fraud']
    >>> events.equals(generate_events(3, seed=1))
    True
    """
    day = check_number("day", day, low=0, integer=True, unit="days")
    world = _check_config("world", world, WorldConfig)
    rng = np.random.default_rng([_check_seed(seed), day])
    n = world.events_per_day
    frame = pd.DataFrame({
        "amount_eur": np.round(rng.lognormal(3.5, 1.0, n), 2),
        "hour": rng.integers(0, 24, n),
        "account_age_days": np.round(rng.exponential(300.0, n)),
        "n_recent": rng.poisson(3.0, n),
    })
    frame[LABEL] = (rng.random(n) < fraud_probability(frame, day, world)).astype(int)
    return frame


def check_batch(frame, system=SystemConfig()) -> tuple:
    """Return the names of the data-check rules a batch of raw transactions breaks.

    Rules: every raw column present, no missing value, amounts in (0, `max_amount_eur`], hours
    in 0-23, account ages and recent counts >= 0. An empty tuple means the batch passes.

    Examples
    --------
    >>> events = generate_events(0, seed=0)
    >>> check_batch(events)
    ()
    >>> check_batch(events.assign(amount_eur=events["amount_eur"] * 100))
    ('amount range',)
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame; got {type(frame).__name__}")
    system = _check_config("system", system, SystemConfig)
    if any(c not in frame.columns for c in RAW_COLUMNS):
        return ("columns",)
    values = {c: frame[c].to_numpy(dtype=float) for c in RAW_COLUMNS}
    broken = []
    if any(np.isnan(v).any() for v in values.values()):
        broken.append("missing values")
    amount = values["amount_eur"]
    if not ((amount > 0) & (amount <= system.max_amount_eur)).all():
        broken.append("amount range")
    if not ((values["hour"] >= 0) & (values["hour"] <= 23)).all():
        broken.append("hour range")
    if (values["account_age_days"] < 0).any() or (values["n_recent"] < 0).any():
        broken.append("negative count")
    return tuple(broken)


def make_features(frame, *, log_amount=True) -> np.ndarray:
    """Return the model inputs `MODEL_INPUTS` of a batch, one row per transaction.

    ``log_amount=False`` leaves the amount raw: the serving side of a training/serving skew.

    Examples
    --------
    >>> make_features(generate_events(0, seed=0)).shape
    (400, 4)
    """
    frame = _check_frame("frame", frame, RAW_COLUMNS)
    amount = frame["amount_eur"].to_numpy(dtype=float)
    return np.column_stack([
        np.log1p(amount) if log_amount else amount,
        (frame["hour"].to_numpy() < 6).astype(float),
        np.log1p(frame["account_age_days"].to_numpy(dtype=float)),
        frame["n_recent"].to_numpy(dtype=float),
    ])


#: Rows of the training window kept as the drift monitor's reference (its most recent ones).
REFERENCE_ROWS = 1_200


@dataclass(frozen=True, eq=False)
class TrainedModel:
    """A model artifact: the fitted pipeline, its offline accuracy and its version."""

    model: object
    offline_accuracy: float   # on the last fifth of its training window, held out
    reference: np.ndarray     # the training window's latest inputs, the drift reference
    version: str              # first 12 characters of the model's content hash
    data_version: str         # first 12 characters of the training data's content hash
    trained_day: int


def train_model(frame, *, day=0) -> TrainedModel:
    """Fit a scaled logistic regression on a labelled window and version it.

    The window's last fifth is held out for the offline accuracy; the model is then refitted on
    the whole window.

    Examples
    --------
    >>> window = pd.concat([generate_events(d, seed=0) for d in range(3)])
    >>> trained = train_model(window)
    >>> 0.5 < trained.offline_accuracy < 1, len(trained.version)
    (True, 12)
    """
    frame = _check_frame("frame", frame, (*RAW_COLUMNS, LABEL))
    if len(frame) < 50:
        raise ValueError(f"frame must hold at least 50 labelled rows; got {len(frame)}")
    day = check_number("day", day, low=0, integer=True, unit="days")
    X, y = make_features(frame), frame[LABEL].to_numpy()
    cut = int(len(y) * 0.8)
    held_out = make_pipeline(StandardScaler(), LogisticRegression()).fit(X[:cut], y[:cut])
    offline = float((held_out.predict(X[cut:]) == y[cut:]).mean())
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(X, y)
    version, data_version = version_artifact(model, frame)
    return TrainedModel(model, offline, X[-REFERENCE_ROWS:].copy(), version, data_version, day)


def version_artifact(model, frame) -> tuple:
    """Return the short content hashes of a model and of the data it was trained on.

    Examples
    --------
    >>> window = generate_events(0, seed=0)
    >>> a, b = train_model(window), train_model(window)
    >>> a.version == b.version and a.data_version == b.data_version
    True
    """
    frame = _check_frame("frame", frame, RAW_COLUMNS)
    return compute_model_hash(model)[:12], compute_dataset_hash(frame)[:12]


def serve_batch(trained, X, world=WorldConfig(), system=SystemConfig(), *, seed=0) -> tuple:
    """Score a batch within the latency budget; return (decisions, latencies in ms).

    A decision is 1 (block) when the model's fraud probability is at least 0.5. Each request's
    latency is simulated (log-normal); a request over `latency_budget_ms` falls back to 0
    (approve).

    Examples
    --------
    >>> trained = train_model(generate_events(0, seed=0))
    >>> blocked, latency_ms = serve_batch(trained, make_features(generate_events(1, seed=0)))
    >>> blocked.shape == latency_ms.shape == (400,)
    True
    """
    trained = _check_config("trained", trained, TrainedModel)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != len(MODEL_INPUTS):
        raise ValueError(f"X must have shape (n, {len(MODEL_INPUTS)}); got {X.shape}")
    world = _check_config("world", world, WorldConfig)
    system = _check_config("system", system, SystemConfig)
    rng = np.random.default_rng(_check_seed(seed))
    latency_ms = world.latency_median_ms * rng.lognormal(0.0, world.latency_sigma, len(X))
    blocked = (trained.model.predict_proba(X)[:, 1] >= 0.5).astype(int)
    blocked[latency_ms > system.latency_budget_ms] = 0
    return blocked, latency_ms


def monitor_day(trained, served_X, latency_ms, labelled, broken_rules,
                system=SystemConfig(), *, accuracy_on=True) -> dict:
    """Return the day's monitor values and the names of the monitors that alert.

    `labelled` holds (served inputs, label) pairs whose labels arrived within the accuracy
    window; with fewer than `min_labels` of them accuracy is not computed and the missing-labels
    monitor alerts. `accuracy_on=False` is a switched-off accuracy monitor (it reports nothing).

    Examples
    --------
    >>> events = generate_events(0, seed=0)
    >>> trained = train_model(events)
    >>> X = make_features(events)
    >>> day = monitor_day(trained, X, np.full(400, 10.0), (X, events["fraud"].to_numpy()), ())
    >>> day["alerts"]
    ()
    """
    trained = _check_config("trained", trained, TrainedModel)
    system = _check_config("system", system, SystemConfig)
    psi = max(compute_psi(trained.reference[:, j], served_X[:, j])
              for j in range(len(MODEL_INPUTS)))
    p99_ms = percentile(latency_ms, 99)
    X_labelled, y_labelled = labelled
    accuracy, alerts = np.nan, []
    if broken_rules:
        alerts.append("data check")
    if psi > system.psi_threshold:
        alerts.append("input drift")
    if accuracy_on:
        if len(y_labelled) >= system.min_labels:
            accuracy = float((trained.model.predict(X_labelled) == y_labelled).mean())
            if accuracy < trained.offline_accuracy - system.accuracy_tolerance:
                alerts.append("accuracy")
        else:
            alerts.append("missing labels")
    if p99_ms > system.latency_budget_ms:
        alerts.append("p99 latency")
    alerts = [name for name in alerts if name in system.monitors]
    return {"psi": psi, "p99_ms": p99_ms, "accuracy": accuracy, "alerts": tuple(alerts)}


def should_retrain(monitors) -> bool:
    """Return whether the day's monitors call for a new model: an accuracy alert.

    Examples
    --------
    >>> should_retrain({"alerts": ("accuracy",)}), should_retrain({"alerts": ("input drift",)})
    (True, False)
    """
    if not isinstance(monitors, dict) or "alerts" not in monitors:
        raise TypeError("monitors must be a dict with an 'alerts' entry, as monitor_day returns")
    return "accuracy" in monitors["alerts"]


# ---------------------------------------------------------------------------------------------
# The whole system, day by day
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class SystemRun:
    """What happened on each day of one run (arrays indexed by day from `train_days`)."""

    days: np.ndarray
    cost_eur: np.ndarray           # business metric: fraud approved + friction of blocked
    true_accuracy: np.ndarray      # the model's accuracy on the day's events (hidden from it)
    monitored_accuracy: np.ndarray  # accuracy on labels that arrived (NaN when none)
    psi: np.ndarray                # largest PSI over the model inputs
    p99_ms: np.ndarray             # simulated p99 serving latency
    alerts: tuple                  # (day, monitor) pairs
    retrain_days: tuple
    versions: tuple                # model version serving each day
    offline_accuracy: np.ndarray   # the serving model's offline accuracy, each day
    failure: Failure
    fixed_day: int | None          # the day the failure stopped, None if never
    seconds: dict = field(default_factory=dict)  # measured compute time per component

    @property
    def total_cost_eur(self) -> float:
        """Business cost summed over the run, in euros."""
        return float(self.cost_eur.sum())


@cached(maxsize=2_048)
def _events(day, world, seed):
    # Runs that differ only in a failure or a design see the same events: generate them once.
    return generate_events(day, world, seed=seed)


@cached(maxsize=1_024)
def _trained(days, world, seed):
    # Runs that train on the same labelled days fit the same model, whatever their failure
    # (the history holds the events as they were) or label delay: fit and hash it once.
    return train_model(pd.concat([_events(d, world, seed) for d in days]), day=days[-1])


def _timed(seconds, name, function, *args, **kwargs):
    start = time.perf_counter()
    value = function(*args, **kwargs)
    seconds[name] = seconds.get(name, 0.0) + time.perf_counter() - start
    return value


def run_system(n_days=42, failure=Failure(), world=WorldConfig(), system=SystemConfig(), *,
               seed=0) -> SystemRun:
    """Run the whole system for `n_days` days after its first training window.

    The first model is trained on days ``0 .. train_days - 1``; the system then serves
    `n_days` days. A failure injected on day `start_day` (counted from the first served day)
    lasts until `fix_days` after the first alert on or after it.

    Examples
    --------
    >>> run = run_system(10, seed=0)
    >>> len(run.days), run.failure.kind
    (10, 'none')
    """
    with one_thread():
        return _run_system(n_days, failure, world, system, seed=seed)


def _run_system(n_days=42, failure=Failure(), world=WorldConfig(), system=SystemConfig(), *,
               seed=0) -> SystemRun:
    """`run_system`'s work, on one BLAS thread."""
    n_days = check_number("n_days", n_days, low=1, integer=True, unit="days")
    failure = _check_config("failure", failure, Failure)
    world = _check_config("world", world, WorldConfig)
    system = _check_config("system", system, SystemConfig)
    seed = _check_seed(seed)
    seconds = {}
    first = system.train_days
    source = replace(world, label_delay_days=0)  # the events do not depend on the label delay
    history = {d: _timed(seconds, "data source", _events, d, source, seed)
               for d in range(first)}
    served = {d: make_features(history[d]) for d in range(first)}
    trained = _timed(seconds, "training", _trained, tuple(range(first)), source, seed)
    start, fixed_day = first + failure.start_day, None
    rows, alerts, retrains, versions = [], [], [], []
    for day in range(first, first + n_days):
        active = failure.kind != "none" and day >= start and (fixed_day is None
                                                              or day < fixed_day)
        events = _timed(seconds, "data source", _events, day, source, seed)
        raw = (events.assign(amount_eur=events["amount_eur"] * 100)
               if active and failure.kind == "unit change" else events)
        broken = _timed(seconds, "data check", check_batch, raw, system)
        X = _timed(seconds, "features", make_features, raw,
                   log_amount=not (active and failure.kind == "skew"))
        if active and failure.kind == "stale features":
            stale = np.random.default_rng([seed, day, 1]).permutation(served[day - 1][:, 3])
            X[:, 3] = stale
        history[day], served[day] = events, X
        blocked, latency_ms = _timed(seconds, "serving", serve_batch, trained, X, world, system,
                                     seed=seed * 100_003 + day)
        fraud = events[LABEL].to_numpy()
        amount = events["amount_eur"].to_numpy()
        cost = float(amount[(fraud == 1) & (blocked == 0)].sum()
                     + system.friction_cost_eur * ((fraud == 0) & (blocked == 1)).sum())
        lost = failure.kind == "labels stop"
        arrived = [d for d in range(day - world.label_delay_days - system.accuracy_window_days + 1,
                                    day - world.label_delay_days + 1)
                   if d in served and not (lost and d + world.label_delay_days >= start
                                           and (fixed_day is None
                                                or d + world.label_delay_days < fixed_day))]
        labelled = ((np.vstack([served[d] for d in arrived]),
                     np.concatenate([history[d][LABEL].to_numpy() for d in arrived]))
                    if arrived else (np.empty((0, len(MODEL_INPUTS))), np.empty(0)))
        monitors = _timed(seconds, "monitoring", monitor_day, trained, X, latency_ms, labelled,
                          broken, system,
                          accuracy_on=not (active and failure.kind == "monitor off"))
        rows.append((day, cost, float((trained.model.predict(X) == fraud).mean()),
                     monitors["accuracy"], monitors["psi"], monitors["p99_ms"],
                     trained.offline_accuracy))
        versions.append(trained.version)
        alerts.extend((day, name) for name in monitors["alerts"])
        if active and monitors["alerts"] and fixed_day is None:
            fixed_day = day + system.fix_days
        if _timed(seconds, "retraining trigger", should_retrain, monitors):
            window = _labelled_window(history, day, world, system, failure, start, fixed_day)
            if window is not None:
                trained = replace(_timed(seconds, "training", _trained, window, source, seed),
                                  trained_day=day)
                retrains.append(day)
    columns = np.array(rows, dtype=float).T
    return SystemRun(columns[0].astype(int), columns[1], columns[2], columns[3], columns[4],
                     columns[5], tuple(alerts), tuple(retrains), tuple(versions), columns[6],
                     failure, fixed_day, seconds)


def _labelled_window(history, day, world, system, failure, start, fixed_day):
    # The latest `train_days` days whose labels have arrived (and were not lost), in order.
    last = day - world.label_delay_days
    days = [d for d in range(last - system.train_days + 1, last + 1) if d in history]
    if failure.kind == "labels stop":
        days = [d for d in days if not (d + world.label_delay_days >= start
                                        and (fixed_day is None
                                             or d + world.label_delay_days < fixed_day))]
    if len(days) < 2:
        return None
    return tuple(days)


# ---------------------------------------------------------------------------------------------
# Reading a run: failures, lines of code, figures
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FailureReport:
    """How one injected failure played out against the same run without it."""

    kind: str
    component: str
    first_monitor: str | None   # None: no monitor noticed before the run ended
    days_unseen: int            # from the failure's start to its first alert (or run's end)
    extra_cost_eur: float       # business cost over the run minus the healthy run's
    lowest_offline_accuracy: float  # the serving models' offline accuracy never dropped
    defence_chapter: str


@cached(maxsize=256)
def _cached_run(n_days, failure, world, system, seed):
    return run_system(n_days, failure, world, system, seed=seed)


def failure_report(kind, start_day=14, *, n_days=42, world=WorldConfig(), system=SystemConfig(),
                   seed=0) -> FailureReport:
    """Inject one failure, run the system and compare it with the healthy run of the same seed.

    Examples
    --------
    >>> report = failure_report("unit change", 5, n_days=10)
    >>> report.first_monitor, report.days_unseen
    ('data check', 0)
    """
    kind = check_choice("kind", kind, FAILURES[1:])
    start_day = check_number("start_day", start_day, low=0, integer=True, unit="days")
    n_days = check_number("n_days", n_days, low=1, integer=True, unit="days")
    if start_day >= n_days:
        raise ValueError(f"start_day must be < n_days ({n_days}); got {start_day}")
    world = _check_config("world", world, WorldConfig)
    system = _check_config("system", system, SystemConfig)
    seed = _check_seed(seed)
    healthy = _cached_run(n_days, Failure(), world, system, seed)
    broken = _cached_run(n_days, Failure(kind, start_day), world, system, seed)
    start = int(broken.days[0]) + start_day
    after = [(d, name) for d, name in broken.alerts if d >= start]
    first_day = after[0][0] if after else int(broken.days[-1]) + 1
    first = [name for d, name in after if d == first_day]
    first_monitor = next((m for m in MONITORS if m in first), None)
    return FailureReport(kind, FAILURE_COMPONENT[kind], first_monitor, first_day - start,
                         round(broken.total_cost_eur - healthy.total_cost_eur, 2),
                         float(broken.offline_accuracy.min()), DEFENCE_CHAPTER[kind])


#: Which functions make up each component of the system, for `component_lines`.
def _components() -> dict:
    return {
        "data source": [generate_events, fraud_probability],
        "data check": [check_batch],
        "features": [make_features],
        "model": [],  # filled from train_model's fitting lines below
        "training & versioning": [train_model, version_artifact, compute_model_hash,
                                  compute_dataset_hash, _labelled_window],
        "serving": [serve_batch],
        "monitoring": [monitor_day, compute_psi, percentile],
        "retraining trigger": [should_retrain],
        "orchestration": [run_system, _run_system, _timed, _events, _trained],
    }


def count_logical_lines(function) -> int:
    """Return the logical lines of a function's source: statements as `ast` prints them,
    docstrings and comments left out, one line per statement however it is wrapped.

    Examples
    --------
    >>> def f(x):
    ...     '''Docstring.'''
    ...     # a comment
    ...     return (x +
    ...             1)
    >>> count_logical_lines(f)
    2
    """
    if not callable(function):
        raise TypeError(f"function must be a function; got {type(function).__name__}")
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                and body and isinstance(body[0], ast.Expr)
                and isinstance(getattr(body[0], "value", None), ast.Constant)
                and isinstance(body[0].value.value, str)):
            node.body = body[1:] or [ast.Pass()]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.decorator_list = []
    return sum(1 for line in ast.unparse(tree).splitlines() if line.strip())


#: The model itself: the lines of `train_model` that build and fit the estimator.
MODEL_LINE_MARKER = "LogisticRegression()"


def component_lines() -> dict:
    """Return the logical lines of code of each component, read from the package's source.

    The "model" is the statements of `train_model` that construct or fit the estimator (those
    naming ``LogisticRegression()``); they are not counted again under training.

    Examples
    --------
    >>> lines = component_lines()
    >>> lines["model"] < lines["monitoring"]
    True
    """
    lines = {}
    source = ast.unparse(ast.parse(textwrap.dedent(inspect.getsource(train_model))))
    model_lines = sum(MODEL_LINE_MARKER in line for line in source.splitlines())
    for name, functions in _components().items():
        lines[name] = sum(count_logical_lines(f) for f in functions)
    lines["model"] = model_lines
    lines["training & versioning"] -= model_lines
    return lines


def _monitor_axes(ax, run, key, label, threshold=None):
    ax.plot(run.days, key, color=PALETTE["blue"], linestyle=LINESTYLES[0])
    if threshold is not None:
        ax.axhline(threshold, color=PALETTE["vermillion"], linestyle=LINESTYLES[1],
                   label="alert threshold")
    ax.set_ylabel(label)


def plot_run(run, *, title=None) -> Figure:
    """Plot a run's business metric, model metric and monitors, one panel each, by day.

    Examples
    --------
    >>> fig = plot_run(run_system(10, seed=0))
    >>> len(fig.axes)
    4
    >>> plt.close(fig)
    """
    run = _check_config("run", run, SystemRun)
    fig, axes = plt.subplots(4, 1, sharex=True, figsize=(FIGSIZE[0], FIGSIZE[1] * 1.9),
                             layout="constrained")
    axes[0].plot(run.days, run.cost_eur, color=PALETTE["orange"], linestyle=LINESTYLES[0])
    decorate(axes[0], xlabel="", ylabel="cost (EUR/day)", title="business: fraud approved "
             "+ friction")
    axes[1].plot(run.days, run.true_accuracy, color=PALETTE["black"], linestyle=LINESTYLES[3],
                 label="true (hidden from the system)")
    axes[1].plot(run.days, run.monitored_accuracy, color=PALETTE["blue"], marker="o",
                 markersize=3, linestyle=LINESTYLES[0], label="monitored (delayed labels)")
    axes[1].plot(run.days, run.offline_accuracy, color=PALETTE["green"], linestyle=LINESTYLES[1],
                 label="offline (at training)")
    decorate(axes[1], xlabel="", ylabel="accuracy", title="model", legend=True)
    axes[2].plot(run.days, run.psi, color=PALETTE["purple"], linestyle=LINESTYLES[0])
    axes[2].axhline(SystemConfig().psi_threshold, color=PALETTE["vermillion"],
                    linestyle=LINESTYLES[1], label="alert threshold")
    decorate(axes[2], xlabel="", ylabel="largest PSI", title="input drift", legend=True)
    axes[3].plot(run.days, run.p99_ms, color=PALETTE["sky"], linestyle=LINESTYLES[0])
    axes[3].axhline(SystemConfig().latency_budget_ms, color=PALETTE["vermillion"],
                    linestyle=LINESTYLES[1], label="latency budget")
    decorate(axes[3], xlabel="day", ylabel="p99 (ms, simulated)", title="serving latency",
             legend=True)
    for ax in axes:
        for day in run.retrain_days:
            ax.axvline(day, color=PALETTE["green"], linestyle=LINESTYLES[2], alpha=0.5)
    headline = title or (f"{format_count(len(run.days), 'day')}, "
                         f"{format_count(len(run.retrain_days), 'retraining')}: "
                         f"cost {run.total_cost_eur:,.0f} EUR")
    fig.suptitle(headline)
    return fig


#: The failure explorer's grid: every failure, three label delays.
EXPLORER_DELAYS = (2, 7, 14)

#: The cost axis: from 1,000 EUR/day to the first of these that holds both runs (tick labels
#: as wide, so the layout holds as the failure changes).
_COST_LOW_EUR = 1_000
_COST_TOPS_EUR = (4_000, 8_000)


def plot_failure(kind, label_delay_days=7, *, start_day=14, n_days=42, seed=0,
                 figure=None) -> Figure:
    """Plot one injected failure against the healthy run: daily cost, accuracy and first alert.

    Parameters
    ----------
    kind : str
        One of ``FAILURES[1:]``.
    label_delay_days : int, default 7
        Days before a transaction's label arrives, ``>= 0``.
    start_day : int, default 14
        Served day (from 0) on which the failure starts, ``< n_days``.
    n_days : int, default 42
        Days the system serves, ``>= 1``.
    seed : int, default 0
        Seed of the simulated world.
    figure : Figure, optional
        A figure this function drew, to update in place (`mlsys.drawing`); default: a new one.

    Returns
    -------
    matplotlib.figure.Figure
        Two panels by day: cost in EUR/day of both runs (top) and the broken run's accuracies
        (bottom), with the failure's days hatched; the title says who noticed and the cost.

    Examples
    --------
    >>> fig = plot_failure("skew", 7, n_days=20)
    >>> len(fig.axes)
    2
    >>> plt.close(fig)
    """
    kind = check_choice("kind", kind, FAILURES[1:])
    label_delay_days = check_number("label_delay_days", label_delay_days, low=0, integer=True,
                                    unit="days")
    world = WorldConfig(label_delay_days=label_delay_days)
    report = failure_report(kind, start_day, n_days=n_days, world=world, seed=seed)
    healthy = _cached_run(n_days, Failure(), world, SystemConfig(), seed)
    broken = _cached_run(n_days, Failure(kind, start_day), world, SystemConfig(), seed)
    start = int(broken.days[0]) + start_day
    end = broken.fixed_day if broken.fixed_day is not None else int(broken.days[-1]) + 1
    kept = reuse(figure, plot_failure)
    if kept is None:
        fig, (cost_ax, accuracy_ax) = plt.subplots(2, 1, sharex=True, layout="constrained",
                                                   figsize=(FIGSIZE[0], FIGSIZE[1] * 1.35))
        spans = [ax.axvspan(0, 1, color=PALETTE["yellow"], alpha=0.3, hatch="//")
                 for ax in (cost_ax, accuracy_ax)]
        costs = [cost_ax.plot([], [], color=PALETTE["blue"], linestyle=LINESTYLES[1])[0],
                 cost_ax.plot([], [], color=PALETTE["vermillion"], linestyle=LINESTYLES[0])[0]]
        decorate(cost_ax, xlabel="", ylabel="cost (EUR/day)")
        cost_legend = cost_ax.legend(handles=costs, labels=["healthy system", "with"])
        accuracies = [
            accuracy_ax.plot([], [], color=PALETTE["black"], linestyle=LINESTYLES[3],
                             label="true accuracy (hidden)")[0],
            accuracy_ax.plot([], [], color=PALETTE["vermillion"], marker="o", markersize=3,
                             linestyle=LINESTYLES[0], label="monitored accuracy")[0],
            accuracy_ax.plot([], [], color=PALETTE["green"], linestyle=LINESTYLES[1],
                             label="offline accuracy")[0]]
        accuracy_ax.set_ylim(0.4, 1.0)
        decorate(accuracy_ax, xlabel="day", ylabel="accuracy")
        accuracy_ax.legend(loc="lower left", ncol=3)
        for ax in (cost_ax, accuracy_ax):
            ax.set_axisbelow(True)  # the hatched band redraws over the grid and ticks
        alert = cost_ax.annotate("", (0, 0), ha="left", va="top", fontsize=9)
        kept = keep(fig, plot_failure, spans=spans, costs=costs, cost_legend=cost_legend.texts,
                    accuracies=accuracies, alert=alert,
                    title=fig.suptitle("", fontsize=10, fontweight="bold"))
    cost_ax, accuracy_ax = kept.figure.axes
    # The limits autoscaling would pick for these days, and a fixed cost scale: set only when
    # they change (setting a limit makes the whole figure draw again).
    first, last = int(broken.days[0]), int(broken.days[-1])
    margin = 0.05 * max(last - first, 1)
    highest = max(healthy.cost_eur.max(), broken.cost_eur.max())
    lowest = min(healthy.cost_eur.min(), broken.cost_eur.min())
    top = next((t for t in _COST_TOPS_EUR if highest <= 0.95 * t), 1.05 * highest)
    limits = ((first - margin, last + margin),
              (min(_COST_LOW_EUR, 0.95 * lowest), top))
    if (cost_ax.get_xlim(), cost_ax.get_ylim()) != limits:
        cost_ax.set_xlim(*limits[0])
        cost_ax.set_ylim(*limits[1])
    kept.costs[0].set_data(healthy.days, healthy.cost_eur)
    kept.costs[1].set_data(broken.days, broken.cost_eur)
    kept.cost_legend[1].set_text(f"with {kind}")
    for line, values in zip(kept.accuracies, (broken.true_accuracy, broken.monitored_accuracy,
                                              broken.offline_accuracy)):
        line.set_data(broken.days, values)
    for span in kept.spans:
        span.set_x(start - 0.5)
        span.set_width(end - start)
    kept.alert.set_visible(report.first_monitor is not None)
    kept.alert.set_text(f"first alert: {report.first_monitor}")
    kept.alert.xy = (start + report.days_unseen, limits[1][1])
    kept.alert.set_position(kept.alert.xy)  # the text sits at the point it marks
    seen = (f"{report.first_monitor} notices after {format_count(report.days_unseen, 'day')}"
            if report.first_monitor else
            f"no monitor notices in {format_count(report.days_unseen, 'day')}")
    kept.title.set_text(f"{kind} ({report.component}), labels {label_delay_days} days late:\n"
                        f"{seen}; extra cost {report.extra_cost_eur:,.0f} EUR")
    return kept.figure


# ---------------------------------------------------------------------------------------------
# A design review: score a system's decisions against every failure
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DesignScore:
    """How a design fares: its healthy cost, and each failure's days unseen and extra cost."""

    healthy_cost_eur: float
    p99_ms: float                 # the healthy run's worst daily p99
    reports: tuple                # one FailureReport per failure

    @property
    def worst_days_unseen(self) -> int:
        """The longest any failure went unseen."""
        return max(report.days_unseen for report in self.reports)

    @property
    def failure_cost_eur(self) -> float:
        """Extra cost of all failures together, in euros."""
        return float(sum(report.extra_cost_eur for report in self.reports))


def score_design(system=SystemConfig(), world=WorldConfig(), *, start_day=14, n_days=42,
                 seed=0) -> DesignScore:
    """Run a design (its `SystemConfig`) healthy and under each failure of `FAILURES`.

    Examples
    --------
    >>> score = score_design(SystemConfig(monitors=("accuracy",)), n_days=20, start_day=5)
    >>> [r.first_monitor for r in score.reports][:2]
    ['accuracy', 'accuracy']
    """
    system = _check_config("system", system, SystemConfig)
    world = _check_config("world", world, WorldConfig)
    healthy = _cached_run(n_days, Failure(), world, system, _check_seed(seed))
    reports = tuple(failure_report(kind, start_day, n_days=n_days, world=world, system=system,
                                   seed=seed) for kind in FAILURES[1:])
    return DesignScore(round(healthy.total_cost_eur, 2), float(healthy.p99_ms.max()), reports)


# ---------------------------------------------------------------------------------------------
# An incident log, read as a distribution
# ---------------------------------------------------------------------------------------------

def plot_incident_log(log, *, title="A year of incidents: where each started, how long it "
                                    "went unseen") -> Figure:
    """Plot an incident log as a strip chart: one dot per incident, hours to detection (log
    scale) against the component it started in. Nothing is summarised: reading a typical value
    off the dots, and not being fooled by a few far-out ones, is the reader's job.

    Parameters
    ----------
    log : pandas.DataFrame
        One row per incident, with the columns ``component`` and ``hours_to_detect`` (> 0).
    title : str
        The figure's title.

    Examples
    --------
    >>> log = pd.DataFrame({"component": ["data source", "model", "model"],
    ...                     "hours_to_detect": [2, 5, 9]})
    >>> fig = plot_incident_log(log)
    >>> [label.get_text() for label in fig.axes[0].get_yticklabels()]
    ['data source', 'model']
    >>> plt.close(fig)
    """
    log = _check_frame("log", log, ("component", "hours_to_detect"))
    hours = pd.to_numeric(log["hours_to_detect"], errors="coerce").to_numpy(dtype=float)
    if len(hours) == 0 or not (np.isfinite(hours) & (hours > 0)).all():
        raise ValueError("log['hours_to_detect'] must hold finite numbers > 0, one per incident")
    if not isinstance(title, str):
        raise TypeError(f"title must be a string; got {type(title).__name__}")
    components = sorted(log["component"].astype(str).unique())
    fig, ax = plt.subplots(figsize=(FIGSIZE[0], 0.45 * len(components) + 1.4),
                           layout="constrained")
    rng = np.random.default_rng(0)   # vertical jitter only, so equal values stay visible
    for row, component in enumerate(components):
        values = hours[(log["component"].astype(str) == component).to_numpy()]
        ax.scatter(values, row + rng.uniform(-0.18, 0.18, len(values)), s=28,
                   color=PALETTE["blue"], edgecolor=PALETTE["black"], linewidth=0.5,
                   marker="o", alpha=0.8)
    ax.set_xscale("log")
    ax.set_yticks(range(len(components)), components)
    ax.set_ylim(-0.6, len(components) - 0.4)
    ax.grid(axis="x", which="both", alpha=0.3)
    decorate(ax, xlabel="hours until someone noticed (log scale)", ylabel="", title=title)
    return fig
