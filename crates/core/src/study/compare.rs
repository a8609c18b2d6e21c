//! Comparing variants of a scenario with common random numbers.
//!
//! Run i of every variant uses the same random stream (seed, i), so the
//! variants meet the same luck and the differences come from the rule, not
//! chance. Runs are folded online in fixed blocks of run indices, in run
//! order ([`compare_range`]), so memory does not grow with the number of
//! runs, results do not depend on the thread count, and the shards of a
//! comparison merge bit for bit.

use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::study::batch::Aggregates;
use serde::{Deserialize, Serialize};

use crate::engine::{RunSummary, Simulation};
use crate::scenario::Scenario;
use crate::stats::{self, Diff, Welford};

/// A per-run outcome measure that variants are compared on.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    /// snake_case name used in CSV files and by `--measure`.
    pub name: &'static str,
    /// Plain-language name.
    pub label: &'static str,
    /// Unit, for tables and axes.
    pub unit: &'static str,
    pub get: fn(&RunSummary) -> f64,
    /// A yes/no outcome (compared as a paired difference of proportions).
    pub binary: bool,
}

/// Voluntary exits of one run: members who chose to leave because their
/// commitment fell below the exit threshold — the exits step 4 of the exit
/// phase decides (docs/model.md, "Exits and removals"), for low trust, low
/// alignment, low efficacy, overload, a hidden objection or resentment at
/// being outvoted. Burnout,
/// removal, misfits and the founder's departure are other exit steps and
/// are not counted. The one definition of `voluntary_exits` in every
/// output (variants.csv, comparison.csv).
pub fn voluntary_exits(s: &RunSummary) -> f64 {
    (s.exits_low_trust
        + s.exits_low_alignment
        + s.exits_low_efficacy
        + s.exits_overload
        + s.exits_hidden_objection
        + s.exits_outvoted) as f64
}

/// The measures, in table order. The first is success (the goal's
/// cumulative incidence at the round limit); `sunset`, `dissolved` and
/// `still_going` are the other endings' cumulative incidence at the round
/// limit, so a comparison of variants compares every ending.
pub const MEASURES: [Measure; 20] = [
    Measure {
        name: "success",
        label: "success probability",
        unit: "share of runs",
        get: |s| s.success as u8 as f64,
        binary: true,
    },
    Measure {
        name: "sunset",
        label: "share that closed with a sunset",
        unit: "share of runs",
        get: |s| (s.outcome == "sunset") as u8 as f64,
        binary: true,
    },
    Measure {
        name: "dissolved",
        label: "share that fell apart",
        unit: "share of runs",
        get: |s| (s.outcome == "dissolved") as u8 as f64,
        binary: true,
    },
    Measure {
        name: "still_going",
        label: "share still going at the round limit",
        unit: "share of runs",
        get: |s| (s.outcome == "round_limit") as u8 as f64,
        binary: true,
    },
    Measure {
        name: "rounds",
        label: "lifetime",
        unit: "rounds",
        get: |s| s.rounds as f64,
        binary: false,
    },
    Measure {
        name: "hours_per_member_month",
        label: "hours per member per month",
        unit: "hours",
        get: |s| s.hours_per_member_month,
        binary: false,
    },
    Measure {
        name: "value_over_alone",
        label: "value over acting alone",
        unit: "goal = 1",
        get: |s| s.value_over_alone,
        binary: false,
    },
    Measure {
        name: "progress_share",
        label: "share of the goal done",
        unit: "share",
        get: |s| s.progress_share,
        binary: false,
    },
    Measure {
        name: "total_contributions",
        label: "contributions",
        unit: "resource units",
        get: |s| s.total_contributions,
        binary: false,
    },
    Measure {
        name: "decisions_passed",
        label: "decisions passed",
        unit: "decisions",
        get: |s| s.decisions_passed as f64,
        binary: false,
    },
    Measure {
        name: "decisions_blocked",
        label: "decisions blocked",
        unit: "decisions",
        get: |s| s.decisions_blocked as f64,
        binary: false,
    },
    Measure {
        name: "negotiation_rounds",
        label: "rounds of negotiation",
        unit: "rounds",
        get: |s| s.negotiation_rounds as f64,
        binary: false,
    },
    Measure {
        name: "objection_rounds",
        label: "objection rounds",
        unit: "rounds",
        get: |s| s.objection_rounds as f64,
        binary: false,
    },
    Measure {
        name: "fallback_votes",
        label: "fallback votes",
        unit: "decisions",
        get: |s| s.fallback_votes as f64,
        binary: false,
    },
    Measure {
        name: "final_trust",
        label: "final mean trust",
        unit: "0-1",
        get: |s| s.final_trust,
        binary: false,
    },
    Measure {
        name: "peak_members",
        label: "peak members",
        unit: "members",
        get: |s| s.peak_members as f64,
        binary: false,
    },
    Measure {
        name: "final_members",
        label: "final members",
        unit: "members",
        get: |s| s.final_members as f64,
        binary: false,
    },
    Measure {
        name: "voluntary_exits",
        label: "members who chose to leave",
        unit: "members",
        get: voluntary_exits,
        binary: false,
    },
    Measure {
        name: "abrupt_exits",
        label: "abrupt exits",
        unit: "members",
        get: |s| s.abrupt_exits as f64,
        binary: false,
    },
    Measure {
        name: "welfare",
        label: "member welfare",
        unit: "share of stakes served",
        get: |s| s.welfare,
        binary: false,
    },
];

/// Looks a measure up by name.
pub fn measure(name: &str) -> Option<usize> {
    MEASURES.iter().position(|m| m.name == name)
}

/// One variant to run.
#[derive(Debug, Clone)]
pub struct Arm {
    pub name: String,
    pub scenario: Scenario,
    /// The overrides that define it, `(key, value)`.
    pub settings: Vec<(String, String)>,
    /// The arm it is compared with (paired run by run): 0, the first, but
    /// for `coalsim sweep --baseline`, which compares within each row of a
    /// grid. An arm whose baseline is itself is a baseline.
    pub baseline: usize,
}

/// What one variant produced, aggregated.
#[derive(Debug, Clone)]
pub struct ArmStats {
    pub name: String,
    pub settings: Vec<(String, String)>,
    /// As [`Arm::baseline`].
    pub baseline: usize,
    pub runs: u64,
    pub successes: u64,
    /// Runs that reached the goal with fewer than half of the most members
    /// the coalition had ([`RunSummary::split_success`]).
    pub split_successes: u64,
    /// One Welford per entry of [`MEASURES`].
    pub measures: Vec<Welford>,
    /// Per-round statistics and the survival table, as a batch keeps them.
    pub agg: Aggregates,
}

/// A variant against the baseline on one measure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedStats {
    /// Per-run differences variant − baseline.
    pub diff: Welford,
    /// Runs where only the baseline / only the variant succeeded (binary
    /// measures).
    pub baseline_only: u64,
    pub variant_only: u64,
}

impl PairedStats {
    fn new() -> PairedStats {
        PairedStats {
            diff: Welford::new(),
            baseline_only: 0,
            variant_only: 0,
        }
    }

    /// Folds `other` (later runs) into `self`.
    pub fn merge(&mut self, other: &PairedStats) {
        self.diff.merge(&other.diff);
        self.baseline_only += other.baseline_only;
        self.variant_only += other.variant_only;
    }

    /// The paired difference with an interval at `level` (0.95, 0.99, ...):
    /// McNemar-type Wald for yes/no measures, Student t of the differences
    /// otherwise.
    pub fn interval(&self, m: &Measure, level: f64) -> Diff {
        if m.binary && self.diff.count() < 2 {
            // One pair: its variance is not estimable (the Wald formula
            // would give a zero-width interval), as for the other measures.
            Diff {
                estimate: self.diff.mean(),
                lo: f64::NAN,
                hi: f64::NAN,
                n: self.diff.count() as usize,
            }
        } else if m.binary {
            let z = stats::normal_quantile(0.5 + level / 2.0);
            stats::paired_proportion_from_counts(
                self.diff.count(),
                self.baseline_only,
                self.variant_only,
                z,
            )
        } else {
            stats::mean_interval(&self.diff, level)
        }
    }
}

/// The result of a comparison.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub arms: Vec<ArmStats>,
    /// `paired[v][m]`: arm v against its baseline (`arms[v].baseline`, arm
    /// 0 unless a sweep said otherwise) on measure m (a baseline against
    /// itself is all zeros).
    pub paired: Vec<Vec<PairedStats>>,
    pub runs: u64,
    pub seed: u64,
}

/// How to run a comparison.
#[derive(Debug, Clone, Copy)]
pub struct CompareConfig {
    pub runs: u64,
    pub seed: u64,
    /// Runs simulated in parallel before being folded in order (rounded
    /// up to whole blocks of [`BLOCK`] runs, and to at least two blocks
    /// per worker thread). Results do not depend on it.
    pub chunk: u64,
}

/// Runs per block: one worker simulates a block of run indices (every arm)
/// into its own [`Partial`]; blocks are folded in run order.
pub const BLOCK: u64 = crate::study::batch::BLOCK;

/// One arm's aggregates over a set of runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmPartial {
    pub runs: u64,
    pub successes: u64,
    /// As [`ArmStats::split_successes`].
    #[serde(default)]
    pub split_successes: u64,
    /// One Welford per entry of [`MEASURES`].
    pub measures: Vec<Welford>,
    pub agg: Aggregates,
}

/// The aggregates of every arm over a set of consecutive runs: what a
/// block, a segment or a whole comparison holds. Folding the partials of
/// consecutive blocks in run order gives the comparison; the same
/// two-level fold as a batch (blocks into segments, segments into the
/// total, see [`crate::study::batch`]), so a shard's segments merge bit for bit.
/// Serialisable: a shard keeps its segments' partials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Partial {
    pub arms: Vec<ArmPartial>,
    /// `paired[v][m]`, as in [`Comparison::paired`].
    pub paired: Vec<Vec<PairedStats>>,
}

impl Partial {
    /// Nothing folded yet, for `arms`.
    pub fn new(arms: &[Arm]) -> Partial {
        Partial {
            arms: arms
                .iter()
                .map(|a| ArmPartial {
                    runs: 0,
                    successes: 0,
                    split_successes: 0,
                    measures: vec![Welford::new(); MEASURES.len()],
                    agg: Aggregates::new(a.scenario.max_rounds),
                })
                .collect(),
            paired: vec![vec![PairedStats::new(); MEASURES.len()]; arms.len()],
        }
    }

    /// Runs folded (of each arm).
    pub fn runs(&self) -> u64 {
        self.arms.first().map_or(0, |a| a.runs)
    }

    /// Folds `other` (the runs after these) into `self`.
    pub fn merge(&mut self, other: &Partial) {
        for (a, b) in self.arms.iter_mut().zip(&other.arms) {
            a.runs += b.runs;
            a.successes += b.successes;
            a.split_successes += b.split_successes;
            for (x, y) in a.measures.iter_mut().zip(&b.measures) {
                x.merge(y);
            }
            a.agg.merge(&b.agg);
        }
        for (a, b) in self.paired.iter_mut().zip(&other.paired) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
    }

    /// Whether this partial fits `arms` (a shard's segment read back).
    pub fn fits(&self, arms: &[Arm]) -> bool {
        self.arms.len() == arms.len()
            && self.paired.len() == arms.len()
            && self.arms.iter().all(|a| a.measures.len() == MEASURES.len())
            && self.paired.iter().all(|p| p.len() == MEASURES.len())
    }

    /// The comparison these aggregates describe.
    pub fn into_comparison(self, arms: &[Arm], runs: u64, seed: u64) -> Comparison {
        Comparison {
            arms: arms
                .iter()
                .zip(self.arms)
                .map(|(a, p)| ArmStats {
                    name: a.name.clone(),
                    settings: a.settings.clone(),
                    baseline: a.baseline,
                    runs: p.runs,
                    successes: p.successes,
                    split_successes: p.split_successes,
                    measures: p.measures,
                    agg: p.agg,
                })
                .collect(),
            paired: self.paired,
            runs,
            seed,
        }
    }
}

/// One block of runs, every arm, simulated sequentially.
struct BlockOut {
    first: u64,
    /// `summaries[run - first][arm]`.
    summaries: Vec<Vec<RunSummary>>,
    part: Partial,
}

/// `None` when `stop` was set meanwhile: it is read after every round, so a
/// cancelled comparison stops within a round of each run in hand.
fn simulate_block(
    arms: &[Arm],
    seed: u64,
    runs: std::ops::Range<u64>,
    stop: &AtomicBool,
) -> Option<BlockOut> {
    let mut part = Partial::new(arms);
    let first = runs.start;
    let mut summaries = Vec::with_capacity((runs.end - runs.start) as usize);
    for run in runs {
        let mut per_arm: Vec<RunSummary> = Vec::with_capacity(arms.len());
        for (a, arm) in arms.iter().enumerate() {
            let p = &mut part.arms[a];
            let mut sim = Simulation::new(&arm.scenario, seed, run);
            while sim.outcome.is_none() {
                if stop.load(Ordering::Relaxed) {
                    return None;
                }
                sim.step();
                p.agg.push_round(&sim.record());
            }
            let s = sim.summary();
            p.runs += 1;
            p.successes += s.success as u64;
            p.split_successes += s.split_success() as u64;
            for (w, m) in p.measures.iter_mut().zip(MEASURES.iter()) {
                w.push((m.get)(&s));
            }
            p.agg.push_run(&s);
            per_arm.push(s);
        }
        for (a, r) in per_arm.iter().enumerate() {
            for (m, measure) in MEASURES.iter().enumerate() {
                let base = (measure.get)(&per_arm[arms[a].baseline]);
                let this = (measure.get)(r);
                let p = &mut part.paired[a][m];
                p.diff.push(this - base);
                if measure.binary {
                    match (base > 0.5, this > 0.5) {
                        (true, false) => p.baseline_only += 1,
                        (false, true) => p.variant_only += 1,
                        _ => {}
                    }
                }
            }
        }
        summaries.push(per_arm);
    }
    Some(BlockOut {
        first,
        summaries,
        part,
    })
}

/// Runs every arm `cfg.runs` times with common random numbers, in parallel
/// on the current rayon pool, folding in run order. `on_run(run, arm,
/// summary)` sees every run in order (to stream a CSV); `progress(done)`
/// is called after each chunk.
pub fn compare(
    arms: &[Arm],
    cfg: &CompareConfig,
    on_run: impl FnMut(u64, usize, &RunSummary),
    progress: impl Fn(u64),
) -> Comparison {
    let keep_going = |done| {
        progress(done);
        true
    };
    match compare_until(arms, cfg, on_run, keep_going, &AtomicBool::new(false)) {
        Some(c) => c,
        None => unreachable!("a comparison that is never cancelled completes"),
    }
}

/// [`compare`] that stops early, `None` then: when `progress(done)` returns
/// false (after any chunk), or as soon as `stop` is set (any thread may set
/// it; every run in hand reads it after each of its rounds). `coalsim
/// serve` cancels a comparison this way when the browser tab that asked
/// for it goes away. Setting `stop` never changes a completed result.
pub fn compare_until(
    arms: &[Arm],
    cfg: &CompareConfig,
    on_run: impl FnMut(u64, usize, &RunSummary),
    progress: impl Fn(u64) -> bool,
    stop: &AtomicBool,
) -> Option<Comparison> {
    compare_range_until(arms, cfg, 0..cfg.runs, on_run, |_, _| {}, progress, stop)
}

/// Runs `runs` (a range of run indices of a `cfg.runs`-run comparison: a
/// shard's share, [`crate::study::batch::shard_range`]) of every arm. Runs are
/// simulated in blocks of [`BLOCK`] absolute run indices, a block's arms
/// by one worker; blocks are folded into segments of
/// [`crate::study::batch::segment_runs`]`(cfg.runs)` runs and segments into the
/// total, strictly in run order, so the result does not depend on the
/// thread count, and a shard's segments (handed to `on_segment(first_run,
/// partial)` in run order) fold into the very comparison one machine
/// computes. Cancelled (`None`) when `progress(done)` returns false.
pub fn compare_range(
    arms: &[Arm],
    cfg: &CompareConfig,
    runs: std::ops::Range<u64>,
    on_run: impl FnMut(u64, usize, &RunSummary),
    on_segment: impl FnMut(u64, &Partial),
    progress: impl Fn(u64) -> bool,
) -> Option<Comparison> {
    let never = AtomicBool::new(false);
    compare_range_until(arms, cfg, runs, on_run, on_segment, progress, &never)
}

/// [`compare_range`] that also stops as soon as `stop` is set
/// ([`compare_until`]).
#[allow(clippy::too_many_arguments)]
fn compare_range_until(
    arms: &[Arm],
    cfg: &CompareConfig,
    runs: std::ops::Range<u64>,
    mut on_run: impl FnMut(u64, usize, &RunSummary),
    mut on_segment: impl FnMut(u64, &Partial),
    progress: impl Fn(u64) -> bool,
    stop: &AtomicBool,
) -> Option<Comparison> {
    let seg_runs = crate::study::batch::segment_runs(cfg.runs);
    // At least two blocks per worker, so many cores are kept busy (a chunk
    // is only the unit of parallel work: the fold, hence every result,
    // does not depend on it).
    let workers = rayon::current_num_threads() as u64;
    let chunk_blocks = cfg.chunk.div_ceil(BLOCK).max(2 * workers).max(1);
    let mut total = Partial::new(arms);
    let mut segment = Partial::new(arms);
    let mut seg_first = runs.start;
    let mut start = runs.start;
    while start < runs.end {
        // The blocks of this chunk, aligned to multiples of BLOCK.
        let mut blocks = Vec::with_capacity(chunk_blocks as usize);
        let mut a = start;
        while a < runs.end && (blocks.len() as u64) < chunk_blocks {
            let b = ((a / BLOCK + 1) * BLOCK).min(runs.end);
            blocks.push(a..b);
            a = b;
        }
        let outs: Vec<BlockOut> = blocks
            .par_iter()
            .map(|r| simulate_block(arms, cfg.seed, r.clone(), stop))
            .collect::<Option<_>>()?;
        for b in outs {
            for (k, per_arm) in b.summaries.iter().enumerate() {
                for (arm, s) in per_arm.iter().enumerate() {
                    on_run(b.first + k as u64, arm, s);
                }
            }
            segment.merge(&b.part);
            let next = b.first + b.summaries.len() as u64;
            if next % seg_runs == 0 || next == runs.end {
                let seg = std::mem::replace(&mut segment, Partial::new(arms));
                on_segment(seg_first, &seg);
                total.merge(&seg);
                seg_first = next;
            }
        }
        start = a;
        if !progress(start - runs.start) {
            return None;
        }
    }
    Some(total.into_comparison(arms, cfg.runs, cfg.seed))
}

/// How much of a set of runs' success is runs that reached the goal with
/// fewer than half of the most members the coalition had
/// ([`RunSummary::split_success`](crate::engine::RunSummary::split_success);
/// docs/validation.md, "The rump"). Read out by `batch`, `sweep`, `lesson`,
/// `explore` and `charter` alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitShares {
    /// Share of the runs (0 without runs).
    pub of_runs: f64,
    /// Share of the runs that reached the goal (0 without any).
    pub of_successes: f64,
    /// Share of the runs that reached the goal otherwise: success not
    /// counting them.
    pub kept: f64,
}

impl SplitShares {
    /// Any set of runs reports them from this share of its runs on.
    pub const REPORTED: f64 = 0.05;

    pub fn of(runs: u64, successes: u64, splits: u64) -> SplitShares {
        let per = |n: u64, of: u64| n as f64 / of.max(1) as f64;
        SplitShares {
            of_runs: per(splits, runs),
            of_successes: per(splits, successes),
            kept: per(successes - splits, runs),
        }
    }

    /// Whether they are [`REPORTED`](Self::REPORTED).
    pub fn reported(&self) -> bool {
        self.of_runs >= Self::REPORTED
    }
}

impl ArmStats {
    /// Its runs reached by fewer than half ([`SplitShares`]).
    pub fn split_shares(&self) -> SplitShares {
        SplitShares::of(self.runs, self.successes, self.split_successes)
    }

    /// Success probability with its Wilson interval at `level`.
    /// From fewer than two runs the bounds are NaN: no command reports an
    /// interval from one run.
    pub fn success(&self, level: f64) -> Diff {
        let z = stats::normal_quantile(0.5 + level / 2.0);
        let (lo, hi) = if self.runs < 2 {
            (f64::NAN, f64::NAN)
        } else {
            stats::wilson_interval(self.successes, self.runs, z)
        };
        Diff {
            estimate: if self.runs > 0 {
                self.successes as f64 / self.runs as f64
            } else {
                f64::NAN
            },
            lo,
            hi,
            n: self.runs as usize,
        }
    }
}
