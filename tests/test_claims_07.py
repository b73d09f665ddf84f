"""Claims ledger of chapter 07 (code, data and artifacts): every sentence of the chapter's and the
solution's prose that the book's own code re-derives, with the notebooks' parameters and seeds."""

import math
from functools import lru_cache

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier

import ledger
from ledger import Claim
from mlsys.artifacts import (FEATURES, LABEL, NOISE_Z, SliceValues, _slice_values,
                             compute_dataset_hash,
                             make_churn_schema, make_corrupted_batch, plan_erasure,
                             run_data_tests, schema_failures, weights_read_time_ms,
                             _smallest_within, capacity_sweep, compute_capacity_sweep,
                             diff_manifests, make_churn_data, make_churn_spec, make_manifest,
                             make_model_record, paired_standard_error, train_churn_model)
from mlsys.checks import artifacts as checks
from mlsys.latency import percentiles, time_single_predictions_ms

CHAPTER = "chapters/07_ml_vs_software.ipynb"
SOLUTION = "solutions/07_ml_vs_software.ipynb"
GRID_NOISE = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)   # the slice explorer's grid
GRID_SHARE = (0.1, 0.3, 0.5)
N_VALIDATION = 4_000


# --- Section 1: versions ---------------------------------------------------------------------

@lru_cache(maxsize=None)
def rebuild(seed):
    """(rebuilt record == shipped record, two records share code and params, distinct models)."""
    data_v1 = make_churn_data(n_rows=2_000, seed=seed)
    data_v2 = pd.concat([data_v1, make_churn_data(n_rows=1_000, seed=seed + 1)],
                        ignore_index=True)
    records = {name: make_model_record(train_churn_model(table, C=1.0), table,
                                       code_version="churn-1.0", params={"C": 1.0})
               for name, table in [("v1", data_v1), ("v2", data_v2)]}
    shuffled = data_v1.sample(frac=1, random_state=7).reset_index(drop=True)
    rebuilt = make_model_record(train_churn_model(shuffled, C=1.0), shuffled,
                                code_version="churn-1.0", params={"C": 1.0})
    same = [r for r in records.values() if (r.code_version, r.params) == ("churn-1.0",
                                                                         (("C", 1.0),))]
    return rebuilt == records["v1"], len(same), len({r.model_hash for r in same})


def hashes_of_three_tables():
    """(v1 == shuffled v1, v1 == v2) by the chapter's hash."""
    data_v1 = make_churn_data(n_rows=2_000, seed=0)
    data_v2 = pd.concat([data_v1, make_churn_data(n_rows=1_000, seed=1)], ignore_index=True)
    shuffled = data_v1.sample(frac=1, random_state=7).reset_index(drop=True)
    digest = compute_dataset_hash
    return digest(data_v1) == digest(shuffled), digest(data_v1) == digest(data_v2)


@lru_cache(maxsize=None)
def decisions_that_change(seed):
    """How many of 2,000 new customers the models of v1 and v2 decide differently."""
    data_v1 = make_churn_data(n_rows=2_000, seed=seed)
    data_v2 = pd.concat([data_v1, make_churn_data(n_rows=1_000, seed=seed + 1)],
                        ignore_index=True)
    customers = make_churn_data(n_rows=2_000, seed=seed + 2)[list(FEATURES)]
    changed = (train_churn_model(data_v1).predict(customers)
               != train_churn_model(data_v2).predict(customers))
    return int(changed.sum())


@lru_cache(maxsize=None)
def daily_tables(seed):
    """The chapter's 30 daily partitions (seeds 100 + day) and the next day's version's."""
    base = 100 + 40 * seed
    days = {f"day-{d:02d}": make_churn_data(n_rows=500, seed=base + d) for d in range(1, 31)}
    corrected = days["day-12"].copy()
    corrected.loc[:2, "churned"] = 1 - corrected.loc[:2, "churned"]
    later = {**days, "day-12": corrected, "day-31": make_churn_data(n_rows=500, seed=base + 31)}
    return days, later


@lru_cache(maxsize=None)
def daily_versions(seed):
    """The chapter's 30 daily partitions' manifest, their CSV bytes, and the diff to the next."""
    days, later = daily_tables(seed)
    manifest = make_manifest(days)
    data_bytes = sum(len(t.to_csv(index=False)) for t in days.values())
    return manifest, data_bytes, diff_manifests(manifest, make_manifest(later))


def manifest_bytes_per_partition(seed=0):
    manifest, _, _ = daily_versions(seed)
    return manifest.size_bytes / len(manifest.partitions)


def manifest_size_grows_with_partitions_not_rows():
    small = make_manifest({f"day-{d}": make_churn_data(50, seed=d) for d in range(10)})
    large = make_manifest({f"day-{d}": make_churn_data(5_000, seed=d) for d in range(10)})
    twice = make_manifest({f"day-{d}": make_churn_data(50, seed=d) for d in range(20)})
    per_row_digits = 10 * (len("5000") - len("50"))
    return (large.size_bytes - small.size_bytes == per_row_digits
            and twice.size_bytes > 1.9 * small.size_bytes)


# --- Section 2: data tests -------------------------------------------------------------------

def corruptions_that_crash_the_fit():
    """Which corruption of make_corrupted_batch, applied alone, makes training raise."""
    good = make_churn_data(n_rows=1_000, seed=3)
    rng = np.random.default_rng(0)
    months = good.copy()
    rows = rng.choice(len(good), 50, replace=False)
    months.loc[rows, "age"] = months.loc[rows, "age"] * 12
    missing = good.assign(tenure_months=good["tenure_months"].astype(float))
    missing.loc[rng.choice(len(good), 150, replace=False), "tenure_months"] = np.nan
    renamed = good.assign(plan=good["plan"].replace({"pro": "Pro"}))
    per_month = good.assign(sessions_per_week=(good["sessions_per_week"] * 4.3).round(1))
    crashed = set()
    for name, batch in [("months", months), ("missing", missing), ("renamed", renamed),
                        ("per_month", per_month)]:
        try:
            train_churn_model(batch)
        except ValueError:
            crashed.add(name)
    return crashed


def pro_is_scored_as_no_plan():
    model = train_churn_model(make_churn_data(n_rows=1_000, seed=3))
    encoder = model[0].named_transformers_["onehotencoder"]
    return encoder.transform(pd.DataFrame({"plan": ["Pro"]})).toarray().tolist()


def partner_mislabelled_share(seed):
    clean = make_churn_data(n_rows=3_000, seed=seed, partner_share=0.3)
    broken = make_churn_data(n_rows=3_000, seed=seed, partner_share=0.3,
                             partner_label_noise=0.8)
    churners = (clean["source"] == "partner") & (clean[LABEL] == 1)
    return float((broken.loc[churners, LABEL] == 0).mean())


# --- Section 3: data valuation ---------------------------------------------------------------

def chapter_values(seed) -> SliceValues:
    """The chapter's run: partner mislabels 80% of churners, 30% of rows."""
    return _slice_values(0.8, 0.3, seed)


@lru_cache(maxsize=None)
def paired_and_bootstrap_se(seed):
    """(paired SE, bootstrap SE) of each slice of the chapter's run, and the one-accuracy SE."""
    values = chapter_values(seed)
    train = make_churn_data(n_rows=3_000, seed=seed, partner_share=0.3, partner_label_noise=0.8)
    validation = make_churn_data(n_rows=N_VALIDATION, seed=seed + 1_000)
    X_val, y_val = validation[list(FEATURES)], validation[LABEL]
    right_all = train_churn_model(train).predict(X_val) == y_val
    paired = []
    for name in values.slices:
        right = train_churn_model(train[train["source"] != name]).predict(X_val) == y_val
        paired.append(paired_standard_error(int((right & ~right_all).sum()),
                                            int((right_all & ~right).sum()), N_VALIDATION))
    one_accuracy = math.sqrt(values.accuracy_all * (1 - values.accuracy_all) / N_VALIDATION)
    return np.array(paired), values.standard_error, one_accuracy


@lru_cache(maxsize=None)
def paired_only_flags_a_clean_source(seed):
    """Whether a gain beyond 1.96 paired standard errors calls a clean source harmful."""
    train = make_churn_data(n_rows=3_000, seed=seed, partner_share=0.3)
    validation = make_churn_data(n_rows=N_VALIDATION, seed=seed + 1_000)
    X_val, y_val = validation[list(FEATURES)], validation[LABEL]
    right_all = train_churn_model(train).predict(X_val) == y_val
    for name in sorted(train["source"].unique()):
        right = train_churn_model(train[train["source"] != name]).predict(X_val) == y_val
        b, c = int((right & ~right_all).sum()), int((right_all & ~right).sum())
        if (b - c) / N_VALIDATION > NOISE_Z * paired_standard_error(b, c, N_VALIDATION):
            return True
    return False


def partner_verdict(noise):
    return lambda seed: bool(_slice_values(noise, 0.3, seed).harmful[1])


# --- Section 4: model size -------------------------------------------------------------------

def sweep_table():
    sweep = capacity_sweep()
    return pd.DataFrame({"depth": sweep.max_depth, "trees": sweep.n_trees,
                         "accuracy": sweep.accuracy, "disk_kb": sweep.disk_kb,
                         "memory_kb": sweep.memory_kb, "nodes": sweep.n_nodes})


def depth_16_is_dominated():
    """Every depth-16 forest is beaten by a depth-8 forest no larger on disk."""
    table = sweep_table()
    deep, eight = table[table["depth"] == 16], table[table["depth"] == 8]
    return all(((eight["disk_kb"] <= row.disk_kb) & (eight["accuracy"] > row.accuracy)).any()
               for row in deep.itertuples())


def measured_latencies():
    rows = make_churn_data(3_000, seed=0)
    X = pd.get_dummies(rows[list(FEATURES)]).to_numpy(dtype=float)
    p = {}
    for trees, depth in [(1, 2), (64, 8)]:
        forest = RandomForestClassifier(n_estimators=trees, max_depth=depth,
                                        random_state=0).fit(X, rows["churned"])
        p[trees] = percentiles(time_single_predictions_ms(
            forest.predict_proba, X, n_requests=200, warmup=20), qs=(50, 99))
    return p


def node_bytes():
    forest = RandomForestClassifier(n_estimators=1, max_depth=3, random_state=0).fit(
        np.random.default_rng(0).random((200, 3)), np.arange(200) % 2)
    state = forest.estimators_[0].tree_.__getstate__()
    return state["nodes"].dtype.itemsize, state["values"][0].nbytes



@lru_cache(maxsize=None)
def sweep_at_3000(seed):
    """The explorer's sweep at 3,000 training rows, on the draw `seed` (seed 0: the chapter's)."""
    return capacity_sweep(3_000, seed)


@lru_cache(maxsize=None)
def growth_with_rows(seed):
    """Disk kB of the 64-tree forests of depth 2 and 16 on 300 and on 10,000 training rows: the
    explorer's forests (a forest grown tree by tree equals one fitted at once)."""
    test = make_churn_data(3_000, seed=2 * seed + 1)
    sizes = {}
    for n_train in (300, 10_000):
        sweep = compute_capacity_sweep(make_churn_data(n_train, seed=2 * seed), test,
                                       max_depths=(2, 16), n_trees=(64,), seed=seed)
        sizes[n_train] = dict(zip(sweep.max_depth.tolist(), sweep.disk_kb.tolist()))
    return sizes


def chosen_kb_over_draws(budget_points):
    """Size on disk of the forest chosen within `budget_points` at 3,000 rows, per draw."""
    return [sweep_at_3000(seed).disk_kb[_smallest_within(sweep_at_3000(seed), budget_points)]
            for seed in ledger.SEEDS]


# --- Erasure, pandera, the bandwidth bound ---------------------------------------------------

IDENTIFIER = [*FEATURES, "source"]


@lru_cache(maxsize=None)
def erasure_of_a_corrected_customer(seed):
    """(plan on the identifier, plan on the whole row) for row 1 of day 12, whose label the audit
    corrected, over the chapter's two versions."""
    days, later = daily_tables(seed)
    versions = {"v1": days, "v2": later}
    customer = days["day-12"].iloc[[1]]
    return (plan_erasure(versions, customer, on=IDENTIFIER),
            plan_erasure(versions, customer, on=list(customer.columns)))


def three_versions_erasure():
    """Self-check 6: day 3 re-labelled once; v1 lists the original, v2 and v3 the corrected."""
    days = {f"day-{d}": make_churn_data(100, seed=700 + d) for d in range(1, 5)}
    corrected = days["day-3"].copy()
    corrected.loc[:4, LABEL] = 1 - corrected.loc[:4, LABEL]
    v2 = {**days, "day-3": corrected}
    v3 = {**v2, "day-5": make_churn_data(100, seed=705)}
    return plan_erasure({"v1": days, "v2": v2, "v3": v3}, days["day-3"].iloc[[2]],
                        on=IDENTIFIER)


def hand_and_pandera_failures(seed):
    """The rules each implementation rejects the chapter's corrupted batch on."""
    good = make_churn_data(n_rows=1_000, seed=3 + seed)
    bad = make_corrupted_batch(good, seed=seed)
    by_hand = tuple(sorted(r.rule for r in run_data_tests(bad, make_churn_spec())
                           if not r.passed))
    return by_hand, schema_failures(SCHEMA_07, bad), schema_failures(SCHEMA_07, good)


SCHEMA_07 = make_churn_schema()
FIVE_RULES = ("mean of sessions_per_week", "missing values in tenure_months", "range of age",
              "type of tenure_months", "values of plan")


def token_bounds():
    """The chapter's table: ms per token of 7e9 parameters, by format and bandwidth."""
    return {(bits, bandwidth): weights_read_time_ms(7e9, bits / 8, bandwidth)
            for bits in (16, 4) for bandwidth in (100, 1_000)}

# --- Self-check 4 ----------------------------------------------------------------------------

B, C, N = 70, 58, 4_000

CLAIMS = [
    # Section 1
    Claim("rebuilt-byte-for-byte", CHAPTER,
          words="The rebuilt model is byte for byte the model we shipped.",
          derive=lambda seed: rebuild(seed)[0], holds=bool, seed=0),
    Claim("record-without-data-hash-matches-both", CHAPTER,
          words='"code churn-1.0 with C = 1.0" matches *both* tables in the store',
          derive=lambda seed: rebuild(seed)[1:], holds=lambda counts: counts == (2, 2), seed=0),
    Claim("manifest-180-times-smaller", CHAPTER,
          words="The manifest is about 180 times smaller than the data",
          derive=lambda seed: daily_versions(seed)[1] / daily_versions(seed)[0].size_bytes,
          holds=lambda ratio: 160 <= ratio <= 200, seed=0),
    Claim("manifest-size-by-partitions", CHAPTER,
          words="its size depends on the number of partitions, not on their size",
          derive=manifest_size_grows_with_partitions_not_rows, holds=bool),
    Claim("two-partitions-new", CHAPTER,
          words="Two partitions are new: day 31, and the corrected day 12",
          derive=lambda seed: daily_versions(seed)[2],
          holds=lambda diff: diff["added"] == ("day-31",) and diff["changed"] == ("day-12",)
          and not diff["removed"], seed=0),
    Claim("other-29-shared", CHAPTER,
          words="The other 29 partitions belong to both versions",
          derive=lambda seed: len(daily_versions(seed)[2]["unchanged"]),
          holds=lambda n: n == 29, seed=0),
    Claim("few-dozen-bytes-per-partition", CHAPTER,
          words="a manifest of a few dozen bytes per partition",
          derive=manifest_bytes_per_partition, holds=lambda size: 24 <= size < 100, seed=0),
    Claim("5-tb-in-kilobytes", CHAPTER,
          words="A version of 5 TB is named and stored in kilobytes.",
          derive=lambda seed: 5e12 / 50e9 * manifest_bytes_per_partition(seed) / 1e3,
          holds=lambda kb: 1 <= kb < 1_000, seed=0),
    # Section 2
    Claim("at-most-1-percent-missing", CHAPTER,
          words="at most 1% missing values per column",
          derive=lambda: make_churn_spec().max_missing_rate, holds=lambda rate: rate == 0.01),
    Claim("only-missing-tenures-crash", CHAPTER,
          words="Only the missing tenures would crash the fit",
          derive=corruptions_that_crash_the_fit, holds=lambda crashed: crashed == {"missing"}),
    Claim("pro-scored-as-no-plan", CHAPTER,
          words="so every pro customer would silently be scored as if on no plan at all",
          derive=pro_is_scored_as_no_plan, holds=lambda row: row == [[0.0, 0.0, 0.0]]),
    # Section 3
    Claim("partner-mislabels-80-percent", CHAPTER,
          words="it records 80% of its churners as having stayed",
          derive=partner_mislabelled_share, holds=lambda share: 0.75 <= share <= 0.85, seed=0),
    Claim("40-replicates-and-1-96", CHAPTER,
          words="repeats the whole experiment on 40 bootstrap replicates",
          derive=lambda: (chapter_values(0).n_bootstrap,
                          chapter_values(0).noise_band / chapter_values(0).standard_error),
          holds=lambda found: found[0] == 40 and np.allclose(found[1], 1.96) and NOISE_Z == 1.96),
    Claim("partner-harms-good-sources-help", CHAPTER,
          words="Here, dropping the partner raises accuracy by more than its band, and dropping "
                "either good source lowers it by more than its band.",
          derive=lambda seed: (chapter_values(seed).harmful.tolist(),
                               chapter_values(seed).helpful.tolist()),
          holds=lambda verdicts: verdicts == ([False, True, False], [True, False, True]),
          seed=0, spread=(18, 18)),
    Claim("bands-over-a-point", CHAPTER,
          words="Why are these bands more than a point wide",
          derive=lambda seed: chapter_values(seed).noise_band.min(),
          holds=lambda band: band > 0.01, seed=0),
    Claim("one-accuracy-se-0-7", CHAPTER,
          words="4,000 validation rows pin a single accuracy down to about ±0.7 points",
          derive=lambda seed: paired_and_bootstrap_se(seed)[2],
          holds=lambda se: 0.0065 <= se <= 0.0075, seed=0),
    Claim("paired-se-below-0-7", CHAPTER,
          words="Each paired standard error is below 0.7 points",
          derive=lambda seed: paired_and_bootstrap_se(seed),
          holds=lambda found: bool(np.all(found[0] < found[2])), seed=0),
    Claim("bootstrap-se-above-paired", CHAPTER,
          words="each bootstrap standard error is larger than its paired one",
          derive=lambda seed: paired_and_bootstrap_se(seed),
          holds=lambda found: bool(np.all(found[1] > found[0])), seed=0),
    Claim("paired-only-flags-4-of-20", CHAPTER,
          words="a gain beyond 1.96 paired standard errors calls some source harmful in 4 of 20 "
                "seeds of the data",
          derive=paired_only_flags_a_clean_source, holds=bool, seed=0, spread=(4, 4)),
    Claim("bootstrap-flags-1-of-20", CHAPTER,
          words="the bootstrap band in 1 of 20",
          # The words count seeds, so the notebook's seed need not be the one flagged.
          derive=lambda seed: bool(_slice_values(0.0, 0.3, seed).harmful.any()),
          holds=lambda flagged: flagged in (True, False), robust=bool, seed=0, spread=(1, 1)),
    Claim("18-figures-164-models", CHAPTER,
          words="each of the 18 figures retrains 164 models",
          derive=lambda: (len(GRID_NOISE) * len(GRID_SHARE),
                          (chapter_values(0).n_bootstrap + 1) * (len(chapter_values(0).slices)
                                                                 + 1)),
          holds=lambda found: found == (18, 164)),
    Claim("clean-labels-no-hatched-bar", CHAPTER,
          words="With clean labels and the partner's 30% share, no bar is hatched",
          derive=lambda seed: bool(_slice_values(0.0, 0.3, seed).harmful.any()),
          holds=lambda any_harmful: not any_harmful, seed=0),
    Claim("60-percent-clears-in-12-of-20", CHAPTER,
          words="the partner clears its band in 12 of 20 with 60% of its churners mislabelled",
          derive=partner_verdict(0.6), holds=bool, seed=0, spread=(12, 12)),
    Claim("80-percent-clears-in-18-of-20", CHAPTER,
          words="and in 18 of 20 with 80%",
          derive=partner_verdict(0.8), holds=bool, seed=0, spread=(18, 18)),
    # Section 4
    Claim("largest-1400-times-smallest", CHAPTER,
          words="will be about 1,400 times the smallest on disk",
          derive=lambda: sweep_table()["disk_kb"].max() / sweep_table()["disk_kb"].min(),
          holds=lambda ratio: 1_300 <= ratio <= 1_500),
    Claim("accuracy-flattens-near-80", CHAPTER,
          words="Accuracy climbs quickly, then flattens near 80%",
          derive=sweep_table,
          holds=lambda t: 0.78 <= t["accuracy"].max() <= 0.82
          and t[(t["depth"] >= 4) & (t["trees"] >= 16)]["accuracy"].between(0.78, 0.82).all()),
    Claim("size-in-proportion-to-trees", CHAPTER,
          words="size keeps growing in proportion to the number of trees",
          derive=lambda: [(t[t["trees"] == 64]["disk_kb"].iloc[0]
                           / t[t["trees"] == 32]["disk_kb"].iloc[0])
                          for _, t in sweep_table().groupby("depth")],
          holds=lambda ratios: all(1.8 <= r <= 2.1 for r in ratios)),
    Claim("several-fold-deeper", CHAPTER,
          words="several-fold as trees get deeper",
          derive=lambda: np.diff(np.log(sweep_table().query("trees == 64")["disk_kb"])),
          holds=lambda steps: bool(np.all(np.exp(steps) >= 2))),
    Claim("last-point-costs-a-megabyte", CHAPTER,
          words="The last point of accuracy costs more than a megabyte.",
          derive=sweep_table,
          holds=lambda t: t.loc[t["accuracy"].idxmax(), "disk_kb"]
          - t[t["accuracy"] >= t["accuracy"].max() - 0.01]["disk_kb"].min() > 1_000),
    Claim("depth-16-worse-than-8", CHAPTER,
          words="Depth 16 is even *worse* than depth 8 at equal size",
          derive=depth_16_is_dominated, holds=bool),
    Claim("80-bytes-a-node", CHAPTER,
          words="keeps each node in 80 bytes: 64 for the node itself",
          derive=lambda: (node_bytes(), sweep_table()),
          holds=lambda found: found[0] == (64, 16)
          and np.allclose(found[1]["memory_kb"] * 1000, 80 * found[1]["nodes"])),
    Claim("7b-in-16-bit-14-gb", CHAPTER,
          words="A language model of 7 billion parameters needs 14 GB in 16-bit floats",
          derive=lambda: 7e9 * 2 / 1e9, holds=lambda gb: gb == 14),
    Claim("takeaway-7b-14-gb", CHAPTER,
          words="(7 billion in 16-bit floats: 14 GB)",
          derive=lambda: 7e9 * 16 / 8 / 1e9, holds=lambda gb: gb == 14),
    Claim("larger-forest-slower", CHAPTER,
          words="the larger forest is slower at the median, and each p99 is at least its p50",
          derive=measured_latencies,
          holds=lambda p: p[64][50] > p[1][50] and all(q[50] <= q[99] for q in p.values())),
    Claim("tens-of-kb-within-a-point", CHAPTER,
          words="A forest of tens of kilobytes within a point of the best",
          derive=sweep_table,
          holds=lambda t: bool((t["disk_kb"].between(10, 100)
                                & (t["accuracy"] >= t["accuracy"].max() - 0.01)).any())),
    # Section 4, the capacity explorer
    Claim("depth-caps-depth-2-at-4-leaves", CHAPTER,
          words="depth caps a tree of depth 2 at 4 leaves",
          derive=lambda: [capacity_sweep(n).n_nodes[capacity_sweep(n).row(2, 64)]
                          for n in (300, 3_000)],
          holds=lambda nodes: all(n <= 64 * 7 for n in nodes)),
    Claim("depth-16-grows-twentyfold", CHAPTER,
          words="From 300 to 10,000 rows the forest of 64 trees of depth 16 grows more than "
                "twentyfold, past 14 MB",
          derive=growth_with_rows,
          holds=lambda kb: kb[10_000][16] / kb[300][16] > 20 and kb[10_000][16] > 14_000,
          seed=0),
    Claim("depth-2-stays-57-kb", CHAPTER,
          words="while the depth-2 forest stays at about 57 kB",
          derive=growth_with_rows,
          holds=lambda kb: all(54 <= kb[n][2] <= 60 for n in (300, 10_000))
          and abs(kb[10_000][2] - kb[300][2]) < 3, seed=0),
    Claim("one-accuracy-0-7-at-3000", CHAPTER,
          words="one accuracy on 3,000 test rows is known only to about ±0.7 points",
          derive=lambda seed: 100 * math.sqrt(sweep_at_3000(seed).accuracy.max()
                                              * (1 - sweep_at_3000(seed).accuracy.max()) / 3_000),
          holds=lambda se: 0.65 <= se <= 0.76, seed=0),
    Claim("half-point-choice-25-to-700-kb", CHAPTER,
          words="the forest chosen within half a point of the best ranges from about 25 kB to "
                "about 700 kB",
          derive=lambda: chosen_kb_over_draws(0.5),
          holds=lambda kb: 20 <= min(kb) <= 30 and 650 <= max(kb) <= 750),
    Claim("two-points-choice-under-50-kb", CHAPTER,
          words="while the one chosen within 2 points stays under 50 kB",
          derive=lambda: chosen_kb_over_draws(2.0), holds=lambda kb: max(kb) < 50),
    # Predictions and self-checks (the strings of predict and self_check cells)
    Claim("prediction-equal-hashes", CHAPTER,
          words="v1 and its shuffled copy share a hash, since the lines are sorted before "
                "hashing; v2, with 1,000 more rows, has another.",
          derive=hashes_of_three_tables, holds=lambda equal: equal == (True, False)),
    Claim("prediction-27-decisions", CHAPTER,
          words="27 of 2,000 decisions (1.4%) change, with no line of code changed.",
          derive=decisions_that_change, holds=lambda n: n == 27,
          robust=lambda n: 0 < n < 200, seed=0),
    Claim("prediction-two-partitions-to-add", CHAPTER,
          words="2: day 31 and the corrected day 12, stored beside the original day 12",
          derive=lambda seed: daily_versions(seed)[2],
          holds=lambda diff: diff["added"] == ("day-31",) and diff["changed"] == ("day-12",),
          seed=0),
    Claim("prediction-other-29-days", CHAPTER,
          words="the other 29 days are stored once for both versions",
          derive=lambda seed: len(daily_versions(seed)[2]["unchanged"]),
          holds=lambda n: n == 29, seed=0),
    Claim("prediction-both-copies-hold-the-customer", CHAPTER,
          words="2: both stored copies of day 12 hold the customer. Matched on the whole row, "
                "the corrected copy, whose label differs, would keep them in version 2.",
          derive=erasure_of_a_corrected_customer,
          holds=lambda plans: len(plans[0].rewritten) == 2
          and plans[1].repointed == ("v1",), seed=0),
    Claim("prediction-only-missing-tenures-crash", CHAPTER,
          words="Only the missing tenures crash the fit; ages in months, sessions per month and "
                "the unknown Pro all train without a word.",
          derive=corruptions_that_crash_the_fit, holds=lambda crashed: crashed == {"missing"}),
    Claim("prediction-same-five-rules", CHAPTER,
          words="both reject the corrupted batch on the same five rules",
          derive=hand_and_pandera_failures,
          holds=lambda found: found[0] == found[1] == FIVE_RULES,
          robust=lambda found: found[0] == found[1], seed=0),
    Claim("prediction-partner-3-1-points", CHAPTER,
          words="Yes: without the partner, accuracy rises 3.1 points, beyond its band of ±1.8, "
                "while dropping either good source costs accuracy.",
          derive=chapter_values,
          holds=lambda v: round(-100 * v.value[1], 1) == 3.1
          and round(100 * v.noise_band[1], 1) == 1.8 and v.harmful.tolist() == [False, True, False]
          and v.helpful.tolist() == [True, False, True],
          robust=lambda v: v.harmful.tolist() == [False, True, False]
          and v.helpful.tolist() == [True, False, True], seed=0, spread=(18, 18)),
    Claim("prediction-13-5-points", CHAPTER,
          words="13.5 points (79.8% against 66.3%)",
          derive=sweep_table,
          holds=lambda t: [round(100 * t.loc[t["disk_kb"].idxmax(), "accuracy"], 1),
                           round(100 * t.loc[t["disk_kb"].idxmin(), "accuracy"], 1)]
          == [79.8, 66.3]),
    Claim("prediction-hundredth-within-a-point", CHAPTER,
          words="forests a hundredth of its size come within a point of it",
          derive=sweep_table,
          holds=lambda t: bool(((t["disk_kb"] <= t["disk_kb"].max() / 100)
                                & (t["accuracy"] >= t.loc[t["disk_kb"].idxmax(), "accuracy"]
                                   - 0.01)).any())),
    Claim("prediction-depth-16-twentyfold", CHAPTER,
          words="the depth-16 forest grows more than twentyfold from 300 to 10,000 rows",
          derive=growth_with_rows, holds=lambda kb: kb[10_000][16] / kb[300][16] > 20, seed=0),
    Claim("self-check-choice-25-to-700-kb", CHAPTER,
          words="over 20 draws of the data the chosen forest ranged from about 25 kB to about "
                "700 kB",
          derive=lambda: chosen_kb_over_draws(0.5),
          holds=lambda kb: 20 <= min(kb) <= 30 and 650 <= max(kb) <= 750),
    Claim("self-check-one-accuracy-3000-rows", CHAPTER,
          words="one accuracy on 3,000 rows is known only to about ±0.7 points",
          derive=lambda seed: 100 * math.sqrt(sweep_at_3000(seed).accuracy.max()
                                              * (1 - sweep_at_3000(seed).accuracy.max()) / 3_000),
          holds=lambda se: 0.65 <= se <= 0.76, seed=0),
    # Self-check 4
    Claim("self-check-gain-0-3", CHAPTER,
          words="raises accuracy on 4,000 validation rows by 0.3 points",
          derive=lambda: 100 * (B - C) / N, holds=lambda gain: gain == 0.3),
    Claim("self-check-paired-se", CHAPTER,
          words="√(b + c − (b − c)²/n)/n = √(128 − 144/4000)/4000 ≈ 0.28 points",
          derive=lambda: (B + C, (B - C) ** 2, 100 * paired_standard_error(B, C, N)),
          holds=lambda found: found[:2] == (128, 144) and round(found[2], 2) == 0.28),
    Claim("self-check-one-se", CHAPTER,
          words="A gain of 0.3 points is about one standard error, inside a 95% band of ±0.55 "
                "points",
          derive=lambda: (0.003 / paired_standard_error(B, C, N),
                          100 * NOISE_Z * paired_standard_error(B, C, N)),
          holds=lambda found: 0.9 <= found[0] <= 1.2 and round(found[1], 2) == 0.55),
    Claim("self-check-close-to-sqrt", CHAPTER,
          words="close to √(b + c)/n",
          derive=lambda: paired_standard_error(B, C, N) / (math.sqrt(B + C) / N),
          holds=lambda ratio: 0.99 <= ratio <= 1.0),
    Claim("self-check-one-accuracy-0-7", CHAPTER,
          words="The standard error of one accuracy (about 0.7 points at 4,000 rows)",
          derive=lambda: [100 * math.sqrt(p * (1 - p) / N) for p in (0.65, 0.726, 0.8)],
          holds=lambda ses: all(0.6 <= se <= 0.76 for se in ses)),
    # Solution
    Claim("solution-manifest-15-kb", SOLUTION,
          words="with 200 partitions of 200 GB the manifest is about 15 kB",
          derive=lambda: (40e12 / 200e9, [m.size_bytes / len(m.partitions)
                                          for m in checks.manifests()]),
          holds=lambda found: found[0] == 200
          and all(14.5 <= found[0] * size / 1e3 <= 15.5 for size in found[1])),
    Claim("solution-three-partitions", SOLUTION,
          words="Today's version adds three partitions to the store: the two new days and the "
                "corrected day 17.",
          derive=lambda: diff_manifests(*checks.manifests()),
          holds=lambda diff: diff["added"] == ("day-31", "day-32")
          and diff["changed"] == ("day-17",)),
    Claim("solution-28-shared", SOLUTION,
          words="The 28 unchanged days are shared with last month's version",
          derive=lambda: diff_manifests(*checks.manifests()),
          holds=lambda diff: len(diff["unchanged"]) == 28 and diff["removed"] == ("day-01",)),
    Claim("solution-weights-5-4-and-2-7", SOLUTION,
          words="The 2.7 billion weights take 5.4 GB in 16-bit floats and 2.7 GB in 8-bit "
                "integers",
          derive=lambda: [checks._weights_gb(2.7e9, bits) for bits in (16, 8)],
          holds=lambda sizes: np.allclose(sizes, [5.4, 2.7])),
    Claim("solution-int8-most-precise-that-fits", SOLUTION,
          words="8-bit integers are the most precise format that fits in 3 GB. 4-bit integers "
                "fit too",
          derive=lambda: [name for name, bits in checks.FORMAT_BITS.items()
                          if checks._weights_gb(checks.DEVICE_TASK["n_parameters"], bits)
                          <= checks.DEVICE_TASK["free_gb"]],
          holds=lambda fitting: fitting == ["int8", "int4"]
          and checks.DEVICE_TASK == {"n_parameters": 2.7e9, "free_gb": 3.0}),
    Claim("solution-vendor-gain-within-band", SOLUTION,
          words="Dropping the vendor's tickets raises routing accuracy by 0.94 points on average, "
                "but its noise band (±1.20) is wider than the gain, and some replicates favour the "
                "vendor",
          derive=lambda: checks.vendor_gains().to_numpy(),
          holds=lambda g: round(g.mean(), 2) == 0.94 and round(1.96 * g.std(ddof=1), 2) == 1.20
          and (g < 0).sum() > 0),
    Claim("solution-sem-band-too-narrow", SOLUTION,
          words="A band of 1.96 standard errors of the mean (±0.22) would have called the gain "
                "real",
          derive=lambda: checks.vendor_gains().to_numpy(),
          holds=lambda g: round(1.96 * g.std(ddof=1) / math.sqrt(len(g)), 2) == 0.22
          and g.mean() > 1.96 * g.std(ddof=1) / math.sqrt(len(g))),
    # Erasure
    Claim("erasure-both-day-12-copies", CHAPTER,
          words="both hold the customer: both are rewritten, nearly 1,000 rows written again to "
                "remove 2, and both versions get new hashes",
          derive=lambda seed: erasure_of_a_corrected_customer(seed)[0],
          holds=lambda plan: len(plan.rewritten) == 2 and plan.rows_removed == 2
          and plan.rows_rewritten == 998 and plan.repointed == ("v1", "v2"), seed=0),
    Claim("erasure-whole-row-misses-a-copy", CHAPTER,
          words="the erasure would rewrite 1 partition and leave the customer in version 2",
          derive=lambda seed: erasure_of_a_corrected_customer(seed)[1],
          holds=lambda plan: len(plan.rewritten) == 1 and plan.repointed == ("v1",), seed=0),
    Claim("self-check-erasure-three-versions", CHAPTER,
          words="Two partitions: the original and the corrected day 3",
          derive=three_versions_erasure,
          holds=lambda plan: len(plan.rewritten) == 2 and plan.repointed == ("v1", "v2", "v3")),
    # pandera
    Claim("pandera-same-five-rules", CHAPTER,
          words="Both reject the batch on the same five rules: the type and the missing values "
                "of the tenures, the range of age, the values of plan, and the mean of sessions.",
          derive=hand_and_pandera_failures,
          holds=lambda found: found[0] == found[1] == FIVE_RULES and found[2] == (),
          robust=lambda found: found[0] == found[1] and found[2] == (), seed=0),
    # The bandwidth bound
    Claim("14-ms-71-tokens", CHAPTER,
          words="At 1,000 GB/s a 7-billion-parameter model in 16-bit floats needs at least 14 ms "
                "per token, so it generates at most about 71 tokens a second",
          derive=token_bounds,
          holds=lambda t: math.isclose(t[16, 1_000], 14) and round(1e3 / t[16, 1_000]) == 71),
    Claim("laptop-140-ms", CHAPTER,
          words="on the laptop, at least 140 ms",
          derive=token_bounds, holds=lambda t: math.isclose(t[16, 100], 140)),
    Claim("4-bit-four-fold", CHAPTER,
          words="Quantising to 4 bits cuts the bound four-fold",
          derive=token_bounds,
          holds=lambda t: all(math.isclose(t[16, b] / t[4, b], 4) for b in (100, 1_000))),
    Claim("takeaway-14-ms", CHAPTER,
          words="(14 GB at 1,000 GB/s: at least 14 ms)",
          derive=lambda: weights_read_time_ms(7e9, 2, 1_000), holds=lambda ms: math.isclose(ms, 14)),
    Claim("self-check-13b-13-ms", CHAPTER,
          words="The weights take 13e9 × 2 = 26 GB; reading them once takes at least 26 GB / "
                "2,000 GB/s = 13 ms, so at most about 77 tokens a second",
          derive=lambda: weights_read_time_ms(13e9, 2, 2_000),
          holds=lambda ms: math.isclose(ms, 13) and round(1e3 / ms) == 77),
    Claim("solution-devices-bound", SOLUTION,
          words="The 13 GB of weights take at least 13 GB / 360 GB/s = 36 ms per token on the "
                "desktop GPU, under the 40 ms that 25 tokens a second allow; the console (22 ms) "
                "and the accelerator (6.5 ms) pass too, while the laptop (130 ms) and the phone "
                "(260 ms) cannot",
          derive=lambda: ({name: checks._ms_per_token(13e9, 8, bw)
                           for name, bw in checks.DEVICES.items()}, checks._possible_devices()),
          holds=lambda found: [round(found[0][n], 1) for n in
                               ("desktop GPU", "console", "accelerator", "laptop", "phone")]
          == [36.1, 21.7, 6.5, 130.0, 260.0]
          and found[1] == {"desktop GPU", "console", "accelerator"}
          and checks.STREAM_TASK == {"n_parameters": 13e9, "bits_per_parameter": 8,
                                     "tokens_per_s": 25}),
]

test_claim = ledger.tests(CLAIMS)


def test_the_ledger_reads_the_notebooks_parameters():
    """The ledger's grid and validation size are the chapter's (a drift would void the claims)."""
    import nbformat

    cells = nbformat.read(ledger.ROOT / CHAPTER, as_version=4).cells
    source = "\n".join(cell.source for cell in cells if cell.cell_type == "code")
    assert '"partner_label_noise": [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]' in source
    assert '"partner_share": [0.1, 0.3, 0.5]' in source
    assert "validation = make_churn_data(n_rows=4_000, seed=1_000)" in source
    assert '{"n_train": [300, 1_000, 3_000, 10_000],' in source
    assert '"budget_points": [0.5, 1.0, 2.0, 5.0]},' in source
    assert 'fixed={"device_kb": 100.0},' in source

