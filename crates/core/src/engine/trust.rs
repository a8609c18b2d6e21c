//! Phase 7, trust update: follow-through observed over time, and the
//! negative assumptions that fill a communication gap.

use super::{Controller, Round, chance_threshold};
use rand::Rng as _;

/// [`update_trust_in`] with its scratch made here (for tests; the engine
/// passes reused scratch so that a round allocates nothing).
#[cfg(test)]
pub fn update_trust(
    w: &mut crate::model::World,
    s: &crate::scenario::Scenario,
    rng: &mut super::Rng,
) {
    super::phase(
        w,
        s,
        rng,
        &mut Vec::new(),
        &mut super::RoundTally::default(),
        &[],
        &mut super::ModelRules,
        update_trust_in,
    );
}

/// For each ordered pair of members (i, j), i observes j's delivery this
/// round if both attended a check-in, otherwise with probability
/// `visibility`. Observed delivery: T_ij += gain (1 − T_ij); observed
/// shirking: T_ij −= loss T_ij. Then, if more than `gap_tolerance` rounds have
/// passed since the last check-in, assumptions fill the gap: every member's
/// trust in every other above the pessimistic level `pessimism` ·
/// trust.strangers moves toward it by `assumption_decay`.
///
/// `members`: the current members, ascending; `draws`: scratch of at least
/// 8 bytes per ordered pair of members.
pub fn update_trust_in<C: Controller>(r: &mut Round<'_, C>) {
    let (w, s, rng, members, draws) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &*r.members,
        &mut *r.draws,
    );
    let t = &s.trust;
    let vis = chance_threshold(s.dynamics.visibility);
    let n = w.n;
    // A pair draws a random number unless both attended a check-in. Draw
    // them all at once: the byte stream of `fill_bytes` is the stream of
    // `next_u64` calls (little-endian words in the same order), so the k-th
    // 8 bytes are exactly what the k-th `chance` would have drawn.
    let m = members.len();
    // Ordered pairs of attendees who met (one draw for each other pair).
    let met = if w.grouped() {
        met_pairs(w, members)
    } else {
        let a = members.iter().filter(|&&i| w.attended_now[i]).count();
        a * a.saturating_sub(1)
    };
    let need = m * m.saturating_sub(1) - met;
    let grouped = w.grouped();
    let draws = &mut draws[..8 * need];
    rng.fill_bytes(draws);
    let mut next = draws.chunks_exact(8);
    // `members` lists the current members in index order, so pairs are
    // visited (and random numbers used) exactly as in a scan of 0..n.
    for &i in members {
        let attended_i = w.attended_now[i];
        let row = &mut w.trust[i * n..(i + 1) * n];
        for &j in members {
            if j == i {
                continue;
            }
            let seen = (attended_i
                && w.attended_now[j]
                && (!grouped || w.group[i] == w.group[j] || (w.council[i] && w.council[j])))
                || {
                    let bytes = next.next().expect("one draw per unattended pair");
                    let u = u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
                    (u >> 11) < vis
                };
            // Branch-free (which pairs are seen and who delivered are coin
            // flips the CPU cannot predict), yet bit-identical to the plain
            // if/else: the masks pick `gain (1 − x)` or `−(loss x)` exactly,
            // or +0.0, and `x + (−y) == x − y`, `x + 0.0 == x` in IEEE 754.
            let x = row[j];
            let gained = (t.gain * (1.0 - x)).to_bits();
            let lost = (-(t.loss * x)).to_bits();
            let delivered = 0u64.wrapping_sub(w.delivered_now[j] as u64);
            let delta = (gained & delivered) | (lost & !delivered);
            let seen = 0u64.wrapping_sub(seen as u64);
            row[j] = x + f64::from_bits(delta & seen);
        }
    }
    if w.round.saturating_sub(w.coalition.last_checkin) > s.dynamics.gap_tolerance {
        let pessimism = s.dynamics.pessimism * s.trust.strangers;
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

/// Ordered pairs of members who attended one meeting together this round
/// under a grouped structure: within each group, and on the council (each
/// group has at most one council member, so no pair is in both).
fn met_pairs(w: &mut crate::model::World, members: &[usize]) -> usize {
    let counts = &mut w.group_attended;
    let mut council = 0usize;
    for &i in members {
        if w.attended_now[i] && w.group[i] != crate::model::structure::NO_GROUP {
            counts[w.group[i] as usize] += 1;
            council += w.council[i] as usize;
        }
    }
    let mut pairs = council * council.saturating_sub(1);
    for &i in members {
        if w.group[i] != crate::model::structure::NO_GROUP {
            let c = &mut counts[w.group[i] as usize];
            pairs += (*c as usize) * (*c as usize).saturating_sub(1);
            *c = 0;
        }
    }
    pairs
}
