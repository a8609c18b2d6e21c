//! Criterion benchmarks of `coalsim serve` as the page meets it: one run
//! with every round (what the live view loads), and a 500-run comparison of
//! two rules through HTTP, from the request to the last line of the answer.
//! See docs/performance.md.

use std::hint::black_box;
use std::io::Read;

use coalsim::scenario::ScenarioFile;
use coalsim::serve::{self, Config};
use criterion::{Criterion, criterion_group, criterion_main};

/// The live view's data: the default scenario's run, every round, as JSON.
fn run_view(c: &mut Criterion) {
    let file = ScenarioFile::open(None).expect("the default scenario");
    c.bench_function("serve/run_view/default", |b| {
        b.iter(|| {
            let v = serve::view::run_view(&file.base, file.base.seed);
            black_box(serde_json::to_vec(&v).expect("serialises").len())
        })
    });
}

/// `POST /api/compare`: consensus vs majority, 500 runs each, default
/// scenario, on a server on this machine; the time to the result line.
fn compare_500(c: &mut Criterion) {
    let server =
        serve::spawn("127.0.0.1:0".parse().unwrap(), Config::default()).expect("server starts");
    let url = format!("{}/api/compare", server.url());
    let body = serde_json::json!({
        "scenario": {"source": {"kind": "default"}},
        "arms": [
            {"name": "consensus", "set": [{"key": "governance.decision_rule", "value": "consensus"}]},
            {"name": "majority", "set": [{"key": "governance.decision_rule", "value": "majority"}]},
        ],
        "runs": 500,
    })
    .to_string();
    let mut g = c.benchmark_group("serve");
    g.sample_size(10);
    g.bench_function("compare/default/2x500", |b| {
        b.iter(|| {
            let r = ureq::post(&url)
                .header("content-type", "application/json")
                .send(&body)
                .expect("answer");
            let mut text = String::new();
            r.into_body()
                .into_reader()
                .read_to_string(&mut text)
                .expect("body");
            assert!(text.contains("\"result\""), "{text}");
            black_box(text.len())
        })
    });
    g.finish();
}

criterion_group!(benches, run_view, compare_500);
criterion_main!(benches);
