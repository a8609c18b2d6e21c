//! Phase 8, engagement drift, and renewal rituals.

use super::{Controller, Event, EventKind, Round};
use crate::model::{World, unit};

/// Commitment of member i (also read by the exit phase):
///
/// C_i = w_alignment A_i + w_trust τ_i + w_efficacy E_i − w_cost h_i / hours_budget
///       − w_hidden hidden_i − w_resentment resentment_i
///
/// where h_i is this round's maintenance hours. Each round, in order:
/// clarity above `clarity_floor` decays by `clarity_decay` of the excess,
/// hidden objection by `hidden_decay`, resentment by `resentment_decay`; without a visible win this round,
/// efficacy moves `impatience` · urgency_i of the way toward the pace the
/// coalition's results have shown (the progress of its last milestone as a
/// share of the goal ÷ the share of the horizon gone, capped at 1; 0 before
/// the first result, so that efficacy decays without wins); a renewal ritual
/// (every `renewal_every` rounds) costs `renewal_hours`, airs hidden
/// objections and resentment (× (1 − renewal_boost)), refreshes clarity (+ renewal_boost of
/// the gap) and re-evaluates efficacy toward how far the coalition is on
/// track (progress share ÷ time share, capped at 1); then engagement moves
/// toward clamp(C_i / full_commitment, 0, 1) at `engagement_rate`.
///
/// Sunset: with `governance.sunset`, at each renewal (or every
/// `governance.review_every` rounds without renewals), a coalition that has
/// its first win ends with declared success when mean engagement is below
/// `sunset_engagement` or the goal is out of reach at the pace since the
/// previous review.
pub fn engagement<C: Controller>(r: &mut Round<'_, C>) {
    // `members`: the current members, ascending (collected for the trust
    // phase, which changes no one's membership).
    let (w, s, ev, trust_in_members, members) = (
        &mut *r.world,
        r.scenario,
        &mut *r.events,
        &*r.trust_cache,
        &*r.members,
    );
    let dy = &s.dynamics;
    let g = &s.governance;
    let renewal = g.renewal_every > 0 && w.round % g.renewal_every == 0 && w.coalition.members > 0;
    let on_track = w.on_track(s.max_rounds);
    let shown = w.shown_on_track(s.max_rounds);
    let (n, round) = (w.n, w.round);
    // Each member's support first (nothing below changes what it reads),
    // so that the loop can borrow the per-agent vectors apart: sliced to
    // the n agents, one bounds check on i serves them all, and a store to
    // one does not make the others be read again.
    let mut support = std::mem::take(&mut w.scratch);
    for &i in members {
        support[i] = w.support(i);
    }
    let World {
        clarity,
        hidden,
        resentment,
        efficacy,
        urgency,
        hours_now,
        commitment,
        engagement,
        ..
    } = &mut *w;
    let (clarity, hidden, resentment) = (&mut clarity[..n], &mut hidden[..n], &mut resentment[..n]);
    let (efficacy, hours_now, commitment, engagement) = (
        &mut efficacy[..n],
        &mut hours_now[..n],
        &mut commitment[..n],
        &mut engagement[..n],
    );
    let (urgency, trust_in_members, support_of) =
        (&urgency[..n], &trust_in_members[..n], &support[..n]);
    for &i in members {
        clarity[i] -= dy.clarity_decay * (clarity[i] - dy.clarity_floor).max(0.0);
        hidden[i] *= 1.0 - dy.hidden_decay;
        resentment[i] *= 1.0 - dy.resentment_decay;
        // Between results members revise their confidence toward the pace
        // the results have shown (none yet: toward 0), the more urgently
        // they need the goal (impatience).
        efficacy[i] += dy.impatience * urgency[i] * (shown - efficacy[i]);
        if renewal {
            hours_now[i] += g.renewal_hours;
            hidden[i] *= 1.0 - dy.renewal_boost;
            resentment[i] *= 1.0 - dy.renewal_boost;
            clarity[i] = unit(clarity[i] + dy.renewal_boost * (1.0 - clarity[i]));
            efficacy[i] = unit(efficacy[i] + dy.renewal_boost * (on_track - efficacy[i]));
        }
        // `World::alignment(i)`: support (floored at 0) times clarity.
        let alignment = support_of[i].max(0.0) * clarity[i];
        let c = dy.w_alignment * alignment
            + dy.w_trust * trust_in_members[i]
            + dy.w_efficacy * efficacy[i]
            - dy.w_cost * hours_now[i] / dy.hours_budget
            - dy.w_hidden * hidden[i]
            - dy.w_resentment * resentment[i];
        commitment[i] = c;
        let before = engagement[i];
        let target = (c / dy.full_commitment).clamp(0.0, 1.0);
        engagement[i] = unit(before + dy.engagement_rate * (target - before));
        // (Both tests made, one branch: whether engagement was above the
        // threshold is a coin flip to the CPU, falling below it is rare.)
        if (before >= dy.junior_threshold) & (engagement[i] < dy.junior_threshold) {
            ev.push(Event {
                round,
                agent: Some(i),
                kind: EventKind::JuniorRepresentative,
            });
        }
    }
    w.scratch = support;
    if renewal {
        ev.push(Event {
            round: w.round,
            agent: None,
            kind: EventKind::Renewal,
        });
    }
    let review = if g.renewal_every > 0 {
        renewal
    } else {
        w.round % g.review_every == 0
    };
    if g.sunset && review {
        // The review judges by the pace since the last review (the
        // coalition's current capacity, not its start-up), and calls the
        // goal out of reach only when that pace is not rising: a coalition
        // still gaining speed is not one to wind down. The first review has
        // no earlier pace to compare with.
        let c = &w.coalition;
        let since = w.round.saturating_sub(c.review_round).max(1);
        let pace = (c.progress - c.review_progress) / since as f64;
        let earlier = (c.review_round > 0).then(|| c.review_progress / c.review_round as f64);
        let rounds_left = s.max_rounds.saturating_sub(w.round) as f64;
        let stalled = earlier.is_some_and(|e| pace <= e);
        let out_of_reach = stalled && (pace <= 0.0 || (c.goal - c.progress) / pace > rounds_left);
        let faded = w.member_mean(|i| w.engagement[i]) < dy.sunset_engagement;
        if c.first_win_round.is_some() && (out_of_reach || faded) {
            w.coalition.sunset_declared = true;
        }
        w.coalition.review_round = w.round;
        w.coalition.review_progress = w.coalition.progress;
    }
}
