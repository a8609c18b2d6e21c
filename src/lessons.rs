//! The lesson library: every lesson of the source texts as a scenario file
//! with variants, and the claim the texts make about them.
//!
//! A claim is a hypothesis about the direction of an effect (e.g. "the
//! urgency trap lowers the success probability"); `coalsim lesson` and the
//! lesson tests measure it with common random numbers and a paired
//! interval. The effect itself comes from the mechanisms; nothing here
//! touches the engine.

/// What the texts claim about a lesson's variants.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Claim {
    /// Variant `variant` has a higher (or lower) `measure` than variant 0.
    Paired {
        measure: &'static str,
        variant: usize,
        higher: bool,
    },
    /// In variant `variant`, each member acting alone beats the coalition:
    /// the mean value over acting alone is below zero.
    AloneBetter { variant: usize },
}

/// One lesson.
#[derive(Debug, Clone, Copy)]
pub struct Lesson {
    pub name: &'static str,
    /// Where the texts say it (section title).
    pub section: &'static str,
    /// The scenario file, embedded.
    pub toml: &'static str,
    pub claims: &'static [Claim],
}

macro_rules! lesson {
    ($name:literal, $section:literal, [$($claim:expr),+ $(,)?]) => {
        Lesson {
            name: $name,
            section: $section,
            toml: include_str!(concat!("../scenarios/", $name, ".toml")),
            claims: &[$($claim),+],
        }
    };
}

const fn lower(measure: &'static str, variant: usize) -> Claim {
    Claim::Paired {
        measure,
        variant,
        higher: false,
    }
}

/// Every lesson, in teaching order.
pub const LESSONS: &[Lesson] = &[
    lesson!(
        "narrow-first-win",
        "Start with a Clear, Narrow Win",
        [lower("success", 1)]
    ),
    lesson!("urgency-trap", "The Urgency Trap", [lower("success", 1)]),
    lesson!(
        "communication-routines",
        "Invest in Communication Routines",
        [lower("success", 1), lower("hours_per_member_month", 1)]
    ),
    lesson!(
        "exit-planning",
        "Plan for Exit",
        [lower("peak_members", 1), lower("total_contributions", 1)]
    ),
    lesson!(
        "consensus-illusion",
        "The Consensus Illusion",
        [lower("success", 1)]
    ),
    lesson!(
        "mission-creep",
        "Mission Creep Without Re-Alignment",
        [lower("success", 1)]
    ),
    lesson!(
        "founders-syndrome",
        "Founder's Syndrome",
        [lower("success", 1)]
    ),
    lesson!(
        "drift-and-renewal",
        "Maintenance, Drift, and Long-Term Costs; Renewal Rituals",
        [lower("success", 1)]
    ),
    lesson!(
        "too-many-members",
        "Can a coalition have too many members?",
        [lower("hours_per_member_month", 1)]
    ),
    lesson!(
        "overlapping-interests",
        "Shared Goals vs. Overlapping Interests",
        [lower("success", 1)]
    ),
    lesson!(
        "alignment-vs-trust",
        "Foundations That Leaders Often Confuse",
        [lower("success", 1), lower("success", 2)]
    ),
    lesson!(
        "power-too-unequal",
        "When Power Is Too Unequal",
        [Claim::AloneBetter { variant: 0 }]
    ),
    lesson!(
        "zero-sum-goal",
        "When the Goal Is Zero-Sum",
        [Claim::AloneBetter { variant: 0 }]
    ),
    lesson!(
        "speed-critical",
        "When Speed Is Critical",
        [Claim::AloneBetter { variant: 0 }]
    ),
    lesson!(
        "broken-trust",
        "When Trust Is Irreparably Broken",
        [Claim::AloneBetter { variant: 0 }]
    ),
    lesson!(
        "first-members",
        "How do I recruit the first members?",
        [lower("peak_members", 1)]
    ),
    lesson!(
        "consensus-vs-majority",
        "Build a Governance Structure Early (consensus vs. majority)",
        [lower("decisions_passed", 1)]
    ),
    lesson!(
        "non-contributors",
        "What if a member stops contributing?",
        [lower("final_trust", 1)]
    ),
    lesson!(
        "public-disagreement",
        "How do we handle disagreements publicly?",
        [lower("success", 1)]
    ),
    lesson!(
        "housing-ordinance",
        "Classroom case: a city's housing ordinance",
        [lower("success", 1)]
    ),
];

/// Finds a lesson by name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.name == name)
}
