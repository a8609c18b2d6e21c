//! Phase 3, check-ins: the coalition's communication routine.

use super::{Controller, Event, EventKind, Round, chance};
use crate::model::unit;

/// [`checkins_in`] with its scratch made here (for tests; the engine passes
/// reused scratch so that a round allocates nothing).
#[cfg(test)]
pub fn checkins(
    w: &mut crate::model::World,
    s: &crate::scenario::Scenario,
    rng: &mut super::Rng,
    ev: &mut Vec<Event>,
    now: &mut super::RoundTally,
) {
    super::phase(w, s, rng, ev, now, &[], &mut super::ModelRules, checkins_in);
}

/// Every `checkin_every` rounds each member attends with probability equal
/// to its engagement. An attendee spends `checkin_hours`, gains clarity
/// (`checkin_clarity` of the gap to 1; half of it when it sends a junior
/// representative, engagement < `junior_threshold`), and pulls its trust in
/// each other attendee toward that one's follow-through record
/// (delivered + 1) / (committed + 2) by `transparency`. When dissent is
/// solicited (no `silence_as_consent`) under an established rule,
/// `checkin_voice` of each attendee's hidden objection is aired and resolved
/// (before governance there is no forum for it). With `private_checkin`, a member
/// who missed `private_checkin_after` rounds in a row gets a private
/// conversation that restores `private_checkin_boost` of its missing
/// engagement. The record starts from `record_prior` pseudo-deliveries and
/// pseudo-misses: (delivered + a) / (committed + 2a).
///
/// Returns whether it left the trust cache current for the attendees
/// (sparse relationships: their mean trust in the members they know is
/// summed as their relationships are nudged, so the refresh that follows
/// the phase skips them).
pub fn checkins_in<C: Controller>(r: &mut Round<'_, C>) -> bool {
    let (w, s, rng, ev, now, attendees, ctl, cache) = (
        &mut *r.world,
        r.scenario,
        &mut *r.rng,
        &mut *r.events,
        &mut *r.tally,
        &mut *r.members,
        &mut *r.ctl,
        &mut *r.trust_cache,
    );
    let g = &s.governance;
    if g.checkin_every == 0 || w.round % g.checkin_every != 0 || w.coalition.members == 0 {
        return false;
    }
    let dy = &s.dynamics;
    let n = w.n;
    // Before governance there is no forum to air objections in.
    let established = w.coalition.governance == crate::model::GovernanceState::Established;
    let (mut attended, mut juniors) = (0u32, 0u32);
    attendees.clear();
    // The members, ascending, in the exit phase's scratch (free until
    // then): the groups recounted and the members visited without a scan
    // of all n agents with a status test.
    let mut members = std::mem::take(&mut w.exit_scratch.members);
    members.clear();
    members.extend((0..n).filter(|&i| w.is_member(i)));
    w.count_groups_of(&members);
    for &i in &members {
        if g.private_checkin && w.missed[i] >= dy.private_checkin_after {
            w.engagement[i] =
                unit(w.engagement[i] + dy.private_checkin_boost * (1.0 - w.engagement[i]));
            ev.push(Event {
                round: w.round,
                agent: Some(i),
                kind: EventKind::PrivateCheckIn,
            });
        }
        let drawn = chance(rng, w.engagement[i]);
        if !ctl.attend(i, drawn) {
            continue;
        }
        w.attended_now[i] = true;
        attendees.push(i);
        attended += 1;
        // A council member attends its group's meeting and the council's.
        let meetings = if w.grouped() && w.council[i] {
            2.0
        } else {
            1.0
        };
        w.hours_now[i] += meetings * g.checkin_hours;
        let junior = w.engagement[i] < dy.junior_threshold;
        juniors += junior as u32;
        // What the meeting makes clear reaches a junior representative, and
        // a member outside the council, second-hand (`relay`), as do the
        // concerns it airs.
        let relayed = if w.second_hand(i) { dy.relay } else { 1.0 };
        let gain = if junior { dy.relay } else { 1.0 } * relayed * dy.checkin_clarity;
        w.clarity[i] = unit(w.clarity[i] + gain * (1.0 - w.clarity[i]));
        // Before governance there is no forum: nothing is aired.
        if ctl.air_objection(i, !g.silence_as_consent && established) && established {
            w.hidden[i] *= 1.0 - relayed * dy.checkin_voice;
        }
    }
    w.exit_scratch.members = members;
    if w.sparse {
        sparse_nudges(w, dy, attendees, cache);
    } else {
        dense_nudges(w, dy, attendees);
    }
    w.coalition.last_checkin = w.round;
    now.checkin = true;
    now.attended = attended;
    ev.push(Event {
        round: w.round,
        agent: None,
        kind: EventKind::CheckIn {
            attended,
            members: w.coalition.members as u32,
            juniors,
        },
    });
    w.sparse
}

/// Decision meetings are a channel too: a decision taken under an
/// established rule (a proposal that passes) is a documented agreement on
/// the next step, and every member gains `decision_clarity` of its clarity
/// gap, times its part in the deliberation: its engagement e_i when every
/// member votes (it takes part as fully as it attends), 1 when it was drawn
/// present at a decision meeting (`voting = "attendees"`), and `relay`
/// when it hears of it second-hand (no vote, absent, or joined since);
/// `relay` again through a junior representative (engagement <
/// `junior_threshold`), as at a check-in. Called once per decision taken
/// (by the decision phase, in the week it passes): a blocked proposal
/// settles nothing, and the weeks a negotiation takes add nothing. Before
/// a rule is in force there is no forum and nothing is made clear.
///
/// `members`: the current members, ascending.
pub fn decision_clarity_of(
    w: &mut crate::model::World,
    s: &crate::scenario::Scenario,
    members: &[usize],
) {
    let dy = &s.dynamics;
    let established = w.coalition.governance == crate::model::GovernanceState::Established;
    if !established || dy.decision_clarity == 0.0 {
        return;
    }
    let drawn = s.governance.voting == crate::scenario::Voting::Attendees;
    let n = w.n;
    // Sliced to the n agents: one bounds check on i serves them all.
    let crate::model::World {
        present,
        engagement,
        clarity,
        ..
    } = w;
    let (present, engagement) = (&present[..n], &engagement[..n]);
    let clarity = &mut clarity[..n];
    for &i in members {
        let took_part = match (present[i], drawn) {
            (true, true) => 1.0,
            (true, false) => engagement[i],
            (false, _) => dy.relay,
        };
        let junior = if engagement[i] < dy.junior_threshold {
            dy.relay
        } else {
            1.0
        };
        let gain = took_part * junior * dy.decision_clarity;
        clarity[i] = unit(clarity[i] + gain * (1.0 - clarity[i]));
    }
}

/// [`decision_clarity_of`] with the members collected here (tests).
#[cfg(test)]
pub fn decision_clarity(w: &mut crate::model::World, s: &crate::scenario::Scenario) {
    let members: Vec<usize> = (0..w.n).filter(|&i| w.is_member(i)).collect();
    decision_clarity_of(w, s, &members);
}

/// A verified result shows who delivered: every member pulls its trust in
/// every other member (sparse: every member it knows) toward that one's
/// follow-through record by `transparency`, first-hand, as at a meeting
/// everyone attended.
pub fn reveal_records(w: &mut crate::model::World, dy: &crate::scenario::Dynamics) {
    let prior = dy.record_prior;
    let record = |w: &crate::model::World, j: usize| {
        (w.delivered[j] as f64 + prior) / (w.committed[j] as f64 + 2.0 * prior)
    };
    for i in 0..w.n {
        if !w.is_member(i) {
            continue;
        }
        if w.sparse {
            let mut row = std::mem::take(&mut w.ties[i]);
            for tie in row.iter_mut() {
                let j = tie.j as usize;
                if w.is_member(j) {
                    tie.t = (tie.t + dy.transparency * (record(w, j) - tie.t)).clamp(0.0, 1.0);
                }
            }
            w.ties[i] = row;
            continue;
        }
        for j in 0..w.n {
            if j != i && w.is_member(j) {
                let t = w.trust(i, j);
                w.nudge_trust(i, j, dy.transparency * (record(w, j) - t));
            }
        }
    }
}

/// Each attendee pulls its trust in each other attendee toward that one's
/// record (dense relationships).
fn dense_nudges(w: &mut crate::model::World, dy: &crate::scenario::Dynamics, attendees: &[usize]) {
    // Each pair's update reads only its own trust and j's record, so the
    // pairs can be visited column by column (j's record computed once), and
    // only attendees are visited (`attendees` is ascending, its capacity n).
    let (n, grouped) = (w.n, w.grouped());
    let (within, across) = (dy.transparency, dy.relay * dy.transparency);
    let prior = dy.record_prior;
    // The per-agent vectors sliced to the n agents (one bounds check on i
    // serves both).
    let (group, council) = (&w.group[..n], &w.council[..n]);
    let (delivered, committed) = (&w.delivered[..n], &w.committed[..n]);
    for (at, &j) in attendees.iter().enumerate() {
        let record = (delivered[j] as f64 + prior) / (committed[j] as f64 + 2.0 * prior);
        // `World::meet(i, j)` with j's side read once per column.
        let (group_j, council_j) = (group[j], council[j]);
        // T_ij at `column[i * n]`.
        let column = &mut w.trust[j..n * n];
        // Every other attendee: those before j, then those after.
        for half in [&attendees[..at], &attendees[at + 1..]] {
            for &i in half {
                // Records of members met in another group's meeting are
                // reported through the council: second-hand.
                let meet = !grouped || group[i] == group_j || (council[i] && council_j);
                let rate = if meet { within } else { across };
                // `World::nudge_trust(i, j, rate (record − t))`.
                let t = &mut column[i * n];
                *t = (*t + rate * (record - *t)).clamp(0.0, 1.0);
            }
        }
    }
}

/// Sparse relationships: members come to know the members of their
/// meetings (their group, and the council for a delegate, under a
/// structure), and each attendee pulls its trust in each attendee it knows toward that
/// one's record, at `transparency` within its meetings and
/// `relay · transparency` across them. Attendees it does not know are not
/// judged.
///
/// Also leaves in `cache` each attendee's mean trust in the members it
/// knows after its nudges ([`World::sparse_trust_in_members`] bit for bit:
/// the same terms in the same order; nothing changes an attendee's
/// relationships after its own nudges in this phase).
///
/// [`World::sparse_trust_in_members`]: crate::model::World::sparse_trust_in_members
fn sparse_nudges(
    w: &mut crate::model::World,
    dy: &crate::scenario::Dynamics,
    attendees: &[usize],
    cache: &mut [f64],
) {
    use crate::model::Status;
    w.meet_changed();
    let prior = dy.record_prior;
    // Each attendee's record, once (not once per relationship that reads it).
    for &j in attendees {
        w.follow_through[j] =
            (w.delivered[j] as f64 + prior) / (w.committed[j] as f64 + 2.0 * prior);
    }
    let (n, grouped) = (w.n, w.grouped());
    let (within, across) = (dy.transparency, dy.relay * dy.transparency);
    for (at, &i) in attendees.iter().enumerate() {
        if let Some(&next) = attendees.get(at + 1) {
            crate::model::ties::prefetch_row(&w.ties[next]);
        }
        let (group_i, council_i) = (w.group[i], w.council[i]);
        let mut row = std::mem::take(&mut w.ties[i]);
        // The per-agent vectors sliced to the n agents (one bounds check on
        // j serves them all).
        let (attended, group, council) = (&w.attended_now[..n], &w.group[..n], &w.council[..n]);
        let (follow_through, status) = (&w.follow_through[..n], &w.status[..n]);
        let (mut sum, mut k) = (0.0, 0usize);
        for tie in row.iter_mut() {
            let j = tie.j as usize;
            if attended[j] {
                // `World::meet(i, j)` with i's side read once per row.
                let meet = !grouped || group[j] == group_i || (council_i && council[j]);
                let rate = if meet { within } else { across };
                tie.t = (tie.t + rate * (follow_through[j] - tie.t)).clamp(0.0, 1.0);
            }
            if status[j] == Status::Member {
                sum += tie.t;
                k += 1;
            }
        }
        w.ties[i] = row;
        cache[i] = w.sparse_mean_of(i, sum, k);
    }
}
