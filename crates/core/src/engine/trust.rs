//! Phase 7, trust update: follow-through observed over time, and the
//! negative assumptions that fill a communication gap.

use super::{Controller, Round, chance_threshold};
use rand::{Rng as _, RngExt as _};

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
/// `members`: the current members, ascending. The random numbers are
/// drawn pair by pair, as `chance(visibility)` would draw them.
///
/// Fused sums: as each row is updated the phase also sums it, so it leaves
/// in `trust_cache` each member's mean trust in the others (what
/// `refresh_trust_cache` computes, bit for bit: the same terms added in the
/// same order) and returns the mean trust between members over all ordered
/// pairs ([`World::mean_trust`](crate::model::World::mean_trust), the same
/// single sum in the same order).
pub fn update_trust_in<C: Controller>(r: &mut Round<'_, C>) -> f64 {
    if r.world.sparse {
        return update_sparse(r);
    }
    let (w, s, rng, members, cache) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &*r.members,
        &mut *r.trust_cache,
    );
    let t = &s.trust;
    let vis = chance_threshold(s.dynamics.visibility);
    let n = w.n;
    let m = members.len();
    let grouped = w.grouped();
    let gap = w.round.saturating_sub(w.coalition.last_checkin) > s.dynamics.gap_tolerance;
    let pessimism = s.dynamics.pessimism * s.trust.strangers;
    let rate = s.dynamics.assumption_decay;
    let others = m.saturating_sub(1);
    cache.iter_mut().for_each(|c| *c = 0.0);
    let mut total = 0.0;
    // The per-agent vectors sliced to the n agents: one bounds check on j
    // (the row's) serves them all.
    let (attended, delivered_now) = (&w.attended_now[..n], &w.delivered_now[..n]);
    let (group, council) = (&w.group[..n], &w.council[..n]);
    let (gain, loss) = (t.gain, t.loss);
    // `members` lists the current members in index order, so pairs are
    // visited (and random numbers used) exactly as in a scan of 0..n.
    for (at, &i) in members.iter().enumerate() {
        let attended_i = attended[i];
        let (group_i, council_i) = (group[i], council[i]);
        let row = &mut w.trust[i * n..(i + 1) * n];
        let mut sum = 0.0;
        // Every other member: those before i, then those after (ascending).
        for half in [&members[..at], &members[at + 1..]] {
            for &j in half {
                let x = row[j];
                // A pair draws a random number (`chance(visibility)` in
                // its integer form) unless both attended one meeting.
                // Whether they met: i's attendance and the structure are
                // the same for the whole row (predicted branches); the
                // rest is one branch, not one per test (`&` and `|`
                // evaluate every operand; j's attendance is a coin flip to
                // the CPU).
                let met = attended_i
                    && attended[j] & (!grouped || (group[j] == group_i) | (council_i & council[j]));
                let seen = met || (rng.next_u64() >> 11) < vis;
                // Branch-free (which pairs are seen and who delivered are
                // coin flips the CPU cannot predict), yet bit-identical to
                // the plain if/else: the masks pick `gain (1 − x)` or
                // `−(loss x)` exactly, or +0.0, and `x + (−y) == x − y`,
                // `x + 0.0 == x` in IEEE 754.
                let gained = (gain * (1.0 - x)).to_bits();
                let lost = (-(loss * x)).to_bits();
                let delivered = 0u64.wrapping_sub(delivered_now[j] as u64);
                let delta = (gained & delivered) | (lost & !delivered);
                let seen = 0u64.wrapping_sub(seen as u64);
                let mut y = x + f64::from_bits(delta & seen);
                // The gap's decay of this pair (it reads and writes this
                // pair alone, so applying it row by row is applying it
                // after all).
                if gap && y > pessimism {
                    y += rate * (pessimism - y);
                }
                row[j] = y;
                sum += y;
                total += y;
            }
        }
        cache[i] = if others == 0 {
            w.lone_trust
        } else {
            sum / others as f64
        };
    }
    let pairs = m * others;
    if pairs == 0 {
        0.0
    } else {
        total / pairs as f64
    }
}

/// The trust phase with sparse relationships (docs/model.md, "Sparse
/// relationships"). Each member, in index order: comes to know the members
/// of its meetings (its group, and the council if it sits on it, when a
/// structure is in force); meets `trust.sample` members drawn at random
/// (a stranger among them becomes an acquaintance while both hold fewer
/// than `trust.acquaintances` relationships); then observes each member it
/// knows as the dense phase observes every member — surely when both
/// attended one meeting, otherwise with probability `visibility` — with
/// the gap's decay on the same relationships. Strangers are not observed
/// and stay at strangers' trust. Leaves each member's mean trust in the
/// members it knows in the trust cache and returns the mean over ordered
/// pairs of members who know each other.
fn update_sparse<C: Controller>(r: &mut Round<'_, C>) -> f64 {
    use crate::model::Status;
    let (w, s, rng, members, cache) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &*r.members,
        &mut *r.trust_cache,
    );
    let t = &s.trust;
    let vis = chance_threshold(s.dynamics.visibility);
    let (n, m) = (w.n, members.len());
    let gap = w.round.saturating_sub(w.coalition.last_checkin) > s.dynamics.gap_tolerance;
    let pessimism = s.dynamics.pessimism * s.trust.strangers;
    let rate = s.dynamics.assumption_decay;
    let cap = t.acquaintances as usize;
    cache.iter_mut().for_each(|c| *c = 0.0);
    w.meet_changed();
    let grouped = w.grouped();
    let (mut total, mut pairs) = (0.0, 0usize);
    for (at, &i) in members.iter().enumerate() {
        if let Some(&next) = members.get(at + 1) {
            crate::model::ties::prefetch_row(&w.ties[next]);
        }
        if m > 1 {
            for _ in 0..t.sample {
                let j = members[rng.random_range(0..m)];
                if j != i && w.ties[i].len() < cap && w.ties[j].len() < cap {
                    w.acquaint(i, j);
                }
            }
        }
        let attended_i = w.attended_now[i];
        let (group_i, council_i) = (w.group[i], w.council[i]);
        let mut row = std::mem::take(&mut w.ties[i]);
        // The per-agent vectors sliced to the n agents (one bounds check on
        // j, the status's, serves them all).
        let (status, attended) = (&w.status[..n], &w.attended_now[..n]);
        let (group, council, delivered_now) =
            (&w.group[..n], &w.council[..n], &w.delivered_now[..n]);
        let (mut sum, mut k) = (0.0, 0usize);
        for tie in row.iter_mut() {
            let j = tie.j as usize;
            if status[j] != Status::Member {
                continue;
            }
            // One random number for each member i knows and did not meet
            // (a branch the CPU predicts in the rounds without check-ins,
            // and for members who missed them: nobody is met). Whether
            // they met is `World::meet(i, j)` with i's side read once per
            // row.
            let met = attended_i
                && attended[j]
                && (!grouped || group[j] == group_i || (council_i && council[j]));
            let u = if met { 0 } else { rng.next_u64() };
            let seen = met | ((u >> 11) < vis);
            // Bit masks pick `gain (1 − x)` or `−(loss x)`, then the moved
            // or the unmoved trust: `x + (−y) == x − y` in IEEE 754, so
            // this is the plain if/else bit for bit.
            let x = tie.t;
            let gained = (t.gain * (1.0 - x)).to_bits();
            let lost = (-(t.loss * x)).to_bits();
            let delivered = 0u64.wrapping_sub(u64::from(delivered_now[j]));
            let moved = (x + f64::from_bits((gained & delivered) | (lost & !delivered))).to_bits();
            let seen = 0u64.wrapping_sub(u64::from(seen));
            let mut y = f64::from_bits((moved & seen) | (x.to_bits() & !seen));
            if gap && y > pessimism {
                y += rate * (pessimism - y);
            }
            tie.t = y;
            sum += y;
            k += 1;
        }
        w.ties[i] = row;
        cache[i] = if k > 0 {
            sum / k as f64
        } else if m > 1 {
            w.strangers
        } else {
            w.lone_trust
        };
        total += sum;
        pairs += k;
    }
    if pairs > 0 {
        total / pairs as f64
    } else if m > 1 {
        w.strangers
    } else {
        0.0
    }
}
