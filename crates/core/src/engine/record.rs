//! Outcome measures: one row per round, one summary per run. Flat serde
//! structs so they go straight to tidy CSV.

use serde::Serialize;

use super::RoundTally;
use crate::model::{ExitReason, Outcome, Status, World};
use crate::scenario::Scenario;

/// Rounds per month (a round is one week).
pub const ROUNDS_PER_MONTH: f64 = 52.0 / 12.0;

/// The state at the end of one round.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RoundRecord {
    pub round: u32,
    pub members: u32,
    /// Mean trust between members (ordered pairs).
    pub mean_trust: f64,
    /// Mean alignment of members (interest match × clarity).
    pub mean_alignment: f64,
    /// Mean interest match of members with the agenda.
    pub mean_support: f64,
    pub progress: f64,
    /// Progress as a share of the (current) goal.
    pub progress_share: f64,
    pub engagement: f64,
    /// Share of members at this round's check-in; empty without one.
    pub attendance: Option<f64>,
    /// Resource units delivered this round.
    pub contributions: f64,
    /// Maintenance hours spent this round, all members.
    pub hours: f64,
    pub hours_per_member: f64,
    pub decisions_passed: u32,
    pub decisions_blocked: u32,
    /// Rounds of negotiation held on this round's proposal (they take the
    /// following weeks' meetings).
    pub negotiation_rounds: u32,
    /// Consent's objection rounds held on this round's proposal (0 or 1;
    /// 0 under every other rule).
    pub objection_rounds: u32,
    /// Decisions taken this round by modified consensus's fallback vote.
    pub fallback_votes: u32,
    pub direction: f64,
    pub legitimacy: f64,
    pub hidden_objection: f64,
    /// Mean resentment of members at decisions they were outvoted on.
    pub resentment: f64,
    /// Mean buy-in of members in the decisions their work carries out.
    pub buy_in: f64,
    pub joined: u32,
    pub left: u32,
}

impl RoundRecord {
    pub fn of(w: &World, now: &RoundTally) -> RoundRecord {
        RoundRecord::with_mean_trust(w, now, None)
    }

    /// [`RoundRecord::of`] with the mean trust between members already
    /// known (`Some`, the trust phase's fused sum when no exit followed it:
    /// bit for bit [`World::mean_trust`]) or computed here (`None`).
    ///
    /// The member means are taken in one pass over the agents (support
    /// computed once per member): each mean adds the same terms in the same
    /// order as [`World::member_mean`], so the record is the same bit for
    /// bit.
    pub fn with_mean_trust(w: &World, now: &RoundTally, mean_trust: Option<f64>) -> RoundRecord {
        let c = &w.coalition;
        let members = c.members as u32;
        let mut k = 0usize;
        let [
            mut alignment,
            mut support,
            mut engagement,
            mut hidden,
            mut resentment,
            mut buy_in,
        ] = [0.0f64; 6];
        for i in 0..w.n {
            if w.status[i] != Status::Member {
                continue;
            }
            let s = w.support(i);
            alignment += s.max(0.0) * w.clarity[i];
            support += s;
            engagement += w.engagement[i];
            hidden += w.hidden[i];
            resentment += w.resentment[i];
            buy_in += w.buy_in[i];
            k += 1;
        }
        let mean = |sum: f64| if k == 0 { 0.0 } else { sum / k as f64 };
        RoundRecord {
            round: w.round,
            members,
            mean_trust: mean_trust.unwrap_or_else(|| w.mean_trust()),
            mean_alignment: mean(alignment),
            mean_support: mean(support),
            progress: c.progress,
            progress_share: (c.progress / c.goal).min(1.0),
            engagement: mean(engagement),
            attendance: if now.checkin {
                Some(now.attended as f64 / (members + now.left).max(1) as f64)
            } else {
                None
            },
            contributions: now.contributions,
            hours: now.hours,
            hours_per_member: if members + now.left > 0 {
                now.hours / (members + now.left) as f64
            } else {
                0.0
            },
            decisions_passed: now.passed,
            decisions_blocked: now.blocked,
            negotiation_rounds: now.negotiation_rounds,
            objection_rounds: now.objection_rounds,
            fallback_votes: now.fallback_votes,
            direction: c.direction,
            legitimacy: c.legitimacy,
            hidden_objection: mean(hidden),
            resentment: mean(resentment),
            buy_in: mean(buy_in),
            joined: now.joined,
            left: now.left,
        }
    }
}

/// Outcome measures of one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunSummary {
    pub outcome: &'static str,
    /// The goal was reached.
    pub success: bool,
    /// Rounds the coalition lasted.
    pub rounds: u32,
    pub first_win_round: Option<u32>,
    pub final_members: u32,
    pub peak_members: u32,
    pub joins: u32,
    pub exits_low_trust: u32,
    pub exits_low_alignment: u32,
    pub exits_low_efficacy: u32,
    pub exits_overload: u32,
    pub exits_hidden_objection: u32,
    pub exits_burnout: u32,
    pub exits_founder_departure: u32,
    pub exits_removed: u32,
    pub exits_misfit: u32,
    pub exits_outvoted: u32,
    /// Exits without a protocol (burning bridges).
    pub abrupt_exits: u32,
    pub final_trust: f64,
    pub final_alignment: f64,
    pub progress_share: f64,
    pub total_contributions: f64,
    pub maintenance_hours: f64,
    /// Maintenance hours per member per month (4.33 rounds).
    pub hours_per_member_month: f64,
    pub decisions_passed: u32,
    pub decisions_blocked: u32,
    /// Rounds of negotiation (amendment rounds) held over the run, all
    /// proposals; the consent circle's objection round is not one.
    pub negotiation_rounds: u32,
    /// Consent's objection rounds held over the run, all proposals: each
    /// time a reasoned objection was raised and the circle discussed it
    /// before its vote stood; 0 under every other rule.
    pub objection_rounds: u32,
    /// Decisions taken by modified consensus's fallback vote (a proposal
    /// counts once, however many rounds of negotiation it had); 0 under
    /// other rules.
    pub fallback_votes: u32,
    pub crises: u32,
    pub public_disagreements: u32,
    /// Mean value of the coalition to those who were ever members.
    pub value_coalition: f64,
    /// Mean value to the same agents of each acting alone.
    pub value_alone: f64,
    pub value_over_alone: f64,
    /// Equity of influence: ½ Σ |share of decisive votes − 1/m| over the m
    /// organisations that were ever members (distance from one member, one
    /// voice); empty when nobody was ever pivotal.
    pub influence_gap: Option<f64>,
    /// Member welfare: the share of members' stakes in the decisions taken
    /// (passed or blocked) that the outcome served, in [0, 1]; 0.5 (neither
    /// served nor failed) when no decision was taken.
    pub welfare: f64,
    /// Each organisation's part in the run, in the scenario's order (for
    /// `organisations.csv`; not a column of `runs.csv`).
    #[serde(skip)]
    pub organisations: Vec<OrgRun>,
}

/// One organisation's part in one run: did it join and stay, what it paid
/// in hours and resources, what the coalition was worth to it, how the
/// decisions taken while it was a member went for it, and why it left.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrgRun {
    /// A member at some point of the run (a founding member included).
    pub joined: bool,
    /// Still a member when the run ended.
    pub stayed: bool,
    /// Maintenance hours it spent (meetings, coordination, setup).
    pub hours: f64,
    /// Resources it contributed to the work.
    pub contributed: f64,
    /// The coalition's value to it before its hours: its share of the goal
    /// and first win, discounted by when they came (docs/model.md, "Value
    /// over acting alone"); 0 if it never joined.
    pub benefit: f64,
    /// Decisions whose outcome served its stake, and went against it.
    pub won: u32,
    pub lost: u32,
    pub exit: Option<ExitReason>,
}

impl RunSummary {
    /// Whether the run reached the goal with fewer than half of the most
    /// members the coalition had: more than half had left by the end
    /// (docs/validation.md, "The rump").
    pub fn split_success(&self) -> bool {
        self.success && 2 * self.final_members < self.peak_members
    }

    pub fn of(w: &World, s: &Scenario, outcome: Outcome) -> RunSummary {
        let c = &w.coalition;
        let ex = |r: ExitReason| c.exits[r.index()];
        let mut benefit = vec![0.0; w.n];
        let (value_coalition, value_alone) = values(w, s, outcome, &mut benefit);
        RunSummary {
            outcome: outcome.name(),
            success: outcome == Outcome::Goal,
            rounds: w.round,
            first_win_round: c.first_win_round,
            final_members: c.members as u32,
            peak_members: c.peak_members as u32,
            joins: c.joins,
            exits_low_trust: ex(ExitReason::LowTrust),
            exits_low_alignment: ex(ExitReason::LowAlignment),
            exits_low_efficacy: ex(ExitReason::LowEfficacy),
            exits_overload: ex(ExitReason::Overload),
            exits_hidden_objection: ex(ExitReason::HiddenObjection),
            exits_burnout: ex(ExitReason::Burnout),
            exits_founder_departure: ex(ExitReason::FounderDeparture),
            exits_removed: ex(ExitReason::Removed),
            exits_misfit: ex(ExitReason::Misfit),
            exits_outvoted: ex(ExitReason::Outvoted),
            abrupt_exits: c.abrupt_exits,
            final_trust: w.mean_trust(),
            final_alignment: w.member_mean(|i| w.alignment(i)),
            progress_share: (c.progress / c.goal).min(1.0),
            total_contributions: c.total_contribution,
            maintenance_hours: c.total_hours,
            hours_per_member_month: if c.member_rounds > 0 {
                c.total_hours / c.member_rounds as f64 * ROUNDS_PER_MONTH
            } else {
                0.0
            },
            decisions_passed: c.decisions_passed,
            decisions_blocked: c.decisions_blocked,
            negotiation_rounds: c.negotiation_rounds,
            objection_rounds: c.objection_rounds,
            fallback_votes: c.fallback_votes,
            crises: c.crises,
            public_disagreements: c.leaks,
            value_coalition,
            value_alone,
            value_over_alone: value_coalition - value_alone,
            influence_gap: influence_gap(w),
            welfare: if c.welfare_stake > 0.0 {
                c.welfare_served / c.welfare_stake
            } else {
                0.5
            },
            organisations: (0..w.n)
                .map(|i| OrgRun {
                    joined: w.status[i] != Status::Outsider,
                    stayed: w.status[i] == Status::Member,
                    hours: w.hours[i],
                    contributed: w.contributed[i],
                    benefit: benefit[i],
                    won: w.won[i],
                    lost: w.lost[i],
                    exit: w.exit_reason[i],
                })
                .collect(),
        }
    }

    /// A summary with every field set, for deriving CSV headers.
    pub fn example() -> RunSummary {
        RunSummary {
            outcome: "goal",
            success: true,
            rounds: 0,
            first_win_round: Some(0),
            final_members: 0,
            peak_members: 0,
            joins: 0,
            exits_low_trust: 0,
            exits_low_alignment: 0,
            exits_low_efficacy: 0,
            exits_overload: 0,
            exits_hidden_objection: 0,
            exits_burnout: 0,
            exits_founder_departure: 0,
            exits_removed: 0,
            exits_misfit: 0,
            exits_outvoted: 0,
            abrupt_exits: 0,
            final_trust: 0.0,
            final_alignment: 0.0,
            progress_share: 0.0,
            total_contributions: 0.0,
            maintenance_hours: 0.0,
            hours_per_member_month: 0.0,
            decisions_passed: 0,
            decisions_blocked: 0,
            negotiation_rounds: 0,
            objection_rounds: 0,
            fallback_votes: 0,
            crises: 0,
            public_disagreements: 0,
            value_coalition: 0.0,
            value_alone: 0.0,
            value_over_alone: 0.0,
            influence_gap: Some(0.0),
            welfare: 0.0,
            organisations: Vec::new(),
        }
    }

    /// Count of exits for one reason.
    pub fn exits(&self, r: ExitReason) -> u32 {
        match r {
            ExitReason::LowTrust => self.exits_low_trust,
            ExitReason::LowAlignment => self.exits_low_alignment,
            ExitReason::LowEfficacy => self.exits_low_efficacy,
            ExitReason::Overload => self.exits_overload,
            ExitReason::HiddenObjection => self.exits_hidden_objection,
            ExitReason::Burnout => self.exits_burnout,
            ExitReason::FounderDeparture => self.exits_founder_departure,
            ExitReason::Removed => self.exits_removed,
            ExitReason::Misfit => self.exits_misfit,
            ExitReason::Outvoted => self.exits_outvoted,
        }
    }
}

/// Mean over ever-members of the coalition's value and of the value of each
/// acting alone (docs/model.md, "Value over acting alone"); each
/// ever-member's benefit (its value before its hours) into `benefit`.
fn values(w: &World, s: &Scenario, outcome: Outcome, benefit: &mut [f64]) -> (f64, f64) {
    let dy = &s.dynamics;
    let c = &w.coalition;
    let rivalry = s.goal.rivalry;
    let first_frac = s.goal.milestones.first().copied();
    let ever: Vec<usize> = (0..w.n)
        .filter(|&i| w.status[i] != Status::Outsider)
        .collect();
    if ever.is_empty() {
        return (0.0, 0.0);
    }
    let disc = |i: usize, t: u32| (1.0 - dy.discount * w.urgency[i]).powi(t as i32);
    let solo_time = |i: usize, amount: f64| {
        let r = w.solo_pace[i];
        if r > 0.0 {
            (amount / r).ceil()
        } else {
            f64::INFINITY
        }
    };
    // Under rivalry only the fastest agent acting alone takes the prize.
    let fastest = ever.iter().copied().min_by(|&a, &b| {
        solo_time(a, s.goal.size)
            .total_cmp(&solo_time(b, s.goal.size))
            .then(a.cmp(&b))
    });
    let total_contrib: f64 = ever.iter().map(|&i| w.contributed[i]).sum();
    let (mut coal, mut alone) = (0.0, 0.0);
    for &i in &ever {
        let share = if total_contrib > 0.0 {
            w.contributed[i] / total_contrib
        } else {
            0.0
        };
        let payoff = (1.0 - rivalry) * w.interest_match(i).max(0.0) + rivalry * share;
        let mut v = -dy.hour_value * w.hours[i];
        if outcome == Outcome::Goal {
            let x = payoff * disc(i, w.round);
            v += x;
            benefit[i] += x;
        }
        if let Some(t) = c.first_win_round {
            let x = s.goal.milestone_value * payoff * disc(i, t);
            v += x;
            benefit[i] += x;
        }
        coal += v;

        let own = (1.0 - rivalry) + rivalry * if Some(i) == fastest { 1.0 } else { 0.0 };
        let t_goal = solo_time(i, s.goal.size);
        let mut a = 0.0;
        if t_goal <= s.max_rounds as f64 {
            a += own * disc(i, t_goal as u32);
        }
        if let Some(f) = first_frac {
            let t_m = solo_time(i, f * s.goal.size);
            if t_m <= s.max_rounds as f64 {
                a += s.goal.milestone_value * own * disc(i, t_m as u32);
            }
        }
        alone += a;
    }
    let k = ever.len() as f64;
    (coal / k, alone / k)
}

/// Equity of influence: how far the members' shares of decisive
/// (pivotal) votes are from one member, one voice, ½ Σ_i |π_i − 1/m| over
/// the m organisations that were ever members (0 = every member decisive
/// equally often; 1 − 1/m = one member cast every decisive vote). `None`
/// when nobody was ever pivotal.
fn influence_gap(w: &World) -> Option<f64> {
    let ever: Vec<usize> = (0..w.n)
        .filter(|&i| w.status[i] != Status::Outsider)
        .collect();
    let pivots: u32 = ever.iter().map(|&i| w.pivotal[i]).sum();
    if pivots == 0 {
        return None;
    }
    let shares: Vec<f64> = ever
        .iter()
        .map(|&i| w.pivotal[i] as f64 / pivots as f64)
        .collect();
    Some(crate::power::distance_from_equal(&shares))
}
