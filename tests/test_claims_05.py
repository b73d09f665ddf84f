"""Claims ledger of chapter 05 (fairness): every number and comparison of the prose that the book's
own code re-derives, on the notebook's seed and, for the simulations, on the 20 seeds of the
ledger.

The chapter draws its lending history with `make_applicants(4_000, seed)` and decides on new
applicants drawn with ``seed + 1``; its scored applicants are `make_scored_applicants(0.5, 4_000,
seed)`; both use seed 0. The exercise's hiring data are `make_scored_candidates(**HIRING)` and,
for task 3b, `make_rated_candidates(**RATED)`. The chapter's predictions and self-checks are
recorded like its markdown (`question_claims`).
"""

import inspect
from functools import lru_cache

import numpy as np
from fairlearn.metrics import (MetricFrame, false_positive_rate, selection_rate,
                               true_positive_rate)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_score

import ledger
from ledger import Claim
from mlsys.checks import fairness as checks
from mlsys.fairness import (BAND_EDGES, TOLERANCE, apply_group_thresholds, choose_thresholds,
                            compare_criteria, compute_calibration, compute_chouldechova_fpr, compute_group_rates,
                            compute_selection_rates, make_applicants, make_design_matrix,
                            make_scored_applicants, make_scored_candidates,
                            simulate_feedback_loop)

CHAPTER = "chapters/05_fairness.ipynb"
SOLUTION = "solutions/05_fairness.ipynb"
SEED = 0                      # the chapter's seed
N = 4_000                     # applicants in each of the chapter's samples
BIAS = 3.0                    # historical_bias, the officers' penalty on the log-odds
INCOME_GAP = 0.5              # section 3's income gap, in sd
BLIND = ["income", "credit_history", "postcode"]
MERIT = ["income", "credit_history"]
FEATURE_SETS = {"with group": BLIND + ["group"], "group dropped": BLIND, "merit only": MERIT}
GRID = np.round(np.arange(0.30, 0.701, 0.025), 3)          # section 4's search grid


def gap(rates, metric):
    """Rate in A minus rate in B."""
    return float(rates.loc["A", metric] - rates.loc["B", metric])


# --- Section 1 and 2: the biased history, and what models learn from it ----------------------

@lru_cache(maxsize=None)
def history(seed, bias=BIAS, proxy=1.0):
    return make_applicants(N, seed, historical_bias=bias, proxy_strength=proxy)


@lru_cache(maxsize=None)
def selection(seed, bias=BIAS, proxy=1.0):
    """The chapter's table of approval rates (cell `compute_selection_rates`)."""
    return compute_selection_rates(history(seed, bias, proxy), history(seed + 1, bias, proxy),
                                   FEATURE_SETS)


def blind_gap(seed, bias=BIAS, proxy=1.0):
    return float(selection(seed, bias, proxy).loc["A", "group dropped"]
                 - selection(seed, bias, proxy).loc["B", "group dropped"])


def past_gaps(seed):
    applicants, in_b = history(seed), history(seed).group == "B"
    return {"repaid": applicants.repaid[~in_b].mean() - applicants.repaid[in_b].mean(),
            "approved": applicants.approved[~in_b].mean() - applicants.approved[in_b].mean()}


def postcode_weight(seed):
    model = LogisticRegression().fit(make_design_matrix(history(seed), BLIND),
                                     history(seed).approved)
    return float(model.coef_[0][BLIND.index("postcode")])


@lru_cache(maxsize=None)
def officers_log_odds():
    """Coefficients of merit and of group B in the officers' log-odds of approval (large sample)."""
    applicants = make_applicants(200_000, seed=SEED, historical_bias=BIAS)
    features = applicants.features
    merit = features.income + 0.7 * features.credit_history + 0.2   # log-odds of repaying
    is_b = (applicants.group == "B").astype(float)
    fit = LogisticRegression(C=1e6).fit(np.column_stack([merit, is_b]), applicants.approved)
    return {"merit": float(fit.coef_[0][0]), "group B": float(fit.coef_[0][1])}


# --- Section 3: measuring fairness ------------------------------------------------------------

def scored(seed, income_gap=INCOME_GAP):
    return make_scored_applicants(income_gap, N, seed)


@lru_cache(maxsize=None)
def rates_at(seed, income_gap=INCOME_GAP, threshold=0.5):
    s = scored(seed, income_gap)
    return compute_group_rates(s.repaid, (s.score >= threshold).astype(int), s.group)


def fairlearn_disagreement(seed):
    """Largest difference between compute_group_rates and fairlearn's MetricFrame."""
    s = scored(seed)
    y_pred = (s.score >= 0.5).astype(int)
    frame = MetricFrame(metrics={"selection_rate": selection_rate, "tpr": true_positive_rate,
                                 "fpr": false_positive_rate, "ppv": precision_score},
                        y_true=s.repaid, y_pred=y_pred, sensitive_features={"group": s.group})
    mine = rates_at(seed)[frame.by_group.columns]
    return float(np.abs(mine.to_numpy() - frame.by_group.to_numpy()).max())


@lru_cache(maxsize=None)
def calibration(seed, income_gap=INCOME_GAP):
    s = scored(seed, income_gap)
    return compute_calibration(s.repaid, s.score, s.group, n_bins=5)


def calibration_error(seed, income_gap=INCOME_GAP):
    """Largest |observed rate - mean score| over the bins of both groups."""
    table = calibration(seed, income_gap)
    return float(np.abs(table.observed_rate - table.mean_score).max())


def calibration_disagreement(seed):
    """Largest difference between compute_calibration and fairlearn's MetricFrame by bin."""
    s = scored(seed)
    score_bin = np.minimum((s.score * 5).astype(int), 4)
    frame = MetricFrame(metrics={"mean_score": lambda y, p: np.mean(p),
                                 "observed_rate": lambda y, p: np.mean(y)},
                        y_true=s.repaid, y_pred=s.score, sensitive_features={"group": s.group},
                        control_features={"bin": score_bin})
    mine = calibration(seed).set_index(["bin", "group"])[["mean_score", "observed_rate"]]
    return float(np.abs(mine.to_numpy() - frame.by_group.loc[mine.index].to_numpy()).max())


# --- Section 4: a threshold per group ---------------------------------------------------------

@lru_cache(maxsize=None)
def thresholds(seed):
    """The chapter's three searches, their decisions' rates, and one threshold of 0.5."""
    s = scored(seed)
    found = {}
    for name, criterion, tolerance in [("best", "tpr", 1.0), ("eo", "tpr", 0.02),
                                       ("dp", "selection_rate", 0.02)]:
        choice = choose_thresholds(s.repaid, s.score, s.group, GRID, criterion=criterion,
                                   tolerance=tolerance)
        decisions = apply_group_thresholds(s.score, s.group, {"A": choice.threshold_a,
                                                              "B": choice.threshold_b})
        found[name] = (choice, compute_group_rates(s.repaid, decisions, s.group))
    return found


def cost_points(seed, name):
    """Accuracy lost by a constrained search against the most accurate pair, in points."""
    found = thresholds(seed)
    return 100 * (found["best"][0].accuracy - found[name][0].accuracy)


def eo_summary(seed):
    eo, eo_rates = thresholds(seed)["eo"]
    single = rates_at(seed)
    return {"a": eo.threshold_a, "b": eo.threshold_b, "accuracy": eo.accuracy,
            "best": thresholds(seed)["best"][0].accuracy, "cost": cost_points(seed, "eo"),
            "selection_gap": (abs(gap(single, "selection_rate")),
                              abs(gap(eo_rates, "selection_rate"))),
            "ppv_gap": (abs(gap(single, "ppv")), abs(gap(eo_rates, "ppv")))}


def dp_summary(seed):
    found = thresholds(seed)
    eo, dp = found["eo"][0], found["dp"][0]
    return {"a": dp.threshold_a, "b": dp.threshold_b,
            "split": (eo.threshold_a - eo.threshold_b, dp.threshold_a - dp.threshold_b),
            "cost": (cost_points(seed, "eo"), cost_points(seed, "dp"))}


def criteria(seed, income_gap):
    """The search explorer's table: each criterion met in turn (`compare_criteria`)."""
    return compare_criteria(income_gap, n=N, seed=seed)


def every_rate_within_tolerance(seed, gaps=(0.5, 0.75, 1.0)):
    """(income gap, criterion) of the explorer whose four rate gaps are all within TOLERANCE."""
    columns = [f"{m}_gap" for m in ("selection_rate", "tpr", "fpr", "ppv")]
    return [(income_gap, criterion) for income_gap in gaps
            for criterion, row in criteria(seed, income_gap).iterrows()
            if (row[columns] <= TOLERANCE).all()]


def at_gap_1(seed):
    table = criteria(seed, 1.0)
    return {"cheapest": table.cost.idxmin(), "dearest": table.cost.idxmax(),
            "ppv_cost": table.cost["ppv"], "dp_cost": table.cost["selection_rate"],
            "ppv_tpr_ratio": table.tpr_B["ppv"] / table.tpr_A["ppv"]}


def costs_grow(seed):
    low, high = criteria(seed, 0.5), criteria(seed, 1.0)
    return all(low.cost[m] < high.cost[m] for m in ("tpr", "selection_rate"))


# --- Section 5: no free lunch -----------------------------------------------------------------

def mean_scores(seed):
    """Mean score of those who repay and of those who do not, per group."""
    s = scored(seed)
    return {(g, y): float(s.score[(s.group == g) & (s.repaid == y)].mean())
            for g in ("A", "B") for y in (0, 1)}


def identity_error(seed):
    rates = rates_at(seed)
    return max(abs(compute_chouldechova_fpr(row.base_rate, row.ppv, 1 - row.tpr) - row.fpr)
               for _, row in rates.iterrows())


def forced_fpr_ratio(seed):
    """FPR(B) / FPR(A) when PPV = 0.75 and FNR = 0.25 in both groups."""
    base = rates_at(seed).base_rate
    return (compute_chouldechova_fpr(base["B"], ppv=0.75, fnr=0.25)
            / compute_chouldechova_fpr(base["A"], ppv=0.75, fnr=0.25))


def error_gaps(seed):
    """|FPR gap|, |FNR gap| and |PPV gap| at threshold 0.5, for income gaps 0, 0.5 and 1."""
    return {income_gap: (abs(gap(rates_at(seed, income_gap), "fpr")),
                         abs(gap(rates_at(seed, income_gap), "tpr")),
                         abs(gap(rates_at(seed, income_gap), "ppv")))
            for income_gap in (0.0, 0.5, 1.0)}


# --- Section 6: the feedback loop -------------------------------------------------------------

def loop(seed, exploration=0.0, rounds=20):
    return simulate_feedback_loop(rounds, exploration, seed=seed)


def loop_gap(seed, exploration, round_):
    approval = loop(seed, exploration, max(20, round_)).approval.loc[round_]
    return float(approval["A"] - approval["B"])


def approvals_by_round(seed):
    """Rounded approval rates of A and B in rounds 1 and 20, and whether B's ever moved."""
    approval = loop(seed).approval
    return {"first": approval.loc[1].round(2).to_dict(),
            "last": approval.loc[20].round(2).to_dict(),
            "b_constant": approval["B"].nunique() == 1}


def belief_errors(seed):
    errors = loop(seed).belief_error
    return {"b_first": float(errors.loc[1, "B"]), "b_last": float(errors.loc[20, "B"]),
            "a_last": float(errors.loc[20, "A"])}


def rejected_cells_of_b(seed):
    """Observed outcomes in B's cells whose prior is below the threshold, and their truths."""
    cells = loop(seed).cells
    rejected = cells[(cells.group == "B") & (cells.prior < 0.5)]
    return {"observed": int(rejected.observed.sum()), "above": int((rejected.truth > 0.5).sum())}


def lent_cell_error(seed):
    cells = loop(seed).cells
    lent = cells[cells.observed > 0]
    return float((lent.belief - lent.truth).abs().max())


def a_cell_shut_off(seed):
    """Whether a cell of A lent to at first (prior >= 0.5, true rate > 0.5) ends below 0.5."""
    cells = loop(seed).cells
    a = cells[(cells.group == "A") & (cells.prior >= 0.5) & (cells.truth > 0.5)]
    return bool((a.belief < 0.5).any())


def loop_setup():
    """The scorecard's band width and defaults that section 6 describes."""
    defaults = inspect.signature(simulate_feedback_loop).parameters
    return {"widths": set(np.round(np.diff(BAND_EDGES), 3).tolist()),
            "prior_weight": defaults["prior_weight"].default,
            "n_per_round": defaults["n_per_round"].default,
            "threshold": defaults["threshold"].default}


def exploration_cost(seed):
    explored = loop(seed, 0.05)
    return explored.explored, explored.explored_defaults



def self_check_rates():
    """Rates of a group with TP = 30, FP = 10, FN = 20 and TN = 40."""
    y_true = [1] * 30 + [0] * 10 + [1] * 20 + [0] * 40
    y_pred = [1] * 30 + [1] * 10 + [0] * 20 + [0] * 40
    row = compute_group_rates(y_true, y_pred, ["g"] * 100).loc["g"]
    return {name: float(row[name]) for name in ("selection_rate", "tpr", "fpr", "ppv")}


# --- The exercise's hiring data ---------------------------------------------------------------

def hiring(seed):
    return make_scored_candidates(**(checks.HIRING | {"seed": seed}))


def band_calibration_error(seed):
    """Largest |share who did well - mean score| among candidates scored 0.2 to 0.4."""
    c = hiring(seed)
    in_band = (c.score >= 0.2) & (c.score < 0.4)
    return max(abs(c.performed[in_band & (c.group == g)].mean()
                   - c.score[in_band & (c.group == g)].mean()) for g in ("A", "B"))


def capacity_binds():
    """The chapter's one call (no capacity) returns a pair that invites more than the capacity."""
    candidates = hiring(checks.HIRING["seed"])
    choice = choose_thresholds(candidates.performed, candidates.score, candidates.group,
                               checks.THRESHOLD_GRID, criterion="tpr",
                               tolerance=checks.TPR_TOLERANCE)
    invited = apply_group_thresholds(candidates.score, candidates.group,
                                     {"A": choice.threshold_a, "B": choice.threshold_b}).sum()
    return invited > checks.INTERVIEW_CAPACITY


def rated_minor_grid_step():
    """The spacing of task 3b's figure's grid lines (major and minor ticks together)."""
    axes = checks.plot_screening_calibration().axes[0]
    ticks = np.sort(np.concatenate([axes.get_yticks(), axes.get_yticks(minor=True)]))
    return float(np.round(np.diff(ticks), 6).max())


def blind_weights(seed):
    """Weights of income, credit history and postcode in the model trained without the group."""
    model = LogisticRegression().fit(make_design_matrix(history(seed), BLIND),
                                     history(seed).approved)
    return dict(zip(BLIND, model.coef_[0].tolist()))


def eo_effects(seed):
    """Points of the selection-rate and precision gaps at one threshold of 0.5 and with equal
    TPRs, and the thresholds and cost of equal opportunity."""
    eo, eo_rates = thresholds(seed)["eo"]
    single = rates_at(seed)
    return {"thresholds": (eo.threshold_a, eo.threshold_b),
            "selection": (100 * abs(gap(single, "selection_rate")),
                          100 * abs(gap(eo_rates, "selection_rate"))),
            "ppv": (100 * abs(gap(single, "ppv")), 100 * abs(gap(eo_rates, "ppv"))),
            "cost": cost_points(seed, "eo")}


def error_rates_at_gap(seed, income_gap):
    """FPR and FNR of A and B at threshold 0.5, and the largest calibration error."""
    rates = rates_at(seed, income_gap)
    return {"fpr": (rates.fpr["A"], rates.fpr["B"]),
            "fnr": (1 - rates.tpr["A"], 1 - rates.tpr["B"]),
            "calibration": calibration_error(seed, income_gap)}


def question_claims():
    """Claims of the chapter's predictions and self-checks (mlsys.questions strings)."""
    return [
        Claim("p-group-dropped-48-27", CHAPTER,
              words="without the group it approves 48% of A and 27% of B, a 21-point gap",
              derive=lambda seed: selection(seed)["group dropped"], seed=SEED,
              holds=lambda r: (round(100 * r["A"]), round(100 * r["B"]),
                               round(100 * (r["A"] - r["B"]))) == (48, 27, 21),
              robust=lambda r: r["A"] - r["B"] > 0.1),
        Claim("sc-postcode-smaller-weight", CHAPTER,
              words="the postcode's weight was smaller and still carried a 21-point gap",
              derive=lambda seed: (blind_weights(seed), blind_gap(seed)), seed=SEED,
              holds=lambda w: abs(w[0]["postcode"]) < min(abs(w[0]["income"]),
                                                          abs(w[0]["credit_history"]))
              and round(100 * w[1]) == 21,
              robust=lambda w: abs(w[0]["postcode"]) < min(abs(w[0]["income"]),
                                                          abs(w[0]["credit_history"]))
              and w[1] > 0.1),
        Claim("sc-merit-only-fewer-in-both", CHAPTER,
              words="The merit-only model approves fewer people in both groups than would repay",
              derive=selection, seed=SEED,
              holds=lambda table: bool((table["merit only"] < table["repaid"]).all())),
        Claim("sc-difference-0-174", CHAPTER, words="returns 0.174",
              derive=lambda seed: abs(gap(rates_at(seed), "tpr")), seed=SEED,
              holds=lambda g: round(g, 3) == 0.174, robust=lambda g: 0.075 <= g < 0.185,
              spread=(20, 20)),
        Claim("sc-tprs-0-757-0-583", CHAPTER, words="0.757 − 0.583 = 0.174",
              derive=lambda seed: rates_at(seed).tpr.round(3).to_dict(), seed=SEED,
              holds=lambda tpr: tpr == {"A": 0.757, "B": 0.583},
              robust=lambda tpr: tpr["A"] > tpr["B"]),
        Claim("sc-tpr-17-points-lower", CHAPTER,
              words="its TPR is 17 points lower in group B",
              derive=lambda seed: gap(rates_at(seed), "tpr"), seed=SEED,
              holds=lambda g: round(100 * g) == 17, robust=lambda g: 8 <= round(100 * g) <= 18,
              spread=(20, 20)),
        Claim("sc-agree-12-places", CHAPTER, words="They agree to 12 decimal places",
              derive=fairlearn_disagreement, holds=lambda diff: diff <= 1e-12, seed=SEED),
        Claim("p-equal-tpr-effects", CHAPTER,
              words="With A at 0.55 and B at 0.40 the TPRs match; the gap in selection rates "
                    "narrows from 21 to 5 points, the gap in precision widens from 6 to 15, and "
                    "it costs 0.8 points of accuracy against the most accurate pair",
              derive=eo_effects, seed=SEED,
              holds=lambda e: e["thresholds"] == (0.55, 0.40)
              and tuple(map(round, e["selection"] + e["ppv"])) == (21, 5, 6, 15)
              and round(e["cost"], 1) == 0.8,
              robust=lambda e: e["selection"][1] < e["selection"][0]
              and e["ppv"][1] > e["ppv"][0] and e["cost"] >= 0),
        Claim("p-equal-base-rates-within-0-05", CHAPTER,
              words="With equal base rates every rate stays within 0.05",
              derive=lambda seed: max(abs(gap(rates_at(seed, 0.0), m))
                                      for m in ("selection_rate", "tpr", "fpr", "ppv")),
              holds=lambda g: g <= TOLERANCE, seed=SEED),
        Claim("p-gap-1-error-rates", CHAPTER,
              words="at a gap of 1 sd B's false positive rate is 0.08 against A's 0.30 and its "
                    "false negative rate 0.56 against 0.24, while the scores stay calibrated in "
                    "both groups",
              derive=lambda seed: error_rates_at_gap(seed, 1.0), seed=SEED,
              holds=lambda e: tuple(round(v, 2) for v in e["fpr"][::-1] + e["fnr"][::-1])
              == (0.08, 0.30, 0.56, 0.24) and e["calibration"] <= 0.08,
              robust=lambda e: e["fpr"][1] < e["fpr"][0] / 2 and e["fnr"][1] > 2 * e["fnr"][0]
              and e["calibration"] <= 0.1),
        Claim("sc-fprs-0-30-0-17", CHAPTER,
              words="In section 3 the calibrated model's FPRs were 0.30 in A and 0.17 in B",
              derive=lambda seed: rates_at(seed).fpr, seed=SEED,
              holds=lambda fpr: (round(fpr["A"], 2), round(fpr["B"], 2)) == (0.30, 0.17),
              robust=lambda fpr: fpr["A"] > fpr["B"] + 0.05),
        Claim("p-no-exploration-36-points", CHAPTER,
              words="With no exploration the gap is 36 points after 20 rounds",
              derive=lambda seed: loop_gap(seed, 0.0, 20), seed=SEED,
              holds=lambda g: round(100 * g) == 36, robust=lambda g: g > 0.2, spread=(20, 20)),
        Claim("sc-b-line-stayed-flat", CHAPTER,
              words="B's line stayed flat however many rounds passed",
              derive=lambda seed: loop(seed, 0.0, 40).approval["B"].nunique(), seed=SEED,
              holds=lambda count: count == 1, spread=(20, 20)),
        Claim("sc-upper-cells-never-lent", CHAPTER,
              words="In the upper cells of B most applicants repay, yet the scorecard never lent "
                    "there",
              derive=rejected_cells_of_b, seed=SEED, spread=(20, 20),
              holds=lambda r: r["observed"] == 0 and r["above"] >= 2),
    ]


CLAIMS = [
    # Section 1
    Claim("b-is-40-percent", CHAPTER, words="(B is 40% of applicants)",
          derive=lambda seed: float(np.mean(history(seed).group == "B")),
          holds=lambda share: round(share, 2) == 0.40, seed=SEED,
          robust=lambda share: 0.37 <= share <= 0.43),
    Claim("officers-twice-the-log-odds", CHAPTER,
          words="their log-odds of approving are twice the log-odds of repaying",
          derive=officers_log_odds, holds=lambda fit: abs(fit["merit"] - 2.0) < 0.05),
    Claim("officers-penalty-3", CHAPTER,
          words="then they took `historical_bias` = 3.0 off the log-odds of approval",
          derive=officers_log_odds, holds=lambda fit: abs(fit["group B"] + 3.0) < 0.1),
    Claim("equally-creditworthy-approved-less", CHAPTER,
          words="The groups are equally creditworthy, yet group B was approved far less often.",
          derive=past_gaps, seed=SEED,
          holds=lambda gaps: abs(gaps["repaid"]) < 0.03 and gaps["approved"] > 0.2),
    # Section 2
    Claim("postcode-negative-weight", CHAPTER,
          words="yet the model gives it a clearly negative weight",
          derive=postcode_weight, holds=lambda weight: weight < -0.3, seed=SEED),
    Claim("with-group-copies-officers", CHAPTER,
          words="With the group as a feature, the model copies the officers.",
          derive=lambda seed: (gap(selection(seed), "with group"), past_gaps(seed)["approved"]),
          holds=lambda gaps: abs(gaps[0] - gaps[1]) < 0.1, seed=SEED),
    Claim("dropping-group-removes-part", CHAPTER,
          words="Dropping the group removes only part of the gap",
          derive=lambda seed: (gap(selection(seed), "with group"), blind_gap(seed)),
          holds=lambda gaps: gaps[0] > gaps[1] > 0.1, seed=SEED),
    Claim("stronger-proxy-more", CHAPTER, words="the stronger the proxy, the more",
          derive=lambda seed: [blind_gap(seed, proxy=p) for p in (0.0, 0.5, 1.0)],
          holds=lambda gaps: gaps[0] < gaps[1] < gaps[2], seed=SEED),
    Claim("no-proxy-or-no-bias-gap-closes", CHAPTER,
          words="With no proxy (`proxy_strength` 0) or no past bias, the gap closes.",
          derive=lambda seed: (blind_gap(seed, proxy=0.0), blind_gap(seed, bias=0.0)),
          holds=lambda gaps: max(map(abs, gaps)) < 0.05, seed=SEED),
    Claim("merit-only-alike", CHAPTER, words="The merit-only model treats the groups alike",
          derive=lambda seed: gap(selection(seed), "merit only"),
          holds=lambda g: abs(g) < 0.05, seed=SEED),
    Claim("merit-only-approves-fewer", CHAPTER,
          words="it approves fewer people in *both* groups than would repay",
          derive=lambda seed: selection(seed),
          holds=lambda table: bool((table["merit only"] < table["repaid"]).all()), seed=SEED),
    Claim("self-check-21-point-gap", CHAPTER,
          words="dropping the group left a 21-point gap in approval rates",
          derive=blind_gap, holds=lambda g: round(100 * g) == 21, seed=SEED,
          robust=lambda g: g > 0.1),
    # Section 3
    Claim("fewer-in-b-would-repay", CHAPTER,
          words="incomes in group B are lower by half a standard deviation, so fewer people in B "
                "would repay",
          derive=lambda seed: gap(rates_at(seed), "base_rate"), holds=lambda g: g > 0.05,
          seed=SEED),
    Claim("base-rates-54-40", CHAPTER, words="The base rates are 54% in A and 40% in B.",
          derive=lambda seed: rates_at(seed).base_rate.round(2).to_dict(),
          holds=lambda base: base == {"A": 0.54, "B": 0.40}, seed=SEED,
          robust=lambda base: base["A"] - base["B"] >= 0.08),
    Claim("fairlearn-agrees-12-places", CHAPTER,
          words="The two agree (a unit test holds them equal to 12 decimal places)",
          derive=fairlearn_disagreement, holds=lambda diff: diff <= 1e-12, seed=SEED),
    Claim("calibration-tables-agree", CHAPTER, words="The two tables hold the same numbers",
          derive=calibration_disagreement, holds=lambda diff: diff <= 1e-12, seed=SEED),
    Claim("calibrated-within-5-points", CHAPTER,
          words="each bin's observed rate is within 5 points of its mean score here, and within "
                "8 on each of 20 seeds",
          derive=calibration_error, holds=lambda error: error <= 0.05, seed=SEED,
          robust=lambda error: error <= 0.08, spread=(20, 20)),
    Claim("precision-similar", CHAPTER, words="its precision is similar",
          derive=lambda seed: abs(gap(rates_at(seed), "ppv")), holds=lambda g: g < 0.1,
          seed=SEED),
    Claim("selection-21-tpr-17-lower", CHAPTER,
          words="B's selection rate is 21 points lower and its TPR 17 points lower (from 15 to 21 "
                "and from 8 to 18 points over 20 seeds)",
          derive=lambda seed: (gap(rates_at(seed), "selection_rate"), gap(rates_at(seed), "tpr")),
          holds=lambda g: (round(100 * g[0]), round(100 * g[1])) == (21, 17), seed=SEED,
          robust=lambda g: 15 <= round(100 * g[0]) <= 21 and 8 <= round(100 * g[1]) <= 18,
          spread=(20, 20)),
    Claim("b-repayer-approved-less-often", CHAPTER,
          words="a B applicant who would repay is approved less often than an A applicant who "
                "would",
          derive=lambda seed: gap(rates_at(seed), "tpr"), holds=lambda g: g > 0, seed=SEED),
    # Section 4
    Claim("eo-b-lower-than-a", CHAPTER,
          words="Equal opportunity needs B's threshold lower than A's (0.40 against 0.55 here)",
          derive=eo_summary, holds=lambda eo: (eo["b"], eo["a"]) == (0.40, 0.55), seed=SEED,
          robust=lambda eo: eo["b"] < eo["a"]),
    Claim("eo-costs-0-8-points", CHAPTER,
          words="It costs 0.8 points of accuracy against the most accurate pair (72.5% against "
                "73.3%)",
          derive=eo_summary, seed=SEED,
          holds=lambda eo: (round(eo["cost"], 1), round(100 * eo["accuracy"], 1),
                            round(100 * eo["best"], 1)) == (0.8, 72.5, 73.3),
          robust=lambda eo: eo["cost"] >= 0),
    Claim("eo-costs-at-most-1-2", CHAPTER, words="at most 1.2 points on each of 20 seeds",
          derive=lambda seed: cost_points(seed, "eo"), holds=lambda cost: round(cost, 1) <= 1.2,
          seed=SEED, spread=(20, 20)),
    Claim("eo-narrows-selection-widens-precision", CHAPTER,
          words="compared with one threshold of 0.5, it narrows the gap in selection rates and "
                "widens the gap in precision",
          derive=eo_summary, seed=SEED,
          holds=lambda eo: (eo["selection_gap"][1] < eo["selection_gap"][0]
                            and eo["ppv_gap"][1] > eo["ppv_gap"][0])),
    Claim("dp-pulls-thresholds-apart", CHAPTER,
          words="Demographic parity pulls the two thresholds further apart (0.625 and 0.45)",
          derive=dp_summary, seed=SEED,
          holds=lambda dp: (dp["a"], dp["b"]) == (0.625, 0.45) and dp["split"][1] > dp["split"][0],
          robust=lambda dp: dp["split"][1] > dp["split"][0]),
    Claim("dp-costs-1-4-points", CHAPTER, words="here costs more, 1.4 points",
          derive=dp_summary, seed=SEED,
          holds=lambda dp: round(dp["cost"][1], 1) == 1.4 and dp["cost"][1] > dp["cost"][0],
          robust=lambda dp: dp["cost"][1] > 0),
    Claim("dp-costs-more-18-of-20", CHAPTER,
          words="it costs more than equal opportunity in 18 of 20 seeds",
          derive=lambda seed: dp_summary(seed)["cost"], holds=lambda cost: cost[1] > cost[0],
          seed=SEED, spread=(18, 18)),
    Claim("small-loss-of-accuracy", CHAPTER,
          words="can meet one criterion, usually for a small loss of accuracy",
          derive=lambda seed: (cost_points(seed, "eo"), cost_points(seed, "dp")),
          holds=lambda costs: max(costs) <= 2, seed=SEED),
    Claim("search-explorer-no-criterion-meets-every-rate", CHAPTER,
          words="From an income gap of 0.5 on, no criterion brings every bar pair within 0.05",
          derive=every_rate_within_tolerance, holds=lambda found: found == [], seed=SEED),
    Claim("ppv-cheapest-at-gap-1", CHAPTER,
          words="at an income gap of 1, predictive parity costs the least accuracy (at most 1 "
                "point on each of 20 seeds)",
          derive=at_gap_1, holds=lambda g: g["cheapest"] == "ppv" and round(g["ppv_cost"]) <= 1,
          seed=SEED, spread=(20, 20)),
    Claim("ppv-leaves-b-tpr-half", CHAPTER,
          words="it leaves B's true positive rate about half of A's (0.49 of it here, from 0.38 "
                "to 0.62 over 20 seeds)",
          derive=lambda seed: at_gap_1(seed)["ppv_tpr_ratio"],
          holds=lambda ratio: round(ratio, 2) == 0.49, seed=SEED,
          robust=lambda ratio: 0.375 <= ratio < 0.625, spread=(20, 20)),
    Claim("dp-dearest-at-gap-1", CHAPTER,
          words="demographic parity costs the most (3.9 points here, from 2.2 to 4.3 over 20 "
                "seeds)",
          derive=at_gap_1, seed=SEED,
          holds=lambda g: g["dearest"] == "selection_rate" and round(g["dp_cost"], 1) == 3.9,
          robust=lambda g: g["dearest"] == "selection_rate" and 2.15 <= g["dp_cost"] < 4.35,
          spread=(20, 20)),
    Claim("eo-dp-cost-more-at-gap-1", CHAPTER,
          words="Equal opportunity and demographic parity both cost more at an income gap of 1 "
                "than at 0.5, on each of 20 seeds",
          derive=costs_grow, seed=SEED, spread=(20, 20)),
    Claim("equal-tprs-leave-selection-apart", CHAPTER,
          words="equal TPRs leave the selection rates apart",
          derive=lambda seed: eo_summary(seed)["selection_gap"][1],
          holds=lambda g: g > 0.02, seed=SEED),
    # Section 5
    Claim("b-lower-mean-scores", CHAPTER,
          words="Those who repay in B get a lower average score than those who repay in A, and "
                "so do those who don't",
          derive=mean_scores, seed=SEED,
          holds=lambda m: m[("B", 1)] < m[("A", 1)] and m[("B", 0)] < m[("A", 0)]),
    Claim("identity-holds-exactly", CHAPTER,
          words="It is an identity of the confusion matrix, so it holds exactly for our measured "
                "rates",
          derive=identity_error, holds=lambda error: error < 1e-12, seed=SEED),
    Claim("forced-fpr-little-more-than-half", CHAPTER,
          words="group B's FPR must be little more than half of A's (0.56 of it here, from 0.54 "
                "to 0.68 over 20 seeds",
          derive=forced_fpr_ratio, holds=lambda ratio: round(ratio, 2) == 0.56, seed=SEED,
          robust=lambda ratio: 0.535 <= ratio < 0.685, spread=(20, 20)),
    Claim("equal-base-rates-every-criterion", CHAPTER,
          words="With equal base rates (income gap 0), one threshold gives nearly equal false "
                "positive and false negative rates, calibration and precision",
          derive=lambda seed: (error_gaps(seed)[0.0], calibration_error(seed, 0.0)), seed=SEED,
          holds=lambda found: max(found[0]) <= TOLERANCE and found[1] <= 0.08),
    Claim("error-rates-split-as-gap-grows", CHAPTER,
          words="As the gap grows, the calibrated model's error rates split apart",
          derive=error_gaps, seed=SEED,
          holds=lambda gaps: all(gaps[0.0][k] < gaps[0.5][k] < gaps[1.0][k] for k in (0, 1))),
    # Section 6
    Claim("loop-setup", CHAPTER,
          words="(bands half a unit of log-odds wide)",
          derive=loop_setup, holds=lambda setup: setup["widths"] == {0.5}),
    Claim("loop-prior-20-loans-1000-applicants", CHAPTER,
          words="worth 20 loans of evidence. Each round 1,000 new applicants arrive",
          derive=loop_setup,
          holds=lambda setup: (setup["prior_weight"], setup["n_per_round"]) == (20, 1_000)),
    Claim("loop-threshold-half", CHAPTER,
          words="approves those whose cell it believes repays at least half the time",
          derive=loop_setup, holds=lambda setup: setup["threshold"] == 0.5),
    Claim("loop-approval-does-not-move", CHAPTER,
          words="The approval rates do not move: A 56% and B 19%, in round 1 as in round 20.",
          derive=approvals_by_round, seed=SEED,
          holds=lambda a: a["first"] == a["last"] == {"A": 0.56, "B": 0.19} and a["b_constant"],
          robust=lambda a: a["b_constant"]),
    Claim("loop-belief-28-points-low", CHAPTER,
          words="After 20 rounds its belief about B is still 28 points too low (from 27 to 30 "
                "points over 20 seeds), barely better than the 30 points before the first loan.",
          derive=belief_errors, seed=SEED,
          holds=lambda e: (round(-100 * e["b_last"]), round(-100 * e["b_first"])) == (28, 30),
          robust=lambda e: 27 <= round(-100 * e["b_last"]) <= 30
          and e["b_last"] - e["b_first"] < 0.05, spread=(20, 20)),
    Claim("loop-rejected-cells-unobserved", CHAPTER,
          words="Every cell of B whose prior was below 0.5 has no observed outcome",
          derive=rejected_cells_of_b, seed=SEED, spread=(20, 20),
          holds=lambda r: r["observed"] == 0 and r["above"] >= 2),
    Claim("loop-lent-cells-learn", CHAPTER,
          words="The cells it did lend to have learned the truth (within 3 points here).",
          derive=lent_cell_error, seed=SEED, holds=lambda error: error <= 0.03,
          robust=lambda error: error <= 0.1),
    Claim("loop-a-a-little-low", CHAPTER, words="Group A's belief is a little low too",
          derive=belief_errors, seed=SEED, holds=lambda e: -0.1 < e["a_last"] < 0),
    Claim("loop-a-cell-shut-off", CHAPTER,
          words="in 3 of 20 seeds a cell of A whose true rate is above 0.5 has a run of defaults, "
                "drops below the threshold and is shut off for good",
          derive=a_cell_shut_off, seed=1, holds=bool, spread=(3, 3)),
    Claim("loop-b-line-flat", CHAPTER,
          words="With no exploration B's line stays flat however many rounds pass.",
          derive=lambda seed: loop(seed, 0.0, 40).approval["B"].nunique(), seed=SEED,
          holds=lambda count: count == 1, spread=(20, 20)),
    Claim("loop-5-percent-36-to-14", CHAPTER,
          words="At 5% it falls from 36 to 14 points by round 20 (to between 11 and 27 points "
                "over 20 seeds)",
          derive=lambda seed: (loop_gap(seed, 0.0, 20), loop_gap(seed, 0.05, 20)), seed=SEED,
          holds=lambda g: (round(100 * g[0]), round(100 * g[1])) == (36, 14),
          robust=lambda g: 11 <= round(100 * g[1]) <= 27, spread=(20, 20)),
    Claim("loop-20-percent-within-5", CHAPTER,
          words="at 20% it is within 5 points by round 40, on each of 20 seeds",
          derive=lambda seed: abs(loop_gap(seed, 0.2, 40)), seed=SEED,
          holds=lambda g: g <= 0.05, spread=(20, 20)),
    Claim("loop-exploration-cost", CHAPTER,
          words="at 5%, exploration granted 544 loans in 20 rounds and about two thirds of them "
                "were not repaid",
          derive=exploration_cost, seed=SEED,
          holds=lambda c: c[0] == 544 and 0.6 <= c[1] / c[0] <= 0.72,
          robust=lambda c: 0.6 <= c[1] / c[0] <= 0.72),
    Claim("self-check-loop-unobserved", CHAPTER,
          words="in section 6 the cells of group B below the threshold had no observed outcome "
                "after 20 rounds",
          derive=rejected_cells_of_b, seed=SEED, holds=lambda r: r["observed"] == 0),
    # The self-check
    Claim("self-check-rates", CHAPTER,
          words="Selection rate (30 + 10)/100 = 0.40; TPR 30/(30 + 20) = 0.60; FPR 10/(10 + 40) = "
                "0.20; precision 30/(30 + 10) = 0.75",
          derive=self_check_rates,
          holds=lambda r: {k: round(v, 2) for k, v in r.items()} == {
              "selection_rate": 0.40, "tpr": 0.60, "fpr": 0.20, "ppv": 0.75}),
    Claim("self-check-chouldechova", CHAPTER,
          words="1 · 0.25 · 0.9 = 0.225 in the first group and 0.25 · 0.25 · 0.9 ≈ 0.056 in the "
                "second",
          derive=lambda: (compute_chouldechova_fpr(0.5, 0.8, 0.1),
                          compute_chouldechova_fpr(0.2, 0.8, 0.1)),
          holds=lambda fprs: (round(fprs[0], 3), round(fprs[1], 3)) == (0.225, 0.056)),
    # The solution notebook
    Claim("hiring-30-percent-b", SOLUTION, words="about 30% of whom are in group B",
          derive=lambda seed: float(np.mean(hiring(seed).group == "B")),
          holds=lambda share: 0.25 <= share <= 0.35, seed=checks.HIRING["seed"]),
    Claim("hiring-calibrated-band", SOLUTION,
          words="of the candidates it gives about 0.3, about 30% have a good first year",
          derive=band_calibration_error, holds=lambda error: error <= 0.05,
          seed=checks.HIRING["seed"]),
    Claim("hiring-grid", SOLUTION, words="(0.20 to 0.80\nin steps of 0.02)",
          derive=lambda: checks.THRESHOLD_GRID,
          holds=lambda grid: grid == tuple(np.round(np.arange(0.20, 0.801, 0.02), 2).tolist())),
    Claim("hiring-capacity", SOLUTION, words="`checks.INTERVIEW_CAPACITY` (900)",
          derive=lambda: checks.INTERVIEW_CAPACITY, holds=lambda capacity: capacity == 900),
    Claim("hiring-capacity-binds", SOLUTION,
          words="why can the chapter's `choose_thresholds` not answer this on its own?",
          derive=capacity_binds, holds=bool),
    Claim("rated-grid-every-0-05", SOLUTION, words="(the grid lines are 0.05 apart)",
          derive=rated_minor_grid_step, holds=lambda step: step == 0.05),
    Claim("hiring-tolerance", SOLUTION, words="`checks.TPR_TOLERANCE` (0.01)",
          derive=lambda: checks.TPR_TOLERANCE, holds=lambda tolerance: tolerance == 0.01),
    Claim("task6-fpr-a", SOLUTION, words="in A its FPR is 0.2",
          derive=lambda: compute_chouldechova_fpr(0.5, 0.8, 0.2),
          holds=lambda fpr: round(fpr, 3) == 0.2),
]

CLAIMS += question_claims()

# ledger.tests, not `from ledger import tests`: pytest would collect a bare `tests` as a test.
test_claim = ledger.tests(CLAIMS)
