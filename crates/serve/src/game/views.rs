//! What each screen of the game shows. A student sees their own
//! organisation from the inside (interests, resources, hours, commitment,
//! trust in the others) and only what anyone in the room could observe of
//! the rest (who came to the check-in, how votes went, who left). The
//! teacher sees the whole picture, as `coalsim serve` draws it.

use serde::Serialize;

use super::{Play, Shock, shock_in, simulate};
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
    /// What each agent observed, by agent index: (week, line).
    pub observed: Vec<Vec<(u32, String)>>,
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
pub fn history(
    s: &Scenario,
    seed: u64,
    plays: &[Play],
    shocks: &[Shock],
    rounds: Option<u32>,
) -> History {
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
        let next = simulate_round(&mut sim, plays, shocks);
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
fn simulate_round(sim: &mut Simulation, plays: &[Play], shocks: &[Shock]) -> u32 {
    let round = sim.world.round + 1;
    let mut seats = coalsim_core::engine::Seats {
        choices: vec![None; sim.world.n],
        shock: shock_in(shocks, round),
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
pub fn summary(s: &Scenario, seed: u64, plays: &[Play], shocks: &[Shock]) -> RunSummary {
    let mut sim = simulate(s, seed, plays, shocks, None);
    sim.run_to_end()
}

/// One round as agent `i` saw it: public events, and its own part.
fn observe(sim: &Simulation, i: usize, out: &mut Vec<(u32, String)>) {
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
            EventKind::Inquorate { present, voters } => Some(format!(
                "week {week}: too few came to decide ({present} of {voters}); the matter waits"
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
        out.extend(line.map(|l| (week, l)));
    }
    if w.is_member(i) || w.left_round[i] == w.round {
        out.push((
            week,
            if w.delivered_now[i] {
                format!("week {week}: your organisation delivered its part")
            } else {
                format!("week {week}: your organisation did not deliver")
            },
        ));
    }
}

/// One issue as a student sees it.
#[derive(Debug, Clone, Serialize)]
pub struct Interest {
    /// 1-based.
    pub issue: usize,
    /// The scenario's name for it (`issue_names`), or "issue N".
    pub name: String,
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
    /// The organisation in words, first: who it is, what it wants, where
    /// the agenda stands for it, how it feels about the coalition.
    pub story: Vec<String>,
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
    /// How a vote is decided under the rule, in words (for the ballot).
    pub rule_says: String,
    pub silence_as_consent: bool,
    /// `graceful` or `none`: what leaving costs.
    pub exit_protocol: &'static str,
    pub checkin_every: u32,
    pub decision_every: u32,
}

pub fn public(s: &Scenario, w: &World) -> PublicView {
    let g = &s.governance;
    PublicView {
        title: s.name.clone(),
        members: w.coalition.members as u32,
        progress_share: (w.coalition.progress / w.coalition.goal.max(1e-9)).clamp(0.0, 1.0),
        decisions_passed: w.coalition.decisions_passed,
        decisions_blocked: w.coalition.decisions_blocked,
        rule: g.decision_rule.name(),
        rule_in_force: w.coalition.governance == GovernanceState::Established,
        stand_aside: matches!(
            g.decision_rule,
            DecisionRule::Consensus | DecisionRule::ModifiedConsensus
        ),
        rule_says: rule_says(s),
        silence_as_consent: g.silence_as_consent,
        exit_protocol: match g.exit_protocol {
            ExitProtocol::Graceful => "graceful",
            ExitProtocol::None => "none",
        },
        checkin_every: g.checkin_every,
        decision_every: g.decision_every,
    }
}

/// How a proposal is decided under the scenario's rule, in words a
/// student reads by the ballot (docs/model.md, the decision phase).
pub fn rule_says(s: &Scenario) -> String {
    let g = &s.governance;
    let pct = |x: f64| format!("{:.0}%", x * 100.0);
    match g.decision_rule {
        DecisionRule::Majority => {
            "Majority: a proposal passes with more than half of the votes counted.".into()
        }
        DecisionRule::Supermajority => format!(
            "Supermajority: a proposal passes with at least {} of the votes counted.",
            pct(g.supermajority)
        ),
        DecisionRule::Weighted => format!(
            "Weighted vote: each vote counts by the organisation's power; a proposal passes when the yes votes hold more than {} of it.",
            pct(g.weighted_quota)
        ),
        DecisionRule::Committee => format!(
            "Committee: a steering committee of {} members votes, by majority; the others' votes are not counted.",
            g.committee_size
        ),
        DecisionRule::Consensus => "Consensus: one objection voiced blocks a proposal. You may stand aside instead: heard, and not blocking.".into(),
        DecisionRule::ModifiedConsensus => format!(
            "Modified consensus: one objection voiced blocks a proposal; once proposals on an issue have been blocked {} times, a vote of {} decides it. You may stand aside instead of blocking.",
            g.fallback_after,
            pct(g.supermajority)
        ),
        DecisionRule::Consent => "Consent: an objection blocks only when the proposal would harm what the coalition is for (as your organisation sees its merit); an objection of preference is heard and overruled.".into(),
    }
}

/// Issue `k` (0-based) in words.
pub fn issue_name(s: &Scenario, k: usize) -> String {
    s.issue_names
        .get(k)
        .map(|n| n.trim().to_string())
        .unwrap_or_else(|| format!("issue {}", k + 1))
}

/// Joins `a`, `b` and `c` as "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Agent `i`'s situation in plain words, in the second person: the story
/// a student reads before any number. Each sentence is a reading of a
/// quantity the numbers below show (position and salience, distance to
/// the agenda, commitment against the exit threshold, trust, hours,
/// unspoken objections, resentment).
pub fn story(s: &Scenario, w: &World, i: usize) -> Vec<String> {
    let d = w.d;
    let mut out = Vec::new();
    let name = &w.names[i];
    out.push(if w.founder[i] {
        format!("You are {name}, one of the founders of this coalition.")
    } else {
        format!("You are {name}.")
    });
    out.push(match w.status[i] {
        Status::Member if w.joined_round[i] > 0 => {
            format!("You joined the coalition in week {}.", w.joined_round[i])
        }
        Status::Member => "You are in the coalition from the start.".to_string(),
        Status::Outsider => "You are not in the coalition (yet): a member who knows you may ask you to join, and you will if it serves your interests.".to_string(),
        Status::Former => format!("You left the coalition in week {}.", w.left_round[i]),
    });
    // What it wants: the issues by how much they matter, each with its
    // direction and weight.
    let mut order: Vec<usize> = (0..d).collect();
    order.sort_by(|&a, &b| w.salience[i * d + b].total_cmp(&w.salience[i * d + a]));
    let mut wants = Vec::new();
    let mut indifferent = Vec::new();
    let mut verb_before = "";
    for &k in &order {
        let sal = w.salience[i * d + k];
        let pos = w.position[i * d + k];
        if sal < 0.05 {
            indifferent.push(issue_name(s, k));
            continue;
        }
        let how = if sal >= 0.66 {
            "badly"
        } else if sal >= 0.33 {
            "quite a lot"
        } else {
            "a little"
        };
        let (verb, how) = if pos > 0.2 {
            ("want", how)
        } else if pos < -0.2 {
            ("oppose", how)
        } else {
            ("are torn on", "")
        };
        let verb_shown = if verb == verb_before { "" } else { verb };
        verb_before = verb;
        let clause = [verb_shown, &issue_name(s, k), how]
            .iter()
            .filter(|x| !x.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        wants.push(clause);
    }
    if !wants.is_empty() {
        out.push(format!("You {}.", and_list(&wants)));
    }
    if !indifferent.is_empty() {
        out.push(format!(
            "{} do{} not matter to you.",
            capitalise(&and_list(&indifferent)),
            if indifferent.len() == 1 { "es" } else { "" }
        ));
    }
    // Where the agenda stands, issue by issue.
    let mut near = Vec::new();
    let mut off = Vec::new();
    for &k in &order {
        if w.salience[i * d + k] < 0.05 {
            continue;
        }
        if w.coalition.focus[k] > 0.0 {
            let gap = (w.position[i * d + k] - w.coalition.agenda[k]).abs() / 2.0;
            let how = if gap < 0.15 {
                "close to you"
            } else if gap < 0.35 {
                "some way from you"
            } else {
                "far from you"
            };
            near.push(format!("{how} on {}", issue_name(s, k)));
        } else {
            off.push(issue_name(s, k));
        }
    }
    if !near.is_empty() {
        out.push(format!("The coalition's agenda is {}.", and_list(&near)));
    }
    if !off.is_empty() {
        out.push(format!(
            "{} {} not on its agenda.",
            capitalise(&and_list(&off)),
            if off.len() == 1 { "is" } else { "are" }
        ));
    }
    if w.is_member(i) {
        let theta = s.dynamics.exit_threshold;
        out.push(
            if w.commitment[i] < theta {
                "Your organisation is thinking of leaving: the coalition gives it less than it costs."
            } else if w.commitment[i] < theta + 0.15 {
                "Your organisation is wavering."
            } else {
                "Your organisation is committed to the coalition."
            }
            .to_string(),
        );
        let mut others: Vec<(usize, f64)> = (0..w.n)
            .filter(|&j| j != i && w.is_member(j))
            .map(|j| (j, w.trust(i, j)))
            .collect();
        others.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        match others.len() {
            0 | 1 => {}
            2 => out.push(format!(
                "You trust {} more than {}.",
                w.names[others[0].0], w.names[others[1].0]
            )),
            k => {
                let most: Vec<String> = others
                    .iter()
                    .take(if k > 3 { 2 } else { 1 })
                    .map(|&(j, _)| w.names[j].clone())
                    .collect();
                out.push(format!(
                    "You trust {} most, {} least.",
                    and_list(&most),
                    w.names[others[k - 1].0]
                ));
            }
        }
        let budget = s.dynamics.hours_budget;
        let h = w.hours_now[i];
        if h > 0.0 {
            out.push(if h > budget {
                format!(
                    "Last week the coalition took {h:.1} hours: more than the {budget:.0} a week you can give it."
                )
            } else {
                format!(
                    "Last week the coalition took {h:.1} of the {budget:.0} hours a week you can give it."
                )
            });
        }
        if w.hidden[i] > 0.1 {
            out.push("You have objections you have not said out loud.".to_string());
        }
        if w.resentment[i] > 0.1 {
            out.push("You resent decisions that went against you.".to_string());
        }
    }
    out
}

fn capitalise(text: &str) -> String {
    let mut c = text.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

fn status_name(st: Status) -> &'static str {
    match st {
        Status::Member => "member",
        Status::Outsider => "outsider",
        Status::Former => "former",
    }
}

/// Agent `i`'s screen; what it saw after week `since` is listed in full.
pub fn student(s: &Scenario, h: &History, i: usize, since: u32) -> StudentView {
    let w = &h.world;
    let d = w.d;
    let interests = (0..d)
        .map(|k| Interest {
            issue: k + 1,
            name: issue_name(s, k),
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
    // Everything seen since week `since` (the last turn: with 30
    // organisations a turn can hold more than a screenful), and at least
    // the last 14 lines.
    let obs = &h.observed[i];
    let first = obs
        .iter()
        .position(|(week, _)| *week > since)
        .unwrap_or(obs.len())
        .min(obs.len().saturating_sub(14));
    StudentView {
        organisation: w.names[i].clone(),
        story: story(s, w, i),
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
        observed: obs[first..].iter().map(|(_, l)| l.clone()).collect(),
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
    /// Founders, by agent index (a ★ in the picture).
    pub founders: Vec<bool>,
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
        founders: w.founder.clone(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use coalsim_core::scenario::{ScenarioFile, Source};

    fn eastside() -> Scenario {
        ScenarioFile::load(Source {
            name: "eastside-housing.toml".into(),
            text: include_str!("../../../../scenarios/eastside-housing.toml").into(),
        })
        .unwrap()
        .base
    }

    /// Every rule tells a student how a vote is decided, each its own way,
    /// and standing aside is offered where the engine counts it (consensus
    /// and modified consensus; elsewhere it is silence).
    #[test]
    fn the_ballot_says_how_each_rule_decides() {
        let text = include_str!("../../../../scenarios/eastside-housing.toml");
        let mut seen = std::collections::HashSet::new();
        for rule in DecisionRule::ALL {
            let s = ScenarioFile::load(Source {
                name: "eastside-housing.toml".into(),
                text: text.replacen(
                    "decision_rule = \"majority\"",
                    &format!("decision_rule = \"{}\"", rule.name()),
                    1,
                ),
            })
            .unwrap()
            .base;
            assert_eq!(s.governance.decision_rule, rule);
            let h = history(&s, s.seed, &[], &[], Some(0));
            let p = public(&s, &h.world);
            assert!(seen.insert(p.rule_says.clone()), "{}", p.rule_says);
            assert_eq!(
                p.stand_aside,
                matches!(
                    rule,
                    DecisionRule::Consensus | DecisionRule::ModifiedConsensus
                ),
                "{}",
                rule.name()
            );
            assert_eq!(
                p.stand_aside,
                p.rule_says.contains("stand aside"),
                "{}",
                p.rule_says
            );
        }
    }

    #[test]
    fn a_student_reads_the_story_before_the_numbers() {
        let s = eastside();
        let h = history(&s, s.seed, &[], &[], Some(0));
        let story = student(&s, &h, 0, 0).story;
        assert_eq!(
            story[0],
            "You are Eastside Tenants' Union, one of the founders of this coalition."
        );
        assert_eq!(story[1], "You are in the coalition from the start.");
        // Position 1.0/0.5/0.6 with salience 1.0/0.4/0.3.
        assert_eq!(
            story[2],
            "You want rent stabilisation badly, new homes built quite a lot and bus routes a little."
        );
        assert!(
            story[3].starts_with("The coalition's agenda is ")
                && story[3].ends_with(" on rent stabilisation."),
            "{story:?}"
        );
        assert_eq!(
            story[4],
            "New homes built and bus routes are not on its agenda."
        );
        // A landlord opposes what the coalition is for.
        let landlords = h
            .names
            .iter()
            .position(|n| n == "Riverside Landlords' Association")
            .unwrap();
        let story = student(&s, &h, landlords, 0).story;
        assert!(story[1].starts_with("You are not in the coalition (yet)"));
        assert!(
            story[2].starts_with("You oppose rent stabilisation badly"),
            "{story:?}"
        );
        // Without issue names, the issues are numbered.
        let d = ScenarioFile::open(None).unwrap().base;
        let h = history(&d, d.seed, &[], &[], Some(0));
        assert!(student(&d, &h, 0, 0).story.join(" ").contains("issue 1"));
    }
}
