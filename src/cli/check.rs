//! Validate a scenario and print it resolved (`coalsim check`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::open;

/// Arguments of `coalsim check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Scenario file (TOML); the embedded default when omitted.
    pub scenario: Option<PathBuf>,
}

/// Above this many agents `coalsim check` prints the memory a run takes.
const LARGE: usize = 1000;

/// Bytes in MB or GB, two significant figures or more.
fn megabytes(bytes: u64) -> String {
    let mb = bytes as f64 / 1e6;
    if mb >= 1000.0 {
        format!("{:.1} GB", mb / 1000.0)
    } else if mb >= 10.0 {
        format!("{mb:.0} MB")
    } else {
        format!("{mb:.1} MB")
    }
}

/// Runs `coalsim check`.
pub fn run(args: &CheckArgs) -> anyhow::Result<()> {
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
    // Large coalitions: what a run holds in memory (the N×N trust matrix).
    let largest = std::iter::once(&file.base)
        .chain(variants.iter().map(|v| &v.scenario))
        .max_by_key(|s| s.agent_count())
        .expect("the base scenario");
    if largest.agent_count() > LARGE {
        let bytes = coalsim_core::engine::run_memory_bytes(largest);
        let n = largest.agent_count();
        if largest.sparse() {
            let k = coalsim_core::engine::sparse_ties_per_agent(largest);
            writeln!(
                out,
                "# memory: about {} per run in flight ({n} agents, sparse relationships: about {} known per agent at most); a batch or sweep holds one run per thread (--threads)",
                megabytes(bytes),
                k.round(),
            )?;
        } else {
            writeln!(
                out,
                "# memory: about {} per run in flight ({n} agents: the {n} × {n} trust matrix is {}); a batch or sweep holds one run per thread (--threads)",
                megabytes(bytes),
                megabytes(8 * (n as u64) * (n as u64)),
            )?;
        }
        let how = largest.trust.relationships;
        writeln!(
            out,
            "# relationships: {} (trust.relationships = \"{}\"{})",
            if largest.sparse() { "sparse" } else { "dense" },
            how.name(),
            if how == coalsim_core::scenario::Relationships::Auto {
                format!(
                    ": sparse above {} organisations",
                    coalsim_core::scenario::SPARSE_ABOVE
                )
            } else {
                String::new()
            },
        )?;
    }
    for v in &variants {
        let settings: Vec<String> = v
            .settings
            .iter()
            .map(|(k, val)| format!("{k} = {val}"))
            .collect();
        writeln!(out, "# variant `{}`: {}", v.name, settings.join(", "))?;
    }
    if !file.base.explore.is_empty() {
        let (unc, varies) = coalsim_core::study::explore::from_file(&file)?;
        let pols = coalsim_core::study::explore::policies(&varies);
        let name = &file.source.name;
        if !unc.is_empty() && !pols.is_empty() {
            coalsim_core::study::explore::validate(
                &file,
                &unc,
                &pols,
                &format!("{name}: [explore.uncertain]"),
                &format!("{name}: [explore.policy]"),
            )?;
        }
        let keys: Vec<String> = unc
            .iter()
            .map(|u| format!("{} {}", u.key, u.describe()))
            .collect();
        writeln!(
            out,
            "# explore: uncertain {}; {} policies ({})",
            if keys.is_empty() {
                "(none)".to_string()
            } else {
                keys.join(", ")
            },
            pols.len(),
            pols.iter()
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    writeln!(
        out,
        "# The fully resolved scenario (every default filled in):"
    )?;
    write!(out, "{}", file.base.to_toml())?;
    Ok(())
}
