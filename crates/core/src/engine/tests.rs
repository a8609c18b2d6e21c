//! Unit tests of the round phases, one rule of the model per test.
//!
//! Each test builds a small world (3–5 named agents) from a TOML scenario,
//! sets the fields it depends on by hand, calls one phase directly and checks
//! the exact value the phase's doc comment gives. Random draws are pinned by
//! probabilities of 0 or 1 (visibility = 1, engagement = 1, judgment = 1,
//! proposal_quality = 1, ...) so the expectations do not depend on the seed.

use super::*;
use crate::model::init::setup_duration;
use crate::model::{ExitReason, GovernanceState, Outcome, Status, World};
use crate::scenario::{Scenario, ScenarioFile, Source, parse_value};

const EPS: f64 = 1e-12;

/// The common part of every test scenario: no random shocks, no noise on
/// initial trust, a goal of 100 with a first milestone at 10, two issues of
/// which issue 0 is in scope, and no generated population.
const BASE: &str = r#"
name = "unit test"
max_rounds = 50
min_members = 1
issues = 2

[goal]
size = 100.0
milestones = [0.1]
scope = [0]

[shocks]
rate = 0.0

[trust]
spread = 0.0

[population]
count = 0
founders = 0
initial_members = 0
"#;

/// One `[[agent]]` entry. `role` is "founder", "member" or "outsider".
fn agent(name: &str, role: &str, position: [f64; 2]) -> String {
    let role = match role {
        "founder" => "founder = true\n",
        "member" => "member = true\n",
        "outsider" => "",
        other => panic!("unknown role {other}"),
    };
    format!(
        "\n[[agent]]\nname = \"{name}\"\n{role}position = [{:?}, {:?}]\n",
        position[0], position[1]
    )
}

/// A validated scenario: [`BASE`] plus `agents`, with dotted overrides.
fn scenario(agents: &[String], sets: &[(&str, &str)]) -> Scenario {
    let text = format!("{BASE}{}", agents.concat());
    let file = ScenarioFile::load(Source {
        name: "unit.toml".into(),
        text,
    })
    .expect("test scenario is valid");
    let overrides: Vec<(String, toml::Value)> = sets
        .iter()
        .map(|(k, v)| (k.to_string(), parse_value(v)))
        .collect();
    file.with_overrides("unit test", &overrides)
        .expect("test overrides are valid")
}

/// Founder A and members B, C, all standing at 1 on issue 0.
fn three(sets: &[(&str, &str)]) -> Scenario {
    scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [1.0, 0.0]),
        ],
        sets,
    )
}

fn world(s: &Scenario) -> World {
    build_world(s, &mut run_rng(1, 0))
}

/// Every off-diagonal entry of the trust matrix set to `t`.
fn set_trust(w: &mut World, t: f64) {
    let n = w.n;
    for i in 0..n {
        for j in 0..n {
            if i != j {
                w.trust[i * n + j] = t;
            }
        }
    }
}

/// Each member's mean trust in the other members (0 for non-members), as the
/// engine's trust cache holds it.
fn trust_cache(w: &World) -> Vec<f64> {
    (0..w.n)
        .map(|i| {
            if w.is_member(i) {
                w.trust_in_members(i)
            } else {
                0.0
            }
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < EPS
}

macro_rules! assert_close {
    ($a:expr, $b:expr) => {{
        let (a, b): (f64, f64) = ($a, $b);
        assert!(close(a, b), "{} = {a}, expected {b}", stringify!($a));
    }};
}

fn left_events(ev: &[Event]) -> Vec<(usize, ExitReason, bool)> {
    ev.iter()
        .filter_map(|e| match e.kind {
            EventKind::Left {
                reason, graceful, ..
            } => Some((e.agent.unwrap(), reason, graceful)),
            _ => None,
        })
        .collect()
}

fn decision_event(ev: &[Event]) -> (usize, bool, u32, u32, u32, u32) {
    ev.iter()
        .find_map(|e| match e.kind {
            EventKind::Decision {
                proposer,
                passed,
                yes,
                voters,
                voiced_objections,
                silent_objections,
                ..
            } => Some((
                proposer,
                passed,
                yes,
                voters,
                voiced_objections,
                silent_objections,
            )),
            _ => None,
        })
        .expect("a decision event")
}

// ---------------------------------------------------------------- trust

#[test]
fn trust_rises_with_follow_through_and_falls_more_with_shirking() {
    let s = three(&[("dynamics.visibility", "1.0")]);
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.round = 1;
    w.delivered_now = vec![true, true, false];
    update_trust_phase(&mut w, &s);
    let (gain, loss) = (s.trust.gain, s.trust.loss);
    // A observes B deliver: T += gain (1 - T).
    assert_close!(w.trust(0, 1), 0.5 + gain * 0.5);
    // A observes C shirk: T -= loss T.
    assert_close!(w.trust(0, 2), 0.5 - loss * 0.5);
    // C observes A deliver.
    assert_close!(w.trust(2, 0), 0.5 + gain * 0.5);
    let rise = w.trust(0, 1) - 0.5;
    let fall = 0.5 - w.trust(0, 2);
    assert!(fall > rise, "shirking costs {fall}, delivery earns {rise}");
    assert_close!(rise, 0.02);
    assert_close!(fall, 0.06);
}

fn update_trust_phase(w: &mut World, s: &Scenario) {
    trust::update_trust(w, s, &mut run_rng(9, 0));
}

#[test]
fn unseen_delivery_moves_no_trust_but_shared_check_ins_make_it_seen() {
    let s = three(&[("dynamics.visibility", "0.0")]);
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.round = 1;
    w.delivered_now = vec![true, true, false];
    update_trust_phase(&mut w, &s);
    for i in 0..3 {
        for j in (0..3).filter(|&j| j != i) {
            assert_eq!(w.trust(i, j), 0.5, "nothing seen, nothing learned");
        }
    }
    // A and B attended the check-in together: they see each other, not C.
    w.attended_now = vec![true, true, false];
    update_trust_phase(&mut w, &s);
    assert_close!(w.trust(0, 1), 0.5 + s.trust.gain * 0.5);
    assert_close!(w.trust(1, 0), 0.5 + s.trust.gain * 0.5);
    assert_eq!(w.trust(0, 2), 0.5);
    assert_eq!(w.trust(2, 0), 0.5);
}

#[test]
fn negative_assumptions_decay_trust_only_after_a_gap_longer_than_tolerance() {
    let s = three(&[
        ("dynamics.visibility", "0.0"),
        ("dynamics.gap_tolerance", "4"),
        ("dynamics.assumption_decay", "0.02"),
        ("trust.strangers", "0.4"),
    ]);
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    // C already trusts A less than the pessimistic level 0.5 · 0.4 = 0.2.
    w.trust[2 * 3] = 0.1;
    w.coalition.last_checkin = 0;
    for round in 1..=4 {
        w.round = round;
        update_trust_phase(&mut w, &s);
        assert_eq!(w.trust(0, 1), 0.5, "round {round}: gap {round} <= 4");
    }
    // Gap 5 > 4: T += assumption_decay (0.2 − T) for T above 0.2.
    w.round = 5;
    update_trust_phase(&mut w, &s);
    let once = 0.5 + 0.02 * (0.2 - 0.5);
    assert_close!(once, 0.494);
    assert_close!(w.trust(0, 1), once);
    assert_close!(w.trust(2, 1), once);
    assert_eq!(w.trust(2, 0), 0.1, "below the pessimistic level: unchanged");
    w.round = 6;
    update_trust_phase(&mut w, &s);
    let twice = once + 0.02 * (0.2 - once);
    assert_close!(w.trust(0, 1), twice);
    assert_eq!(w.trust(2, 0), 0.1);
    // Assumptions never take trust below the pessimistic level.
    for round in 7..=2000 {
        w.round = round;
        update_trust_phase(&mut w, &s);
    }
    assert!(w.trust(0, 1) >= 0.2 && w.trust(0, 1) < 0.2 + 1e-9);
    assert_eq!(w.trust(2, 0), 0.1);
    // A check-in closes the gap again.
    let before = w.trust.clone();
    w.coalition.last_checkin = 2000;
    w.round = 2001;
    update_trust_phase(&mut w, &s);
    assert_eq!(w.trust, before);
}

// ---------------------------------------------------------------- check-ins

#[test]
fn check_in_pulls_trust_toward_the_record_and_raises_clarity() {
    let s = three(&[
        ("governance.checkin_every", "1"),
        ("governance.private_checkin", "false"),
        ("dynamics.transparency", "0.2"),
        ("dynamics.checkin_clarity", "0.15"),
    ]);
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.engagement = vec![1.0; 3];
    // B delivered 8 of 8 (record 9/10), C 0 of 8 (record 1/10).
    w.committed = vec![8, 8, 8];
    w.delivered = vec![8, 8, 0];
    w.round = 3;
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
    assert_eq!(w.attended_now, vec![true; 3]);
    assert_close!(w.trust(0, 1), 0.5 + 0.2 * (0.9 - 0.5));
    assert_close!(w.trust(0, 2), 0.5 + 0.2 * (0.1 - 0.5));
    for i in 0..3 {
        assert_close!(w.clarity[i], 0.5 + 0.15 * 0.5);
        assert_close!(w.hours_now[i], s.governance.checkin_hours);
    }
    assert_eq!(w.coalition.last_checkin, 3);
    assert!(now.checkin);
    assert_eq!(now.attended, 3);
}

#[test]
fn no_check_in_off_cadence() {
    let s = three(&[("governance.checkin_every", "2")]);
    let mut w = world(&s);
    w.engagement = vec![1.0; 3];
    w.round = 3;
    let before = w.clarity.clone();
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
    assert_eq!(w.clarity, before);
    assert_eq!(w.coalition.last_checkin, 0);
    assert!(!now.checkin && ev.is_empty());
}

#[test]
fn a_check_in_airs_hidden_objections_unless_silence_counts_as_consent() {
    // Under an established rule with dissent solicited, each attendee's
    // hidden objection × (1 − checkin_voice); under silence as consent it
    // stays.
    for (silence, expected) in [(false, 0.4 * (1.0 - 0.3)), (true, 0.4)] {
        let s = three(&[
            ("governance.checkin_every", "1"),
            ("governance.silence_as_consent", &silence.to_string()),
            ("dynamics.checkin_voice", "0.3"),
        ]);
        let mut w = world(&s);
        w.coalition.governance = GovernanceState::Established;
        w.engagement = vec![1.0; 3];
        w.hidden = vec![0.4; 3];
        w.round = 1;
        let (mut ev, mut now) = (Vec::new(), RoundTally::default());
        checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
        assert_eq!(w.attended_now, vec![true; 3]);
        for i in 0..3 {
            assert_close!(w.hidden[i], expected);
        }
    }
    // Only attendees air theirs: B stays away (engagement 0).
    let s = three(&[
        ("governance.checkin_every", "1"),
        ("governance.silence_as_consent", "false"),
        ("governance.private_checkin", "false"),
        ("dynamics.checkin_voice", "0.3"),
    ]);
    let mut w = world(&s);
    w.coalition.governance = GovernanceState::Established;
    w.engagement = vec![1.0, 0.0, 1.0];
    w.hidden = vec![0.4; 3];
    w.round = 1;
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
    assert_eq!(w.attended_now, vec![true, false, true]);
    assert_close!(w.hidden[0], 0.28);
    assert_eq!(w.hidden[1], 0.4);
    assert_close!(w.hidden[2], 0.28);
}

#[test]
fn a_check_in_before_governance_airs_no_hidden_objection() {
    // Dissent solicited, everyone attends, but no rule in force yet (still
    // setting up, or informal under `on_conflict`): there is no forum.
    for (setup, state) in [
        (
            "early",
            GovernanceState::SettingUp {
                until: 5,
                crisis: false,
            },
        ),
        ("on_conflict", GovernanceState::Informal),
    ] {
        let s = three(&[
            ("governance.checkin_every", "1"),
            ("governance.setup", setup),
            ("governance.silence_as_consent", "false"),
            ("dynamics.checkin_voice", "0.3"),
            ("dynamics.checkin_clarity", "0.15"),
        ]);
        let mut w = world(&s);
        w.coalition.governance = state;
        w.engagement = vec![1.0; 3];
        w.hidden = vec![0.4; 3];
        w.round = 1;
        let (mut ev, mut now) = (Vec::new(), RoundTally::default());
        checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
        // The check-in did take place ...
        assert!(now.checkin, "{setup}");
        assert_eq!(w.attended_now, vec![true; 3], "{setup}");
        for i in 0..3 {
            assert_close!(w.clarity[i], 0.5 + 0.15 * 0.5);
        }
        // ... but nothing was aired.
        assert_eq!(w.hidden, vec![0.4; 3], "{setup}");
    }
}

// ---------------------------------------------------------------- decisions

/// Founder A and members B, C stand at 1 on issue 0, member D at 0 (where
/// the agenda stands); D has no power, so the proposer is one of A, B, C
/// (probability of D ~ 3e-10), the proposal moves the agenda to 0.5, and
/// exactly D objects: U_D = 0.15 + (0 − 0.5) + 0.1 (0.5 − 0.5) = −0.35, while
/// the others gain U = 0.15 + (1 − 0.5) = 0.65 (the proposer, trusting
/// itself fully, 0.65 + 0.1 · 0.5 = 0.7). Amended half-way toward D (to
/// 0.25), the proposal still has D object (U_D = 0.15 − 0.25 = −0.1, a mild
/// objection that stands aside under consensus unless `block_threshold` <
/// 0.1) and the others accept (U = 0.15 + 0.25 = 0.4, the proposer 0.45).
/// Every voter judges the (good) proposal correctly; a decision every round.
fn one_objector(sets: &[(&str, &str)]) -> (Scenario, World) {
    let mut all = vec![
        ("dynamics.proposal_quality", "1.0"),
        ("dynamics.proposal_step", "0.5"),
        ("governance.decision_every", "1"),
    ];
    all.extend_from_slice(sets);
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [1.0, 0.0]),
            agent("D", "member", [0.0, 0.0]),
        ],
        &all,
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0; 4];
    w.engagement = vec![1.0; 4];
    w.power = vec![1.0, 1.0, 1.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.round = 1;
    (s, w)
}

fn decide(w: &mut World, s: &Scenario) -> (Vec<Event>, RoundTally) {
    decide_with(w, s, 3)
}

fn decide_with(w: &mut World, s: &Scenario, seed: u64) -> (Vec<Event>, RoundTally) {
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    let cache = trust_cache(w);
    super::phase(
        w,
        s,
        &mut run_rng(seed, 0),
        &mut ev,
        &mut now,
        &cache,
        &mut ModelRules,
        decision::decisions,
    );
    (ev, now)
}

fn crisis_event(ev: &[Event]) -> Option<(usize, u32)> {
    ev.iter().find_map(|e| match e.kind {
        EventKind::Crisis {
            proposer,
            objectors,
        } => Some((proposer, objectors)),
        _ => None,
    })
}

#[test]
fn decisions_come_only_in_rounds_divisible_by_decision_every() {
    let (s, mut w) = one_objector(&[("governance.decision_every", "2")]);
    assert_eq!(s.governance.decision_every, 2);
    w.coalition.governance = GovernanceState::Established;
    for round in 1..=4 {
        w.round = round;
        let (ev, now) = decide(&mut w, &s);
        if round % 2 == 0 {
            assert!(decision_event(&ev).1, "round {round}");
            assert_eq!(now.passed, 1, "round {round}");
        } else {
            assert!(ev.is_empty(), "round {round}");
            assert_eq!((now.passed, now.blocked), (0, 0), "round {round}");
        }
    }
    assert_eq!(w.coalition.decisions_passed, 2);
}

#[test]
fn votes_at_a_meeting_count_those_present_and_a_quorum_waits() {
    // D (the objector) never comes: engagement 0 makes it absent from
    // every decision meeting; the others always come.
    let absent_d = |quorum: &str| {
        let (s, mut w) = one_objector(&[
            ("governance.voting", "attendees"),
            ("governance.quorum", quorum),
        ]);
        w.coalition.governance = GovernanceState::Established;
        w.engagement[3] = 0.0;
        (s, w)
    };
    // No quorum: the three present decide (round 1 has no check-in, so
    // the coalition meets to decide and each who comes spends the
    // check-in's hours); D, absent, loses by the change as an outvoted
    // member would: its stake is the interest it loses, 0.5 (from 0 to
    // 0.5 on an issue of salience 1), its buy-in falls toward loser_buy_in
    // (0) at the loser's rate 0.3 × 0.5 / (0.15 + 0.5), and it resents it.
    let (s, mut w) = absent_d("0");
    let (ev, now) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, _) = decision_event(&ev);
    assert!(passed);
    assert_eq!((yes, voters, voiced), (3, 3, 0));
    assert_eq!(w.counted_yes[3], None);
    assert!(!w.present[3] && w.present[..3].iter().all(|&p| p));
    assert_eq!(w.hours_now, vec![1.5, 1.5, 1.5, 0.0]);
    assert_close!(w.buy_in[3], 1.0 - 0.3 * 0.5 / 0.65);
    assert_close!(w.resentment[3], 0.05 * 0.5);
    assert_eq!(now.passed, 1);
    // In a check-in week the decision is taken at the check-in, by those
    // who came to it, at no extra hours: here A, B and D came.
    let (s, mut w) = absent_d("0");
    w.round = 2;
    w.engagement[3] = 1.0;
    w.attended_now = vec![true, true, false, true];
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, _, voters, _, _) = decision_event(&ev);
    assert!(passed);
    assert_eq!(voters, 3);
    assert_eq!(w.present, vec![true, true, false, true]);
    assert_eq!(w.hours_now, vec![0.0; 4]);
    // A quorum of 3 in 4 is met by three present (the bound is inclusive).
    let (s, mut w) = absent_d("0.75");
    let (ev, _) = decide(&mut w, &s);
    assert!(decision_event(&ev).1);
    // A quorum of 80%: three of four is too few. No vote is taken and the
    // matter waits in the backlog; the status quo it keeps costs those who
    // wanted the change (A, B and C gain by a move toward 1) as a block
    // would, and spares D.
    let (s, mut w) = absent_d("0.8");
    let backlog = w.coalition.backlog;
    let (ev, now) = decide(&mut w, &s);
    assert_eq!(ev.len(), 1);
    assert_eq!(
        ev[0].kind,
        EventKind::Inquorate {
            present: 3,
            voters: 4
        }
    );
    assert_eq!((now.passed, now.blocked), (0, 0));
    assert_eq!(w.coalition.backlog, backlog + 1);
    for i in 0..3 {
        assert!(w.resentment[i] > 0.0 && w.buy_in[i] < 1.0, "{i}");
        assert!(w.waiting[i * w.d] > 0.0, "{i}");
    }
    assert_eq!((w.resentment[3], w.buy_in[3]), (0.0, 1.0));
    assert!(w.coalition.open_since[0] > 0);
    // With everyone consulted (the default) D votes whatever its engagement.
    let (s, mut w) = one_objector(&[]);
    w.coalition.governance = GovernanceState::Established;
    w.engagement[3] = 0.0;
    let (ev, _) = decide(&mut w, &s);
    assert_eq!(decision_event(&ev).3, 4);
}

#[test]
fn consensus_blocks_on_one_objection_where_majority_passes() {
    let (s, mut w) = one_objector(&[("governance.decision_rule", "majority")]);
    w.coalition.governance = GovernanceState::Established;
    let (ev, now) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert_ne!(proposer, 3);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (3, 4, 1, 0));
    assert_eq!(w.counted_yes[3], Some(false));
    // Passed at once: no amendment, D's utility is the one on y = 0.5.
    assert_close!(w.vote_u[3], 0.15 - 0.5);
    assert_close!(w.vote_u[proposer], 0.15 + 0.5 + 0.1 * 0.5);
    assert_close!(w.coalition.agenda[0], 0.5);
    assert_eq!((now.passed, now.blocked), (1, 0));
    assert_eq!(w.coalition.decisions_passed, 1);
    assert_eq!(w.hours_now, vec![0.0; 4], "no amendment, no hours");
    // D was outvoted: its buy-in falls toward 0 by buy_in_rate × its stake
    // over a typical contested step's (0.35 / (0.15 + 1 × 0.5)) and it
    // resents the decision by outvoted_cost × its stake (0.35 = −U, as its
    // trust in the proposer is neutral); the others agreed (buy-in stays 1).
    assert_close!(w.buy_in[3], 1.0 - 0.3 * 0.35 / 0.65);
    assert_close!(w.resentment[3], 0.05 * 0.35);
    for i in 0..3 {
        assert_close!(w.buy_in[i], 1.0);
        assert_close!(w.resentment[i], 0.0);
    }
    // A good decision raises direction by direction_gain of its gap, times
    // the share of the work that follows it.
    let implemented = crate::engine::decision::implementation_share(&w, &s, 0, 0.0, 0.5);
    assert!(implemented < 1.0 && implemented > 0.5, "{implemented}");
    assert_close!(w.coalition.direction, 0.5 + 0.2 * implemented * 0.5);
    // 3 of 4: each yes is pivotal, D's no is not.
    assert_eq!(w.pivotal, vec![1, 1, 1, 0]);

    // Under consensus D's objection (−0.35) blocks; so does its objection to
    // the amendment (−0.1) once the threshold for standing aside is 0.05.
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consensus"),
        ("dynamics.block_threshold", "0.05"),
        ("dynamics.amendments", "1"),
        ("dynamics.amendment_hours", "0.5"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    let (ev, now) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert_ne!(proposer, 3);
    assert!(!passed);
    assert_eq!((yes, voters, voiced, silent), (3, 4, 1, 0));
    assert_eq!(w.counted_yes[3], Some(false));
    // The amendment (0.25, half-way toward D) was voted, once, and D still
    // objects; a second amendment (0.125) would have passed.
    assert_close!(w.vote_u[3], 0.15 - 0.25);
    assert_close!(w.vote_u[proposer], 0.15 + 0.25 + 0.1 * 0.5);
    for i in (0..3).filter(|&i| i != proposer) {
        assert_close!(w.vote_u[i], 0.15 + 0.25);
    }
    assert_eq!(w.hours_now, vec![0.5; 4], "one amendment");
    assert_eq!(
        w.coalition.agenda[0], 0.0,
        "a blocked proposal moves nothing"
    );
    assert_eq!((now.passed, now.blocked), (0, 1));
    assert_eq!(w.coalition.decisions_blocked, 1);
    assert_close!(w.coalition.direction, 0.5);
    assert_eq!(w.hidden, vec![0.0; 4], "a voiced objection is not hidden");
    // Blocked by one: only D's no is pivotal.
    assert_eq!(w.pivotal, vec![0, 0, 0, 1]);
}

/// A negotiation that wins nobody over ends, unless most of the voters
/// back the proposal: D alone objects to A's proposal under consensus, and
/// the first amendment leaves it objecting (its loss shrinks from 0.35 to
/// 0.1, beyond the 0.05 at which it would stand aside), but three of the
/// four back the proposal, so a second round is held, and it passes.
#[test]
fn a_negotiation_most_members_back_goes_on_while_rounds_remain() {
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consensus"),
        ("dynamics.block_threshold", "0.05"),
        ("dynamics.amendments", "3"),
        ("dynamics.amendment_hours", "0.5"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    let (ev, now) = decide(&mut w, &s);
    let (_, passed, yes, voters, ..) = decision_event(&ev);
    assert!(passed, "the second amendment (0.125) passes");
    assert_eq!((yes, voters), (4, 4));
    assert_eq!(now.negotiation_rounds, 2);
    assert_eq!(w.hours_now, vec![1.0; 4], "two rounds of 0.5 hours");
    assert_close!(w.coalition.agenda[0], 0.125);
}

/// ... but standing aside is not backing, in a negotiation with a voiced
/// objection as in one with none: as `one_objector` under consensus (D
/// objects, `block_threshold` 0.05), with C at 0.31, misjudging the good
/// proposal and without the power to propose: U_C = −0.15 + (0.31 − 0.19)
/// = −0.03, so C stands aside. A small concession (`amendment_move` 0.04:
/// y = 0.5 − 0.04 × 0.5 = 0.48) wins nobody over (U_D = 0.15 − 0.48 =
/// −0.33; U_C = −0.15 + 0.14 = −0.01, still aside), and only A and B, two
/// of four, back it: the negotiation ends after one round although three
/// are allowed. Counting C's stand-aside as backing would hold all three.
#[test]
fn a_member_standing_aside_does_not_keep_a_negotiation_going() {
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consensus"),
        ("dynamics.block_threshold", "0.05"),
        ("dynamics.amendments", "3"),
        ("dynamics.amendment_move", "0.04"),
        ("dynamics.amendment_hours", "0.5"),
        ("dynamics.pooling", "0"),
    ]);
    w.position[2 * w.d] = 0.31;
    w.judgment[2] = 0.0;
    w.power[2] = 0.0;
    w.coalition.governance = GovernanceState::Established;
    let (ev, now) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, voiced, _) = decision_event(&ev);
    assert!(proposer < 2);
    assert_eq!((passed, yes, voters, voiced), (false, 3, 4, 1));
    assert!(w.stood_aside[2], "C stands aside");
    assert_close!(w.vote_u[3], -0.33);
    assert_eq!(
        now.negotiation_rounds, 1,
        "one round, which won nobody over"
    );
    assert_eq!(w.hours_now, vec![0.5; 4]);
    assert_close!(w.coalition.agenda[0], 0.0);
}

/// ... and a proposal most voters still oppose after a round that won
/// none of them over is dropped, whatever rounds remain: A alone stands
/// at 1 and proposes (it holds all the power), B, C and D at 0
/// (majority, three rounds allowed). The amendment
/// moves A's proposal (0.5) a third of the way toward them (the share of
/// the three objectors whose votes it still needs, 2 of 3, times
/// `amendment_move` 0.5), which wins none of them; with three rounds and
/// no such end, the third would have been held as well.
#[test]
fn a_negotiation_that_wins_nobody_over_ends() {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [0.0, 0.0]),
            agent("C", "member", [0.0, 0.0]),
            agent("D", "member", [0.0, 0.0]),
        ],
        &[
            ("dynamics.proposal_quality", "1.0"),
            ("dynamics.proposal_step", "0.5"),
            ("governance.decision_every", "1"),
            ("governance.decision_rule", "majority"),
            ("dynamics.amendments", "3"),
            ("dynamics.amendment_hours", "0.5"),
        ],
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0; 4];
    w.engagement = vec![1.0; 4];
    w.power = vec![1.0, 0.0, 0.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.round = 1;
    w.coalition.governance = GovernanceState::Established;
    let (ev, now) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, ..) = decision_event(&ev);
    assert_eq!((proposer, passed, yes, voters), (0, false, 1, 4));
    assert_eq!(
        now.negotiation_rounds, 1,
        "one round, which won nobody over"
    );
    assert_eq!(w.hours_now, vec![0.5; 4]);
    assert_eq!(w.coalition.busy_until, w.round + 1);
    assert_eq!(
        w.coalition.agenda[0], 0.0,
        "a dropped proposal moves nothing"
    );
}

/// Five members on issue 0 with the agenda at 0, A at 1 proposing (it
/// holds all the power), B at 1, C at `c`, D and E at 0; trust neutral,
/// judgment 1, good proposals, no amendment, members vote on interest
/// alone (`merit_weight` 0), under a rule in force.
fn five_sounding(c: f64, sets: &[(&str, &str)]) -> (Scenario, World) {
    let mut all = vec![
        ("dynamics.proposal_quality", "1.0"),
        ("dynamics.proposal_step", "0.5"),
        ("dynamics.merit_weight", "0.0"),
        ("dynamics.amendments", "0"),
        ("governance.decision_every", "1"),
    ];
    all.extend_from_slice(sets);
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [c, 0.0]),
            agent("D", "member", [0.0, 0.0]),
            agent("E", "member", [0.0, 0.0]),
        ],
        &all,
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0; 5];
    w.engagement = vec![1.0; 5];
    w.power = vec![1.0, 0.0, 0.0, 0.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.coalition.governance = GovernanceState::Established;
    w.round = 1;
    (s, w)
}

#[test]
fn a_sounded_proposal_is_the_largest_step_the_rule_is_expected_to_pass() {
    // Positional: the full step (0.5) wins only A and B: blocked.
    let (s, mut w) = five_sounding(0.15, &[]);
    let (ev, now) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, ..) = decision_event(&ev);
    assert_eq!((proposer, passed, yes, voters), (0, false, 2, 5));
    assert_eq!((now.passed, now.blocked), (0, 1));
    assert_eq!(w.coalition.agenda[0], 0.0);
    assert_eq!(w.hours_now, vec![0.0; 5], "no sounding out");
    // Sounded: the full step is expected to lose C (Δ = 0.15 − 0.35), half
    // of it (0.25) to win C (0.15 − 0.1 > 0): 3 of 5, a majority.
    let (s, mut w) = five_sounding(0.15, &[("dynamics.proposals", "sounded")]);
    let (ev, now) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, ..) = decision_event(&ev);
    assert_eq!((proposer, passed, yes, voters), (0, true, 3, 5));
    assert_eq!((now.passed, now.blocked), (1, 0));
    assert_close!(w.coalition.agenda[0], 0.25);
    // A consulted the two members whose votes a majority of five needs
    // beside its own, for `sounding_hours` each.
    assert_close!(w.hours_now[0], 2.0 * 0.25);
    assert_eq!(w.hours_now[1..], [0.0; 4]);
    // The stall: with C at 0 too, every step moves the agenda away from
    // three of five. Sounded out, A puts a matter of common interest (a
    // step of 0): nobody's position moves, everyone votes yes on it (U = 0
    // on interest alone at neutral trust), and it passes and gives
    // direction.
    let (s, mut w) = five_sounding(0.0, &[("dynamics.proposals", "sounded")]);
    let direction = w.coalition.direction;
    let (ev, now) = decide(&mut w, &s);
    let (_, passed, yes, voters, ..) = decision_event(&ev);
    assert_eq!((passed, yes, voters), (true, 5, 5));
    assert_eq!((now.passed, now.blocked), (1, 0));
    assert_eq!(w.coalition.agenda[0], 0.0);
    assert!(w.coalition.direction > direction);
    let (s, mut w) = five_sounding(0.0, &[]);
    let (ev, _) = decide(&mut w, &s);
    assert!(!decision_event(&ev).1, "positional: blocked at the median");
}

#[test]
fn sounding_out_costs_the_proposer_hours_with_each_member_whose_vote_the_rule_needs() {
    // Five voters: a majority needs 2 besides the proposer, a
    // supermajority of 0.67 ⌈3.35⌉ − 1 = 3, consensus, modified consensus
    // and consent every other voter (4); a committee of 3 needs 1.
    for (rule, needed) in [
        ("majority", 2.0),
        ("supermajority", 3.0),
        ("consensus", 4.0),
        ("modified_consensus", 4.0),
        ("consent", 4.0),
        ("committee", 1.0),
    ] {
        let (s, mut w) = five_sounding(
            0.15,
            &[
                ("dynamics.proposals", "sounded"),
                ("dynamics.sounding_hours", "0.5"),
                ("governance.decision_rule", rule),
            ],
        );
        if rule == "committee" {
            w.committee = vec![true, true, true, false, false];
        }
        let (ev, _) = decide(&mut w, &s);
        assert_eq!(decision_event(&ev).0, 0, "{rule}");
        assert_close!(w.hours_now[0], 0.5 * needed);
        assert_eq!(w.hours_now[1..], [0.0; 4], "{rule}");
    }
    // Weighted: the fewest members, largest power first, whose power with
    // the proposer's exceeds half of it: none for A (0.6 of 1), and A
    // alone for any other (0.1 + 0.6).
    for seed in 0..20 {
        let (s, mut w) = five_sounding(
            0.15,
            &[
                ("dynamics.proposals", "sounded"),
                ("governance.decision_rule", "weighted"),
            ],
        );
        w.power = vec![0.6, 0.1, 0.1, 0.1, 0.1];
        let (ev, _) = decide_with(&mut w, &s, seed);
        let p = decision_event(&ev).0;
        let needed = if p == 0 { 0.0 } else { 1.0 };
        assert_close!(w.hours_now[p], 0.25 * needed);
    }
    // Before a rule is in force there is no vote to sound out.
    let (s, mut w) = five_sounding(0.15, &[("dynamics.proposals", "sounded")]);
    w.coalition.governance = GovernanceState::Informal;
    let _ = decide(&mut w, &s);
    assert_eq!(w.hours_now, vec![0.0; 5]);
}

/// Consent among `one_objector`'s four (D loses 0.5 by the step, within
/// its tolerance at `block_threshold` 1: it objects, but cannot veto), no
/// negotiation, with `pooling` and the judgment of each member listed
/// set to 0 (it sees the good proposal as harmful).
fn consent_circle(pooling: &str, misjudge: &[usize]) -> (Scenario, World) {
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consent"),
        ("dynamics.block_threshold", "1.0"),
        ("dynamics.amendments", "0"),
        ("dynamics.pooling", pooling),
    ]);
    w.coalition.governance = GovernanceState::Established;
    for &i in misjudge {
        w.judgment[i] = 0.0;
    }
    (s, w)
}

#[test]
fn consent_tests_a_reasoned_objection_in_a_costed_round_that_pools_information() {
    // D objects on interest alone (it sees the merit): no reasoned
    // objection, no objection round; its objection is overruled.
    let (s, mut w) = consent_circle("0", &[]);
    let (ev, now) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, _) = decision_event(&ev);
    assert_eq!((passed, yes, voters, voiced), (true, 3, 4, 1));
    assert_eq!(
        w.hours_now,
        vec![0.0; 4],
        "no round without a reasoned objection"
    );
    assert_eq!(w.coalition.delay_now, 0.0);
    assert_eq!((now.objection_rounds, w.coalition.objection_rounds), (0, 0));
    // D sees harm too: its objection is reasoned, and the circle hears it
    // in a round (every voter's `amendment_hours`, one `amendment_delay`);
    // one of four sees harm, fewer than half: overruled, and it passes.
    let (s, mut w) = consent_circle("0", &[3]);
    let (ev, now) = decide(&mut w, &s);
    let (_, passed, ..) = decision_event(&ev);
    assert!(passed);
    assert_eq!(w.hours_now, vec![0.5; 4]);
    assert_close!(w.coalition.delay_now, 0.03);
    // The round is counted, once, and is no round of negotiation.
    assert_eq!((now.objection_rounds, w.coalition.objection_rounds), (1, 1));
    assert_eq!(now.negotiation_rounds, 0);
    // C (who gains by the step and votes for it) sees harm as well: half of
    // the circle sees the harm, and D's reasoned objection stands.
    let (s, mut w) = consent_circle("0", &[2, 3]);
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, ..) = decision_event(&ev);
    assert_eq!((passed, yes), (false, 3));
    assert_eq!(w.hours_now, vec![0.5; 4]);
    // The round pools information: each of C and D is set right with
    // probability pooling × the share who see it right (1 × 2/4), and the
    // harm is upheld only if neither is, a quarter of the time.
    let passes = (0..400)
        .filter(|&seed| {
            let (s, mut w) = consent_circle("1", &[2, 3]);
            let (ev, _) = decide_with(&mut w, &s, seed);
            decision_event(&ev).1
        })
        .count();
    assert!(
        (255..345).contains(&passes),
        "passed {passes} of 400; 300 expected"
    );
}

/// A consent circle of four deciding on issue 0 from an agenda at 0 (a
/// round's `amendment_hours` 0.5): A and B at 1 propose half a step toward
/// them (y = 0.5), C at 0.15 misjudges the good proposal, D at 0 loses 0.5
/// by it; `block_threshold` 0.3 and one amendment round, with `extra`
/// overrides on top.
fn veto_circle(extra: &[(&str, &str)]) -> (Scenario, World) {
    let mut sets = vec![
        ("dynamics.proposal_quality", "1.0"),
        ("dynamics.proposal_step", "0.5"),
        ("governance.decision_every", "1"),
        ("governance.decision_rule", "consent"),
        ("dynamics.block_threshold", "0.3"),
        ("dynamics.amendments", "1"),
        ("dynamics.amendment_move", "0.5"),
        ("dynamics.pooling", "0"),
    ];
    sets.extend_from_slice(extra);
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [0.15, 0.0]),
            agent("D", "member", [0.0, 0.0]),
        ],
        &sets,
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0, 1.0, 0.0, 1.0];
    w.engagement = vec![1.0; 4];
    w.power = vec![1.0, 1.0, 0.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.coalition.governance = GovernanceState::Established;
    w.round = 1;
    (s, w)
}

#[test]
fn under_consent_a_reasoned_objection_the_circle_overruled_is_no_holdout() {
    // A and B at 1 propose half a step from 0 toward them (y = 0.5). D at
    // 0 loses 0.5, beyond its tolerance (0.3): it vetoes. C at 0.15 loses
    // 0.2, within its tolerance, and misjudges the good proposal: a
    // reasoned objection, but one of four sees harm, so the circle
    // overrules it. The negotiation moves the proposal toward the veto
    // alone: y = 0.5 + 0.5 × (0 − 0.5) = 0.25 (toward D and C together it
    // would be 0.2875), where D's loss (0.25) is within its tolerance and
    // the proposal passes.
    let (s, mut w) = veto_circle(&[]);
    let (ev, now) = decide(&mut w, &s);
    let (proposer, passed, ..) = decision_event(&ev);
    assert!(proposer < 2);
    assert!(passed);
    assert_close!(w.coalition.agenda[0], 0.25);
    // The objection round (C's reasoned objection) and one round of
    // negotiation (D's veto): `amendment_hours` twice for every voter,
    // each counted as what it is.
    assert_eq!(w.hours_now, vec![1.0; 4]);
    assert_eq!((now.objection_rounds, now.negotiation_rounds), (1, 1));
}

/// Under consensus, a proposal blocked only by the stand-aside limit is
/// negotiated with the stand-asides beyond it. In `veto_circle` at
/// `block_threshold` 10 nobody blocks: A and B back the step, C and D
/// (who lose by it) stand aside. At a limit of a quarter one of the four
/// may stand aside, so the vote is one short: a round of negotiation
/// (every voter's `amendment_hours`, `amendment_delay` for its one
/// holdout). The reworked proposal still has both standing aside, and only
/// two of four back it (standing aside is not backing), so the
/// negotiation that won nobody over ends after that round although three
/// are allowed, and the proposal is blocked. At a limit of half both may
/// stand aside: it passes with no round.
#[test]
fn under_consensus_a_proposal_too_many_stand_aside_from_is_negotiated_with_them() {
    let circle = |limit: &str| {
        veto_circle(&[
            ("governance.decision_rule", "consensus"),
            ("dynamics.block_threshold", "10"),
            ("dynamics.amendments", "3"),
            ("governance.stand_aside_limit", limit),
        ])
    };
    let (s, mut w) = circle("0.25");
    let (ev, now) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, _) = decision_event(&ev);
    assert!(!passed);
    assert_eq!((voters, voiced), (4, 0), "nobody blocks");
    assert_eq!(yes, 4, "the stand-asides count as yes votes");
    assert_eq!(now.negotiation_rounds, 1);
    assert_eq!(w.hours_now, vec![0.5; 4]);
    assert_close!(w.coalition.delay_now, 0.03);
    assert_close!(w.coalition.agenda[0], 0.0);

    let (s, mut w) = circle("0.5");
    let (ev, now) = decide(&mut w, &s);
    assert!(decision_event(&ev).1);
    assert_eq!(now.negotiation_rounds, 0);
    assert_eq!(w.hours_now, vec![0.0; 4]);
    assert_close!(w.coalition.agenda[0], 0.5);
}

#[test]
fn the_second_camp_holds_camp_share_of_the_generated_agents_spread_through_the_order() {
    // Positions drawn at 0 exactly, so each generated agent stands at its
    // camp's pole: +0.5 (the first camp) or −0.5 (the second). A named
    // founder comes first (a base file needs a member) and is in no camp.
    let camps = |share: &str| {
        let s = scenario(
            &[agent("X", "founder", [0.9, 0.0])],
            &[
                ("population.count", "12"),
                ("population.initial_members", "12"),
                ("population.position", "[0.0, 0.0]"),
                ("population.divide", "0.5"),
                ("population.camp_share", share),
            ],
        );
        let w = world(&s);
        assert_eq!(w.position[0], 0.9);
        (1..w.n)
            .map(|i| w.position[i * w.d] < 0.0)
            .collect::<Vec<bool>>()
    };
    // The default: two equal camps, every odd agent in the second.
    assert_eq!(
        camps("0.5"),
        (0..12).map(|k| k % 2 == 1).collect::<Vec<_>>()
    );
    // A bloc of a quarter: agents 3, 7 and 11.
    assert_eq!(
        camps("0.25"),
        (0..12).map(|k| k % 4 == 3).collect::<Vec<_>>()
    );
    // A third: 2, 5, 8, 11; none, and all.
    assert_eq!(
        camps("0.3333333333333333"),
        (0..12).map(|k| k % 3 == 2).collect::<Vec<_>>()
    );
    assert_eq!(camps("0.0"), vec![false; 12]);
    assert_eq!(camps("1.0"), vec![true; 12]);
}

/// Four members deciding on issue 0 from an agenda at 0: A and B at 1
/// propose half a step (y = 0.5), C at 0.6 and D at 0.5 gain by it too.
/// Everyone sees the merit right (a good proposal): all four are for it.
fn holdout_setup(rule: &str, holdout: &str, amendments: &str) -> (Scenario, World) {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [0.6, 0.0]),
            agent("D", "member", [0.5, 0.0]),
        ],
        &[
            ("dynamics.proposal_quality", "1.0"),
            ("dynamics.proposal_step", "0.5"),
            ("governance.decision_every", "1"),
            ("governance.decision_rule", rule),
            ("dynamics.holdout", holdout),
            ("dynamics.amendments", amendments),
            ("dynamics.amendment_move", "0.5"),
            ("dynamics.amendment_hours", "0.5"),
            ("dynamics.pooling", "0"),
        ],
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0; 4];
    w.engagement = vec![1.0; 4];
    w.power = vec![1.0, 1.0, 0.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.coalition.governance = GovernanceState::Established;
    w.round = 1;
    (s, w)
}

#[test]
fn under_consensus_every_supporter_is_needed_and_a_holdout_bargains_for_a_concession() {
    // Everyone's yes is needed under consensus. With `holdout` 1 every
    // supporter not standing at y holds back its yes: the other proposer
    // (at 1) and C (at 0.6); D stands at 0.5 and has nothing to bargain
    // for. The proposal is blocked and amended toward the two holdouts:
    // y = 0.5 + 0.5 × (0.8 − 0.5) = 0.65; all vote sincerely again and it
    // passes, a round of negotiation later (`amendment_hours` each).
    let (s, mut w) = holdout_setup("consensus", "1", "1");
    let (ev, _) = decide(&mut w, &s);
    let (proposer, passed, ..) = decision_event(&ev);
    assert!(proposer < 2);
    assert!(passed);
    assert_close!(w.coalition.agenda[0], 0.65);
    assert_eq!(w.hours_now, vec![0.5; 4]);
    assert_eq!(w.coalition.busy_until, 2);
}

#[test]
fn nobody_holds_out_where_withholding_a_yes_would_block_nothing() {
    // Under majority four yes of four leave no yes pivotal; under consent
    // a supporter that sees the proposal as good and loses nothing by it
    // would be overruled; with no amendment round to come there is nothing
    // to bargain for; and with `holdout` 0 members vote sincerely. In each
    // the proposal passes at 0.5 with no negotiation.
    for (rule, holdout, amendments) in [
        ("majority", "1", "1"),
        ("supermajority", "1", "1"),
        ("consent", "1", "1"),
        ("consensus", "1", "0"),
        ("consensus", "0", "1"),
    ] {
        let (s, mut w) = holdout_setup(rule, holdout, amendments);
        let (ev, _) = decide(&mut w, &s);
        let (_, passed, yes, voters, voiced, _) = decision_event(&ev);
        assert!(passed, "{rule}, holdout {holdout}, amendments {amendments}");
        assert_close!(w.coalition.agenda[0], 0.5);
        assert_eq!((yes, voters, voiced), (4, 4, 0));
        assert_eq!(w.hours_now, vec![0.0; 4]);
    }
}

/// Three members deciding under majority with `holdout` 1 from an agenda
/// at 0: A (the only one with power, so the proposer) at 1 proposes half a
/// step (y = 0.5), C at −1 objects (U_C = 0.15 + (1 − 1.5) < 0), and B
/// stands at `b`. Two yes of three: each yes is pivotal.
fn majority_won_by_one(b: f64) -> (Scenario, World) {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [b, 0.0]),
            agent("C", "member", [-1.0, 0.0]),
        ],
        &[
            ("dynamics.proposal_quality", "1.0"),
            ("dynamics.proposal_step", "0.5"),
            ("governance.decision_every", "1"),
            ("governance.decision_rule", "majority"),
            ("dynamics.holdout", "1"),
            ("dynamics.amendments", "1"),
            ("dynamics.amendment_move", "0.5"),
            ("dynamics.amendment_hours", "0.5"),
            ("dynamics.pooling", "0"),
        ],
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0; 3];
    w.engagement = vec![1.0; 3];
    w.power = vec![1.0, 0.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.coalition.governance = GovernanceState::Established;
    w.round = 1;
    (s, w)
}

#[test]
fn under_majority_a_yes_is_needed_only_when_the_vote_is_won_by_one() {
    // B at 0.3 gains by the step (U_B = 0.15 + 0.3 − 0.2 > 0) and its yes
    // is needed: it holds out. The blocking objectors are C at −1 and B,
    // mean −0.35, on B's side of y: the concession moves toward B. Blocked,
    // the proposal is amended by the share of them still needed (1 vote of
    // 2): y = 0.5 + 0.5 × 0.5 × (−0.35 − 0.5) = 0.2875, then passes 2 to 1,
    // a round of negotiation later.
    let (s, mut w) = majority_won_by_one(0.3);
    let (ev, _) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, ..) = decision_event(&ev);
    assert_eq!(proposer, 0);
    assert!(passed);
    assert_eq!((yes, voters), (2, 3));
    assert_close!(w.coalition.agenda[0], 0.2875);
    assert_eq!(w.hours_now, vec![0.5; 3]);
}

#[test]
fn a_supporter_does_not_hold_out_for_a_concession_that_would_move_away_from_it() {
    // B at 1, beyond the proposal, is needed as well, but the concession its
    // objection would win moves toward the blocking objectors' mean (C at −1
    // and B: 0), away from B: it votes yes, and the proposal passes at 0.5
    // with no negotiation (before, it held out and the amendment moved the
    // proposal to 0.375, against its own position).
    let (s, mut w) = majority_won_by_one(1.0);
    let (ev, _) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, voiced, _) = decision_event(&ev);
    assert_eq!(proposer, 0);
    assert!(passed);
    assert_eq!((yes, voters, voiced), (2, 3, 1));
    assert_close!(w.coalition.agenda[0], 0.5);
    assert_eq!(w.hours_now, vec![0.0; 3]);
}

#[test]
fn under_consent_tolerance_sets_the_loss_a_member_cannot_live_with_apart_from_block_threshold() {
    // The coalition of the test above: D at 0 loses 0.5 by y = 0.5. With
    // `block_threshold` 0.3 and no `tolerance`, 0.5 is beyond D's
    // tolerance and it vetoes; with `tolerance` 0.6 it is within, D's
    // objection is overruled like C's, and the proposal passes at 0.5
    // after the objection round alone (C's reasoned objection). Consensus
    // does not read `tolerance`.
    let run = |tolerance: Option<&str>| {
        let extra: Vec<(&str, &str)> = tolerance
            .map(|t| ("dynamics.tolerance", t))
            .into_iter()
            .collect();
        let (s, mut w) = veto_circle(&extra);
        let (ev, _) = decide(&mut w, &s);
        let (_, passed, ..) = decision_event(&ev);
        assert!(passed);
        (w.coalition.agenda[0], w.hours_now.clone())
    };
    let (y, hours) = run(None);
    assert_close!(y, 0.25);
    assert_eq!(hours, vec![1.0; 4]);
    let (y, hours) = run(Some("0.6"));
    assert_close!(y, 0.5);
    assert_eq!(hours, vec![0.5; 4]);
    // Set equal to `block_threshold`, it changes nothing.
    let (y, _) = run(Some("0.3"));
    assert_close!(y, 0.25);
}

#[test]
fn each_voter_perceives_the_merit_by_its_judgment_into_vote_merit() {
    let (s, mut w) = one_objector(&[("governance.decision_rule", "majority")]);
    w.coalition.governance = GovernanceState::Established;
    // C misjudges the good proposal (judgment 0): M_C = −1.
    w.judgment[2] = 0.0;
    let (ev, _) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, voiced, _) = decision_event(&ev);
    assert!(passed);
    assert_eq!(w.vote_merit, vec![1.0, 1.0, -1.0, 1.0]);
    if proposer != 2 {
        // U_C = −0.15 + (1 − 0.5): still for it, on interest.
        assert_close!(w.vote_u[2], -0.15 + 0.5);
    }
    assert_close!(w.vote_u[3], 0.15 - 0.5);
    assert_eq!((yes, voters, voiced), (3, 4, 1));
}

#[test]
fn each_voter_weighs_the_merit_by_its_own_factor_under_merit_perception() {
    // Perceptions spread ±60%: every voter's perceived merit keeps the
    // sign its judgment gives and has its own size, within [0.4, 1.6].
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "majority"),
        ("dynamics.merit_perception", "0.6"),
        ("dynamics.pooling", "0.0"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    w.judgment[2] = 0.0;
    decide(&mut w, &s);
    let m = w.vote_merit.clone();
    for (i, &x) in m.iter().enumerate() {
        let sign = if i == 2 { -1.0 } else { 1.0 };
        assert!(
            x * sign >= 0.4 - 1e-12 && x * sign <= 1.6 + 1e-12,
            "voter {i}: {x}"
        );
    }
    assert!(
        m.iter().any(|x| (x.abs() - m[0].abs()).abs() > 1e-9),
        "the sizes differ between voters: {m:?}"
    );
    // Spread 0: every size is the merit's (1), as before the setting.
    let (s, mut w) = one_objector(&[("governance.decision_rule", "majority")]);
    w.coalition.governance = GovernanceState::Established;
    w.judgment[2] = 0.0;
    decide(&mut w, &s);
    assert_eq!(w.vote_merit, vec![1.0, 1.0, -1.0, 1.0]);
}

#[test]
fn discussion_turns_a_misjudgement_and_keeps_its_weight() {
    // Three voters see the good proposal (merit 1) right, C misjudges it
    // strongly (−1.5). Everyone pools with `pooling` 1: C is put right with
    // probability 3/4, and then thinks it as good as it thought it bad.
    let (_, mut w) = one_objector(&[("governance.decision_rule", "majority")]);
    let members = [0, 1, 2, 3];
    let (mut turned, mut kept) = (0, 0);
    for seed in 0..200 {
        w.vote_merit = vec![1.2, 0.7, -1.5, 0.9];
        decision::pool(&mut w, &members, 1.0, 1.0, &mut run_rng(seed, 0), |_, _| {
            true
        });
        assert_eq!(&w.vote_merit[..2], &[1.2, 0.7]);
        assert_eq!(w.vote_merit[3], 0.9);
        match w.vote_merit[2] {
            1.5 => turned += 1,
            -1.5 => kept += 1,
            x => panic!("seed {seed}: C's perception became {x}"),
        }
    }
    assert!(turned > 120 && kept > 20, "turned {turned}, kept {kept}");
}

/// A `[[agent]]` entry with explicit salience.
fn agent_with_salience(name: &str, role: &str, position: [f64; 2], salience: [f64; 2]) -> String {
    format!(
        "{}salience = [{:?}, {:?}]\n",
        agent(name, role, position),
        salience[0],
        salience[1]
    )
}

#[test]
fn a_blocked_proposal_is_amended_toward_the_objectors_by_the_share_still_needed_and_voted_again() {
    // A, B at 1 propose; C at -1 (salience 1) and D at -0.5 (salience 0.5
    // on issue 0) object to y = 0.5: U_C = 0.15 + (1 − 1.5) = −0.35,
    // U_D = 0.15 + 0.5 (0.5 − 1) = −0.1. Two of four: blocked under majority.
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [-1.0, 0.0]),
            agent_with_salience("D", "member", [-0.5, 0.0], [0.5, 1.0]),
        ],
        &[
            ("governance.decision_rule", "majority"),
            ("governance.decision_every", "1"),
            ("dynamics.proposal_quality", "1.0"),
            ("dynamics.proposal_step", "0.5"),
        ],
    );
    let mut w = world(&s);
    assert_eq!(w.salience[3 * 2], 0.5);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0; 4];
    w.power = vec![1.0, 1.0, 0.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.coalition.governance = GovernanceState::Established;
    w.round = 1;
    let (ev, now) = decide(&mut w, &s);
    // Objectors' mean (1 · −1 + 0.5 · −0.5) / 1.5 = −5/6. Majority needs
    // one more vote of the two objectors: the amendment moves y = 0.5 half
    // of amendment_move (0.5) toward it: y' = 0.5 + 0.25 (−5/6 − 0.5) = 1/6.
    let amended = 0.5 + 0.25 * (-5.0 / 6.0 - 0.5);
    assert_close!(amended, 1.0 / 6.0);
    let (proposer, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(proposer < 2);
    let other = 1 - proposer;
    // The second vote: D now gains, C still loses 1/6, the other
    // proposer-side member gains less but still gains.
    assert_close!(w.vote_u[2], 0.15 - 1.0 / 6.0);
    assert_close!(w.vote_u[3], 0.15 + 0.5 * (0.5 - 2.0 / 3.0));
    assert_close!(w.vote_u[other], 0.15 + 1.0 / 6.0);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (3, 4, 1, 0));
    assert_eq!(w.counted_yes[2], Some(false));
    assert_close!(w.coalition.agenda[0], amended);
    assert_eq!((now.passed, now.blocked), (1, 0));
    assert_eq!(
        (w.coalition.decisions_passed, w.coalition.decisions_blocked),
        (1, 0),
        "the amendment is part of the same decision"
    );
    // The amendment round took the next week's meeting.
    assert_eq!(w.coalition.busy_until, 2);
    // Pivotal on the final tally (3 of 4): the yes voters, not the no.
    assert_eq!(w.pivotal, vec![1, 1, 0, 1]);
}

#[test]
fn silence_counts_as_consent_and_the_objection_goes_hidden() {
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consensus"),
        ("governance.silence_as_consent", "true"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    // D does not show up enough to speak: voice probability e_D (...) = 0.
    w.engagement[3] = 0.0;
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(passed, "consensus passes when the only objection is silent");
    assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 1));
    assert_eq!(w.counted_yes[3], Some(true));
    assert_close!(w.coalition.agenda[0], 0.5);
    // U_D = 0.15 (merit) - 0.5 (interest) + 0.1 (0.5 - 0.5) = -0.35;
    // hidden += hidden_gain |U_D|.
    assert_close!(w.hidden[3], s.dynamics.hidden_gain * 0.35);
    assert_close!(w.hidden[3], 0.1 * 0.35);
    assert_eq!(w.hidden[..3], [0.0; 3]);
}

#[test]
fn under_silence_as_consent_the_final_vote_decides_what_goes_hidden() {
    // A, B, C at 1 (power 1), D and E at -1 (no power). voice_base = 1, so
    // a member voices an objection with probability e_i: only D speaks.
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [1.0, 0.0]),
            agent("D", "member", [-1.0, 0.0]),
            agent("E", "member", [-1.0, 0.0]),
        ],
        &[
            ("governance.decision_rule", "consensus"),
            ("governance.silence_as_consent", "true"),
            ("governance.decision_every", "1"),
            ("dynamics.voice_base", "1.0"),
            ("dynamics.proposal_quality", "1.0"),
            ("dynamics.proposal_step", "0.5"),
            ("dynamics.block_threshold", "0.08"),
            ("dynamics.amendments", "1"),
        ],
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.judgment = vec![1.0; 5];
    w.engagement = vec![0.0, 0.0, 0.0, 1.0, 0.0];
    w.power = vec![1.0, 1.0, 1.0, 0.0, 0.0];
    w.coalition.agenda[0] = 0.0;
    w.coalition.governance = GovernanceState::Established;
    w.round = 1;
    let (ev, _) = decide(&mut w, &s);
    // First vote on 0.5: D voices (U = −0.35), E objects silently; blocked.
    // Amended toward the voiced objection only: y' = 0.5 + 0.5 (−1 − 0.5).
    // Second vote on −0.25: D and E gain (U = 0.15 + 0.25); the two other
    // members at 1 lose (U = 0.15 − 0.25 = −0.1 < −0.08) and keep silent;
    // the proposer loses too, but trusts itself (U = −0.1 + 0.1 · 0.5 =
    // −0.05 > −0.08): it stands aside.
    let (proposer, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(proposer < 3);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (5, 5, 0, 2));
    assert_close!(w.coalition.agenda[0], -0.25);
    assert_eq!(w.counted_yes, vec![Some(true); 5]);
    for i in 0..3 {
        if i == proposer {
            assert_eq!(w.vote_u[i], 0.0, "stood aside");
            assert_eq!(w.hidden[i], 0.0);
        } else {
            assert_close!(w.vote_u[i], 0.15 - 0.25);
            assert_close!(w.hidden[i], 0.1 * 0.1);
        }
    }
    assert_close!(w.vote_u[3], 0.15 + 0.25);
    assert_close!(w.vote_u[4], 0.15 + 0.25);
    // E's silent objection to the first version is not carried over.
    assert_eq!(w.hidden[3..], [0.0, 0.0]);
}

#[test]
fn without_silence_as_consent_every_objection_counts() {
    // D is absent (engagement 0) yet, solicited, objects both to the
    // proposal and to its amendment (−0.1, blocking at a threshold of 0.05).
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consensus"),
        ("governance.silence_as_consent", "false"),
        ("dynamics.block_threshold", "0.05"),
        ("dynamics.amendments", "1"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    w.engagement[3] = 0.0;
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(!passed);
    assert_eq!((yes, voters, voiced, silent), (3, 4, 1, 0));
    assert_close!(w.vote_u[3], 0.15 - 0.25);
    assert_eq!(w.counted_yes[3], Some(false));
    assert_eq!(w.hidden[3], 0.0);

    // The same under silence as consent: D, absent, never speaks; its
    // objection counts as yes and goes hidden.
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consensus"),
        ("governance.silence_as_consent", "true"),
        ("dynamics.block_threshold", "0.05"),
        ("dynamics.amendments", "1"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    w.engagement[3] = 0.0;
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 1));
    assert_eq!(w.counted_yes[3], Some(true));
    assert_close!(w.hidden[3], 0.1 * 0.35);
}

/// [`one_objector`] under an established `rule`, no amendment, with D's
/// salience on issue 0 set to `salience_d`: U_D = 0.15 + s_D (0 − 0.5).
fn objection_of_weight(
    rule: &str,
    silence: bool,
    block_threshold: &str,
    salience_d: f64,
) -> (Scenario, World) {
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", rule),
        ("governance.silence_as_consent", &silence.to_string()),
        ("dynamics.block_threshold", block_threshold),
        ("dynamics.amendments", "0"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    w.salience[3 * 2] = salience_d;
    (s, w)
}

#[test]
fn under_consensus_a_mild_objection_stands_aside_and_a_strong_one_blocks() {
    // Mild: s_D = 0.4, U_D = 0.15 − 0.2 = −0.05 > −0.15. D stands aside:
    // counted yes, not an objection in the tally, and nothing to resent
    // (vote_u 0, no hidden objection) — whether dissent is solicited or
    // D (absent) would otherwise have kept silent.
    for silence in [false, true] {
        let (s, mut w) = objection_of_weight("consensus", silence, "0.15", 0.4);
        w.engagement[3] = 0.0;
        let (ev, now) = decide(&mut w, &s);
        let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
        assert!(passed, "silence {silence}");
        assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 0));
        assert_eq!(w.counted_yes[3], Some(true));
        assert_eq!(w.vote_u[3], 0.0, "silence {silence}");
        assert_eq!(w.hidden, vec![0.0; 4], "silence {silence}");
        assert_close!(w.coalition.agenda[0], 0.5);
        assert_eq!((now.passed, now.blocked), (1, 0));
    }

    // Strong: s_D = 1, U_D = −0.35 < −0.15: D blocks.
    let (s, mut w) = objection_of_weight("consensus", false, "0.15", 1.0);
    let (ev, now) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(!passed);
    assert_eq!((yes, voters, voiced, silent), (3, 4, 1, 0));
    assert_eq!(w.counted_yes[3], Some(false));
    assert_close!(w.vote_u[3], 0.15 - 0.5);
    assert_eq!(w.coalition.agenda[0], 0.0);
    assert_eq!((now.passed, now.blocked), (0, 1));
    assert_eq!(w.hidden, vec![0.0; 4]);

    // The boundary: an objection exactly at −block_threshold blocks, one a
    // hair weaker stands aside.
    let u = w.vote_u[3];
    for (threshold, blocks) in [(-u, true), (-u + 1e-9, false)] {
        let (s, mut w) = objection_of_weight("consensus", false, &format!("{threshold:?}"), 1.0);
        assert_eq!(s.dynamics.block_threshold, threshold);
        let (ev, _) = decide(&mut w, &s);
        assert_eq!(decision_event(&ev).1, !blocks, "threshold {threshold}");
        assert_eq!(w.counted_yes[3], Some(!blocks));
        assert_eq!(w.vote_u[3], if blocks { u } else { 0.0 });
    }
}

#[test]
fn under_majority_a_mild_objection_is_a_no() {
    // U_D = −0.05, within the consensus threshold, but there is no standing
    // aside under majority: solicited, D's objection is a voiced no ...
    let (s, mut w) = objection_of_weight("majority", false, "0.15", 0.4);
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (3, 4, 1, 0));
    assert_eq!(w.counted_yes[3], Some(false));
    assert_close!(w.vote_u[3], 0.15 - 0.2);
    assert_eq!(w.hidden, vec![0.0; 4]);
    // ... and unvoiced under silence as consent, it goes hidden.
    let (s, mut w) = objection_of_weight("majority", true, "0.15", 0.4);
    w.engagement[3] = 0.0;
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 1));
    assert_close!(w.vote_u[3], 0.15 - 0.2);
    assert_close!(w.hidden[3], 0.1 * 0.05);
}

#[test]
fn each_amendment_costs_every_voter_amendment_hours() {
    // [`one_objector`] plus an outsider E (not a voter) under consensus with
    // a threshold of 0.05: D blocks y = 0.5 (U_D = −0.35) and the first
    // amendment 0.25 (−0.1) and accepts the second, 0.125 (0.15 − 0.125).
    let cases = [
        (0, false, 0.0, 0.0, 0.15 - 0.5),
        (1, false, 0.0, 0.75, 0.15 - 0.25),
        (2, true, 0.125, 1.5, 0.15 - 0.125),
        (3, true, 0.125, 1.5, 0.15 - 0.125),
    ];
    for (amendments, passes, agenda, hours, u_d) in cases {
        let s = scenario(
            &[
                agent("A", "founder", [1.0, 0.0]),
                agent("B", "member", [1.0, 0.0]),
                agent("C", "member", [1.0, 0.0]),
                agent("D", "member", [0.0, 0.0]),
                agent("E", "outsider", [0.0, 0.0]),
            ],
            &[
                ("governance.decision_rule", "consensus"),
                ("governance.decision_every", "1"),
                ("dynamics.proposal_quality", "1.0"),
                ("dynamics.proposal_step", "0.5"),
                ("dynamics.block_threshold", "0.05"),
                ("dynamics.amendments", &amendments.to_string()),
                ("dynamics.amendment_hours", "0.75"),
            ],
        );
        let mut w = world(&s);
        assert_eq!(w.status[4], Status::Outsider);
        set_trust(&mut w, 0.5);
        w.judgment = vec![1.0; 5];
        w.engagement = vec![1.0; 5];
        w.power = vec![1.0, 1.0, 1.0, 0.0, 1.0];
        w.coalition.agenda[0] = 0.0;
        w.coalition.governance = GovernanceState::Established;
        w.round = 1;
        w.clarity = vec![0.5; 5];
        let (ev, now) = decide(&mut w, &s);
        let (proposer, passed, yes, voters, voiced, _) = decision_event(&ev);
        assert!(proposer < 3);
        assert_eq!(passed, passes, "{amendments} amendments");
        assert_eq!(
            (yes, voters, voiced),
            (3 + passes as u32, 4, !passes as u32)
        );
        assert_eq!((now.passed, now.blocked), (passes as u32, !passes as u32));
        assert_close!(w.coalition.agenda[0], agenda);
        assert_close!(w.vote_u[3], u_d);
        // Every voter pays for each round of amendment; E is no voter.
        for i in 0..4 {
            assert_close!(w.hours_now[i], hours);
        }
        assert_eq!(w.hours_now[4], 0.0);
        // A decision taken makes the steps clearer once (decision_clarity
        // 0.05 of the gap, every voter fully engaged), however many rounds
        // of amendment it took; a blocked one makes nothing clearer.
        let clear = if passes { 0.5 + 0.05 * 0.5 } else { 0.5 };
        for i in 0..4 {
            assert_close!(w.clarity[i], clear);
        }
        assert_eq!(w.clarity[4], 0.5);
    }

    // At the default threshold (0.15) and one amendment, D's objection to
    // the amendment (−0.1) stands aside: passed at 0.25, for one amendment's
    // hours.
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "consensus"),
        ("dynamics.amendment_hours", "0.75"),
    ]);
    assert_eq!(
        (s.dynamics.block_threshold, s.dynamics.amendments),
        (0.15, 1)
    );
    w.coalition.governance = GovernanceState::Established;
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 0));
    assert_close!(w.coalition.agenda[0], 0.25);
    assert_eq!(w.vote_u[3], 0.0);
    assert_eq!(w.hidden, vec![0.0; 4]);
    assert_eq!(w.hours_now, vec![0.75; 4]);
}

#[test]
fn the_proposer_votes_against_its_own_proposal_when_it_perceives_it_as_bad() {
    // A alone has power, so A proposes 0.5 (agenda 0; A, B, C at 1). The
    // proposal is good, but A misjudges it (judgment 0) and merit weighs 2:
    // U_A = −2 + 0.5 + 0.1 (1 − 0.5) = −1.45; U_B = U_C = 2 + 0.5 = 2.5.
    let run = |rule: &str, amendments: &str| {
        let s = three(&[
            ("governance.decision_rule", rule),
            ("governance.decision_every", "1"),
            ("governance.silence_as_consent", "false"),
            ("dynamics.proposal_quality", "1.0"),
            ("dynamics.proposal_step", "0.5"),
            ("dynamics.merit_weight", "2.0"),
            ("dynamics.amendments", amendments),
            ("dynamics.amendment_hours", "0.5"),
        ]);
        let mut w = world(&s);
        set_trust(&mut w, 0.5);
        w.judgment = vec![0.0, 1.0, 1.0];
        w.power = vec![1.0, 0.0, 0.0];
        w.coalition.agenda[0] = 0.0;
        w.coalition.governance = GovernanceState::Established;
        w.round = 1;
        let (ev, _) = decide(&mut w, &s);
        let event = decision_event(&ev);
        assert_eq!(event.0, 0, "A proposes");
        assert_eq!(w.vote_merit, vec![-1.0, 1.0, 1.0]);
        (w, event)
    };
    // Majority: A's own proposal passes 2 to 1 over A's voiced no.
    let (w, (_, passed, yes, voters, voiced, silent)) = run("majority", "0");
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (2, 3, 1, 0));
    assert_eq!(w.counted_yes[0], Some(false));
    assert_close!(w.vote_u[0], -2.0 + 0.5 + 0.05);
    assert_close!(w.vote_u[1], 2.5);
    assert_close!(w.coalition.agenda[0], 0.5);
    assert_eq!(w.pivotal, vec![0, 1, 1]);
    // Consensus: A blocks its own proposal; the amendment moves it toward
    // the objector A (to 0.75) and A blocks again: U_A = −2 + 0.75 + 0.05.
    let (w, (_, passed, yes, voters, voiced, silent)) = run("consensus", "1");
    assert!(!passed);
    assert_eq!((yes, voters, voiced, silent), (2, 3, 1, 0));
    assert_eq!(w.counted_yes[0], Some(false));
    assert_close!(w.vote_u[0], -2.0 + 0.75 + 0.05);
    assert_close!(w.vote_u[1], 2.0 + 0.75);
    assert_eq!(w.coalition.agenda[0], 0.0);
    assert_eq!(w.hours_now, vec![0.5; 3]);
}

#[test]
fn without_governance_the_proposer_is_drawn_by_power_or_in_rotation() {
    let proposers = |rotate: bool| {
        let mut seen = [0u32; 4];
        for seed in 0..60 {
            let (s, mut w) = one_objector(&[
                ("governance.setup", "on_conflict"),
                ("governance.rotate_agenda", &rotate.to_string()),
            ]);
            w.position[3 * 2] = 1.0; // D agrees: no objection, no crisis
            let (ev, _) = decide_with(&mut w, &s, seed);
            assert_eq!(w.coalition.governance, GovernanceState::Informal);
            seen[decision_event(&ev).0] += 1;
        }
        seen
    };
    // ∝ power (1, 1, 1, 0): A, B and C all propose, D never.
    let by_power = proposers(false);
    assert_eq!(by_power[3], 0, "{by_power:?}");
    assert!(by_power[..3].iter().all(|&c| c > 0), "{by_power:?}");
    // Rotation ignores power: D proposes too.
    let rotated = proposers(true);
    assert!(rotated.iter().all(|&c| c > 0), "{rotated:?}");
}

#[test]
fn without_governance_an_objection_is_never_voiced_it_goes_hidden_and_the_proposal_passes() {
    for silence in [false, true] {
        // voice_base 1 and engagement 1: under a rule D would always speak.
        let (s, mut w) = one_objector(&[
            ("governance.setup", "on_conflict"),
            ("governance.decision_rule", "consensus"),
            ("governance.silence_as_consent", &silence.to_string()),
            ("dynamics.voice_base", "1.0"),
        ]);
        assert_eq!(w.coalition.governance, GovernanceState::Informal);
        let (ev, now) = decide(&mut w, &s);
        let (proposer, passed, yes, voters, voiced, silent) = decision_event(&ev);
        assert!(proposer < 3);
        assert!(passed, "silence {silence}: no rule, no block");
        assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 1));
        assert_eq!((now.passed, now.blocked), (1, 0));
        assert_close!(w.coalition.agenda[0], 0.5);
        // 0.035 < conflict_threshold 0.05: no crisis yet.
        assert_close!(w.hidden[3], 0.1 * 0.35);
        assert_eq!(w.hidden[..3], [0.0; 3]);
        assert_eq!(w.coalition.governance, GovernanceState::Informal);
        assert_eq!(w.coalition.crises, 0);
        assert_eq!(w.coalition.leaks, 0);
    }
}

#[test]
fn without_governance_even_a_mild_objection_goes_hidden() {
    // No forum yet, so nobody stands aside, even under a consensus rule:
    // U_D = 0.15 + 0.4 (0 − 0.5) = −0.05 adds 0.1 · 0.05 to D's hidden
    // objection.
    let (s, mut w) = one_objector(&[
        ("governance.setup", "on_conflict"),
        ("governance.decision_rule", "consensus"),
        ("governance.silence_as_consent", "false"),
        ("dynamics.block_threshold", "0.15"),
    ]);
    assert_eq!(w.coalition.governance, GovernanceState::Informal);
    w.salience[3 * 2] = 0.4;
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 1));
    assert_close!(w.vote_u[3], 0.15 - 0.2);
    assert_close!(w.hidden[3], 0.1 * 0.05);
    assert_eq!(crisis_event(&ev), None);
}

#[test]
fn without_governance_a_crisis_erupts_only_once_hidden_reaches_the_threshold() {
    // Hidden objections accumulate over proposals: 0.035 on the first
    // (agenda 0 → 0.5), + 0.1 · 0.1 on the second (0.5 → 0.75, U_D = 0.15 −
    // 0.25) = 0.045 ≥ 0.04.
    let (s, mut w) = one_objector(&[
        ("governance.setup", "on_conflict"),
        ("dynamics.conflict_threshold", "0.04"),
    ]);
    let (ev, _) = decide(&mut w, &s);
    assert!(decision_event(&ev).1);
    assert_eq!(crisis_event(&ev), None);
    assert_close!(w.coalition.agenda[0], 0.5);
    w.round = 2;
    let (ev, _) = decide(&mut w, &s);
    assert_close!(w.hidden[3], 0.1 * 0.35 + 0.1 * 0.1);
    assert!(crisis_event(&ev).is_some());
    assert_eq!(w.coalition.crises, 1);
    assert_close!(w.coalition.agenda[0], 0.5);

    // The boundary: hidden exactly at the threshold erupts, a hair below
    // does not.
    let h = {
        let (s, mut w) = one_objector(&[("governance.setup", "on_conflict")]);
        decide(&mut w, &s);
        w.hidden[3]
    };
    for (threshold, erupts) in [(h, true), (h + 1e-9, false)] {
        let (s, mut w) = one_objector(&[
            ("governance.setup", "on_conflict"),
            ("dynamics.conflict_threshold", &format!("{threshold:?}")),
        ]);
        assert_eq!(s.dynamics.conflict_threshold, threshold);
        let (ev, now) = decide(&mut w, &s);
        assert_eq!(w.hidden[3], h);
        assert_eq!(crisis_event(&ev).is_some(), erupts, "threshold {threshold}");
        assert_eq!(w.coalition.crises, erupts as u32);
        assert_eq!((now.passed, now.blocked), (!erupts as u32, erupts as u32));
    }
}

#[test]
fn without_governance_a_hidden_objection_past_the_threshold_starts_a_crisis_and_a_setup() {
    let (s, mut w) = one_objector(&[("governance.setup", "on_conflict")]);
    assert_eq!(w.coalition.governance, GovernanceState::Informal);
    // D already holds back some objection: 0.02 + 0.1 · 0.35 = 0.055 ≥ 0.05.
    w.hidden[3] = 0.02;
    let (ev, now) = decide(&mut w, &s);
    assert_close!(w.hidden[3], 0.02 + 0.1 * 0.35);
    let until = 1 + setup_duration(&s, w.mean_trust());
    assert_eq!(
        w.coalition.governance,
        GovernanceState::SettingUp {
            until,
            crisis: true
        }
    );
    assert_eq!(w.coalition.crises, 1);
    assert_eq!(w.coalition.decisions_blocked, 1);
    assert_eq!(w.coalition.decisions_passed, 0);
    assert_eq!((now.passed, now.blocked), (0, 1));
    assert_eq!(w.coalition.agenda[0], 0.0, "the proposal is blocked");
    assert_eq!(w.coalition.direction, 0.5);
    let (proposer, objectors) = crisis_event(&ev).expect("a crisis");
    assert!(proposer < 3);
    assert_eq!(objectors, 1);
    assert!(ev.iter().any(|e| e.kind
        == EventKind::SetupStarted {
            crisis: true,
            until
        }));
    assert!(
        !ev.iter()
            .any(|e| matches!(e.kind, EventKind::Decision { .. })),
        "no decision is recorded"
    );
    // While setup lasts there is no vote.
    w.round = 2;
    let (ev, _) = decide(&mut w, &s);
    assert!(ev.is_empty());
}

/// Regression (a crisis once damaged only the trust between the proposer and
/// "no" voters, of whom there are none before governance): when a deferred
/// conflict erupts every member's trust in every other is multiplied by
/// (1 − conflict_damage · hidden_i), with hidden_i at the eruption — and the
/// setup then takes longer, since it runs on the lowered mean trust.
#[test]
fn a_crisis_damages_every_members_trust_by_its_hidden_objection() {
    let (s, mut w) = one_objector(&[("governance.setup", "on_conflict")]);
    w.hidden[1] = 0.01;
    w.hidden[3] = 0.02;
    decide(&mut w, &s);
    assert_eq!(w.coalition.crises, 1);
    let hidden = [0.0, 0.01, 0.0, 0.02 + 0.1 * 0.35];
    for (i, h) in hidden.iter().enumerate() {
        assert_close!(w.hidden[i], *h);
        for j in (0..4).filter(|&j| j != i) {
            assert_close!(w.trust(i, j), 0.5 * (1.0 - 0.6 * h));
        }
    }
    // Mean trust 0.495125: ceil(2 · 0.5 / 0.495125) = 3 rounds of setup.
    assert_eq!(
        w.coalition.governance,
        GovernanceState::SettingUp {
            until: 4,
            crisis: true
        }
    );
}

#[test]
fn without_governance_an_agreed_proposal_passes_without_crisis() {
    let (s, mut w) = one_objector(&[("governance.setup", "on_conflict")]);
    w.position[3 * 2] = 1.0; // D now agrees
    let (ev, now) = decide(&mut w, &s);
    assert_eq!(w.coalition.governance, GovernanceState::Informal);
    assert_eq!(w.coalition.crises, 0);
    assert_eq!((now.passed, now.blocked), (1, 0));
    let (proposer, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(proposer < 3, "drawn by power");
    assert!(passed);
    assert_eq!((yes, voters, voiced, silent), (4, 4, 0, 0));
    assert_close!(w.coalition.agenda[0], 0.5);
    assert_eq!(w.hidden, vec![0.0; 4]);
    assert_eq!(crisis_event(&ev), None);
}

#[test]
fn establishing_governance_clears_hidden_objections() {
    // After a crisis in round 1, the setup runs until `until`; the rule comes
    // into force the round after, and the hidden objections are aired.
    let (s, mut w) = one_objector(&[("governance.setup", "on_conflict")]);
    w.hidden = vec![0.01, 0.03, 0.0, 0.02];
    decide(&mut w, &s);
    let GovernanceState::SettingUp { until, crisis } = w.coalition.governance else {
        panic!("a crisis: {:?}", w.coalition.governance);
    };
    assert!(crisis);
    let hidden = w.hidden.clone();
    assert_close!(hidden[3], 0.02 + 0.1 * 0.35);
    w.round = until;
    let (ev, _) = decide(&mut w, &s);
    assert!(ev.is_empty());
    assert_eq!(w.hidden, hidden, "setup still under way");
    w.round = until + 1;
    let (ev, _) = decide(&mut w, &s);
    assert_eq!(w.coalition.governance, GovernanceState::Established);
    assert!(
        ev.iter()
            .any(|e| e.kind == EventKind::GovernanceEstablished)
    );
    // The agenda is re-mapped to the members' mean, 0.75; the proposal
    // (0.875) costs D only 0.125 < 0.15: everyone agrees, nothing new hides.
    let (_, passed, yes, voters, ..) = decision_event(&ev);
    assert!(passed);
    assert_eq!((yes, voters), (4, 4));
    assert_eq!(w.hidden, vec![0.0; 4]);

    // establish alone: members' hidden objections go to 0.
    let (s, mut w) = one_objector(&[]);
    w.hidden = vec![0.4, 0.3, 0.2, 0.1];
    decision::establish(&mut w, &s, &mut Vec::new());
    assert_eq!(w.hidden, vec![0.0; 4]);
}

#[test]
fn committee_rule_lets_only_committee_members_vote() {
    // A, B at 1 propose-and-agree; C, D, E at -1 would all object.
    let agents = [
        agent("A", "founder", [1.0, 0.0]),
        agent("B", "member", [1.0, 0.0]),
        agent("C", "member", [-1.0, 0.0]),
        agent("D", "member", [-1.0, 0.0]),
        agent("E", "member", [-1.0, 0.0]),
    ];
    let prepare = |rule: &str| {
        let s = scenario(
            &agents,
            &[
                ("governance.decision_rule", rule),
                ("governance.committee_size", "2"),
                ("governance.decision_every", "1"),
                ("dynamics.proposal_quality", "1.0"),
                ("dynamics.proposal_step", "0.5"),
            ],
        );
        let mut w = world(&s);
        set_trust(&mut w, 0.5);
        w.judgment = vec![1.0; 5];
        w.coalition.agenda[0] = 0.0;
        w.round = 1;
        let mut ev = Vec::new();
        decision::establish(&mut w, &s, &mut ev);
        w.coalition.agenda[0] = 0.0; // undo the re-mapping of establish
        (s, w)
    };

    let (s, mut w) = prepare("committee");
    // Founder A leads; B wins the tie on power share by lower index.
    assert_eq!(w.committee, vec![true, true, false, false, false]);
    let (ev, _) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, voiced, _) = decision_event(&ev);
    assert!(proposer < 2, "the proposer is a committee member");
    assert!(passed);
    assert_eq!((yes, voters, voiced), (2, 2, 0));
    assert_eq!(w.counted_yes[2..], [None, None, None]);
    assert_close!(w.coalition.agenda[0], 0.5);

    // The proposer gains 0.5 and trusts itself (U = 0.15 + 0.5 + 0.05), the
    // other committee member U = 0.15 + 0.5; C, D, E have no say.
    assert_close!(w.vote_u[proposer], 0.7);
    assert_close!(w.vote_u[1 - proposer], 0.65);
    assert_eq!(w.vote_u[2..], [0.0; 3]);

    // The same members under majority: the three objectors outvote A and B
    // on 0.5 (C, D, E get no power so the proposal still comes from A or B).
    // Majority needs one of the three objectors: the amendment moves a third
    // of amendment_move toward them, to 0.5 − 1.5 / 6 = 0.25, where C, D, E
    // still lose 0.25 (U = 0.15 − 0.25): blocked, and the issue stays open.
    let (s, mut w) = prepare("majority");
    assert_eq!(s.dynamics.amendments, 1);
    assert_eq!(w.committee, vec![false; 5]);
    w.power = vec![1.0, 1.0, 0.0, 0.0, 0.0];
    let (ev, _) = decide(&mut w, &s);
    let (proposer, passed, yes, voters, voiced, silent) = decision_event(&ev);
    assert!(proposer < 2);
    assert!(!passed);
    assert_eq!((yes, voters, voiced, silent), (2, 5, 3, 0));
    for i in 2..5 {
        assert_close!(w.vote_u[i], 0.15 - 0.25);
    }
    assert_close!(w.coalition.agenda[0], 0.0);
    assert_eq!(w.coalition.open_since[0], 1);
    // A and B wanted the change: they bear its loss as the outvoted would.
    assert!(w.resentment[0] > 0.0 && w.resentment[1] > 0.0);
}

// ---------------------------------------------------------------- exits

/// Trust among remaining members and progress after B leaves for low trust.
fn after_leaving(protocol: &str, reason: ExitReason) -> (World, Vec<Event>) {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [1.0, 0.0]),
            agent("D", "member", [1.0, 0.0]),
        ],
        &[("governance.exit_protocol", protocol)],
    );
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.leadership[1] = 0.0;
    w.round = 7;
    w.coalition.progress = 10.0;
    w.coalition.total_contribution = 20.0;
    w.contributed[1] = 10.0;
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    exit::leave(&mut w, &s, 1, reason, &mut ev, &mut now);
    assert_eq!(now.left, 1);
    assert_eq!(w.status[1], Status::Former);
    assert_eq!(w.left_round[1], 7);
    assert_eq!(w.coalition.members, 3);
    assert_eq!(w.coalition.exits[reason.index()], 1);
    (w, ev)
}

#[test]
fn a_graceful_exit_damages_trust_less_than_an_abrupt_one() {
    let (graceful, ev_g) = after_leaving("graceful", ExitReason::LowTrust);
    let (abrupt, ev_a) = after_leaving("none", ExitReason::LowTrust);
    assert_close!(graceful.trust(0, 2), 0.5 * (1.0 - 0.01));
    assert_close!(abrupt.trust(0, 2), 0.5 * (1.0 - 0.06));
    assert!(graceful.mean_trust() > abrupt.mean_trust());
    assert_eq!(left_events(&ev_g), vec![(1, ExitReason::LowTrust, true)]);
    assert_eq!(left_events(&ev_a), vec![(1, ExitReason::LowTrust, false)]);
    assert_eq!(graceful.coalition.abrupt_exits, 0);
    assert_eq!(abrupt.coalition.abrupt_exits, 1);
    // The leaver's own trust row is no longer the coalition's concern.
    assert_eq!(abrupt.trust(1, 0), 0.5);
}

#[test]
fn an_abrupt_exit_loses_shared_work_and_a_graceful_one_does_not() {
    let (graceful, _) = after_leaving("graceful", ExitReason::LowEfficacy);
    let (abrupt, _) = after_leaving("none", ExitReason::LowEfficacy);
    assert_eq!(graceful.coalition.progress, 10.0);
    // B did half the work: progress × (1 − 0.5 · 0.5).
    assert_close!(abrupt.coalition.progress, 7.5);
}

#[test]
fn a_removal_is_graceful_even_without_an_exit_protocol() {
    let (w, ev) = after_leaving("none", ExitReason::Removed);
    assert_eq!(left_events(&ev), vec![(1, ExitReason::Removed, true)]);
    assert_eq!(w.coalition.progress, 10.0);
    assert_close!(w.trust(0, 2), 0.5 * (1.0 - 0.01));
}

#[test]
fn removal_after_remove_after_missed_rounds() {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [1.0, 0.0]),
        ],
        &[
            ("governance.remove_after", "3"),
            ("governance.exit_protocol", "none"),
        ],
    );
    let mut w = world(&s);
    w.coalition.governance = GovernanceState::Established;
    w.reliability = vec![1.0, 0.0, 1.0];
    let mut rng = run_rng(4, 0);
    for round in 1..=3 {
        w.round = round;
        w.hours_now.iter_mut().for_each(|h| *h = 0.0);
        let (mut ev, mut now) = (Vec::new(), RoundTally::default());
        super::phase(
            &mut w,
            &s,
            &mut rng,
            &mut Vec::new(),
            &mut now,
            &[1.0; 3],
            &mut ModelRules,
            contribution::contributions,
        );
        assert_eq!(w.missed, vec![0, round, 0]);
        // Everyone is committed: only the removal rule can make B go.
        w.commitment = vec![1.0; 3];
        super::phase(
            &mut w,
            &s,
            &mut rng,
            &mut ev,
            &mut now,
            &[],
            &mut ModelRules,
            exit::exits,
        );
        if round < 3 {
            assert_eq!(w.status[1], Status::Member, "round {round}");
            assert!(left_events(&ev).is_empty());
        } else {
            assert_eq!(w.status[1], Status::Former);
            assert_eq!(left_events(&ev), vec![(1, ExitReason::Removed, true)]);
            assert_eq!(w.coalition.exits[ExitReason::Removed.index()], 1);
        }
    }
    assert_eq!(w.coalition.members, 2);
}

#[test]
fn no_removal_without_a_removal_process() {
    let s = three(&[("governance.remove_after", "0")]);
    let mut w = world(&s);
    w.round = 20;
    w.missed = vec![0, 19, 0];
    w.commitment = vec![1.0; 3];
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        exit::exits,
    );
    assert_eq!(w.status[1], Status::Member);
}

// ---------------------------------------------------------------- progress

#[test]
fn a_milestone_moves_efficacy_and_legitimacy_toward_the_pace_and_trust_toward_records() {
    let s = three(&[]);
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.coalition.governance = GovernanceState::Established;
    w.coalition.direction = 1.0;
    w.coalition.legitimacy = 0.5;
    w.coalition.progress = 5.0;
    w.round = 6;
    // Member 1 has kept 3 of 3 commitments: its record is (3 + 1) / (3 + 2).
    w.delivered[1] = 3;
    w.committed[1] = 3;
    let mut now = RoundTally {
        aligned_effort: 20.0,
        ..RoundTally::default()
    };
    let mut ev = Vec::new();
    super::phase(
        &mut w,
        &s,
        &mut run_rng(0, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        progress::progress,
    );
    // gain = 1 · (0.5 + 0.25) · 1 / (1 + 0.02 · 2) · 20
    let gain = 0.75 / 1.04 * 20.0;
    assert_close!(now.progress, gain);
    assert_close!(w.coalition.progress, 5.0 + gain);
    assert!(now.milestone);
    assert_eq!(w.coalition.first_win_round, Some(6));
    assert_eq!(w.coalition.next_milestone, 1);
    // The result shows the pace: progress share over time share, capped at 1.
    let on_track = ((5.0 + gain) / w.coalition.goal / (6.0 / s.max_rounds as f64)).min(1.0);
    for i in 0..3 {
        assert_close!(w.efficacy[i], 0.6 + 0.5 * (on_track - 0.6));
    }
    assert_close!(w.coalition.legitimacy, 0.5 + 0.5 * (on_track - 0.5));
    // Trust moves toward each member's record by `transparency` (0.2).
    assert_close!(w.trust(0, 1), 0.5 + 0.2 * (0.8 - 0.5));
    assert_close!(w.trust(2, 0), 0.5);
    assert_close!(w.coalition.shown, 5.0 + gain);
    // The next stage is planned for `stage_rounds` (1) round.
    assert_eq!(w.coalition.planning_until, 7);
    // Direction relaxes toward direction_floor (0.2) at direction_decay.
    assert_close!(w.coalition.direction, 1.0 + 0.05 * (0.2 - 1.0));
    assert!(
        ev.iter()
            .any(|e| matches!(e.kind, EventKind::Milestone { index: 0 }))
    );
}

#[test]
fn no_milestone_no_win_effects() {
    let s = three(&[]);
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.coalition.progress = 5.0;
    w.round = 6;
    let mut now = RoundTally {
        aligned_effort: 1.0,
        ..RoundTally::default()
    };
    let mut ev = Vec::new();
    super::phase(
        &mut w,
        &s,
        &mut run_rng(0, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        progress::progress,
    );
    assert!(!now.milestone && ev.is_empty());
    assert_eq!(w.efficacy, vec![0.6; 3]);
    assert_eq!(w.trust(0, 1), 0.5);
    assert_eq!(w.coalition.first_win_round, None);
}

/// Contributions then progress, with everyone delivering (reliability 1,
/// full trust) and the agenda on issue 0 at `agenda`.
fn one_round_of_work(agenda: f64) -> (f64, RoundTally) {
    let s = three(&[]);
    let mut w = world(&s);
    set_trust(&mut w, 1.0);
    w.reliability = vec![1.0; 3];
    w.coalition.governance = GovernanceState::Established;
    w.coalition.agenda[0] = agenda;
    w.round = 1;
    let mut now = RoundTally::default();
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut Vec::new(),
        &mut now,
        &[1.0; 3],
        &mut ModelRules,
        contribution::contributions,
    );
    assert_eq!(w.delivered_now, vec![true; 3]);
    super::phase(
        &mut w,
        &s,
        &mut run_rng(0, 0),
        &mut Vec::new(),
        &mut now,
        &[],
        &mut ModelRules,
        progress::progress,
    );
    (w.coalition.progress, now)
}

#[test]
fn trust_without_alignment_gives_no_progress() {
    // Everyone stands at 1, the agenda at -1: support = 1 - 2 < 0.
    let (progress, now) = one_round_of_work(-1.0);
    assert!(now.contributions > 0.0, "work is done");
    assert_eq!(now.aligned_effort, 0.0);
    assert_eq!(progress, 0.0);
    // The same work on an agenda the members support does move the goal.
    let (progress, now) = one_round_of_work(1.0);
    assert!(now.aligned_effort > 0.0);
    assert!(progress > 0.0);
}

#[test]
fn members_hedge_by_their_commitment_shortfall_and_how_trapped_they_are() {
    let run = |protocol: &str| {
        let s = three(&[("governance.exit_protocol", protocol)]);
        let mut w = world(&s);
        set_trust(&mut w, 1.0);
        w.reliability = vec![1.0; 3];
        w.engagement = vec![1.0; 3];
        w.resources = vec![10.0; 3];
        w.work = vec![10.0; 3];
        w.coalition.governance = GovernanceState::Established;
        // Last round's commitment: above full (0.55), half of it, negative.
        w.commitment = vec![1.0, 0.275, -0.1];
        w.round = 1;
        let mut now = RoundTally::default();
        super::phase(
            &mut w,
            &s,
            &mut run_rng(1, 0),
            &mut Vec::new(),
            &mut now,
            &[1.0; 3],
            &mut ModelRules,
            contribution::contributions,
        );
        assert_eq!(w.delivered_now, vec![true; 3]);
        (w, now)
    };
    // hedge 0.3 · (1 − clamp(C / 0.55, 0, 1)) held back: 0, 0.15, 0.3.
    let (w, now) = run("none");
    assert_close!(w.contributed[0], 10.0);
    assert_close!(w.contributed[1], 10.0 * (1.0 - 0.3 * 0.5));
    assert_close!(w.contributed[2], 10.0 * (1.0 - 0.3));
    assert_close!(now.contributions, 10.0 + 8.5 + 7.0);
    // A graceful protocol leaves members trapped by the damage a graceful
    // exit does, a sixth of an abrupt one's (0.01 / 0.06): they hedge a
    // sixth as much.
    let (w, now) = run("graceful");
    let trap = 0.01 / 0.06;
    assert_close!(w.contributed[0], 10.0);
    assert_close!(w.contributed[1], 10.0 * (1.0 - trap * 0.3 * 0.5));
    assert_close!(w.contributed[2], 10.0 * (1.0 - trap * 0.3));
    assert_close!(now.contributions, 30.0 - 10.0 * trap * 0.3 * 1.5);
}

#[test]
fn how_trapped_a_member_could_be_is_the_damage_its_exit_would_do() {
    let trapped = |set: &[(&str, &str)]| super::exit::trapped(&three(set));
    assert_close!(trapped(&[("governance.exit_protocol", "none")]), 1.0);
    assert_close!(
        trapped(&[("governance.exit_protocol", "graceful")]),
        0.01 / 0.06
    );
    // Exits that damage nothing trap no one, with or without a protocol.
    for protocol in ["none", "graceful"] {
        let t = trapped(&[
            ("governance.exit_protocol", protocol),
            ("dynamics.abrupt_exit_damage", "0"),
            ("dynamics.graceful_exit_damage", "0"),
        ]);
        assert_eq!(t, 0.0);
    }
    // As damaging either way: a protocol frees no one.
    let t = trapped(&[
        ("governance.exit_protocol", "graceful"),
        ("dynamics.graceful_exit_damage", "0.06"),
    ]);
    assert_close!(t, 1.0);
}

// ---------------------------------------------------------------- shocks

/// Runs the shock phase on a copy of `w` with every trust set to `t`.
fn shocked(s: &Scenario, w: &World, t: f64, seed: u64) -> (World, ShockKind) {
    let mut w = w.clone();
    set_trust(&mut w, t);
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    super::phase(
        &mut w,
        s,
        &mut run_rng(seed, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        shocks::shocks,
    );
    let kind = ev
        .iter()
        .find_map(|e| match e.kind {
            EventKind::Shock { kind } => Some(kind),
            _ => None,
        })
        .expect("rate 1 always shocks");
    (w, kind)
}

#[test]
fn a_shock_hits_clarity_less_for_members_who_trust_each_other_more() {
    let s = three(&[("shocks.rate", "1.0"), ("shocks.size", "0.5")]);
    let mut w = world(&s);
    w.round = 1;
    let mut competitors = 0;
    for seed in 0..40 {
        let (high, kind_h) = shocked(&s, &w, 0.9, seed);
        let (low, kind_l) = shocked(&s, &w, 0.1, seed);
        assert_eq!(kind_h, kind_l, "same draws, same shock");
        for i in 0..3 {
            assert!(
                high.clarity[i] > low.clarity[i],
                "seed {seed}, {kind_h:?}: member {i}: {} <= {}",
                high.clarity[i],
                low.clarity[i]
            );
        }
        if kind_h == ShockKind::Competitor {
            competitors += 1;
            // clarity × (1 − size (1 − τ))
            assert_close!(high.clarity[0], 0.5 * (1.0 - 0.5 * 0.1));
            assert_close!(low.clarity[0], 0.5 * (1.0 - 0.5 * 0.9));
        }
    }
    assert!(competitors > 0);
}

#[test]
fn alignment_without_trust_breaks_at_a_shock() {
    let s = three(&[("shocks.rate", "1.0"), ("shocks.size", "1.0")]);
    let mut w = world(&s);
    w.round = 1;
    // Fully aligned: everyone at the agenda.
    assert!((0..3).all(|i| w.alignment(i) > 0.0));
    let before: Vec<f64> = (0..3).map(|i| w.alignment(i)).collect();
    let mut competitors = 0;
    for seed in 0..40 {
        let (none, kind) = shocked(&s, &w, 0.0, seed);
        let (full, _) = shocked(&s, &w, 1.0, seed);
        if kind != ShockKind::Competitor {
            continue;
        }
        competitors += 1;
        for (i, &aligned) in before.iter().enumerate() {
            assert_eq!(none.alignment(i), 0.0, "no trust: alignment is gone");
            assert_close!(full.alignment(i), aligned);
        }
    }
    assert!(competitors > 0);
}

/// Runs the shock phase on a copy of `w` with a controller calling a shock
/// of `called`: the world, the round's shock events and the run's stream
/// after the phase.
fn called_shock(
    s: &Scenario,
    w: &World,
    seed: u64,
    called: Option<ShockKind>,
) -> (World, Vec<ShockKind>, Rng) {
    let mut w = w.clone();
    set_trust(&mut w, 0.5);
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    let mut rng = run_rng(seed, 0);
    let mut seats = super::Seats {
        choices: vec![None; w.n],
        shock: called,
    };
    super::phase(
        &mut w,
        s,
        &mut rng,
        &mut ev,
        &mut now,
        &[],
        &mut seats,
        shocks::shocks,
    );
    let kinds = ev
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Shock { kind } => Some(kind),
            _ => None,
        })
        .collect();
    (w, kinds, rng)
}

#[test]
fn a_called_shock_is_the_models_shock_and_leaves_the_runs_draws_alone() {
    // No shock of the model's own: the called one strikes, as the model's
    // competitor does (legitimacy and efficacy × (1 − σ/2), clarity ×
    // (1 − σ(1 − τ))), and the run's stream is where it was.
    let s = three(&[("shocks.rate", "0.0"), ("shocks.size", "0.4")]);
    let mut w = world(&s);
    w.round = 1;
    for seed in 0..5 {
        let (none, kinds0, rng0) = called_shock(&s, &w, seed, None);
        assert!(kinds0.is_empty());
        let (hit, kinds, rng) = called_shock(&s, &w, seed, Some(ShockKind::Competitor));
        assert_eq!(kinds, vec![ShockKind::Competitor]);
        assert_close!(
            hit.coalition.legitimacy,
            none.coalition.legitimacy * (1.0 - 0.2)
        );
        for i in 0..3 {
            assert_close!(hit.efficacy[i], none.efficacy[i] * (1.0 - 0.2));
            assert_close!(hit.clarity[i], none.clarity[i] * (1.0 - 0.4 * 0.5));
        }
        assert_eq!(rng, rng0, "seed {seed}: the run's stream moved");
        // Every kind strikes when called, and draws nothing from the run.
        for kind in [ShockKind::PolicyShift, ShockKind::LeadershipChange] {
            let (_, kinds, rng) = called_shock(&s, &w, seed, Some(kind));
            assert_eq!(kinds, vec![kind]);
            assert_eq!(rng, rng0);
        }
    }
    // With the model's own shock every round, a called one comes on top:
    // two shocks, the model's first, and the run's stream as without it.
    let s = three(&[("shocks.rate", "1.0"), ("shocks.size", "0.4")]);
    for seed in 0..5 {
        let (_, model, rng0) = called_shock(&s, &w, seed, None);
        let (_, both, rng) = called_shock(&s, &w, seed, Some(ShockKind::PolicyShift));
        assert_eq!(model.len(), 1);
        assert_eq!(both, vec![model[0], ShockKind::PolicyShift]);
        assert_eq!(rng, rng0);
    }
}

#[test]
fn leadership_loss_hurts_less_with_documented_processes() {
    let run = |documented: bool| {
        let s = three(&[("governance.documented_processes", &documented.to_string())]);
        let mut w = world(&s);
        // Founder A holds 0.6; B and C share 0.4.
        assert_close!(w.leadership[0], 0.6);
        assert_close!(w.leadership[1], 0.2);
        w.round = 5;
        let legitimacy = w.coalition.legitimacy;
        let mut ev = Vec::new();
        exit::leadership_loss(&mut w, &s, 0, &mut ev);
        assert!(
            ev.iter()
                .any(|e| matches!(e.kind, EventKind::LeadershipLoss { .. }))
        );
        assert_eq!(w.leadership[0], 0.0);
        assert_close!(w.leadership[1], 0.2 + 0.3);
        (w, legitimacy)
    };
    let (bare, leg) = run(false);
    let (documented, _) = run(true);
    // L = 0.6 without documentation, 0.6 (1 − 0.7) = 0.18 with it.
    assert_close!(bare.clarity[1], 0.5 * (1.0 - 0.6));
    assert_close!(documented.clarity[1], 0.5 * (1.0 - 0.18));
    assert_close!(bare.efficacy[1], 0.6 * (1.0 - 0.3));
    assert_close!(documented.efficacy[1], 0.6 * (1.0 - 0.09));
    assert_close!(bare.coalition.direction, 0.5 * (1.0 - 0.6));
    assert_close!(documented.coalition.direction, 0.5 * (1.0 - 0.18));
    assert_close!(bare.coalition.legitimacy, leg * (1.0 - 0.3));
    assert_close!(documented.coalition.legitimacy, leg * (1.0 - 0.09));
}

/// Regression: leadership shares handed on in equal parts can add up to a
/// hair above 1 (1.0000000000000002); the last leader's departure then cut
/// clarity, efficacy, direction and legitimacy by more than all of it,
/// leaving them slightly negative.
#[test]
fn leadership_share_rounded_above_one_keeps_state_non_negative() {
    let s = three(&[]);
    let mut w = world(&s);
    w.leadership = vec![1.0000000000000002, 0.0, 0.0];
    w.clarity = vec![0.3; 3];
    w.round = 7;
    exit::leadership_loss(&mut w, &s, 0, &mut Vec::new());
    for i in 1..3 {
        assert!(w.clarity[i] >= 0.0, "clarity {}", w.clarity[i]);
        assert!(w.efficacy[i] >= 0.0, "efficacy {}", w.efficacy[i]);
    }
    assert!(w.coalition.direction >= 0.0, "{}", w.coalition.direction);
    assert!(w.coalition.legitimacy >= 0.0, "{}", w.coalition.legitimacy);
}

#[test]
fn the_founder_leaves_at_the_scheduled_round() {
    let s = three(&[("shocks.founder_leaves_at", "3")]);
    let mut w = world(&s);
    let mut rng = run_rng(1, 0);
    for round in 1..=4 {
        w.round = round;
        let (mut ev, mut now) = (Vec::new(), RoundTally::default());
        super::phase(
            &mut w,
            &s,
            &mut rng,
            &mut ev,
            &mut now,
            &[],
            &mut ModelRules,
            shocks::shocks,
        );
        if round == 3 {
            assert_eq!(w.status[0], Status::Former);
            assert_eq!(
                left_events(&ev),
                vec![(0, ExitReason::FounderDeparture, true)]
            );
            assert!(
                ev.iter()
                    .any(|e| matches!(e.kind, EventKind::LeadershipLoss { .. }))
            );
            assert_eq!(now.left, 1);
        } else {
            assert!(left_events(&ev).is_empty(), "round {round}");
            assert_eq!(w.status[0] == Status::Member, round < 3);
        }
    }
    assert_eq!(w.coalition.exits[ExitReason::FounderDeparture.index()], 1);
    assert_eq!(w.coalition.members, 2);
}

// ---------------------------------------------------------------- recruitment

#[test]
fn recruitment_reaches_only_through_relationships() {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [1.0, 0.0]),
            agent("D", "outsider", [1.0, 0.0]),
            agent("E", "outsider", [1.0, 0.0]),
        ],
        &[],
    );
    let mut w = world(&s);
    set_trust(&mut w, 1.0);
    // Nobody knows D at all; D would like to join (it trusts everyone and
    // the agenda is its own), and so would E, whom the members know.
    for i in 0..5 {
        if i != 3 {
            w.trust[i * 5 + 3] = 0.0;
        }
    }
    let mut rng = run_rng(2, 0);
    let mut joined_e = None;
    for round in 1..=300 {
        w.round = round;
        let (mut ev, mut now) = (Vec::new(), RoundTally::default());
        super::phase(
            &mut w,
            &s,
            &mut rng,
            &mut ev,
            &mut now,
            &[],
            &mut ModelRules,
            recruitment::recruitment,
        );
        assert_eq!(w.status[3], Status::Outsider, "round {round}");
        for e in &ev {
            if let EventKind::Joined { via } = e.kind {
                assert_eq!(e.agent, Some(4));
                assert!(via < 3, "reached through a member");
                joined_e = Some(round);
            }
        }
    }
    assert!(joined_e.is_some(), "the trusted outsider was reached");
    assert_eq!(w.status[4], Status::Member);
    assert_eq!(w.coalition.members, 4);
    assert_eq!(w.coalition.joins, 1);
}

#[test]
fn closed_admission_admits_nobody() {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 0.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "outsider", [1.0, 0.0]),
        ],
        &[("governance.admission", "closed")],
    );
    let mut w = world(&s);
    set_trust(&mut w, 1.0);
    let mut rng = run_rng(2, 0);
    for round in 1..=100 {
        w.round = round;
        let (mut ev, mut now) = (Vec::new(), RoundTally::default());
        super::phase(
            &mut w,
            &s,
            &mut rng,
            &mut ev,
            &mut now,
            &[],
            &mut ModelRules,
            recruitment::recruitment,
        );
        assert!(ev.is_empty());
    }
    assert_eq!(w.status[2], Status::Outsider);
}

// ------------------------------------------ general constants as parameters

/// A private check-in comes after `private_checkin_after` missed rounds and
/// restores `private_checkin_boost` of the missing engagement.
#[test]
fn a_private_check_in_waits_for_its_misses_and_restores_its_boost() {
    let run = |sets: &[(&str, &str)]| {
        let mut all = vec![
            ("governance.checkin_every", "1"),
            ("governance.private_checkin", "true"),
        ];
        all.extend_from_slice(sets);
        let s = three(&all);
        let mut w = world(&s);
        w.engagement = vec![0.4; 3];
        w.missed = vec![1, 2, 3];
        w.round = 3;
        let (mut ev, mut now) = (Vec::new(), RoundTally::default());
        checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
        let called: Vec<usize> = ev
            .iter()
            .filter(|e| e.kind == EventKind::PrivateCheckIn)
            .map(|e| e.agent.unwrap())
            .collect();
        (w.engagement, called)
    };
    // The default: after 2 misses, a fifth of what was lost.
    let (e, called) = run(&[]);
    assert_eq!(called, vec![1, 2]);
    assert_close!(e[0], 0.4);
    assert_close!(e[1], 0.4 + 0.2 * 0.6);
    assert_close!(e[2], 0.4 + 0.2 * 0.6);
    // A slower chair (3 misses) with a warmer call (half of it).
    let (e, called) = run(&[
        ("dynamics.private_checkin_after", "3"),
        ("dynamics.private_checkin_boost", "0.5"),
    ]);
    assert_eq!(called, vec![2]);
    assert_close!(e[0], 0.4);
    assert_close!(e[1], 0.4);
    assert_close!(e[2], 0.4 + 0.5 * 0.6);
}

/// The follow-through record a check-in pulls trust toward starts from
/// `record_prior` kept and broken promises: (delivered + a) / (committed + 2a).
#[test]
fn the_follow_through_record_starts_from_record_prior() {
    let s = three(&[
        ("governance.checkin_every", "1"),
        ("governance.private_checkin", "false"),
        ("dynamics.transparency", "0.2"),
        ("dynamics.record_prior", "3"),
    ]);
    let mut w = world(&s);
    set_trust(&mut w, 0.5);
    w.engagement = vec![1.0; 3];
    w.committed = vec![8, 8, 8];
    w.delivered = vec![8, 8, 0];
    w.round = 3;
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
    assert_eq!(w.attended_now, vec![true; 3]);
    // Records 11/14 and 3/14 (9/10 and 1/10 with the default prior of 1).
    assert_close!(w.trust(0, 1), 0.5 + 0.2 * (11.0 / 14.0 - 0.5));
    assert_close!(w.trust(0, 2), 0.5 + 0.2 * (3.0 / 14.0 - 0.5));
}

/// The vote's trust term is centred at `trust_neutral`: a proposer trusted
/// above it earns a mild objector's yes, below it costs it.
#[test]
fn the_votes_trust_term_is_centred_at_trust_neutral() {
    // D's own stake: U_D = 0.15 (merit) − 0.4 · 0.5 = −0.05 before trust.
    for (neutral, yes) in [("0.5", false), ("0.2", true)] {
        let (s, mut w) = one_objector(&[
            ("governance.decision_rule", "majority"),
            ("dynamics.amendments", "0"),
            ("dynamics.trust_neutral", neutral),
        ]);
        w.coalition.governance = GovernanceState::Established;
        w.salience[3 * 2] = 0.4;
        set_trust(&mut w, 0.9);
        let (ev, _) = decide(&mut w, &s);
        let t = s.dynamics.trust_neutral;
        assert_close!(w.vote_u[3], 0.15 - 0.2 + 0.1 * (0.9 - t));
        assert_eq!(w.counted_yes[3], Some(yes), "trust_neutral {neutral}");
        assert_eq!(decision_event(&ev).2, 3 + yes as u32);
    }
}

/// Setup takes `setup_rounds` at mean trust `setup_trust`, longer below it.
#[test]
fn setup_lasts_setup_rounds_at_setup_trust() {
    let s = three(&[]);
    assert_eq!(setup_duration(&s, 0.5), 2);
    assert_eq!(setup_duration(&s, 0.25), 4);
    let s = three(&[("dynamics.setup_trust", "0.25")]);
    assert_eq!(setup_duration(&s, 0.25), 2);
    assert_eq!(setup_duration(&s, 0.5), 1);
    let s = three(&[("dynamics.setup_trust", "1.0")]);
    assert_eq!(setup_duration(&s, 0.5), 4);
}

/// A member alone in the coalition trusts at `lone_trust`.
#[test]
fn a_member_alone_trusts_at_lone_trust() {
    for t in ["0.5", "0.8"] {
        let s = three(&[("dynamics.lone_trust", t)]);
        let mut w = world(&s);
        set_trust(&mut w, 0.1);
        assert_close!(w.trust_in_members(0), 0.1);
        w.status[1] = Status::Former;
        w.status[2] = Status::Former;
        assert_close!(w.trust_in_members(0), s.dynamics.lone_trust);
    }
}

/// Progress is the aligned work × direction × (1 − w_L + w_L legitimacy):
/// `legitimacy_weight` sets how much public standing multiplies the work.
#[test]
fn legitimacy_weight_sets_how_much_standing_multiplies_progress() {
    let gain = |weight: &str| {
        let s = three(&[("dynamics.legitimacy_weight", weight)]);
        let mut w = world(&s);
        w.coalition.legitimacy = 0.4;
        w.round = 1;
        let mut now = RoundTally {
            aligned_effort: 1.0,
            ..RoundTally::default()
        };
        super::phase(
            &mut w,
            &s,
            &mut run_rng(0, 0),
            &mut Vec::new(),
            &mut now,
            &[],
            &mut ModelRules,
            progress::progress,
        );
        assert!(!now.milestone);
        w.coalition.progress
    };
    let full = gain("0");
    assert!(full > 0.0);
    assert_close!(gain("0.5"), full * 0.7);
    assert_close!(gain("1"), full * 0.4);
}

/// A newcomer starts with `joiner_buy_in` and `joiner_resentment`.
#[test]
fn a_joiner_starts_with_joiner_buy_in_and_joiner_resentment() {
    let joined = |sets: &[(&str, &str)]| {
        let s = scenario(
            &[
                agent("A", "founder", [1.0, 0.0]),
                agent("B", "member", [1.0, 0.0]),
                agent("C", "outsider", [1.0, 0.0]),
            ],
            sets,
        );
        let mut w = world(&s);
        set_trust(&mut w, 1.0);
        w.buy_in[2] = 0.5;
        w.resentment[2] = 0.5;
        let mut rng = run_rng(2, 0);
        for round in 1..=300 {
            w.round = round;
            let (mut ev, mut now) = (Vec::new(), RoundTally::default());
            super::phase(
                &mut w,
                &s,
                &mut rng,
                &mut ev,
                &mut now,
                &[],
                &mut ModelRules,
                recruitment::recruitment,
            );
            if w.status[2] == Status::Member {
                return (w.buy_in[2], w.resentment[2]);
            }
        }
        panic!("the trusted outsider never joined");
    };
    assert_eq!(joined(&[]), (1.0, 0.0));
    assert_eq!(
        joined(&[
            ("dynamics.joiner_buy_in", "0.4"),
            ("dynamics.joiner_resentment", "0.3"),
        ]),
        (0.4, 0.3)
    );
}

/// A leadership change in a member moves its positions and the trust
/// between it and everyone `shocks.turnover` of the way to a newcomer's
/// (fresh positions, strangers' trust); a competitor costs legitimacy and
/// efficacy `shocks.secondary` × σ.
#[test]
fn turnover_and_secondary_set_how_far_a_shock_moves_things() {
    let w0 = |s: &Scenario| {
        let mut w = world(s);
        w.round = 1;
        w
    };
    for turnover in ["0", "1"] {
        let s = three(&[
            ("shocks.rate", "0.0"),
            ("shocks.size", "0.4"),
            ("shocks.turnover", turnover),
        ]);
        let w = w0(&s);
        let (none, _, _) = called_shock(&s, &w, 1, None);
        let (hit, kinds, _) = called_shock(&s, &w, 1, Some(ShockKind::LeadershipChange));
        assert_eq!(kinds, vec![ShockKind::LeadershipChange]);
        let m = (0..3)
            .find(|&i| hit.engagement[i] != none.engagement[i])
            .expect("one member's leadership changed");
        assert_close!(hit.engagement[m], none.engagement[m] * 0.6);
        let other = (m + 1) % 3;
        if turnover == "0" {
            assert_eq!(hit.position, none.position);
            assert_close!(hit.trust(m, other), none.trust(m, other));
            assert_close!(hit.trust(other, m), none.trust(other, m));
        } else {
            assert_ne!(hit.position[m * 2], none.position[m * 2]);
            assert_close!(hit.trust(m, other), s.trust.strangers);
            assert_close!(hit.trust(other, m), s.trust.strangers);
        }
    }
    let s = three(&[
        ("shocks.rate", "0.0"),
        ("shocks.size", "0.4"),
        ("shocks.secondary", "0.25"),
    ]);
    let w = w0(&s);
    let (none, _, _) = called_shock(&s, &w, 1, None);
    let (hit, _, _) = called_shock(&s, &w, 1, Some(ShockKind::Competitor));
    assert_close!(
        hit.coalition.legitimacy,
        none.coalition.legitimacy * (1.0 - 0.1)
    );
    assert_close!(hit.efficacy[0], none.efficacy[0] * (1.0 - 0.1));
}

/// Power is resources × (1 − w + w · credibility), w =
/// `population.credibility_power`.
#[test]
fn credibility_power_sets_how_much_credibility_counts_in_power() {
    for (cp, power) in [("0", 2.0), ("0.5", 1.5), ("1", 1.0)] {
        let named =
            "\n[[agent]]\nname = \"A\"\nfounder = true\nresources = 2.0\ncredibility = 0.5\n";
        let s = scenario(
            &[named.to_string(), agent("B", "member", [1.0, 0.0])],
            &[("population.credibility_power", cp)],
        );
        assert_close!(world(&s).power[0], power);
    }
}

/// With `population.founding_cause`, every generated founding member's
/// most salient issue is the coalition's first; without it, salience is as
/// drawn.
#[test]
fn founding_cause_puts_the_founding_members_cause_first() {
    let generated = |cause: &str, seed: u64| {
        // One named founder (index 0); the generated agents follow it.
        let s = scenario(
            &[agent("Z", "founder", [0.0, 0.0])],
            &[
                ("population.count", "6"),
                ("population.initial_members", "3"),
                ("population.founding_cause", cause),
            ],
        );
        let w = build_world(&s, &mut run_rng(seed, 0));
        (1..4).all(|i| w.salience[i * 2] >= w.salience[i * 2 + 1])
    };
    assert!((0..20).all(|seed| generated("true", seed)));
    assert!((0..20).any(|seed| !generated("false", seed)));
}

#[test]
fn the_work_follows_resources_as_far_as_the_coalition_says_and_power_always_does() {
    let built = |lambda: &str| {
        let s = scenario(
            &[agent("Z", "founder", [0.0, 0.0])],
            &[
                ("population.count", "9"),
                ("population.resource_concentration", "0.8"),
                ("population.work_follows_resources", lambda),
            ],
        );
        build_world(&s, &mut run_rng(3, 0))
    };
    let (bought, halfway, volunteered) = (built("1.0"), built("0.5"), built("0.0"));
    let mean = bought.resources.iter().sum::<f64>() / bought.n as f64;
    for i in 0..bought.n {
        // The same agents: only the work differs.
        assert_eq!(bought.resources[i], volunteered.resources[i]);
        assert_eq!(bought.power[i], volunteered.power[i]);
        assert_eq!(bought.work[i], bought.resources[i]);
        assert!((volunteered.work[i] - mean).abs() < 1e-12);
        assert!((halfway.work[i] - (mean + bought.resources[i]) / 2.0).abs() < 1e-12);
        // Acting alone, a member works at its capacity for the work.
        let ratio = volunteered.solo_pace[i] / bought.solo_pace[i];
        assert!((ratio - volunteered.work[i] / bought.resources[i]).abs() < 1e-9);
    }
    // The coalition's total capacity is the same whoever does the work, so a
    // goal sized from the resources asks as much of it.
    let total = |w: &World| w.work.iter().sum::<f64>();
    assert!((total(&bought) - total(&volunteered)).abs() < 1e-9);
    // The concentration is real: the richest brings several times the mean.
    assert!(bought.resources.iter().cloned().fold(0.0, f64::max) > 2.0 * mean);
}

// ---------------------------------------------------------------- scope

/// Founder A (the most powerful) at [1, 1], B at [1, 0], C at [-1, -1];
/// issue 1 enters the scope in round 3.
fn expanded(realign: bool) -> (Scenario, World, Vec<Event>) {
    expanded_under(realign, "majority")
}

/// [`expanded`] under decision rule `rule`.
fn expanded_under(realign: bool, rule: &str) -> (Scenario, World, Vec<Event>) {
    let s = scenario(
        &[
            agent("A", "founder", [1.0, 1.0]),
            agent("B", "member", [1.0, 0.0]),
            agent("C", "member", [-1.0, -1.0]),
        ],
        &[
            ("goal.expansion_rounds", "[3]"),
            ("goal.expansion_size", "0.5"),
            ("governance.realign_on_expansion", &realign.to_string()),
            ("governance.decision_rule", rule),
        ],
    );
    let mut w = world(&s);
    w.power = vec![2.0, 1.0, 1.0];
    w.round = 3;
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        shocks::shocks,
    );
    (s, w, ev)
}

#[test]
fn scope_expansion_with_re_alignment() {
    let (s, mut w, ev) = expanded(true);
    assert_eq!(w.coalition.focus, vec![0.5, 0.5]);
    assert_close!(w.coalition.goal, 150.0);
    assert_eq!(w.coalition.expansions, 1);
    // Salience-weighted mean of 1, 0, -1.
    assert_close!(w.coalition.agenda[1], 0.0);
    assert_eq!(w.coalition.realigned_at, 3);
    // The new front takes half the effort: half the excess of clarity
    // (0.5 over the floor 0.2) and of direction (0.5 over its floor 0.2)
    // is lost; the meeting then restores setup_clarity of the missing
    // clarity.
    assert_close!(w.coalition.direction, 0.5 - 0.5 * (0.5 - 0.2));
    for i in 0..3 {
        let diluted = 0.5 - 0.5 * (0.5 - 0.2);
        assert_close!(w.clarity[i], diluted + 0.3 * (1.0 - diluted));
        assert_close!(w.hours_now[i], s.dynamics.setup_hours);
    }
    assert!(ev.iter().any(|e| matches!(
        e.kind,
        EventKind::Expansion {
            issue: 1,
            realigned: true
        }
    )));
    // C no longer fits (support -0.5): it is let go gracefully as a misfit.
    w.commitment = vec![1.0; 3];
    w.hours_now = vec![0.0; 3];
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        exit::exits,
    );
    assert_eq!(left_events(&ev), vec![(2, ExitReason::Misfit, true)]);
    assert_eq!(w.coalition.members, 2);
}

#[test]
fn scope_expansion_without_re_alignment() {
    let (s, mut w, ev) = expanded(false);
    assert_eq!(w.coalition.focus, vec![0.5, 0.5]);
    assert_close!(w.coalition.goal, 150.0);
    // The powerful member's own position, nobody re-aligned.
    assert_eq!(w.coalition.agenda[1], 1.0);
    assert_eq!(w.coalition.realigned_at, 0);
    // Half the effort goes to a front nobody has planned or worked out:
    // half the excess of clarity and direction over their floors is lost,
    // and no meeting restores any.
    assert_close!(w.coalition.direction, 0.5 - 0.5 * (0.5 - 0.2));
    for i in 0..3 {
        assert_close!(w.clarity[i], 0.5 - 0.5 * (0.5 - 0.2));
    }
    assert_eq!(w.hours_now, vec![0.0; 3]);
    assert!(ev.iter().any(|e| matches!(
        e.kind,
        EventKind::Expansion {
            issue: 1,
            realigned: false
        }
    )));
    // The misfit stays on.
    w.commitment = vec![1.0; 3];
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        exit::exits,
    );
    assert!(left_events(&ev).is_empty());
    assert_eq!(w.coalition.members, 3);
    assert!(w.support(2) < 0.0);
}

/// Supports before and after: A 1 → 0.5 (issue 1 at 0 is far from its 1),
/// B 1 → 1, C −1 → −0.5. Under majority the re-aligned expansion passes
/// 2 to 1; under consensus A's "no" declines it.
#[test]
fn re_alignment_can_vote_an_expansion_down() {
    let (s, w, ev) = expanded_under(true, "consensus");
    assert!(
        ev.iter()
            .any(|e| e.kind == EventKind::ExpansionDeclined { issue: 1 })
    );
    assert!(
        !ev.iter()
            .any(|e| matches!(e.kind, EventKind::Expansion { .. }))
    );
    // Scope, agenda and goal as before.
    assert_eq!(w.coalition.focus, vec![1.0, 0.0]);
    assert_eq!(w.coalition.agenda[1], 1.0);
    assert_eq!(w.coalition.goal, 100.0);
    assert_eq!(w.coalition.expansions, 0);
    assert_close!(w.support(0), 1.0);
    // No new front: direction as before.
    assert_close!(w.coalition.direction, 0.5);
    // The meeting did take place.
    for i in 0..3 {
        assert_close!(w.clarity[i], 0.5 + 0.3 * 0.5);
        assert_close!(w.hours_now[i], s.dynamics.setup_hours);
    }
}

#[test]
fn without_re_alignment_an_expansion_is_imposed_whatever_the_rule() {
    let (_, w, ev) = expanded_under(false, "consensus");
    assert!(ev.iter().any(|e| e.kind
        == EventKind::Expansion {
            issue: 1,
            realigned: false
        }));
    assert_eq!(w.coalition.focus, vec![0.5, 0.5]);
    assert_eq!(w.coalition.agenda[1], 1.0);
    assert_close!(w.coalition.goal, 150.0);
    assert_eq!(w.coalition.expansions, 1);
    // A's support fell, as under consensus with re-alignment, yet no vote.
    assert_close!(w.support(0), 1.0);
    assert_close!(w.support(1), 0.5);
}

/// Regression (a declined expansion once set `realigned_at`, letting
/// "misfits" go): misfits are let go only if the expansion passes; when the
/// members vote it down the direction did not change.
#[test]
fn a_declined_expansion_lets_no_misfit_go() {
    let (s, mut w, ev) = expanded_under(true, "consensus");
    assert!(
        ev.iter()
            .any(|e| e.kind == EventKind::ExpansionDeclined { issue: 1 })
    );
    assert!(w.support(2) <= 0.1);
    // Committed, under the hours budget: only the misfit rule could act.
    w.commitment = vec![1.0; 3];
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut ev,
        &mut now,
        &[],
        &mut ModelRules,
        exit::exits,
    );
    assert_eq!(left_events(&ev), vec![]);
    assert_eq!(w.coalition.members, 3);
}

// ---------------------------------------------------------------- end

#[test]
fn end_check_order_is_goal_sunset_dissolved_round_limit() {
    let s = three(&[("min_members", "3"), ("max_rounds", "10")]);
    let mut w = world(&s);
    let check = |w: &World| end::end_check(w, &s, &mut Vec::new());
    w.round = 10;
    w.coalition.progress = w.coalition.goal;
    w.coalition.sunset_declared = true;
    w.coalition.members = 2;
    assert_eq!(check(&w), Some(Outcome::Goal));
    w.coalition.progress = w.coalition.goal - 1e-9;
    assert_eq!(check(&w), Some(Outcome::Sunset));
    w.coalition.sunset_declared = false;
    assert_eq!(check(&w), Some(Outcome::Dissolved));
    w.coalition.members = 3;
    assert_eq!(check(&w), Some(Outcome::RoundLimit));
    w.round = 9;
    assert_eq!(check(&w), None);
    let mut ev = Vec::new();
    w.coalition.members = 2;
    assert_eq!(end::end_check(&w, &s, &mut ev), Some(Outcome::Dissolved));
    assert!(matches!(
        ev[..],
        [Event {
            round: 9,
            agent: None,
            kind: EventKind::Dissolved
        }]
    ));
}

// ---------------------------------------------------------------- runs

fn records(s: &Scenario, seed: u64, run: u64) -> (Vec<RoundRecord>, Vec<Event>) {
    let mut sim = Simulation::new(s, seed, run);
    let (mut recs, mut evs) = (Vec::new(), Vec::new());
    while sim.outcome.is_none() {
        sim.step();
        recs.push(sim.record());
        evs.extend_from_slice(&sim.events);
    }
    (recs, evs)
}

#[test]
fn same_seed_same_run_different_seed_different_run() {
    let file = ScenarioFile::load(Source::embedded_default()).unwrap();
    let s = &file.base;
    let (a, ea) = records(s, 7, 0);
    let (b, eb) = records(s, 7, 0);
    assert!(!a.is_empty());
    assert_eq!(a, b);
    assert_eq!(ea, eb);
    let (c, _) = records(s, 8, 0);
    assert_ne!(a, c);
    let (d, _) = records(s, 7, 1);
    assert_ne!(a, d, "another run index is another stream");
}

#[test]
fn a_run_stops_at_its_outcome() {
    let file = ScenarioFile::load(Source::embedded_default()).unwrap();
    let mut sim = Simulation::new(&file.base, 3, 0);
    let summary = sim.run_to_end();
    let rounds = sim.world.round;
    assert!(rounds <= file.base.max_rounds);
    assert_eq!(summary.rounds, rounds);
    sim.step();
    assert_eq!(
        sim.world.round, rounds,
        "stepping after the end does nothing"
    );
    assert!(sim.events.is_empty());
}

/// Seven members: founder A (leadership 1) then B..G, resources 7, 6, ..., 1
/// so the council score (leadership + power share) ranks them A, B, C, ...
fn seven(sets: &[(&str, &str)]) -> (Scenario, World) {
    let names = ["A", "B", "C", "D", "E", "F", "G"];
    let agents: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(k, n)| {
            let role = if k == 0 { "founder" } else { "member" };
            format!(
                "{}resources = {}.0\nengagement = 1.0\n",
                agent(n, role, [1.0, 0.0]),
                7 - k
            )
        })
        .collect();
    let s = scenario(&agents, sets);
    let mut w = world(&s);
    w.round = 1;
    let mut ev = Vec::new();
    decision::establish(&mut w, &s, &mut ev);
    (s, w)
}

#[test]
fn everyone_meets_everyone_and_coordinates_with_all_others() {
    let (_, mut w) = seven(&[]);
    w.count_groups();
    assert!(!w.grouped());
    assert_eq!(w.council, vec![false; 7]);
    assert!((0..7).all(|i| w.contacts(i) == 6 && !w.second_hand(i)));
    assert_close!(w.mean_contacts(), 6.0);
}

#[test]
fn a_steering_committee_heads_groups_of_the_members_it_looks_after() {
    // Committee coordination under majority: the committee is chosen (A, B)
    // and the other five are dealt in index order to the smaller group:
    // C -> A, D -> B, E -> A, F -> B, G -> A.
    let (_, mut w) = seven(&[
        ("governance.coordination", "committee"),
        ("governance.committee_size", "2"),
    ]);
    w.count_groups();
    assert_eq!(w.committee[..2], [true, true]);
    assert_eq!(w.council, w.committee);
    assert_eq!(w.group, vec![0, 1, 0, 1, 0, 1, 0]);
    // A's group: A, C, E, G (4); B's: B, D, F (3); council of 2.
    let contacts: Vec<usize> = (0..7).map(|i| w.contacts(i)).collect();
    assert_eq!(contacts, vec![3 + 1, 2 + 1, 3, 2, 3, 2, 3]);
    assert_close!(w.mean_contacts(), 20.0 / 7.0);
    assert!(!w.second_hand(0) && w.second_hand(2));
    assert!(w.meet(2, 4) && !w.meet(2, 3) && w.meet(0, 1) && !w.meet(0, 3));
}

#[test]
fn sub_groups_have_a_delegate_each_and_a_newcomer_fills_the_smallest() {
    // Sub-groups of at most 3: ⌈7/3⌉ = 3 groups headed by A, B, C; D..G
    // dealt: D -> A, E -> B, F -> C, G -> A.
    let (s, mut w) = seven(&[
        ("governance.coordination", "subgroups"),
        ("governance.subgroup_size", "3"),
    ]);
    assert_eq!(
        w.council,
        vec![true, true, true, false, false, false, false]
    );
    assert_eq!(w.group, vec![0, 1, 2, 0, 1, 2, 0]);
    let contacts: Vec<usize> = (0..7).map(|i| w.contacts(i)).collect();
    assert_eq!(contacts, vec![2 + 2, 1 + 2, 1 + 2, 2, 1, 1, 2]);
    // The delegate of B's group leaves: E (its only other member) steps in.
    w.status[1] = Status::Former;
    w.coalition.members -= 1;
    crate::model::structure::on_leave(&mut w, 1);
    assert!(w.council[4] && !w.council[1]);
    assert_eq!(w.contacts(4), 2, "E: alone in its group, on a council of 3");
    // A newcomer joins the smallest group: E's, now of one member.
    w.status[1] = Status::Member;
    w.coalition.members += 1;
    crate::model::structure::place(&mut w, &s, 1);
    assert_eq!(w.group[1], 1, "joins the group E now heads");
    assert!(!w.council[1]);
}

#[test]
fn a_full_set_of_sub_groups_makes_a_newcomer_the_delegate_of_a_new_one() {
    let (s, mut w) = seven(&[
        ("governance.coordination", "subgroups"),
        ("governance.subgroup_size", "7"),
    ]);
    // One group of all seven: its meeting is everyone's, nobody second-hand.
    assert_eq!(w.council.iter().filter(|&&c| c).count(), 1);
    assert!((0..7).all(|i| !w.second_hand(i) && w.contacts(i) == 6));
    // G leaves and comes back as a newcomer: the group has room.
    w.status[6] = Status::Former;
    w.coalition.members -= 1;
    crate::model::structure::on_leave(&mut w, 6);
    w.status[6] = Status::Member;
    w.coalition.members += 1;
    crate::model::structure::place(&mut w, &s, 6);
    assert_eq!(w.group[6], 0);
    assert!(!w.council[6]);
    // Groups of at most 2: A, B, C, D head four groups; E -> A, F -> B,
    // G -> C. D leaves (its group empties), then comes back as a newcomer:
    // every group is full, so it starts a new one as its delegate.
    let (s, mut w) = seven(&[
        ("governance.coordination", "subgroups"),
        ("governance.subgroup_size", "2"),
    ]);
    assert_eq!(w.group, vec![0, 1, 2, 3, 0, 1, 2]);
    w.status[3] = Status::Former;
    w.coalition.members -= 1;
    crate::model::structure::on_leave(&mut w, 3);
    assert_eq!(w.coalition.council_size, 3);
    w.status[3] = Status::Member;
    w.coalition.members += 1;
    crate::model::structure::place(&mut w, &s, 3);
    assert!(w.council[3]);
    assert_eq!(w.group[3], 3);
    assert_eq!(w.coalition.council_size, 4);
    assert_eq!(w.contacts(3), 3, "alone in its group, on a council of 4");
}

#[test]
fn coordination_hours_and_process_loss_follow_the_contacts() {
    let sets = [
        ("governance.coordination", "committee"),
        ("governance.committee_size", "2"),
        ("dynamics.coordination_hours", "0.5"),
        ("dynamics.leader_hours", "0"),
        ("dynamics.coordination_loss", "0.1"),
        ("dynamics.proposal_quality", "1"),
    ];
    let (s, mut w) = seven(&sets);
    let tc = trust_cache(&w);
    let mut now = RoundTally::default();
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut Vec::new(),
        &mut now,
        &tc,
        &mut ModelRules,
        contribution::contributions,
    );
    // contacts 4, 3, 3, 2, 3, 2, 3 (see the committee test) × 0.5 hours.
    assert_eq!(w.hours_now, vec![2.0, 1.5, 1.5, 1.0, 1.5, 1.0, 1.5]);
    // Everyone meets: 6 contacts each.
    let (s, mut w) = seven(&sets[2..]);
    let tc = trust_cache(&w);
    super::phase(
        &mut w,
        &s,
        &mut run_rng(1, 0),
        &mut Vec::new(),
        &mut now,
        &tc,
        &mut ModelRules,
        contribution::contributions,
    );
    assert_eq!(w.hours_now, vec![3.0; 7]);
}

#[test]
fn members_outside_the_council_hear_the_meeting_second_hand() {
    // Check-in under committee coordination (A, B on the council): clarity
    // gain checkin_clarity (1 − κ) for A and B, relay × that for the others;
    // a council member attends two meetings (twice checkin_hours); trust
    // moves toward the record at full `transparency` within a meeting and
    // at relay × transparency across meetings.
    let sets = [
        ("governance.coordination", "committee"),
        ("governance.committee_size", "2"),
        ("governance.checkin_every", "1"),
        ("governance.checkin_hours", "1"),
        ("dynamics.checkin_clarity", "0.4"),
        ("dynamics.relay", "0.25"),
        ("dynamics.transparency", "0.5"),
    ];
    let (s, mut w) = seven(&sets);
    w.clarity = vec![0.5; 7];
    w.hidden = vec![0.0; 7];
    set_trust(&mut w, 0.5);
    w.committed = vec![2; 7];
    w.delivered = vec![2; 7]; // record (2 + 1) / (2 + 2) = 0.75
    w.hours_now = vec![0.0; 7];
    let mut ev = Vec::new();
    let mut now = RoundTally::default();
    checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
    assert_eq!(now.attended, 7);
    assert_close!(w.clarity[0], 0.5 + 0.4 * 0.5);
    assert_close!(w.clarity[2], 0.5 + 0.25 * 0.4 * 0.5);
    assert_eq!(w.hours_now, vec![2.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    assert_close!(w.trust(2, 4), 0.5 + 0.5 * 0.25); // C and E meet in A's group
    assert_close!(w.trust(2, 3), 0.5 + 0.25 * 0.5 * 0.25); // D is in B's group
    assert_close!(w.trust(0, 1), 0.5 + 0.5 * 0.25); // the council
    // Everyone meets: no second-hand, full transparency.
    let (s, mut w) = seven(&sets[2..]);
    w.clarity = vec![0.5; 7];
    set_trust(&mut w, 0.5);
    w.committed = vec![2; 7];
    w.delivered = vec![2; 7];
    checkin::checkins(&mut w, &s, &mut run_rng(1, 0), &mut ev, &mut now);
    assert_close!(w.clarity[2], 0.5 + 0.4 * 0.5);
    assert_close!(w.trust(2, 3), 0.5 + 0.5 * 0.25);
}

#[test]
fn the_committee_rule_alone_still_means_committee_coordination() {
    let (s, w) = seven(&[("governance.decision_rule", "committee")]);
    assert_eq!(s.coordination(), crate::scenario::Coordination::Committee);
    assert!(w.grouped());
    let (s, w) = seven(&[
        ("governance.decision_rule", "committee"),
        ("governance.coordination", "everyone"),
    ]);
    assert_eq!(s.coordination(), crate::scenario::Coordination::Everyone);
    assert!(!w.grouped());
    assert_eq!(w.committee.iter().filter(|&&c| c).count(), 5);
}

/// Sparse relationships: an exit shakes only those who knew the leaver, in
/// the members they know; two leavers known to one member shake it twice;
/// relationships with the leavers are dropped on both sides.
#[test]
fn sparse_exits_shake_only_those_who_knew_the_leaver() {
    let names = ["A", "B", "C", "D", "E"];
    let agents: Vec<String> = names
        .iter()
        .map(|n| agent(n, "member", [1.0, 0.0]))
        .collect();
    let s = scenario(&agents, &[("trust.relationships", "\"sparse\"")]);
    let mut w = world(&s);
    assert!(w.sparse && w.trust.is_empty());
    // A chain A–B–C–D–E, and B also knows E; every trust 0.6.
    for (i, j) in [(0, 1), (1, 2), (2, 3), (3, 4), (1, 4)] {
        *w.know(i, j) = 0.6;
        *w.know(j, i) = 0.6;
    }
    assert!(!w.knows(0, 2));
    assert_eq!(w.trust(0, 2), s.trust.strangers);
    let keep = 1.0 - s.dynamics.graceful_exit_damage;
    let (mut ev, mut now) = (Vec::new(), RoundTally::default());
    // A and E leave in one phase.
    exit::leave_all(
        &mut w,
        &s,
        &[(0, ExitReason::LowTrust), (4, ExitReason::LowTrust)],
        &mut ev,
        &mut now,
    );
    assert_eq!(now.left, 2);
    // B knew both: its trust in C falls twice.
    assert!(
        (w.trust(1, 2) - 0.6 * keep * keep).abs() < EPS,
        "{}",
        w.trust(1, 2)
    );
    // D knew E: its trust in C falls once.
    assert!(
        (w.trust(3, 2) - 0.6 * keep).abs() < EPS,
        "{}",
        w.trust(3, 2)
    );
    // C knew neither: unshaken.
    assert_eq!(w.trust(2, 1), 0.6);
    assert_eq!(w.trust(2, 3), 0.6);
    // Relationships with the leavers are gone, on both sides.
    assert!(!w.knows(1, 0) && !w.knows(1, 4) && !w.knows(3, 4));
    assert!(w.ties[0].is_empty() && w.ties[4].is_empty());
    let want = (0.6 * keep * keep + 0.6 * keep + 0.6 + 0.6) / 4.0;
    assert!((w.mean_trust() - want).abs() < EPS, "{}", w.mean_trust());
}

/// Allocations made by `Simulation::step` and the per-round record a batch
/// takes (`Simulation::record`), over the rounds of `runs` runs of `s`
/// (not counting `Simulation::new`, which sizes every scratch vector).
fn step_allocations(s: &Scenario, runs: u64) -> u64 {
    let mut made = 0;
    for run in 0..runs {
        let mut sim = Simulation::new(s, s.seed, run);
        let before = crate::alloc_count::allocations();
        while sim.outcome.is_none() {
            sim.step();
            std::hint::black_box(sim.record());
        }
        made += crate::alloc_count::allocations() - before;
    }
    made
}

fn bench_toml() -> Scenario {
    let text = include_str!("../../../../scenarios/bench.toml");
    ScenarioFile::load(Source {
        name: "bench.toml".into(),
        text: text.into(),
    })
    .expect("bench.toml")
    .base
}

/// A round allocates nothing (issue 25): every scratch vector is sized
/// when the run starts and reused, the events of a round go into a vector
/// kept from round to round. bench.toml runs every mechanism and ending
/// (a crisis, scope expansions, a founder leaving, a committee re-formed,
/// sunsets); 200 runs, every round counted (a count, not a timing, so the
/// test is deterministic).
#[test]
fn rounds_allocate_nothing() {
    let s = bench_toml();
    assert_eq!(step_allocations(&s, 200), 0);
}

#[test]
fn a_decision_taken_makes_the_steps_clearer() {
    // decision_clarity 0.2; A present and fully engaged, B present at half
    // engagement (every member votes: its part is its engagement), C
    // without a vote (second-hand: relay 0.5) and fully engaged.
    let s = three(&[
        ("dynamics.decision_clarity", "0.2"),
        ("dynamics.relay", "0.5"),
    ]);
    let fresh = |state: GovernanceState| {
        let mut w = world(&s);
        w.coalition.governance = state;
        w.round = 5;
        w.clarity = vec![0.5; 3];
        w.engagement = vec![1.0, 0.5, 1.0];
        w.present = vec![true, true, false];
        super::checkin::decision_clarity(&mut w, &s);
        w.clarity
    };
    // A decision taken under an established rule.
    let c = fresh(GovernanceState::Established);
    assert_close!(c[0], 0.5 + 0.2 * 0.5);
    assert_close!(c[1], 0.5 + 0.5 * 0.2 * 0.5);
    assert_close!(c[2], 0.5 + 0.5 * 0.2 * 0.5);
    // No forum yet: nothing is made clear.
    assert_eq!(fresh(GovernanceState::Informal), vec![0.5; 3]);
}

#[test]
fn a_silent_objector_withdraws_as_a_voiced_one_with_the_same_stake() {
    // D (position 0, salience 0.5) loses by the change to 0.5: U_D = 0.15 −
    // 0.25 = −0.1, stake 0.1. Under majority the change passes either way;
    // with dissent solicited D voices it, under silence as consent D
    // (engagement 0) keeps it silent. Its buy-in falls at the loser's rate,
    // buy_in_rate · 0.1 / (0.15 + 1 · 0.5), in both cases; only the voiced
    // objection turns into open resentment, the silent one into a hidden one.
    let mut after = Vec::new();
    for silence in ["false", "true"] {
        let (s, mut w) = one_objector(&[
            ("governance.decision_rule", "majority"),
            ("governance.silence_as_consent", silence),
            ("dynamics.amendments", "0"),
        ]);
        w.coalition.governance = GovernanceState::Established;
        w.engagement[3] = 0.0;
        w.salience[3 * 2] = 0.5;
        w.buy_in[3] = 0.8;
        w.resentment[3] = 0.0;
        let (ev, _) = decide(&mut w, &s);
        let (_, passed, _, _, voiced, silent) = decision_event(&ev);
        assert!(passed);
        assert_eq!(
            (voiced, silent),
            if silence == "false" { (1, 0) } else { (0, 1) }
        );
        let rate = 0.3 * 0.1 / 0.65;
        assert_close!(w.buy_in[3], 0.8 - rate * 0.8);
        after.push((w.resentment[3], w.hidden[3]));
    }
    assert_close!(after[0].0, 0.05 * 0.1);
    assert_eq!(after[0].1, 0.0);
    assert_eq!(after[1].0, 0.0);
    assert_close!(after[1].1, 0.1 * 0.1);
}

#[test]
fn an_objector_that_loses_nothing_by_the_outcome_keeps_its_buy_in() {
    // With merit_weight 0, D is indifferent to the change (salience 0) and
    // objects only because it distrusts the proposer (U_D = 0.1 (0 − 0.5)):
    // outvoted, it loses no stake, so neither resents nor withdraws.
    let (s, mut w) = one_objector(&[
        ("governance.decision_rule", "majority"),
        ("dynamics.merit_weight", "0"),
        ("dynamics.amendments", "0"),
    ]);
    w.coalition.governance = GovernanceState::Established;
    w.salience[3 * 2] = 0.0;
    for j in 0..3 {
        w.trust[3 * 4 + j] = 0.0;
    }
    w.buy_in[3] = 0.8;
    w.resentment[3] = 0.0;
    let (ev, _) = decide(&mut w, &s);
    let (_, passed, _, _, voiced, _) = decision_event(&ev);
    assert!(passed);
    assert_eq!(voiced, 1);
    assert_eq!(w.counted_yes[3], Some(false));
    assert_eq!(w.buy_in[3], 0.8);
    assert_eq!(w.resentment[3], 0.0);
}

#[test]
fn negotiation_time_is_charged_per_holdout_the_rule_still_needs() {
    // A (the proposer) and B at 1, C, D and E at 0: the proposal 0.5 costs
    // C, D and E 0.5 each (U = 0.15 − 0.5), so all three block. Majority
    // still needs one of them (3 of 5), consensus all three: one amendment
    // round takes amendment_delay × 1 of the week's work under majority and
    // × 3 under consensus. Modified consensus in its fallback vote is a
    // plain supermajority (0.6 here, 3 of 5): its mild objectors do not
    // stand aside, so it too needs one.
    for (rule, holdouts) in [
        ("majority", 1.0),
        ("consensus", 3.0),
        ("modified_consensus", 1.0),
    ] {
        let s = scenario(
            &[
                agent("A", "founder", [1.0, 0.0]),
                agent("B", "member", [1.0, 0.0]),
                agent("C", "member", [0.0, 0.0]),
                agent("D", "member", [0.0, 0.0]),
                agent("E", "member", [0.0, 0.0]),
            ],
            &[
                ("governance.decision_rule", rule),
                ("governance.supermajority", "0.6"),
                ("governance.fallback_after", "0"),
                ("governance.decision_every", "1"),
                ("dynamics.proposal_quality", "1.0"),
                ("dynamics.proposal_step", "0.5"),
                ("dynamics.block_threshold", "0.05"),
                ("dynamics.amendments", "1"),
                ("dynamics.amendment_delay", "0.03"),
            ],
        );
        let mut w = world(&s);
        set_trust(&mut w, 0.5);
        w.judgment = vec![1.0; 5];
        w.engagement = vec![1.0; 5];
        w.power = vec![1.0, 0.0, 0.0, 0.0, 0.0];
        w.salience = vec![1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.0];
        w.coalition.agenda[0] = 0.0;
        w.coalition.delay_now = 0.0;
        w.coalition.governance = GovernanceState::Established;
        w.round = 1;
        let (ev, _) = decide(&mut w, &s);
        let (proposer, passed, _, _, _, _) = decision_event(&ev);
        assert_eq!(proposer, 0);
        assert!(!passed, "{rule}");
        assert_close!(w.coalition.delay_now, 0.03 * holdouts);
    }
}

#[test]
fn in_modified_consensus_fallback_vote_no_one_stands_aside() {
    // One objector D with U_D = 0.15 − 0.25 = −0.1, milder than the block
    // threshold 0.15: under consensus it stands aside (counted yes); in
    // modified consensus's fallback vote (after 0 blocks) it is a no.
    for (rule, yes) in [("consensus", 4), ("modified_consensus", 3)] {
        let (s, mut w) = one_objector(&[
            ("governance.decision_rule", rule),
            ("governance.fallback_after", "0"),
            ("dynamics.amendments", "0"),
        ]);
        w.coalition.governance = GovernanceState::Established;
        w.salience[3 * 2] = 0.5;
        let (ev, _) = decide(&mut w, &s);
        let (_, passed, y, voters, voiced, _) = decision_event(&ev);
        assert!(passed, "{rule}");
        assert_eq!((y, voters), (yes, 4), "{rule}");
        assert_eq!(voiced, 4 - yes, "{rule}");
        assert_eq!(w.stood_aside[3], rule == "consensus");
    }
}
