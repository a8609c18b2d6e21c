//! The `coalsim` binary as a user meets it: reproducible runs, a verdict,
//! bad scenarios refused with a located message and no output, `check`.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn coalsim() -> Command {
    Command::cargo_bin("coalsim").expect("the coalsim binary is built")
}

const OUTPUTS: [&str; 3] = ["rounds.csv", "events.csv", "summary.json"];

/// `coalsim run --seed SEED --out DIR` with the embedded default; returns
/// stdout and the three output files.
fn run_default(dir: &Path, seed: u64) -> (String, Vec<Vec<u8>>) {
    let out = coalsim()
        .args(["run", "--seed", &seed.to_string(), "--out"])
        .arg(dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "coalsim run failed: {stderr}");
    let files = OUTPUTS
        .iter()
        .map(|f| std::fs::read(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}")))
        .collect();
    (String::from_utf8(out.stdout).unwrap(), files)
}

#[test]
fn the_same_seed_gives_byte_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, a) = run_default(&tmp.path().join("a"), 5);
    let (_, b) = run_default(&tmp.path().join("b"), 5);
    for (name, (x, y)) in OUTPUTS.iter().zip(a.iter().zip(&b)) {
        assert!(!x.is_empty(), "{name} is empty");
        assert!(x == y, "{name} differs between two runs with seed 5");
    }
}

#[test]
fn a_different_seed_gives_different_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, a) = run_default(&tmp.path().join("a"), 5);
    let (_, c) = run_default(&tmp.path().join("c"), 6);
    assert_ne!(a[0], c[0], "rounds.csv");
    assert_ne!(a[1], c[1], "events.csv");
    assert_ne!(a[2], c[2], "summary.json");
}

#[test]
fn run_prints_a_verdict_and_writes_tidy_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (stdout, files) = run_default(tmp.path(), 5);
    assert!(stdout.contains("Verdict: "), "{stdout}");
    assert!(stdout.contains("seed 5"), "{stdout}");
    let rounds = String::from_utf8(files[0].clone()).unwrap();
    let mut lines = rounds.lines();
    assert!(lines.next().unwrap().starts_with("round,members,"));
    let rows = lines.count();
    assert!((1..=104).contains(&rows), "{rows} rounds");
    let summary: serde_json::Value = serde_json::from_slice(&files[2]).unwrap();
    assert_eq!(summary["rounds"].as_u64(), Some(rows as u64));
    assert!(summary["outcome"].is_string());
}

#[test]
fn quiet_run_prints_only_the_verdict() {
    let tmp = tempfile::tempdir().unwrap();
    let out = coalsim()
        .args(["run", "-q", "--seed", "5", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Verdict: "), "{stdout}");
    assert!(!stdout.contains("round 0:"), "{stdout}");
}

/// The count in `text` when it reads "N <singular>" (N = 1) or
/// "N <plural>" ("3 rounds of negotiation"); `None` otherwise.
fn count_of(text: &str, singular: &str, plural: &str) -> Option<u32> {
    let (n, rest) = text.split_once(' ')?;
    let n: u32 = n.parse().ok()?;
    (rest == if n == 1 { singular } else { plural }).then_some(n)
}

/// The narrated run counts the rounds of negotiation, consent's objection
/// rounds and the fallback votes: each status line those of the rounds
/// since the previous one (the words only when there were any), the end
/// line the run's, as rounds.csv's columns and summary.json add them up.
/// Under majority, under modified consensus (which has fallback votes) and
/// under consent (which has objection rounds).
#[test]
fn run_narrates_the_rounds_of_negotiation_the_objection_rounds_and_the_fallback_votes() {
    let tmp = tempfile::tempdir().unwrap();
    for (variant, fallback_expected, objection_expected) in [
        ("majority", false, false),
        ("modified consensus", true, false),
        ("consent", false, true),
    ] {
        let dir = tmp.path().join(variant.replace(' ', "-"));
        let stdout = crate::helpers_cli::ok(
            coalsim()
                .args([
                    "run",
                    "scenarios/when-agreement-pays.toml",
                    "--variant",
                    variant,
                ])
                .args(["--every", "8", "--out"])
                .arg(&dir),
        );
        // Per round of rounds.csv: (round, passed, blocked, negotiation
        // rounds, fallback votes, objection rounds).
        let mut csv = csv::Reader::from_path(dir.join("rounds.csv")).unwrap();
        let header = csv.headers().unwrap().clone();
        let col = |name: &str| header.iter().position(|h| h == name).unwrap();
        let cols = [
            col("round"),
            col("decisions_passed"),
            col("decisions_blocked"),
            col("negotiation_rounds"),
            col("fallback_votes"),
            col("objection_rounds"),
        ];
        let rows: Vec<[u32; 6]> = csv
            .records()
            .map(|r| {
                let r = r.unwrap();
                cols.map(|c| r[c].parse().unwrap())
            })
            .collect();
        let total = |k: usize| rows.iter().map(|r| r[k]).sum::<u32>();

        let mut since = 0;
        let (mut lines, mut with_negotiation, mut with_fallback, mut with_objection) = (0, 0, 0, 0);
        for line in stdout.lines() {
            let Some(status) = line.strip_prefix("  round ") else {
                continue;
            };
            let round: u32 = status.split(':').next().unwrap().parse().unwrap();
            let parts: Vec<&str> = status.split(" · ").collect();
            let d = parts
                .iter()
                .position(|p| p.starts_with("decisions "))
                .unwrap_or_else(|| panic!("{variant}: no decisions in `{line}`"));
            let after = &parts[d + 1..];
            let negotiation = after
                .iter()
                .find_map(|p| count_of(p, "round of negotiation", "rounds of negotiation"));
            let fallback = after
                .iter()
                .find_map(|p| count_of(p, "fallback vote", "fallback votes"));
            let objection = after
                .iter()
                .find_map(|p| count_of(p, "objection round", "objection rounds"));
            assert_eq!(
                parts.len(),
                d + 1
                    + negotiation.is_some() as usize
                    + objection.is_some() as usize
                    + fallback.is_some() as usize,
                "{variant}: unexpected words in `{line}`"
            );
            let seg: Vec<&[u32; 6]> = rows
                .iter()
                .filter(|r| r[0] > since && r[0] <= round)
                .collect();
            let sum = |k: usize| seg.iter().map(|r| r[k]).sum::<u32>();
            assert_eq!(
                parts[d],
                format!("decisions {} passed, {} blocked", sum(1), sum(2)),
                "{variant}: `{line}`"
            );
            // Zero is left unsaid.
            assert_ne!(negotiation, Some(0), "{variant}: `{line}`");
            assert_ne!(fallback, Some(0), "{variant}: `{line}`");
            assert_ne!(objection, Some(0), "{variant}: `{line}`");
            assert_eq!(
                negotiation.unwrap_or(0),
                sum(3),
                "{variant}: rounds {}..={round}: `{line}`",
                since + 1
            );
            assert_eq!(
                fallback.unwrap_or(0),
                sum(4),
                "{variant}: rounds {}..={round}: `{line}`",
                since + 1
            );
            assert_eq!(
                objection.unwrap_or(0),
                sum(5),
                "{variant}: rounds {}..={round}: `{line}`",
                since + 1
            );
            with_negotiation += (sum(3) > 0) as u32;
            with_fallback += (sum(4) > 0) as u32;
            with_objection += (sum(5) > 0) as u32;
            lines += 1;
            since = round;
        }
        assert!(lines >= 3, "{variant}: {lines} status line(s): {stdout}");
        assert!(
            with_negotiation > 0,
            "{variant}: no status line names a round of negotiation: {stdout}"
        );
        assert_eq!(
            with_fallback > 0,
            fallback_expected,
            "{variant}: status lines naming fallback votes: {stdout}"
        );
        assert_eq!(
            with_objection > 0,
            objection_expected,
            "{variant}: status lines naming objection rounds: {stdout}"
        );

        let summary: serde_json::Value =
            serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap();
        assert_eq!(
            summary["negotiation_rounds"].as_u64(),
            Some(total(3) as u64)
        );
        assert_eq!(summary["fallback_votes"].as_u64(), Some(total(4) as u64));
        assert_eq!(summary["objection_rounds"].as_u64(), Some(total(5) as u64));
        let end = stdout
            .lines()
            .find(|l| l.starts_with("At the end: "))
            .unwrap_or_else(|| panic!("{variant}: no end line: {stdout}"));
        let negotiation = if total(3) == 1 {
            "1 round of negotiation".to_string()
        } else {
            format!("{} rounds of negotiation", total(3))
        };
        let fallback = match total(4) {
            0 => String::new(),
            1 => ", 1 fallback vote".to_string(),
            n => format!(", {n} fallback votes"),
        };
        let objection = match total(5) {
            0 => String::new(),
            1 => ", 1 objection round".to_string(),
            n => format!(", {n} objection rounds"),
        };
        let decisions = format!(
            "; {} decisions passed, {} blocked, {negotiation}{objection}{fallback}, ",
            total(1),
            total(2)
        );
        assert!(
            end.contains(&decisions),
            "{variant}: `{end}` lacks `{decisions}`"
        );
        assert_eq!(total(4) > 0, fallback_expected, "{variant}: {end}");
        assert_eq!(total(5) > 0, objection_expected, "{variant}: {end}");
    }
}

/// Writes `text` (if any) to `name` in a fresh directory and checks that both
/// `run` and `check` refuse it: exit code 1, no panic, no output directory.
/// Returns the path used and `run`'s stderr.
fn refused(name: &str, text: Option<&str>) -> (PathBuf, String, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join(name);
    if let Some(text) = text {
        std::fs::write(&path, text).unwrap();
    }
    let out_dir = tmp.path().join("out");
    let out = coalsim()
        .arg("run")
        .arg(&path)
        .arg("--out")
        .arg(&out_dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "run: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert!(
        !out_dir.exists(),
        "a refused scenario must leave no output behind"
    );
    let check = coalsim().arg("check").arg(&path).output().unwrap();
    let check_err = String::from_utf8(check.stderr).unwrap();
    assert_eq!(check.status.code(), Some(1), "check: {check_err}");
    assert!(!check_err.contains("panicked"), "{check_err}");
    assert_eq!(check_err, stderr, "check and run give the same message");
    assert!(check.stdout.is_empty());
    (path, stderr, tmp)
}

fn at(path: &Path, line: usize, column: usize) -> String {
    format!("{}:{line}:{column}: ", path.display())
}

fn assert_mentions(stderr: &str, words: &[&str]) {
    for w in words {
        assert!(stderr.contains(w), "`{w}` missing from: {stderr}");
    }
}

#[test]
fn an_unknown_field_is_refused() {
    let (path, err, _t) = refused(
        "unknown.toml",
        Some("[governance]\ndecison_rule = \"majority\"\n"),
    );
    assert!(err.contains(&at(&path, 2, 1)), "{err}");
    assert_mentions(&err, &["decison_rule", "decision_rule", "checkin_every"]);
}

#[test]
fn a_misspelled_rule_is_refused() {
    let (path, err, _t) = refused(
        "rule.toml",
        Some("[governance]\ndecision_rule = \"dictator\"\n"),
    );
    assert!(err.contains(&at(&path, 2, 17)), "{err}");
    assert_mentions(
        &err,
        &[
            "dictator",
            "consensus",
            "majority",
            "supermajority",
            "weighted",
            "committee",
        ],
    );
}

#[test]
fn an_out_of_range_agent_value_is_refused() {
    let (path, err, _t) = refused(
        "agent.toml",
        Some("[[agent]]\nname = \"a\"\nfounder = true\nreliability = 1.5\n"),
    );
    assert!(err.contains(&at(&path, 4, 15)), "{err}");
    assert_mentions(&err, &["agent[0].reliability", "1.5", "allowed: 0 to 1"]);
}

#[test]
fn an_out_of_range_supermajority_is_refused() {
    let (path, err, _t) = refused("q.toml", Some("[governance]\nsupermajority = 0.3\n"));
    assert!(err.contains(&at(&path, 2, 17)), "{err}");
    assert_mentions(
        &err,
        &["governance.supermajority", "0.3", "allowed", "0.5", "1"],
    );
}

#[test]
fn a_toml_syntax_error_is_refused() {
    let (path, err, _t) = refused("syntax.toml", Some("name = \"x\"\nmax_rounds = = 3\n"));
    assert!(
        err.contains(&format!("{}:2:", path.display())),
        "line of the error: {err}"
    );
}

#[test]
fn a_missing_file_is_refused() {
    let (path, err, _t) = refused("missing.toml", None);
    assert_mentions(&err, &[&path.display().to_string(), "cannot read"]);
}

#[test]
fn a_wrong_type_is_refused() {
    let (path, err, _t) = refused("type.toml", Some("max_rounds = \"ten\"\n"));
    assert!(err.contains(&at(&path, 1, 14)), "{err}");
    assert_mentions(&err, &["ten"]);
}

#[test]
fn a_file_with_only_the_rule_is_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("rule.toml");
    std::fs::write(&path, "[governance]\ndecision_rule = \"majority\"\n").unwrap();
    let out = coalsim().arg("check").arg(&path).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("valid"), "{stdout}");
    let out_dir = tmp.path().join("out");
    coalsim()
        .args(["run", "-q"])
        .arg(&path)
        .arg("--out")
        .arg(&out_dir)
        .assert()
        .success();
    assert!(out_dir.join("rounds.csv").exists());
}

#[test]
fn check_prints_the_resolved_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("rule.toml");
    std::fs::write(&path, "[governance]\ndecision_rule = \"consensus\"\n").unwrap();
    let out = coalsim().arg("check").arg(&path).output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    // What the file says, and every default filled in.
    assert_mentions(
        &stdout,
        &[
            "decision_rule = \"consensus\"",
            "supermajority = 0.67",
            "max_rounds = 104",
            "[governance]",
            "[population]",
            "[dynamics]",
            "[trust]",
            "[shocks]",
            "[goal]",
        ],
    );
    // The resolved text is itself a scenario that resolves to itself.
    let resolved = tmp.path().join("resolved.toml");
    std::fs::write(&resolved, &stdout).unwrap();
    let again = coalsim().arg("check").arg(&resolved).output().unwrap();
    assert!(
        again.status.success(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let body = |s: &str| -> String {
        s.lines()
            .filter(|l| !l.starts_with('#'))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        body(&String::from_utf8(again.stdout).unwrap()),
        body(&stdout)
    );
}

#[test]
fn check_without_a_file_prints_the_embedded_default() {
    let out = coalsim().arg("check").output().unwrap();
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_mentions(&stdout, &["valid", "City coalition"]);
}

/// Regression: the round-0 `setup_started` event was written to events.csv
/// twice — once before the first round and again with round 1's events,
/// because the engine hands it on with the first step.
#[test]
fn events_csv_logs_setup_started_once() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, files) = run_default(tmp.path(), 5);
    let events = String::from_utf8(files[1].clone()).unwrap();
    let round0: Vec<&str> = events
        .lines()
        .filter(|l| l.starts_with("0,setup_started,"))
        .collect();
    assert_eq!(round0.len(), 1, "{events}");
    let mut seen = std::collections::HashSet::new();
    for line in events.lines().skip(1) {
        if line.contains("setup_started") || line.contains("governance_established") {
            assert!(seen.insert(line), "logged twice: {line}");
        }
    }
}

/// Regression: a value of the wrong type or an unknown rule name was
/// reported by position only (`1:14: invalid type: string "ten", expected
/// u32`), without naming the field it was given for.
#[test]
fn a_bad_value_names_its_field() {
    let (path, err, _t) = refused("type.toml", Some("max_rounds = \"ten\"\n"));
    assert!(
        err.contains(&format!("{}max_rounds: ", at(&path, 1, 14))),
        "{err}"
    );
    let (path, err, _t) = refused(
        "rule.toml",
        Some("[governance]\ndecision_rule = \"dictator\"\n"),
    );
    assert!(
        err.contains(&format!("{}governance.decision_rule: ", at(&path, 2, 17))),
        "{err}"
    );
    let (path, err, _t) = refused(
        "agent.toml",
        Some(
            "[[agent]]\nname = \"a\"\nfounder = true\n\n[[agent]]\nname = \"b\"\nposition = [0.1, \"far\"]\n",
        ),
    );
    assert!(
        err.contains(&format!("{}agent[1].position[1]: ", at(&path, 7, 18))),
        "{err}"
    );
}

/// Regression: a missing scenario file's reason was printed twice
/// (`cannot read the scenario file: No such file or directory (os error 2):
/// No such file or directory (os error 2)`).
#[test]
fn a_missing_file_gives_its_reason_once() {
    let (path, err, _t) = refused("missing.toml", None);
    let reason = std::fs::read_to_string(&path).unwrap_err().to_string();
    assert_eq!(err.matches(&reason).count(), 1, "{err}");
    assert_eq!(
        err.trim_end(),
        format!(
            "error: {}: cannot read the scenario file: {reason}",
            path.display()
        )
    );
}

#[test]
fn run_narrates_a_named_variant_and_refuses_an_unknown_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("v");
    let res = assert_cmd::Command::cargo_bin("coalsim")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "scenarios/urgency-trap.toml",
            "--variant",
            "urgency trap",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(res.status.success());
    let text = String::from_utf8_lossy(&res.stdout);
    assert!(
        text.contains("variant `urgency trap`") && text.contains("Verdict"),
        "{text}"
    );
    let bad = dir.path().join("bad");
    let res = assert_cmd::Command::cargo_bin("coalsim")
        .unwrap()
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "run",
            "scenarios/urgency-trap.toml",
            "--variant",
            "nope",
            "--out",
        ])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(
        err.contains("nope") && err.contains("governance early"),
        "{err}"
    );
    assert!(!bad.exists());
}

#[test]
fn lesson_ablate_reads_each_link_in_plain_words() {
    let out = coalsim()
        .args(["lesson", "public-disagreement", "--ablate", "--runs", "60"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("ABLATION: public-disagreement"), "{text}");
    assert!(
        text.contains("cutting 'legitimacy lost to a leak' changes the effect"),
        "{text}"
    );
}

#[test]
fn lesson_robust_refuses_to_combine_with_ablate() {
    let out = coalsim()
        .args(["lesson", "public-disagreement", "--ablate", "--robust"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}
