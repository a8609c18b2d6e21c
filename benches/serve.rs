//! Criterion benchmarks of `coalsim serve` as the page meets it: one run
//! with every round (what the live view loads), and a 500-run comparison of
//! two rules through HTTP, from the request to the last line of the answer;
//! the class game's turn and debrief.
//! See docs/performance.md.

use std::hint::black_box;
use std::io::Read;

use coalsim_core::scenario::ScenarioFile;
use coalsim_serve::server::{self as serve, Config};
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

/// The class game: a turn as the server plays it at the end of a game
/// (the whole game replayed with three players' choices, the teacher's and
/// a student's views built), and the debrief (1,000 runs and the lessons).
fn game(c: &mut Criterion) {
    use coalsim_core::engine::{Ballot, Choices};
    use coalsim_serve::game::{Play, debrief, views};
    let s = ScenarioFile::open(None).expect("the default scenario").base;
    let plays: Vec<Play> = (1..=s.max_rounds)
        .flat_map(|round| {
            (0..3).map(move |agent| Play {
                round,
                agent,
                player: format!("p{agent}"),
                choices: Choices {
                    attend: !round.is_multiple_of(3),
                    contribute: 1.0,
                    ballot: Ballot::ALL[(round as usize + agent) % 4],
                    object: agent == 1,
                    leave: false,
                },
            })
        })
        .collect();
    let mut g = c.benchmark_group("game");
    g.bench_function("turn/default/104_weeks_3_players", |b| {
        b.iter(|| {
            let h = views::history(&s, 7, &plays, &[], None);
            let t = views::teacher(&s, &h);
            let v = views::student(&s, &h, 0, 0);
            black_box((t.points.len(), v.observed.len()))
        })
    });
    let h = views::history(&s, 7, &plays, &[], None);
    let summary = h.outcome.clone().expect("ended");
    g.sample_size(10);
    g.bench_function("debrief/default/1000_runs", |b| {
        b.iter(|| {
            let d = debrief::debrief(&s, 7, &summary, debrief::lessons_seen(&h));
            black_box(d.progress_percentile)
        })
    });
    g.finish();
}

criterion_group!(benches, run_view, compare_500, game);
criterion_main!(benches);
