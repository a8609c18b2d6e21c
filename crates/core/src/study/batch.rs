//! Monte Carlo replications of one scenario, run in parallel.
//!
//! # Why this module exists
//!
//! One run of a coalition is an anecdote: the same rules, the same people and
//! a different week's luck can end in success or in dissolution. What a
//! coalition lead can act on is the *distribution*: how often the goal is
//! reached, how long coalitions last, what members pay in hours, why they
//! end. This module runs many independent replications and reduces them to
//! those numbers, with their uncertainty, as a library API the `batch`
//! command (and later sweeps and lessons) call. It does no IO itself: each
//! run's [`RunSummary`] goes to a [`BatchSink`] the caller provides, and the
//! aggregates come back in a [`BatchResult`].
//!
//! # Reproducible at any scale
//!
//! - Run `i` is `Simulation::new(scenario, seed, i)`: its random stream
//!   depends on `(seed, i)` alone, so the first K runs of an N-run batch are
//!   a K-run batch, and a batch can be split into shards ([`BatchConfig::first_run`]).
//! - Runs are grouped in fixed blocks of [`BLOCK`] run indices. A block is
//!   simulated by one worker, sequentially, into its own partial
//!   [`Aggregates`]; blocks are folded into the total strictly in run order.
//!   Nothing depends on which thread ran what, so every output is
//!   byte-identical for any thread count.
//! - Blocks are fixed by absolute run index (`[16k, 16k + 16)`), so a shard
//!   that starts on a block boundary simulates whole blocks. A later
//!   `--shard` can keep its blocks' partial aggregates (they are small and
//!   serialisable); folding every shard's blocks in run order is then the
//!   very fold a single machine does, and the merged files are
//!   byte-identical. (Merging two shards' totals directly would not be:
//!   floating-point merges are not associative.) Counts (outcomes, exits,
//!   survival) are integers and merge exactly either way.
//! - Work is done in chunks of [`CHUNK_BLOCKS`] blocks: a chunk is simulated
//!   in parallel (rayon, across runs only: a run itself is sequential) while
//!   the previous chunk is folded into the aggregates and handed to the
//!   sink. Memory is bounded by two chunks, independent of the number of
//!   runs; the aggregates are O(max_rounds).

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::engine::{RoundRecord, RunSummary, Simulation};
use crate::model::ExitReason;
use crate::scenario::Scenario;
use crate::stats::{
    CompetingCounts, IncidenceStep, KmStep, Welford, Z95, aalen_johansen, kaplan_meier_counts,
};

/// Runs per block: the unit of work of one worker and of the fold.
pub const BLOCK: u64 = 16;
/// Blocks per chunk: what is simulated in parallel between two folds.
pub const CHUNK_BLOCKS: u64 = 64;

/// The per-round measures aggregated over runs, in output order.
pub const MEASURES: [&str; 6] = [
    "members",
    "mean_trust",
    "mean_alignment",
    "progress_share",
    "engagement",
    "hours_per_member",
];

/// The outcome names, in output order.
pub const OUTCOMES: [&str; 4] = ["goal", "sunset", "dissolved", "round_limit"];

/// The endings of `incidence.csv`, in output order: the three ways a
/// coalition ends (the competing events), then "still going" — the runs
/// that reached the round limit without any of them (censored there).
pub const ENDINGS: [&str; 4] = ["goal", "sunset", "dissolved", "still_going"];

fn measures(r: &RoundRecord) -> [f64; 6] {
    [
        r.members as f64,
        r.mean_trust,
        r.mean_alignment,
        r.progress_share,
        r.engagement,
        r.hours_per_member,
    ]
}

/// Segments per batch, at most: the unit of sharding. See [`segment_runs`].
pub const MAX_SEGMENTS: u64 = 1024;

/// Runs per segment of a batch of `total_runs` runs: a whole number of
/// blocks, chosen from the batch size alone so that every shard and a single
/// machine agree on it, and so that there are at most [`MAX_SEGMENTS`].
/// Up to `BLOCK × MAX_SEGMENTS` runs a segment is one block.
pub fn segment_runs(total_runs: u64) -> u64 {
    let blocks = total_runs.div_ceil(BLOCK).max(1);
    BLOCK * blocks.div_ceil(MAX_SEGMENTS)
}

/// Segments of a `total`-run comparison within `range` (a shard's share,
/// whole segments).
pub fn segment_count_in(range: &std::ops::Range<u64>, total: u64) -> u64 {
    (range.end - range.start).div_ceil(segment_runs(total))
}

/// Number of segments of a batch of `total_runs` runs.
pub fn segment_count(total_runs: u64) -> u64 {
    total_runs.div_ceil(segment_runs(total_runs))
}

/// The run indices of shard `k` (0-based) of `n` of a `total_runs`-run
/// batch: whole segments, as even a share as segments allow. With more
/// shards than segments some shards are empty.
pub fn shard_range(total_runs: u64, k: u64, n: u64) -> std::ops::Range<u64> {
    let segs = segment_count(total_runs) as u128;
    let seg = segment_runs(total_runs) as u128;
    let (k, n) = (k as u128, n.max(1) as u128);
    let at = |i: u128| ((i * segs / n) * seg).min(total_runs as u128) as u64;
    at(k)..at(k + 1)
}

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchConfig {
    /// Number of runs (>= 1).
    pub runs: u64,
    /// Batch seed: run `i` uses the stream `(seed, i)`.
    pub seed: u64,
    /// Worker threads; `None` = all cores.
    pub threads: Option<usize>,
    /// Index of the first run (0 unless this is a shard of a larger batch).
    pub first_run: u64,
    /// Runs of the whole batch this is part of (= `runs` unless this is a
    /// shard); it fixes the segments ([`segment_runs`]).
    pub total_runs: u64,
}

impl BatchConfig {
    /// `runs` runs from run 0 with `seed`, on all cores.
    pub fn new(runs: u64, seed: u64) -> BatchConfig {
        BatchConfig {
            runs,
            seed,
            threads: None,
            first_run: 0,
            total_runs: runs,
        }
    }

    /// Shard `k` (0-based) of `n` of a `total_runs`-run batch.
    pub fn shard(total_runs: u64, seed: u64, k: u64, n: u64) -> BatchConfig {
        let r = shard_range(total_runs, k, n);
        BatchConfig {
            runs: r.end - r.start,
            seed,
            threads: None,
            first_run: r.start,
            total_runs,
        }
    }

    /// One past the last run.
    pub fn end(&self) -> u64 {
        self.first_run.saturating_add(self.runs)
    }
}

/// Why a batch stopped.
#[derive(Debug)]
pub enum BatchError<E> {
    /// The worker threads could not be started (a process or memory limit).
    Threads(String),
    /// A resume state that does not belong to this batch.
    State(String),
    /// The sink failed (a full disk, a closed pipe...).
    Sink(E),
}

impl<E: std::fmt::Display> std::fmt::Display for BatchError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BatchError::Threads(e) => write!(
                f,
                "cannot start the worker threads ({e}); try fewer with --threads"
            ),
            BatchError::State(e) => write!(f, "{e}"),
            BatchError::Sink(e) => write!(f, "{e}"),
        }
    }
}

impl<E: std::error::Error + 'static> std::error::Error for BatchError<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BatchError::Sink(e) => Some(e),
            _ => None,
        }
    }
}

/// Where the fold of a batch stands: everything needed to continue it
/// exactly (`--resume`). Serialisable; floats round-trip bit for bit in a
/// binary format (see `output::shard`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FoldState {
    /// The first run not folded yet.
    pub next_run: u64,
    /// The completed segments, folded in run order.
    pub total: Aggregates,
    /// The runs of the current, unfinished segment.
    pub segment: Aggregates,
}

impl FoldState {
    /// Nothing folded yet; the batch starts at `first_run`.
    pub fn start(first_run: u64, max_rounds: u32) -> FoldState {
        FoldState {
            next_run: first_run,
            total: Aggregates::new(max_rounds),
            segment: Aggregates::new(max_rounds),
        }
    }
}

/// Receives each run's summary, in run order.
pub trait BatchSink: Send {
    type Error: Send;
    /// Called once per run, with run indices strictly increasing.
    fn accept(&mut self, run: u64, summary: &RunSummary) -> Result<(), Self::Error>;
    /// Called with each segment's aggregates once the segment is complete,
    /// in run order (a shard keeps them for `coalsim merge`).
    fn segment(&mut self, _first_run: u64, _agg: &Aggregates) -> Result<(), Self::Error> {
        Ok(())
    }
    /// Called after each chunk of runs has been folded and handed to
    /// [`BatchSink::accept`]: the batch can continue from `state`.
    fn folded(&mut self, _state: &FoldState) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// A sink that drops every summary (when only the aggregates matter).
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl BatchSink for NullSink {
    type Error = std::convert::Infallible;
    fn accept(&mut self, _run: u64, _summary: &RunSummary) -> Result<(), Self::Error> {
        Ok(())
    }
}

/// [`Aggregates::per_round`] as stored in shard segments and checkpoints:
/// one `[n, [mean_1, m2_1, ..., mean_6, m2_6]]` per round. The six
/// measures of a round always hold the same runs (every run still going
/// pushes all six), so their count is stored once: about half the bytes of
/// six `[n, mean, m2]`, bit for bit the same accumulators.
mod per_round_wire {
    use serde::ser::{Error as _, SerializeSeq};
    use serde::{Deserialize, Deserializer, Serializer};

    use crate::stats::Welford;

    pub fn serialize<S: Serializer>(rounds: &[[Welford; 6]], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(rounds.len()))?;
        for r in rounds {
            let n = r[0].count();
            if r.iter().any(|w| w.count() != n) {
                return Err(S::Error::custom(
                    "the measures of a round hold different numbers of runs",
                ));
            }
            let mut v = [0.0; 12];
            for (m, w) in r.iter().enumerate() {
                let (_, mean, m2) = w.parts();
                v[2 * m] = mean;
                v[2 * m + 1] = m2;
            }
            seq.serialize_element(&(n, v))?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<[Welford; 6]>, D::Error> {
        let rounds: Vec<(u64, [f64; 12])> = Vec::deserialize(d)?;
        Ok(rounds
            .into_iter()
            .map(|(n, v)| std::array::from_fn(|m| Welford::from_parts(n, v[2 * m], v[2 * m + 1])))
            .collect())
    }
}

/// Keeps every summary in memory (tests, small batches).
impl BatchSink for Vec<(u64, RunSummary)> {
    type Error = std::convert::Infallible;
    fn accept(&mut self, run: u64, summary: &RunSummary) -> Result<(), Self::Error> {
        self.push((run, summary.clone()));
        Ok(())
    }
}

/// Online aggregates over a set of runs. Mergeable: folding the partial
/// aggregates of consecutive blocks in order gives the batch's aggregates.
/// Serialisable, so a shard can hand its blocks' partials to a merge.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Aggregates {
    /// Runs aggregated.
    pub runs: u64,
    /// `per_round[r - 1][m]`: measure `MEASURES[m]` at the end of round `r`
    /// over the runs still going at round `r` (a run that ended at round R
    /// counts in rounds 1..=R).
    #[serde(with = "per_round_wire")]
    pub per_round: Vec<[Welford; 6]>,
    /// `ends[r - 1][o]`: runs that ended at round `r` with outcome
    /// `OUTCOMES[o]` (goal, sunset, dissolved, round limit). Integer counts:
    /// they merge exactly in any order, and both the cumulative incidence
    /// of each ending and the lifetime survival are computed from them.
    pub ends: Vec<[u64; 4]>,
    /// Runs per outcome, in [`OUTCOMES`] order.
    pub outcomes: [u64; 4],
    /// Runs that reached the goal with fewer than half of the most members
    /// the coalition had ([`RunSummary::split_success`]). 0 when read from
    /// a shard or checkpoint written before it was counted.
    #[serde(default)]
    pub split_successes: u64,
    /// Exits per reason summed over runs, in [`ExitReason::ALL`] order.
    pub exits: [u64; 10],
    pub rounds: Welford,
    pub hours_per_member_month: Welford,
    pub value_over_alone: Welford,
    /// Influence gap of the runs where someone was pivotal.
    pub influence_gap: Welford,
    /// First-win round among runs that had one.
    pub first_win_round: Welford,
    /// Each organisation's part, in the scenario's order
    /// (`organisations.csv`).
    #[serde(default)]
    pub organisations: Vec<OrgAggregate>,
}

/// One organisation's part over a set of runs. Counts are integers; the
/// means are Welford accumulators folded in run order, like the rest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgAggregate {
    pub runs: u64,
    pub joined: u64,
    pub stayed: u64,
    /// Over every run (0 when it never joined).
    pub hours: Welford,
    pub contributed: Welford,
    pub benefit: Welford,
    pub won: u64,
    pub lost: u64,
    /// Runs in which it left for each reason, in [`ExitReason::ALL`] order.
    pub exits: [u64; 10],
}

impl OrgAggregate {
    fn new() -> OrgAggregate {
        OrgAggregate {
            runs: 0,
            joined: 0,
            stayed: 0,
            hours: Welford::new(),
            contributed: Welford::new(),
            benefit: Welford::new(),
            won: 0,
            lost: 0,
            exits: [0; 10],
        }
    }

    fn push(&mut self, o: &crate::engine::OrgRun) {
        self.runs += 1;
        self.joined += o.joined as u64;
        self.stayed += o.stayed as u64;
        self.hours.push(o.hours);
        self.contributed.push(o.contributed);
        self.benefit.push(o.benefit);
        self.won += o.won as u64;
        self.lost += o.lost as u64;
        if let Some(r) = o.exit {
            self.exits[r.index()] += 1;
        }
    }

    fn merge(&mut self, other: &OrgAggregate) {
        self.runs += other.runs;
        self.joined += other.joined;
        self.stayed += other.stayed;
        self.hours.merge(&other.hours);
        self.contributed.merge(&other.contributed);
        self.benefit.merge(&other.benefit);
        self.won += other.won;
        self.lost += other.lost;
        for (a, b) in self.exits.iter_mut().zip(&other.exits) {
            *a += b;
        }
    }
}

impl Aggregates {
    /// Empty aggregates for runs of at most `max_rounds` rounds. They grow
    /// with the rounds actually run, not with `max_rounds`.
    pub fn new(max_rounds: u32) -> Aggregates {
        let m = (max_rounds as usize).min(64);
        Aggregates {
            runs: 0,
            per_round: Vec::with_capacity(m),
            ends: Vec::with_capacity(m),
            outcomes: [0; 4],
            split_successes: 0,
            exits: [0; 10],
            rounds: Welford::new(),
            hours_per_member_month: Welford::new(),
            value_over_alone: Welford::new(),
            influence_gap: Welford::new(),
            first_win_round: Welford::new(),
            organisations: Vec::new(),
        }
    }

    fn grow(&mut self, rounds: usize) {
        if self.per_round.len() < rounds {
            self.per_round.resize(rounds, [Welford::new(); 6]);
            self.ends.resize(rounds, [0; 4]);
        }
    }

    /// Adds the end-of-round record of one run.
    pub fn push_round(&mut self, rec: &RoundRecord) {
        let r = rec.round as usize;
        if r == 0 {
            return;
        }
        self.grow(r);
        for (w, x) in self.per_round[r - 1].iter_mut().zip(measures(rec)) {
            w.push(x);
        }
    }

    /// Adds one finished run's summary.
    pub fn push_run(&mut self, s: &RunSummary) {
        self.runs += 1;
        let outcome = OUTCOMES.iter().position(|&o| o == s.outcome);
        if let Some(i) = outcome {
            self.outcomes[i] += 1;
        }
        self.split_successes += u64::from(s.split_success());
        for (k, r) in ExitReason::ALL.iter().enumerate() {
            self.exits[k] += s.exits(*r) as u64;
        }
        if let (true, Some(o)) = (s.rounds > 0, outcome) {
            let r = s.rounds as usize;
            self.grow(r);
            self.ends[r - 1][o] += 1;
        }
        self.rounds.push(s.rounds as f64);
        self.hours_per_member_month.push(s.hours_per_member_month);
        self.value_over_alone.push(s.value_over_alone);
        if let Some(g) = s.influence_gap {
            self.influence_gap.push(g);
        }
        if let Some(t) = s.first_win_round {
            self.first_win_round.push(t as f64);
        }
        if self.organisations.len() < s.organisations.len() {
            self.organisations
                .resize(s.organisations.len(), OrgAggregate::new());
        }
        for (a, o) in self.organisations.iter_mut().zip(&s.organisations) {
            a.push(o);
        }
    }

    /// Folds `other` (the runs after these) into `self`.
    pub fn merge(&mut self, other: &Aggregates) {
        self.runs += other.runs;
        self.grow(other.per_round.len());
        for (a, b) in self.per_round.iter_mut().zip(&other.per_round) {
            for (x, y) in a.iter_mut().zip(b) {
                x.merge(y);
            }
        }
        for (a, b) in self.ends.iter_mut().zip(&other.ends) {
            for (x, y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        for (a, b) in self.outcomes.iter_mut().zip(&other.outcomes) {
            *a += b;
        }
        self.split_successes += other.split_successes;
        for (a, b) in self.exits.iter_mut().zip(&other.exits) {
            *a += b;
        }
        self.rounds.merge(&other.rounds);
        self.hours_per_member_month
            .merge(&other.hours_per_member_month);
        self.value_over_alone.merge(&other.value_over_alone);
        self.influence_gap.merge(&other.influence_gap);
        self.first_win_round.merge(&other.first_win_round);
        if self.organisations.len() < other.organisations.len() {
            self.organisations
                .resize(other.organisations.len(), OrgAggregate::new());
        }
        for (a, b) in self.organisations.iter_mut().zip(&other.organisations) {
            a.merge(b);
        }
    }

    /// Runs that reached the goal.
    pub fn successes(&self) -> u64 {
        self.outcomes[0]
    }

    /// Kaplan–Meier table of the coalition's lifetime: the event is the
    /// end of the coalition in any way (goal, sunset or dissolution); only
    /// the round limit censors. S(t) is the share of coalitions still going
    /// after round t. One step per round in which some run ended.
    pub fn survival(&self) -> Vec<KmStep> {
        let counts: Vec<(u32, usize, usize)> = self
            .ends
            .iter()
            .enumerate()
            .filter(|(_, c)| c.iter().sum::<u64>() > 0)
            .map(|(i, c)| (i as u32 + 1, (c[0] + c[1] + c[2]) as usize, c[3] as usize))
            .collect();
        kaplan_meier_counts(&counts)
    }

    /// Aalen–Johansen cumulative incidence of the three endings (goal,
    /// sunset, dissolved, in that order; the round limit censors), one step
    /// per round from 1 to the last round any run reached, rounds without
    /// an ending included.
    pub fn incidence(&self) -> Vec<IncidenceStep<3>> {
        let last = self
            .ends
            .iter()
            .rposition(|c| c.iter().sum::<u64>() > 0)
            .map_or(0, |i| i + 1);
        let counts: Vec<CompetingCounts<3>> = self.ends[..last]
            .iter()
            .enumerate()
            .map(|(i, c)| CompetingCounts {
                time: i as u32 + 1,
                events: [c[0], c[1], c[2]],
                censored: c[3],
            })
            .collect();
        aalen_johansen(&counts, Z95)
    }

    /// Last round any run reached.
    pub fn last_round(&self) -> u32 {
        self.per_round
            .iter()
            .rposition(|m| m[0].count() > 0)
            .map_or(0, |i| i as u32 + 1)
    }
}

/// What a batch returns: the aggregates, and what was run.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchResult {
    pub config: BatchConfig,
    pub aggregates: Aggregates,
}

/// One block of runs, simulated and folded in run order.
struct BlockOut {
    first: u64,
    summaries: Vec<RunSummary>,
    agg: Aggregates,
}

/// Simulates the runs of a block and folds them in run order. With
/// `parallel` the runs are simulated side by side on the rayon pool (each
/// keeping its round records until the block is folded), for batches with
/// fewer blocks than threads: a batch of a few large runs then uses every
/// core. The fold is the same either way (each run's rounds, then its
/// summary, run after run), so the result is bit for bit the same.
fn simulate_block(s: &Scenario, seed: u64, runs: std::ops::Range<u64>, parallel: bool) -> BlockOut {
    let mut agg = Aggregates::new(s.max_rounds);
    let mut summaries = Vec::with_capacity((runs.end - runs.start) as usize);
    let first = runs.start;
    if parallel && runs.end - runs.start > 1 {
        let indices: Vec<u64> = runs.collect();
        let done: Vec<(Vec<RoundRecord>, RunSummary)> = indices
            .into_par_iter()
            .map(|i| {
                let mut sim = Simulation::new(s, seed, i);
                let mut rounds = Vec::new();
                while sim.outcome.is_none() {
                    sim.step();
                    rounds.push(sim.record());
                }
                (rounds, sim.summary())
            })
            .collect();
        for (rounds, summary) in done {
            for r in &rounds {
                agg.push_round(r);
            }
            agg.push_run(&summary);
            summaries.push(summary);
        }
    } else {
        for i in runs {
            let mut sim = Simulation::new(s, seed, i);
            while sim.outcome.is_none() {
                sim.step();
                agg.push_round(&sim.record());
            }
            let summary = sim.summary();
            agg.push_run(&summary);
            summaries.push(summary);
        }
    }
    BlockOut {
        first,
        summaries,
        agg,
    }
}

/// The blocks of runs `[start, end)`, at most `max` of them: aligned to
/// multiples of [`BLOCK`] in absolute run index, so shards starting on a
/// block boundary fold alike.
fn blocks(start: u64, end: u64, max: usize) -> Vec<std::ops::Range<u64>> {
    let mut out = Vec::with_capacity(max.min(64));
    let mut a = start;
    while a < end && out.len() < max {
        let b = ((a / BLOCK + 1) * BLOCK).min(end);
        out.push(a..b);
        a = b;
    }
    out
}

/// Runs `cfg.runs` replications of `scenario` and returns their aggregates.
///
/// Each run's summary goes to `sink` in run order (so a caller can stream
/// `runs.csv`); `progress` is called from worker threads with the number of
/// runs just finished (increments, not a total). The first sink error stops
/// the batch and is returned. Output does not depend on `cfg.threads`.
pub fn run_batch<K: BatchSink>(
    scenario: &Scenario,
    cfg: &BatchConfig,
    sink: &mut K,
    progress: impl Fn(u64) + Sync,
) -> Result<BatchResult, BatchError<K::Error>> {
    let state = FoldState::start(cfg.first_run, scenario.max_rounds);
    run_batch_from(scenario, cfg, state, sink, progress)
}

/// [`run_batch`] continued from `state` (a checkpoint of the same batch):
/// runs before `state.next_run` are not simulated again, and the result is
/// bit for bit that of an uninterrupted batch.
pub fn run_batch_from<K: BatchSink>(
    scenario: &Scenario,
    cfg: &BatchConfig,
    state: FoldState,
    sink: &mut K,
    progress: impl Fn(u64) + Sync,
) -> Result<BatchResult, BatchError<K::Error>> {
    let end = cfg.end();
    if state.next_run < cfg.first_run || state.next_run > end {
        return Err(BatchError::State(format!(
            "the saved state stops at run {}, outside this batch's runs {}..{end}",
            state.next_run, cfg.first_run
        )));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads.unwrap_or(0))
        .build()
        .map_err(|e| BatchError::Threads(e.to_string()))?;
    let seg_runs = segment_runs(cfg.total_runs.max(end));
    let seed = cfg.seed;
    let progress = &progress;
    let mut state = state;

    // Folds finished blocks in run order: block into segment, a completed
    // segment into the total (the same two-level fold on every machine).
    let fold = |done: Vec<BlockOut>, st: &mut FoldState, sink: &mut K| -> Result<(), K::Error> {
        for b in done {
            for (k, s) in b.summaries.iter().enumerate() {
                sink.accept(b.first + k as u64, s)?;
            }
            st.segment.merge(&b.agg);
            st.next_run = b.first + b.summaries.len() as u64;
            if st.next_run % seg_runs == 0 || st.next_run == end {
                let seg = std::mem::replace(&mut st.segment, Aggregates::new(scenario.max_rounds));
                sink.segment(st.next_run - seg.runs, &seg)?;
                st.total.merge(&seg);
            }
        }
        sink.folded(st)
    };
    let compute = |chunk: &[std::ops::Range<u64>]| -> Vec<BlockOut> {
        // Fewer blocks than threads (a batch of a few runs): the runs of a
        // block are simulated in parallel too.
        let parallel = chunk.len() < rayon::current_num_threads();
        chunk
            .par_iter()
            .map(|r| {
                let out = simulate_block(scenario, seed, r.clone(), parallel);
                progress(r.end - r.start);
                out
            })
            .collect()
    };

    pool.install(|| {
        // Simulate chunk k while chunk k − 1 is folded and written.
        let mut pending: Option<Vec<BlockOut>> = None;
        let mut start = state.next_run;
        while start < end {
            // Ranges are made chunk by chunk: nothing here grows with N.
            let chunk = blocks(start, end, CHUNK_BLOCKS as usize);
            start = chunk.last().map_or(end, |r| r.end);
            let chunk = &chunk[..];
            let (folded, next) = rayon::join(
                || match pending.take() {
                    Some(done) => fold(done, &mut state, sink),
                    None => Ok(()),
                },
                || compute(chunk),
            );
            folded.map_err(BatchError::Sink)?;
            pending = Some(next);
        }
        if let Some(done) = pending.take() {
            fold(done, &mut state, sink).map_err(BatchError::Sink)?;
        }
        // A batch that stops inside a segment (never for shards, which are
        // whole segments) folds its last partial segment.
        if state.segment.runs > 0 {
            let seg = std::mem::replace(&mut state.segment, Aggregates::new(scenario.max_rounds));
            sink.segment(state.next_run - seg.runs, &seg)
                .map_err(BatchError::Sink)?;
            state.total.merge(&seg);
        }
        Ok(BatchResult {
            config: *cfg,
            aggregates: state.total,
        })
    })
}

/// Folds the segments of a batch, in run order, into its aggregates: what
/// `coalsim merge` does with the segments its shards kept. Bit for bit the
/// fold [`run_batch`] does on one machine.
pub fn fold_segments<'a>(
    max_rounds: u32,
    segments: impl IntoIterator<Item = &'a Aggregates>,
) -> Aggregates {
    let mut total = Aggregates::new(max_rounds);
    for s in segments {
        total.merge(s);
    }
    total
}

// ---------------------------------------------------------------------------
// Output rows (pure: data in, rows out; the CLI writes them)
// ---------------------------------------------------------------------------

/// Identifies a row of `runs.csv`; serialised before the [`RunSummary`].
/// `coalsim run SCENARIO --seed SEED --run STREAM` replays the row.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RunId {
    /// Run index within the batch.
    pub run: u64,
    /// The batch seed.
    pub seed: u64,
    /// The run's own random stream: ChaCha8 seeded with `seed`, stream
    /// number `stream` (the run index, so a run depends on (seed, run)
    /// alone).
    pub stream: u64,
}

impl RunId {
    /// The id of run `run` of a batch with `seed`.
    pub fn new(run: u64, seed: u64) -> RunId {
        RunId {
            run,
            seed,
            stream: run,
        }
    }
}

/// The header of `organisations.csv`: one row per organisation.
pub fn organisation_header() -> Vec<String> {
    let mut h: Vec<String> = [
        "organisation",
        "role",
        "runs",
        "joined",
        "stayed",
        "hours_paid",
        "contributed",
        "benefit",
        "net_value",
        "decisions_won",
        "decisions_lost",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    h.extend(ExitReason::ALL.iter().map(|r| format!("left_{}", r.name())));
    h
}

/// The rows of `organisations.csv` (docs/outputs.md): per organisation,
/// the share of runs in which it joined and stayed to the end (counts ÷
/// runs), its mean maintenance hours, contribution, benefit and net value
/// (benefit − `hour_value` × hours) per run, its mean decisions won and
/// lost per run, and the runs in which it left for each reason.
pub fn organisation_rows(s: &Scenario, agg: &Aggregates) -> Vec<Vec<String>> {
    let hv = s.dynamics.hour_value;
    s.organisations()
        .into_iter()
        .zip(&agg.organisations)
        .map(|((name, role), o)| {
            let n = o.runs.max(1) as f64;
            let mut row = vec![
                name,
                role.to_string(),
                o.runs.to_string(),
                (o.joined as f64 / n).to_string(),
                (o.stayed as f64 / n).to_string(),
                o.hours.mean().to_string(),
                o.contributed.mean().to_string(),
                o.benefit.mean().to_string(),
                (o.benefit.mean() - hv * o.hours.mean()).to_string(),
                (o.won as f64 / n).to_string(),
                (o.lost as f64 / n).to_string(),
            ];
            row.extend(o.exits.iter().map(u64::to_string));
            row
        })
        .collect()
}

/// One row of `rounds.csv` (tidy: one row per round and measure).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoundRow {
    pub round: u32,
    pub measure: &'static str,
    pub n: u64,
    pub mean: f64,
    /// Empty when n < 2.
    pub sd: Option<f64>,
    /// 95% t interval of the mean; empty when n < 2.
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

/// The rows of `rounds.csv`, rounds 1 to the last round any run reached.
pub fn round_rows(agg: &Aggregates) -> Vec<RoundRow> {
    let last = agg.last_round() as usize;
    let mut rows = Vec::with_capacity(last * MEASURES.len());
    // The t quantile depends on n alone, and n falls slowly with the round:
    // compute it once per n (the same value `Welford::ci95` would use).
    let mut t_cache: (u64, f64) = (0, f64::NAN);
    for (i, ws) in agg.per_round[..last].iter().enumerate() {
        for (name, w) in MEASURES.iter().zip(ws) {
            let n = w.count();
            let (sd, lo, hi) = if n >= 2 {
                if t_cache.0 != n {
                    t_cache = (n, crate::stats::t975((n - 1) as f64));
                }
                let half = t_cache.1 * w.sem();
                (Some(w.sd()), Some(w.mean() - half), Some(w.mean() + half))
            } else {
                (None, None, None)
            };
            rows.push(RoundRow {
                round: i as u32 + 1,
                measure: name,
                n,
                mean: w.mean(),
                sd,
                lo,
                hi,
            });
        }
    }
    rows
}

/// One row of `survival.csv`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SurvivalRow {
    pub round: u32,
    pub at_risk: usize,
    pub events: usize,
    pub censored: usize,
    pub survival: f64,
    /// Pointwise 95% band (Greenwood, log-log); blank from fewer than two
    /// runs.
    #[serde(serialize_with = "crate::stats::blank_nan")]
    pub lower: f64,
    #[serde(serialize_with = "crate::stats::blank_nan")]
    pub upper: f64,
}

/// The rows of `survival.csv`. From fewer than two runs the band is
/// undefined (NaN), as every interval is.
pub fn survival_rows(agg: &Aggregates) -> Vec<SurvivalRow> {
    let band = |x: f64| if agg.runs < 2 { f64::NAN } else { x };
    agg.survival()
        .iter()
        .map(|s| SurvivalRow {
            round: s.time,
            at_risk: s.at_risk,
            events: s.events,
            censored: s.censored,
            survival: s.survival,
            lower: band(s.lower),
            upper: band(s.upper),
        })
        .collect()
}

/// One row of `incidence.csv`: the cumulative incidence of one ending by
/// the end of one round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct IncidenceRow {
    pub round: u32,
    /// goal, sunset, dissolved or still_going.
    pub ending: &'static str,
    /// Runs still going at the start of the round.
    pub at_risk: u64,
    /// Runs that ended this way in this round (still_going: runs stopped by
    /// the round limit in this round).
    pub events: u64,
    /// Aalen–Johansen cumulative incidence by the end of the round
    /// (still_going: the share still going, 1 − the three others).
    pub incidence: f64,
    /// Pointwise 95% band, log(−log) scale (delta-method variance for the
    /// endings, Greenwood for still_going); blank from fewer than two runs.
    #[serde(serialize_with = "crate::stats::blank_nan")]
    pub lower: f64,
    #[serde(serialize_with = "crate::stats::blank_nan")]
    pub upper: f64,
}

/// The rows of `incidence.csv`: every round from 1 to the last, the four
/// endings in [`ENDINGS`] order.
pub fn incidence_rows(agg: &Aggregates) -> Vec<IncidenceRow> {
    let aj = agg.incidence();
    let km = agg.survival();
    let mut rows = Vec::with_capacity(aj.len() * ENDINGS.len());
    let mut band = (1.0, 1.0);
    // From fewer than two runs every interval is undefined.
    let defined = |x: f64| if agg.runs < 2 { f64::NAN } else { x };
    for s in &aj {
        for k in 0..3 {
            rows.push(IncidenceRow {
                round: s.time,
                ending: ENDINGS[k],
                at_risk: s.at_risk,
                events: s.events[k],
                incidence: s.incidence[k],
                lower: defined(s.lower[k]),
                upper: defined(s.upper[k]),
            });
        }
        // The Kaplan–Meier table has a step exactly where a run ended; its
        // S equals the Aalen–Johansen S (same products in the same order).
        if let Some(k) = km.iter().find(|k| k.time == s.time) {
            band = (k.lower, k.upper);
        }
        rows.push(IncidenceRow {
            round: s.time,
            ending: ENDINGS[3],
            at_risk: s.at_risk,
            events: s.censored,
            incidence: s.survival,
            lower: defined(band.0),
            upper: defined(band.1),
        });
    }
    rows
}

/// A proportion with its Wilson 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    pub count: u64,
    pub n: u64,
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
}

/// A count of exits for one reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonCount {
    pub reason: &'static str,
    /// Exits for this reason, summed over runs.
    pub exits: u64,
    /// Mean per run.
    pub per_run: f64,
}

/// Runs per outcome.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct OutcomeCounts {
    pub goal: u64,
    pub sunset: u64,
    pub dissolved: u64,
    pub round_limit: u64,
}

/// One ending at the round limit (the horizon), in `summary.json`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EndingSummary {
    /// goal, sunset, dissolved or still_going.
    pub ending: &'static str,
    /// Runs that ended this way (still_going: runs stopped by the round limit).
    pub count: u64,
    /// Cumulative incidence by the horizon (Aalen–Johansen; still_going:
    /// the share still going), with its pointwise 95% band.
    pub incidence: f64,
    pub lower: f64,
    pub upper: f64,
    /// Median time to this ending counting *every* run (the round at which
    /// its cumulative incidence reaches one half, R's midpoint at an exact
    /// tie); null when it stays below one half, and for still_going.
    pub median_round: Option<f64>,
}

/// `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BatchSummary {
    pub scenario: String,
    pub runs: u64,
    pub seed: u64,
    pub first_run: u64,
    pub max_rounds: u32,
    /// Share of runs that reached the goal, Wilson 95% interval.
    pub success: Proportion,
    /// Runs that reached the goal with fewer than half of the most members
    /// the coalition had ([`RunSummary::split_success`]; docs/validation.md,
    /// "The rump"); `success` counts them.
    pub split_successes: u64,
    /// How each run stood at the round limit, in [`ENDINGS`] order.
    pub endings: Vec<EndingSummary>,
    /// Median lifetime in rounds (Kaplan–Meier; any ending ends a
    /// coalition, the round limit censors; R's midpoint at an exact tie);
    /// null when half or more were still going at the round limit.
    pub median_lifetime: Option<f64>,
    pub mean_rounds: crate::stats::Summary,
    /// Maintenance hours per member per month, mean over runs (95% t CI).
    pub hours_per_member_month: crate::stats::Summary,
    pub outcomes: OutcomeCounts,
    /// Exit reasons, most frequent first (ties in model order).
    pub exit_reasons: Vec<ReasonCount>,
    /// Mean value of the coalition over acting alone (95% t CI).
    pub value_over_alone: crate::stats::Summary,
    /// Equity of influence: ½ Σ |share of decisive votes − 1/m| per run (0 =
    /// every member decisive equally often), over runs where someone was
    /// pivotal.
    pub influence_gap: crate::stats::Summary,
    /// First-win round among the runs that had one (n = how many).
    pub first_win_round: crate::stats::Summary,
}

impl BatchSummary {
    pub fn of(scenario: &Scenario, result: &BatchResult) -> BatchSummary {
        let a = &result.aggregates;
        let (lo, hi) = if a.runs < 2 {
            // One run gives no interval (the text says so), like every
            // other interval of the tool.
            (f64::NAN, f64::NAN)
        } else {
            crate::stats::wilson_interval(a.successes(), a.runs, crate::stats::Z95)
        };
        let km = a.survival();
        let endings = ending_summaries(a);
        let mut exit_reasons: Vec<ReasonCount> = ExitReason::ALL
            .iter()
            .zip(a.exits)
            .map(|(r, n)| ReasonCount {
                reason: r.name(),
                exits: n,
                per_run: n as f64 / a.runs.max(1) as f64,
            })
            .collect();
        exit_reasons.sort_by_key(|r| std::cmp::Reverse(r.exits));
        BatchSummary {
            scenario: scenario.name.clone(),
            runs: a.runs,
            seed: result.config.seed,
            first_run: result.config.first_run,
            max_rounds: scenario.max_rounds,
            success: Proportion {
                count: a.successes(),
                n: a.runs,
                estimate: a.successes() as f64 / a.runs.max(1) as f64,
                lo,
                hi,
            },
            split_successes: a.split_successes,
            endings,
            median_lifetime: crate::stats::median_survival(&km),
            mean_rounds: a.rounds.summary(),
            hours_per_member_month: a.hours_per_member_month.summary(),
            outcomes: OutcomeCounts {
                goal: a.outcomes[0],
                sunset: a.outcomes[1],
                dissolved: a.outcomes[2],
                round_limit: a.outcomes[3],
            },
            exit_reasons,
            value_over_alone: a.value_over_alone.summary(),
            influence_gap: a.influence_gap.summary(),
            first_win_round: a.first_win_round.summary(),
        }
    }
}

/// Each ending at the horizon: the last row of `incidence.csv` per ending,
/// the run counts, and the median time to each of the three endings.
pub fn ending_summaries(a: &Aggregates) -> Vec<EndingSummary> {
    let aj = a.incidence();
    let rows = incidence_rows(a);
    let counts = [a.outcomes[0], a.outcomes[1], a.outcomes[2], a.outcomes[3]];
    ENDINGS
        .iter()
        .enumerate()
        .map(|(k, &ending)| {
            let last = rows.iter().rev().find(|r| r.ending == ending);
            EndingSummary {
                ending,
                count: counts[k],
                // No run at all: nothing has ended and everything is going.
                incidence: last.map_or(if k == 3 { 1.0 } else { 0.0 }, |r| r.incidence),
                lower: last.map_or(f64::NAN, |r| r.lower),
                upper: last.map_or(f64::NAN, |r| r.upper),
                median_round: if k < 3 {
                    crate::stats::median_incidence(&aj, k)
                } else {
                    None
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::RoundRecord;

    fn rec(round: u32, members: u32, trust: f64, hours_pm: f64) -> RoundRecord {
        RoundRecord {
            round,
            members,
            mean_trust: trust,
            mean_alignment: 0.5,
            mean_support: 0.5,
            progress: 0.0,
            progress_share: 0.1 * round as f64,
            engagement: 0.8,
            attendance: None,
            contributions: 0.0,
            hours: 0.0,
            hours_per_member: hours_pm,
            decisions_passed: 0,
            decisions_blocked: 0,
            negotiation_rounds: 0,
            objection_rounds: 0,
            fallback_votes: 0,
            direction: 0.5,
            legitimacy: 0.5,
            hidden_objection: 0.0,
            resentment: 0.0,
            buy_in: 1.0,
            joined: 0,
            left: 0,
        }
    }

    /// Three hand-made runs: A lasts 3 rounds, B 2, C 1.
    fn tiny() -> Aggregates {
        let runs: [&[(u32, f64, f64)]; 3] = [
            &[(4, 0.5, 2.0), (5, 0.6, 3.0), (6, 0.7, 4.0)],
            &[(2, 0.3, 1.0), (3, 0.2, 5.0)],
            &[(6, 0.4, 0.0)],
        ];
        let mut a = Aggregates::new(4);
        for run in runs {
            for (r, &(m, t, h)) in run.iter().enumerate() {
                a.push_round(&rec(r as u32 + 1, m, t, h));
            }
        }
        a
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} vs {b}");
    }

    #[test]
    fn per_round_aggregate_matches_hand_computation() {
        let a = tiny();
        // Round 1: members 4, 2, 6 → mean 4, sd = sqrt(((0)+(4)+(4))/2) = 2.
        let m1 = a.per_round[0][0];
        assert_eq!(m1.count(), 3);
        close(m1.mean(), 4.0);
        close(m1.sd(), 2.0);
        // 95% t interval with 2 df: t = 4.302652729749464, se = 2/√3.
        let (lo, hi) = m1.ci95();
        let half = 4.302_652_729_749_464 * 2.0 / 3f64.sqrt();
        assert!((lo - (4.0 - half)).abs() < 1e-9 && (hi - (4.0 + half)).abs() < 1e-9);
        // Round 2: only A and B are still going: trust 0.6 and 0.2 → mean
        // 0.4, variance (0.2² + 0.2²) / 1 = 0.08.
        let t2 = a.per_round[1][1];
        assert_eq!(t2.count(), 2);
        close(t2.mean(), 0.4);
        close(t2.variance(), 0.08);
        // hours per member, round 2: 3 and 5 → mean 4, variance 2.
        let h2 = a.per_round[1][5];
        close(h2.mean(), 4.0);
        close(h2.variance(), 2.0);
        // Round 3: only A: n = 1, mean 6 members, no sd.
        let m3 = a.per_round[2][0];
        assert_eq!(m3.count(), 1);
        close(m3.mean(), 6.0);
        assert!(m3.sd().is_nan());
        // Round 4: nobody, and nothing is kept for it (memory follows the
        // rounds actually run, not max_rounds).
        assert_eq!(a.per_round.len(), 3);
        assert_eq!(a.last_round(), 3);

        let rows = round_rows(&a);
        assert_eq!(rows.len(), 3 * MEASURES.len());
        let r3 = rows
            .iter()
            .find(|r| r.round == 3 && r.measure == "members")
            .unwrap();
        assert_eq!((r3.n, r3.mean, r3.sd, r3.lo), (1, 6.0, None, None));
        let r1 = rows
            .iter()
            .find(|r| r.round == 1 && r.measure == "progress_share")
            .unwrap();
        close(r1.mean, 0.1);
        close(r1.sd.unwrap(), 0.0);
        // The cached t quantile gives exactly Welford's interval.
        for r in &rows {
            let w = a.per_round[r.round as usize - 1]
                [MEASURES.iter().position(|m| *m == r.measure).unwrap()];
            if w.count() >= 2 {
                assert_eq!((r.lo.unwrap(), r.hi.unwrap()), w.ci95());
            }
        }
    }

    #[test]
    fn merging_blocks_equals_one_pass() {
        let whole = tiny();
        let mut a = Aggregates::new(4);
        let mut b = Aggregates::new(4);
        for (r, &(m, t, h)) in [(4, 0.5, 2.0), (5, 0.6, 3.0), (6, 0.7, 4.0)]
            .iter()
            .enumerate()
        {
            a.push_round(&rec(r as u32 + 1, m, t, h));
        }
        for run in [&[(2, 0.3, 1.0), (3, 0.2, 5.0)][..], &[(6, 0.4, 0.0)][..]] {
            for (r, &(m, t, h)) in run.iter().enumerate() {
                b.push_round(&rec(r as u32 + 1, m, t, h));
            }
        }
        a.merge(&b);
        for (x, y) in a.per_round.iter().zip(&whole.per_round) {
            for (p, q) in x.iter().zip(y) {
                assert_eq!(p.count(), q.count());
                if p.count() > 0 {
                    assert!((p.mean() - q.mean()).abs() < 1e-12);
                }
            }
        }
    }

    fn fake_runs() -> Vec<RunSummary> {
        let s = Scenario::validate(crate::scenario::RawScenario::default()).unwrap();
        let base = Simulation::new(&s, 1, 0).run_to_end();
        [
            ("dissolved", 2),
            ("sunset", 2),
            ("goal", 3),
            ("round_limit", 10),
            ("dissolved", 5),
            ("goal", 5),
        ]
        .iter()
        .map(|&(outcome, rounds)| {
            let mut sum = base.clone();
            sum.outcome = outcome;
            sum.success = outcome == "goal";
            sum.rounds = rounds;
            sum
        })
        .collect()
    }

    #[test]
    fn endings_compete_and_lifetime_ends_with_any_of_them() {
        let mut a = Aggregates::new(10);
        for r in fake_runs() {
            a.push_run(&r);
        }
        assert_eq!(a.outcomes, [2, 1, 2, 1]);
        // Lifetime: any ending is the event; only the round limit censors.
        let km = a.survival();
        let obs = [
            (2, true),
            (2, true),
            (3, true),
            (10, false),
            (5, true),
            (5, true),
        ];
        assert_eq!(km, crate::stats::kaplan_meier(&obs));
        // S(2) = 4/6, S(3) = 4/6·3/4 = 1/2, S(5) = 1/2·(1 − 2/3) = 1/6.
        close(km[0].survival, 4.0 / 6.0);
        close(km[1].survival, 0.5);
        // S is exactly 1/2 from round 3 until it falls at round 5: R's midpoint.
        assert_eq!(crate::stats::median_survival(&km), Some(4.0));
        // Incidence: one row per round 1..=10, equal to the observation-based
        // estimator; with no censoring before round 10 it is the share of runs.
        let aj = a.incidence();
        assert_eq!(aj.len(), 10);
        let by_obs = crate::stats::aalen_johansen_obs::<3>(
            &[
                (2, Some(2)),
                (2, Some(1)),
                (3, Some(0)),
                (10, None),
                (5, Some(2)),
                (5, Some(0)),
            ],
            Z95,
        );
        for s in &by_obs {
            let row = aj.iter().find(|r| r.time == s.time).unwrap();
            assert_eq!(row, s);
        }
        close(aj[4].incidence[0], 2.0 / 6.0);
        close(aj[4].incidence[1], 1.0 / 6.0);
        close(aj[4].incidence[2], 2.0 / 6.0);
        // Rounds without an ending carry the estimate forward.
        assert_eq!(aj[5].incidence, aj[4].incidence);
        assert_eq!(aj[0].incidence, [0.0; 3]);
        let rows = incidence_rows(&a);
        assert_eq!(rows.len(), 40);
        let r5: Vec<&IncidenceRow> = rows.iter().filter(|r| r.round == 5).collect();
        let names: Vec<&str> = r5.iter().map(|r| r.ending).collect();
        assert_eq!(names, ENDINGS);
        assert_eq!(r5[3].at_risk, 3);
        close(r5[3].incidence, 1.0 / 6.0);
        close(r5.iter().map(|r| r.incidence).sum::<f64>(), 1.0);
        let last = rows.last().unwrap();
        assert_eq!(
            (last.round, last.ending, last.events),
            (10, "still_going", 1)
        );
        // summary.json's endings are the last rows, with medians over all runs:
        // goal reaches 1/3 at most, so no median; nor for dissolution.
        let e = ending_summaries(&a);
        assert_eq!(e.len(), 4);
        assert_eq!((e[0].count, e[0].median_round), (2, None));
        close(e[3].incidence, 1.0 / 6.0);
        // Merging two halves gives the same counts, hence the same table.
        let (mut x, mut y) = (Aggregates::new(10), Aggregates::new(10));
        for (i, r) in fake_runs().iter().enumerate() {
            if i < 3 { x.push_run(r) } else { y.push_run(r) }
        }
        x.merge(&y);
        assert_eq!(x.ends, a.ends);
        assert_eq!(incidence_rows(&x), rows);
    }

    #[test]
    fn split_successes_are_counted_merged_and_read_as_zero_when_absent() {
        let mut runs = fake_runs();
        // Runs 2 and 5 reached the goal; 0 dissolved.
        (runs[2].peak_members, runs[2].final_members) = (10, 4);
        (runs[5].peak_members, runs[5].final_members) = (10, 5);
        (runs[0].peak_members, runs[0].final_members) = (10, 1);
        let mut whole = Aggregates::new(10);
        for r in &runs {
            whole.push_run(r);
        }
        // Only run 2: a success with fewer than half of its peak (exactly
        // half is not fewer; a dissolution is not a success).
        assert_eq!(whole.split_successes, 1);
        let (mut x, mut y) = (Aggregates::new(10), Aggregates::new(10));
        for (i, r) in runs.iter().enumerate() {
            if i < 4 { x.push_run(r) } else { y.push_run(r) }
        }
        assert_eq!((x.split_successes, y.split_successes), (1, 0));
        x.merge(&y);
        assert_eq!(x.split_successes, 1);
        // Aggregates stored before the count existed read back with 0.
        let mut v = serde_json::to_value(&whole).unwrap();
        assert!(
            v.as_object_mut()
                .unwrap()
                .remove("split_successes")
                .is_some()
        );
        let old: Aggregates = serde_json::from_value(v).unwrap();
        assert_eq!(old.split_successes, 0);
        assert_eq!(old.outcomes, whole.outcomes);
    }

    #[test]
    fn blocks_are_aligned_to_absolute_run_indices() {
        assert_eq!(blocks(0, 40, 64), vec![0..16, 16..32, 32..40]);
        assert_eq!(blocks(10, 40, 64), vec![10..16, 16..32, 32..40]);
        assert_eq!(blocks(10, 40, 2), vec![10..16, 16..32]);
        assert!(blocks(5, 5, 64).is_empty());
    }

    #[test]
    fn batch_is_the_same_for_any_thread_count_and_prefix() {
        let s = Scenario::validate(crate::scenario::RawScenario {
            max_rounds: 30,
            ..Default::default()
        })
        .unwrap();
        let mut one = Vec::new();
        let mut cfg = BatchConfig::new(70, 7);
        cfg.threads = Some(1);
        let r1 = run_batch(&s, &cfg, &mut one, |_| {}).unwrap();
        let mut two = Vec::new();
        cfg.threads = Some(2);
        let r2 = run_batch(&s, &cfg, &mut two, |_| {}).unwrap();
        assert_eq!(one, two);
        assert_eq!(r1.aggregates, r2.aggregates);
        assert_eq!(one.len(), 70);
        assert!(one.iter().enumerate().all(|(i, (r, _))| *r == i as u64));
        let mut prefix = Vec::new();
        cfg.runs = 20;
        run_batch(&s, &cfg, &mut prefix, |_| {}).unwrap();
        assert_eq!(prefix[..], one[..20]);
        // A shard from run 32 holds the same runs as the whole batch.
        let mut shard = Vec::new();
        cfg.first_run = 32;
        cfg.runs = 38;
        run_batch(&s, &cfg, &mut shard, |_| {}).unwrap();
        assert_eq!(shard[..], one[32..]);
    }
}
