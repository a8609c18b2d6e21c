//! What happened in a round, as data. The engine records events; the
//! narrative and `events.csv` turn them into words at the edge.

use crate::model::ExitReason;

/// The kinds of external shock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShockKind {
    /// A new competitor: legitimacy and efficacy fall.
    Competitor,
    /// A policy shift: positions on one issue move, urgency fades.
    PolicyShift,
    /// A leadership change in one member organisation.
    LeadershipChange,
}

impl ShockKind {
    pub const ALL: [ShockKind; 3] = [
        ShockKind::Competitor,
        ShockKind::PolicyShift,
        ShockKind::LeadershipChange,
    ];

    /// The kind named by [`name`](Self::name).
    pub fn from_name(s: &str) -> Option<ShockKind> {
        ShockKind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn name(self) -> &'static str {
        match self {
            ShockKind::Competitor => "competitor",
            ShockKind::PolicyShift => "policy_shift",
            ShockKind::LeadershipChange => "leadership_change",
        }
    }
}

/// One thing that happened.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum EventKind {
    /// Joined, reached through `via` (the member who brought it in).
    Joined {
        via: usize,
    },
    /// A candidate wanted in but the members voted no.
    AdmissionRefused,
    /// Left (or was removed). `trust` and `alignment` are its values then.
    Left {
        reason: ExitReason,
        graceful: bool,
        trust: f64,
        alignment: f64,
        commitment: f64,
    },
    /// Governance setup began; `crisis` when forced by a conflict.
    SetupStarted {
        crisis: bool,
        until: u32,
    },
    /// The rule is in force; the agenda was re-mapped to members' interests.
    GovernanceEstablished,
    /// A voiced objection with no agreed process: a crisis.
    Crisis {
        proposer: usize,
        objectors: u32,
    },
    /// A vote on a proposal.
    Decision {
        proposer: usize,
        issue: usize,
        passed: bool,
        good: bool,
        yes: u32,
        voters: u32,
        voiced_objections: u32,
        silent_objections: u32,
    },
    /// A decision meeting fell short of the quorum: no vote was taken and
    /// the matter waits. `present` of the `voters` members with a vote came.
    Inquorate {
        present: u32,
        voters: u32,
    },
    /// A disagreement went public.
    Leak,
    Milestone {
        index: usize,
    },
    Shock {
        kind: ShockKind,
    },
    CheckIn {
        attended: u32,
        members: u32,
        juniors: u32,
    },
    /// A member who missed two rounds was checked in with privately.
    PrivateCheckIn,
    /// Engagement fell below the junior-representative threshold.
    JuniorRepresentative,
    Renewal,
    /// The scope grew by one issue.
    Expansion {
        issue: usize,
        realigned: bool,
    },
    /// The members, re-aligning, voted the expansion down.
    ExpansionDeclined {
        issue: usize,
    },
    /// A leader left and took know-how with it.
    LeadershipLoss {
        share: f64,
    },
    GoalReached,
    Sunset,
    Dissolved,
    RoundLimit,
}

/// An event in a round, possibly about one agent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event {
    pub round: u32,
    pub agent: Option<usize>,
    pub kind: EventKind,
}

impl EventKind {
    /// snake_case name for CSV.
    pub fn name(&self) -> &'static str {
        match self {
            EventKind::Joined { .. } => "joined",
            EventKind::AdmissionRefused => "admission_refused",
            EventKind::Left { reason, .. } => {
                if *reason == ExitReason::Removed {
                    "removed"
                } else {
                    "left"
                }
            }
            EventKind::SetupStarted { .. } => "setup_started",
            EventKind::GovernanceEstablished => "governance_established",
            EventKind::Crisis { .. } => "crisis",
            EventKind::Decision { passed: true, .. } => "decision_passed",
            EventKind::Decision { passed: false, .. } => "decision_blocked",
            EventKind::Inquorate { .. } => "inquorate",
            EventKind::Leak => "public_disagreement",
            EventKind::Milestone { .. } => "milestone",
            EventKind::Shock { .. } => "shock",
            EventKind::CheckIn { .. } => "check_in",
            EventKind::PrivateCheckIn => "private_check_in",
            EventKind::JuniorRepresentative => "junior_representative",
            EventKind::Renewal => "renewal",
            EventKind::Expansion { .. } => "scope_expansion",
            EventKind::ExpansionDeclined { .. } => "scope_expansion_declined",
            EventKind::LeadershipLoss { .. } => "leadership_loss",
            EventKind::GoalReached => "goal_reached",
            EventKind::Sunset => "sunset",
            EventKind::Dissolved => "dissolved",
            EventKind::RoundLimit => "round_limit",
        }
    }
}
