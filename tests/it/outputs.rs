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

/// The default scenario with `set` (dotted keys, TOML values).
fn default_with(set: &[(&str, toml::Value)]) -> coalsim_core::scenario::Scenario {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/default.toml");
    let file =
        coalsim_core::scenario::ScenarioFile::open(Some(&path)).unwrap_or_else(|e| panic!("{e}"));
    crate::helpers_scenario::overridden(&file, "decision costs", set)
}

/// Per run: (decisions passed + blocked, negotiation rounds, fallback
/// votes) of the summary, each run's round records checked to add up to
/// its summary.
fn decision_costs(s: &coalsim_core::scenario::Scenario, runs: u64) -> Vec<(u32, u32, u32)> {
    (0..runs)
        .map(|run| {
            let mut sim = coalsim_core::engine::Simulation::new(s, 2026, run);
            let (mut rounds, mut fallback) = (0, 0);
            while sim.outcome.is_none() {
                sim.step();
                let rec = sim.record();
                rounds += rec.negotiation_rounds;
                fallback += rec.fallback_votes;
            }
            let r = sim.summary();
            assert_eq!(
                (rounds, fallback),
                (r.negotiation_rounds, r.fallback_votes),
                "run {run}: the rounds' negotiation rounds and fallback votes should add up to the run's"
            );
            assert!(
                r.fallback_votes <= r.decisions_passed + r.decisions_blocked,
                "run {run}: a fallback vote is a decision: {r:?}"
            );
            (
                r.decisions_passed + r.decisions_blocked,
                r.negotiation_rounds,
                r.fallback_votes,
            )
        })
        .collect()
}

/// Under consensus, a proposal blocked by the stand-aside limit alone (no
/// voiced objection: at `block_threshold` 10 every objector stands aside)
/// is negotiated as any block is, with the stand-asides beyond the limit;
/// with no limit (1) nothing is blocked, so nothing is negotiated.
#[test]
fn a_proposal_blocked_by_the_stand_aside_limit_alone_is_negotiated() {
    const RUNS: u64 = 20;
    let set = |limit: f64| {
        default_with(&[
            (
                "governance.decision_rule",
                toml::Value::String("consensus".into()),
            ),
            ("governance.stand_aside_limit", toml::Value::Float(limit)),
            ("dynamics.block_threshold", toml::Value::Float(10.0)),
            ("dynamics.amendments", toml::Value::Integer(3)),
        ])
    };
    let runs = decision_costs(&set(0.25), RUNS);
    assert!(
        runs.iter().any(|&(_, rounds, _)| rounds > 0),
        "limit 0.25: a proposal too many stood aside from should be negotiated: {runs:?}"
    );
    assert!(
        runs.iter().all(|&(d, rounds, _)| rounds <= 3 * d),
        "at most 3 rounds per decision: {runs:?}"
    );
    let runs = decision_costs(&set(1.0), RUNS);
    assert!(
        runs.iter().all(|&(_, rounds, _)| rounds == 0),
        "no limit: nothing blocked, nothing negotiated: {runs:?}"
    );
}

/// `negotiation_rounds` counts the amendment loop's rounds only (none
/// without amendments, under majority or consent, whose objection round is
/// not one), at most `amendments` per decision; `fallback_votes` counts
/// only modified consensus's fallback votes. In runs.csv both come right
/// after `decisions_blocked`, consent's `objection_rounds` between them.
#[test]
fn negotiation_rounds_and_fallback_votes_count_the_decision_costs() {
    const RUNS: u64 = 40;
    let rule = |r: &str| ("governance.decision_rule", toml::Value::String(r.into()));
    let amendments = |n: i64| ("dynamics.amendments", toml::Value::Integer(n));

    for r in ["majority", "consent"] {
        let runs = decision_costs(&default_with(&[rule(r), amendments(0)]), RUNS);
        assert!(
            runs.iter().all(|&(_, rounds, _)| rounds == 0),
            "{r}, amendments = 0: no round of negotiation: {runs:?}"
        );
        assert!(
            runs.iter().all(|&(_, _, f)| f == 0),
            "{r}: no fallback vote"
        );
    }

    let runs = decision_costs(&default_with(&[rule("consensus"), amendments(3)]), RUNS);
    assert!(
        runs.iter().any(|&(_, rounds, _)| rounds > 0),
        "consensus, amendments = 3: some blocked proposal should be negotiated: {runs:?}"
    );
    assert!(
        runs.iter().all(|&(d, rounds, _)| rounds <= 3 * d),
        "consensus, amendments = 3: at most 3 rounds per decision: {runs:?}"
    );
    assert!(
        runs.iter().all(|&(_, _, f)| f == 0),
        "consensus has no fallback vote: {runs:?}"
    );

    let runs = decision_costs(
        &default_with(&[
            rule("modified_consensus"),
            ("governance.fallback_after", toml::Value::Integer(1)),
        ]),
        RUNS,
    );
    assert!(
        runs.iter().any(|&(_, _, f)| f > 0),
        "modified consensus, fallback_after = 1: some decision should go to the fallback vote: {runs:?}"
    );

    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(coalsim_core::engine::RunSummary::example())
        .unwrap();
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let header = text.lines().next().unwrap();
    assert!(
        header.contains(",decisions_passed,decisions_blocked,negotiation_rounds,objection_rounds,fallback_votes,"),
        "{header}"
    );
}

/// `objection_rounds` counts consent's objection rounds, one per vote in
/// which a reasoned objection was raised (so at most one per decision), and
/// no other rule's: in a sweep of scenarios/when-agreement-pays.toml's
/// rules, runs.csv's column (right after `negotiation_rounds`) is above 0
/// in some consent run and 0 in every run of every other rule. And it is
/// the round that costs the hours: with no negotiation
/// (`dynamics.amendments` = 0), a consent run at `amendment_hours` 1 is the
/// run at 0 until the first round with an objection round, whose hours are
/// higher by a whole number of voters' hour (at least one, at most
/// everyone).
#[test]
fn objection_rounds_count_consents_objection_rounds_and_their_hours() {
    const RUNS: u64 = 20;
    let lesson = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/when-agreement-pays.toml");
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    coalsim(
        t,
        &[
            "sweep",
            lesson.to_str().unwrap(),
            "--runs",
            &RUNS.to_string(),
            "--no-plots",
            "--out",
            "sweep",
        ],
    );
    let mut r = csv::Reader::from_path(t.join("sweep/runs.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("runs.csv has no `{name}`: {header:?}"))
    };
    assert_eq!(col("objection_rounds"), col("negotiation_rounds") + 1);
    assert_eq!(col("fallback_votes"), col("objection_rounds") + 1);
    let [variant, objection, passed, blocked] = [
        "variant",
        "objection_rounds",
        "decisions_passed",
        "decisions_blocked",
    ]
    .map(col);
    let mut per: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
    for row in r.records() {
        let row = row.unwrap();
        let n = |c: usize| row[c].parse::<u32>().unwrap();
        assert!(
            n(objection) <= n(passed) + n(blocked),
            "at most one objection round per decision: {row:?}"
        );
        per.entry(row[variant].to_string())
            .or_default()
            .push(n(objection));
    }
    assert_eq!(per.len(), 7, "{per:?}");
    for (name, runs) in &per {
        assert_eq!(runs.len() as u64, RUNS, "{name}");
        if name == "consent" {
            assert!(
                runs.iter().any(|&k| k > 0),
                "consent: some run should hold an objection round: {runs:?}"
            );
        } else {
            assert!(
                runs.iter().all(|&k| k == 0),
                "{name}: no objection round outside consent: {runs:?}"
            );
        }
    }

    let file =
        coalsim_core::scenario::ScenarioFile::open(Some(&lesson)).unwrap_or_else(|e| panic!("{e}"));
    let consent = |hours: f64| {
        crate::helpers_scenario::overridden(
            &file,
            "objection hours",
            &[
                (
                    "governance.decision_rule",
                    toml::Value::String("consent".into()),
                ),
                ("dynamics.amendments", toml::Value::Integer(0)),
                ("dynamics.amendment_hours", toml::Value::Float(hours)),
            ],
        )
    };
    let (free, paid) = (consent(0.0), consent(1.0));
    let mut checked = 0;
    for run in 0..RUNS {
        let mut a = coalsim_core::engine::Simulation::new(&free, 2026, run);
        let mut b = coalsim_core::engine::Simulation::new(&paid, 2026, run);
        while a.outcome.is_none() && b.outcome.is_none() {
            a.step();
            b.step();
            let (ra, rb) = (a.record(), b.record());
            assert_eq!(ra.objection_rounds, rb.objection_rounds, "run {run}");
            if ra.objection_rounds == 0 {
                assert_eq!(ra, rb, "run {run}: no objection round yet, nothing differs");
                continue;
            }
            let more = rb.hours - ra.hours;
            let voters = more.round();
            assert!(
                (more - voters).abs() < 1e-9 && voters >= 1.0 && voters <= a.world.n as f64,
                "run {run}, round {}: the objection round should add one hour per voter: {more}",
                ra.round
            );
            checked += 1;
            break;
        }
    }
    assert!(checked > 0, "no consent run held an objection round");
}
