//! `coalsim batch`: output independent of the thread count, one row per
//! run, a shorter batch is a prefix of a longer one, bad flags fail early.

use std::path::Path;

use assert_cmd::Command;

const FILES: [&str; 4] = ["runs.csv", "rounds.csv", "survival.csv", "summary.json"];

fn batch(out: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("coalsim")
        .unwrap()
        .arg("batch")
        .args(args)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn read(dir: &Path, name: &str) -> Vec<u8> {
    std::fs::read(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn one_and_two_threads_write_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        let out = batch(dir, &["--runs", "2000", "--threads", threads]);
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Across 2000 runs"), "{text}");
    }
    for name in FILES {
        assert!(
            read(&one, name) == read(&two, name),
            "{name} differs between 1 and 2 threads"
        );
    }
    // runs.csv: a header and exactly one row per run, in run order.
    let runs = String::from_utf8(read(&one, "runs.csv")).unwrap();
    let lines: Vec<&str> = runs.lines().collect();
    assert_eq!(lines.len(), 2001);
    assert!(lines[0].starts_with("run,seed,outcome,success,rounds,"));
    for (i, line) in lines[1..].iter().enumerate() {
        assert!(line.starts_with(&format!("{i},2026,")), "row {i}: {line}");
    }
    // No temporary file is left behind.
    let names: Vec<String> = std::fs::read_dir(&one)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    // summary.json agrees with runs.csv.
    let summary: serde_json::Value = serde_json::from_slice(&read(&one, "summary.json")).unwrap();
    assert_eq!(summary["runs"], 2000);
    let goals = lines[1..]
        .iter()
        .filter(|l| l.split(',').nth(2) == Some("goal"))
        .count();
    assert_eq!(summary["success"]["count"], goals);
    assert_eq!(summary["outcomes"]["goal"], goals);
}

#[test]
fn a_shorter_batch_is_a_prefix_of_a_longer_one() {
    let tmp = tempfile::tempdir().unwrap();
    let (short, long) = (tmp.path().join("short"), tmp.path().join("long"));
    assert!(
        batch(&short, &["--runs", "500", "--seed", "99"])
            .status
            .success()
    );
    assert!(
        batch(&long, &["--runs", "1000", "--seed", "99"])
            .status
            .success()
    );
    let short = String::from_utf8(read(&short, "runs.csv")).unwrap();
    let long = String::from_utf8(read(&long, "runs.csv")).unwrap();
    let short: Vec<&str> = short.lines().collect();
    let long: Vec<&str> = long.lines().collect();
    assert_eq!(short.len(), 501);
    assert_eq!(long.len(), 1001);
    assert_eq!(short[..], long[..501]);
}

#[test]
fn bad_flags_fail_before_any_file_is_created() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, message) in [
        (&["--runs", "0"][..], "--runs must be at least 1"),
        (&["--threads", "0"][..], "--threads must be at least 1"),
        (&["--runs", "many"][..], "invalid value"),
        (&["no-such-scenario.toml"][..], "no-such-scenario.toml"),
    ] {
        let out_dir = tmp.path().join("out");
        let out = batch(&out_dir, args);
        assert!(!out.status.success(), "{args:?} should fail");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!out_dir.exists(), "{args:?} created {}", out_dir.display());
    }
}
