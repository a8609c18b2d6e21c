//! docs/outputs.md names every column of every file and every key of every
//! JSON file the commands write: this fails when a file gains one it does
//! not mention (in that file's section).

use std::path::Path;

use assert_cmd::Command;

/// The text of `### file` under `## heading` in docs/outputs.md.
fn section(doc: &str, heading: &str, file: &str) -> String {
    let start = doc
        .find(&format!("\n## {heading}\n"))
        .unwrap_or_else(|| panic!("docs/outputs.md has no section `## {heading}`"));
    let part = &doc[start + 1..];
    let end = part[3..].find("\n## ").map_or(part.len(), |i| i + 3);
    let part = &part[..end];
    let sub = part
        .find(&format!("\n### {file}\n"))
        .unwrap_or_else(|| panic!("docs/outputs.md, `## {heading}` has no `### {file}`"));
    let sub = &part[sub + 1..];
    let end = sub[4..].find("\n### ").map_or(sub.len(), |i| i + 4);
    sub[..end].to_string()
}

/// Every key of a JSON value, nested objects and lists of objects included.
fn json_keys(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                json_keys(x, out);
            }
        }
        serde_json::Value::Array(a) => {
            for x in a {
                json_keys(x, out);
            }
        }
        _ => {}
    }
}

/// Names (columns or keys) of `file` in `dir`.
fn names(dir: &Path, file: &str) -> Vec<String> {
    let path = dir.join(file);
    if file.ends_with(".json") {
        let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let mut out = Vec::new();
        json_keys(&v, &mut out);
        out.sort();
        out.dedup();
        out
    } else {
        let mut r = csv::Reader::from_path(&path).unwrap();
        r.headers().unwrap().iter().map(String::from).collect()
    }
}

fn coalsim(dir: &Path, args: &[&str]) {
    let res = Command::cargo_bin("coalsim")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    assert!(res.status.success(), "{args:?}: {res:?}");
}

/// The user's own dotted keys (a sweep's settings, explore's uncertain
/// inputs) are columns by design; the document describes them as "one
/// column per ... key" and they are checked for that phrase instead.
fn user_key(name: &str) -> bool {
    name.contains('.')
}

#[test]
fn every_column_of_every_file_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    coalsim(t, &["run", "--quiet", "--out", "run"]);
    coalsim(t, &["batch", "--runs", "40", "--out", "batch"]);
    coalsim(
        t,
        &[
            "sweep",
            "--vary",
            "governance.decision_rule=consensus,majority",
            "--vary",
            "governance.checkin_every=1,2",
            "--runs",
            "20",
            "--no-plots",
            "--out",
            "sweep",
        ],
    );
    coalsim(
        t,
        &["batch", "--runs", "40", "--shard", "1/2", "--out", "shard"],
    );
    coalsim(
        t,
        &[
            "explore",
            "--uncertain",
            "population.count=6..12",
            "--uncertain",
            "shocks.rate=0.0..0.2",
            "--policy",
            "governance.decision_rule=consensus,majority",
            "--samples",
            "8",
            "--runs",
            "4",
            "--out",
            "explore",
        ],
    );
    let files: [(&str, &str, &[&str]); 5] = [
        (
            "run",
            "coalsim run",
            &["rounds.csv", "events.csv", "summary.json"],
        ),
        (
            "batch",
            "coalsim batch",
            &[
                "runs.csv",
                "rounds.csv",
                "incidence.csv",
                "survival.csv",
                "organisations.csv",
                "summary.json",
                "coalsim-manifest.json",
            ],
        ),
        (
            "sweep",
            "coalsim sweep and coalsim lesson",
            &[
                "runs.csv",
                "rounds.csv",
                "incidence.csv",
                "survival.csv",
                "variants.csv",
                "comparison.csv",
                "summary.json",
            ],
        ),
        ("shard", "Shard folders: --shard K/N", &["shard.json"]),
        (
            "explore",
            "coalsim explore",
            &[
                "samples.csv",
                "robustness.csv",
                "prim.csv",
                "sensitivity.csv",
                "summary.json",
            ],
        ),
    ];
    let mut missing = Vec::new();
    for (dir, heading, list) in files {
        for file in list {
            let text = section(&doc, heading, file);
            for name in names(&t.join(dir), file) {
                if text.contains(&format!("`{name}`")) {
                    // Documented by name (shard.json's `files` are keyed by
                    // file name, which has a dot like a user key).
                } else if user_key(&name) {
                    let ok = if name.contains(':') {
                        text.contains("`KEY:lo`, `KEY:hi`")
                    } else {
                        text.contains("one column per")
                    };
                    if !ok {
                        missing.push(format!("{dir}/{file}: {name} (a user key column)"));
                    }
                } else if !text.contains(&format!("`{name}`"))
                    && !text.contains(&format!(".{name}`"))
                {
                    missing.push(format!("{dir}/{file}: `{name}`"));
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "docs/outputs.md does not document:\n{}",
        missing.join("\n")
    );
}

/// The class game's log: its columns are documented too.
#[test]
fn every_column_of_the_game_log_is_documented() {
    let doc =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/outputs.md")).unwrap();
    let text = section(&doc, "coalsim serve: the class game", "game-log.csv");
    let s = coalsim_core::scenario::ScenarioFile::open(None)
        .unwrap()
        .base;
    let log = coalsim_serve::game::GameLog {
        title: s.name.clone(),
        scenario_toml: s.to_toml(),
        seed: 1,
        names: vec!["A".into()],
        plays: vec![coalsim_serve::game::Play {
            round: 1,
            agent: 0,
            player: "Ann".into(),
            choices: coalsim_serve::game::default_choices(),
        }],
        shocks: vec![coalsim_serve::game::Shock {
            round: 2,
            kind: coalsim_core::engine::ShockKind::PolicyShift,
        }],
        outcome: None,
        stopped_at: None,
    };
    let csv = log.to_csv();
    let header = csv.lines().find(|l| !l.starts_with('#')).unwrap();
    let missing: Vec<&str> = header
        .split(',')
        .filter(|c| !text.contains(&format!("`{c}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/outputs.md does not document: {missing:?}"
    );
    // Every header line is documented.
    for key in ["title", "seed", "shock"] {
        assert!(
            csv.contains(&format!("# {key}: ")) && text.contains(&format!("`# {key}: ")),
            "docs/outputs.md does not document the `# {key}:` line"
        );
    }
    // And the log reads back.
    let back = coalsim_serve::game::GameLog::parse("x.csv", &csv).unwrap();
    assert_eq!((back.plays, back.shocks), (log.plays, log.shocks));
}
