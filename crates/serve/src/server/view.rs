//! One run as the browser draws it: a frame per round (who is in, how
//! engaged, how far from the agenda, who trusts whom, how they voted), the
//! round's events as `events.csv` rows and the narrative lines of
//! `coalsim run`. Pure: a scenario and a seed in, data out.
//!
//! The run is driven exactly as `coalsim run` drives it ([`Simulation::new`],
//! then `step` and `record` until the outcome is set), so the event log is
//! the one the terminal command writes for the same scenario and seed.

use serde::Serialize;

use coalsim_core::engine::{EventKind, RoundRecord, RunSummary, Simulation};
use coalsim_core::model::{Status, World};
use coalsim_core::scenario::Scenario;
use coalsim_report::narrative;
use coalsim_report::tables::EventRow;

/// A whole run, ready to animate and scrub.
#[derive(Debug, Clone, Serialize)]
pub struct RunView {
    pub name: String,
    pub description: String,
    pub rule: &'static str,
    pub seed: u64,
    pub max_rounds: u32,
    /// Names and fixed traits, by agent index.
    pub agents: Vec<AgentInfo>,
    /// Frame 0 is the start (before round 1); frame r is the end of round r.
    pub frames: Vec<Frame>,
    pub summary: RunSummary,
    /// The verdict `coalsim run` prints.
    pub verdict: String,
}

/// What does not change during a run.
#[derive(Debug, Clone, Serialize)]
pub struct AgentInfo {
    pub name: String,
    pub founder: bool,
}

/// The state at the end of one round.
#[derive(Debug, Clone, Serialize)]
pub struct Frame {
    pub round: u32,
    /// The round's record (as in `rounds.csv`); none for frame 0.
    pub record: Option<RoundRecord>,
    pub nodes: Vec<Node>,
    /// `[i, j, t]` for each pair of members i < j: their mutual trust (the
    /// mean of both directions) in percent.
    pub links: Vec<[u16; 3]>,
    /// The round's events, as the rows of `events.csv`.
    pub events: Vec<EventRow>,
    /// The round's narrative lines, as `coalsim run` prints them.
    pub lines: Vec<String>,
    /// The status line of `coalsim run`, for this round alone.
    pub status: Option<String>,
    /// The round's last vote on a proposal, if there was one.
    pub vote: Option<VoteView>,
}

/// One agent at the end of a round.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// `member`, `outsider` or `former`.
    pub status: &'static str,
    pub power: f32,
    pub engagement: f32,
    /// Interest match with the coalition's agenda (1 = on the agenda).
    pub support: f32,
    pub leadership: f32,
    pub committee: bool,
    /// Came to this round's check-in.
    pub attended: bool,
}

/// A vote as it happened.
#[derive(Debug, Clone, Serialize)]
pub struct VoteView {
    pub proposer: usize,
    pub passed: bool,
    pub yes: u32,
    pub voters: u32,
    pub voiced_objections: u32,
    pub silent_objections: u32,
    /// `[agent, ballot]`, ballot one of `yes`, `no` (objected openly),
    /// `aside` (stood aside under consensus), `silent` (objected but kept
    /// quiet, so counted as yes). Empty when the round's last ballot was not
    /// this proposal's (the counts above still hold).
    pub ballots: Vec<(usize, &'static str)>,
}

/// Runs `scenario` with `seed` (run index 0, as `coalsim run`) to its end.
pub fn run_view(scenario: &Scenario, seed: u64) -> RunView {
    let mut sim = Simulation::new(scenario, seed, 0);
    let agents = (0..sim.world.n)
        .map(|i| AgentInfo {
            name: sim.world.names[i].clone(),
            founder: sim.world.founder[i],
        })
        .collect();
    let mut frames = Vec::with_capacity(scenario.max_rounds as usize + 1);
    frames.push(Frame {
        round: 0,
        record: None,
        nodes: nodes(&sim.world),
        links: links(&sim.world),
        events: Vec::new(),
        lines: Vec::new(),
        status: None,
        vote: None,
    });
    while sim.outcome.is_none() {
        sim.step();
        let rec = sim.record();
        let w = &sim.world;
        frames.push(Frame {
            round: rec.round,
            record: Some(rec),
            nodes: nodes(w),
            links: links(w),
            events: sim.events.iter().map(|e| EventRow::of(e, w)).collect(),
            lines: narrative::narrate_events(&sim.events, w),
            status: Some(narrative::status_line(
                &rec,
                narrative::DecisionCounts::of(&rec),
            )),
            vote: vote(&sim),
        });
    }
    let summary = sim.summary();
    RunView {
        name: scenario.name.clone(),
        description: scenario.description.clone(),
        rule: scenario.governance.decision_rule.name(),
        seed,
        max_rounds: scenario.max_rounds,
        agents,
        frames,
        verdict: narrative::verdict(&summary),
        summary,
    }
}

pub fn nodes(w: &World) -> Vec<Node> {
    (0..w.n)
        .map(|i| Node {
            status: match w.status[i] {
                Status::Member => "member",
                Status::Outsider => "outsider",
                Status::Former => "former",
            },
            power: w.power[i] as f32,
            engagement: w.engagement[i] as f32,
            support: w.support(i) as f32,
            leadership: w.leadership[i] as f32,
            committee: w.committee[i],
            attended: w.attended_now[i],
        })
        .collect()
}

pub fn links(w: &World) -> Vec<[u16; 3]> {
    let members: Vec<usize> = (0..w.n).filter(|&i| w.is_member(i)).collect();
    let mut out = Vec::with_capacity(members.len() * members.len() / 2);
    for (a, &i) in members.iter().enumerate() {
        for &j in &members[a + 1..] {
            let t = 0.5 * (w.trust(i, j) + w.trust(j, i));
            out.push([i as u16, j as u16, (t * 100.0).round() as u16]);
        }
    }
    out
}

/// The round's last proposal vote. Ballots are read from the decision
/// phase's per-voter record (`counted_yes`, `vote_u`), kept only when they
/// add up to the event's own counts, so a change in the decision phase can
/// hide the ballots but never show wrong ones.
fn vote(sim: &Simulation) -> Option<VoteView> {
    let w = &sim.world;
    let (proposer, passed, yes, voters, voiced, silent) =
        sim.events.iter().rev().find_map(|e| match e.kind {
            EventKind::Decision {
                proposer,
                passed,
                yes,
                voters,
                voiced_objections,
                silent_objections,
                ..
            } => Some((
                proposer,
                passed,
                yes,
                voters,
                voiced_objections,
                silent_objections,
            )),
            _ => None,
        })?;
    let mut ballots = Vec::new();
    let consensus =
        sim.scenario.governance.decision_rule == coalsim_core::scenario::DecisionRule::Consensus;
    for i in 0..w.n {
        let ballot = match w.counted_yes[i] {
            None => continue,
            Some(false) => "no",
            Some(true) if w.vote_u[i] < 0.0 => "silent",
            Some(true) if consensus && w.stood_aside[i] => "aside",
            Some(true) => "yes",
        };
        ballots.push((i, ballot));
    }
    let count = |b: &str| ballots.iter().filter(|(_, x)| *x == b).count() as u32;
    let consistent = ballots.len() as u32 == voters
        && count("no") == voiced
        && count("silent") == silent
        && count("yes") + count("aside") + count("silent") == yes;
    if !consistent {
        ballots.clear();
    }
    Some(VoteView {
        proposer,
        passed,
        yes,
        voters,
        voiced_objections: voiced,
        silent_objections: silent,
        ballots,
    })
}
