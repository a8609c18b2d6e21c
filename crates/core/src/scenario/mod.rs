//! Scenarios: loading a TOML file (or the embedded default), applying
//! overrides, and validating every value before the engine sees it.
//!
//! Raw, then validated: [`RawScenario`] is what serde reads; a [`Scenario`]
//! can only be built by [`Scenario::validate`], so the engine never runs on
//! out-of-range input. Errors name the file, line, column and field, and say
//! what is allowed.

pub mod describe;
mod raw;
mod validate;

pub use raw::*;

use std::fmt;
use std::ops::Deref;

/// The default scenario, embedded so that every command works with no file.
pub const DEFAULT_SCENARIO: &str = include_str!("../../../../scenarios/default.toml");
/// How the embedded default is named in messages.
pub const DEFAULT_NAME: &str = "<embedded default scenario>";

/// A scenario that passed validation. Read its fields through `Deref`.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    raw: RawScenario,
}

impl Deref for Scenario {
    type Target = RawScenario;
    fn deref(&self) -> &RawScenario {
        &self.raw
    }
}

impl Scenario {
    /// Checks every range and cross-reference; the error names the field.
    pub fn validate(mut raw: RawScenario) -> Result<Scenario, Invalid> {
        validate::check(&raw)?;
        // The committee rule has always meant "the committee decides and
        // coordinates"; a file that does not say how the coalition
        // coordinates keeps that meaning.
        let g = &mut raw.governance;
        g.coordination.get_or_insert(match g.decision_rule {
            DecisionRule::Committee => Coordination::Committee,
            _ => Coordination::Everyone,
        });
        Ok(Scenario { raw })
    }

    /// The coordination structure (resolved by [`Scenario::validate`]).
    pub fn coordination(&self) -> Coordination {
        self.raw
            .governance
            .coordination
            .unwrap_or(Coordination::Everyone)
    }

    /// Whether relationships are sparse (`trust.relationships`, with
    /// `auto` resolved by the number of agents).
    pub fn sparse(&self) -> bool {
        match self.raw.trust.relationships {
            raw::Relationships::Dense => false,
            raw::Relationships::Sparse => true,
            raw::Relationships::Auto => self.agent_count() > raw::SPARSE_ABOVE,
        }
    }

    /// Total number of agents (named plus generated).
    pub fn agent_count(&self) -> usize {
        self.raw.agent.len() + self.raw.population.count as usize
    }

    /// Every organisation's name and role at the start ("founder",
    /// "member": already in, "invited": may join), in the order of a run's
    /// agents: the named `[[agent]]`s, then the generated "Agent 1", ...
    /// (each run draws a generated one's attributes anew).
    pub fn organisations(&self) -> Vec<(String, &'static str)> {
        let role = |founder: bool, member: bool| {
            if founder {
                "founder"
            } else if member {
                "member"
            } else {
                "invited"
            }
        };
        let pop = &self.raw.population;
        let mut out: Vec<(String, &'static str)> = self
            .raw
            .agent
            .iter()
            .map(|a| (a.name.clone(), role(a.founder, a.founder || a.member)))
            .collect();
        for k in 0..pop.count {
            out.push((
                format!("Agent {}", k + 1),
                role(k < pop.founders, k < pop.initial_members),
            ));
        }
        out
    }

    /// The fully resolved scenario as TOML text.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(&self.raw).unwrap_or_else(|e| format!("# cannot print: {e}\n"))
    }
}

/// A validation failure: the dotted field and what is allowed.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    /// Dotted path, e.g. `governance.supermajority` or `agent[2].resources`.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read; the reason is its `source()` (shown by
    /// `{:#}`), so the message does not repeat it.
    #[error("{file}: cannot read the scenario file")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax, an unknown field, a wrong type or an unknown value.
    #[error("{file}:{line}:{column}: {message}")]
    Parse {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    /// A value out of its allowed range, located in the file when possible.
    #[error("{location}: {invalid}")]
    Invalid { location: String, invalid: Invalid },
    /// A bad override (`--vary` or a `[[variant]]`'s `set`).
    #[error("{origin}: {key}: {message}")]
    Override {
        origin: String,
        key: String,
        message: String,
    },
}

/// Largest scenario file read, in bytes (4 MiB: thousands of agents).
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Most `[[variant]]`s in one file (a comparison of more is a `--vary`
/// grid or an `explore` design, not a list written by hand).
pub const MAX_VARIANTS: usize = 256;

/// Where scenario text came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// File path as given, or [`DEFAULT_NAME`].
    pub name: String,
    pub text: String,
}

impl Source {
    /// The embedded default scenario.
    pub fn embedded_default() -> Source {
        Source {
            name: DEFAULT_NAME.to_string(),
            text: DEFAULT_SCENARIO.to_string(),
        }
    }

    /// Reads a scenario file of at most [`MAX_FILE_BYTES`] (so `check
    /// /dev/zero` stops at once instead of filling memory).
    pub fn read(path: &std::path::Path) -> Result<Source, ScenarioError> {
        use std::io::Read;
        let name = path.display().to_string();
        let io = |source| ScenarioError::Io {
            file: name.clone(),
            source,
        };
        let mut bytes = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(io)?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "larger than {} MiB; allowed: a scenario file up to {} MiB (a scenario is a short text file)",
                    MAX_FILE_BYTES >> 20,
                    MAX_FILE_BYTES >> 20
                ),
            )));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            io(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "not UTF-8 text (invalid byte at offset {}); allowed: a TOML text file in UTF-8",
                    e.utf8_error().valid_up_to()
                ),
            ))
        })?;
        Ok(Source { name, text })
    }

    /// Reads `path`, or the embedded default when `None`.
    pub fn from_option(path: Option<&std::path::Path>) -> Result<Source, ScenarioError> {
        match path {
            Some(p) => Source::read(p),
            None => Ok(Source::embedded_default()),
        }
    }
}

/// A loaded scenario file: the base scenario and its named variants.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    pub source: Source,
    pub base: Scenario,
    /// The file's document without its variants and explore table, kept
    /// to apply overrides to.
    table: toml::Table,
}

/// One variant to run: a name, a description and its scenario.
#[derive(Debug, Clone)]
pub struct Variant {
    pub name: String,
    pub description: String,
    pub scenario: Scenario,
    /// The overrides that made it, as `key=value` strings (for CSV columns).
    pub settings: Vec<(String, String)>,
}

impl ScenarioFile {
    /// Parses and validates scenario text.
    pub fn load(source: Source) -> Result<ScenarioFile, ScenarioError> {
        let raw: RawScenario = toml::from_str(&source.text)
            .map_err(|e| parse_error(&source.name, &source.text, &e))?;
        let mut table: toml::Table = toml::from_str(&source.text)
            .map_err(|e| parse_error(&source.name, &source.text, &e))?;
        // Overrides apply to the base document: kept without the variants
        // (and explore), so resolving each variant copies only the base
        // and resolution stays linear in the number of variants.
        table.remove("variant");
        table.remove("explore");
        let base = Scenario::validate(raw).map_err(|invalid| ScenarioError::Invalid {
            location: locate(&source.name, &source.text, &invalid.field),
            invalid,
        })?;
        if base.variant.len() > MAX_VARIANTS {
            let field = format!("variant[{MAX_VARIANTS}]");
            return Err(ScenarioError::Invalid {
                location: locate(&source.name, &source.text, &field),
                invalid: Invalid {
                    field: "variant".into(),
                    message: format!(
                        "{} variants; allowed: at most {MAX_VARIANTS} (each is run and compared with every other)",
                        base.variant.len()
                    ),
                },
            });
        }
        let mut seen = std::collections::HashSet::with_capacity(base.variant.len());
        for (i, v) in base.variant.iter().enumerate() {
            let field = format!("variant[{i}].name");
            validate::text(&field, &v.name, true)
                .and_then(|()| {
                    validate::text(&format!("variant[{i}].description"), &v.description, false)
                })
                .map_err(|invalid| ScenarioError::Invalid {
                    location: locate(&source.name, &source.text, &invalid.field),
                    invalid,
                })?;
            if !seen.insert(v.name.as_str()) || v.name.is_empty() {
                return Err(ScenarioError::Invalid {
                    location: locate(&source.name, &source.text, &format!("variant[{i}].name")),
                    invalid: Invalid {
                        field: format!("variant[{i}].name"),
                        message: format!(
                            "`{}`: variant names must be unique and not empty",
                            v.name
                        ),
                    },
                });
            }
        }
        drop(seen);
        let file = ScenarioFile {
            source,
            base,
            table,
        };
        // Check every variant now, so a bad one is reported before any run.
        file.variants()?;
        Ok(file)
    }

    /// `file:line:column` of a dotted field such as `population.resources`
    /// or `agent[2].name` (of the nearest table the file states, or the
    /// file alone), for messages about the scenario.
    pub fn location(&self, field: &str) -> String {
        locate(&self.source.name, &self.source.text, field)
    }

    /// Loads the file at `path`, or the embedded default.
    pub fn open(path: Option<&std::path::Path>) -> Result<ScenarioFile, ScenarioError> {
        ScenarioFile::load(Source::from_option(path)?)
    }

    /// Each of `keys` with its plain words ([`Self::key_label`]).
    pub fn key_labels<'a>(
        &self,
        keys: impl IntoIterator<Item = &'a String>,
    ) -> Vec<(String, String)> {
        keys.into_iter()
            .map(|k| (k.clone(), self.key_label(k)))
            .collect()
    }

    /// A dotted key in plain words, with the organisations' names:
    /// `agent.0.resources` → "Eastside Foundation's resources",
    /// `trust.strangers` → "trust between organisations that do not know
    /// each other". Unknown keys are returned as they are.
    pub fn key_label(&self, key: &str) -> String {
        let parts: Vec<&str> = key.split('.').collect();
        if let ["agent", n, field] = parts.as_slice()
            && let Ok(i) = n.parse::<usize>()
            && let Some(a) = self.base.agent.get(i)
        {
            let name = a.name.trim();
            if *field == "reliability" {
                return format!("how reliably {name} delivers");
            }
            if *field == "judgment" {
                return format!("how well {name} judges a proposal");
            }
            // "Eastside Foundation's", "Riverbend Tenants'".
            let whose = if name.ends_with('s') {
                format!("{name}'")
            } else {
                format!("{name}'s")
            };
            return format!("{whose} {field}");
        }
        match key {
            "trust.strangers" => "trust between organisations that do not know each other".into(),
            "trust.related" => "trust between organisations that already work together".into(),
            "shocks.rate" => "the weekly chance of an outside shock".into(),
            "shocks.size" => "how hard outside shocks hit".into(),
            "population.count" => "number of organisations".into(),
            "population.resources" => "the organisations' resources".into(),
            "goal.size" => "size of the goal".into(),
            "max_rounds" => "weeks until the deadline".into(),
            "governance.decision_rule" => "decision rule".into(),
            "governance.checkin_every" => "weeks between check-ins".into(),
            "governance.committee_size" => "members of the steering committee".into(),
            "dynamics.exit_threshold" => {
                "the commitment below which a member may leave (how readily members leave)".into()
            }
            "population.divide" => "the split into two camps".into(),
            "population.camp_share" => "the second camp's share of the members".into(),
            "population.focus" => "how much each issue matters to a few (focus)".into(),
            "population.position.0" => "the low end of members' positions".into(),
            "population.relationship_density" => {
                "the share of pairs who have worked together".into()
            }
            "population.resource_concentration" => "the concentration of resources".into(),
            "population.resource_position" => "how far resources go with one side".into(),
            "population.work_follows_resources" => {
                "how far the work runs on the money members bring rather than their own time".into()
            }
            "population.urgency.0" => "the lowest urgency".into(),
            "population.judgment.0" => "the low end of how well members judge a proposal".into(),
            "population.judgment.1" => "the high end of how well members judge a proposal".into(),
            "dynamics.merit_perception" => "how differently members weigh the same proposal".into(),
            "dynamics.block_threshold" => "how serious an objection must be to block".into(),
            "governance.stand_aside_limit" => "the largest share who may stand aside".into(),
            "dynamics.implementation_need" => {
                "how much the work needs members' own agreement".into()
            }
            "dynamics.outvoted_cost" => "the cost of a lost vote".into(),
            "dynamics.resentment_decay" => {
                "how fast a lost vote is forgotten (weekly share)".into()
            }
            "dynamics.merit_weight" => {
                "how far members vote for the common good over their own stake".into()
            }
            "dynamics.proposals" => {
                "how proposals are put (positional, or sounded out first)".into()
            }
            "dynamics.sounding_hours" => {
                "hours a proposer spends sounding out each member whose vote it needs".into()
            }
            "dynamics.hours_budget" => "hours a week members can give".into(),
            "dynamics.coordination_hours" => {
                "hours a week each member spends per partner it coordinates with".into()
            }
            "dynamics.coordination_loss" => {
                "the share of joint work lost per partner a member coordinates with".into()
            }
            "dynamics.relay" => "how much of a meeting reaches a member second-hand".into(),
            "dynamics.holdout" => "how often members hold out for a concession".into(),
            "dynamics.proposal_quality" => {
                "the share of proposals that would help the coalition".into()
            }
            "dynamics.pooling" => {
                "how often discussion puts right a member who misjudged a proposal".into()
            }
            "dynamics.proposal_step" => {
                "how far one proposal moves the agenda toward its proposer".into()
            }
            "dynamics.amendments" => "how many rounds a blocked proposal is negotiated".into(),
            "dynamics.amendment_hours" => {
                "hours each member spends on one round of negotiating a blocked proposal".into()
            }
            "dynamics.amendment_move" => {
                "how far a round of negotiation moves a proposal toward its objectors".into()
            }
            "dynamics.amendment_delay" => {
                "how much a round of negotiation holds up the work, per holdout".into()
            }
            "dynamics.excluded_buy_in" => {
                "how far members without a vote carry out decisions".into()
            }
            _ => key.to_string(),
        }
    }

    /// The base scenario with overrides applied (keys are dotted paths).
    pub fn with_overrides(
        &self,
        origin: &str,
        overrides: &[(String, toml::Value)],
    ) -> Result<Scenario, ScenarioError> {
        let base = &self.table;
        let mut table = base.clone();
        for (key, value) in overrides {
            set_path(&mut table, key, value.clone()).map_err(|message| {
                ScenarioError::Override {
                    origin: origin.to_string(),
                    key: key.clone(),
                    message,
                }
            })?;
        }
        let raw: RawScenario = match toml::Value::Table(table).try_into() {
            Ok(raw) => raw,
            Err(e) => {
                let e: toml::de::Error = e;
                // Name the override at fault: the first that fails alone.
                let alone = |key: &str, value: &toml::Value| {
                    let mut t = base.clone();
                    set_path(&mut t, key, value.clone()).is_ok()
                        && toml::Value::Table(t).try_into::<RawScenario>().is_err()
                };
                let key = overrides
                    .iter()
                    .find(|(k, v)| alone(k, v))
                    .map(|(k, _)| k.clone())
                    .unwrap_or_else(|| {
                        overrides
                            .iter()
                            .map(|(k, _)| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    });
                return Err(ScenarioError::Override {
                    origin: origin.to_string(),
                    message: plain(e.message(), Some(&key)),
                    key,
                });
            }
        };
        Scenario::validate(raw).map_err(|invalid| ScenarioError::Override {
            origin: origin.to_string(),
            key: invalid.field.clone(),
            message: invalid.message,
        })
    }

    /// This file with `overrides` applied to its base scenario, validated as
    /// [`Self::with_overrides`] validates them (the same messages, naming
    /// the override at fault). The file's `[[variant]]`s and `[explore]`
    /// table then apply on top of the new base, as they would had the file
    /// said so. The source stays, so a message about a key the overrides
    /// do not touch still points into the file.
    pub fn with_settings(
        &self,
        origin: &str,
        overrides: &[(String, toml::Value)],
    ) -> Result<ScenarioFile, ScenarioError> {
        self.with_overrides(origin, overrides)?;
        let all_keys = || {
            overrides
                .iter()
                .map(|(k, _)| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut table = self.table.clone();
        for (key, value) in overrides {
            set_path(&mut table, key, value.clone()).map_err(|message| {
                ScenarioError::Override {
                    origin: origin.to_string(),
                    key: key.clone(),
                    message,
                }
            })?;
        }
        // The file's own variants (and explore table), which `self.table`
        // leaves out, come back on top of the new base.
        let mut full = table.clone();
        if let Ok(original) = toml::from_str::<toml::Table>(&self.source.text) {
            for key in ["variant", "explore"] {
                if let Some(v) = original.get(key) {
                    full.insert(key.to_string(), v.clone());
                }
            }
        }
        let raw: RawScenario =
            toml::Value::Table(full)
                .try_into()
                .map_err(|e: toml::de::Error| ScenarioError::Override {
                    origin: origin.to_string(),
                    key: all_keys(),
                    message: plain(e.message(), None),
                })?;
        let base = Scenario::validate(raw).map_err(|invalid| ScenarioError::Override {
            origin: origin.to_string(),
            key: invalid.field.clone(),
            message: invalid.message,
        })?;
        let file = ScenarioFile {
            source: self.source.clone(),
            base,
            table,
        };
        file.variants()?;
        Ok(file)
    }

    /// The file's `[[variant]]`s, each resolved and validated. Empty when the
    /// file declares none.
    pub fn variants(&self) -> Result<Vec<Variant>, ScenarioError> {
        let mut out = Vec::with_capacity(self.base.variant.len());
        for (i, v) in self.base.variant.iter().enumerate() {
            let overrides: Vec<(String, toml::Value)> = v
                .set
                .iter()
                .map(|(k, val)| (k.clone(), val.clone()))
                .collect();
            let origin = format!("variant[{i}] `{}`", v.name);
            let scenario = self
                .with_overrides(&origin, &overrides)
                .map_err(|e| match e {
                    // Located at the key in the variant's `set`, or at the
                    // variant when the key is not one of its own.
                    ScenarioError::Override {
                        origin,
                        key,
                        message,
                    } => {
                        let at = locate_set(&self.source.text, i, &key)
                            .or_else(|| locate_set(&self.source.text, i, ""))
                            .map_or(self.source.name.clone(), |(line, column)| {
                                format!("{}:{line}:{column}", self.source.name)
                            });
                        ScenarioError::Override {
                            origin: format!("{at}: {origin}"),
                            key,
                            message,
                        }
                    }
                    other => other,
                })?;
            out.push(Variant {
                name: v.name.clone(),
                description: v.description.clone(),
                scenario,
                settings: overrides
                    .iter()
                    .map(|(k, val)| (k.clone(), value_text(val)))
                    .collect(),
            });
        }
        Ok(out)
    }
}

/// A TOML value as plain text (strings without quotes).
pub fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Parses one command-line value: a TOML number, boolean or array, else a
/// bare string.
pub fn parse_value(text: &str) -> toml::Value {
    let wrapped = format!("v = {text}");
    match toml::from_str::<toml::Table>(&wrapped) {
        Ok(mut t) => t
            .remove("v")
            .unwrap_or_else(|| toml::Value::String(text.to_string())),
        Err(_) => toml::Value::String(text.to_string()),
    }
}

/// Sets `key` (dotted; a numeric segment indexes an array) in `table`.
fn set_path(table: &mut toml::Table, key: &str, value: toml::Value) -> Result<(), String> {
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err("empty segment in key; write it as `table.field`".into());
    }
    let mut cur = table;
    for (depth, part) in parts.iter().enumerate() {
        let last = depth + 1 == parts.len();
        if last {
            cur.insert((*part).to_string(), value);
            return Ok(());
        }
        let next = parts[depth + 1];
        if !cur.contains_key(*part) && next.parse::<usize>().is_ok() {
            return Err(format!(
                "the scenario has no `{part}` list, so `{part}.{next}` names nothing; write the list in the scenario file (`{part} = [..]`, or [[{part}]] tables) to vary one of its entries"
            ));
        }
        let entry = cur
            .entry((*part).to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        match entry {
            toml::Value::Table(t) => cur = t,
            toml::Value::Array(items) => {
                let idx: usize = next
                    .parse()
                    .map_err(|_| format!("`{part}` is a list; index it with a number"))?;
                let len = items.len();
                let item = items.get_mut(idx).ok_or_else(|| {
                    format!("`{part}` has {len} entries; index {idx} is out of range")
                })?;
                if depth + 2 == parts.len() && !matches!(item, toml::Value::Table(_)) {
                    // One entry of a list of values, e.g. the low end of
                    // `population.position`.
                    *item = value;
                    return Ok(());
                }
                let toml::Value::Table(t) = item else {
                    return Err(format!("`{part}.{idx}` is not a table"));
                };
                if depth + 2 == parts.len() {
                    return Err(format!("`{part}.{idx}` is a table; name one of its fields"));
                }
                // Skip the index segment.
                return set_path(t, &parts[depth + 2..].join("."), value);
            }
            _ => return Err(format!("`{part}` is a value, not a table")),
        }
    }
    Ok(())
}

/// Line and column (both from 1) of byte `offset`; the column counts
/// characters, not bytes, so it matches what an editor shows on a line
/// with accents, CJK or emoji.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |nl| nl + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// serde's and toml's wording in plain words for the field `field` (when
/// known): "unknown variant" is an unknown value, Rust type names and
/// struct names become what a user may write, and the allowed range of the
/// field is named (e.g. "allowed: a whole number from 1 to 100000").
fn plain(message: &str, field: Option<&str>) -> String {
    let m = message.trim();
    if let Some(key) = unknown_field(m)
        && let Some((_, why)) = raw::RETIRED_KEYS.iter().find(|(k, _)| *k == key)
    {
        return format!("{why}; remove `{key}` from the file");
    }
    if let Some(rest) = m.strip_prefix("unknown variant") {
        return format!("unknown value{rest}");
    }
    let allowed = |expected: &str| -> String {
        field
            .and_then(validate::allowed)
            .unwrap_or_else(|| expected_in_words(expected, field))
    };
    // A number that does not fit any integer type ("as i128", or toml's
    // own overflow message).
    if m.contains(" as i128") || m.contains("number overflowed") || m.contains("too large") {
        let what = m
            .split('`')
            .nth(1)
            .map_or("the number".to_string(), |n| format!("`{n}`"));
        return format!("{what} is too large; allowed: {}", allowed(""));
    }
    if m == "wanted string or table" {
        return format!("not a value in quotes; allowed: {}", allowed(""));
    }
    for prefix in ["invalid type: ", "invalid value: ", "invalid length "] {
        if let Some(rest) = m.strip_prefix(prefix)
            && let Some((found, expected)) = rest.rsplit_once(", expected ")
        {
            let found = found.replace("floating point", "decimal number");
            return format!("{found}; allowed: {}", allowed(expected));
        }
    }
    if m == "duplicate key" {
        return "this key is set twice; allowed: each key once per table".to_string();
    }
    m.to_string()
}

/// serde's "expected ..." (a Rust type or struct) in a user's words.
fn expected_in_words(expected: &str, field: Option<&str>) -> String {
    let e = expected.trim();
    let table = |name: &str| match name {
        "RawScenario" => "a scenario file of `key = value` lines and [tables]".to_string(),
        "RawAgent" => "an [[agent]] table with its fields".to_string(),
        "RawVariant" => "a [[variant]] table with `name` and `set`".to_string(),
        "Dynamics" => "a [dynamics] table with its fields".to_string(),
        other => format!(
            "a [{}] table with its fields",
            other.trim_start_matches("Raw").to_lowercase()
        ),
    };
    if let Some(name) = e.strip_prefix("struct ") {
        return table(name);
    }
    match e {
        "u32" => "a whole number from 0 to 4294967295".into(),
        "u64" => "a whole number from 0 to 18446744073709551615".into(),
        "usize" | "i64" | "u8" | "u16" => "a whole number".into(),
        "f64" | "f32" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a string" => "text in quotes".into(),
        "a sequence" => "a list in brackets, e.g. [0.2, 0.8]".into(),
        "an array of length 2" => "a pair of numbers [low, high]".into(),
        "a map" => "a table".into(),
        _ => match field {
            Some(f) => format!("a value of the type `coalsim check` shows for {f}"),
            None if e.is_empty() => "a smaller number".into(),
            None => e.to_string(),
        },
    }
}

fn parse_error(file: &str, text: &str, e: &toml::de::Error) -> ScenarioError {
    let (line, column) = e.span().map_or((1, 1), |s| line_col(text, s.start));
    let mut field = e.span().and_then(|s| field_at(text, s.start));
    let mut message = plain(e.message(), field.as_deref());
    if let Some(unknown) = unknown_field(e.message()) {
        // The span is the unknown key itself, so the field found there is
        // the key (`variants[0]`): name the table that holds it instead.
        field = field.and_then(|f| {
            let (parent, last) = f.rsplit_once('.').unwrap_or(("", f.as_str()));
            let last = last.split('[').next().unwrap_or(last);
            if last == unknown {
                (!parent.is_empty()).then(|| parent.to_string())
            } else {
                Some(f.clone())
            }
        });
        let retired = raw::RETIRED_KEYS.iter().any(|(k, _)| *k == unknown);
        if let Some(near) = nearest_name(unknown, e.message()).filter(|_| !retired) {
            message = message.replacen(
                &format!("`{unknown}`"),
                &format!("`{unknown}` (did you mean `{near}`?)"),
                1,
            );
        }
    }
    if e.message().trim() == "duplicate key"
        && let Some(key) = e.span().and_then(|s| text.get(s)).map(str::trim)
    {
        message = format!("`{key}` is set twice in the same table; allowed: each key once");
    }
    if e.message().contains("recurse") {
        // The parser gave up inside the value: name the key of its line.
        let key = text
            .lines()
            .nth(line.saturating_sub(1))
            .and_then(|l| l.split_once('='))
            .map(|(k, _)| k.trim().trim_matches('"').to_string())
            .filter(|k| !k.is_empty() && k.len() < 200);
        field = key.or(field);
        message = "arrays or tables nested too deeply; allowed: values nested a few levels at most"
            .to_string();
    }
    if let Some(field) = field {
        message = format!("{field}: {message}");
    }
    ScenarioError::Parse {
        file: file.to_string(),
        line,
        column,
        message: shorten_quoted(&message),
    }
}

/// The message with every `quoted` part longer than 60 characters cut
/// short: a huge value is not echoed whole into an error line.
fn shorten_quoted(message: &str) -> String {
    let mut out = String::with_capacity(message.len().min(4096));
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 && part.chars().count() > 60 {
            out.extend(part.chars().take(40));
            out.push_str(&format!("… ({} characters)", part.chars().count()));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// The key of serde's "unknown field `KEY`, expected ..." message.
fn unknown_field(message: &str) -> Option<&str> {
    message
        .trim()
        .strip_prefix("unknown field `")?
        .split('`')
        .next()
}

/// Of the keys the message lists as expected, the one a typo of `unknown`
/// most likely meant: at most two edits away (one for short keys), or the
/// same key with or without a plural `s`.
fn nearest_name<'a>(unknown: &str, message: &'a str) -> Option<&'a str> {
    let (_, expected) = message.split_once("expected")?;
    let candidates = expected.split('`').skip(1).step_by(2);
    let limit = if unknown.chars().count() <= 4 { 1 } else { 2 };
    candidates
        .map(|c| (edit_distance(unknown, c), c))
        .filter(|&(d, c)| d <= limit || unknown.trim_end_matches('s') == c.trim_end_matches('s'))
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != cb)).min(row[j] + 1).min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

/// The dotted field (`governance.decision_rule`, `agent[1].position[0]`)
/// whose value holds byte `offset` of `text`, or the innermost table that
/// does; `None` when the text does not parse or no field holds it.
fn field_at(text: &str, offset: usize) -> Option<String> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    field_in_table(doc.get_ref(), offset, "")
}

fn field_in_table(t: &toml::de::DeTable, offset: usize, prefix: &str) -> Option<String> {
    t.iter().find_map(|(key, value)| {
        let key: &str = key.get_ref();
        let path = if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        };
        field_in_value(value, offset, path)
    })
}

fn field_in_value(
    v: &toml::Spanned<toml::de::DeValue>,
    offset: usize,
    path: String,
) -> Option<String> {
    let inner = match v.get_ref() {
        toml::de::DeValue::Table(t) => field_in_table(t, offset, &path),
        toml::de::DeValue::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| field_in_value(item, offset, format!("{path}[{i}]"))),
        _ => None,
    };
    inner.or_else(|| v.span().contains(&offset).then_some(path))
}

/// Line and column of `key` in the `set` table of `[[variant]]` number `i`
/// (keys there are whole dotted paths in quotes), or of the variant
/// itself when `key` is empty or not there.
fn locate_set(text: &str, i: usize, key: &str) -> Option<(usize, usize)> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let variant = doc.get_ref().get("variant")?.get_ref().as_array()?.get(i)?;
    let found = variant
        .get_ref()
        .as_table()
        .and_then(|t| t.get("set"))
        .and_then(|set| set.get_ref().as_table())
        .and_then(|set| set.get(key));
    let span = match found {
        Some(value) => value.span(),
        None if key.is_empty() => variant.span(),
        None => return None,
    };
    Some(line_col(text, span.start))
}

/// `file:line:column` of a dotted field such as `agent[2].resources` (array
/// indices from 0) in the TOML `text`, or of the nearest enclosing table
/// the file states, or the file alone: for files other than scenarios that
/// name their errors the same way (`coalsim new --answers`).
pub fn locate_field(file: &str, text: &str, field: &str) -> String {
    locate(file, text, field)
}

/// `file:line:column` of a dotted field such as `agent[2].resources`, or of
/// the nearest enclosing table the file states, or the file alone.
fn locate(file: &str, text: &str, field: &str) -> String {
    let Ok(doc) = toml::de::DeTable::parse(text) else {
        return file.to_string();
    };
    let mut span: Option<std::ops::Range<usize>> = None;
    let mut table = Some(doc.get_ref());
    let mut array_value: Option<&toml::de::DeArray> = None;
    for seg in field.split('.') {
        let (name, index) = match seg.find('[') {
            Some(b) => (&seg[..b], seg[b + 1..seg.len() - 1].parse::<usize>().ok()),
            None => (seg, None),
        };
        let found = if let Some(arr) = array_value.take() {
            // Previous segment was an array of scalars; nothing deeper.
            let _ = arr;
            None
        } else {
            table.and_then(|t| t.get(name))
        };
        let Some(value) = found else { break };
        span = Some(value.span());
        table = None;
        let mut v = value.get_ref();
        if let Some(i) = index {
            match v.as_array().and_then(|a| a.get(i)) {
                Some(item) => {
                    span = Some(item.span());
                    v = item.get_ref();
                }
                None => break,
            }
        }
        if let Some(t) = v.as_table() {
            table = Some(t);
        } else if let Some(a) = v.as_array() {
            array_value = Some(a);
        }
    }
    match span {
        Some(s) => {
            let (line, column) = line_col(text, s.start);
            format!("{file}:{line}:{column}")
        }
        None => file.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<ScenarioFile, ScenarioError> {
        ScenarioFile::load(Source {
            name: "t.toml".into(),
            text: text.into(),
        })
    }

    #[test]
    fn settings_give_the_file_that_says_so_and_checks_like_vary() {
        let text =
            "name = \"x\"\n[[variant]]\nname = \"big\"\nset = { \"population.count\" = 12 }\n";
        let file = load(text).unwrap();
        let set = vec![
            (
                "governance.decision_rule".to_string(),
                toml::Value::String("consensus".into()),
            ),
            ("population.count".to_string(), toml::Value::Integer(4)),
        ];
        let with = file.with_settings("here", &set).unwrap();
        let said = load(&format!(
            "{text}[governance]\ndecision_rule = \"consensus\"\n[population]\ncount = 4\n"
        ))
        .unwrap();
        assert_eq!(with.base, said.base);
        // The file's variants apply on top of the new base.
        let v = with.variants().unwrap();
        assert_eq!(
            v[0].scenario.governance.decision_rule,
            DecisionRule::Consensus
        );
        assert_eq!(v[0].scenario.population.count, 12);
        // A bad value: the message of `with_overrides`, so of `--vary`.
        let bad = vec![("population.count".to_string(), toml::Value::Integer(-3))];
        assert_eq!(
            file.with_settings("here", &bad).unwrap_err().to_string(),
            file.with_overrides("here", &bad).unwrap_err().to_string()
        );
    }

    #[test]
    fn a_retired_key_is_refused_naming_its_replacement() {
        let e = load("[dynamics]\nwin_efficacy = 0.5\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.toml:2:1: `dynamics.win_efficacy`")
                && e.contains("replaced by `dynamics.result_weight`")
                && e.contains("remove `win_efficacy` from the file"),
            "{e}"
        );
        let e = load("[dynamics]\nwin_trust = 0.1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("`dynamics.transparency`") && !e.contains("did you mean"),
            "{e}"
        );
        let f = load("").unwrap();
        let e = f
            .with_overrides(
                "--vary",
                &[("dynamics.win_efficacy".into(), parse_value("0.2"))],
            )
            .unwrap_err()
            .to_string();
        assert!(e.contains("`dynamics.result_weight`"), "{e}");
    }

    #[test]
    fn an_unknown_key_suggests_the_key_it_most_likely_meant() {
        let err = |text: &str| load(text).unwrap_err().to_string();
        // A plural table name: the message names the key, not `variants[0]`.
        let e = err("[[variants]]\nname = \"a\"\n");
        assert!(
            e.starts_with("t.toml:1:3: unknown field `variants` (did you mean `variant`?)"),
            "{e}"
        );
        let e = err("[governance]\ndecison_rule = \"majority\"\n");
        assert!(e.contains("(did you mean `decision_rule`?)"), "{e}");
        let e = err("[[agent]]\nname = \"a\"\nresourses = 2\n");
        assert!(e.contains("(did you mean `resources`?)"), "{e}");
        // Nothing close: no guess.
        let e = err("foo = 3\n");
        assert!(e.contains("unknown field `foo`, expected"), "{e}");
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn a_file_with_only_the_rule_is_valid() {
        let f = load("[governance]\ndecision_rule = \"majority\"\n").unwrap();
        assert_eq!(f.base.governance.decision_rule, DecisionRule::Majority);
    }

    #[test]
    fn unknown_rule_names_line_column_and_choices() {
        let e = load("[governance]\ndecision_rule = \"dictator\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.toml:2:17:"), "{e}");
        assert!(
            e.contains("dictator") && e.contains("consensus") && e.contains("committee"),
            "{e}"
        );
    }

    #[test]
    fn out_of_range_is_located() {
        let e = load("max_rounds = 10\n[governance]\nsupermajority = 0.3\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("t.toml:3:17: governance.supermajority"),
            "{e}"
        );
        assert!(e.contains("allowed"), "{e}");
    }

    /// The constants made parameters (issue 21): each refuses a value out
    /// of its range, naming the file, line, field and what is allowed, and
    /// its default is the constant it replaced.
    #[test]
    fn former_constants_are_validated_parameters() {
        let bad = [
            (
                "[governance]\nreview_every = 0\n",
                "governance.review_every",
                "1",
            ),
            ("[shocks]\nsecondary = 1.5\n", "shocks.secondary", "0 to 1"),
            ("[shocks]\nturnover = -0.1\n", "shocks.turnover", "0 to 1"),
            (
                "[shocks]\ncompetitor_weight = 0.0\npolicy_weight = 0.0\nleadership_weight = 0.0\n",
                "shocks.competitor_weight",
                "at least one > 0",
            ),
            (
                "[shocks]\npolicy_weight = -1.0\n",
                "shocks.policy_weight",
                "0 to",
            ),
            (
                "[population]\ncredibility_power = 2.0\n",
                "population.credibility_power",
                "0 to 1",
            ),
            (
                "[dynamics]\nprivate_checkin_after = 0\n",
                "dynamics.private_checkin_after",
                "1",
            ),
            (
                "[dynamics]\nprivate_checkin_boost = 1.2\n",
                "dynamics.private_checkin_boost",
                "0 to 1",
            ),
            (
                "[dynamics]\nrecord_prior = 0.0\n",
                "dynamics.record_prior",
                "more than 0",
            ),
            (
                "[dynamics]\nmerit_spread = 1.5\n",
                "dynamics.merit_spread",
                "0 to 1",
            ),
            (
                "[dynamics]\nmerit_perception = -0.2\n",
                "dynamics.merit_perception",
                "0 to 1",
            ),
            (
                "[dynamics]\nloser_buy_in = 0.8\nwinner_buy_in = 0.5\n",
                "dynamics.loser_buy_in",
                "winner_buy_in",
            ),
            (
                "[dynamics]\ntrust_neutral = 2.0\n",
                "dynamics.trust_neutral",
                "0 to 1",
            ),
            (
                "[dynamics]\nmisfit_support = -0.5\n",
                "dynamics.misfit_support",
                "0 to 1",
            ),
            (
                "[dynamics]\nhealthy_level = 1.1\n",
                "dynamics.healthy_level",
                "0 to 1",
            ),
            (
                "[dynamics]\nleadership_efficacy_loss = 3.0\n",
                "dynamics.leadership_efficacy_loss",
                "0 to 1",
            ),
            (
                "[dynamics]\nlone_trust = -1.0\n",
                "dynamics.lone_trust",
                "0 to 1",
            ),
            (
                "[dynamics]\nlegitimacy_weight = 1.5\n",
                "dynamics.legitimacy_weight",
                "0 to 1",
            ),
            (
                "[dynamics]\nbig_player_members = 1.0\n",
                "dynamics.big_player_members",
                "2 to",
            ),
            (
                "[dynamics]\njoiner_buy_in = 1.5\n",
                "dynamics.joiner_buy_in",
                "0 to 1",
            ),
            (
                "[dynamics]\njoiner_resentment = 1.5\n",
                "dynamics.joiner_resentment",
                "0 to 1",
            ),
            (
                "[dynamics]\npessimism = 1.5\n",
                "dynamics.pessimism",
                "0 to 1",
            ),
            (
                "[dynamics]\nsetup_trust = 0.0\n",
                "dynamics.setup_trust",
                "0.05 to 1",
            ),
        ];
        for (text, field, allowed) in bad {
            let e = load(text).unwrap_err().to_string();
            assert!(e.starts_with("t.toml:") && e.contains(field), "{text}: {e}");
            assert!(e.contains("allowed") && e.contains(allowed), "{text}: {e}");
        }
        let f = load("").unwrap().base;
        let d = &f.dynamics;
        assert_eq!(
            (
                d.private_checkin_after,
                d.private_checkin_boost,
                d.record_prior
            ),
            (2, 0.2, 1.0)
        );
        assert_eq!(
            (d.winner_buy_in, d.loser_buy_in, d.joiner_buy_in),
            (1.0, 0.0, 1.0)
        );
        assert_eq!(d.joiner_resentment, 0.0);
        assert_eq!(
            (d.trust_neutral, d.misfit_support, d.healthy_level),
            (0.5, 0.1, 0.6)
        );
        assert_eq!(
            (
                d.leadership_efficacy_loss,
                d.lone_trust,
                d.legitimacy_weight
            ),
            (0.5, 0.5, 0.5)
        );
        assert_eq!(
            (
                d.big_player_members,
                d.pessimism,
                d.setup_trust,
                d.merit_spread
            ),
            (4.0, 0.5, 0.5, 0.0)
        );
        assert_eq!(f.governance.review_every, 13);
        assert_eq!((f.shocks.secondary, f.shocks.turnover), (0.5, 0.5));
        assert_eq!(f.population.credibility_power, 0.5);
        assert!(f.population.founding_cause);
    }

    #[test]
    fn agent_field_is_located() {
        let text =
            "[[agent]]\nname = \"a\"\nfounder = true\n[[agent]]\nname = \"b\"\nreliability = 1.5\n";
        let e = load(text).unwrap_err().to_string();
        assert!(e.starts_with("t.toml:6:15: agent[1].reliability"), "{e}");
    }

    #[test]
    fn overrides_are_validated_like_the_file() {
        let f = load("").unwrap();
        let bad = f
            .with_overrides(
                "--vary",
                &[("governance.decision_rule".into(), parse_value("dictator"))],
            )
            .unwrap_err()
            .to_string();
        assert!(
            bad.contains("dictator") && bad.contains("consensus"),
            "{bad}"
        );
        let unknown = f
            .with_overrides("--vary", &[("governance.nope".into(), parse_value("1"))])
            .unwrap_err()
            .to_string();
        assert!(unknown.contains("nope"), "{unknown}");
        let ok = f
            .with_overrides(
                "--vary",
                &[("governance.checkin_every".into(), parse_value("4"))],
            )
            .unwrap();
        assert_eq!(ok.governance.checkin_every, 4);
    }

    #[test]
    fn parse_value_reads_numbers_bools_and_words() {
        assert_eq!(parse_value("3"), toml::Value::Integer(3));
        assert_eq!(parse_value("0.5"), toml::Value::Float(0.5));
        assert_eq!(parse_value("true"), toml::Value::Boolean(true));
        assert_eq!(
            parse_value("majority"),
            toml::Value::String("majority".into())
        );
    }
}
