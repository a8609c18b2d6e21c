//! Decision-rule theory the model must reproduce (docs/validation.md):
//!
//! - Rae (1969) and Taylor (1969): with equal stakes and independent
//!   preferences, simple majority maximises the probability that a member's
//!   preference prevails, over all thresholds k of n. The decision phase,
//!   with every other mechanism switched off, must give the analytic curve.
//! - Buchanan & Tullock (1962): the threshold with the best outcome moves up
//!   as the external costs of being outvoted rise, and down as decision
//!   costs rise. Measured with the whole model, with common random numbers.
//!
//! Print the tables of docs/validation.md with
//! `cargo test --release theory -- --nocapture`.

use coalsim_core::engine::{EventKind, Simulation};
use coalsim_core::scenario::{Scenario, ScenarioFile, Source};
use rayon::prelude::*;

/// Every voter prefers "yes" with probability 1/2, independently of the
/// others and of the proposal (judgment 1/2, votes by perceived merit only),
/// and nothing else happens: no amendment, no pooling, no exit, no shock.
fn coin_voters(n: u32, rule: &str, q: f64) -> String {
    format!(
        r#"
name = "Rae-Taylor"
max_rounds = 250
min_members = 1
issues = 1
[goal]
size = 1e12
milestones = []
[governance]
decision_rule = "{rule}"
supermajority = {q}
setup_rounds = 0
admission = "closed"
decision_every = 1
checkin_every = 0
[shocks]
rate = 0.0
[population]
count = {n}
initial_members = {n}
founders = 1
judgment = [0.5, 0.5]
[dynamics]
merit_weight = 1.0
interest_weight = 0.0
trust_weight = 0.0
amendments = 0
pooling = 0.0
leave_gain = 0.0
burnout_rate = 0.0
"#
    )
}

fn load(name: &str, text: String) -> ScenarioFile {
    ScenarioFile::load(Source {
        name: name.into(),
        text,
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Share of (member, decision) pairs where the member's vote matches the
/// outcome, and the number of decisions.
fn prevails(s: &Scenario, runs: u64) -> (f64, u64) {
    let (mut on_winning_side, mut votes, mut decisions) = (0u64, 0u64, 0u64);
    crate::condorcet::for_each_decision(s, 1969, runs, |kind| {
        if let EventKind::Decision {
            passed,
            yes,
            voters,
            ..
        } = *kind
        {
            on_winning_side += u64::from(if passed { yes } else { voters - yes });
            votes += u64::from(voters);
            decisions += 1;
        }
    });
    (on_winning_side as f64 / votes as f64, decisions)
}

/// Rae's probability that a member's preference prevails when a proposal
/// passes with at least k yes votes of n, each voter independently for it
/// with probability 1/2.
fn rae_analytic(n: u32, k: u32) -> f64 {
    let mut total = 0.0;
    let mut coef = 1.0f64; // C(n, y)
    for y in 0..=n {
        if y > 0 {
            coef *= (n - y + 1) as f64 / y as f64;
        }
        let p = coef * 0.5f64.powi(n as i32);
        let agree = if y >= k { y } else { n - y };
        total += p * agree as f64 / n as f64;
    }
    total
}

#[test]
fn theory_rae_taylor_analytic_curve_peaks_at_simple_majority() {
    for n in [5u32, 7, 10, 11] {
        let curve: Vec<f64> = (1..=n).map(|k| rae_analytic(n, k)).collect();
        let best = curve.iter().cloned().fold(f64::MIN, f64::max);
        // Majority: k = floor(n/2) + 1 (for even n, k = n/2 ties with it).
        let majority = n / 2 + 1;
        assert!(
            (curve[(majority - 1) as usize] - best).abs() < 1e-12,
            "n={n}: {curve:?}"
        );
        for k in 1..=n {
            // Symmetric in k <-> n + 1 - k, and strictly below the peak away from it.
            assert!((curve[(k - 1) as usize] - curve[(n - k) as usize]).abs() < 1e-12);
            if k != majority && !(n % 2 == 0 && k == n / 2) {
                assert!(curve[(k - 1) as usize] < best - 1e-6, "n={n} k={k}");
            }
        }
    }
    // A hand case: n = 3, k = 2: every split 2-1 or 3-0 leaves 3/4 of members
    // on the winning side on average: (1·1 + 3·2/3 + 3·2/3 + 1·1) / 8 = 0.75.
    assert!((rae_analytic(3, 2) - 0.75).abs() < 1e-12);
    assert!((rae_analytic(3, 3) - (1.0 + 3.0 * 2.0 / 3.0 + 3.0 / 3.0 + 1.0) / 8.0).abs() < 1e-12);
}

#[test]
fn theory_rae_taylor_the_decision_phase_gives_the_analytic_curve() {
    println!("| n | k (yes needed) | rule | decisions | prevails (simulated) | analytic |");
    for n in [7u32, 10] {
        let majority = n / 2 + 1;
        let mut simulated = Vec::new();
        for k in majority..=n {
            // k = majority is the majority rule; above it a supermajority
            // with q = (k − 1/2)/n (passes iff yes >= k); k = n also under
            // consensus (no objection here is mild enough to stand aside).
            let mut rules = vec![];
            if k == majority {
                rules.push(("majority", 0.67));
            } else {
                rules.push(("supermajority", (k as f64 - 0.5) / n as f64));
            }
            if k == n {
                rules.push(("consensus", 0.67));
            }
            for (rule, q) in rules {
                let file = load("rae.toml", coin_voters(n, rule, q));
                let (p, decisions) = prevails(&file.base, 40);
                let theory = rae_analytic(n, k);
                println!("| {n} | {k} | {rule} | {decisions} | {p:.4} | {theory:.4} |");
                // The n voters of one decision are not independent trials of
                // "prevails"; a conservative standard error uses decisions.
                let se = (theory * (1.0 - theory) / decisions as f64).sqrt();
                assert!(
                    (p - theory).abs() < 4.0 * se,
                    "n={n} k={k} {rule}: simulated {p:.4} vs analytic {theory:.4}"
                );
                simulated.push((k, p));
            }
        }
        // Majority is the best simulated threshold, by a clear margin over
        // the next one.
        let best = simulated.iter().max_by(|a, b| a.1.total_cmp(&b.1)).unwrap();
        assert_eq!(best.0, majority, "n={n}: {simulated:?}");
    }
}

/// The default coalition under a supermajority rule, with overrides.
fn threshold_arm(q: f64, overrides: &[(&str, f64)]) -> Scenario {
    let file = ScenarioFile::open(None).unwrap();
    let mut set: Vec<(String, toml::Value)> = vec![
        (
            "governance.decision_rule".into(),
            toml::Value::String("supermajority".into()),
        ),
        ("governance.supermajority".into(), toml::Value::Float(q)),
    ];
    for (k, v) in overrides {
        set.push((k.to_string(), toml::Value::Float(*v)));
    }
    file.with_overrides("theory", &set).unwrap()
}

const THRESHOLDS: [f64; 6] = [0.51, 0.6, 0.7, 0.8, 0.9, 1.0];

/// Success (0/1) of run `run` of every scenario, with common random numbers.
fn successes(arms: &[Scenario], runs: u64) -> Vec<Vec<f64>> {
    (0..runs)
        .into_par_iter()
        .map(|run| {
            arms.iter()
                .map(|s| {
                    let mut sim = Simulation::new(s, 1962, run);
                    f64::from(u8::from(sim.run_to_end().success))
                })
                .collect()
        })
        .collect()
}

/// Mean and 99% half-width of per-run values.
fn mean_hw(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = xs.clone().count() as f64;
    let mean = xs.clone().sum::<f64>() / n;
    let var = xs.map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, 2.576 * (var / n).sqrt())
}

/// Measures success against the threshold under two settings of one
/// lever and returns, per setting, the curve; prints it.
fn curves(label: &str, low: &[(&str, f64)], high: &[(&str, f64)], runs: u64) -> Vec<Vec<f64>> {
    let mut arms = Vec::new();
    for setting in [low, high] {
        for q in THRESHOLDS {
            arms.push(threshold_arm(q, setting));
        }
    }
    let per_run = successes(&arms, runs);
    for (i, setting) in ["low", "high"].iter().enumerate() {
        let curve: Vec<f64> = (0..THRESHOLDS.len())
            .map(|j| mean_hw(per_run.iter().map(|r| r[i * THRESHOLDS.len() + j])).0)
            .collect();
        let best = (0..curve.len())
            .max_by(|&a, &b| curve[a].total_cmp(&curve[b]))
            .unwrap();
        println!(
            "| {label} | {setting} | {} | {} |",
            curve
                .iter()
                .map(|s| format!("{:.1}%", 100.0 * s))
                .collect::<Vec<_>>()
                .join(" | "),
            THRESHOLDS[best]
        );
    }
    per_run
}

#[test]
fn theory_buchanan_tullock_external_costs_move_the_best_threshold_up() {
    const RUNS: u64 = 1500;
    println!("| lever | level | q=0.51 | 0.6 | 0.7 | 0.8 | 0.9 | 1.0 | best q |");
    // External costs: how much implementation needs every member's buy-in,
    // and the resentment of being outvoted.
    let low = [
        ("dynamics.implementation_need", 0.0),
        ("dynamics.outvoted_cost", 0.0),
    ];
    let high = [
        ("dynamics.implementation_need", 0.9),
        ("dynamics.outvoted_cost", 0.15),
    ];
    let per_run = curves("external cost", &low, &high, RUNS);
    let t = THRESHOLDS.len();
    let (lo_q, hi_q) = (0, 3); // 0.51 against 0.8
    // Contrast: how much raising the threshold from 0.51 to 0.8 pays under
    // high external costs, minus how much it pays under low ones.
    let (c, hw) = mean_hw(
        per_run
            .iter()
            .map(|r| (r[t + hi_q] - r[t + lo_q]) - (r[hi_q] - r[lo_q])),
    );
    println!("contrast (external): {c:+.4} ± {hw:.4}");
    assert!(
        c - hw > 0.0,
        "raising the threshold should pay more when external costs are high: {c:+.4} ± {hw:.4}"
    );
    // And with no external cost, a bare majority is (within noise) as good
    // as any higher threshold.
    let (gain_low, hw_low) = mean_hw(per_run.iter().map(|r| r[hi_q] - r[lo_q]));
    assert!(
        gain_low - hw_low < 0.0,
        "with no external cost 0.8 should not beat 0.51 clearly: {gain_low:+.4} ± {hw_low:.4}"
    );
}

#[test]
fn theory_buchanan_tullock_decision_costs_move_the_best_threshold_down() {
    const RUNS: u64 = 1500;
    // Decision costs: the working time each objection negotiated in an
    // amendment round takes.
    let low = [("dynamics.amendment_delay", 0.0)];
    let high = [("dynamics.amendment_delay", 0.1)];
    let per_run = curves("decision cost", &low, &high, RUNS);
    let t = THRESHOLDS.len();
    let (mid, top) = (3, 5); // 0.8 against unanimity
    // Contrast: going from 0.8 to unanimity costs more when deciding is
    // costly.
    let (c, hw) = mean_hw(
        per_run
            .iter()
            .map(|r| (r[t + top] - r[t + mid]) - (r[top] - r[mid])),
    );
    println!("contrast (decision): {c:+.4} ± {hw:.4}");
    assert!(
        c + hw < 0.0,
        "raising the threshold to unanimity should cost more when decision costs are high: {c:+.4} ± {hw:.4}"
    );
}
