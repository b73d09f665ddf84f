"""Claims ledger of chapter 00 (the system around the model): every sentence of the chapter's and
the solution's prose that the book's own code re-derives, with the notebooks' parameters and
seeds. The runs are cached per seed: six runs (healthy and five failures) with labels a week late,
and four more (healthy and stale features) with labels 2 and 14 days late."""

from functools import lru_cache

import numpy as np

import ledger
from ledger import Claim
from mlsys.checks import system as checks
from mlsys.system import (FAILURES, Failure, SystemConfig, WorldConfig, _cached_run,
                          component_lines, failure_report)

CHAPTER = "chapters/00_ml_system.ipynb"
SOLUTION = "solutions/00_ml_system.ipynb"
START_DAY = 14


def healthy(seed):
    return _cached_run(42, Failure(), WorldConfig(), SystemConfig(), seed)


@lru_cache(maxsize=None)
def reports(seed):
    """The chapter's table: each failure's report, labels a week late."""
    return {kind: failure_report(kind, START_DAY, seed=seed) for kind in FAILURES[1:]}


@lru_cache(maxsize=None)
def stale_by_delay(seed):
    """(days unseen, extra cost) of stale features for the explorer's label delays."""
    out = {}
    for delay in (2, 7, 14):
        report = failure_report("stale features", START_DAY,
                                world=WorldConfig(label_delay_days=delay), seed=seed)
        out[delay] = (report.days_unseen, report.extra_cost_eur)
    return out


def after_retraining(seed):
    """Mean true accuracy of the 5 days before and after the first retraining (None if none)."""
    run = healthy(seed)
    if not run.retrain_days:
        return None
    i = int(np.searchsorted(run.days, run.retrain_days[0]))
    return run.true_accuracy[max(0, i - 4):i + 1].mean(), run.true_accuracy[i + 1:i + 6].mean()


@lru_cache(maxsize=None)
def scenario():
    return {kind: failure_report(kind, START_DAY, world=checks.SCENARIO, seed=0)
            for kind in FAILURES[1:]}


def design_run(**changes):
    system = SystemConfig(**changes)
    score, alerts = checks._score(system)
    return score, alerts


CLAIMS = [
    # --- Section 2: the run ----------------------------------------------------------------------
    Claim("monitored-reads-high", CHAPTER,
          words="The monitored accuracy follows a week behind and reads higher than the truth on "
                "most days",
          derive=lambda seed: float(np.mean(healthy(seed).monitored_accuracy
                                            > healthy(seed).true_accuracy)),
          holds=lambda share: share > 0.5, seed=0),
    Claim("cost-falls", CHAPTER,
          words="the daily cost is lower in the last week than in the first",
          derive=lambda seed: (healthy(seed).cost_eur[:7].mean(),
                               healthy(seed).cost_eur[-7:].mean()),
          holds=lambda value: value[1] < value[0], seed=0),
    Claim("retraining-fires", CHAPTER,
          words="Only when the delayed labels show the slip does the retraining trigger fire",
          derive=lambda seed: (len(healthy(seed).retrain_days),
                               all(name == "accuracy" for _, name in healthy(seed).alerts)),
          holds=lambda value: value[0] >= 1 and value[1], seed=0),
    Claim("retraining-helps", CHAPTER,
          words="the new model brings the true accuracy back up",
          derive=after_retraining,
          holds=lambda value: value is not None and value[1] > value[0], seed=0),
    Claim("drift-quiet", CHAPTER,
          words="Input drift stays quiet all along",
          derive=lambda seed: float(healthy(seed).psi.max()),
          holds=lambda psi: psi < SystemConfig().psi_threshold, seed=0),
    Claim("p99-under-budget", CHAPTER,
          words="The p99 latency stays under its budget every day.",
          derive=lambda seed: float(healthy(seed).p99_ms.max()),
          holds=lambda p99: p99 < SystemConfig().latency_budget_ms, seed=0),
    # --- Lines of code (no seed: the package's source) ----------------------------------------
    Claim("model-fewest-lines", CHAPTER,
          words="The model's own lines are the fewest of any component",
          derive=component_lines,
          holds=lambda lines: min(lines, key=lines.get) == "model"),
    Claim("model-one-percent", CHAPTER,
          words="about 1% of the system",
          derive=lambda: component_lines()["model"] / sum(component_lines().values()),
          holds=lambda share: 0.005 <= share < 0.015),
    Claim("orchestration-largest", CHAPTER,
          words="The loop that wires the components together is the largest",
          derive=component_lines,
          holds=lambda lines: max(lines, key=lines.get) == "orchestration"),
    Claim("ten-times-model", CHAPTER,
          words="monitoring and training with its versioning each have more than ten times the "
                "model's lines",
          derive=component_lines,
          holds=lambda lines: min(lines["monitoring"], lines["training & versioning"])
          > 10 * lines["model"]),
    # --- Section 3: the failures -------------------------------------------------------------
    Claim("unit-change-data-check", CHAPTER,
          words="the data check rejects amounts in cents",
          derive=lambda seed: (reports(seed)["unit change"].first_monitor,
                               reports(seed)["unit change"].days_unseen),
          holds=lambda value: value == ("data check", 0), seed=0),
    Claim("skew-drift", CHAPTER,
          words="the drift monitor sees the raw amounts where it expects logarithms",
          derive=lambda seed: (reports(seed)["skew"].first_monitor,
                               reports(seed)["skew"].days_unseen),
          holds=lambda value: value == ("input drift", 0), seed=0),
    Claim("stale-a-week", CHAPTER,
          words="only the accuracy monitor does, about a week later, once the labels of the first "
                "stale days arrive",
          derive=lambda seed: (reports(seed)["stale features"].first_monitor,
                               reports(seed)["stale features"].days_unseen),
          holds=lambda value: value[0] == "accuracy" and 6 <= value[1] <= 8, seed=0),
    Claim("stale-costliest", CHAPTER,
          words="It is the costliest of the five.",
          derive=lambda seed: max(reports(seed), key=lambda k: reports(seed)[k].extra_cost_eur),
          holds=lambda kind: kind == "stale features", seed=0),
    Claim("labels-stop-cheap", CHAPTER,
          words="the missing-labels monitor fires within two days, so it costs a fraction of what "
                "stale features cost",
          derive=lambda seed: (reports(seed)["labels stop"].first_monitor,
                               reports(seed)["labels stop"].days_unseen,
                               reports(seed)["labels stop"].extra_cost_eur
                               / reports(seed)["stale features"].extra_cost_eur),
          holds=lambda value: value[0] == "missing labels" and value[1] <= 2
          and abs(value[2]) < 0.25, seed=0),
    Claim("monitor-off-unseen", CHAPTER,
          words="no monitor notices in the four weeks left",
          derive=lambda seed: (reports(seed)["monitor off"].first_monitor,
                               reports(seed)["monitor off"].days_unseen,
                               reports(seed)["monitor off"].extra_cost_eur),
          holds=lambda value: value[0] is None and value[1] == 28 and value[2] > 0, seed=0),
    Claim("offline-accuracy-fine", CHAPTER,
          words="the serving model's offline accuracy stays where it was",
          derive=lambda seed: min(r.lowest_offline_accuracy for r in reports(seed).values())
          - healthy(seed).offline_accuracy.min(),
          holds=lambda gap: gap > -0.03, seed=0),
    Claim("stale-follows-delay", CHAPTER,
          words="Stale features go unseen about as long as the labels take to arrive, and their "
                "cost grows with every day of delay",
          derive=stale_by_delay,
          holds=lambda by: all(abs(by[d][0] - d) <= 1 for d in by)
          and by[2][1] < by[7][1] < by[14][1], seed=0),
    # --- The solution's model answers (fixed scenario, seed 0, as the checks) -----------------
    Claim("incidents-outside", SOLUTION,
          words="36 of the 40 incidents (0.9) started outside the model",
          derive=lambda: ((checks.incident_log()["component"] != "model").sum(),
                          len(checks.incident_log())),
          holds=lambda value: value == (36, 40)),
    Claim("incidents-monitoring-slowest", SOLUTION,
          words="Monitoring incidents take longest to notice (median 125 hours)",
          derive=lambda: checks.incident_log().groupby("component")["hours_to_detect"].median(),
          holds=lambda medians: medians.idxmax() == "monitoring" and medians.max() == 125),
    Claim("incidents-mean-labels", SOLUTION,
          words="The mean would point at labels",
          derive=lambda: checks.incident_log().groupby("component")["hours_to_detect"]
          .mean().idxmax(),
          holds=lambda component: component == "labels"),
    Claim("incidents-max-features", SOLUTION,
          words="the single slowest dot at features",
          derive=lambda: checks.incident_log().groupby("component")["hours_to_detect"]
          .max().idxmax(),
          holds=lambda component: component == "features"),
    Claim("scenario-stale-three-days", SOLUTION,
          words="the accuracy monitor sees stale features after three days, and they are no "
                "longer the costliest failure",
          derive=lambda: (scenario()["stale features"].days_unseen,
                          max(scenario(), key=lambda k: scenario()[k].extra_cost_eur)),
          holds=lambda value: value[0] == 3 and value[1] != "stale features"),
    Claim("scenario-monitor-off-costliest", SOLUTION,
          words="The switched-off accuracy monitor is now the costliest",
          derive=lambda: max(scenario(), key=lambda k: scenario()[k].extra_cost_eur),
          holds=lambda kind: kind == "monitor off"),
    Claim("design-seen-three-days", SOLUTION,
          words="every failure but a switched-off monitor is seen within three days",
          derive=lambda: max(r.days_unseen for r in design_run()[0].reports
                             if r.kind != "monitor off"),
          holds=lambda days: days == 3),
    Claim("design-pages-twice", SOLUTION,
          words="the healthy system pages twice in six weeks, and the simulated p99 of about "
                "43 ms sits well within 200 ms",
          derive=lambda: design_run(),
          holds=lambda value: value[1] == 2 and round(value[0].p99_ms) == 43),
    Claim("design-psi-low", SOLUTION,
          words="Lower the PSI threshold to 0.03 and the drift monitor pages almost daily on "
                "noise",
          derive=lambda: design_run(psi_threshold=0.03)[1],
          holds=lambda alerts: alerts >= 30),
    Claim("design-psi-high", SOLUTION,
          words="raise it to 50 and the skew passes as normal data",
          derive=lambda: next(r for r in design_run(psi_threshold=50.0)[0].reports
                              if r.kind == "skew"),
          holds=lambda report: report.first_monitor != "input drift"
          and report.extra_cost_eur > checks.MAX_EXTRA_COST_EUR),
    Claim("design-tolerance-wide", SOLUTION,
          words="widen the accuracy tolerance to 0.2 and stale features go unseen for weeks",
          derive=lambda: next(r for r in design_run(accuracy_tolerance=0.2)[0].reports
                              if r.kind == "stale features").days_unseen,
          holds=lambda days: days >= 14),
]

test_claim = ledger.tests(CLAIMS)
