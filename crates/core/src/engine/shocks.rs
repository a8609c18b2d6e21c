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
    // `members` is free scratch until recruitment fills it.
    let (w, s, rng, ev, now, members) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.events,
        &mut *r.tally,
        &mut *r.members,
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
        let kind = shock_kind(s, rng);
        strike(w, s, rng, ev, round, kind, members);
    }
    // A shock the controller calls (the class game's teacher), on top of
    // the model's: the same shock, its draws from a side stream of the
    // run's generator, so that every other draw of the run is the model's.
    if let Some(kind) = r.ctl.call_shock()
        && w.coalition.members > 0
    {
        let mut side = rng.clone();
        side.set_stream(rng.get_stream() ^ SIDE_STREAM);
        strike(w, s, &mut side, ev, round, kind, members);
    }
}

/// The stream a called shock draws from: the run's own, its top bit flipped.
const SIDE_STREAM: u64 = 1 << 63;

/// The kind of a shock, drawn in proportion to `competitor_weight`,
/// `policy_weight` and `leadership_weight`. Equal weights (the default)
/// draw one of three uniformly with a single integer draw, as before the
/// weights existed, so default runs keep their random streams.
fn shock_kind(s: &Scenario, rng: &mut Rng) -> ShockKind {
    const KINDS: [ShockKind; 3] = [
        ShockKind::Competitor,
        ShockKind::PolicyShift,
        ShockKind::LeadershipChange,
    ];
    let sh = &s.shocks;
    let weights = [sh.competitor_weight, sh.policy_weight, sh.leadership_weight];
    if weights[0] == weights[1] && weights[1] == weights[2] {
        return KINDS[rng.random_range(0..3u32) as usize];
    }
    weighted_pick(rng, 3, |_| true, |k| weights[k])
        .map(|k| KINDS[k])
        .unwrap_or(ShockKind::Competitor)
}

/// One external shock of `kind`, of size σ = `shocks.size`: a competitor
/// cuts legitimacy and every member's efficacy by `secondary` · σ; a
/// policy shift moves every position on one issue (drawn by focus) by σ ×
/// a standard normal and cuts urgency by `secondary` · σ; a leadership
/// change in a member moves its positions `turnover` of the way to a fresh
/// draw and the trust between it and everyone `turnover` of the way to
/// strangers' trust, and cuts its engagement by σ.
fn strike(
    w: &mut World,
    s: &Scenario,
    rng: &mut Rng,
    ev: &mut Vec<Event>,
    round: u32,
    kind: ShockKind,
    members: &mut Vec<usize>,
) {
    let size = s.shocks.size;
    let side = size * s.shocks.secondary;
    let turnover = s.shocks.turnover;
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
            w.coalition.legitimacy *= 1.0 - side;
            for i in 0..w.n {
                if w.is_member(i) {
                    w.efficacy[i] *= 1.0 - side;
                }
            }
        }
        ShockKind::PolicyShift => {
            let k = weighted_pick(rng, w.d, |_| true, |k| w.coalition.focus[k]).unwrap_or(0);
            for i in 0..w.n {
                let x = &mut w.position[i * w.d + k];
                *x = (*x + size * normal(rng)).clamp(-1.0, 1.0);
                w.urgency[i] *= 1.0 - side;
            }
        }
        ShockKind::LeadershipChange => {
            let m = weighted_pick(rng, w.n, |i| w.status[i] == Status::Member, |_| 1.0);
            if let Some(m) = m {
                target = Some(m);
                for k in 0..w.d {
                    let x = &mut w.position[m * w.d + k];
                    let fresh = 2.0 * rng.random::<f64>() - 1.0;
                    *x = (1.0 - turnover) * *x + turnover * fresh;
                }
                w.engagement[m] *= 1.0 - size;
                let reset = s.trust.strangers;
                if w.sparse {
                    // Strangers already stand at strangers' trust.
                    for k in 0..w.ties[m].len() {
                        let j = w.ties[m][k].j as usize;
                        let a = w.know(m, j);
                        *a = (1.0 - turnover) * *a + turnover * reset;
                        let b = w.know(j, m);
                        *b = (1.0 - turnover) * *b + turnover * reset;
                    }
                }
                let dense = if w.sparse { 0 } else { w.n };
                for j in 0..dense {
                    if j != m {
                        let a = m * w.n + j;
                        let b = j * w.n + m;
                        w.trust[a] = (1.0 - turnover) * w.trust[a] + turnover * reset;
                        w.trust[b] = (1.0 - turnover) * w.trust[b] + turnover * reset;
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
    // (Over the list of members: `World::trust_in_members` without a scan
    // of all n agents per member; nothing here changes trust.)
    members.clear();
    members.extend((0..w.n).filter(|&i| w.is_member(i)));
    for &i in members.iter() {
        let tau = w.trust_in_members_of(i, members);
        w.clarity[i] *= 1.0 - size * (1.0 - tau);
    }
    ev[at].agent = target;
}
