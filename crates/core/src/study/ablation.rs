//! Ablation and robustness of the lessons' claims.
//!
//! A lesson's effect must flow through the causal chain the texts describe.
//! An **ablation** switches off one link of that chain in every variant (a
//! set of overrides, e.g. `dynamics.outvoted_cost = 0`) and measures the
//! claim's effect again with the same random numbers: if the link carries
//! the effect, the effect shrinks toward zero. The shrinkage is a paired
//! difference of differences, run by run:
//!
//!   change_i = (v_i^ablated − b_i^ablated) − (v_i − b_i)
//!
//! with v the claim's variant and b the baseline variant; its mean and a
//! Student-t interval are reported, and the link is *carrying* when the
//! interval lies entirely on the side opposite to the effect.
//!
//! A **robustness** check perturbs one general parameter (population,
//! trust, learning rates, horizon, shocks, hours, ...; [`ROBUST_KEYS`]) in
//! every variant and measures the claim again: it must not reverse with a
//! 99% interval.

use rayon::prelude::*;

use crate::engine::Simulation;
use crate::scenario::{Scenario, ScenarioFile, Source, parse_value};
use crate::stats::{Diff, Welford, mean_interval};
use crate::study::compare::{MEASURES, measure};
use crate::study::lessons::{Claim, Lesson, Link};

/// The measured effect of one claim with and without one link.
#[derive(Debug, Clone)]
pub struct Ablation {
    pub link: &'static str,
    /// variant − baseline in the intact model.
    pub effect: Diff,
    /// variant − baseline with the link cut.
    pub ablated: Diff,
    /// ablated − intact, paired run by run.
    pub change: Diff,
    /// With the link cut, both arms gave one and the same value in every
    /// run (e.g. success 0% in both): the claim cannot be measured there,
    /// so the cut says nothing about the path (a floor, not a path).
    pub floor: bool,
}

impl Ablation {
    /// The link carries the effect: cutting it moves the effect toward zero
    /// with an interval that excludes no change, and the claim is still
    /// measurable with it cut (not at a [`floor`](Self::floor)).
    pub fn carries(&self) -> bool {
        if self.floor {
            false
        } else if self.effect.estimate < 0.0 {
            self.change.lo > 0.0
        } else {
            self.change.hi < 0.0
        }
    }
}

/// The measure and variant of a paired claim, or of a value-over-alone claim
/// (then the "effect" is the variant's value over acting alone).
fn claim_parts(claim: &Claim) -> (usize, usize, bool) {
    match *claim {
        Claim::Paired {
            measure: m,
            variant,
            ..
        } => (measure(m).unwrap_or(0), variant, true),
        Claim::AloneBetter { variant } => {
            (measure("value_over_alone").unwrap_or(0), variant, false)
        }
    }
}

/// Loads a lesson's scenario file.
pub fn lesson_file(lesson: &Lesson) -> Result<ScenarioFile, crate::scenario::ScenarioError> {
    ScenarioFile::load(Source {
        name: format!("scenarios/{}.toml", lesson.name),
        text: lesson.toml.to_string(),
    })
}

/// The scenario of variant `index` with extra overrides on top.
fn variant_with(
    file: &ScenarioFile,
    index: usize,
    extra: &[(String, toml::Value)],
) -> Result<Scenario, crate::scenario::ScenarioError> {
    let mut set: Vec<(String, toml::Value)> = file
        .base
        .variant
        .get(index)
        .map(|v| v.set.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    set.extend(extra.iter().cloned());
    file.with_overrides(&format!("lesson {}", file.base.name), &set)
}

fn overrides(set: &[(&str, &str)]) -> Vec<(String, toml::Value)> {
    set.iter()
        .map(|(k, v)| (k.to_string(), parse_value(v)))
        .collect()
}

/// Per-run values of measure `m` for each scenario, run i of every scenario
/// on stream (seed, i); parallel over runs, in run order.
fn per_run(scenarios: &[Scenario], m: usize, runs: u64, seed: u64) -> Vec<Vec<f64>> {
    (0..runs)
        .into_par_iter()
        .map(|run| {
            scenarios
                .iter()
                .map(|s| (MEASURES[m].get)(&Simulation::new(s, seed, run).run_to_end()))
                .collect()
        })
        .collect()
}

fn interval(values: impl Iterator<Item = f64>, level: f64) -> Diff {
    let mut w = Welford::new();
    for v in values {
        w.push(v);
    }
    mean_interval(&w, level)
}

/// Measures `claim` of `lesson` with and without `link`, `runs` runs each
/// with common random numbers, intervals at `level`.
pub fn ablate(
    lesson: &Lesson,
    claim: &Claim,
    link: &Link,
    runs: u64,
    seed: Option<u64>,
    level: f64,
) -> anyhow::Result<Ablation> {
    let file = lesson_file(lesson)?;
    let (m, variant, paired) = claim_parts(claim);
    let cut = overrides(link.set);
    let base = if paired { 0 } else { variant };
    let scenarios = vec![
        variant_with(&file, base, &[])?,
        variant_with(&file, variant, &[])?,
        variant_with(&file, base, &cut)?,
        variant_with(&file, variant, &cut)?,
    ];
    let v = per_run(&scenarios, m, runs, seed.unwrap_or(file.base.seed));
    // For a value-over-alone claim the effect is the variant's own value.
    let eff = |r: &[f64], o: usize| {
        if paired { r[o + 1] - r[o] } else { r[o + 1] }
    };
    let constant = |o: usize| v.iter().all(|r| r[o] == v[0][o]);
    let floor = !v.is_empty() && constant(2) && constant(3) && v[0][2] == v[0][3];
    Ok(Ablation {
        link: link.name,
        effect: interval(v.iter().map(|r| eff(r, 0)), level),
        ablated: interval(v.iter().map(|r| eff(r, 2)), level),
        change: interval(v.iter().map(|r| eff(r, 2) - eff(r, 0)), level),
        floor,
    })
}

/// A perturbation of a general parameter for the robustness panel.
#[derive(Debug, Clone)]
pub struct Perturbation {
    pub key: &'static str,
    /// Multiplier applied to the value the lesson's base scenario has.
    pub factor: f64,
}

/// The general parameters perturbed, each ×0.5 and ×2 (integers rounded,
/// at least 1), with the largest value each allows: everything a user
/// describing a coalition could be unsure of (its size, horizon, trust,
/// shocks, time, how members learn and leave) and how its negotiations
/// work, which no one observes (how far a proposal steps, how far an
/// amendment concedes, what a round of it costs, how much a proposal's
/// merit weighs in a vote against a member's interest, how serious an
/// objection must be to block), none of them a lesson's own switch. A key
/// a lesson's variants set is moved in each variant from that variant's
/// own value, so the contrast the lesson makes is kept.
pub const ROBUST_KEYS: [(&str, f64); 28] = [
    ("population.count", 2000.0),
    ("population.relationship_density", 1.0),
    ("trust.strangers", 1.0),
    ("trust.gain", 1.0),
    ("trust.loss", 1.0),
    ("max_rounds", 100_000.0),
    ("shocks.rate", 1.0),
    ("shocks.size", 1.0),
    ("dynamics.engagement_rate", 1.0),
    ("dynamics.outvoted_cost", 1e6),
    ("dynamics.pooling", 1.0),
    ("dynamics.coordination_hours", 168.0),
    ("dynamics.hours_budget", 168.0),
    ("dynamics.implementation_need", 1.0),
    ("dynamics.recruit_rate", 1.0),
    ("dynamics.impatience", 1.0),
    ("dynamics.clarity_decay", 1.0),
    ("dynamics.transparency", 1.0),
    ("dynamics.visibility", 1.0),
    ("dynamics.trust_sensitivity", 1.0),
    ("dynamics.relay", 1.0),
    ("dynamics.exit_threshold", 1.0),
    ("dynamics.proposal_step", 1.0),
    ("dynamics.amendment_move", 1.0),
    ("dynamics.amendment_hours", 168.0),
    ("dynamics.amendment_delay", 1.0),
    ("dynamics.merit_weight", 1e6),
    ("dynamics.block_threshold", 1e6),
];

/// Every perturbation of the panel.
pub fn perturbations() -> Vec<Perturbation> {
    ROBUST_KEYS
        .iter()
        .flat_map(|&(key, _)| [0.5, 2.0].map(|factor| Perturbation { key, factor }))
        .collect()
}

/// The value a key has in a resolved scenario, as TOML.
fn current(s: &Scenario, key: &str) -> Option<toml::Value> {
    let table: toml::Value = toml::from_str(&s.to_toml()).ok()?;
    let mut v = &table;
    for part in key.split('.') {
        v = v.get(part)?;
    }
    Some(v.clone())
}

/// The perturbed value of `key` given its current value: × `factor`,
/// within the key's valid range (integers rounded, at least 1).
fn perturbed(key: &str, value: &toml::Value, factor: f64) -> Option<toml::Value> {
    let hi = ROBUST_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(1.0, |&(_, hi)| hi);
    match value {
        toml::Value::Integer(i) => {
            let x = ((*i as f64) * factor).round().clamp(1.0, hi) as i64;
            Some(toml::Value::Integer(x))
        }
        toml::Value::Float(f) => Some(toml::Value::Float((f * factor).min(hi))),
        _ => None,
    }
}

/// One claim measured under one perturbation.
#[derive(Debug, Clone)]
pub struct Robustness {
    pub key: &'static str,
    pub factor: f64,
    /// The claim's effect (variant − baseline, or the variant's value over
    /// acting alone), with its interval.
    pub effect: Diff,
    /// Holds in the claimed direction with the interval.
    pub holds: bool,
    /// Reverses: the interval lies entirely on the other side of zero.
    pub reverses: bool,
}

/// Measures every claim of `lesson` under `p`. An error when the perturbed
/// scenario is not valid (e.g. a halved horizon before a scheduled event).
pub fn robust(
    lesson: &Lesson,
    p: &Perturbation,
    runs: u64,
    level: f64,
) -> anyhow::Result<Vec<Robustness>> {
    let file = lesson_file(lesson)?;
    // The perturbed value of the key in variant `index` (its own value, so a
    // key the lesson's variants set keeps their contrast).
    let extra = |index: usize| -> anyhow::Result<Vec<(String, toml::Value)>> {
        let s = variant_with(&file, index, &[])?;
        let Some(value) = current(&s, p.key) else {
            anyhow::bail!("{}: no value for {}", lesson.name, p.key);
        };
        let Some(new) = perturbed(p.key, &value, p.factor) else {
            anyhow::bail!("{}: {} is not a number", lesson.name, p.key);
        };
        Ok(vec![(p.key.to_string(), new)])
    };
    let mut out = Vec::new();
    for claim in lesson.claims {
        let (m, variant, paired) = claim_parts(claim);
        let base = if paired { 0 } else { variant };
        let scenarios = vec![
            variant_with(&file, base, &extra(base)?)?,
            variant_with(&file, variant, &extra(variant)?)?,
        ];
        let v = per_run(&scenarios, m, runs, file.base.seed);
        let effect = interval(
            v.iter().map(|r| if paired { r[1] - r[0] } else { r[1] }),
            level,
        );
        let lower_claimed = match *claim {
            Claim::Paired { higher, .. } => !higher,
            Claim::AloneBetter { .. } => true,
        };
        let (holds, reverses) = if lower_claimed {
            (effect.hi < 0.0, effect.lo > 0.0)
        } else {
            (effect.lo > 0.0, effect.hi < 0.0)
        };
        out.push(Robustness {
            key: p.key,
            factor: p.factor,
            effect,
            holds,
            reverses,
        });
    }
    Ok(out)
}
