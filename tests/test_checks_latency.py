"""The latency exercise's checks: right answers in every form pass, each classic mistake fails
with its own hint, nothing raises, and no check relies on objects the learner holds."""

import math
import sys

import numpy as np
import pandas as pd
import pytest

from mlsys.checks import REVIEW
from mlsys.checks import latency as checks
from mlsys.latency import HUYEN_LATENCIES_MS, fanout_slow_probability, percentile, simulate_hedged_requests
from mlsys.queueing import simulate_server

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]


def nearest_rank(values, q):
    ordered = sorted(values)
    return ordered[math.ceil(q * len(ordered) / 100) - 1]


def verdict(capsys):
    return capsys.readouterr().out


# --- Task 1 ---------------------------------------------------------------------------------

def test_percentile_cases_accept_the_textbook_float_formula_too():
    # A learner writing ceil(q / 100 * n) must not fail on floating-point noise in our cases.
    for values, q in checks.PERCENTILE_CASES + tuple(checks.fresh_percentile_cases(
            200, np.random.default_rng(0))):
        assert sorted(values)[math.ceil(q / 100 * len(values)) - 1] == percentile(values, q)
        assert sorted(values)[math.ceil(q * len(values) / 100) - 1] == percentile(values, q)


def test_every_classic_mistake_gives_a_wrong_answer_on_the_cases_and_no_two_the_same_answers():
    right = checks._answers(percentile, checks.PERCENTILE_CASES)
    answers = checks._mistake_answers()
    assert all(mistake != right for mistake in answers.values())
    assert len(set(answers.values())) == len(answers)


def test_the_chapters_ten_latencies_at_q95_and_q91_tell_the_rank_roundings_apart():
    # Before this change the cases had no rank with a small fraction: these passed (the bug).
    assert percentile(HUYEN_LATENCIES_MS, 95) == 3_000 != np.percentile(HUYEN_LATENCIES_MS, 95,
                                                                        method="lower")
    assert percentile(HUYEN_LATENCIES_MS, 91) == 3_000
    assert sorted(HUYEN_LATENCIES_MS)[round(10 * 91 / 100) - 1] == 110


def test_task1_passes_correct_functions_in_their_usual_forms(capsys):
    def with_numpy(values, q):
        ordered = np.sort(np.asarray(values))
        return ordered[int(np.ceil(q / 100 * len(ordered))) - 1]

    def sorts_in_place(values, q):
        values.sort()
        return values[math.ceil(q * len(values) / 100) - 1]

    def with_a_local_named_percentile(values, q):
        percentile = sorted(values)[math.ceil(q * len(values) / 100) - 1]
        return percentile

    for function in (nearest_rank, with_numpy, sorts_in_place, with_a_local_named_percentile):
        assert checks.check_nearest_rank_percentile(function) is True
    out = verdict(capsys)
    assert "samples drawn afresh" in out and "fresh sample of" not in out  # no random case quoted


def interpolates(values, q):
    ordered, h = sorted(values), (len(values) - 1) * q / 100
    low, high = math.floor(h), math.ceil(h)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


MISTAKE_FUNCTIONS = {
    "interpolates": interpolates,
    "numpy's `lower`": lambda v, q: sorted(v)[math.floor((len(v) - 1) * q / 100)],
    "numpy's `higher`": lambda v, q: sorted(v)[math.ceil((len(v) - 1) * q / 100)],
    "numpy's `nearest`": lambda v, q: sorted(v)[round((len(v) - 1) * q / 100)],
    "to the closest whole number": lambda v, q: sorted(v)[int(len(v) * q / 100 + 0.5) - 1],
    "with round()": lambda v, q: sorted(v)[round(len(v) * q / 100) - 1],
    "rank q * n / 100 down": lambda v, q: sorted(v)[int(len(v) * q / 100) - 1],
    "int(q * n / 100) is right only": lambda v, q: sorted(v)[int(len(v) * q / 100)],
    "Off by one": lambda v, q: sorted(v)[math.ceil(len(v) * q / 100)],
    "Weibull": lambda v, q: sorted(v)[math.ceil((len(v) + 1) * q / 100) - 1],
    "sort the values first": lambda v, q: v[math.ceil(len(v) * q / 100) - 1],
    "returns the mean": lambda v, q: sum(v) / len(v),
    "returns the median": lambda v, q: sorted(v)[len(v) // 2] if len(v) % 2 else
        (sorted(v)[len(v) // 2 - 1] + sorted(v)[len(v) // 2]) / 2,
}


@pytest.mark.parametrize("hint", MISTAKE_FUNCTIONS)
def test_task1_fails_each_classic_mistake_with_its_own_hint(hint, capsys):
    assert checks.check_nearest_rank_percentile(MISTAKE_FUNCTIONS[hint]) is False
    out = verdict(capsys)
    assert hint in out
    others = [h for h in MISTAKE_FUNCTIONS if h != hint and h not in hint and hint not in h]
    assert not any(other in out for other in others), out


def test_task1_names_no_mistake_for_a_function_that_makes_none_of_them(capsys):
    # Before, any function returning 30 on one diagnostic sample (the mean of it did) was "off by one".
    assert not checks.check_nearest_rank_percentile(lambda v, q: max(v) / 2)
    out = verdict(capsys)
    assert "Hint: Sort the values, compute the rank" in out
    assert "Off by one" not in out and "mean" not in out


def test_task1_refuses_np_percentile_and_the_books_package(capsys):
    from mlsys.latency import percentile as books

    assert not checks.check_nearest_rank_percentile(
        lambda v, q: np.percentile(v, q, method="inverted_cdf"))
    assert "uses percentile, which the task asks you not to use" in verdict(capsys)
    assert not checks.check_nearest_rank_percentile(lambda v, q: books(v, q))
    assert "asks you not to use" in verdict(capsys)
    assert not checks.check_nearest_rank_percentile(lambda v, q: np.quantile(v, q / 100))
    assert "quantile" in verdict(capsys)


def test_task1_fails_a_function_that_memorises_the_examples(capsys):
    table = {(tuple(v), q): percentile(v, q) for v, q in checks.PERCENTILE_CASES}

    def memorised(values, q):
        return table.get((tuple(values), q), values[0])

    assert checks.check_nearest_rank_percentile(memorised) is False
    out = verdict(capsys)
    assert "passes the examples, but on a fresh sample" in out


def test_fresh_cases_differ_from_call_to_call():
    assert checks.fresh_percentile_cases() != checks.fresh_percentile_cases()


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda v, q: None, lambda v, q: 1 / 0,
                                                 lambda v: 0, lambda v, q: "110",
                                                 lambda v, q: sys.exit(1)])
def test_task1_never_raises(answer, capsys):
    assert checks.check_nearest_rank_percentile(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task1_turns_a_learners_sys_exit_into_a_fail(capsys):
    def exits(values, q):
        sys.exit("done")

    assert checks.check_nearest_rank_percentile(exits) is False
    assert "SystemExit" in verdict(capsys)


# --- Task 2 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spelt", ["weibull", "Weibull", " WEIBULL ", "type 6", "Hyndman-Fan 6"])
def test_task2_accepts_the_dashboards_method_in_any_spelling(spelt):
    assert checks.check_dashboard_method(spelt) is True


def test_task2_exactly_one_numpy_method_reproduces_the_dashboard():
    reported = {q: round(float(np.percentile(checks.DASHBOARD_LATENCIES_MS, q, method=m)), 1)
                for m in checks.NUMPY_METHODS for q in (50, 75, 90)}
    matching = [m for m in checks.NUMPY_METHODS
                if all(round(float(np.percentile(checks.DASHBOARD_LATENCIES_MS, q, method=m)), 1)
                       == checks.DASHBOARD_PERCENTILES_MS[q] for q in (50, 75, 90))]
    assert matching == ["weibull"] and reported
    assert dict(checks.DASHBOARD_PERCENTILES_MS) == {50: 42.5, 75: 45.8, 90: 502.0}


def test_task2_answer_is_not_printed_in_the_chapter():
    # The old task 2 asked for `inverted_cdf`, which the chapter names; this one transfers.
    import nbformat
    from pathlib import Path
    chapter = nbformat.read(Path(__file__).parents[1] / "chapters/03_latency.ipynb", as_version=4)
    assert not any("weibull" in cell.source.lower() for cell in chapter.cells)


@pytest.mark.parametrize("method", [m for m in checks.NUMPY_METHODS if m != "weibull"])
def test_task2_fails_every_other_numpy_method_naming_the_number_it_misses(method, capsys):
    assert checks.check_dashboard_method(method) is False
    out = verdict(capsys)
    assert f"method={method!r} gives p" in out and "the dashboard shows" in out


@pytest.mark.parametrize("method, hint", [("linear", "numpy's default is not every tool's"),
                                          ("Inverted-CDF", "The dashboard is not the book"),
                                          ("hazen", "reproduces the p50, not all three"),
                                          ("lower", "Try every method")])
def test_task2_classic_mistakes_get_their_own_hints(method, hint, capsys):
    assert checks.check_dashboard_method(method) is False
    out = verdict(capsys)
    assert hint in out
    others = {"numpy's default is not every tool's", "The dashboard is not the book",
              "reproduces the p50, not all three"} - {hint}
    assert not any(other in out for other in others)


def test_task2_never_raises(capsys):
    for wrong in ["no-such-method", 3, None, ["weibull"]] + WRONG_TYPES:
        assert checks.check_dashboard_method(wrong) is False
    assert "— FAIL" in verdict(capsys)


def test_task2_pass_message_compares_with_the_nearest_rank(capsys):
    assert checks.check_dashboard_method("weibull")
    assert f"the nearest rank says {percentile(checks.DASHBOARD_LATENCIES_MS, 90):g} ms" in \
        verdict(capsys)


# --- Task 3 ---------------------------------------------------------------------------------

def test_task3_sample_breaks_the_slo_while_its_mean_meets_it():
    sample = checks.slo_sample()
    assert sample.mean() < 100 < checks.SLO_MS < percentile(sample, 99)
    assert 0 < 0.99 * sample.size % 1 < 0.5  # a rank with a small fraction: roundings differ


@pytest.mark.parametrize("form", [float, np.float64, np.float32, lambda x: np.array([x]),
                                  lambda x: pd.Series([x]), lambda x: round(x, 1)])
def test_task3_accepts_every_form_of_the_p99(form):
    assert checks.check_slo_verdict(form(percentile(checks.slo_sample(), 99)), np.bool_(False))


SLO_MISTAKES = {
    "the mean": lambda s: s.mean(),
    "the median": lambda s: np.median(s),
    "interpolating default": lambda s: np.percentile(s, 99),
    "one rank below": lambda s: np.percentile(s, 99, method="lower"),
    "q is in percent": lambda s: percentile(s, 0.99),
    "in seconds": lambda s: percentile(s, 99) / 1_000,
    "p99.9": lambda s: percentile(s, 99.9),
}


@pytest.mark.parametrize("hint", SLO_MISTAKES)
def test_task3_fails_each_classic_mistake_with_its_hint(hint, capsys):
    # numpy's `lower`, `nearest` and a rounded rank gave the right p99 on the old 1,000 requests.
    assert not checks.check_slo_verdict(SLO_MISTAKES[hint](checks.slo_sample()), False)
    out = verdict(capsys)
    assert hint in out
    assert sum(h in out for h in SLO_MISTAKES) == 1


def test_task3_the_rounded_ranks_of_the_sample_all_give_the_value_one_rank_below(capsys):
    sample = checks.slo_sample()
    ordered = np.sort(sample)
    for wrong in (np.percentile(sample, 99, method="nearest"), ordered[round(0.99 * 1060) - 1],
                  ordered[int(0.99 * 1060) - 1]):
        assert not checks.check_slo_verdict(wrong, False)
        assert "one rank below" in verdict(capsys)


def test_task3_verdicts(capsys):
    p99 = percentile(checks.slo_sample(), 99)
    assert not checks.check_slo_verdict(p99, True)
    assert "about the p99" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_slo_verdict(wrong, wrong) is False
    assert not checks.check_slo_verdict(p99, "no")
    assert not checks.check_slo_verdict(p99 + 1, False)
    assert "task 1" in verdict(capsys)


def test_task3_passes_after_the_learner_edits_their_copy_of_the_sample_in_place():
    latencies_ms = checks.slo_sample()
    p99_ms = percentile(latencies_ms, 99)
    latencies_ms *= 100
    latencies_ms.sort()
    assert checks.check_slo_verdict(p99_ms, False)


# --- Task 4 ---------------------------------------------------------------------------------

def p99_by_size():
    return {b: simulate_server(max_batch_size=b, **checks.BATCHING_TASK).percentile_ms(99)
            for b in checks.BATCH_SIZES}


def test_task4_expected_answer_comes_from_the_simulator(capsys):
    p99 = p99_by_size()
    best = max(b for b, value in p99.items() if value <= checks.BATCHING_SLO_MS)
    assert checks.check_largest_batch(best)
    assert checks.check_largest_batch(np.int64(best)) and checks.check_largest_batch(float(best))
    assert checks.check_largest_batch(np.array([best]))
    bigger = checks.BATCH_SIZES[checks.BATCH_SIZES.index(best) + 1]
    assert p99[bigger] > checks.BATCHING_SLO_MS  # the task is not trivial: bigger breaks it
    assert not checks.check_largest_batch(7)
    assert "not one of the candidate sizes" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_largest_batch(wrong) is False


def largest_by(statistic):
    runs = {b: simulate_server(max_batch_size=b, **checks.BATCHING_TASK) for b in checks.BATCH_SIZES}
    value = {"mean": lambda r: r.mean_latency_ms, "median": lambda r: r.percentile_ms(50),
             "p90": lambda r: r.percentile_ms(90), "p99.9": lambda r: r.percentile_ms(99.9),
             "lowest p99": None}
    if statistic == "lowest p99":
        return min(runs, key=lambda b: runs[b].percentile_ms(99))
    return max(b for b, r in runs.items() if value[statistic](r) <= checks.BATCHING_SLO_MS)


@pytest.mark.parametrize("statistic, hint", [("mean", "not the mean or the median"),
                                             ("median", "not the mean or the median"),
                                             ("p90", "percentile_ms(99), not 90"),
                                             ("p99.9", "percentile_ms(99), not 99.9"),
                                             ("lowest p99", "the largest size")])
def test_task4_fails_each_classic_mistake_with_its_hint(statistic, hint, capsys):
    # With the old 60 ms SLO, the p90 and the p99.9 both gave the right size (32).
    answer = largest_by(statistic)
    assert answer != largest_by("p90") or statistic == "p90"
    assert not checks.check_largest_batch(answer)
    assert hint in verdict(capsys)


def test_task4_batching_task_is_read_only():
    with pytest.raises(TypeError):
        checks.BATCHING_TASK["seed"] = 1


# --- Task 5 ---------------------------------------------------------------------------------

def test_task5_figure_shows_a_plateau_at_four_percent_around_100_ms():
    """The body ends under 80 ms and the stalls start above 150 ms: the reading cannot slip."""
    sample = checks.feature_service_sample()
    assert np.mean(sample > 100) == 0.04
    assert np.mean(sample > 80) == np.mean(sample > 150) == 0.04
    ax = checks.plot_feature_service()
    assert ax.get_ylim() == (0.0, 0.1) and ax.get_xscale() == "log"
    assert "4%" not in ax.get_title(loc="left")  # the title does not read the figure for you


def test_task5_sample_is_a_private_copy():
    sample = checks.feature_service_sample()
    sample[:] = 1.0
    assert np.mean(checks.feature_service_sample() > 100) == 0.04


@pytest.mark.parametrize("reading", [0.04, 0.035, 0.045, np.float32(0.04), np.array([0.042]),
                                     pd.Series([0.038])])
@pytest.mark.parametrize("form", [lambda p: p, lambda p: round(p, 3), lambda p: np.array([p])])
def test_task5_accepts_any_reading_within_half_a_point_and_its_own_fan_out(reading, form):
    s = float(np.asarray(reading).ravel()[0])
    assert checks.check_fanout(reading, form(1 - (1 - s) ** 8))


S = 0.04
READING_MISTAKES = {"at or under 100 ms": 0.96, "looks like a percent": 4.0,
                    "top of the share axis": 0.1}
FANOUT_MISTAKES = {"adds the chances": 8 * S, "meets no slow service": (1 - S) ** 8,
                   "one service's share": S, "Poisson": round(1 - math.exp(-8 * S), 3),
                   "a percent": 100 * (1 - (1 - S) ** 8)}


@pytest.mark.parametrize("hint", READING_MISTAKES)
def test_task5_fails_each_misreading_with_its_hint(hint, capsys):
    assert not checks.check_fanout(READING_MISTAKES[hint], 0.279)
    out = verdict(capsys)
    assert hint in out and sum(h in out for h in READING_MISTAKES) == 1


@pytest.mark.parametrize("hint", FANOUT_MISTAKES)
def test_task5_fails_each_fan_out_mistake_with_its_hint(hint, capsys):
    assert not checks.check_fanout(S, FANOUT_MISTAKES[hint])
    out = verdict(capsys)
    assert hint in out and sum(h in out for h in FANOUT_MISTAKES) == 1


def test_task5_the_fan_out_is_graded_on_the_learners_own_reading(capsys):
    # 0.045 is a fair reading; 1 - 0.955^8 = 0.308 follows from it, 0.279 (from 4%) does not.
    assert checks.check_fanout(0.045, 0.308)
    assert not checks.check_fanout(0.045, 0.279)
    assert not checks.check_fanout(0.03, 1 - 0.97 ** 8)  # a misreading fails first
    assert "slow_share is 0.03" in verdict(capsys)


def test_task5_never_raises(capsys):
    for wrong in WRONG_TYPES + [1.5, -0.2]:
        assert checks.check_fanout(wrong, 0.279) is False
        assert checks.check_fanout(0.04, wrong) is False
    assert "— FAIL" in verdict(capsys)


# --- Task 6 ---------------------------------------------------------------------------------

def runs():
    return {q: simulate_hedged_requests(hedge_after_q=q, seed=0, **checks.HEDGE_TASK)
            for q in checks.HEDGE_CANDIDATES}


def test_task6_hedging(capsys):
    r = runs()
    within = [q for q, run in r.items() if run.extra_load <= checks.LOAD_BUDGET]
    best = min(within, key=lambda q: r[q].hedged_p99_ms)
    assert best == 98 and within == [98, 99]  # the chapter's p95 costs 5%, the p97 3%: over
    assert checks.check_hedging(best, r[best].hedged_p99_ms)
    assert f"cuts the p99 from {r[best].unhedged_p99_ms:.0f}" in verdict(capsys)
    assert checks.check_hedging(np.int64(best), round(r[best].hedged_p99_ms))
    assert checks.check_hedging(float(best), np.array([r[best].hedged_p99_ms]))
    assert not checks.check_hedging(97, 40.0)
    for wrong in WRONG_TYPES:
        assert checks.check_hedging(wrong, 40.0) is False
        assert checks.check_hedging(best, wrong) is False


def test_task6_is_not_the_chapters_replicas():
    """The payments API's replicas are not the chapter's: the answers are not printed there."""
    chapter = simulate_hedged_requests.__kwdefaults__
    assert any(chapter[key] != value for key, value in checks.HEDGE_TASK.items())
    with pytest.raises(TypeError):
        checks.HEDGE_TASK["stall_probability"] = 0.02


@pytest.mark.parametrize("q, p99, hint", [
    (95, "hedged_p99_ms", "over the budget"),
    (97, "hedged_p99_ms", "over the budget"),
    (99, "hedged_p99_ms", "only helps the requests slower than the threshold"),
    (0.98, "hedged_p99_ms", "q is in percent"),
    (98, "unhedged_p99_ms", "without hedging"),
    (98, "hedged_p999_ms", "p99.9"),
    (98, "hedged_p50_ms", "hedged median"),
    (98, "hedge_after_ms", "hedging threshold"),
])
def test_task6_fails_each_classic_mistake_with_its_hint(q, p99, hint, capsys):
    run = simulate_hedged_requests(hedge_after_q=98, seed=0, **checks.HEDGE_TASK)
    assert not checks.check_hedging(q, getattr(run, p99))
    assert hint in verdict(capsys)


# --- Task 7 ---------------------------------------------------------------------------------

@pytest.mark.parametrize("spelt", ["p99 at most 200 ms", "P99", "p99 <= 200 ms",
                                   "99th percentile", "p99 latency at most 200 ms"])
def test_task7a_accepts_the_p99_slo_in_the_task_texts_words(spelt):
    assert checks.check_slo_decision(spelt) is True


@pytest.mark.parametrize("choice, hint", [("mean at most 100 ms", "pull the mean down"),
                                          ("Average", "pull the mean down"),
                                          ("median", "in the tail"),
                                          ("max", "stable from one hour to the next")])
def test_task7a_fails_each_wrong_slo_with_its_hint(choice, hint, capsys):
    assert checks.check_slo_decision(choice) is False
    out = verdict(capsys)
    assert hint in out
    assert sum(h in out for h in ("pull the mean down", "in the tail", "stable from")) == 1


def test_task7a_hints_give_away_no_answer_of_task_3(capsys):
    sample = checks.slo_sample()
    for choice in checks.SLO_CHOICES:
        checks.check_slo_decision(choice)
    out = verdict(capsys)
    for number in (percentile(sample, 99), round(percentile(sample, 99)), round(sample.mean())):
        assert f"{number:g}" not in out
    assert (98 * 80 + 2 * 600) / 100 == 90.4 and "average 90.4 ms" in out  # the hint's arithmetic


def test_task7a_never_raises(capsys):
    for wrong in WRONG_TYPES + ["p95", 99]:
        assert checks.check_slo_decision(wrong) is False
    assert "— FAIL" in verdict(capsys)


GOOD_ARGUMENT = (
    "I would hold the team to the p99. Last hour our mean was 93 ms, comfortably inside a 100 ms "
    "target, yet one request in a hundred waited 684 ms or more. Those slow requests are not bad "
    "luck spread evenly: they belong to our heaviest users, whose long histories need the most "
    "feature lookups, and who bring the most revenue. A median target would ignore them too, and "
    "a maximum would break on any single stall. The p99 promises what nearly everyone sees.")


def test_task7b_sends_a_written_argument_for_review_with_the_rubric(capsys):
    assert checks.check_slo_argument(GOOD_ARGUMENT) == REVIEW
    out = verdict(capsys)
    assert "— REVIEW" in out and "who is in the tail" in out and "Model answer" in out


def test_task7b_reviews_a_wrong_position_too_a_person_grades_it(capsys):
    # No keywords decide: an argument for the mean is sent for review like any other.
    wrong_position = GOOD_ARGUMENT.replace("p99", "mean SLO").replace("A median", "The p99")
    assert checks.check_slo_argument(wrong_position) == REVIEW


def test_task7b_fails_an_answer_that_is_not_written(capsys):
    assert checks.check_slo_argument("too short") is False
    assert checks.check_slo_argument("p99 tail users mean " * 30) is False
    for wrong in WRONG_TYPES:
        assert checks.check_slo_argument(wrong) is False
    assert "— REVIEW" not in verdict(capsys)


def test_the_module_grades_no_argument_by_keywords():
    import inspect
    assert "require_key_ideas" not in inspect.getsource(checks)


def test_rubric_and_model_answer_give_away_no_answer_of_task_3():
    # A 60-word text of anything gets the rubric shown: it must not hold task 3's numbers.
    sample = checks.slo_sample()
    shown = " ".join(checks.SLO_ARGUMENT_RUBRIC) + checks.SLO_ARGUMENT_MODEL
    for number in (percentile(sample, 99), round(percentile(sample, 99)), round(sample.mean())):
        assert f"{number:g}" not in shown


# --- Task 8 ---------------------------------------------------------------------------------

from mlsys.latency import add_network_leg  # noqa: E402


def task8_legs(**network):
    return add_network_leg(checks.server_side_sample(), **(dict(checks.NETWORK_TASK) | network))


def test_task8_the_server_meets_the_slo_while_the_users_do_not():
    server = checks.server_side_sample()
    legs = task8_legs()
    assert percentile(server, 99) < checks.CLIENT_SLO_MS < percentile(legs.client_ms, 99)
    # More than 1% of requests meet a loss, so the p99 sits among the retransmissions.
    assert legs.retransmit_share > 0.01
    assert np.array_equal(legs.server_ms, server)


@pytest.mark.parametrize("form", [float, np.float64, lambda x: np.array([x]),
                                  lambda x: pd.Series([x]), lambda x: round(x, 1)])
def test_task8_accepts_every_form_of_the_p99(form):
    p99 = percentile(task8_legs().client_ms, 99)
    assert checks.check_client_slo(form(p99), np.bool_(False))
    assert checks.check_client_slo(form(p99), False)


CLIENT_SLO_MISTAKES = {
    "server-side p99": lambda: percentile(checks.server_side_sample(), 99),
    "Percentiles do not add": lambda: (percentile(checks.server_side_sample(), 99)
                                       + percentile(task8_legs().network_ms, 99)),
    "typical (median) network leg": lambda: (percentile(checks.server_side_sample(), 99)
                                             + np.median(task8_legs().network_ms)),
    "network leg alone": lambda: percentile(task8_legs().network_ms, 99),
    "default settings": lambda: percentile(add_network_leg(checks.server_side_sample()).client_ms,
                                           99),
    "median (p50) of client_ms": lambda: percentile(task8_legs().client_ms, 50),
    "p99.9 of client_ms": lambda: percentile(task8_legs().client_ms, 99.9),
}


@pytest.mark.parametrize("hint", CLIENT_SLO_MISTAKES)
def test_task8_fails_each_classic_mistake_with_its_hint(hint, capsys):
    assert not checks.check_client_slo(round(CLIENT_SLO_MISTAKES[hint](), 1), False)
    out = verdict(capsys)
    assert hint in out
    assert sum(h in out for h in CLIENT_SLO_MISTAKES) == 1


def test_task8_the_mistakes_that_meet_the_slo_are_the_ones_read_off_the_wrong_clock():
    # The server's p99, the network's alone, server p99 + median network and the default leg all
    # pass 300 ms: a learner who trusted them would declare the SLO met.
    for hint in ("server-side p99", "typical (median) network leg", "network leg alone",
                 "default settings"):
        assert CLIENT_SLO_MISTAKES[hint]() < checks.CLIENT_SLO_MS


def test_task8_verdicts(capsys):
    p99 = percentile(task8_legs().client_ms, 99)
    assert not checks.check_client_slo(p99, True)
    assert "users' clock" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_client_slo(wrong, wrong) is False
    assert not checks.check_client_slo(p99, "no")
    assert not checks.check_client_slo(p99 + 1, False)
    assert "NETWORK_TASK" in verdict(capsys)


def test_task8_passes_after_the_learner_edits_their_copy_of_the_sample_in_place():
    server_ms = checks.server_side_sample()
    p99 = percentile(task8_legs().client_ms, 99)
    server_ms *= 100
    server_ms.sort()
    assert checks.check_client_slo(p99, False)
