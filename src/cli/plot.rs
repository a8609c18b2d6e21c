//! Redraw the plots of a result directory (`coalsim plot`).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

/// Arguments of `coalsim plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// A directory written by batch, sweep or lesson.
    pub dir: PathBuf,
}

/// Runs `coalsim plot`.
pub fn run(args: &PlotArgs) -> anyhow::Result<()> {
    if let Some(why) = coalsim_report::files::unfinished(&args.dir) {
        anyhow::bail!("{why}; then plot it");
    }
    if !args.dir.join("runs.csv").is_file() {
        anyhow::bail!(
            "{}: no runs.csv here; allowed: a directory written by `coalsim batch`, `sweep` or `lesson`",
            args.dir.display()
        );
    }
    let files = coalsim_report::charts::draw_all(&args.dir)?;
    coalsim_report::manifest::finish(&args.dir, "plot", true)?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "Drew {} files in {}/plots/.",
        files.len(),
        args.dir.display()
    )?;
    Ok(())
}
