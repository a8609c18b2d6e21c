//! Phase 4, decisions: governance setup, then one vote on a proposal under
//! the coalition's rule.

use super::{Ballot, Controller, Event, EventKind, Rng, Round, RoundTally, chance, weighted_pick};
use crate::model::governance::{Tally, is_pivotal, passes};
use crate::model::init::setup_duration;
use crate::model::{GovernanceState, Status, World, unit};
use crate::scenario::{DecisionRule, Proposals, RawGovernance, Scenario, Voting};

/// Governance first: while setup work lasts there is no vote; when it ends
/// the rule comes into force ([`establish`]). Then, each week:
///
/// - the status quo costs: a member whose wanted change is still blocked
///   gains resentment `outvoted_cost` · `waiting_cost` · urgency_i · its
///   stake waiting on the issue;
/// - every `decision_every` rounds a matter joins the backlog (a blocked
///   one returns to it); one matter is taken up a week, unless an earlier
///   proposal is still being negotiated;
/// - who votes: every member (committee members under the committee rule)
///   or, under `voting = "attendees"` once a rule is in force, those
///   present: the week's check-in attendees, or else those who come to a
///   decision meeting (each with probability e_i, spending
///   `checkin_hours`). Below `quorum` of those with a vote, nothing is
///   decided: the matter waits and its would-be supporters bear what a
///   blocked change costs them ([`unheard`]);
/// - the proposer is drawn among the voters with probability ∝ power, or
///   uniformly with `rotate_agenda`; the issue k by the coalition's focus;
///   the proposal moves the agenda there by `proposal_step` toward the
///   proposer: y = a_k + step (x_pk − a_k), or, under `proposals =
///   "sounded"` with a rule in force, by the largest of step × {1, 1/2,
///   1/4, 0} the proposer expects to pass, judged once the perceptions
///   below are drawn and before discussion ([`sound_out`]);
/// - it is good for the coalition with probability `proposal_quality`, and
///   its merit has size m (1, or uniform on [1 − merit_spread, 1 +
///   merit_spread]); each voter perceives its sign correctly with
///   probability `judgment_i` and weighs it by its own factor f_i, uniform
///   on [1 − merit_perception, 1 + merit_perception] (perceived merit
///   M_i = ±m f_i; f_i = 1 at `merit_perception` 0, no draw), and
///   discussion among those who met (the check-in's attendees, or everyone
///   present at a decision meeting) corrects a misjudgement with
///   probability `pooling` (its sign turns, its weight stays);
/// - voter i's utility is U_i = merit_weight M_i + interest_weight Δ_i +
///   trust_weight (T_ip − trust_neutral) with Δ_i = s_ik (|x_ik − a_k| − |x_ik − y|);
///   it votes yes iff U_i >= 0 (the proposer too: Δ_p >= 0, but it may
///   perceive its own proposal as bad);
/// - under `silence_as_consent` an objector voices its objection only with
///   probability e_i (voice_base + (1 − voice_base) τ_i); unvoiced objections
///   count as yes. Otherwise dissent is solicited and every objection counts;
/// - under consensus (and modified consensus), an objection with
///   −block_threshold < U_i < 0 stands aside: heard, not blocking. Under
///   consent an objection blocks when it is reasoned (M_i < 0) and at least
///   half of the circle sees the harm, or when the member cannot live with
///   the proposal (its own loss interest_weight · Δ_i at least its
///   tolerance, `tolerance` or else block_threshold: outside its range of
///   tolerance, whatever the circle
///   sees); a milder personal objection is heard and
///   overruled, as a majority passes over an objection it does not need.
///   A vote in which a reasoned objection is raised is followed by the
///   circle's objection round: one round's `amendment_hours` for every
///   voter and `amendment_delay` of the week's work, pooling, and a
///   second vote, whose circle decides whether the harm is upheld (a
///   reasoned objection it overrules is no holdout in the negotiation).
///   Modified consensus falls back to a plain supermajority vote (no one
///   stands aside) after `fallback_after` blocks of the issue;
/// - with `holdout` > 0, a supporter whose yes the proposal needs (by the
///   rule's own count) may hold it back at the first vote to bargain for a
///   concession toward its own position: it objects instead ([`hold_out`]);
/// - with a rule in force, [`passes`] decides. A proposal blocked by voiced
///   objections is negotiated, up to `amendments` times: each round takes
///   the next week's meeting (the matters behind it wait), costs every
///   voter `amendment_hours` and takes `amendment_delay` of the week's work
///   per holdout (a blocking objector whose vote the rule still needs),
///   pools information again, and moves the
///   proposal toward the blocking objectors' salience-weighted mean
///   position by `amendment_move` × the share of them whose votes the rule
///   still needs; then it is voted again. A round after which the votes
///   the proposal is short of did not fall is the last unless most of the
///   voters back the proposal (a member standing aside does not): it is
///   dropped (a negotiation that wins nobody over ends);
/// - with no rule yet (the urgency trap), there is no forum: the
///   proposal goes ahead and every objection becomes hidden. When some
///   member's hidden objection reaches `conflict_threshold`, the conflict
///   erupts ([`crisis`]) and the proposal is blocked; until governance is
///   agreed, the crisis is negotiated every week ([`manage_crisis`]).
///
/// After the final vote every silent objection to a proposal that passed
/// adds hidden_gain |U_i| to the objector's hidden objection, and pivotal
/// voters are counted; welfare is scored ([`welfare`]) and every member is
/// bound to the outcome ([`bind`]). A passed proposal moves the agenda to
/// y (the members' clarity gains `agreement_clarity` only at a milestone,
/// in the progress phase); a good one raises direction by `direction_gain`
/// · m of its gap to 1, a bad one lowers it by that fraction (both × the
/// share of the work that carries it out, [`implementation_share`]). A
/// blocked one leaves the issue open and the matter in the backlog. A
/// voiced objection leaks to the public with probability `leak_rate`
/// unless there is a spokesperson, costing `leak_damage` of legitimacy.
pub fn decisions<C: Controller>(r: &mut Round<'_, C>) {
    // `members`: the current members, ascending (the phase changes no
    // one's membership), so that a pass over them takes its terms in the
    // order of a scan of 0..n and skips the others without a test.
    let (w, s, rng, ev, now, trust_in_members, ctl, members) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.events,
        &mut *r.tally,
        &*r.trust_cache,
        &mut *r.ctl,
        &*r.members,
    );
    if let GovernanceState::SettingUp { until, crisis } = w.coalition.governance {
        if w.round > until {
            establish(w, s, ev);
        } else {
            if crisis {
                manage_crisis(w, s);
            }
            return;
        }
    }
    let g = &s.governance;
    if w.coalition.members == 0 {
        return;
    }
    let dy = &s.dynamics;
    let n = w.n;
    let d = w.d;
    // The status quo is a decision too: a change a member wanted that is
    // still blocked costs it every week, in proportion to its stake and
    // its urgency, until something on that issue passes.
    let waiting = dy.outvoted_cost * dy.waiting_cost;
    if waiting > 0.0 {
        for &i in members {
            let stake: f64 = w.waiting[i * d..(i + 1) * d].iter().sum();
            if stake > 0.0 {
                w.resentment[i] = unit(w.resentment[i] + waiting * w.urgency[i] * stake);
            }
        }
    }
    // A new matter arises every `decision_every` rounds and waits in the
    // backlog; a blocked one returns to it (its problem is unsolved).
    if w.round % g.decision_every == 0 {
        w.coalition.backlog += 1;
    }
    // One negotiation round a week: while an earlier proposal is still
    // being negotiated (its amendment rounds), the matters behind it wait.
    if w.coalition.backlog == 0 || w.round <= w.coalition.busy_until {
        return;
    }
    w.coalition.backlog -= 1;
    let established = w.coalition.governance == GovernanceState::Established;
    let rule = g.decision_rule;
    let committee = committee_rule(w, s);
    // Who votes: every member with a vote, or under `voting = "attendees"`
    // (once a rule is in force: before it there is no forum) those present
    // at the decision meeting. In a week with a check-in the decision is
    // taken there, by those who came; otherwise the coalition meets to
    // decide: each member with a vote comes with probability equal to its
    // engagement and spends `checkin_hours`, as at a check-in. Below the
    // quorum no vote is taken and the matter waits.
    let at_meeting = established && g.voting == Voting::Attendees;
    let at_checkin = g.checkin_every > 0 && w.round % g.checkin_every == 0;
    let (mut voters, mut present) = (0u32, 0u32);
    // Only members have a vote: the others are not present.
    w.present.fill(false);
    for &i in members {
        let voter = !committee || w.committee[i];
        let here = voter
            && (!at_meeting
                || if at_checkin {
                    w.attended_now[i]
                } else {
                    let came = ctl.attend(i, chance(rng, w.engagement[i]));
                    if came {
                        w.hours_now[i] += g.checkin_hours;
                    }
                    came
                });
        w.present[i] = here;
        voters += u32::from(voter);
        present += u32::from(here);
    }
    if at_meeting && (present == 0 || (present as f64) < g.quorum * voters as f64 - 1e-9) {
        // The matter is not decided, and the status quo it keeps costs the
        // members who wanted the change as a block would: the proposal
        // that would have come (drawn as below, among the members with a
        // vote) leaves its would-be supporters their stake lost and waiting.
        let eligible =
            |w: &World, i: usize| w.status[i] == Status::Member && (!committee || w.committee[i]);
        if let Some(p) = draw_proposer(w, g, rng, eligible) {
            let k = agenda_issue(w, rng);
            let a = w.coalition.agenda[k];
            let y = a + dy.proposal_step * (w.position[p * d + k] - a);
            unheard(w, s, k, a, y);
            if w.coalition.open_since[k] == 0 {
                w.coalition.open_since[k] = w.round;
            }
        }
        w.coalition.backlog += 1;
        ev.push(Event {
            round: w.round,
            agent: None,
            kind: EventKind::Inquorate { present, voters },
        });
        return;
    }
    let is_voter = |w: &World, i: usize| w.present[i];

    let Some(p) = draw_proposer(w, g, rng, is_voter) else {
        return;
    };
    let k = agenda_issue(w, rng);
    let a = w.coalition.agenda[k];
    let good = chance(rng, dy.proposal_quality);
    // The size of the merit: how much the proposal helps or harms the
    // coalition (no draw when every proposal is simply good or bad).
    let size = if dy.merit_spread > 0.0 {
        use rand::RngExt;
        1.0 + dy.merit_spread * (2.0 * rng.random::<f64>() - 1.0)
    } else {
        1.0
    };
    let merit = if good { size } else { -size };
    // Each voter's perception of the merit is drawn once per proposal.
    w.vote_merit.fill(-merit);
    for &i in members {
        if is_voter(w, i) && chance(rng, w.judgment[i]) {
            w.vote_merit[i] = merit;
        }
    }
    // How strongly each voter weighs it (no draw when all weigh it alike).
    if dy.merit_perception > 0.0 {
        use rand::RngExt;
        for &i in members {
            if is_voter(w, i) {
                w.vote_merit[i] *= 1.0 + dy.merit_perception * (2.0 * rng.random::<f64>() - 1.0);
            }
        }
    }
    let fallback =
        rule == DecisionRule::ModifiedConsensus && w.coalition.blocks[k] >= g.fallback_after;
    // The proposal: a step toward the proposer, or, sounded out before the
    // meeting (with a rule in force: a vote to anticipate), the largest
    // step the proposer expects to pass.
    let mut y = if established && dy.proposals == Proposals::Sounded {
        sound_out(w, s, members, p, k, fallback)
    } else {
        a + dy.proposal_step * (w.position[p * d + k] - a)
    };
    // Discussion pools information: voters who met at this round's
    // check-in (or, voting at a meeting, everyone present) may have their
    // misjudgement corrected before the vote.
    pool(w, members, dy.pooling, merit, rng, |w, i| {
        is_voter(w, i) && (at_meeting || w.attended_now[i])
    });

    // One vote of the voters present on `y` (the first, and each after a
    // discussion below).
    let mut vote_on = |w: &mut World, rng: &mut Rng, y: f64, first: bool| {
        let mut v = vote(
            w,
            s,
            rng,
            members,
            p,
            k,
            y,
            trust_in_members,
            established,
            fallback,
            ctl,
        );
        if first {
            hold_out(w, s, rng, members, p, k, y, &mut v, ctl);
        }
        v
    };
    let mut v = vote_on(w, rng, y, true);
    if !established {
        let objectors = v.voiced + v.silent;
        for &i in members {
            if w.counted_yes[i].is_some() && w.vote_u[i] < 0.0 {
                w.hidden[i] = unit(w.hidden[i] + dy.hidden_gain * w.vote_u[i].abs());
            }
        }
        let erupts = members
            .iter()
            .any(|&i| w.hidden[i] >= dy.conflict_threshold);
        if erupts {
            crisis(w, s, p, ev, now, objectors);
            return;
        }
        v.silent = objectors;
        v.voiced = 0;
    }
    // A discussion among the voters (pooling what they know), then the
    // same voters vote again on `y`: the consent circle's objection round
    // and each round of negotiation.
    let mut discuss_and_vote = |w: &mut World, rng: &mut Rng, y: f64| {
        pool(w, members, dy.pooling, merit, rng, |w, i| {
            w.counted_yes[i].is_some()
        });
        vote_on(w, rng, y, false)
    };
    // Consent: a reasoned objection (the proposal harms the aim) is tested
    // by the circle in a round of discussion before it can stand: every
    // voter spends `amendment_hours` and the week's work loses
    // `amendment_delay`, as in one round of negotiation, and hearing the
    // objection pools information (misjudgements corrected as in
    // [`pool`]); then the circle votes again, and the objection stands
    // only if at least half of it, having heard it, sees the harm. A vote
    // with no reasoned objection needs no round. Each round held is counted
    // (`objection_rounds`; it is no round of negotiation).
    if established && rule == DecisionRule::Consent {
        let raised = members
            .iter()
            .any(|&i| w.counted_yes[i] == Some(false) && w.vote_merit[i] < 0.0);
        if raised {
            for &i in members {
                if w.counted_yes[i].is_some() {
                    w.hours_now[i] += dy.amendment_hours;
                }
            }
            w.coalition.delay_now = unit(w.coalition.delay_now + dy.amendment_delay);
            w.coalition.objection_rounds += 1;
            now.objection_rounds += 1;
            v = discuss_and_vote(w, rng, y);
        }
    }
    let mut passed = !established || passes(rule, g, &v.tally);
    // Negotiate: amend toward the holdouts and vote again, up to
    // `amendments` times. Each round of negotiation takes the next week's
    // meeting (the matters behind it wait), costs every voter
    // `amendment_hours`, takes `amendment_delay` of the week's working time
    // per holdout negotiated with, and pools information. The proposal moves
    // toward the blocking objectors by `amendment_move` times the share of
    // them whose votes the rule still needs (the holdouts): the more of the
    // members a rule needs, the larger the concession at its supporters'
    // expense.
    // Under consent, a reasoned objection blocks only when the circle
    // upheld the harm (`upheld`); an overruled one is no holdout.
    // Consensus (and modified consensus before its fallback) blocked by the
    // stand-aside limit alone, with no voiced objection ("not ready": the
    // group returns to the concerns and reworks the proposal): the members
    // who stood aside beyond the limit are the holdouts, and the proposal
    // moves toward the stand-asides' mean position by `amendment_move`
    // times the share of them the limit needs. Voiced objections come
    // first: while there are any, the round negotiates with them as above.
    // A negotiation that wins nobody over ends: after a round in which the
    // votes the proposal is short of (the holdouts) did not fall, it is
    // dropped, whatever rounds remain, unless most of the voters back it
    // (a proposal voted down on its merit is not brought back week after
    // week; one most members want goes on being negotiated with its
    // holdouts). A member standing aside does not back it ("without me"),
    // whether the round is with voiced objectors or with stand-asides.
    let limited =
        rule == DecisionRule::Consensus || (rule == DecisionRule::ModifiedConsensus && !fallback);
    let mut amended = 0;
    let mut short_before = f64::INFINITY;
    while established && !passed && amended < dy.amendments {
        let backed = 2 * (v.tally.yes - v.tally.stood_aside) > v.tally.total;
        let (num, den, share, holdouts) = if v.voiced > 0 {
            let (num, den, blockers) = blocking_objectors(w, dy, rule, members, k, a, y, v.upheld);
            // The holdouts are negotiated with: the blocking objectors whose
            // votes the rule still needs. An objection the rule can pass over
            // costs no negotiation (it was heard at the vote).
            let share = needed_share(rule, g, &v.tally, blockers);
            let holdouts = (share * blockers as f64 - 1e-9).ceil().max(0.0);
            (num, den, share, holdouts)
        } else if limited && v.tally.stood_aside > 0 {
            let (num, den, beyond) = stand_asides_beyond(w, g, members, k, &v.tally);
            if beyond == 0 {
                break;
            }
            let share = beyond as f64 / v.tally.stood_aside as f64;
            (num, den, share, beyond as f64)
        } else {
            break;
        };
        if holdouts >= short_before && !backed {
            break;
        }
        short_before = holdouts;
        for &i in members {
            if w.counted_yes[i].is_some() {
                w.hours_now[i] += dy.amendment_hours;
            }
        }
        w.coalition.delay_now = unit(w.coalition.delay_now + dy.amendment_delay * holdouts);
        if den > 0.0 {
            y += dy.amendment_move * share * (num / den - y);
        }
        v = discuss_and_vote(w, rng, y);
        passed = passes(rule, g, &v.tally);
        amended += 1;
    }
    w.coalition.busy_until = w.round + amended;
    w.coalition.negotiation_rounds += amended;
    now.negotiation_rounds += amended;
    if established {
        // Whether a yes or a no was pivotal, once: only the weighted rule
        // weighs the voter's power (no other rule reads it).
        let weighted = rule == DecisionRule::Weighted;
        // (A yes can be taken back only when there is one.)
        let pivotal_yes = !weighted && v.tally.yes > 0 && is_pivotal(rule, g, &v.tally, true, 0.0);
        let pivotal_no = !weighted && is_pivotal(rule, g, &v.tally, false, 0.0);
        for &i in members {
            if let Some(yes) = w.counted_yes[i] {
                // An objection kept silent turns into resentment only if
                // the proposal it objects to goes ahead.
                if passed && yes && w.vote_u[i] < 0.0 {
                    w.hidden[i] = unit(w.hidden[i] + dy.hidden_gain * w.vote_u[i].abs());
                }
                let counts = rule != DecisionRule::Consent
                    || yes
                    || consent_blocks(dy, w.vote_merit[i], interest_gain(w, i, k, a, y), v.upheld);
                let pivotal = if weighted {
                    is_pivotal(rule, g, &v.tally, yes, w.power[i])
                } else if yes {
                    pivotal_yes
                } else {
                    pivotal_no
                };
                if counts && pivotal {
                    w.pivotal[i] += 1;
                }
            }
        }
    }
    welfare(w, s, members, k, a, y, merit, passed);
    bind(w, s, members, k, a, y, passed);
    let implemented = implementation_share_of(w, s, members, k, a, y);
    if passed {
        // A decision taken makes the next step clearer, once, whatever
        // the negotiation before it took.
        super::checkin::decision_clarity_of(w, s, members);
    }
    let c = &mut w.coalition;
    if established && fallback {
        c.fallback_votes += 1;
        now.fallback_votes += 1;
    }
    if passed {
        c.agenda[k] = y;
        c.open_since[k] = 0;
        c.blocks[k] = 0;
        for i in 0..n {
            w.waiting[i * d + k] = 0.0;
        }
        // A decision is worth what members carry out: a good one gives
        // direction, a bad one wastes effort, both in proportion to the
        // share of the work that follows it.
        let gain = dy.direction_gain * size;
        if good {
            c.direction = (c.direction + gain * implemented * (1.0 - c.direction)).min(1.0);
        } else {
            c.direction *= (1.0 - gain * implemented).max(0.0);
        }
        c.decisions_passed += 1;
        now.passed += 1;
    } else {
        // The problem stays unsolved and on the agenda.
        if c.open_since[k] == 0 {
            c.open_since[k] = w.round;
        }
        c.blocks[k] += 1;
        c.backlog += 1;
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

/// The proposer of a matter, drawn among the members `eligible` picks:
/// with probability ∝ power, or uniformly with `rotate_agenda`.
fn draw_proposer(
    w: &World,
    g: &RawGovernance,
    rng: &mut Rng,
    eligible: impl Fn(&World, usize) -> bool,
) -> Option<usize> {
    if g.rotate_agenda {
        weighted_pick(rng, w.n, |i| eligible(w, i), |_| 1.0)
    } else {
        weighted_pick(rng, w.n, |i| eligible(w, i), |i| w.power[i].max(1e-9))
    }
}

/// The issue a new matter is about: the oldest unsolved problem stays on
/// the agenda; otherwise the issue is drawn by focus.
fn agenda_issue(w: &World, rng: &mut Rng) -> usize {
    let d = w.d;
    let oldest = (0..d)
        .filter(|&k| w.coalition.open_since[k] > 0)
        .min_by_key(|&k| (w.coalition.open_since[k], k));
    match oldest {
        Some(k) => k,
        None => weighted_pick(rng, d, |_| true, |k| w.coalition.focus[k]).unwrap_or(0),
    }
}

/// Member i's interest gain from moving the agenda on issue k from a to
/// y: Δ_i = s_ik (|x_ik − a| − |x_ik − y|).
fn interest_gain(w: &World, i: usize, k: usize, a: f64, y: f64) -> f64 {
    gain_of(&w.position, &w.salience, w.d, i, k, a, y)
}

/// [`interest_gain`] from the position and salience vectors (`n * d`).
#[inline(always)]
fn gain_of(
    position: &[f64],
    salience: &[f64],
    d: usize,
    i: usize,
    k: usize,
    a: f64,
    y: f64,
) -> f64 {
    let x = position[i * d + k];
    salience[i * d + k] * ((x - a).abs() - (x - y).abs())
}

/// The steps a proposer sounding out the vote considers, as shares of
/// `proposal_step`, largest first (0: a matter of common interest).
const SOUNDED_STEPS: [f64; 4] = [1.0, 0.5, 0.25, 0.0];

/// A proposer sounds out the vote before putting its proposal on issue k
/// (`proposals = "sounded"`; Romer & Rosenthal 1978: an agenda setter
/// proposes the point nearest its ideal that the decisive voters prefer to
/// the status quo). Of the steps `proposal_step` × [`SOUNDED_STEPS`] toward
/// its position, it puts the largest it expects to pass, judging each
/// present voter's utility as the vote will, with the merit each is
/// expected to see: Û_i = merit_weight M̂_i + interest_weight Δ_i +
/// trust_weight (T_ip − trust_neutral), M̂_i = M_p (2 j_i − 1) (the
/// proposer trusts its own perception M_p; its own M̂_p = M_p), and
/// counting the expected votes as the rule does ([`expected_to_pass`]). If
/// none is expected to pass it puts the full step (conceding would buy
/// nothing). Sounding out costs the proposer `sounding_hours` with each
/// member whose vote the rule needs beside its own ([`needed_others`]).
/// Returns the proposal y.
fn sound_out(
    w: &mut World,
    s: &Scenario,
    members: &[usize],
    p: usize,
    k: usize,
    fallback: bool,
) -> f64 {
    let dy = &s.dynamics;
    let d = w.d;
    let a = w.coalition.agenda[k];
    let full = dy.proposal_step * (w.position[p * d + k] - a);
    let needed = needed_others(w, s, members, p, fallback);
    w.hours_now[p] += dy.sounding_hours * needed as f64;
    for t in SOUNDED_STEPS {
        let y = a + t * full;
        if expected_to_pass(w, s, members, p, k, y, fallback) {
            return y;
        }
    }
    a + full
}

/// Whether proposal y on issue k by p is expected to pass, by p's reading
/// of the present voters ([`sound_out`]): a voter is expected to vote yes
/// iff Û_i >= 0, to stand aside under consensus (before a fallback) iff
/// −block_threshold < Û_i < 0, and under consent to block iff it objects
/// and either its own loss interest_weight · Δ_i is at least
/// its tolerance ([`intolerable`]) or M̂_i < 0 (a reasoned
/// objection, upheld when at least half of the voters are expected to see
/// harm, M̂_i < 0), as [`vote`] counts it. Every expected objection is
/// counted as voiced. Then [`passes`] decides, as at the vote.
fn expected_to_pass(
    w: &World,
    s: &Scenario,
    members: &[usize],
    p: usize,
    k: usize,
    y: f64,
    fallback: bool,
) -> bool {
    let dy = &s.dynamics;
    let g = &s.governance;
    let rule = g.decision_rule;
    let consensus =
        rule == DecisionRule::Consensus || (rule == DecisionRule::ModifiedConsensus && !fallback);
    let consent = rule == DecisionRule::Consent;
    let a = w.coalition.agenda[k];
    let seen = w.vote_merit[p];
    let mut t = Tally {
        fallback,
        ..Tally::default()
    };
    let mut circle = ConsentCount::default();
    for &i in members {
        if !w.present[i] {
            continue;
        }
        let merit = if i == p {
            seen
        } else {
            seen * (2.0 * w.judgment[i] - 1.0)
        };
        let delta = interest_gain(w, i, k, a, y);
        let u = dy.merit_weight * merit
            + dy.interest_weight * delta
            + dy.trust_weight * (w.trust(i, p) - dy.trust_neutral);
        let stands_aside = consensus && u < 0.0 && u > -dy.block_threshold;
        let yes = u >= 0.0 || stands_aside;
        t.total += 1;
        t.total_power += w.power[i];
        if yes {
            t.yes += 1;
            t.yes_power += w.power[i];
        } else {
            if !consent || merit < 0.0 {
                t.blocking += 1;
            }
            if consent {
                circle.objection(dy, merit, delta);
            }
        }
        t.stood_aside += u32::from(stands_aside);
        circle.voter(merit);
    }
    if consent {
        t.blocking = circle.blocking(t.blocking, t.total);
    }
    passes(rule, g, &t)
}

/// The members whose votes the rule needs beside the proposer's own, among
/// the v present voters: ⌊v/2⌋ under majority and the committee, ⌈q v⌉ − 1
/// under a supermajority (and modified consensus's fallback vote), v − 1
/// under consensus, modified consensus and consent (every voter can
/// block), and under the weighted rule the fewest members, largest power
/// first, whose power with the proposer's exceeds the quota (at most v − 1).
/// Sorts the others' power in `scratch`.
fn needed_others(w: &mut World, s: &Scenario, members: &[usize], p: usize, fallback: bool) -> u32 {
    let g = &s.governance;
    let v = members.iter().filter(|&&i| w.present[i]).count() as u32;
    let others = v.saturating_sub(1);
    let needed = match g.decision_rule {
        DecisionRule::Consensus | DecisionRule::Consent => others,
        DecisionRule::ModifiedConsensus if !fallback => others,
        DecisionRule::Majority | DecisionRule::Committee => v / 2,
        DecisionRule::Supermajority | DecisionRule::ModifiedConsensus => {
            ((g.supermajority * v as f64 - 1e-9).ceil() as u32).saturating_sub(1)
        }
        DecisionRule::Weighted => {
            let mut m = 0;
            let mut total = 0.0;
            for &i in members {
                if w.present[i] {
                    total += w.power[i];
                    if i != p {
                        w.scratch[m] = w.power[i];
                        m += 1;
                    }
                }
            }
            let others_power = &mut w.scratch[..m];
            others_power.sort_unstable_by(|x, y| y.total_cmp(x));
            let quota = g.weighted_quota * total + 1e-12;
            let mut yes = w.power[p];
            let mut needed = 0u32;
            for &x in others_power.iter() {
                if yes > quota {
                    break;
                }
                yes += x;
                needed += 1;
            }
            needed
        }
    };
    needed.min(others)
}

/// The rate at which a member that lost `stake` withdraws its buy-in:
/// `buy_in_rate` scaled by the stake over that of a typical contested step
/// (merit_weight + interest_weight · proposal_step), at most 1.
fn loser_rate(dy: &crate::scenario::Dynamics, stake: f64) -> f64 {
    let typical = (dy.merit_weight + dy.interest_weight * dy.proposal_step).max(1e-9);
    dy.buy_in_rate * (stake / typical).min(1.0)
}

/// A matter left undecided (an inquorate meeting): every member that
/// would gain by the change (interest_weight Δ_i > 0, judged by interest:
/// no proposal was put, so no merit was judged) bears what a supporter of
/// a blocked change bears in [`bind`]: resentment `outvoted_cost` · stake,
/// the stake waiting on the issue, and buy-in toward `loser_buy_in` at the
/// loser's rate.
fn unheard(w: &mut World, s: &Scenario, k: usize, a: f64, y: f64) {
    let dy = &s.dynamics;
    let d = w.d;
    for i in 0..w.n {
        if !w.is_member(i) {
            continue;
        }
        let stake = (dy.interest_weight * interest_gain(w, i, k, a, y)).max(0.0);
        if stake <= 0.0 {
            continue;
        }
        w.resentment[i] = unit(w.resentment[i] + dy.outvoted_cost * stake);
        let wait = &mut w.waiting[i * d + k];
        *wait = wait.max(stake);
        let rate = loser_rate(dy, stake);
        w.buy_in[i] = unit(w.buy_in[i] + rate * (dy.loser_buy_in - w.buy_in[i]));
    }
}

/// Whether a steering committee decides (the committee rule in force):
/// members outside it have no vote.
fn committee_rule(w: &World, s: &Scenario) -> bool {
    w.coalition.governance == GovernanceState::Established
        && s.governance.decision_rule == DecisionRule::Committee
}

/// The blocking objectors of the last vote on proposal y (issue k, agenda
/// at a), whom an amendment moves toward: Σ salience · position, Σ
/// salience and their number. Every counted no, except under consent,
/// where only an objection that stands blocks ([`consent_blocks`]: a
/// reasoned one the circle `upheld`, or one beyond the member's
/// tolerance).
#[allow(clippy::too_many_arguments)]
fn blocking_objectors(
    w: &World,
    dy: &crate::scenario::Dynamics,
    rule: DecisionRule,
    members: &[usize],
    k: usize,
    a: f64,
    y: f64,
    upheld: bool,
) -> (f64, f64, u32) {
    let d = w.d;
    let (mut num, mut den, mut count) = (0.0, 0.0, 0u32);
    for &i in members {
        if w.counted_yes[i] == Some(false)
            && (rule != DecisionRule::Consent
                || consent_blocks(dy, w.vote_merit[i], interest_gain(w, i, k, a, y), upheld))
        {
            num += w.salience[i * d + k] * w.position[i * d + k];
            den += w.salience[i * d + k];
            count += 1;
        }
    }
    (num, den, count)
}

/// Consensus (and modified consensus before its fallback), a vote blocked
/// by the stand-aside limit: the members who stood aside (Σ salience ·
/// position, Σ salience), whom an amendment moves toward, and how many of
/// them beyond the limit the vote must win over to pass ([`passes`]: at
/// most ⌊`stand_aside_limit` · total⌋ may stand aside).
fn stand_asides_beyond(
    w: &World,
    g: &RawGovernance,
    members: &[usize],
    k: usize,
    t: &Tally,
) -> (f64, f64, u32) {
    let d = w.d;
    let (mut num, mut den) = (0.0, 0.0);
    for &i in members {
        if w.stood_aside[i] {
            num += w.salience[i * d + k] * w.position[i * d + k];
            den += w.salience[i * d + k];
        }
    }
    let allowed = (g.stand_aside_limit * t.total as f64 + 1e-9).floor() as u32;
    (num, den, t.stood_aside.saturating_sub(allowed))
}

/// Under consent, whether a voiced objection blocks: a reasoned one (the
/// member judges the proposal harmful to the aim, M_i < 0) when the circle
/// `upheld` the harm ([`ConsentCount::upholds`]), or one the member cannot
/// live with: its own loss by the change, interest_weight · Δ_i (`delta`),
/// at least its tolerance ([`intolerable`]: outside its range of
/// tolerance, in sociocracy's words; unless `tolerance` is set, the same
/// threshold that makes an objection block a consensus).
fn consent_blocks(dy: &crate::scenario::Dynamics, merit: f64, delta: f64, upheld: bool) -> bool {
    (merit < 0.0 && upheld) || intolerable(dy, delta)
}

/// Whether a member's own loss by the change, interest_weight · Δ_i
/// (`delta`), reaches `tolerance` (unset: `block_threshold`): outside its
/// range of tolerance.
fn intolerable(dy: &crate::scenario::Dynamics, delta: f64) -> bool {
    dy.interest_weight * delta <= -dy.tolerance.unwrap_or(dy.block_threshold)
}

/// Consent's count of a vote, the same at the vote ([`vote`]) and for a
/// proposer sounding it out ([`expected_to_pass`]): the voters who see
/// harm to the aim, and the voiced objections outside their members'
/// range of tolerance (and those of them on personal grounds).
#[derive(Default)]
struct ConsentCount {
    harm: u32,
    intolerable: u32,
    personal: u32,
}

impl ConsentCount {
    /// A voter who sees the merit as `merit`.
    fn voter(&mut self, merit: f64) {
        self.harm += u32::from(merit < 0.0);
    }

    /// A voiced objection by a member who sees the merit as `merit` and
    /// gains `delta` by the change.
    fn objection(&mut self, dy: &crate::scenario::Dynamics, merit: f64, delta: f64) {
        if intolerable(dy, delta) {
            self.intolerable += 1;
            self.personal += u32::from(merit >= 0.0);
        }
    }

    /// Whether the circle of `total` voters upholds a reasoned objection:
    /// at least half of it sees harm.
    fn upholds(&self, total: u32) -> bool {
        2 * self.harm >= total
    }

    /// The objections that block, given the `reasoned` ones (M_i < 0) and
    /// `total` voters: the circle upholds the reasoned ones when at least
    /// half of it sees harm; one a member cannot live with stands whatever
    /// its ground and whatever the circle sees.
    fn blocking(&self, reasoned: u32, total: u32) -> u32 {
        if !self.upholds(total) {
            self.intolerable
        } else {
            reasoned + self.personal
        }
    }
}

/// Share of the blocking objectors whose votes the rule still needs (the
/// holdouts): all of them under consensus (before a fallback) and consent;
/// under a threshold rule, the votes missing to reach it over the blocking
/// objectors (for the weighted rule, counted at the objectors' mean power).
/// An amendment moves that share of `amendment_move` toward the blocking
/// objectors: concessions grow with the share of members a rule needs.
fn needed_share(rule: DecisionRule, g: &RawGovernance, t: &Tally, blockers: u32) -> f64 {
    if blockers == 0 {
        return 0.0;
    }
    let missing = match rule {
        DecisionRule::Consensus | DecisionRule::Consent => return 1.0,
        DecisionRule::ModifiedConsensus if !t.fallback => return 1.0,
        DecisionRule::Majority | DecisionRule::Committee => (t.total / 2 + 1) as f64 - t.yes as f64,
        DecisionRule::Supermajority | DecisionRule::ModifiedConsensus => {
            (g.supermajority * t.total as f64 - 1e-9).ceil() - t.yes as f64
        }
        DecisionRule::Weighted => {
            let no_votes = t.total - t.yes;
            if no_votes == 0 {
                return 1.0;
            }
            let mean = (t.total_power - t.yes_power) / no_votes as f64;
            ((g.weighted_quota * t.total_power - t.yes_power) / mean.max(1e-12) + 1e-9).floor()
                + 1.0
        }
    };
    (missing / blockers as f64).clamp(0.0, 1.0)
}

/// Member welfare: how well the decision served each member, weighted by
/// its stake. Member i's stake is v_i = merit_weight · m + interest_weight · Δ_i
/// (m = +1 for a proposal good for the coalition, −1 for a bad one; Δ_i its
/// interest gain from moving the agenda on k from a to y); the outcome
/// serves it when the proposal passed and v_i > 0 or failed and v_i < 0.
#[allow(clippy::too_many_arguments)]
fn welfare(
    w: &mut World,
    s: &Scenario,
    members: &[usize],
    k: usize,
    a: f64,
    y: f64,
    merit: f64,
    passed: bool,
) {
    let dy = &s.dynamics;
    let (n, d) = (w.n, w.d);
    // The sums carried in locals (the same additions in the same order) and
    // the per-agent vectors borrowed apart, sliced to the n agents.
    let (mut stake_sum, mut served_sum) = (w.coalition.welfare_stake, w.coalition.welfare_served);
    let World {
        won,
        lost,
        position,
        salience,
        ..
    } = &mut *w;
    let (won, lost) = (&mut won[..n], &mut lost[..n]);
    for &i in members {
        let delta = gain_of(position, salience, d, i, k, a, y);
        let v = dy.merit_weight * merit + dy.interest_weight * delta;
        stake_sum += v.abs();
        if (passed && v > 0.0) || (!passed && v < 0.0) {
            served_sum += v.abs();
            won[i] += 1;
        } else if v != 0.0 {
            lost[i] += 1;
        }
    }
    w.coalition.welfare_stake = stake_sum;
    w.coalition.welfare_served = served_sum;
}

/// Information pooling in discussion: each selected voter who misjudges the
/// proposal's merit sees it right with probability `pooling` × the share of
/// selected voters who already see it right (it hears their arguments): the
/// sign of its perceived merit turns, its weight stays (one who thought a
/// proposal very harmful now thinks it as good).
/// `members`: the current members, ascending (only members are selected).
pub(super) fn pool(
    w: &mut World,
    members: &[usize],
    pooling: f64,
    merit: f64,
    rng: &mut Rng,
    selected: impl Fn(&World, usize) -> bool,
) {
    if pooling <= 0.0 {
        return;
    }
    let (mut right, mut total) = (0usize, 0usize);
    for &i in members {
        if selected(w, i) {
            total += 1;
            if right_sign(w.vote_merit[i], merit) {
                right += 1;
            }
        }
    }
    if total == 0 || right == 0 || right == total {
        return;
    }
    let p = pooling * right as f64 / total as f64;
    for &i in members {
        if selected(w, i) && !right_sign(w.vote_merit[i], merit) && chance(rng, p) {
            w.vote_merit[i] = -w.vote_merit[i];
        }
    }
}

/// Whether a perceived merit has the sign of the merit.
fn right_sign(seen: f64, merit: f64) -> bool {
    (seen > 0.0) == (merit > 0.0)
}

/// A decision binds every member, whichever way it goes (Buchanan &
/// Tullock's external costs; Rae 1975: the status quo is a decision too).
/// A member's stake in the outcome is what it perceives it loses by it:
/// g_i = merit_weight M_i + interest_weight Δ_i is its perceived gain from
/// the change (Δ_i its interest gain from moving the agenda on issue k from
/// a to y; members without a vote judge by interest alone); a passed
/// proposal costs those against it stake_i = max(0, −g_i), a blocked one
/// costs those for it stake_i = max(0, g_i). The losing side is: an
/// objector (voiced, silent or standing aside) when the change passed, a
/// supporter when it was blocked, and a member without a vote (absent, or
/// outside the steering committee) whose interest the outcome harms.
/// Then, for each member on the losing side:
///
/// - resentment grows by outvoted_cost · stake_i, except for a silent
///   objector, whose loss builds its hidden objection instead (in
///   [`decisions`]); a blocked supporter's stake also waits on the issue
///   (`waiting`) until something on it passes;
/// - buy-in moves toward its losing stance — `loser_buy_in`, or
///   `stand_aside_buy_in` for one who stood aside — at the loser's rate,
///   `buy_in_rate` scaled by stake_i over the stake of a typical contested
///   step, at most 1 (one that loses nothing keeps its buy-in).
///
/// The winning side (a genuine yes when it passed, a voiced objector when
/// it was blocked, an absent member the outcome serves) moves toward
/// `winner_buy_in` at `buy_in_rate`. Unchanged: a silent objector or one
/// who stood aside when the change failed anyway (relieved, not
/// vindicated), and a member without a vote whose interest is untouched.
/// A member outside the steering committee first drifts toward
/// `excluded_buy_in` at `buy_in_rate` (it had no say), then, if harmed,
/// loses as above.
fn bind(w: &mut World, s: &Scenario, members: &[usize], k: usize, a: f64, y: f64, passed: bool) {
    let dy = &s.dynamics;
    let (n, d) = (w.n, w.d);
    let excluding = committee_rule(w, s);
    // The per-agent vectors borrowed apart and sliced to the n agents: one
    // bounds check on i serves them all, and a store to one does not make
    // the others be read again.
    let World {
        counted_yes,
        committee,
        stood_aside,
        vote_u,
        vote_merit,
        buy_in,
        resentment,
        waiting,
        position,
        salience,
        ..
    } = w;
    let (counted_yes, committee, stood_aside) =
        (&counted_yes[..n], &committee[..n], &stood_aside[..n]);
    let (vote_u, vote_merit) = (&vote_u[..n], &vote_merit[..n]);
    let (buy_in, resentment) = (&mut buy_in[..n], &mut resentment[..n]);
    for &i in members {
        let delta = gain_of(position, salience, d, i, k, a, y);
        let gain = |merit: f64| dy.merit_weight * merit + dy.interest_weight * delta;
        let lost = |g: f64| if passed { (-g).max(0.0) } else { g.max(0.0) };
        let (win, lose) = (dy.winner_buy_in, dy.loser_buy_in);
        // A member outside the steering committee, before it loses anything,
        // drifts toward `excluded_buy_in` (it had no say).
        let excluded = counted_yes[i].is_none() && excluding && !committee[i];
        if excluded {
            buy_in[i] = unit(buy_in[i] + dy.buy_in_rate * (dy.excluded_buy_in - buy_in[i]));
        }
        // (buy-in target, stake lost, on the losing side, resentment it
        // shows)
        let (target, stake, losing, shown) = match counted_yes[i] {
            // A member without a vote (outside the committee, or absent
            // from the meeting) judges by interest alone: g = interest_weight
            // Δ. One the outcome harms is on the losing side, as a voter
            // who lost would be (losing costs the same whichever way one
            // loses). An absent member the outcome serves is on the winning
            // side, as if it had come and voted for its interest; one outside
            // the committee keeps the drift above.
            None => {
                let g = dy.interest_weight * delta;
                let stake = lost(g);
                if stake > 0.0 {
                    (lose, stake, true, stake)
                } else if excluded || g == 0.0 {
                    (buy_in[i], 0.0, false, 0.0)
                } else {
                    (win, 0.0, false, 0.0)
                }
            }
            // Standing aside is heard, not spared: a member who stood aside
            // from a change that passed loses what it loses by it, like an
            // outvoted objector (its buy-in falls only to
            // `stand_aside_buy_in`); one whose change failed anyway is
            // relieved, like a silent objector.
            Some(_) if stood_aside[i] => {
                if passed {
                    let stake = lost(gain(vote_merit[i]));
                    (dy.stand_aside_buy_in, stake, true, stake)
                } else {
                    (buy_in[i], 0.0, false, 0.0)
                }
            }
            Some(true) if vote_u[i] >= 0.0 => {
                if passed {
                    (win, 0.0, false, 0.0)
                } else {
                    let stake = lost(gain(vote_merit[i]));
                    (lose, stake, true, stake)
                }
            }
            // A silent objection: its resentment stays hidden (the hidden
            // objection above), its commitment falls as a voiced loser's
            // does, in proportion to what it loses; it is relieved, not
            // vindicated, when the proposal fails.
            Some(true) => {
                if passed {
                    (lose, lost(gain(vote_merit[i])), true, 0.0)
                } else {
                    (buy_in[i], 0.0, false, 0.0)
                }
            }
            Some(false) => {
                if passed {
                    let stake = lost(gain(vote_merit[i]));
                    (lose, stake, true, stake)
                } else {
                    (win, 0.0, false, 0.0)
                }
            }
        };
        resentment[i] = unit(resentment[i] + dy.outvoted_cost * shown);
        if !passed && stake > 0.0 {
            let wait = &mut waiting[i * d + k];
            *wait = wait.max(stake);
        }
        // A loser's buy-in falls in proportion to what it lost, up to the
        // stake of a typical contested step (merit_weight + interest_weight
        // · proposal_step): a member that barely loses barely withdraws, and
        // one that objected but loses nothing by the outcome (it objected
        // only from distrust of the proposer) keeps its buy-in.
        let rate = if losing {
            loser_rate(dy, stake)
        } else {
            dy.buy_in_rate
        };
        buy_in[i] = unit(buy_in[i] + rate * (target - buy_in[i]));
    }
}

/// Share of the coalition's work that carries out this decision: members'
/// expected effort w_i e_i (w_i its capacity for the work, `World::work`), weighted by how far their part depends on
/// their agreement with it, 1 − implementation_need (1 − agree_i), with
/// agree_i = `winner_buy_in` for a genuine yes, `stand_aside_buy_in` for
/// one who stood aside, `loser_buy_in` for an objector (voiced or silent)
/// or a member without a vote that the change harms (by interest: moving
/// the agenda on issue k from a to y), `excluded_buy_in` for a member
/// outside the steering committee that it does not harm, and
/// `winner_buy_in` for an absent member that it does not harm; 1 with no
/// members. Only
/// a change is carried out: a blocked proposal leaves the plan as it was.
pub fn implementation_share(w: &World, s: &Scenario, k: usize, a: f64, y: f64) -> f64 {
    let members: Vec<usize> = (0..w.n).filter(|&i| w.is_member(i)).collect();
    implementation_share_of(w, s, &members, k, a, y)
}

/// [`implementation_share`] over `members`, the current members ascending.
fn implementation_share_of(
    w: &World,
    s: &Scenario,
    members: &[usize],
    k: usize,
    a: f64,
    y: f64,
) -> f64 {
    let dy = &s.dynamics;
    let need = dy.implementation_need;
    let excluding = committee_rule(w, s);
    let (n, d) = (w.n, w.d);
    // Sliced to the n agents: one bounds check on i serves them all.
    let (counted_yes, committee, stood_aside, vote_u) = (
        &w.counted_yes[..n],
        &w.committee[..n],
        &w.stood_aside[..n],
        &w.vote_u[..n],
    );
    let (work, engagement) = (&w.work[..n], &w.engagement[..n]);
    let (mut num, mut den) = (0.0, 0.0);
    for &i in members {
        let agree = match counted_yes[i] {
            None if gain_of(&w.position, &w.salience, d, i, k, a, y) < 0.0 => dy.loser_buy_in,
            None if excluding && !committee[i] => dy.excluded_buy_in,
            None => dy.winner_buy_in,
            Some(_) if stood_aside[i] => dy.stand_aside_buy_in,
            Some(true) if vote_u[i] >= 0.0 => dy.winner_buy_in,
            Some(_) => dy.loser_buy_in,
        };
        let effort = work[i] * engagement[i];
        num += effort * (1.0 - need * (1.0 - agree));
        den += effort;
    }
    if den > 0.0 { num / den } else { 1.0 }
}

/// The result of one vote.
struct Vote {
    tally: Tally,
    voiced: u32,
    silent: u32,
    /// Under consent, whether the circle upheld the harm a reasoned
    /// objection names (false under the other rules).
    upheld: bool,
}

/// One vote on proposal y for issue k by proposer p among the voters
/// present (`present`, among `members`: the current members ascending). Writes each voter's utility to `vote_u` and its
/// counted vote to `counted_yes` (None for members without a vote or
/// absent); reads the world otherwise.
#[allow(clippy::too_many_arguments)]
fn vote(
    w: &mut World,
    s: &Scenario,
    rng: &mut Rng,
    members: &[usize],
    p: usize,
    k: usize,
    y: f64,
    trust_in_members: &[f64],
    established: bool,
    fallback: bool,
    ctl: &mut impl Controller,
) -> Vote {
    let dy = &s.dynamics;
    let d = w.d;
    let a = w.coalition.agenda[k];
    let solicit = established && !s.governance.silence_as_consent;
    let rule = s.governance.decision_rule;
    // Under consensus (and modified consensus) a mild objection stands
    // aside; only one stronger than `block_threshold` blocks, whatever its
    // ground: a block comes from a real loss (distance × stake). Modified
    // consensus's fallback is a plain supermajority vote: no one stands
    // aside in it.
    let consensus = established
        && (rule == DecisionRule::Consensus
            || (rule == DecisionRule::ModifiedConsensus && !fallback));
    let consent = established && rule == DecisionRule::Consent;
    let mut circle = ConsentCount::default();
    let mut v = Vote {
        tally: Tally {
            fallback,
            ..Tally::default()
        },
        voiced: 0,
        silent: 0,
        upheld: false,
    };
    // Everyone's record of the last vote cleared; only members vote
    // (`present` is false for the others).
    w.counted_yes.fill(None);
    w.vote_u.fill(0.0);
    w.stood_aside.fill(false);
    let n = w.n;
    // Sparse: each voter's trust in the proposer, looked up first (in the
    // scratch), so that the vote can borrow the per-agent vectors apart.
    let sparse = w.sparse;
    let mut trust_in_p = std::mem::take(&mut w.scratch);
    if sparse {
        for (at, &i) in members.iter().enumerate() {
            // The next member's relationships, where its trust in the
            // proposer is looked up (a hint; changes nothing).
            if let Some(next) = members.get(at + 1).and_then(|&j| w.ties.get(j)) {
                crate::model::ties::prefetch_row(next);
            }
            if w.present[i] {
                trust_in_p[i] = w.tie(i, p);
            }
        }
    }
    // Sliced to the n agents: one bounds check on i serves them all, and a
    // store to one does not make the others be read again.
    let World {
        present,
        position,
        salience,
        vote_merit,
        engagement,
        power,
        vote_u,
        stood_aside,
        counted_yes,
        trust,
        ..
    } = &mut *w;
    let (present, vote_merit, engagement, power) = (
        &present[..n],
        &vote_merit[..n],
        &engagement[..n],
        &power[..n],
    );
    let (vote_u, stood_aside, counted_yes) = (
        &mut vote_u[..n],
        &mut stood_aside[..n],
        &mut counted_yes[..n],
    );
    let (trust_in_p_of, trust_in_members) = (&trust_in_p[..n], &trust_in_members[..n]);
    for &i in members {
        if !present[i] {
            continue;
        }
        // Everyone votes by the same utility, the proposer included (its
        // interest term is never negative, but it may see that its own
        // proposal is bad).
        let delta = gain_of(position, salience, d, i, k, a, y);
        // `World::trust(i, p)`.
        let t_ip = if sparse {
            trust_in_p_of[i]
        } else {
            trust[i * n + p]
        };
        let u = dy.merit_weight * vote_merit[i]
            + dy.interest_weight * delta
            + dy.trust_weight * (t_ip - dy.trust_neutral);
        vote_u[i] = u;
        let stands_aside = consensus && u < 0.0 && u > -dy.block_threshold;
        let model = if stands_aside {
            Ballot::StandAside
        } else if u >= 0.0 {
            Ballot::Yes
        } else {
            let speaks = solicit
                || (established
                    && chance(
                        rng,
                        engagement[i]
                            * (dy.voice_base + (1.0 - dy.voice_base) * trust_in_members[i]),
                    ));
            if speaks { Ballot::No } else { Ballot::Silent }
        };
        let ballot = ctl.ballot(i, model);
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
        vote_u[i] = u;
        stood_aside[i] = ballot == Ballot::StandAside;
        v.tally.stood_aside += u32::from(stood_aside[i]);
        let yes = match ballot {
            Ballot::Yes | Ballot::StandAside => true,
            Ballot::No => {
                v.voiced += 1;
                // Under consent a reasoned objection that the proposal
                // harms the coalition's aim blocks if the circle sees the
                // harm (below); one the member cannot live with blocks
                // whatever its ground; a milder personal one is heard and
                // overruled.
                if !consent || vote_merit[i] < 0.0 {
                    v.tally.blocking += 1;
                }
                if consent {
                    circle.objection(dy, vote_merit[i], delta);
                }
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
        counted_yes[i] = Some(yes);
        v.tally.total += 1;
        v.tally.total_power += power[i];
        if yes {
            v.tally.yes += 1;
            v.tally.yes_power += power[i];
        }
        circle.voter(vote_merit[i]);
    }
    w.scratch = trust_in_p;
    // Consent: the circle tests each reasoned objection; it stands only
    // when at least half of the circle, having heard it, sees the harm. An
    // objection the member cannot live with (its own loss by the change,
    // interest_weight · Δ_i, at least its tolerance) stands whatever its
    // ground and whatever the circle sees.
    if consent {
        v.tally.blocking = circle.blocking(v.tally.blocking, v.tally.total);
        v.upheld = circle.upholds(v.tally.total);
    }
    v
}

/// Strategic holdouts (Buchanan & Tullock 1962, ch. 8: under a rule that
/// needs k of N, each member beyond the k-th whose agreement must be won
/// is a potential holdout, who can make its vote the price of a concession
/// toward its own position). After the first, sincere vote on a proposal
/// that would pass, each supporter whose yes the proposal needs (withdrawn
/// alone, it would block: [`is_pivotal`]) holds it back with probability
/// `holdout`, and objects instead: the proposal is blocked and negotiated
/// like any other block, in amendment rounds that move it toward the
/// blocking objectors (the holdouts among them), after which everyone
/// votes sincerely again. Nobody holds out where there is nothing to
/// bargain for: with no amendment round to come (`amendments` = 0), no
/// rule in force, a proposal at the member's own position, or where the
/// concession its objection would win moves the proposal away from it:
/// the amendment moves toward the blocking objectors' salience-weighted
/// mean position, so a supporter holds out only when that mean, counted
/// over the sincere blocking objectors and itself, lies on its own side of
/// the proposal (under a threshold rule a supporter beyond the proposal
/// facing objectors who outweigh it would pull the proposal away from
/// itself; under consensus and consent a proposal that would pass has no
/// blocking objector, so the mean is the member's own position). A player's
/// own ballot stands (the model's holdout is offered to the controller as
/// a no). Whether a yes is needed is judged on the sincere count, as the
/// rule counts votes: a rule that needs more of the members leaves more of
/// them pivotal (everyone under consensus; under majority only when the
/// vote is won by one). Under consent a withheld yes blocks only as any
/// objection does there ([`consent_blocks`]): a supporter that judges the
/// proposal good and loses nothing beyond its tolerance by it would be
/// heard and overruled, so it has no vote to bargain with.
#[allow(clippy::too_many_arguments)]
fn hold_out(
    w: &mut World,
    s: &Scenario,
    rng: &mut Rng,
    members: &[usize],
    p: usize,
    k: usize,
    y: f64,
    v: &mut Vote,
    ctl: &mut impl Controller,
) {
    let dy = &s.dynamics;
    let g = &s.governance;
    let rule = g.decision_rule;
    if dy.holdout <= 0.0
        || dy.amendments == 0
        || w.coalition.governance != GovernanceState::Established
        || !passes(rule, g, &v.tally)
    {
        return;
    }
    let sincere = v.tally;
    let weighted = rule == DecisionRule::Weighted;
    let consent = rule == DecisionRule::Consent;
    let needed = !weighted && is_pivotal(rule, g, &sincere, true, 0.0);
    let a = w.coalition.agenda[k];
    let d = w.d;
    // The sincere blocking objectors' salience-weighted positions, as the
    // negotiation weighs them (under consent only objections that stand).
    let (num, den, _) = blocking_objectors(w, dy, rule, members, k, a, y, v.upheld);
    for &i in members {
        let (x, s_i) = (w.position[i * d + k], w.salience[i * d + k]);
        if i == p
            || w.counted_yes[i] != Some(true)
            || w.stood_aside[i]
            || w.vote_u[i] < 0.0
            || s_i <= 0.0
            || (x - y).abs() < 1e-9
            // The concession would move the proposal away from it.
            || ((num + s_i * x) / (den + s_i) - y) * (x - y) <= 0.0
        {
            continue;
        }
        let pivotal = if weighted {
            is_pivotal(rule, g, &sincere, true, w.power[i])
        } else if consent {
            consent_blocks(dy, w.vote_merit[i], interest_gain(w, i, k, a, y), v.upheld)
        } else {
            needed
        };
        if pivotal && chance(rng, dy.holdout) && ctl.ballot(i, Ballot::No) == Ballot::No {
            w.counted_yes[i] = Some(false);
            v.tally.yes -= 1;
            v.tally.yes_power -= w.power[i];
            v.tally.blocking += 1;
            v.voiced += 1;
        }
    }
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
    for i in 0..w.n {
        if !w.is_member(i) {
            continue;
        }
        let keep = 1.0 - s.dynamics.conflict_damage * w.hidden[i];
        w.scale_trust_of(i, keep);
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

/// Crisis management: while governance is set up in a crisis, the conflict
/// is negotiated every week, as a blocked proposal is in an amendment round
/// with every erupted objection voiced at once: each member spends
/// `amendment_hours`, and `amendment_delay` of the week's working time is
/// lost per member whose hidden objection has reached `conflict_threshold`
/// (the conflicts a simple agreement would have settled earlier).
fn manage_crisis(w: &mut World, s: &Scenario) {
    let dy = &s.dynamics;
    let mut erupted = 0u32;
    for i in 0..w.n {
        if w.is_member(i) {
            w.hours_now[i] += dy.amendment_hours;
            erupted += u32::from(w.hidden[i] >= dy.conflict_threshold);
        }
    }
    w.coalition.delay_now = unit(w.coalition.delay_now + dy.amendment_delay * erupted as f64);
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
