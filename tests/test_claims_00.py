"""Claims ledger of chapter 00 (the system around the model): every sentence of the chapter's and
the solution's prose that the book's own code re-derives, with the notebooks' parameters and
seeds. The runs are cached per seed: six runs (healthy and five failures) with labels a week late,
and four more (healthy and stale features) with labels 2 and 14 days late."""

import ast
from functools import lru_cache

import nbformat
import numpy as np

import ledger
from ledger import Claim
from mlsys.checks import system as checks
from mlsys.data_shift import compute_psi
from mlsys.system import (FAILURES, Failure, SystemConfig, WorldConfig, _cached_run, _events,
                          check_batch, make_features,
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


def model_got_worse(seed):
    """Mean true accuracy of the first week, and of the week before the first retraining."""
    run = healthy(seed)
    end = (int(np.searchsorted(run.days, run.retrain_days[0])) if run.retrain_days
           else len(run.days))
    return run.true_accuracy[:7].mean(), run.true_accuracy[max(0, end - 7):end].mean()


def mean_fraud_amount(seed, days):
    frames = [_events(day, WorldConfig(), seed) for day in days]
    return float(np.mean(np.concatenate([f.loc[f["fraud"] == 1, "amount_eur"].to_numpy()
                                         for f in frames])))


def account_age_in_hours(seed):
    """(PSI of the served log account age against the day before, median shift of that input,
    the data-check rules broken) when the account age arrives in hours on day 14."""
    before, today = _events(13, WorldConfig(), seed), _events(14, WorldConfig(), seed)
    hours = today.assign(account_age_days=today["account_age_days"] * 24)
    reference, served = make_features(before)[:, 2], make_features(hours)[:, 2]
    shift = float(np.median(served) - np.median(make_features(today)[:, 2]))
    return compute_psi(reference, served), shift, check_batch(hours)


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
    # --- Predictions and self-checks (their strings are prose the reader reads) ---------------
    Claim("witness-accuracy", CHAPTER,
          words="Monitored accuracy, a week behind the truth.",
          derive=lambda seed: (len(healthy(seed).retrain_days),
                               all(name == "accuracy" for _, name in healthy(seed).alerts)),
          holds=lambda value: value[0] >= 1 and value[1], seed=0),
    Claim("witness-drift-quiet", CHAPTER,
          words="Input drift stays quiet because the drift is in P(fraud | inputs)",
          derive=lambda seed: float(healthy(seed).psi.max()),
          holds=lambda psi: psi < SystemConfig().psi_threshold, seed=0),
    Claim("witness-cost-falls", CHAPTER,
          words="the daily cost even falls",
          derive=lambda seed: (healthy(seed).cost_eur[:7].mean(),
                               healthy(seed).cost_eur[-7:].mean()),
          holds=lambda value: value[1] < value[0], seed=0),
    Claim("witness-p99", CHAPTER,
          words="the p99 stays under its budget",
          derive=lambda seed: float(healthy(seed).p99_ms.max()),
          holds=lambda p99: p99 < SystemConfig().latency_budget_ms, seed=0),
    Claim("model-share-lines", CHAPTER,
          words="About 1%: 2 of 182 logical lines build and fit the model, and the loop that "
                "wires the components together has 56.",
          derive=component_lines,
          holds=lambda lines: (lines["model"], sum(lines.values()), lines["orchestration"])
          == (2, 182, 56)),
    Claim("costliest-is-stale", CHAPTER,
          words="Stale features: no input monitor can see them, so they go unseen until the "
                "labels of the first stale days arrive, about a week.",
          derive=lambda seed: (max(reports(seed), key=lambda k: reports(seed)[k].extra_cost_eur),
                               reports(seed)["stale features"].first_monitor,
                               reports(seed)["stale features"].days_unseen),
          holds=lambda value: value[:2] == ("stale features", "accuracy") and 6 <= value[2] <= 8,
          seed=0),
    Claim("delay-stale-grows", CHAPTER,
          words="they go unseen about as long as the labels take to arrive, and cost more with "
                "every day of delay",
          derive=stale_by_delay,
          holds=lambda by: all(abs(by[d][0] - d) <= 1 for d in by)
          and by[2][1] < by[7][1] < by[14][1], seed=0),
    Claim("reads-high-drift-quiet", CHAPTER,
          words="The inputs' distribution did not move in this run: input drift stayed quiet.",
          derive=lambda seed: float(healthy(seed).psi.max()),
          holds=lambda psi: psi < SystemConfig().psi_threshold, seed=0),
    Claim("label-arrival-day-37", CHAPTER,
          words="Day 37: the labels of day 30 arrive 30 + 7 days later, and the window of the "
                "last 3 labelled days then holds days 28 to 30.",
          derive=lambda: (WorldConfig().label_delay_days, SystemConfig().accuracy_window_days),
          holds=lambda value: value == (7, 3)),
    Claim("stale-fourteen-days", CHAPTER,
          words="About 14 days: the first stale day's labels arrive 14 days later, as the "
                "explorer shows for labels 14 days late.",
          derive=lambda seed: stale_by_delay(seed)[14][0],
          holds=lambda days: abs(days - 14) <= 1, seed=0),
    Claim("account-age-in-hours", CHAPTER,
          words="the input log(1 + age) shifts by about log 24 ≈ 3.2, far beyond its PSI "
                "threshold, while every data-check rule still passes",
          derive=account_age_in_hours,
          holds=lambda value: value[0] > 10 * SystemConfig().psi_threshold
          and 3.0 <= value[1] <= 3.3 and value[2] == (), seed=0),
    Claim("cost-lower-model-worse", CHAPTER,
          words="In the chapter's run the daily cost was lower in the last week than in the "
                "first while the model got worse.",
          derive=lambda seed: (healthy(seed).cost_eur[:7].mean(),
                               healthy(seed).cost_eur[-7:].mean(), *model_got_worse(seed)),
          holds=lambda value: value[1] < value[0] and value[3] < value[2], seed=0),
    Claim("average-fraud-smaller", CHAPTER,
          words="fraud moved from large amounts towards busy accounts, so the average fraud got "
                "smaller",
          derive=lambda seed: (mean_fraud_amount(seed, range(14, 21)),
                               mean_fraud_amount(seed, range(49, 56))),
          holds=lambda value: value[1] < value[0], seed=0),
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


def question_arguments(notebook, question_id):
    """The literal keyword arguments of the notebook's question cell with this id."""
    for cell in nbformat.read(ledger.ROOT / notebook, as_version=4).cells:
        if cell.cell_type == "code" and f'"{question_id}"' in cell.source:
            call = ast.parse(cell.source).body[0].value
            return {kw.arg: ast.literal_eval(kw.value) for kw in call.keywords}
    raise AssertionError(f"{notebook} has no question {question_id!r}")


def test_the_model_share_prediction_answers_with_the_counted_share():
    lines = component_lines()
    share = 100 * lines["model"] / sum(lines.values())
    assert question_arguments(CHAPTER, "model-share")["answer"] == round(share, 1)


def test_the_costliest_prediction_answers_with_the_simulations_costliest():
    arguments = question_arguments(CHAPTER, "costliest-failure")
    chosen = arguments["choices"][arguments["answer"]]
    costliest = max(reports(0), key=lambda k: reports(0)[k].extra_cost_eur)
    assert chosen.lower().startswith(costliest)
