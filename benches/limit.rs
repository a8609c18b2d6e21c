//! How far the engine is from its limit on `scenarios/bench.toml`: one run
//! of the engine (`limit/engine`) against a hand-written tight loop doing
//! the same essential work for the same 30 organisations (`limit/tight_loop`),
//! both in thread CPU time (docs/performance.md, "The tight-loop limit").
//!
//! The tight loop is what a programmer would write for this one population
//! with nothing but speed in mind: every agent's state in fixed-size arrays
//! of 30, the members as a bit set (a member list for free), the trust
//! matrix as `[[f64; 30]; 30]`, no events, no per-round record, no
//! controller, no scenario lookups, no generality (one rule, one structure,
//! no sparse relationships). Each round it does the arithmetic and the
//! random draws of the engine's phases over the same members:
//!
//! - the world's initial draws (attributes, positions and saliences, prior
//!   relationships, the trust matrix);
//! - shocks: one draw, and on a shock the clarity of every member;
//! - recruitment: every outsider's reach (a product over the recruiters),
//!   its trust in them, a draw; when reached, its support and utility and a
//!   second draw, and when that passes an admission vote of the members;
//! - check-ins (every second round): private check-ins, an attendance draw
//!   per member, hours, clarity, and the nudges between every ordered pair
//!   of attendees;
//! - the members' mean trust in the others (the trust cache);
//! - decisions: the waiting cost, the proposer (a draw weighted by power),
//!   the issue, merit and judgment draws, pooling, the vote with its voice
//!   draws, each amendment round, a crisis when one erupts (trust scaled and
//!   the cache refreshed), welfare, bind, the implementation share, direction,
//!   the leak draw; crisis management while governance is set up;
//! - contributions: delivery probability and draw, contacts, alignment,
//!   hours; progress, a milestone's efficacy, clarity and revealed records;
//! - the trust phase over every ordered pair of members (a draw per pair
//!   that did not meet, branch-free update, the gap's decay, fused sums);
//! - engagement, renewal, the sunset review; exit tests with their draws;
//!   each exit's damage to the trust between the remaining members.
//!
//! What it does not decide itself is the trajectory: which agents join and
//! leave in each round, who attends, the groups and the council, how many
//! votes a decision takes, when a crisis erupts or a milestone is crossed,
//! and how many rounds a run lasts are taken from the engine's own run of
//! the same index (recorded once, outside the timing), so both do their
//! work over the same members for the same number of rounds. Its own
//! draws feed its own state, so its numbers differ from the engine's; the
//! work does not. The engine draws from the same generator (ChaCha8), and
//! `limit_draws` (printed at the start) compares how many random words
//! each takes per run.

// Index loops over fixed-size arrays are the point of this loop.
#![allow(clippy::needless_range_loop)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use coalsim_core::engine::{EventKind, Simulation};
use coalsim_core::model::{GovernanceState, Status};
use coalsim_core::scenario::{Scenario, ScenarioFile};
use criterion::{Criterion, criterion_group};
use rand::{Rng as _, RngExt as _, SeedableRng};
use rand_chacha::ChaCha8Rng;

const N: usize = 30;
const D: usize = 3;
/// Runs recorded (and cycled through by both benchmarks).
const RUNS: u64 = 200;

fn bench_scenario() -> Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench.toml");
    ScenarioFile::open(Some(&path))
        .expect("scenarios/bench.toml")
        .base
}

fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn bit(i: usize) -> u64 {
    1u64 << i
}

/// The members of a bit set, ascending.
#[inline(always)]
fn each(mut set: u64, mut f: impl FnMut(usize)) {
    while set != 0 {
        let i = set.trailing_zeros() as usize;
        set &= set - 1;
        f(i);
    }
}

/// One round of the engine's trajectory.
#[derive(Clone, Copy, Default)]
struct Step {
    joined: u64,
    left: u64,
    /// Attendees of the check-in (0 without one).
    attended: u64,
    checkin: bool,
    council: u64,
    group: [u8; N],
    grouped: bool,
    /// Votes taken on the round's proposal (1 + amendment rounds; 0: none).
    votes: u8,
    crisis: bool,
    /// Setting up governance after a crisis (crisis management).
    managing: bool,
    setting_up: bool,
    established: bool,
    milestone: bool,
}

struct Trajectory {
    start: u64,
    steps: Vec<Step>,
}

fn members_of(sim: &Simulation<'_>) -> u64 {
    let w = &sim.world;
    (0..w.n)
        .filter(|&i| w.status[i] == Status::Member)
        .fold(0, |m, i| m | bit(i))
}

/// The engine's run `run`, round by round, and the random words it drew.
fn record(s: &Scenario, run: u64) -> (Trajectory, u128) {
    let mut sim = Simulation::new(s, s.seed, run);
    let start = members_of(&sim);
    let mut steps = Vec::new();
    while sim.outcome.is_none() {
        let before = members_of(&sim);
        let managing = matches!(
            sim.world.coalition.governance,
            GovernanceState::SettingUp { crisis: true, until } if until > sim.world.round
        );
        sim.step();
        let w = &sim.world;
        let after = members_of(&sim);
        let round = w.round;
        let mut st = Step {
            joined: after & !before,
            left: before & !after,
            checkin: sim.now.checkin,
            milestone: sim.now.milestone,
            grouped: w.grouped(),
            managing,
            setting_up: matches!(w.coalition.governance, GovernanceState::SettingUp { .. }),
            established: w.coalition.governance == GovernanceState::Established,
            ..Step::default()
        };
        for i in 0..N {
            if w.attended_now[i] {
                st.attended |= bit(i);
            }
            if w.council[i] {
                st.council |= bit(i);
            }
            st.group[i] = w.group[i].min(255) as u8;
        }
        // Joiners who leave in the round they join do not exist (exits skip
        // them); leavers include a founder's scheduled departure.
        st.left |= before & !after;
        for e in sim.events.iter() {
            match e.kind {
                EventKind::Decision { .. } => {
                    st.votes = 1 + w.coalition.busy_until.saturating_sub(round) as u8;
                }
                EventKind::Crisis { .. } => {
                    st.votes = 1;
                    st.crisis = true;
                }
                _ => {}
            }
        }
        steps.push(st);
    }
    (Trajectory { start, steps }, sim.rng.get_word_pos())
}

/// The scenario's numbers, read once.
#[derive(Clone, Copy)]
struct P {
    shock_rate: f64,
    shock_size: f64,
    recruit_rate: f64,
    w_alignment: f64,
    w_trust: f64,
    w_efficacy: f64,
    w_cost: f64,
    w_hidden: f64,
    w_resentment: f64,
    clarity_start: f64,
    exit_barrier: f64,
    join_threshold: f64,
    big_player_bar: f64,
    big_player_members: f64,
    join_gain: f64,
    admit_trust: f64,
    joiner_buy_in: f64,
    private_after: u32,
    private_boost: f64,
    checkin_hours: f64,
    junior: f64,
    relay: f64,
    checkin_clarity: f64,
    transparency: f64,
    record_prior: f64,
    waiting: f64,
    proposal_step: f64,
    proposal_quality: f64,
    merit_spread: f64,
    pooling: f64,
    merit_weight: f64,
    interest_weight: f64,
    trust_weight: f64,
    trust_neutral: f64,
    voice_base: f64,
    amendment_hours: f64,
    amendment_delay: f64,
    amendment_move: f64,
    hidden_gain: f64,
    conflict_threshold: f64,
    conflict_damage: f64,
    outvoted_cost: f64,
    buy_in_rate: f64,
    winner_buy_in: f64,
    loser_buy_in: f64,
    implementation_need: f64,
    direction_gain: f64,
    leak_rate: f64,
    leak_damage: f64,
    reliability_trust: f64,
    hedge: f64,
    full_commitment: f64,
    setup_effort: f64,
    coordination_hours: f64,
    leader_hours: f64,
    setup_hours: f64,
    coordination_loss: f64,
    legitimacy_weight: f64,
    result_weight: f64,
    agreement_clarity: f64,
    direction_decay: f64,
    direction_floor: f64,
    gain: f64,
    loss: f64,
    visibility: f64,
    gap_tolerance: u32,
    pessimism: f64,
    assumption_decay: f64,
    clarity_decay: f64,
    clarity_floor: f64,
    hidden_decay: f64,
    resentment_decay: f64,
    impatience: f64,
    renewal_every: u32,
    renewal_hours: f64,
    renewal_boost: f64,
    engagement_rate: f64,
    hours_budget: f64,
    remove_after: u32,
    burnout_rate: f64,
    exit_threshold: f64,
    leave_gain: f64,
    abrupt_damage: f64,
    max_rounds: u32,
    density: f64,
    related: f64,
    strangers: f64,
    spread: f64,
    goal: f64,
}

impl P {
    fn of(s: &Scenario) -> P {
        let dy = &s.dynamics;
        let g = &s.governance;
        P {
            shock_rate: s.shocks.rate,
            shock_size: s.shocks.size,
            recruit_rate: dy.recruit_rate,
            w_alignment: dy.w_alignment,
            w_trust: dy.w_trust,
            w_efficacy: dy.w_efficacy,
            w_cost: dy.w_cost,
            w_hidden: dy.w_hidden,
            w_resentment: dy.w_resentment,
            clarity_start: dy.clarity_start,
            exit_barrier: dy.exit_barrier,
            join_threshold: dy.join_threshold,
            big_player_bar: dy.big_player_bar,
            big_player_members: dy.big_player_members,
            join_gain: dy.join_gain,
            admit_trust: dy.admit_trust,
            joiner_buy_in: dy.joiner_buy_in,
            private_after: dy.private_checkin_after,
            private_boost: dy.private_checkin_boost,
            checkin_hours: g.checkin_hours,
            junior: dy.junior_threshold,
            relay: dy.relay,
            checkin_clarity: dy.checkin_clarity,
            transparency: dy.transparency,
            record_prior: dy.record_prior,
            waiting: dy.outvoted_cost * dy.waiting_cost,
            proposal_step: dy.proposal_step,
            proposal_quality: dy.proposal_quality,
            merit_spread: dy.merit_spread,
            pooling: dy.pooling,
            merit_weight: dy.merit_weight,
            interest_weight: dy.interest_weight,
            trust_weight: dy.trust_weight,
            trust_neutral: dy.trust_neutral,
            voice_base: dy.voice_base,
            amendment_hours: dy.amendment_hours,
            amendment_delay: dy.amendment_delay,
            amendment_move: dy.amendment_move,
            hidden_gain: dy.hidden_gain,
            conflict_threshold: dy.conflict_threshold,
            conflict_damage: dy.conflict_damage,
            outvoted_cost: dy.outvoted_cost,
            buy_in_rate: dy.buy_in_rate,
            winner_buy_in: dy.winner_buy_in,
            loser_buy_in: dy.loser_buy_in,
            implementation_need: dy.implementation_need,
            direction_gain: dy.direction_gain,
            leak_rate: dy.leak_rate,
            leak_damage: dy.leak_damage,
            reliability_trust: dy.trust_sensitivity,
            hedge: dy.hedge,
            full_commitment: dy.full_commitment,
            setup_effort: dy.setup_effort,
            coordination_hours: dy.coordination_hours,
            leader_hours: dy.leader_hours,
            setup_hours: dy.setup_hours,
            coordination_loss: dy.coordination_loss,
            legitimacy_weight: dy.legitimacy_weight,
            result_weight: dy.result_weight,
            agreement_clarity: dy.agreement_clarity,
            direction_decay: dy.direction_decay,
            direction_floor: dy.direction_floor,
            gain: s.trust.gain,
            loss: s.trust.loss,
            visibility: dy.visibility,
            gap_tolerance: dy.gap_tolerance,
            pessimism: dy.pessimism * s.trust.strangers,
            assumption_decay: dy.assumption_decay,
            clarity_decay: dy.clarity_decay,
            clarity_floor: dy.clarity_floor,
            hidden_decay: dy.hidden_decay,
            resentment_decay: dy.resentment_decay,
            impatience: dy.impatience,
            renewal_every: g.renewal_every,
            renewal_hours: g.renewal_hours,
            renewal_boost: dy.renewal_boost,
            engagement_rate: dy.engagement_rate,
            hours_budget: dy.hours_budget,
            remove_after: g.remove_after,
            burnout_rate: dy.burnout_rate,
            exit_threshold: dy.exit_threshold,
            leave_gain: dy.leave_gain,
            abrupt_damage: dy.abrupt_exit_damage,
            max_rounds: s.max_rounds,
            density: s.population.relationship_density,
            related: s.trust.related,
            strangers: s.trust.strangers,
            spread: s.trust.spread,
            goal: s.goal.size,
        }
    }
}

/// Every agent's state, in arrays of 30.
#[derive(Clone)]
struct State {
    members: u64,
    trust: [[f64; N]; N],
    resources: [f64; N],
    reliability: [f64; N],
    judgment: [f64; N],
    urgency: [f64; N],
    power: [f64; N],
    leadership: [f64; N],
    engagement: [f64; N],
    clarity: [f64; N],
    efficacy: [f64; N],
    hidden: [f64; N],
    resentment: [f64; N],
    buy_in: [f64; N],
    commitment: [f64; N],
    hours_now: [f64; N],
    contributed: [f64; N],
    cache: [f64; N],
    vote_merit: [f64; N],
    vote_u: [f64; N],
    position: [[f64; D]; N],
    salience: [[f64; D]; N],
    waiting: [[f64; D]; N],
    missed: [u32; N],
    committed: [u32; N],
    delivered: [u32; N],
    delivered_now: u64,
    agenda: [f64; D],
    focus: [f64; D],
    progress: f64,
    shown: f64,
    direction: f64,
    legitimacy: f64,
    delay: f64,
    total_contribution: f64,
    last_checkin: u32,
    round: u32,
    sink: f64,
}

fn chance(rng: &mut ChaCha8Rng, p: f64) -> bool {
    rng.random::<f64>() < p
}

impl State {
    /// The world's initial draws, as `build_world` makes them.
    fn new(p: &P, start: u64, rng: &mut ChaCha8Rng) -> State {
        let mut st = State {
            members: start,
            trust: [[0.0; N]; N],
            resources: [0.0; N],
            reliability: [0.0; N],
            judgment: [0.0; N],
            urgency: [0.0; N],
            power: [0.0; N],
            leadership: [0.0; N],
            engagement: [0.0; N],
            clarity: [p.clarity_start; N],
            efficacy: [0.6; N],
            hidden: [0.0; N],
            resentment: [0.0; N],
            buy_in: [1.0; N],
            commitment: [p.full_commitment; N],
            hours_now: [0.0; N],
            contributed: [0.0; N],
            cache: [0.0; N],
            vote_merit: [0.0; N],
            vote_u: [0.0; N],
            position: [[0.0; D]; N],
            salience: [[0.0; D]; N],
            waiting: [[0.0; D]; N],
            missed: [0; N],
            committed: [0; N],
            delivered: [0; N],
            delivered_now: 0,
            agenda: [0.0; D],
            focus: [1.0, 0.0, 0.0],
            progress: 0.0,
            shown: 0.0,
            direction: 0.5,
            legitimacy: 0.6,
            delay: 0.0,
            total_contribution: 0.0,
            last_checkin: 0,
            round: 0,
            sink: 0.0,
        };
        let range = |rng: &mut ChaCha8Rng, a: f64, b: f64| a + (b - a) * rng.random::<f64>();
        let mut credibility = [0.0; N];
        for i in 0..N {
            st.resources[i] = range(rng, 0.6, 1.4);
            credibility[i] = range(rng, 0.4, 0.9);
            st.reliability[i] = range(rng, 0.7, 0.95);
            st.judgment[i] = range(rng, 0.6, 0.85);
            st.urgency[i] = range(rng, 0.3, 1.0);
            st.engagement[i] = range(rng, 0.6, 0.9);
            for k in 0..D {
                st.position[i][k] = range(rng, 0.0, 1.0).clamp(-1.0, 1.0);
                st.salience[i][k] = rng.random::<f64>().max(1e-6).powf(1.0);
            }
            let max = st.salience[i].iter().cloned().fold(0.0, f64::max);
            st.salience[i].iter_mut().for_each(|x| *x /= max);
            st.power[i] = st.resources[i] * (0.5 + 0.5 * credibility[i]);
        }
        let mut related = [[false; N]; N];
        for i in 0..N {
            for j in (i + 1)..N {
                if rng.random::<f64>() < p.density {
                    related[i][j] = true;
                    related[j][i] = true;
                }
            }
        }
        for i in 0..N {
            for j in 0..N {
                st.trust[i][j] = if i == j {
                    1.0
                } else {
                    let base = if related[i][j] {
                        p.related
                    } else {
                        p.strangers
                    };
                    (base + p.spread * (2.0 * rng.random::<f64>() - 1.0)).clamp(0.0, 1.0)
                };
            }
        }
        st.leadership[0] = 0.3;
        st.leadership[1] = 0.3;
        for k in 0..D {
            let (mut num, mut den) = (0.0, 0.0);
            each(start, |i| {
                num += st.salience[i][k] * st.position[i][k];
                den += st.salience[i][k];
            });
            st.agenda[k] = num / den;
        }
        st
    }

    fn count(&self) -> usize {
        self.members.count_ones() as usize
    }

    #[inline(always)]
    fn support(&self, i: usize) -> f64 {
        let mut s = 0.0;
        for k in 0..D {
            let f = self.focus[k];
            if f > 0.0 {
                s += f * self.salience[i][k] * (1.0 - (self.position[i][k] - self.agenda[k]).abs());
            }
        }
        s
    }

    fn refresh_cache(&mut self) {
        let m = self.members;
        let others = (self.count().max(1) - 1).max(1) as f64;
        self.cache = [0.0; N];
        each(m, |i| {
            let mut sum = 0.0;
            each(m & !bit(i), |j| sum += self.trust[i][j]);
            self.cache[i] = sum / others;
        });
    }

    fn member_mean(&self, v: &[f64; N]) -> f64 {
        let mut sum = 0.0;
        each(self.members, |i| sum += v[i]);
        sum / self.count().max(1) as f64
    }

    fn meet(st: &Step, i: usize, j: usize) -> bool {
        !st.grouped
            || st.group[i] == st.group[j]
            || (st.council & bit(i) != 0 && st.council & bit(j) != 0)
    }

    /// One round, the engine's phases in its order.
    fn round(&mut self, p: &P, step: &Step, rng: &mut ChaCha8Rng) {
        self.round += 1;
        self.hours_now = [0.0; N];
        self.delivered_now = 0;
        self.delay = 0.0;
        self.shocks(p, rng);
        self.recruitment(p, step, rng);
        if step.checkin {
            self.checkins(p, step, rng);
        }
        self.refresh_cache();
        self.decisions(p, step, rng);
        self.contributions(p, step, rng);
        self.progress(p, step);
        self.trust_phase(p, step, rng);
        self.engagement(p);
        self.exits(p, step, rng);
        let mut total = 0.0;
        each(self.members, |i| total += self.hours_now[i]);
        self.sink += total;
    }

    fn shocks(&mut self, p: &P, rng: &mut ChaCha8Rng) {
        if chance(rng, p.shock_rate) && self.members != 0 {
            let _kind = rng.random_range(0..3u32);
            let m = self.members;
            let others = (self.count().max(2) - 1) as f64;
            each(m, |i| {
                let mut sum = 0.0;
                each(m & !bit(i), |j| sum += self.trust[i][j]);
                self.clarity[i] *= 1.0 - p.shock_size * (1.0 - sum / others);
            });
        }
    }

    fn recruitment(&mut self, p: &P, step: &Step, rng: &mut ChaCha8Rng) {
        let recruiters = self.members;
        if recruiters == 0 {
            return;
        }
        let m = self.count() as f64;
        let max_power = self.power.iter().cloned().fold(0.0, f64::max);
        let public_efficacy = self.legitimacy * self.member_mean(&self.efficacy);
        let h = p.big_player_members - 2.0;
        let outsiders = !recruiters & ((1u64 << N) - 1);
        each(outsiders, |j| {
            let (mut miss, mut best, mut via, mut trust_in) = (1.0, -1.0, 0usize, 0.0);
            each(recruiters, |i| {
                let pull = p.recruit_rate * self.engagement[i] * self.trust[i][j];
                miss *= 1.0 - pull;
                if pull > best {
                    best = pull;
                    via = i;
                }
                trust_in += self.trust[j][i];
            });
            if !chance(rng, 1.0 - miss) {
                return;
            }
            let support = self.support(j).max(0.0);
            let utility = p.w_alignment * support * p.clarity_start
                + p.w_trust * trust_in / m
                + p.w_efficacy * public_efficacy
                - p.exit_barrier * (1.0 - support);
            let bar = p.join_threshold
                + p.big_player_bar * self.power[j] / max_power * (1.0 + h) / (h + m);
            if !chance(rng, (p.join_gain * (utility - bar)).clamp(0.0, 1.0)) {
                return;
            }
            let mut yes = 0u32;
            each(recruiters, |i| {
                yes += u32::from(self.trust[i][j] >= p.admit_trust)
            });
            self.sink += (yes + via as u32) as f64;
        });
        let mean_efficacy = self.member_mean(&self.efficacy);
        each(step.joined, |j| {
            self.members |= bit(j);
            self.efficacy[j] = mean_efficacy;
            self.buy_in[j] = p.joiner_buy_in;
            self.resentment[j] = 0.0;
        });
    }

    fn checkins(&mut self, p: &P, step: &Step, rng: &mut ChaCha8Rng) {
        let second = step.grouped && step.council.count_ones() > 1;
        each(self.members, |i| {
            if self.missed[i] >= p.private_after {
                self.engagement[i] += p.private_boost * (1.0 - self.engagement[i]);
            }
            let _drawn = chance(rng, self.engagement[i]);
            if step.attended & bit(i) == 0 {
                return;
            }
            let council = step.council & bit(i) != 0;
            self.hours_now[i] += if step.grouped && council { 2.0 } else { 1.0 } * p.checkin_hours;
            let junior = self.engagement[i] < p.junior;
            let relayed = if second && !council { p.relay } else { 1.0 };
            let gain = if junior { p.relay } else { 1.0 } * relayed * p.checkin_clarity;
            self.clarity[i] = (self.clarity[i] + gain * (1.0 - self.clarity[i])).clamp(0.0, 1.0);
        });
        let a = step.attended & self.members;
        each(a, |j| {
            let record = (self.delivered[j] as f64 + p.record_prior)
                / (self.committed[j] as f64 + 2.0 * p.record_prior);
            each(a & !bit(j), |i| {
                let rate = if Self::meet(step, i, j) {
                    p.transparency
                } else {
                    p.relay * p.transparency
                };
                let t = self.trust[i][j];
                self.trust[i][j] = (t + rate * (record - t)).clamp(0.0, 1.0);
            });
        });
        self.last_checkin = self.round;
    }

    fn decisions(&mut self, p: &P, step: &Step, rng: &mut ChaCha8Rng) {
        let m = self.members;
        if step.managing {
            let mut erupted = 0u32;
            each(m, |i| {
                self.hours_now[i] += p.amendment_hours;
                erupted += u32::from(self.hidden[i] >= p.conflict_threshold);
            });
            self.delay = (self.delay + p.amendment_delay * erupted as f64).clamp(0.0, 1.0);
            return;
        }
        if step.setting_up && !step.crisis {
            return;
        }
        if p.waiting > 0.0 {
            each(m, |i| {
                let stake: f64 = self.waiting[i].iter().sum();
                if stake > 0.0 {
                    self.resentment[i] =
                        (self.resentment[i] + p.waiting * self.urgency[i] * stake).clamp(0.0, 1.0);
                }
            });
        }
        if step.votes == 0 {
            return;
        }
        // The proposer, by power; the issue, by focus.
        let mut total = 0.0;
        each(m, |i| total += self.power[i].max(1e-9));
        let mut x = rng.random::<f64>() * total;
        let mut proposer = 0;
        each(m, |i| {
            if x >= 0.0 {
                proposer = i;
            }
            x -= self.power[i].max(1e-9);
        });
        let fsum: f64 = self.focus.iter().sum();
        let mut x = rng.random::<f64>() * fsum;
        let mut k = 0;
        for (kk, f) in self.focus.iter().enumerate() {
            if x < *f {
                k = kk;
                break;
            }
            x -= f;
        }
        let a = self.agenda[k];
        let mut y = a + p.proposal_step * (self.position[proposer][k] - a);
        let good = chance(rng, p.proposal_quality);
        let size = 1.0 + p.merit_spread * (2.0 * rng.random::<f64>() - 1.0);
        let merit = if good { size } else { -size };
        each(m, |i| {
            self.vote_merit[i] = if chance(rng, self.judgment[i]) {
                merit
            } else {
                -merit
            };
        });
        self.pool(p, merit, m & step.attended, rng);
        let established = step.established;
        let (mut yes, mut voiced) = self.vote(p, proposer, k, y, established, rng);
        let mut total_votes = m.count_ones();
        if !established {
            // No forum yet: every objection is hidden.
            each(m, |i| {
                if self.vote_u[i] < 0.0 {
                    self.hidden[i] =
                        (self.hidden[i] + p.hidden_gain * self.vote_u[i].abs()).clamp(0.0, 1.0);
                }
            });
        }
        if step.crisis {
            each(m, |i| {
                let keep = 1.0 - p.conflict_damage * self.hidden[i];
                each(m & !bit(i), |j| self.trust[i][j] *= keep);
            });
            let mut sum = 0.0;
            each(m, |i| each(m & !bit(i), |j| sum += self.trust[i][j]));
            self.sink += sum;
            self.refresh_cache();
            return;
        }
        for _ in 1..step.votes {
            let (mut num, mut den) = (0.0, 0.0);
            each(m, |i| {
                if self.vote_u[i] < 0.0 {
                    num += self.salience[i][k] * self.position[i][k];
                    den += self.salience[i][k];
                }
            });
            each(m, |i| self.hours_now[i] += p.amendment_hours);
            self.delay = (self.delay + p.amendment_delay * voiced as f64).clamp(0.0, 1.0);
            if den > 0.0 {
                y += p.amendment_move * 0.5 * (num / den - y);
            }
            self.pool(p, merit, m, rng);
            (yes, voiced) = self.vote(p, proposer, k, y, established, rng);
            total_votes = m.count_ones();
        }
        let passed = 2 * yes > total_votes;
        // Welfare and bind: every member's stake in the outcome.
        let mut served = 0.0;
        let mut imp = (0.0, 0.0);
        each(m, |i| {
            let x = self.position[i][k];
            let delta = self.salience[i][k] * ((x - a).abs() - (x - y).abs());
            let v = p.merit_weight * merit + p.interest_weight * delta;
            if (passed && v > 0.0) || (!passed && v < 0.0) {
                served += v.abs();
            }
            let g = p.merit_weight * self.vote_merit[i] + p.interest_weight * delta;
            let yes_i = self.vote_u[i] >= 0.0;
            let lost = if passed { (-g).max(0.0) } else { g.max(0.0) };
            let (target, stake) = match (yes_i, passed) {
                (true, true) => (p.winner_buy_in, 0.0),
                (true, false) => (p.loser_buy_in, lost),
                (false, true) => (p.loser_buy_in, lost),
                (false, false) => (p.winner_buy_in, 0.0),
            };
            self.resentment[i] = (self.resentment[i] + p.outvoted_cost * stake).clamp(0.0, 1.0);
            if !passed && stake > 0.0 {
                self.waiting[i][k] = self.waiting[i][k].max(stake);
            }
            let rate = if stake > 0.0 {
                p.buy_in_rate
                    * (stake / (p.merit_weight + p.interest_weight * p.proposal_step)).min(1.0)
            } else {
                p.buy_in_rate
            };
            self.buy_in[i] = (self.buy_in[i] + rate * (target - self.buy_in[i])).clamp(0.0, 1.0);
            let agree = if yes_i {
                p.winner_buy_in
            } else {
                p.loser_buy_in
            };
            let effort = self.resources[i] * self.engagement[i];
            imp.0 += effort * (1.0 - p.implementation_need * (1.0 - agree));
            imp.1 += effort;
        });
        self.sink += served;
        let implemented = if imp.1 > 0.0 { imp.0 / imp.1 } else { 1.0 };
        if passed {
            self.agenda[k] = y;
            each(m, |i| self.waiting[i][k] = 0.0);
            let gain = p.direction_gain * size;
            if good {
                self.direction =
                    (self.direction + gain * implemented * (1.0 - self.direction)).min(1.0);
            } else {
                self.direction *= (1.0 - gain * implemented).max(0.0);
            }
        }
        if voiced > 0 && chance(rng, p.leak_rate) {
            self.legitimacy *= 1.0 - p.leak_damage;
        }
    }

    fn pool(&mut self, p: &P, merit: f64, selected: u64, rng: &mut ChaCha8Rng) {
        let (mut right, total) = (0u32, selected.count_ones());
        each(selected, |i| {
            right += u32::from(self.vote_merit[i] == merit)
        });
        if total == 0 || right == 0 || right == total {
            return;
        }
        let q = p.pooling * right as f64 / total as f64;
        each(selected, |i| {
            if self.vote_merit[i] != merit && chance(rng, q) {
                self.vote_merit[i] = merit;
            }
        });
    }

    /// One vote: (counted yes, voiced objections).
    fn vote(
        &mut self,
        p: &P,
        proposer: usize,
        k: usize,
        y: f64,
        established: bool,
        rng: &mut ChaCha8Rng,
    ) -> (u32, u32) {
        let a = self.agenda[k];
        let (mut yes, mut voiced) = (0u32, 0u32);
        each(self.members, |i| {
            let x = self.position[i][k];
            let delta = self.salience[i][k] * ((x - a).abs() - (x - y).abs());
            let u = p.merit_weight * self.vote_merit[i]
                + p.interest_weight * delta
                + p.trust_weight * (self.trust[i][proposer] - p.trust_neutral);
            self.vote_u[i] = u;
            if u >= 0.0 {
                yes += 1;
            } else if established
                && chance(
                    rng,
                    self.engagement[i] * (p.voice_base + (1.0 - p.voice_base) * self.cache[i]),
                )
            {
                voiced += 1;
            } else {
                yes += 1;
            }
        });
        (yes, voiced)
    }

    fn contributions(&mut self, p: &P, step: &Step, rng: &mut ChaCha8Rng) {
        let m = self.members;
        let count = self.count();
        let mut sizes = [0u32; N];
        let mut council = 0usize;
        if step.grouped {
            each(m, |i| {
                sizes[step.group[i] as usize % N] += 1;
                council += usize::from(step.council & bit(i) != 0);
            });
        }
        let mut contributions = 0.0;
        let mut aligned = 0.0;
        each(m, |i| {
            let pr = self.reliability[i]
                * (1.0 - p.reliability_trust * (1.0 - self.cache[i]))
                * (1.0 - (p.w_hidden * self.hidden[i]).min(1.0))
                * (1.0 - p.implementation_need * (1.0 - self.buy_in[i]));
            let hedged = p.hedge * (1.0 - (self.commitment[i] / p.full_commitment).clamp(0.0, 1.0));
            self.committed[i] += 1;
            if chance(rng, pr) {
                self.delivered_now |= bit(i);
                self.delivered[i] += 1;
                self.missed[i] = 0;
                let share = if step.setting_up {
                    1.0 - p.setup_effort
                } else {
                    1.0
                };
                let amount = self.resources[i]
                    * self.engagement[i]
                    * share
                    * (1.0 - hedged)
                    * (1.0 - self.delay);
                self.contributed[i] += amount;
                contributions += amount;
                aligned += amount * self.support(i).max(0.0) * self.clarity[i];
            } else {
                self.missed[i] += 1;
            }
            let contacts = if step.grouped {
                let c = step.council & bit(i) != 0;
                (sizes[step.group[i] as usize % N] as usize).saturating_sub(1)
                    + if c { council.saturating_sub(1) } else { 0 }
            } else {
                count.saturating_sub(1)
            };
            let mut h = p.coordination_hours * contacts as f64
                + p.leader_hours * self.leadership[i] * count.saturating_sub(1) as f64;
            if step.setting_up {
                h += p.setup_hours;
            }
            self.hours_now[i] += h;
        });
        self.total_contribution += contributions;
        // Progress needs the mean contacts (the same counts).
        let mut sum = 0usize;
        each(m, |i| {
            sum += if step.grouped {
                (sizes[step.group[i] as usize % N] as usize).saturating_sub(1)
            } else {
                count.saturating_sub(1)
            }
        });
        let efficiency = 1.0 / (1.0 + p.coordination_loss * sum as f64 / count.max(1) as f64);
        let lw = p.legitimacy_weight;
        self.progress +=
            self.direction * ((1.0 - lw) + lw * self.legitimacy) * efficiency * aligned;
    }

    fn progress(&mut self, p: &P, step: &Step) {
        if step.milestone {
            let on_track = self.on_track(p, self.progress);
            self.shown = self.progress;
            let rw = p.result_weight;
            self.legitimacy = (self.legitimacy + rw * (on_track - self.legitimacy)).clamp(0.0, 1.0);
            let m = self.members;
            each(m, |i| {
                self.efficacy[i] =
                    (self.efficacy[i] + rw * (on_track - self.efficacy[i])).clamp(0.0, 1.0);
                self.clarity[i] = (self.clarity[i] + p.agreement_clarity * (1.0 - self.clarity[i]))
                    .clamp(0.0, 1.0);
            });
            each(m, |i| {
                each(m & !bit(i), |j| {
                    let record = (self.delivered[j] as f64 + p.record_prior)
                        / (self.committed[j] as f64 + 2.0 * p.record_prior);
                    let t = self.trust[i][j];
                    self.trust[i][j] = (t + p.transparency * (record - t)).clamp(0.0, 1.0);
                });
            });
        }
        self.direction += p.direction_decay * (p.direction_floor - self.direction);
    }

    fn on_track(&self, p: &P, progress: f64) -> f64 {
        let time = self.round as f64 / p.max_rounds as f64;
        ((progress / p.goal) / time.max(1e-9)).clamp(0.0, 1.0)
    }

    /// Every ordered pair of members: a draw unless both attended one
    /// meeting, the branch-free update, the gap's decay, the fused sums.
    fn trust_phase(&mut self, p: &P, step: &Step, rng: &mut ChaCha8Rng) {
        let m = self.members;
        let vis = ((p.visibility * (1u64 << 53) as f64).ceil()) as u64;
        let gap = self.round.saturating_sub(self.last_checkin) > p.gap_tolerance;
        let others = (self.count().max(2) - 1) as f64;
        let mut total = 0.0;
        let attended = step.attended & m;
        for i in 0..N {
            if m & bit(i) == 0 {
                continue;
            }
            let att_i = attended & bit(i) != 0;
            let mut sum = 0.0;
            let row = &mut self.trust[i];
            each(m & !bit(i), |j| {
                let met = att_i && attended & bit(j) != 0 && Self::meet(step, i, j);
                let seen = met || (rng.next_u64() >> 11) < vis;
                let x = row[j];
                let gained = (p.gain * (1.0 - x)).to_bits();
                let lost = (-(p.loss * x)).to_bits();
                let delivered = 0u64.wrapping_sub((self.delivered_now >> j) & 1);
                let delta = (gained & delivered) | (lost & !delivered);
                let mut y = x + f64::from_bits(delta & 0u64.wrapping_sub(seen as u64));
                if gap && y > p.pessimism {
                    y += p.assumption_decay * (p.pessimism - y);
                }
                row[j] = y;
                sum += y;
            });
            self.cache[i] = sum / others;
            total += sum;
        }
        self.sink += total;
    }

    fn engagement(&mut self, p: &P) {
        let renewal = p.renewal_every > 0 && self.round.is_multiple_of(p.renewal_every);
        let on_track = self.on_track(p, self.progress);
        let shown = self.on_track(p, self.shown);
        each(self.members, |i| {
            self.clarity[i] -= p.clarity_decay * (self.clarity[i] - p.clarity_floor).max(0.0);
            self.hidden[i] *= 1.0 - p.hidden_decay;
            self.resentment[i] *= 1.0 - p.resentment_decay;
            self.efficacy[i] += p.impatience * self.urgency[i] * (shown - self.efficacy[i]);
            if renewal {
                self.hours_now[i] += p.renewal_hours;
                self.hidden[i] *= 1.0 - p.renewal_boost;
                self.resentment[i] *= 1.0 - p.renewal_boost;
                self.clarity[i] =
                    (self.clarity[i] + p.renewal_boost * (1.0 - self.clarity[i])).clamp(0.0, 1.0);
                self.efficacy[i] = (self.efficacy[i]
                    + p.renewal_boost * (on_track - self.efficacy[i]))
                    .clamp(0.0, 1.0);
            }
            let c = p.w_alignment * self.support(i).max(0.0) * self.clarity[i]
                + p.w_trust * self.cache[i]
                + p.w_efficacy * self.efficacy[i]
                - p.w_cost * self.hours_now[i] / p.hours_budget
                - p.w_hidden * self.hidden[i]
                - p.w_resentment * self.resentment[i];
            self.commitment[i] = c;
            let before = self.engagement[i];
            let target = (c / p.full_commitment).clamp(0.0, 1.0);
            self.engagement[i] = (before + p.engagement_rate * (target - before)).clamp(0.0, 1.0);
        });
        if renewal {
            self.sink += self.member_mean(&self.engagement);
        }
    }

    fn exits(&mut self, p: &P, step: &Step, rng: &mut ChaCha8Rng) {
        let theta = p.exit_threshold - p.exit_barrier;
        each(self.members & !step.joined, |i| {
            let over = (self.hours_now[i] - p.hours_budget).max(0.0) / p.hours_budget;
            let c = self.commitment[i];
            let leaves = self.missed[i] >= p.remove_after
                || (over > 0.0 && chance(rng, p.burnout_rate * over))
                || (c < theta && chance(rng, p.leave_gain * (theta - c)));
            self.sink += f64::from(u8::from(leaves));
        });
        each(step.left & self.members, |i| {
            self.members &= !bit(i);
            let keep = 1.0 - p.abrupt_damage;
            let m = self.members;
            each(m, |a| each(m & !bit(a), |b| self.trust[a][b] *= keep));
            if self.total_contribution > 0.0 {
                self.progress *= 1.0 - 0.5 * self.contributed[i] / self.total_contribution;
            }
        });
        // Leavers outside the members the loop knows (none) and joiners
        // who left at once keep the sets in step with the engine.
        self.members &= !step.left;
    }
}

fn tight_run(p: &P, t: &Trajectory, rng: &mut ChaCha8Rng) -> f64 {
    let mut st = State::new(p, t.start, rng);
    for step in &t.steps {
        st.round(p, step, rng);
    }
    st.sink + st.progress
}

fn limit(c: &mut Criterion) {
    let s = bench_scenario();
    assert_eq!(
        s.agent_count(),
        N,
        "the tight loop is written for 30 agents"
    );
    assert_eq!(s.issues as usize, D);
    let p = P::of(&s);
    let mut engine_words = 0u128;
    let trajectories: Vec<Trajectory> = (0..RUNS)
        .map(|run| {
            let (t, words) = record(&s, run);
            engine_words += words;
            t
        })
        .collect();
    let rounds: usize = trajectories.iter().map(|t| t.steps.len()).sum();
    let mut tight_words = 0u128;
    for (run, t) in trajectories.iter().enumerate() {
        let mut rng = coalsim_core::engine::run_rng(s.seed, run as u64);
        black_box(tight_run(&p, t, &mut rng));
        tight_words += rng.get_word_pos();
    }
    eprintln!(
        "limit_draws: {RUNS} runs, {:.1} rounds per run; random words per run: engine {:.0}, tight loop {:.0}",
        rounds as f64 / RUNS as f64,
        engine_words as f64 / RUNS as f64,
        tight_words as f64 / RUNS as f64,
    );
    let mut g = c.benchmark_group("limit");
    let mut run = 0u64;
    g.bench_function("engine", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time();
            for _ in 0..iters {
                run = (run + 1) % RUNS;
                black_box(Simulation::new(&s, s.seed, run).run_to_end());
            }
            thread_cpu_time().saturating_sub(start)
        })
    });
    let mut run = 0u64;
    g.bench_function("tight_loop", |b| {
        b.iter_custom(|iters| {
            let start = thread_cpu_time();
            for _ in 0..iters {
                run = (run + 1) % RUNS;
                let mut rng = ChaCha8Rng::seed_from_u64(s.seed);
                rng.set_stream(run);
                black_box(tight_run(&p, &trajectories[run as usize], &mut rng));
            }
            thread_cpu_time().saturating_sub(start)
        })
    });
    g.finish();
}

/// `LIMIT_PROFILE=1 cargo bench --bench limit`: instead of measuring, run
/// each side over the recorded runs once (for a profiler such as
/// `valgrind --tool=callgrind --toggle-collect='*engine_runs*'`).
#[inline(never)]
fn engine_runs(s: &Scenario) -> f64 {
    (0..RUNS)
        .map(|run| Simulation::new(s, s.seed, run).run_to_end().progress_share)
        .sum()
}

#[inline(never)]
fn tight_runs(s: &Scenario, p: &P, trajectories: &[Trajectory]) -> f64 {
    let mut sum = 0.0;
    for (run, t) in trajectories.iter().enumerate() {
        let mut rng = coalsim_core::engine::run_rng(s.seed, run as u64);
        sum += tight_run(p, t, &mut rng);
    }
    sum
}

criterion_group!(benches, limit);

fn main() {
    if std::env::var_os("LIMIT_PROFILE").is_some() {
        let s = bench_scenario();
        let p = P::of(&s);
        let trajectories: Vec<Trajectory> = (0..RUNS).map(|run| record(&s, run).0).collect();
        black_box(engine_runs(&s));
        black_box(tight_runs(&s, &p, &trajectories));
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
