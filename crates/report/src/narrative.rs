//! Plain-language narration of a run, for a class to follow round by round.
//! Pure: events and world state in, strings out.

use std::fmt::Write as _;

use coalsim_core::engine::{Event, EventKind, RoundRecord, RunSummary, ShockKind};
use coalsim_core::model::{ExitReason, World};

/// Why a member left, in words, with the number behind it.
pub fn reason_text(reason: ExitReason, trust: f64, alignment: f64, commitment: f64) -> String {
    match reason {
        ExitReason::LowTrust => format!("trust in the others fell to {trust:.2}"),
        ExitReason::LowAlignment => {
            format!("the agenda no longer served its interests (alignment {alignment:.2})")
        }
        ExitReason::LowEfficacy => "it lost faith that the coalition would deliver".to_string(),
        ExitReason::Overload => "the hours cost more than it could give".to_string(),
        ExitReason::HiddenObjection => {
            "objections it had kept to itself turned into resentment".to_string()
        }
        ExitReason::Burnout => "burned out carrying the coordination load".to_string(),
        ExitReason::FounderDeparture => "the founder moved on".to_string(),
        ExitReason::Removed => format!("removed for not contributing (commitment {commitment:.2})"),
        ExitReason::Misfit => "the new direction did not fit its interests".to_string(),
        ExitReason::Outvoted => {
            "it resented being bound by decisions it had voted against".to_string()
        }
    }
}

/// One sentence per notable event of a round (routine check-ins and quiet
/// decisions are left out). Empty when nothing notable happened.
pub fn narrate_events(events: &[Event], w: &World) -> Vec<String> {
    let name = |i: usize| w.names[i].as_str();
    let mut out = Vec::new();
    for e in events {
        let r = e.round;
        let line = match e.kind {
            EventKind::Joined { via } if via != e.agent.unwrap_or(via) => {
                format!(
                    "round {r}: {} joined, brought in by {}",
                    name(e.agent.unwrap_or(0)),
                    name(via)
                )
            }
            EventKind::Joined { .. } => format!("round {r}: {} joined", name(e.agent.unwrap_or(0))),
            EventKind::AdmissionRefused => {
                format!(
                    "round {r}: {} asked to join; the members voted no",
                    name(e.agent.unwrap_or(0))
                )
            }
            EventKind::Left {
                reason,
                graceful,
                trust,
                alignment,
                commitment,
            } => {
                let who = name(e.agent.unwrap_or(0));
                let how = if graceful {
                    "exit was graceful"
                } else {
                    "it broke off abruptly, without an exit process"
                };
                let verb = if reason == ExitReason::Removed {
                    "was removed"
                } else {
                    "left"
                };
                let why = reason_text(reason, trust, alignment, commitment);
                if reason == ExitReason::Removed {
                    format!("round {r}: {who} {verb}: {why}")
                } else {
                    format!("round {r}: {who} {verb}: {why}; {how}")
                }
            }
            EventKind::SetupStarted {
                crisis: false,
                until,
            } => {
                format!("round {r}: the members start agreeing on governance (until round {until})")
            }
            EventKind::SetupStarted {
                crisis: true,
                until,
            } => format!(
                "round {r}: with no agreed way to decide, the coalition stops to set up governance in crisis (until round {until})"
            ),
            EventKind::GovernanceEstablished => {
                format!(
                    "round {r}: governance agreed; the agenda is re-mapped to the members' interests"
                )
            }
            EventKind::Crisis {
                proposer,
                objectors,
            } => format!(
                "round {r}: conflict — {objectors} member(s) objected to {}'s proposal and there is no rule to settle it",
                name(proposer)
            ),
            EventKind::Decision {
                proposer,
                passed,
                voiced_objections,
                silent_objections,
                yes,
                voters,
                ..
            } => {
                if silent_objections > 0 && passed {
                    format!(
                        "round {r}: {}'s proposal passed as if unanimous, but {silent_objections} member(s) kept their objections to themselves",
                        name(proposer)
                    )
                } else if passed && voters >= 3 && voiced_objections * 2 + 1 >= voters {
                    format!(
                        "round {r}: {}'s proposal passed narrowly over {voiced_objections} objection(s) ({yes} of {voters})",
                        name(proposer)
                    )
                } else {
                    // Routine votes are counted in the status lines instead.
                    continue;
                }
            }
            EventKind::Inquorate { present, voters } => format!(
                "round {r}: no quorum — only {present} of {voters} members with a vote came to the decision meeting; the matter waits"
            ),
            EventKind::Leak => format!(
                "round {r}: the disagreement went public; the coalition's credibility suffers"
            ),
            EventKind::Milestone { index: 0 } => {
                format!("round {r}: FIRST WIN — the first milestone is reached")
            }
            EventKind::Milestone { index } => format!("round {r}: milestone {} reached", index + 1),
            EventKind::Shock { kind } => match kind {
                ShockKind::Competitor => {
                    format!("round {r}: shock — a new competitor draws attention away")
                }
                ShockKind::PolicyShift => {
                    format!("round {r}: shock — a policy shift moves what members want")
                }
                ShockKind::LeadershipChange => format!(
                    "round {r}: shock — new leadership at {}",
                    e.agent.map(name).unwrap_or("a member")
                ),
            },
            EventKind::CheckIn {
                attended,
                members,
                juniors,
            } => {
                if members >= 5 && (attended as f64) < 0.6 * members as f64 {
                    format!(
                        "round {r}: only {attended} of {members} came to the check-in — a sign of drift"
                    )
                } else if juniors > 0 {
                    format!(
                        "round {r}: {juniors} member(s) sent a junior representative to the check-in"
                    )
                } else {
                    continue;
                }
            }
            // Routine; listed in events.csv.
            EventKind::PrivateCheckIn => continue,
            EventKind::JuniorRepresentative => format!(
                "round {r}: {} starts sending junior representatives (engagement falling)",
                name(e.agent.unwrap_or(0))
            ),
            EventKind::Renewal => {
                format!("round {r}: renewal ritual — members re-commit and voice concerns")
            }
            EventKind::Expansion { issue, realigned } => {
                if realigned {
                    format!(
                        "round {r}: the scope grows to issue {issue}; the members re-align on the purpose"
                    )
                } else {
                    format!(
                        "round {r}: the scope grows to issue {issue}, without re-aligning the membership"
                    )
                }
            }
            EventKind::ExpansionDeclined { issue } => format!(
                "round {r}: {} proposed adding issue {issue} to the scope; re-aligning, the members declined",
                name(e.agent.unwrap_or(0))
            ),
            EventKind::LeadershipLoss { share } => format!(
                "round {r}: {} held {:.0}% of the coalition's leadership; that know-how is lost and the others take over",
                name(e.agent.unwrap_or(0)),
                share * 100.0
            ),
            EventKind::GoalReached => format!("round {r}: GOAL REACHED"),
            EventKind::Sunset => {
                format!("round {r}: the coalition formally sunsets and declares success")
            }
            EventKind::Dissolved => {
                format!("round {r}: too few members remain; the coalition dissolves")
            }
            EventKind::RoundLimit => format!("round {r}: the round limit is reached"),
        };
        out.push(line);
    }
    out
}

/// The decisions counted in a status line: passed and blocked, the rounds
/// of negotiation and consent's objection rounds held on them and how many
/// went to modified consensus's fallback vote, added up over the rounds
/// since the previous status line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DecisionCounts {
    pub passed: u32,
    pub blocked: u32,
    pub negotiation_rounds: u32,
    pub objection_rounds: u32,
    pub fallback_votes: u32,
}

impl DecisionCounts {
    /// One round's decisions.
    pub fn of(rec: &RoundRecord) -> DecisionCounts {
        DecisionCounts {
            passed: rec.decisions_passed,
            blocked: rec.decisions_blocked,
            negotiation_rounds: rec.negotiation_rounds,
            objection_rounds: rec.objection_rounds,
            fallback_votes: rec.fallback_votes,
        }
    }

    /// Adds one round's decisions.
    pub fn add(&mut self, rec: &RoundRecord) {
        let r = DecisionCounts::of(rec);
        self.passed += r.passed;
        self.blocked += r.blocked;
        self.negotiation_rounds += r.negotiation_rounds;
        self.objection_rounds += r.objection_rounds;
        self.fallback_votes += r.fallback_votes;
    }
}

/// `n` of a thing: "1 round of negotiation", "3 rounds of negotiation".
fn counted(n: u32, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "1 round of negotiation", "3 rounds of negotiation".
fn negotiation_text(rounds: u32) -> String {
    counted(rounds, "round of negotiation", "rounds of negotiation")
}

/// "1 objection round", "3 objection rounds".
fn objection_text(rounds: u32) -> String {
    counted(rounds, "objection round", "objection rounds")
}

/// "1 fallback vote", "3 fallback votes".
fn fallback_text(votes: u32) -> String {
    counted(votes, "fallback vote", "fallback votes")
}

/// A one-line status of the coalition, with the decisions passed and blocked
/// since the previous status line, and the rounds of negotiation, consent's
/// objection rounds and the fallback votes they took when there were any.
pub fn status_line(rec: &RoundRecord, d: DecisionCounts) -> String {
    let mut s = format!(
        "round {}: {} members · trust {:.2} · alignment {:.2} · engagement {:.2} · progress {:.0}% · decisions {} passed, {} blocked",
        rec.round,
        rec.members,
        rec.mean_trust,
        rec.mean_alignment,
        rec.engagement,
        rec.progress_share * 100.0,
        d.passed,
        d.blocked
    );
    if d.negotiation_rounds > 0 {
        let _ = write!(s, " · {}", negotiation_text(d.negotiation_rounds));
    }
    if d.objection_rounds > 0 {
        let _ = write!(s, " · {}", objection_text(d.objection_rounds));
    }
    if d.fallback_votes > 0 {
        let _ = write!(s, " · {}", fallback_text(d.fallback_votes));
    }
    s
}

/// The final verdict and why, in a few sentences.
pub fn verdict(sum: &RunSummary) -> String {
    let mut s = String::new();
    let first = match sum.first_win_round {
        Some(r) => format!("its first win came in round {r}"),
        None => "it never reached a first win".to_string(),
    };
    let _ = match sum.outcome {
        "goal" => writeln!(
            s,
            "Verdict: SUCCESS — the coalition reached its goal in round {}; {first}.",
            sum.rounds
        ),
        "sunset" => writeln!(
            s,
            "Verdict: SUNSET — after {} rounds the coalition ended with declared success ({:.0}% of the goal); {first}.",
            sum.rounds,
            sum.progress_share * 100.0
        ),
        "dissolved" => writeln!(
            s,
            "Verdict: FAILURE — the coalition dissolved in round {} with {:.0}% of the goal done; {first}.",
            sum.rounds,
            sum.progress_share * 100.0
        ),
        "stopped" => writeln!(
            s,
            "Verdict: STOPPED — the game was ended in round {} with {:.0}% of the goal done; {first}.",
            sum.rounds,
            sum.progress_share * 100.0
        ),
        _ => writeln!(
            s,
            "Verdict: UNFINISHED — still going at the round limit ({}) with {:.0}% of the goal done; {first}.",
            sum.rounds,
            sum.progress_share * 100.0
        ),
    };
    let mut reasons: Vec<(u32, &str)> = ExitReason::ALL
        .iter()
        .map(|&r| (sum.exits(r), r.name()))
        .filter(|(k, _)| *k > 0)
        .collect();
    reasons.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let left: u32 = reasons.iter().map(|r| r.0).sum();
    if left > 0 {
        let list: Vec<String> = reasons
            .iter()
            .map(|(k, n)| format!("{k} {}", n.replace('_', " ")))
            .collect();
        let _ = writeln!(s, "Why: {left} member(s) left ({}).", list.join(", "));
    } else {
        let _ = writeln!(s, "Why: nobody left.");
    }
    // Objection rounds and fallback votes are named only when there were
    // any (consent's and modified consensus's; every other rule has none).
    let objection = if sum.objection_rounds > 0 {
        format!(", {}", objection_text(sum.objection_rounds))
    } else {
        String::new()
    };
    let fallback = if sum.fallback_votes > 0 {
        format!(", {}", fallback_text(sum.fallback_votes))
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        "At the end: {} members (peak {}), mean trust {:.2}, alignment {:.2}; {} decisions passed, {} blocked, {}{objection}{fallback}, {} crisis(es).",
        sum.final_members,
        sum.peak_members,
        sum.final_trust,
        sum.final_alignment,
        sum.decisions_passed,
        sum.decisions_blocked,
        negotiation_text(sum.negotiation_rounds),
        sum.crises
    );
    let _ = writeln!(
        s,
        "Cost: {:.0} maintenance hours in all, {:.1} hours per member per month.",
        sum.maintenance_hours, sum.hours_per_member_month
    );
    let cmp = if sum.value_over_alone >= 0.0 {
        "better"
    } else {
        "worse"
    };
    let _ = write!(
        s,
        "Compared with each member acting alone: {cmp} by {:.3} (value {:.3} in the coalition vs {:.3} alone, goal = 1).",
        sum.value_over_alone.abs(),
        sum.value_coalition,
        sum.value_alone
    );
    s
}
