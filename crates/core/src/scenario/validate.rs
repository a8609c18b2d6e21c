//! Range and consistency checks of a raw scenario.

use super::{
    Admission, Coordination, DecisionRule, ExitProtocol, Invalid, Proposals, RawScenario,
    Relationships, Setup, Voting,
};

/// Largest number of agents (a national coalition of thousands of
/// organisations). The trust matrix is N×N: 8·N² bytes per run in flight,
/// 3.2 GB at this bound; `coalsim check` prints the estimate
/// ([`crate::engine::run_memory_bytes`]).
pub const MAX_AGENTS: usize = 20_000;
/// Largest number of issues.
pub const MAX_ISSUES: u32 = 16;
/// Largest round limit.
pub const MAX_ROUNDS: u32 = 100_000;
/// Longest name (of a scenario, variant or agent): it is printed in every
/// summary, table and plot title.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest description or lesson text.
pub const MAX_TEXT_CHARS: usize = 2_000;
/// Largest value of a quantity without a natural bound (a weight, a gain):
/// far beyond any meaningful setting, small enough that no sum or product
/// the model forms over 20,000 agents and 100,000 rounds overflows.
pub const MAX_QUANTITY: f64 = 1e6;
/// Largest number of hours in a week (a round): the most any hour field
/// can hold.
pub const MAX_HOURS: f64 = 168.0;

/// What a field allows, in words, for error messages about a value of the
/// wrong type or size ("allowed: ..."): the whole-number fields from a
/// table, the number fields from the check itself (a NaN put in the field
/// of a default scenario, whose refusal names the allowed range). `None`
/// for fields of other types. Indices are ignored (`agent[2].resources`
/// is `agent.resources`).
pub fn allowed(field: &str) -> Option<String> {
    let mut key = String::with_capacity(field.len());
    let mut depth = 0;
    for c in field.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => key.push(c),
            _ => {}
        }
    }
    if let Some(rest) = key.strip_prefix("variant.set.") {
        // A variant's `set` holds whole dotted keys.
        key = rest.to_string();
    }
    let choices = |probe: Result<(), toml::de::Error>| -> Option<String> {
        let e = probe.err()?;
        let (_, expected) = e.message().split_once("expected ")?;
        Some(expected.trim().to_string())
    };
    let bogus = || toml::Value::String(String::new());
    let whole = |lo: &str, hi: &str| Some(format!("a whole number from {lo} to {hi}"));
    match key.as_str() {
        // TOML's integers stop at 2⁶³ − 1 (`--seed` takes up to 2⁶⁴ − 1).
        "seed" => whole("0", &i64::MAX.to_string()),
        "max_rounds" => whole("1", &MAX_ROUNDS.to_string()),
        "min_members" => whole("1", "the number of agents"),
        "issues" => whole("1", &MAX_ISSUES.to_string()),
        "goal.scope" => Some("a list of issue numbers, each from 0 to issues − 1".into()),
        "goal.expansion_rounds" => Some("a list of rounds, each from 1 to max_rounds".into()),
        "governance.committee_size" => whole("1", &MAX_AGENTS.to_string()),
        "governance.decision_every" => whole("1", &MAX_ROUNDS.to_string()),
        "governance.fallback_after" => whole("0", &MAX_ROUNDS.to_string()),
        "governance.subgroup_size" => whole("2", &MAX_AGENTS.to_string()),
        "trust.relationships" => choices(bogus().try_into::<Relationships>().map(drop)),
        "trust.sample" => whole("0", "1000"),
        "trust.acquaintances" => whole("0", &MAX_AGENTS.to_string()),
        "governance.coordination" => choices(bogus().try_into::<Coordination>().map(drop)),
        "governance.voting" => choices(bogus().try_into::<Voting>().map(drop)),
        "dynamics.proposals" => choices(bogus().try_into::<Proposals>().map(drop)),
        "governance.decision_rule" => choices(bogus().try_into::<DecisionRule>().map(drop)),
        "governance.setup" => choices(bogus().try_into::<Setup>().map(drop)),
        "governance.admission" => choices(bogus().try_into::<Admission>().map(drop)),
        "governance.exit_protocol" => choices(bogus().try_into::<ExitProtocol>().map(drop)),
        "governance.setup_rounds" => whole("0", "52"),
        "governance.max_members" => whole("0 (none)", &MAX_AGENTS.to_string()),
        "governance.remove_after" => whole("0 (never)", &MAX_ROUNDS.to_string()),
        "governance.checkin_every" | "governance.renewal_every" => {
            whole("0 (never)", &MAX_ROUNDS.to_string())
        }
        "shocks.founder_leaves_at" => whole("0 (never)", "max_rounds"),
        "population.count" => whole("0", &MAX_AGENTS.to_string()),
        "population.founders" => whole("0", "population.initial_members"),
        "population.initial_members" => whole("0", "population.count"),
        "dynamics.gap_tolerance" => whole("0", &MAX_ROUNDS.to_string()),
        "dynamics.amendments" => whole("0", "10"),
        "dynamics.stage_rounds" => whole("0", "52"),
        "dynamics.private_checkin_after" => whole("1", &MAX_ROUNDS.to_string()),
        "governance.review_every" => whole("1", &MAX_ROUNDS.to_string()),
        "agent.position" => Some("numbers from -1 to 1, one per issue".into()),
        "agent.salience" => Some("numbers >= 0, one per issue".into()),
        "agent.resources" => Some("a number from 0 to 1000".into()),
        "agent.credibility" | "agent.urgency" | "agent.reliability" | "agent.engagement"
        | "agent.judgment" | "agent.leadership" => Some("a number from 0 to 1".into()),
        _ => probe_number(&key),
    }
}

/// The allowed range of a number field, read from [`check`]'s refusal of
/// NaN in that field of the default scenario.
fn probe_number(key: &str) -> Option<String> {
    let mut table = toml::Table::new();
    super::set_path(&mut table, key, toml::Value::Float(f64::NAN)).ok()?;
    let raw: RawScenario = toml::Value::Table(table).try_into().ok()?;
    let refusal = check(&raw).err()?;
    if refusal.field != key {
        return None;
    }
    let (_, allowed) = refusal.message.split_once("allowed: ")?;
    Some(allowed.to_string())
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> Invalid {
    Invalid {
        field: field.into(),
        message: message.into(),
    }
}

/// A whole-number field from `lo` to `hi`; `lo_word` says what `lo` means
/// when it is special ("0 (never)").
fn whole(field: &str, v: u32, lo: u32, lo_word: &str, hi: u32) -> Result<(), Invalid> {
    if (lo..=hi).contains(&v) {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("{v} is out of range; allowed: {lo_word} to {hi}"),
        ))
    }
}

fn range(field: &str, v: f64, lo: f64, hi: f64) -> Result<(), Invalid> {
    if v.is_finite() && v >= lo && v <= hi {
        Ok(())
    } else {
        Err(bad(
            field,
            format!("{} is out of range; allowed: {lo} to {hi}", number(v)),
        ))
    }
}

/// A number as a person reads it: `1e308`, not its 309 digits.
pub fn number(v: f64) -> String {
    if v.is_finite() && v.abs() >= 1e9 {
        format!("{v:e}")
    } else {
        format!("{v}")
    }
}

/// Checks a name or text a user wrote that coalsim prints to the terminal
/// and writes into CSV: no control characters (escape codes would drive
/// the terminal; newlines are allowed in descriptions only), and names do
/// not start with `=`, `+`, `-` or `@`, which spreadsheets run as formulas.
pub fn text(field: &str, t: &str, is_name: bool) -> Result<(), Invalid> {
    let (cap, what) = if is_name {
        (MAX_NAME_CHARS, "a name")
    } else {
        (MAX_TEXT_CHARS, "a text")
    };
    let chars = t.chars().count();
    if chars > cap {
        return Err(bad(
            field,
            format!(
                "`{}…` is {chars} characters long; allowed: {what} of at most {cap} characters",
                t.chars().take(24).collect::<String>()
            ),
        ));
    }
    if let Some(c) = t
        .chars()
        .find(|&c| c.is_control() && (is_name || (c != '\n' && c != '\t')))
    {
        return Err(bad(
            field,
            format!(
                "contains the control character U+{:04X}; allowed: printable text{}",
                c as u32,
                if is_name { "" } else { ", new lines and tabs" }
            ),
        ));
    }
    if is_name && let Some(c) = t.chars().next().filter(|c| "=+-@".contains(*c)) {
        return Err(bad(
            field,
            format!(
                "`{t}` starts with `{c}`, which spreadsheets read as a formula; allowed: a name starting with a letter, digit or other sign"
            ),
        ));
    }
    Ok(())
}

fn unit(field: &str, v: f64) -> Result<(), Invalid> {
    range(field, v, 0.0, 1.0)
}

fn nonneg(field: &str, v: f64) -> Result<(), Invalid> {
    let hi = if field.ends_with("_hours") || field.ends_with("hours_budget") {
        MAX_HOURS
    } else {
        MAX_QUANTITY
    };
    range(field, v, 0.0, hi)
}

fn pair(field: &str, v: [f64; 2], lo: f64, hi: f64) -> Result<(), Invalid> {
    range(&format!("{field}[0]"), v[0], lo, hi)?;
    range(&format!("{field}[1]"), v[1], lo, hi)?;
    if v[0] > v[1] {
        return Err(bad(
            field,
            format!(
                "[{}, {}]: allowed: a range [lo, hi] with lo <= hi",
                v[0], v[1]
            ),
        ));
    }
    Ok(())
}

/// Checks every field of `s`.
pub fn check(s: &RawScenario) -> Result<(), Invalid> {
    text("name", &s.name, true)?;
    text("description", &s.description, false)?;
    text("lesson", &s.lesson, false)?;
    if s.max_rounds == 0 || s.max_rounds > MAX_ROUNDS {
        return Err(bad(
            "max_rounds",
            format!(
                "{} is out of range; allowed: 1 to {MAX_ROUNDS}",
                s.max_rounds
            ),
        ));
    }
    if s.min_members == 0 {
        return Err(bad("min_members", "0 is out of range; allowed: 1 or more"));
    }
    if s.issues == 0 || s.issues > MAX_ISSUES {
        return Err(bad(
            "issues",
            format!("{} is out of range; allowed: 1 to {MAX_ISSUES}", s.issues),
        ));
    }
    if s.issue_names.len() > s.issues as usize {
        return Err(bad(
            "issue_names",
            format!(
                "{} names for {} issues; allowed: at most one name per issue",
                s.issue_names.len(),
                s.issues
            ),
        ));
    }
    for (k, name) in s.issue_names.iter().enumerate() {
        let n = name.trim().chars().count();
        if n == 0 || n > 40 || name.chars().any(char::is_control) {
            return Err(bad(
                format!("issue_names[{k}]"),
                "allowed: a name of 1 to 40 printable characters",
            ));
        }
    }
    check_goal(s)?;
    check_governance(s)?;
    let sh = &s.shocks;
    unit("shocks.rate", sh.rate)?;
    unit("shocks.size", sh.size)?;
    for (name, v) in [
        ("competitor_weight", sh.competitor_weight),
        ("policy_weight", sh.policy_weight),
        ("leadership_weight", sh.leadership_weight),
    ] {
        range(&format!("shocks.{name}"), v, 0.0, MAX_QUANTITY)?;
    }
    if sh.competitor_weight + sh.policy_weight + sh.leadership_weight <= 0.0 {
        return Err(bad(
            "shocks.competitor_weight",
            "the three shock weights are all 0; allowed: weights >= 0, at least one > 0 (set shocks.rate = 0 for no shocks)",
        ));
    }
    unit("shocks.secondary", sh.secondary)?;
    unit("shocks.turnover", sh.turnover)?;
    if sh.founder_leaves_at > s.max_rounds {
        return Err(bad(
            "shocks.founder_leaves_at",
            format!(
                "{} is after max_rounds ({}); allowed: 0 (never) to max_rounds",
                sh.founder_leaves_at, s.max_rounds
            ),
        ));
    }
    let t = &s.trust;
    unit("trust.related", t.related)?;
    unit("trust.strangers", t.strangers)?;
    range("trust.spread", t.spread, 0.0, 0.5)?;
    unit("trust.gain", t.gain)?;
    unit("trust.loss", t.loss)?;
    whole("trust.sample", t.sample, 0, "0", 1000)?;
    whole(
        "trust.acquaintances",
        t.acquaintances,
        0,
        "0",
        MAX_AGENTS as u32,
    )?;
    check_population(s)?;
    check_agents(s)?;
    check_dynamics(s)?;
    Ok(())
}

fn check_goal(s: &RawScenario) -> Result<(), Invalid> {
    let g = &s.goal;
    if !(g.size.is_finite() && g.size > 0.0 && g.size <= MAX_QUANTITY) {
        return Err(bad(
            "goal.size",
            format!(
                "{} is out of range; allowed: more than 0, at most {}",
                number(g.size),
                number(MAX_QUANTITY)
            ),
        ));
    }
    let mut prev = 0.0;
    for (i, &m) in g.milestones.iter().enumerate() {
        if !(m.is_finite() && m > prev && m < 1.0) {
            return Err(bad(
                format!("goal.milestones[{i}]"),
                format!("{m}: allowed: fractions of the goal, strictly between 0 and 1, ascending"),
            ));
        }
        prev = m;
    }
    if g.scope.is_empty() {
        return Err(bad(
            "goal.scope",
            "empty; allowed: a list of issue indices, at least one",
        ));
    }
    for (i, &d) in g.scope.iter().enumerate() {
        if d >= s.issues {
            return Err(bad(
                format!("goal.scope[{i}]"),
                format!(
                    "issue {d} does not exist; allowed: 0 to {} (issues = {})",
                    s.issues - 1,
                    s.issues
                ),
            ));
        }
        if g.scope[..i].contains(&d) {
            return Err(bad(
                format!("goal.scope[{i}]"),
                format!("issue {d} is listed twice"),
            ));
        }
    }
    unit("goal.rivalry", g.rivalry)?;
    for (i, &r) in g.expansion_rounds.iter().enumerate() {
        if r == 0 || r > s.max_rounds {
            return Err(bad(
                format!("goal.expansion_rounds[{i}]"),
                format!(
                    "{r}: allowed: rounds from 1 to max_rounds ({})",
                    s.max_rounds
                ),
            ));
        }
    }
    range("goal.expansion_size", g.expansion_size, 0.0, 10.0)?;
    unit("goal.milestone_value", g.milestone_value)?;
    Ok(())
}

fn check_governance(s: &RawScenario) -> Result<(), Invalid> {
    let g = &s.governance;
    if !(g.supermajority.is_finite() && g.supermajority > 0.5 && g.supermajority <= 1.0) {
        return Err(bad(
            "governance.supermajority",
            format!(
                "{} is out of range; allowed: more than 0.5, at most 1",
                g.supermajority
            ),
        ));
    }
    if !(g.weighted_quota.is_finite() && g.weighted_quota >= 0.5 && g.weighted_quota < 1.0) {
        return Err(bad(
            "governance.weighted_quota",
            format!(
                "{} is out of range; allowed: 0.5 to below 1",
                g.weighted_quota
            ),
        ));
    }
    let agents = MAX_AGENTS as u32;
    whole(
        "governance.committee_size",
        g.committee_size,
        1,
        "1",
        agents,
    )?;
    if g.setup_rounds > 52 {
        return Err(bad(
            "governance.setup_rounds",
            format!("{} is out of range; allowed: 0 to 52", g.setup_rounds),
        ));
    }
    whole("governance.subgroup_size", g.subgroup_size, 2, "2", agents)?;
    range("governance.quorum", g.quorum, 0.0, 1.0)?;
    if g.quorum > 0.0 && g.voting == Voting::Everyone {
        return Err(bad(
            "governance.quorum",
            format!(
                "{} needs governance.voting = \"attendees\": when every member votes, every vote is quorate; allowed here: 0",
                g.quorum
            ),
        ));
    }
    whole(
        "governance.max_members",
        g.max_members,
        0,
        "0 (none)",
        agents,
    )?;
    for (name, v) in [
        ("remove_after", g.remove_after),
        ("checkin_every", g.checkin_every),
        ("renewal_every", g.renewal_every),
    ] {
        whole(&format!("governance.{name}"), v, 0, "0 (never)", MAX_ROUNDS)?;
    }
    range("governance.checkin_hours", g.checkin_hours, 0.0, 40.0)?;
    range(
        "governance.stand_aside_limit",
        g.stand_aside_limit,
        0.0,
        1.0,
    )?;
    range("governance.renewal_hours", g.renewal_hours, 0.0, 40.0)?;
    whole(
        "governance.decision_every",
        g.decision_every,
        1,
        "1",
        MAX_ROUNDS,
    )?;
    whole(
        "governance.fallback_after",
        g.fallback_after,
        0,
        "0",
        MAX_ROUNDS,
    )?;
    whole(
        "governance.review_every",
        g.review_every,
        1,
        "1",
        MAX_ROUNDS,
    )?;
    Ok(())
}

fn check_population(s: &RawScenario) -> Result<(), Invalid> {
    let p = &s.population;
    if p.initial_members > p.count {
        return Err(bad(
            "population.initial_members",
            format!(
                "{} is more than population.count ({})",
                p.initial_members, p.count
            ),
        ));
    }
    if p.founders > p.initial_members && p.count > 0 {
        return Err(bad(
            "population.founders",
            format!(
                "{} is more than population.initial_members ({}); founders start as members",
                p.founders, p.initial_members
            ),
        ));
    }
    pair("population.resources", p.resources, 0.0, 1000.0)?;
    pair("population.credibility", p.credibility, 0.0, 1.0)?;
    pair("population.urgency", p.urgency, 0.0, 1.0)?;
    pair("population.reliability", p.reliability, 0.0, 1.0)?;
    pair("population.engagement", p.engagement, 0.0, 1.0)?;
    pair("population.judgment", p.judgment, 0.0, 1.0)?;
    pair("population.position", p.position, -1.0, 1.0)?;
    unit("population.divide", p.divide)?;
    unit("population.camp_share", p.camp_share)?;
    range(
        "population.resource_concentration",
        p.resource_concentration,
        0.0,
        0.95,
    )?;
    range(
        "population.resource_position",
        p.resource_position,
        -1.0,
        1.0,
    )?;
    unit(
        "population.work_follows_resources",
        p.work_follows_resources,
    )?;
    range("population.focus", p.focus, 0.0, 10.0)?;
    unit("population.relationship_density", p.relationship_density)?;
    unit("population.founder_leadership", p.founder_leadership)?;
    unit("population.credibility_power", p.credibility_power)?;
    let total = s.agent.len() + p.count as usize;
    if total == 0 {
        return Err(bad(
            "population.count",
            "no agents: allowed: at least one [[agent]] or population.count >= 1",
        ));
    }
    if s.min_members as usize > total {
        return Err(bad(
            "min_members",
            format!(
                "{} is more than the number of agents ({total}), so every run would dissolve at once; allowed: 1 to {total}",
                s.min_members
            ),
        ));
    }
    if total > MAX_AGENTS {
        return Err(bad(
            "population.count",
            format!("{total} agents in all; allowed: at most {MAX_AGENTS}"),
        ));
    }
    let starting =
        s.agent.iter().filter(|a| a.member || a.founder).count() + p.initial_members as usize;
    if starting == 0 {
        return Err(bad(
            "population.initial_members",
            "nobody starts as a member; allowed: an [[agent]] with founder or member = true, or initial_members >= 1",
        ));
    }
    Ok(())
}

fn check_agents(s: &RawScenario) -> Result<(), Invalid> {
    let d = s.issues as usize;
    let mut leadership_sum = 0.0;
    for (i, a) in s.agent.iter().enumerate() {
        let f = |name: &str| format!("agent[{i}].{name}");
        if a.name.trim().is_empty() {
            return Err(bad(f("name"), "empty; allowed: a non-empty name"));
        }
        text(&f("name"), &a.name, true)?;
        if s.agent[..i].iter().any(|b| b.name == a.name) {
            return Err(bad(
                f("name"),
                format!("`{}` is used twice; names must be unique", a.name),
            ));
        }
        if a.position.len() > d {
            return Err(bad(
                f("position"),
                format!(
                    "{} values for {d} issues; allowed: at most `issues` values",
                    a.position.len()
                ),
            ));
        }
        for (k, &x) in a.position.iter().enumerate() {
            range(&format!("agent[{i}].position[{k}]"), x, -1.0, 1.0)?;
        }
        if a.salience.len() > d {
            return Err(bad(
                f("salience"),
                format!(
                    "{} values for {d} issues; allowed: at most `issues` values",
                    a.salience.len()
                ),
            ));
        }
        for (k, &x) in a.salience.iter().enumerate() {
            nonneg(&format!("agent[{i}].salience[{k}]"), x)?;
        }
        if !a.salience.is_empty() && a.salience.iter().all(|&x| x == 0.0) {
            return Err(bad(
                f("salience"),
                "all zero; allowed: at least one issue that matters (> 0)",
            ));
        }
        range(&f("resources"), a.resources, 0.0, 1000.0)?;
        unit(&f("credibility"), a.credibility)?;
        unit(&f("urgency"), a.urgency)?;
        unit(&f("reliability"), a.reliability)?;
        unit(&f("engagement"), a.engagement)?;
        unit(&f("judgment"), a.judgment)?;
        if let Some(l) = a.leadership {
            unit(&f("leadership"), l)?;
            leadership_sum += l;
        }
        for (k, other) in a.knows.iter().enumerate() {
            if other == &a.name {
                return Err(bad(
                    format!("agent[{i}].knows[{k}]"),
                    format!(
                        "`{other}` is the agent itself; allowed: names of the other [[agent]] entries"
                    ),
                ));
            }
            if !s.agent.iter().any(|b| &b.name == other) {
                return Err(bad(
                    format!("agent[{i}].knows[{k}]"),
                    format!("no agent is named `{other}`; allowed: names of [[agent]] entries"),
                ));
            }
        }
    }
    if leadership_sum > 1.0 + 1e-9 {
        return Err(bad(
            "agent.leadership",
            format!("leadership shares add up to {leadership_sum}; allowed: a total of at most 1"),
        ));
    }
    Ok(())
}

fn check_dynamics(s: &RawScenario) -> Result<(), Invalid> {
    let d = &s.dynamics;
    let units: [(&str, f64); 69] = [
        ("private_checkin_boost", d.private_checkin_boost),
        ("winner_buy_in", d.winner_buy_in),
        ("loser_buy_in", d.loser_buy_in),
        ("trust_neutral", d.trust_neutral),
        ("misfit_support", d.misfit_support),
        ("healthy_level", d.healthy_level),
        ("leadership_efficacy_loss", d.leadership_efficacy_loss),
        ("lone_trust", d.lone_trust),
        ("legitimacy_weight", d.legitimacy_weight),
        ("joiner_buy_in", d.joiner_buy_in),
        ("joiner_resentment", d.joiner_resentment),
        ("pessimism", d.pessimism),
        ("merit_spread", d.merit_spread),
        ("merit_perception", d.merit_perception),
        ("relay", d.relay),
        ("waiting_cost", d.waiting_cost),
        ("resentment_decay", d.resentment_decay),
        ("implementation_need", d.implementation_need),
        ("buy_in_rate", d.buy_in_rate),
        ("stand_aside_buy_in", d.stand_aside_buy_in),
        ("excluded_buy_in", d.excluded_buy_in),
        ("pooling", d.pooling),
        ("amendment_move", d.amendment_move),
        ("holdout", d.holdout),
        ("amendment_delay", d.amendment_delay),
        ("direction_floor", d.direction_floor),
        ("w_alignment", d.w_alignment),
        ("w_trust", d.w_trust),
        ("w_efficacy", d.w_efficacy),
        ("w_cost", d.w_cost),
        ("exit_threshold", d.exit_threshold),
        ("exit_barrier", d.exit_barrier),
        ("abrupt_exit_damage", d.abrupt_exit_damage),
        ("graceful_exit_damage", d.graceful_exit_damage),
        ("abrupt_work_loss", d.abrupt_work_loss),
        ("engagement_rate", d.engagement_rate),
        ("junior_threshold", d.junior_threshold),
        ("clarity_start", d.clarity_start),
        ("clarity_decay", d.clarity_decay),
        ("clarity_floor", d.clarity_floor),
        ("checkin_clarity", d.checkin_clarity),
        ("setup_clarity", d.setup_clarity),
        ("agreement_clarity", d.agreement_clarity),
        ("decision_clarity", d.decision_clarity),
        ("efficacy_start", d.efficacy_start),
        ("impatience", d.impatience),
        ("result_weight", d.result_weight),
        ("assumption_decay", d.assumption_decay),
        ("transparency", d.transparency),
        ("visibility", d.visibility),
        ("checkin_voice", d.checkin_voice),
        ("proposal_step", d.proposal_step),
        ("proposal_quality", d.proposal_quality),
        ("voice_base", d.voice_base),
        ("direction_gain", d.direction_gain),
        ("direction_decay", d.direction_decay),
        ("direction_start", d.direction_start),
        ("conflict_damage", d.conflict_damage),
        ("conflict_threshold", d.conflict_threshold),
        ("hidden_decay", d.hidden_decay),
        ("hedge", d.hedge),
        ("leak_rate", d.leak_rate),
        ("leak_damage", d.leak_damage),
        ("admit_trust", d.admit_trust),
        ("trust_sensitivity", d.trust_sensitivity),
        ("setup_effort", d.setup_effort),
        ("documentation_keep", d.documentation_keep),
        ("recruit_rate", d.recruit_rate),
        ("renewal_boost", d.renewal_boost),
    ];
    for (name, v) in units {
        unit(&format!("dynamics.{name}"), v)?;
    }
    let nonnegs: [(&str, f64); 23] = [
        ("outvoted_cost", d.outvoted_cost),
        ("w_resentment", d.w_resentment),
        ("w_hidden", d.w_hidden),
        ("hours_budget", d.hours_budget),
        ("leave_gain", d.leave_gain),
        ("merit_weight", d.merit_weight),
        ("interest_weight", d.interest_weight),
        ("trust_weight", d.trust_weight),
        ("hidden_gain", d.hidden_gain),
        ("setup_hours", d.setup_hours),
        ("amendment_hours", d.amendment_hours),
        ("sounding_hours", d.sounding_hours),
        ("block_threshold", d.block_threshold),
        ("coordination_hours", d.coordination_hours),
        ("coordination_loss", d.coordination_loss),
        ("leader_hours", d.leader_hours),
        ("burnout_rate", d.burnout_rate),
        ("join_threshold", d.join_threshold),
        ("big_player_bar", d.big_player_bar),
        ("join_gain", d.join_gain),
        ("discount", d.discount),
        ("hour_value", d.hour_value),
        ("solo_efficiency", d.solo_efficiency),
    ];
    for (name, v) in nonnegs {
        nonneg(&format!("dynamics.{name}"), v)?;
    }
    if let Some(t) = d.tolerance {
        nonneg("dynamics.tolerance", t)?;
    }
    whole(
        "dynamics.gap_tolerance",
        d.gap_tolerance,
        0,
        "0",
        MAX_ROUNDS,
    )?;
    whole("dynamics.stage_rounds", d.stage_rounds, 0, "0", 52)?;
    if d.amendments > 10 {
        return Err(bad(
            "dynamics.amendments",
            format!("{} is out of range; allowed: 0 to 10", d.amendments),
        ));
    }
    if d.hours_budget == 0.0 {
        return Err(bad(
            "dynamics.hours_budget",
            "0 is out of range; allowed: a number > 0",
        ));
    }
    if !(d.full_commitment.is_finite() && d.full_commitment > 0.0 && d.full_commitment <= 2.0) {
        return Err(bad(
            "dynamics.full_commitment",
            format!(
                "{} is out of range; allowed: more than 0, at most 2",
                d.full_commitment
            ),
        ));
    }
    unit("dynamics.sunset_engagement", d.sunset_engagement)?;
    whole(
        "dynamics.private_checkin_after",
        d.private_checkin_after,
        1,
        "1",
        MAX_ROUNDS,
    )?;
    if !(d.record_prior.is_finite() && d.record_prior > 0.0 && d.record_prior <= 1000.0) {
        return Err(bad(
            "dynamics.record_prior",
            format!(
                "{} is out of range; allowed: more than 0, at most 1000",
                number(d.record_prior)
            ),
        ));
    }
    range(
        "dynamics.big_player_members",
        d.big_player_members,
        2.0,
        MAX_AGENTS as f64,
    )?;
    range("dynamics.setup_trust", d.setup_trust, 0.05, 1.0)?;
    if d.loser_buy_in > d.winner_buy_in {
        return Err(bad(
            "dynamics.loser_buy_in",
            format!(
                "{} is more than dynamics.winner_buy_in ({}); allowed: 0 to winner_buy_in (the losing side agrees less than the winning side)",
                d.loser_buy_in, d.winner_buy_in
            ),
        ));
    }
    if d.discount > 1.0 {
        return Err(bad(
            "dynamics.discount",
            format!("{} is out of range; allowed: 0 to 1", d.discount),
        ));
    }
    Ok(())
}
