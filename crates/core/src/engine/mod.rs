//! The simulation engine: [`Simulation::step`] runs one round as a short list
//! of phases, one file per phase. Pure: no IO, no clock, no globals; a run is
//! a function of (scenario, seed, run index).

mod checkin;
mod contribution;
pub mod control;
pub mod decision;
mod end;
mod engagement;
pub mod events;
mod exit;
mod progress;
mod record;
mod recruitment;
mod scope;
mod shocks;
#[cfg(test)]
mod tests;
mod trust;

pub use control::{Ballot, Choices, Contribution, Controller, ModelRules, Seats};
pub use decision::select_committee;
pub use events::{Event, EventKind, ShockKind};
pub use record::{OrgRun, RoundRecord, RunSummary};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use crate::model::{Outcome, World, build_world};
use crate::scenario::Scenario;

/// The random stream of one run.
pub type Rng = ChaCha8Rng;

/// The RNG of run `run` of a batch seeded with `seed`: depends on these two
/// numbers alone, so a run can be replayed, sharded or resumed anywhere.
pub fn run_rng(seed: u64, run: u64) -> Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run);
    rng
}

/// Estimated bytes one run of `s` holds while it is simulated: the
/// relationships (dense: the N×N trust matrix, 8·N²; sparse: 16 bytes per
/// relationship, [`sparse_ties_per_agent`] of them per agent, with room for
/// the vectors' growth) and about 300 bytes per
/// agent plus 24 per agent and issue in the per-agent vectors. A batch or
/// sweep holds one run per worker thread.
pub fn run_memory_bytes(s: &Scenario) -> u64 {
    let n = s.agent_count() as u64;
    let d = u64::from(s.issues);
    let relationships = if s.sparse() {
        (n as f64 * (24.0 + 1.5 * 16.0 * sparse_ties_per_agent(s))) as u64
    } else {
        8 * n * n
    };
    relationships + n * (300 + 24 * d)
}

/// Sparse relationships: an estimate of the relationships an agent holds
/// at most (for [`run_memory_bytes`]): its prior ones (relationship
/// density × (N − 1), and a founder's first members), the members of its
/// meetings (its group and, for a council member, the council) and random
/// encounters up to `trust.acquaintances`; at most N − 1.
pub fn sparse_ties_per_agent(s: &Scenario) -> f64 {
    use crate::scenario::Coordination;
    let n = s.agent_count() as f64;
    let pop = &s.population;
    let prior = pop.relationship_density * (n - 1.0)
        + 2.0 * pop.founders as f64 * pop.initial_members as f64 / n.max(1.0)
        + s.agent.iter().map(|a| a.knows.len()).sum::<usize>() as f64 * 2.0 / n.max(1.0);
    let g = &s.governance;
    let meetings = match s.coordination() {
        Coordination::Everyone => 0.0,
        Coordination::Committee => {
            n / f64::from(g.committee_size.max(1)) + f64::from(g.committee_size)
        }
        Coordination::Subgroups => {
            let size = f64::from(g.subgroup_size.max(1));
            // A member's group, plus the council for its delegate (spread
            // over the group's members).
            size + (n / size) / size
        }
    };
    (prior + meetings)
        .max(f64::from(s.trust.acquaintances))
        .min((n - 1.0).max(0.0))
}

/// Per-round tallies that phases hand to later phases (reset each round).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RoundTally {
    /// Resource units delivered.
    pub contributions: f64,
    /// Delivered units weighted by each member's alignment.
    pub aligned_effort: f64,
    /// Progress made.
    pub progress: f64,
    pub hours: f64,
    pub attended: u32,
    pub checkin: bool,
    pub passed: u32,
    pub blocked: u32,
    /// Rounds of negotiation (amendment rounds) held on this round's
    /// proposal.
    pub negotiation_rounds: u32,
    /// Consent's objection rounds held on this round's proposal (0 or 1).
    pub objection_rounds: u32,
    /// Decisions taken by modified consensus's fallback vote.
    pub fallback_votes: u32,
    pub joined: u32,
    pub left: u32,
    pub milestone: bool,
}

/// One run in progress.
pub struct Simulation<'a> {
    pub scenario: &'a Scenario,
    pub world: World,
    pub rng: Rng,
    /// Events of the current round (cleared at the start of each round; the
    /// first round's also carry round 0's, e.g. the start of governance setup).
    pub events: Vec<Event>,
    pub now: RoundTally,
    /// Set once the run has ended.
    pub outcome: Option<Outcome>,
    /// Mean trust per member, computed once per round for the phases.
    trust_cache: Vec<f64>,
    /// Scratch: indices of the current members, ascending.
    members: Vec<usize>,
    /// Mean trust between members at the end of the round when the trust
    /// phase's fused sum still holds (no exit since), for the record.
    mean_trust: Option<f64>,
    /// Dense relationships: the trust cache the last trust phase left is
    /// still exact (no exit since it ran).
    cache_current: bool,
}

/// One round's context: what the phases of [`Simulation::step`] read and
/// change, borrowed from the [`Simulation`] for the round. Every phase takes
/// it whole (`phase(&mut r)`), so the list of phases in `step` reads as the
/// process overview of docs/model.md.
pub struct Round<'r, C> {
    pub world: &'r mut World,
    pub scenario: &'r Scenario,
    /// The run's random stream.
    pub rng: &'r mut Rng,
    /// The round's events.
    pub events: &'r mut Vec<Event>,
    /// What phases hand to later phases this round.
    pub tally: &'r mut RoundTally,
    /// Mean trust of each member in the others (0 for non-members), as of
    /// the last [`refresh_trust_cache`](Round::refresh_trust_cache).
    pub trust_cache: &'r mut [f64],
    /// Scratch: member indices (check-in attendees, the members of the trust
    /// update).
    pub members: &'r mut Vec<usize>,
    /// Who makes the choices of the agents it plays (see [`control`]).
    pub ctl: &'r mut C,
}

impl<C: Controller> Round<'_, C> {
    /// Clears the per-round records of hours, deliveries, attendance and delay.
    fn start_round(&mut self) {
        let w = &mut *self.world;
        w.hours_now.iter_mut().for_each(|h| *h = 0.0);
        w.delivered_now.iter_mut().for_each(|d| *d = false);
        w.attended_now.iter_mut().for_each(|a| *a = false);
        w.coalition.delay_now = 0.0;
    }

    /// Recomputes [`trust_cache`](Round::trust_cache) for the current members.
    fn refresh_trust_cache(&mut self) {
        refresh_trust_cache(self.world, self.trust_cache, self.members);
    }

    /// Adds the round's hours to each agent's and the coalition's totals, and
    /// `working` members to the member-rounds.
    fn count_hours(&mut self, working: u64) {
        let w = &mut *self.world;
        for (total, h) in w.hours.iter_mut().zip(&w.hours_now) {
            *total += h;
        }
        self.tally.hours = w.hours_now.iter().sum();
        w.coalition.total_hours += self.tally.hours;
        w.coalition.member_rounds += working;
    }
}

/// Runs one phase alone on these parts (tests): the trust cache is copied
/// in, the scratch made here, the members are the current ones.
#[cfg(test)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn phase<C: Controller, T>(
    world: &mut World,
    scenario: &Scenario,
    rng: &mut Rng,
    events: &mut Vec<Event>,
    tally: &mut RoundTally,
    trust_cache: &[f64],
    ctl: &mut C,
    f: impl FnOnce(&mut Round<'_, C>) -> T,
) -> T {
    let n = world.n;
    let mut cache = trust_cache.to_vec();
    cache.resize(n, 0.0);
    let mut members: Vec<usize> = (0..n).filter(|&i| world.is_member(i)).collect();
    f(&mut Round {
        world,
        scenario,
        rng,
        events,
        tally,
        trust_cache: &mut cache,
        members: &mut members,
        ctl,
    })
}

impl<'a> Simulation<'a> {
    /// Builds run `run` of `scenario` with `seed`.
    pub fn new(scenario: &'a Scenario, seed: u64, run: u64) -> Simulation<'a> {
        let mut rng = run_rng(seed, run);
        let world = build_world(scenario, &mut rng);
        let n = world.n;
        let mut sim = Simulation {
            scenario,
            world,
            rng,
            events: Vec::with_capacity(64),
            now: RoundTally::default(),
            outcome: None,
            trust_cache: vec![0.0; n],
            members: Vec::with_capacity(n),
            mean_trust: None,
            cache_current: false,
        };
        if let crate::model::GovernanceState::SettingUp { until, crisis } =
            sim.world.coalition.governance
        {
            sim.events.push(Event {
                round: 0,
                agent: None,
                kind: EventKind::SetupStarted { crisis, until },
            });
        }
        sim
    }

    /// Runs one round, in this order: shocks → recruitment → check-ins →
    /// decisions → contributions → progress and milestones → trust →
    /// engagement (and renewal) → exits and removals → end check.
    /// Returns the round's events. Does nothing once the run has ended.
    pub fn step(&mut self) -> &[Event] {
        self.step_with(&mut ModelRules)
    }

    /// [`step`](Self::step) with `ctl` making the choices of the agents it
    /// plays (see [`control`]); `step_with(&mut ModelRules)` is `step()`.
    pub fn step_with<C: Controller>(&mut self, ctl: &mut C) -> &[Event] {
        if self.outcome.is_some() {
            self.events.clear();
            return &self.events;
        }
        if self.world.round > 0 {
            self.events.clear();
        }
        self.now = RoundTally::default();
        self.world.round += 1;
        let mut r = Round {
            world: &mut self.world,
            scenario: self.scenario,
            rng: &mut self.rng,
            events: &mut self.events,
            tally: &mut self.now,
            trust_cache: &mut self.trust_cache,
            members: &mut self.members,
            ctl,
        };
        r.start_round();
        shocks::shocks(&mut r);
        recruitment::recruitment(&mut r);
        // Sparse: the check-ins leave the attendees' entries current.
        let attendees_current = checkin::checkins_in(&mut r);
        // Dense: the cache the last trust phase left (bit for bit what a
        // refresh computes) still holds when nothing has changed trust or
        // membership since: no exit after it, and this round no shock (a
        // leadership change resets trust), no join, no departure and no
        // check-in (whose nudges change trust). (Sparse: that phase's new
        // acquaintances can change the mean of a member it had passed.)
        let unchanged = self.cache_current
            && !r.world.sparse
            && r.tally.joined == 0
            && r.tally.left == 0
            && !r.tally.checkin
            && !r
                .events
                .iter()
                .any(|e| matches!(e.kind, EventKind::Shock { .. }));
        if unchanged {
            collect_members(r.world, r.members);
        } else {
            refresh_trust_cache_except(r.world, r.trust_cache, r.members, attendees_current);
        }
        let crises = r.world.coalition.crises;
        decision::decisions(&mut r);
        // Decisions change trust only in a crisis and never change who is a
        // member, so the cache is still exact unless a crisis happened.
        if r.world.coalition.crises != crises {
            r.refresh_trust_cache();
        }
        contribution::contributions(&mut r);
        progress::progress(&mut r);
        // `members` is still the list of current members: neither the
        // decisions nor the contributions nor progress change who is one.
        debug_assert!(
            r.members
                .iter()
                .copied()
                .eq((0..r.world.n).filter(|&i| r.world.is_member(i)))
        );
        // Leaves the trust cache current (fused sums) and returns the mean
        // trust between members.
        let mean_trust = trust::update_trust_in(&mut r);
        engagement::engagement(&mut r);
        // Everyone who is a member now did this round's work (and spent its
        // hours), including those about to leave: they count for the round.
        let working = r.world.coalition.members as u64;
        exit::exits(&mut r);
        r.count_hours(working);
        // Only an exit changes trust after the trust phase.
        let no_exit = self.world.coalition.members as u64 == working;
        self.mean_trust = no_exit.then_some(mean_trust);
        self.cache_current = no_exit;
        self.outcome = end::end_check(&self.world, self.scenario, &mut self.events);
        &self.events
    }

    /// Steps until the run ends; returns the summary.
    pub fn run_to_end(&mut self) -> RunSummary {
        while self.outcome.is_none() {
            self.step();
        }
        self.summary()
    }

    /// The state at the end of the current round, as one row.
    pub fn record(&self) -> RoundRecord {
        RoundRecord::with_mean_trust(&self.world, &self.now, self.mean_trust)
    }

    /// Outcome measures of the run so far.
    pub fn summary(&self) -> RunSummary {
        RunSummary::of(
            &self.world,
            self.scenario,
            self.outcome.unwrap_or(Outcome::RoundLimit),
        )
    }
}

/// The current members' indices, ascending, into `members` (no allocation:
/// its capacity is the number of agents).
fn collect_members(w: &World, members: &mut Vec<usize>) {
    members.clear();
    members.extend((0..w.n).filter(|&i| w.is_member(i)));
}

/// `cache[i]` = [`World::trust_in_members`] for members, 0 for the others.
///
/// Bit-identical to calling `trust_in_members` per member (each member's sum
/// adds the same terms in the same order, j ascending), but four members'
/// sums are carried at once: independent additions the CPU overlaps instead
/// of one long chain after another.
fn refresh_trust_cache(w: &World, cache: &mut [f64], members: &mut Vec<usize>) {
    refresh_trust_cache_except(w, cache, members, false);
}

/// [`refresh_trust_cache`], except that with `attendees_current` (sparse
/// relationships only) the entries of this round's check-in attendees are
/// left as they are: the check-in phase computed them
/// (`checkin::sparse_nudges`).
fn refresh_trust_cache_except(
    w: &World,
    cache: &mut [f64],
    members: &mut Vec<usize>,
    attendees_current: bool,
) {
    collect_members(w, members);
    if w.sparse {
        let mut next = 0;
        for (at, &i) in members.iter().enumerate() {
            if let Some(&after) = members.get(at + 1) {
                crate::model::ties::prefetch_row(&w.ties[after]);
            }
            cache[next..i].iter_mut().for_each(|c| *c = 0.0);
            if !(attendees_current && w.attended_now[i]) {
                cache[i] = w.sparse_trust_in_members(i);
            }
            next = i + 1;
        }
        cache[next..].iter_mut().for_each(|c| *c = 0.0);
        return;
    }
    debug_assert!(!attendees_current, "dense check-ins leave the cache stale");
    cache.iter_mut().for_each(|c| *c = 0.0);
    let n = w.n;
    let others = members.len().saturating_sub(1);
    if others == 0 {
        for &i in members.iter() {
            cache[i] = w.lone_trust;
        }
        return;
    }
    let row = |i: usize| &w.trust[i * n..(i + 1) * n];
    let mut quads = members.chunks_exact(4);
    for q in &mut quads {
        let (r0, r1, r2, r3) = (row(q[0]), row(q[1]), row(q[2]), row(q[3]));
        let mut sum = [0.0f64; 4];
        for &j in members.iter() {
            if j != q[0] {
                sum[0] += r0[j];
            }
            if j != q[1] {
                sum[1] += r1[j];
            }
            if j != q[2] {
                sum[2] += r2[j];
            }
            if j != q[3] {
                sum[3] += r3[j];
            }
        }
        for (k, &i) in q.iter().enumerate() {
            cache[i] = sum[k] / others as f64;
        }
    }
    for &i in quads.remainder() {
        let r = row(i);
        let mut sum = 0.0;
        for &j in members.iter() {
            if j != i {
                sum += r[j];
            }
        }
        cache[i] = sum / others as f64;
    }
}

/// Draws an index with probability proportional to `weight(i)` among `0..n`
/// where `eligible(i)`; `None` if the total weight is zero.
pub(crate) fn weighted_pick(
    rng: &mut Rng,
    n: usize,
    eligible: impl Fn(usize) -> bool,
    weight: impl Fn(usize) -> f64,
) -> Option<usize> {
    use rand::RngExt;
    let total: f64 = (0..n).filter(|&i| eligible(i)).map(&weight).sum();
    if total <= 0.0 {
        return None;
    }
    let mut x = rng.random::<f64>() * total;
    let mut last = None;
    for i in (0..n).filter(|&i| eligible(i)) {
        let wgt = weight(i);
        if wgt <= 0.0 {
            continue;
        }
        last = Some(i);
        if x < wgt {
            return Some(i);
        }
        x -= wgt;
    }
    last
}

/// A uniform draw in [0, 1) compared with `p` (never panics on odd `p`).
#[inline]
pub(crate) fn chance(rng: &mut Rng, p: f64) -> bool {
    use rand::RngExt;
    rng.random::<f64>() < p
}

/// The integer form of [`chance`]: `chance(rng, p)` is exactly
/// `(rng.next_u64() >> 11) < chance_threshold(p)`, without the conversion to
/// a float (for hot loops). `rng.random::<f64>()` is `(next_u64 >> 11)·2⁻⁵³`,
/// so `x < p` ⟺ `k < p·2⁵³` ⟺ `k < ⌈p·2⁵³⌉` for the integer k (p·2⁵³ is
/// exact). p <= 0 or NaN gives 0 (never), p >= 1 gives 2⁵³ (always).
#[inline]
pub(crate) fn chance_threshold(p: f64) -> u64 {
    const TWO53: f64 = (1u64 << 53) as f64;
    if p.is_nan() || p <= 0.0 {
        0
    } else {
        (p.min(1.0) * TWO53).ceil() as u64
    }
}

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut Rng) -> f64 {
    use rand::RngExt;
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// The hot paths above were rewritten for speed; these tests check that they
/// give bit-identical results to the straightforward versions.
#[cfg(test)]
mod fast_path_tests {
    use super::*;
    use rand::Rng as _;

    /// `chance_threshold` relies on how rand turns a u64 into an f64; if a
    /// rand upgrade changes that, this fails instead of results drifting.
    #[test]
    fn integer_chance_equals_float_chance() {
        let ps = [
            -1.0,
            0.0,
            1e-300,
            0.1,
            0.25,
            0.5,
            1.0 / 3.0,
            0.7,
            0.999_999_999,
            1.0,
            2.0,
            f64::NAN,
        ];
        for p in ps {
            let (mut a, mut b) = (run_rng(1, 2), run_rng(1, 2));
            let t = chance_threshold(p);
            for _ in 0..2000 {
                assert_eq!(chance(&mut a, p), (b.next_u64() >> 11) < t, "p = {p}");
            }
        }
        // Exactly at the boundary: k · 2⁻⁵³ < p.
        let k = 123_456_789u64;
        let p = k as f64 / (1u64 << 53) as f64;
        assert_eq!(chance_threshold(p), k);
        assert_eq!(chance_threshold(f64::from_bits(p.to_bits() + 1)), k + 1);
    }

    /// The trust phase as first written (a plain scan of 0..n with one
    /// `chance` per unattended pair, then the gap's decay over all pairs),
    /// to check that the faster version gives bit-identical worlds.
    fn naive_update_trust(w: &mut World, s: &Scenario, rng: &mut Rng) {
        let t = &s.trust;
        let n = w.n;
        for i in 0..n {
            if !w.is_member(i) {
                continue;
            }
            for j in 0..n {
                if j == i || !w.is_member(j) {
                    continue;
                }
                // Attendees see each other's delivery when they were in one
                // meeting (always when everyone meets).
                let seen = (w.attended_now[i] && w.attended_now[j] && w.meet(i, j))
                    || chance(rng, s.dynamics.visibility);
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
            let pessimism = s.dynamics.pessimism * s.trust.strangers;
            let rate = s.dynamics.assumption_decay;
            for i in 0..n {
                if !w.is_member(i) {
                    continue;
                }
                for j in 0..n {
                    let member = w.is_member(j);
                    let t = &mut w.trust[i * n + j];
                    if j != i && member && *t > pessimism {
                        *t += rate * (pessimism - *t);
                    }
                }
            }
        }
    }

    fn bench_world(run: u64, rounds: u32) -> (Scenario, World, Rng) {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scenarios/bench.toml");
        let s = crate::scenario::ScenarioFile::open(Some(&path))
            .unwrap()
            .base;
        let (world, rng) = {
            let mut sim = Simulation::new(&s, 3, run);
            for _ in 0..rounds {
                sim.step();
            }
            (sim.world.clone(), sim.rng.clone())
        };
        (s, world, rng)
    }

    #[test]
    fn fast_trust_phase_equals_the_plain_one() {
        use rand::RngExt;
        for run in 0..40 {
            let (s, mut w, mut rng) = bench_world(run, 1 + (run as u32 % 30));
            // Random attendance and deliveries, some non-members included.
            let mut pick = run_rng(99, run);
            for i in 0..w.n {
                w.attended_now[i] = pick.random::<f64>() < 0.4;
                w.delivered_now[i] = pick.random::<f64>() < 0.7;
            }
            // Every third world has gone without a check-in for long
            // enough that assumptions fill the gap.
            if run % 3 == 0 {
                w.coalition.last_checkin = 0;
                w.round = w.round.max(1) + s.dynamics.gap_tolerance + 1;
            }
            let (mut w2, mut rng2) = (w.clone(), rng.clone());
            // The fast phase, with the scratch the engine gives it.
            let n = w.n;
            let mut cache = vec![f64::NAN; n];
            let mut members: Vec<usize> = (0..n).filter(|&i| w.is_member(i)).collect();
            let (mut ev, mut now) = (Vec::new(), RoundTally::default());
            let mean = trust::update_trust_in(&mut Round {
                world: &mut w,
                scenario: &s,
                rng: &mut rng,
                events: &mut ev,
                tally: &mut now,
                trust_cache: &mut cache,
                members: &mut members,
                ctl: &mut ModelRules,
            });
            naive_update_trust(&mut w2, &s, &mut rng2);
            let bits = |w: &World| w.trust.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&w), bits(&w2), "run {run}");
            // Both consumed the same random numbers.
            assert_eq!(rng.next_u64(), rng2.next_u64(), "run {run}");
            // The fused sums: the trust cache and the mean trust between
            // members, bit for bit what the separate passes compute.
            assert_eq!(mean.to_bits(), w2.mean_trust().to_bits(), "run {run}");
            let mut want = vec![f64::NAN; n];
            refresh_trust_cache(&w2, &mut want, &mut members);
            let bits = |c: &[f64]| c.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&cache), bits(&want), "run {run}");
        }
    }

    /// The one-pass record against the member means taken one by one.
    #[test]
    fn one_pass_record_equals_the_member_means() {
        for run in 0..40 {
            let (_, w, _) = bench_world(run, run as u32 % 60);
            let now = RoundTally::default();
            let r = RoundRecord::with_mean_trust(&w, &now, None);
            let want = [
                w.mean_trust(),
                w.member_mean(|i| w.alignment(i)),
                w.member_mean(|i| w.support(i)),
                w.member_mean(|i| w.engagement[i]),
                w.member_mean(|i| w.hidden[i]),
                w.member_mean(|i| w.resentment[i]),
                w.member_mean(|i| w.buy_in[i]),
            ];
            let got = [
                r.mean_trust,
                r.mean_alignment,
                r.mean_support,
                r.engagement,
                r.hidden_objection,
                r.resentment,
                r.buy_in,
            ];
            for (g, x) in got.iter().zip(&want) {
                assert_eq!(g.to_bits(), x.to_bits(), "run {run}");
            }
        }
    }

    #[test]
    fn fast_trust_cache_equals_trust_in_members() {
        for run in 0..40 {
            let (_, w, _) = bench_world(run, run as u32 % 60);
            let mut cache = vec![f64::NAN; w.n];
            let mut members = Vec::with_capacity(w.n);
            refresh_trust_cache(&w, &mut cache, &mut members);
            for (i, c) in cache.iter().enumerate() {
                let want = if w.is_member(i) {
                    w.trust_in_members(i)
                } else {
                    0.0
                };
                assert_eq!(c.to_bits(), want.to_bits(), "run {run}, agent {i}");
            }
        }
    }

    /// `exit::leave_all` against `exit::leave` called once per leaver (the
    /// plain version, O(n²) per exit): bit-identical worlds and events with
    /// up to `EXACT_FACTORS` exits in one phase, equal to 1e-12 beyond.
    #[test]
    fn batched_exits_equal_one_exit_after_the_other() {
        use crate::model::ExitReason;
        use rand::RngExt;
        let reasons = [
            ExitReason::LowTrust,
            ExitReason::Removed,
            ExitReason::Overload,
            ExitReason::Misfit,
        ];
        // 150 agents, all members from the start: more exits in one phase
        // than EXACT_FACTORS, so the product path is exercised too.
        let big = crate::scenario::ScenarioFile::load(crate::scenario::Source {
            name: "big.toml".into(),
            text: "[population]\ncount = 150\nfounders = 1\ninitial_members = 150\n".into(),
        })
        .unwrap();
        for run in 0..44u64 {
            let (s, w0) = if run < 40 {
                let (s, w0, _) = bench_world(run, 1 + (run as u32 % 30));
                (s, w0)
            } else {
                let s = big.base.clone();
                let w0 = crate::model::build_world(&s, &mut run_rng(5, run));
                (s, w0)
            };
            let s = if run % 2 == 1 {
                // Abrupt exits too (no exit protocol): two kinds of factor.
                let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../scenarios/bench.toml");
                let file = if run < 40 {
                    crate::scenario::ScenarioFile::open(Some(&path)).unwrap()
                } else {
                    big.clone()
                };
                let none = toml::Value::String("none".into());
                file.with_overrides("test", &[("governance.exit_protocol".into(), none)])
                    .unwrap()
            } else {
                s
            };
            let mut pick = run_rng(7, run);
            let share = [0.1, 0.3, 0.6, 1.0][run as usize % 4];
            let share = if run >= 40 { 0.8 } else { share };
            let mut leavers: Vec<(usize, ExitReason)> = Vec::new();
            for i in 0..w0.n {
                if w0.is_member(i) && pick.random::<f64>() < share {
                    leavers.push((i, reasons[pick.random_range(0..reasons.len())]));
                }
            }
            let (mut w, mut w2) = (w0.clone(), w0.clone());
            let (mut ev, mut ev2) = (Vec::new(), Vec::new());
            let (mut now, mut now2) = (RoundTally::default(), RoundTally::default());
            exit::leave_all(&mut w, &s, &leavers, &mut ev, &mut now);
            for &(i, r) in &leavers {
                exit::leave(&mut w2, &s, i, r, &mut ev2, &mut now2);
            }
            assert_eq!(w.status, w2.status, "run {run}");
            assert_eq!(now.left, now2.left, "run {run}");
            assert_eq!(format!("{:?}", w.coalition), format!("{:?}", w2.coalition));
            assert_eq!(w.leadership, w2.leadership, "run {run}");
            assert_eq!(w.committee, w2.committee, "run {run}");
            if leavers.len() <= exit::EXACT_FACTORS {
                let differ =
                    (0..w.trust.len()).find(|&k| w.trust[k].to_bits() != w2.trust[k].to_bits());
                assert_eq!(
                    differ,
                    None,
                    "run {run}, {} leavers: trust differs",
                    leavers.len()
                );
                assert_eq!(ev, ev2, "run {run}");
            } else {
                for (a, b) in w.trust.iter().zip(&w2.trust) {
                    assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "run {run}");
                }
                assert_eq!(ev.len(), ev2.len());
            }
        }
    }

    #[test]
    fn fast_checkins_equal_the_plain_nudges() {
        for run in 0..40 {
            let (s, w0, rng0) = bench_world(run, 2 * (run as u32 % 20));
            let mut w = w0.clone();
            w.round = 2 * (w.round / 2 + 1); // a check-in round (checkin_every = 2)
            w.attended_now.iter_mut().for_each(|a| *a = false); // as step() does
            let mut w2 = w.clone();
            let (mut rng, mut rng2) = (rng0.clone(), rng0);
            let (mut ev, mut now) = (Vec::new(), RoundTally::default());
            checkin::checkins(&mut w, &s, &mut rng, &mut ev, &mut now);
            // The plain version: attendance as the phase draws it, then
            // row-by-row nudges toward each attendee's record.
            let g = &s.governance;
            let dy = &s.dynamics;
            for i in 0..w2.n {
                if !w2.is_member(i) {
                    continue;
                }
                if g.private_checkin && w2.missed[i] >= 2 {
                    w2.engagement[i] =
                        crate::model::unit(w2.engagement[i] + 0.2 * (1.0 - w2.engagement[i]));
                }
                if chance(&mut rng2, w2.engagement[i]) {
                    w2.attended_now[i] = true;
                }
            }
            for i in 0..w2.n {
                for j in 0..w2.n {
                    if i != j && w2.attended_now[i] && w2.attended_now[j] {
                        let record =
                            (w2.delivered[j] as f64 + 1.0) / (w2.committed[j] as f64 + 2.0);
                        // Across groups a record arrives second-hand.
                        let rate = if w2.meet(i, j) {
                            dy.transparency
                        } else {
                            dy.relay * dy.transparency
                        };
                        let t = w2.trust(i, j);
                        w2.nudge_trust(i, j, rate * (record - t));
                    }
                }
            }
            let bits = |w: &World| w.trust.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(w.attended_now, w2.attended_now, "run {run}");
            assert_eq!(bits(&w), bits(&w2), "run {run}");
        }
    }
}
