//! The lesson library (`coalsim lesson`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use crate::compare::CompareConfig;
use crate::scenario::ScenarioFile;

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
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub runs: u64,
    /// Seed (default: the lesson scenario's `seed`).
    #[arg(long)]
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
}

/// Runs `coalsim lesson`.
pub fn run(args: &LessonArgs) -> anyhow::Result<()> {
    use crate::lessons::{Claim, LESSONS};
    let mut out = std::io::stdout().lock();
    let chosen: Vec<&crate::lessons::Lesson> = match (&args.name, args.all) {
        (Some(name), _) => vec![crate::lessons::find(name).ok_or_else(|| {
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
                let file = ScenarioFile::load(crate::scenario::Source {
                    name: format!("lesson {}", l.name),
                    text: l.toml.to_string(),
                })?;
                writeln!(out, "  {:<24} {}", l.name, file.base.lesson)?;
            }
            return Ok(());
        }
    };
    if args.markdown {
        writeln!(
            out,
            "| lesson | claim (texts) | measured effect, 99% interval (paired between variants; {} runs per variant) | holds | causal path in the model |",
            args.runs
        )?;
        writeln!(out, "|---|---|---|---|---|")?;
    }
    for l in chosen {
        let file = ScenarioFile::load(crate::scenario::Source {
            name: format!("scenarios/{}.toml", l.name),
            text: l.toml.to_string(),
        })?;
        let arms = crate::sweep::arms(&file, &[])?;
        let cfg = CompareConfig {
            runs: args.runs,
            seed: args.seed.unwrap_or(file.base.seed),
            chunk: 256,
        };
        let c = crate::sweep::run_comparison(
            &arms,
            &cfg,
            args.threads.map(|t| t as usize),
            &args.out.join(l.name),
            &file.base.name,
            None,
            !args.no_plots,
        )?;
        crate::output::manifest::finish(&args.out.join(l.name), "lesson", false)?;
        if args.markdown {
            for claim in l.claims {
                let (text, effect, holds) = crate::output::comparison::claim_row(&c, claim);
                writeln!(
                    out,
                    "| `{}` | {text} | {effect} | {} | {} |",
                    l.name,
                    if holds { "yes" } else { "NO" },
                    l.path
                )?;
            }
            continue;
        }
        writeln!(out, "LESSON: {} — {}", file.base.name, file.base.lesson)?;
        writeln!(out, "Where the texts say it: \"{}\".", l.section)?;
        writeln!(
            out,
            "{} variants × {} runs with common random numbers (seed {}).\n",
            arms.len(),
            args.runs,
            cfg.seed
        )?;
        write!(out, "{}", crate::output::comparison::markdown_table(&c))?;
        let voa = crate::compare::measure("value_over_alone").unwrap_or(0);
        let values: Vec<String> = c
            .arms
            .iter()
            .map(|a| {
                let d = crate::stats::mean_interval(&a.measures[voa], 0.95);
                format!(
                    "'{}' {:+.3} ({:+.3} to {:+.3})",
                    a.name, d.estimate, d.lo, d.hi
                )
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
                    let m = crate::compare::measure(measure).unwrap_or(0);
                    crate::output::comparison::reading(&c, variant, m, 0.99)
                }
                Claim::AloneBetter { variant } => {
                    let m = crate::compare::measure("value_over_alone").unwrap_or(0);
                    crate::output::comparison::reading_sign(&c, variant, m, 0.99)
                }
            };
            let (_, _, holds) = crate::output::comparison::claim_row(&c, claim);
            writeln!(
                out,
                "  {sentence} {}",
                if holds {
                    "This is what the texts claim."
                } else {
                    "The model does NOT show what the texts claim here."
                }
            )?;
        }
        writeln!(
            out,
            "\nFiles and plots: {}/\n",
            args.out.join(l.name).display()
        )?;
    }
    Ok(())
}
