//! Criterion benchmarks of a sweep's charts (`coalsim plot DIR`, which is
//! what `sweep` runs after its runs): the default scenario swept over
//! `population.count` × `trust.strangers` × the decision rule, from 20 to
//! 400 variants, and 400 variants at 20 and at 100 runs each. The sweep's
//! files are written once per case; each iteration draws the 20 plot
//! files (10 charts, PNG and SVG). See docs/performance.md for the figures.

use std::path::Path;
use std::time::Duration;

use coalsim_core::scenario::ScenarioFile;
use coalsim_core::study::compare::CompareConfig;
use criterion::{Criterion, criterion_group, criterion_main};

/// Writes a sweep of `counts` × 10 trust levels × 2 rules (`--no-plots`)
/// with `runs` runs per variant into `dir`.
fn sweep(dir: &Path, counts: &str, runs: u64) {
    let file = ScenarioFile::open(None).expect("the embedded default scenario");
    let varies: Vec<_> = [
        format!("population.count={counts}"),
        "trust.strangers=0.1..1.0:0.1".to_string(),
        "governance.decision_rule=consensus,majority".to_string(),
    ]
    .iter()
    .map(|v| coalsim_core::study::sweep::parse_vary(v).expect("vary"))
    .collect();
    let arms = coalsim_core::study::sweep::arms(&file, &varies).expect("arms");
    let cfg = CompareConfig {
        runs,
        seed: file.base.seed,
        chunk: 256,
    };
    let grid = Some(vec![
        "population.count".to_string(),
        "trust.strangers".to_string(),
        "governance.decision_rule".to_string(),
    ]);
    coalsim_report::sweep::run_comparison(
        &arms,
        &cfg,
        None,
        dir,
        &file.base.name,
        grid,
        &[],
        false,
    )
    .expect("sweep");
}

fn plots(c: &mut Criterion) {
    let mut g = c.benchmark_group("sweep_plots");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for (name, counts, runs) in [
        ("20_variants_x_20_runs", "4", 20),
        ("100_variants_x_20_runs", "4..8:1", 20),
        ("400_variants_x_20_runs", "4..23:1", 20),
        ("400_variants_x_100_runs", "4..23:1", 100),
    ] {
        let tmp = tempfile::tempdir().expect("temporary folder");
        sweep(tmp.path(), counts, runs);
        g.bench_function(name, |b| {
            b.iter(|| coalsim_report::charts::draw_all(tmp.path()).expect("plots"))
        });
    }
    g.finish();
}

criterion_group!(benches, plots);
criterion_main!(benches);
