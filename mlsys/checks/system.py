"""Checks for the exercises of the chapter on the system around the model (00_ml_system).

Task 1 reads an incident log (a food-delivery company's delivery-time predictor) off a strip
chart, task 2 runs the chapter's system in a new scenario (a bank's instant transfers), task 3 is
a design review whose structured decisions are scored by the simulation (`score_design`): every
failure but a switched-off monitor must be noticed by a monitor and cost at most
`MAX_EXTRA_COST_EUR` over six weeks, the healthy system must not page more than
`MAX_HEALTHY_ALERTS` times in six weeks, and the serving budget must hold the simulated p99
within the SLO. Every expectation comes from the check's own data.
"""

from __future__ import annotations

import functools

import pandas as pd

from mlsys.checks import (Fail, close_at_precision, require_bool, require_choice, require_number,
                          require_sequence, task, written_task)
from mlsys.style import format_count
from mlsys.system import (FAILURES, MONITORS, SystemConfig, WorldConfig, failure_report,
                          score_design)

#: The new product: instant transfers screened at a bank, 300 a day, fraud reported within three
#: days (the chapter's card payments: 400 a day, chargebacks after a week).
SCENARIO = WorldConfig(events_per_day=300, label_delay_days=3)
#: The scenario's latency budget for the model: 300 ms for the decision, 100 ms used elsewhere.
SLO_MS = 200.0
MAX_EXTRA_COST_EUR = 8_000.0
MAX_HEALTHY_ALERTS = 4

OBJECTIVES = ("euros lost to fraud and friction", "accuracy", "AUC", "share of transfers held")
SERVING = ("online", "batch")
RETRAINING = ("on accuracy alert", "every day", "on input drift alert", "never")
FAIRNESS = ("equal false positive rates", "demographic parity", "none")
VERSIONED = ("model", "training data", "feature code", "thresholds and config")
DESIGN_KEYS = ("use_ml", "objective", "serving", "latency_budget_ms", "monitors",
               "psi_threshold", "accuracy_tolerance", "retraining", "fairness", "versioned")


def scenario_world() -> WorldConfig:
    """The scenario's world (a frozen copy: changing it changes nothing in the checks)."""
    return SCENARIO


# --- Task 1 ------------------------------------------------------------------------------------

_INCIDENT_HOURS = {
    "data source": [1, 1, 2, 2, 3, 1, 2, 4],
    "features": [30, 40, 45, 50, 55, 60, 2_000],
    "serving": [1, 1, 1, 2, 1, 1],
    "labels": [24, 48, 60, 900, 900],
    "monitoring": [100, 150, 120, 130],
    "model": [5, 10, 8, 6],
    "training": [10, 12, 8, 9, 11, 10],
}


def incident_log() -> pd.DataFrame:
    """A year of incidents of a food-delivery company's delivery-time (ETA) predictor: the
    component each started in and the hours until someone noticed it (a fresh copy on every
    call)."""
    rows = [(component, hours) for component, values in _INCIDENT_HOURS.items()
            for hours in values]
    return pd.DataFrame(rows, columns=["component", "hours_to_detect"])


@task("1", "where the failures come from (warm-up)")
def check_incident_reading(share_outside_model, slowest_component):
    """The share of incidents outside the model, and the component slowest to detect (median),
    read off the strip chart of the log.

    Classic mistakes of the share: a percent (90), the model's share (0.10), a count (36), and
    training counted as the model (0.75). Of the component, misreading the chart: the row with
    the far-out dots (labels: two incidents of 900 hours pull its mean up, its middle incident
    took 60), the row with the single slowest dot (features, 2,000 hours).
    """
    log = incident_log()
    outside = float((log["component"] != "model").mean())
    share = require_number(share_outside_model, "share_outside_model")
    if not close_at_precision(share, outside, 2):
        hints = {round(outside * 100, 6): "That is a percent; give a fraction between 0 and 1.",
                 round(1 - outside, 6): "That is the model's share; the task asks for the rest.",
                 float((log["component"] != "model").sum()): "That is a count of incidents; "
                 "divide by the number of incidents.",
                 round(float((~log["component"].isin(["model", "training"])).mean()), 6):
                 "Training is logic around the model, not the model: count it outside."}
        hint = next((h for value, h in hints.items() if abs(share - value) < 0.006), None)
        raise Fail(f"share_outside_model is {share:g}; that is not the share of incidents that "
                   "started outside the model.",
                   hint or "Compare the component column with 'model' and take the mean.")
    medians = log.groupby("component")["hours_to_detect"].median()
    expected = medians.idxmax()
    component = require_choice(slowest_component, list(_INCIDENT_HOURS), "slowest_component")
    if component != expected:
        by_mean = log.groupby("component")["hours_to_detect"].mean().idxmax()
        by_max = log.groupby("component")["hours_to_detect"].max().idxmax()
        hint = ("That is the largest mean: two very slow incidents pull it up, but its middle "
                "incident took 60 hours. The median says how long a typical incident of the "
                "component goes unseen: look for the row whose middle dot sits furthest right."
                if component == by_mean
                else "That is the component of the single slowest incident (the dot furthest "
                     "right); the task asks for the median, the row's middle dot."
                if component == by_max
                else "In each row, find the middle dot (the median of hours_to_detect): which "
                     "row's middle dot sits furthest right?")
        raise Fail(f"slowest_component is {component!r}; another component has the largest "
                   "median time to detection.", hint)
    return (f"{outside:.0%} of the incidents started outside the model, and {expected} "
            f"incidents go unseen longest (median {medians.max():g} hours).")


# --- Task 2 ------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _scenario_reports():
    return {kind: failure_report(kind, 14, world=SCENARIO, seed=0) for kind in FAILURES[1:]}


@task("2", "the failures of another product")
def check_scenario_failures(costliest, stale_days_unseen):
    """Which failure costs most in the scenario, and how long stale features go unseen.

    Classic mistakes: the chapter's costliest failure (stale features, with labels a week late)
    and the chapter's seven days; one day too many (counting the start day); the failure seen
    latest taken for the costliest is right here, so no hint is given for it.
    """
    reports = _scenario_reports()
    expected = max(reports, key=lambda kind: reports[kind].extra_cost_eur)
    kind = require_choice(costliest, list(FAILURES[1:]), "costliest")
    if kind != expected:
        hint = ("That was the chapter's answer with labels a week late. Here labels arrive "
                f"after {SCENARIO.label_delay_days} days: run failure_report with "
                "world=scenario_world()."
                if kind == "stale features" else
                "Run failure_report for each failure with world=scenario_world() and compare "
                "extra_cost_eur.")
        raise Fail(f"costliest is {kind!r}; another failure costs more in this scenario.", hint)
    days = require_number(stale_days_unseen, "stale_days_unseen")
    right = reports["stale features"].days_unseen
    if days != right:
        hint = ("Seven days was the chapter's label delay; here the labels come sooner."
                if days == 7 else
                "Count the days from the failure's start to its first alert: an alert on the "
                "start day is 0 days unseen." if days == right + 1 else
                "Read days_unseen from the report of 'stale features'.")
        raise Fail(f"stale_days_unseen is {days:g}; that is not how long stale features go "
                   "unseen here.", hint)
    return (f"With labels {SCENARIO.label_delay_days} days late, {expected} costs most "
            f"({reports[expected].extra_cost_eur:,.0f} EUR), and stale features are seen after "
            f"{format_count(right, 'day')}: the accuracy monitor waits only as long as the labels.")


# --- Task 3 ------------------------------------------------------------------------------------

_RULE_HINTS = {
    ("use_ml", False): "A pattern exists and changes, there are far too many transfers for "
                       "people to review, and a wrong decision is costly but recoverable: the "
                       "case for ML of chapter 01.",
    ("objective", "accuracy"): "Accuracy counts a missed 5,000 EUR fraud like a held 10 EUR "
                               "transfer; the business pays in euros (chapter 02).",
    ("objective", "AUC"): "AUC ranks transfers but says nothing about what the decisions cost.",
    ("objective", "share of transfers held"): "Holding every transfer minimises fraud and "
                                              "maximises friction: the objective must weigh both.",
    ("serving", "batch"): "An instant transfer is decided before the money leaves: a nightly "
                          "batch would decide too late (chapter 03).",
    ("retraining", "on input drift alert"): "The world's drift here is in P(fraud | inputs): "
                                            "input drift never sees it (the chapter's run).",
    ("retraining", "never"): "The fraud pattern moves every day; a model never retrained decays.",
    ("fairness", "demographic parity"): "Fraud rates may differ by region; forcing equal hold "
                                        "rates would hold honest customers of one region to "
                                        "catch fraud in another. The harm is holding honest "
                                        "customers: compare false positive rates (chapter 05).",
    ("fairness", "none"): "The regulator asks that honest customers of every region be held at "
                          "similar rates: a criterion on false positives.",
}


def _require_design(design) -> dict:
    if design is None:
        raise Fail("design is still None: nothing to check yet.",
                   "Fill in the dictionary of the task and run the cell again.")
    if not isinstance(design, dict):
        raise Fail(f"design should be a dict; got {type(design).__name__}.")
    missing = [key for key in DESIGN_KEYS if key not in design]
    if missing:
        raise Fail(f"design lacks the key(s) {missing}.", "Keep every key of the template.")
    return design


@task("3a", "design review: the decisions")
def check_design(design):
    """Score a design for the instant-transfer scenario; the simulation grades the monitors.

    Classic mistakes: no ML; accuracy (or AUC, or the share held) as the objective; batch
    serving; a latency budget over the SLO or under the model's p99; a monitor left out so a
    failure goes unseen (the simulation names it); a PSI threshold so low the healthy system
    pages daily, or so high the skew goes unseen; an accuracy tolerance of 0 (pages and retrains
    every few days) or so wide stale features go unseen; retraining on input drift or never;
    demographic parity or no criterion; the feature code, data or config not versioned.
    """
    design = _require_design(design)
    if not require_bool(design["use_ml"], "design['use_ml']"):
        raise Fail("use_ml is False.", _RULE_HINTS[("use_ml", False)])
    for key, options, right in (("objective", OBJECTIVES, OBJECTIVES[0]),
                                ("serving", SERVING, "online")):
        value = require_choice(design[key], options, f"design[{key!r}]")
        if value != right:
            raise Fail(f"{key} is {value!r}.", _RULE_HINTS[(key, value)])
    budget = require_number(design["latency_budget_ms"], "design['latency_budget_ms']")
    if not 0 < budget <= SLO_MS:
        raise Fail(f"latency_budget_ms is {budget:g}; the model's share of the 300 ms decision "
                   f"is at most {SLO_MS:g} ms.",
                   "300 ms for the whole decision, 100 ms of it used by the bank's other checks.")
    monitors = require_sequence(design["monitors"], "design['monitors']", ordered=False)
    unknown = sorted(set(map(str, monitors)) - set(MONITORS))
    if unknown:
        raise Fail(f"monitors holds {unknown}, which are not monitors of the system.",
                   f"Choose among {', '.join(MONITORS)}.")
    psi = require_number(design["psi_threshold"], "design['psi_threshold']")
    tolerance = require_number(design["accuracy_tolerance"], "design['accuracy_tolerance']")
    if psi <= 0 or not 0 <= tolerance < 1:
        raise Fail("psi_threshold must be > 0 and accuracy_tolerance in [0, 1).")
    system = SystemConfig(latency_budget_ms=budget, psi_threshold=psi,
                          accuracy_tolerance=tolerance,
                          monitors=tuple(m for m in MONITORS if m in monitors))
    score, healthy_alerts = _score(system)
    if score.p99_ms > budget:
        raise Fail(f"The healthy system's p99 reaches {score.p99_ms:.0f} ms (simulated), over "
                   f"your {budget:g} ms budget: transfers over budget are approved unscored.",
                   "A budget must hold the model's own p99; measure it before you set it.")
    if healthy_alerts > MAX_HEALTHY_ALERTS:
        raise Fail(f"With nothing broken, your monitors page "
                   f"{format_count(healthy_alerts, 'time')} in six weeks: nobody answers a pager "
                   "that rings every few days.",
                   "A PSI threshold near its noise level (about 0.03 at 400 rows a day) fires on "
                   "sampling noise" if psi < 0.1 else
                   "An accuracy tolerance near 0 fires on the day-to-day noise of accuracy, and "
                   "retrains each time.")
    unseen = [r for r in score.reports if r.kind != "monitor off"
              and (r.first_monitor is None or r.extra_cost_eur > MAX_EXTRA_COST_EUR)]
    if unseen:
        worst = max(unseen, key=lambda r: (r.first_monitor is None, r.extra_cost_eur))
        hint = ("A PSI threshold this high lets the serving skew pass as normal data."
                if worst.kind == "skew" and "input drift" in monitors else
                "A tolerance this wide waits until the model is badly wrong."
                if worst.kind == "stale features" and "accuracy" in monitors else
                "No monitor you kept watches what this failure changes; the chapter's table "
                "says which does.")
        verdict = ("no monitor you kept notices it before the run ends"
                   if worst.first_monitor is None else
                   f"that is over the {MAX_EXTRA_COST_EUR:,.0f} EUR a failure may cost")
        raise Fail(f"In the simulation, {worst.kind} goes unseen for "
                   f"{format_count(worst.days_unseen, 'day')} and costs "
                   f"{worst.extra_cost_eur:,.0f} EUR: {verdict}.", hint)
    for key, options, right in (("retraining", RETRAINING, {"on accuracy alert", "every day"}),
                                ("fairness", FAIRNESS, {"equal false positive rates"})):
        value = require_choice(design[key], options, f"design[{key!r}]")
        if value not in right:
            raise Fail(f"{key} is {value!r}.", _RULE_HINTS[(key, value)])
    versioned = require_sequence(design["versioned"], "design['versioned']", ordered=False)
    missing = [item for item in VERSIONED if item not in versioned]
    if missing:
        raise Fail(f"versioned lacks {missing}.",
                   "The feature code is what the serving skew broke: training and serving must "
                   "share one versioned transform." if "feature code" in missing else
                   "Without the training data's version a model cannot be rebuilt (chapter 07)."
                   if "training data" in missing else
                   "Thresholds and configuration decide as much as the model; a change to them "
                   "is a release.")
    slowest = max(r.days_unseen for r in score.reports if r.kind != "monitor off")
    return (f"The design notices every failure but a switched-off monitor within "
            f"{format_count(slowest, 'day')}, pages {format_count(healthy_alerts, 'time')} in six healthy weeks, and holds a "
            f"simulated p99 of {score.p99_ms:.0f} ms within its {budget:g} ms budget.")


@functools.lru_cache(maxsize=32)
def _score(system):
    from mlsys.system import Failure, _cached_run
    score = score_design(system, SCENARIO, seed=0)
    healthy = _cached_run(42, Failure(), SCENARIO, system, 0)
    return score, len(healthy.alerts)


_DESIGN_RUBRIC = [
    "Justifies ML for this product (scale, a pattern that changes, costly but recoverable "
    "errors) and names the objective in euros, weighing missed fraud against friction.",
    "Ties the latency budget to the 300 ms decision and the model's measured p99, and chooses "
    "online serving because the money leaves at once.",
    "Explains each monitor by the failure it catches and its thresholds by the trade-off between "
    "pages on noise and failures unseen (numbers from the simulation).",
    "Says how the accuracy monitor and the retraining trigger depend on the three-day label delay.",
    "Names a defence against a switched-off monitor (a heartbeat, an alert when a monitor "
    "reports nothing), which no other monitor provides.",
    "Chooses equal false positive rates across regions and says why, and versions model, data, "
    "feature code and configuration together.",
]
_DESIGN_MODEL_ANSWER = (
    "Use ML: millions of transfers, a moving pattern, recoverable errors. Optimise euros lost to "
    "fraud plus friction, serve online within 200 ms (p99 about 43 ms), watch data checks, input "
    "drift at PSI 0.25, accuracy at 5 points below offline, missing labels and p99; retrain on "
    "the accuracy alert; add a heartbeat for the monitors; equal false positive rates across "
    "regions; version model, data, feature code and config.")

check_design_argument = written_task(
    "3b", "design review: your argument (open question)", rubric=_DESIGN_RUBRIC,
    model_answer=_DESIGN_MODEL_ANSWER, min_words=80)
