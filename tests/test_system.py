"""Tests of mlsys.system: the small end-to-end ML system, its failures and its line counts."""

import matplotlib

matplotlib.use("Agg")

import ast
import inspect

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from updates import updates_match
from matplotlib.figure import Figure

from mlsys import system as s
from mlsys.artifacts import compute_model_hash
from mlsys.data_shift import compute_psi
from mlsys.latency import percentile


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def healthy():
    return s.run_system(seed=0)


# --- Components -------------------------------------------------------------------------------

def test_events_are_seeded_per_day_and_have_the_raw_columns():
    a, b = s.generate_events(5, seed=2), s.generate_events(5, seed=2)
    assert a.equals(b)
    assert not a.equals(s.generate_events(6, seed=2))
    assert list(a.columns) == [*s.RAW_COLUMNS, s.LABEL]
    assert len(a) == s.WorldConfig().events_per_day
    assert 0.1 < a[s.LABEL].mean() < 0.4


def test_concept_drift_moves_the_truth_but_not_the_inputs():
    events = s.generate_events(0, seed=0)
    early, late = s.fraud_probability(events, 0), s.fraud_probability(events, 40)
    assert np.abs(early - late).mean() > 0.05  # P(fraud | x) moved
    later = s.generate_events(40, seed=0)     # P(x) did not: same distribution of inputs
    assert compute_psi(s.make_features(events)[:, 0], s.make_features(later)[:, 0]) < 0.1


def test_the_data_check_names_each_broken_rule():
    events = s.generate_events(0, seed=0)
    assert s.check_batch(events) == ()
    assert s.check_batch(events.drop(columns="hour")) == ("columns",)
    broken = events.copy()
    broken.loc[0, "amount_eur"] = np.nan
    broken.loc[1, "hour"] = 24
    broken.loc[2, "n_recent"] = -1
    assert s.check_batch(broken) == ("missing values", "amount range", "hour range",
                                     "negative count")
    assert s.check_batch(events.assign(amount_eur=events["amount_eur"] * 100)) == (
        "amount range",)


def test_features_log_the_amount_unless_told_not_to():
    events = s.generate_events(0, seed=0)
    X, raw = s.make_features(events), s.make_features(events, log_amount=False)
    assert X.shape == (len(events), len(s.MODEL_INPUTS))
    assert np.allclose(X[:, 0], np.log1p(events["amount_eur"]))
    assert np.allclose(raw[:, 0], events["amount_eur"])
    assert np.array_equal(X[:, 1:], raw[:, 1:])


def test_training_is_reproducible_and_versions_by_content():
    window = pd.concat([s.generate_events(d, seed=0) for d in range(3)])
    a, b = s.train_model(window), s.train_model(window.iloc[::-1])
    assert a.version == compute_model_hash(a.model)[:12]
    assert a.data_version == b.data_version  # row order is not content
    other = s.train_model(pd.concat([s.generate_events(d, seed=1) for d in range(3)]))
    assert other.version != a.version and other.data_version != a.data_version
    assert 0.7 < a.offline_accuracy < 0.95


def test_serving_falls_back_to_approve_over_budget():
    trained = s.train_model(s.generate_events(0, seed=0))
    X = s.make_features(s.generate_events(1, seed=0))
    blocked, latency = s.serve_batch(trained, X)
    assert blocked.sum() > 0
    tight = s.SystemConfig(latency_budget_ms=1.0)  # every request over budget
    blocked, latency = s.serve_batch(trained, X, system=tight)
    assert blocked.sum() == 0 and (latency > 1.0).all()


def test_monitor_day_alerts_on_each_monitor():
    events = s.generate_events(0, seed=0)
    trained = s.train_model(events)
    X, y = s.make_features(events), events[s.LABEL].to_numpy()
    quiet = s.monitor_day(trained, X, np.full(len(X), 10.0), (X, y), ())
    assert quiet["alerts"] == () and quiet["p99_ms"] == 10.0
    assert quiet["psi"] == pytest.approx(0.0)
    skewed = s.make_features(events, log_amount=False)
    noisy = s.monitor_day(trained, skewed, np.full(len(X), 99.0), (X, 1 - y), ("amount range",))
    assert noisy["alerts"] == ("data check", "input drift", "accuracy", "p99 latency")
    empty = (np.empty((0, 4)), np.empty(0))
    assert s.monitor_day(trained, X, np.full(len(X), 10.0), empty, ())["alerts"] == (
        "missing labels",)
    off = s.monitor_day(trained, X, np.full(len(X), 10.0), empty, (), accuracy_on=False)
    assert off["alerts"] == () and np.isnan(off["accuracy"])


def test_should_retrain_listens_to_the_accuracy_monitor_only():
    assert s.should_retrain({"alerts": ("accuracy", "input drift")})
    assert not s.should_retrain({"alerts": ("input drift", "missing labels")})
    with pytest.raises(TypeError, match="monitors"):
        s.should_retrain(["accuracy"])


# --- The whole system --------------------------------------------------------------------------

def test_a_healthy_run_is_seeded_and_retrains_when_accuracy_drops(healthy):
    again = s.run_system(seed=0)
    assert np.array_equal(healthy.cost_eur, again.cost_eur)
    assert healthy.alerts == again.alerts and healthy.versions == again.versions
    assert len(healthy.days) == 42 and healthy.days[0] == s.SystemConfig().train_days
    assert healthy.retrain_days, "concept drift should trigger a retraining"
    assert all(name == "accuracy" for _, name in healthy.alerts)
    assert len(set(healthy.versions)) == len(healthy.retrain_days) + 1
    assert (healthy.p99_ms < s.SystemConfig().latency_budget_ms).all()
    assert set(healthy.seconds) >= {"data source", "data check", "features", "training",
                                    "serving", "monitoring", "retraining trigger"}


def test_monitored_accuracy_waits_for_the_labels(healthy):
    # With a week's delay the first served days are scored on the training days' labels.
    assert np.isfinite(healthy.monitored_accuracy).all()
    # With labels 30 days late, no label has arrived in the first five served days.
    late = s.run_system(5, world=s.WorldConfig(label_delay_days=30), seed=0)
    assert np.isnan(late.monitored_accuracy).all()
    assert [name for _, name in late.alerts] == ["missing labels"] * 5


def test_p99_is_the_nearest_rank_percentile_of_the_simulated_latencies():
    world, system = s.WorldConfig(), s.SystemConfig()
    trained = s.train_model(s.generate_events(0, seed=0))
    X = s.make_features(s.generate_events(1, seed=0))
    _, latency = s.serve_batch(trained, X, world, system, seed=3)
    day = s.monitor_day(trained, X, latency, (X, np.zeros(len(X))), (), system)
    assert day["p99_ms"] == percentile(latency, 99)


@pytest.mark.parametrize("kind, monitor", [("unit change", "data check"),
                                           ("skew", "input drift"),
                                           ("stale features", "accuracy"),
                                           ("labels stop", "missing labels"),
                                           ("monitor off", None)])
def test_each_failure_is_noticed_by_its_monitor(kind, monitor):
    report = s.failure_report(kind, 14, seed=0)
    assert report.first_monitor == monitor
    assert report.component == s.FAILURE_COMPONENT[kind]
    healthy = s.failure_report("unit change", 14, seed=0)  # same healthy baseline, cached
    assert report.lowest_offline_accuracy > 0.75 and healthy.lowest_offline_accuracy > 0.75


def test_unseen_failures_cost_more_than_those_seen_at_once():
    reports = {k: s.failure_report(k, 14, seed=0) for k in s.FAILURES[1:]}
    assert reports["unit change"].days_unseen == reports["skew"].days_unseen == 0
    assert reports["stale features"].days_unseen >= s.WorldConfig().label_delay_days
    assert reports["monitor off"].days_unseen == 42 - 14
    assert reports["stale features"].extra_cost_eur > reports["unit change"].extra_cost_eur
    assert reports["monitor off"].extra_cost_eur > reports["skew"].extra_cost_eur


def test_a_failure_lasts_until_fix_days_after_its_first_alert():
    run = s.run_system(failure=s.Failure("unit change", 3), seed=0)
    start = int(run.days[0]) + 3
    assert run.fixed_day == start + s.SystemConfig().fix_days
    assert (start, "data check") in run.alerts
    assert not any(name == "data check" for day, name in run.alerts if day >= run.fixed_day)
    assert s.run_system(failure=s.Failure("monitor off", 3), seed=0).fixed_day is None


# --- Lines of code -----------------------------------------------------------------------------

def test_count_logical_lines_leaves_out_docstrings_comments_and_wrapping():
    def f(x):
        """Docstring."""
        # comment
        y = (x +
             1)
        return y

    assert s.count_logical_lines(f) == 3
    with pytest.raises(TypeError, match="function"):
        s.count_logical_lines(3)


def test_component_lines_follow_the_source():
    lines = s.component_lines()
    assert list(lines) == list(s._components())
    assert lines["model"] == 2  # the held-out fit and the final fit
    assert lines["model"] == min(lines.values())
    expected = sum(s.count_logical_lines(f) for f in s._components()["monitoring"])
    assert lines["monitoring"] == expected
    total_source = sum(s.count_logical_lines(f) for fs in s._components().values() for f in fs)
    assert sum(lines.values()) == total_source
    assert isinstance(ast.parse(inspect.getsource(s)), ast.Module)


# --- Figures -----------------------------------------------------------------------------------

def test_plot_run_shows_four_labelled_panels(healthy):
    fig = s.plot_run(healthy)
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    assert all(ax.get_ylabel() for ax in fig.axes)
    assert "EUR" in fig._suptitle.get_text()


def test_plot_failure_titles_who_noticed_and_the_cost():
    fig = s.plot_failure("stale features", 7)
    title = fig._suptitle.get_text()
    report = s.failure_report("stale features", 14, seed=0)
    assert f"accuracy notices after {report.days_unseen} days" in title
    assert f"{report.extra_cost_eur:,.0f} EUR" in title
    assert "no monitor notices" in s.plot_failure("monitor off", 7)._suptitle.get_text()


def test_plot_incident_log_draws_one_dot_per_incident_on_a_log_axis():
    log = pd.DataFrame({"component": ["model", "labels", "labels", "serving"],
                        "hours_to_detect": [5, 60, 900, 1]})
    fig = s.plot_incident_log(log)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["labels", "model", "serving"]
    dots = np.vstack([c.get_offsets() for c in ax.collections])
    assert sorted(dots[:, 0]) == [1, 5, 60, 900]
    # Each dot stays in its component's row: jitter is vertical and smaller than half a row.
    assert np.all(np.abs(dots[:, 1] - np.round(dots[:, 1])) < 0.2)


# --- Bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("call, name", [
    (lambda: s.generate_events(-1), "day"),
    (lambda: s.generate_events(0, seed=-2), "seed"),
    (lambda: s.generate_events(0, world="big"), "world"),
    (lambda: s.check_batch([1, 2]), "frame"),
    (lambda: s.make_features(pd.DataFrame({"x": [1]})), "frame"),
    (lambda: s.train_model(s.generate_events(0).iloc[:10]), "frame"),
    (lambda: s.serve_batch("model", np.zeros((2, 4))), "trained"),
    (lambda: s.run_system(0), "n_days"),
    (lambda: s.run_system(failure="skew"), "failure"),
    (lambda: s.Failure("flood"), "kind"),
    (lambda: s.Failure("skew", -1), "start_day"),
    (lambda: s.failure_report("none"), "kind"),
    (lambda: s.failure_report("skew", 50, n_days=42), "start_day"),
    (lambda: s.plot_run(None), "run"),
    (lambda: s.plot_incident_log([1, 2]), "log"),
    (lambda: s.plot_incident_log(pd.DataFrame({"component": ["x"]})), "log"),
    (lambda: s.plot_incident_log(pd.DataFrame({"component": ["x"], "hours_to_detect": [0]})),
     "hours_to_detect"),
    (lambda: s.plot_incident_log(pd.DataFrame({"component": ["x"], "hours_to_detect": [1]}),
                                 title=3), "title"),
])
def test_bad_arguments_name_the_parameter(call, name):
    with pytest.raises((TypeError, ValueError), match=name):
        call()


def test_the_failure_explorer_updates_in_place_as_a_new_figure_draws():
    # Every failure of the explorer's grid at its corners, walked as the sliders would, the
    # cost scale stepping up (unit change) and down, and back to the start.
    points = [{"kind": k, "label_delay_days": d}
              for k, d in [("stale features", 7), ("unit change", 2), ("skew", 14),
                           ("labels stop", 14), ("monitor off", 2), ("stale features", 14),
                           ("stale features", 7)]]
    assert updates_match(s.plot_failure, points) == []
