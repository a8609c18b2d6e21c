use clap::Parser;

fn main() {
    let cli = coalsim::cli::Cli::parse();
    // Ctrl-C (and SIGTERM, SIGHUP): remove any file still being written, then
    // stop, saying what the interrupted command leaves behind.
    let note = match cli.command {
        coalsim::cli::Command::Batch(_) => {
            "interrupted: no half-written output files were left (an interrupted batch continues with --resume)"
        }
        coalsim::cli::Command::Serve(_) => "stopped: the server is closed",
        _ => "interrupted: no half-written output files were left",
    };
    let _ = ctrlc::set_handler(move || {
        coalsim::output::files::remove_unfinished();
        eprintln!("{note}");
        std::process::exit(130);
    });
    if let Err(err) = coalsim::cli::run(cli) {
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
