//! `coalsim`: the command line. Parses arguments ([`cli`], one file per
//! command), runs the command on the crates of the workspace
//! (`coalsim-core`, `coalsim-report`, `coalsim-serve`) and maps errors to
//! exit codes.

// As in coalsim-core: `round % every == 0` as docs/model.md states it, and
// flat vectors walked by index.
#![allow(clippy::manual_is_multiple_of)]
#![allow(clippy::needless_range_loop)]

mod cli;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    // Ctrl-C (and SIGTERM, SIGHUP): remove any file still being written, then
    // stop, saying what the interrupted command leaves behind.
    let note = match cli.command {
        cli::Command::Batch(_) => {
            "interrupted: no half-written output files were left (an interrupted batch continues with --resume)"
        }
        cli::Command::Serve(_) => "stopped: the server is closed",
        _ => "interrupted: no half-written output files were left",
    };
    let _ = ctrlc::set_handler(move || {
        coalsim_report::files::remove_unfinished();
        eprintln!("{note}");
        std::process::exit(130);
    });
    if let Err(err) = cli::run(cli) {
        // A closed pipe (`coalsim run | head`) is not an error.
        let broken_pipe = err.chain().any(|e| {
            e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
        });
        if broken_pipe {
            std::process::exit(0);
        }
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
