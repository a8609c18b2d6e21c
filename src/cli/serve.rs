//! The classroom in a browser (`coalsim serve`).

use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;

use coalsim_core::scenario::{ScenarioFile, Source};
use coalsim_serve::server::{Config, Limits};

/// Arguments of `coalsim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Scenario file (TOML) offered on the page besides the default and the
    /// lessons; checked before the server starts.
    pub scenario: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8080)]
    pub port: u16,
    /// Share with the class on the local network (listen on every address)
    /// instead of this computer alone.
    #[arg(long)]
    pub lan: bool,
    /// Open the page in the default browser.
    #[arg(long)]
    pub open: bool,
    /// Comparisons allowed to run at once.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=64))]
    pub max_jobs: u64,
    /// Runs per variant allowed in one comparison.
    #[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_runs: u64,
}

/// Runs `coalsim serve`.
pub fn run(args: &ServeArgs) -> anyhow::Result<()> {
    let served = match &args.scenario {
        Some(p) => {
            let src = Source::read(p)?;
            // Refuse a broken file now, with the message `coalsim check` gives.
            ScenarioFile::load(src.clone())?;
            Some(src)
        }
        None => None,
    };
    let ip = if args.lan {
        IpAddr::V4(Ipv4Addr::UNSPECIFIED)
    } else {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    };
    let mut cfg = Config {
        served,
        limits: Limits {
            jobs: args.max_jobs as usize,
            runs: args.max_runs,
            ..Limits::default()
        },
        join_base: None,
        teacher_key: Some(coalsim_serve::server::teacher_key()),
    };
    let key = cfg.teacher_key.clone().unwrap_or_default();
    let rt = coalsim_serve::server::runtime().context("cannot start the server's runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(SocketAddr::new(ip, args.port))
            .await
            .with_context(|| {
                format!(
                    "cannot listen on port {} (in use? try --port with another number, or 0 for any free port)",
                    args.port
                )
            })?;
        let port = listener.local_addr()?.port();
        let local = format!("http://127.0.0.1:{port}/");
        let addrs = if args.lan { lan_addresses() } else { Vec::new() };
        // Students join a class game at the first address on the network.
        cfg.join_base = addrs.first().map(|a| format!("http://{a}:{port}"));
        {
            let mut out = std::io::stdout().lock();
            writeln!(out, "coalsim serve: open {local} in a browser (Ctrl-C stops the server)")?;
            writeln!(out, "Class game: open {local}game (students join at the address it shows)")?;
            if args.lan {
                if addrs.is_empty() {
                    writeln!(out, "On the class network: http://<this computer's address>:{port}/")?;
                }
                for a in &addrs {
                    writeln!(out, "On the class network: http://{a}:{port}/")?;
                }
                writeln!(
                    out,
                    "Teacher key: {key} (only this computer starts class games; from another one, open .../game?key={key})"
                )?;
            }
            out.flush()?;
        }
        if args.open {
            open_browser(&local);
        }
        coalsim_serve::server::serve(listener, cfg).await?;
        Ok(())
    })
}

/// This computer's IPv4 addresses on its networks (`hostname -I`; the
/// server listens on IPv4), loopback left out; empty when they cannot be
/// found.
fn lan_addresses() -> Vec<String> {
    let Ok(out) = std::process::Command::new("hostname").arg("-I").output() else {
        return Vec::new();
    };
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter(|a| a.parse::<Ipv4Addr>().is_ok_and(|ip| !ip.is_loopback()))
        .map(str::to_string)
        .collect()
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(cmd).arg(url).spawn().is_err() {
        eprintln!("coalsim serve: could not open a browser ({cmd}); open {url} yourself");
    }
}
