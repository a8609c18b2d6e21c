//! Phase 6, progress and milestones.

use super::{Controller, Event, EventKind, Round};
use crate::model::unit;

/// progress += direction · (1 − w_L + w_L legitimacy) · efficiency · Σ_i delivered_i · A_i
/// (w_L = `legitimacy_weight`)
/// with efficiency = 1 / (1 + coordination_loss · mean contacts), the mean
/// over members of the others each coordinates with directly (members − 1
/// when everyone meets; see `model::structure`). Work that is
/// not aligned with the agenda (A_i = 0) moves nothing: trust without
/// alignment gives no progress.
///
/// Crossing a milestone is a verified result: every member's efficacy, and
/// legitimacy, move `result_weight` of the way toward how far the coalition
/// is on track (progress share ÷ time share, capped at 1: a win on time
/// raises them, a late one lowers them), every member's clarity gains
/// `agreement_clarity` of its gap (a measurable milestone), every member's
/// trust in every other moves toward that one's follow-through record by
/// `transparency` (the result shows who delivered), and the next stage is
/// planned for `stage_rounds` rounds (`setup_effort` of the work and
/// `setup_hours`, contributions phase). Direction then relaxes toward `direction_floor` at
/// rate `direction_decay` (plans go stale; what the founding purpose gives
/// remains).
pub fn progress<C: Controller>(r: &mut Round<'_, C>) {
    // `members`: the current members (as the decision phase left them:
    // neither it nor the contributions change who is a member).
    let (w, s, ev, now, members) = (
        &mut *r.world,
        r.scenario,
        &mut *r.events,
        &mut *r.tally,
        &*r.members,
    );
    let dy = &s.dynamics;
    let efficiency = 1.0 / (1.0 + dy.coordination_loss * w.mean_contacts_of(members));
    let gain = {
        let c = &w.coalition;
        let lw = dy.legitimacy_weight;
        c.direction * ((1.0 - lw) + lw * c.legitimacy) * efficiency * now.aligned_effort
    };
    w.coalition.progress += gain;
    now.progress = gain;
    let mut won = false;
    loop {
        let c = &mut w.coalition;
        if c.next_milestone >= c.milestones.len() || c.progress < c.milestones[c.next_milestone] {
            break;
        }
        let index = c.next_milestone;
        c.next_milestone += 1;
        if c.first_win_round.is_none() {
            c.first_win_round = Some(w.round);
        }
        now.milestone = true;
        won = true;
        ev.push(Event {
            round: w.round,
            agent: None,
            kind: EventKind::Milestone { index },
        });
    }
    if won {
        // A verified result is evidence of the coalition's pace, for its
        // members and for the public alike; it shows who delivered, and the
        // next stage has to be planned.
        let on_track = w.on_track(s.max_rounds);
        let rw = dy.result_weight;
        let c = &mut w.coalition;
        c.shown = c.progress;
        c.legitimacy = unit(c.legitimacy + rw * (on_track - c.legitimacy));
        c.planning_until = w.round + dy.stage_rounds;
        for i in 0..w.n {
            if !w.is_member(i) {
                continue;
            }
            w.efficacy[i] = unit(w.efficacy[i] + rw * (on_track - w.efficacy[i]));
            w.clarity[i] = unit(w.clarity[i] + dy.agreement_clarity * (1.0 - w.clarity[i]));
        }
        super::checkin::reveal_records(w, dy);
        // News of who delivered, as at a check-in: no gap for negative
        // assumptions to fill.
        w.coalition.last_checkin = w.round;
    }
    // Stale plans relax toward the direction the founding purpose alone
    // gives (`direction_floor`).
    let c = &mut w.coalition;
    c.direction += dy.direction_decay * (dy.direction_floor - c.direction);
}
