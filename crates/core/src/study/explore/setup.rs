//! What an exploration runs, from what was asked and the scenario: the one
//! builder `coalsim explore` (and its shards and merge) and the Python
//! package's `explore` both call, so the same question gives the same
//! coalitions, scenarios, labels and messages from either front end.

use anyhow::bail;

use super::run::{DesignKind, Plan, scenarios};
use super::{Policy, Uncertainty, from_file, policies, validate};
use crate::scenario::{Scenario, ScenarioFile};
use crate::study::sweep::Vary;

/// What was asked, as the front end parsed it.
#[derive(Debug, Clone)]
pub struct Ask {
    /// Uncertain inputs given outside the file (they replace its
    /// `[explore.uncertain]` table); empty: the file's.
    pub uncertain: Vec<Uncertainty>,
    /// How the front end names them in messages ("--uncertain").
    pub uncertain_origin: String,
    /// Policies given outside the file (they replace `[explore.policy]`).
    pub policy: Vec<Vary>,
    pub policy_origin: String,
    /// What to say when nothing is uncertain, or no policy is given.
    pub no_uncertain: String,
    pub no_policy: String,
    pub design: DesignKind,
    /// Design size; the design's default when `None`.
    pub samples: Option<usize>,
    /// Seed; the scenario's when `None`.
    pub seed: Option<u64>,
    /// The most runs per point and policy that may be asked (to refuse an
    /// exploration too large before anything runs).
    pub max_runs: u64,
}

/// An exploration ready to run.
#[derive(Debug, Clone)]
pub struct Setup {
    pub file: ScenarioFile,
    /// In key order (the design does not depend on the order they were
    /// given in), each labelled in plain words with the organisations'
    /// names ([`ScenarioFile::key_label`]).
    pub unc: Vec<Uncertainty>,
    pub pols: Vec<Policy>,
    pub seed: u64,
    pub samples: usize,
    pub plan: Plan,
    /// Every point × policy, validated (point-major).
    pub all: Vec<Scenario>,
    /// Which of the file's tables were replaced by what was asked: (table,
    /// keys not used), for a front end to say so.
    pub replaced: Vec<(&'static str, usize)>,
}

/// The design's default size.
pub fn default_samples(design: DesignKind) -> usize {
    match design {
        DesignKind::Lhs => 200,
        DesignKind::Sobol => 256,
        DesignKind::Saltelli => 128,
        DesignKind::Morris => 20,
    }
}

/// Checks what was asked against the scenario and builds every scenario of
/// the exploration, before anything runs.
pub fn setup(file: ScenarioFile, ask: Ask) -> anyhow::Result<Setup> {
    let (file_unc, file_pol) = from_file(&file)?;
    let name = &file.source.name;
    let mut replaced = Vec::new();
    let (mut unc, unc_label) = if ask.uncertain.is_empty() {
        (file_unc, format!("{name}: [explore.uncertain]"))
    } else {
        if !file_unc.is_empty() {
            replaced.push(("explore.uncertain", file_unc.len()));
        }
        (ask.uncertain, ask.uncertain_origin)
    };
    let (varies, pol_label) = if ask.policy.is_empty() {
        (file_pol, format!("{name}: [explore.policy]"))
    } else {
        if !file_pol.is_empty() {
            replaced.push(("explore.policy", file_pol.len()));
        }
        (ask.policy, ask.policy_origin)
    };
    if unc.is_empty() {
        bail!("{}", ask.no_uncertain);
    }
    if varies.is_empty() {
        bail!("{}", ask.no_policy);
    }
    unc.sort_by(|a, b| a.key.cmp(&b.key));
    for u in &mut unc {
        u.label = file.key_label(&u.key);
    }
    let pols = policies(&varies);
    if pols.len() > 100 {
        bail!(
            "{pol_label}: {} combinations; allowed: at most 100",
            pols.len()
        );
    }
    validate(&file, &unc, &pols, &unc_label, &pol_label)?;
    let seed = ask.seed.unwrap_or(file.base.seed);
    let samples = ask.samples.unwrap_or(default_samples(ask.design));
    let keys: Vec<String> = unc.iter().map(|u| u.key.clone()).collect();
    let plan = Plan::new(ask.design, samples, &keys, seed)
        .map_err(|e| anyhow::anyhow!("design {}: {e}", ask.design.name()))?;
    let total_runs = plan.points.len() as u64 * pols.len() as u64 * ask.max_runs;
    if total_runs > 1_000_000_000 {
        bail!(
            "{} points × {} policies × {} runs = {total_runs} runs; allowed: at most 10^9",
            plan.points.len(),
            pols.len(),
            ask.max_runs
        );
    }
    let all = scenarios(&file, &unc, &pols, &plan)?;
    Ok(Setup {
        file,
        unc,
        pols,
        seed,
        samples,
        plan,
        all,
        replaced,
    })
}
