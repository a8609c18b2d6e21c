//! Phase 10, end check.

use super::{Event, EventKind};
use crate::model::{Outcome, World};
use crate::scenario::Scenario;

/// In this order: goal reached → `Goal`; sunset declared → `Sunset`; fewer
/// than `min_members` members → `Dissolved`; round limit → `RoundLimit`.
pub fn end_check(w: &World, s: &Scenario, ev: &mut Vec<Event>) -> Option<Outcome> {
    let c = &w.coalition;
    let (outcome, kind) = if c.progress >= c.goal {
        (Outcome::Goal, EventKind::GoalReached)
    } else if c.sunset_declared {
        (Outcome::Sunset, EventKind::Sunset)
    } else if c.members < s.min_members as usize {
        (Outcome::Dissolved, EventKind::Dissolved)
    } else if w.round >= s.max_rounds {
        (Outcome::RoundLimit, EventKind::RoundLimit)
    } else {
        return None;
    };
    ev.push(Event {
        round: w.round,
        agent: None,
        kind,
    });
    Some(outcome)
}
