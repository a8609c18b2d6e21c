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
