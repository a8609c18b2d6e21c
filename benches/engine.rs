//! Criterion benchmarks of the engine and the batch layer on
//! `scenarios/bench.toml` (30 agents, up to 150 rounds, every mechanism and ending).
//! See docs/performance.md for the figures and how to reproduce them.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use coalsim_core::engine::Simulation;
use coalsim_core::scenario::{Scenario, ScenarioFile};
use coalsim_core::study::batch::{BatchConfig, NullSink, run_batch};
use coalsim_report::batch::write_batch;
use criterion::{Criterion, criterion_group, criterion_main};

fn bench_scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench.toml");
    ScenarioFile::open(Some(&path))
        .expect("scenarios/bench.toml")
        .base
}

/// One run of bench.toml, start to end (a different run index each time, so
/// the figure is a mean over runs, not one lucky run).
fn one_run(c: &mut Criterion) {
    let s = bench_scenario();
    let mut run = 0u64;
    c.bench_function("one_run/bench.toml", |b| {
        b.iter(|| {
            run += 1;
            black_box(Simulation::new(&s, s.seed, run % 1000).run_to_end())
        })
    });
}

/// This thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`), or `None` where it
/// cannot be read.
fn thread_cpu_time() -> Option<Duration> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

/// The same run measured in CPU time of the benchmarking thread rather than
/// wall time: on a machine shared with other work, time spent waiting for a
/// core does not count. Skipped where thread CPU time cannot be read.
fn one_run_cpu(c: &mut Criterion) {
    if thread_cpu_time().is_none() {
        return;
    }
    let s = bench_scenario();
    let mut run = 0u64;
    c.bench_function("one_run_cpu_time/bench.toml", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time().unwrap_or_default();
            for _ in 0..iters {
                run += 1;
                black_box(Simulation::new(&s, s.seed, run % 1000).run_to_end());
            }
            thread_cpu_time().unwrap_or_default().saturating_sub(start)
        })
    });
}

/// One run of bench.toml with its per-round record (`Simulation::record`
/// after every step, as a batch does), in thread CPU time.
fn one_run_recorded_cpu(c: &mut Criterion) {
    if thread_cpu_time().is_none() {
        return;
    }
    let s = bench_scenario();
    let mut run = 0u64;
    c.bench_function("one_run_recorded_cpu_time/bench.toml", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time().unwrap_or_default();
            for _ in 0..iters {
                run += 1;
                let mut sim = Simulation::new(&s, s.seed, run % 1000);
                while sim.outcome.is_none() {
                    sim.step();
                    black_box(sim.record());
                }
                black_box(sim.summary());
            }
            thread_cpu_time().unwrap_or_default().saturating_sub(start)
        })
    });
}

/// The coalition of `scripts/large-scenario.sh N`: N organisations, all
/// members from the start, the default's dynamics scaled to N.
fn large_scenario(n: u32) -> Scenario {
    let scale = 9.0 / f64::from(n.max(2) - 1);
    let text = format!(
        "name = \"Large coalition: {n} organisations\"\nseed = 2026\nmax_rounds = 104\n\
         [goal]\nsize = {size:.1}\nmilestones = [0.1]\n\
         [governance]\ndecision_rule = \"majority\"\nsetup = \"early\"\ncheckin_every = 2\n\
         exit_protocol = \"graceful\"\n\
         [population]\ncount = {n}\nfounders = 1\ninitial_members = {n}\n\
         [dynamics]\ncoordination_hours = {ch:?}\ncoordination_loss = {cl:?}\n\
         graceful_exit_damage = {gd:?}\nabrupt_exit_damage = {ad:?}\n",
        size = 8.0 * f64::from(n),
        ch = 0.1 * scale,
        cl = 0.02 * scale,
        gd = 0.01 * scale,
        ad = 0.06 * scale,
    );
    let source = coalsim_core::scenario::Source {
        name: format!("large-{n}"),
        text,
    };
    ScenarioFile::load(source).expect("large scenario").base
}

/// One run (with its per-round record) of the large coalition of N
/// organisations, in thread CPU time: how the cost of a run grows with N
/// (docs/performance.md, "Movement scale").
fn scale(c: &mut Criterion) {
    if thread_cpu_time().is_none() {
        return;
    }
    cpu_time_per_run(
        c,
        "scale_cpu_time",
        Duration::from_millis(500),
        Duration::from_secs(3),
        &[30, 100, 300, 1000, 2000],
        large_scenario,
    );
}

/// One 104-week run (with its per-round record) of `scenario(n)` for each
/// `n`, in thread CPU time: the scaling benchmarks' shared loop.
fn cpu_time_per_run(
    c: &mut Criterion,
    group: &str,
    warm_up: Duration,
    measurement: Duration,
    sizes: &[u32],
    scenario: fn(u32) -> Scenario,
) {
    let mut g = c.benchmark_group(group);
    g.sample_size(10)
        .warm_up_time(warm_up)
        .measurement_time(measurement);
    for &n in sizes {
        let s = scenario(n);
        let mut run = 0u64;
        g.bench_function(format!("N={n}"), |b| {
            b.iter_custom(|iters| {
                let start = thread_cpu_time().unwrap_or_default();
                for _ in 0..iters {
                    run += 1;
                    let mut sim = Simulation::new(&s, s.seed, run % 1000);
                    while sim.outcome.is_none() {
                        sim.step();
                        black_box(sim.record());
                    }
                    black_box(sim.summary());
                }
                thread_cpu_time().unwrap_or_default().saturating_sub(start)
            })
        });
    }
    g.finish();
}

/// The large coalition of [`large_scenario`] as a movement: sparse
/// relationships, sub-groups of 25 (a council of N / 25 delegates), and
/// about ten prior relationships per organisation (`relationship_density`
/// = 10 / (N − 1), at most the default 0.3).
fn movement_scenario(n: u32) -> Scenario {
    let base = large_scenario(n);
    let density = (10.0 / f64::from(n.max(2) - 1)).min(0.3);
    let file = ScenarioFile::load(coalsim_core::scenario::Source {
        name: format!("movement-{n}"),
        text: base.to_toml(),
    })
    .expect("movement scenario");
    file.with_overrides(
        "movement",
        &[
            (
                "trust.relationships".into(),
                toml::Value::String("sparse".into()),
            ),
            (
                "governance.coordination".into(),
                toml::Value::String("subgroups".into()),
            ),
            ("governance.subgroup_size".into(), toml::Value::Integer(25)),
            (
                "population.relationship_density".into(),
                toml::Value::Float(density),
            ),
        ],
    )
    .expect("movement overrides")
}

/// One 104-week run (with its per-round record) of [`movement_scenario`]
/// in thread CPU time, N = 30 … 20,000 (docs/performance.md, "Sparse
/// relationships").
fn sparse_scale(c: &mut Criterion) {
    if thread_cpu_time().is_none() {
        return;
    }
    cpu_time_per_run(
        c,
        "sparse_scale_cpu_time",
        Duration::from_millis(200),
        Duration::from_secs(2),
        &[30, 100, 300, 1000, 2000, 5000, 10000, 20000],
        movement_scenario,
    );
}

/// A batch of two runs of the 10,000-organisation movement on 1 and 2
/// threads (wall time: the runs of a small batch run in parallel).
fn sparse_threads(c: &mut Criterion) {
    let s = movement_scenario(10_000);
    let mut g = c.benchmark_group("sparse_batch_2_runs_10000");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(200))
        .measurement_time(Duration::from_secs(2));
    for threads in [1usize, 2] {
        let cfg = BatchConfig {
            threads: Some(threads),
            ..BatchConfig::new(2, s.seed)
        };
        g.bench_function(format!("threads={threads}"), |b| {
            b.iter(|| black_box(run_batch(&s, &cfg, &mut NullSink, |_| {}).unwrap()))
        });
    }
    g.finish();
}

fn batch(c: &mut Criterion) {
    let s = bench_scenario();
    let mut g = c.benchmark_group("batch_1000");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for threads in [1usize, 2] {
        let cfg = BatchConfig {
            threads: Some(threads),
            ..BatchConfig::new(1000, s.seed)
        };
        g.bench_function(format!("threads={threads}"), |b| {
            b.iter(|| black_box(run_batch(&s, &cfg, &mut NullSink, |_| {}).unwrap()))
        });
    }
    // The same batch writing runs.csv, rounds.csv, survival.csv and
    // summary.json into a temporary directory (compare with threads=1).
    let dir = tempfile::tempdir().expect("temp dir");
    let cfg = BatchConfig {
        threads: Some(1),
        ..BatchConfig::new(1000, s.seed)
    };
    g.bench_function("threads=1+outputs", |b| {
        b.iter(|| black_box(write_batch(&s, &cfg, dir.path(), |_| {}).unwrap()))
    });
    g.finish();
}

/// A round in which 2,000 members leave at once: 2,000 agents, all members
/// from the start, with an exit threshold of 1 and a leave gain so large
/// that every member leaves in the first exit phase (the run then ends).
/// The run is dominated by that exit phase (issue 12: 7.9 s, cubic).
fn mass_exit(c: &mut Criterion) {
    let text = "name = \"Mass exit\"\nmax_rounds = 10\n\
        [population]\ncount = 2000\nfounders = 1\ninitial_members = 2000\n\
        [dynamics]\nexit_threshold = 1.0\nleave_gain = 1000.0\n";
    let source = coalsim_core::scenario::Source {
        name: "mass-exit".into(),
        text: text.into(),
    };
    let s = ScenarioFile::load(source).expect("mass exit scenario").base;
    let mut g = c.benchmark_group("mass_exit");
    g.sample_size(10);
    g.bench_function("2000_members_leave_in_one_round", |b| {
        b.iter(|| black_box(Simulation::new(&s, s.seed, 0).run_to_end()))
    });
    g.finish();
}

criterion_group!(
    benches,
    one_run,
    one_run_cpu,
    one_run_recorded_cpu,
    scale,
    sparse_scale,
    sparse_threads,
    batch,
    mass_exit
);
criterion_main!(benches);
