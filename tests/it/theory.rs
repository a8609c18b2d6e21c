//! Decision-rule theory the model must reproduce (docs/validation.md):
//!
//! - Rae (1969) and Taylor (1969): with equal stakes and independent
//!   preferences, simple majority maximises the probability that a member's
//!   preference prevails, over all thresholds k of n. The decision phase,
//!   with every other mechanism switched off, must give the analytic curve.
//! - Rae–Taylor in the whole model (every dynamic on): in a neutral
//!   coalition simple majority maximises member welfare over all
//!   thresholds, and no rule beats it on success; welfare too when
//!   proposers sound out the vote (`dynamics.proposals = "sounded"`).
//! - Buchanan & Tullock (1962): the threshold with the best outcome moves up
//!   with the external costs of losing (an intense minority) and down with
//!   the costs of deciding (a larger group; costly deadlock). Measured with
//!   the whole model, with common random numbers, and the external-cost and
//!   larger-group claims again with members who hold out and bargain. The
//!   decision-cost side (urgency, costly deadlock, a larger group), and on
//!   the external-cost side two camps (the threshold) and intense stakes
//!   (consensus against majority), are also measured over the coalitions
//!   of scenarios/coalition-space.toml, through `coalsim explore`.
//! - Who does the work, and who decides: votes weighted by resources pay
//!   where each member's share of the work follows its resources
//!   (`population.work_follows_resources` = 1) and cost where the work is
//!   shared equally (0), when one or two members hold most of the
//!   resources; with resources alike it hardly matters.
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
size = 1e6
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

/// Mean and 99% half-width of per-run values (also the paired tests of
/// proposals.rs and quorum.rs).
pub fn mean_hw(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let n = xs.clone().count() as f64;
    let mean = xs.clone().sum::<f64>() / n;
    let var = xs.map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, 2.576 * (var / n).sqrt())
}

// ---------------------------------------------------------------------
// Model v3: theory with every dynamic on (docs/validation.md, "Decision
// rules in the whole model").
// ---------------------------------------------------------------------

/// A neutral coalition: `n` members from the start, one issue (equal
/// stakes), positions uniform on [−1, 1] drawn independently, equal
/// resources, credibility, reliability, engagement, judgment and urgency
/// (members who implement equally), proposers in rotation. Every dynamic
/// is on: check-ins, shocks, trust, engagement, exits, resentment and
/// buy-in on whichever side loses.
fn neutral(n: u32) -> String {
    format!(
        r#"
name = "neutral coalition"
issues = 1
[goal]
scope = [0]
[governance]
rotate_agenda = true
[population]
count = {n}
founders = 1
initial_members = {n}
resources = [1.0, 1.0]
credibility = [0.6, 0.6]
reliability = [0.85, 0.85]
engagement = [0.75, 0.75]
judgment = [0.7, 0.7]
urgency = [0.5, 0.5]
position = [-1.0, 1.0]
"#
    )
}

/// Ten (or `n`) member organisations on one contested issue: 30% stand at
/// −0.8, the rest at +0.5. With `intense`, the minority's stake in the
/// issue is 1 and the majority's 0.4 (its main concern is another issue);
/// without, every member's stake is 0.4. `urgency` is every member's.
/// The goal, 2.5 per member, puts the best threshold's success near 0.7
/// (3.5 per member until the fourth adversarial review: issue 21's lower
/// clarity had left every threshold at or below 0.27, too near the floor
/// for a contrast to say anything).
///
/// What the tests on this coalition measure (docs/validation.md, "The
/// rump"): the founding agenda, the salience-weighted mean, sits near the
/// intense minority, so a high threshold keeps a status quo that serves
/// the minority until the majority camp leaves; most of the high
/// thresholds' successes here are the minority finishing alone (0.453 of
/// the 0.711 at 0.7). With a split counted as failure (`min_members` 5)
/// the external-cost, holdout and larger-group contrasts do not hold.
pub fn camps(n: u32, intense: bool, urgency: f64) -> String {
    let mut text = format!(
        r#"
name = "camps"
issues = 2
[goal]
scope = [0]
size = {size}
[governance]
rotate_agenda = true
[population]
count = 0
initial_members = 0
founders = 0
"#,
        size = 2.5 * n as f64
    );
    let minority = (n as f64 * 0.3).round() as u32;
    for i in 0..n {
        let in_minority = i < minority;
        // Small fixed offsets so that members are not identical.
        let jitter = ((i * 37) % 21) as f64 / 100.0 - 0.1;
        let other = ((i * 53) % 41) as f64 / 20.0 - 1.0;
        let x = if in_minority { -0.8 } else { 0.5 } + jitter;
        let salience = if in_minority && intense {
            "[1.0, 0.2]"
        } else {
            "[0.4, 1.0]"
        };
        let founder = i == 0 || i == minority;
        text += &format!(
            "[[agent]]\nname = \"m{i}\"\nposition = [{x:.3}, {other:.3}]\nsalience = {salience}\nurgency = {urgency}\nmember = true\nfounder = {founder}\n"
        );
    }
    text
}

fn scenario_with(text: String, set: &[(&str, toml::Value)]) -> Scenario {
    crate::helpers_scenario::overridden(&load("theory.toml", text), "theory", set)
}

fn rule(name: &str) -> (&'static str, toml::Value) {
    ("governance.decision_rule", toml::Value::String(name.into()))
}

/// The arm of threshold q: the majority rule at q = 0.5, else a
/// supermajority of q.
fn threshold(text: &str, q: f64, extra: &[(&str, toml::Value)]) -> Scenario {
    let mut set = vec![if q <= 0.5 {
        rule("majority")
    } else {
        rule("supermajority")
    }];
    if q > 0.5 {
        set.push(("governance.supermajority", toml::Value::Float(q)));
    }
    set.extend(extra.iter().cloned());
    scenario_with(text.to_string(), &set)
}

/// Success (0/1) and welfare of run `run` of every arm, with common random
/// numbers.
fn outcomes(arms: &[Scenario], runs: u64) -> Vec<Vec<(f64, f64)>> {
    (0..runs)
        .into_par_iter()
        .map(|run| {
            arms.iter()
                .map(|s| {
                    let r = Simulation::new(s, 1975, run).run_to_end();
                    (f64::from(u8::from(r.success)), r.welfare)
                })
                .collect()
        })
        .collect()
}

fn success_of(per_run: &[Vec<(f64, f64)>], arm: usize) -> f64 {
    per_run.iter().map(|r| r[arm].0).sum::<f64>() / per_run.len() as f64
}

fn welfare_of(per_run: &[Vec<(f64, f64)>], arm: usize) -> f64 {
    per_run.iter().map(|r| r[arm].1).sum::<f64>() / per_run.len() as f64
}

/// Paired mean and 99% half-width of welfare(a) − welfare(b).
fn welfare_diff(per_run: &[Vec<(f64, f64)>], a: usize, b: usize) -> (f64, f64) {
    mean_hw(per_run.iter().map(|r| r[a].1 - r[b].1))
}

const CURVE: [f64; 6] = [0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

fn print_curve(label: &str, per_run: &[Vec<(f64, f64)>], offset: usize) {
    let cells = |f: &dyn Fn(usize) -> f64| {
        (0..CURVE.len())
            .map(|j| format!("{:.3}", f(offset + j)))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    println!(
        "| {label} | success | {} |",
        cells(&|a| success_of(per_run, a))
    );
    println!(
        "| {label} | welfare | {} |",
        cells(&|a| welfare_of(per_run, a))
    );
}

#[test]
fn theory_rae_taylor_in_the_whole_model_majority_maximises_member_welfare() {
    majority_maximises_member_welfare("neutral, 10 members", &[]);
}

/// The same with proposers who sound out the vote first (docs/model.md,
/// "Sounding out the vote"): the threshold still decides whose preference
/// prevails, so majority still serves members best.
#[test]
fn theory_rae_taylor_holds_when_proposers_sound_out_the_vote() {
    majority_maximises_member_welfare(
        "neutral, 10 members, sounded",
        &[("dynamics.proposals", toml::Value::String("sounded".into()))],
    );
}

/// Rae–Taylor in the neutral coalition, with `extra` overrides on every
/// threshold's arm.
fn majority_maximises_member_welfare(label: &str, extra: &[(&str, toml::Value)]) {
    const RUNS: u64 = 800;
    let text = neutral(10);
    let arms: Vec<Scenario> = CURVE.iter().map(|&q| threshold(&text, q, extra)).collect();
    let per_run = outcomes(&arms, RUNS);
    println!("| coalition | measure | majority | q=0.6 | 0.7 | 0.8 | 0.9 | 1.0 |");
    print_curve(label, &per_run, 0);
    for (j, &q) in CURVE.iter().enumerate().skip(1) {
        let (d, hw) = welfare_diff(&per_run, 0, j);
        println!("welfare, majority minus q={}: {d:+.4} ± {hw:.4}", q);
        // Majority is never significantly below any higher threshold, and
        // clearly above from 0.7 on.
        assert!(
            d + hw > 0.0,
            "q={} beats majority on welfare: {d:+.4} ± {hw:.4}",
            q
        );
        if q >= 0.7 {
            assert!(
                d - hw > 0.0,
                "majority should clearly beat q={}: {d:+.4} ± {hw:.4}",
                q
            );
        }
    }
}

/// The seven decision rules, majority first.
const RULES: [&str; 7] = [
    "majority",
    "supermajority",
    "consensus",
    "modified_consensus",
    "consent",
    "weighted",
    "committee",
];

#[test]
fn theory_rae_taylor_in_the_whole_model_no_rule_beats_majority_on_success() {
    const RUNS: u64 = 1000;
    let text = neutral(10);
    let rules = RULES;
    let arms: Vec<Scenario> = rules
        .iter()
        .map(|r| scenario_with(text.clone(), &[rule(r)]))
        .collect();
    let per_run = outcomes(&arms, RUNS);
    for (j, name) in rules.iter().enumerate().skip(1) {
        let (d, hw) = mean_hw(per_run.iter().map(|r| r[j].0 - r[0].0));
        println!(
            "| {name} | {:.3} | {:.3} | {d:+.3} ± {hw:.3} |",
            success_of(&per_run, j),
            welfare_of(&per_run, j)
        );
        assert!(
            d - hw <= 0.0,
            "{name} beats majority on success in a neutral coalition: {d:+.4} ± {hw:.4}"
        );
    }
    println!(
        "| majority | {:.3} | {:.3} | baseline |",
        success_of(&per_run, 0),
        welfare_of(&per_run, 0)
    );
}

/// Runs the threshold curve of two coalitions and returns the paired
/// contrast (second minus first) of success(q_hi) − success(q_lo).
fn contrast(
    label: [&str; 2],
    arms: [Vec<Scenario>; 2],
    runs: u64,
    lo: usize,
    hi: usize,
) -> (f64, f64) {
    let all: Vec<Scenario> = arms.into_iter().flatten().collect();
    let per_run = outcomes(&all, runs);
    let t = CURVE.len();
    print_curve(label[0], &per_run, 0);
    print_curve(label[1], &per_run, t);
    let (c, hw) = mean_hw(
        per_run
            .iter()
            .map(|r| (r[t + hi].0 - r[t + lo].0) - (r[hi].0 - r[lo].0)),
    );
    println!(
        "contrast, success(q={}) − success(q={}), {} minus {}: {c:+.4} ± {hw:.4}",
        CURVE[hi], CURVE[lo], label[1], label[0]
    );
    (c, hw)
}

fn curve(text: &str, extra: &[(&str, toml::Value)]) -> Vec<Scenario> {
    CURVE.iter().map(|&q| threshold(text, q, extra)).collect()
}

#[test]
fn theory_external_costs_an_intense_minority_moves_the_best_threshold_up() {
    println!("| coalition | measure | majority | q=0.6 | 0.7 | 0.8 | 0.9 | 1.0 |");
    let (c, hw) = external_costs(&[]);
    assert!(
        c - hw > 0.0,
        "a 0.7 threshold should pay more with an intense minority: {c:+.4} ± {hw:.4}"
    );
}

/// How much more raising the threshold from majority to 0.7 pays with an
/// intense minority than with equal stakes (800 runs), `extra` set on
/// every arm.
fn external_costs(extra: &[(&str, toml::Value)]) -> (f64, f64) {
    contrast(
        ["every stake 0.4", "minority's stake 1"],
        [
            curve(&camps(10, false, 0.5), extra),
            curve(&camps(10, true, 0.5), extra),
        ],
        800,
        0,
        2,
    )
}

#[test]
fn theory_decision_costs_a_larger_group_pays_more_near_unanimity() {
    println!("| coalition | measure | majority | q=0.6 | 0.7 | 0.8 | 0.9 | 1.0 |");
    let (c, hw) = larger_group(&[]);
    // Buchanan and Tullock's decision costs rise with the group and
    // steeply near unanimity: the step from 0.8 to 0.9, the last where
    // both groups are above the floor, costs the larger group more. The
    // best threshold does not move down (0.7 in both): external costs grow
    // with the group too, and raising the threshold from 0.6 to 0.8 pays
    // the larger group more (docs/validation.md, "Decision rules in the
    // whole model").
    assert!(
        c + hw < 0.0,
        "raising the threshold from 0.8 to 0.9 should cost a larger group more: {c:+.4} ± {hw:.4}"
    );
}

/// How much more the step from 0.8 to 0.9 costs the intense-minority
/// coalition of twenty than of ten (2,000 runs), `extra` set on every arm.
/// The coordination load per member is held equal across the sizes (hours
/// and process loss per contact × 9/19 in the group of 20), so that what
/// differs is the number of members a decision must win over, not the
/// meeting structure: with everyone meeting everyone the larger group
/// would pay twice the coordination per member under every rule (the
/// adversarial review in docs/validation.md).
fn larger_group(extra: &[(&str, toml::Value)]) -> (f64, f64) {
    let per_contact = |v: f64| toml::Value::Float(v * 9.0 / 19.0);
    let mut larger = extra.to_vec();
    larger.push(("dynamics.coordination_hours", per_contact(0.1)));
    larger.push(("dynamics.coordination_loss", per_contact(0.02)));
    contrast(
        ["10 members", "20 members"],
        [
            curve(&camps(10, true, 0.5), extra),
            curve(&camps(20, true, 0.5), &larger),
        ],
        2000,
        3,
        4,
    )
}

#[test]
fn theory_decision_costs_costly_deadlock_moves_the_best_threshold_down() {
    const RUNS: u64 = 2500;
    println!("| coalition | measure | majority | q=0.6 | 0.7 | 0.8 | 0.9 | 1.0 |");
    let text = camps(10, true, 0.9);
    let (c, hw) = contrast(
        ["waiting_cost 0", "waiting_cost 1"],
        [
            curve(&text, &[("dynamics.waiting_cost", toml::Value::Float(0.0))]),
            curve(&text, &[("dynamics.waiting_cost", toml::Value::Float(1.0))]),
        ],
        RUNS,
        0,
        3,
    );
    // Open since issue 21 (docs/validation.md, "Decision rules in the
    // whole model"): the contrast is +0.008 ± 0.028 (it was −0.063 ±
    // 0.035). A decision taken, not every week of deliberation, is now the
    // channel of clarity, which removed the reward for dragging a decision
    // out, but the exit barrier that a graceful protocol now carries keeps
    // on the members a deadlock harms (with `exit_barrier = 0`: −0.047 ±
    // 0.031). It must not reverse.
    assert!(
        c - hw < 0.0,
        "raising the threshold from majority to 0.8 should not pay more when a blocked change is costly: {c:+.4} ± {hw:.4}"
    );
}

// ---------------------------------------------------------------------
// Who does the work, and who decides (docs/validation.md).
// ---------------------------------------------------------------------

/// Ten members from the start on one issue, positions drawn independently
/// and uniformly on [−1, 1]. `concentrated`: resources with a Gini of 0.8
/// (one or two members hold most of them); otherwise alike (0.9 to 1.1).
/// The weighted rule's power follows resources either way; who does the
/// work is `population.work_follows_resources`, set by each arm.
fn work_and_power(concentrated: bool) -> String {
    let resources = if concentrated {
        "resource_concentration = 0.8"
    } else {
        "resources = [0.9, 1.1]"
    };
    format!(
        r#"
name = "who does the work"
issues = 1
[goal]
scope = [0]
[population]
count = 10
founders = 1
initial_members = 10
position = [-1.0, 1.0]
{resources}
"#
    )
}

/// Mean and standard error of per-run values.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// The four arms of one coalition: majority and weighted, with the work
/// following resources (λ = 1) and shared equally (λ = 0), in that order.
fn work_arms(text: &str, need: f64) -> Vec<Scenario> {
    let mut arms = Vec::new();
    for lambda in [1.0, 0.0] {
        for r in ["majority", "weighted"] {
            arms.push(scenario_with(
                text.to_string(),
                &[
                    rule(r),
                    (
                        "population.work_follows_resources",
                        toml::Value::Float(lambda),
                    ),
                    ("dynamics.implementation_need", toml::Value::Float(need)),
                ],
            ));
        }
    }
    arms
}

/// Per run, of the four arms at `offset`: weighted's success minus
/// majority's with the work following resources, and with it shared
/// equally.
fn weighted_leads(per_run: &[Vec<(f64, f64)>], offset: usize) -> Vec<(f64, f64)> {
    per_run
        .iter()
        .map(|r| {
            let s = |a: usize| r[offset + a].0;
            (s(1) - s(0), s(3) - s(2))
        })
        .collect()
}

#[test]
fn theory_who_does_the_work_weighted_voting_pays_only_where_the_work_follows_resources() {
    const RUNS: u64 = 1000;
    // Concentrated resources with the work needing no buy-in and needing
    // much, then resources alike (the control).
    let coalitions = [
        ("concentrated, implementation_need 0", true, 0.0),
        ("concentrated, implementation_need 0.9", true, 0.9),
        ("resources alike, implementation_need 0.9", false, 0.9),
    ];
    let arms: Vec<Scenario> = coalitions
        .iter()
        .flat_map(|&(_, concentrated, need)| work_arms(&work_and_power(concentrated), need))
        .collect();
    let per_run = outcomes(&arms, RUNS);
    println!(
        "| coalition | majority, λ=1 | weighted, λ=1 | majority, λ=0 | weighted, λ=0 | weighted − majority, λ=1 | λ=0 | difference (λ=1 minus λ=0) |"
    );
    let mut contrasts = Vec::new();
    for (c, &(label, _, _)) in coalitions.iter().enumerate() {
        let leads = weighted_leads(&per_run, 4 * c);
        let (d1, se1) = mean_se(&leads.iter().map(|l| l.0).collect::<Vec<_>>());
        let (d0, se0) = mean_se(&leads.iter().map(|l| l.1).collect::<Vec<_>>());
        let did: Vec<f64> = leads.iter().map(|l| l.0 - l.1).collect();
        let (dd, se) = mean_se(&did);
        println!(
            "| {label} | {:.3} | {:.3} | {:.3} | {:.3} | {d1:+.3} ± {se1:.3} | {d0:+.3} ± {se0:.3} | {dd:+.3} ± {se:.3} |",
            success_of(&per_run, 4 * c),
            success_of(&per_run, 4 * c + 1),
            success_of(&per_run, 4 * c + 2),
            success_of(&per_run, 4 * c + 3),
        );
        contrasts.push((d1, se1, d0, se0, dd, se, did));
    }
    println!("(± one standard error over {RUNS} paired runs)");
    let control = &contrasts[2];
    for (c, &(label, _, _)) in coalitions.iter().enumerate().take(2) {
        let (d1, se1, d0, se0, dd, se, did) = &contrasts[c];
        // The contrast: at least four standard errors above 0 (it is about
        // ten at this size, seven at the least over 50 seeds).
        assert!(
            *dd > 4.0 * se,
            "{label}: weighted's lead should be larger where the work follows resources: {dd:+.4} ± {se:.4}"
        );
        // Weighted clearly ahead where the work follows resources and
        // clearly behind where it is shared equally (99%).
        assert!(
            *d1 > 2.576 * se1,
            "{label}: weighted should lead majority at λ=1: {d1:+.4} ± {se1:.4}"
        );
        assert!(
            *d0 < -2.576 * se0,
            "{label}: weighted should trail majority at λ=0: {d0:+.4} ± {se0:.4}"
        );
        // And larger than with resources alike (run i of both coalitions
        // shares its random numbers), by 99%.
        let triple: Vec<f64> = did.iter().zip(&control.6).map(|(a, b)| a - b).collect();
        let (t, tse) = mean_se(&triple);
        println!("{label}, minus resources alike: {t:+.4} ± {tse:.4}");
        assert!(
            t > 2.576 * tse,
            "{label}: the contrast should exceed the control's: {t:+.4} ± {tse:.4}"
        );
    }
    // With resources alike, who does the work hardly matters (within 0.021
    // of 0 over 50 seeds).
    let (dd, se) = (control.4, control.5);
    assert!(
        dd.abs() < 0.05,
        "resources alike: λ should hardly matter: {dd:+.4} ± {se:.4}"
    );
}

#[test]
fn theory_decision_costs_holdouts_cost_a_rule_more_the_more_members_it_needs() {
    const RUNS: u64 = 1000;
    println!("| coalition | measure | majority | q=0.6 | 0.7 | 0.8 | 0.9 | 1.0 |");
    // Buchanan and Tullock (1962, ch. 8): each member beyond the k-th a
    // decision must win is a potential holdout who can make its vote the
    // price of a concession. Members who hold out (`holdout` 0.6: a
    // supporter whose yes is needed withholds it six times in ten) make
    // the thresholds near unanimity cost more: raising the threshold from
    // majority to 0.8 pays less than when everyone votes sincerely.
    let text = camps(10, true, 0.5);
    let (c, hw) = contrast(
        ["holdout 0", "holdout 0.6"],
        [
            curve(&text, &[]),
            curve(&text, &[("dynamics.holdout", toml::Value::Float(0.6))]),
        ],
        RUNS,
        0,
        3,
    );
    assert!(
        c + hw < 0.0,
        "holdouts should make raising the threshold from majority to 0.8 pay less: {c:+.4} ± {hw:.4}"
    );
}

/// The settings under which the Buchanan–Tullock tests are run again:
/// members who hold out and two rounds of negotiation, and holdouts with
/// proposers who sound out the vote.
fn bargaining_variants() -> [(&'static str, Vec<(&'static str, toml::Value)>); 2] {
    let holdout = ("dynamics.holdout", toml::Value::Float(0.3));
    [
        (
            "holdout 0.3, two rounds of negotiation",
            vec![
                holdout.clone(),
                ("dynamics.amendments", toml::Value::Integer(2)),
            ],
        ),
        (
            "holdout 0.3, proposals sounded out",
            vec![
                holdout,
                ("dynamics.proposals", toml::Value::String("sounded".into())),
            ],
        ),
    ]
}

/// The intense-minority and larger-group contrasts and "no rule beats
/// majority in a neutral coalition" are not properties of the default
/// alone: each holds again with members who bargain with their vote
/// (docs/validation.md, "Theory under bargaining"). The first two are
/// measured in the intense-minority coalition, where they rest on who does
/// the work and count the runs the minority finished alone ("The rump"):
/// this pins the model's behaviour under bargaining, not Buchanan and
/// Tullock's reasons. The weighted rule is left out of the neutral
/// coalition's rivals: with equal resources it is majority.
#[test]
fn theory_contrasts_hold_when_members_bargain() {
    let rules: Vec<&str> = RULES[1..]
        .iter()
        .copied()
        .filter(|&r| r != "weighted")
        .collect();
    println!("| coalition | measure | majority | q=0.6 | 0.7 | 0.8 | 0.9 | 1.0 |");
    for (label, extra) in bargaining_variants() {
        println!("{label}");
        let (c, hw) = external_costs(&extra);
        assert!(
            c - hw > 0.0,
            "{label}: a 0.7 threshold should pay more with an intense minority: {c:+.4} ± {hw:.4}"
        );
        let (c, hw) = larger_group(&extra);
        assert!(
            c + hw < 0.0,
            "{label}: raising the threshold from 0.8 to 0.9 should cost a larger group more: {c:+.4} ± {hw:.4}"
        );
        let text = neutral(10);
        let arms: Vec<Scenario> = std::iter::once("majority")
            .chain(rules.iter().copied())
            .map(|r| {
                let mut set = extra.clone();
                set.push(rule(r));
                scenario_with(text.clone(), &set)
            })
            .collect();
        let per_run = outcomes(&arms, 1000);
        for (j, name) in rules.iter().enumerate() {
            let (d, hw) = mean_hw(per_run.iter().map(|r| r[j + 1].0 - r[0].0));
            println!("neutral coalition, {name} − majority, success: {d:+.3} ± {hw:.3}");
            assert!(
                d - hw <= 0.0,
                "{label}: {name} beats majority on success in a neutral coalition: {d:+.4} ± {hw:.4}"
            );
        }
    }
}

// ---------------------------------------------------------------------
// The threshold across the coalition space (docs/validation.md, "The
// threshold across the space of coalitions"): not one test bed but the
// coalitions of the shipped rule map.
// ---------------------------------------------------------------------

/// How much more arm `arm.1[1]` gains on arm `arm.1[0]` of the policy key
/// `arm.0` (in success) when `key` is `at[1]` than when it is `at[0]`,
/// over `samples` coalitions of scenarios/coalition-space.toml (its own
/// range of `key`, if it has one, and the range of `dynamics.amendments`
/// taken out of the `[explore.uncertain]` table: one round unless `fixed`
/// sets it) × `runs` runs at seed 2026, with `coalsim explore` as a user
/// runs it; `fixed` are policy settings shared by the four arms. The arms
/// of a coalition share its random streams. Mean over coalitions and its
/// 99% half-width, and each arm's mean success: `key` at `at[0]` under
/// the two arms, then at `at[1]`.
fn tilt(
    fixed: &[&str],
    arm: (&str, [&str; 2]),
    key: &str,
    at: [&str; 2],
    samples: u32,
    runs: u32,
) -> (f64, f64, [f64; 4]) {
    let tmp = tempfile::tempdir().unwrap();
    let space = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/coalition-space.toml"),
    )
    .unwrap();
    // The inputs taken out of the space: `key`'s own range, and how proposals
    // are made and negotiated (their size, the weight of merit in a vote, how
    // well and how alike members judge a proposal, the rounds of negotiation
    // and what a round costs and concedes, how often discussion changes
    // minds), the hours keeping in touch takes, the work lost to
    // coordinating and how much of a meeting reaches a member second-hand,
    // how long a lost vote is remembered and how often a
    // proposal would help, how readily members leave, how often the
    // coalition checks in and the size of a steering committee, which the
    // theory sections hold at the model's defaults (one round) unless
    // `fixed` sets them.
    const HELD: [&str; 18] = [
        "dynamics.amendments",
        "dynamics.proposal_step",
        "dynamics.merit_weight",
        "dynamics.amendment_hours",
        "dynamics.amendment_move",
        "dynamics.amendment_delay",
        "dynamics.pooling",
        "dynamics.merit_perception",
        "population.judgment.0",
        "population.judgment.1",
        "dynamics.coordination_hours",
        "dynamics.resentment_decay",
        "dynamics.proposal_quality",
        "dynamics.coordination_loss",
        "dynamics.relay",
        "dynamics.exit_threshold",
        "governance.checkin_every",
        "governance.committee_size",
    ];
    let own = format!("\"{key}\" = ");
    let text: String = space
        .lines()
        .filter(|l| {
            !l.starts_with(&own) && !HELD.iter().any(|h| l.starts_with(&format!("\"{h}\" = ")))
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let file = tmp.path().join("space.toml");
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    let mut cmd = crate::helpers_cli::coalsim();
    cmd.args(["explore", file.to_str().unwrap()]);
    for f in fixed {
        cmd.args(["--policy", f]);
    }
    cmd.args([
        "--policy",
        &format!("{}={},{}", arm.0, arm.1[0], arm.1[1]),
        "--policy",
        &format!("{key}={},{}", at[0], at[1]),
        "--samples",
        &samples.to_string(),
        "--runs",
        &runs.to_string(),
        "--seed",
        "2026",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    crate::helpers_cli::ok(&mut cmd);
    // samples.csv: one row per coalition and policy; a policy's name is
    // its settings in order, "NAME=V ...", each key by its last part (keys
    // whose names hold spaces, such as an agent's, are not read here).
    // The design is a Latin hypercube: every row is from matrix "lhs".
    let mut rdr = csv::Reader::from_path(out.join("samples.csv")).unwrap();
    let head = rdr.headers().unwrap().clone();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let (matrix, row, policy, success) = (col("matrix"), col("row"), col("policy"), col("success"));
    let mut cells: std::collections::BTreeMap<u64, [f64; 4]> = Default::default();
    let mut filled = 0;
    for rec in rdr.records() {
        let rec = rec.unwrap();
        assert_eq!(&rec[matrix], "lhs");
        let words: Vec<&str> = rec[policy].split(' ').collect();
        let value = |i: usize| words[i].rsplit('=').next().unwrap();
        let ai = arm.1.iter().position(|&x| value(fixed.len()) == x).unwrap();
        let fi = at
            .iter()
            .position(|&x| value(fixed.len() + 1) == x)
            .unwrap();
        cells
            .entry(rec[row].parse().unwrap())
            .or_insert([f64::NAN; 4])[2 * fi + ai] = rec[success].parse().unwrap();
        filled += 1;
    }
    assert_eq!(filled, 4 * samples as usize);
    let (c, hw) = mean_hw(cells.values().map(|s| (s[3] - s[2]) - (s[1] - s[0])));
    let mean = |k: usize| cells.values().map(|s| s[k]).sum::<f64>() / cells.len() as f64;
    println!(
        "{key} = {}: success under {} = {} and {}: {:.3}, {:.3}; {key} = {}: {:.3}, {:.3}; \
         the second gains more at {} by {c:+.4} ± {hw:.4}",
        at[0],
        arm.0,
        arm.1[0],
        arm.1[1],
        mean(0),
        mean(1),
        at[1],
        mean(2),
        mean(3),
        at[1]
    );
    (c, hw, [mean(0), mean(1), mean(2), mean(3)])
}

/// Raising the supermajority threshold from `q[0]` to `q[1]`, as [`tilt`].
fn threshold_tilt(q: [&str; 2], key: &str, at: [&str; 2]) -> (f64, f64) {
    let (c, hw, _) = tilt(
        &["governance.decision_rule=supermajority"],
        ("governance.supermajority", q),
        key,
        at,
        600,
        40,
    );
    (c, hw)
}

/// Buchanan and Tullock's decision-cost side, averaged over the coalitions
/// a user could be: raising the threshold from 0.6 to 0.8 pays less when
/// members are urgent (a blocked change costs its supporters `outvoted_cost`
/// × `waiting_cost` × urgency × stake every week), when a blocked change
/// costs more, and in a larger group (more members for a proposal to win
/// over, each judging its merit with its own error).
#[test]
fn theory_decision_costs_across_the_coalition_space_move_the_threshold_down() {
    for (key, at, why) in [
        (
            "population.urgency.0",
            ["0.0", "0.9"],
            "more urgent members",
        ),
        ("dynamics.waiting_cost", ["0.0", "1.0"], "a costly deadlock"),
        ("population.count", ["8", "32"], "a larger group"),
    ] {
        let (c, hw) = threshold_tilt(["0.6", "0.8"], key, at);
        assert!(
            c + hw < 0.0,
            "raising the threshold from 0.6 to 0.8 should pay less with {why}: {c:+.4} ± {hw:.4}"
        );
    }
}

/// The external-cost side over the same coalitions: where members form two
/// camps, raising the threshold from a bare majority to 0.6 pays more (the
/// camp that would be outvoted is protected).
#[test]
fn theory_external_costs_across_the_coalition_space_camps_move_the_threshold_up() {
    let (c, hw) = threshold_tilt(["0.51", "0.6"], "population.divide", ["0.0", "0.6"]);
    assert!(
        c - hw > 0.0,
        "raising the threshold from a bare majority to 0.6 should pay more in two camps: {c:+.4} ± {hw:.4}"
    );
}

/// Intense stakes move the rule rather than the threshold: where each issue
/// matters intensely to a few (`focus` 4) rather than to all alike (0),
/// consensus, which lets a member's large loss stop a change, gains on
/// majority in reaching the goal.
#[test]
fn theory_external_costs_across_the_coalition_space_intense_stakes_favour_consensus() {
    let (c, hw, _) = tilt(
        &[],
        ("governance.decision_rule", ["majority", "consensus"]),
        "population.focus",
        ["0.0", "4.0"],
        600,
        40,
    );
    assert!(
        c - hw > 0.0,
        "consensus should gain on majority where stakes are intense: {c:+.4} ± {hw:.4}"
    );
}

/// Work that needs members' buy-in, and Rae's (1975) limit on the
/// external-cost argument: where each member's own people carry out what
/// is decided (`implementation_need` 1 rather than 0), raising the
/// threshold from a bare majority to 0.7 pays more, but only where a
/// blocked proposal is negotiated over several rounds (`amendments` 3,
/// each conceding toward the holdouts and pooling what members know): a
/// higher threshold then ends in decisions more members support, and so
/// carry out. With the default single round a block mostly stays a
/// block, its supporters lose as the outvoted would, and the tilt is
/// smaller. At three rounds the two thresholds are level at need 0, and
/// the 0.7 threshold keeps a larger share of its success at need 1 (not a
/// floor effect: the arm that succeeds less is not the one favoured).
#[test]
fn theory_external_costs_across_the_coalition_space_negotiated_buy_in_moves_the_threshold_up() {
    let need = |rounds: &str| {
        let rounds = format!("dynamics.amendments={rounds}");
        tilt(
            &["governance.decision_rule=supermajority", &rounds],
            ("governance.supermajority", ["0.51", "0.7"]),
            "dynamics.implementation_need",
            ["0.0", "1.0"],
            600,
            40,
        )
    };
    let (c3, hw3, m) = need("3");
    let (c1, hw1, _) = need("1");
    assert!(
        c3 - hw3 > 0.0,
        "with three rounds of negotiation, raising the threshold to 0.7 should pay more where the work needs buy-in: {c3:+.4} ± {hw3:.4}"
    );
    assert!(
        (m[1] - m[0]).abs() < 0.03 && m[3] / m[1] > m[2] / m[0],
        "the tilt should not be a floor effect: success {m:?}"
    );
    let hw = (hw1 * hw1 + hw3 * hw3).sqrt();
    assert!(
        c3 - c1 > hw,
        "negotiation should be what lets buy-in favour the higher threshold: three rounds {c3:+.4}, one {c1:+.4}, ± {hw:.4} at most"
    );
}

/// Where the threshold buys concessions (three rounds of negotiation, each
/// moving a blocked proposal toward the holdouts it still needs), what
/// finally passes is a compromise, and Rae's and Taylor's majority
/// optimum, which is for proposals voted as they are put, gives way to
/// Buchanan and Tullock's bargaining: in the same neutral coalition member
/// welfare is higher at 0.7 than under majority. The rounds are decision
/// costs that welfare does not count: success near unanimity stays below
/// majority's.
#[test]
fn theory_rae_taylor_gives_way_where_a_threshold_buys_concessions() {
    const RUNS: u64 = 800;
    let text = neutral(10);
    let three = [("dynamics.amendments", toml::Value::Integer(3))];
    let arms: Vec<Scenario> = CURVE.iter().map(|&q| threshold(&text, q, &three)).collect();
    let per_run = outcomes(&arms, RUNS);
    println!("| coalition | measure | majority | q=0.6 | 0.7 | 0.8 | 0.9 | 1.0 |");
    print_curve("neutral, 10 members, three rounds", &per_run, 0);
    let seventy = CURVE.iter().position(|&q| q == 0.7).unwrap();
    let (d, hw) = welfare_diff(&per_run, seventy, 0);
    println!("welfare, q=0.7 minus majority: {d:+.4} ± {hw:.4}");
    assert!(
        d - hw > 0.0,
        "with three rounds of negotiation q=0.7 should serve members better than majority: {d:+.4} ± {hw:.4}"
    );
    let last = CURVE.len() - 1;
    assert!(
        success_of(&per_run, last) < success_of(&per_run, 0),
        "unanimity should still cost success against majority: {:.3} against {:.3}",
        success_of(&per_run, last),
        success_of(&per_run, 0)
    );
}

// ---------------------------------------------------------------------
// The rule map itself (README, "Which rule, for which coalition?"): the
// shipped scenarios/coalition-space.toml with its seven rules, as a user
// runs it, at a size the test suite can afford.
// ---------------------------------------------------------------------

/// No rule is decided by the structure of the code: over coalitions of the
/// shipped map, every rule has the highest success in some of them, none
/// has it in most, and none is clearly behind another rule (paired 99%
/// interval over a coalition's runs) in more than 80% of them. A rule the
/// code made dominant or dominated fails here.
#[test]
fn the_rule_map_has_no_rule_best_everywhere_and_none_beaten_almost_everywhere() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut cmd = crate::helpers_cli::coalsim();
    cmd.args([
        "explore",
        "scenarios/coalition-space.toml",
        "--samples",
        "300",
        "--runs",
        "20",
        "--seed",
        "2026",
        "--no-plots",
        "--out",
        out.to_str().unwrap(),
    ]);
    crate::helpers_cli::ok(&mut cmd);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let success = summary["robustness"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["measure"] == "success")
        .unwrap();
    // Each policy's name and one of its numbers, from a list of policies.
    let shares = |list: &serde_json::Value, field: &str| -> Vec<(String, f64)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["policy"].as_str().unwrap().to_string(),
                    p[field].as_f64().unwrap(),
                )
            })
            .collect()
    };
    let best = shares(&success["policies"], "best_share");
    let behind = shares(&summary["per_coalition"], "clearly_behind_share");
    assert_eq!(best.len(), 7, "the map runs the seven rules");
    for ((rule, b), (same, c)) in best.iter().zip(&behind) {
        assert_eq!(rule, same, "summary.json lists the policies in one order");
        println!(
            "{rule}: best in {:.1}%, clearly behind in {:.1}%",
            100.0 * b,
            100.0 * c
        );
        assert!(
            *b >= 0.02,
            "{rule} is best in only {:.1}% of coalitions",
            100.0 * b
        );
        assert!(
            *b <= 0.5,
            "{rule} is best in {:.1}% of coalitions",
            100.0 * b
        );
        assert!(
            *c <= 0.8,
            "{rule} is clearly behind another rule in {:.1}% of coalitions",
            100.0 * c
        );
    }
}
