//! The Condorcet check: ties the simulator's decision phase to theory.
//!
//! A scenario where votes depend on perceived merit only (interest and trust
//! weights 0, merit weight 1): each voter sees whether a proposal is good
//! with probability p (its `judgment`), independently. Over many decisions
//! Votes are independent only without discussion, so information pooling
//! is off (`pooling = 0`); a last test shows what pooling adds.
//! Over many decisions the share of correct decisions under majority must match
//! P(Bin(n, p) > n/2) (Condorcet's jury theorem), and under consensus the
//! pass rate of good proposals must match p^n, within the Monte Carlo
//! interval. Run `cargo test --release condorcet -- --nocapture` to print the
//! table in docs/validation.md.

use coalsim_core::engine::{EventKind, Simulation};
use coalsim_core::scenario::{Scenario, ScenarioFile, Source};

fn jury(rule: &str, n: u32, p: f64, pooling: f64) -> String {
    format!(
        r#"
name = "Condorcet jury"
max_rounds = 250
min_members = 1
issues = 1
[goal]
size = 1e6
milestones = []
[governance]
decision_rule = "{rule}"
setup_rounds = 0
admission = "closed"
decision_every = 1
silence_as_consent = false
[shocks]
rate = 0.0
[population]
count = {n}
initial_members = {n}
founders = 1
judgment = [{p}, {p}]
position = [0.0, 0.0]
[dynamics]
merit_weight = 1.0
interest_weight = 0.0
trust_weight = 0.0
leave_gain = 0.0
burnout_rate = 0.0
pooling = {pooling}
"#
    )
}

/// (good proposals, good passed, bad proposals, bad passed) over `runs` runs.
fn decisions(rule: &str, n: u32, p: f64, runs: u64) -> (u64, u64, u64, u64) {
    decisions_pooled(rule, n, p, 0.0, runs)
}

/// As [`decisions`], with information pooling in discussion.
fn decisions_pooled(rule: &str, n: u32, p: f64, pooling: f64, runs: u64) -> (u64, u64, u64, u64) {
    let file = ScenarioFile::load(Source {
        name: "condorcet.toml".into(),
        text: jury(rule, n, p, pooling),
    })
    .unwrap();
    let mut counts = (0, 0, 0, 0);
    for_each_decision(&file.base, 1958, runs, |kind| {
        if let EventKind::Decision {
            passed,
            good,
            voters,
            ..
        } = *kind
        {
            assert_eq!(voters, n, "every member votes");
            if good {
                counts.0 += 1;
                counts.1 += passed as u64;
            } else {
                counts.2 += 1;
                counts.3 += passed as u64;
            }
        }
    });
    counts
}

/// Runs `runs` runs of `s` (streams (seed, 0..runs)) to their end and hands
/// every event of kind `Decision` to `f`. Shared with the Rae–Taylor tests.
pub fn for_each_decision(s: &Scenario, seed: u64, runs: u64, mut f: impl FnMut(&EventKind)) {
    for run in 0..runs {
        let mut sim = Simulation::new(s, seed, run);
        while sim.outcome.is_none() {
            for e in sim.step() {
                if matches!(e.kind, EventKind::Decision { .. }) {
                    f(&e.kind);
                }
            }
        }
    }
}

fn binomial_majority(n: u32, p: f64) -> f64 {
    let mut total = 0.0;
    let mut coef = 1.0f64; // C(n, k)
    for k in 0..=n {
        if k > 0 {
            coef *= (n - k + 1) as f64 / k as f64;
        }
        if 2 * k > n {
            total += coef * p.powi(k as i32) * (1.0 - p).powi((n - k) as i32);
        }
    }
    total
}

/// Observed share within 4 standard errors of the theoretical value.
fn close(observed: f64, theory: f64, trials: u64) -> bool {
    let se = (theory * (1.0 - theory) / trials as f64).sqrt().max(1e-9);
    (observed - theory).abs() <= 4.0 * se
}

#[test]
fn condorcet_majority_matches_the_jury_theorem() {
    println!("| rule | n | p | decisions | correct (simulated) | theory | ");
    for n in [5u32, 11, 21] {
        for p in [0.55, 0.6, 0.7] {
            let (g, gp, b, bp) = decisions("majority", n, p, 40);
            let trials = g + b;
            let correct = (gp + (b - bp)) as f64 / trials as f64;
            let theory = binomial_majority(n, p);
            println!("| majority | {n} | {p} | {trials} | {correct:.4} | {theory:.4} |");
            assert!(
                close(correct, theory, trials),
                "majority n={n} p={p}: {correct:.4} correct vs {theory:.4} from the binomial formula over {trials} decisions"
            );
        }
    }
}

#[test]
fn condorcet_consensus_passes_good_proposals_with_probability_p_to_the_n() {
    for (n, p) in [(5u32, 0.55), (5, 0.6), (5, 0.7), (11, 0.9)] {
        let (g, gp, b, bp) = decisions("consensus", n, p, 40);
        let pass_good = gp as f64 / g as f64;
        let pass_bad = bp as f64 / b as f64;
        let (tg, tb) = (p.powi(n as i32), (1.0 - p).powi(n as i32));
        println!(
            "| consensus | {n} | {p} | {g} good, {b} bad | pass good {pass_good:.4}, bad {pass_bad:.5} | {tg:.4}, {tb:.5} |"
        );
        assert!(
            close(pass_good, tg, g),
            "consensus n={n} p={p}: good pass {pass_good:.4} vs p^n = {tg:.4}"
        );
        assert!(
            close(pass_bad, tb, b),
            "consensus n={n} p={p}: bad pass {pass_bad:.5} vs (1-p)^n = {tb:.5}"
        );
    }
}

#[test]
fn condorcet_binomial_formula_is_right_on_a_hand_case() {
    // n = 3, p = 0.6: 3 p^2 (1 - p) + p^3 = 0.648.
    assert!((binomial_majority(3, 0.6) - 0.648).abs() < 1e-12);
}

#[test]
fn condorcet_pooling_in_discussion_makes_consensus_pass_more_good_proposals() {
    // With amendment rounds that pool information, misjudgements get
    // corrected, so consensus passes good proposals more often than p^n
    // (and bad ones still rarely).
    let (n, p) = (5u32, 0.7);
    let (g0, gp0, ..) = decisions("consensus", n, p, 40);
    let (g1, gp1, b1, bp1) = decisions_pooled("consensus", n, p, 0.6, 40);
    let (base, pooled) = (gp0 as f64 / g0 as f64, gp1 as f64 / g1 as f64);
    let se = (base * (1.0 - base) / g0 as f64 + pooled * (1.0 - pooled) / g1 as f64).sqrt();
    assert!(
        pooled - base > 4.0 * se,
        "pooling {pooled:.4} vs none {base:.4}"
    );
    assert!((bp1 as f64 / b1 as f64) < 0.05);
}
