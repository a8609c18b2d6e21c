//! Phase 7, trust update: follow-through observed over time, and the
//! negative assumptions that fill a communication gap.

use super::{Rng, chance};
use crate::model::World;
use crate::scenario::Scenario;

/// For each ordered pair of members (i, j), i observes j's delivery this
/// round if both attended a check-in, otherwise with probability
/// `visibility`. Observed delivery: T_ij += gain (1 − T_ij); observed
/// shirking: T_ij −= loss T_ij. Then, if more than `gap_tolerance` rounds have
/// passed since the last check-in, assumptions fill the gap: every member's
/// trust in every other above the pessimistic level 0.5 · trust.strangers
/// moves toward it by `assumption_decay`.
pub fn update_trust(w: &mut World, s: &Scenario, rng: &mut Rng) {
    let t = &s.trust;
    let vis = s.dynamics.visibility;
    let n = w.n;
    for i in 0..n {
        if !w.is_member(i) {
            continue;
        }
        for j in 0..n {
            if j == i || !w.is_member(j) {
                continue;
            }
            let seen = (w.attended_now[i] && w.attended_now[j]) || chance(rng, vis);
            if !seen {
                continue;
            }
            let idx = i * n + j;
            if w.delivered_now[j] {
                w.trust[idx] += t.gain * (1.0 - w.trust[idx]);
            } else {
                w.trust[idx] -= t.loss * w.trust[idx];
            }
        }
    }
    if w.round.saturating_sub(w.coalition.last_checkin) > s.dynamics.gap_tolerance {
        let pessimism = 0.5 * s.trust.strangers;
        let rate = s.dynamics.assumption_decay;
        for i in 0..n {
            if !w.is_member(i) {
                continue;
            }
            for j in 0..n {
                let t = &mut w.trust[i * n + j];
                if j != i && w.status[j] == crate::model::Status::Member && *t > pessimism {
                    *t += rate * (pessimism - *t);
                }
            }
        }
    }
}
