//! An exploration's results put together: robustness per policy and
//! measure, PRIM boxes, sensitivity indices, and the verdict in words.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::prim::{PrimBox, PrimConfig, PrimResult, prim};
use super::robustness::{Record, best, records};
use super::run::{BOOTSTRAP_STREAM, DesignKind, MEASURES, Plan};
use super::sensitivity::{binned_first_order_ci, morris_indices, sobol_indices};
use super::{Policy, Spread, Uncertainty};

/// Bootstrap resamples behind every sensitivity interval.
pub const RESAMPLES: usize = 500;
/// Level of the sensitivity intervals.
pub const LEVEL: f64 = 0.95;

/// What was run and what came out.
#[derive(Debug, Clone)]
pub struct Exploration {
    pub scenario: String,
    pub runs: u64,
    pub seed: u64,
    /// Success threshold for satisficing and for PRIM's shortfall boxes.
    pub satisfice: f64,
    pub uncertainties: Vec<Uncertainty>,
    pub policies: Vec<Policy>,
    pub plan: Plan,
    /// `cells[point × policies + policy]`: mean of each of [`MEASURES`].
    pub cells: Vec<[f64; 3]>,
}

impl Exploration {
    /// Mean of measure `m` at `point` under `policy`.
    pub fn value(&self, point: usize, policy: usize, m: usize) -> f64 {
        self.cells[point * self.policies.len() + policy][m]
    }

    /// Uncertain values of `point` as numbers (PRIM's space).
    pub fn numbers(&self, point: usize) -> Vec<f64> {
        self.uncertainties
            .iter()
            .zip(&self.plan.points[point].u)
            .map(|(u, &x)| u.number(x))
            .collect()
    }
}

/// A PRIM search and what it looked for.
#[derive(Debug, Clone)]
pub struct PrimTarget {
    pub policy: usize,
    /// `best`: the policy has the highest success (not all tied);
    /// `shortfall`: its success is below the threshold.
    pub kind: &'static str,
    pub result: PrimResult,
}

impl PrimTarget {
    /// Worth saying in words: at least [`MIN_CASES`] cases, the box is
    /// more likely than not to hold a case, and clearly denser than the
    /// whole space.
    pub fn reportable(&self) -> bool {
        let b = &self.result.pasted;
        let cases = (self.result.base_density * self.result.trajectory[0].points as f64).round();
        cases >= MIN_CASES as f64 && b.density >= 0.5 && b.density >= self.result.base_density + 0.1
    }
}

/// Fewest cases PRIM's box is reported for.
pub const MIN_CASES: usize = 10;

/// One sensitivity estimate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SensitivityRow {
    pub policy: String,
    pub measure: &'static str,
    pub uncertainty: String,
    /// `S1`, `ST` (Sobol), `mu_star`, `sigma`, `mu` (Morris) or `S1_binned`.
    pub index: &'static str,
    /// Empty when the measure did not vary.
    pub estimate: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub estimator: &'static str,
}

/// The analysis of an [`Exploration`].
#[derive(Debug, Clone)]
pub struct Report {
    /// The points robustness and PRIM use.
    pub points: Vec<usize>,
    /// `robustness[measure][policy]`.
    pub robustness: Vec<Vec<Record>>,
    pub prim: Vec<PrimTarget>,
    pub sensitivity: Vec<SensitivityRow>,
    /// Uncertainties from most to least influential on success.
    pub influence: Vec<usize>,
    /// The policy with the smallest largest regret on success.
    pub recommended: usize,
    /// The verdict, one sentence a line.
    pub verdict: Vec<String>,
    /// Per exploration point: which policies have the best success.
    pub best: Vec<Vec<bool>>,
}

/// Analyses an exploration.
pub fn analyse(ex: &Exploration) -> Report {
    let points = ex.plan.exploration_points();
    let np = ex.policies.len();
    let table = |m: usize| -> Vec<Vec<f64>> {
        points
            .iter()
            .map(|&s| (0..np).map(|p| ex.value(s, p, m)).collect())
            .collect()
    };
    let robustness: Vec<Vec<Record>> = MEASURES
        .iter()
        .enumerate()
        .map(|(m, def)| {
            let sat = (m == 0).then_some(ex.satisfice);
            records(&table(m), def.higher_is_better, sat)
        })
        .collect();
    let success = table(0);
    let best_at = best(&success, true);
    let recommended = (0..np)
        .min_by(|&a, &b| {
            let (ra, rb) = (&robustness[0][a], &robustness[0][b]);
            ra.max_regret
                .total_cmp(&rb.max_regret)
                .then(rb.mean.total_cmp(&ra.mean))
        })
        .unwrap_or(0);

    // PRIM: where each policy is best, and where each falls short.
    let x: Vec<Vec<f64>> = points.iter().map(|&s| ex.numbers(s)).collect();
    let cfg = PrimConfig::default();
    let mut prim_targets = Vec::new();
    for p in 0..np {
        let y: Vec<bool> = best_at
            .iter()
            .map(|b| b[p] && !b.iter().all(|&t| t))
            .collect();
        if y.iter().any(|&c| c)
            && !y.iter().all(|&c| c)
            && let Some(result) = prim(&x, &y, &cfg)
        {
            prim_targets.push(PrimTarget {
                policy: p,
                kind: "best",
                result,
            });
        }
        let y: Vec<bool> = success.iter().map(|r| r[p] < ex.satisfice).collect();
        if y.iter().any(|&c| c)
            && !y.iter().all(|&c| c)
            && let Some(result) = prim(&x, &y, &cfg)
        {
            prim_targets.push(PrimTarget {
                policy: p,
                kind: "shortfall",
                result,
            });
        }
    }

    let sensitivity = sensitivity(ex);
    let k = ex.uncertainties.len();
    let main_index = match ex.plan.design {
        DesignKind::Saltelli => "ST",
        DesignKind::Morris => "mu_star",
        _ => "S1_binned",
    };
    let mut score = vec![0.0f64; k];
    for r in &sensitivity {
        // Ranked for the recommended policy: inputs that only move the
        // success of rules nobody would adopt do not lead the list.
        if r.measure == "success"
            && r.index == main_index
            && r.policy == ex.policies[recommended].name
        {
            let j = ex
                .uncertainties
                .iter()
                .position(|u| u.key == r.uncertainty)
                .unwrap_or(0);
            score[j] = score[j].max(r.estimate.unwrap_or(0.0));
        }
    }
    let mut influence: Vec<usize> = (0..k).collect();
    influence.sort_by(|&a, &b| score[b].total_cmp(&score[a]).then(a.cmp(&b)));

    let mut report = Report {
        points,
        robustness,
        prim: prim_targets,
        sensitivity,
        influence,
        recommended,
        verdict: Vec::new(),
        best: best_at,
    };
    report.verdict = verdict(ex, &report, &score, main_index);
    report
}

/// Sensitivity indices of every measure under every policy, for the design
/// run: Sobol (Saltelli), Morris, or binned first-order indices.
fn sensitivity(ex: &Exploration) -> Vec<SensitivityRow> {
    let mut rng = ChaCha8Rng::seed_from_u64(ex.seed);
    rng.set_stream(BOOTSTRAP_STREAM);
    let k = ex.uncertainties.len();
    let mut rows = Vec::new();
    let pts = &ex.plan.points;
    for (p, pol) in ex.policies.iter().enumerate() {
        for (m, def) in MEASURES.iter().enumerate() {
            let row = |u: usize, index, est: Option<(f64, f64, f64)>, estimator| SensitivityRow {
                policy: pol.name.clone(),
                measure: def.name,
                uncertainty: ex.uncertainties[u].key.clone(),
                index,
                estimate: est.map(|e| e.0),
                lower: est.map(|e| e.1).filter(|v| v.is_finite()),
                upper: est.map(|e| e.2).filter(|v| v.is_finite()),
                estimator,
            };
            match ex.plan.design {
                DesignKind::Saltelli => {
                    let pick = |name: &str| -> Vec<f64> {
                        (0..pts.len())
                            .filter(|&i| pts[i].matrix == name)
                            .map(|i| ex.value(i, p, m))
                            .collect()
                    };
                    let fa = pick("A");
                    let fb = pick("B");
                    let fab: Vec<Vec<f64>> = ex
                        .uncertainties
                        .iter()
                        .map(|u| pick(&format!("AB:{}", u.key)))
                        .collect();
                    let idx = sobol_indices(&fa, &fb, &fab, RESAMPLES, LEVEL, &mut rng);
                    for u in 0..k {
                        let f = idx.first[u].map(|e| (e.value, e.lo, e.hi));
                        rows.push(row(u, "S1", f, "Saltelli 2010"));
                        let t = idx.total[u].map(|e| (e.value, e.lo, e.hi));
                        rows.push(row(u, "ST", t, "Jansen 1999"));
                    }
                }
                DesignKind::Morris => {
                    let Some(morris) = &ex.plan.morris else {
                        continue;
                    };
                    let y: Vec<Vec<f64>> = (0..morris.points.len())
                        .map(|t| (0..=k).map(|s| ex.value(t * (k + 1) + s, p, m)).collect())
                        .collect();
                    let ee = morris.elementary_effects(&y);
                    let idx = morris_indices(&ee, RESAMPLES, LEVEL, &mut rng);
                    for (u, mi) in idx.iter().enumerate() {
                        let e = mi.mu_star;
                        rows.push(row(
                            u,
                            "mu_star",
                            Some((e.value, e.lo, e.hi)),
                            "Morris 1991; Campolongo et al. 2007",
                        ));
                        rows.push(row(
                            u,
                            "sigma",
                            Some((mi.sigma, f64::NAN, f64::NAN)),
                            "Morris 1991",
                        ));
                        rows.push(row(
                            u,
                            "mu",
                            Some((mi.mu, f64::NAN, f64::NAN)),
                            "Morris 1991",
                        ));
                    }
                }
                DesignKind::Lhs | DesignKind::Sobol => {
                    let y: Vec<f64> = (0..pts.len()).map(|i| ex.value(i, p, m)).collect();
                    let bins = (pts.len() as f64).sqrt().ceil().max(2.0) as usize;
                    for u in 0..k {
                        let x: Vec<f64> = pts
                            .iter()
                            .map(|pt| ex.uncertainties[u].number(pt.u[u]))
                            .collect();
                        let e = binned_first_order_ci(&x, &y, bins, RESAMPLES, LEVEL, &mut rng)
                            .map(|e| (e.value, e.lo, e.hi));
                        rows.push(row(
                            u,
                            "S1_binned",
                            e,
                            "binned correlation ratio, noise-corrected (Plischke 2010; Kelley 1935)",
                        ));
                    }
                }
            }
        }
    }
    rows
}

fn pct(x: f64) -> String {
    format!("{:.0}%", 100.0 * x)
}

/// A number for words: integers plainly, others with two decimals.
fn num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e12 {
        format!("{x:.0}")
    } else {
        format!("{x:.2}")
    }
}

/// The restricted inputs of `b` in words, e.g. "trust.strangers is below
/// 0.35 and population.count is at most 12". `None` when nothing is
/// restricted.
pub fn box_words(ex: &Exploration, b: &PrimBox, x: &[Vec<f64>]) -> Option<String> {
    let parts: Vec<String> = b
        .restricted(x)
        .into_iter()
        .map(|j| {
            let u = &ex.uncertainties[j];
            let (lo, hi) = (b.lo[j], b.hi[j]);
            match &u.spread {
                Spread::Choice(values) => {
                    let inside: Vec<String> = (0..values.len())
                        .map(|i| (i, u.number((i as f64 + 0.5) / values.len() as f64)))
                        .filter(|(_, v)| *v >= lo && *v <= hi)
                        .map(|(i, _)| crate::scenario::value_text(&values[i]))
                        .collect();
                    match inside.len() {
                        1 => format!("{} is {}", u.key, inside[0]),
                        _ => format!("{} is {}", u.key, inside.join(" or ")),
                    }
                }
                Spread::Integer { lo: min, hi: max } => {
                    // A bound at the end of the range pins the input there.
                    let (min, max) = (*min as f64, *max as f64);
                    if lo.is_finite() && lo >= max {
                        format!("{} is {} (its highest value)", u.key, num(max))
                    } else if hi.is_finite() && hi <= min {
                        format!("{} is {} (its lowest value)", u.key, num(min))
                    } else {
                        match (lo.is_finite(), hi.is_finite()) {
                            (true, true) => {
                                format!("{} is between {} and {}", u.key, num(lo), num(hi))
                            }
                            (true, false) => format!("{} is at least {}", u.key, num(lo)),
                            _ => format!("{} is at most {}", u.key, num(hi)),
                        }
                    }
                }
                Spread::Float { lo: min, hi: max } => {
                    if lo.is_finite() && lo >= *max {
                        format!("{} is {} (its highest value)", u.key, num(*max))
                    } else if hi.is_finite() && hi <= *min {
                        format!("{} is {} (its lowest value)", u.key, num(*min))
                    } else {
                        match (lo.is_finite(), hi.is_finite()) {
                            (true, true) => {
                                format!("{} is between {} and {}", u.key, num(lo), num(hi))
                            }
                            (true, false) => format!("{} is above {}", u.key, num(lo)),
                            _ => format!("{} is below {}", u.key, num(hi)),
                        }
                    }
                }
            }
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" and "))
}

/// The sampling noise of a policy's largest regret: one standard error of
/// the difference between the best policy's success share and its own, at
/// the sample where its regret is largest (binomial, `runs` runs per share;
/// common random numbers make the true error smaller, so this errs on the
/// side of caution).
pub fn max_regret_noise(ex: &Exploration, points: &[usize], policy: usize) -> f64 {
    let np = ex.policies.len();
    let runs = ex.runs.max(1) as f64;
    let mut worst: Option<(f64, f64)> = None;
    for &s in points {
        let row: Vec<f64> = (0..np).map(|q| ex.value(s, q, 0)).collect();
        let top = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let regret = top - row[policy];
        let se = ((top * (1.0 - top) + row[policy] * (1.0 - row[policy])) / runs).sqrt();
        if worst.is_none_or(|(r, _)| regret > r) {
            worst = Some((regret, se));
        }
    }
    worst.map_or(0.0, |(_, se)| se)
}

/// When the runner-up's largest regret is within two standard errors of the
/// recommended policy's, a sentence saying the two are not told apart.
fn close_second(ex: &Exploration, r: &Report) -> Option<String> {
    let rec = &r.robustness[0];
    let p = r.recommended;
    let q = (0..ex.policies.len())
        .filter(|&q| q != p)
        .min_by(|&a, &b| {
            rec[a]
                .max_regret
                .total_cmp(&rec[b].max_regret)
                .then(rec[b].mean.total_cmp(&rec[a].mean))
        })?;
    let noise = max_regret_noise(ex, &r.points, p).max(max_regret_noise(ex, &r.points, q));
    (rec[q].max_regret - rec[p].max_regret < 2.0 * noise).then(|| {
        let how = if format!("{:.2}", rec[q].max_regret) == format!("{:.2}", rec[p].max_regret) {
            format!("ties with it on the worst case (largest shortfall {:.2} too)", rec[q].max_regret)
        } else {
            format!(
                "is not told apart from it on the worst case (largest shortfall {:.2}; the difference is within two standard errors of ±{noise:.2})",
                rec[q].max_regret
            )
        };
        let (hi, lo) = if rec[q].mean > rec[p].mean { (q, p) } else { (p, q) };
        format!(
            "But {} {how}; {} has the higher mean success ({:.2} against {:.2}). Compare the two with more runs (e.g. --runs {}) before adopting either.",
            ex.policies[q].name,
            ex.policies[hi].name,
            rec[hi].mean,
            rec[lo].mean,
            ex.runs * 4
        )
    })
}

fn verdict(ex: &Exploration, r: &Report, score: &[f64], main_index: &str) -> Vec<String> {
    let mut v = Vec::new();
    let n = r.points.len();
    let np = ex.policies.len();
    let rec = &r.robustness[0];
    let mut order: Vec<usize> = (0..np).collect();
    order.sort_by(|&a, &b| {
        rec[b]
            .best_share
            .total_cmp(&rec[a].best_share)
            .then(a.cmp(&b))
    });
    let all_tied = r.best.iter().filter(|b| b.iter().all(|&t| t)).count();
    let shares: Vec<String> = order
        .iter()
        .map(|&p| format!("{} {}", ex.policies[p].name, pct(rec[p].best_share)))
        .collect();
    v.push(format!(
        "{} is best in {} of plausible coalitions (the share of the {n} sampled coalitions where its success is highest, ties counted for each: {}{}).",
        ex.policies[order[0]].name,
        pct(rec[order[0]].best_share),
        shares.join(", "),
        if all_tied > 0 {
            format!("; in {all_tied} of the {n} all rules tie")
        } else {
            String::new()
        }
    ));
    let p = r.recommended;
    v.push(format!(
        "Most robust: {} — its largest shortfall against the best rule of any of the {n} sampled coalitions is {:.2} success (minimax regret; each shortfall is known to about ±{:.2}, and the largest of many noisy shortfalls runs high); mean success {:.2}, worst tenth {:.2}, at least {:.2} success in {} of coalitions.",
        ex.policies[p].name,
        rec[p].max_regret,
        max_regret_noise(ex, &r.points, p),
        rec[p].mean,
        rec[p].worst_decile,
        ex.satisfice,
        pct(rec[p].satisfice_share.unwrap_or(0.0)),
    ));
    if let Some(close) = close_second(ex, r) {
        v.push(close);
    }
    let x: Vec<Vec<f64>> = r.points.iter().map(|&s| ex.numbers(s)).collect();
    for t in &r.prim {
        let b = &t.result.pasted;
        let name = &ex.policies[t.policy].name;
        let words = box_words(ex, b, &x).filter(|_| t.reportable());
        let Some(words) = words else {
            if t.kind == "best" && t.policy != order[0] && rec[t.policy].best_share >= 0.05 {
                v.push(if rec[t.policy].best_share >= 0.5 {
                    format!(
                        "{name} is best in {} of coalitions, spread across the whole range: no narrower region favours it (PRIM).",
                        pct(rec[t.policy].best_share)
                    )
                } else {
                    format!(
                        "{name} is best in {} of coalitions, but in no simple region of them (PRIM found no box of the uncertain inputs where it is best in at least half).",
                        pct(rec[t.policy].best_share)
                    )
                });
            }
            continue;
        };
        // Counts, so a box drawn around a handful of coalitions reads as one.
        let inside = (b.density * b.points as f64).round() as usize;
        let cases = if b.coverage > 0.0 {
            (inside as f64 / b.coverage).round() as usize
        } else {
            0
        };
        if t.kind == "best" && t.policy != order[0] {
            v.push(format!(
                "{name} is best where {words} (PRIM box: {name} is best in {inside} of the {} coalitions in it, and the box holds {inside} of the {cases} where {name} is best).",
                b.points
            ));
        } else if t.kind == "shortfall" && t.policy == p {
            v.push(format!(
                "{name} falls below {:.2} success where {words} (PRIM box: {inside} of the {} coalitions in it fall short, {inside} of its {cases} shortfalls).",
                ex.satisfice,
                b.points
            ));
        }
    }
    if main_index == "ST" {
        let wide = r.sensitivity.iter().any(|row| {
            row.measure == "success"
                && row.index == "S1"
                && row.policy == ex.policies[p].name
                && matches!((row.lower, row.upper), (Some(lo), Some(hi)) if hi - lo > 0.5)
        });
        if wide {
            v.push(format!(
                "The first-order indices are not resolved at {} base rows (their intervals are wider than 0.5); raise --samples for them. The total indices need fewer.",
                ex.plan.exploration_points().len() / 2
            ));
        }
    }
    if !r.influence.is_empty() {
        let label = match main_index {
            "ST" => "total Sobol index",
            "mu_star" => "Morris μ*",
            _ => "first-order index",
        };
        let top: Vec<String> = r
            .influence
            .iter()
            .take(3)
            .map(|&j| format!("{} ({label} {:.2})", ex.uncertainties[j].key, score[j]))
            .collect();
        v.push(format!(
            "What moves the success of {} most: {}.",
            ex.policies[p].name,
            top.join(", then ")
        ));
    }
    v
}
