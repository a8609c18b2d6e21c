//! Voting at meetings and a quorum (docs/model.md, "Who votes"): what a
//! quorum buys and what it costs must emerge in the whole model, every
//! dynamic on. A quorum keeps a few members present from binding the
//! absent (who then carry out a decision they had no say in, and resent
//! it); it costs decisions, since an inquorate meeting takes none and the
//! status quo it keeps costs those who wanted the change, as a block
//! would. Measured on the default coalition deciding at meetings.
//!
//! Print the table of docs/validation.md with
//! `cargo test --release --test it quorum -- --nocapture`.

use crate::helpers_cli::check_refuses;
use crate::theory::mean_hw;
use coalsim_core::engine::Simulation;
use coalsim_core::scenario::{Scenario, ScenarioFile, Source};
use rayon::prelude::*;

fn deciding_at_meetings(quorum: f64) -> Scenario {
    let file = ScenarioFile::load(Source::embedded_default()).expect("the default is valid");
    let set = [
        ("governance.voting", toml::Value::String("attendees".into())),
        ("governance.quorum", toml::Value::Float(quorum)),
    ];
    crate::helpers_scenario::overridden(&file, "quorum", &set)
}

#[test]
fn quorum_trades_decisions_for_decisions_that_serve_more_members() {
    const RUNS: u64 = 1000;
    let quorums = [0.0, 0.5, 0.8];
    let arms: Vec<Scenario> = quorums.iter().map(|&q| deciding_at_meetings(q)).collect();
    // Per run and arm: fell apart, final members, decisions passed,
    // welfare, success.
    let per_run: Vec<Vec<[f64; 5]>> = (0..RUNS)
        .into_par_iter()
        .map(|run| {
            arms.iter()
                .map(|s| {
                    let r = Simulation::new(s, 2026, run).run_to_end();
                    [
                        f64::from(u8::from(r.outcome == "dissolved")),
                        f64::from(r.final_members),
                        f64::from(r.decisions_passed),
                        r.welfare,
                        f64::from(u8::from(r.success)),
                    ]
                })
                .collect()
        })
        .collect();
    let diff = |arm: usize, m: usize| mean_hw(per_run.iter().map(|r| r[arm][m] - r[0][m]));
    let names = [
        "fell apart",
        "final members",
        "decisions passed",
        "welfare",
        "success",
    ];
    println!("| measure | no quorum | quorum 0.5 − none | quorum 0.8 − none (99%) |");
    println!("|---|---|---|---|");
    for (m, name) in names.iter().enumerate() {
        let base = per_run.iter().map(|r| r[0][m]).sum::<f64>() / RUNS as f64;
        let (d5, h5) = diff(1, m);
        let (d8, h8) = diff(2, m);
        println!("| {name} | {base:.3} | {d5:+.3} ± {h5:.3} | {d8:+.3} ± {h8:.3} |");
    }
    // The benefit: the decisions taken serve the members better (taken by
    // more of them, fewer absent members bound without a say).
    let (d, h) = diff(2, 3);
    assert!(
        d - h > 0.0,
        "a quorum of 0.8 raises welfare: {d:+.3} ± {h:.3}"
    );
    // The cost: fewer decisions, and the status quo they keep costs those
    // who wanted the changes; on the default coalition that costs success.
    let (d, h) = diff(2, 2);
    assert!(
        d + h < 0.0,
        "a quorum of 0.8 passes fewer decisions: {d:+.3} ± {h:.3}"
    );
    let (d, h) = diff(2, 4);
    assert!(
        d + h < 0.0,
        "a quorum of 0.8 costs success here: {d:+.3} ± {h:.3}"
    );
}

#[test]
fn bad_values_are_refused_with_file_line_field_and_what_is_allowed() {
    check_refuses(&[
        (
            "[governance]\nvoting = \"all\"\n",
            "t.toml:2:10: governance.voting: unknown value `all`, expected `everyone` or `attendees`",
        ),
        (
            "[governance]\nvoting = \"attendees\"\nquorum = 1.5\n",
            "t.toml:3:10: governance.quorum: 1.5 is out of range; allowed: 0 to 1",
        ),
        (
            "[governance]\nquorum = 0.5\n",
            "t.toml:2:10: governance.quorum: 0.5 needs governance.voting = \"attendees\"",
        ),
    ]);
}
