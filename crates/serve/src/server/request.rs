//! What a page may ask for, and how it becomes a validated [`Scenario`].
//!
//! Every scenario comes from text (the embedded default, a lesson, the file
//! given to `coalsim serve`, or a file the teacher uploads) through
//! [`ScenarioFile::load`], and every control the page changes is an
//! override applied by [`ScenarioFile::with_overrides`] — the path of a
//! `--vary` on the command line. So a value the page sends is checked by the
//! same code, with the same messages, as the same value in a file. Nothing
//! here names a path on the server's file system.

use serde::{Deserialize, Serialize};

use coalsim_core::scenario::{
    DecisionRule, Scenario, ScenarioError, ScenarioFile, Source, parse_value,
};
use coalsim_core::study::lessons::{self, LESSONS};

/// Where the scenario text comes from.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum SourceRequest {
    /// The embedded default scenario.
    Default,
    /// The file given on the command line of `coalsim serve`.
    Served,
    /// A lesson of the library, by name.
    Lesson { name: String },
    /// A scenario written for the class game ([`CLASS_SCENARIOS`]), by name.
    Class { name: String },
    /// A file the teacher uploaded: its name (for messages only) and text.
    Upload { name: String, text: String },
}

/// One control's value, as the page shows it (`0.75`, `consensus`, `true`).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub key: String,
    pub value: String,
}

/// A scenario: its source, optionally one of its `[[variant]]`s, and the
/// controls' settings on top.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScenarioRequest {
    pub source: SourceRequest,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub set: Vec<Setting>,
}

/// Scenarios written for a class: many organisations, each with a name
/// and interests a student can read as a story (`issue_names`). Embedded
/// like the lessons; `coalsim serve scenarios/NAME.toml` serves the same
/// file.
pub const CLASS_SCENARIOS: &[(&str, &str)] = &[(
    "eastside-housing",
    include_str!("../../../../scenarios/eastside-housing.toml"),
)];

/// How overrides from the page are named in error messages.
pub const ORIGIN: &str = "control";

/// Longest uploaded file name kept for messages.
const MAX_NAME: usize = 80;

/// Loads the source's file (validating it).
pub fn load(source: &SourceRequest, served: Option<&Source>) -> Result<ScenarioFile, String> {
    let src = match source {
        SourceRequest::Default => Source::embedded_default(),
        SourceRequest::Served => served.cloned().ok_or(
            "this server was started without a scenario file; pick the default or a lesson",
        )?,
        SourceRequest::Lesson { name } => {
            let l = lessons::find(name).ok_or_else(|| {
                format!(
                    "no lesson named `{name}`; allowed: {}",
                    LESSONS
                        .iter()
                        .map(|l| l.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })?;
            lesson_source(l)
        }
        SourceRequest::Class { name } => {
            let (file, text) =
                CLASS_SCENARIOS
                    .iter()
                    .find(|(n, _)| n == name)
                    .ok_or_else(|| {
                        format!(
                            "no class scenario named `{name}`; allowed: {}",
                            CLASS_SCENARIOS
                                .iter()
                                .map(|(n, _)| *n)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })?;
            Source {
                name: format!("scenarios/{file}.toml"),
                text: text.to_string(),
            }
        }
        SourceRequest::Upload { name, text } => Source {
            name: upload_name(name),
            text: text.clone(),
        },
    };
    ScenarioFile::load(src).map_err(|e| message(&e))
}

/// A lesson's embedded file, named as `coalsim lesson` names it.
pub fn lesson_source(l: &lessons::Lesson) -> Source {
    Source {
        name: format!("scenarios/{}.toml", l.name),
        text: l.toml.to_string(),
    }
}

/// The file name an upload is known by: its last path component, printable
/// characters only, at most [`MAX_NAME`] of them.
fn upload_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME)
        .collect();
    if clean.trim().is_empty() {
        "uploaded.toml".to_string()
    } else {
        clean
    }
}

/// The error as the command line prints it (after `error: `). Text
/// sources cannot fail to read, so no error here has a cause to append.
pub fn message(e: &ScenarioError) -> String {
    e.to_string()
}

/// The overrides of `variant` (by name) followed by `set`, parsed as
/// `--vary` values are.
pub fn overrides(
    file: &ScenarioFile,
    variant: Option<&str>,
    set: &[Setting],
) -> Result<Vec<(String, toml::Value)>, String> {
    let mut out = Vec::new();
    if let Some(name) = variant {
        let v = file
            .base
            .variant
            .iter()
            .find(|v| v.name == name)
            .ok_or_else(|| {
                let names: Vec<&str> = file.base.variant.iter().map(|v| v.name.as_str()).collect();
                format!(
                    "{}: no variant named `{name}`; allowed: {}",
                    file.source.name,
                    if names.is_empty() {
                        "none (the file has no [[variant]])".to_string()
                    } else {
                        names.join(", ")
                    }
                )
            })?;
        out.extend(v.set.iter().map(|(k, val)| (k.clone(), val.clone())));
    }
    for s in set {
        if s.key.trim().is_empty() {
            return Err(format!("{ORIGIN}: the key is empty"));
        }
        out.push((s.key.trim().to_string(), parse_value(s.value.trim())));
    }
    Ok(out)
}

/// The scenario the request describes, validated.
pub fn resolve(
    req: &ScenarioRequest,
    served: Option<&Source>,
) -> Result<(ScenarioFile, Scenario), String> {
    let file = load(&req.source, served)?;
    let ov = overrides(&file, req.variant.as_deref(), &req.set)?;
    let s = if ov.is_empty() {
        file.base.clone()
    } else {
        file.with_overrides(ORIGIN, &ov).map_err(|e| message(&e))?
    };
    within_server(&s)?;
    Ok((file, s))
}

/// Most organisations in a scenario this server runs: the command line
/// allows more (a movement of thousands), whose runs hold gigabytes.
pub const SERVER_MAX_AGENTS: usize = 2000;

/// Refuses a scenario larger than the server runs.
pub fn within_server(s: &coalsim_core::scenario::Scenario) -> Result<(), String> {
    let n = s.agent_count();
    if n > SERVER_MAX_AGENTS {
        return Err(format!(
            "{n} organisations; allowed: at most {SERVER_MAX_AGENTS} on this server (run larger coalitions with the command line, `coalsim batch`)"
        ));
    }
    Ok(())
}

/// A control on the page.
#[derive(Debug, Clone, Serialize)]
pub struct Control {
    /// Dotted scenario key, as in `--vary` and the TOML file.
    pub key: &'static str,
    pub label: &'static str,
    /// `select`, `range` or `bool`.
    pub kind: &'static str,
    pub options: Vec<&'static str>,
    pub min: f64,
    pub max: f64,
    pub step: f64,
}

/// The controls a teacher changes most (any other key can still be set in
/// an uploaded file).
pub fn controls() -> Vec<Control> {
    let select = |key, label, options: Vec<&'static str>| Control {
        key,
        label,
        kind: "select",
        options,
        min: 0.0,
        max: 0.0,
        step: 0.0,
    };
    let range = |key, label, min, max, step| Control {
        key,
        label,
        kind: "range",
        options: Vec::new(),
        min,
        max,
        step,
    };
    vec![
        select(
            "governance.decision_rule",
            "Decision rule",
            DecisionRule::ALL.iter().map(|r| r.name()).collect(),
        ),
        select(
            "governance.setup",
            "Governance set up",
            vec!["early", "on_conflict"],
        ),
        select(
            "governance.exit_protocol",
            "Exit protocol",
            vec!["graceful", "none"],
        ),
        Control {
            kind: "bool",
            ..select(
                "governance.silence_as_consent",
                "Silence counts as consent",
                Vec::new(),
            )
        },
        range(
            "governance.checkin_every",
            "Check-in every (rounds, 0 = never)",
            0.0,
            12.0,
            1.0,
        ),
        range(
            "governance.supermajority",
            "Supermajority quota",
            0.5,
            1.0,
            0.05,
        ),
        range("goal.size", "Goal size (progress units)", 10.0, 400.0, 10.0),
        range("max_rounds", "Round limit (weeks)", 10.0, 260.0, 2.0),
    ]
}

/// The current value of `key` (dotted) in the resolved scenario, as text.
pub fn current(scenario_toml: &toml::Table, key: &str) -> Option<String> {
    let mut v: Option<&toml::Value> = None;
    let mut table = scenario_toml;
    for part in key.split('.') {
        let next = table.get(part)?;
        if let toml::Value::Table(t) = next {
            table = t;
        }
        v = Some(next);
    }
    v.map(coalsim_core::scenario::value_text)
}
