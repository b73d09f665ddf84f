"""The system exercise's checks: right answers pass in every form, each classic mistake fails
with its own hint, and nothing a learner does makes a check raise."""

import math
import sys

import numpy as np
import pandas as pd
import pytest

from mlsys.checks import REVIEW
from mlsys.checks import system as checks
from mlsys.system import MONITORS

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}, object()]


def verdict(capsys):
    return capsys.readouterr().out


# --- Task 1 ------------------------------------------------------------------------------------

@pytest.mark.parametrize("share", [0.9, 0.90, np.float64(0.9), pd.Series([0.9]), 0.904, 36 / 40])
def test_task1_accepts_every_form_of_the_share(share, capsys):
    assert checks.check_incident_reading(share, "monitoring") is True
    assert "PASS" in verdict(capsys)


@pytest.mark.parametrize("share, hint", [(90, "percent"), (0.1, "model's share"),
                                         (36, "count"), (0.75, "Training is logic")])
def test_task1_tells_each_mistake_of_the_share(share, hint, capsys):
    assert checks.check_incident_reading(share, "monitoring") is False
    assert hint in verdict(capsys)


@pytest.mark.parametrize("component, hint", [("labels", "largest mean"),
                                             ("features", "single slowest"),
                                             ("serving", "median of hours_to_detect")])
def test_task1_tells_each_mistake_of_the_component(component, hint, capsys):
    assert checks.check_incident_reading(0.9, component) is False
    assert hint in verdict(capsys)


def test_task1_mistakes_give_distinct_answers():
    log = checks.incident_log()
    grouped = log.groupby("component")["hours_to_detect"]
    assert len({grouped.median().idxmax(), grouped.mean().idxmax(), grouped.max().idxmax()}) == 3
    outside = (log["component"] != "model").mean()
    assert len({outside, 1 - outside, 100 * outside, 36.0, 0.75}) == 5


def test_task1_keeps_a_private_log():
    log = checks.incident_log()
    log["component"] = "model"
    assert (checks.incident_log()["component"] != "model").mean() == pytest.approx(0.9)


@pytest.mark.parametrize("wrong", WRONG_TYPES)
def test_task1_survives_wrong_types(wrong, capsys):
    assert checks.check_incident_reading(wrong, wrong) is False
    assert checks.check_incident_reading(0.9, wrong) is False


# --- Task 2 ------------------------------------------------------------------------------------

def test_task2_passes_the_simulations_answer(capsys):
    assert checks.check_scenario_failures("monitor off", 3) is True
    assert checks.check_scenario_failures("Monitor-off", np.int64(3)) is True
    assert checks.check_scenario_failures("monitor off", pd.Series([3.0])) is True


def test_task2_scenario_is_not_the_chapters():
    # The chapter shows 400 transactions a day with labels 2, 7 or 14 days late; the task's
    # answers must come from a world it never ran.
    world = checks.scenario_world()
    assert world.events_per_day != 400 and world.label_delay_days not in (2, 7, 14)


@pytest.mark.parametrize("costliest, days, hint", [
    ("stale features", 3, "chapter's answer"),
    ("skew", 3, "compare extra_cost_eur"),
    ("monitor off", 7, "chapter's label delay"),
    ("monitor off", 4, "0 days unseen"),
    ("monitor off", 0, "Read days_unseen"),
])
def test_task2_tells_each_mistake(costliest, days, hint, capsys):
    assert checks.check_scenario_failures(costliest, days) is False
    assert hint in verdict(capsys)


@pytest.mark.parametrize("wrong", WRONG_TYPES)
def test_task2_survives_wrong_types(wrong):
    assert checks.check_scenario_failures(wrong, 3) is False
    assert checks.check_scenario_failures("monitor off", wrong) is False


# --- Task 3 ------------------------------------------------------------------------------------

GOOD = {
    "use_ml": True,
    "objective": "euros lost to fraud and friction",
    "serving": "online",
    "latency_budget_ms": 200,
    "monitors": list(MONITORS),
    "psi_threshold": 0.25,
    "accuracy_tolerance": 0.05,
    "retraining": "on accuracy alert",
    "fairness": "equal false positive rates",
    "versioned": list(checks.VERSIONED),
}


def test_task3a_passes_good_designs_in_every_form(capsys):
    assert checks.check_design(GOOD) is True
    assert checks.check_design({**GOOD, "monitors": tuple(reversed(MONITORS)),
                                "versioned": set(checks.VERSIONED), "retraining": "every day",
                                "latency_budget_ms": 150.0}) is True
    # The data check is not needed: input drift sees a unit change the same day.
    assert checks.check_design({**GOOD, "monitors": [m for m in MONITORS
                                                     if m != "data check"]}) is True


@pytest.mark.parametrize("change, hint", [
    ({"use_ml": False}, "case for ML"),
    ({"objective": "accuracy"}, "missed 5,000 EUR fraud"),
    ({"objective": "AUC"}, "ranks transfers"),
    ({"objective": "share of transfers held"}, "maximises friction"),
    ({"serving": "batch"}, "decide too late"),
    ({"latency_budget_ms": 300}, "other checks"),
    ({"latency_budget_ms": 20}, "model's own p99"),
    ({"psi_threshold": 0.03}, "sampling noise"),
    ({"psi_threshold": 50.0}, "skew pass as normal"),
    ({"accuracy_tolerance": 0.0}, "day-to-day noise"),
    ({"accuracy_tolerance": 0.2}, "waits until the model is badly wrong"),
    ({"monitors": [m for m in MONITORS if m != "missing labels"]}, "No monitor you kept"),
    ({"monitors": [m for m in MONITORS if m != "input drift"]}, "No monitor you kept"),
    ({"monitors": ["accuracy", "drift"]}, "not monitors"),
    ({"retraining": "on input drift alert"}, "input drift never sees it"),
    ({"retraining": "never"}, "decays"),
    ({"fairness": "demographic parity"}, "false positive rates"),
    ({"fairness": "none"}, "regulator"),
    ({"versioned": ["model", "training data", "thresholds and config"]}, "serving skew"),
    ({"versioned": ["model", "feature code", "thresholds and config"]}, "rebuilt"),
    ({"versioned": ["model", "training data", "feature code"]}, "is a release"),
])
def test_task3a_tells_each_mistake(change, hint, capsys):
    assert checks.check_design({**GOOD, **change}) is False
    out = verdict(capsys)
    assert "FAIL" in out and hint in out


def test_task3a_fails_a_failure_no_monitor_notices_even_when_it_is_cheap(capsys):
    # Without the missing-labels monitor, labels that stop are never reported: a design flaw
    # whatever the six weeks happened to cost.
    assert checks.check_design({**GOOD, "monitors": [m for m in MONITORS
                                                     if m != "missing labels"]}) is False
    out = verdict(capsys)
    assert "labels stop goes unseen for 28 days" in out and "no monitor you kept" in out


@pytest.mark.parametrize("wrong", [None, "design", [GOOD], {"use_ml": True}])
def test_task3a_survives_wrong_shapes(wrong, capsys):
    assert checks.check_design(wrong) is False


@pytest.mark.parametrize("key", ["use_ml", "objective", "latency_budget_ms", "monitors",
                                 "psi_threshold", "versioned"])
@pytest.mark.parametrize("wrong", [None, float("nan"), object()])
def test_task3a_survives_wrong_values(key, wrong):
    assert checks.check_design({**GOOD, key: wrong}) is False


def test_task3a_keeps_its_own_scenario():
    world = checks.scenario_world()
    with pytest.raises(Exception):
        world.label_delay_days = 30  # frozen: a learner cannot change the check's world
    assert checks.SCENARIO.label_delay_days == 3


def test_task3b_reviews_a_written_argument_and_fails_placeholders(capsys):
    text = " ".join(f"word{i}" for i in range(100))
    assert checks.check_design_argument(text) == REVIEW
    assert checks.check_design_argument(None) is False
    assert checks.check_design_argument("too short") is False
    assert checks.check_design_argument("the same words " * 40) is False


def test_a_learner_value_that_exits_is_a_fail():
    class Exits:
        def __float__(self):
            sys.exit(1)

    assert checks.check_incident_reading(Exits(), "monitoring") is False
