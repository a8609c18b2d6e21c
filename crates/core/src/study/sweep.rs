//! The grid of a `sweep`: parses `--vary` overrides (or a file's
//! `[[variant]]`s) into the [`Arm`]s that [`compare`](crate::study::compare)
//! runs. Running them and writing the result directory is
//! `coalsim_report::sweep`.

use anyhow::{Context, bail};

use crate::scenario::{ScenarioFile, parse_value, value_text};
use crate::study::compare::Arm;

/// One `--vary KEY=V1,V2,...`: the key and its values.
#[derive(Debug, Clone, PartialEq)]
pub struct Vary {
    pub key: String,
    pub values: Vec<toml::Value>,
}

/// Parses `KEY=V1,V2,...` or `KEY=START..END:STEP` (inclusive of END when
/// the steps land on it).
pub fn parse_vary(text: &str) -> anyhow::Result<Vary> {
    let Some((key, list)) = text.split_once('=') else {
        bail!("--vary `{text}`: expected KEY=V1,V2,... or KEY=START..END:STEP");
    };
    let key = key.trim();
    if key.is_empty() {
        bail!(
            "--vary `{text}`: the key is empty; e.g. governance.decision_rule=consensus,majority"
        );
    }
    if key == "seed" {
        bail!(
            "--vary seed: every variant runs with the same seeds (common random numbers), so the arms would be identical; use --seed to choose them, or run one sweep per seed"
        );
    }
    let list = list.trim();
    let values = if let Some((range, step)) = list.split_once(':').filter(|_| list.contains("..")) {
        let (a, b) = range.split_once("..").unwrap_or((range, range));
        let num = |s: &str, what: &str| -> anyhow::Result<f64> {
            s.trim().parse::<f64>().with_context(|| {
                format!("--vary {key}: {what} `{s}` is not a number (in START..END:STEP)")
            })
        };
        let integers = [a, b, step].iter().all(|s| !s.contains('.'));
        let (start, end, step) = (num(a, "START")?, num(b, "END")?, num(step, "STEP")?);
        for (what, x) in [("START", start), ("END", end), ("STEP", step)] {
            if !x.is_finite() {
                bail!(
                    "--vary {key}: {what} is `{x}`; allowed: finite numbers in START..END:STEP (e.g. 0..10:2)"
                );
            }
        }
        if step <= 0.0 || end < start {
            bail!(
                "--vary {key}: `{list}` runs from {start} to {end} by {step}; allowed: STEP > 0 and END >= START (e.g. 0..10:2)"
            );
        }
        // Counted in floating point first: a tiny STEP gives more values
        // than any integer holds.
        let count = ((end - start) / step + 1e-9).floor() + 1.0;
        if count > 1000.0 {
            bail!("--vary {key}: `{list}` gives {count:.0} values; allowed: at most 1000 values");
        }
        let count = count as usize;
        (0..count)
            .map(|i| {
                let x = start + step * i as f64;
                if integers {
                    toml::Value::Integer(x.round() as i64)
                } else {
                    toml::Value::Float((x * 1e9).round() / 1e9)
                }
            })
            .collect()
    } else {
        list.split(',')
            .map(|v| parse_value(v.trim()))
            .collect::<Vec<_>>()
    };
    if values.is_empty()
        || values
            .iter()
            .any(|v| matches!(v, toml::Value::String(s) if s.is_empty()))
    {
        bail!(
            "--vary {key}: `{list}` has an empty value; allowed: KEY=V1,V2,... with no empty item, or KEY=START..END:STEP"
        );
    }
    Ok(Vary {
        key: key.to_string(),
        values,
    })
}

/// The arms of a sweep: the grid of `varies` over the base scenario (first
/// combination = baseline), or the file's variants when there is no
/// `--vary`. Every arm is validated before anything runs.
pub fn arms(file: &ScenarioFile, varies: &[Vary]) -> anyhow::Result<Vec<Arm>> {
    if varies.is_empty() {
        let variants = file.variants()?;
        if variants.len() < 2 {
            bail!(
                "{}: nothing to compare: give --vary KEY=V1,V2,... or a scenario with two or more [[variant]] tables",
                file.source.name
            );
        }
        return Ok(variants
            .into_iter()
            .map(|v| Arm {
                name: v.name,
                scenario: v.scenario,
                settings: v.settings,
                baseline: 0,
            })
            .collect());
    }
    for (i, v) in varies.iter().enumerate() {
        if varies[..i].iter().any(|w| w.key == v.key) {
            bail!(
                "--vary {}: the key is varied twice; allowed: one --vary per key, with all its values (KEY=V1,V2,...)",
                v.key
            );
        }
    }
    let mut combos: Vec<Vec<(String, toml::Value)>> = vec![Vec::new()];
    for v in varies {
        let mut next = Vec::with_capacity(combos.len() * v.values.len());
        for c in &combos {
            for val in &v.values {
                let mut c2 = c.clone();
                c2.push((v.key.clone(), val.clone()));
                next.push(c2);
            }
        }
        combos = next;
    }
    if combos.len() > 400 {
        bail!(
            "--vary: {} combinations; allowed: at most 400",
            combos.len()
        );
    }
    let mut out = Vec::with_capacity(combos.len());
    for c in combos {
        let scenario = file.with_overrides("--vary", &c)?;
        let settings: Vec<(String, String)> =
            c.iter().map(|(k, v)| (k.clone(), value_text(v))).collect();
        // A key's last part names it ("checkin_every=2"); one organisation's
        // setting is named with the organisation ("Eastside Foundation's
        // resources=6"), since "resources=6" would not say whose.
        let name = settings
            .iter()
            .map(|(k, v)| {
                if k.starts_with("agent.") {
                    format!("{}={v}", file.key_label(k))
                } else {
                    format!("{}={v}", k.rsplit('.').next().unwrap_or(k))
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        out.push(Arm {
            name,
            scenario,
            settings,
            baseline: 0,
        });
    }
    // Checked after every value is validated, so an invalid value is
    // reported as such first.
    for v in varies {
        for (i, x) in v.values.iter().enumerate() {
            if v.values[..i].contains(x) {
                bail!(
                    "--vary {}: the value {} is given twice; allowed: each value once",
                    v.key,
                    value_text(x)
                );
            }
        }
    }
    Ok(out)
}

/// `--baseline KEY=VALUE`: compares every variant with the variant that
/// differs from it only by having KEY = VALUE (within each row of a grid:
/// every decision rule against a chosen rule at each value of the other
/// keys, say). KEY must be varied and VALUE one of its values.
pub fn set_baseline(arms: &mut [Arm], varies: &[Vary], text: &str) -> anyhow::Result<()> {
    let v = parse_vary(text)
        .map_err(|e| anyhow::anyhow!("{}", e.to_string().replacen("--vary", "--baseline", 1)))?;
    let [value] = v.values.as_slice() else {
        bail!(
            "--baseline {text}: give one value (KEY=VALUE), e.g. governance.decision_rule=majority"
        );
    };
    let Some(varied) = varies.iter().find(|w| w.key == v.key) else {
        bail!(
            "--baseline {}: not a key of the grid; allowed: {}",
            v.key,
            varies
                .iter()
                .map(|w| w.key.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    if !varied.values.contains(value) {
        bail!(
            "--baseline {}={}: not one of its values; allowed: {}",
            v.key,
            value_text(value),
            varied
                .values
                .iter()
                .map(value_text)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let want = value_text(value);
    let base_of = |a: &Arm| -> Vec<(String, String)> {
        a.settings
            .iter()
            .map(|(k, x)| {
                if *k == v.key {
                    (k.clone(), want.clone())
                } else {
                    (k.clone(), x.clone())
                }
            })
            .collect()
    };
    let baselines: Vec<usize> = arms
        .iter()
        .map(|a| {
            let b = base_of(a);
            arms.iter()
                .position(|x| x.settings == b)
                .expect("every combination of the grid is an arm")
        })
        .collect();
    for (a, b) in arms.iter_mut().zip(baselines) {
        a.baseline = b;
    }
    Ok(())
}
