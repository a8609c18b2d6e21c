//! Phase 1, external shocks (drift): the scheduled founder departure, scope
//! expansions (mission creep), and random shocks — a new competitor, a policy
//! shift, a leadership change in one member — and a shock the controller
//! calls (the class game's teacher).

use super::{
    Controller, Event, EventKind, Rng, Round, ShockKind, chance, exit, normal, scope, weighted_pick,
};
use crate::model::{ExitReason, Status, World};
use crate::scenario::Scenario;
use rand::RngExt;

pub fn shocks<C: Controller>(r: &mut Round<'_, C>) {
    let (w, s, rng, ev, now) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.events,
        &mut *r.tally,
    );
    let round = w.round;
    if s.shocks.founder_leaves_at == round
        && let Some(f) = (0..w.n).find(|&i| w.founder[i] && w.is_member(i))
    {
        exit::leave(w, s, f, ExitReason::FounderDeparture, ev, now);
    }
    if s.goal.expansion_rounds.contains(&round) {
        scope::expand_scope(w, s, ev);
    }
    // The model's shock: drawn from the run's stream.
    if chance(rng, s.shocks.rate) && w.coalition.members > 0 {
        let kind = match rng.random_range(0..3u32) {
            0 => ShockKind::Competitor,
            1 => ShockKind::PolicyShift,
            _ => ShockKind::LeadershipChange,
        };
        strike(w, s, rng, ev, round, kind);
    }
    // A shock the controller calls (the class game's teacher), on top of
    // the model's: the same shock, its draws from a side stream of the
    // run's generator, so that every other draw of the run is the model's.
    if let Some(kind) = r.ctl.call_shock()
        && w.coalition.members > 0
    {
        let mut side = rng.clone();
        side.set_stream(rng.get_stream() ^ SIDE_STREAM);
        strike(w, s, &mut side, ev, round, kind);
    }
}

/// The stream a called shock draws from: the run's own, its top bit flipped.
const SIDE_STREAM: u64 = 1 << 63;

/// One external shock of `kind`, of size `shocks.size`.
fn strike(
    w: &mut World,
    s: &Scenario,
    rng: &mut Rng,
    ev: &mut Vec<Event>,
    round: u32,
    kind: ShockKind,
) {
    let size = s.shocks.size;
    // The shock is told before its consequences (e.g. a leadership loss).
    let at = ev.len();
    ev.push(Event {
        round,
        agent: None,
        kind: EventKind::Shock { kind },
    });
    let mut target = None;
    match kind {
        ShockKind::Competitor => {
            w.coalition.legitimacy *= 1.0 - size / 2.0;
            for i in 0..w.n {
                if w.is_member(i) {
                    w.efficacy[i] *= 1.0 - size / 2.0;
                }
            }
        }
        ShockKind::PolicyShift => {
            let k = weighted_pick(rng, w.d, |_| true, |k| w.coalition.focus[k]).unwrap_or(0);
            for i in 0..w.n {
                let x = &mut w.position[i * w.d + k];
                *x = (*x + size * normal(rng)).clamp(-1.0, 1.0);
                w.urgency[i] *= 1.0 - size / 2.0;
            }
        }
        ShockKind::LeadershipChange => {
            let m = weighted_pick(rng, w.n, |i| w.status[i] == Status::Member, |_| 1.0);
            if let Some(m) = m {
                target = Some(m);
                for k in 0..w.d {
                    let x = &mut w.position[m * w.d + k];
                    let fresh = 2.0 * rng.random::<f64>() - 1.0;
                    *x = 0.5 * (*x + fresh);
                }
                w.engagement[m] *= 1.0 - size;
                let reset = s.trust.strangers;
                for j in 0..w.n {
                    if j != m {
                        let a = m * w.n + j;
                        let b = j * w.n + m;
                        w.trust[a] = 0.5 * (w.trust[a] + reset);
                        w.trust[b] = 0.5 * (w.trust[b] + reset);
                    }
                }
                if w.leadership[m] > 0.0 {
                    exit::leadership_loss(w, s, m, ev);
                }
            }
        }
    }
    // Ambiguity: every member's clarity falls, less for those who trust the
    // others to act in good faith (alignment without trust breaks here).
    for i in 0..w.n {
        if w.is_member(i) {
            let tau = w.trust_in_members(i);
            w.clarity[i] *= 1.0 - size * (1.0 - tau);
        }
    }
    ev[at].agent = target;
}
