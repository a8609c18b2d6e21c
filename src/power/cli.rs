//! `coalsim power`: command-line front end of the power indices.
use clap::Args;

/// Arguments of `coalsim power`.
#[derive(Debug, Args)]
pub struct PowerArgs {}

/// Runs `coalsim power`.
pub fn run(_args: &PowerArgs) -> anyhow::Result<()> {
    anyhow::bail!("not implemented yet")
}
