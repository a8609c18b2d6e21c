use clap::Parser;

fn main() {
    // Ctrl-C: remove any file still being written, then stop.
    let _ = ctrlc::set_handler(|| {
        coalsim::output::files::remove_unfinished();
        eprintln!(
            "interrupted: no half-written output files were left (an interrupted batch continues with --resume)"
        );
        std::process::exit(130);
    });
    let cli = coalsim::cli::Cli::parse();
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
