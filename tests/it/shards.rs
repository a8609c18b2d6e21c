//! Shards of `sweep`, `lesson` and `explore`: merged, they are byte-identical
//! to the command run on one machine (every file, plots included, and what
//! it prints); shards that do not belong together are refused, naming what
//! differs. (Batch shards: tests/it/cluster.rs.)

use std::path::{Path, PathBuf};

use coalsim_core::scenario::{ScenarioFile, Source};
use coalsim_core::study::compare::{CompareConfig, Partial, compare, compare_range};

use super::helpers_cli::{coalsim, fails, ok, same_tree};

/// Runs `args` on one machine into `t/whole`, then in `n` shards (given to
/// merge out of order, alternating 1 and 2 threads) and merges them into
/// `t/merged`; returns what the whole command and the merge printed.
fn whole_and_merged(t: &Path, args: &[&str], n: usize) -> (String, String, Vec<PathBuf>) {
    let whole = ok(coalsim()
        .args(args)
        .arg("--out")
        .arg(t.join("whole"))
        .args(["--threads", "2"]));
    let shards: Vec<PathBuf> = (0..n).map(|k| t.join(format!("shard-{k}"))).collect();
    for (k, dir) in shards.iter().enumerate() {
        let text = ok(coalsim()
            .args(args)
            .args(["--shard", &format!("{k}/{n}")])
            .args(["--threads", if k % 2 == 0 { "1" } else { "2" }])
            .arg("--out")
            .arg(dir));
        assert!(text.contains(&format!("{k}/{n}")), "{text}");
    }
    let mut order = shards.clone();
    order.reverse();
    let merged = ok(coalsim().arg("merge").arg(t.join("merged")).args(&order));
    (whole, merged, shards)
}

/// What the merge prints is what the command printed, after one line
/// naming the merge, with the output folder's name changed.
fn same_words(whole: &str, merged: &str, n: usize, command: &str) {
    let head = format!("Merged {n} shards of `coalsim {command}` into ");
    assert!(merged.starts_with(&head), "{merged}");
    let rest = merged.split_once("\n\n").unwrap().1;
    assert_eq!(rest.replace("merged", "whole"), whole);
}

#[test]
fn comparison_shards_fold_to_the_same_bits_as_one_pass() {
    let file = ScenarioFile::load(Source {
        name: "narrow-first-win".into(),
        text: coalsim_core::study::lessons::find("narrow-first-win")
            .unwrap()
            .toml
            .into(),
    })
    .unwrap();
    let arms = coalsim_core::study::sweep::arms(&file, &[]).unwrap();
    // 70 runs: blocks of 16, segments of 16; chunk sizes that cut blocks
    // differently must not matter.
    let cfg = CompareConfig {
        runs: 70,
        seed: 5,
        chunk: 40,
    };
    let whole = compare(&arms, &cfg, |_, _, _| {}, |_| {});
    let mut total = Partial::new(&arms);
    let mut rows = Vec::new();
    for k in 0..3 {
        let r = coalsim_core::study::batch::shard_range(70, k, 3);
        compare_range(
            &arms,
            &CompareConfig { chunk: 16, ..cfg },
            r,
            |run, arm, _| rows.push((run, arm)),
            |_, seg| total.merge(seg),
            |_| true,
        )
        .unwrap();
    }
    let expected: Vec<(u64, usize)> = (0..70).flat_map(|r| (0..2).map(move |a| (r, a))).collect();
    assert_eq!(rows, expected);
    let merged = total.into_comparison(&arms, 70, 5);
    for (a, b) in whole.arms.iter().zip(&merged.arms) {
        assert_eq!(a.measures, b.measures);
        assert_eq!(a.agg, b.agg);
        assert_eq!((a.runs, a.successes), (70, b.successes));
    }
    for (a, b) in whole.paired.iter().zip(&merged.paired) {
        assert_eq!(a, b);
    }
}

#[test]
fn sweep_shards_merge_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // A two-key grid: the heatmap is drawn too. 40 runs are 3 segments.
    let args = [
        "sweep",
        "--vary",
        "governance.decision_rule=consensus,majority",
        "--vary",
        "governance.checkin_every=2,4",
        "--runs",
        "40",
        "--seed",
        "11",
    ];
    let (whole, merged, _) = whole_and_merged(t, &args, 3);
    same_tree(
        &t.join("whole"),
        &t.join("merged"),
        &["runs.csv", "comparison.csv", "summary.json", ".png"],
    );
    same_words(&whole, &merged, 3, "sweep");
}

#[test]
fn lesson_shards_merge_byte_identically_with_an_empty_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // 20 runs are 2 segments: of 3 shards one is empty.
    let args = ["lesson", "narrow-first-win", "--runs", "20"];
    let (whole, merged, shards) = whole_and_merged(t, &args, 3);
    let info = std::fs::read_to_string(shards[0].join("shard.json")).unwrap();
    assert!(info.contains("\"count\": 0"), "{info}");
    same_tree(
        &t.join("whole"),
        &t.join("merged"),
        &[
            "narrow-first-win/runs.csv",
            "narrow-first-win/variants.csv",
            ".png",
        ],
    );
    same_words(&whole, &merged, 3, "lesson");
}

const EXPLORE: [&str; 11] = [
    "explore",
    "--uncertain",
    "trust.strangers=0.2..0.6",
    "--policy",
    "governance.decision_rule=consensus,majority",
    "--samples",
    "8",
    "--runs",
    "4",
    "--seed",
    "3",
];

#[test]
fn explore_shards_merge_byte_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    // 8 points × 2 policies = 16 cells in 3 shards.
    let (whole, merged, _) = whole_and_merged(t, &EXPLORE, 3);
    same_tree(
        &t.join("whole"),
        &t.join("merged"),
        &["samples.csv", "robustness.csv", "summary.json", ".png"],
    );
    same_words(&whole, &merged, 3, "explore");
}

fn refs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn wrong_shards_of_sweep_lesson_and_explore_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let shard = |name: &str, args: &[&str], k: &str| {
        let dir = t.join(name);
        ok(coalsim().args(args).args(["--shard", k, "--out"]).arg(&dir));
        dir
    };
    let sweep = |v: &str| {
        vec![
            "sweep".to_string(),
            "--vary".into(),
            format!("governance.decision_rule={v}"),
            "--runs".into(),
            "32".into(),
            "--no-plots".into(),
        ]
    };
    let a = sweep("consensus,majority");
    let b = sweep("consensus,supermajority");
    let s0 = shard("s0", &refs(&a), "0/2");
    let s1 = shard("s1", &refs(&a), "1/2");
    let x1 = shard("x1", &refs(&b), "1/2");
    let b1 = shard("b1", &["batch", "--runs", "32"], "1/2");
    let l1 = shard(
        "l1",
        &["lesson", "urgency-trap", "--runs", "32", "--no-plots"],
        "1/2",
    );
    let mut e = EXPLORE.to_vec();
    e.push("--no-plots");
    let e0 = shard("e0", &e, "0/2");
    e[6] = "6";
    let e1 = shard("e1", &e, "1/2");
    let merge = |shards: &[&PathBuf]| {
        let mut c = coalsim();
        c.arg("merge").arg(t.join("out")).args(shards);
        fails(&mut c)
    };
    let err = merge(&[&s0, &x1]);
    assert!(
        err.contains("not shards of the same sweep")
            && err.contains(
                "flags: --vary=governance.decision_rule=consensus,supermajority vs --vary=governance.decision_rule=consensus,majority"
            ),
        "{err}"
    );
    let err = merge(&[&s0, &b1]);
    assert!(err.contains("command: batch vs sweep"), "{err}");
    let err = merge(&[&s0, &l1]);
    assert!(err.contains("command: lesson vs sweep"), "{err}");
    let err = merge(&[&e0, &e1]);
    assert!(err.contains("flags: --samples=6 vs --samples=8"), "{err}");
    let err = merge(&[&s1]);
    assert!(err.contains("1 of 2 shards missing: 0/2"), "{err}");
    let err = merge(&[&s0, &s1, &s1]);
    assert!(err.contains("shard 1/2 is given twice"), "{err}");
    // Damaged shards: a sweep's segments cut short, an exploration's cells.
    let segs = std::fs::read(s1.join("segments.cbor")).unwrap();
    std::fs::write(s1.join("segments.cbor"), &segs[..segs.len() / 2]).unwrap();
    let err = merge(&[&s0, &s1]);
    assert!(err.contains("segments.cbor"), "{err}");
    std::fs::write(e0.join("cells.cbor"), b"\x80").unwrap();
    e[6] = "8";
    let e1b = shard("e1b", &e, "1/2");
    let err = merge(&[&e0, &e1b]);
    assert!(
        err.contains("cells.cbor") && err.contains("damaged"),
        "{err}"
    );
    assert!(!t.join("out").join("summary.json").exists());
    // --shard is for the commands that write files.
    let out = coalsim()
        .args(["lesson", "urgency-trap", "--ablate", "--shard", "0/2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot be used with") && err.contains("--shard") && err.contains("--ablate"),
        "{err}"
    );
}
