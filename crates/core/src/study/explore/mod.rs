//! Exploratory modelling: which policy (decision rule, check-in cadence,
//! exit protocol, ...) is robust when the coalition's own numbers are
//! uncertain (`coalsim explore`).
//!
//! The uncertain inputs and the candidate policies are dotted scenario keys,
//! parsed and validated exactly like `--vary` (they become scenario
//! overrides). A design places points in the unit hypercube of the
//! uncertainties; every point × policy is run `runs` times with common
//! random numbers (replication i of every point and policy uses the random
//! stream (seed, i)), and the outcomes are reduced to robustness measures,
//! PRIM boxes and sensitivity indices.
//!
//! - [`design`]: where in the uncertainty space to run (Latin hypercube,
//!   scrambled Sobol, Saltelli, Morris).
//! - [`run`]: the points, the scenarios and the parallel runs.
//! - [`robustness`]: mean, worst decile, regret, satisficing per policy.
//! - [`sensitivity`]: Sobol indices, Morris screening, binned first-order
//!   indices.
//! - [`prim`]: scenario discovery (PRIM boxes).
//! - [`boxsearch`]: where a policy leads the others (every box on one or
//!   two inputs, scored on the box's own means).
//! - [`report`]: everything above put together, and its words.

pub mod boxsearch;
pub mod design;
pub mod prim;
pub mod report;
pub mod robustness;
pub mod run;
pub mod sensitivity;
pub mod setup;

use anyhow::{Context, bail};

use crate::scenario::{ScenarioFile, value_text};
use crate::study::sweep::{Vary, parse_vary};

/// How an uncertain input is spread over its possible values.
#[derive(Debug, Clone, PartialEq)]
pub enum Spread {
    /// Uniform on [lo, hi].
    Float { lo: f64, hi: f64 },
    /// Uniform on the integers lo..=hi.
    Integer { lo: i64, hi: i64 },
    /// Each listed value equally likely.
    Choice(Vec<toml::Value>),
}

/// One uncertain input: a dotted scenario key, its spread, and how a
/// sentence or a plot axis names it.
#[derive(Debug, Clone, PartialEq)]
pub struct Uncertainty {
    pub key: String,
    pub spread: Spread,
    /// In plain words with the organisations' names ("Eastside
    /// Foundation's resources"): [`setup::setup`] sets it from the
    /// scenario ([`ScenarioFile::key_label`]); the key until then.
    pub label: String,
}

impl Uncertainty {
    /// The value at `u` in [0, 1] (inverse of the uniform distribution).
    pub fn value(&self, u: f64) -> toml::Value {
        match &self.spread {
            Spread::Float { lo, hi } => {
                // Rounded to 1e-9 so files print short, stable numbers.
                let x = lo + u.clamp(0.0, 1.0) * (hi - lo);
                toml::Value::Float(((x * 1e9).round() / 1e9).clamp(*lo, *hi))
            }
            Spread::Integer { lo, hi } => {
                let n = (hi - lo + 1) as f64;
                toml::Value::Integer((lo + (u * n).floor() as i64).min(*hi))
            }
            Spread::Choice(values) => values[self.index(u)].clone(),
        }
    }

    fn index(&self, u: f64) -> usize {
        match &self.spread {
            Spread::Choice(values) => {
                ((u * values.len() as f64).floor() as usize).min(values.len() - 1)
            }
            _ => 0,
        }
    }

    /// The value at `u` as a number (a choice among non-numbers: its
    /// position in the list), for PRIM and plots.
    pub fn number(&self, u: f64) -> f64 {
        match (&self.spread, self.value(u)) {
            (_, toml::Value::Float(x)) => x,
            (_, toml::Value::Integer(i)) => i as f64,
            _ => self.index(u) as f64,
        }
    }

    /// The choices, when they are not numbers (for words and axes).
    pub fn labels(&self) -> Option<Vec<String>> {
        match &self.spread {
            Spread::Choice(values)
                if values
                    .iter()
                    .any(|v| !matches!(v, toml::Value::Integer(_) | toml::Value::Float(_))) =>
            {
                Some(values.iter().map(value_text).collect())
            }
            _ => None,
        }
    }

    /// The spread as the user would write it.
    pub fn describe(&self) -> String {
        match &self.spread {
            Spread::Float { lo, hi } => format!("{lo}..{hi}"),
            Spread::Integer { lo, hi } => format!("{lo}..{hi}"),
            Spread::Choice(v) => v.iter().map(value_text).collect::<Vec<_>>().join(","),
        }
    }
}

/// Parses `KEY=LO..HI` (uniform; integers when both ends are) or
/// `KEY=V1,V2,...` / `KEY=START..END:STEP` (each value equally likely, as
/// `--vary` reads them).
pub fn parse_uncertain(text: &str) -> anyhow::Result<Uncertainty> {
    let Some((key, spec)) = text.split_once('=') else {
        bail!("--uncertain `{text}`: expected KEY=LO..HI or KEY=V1,V2,...");
    };
    let (key, spec) = (key.trim(), spec.trim());
    if key.is_empty() {
        bail!("--uncertain `{text}`: the key is empty; e.g. trust.strangers=0.2..0.6");
    }
    if let Some((a, b)) = spec.split_once("..").filter(|_| !spec.contains(':')) {
        let (a, b) = (a.trim(), b.trim());
        if let (Ok(lo), Ok(hi)) = (a.parse::<i64>(), b.parse::<i64>()) {
            if hi < lo {
                bail!("--uncertain {key}: LO..HI needs HI >= LO (got {lo}..{hi})");
            }
            return Ok(Uncertainty {
                key: key.into(),
                spread: Spread::Integer { lo, hi },
                label: key.into(),
            });
        }
        let num = |s: &str, what: &str| -> anyhow::Result<f64> {
            let x = s.parse::<f64>().with_context(|| {
                format!("--uncertain {key}: {what} `{s}` is not a number (in LO..HI)")
            })?;
            if !x.is_finite() {
                bail!("--uncertain {key}: {what} `{s}` is not a finite number");
            }
            Ok(x)
        };
        let (lo, hi) = (num(a, "LO")?, num(b, "HI")?);
        if hi <= lo {
            bail!("--uncertain {key}: LO..HI needs HI > LO (got {a}..{b})");
        }
        return Ok(Uncertainty {
            key: key.into(),
            spread: Spread::Float { lo, hi },
            label: key.into(),
        });
    }
    let v = parse_vary(text)
        .map_err(|e| anyhow::anyhow!("{}", e.to_string().replacen("--vary", "--uncertain", 1)))?;
    Ok(Uncertainty {
        label: v.key.clone(),
        key: v.key,
        spread: Spread::Choice(v.values),
    })
}

/// Parses `--policy KEY=V1,V2,...` (the syntax of `--vary`).
pub fn parse_policy(text: &str) -> anyhow::Result<Vary> {
    parse_vary(text)
        .map_err(|e| anyhow::anyhow!("{}", e.to_string().replacen("--vary", "--policy", 1)))
}

/// One candidate policy: a name and the overrides that make it.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub name: String,
    pub settings: Vec<(String, toml::Value)>,
}

/// Every combination of the `--policy` values, in the order given (the
/// last key varies fastest). One key: the policy is named by its value;
/// several: `key=value` pairs by the key's last segment.
pub fn policies(varies: &[Vary]) -> Vec<Policy> {
    let mut combos: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for v in varies {
        combos = combos
            .iter()
            .flat_map(|c| {
                v.values.iter().map(move |val| {
                    let mut c2 = c.clone();
                    c2.push((v.key.clone(), val.clone()));
                    c2
                })
            })
            .collect();
    }
    combos
        .into_iter()
        .map(|settings| {
            let name = if settings.len() == 1 {
                value_text(&settings[0].1)
            } else {
                settings
                    .iter()
                    .map(|(k, v)| {
                        format!("{}={}", k.rsplit('.').next().unwrap_or(k), value_text(v))
                    })
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            Policy { name, settings }
        })
        .collect()
}

/// The uncertainties and policies of a scenario file's `[explore]` table,
/// parsed. A range is written as a string `"LO..HI"`, a list of values as
/// an array. Errors name the file, the line, the table and the key.
pub fn from_file(file: &ScenarioFile) -> anyhow::Result<(Vec<Uncertainty>, Vec<Vary>)> {
    let ex = &file.base.explore;
    let origin = |table: &str, key: &str| -> String {
        match line_of(&file.source.text, table, key) {
            Some(line) => format!("{}:{line}: [{table}] \"{key}\"", file.source.name),
            None => format!("{}: [{table}] \"{key}\"", file.source.name),
        }
    };
    let text = |table: &str, key: &str, v: &toml::Value| -> anyhow::Result<String> {
        Ok(match v {
            toml::Value::String(s) => format!("{key}={s}"),
            toml::Value::Array(items)
                if table == "explore.uncertain"
                    && items.len() == 2
                    && items.iter().all(|i| i.is_integer() || i.is_float()) =>
            {
                bail!(
                    "{}: `{v}` is ambiguous; allowed: a range as a string (\"{}..{}\") or a choice between values as strings ([\"{}\", \"{}\"])",
                    origin(table, key),
                    value_text(&items[0]),
                    value_text(&items[1]),
                    value_text(&items[0]),
                    value_text(&items[1])
                )
            }
            toml::Value::Array(items) if !items.is_empty() => format!(
                "{key}={}",
                items.iter().map(value_text).collect::<Vec<_>>().join(",")
            ),
            other => bail!(
                "{}: `{other}`; allowed: a range as a string (\"0.2..0.6\") or a list of values ([\"consensus\", \"majority\"])",
                origin(table, key)
            ),
        })
    };
    // The parsers name their flag; from a file, name the file's place.
    let reword = |e: anyhow::Error, flag: &str, table: &str, key: &str| -> anyhow::Error {
        let msg = format!("{e:#}");
        let msg = msg
            .strip_prefix(&format!("{flag} {key}: "))
            .or_else(|| msg.strip_prefix(&format!("{flag} {key}=")))
            .unwrap_or(&msg)
            .to_string();
        anyhow::anyhow!("{}: {msg}", origin(table, key))
    };
    let mut unc = Vec::new();
    for (k, v) in &ex.uncertain {
        let t = text("explore.uncertain", k, v)?;
        unc.push(
            parse_uncertain(&t).map_err(|e| reword(e, "--uncertain", "explore.uncertain", k))?,
        );
    }
    let mut pol = Vec::new();
    for (k, v) in &ex.policy {
        let t = text("explore.policy", k, v)?;
        pol.push(parse_policy(&t).map_err(|e| reword(e, "--policy", "explore.policy", k))?);
    }
    Ok((unc, pol))
}

/// The line (1-based) of `key` inside the `[table]` of a TOML text, if it
/// can be found by reading the lines.
fn line_of(text: &str, table: &str, key: &str) -> Option<usize> {
    let header = format!("[{table}]");
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.starts_with('[') {
            inside = t == header;
            continue;
        }
        if inside && (t.starts_with(&format!("\"{key}\"")) || t.starts_with(&format!("'{key}'"))) {
            return Some(i + 1);
        }
    }
    None
}

/// Checks, before anything runs, that the uncertainties and policies make
/// valid scenarios: each uncertain key at both ends of its range (every
/// value of a list), each policy, no key twice, at least two distinct
/// policies. `unc_label`/`pol_label` name where they came from in errors.
pub fn validate(
    file: &ScenarioFile,
    unc: &[Uncertainty],
    policies: &[Policy],
    unc_label: &str,
    pol_label: &str,
) -> anyhow::Result<()> {
    for (i, u) in unc.iter().enumerate() {
        if unc[..i].iter().any(|v| v.key == u.key) {
            bail!("{unc_label} {}: given twice; allowed: each key once", u.key);
        }
        if policies
            .first()
            .is_some_and(|p| p.settings.iter().any(|(k, _)| *k == u.key))
        {
            bail!(
                "{unc_label} {}: also a policy key; a key is either uncertain or a policy",
                u.key
            );
        }
        let mut probes = vec![0.0, 1.0];
        if let Spread::Choice(v) = &u.spread {
            probes = (0..v.len())
                .map(|j| (j as f64 + 0.5) / v.len() as f64)
                .collect();
        }
        for p in probes {
            let tried = file.with_overrides(unc_label, &[(u.key.clone(), u.value(p))]);
            if let (Err(e), Spread::Float { lo, hi }) = (&tried, &u.spread)
                && format!("{e:#}").contains("floating point")
            {
                bail!(
                    "{unc_label} {}={lo}..{hi}: this key takes whole numbers, and a range with a decimal end is sampled as decimals; allowed: whole-number ends (e.g. {}..{})",
                    u.key,
                    lo.floor(),
                    hi.floor()
                );
            }
            tried?;
        }
    }
    if let Some(first) = policies.first() {
        for (j, k) in first.settings.iter().map(|(k, _)| k).enumerate() {
            if first.settings[..j].iter().any(|(k2, _)| k2 == k) {
                bail!(
                    "{pol_label} {k}: given twice; allowed: each key once (list its values after one =)"
                );
            }
        }
    }
    for (i, p) in policies.iter().enumerate() {
        if policies[..i].iter().any(|q| q.settings == p.settings) {
            bail!(
                "{pol_label}: the policy `{}` is given twice; allowed: each value once",
                p.name
            );
        }
        file.with_overrides(pol_label, &p.settings)?;
    }
    if policies.len() < 2 {
        bail!(
            "{pol_label}: {} policy to compare; allowed: at least two (e.g. governance.decision_rule=consensus,majority)",
            policies.len()
        );
    }
    Ok(())
}
