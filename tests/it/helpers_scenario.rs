//! Scenarios for tests that run the engine directly: a scenario file with
//! settings overridden by dotted key, as `sweep --vary` does.

use coalsim_core::scenario::{Scenario, ScenarioFile};

/// `file` with each `(dotted key, value)` of `set` applied; `label` names
/// the variant in an error. Panics with the validation error.
pub fn overridden(file: &ScenarioFile, label: &str, set: &[(&str, toml::Value)]) -> Scenario {
    let set: Vec<(String, toml::Value)> = set
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    file.with_overrides(label, &set)
        .unwrap_or_else(|e| panic!("{e}"))
}
