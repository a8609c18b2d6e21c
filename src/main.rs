//! `coalsim`: the command line. Parses arguments ([`cli`], one file per
//! command), runs the command on the crates of the workspace
//! (`coalsim-core`, `coalsim-report`, `coalsim-serve`) and maps errors to
//! exit codes.

// As in coalsim-core: `round % every == 0` as docs/model.md states it, and
// flat vectors walked by index.
#![allow(clippy::manual_is_multiple_of)]
#![allow(clippy::needless_range_loop)]

mod cli;

use clap::{CommandFactory, FromArgMatches};

fn main() {
    // A negative number given to any flag is read as its value, so that
    // `--threads -1` says what the flag allows (not "use '-- -1'").
    let command = cli::Cli::command().mut_subcommands(|sub| {
        sub.mut_args(|arg| {
            if arg.get_action().takes_values() {
                arg.allow_negative_numbers(true)
            } else {
                arg
            }
        })
    });
    let cli = cli::Cli::from_arg_matches(&command.get_matches()).unwrap_or_else(|e| e.exit());
    // Ctrl-C (and SIGTERM, SIGHUP): remove any file still being written, then
    // stop, saying what the interrupted command leaves behind.
    let note = match cli.command {
        cli::Command::Batch(_) => {
            "interrupted: no half-written output files were left (an interrupted batch continues with --resume)"
        }
        cli::Command::Serve(_) => "stopped: the server is closed",
        _ => "interrupted: no half-written output files were left",
    };
    on_signal(move |signal| {
        coalsim_report::files::remove_unfinished();
        eprintln!("{note}");
        // The shell's convention: 128 + the signal's number (SIGINT 130,
        // SIGTERM 143, SIGHUP 129).
        std::process::exit(128 + signal);
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
        // A full disk: the message names the file (so its folder); say
        // what to do, unless the message already does.
        let full = err.chain().any(|e| {
            let kind = e
                .downcast_ref::<std::io::Error>()
                .map(|io| io.kind())
                .or_else(
                    || match e.downcast_ref::<coalsim_report::plots::PlotError>() {
                        Some(coalsim_report::plots::PlotError::Io { error, .. }) => {
                            Some(error.kind())
                        }
                        _ => None,
                    },
                );
            kind == Some(std::io::ErrorKind::StorageFull)
        });
        let text = format!("{err:#}");
        // Some messages keep only the system's words of the error.
        let full = full || text.contains("No space left on device");
        if full && !text.contains("is full") {
            eprintln!(
                "the disk is full: free some space, or give --out a folder on another disk, and run the command again"
            );
        }
        std::process::exit(1);
    }
}

/// Calls `handler` (on its own thread) with the number of the first
/// SIGINT, SIGTERM or SIGHUP received.
#[cfg(unix)]
fn on_signal(handler: impl FnOnce(i32) + Send + 'static) {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    if let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                handler(signal);
            }
        });
    }
}

/// Calls `handler` with SIGINT's number on Ctrl-C (Ctrl-Break, closing the
/// console) where there are no Unix signals.
#[cfg(not(unix))]
fn on_signal(handler: impl FnOnce(i32) + Send + 'static) {
    let handler = std::sync::Mutex::new(Some(handler));
    let _ = ctrlc::set_handler(move || {
        if let Some(h) = handler.lock().ok().and_then(|mut h| h.take()) {
            h(2);
        }
    });
}
