//! Phase 2, recruitment and joining: members reach outsiders through the
//! relationships they have (trust), outsiders weigh what joining offers, and
//! admission applies the coalition's rule.

use super::{Controller, Event, EventKind, Round, chance};
use crate::model::governance::{Tally, passes};
use crate::model::{GovernanceState, Status, World};
use crate::scenario::{Admission, DecisionRule, Scenario};

/// For each outsider j (in index order; only members who were in at the
/// start of the phase recruit and vote, so the order of outsiders does not
/// change who reaches whom):
///
/// reach_j = 1 − Π_{i ∈ members} (1 − recruit_rate · e_i · T_ij)
///
/// utility_j = w_alignment · max(support_j, 0) · clarity_start
///           + w_trust · mean_i T_ji + w_efficacy · legitimacy · mean_i E_i
///           − exit_barrier · trapped · (1 − max(support_j, 0))
///
/// (trapped: what leaving would cost, [`trapped`](super::exit::trapped): 1
/// with no exit protocol, 1/6 with a graceful one by default)
///
/// bar_j = join_threshold + big_player_bar · power_j / max power · (1 + h) / (h + members)
///
/// with h = big_player_members − 2 (the bar of the most powerful candidate
/// is big_player_bar facing a lone founder, half that facing
/// big_player_members members).
///
/// P(join | reached) = clamp(join_gain · (utility_j − bar_j), 0, 1).
pub fn recruitment<C: Controller>(r: &mut Round<'_, C>) {
    let (w, s, rng, ev, now, recruiters) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.events,
        &mut *r.tally,
        &mut *r.members,
    );
    let g = &s.governance;
    if g.admission == Admission::Closed || w.coalition.members == 0 {
        return;
    }
    let dy = &s.dynamics;
    let n = w.n;
    let members_at_start = w.coalition.members;
    let max_power = w.power.iter().cloned().fold(0.0, f64::max).max(1e-12);
    let trap = super::exit::trapped(s);
    let h = dy.big_player_members - 2.0;
    // Those who recruit and vote: the members at the start of the phase, in
    // index order (a joiner of this round neither recruits nor votes), so
    // every sum and product below takes its terms in the order of a scan of
    // 0..n.
    recruiters.clear();
    recruiters.extend((0..n).filter(|&i| w.is_member(i) && w.joined_round[i] != w.round));
    let recruiters = &*recruiters;
    // `World::member_mean` of efficacy over the recruiters: nobody has
    // joined yet this round, so they are all the members (the same terms
    // in the same order).
    let mean_efficacy = if recruiters.is_empty() {
        0.0
    } else {
        let sum: f64 = recruiters
            .iter()
            .map(|&i| w.efficacy[i])
            .fold(0.0, |s, e| s + e);
        sum / recruiters.len() as f64
    };
    debug_assert_eq!(
        mean_efficacy.to_bits(),
        w.member_mean(|i| w.efficacy[i]).to_bits()
    );
    let public_efficacy = w.coalition.legitimacy * mean_efficacy;
    let strangers = if w.sparse {
        Strangers::of(w, s, recruiters)
    } else {
        Strangers::default()
    };
    let mut admitted = 0usize;
    for j in 0..n {
        if w.status[j] != Status::Outsider {
            continue;
        }
        if g.max_members > 0 && members_at_start + admitted >= g.max_members as usize {
            break;
        }
        let (reach, via, trust_in) = if w.sparse {
            sparse_reach(w, s, j, &strangers)
        } else {
            dense_reach(w, dy.recruit_rate, j, recruiters)
        };
        if !chance(rng, reach) {
            continue;
        }
        let support = w.support(j).max(0.0);
        let barrier = dy.exit_barrier * trap * (1.0 - support);
        let utility = dy.w_alignment * support * dy.clarity_start
            + dy.w_trust * trust_in / members_at_start as f64
            + dy.w_efficacy * public_efficacy
            - barrier;
        let bar = dy.join_threshold
            + dy.big_player_bar * w.power[j] / max_power * (1.0 + h)
                / (h + members_at_start as f64);
        if !chance(rng, (dy.join_gain * (utility - bar)).clamp(0.0, 1.0)) {
            continue;
        }
        if g.admission == Admission::Vote && !admission_vote(w, s, j, recruiters) {
            ev.push(Event {
                round: w.round,
                agent: Some(j),
                kind: EventKind::AdmissionRefused,
            });
            continue;
        }
        admitted += 1;
        join(w, j, dy.joiner_buy_in, dy.joiner_resentment);
        crate::model::structure::place(w, s, j);
        now.joined += 1;
        ev.push(Event {
            round: w.round,
            agent: Some(j),
            kind: EventKind::Joined {
                via: via.unwrap_or(j),
            },
        });
    }
}

/// Dense relationships: the reach of outsider j, 1 − Π (1 − recruit_rate ·
/// e_i · T_ij) over the recruiters in index order, the recruiter it comes
/// through (the first who pulls hardest) and the sum of its trust in them.
///
/// The per-agent vectors are sliced to the n agents, so one bounds check
/// on `i` serves the engagement and j's row; the product and the sum take
/// their terms in the same order as always.
#[inline]
fn dense_reach(w: &World, rate: f64, j: usize, recruiters: &[usize]) -> (f64, Option<usize>, f64) {
    let n = w.n;
    let engagement = &w.engagement[..n];
    // T_ji for every i, and T_ij at `column[i * n]`.
    let row = &w.trust[j * n..(j + 1) * n];
    let column = &w.trust[j..n * n];
    let (mut miss, mut best, mut via, mut trust_in) = (1.0, -1.0, usize::MAX, 0.0);
    for &i in recruiters {
        let t_ji = row[i];
        let pull = rate * engagement[i] * column[i * n];
        miss *= 1.0 - pull;
        if pull > best {
            best = pull;
            via = i;
        }
        trust_in += t_ji;
    }
    (1.0 - miss, (via != usize::MAX).then_some(via), trust_in)
}

/// Sparse relationships: what the recruiters as strangers give an
/// outsider (each pulls with strangers' trust): the product of their
/// misses (factors that are exactly 0 counted apart, so that one who
/// knows the outsider can be divided out), and the most engaged of them.
/// Thousands of factors may underflow the product to 0: the reach is then
/// 1, as it is to the last bit.
#[derive(Debug, Default)]
struct Strangers {
    /// Π (1 − pull) over recruiters with a non-zero factor.
    miss: f64,
    /// Recruiters whose stranger's pull is 1 (their factor is 0).
    certain: usize,
    best: Option<usize>,
    count: usize,
}

impl Strangers {
    fn of(w: &World, s: &Scenario, recruiters: &[usize]) -> Strangers {
        let dy = &s.dynamics;
        let mut st = Strangers {
            miss: 1.0,
            certain: 0,
            best: None,
            count: recruiters.len(),
        };
        let mut best = -1.0;
        for &i in recruiters {
            let pull = dy.recruit_rate * w.engagement[i] * w.strangers;
            if 1.0 - pull > 0.0 {
                st.miss *= 1.0 - pull;
            } else {
                st.certain += 1;
            }
            if pull > best {
                best = pull;
                st.best = Some(i);
            }
        }
        st
    }
}

/// Sparse relationships: the reach of outsider j (each recruiter pulls with
/// its trust in j: strangers' trust unless they know each other), the
/// member it comes through (the one it knows who pulls hardest, or the
/// most engaged recruiter when it knows none) and the sum of its trust in
/// the recruiters. An outsider's relationships are its initial ones
/// (mutual), so j's own list names the recruiters who know it.
fn sparse_reach(w: &World, s: &Scenario, j: usize, st: &Strangers) -> (f64, Option<usize>, f64) {
    let dy = &s.dynamics;
    let (mut miss, mut certain) = (st.miss, st.certain);
    let mut trust_in = st.count as f64 * w.strangers;
    let (mut via, mut best) = (None, -1.0);
    for tie in &w.ties[j] {
        let i = tie.j as usize;
        if !w.is_member(i) || w.joined_round[i] == w.round {
            continue;
        }
        let stranger = 1.0 - dy.recruit_rate * w.engagement[i] * w.strangers;
        if stranger > 0.0 {
            miss /= stranger;
        } else {
            certain -= 1;
        }
        let pull = dy.recruit_rate * w.engagement[i] * w.tie(i, j);
        miss *= 1.0 - pull;
        if pull > best {
            best = pull;
            via = Some(i);
        }
        trust_in += tie.t - w.strangers;
    }
    let reach = if certain > 0 { 1.0 } else { 1.0 - miss };
    (reach.clamp(0.0, 1.0), via.or(st.best), trust_in)
}

/// Members (the committee under the committee rule) vote yes when their
/// trust in the candidate reaches `admit_trust`; the decision rule decides.
/// `voters`: the members at the start of the phase, ascending.
fn admission_vote(w: &World, s: &Scenario, j: usize, voters: &[usize]) -> bool {
    let committee = s.governance.decision_rule == DecisionRule::Committee
        && w.coalition.governance == GovernanceState::Established;
    let mut t = Tally::default();
    for &i in voters {
        if committee && !w.committee[i] {
            continue;
        }
        let yes = w.trust(i, j) >= s.dynamics.admit_trust;
        t.total += 1;
        t.total_power += w.power[i];
        if yes {
            t.yes += 1;
            t.yes_power += w.power[i];
        }
    }
    passes(s.governance.decision_rule, &s.governance, &t)
}

fn join(w: &mut World, j: usize, buy_in: f64, resentment: f64) {
    w.status[j] = Status::Member;
    w.joined_round[j] = w.round;
    let mean_efficacy = w.member_mean(|i| w.efficacy[i]);
    w.efficacy[j] = mean_efficacy;
    // A joiner takes the agenda as it finds it (`joiner_buy_in`), with
    // the resentment it brings (`joiner_resentment`; 0 by default: it has
    // lost no decision here yet).
    w.buy_in[j] = buy_in;
    w.resentment[j] = resentment;
    w.coalition.members += 1;
    w.coalition.joins += 1;
    w.coalition.peak_members = w.coalition.peak_members.max(w.coalition.members);
}
