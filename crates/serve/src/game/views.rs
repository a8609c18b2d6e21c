//! What each screen of the game shows. A student sees their own
//! organisation from the inside (interests, resources, hours, commitment,
//! trust in the others) and only what anyone in the room could observe of
//! the rest (who came to the check-in, how votes went, who left). The
//! teacher sees the whole picture, as `coalsim serve` draws it.

use serde::Serialize;

use super::{Play, simulate};
use crate::server::view::{Node, links, nodes};
use coalsim_core::engine::{Event, EventKind, RoundRecord, RunSummary, ShockKind, Simulation};
use coalsim_core::model::{GovernanceState, Status, World};
use coalsim_core::scenario::{DecisionRule, ExitProtocol, Scenario};
use coalsim_report::narrative;

/// A game run so far, round by round.
pub struct History {
    pub records: Vec<RoundRecord>,
    /// The teacher's story: `coalsim run`'s narrative lines.
    pub lines: Vec<String>,
    /// What each agent observed, by agent index.
    pub observed: Vec<Vec<String>>,
    /// Every event of the run.
    pub events: Vec<Event>,
    /// Names, by agent index.
    pub names: Vec<String>,
    /// The world after the last round played.
    pub world: World,
    pub outcome: Option<RunSummary>,
}

/// Runs the game's first `rounds` rounds (all of them with `None`) and
/// keeps what the screens show.
pub fn history(s: &Scenario, seed: u64, plays: &[Play], rounds: Option<u32>) -> History {
    // The run is replayed one round at a time so that every round's events
    // are seen; `simulate` with a round limit is the same run.
    let mut sim = Simulation::new(s, seed, 0);
    let n = sim.world.n;
    let mut h = History {
        records: Vec::new(),
        lines: Vec::new(),
        observed: vec![Vec::new(); n],
        events: sim.events.clone(),
        names: sim.world.names.clone(),
        world: sim.world.clone(),
        outcome: None,
    };
    let target = rounds.unwrap_or(u32::MAX);
    let mut r = 0;
    while sim.outcome.is_none() && r < target {
        r += 1;
        let next = simulate_round(&mut sim, plays);
        debug_assert_eq!(next, r);
        h.records.push(sim.record());
        h.lines
            .extend(narrative::narrate_events(&sim.events, &sim.world));
        for i in 0..n {
            observe(&sim, i, &mut h.observed[i]);
        }
        h.events.extend(sim.events.iter().copied());
    }
    if sim.outcome.is_some() {
        h.outcome = Some(sim.summary());
    }
    h.world = sim.world.clone();
    h
}

/// Steps one round with the plays of that round; returns the round.
fn simulate_round(sim: &mut Simulation, plays: &[Play]) -> u32 {
    let round = sim.world.round + 1;
    let mut seats = coalsim_core::engine::Seats {
        choices: vec![None; sim.world.n],
    };
    for p in plays.iter().filter(|p| p.round == round) {
        if p.agent < seats.choices.len() {
            seats.choices[p.agent] = Some(p.choices);
        }
    }
    sim.step_with(&mut seats);
    round
}

/// The same run as [`history`], without the views (for tests).
pub fn summary(s: &Scenario, seed: u64, plays: &[Play]) -> RunSummary {
    let mut sim = simulate(s, seed, plays, None);
    sim.run_to_end()
}

/// One round as agent `i` saw it: public events, and its own part.
fn observe(sim: &Simulation, i: usize, out: &mut Vec<String>) {
    let w = &sim.world;
    let me = |a: usize| a == i;
    let was_member =
        w.is_member(i) || (w.status[i] == Status::Former && w.left_round[i] == w.round);
    if !was_member {
        return;
    }
    let week = w.round;
    for e in &sim.events {
        let line = match e.kind {
            EventKind::Joined { .. } => e.agent.map(|a| {
                if me(a) {
                    format!("week {week}: you joined the coalition")
                } else {
                    format!("week {week}: {} joined the coalition", w.names[a])
                }
            }),
            EventKind::Left { graceful, .. } => e.agent.map(|a| {
                let how = if graceful { "" } else { " abruptly" };
                if me(a) {
                    format!("week {week}: you left the coalition{how}")
                } else {
                    format!("week {week}: {} left the coalition{how}", w.names[a])
                }
            }),
            EventKind::CheckIn {
                attended, members, ..
            } => Some(format!(
                "week {week}: check-in — {attended} of {members} came{}",
                if w.attended_now[i] {
                    ", you among them"
                } else {
                    "; you were not there"
                }
            )),
            EventKind::Decision {
                proposer,
                issue,
                passed,
                yes,
                voters,
                voiced_objections,
                ..
            } => {
                let mine = match w.counted_yes[i] {
                    None => " (you had no vote)".to_string(),
                    Some(false) => " — you objected".to_string(),
                    Some(true) if w.stood_aside[i] => " — you stood aside".to_string(),
                    Some(true) if w.vote_u[i] < 0.0 => {
                        " — you kept your objection to yourself".to_string()
                    }
                    Some(true) => " — you were for it".to_string(),
                };
                Some(format!(
                    "week {week}: {} proposal on issue {} {} ({yes} of {voters} counted yes, {voiced_objections} objection{} voiced){mine}",
                    if me(proposer) {
                        "your".to_string()
                    } else {
                        format!("{}'s", w.names[proposer])
                    },
                    issue + 1,
                    if passed { "passed" } else { "was blocked" },
                    if voiced_objections == 1 { "" } else { "s" },
                ))
            }
            EventKind::Crisis { .. } => Some(format!(
                "week {week}: a conflict that had been kept quiet erupted; the coalition must now agree on its rules"
            )),
            EventKind::GovernanceEstablished => Some(format!(
                "week {week}: the coalition agreed on how it decides"
            )),
            EventKind::Leak => Some(format!("week {week}: a disagreement went public")),
            EventKind::Milestone { .. } => Some(format!("week {week}: a milestone was reached")),
            EventKind::Shock { kind } => Some(match kind {
                ShockKind::Competitor => format!("week {week}: a competing group appeared"),
                ShockKind::PolicyShift => {
                    format!("week {week}: a policy shift changed the ground")
                }
                ShockKind::LeadershipChange => {
                    format!("week {week}: a member organisation changed its leadership")
                }
            }),
            EventKind::LeadershipLoss { .. } => e
                .agent
                .filter(|&a| !me(a))
                .map(|a| format!("week {week}: with {} gone, know-how left too", w.names[a])),
            EventKind::Expansion { .. } => {
                Some(format!("week {week}: the coalition took on another issue"))
            }
            EventKind::GoalReached => Some(format!("week {week}: the coalition reached its goal!")),
            EventKind::Dissolved => Some(format!("week {week}: the coalition dissolved")),
            EventKind::Sunset => Some(format!(
                "week {week}: the coalition closed, declaring success"
            )),
            _ => None,
        };
        out.extend(line);
    }
    if w.is_member(i) || w.left_round[i] == w.round {
        out.push(if w.delivered_now[i] {
            format!("week {week}: your organisation delivered its part")
        } else {
            format!("week {week}: your organisation did not deliver")
        });
    }
}

/// One issue as a student sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Interest {
    /// 1-based.
    pub issue: usize,
    /// On the coalition's agenda.
    pub in_scope: bool,
    /// Where the organisation stands (0 to 1).
    pub position: f64,
    /// How much it matters to it (its most important issue has 1).
    pub importance: f64,
    /// Where the coalition's agenda stands.
    pub agenda: f64,
}

/// Trust in one other member.
#[derive(Debug, Clone, Serialize)]
pub struct TrustIn {
    pub name: String,
    pub trust: f64,
}

/// A student's private screen.
#[derive(Debug, Clone, Serialize)]
pub struct StudentView {
    pub organisation: String,
    /// `member`, `outsider` or `former`.
    pub status: &'static str,
    pub round: u32,
    pub max_rounds: u32,
    pub resources: f64,
    pub hours_budget: f64,
    pub hours_last_week: f64,
    pub engagement: f64,
    pub commitment: f64,
    pub clarity: f64,
    pub hidden_objection: f64,
    pub resentment: f64,
    pub buy_in: f64,
    /// Interest match with the agenda.
    pub support: f64,
    pub trust_in_members: f64,
    pub interests: Vec<Interest>,
    pub trust: Vec<TrustIn>,
    /// The last things observed, newest last.
    pub observed: Vec<String>,
    pub coalition: PublicView,
}

/// What everyone knows about the coalition.
#[derive(Debug, Clone, Serialize)]
pub struct PublicView {
    pub title: String,
    pub members: u32,
    pub progress_share: f64,
    pub decisions_passed: u32,
    pub decisions_blocked: u32,
    pub rule: &'static str,
    /// The rule is in force (else: still being set up, or not yet).
    pub rule_in_force: bool,
    pub stand_aside: bool,
    pub silence_as_consent: bool,
    /// `graceful` or `none`: what leaving costs.
    pub exit_protocol: &'static str,
    pub checkin_every: u32,
    pub decision_every: u32,
}

fn public(s: &Scenario, w: &World) -> PublicView {
    let g = &s.governance;
    PublicView {
        title: s.name.clone(),
        members: w.coalition.members as u32,
        progress_share: (w.coalition.progress / w.coalition.goal.max(1e-9)).clamp(0.0, 1.0),
        decisions_passed: w.coalition.decisions_passed,
        decisions_blocked: w.coalition.decisions_blocked,
        rule: g.decision_rule.name(),
        rule_in_force: w.coalition.governance == GovernanceState::Established,
        stand_aside: g.decision_rule == DecisionRule::Consensus,
        silence_as_consent: g.silence_as_consent,
        exit_protocol: match g.exit_protocol {
            ExitProtocol::Graceful => "graceful",
            ExitProtocol::None => "none",
        },
        checkin_every: g.checkin_every,
        decision_every: g.decision_every,
    }
}

fn status_name(st: Status) -> &'static str {
    match st {
        Status::Member => "member",
        Status::Outsider => "outsider",
        Status::Former => "former",
    }
}

/// Agent `i`'s screen.
pub fn student(s: &Scenario, h: &History, i: usize) -> StudentView {
    let w = &h.world;
    let d = w.d;
    let interests = (0..d)
        .map(|k| Interest {
            issue: k + 1,
            in_scope: w.coalition.focus[k] > 0.0,
            position: w.position[i * d + k],
            importance: w.salience[i * d + k],
            agenda: w.coalition.agenda[k],
        })
        .collect();
    let mut trust: Vec<TrustIn> = (0..w.n)
        .filter(|&j| j != i && w.is_member(j))
        .map(|j| TrustIn {
            name: w.names[j].clone(),
            trust: w.trust(i, j),
        })
        .collect();
    trust.sort_by(|a, b| b.trust.total_cmp(&a.trust).then(a.name.cmp(&b.name)));
    let obs = &h.observed[i];
    StudentView {
        organisation: w.names[i].clone(),
        status: status_name(w.status[i]),
        round: w.round,
        max_rounds: s.max_rounds,
        resources: w.resources[i],
        hours_budget: s.dynamics.hours_budget,
        hours_last_week: w.hours_now[i],
        engagement: w.engagement[i],
        commitment: w.commitment[i],
        clarity: w.clarity[i],
        hidden_objection: w.hidden[i],
        resentment: w.resentment[i],
        buy_in: w.buy_in[i],
        support: w.support(i),
        trust_in_members: w.trust_in_members(i),
        interests,
        trust,
        observed: obs[obs.len().saturating_sub(14)..].to_vec(),
        coalition: public(s, w),
    }
}

/// One round's numbers for the teacher's charts.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub round: u32,
    pub members: u32,
    pub trust: f64,
    pub engagement: f64,
    pub progress: f64,
}

/// The teacher's screen: the live coalition picture.
#[derive(Debug, Clone, Serialize)]
pub struct TeacherPicture {
    pub round: u32,
    pub max_rounds: u32,
    pub names: Vec<String>,
    pub nodes: Vec<Node>,
    /// `[i, j, trust %]` for each pair of members.
    pub links: Vec<[u16; 3]>,
    pub points: Vec<Point>,
    /// The last story lines, newest last.
    pub lines: Vec<String>,
    pub coalition: PublicView,
    /// The verdict of `coalsim run`, once the game is over.
    pub verdict: Option<String>,
}

pub fn teacher(s: &Scenario, h: &History) -> TeacherPicture {
    let w = &h.world;
    TeacherPicture {
        round: w.round,
        max_rounds: s.max_rounds,
        names: h.names.clone(),
        nodes: nodes(w),
        links: links(w),
        points: h
            .records
            .iter()
            .map(|r| Point {
                round: r.round,
                members: r.members,
                trust: r.mean_trust,
                engagement: r.engagement,
                progress: r.progress_share,
            })
            .collect(),
        lines: h.lines[h.lines.len().saturating_sub(40)..].to_vec(),
        coalition: public(s, w),
        verdict: h.outcome.as_ref().map(narrative::verdict),
    }
}
