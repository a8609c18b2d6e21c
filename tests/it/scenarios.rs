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
