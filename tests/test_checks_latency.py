"""The latency exercise's checks: right answers pass, wrong ones fail with a hint, nothing raises."""

import math

import numpy as np
import pytest

from mlsys.checks import latency as checks
from mlsys.latency import fanout_slow_probability, percentile, simulate_hedged_requests
from mlsys.queueing import simulate_server

WRONG_TYPES = [None, "text", [1, 2], float("nan"), math.inf, {"a": 1}]


def nearest_rank(values, q):
    ordered = sorted(values)
    return ordered[math.ceil(q * len(ordered) / 100) - 1]


def verdict(capsys):
    return capsys.readouterr().out


def test_percentile_cases_accept_the_textbook_float_formula_too():
    # A learner writing ceil(q / 100 * n) must not fail on floating-point noise in our cases.
    for values, q in checks.PERCENTILE_CASES:
        assert sorted(values)[math.ceil(q / 100 * len(values)) - 1] == percentile(values, q)


def test_task1_passes_a_correct_function_and_explains_classic_mistakes(capsys):
    assert checks.check_nearest_rank_percentile(nearest_rank)
    assert not checks.check_nearest_rank_percentile(lambda v, q: np.percentile(v, q))
    assert "numpy's default" in verdict(capsys)
    assert not checks.check_nearest_rank_percentile(
        lambda v, q: sorted(v)[min(math.ceil(q * len(v) / 100), len(v) - 1)])
    assert "Off by one" in verdict(capsys)
    assert not checks.check_nearest_rank_percentile(lambda v, q: v[math.ceil(q * len(v) / 100) - 1])
    assert "sort" in verdict(capsys)


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda v, q: None, lambda v, q: 1 / 0,
                                                 lambda v: 0, lambda v, q: "110"])
def test_task1_never_raises(answer, capsys):
    assert checks.check_nearest_rank_percentile(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task2_accepts_only_inverted_cdf(capsys):
    assert checks.check_numpy_method("inverted_cdf")
    for wrong in ["nearest", "linear", "no-such-method", 3, None]:
        assert checks.check_numpy_method(wrong) is False
    assert "— FAIL" in verdict(capsys)


def test_task3_sample_breaks_the_slo_while_its_mean_meets_it():
    sample = checks.slo_sample()
    assert sample.mean() < checks.SLO_MS < percentile(sample, 99)


def test_task3_verdicts(capsys):
    sample = checks.slo_sample()
    p99 = percentile(sample, 99)
    assert checks.check_slo_verdict(p99, False)
    assert checks.check_slo_verdict(np.float64(p99), np.bool_(False))
    assert not checks.check_slo_verdict(p99, True)
    assert "about the p99" in verdict(capsys)
    assert not checks.check_slo_verdict(sample.mean(), True)
    assert "That is the mean" in verdict(capsys)
    assert not checks.check_slo_verdict(np.percentile(sample, 99), False)
    assert "interpolating" in verdict(capsys)
    for wrong in WRONG_TYPES:
        assert checks.check_slo_verdict(wrong, wrong) is False
    assert not checks.check_slo_verdict(p99, "no")


def test_task4_expected_answer_comes_from_the_simulator(capsys):
    p99 = {b: simulate_server(max_batch_size=b, **checks.BATCHING_TASK).percentile_ms(99)
           for b in checks.BATCH_SIZES}
    best = max(b for b, value in p99.items() if value <= checks.BATCHING_SLO_MS)
    assert checks.check_largest_batch(best)
    bigger = checks.BATCH_SIZES[checks.BATCH_SIZES.index(best) + 1]
    assert p99[bigger] > checks.BATCHING_SLO_MS  # the task is not trivial: bigger breaks it
    assert not checks.check_largest_batch(bigger)
    assert "not the mean" in verdict(capsys)  # the classic mistake: choosing by mean latency
    assert not checks.check_largest_batch(checks.BATCH_SIZES[2])
    assert "largest" in verdict(capsys)
    assert not checks.check_largest_batch(7)
    for wrong in WRONG_TYPES:
        assert checks.check_largest_batch(wrong) is False


def test_task5_fanout(capsys):
    assert checks.check_fanout(fanout_slow_probability(200, 0.005))
    assert not checks.check_fanout(200 * 0.005)
    assert "double-counts" in verdict(capsys)
    assert not checks.check_fanout(1 - fanout_slow_probability(200, 0.005))
    assert "complement" in verdict(capsys)
    assert not checks.check_fanout(1.5)
    for wrong in WRONG_TYPES:
        assert checks.check_fanout(wrong) is False


def test_task6_hedging(capsys):
    runs = {q: simulate_hedged_requests(hedge_after_q=q, seed=0) for q in checks.HEDGE_CANDIDATES}
    within = [q for q, run in runs.items() if run.extra_load <= checks.LOAD_BUDGET]
    best = min(within, key=lambda q: runs[q].hedged_p99_ms)
    assert best == 98 and within == [98, 99]  # the chapter's p95 costs 5%: over this budget
    assert checks.check_hedging(best, runs[best].hedged_p99_ms)
    assert "cuts the p99 from 557" in verdict(capsys)
    assert not checks.check_hedging(95, runs[95].hedged_p99_ms)
    assert "over the budget" in verdict(capsys)
    assert not checks.check_hedging(99, runs[99].hedged_p99_ms)
    assert "only helps the requests slower than the threshold" in verdict(capsys)
    assert not checks.check_hedging(best, runs[best].unhedged_p99_ms)
    assert "without hedging" in verdict(capsys)
    assert not checks.check_hedging(best, runs[best].hedged_p999_ms)
    assert "p99.9" in verdict(capsys)
    assert not checks.check_hedging(97, 40.0)
    for wrong in WRONG_TYPES:
        assert checks.check_hedging(wrong, 40.0) is False
        assert checks.check_hedging(best, wrong) is False


def test_task7_open_answer(capsys):
    good = ("The p99 bounds the tail that a mean hides; the slowest requests come from the most "
            "active users, so a mean SLO lets the best customers wait. " * 3)
    assert checks.check_open_answer(good)
    assert not checks.check_open_answer("Use the p99. " * 30)
    assert "does not mention" in verdict(capsys)
    assert not checks.check_open_answer("too short")
    for wrong in WRONG_TYPES:
        assert checks.check_open_answer(wrong) is False
