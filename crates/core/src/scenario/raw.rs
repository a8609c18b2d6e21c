//! The scenario file as written: serde types with a default for every field.
//!
//! A file need only state what differs from these defaults; unknown fields are
//! refused (`deny_unknown_fields`) so a typo never silently falls back to a
//! default. Ranges are checked afterwards, in [`super::validate`].

use serde::{Deserialize, Serialize};

/// Keys that no longer exist, each with what replaced it: a file that sets
/// one is refused with this explanation (a key keeps its meaning or is
/// refused; it is never silently ignored).
pub const RETIRED_KEYS: &[(&str, &str)] = &[
    (
        "win_efficacy",
        "`dynamics.win_efficacy` (a fixed efficacy boost at a milestone) was replaced by `dynamics.result_weight`: at a milestone efficacy and legitimacy move that share of the way toward the coalition's pace (between results efficacy relaxes toward the pace they showed at `dynamics.impatience` × urgency)",
    ),
    (
        "win_trust",
        "`dynamics.win_trust` (a fixed trust and legitimacy boost at a milestone) was replaced by what a result shows: trust moves toward each member's follow-through record by `dynamics.transparency` and legitimacy toward the coalition's pace by `dynamics.result_weight`",
    ),
];

/// Decision rule used when the coalition votes on a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionRule {
    /// Unanimity: one counted objection blocks.
    Consensus,
    /// More than half of the counted votes.
    Majority,
    /// At least `supermajority` of the counted votes.
    Supermajority,
    /// Power-weighted majority: yes-power above `weighted_quota` of all power.
    Weighted,
    /// A steering committee of `committee_size` members decides by majority.
    Committee,
    /// Consensus with a fallback vote: a proposal on an issue blocked
    /// `fallback_after` times goes to a `supermajority` vote.
    ModifiedConsensus,
    /// Consent (sociocracy): a reasoned objection that the proposal harms
    /// the coalition's aim blocks (when the circle, having heard it in an
    /// objection round, sees the harm), and so
    /// does one a member cannot live with (its own loss at least
    /// `block_threshold`); a milder personal preference does not.
    Consent,
}

impl DecisionRule {
    /// Every rule, in the order the docs list them.
    pub const ALL: [DecisionRule; 7] = [
        DecisionRule::Consensus,
        DecisionRule::Majority,
        DecisionRule::Supermajority,
        DecisionRule::Weighted,
        DecisionRule::Committee,
        DecisionRule::ModifiedConsensus,
        DecisionRule::Consent,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            DecisionRule::Consensus => "consensus",
            DecisionRule::Majority => "majority",
            DecisionRule::Supermajority => "supermajority",
            DecisionRule::Weighted => "weighted",
            DecisionRule::Committee => "committee",
            DecisionRule::ModifiedConsensus => "modified_consensus",
            DecisionRule::Consent => "consent",
        }
    }
}

/// Who votes on a proposal. Robert's Rules of Order takes decisions at
/// meetings, among the members present, with a quorum against an
/// unrepresentative few; many coalitions instead consult every member
/// (a round of calls, an online poll).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Voting {
    /// Every member with a vote is consulted on every proposal.
    Everyone,
    /// Proposals are voted at a decision meeting: each member with a vote
    /// is present with probability equal to its engagement; an absent
    /// member is bound by the outcome as a member without a vote.
    Attendees,
}

impl Voting {
    /// Every way of voting, in the order the docs list them.
    pub const ALL: [Voting; 2] = [Voting::Everyone, Voting::Attendees];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Voting::Everyone => "everyone",
            Voting::Attendees => "attendees",
        }
    }
}

/// Who meets whom to coordinate the work (the meeting structure), apart
/// from how decisions are taken. The practitioner's guide, FAQ "Can a
/// coalition have too many members?": "Consider creating a steering
/// committee or breaking into sub-groups."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Coordination {
    /// Everyone meets everyone: one group of all members.
    Everyone,
    /// A steering committee of `committee_size` coordinates; every other
    /// member works with one committee member (its liaison) and the others
    /// that liaison looks after.
    Committee,
    /// Sub-groups of at most `subgroup_size` members meet on their own;
    /// one delegate per sub-group meets the other delegates.
    Subgroups,
}

impl Coordination {
    /// Every structure, in the order the docs list them.
    pub const ALL: [Coordination; 3] = [
        Coordination::Everyone,
        Coordination::Committee,
        Coordination::Subgroups,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Coordination::Everyone => "everyone",
            Coordination::Committee => "committee",
            Coordination::Subgroups => "subgroups",
        }
    }
}

/// How a proposer chooses its proposal (docs/model.md, "Sounding out the
/// vote").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Proposals {
    /// Every proposal is a step of `proposal_step` toward its proposer,
    /// whatever the vote will say.
    Positional,
    /// The proposer sounds out the vote first and puts the largest of the
    /// steps `proposal_step` × {1, 1/2, 1/4, 0} it expects to pass under the
    /// coalition's rule (0: a matter of common interest, decided on merit),
    /// spending `sounding_hours` with each member whose vote the rule needs.
    Sounded,
}

impl Proposals {
    /// Every way of proposing, in the order the docs list them.
    pub const ALL: [Proposals; 2] = [Proposals::Positional, Proposals::Sounded];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Proposals::Positional => "positional",
            Proposals::Sounded => "sounded",
        }
    }
}

/// When the governance structure is agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setup {
    /// Budget time for setup from round 1 (the pattern that works).
    Early,
    /// Skip setup and start executing; set up only when a conflict forces it
    /// (the urgency trap).
    OnConflict,
}

/// How new members are admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Admission {
    /// Anyone reached who wants to join, joins.
    Open,
    /// The members vote on each candidate under the decision rule.
    Vote,
    /// No new members.
    Closed,
}

/// What happens when a member leaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitProtocol {
    /// A dignified process: shared work protected, little trust damage, no
    /// barrier to leaving.
    Graceful,
    /// No process: leaving burns bridges, so members who would leave stay on
    /// disengaged until they break off abruptly.
    None,
}

/// The whole scenario file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawScenario {
    /// Short name, used in plot titles and summaries.
    pub name: String,
    /// One or two sentences on what the scenario is.
    pub description: String,
    /// The lesson this scenario teaches, in one sentence (may be empty).
    pub lesson: String,
    /// Seed used when the command line gives none.
    pub seed: u64,
    /// Round limit (a round is one week).
    pub max_rounds: u32,
    /// The coalition dissolves when fewer members than this remain.
    pub min_members: u32,
    /// Number of issues D on which agents hold positions.
    pub issues: u32,
    /// What each issue is, in a few words, by issue index ("rent
    /// stabilisation"): a position of +1 is strongly for it, -1 strongly
    /// against. Optional; the class game tells a student's interests in
    /// these words ("issue 1" when absent).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issue_names: Vec<String>,
    pub goal: RawGoal,
    pub governance: RawGovernance,
    pub shocks: RawShocks,
    pub trust: RawTrust,
    pub population: RawPopulation,
    /// Agents given one by one. They come first; `population.count` more are
    /// generated after them.
    pub agent: Vec<RawAgent>,
    pub dynamics: Dynamics,
    /// Named variants of this scenario, compared by `sweep` and `lesson`.
    pub variant: Vec<RawVariant>,
    /// What `coalsim explore` varies when the command line does not say.
    #[serde(skip_serializing_if = "RawExplore::is_empty")]
    pub explore: RawExplore,
}

impl Default for RawScenario {
    fn default() -> Self {
        RawScenario {
            name: "unnamed scenario".into(),
            description: String::new(),
            lesson: String::new(),
            seed: 1,
            max_rounds: 104,
            min_members: 2,
            issues: 3,
            issue_names: Vec::new(),
            goal: RawGoal::default(),
            governance: RawGovernance::default(),
            shocks: RawShocks::default(),
            trust: RawTrust::default(),
            population: RawPopulation::default(),
            agent: Vec::new(),
            dynamics: Dynamics::default(),
            variant: Vec::new(),
            explore: RawExplore::default(),
        }
    }
}

/// What the coalition is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawGoal {
    /// Progress units needed to reach the goal.
    pub size: f64,
    /// Intermediate milestones as fractions of `size`, ascending; the first
    /// is the coalition's first win. Empty = one big goal.
    pub milestones: Vec<f64>,
    /// Issues the coalition acts on at the start (0-based indices).
    pub scope: Vec<u32>,
    /// 0 = a public good every supporter enjoys in full; 1 = a zero-sum prize
    /// split by contribution share.
    pub rivalry: f64,
    /// Rounds at which the scope expands by one more issue (mission creep).
    pub expansion_rounds: Vec<u32>,
    /// Each expansion adds this fraction of the original size to the goal.
    pub expansion_size: f64,
    /// Value of the first win to a member, as a fraction of the goal's value.
    pub milestone_value: f64,
}

impl Default for RawGoal {
    fn default() -> Self {
        RawGoal {
            size: 80.0,
            milestones: vec![0.1],
            scope: vec![0],
            rivalry: 0.0,
            expansion_rounds: Vec::new(),
            expansion_size: 0.5,
            milestone_value: 0.1,
        }
    }
}

/// The coalition's governance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawGovernance {
    pub decision_rule: DecisionRule,
    /// Threshold of the supermajority rule, in (0.5, 1].
    pub supermajority: f64,
    /// Share of total voting power that a weighted decision must exceed.
    pub weighted_quota: f64,
    /// Size of the steering committee (`committee` rule and `committee`
    /// coordination).
    pub committee_size: u32,
    /// Who meets whom to coordinate the work. Unset: `committee` under the
    /// `committee` decision rule (which has always meant both), `everyone`
    /// otherwise; validation fills it in, so `coalsim check` prints it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub coordination: Option<Coordination>,
    /// Largest sub-group under `coordination = "subgroups"`.
    pub subgroup_size: u32,
    /// Who votes: every member (`everyone`) or those present at the
    /// decision meeting (`attendees`).
    pub voting: Voting,
    /// Under `voting = "attendees"`: the least share of the members with a
    /// vote who must be present for a vote to be taken; 0 = no quorum. An
    /// inquorate meeting takes no vote and the matter waits.
    pub quorum: f64,
    pub setup: Setup,
    /// Rounds of setup work at a reference mean trust of 0.5.
    pub setup_rounds: u32,
    pub admission: Admission,
    /// Size limit; 0 = none.
    pub max_members: u32,
    /// Remove a member after this many consecutive rounds without delivering;
    /// 0 = no removal process.
    pub remove_after: u32,
    /// Check in privately with a member who missed two rounds in a row.
    pub private_checkin: bool,
    pub exit_protocol: ExitProtocol,
    /// Check-in cadence in rounds; 0 = no check-ins.
    pub checkin_every: u32,
    /// Hours each attending member spends per check-in (meeting plus prep).
    pub checkin_hours: f64,
    /// Renewal ritual cadence in rounds; 0 = none.
    pub renewal_every: u32,
    /// Hours each member spends per renewal ritual.
    pub renewal_hours: f64,
    /// Formally end with declared success when the first win is in and the
    /// goal is out of reach or engagement has faded.
    pub sunset: bool,
    /// A designated spokesperson keeps internal disagreement internal.
    pub spokesperson: bool,
    /// The consensus illusion: objections nobody voices count as consent.
    pub silence_as_consent: bool,
    /// Revisit the purpose when the scope expands, letting misfits leave.
    pub realign_on_expansion: bool,
    /// Proposals rotate among members instead of coming from the powerful.
    pub rotate_agenda: bool,
    /// Processes are documented, so a departing leader's know-how stays.
    pub documented_processes: bool,
    /// Rounds between new matters for decision (one negotiation round a
    /// week; matters wait in a backlog while earlier ones are negotiated).
    pub decision_every: u32,
    /// Modified consensus: blocks on one issue before the fallback vote.
    pub fallback_after: u32,
    /// Consensus and modified consensus (before its fallback): the largest
    /// share of the voters who may stand aside for a proposal to pass; more
    /// standing aside blocks it, as formal consensus processes provide
    /// ("if several stand aside, the proposal is not ready"). 1 = no limit.
    pub stand_aside_limit: f64,
    /// Rounds between sunset reviews when there are no renewal rituals
    /// (with renewals, each renewal is a review).
    pub review_every: u32,
}

impl Default for RawGovernance {
    fn default() -> Self {
        RawGovernance {
            decision_rule: DecisionRule::Majority,
            supermajority: 0.67,
            weighted_quota: 0.5,
            committee_size: 5,
            coordination: None,
            subgroup_size: 6,
            voting: Voting::Everyone,
            quorum: 0.0,
            setup: Setup::Early,
            setup_rounds: 2,
            admission: Admission::Open,
            max_members: 0,
            remove_after: 0,
            private_checkin: true,
            exit_protocol: ExitProtocol::Graceful,
            checkin_every: 2,
            checkin_hours: 1.5,
            renewal_every: 0,
            renewal_hours: 3.0,
            sunset: false,
            spokesperson: true,
            silence_as_consent: false,
            realign_on_expansion: true,
            rotate_agenda: false,
            documented_processes: false,
            decision_every: 2,
            fallback_after: 2,
            stand_aside_limit: 1.0,
            review_every: 13,
        }
    }
}

/// External shocks: the drift the coalition does not control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawShocks {
    /// Probability per round of a shock.
    pub rate: f64,
    /// Strength of a shock, in [0, 1].
    pub size: f64,
    /// Round at which the (first) founder leaves; 0 = never forced.
    pub founder_leaves_at: u32,
    /// Relative frequency of a new competitor among shocks.
    pub competitor_weight: f64,
    /// Relative frequency of a policy shift among shocks.
    pub policy_weight: f64,
    /// Relative frequency of a leadership change in a member among shocks.
    pub leadership_weight: f64,
    /// Share of the shock size felt as its secondary effect: a
    /// competitor's cut to legitimacy and efficacy, a policy shift's cut to
    /// urgency.
    pub secondary: f64,
    /// How far a leadership change moves the member's positions toward a
    /// fresh draw and everyone's trust in it toward strangers' trust.
    pub turnover: f64,
}

impl Default for RawShocks {
    fn default() -> Self {
        RawShocks {
            rate: 0.03,
            size: 0.3,
            founder_leaves_at: 0,
            competitor_weight: 1.0,
            policy_weight: 1.0,
            leadership_weight: 1.0,
            secondary: 0.5,
            turnover: 0.5,
        }
    }
}

/// Initial trust and how trust moves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawTrust {
    /// Initial trust between agents with a prior relationship.
    pub related: f64,
    /// Initial trust between strangers.
    pub strangers: f64,
    /// Half-width of the uniform noise added to initial trust.
    pub spread: f64,
    /// Gain on observed follow-through: T += gain (1 - T).
    pub gain: f64,
    /// Loss on observed shirking: T -= loss T.
    pub loss: f64,
    /// How relationships are held: `dense` (every agent has a trust in
    /// every other, and every member observes every other member),
    /// `sparse` (trust only between those who know each other; a member
    /// observes those it knows, its meeting's members and a sample of
    /// others), or `auto` (dense up to [`SPARSE_ABOVE`] agents, sparse
    /// above). See docs/model.md, "Sparse relationships".
    #[serde(skip_serializing_if = "Relationships::is_auto")]
    pub relationships: Relationships,
    /// Sparse relationships: members drawn at random each round by each
    /// member to come to know (a stranger among them becomes an
    /// acquaintance while both hold fewer than `acquaintances`
    /// relationships).
    #[serde(skip_serializing_if = "is_default_sample")]
    pub sample: u32,
    /// Sparse relationships: most relationships a member holds before a
    /// random encounter stops making new ones (prior relationships and
    /// those met in meetings are always kept).
    #[serde(skip_serializing_if = "is_default_acquaintances")]
    pub acquaintances: u32,
}

/// Agents above which `trust.relationships = "auto"` is sparse: the old
/// bound on a scenario's size, so every coalition that could be run before
/// sparse relationships existed keeps the dense model.
pub const SPARSE_ABOVE: usize = 2000;

/// Default of `trust.sample`.
pub const DEFAULT_SAMPLE: u32 = 2;
/// Default of `trust.acquaintances`.
pub const DEFAULT_ACQUAINTANCES: u32 = 40;

fn is_default_sample(x: &u32) -> bool {
    *x == DEFAULT_SAMPLE
}

fn is_default_acquaintances(x: &u32) -> bool {
    *x == DEFAULT_ACQUAINTANCES
}

/// How relationships (trust between agents) are held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationships {
    /// Every pair: an N × N trust matrix.
    Dense,
    /// Only pairs that know each other; strangers at `trust.strangers`.
    Sparse,
    /// Dense up to [`SPARSE_ABOVE`] agents, sparse above.
    #[default]
    Auto,
}

impl Relationships {
    fn is_auto(&self) -> bool {
        *self == Relationships::Auto
    }

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            Relationships::Dense => "dense",
            Relationships::Sparse => "sparse",
            Relationships::Auto => "auto",
        }
    }
}

impl Default for RawTrust {
    fn default() -> Self {
        RawTrust {
            related: 0.65,
            strangers: 0.4,
            spread: 0.1,
            gain: 0.04,
            loss: 0.12,
            relationships: Relationships::Auto,
            sample: DEFAULT_SAMPLE,
            acquaintances: DEFAULT_ACQUAINTANCES,
        }
    }
}

/// A range `[lo, hi]`: exactly two numbers (a third is refused, not
/// dropped).
fn range_pair<'de, D: serde::Deserializer<'de>>(d: D) -> Result<[f64; 2], D::Error> {
    let v: Vec<f64> = Vec::deserialize(d)?;
    <[f64; 2]>::try_from(v.as_slice()).map_err(|_| {
        serde::de::Error::custom(format!(
            "{} values; allowed: a range [lo, hi] of two numbers",
            v.len()
        ))
    })
}

/// A generated population: a count and uniform ranges `[lo, hi]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawPopulation {
    /// Generated agents (after any named `[[agent]]`).
    pub count: u32,
    /// Generated agents that are founders (the first ones generated).
    pub founders: u32,
    /// Generated agents that start as members, founders included.
    pub initial_members: u32,
    #[serde(deserialize_with = "range_pair")]
    pub resources: [f64; 2],
    #[serde(deserialize_with = "range_pair")]
    pub credibility: [f64; 2],
    #[serde(deserialize_with = "range_pair")]
    pub urgency: [f64; 2],
    #[serde(deserialize_with = "range_pair")]
    pub reliability: [f64; 2],
    #[serde(deserialize_with = "range_pair")]
    pub engagement: [f64; 2],
    #[serde(deserialize_with = "range_pair")]
    pub judgment: [f64; 2],
    /// Positions on every issue are drawn from this range.
    #[serde(deserialize_with = "range_pair")]
    pub position: [f64; 2],
    /// Splits agents into two camps: the second camp's positions are
    /// shifted by -divide, the first's by +divide (then clamped to [-1, 1]).
    pub divide: f64,
    /// Share of the generated agents in the second camp, spread evenly
    /// through the order (0.5 = two equal camps, every odd agent; 0.25 = a
    /// minority bloc of a quarter).
    pub camp_share: f64,
    /// How unequally resources are spread: the Gini coefficient of a
    /// lognormal factor each generated agent's resources are multiplied by
    /// (0 = only the `resources` range; 0.5 = a few members bring several
    /// times the average; 0.8 = one or two bring most).
    pub resource_concentration: f64,
    /// Whether resources go with a position: the correlation between an
    /// agent's resources and its position on the coalition's cause (the
    /// first issue in scope), -1 to 1. Positive: the best-resourced stand at
    /// the high end (with `divide`, in the + camp); 0: unrelated.
    pub resource_position: f64,
    /// How far each member's share of the coalition's work follows its
    /// resources: 1 = the work is bought with what members bring (a member
    /// with twice the resources does twice the work); 0 = each member's own
    /// people do an equal share, whatever its budget. Power (weighted votes,
    /// the agenda) follows resources either way.
    pub work_follows_resources: f64,
    /// Salience concentration: 0 = all issues matter equally, larger = each
    /// agent cares mostly about one issue.
    pub focus: f64,
    /// Probability that two agents know each other already.
    pub relationship_density: f64,
    /// Share of leadership held by the founders (the rest is spread over the
    /// other initial members).
    pub founder_leadership: f64,
    /// Weight of credibility in power: power = resources ·
    /// (1 − w + w · credibility).
    pub credibility_power: f64,
    /// The generated founding members came together over the coalition's
    /// cause: each one's most salient issue is the first issue in scope.
    pub founding_cause: bool,
}

impl Default for RawPopulation {
    fn default() -> Self {
        RawPopulation {
            count: 10,
            founders: 1,
            initial_members: 3,
            resources: [0.6, 1.4],
            credibility: [0.4, 0.9],
            urgency: [0.3, 0.8],
            reliability: [0.7, 0.95],
            engagement: [0.6, 0.9],
            judgment: [0.6, 0.85],
            position: [0.0, 1.0],
            divide: 0.0,
            camp_share: 0.5,
            resource_concentration: 0.0,
            resource_position: 0.0,
            work_follows_resources: 1.0,
            focus: 1.0,
            relationship_density: 0.3,
            founder_leadership: 0.6,
            credibility_power: 0.5,
            founding_cause: true,
        }
    }
}

/// One named agent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawAgent {
    pub name: String,
    /// Position on each issue, in [-1, 1]; shorter lists are padded with 0.
    pub position: Vec<f64>,
    /// How much each issue matters, >= 0; padded with 0; default all equal.
    pub salience: Vec<f64>,
    pub resources: f64,
    pub credibility: f64,
    pub urgency: f64,
    pub reliability: f64,
    pub engagement: f64,
    pub judgment: f64,
    pub founder: bool,
    /// Starts as a member (founders always do).
    pub member: bool,
    /// Leadership share; when no agent states one, founders share
    /// `population.founder_leadership` and other initial members the rest.
    pub leadership: Option<f64>,
    /// Names of agents this one already has a relationship with.
    pub knows: Vec<String>,
}

impl Default for RawAgent {
    fn default() -> Self {
        RawAgent {
            name: String::new(),
            position: Vec::new(),
            salience: Vec::new(),
            resources: 1.0,
            credibility: 0.6,
            urgency: 0.5,
            reliability: 0.85,
            engagement: 0.75,
            judgment: 0.75,
            founder: false,
            member: false,
            leadership: None,
            knows: Vec::new(),
        }
    }
}

/// The `[explore]` table: uncertainties and candidate policies for
/// `coalsim explore`, as dotted keys. A range is a string, `"0.2..0.6"`
/// (uniform; integers when both ends are); a list of values is an array,
/// each value equally likely (or, for a policy, each one a candidate).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawExplore {
    /// Dotted key -> range or list, e.g. `"trust.strangers" = "0.2..0.6"`.
    pub uncertain: toml::Table,
    /// Dotted key -> candidate values, e.g.
    /// `"governance.decision_rule" = ["consensus", "majority"]`.
    pub policy: toml::Table,
}

impl RawExplore {
    /// Nothing stated.
    pub fn is_empty(&self) -> bool {
        self.uncertain.is_empty() && self.policy.is_empty()
    }
}

/// A named variant: overrides given as dotted keys.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariant {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Dotted key -> value, e.g. `"governance.decision_rule" = "consensus"`.
    #[serde(default)]
    pub set: toml::Table,
}

/// Rate constants of the mechanisms, all in one place (see docs/model.md,
/// "Submodels", for where each one enters).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Dynamics {
    // --- commitment and exit
    /// Weight of alignment in commitment.
    pub w_alignment: f64,
    /// Weight of trust in commitment.
    pub w_trust: f64,
    /// Weight of efficacy (belief the coalition delivers) in commitment.
    pub w_efficacy: f64,
    /// Weight of the hour burden in commitment.
    pub w_cost: f64,
    /// Hours per round a member is willing to give to maintenance.
    pub hours_budget: f64,
    /// Commitment below which a member wants to leave.
    pub exit_threshold: f64,
    /// Extra commitment shortfall needed before leaving when there is no
    /// exit protocol (the cost of burning bridges).
    pub exit_barrier: f64,
    /// Leave probability per unit of commitment shortfall.
    pub leave_gain: f64,
    /// Trust damage to everyone remaining when a member leaves abruptly.
    pub abrupt_exit_damage: f64,
    /// Trust damage when a member leaves gracefully.
    pub graceful_exit_damage: f64,
    /// Share of a leaver's contributed work lost on an abrupt exit.
    pub abrupt_work_loss: f64,
    // --- engagement and clarity
    /// Speed at which engagement moves toward its target.
    pub engagement_rate: f64,
    /// Commitment at which the engagement target is full.
    pub full_commitment: f64,
    /// Engagement below which a member sends junior representatives.
    pub junior_threshold: f64,
    /// Share of what a meeting makes clear that reaches a member who hears
    /// it second-hand: through a junior representative, or through its
    /// liaison or delegate when the coalition coordinates in groups.
    pub relay: f64,
    /// Initial clarity (shared understanding of the steps).
    pub clarity_start: f64,
    /// Clarity lost per round without reinforcement (share of the excess
    /// over `clarity_floor`).
    pub clarity_decay: f64,
    /// Clarity that remains without any reinforcement (what was written
    /// down stays understood).
    pub clarity_floor: f64,
    /// Clarity gained at a check-in (fraction of the gap to 1).
    pub checkin_clarity: f64,
    /// Clarity gained by every member at a milestone (a measurable win makes
    /// the steps clear; fraction of the gap to 1).
    pub agreement_clarity: f64,
    /// Clarity gained from each decision taken (a proposal passed) under
    /// an established rule, once whatever its negotiation took (fraction
    /// of the gap to 1): in full by a member who took part, at `relay` by
    /// one who hears of it second-hand.
    pub decision_clarity: f64,
    /// Clarity gained by agreeing on governance.
    pub setup_clarity: f64,
    /// Initial efficacy.
    pub efficacy_start: f64,
    /// Share of the gap between a member's efficacy and the pace the
    /// coalition's results have shown (the progress of its last milestone
    /// as a share of the goal ÷ the share of the horizon gone, capped at 1)
    /// that the member closes each round, times its urgency. With no result
    /// yet the pace shown is 0 and efficacy decays by this share: impatience
    /// without wins.
    pub impatience: f64,
    /// Share of the gap to the coalition's pace closed at a milestone, a verified result that the
    /// public sees too (legitimacy moves toward the pace by the same share).
    /// Replaces `win_efficacy` and `win_trust` (a fixed boost toward 1).
    pub result_weight: f64,
    /// Rounds after each milestone spent planning the next stage:
    /// `setup_effort` of every contribution goes into the planning and each
    /// member spends `setup_hours`, as in the setup (the cost of splitting
    /// the goal).
    pub stage_rounds: u32,
    // --- communication
    /// Rounds without a check-in before negative assumptions set in.
    pub gap_tolerance: u32,
    /// Trust decay per round once assumptions fill the gap.
    pub assumption_decay: f64,
    /// Pull of trust toward the observed follow-through record at a check-in.
    pub transparency: f64,
    /// Probability that a member's follow-through is seen outside check-ins.
    pub visibility: f64,
    /// Share of hidden objections voiced at a check-in when dissent is
    /// solicited.
    pub checkin_voice: f64,
    // --- decisions
    /// How far a proposal moves the agenda toward the proposer.
    pub proposal_step: f64,
    /// How a proposer chooses its step: `positional` (always
    /// `proposal_step`) or `sounded` (the largest step it expects to pass).
    pub proposals: Proposals,
    /// Under `proposals = "sounded"`: hours the proposer spends with each
    /// member whose vote the rule needs, sounding out the vote.
    pub sounding_hours: f64,
    /// Probability that a proposal is good for the coalition.
    pub proposal_quality: f64,
    /// Weight of perceived merit in a vote.
    pub merit_weight: f64,
    /// Weight of own interest in a vote.
    pub interest_weight: f64,
    /// Weight of trust in the proposer in a vote.
    pub trust_weight: f64,
    /// Probability of voicing an objection with no trust (psychological
    /// safety adds the rest in proportion to trust).
    pub voice_base: f64,
    /// Hidden objection gained per unit of an unvoiced objection.
    pub hidden_gain: f64,
    /// Direction gained by a good decision (fraction of the gap to 1).
    pub direction_gain: f64,
    /// Direction lost per round as plans go stale.
    pub direction_decay: f64,
    /// Initial direction.
    pub direction_start: f64,
    /// Trust lost per unit of hidden objection when a conflict erupts with no
    /// agreed process.
    pub conflict_damage: f64,
    /// Hidden objection at which a deferred conflict erupts (no governance).
    pub conflict_threshold: f64,
    /// Under consensus, objections weaker than this stand aside instead of
    /// blocking.
    pub block_threshold: f64,
    /// Under consent, the loss by a change (interest_weight · Δ) that a
    /// member cannot live with: outside its range of tolerance, it blocks.
    /// Unset, `block_threshold` (one disposition read by both rules).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    /// Times a blocked proposal is amended toward the objectors and voted
    /// again in the same round.
    pub amendments: u32,
    /// Hours per voter per amendment round.
    pub amendment_hours: f64,
    /// Hidden objection that fades per round.
    pub hidden_decay: f64,
    // --- the trade-off between rules (external and decision costs)
    /// Resentment gained per unit of stake by a member bound by a decision
    /// it objected to and was outvoted on (external cost, Buchanan & Tullock).
    pub outvoted_cost: f64,
    /// Resentment that fades per round.
    pub resentment_decay: f64,
    /// Weight of resentment (from being outvoted) in commitment.
    pub w_resentment: f64,
    /// Weight of hidden objection in commitment and follow-through.
    pub w_hidden: f64,
    /// How much a member's follow-through depends on having agreed to the
    /// decisions its work carries out (0 = not at all, 1 = entirely).
    pub implementation_need: f64,
    /// How far a member's buy-in moves toward its stance at each decision
    /// that passes.
    pub buy_in_rate: f64,
    /// Buy-in of a member who stood aside under consensus.
    pub stand_aside_buy_in: f64,
    /// Buy-in of a member who had no vote (outside the steering committee).
    pub excluded_buy_in: f64,
    /// Information pooling: chance per round of discussion (an amendment
    /// round, or a check-in attended in the decision's round), times the
    /// share of voters who see the merit right, that a voter who misjudged a
    /// proposal sees it right.
    pub pooling: f64,
    /// How far an amendment moves the proposal toward the objectors.
    pub amendment_move: f64,
    /// Chance that a member whose yes a proposal needs (withdrawing it
    /// alone would block the proposal) holds it back at the first vote to
    /// bargain for a concession toward its own position (0 = members vote
    /// sincerely).
    pub holdout: f64,
    /// Share of a round's work lost per voiced objection negotiated in an
    /// amendment round (time spent deliberating instead of working).
    pub amendment_delay: f64,
    /// Cost per week of a change a member wanted that is still blocked, as
    /// a share of `outvoted_cost` per unit of its stake, at urgency 1.
    pub waiting_cost: f64,
    /// Direction a coalition keeps without decisions (from its founding
    /// purpose alone); stale plans relax toward it.
    pub direction_floor: f64,
    /// Share of resources held back, at zero commitment, when there is no
    /// exit protocol (members hedge against being trapped).
    pub hedge: f64,
    /// Probability that an unresolved disagreement goes public without a
    /// spokesperson.
    pub leak_rate: f64,
    /// Legitimacy lost when a disagreement goes public.
    pub leak_damage: f64,
    /// Members' trust in a candidate needed to vote to admit.
    pub admit_trust: f64,
    // --- contributions and progress
    /// How much low trust in the others lowers follow-through.
    pub trust_sensitivity: f64,
    /// Share of effort that goes to setup work while setup lasts.
    pub setup_effort: f64,
    /// Hours per member per round of setup work.
    pub setup_hours: f64,
    /// Coordination hours per member per round per other member in its group.
    pub coordination_hours: f64,
    /// Progress efficiency loss per other member in the coordination group.
    pub coordination_loss: f64,
    /// Extra hours per round per unit of leadership share per other member.
    pub leader_hours: f64,
    /// Burnout hazard per round per unit of hours over budget (relative).
    pub burnout_rate: f64,
    /// How much documented processes keep when a leader leaves.
    pub documentation_keep: f64,
    // --- recruitment
    /// Reach per member per round, times its trust in the candidate.
    pub recruit_rate: f64,
    /// Utility a candidate needs to join.
    pub join_threshold: f64,
    /// Extra utility a candidate with the most power needs (large players
    /// join only an established coalition).
    pub big_player_bar: f64,
    /// Join probability per unit of utility above the threshold.
    pub join_gain: f64,
    // --- renewal
    /// Clarity and trust refreshed by a renewal ritual.
    pub renewal_boost: f64,
    /// Mean engagement below which a sunset-enabled coalition ends.
    pub sunset_engagement: f64,
    // --- value
    /// Discount per round at urgency 1.
    pub discount: f64,
    /// Value of one maintenance hour in goal units.
    pub hour_value: f64,
    /// Progress rate of an agent acting alone, per unit of resources.
    pub solo_efficiency: f64,
    // --- general constants made parameters (docs/model.md says how to
    // estimate each)
    /// Consecutive missed rounds after which a private check-in happens
    /// (with `governance.private_checkin`).
    pub private_checkin_after: u32,
    /// Share of its missing engagement a private check-in restores.
    pub private_checkin_boost: f64,
    /// Pseudo-count of deliveries and of misses in the follow-through
    /// record before anything is observed: record = (delivered + a) /
    /// (committed + 2a).
    pub record_prior: f64,
    /// Spread of a proposal's merit: its size is drawn uniformly on
    /// [1 − spread, 1 + spread] (0 = every proposal is simply good or bad).
    pub merit_spread: f64,
    /// How differently members weigh the same proposal: each voter's
    /// perceived size of its merit is the merit's size times a factor
    /// drawn uniformly on [1 − spread, 1 + spread], once per proposal
    /// (0 = every member who reads a proposal the same way weighs it
    /// alike).
    pub merit_perception: f64,
    /// Buy-in toward which a member on the winning side of a decision moves.
    pub winner_buy_in: f64,
    /// Buy-in toward which a member on the losing side moves.
    pub loser_buy_in: f64,
    /// Trust in the proposer at which it neither helps nor hurts a vote.
    pub trust_neutral: f64,
    /// Support at or below which a member leaves at a re-alignment (the new
    /// direction does not fit).
    pub misfit_support: f64,
    /// Level of alignment, trust and efficacy below which a shortfall is
    /// named as the reason for leaving.
    pub healthy_level: f64,
    /// Share of a leader's loss L that efficacy and legitimacy lose (clarity
    /// and direction lose all of it).
    pub leadership_efficacy_loss: f64,
    /// Trust of a member who is alone in the coalition (no one to trust).
    pub lone_trust: f64,
    /// Weight of legitimacy in progress (and of credibility in acting
    /// alone): progress × (1 − w + w · legitimacy).
    pub legitimacy_weight: f64,
    /// Coalition size at which a large player's extra bar to joining is half
    /// what it is for a lone founder.
    pub big_player_members: f64,
    /// Buy-in of a new member (it takes the agenda as it finds it).
    pub joiner_buy_in: f64,
    /// Resentment a new member brings with it (0: it has lost no decision
    /// here yet).
    pub joiner_resentment: f64,
    /// The level negative assumptions pull trust toward in a communication
    /// gap, as a share of strangers' trust.
    pub pessimism: f64,
    /// Mean trust at which governance setup takes `setup_rounds`.
    pub setup_trust: f64,
}

impl Default for Dynamics {
    fn default() -> Self {
        Dynamics {
            w_alignment: 0.4,
            w_trust: 0.35,
            w_efficacy: 0.3,
            w_cost: 0.15,
            hours_budget: 4.0,
            exit_threshold: 0.25,
            exit_barrier: 0.15,
            leave_gain: 2.0,
            abrupt_exit_damage: 0.06,
            graceful_exit_damage: 0.01,
            abrupt_work_loss: 0.5,
            engagement_rate: 0.15,
            full_commitment: 0.55,
            junior_threshold: 0.35,
            relay: 0.5,
            clarity_start: 0.5,
            clarity_decay: 0.02,
            clarity_floor: 0.2,
            checkin_clarity: 0.1,
            agreement_clarity: 0.05,
            decision_clarity: 0.05,
            setup_clarity: 0.3,
            efficacy_start: 0.6,
            impatience: 0.02,
            result_weight: 0.5,
            stage_rounds: 1,
            gap_tolerance: 4,
            assumption_decay: 0.01,
            transparency: 0.2,
            visibility: 0.5,
            checkin_voice: 0.5,
            proposal_step: 0.5,
            proposals: Proposals::Positional,
            sounding_hours: 0.25,
            proposal_quality: 0.7,
            merit_weight: 0.15,
            interest_weight: 1.0,
            trust_weight: 0.1,
            voice_base: 0.3,
            hidden_gain: 0.1,
            direction_gain: 0.2,
            direction_decay: 0.05,
            direction_start: 0.5,
            conflict_damage: 0.6,
            conflict_threshold: 0.05,
            block_threshold: 0.15,
            tolerance: None,
            amendments: 1,
            amendment_hours: 0.5,
            hidden_decay: 0.02,
            outvoted_cost: 0.05,
            resentment_decay: 0.03,
            w_resentment: 1.0,
            w_hidden: 1.0,
            implementation_need: 0.5,
            buy_in_rate: 0.3,
            stand_aside_buy_in: 0.0,
            excluded_buy_in: 0.5,
            pooling: 0.3,
            amendment_move: 0.5,
            holdout: 0.0,
            amendment_delay: 0.03,
            waiting_cost: 0.25,
            direction_floor: 0.2,
            hedge: 0.3,
            leak_rate: 0.3,
            leak_damage: 0.1,
            admit_trust: 0.3,
            trust_sensitivity: 0.3,
            setup_effort: 0.5,
            setup_hours: 3.0,
            coordination_hours: 0.1,
            coordination_loss: 0.02,
            leader_hours: 0.3,
            burnout_rate: 0.02,
            documentation_keep: 0.7,
            recruit_rate: 0.15,
            join_threshold: 0.25,
            big_player_bar: 0.15,
            join_gain: 2.0,
            renewal_boost: 0.3,
            sunset_engagement: 0.35,
            discount: 0.01,
            hour_value: 0.001,
            solo_efficiency: 0.3,
            private_checkin_after: 2,
            private_checkin_boost: 0.2,
            record_prior: 1.0,
            merit_spread: 0.0,
            merit_perception: 0.0,
            winner_buy_in: 1.0,
            loser_buy_in: 0.0,
            trust_neutral: 0.5,
            misfit_support: 0.1,
            healthy_level: 0.6,
            leadership_efficacy_loss: 0.5,
            lone_trust: 0.5,
            legitimacy_weight: 0.5,
            big_player_members: 4.0,
            joiner_buy_in: 1.0,
            joiner_resentment: 0.0,
            pessimism: 0.5,
            setup_trust: 0.5,
        }
    }
}
