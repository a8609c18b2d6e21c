//! Criterion benchmarks of `coalsim explore` on the README's example: the
//! default scenario, three uncertainties, the five decision rules, the
//! default design (Latin hypercube, 200 coalitions, 50 runs each: 50,000
//! runs). See docs/performance.md for the figures.

use std::hint::black_box;
use std::time::Duration;

use coalsim_core::scenario::ScenarioFile;
use coalsim_core::study::explore::report::{Exploration, analyse};
use coalsim_core::study::explore::run::{DesignKind, Plan, scenarios, simulate};
use coalsim_core::study::explore::{parse_policy, parse_uncertain, policies};
use criterion::{Criterion, criterion_group, criterion_main};

const RUNS: u64 = 50;

fn readme_example() -> Exploration {
    let file = ScenarioFile::open(None).expect("the embedded default scenario");
    let unc: Vec<_> = [
        "trust.strangers=0.2..0.6",
        "shocks.rate=0..0.1",
        "population.count=6..16",
    ]
    .iter()
    .map(|t| parse_uncertain(t).expect("uncertainty"))
    .collect();
    let pols = policies(&[parse_policy(
        "governance.decision_rule=consensus,majority,supermajority,weighted,committee",
    )
    .expect("policy")]);
    let keys: Vec<String> = unc.iter().map(|u| u.key.clone()).collect();
    let plan = Plan::new(DesignKind::Lhs, 200, &keys, file.base.seed).expect("plan");
    let all = scenarios(&file, &unc, &pols, &plan).expect("scenarios");
    let sums = simulate(&all, RUNS, file.base.seed, None, |_| {}).expect("runs");
    Exploration {
        scenario: file.base.name.clone(),
        runs: RUNS,
        seed: file.base.seed,
        satisfice: 0.6,
        uncertainties: unc,
        policies: pols,
        plan,
        cells: coalsim_core::study::explore::run::means(&sums, RUNS),
        hits: sums.into_iter().map(|c| c.hits).collect(),
        precision: 0.02,
    }
}

/// The whole example, from the scenario to the analysed result (the runs are
/// nearly all of it), on every core.
fn whole(c: &mut Criterion) {
    let mut g = c.benchmark_group("explore");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("readme_example/runs_and_analysis", |b| {
        b.iter(|| {
            let ex = readme_example();
            black_box(analyse(&ex))
        })
    });
    g.finish();
}

/// What follows the runs: the analysis (robustness, PRIM for every rule,
/// bootstrap intervals), the files and the plots.
fn after_runs(c: &mut Criterion) {
    let ex = readme_example();
    let dir = tempfile::tempdir().expect("temp dir");
    let mut g = c.benchmark_group("explore");
    g.sample_size(10);
    g.bench_function("readme_example/analysis", |b| {
        b.iter(|| black_box(analyse(&ex)))
    });
    g.bench_function("readme_example/files_and_plots", |b| {
        let report = analyse(&ex);
        b.iter(|| {
            coalsim_report::explore::write_all(dir.path(), &ex, &report).expect("files");
            coalsim_report::plots::explore::draw_all(dir.path(), &ex, &report).expect("plots")
        })
    });
    g.finish();
}

criterion_group!(benches, whole, after_runs);
criterion_main!(benches);
