//! Every scenario in the library is valid. New files are covered as soon as
//! they are added to `scenarios/`.

use assert_cmd::Command;

#[test]
fn every_library_scenario_passes_check() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no scenarios in {}", dir.display());
    for path in &files {
        let out = Command::cargo_bin("coalsim")
            .unwrap()
            .arg("check")
            .arg(path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains(": valid."), "{}: {stdout}", path.display());
    }
}

/// docs/model.md must document every scenario field: each key of the fully
/// resolved default scenario appears there in backticks.
#[test]
fn every_scenario_key_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/model.md")).unwrap();
    let file = coalsim_core::scenario::ScenarioFile::open(None).unwrap();
    let table: toml::Table = toml::from_str(&file.base.to_toml()).unwrap();
    fn walk(t: &toml::Table, doc: &str, missing: &mut Vec<String>) {
        for (k, v) in t {
            let documented = [format!("`{k}`"), format!("`[{k}]`"), format!("`[[{k}]]`")]
                .iter()
                .any(|form| doc.contains(form.as_str()));
            if !documented {
                missing.push(k.clone());
            }
            if let toml::Value::Table(inner) = v {
                walk(inner, doc, missing);
            }
        }
    }
    let mut missing = Vec::new();
    walk(&table, &doc, &mut missing);
    for k in [
        "name",
        "position",
        "salience",
        "knows",
        "leadership",
        "member",
        "founder",
    ] {
        if !doc.contains(&format!("`{k}`")) {
            missing.push(k.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "docs/model.md does not document: {missing:?}"
    );
}

/// scenarios/bench.toml is what the benchmark measures, so it must run the
/// whole model: over a batch of 400 runs, each of the four endings, crises,
/// leaks, abrupt and graceful exits, and every reason for leaving occur.
/// (The counts are exact for this seed; the bounds leave room for model
/// changes that move them without removing a mechanism.)
#[test]
fn bench_scenario_exercises_every_ending_and_mechanism() {
    use coalsim_core::engine::Simulation;
    use coalsim_core::model::ExitReason;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/bench.toml");
    let s = coalsim_core::scenario::ScenarioFile::open(Some(&path))
        .unwrap()
        .base;
    let runs = 400u64;
    let mut endings = std::collections::BTreeMap::new();
    let mut exits = [0u32; ExitReason::ALL.len()];
    let (mut crises, mut leaks, mut abrupt, mut graceful) = (0u32, 0u32, 0u32, 0u32);
    for run in 0..runs {
        let r = Simulation::new(&s, s.seed, run).run_to_end();
        *endings.entry(r.outcome).or_insert(0u32) += 1;
        for (k, reason) in ExitReason::ALL.iter().enumerate() {
            exits[k] += r.exits(*reason);
        }
        crises += r.crises;
        leaks += r.public_disagreements;
        abrupt += r.abrupt_exits;
        graceful += r.exits(ExitReason::Removed) + r.exits(ExitReason::Misfit);
    }
    for ending in ["goal", "sunset", "dissolved", "round_limit"] {
        let n = endings.get(ending).copied().unwrap_or(0);
        assert!(
            n as u64 * 50 >= runs,
            "bench.toml: {n} of {runs} runs end in {ending} (at least 2% wanted): {endings:?}"
        );
    }
    assert!(crises > 0 && leaks > 0, "crises {crises}, leaks {leaks}");
    assert!(
        abrupt > 0 && graceful > 0,
        "abrupt {abrupt}, graceful {graceful}"
    );
    for (k, reason) in ExitReason::ALL.iter().enumerate() {
        assert!(exits[k] > 0, "bench.toml: no exit for {}", reason.name());
    }
}
