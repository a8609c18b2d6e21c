//! Sounding out the vote (docs/model.md, "Sounding out the vote";
//! docs/validation.md, "Sounding out the vote"): with positional proposals
//! every step moves the agenda toward its proposer, and where members vote
//! on interest alone a majority around the median rejects them all. A
//! proposer who sounds out the vote puts the largest step it expects to
//! pass, down to a matter of common interest, and the stall goes.
//!
//! Print the numbers with
//! `cargo test --release --test it proposals -- --nocapture`.

use crate::helpers_cli::{check_refuses, coalsim};
use crate::theory::mean_hw;
use coalsim_core::engine::Simulation;
use coalsim_core::scenario::{Scenario, ScenarioFile};

/// The coalition-space base under majority, members voting on interest
/// alone (`merit_weight` 0), with proposals made `proposals`.
fn voting_on_interest(proposals: &str) -> Scenario {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/coalition-space.toml");
    let file = ScenarioFile::open(Some(&path)).unwrap_or_else(|e| panic!("{e}"));
    let set = [
        (
            "governance.decision_rule",
            toml::Value::String("majority".into()),
        ),
        ("dynamics.merit_weight", toml::Value::Float(0.0)),
        ("dynamics.proposals", toml::Value::String(proposals.into())),
    ];
    crate::helpers_scenario::overridden(&file, "proposals", &set)
}

#[test]
fn sounded_proposals_end_the_stall_of_a_majority_voting_on_interest_alone() {
    const RUNS: u64 = 1000;
    let arms = [
        voting_on_interest("positional"),
        voting_on_interest("sounded"),
    ];
    // Per run and arm: success, proposals blocked.
    let per_run: Vec<[[f64; 2]; 2]> = (0..RUNS)
        .map(|run| {
            arms.each_ref().map(|s| {
                let r = Simulation::new(s, 2026, run).run_to_end();
                [
                    f64::from(u8::from(r.success)),
                    f64::from(r.decisions_blocked),
                ]
            })
        })
        .collect();
    let mean = |arm: usize, m: usize| per_run.iter().map(|r| r[arm][m]).sum::<f64>() / RUNS as f64;
    let diff = |m: usize| mean_hw(per_run.iter().map(|r| r[1][m] - r[0][m]));
    let (ds, hs) = diff(0);
    let (db, hb) = diff(1);
    println!(
        "success: positional {:.3}, sounded {:.3}, {ds:+.3} ± {hs:.3} (99%)",
        mean(0, 0),
        mean(1, 0)
    );
    println!(
        "blocked a run: positional {:.1}, sounded {:.1}, {db:+.1} ± {hb:.1} (99%)",
        mean(0, 1),
        mean(1, 1)
    );
    // Measured +0.485 and −25.5: a clear margin, not a lucky one.
    assert!(
        ds - hs > 0.25,
        "sounded proposals should raise majority's success at merit_weight 0: {ds:+.3} ± {hs:.3}"
    );
    assert!(
        db + hb < -10.0,
        "sounded proposals should be blocked far less often: {db:+.1} ± {hb:.1}"
    );
}

#[test]
fn bad_proposals_values_are_refused_with_file_line_field_and_what_is_allowed() {
    check_refuses(&[
        (
            "[dynamics]\nproposals = \"polled\"\n",
            "t.toml:2:13: dynamics.proposals: unknown value `polled`, expected `positional` or `sounded`",
        ),
        (
            "[dynamics]\nproposals = \"sounded\"\nsounding_hours = -1\n",
            "t.toml:3:18: dynamics.sounding_hours: -1 is out of range; allowed: 0 to 168",
        ),
    ]);
    let tmp = tempfile::tempdir().unwrap();
    // Both values are accepted, and `check` prints the resolved key.
    for v in ["positional", "sounded"] {
        let f = tmp.path().join("ok.toml");
        std::fs::write(&f, format!("[dynamics]\nproposals = \"{v}\"\n")).unwrap();
        let out = coalsim().arg("check").arg(&f).output().unwrap();
        assert!(out.status.success());
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains(&format!("proposals = \"{v}\"")), "{stdout}");
    }
}
