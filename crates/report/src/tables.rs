//! CSV tables: flat serde rows to any writer.

use std::io::Write;

use serde::Serialize;

use crate::narrative::reason_text;
use coalsim_core::engine::{Event, EventKind};
use coalsim_core::model::World;

/// `#[serde(serialize_with = "coalsim_core::stats::blank_nan")]`: an
/// undefined interval bound as an empty CSV cell and a JSON `null`.
pub use coalsim_core::stats::blank_nan;

/// A number as a CSV cell: empty when it is not finite (an interval bound
/// that is undefined from fewer than two runs).
pub fn cell(x: f64) -> String {
    if x.is_finite() {
        x.to_string()
    } else {
        String::new()
    }
}

/// Writes rows with a header from the row type's field names.
pub fn write_rows<W: Write, T: Serialize>(out: W, rows: &[T]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    for r in rows {
        w.serialize(r)?;
    }
    w.flush()?;
    Ok(())
}

/// One row of `events.csv`.
#[derive(Debug, Clone, Serialize)]
pub struct EventRow {
    pub round: u32,
    pub kind: &'static str,
    /// The agent concerned (empty when the event is about the coalition).
    pub agent: String,
    /// Why (exit reasons, shock kinds), snake_case.
    pub reason: String,
    /// Details in words.
    pub details: String,
}

impl EventRow {
    pub fn of(e: &Event, w: &World) -> EventRow {
        let agent = e.agent.map(|i| w.names[i].clone()).unwrap_or_default();
        let (reason, details) = match e.kind {
            EventKind::Joined { via } => {
                (String::new(), format!("reached through {}", w.names[via]))
            }
            EventKind::AdmissionRefused => (String::new(), "members voted no".into()),
            EventKind::Left {
                reason,
                graceful,
                trust,
                alignment,
                commitment,
            } => (
                reason.name().to_string(),
                format!(
                    "{}; {}; trust {trust:.3}, alignment {alignment:.3}, commitment {commitment:.3}",
                    reason_text(reason, trust, alignment, commitment),
                    if graceful { "graceful" } else { "abrupt" }
                ),
            ),
            EventKind::SetupStarted { crisis, until } => (
                if crisis { "crisis" } else { "early" }.into(),
                format!("setup until round {until}"),
            ),
            EventKind::GovernanceEstablished => {
                (String::new(), "rule in force; agenda re-mapped".into())
            }
            EventKind::Crisis {
                proposer,
                objectors,
            } => (
                "no_governance".into(),
                format!(
                    "{objectors} objection(s) to {}'s proposal",
                    w.names[proposer]
                ),
            ),
            EventKind::Decision {
                issue,
                good,
                yes,
                voters,
                voiced_objections,
                silent_objections,
                ..
            } => (
                String::new(),
                format!(
                    "issue {issue}; {} proposal; {yes} of {voters} counted yes; {voiced_objections} voiced and {silent_objections} silent objection(s)",
                    if good { "good" } else { "bad" }
                ),
            ),
            EventKind::Inquorate { present, voters } => (
                "quorum".into(),
                format!("{present} of {voters} members with a vote present; no vote taken"),
            ),
            EventKind::Leak => ("no_spokesperson".into(), "disagreement went public".into()),
            EventKind::Milestone { index } => (String::new(), format!("milestone {}", index + 1)),
            EventKind::Shock { kind } => (kind.name().into(), String::new()),
            EventKind::CheckIn {
                attended,
                members,
                juniors,
            } => (
                String::new(),
                format!("{attended} of {members} attended; {juniors} junior representative(s)"),
            ),
            EventKind::PrivateCheckIn => ("missed_two_rounds".into(), String::new()),
            EventKind::JuniorRepresentative => ("low_engagement".into(), String::new()),
            EventKind::Renewal => (String::new(), String::new()),
            EventKind::Expansion { issue, realigned } => (
                if realigned {
                    "realigned"
                } else {
                    "not_realigned"
                }
                .into(),
                format!("issue {issue} added to the scope"),
            ),
            EventKind::ExpansionDeclined { issue } => (
                "members_voted_no".into(),
                format!("issue {issue} not added"),
            ),
            EventKind::LeadershipLoss { share } => {
                (String::new(), format!("leadership share {share:.3}"))
            }
            EventKind::GoalReached
            | EventKind::Sunset
            | EventKind::Dissolved
            | EventKind::RoundLimit => (String::new(), String::new()),
        };
        EventRow {
            round: e.round,
            kind: e.kind.name(),
            agent,
            reason,
            details,
        }
    }
}
