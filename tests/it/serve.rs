//! `coalsim serve` without a browser: the API gives the command line's
//! answers (same events, same errors, same comparison), keeps to its
//! limits, reaches no file, and stops a comparison whose client went away.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use coalsim_serve::server::{Config, Limits};
use serde_json::{Value, json};

use super::helpers_cli::coalsim;
use super::helpers_http::{agent, eventually, get, post, start};

fn upload(name: &str, text: &str) -> Value {
    json!({"kind": "upload", "name": name, "text": text})
}

/// The events of a run view as `events.csv` would hold them.
fn events_csv(view: &Value) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(["round", "kind", "agent", "reason", "details"])
        .unwrap();
    for f in view["frames"].as_array().unwrap() {
        for e in f["events"].as_array().unwrap() {
            let field = |k: &str| match &e[k] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            w.write_record([
                field("round"),
                field("kind"),
                field("agent"),
                field("reason"),
                field("details"),
            ])
            .unwrap();
        }
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn cli_run(dir: &Path, scenario: &Path, seed: u64) -> (String, String) {
    let out = coalsim()
        .arg("run")
        .arg(scenario)
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8(out.stdout).unwrap(),
        std::fs::read_to_string(dir.join("events.csv")).unwrap(),
    )
}

#[test]
fn a_run_in_the_browser_is_the_run_coalsim_run_makes() {
    let server = start(Config::default());
    let tmp = tempfile::tempdir().unwrap();
    for (file, seed) in [
        ("scenarios/default.toml", 7u64),
        ("scenarios/consensus-illusion.toml", 11),
        ("scenarios/housing-ordinance.toml", 3),
    ] {
        let text = std::fs::read_to_string(file).unwrap();
        let (stdout, events) = cli_run(&tmp.path().join(seed.to_string()), Path::new(file), seed);
        let (status, view) = post(
            &format!("{}/api/run", server.url()),
            &json!({"scenario": {"source": upload(file, &text)}, "seed": seed}),
        );
        assert_eq!(status, 200, "{view}");
        assert!(
            events.lines().count() > 3,
            "{file}: too few events to compare"
        );
        assert_eq!(
            events_csv(&view),
            events,
            "{file} seed {seed}: event logs differ"
        );
        // The narrative lines and the verdict are the terminal's too.
        let verdict = view["verdict"].as_str().unwrap();
        assert!(stdout.contains(verdict), "{file}: verdict differs");
        for f in view["frames"].as_array().unwrap() {
            for line in f["lines"].as_array().unwrap() {
                let line = line.as_str().unwrap();
                assert!(
                    stdout.contains(line),
                    "{file}: `{line}` is not in the terminal narrative"
                );
            }
        }
    }
}

#[test]
fn a_lesson_variant_runs_as_coalsim_run_variant() {
    let server = start(Config::default());
    let tmp = tempfile::tempdir().unwrap();
    let out = coalsim()
        .args(["run", "scenarios/urgency-trap.toml", "--seed", "4"])
        .args(["--variant", "urgency trap", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        // The variant's name is the lesson file's; show what it has.
        panic!("{stderr}");
    }
    let events = std::fs::read_to_string(tmp.path().join("events.csv")).unwrap();
    let (status, view) = post(
        &format!("{}/api/run", server.url()),
        &json!({"scenario": {"source": {"kind": "lesson", "name": "urgency-trap"}, "variant": "urgency trap"}, "seed": 4}),
    );
    assert_eq!(status, 200, "{view}");
    assert_eq!(events_csv(&view), events);
}

#[test]
fn the_downloaded_scenario_runs_as_the_page_ran_it() {
    let server = start(Config::default());
    let scenario = json!({
        "source": {"kind": "lesson", "name": "urgency-trap"},
        "variant": "urgency trap",
        "set": [{"key": "governance.decision_rule", "value": "consensus"}, {"key": "goal.size", "value": "60"}],
    });
    let (status, s) = post(&format!("{}/api/scenario", server.url()), &scenario);
    assert_eq!(status, 200, "{s}");
    assert_eq!(s["values"]["governance.decision_rule"], "consensus");
    assert_eq!(s["values"]["goal.size"], "60.0");
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("downloaded.toml");
    std::fs::write(&file, s["toml"].as_str().unwrap()).unwrap();
    let (_, events) = cli_run(&tmp.path().join("out"), &file, 21);
    let (status, view) = post(
        &format!("{}/api/run", server.url()),
        &json!({"scenario": scenario, "seed": 21}),
    );
    assert_eq!(status, 200, "{view}");
    assert_eq!(events_csv(&view), events);
}

#[test]
fn a_bad_upload_gets_the_message_coalsim_check_gives() {
    let server = start(Config::default());
    let tmp = tempfile::tempdir().unwrap();
    for text in [
        "[governance]\ndecision_rule = \"dictator\"\n",
        "max_rounds = 10\n[governance]\nsupermajority = 1.5\n",
        "[goal]\nsize = 80.0\ncolour = \"red\"\n",
        "max_rounds = \n",
    ] {
        std::fs::write(tmp.path().join("mine.toml"), text).unwrap();
        let out = coalsim()
            .current_dir(tmp.path())
            .args(["check", "mine.toml"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let cli = String::from_utf8(out.stderr).unwrap();
        let (status, v) = post(
            &format!("{}/api/scenario", server.url()),
            // A path in the name is dropped: only the file name is shown.
            &json!({"source": upload("/home/teacher/mine.toml", text)}),
        );
        assert_eq!(status, 400);
        let msg = v["error"].as_str().unwrap();
        assert_eq!(format!("error: {msg}\n"), cli, "for {text:?}");
    }
}

#[test]
fn a_control_is_validated_like_a_vary_override() {
    let server = start(Config::default());
    for (key, value) in [
        ("governance.supermajority", "1.5"),
        ("governance.decision_rule", "dictator"),
        ("governance.no_such_key", "1"),
        ("max_rounds", "-3"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let out = coalsim()
            .args(["sweep", "--runs", "2", "--no-plots", "--out"])
            .arg(tmp.path())
            .arg("--vary")
            .arg(format!("{key}={value},{value}"))
            .output()
            .unwrap();
        assert!(!out.status.success());
        let cli = String::from_utf8(out.stderr).unwrap();
        let (status, v) = post(
            &format!("{}/api/scenario", server.url()),
            &json!({"source": {"kind": "default"}, "set": [{"key": key, "value": value}]}),
        );
        assert_eq!(status, 400);
        let msg = v["error"].as_str().unwrap();
        // Same message; only the origin differs (`--vary` vs `control`).
        let cli_rest = cli
            .trim_end()
            .strip_prefix("error: --vary: ")
            .unwrap_or(&cli);
        let api_rest = msg.strip_prefix("control: ").unwrap_or(msg);
        assert_eq!(api_rest, cli_rest, "{key}={value}");
    }
}

/// Reads a compare answer to its end: (progress lines seen, result).
fn compare(url: &str, body: &Value) -> (u16, Vec<Value>) {
    let r = agent()
        .post(format!("{url}/api/compare"))
        .header("content-type", "application/json")
        .send(body.to_string())
        .unwrap();
    let status = r.status().as_u16();
    let mut lines = Vec::new();
    for line in BufReader::new(r.into_body().into_reader()).lines() {
        let line = line.unwrap();
        lines.push(serde_json::from_str::<Value>(&line).unwrap());
    }
    (status, lines)
}

fn rule_arms() -> Value {
    json!([
        {"name": "consensus", "set": [{"key": "governance.decision_rule", "value": "consensus"}]},
        {"name": "majority", "set": [{"key": "governance.decision_rule", "value": "majority"}]},
    ])
}

#[test]
fn a_comparison_in_the_browser_is_the_sweep_on_the_command_line() {
    let server = start(Config::default());
    let tmp = tempfile::tempdir().unwrap();
    let out = coalsim()
        .args(["sweep", "--runs", "300", "--seed", "9", "--no-plots"])
        .args([
            "--vary",
            "governance.decision_rule=consensus,majority",
            "--out",
        ])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap())
            .unwrap();
    let (status, lines) = compare(
        &server.url(),
        &json!({"scenario": {"source": {"kind": "default"}}, "arms": rule_arms(), "runs": 300, "seed": 9}),
    );
    assert_eq!(status, 200);
    let progress: Vec<u64> = lines.iter().filter_map(|l| l["done"].as_u64()).collect();
    assert_eq!(progress.first(), Some(&0));
    assert!(progress.windows(2).all(|w| w[0] < w[1]), "{progress:?}");
    let result = &lines.last().unwrap()["result"];
    for (k, arm) in result["arms"].as_array().unwrap().iter().enumerate() {
        let cli = &summary["variants"][k];
        assert_eq!(arm["success"]["estimate"], cli["success"], "arm {k}");
        assert_eq!(arm["success"]["lo"], cli["success_lo"], "arm {k}");
        let rounds = arm["measures"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["name"] == "rounds")
            .unwrap();
        assert_eq!(rounds["mean"], cli["mean_rounds"], "arm {k}");
        let ended: u64 = arm["ended"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e[1].as_u64().unwrap())
            .sum();
        assert_eq!(ended, 300);
        // Only the round limit censors, and only at the last round, so the
        // goal's cumulative incidence ends at the success share.
        let goal = arm["goal"].as_array().unwrap();
        let last = goal.last().unwrap()["value"].as_f64().unwrap();
        let success = arm["success"]["estimate"].as_f64().unwrap();
        assert!(
            (last - success).abs() < 1e-9,
            "arm {k}: {last} vs {success}"
        );
        assert!(!arm["members"].as_array().unwrap().is_empty());
    }
    assert_eq!(result["readings"].as_array().unwrap().len(), 1);
}

#[test]
fn a_lesson_comparison_reports_its_claims() {
    let server = start(Config::default());
    let (status, lines) = compare(
        &server.url(),
        &json!({
            "scenario": {"source": {"kind": "lesson", "name": "urgency-trap"}},
            "arms": [{"name": "a", "variant": "governance early"}, {"name": "b", "variant": "urgency trap"}],
            "runs": 100,
        }),
    );
    assert_eq!(status, 200, "{lines:?}");
    let lesson = &lines.last().unwrap()["result"]["lesson"];
    assert_eq!(lesson["name"], "urgency-trap", "{lesson}");
    assert!(!lesson["claims"].as_array().unwrap().is_empty());
    assert!(!lesson["lesson"].as_str().unwrap().is_empty());
}

#[test]
fn the_server_keeps_to_its_limits() {
    let limits = Limits {
        body_bytes: 4096,
        jobs: 1,
        runs: 5000,
        arms: 3,
        view_pairs: 1_000_000,
        game_rate: 5.0,
        game_free_after: 120,
        ..Limits::default()
    };
    let server = start(Config {
        served: None,
        limits,
        join_base: None,
        teacher_key: None,
    });
    let url = server.url();
    // A run too big to draw round by round.
    let (status, v) = post(
        &format!("{url}/api/run"),
        &json!({"scenario": {"source": upload("big.toml", "max_rounds = 200\n[population]\ncount = 300\n")}}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"].as_str().unwrap().contains("too big to draw"),
        "{v}"
    );
    // Body size.
    let big = "# padding\n".repeat(1000);
    let r = agent()
        .post(format!("{url}/api/scenario"))
        .header("content-type", "application/json")
        .send(json!({"source": upload("big.toml", &big)}).to_string())
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    // Runs and variants per comparison.
    let default = json!({"source": {"kind": "default"}});
    let (status, v) = post(
        &format!("{url}/api/compare"),
        &json!({"scenario": default, "arms": rule_arms(), "runs": 5001}),
    );
    assert_eq!(status, 400);
    assert!(
        v["error"].as_str().unwrap().contains("allowed: 1 to 5000"),
        "{v}"
    );
    let four = json!([{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]);
    let (status, _) = post(
        &format!("{url}/api/compare"),
        &json!({"scenario": default, "arms": four, "runs": 10}),
    );
    assert_eq!(status, 400);
    // One comparison at a time: a second is refused while the first runs;
    // dropping the first (a closed tab) stops it and frees the place.
    let first = agent()
        .post(format!("{url}/api/compare"))
        .header("content-type", "application/json")
        .send(json!({"scenario": default, "arms": rule_arms(), "runs": 5000}).to_string())
        .unwrap();
    assert_eq!(first.status().as_u16(), 200);
    let mut reader = BufReader::new(first.into_body().into_reader());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.contains("\"done\":0"), "{line}");
    let (status, v) = post(
        &format!("{url}/api/compare"),
        &json!({"scenario": default, "arms": rule_arms(), "runs": 10}),
    );
    assert_eq!(status, 429, "{v}");
    drop(reader);
    // The job notices at its next chunk (no timing assertion: the wait is
    // only bounded against a hung test).
    eventually("the abandoned comparison to stop", || {
        let (_, s) = get(&format!("{url}/api/status"));
        let running = serde_json::from_str::<Value>(&s).unwrap()["jobs_running"]
            .as_u64()
            .unwrap();
        (running == 0).then_some(())
    });
    let (status, lines) = compare(
        &url,
        &json!({"scenario": default, "arms": rule_arms(), "runs": 20}),
    );
    assert_eq!(status, 200);
    assert!(lines.last().unwrap()["result"].is_object());
}

#[test]
fn no_file_on_the_server_is_reachable() {
    let server = start(Config::default());
    let url = server.url();
    for path in [
        "/Cargo.toml",
        "/../Cargo.toml",
        "/%2e%2e/Cargo.toml",
        "/web/app.js",
        "/scenarios/default.toml",
        "/etc/passwd",
    ] {
        let (status, _) = get(&format!("{url}{path}"));
        assert_eq!(status, 404, "{path}");
    }
    // A request naming a file is refused: there is no such source kind.
    let (status, v) = post(
        &format!("{url}/api/scenario"),
        &json!({"source": {"kind": "file", "path": "Cargo.toml"}}),
    );
    assert_eq!(status, 422, "{v}");
    // Without a served file, `served` is refused too.
    let (status, _) = post(
        &format!("{url}/api/scenario"),
        &json!({"source": {"kind": "served"}}),
    );
    assert_eq!(status, 400);
    // The page and its script are there.
    let (status, page) = get(&format!("{url}/"));
    assert_eq!(status, 200);
    assert!(page.contains("/app.js"));
    let (status, js) = get(&format!("{url}/app.js"));
    assert_eq!(status, 200);
    assert!(js.contains("/api/run"));
}

#[test]
fn votes_show_ballots_that_add_up_to_the_tally() {
    let file = coalsim_core::scenario::ScenarioFile::open(None).unwrap();
    let mut with_ballots = 0;
    for seed in 0..10 {
        let view = coalsim_serve::server::view::run_view(&file.base, seed);
        assert_eq!(view.frames[0].round, 0);
        for (k, f) in view.frames.iter().enumerate() {
            assert_eq!(f.round as usize, k);
            let Some(v) = &f.vote else { continue };
            if v.ballots.is_empty() {
                continue;
            }
            with_ballots += 1;
            let count = |b: &str| v.ballots.iter().filter(|(_, x)| *x == b).count() as u32;
            assert_eq!(v.ballots.len() as u32, v.voters);
            assert_eq!(count("no"), v.voiced_objections);
            // Voters were members; one may have left later in the round.
            for (i, _) in &v.ballots {
                assert_ne!(f.nodes[*i].status, "outsider");
            }
        }
    }
    assert!(
        with_ballots > 10,
        "ballots shown in only {with_ballots} rounds"
    );
}

#[test]
fn serve_starts_from_the_command_line_and_refuses_a_broken_file() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "[goal]\nsize = -1.0\n").unwrap();
    let out = coalsim()
        .current_dir(tmp.path())
        .args(["serve", "bad.toml", "--port", "0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.starts_with("error: bad.toml:2:"), "{err}");

    std::fs::write(tmp.path().join("mine.toml"), "name = \"Our coalition\"\n").unwrap();
    let bin = assert_cmd::cargo::cargo_bin("coalsim");
    let mut child = std::process::Command::new(bin)
        .current_dir(tmp.path())
        .args(["serve", "mine.toml", "--port", "0"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://127.0.0.1:"))
        .map(|u| u.trim_end_matches('/').to_string());
    let result = url.as_deref().map(|url| {
        let (status, v) = post(
            &format!("{url}/api/scenario"),
            &json!({"source": {"kind": "served"}}),
        );
        (status, v)
    });
    child.kill().unwrap();
    child.wait().unwrap();
    let mut rest = String::new();
    let _ = stdout.read_to_string(&mut rest);
    let (status, v) = result.unwrap_or_else(|| panic!("no address in {first:?}"));
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["name"], "Our coalition");
    assert_eq!(v["file"], "mine.toml");
}

/// A comparison in the browser warns, as `coalsim sweep` does, when one
/// organisation would decide alone under a variant (a dominant funder
/// under a weighted vote), and only then.
#[test]
fn a_comparison_warns_when_one_member_decides_alone() {
    let server = start(Config::default());
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/eastside.toml"
    ))
    .unwrap();
    let arms = json!([
        {"name": "majority", "set": [{"key": "governance.decision_rule", "value": "majority"}]},
        {"name": "weighted", "set": [{"key": "governance.decision_rule", "value": "weighted"}]},
    ]);
    let (status, lines) = compare(
        &server.url(),
        &json!({"scenario": {"source": {"kind": "upload", "name": "eastside.toml", "text": text}}, "arms": arms, "runs": 20, "seed": 3}),
    );
    assert_eq!(status, 200, "{lines:?}");
    let result = &lines.last().unwrap()["result"];
    let capture = result["capture"].as_array().unwrap();
    assert_eq!(capture.len(), 1, "{capture:?}");
    let line = capture[0].as_str().unwrap();
    assert!(
        line.starts_with("Capture warning: under `weighted`, Eastside Foundation decides alone"),
        "{line}"
    );
    let (_, lines) = compare(
        &server.url(),
        &json!({"scenario": {"source": {"kind": "upload", "name": "eastside.toml", "text": text}}, "arms": rule_arms(), "runs": 20, "seed": 3}),
    );
    assert_eq!(
        lines.last().unwrap()["result"]["capture"],
        json!([]),
        "consensus and majority share power"
    );
}
