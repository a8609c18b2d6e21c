//! One run, narrated round by round (`coalsim run`).

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use super::open;
use coalsim_core::engine::Simulation;
use coalsim_report::files::{AtomicFile, ensure_dir, write_atomic};
use coalsim_report::narrative;
use coalsim_report::tables::{EventRow, write_rows};

/// Arguments of `coalsim run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
    /// Seed (default: the scenario's `seed`).
    #[arg(long, allow_negative_numbers = true, value_parser = super::seed_arg)]
    pub seed: Option<u64>,
    /// Run index: the random stream (SEED, RUN), so `--seed S --run I`
    /// replays row I of a batch's runs.csv (its `seed` and `stream` columns).
    #[arg(long, default_value_t = 0, value_name = "I")]
    pub run: u64,
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

/// Runs `coalsim run`.
pub fn run(args: &RunArgs) -> anyhow::Result<()> {
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
    let mut sim = Simulation::new(s, seed, args.run);
    // A reader who closes the pipe (`coalsim run | head`) still gets the
    // files: the narration stops, the run and its files do not.
    let mut out = super::PipeOut::stdout();
    if !args.quiet {
        match &args.variant {
            Some(v) => writeln!(
                out,
                "{} (variant `{v}`) — one run, seed {seed}{}",
                s.name,
                run_label(args.run)
            )?,
            None => writeln!(
                out,
                "{} — one run, seed {seed}{}",
                s.name,
                run_label(args.run)
            )?,
        }
        if !s.description.is_empty() {
            writeln!(out, "{}", s.description)?;
        }
        writeln!(
            out,
            "Rule: {}; governance set up {}; check-ins {}; exit {}.",
            s.governance.decision_rule.name(),
            match s.governance.setup {
                coalsim_core::scenario::Setup::Early => "early",
                coalsim_core::scenario::Setup::OnConflict => "only when a conflict forces it",
            },
            if s.governance.checkin_every == 0 {
                "never".to_string()
            } else {
                format!("every {} round(s)", s.governance.checkin_every)
            },
            match s.governance.exit_protocol {
                coalsim_core::scenario::ExitProtocol::Graceful => "graceful",
                coalsim_core::scenario::ExitProtocol::None => "without a protocol",
            }
        )?;
        let members: Vec<&str> = (0..sim.world.n)
            .filter(|&i| sim.world.is_member(i))
            .map(|i| sim.world.names[i].as_str())
            .collect();
        // A movement of thousands: the first few names and a count.
        const NAMED: usize = 12;
        let list = if members.len() > NAMED {
            format!(
                "{} and {} others ({} members)",
                members[..NAMED].join(", "),
                members.len() - NAMED,
                members.len()
            )
        } else {
            members.join(", ")
        };
        writeln!(out, "round 0: the coalition starts with {list}")?;
    }
    let mut rounds = Vec::new();
    // Round 0's events (the start of setup) come with the first step.
    let mut events = Vec::new();
    // The decisions since the last status line.
    let mut decisions = narrative::DecisionCounts::default();
    while sim.outcome.is_none() {
        sim.step();
        let rec = sim.record();
        decisions.add(&rec);
        for e in &sim.events {
            events.push(EventRow::of(e, &sim.world));
        }
        if !args.quiet {
            for line in narrative::narrate_events(&sim.events, &sim.world) {
                writeln!(out, "{line}")?;
            }
            if args.every > 0 && rec.round % args.every == 0 && sim.outcome.is_none() {
                writeln!(out, "  {}", narrative::status_line(&rec, decisions))?;
                decisions = narrative::DecisionCounts::default();
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
    coalsim_report::manifest::finish(&args.out, "run", false)?;
    writeln!(
        out,
        "\nWrote {}/rounds.csv, events.csv and summary.json.",
        args.out.display()
    )?;
    Ok(())
}

/// ", run I" when replaying a run other than the first.
fn run_label(run: u64) -> String {
    if run == 0 {
        String::new()
    } else {
        format!(", run {run}")
    }
}
