//! `coalsim batch`: output independent of the thread count, one row per
//! run, a shorter batch is a prefix of a longer one, bad flags fail early.

use std::path::Path;

use assert_cmd::Command;

const FILES: [&str; 6] = [
    "runs.csv",
    "rounds.csv",
    "incidence.csv",
    "survival.csv",
    "organisations.csv",
    "summary.json",
];

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

/// From `runs.csv` in `dir`: the runs that reached the goal with fewer than
/// half of the most members the coalition had (`success` true and
/// 2 × `final_members` < `peak_members`), and all that reached it.
fn split_successes(dir: &Path) -> (u64, u64) {
    let runs = read(dir, "runs.csv");
    let mut rdr = csv::Reader::from_reader(&runs[..]);
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (s, f, p) = (col("success"), col("final_members"), col("peak_members"));
    let (mut split, mut successes) = (0, 0);
    for r in rdr.records() {
        let r = r.unwrap();
        let success = match &r[s] {
            "true" => true,
            "false" => false,
            other => panic!("success = {other}"),
        };
        let fm: u64 = r[f].parse().unwrap();
        let pm: u64 = r[p].parse().unwrap();
        successes += u64::from(success);
        split += u64::from(success && 2 * fm < pm);
    }
    (split, successes)
}

/// A batch of two large runs (fewer blocks than threads, so the runs of the
/// one block are simulated side by side) writes the same files on one
/// thread and on two.
#[test]
fn two_large_runs_on_one_and_two_threads_write_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("large.toml");
    std::fs::write(
        &scenario,
        "name = \"Large\"\nmax_rounds = 20\n\
         [goal]\nsize = 4000.0\n\
         [population]\ncount = 500\nfounders = 1\ninitial_members = 400\n",
    )
    .unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        let out = Command::cargo_bin("coalsim")
            .unwrap()
            .arg("batch")
            .arg(&scenario)
            .args(["--runs", "2", "--threads", threads, "--out"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
    }
    for name in FILES {
        assert!(
            read(&one, name) == read(&two, name),
            "{name} differs between 1 and 2 threads"
        );
    }
    let runs = String::from_utf8(read(&one, "runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 3, "{runs}");
}

#[test]
fn one_and_two_threads_write_identical_files() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    let mut printed = Vec::new();
    for (dir, threads) in [(&one, "1"), (&two, "2")] {
        let out = batch(dir, &["--runs", "2000", "--threads", threads]);
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(text.contains("2000 runs, seed 2026"), "{text}");
        assert!(text.contains("By week 104: "), "{text}");
        printed.push(text);
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
    assert!(lines[0].starts_with("run,seed,stream,outcome,success,rounds,"));
    for (i, line) in lines[1..].iter().enumerate() {
        assert!(
            line.starts_with(&format!("{i},2026,{i},")),
            "row {i}: {line}"
        );
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
        .filter(|l| l.split(',').nth(3) == Some("goal"))
        .count();
    assert_eq!(summary["success"]["count"], goals);
    assert_eq!(summary["outcomes"]["goal"], goals);
    // Successes reached by fewer than half are counted, and rare enough
    // here (under 5% of the runs) that the printed summary says nothing.
    let (split, successes) = split_successes(&one);
    assert_eq!(successes, goals as u64);
    assert_eq!(summary["split_successes"], split);
    assert!(split * 20 < 2000, "{split}");
    assert!(!printed[0].contains("fewer than half"), "{}", printed[0]);
}

/// A success reached after more than half of the members left is read
/// out: in the intense-minority coalition of the theory tests under a 0.7
/// threshold the majority camp often walks out and the minority finishes
/// alone (docs/validation.md, "The rump"). summary.json counts those runs
/// exactly as runs.csv shows them, and the printed line gives their share.
#[test]
fn a_success_after_most_members_left_is_counted_and_read_out() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("camps.toml");
    let text = crate::theory::camps(10, true, 0.5).replacen(
        "[governance]\n",
        "[governance]\ndecision_rule = \"supermajority\"\nsupermajority = 0.7\n",
        1,
    );
    std::fs::write(&file, text).unwrap();
    let out = tmp.path().join("out");
    let res = Command::cargo_bin("coalsim")
        .unwrap()
        .arg("batch")
        .arg(&file)
        .args(["--runs", "400", "--seed", "1975", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(res.status.success(), "{res:?}");
    let text = String::from_utf8(res.stdout).unwrap();
    let (split, successes) = split_successes(&out);
    let summary: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    assert_eq!(summary["split_successes"], split);
    assert_eq!(summary["success"]["count"], successes);
    // Common here: at least 5% of the runs, so the line is printed.
    assert!(split * 20 >= 400, "{split} of 400: {text}");
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("Reached by fewer than half:"))
        .collect();
    assert_eq!(lines.len(), 1, "{text}");
    let pct = |x: u64, of: u64| format!("{:.1}%", 100.0 * x as f64 / of as f64);
    let expected = format!(
        "Reached by fewer than half: {} of the runs reached the goal with fewer than half of the most members the coalition had ({} of the successes; more than half had left by the end). Not counting them, {} of the runs reached the goal;",
        pct(split, 400),
        pct(split, successes),
        pct(successes - split, 400),
    );
    assert!(lines[0].starts_with(&expected), "{expected}\n{text}");
    // It follows the shares of the endings it qualifies.
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {text}"))
    };
    assert!(at("By week 104: ") < at("Reached by fewer than half:"));
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
        (
            &["--runs", "0"][..],
            "allowed: a whole number from 1 to 1000000000",
        ),
        (&["--threads", "0"][..], "0 is not in 1..=1024"),
        // Regression: a huge count spawned threads without end.
        (
            &["--threads", "1000000000"][..],
            "1000000000 is not in 1..=1024",
        ),
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

/// A scenario where the goal, a sunset and dissolution all compete (and a
/// few runs are still going at the round limit).
const THREE_ENDINGS: &str = r#"
name = "Three endings"
seed = 5
max_rounds = 120
min_members = 4
[goal]
size = 60.0
milestones = [0.1]
rivalry = 0.3
[shocks]
rate = 0.1
size = 0.4
[population]
count = 8
initial_members = 5
[governance]
renewal_every = 13
sunset = true
"#;

#[test]
fn incidence_csv_is_the_aalen_johansen_estimate_when_endings_compete() {
    let tmp = tempfile::tempdir().unwrap();
    let scenario = tmp.path().join("three.toml");
    std::fs::write(&scenario, THREE_ENDINGS).unwrap();
    let out = tmp.path().join("out");
    let res = batch(&out, &[scenario.to_str().unwrap(), "--runs", "400"]);
    assert!(res.status.success(), "{res:?}");
    // (rounds, outcome) of every run, from runs.csv.
    let mut r = csv::Reader::from_path(out.join("runs.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let (ci, co) = (col("rounds"), col("outcome"));
    let runs: Vec<(u32, String)> = r
        .records()
        .map(|x| {
            let x = x.unwrap();
            (x[ci].parse().unwrap(), x[co].to_string())
        })
        .collect();
    let endings = ["goal", "sunset", "dissolved"];
    for e in endings {
        assert!(
            runs.iter().filter(|r| r.1 == e).count() >= 5,
            "{e}: the scenario must have several endings competing"
        );
    }
    // The textbook estimator, written out directly: F_k(t) = Σ_{s ≤ t}
    // S(s−1) d_k(s) / n(s), S the all-cause Kaplan–Meier estimate.
    let last = runs.iter().map(|r| r.0).max().unwrap();
    let mut expected: Vec<(u32, &str, u64, u64, f64)> = Vec::new();
    let (mut s, mut f) = (1.0_f64, [0.0_f64; 3]);
    for t in 1..=last {
        let n = runs.iter().filter(|r| r.0 >= t).count();
        let d: Vec<usize> = endings
            .iter()
            .map(|e| runs.iter().filter(|r| r.0 == t && r.1 == *e).count())
            .collect();
        let limit = runs
            .iter()
            .filter(|r| r.0 == t && r.1 == "round_limit")
            .count();
        let s_before = s;
        for k in 0..3 {
            f[k] += s_before * d[k] as f64 / n as f64;
        }
        s *= 1.0 - d.iter().sum::<usize>() as f64 / n as f64;
        for k in 0..3 {
            expected.push((t, endings[k], n as u64, d[k] as u64, f[k]));
            // No censoring before the round limit: the share of all runs.
            let share = runs
                .iter()
                .filter(|r| r.0 <= t && r.1 == endings[k])
                .count() as f64
                / runs.len() as f64;
            assert!((f[k] - share).abs() < 1e-12);
        }
        expected.push((t, "still_going", n as u64, limit as u64, s));
    }
    let mut r = csv::Reader::from_path(out.join("incidence.csv")).unwrap();
    assert_eq!(
        r.headers().unwrap(),
        vec![
            "round",
            "ending",
            "at_risk",
            "events",
            "incidence",
            "lower",
            "upper"
        ]
    );
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    assert_eq!(rows.len(), expected.len());
    for (row, (t, e, n, d, f)) in rows.iter().zip(&expected) {
        assert_eq!(row[0].parse::<u32>().unwrap(), *t);
        assert_eq!(&row[1], *e);
        assert_eq!(row[2].parse::<u64>().unwrap(), *n);
        assert_eq!(row[3].parse::<u64>().unwrap(), *d, "round {t} {e}");
        let got: f64 = row[4].parse().unwrap();
        assert!((got - f).abs() < 1e-12, "round {t} {e}: {got} vs {f}");
        let (lo, hi): (f64, f64) = (row[5].parse().unwrap(), row[6].parse().unwrap());
        assert!(lo <= got + 1e-15 && got <= hi + 1e-15, "round {t} {e}");
    }
    // The summary states the same numbers at the horizon.
    let summary: serde_json::Value = serde_json::from_slice(&read(&out, "summary.json")).unwrap();
    let at_end: Vec<&(u32, &str, u64, u64, f64)> =
        expected.iter().filter(|x| x.0 == last).collect();
    for (i, e) in summary["endings"].as_array().unwrap().iter().enumerate() {
        assert_eq!(e["ending"], at_end[i].1);
        assert!((e["incidence"].as_f64().unwrap() - at_end[i].4).abs() < 1e-12);
    }
    let text = String::from_utf8_lossy(&res.stdout);
    assert!(text.contains("By week 120: "), "{text}");
    assert!(
        text.contains("closed on purpose after a first win (sunset)"),
        "{text}"
    );
}

/// The README's printed example of `coalsim batch` is what the tool prints
/// today (everything up to the list of plot files).
#[test]
fn readme_batch_example_matches_the_output() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let needle = "```console\n$ coalsim batch\n";
    let start = readme.find(needle).expect("README example") + needle.len();
    let block = &readme[start..];
    let block = &block[..block.find("  plots/").expect("plots line")];
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("coalsim-out");
    let res = Command::cargo_bin("coalsim")
        .unwrap()
        .current_dir(tmp.path())
        .arg("batch")
        .output()
        .unwrap();
    assert!(res.status.success(), "{res:?}");
    assert!(out.join("incidence.csv").is_file());
    let text = String::from_utf8(res.stdout).unwrap();
    assert!(
        text.starts_with(block),
        "README example differs from the output:\n--- README\n{block}\n--- coalsim batch\n{text}"
    );
}

/// Any row of runs.csv replays with `coalsim run --seed SEED --run STREAM`,
/// and the narrated run ends exactly as the row says.
#[test]
fn a_runs_csv_row_replays_with_coalsim_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("batch");
    assert!(
        batch(&out, &["--runs", "40", "--seed", "77"])
            .status
            .success()
    );
    let mut r = csv::Reader::from_path(out.join("runs.csv")).unwrap();
    let header = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    for i in [0usize, 13, 39] {
        let row = &rows[i];
        let get = |name: &str| row[header.iter().position(|c| c == name).unwrap()].to_string();
        assert_eq!(get("run"), i.to_string());
        let run_dir = tmp.path().join(format!("run{i}"));
        let res = Command::cargo_bin("coalsim")
            .unwrap()
            .args([
                "run",
                "--seed",
                &get("seed"),
                "--run",
                &get("stream"),
                "--out",
            ])
            .arg(&run_dir)
            .output()
            .unwrap();
        assert!(res.status.success(), "{res:?}");
        let summary: serde_json::Value =
            serde_json::from_slice(&read(&run_dir, "summary.json")).unwrap();
        // Every field of the narrated run's summary equals the row.
        let obj = summary.as_object().unwrap();
        assert!(obj.len() >= 20);
        for (key, value) in obj {
            let cell = get(key);
            let text = match value {
                serde_json::Value::Null => String::new(),
                serde_json::Value::String(s) => s.clone(),
                v => v.to_string(),
            };
            if let (Ok(a), Ok(b)) = (cell.parse::<f64>(), text.parse::<f64>()) {
                // serde_json's default float parser may miss the last bit.
                let tol = 4.0 * f64::EPSILON * a.abs().max(1.0);
                assert!(
                    (a - b).abs() <= tol,
                    "run {i} {key}: runs.csv {cell}, coalsim run {text}"
                );
            } else {
                assert_eq!(cell, text, "run {i} {key}");
            }
        }
        let text = String::from_utf8_lossy(&res.stdout);
        if i > 0 {
            assert!(text.contains(&format!("seed 77, run {i}")), "{text}");
        }
    }
}

/// organisations.csv names every organisation, and its counts add up to
/// runs.csv's: the exits of each reason over organisations are the exits of
/// that reason over runs, and the joined shares are the runs' joins plus
/// the founding members.
#[test]
fn organisations_csv_says_who_joined_paid_gained_and_left() {
    let tmp = tempfile::tempdir().unwrap();
    let out = batch(tmp.path(), &["tests/data/eastside.toml", "--runs", "200"]);
    assert!(out.status.success(), "{out:?}");
    let mut r = csv::Reader::from_path(tmp.path().join("organisations.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let col = |name: &str| {
        h.iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let names: Vec<&str> = rows.iter().map(|x| &x[col("organisation")]).collect();
    assert_eq!(
        names,
        [
            "Eastside Foundation",
            "Maple Street Block Club",
            "Riverbend Tenants",
            "Oak Hill Parents",
            "Northside Gardens",
            "Harbor Youth Center",
            "Elm Seniors Circle",
            "Cedar Merchants"
        ]
    );
    let f = |x: &csv::StringRecord, name: &str| x[col(name)].parse::<f64>().unwrap();
    // The founder and the founding members are in from the start.
    assert_eq!(&rows[0][col("role")], "founder");
    assert_eq!(&rows[1][col("role")], "member");
    assert_eq!(&rows[3][col("role")], "invited");
    for x in &rows[..3] {
        assert_eq!(f(x, "joined"), 1.0);
    }
    let mut runs = csv::Reader::from_path(tmp.path().join("runs.csv")).unwrap();
    let rh = runs.headers().unwrap().clone();
    let run_rows: Vec<csv::StringRecord> = runs.records().map(|x| x.unwrap()).collect();
    let total = |name: &str| -> f64 {
        let c = rh.iter().position(|c| c == name).unwrap();
        run_rows.iter().map(|x| x[c].parse::<f64>().unwrap()).sum()
    };
    for reason in [
        "low_trust",
        "low_alignment",
        "low_efficacy",
        "overload",
        "hidden_objection",
        "burnout",
        "founder_departure",
        "removed",
        "misfit",
        "outvoted",
    ] {
        let by_org: f64 = rows.iter().map(|x| f(x, &format!("left_{reason}"))).sum();
        assert_eq!(by_org, total(&format!("exits_{reason}")), "{reason}");
    }
    let joined: f64 = rows.iter().map(|x| f(x, "joined") * 200.0).sum();
    assert!(
        (joined - (total("joins") + 3.0 * 200.0)).abs() < 1e-6,
        "{joined}"
    );
    // Every member pays hours and sees decisions go for and against it;
    // a share is a count divided by the runs, written as such.
    for x in &rows {
        assert!(f(x, "hours_paid") > 0.0, "{x:?}");
        assert!(
            f(x, "decisions_won") + f(x, "decisions_lost") > 0.0,
            "{x:?}"
        );
        for share in ["joined", "stayed"] {
            let v = f(x, share);
            assert_eq!(v, (v * 200.0).round() / 200.0, "{share} {x:?}");
            assert!(x[col(share)].len() <= 6, "{share} {x:?}");
        }
        assert!((f(x, "net_value") - (f(x, "benefit") - 0.001 * f(x, "hours_paid"))).abs() < 1e-12);
    }
}
