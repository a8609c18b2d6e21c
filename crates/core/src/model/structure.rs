//! Who meets whom: the coalition's coordination structure
//! (`governance.coordination`), apart from how it decides.
//!
//! Every structure is a two-level hierarchy of meetings. Each member belongs
//! to one *group* that meets on its own; members who sit on the *council*
//! (one per group) also meet each other:
//!
//! - `everyone`: one group of all members, no council (a plenary);
//! - `committee`: the steering committee is the council; each committee
//!   member heads a group of the members it looks after (its liaison group);
//! - `subgroups`: groups of at most `subgroup_size`; the best-placed member
//!   of each is its delegate on the council.
//!
//! A member's direct contacts are the others in its group plus, on the
//! council, the other council members: coordination hours and the process
//! loss of the work grow with them (the benefit of a smaller structure).
//! What it costs: members meet — and so see each other's follow-through and
//! air their concerns — only within their meetings, and a member outside the
//! council hears what the coalition-wide meeting made clear second-hand
//! (`dynamics.relay`). Nothing else depends on the structure; in particular
//! who votes is the decision rule's business.
//!
//! The structure comes into force with governance (before, everyone meets).

use super::{Status, World};
use crate::scenario::{Coordination, Scenario};

/// Group of a member not (yet) placed, and of non-members.
pub const NO_GROUP: u32 = u32::MAX;

impl World {
    /// Whether the coalition meets in groups (a structure other than
    /// everyone-meets is in force).
    #[inline]
    pub fn grouped(&self) -> bool {
        self.coalition.coordination != Coordination::Everyone
    }

    /// Recounts each group's members and the council (call after
    /// membership changed, before reading [`World::contacts`]).
    pub fn count_groups(&mut self) {
        self.group_size.iter_mut().for_each(|c| *c = 0);
        self.coalition.council_size = 0;
        if !self.grouped() {
            return;
        }
        for i in 0..self.n {
            if self.status[i] == Status::Member && self.group[i] != NO_GROUP {
                self.group_size[self.group[i] as usize] += 1;
                self.coalition.council_size += self.council[i] as usize;
            }
        }
    }

    /// [`World::count_groups`] given the current members (ascending or
    /// not: these are counts): no scan of all n agents.
    pub fn count_groups_of(&mut self, members: &[usize]) {
        self.group_size.iter_mut().for_each(|c| *c = 0);
        self.coalition.council_size = 0;
        if !self.grouped() {
            return;
        }
        for &i in members {
            debug_assert_eq!(self.status[i], Status::Member);
            if self.group[i] != NO_GROUP {
                self.group_size[self.group[i] as usize] += 1;
                self.coalition.council_size += self.council[i] as usize;
            }
        }
    }

    /// Members i coordinates with directly: the others in its group, plus
    /// the other council members if it sits on the council; every other
    /// member when everyone meets. Needs [`World::count_groups`] to be
    /// current.
    #[inline]
    pub fn contacts(&self, i: usize) -> usize {
        if !self.grouped() {
            return self.coalition.members.saturating_sub(1);
        }
        grouped_contacts(
            &self.group,
            &self.group_size,
            &self.council,
            self.coalition.council_size,
            i,
        )
    }

    /// Mean of [`World::contacts`] over members (members − 1 when
    /// everyone meets; 0 with no members).
    pub fn mean_contacts(&self) -> f64 {
        if !self.grouped() {
            return self.coalition.members.saturating_sub(1) as f64;
        }
        let mut sum = 0usize;
        for i in 0..self.n {
            if self.status[i] == Status::Member {
                sum += self.contacts(i);
            }
        }
        sum as f64 / self.coalition.members.max(1) as f64
    }

    /// [`World::mean_contacts`] given the current members: no scan of all
    /// n agents (the sum is of integers, so the order does not matter).
    pub fn mean_contacts_of(&self, members: &[usize]) -> f64 {
        if !self.grouped() {
            return self.coalition.members.saturating_sub(1) as f64;
        }
        debug_assert_eq!(members.len(), self.coalition.members);
        let sum: usize = members.iter().map(|&i| self.contacts(i)).sum();
        sum as f64 / self.coalition.members.max(1) as f64
    }

    /// Whether members i and j are in one meeting (the same group, or both
    /// on the council); always when everyone meets.
    #[inline]
    pub fn meet(&self, i: usize, j: usize) -> bool {
        !self.grouped() || self.group[i] == self.group[j] || (self.council[i] && self.council[j])
    }

    /// Whether i hears the coalition-wide meeting second-hand: a member
    /// outside the council when the coalition meets in more than one group
    /// (a single group's meeting is everyone's).
    #[inline]
    pub fn second_hand(&self, i: usize) -> bool {
        self.grouped() && !self.council[i] && self.coalition.council_size > 1
    }

    /// Council score: leadership share + power share among members (as
    /// the steering committee is chosen).
    fn council_score(&self, i: usize, total_power: f64) -> f64 {
        self.leadership[i] + self.power[i] / total_power
    }

    fn member_power(&self) -> f64 {
        (0..self.n)
            .filter(|&i| self.is_member(i))
            .map(|i| self.power[i])
            .sum::<f64>()
            .max(1e-12)
    }

    /// The council member heading the group with the fewest members (ties
    /// to the lower index); `None` without a council.
    fn smallest_group(&self) -> Option<usize> {
        let mut best: Option<(u32, usize)> = None;
        for i in 0..self.n {
            if self.council[i] && self.status[i] == Status::Member {
                let size = self.group_size[self.group[i] as usize];
                if best.is_none_or(|(s, _)| size < s) {
                    best = Some((size, i));
                }
            }
        }
        best.map(|(_, i)| i)
    }
}

/// Forms the structure when governance is established, and again when the
/// steering committee changes: the council is the committee (`committee`)
/// or the ⌈members / subgroup_size⌉ members with the largest council score
/// (`subgroups`); each council member heads a group, and the other members,
/// in index order, join the group with the fewest members.
pub fn organise(w: &mut World, s: &Scenario) {
    let structure = s.coordination();
    w.coalition.coordination = structure;
    w.council.iter_mut().for_each(|c| *c = false);
    w.group.iter_mut().for_each(|g| *g = NO_GROUP);
    if structure == Coordination::Everyone {
        w.count_groups();
        return;
    }
    match structure {
        Coordination::Everyone => {}
        Coordination::Committee => {
            for i in 0..w.n {
                w.council[i] = w.committee[i] && w.is_member(i);
            }
        }
        Coordination::Subgroups => {
            let size = s.governance.subgroup_size.max(1) as usize;
            let groups = w.coalition.members.div_ceil(size);
            let total = w.member_power();
            for _ in 0..groups {
                let best = (0..w.n)
                    .filter(|&i| w.is_member(i) && !w.council[i])
                    .max_by(|&a, &b| {
                        w.council_score(a, total)
                            .total_cmp(&w.council_score(b, total))
                            .then(b.cmp(&a))
                    });
                match best {
                    Some(i) => w.council[i] = true,
                    None => break,
                }
            }
        }
    }
    for i in 0..w.n {
        if w.council[i] {
            w.group[i] = i as u32;
        }
    }
    w.count_groups();
    place_all(w, s);
}

/// [`place`] for every member not on the council, in index order, with
/// the council's groups kept in a heap by (members, council member) rather
/// than found by a scan of all agents for each member placed: the same
/// choices (the smallest group, ties to the lower index), in O(log) each
/// instead of O(N) (at 10,000 organisations the scans were 10⁸ steps each
/// time the structure formed).
fn place_all(w: &mut World, s: &Scenario) {
    use std::cmp::Reverse;
    let subgroups = w.coalition.coordination == Coordination::Subgroups;
    let cap = s.governance.subgroup_size as usize;
    // Reused from one forming to the next (no allocation once it has held
    // the largest council).
    let mut heap = std::mem::take(&mut w.groups.heap);
    heap.clear();
    heap.extend(
        (0..w.n)
            .filter(|&i| w.council[i] && w.status[i] == Status::Member)
            .map(|i| Reverse((w.group_size[w.group[i] as usize], i))),
    );
    for j in 0..w.n {
        if !w.is_member(j) || w.council[j] {
            continue;
        }
        match heap.peek().copied() {
            Some(Reverse((size, lead))) if !(subgroups && size as usize >= cap) => {
                let g = w.group[lead] as usize;
                w.group[j] = g as u32;
                w.group_size[g] += 1;
                heap.pop();
                heap.push(Reverse((w.group_size[g], lead)));
            }
            _ => {
                w.council[j] = true;
                w.group[j] = j as u32;
                w.group_size[j] += 1;
                w.coalition.council_size += 1;
                heap.push(Reverse((w.group_size[j], j)));
            }
        }
    }
    w.groups.heap = heap;
}

/// Places member j (a newcomer, or one being dealt at [`organise`]) in the
/// group with the fewest members; under `subgroups`, when every group is
/// full, j starts a new group as its delegate.
pub fn place(w: &mut World, s: &Scenario, j: usize) {
    if !w.grouped() {
        return;
    }
    let smallest = w.smallest_group();
    let full = |w: &World, lead: usize| {
        w.group_size[w.group[lead] as usize] as usize >= s.governance.subgroup_size as usize
    };
    match smallest {
        Some(lead) if !(w.coalition.coordination == Coordination::Subgroups && full(w, lead)) => {
            w.group[j] = w.group[lead];
            w.group_size[w.group[lead] as usize] += 1;
        }
        _ => {
            w.council[j] = true;
            w.group[j] = j as u32;
            w.group_size[j] += 1;
            w.coalition.council_size += 1;
        }
    }
}

/// Member i has left (its status is already `Former`). A steering
/// committee is re-chosen by the caller and the structure formed again
/// ([`organise`]); a sub-group whose delegate left takes as delegate its
/// remaining member with the largest council score.
pub fn on_leave(w: &mut World, i: usize) {
    on_leave_uncounted(w, i);
    w.count_groups();
}

/// [`on_leave`] without the recount of the groups, for a phase in which
/// several members leave one after the other: nothing between two exits
/// reads the counts ([`organise`] recounts before it places anyone), so
/// one [`World::count_groups`] after the last exit leaves the counts each
/// exit's recount would have.
pub fn on_leave_uncounted(w: &mut World, i: usize) {
    let g = w.group[i];
    let was_council = w.council[i];
    w.council[i] = false;
    w.group[i] = NO_GROUP;
    if w.coalition.coordination == Coordination::Subgroups && was_council && g != NO_GROUP {
        let total = w.member_power();
        let best = (0..w.n)
            .filter(|&j| w.is_member(j) && w.group[j] == g)
            .max_by(|&a, &b| {
                w.council_score(a, total)
                    .total_cmp(&w.council_score(b, total))
                    .then(b.cmp(&a))
            });
        if let Some(j) = best {
            w.council[j] = true;
        }
    }
}

/// [`World::contacts`] of member i when members meet in groups, from the
/// vectors it reads (for loops that borrow the world's vectors apart).
#[inline(always)]
pub fn grouped_contacts(
    group: &[u32],
    group_size: &[u32],
    council: &[bool],
    council_size: usize,
    i: usize,
) -> usize {
    let g = group[i];
    let own = if g == NO_GROUP {
        0
    } else {
        (group_size[g as usize] as usize).saturating_sub(1)
    };
    own + usize::from(council[i]) * council_size.saturating_sub(1)
}
