"""Checks for the exercises of chapter 1, when to use ML (exercises/01_when_to_use_ml.ipynb)."""

from __future__ import annotations

import functools
import math

from mlsys.checks import (Fail, require_answer, require_bool, require_number,
                          require_key_ideas, require_text, task)
from mlsys.when_to_use import (
    CRITERIA,
    CRITERION_KEYS,
    MATCH_MARGIN,
    TRAIN_SIZES,
    estimate_expected_accuracy,
    simulate_drift,
    simulate_learning_curve,
)

# Task 1: the fraud team's illustrative figures (USD per year, error rates as fractions).
RULE_ERROR, MODEL_ERROR = 0.15, 0.06
RULE_FIXED_USD, MODEL_FIXED_USD = 10_000, 90_000
COST_PER_ERROR_USD, SERVING_USD = 0.40, 0.001
ONE_MILLION = 1_000_000


def _break_even(rule_error=RULE_ERROR, model_error=MODEL_ERROR, rule_fixed=RULE_FIXED_USD,
                serving=SERVING_USD) -> float:
    return (MODEL_FIXED_USD - rule_fixed) / (COST_PER_ERROR_USD * (rule_error - model_error)
                                             - serving)


_BREAK_EVEN_MISTAKES = {
    "left out the serving cost": (_break_even(serving=0),
                                  "Each model prediction also costs $0.001 of compute: "
                                  "subtract it from the saving per prediction."),
    "left out the rule's fixed cost": (_break_even(rule_fixed=0),
                                       "The rule is not free either: the model must pay back "
                                       "the difference of the fixed costs, $90,000 - $10,000."),
    "used the model's error rate alone": (_break_even(rule_error=MODEL_ERROR, model_error=0),
                                          "A model prediction saves the errors it avoids: the "
                                          "gap between the two error rates, not one of them."),
    "used the rule's error rate alone": (_break_even(model_error=0),
                                         "A model prediction saves the errors it avoids: the "
                                         "gap between the two error rates, not one of them."),
    "used percentages as whole numbers": (_break_even(rule_error=15, model_error=6),
                                          "15% is 0.15: error rates are fractions."),
}


@task("1", "break-even volume")
def check_break_even(break_even_volume, model_pays_at_one_million):
    """The learner's break-even volume for the fraud team, and the verdict at 1 million."""
    expected = _break_even()
    answer = require_number(break_even_volume, "break_even_volume")
    if not math.isclose(answer, expected, rel_tol=5e-3):
        for mistake, (value, hint) in _BREAK_EVEN_MISTAKES.items():
            if math.isclose(answer, value, rel_tol=5e-3):
                raise Fail(f"break_even_volume is {answer:,.0f}: it looks as if you {mistake}.",
                           hint)
        raise Fail(f"break_even_volume is {answer:,.0f}; that is not where the two yearly "
                   "costs cross.",
                   "Divide the extra fixed cost of the model by what one prediction saves: "
                   "cost per error x (rule error - model error) - serving cost.")
    pays = require_bool(model_pays_at_one_million, "model_pays_at_one_million")
    if pays != (ONE_MILLION > expected):
        raise Fail(f"model_pays_at_one_million is {pays}, but the break-even volume is "
                   f"{expected:,.0f} predictions a year.",
                   "Below the break-even volume the rule is cheaper; above it the model is.")
    return (f"V* = $80,000 / ($0.40 x 0.09 - $0.001) = {expected:,.0f} predictions a year; "
            "at 1 million the rule is still cheaper.")


# Task 2: proposals and the criteria that can count as the first to fail.
PROPOSALS = {
    "lottery": "A start-up trains a model on 30 years of lottery draws to predict the next "
               "week's numbers.",
    "new_shop": "A shop that opens next month wants a churn model for its customers from its "
                "first day.",
    "other_hospital": "A model trained on X-rays from one hospital's machines is to be used, "
                      "unchanged, in a hospital with other machines and other patients.",
    "vat": "An accounting team wants a model that computes the VAT due on each invoice from "
           "its lines.",
}
ACCEPTED = {
    "lottery": {"pattern"},
    "new_shop": {"data"},
    "other_hospital": {"same_patterns"},
    "vat": {"prediction", "complex", "simpler_works"},
}
_HINTS = {
    ("lottery", "data"): "There are 30 years of draws: data exist. What do they carry about "
                         "the next draw?",
    ("lottery", "complex"): "Complexity is a question about a pattern. Is there one at all?",
    ("new_shop", "same_patterns"): "Before asking whether future data look like past data, "
                                   "ask whether there are past data.",
    ("new_shop", "pattern"): "Churn has patterns in most businesses; what does this shop lack "
                             "to learn them?",
    ("other_hospital", "data"): "The model was trained on plenty of X-rays. Are the new "
                                "hospital's images like them?",
    ("vat", "pattern"): "VAT follows a pattern, a published one. What does that make the model?",
}
_SHINES = {c.key for c in CRITERIA if c.group == "shines"}


@task("2", "which criterion fails")
def check_failing_criteria(failing_criterion):
    """The learner's dict: proposal -> the key of the criterion that fails first."""
    require_answer(failing_criterion, "failing_criterion")
    if not isinstance(failing_criterion, dict):
        raise Fail("failing_criterion should be a dict such as {'lottery': 'pattern', ...}; "
                   f"got {type(failing_criterion).__name__}.")
    if set(failing_criterion) != set(PROPOSALS):
        raise Fail(f"failing_criterion should have exactly the keys {sorted(PROPOSALS)}; "
                   f"got {sorted(map(str, failing_criterion))}.")
    for proposal, key in failing_criterion.items():
        require_answer(key, f"failing_criterion[{proposal!r}]")
        if key not in CRITERION_KEYS:
            raise Fail(f"failing_criterion[{proposal!r}] is {key!r}, which is not a criterion "
                       "key.", f"Use one of: {', '.join(CRITERION_KEYS)}.")
        if key in ACCEPTED[proposal]:
            continue
        if key in _SHINES:
            hint = ("The 'shines' criteria make ML more attractive but none is required: "
                    "look for a need that fails, or an objection that applies.")
        else:
            hint = _HINTS.get((proposal, key), "Read the proposal again: which requirement "
                                               "of ML, or which objection, decides it?")
        raise Fail(f"For {proposal!r} ({PROPOSALS[proposal]}) {key!r} is not the criterion "
                   "that fails first.", hint)
    return ("lottery: no pattern; new shop: no data yet; other hospital: future data unlike "
            "the training data; VAT: a calculation, which a formula does exactly.")


# Task 3: how much data the model needs for a more complex pattern with noisier labels.
DATA_TASK = dict(complexity=4, label_noise=0.1, repeats=5, seed=0)
AVAILABLE_EXAMPLES = 300


@functools.lru_cache(maxsize=1)
def _data_task_curve():
    return simulate_learning_curve(DATA_TASK["complexity"], TRAIN_SIZES,
                                   repeats=DATA_TASK["repeats"],
                                   label_noise=DATA_TASK["label_noise"], seed=DATA_TASK["seed"])


@task("3", "enough data to beat the rule?")
def check_enough_data(smallest_size, ship_model):
    """The learner's smallest training size beating the rule by the margin, and the decision."""
    curve = _data_task_curve()
    expected = curve.smallest_size_beating_rule(MATCH_MARGIN)
    answer = require_number(smallest_size, "smallest_size")
    if answer != expected:
        if answer not in curve.train_sizes:
            raise Fail(f"smallest_size is {answer:g}, which is not one of the simulated sizes "
                       f"{tuple(int(n) for n in curve.train_sizes)}.")
        gap = curve.mean_model_accuracy[list(curve.train_sizes).index(answer)] \
            - curve.rule_accuracy
        if answer < expected:
            hint = ("The model must beat the rule by more than checks.MATCH_MARGIN (0.02), on "
                    "average over the repeats, to be worth its cost." if gap > 0 else
                    "Use the mean over the repeats (curve.mean_model_accuracy): one lucky "
                    "training set is not a model you can count on.")
            raise Fail(f"At {answer:,.0f} examples the model's mean accuracy is "
                       f"{100 * gap:+.1f} points from the rule's: not enough.", hint)
        raise Fail(f"At {answer:,.0f} examples the model does beat the rule, but a smaller "
                   "training set already does.",
                   "The task asks for the smallest size: go through the sizes in order.")
    ship = require_bool(ship_model, "ship_model")
    if ship != (AVAILABLE_EXAMPLES >= expected):
        raise Fail(f"ship_model is {ship}, but you have {AVAILABLE_EXAMPLES:,} examples and "
                   f"the model needs {expected:,}.",
                   "Below that size the rule is as good or better: keep the rule and collect "
                   "labels.")
    return (f"The model needs {expected:,} examples to beat the rule by more than 2 points: "
            f"with {AVAILABLE_EXAMPLES:,}, keep the rule and collect labels.")


# Task 4: the longest retraining interval whose every week is expected at 90% or more.
DRIFT_TASK_DEG_PER_WEEK = 1.0
DRIFT_TASK_SEED = 2
RETRAIN_CANDIDATES = (1, 2, 4, 8, 13, 26)
WEEKLY_TARGET = 0.90


@functools.lru_cache(maxsize=1)
def _drift_task_expected() -> dict:
    # Expected accuracy of each week (fractions), per candidate interval, on the task's seed.
    return {every: estimate_expected_accuracy(DRIFT_TASK_DEG_PER_WEEK, every,
                                              seed=DRIFT_TASK_SEED)
            for every in RETRAIN_CANDIDATES}


@functools.lru_cache(maxsize=1)
def _drift_task_lowest_measured() -> dict:
    # The classic mistake's statistic: the lowest of the 52 measured weeks of one simulated year.
    return {every: float(simulate_drift(DRIFT_TASK_DEG_PER_WEEK, every, seed=DRIFT_TASK_SEED)
                         .retrained_accuracy.min())
            for every in RETRAIN_CANDIDATES}


def _longest_meeting(by_interval) -> int | None:
    meeting = [every for every in RETRAIN_CANDIDATES if by_interval[every] >= WEEKLY_TARGET]
    return max(meeting, default=None)


@task("4", "retraining interval")
def check_retraining_interval(retrain_every_weeks):
    """The learner's longest interval whose worst expected week stays at or above 90%."""
    answer = require_number(retrain_every_weeks, "retrain_every_weeks")
    expected_by_week = _drift_task_expected()
    worst = {every: float(weeks.min()) for every, weeks in expected_by_week.items()}
    key = _longest_meeting(worst)
    if answer == key:
        longer = RETRAIN_CANDIDATES[RETRAIN_CANDIDATES.index(key) + 1]
        return (f"Retraining every {key} weeks keeps the worst week's expected accuracy at "
                f"{worst[key]:.1%}; every {longer} weeks it drops to {worst[longer]:.1%}.")
    if answer not in worst:
        raise Fail(f"{answer:g} is not one of the candidate intervals {RETRAIN_CANDIDATES}.")
    lowest = _drift_task_lowest_measured()
    if answer == _longest_meeting(lowest):
        raise Fail(f"Every {answer:g} weeks is the longest interval whose lowest *measured* week "
                   f"reaches 90% in simulate_drift, but its worst week is expected at "
                   f"{worst[answer]:.1%}, and a longer interval meets the target too.",
                   "The lowest of 52 weeks measured on 1,000 examples each is mostly sampling "
                   "noise (about +-1.9 points a week): use estimate_expected_accuracy, which "
                   "scores each week's model on all the traffic.")
    if worst[answer] >= WEEKLY_TARGET:
        raise Fail(f"Every {answer:g} weeks meets the target, but a longer interval does too.",
                   "Each retraining costs work: the task asks for the longest interval that "
                   "still meets the target.")
    mean = float(expected_by_week[answer].mean())
    if mean >= WEEKLY_TARGET:
        raise Fail(f"Every {answer:g} weeks the expected accuracy averages {mean:.1%} over the "
                   f"year, but its worst week is expected at only {worst[answer]:.1%}.",
                   "The target holds in every week: compare the minimum over the weeks, not "
                   "the mean, which hides the weeks just before each retraining.")
    raise Fail(f"Every {answer:g} weeks the worst week is expected at {worst[answer]:.1%}, "
               "under 90%.",
               "For each candidate, take estimate_expected_accuracy(1.0, every, seed=2).min() "
               "and keep those at 0.90 or more; not the measured weeks of simulate_drift, "
               "whose lowest value is mostly sampling noise.")


KEY_IDEAS = {
    "the rules as the baseline to beat (rule, baseline)": ("rule", "baseline"),
    "cost and volume (cost, volume, scale, break-even)": ("cost", "volume", "scale",
                                                          "break-even", "break even"),
    "changing patterns (drift, change, adapt, retrain)": ("drift", "chang", "adapt", "retrain"),
}


@task("5", "rules or a model for fraud (open question)")
def check_open_answer(text):
    """A written argument of at least 60 words on the rule baseline, cost and drift."""
    text = require_text(text, "answer_fraud_rules", min_words=60)
    require_key_ideas(
        text, KEY_IDEAS,
        "A convincing answer compares the model with the rules it replaces, "
        "weighs what it costs at this volume, and says how it copes with fraud "
        "that changes.")
    return ("Your argument is long enough and weighs the rules, the cost and the drift. "
            "Compare it with the model answer in the solution notebook.")
