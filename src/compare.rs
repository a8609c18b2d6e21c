//! Comparing variants of a scenario with common random numbers.
//!
//! Run i of every variant uses the same random stream (seed, i), so the
//! variants meet the same luck and the differences come from the rule, not
//! chance. Everything is folded online, in run order, so memory does not
//! grow with the number of runs (except 8 bytes per run per variant for the
//! survival curve) and results do not depend on the thread count.

use rayon::prelude::*;

use crate::batch::Aggregates;
use crate::engine::{RoundRecord, RunSummary, Simulation};
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
pub const MEASURES: [Measure; 16] = [
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
}

/// What one variant produced, aggregated.
#[derive(Debug, Clone)]
pub struct ArmStats {
    pub name: String,
    pub settings: Vec<(String, String)>,
    pub runs: u64,
    pub successes: u64,
    /// One Welford per entry of [`MEASURES`].
    pub measures: Vec<Welford>,
    /// Per-round statistics and the survival table, as a batch keeps them.
    pub agg: Aggregates,
}

/// A variant against the baseline on one measure.
#[derive(Debug, Clone, Copy)]
pub struct PairedStats {
    /// Per-run differences variant − baseline.
    pub diff: Welford,
    /// Runs where only the baseline / only the variant succeeded (binary
    /// measures).
    pub baseline_only: u64,
    pub variant_only: u64,
}

impl PairedStats {
    /// The paired difference with an interval at `level` (0.95, 0.99, ...):
    /// McNemar-type Wald for yes/no measures, Student t of the differences
    /// otherwise.
    pub fn interval(&self, m: &Measure, level: f64) -> Diff {
        if m.binary {
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
    /// `paired[v][m]`: arm v against arm 0 on measure m (arm 0 against
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
    /// Runs simulated in parallel before being folded in order.
    pub chunk: u64,
}

/// One simulated run: its summary and its rounds.
struct RunOut {
    summary: RunSummary,
    rounds: Vec<RoundRecord>,
}

fn simulate(s: &Scenario, seed: u64, run: u64) -> RunOut {
    let mut sim = Simulation::new(s, seed, run);
    // Grows with the rounds actually run: reserving `max_rounds` for every
    // run of a chunk cost gigabytes when max_rounds was large.
    let mut rounds = Vec::new();
    while sim.outcome.is_none() {
        sim.step();
        rounds.push(sim.record());
    }
    RunOut {
        summary: sim.summary(),
        rounds,
    }
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
    match compare_until(arms, cfg, on_run, keep_going) {
        Some(c) => c,
        None => unreachable!("a comparison that is never cancelled completes"),
    }
}

/// [`compare`] that stops early when `progress(done)` returns false (after
/// any chunk): `None` then. `coalsim serve` cancels a comparison this way
/// when the browser tab that asked for it goes away.
pub fn compare_until(
    arms: &[Arm],
    cfg: &CompareConfig,
    mut on_run: impl FnMut(u64, usize, &RunSummary),
    progress: impl Fn(u64) -> bool,
) -> Option<Comparison> {
    let mut out = Comparison {
        arms: arms
            .iter()
            .map(|a| ArmStats {
                name: a.name.clone(),
                settings: a.settings.clone(),
                runs: 0,
                successes: 0,
                measures: vec![Welford::new(); MEASURES.len()],
                agg: Aggregates::new(a.scenario.max_rounds),
            })
            .collect(),
        paired: vec![
            vec![
                PairedStats {
                    diff: Welford::new(),
                    baseline_only: 0,
                    variant_only: 0
                };
                MEASURES.len()
            ];
            arms.len()
        ],
        runs: cfg.runs,
        seed: cfg.seed,
    };
    let chunk = cfg.chunk.max(1);
    let mut start = 0u64;
    while start < cfg.runs {
        let end = (start + chunk).min(cfg.runs);
        let results: Vec<Vec<RunOut>> = (start..end)
            .into_par_iter()
            .map(|run| {
                arms.iter()
                    .map(|a| simulate(&a.scenario, cfg.seed, run))
                    .collect()
            })
            .collect();
        for (offset, per_arm) in results.iter().enumerate() {
            let run = start + offset as u64;
            for (a, r) in per_arm.iter().enumerate() {
                fold(&mut out.arms[a], r);
                on_run(run, a, &r.summary);
                for (m, measure) in MEASURES.iter().enumerate() {
                    let base = (measure.get)(&per_arm[0].summary);
                    let this = (measure.get)(&r.summary);
                    let p = &mut out.paired[a][m];
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
        }
        start = end;
        if !progress(start) {
            return None;
        }
    }
    Some(out)
}

fn fold(arm: &mut ArmStats, r: &RunOut) {
    let s = &r.summary;
    arm.runs += 1;
    arm.successes += s.success as u64;
    for (w, m) in arm.measures.iter_mut().zip(MEASURES.iter()) {
        w.push((m.get)(s));
    }
    for rec in &r.rounds {
        arm.agg.push_round(rec);
    }
    arm.agg.push_run(s);
}

impl ArmStats {
    /// Success probability with its Wilson interval at `level`.
    pub fn success(&self, level: f64) -> Diff {
        let z = stats::normal_quantile(0.5 + level / 2.0);
        let (lo, hi) = stats::wilson_interval(self.successes, self.runs, z);
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
