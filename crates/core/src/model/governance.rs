//! Decision rules as pure functions: does a proposal pass, and who was
//! pivotal. A closed enum ([`DecisionRule`]) matched exhaustively.

use crate::scenario::{DecisionRule, RawGovernance};

/// The counted votes on one proposal.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Tally {
    /// Votes counted as yes.
    pub yes: u32,
    /// Votes counted.
    pub total: u32,
    /// Power of the yes votes.
    pub yes_power: f64,
    /// Power of all counted votes.
    pub total_power: f64,
    /// Counted objections that block under consent (reasoned objections
    /// that the proposal harms the coalition's aim and that the circle
    /// upholds, and objections a member cannot live with).
    pub blocking: u32,
    /// Modified consensus: the issue has been blocked `fallback_after`
    /// times, so the fallback (supermajority) vote decides.
    pub fallback: bool,
    /// Consensus: voters who stood aside (counted among the yes votes).
    pub stood_aside: u32,
}

/// Whether a tally passes under `rule`. No voters: nothing passes.
///
/// - consensus (and modified consensus before its fallback): every counted
///   vote is yes, and no more than `stand_aside_limit` of the voters stood
///   aside;
/// - consent: no counted objection blocks (only reasoned objections that
///   the proposal harms the coalition's aim, upheld by the circle, and
///   objections a member cannot live with do);
/// - majority (and committee, among the committee's votes): yes > total / 2;
/// - supermajority (and modified consensus at its fallback): yes >= q · total;
/// - weighted: yes power > quota · total power.
pub fn passes(rule: DecisionRule, g: &RawGovernance, t: &Tally) -> bool {
    if t.total == 0 {
        return false;
    }
    match rule {
        DecisionRule::Consensus => consensus(g, t),
        DecisionRule::ModifiedConsensus if !t.fallback => consensus(g, t),
        DecisionRule::Consent => t.blocking == 0,
        DecisionRule::Majority | DecisionRule::Committee => 2 * t.yes > t.total,
        DecisionRule::Supermajority | DecisionRule::ModifiedConsensus => {
            t.yes as f64 >= g.supermajority * t.total as f64 - 1e-9
        }
        DecisionRule::Weighted => t.yes_power > g.weighted_quota * t.total_power + 1e-12,
    }
}

/// Consensus: every counted vote is yes, and no more than
/// `stand_aside_limit` of the voters stood aside.
fn consensus(g: &RawGovernance, t: &Tally) -> bool {
    t.yes == t.total && t.stood_aside as f64 <= g.stand_aside_limit * t.total as f64 + 1e-9
}

/// Whether flipping one voter's counted vote (with power `power`) would flip
/// the outcome of `t`.
pub fn is_pivotal(
    rule: DecisionRule,
    g: &RawGovernance,
    t: &Tally,
    voted_yes: bool,
    power: f64,
) -> bool {
    let flipped = if voted_yes {
        Tally {
            yes: t.yes - 1,
            yes_power: t.yes_power - power,
            blocking: t.blocking + 1,
            ..*t
        }
    } else {
        Tally {
            yes: t.yes + 1,
            yes_power: t.yes_power + power,
            blocking: t.blocking.saturating_sub(1),
            ..*t
        }
    };
    passes(rule, g, t) != passes(rule, g, &flipped)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(yes: u32, total: u32) -> Tally {
        Tally {
            yes,
            total,
            yes_power: yes as f64,
            total_power: total as f64,
            ..Tally::default()
        }
    }

    #[test]
    fn consensus_blocks_on_one_objection_where_majority_passes() {
        let g = RawGovernance::default();
        let t = tally(4, 5);
        assert!(!passes(DecisionRule::Consensus, &g, &t));
        assert!(passes(DecisionRule::Majority, &g, &t));
        assert!(passes(DecisionRule::Consensus, &g, &tally(5, 5)));
    }

    #[test]
    fn too_many_standing_aside_block_a_consensus_when_the_group_limits_them() {
        // Five voters, all counted yes, two of them standing aside.
        let t = Tally {
            stood_aside: 2,
            ..tally(5, 5)
        };
        let no_limit = RawGovernance::default();
        assert!(passes(DecisionRule::Consensus, &no_limit, &t));
        let limit = |share| RawGovernance {
            stand_aside_limit: share,
            ..RawGovernance::default()
        };
        // 2 of 5 is 40%: within a limit of 40%, beyond one of 25%.
        assert!(passes(DecisionRule::Consensus, &limit(0.4), &t));
        assert!(!passes(DecisionRule::Consensus, &limit(0.25), &t));
        assert!(!passes(DecisionRule::ModifiedConsensus, &limit(0.25), &t));
        // The fallback vote and the other rules ignore it.
        let fallback = Tally {
            fallback: true,
            ..t
        };
        assert!(passes(
            DecisionRule::ModifiedConsensus,
            &limit(0.25),
            &fallback
        ));
        assert!(passes(DecisionRule::Majority, &limit(0.0), &t));
    }

    #[test]
    fn majority_needs_more_than_half() {
        let g = RawGovernance::default();
        assert!(!passes(DecisionRule::Majority, &g, &tally(2, 4)));
        assert!(passes(DecisionRule::Majority, &g, &tally(3, 5)));
        assert!(!passes(DecisionRule::Majority, &g, &tally(0, 0)));
    }

    #[test]
    fn supermajority_threshold_is_inclusive() {
        let g = RawGovernance {
            supermajority: 2.0 / 3.0,
            ..RawGovernance::default()
        };
        assert!(passes(DecisionRule::Supermajority, &g, &tally(2, 3)));
        assert!(!passes(DecisionRule::Supermajority, &g, &tally(3, 5)));
        assert!(passes(DecisionRule::Supermajority, &g, &tally(4, 6)));
    }

    #[test]
    fn weighted_counts_power_not_heads() {
        let g = RawGovernance::default();
        // One big player (power 6) against four small ones (power 1 each).
        let big_alone = Tally {
            yes: 1,
            total: 5,
            yes_power: 6.0,
            total_power: 10.0,
            ..Tally::default()
        };
        assert!(passes(DecisionRule::Weighted, &g, &big_alone));
        assert!(!passes(DecisionRule::Majority, &g, &big_alone));
    }

    #[test]
    fn pivotal_voters_are_those_whose_flip_changes_the_result() {
        let g = RawGovernance::default();
        let t = tally(3, 5);
        assert!(is_pivotal(DecisionRule::Majority, &g, &t, true, 1.0));
        assert!(!is_pivotal(DecisionRule::Majority, &g, &t, false, 1.0));
        let unanimous = tally(5, 5);
        assert!(is_pivotal(
            DecisionRule::Consensus,
            &g,
            &unanimous,
            true,
            1.0
        ));
        assert!(!is_pivotal(
            DecisionRule::Majority,
            &g,
            &unanimous,
            true,
            1.0
        ));
    }
}
