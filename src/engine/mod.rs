//! The simulation engine: [`Simulation::step`] runs one round as a short list
//! of phases, one file per phase. Pure: no IO, no clock, no globals; a run is
//! a function of (scenario, seed, run index).

mod checkin;
mod contribution;
mod decision;
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

pub use decision::select_committee;
pub use events::{Event, EventKind, ShockKind};
pub use record::{RoundRecord, RunSummary};

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
    pub joined: u32,
    pub left: u32,
    pub milestone: bool,
}

/// One run in progress.
pub struct Simulation<'a> {
    pub scenario: &'a Scenario,
    pub world: World,
    pub rng: Rng,
    /// Events of the current round (cleared at the start of each round).
    pub events: Vec<Event>,
    pub now: RoundTally,
    /// Set once the run has ended.
    pub outcome: Option<Outcome>,
    /// Mean trust per member, computed once per round for the phases.
    trust_cache: Vec<f64>,
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
        if self.outcome.is_some() {
            self.events.clear();
            return &self.events;
        }
        if self.world.round > 0 {
            self.events.clear();
        }
        self.now = RoundTally::default();
        self.world.round += 1;
        let s = self.scenario;
        let w = &mut self.world;
        w.hours_now.iter_mut().for_each(|h| *h = 0.0);
        w.delivered_now.iter_mut().for_each(|d| *d = false);
        w.attended_now.iter_mut().for_each(|a| *a = false);

        shocks::shocks(w, s, &mut self.rng, &mut self.events, &mut self.now);
        recruitment::recruitment(w, s, &mut self.rng, &mut self.events, &mut self.now);
        checkin::checkins(w, s, &mut self.rng, &mut self.events, &mut self.now);
        refresh_trust_cache(w, &mut self.trust_cache);
        decision::decisions(
            w,
            s,
            &mut self.rng,
            &mut self.events,
            &mut self.now,
            &self.trust_cache,
        );
        refresh_trust_cache(w, &mut self.trust_cache);
        contribution::contributions(w, s, &mut self.rng, &mut self.now, &self.trust_cache);
        progress::progress(w, s, &mut self.events, &mut self.now);
        trust::update_trust(w, s, &mut self.rng);
        refresh_trust_cache(w, &mut self.trust_cache);
        engagement::engagement(w, s, &mut self.events, &mut self.now, &self.trust_cache);
        exit::exits(w, s, &mut self.rng, &mut self.events, &mut self.now);
        for (total, h) in w.hours.iter_mut().zip(&w.hours_now) {
            *total += h;
        }
        self.now.hours = w.hours_now.iter().sum();
        w.coalition.total_hours += self.now.hours;
        w.coalition.member_rounds += w.coalition.members as u64;
        self.outcome = end::end_check(w, s, &mut self.events);
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
        RoundRecord::of(&self.world, &self.now)
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

fn refresh_trust_cache(w: &World, cache: &mut [f64]) {
    for (i, c) in cache.iter_mut().enumerate() {
        *c = if w.is_member(i) {
            w.trust_in_members(i)
        } else {
            0.0
        };
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

/// A standard normal draw (Box–Muller).
pub(crate) fn normal(rng: &mut Rng) -> f64 {
    use rand::RngExt;
    let u1: f64 = rng.random::<f64>().max(f64::MIN_POSITIVE);
    let u2: f64 = rng.random::<f64>();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}
