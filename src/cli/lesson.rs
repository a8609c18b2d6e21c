//! The lesson library (`coalsim lesson`).

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::bail;
use clap::Args;

use coalsim_report::shard::{Fingerprint, Shard, ShardShare, finish_shard, parse_shard};

use coalsim_core::scenario::ScenarioFile;
use coalsim_core::study::compare::CompareConfig;

/// Arguments of `coalsim lesson`.
#[derive(Debug, Args)]
pub struct LessonArgs {
    /// Lesson name; without it, the lessons are listed.
    pub name: Option<String>,
    /// Run every lesson (with --markdown: print the docs/lessons.md table).
    #[arg(long, conflicts_with = "name")]
    pub all: bool,
    /// Print a markdown table row per claim instead of the reading.
    #[arg(long)]
    pub markdown: bool,
    /// Runs per variant.
    #[arg(long, default_value_t = 2000, allow_negative_numbers = true, value_parser = super::runs_arg::<10_000_000>)]
    pub runs: u64,
    /// Seed (default: the lesson scenario's `seed`).
    #[arg(long, allow_negative_numbers = true, value_parser = super::seed_arg)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output directory (one sub-directory per lesson).
    #[arg(long, default_value = "coalsim-out/lessons")]
    pub out: PathBuf,
    /// Skip the plots.
    #[arg(long)]
    pub no_plots: bool,
    /// Ablation: measure each claim again with each link of its causal
    /// chain cut, and say whether the effect shrinks (99% paired interval).
    #[arg(long, conflicts_with = "robust")]
    pub ablate: bool,
    /// Robustness panel: measure each claim with general parameters ×0.5
    /// and ×2; exits with an error when a claim reverses (99% interval).
    #[arg(long)]
    pub robust: bool,
    /// Run only shard K of N (K = 0 to N-1) of the runs of every variant
    /// and write a shard folder; `coalsim merge OUT SHARD...` turns the N
    /// shard folders into the lesson folders. Not with --ablate or --robust
    /// (they only print).
    #[arg(long, value_name = "K/N", value_parser = parse_shard, conflicts_with_all = ["ablate", "robust"])]
    pub shard: Option<Shard>,
}

/// Runs `coalsim lesson`.
pub fn run(args: &LessonArgs) -> anyhow::Result<()> {
    use coalsim_core::study::lessons::LESSONS;
    let mut out = std::io::stdout().lock();
    let chosen: Vec<&coalsim_core::study::lessons::Lesson> = match (&args.name, args.all) {
        (Some(name), _) => vec![coalsim_core::study::lessons::find(name).ok_or_else(|| {
            anyhow::anyhow!(
                "no lesson named `{name}`; allowed: {}",
                LESSONS
                    .iter()
                    .map(|l| l.name)
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })?],
        (None, true) => LESSONS.iter().collect(),
        (None, false) => {
            writeln!(
                out,
                "{} lessons (run one with `coalsim lesson NAME`):\n",
                LESSONS.len()
            )?;
            for l in LESSONS {
                let file = ScenarioFile::load(coalsim_core::scenario::Source {
                    name: format!("lesson {}", l.name),
                    text: l.toml.to_string(),
                })?;
                writeln!(out, "  {:<24} {}", l.name, file.base.lesson)?;
            }
            return Ok(());
        }
    };
    if args.ablate || args.robust {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(args.threads.unwrap_or(0) as usize)
            .build()?;
        drop(out);
        return pool.install(|| {
            let mut out = std::io::stdout().lock();
            if args.ablate {
                ablation_report(&chosen, args, &mut out)
            } else {
                robustness_report(&chosen, args, &mut out)
            }
        });
    }
    if let Some(sh) = args.shard {
        return shard_run(&chosen, args, sh);
    }
    if args.markdown {
        markdown_header(&mut out, args.runs)?;
    }
    for l in chosen {
        let file = coalsim_core::study::ablation::lesson_file(l)?;
        let arms = coalsim_core::study::sweep::arms(&file, &[])?;
        let cfg = CompareConfig {
            runs: args.runs,
            seed: args.seed.unwrap_or(file.base.seed),
            chunk: 256,
        };
        let dir = args.out.join(l.name);
        let c = coalsim_report::sweep::run_comparison(
            &arms,
            &cfg,
            args.threads.map(|t| t as usize),
            &dir,
            &file.base.name,
            None,
            &[],
            !args.no_plots,
        )?;
        coalsim_report::manifest::finish(&dir, "lesson", false)?;
        report(&mut out, l, &file, &arms, &cfg, &c, args.markdown, &dir)?;
    }
    Ok(())
}

fn markdown_header(out: &mut impl Write, runs: u64) -> anyhow::Result<()> {
    writeln!(
        out,
        "| lesson | claim (texts) | measured effect, 99% interval (paired between variants; {runs} runs per variant) | holds | causal path in the model |",
    )?;
    writeln!(out, "|---|---|---|---|---|")?;
    Ok(())
}

/// The scenario texts of the chosen lessons, as one fingerprinted text.
fn lessons_text(chosen: &[&coalsim_core::study::lessons::Lesson]) -> String {
    chosen
        .iter()
        .map(|l| format!("# lesson {}\n{}", l.name, l.toml))
        .collect()
}

/// The flags that shape a lesson's files and words, as a shard records
/// them.
fn flags(args: &LessonArgs) -> Vec<String> {
    let mut f = Vec::new();
    if let Some(n) = &args.name {
        f.push(n.clone());
    }
    if args.all {
        f.push("--all".into());
    }
    if args.markdown {
        f.push("--markdown".into());
    }
    if let Some(s) = args.seed {
        f.push(format!("--seed={s}"));
    }
    if args.no_plots {
        f.push("--no-plots".into());
    }
    f
}

/// `coalsim lesson ... --shard K/N`: shard K of the runs of every chosen
/// lesson, one sub-folder per lesson, and one shard.json.
fn shard_run(
    chosen: &[&coalsim_core::study::lessons::Lesson],
    args: &LessonArgs,
    sh: Shard,
) -> anyhow::Result<()> {
    let range = coalsim_core::study::batch::shard_range(args.runs, sh.k, sh.n);
    let mut first_seed = None;
    for l in chosen {
        let file = coalsim_core::study::ablation::lesson_file(l)?;
        let arms = coalsim_core::study::sweep::arms(&file, &[])?;
        let cfg = CompareConfig {
            runs: args.runs,
            seed: args.seed.unwrap_or(file.base.seed),
            chunk: 256,
        };
        first_seed.get_or_insert(cfg.seed);
        let dir = args.out.join(l.name);
        coalsim_report::sweep::run_runs(
            &arms,
            &cfg,
            args.threads.map(|t| t as usize),
            &dir,
            range.clone(),
            Some(&dir.join("segments.cbor")),
        )?;
    }
    let names: Vec<&str> = chosen.iter().map(|l| l.name).collect();
    let fp = Fingerprint::command(
        "lesson",
        &format!("lessons {}", names.join(", ")),
        &lessons_text(chosen),
        first_seed.unwrap_or(0),
        args.runs,
        flags(args),
        Some(sh.pair()),
    );
    let share = ShardShare {
        shard: sh,
        unit: "runs",
        segments: coalsim_core::study::batch::segment_count_in(&range, args.runs),
        range: range.clone(),
    };
    finish_shard(&args.out, &fp, &share, None)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Shard {}/{} of {} lesson(s) ({}) × {} runs per variant: runs {}..{} written in {}.",
        sh.k,
        sh.n,
        chosen.len(),
        names.join(", "),
        args.runs,
        range.start,
        range.end,
        args.out.display()
    )?;
    writeln!(out, "{}", sh.merge_hint())?;
    Ok(())
}

/// `coalsim merge` of lesson shards.
pub fn merge(out_dir: &Path, shards: &coalsim_report::merge::Shards) -> anyhow::Result<()> {
    let fp = &shards[0].1.fingerprint;
    // A lesson's seed is in its flags only when given (each lesson has its own).
    let args: LessonArgs = super::shard_args(shards, false)?;
    let chosen: Vec<&coalsim_core::study::lessons::Lesson> = match &args.name {
        Some(name) => vec![coalsim_core::study::lessons::find(name).ok_or_else(|| {
            anyhow::anyhow!("the shards are of lesson `{name}`, which this coalsim does not have")
        })?],
        None => coalsim_core::study::lessons::LESSONS.iter().collect(),
    };
    if coalsim_report::shard::hash_text(&lessons_text(&chosen)) != fp.scenario_hash {
        bail!(
            "{}: the shards ran other lesson scenarios than this coalsim's ({}); merge with the coalsim that wrote them",
            shards[0].0.display(),
            fp.scenario_file
        );
    }
    let merged = coalsim_report::merge::merged_line(shards, out_dir);
    let mut out = std::io::stdout().lock();
    if args.markdown {
        eprintln!("{}", merged.trim_end());
        markdown_header(&mut out, args.runs)?;
    } else {
        writeln!(out, "{merged}")?;
    }
    for l in chosen {
        let file = coalsim_core::study::ablation::lesson_file(l)?;
        let arms = coalsim_core::study::sweep::arms(&file, &[])?;
        let cfg = CompareConfig {
            runs: args.runs,
            seed: args.seed.unwrap_or(file.base.seed),
            chunk: 256,
        };
        let dir = out_dir.join(l.name);
        let c = coalsim_report::sweep::merge_comparison(
            shards,
            Path::new(l.name),
            &arms,
            &cfg,
            &dir,
            &file.base.name,
            None,
            &[],
            !args.no_plots,
        )?;
        coalsim_report::manifest::finish(&dir, "lesson", false)?;
        report(&mut out, l, &file, &arms, &cfg, &c, args.markdown, &dir)?;
    }
    Ok(())
}

/// What `coalsim lesson` prints about one lesson.
#[allow(clippy::too_many_arguments)]
fn report(
    out: &mut impl Write,
    l: &coalsim_core::study::lessons::Lesson,
    file: &ScenarioFile,
    arms: &[coalsim_core::study::compare::Arm],
    cfg: &CompareConfig,
    c: &coalsim_core::study::compare::Comparison,
    markdown: bool,
    dir: &Path,
) -> anyhow::Result<()> {
    use coalsim_core::study::lessons::Claim;
    if markdown {
        for claim in l.claims {
            let (text, effect, holds) = coalsim_report::comparison::claim_row(c, claim);
            writeln!(
                out,
                "| `{}` | {text} | {effect} | {} | {} |",
                l.name,
                if holds { "yes" } else { "NO" },
                l.path
            )?;
        }
        return Ok(());
    }
    writeln!(out, "LESSON: {} — {}", file.base.name, file.base.lesson)?;
    writeln!(out, "Where the texts say it: \"{}\".", l.section)?;
    writeln!(
        out,
        "{} variants × {} runs with common random numbers (seed {}).\n",
        arms.len(),
        cfg.runs,
        cfg.seed
    )?;
    write!(out, "{}", coalsim_report::comparison::markdown_table(c))?;
    for line in coalsim_report::comparison::split_lines(c) {
        writeln!(out, "{line}")?;
    }
    let voa = coalsim_core::study::compare::measure("value_over_alone").unwrap_or(0);
    let values: Vec<String> = c
        .arms
        .iter()
        .map(|a| {
            let d = coalsim_core::stats::mean_interval(&a.measures[voa], 0.95);
            if d.n < 2 {
                format!(
                    "'{}' {:+.3} ({})",
                    a.name,
                    d.estimate,
                    coalsim_core::stats::NO_INTERVAL
                )
            } else {
                format!(
                    "'{}' {:+.3} ({:+.3} to {:+.3})",
                    a.name, d.estimate, d.lo, d.hi
                )
            }
        })
        .collect();
    writeln!(
        out,
        "\nValue over each member acting alone (goal = 1, 95% CI): {}.",
        values.join("; ")
    )?;
    writeln!(out, "\nReading:")?;
    for claim in l.claims {
        let sentence = match *claim {
            Claim::Paired {
                measure, variant, ..
            } => {
                let m = coalsim_core::study::compare::measure(measure).unwrap_or(0);
                coalsim_report::comparison::reading(c, variant, m, 0.99)
            }
            Claim::AloneBetter { variant } => {
                let m = coalsim_core::study::compare::measure("value_over_alone").unwrap_or(0);
                coalsim_report::comparison::reading_sign(c, variant, m, 0.99)
            }
        };
        let (_, _, holds) = coalsim_report::comparison::claim_row(c, claim);
        writeln!(
            out,
            "  {sentence} {}",
            if holds {
                "This is what the texts claim."
            } else if c.runs < 2 {
                "One run cannot tell whether the model shows what the texts claim; run more (--runs)."
            } else {
                "The model does NOT show what the texts claim here."
            }
        )?;
    }
    writeln!(out, "\nFiles and plots: {}/\n", dir.display())?;
    Ok(())
}

fn signed(d: &coalsim_core::stats::Diff, pct: bool) -> String {
    let k = if pct { 100.0 } else { 1.0 };
    if !(d.lo.is_finite() && d.hi.is_finite()) {
        // One run per arm (`--runs 1`): an estimate without an interval.
        return format!(
            "{:+.3} ({})",
            k * d.estimate,
            coalsim_core::stats::NO_INTERVAL
        );
    }
    format!(
        "{:+.3} ({:+.3} to {:+.3})",
        k * d.estimate,
        k * d.lo,
        k * d.hi
    )
}

fn claim_label(
    l: &coalsim_core::study::lessons::Lesson,
    claim: &coalsim_core::study::lessons::Claim,
) -> String {
    use coalsim_core::study::lessons::Claim;
    let file = coalsim_core::study::ablation::lesson_file(l).ok();
    let name = |v: usize| {
        file.as_ref()
            .and_then(|f| f.base.variant.get(v))
            .map(|v| v.name.clone())
            .unwrap_or_else(|| format!("variant {v}"))
    };
    match *claim {
        Claim::Paired {
            measure,
            variant,
            higher,
        } => format!(
            "{} {} in '{}' than '{}'",
            measure,
            if higher { "higher" } else { "lower" },
            name(variant),
            name(0)
        ),
        Claim::AloneBetter { variant } => {
            format!("acting alone beats '{}'", name(variant))
        }
    }
}

fn is_pct(claim: &coalsim_core::study::lessons::Claim) -> bool {
    matches!(
        claim,
        coalsim_core::study::lessons::Claim::Paired {
            measure: "success",
            ..
        }
    )
}

/// `coalsim lesson --ablate`.
fn ablation_report(
    chosen: &[&coalsim_core::study::lessons::Lesson],
    args: &LessonArgs,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    if args.markdown {
        writeln!(
            out,
            "| lesson | claim | link cut | effect (99% CI) | effect with the link cut | change | carries |"
        )?;
        writeln!(out, "|---|---|---|---|---|---|---|")?;
    }
    for l in chosen {
        if l.links.is_empty() {
            if !args.markdown {
                writeln!(out, "{}: no causal links listed for ablation.\n", l.name)?;
            }
            continue;
        }
        if !args.markdown {
            writeln!(
                out,
                "ABLATION: {} ({} runs per arm, common random numbers, 99% intervals; success in percentage points)",
                l.name, args.runs
            )?;
        }
        for claim in l.claims {
            let label = claim_label(l, claim);
            let pct = is_pct(claim);
            for link in l.links {
                let a = coalsim_core::study::ablation::ablate(
                    l, claim, link, args.runs, args.seed, 0.99,
                )?;
                let carries = a.carries();
                if args.markdown {
                    writeln!(
                        out,
                        "| `{}` | {label} | {} | {} | {} | {} | {} |",
                        l.name,
                        link.name,
                        signed(&a.effect, pct),
                        signed(&a.ablated, pct),
                        signed(&a.change, pct),
                        if a.floor {
                            "no (floor)"
                        } else if carries {
                            "yes"
                        } else {
                            "no"
                        }
                    )?;
                } else {
                    writeln!(
                        out,
                        "  {label}: cutting '{}' changes the effect from {} to {}: change {}; {}",
                        link.name,
                        signed(&a.effect, pct),
                        signed(&a.ablated, pct),
                        signed(&a.change, pct),
                        if a.floor {
                            "with it cut, both arms give the same value in every run (a floor): the cut cannot show whether this link carries the effect."
                        } else if carries {
                            "this link carries the effect."
                        } else {
                            "this link does NOT carry the effect measurably."
                        }
                    )?;
                }
            }
        }
        if !args.markdown {
            writeln!(out)?;
        }
    }
    Ok(())
}

/// `coalsim lesson --robust`.
fn robustness_report(
    chosen: &[&coalsim_core::study::lessons::Lesson],
    args: &LessonArgs,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let perturbations = coalsim_core::study::ablation::perturbations();
    let mut reversed = Vec::new();
    if args.markdown {
        write!(out, "| lesson | claim |")?;
        for p in &perturbations {
            write!(
                out,
                " {} ×{} |",
                p.key.rsplit('.').next().unwrap_or(p.key),
                p.factor
            )?;
        }
        writeln!(out, " holds |")?;
        write!(out, "|---|---|")?;
        for _ in &perturbations {
            write!(out, "---|")?;
        }
        writeln!(out, "---|")?;
    }
    for l in chosen {
        // rows[claim][perturbation]
        let mut rows: Vec<Vec<Option<coalsim_core::study::ablation::Robustness>>> =
            vec![Vec::new(); l.claims.len()];
        for p in &perturbations {
            match coalsim_core::study::ablation::robust(l, p, args.runs, 0.99) {
                Ok(rs) => {
                    for (c, r) in rs.into_iter().enumerate() {
                        rows[c].push(Some(r));
                    }
                }
                Err(_) => rows.iter_mut().for_each(|r| r.push(None)),
            }
        }
        for (c, claim) in l.claims.iter().enumerate() {
            let pct = is_pct(claim);
            let label = claim_label(l, claim);
            let cells = &rows[c];
            let valid = cells.iter().flatten().count();
            let holds = cells.iter().flatten().filter(|r| r.holds).count();
            for r in cells.iter().flatten().filter(|r| r.reverses) {
                reversed.push(format!("{} ({label}) with {} ×{}", l.name, r.key, r.factor));
            }
            if args.markdown {
                write!(out, "| `{}` | {label} |", l.name)?;
                for r in cells {
                    match r {
                        Some(r) => write!(
                            out,
                            " {:+.3}{} |",
                            if pct { 100.0 } else { 1.0 } * r.effect.estimate,
                            if r.holds {
                                ""
                            } else if r.reverses {
                                " REVERSED"
                            } else {
                                " (n.s.)"
                            }
                        )?,
                        None => write!(out, " n/a |")?,
                    }
                }
                writeln!(out, " {holds}/{valid} |")?;
            } else {
                writeln!(
                    out,
                    "{}: {label}: holds in {holds} of {valid} perturbations ({} runs per arm, 99% intervals)",
                    l.name, args.runs
                )?;
                for r in cells.iter().flatten() {
                    writeln!(
                        out,
                        "  {} ×{}: {} {}",
                        r.key,
                        r.factor,
                        signed(&r.effect, pct),
                        if r.holds {
                            "holds"
                        } else if r.reverses {
                            "REVERSED"
                        } else {
                            "not significant"
                        }
                    )?;
                }
            }
        }
    }
    if !reversed.is_empty() {
        anyhow::bail!(
            "{} claim(s) reversed under a perturbation: {}",
            reversed.len(),
            reversed.join("; ")
        );
    }
    Ok(())
}
