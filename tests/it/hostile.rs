//! Regression tests for issue 26 ("the server and the output folder under
//! hostile use"): each test is named after the numbered defect it keeps
//! fixed (`d01_...` is defect 1) or, for the wording items, `w_...`.
//!
//! The tests that drive the command line run the binary named by
//! `COALSIM_TEST_BIN` when it is set (so they can be run against an older
//! build to see them fail), the one cargo built otherwise.

use std::path::{Path, PathBuf};
use std::process::{Child, Command as StdCommand, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command;

fn bin() -> PathBuf {
    match std::env::var_os("COALSIM_TEST_BIN") {
        Some(p) => PathBuf::from(p),
        None => assert_cmd::cargo::cargo_bin("coalsim"),
    }
}

fn coalsim() -> Command {
    Command::new(bin())
}

/// Runs `cmd`; asserts success; what it printed.
fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Runs `cmd`; asserts exit 1 with an `error:` line and no panic; the error.
fn refused(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{cmd:?}: {err}");
    assert!(
        err.contains("error: ") && !err.contains("panicked"),
        "{err}"
    );
    err
}

/// Every file under `dir` (relative) with its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                out.push((p.strip_prefix(base).unwrap().to_path_buf(), bytes));
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// The result files of two folders are the same, byte for byte.
fn same_results(a: &Path, b: &Path) {
    let (sa, sb) = (snapshot(a), snapshot(b));
    let names = |s: &[(PathBuf, Vec<u8>)]| s.iter().map(|(p, _)| p.clone()).collect::<Vec<_>>();
    assert_eq!(names(&sa), names(&sb));
    assert!(names(&sa).iter().any(|p| p.ends_with("summary.json")));
    for ((p, x), (_, y)) in sa.iter().zip(&sb) {
        assert!(x == y, "{} differs", p.display());
    }
}

/// A batch that runs until it is killed, once its first checkpoint exists.
fn endless_batch(out: &Path) -> Child {
    let child = StdCommand::new(bin())
        .args(["batch", "--runs", "100000000", "--threads", "1"])
        .args(["--checkpoint-every", "0", "--out"])
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ckpt = out.join(".coalsim-resume/checkpoint.cbor");
    let deadline = Instant::now() + Duration::from_secs(600);
    while !ckpt.exists() {
        assert!(Instant::now() < deadline, "no checkpoint appeared");
        std::thread::sleep(Duration::from_millis(20));
    }
    child
}

fn kill(child: &mut Child, signal: i32) -> std::process::ExitStatus {
    // SAFETY: kill(2) on our own child's pid.
    assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
    child.wait().unwrap()
}

/// Makes `dir/name` a folder, so that writing the file `name` fails: a
/// command that stops half-way through writing its files, every time.
fn obstruct(dir: &Path, name: &str) {
    let p = dir.join(name);
    let _ = std::fs::remove_file(&p);
    std::fs::create_dir_all(p.join("x")).unwrap();
}

fn unobstruct(dir: &Path, name: &str) {
    std::fs::remove_dir_all(dir.join(name)).unwrap();
}

// ---------------------------------------------------------------------------
// Security
// ---------------------------------------------------------------------------

#[test]
fn d01_manifest_symlink_escape() {
    let tmp = tempfile::tempdir().unwrap();
    let outside = tmp.path().join("outside");
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(outside.join("keep"), "precious").unwrap();
    std::os::unix::fs::symlink(&outside, out.join("link")).unwrap();
    std::fs::write(
        out.join("coalsim-manifest.json"),
        r#"{"format":"coalsim-manifest/1","command":"run","files":["link/keep","../outside/keep"]}"#,
    )
    .unwrap();
    ok(coalsim().args(["run", "-q", "--out"]).arg(&out));
    assert_eq!(
        std::fs::read_to_string(outside.join("keep")).unwrap(),
        "precious",
        "a manifest entry through a link removed a file outside the folder"
    );
    assert!(out.join("link").exists());
}

// ---------------------------------------------------------------------------
// Data loss
// ---------------------------------------------------------------------------

#[test]
fn d07_checkpoint_kept_until_outputs_in_place() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let fresh = tmp.path().join("fresh");
    let batch = |dir: &Path, resume: bool| {
        let mut c = coalsim();
        c.args([
            "batch",
            "--runs",
            "40",
            "--seed",
            "3",
            "--threads",
            "1",
            "--out",
        ])
        .arg(dir);
        if resume {
            c.arg("--resume");
        }
        c
    };
    // The batch stops while it writes its final files (summary.json
    // cannot be written).
    obstruct(&out, "summary.json");
    let err = refused(&mut batch(&out, false));
    assert!(err.contains("summary.json"), "{err}");
    assert!(
        out.join(".coalsim-resume/checkpoint.cbor").is_file(),
        "the checkpoint was removed before the last output was in place"
    );
    unobstruct(&out, "summary.json");
    ok(&mut batch(&out, true));
    ok(&mut batch(&fresh, false));
    same_results(&out, &fresh);
    assert!(!out.join(".coalsim-resume").exists());
}

#[test]
fn d08_two_commands_cannot_write_one_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut first = endless_batch(&out);
    let err = refused(coalsim().args(["run", "-q", "--out"]).arg(&out));
    let pid = first.id().to_string();
    let sweep = refused(
        coalsim()
            .args([
                "sweep",
                "--runs",
                "10",
                "--vary",
                "dynamics.hedge=0.1,0.2",
                "--out",
            ])
            .arg(&out),
    );
    kill(&mut first, libc::SIGKILL);
    assert!(
        err.contains("in use") && err.contains(&pid) && err.contains("batch"),
        "{err}"
    );
    assert!(sweep.contains("in use"), "{sweep}");
    // Its process is gone: the lock is taken over.
    ok(coalsim().args(["run", "-q", "--out"]).arg(&out));
    assert!(out.join("rounds.csv").is_file());
}

/// Two shards of a 40-run batch, and their merge.
fn shards(tmp: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let (s0, s1, out) = (tmp.join("s0"), tmp.join("s1"), tmp.join("merged"));
    for (k, dir) in [(0, &s0), (1, &s1)] {
        ok(coalsim()
            .args(["batch", "--runs", "40", "--seed", "5", "--threads", "1"])
            .args(["--shard", &format!("{k}/2"), "--out"])
            .arg(dir));
    }
    ok(coalsim().arg("merge").arg(&out).arg(&s0).arg(&s1));
    (s0, s1, out)
}

#[test]
fn d09_merge_of_a_truncated_shard_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (s0, s1, out) = shards(tmp.path());
    let before = snapshot(&out);
    let runs = std::fs::read(s1.join("runs.csv")).unwrap();
    std::fs::write(s1.join("runs.csv"), &runs[..runs.len() - 7]).unwrap();
    let err = refused(coalsim().arg("merge").arg(&out).arg(&s0).arg(&s1));
    assert!(err.contains("runs.csv"), "{err}");
    assert!(
        snapshot(&out) == before,
        "a refused merge changed the previous result"
    );
}

#[test]
fn d10_interrupted_folder_is_marked_incomplete_and_plot_refuses() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let batch = |seed: &str| {
        let mut c = coalsim();
        c.args([
            "batch",
            "--runs",
            "30",
            "--threads",
            "1",
            "--seed",
            seed,
            "--out",
        ])
        .arg(&out);
        c
    };
    ok(&mut batch("1"));
    // A second batch stops half-way: new CSV files beside the old plots.
    obstruct(&out, "summary.json");
    refused(&mut batch("2"));
    unobstruct(&out, "summary.json");
    let err = refused(coalsim().arg("plot").arg(&out));
    assert!(err.contains("incomplete"), "{err}");
    // The same batch run to its end makes the folder whole again.
    ok(&mut batch("2"));
    ok(coalsim().arg("plot").arg(&out));
}

// ---------------------------------------------------------------------------
// Integrity
// ---------------------------------------------------------------------------

#[test]
fn d13_merge_refuses_a_changed_digit_in_a_shard() {
    let tmp = tempfile::tempdir().unwrap();
    let (s0, s1, out) = shards(tmp.path());
    let before = snapshot(&out);
    let text = std::fs::read_to_string(s1.join("runs.csv")).unwrap();
    // Change one digit of the last row, keeping its length.
    let at = text.trim_end().rfind(|c: char| c.is_ascii_digit()).unwrap();
    let digit = text.as_bytes()[at];
    let mut bytes = text.clone().into_bytes();
    bytes[at] = if digit == b'7' { b'3' } else { b'7' };
    std::fs::write(s1.join("runs.csv"), bytes).unwrap();
    let err = refused(coalsim().arg("merge").arg(&out).arg(&s0).arg(&s1));
    assert!(err.contains("runs.csv") && err.contains("changed"), "{err}");
    assert!(snapshot(&out) == before);
}

#[test]
fn d13_merge_refuses_a_flipped_bit_in_the_segments() {
    let tmp = tempfile::tempdir().unwrap();
    let (s0, s1, out) = shards(tmp.path());
    let mut bytes = std::fs::read(s0.join("segments.cbor")).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(s0.join("segments.cbor"), bytes).unwrap();
    let err = refused(coalsim().arg("merge").arg(&out).arg(&s0).arg(&s1));
    assert!(err.contains("segments.cbor"), "{err}");
}

#[test]
fn d13_resume_refuses_changed_partial_data() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let batch = || {
        let mut c = coalsim();
        c.args([
            "batch",
            "--runs",
            "40",
            "--seed",
            "3",
            "--threads",
            "1",
            "--out",
        ])
        .arg(&out);
        c
    };
    obstruct(&out, "summary.json");
    refused(&mut batch());
    unobstruct(&out, "summary.json");
    let partial = out.join(".coalsim-resume/runs.csv.partial");
    let text = std::fs::read_to_string(&partial).unwrap();
    let second_line = text.find('\n').unwrap() + 1;
    let at = second_line
        + text[second_line..]
            .find(|c: char| c.is_ascii_digit())
            .unwrap();
    let mut bytes = text.clone().into_bytes();
    bytes[at] = if bytes[at] == b'1' { b'2' } else { b'1' };
    std::fs::write(&partial, bytes).unwrap();
    let err = refused(batch().arg("--resume"));
    assert!(
        err.contains("runs.csv.partial") && err.contains("changed"),
        "{err}"
    );
}

#[test]
fn d13_resume_refuses_a_damaged_checkpoint_in_words() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let mut child = endless_batch(&out);
    kill(&mut child, libc::SIGKILL);
    let ckpt = out.join(".coalsim-resume/checkpoint.cbor");
    let bytes = std::fs::read(&ckpt).unwrap();
    let resume = || {
        let mut c = coalsim();
        c.args(["batch", "--runs", "100000000", "--threads", "1", "--resume"])
            .args(["--checkpoint-every", "0", "--out"])
            .arg(&out);
        c
    };
    // A flipped bit in the fold state, and a checkpoint cut short: both
    // refused, in words (no Rust debug text such as `Io(Error {`).
    let mut flipped = bytes.clone();
    let at = flipped.len() * 3 / 4;
    flipped[at] ^= 0x10;
    std::fs::write(&ckpt, &flipped).unwrap();
    let err = refused(&mut resume());
    assert!(err.contains("damaged") || err.contains("checksum"), "{err}");
    std::fs::write(&ckpt, &bytes[..bytes.len() / 2]).unwrap();
    let err = refused(&mut resume());
    for debug in ["Io(", "Error {", "Syntax(", "Semantic(", "kind:"] {
        assert!(!err.contains(debug), "{err}");
    }
}

#[test]
fn d13_shards_of_different_builds_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let (s0, s1, out) = shards(tmp.path());
    // Both shards as another build of the same version would write them
    // (their descriptions consistent: the digest recomputed).
    for dir in [&s0, &s1] {
        let path = dir.join("shard.json");
        let mut v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let build = v["fingerprint"]["build"].as_str().unwrap_or("").to_string();
        assert!(
            build.starts_with(env!("CARGO_PKG_VERSION")) && build.len() > 10,
            "the fingerprint carries no build identity: {v}"
        );
        v["fingerprint"]["build"] =
            format!("{}+model.0123456789abcdef", env!("CARGO_PKG_VERSION")).into();
        let fp: coalsim_report::shard::Fingerprint =
            serde_json::from_value(v["fingerprint"].clone()).unwrap();
        v["digest"] = fp.digest().into();
        std::fs::write(&path, v.to_string()).unwrap();
    }
    let err = refused(coalsim().arg("merge").arg(&out).arg(&s0).arg(&s1));
    assert!(err.contains("build"), "{err}");
}

// ---------------------------------------------------------------------------
// Crash, hang, wrong answer
// ---------------------------------------------------------------------------

/// Runs `cmd` (at most `limit`, then kills it and fails): exit code and
/// stderr.
fn bounded(cmd: &mut StdCommand, limit: Duration) -> (Option<i32>, String) {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + limit;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return (status.code(), err);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not end within {} s", limit.as_secs());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn d11_replay_of_an_endless_or_huge_log_is_refused_by_size() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.csv");
    let mut text = String::from("# coalsim game log\n# seed: 1\n");
    while text.len() < 20 << 20 {
        text.push_str("#| name = \"x\"\n");
    }
    std::fs::write(&big, text).unwrap();
    let err = refused(coalsim().arg("replay").arg(&big));
    assert!(err.contains("larger than"), "{err}");
    // An endless input stops at the cap (a guard of minutes, not a
    // measure of speed: reading the cap takes well under a second).
    let (code, err) = bounded(
        StdCommand::new(bin()).args(["replay", "/dev/zero"]),
        Duration::from_secs(300),
    );
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("larger than"), "{err}");
}

#[test]
fn d11_names_and_labels_are_length_capped() {
    let tmp = tempfile::tempdir().unwrap();
    let long = "n".repeat(5_000);
    let p = tmp.path().join("long.toml");
    std::fs::write(&p, format!("name = \"{long}\"\n")).unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(err.contains("name") && err.contains("at most"), "{err}");
    std::fs::write(
        &p,
        format!("[[variant]]\nname = \"{long}\"\nset = {{ \"dynamics.hedge\" = 0.2 }}\n"),
    )
    .unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(err.contains("at most"), "{err}");
    assert!(
        err.len() < 2_000,
        "the error echoes the whole name: {} bytes",
        err.len()
    );
}

#[test]
fn d12_hours_at_1e308_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("h.toml");
    for key in [
        "hours_budget",
        "leader_hours",
        "coordination_hours",
        "setup_hours",
    ] {
        std::fs::write(&p, format!("[dynamics]\n{key} = 1e308\n")).unwrap();
        let err = refused(coalsim().arg("check").arg(&p));
        assert!(err.contains(key) && err.contains("allowed"), "{err}");
    }
}

/// Every number field of the resolved default scenario (`coalsim check`
/// prints it), as a dotted key and whether it is a float.
fn numeric_keys() -> Vec<(String, bool)> {
    let text = ok(coalsim().arg("check"));
    let start = text.find("\nname").map_or(0, |i| i + 1);
    let table: toml::Table = text[start..].parse().expect("check prints TOML");
    fn walk(prefix: &str, t: &toml::Table, out: &mut Vec<(String, bool)>) {
        for (k, v) in t {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            match v {
                toml::Value::Float(_) => out.push((key, true)),
                toml::Value::Integer(_) => out.push((key, false)),
                toml::Value::Table(t) => walk(&key, t, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk("", &table, &mut out);
    out
}

/// The largest value `check` allows for `key`, read from its refusal of a
/// huge value ("allowed: 0 to 40", "allowed: a number from 0 to 1").
fn maximum(key: &str, float: bool, dir: &Path) -> Option<String> {
    let p = dir.join("probe.toml");
    let huge = if float {
        "1e308"
    } else {
        "9223372036854775807"
    };
    std::fs::write(&p, override_text(key, huge)).unwrap();
    let out = coalsim().arg("check").arg(&p).output().unwrap();
    if out.status.success() {
        panic!("{key} = {huge} is accepted: no bound");
    }
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let allowed = err.split("allowed: ").nth(1)?;
    let hi = allowed
        .split([' ', ';', ','])
        .filter_map(|w| w.trim().trim_end_matches(['.', ')']).parse::<f64>().ok())
        .next_back()?;
    Some(if float {
        format!("{hi:?}")
    } else {
        format!("{}", hi as i64)
    })
}

/// A cell or word that is a number that is not one: NaN or infinite.
fn not_finite(w: &str) -> bool {
    let w = w.trim().trim_start_matches(['+', '-']).to_ascii_lowercase();
    matches!(w.as_str(), "nan" | "inf" | "infinity")
}

fn override_text(key: &str, value: &str) -> String {
    match key.rsplit_once('.') {
        Some((table, k)) => format!("[{table}]\n{k} = {value}\n"),
        None => format!("{key} = {value}\n"),
    }
}

#[test]
fn d12_every_numeric_key_at_its_maximum_gives_finite_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let keys = numeric_keys();
    assert!(keys.len() > 40, "{keys:?}");
    let mut tried = 0;
    for (key, float) in keys {
        if key == "seed" || key == "max_rounds" {
            continue;
        }
        let Some(max) = maximum(&key, float, tmp.path()) else {
            continue;
        };
        let p = tmp.path().join("max.toml");
        // Short runs keep the sweep quick; the bound is what is tested.
        let mut text = override_text(&key, &max);
        if !key.starts_with("goal") && !key.starts_with("shocks") {
            text = format!("max_rounds = 40\n{text}");
        }
        std::fs::write(&p, &text).unwrap();
        let check = coalsim().arg("check").arg(&p).output().unwrap();
        if !check.status.success() {
            // At its maximum alone, the key may contradict another (a
            // count above the population): that is a refusal, not a NaN.
            continue;
        }
        let out = tmp.path().join("o");
        let printed = ok(coalsim()
            .args(["batch", "--runs", "4", "--threads", "1", "--out"])
            .arg(&out)
            .arg(&p));
        for f in ["runs.csv", "rounds.csv", "incidence.csv", "survival.csv"] {
            let t = std::fs::read_to_string(out.join(f)).unwrap();
            let bad = t.lines().flat_map(|l| l.split(',')).find(|c| not_finite(c));
            assert!(bad.is_none(), "{key} = {max}: {f} holds {bad:?}");
        }
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap())
                .expect("summary.json is JSON (which has no NaN)");
        assert!(summary.is_object());
        let bad = printed
            .split(|c: char| c.is_whitespace() || "(),;:%".contains(c))
            .find(|w| not_finite(w));
        assert!(bad.is_none(), "{key} = {max}: {printed}");
        tried += 1;
    }
    assert!(tried > 30, "only {tried} keys ran at their maximum");
}

#[test]
fn d14_population_range_with_a_third_value_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("r.toml");
    std::fs::write(&p, "[population]\nresources = [1.0, 5.0, 9.0]\n").unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(err.contains("resources") && err.contains("two"), "{err}");
}

#[test]
fn d14_ablate_and_robust_with_one_run_print_no_nan() {
    for flag in ["--ablate", "--robust"] {
        let tmp = tempfile::tempdir().unwrap();
        let printed = ok(coalsim()
            .args([
                "lesson",
                "narrow-first-win",
                flag,
                "--runs",
                "1",
                "--threads",
                "1",
                "--out",
            ])
            .arg(tmp.path()));
        assert!(!printed.contains("NaN"), "{flag}: {printed}");
    }
}

#[test]
fn d14_batch_on_a_file_with_variants_says_it_ignores_them() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("v.toml");
    std::fs::write(
        &p,
        "[[variant]]\nname = \"hedged\"\nset = { \"dynamics.hedge\" = 0.2 }\n",
    )
    .unwrap();
    let out = coalsim()
        .args(["batch", "--runs", "3", "--threads", "1", "--out"])
        .arg(tmp.path().join("o"))
        .arg(&p)
        .output()
        .unwrap();
    assert!(out.status.success());
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        all.contains("variant") && all.contains("coalsim sweep"),
        "no word about the ignored variants: {all}"
    );
}

#[test]
fn d14_lesson_field_refuses_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("l.toml");
    std::fs::write(&p, "lesson = \"a\\u001b[31mred\"\n").unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(err.contains("lesson") && err.contains("control"), "{err}");
}

// ---------------------------------------------------------------------------
// Wording
// ---------------------------------------------------------------------------

#[test]
fn w_signal_exit_codes_are_128_plus_the_signal() {
    for (signal, code) in [
        (libc::SIGTERM, 143),
        (libc::SIGHUP, 129),
        (libc::SIGINT, 130),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let mut child = endless_batch(&tmp.path().join("out"));
        let status = kill(&mut child, signal);
        assert_eq!(status.code(), Some(code), "signal {signal}");
    }
}

#[test]
fn w_negative_flag_values_say_what_is_allowed_not_a_wrong_tip() {
    for args in [
        &["batch", "--checkpoint-every", "-1"][..],
        &["batch", "--threads", "-1"],
        &["run", "--every", "-3"],
        &["run", "--run", "-1"],
        &["explore", "--samples", "-5"],
    ] {
        let out = coalsim().args(args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(!err.contains("-- -"), "{args:?}: {err}");
    }
}

#[test]
fn w_checkpoint_every_nan_says_what_is_allowed() {
    let out = coalsim()
        .args(["batch", "--checkpoint-every", "nan"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        !err.contains("invalid digit") && err.contains("allowed"),
        "{err}"
    );
}

#[test]
fn w_seed_in_a_file_says_tomls_largest_number() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("s.toml");
    std::fs::write(&p, "seed = 18446744073709551615\n").unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(err.contains("9223372036854775807"), "{err}");
}

#[test]
fn w_unknown_enum_value_is_not_echoed_in_full() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("e.toml");
    std::fs::write(
        &p,
        format!(
            "[governance]\ndecision_rule = \"{}\"\n",
            "z".repeat(100_000)
        ),
    )
    .unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(
        err.contains("decision_rule"),
        "{}",
        &err[..err.len().min(500)]
    );
    assert!(err.len() < 2_000, "a {} byte error", err.len());
}

#[test]
fn w_recursion_limit_names_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("deep.toml");
    std::fs::write(
        &p,
        format!("name = {}1{}\n", "[".repeat(200), "]".repeat(200)),
    )
    .unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(err.contains("deep.toml:1"), "{err}");
    assert!(err.contains("name") || err.contains("nested"), "{err}");
}

#[test]
fn w_replay_reads_crlf_and_bom_logs() {
    let tmp = tempfile::tempdir().unwrap();
    let log = game_log(tmp.path());
    let text = std::fs::read_to_string(&log).unwrap();
    let want = ok(coalsim().arg("replay").arg(&log));
    let crlf = tmp.path().join("crlf.csv");
    std::fs::write(&crlf, format!("\u{feff}{}", text.replace('\n', "\r\n"))).unwrap();
    assert_eq!(ok(coalsim().arg("replay").arg(&crlf)), want);
}

#[test]
fn w_replay_refuses_values_the_server_never_allows() {
    let tmp = tempfile::tempdir().unwrap();
    let log = game_log(tmp.path());
    let text = std::fs::read_to_string(&log).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let last = lines.len() - 1;
    // A player name the server would never keep (a control character and
    // a length far past the nickname cap).
    let mut cells: Vec<String> = lines[last].split(',').map(str::to_string).collect();
    cells[3] = format!("\"{}\u{7}\"", "p".repeat(300));
    lines[last] = cells.join(",");
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
    let err = refused(coalsim().arg("replay").arg(&bad));
    assert!(err.contains("player"), "{err}");
}

/// A short game log, as the class game writes it.
fn game_log(dir: &Path) -> PathBuf {
    use coalsim_core::engine::{Ballot, Choices};
    use coalsim_serve::game::{GameLog, Play};
    let file = coalsim_core::scenario::ScenarioFile::open(None).unwrap();
    let plays = (1..=3)
        .map(|round| Play {
            round,
            agent: 0,
            player: "ana".into(),
            choices: Choices {
                attend: true,
                contribute: 0.5,
                ballot: Ballot::Yes,
                object: false,
                leave: false,
            },
        })
        .collect();
    let log = GameLog {
        title: "t".into(),
        scenario_toml: file.base.to_toml(),
        seed: 7,
        names: vec!["org".into()],
        plays,
        outcome: None,
        stopped_at: None,
        shocks: Vec::new(),
    };
    let p = dir.join("game.csv");
    std::fs::write(&p, log.to_csv()).unwrap();
    p
}

// ---------------------------------------------------------------------------
// The server and the class game
// ---------------------------------------------------------------------------

use super::helpers_http::{post_json_or_text, start};
use coalsim_serve::server::Config;
use serde_json::json;

/// A scenario file with `n` variants.
fn many_variants(n: usize) -> String {
    let mut t = String::new();
    for i in 0..n {
        t.push_str(&format!(
            "[[variant]]\nname = \"v{i}\"\nset = {{ \"dynamics.hedge\" = 0.{} }}\n",
            1 + i % 8
        ));
    }
    t
}

#[test]
fn d02_variants_are_capped_and_resolved_off_the_event_loop() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("many.toml");
    std::fs::write(&p, many_variants(1_000)).unwrap();
    let err = refused(coalsim().arg("check").arg(&p));
    assert!(err.contains("at most 256"), "{err}");
    // The same file uploaded to the server: refused with the same words.
    let server = start(Config::default());
    let (status, v) = post_json_or_text(
        &format!("{}/api/scenario", server.url()),
        &json!({"source": {"kind": "upload", "name": "many.toml", "text": many_variants(1_000)}}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"].as_str().unwrap_or("").contains("at most 256"),
        "{v}"
    );
    // 256 variants are accepted.
    std::fs::write(&p, many_variants(256)).unwrap();
    ok(coalsim().arg("check").arg(&p));
}

#[test]
fn d03_slow_header_and_idle_connections_are_closed() {
    use std::io::{Read, Write};
    let server = start(Config::default());
    let addr = server.addr;
    // A request whose headers never end, and a connection that sends
    // nothing: both closed by the server (after its header timeout, 10 s;
    // the test waits up to 5 minutes, a guard against a hung test, not a
    // measure of speed).
    let mut slow = std::net::TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET /api/status HTTP/1.1\r\nHost: x\r\n")
        .unwrap();
    let mut idle = std::net::TcpStream::connect(addr).unwrap();
    for s in [&mut slow, &mut idle] {
        s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
        let mut buf = [0u8; 512];
        // Closed: the end of the stream, or a reset (the server closed
        // with the request's bytes unread). Only a read that timed out
        // means the connection was kept open.
        let closed = loop {
            match s.read(&mut buf) {
                Ok(0) => break Ok(()),
                Ok(_) => continue, // a 408 answer, then the close
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    break Err(e);
                }
                Err(_) => break Ok(()),
            }
        };
        assert!(
            closed.is_ok(),
            "the server kept a slow or idle connection open: {closed:?}"
        );
    }
}

#[test]
fn d03_connections_per_client_address_are_capped() {
    use std::io::Read;
    let server = start(Config::default());
    let addr = server.addr;
    let cap = coalsim_serve::server::CONNECTIONS_PER_CLIENT;
    let mut open = Vec::new();
    for _ in 0..cap {
        open.push(std::net::TcpStream::connect(addr).unwrap());
    }
    // One more from the same address is closed at once (a read ends with
    // no data, well before the header timeout would close it).
    let mut extra = std::net::TcpStream::connect(addr).unwrap();
    extra
        .set_read_timeout(Some(Duration::from_secs(300)))
        .unwrap();
    let mut buf = [0u8; 64];
    let n = extra.read(&mut buf).unwrap_or(0);
    assert_eq!(n, 0);
    drop(open);
}

/// Sends `body` to `path` of a router as if from `ip`; status and JSON.
fn from_address(
    app: &axum::Router,
    ip: &str,
    path: &str,
    key: Option<&str>,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    use tower::ServiceExt as _;
    let mut req = axum::http::Request::post(path).header("content-type", "application/json");
    if let Some(k) = key {
        req = req.header("x-teacher-key", k);
    }
    let mut req = req.body(axum::body::Body::from(body.to_string())).unwrap();
    let addr: std::net::SocketAddr = format!("{ip}:40000").parse().unwrap();
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(addr));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let bytes = axum::body::to_bytes(res.into_body(), 1 << 20)
            .await
            .unwrap();
        let v = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
        (status, v)
    })
}

fn new_game_body() -> serde_json::Value {
    json!({"scenario": {"source": {"kind": "default"}}, "weeks_per_turn": 4, "turn_seconds": 60})
}

#[test]
fn d05_room_creation_needs_the_teacher_key_from_another_computer() {
    let app = coalsim_serve::server::router(Config {
        teacher_key: Some("KEY234".into()),
        ..Config::default()
    });
    let (s, v) = from_address(&app, "192.0.2.7", "/api/game/new", None, new_game_body());
    assert_eq!(s, 403, "{v}");
    assert!(v["error"].as_str().unwrap().contains("teacher key"), "{v}");
    let (s, _) = from_address(
        &app,
        "192.0.2.8",
        "/api/game/new",
        Some("WRONG"),
        new_game_body(),
    );
    assert_eq!(s, 403);
    let (s, v) = from_address(
        &app,
        "192.0.2.9",
        "/api/game/new",
        Some("KEY234"),
        new_game_body(),
    );
    assert_eq!(s, 200, "{v}");
    // On the server's own computer no key is needed.
    let (s, v) = from_address(&app, "127.0.0.1", "/api/game/new", None, new_game_body());
    assert_eq!(s, 200, "{v}");
}

#[test]
fn d05_room_creation_is_rate_limited_per_address() {
    let app = coalsim_serve::server::router(Config::default());
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(from_address(&app, "127.0.0.1", "/api/game/new", None, new_game_body()).0);
    }
    assert!(statuses[0] == 200, "{statuses:?}");
    assert!(
        statuses.contains(&429),
        "16 rooms from one address: {statuses:?}"
    );
    // Another address still starts a game.
    let (s, v) = from_address(&app, "127.0.0.5", "/api/game/new", None, new_game_body());
    assert_eq!(s, 200, "{v}");
}

#[test]
fn d06_nickname_formula_quoted_in_csv_log() {
    use coalsim_core::engine::{Ballot, Choices};
    use coalsim_serve::game::{GameLog, Play};
    let file = coalsim_core::scenario::ScenarioFile::open(None).unwrap();
    let names = ["=HYPERLINK(x)", "+1+1", "-2", "@SUM(A1)", "plain"];
    let plays = names
        .iter()
        .enumerate()
        .map(|(i, n)| Play {
            round: 1,
            agent: i,
            player: n.to_string(),
            choices: Choices {
                attend: true,
                contribute: 0.5,
                ballot: Ballot::Yes,
                object: false,
                leave: false,
            },
        })
        .collect();
    let log = GameLog {
        title: "t".into(),
        scenario_toml: file.base.to_toml(),
        seed: 7,
        names: (0..5).map(|i| format!("org {i}")).collect(),
        plays,
        outcome: None,
        stopped_at: None,
        shocks: Vec::new(),
    };
    let csv = log.to_csv();
    let body: String = csv
        .lines()
        .filter(|l| !l.starts_with('#'))
        .collect::<Vec<_>>()
        .join("\n");
    let mut r = csv::Reader::from_reader(body.as_bytes());
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "a cell a spreadsheet runs as a formula: {cell}"
            );
        }
    }
    // And read back as typed.
    let back = GameLog::parse("log.csv", &csv).unwrap();
    let players: Vec<&str> = back.plays.iter().map(|p| p.player.as_str()).collect();
    assert_eq!(players, names);
}

#[test]
fn d06_nicknames_are_normalised_and_unique_in_a_room() {
    let server = start(Config::default());
    let url = server.url();
    let (s, v) = post_json_or_text(&format!("{url}/api/game/new"), &new_game_body());
    assert_eq!(s, 200, "{v}");
    let code = v["code"].as_str().unwrap().to_string();
    let join = |name: &str| {
        post_json_or_text(
            &format!("{url}/api/game/join"),
            &json!({"code": code, "name": name}),
        )
    };
    let (s, v) = join("José");
    assert_eq!(s, 200, "{v}");
    // The same name typed another way (decomposed accent, a zero-width
    // space, a right-to-left mark, other letter case) is the same name.
    for same in ["Jose\u{301}", "Jo\u{200B}sé", "\u{200F}José", "JOSÉ"] {
        let (s, v) = join(same);
        assert_eq!(s, 409, "{same:?} joined as {v}");
    }
    // Invisible and reordering characters are taken out.
    let (s, v) = join("\u{202E}Ana\u{2066}");
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["name"], "Ana");
}

// ---------------------------------------------------------------------------
// Load: one hostile client, one ordinary one
// ---------------------------------------------------------------------------

/// Connects to `server` from the loopback address `from` (127.0.0.x: the
/// test's second computer, still on this machine).
fn connect_from(from: &str, server: std::net::SocketAddr) -> Option<std::net::TcpStream> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let s = tokio::net::TcpSocket::new_v4().ok()?;
        s.bind(format!("{from}:0").parse().unwrap()).ok()?;
        let stream = s.connect(server).await.ok()?;
        let std = stream.into_std().ok()?;
        std.set_nonblocking(false).ok()?;
        Some(std)
    })
}

/// The resident memory of this process (the server runs in it), in MiB.
fn rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

/// The issue's load test, bounded in count and time and on this machine
/// only: from 127.0.0.2 to 127.0.0.9, 400 slow-header and idle sockets;
/// from 127.0.0.10, heavy uploads (256 variants each) and comparisons
/// until the address's budget refuses them; from 127.0.0.11, 20 new games
/// (the rate limit refuses all but a few); meanwhile the ordinary client on
/// 127.0.0.1 asks for the status, a run and a game (new, join) in turn.
///
/// Every one of its requests must be answered (a server the attack froze
/// would leave the test waiting, and CI's own time limit would end it).
/// How long each round took is printed, not asserted: machines here are
/// shared and noisy, and speed is measured in docs/performance.md (alone,
/// each request answers in milliseconds; under this load the status
/// request needs no CPU slot, and a run or a new game waits at most for
/// the two CPU tasks in hand). The
/// server's memory (this test process) must stay under 1 GiB (it stays
/// near 100 MiB; the 512 connections hold at most 64 KiB of buffer each).
#[test]
fn load_second_client_is_answered_while_one_client_attacks() {
    use std::io::{Read, Write};
    let server = start(Config::default());
    let addr = server.addr;
    let url = server.url();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut attackers = Vec::new();
    // Slow-header and idle sockets, from eight addresses.
    let slow = std::thread::spawn(move || {
        let mut held = Vec::new();
        for i in 0..400 {
            let from = format!("127.0.0.{}", 2 + i % 8);
            if let Some(mut s) = connect_from(&from, addr) {
                if i % 2 == 0 {
                    let _ = s.write_all(b"GET /api/status HTTP/1.1\r\nHost: x\r\n");
                }
                held.push(s);
            }
        }
        std::thread::sleep(Duration::from_secs(15));
        held.len()
    });
    // Heavy uploads and comparisons from one address (another than the
    // sockets', whose connection cap would refuse them before their budget).
    for t in 0..2 {
        let stop = stop.clone();
        attackers.push(std::thread::spawn(move || {
            let heavy = many_variants(256);
            let mut answered = 0;
            for i in 0..4 {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let Some(mut s) = connect_from("127.0.0.10", addr) else {
                    continue;
                };
                let body = if (i + t) % 2 == 0 {
                    json!({"source": {"kind": "upload", "name": "h.toml", "text": heavy}}).to_string()
                } else {
                    json!({"scenario": {"source": {"kind": "default"}}, "runs": 2000,
                           "arms": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}, {"name": "e"}, {"name": "f"}]})
                    .to_string()
                };
                let path = if (i + t) % 2 == 0 { "/api/scenario" } else { "/api/compare" };
                let req = format!(
                    "POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
                if s.write_all(req.as_bytes()).is_ok() {
                    let mut buf = Vec::new();
                    let _ = s.read_to_end(&mut buf);
                    answered += 1;
                }
            }
            answered
        }));
    }
    // A room flood from one address (again its own, for the same reason).
    let flood = std::thread::spawn(move || {
        let mut codes = Vec::new();
        for _ in 0..20 {
            let Some(mut s) = connect_from("127.0.0.11", addr) else {
                continue;
            };
            let body = new_game_body().to_string();
            let req = format!(
                "POST /api/game/new HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            s.set_read_timeout(Some(Duration::from_secs(300))).unwrap();
            let _ = s.write_all(req.as_bytes());
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            codes.push(buf.split(' ').nth(1).unwrap_or("").to_string());
        }
        codes
    });
    // The ordinary client.
    let mut slowest = Duration::ZERO;
    for round in 0..6 {
        let t = Instant::now();
        let (status, _) = super::helpers_http::get(&format!("{url}/api/status"));
        assert_eq!(status, 200);
        let (status, v) = post_json_or_text(
            &format!("{url}/api/run"),
            &json!({"scenario": {"source": {"kind": "default"}}, "seed": round}),
        );
        assert_eq!(status, 200, "{v}");
        let (status, v) = post_json_or_text(&format!("{url}/api/game/new"), &new_game_body());
        assert!(status == 200 || status == 429, "{status} {v}");
        if status == 200 {
            let (status, v) = post_json_or_text(
                &format!("{url}/api/game/join"),
                &json!({"code": v["code"], "name": format!("ann{round}")}),
            );
            assert_eq!(status, 200, "{v}");
        }
        slowest = slowest.max(t.elapsed());
        println!("round {round} of the ordinary client: {:?}", t.elapsed());
        std::thread::sleep(Duration::from_millis(500));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let memory = rss_mib();
    let held = slow.join().unwrap();
    let answered: usize = attackers.into_iter().map(|a| a.join().unwrap()).sum();
    let codes = flood.join().unwrap();
    eprintln!(
        "load: slowest round of the ordinary client {slowest:?}; {held} hostile sockets opened; {answered} heavy requests answered; room flood {codes:?}; {memory} MiB resident"
    );
    assert!(
        codes.iter().any(|c| c == "429"),
        "the room flood was not limited: {codes:?}"
    );
    assert!(memory < 1024, "{memory} MiB resident");
}

/// Defect 4's last part: "a heavy job ran on 27 s after its tab closed"
/// (it stopped only at its next chunk of runs). A comparison whose every
/// run lasts 100,000 rounds with nearly 2,000 members (about 30 ms a round
/// here, so most of an hour a run, and a chunk of 16 runs of each variant
/// far longer; the server's work and size budgets are lifted for the test)
/// is abandoned once it has started: it must stop within a round of each
/// run in hand, so its place is free long before even one of its runs
/// could have finished. The wait is bounded only against a hung test
/// (10 minutes); the time it took is printed (docs/performance.md).
#[test]
fn d04_a_job_stops_within_a_round_of_its_tab_closing() {
    use coalsim_serve::server::Limits;
    use std::io::{Read, Write};
    let server = start(Config {
        limits: Limits {
            cost: u64::MAX,
            client_cost_per_minute: u64::MAX,
            series_rounds: u64::MAX,
            ..Limits::default()
        },
        ..Config::default()
    });
    let url = server.url();
    // Nobody leaves and the goal is out of reach: every run goes on to
    // its round limit.
    let endless = "max_rounds = 100000\nmin_members = 1\n\
                   [goal]\nsize = 1e6\n\
                   [population]\ncount = 2000\ninitial_members = 100\nfounders = 3\n\
                   [dynamics]\nexit_threshold = 0\nburnout_rate = 0\nleave_gain = 0\n\
                   [shocks]\nrate = 0\n";
    let body = json!({
        "scenario": {"source": {"kind": "upload", "name": "endless.toml", "text": endless}},
        "runs": 32,
        "arms": [{"name": "a"}, {"name": "b"}]
    })
    .to_string();
    let mut tab = std::net::TcpStream::connect(server.addr).unwrap();
    write!(
        tab,
        "POST /api/compare HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    // Read until the job has started (its first progress line).
    let mut seen = Vec::new();
    let mut buf = [0u8; 4096];
    while !String::from_utf8_lossy(&seen).contains("\"done\":0") {
        let n = tab.read(&mut buf).unwrap();
        assert!(n > 0, "{}", String::from_utf8_lossy(&seen));
        seen.extend_from_slice(&buf[..n]);
    }
    let running = || {
        let (_, s) = super::helpers_http::get(&format!("{url}/api/status"));
        serde_json::from_str::<serde_json::Value>(&s).unwrap()["jobs_running"]
            .as_u64()
            .unwrap()
    };
    assert_eq!(running(), 1);
    // The tab closes.
    let closed = Instant::now();
    drop(tab);
    super::helpers_http::eventually("the abandoned comparison to stop", || {
        (running() == 0).then_some(())
    });
    eprintln!(
        "d04: a comparison of 2,000 organisations over 100,000 rounds stopped {:?} after its tab closed",
        closed.elapsed()
    );
}

/// The command line allows 20,000 organisations (a run of that size holds
/// 3.2 GB); the server keeps its bound of 2,000, for a run, a comparison's
/// base scenario and a variant that sets the count.
#[test]
fn d04_the_server_refuses_more_organisations_than_its_bound() {
    let server = start(Config::default());
    let url = server.url();
    let big = "[population]\ncount = 2001\ninitial_members = 10\n";
    let says = "2001 organisations; allowed: at most 2000 on this server";
    let (status, v) = post_json_or_text(
        &format!("{url}/api/run"),
        &json!({"scenario": {"source": {"kind": "upload", "name": "big.toml", "text": big}}}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap_or("").contains(says), "{v}");
    let (status, v) = post_json_or_text(
        &format!("{url}/api/compare"),
        &json!({"scenario": {"source": {"kind": "default"}},
                "runs": 2,
                "arms": [{"name": "a"}, {"name": "b", "set": [{"key": "population.count", "value": "2001"}]}]}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(v["error"].as_str().unwrap_or("").contains(says), "{v}");
}

#[test]
fn d04_comparison_limits_count_work_not_runs() {
    let server = start(Config::default());
    let url = server.url();
    // Six lines: 4 runs of 6 variants of a 2,000-organisation scenario.
    let huge = "[population]\ncount = 2000\ninitial_members = 100\nfounders = 3\n";
    let (status, v) = post_json_or_text(
        &format!("{url}/api/compare"),
        &json!({"scenario": {"source": {"kind": "upload", "name": "huge.toml", "text": huge}},
                "runs": 4,
                "arms": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}, {"name": "e"}, {"name": "f"}]}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"].as_str().unwrap_or("").contains("too much work"),
        "{v}"
    );
    // Curves too long to send: 6 variants of 20,000 rounds.
    let long = "max_rounds = 20000\n";
    let (status, v) = post_json_or_text(
        &format!("{url}/api/compare"),
        &json!({"scenario": {"source": {"kind": "upload", "name": "long.toml", "text": long}},
                "runs": 2,
                "arms": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}, {"name": "e"}, {"name": "f"}]}),
    );
    assert_eq!(status, 400, "{v}");
    assert!(
        v["error"].as_str().unwrap_or("").contains("too long"),
        "{v}"
    );
    // The default comparison (six variants, 2,000 runs) is within bounds.
    let (status, _) = super::helpers_http::post_raw(
        &format!("{url}/api/compare"),
        &json!({"scenario": {"source": {"kind": "default"}}, "runs": 50,
                "arms": [{"name": "a"}, {"name": "b"}]})
        .to_string(),
    );
    assert_eq!(status, 200);
}
