//! Mission creep: the scope grows by one issue, with or without re-aligning
//! the membership.

use super::{Event, EventKind};
use crate::model::governance::{Tally, passes};
use crate::model::{Status, World, unit};
use crate::scenario::Scenario;

/// Adds the out-of-scope issue that matters most to the most powerful member
/// (opportunities come from the powerful). The goal grows by
/// `goal.expansion_size` of its original size.
///
/// Without re-alignment, the expansion is imposed: effort is re-split
/// equally over the new scope. With `realign_on_expansion`, the members meet
/// (setup hours, + `setup_clarity`) and revisit the purpose: effort on each
/// in-scope issue becomes proportional to the members' summed salience for
/// it, the agenda on the new issue is their salience-weighted mean position,
/// and they vote on it under their rule (yes iff their support does not
/// fall). If the vote fails the expansion is declined; if it passes, the
/// members the new direction no longer serves (support <= `misfit_support`) are let go
/// gracefully in this round's exit phase (reason `misfit`). Without
/// re-alignment the agenda on the new issue is the powerful member's own
/// position and misfits stay on, disengaging.
pub fn expand_scope(w: &mut World, s: &Scenario, ev: &mut Vec<Event>) {
    let d = w.d;
    let Some(lead) = (0..w.n)
        .filter(|&i| w.status[i] == Status::Member)
        .max_by(|&a, &b| w.power[a].total_cmp(&w.power[b]).then(b.cmp(&a)))
    else {
        return;
    };
    let Some(k) = (0..d)
        .filter(|&k| w.coalition.focus[k] == 0.0)
        .max_by(|&a, &b| {
            w.salience[lead * d + a]
                .total_cmp(&w.salience[lead * d + b])
                .then(b.cmp(&a))
        })
    else {
        return;
    };
    let realign = s.governance.realign_on_expansion;
    // Support of each member before the expansion (scratch: vote_u).
    for i in 0..w.n {
        w.vote_u[i] = if w.is_member(i) { w.support(i) } else { 0.0 };
    }
    let mut saved_focus = [0.0; 16];
    saved_focus[..d].copy_from_slice(&w.coalition.focus);
    let saved_agenda = w.coalition.agenda[k];
    let in_scope = w.coalition.focus.iter().filter(|&&f| f > 0.0).count() + 1;
    for (j, f) in w.coalition.focus.iter_mut().enumerate() {
        if *f > 0.0 || j == k {
            *f = 1.0 / in_scope as f64;
        }
    }
    if realign {
        // The purpose is renegotiated: effort follows how much the members
        // care about each issue, the agenda on the new issue is where they
        // stand, and the members vote on the expansion under their rule.
        let mut total = 0.0;
        for j in 0..d {
            if w.coalition.focus[j] > 0.0 {
                let care: f64 = (0..w.n)
                    .filter(|&i| w.is_member(i))
                    .map(|i| w.salience[i * d + j])
                    .sum();
                w.coalition.focus[j] = care.max(1e-9);
                total += w.coalition.focus[j];
            }
        }
        w.coalition.focus.iter_mut().for_each(|f| *f /= total);
        let (mut num, mut den) = (0.0, 0.0);
        for i in 0..w.n {
            if w.is_member(i) {
                num += w.salience[i * d + k] * w.position[i * d + k];
                den += w.salience[i * d + k];
            }
        }
        w.coalition.agenda[k] = if den > 0.0 {
            num / den
        } else {
            w.position[lead * d + k]
        };
        let mut t = Tally::default();
        let committee = s.governance.decision_rule == crate::scenario::DecisionRule::Committee
            && w.coalition.governance == crate::model::GovernanceState::Established;
        for i in 0..w.n {
            if w.is_member(i) {
                w.hours_now[i] += s.dynamics.setup_hours;
                if committee && !w.committee[i] {
                    continue;
                }
                let yes = w.support(i) >= w.vote_u[i];
                t.total += 1;
                t.total_power += w.power[i];
                if yes {
                    t.yes += 1;
                    t.yes_power += w.power[i];
                }
            }
        }
        if !passes(s.governance.decision_rule, &s.governance, &t) {
            w.coalition.focus.copy_from_slice(&saved_focus[..d]);
            w.coalition.agenda[k] = saved_agenda;
            // The meeting still made the purpose clearer.
            meeting_clarity(w, s);
            ev.push(Event {
                round: w.round,
                agent: Some(lead),
                kind: EventKind::ExpansionDeclined { issue: k },
            });
            return;
        }
        w.coalition.realigned_at = w.round;
        new_front(w, s, k);
        // The members discussed the new front at the meeting.
        meeting_clarity(w, s);
    } else {
        w.coalition.agenda[k] = w.position[lead * d + k];
        new_front(w, s, k);
    }
    w.coalition.goal += s.goal.expansion_size * s.goal.size;
    w.coalition.expansions += 1;
    ev.push(Event {
        round: w.round,
        agent: Some(lead),
        kind: EventKind::Expansion {
            issue: k,
            realigned: realign,
        },
    });
}

/// A new front of work taken on, with share f = focus_k of the effort: it
/// has no plan yet and nobody has worked out its steps. The direction of
/// that share of the effort is what the founding purpose alone gives
/// (`direction_floor`), and every member's shared understanding of the
/// steps (clarity) covers only the old fronts: D and each member's κ lose
/// a share f of their excess over their floors (`direction_floor`,
/// `clarity_floor`; nothing below a floor is lost). Spreading the same work over more fronts thus costs in
/// proportion to how much of it goes to the new one, whoever decided it.
fn new_front(w: &mut World, s: &Scenario, k: usize) {
    let f = w.coalition.focus[k];
    let dy = &s.dynamics;
    let d0 = w.coalition.direction;
    w.coalition.direction = d0 - f * (d0 - dy.direction_floor).max(0.0);
    for i in 0..w.n {
        if w.is_member(i) {
            let c = w.clarity[i];
            w.clarity[i] = c - f * (c - dy.clarity_floor).max(0.0);
        }
    }
}

/// The re-alignment meeting: every member gains `setup_clarity` of its
/// missing clarity.
fn meeting_clarity(w: &mut World, s: &Scenario) {
    for i in 0..w.n {
        if w.is_member(i) {
            w.clarity[i] = unit(w.clarity[i] + s.dynamics.setup_clarity * (1.0 - w.clarity[i]));
        }
    }
}
