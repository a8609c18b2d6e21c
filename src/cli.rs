//! Command-line interface: clap types and dispatch. No model logic here.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

use crate::compare::CompareConfig;
use crate::engine::Simulation;
use crate::narrative;
use crate::output::files::{AtomicFile, ensure_dir, write_atomic};
use crate::output::tables::{EventRow, write_rows};
use crate::scenario::ScenarioFile;

/// coalsim: simulate coalitions under governance rules.
///
/// Every command works without a scenario file: the embedded default
/// scenario (a city housing coalition) is used.
#[derive(Debug, Parser)]
#[command(name = "coalsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// One run, narrated round by round; writes rounds.csv and events.csv.
    Run(RunArgs),
    /// Validate a scenario and print it fully resolved.
    Check(CheckArgs),
    /// Compare variants with common random numbers: a grid of --vary
    /// overrides, or the scenario's own [[variant]]s.
    Sweep(SweepArgs),
    /// The lesson library: list lessons, or run one and read its result.
    Lesson(LessonArgs),
    /// Redraw the plots of a result directory from its CSV files.
    Plot(PlotArgs),
    /// Power indices (Shapley–Shubik, Banzhaf) of a weighted voting rule.
    Power(crate::power::cli::PowerArgs),
    /// Monte Carlo replications in parallel: runs.csv, rounds.csv, survival.csv, summary.json
    Batch(crate::batch_cli::BatchArgs),
}

/// Arguments of `coalsim sweep`.
#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// KEY=V1,V2,... or KEY=START..END:STEP, KEY a dotted path into the
    /// scenario (governance.decision_rule, governance.checkin_every,
    /// population.count, ...). Repeat for a grid; the first combination is
    /// the baseline.
    #[arg(long = "vary", value_name = "KEY=VALUES")]
    pub vary: Vec<String>,
    /// Runs per variant.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub runs: u64,
    /// Seed (default: the scenario's `seed`); run i of every variant uses
    /// the same random stream.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub threads: Option<u64>,
    /// Output directory.
    #[arg(long, default_value = "coalsim-out/sweep")]
    pub out: PathBuf,
    /// Skip the plots.
    #[arg(long)]
    pub no_plots: bool,
}

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

/// Arguments of `coalsim plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A directory written by batch, sweep or lesson.
    pub dir: PathBuf,
}

/// Arguments of `coalsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// Seed (default: the scenario's `seed`).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Run one of the scenario's [[variant]]s instead of the base scenario.
    #[arg(long)]
    pub variant: Option<String>,
    /// Output directory.
    #[arg(long, default_value = "coalsim-out/run")]
    pub out: PathBuf,
    /// Print a status line every N rounds (0 = never).
    #[arg(long, default_value_t = 8)]
    pub every: u32,
    /// Print only the verdict.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Arguments of `coalsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run(args) => run_one(&args),
        Command::Check(args) => check(&args),
        Command::Sweep(args) => sweep(&args),
        Command::Lesson(args) => lesson(&args),
        Command::Plot(args) => plot(&args),
        Command::Power(args) => crate::power::cli::run(&args),
        Command::Batch(args) => crate::batch_cli::run(&args),
    }
}

fn open(path: Option<&Path>) -> anyhow::Result<ScenarioFile> {
    Ok(ScenarioFile::open(path)?)
}

fn check(args: &CheckArgs) -> anyhow::Result<()> {
    let file = open(args.scenario.as_deref())?;
    let variants = file.variants()?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# {}: valid. {} agents, {} issues, rule `{}`, {} variant(s).",
        file.source.name,
        file.base.agent_count(),
        file.base.issues,
        file.base.governance.decision_rule.name(),
        variants.len()
    )?;
    for v in &variants {
        let settings: Vec<String> = v
            .settings
            .iter()
            .map(|(k, val)| format!("{k} = {val}"))
            .collect();
        writeln!(out, "# variant `{}`: {}", v.name, settings.join(", "))?;
    }
    writeln!(
        out,
        "# The fully resolved scenario (every default filled in):"
    )?;
    write!(out, "{}", file.base.to_toml())?;
    Ok(())
}

fn run_one(args: &RunArgs) -> anyhow::Result<()> {
    let file = open(args.scenario.as_deref())?;
    let chosen;
    let s = match &args.variant {
        None => &file.base,
        Some(name) => {
            let variants = file.variants()?;
            let names: Vec<String> = variants.iter().map(|v| v.name.clone()).collect();
            chosen = variants
                .into_iter()
                .find(|v| &v.name == name)
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "{}: --variant: no variant named `{name}`; allowed: {}",
                        file.source.name,
                        if names.is_empty() {
                            "none (the file has no [[variant]])".to_string()
                        } else {
                            names.join(", ")
                        }
                    )
                })?
                .scenario;
            &chosen
        }
    };
    let seed = args.seed.unwrap_or(s.seed);
    ensure_dir(&args.out)?;
    let mut sim = Simulation::new(s, seed, 0);
    let mut out = std::io::stdout().lock();
    if !args.quiet {
        match &args.variant {
            Some(v) => writeln!(out, "{} (variant `{v}`) — one run, seed {seed}", s.name)?,
            None => writeln!(out, "{} — one run, seed {seed}", s.name)?,
        }
        if !s.description.is_empty() {
            writeln!(out, "{}", s.description)?;
        }
        writeln!(
            out,
            "Rule: {}; governance set up {}; check-ins {}; exit {}.",
            s.governance.decision_rule.name(),
            match s.governance.setup {
                crate::scenario::Setup::Early => "early",
                crate::scenario::Setup::OnConflict => "only when a conflict forces it",
            },
            if s.governance.checkin_every == 0 {
                "never".to_string()
            } else {
                format!("every {} round(s)", s.governance.checkin_every)
            },
            match s.governance.exit_protocol {
                crate::scenario::ExitProtocol::Graceful => "graceful",
                crate::scenario::ExitProtocol::None => "without a protocol",
            }
        )?;
        let members: Vec<&str> = (0..sim.world.n)
            .filter(|&i| sim.world.is_member(i))
            .map(|i| sim.world.names[i].as_str())
            .collect();
        writeln!(
            out,
            "round 0: the coalition starts with {}",
            members.join(", ")
        )?;
    }
    let mut rounds = Vec::with_capacity(s.max_rounds as usize);
    // Round 0's events (the start of setup) come with the first step.
    let mut events = Vec::new();
    let (mut passed, mut blocked) = (0, 0);
    while sim.outcome.is_none() {
        sim.step();
        let rec = sim.record();
        passed += rec.decisions_passed;
        blocked += rec.decisions_blocked;
        for e in &sim.events {
            events.push(EventRow::of(e, &sim.world));
        }
        if !args.quiet {
            for line in narrative::narrate_events(&sim.events, &sim.world) {
                writeln!(out, "{line}")?;
            }
            if args.every > 0 && rec.round % args.every == 0 && sim.outcome.is_none() {
                writeln!(out, "  {}", narrative::status_line(&rec, passed, blocked))?;
                (passed, blocked) = (0, 0);
            }
        }
        rounds.push(rec);
    }
    let summary = sim.summary();
    writeln!(out)?;
    writeln!(out, "{}", narrative::verdict(&summary))?;

    let write_csv =
        |name: &str, f: &dyn Fn(&mut AtomicFile) -> csv::Result<()>| -> anyhow::Result<()> {
            let path = args.out.join(name);
            let mut file = AtomicFile::create(&path)
                .with_context(|| format!("{}: cannot create", path.display()))?;
            f(&mut file).with_context(|| format!("{}: cannot write", path.display()))?;
            file.commit()
                .with_context(|| format!("{}: cannot write", path.display()))?;
            Ok(())
        };
    write_csv("rounds.csv", &|f| write_rows(f, &rounds))?;
    write_csv("events.csv", &|f| write_rows(f, &events))?;
    let json = serde_json::to_string_pretty(&summary)?;
    write_atomic(
        &args.out.join("summary.json"),
        format!("{json}\n").as_bytes(),
    )?;
    writeln!(
        out,
        "\nWrote {}/rounds.csv, events.csv and summary.json.",
        args.out.display()
    )?;
    Ok(())
}

fn sweep(args: &SweepArgs) -> anyhow::Result<()> {
    let file = open(args.scenario.as_deref())?;
    let varies = args
        .vary
        .iter()
        .map(|v| crate::sweep::parse_vary(v))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let arms = crate::sweep::arms(&file, &varies)?;
    if !varies.is_empty() && !file.base.variant.is_empty() {
        eprintln!(
            "note: {} has {} [[variant]] table(s); with --vary they are not used (the grid varies the base scenario)",
            file.source.name,
            file.base.variant.len()
        );
    }
    let cfg = CompareConfig {
        runs: args.runs,
        seed: args.seed.unwrap_or(file.base.seed),
        chunk: 256,
    };
    let grid = (varies.len() == 2).then(|| varies.iter().map(|v| v.key.clone()).collect());
    let c = crate::sweep::run_comparison(
        &arms,
        &cfg,
        args.threads.map(|t| t as usize),
        &args.out,
        &file.base.name,
        grid,
        !args.no_plots,
    )?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{} — {} variants × {} runs, seed {} (run i of every variant shares its random numbers)\n",
        file.base.name,
        arms.len(),
        args.runs,
        cfg.seed
    )?;
    write!(out, "{}", crate::output::comparison::markdown_table(&c))?;
    writeln!(out)?;
    for v in 1..c.arms.len() {
        writeln!(
            out,
            "{}",
            crate::output::comparison::reading(&c, v, 0, 0.95)
        )?;
    }
    writeln!(
        out,
        "\nWrote {dir}/runs.csv, rounds.csv, survival.csv, variants.csv, comparison.csv, summary.json{}.",
        if args.no_plots { "" } else { " and plots/" },
        dir = args.out.display()
    )?;
    Ok(())
}

fn lesson(args: &LessonArgs) -> anyhow::Result<()> {
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

fn plot(args: &PlotArgs) -> anyhow::Result<()> {
    if !args.dir.join("runs.csv").is_file() {
        anyhow::bail!(
            "{}: no runs.csv here; allowed: a directory written by `coalsim batch`, `sweep` or `lesson`",
            args.dir.display()
        );
    }
    let files = crate::output::charts::draw_all(&args.dir)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Drew {} files in {}/plots/.",
        files.len(),
        args.dir.display()
    )?;
    Ok(())
}
