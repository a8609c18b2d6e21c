//! The lesson library: every lesson of the source texts as a scenario file
//! with variants, and the claim the texts make about them.
//!
//! A claim is a hypothesis about the direction of an effect (e.g. "the
//! urgency trap lowers the success probability"); `coalsim lesson` and the
//! lesson tests measure it with common random numbers and a paired
//! interval. The effect itself comes from the mechanisms; nothing here
//! touches the engine.

/// One link of a lesson's causal chain and the overrides that cut it.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// The mechanism, in words ("resentment of the outvoted").
    pub name: &'static str,
    /// Overrides applied to every variant, as `(dotted key, TOML value)`.
    pub set: &'static [(&'static str, &'static str)],
}

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
    /// The causal path in the model that produces the effect.
    pub path: &'static str,
    /// The links of that path, each with the overrides that cut it
    /// (`coalsim lesson NAME --ablate`).
    pub links: &'static [Link],
}

macro_rules! lesson {
    ($name:literal, $section:literal, [$($claim:expr),+ $(,)?], $path:literal $(,)?) => {
        lesson!($name, $section, [$($claim),+], $path, links: [])
    };
    ($name:literal, $section:literal, [$($claim:expr),+ $(,)?], $path:literal,
     links: [$(($link:literal, [$(($k:literal, $v:literal)),+ $(,)?])),* $(,)?] $(,)?) => {
        Lesson {
            name: $name,
            section: $section,
            toml: include_str!(concat!("../../../../scenarios/", $name, ".toml")),
            claims: &[$($claim),+],
            path: $path,
            links: &[$(Link { name: $link, set: &[$(($k, $v)),+] }),*],
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

const fn higher(measure: &'static str, variant: usize) -> Claim {
    Claim::Paired {
        measure,
        variant,
        higher: true,
    }
}

/// Every lesson, in teaching order.
pub const LESSONS: &[Lesson] = &[
    lesson!(
        "narrow-first-win",
        "Start with a Clear, Narrow Win",
        [lower("success", 1)],
        "Members judge whether the coalition can deliver by the pace its results show (engagement phase: efficacy relaxes toward the progress of the last milestone ÷ the share of the horizon gone, at impatience × urgency; with no result yet, toward 0). A milestone is a verified result: efficacy and legitimacy move result_weight of the way toward the pace it shows and trust toward each member's record (progress phase), at the price of stage_rounds of planning the next stage. With one big goal nothing is shown until the end: efficacy decays, commitment and engagement fall and members leave (exit phase).",
        links: [
            ("the pace a result shows", [("dynamics.result_weight", "0.0")]),
            ("confidence revised toward the pace shown", [("dynamics.impatience", "0.0")]),
            ("planning the next stage", [("dynamics.stage_rounds", "0")]),
        ]
    ),
    lesson!(
        "urgency-trap",
        "The Urgency Trap",
        [lower("success", 1)],
        "With setup = on_conflict there is no forum: every proposal goes ahead over its objectors, a bad one too (no vote can stop a proposal that harms the coalition, and the objections it raises pile up as hidden ones), and the objectors' buy-in falls (decisions carried out without buy-in, implementation_need) and whose objections become hidden (decision phase), lowering follow-through (contribution) and commitment; when one reaches conflict_threshold a crisis cuts trust by conflict_damage × hidden and forces a setup that lasts longer at lower trust, during which the conflict is negotiated every week (amendment_hours each, amendment_delay of the working time per erupted objection). Early setup instead maps the agenda to members' interests and adds clarity before the first decision.",
        links: [
            ("objections hidden with no forum", [("dynamics.hidden_gain", "0.0")]),
            ("hidden objection in commitment and follow-through", [("dynamics.w_hidden", "0.0")]),
            ("decisions carried out without buy-in", [("dynamics.implementation_need", "0.0")]),
            ("bad proposals go ahead with no forum", [("dynamics.proposal_quality", "1.0")]),
            ("trust damage of the crisis", [("dynamics.conflict_damage", "0.0")]),
            ("working time and hours of negotiating the crisis", [("dynamics.amendment_delay", "0.0"), ("dynamics.amendment_hours", "0.0")]),
        ]
    ),
    lesson!(
        "communication-routines",
        "Invest in Communication Routines",
        [lower("success", 1), lower("hours_per_member_month", 1)],
        "Members learn the steps and each other's reliability through several channels: each decision taken, once (decision_clarity), milestones (agreement_clarity, and the records they reveal), work seen outside meetings (visibility) and check-ins. A check-in adds checkin_clarity of each attendee's missing clarity (alignment) and pulls trust toward the follow-through record (transparency); without check-ins clarity rests on the other channels and settles lower, and once gap_tolerance rounds pass with no check-in or result, trust drifts toward the pessimistic level (trust phase), so commitment and engagement fall. Each check-in costs checkin_hours.",
        links: [
            ("clarity refreshed at check-ins", [("dynamics.checkin_clarity", "0.0")]),
            ("trust pulled to the record at check-ins", [("dynamics.transparency", "0.0")]),
            ("negative assumptions in the gap", [("dynamics.assumption_decay", "0.0")]),
            ("clarity from decisions taken (another channel)", [("dynamics.decision_clarity", "0.0")]),
        ]
    ),
    lesson!(
        "exit-planning",
        "Plan for Exit",
        [lower("peak_members", 1), lower("total_contributions", 1)],
        "In every coalition members weigh the cost of being trapped: how trapped they could be is the damage an exit would do to the relationships they leave (abrupt_exit_damage with no protocol, graceful_exit_damage with one, as a share of the larger). It raises the bar to joining and to leaving (exit_barrier × trapped: recruitment utility, exit threshold) and members hold back effort in proportion to it and to their commitment shortfall (hedge × trapped, contribution phase). With no protocol fewer join and members hedge; a graceful protocol costs easier departures: members who would stay on, trapped, leave with their work.",
        links: [
            ("barrier weighed when joining and leaving", [("dynamics.exit_barrier", "0.0")]),
            ("hedged effort", [("dynamics.hedge", "0.0")]),
            ("what an exit damages", [("dynamics.graceful_exit_damage", "0.06")]),
        ]
    ),
    lesson!(
        "consensus-illusion",
        "The Consensus Illusion",
        [lower("success", 1)],
        "Under silence_as_consent an objection is voiced only with probability e·(voice_base + (1 − voice_base)·τ); unvoiced ones count as yes and accumulate as hidden objection, which lowers follow-through and commitment; solicited dissent instead leads to an amendment, and check-ins air hidden concerns.",
        links: [
            ("unvoiced objections turn hidden", [("dynamics.hidden_gain", "0.0")]),
            ("hidden objection in commitment and follow-through", [("dynamics.w_hidden", "0.0")]),
        ]
    ),
    lesson!(
        "mission-creep",
        "Mission Creep Without Re-Alignment",
        [lower("success", 1)],
        "An expansion spreads the same work over one more front: focus is re-split, so members whose interests are not in the new part lose support (alignment, commitment); the new front's share of the effort has no plan and no worked-out steps yet, so direction and every member's clarity lose that share of their excess over their floors; and the new front adds its work to the goal. Imposed, the new front takes an equal share and the most powerful member's position. Re-aligning puts it to the members under their rule (yes only if their support does not fall): unwanted expansions are declined (no new work), accepted ones take effort in proportion to the members' salience, the meeting restores clarity, and misfits leave gracefully.",
        links: [
            ("goal growth at an expansion", [("goal.expansion_size", "0.0")]),
            ("shared understanding of the steps (clarity)", [("dynamics.clarity_floor", "1.0")]),
            ("a plan for the work (direction)", [("dynamics.direction_floor", "1.0")]),
        ]
    ),
    lesson!(
        "founders-syndrome",
        "Founder's Syndrome",
        [lower("success", 1)],
        "Nobody's departure is scripted: whoever holds the leadership carries its coordination load (leader_hours × leadership share × other members, contribution phase), so a founder holding most of it is the member most likely to leave overloaded or burnt out (exit phase), and like any member it may leave when its commitment falls or lose its own leadership in a shock. When it goes, the know-how it holds goes with it: every member's clarity and the direction fall by its leadership share (times 1 − documentation_keep with documented processes), efficacy and legitimacy by leadership_efficacy_loss of that (exit phase, leadership_loss). Spread leadership spreads both the load and the loss.",
        links: [
            ("leadership know-how lost with the leader", [("governance.documented_processes", "true"), ("dynamics.documentation_keep", "1.0")]),
            ("leaders' coordination load", [("dynamics.leader_hours", "0.0")]),
            ("confidence and standing lost with the leader", [("dynamics.leadership_efficacy_loss", "0.0")]),
        ]
    ),
    lesson!(
        "drift-and-renewal",
        "Maintenance, Drift, and Long-Term Costs; Renewal Rituals",
        [lower("success", 1)],
        "Shocks cut clarity (buffered by trust), urgency and legitimacy. Renewal rituals air hidden objections, refresh clarity and re-evaluate efficacy against the coalition's actual pace (engagement phase), restoring commitment.",
        links: [
            ("shocks", [("shocks.rate", "0.0")]),
            ("impatience without wins", [("dynamics.impatience", "0.0")]),
        ]
    ),
    lesson!(
        "too-many-members",
        "Can a coalition have too many members?",
        [higher("success", 1), higher("success", 2)],
        "Each member spends coordination_hours per member it coordinates with directly (contribution phase: the hour burden in commitment, burnout) and the work loses efficiency with the mean number of those contacts (progress phase: coordination_loss). When forty members all meet, both are large. Sub-groups (governance.subgroup_size) or a steering committee (committee_size), a coordination structure open to every decision rule, cut each member's contacts to its group (and a delegate's or committee member's to the council), at the price of hearing the coalition-wide meeting, and being heard, second-hand (relay) and seeing only its own meeting at work (trust).",
        links: [
            ("coordination hours by contacts", [("dynamics.coordination_hours", "0.0")]),
            ("process loss by contacts", [("dynamics.coordination_loss", "0.0")]),
            ("what is heard second-hand (the price)", [("dynamics.relay", "1.0")]),
        ]
    ),
    lesson!(
        "overlapping-interests",
        "Shared Goals vs. Overlapping Interests",
        [lower("success", 1)],
        "Support is interest match on the in-scope issues weighted by focus; a scope covering issues where members disagree lowers every member's support, alignment and commitment, while the one overlapping action serves each for its own reasons."
    ),
    lesson!(
        "alignment-vs-trust",
        "Foundations That Leaders Often Confuse",
        [lower("success", 1), lower("success", 2)],
        "Progress needs alignment (contributions weighted by A_i); trust sets follow-through (conditional cooperation), buffers the clarity lost in a shock (× (1 − τ)) and enters commitment. Without trust, shocks break alignment; without alignment, trusted work moves nothing.",
        links: [
            ("trust in follow-through", [("dynamics.trust_sensitivity", "0.0")]),
            ("trust in commitment", [("dynamics.w_trust", "0.0")]),
        ]
    ),
    lesson!(
        "power-too-unequal",
        "When Power Is Too Unequal",
        [
            Claim::AloneBetter { variant: 0 },
            Claim::AloneBetter { variant: 1 }
        ],
        "Proposals come from members in proportion to power and the weighted rule lets the funder pass them, so the agenda drifts to the funder's position; the small groups' support (and payoff) falls while they pay hours, and the funder could reach most of the goal alone. Giving everyone one vote and rotating the agenda pulls the agenda toward the small groups, and then the funder's resources are no longer aligned: either way acting alone is worth more."
    ),
    lesson!(
        "zero-sum-goal",
        "When the Goal Is Zero-Sum",
        [lower("value_over_alone", 1), lower("final_members", 1)],
        "Under a rival prize (goal.rivalry R) success pays each member its share of the prize (its share of the contributions) instead of the whole benefit, and a member weighs that share against what it could win acting alone, its chance in a race against the other members in proportion to its solo pace: support = (1 − R)·match + R·match·min(1, share / chance alone). A member getting less than it could win alone backs the work less (alignment, commitment) and may leave; an outsider, with no share yet, sees nothing in joining. With one prize the coalition adds no mutual gain, only pace, so its value over acting alone falls toward zero as rivalry rises, smoothly.",
        links: [
            ("alignment in commitment", [("dynamics.w_alignment", "0.0")]),
            ("what joining looks worth", [("dynamics.join_gain", "0.0")]),
        ]
    ),
    lesson!(
        "speed-critical",
        "When Speed Is Critical",
        [
            lower("value_over_alone", 1),
            Claim::AloneBetter { variant: 1 }
        ],
        "Every arm works toward the same small goal within the same weeks, and the value of reaching it is counted only within them (value over acting alone, with the general solo_efficiency and discount). A full process spends setup_rounds (longer at lower trust) with setup_effort of every contribution going into the setup and setup_hours on top, and pays coordination hours for every recruit; an ad-hoc group of the partners at hand starts working after one week. Within six weeks the full process often finishes too late or not at all, while the best-resourced member acting alone (unilateral decision) reaches the goal in time.",
        links: [
            ("setup work", [("dynamics.setup_effort", "0.0")]),
            ("hours of setting up and coordinating", [("dynamics.setup_hours", "0.0"), ("dynamics.coordination_hours", "0.0")]),
        ]
    ),
    lesson!(
        "broken-trust",
        "When Trust Is Irreparably Broken",
        [Claim::AloneBetter { variant: 0 }],
        "Low initial trust lowers follow-through (trust_sensitivity), every observed slip lowers it further, and trust enters commitment; members withhold effort and leave while spending hours, so the coalition's value falls below acting alone.",
        links: [
            ("trust in follow-through", [("dynamics.trust_sensitivity", "0.0")]),
            ("trust in commitment", [("dynamics.w_trust", "0.0")]),
        ]
    ),
    lesson!(
        "first-members",
        "How do I recruit the first members?",
        [lower("peak_members", 1)],
        "Recruitment reaches an outsider with probability 1 − Π(1 − recruit_rate · e_i · T_ij): prior relationships carry higher initial trust, so existing ties (and co-recruitment by new members) reach more candidates, who also trust the members more when deciding to join."
    ),
    lesson!(
        "consensus-vs-majority",
        "Build a Governance Structure Early (consensus vs. majority)",
        [lower("welfare", 1), lower("success", 1)],
        "A voter objects when the proposal moves the agenda away from its position (interest term of U_i) or when it misjudges the proposal's merit (merit term); with six on one side and three on the other, under consensus one strong objection blocks what the six want (governance::passes). A decision binds whichever way it goes: the supporters of a blocked change lose their stake, their buy-in and wait for it, as the outvoted lose theirs when a change passes (decision phase: bind). Member welfare (the stake-weighted share of decisions, passed or blocked, that served the members) is lower under consensus mostly because it lets one member's misjudgement of a good proposal block it: with votes on interests alone (merit_weight = 0) most of the welfare gap closes, and what is left is Rae's (1969) and Taylor's (1969): when stakes are alike, majority leaves the fewest members on the losing side. Success is lower mostly through buy-in: more members end on the losing side of a decision and carry out less of the work (implementation_need).",
        links: [
            ("the losing side's resentment", [("dynamics.outvoted_cost", "0.0")]),
            ("misjudged merit in the vote", [("dynamics.merit_weight", "0.0")]),
            ("decisions carried out without buy-in", [("dynamics.implementation_need", "0.0")]),
        ]
    ),
    lesson!(
        "when-agreement-pays",
        "Build a Governance Structure Early (consensus vs. majority): external costs",
        [lower("success", 1), lower("success", 2)],
        "A decision binds every member whichever way it goes: the losing side (opponents of what passed, supporters of what was blocked) gains resentment outvoted_cost × its stake (commitment, exits) and loses buy-in in proportion to it, and carries out less of the decision (the implementation share, implementation_need). Here twelve members spread across both issues disagree on changes that matter to them. Under consent a member whose own loss by a change reaches block_threshold (outside its range of tolerance) blocks it, and the proposal is amended toward the blocking members, in up to `amendments` rounds (one by default) that each move it the full amendment_move (consent needs them all), and blocked if one still cannot live with it, while milder personal objections are passed over and a reasoned objection is tested by the circle in an objection round that costs every member hours and pools what they know: fewer members carry a large loss, and more of what is decided is carried out. A supermajority passes only proposals amended toward the holdouts it still needs (amendment_move × that share), so fewer members lose than under majority, but it overrules up to a third of the members however much they lose, and blocks what more than a third oppose however little. Majority leaves the most members on the losing side; consensus lets any objection stronger than block_threshold, merit and trust included, block, and blocks more, and the supporters of a blocked change lose and wait (decision phase: vote, bind, holdouts, implementation_share)",
        links: [
            ("resentment of the outvoted", [("dynamics.outvoted_cost", "0.0")]),
            ("implementation needs buy-in", [("dynamics.implementation_need", "0.0")]),
            ("concessions to the holdouts", [("dynamics.amendment_move", "0.0")]),
            ("a member's range of tolerance", [("dynamics.block_threshold", "10.0")]),
        ]
    ),
    lesson!(
        "when-majority-pays",
        "When Speed Is Critical; consensus vs. majority: decision costs",
        [lower("success", 2)],
        "Every vote a rule requires beyond a majority means more blocked proposals and amendment rounds. A blocked proposal gives no direction (direction relaxes to direction_floor instead of rising by direction_gain × implementation share), and each amendment round costs hours and amendment_delay × voiced objections of the round's working time (decision phase, then contributions × (1 − delay)). With a tight deadline, a large group and staff who carry out decisions whatever members voted (implementation_need = 0), the external costs that a higher threshold saves are small, so every rule that needs more agreement loses to majority: supermajority, consent (a proposal the circle sees as harmful, or one a member cannot live with, is blocked), modified consensus and, most, consensus. A steering committee coordinates under every rule, so the variants differ only in how they decide; the rules that also decide by a simple majority (of the resources, which are alike here, or of the committee's five, whose fewer voters raise fewer objections) do as well.",
        links: [
            ("working time lost to amendments", [("dynamics.amendment_delay", "0.0")]),
            (
                "direction from decisions carried out",
                // Held where it starts, 0.5, whatever is decided: with no
                // direction at all (direction_gain 0 and the floor of 0.2)
                // both rules sit at 0% success, a floor, not a path.
                [
                    ("dynamics.direction_gain", "0.0"),
                    ("dynamics.direction_start", "0.5"),
                    ("dynamics.direction_floor", "0.5"),
                ]
            ),
            ("impatience of urgent members", [("dynamics.impatience", "0.0")]),
        ]
    ),
    lesson!(
        "non-contributors",
        "What if a member stops contributing?",
        [lower("success", 1), lower("success", 2)],
        "A member who misses private_checkin_after rounds in a row gets a private conversation that restores private_checkin_boost of its missing engagement (check-ins phase), so it delivers more and is seen shirking less. Letting it slide, observed shirking lowers the others' trust in it (trust phase: resentment builds), which lowers their own follow-through (trust_sensitivity) and commitment; removing after remove_after missed rounds with no conversation first takes out members who still deliver part of the time, with their work, their recruiting and the graceful exit's trust damage, until the coalition may fall below min_members. Final mean trust is not the measure: removal raises it by leaving only the reliable.",
        links: [
            ("a private conversation restores engagement", [("dynamics.private_checkin_boost", "0.0")]),
            ("trust lost to observed shirking", [("trust.loss", "0.0")]),
        ]
    ),
    lesson!(
        "public-disagreement",
        "How do we handle disagreements publicly?",
        [lower("success", 1)],
        "Without a spokesperson a voiced disagreement leaks with probability leak_rate and costs leak_damage of legitimacy: the coalition's public standing, which scales its influence on the target in every scenario (progress × (1 − legitimacy_weight + legitimacy_weight · L)) and what joining looks worth (recruitment). The ablation shows the whole cost flows through standing's weight in progress.",
        links: [
            ("legitimacy lost to a leak", [("dynamics.leak_damage", "0.0")]),
            ("standing's weight in progress", [("dynamics.legitimacy_weight", "0.0")]),
        ]
    ),
    lesson!(
        "choosing-a-rule",
        "Build a Governance Structure Early (choosing a rule when the numbers are uncertain)",
        [lower("success", 1)],
        "At one guess of the numbers, any objection stronger than block_threshold blocks a consensus proposal (decision phase): fewer decisions pass, the supporters of each blocked change lose their stake and wait for it (waiting_cost × urgency) and direction relaxes toward direction_floor instead of rising by direction_gain × implementation share; majority passes more and leaves fewer members on the losing side. Resentment falls on whichever side loses: on the outvoted under majority, on the supporters of each blocked change under consensus, which here blocks more. `coalsim explore scenarios/choosing-a-rule.toml` runs all five rules across sampled trust, shock rates and group sizes with common random numbers and ranks them by regret (crates/core/src/study/explore/): the rule that wins at the guess need not be the robust one.",
        links: [
            (
                "direction from decisions carried out",
                // Held where it starts, 0.5, whatever is decided: with no
                // direction at all (direction_gain 0 and the floor of 0.2)
                // both rules sit at 0% success, a floor, not a path.
                [
                    ("dynamics.direction_gain", "0.0"),
                    ("dynamics.direction_start", "0.5"),
                    ("dynamics.direction_floor", "0.5"),
                ]
            ),
            ("resentment of the outvoted", [("dynamics.outvoted_cost", "0.0")]),
        ]
    ),
    lesson!(
        "housing-ordinance",
        "Classroom case: a city's housing ordinance",
        [lower("success", 1)],
        "The same agents under early governance, regular check-ins and solicited dissent vs. no setup (hidden objections, a crisis), monthly check-ins and silence as consent: the urgency-trap, communication and consensus-illusion paths combined.",
        links: [
            ("objections hidden with no forum", [("dynamics.hidden_gain", "0.0")]),
            ("clarity refreshed at check-ins", [("dynamics.checkin_clarity", "0.0")]),
        ]
    ),
    lesson!(
        "movement",
        "Many create committees, communication systems, and shared campaigns",
        [lower("success", 1), lower("success", 2)],
        "At movement scale (3,000 organisations in sub-groups whose delegates form a council: model.md 3.3) a member's coordination hours are coordination_hours times its direct contacts: the others in its sub-group, plus the council for a delegate (contribution phase), and each contact adds coordination_loss to the process loss (progress phase). Small sub-groups make a large council: each delegate coordinates with the other delegates, its hours pass hours_budget, its commitment falls (engagement phase) and it leaves on overload or burns out (exit phase); the group's next best-placed member takes the seat and the group drains through its delegate. Large sub-groups give every member the load of a crowd. Near the square root of the coalition's size neither level is a crowd. At ten or forty organisations any structure leaves a handful of contacts: only scale shows this.",
        links: [
            ("coordination hours per contact", [("dynamics.coordination_hours", "0.0")]),
            ("process loss per contact", [("dynamics.coordination_loss", "0.0")]),
        ]
    ),
];

/// Finds a lesson by name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.name == name)
}
