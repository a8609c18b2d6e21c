//! Sparse relationships (`trust.relationships = "sparse"`, or `"auto"` above
//! [`SPARSE_ABOVE`](crate::scenario::SPARSE_ABOVE) agents): trust is held only
//! between agents who know each other; a stranger stands at the scenario's
//! strangers' trust (`trust.strangers`). See docs/model.md, "Sparse
//! relationships".
//!
//! Agents come to know each other through a prior relationship, a founder's
//! first members, a meeting of their group or of the council, and random
//! encounters (`trust.sample` a round, while both hold fewer than
//! `trust.acquaintances` relationships). A relationship is mutual and is
//! kept; each side has its own trust in the other.

use rand::RngExt;

use super::structure::NO_GROUP;
use super::{Status, World};
use crate::scenario::Scenario;

/// One relationship: the other agent and the trust in it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tie {
    pub j: u32,
    pub t: f64,
}

/// The members of each group, and the council, for the meetings of one
/// phase (built by [`World::index_groups`]).
#[derive(Debug, Clone, Default)]
pub struct GroupIndex {
    /// `list[start[g]..start[g + 1]]`: the members of group g, ascending.
    pub start: Vec<u32>,
    pub list: Vec<u32>,
    /// The council's members, ascending.
    pub council: Vec<u32>,
    /// Each agent's group and council seat when it last met them
    /// ([`World::meet_changed`]).
    pub met_group: Vec<u32>,
    pub met_council: Vec<bool>,
    /// Scratch of [`organise`](super::structure::organise): the groups by
    /// (members, council member), smallest first.
    pub heap: std::collections::BinaryHeap<std::cmp::Reverse<(u32, usize)>>,
}

/// Asks the CPU to start loading the first 2 KiB of `row` into its cache:
/// a hint that changes no result. The passes over members' relationships
/// (the trust phase, check-in nudges, the trust cache, the mean trust) call
/// it on the next member's list while they work on the current one; the
/// lists lie scattered in memory, and without the hint every list's first
/// lines are a wait for memory.
#[inline]
pub fn prefetch_row(row: &[Tie]) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        let bytes = std::mem::size_of_val(row).min(2048);
        let p = row.as_ptr().cast::<i8>();
        for off in (0..bytes).step_by(64) {
            // SAFETY: a prefetch never faults and writes nothing; the
            // address lies within `row`.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(p.add(off)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = row;
}

impl World {
    /// Sparse: i's trust in j (1 in itself, strangers' trust when they do
    /// not know each other).
    #[inline]
    pub fn tie(&self, i: usize, j: usize) -> f64 {
        if i == j {
            return 1.0;
        }
        let row = &self.ties[i];
        match row.binary_search_by_key(&(j as u32), |t| t.j) {
            Ok(k) => row[k].t,
            Err(_) => self.strangers,
        }
    }

    /// Whether i and j know each other (sparse).
    #[inline]
    pub fn knows(&self, i: usize, j: usize) -> bool {
        self.ties[i]
            .binary_search_by_key(&(j as u32), |t| t.j)
            .is_ok()
    }

    /// Sparse: i's trust in j, i and j made acquainted (both ways, at
    /// strangers' trust) if they were not.
    pub fn know(&mut self, i: usize, j: usize) -> &mut f64 {
        self.acquaint(i, j);
        let row = &mut self.ties[i];
        let k = row
            .binary_search_by_key(&(j as u32), |t| t.j)
            .expect("acquainted");
        &mut row[k].t
    }

    /// Makes i and j (i ≠ j) know each other, at strangers' trust each way,
    /// if they do not already.
    pub fn acquaint(&mut self, i: usize, j: usize) {
        // Relationships are mutual: if i knows j, j knows i.
        if self.knows(i, j) {
            return;
        }
        let s = self.strangers;
        for (a, b) in [(i, j), (j, i)] {
            let row = &mut self.ties[a];
            if let Err(k) = row.binary_search_by_key(&(b as u32), |t| t.j) {
                row.insert(k, Tie { j: b as u32, t: s });
            }
        }
    }

    /// Sparse [`World::trust_in_members`]: mean trust of i in the members
    /// it knows; strangers' trust when it knows none of them, `lone_trust`
    /// when it is the only member.
    pub fn sparse_trust_in_members(&self, i: usize) -> f64 {
        let (mut sum, mut k) = (0.0, 0usize);
        self.add_trust_in_known_members(i, &mut sum, &mut k);
        self.sparse_mean_of(i, sum, k)
    }

    /// [`World::sparse_trust_in_members`] from the sum of i's trust in the
    /// `k` members it knows, added in the order of its relationships.
    #[inline]
    pub fn sparse_mean_of(&self, i: usize, sum: f64, k: usize) -> f64 {
        if k > 0 {
            sum / k as f64
        } else if self.coalition.members > 1 || self.status[i] != Status::Member {
            self.strangers
        } else {
            self.lone_trust
        }
    }

    /// Adds i's trust in each member it knows to `sum`, and their number
    /// to `k` (one running sum, so the mean over all members adds in the
    /// same order as a single loop).
    fn add_trust_in_known_members(&self, i: usize, sum: &mut f64, k: &mut usize) {
        for t in &self.ties[i] {
            if self.status[t.j as usize] == Status::Member {
                *sum += t.t;
                *k += 1;
            }
        }
    }

    /// Sparse [`World::mean_trust`]: mean over ordered pairs of members who
    /// know each other; strangers' trust when no two members do, 0 with
    /// fewer than two members.
    pub fn sparse_mean_trust(&self) -> f64 {
        let (mut sum, mut k) = (0.0, 0usize);
        for i in 0..self.n {
            if let Some(next) = self.ties.get(i + 1) {
                prefetch_row(next);
            }
            if self.status[i] == Status::Member {
                self.add_trust_in_known_members(i, &mut sum, &mut k);
            }
        }
        if k > 0 {
            sum / k as f64
        } else if self.coalition.members > 1 {
            self.strangers
        } else {
            0.0
        }
    }

    /// Sparse exit damage: agent i (just gone) was known by some members;
    /// each of them loses `1 − factor` of its trust in the members it
    /// knows. Those who did not know i are not shaken by its going.
    pub fn knowers_lose_trust(&mut self, i: usize, factor: f64) {
        for k in 0..self.ties[i].len() {
            let a = self.ties[i][k].j as usize;
            if self.status[a] == Status::Member {
                self.scale_trust_of(a, factor);
            }
        }
    }

    /// Sparse: agent i has left; its relationships play no further part,
    /// so they are dropped on both sides (memory follows the members).
    pub fn forget(&mut self, i: usize) {
        let row = std::mem::take(&mut self.ties[i]);
        for t in &row {
            let other = &mut self.ties[t.j as usize];
            if let Ok(k) = other.binary_search_by_key(&(i as u32), |x| x.j) {
                other.remove(k);
            }
        }
    }

    /// Relationships held, over all agents (each mutual one counted twice).
    pub fn tie_count(&self) -> usize {
        self.ties.iter().map(Vec::len).sum()
    }

    /// Lists each group's members and the council's (current members,
    /// ascending) into [`World::groups`].
    pub fn index_groups(&mut self) {
        let n = self.n;
        let gi = &mut self.groups;
        gi.start.clear();
        gi.start.resize(n + 1, 0);
        gi.council.clear();
        for i in 0..n {
            let g = self.group[i];
            if self.status[i] == Status::Member && g != NO_GROUP {
                gi.start[g as usize + 1] += 1;
                if self.council[i] {
                    gi.council.push(i as u32);
                }
            }
        }
        for g in 0..n {
            gi.start[g + 1] += gi.start[g];
        }
        gi.list.clear();
        gi.list.resize(gi.start[n] as usize, 0);
        // Fill with a running cursor per group, then shift the starts back.
        for i in 0..n {
            let g = self.group[i];
            if self.status[i] == Status::Member && g != NO_GROUP {
                let at = &mut gi.start[g as usize];
                gi.list[*at as usize] = i as u32;
                *at += 1;
            }
        }
        for g in (1..=n).rev() {
            gi.start[g] = gi.start[g - 1];
        }
        gi.start[0] = 0;
    }

    /// Sparse: every member whose group or council seat changed since it
    /// last met comes to know the members of its meetings ([`World::meet_group`]).
    /// Members whose place did not change already know theirs: a newcomer
    /// to a group or the council makes itself known to those already there
    /// (relationships are mutual).
    pub fn meet_changed(&mut self) {
        if !self.grouped() {
            return;
        }
        let changed = |w: &World, i: usize| {
            w.status[i] == Status::Member
                && (w.group[i] != w.groups.met_group[i] || w.council[i] != w.groups.met_council[i])
        };
        if self.groups.met_group.len() != self.n {
            self.groups.met_group = vec![NO_GROUP; self.n];
            self.groups.met_council = vec![false; self.n];
        }
        if !(0..self.n).any(|i| changed(self, i)) {
            return;
        }
        self.index_groups();
        for i in 0..self.n {
            if changed(self, i) {
                self.meet_group(i);
                self.groups.met_group[i] = self.group[i];
                self.groups.met_council[i] = self.council[i];
            }
        }
    }

    /// Sparse: makes member i acquainted with everyone in its meetings (its
    /// group, and the council if it sits on it), as listed by the last
    /// [`World::index_groups`]; only when a structure is in force.
    pub fn meet_group(&mut self, i: usize) {
        if !self.grouped() || self.group[i] == NO_GROUP {
            return;
        }
        let g = self.group[i] as usize;
        let (a, b) = (
            self.groups.start[g] as usize,
            self.groups.start[g + 1] as usize,
        );
        for k in a..b {
            let j = self.groups.list[k] as usize;
            if j != i {
                self.acquaint(i, j);
            }
        }
        if self.council[i] {
            for k in 0..self.groups.council.len() {
                let j = self.groups.council[k] as usize;
                if j != i {
                    self.acquaint(i, j);
                }
            }
        }
    }
}

/// Sparse initial relationships: the named agents' `knows`, pairs of
/// generated agents related with probability `relationship_density`
/// (drawn by skipping over the pairs, geometric gaps, so the cost follows
/// the relationships, not N²), and each founder with the first members.
/// Related pairs start at `trust.related` ± `trust.spread` each way;
/// strangers stand at `trust.strangers` (no spread).
pub fn initial_ties<R: rand::Rng>(w: &mut World, s: &Scenario, rng: &mut R) {
    let n = w.n;
    let named = s.agent.len();
    let mut pairs: Vec<(u32, u32)> = Vec::new();
    for (i, a) in s.agent.iter().enumerate() {
        for other in &a.knows {
            if let Some(j) = s.agent.iter().position(|b| &b.name == other)
                && i != j
            {
                pairs.push((i as u32, j as u32));
            }
        }
    }
    let p = s.population.relationship_density;
    if p > 0.0 {
        // Gap to the next related pair: P(gap = g) = (1 − p)^g p.
        let ln_q = (1.0 - p).ln();
        let mut gap = || -> u64 {
            if p >= 1.0 {
                return 0;
            }
            let u: f64 = rng.random::<f64>();
            let g = ((1.0 - u).ln() / ln_q).floor();
            if g.is_finite() && g < 1e18 {
                g as u64
            } else {
                u64::MAX / 2
            }
        };
        let mut skip = gap();
        for i in named..n {
            let row = (n - i - 1) as u64;
            let mut pos = skip;
            while pos < row {
                pairs.push((i as u32, (i + 1) as u32 + pos as u32));
                pos += 1 + gap();
            }
            skip = pos - row;
        }
    }
    for i in 0..n {
        if w.founder[i] {
            for j in 0..n {
                if j != i && w.status[j] == Status::Member {
                    pairs.push((i as u32, j as u32));
                }
            }
        }
    }
    for &(i, j) in &pairs {
        w.ties[i as usize].push(Tie { j, t: 0.0 });
        w.ties[j as usize].push(Tie { j: i, t: 0.0 });
    }
    let t = &s.trust;
    for row in w.ties.iter_mut() {
        row.sort_unstable_by_key(|t| t.j);
        row.dedup_by_key(|t| t.j);
        for tie in row.iter_mut() {
            tie.t = (t.related + t.spread * (2.0 * rng.random::<f64>() - 1.0)).clamp(0.0, 1.0);
        }
    }
}
