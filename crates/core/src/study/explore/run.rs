//! The points of a design, the scenario of every point × policy, and the
//! runs.
//!
//! Indexing (what a later `--shard` splits): the design's points are
//! numbered 0..P in the order of [`Plan::points`]; job `j = point ×
//! policies + policy` runs replications 0..runs, replication i on the random
//! stream (seed, i) whatever the point and policy (common random numbers).
//! A job's result depends on (scenario, seed, runs) alone, so any contiguous
//! range of points can run on another machine and the results concatenate.

use anyhow::Context;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::design::{
    DesignError, Morris, Saltelli, SaltelliPart, latin_hypercube, scrambled_sobol,
};
use super::{Policy, Uncertainty};
use crate::engine::{RunSummary, Simulation};
use crate::scenario::{Scenario, ScenarioFile, value_text};

/// The random stream of the design and of the bootstrap (replications use
/// streams 0..runs, far below).
pub const DESIGN_STREAM: u64 = 1 << 63;
/// Stream of the bootstrap resampling.
pub const BOOTSTRAP_STREAM: u64 = (1 << 63) + 1;

/// Which design to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// Latin hypercube: `samples` points, one per stratum of every input.
    Lhs,
    /// Scrambled Sobol sequence: `samples` points (a power of two balances it).
    Sobol,
    /// Saltelli's scheme for Sobol indices: `samples` base rows, samples × (k + 2) points.
    Saltelli,
    /// Morris screening: `samples` trajectories of k + 1 points.
    Morris,
}

impl DesignKind {
    pub fn name(self) -> &'static str {
        match self {
            DesignKind::Lhs => "lhs",
            DesignKind::Sobol => "sobol",
            DesignKind::Saltelli => "saltelli",
            DesignKind::Morris => "morris",
        }
    }
}

/// One point of the design.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// `lhs`, `sobol`, `A`, `B`, `AB:KEY` (Saltelli) or `morris`.
    pub matrix: String,
    /// Row of the matrix (Saltelli: base row; Morris: trajectory × (k + 1)
    /// + step).
    pub row: usize,
    /// Coordinates in [0, 1]^k.
    pub u: Vec<f64>,
}

/// The points of a design.
#[derive(Debug, Clone)]
pub struct Plan {
    pub design: DesignKind,
    pub points: Vec<Point>,
    /// Morris trajectories (which input moved where), for the effects.
    pub morris: Option<Morris>,
}

/// Levels of the Morris grid.
pub const MORRIS_LEVELS: u32 = 4;

impl Plan {
    /// The design's points for `keys.len()` uncertainties.
    pub fn new(
        design: DesignKind,
        samples: usize,
        keys: &[String],
        seed: u64,
    ) -> Result<Plan, DesignError> {
        let k = keys.len();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(DESIGN_STREAM);
        let plain = |name: &str, rows: Vec<Vec<f64>>| {
            rows.into_iter()
                .enumerate()
                .map(|(row, u)| Point {
                    matrix: name.to_string(),
                    row,
                    u,
                })
                .collect()
        };
        Ok(match design {
            DesignKind::Lhs => Plan {
                design,
                points: plain("lhs", latin_hypercube(samples, k, &mut rng)),
                morris: None,
            },
            DesignKind::Sobol => Plan {
                design,
                points: plain("sobol", scrambled_sobol(samples, k, seed)?),
                morris: None,
            },
            DesignKind::Saltelli => {
                let s = Saltelli::new(samples, k, seed)?;
                let points = s
                    .points()
                    .into_iter()
                    .map(|(part, row, u)| Point {
                        matrix: match part {
                            SaltelliPart::A => "A".into(),
                            SaltelliPart::B => "B".into(),
                            SaltelliPart::AB(i) => format!("AB:{}", keys[i]),
                        },
                        row,
                        u,
                    })
                    .collect();
                Plan {
                    design,
                    points,
                    morris: None,
                }
            }
            DesignKind::Morris => {
                let m = Morris::new(samples, k, MORRIS_LEVELS, &mut rng);
                let points = m
                    .points
                    .iter()
                    .flatten()
                    .enumerate()
                    .map(|(row, u)| Point {
                        matrix: "morris".into(),
                        row,
                        u: u.clone(),
                    })
                    .collect();
                Plan {
                    design,
                    points,
                    morris: Some(m),
                }
            }
        })
    }

    /// The points that sample the uncertainty space evenly, for robustness
    /// and PRIM: all of them, except Saltelli's AB matrices (A and B only).
    pub fn exploration_points(&self) -> Vec<usize> {
        (0..self.points.len())
            .filter(|&i| !self.points[i].matrix.starts_with("AB:"))
            .collect()
    }
}

/// Checks the uncertainties and policies one by one (so a bad key or value
/// is named like `--vary` names it), then builds the scenario of every
/// point × policy, point-major. Nothing runs before all are valid.
pub fn scenarios(
    file: &ScenarioFile,
    unc: &[Uncertainty],
    policies: &[Policy],
    plan: &Plan,
) -> anyhow::Result<Vec<Scenario>> {
    super::validate(file, unc, policies, "--uncertain", "--policy")?;
    let mut out = Vec::with_capacity(plan.points.len() * policies.len());
    for pt in &plan.points {
        let values: Vec<(String, toml::Value)> = unc
            .iter()
            .zip(&pt.u)
            .map(|(u, &x)| (u.key.clone(), u.value(x)))
            .collect();
        for p in policies {
            let mut all = values.clone();
            all.extend(p.settings.iter().cloned());
            let s = file.with_overrides("explore", &all).with_context(|| {
                format!(
                    "design point {} row {} ({}) with policy `{}` is not a valid scenario; narrow the --uncertain ranges",
                    pt.matrix,
                    pt.row,
                    values
                        .iter()
                        .map(|(k, v)| format!("{k}={}", value_text(v)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    p.name
                )
            })?;
            out.push(s);
        }
    }
    Ok(out)
}

/// Number of outcome measures ([`MEASURES`]).
pub const NM: usize = 5;

/// Where each measure is in [`MEASURES`] (and in a report's
/// `robustness[measure]`): read by name, not by a bare index.
pub const SUCCESS: usize = 0;
pub const LIFETIME: usize = 1;
pub const HOURS: usize = 2;
pub const WELFARE: usize = 3;
pub const PROGRESS: usize = 4;
const _: () = {
    // The names above point at the measures they name.
    const fn named(i: usize, name: &str) -> bool {
        let (a, b) = (MEASURES[i].name.as_bytes(), name.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut k = 0;
        while k < a.len() {
            if a[k] != b[k] {
                return false;
            }
            k += 1;
        }
        true
    }
    assert!(named(SUCCESS, "success"));
    assert!(named(LIFETIME, "lifetime"));
    assert!(named(HOURS, "hours_per_member_month"));
    assert!(named(WELFARE, "welfare"));
    assert!(named(PROGRESS, "progress"));
};

/// The outcome measures of a point × policy, each a mean over its runs.
pub const MEASURES: [MeasureDef; NM] = [
    MeasureDef {
        name: "success",
        label: "success probability",
        higher_is_better: true,
    },
    MeasureDef {
        name: "lifetime",
        label: "weeks intact",
        higher_is_better: true,
    },
    MeasureDef {
        name: "hours_per_member_month",
        label: "hours per member per month",
        higher_is_better: false,
    },
    MeasureDef {
        name: "welfare",
        label: "member welfare",
        higher_is_better: true,
    },
    MeasureDef {
        name: "progress",
        label: "progress toward the goal",
        higher_is_better: true,
    },
];

/// An outcome measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureDef {
    pub name: &'static str,
    pub label: &'static str,
    pub higher_is_better: bool,
}

/// A run's value of each of [`MEASURES`]: success (0/1); lifetime = the
/// round the coalition dissolved, or `max_rounds` when it did not (goal,
/// sunset and the round limit all leave it standing: the restricted mean
/// lifetime); maintenance hours per member per month; member welfare (the
/// stake-weighted share of decisions that served members, runs.csv's
/// `welfare`); progress toward the goal at the end (`progress_share`).
pub fn measures(s: &RunSummary, max_rounds: u32) -> [f64; NM] {
    let lifetime = if s.outcome == "dissolved" {
        s.rounds
    } else {
        max_rounds
    };
    [
        s.success as u8 as f64,
        lifetime as f64,
        s.hours_per_member_month,
        s.welfare,
        s.progress_share,
    ]
}

/// The running sums of one point × policy: the sum of each measure, and
/// which replications reached the goal (bit i of `hits` for replication i),
/// from which the paired comparison of two policies at one point is
/// counted (the same replication shares its random numbers).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Sums {
    pub sums: [f64; NM],
    pub hits: Vec<u64>,
    /// Replications that reached the goal with fewer than half of the most
    /// members the coalition had ([`RunSummary::split_success`]).
    #[serde(default)]
    pub splits: u64,
}

/// Runs every scenario `runs` times (replication i on stream (seed, i)) and
/// returns the sums of every scenario, in order. `progress` gets the number
/// of runs just finished. Output does not depend on the thread count: each
/// scenario's runs are summed in replication order.
pub fn simulate(
    scenarios: &[Scenario],
    runs: u64,
    seed: u64,
    threads: Option<usize>,
    progress: impl Fn(u64) + Sync,
) -> anyhow::Result<Vec<Sums>> {
    simulate_sums(
        scenarios,
        vec![Sums::default(); scenarios.len()],
        0..runs,
        seed,
        threads,
        progress,
    )
}

/// The means of sums over `runs` runs.
pub fn means(sums: &[Sums], runs: u64) -> Vec<[f64; NM]> {
    sums.iter()
        .map(|sum| sum.sums.map(|a| a / runs as f64))
        .collect()
}

/// Adds replications `more` (streams (seed, i) for i in `more`) of every
/// scenario to `sums`, in replication order: continuing from the sums of
/// runs 0..k with runs k..m gives exactly the sums of runs 0..m, so an
/// exploration that adds runs until its ranking is stable writes the same
/// files as one asked for the final number of runs at once.
pub fn simulate_sums(
    scenarios: &[Scenario],
    sums: Vec<Sums>,
    more: std::ops::Range<u64>,
    seed: u64,
    threads: Option<usize>,
    progress: impl Fn(u64) + Sync,
) -> anyhow::Result<Vec<Sums>> {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads.unwrap_or(0))
        .build()
        .context("cannot start the thread pool")?;
    let count = more.end.saturating_sub(more.start);
    Ok(pool.install(|| {
        scenarios
            .par_iter()
            .zip(sums)
            .map(|(s, mut sum)| {
                let words = more.end.div_ceil(64) as usize;
                if sum.hits.len() < words {
                    sum.hits.resize(words, 0);
                }
                for i in more.clone() {
                    let summary = Simulation::new(s, seed, i).run_to_end();
                    if summary.success {
                        sum.hits[(i / 64) as usize] |= 1 << (i % 64);
                    }
                    sum.splits += u64::from(summary.split_success());
                    for (a, x) in sum.sums.iter_mut().zip(measures(&summary, s.max_rounds)) {
                        *a += x;
                    }
                }
                progress(count);
                sum
            })
            .collect()
    }))
}
