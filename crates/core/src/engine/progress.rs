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
/// Crossing a milestone is a visible win: every member's efficacy gains
/// `win_efficacy` of its gap to 1, its clarity `agreement_clarity` of its
/// gap (a measurable milestone), trust between members and legitimacy gain
/// `win_trust` of theirs. Direction then relaxes toward `direction_floor` at
/// rate `direction_decay` (plans go stale; what the founding purpose gives
/// remains).
pub fn progress<C: Controller>(r: &mut Round<'_, C>) {
    let (w, s, ev, now) = (&mut *r.world, r.scenario, &mut *r.events, &mut *r.tally);
    let dy = &s.dynamics;
    let efficiency = 1.0 / (1.0 + dy.coordination_loss * w.mean_contacts());
    let gain = {
        let c = &w.coalition;
        let lw = dy.legitimacy_weight;
        c.direction * ((1.0 - lw) + lw * c.legitimacy) * efficiency * now.aligned_effort
    };
    w.coalition.progress += gain;
    now.progress = gain;
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
        c.legitimacy = unit(c.legitimacy + dy.win_trust * (1.0 - c.legitimacy));
        ev.push(Event {
            round: w.round,
            agent: None,
            kind: EventKind::Milestone { index },
        });
        for i in 0..w.n {
            if !w.is_member(i) {
                continue;
            }
            w.efficacy[i] = unit(w.efficacy[i] + dy.win_efficacy * (1.0 - w.efficacy[i]));
            w.clarity[i] = unit(w.clarity[i] + dy.agreement_clarity * (1.0 - w.clarity[i]));
            if w.sparse {
                // Between those who know each other.
                let mut ties = std::mem::take(&mut w.ties[i]);
                for t in ties.iter_mut() {
                    if w.status[t.j as usize] == crate::model::Status::Member {
                        t.t = (t.t + dy.win_trust * (1.0 - t.t)).clamp(0.0, 1.0);
                    }
                }
                w.ties[i] = ties;
                continue;
            }
            for j in 0..w.n {
                if j != i && w.is_member(j) {
                    let t = w.trust(i, j);
                    w.nudge_trust(i, j, dy.win_trust * (1.0 - t));
                }
            }
        }
    }
    // Stale plans relax toward the direction the founding purpose alone
    // gives (`direction_floor`).
    let c = &mut w.coalition;
    c.direction += dy.direction_decay * (dy.direction_floor - c.direction);
}
