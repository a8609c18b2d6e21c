//! The files of `coalsim explore`: samples.csv, robustness.csv, prim.csv,
//! sensitivity.csv and summary.json. Each appears whole or not at all.

use std::path::Path;

use anyhow::Context;

use super::files::{AtomicFile, write_atomic};
use coalsim_core::scenario::value_text;
use coalsim_core::study::explore::report::{Exploration, Report, box_words};
use coalsim_core::study::explore::run::{HOURS, LIFETIME, MEASURES, PROGRESS, SUCCESS, WELFARE};

/// The files written, in the order listed.
pub const FILES: [&str; 5] = [
    "samples.csv",
    "robustness.csv",
    "prim.csv",
    "sensitivity.csv",
    "summary.json",
];

fn csv_file(
    path: &Path,
    fill: impl FnOnce(&mut csv::Writer<&mut AtomicFile>) -> csv::Result<()>,
) -> anyhow::Result<()> {
    let mut file =
        AtomicFile::create(path).with_context(|| format!("{}: cannot create", path.display()))?;
    {
        let mut w = csv::Writer::from_writer(&mut file);
        fill(&mut w).with_context(|| format!("{}: cannot write", path.display()))?;
        w.flush()
            .with_context(|| format!("{}: cannot write", path.display()))?;
    }
    file.commit()
        .with_context(|| format!("{}: cannot write", path.display()))
}

fn opt(x: Option<f64>) -> String {
    x.map_or(String::new(), |v| v.to_string())
}

/// Writes every file into `dir` (which must exist), and the directory's
/// manifest (`coalsim-manifest.json`).
pub fn write_all(dir: &Path, ex: &Exploration, r: &Report) -> anyhow::Result<()> {
    let keys: Vec<&str> = ex.uncertainties.iter().map(|u| u.key.as_str()).collect();
    csv_file(&dir.join("samples.csv"), |w| {
        let mut head = vec!["matrix", "row", "policy"];
        head.extend(&keys);
        head.extend(MEASURES.iter().map(|m| m.name));
        w.write_record(&head)?;
        for (i, pt) in ex.plan.points.iter().enumerate() {
            let values: Vec<String> = ex
                .uncertainties
                .iter()
                .zip(&pt.u)
                .map(|(u, &x)| value_text(&u.value(x)))
                .collect();
            for (p, pol) in ex.policies.iter().enumerate() {
                let mut rec = vec![pt.matrix.clone(), pt.row.to_string(), pol.name.clone()];
                rec.extend(values.iter().cloned());
                rec.extend((0..MEASURES.len()).map(|m| ex.value(i, p, m).to_string()));
                w.write_record(&rec)?;
            }
        }
        Ok(())
    })?;
    csv_file(&dir.join("robustness.csv"), |w| {
        w.write_record([
            "policy",
            "measure",
            "better",
            "mean",
            "worst_decile",
            "max_regret",
            "mean_regret",
            "best_share",
            "satisfice_threshold",
            "satisfice_share",
        ])?;
        for (m, def) in MEASURES.iter().enumerate() {
            for (p, pol) in ex.policies.iter().enumerate() {
                let rec = &r.robustness[m][p];
                w.write_record([
                    pol.name.clone(),
                    def.name.to_string(),
                    if def.higher_is_better {
                        "higher"
                    } else {
                        "lower"
                    }
                    .to_string(),
                    rec.mean.to_string(),
                    rec.worst_decile.to_string(),
                    rec.max_regret.to_string(),
                    rec.mean_regret.to_string(),
                    rec.best_share.to_string(),
                    if m == 0 {
                        ex.satisfice.to_string()
                    } else {
                        String::new()
                    },
                    opt(rec.satisfice_share),
                ])?;
            }
        }
        Ok(())
    })?;
    let x: Vec<Vec<f64>> = r.points.iter().map(|&s| ex.numbers(s)).collect();
    csv_file(&dir.join("prim.csv"), |w| {
        let mut head = vec![
            "policy".to_string(),
            "target".into(),
            "box".into(),
            "step".into(),
            "coverage".into(),
            "density".into(),
            "mass".into(),
            "points".into(),
        ];
        for k in &keys {
            head.push(format!("{k}:lo"));
            head.push(format!("{k}:hi"));
        }
        head.push("words".into());
        head.push("half_density_even".into());
        head.push("half_density_odd".into());
        head.push("half_lead_low_even".into());
        head.push("half_lead_low_odd".into());
        head.push("runner_up".into());
        head.push("lead_lo95".into());
        head.push("lead_hi95".into());
        head.push("held_out_lead".into());
        head.push("held_out_lo".into());
        head.push("held_out_hi".into());
        head.push("reported".into());
        w.write_record(&head)?;
        for t in &r.prim {
            let boxes = t
                .result
                .trajectory
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    (
                        if i == t.result.chosen {
                            "chosen"
                        } else {
                            "peel"
                        },
                        i,
                        b,
                    )
                })
                .chain(std::iter::once((
                    "pasted",
                    t.result.chosen,
                    &t.result.pasted,
                )));
            for (kind, step, b) in boxes {
                let mut rec = vec![
                    ex.policies[t.policy].name.clone(),
                    t.kind.to_string(),
                    kind.to_string(),
                    step.to_string(),
                    b.coverage.to_string(),
                    b.density.to_string(),
                    b.mass.to_string(),
                    b.points.to_string(),
                ];
                for j in 0..keys.len() {
                    rec.push(if b.lo[j].is_finite() {
                        b.lo[j].to_string()
                    } else {
                        String::new()
                    });
                    rec.push(if b.hi[j].is_finite() {
                        b.hi[j].to_string()
                    } else {
                        String::new()
                    });
                }
                rec.push(box_words(ex, b, &x).unwrap_or_default());
                // How the same search fared on the coalitions it was not
                // fitted on (two halves of the coalitions; blank where it
                // could not be measured), and whether explore reports the
                // box in words.
                let (even, odd) = t
                    .replication
                    .map_or((String::new(), String::new()), |(a, b)| {
                        (a.to_string(), b.to_string())
                    });
                rec.push(even);
                rec.push(odd);
                let (low_even, low_odd) = t
                    .lead_lows
                    .map_or((String::new(), String::new()), |(a, b)| {
                        (a.to_string(), b.to_string())
                    });
                rec.push(low_even);
                rec.push(low_odd);
                let (runner_up, lo, hi) =
                    t.lead
                        .map_or((String::new(), String::new(), String::new()), |l| {
                            (
                                ex.policies[l.runner_up].name.clone(),
                                l.lo.to_string(),
                                l.hi.to_string(),
                            )
                        });
                rec.push(runner_up);
                rec.push(lo);
                rec.push(hi);
                match t.held_out {
                    Some(h) => {
                        rec.push(h.lead.to_string());
                        rec.push(h.lo.to_string());
                        rec.push(h.hi.to_string());
                    }
                    None => rec.extend([String::new(), String::new(), String::new()]),
                }
                rec.push(t.reportable().to_string());
                w.write_record(&rec)?;
            }
        }
        Ok(())
    })?;
    csv_file(&dir.join("sensitivity.csv"), |w| {
        for row in &r.sensitivity {
            w.serialize(row)?;
        }
        Ok(())
    })?;
    let summary = serde_json::json!({
        "scenario": ex.scenario,
        "design": ex.plan.design.name(),
        "points": ex.plan.points.len(),
        "runs": ex.runs,
        "seed": ex.seed,
        "satisfice": ex.satisfice,
        "uncertain": ex.uncertainties.iter().map(|u| serde_json::json!({"key": u.key, "label": u.label, "spread": u.describe()})).collect::<Vec<_>>(),
        "policies": ex.policies.iter().map(|p| serde_json::json!({
            "name": p.name,
            "settings": p.settings.iter().map(|(k, v)| serde_json::json!({"key": k, "value": value_text(v)})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "robustness": MEASURES.iter().enumerate().map(|(m, def)| serde_json::json!({
            "measure": def.name,
            "better": if def.higher_is_better { "higher" } else { "lower" },
            "policies": ex.policies.iter().zip(&r.robustness[m]).map(|(p, rec)| {
                let mut v = serde_json::to_value(rec).unwrap_or_default();
                v["policy"] = serde_json::Value::from(p.name.clone());
                v
            }).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "recommended": ex.policies[r.recommended].name,
        "per_coalition": ex.policies.iter().enumerate().map(|(p, pol)| serde_json::json!({
            "policy": pol.name,
            "clearly_best_share": r.clearly_best.get(p).copied().flatten(),
            "clearly_behind_share": r.beaten.get(p).copied().flatten(),
        })).collect::<Vec<_>>(),
        "precision": ex.precision,
        "ranking": {
            "leader": ex.policies[r.ranking.leader].name,
            "stable": r.ranking.stable(),
            "all_equivalent": r.ranking.all_equivalent(),
            "top_group": r.ranking.top_group().iter().map(|&p| ex.policies[p].name.clone()).collect::<Vec<_>>(),
            "pairs": r.ranking.pairs.iter().map(|p| serde_json::json!({
                "policy": ex.policies[p.policy].name,
                "leader_minus_policy": p.diff,
                "lo": p.lo,
                "hi": p.hi,
                "standing": p.standing,
                "sd_across_coalitions": p.sd,
            })).collect::<Vec<_>>(),
        },
        "influence": r.influence.iter().map(|&j| ex.uncertainties[j].key.clone()).collect::<Vec<_>>(),
        "prim": r.prim.iter().map(|t| serde_json::json!({
            "policy": ex.policies[t.policy].name,
            "target": t.kind,
            "coverage": t.result.pasted.coverage,
            "density": t.result.pasted.density,
            "mass": t.result.pasted.mass,
            "words": box_words(ex, &t.result.pasted, &x),
            "half_densities": t.replication.map(|(a, b)| [a, b]),
            "half_bases": t.half_base.map(|(a, b)| [a, b]),
            "half_lead_lows": t.lead_lows.map(|(a, b)| [a, b]),
            "largest": t.largest.map(|l| serde_json::json!({
                "rival": ex.policies[l.rival].name,
                "inside": l.inside,
                "outside": l.outside,
                "diff": l.diff,
                "lo": l.lo,
                "hi": l.hi,
                "clear": l.clear(t.precision),
            })),
            "held_out": t.held_out.map(|h| serde_json::json!({
                "lead": h.lead,
                "lo": h.lo,
                "hi": h.hi,
            })),
            "lead": t.lead.map(|l| serde_json::json!({
                "runner_up": ex.policies[l.runner_up].name,
                "success": l.success,
                "runner_up_success": l.runner_up_success,
                "lo95": l.lo,
                "hi95": l.hi,
            })),
            "reported": t.reportable(),
        })).collect::<Vec<_>>(),
        "verdict": r.verdict,
    });
    let json = serde_json::to_string_pretty(&summary)?;
    write_atomic(&dir.join("summary.json"), format!("{json}\n").as_bytes())?;
    // The directory's manifest lists these files as explore's, and removes
    // what an earlier command (an earlier explore's other plots, a batch's
    // runs.csv) wrote there and this one does not; the plots, drawn next,
    // are added by `plots::explore::draw_all`.
    super::manifest::finish(dir, "explore", false)?;
    Ok(())
}

/// The report for a coalition lead: a table per policy, then the verdict.
pub fn plain_report(ex: &Exploration, r: &Report) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let design = match ex.plan.design {
        coalsim_core::study::explore::run::DesignKind::Lhs => "Latin hypercube",
        coalsim_core::study::explore::run::DesignKind::Sobol => "scrambled Sobol sequence",
        coalsim_core::study::explore::run::DesignKind::Saltelli => "Saltelli design",
        coalsim_core::study::explore::run::DesignKind::Morris => "Morris trajectories",
    };
    let np = ex.policies.len();
    let explored = r.points.len();
    let extra = ex.plan.points.len() - explored;
    let _ = writeln!(
        t,
        "{}: {explored} plausible coalitions ({design}{}) × {np} policies × {} runs = {} runs, seed {}.",
        ex.scenario,
        if extra > 0 {
            format!(
                ", plus {extra} rows that change one input at a time for the sensitivity indices"
            )
        } else {
            String::new()
        },
        ex.runs,
        ex.plan.points.len() as u64 * np as u64 * ex.runs,
        ex.seed
    );
    let _ = writeln!(
        t,
        "Uncertain: {}. Run i of every coalition and policy shares its random numbers.\n",
        ex.uncertainties
            .iter()
            .map(|u| format!("{} {}", u.label, u.describe()))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let width = ex
        .policies
        .iter()
        .map(|p| p.name.len())
        .max()
        .unwrap_or(6)
        .max(6);
    let _ = writeln!(
        t,
        "{:<width$}  {:>7}  {:>11}  {:>10}  {:>7}  {:>9}  {:>9}  {:>7}  {:>8}  {:>12}  {:>11}",
        "policy",
        "success",
        "worst tenth",
        "max regret",
        "best in",
        "behind in",
        format!("≥{:.2} in", ex.satisfice),
        "welfare",
        "progress",
        "weeks intact",
        "hours/month"
    );
    let share = |x: Option<f64>| x.map_or("–".to_string(), |v| format!("{:.0}%", 100.0 * v));
    for (p, pol) in ex.policies.iter().enumerate() {
        let s = &r.robustness[SUCCESS][p];
        let _ = writeln!(
            t,
            "{:<width$}  {:>7.2}  {:>11.2}  {:>10.2}  {:>7}  {:>9}  {:>9}  {:>7.2}  {:>8.2}  {:>12.1}  {:>11.1}",
            pol.name,
            s.mean,
            s.worst_decile,
            s.max_regret,
            format!("{:.0}%", 100.0 * s.best_share),
            share(r.beaten.get(p).copied().flatten()),
            format!("{:.0}%", 100.0 * s.satisfice_share.unwrap_or(0.0)),
            r.robustness[WELFARE][p].mean,
            r.robustness[PROGRESS][p].mean,
            r.robustness[LIFETIME][p].mean,
            r.robustness[HOURS][p].mean,
        );
    }
    // How well the levels are known; a share's margin past ±0.5 says
    // nothing (too few coalitions or runs).
    let margin = coalsim_core::study::explore::report::level_margin(ex, &r.points);
    let streams = if ex.runs == 1 {
        "the 1 run stream that every coalition shares".to_string()
    } else {
        format!("the {} run streams that every coalition shares", ex.runs)
    };
    let levels = if margin > 0.0 && margin < 0.5 {
        // Enough digits that a small margin never reads ±0.00.
        format!(
            "Each rule's mean success over the space sampled is known to about ±{} (95%, counting which coalitions were drawn and the luck of {streams})",
            coalsim_core::study::explore::report::uncertainty(margin)
        )
    } else if margin == 0.0 {
        format!(
            "Each rule's success does not vary at all across the coalitions drawn and {streams}, so how well its mean over the space sampled is known cannot be measured from them"
        )
    } else {
        format!(
            "Each rule's mean success over the space sampled is not known to better than ±0.5 from {} coalitions and {streams}: sample more, or give more runs",
            r.points.len()
        )
    };
    let _ = writeln!(
        t,
        "\n(success: mean over coalitions of the share of runs reaching the goal; worst tenth: its 10th percentile; max regret: the most success given up against the best policy of any one coalition; best in: share of coalitions where it has the highest success, a tie shared among the tied rules; behind in: share of coalitions where another policy is ahead on success by a paired 99% interval over that coalition's runs; welfare: how well the decisions served the members, weighted by their stakes, blocked proposals counted as well as passed ones; progress: share of the goal done at the end; weeks intact: mean weeks before the coalition fell apart, a run that reached its goal or the week limit counted at the week limit; hours/month: maintenance hours per member per month.)\n({levels}; the rules are compared on the same streams, which makes their differences firmer than the levels.)\n",
    );
    for line in &r.verdict {
        let _ = writeln!(t, "{line}");
    }
    t
}
