//! Phase 4, decisions: governance setup, then one vote on a proposal under
//! the coalition's rule.

use super::{Event, EventKind, Rng, RoundTally, chance, weighted_pick};
use crate::model::governance::{Tally, is_pivotal, passes};
use crate::model::init::setup_duration;
use crate::model::{GovernanceState, Status, World, unit};
use crate::scenario::{DecisionRule, Scenario};

/// Governance first: while setup work lasts there is no vote; when it ends
/// the rule comes into force ([`establish`]). Then, every `decision_every`
/// rounds, one proposal:
///
/// - the proposer is drawn among members (committee members under the
///   committee rule) with probability ∝ power, or uniformly with
///   `rotate_agenda`; with no governance yet, the leader proposes;
/// - the issue k is drawn by the coalition's focus; the proposal moves the
///   agenda there by `proposal_step` toward the proposer: y = a_k + step (x_pk − a_k);
/// - it is good for the coalition with probability `proposal_quality`; each
///   voter perceives that correctly with probability `judgment_i`
///   (perceived merit M_i = ±1);
/// - voter i's utility is U_i = merit_weight M_i + interest_weight Δ_i +
///   trust_weight (T_ip − 0.5) with Δ_i = s_ik (|x_ik − a_k| − |x_ik − y|);
///   it votes yes iff U_i >= 0 (the proposer always does);
/// - under `silence_as_consent` an objector voices its objection only with
///   probability e_i (voice_base + (1 − voice_base) τ_i); unvoiced objections
///   count as yes and add hidden_gain |U_i| to its hidden objection.
///   Otherwise dissent is solicited and every objection counts;
/// - with no governance, a voiced objection starts a crisis; with a rule,
///   [`passes`] decides and pivotal voters are counted.
///
/// A passed proposal moves the agenda to y; a good one raises direction by
/// `direction_gain` of its gap to 1, a bad one lowers it by that fraction.
/// A disagreement (voiced objection) leaks to the public with probability
/// `leak_rate` unless there is a spokesperson, costing `leak_damage` of
/// legitimacy.
pub fn decisions(
    w: &mut World,
    s: &Scenario,
    rng: &mut Rng,
    ev: &mut Vec<Event>,
    now: &mut RoundTally,
    trust_in_members: &[f64],
) {
    if let GovernanceState::SettingUp { until, .. } = w.coalition.governance {
        if w.round > until {
            establish(w, s, ev);
        } else {
            return;
        }
    }
    let g = &s.governance;
    if w.coalition.members == 0 || w.round % g.decision_every != 0 {
        return;
    }
    let dy = &s.dynamics;
    let n = w.n;
    let d = w.d;
    let established = w.coalition.governance == GovernanceState::Established;
    let committee = established && g.decision_rule == DecisionRule::Committee;
    let voter =
        |w: &World, i: usize| w.status[i] == Status::Member && (!committee || w.committee[i]);

    let proposer = if !established {
        (0..n)
            .filter(|&i| w.is_member(i))
            .max_by(|&a, &b| w.leadership[a].total_cmp(&w.leadership[b]).then(b.cmp(&a)))
    } else if g.rotate_agenda {
        weighted_pick(rng, n, |i| voter(w, i), |_| 1.0)
    } else {
        weighted_pick(rng, n, |i| voter(w, i), |i| w.power[i].max(1e-9))
    };
    let Some(p) = proposer else { return };
    let k = weighted_pick(rng, d, |_| true, |k| w.coalition.focus[k]).unwrap_or(0);
    let a = w.coalition.agenda[k];
    let y = a + dy.proposal_step * (w.position[p * d + k] - a);
    let good = chance(rng, dy.proposal_quality);
    let merit = if good { 1.0 } else { -1.0 };

    let mut tally = Tally::default();
    let (mut voiced, mut silent) = (0u32, 0u32);
    // Votes are decided from the state at the start of the vote, then applied.
    for i in 0..n {
        w.counted_yes[i] = None;
        if !voter(w, i) {
            continue;
        }
        let counted_yes = if i == p {
            true
        } else {
            let x = w.position[i * d + k];
            let delta = w.salience[i * d + k] * ((x - a).abs() - (x - y).abs());
            let perceived = if chance(rng, w.judgment[i]) {
                merit
            } else {
                -merit
            };
            let u = dy.merit_weight * perceived
                + dy.interest_weight * delta
                + dy.trust_weight * (w.trust(i, p) - 0.5);
            if u >= 0.0 {
                true
            } else {
                let speaks = !g.silence_as_consent
                    || chance(
                        rng,
                        w.engagement[i]
                            * (dy.voice_base + (1.0 - dy.voice_base) * trust_in_members[i]),
                    );
                if speaks {
                    voiced += 1;
                } else {
                    silent += 1;
                    w.hidden[i] = unit(w.hidden[i] + dy.hidden_gain * u.abs());
                }
                !speaks
            }
        };
        w.counted_yes[i] = Some(counted_yes);
        tally.total += 1;
        tally.total_power += w.power[i];
        if counted_yes {
            tally.yes += 1;
            tally.yes_power += w.power[i];
        }
    }

    if !established && voiced > 0 {
        crisis(w, s, p, ev, now, voiced);
        return;
    }
    let passed = !established || passes(g.decision_rule, g, &tally);
    if established {
        for i in 0..n {
            if let Some(yes) = w.counted_yes[i]
                && is_pivotal(g.decision_rule, g, &tally, yes, w.power[i])
            {
                w.pivotal[i] += 1;
            }
        }
    }
    let c = &mut w.coalition;
    if passed {
        c.agenda[k] = y;
        if good {
            c.direction += dy.direction_gain * (1.0 - c.direction);
        } else {
            c.direction *= 1.0 - dy.direction_gain;
        }
        c.decisions_passed += 1;
        now.passed += 1;
    } else {
        c.decisions_blocked += 1;
        now.blocked += 1;
    }
    if voiced > 0 && !g.spokesperson && chance(rng, dy.leak_rate) {
        c.legitimacy *= 1.0 - dy.leak_damage;
        c.leaks += 1;
        ev.push(Event {
            round: w.round,
            agent: None,
            kind: EventKind::Leak,
        });
    }
    ev.push(Event {
        round: w.round,
        agent: Some(p),
        kind: EventKind::Decision {
            proposer: p,
            issue: k,
            passed,
            good,
            yes: tally.yes,
            voters: tally.total,
            voiced_objections: voiced,
            silent_objections: silent,
        },
    });
}

/// A voiced objection with no agreed process: the objectors and the proposer
/// blame each other (trust both ways × (1 − conflict_damage)), the decision
/// is blocked, and governance must now be set up in crisis — which takes
/// longer because trust is lower ([`setup_duration`]).
fn crisis(
    w: &mut World,
    s: &Scenario,
    p: usize,
    ev: &mut Vec<Event>,
    now: &mut RoundTally,
    objectors: u32,
) {
    let keep = 1.0 - s.dynamics.conflict_damage;
    for i in 0..w.n {
        if w.counted_yes[i] == Some(false) {
            w.trust[i * w.n + p] *= keep;
            w.trust[p * w.n + i] *= keep;
        }
    }
    let until = w.round + setup_duration(s, w.mean_trust());
    w.coalition.governance = GovernanceState::SettingUp {
        until,
        crisis: true,
    };
    w.coalition.crises += 1;
    w.coalition.decisions_blocked += 1;
    now.blocked += 1;
    ev.push(Event {
        round: w.round,
        agent: Some(p),
        kind: EventKind::Crisis {
            proposer: p,
            objectors,
        },
    });
    ev.push(Event {
        round: w.round,
        agent: None,
        kind: EventKind::SetupStarted {
            crisis: true,
            until,
        },
    });
}

/// Governance comes into force. Agreeing on it maps the members' interests:
/// the agenda on each in-scope issue becomes the members' salience-weighted
/// mean position, and every member gains `setup_clarity` of its clarity gap.
/// Under the committee rule the `committee_size` members with the largest
/// leadership + power share form the steering committee.
pub fn establish(w: &mut World, s: &Scenario, ev: &mut Vec<Event>) {
    let d = w.d;
    for k in 0..d {
        if w.coalition.focus[k] == 0.0 {
            continue;
        }
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..w.n {
            if w.is_member(i) {
                num += w.salience[i * d + k] * w.position[i * d + k];
                den += w.salience[i * d + k];
            }
        }
        if den > 0.0 {
            w.coalition.agenda[k] = num / den;
        }
    }
    for i in 0..w.n {
        if w.is_member(i) {
            w.clarity[i] = unit(w.clarity[i] + s.dynamics.setup_clarity * (1.0 - w.clarity[i]));
        }
    }
    w.coalition.governance = GovernanceState::Established;
    select_committee(w, s);
    ev.push(Event {
        round: w.round,
        agent: None,
        kind: EventKind::GovernanceEstablished,
    });
}

/// The steering committee: the `committee_size` members with the largest
/// leadership share + power share (ties to the lower index). Re-run when a
/// committee member leaves.
pub fn select_committee(w: &mut World, s: &Scenario) {
    if s.governance.decision_rule != DecisionRule::Committee {
        return;
    }
    let total_power: f64 = (0..w.n)
        .filter(|&i| w.is_member(i))
        .map(|i| w.power[i])
        .sum::<f64>()
        .max(1e-12);
    w.committee.iter_mut().for_each(|c| *c = false);
    for _ in 0..s.governance.committee_size {
        let best = (0..w.n)
            .filter(|&i| w.is_member(i) && !w.committee[i])
            .max_by(|&a, &b| {
                let sa = w.leadership[a] + w.power[a] / total_power;
                let sb = w.leadership[b] + w.power[b] / total_power;
                sa.total_cmp(&sb).then(b.cmp(&a))
            });
        match best {
            Some(i) => w.committee[i] = true,
            None => break,
        }
    }
}
