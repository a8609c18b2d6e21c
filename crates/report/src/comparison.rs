//! Tables of a comparison (sweep, lesson): CSV writers taking any writer,
//! the markdown table printed on the terminal, and the directory writer.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use super::files::{AtomicFile, write_atomic};
use coalsim_core::engine::RunSummary;
use coalsim_core::stats;
use coalsim_core::stats::{Diff, NO_INTERVAL};
use coalsim_core::study::batch;
use coalsim_core::study::compare::{Comparison, MEASURES};

/// `rounds.csv` of a comparison: a batch's `rounds.csv` per variant, with a
/// `variant` column first.
pub fn write_rounds<W: Write>(out: W, c: &Comparison) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    w.write_record(["variant", "round", "measure", "n", "mean", "sd", "lo", "hi"])?;
    for arm in &c.arms {
        for row in batch::round_rows(&arm.agg) {
            w.serialize((&arm.name, row))?;
        }
    }
    w.flush()?;
    Ok(())
}

/// `incidence.csv`: a batch's cumulative incidence of each ending per
/// variant, with a `variant` column first.
pub fn write_incidence<W: Write>(out: W, c: &Comparison) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    w.write_record([
        "variant",
        "round",
        "ending",
        "at_risk",
        "events",
        "incidence",
        "lower",
        "upper",
    ])?;
    for arm in &c.arms {
        for row in batch::incidence_rows(&arm.agg) {
            w.serialize((&arm.name, row))?;
        }
    }
    w.flush()?;
    Ok(())
}

/// `survival.csv`: a batch's Kaplan–Meier lifetime table per variant (any
/// ending ends a coalition; the round limit censors), with a `variant`
/// column first.
pub fn write_survival<W: Write>(out: W, c: &Comparison) -> csv::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(out);
    w.write_record([
        "variant", "round", "at_risk", "events", "censored", "survival", "lower", "upper",
    ])?;
    for arm in &c.arms {
        for row in batch::survival_rows(&arm.agg) {
            w.serialize((&arm.name, row))?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Whether a measure counts whole things per run (a yes/no, weeks,
/// decisions, members, exits): its mean over n runs is a whole sum over n.
fn whole(name: &str) -> bool {
    matches!(
        name,
        "success"
            | "sunset"
            | "dissolved"
            | "still_going"
            | "rounds"
            | "decisions_passed"
            | "decisions_blocked"
            | "negotiation_rounds"
            | "objection_rounds"
            | "fallback_votes"
            | "peak_members"
            | "final_members"
            | "voluntary_exits"
            | "abrupt_exits"
    )
}

/// The mean of a whole-number measure as its sum divided by the runs (the
/// running mean's last bits of error removed: 231 exits in 300 runs is
/// written 0.77, not 0.7700000000000001); other means as they are.
pub fn exact_mean(name: &str, mean: f64, n: u64) -> f64 {
    if whole(name) && n > 0 && mean.is_finite() {
        (mean * n as f64).round() / n as f64
    } else {
        mean
    }
}

/// `variants.csv`: one row per variant, its settings as columns, then the
/// success probability (Wilson 95%) and the mean of every measure.
pub fn write_variants<W: Write>(out: W, c: &Comparison) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    let keys: Vec<String> = {
        let mut k: Vec<String> = Vec::new();
        for a in &c.arms {
            for (key, _) in &a.settings {
                if !k.contains(key) {
                    k.push(key.clone());
                }
            }
        }
        k
    };
    let mut header = vec!["variant".to_string()];
    header.extend(keys.iter().cloned());
    header.extend(["runs", "success", "success_lo", "success_hi"].map(String::from));
    for m in MEASURES.iter().skip(1) {
        header.push(format!("mean_{}", m.name));
    }
    w.write_record(&header)?;
    for a in &c.arms {
        let mut row = vec![a.name.clone()];
        for k in &keys {
            row.push(
                a.settings
                    .iter()
                    .find(|(kk, _)| kk == k)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default(),
            );
        }
        let s = a.success(0.95);
        row.extend([
            a.runs.to_string(),
            s.estimate.to_string(),
            crate::tables::cell(s.lo),
            crate::tables::cell(s.hi),
        ]);
        for (m, wf) in MEASURES.iter().zip(&a.measures).skip(1) {
            row.push(exact_mean(m.name, wf.mean(), wf.count()).to_string());
        }
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// `comparison.csv`: every variant against its baseline (the first, or
/// the one `--baseline` names in its row of the grid), per measure, with
/// paired intervals at 95% and 99%.
pub fn write_comparison<W: Write>(out: W, c: &Comparison) -> csv::Result<()> {
    #[derive(Serialize)]
    struct Row<'a> {
        variant: &'a str,
        baseline: &'a str,
        measure: &'a str,
        baseline_mean: f64,
        variant_mean: f64,
        difference: f64,
        #[serde(serialize_with = "crate::tables::blank_nan")]
        lo95: f64,
        #[serde(serialize_with = "crate::tables::blank_nan")]
        hi95: f64,
        #[serde(serialize_with = "crate::tables::blank_nan")]
        lo99: f64,
        #[serde(serialize_with = "crate::tables::blank_nan")]
        hi99: f64,
        runs: usize,
    }
    let mut w = csv::Writer::from_writer(out);
    for (v, arm) in c.arms.iter().enumerate() {
        if arm.baseline == v {
            continue;
        }
        let base = &c.arms[arm.baseline];
        for (m, measure) in MEASURES.iter().enumerate() {
            let d95 = c.paired[v][m].interval(measure, 0.95);
            let d99 = c.paired[v][m].interval(measure, 0.99);
            w.serialize(Row {
                variant: &arm.name,
                baseline: &base.name,
                measure: measure.name,
                baseline_mean: exact_mean(
                    measure.name,
                    base.measures[m].mean(),
                    base.measures[m].count(),
                ),
                variant_mean: exact_mean(
                    measure.name,
                    arm.measures[m].mean(),
                    arm.measures[m].count(),
                ),
                difference: exact_mean(measure.name, d95.estimate, d95.n as u64),
                lo95: d95.lo,
                hi95: d95.hi,
                lo99: d99.lo,
                hi99: d99.hi,
                runs: d95.n,
            })?;
        }
    }
    w.flush()?;
    Ok(())
}

/// A streaming `runs.csv` writer with a `variant` column: into a file
/// written atomically ([`RunsWriter::create`]), or into any writer
/// ([`RunsWriter::new`], as the Python package collects it in memory).
pub struct RunsWriter<W: Write = AtomicFile> {
    file: W,
    header: bool,
}

impl RunsWriter<AtomicFile> {
    pub fn create(path: &Path) -> std::io::Result<RunsWriter> {
        Ok(RunsWriter::new(AtomicFile::create(path)?))
    }

    pub fn commit(self) -> std::io::Result<()> {
        self.file.commit()
    }
}

impl<W: Write> RunsWriter<W> {
    pub fn new(out: W) -> RunsWriter<W> {
        RunsWriter {
            file: out,
            header: false,
        }
    }

    /// Appends one run.
    pub fn push(&mut self, variant: &str, run: u64, seed: u64, s: &RunSummary) -> csv::Result<()> {
        let mut w = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(&mut self.file);
        if !self.header {
            let mut names = vec![
                "variant".to_string(),
                "run".into(),
                "seed".into(),
                "stream".into(),
            ];
            names.extend(summary_fields());
            w.write_record(&names)?;
            self.header = true;
        }
        w.serialize((variant, batch::RunId::new(run, seed), s))?;
        w.flush()?;
        Ok(())
    }

    /// The writer, with every pushed row in it.
    pub fn into_inner(self) -> W {
        self.file
    }
}

/// The column names of a [`RunSummary`], from serde.
pub fn summary_fields() -> Vec<String> {
    let mut buf = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let _ = w.serialize(RunSummary::example());
        let _ = w.flush();
    }
    let text = String::from_utf8_lossy(&buf);
    text.lines()
        .next()
        .unwrap_or_default()
        .split(',')
        .map(String::from)
        .collect()
}

/// Writes the comparison tables (not runs.csv, which streams) to `dir`.
pub fn write_tables(
    dir: &Path,
    c: &Comparison,
    summary_json: &serde_json::Value,
) -> anyhow::Result<()> {
    let table = |name: &str,
                 f: &dyn Fn(&mut AtomicFile) -> csv::Result<()>|
     -> anyhow::Result<()> {
        let path = dir.join(name);
        let mut file = AtomicFile::create(&path).map_err(|e| super::files::with_path(&path, e))?;
        f(&mut file).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        file.commit()
            .map_err(|e| super::files::with_path(&path, e))?;
        Ok(())
    };
    table("rounds.csv", &|f| write_rounds(f, c))?;
    table("incidence.csv", &|f| write_incidence(f, c))?;
    table("survival.csv", &|f| write_survival(f, c))?;
    table("variants.csv", &|f| write_variants(f, c))?;
    table("comparison.csv", &|f| write_comparison(f, c))?;
    let text = serde_json::to_string_pretty(summary_json)?;
    write_atomic(&dir.join("summary.json"), format!("{text}\n").as_bytes())?;
    Ok(())
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn signed(x: f64, digits: usize) -> String {
    format!("{:+.*}", digits, x)
}

/// One line for each variant in which at least
/// [`SplitShares::REPORTED`](coalsim_core::study::compare::SplitShares::REPORTED) of the
/// runs reached the goal with fewer than half of the most members the
/// coalition had ([`coalsim_core::engine::RunSummary::split_success`]),
/// with its success not counting them, and its baseline's; none
/// otherwise.
pub fn split_lines(c: &Comparison) -> Vec<String> {
    c.arms
        .iter()
        .enumerate()
        .filter(|(_, a)| a.split_shares().reported())
        .map(|(v, a)| {
            let base = &c.arms[a.baseline];
            let against = if a.baseline == v {
                String::new()
            } else {
                format!(
                    " (baseline '{}': {:.1}%)",
                    base.name,
                    100.0 * base.split_shares().kept
                )
            };
            let sh = a.split_shares();
            format!(
                "Reached by fewer than half: under '{}', {:.1}% of the runs reached the goal with fewer than half of the most members the coalition had ({:.1}% of its successes; more than half had left by the end). Not counting them, {:.1}% of its runs reached the goal{against}; the success figures here count them (docs/validation.md, \"The rump\").",
                a.name,
                100.0 * sh.of_runs,
                100.0 * sh.of_successes,
                100.0 * sh.kept,
            )
        })
        .collect()
}

/// The comparison as a markdown table: each variant, its success
/// probability (Wilson 95%), and its paired differences from the baseline.
pub fn markdown_table(c: &Comparison) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "| variant | success (95% CI) | Δ success vs baseline (paired 95% CI) | mean lifetime (rounds) | Δ lifetime | hours/member/month | Δ hours |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|---|");
    let index = |name: &str| coalsim_core::study::compare::measure(name).unwrap_or(0);
    let (hours, life) = (index("hours_per_member_month"), index("rounds"));
    for (v, a) in c.arms.iter().enumerate() {
        let sp = a.success(0.95);
        let cell = |m: usize, digits: usize, as_pct: bool| {
            if a.baseline == v {
                "baseline".to_string()
            } else {
                let d = c.paired[v][m].interval(&MEASURES[m], 0.95);
                let scale = if as_pct { 100.0 } else { 1.0 };
                let unit = if as_pct { " pts" } else { "" };
                if d.n < 2 {
                    format!(
                        "{}{unit} ({NO_INTERVAL})",
                        signed(scale * d.estimate, if as_pct { 1 } else { digits })
                    )
                } else if as_pct && no_run_differed(&c.paired[v][m]) {
                    "+0.0 pts (no run differed)".to_string()
                } else if as_pct {
                    format!(
                        "{} pts ({} to {})",
                        signed(100.0 * d.estimate, 1),
                        signed(100.0 * d.lo, 1),
                        signed(100.0 * d.hi, 1)
                    )
                } else {
                    format!(
                        "{} ({} to {})",
                        signed(d.estimate, digits),
                        signed(d.lo, digits),
                        signed(d.hi, digits)
                    )
                }
            }
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.1} | {} | {:.2} | {} |",
            a.name,
            if sp.lo.is_finite() {
                format!("{} ({}–{})", pct(sp.estimate), pct(sp.lo), pct(sp.hi))
            } else {
                format!("{} ({NO_INTERVAL})", pct(sp.estimate))
            },
            cell(0, 1, true),
            a.measures[life].mean(),
            cell(life, 1, false),
            a.measures[hours].mean(),
            cell(hours, 2, false),
        );
    }
    s
}

/// Whether no pair of runs differed on a yes/no measure: the McNemar-type
/// interval then has zero width, and the text says what happened instead.
fn no_run_differed(p: &coalsim_core::study::compare::PairedStats) -> bool {
    p.baseline_only == 0 && p.variant_only == 0
}

/// One measure's comparison of variant `v` to the baseline, in words.
pub fn reading(c: &Comparison, v: usize, m: usize, level: f64) -> String {
    let measure = &MEASURES[m];
    let d = c.paired[v][m].interval(measure, level);
    let (base, arm) = (&c.arms[c.arms[v].baseline], &c.arms[v]);
    let conf = format!("{:.0}%", level * 100.0);
    let excludes = d.lo > 0.0 || d.hi < 0.0;
    let (fmt_est, fmt_lo, fmt_hi, fmt_base, fmt_arm) = if measure.binary {
        (
            format!("{:.1} percentage points", 100.0 * d.estimate.abs()),
            format!("{:+.1}", 100.0 * d.lo),
            format!("{:+.1}", 100.0 * d.hi),
            pct(base.measures[m].mean()),
            pct(arm.measures[m].mean()),
        )
    } else {
        (
            format!("{:.3} {}", d.estimate.abs(), measure.unit),
            format!("{:+.3}", d.lo),
            format!("{:+.3}", d.hi),
            format!("{:.3}", base.measures[m].mean()),
            format!("{:.3}", arm.measures[m].mean()),
        )
    };
    let dir = if d.estimate > 0.0 { "raises" } else { "lowers" };
    if d.n < 2 {
        format!(
            "'{}' and '{}': {} {fmt_arm} vs {fmt_base} over one run each ({NO_INTERVAL}, so no conclusion).",
            arm.name, base.name, measure.label
        )
    } else if measure.binary && no_run_differed(&c.paired[v][m]) {
        format!(
            "'{}' and '{}' do not differ in {} ({fmt_arm} vs {fmt_base}): no run of the {} paired runs differed, so the data give no width to an interval.",
            arm.name, base.name, measure.label, d.n
        )
    } else if excludes {
        format!(
            "'{}' {dir} the {} by {fmt_est} compared with '{}' ({fmt_arm} vs {fmt_base}; paired {conf} interval {fmt_lo} to {fmt_hi}, over {} runs with the same random numbers).",
            arm.name, measure.label, base.name, d.n
        )
    } else {
        format!(
            "'{}' and '{}' do not differ clearly in {} ({fmt_arm} vs {fmt_base}; paired {conf} interval {fmt_lo} to {fmt_hi} includes zero).",
            arm.name, base.name, measure.label
        )
    }
}

/// One-sample reading of a measure's mean for arm `v` against zero.
pub fn reading_sign(c: &Comparison, v: usize, m: usize, level: f64) -> String {
    let measure = &MEASURES[m];
    let d = stats::mean_interval(&c.arms[v].measures[m], level);
    let conf = format!("{:.0}%", level * 100.0);
    if d.n < 2 {
        return format!(
            "In '{}', the mean {} is {:+.3} ({NO_INTERVAL}, so no conclusion).",
            c.arms[v].name, measure.label, d.estimate
        );
    }
    let verdict = if d.hi < 0.0 {
        "negative: each member acting alone would have done better"
    } else if d.lo > 0.0 {
        "positive: the coalition is worth more than acting alone"
    } else {
        "not clearly different from zero"
    };
    format!(
        "In '{}', the mean {} is {:+.3} ({conf} interval {:+.3} to {:+.3}): {verdict}.",
        c.arms[v].name, measure.label, d.estimate, d.lo, d.hi
    )
}

/// A lesson claim as a table row: (claim in words, measured effect with its
/// paired 99% interval, whether the interval lies on the claimed side of 0).
pub fn claim_row(
    c: &Comparison,
    claim: &coalsim_core::study::lessons::Claim,
) -> (String, String, bool) {
    use coalsim_core::study::lessons::Claim;
    match *claim {
        Claim::Paired {
            measure,
            variant,
            higher,
        } => {
            let m = coalsim_core::study::compare::measure(measure).unwrap_or(0);
            let meas = &MEASURES[m];
            let d = c.paired[variant][m].interval(meas, 0.99);
            let text = format!(
                "'{}' {} {} than '{}'",
                c.arms[variant].name,
                if higher {
                    "has a higher"
                } else {
                    "has a lower"
                },
                meas.label,
                c.arms[c.arms[variant].baseline].name
            );
            let scale = if meas.binary { 100.0 } else { 1.0 };
            let unit = if meas.binary { " pts" } else { "" };
            let effect = if d.n < 2 {
                format!("{:+.3}{unit} ({NO_INTERVAL})", scale * d.estimate)
            } else {
                format!(
                    "{:+.3}{unit} ({:+.3} to {:+.3})",
                    scale * d.estimate,
                    scale * d.lo,
                    scale * d.hi
                )
            };
            let holds = d.n >= 2 && if higher { d.lo > 0.0 } else { d.hi < 0.0 };
            (text, effect, holds)
        }
        Claim::AloneBetter { variant } => {
            let m = coalsim_core::study::compare::measure("value_over_alone").unwrap_or(0);
            let d = stats::mean_interval(&c.arms[variant].measures[m], 0.99);
            let text = format!(
                "in '{}', each member acting alone beats the coalition (value over acting alone < 0)",
                c.arms[variant].name
            );
            let effect = if d.n < 2 {
                format!("{:+.3} ({NO_INTERVAL})", d.estimate)
            } else {
                format!("{:+.3} ({:+.3} to {:+.3})", d.estimate, d.lo, d.hi)
            };
            (text, effect, d.n >= 2 && d.hi < 0.0)
        }
    }
}

/// How the endings of variant `v` differ from the baseline's at the round
/// limit, in one sentence: each ending's paired difference in cumulative
/// incidence with its 95% interval (McNemar-type, runs paired by their
/// random numbers).
pub fn endings_reading(c: &Comparison, v: usize, horizon: u32) -> String {
    let parts: Vec<String> = [
        ("success", "reached the goal"),
        ("sunset", "sunset"),
        ("dissolved", "fell apart"),
        ("still_going", "still going"),
    ]
    .iter()
    .filter_map(|&(name, words)| {
        let m = coalsim_core::study::compare::measure(name)?;
        let d = c.paired[v][m].interval(&MEASURES[m], 0.95);
        if d.n < 2 {
            return Some(format!(
                "{words} {} pts ({NO_INTERVAL})",
                signed(100.0 * d.estimate, 1)
            ));
        }
        if no_run_differed(&c.paired[v][m]) {
            // The paired interval has zero width here, which reads as
            // certainty; what is known is that the paired runs agreed.
            return Some(format!("{words} +0.0 pts (no run differed)"));
        }
        Some(format!(
            "{words} {} pts ({} to {})",
            signed(100.0 * d.estimate, 1),
            signed(100.0 * d.lo, 1),
            signed(100.0 * d.hi, 1)
        ))
    })
    .collect();
    format!(
        "Endings by week {horizon}, '{}' minus '{}' (paired 95% intervals): {}.",
        c.arms[v].name,
        c.arms[c.arms[v].baseline].name,
        parts.join("; ")
    )
}

/// A sweep's rule map in words: for each combination of the other keys
/// (a row of the grid), the decision rule with the highest success, and
/// whether it is clearly ahead of the runner-up (95% Wilson intervals
/// apart: the criterion of the rule map's picture, so the picture and the
/// words agree), after one line counting where each rule is best. `label`
/// names a key in words. Empty when the arms do not vary the rule.
pub fn rule_map_words(c: &Comparison, label: impl Fn(&str) -> String) -> Vec<String> {
    const RULE: &str = "governance.decision_rule";
    let rule_of = |a: &coalsim_core::study::compare::ArmStats| {
        a.settings
            .iter()
            .find(|(k, _)| k == RULE)
            .map(|(_, v)| v.clone())
    };
    if c.arms.iter().any(|a| rule_of(a).is_none()) {
        return Vec::new();
    }
    let others = |a: &coalsim_core::study::compare::ArmStats| -> Vec<(String, String)> {
        a.settings
            .iter()
            .filter(|(k, _)| k != RULE)
            .cloned()
            .collect()
    };
    let mut rows: Vec<Vec<(String, String)>> = Vec::new();
    for a in &c.arms {
        let o = others(a);
        if !rows.contains(&o) {
            rows.push(o);
        }
    }
    let mut lines = Vec::new();
    let mut best_count: Vec<(String, usize, usize)> = Vec::new();
    for row in &rows {
        let mut cell: Vec<(&coalsim_core::study::compare::ArmStats, Diff)> = c
            .arms
            .iter()
            .filter(|a| &others(a) == row)
            .map(|a| (a, a.success(0.95)))
            .collect();
        cell.sort_by(|x, y| {
            (y.0.successes * x.0.runs.max(1)).cmp(&(x.0.successes * y.0.runs.max(1)))
        });
        let Some((best, bs)) = cell.first() else {
            continue;
        };
        let name = rule_of(best).unwrap_or_default();
        let clear = cell.get(1).is_none_or(|(_, s2)| bs.lo > s2.hi);
        match best_count.iter_mut().find(|(r, _, _)| *r == name) {
            Some(e) => {
                e.1 += 1;
                e.2 += clear as usize;
            }
            None => best_count.push((name.clone(), 1, clear as usize)),
        }
        let place = if row.is_empty() {
            "Every setting".to_string()
        } else {
            row.iter()
                .map(|(k, v)| format!("{} = {v}", label(k)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let rest = match cell.get(1) {
            None => String::new(),
            Some((second, s2)) => format!(
                ", {} {} {} (95% intervals {})",
                if clear {
                    "clearly ahead of"
                } else {
                    "not told apart from"
                },
                rule_of(second).unwrap_or_default(),
                pct(s2.estimate),
                if clear { "apart" } else { "overlap" }
            ),
        };
        lines.push(format!("  {place}: {name} {}{rest}.", pct(bs.estimate)));
    }
    best_count.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let summary = best_count
        .iter()
        .map(|(r, n, k)| format!("{r} in {n} (clearly in {k})"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut out = vec![format!(
        "Rule map: the rule with the highest success in each of the {} rows of the grid — {summary}:",
        rows.len()
    )];
    out.extend(lines);
    out
}
