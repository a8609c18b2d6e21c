//! Many runs in the background: a comparison of variants with common random
//! numbers ([`compare_until`], the machinery of `coalsim sweep` and
//! `coalsim lesson`), summarised for the page.
//!
//! The page reads a job's answer as a stream of JSON lines: progress lines
//! while it runs, then one result line. When the tab closes, the server
//! sees its connection end, drops the stream and sets the job's stop flag,
//! which every run in hand reads after each of its rounds: the job stops
//! within a round, not at its next chunk of runs.

use serde::{Deserialize, Serialize};

use coalsim_core::scenario::{ScenarioFile, Source};
use coalsim_core::study::batch::{OUTCOMES, incidence_rows, round_rows, survival_rows};
use coalsim_core::study::compare::{Arm, CompareConfig, Comparison, MEASURES, compare_until};
use coalsim_core::study::lessons::{self, Claim};
use coalsim_report::comparison::{claim_row, reading};

use super::request::{self, ORIGIN, ScenarioRequest, Setting, SourceRequest};

/// One variant to compare: a name and its settings over the common ones.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ArmRequest {
    pub name: String,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub set: Vec<Setting>,
}

/// A comparison: the scenario (with the page's settings), the variants,
/// runs per variant and seed.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CompareRequest {
    pub scenario: ScenarioRequest,
    pub arms: Vec<ArmRequest>,
    pub runs: u64,
    #[serde(default)]
    pub seed: Option<u64>,
}

/// A checked comparison, ready to run.
pub struct Job {
    pub arms: Vec<Arm>,
    pub cfg: CompareConfig,
    pub title: String,
    /// The lesson whose claims to measure, when the arms are its variants.
    pub lesson: Option<&'static lessons::Lesson>,
}

/// Checks a request against the limits and resolves every arm (each one
/// through the scenario's overrides, as `--vary` does).
pub fn prepare(
    req: &CompareRequest,
    served: Option<&Source>,
    max_runs: u64,
    max_arms: usize,
) -> Result<Job, String> {
    if req.runs == 0 || req.runs > max_runs {
        return Err(format!(
            "runs: {}; allowed: 1 to {max_runs} per variant on this server",
            req.runs
        ));
    }
    if req.arms.is_empty() || req.arms.len() > max_arms {
        return Err(format!(
            "{} variants; allowed: 1 to {max_arms}",
            req.arms.len()
        ));
    }
    let file: ScenarioFile = request::load(&req.scenario.source, served)?;
    let mut arms = Vec::with_capacity(req.arms.len());
    for a in &req.arms {
        let variant = a.variant.as_deref().or(req.scenario.variant.as_deref());
        let mut set = req.scenario.set.clone();
        set.extend(a.set.iter().cloned());
        let ov = request::overrides(&file, variant, &set)?;
        let scenario = if ov.is_empty() {
            file.base.clone()
        } else {
            file.with_overrides(ORIGIN, &ov)
                .map_err(|e| request::message(&e))?
        };
        request::within_server(&scenario)?;
        let name: String = a
            .name
            .chars()
            .filter(|c| !c.is_control())
            .take(60)
            .collect();
        arms.push(Arm {
            name: if name.trim().is_empty() {
                format!("variant {}", arms.len() + 1)
            } else {
                name
            },
            scenario,
            settings: ov
                .iter()
                .map(|(k, v)| (k.clone(), coalsim_core::scenario::value_text(v)))
                .collect(),
            baseline: 0,
        });
    }
    // A lesson's claims are about its own variants, in its own order, with
    // nothing else changed.
    let lesson = match &req.scenario.source {
        SourceRequest::Lesson { name }
            if req.scenario.set.is_empty()
                && req.scenario.variant.is_none()
                && req.arms.len() == file.base.variant.len()
                && req.arms.iter().zip(&file.base.variant).all(|(a, v)| {
                    a.variant.as_deref() == Some(v.name.as_str()) && a.set.is_empty()
                }) =>
        {
            lessons::find(name)
        }
        _ => None,
    };
    let seed = req.seed.unwrap_or(file.base.seed);
    Ok(Job {
        arms,
        cfg: CompareConfig {
            runs: req.runs,
            seed,
            // Small chunks: progress (and cancellation) after every chunk.
            chunk: 50,
        },
        title: file.base.name.clone(),
        lesson,
    })
}

impl Job {
    /// What the job costs: runs × Σ over its variants of trust links ×
    /// rounds (pairs of organisations, or organisations when there are
    /// fewer), the work a run does grows with; compared with the server's
    /// budgets ([`super::Limits::cost`]).
    pub fn cost(&self) -> u64 {
        let per_run: u64 = self.arms.iter().map(|a| run_cost(&a.scenario)).sum();
        per_run.saturating_mul(self.cfg.runs)
    }

    /// Rounds of every variant's curves together: what the answer's size
    /// grows with.
    pub fn series_rounds(&self) -> u64 {
        self.arms
            .iter()
            .map(|a| u64::from(a.scenario.max_rounds))
            .sum()
    }
}

pub use crate::game::run_cost;

/// Runs the job on the current rayon pool. `progress(done)` is told the
/// runs done per variant after each chunk and returns false to cancel;
/// setting `stop` cancels within a round; `None` then.
pub fn run(
    job: &Job,
    progress: impl Fn(u64) -> bool,
    stop: &std::sync::atomic::AtomicBool,
) -> Option<CompareResult> {
    let c = compare_until(&job.arms, &job.cfg, |_, _, _| {}, progress, stop)?;
    Some(summarise(job, &c))
}

/// A comparison, summarised for the page.
#[derive(Debug, Clone, Serialize)]
pub struct CompareResult {
    pub title: String,
    pub runs: u64,
    pub seed: u64,
    pub arms: Vec<ArmResult>,
    /// One sentence per variant after the first: its success against the
    /// first's, with a 95% paired interval.
    pub readings: Vec<String>,
    /// A warning for each variant under which one organisation decides
    /// alone or some hold a veto (as `coalsim sweep` prints them).
    pub capture: Vec<String>,
    pub lesson: Option<LessonResult>,
}

/// One variant's results.
#[derive(Debug, Clone, Serialize)]
pub struct ArmResult {
    pub name: String,
    pub settings: Vec<(String, String)>,
    pub runs: u64,
    pub success: Interval,
    /// Each comparison measure: mean and 95% interval.
    pub measures: Vec<MeasureResult>,
    /// Mean members at the end of each round, over runs still going, with
    /// the 95% interval of the mean.
    pub members: Vec<Band>,
    /// Kaplan–Meier share of coalitions still going (any ending ends one;
    /// the round limit censors) by round.
    pub survival: Vec<Band>,
    /// Aalen–Johansen cumulative incidence of reaching the goal, by round.
    pub goal: Vec<Band>,
    /// The same for dissolution.
    pub dissolved: Vec<Band>,
    /// How runs ended: `[outcome, runs]`.
    pub ended: Vec<(&'static str, u64)>,
}

/// An estimate with its interval.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Interval {
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
}

/// A measure's mean and 95% interval.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureResult {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
}

/// One point of a curve with its band.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Band {
    pub round: u32,
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

/// A lesson's text, claims and what was measured.
#[derive(Debug, Clone, Serialize)]
pub struct LessonResult {
    pub name: &'static str,
    pub section: &'static str,
    pub lesson: String,
    pub path: &'static str,
    /// `(claim, measured effect, holds)`, as in docs/lessons.md.
    pub claims: Vec<(String, String, bool)>,
    /// The same claims as sentences, as `coalsim lesson` reads them.
    pub readings: Vec<String>,
}

fn incidence(rows: &[coalsim_core::study::batch::IncidenceRow], ending: &str) -> Vec<Band> {
    rows.iter()
        .filter(|r| r.ending == ending)
        .map(|r| Band {
            round: r.round,
            value: r.incidence,
            lo: r.lower,
            hi: r.upper,
        })
        .collect()
}

fn summarise(job: &Job, c: &Comparison) -> CompareResult {
    let arms = c
        .arms
        .iter()
        .map(|a| {
            let s = a.success(0.95);
            let members_rows = round_rows(&a.agg);
            let endings = incidence_rows(&a.agg);
            ArmResult {
                name: a.name.clone(),
                settings: a.settings.clone(),
                runs: a.runs,
                success: Interval {
                    estimate: s.estimate,
                    lo: s.lo,
                    hi: s.hi,
                },
                measures: MEASURES
                    .iter()
                    .zip(&a.measures)
                    .map(|(m, w)| {
                        let d = coalsim_core::stats::mean_interval(w, 0.95);
                        MeasureResult {
                            name: m.name,
                            label: m.label,
                            unit: m.unit,
                            // As variants.csv writes it: a whole-number
                            // measure's mean is its sum over the runs.
                            mean: coalsim_report::comparison::exact_mean(
                                m.name,
                                d.estimate,
                                w.count(),
                            ),
                            lo: d.lo,
                            hi: d.hi,
                        }
                    })
                    .collect(),
                members: members_rows
                    .iter()
                    .filter(|r| r.measure == "members")
                    .map(|r| Band {
                        round: r.round,
                        value: r.mean,
                        lo: r.lo.unwrap_or(r.mean),
                        hi: r.hi.unwrap_or(r.mean),
                    })
                    .collect(),
                survival: survival_rows(&a.agg)
                    .iter()
                    .map(|r| Band {
                        round: r.round,
                        value: r.survival,
                        lo: r.lower,
                        hi: r.upper,
                    })
                    .collect(),
                goal: incidence(&endings, "goal"),
                dissolved: incidence(&endings, "dissolved"),
                ended: OUTCOMES
                    .iter()
                    .zip(a.agg.outcomes)
                    .map(|(o, k)| (*o, k))
                    .collect(),
            }
        })
        .collect();
    let readings = (1..c.arms.len()).map(|v| reading(c, v, 0, 0.95)).collect();
    let lesson = job.lesson.map(|l| {
        let file = ScenarioFile::load(request::lesson_source(l)).ok();
        LessonResult {
            name: l.name,
            section: l.section,
            lesson: file.map(|f| f.base.lesson.clone()).unwrap_or_default(),
            path: l.path,
            claims: l.claims.iter().map(|cl| claim_row(c, cl)).collect(),
            readings: l
                .claims
                .iter()
                .map(|cl| match *cl {
                    Claim::Paired {
                        measure, variant, ..
                    } => reading(
                        c,
                        variant,
                        coalsim_core::study::compare::measure(measure).unwrap_or(0),
                        0.99,
                    ),
                    Claim::AloneBetter { variant } => coalsim_report::comparison::reading_sign(
                        c,
                        variant,
                        coalsim_core::study::compare::measure("value_over_alone").unwrap_or(0),
                        0.99,
                    ),
                })
                .collect(),
        }
    });
    CompareResult {
        title: job.title.clone(),
        runs: c.runs,
        seed: c.seed,
        arms,
        readings,
        capture: coalsim_core::power::capture_lines(
            &job.arms
                .iter()
                .map(|a| (a.name.clone(), &a.scenario))
                .collect::<Vec<_>>(),
        ),
        lesson,
    }
}
