//! Beyond one machine: shards merged, and a batch resumed after SIGKILL,
//! are byte-identical to one uninterrupted batch; wrong shards and changed
//! resumes are refused, naming what differs.

use std::path::{Path, PathBuf};
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;

use super::helpers_cli::{coalsim, fails, ok, same_tree};

/// Files a whole batch must have written (so that there is something to
/// compare).
const WHOLE_BATCH: &[&str] = &["runs.csv", ".png"];

fn batch(out: &Path, args: &[&str]) -> Command {
    let mut c = coalsim();
    c.arg("batch").args(args).arg("--out").arg(out);
    c
}

#[test]
fn merged_shards_are_byte_identical_to_one_machine() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    ok(&mut batch(
        &t.join("whole"),
        &["--runs", "700", "--seed", "9"],
    ));
    // 700 runs are 44 segments of 16; five shards, given out of order.
    let shards: Vec<PathBuf> = (0..5).map(|k| t.join(format!("s{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        let text = ok(&mut batch(
            dir,
            &[
                "--runs",
                "700",
                "--seed",
                "9",
                "--shard",
                &format!("{k}/5"),
                "--threads",
                "1",
            ],
        ));
        assert!(
            text.contains(&format!("shard {k}/5 of a 700-run batch")),
            "{text}"
        );
    }
    let text = ok(coalsim()
        .arg("merge")
        .arg(t.join("merged"))
        .args([&shards[3], &shards[0], &shards[4], &shards[1], &shards[2]]));
    assert!(
        text.contains("Merged 5 shards (700 runs, seed 9)"),
        "{text}"
    );
    assert!(text.contains("700 runs, seed 9, up to"), "{text}");
    same_tree(&t.join("whole"), &t.join("merged"), WHOLE_BATCH);
}

/// On the intense-minority coalition at a 0.7 threshold, where many runs
/// reach the goal after more than half of the members left: the shards'
/// count of them adds up to the whole batch's (summary.json is compared
/// byte for byte), and the merge prints the same line.
#[test]
fn more_shards_than_segments_leave_some_empty_and_still_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let file = t.join("camps.toml");
    let text = crate::theory::camps(10, true, 0.5).replacen(
        "[governance]\n",
        "[governance]\ndecision_rule = \"supermajority\"\nsupermajority = 0.7\n",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let whole = ok(batch(&t.join("whole"), &["--runs", "40"]).arg(&file));
    // 40 runs = 3 segments; 4 shards: one holds no run.
    let shards: Vec<PathBuf> = (0..4).map(|k| t.join(format!("s{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        ok(batch(dir, &["--runs", "40", "--shard", &format!("{k}/4")]).arg(&file));
    }
    let merged = ok(coalsim().arg("merge").arg(t.join("merged")).args(&shards));
    same_tree(&t.join("whole"), &t.join("merged"), WHOLE_BATCH);
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.join("merged/summary.json")).unwrap()).unwrap();
    assert!(
        summary["split_successes"].as_u64().unwrap() > 0,
        "{summary}"
    );
    let line = |text: &str| {
        text.lines()
            .find(|l| l.starts_with("Reached by fewer than half:"))
            .map(str::to_owned)
    };
    assert!(line(&whole).is_some(), "{whole}");
    assert_eq!(line(&whole), line(&merged), "{merged}");
}

#[test]
fn shards_of_an_older_format_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for k in 0..2 {
        ok(&mut batch(
            &t.join(format!("s{k}")),
            &["--runs", "40", "--shard", &format!("{k}/2")],
        ));
    }
    let info = t.join("s1/shard.json");
    let text = std::fs::read_to_string(&info).unwrap();
    assert!(text.contains("\"format\": \"coalsim-shard/4\""), "{text}");
    std::fs::write(&info, text.replace("coalsim-shard/4", "coalsim-shard/3")).unwrap();
    let err = fails(
        coalsim()
            .arg("merge")
            .arg(t.join("m"))
            .arg(t.join("s0"))
            .arg(t.join("s1")),
    );
    assert!(
        err.contains("shard format `coalsim-shard/3`")
            && err.contains("reads `coalsim-shard/4`")
            && err.contains("merge with the coalsim version that wrote the shards"),
        "{err}"
    );
    assert!(!t.join("m").exists(), "nothing is written");
}

#[test]
fn wrong_shards_are_refused_naming_what_differs() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let make = |name: &str, args: &[&str]| {
        let dir = t.join(name);
        ok(&mut batch(&dir, args));
        dir
    };
    let a0 = make("a0", &["--runs", "64", "--seed", "1", "--shard", "0/2"]);
    let a1 = make("a1", &["--runs", "64", "--seed", "1", "--shard", "1/2"]);
    let b1 = make("b1", &["--runs", "64", "--seed", "2", "--shard", "1/2"]);
    let c1 = make("c1", &["--runs", "80", "--seed", "1", "--shard", "1/2"]);
    let d1 = make("d1", &["--runs", "64", "--seed", "1", "--shard", "1/3"]);
    let merge = |shards: &[&PathBuf]| {
        let mut c = coalsim();
        c.arg("merge").arg(t.join("out")).args(shards);
        fails(&mut c)
    };
    let e = merge(&[&a0, &b1]);
    assert!(
        e.contains("not shards of the same batch") && e.contains("seed: 2 vs 1"),
        "{e}"
    );
    let e = merge(&[&a0, &c1]);
    assert!(e.contains("runs: 80 vs 64"), "{e}");
    let e = merge(&[&a0, &d1]);
    assert!(e.contains("split in two different ways"), "{e}");
    let e = merge(&[&a0]);
    assert!(e.contains("1 of 2 shards missing: 1/2"), "{e}");
    let e = merge(&[&a0, &a1, &a0]);
    assert!(e.contains("shard 0/2 is given twice"), "{e}");
    // A folder that is not a shard, and a whole batch.
    let e = merge(&[&a0, &t.join("nothing")]);
    assert!(e.contains("not a finished coalsim shard"), "{e}");
    // A shard whose rows were tampered with: refused by its checksum.
    let rows = std::fs::read_to_string(a1.join("runs.csv")).unwrap();
    let cut: String = rows.lines().take(10).map(|l| format!("{l}\n")).collect();
    std::fs::write(a1.join("runs.csv"), cut).unwrap();
    let e = merge(&[&a0, &a1]);
    assert!(
        e.contains("runs.csv: changed since the shard was written"),
        "{e}"
    );
    // Nothing was written.
    assert!(!t.join("out").join("summary.json").exists());
    // A scenario changed between shards.
    let other = t.join("other.toml");
    std::fs::write(&other, "max_rounds = 30\n").unwrap();
    let mut c = batch(
        &t.join("o1"),
        &["--runs", "64", "--seed", "1", "--shard", "1/2"],
    );
    c.arg(&other);
    ok(&mut c);
    let e = merge(&[&a0, &t.join("o1")]);
    assert!(e.contains("scenario: ") && e.contains("other.toml"), "{e}");
}

#[test]
fn bad_shard_flags_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (flag, says) in [
        ("4/4", "allowed: 0 to 3"),
        ("1/0", "allowed: 1 to 1000000"),
        ("x", "expected K/N"),
        ("a/4", "expected K/N"),
    ] {
        let out = batch(tmp.path(), &["--shard", flag]).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let e = String::from_utf8_lossy(&out.stderr);
        assert!(e.contains(says), "{flag}: {e}");
    }
}

/// Starts a batch, waits until it has written a checkpoint, and kills it
/// with SIGKILL (no cleanup at all). Returns false when the batch finished
/// before it could be killed.
fn start_and_kill(out: &Path, args: &[&str]) -> bool {
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("coalsim"))
        .arg("batch")
        .args(args)
        .args(["--checkpoint-every", "0", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ckpt = out.join(".coalsim-resume/checkpoint.cbor");
    loop {
        if ckpt.exists() {
            child.kill().unwrap(); // SIGKILL on Unix
            child.wait().unwrap();
            return ckpt.exists();
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success());
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

#[test]
fn a_batch_resumed_after_sigkill_is_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let args = ["--runs", "12000", "--seed", "4", "--threads", "1"];
    ok(&mut batch(&t.join("whole"), &args));
    let r = t.join("resumed");
    assert!(
        start_and_kill(&r, &args),
        "the batch finished before it could be killed"
    );
    assert!(!r.join("runs.csv").exists(), "killed, yet runs.csv exists");
    // Changed flags are refused, naming what differs.
    let e = fails(&mut batch(
        &r,
        &["--runs", "12000", "--seed", "5", "--resume"],
    ));
    assert!(
        e.contains("cannot resume") && e.contains("seed: 4 vs 5"),
        "{e}"
    );
    let e = fails(&mut batch(
        &r,
        &["--runs", "11000", "--seed", "4", "--resume"],
    ));
    assert!(e.contains("runs: 12000 vs 11000"), "{e}");
    let other = t.join("other.toml");
    std::fs::write(&other, "max_rounds = 30\n").unwrap();
    let mut c = batch(&r, &["--runs", "12000", "--seed", "4", "--resume"]);
    c.arg(&other);
    let e = fails(&mut c);
    assert!(
        e.contains("scenario: <embedded default scenario>") && e.contains("other.toml"),
        "{e}"
    );
    // The right flags continue, on another thread count.
    ok(&mut batch(
        &r,
        &[
            "--runs",
            "12000",
            "--seed",
            "4",
            "--threads",
            "2",
            "--resume",
        ],
    ));
    same_tree(&t.join("whole"), &r, WHOLE_BATCH);
    // Nothing left to resume.
    let e = fails(&mut batch(
        &r,
        &["--runs", "12000", "--seed", "4", "--resume"],
    ));
    assert!(e.contains("nothing to resume"), "{e}");
}

#[test]
fn a_shard_resumed_after_sigkill_merges_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let common = ["--runs", "9000", "--seed", "3", "--threads", "1"];
    ok(&mut batch(&t.join("whole"), &common));
    let s0 = t.join("s0");
    let s1 = t.join("s1");
    let mut a0 = common.to_vec();
    a0.extend(["--shard", "0/2"]);
    assert!(
        start_and_kill(&s0, &a0),
        "the shard finished before it could be killed"
    );
    let e = fails(coalsim().arg("merge").arg(t.join("m")).args([&s0]));
    assert!(
        e.contains("unfinished shard") && e.contains("--resume"),
        "{e}"
    );
    let mut again = a0.clone();
    again.push("--resume");
    ok(&mut batch(&s0, &again));
    let mut a1 = common.to_vec();
    a1.extend(["--shard", "1/2"]);
    ok(&mut batch(&s1, &a1));
    ok(coalsim().arg("merge").arg(t.join("m")).args([&s0, &s1]));
    same_tree(&t.join("whole"), &t.join("m"), WHOLE_BATCH);
}
