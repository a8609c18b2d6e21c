//! Phase 9, exits and removals; also the shared `leave` used by scheduled
//! departures.

use super::{Controller, Event, EventKind, Round, RoundTally, chance, decision};
use crate::model::{ExitReason, Status, World};
use crate::scenario::{ExitProtocol, Scenario};

/// How trapped a member of this coalition could be: the damage its exit
/// would do to the relationships it leaves (`graceful_exit_damage` under a
/// graceful protocol, `abrupt_exit_damage` with none) as a share of the
/// most an exit can do (the larger of the two); 0 when an exit damages
/// nothing. With the defaults, 1 with no protocol and 1/6 with a graceful
/// one. It scales what members weigh against staying in every coalition:
/// the barrier to leaving and to joining (`exit_barrier`) and the effort
/// held back against being trapped (`hedge`).
pub fn trapped(s: &Scenario) -> f64 {
    let dy = &s.dynamics;
    let most = dy.abrupt_exit_damage.max(dy.graceful_exit_damage);
    if most <= 0.0 {
        return 0.0;
    }
    let damage = match s.governance.exit_protocol {
        ExitProtocol::Graceful => dy.graceful_exit_damage,
        ExitProtocol::None => dy.abrupt_exit_damage,
    };
    damage / most
}

/// Decided from the state at the start of the phase, then applied in index
/// order. For each member i:
///
/// - removal: with `remove_after` > 0, `missed_i >= remove_after` → removed
///   (a formal process, so graceful);
/// - misfit: in a round with a re-alignment, support_i <= `misfit_support` → leaves
///   gracefully (the new direction does not fit);
/// - burnout: with probability burnout_rate · max(0, h_i − budget) / budget;
/// - voluntary exit: the threshold is θ = exit_threshold − exit_barrier ·
///   [`trapped`] (leaving burns bridges in proportion to the damage an exit
///   does, so members stay on, trapped and disengaging; a graceful protocol
///   makes departures easier); if C_i < θ it leaves with probability
///   leave_gain · (θ − C_i), for the reason whose shortfall is largest.
pub fn exits<C: Controller>(r: &mut Round<'_, C>) {
    // `members`: the current members, ascending (collected for the trust
    // phase; nothing since has changed anyone's membership).
    let (w, s, rng, ev, now, ctl, members) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.events,
        &mut *r.tally,
        &mut *r.ctl,
        &*r.members,
    );
    let dy = &s.dynamics;
    let g = &s.governance;
    let theta = dy.exit_threshold - dy.exit_barrier * trapped(s);
    let realigned = w.coalition.realigned_at == w.round && w.round > 0;
    let (n, round) = (w.n, w.round);
    // Decided now, applied after the loop (every decision reads the start
    // state): the leavers in member order, in the exit scratch.
    let mut scratch = std::mem::take(&mut w.exit_scratch);
    scratch.leavers.clear();
    {
        let w = &*w;
        // Sliced to the n agents: one bounds check on i serves them all.
        let (joined_round, hours_now, commitment, missed) = (
            &w.joined_round[..n],
            &w.hours_now[..n],
            &w.commitment[..n],
            &w.missed[..n],
        );
        for &i in members {
            if joined_round[i] == round {
                continue;
            }
            let over = (hours_now[i] - dy.hours_budget).max(0.0) / dy.hours_budget;
            let c = commitment[i];
            let reason = if g.remove_after > 0 && missed[i] >= g.remove_after {
                Some(ExitReason::Removed)
            } else if realigned && w.support(i) <= dy.misfit_support {
                Some(ExitReason::Misfit)
            } else if over > 0.0 && chance(rng, dy.burnout_rate * over) {
                Some(ExitReason::Burnout)
            } else if c < theta && chance(rng, dy.leave_gain * (theta - c)) {
                Some(weakest(w, s, i))
            } else {
                None
            };
            // A player may leave when the model would not (for the reason
            // whose shortfall is largest) or stay on, except through a
            // removal or a re-alignment misfit (formal processes).
            let leaves = ctl.leave(i, reason);
            let reason = match (leaves, reason) {
                (true, None) => Some(weakest(w, s, i)),
                (false, Some(r)) if !matches!(r, ExitReason::Removed | ExitReason::Misfit) => None,
                (_, r) => r,
            };
            if let Some(r) = reason {
                scratch.leavers.push((i, r));
            }
        }
    }
    let leavers = std::mem::take(&mut scratch.leavers);
    w.exit_scratch = scratch;
    leave_all(w, s, &leavers, ev, now);
    w.exit_scratch.leavers = leavers;
}

/// Exits applied one after the other in the given order, with the same
/// result as calling [`leave`] for each, but in time linear in the trust
/// matrix rather than cubic: [`leave`] scales the trust between all
/// remaining members at every exit (O(n²) each), so a round in which
/// thousands of members leave cost seconds (issue 12).
///
/// Here each exit only records its trust factor; the trust of a pair is
/// scaled once at the end, by the factors of the exits that happened while
/// both were still members (a prefix of the list), and a leaver's mean
/// trust in the others (for its `Left` event) reads its row through the
/// factors so far. Up to [`EXACT_FACTORS`] factors are applied one after
/// the other, exactly as [`leave`] does, so the result is bit for bit the
/// same whenever at most that many members leave in one phase; further
/// factors are applied as their product, which can differ from the
/// step-by-step product in the last bit. Uses `w.exit_scratch`, so it
/// allocates nothing once the run is warmed up.
pub fn leave_all(
    w: &mut World,
    s: &Scenario,
    leavers: &[(usize, ExitReason)],
    ev: &mut Vec<Event>,
    now: &mut RoundTally,
) {
    if w.sparse {
        return leave_all_sparse(w, s, leavers, ev, now);
    }
    if leavers.len() <= 1 {
        for &(i, r) in leavers {
            leave(w, s, i, r, ev, now);
        }
        return;
    }
    let n = w.n;
    let mut scratch = std::mem::take(&mut w.exit_scratch);
    let start_members = &mut scratch.members;
    start_members.clear();
    start_members.extend((0..n).filter(|&i| w.is_member(i)));
    // order[i]: how many exits happened before i left (usize::MAX: stays).
    let order = &mut scratch.order;
    order.clear();
    order.resize(n, usize::MAX);
    let mut factors = Factors(&mut scratch.factors);
    factors.0.clear();
    for &(i, reason) in leavers {
        if !w.is_member(i) {
            continue;
        }
        order[i] = factors.len();
        // Mean trust of i in the remaining members, through the factors of
        // the exits so far (all of them apply: both were members).
        let row = &w.trust[i * n..(i + 1) * n];
        let applied = factors.len();
        let (mut sum, mut k) = (0.0, 0usize);
        for (j, &t) in row.iter().enumerate() {
            if j != i && w.status[j] == Status::Member {
                sum += factors.apply(t, applied);
                k += 1;
            }
        }
        let trust = if k == 0 {
            s.dynamics.lone_trust
        } else {
            sum / k as f64
        };
        depart(w, s, i, reason, trust, ev, now, |_, f| factors.push(f));
    }
    if !factors.0.is_empty() {
        w.count_groups();
    }
    let all = factors.len();
    for &a in start_members.iter() {
        let row = &mut w.trust[a * n..(a + 1) * n];
        for &b in start_members.iter() {
            let applied = order[a].min(order[b]).min(all);
            if b != a && applied > 0 {
                row[b] = factors.apply(row[b], applied);
            }
        }
    }
    w.exit_scratch = scratch;
}

/// [`leave_all`] with sparse relationships: the exits in order, each
/// leaver's `Left` event reading its trust in the members it knows as the
/// phase began (less those who left before it); the damage of the round's
/// exits lands together at the end: each remaining member's trust in the
/// members it knows falls by the damage of every leaver it knew (the
/// product of their factors). Who did not know a leaver is not shaken by
/// its going.
fn leave_all_sparse(
    w: &mut World,
    s: &Scenario,
    leavers: &[(usize, ExitReason)],
    ev: &mut Vec<Event>,
    now: &mut RoundTally,
) {
    let n = w.n;
    let mut scratch = std::mem::take(&mut w.exit_scratch);
    let pending = &mut scratch.factors;
    pending.clear();
    pending.resize(n, 1.0);
    // Agents who knew a leaver (1), whose lists are pruned at the end.
    let knew = &mut scratch.order;
    knew.clear();
    knew.resize(n, 0);
    let mut departed = false;
    for &(i, reason) in leavers {
        if !w.is_member(i) {
            continue;
        }
        let trust = w.sparse_trust_in_members(i);
        depart(w, s, i, reason, trust, ev, now, |w, f| {
            for t in &w.ties[i] {
                pending[t.j as usize] *= f;
                knew[t.j as usize] = 1;
            }
        });
        departed = true;
    }
    if departed {
        w.count_groups();
    }
    for a in 0..n {
        if pending[a] != 1.0 && w.is_member(a) {
            w.scale_trust_of(a, pending[a]);
        }
    }
    // A relationship with a former member plays no further part: dropped
    // on both sides, one pass over each list that held one.
    for a in 0..n {
        if knew[a] == 1 {
            let status = &w.status;
            w.ties[a].retain(|t| status[t.j as usize] != crate::model::Status::Former);
        }
    }
    for &(i, _) in leavers {
        if w.status[i] == crate::model::Status::Former {
            w.ties[i] = Vec::new();
        }
    }
    w.exit_scratch = scratch;
}

/// How many exit factors [`leave_all`] applies one after the other (as
/// [`leave`] does) before it switches to their product: more than any
/// round of the shipped scenarios has exits, so their results are exactly
/// those of one exit after the other.
pub const EXACT_FACTORS: usize = 64;

/// The trust factors of a phase's exits, in order: the first
/// [`EXACT_FACTORS`] one by one, then running products (entry
/// `EXACT_FACTORS + m` is the product of the factors after the first
/// [`EXACT_FACTORS`], up to and including that one).
struct Factors<'a>(&'a mut Vec<f64>);

impl Factors<'_> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn push(&mut self, f: f64) {
        let v = &mut *self.0;
        if v.len() <= EXACT_FACTORS {
            v.push(f);
        } else {
            let p = v[v.len() - 1] * f;
            v.push(p);
        }
    }

    /// `t` scaled by the first `count` factors.
    fn apply(&self, t: f64, count: usize) -> f64 {
        let exact = count.min(EXACT_FACTORS);
        let mut t = self.0[..exact].iter().fold(t, |t, &f| t * f);
        if count > exact {
            t *= self.0[count - 1];
        }
        t
    }
}

/// The component of commitment furthest below a healthy level
/// (`healthy_level` for alignment, trust and efficacy; the hour burden and
/// hidden objection count as they are).
fn weakest(w: &World, s: &Scenario, i: usize) -> ExitReason {
    let dy = &s.dynamics;
    let healthy = dy.healthy_level;
    let candidates = [
        (
            ExitReason::LowAlignment,
            dy.w_alignment * (healthy - w.alignment(i)),
        ),
        (
            ExitReason::LowTrust,
            dy.w_trust * (healthy - w.trust_in_members(i)),
        ),
        (
            ExitReason::LowEfficacy,
            dy.w_efficacy * (healthy - w.efficacy[i]),
        ),
        (
            ExitReason::Overload,
            dy.w_cost * w.hours_now[i] / dy.hours_budget,
        ),
        (ExitReason::HiddenObjection, dy.w_hidden * w.hidden[i]),
        (ExitReason::Outvoted, dy.w_resentment * w.resentment[i]),
    ];
    candidates
        .iter()
        .fold(
            candidates[0],
            |best, &c| if c.1 > best.1 { c } else { best },
        )
        .0
}

/// Member i leaves for `reason`. Graceful when the coalition has an exit
/// protocol, or when it is a removal or a re-alignment (formal processes).
/// Everyone remaining loses `graceful_exit_damage` (or `abrupt_exit_damage`)
/// of their trust in each other (sparse relationships: only those who knew
/// the leaver, in the members they know); an abrupt exit also takes
/// `abrupt_work_loss` of the leaver's share of the shared work with it. A
/// leader's departure costs the coalition its know-how ([`leadership_loss`]).
pub fn leave(
    w: &mut World,
    s: &Scenario,
    i: usize,
    reason: ExitReason,
    ev: &mut Vec<Event>,
    now: &mut RoundTally,
) {
    if !w.is_member(i) {
        return;
    }
    let trust = w.trust_in_members(i);
    if w.sparse {
        depart(w, s, i, reason, trust, ev, now, |w, f| {
            w.knowers_lose_trust(i, f)
        });
        w.forget(i);
    } else {
        depart(w, s, i, reason, trust, ev, now, World::scale_member_trust);
    }
    w.count_groups();
}

/// What one exit does, for [`leave`] and [`leave_all`] alike: i (a member,
/// whose mean trust in the other members is `trust`) becomes a former
/// member, the counters move, `scale_trust` is handed the factor by which
/// the trust between the remaining members falls (applied at once by
/// [`leave`], recorded for later by [`leave_all`]), an abrupt exit takes
/// its share of the work, the `Left` event is recorded, and a leader's or
/// committee member's departure is dealt with.
#[allow(clippy::too_many_arguments)]
fn depart(
    w: &mut World,
    s: &Scenario,
    i: usize,
    reason: ExitReason,
    trust: f64,
    ev: &mut Vec<Event>,
    now: &mut RoundTally,
    mut scale_trust: impl FnMut(&mut World, f64),
) {
    let dy = &s.dynamics;
    let graceful = s.governance.exit_protocol == ExitProtocol::Graceful
        || matches!(reason, ExitReason::Removed | ExitReason::Misfit);
    let alignment = w.alignment(i);
    let commitment = w.commitment[i];
    w.status[i] = Status::Former;
    w.left_round[i] = w.round;
    w.exit_reason[i] = Some(reason);
    w.coalition.members -= 1;
    w.coalition.exits[reason.index()] += 1;
    now.left += 1;
    if graceful {
        scale_trust(w, 1.0 - dy.graceful_exit_damage);
    } else {
        w.coalition.abrupt_exits += 1;
        scale_trust(w, 1.0 - dy.abrupt_exit_damage);
        let total = w.coalition.total_contribution;
        if total > 0.0 {
            let share = w.contributed[i] / total;
            w.coalition.progress *= 1.0 - dy.abrupt_work_loss * share;
        }
    }
    ev.push(Event {
        round: w.round,
        agent: Some(i),
        kind: EventKind::Left {
            reason,
            graceful,
            trust,
            alignment,
            commitment,
        },
    });
    if w.leadership[i] > 0.0 {
        leadership_loss(w, s, i, ev);
    }
    let council = w.council[i];
    // The caller recounts the groups after its last exit.
    crate::model::structure::on_leave_uncounted(w, i);
    if w.committee[i] {
        w.committee[i] = false;
        decision::select_committee(w, s);
        if council && w.coalition.coordination == crate::scenario::Coordination::Committee {
            crate::model::structure::organise(w, s);
        }
    }
}

/// Agent m's leadership share ℓ leaves the coalition. The share kept is
/// `documentation_keep` with documented processes, else 0; the loss
/// L = ℓ (1 − keep) cuts every member's clarity and the direction by L, and
/// efficacy and legitimacy by `leadership_efficacy_loss` · L. The share then passes to the remaining
/// members in equal parts (someone steps in).
pub fn leadership_loss(w: &mut World, s: &Scenario, m: usize, ev: &mut Vec<Event>) {
    let share = w.leadership[m];
    let keep = if s.governance.documented_processes {
        s.dynamics.documentation_keep
    } else {
        0.0
    };
    // Shares handed on in equal parts can add up to a hair above 1.
    let loss = (share * (1.0 - keep)).clamp(0.0, 1.0);
    w.leadership[m] = 0.0;
    // The members other than m (the member counter is kept with every
    // change of status; m has already left unless a shock took its staff).
    let others = w.coalition.members - usize::from(w.is_member(m));
    let clarity_kept = 1.0 - loss;
    let efficacy_kept = 1.0 - loss * s.dynamics.leadership_efficacy_loss;
    let handed_on = share / others as f64;
    // Every agent visited, each value picked rather than branched on (an
    // agent's status is a coin flip to the CPU): `x · 1 == x`, and a
    // non-member's leadership is left as it is, so this is the plain
    // filtered loop bit for bit.
    let (status, clarity, efficacy, leadership) = (
        &w.status[..],
        &mut w.clarity[..],
        &mut w.efficacy[..],
        &mut w.leadership[..],
    );
    for (i, (((st, c), e), l)) in status
        .iter()
        .zip(clarity.iter_mut())
        .zip(efficacy.iter_mut())
        .zip(leadership.iter_mut())
        .enumerate()
    {
        let on = i != m && *st == Status::Member;
        *c *= if on { clarity_kept } else { 1.0 };
        *e *= if on { efficacy_kept } else { 1.0 };
        *l = if on { *l + handed_on } else { *l };
    }
    w.coalition.direction *= 1.0 - loss;
    w.coalition.legitimacy *= 1.0 - loss * s.dynamics.leadership_efficacy_loss;
    ev.push(Event {
        round: w.round,
        agent: Some(m),
        kind: EventKind::LeadershipLoss { share },
    });
}
