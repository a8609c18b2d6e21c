use clap::Parser;

fn main() {
    let cli = coalsim::cli::Cli::parse();
    if let Err(err) = coalsim::cli::run(cli) {
        eprintln!("error: {err:#}");
        std::process::exit(1);
    }
}
