//! Who coordinates is not how you decide; power as a user describes it
//! (docs/model.md, "Coordination structure" and "Resources").
//!
//! - A steering committee or sub-groups buy fewer hours and less process
//!   loss with information (second-hand clarity and records, fewer members
//!   seen at work). With neither hours nor process loss to save, a grouped
//!   structure has only its costs: it must not beat everyone-meets. With
//!   them, it wins a large coalition and loses a small one, and the more
//!   so the rarer the check-ins, through the hours of keeping in touch.
//! - Weighted voting differs from a head-count supermajority at the same
//!   quota when resources are concentrated *and* go with positions (the
//!   richest stand together): the agenda then follows those who do most of
//!   the work (more aligned effort, their buy-in), and the small members it
//!   outvotes leave more often. Concentration alone changes little.
//!
//! Print the measured numbers with
//! `cargo test --release --test it structure -- --nocapture`.

use coalsim_core::engine::{RunSummary, Simulation};
use coalsim_core::scenario::{Scenario, ScenarioFile, Source, parse_value};
use rayon::prelude::*;

fn arm(text: &str, sets: &[(&str, &str)]) -> Scenario {
    let file = ScenarioFile::load(Source {
        name: "structure.toml".into(),
        text: text.into(),
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let sets: Vec<(String, toml::Value)> = sets
        .iter()
        .map(|(k, v)| (k.to_string(), parse_value(v)))
        .collect();
    file.with_overrides("structure test", &sets)
        .unwrap_or_else(|e| panic!("{e}"))
}

/// `measure(summary)` of run `run` of both arms, with common random numbers.
fn paired(
    a: &Scenario,
    b: &Scenario,
    runs: u64,
    measure: fn(&RunSummary) -> f64,
) -> Vec<(f64, f64)> {
    (0..runs)
        .into_par_iter()
        .map(|run| {
            let x = measure(&Simulation::new(a, 7, run).run_to_end());
            let y = measure(&Simulation::new(b, 7, run).run_to_end());
            (x, y)
        })
        .collect()
}

/// Mean of b − a and its 99% half-width; the two means.
fn difference(pairs: &[(f64, f64)]) -> (f64, f64, f64, f64) {
    let n = pairs.len() as f64;
    let d: Vec<f64> = pairs.iter().map(|(a, b)| b - a).collect();
    let mean = d.iter().sum::<f64>() / n;
    let var = d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let ma = pairs.iter().map(|p| p.0).sum::<f64>() / n;
    let mb = pairs.iter().map(|p| p.1).sum::<f64>() / n;
    (mean, 2.576 * (var / n).sqrt(), ma, mb)
}

fn success(r: &RunSummary) -> f64 {
    f64::from(u8::from(r.success))
}

fn voluntary_exits(r: &RunSummary) -> f64 {
    f64::from(
        r.exits_low_trust
            + r.exits_low_alignment
            + r.exits_low_efficacy
            + r.exits_overload
            + r.exits_hidden_objection
            + r.exits_outvoted,
    )
}

/// A coalition of `n` organisations, all members from the start, with a
/// goal that takes most of two years.
fn coalition(n: u32, goal: f64) -> String {
    format!(
        "name = \"{n} members\"\nmax_rounds = 104\n[goal]\nsize = {goal}\n\
         [population]\ncount = {n}\nfounders = 1\ninitial_members = {n}\n"
    )
}

fn report(label: &str, (d, hw, a, b): (f64, f64, f64, f64)) {
    println!(
        "{label}: {:.1}% vs {:.1}%, difference {:+.1} pts (99% ±{:.1})",
        100.0 * a,
        100.0 * b,
        100.0 * d,
        100.0 * hw
    );
}

#[test]
fn structure_without_hours_or_process_loss_to_save_a_committee_gives_no_advantage() {
    // 30 members and a large goal: under everyone-meets about half succeed.
    let text = coalition(30, 260.0);
    let free = [
        ("dynamics.coordination_hours", "0"),
        ("dynamics.coordination_loss", "0"),
    ];
    for rule in ["majority", "committee"] {
        let mut a = vec![
            ("governance.decision_rule", rule),
            ("governance.coordination", "everyone"),
        ];
        let mut b = vec![
            ("governance.decision_rule", rule),
            ("governance.coordination", "committee"),
        ];
        a.extend(free);
        b.extend(free);
        let r = difference(&paired(&arm(&text, &a), &arm(&text, &b), 1500, success));
        report(
            &format!("30 members, {rule} rule, nothing to save: everyone vs committee"),
            r,
        );
        assert!(
            r.0 - r.1 < 0.0,
            "{rule}: a committee with nothing to save must not beat everyone-meets: {r:?}"
        );
        // The same without the information it costs (relay = 1): no
        // significant difference either way, by construction.
        a.push(("dynamics.relay", "1"));
        b.push(("dynamics.relay", "1"));
        let r = difference(&paired(&arm(&text, &a), &arm(&text, &b), 1500, success));
        report("  ... and nothing lost (relay 1)", r);
        assert!(r.0 - r.1 < 0.02 && r.0 + r.1 > -0.05, "{rule}: {r:?}");
    }
}

#[test]
fn structure_a_committee_wins_a_large_coalition_and_loses_a_small_one() {
    // Hours and process loss at their defaults, majority rule throughout.
    let large = coalition(40, 150.0);
    let r = difference(&paired(
        &arm(&large, &[("governance.coordination", "everyone")]),
        &arm(
            &large,
            &[
                ("governance.coordination", "committee"),
                ("governance.committee_size", "7"),
            ],
        ),
        800,
        success,
    ));
    report("40 members: everyone vs committee of 7", r);
    assert!(
        r.0 - r.1 > 0.0,
        "a committee saves a large coalition hours: {r:?}"
    );
    let r = difference(&paired(
        &arm(&large, &[("governance.coordination", "everyone")]),
        &arm(&large, &[("governance.coordination", "subgroups")]),
        800,
        success,
    ));
    report("40 members: everyone vs sub-groups of 6", r);
    assert!(r.0 - r.1 > 0.0, "so do sub-groups: {r:?}");

    let small = coalition(6, 80.0);
    let r = difference(&paired(
        &arm(&small, &[("governance.coordination", "everyone")]),
        &arm(&small, &[("governance.coordination", "committee")]),
        1500,
        success,
    ));
    report("6 members: everyone vs committee of 5", r);
    assert!(
        r.0 + r.1 < 0.0,
        "in a small coalition a committee only adds meetings: {r:?}"
    );
}

/// Ten organisations in two camps (the default coalition with divide 0.3),
/// weighted and supermajority at the same quota.
const CAMPS: &str = r#"
name = "two camps"
[governance]
supermajority = 0.67
weighted_quota = 0.67
[population]
count = 10
founders = 1
initial_members = 3
divide = 0.3
"#;

fn rules(sets: &[(&str, &str)]) -> (Scenario, Scenario) {
    let mut a = vec![("governance.decision_rule", "supermajority")];
    let mut b = vec![("governance.decision_rule", "weighted")];
    a.extend(sets);
    b.extend(sets);
    (arm(CAMPS, &a), arm(CAMPS, &b))
}

#[test]
fn structure_weighted_voting_differs_where_resources_are_concentrated_and_go_with_positions() {
    // 6,000 runs: since the direction floor was lowered to 0.2 the lead
    // is smaller (+2.5 points, against +3.4 before).
    let runs = 6000;
    // Resources concentrated and held by one camp: weighted voting lets
    // the agenda follow those who do most of the work.
    let skewed = [
        ("population.resource_concentration", "0.8"),
        ("population.resource_position", "0.8"),
    ];
    let (sup, wei) = rules(&skewed);
    let r = difference(&paired(&sup, &wei, runs, success));
    report("concentrated, with a camp: supermajority vs weighted", r);
    assert!(r.0 - r.1 > 0.0, "weighted must win here: {r:?}");
    // ... and the small members it outvotes leave more often.
    let e = difference(&paired(&sup, &wei, runs, voluntary_exits));
    println!("  voluntary exits {:.2} vs {:.2}", e.2, e.3);
    assert!(e.0 - e.1 > 0.0, "weighted must cost exits here: {e:?}");

    // Concentrated but not with positions: head-count and resource
    // majorities rarely disagree, and the rules differ little. (Until the
    // direction floor was lowered to 0.2 this lead was +0.9 ± 1.7 and the
    // test also required the two leads to differ beyond their 95%
    // interval; now concentration alone gives weighted voting +1.5 points
    // and the contrast, +1.0 ± 1.2, is not resolved: docs/validation.md,
    // "Power as a user sees it".)
    let (sup, wei) = rules(&[("population.resource_concentration", "0.8")]);
    let r2 = difference(&paired(&sup, &wei, runs, success));
    report("concentrated, unrelated to positions", r2);
    assert!(r2.0.abs() < 0.03, "{r2:?}");
}

/// A coalition of the steering committee's box on the rule map (README,
/// "Which rule, for which coalition?"): 32 organisations that may join,
/// staff doing most of the work, five hours a week, majority rule; the
/// other sampled settings at the middle of the map's range or, where the
/// file leaves them out, at the model's defaults.
const LARGE_STAFFED: &str = r#"
name = "a large staffed coalition"
max_rounds = 104
[goal]
size = 80.0
milestones = [0.1]
[governance]
decision_rule = "majority"
stand_aside_limit = 0.6
[dynamics]
implementation_need = 0.15
outvoted_cost = 0.075
hours_budget = 5.0
block_threshold = 0.3
excluded_buy_in = 0.55
amendments = 2
amendment_move = 0.55
pooling = 0.3
merit_perception = 0.5
[population]
count = 32
founders = 1
initial_members = 5
position = [-0.2, 1.0]
urgency = [0.45, 1.0]
divide = 0.3
focus = 2.0
resource_concentration = 0.45
work_follows_resources = 0.5
relationship_density = 0.4
"#;

/// Per run, how much more a coordinating committee gains on everyone
/// meeting with check-ins every four weeks than with weekly ones, under
/// `sets`: (c4 − e4) − (c1 − e1) in success, the four arms on common
/// random numbers. Mean and 99% half-width.
fn committee_gain_from_rarer_checkins(sets: &[(&str, &str)], runs: u64) -> (f64, f64) {
    let arms: Vec<Scenario> = [
        ("everyone", "1"),
        ("committee", "1"),
        ("everyone", "4"),
        ("committee", "4"),
    ]
    .iter()
    .map(|(c, k)| {
        let mut s = vec![
            ("governance.coordination", *c),
            ("governance.checkin_every", *k),
        ];
        s.extend(sets);
        arm(LARGE_STAFFED, &s)
    })
    .collect();
    let d: Vec<f64> = (0..runs)
        .into_par_iter()
        .map(|run| {
            let y: Vec<f64> = arms
                .iter()
                .map(|a| success(&Simulation::new(a, 7, run).run_to_end()))
                .collect();
            (y[3] - y[2]) - (y[1] - y[0])
        })
        .collect();
    crate::theory::mean_hw(d.iter().copied())
}

/// Why the committee's lead on the rule map grows as check-ins grow rarer
/// (docs/validation.md, "The rule map with check-ins, leaving and the
/// committee's size sampled"): where everyone meets, keeping in touch with
/// every partner costs hours that leave members near the point of leaving,
/// and the clarity that holds them fades between check-ins; a committee's
/// members keep in touch with a few. With no hours of keeping in touch to
/// save, rarer check-ins cost both structures alike.
#[test]
fn structure_rarer_checkins_favour_a_committee_through_the_hours_of_keeping_in_touch() {
    let runs = 800;
    let with_hours = committee_gain_from_rarer_checkins(&[], runs);
    println!(
        "committee's gain, monthly minus weekly check-ins: {:+.3} ± {:.3}",
        with_hours.0, with_hours.1
    );
    assert!(
        with_hours.0 - with_hours.1 > 0.1,
        "rarer check-ins must favour a committee in a large coalition: {with_hours:?}"
    );
    let no_hours =
        committee_gain_from_rarer_checkins(&[("dynamics.coordination_hours", "0")], runs);
    println!(
        "  ... with no hours of keeping in touch: {:+.3} ± {:.3}",
        no_hours.0, no_hours.1
    );
    assert!(
        no_hours.0.abs() < 0.05 && no_hours.0 + 0.1 < with_hours.0,
        "with nothing to save, check-ins must not favour the committee: {no_hours:?} against {with_hours:?}"
    );
}
