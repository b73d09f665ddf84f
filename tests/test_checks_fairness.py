"""The fairness exercise's checks: right answers in every form pass, each classic mistake fails
with its own hint, and nothing a learner does makes a check raise."""

import math
import sys
from functools import lru_cache

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import (MetricFrame, equal_opportunity_difference,
                               equalized_odds_difference, true_positive_rate)
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from mlsys.checks import REVIEW
from mlsys.checks import fairness as checks
from mlsys.fairness import (
    choose_thresholds,
    compute_calibration,
    compute_chouldechova_fpr,
    compute_group_rates,
    make_rated_candidates,
    make_scored_applicants,
    make_scored_candidates,
)

WRONG_TYPES = [None, "text", [1, 2, 3], float("nan"), math.inf, {"a": 1}, True]


def verdict(capsys):
    return capsys.readouterr().out


def fails_with(capsys, result, words):
    out = verdict(capsys)
    assert result is False, out
    assert "— FAIL" in out
    assert words in out, out
    return out


# --- Task 1 -----------------------------------------------------------------------------------

def counts(t, p):
    return (np.sum((t == 1) & (p == 1)), np.sum((t == 0) & (p == 1)),
            np.sum((t == 1) & (p == 0)), np.sum((t == 0) & (p == 0)))


def rates_by_hand(y_true, y_pred):
    tp, fp, fn, tn = counts(y_true, y_pred)
    return {"selection_rate": (tp + fp) / len(y_true), "tpr": tp / (tp + fn),
            "fpr": fp / (fp + tn), "ppv": tp / (tp + fp)}


def with_rate(name, formula):
    """rates_by_hand with one rate replaced by the mistaken formula(tp, fp, fn, tn, n)."""
    return lambda t, p: rates_by_hand(t, p) | {name: formula(*counts(t, p), len(t))}


def test_task1_passes_a_correct_function_and_counts_its_cases_in_words(capsys):
    assert checks.check_rates_function(rates_by_hand)
    assert "right on the 2 cases of checks.RATE_CASES and on 3 fresh random cases." \
        in verdict(capsys)


def test_task1_accepts_a_series_and_numpy_or_one_element_values():
    assert checks.check_rates_function(lambda t, p: pd.Series(rates_by_hand(t, p)))
    assert checks.check_rates_function(
        lambda t, p: {k: np.array([v]) for k, v in rates_by_hand(t, p).items()})


def test_task1_a_local_variable_named_like_a_fairlearn_function_is_not_a_call():
    def group_rates(y_true, y_pred):
        tp, fp, fn, tn = counts(y_true, y_pred)
        true_positive_rate = tp / (tp + fn)
        return {"selection_rate": (tp + fp) / len(y_true), "tpr": true_positive_rate,
                "fpr": fp / (fp + tn), "ppv": tp / (tp + fp)}
    assert checks.check_rates_function(group_rates)


RATE_MISTAKES = [  # (rate, mistaken formula of tp, fp, fn, tn, n, words of its hint)
    ("selection_rate", lambda tp, fp, fn, tn, n: (tp + fn) / n, "base rate"),
    ("selection_rate", lambda tp, fp, fn, tn, n: tp / n, "not TP / n"),
    ("tpr", lambda tp, fp, fn, tn, n: tp / n, "actual positives"),
    ("tpr", lambda tp, fp, fn, tn, n: tp / (tp + fp), "That TPR is the precision"),
    ("tpr", lambda tp, fp, fn, tn, n: fn / (tp + fn), "miss rate"),
    ("fpr", lambda tp, fp, fn, tn, n: fp / (tp + fp), "false discovery rate"),
    ("fpr", lambda tp, fp, fn, tn, n: fp / n, "actual negatives"),
    ("fpr", lambda tp, fp, fn, tn, n: tn / (fp + tn), "true negative rate"),
    ("ppv", lambda tp, fp, fn, tn, n: tp / (tp + fn), "That precision is the TPR"),
    ("ppv", lambda tp, fp, fn, tn, n: tp / n, "Precision divides by the approved"),
]


@pytest.mark.parametrize("name, formula, words", RATE_MISTAKES)
def test_task1_each_classic_mistake_fails_with_its_own_hint(name, formula, words, capsys):
    out = fails_with(capsys, checks.check_rates_function(with_rate(name, formula)), words)
    others = {w for _, _, w in RATE_MISTAKES if w != words}
    assert not any(w in out for w in others), out  # the hint names this mistake only


def test_task1_the_first_shown_case_tells_every_mistake_from_the_right_rates():
    y_true, y_pred = map(np.array, checks.RATE_CASES[0])
    tp, fp, fn, tn = counts(y_true, y_pred)
    right = rates_by_hand(y_true, y_pred)
    for name, formula, _ in RATE_MISTAKES:
        assert not math.isclose(formula(tp, fp, fn, tn, len(y_true)), right[name])
    mistakes = {}
    for name, formula, _ in RATE_MISTAKES:
        mistakes.setdefault(name, []).append(formula(tp, fp, fn, tn, len(y_true)))
    for values in mistakes.values():  # so a hint cannot name the wrong mistake
        assert len(set(np.round(values, 9))) == len(values)


def test_task1_swapped_arguments_and_percentages_fail_with_their_hints(capsys):
    fails_with(capsys, checks.check_rates_function(lambda t, p: rates_by_hand(p, t)), "swapped")
    fails_with(capsys, checks.check_rates_function(
        lambda t, p: {k: 100 * v for k, v in rates_by_hand(t, p).items()}), "percentages")


def test_task1_a_function_that_memorises_the_shown_cases_fails_on_fresh_ones(capsys):
    # Before, every case was fixed (two seeded random ones too): this function passed.
    memory = {tuple(t): rates_by_hand(np.array(t), np.array(p)) for t, p in checks.RATE_CASES}
    result = checks.check_rates_function(lambda t, p: memory.get(tuple(t.tolist()),
                                                                 dict.fromkeys(checks.RATE_NAMES,
                                                                               0.5)))
    fails_with(capsys, result, "a fresh case of")


def forbidden_sklearn(t, p):
    from sklearn.metrics import recall_score
    return rates_by_hand(t, p) | {"tpr": recall_score(t, p)}


def forbidden_fairlearn(t, p):
    return rates_by_hand(t, p) | {"tpr": true_positive_rate(t, p)}


def forbidden_book(t, p):
    return checks._hand_rates(t, p)


@pytest.mark.parametrize("function", [forbidden_sklearn, forbidden_fairlearn, forbidden_book])
def test_task1_a_call_to_a_library_fails_even_though_its_numbers_are_right(function, capsys):
    assert function(np.array([1, 0, 1]), np.array([1, 1, 0]))["tpr"] == 0.5
    fails_with(capsys, checks.check_rates_function(function), "not")


def exits(t, p):
    sys.exit(3)


def interrupts(t, p):
    raise KeyboardInterrupt


@pytest.mark.parametrize("answer", WRONG_TYPES + [lambda t, p: None, lambda t, p: 1 / 0,
                                                 lambda t: 0, lambda t, p: [0.5] * 4,
                                                 lambda t, p: dict.fromkeys(checks.RATE_NAMES,
                                                                            "0.5"),
                                                 exits, interrupts])
def test_task1_never_raises(answer, capsys):
    assert checks.check_rates_function(answer) is False
    assert "— FAIL" in verdict(capsys)


def test_task1_lacking_keys_are_named(capsys):
    fails_with(capsys, checks.check_rates_function(lambda t, p: {"tpr": 0.5}),
               "lacks the keys 'selection_rate', 'fpr', 'ppv'")
    fails_with(capsys, checks.check_rates_function(
        lambda t, p: {k: v for k, v in rates_by_hand(t, p).items() if k != "ppv"}),
        "lacks the key 'ppv'.")


# --- Task 2 -----------------------------------------------------------------------------------

def task2_rates():
    return compute_group_rates(*checks.tpr_gap_data())


def test_task2_accepts_every_form_of_fairlearns_answer(capsys):
    y_true, y_pred, group = checks.tpr_gap_data()
    frame = MetricFrame(metrics=true_positive_rate, y_true=y_true, y_pred=y_pred,
                        sensitive_features=group)
    by_dict = MetricFrame(metrics={"tpr": true_positive_rate}, y_true=y_true, y_pred=y_pred,
                          sensitive_features=group)
    assert isinstance(by_dict.difference(), pd.Series) and len(by_dict.difference()) == 1
    for answer in (frame.difference(), by_dict.difference(), np.float64(frame.difference()),
                   np.array([frame.difference()]), round(frame.difference(), 3),
                   equal_opportunity_difference(y_true, y_pred, sensitive_features=group)):
        assert checks.check_tpr_gap(answer), answer
    assert "a gap of" in verdict(capsys)


def test_task2_equalized_odds_is_not_the_tpr_gap_on_the_tasks_data(capsys):
    # Before (threshold 0.6) the FPR gap was the smaller one, so equalized_odds_difference
    # equalled the TPR gap and passed.
    y_true, y_pred, group = checks.tpr_gap_data()
    wrong = equalized_odds_difference(y_true, y_pred, sensitive_features=group)
    rates = task2_rates()
    assert abs(wrong - abs(rates.tpr["A"] - rates.tpr["B"])) > 0.01
    fails_with(capsys, checks.check_tpr_gap(wrong), "also the equalized odds difference")
    mean = equalized_odds_difference(y_true, y_pred, sensitive_features=group, agg="mean")
    fails_with(capsys, checks.check_tpr_gap(mean), "agg='mean'")


def test_task2_the_fpr_gap_fails(capsys):
    rates = task2_rates()
    fails_with(capsys, checks.check_tpr_gap(abs(rates.fpr["A"] - rates.fpr["B"])),
               "gap in false positive rates")


def test_task2_the_selection_rate_gap_fails(capsys):
    rates = task2_rates()
    fails_with(capsys, checks.check_tpr_gap(np.ptp(rates.selection_rate)),
               "selection rates (demographic parity)")


def test_task2_the_ratio_fails(capsys):
    y_true, y_pred, group = checks.tpr_gap_data()
    frame = MetricFrame(metrics=true_positive_rate, y_true=y_true, y_pred=y_pred,
                        sensitive_features=group)
    fails_with(capsys, checks.check_tpr_gap(frame.ratio()), "ratio of the TPRs")


def test_task2_the_gap_with_the_groups_swapped_fails(capsys):
    rates = task2_rates()
    fails_with(capsys, checks.check_tpr_gap(rates.tpr["B"] - rates.tpr["A"]), "absolute value")


@pytest.mark.parametrize("column, words", [("ppv", "precision"), ("accuracy", "accuracy")])
def test_task2_the_precision_and_accuracy_gaps_fail(column, words, capsys):
    rates = task2_rates()
    fails_with(capsys, checks.check_tpr_gap(abs(rates[column]["A"] - rates[column]["B"])), words)


def test_task2_one_groups_tpr_a_percentage_and_the_per_group_values_fail(capsys):
    rates = task2_rates()
    fails_with(capsys, checks.check_tpr_gap(rates.tpr["A"]), "group A's TPR alone")
    fails_with(capsys, checks.check_tpr_gap(rates.tpr["B"]), "group B's TPR alone")
    fails_with(capsys, checks.check_tpr_gap(100 * np.ptp(rates.tpr)), "percentage points")
    y_true, y_pred, group = checks.tpr_gap_data()
    frame = MetricFrame(metrics=true_positive_rate, y_true=y_true, y_pred=y_pred,
                        sensitive_features=group)
    fails_with(capsys, checks.check_tpr_gap(frame.by_group), "one per group")


def test_task2_every_mistake_is_another_number_at_three_decimals():
    rates = task2_rates()
    right = abs(rates.tpr["A"] - rates.tpr["B"])
    values = [value for _, value in checks._tpr_gap_mistakes(rates)]
    assert all(abs(value - right) > 0.001 for value in values)
    # The equalized odds difference is the larger of the TPR and FPR gaps: here the FPR gap,
    # so the two share one hint, which names both. Every other mistake is its own number.
    assert len(set(np.round(values, 3))) == len(values) - 1


def test_task2_a_correct_answer_passes_after_in_place_edits_of_the_handed_out_arrays(capsys):
    y_true, y_pred, group = checks.tpr_gap_data()
    gap = MetricFrame(metrics=true_positive_rate, y_true=y_true, y_pred=y_pred,
                      sensitive_features=group).difference()
    y_true *= 100
    y_pred[:] = 0
    group[:] = "A"
    assert checks.check_tpr_gap(gap)


def test_task2_wrong_types_fail():
    for wrong in WRONG_TYPES:
        assert checks.check_tpr_gap(wrong) is False


# --- Task 3a ----------------------------------------------------------------------------------

def band_by_hand():
    score, performed, group = checks.calibration_data()
    low, high = checks.CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    return ({g: performed[in_band & (group == g)].mean() for g in ("A", "B")},
            {g: score[in_band & (group == g)].mean() for g in ("A", "B")})


def test_task3_band_agrees_with_fairlearn_and_the_books_calibration_table():
    score, performed, group = checks.calibration_data()
    low, high = checks.CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    frame = MetricFrame(metrics=lambda y_true, y_pred: np.mean(y_true),
                        y_true=performed[in_band], y_pred=performed[in_band],
                        sensitive_features=group[in_band])
    shares, means = band_by_hand()
    assert frame.by_group.to_dict() == pytest.approx(shares, abs=1e-12)
    # Bins of width 0.1: the band [0.1, 0.5) is bins 1 to 4, weighted by their sizes.
    table = compute_calibration(performed, score, group, n_bins=10)
    band = table[table.bin.between(1, 4)].assign(hits=lambda t: t.n * t.observed_rate)
    per_group = band.groupby("group")
    assert (per_group.hits.sum() / per_group.n.sum()).to_dict() == pytest.approx(shares)


def test_task3_passes_in_every_form(capsys):
    shares, means = band_by_hand()
    assert checks.check_calibration(shares, True)
    assert "Calibrated in both groups" in verdict(capsys)
    assert checks.check_calibration(pd.Series(shares), np.bool_(True))
    assert checks.check_calibration({g: round(v, 3) for g, v in shares.items()}, True)
    score, performed, group = checks.calibration_data()
    low, high = checks.CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    by_group = pd.Series(performed[in_band]).groupby(group[in_band]).mean()
    assert checks.check_calibration(by_group, True)


def test_task3_the_verdict_mistakes_give_false_where_the_answer_is_true(capsys):
    # Before (band 0.2-0.4, tolerance 0.05) these mistaken verdicts were True, like the answer.
    shares, means = band_by_hand()
    low, high = checks.CALIBRATION_BAND
    tolerance = checks.CALIBRATION_TOLERANCE
    assert all(abs(shares[g] - means[g]) <= tolerance for g in shares)  # the answer: True
    middle = (low + high) / 2
    assert not all(abs(shares[g] - middle) <= tolerance for g in shares)
    assert abs(shares["A"] - shares["B"]) > tolerance
    fails_with(capsys, checks.check_calibration(shares, False), "not the band's middle")


@pytest.mark.parametrize("mistake, words", [
    ("bases", "base rates"), ("means", "mean scores"), ("swapped", "swapped"),
    ("pooled", "both groups together"), ("in_band", "fall in the band"),
    ("percent", "percentages")])
def test_task3_each_share_mistake_fails_with_its_own_hint(mistake, words, capsys):
    shares, means = band_by_hand()
    score, performed, group = checks.calibration_data()
    low, high = checks.CALIBRATION_BAND
    in_band = (score >= low) & (score < high)
    answer = {
        "bases": {g: performed[group == g].mean() for g in "AB"},
        "means": means,
        "swapped": {"A": shares["B"], "B": shares["A"]},
        "pooled": dict.fromkeys("AB", performed[in_band].mean()),
        "in_band": {g: in_band[group == g].mean() for g in "AB"},
        "percent": {g: 100 * v for g, v in shares.items()},
    }[mistake]
    fails_with(capsys, checks.check_calibration(answer, True), words)


def test_task3_every_share_mistake_is_another_pair_at_three_decimals():
    shares, _ = band_by_hand()
    for _, values in checks._band_mistakes():
        assert any(abs(values[g] - shares[g]) > 0.001 for g in "AB")


def test_task3_a_correct_answer_passes_after_in_place_edits(capsys):
    shares, _ = band_by_hand()
    score, performed, group = checks.calibration_data()
    score *= 100
    performed[:] = 1
    assert checks.check_calibration(shares, True)


def test_task3_wrong_types_and_shapes_fail(capsys):
    shares, _ = band_by_hand()
    fails_with(capsys, checks.check_calibration({"A": 0.5}, True), "keys 'A' and 'B'")
    fails_with(capsys, checks.check_calibration([shares["A"], shares["B"]], True),
               "keys 'A' and 'B'")
    for wrong in WRONG_TYPES:
        assert checks.check_calibration(wrong, True) is False
        assert checks.check_calibration(shares, wrong if wrong is not True else "True") is False
        assert checks.check_calibration({"A": wrong, "B": 0.5}, True) is False


# --- Task 3b ----------------------------------------------------------------------------------

def rated_points():
    """Task 3b's markers, computed here from the generator with the book's calibration table."""
    rated = make_rated_candidates(**checks.RATED)
    table = compute_calibration(rated.performed, rated.score, rated.group, n_bins=10)
    return table.set_index(["group", "bin"])


def test_task3b_the_figure_shows_the_markers_the_check_reads():
    fig = checks.plot_screening_calibration()
    lines = {line.get_label(): line for line in fig.axes[0].get_lines()}
    points = rated_points()
    b_line = lines["group B"]
    band = list(np.round(b_line.get_xdata(), 6)).index(round(points.loc[("B", 3), "mean_score"],
                                                                  6))
    assert b_line.get_ydata()[band] == pytest.approx(points.loc[("B", 3), "observed_rate"])
    assert points.loc[("B", 3), "observed_rate"] == pytest.approx(checks._read_values()["b"])
    table = checks.screening_calibration_table()
    row = table[(table.group == "B") & (table.scores == "0.3 to 0.4")].iloc[0]
    assert row.observed_rate == round(checks._read_values()["b"], 2)


def test_task3b_passes_any_reading_within_the_tolerance_and_every_spelling(capsys):
    right = checks._read_values()["b"]
    for group in ("B", "b", "group B"):
        for share in (round(right, 2), round(right * 20) / 20, right - 0.04, right + 0.04,
                      np.float64(right), pd.Series([right])):
            assert checks.check_calibration_reading(group, share), (group, share)


def test_task3b_every_misreading_is_more_than_twice_the_tolerance_from_the_answer():
    values = checks._read_values()
    for key in ("a", "score", "b_below", "b_above"):
        assert abs(values[key] - values["b"]) > 2 * checks.READ_TOLERANCE, key
    # Both groups are understated, B far more: "A" and "neither" are wrong on these data.
    assert values["gap_b"] > values["gap_a"] + 0.05 > 0.05


@pytest.mark.parametrize("group, share, words", [
    ("neither", 0.56, "compare each group's markers with the dotted diagonal"),
    ("A", 0.56, "Which group's markers lie furthest above?"),
    ("B", "a", "group A's marker"), ("B", "score", "the band's mean score"),
    ("B", "b_below", "the band below"), ("B", "b_above", "the band above"),
    ("B", "percent", "percentage"), ("B", 0.95, "grid lines are 0.05 apart"),
])
def test_task3b_each_misreading_fails_with_its_own_hint(group, share, words, capsys):
    values = checks._read_values()
    share = {"percent": 100 * values["b"]}.get(share, values.get(share, share))
    fails_with(capsys, checks.check_calibration_reading(group, share), words)


def test_task3b_wrong_types_fail(capsys):
    for group in (None, 3, "C", ["B"]):
        assert checks.check_calibration_reading(group, 0.56) is False
    for share in WRONG_TYPES:
        assert checks.check_calibration_reading("B", share) is False


# --- Task 4 -----------------------------------------------------------------------------------

def pair_of(choice):
    return (choice.threshold_a, choice.threshold_b)


def test_task4_passes_in_every_form():
    _, _, (a, b) = checks._threshold_choice()
    assert a != b  # the task is not solved by one threshold
    for answer in ((a, b), [a, b], np.array([a, b]), pd.Series([a, b]), {"A": a, "B": b},
                   pd.Series({"B": b, "A": a}), (np.float64(a), b),
                   (a + 1e-12, b - 1e-12)):
        assert checks.check_thresholds(answer), answer


@lru_cache(maxsize=None)
def all_pairs():
    """Every pair of the grid, one by one with the book's compute_group_rates (not the check's
    vectorised table)."""
    candidates = make_scored_candidates(**checks.HIRING)
    rows = []
    for a in checks.THRESHOLD_GRID:
        for b in checks.THRESHOLD_GRID:
            pred = (candidates.score >= np.where(candidates.group == "A", a, b)).astype(int)
            rates = compute_group_rates(candidates.performed, pred, candidates.group)
            rows.append({"a": a, "b": b,
                         **{f"{m}_gap": abs(rates[m]["A"] - rates[m]["B"])
                            for m in ("tpr", "fpr", "selection_rate", "ppv")},
                         "invited": int(pred.sum()),
                         "accuracy": np.mean(pred == candidates.performed),
                         "balanced": rates.accuracy.mean()})
    return pd.DataFrame(rows)


def best_of(pairs, column="accuracy"):
    return tuple(pairs.loc[pairs[column].idxmax(), ["a", "b"]])


def within(pairs):
    return pairs[pairs.invited <= checks.INTERVIEW_CAPACITY]


def test_task4_the_answer_is_the_best_fair_pair_within_capacity_found_pair_by_pair():
    pairs = all_pairs()
    fair = within(pairs[pairs.tpr_gap <= checks.TPR_TOLERANCE])
    _, _, best = checks._threshold_choice()
    assert best_of(fair) == best


def test_task4_one_call_of_the_chapters_search_is_not_the_answer(capsys):
    # The chapter's choose_thresholds knows no capacity: its pair invites too many candidates.
    candidates = make_scored_candidates(**checks.HIRING)
    one_call = pair_of(choose_thresholds(candidates.performed, candidates.score,
                                         candidates.group, checks.THRESHOLD_GRID,
                                         criterion="tpr", tolerance=checks.TPR_TOLERANCE))
    pairs = all_pairs()
    row = pairs[(pairs.a == one_call[0]) & (pairs.b == one_call[1])].iloc[0]
    assert row.invited > checks.INTERVIEW_CAPACITY
    fails_with(capsys, checks.check_thresholds(one_call), "room for 900")


def test_task4_every_classic_mistake_is_another_pair_than_the_answer():
    _, table, best = checks._threshold_choice()
    mistakes = [pair for pair, _ in checks._threshold_mistakes(table, best)]
    assert best not in mistakes
    assert len(set(mistakes)) == len(mistakes)


@pytest.mark.parametrize("mistake, words", [
    ("swapped", "swapped"), ("capacity", "room for 900"), ("fpr", "false positive rates"),
    ("selection_rate", "demographic parity"), ("ppv", "precision (PPV)"),
    ("free", "no fairness constraint"), ("single", "constraint comes first"),
    ("smallest_gap", "smallest TPR gap"), ("balanced", "mean of the two groups' accuracies")])
def test_task4_each_classic_mistake_fails_with_its_own_hint(mistake, words, capsys):
    _, _, best = checks._threshold_choice()
    pairs = all_pairs()
    room = within(pairs)
    single = room[room.a == room.b]
    answer = {
        "swapped": (best[1], best[0]),
        "capacity": best_of(pairs[pairs.tpr_gap <= checks.TPR_TOLERANCE]),
        "fpr": best_of(room[room.fpr_gap <= checks.TPR_TOLERANCE]),
        "selection_rate": best_of(room[room.selection_rate_gap <= checks.TPR_TOLERANCE]),
        "ppv": best_of(room[room.ppv_gap <= checks.TPR_TOLERANCE]),
        "free": best_of(room),
        "single": best_of(single),
        "smallest_gap": best_of(room[room.tpr_gap == room.tpr_gap.min()]),
        "balanced": best_of(room[room.tpr_gap <= checks.TPR_TOLERANCE], "balanced"),
    }[mistake]
    fails_with(capsys, checks.check_thresholds(answer), words)


def test_task4_other_single_thresholds_fair_but_worse_pairs_and_off_grid_pairs(capsys):
    fails_with(capsys, checks.check_thresholds((0.6, 0.6)), "one threshold")
    pairs = all_pairs()
    _, table, best = checks._threshold_choice()
    mistakes = [pair for pair, _ in checks._threshold_mistakes(table, best)]
    fair = within(pairs[pairs.tpr_gap <= checks.TPR_TOLERANCE]).sort_values(
        "accuracy", ascending=False)
    worse = next(tuple(row) for row in fair[["a", "b"]].itertuples(index=False)
                 if tuple(row) != best and tuple(row) not in mistakes)
    fails_with(capsys, checks.check_thresholds(worse), "another pair does better")
    crowded = pairs[(pairs.tpr_gap <= checks.TPR_TOLERANCE)
                    & (pairs.invited > checks.INTERVIEW_CAPACITY)]
    over = next(tuple(row) for row in crowded[["a", "b"]].itertuples(index=False)
                if tuple(row) not in mistakes)
    fails_with(capsys, checks.check_thresholds(over), "keep only the pairs within capacity")
    fails_with(capsys, checks.check_thresholds((0.51, 0.4)), "grid")
    for wrong in WRONG_TYPES + [(0.5,), "0.5,0.4", (None, 0.4), {"A": 0.5}, {0.5, 0.4}]:
        assert checks.check_thresholds(wrong) is False


def test_tasks_2_to_4_do_not_reuse_the_chapters_data_or_answers():
    # The chapter prints its TPR gap (0.5 threshold), its calibration bins and its equal
    # opportunity thresholds on the lending data: the tasks must ask about other numbers.
    chapter = make_scored_applicants(0.5, n=4_000, seed=0)
    y_true, y_pred, _ = checks.tpr_gap_data()
    assert len(y_true) != len(chapter.repaid)
    chapter_rates = compute_group_rates(chapter.repaid, (chapter.score >= 0.5).astype(int),
                                        chapter.group)
    task_rates = compute_group_rates(*checks.tpr_gap_data())
    assert abs(np.ptp(task_rates.tpr) - np.ptp(chapter_rates.tpr)) > 0.01
    chapter_grid = np.round(np.arange(0.30, 0.701, 0.025), 3)
    chapter_choice = choose_thresholds(chapter.repaid, chapter.score, chapter.group,
                                       chapter_grid)
    _, _, best = checks._threshold_choice()
    assert best != pair_of(chapter_choice)
    assert tuple(chapter_grid.tolist()) != checks.THRESHOLD_GRID


# --- Task 5 -----------------------------------------------------------------------------------

def importances(target):
    X, group, approved = checks.leak_data()
    y = {"group": group, "approved": approved}[target]
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    model = LogisticRegression().fit(X_train, y_train)
    return pd.Series(permutation_importance(model, X_test, y_test, n_repeats=5,
                                            random_state=0).importances_mean, index=X.columns)


def test_task5_permutation_importance_finds_the_leak_in_every_form(capsys):
    by_group = importances("group")
    leak = by_group.idxmax()
    X, _, _ = checks.leak_data()
    for answer in (leak, leak.upper(), f" {leak} ", [leak], X.columns[[X.columns.get_loc(leak)]],
                   np.str_(leak)):
        assert checks.check_leaking_feature(answer), answer


def test_task5_the_approval_models_top_feature_fails_as_merit(capsys):
    trap = importances("approved").idxmax()
    assert trap != importances("group").idxmax()
    fails_with(capsys, checks.check_leaking_feature(trap), "carries merit")


def test_task5_the_least_important_column_fails(capsys):
    least = importances("group").idxmin()
    fails_with(capsys, checks.check_leaking_feature(least), "largest importance")


def test_task5_the_real_name_and_wrong_types_fail(capsys):
    fails_with(capsys, checks.check_leaking_feature("postcode"), "as X has it")
    fails_with(capsys, checks.check_leaking_feature("x9"), "not one of the choices")
    for wrong in WRONG_TYPES:
        assert checks.check_leaking_feature(wrong) is False


@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_task5_a_correct_answer_passes_after_the_learner_drops_the_column(capsys):
    X, group, approved = checks.leak_data()
    X.drop(columns=[checks.LEAKING_COLUMN], inplace=True)
    group[:] = "A"
    assert checks.check_leaking_feature(checks.LEAKING_COLUMN)
    assert checks.LEAKING_COLUMN in checks.leak_data()[0].columns


# --- Task 6 -----------------------------------------------------------------------------------

def test_task6_passes_to_three_decimals_and_more():
    right = compute_chouldechova_fpr(0.3, 0.8, 0.2)
    for answer in (right, round(right, 3), round(right, 4), np.array([right])):
        assert checks.check_chouldechova(answer), answer
    assert not checks.check_chouldechova(round(right, 2))  # 0.09 is not 0.086


@pytest.mark.parametrize("value, words", [
    (0.2, "group A's FPR"), (0.7 / 0.3 * 0.25 * 0.8, "not (1 - p) / p"),
    (0.3 * 0.25 * 0.8, "not the base rate p itself"), (0.3 / 0.7 * 0.25 * 0.2, "1 - FNR"),
    (0.3 / 0.7 * 4 * 0.8, "not PPV / (1 - PPV)"), (100 * 0.3 / 0.7 * 0.25 * 0.8, "percentage")])
def test_task6_each_classic_mistake_fails_with_its_own_hint(value, words, capsys):
    fails_with(capsys, checks.check_chouldechova(value), words)


def test_task6_wrong_types_fail():
    for wrong in WRONG_TYPES:
        assert checks.check_chouldechova(wrong) is False


# --- Task 7 -----------------------------------------------------------------------------------

@pytest.mark.parametrize("criterion", ["equal opportunity", "Equal-Opportunity",
                                       "equal_opportunity", " equal  opportunity ",
                                       "equal true positive rates", "equality of opportunity"])
@pytest.mark.parametrize("error", ["false negative", "False-Negatives", "a missed patient"])
def test_task7a_passes_every_spelling(criterion, error):
    assert checks.check_criterion_decision(criterion, error)


@pytest.mark.parametrize("criterion, words", [
    ("demographic parity", "inviting the same share"), ("equalized odds", "Equal FPRs as well"),
    ("Equalised odds", "Equal FPRs as well"), ("predictive parity", "Equal precision"),
    ("calibration", "Calibration makes a score")])
def test_task7a_each_wrong_criterion_fails_with_its_own_hint(criterion, words, capsys):
    fails_with(capsys, checks.check_criterion_decision(criterion, "false negative"), words)


def test_task7a_the_false_positive_as_costly_error_fails(capsys):
    fails_with(capsys, checks.check_criterion_decision("equal opportunity", "false positive"),
               "free, harmless test")


def test_task7a_wrong_types_and_unknown_choices_fail(capsys):
    fails_with(capsys, checks.check_criterion_decision("fairness", "false negative"),
               "not one of the choices")
    for wrong in WRONG_TYPES:
        assert checks.check_criterion_decision(wrong, "false negative") is False
        assert checks.check_criterion_decision("equal opportunity", wrong) is False


MODEL_ARGUMENT = (
    "Equal opportunity: the true positive rate should be the same in both groups, so that a "
    "person who has the disease is equally likely to be invited whichever group they belong to. "
    "The costly error is the false negative, a missed patient; a false positive only costs a "
    "harmless test. Demographic parity would be wrong: the base rates differ, so inviting equal "
    "shares would miss sick people where the disease is more common. The price is unequal "
    "precision and false positive rates, which the service should report and monitor.")


def test_task7b_a_written_argument_is_sent_for_review_with_the_rubric(capsys):
    assert checks.check_criterion_argument(MODEL_ARGUMENT) == REVIEW
    out = verdict(capsys)
    assert "Task 7b · which criterion fits (argument) — REVIEW" in out
    assert all(point in out for point in checks.CRITERION_RUBRIC)
    assert checks.CRITERION_MODEL_ANSWER in out


def test_task7b_the_wrong_position_with_the_keywords_is_not_a_pass(capsys):
    # Before, keywords graded it: this argument for demographic parity passed.
    wrong = ("Demographic parity is the fairness criterion for this service, not equal "
             "opportunity or the true positive rate: invite the same share of each group. The "
             "base rates and the prevalence differ, but a false negative or a missed case, a "
             "false positive, any cost or harm, matter less to the board than equal numbers "
             "invited from both groups, whatever the calibration says about who is sick.")
    assert len(wrong.split()) >= 60
    assert checks.check_criterion_argument(wrong) == REVIEW  # a person grades it, not keywords


def test_task7b_fails_the_placeholder_short_repeated_and_wrong_types(capsys):
    fails_with(capsys, checks.check_criterion_argument("Equal opportunity, because misses."),
               "words")
    fails_with(capsys, checks.check_criterion_argument("equal opportunity tpr " * 30),
               "repeats")
    for wrong in WRONG_TYPES:
        assert checks.check_criterion_argument(wrong) is False


def test_no_check_of_the_module_grades_by_keywords():
    import inspect
    assert "require_key_ideas" not in inspect.getsource(checks)
