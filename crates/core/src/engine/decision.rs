//! Phase 4, decisions: governance setup, then one vote on a proposal under
//! the coalition's rule.

use super::{Ballot, Controller, Event, EventKind, Rng, Round, RoundTally, chance, weighted_pick};
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
///   `rotate_agenda` (with no governance yet, the same: people just start
///   doing things);
/// - the issue k is drawn by the coalition's focus; the proposal moves the
///   agenda there by `proposal_step` toward the proposer: y = a_k + step (x_pk − a_k);
/// - it is good for the coalition with probability `proposal_quality`; each
///   voter perceives that correctly with probability `judgment_i`
///   (perceived merit M_i = ±1);
/// - voter i's utility is U_i = merit_weight M_i + interest_weight Δ_i +
///   trust_weight (T_ip − 0.5) with Δ_i = s_ik (|x_ik − a_k| − |x_ik − y|);
///   it votes yes iff U_i >= 0 (the proposer too: Δ_p >= 0, but it may
///   perceive its own proposal as bad);
/// - under `silence_as_consent` an objector voices its objection only with
///   probability e_i (voice_base + (1 − voice_base) τ_i); unvoiced objections
///   count as yes. Otherwise dissent is solicited and every objection counts;
/// - under consensus, an objection with −block_threshold < U_i < 0 stands
///   aside: it is heard but does not block (and leaves no hidden
///   objection);
/// - with a rule in force, [`passes`] decides. A proposal blocked by voiced
///   objections is amended, the same round: it moves half-way toward the
///   voiced objectors' salience-weighted mean position and is voted again,
///   up to `amendments` times, each costing every voter `amendment_hours`;
/// - with no rule yet (the urgency trap), there is no forum: the
///   proposal goes ahead and every objection becomes hidden. When some
///   member's hidden objection reaches `conflict_threshold`, the conflict
///   erupts ([`crisis`]) and the proposal is blocked.
///
/// After the final vote every objection that was not voiced adds
/// hidden_gain |U_i| to the objector's hidden objection, and pivotal voters
/// are counted. A passed proposal is a documented agreement: every member
/// gains `agreement_clarity` of its clarity gap. It moves the agenda to y; a good one raises
/// direction by `direction_gain` of its gap to 1, a bad one lowers it by
/// that fraction. A voiced objection leaks to the public with probability
/// `leak_rate` unless there is a spokesperson, costing `leak_damage` of
/// legitimacy.
pub fn decisions<C: Controller>(r: &mut Round<'_, C>) {
    let (w, s, rng, ev, now, trust_in_members, ctl) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.events,
        &mut *r.tally,
        &*r.trust_cache,
        &mut *r.ctl,
    );
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
    let is_voter =
        |w: &World, i: usize| w.status[i] == Status::Member && (!committee || w.committee[i]);

    let proposer = if g.rotate_agenda {
        weighted_pick(rng, n, |i| is_voter(w, i), |_| 1.0)
    } else {
        weighted_pick(rng, n, |i| is_voter(w, i), |i| w.power[i].max(1e-9))
    };
    let Some(p) = proposer else { return };
    let k = weighted_pick(rng, d, |_| true, |k| w.coalition.focus[k]).unwrap_or(0);
    let a = w.coalition.agenda[k];
    let mut y = a + dy.proposal_step * (w.position[p * d + k] - a);
    let good = chance(rng, dy.proposal_quality);
    let merit = if good { 1.0 } else { -1.0 };
    // Each voter's perception of the merit is drawn once per proposal.
    for i in 0..n {
        w.vote_merit[i] = if is_voter(w, i) && chance(rng, w.judgment[i]) {
            merit
        } else {
            -merit
        };
    }
    // Discussion pools information: voters who met at this round's
    // check-in may have their misjudgement corrected before the vote.
    pool(w, dy.pooling, merit, rng, |w, i| {
        is_voter(w, i) && w.attended_now[i]
    });

    let mut v = vote(
        w,
        s,
        rng,
        p,
        k,
        y,
        trust_in_members,
        committee,
        established,
        ctl,
    );
    if !established {
        let objectors = v.voiced + v.silent;
        for i in 0..n {
            if w.counted_yes[i].is_some() && w.vote_u[i] < 0.0 {
                w.hidden[i] = unit(w.hidden[i] + dy.hidden_gain * w.vote_u[i].abs());
            }
        }
        let erupts = (0..n).any(|i| w.is_member(i) && w.hidden[i] >= dy.conflict_threshold);
        if erupts {
            crisis(w, s, p, ev, now, objectors);
            return;
        }
        v.silent = objectors;
        v.voiced = 0;
    }
    let mut passed = !established || passes(g.decision_rule, g, &v.tally);
    // Amend toward the voiced objections and vote again, up to `amendments`
    // times. Each round of amendment costs every voter `amendment_hours`,
    // takes `amendment_delay` of the round's working time per voiced
    // objection being negotiated, and pools
    // information (misjudgements may be corrected).
    let mut amended = 0;
    while established && !passed && v.voiced > 0 && amended < dy.amendments {
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..n {
            if w.counted_yes[i] == Some(false) {
                num += w.salience[i * d + k] * w.position[i * d + k];
                den += w.salience[i * d + k];
            }
        }
        for i in 0..n {
            if w.counted_yes[i].is_some() {
                w.hours_now[i] += dy.amendment_hours;
            }
        }
        // Negotiating takes time in proportion to the objections heard.
        w.coalition.delay_now = unit(w.coalition.delay_now + dy.amendment_delay * v.voiced as f64);
        if den > 0.0 {
            y += dy.amendment_move * (num / den - y);
        }
        pool(w, dy.pooling, merit, rng, |w, i| w.counted_yes[i].is_some());
        v = vote(
            w,
            s,
            rng,
            p,
            k,
            y,
            trust_in_members,
            committee,
            established,
            ctl,
        );
        passed = passes(g.decision_rule, g, &v.tally);
        amended += 1;
    }
    if established {
        for i in 0..n {
            if let Some(yes) = w.counted_yes[i] {
                if yes && w.vote_u[i] < 0.0 {
                    w.hidden[i] = unit(w.hidden[i] + dy.hidden_gain * w.vote_u[i].abs());
                }
                if is_pivotal(g.decision_rule, g, &v.tally, yes, w.power[i]) {
                    w.pivotal[i] += 1;
                }
            }
        }
    }
    if passed {
        bind(w, s, k, a, y);
    }
    let implemented = implementation_share(w, s);
    let c = &mut w.coalition;
    if passed {
        c.agenda[k] = y;
        // A decision is worth what members carry out: a good one gives
        // direction, a bad one wastes effort, both in proportion to the
        // share of the work that follows it.
        if good {
            c.direction += dy.direction_gain * implemented * (1.0 - c.direction);
        } else {
            c.direction *= 1.0 - dy.direction_gain * implemented;
        }
        c.decisions_passed += 1;
        now.passed += 1;
    } else {
        c.decisions_blocked += 1;
        now.blocked += 1;
    }
    if v.voiced > 0 && !g.spokesperson && chance(rng, dy.leak_rate) {
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
            yes: v.tally.yes,
            voters: v.tally.total,
            voiced_objections: v.voiced,
            silent_objections: v.silent,
        },
    });
}

/// Information pooling in discussion: each selected voter who misjudges the
/// proposal's merit sees it right with probability `pooling` × the share of
/// selected voters who already see it right (it hears their arguments).
fn pool(
    w: &mut World,
    pooling: f64,
    merit: f64,
    rng: &mut Rng,
    selected: impl Fn(&World, usize) -> bool,
) {
    if pooling <= 0.0 {
        return;
    }
    let (mut right, mut total) = (0usize, 0usize);
    for i in 0..w.n {
        if selected(w, i) {
            total += 1;
            if w.vote_merit[i] == merit {
                right += 1;
            }
        }
    }
    if total == 0 || right == 0 || right == total {
        return;
    }
    let p = pooling * right as f64 / total as f64;
    for i in 0..w.n {
        if selected(w, i) && w.vote_merit[i] != merit && chance(rng, p) {
            w.vote_merit[i] = merit;
        }
    }
}

/// A passed decision binds every member (Buchanan & Tullock's external
/// costs). A member's stake in it is the loss it perceives:
/// stake_i = max(0, −(merit_weight M_i + interest_weight Δ_i)), with Δ_i its
/// interest gain from moving the agenda on issue k from a to y (members
/// without a vote judge by interest alone). Then:
///
/// - a voter outvoted on a voiced objection gains resentment
///   outvoted_cost · stake_i; so does a member with no vote (outside the
///   steering committee) whose interests the decision harms;
/// - buy-in moves toward the member's stance at rate `buy_in_rate`: 1 for a
///   genuine yes (U_i ≥ 0, the proposer and those won over by an amendment
///   included), `stand_aside_buy_in` for one who stood aside,
///   `excluded_buy_in` for a member with no vote, 0 for an objector, voiced
///   or silent.
fn bind(w: &mut World, s: &Scenario, k: usize, a: f64, y: f64) {
    let dy = &s.dynamics;
    let d = w.d;
    for i in 0..w.n {
        if !w.is_member(i) {
            continue;
        }
        let x = w.position[i * d + k];
        let delta = w.salience[i * d + k] * ((x - a).abs() - (x - y).abs());
        let (target, stake, outvoted) = match w.counted_yes[i] {
            None => (
                dy.excluded_buy_in,
                (-dy.interest_weight * delta).max(0.0),
                true,
            ),
            Some(_) if w.stood_aside[i] => (dy.stand_aside_buy_in, 0.0, false),
            Some(true) if w.vote_u[i] >= 0.0 => (1.0, 0.0, false),
            // A silent objection: resentment stays hidden (see above).
            Some(true) => (0.0, 0.0, false),
            Some(false) => (
                0.0,
                (-(dy.merit_weight * w.vote_merit[i] + dy.interest_weight * delta)).max(0.0),
                true,
            ),
        };
        if outvoted {
            w.resentment[i] = unit(w.resentment[i] + dy.outvoted_cost * stake);
        }
        w.buy_in[i] = unit(w.buy_in[i] + dy.buy_in_rate * (target - w.buy_in[i]));
    }
}

/// Share of the coalition's work that follows its decisions: members'
/// expected effort r_i e_i weighted by how far their follow-through depends
/// on buy-in, 1 − implementation_need (1 − buy_in_i); 1 with no members.
pub fn implementation_share(w: &World, s: &Scenario) -> f64 {
    let need = s.dynamics.implementation_need;
    let (mut num, mut den) = (0.0, 0.0);
    for i in 0..w.n {
        if w.is_member(i) {
            let effort = w.resources[i] * w.engagement[i];
            num += effort * (1.0 - need * (1.0 - w.buy_in[i]));
            den += effort;
        }
    }
    if den > 0.0 { num / den } else { 1.0 }
}

/// The result of one vote.
struct Vote {
    tally: Tally,
    voiced: u32,
    silent: u32,
}

/// One vote on proposal y for issue k by proposer p. Writes each voter's
/// utility to `vote_u` and its counted vote to `counted_yes` (None for
/// non-voters); reads the world otherwise.
#[allow(clippy::too_many_arguments)]
fn vote(
    w: &mut World,
    s: &Scenario,
    rng: &mut Rng,
    p: usize,
    k: usize,
    y: f64,
    trust_in_members: &[f64],
    committee: bool,
    established: bool,
    ctl: &mut impl Controller,
) -> Vote {
    let dy = &s.dynamics;
    let d = w.d;
    let a = w.coalition.agenda[k];
    let solicit = established && !s.governance.silence_as_consent;
    let mut v = Vote {
        tally: Tally::default(),
        voiced: 0,
        silent: 0,
    };
    for i in 0..w.n {
        w.counted_yes[i] = None;
        w.vote_u[i] = 0.0;
        w.stood_aside[i] = false;
        if w.status[i] != Status::Member || (committee && !w.committee[i]) {
            continue;
        }
        // Everyone votes by the same utility, the proposer included (its
        // interest term is never negative, but it may see that its own
        // proposal is bad).
        let x = w.position[i * d + k];
        let delta = w.salience[i * d + k] * ((x - a).abs() - (x - y).abs());
        let u = dy.merit_weight * w.vote_merit[i]
            + dy.interest_weight * delta
            + dy.trust_weight * (w.trust(i, p) - 0.5);
        w.vote_u[i] = u;
        // Under consensus a mild objection stands aside (voiced, not
        // blocking); only an objection stronger than `block_threshold` blocks.
        // Standing aside is for personal reservations (an interest loss);
        // a member who judges the proposal bad for the coalition blocks, as
        // formal consensus processes reserve the block for principled
        // objections.
        let stands_aside = s.governance.decision_rule == DecisionRule::Consensus
            && established
            && u < 0.0
            && u > -dy.block_threshold
            && w.vote_merit[i] > 0.0;
        let model = if stands_aside {
            Ballot::StandAside
        } else if u >= 0.0 {
            Ballot::Yes
        } else {
            let speaks = solicit
                || (established
                    && chance(
                        rng,
                        w.engagement[i]
                            * (dy.voice_base + (1.0 - dy.voice_base) * trust_in_members[i]),
                    ));
            if speaks { Ballot::No } else { Ballot::Silent }
        };
        let ballot = ctl.ballot(i, model);
        let consensus = s.governance.decision_rule == DecisionRule::Consensus && established;
        // A player's ballot other than the model's: a yes is meant (no
        // hidden objection), an objection is at least as strong as a
        // blocking one, standing aside exists only under consensus (else it
        // is silence), and before governance there is no forum, so a no is
        // an objection kept quiet.
        let (ballot, u) = if ballot == model {
            (ballot, if stands_aside { 0.0 } else { u })
        } else {
            let objection = -u.abs().max(dy.block_threshold);
            match ballot {
                Ballot::Yes => (Ballot::Yes, u.max(0.0)),
                Ballot::No if established => (Ballot::No, objection),
                Ballot::No => (Ballot::Silent, objection),
                Ballot::StandAside if consensus => (Ballot::StandAside, 0.0),
                Ballot::StandAside | Ballot::Silent => (Ballot::Silent, u),
            }
        };
        // Heard and recorded when standing aside: nothing left to resent.
        w.vote_u[i] = u;
        w.stood_aside[i] = ballot == Ballot::StandAside;
        let counted_yes = match ballot {
            Ballot::Yes | Ballot::StandAside => true,
            Ballot::No => {
                v.voiced += 1;
                false
            }
            Ballot::Silent => {
                // Silence over an objection; plain consent otherwise.
                if u < 0.0 {
                    v.silent += 1;
                }
                true
            }
        };
        w.counted_yes[i] = Some(counted_yes);
        v.tally.total += 1;
        v.tally.total_power += w.power[i];
        if counted_yes {
            v.tally.yes += 1;
            v.tally.yes_power += w.power[i];
        }
    }
    v
}

/// The deferred conflict erupts with no agreed process to settle it: every
/// member's trust in every other falls by conflict_damage · hidden_i (the
/// more resentment built up, the more blame), the proposal is blocked, and
/// governance must now be set up in crisis — which takes longer because
/// trust is lower ([`setup_duration`]).
fn crisis(
    w: &mut World,
    s: &Scenario,
    p: usize,
    ev: &mut Vec<Event>,
    now: &mut RoundTally,
    objectors: u32,
) {
    let n = w.n;
    for i in 0..n {
        if !w.is_member(i) {
            continue;
        }
        let keep = 1.0 - s.dynamics.conflict_damage * w.hidden[i];
        for j in 0..n {
            if j != i && w.is_member(j) {
                w.trust[i * n + j] *= keep;
            }
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
/// mean position, every member gains `setup_clarity` of its clarity gap, and
/// hidden objections are aired and settled (set to 0).
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
            w.hidden[i] = 0.0;
        }
    }
    w.coalition.governance = GovernanceState::Established;
    select_committee(w, s);
    crate::model::structure::organise(w, s);
    ev.push(Event {
        round: w.round,
        agent: None,
        kind: EventKind::GovernanceEstablished,
    });
}

/// The steering committee (under the committee rule or committee
/// coordination): the `committee_size` members with the largest
/// leadership share + power share (ties to the lower index). Re-run when a
/// committee member leaves.
pub fn select_committee(w: &mut World, s: &Scenario) {
    if s.governance.decision_rule != DecisionRule::Committee
        && s.coordination() != crate::scenario::Coordination::Committee
    {
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
