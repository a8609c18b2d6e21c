//! A coalition described in the words its members use, turned into a
//! commented scenario file with an `[explore]` table of what is not known:
//! the one code `coalsim new` (terminal prompts or `--answers FILE`) and the
//! "Describe your coalition" page of `coalsim serve` both call, so an
//! answer is checked, and a file written, the same way from either.
//!
//! The questions ask what a coordinator knows (the organisations by name,
//! what each wants on each issue, how much each issue matters to it, its
//! resources, whether it does what it promises, who already knows whom, the
//! deadline and urgency, how often to meet, how much of a member's week
//! goes on keeping in touch with each partner, how much of the joint work
//! is lost to coordinating and how much of a meeting reaches a member
//! second-hand, who carries out what is decided, how a member takes losing
//! a vote and how long it stays sore about it, how readily members walk
//! away when things go badly for a while, whether members bargain with
//! their vote, how long a blocked proposal is negotiated, how far one
//! proposal goes toward its proposer, what members weigh when they vote,
//! how many proposals would help the coalition, how well members judge
//! whether a proposal would help the coalition, how often discussion puts
//! right a member who misread a proposal, how differently members weigh the
//! same proposal, what a round of negotiating a blocked proposal costs
//! (each member's time, how far it concedes to the objectors, how much it
//! holds up the work), what is enough for one member to block a proposal
//! and how many may stand aside under consensus, which of the seven rules
//! are on the table): the settings that decide which rule does best
//! (docs/model.md, "How a user estimates the settings that decide the
//! answer"). Every answer is a word from a short list; "not sure" is
//! allowed for every quantity and becomes a range in `[explore.uncertain]`
//! (a stance or an issue's weight, one entry of a list `explore` cannot
//! vary, becomes the middle value, and the file says so).

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

/// The questions, one per answer, with `ORG`, `ISSUE` and `OTHER` standing
/// for the organisation, the issue and the other organisation asked about:
/// the terminal asks them in these words, and an answer that is refused is
/// named by its question (see [`question`]).
pub const QUESTIONS: [(&str, &str); 42] = [
    ("name", "What is the coalition called?"),
    (
        "purpose",
        "In one sentence, what do you want to achieve together?",
    ),
    (
        "issues",
        "Which issues matter to the members? (comma-separated; the shared goal first)",
    ),
    ("goal", "How big is \"ISSUE\"?"),
    ("first_win", "A first visible win to aim for?"),
    (
        "deadline_weeks",
        "Weeks until the deadline (or \"not sure\")",
    ),
    ("urgency", "How urgent is the goal?"),
    ("meetings", "How often will all members meet?"),
    (
        "coordination",
        "Besides the coalition's meetings, how much of a member's week goes on keeping in touch with each partner organisation?",
    ),
    (
        "work_lost",
        "Where about twenty members all coordinate with each other, how much of their joint work is lost to coordinating (waiting on others, duplicated or misaligned effort)?",
    ),
    (
        "second_hand",
        "When a member hears what a meeting discussed and decided second-hand (from a representative, a briefing or the minutes) rather than by being there, how much of it reaches them?",
    ),
    (
        "outside_shocks",
        "How often do outside events (a funding cut, an election) shake coalitions like yours?",
    ),
    (
        "trust_strangers",
        "How much do organisations that have not worked together trust each other at first?",
    ),
    ("work", "Who carries out what the coalition decides?"),
    (
        "work_runs_on",
        "What does the coalition's work run on: the money members bring (paid staff, contractors), or members' own time (each organisation's volunteers, whatever its budget)?",
    ),
    (
        "lost_vote",
        "When a member loses a vote, does it move on or take it personally?",
    ),
    (
        "grudge",
        "After a member loses a vote, or sees a change it wants blocked, how long does it stay sore about it?",
    ),
    (
        "leaving",
        "When things go badly for a while, how readily do members walk away from a coalition like yours?",
    ),
    (
        "bargaining",
        "When a decision needs a member's support, does it hold it back to win a change (\"I'll vote yes if…\")?",
    ),
    (
        "negotiation",
        "When members block a proposal, how long does the coalition keep working on it before dropping it?",
    ),
    (
        "proposal_size",
        "How far does one proposal usually go toward what its proposer wants?",
    ),
    (
        "common_good",
        "When members vote, what do they weigh: their own organisation's stake, or what the coalition needs?",
    ),
    (
        "proposal_record",
        "Of the proposals that come to a vote in coalitions like yours, how many turn out, looking back, to have been worth adopting?",
    ),
    (
        "judgment",
        "How well do members judge whether a proposal would help the coalition?",
    ),
    (
        "discussion",
        "When a member has misread whether a proposal would help the coalition, how often does the discussion put them right?",
    ),
    (
        "weighing",
        "When members see a proposal the same way, do they feel as strongly about it?",
    ),
    (
        "negotiation_hours",
        "When a blocked proposal is reworked, how long does each member spend on one round of it?",
    ),
    (
        "concessions",
        "When a proposal is reworked to win objectors over, how far does it move toward them?",
    ),
    (
        "holdup",
        "While a disputed proposal is being reworked, how much does it hold up the coalition's work?",
    ),
    (
        "blocking",
        "Under consensus (or consent), when members object to a proposal, what is enough for one of them to block it?",
    ),
    (
        "stand_aside",
        "Under consensus, how many members may stand aside (let a proposal pass without backing it) before it counts as not ready?",
    ),
    ("voting", "Who votes on a proposal?"),
    ("rules", "Which rules do you want to compare?"),
    ("draft_rule", "Which rule do you lean to now?"),
    ("organisation", "Organisation ORG: name (empty when done)"),
    (
        "organisation.name",
        "Organisation ORG: name (empty when done)",
    ),
    (
        "organisation.role",
        "Is ORG the founder, already a member, or invited?",
    ),
    (
        "organisation.resources",
        "ORG's resources (money, staff time) compared with the others",
    ),
    ("organisation.delivers", "Does ORG do what it promised?"),
    ("organisation.wants", "ORG on \"ISSUE\""),
    (
        "organisation.cares",
        "How much does \"ISSUE\" matter to ORG?",
    ),
    (
        "organisation.knows",
        "Which organisations does ORG already work with?",
    ),
];

/// The question of `key` (`"goal"`, `"organisation.resources"`, …) in the
/// terminal's words, its placeholders left in.
pub fn question(key: &str) -> &'static str {
    QUESTIONS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or("", |(_, q)| q)
}

/// An answer refused: `path` is where it sits in an answers file
/// (`work_runs_on`, `organisation[1].wants[0]`: indices from 0, as
/// [`crate::scenario::locate_field`] takes them) and `message` says what
/// is wrong and what is allowed, naming the answer as the coordinator
/// knows it (`organisation 2 (Maple Street Block Club): resources`).
#[derive(Debug, Clone, PartialEq)]
pub struct AnswerError {
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for AnswerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AnswerError {}

impl AnswerError {
    /// The question this answer replied to, in the terminal's words, with
    /// the organisation and the issue it was about named from `a`.
    pub fn question(&self, a: &Answers) -> String {
        // `organisation[1].wants[0]` → key `organisation.wants`, org 1, issue 0.
        let mut key = String::new();
        let (mut org, mut issue) = (None, None);
        for (i, seg) in self.path.split('.').enumerate() {
            let (name, index) = match seg.find('[') {
                Some(b) => (&seg[..b], seg[b + 1..seg.len() - 1].parse::<usize>().ok()),
                None => (seg, None),
            };
            if i == 0 {
                org = index;
            } else {
                key.push('.');
                issue = index;
            }
            key.push_str(name);
        }
        let org_name = org
            .and_then(|o| a.organisation.get(o))
            .map(|o| o.name.trim())
            .filter(|n| !n.is_empty());
        let org_words = match (org, org_name) {
            (_, Some(n)) => n.to_string(),
            (Some(o), None) => format!("organisation {}", o + 1),
            _ => "the organisation".to_string(),
        };
        let issue_words = match key.as_str() {
            "goal" => a.issues.first(),
            _ => issue.and_then(|k| a.issues.get(k)),
        }
        .map_or("the issue", |s| s.as_str());
        let q = question(&key);
        let q = if key == "organisation" || key == "organisation.name" {
            q.replace("ORG", &org.map_or("N".to_string(), |o| (o + 1).to_string()))
        } else {
            q.replace("ORG", &org_words)
        };
        q.replace("ISSUE", issue_words)
    }
}

/// Refuses the answer at `path` with `message`.
fn wrong(path: impl Into<String>, message: String) -> anyhow::Error {
    anyhow::Error::new(AnswerError {
        path: path.into(),
        message,
    })
}

/// Everything the questionnaire asks, in the coordinator's words.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// The coalition's name.
    pub name: String,
    /// What the members want to achieve together.
    pub purpose: String,
    /// The issues, the shared goal first.
    pub issues: Vec<String>,
    /// How big the shared goal is: small, medium, large, not sure.
    pub goal: String,
    /// The first visible win: "a tenth", "a quarter", "none".
    pub first_win: String,
    /// Weeks until the deadline, or "not sure".
    pub deadline_weeks: toml::Value,
    /// How urgent the goal is: very urgent, somewhat urgent, can wait, not sure.
    pub urgency: String,
    /// How often all members meet: weekly, every two weeks, monthly, not sure.
    pub meetings: String,
    /// Besides the coalition's meetings, how much of a member's week goes
    /// on keeping in touch with each partner organisation: a secretariat
    /// or shared staff relays most of it; emails, calls and reading each
    /// other's updates; each partner expects calls or meetings of its own;
    /// not sure. None (answers files written before the question was
    /// asked) means emails, calls and reading each other's updates, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordination: Option<String>,
    /// Where about twenty members all coordinate with each other, how
    /// much of their joint work is lost to coordinating: about a sixth,
    /// about a quarter, about two fifths, not sure. None (answers files
    /// written before the question was asked) means about a quarter, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_lost: Option<String>,
    /// When a member hears what a meeting discussed and decided
    /// second-hand rather than by being there, how much of it reaches
    /// them: a little, by word of mouth; about half, from a briefing; most
    /// of it, from good written minutes; not sure. None (answers files
    /// written before the question was asked) means about half, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub second_hand: Option<String>,
    /// How often outside events shake the coalition: rarely, sometimes,
    /// often, not sure.
    pub outside_shocks: String,
    /// How much organisations that do not know each other trust each other
    /// at first: low, medium, high, not sure.
    pub trust_strangers: String,
    /// Who carries out what the coalition decides: staff or contractors,
    /// partly the members' own people, the members' own volunteers, not sure.
    pub work: String,
    /// What the coalition's work runs on: the money members bring, money
    /// and members' own time, members' own time, not sure. None (answers
    /// files written before the question was asked) means the money members
    /// bring, as the model then had it (each member's share of the work was
    /// its share of the resources), and the written file says it was not
    /// answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_runs_on: Option<String>,
    /// How a member takes losing a vote: moves on, minds, takes it
    /// personally, not sure.
    pub lost_vote: String,
    /// After a member loses a vote, or sees a change it wants blocked, how
    /// long it stays sore about it: a few months, about half a year, about
    /// a year, not sure. None (answers files written before the question
    /// was asked) means about half a year, the model's default, and
    /// nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grudge: Option<String>,
    /// When things go badly for a while, how readily members walk away
    /// from the coalition: they stay through a lot (the coalition is their
    /// only route, or a funder expects them in it); they leave if it stays
    /// bad for a while; they leave at the first serious disappointment;
    /// not sure. None (answers files written before the question was
    /// asked) means they leave if it stays bad for a while, the model's
    /// default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaving: Option<String>,
    /// Whether a member whose support a decision needs holds it back to win
    /// a change: members vote as they see it, now and then, often, not
    /// sure. None (answers files written before the question was asked)
    /// means members vote as they see it, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bargaining: Option<String>,
    /// How long the coalition keeps working on a proposal members block
    /// before dropping it: drops it at once, one more meeting, two more
    /// meetings, three meetings or more, not sure. None (answers files
    /// written before the question was asked) means one more meeting, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiation: Option<String>,
    /// How far one proposal usually goes toward what its proposer wants: a
    /// small step, half-way, most of the way, not sure. None (answers
    /// files written before the question was asked) means half-way, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_size: Option<String>,
    /// What members weigh when they vote, their own organisation's stake or
    /// what the coalition needs: their own stake; their own stake, the
    /// coalition's needs tip close calls; the coalition's needs as much as
    /// their own stake; not sure. None (answers files written before the
    /// question was asked) means the middle answer, the model's default,
    /// and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub common_good: Option<String>,
    /// Of the proposals that come to a vote in coalitions like yours, how
    /// many turn out, looking back, to have been worth adopting: about
    /// half, seven in ten, eight or nine in ten, not sure. None (answers
    /// files written before the question was asked) means seven in ten,
    /// the model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposal_record: Option<String>,
    /// How well members judge whether a proposal would help the coalition:
    /// members new to the field (often wrong), members who follow the
    /// issues part-time, specialists who share information, not sure. The
    /// answer is written as each organisation's `judgment`. None (answers
    /// files written before the question was asked) leaves each
    /// organisation at the model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgment: Option<String>,
    /// How often the discussion before a vote puts right a member who has
    /// misread whether a proposal would help the coalition: rarely
    /// (members mostly keep the view they came with), sometimes, often
    /// (members listen and change their minds), not sure. None (answers
    /// files written before the question was asked) means sometimes, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discussion: Option<String>,
    /// When members see a proposal the same way, whether they feel as
    /// strongly about it: about as strongly as each other, some feel it
    /// twice as strongly as others, some feel it several times as strongly
    /// as others, not sure. None (answers files written before the
    /// question was asked) means about as strongly as each other, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weighing: Option<String>,
    /// How long each member spends on one round of reworking a blocked
    /// proposal: a quarter of an hour (a note or a call), half an hour, an
    /// hour or more (a meeting of its own), not sure. None (answers files
    /// written before the question was asked) means half an hour, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub negotiation_hours: Option<String>,
    /// How far a proposal reworked to win objectors over moves toward
    /// them: a little, half-way, most of the way, not sure. None (answers
    /// files written before the question was asked) means half-way, the
    /// model's default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concessions: Option<String>,
    /// How much reworking a disputed proposal holds up the coalition's
    /// work: hardly at all, somewhat, a lot, not sure. None (answers files
    /// written before the question was asked) means somewhat, the model's
    /// default, and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holdup: Option<String>,
    /// Under consensus (or consent), what is enough for one member to
    /// block a proposal: any objection they feel, even over a proposal
    /// they have misread; only a serious loss of their own; only what they
    /// could not live with; not sure. None (answers files written before
    /// the question was asked) means any objection, the model's default,
    /// and nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blocking: Option<String>,
    /// Under consensus, how many members may stand aside (let a proposal
    /// pass without backing it) before it counts as not ready: a quarter,
    /// half, no limit, not sure. None (answers files written before the
    /// question was asked) means no limit, the model's default, and
    /// nothing is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stand_aside: Option<String>,
    /// Who votes on a proposal: every member is consulted, or those at the
    /// meeting (however few, or with a quorum), or not sure. Answers files
    /// written before the question was asked mean every member.
    #[serde(default = "consulted")]
    pub voting: String,
    /// The rules on the table (consensus, majority, supermajority,
    /// weighted, committee, modified_consensus, consent); all seven when
    /// empty.
    #[serde(default)]
    pub rules: Vec<String>,
    /// The rule you lean to now (written as the scenario's rule).
    pub draft_rule: String,
    /// The organisations.
    pub organisation: Vec<Organisation>,
}

/// One organisation.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    pub name: String,
    /// founder, member (already in), invited (may join).
    pub role: String,
    /// small, medium, large, very large (a funder), not sure.
    pub resources: String,
    /// always, usually, sometimes, not sure: does it do what it promised?
    pub delivers: String,
    /// Per issue: strongly for, for, neutral, against, strongly against, not sure.
    pub wants: Vec<String>,
    /// Per issue: a lot, somewhat, a little, not at all, not sure.
    pub cares: Vec<String>,
    /// Organisations it already works with.
    #[serde(default)]
    pub knows: Vec<String>,
}

pub const RESOURCES: [(&str, f64); 4] = [
    ("small", 0.4),
    ("medium", 0.8),
    ("large", 1.5),
    ("very large (a funder)", 6.0),
];
pub const DELIVERS: [(&str, f64); 3] = [("always", 0.95), ("usually", 0.85), ("sometimes", 0.6)];
pub const WANTS: [(&str, f64); 5] = [
    ("strongly for", 1.0),
    ("for", 0.5),
    ("neutral", 0.0),
    ("against", -0.5),
    ("strongly against", -1.0),
];
pub const CARES: [(&str, f64); 4] = [
    ("a lot", 1.0),
    ("somewhat", 0.5),
    ("a little", 0.2),
    ("not at all", 0.0),
];
/// Goal size = this × the organisations' resources added up: how many
/// weeks of everyone's full effort the goal takes.
pub const GOAL: [(&str, f64); 3] = [("small", 8.0), ("medium", 14.0), ("large", 22.0)];
pub const FIRST_WIN: [(&str, f64); 3] = [("a tenth", 0.1), ("a quarter", 0.25), ("none", 0.0)];
pub const URGENCY: [(&str, f64); 3] = [
    ("very urgent", 0.9),
    ("somewhat urgent", 0.6),
    ("can wait", 0.3),
];
pub const MEETINGS: [(&str, i64); 3] = [("weekly", 1), ("every two weeks", 2), ("monthly", 4)];
/// `dynamics.coordination_hours` (docs/model.md, "How a user estimates the
/// settings that decide the answer": "size of the meetings"): the hours a
/// week each member spends, besides the coalition's meetings, per member
/// it coordinates with directly (all the others when everyone meets; its
/// group, and the council for a member on it, under sub-groups or a
/// steering committee). The middle answer is the model's default, six
/// minutes a week per partner; the others are half and twice it, the
/// range the rule map samples (`scenarios/coalition-space.toml`).
pub const COORDINATION: [(&str, f64); 3] = [
    ("a secretariat or shared staff relays most of it", 0.05),
    ("emails, calls and reading each other's updates", 0.1),
    ("each partner expects calls or meetings of its own", 0.2),
];
/// The answer of [`COORDINATION`] that is the model's default.
pub const COORDINATION_DEFAULT: usize = 1;
/// `dynamics.coordination_loss` (same table: "work lost to
/// coordinating"): the process loss of the joint work per partner a
/// member coordinates with directly, the work done at
/// η = 1 / (1 + value × c̄), c̄ the mean number of direct contacts. The
/// question asks about twenty members who all coordinate with each other
/// (c̄ = 19): about a sixth of the work lost at 0.01 (16%), about a
/// quarter at 0.02 (28%, the model's default), about two fifths at 0.04
/// (43%), the range the rule map samples
/// (`scenarios/coalition-space.toml`).
pub const WORK_LOST: [(&str, f64); 3] = [
    ("about a sixth", 0.01),
    ("about a quarter", 0.02),
    ("about two fifths", 0.04),
];
/// The answer of [`WORK_LOST`] that is the model's default.
pub const WORK_LOST_DEFAULT: usize = 1;
/// `dynamics.relay` (same table: "what is lost second-hand"): the share of
/// a meeting's clarity, of the concerns it airs and of the follow-through
/// records it shows that reaches a member who was not in it (a member
/// outside the steering committee or in another sub-group, briefed by its
/// liaison or representative; a member absent from a decision or without
/// a vote; again through a junior representative). A little, by word of
/// mouth 0.3; about half, from a briefing 0.5 (the model's default); most
/// of it, from good written minutes 0.7.
pub const SECOND_HAND: [(&str, f64); 3] = [
    ("a little, by word of mouth", 0.3),
    ("about half, from a briefing", 0.5),
    ("most of it, from good written minutes", 0.7),
];
/// The answer of [`SECOND_HAND`] that is the model's default.
pub const SECOND_HAND_DEFAULT: usize = 1;
pub const SHOCKS: [(&str, f64); 3] = [("rarely", 0.01), ("sometimes", 0.03), ("often", 0.08)];
pub const TRUST: [(&str, f64); 3] = [("low", 0.25), ("medium", 0.4), ("high", 0.6)];
/// `dynamics.implementation_need` (docs/model.md, "How a user estimates
/// the settings that decide the answer").
pub const WORK: [(&str, f64); 3] = [
    ("staff or contractors", 0.0),
    ("partly the members' own people", 0.5),
    ("the members' own volunteers", 0.95),
];
/// `population.work_follows_resources` (same table): work bought with the
/// money members bring follows their resources; members' own time is given
/// by each member's people in equal shares, whatever its budget.
pub const WORK_RUNS_ON: [(&str, f64); 3] = [
    ("the money members bring", 1.0),
    ("money and members' own time", 0.5),
    ("members' own time", 0.0),
];
/// `dynamics.outvoted_cost` (same table).
pub const LOST_VOTE: [(&str, f64); 3] = [
    ("moves on", 0.0),
    ("minds", 0.05),
    ("takes it personally", 0.15),
];
/// `dynamics.resentment_decay` (same table: "how long a lost vote is
/// remembered"): the share of a member's resentment that fades each week.
/// Resentment comes only from decisions: one that goes against the member
/// (a change it opposed passes, or one it backed fails) and, each week, a
/// change it wants that is still blocked; it lowers the member's commitment
/// and can make it leave. The middle answer is the model's default, half of
/// it gone in about 23 weeks; the others are twice and half it, half gone
/// in about 11 and 46 weeks (ln 2 / −ln(1 − value) weeks), the range the
/// rule map samples (`scenarios/coalition-space.toml`).
pub const GRUDGE: [(&str, f64); 3] = [
    ("a few months", 0.06),
    ("about half a year", 0.03),
    ("about a year", 0.015),
];
/// The answer of [`GRUDGE`] that is the model's default.
pub const GRUDGE_DEFAULT: usize = 1;
/// `dynamics.exit_threshold` (same table: "how readily members leave"):
/// the commitment (0 to 1) below which a member may walk away (less
/// `exit_barrier` × how much damage its exit would do: docs/model.md,
/// "9. Exits and removals"). They stay through a lot (the coalition is
/// their only route, or a funder expects them in it) 0.15; they leave if
/// it stays bad for a while 0.25 (the model's default); they leave at the
/// first serious disappointment 0.35: the range the rule map samples
/// (`scenarios/coalition-space.toml`).
pub const LEAVING: [(&str, f64); 3] = [
    (
        "they stay through a lot (the coalition is their only route, or a funder expects them in it)",
        0.15,
    ),
    ("they leave if it stays bad for a while", 0.25),
    ("they leave at the first serious disappointment", 0.35),
];
/// The answer of [`LEAVING`] that is the model's default.
pub const LEAVING_DEFAULT: usize = 1;
/// `dynamics.holdout` (same table: "whether members bargain with their
/// vote"): the chance that a member whose yes a proposal needs holds it
/// back to bargain for a concession.
pub const BARGAINING: [(&str, f64); 3] = [
    ("members vote as they see it", 0.0),
    ("now and then", 0.2),
    ("often", 0.5),
];
/// `dynamics.amendments` (same table: "how long negotiating takes"): the
/// rounds of negotiation a blocked proposal gets, each taking the next
/// week's meeting, before it is dropped.
pub const NEGOTIATION: [(&str, i64); 4] = [
    ("drops it at once", 0),
    ("one more meeting", 1),
    ("two more meetings", 2),
    ("three meetings or more", 3),
];
/// `dynamics.proposal_step` (same table: "how far a proposal steps"): how
/// far one proposal moves the agenda toward its proposer's position. The
/// three answers are the settings the rule map was measured under
/// (docs/validation.md, "The rule map under the settings of negotiation").
pub const PROPOSAL_SIZE: [(&str, f64); 3] = [
    ("a small step", 0.25),
    ("half-way", 0.5),
    ("most of the way", 0.75),
];
/// `dynamics.merit_weight` (same table: "how much the common good weighs
/// in a vote"), against `interest_weight` 1: how much a member's vote
/// weighs what it sees as good for the coalition against its own
/// organisation's stake. The middle answer is the model's default; the
/// others are half and twice it, as the rule map was measured under (same
/// section).
pub const COMMON_GOOD: [(&str, f64); 3] = [
    ("their own stake", 0.075),
    (
        "their own stake, the coalition's needs tip close calls",
        0.15,
    ),
    ("the coalition's needs as much as their own stake", 0.3),
];
/// `dynamics.proposal_quality` (docs/model.md, "How a user estimates the
/// settings that decide the answer": "how often proposals are good"): the
/// chance that a proposal put to a vote would help the coalition if
/// adopted (each member then sees rightly whether it would with the chance
/// of its `judgment`). The middle answer is the model's default, seven in
/// ten; the others are 0.15 below and above it, the range the rule map
/// samples (`scenarios/coalition-space.toml`).
pub const PROPOSAL_RECORD: [(&str, f64); 3] = [
    ("about half", 0.55),
    ("seven in ten", 0.7),
    ("eight or nine in ten", 0.85),
];
/// The answer of [`PROPOSAL_RECORD`] that is the model's default.
pub const PROPOSAL_RECORD_DEFAULT: usize = 1;
/// `judgment` of each organisation (docs/model.md, "How a user estimates
/// the settings that decide the answer": "how well members judge a
/// proposal"): the chance that it sees rightly whether a proposal would
/// help the coalition. A file `coalsim new` writes names every
/// organisation and generates none, so the answer is written on each
/// `[[agent]]` (where `population.judgment`, the range generated members
/// draw theirs from, would not apply). The middle answer is a named
/// organisation's default (written for "not sure"), inside the model's
/// range for generated members, 0.6 to 0.85; the others are those the
/// same table gives for members new to the field and for specialists.
pub const JUDGMENT: [(&str, f64); 3] = [
    ("members new to the field (often wrong)", 0.6),
    ("members who follow the issues part-time", 0.75),
    ("specialists who share information", 0.9),
];
/// The answer of [`JUDGMENT`] that is the model's default.
pub const JUDGMENT_DEFAULT: usize = 1;
/// The range "not sure" how well members judge a proposal explores, for
/// each organisation: the rule map's, from the lowest low end to the
/// highest high end it samples for `population.judgment`
/// (`scenarios/coalition-space.toml`).
const JUDGMENT_NOT_SURE: (f64, f64) = (0.5, 0.95);
/// `dynamics.pooling` (docs/model.md, "Information pooling"; same table:
/// "how often discussion puts a misjudgement right"): the chance, per
/// discussion, times the share of those present who see a proposal's merit
/// right, that a member who misjudged it sees it right. The middle answer
/// is the model's default; the others are half and twice it, as the rule
/// map was tried under (docs/validation.md, "The rule map with proposals
/// and negotiation sampled").
pub const DISCUSSION: [(&str, f64); 3] = [
    ("rarely (members mostly keep the view they came with)", 0.15),
    ("sometimes", 0.3),
    ("often (members listen and change their minds)", 0.6),
];
/// `dynamics.merit_perception` (docs/model.md, "A proposal"; same table:
/// "how differently members weigh the same proposal"): each voter weighs a
/// proposal's merit by a factor of its own, uniform on [1 − value,
/// 1 + value], so the member who feels it most strongly feels it
/// (1 + value)/(1 − value) times as strongly as the one who feels it
/// least: about twice at 0.33, about five times at 0.67. The first answer
/// is the model's default (written for "not sure"); "not sure" explores
/// the rule map's range, 0 to 1 (up to some weighing it barely at all and
/// others twice the typical weight), wider than the answers
/// (`scenarios/coalition-space.toml`).
pub const WEIGHING: [(&str, f64); 3] = [
    ("about as strongly as each other", 0.0),
    ("some feel it twice as strongly as others", 0.33),
    ("some feel it several times as strongly as others", 0.67),
];
/// The answer of [`WEIGHING`] that is the model's default.
pub const WEIGHING_DEFAULT: usize = 0;
/// The range "not sure" how differently members weigh a proposal explores
/// (the rule map's).
const WEIGHING_NOT_SURE: (f64, f64) = (0.0, 1.0);
/// `dynamics.amendment_hours` (same table: "what a round of negotiation
/// costs"): the hours each voter spends on one round of negotiating a
/// blocked proposal. The middle answer is the model's default; the others
/// are half and twice it, as the rule map was measured under
/// (docs/validation.md, "The rule map under the settings of negotiation").
pub const NEGOTIATION_HOURS: [(&str, f64); 3] = [
    ("a quarter of an hour (a note or a call)", 0.25),
    ("half an hour", 0.5),
    ("an hour or more (a meeting of its own)", 1.0),
];
/// `dynamics.amendment_move` (same table: "how far an amendment
/// concedes"): how far one round of negotiation moves a blocked proposal
/// toward the objectors whose votes the rule still needs. The three
/// answers are the settings the rule map was measured under (same
/// section).
pub const CONCESSIONS: [(&str, f64); 3] = [
    ("a little", 0.35),
    ("half-way", 0.5),
    ("most of the way", 0.75),
];
/// `dynamics.amendment_delay` (same table: "how long negotiating takes"):
/// the share of a week's work lost per holdout per round of negotiation.
/// The middle answer is the model's default; the others are half and
/// twice it, as the rule map was measured under (same section).
pub const HOLDUP: [(&str, f64); 3] = [
    ("hardly at all", 0.015),
    ("somewhat", 0.03),
    ("a lot", 0.06),
];
/// `dynamics.block_threshold` (same table: "how serious an objection must
/// be to block"): under consensus and modified consensus the weakest
/// objection (in a vote's units) that blocks rather than stands aside;
/// under consent, unless `dynamics.tolerance` is set, the loss of its own
/// a member cannot live with. A member who misreads a proposal objects
/// with about `merit_weight` (its stake aside), so a threshold at or below
/// it lets a misreading alone block. The first answer is the model's
/// default (written for "not sure"); the range is the one the rule map
/// samples (`scenarios/coalition-space.toml`).
pub const BLOCKING: [(&str, f64); 3] = [
    (
        "any objection they feel, even over a proposal they have misread",
        0.15,
    ),
    ("only a serious loss of their own", 0.3),
    ("only what they could not live with", 0.45),
];
/// The answer of [`BLOCKING`] that is the model's default.
pub const BLOCKING_DEFAULT: usize = 0;
/// `governance.stand_aside_limit` (docs/model.md, "Standing aside"): under
/// consensus and modified consensus (before its fallback), the largest
/// share of the voters who may stand aside for a proposal to pass. The
/// last answer (no limit) is the model's default (written for "not
/// sure"); the range is the one the rule map samples.
pub const STAND_ASIDE: [(&str, f64); 3] = [("a quarter", 0.25), ("half", 0.5), ("no limit", 1.0)];
/// The answer of [`STAND_ASIDE`] that is the model's default.
pub const STAND_ASIDE_DEFAULT: usize = 2;
/// "Not sure" how long a blocked proposal is negotiated: the rounds
/// explored (whole numbers, from one more meeting to three or more).
const NEGOTIATION_NOT_SURE: (i64, i64) = (1, 3);
/// `governance.voting` and `governance.quorum` (docs/model.md, "Who
/// votes"): None = every member is consulted; Some(q) = those at the
/// meeting decide when a share q of the members with a vote is there.
pub const VOTING: [(&str, Option<f64>); 4] = [
    ("every member is consulted", None),
    ("those at the meeting, however few", Some(0.0)),
    ("those at the meeting, if half are there", Some(0.5)),
    ("those at the meeting, if two thirds are there", Some(0.67)),
];

fn consulted() -> String {
    VOTING[0].0.to_string()
}

pub const RULES: [&str; 7] = [
    "consensus",
    "majority",
    "supermajority",
    "weighted",
    "committee",
    "modified_consensus",
    "consent",
];
/// The rules in words, for the questions in the terminal.
pub const RULE_WORDS: [&str; 7] = [
    "consensus: every member agrees, or stands aside",
    "majority: more than half of the members",
    "supermajority: two thirds of the members",
    "weighted: votes weighted by each member's resources",
    "committee: a steering committee's majority",
    "modified_consensus: consensus, with a two-thirds vote after two blocks",
    "consent: passes unless a member cannot live with it or a reasoned objection that it harms the aim stands",
];
pub const ROLES: [&str; 3] = ["founder", "member", "invited"];
pub const NOT_SURE: &str = "not sure";

/// The word `got` looked up in `table`, or an error naming `field` and
/// every allowed word.
pub fn pick<T: Copy>(
    path: &str,
    field: &str,
    got: &str,
    table: &[(&str, T)],
    not_sure: bool,
) -> anyhow::Result<Option<T>> {
    let g = got.trim().to_lowercase().replace('’', "'");
    if not_sure && g == NOT_SURE {
        return Ok(None);
    }
    if let Some((_, v)) = table.iter().find(|(w, _)| *w == g) {
        return Ok(Some(*v));
    }
    let mut allowed: Vec<String> = table.iter().map(|(w, _)| format!("\"{w}\"")).collect();
    if not_sure {
        allowed.push(format!("\"{NOT_SURE}\""));
    }
    Err(wrong(
        path,
        format!(
            "{field}: \"{got}\" is not an answer; allowed: {}",
            allowed.join(", ")
        ),
    ))
}

fn lo_hi<T: Copy + PartialOrd>(table: &[(&str, T)]) -> (T, T) {
    let mut lo = table[0].1;
    let mut hi = table[0].1;
    for (_, v) in table {
        if *v < lo {
            lo = *v;
        }
        if *v > hi {
            hi = *v;
        }
    }
    (lo, hi)
}

/// A TOML string literal.
fn q(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

fn num(x: f64) -> String {
    let v = toml::Value::Float((x * 1e6).round() / 1e6);
    v.to_string()
}

/// One optional question whose answer is the setting `key` (a full key,
/// `dynamics.pooling`): its answer is `answer` of the answers, a word of
/// `table`; "not sure" writes `table[default]`, the model's default, and
/// explores `key` over `not_sure` (None: the table's range, from its
/// lowest answer to its highest), described by `words`.
struct OptionalSetting {
    question: &'static str,
    answer: fn(&Answers) -> Option<&str>,
    table: &'static [(&'static str, f64)],
    default: usize,
    not_sure: Option<(f64, f64)>,
    key: &'static str,
    comment: &'static str,
    words: &'static str,
}

/// Writes `q`'s setting as `setting = value   # comment: answer` (the
/// caller is writing its section) only when answered: an answers file
/// from before the question writes nothing, which leaves the model's
/// default.
fn optional_setting(
    t: &mut String,
    uncertain: &mut Vec<(String, String, String)>,
    a: &Answers,
    q: &OptionalSetting,
) -> anyhow::Result<()> {
    let Some(answer) = (q.answer)(a) else {
        return Ok(());
    };
    let value = pick(q.question, q.question, answer, q.table, true)?;
    let setting = q.key.rsplit_once('.').map_or(q.key, |(_, s)| s);
    let _ = writeln!(
        t,
        "{setting} = {}   # {}: {answer}",
        num(value.unwrap_or(q.table[q.default].1)),
        q.comment
    );
    if value.is_none() {
        let (lo, hi) = q.not_sure.unwrap_or_else(|| lo_hi(q.table));
        uncertain.push((
            q.key.into(),
            format!("{}..{}", num(lo), num(hi)),
            q.words.into(),
        ));
    }
    Ok(())
}

/// The settings written in `[dynamics]` right after how a lost vote is
/// taken, each only when answered, in this order: how much of a member's
/// week goes on keeping in touch with each partner (no answer: emails,
/// calls and reading each other's updates, the model's default), how much
/// of the joint work is lost to coordinating (no answer: about a quarter
/// where twenty all coordinate), how much of a meeting reaches a member
/// second-hand (no answer: about half, from a briefing), how long a member
/// stays sore about a lost vote or a blocked change (no answer: about half
/// a year), how readily members walk away when things go badly (no
/// answer: they leave if it stays bad for a while) and whether members
/// bargain with their vote (no answer: sincere votes).
const AFTER_LOST_VOTE_SETTINGS: [OptionalSetting; 6] = [
    OptionalSetting {
        question: "coordination",
        answer: |a| a.coordination.as_deref(),
        table: &COORDINATION,
        default: COORDINATION_DEFAULT,
        not_sure: None,
        key: "dynamics.coordination_hours",
        comment: "hours a week each member spends keeping in touch with each member it coordinates with directly (all the others when everyone meets)",
        words: "hours a week each member spends per partner it coordinates with (not sure: a secretariat relays most of it to each partner expects calls or meetings of its own)",
    },
    OptionalSetting {
        question: "work_lost",
        answer: |a| a.work_lost.as_deref(),
        table: &WORK_LOST,
        default: WORK_LOST_DEFAULT,
        not_sure: None,
        key: "dynamics.coordination_loss",
        comment: "the joint work lost to coordinating, per partner a member coordinates with directly (where twenty all coordinate with each other, 16% of it is lost at 0.01, 28% at 0.02, 43% at 0.04)",
        words: "the share of joint work lost per partner a member coordinates with (not sure: about a sixth to about two fifths where twenty all coordinate)",
    },
    OptionalSetting {
        question: "second_hand",
        answer: |a| a.second_hand.as_deref(),
        table: &SECOND_HAND,
        default: SECOND_HAND_DEFAULT,
        not_sure: None,
        key: "dynamics.relay",
        comment: "the share of a meeting's clarity, concerns aired and follow-through records that reaches a member who was not in it (outside the steering committee or in another sub-group, absent from a decision, or through a junior representative)",
        words: "how much of a meeting reaches a member second-hand (not sure: a little, by word of mouth, to most of it, from good written minutes)",
    },
    OptionalSetting {
        question: "grudge",
        answer: |a| a.grudge.as_deref(),
        table: &GRUDGE,
        default: GRUDGE_DEFAULT,
        not_sure: None,
        key: "dynamics.resentment_decay",
        comment: "the share of a member's resentment at a lost vote or a blocked change that fades each week (half of it gone in about 11 weeks at 0.06, 23 at 0.03, 46 at 0.015)",
        words: "how fast a lost vote is forgotten, the share of resentment that fades each week (not sure: about a year to a few months)",
    },
    OptionalSetting {
        question: "leaving",
        answer: |a| a.leaving.as_deref(),
        table: &LEAVING,
        default: LEAVING_DEFAULT,
        not_sure: None,
        key: "dynamics.exit_threshold",
        comment: "the commitment (0 to 1) below which a member may walk away when things go badly",
        words: "how readily members walk away, the commitment below which a member may leave (not sure: they stay through a lot to they leave at the first serious disappointment)",
    },
    OptionalSetting {
        question: "bargaining",
        answer: |a| a.bargaining.as_deref(),
        table: &BARGAINING,
        default: 1,
        not_sure: None,
        key: "dynamics.holdout",
        comment: "a member whose support is needed holds it back to win a change",
        words: "how often a member holds out for a change (not sure: never to often)",
    },
];

/// How many may stand aside under consensus (an answers file from before
/// the question means no limit, the model's default).
const STAND_ASIDE_SETTING: OptionalSetting = OptionalSetting {
    question: "stand_aside",
    answer: |a| a.stand_aside.as_deref(),
    table: &STAND_ASIDE,
    default: STAND_ASIDE_DEFAULT,
    not_sure: None,
    key: "governance.stand_aside_limit",
    comment: "the largest share of the voters who may stand aside before a proposal counts as not ready (consensus, modified consensus)",
    words: "the largest share of the voters who may stand aside under consensus (not sure: a quarter to no limit)",
};

/// How proposals are made, discussed and negotiated, and what blocks, in
/// the order they are written in `[dynamics]` after the rounds of
/// negotiation: how far one proposal goes toward its proposer, what
/// members weigh when they vote, how many proposals would help the
/// coalition, how often discussion puts right a member who misread a
/// proposal, how differently members weigh the same proposal, what a round
/// of negotiating a blocked proposal costs (each member's time, how far it
/// concedes, how much it holds up the work) and what is enough for one
/// member to block. An answers file from before the questions means the
/// model's defaults.
const PROPOSAL_SETTINGS: [OptionalSetting; 9] = [
    OptionalSetting {
        question: "proposal_size",
        answer: |a| a.proposal_size.as_deref(),
        table: &PROPOSAL_SIZE,
        default: 1,
        not_sure: None,
        key: "dynamics.proposal_step",
        comment: "one proposal goes toward what its proposer wants",
        words: "how far one proposal goes toward what its proposer wants (not sure: a small step to most of the way)",
    },
    OptionalSetting {
        question: "common_good",
        answer: |a| a.common_good.as_deref(),
        table: &COMMON_GOOD,
        default: 1,
        not_sure: None,
        key: "dynamics.merit_weight",
        comment: "what members weigh when they vote",
        words: "how much members weigh the coalition's needs against their own stake in a vote (not sure: their own stake to the coalition's needs as much)",
    },
    OptionalSetting {
        question: "proposal_record",
        answer: |a| a.proposal_record.as_deref(),
        table: &PROPOSAL_RECORD,
        default: PROPOSAL_RECORD_DEFAULT,
        not_sure: None,
        key: "dynamics.proposal_quality",
        comment: "the share of the proposals put to a vote that would help the coalition if adopted",
        words: "the share of the proposals put to a vote that would help the coalition (not sure: about half to eight or nine in ten)",
    },
    OptionalSetting {
        question: "discussion",
        answer: |a| a.discussion.as_deref(),
        table: &DISCUSSION,
        default: 1,
        not_sure: None,
        key: "dynamics.pooling",
        comment: "discussion puts right a member who misjudged a proposal",
        words: "how often discussion puts right a member who misjudged a proposal (not sure: rarely to often)",
    },
    OptionalSetting {
        question: "weighing",
        answer: |a| a.weighing.as_deref(),
        table: &WEIGHING,
        default: WEIGHING_DEFAULT,
        not_sure: Some(WEIGHING_NOT_SURE),
        key: "dynamics.merit_perception",
        comment: "how differently members weigh the same proposal (a member who misreads one and feels it strongly is the one who blocks under consensus)",
        words: "how differently members weigh the same proposal (not sure: all alike to some barely at all and others twice the typical weight)",
    },
    OptionalSetting {
        question: "negotiation_hours",
        answer: |a| a.negotiation_hours.as_deref(),
        table: &NEGOTIATION_HOURS,
        default: 1,
        not_sure: None,
        key: "dynamics.amendment_hours",
        comment: "each member's time on one round of reworking a blocked proposal",
        words: "hours each member spends on one round of reworking a blocked proposal (not sure: a quarter of an hour to an hour or more)",
    },
    OptionalSetting {
        question: "concessions",
        answer: |a| a.concessions.as_deref(),
        table: &CONCESSIONS,
        default: 1,
        not_sure: None,
        key: "dynamics.amendment_move",
        comment: "a reworked proposal moves toward the objectors it needs",
        words: "how far a reworked proposal moves toward the objectors it needs (not sure: a little to most of the way)",
    },
    OptionalSetting {
        question: "holdup",
        answer: |a| a.holdup.as_deref(),
        table: &HOLDUP,
        default: 1,
        not_sure: None,
        key: "dynamics.amendment_delay",
        comment: "reworking a disputed proposal holds up the coalition's work",
        words: "how much reworking a disputed proposal holds up the work, per holdout and round (not sure: hardly at all to a lot)",
    },
    OptionalSetting {
        question: "blocking",
        answer: |a| a.blocking.as_deref(),
        table: &BLOCKING,
        default: BLOCKING_DEFAULT,
        not_sure: None,
        key: "dynamics.block_threshold",
        comment: "the weakest objection that blocks under consensus, weaker ones stand aside (a member who misreads a proposal objects with about merit_weight; under consent, the loss of its own a member cannot live with)",
        words: "how serious an objection must be to block under consensus, and under consent the loss a member cannot live with (not sure: any objection to only what a member could not live with)",
    },
];

/// A note when the answer on blocking and the answer on what members weigh
/// say different things of a member who misreads a proposal: it objects
/// with about `merit_weight` (its stake aside, give or take its trust in
/// the proposer: at most `trust_weight` × the larger of `trust_neutral`
/// and 1 − `trust_neutral`, at the model's defaults), and under consensus
/// an objection at least `block_threshold` strong blocks. Only for answers
/// both given (not "not sure"; common_good unanswered is its default). A
/// misreading "stands aside" only if the member who feels it most strongly
/// (`merit_weight` × (1 + the answer on weighing; "not sure": 1)) does.
fn misreading_note(a: &Answers) -> Option<String> {
    let answer = a.blocking.as_deref()?;
    let threshold = pick("blocking", "blocking", answer, &BLOCKING, true).ok()??;
    let weighs = match a.common_good.as_deref() {
        Some(w) => pick("common_good", "common_good", w, &COMMON_GOOD, true).ok()??,
        None => COMMON_GOOD[1].1,
    };
    // How much more strongly than most the member who feels a misreading
    // most may feel it (the answer on weighing; "not sure": its widest).
    let spread = match a.weighing.as_deref() {
        Some(w) => pick("weighing", "weighing", w, &WEIGHING, true)
            .ok()?
            .unwrap_or(WEIGHING_NOT_SURE.1),
        None => 0.0,
    };
    let default = BLOCKING[BLOCKING_DEFAULT].1;
    let d = super::Dynamics::default();
    let trust = d.trust_weight * d.trust_neutral.max(1.0 - d.trust_neutral);
    if threshold > default && weighs >= threshold {
        Some(format!(
            "under consensus a member who misreads a proposal objects about as strongly as members weigh the coalition's needs ({}), and an objection of {} or more blocks: a misreading alone can block, though the answer on blocking is \"{answer}\"; \"{}\" keeps it from blocking alone.",
            num(weighs),
            num(threshold),
            BLOCKING[2].0
        ))
    } else if threshold <= default && weighs * (1.0 + spread) + trust < threshold {
        Some(format!(
            "under consensus a member who misreads a proposal objects about as strongly as members weigh the coalition's needs ({}), less than the {} a block needs: a misreading alone stands aside, though the answer on blocking is \"{answer}\"; only a loss of its own makes a member block.",
            num(weighs),
            num(threshold)
        ))
    } else {
        None
    }
}

/// Checks the answers and writes the commented scenario (TOML text).
pub fn scenario_text(a: &Answers) -> anyhow::Result<String> {
    if a.name.trim().is_empty() {
        return Err(wrong(
            "name",
            "name: empty; give the coalition's name".into(),
        ));
    }
    if a.issues.is_empty() || a.issues.iter().any(|i| i.trim().is_empty()) {
        return Err(wrong(
            "issues",
            "issues: give at least one issue by name, the shared goal first".into(),
        ));
    }
    if a.issues.len() > 8 {
        return Err(wrong(
            "issues",
            format!("issues: {} issues; allowed: at most 8", a.issues.len()),
        ));
    }
    if a.organisation.len() < 2 {
        return Err(wrong(
            "organisation",
            format!(
                "organisation: {} organisation(s); allowed: at least two",
                a.organisation.len()
            ),
        ));
    }
    let d = a.issues.len();
    let mut uncertain: Vec<(String, String, String)> = Vec::new(); // key, range, words
    let names: Vec<&str> = a.organisation.iter().map(|o| o.name.trim()).collect();
    for (i, n) in names.iter().enumerate() {
        if n.is_empty() {
            return Err(wrong(
                format!("organisation[{i}].name"),
                format!("organisation {}: name is empty", i + 1),
            ));
        }
        if names[..i].contains(n) {
            return Err(wrong(
                format!("organisation[{i}].name"),
                format!("organisation {}: \"{n}\" is named twice", i + 1),
            ));
        }
    }
    let founders = a
        .organisation
        .iter()
        .filter(|o| o.role.trim() == "founder")
        .count();
    if founders == 0 {
        return Err(wrong(
            "organisation",
            "organisation: no organisation has role \"founder\"; the coalition needs one that starts it".into(),
        ));
    }
    // How well members judge a proposal: written on each organisation only
    // when answered (an answers file from before the question leaves each
    // at the model's default, and writes nothing).
    let judgment = match a.judgment.as_deref() {
        Some(answer) => Some((
            answer,
            pick("judgment", "judgment", answer, &JUDGMENT, true)?,
        )),
        None => None,
    };
    let mut agents = String::new();
    let mut total_resources = 0.0;
    let mut total_lo = 0.0;
    let mut total_hi = 0.0;
    let mut notes: Vec<String> = Vec::new();
    for (i, o) in a.organisation.iter().enumerate() {
        let field = |f: &str| format!("organisation {} ({}): {f}", i + 1, o.name.trim());
        let role = o.role.trim();
        if !ROLES.contains(&role) {
            return Err(wrong(
                format!("organisation[{i}].role"),
                format!(
                    "{}: \"{role}\" is not an answer; allowed: \"founder\", \"member\", \"invited\"",
                    field("role")
                ),
            ));
        }
        if o.wants.len() != d || o.cares.len() != d {
            let which = if o.wants.len() != d { "wants" } else { "cares" };
            return Err(wrong(
                format!("organisation[{i}].{which}"),
                format!(
                    "{}: {} answer(s) for wants and {} for cares; allowed: one per issue ({d}: {})",
                    field("wants/cares"),
                    o.wants.len(),
                    o.cares.len(),
                    a.issues.join(", ")
                ),
            ));
        }
        let mut pos = Vec::new();
        let mut sal = Vec::new();
        let mut comments = Vec::new();
        for k in 0..d {
            let p = pick(
                &format!("organisation[{i}].wants[{k}]"),
                &field(&format!("wants[{}]", k + 1)),
                &o.wants[k],
                &WANTS,
                true,
            )?;
            let s = pick(
                &format!("organisation[{i}].cares[{k}]"),
                &field(&format!("cares[{}]", k + 1)),
                &o.cares[k],
                &CARES,
                true,
            )?;
            if p.is_none() || s.is_none() {
                notes.push(format!(
                    "{}'s stance or weight on \"{}\" is not sure: set to the middle ({}), since explore cannot vary one entry of a list; try both ends by hand.",
                    o.name.trim(),
                    a.issues[k],
                    if p.is_none() { "neutral" } else { "somewhat" }
                ));
            }
            pos.push(p.unwrap_or(0.0));
            sal.push(s.unwrap_or(0.5));
            comments.push(format!(
                "{}: {}, cares {}",
                a.issues[k], o.wants[k], o.cares[k]
            ));
        }
        let r = pick(
            &format!("organisation[{i}].resources"),
            &field("resources"),
            &o.resources,
            &RESOURCES,
            true,
        )?;
        let (rlo, rhi) = lo_hi(&RESOURCES[..3]);
        let res = r.unwrap_or(RESOURCES[1].1);
        if r.is_none() {
            uncertain.push((
                format!("agent.{i}.resources"),
                format!("{}..{}", num(rlo), num(rhi)),
                format!("{}'s resources (not sure: small to large)", o.name.trim()),
            ));
            total_lo += rlo;
            total_hi += rhi;
        } else {
            total_lo += res;
            total_hi += res;
        }
        total_resources += res;
        let rel = pick(
            &format!("organisation[{i}].delivers"),
            &field("delivers"),
            &o.delivers,
            &DELIVERS,
            true,
        )?;
        if rel.is_none() {
            let (lo, hi) = lo_hi(&DELIVERS);
            uncertain.push((
                format!("agent.{i}.reliability"),
                format!("{}..{}", num(lo), num(hi)),
                format!("whether {} does what it promised (not sure)", o.name.trim()),
            ));
        }
        for k in &o.knows {
            if !names.contains(&k.trim()) {
                return Err(wrong(
                    format!("organisation[{i}].knows"),
                    format!(
                        "{}: \"{k}\" is not one of the organisations ({})",
                        field("knows"),
                        names.join(", ")
                    ),
                ));
            }
        }
        let _ = writeln!(agents, "[[agent]]");
        let _ = writeln!(agents, "name = {}", q(o.name.trim()));
        let _ = writeln!(agents, "# {}", comments.join("; "));
        let _ = writeln!(
            agents,
            "position = [{}]",
            pos.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", ")
        );
        let _ = writeln!(
            agents,
            "salience = [{}]",
            sal.iter().map(|x| num(*x)).collect::<Vec<_>>().join(", ")
        );
        let _ = writeln!(agents, "resources = {}   # {}", num(res), o.resources);
        let _ = writeln!(
            agents,
            "reliability = {}   # delivers: {}",
            num(rel.unwrap_or(DELIVERS[1].1)),
            o.delivers
        );
        if let Some((answer, value)) = judgment {
            let _ = writeln!(
                agents,
                "judgment = {}   # the chance it judges rightly whether a proposal would help the coalition: {answer}",
                num(value.unwrap_or(JUDGMENT[JUDGMENT_DEFAULT].1))
            );
        }
        let _ = writeln!(agents, "urgency = URGENCY");
        match role {
            "founder" => {
                let _ = writeln!(agents, "founder = true");
            }
            "member" => {
                let _ = writeln!(agents, "member = true");
            }
            _ => {}
        }
        if !o.knows.is_empty() {
            let _ = writeln!(
                agents,
                "knows = [{}]",
                o.knows
                    .iter()
                    .map(|k| q(k.trim()))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        let _ = writeln!(agents);
    }
    // What the work runs on: unanswered (an answers file from before the
    // question) is the money members bring, as the model had it then.
    let runs_on = a.work_runs_on.as_deref().unwrap_or(WORK_RUNS_ON[0].0);
    let follows = pick("work_runs_on", "work_runs_on", runs_on, &WORK_RUNS_ON, true)?;
    let carried = pick("work", "work", &a.work, &WORK, true)?;
    if carried == Some(WORK[0].1) && follows == Some(WORK_RUNS_ON[2].1) {
        notes.push(format!(
            "staff or contractors carry out the decisions, yet the work runs on members' own time: if the staff are paid from what members bring, \"{}\" or \"{}\" may fit better.",
            WORK_RUNS_ON[0].0, WORK_RUNS_ON[1].0
        ));
    }
    if let Some(n) = misreading_note(a) {
        notes.push(n);
    }
    let mut t = String::new();
    let _ = writeln!(
        t,
        "# {} — written by `coalsim new` from the answers in words.\n#\n# Each number below comes from an answer (shown in the comment beside it);\n# what you were not sure of is a range in [explore.uncertain] at the end.\n# Next: coalsim explore THIS_FILE   (which rule holds up)\n#       coalsim charter THIS_FILE   (a draft charter with the evidence)",
        a.name.trim()
    );
    for n in &notes {
        let _ = writeln!(t, "# Note: {n}");
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "name = {}", q(a.name.trim()));
    let _ = writeln!(t, "description = {}", q(a.purpose.trim()));
    let _ = writeln!(t, "seed = 1");
    let weeks = match &a.deadline_weeks {
        toml::Value::Integer(w) if (4..=520).contains(w) => Some(*w),
        toml::Value::String(s) if s.trim() == NOT_SURE => None,
        other => {
            return Err(wrong(
                "deadline_weeks",
                format!(
                    "deadline_weeks: {other} is not an answer; allowed: a whole number of weeks from 4 to 520, or \"not sure\""
                ),
            ));
        }
    };
    let _ = writeln!(
        t,
        "max_rounds = {}   # deadline: {} (a round is a week)",
        weeks.unwrap_or(104),
        value_words(&a.deadline_weeks)
    );
    if weeks.is_none() {
        uncertain.push((
            "max_rounds".into(),
            "52..156".into(),
            "weeks until the deadline (not sure: one to three years)".into(),
        ));
    }
    let _ = writeln!(t, "issues = {d}   # {}", a.issues.join("; "));
    let _ = writeln!(t);
    let goal = pick("goal", "goal", &a.goal, &GOAL, true)?;
    let k = goal.unwrap_or(GOAL[1].1);
    let _ = writeln!(t, "[goal]");
    let _ = writeln!(
        t,
        "# \"{}\": {} weeks of every organisation's full effort ({} × their resources added up, {})",
        a.goal,
        num(k),
        num(k),
        num(total_resources)
    );
    let _ = writeln!(t, "size = {}", num(k * total_resources));
    if goal.is_none() {
        let (lo, hi) = lo_hi(&GOAL);
        uncertain.push((
            "goal.size".into(),
            format!("{}..{}", num(lo * total_lo), num(hi * total_hi)),
            "size of the goal (not sure: small to large)".into(),
        ));
    }
    let win = pick("first_win", "first_win", &a.first_win, &FIRST_WIN, false)?.unwrap_or(0.1);
    if win > 0.0 {
        let _ = writeln!(
            t,
            "milestones = [{}]   # first win: {}",
            num(win),
            a.first_win
        );
    } else {
        let _ = writeln!(t, "milestones = []   # first win: none");
    }
    let _ = writeln!(t, "scope = [0]   # the shared goal: {}", a.issues[0]);
    let _ = writeln!(t);
    let rule = a.draft_rule.trim();
    if !RULES.contains(&rule) {
        return Err(wrong(
            "draft_rule",
            format!(
                "draft_rule: \"{rule}\" is not an answer; allowed: {}",
                RULES.map(|r| format!("\"{r}\"")).join(", ")
            ),
        ));
    }
    let meet = pick("meetings", "meetings", &a.meetings, &MEETINGS, true)?;
    let _ = writeln!(t, "[governance]");
    let _ = writeln!(
        t,
        "decision_rule = {}   # the rule you lean to now",
        q(rule)
    );
    let _ = writeln!(
        t,
        "checkin_every = {}   # meetings: {}",
        meet.unwrap_or(2),
        a.meetings
    );
    // Not sure who votes: decisions at meetings, the quorum explored from
    // none to two thirds.
    match pick("voting", "voting", &a.voting, &VOTING, true)? {
        Some(None) => {
            let _ = writeln!(t, "voting = \"everyone\"   # who votes: {}", a.voting);
        }
        quorum => {
            let _ = writeln!(t, "voting = \"attendees\"   # who votes: {}", a.voting);
            let _ = writeln!(t, "quorum = {}", num(quorum.flatten().unwrap_or(0.0)));
            if quorum.is_none() {
                uncertain.push((
                    "governance.quorum".into(),
                    "0.0..0.67".into(),
                    "the quorum of a decision meeting (not sure: none to two thirds)".into(),
                ));
            }
        }
    }
    // How many may stand aside under consensus: written only when
    // answered.
    optional_setting(&mut t, &mut uncertain, a, &STAND_ASIDE_SETTING)?;
    let _ = writeln!(t);
    let shocks = pick(
        "outside_shocks",
        "outside_shocks",
        &a.outside_shocks,
        &SHOCKS,
        true,
    )?;
    let _ = writeln!(t, "[shocks]");
    let _ = writeln!(
        t,
        "rate = {}   # outside shocks: {} (chance per week)",
        num(shocks.unwrap_or(SHOCKS[1].1)),
        a.outside_shocks
    );
    if shocks.is_none() {
        let (lo, hi) = lo_hi(&SHOCKS);
        uncertain.push((
            "shocks.rate".into(),
            format!("{}..{}", num(lo), num(hi)),
            "how often outside shocks hit (not sure: rarely to often)".into(),
        ));
    }
    let _ = writeln!(t);
    let trust = pick(
        "trust_strangers",
        "trust_strangers",
        &a.trust_strangers,
        &TRUST,
        true,
    )?;
    let _ = writeln!(t, "[trust]");
    let _ = writeln!(
        t,
        "strangers = {}   # trust between organisations that do not know each other: {}",
        num(trust.unwrap_or(TRUST[1].1)),
        a.trust_strangers
    );
    if trust.is_none() {
        let (lo, hi) = lo_hi(&TRUST);
        uncertain.push((
            "trust.strangers".into(),
            format!("{}..{}", num(lo), num(hi)),
            "trust between organisations that do not know each other (not sure)".into(),
        ));
    }
    let _ = writeln!(t);
    let work = carried;
    let lost = pick("lost_vote", "lost_vote", &a.lost_vote, &LOST_VOTE, true)?;
    let _ = writeln!(t, "[dynamics]");
    let _ = writeln!(
        t,
        "implementation_need = {}   # who carries out the decisions: {}",
        num(work.unwrap_or(WORK[1].1)),
        a.work
    );
    let _ = writeln!(
        t,
        "outvoted_cost = {}   # a member who loses a vote: {}",
        num(lost.unwrap_or(LOST_VOTE[1].1)),
        a.lost_vote
    );
    // Keeping in touch, the work lost to coordinating, how much of a
    // meeting reaches a member second-hand, how long a lost vote is
    // remembered, how readily members walk away, whether members bargain
    // with their vote: each written only when answered.
    for q in &AFTER_LOST_VOTE_SETTINGS {
        optional_setting(&mut t, &mut uncertain, a, q)?;
    }
    // How long a blocked proposal is negotiated: written only when
    // answered (an answers file from before the question means one more
    // meeting, the model's default). An integer key: "not sure" is a
    // range of whole rounds.
    if let Some(answer) = &a.negotiation {
        let rounds = pick("negotiation", "negotiation", answer, &NEGOTIATION, true)?;
        let _ = writeln!(
            t,
            "amendments = {}   # a blocked proposal is negotiated before it is dropped: {}",
            rounds.unwrap_or(NEGOTIATION[1].1),
            answer
        );
        if rounds.is_none() {
            let (lo, hi) = NEGOTIATION_NOT_SURE;
            uncertain.push((
                "dynamics.amendments".into(),
                format!("{lo}..{hi}"),
                "rounds of negotiation a blocked proposal gets (not sure: one more meeting to three or more)".into(),
            ));
        }
    }
    // How proposals are made, discussed and negotiated, and what blocks:
    // each written only when answered.
    for q in &PROPOSAL_SETTINGS {
        optional_setting(&mut t, &mut uncertain, a, q)?;
    }
    if work.is_none() {
        let (lo, hi) = lo_hi(&WORK);
        uncertain.push((
            "dynamics.implementation_need".into(),
            format!("{}..{}", num(lo), num(hi)),
            "who carries out the decisions (not sure: staff to the members' own volunteers)".into(),
        ));
    }
    if lost.is_none() {
        let (lo, hi) = lo_hi(&LOST_VOTE);
        uncertain.push((
            "dynamics.outvoted_cost".into(),
            format!("{}..{}", num(lo), num(hi)),
            "how a member takes losing a vote (not sure: moves on to takes it personally)".into(),
        ));
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "[population]   # only the organisations named below");
    let _ = writeln!(t, "count = 0");
    let _ = writeln!(t, "founders = 0");
    let _ = writeln!(t, "initial_members = 0");
    let _ = writeln!(
        t,
        "work_follows_resources = {}   # the work runs on: {}{}",
        num(follows.unwrap_or(WORK_RUNS_ON[1].1)),
        runs_on,
        if a.work_runs_on.is_none() {
            " (not answered: the answers file predates the question)"
        } else {
            ""
        }
    );
    if follows.is_none() {
        let (lo, hi) = lo_hi(&WORK_RUNS_ON);
        uncertain.push((
            "population.work_follows_resources".into(),
            format!("{}..{}", num(lo), num(hi)),
            "what the work runs on (not sure: members' own time to the money they bring)".into(),
        ));
    }
    let _ = writeln!(t);
    let urgency = pick("urgency", "urgency", &a.urgency, &URGENCY, true)?;
    let agents = agents.replace(
        "urgency = URGENCY",
        &format!(
            "urgency = {}   # the goal is {}",
            num(urgency.unwrap_or(URGENCY[1].1)),
            a.urgency
        ),
    );
    if urgency.is_none() {
        let (lo, hi) = lo_hi(&URGENCY);
        for (i, o) in a.organisation.iter().enumerate() {
            uncertain.push((
                format!("agent.{i}.urgency"),
                format!("{}..{}", num(lo), num(hi)),
                format!("how urgent the goal is for {} (not sure)", o.name.trim()),
            ));
        }
    }
    if let Some((_, None)) = judgment {
        let (lo, hi) = JUDGMENT_NOT_SURE;
        for (i, o) in a.organisation.iter().enumerate() {
            uncertain.push((
                format!("agent.{i}.judgment"),
                format!("{}..{}", num(lo), num(hi)),
                format!(
                    "how well {} judges whether a proposal would help the coalition (not sure: members new to the field to specialists)",
                    o.name.trim()
                ),
            ));
        }
    }
    t.push_str(&agents);
    let rules: Vec<&str> = if a.rules.is_empty() {
        RULES.to_vec()
    } else {
        let mut v = Vec::new();
        for (j, r) in a.rules.iter().enumerate() {
            let r = r.trim();
            if !RULES.contains(&r) {
                return Err(wrong(
                    format!("rules[{j}]"),
                    format!(
                        "rules: \"{r}\" is not a rule; allowed: {}",
                        RULES.map(|r| format!("\"{r}\"")).join(", ")
                    ),
                ));
            }
            if !v.contains(&r) {
                v.push(r);
            }
        }
        if v.len() < 2 {
            return Err(wrong(
                "rules",
                "rules: give at least two rules to compare, or leave the list empty for all seven"
                    .into(),
            ));
        }
        v
    };
    let _ = writeln!(
        t,
        "# What you were not sure of: `coalsim explore` samples coalitions across these ranges."
    );
    let _ = writeln!(t, "[explore.uncertain]");
    for (key, range, words) in &uncertain {
        let _ = writeln!(t, "{} = {}   # {words}", q(key), q(range));
    }
    if uncertain.is_empty() {
        let (lo, hi) = lo_hi(&TRUST);
        let _ = writeln!(
            t,
            "# You were sure of everything; explore still needs one range, so trust is varied a little.\n\"trust.strangers\" = {}",
            q(&format!("{}..{}", num(lo), num(hi)))
        );
    }
    let _ = writeln!(t);
    let _ = writeln!(t, "# The rules on the table.");
    let _ = writeln!(t, "[explore.policy]");
    let _ = writeln!(
        t,
        "\"governance.decision_rule\" = [{}]",
        rules.iter().map(|r| q(r)).collect::<Vec<_>>().join(", ")
    );
    if meet.is_none() {
        let _ = writeln!(
            t,
            "\"governance.checkin_every\" = [1, 2, 4]   # meetings: not sure (weekly, every two weeks, monthly)"
        );
    }
    Ok(t)
}

pub fn value_words(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => format!("{i} weeks"),
        other => other.to_string(),
    }
}

/// The answers checked, turned into scenario text, and the text loaded back
/// as a scenario with its `[explore]` table (so what is written always
/// validates). `name` names the file in messages.
pub fn scenario(a: &Answers, name: &str) -> anyhow::Result<String> {
    let text = scenario_text(a)?;
    let file = crate::scenario::ScenarioFile::load(crate::scenario::Source {
        name: name.to_string(),
        text: text.clone(),
    })
    .map_err(|e| {
        anyhow::anyhow!(
            "the written scenario does not validate (a bug: please report it with your answers): {e}"
        )
    })?;
    crate::study::explore::from_file(&file)?;
    Ok(text)
}

/// Every list of answers a question allows, in the order they are offered
/// (for a form that shows them; "not sure" is added where allowed).
pub fn choices() -> serde_json::Value {
    fn words(t: &[(&'static str, f64)]) -> Vec<&'static str> {
        t.iter().map(|(w, _)| *w).collect()
    }
    let sure = |mut v: Vec<&'static str>| {
        v.push(NOT_SURE);
        v
    };
    serde_json::json!({
        "goal": sure(words(&GOAL)),
        "first_win": words(&FIRST_WIN),
        "urgency": sure(words(&URGENCY)),
        "meetings": sure(MEETINGS.iter().map(|(w, _)| *w).collect()),
        "coordination": sure(words(&COORDINATION)),
        "work_lost": sure(words(&WORK_LOST)),
        "second_hand": sure(words(&SECOND_HAND)),
        "outside_shocks": sure(words(&SHOCKS)),
        "trust_strangers": sure(words(&TRUST)),
        "work": sure(words(&WORK)),
        "work_runs_on": sure(words(&WORK_RUNS_ON)),
        "lost_vote": sure(words(&LOST_VOTE)),
        "grudge": sure(words(&GRUDGE)),
        "leaving": sure(words(&LEAVING)),
        "bargaining": sure(words(&BARGAINING)),
        "negotiation": sure(NEGOTIATION.iter().map(|(w, _)| *w).collect()),
        "proposal_size": sure(words(&PROPOSAL_SIZE)),
        "common_good": sure(words(&COMMON_GOOD)),
        "proposal_record": sure(words(&PROPOSAL_RECORD)),
        "judgment": sure(words(&JUDGMENT)),
        "discussion": sure(words(&DISCUSSION)),
        "weighing": sure(words(&WEIGHING)),
        "negotiation_hours": sure(words(&NEGOTIATION_HOURS)),
        "concessions": sure(words(&CONCESSIONS)),
        "holdup": sure(words(&HOLDUP)),
        "blocking": sure(words(&BLOCKING)),
        "stand_aside": sure(words(&STAND_ASIDE)),
        "voting": sure(VOTING.iter().map(|(w, _)| *w).collect()),
        "role": ROLES,
        "resources": sure(words(&RESOURCES)),
        "delivers": sure(words(&DELIVERS)),
        "wants": sure(words(&WANTS)),
        "cares": sure(words(&CARES)),
        "rules": RULES,
        "rule_words": RULE_WORDS,
    })
}
