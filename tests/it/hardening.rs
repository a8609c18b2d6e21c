//! Regression tests for what a hostile user found (issue 12, "Hardening"):
//! each test is named after the bug it keeps fixed.

use std::path::Path;
use std::process::{Command as StdCommand, Stdio};

use assert_cmd::Command;

fn coalsim() -> Command {
    Command::cargo_bin("coalsim").unwrap()
}

/// Runs `cmd`, expects exit 1 with an `error:` line and no panic.
fn refused(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{cmd:?}: {err}");
    assert!(
        err.starts_with("error: ") && !err.contains("panicked"),
        "{err}"
    );
    err
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn temps(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    v.sort();
    v
}

#[test]
fn sigterm_and_sighup_leave_no_half_written_file_and_the_batch_resumes() {
    for signal in [libc::SIGTERM, libc::SIGHUP] {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("coalsim"))
            .args(["batch", "--runs", "10000000", "--threads", "1"])
            .args(["--checkpoint-every", "0", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let ckpt = out.join(".coalsim-resume/checkpoint.cbor");
        while !ckpt.exists() {
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        // SAFETY: kill(2) on our own child's pid.
        assert_eq!(unsafe { libc::kill(child.id() as i32, signal) }, 0);
        let status = child.wait().unwrap();
        assert!(!status.success(), "signal {signal}: {status:?}");
        let mut err = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
        assert!(err.contains("interrupted"), "{err}");
        assert!(temps(&out).is_empty(), "signal {signal}: {:?}", temps(&out));
        assert!(temps(&out.join(".coalsim-resume")).is_empty());
        assert!(!out.join("runs.csv").exists());
        assert!(ckpt.exists(), "the checkpoint survives for --resume");
    }
}

#[test]
fn a_failed_rename_does_not_leak_its_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // summary.json is a non-empty folder: the rename into place fails.
    std::fs::create_dir_all(out.join("summary.json/keep")).unwrap();
    let err = refused(coalsim().args(["batch", "--runs", "20", "--out"]).arg(&out));
    assert!(err.contains("summary.json"), "{err}");
    assert_eq!(temps(&out), Vec::<String>::new());
}

#[test]
fn temporary_files_of_dead_processes_are_cleaned_and_no_other_file() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    // 4000000000 is above any Linux pid_max: that process is dead.
    let dead = write(&out, ".rounds.csv.4000000000.tmp", "half");
    let alive = write(
        &out,
        &format!(".rounds.csv.{}.tmp", std::process::id()),
        "busy",
    );
    let mine = write(&out, ".rounds.csv.notes.tmp", "the user's own");
    coalsim()
        .args(["batch", "--runs", "20", "--out"])
        .arg(&out)
        .assert()
        .success();
    assert!(!dead.exists(), "a dead process's temporary stays");
    assert!(alive.exists(), "a live process's temporary was removed");
    assert!(mine.exists(), "a file we did not write was removed");
}

#[test]
fn reusing_an_output_folder_removes_our_stale_outputs_only() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    coalsim()
        .args(["sweep", "--vary", "population.count=6,10", "--vary"])
        .args([
            "governance.decision_rule=consensus,majority",
            "--runs",
            "20",
            "--out",
        ])
        .arg(&d)
        .assert()
        .success();
    assert!(d.join("comparison.csv").exists() && d.join("plots/heatmap.png").exists());
    let notes = write(&d, "notes.txt", "mine");
    coalsim()
        .args(["batch", "--runs", "20", "--out"])
        .arg(&d)
        .assert()
        .success();
    for stale in ["comparison.csv", "variants.csv", "plots/heatmap.png"] {
        assert!(
            !d.join(stale).exists(),
            "{stale} of the sweep is still there"
        );
    }
    assert!(d.join("survival.csv").exists() && notes.exists());
    // A single run into the batch's folder: no batch file is left to
    // confuse `coalsim plot`.
    coalsim()
        .args(["run", "--quiet", "--out"])
        .arg(&d)
        .assert()
        .success();
    assert!(!d.join("runs.csv").exists() && !d.join("plots").exists());
    assert!(d.join("events.csv").exists() && notes.exists());
    let err = refused(coalsim().arg("plot").arg(&d));
    assert!(err.contains("no runs.csv here"), "{err}");
}

/// Regression: `explore` wrote no manifest, so an LHS exploration's
/// sensitivity plot stayed next to a later Morris exploration's files, and
/// a batch into that folder kept samples.csv and the rest.
#[test]
fn reusing_an_output_folder_removes_stale_explore_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path().join("d");
    let explore = |design: &str| {
        coalsim()
            .args(["explore", "--uncertain", "trust.strangers=0.2..0.6"])
            .args(["--uncertain", "shocks.rate=0..0.1"])
            .args(["--policy", "governance.decision_rule=consensus,majority"])
            .args(["--design", design, "--samples", "8", "--runs", "2", "--out"])
            .arg(&d)
            .assert()
            .success();
    };
    explore("lhs");
    assert!(d.join("plots/sensitivity.png").exists());
    let notes = write(&d, "notes.txt", "mine");
    explore("morris");
    assert!(d.join("plots/morris.png").exists() && d.join("samples.csv").exists());
    assert!(
        !d.join("plots/sensitivity.png").exists() && !d.join("plots/sensitivity.svg").exists(),
        "the LHS exploration's sensitivity plot is still there"
    );
    coalsim()
        .args(["batch", "--runs", "5", "--out"])
        .arg(&d)
        .assert()
        .success();
    for stale in [
        "samples.csv",
        "robustness.csv",
        "prim.csv",
        "sensitivity.csv",
        "plots/morris.png",
        "plots/regret.svg",
        "plots/best_policy.png",
    ] {
        assert!(
            !d.join(stale).exists(),
            "{stale} of the exploration is still there"
        );
    }
    assert!(d.join("runs.csv").exists() && notes.exists());
    // And the other way: an exploration into the batch's folder.
    explore("lhs");
    assert!(!d.join("runs.csv").exists() && d.join("samples.csv").exists());
    assert!(notes.exists());
}

#[test]
fn vary_refuses_seed_repeated_keys_and_repeated_values() {
    for (args, says) in [
        (
            &["--vary", "seed=1,2"][..],
            "--vary seed: every variant runs with the same seeds",
        ),
        (
            &[
                "--vary",
                "population.count=5,6",
                "--vary",
                "population.count=7",
            ][..],
            "--vary population.count: the key is varied twice",
        ),
        (
            &["--vary", "population.count=8,8"][..],
            "the value 8 is given twice",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let err = refused(
            coalsim()
                .arg("sweep")
                .args(args)
                .args(["--runs", "5", "--out"])
                .arg(tmp.path().join("o")),
        );
        assert!(err.contains(says), "{args:?}: {err}");
        assert!(!tmp.path().join("o").exists());
    }
}

#[test]
fn run_into_a_closed_pipe_exits_0_and_still_writes_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("run");
    let mut child = StdCommand::new(assert_cmd::cargo::cargo_bin("coalsim"))
        .args(["run", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away before the first line (`| head -0`).
    drop(child.stdout.take());
    let result = child.wait_with_output().unwrap();
    assert!(result.status.success(), "{result:?}");
    for f in ["rounds.csv", "events.csv", "summary.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
}

#[test]
fn varying_an_agent_says_what_is_missing_and_works_with_agents() {
    let tmp = tempfile::tempdir().unwrap();
    let err = refused(
        coalsim()
            .args([
                "sweep",
                "--vary",
                "agent.0.resources=1,2",
                "--runs",
                "5",
                "--out",
            ])
            .arg(tmp.path().join("a")),
    );
    assert!(
        err.contains("no `agent` list") && err.contains("[[agent]]"),
        "{err}"
    );
    assert!(!err.contains("invalid type"), "{err}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    coalsim()
        .arg("sweep")
        .arg(root.join("scenarios/consensus-vs-majority.toml"))
        .args(["--vary", "agent.0.resources=1,2", "--runs", "5", "--out"])
        .arg(tmp.path().join("b"))
        .assert()
        .success();
}

#[test]
fn impossible_min_members_and_agents_knowing_themselves_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "a.toml", "min_members = 11\n");
    let err = refused(coalsim().arg("check").arg(&f));
    assert!(
        err.contains("min_members")
            && err.contains("more than the number of agents (10)")
            && err.contains("allowed: 1 to 10"),
        "{err}"
    );
    let f = write(
        tmp.path(),
        "b.toml",
        "[population]\ncount = 0\ninitial_members = 0\nfounders = 0\n\n[[agent]]\nname = \"Ana\"\nfounder = true\nknows = [\"Bo\"]\n\n[[agent]]\nname = \"Bo\"\nknows = [\"Bo\"]\n",
    );
    let err = refused(coalsim().arg("check").arg(&f));
    assert!(
        err.contains("agent[1].knows[0]") && err.contains("the agent itself"),
        "{err}"
    );
    assert!(err.contains(":13:"), "located on its line: {err}");
}

#[test]
fn huge_scenario_files_are_refused_without_reading_them_whole() {
    let err = refused(coalsim().args(["check", "/dev/zero"]));
    assert!(
        err.contains("/dev/zero") && err.contains("larger than 4 MiB"),
        "{err}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("bin.toml");
    std::fs::write(&f, [b'a', 0xff, 0xfe]).unwrap();
    let err = refused(coalsim().arg("check").arg(&f));
    assert!(err.contains("not UTF-8"), "{err}");
}

#[test]
fn names_with_escape_codes_or_formula_signs_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for (text, field, says) in [
        (
            "name = \"A\\u001b[31mred\"\n",
            "name",
            "control character U+001B",
        ),
        (
            "min_members = 1\n[population]\ncount = 0\ninitial_members = 0\nfounders = 0\n[[agent]]\nname = \"=HYPERLINK(1)\"\nfounder = true\n",
            "agent[0].name",
            "read as a formula",
        ),
        (
            "[[variant]]\nname = \"@sum\"\n[[variant]]\nname = \"b\"\n",
            "variant[0].name",
            "read as a formula",
        ),
    ] {
        let f = write(tmp.path(), "n.toml", text);
        let err = refused(coalsim().arg("check").arg(&f));
        assert!(err.contains(field) && err.contains(says), "{text}: {err}");
        assert!(
            !err.contains('\u{1b}'),
            "the escape code reached the terminal"
        );
    }
    // A description may span lines.
    let f = write(
        tmp.path(),
        "ok.toml",
        "description = \"\"\"two\nlines\"\"\"\n",
    );
    coalsim().arg("check").arg(&f).assert().success();
}

/// `rust-version` in Cargo.toml is true: no locked dependency needs a newer
/// compiler (proptest and criterion once needed 1.88 and 1.86 under 1.85).
#[test]
fn rust_version_covers_every_locked_dependency() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    let ours = version_of(&manifest).expect("Cargo.toml states rust-version");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap();
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
        .unwrap();
    let Ok(registries) = std::fs::read_dir(home.join("registry/src")) else {
        panic!("no registry sources under {}", home.display());
    };
    let registries: Vec<_> = registries.map(|e| e.unwrap().path()).collect();
    let mut checked = 0;
    let mut pkg = lock.split("[[package]]").skip(1);
    for p in &mut pkg {
        let field = |k: &str| {
            p.lines()
                .find_map(|l| l.strip_prefix(&format!("{k} = \"")))
                .map(|v| v.trim_end_matches('"').to_string())
        };
        let (Some(name), Some(version)) = (field("name"), field("version")) else {
            continue;
        };
        for reg in &registries {
            let Ok(text) =
                std::fs::read_to_string(reg.join(format!("{name}-{version}/Cargo.toml")))
            else {
                continue;
            };
            checked += 1;
            if let Some(need) = version_of(&text) {
                assert!(
                    need <= ours,
                    "{name} {version} needs rust {need:?}; Cargo.toml says {ours:?}"
                );
            }
        }
    }
    assert!(
        checked > 20,
        "only {checked} dependencies found in the registry"
    );
}

fn version_of(toml_text: &str) -> Option<(u32, u32)> {
    let v = toml_text
        .lines()
        .find_map(|l| l.trim().strip_prefix("rust-version = \""))?;
    let mut it = v.trim_end_matches('"').split('.');
    Some((it.next()?.parse().ok()?, it.next()?.parse().ok()?))
}

/// Runs `cmd`, expects a clap usage error (exit 2) whose message says what
/// is allowed, and no panic.
fn refused_flag(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{cmd:?}: {err}");
    assert!(
        err.starts_with("error: ") && !err.contains("panicked"),
        "{err}"
    );
    err
}

/// The commands that run many simulations, with the arguments they need.
const MANY_RUNS: [&[&str]; 4] = [
    &["batch"],
    &[
        "sweep",
        "--vary",
        "governance.decision_rule=consensus,majority",
    ],
    &["lesson", "first-members"],
    &["explore", "--uncertain", "trust.strangers=0.2..0.6"],
];

#[test]
fn threads_a_billion_is_refused_by_every_command_before_any_thread() {
    let tmp = tempfile::tempdir().unwrap();
    for cmd in MANY_RUNS {
        let out = tmp.path().join("o");
        let err = refused_flag(
            coalsim()
                .args(cmd)
                .args(["--threads", "1000000000", "--runs", "2", "--out"])
                .arg(&out),
        );
        assert!(
            err.contains("1000000000 is not in 1..=1024"),
            "{cmd:?}: {err}"
        );
        assert!(!out.exists(), "{cmd:?} created its folder");
    }
}

#[test]
fn runs_0_and_seed_minus_1_are_answered_alike_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = "allowed: a whole number from 0 to 18446744073709551615";
    for cmd in MANY_RUNS.iter().copied().chain([&["run"][..]]) {
        let out = tmp.path().join("o");
        for bad in ["-1", "18446744073709551616", "x"] {
            let err = refused_flag(coalsim().args(cmd).args(["--seed", bad, "--out"]).arg(&out));
            assert!(
                err.contains(&format!("invalid value '{bad}' for '--seed")) && err.contains(seed),
                "{cmd:?} --seed {bad}: {err}"
            );
        }
        if cmd[0] != "run" {
            for bad in ["0", "-1"] {
                let err =
                    refused_flag(coalsim().args(cmd).args(["--runs", bad, "--out"]).arg(&out));
                assert!(
                    err.contains(&format!("invalid value '{bad}' for '--runs"))
                        && err.contains("allowed: a whole number from 1 to "),
                    "{cmd:?} --runs {bad}: {err}"
                );
            }
        }
        assert!(!out.exists(), "{cmd:?} created its folder");
    }
}

/// `coalsim check` on a scenario text: the error line.
fn check_error(text: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "s.toml", text);
    let err = refused(coalsim().arg("check").arg(&f));
    assert!(err.contains("s.toml:"), "names the file: {err}");
    err
}

#[test]
fn numbers_too_large_say_the_allowed_range_not_as_i128() {
    for (text, says) in [
        (
            "seed = 99999999999999999999999\n",
            "s.toml:1:8: seed: `99999999999999999999999` is too large; allowed: a whole number from 0 to 9223372036854775807",
        ),
        (
            "max_rounds = 99999999999999999999\n",
            "s.toml:1:14: max_rounds: `99999999999999999999` is too large; allowed: a whole number from 1 to 100000",
        ),
        (
            "max_rounds = \"long\"\n",
            "max_rounds: string \"long\"; allowed: a whole number from 1 to 100000",
        ),
        (
            "seed = -1\n",
            "seed: integer `-1`; allowed: a whole number from 0 to 9223372036854775807",
        ),
        (
            "[population]\ncount = -3\n",
            "s.toml:2:9: population.count: integer `-3`; allowed: a whole number from 0 to 20000",
        ),
        (
            "[trust]\ngain = \"high\"\n",
            "s.toml:2:8: trust.gain: string \"high\"; allowed: 0 to 1",
        ),
        (
            "[governance]\nsetup = 3\n",
            "governance.setup: not a value in quotes; allowed: `early` or `on_conflict`",
        ),
    ] {
        let err = check_error(text);
        assert!(err.contains(says), "{text}: {err}");
        assert!(
            !err.contains("i128") && !err.contains("expected u"),
            "{err}"
        );
    }
}

/// The bound on the number of organisations (20,000: a national
/// movement) is refused above it with the field and the bound, and a large
/// scenario within it is accepted with the memory a run takes.
#[test]
fn agents_above_the_bound_are_refused_and_large_scenarios_say_their_memory() {
    let err = check_error("[population]\ncount = 20001\n");
    assert!(
        err.contains("population.count: 20001 agents in all; allowed: at most 20000"),
        "{err}"
    );
    let err = check_error(
        "[population]\ncount = 19999\n[[agent]]\nname = \"A\"\n[[agent]]\nname = \"B\"\n",
    );
    assert!(
        err.contains("20001 agents in all; allowed: at most 20000"),
        "{err}"
    );
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "big.toml",
        "[population]\ncount = 5000\ninitial_members = 50\n[trust]\nrelationships = \"dense\"\n",
    );
    let out = coalsim().arg("check").arg(&f).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("# memory: about 202 MB per run in flight (5000 agents: the 5000 × 5000 trust matrix is 200 MB)"),
        "{text}"
    );
    let f = write(tmp.path(), "small.toml", "[population]\ncount = 30\n");
    let out = coalsim().arg("check").arg(&f).output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains("# memory"));
}

#[test]
fn a_value_where_a_table_belongs_says_which_table_not_raw_governance() {
    let err = check_error("governance = 3\n");
    assert!(
        err.contains("s.toml:1:14: governance: integer `3`; allowed: a [governance] table"),
        "{err}"
    );
    assert!(!err.contains("Raw") && !err.contains("struct"), "{err}");
}

#[test]
fn duplicate_keys_name_the_key() {
    let err =
        check_error("[governance]\ndecision_rule = \"majority\"\ndecision_rule = \"consensus\"\n");
    assert!(
        err.contains("s.toml:3:1:") && err.contains("`decision_rule` is set twice"),
        "{err}"
    );
}

#[test]
fn errors_inside_a_variants_set_have_line_and_column() {
    for (text, says) in [
        (
            "[[variant]]\nname = \"a\"\nset = { \"governance.decision_rule\" = \"foo\" }\n",
            "s.toml:3:38: variant[0] `a`: governance.decision_rule: unknown value `foo`",
        ),
        (
            "[[variant]]\nname = \"b\"\n[[variant]]\nname = \"a\"\n[variant.set]\n\"governance.supermajority\" = 0.9\n\"trust.gain\" = \"x\"\n",
            "s.toml:7:16: variant[1] `a`: trust.gain: string \"x\"; allowed: 0 to 1",
        ),
        (
            "[[variant]]\nname = \"a\"\nset = { \"max_rounds\" = 99999999999999999999 }\n",
            "s.toml:3:24: variant[0].set.max_rounds: `99999999999999999999` is too large; allowed: a whole number from 1 to 100000",
        ),
    ] {
        let err = check_error(text);
        assert!(err.contains(says), "{text}: {err}");
    }
}

#[test]
fn columns_count_characters_not_bytes() {
    // `;` is the 14th character of the line but its 22nd byte.
    let err = check_error("name = \"漢字漢字\"; max_rounds = 3\n");
    assert!(err.contains("s.toml:1:14:"), "{err}");
    let err = check_error("name = \"🦀🦀\"\nmax_rounds = 0\n");
    assert!(err.contains("s.toml:2:14: max_rounds"), "{err}");
    let err = check_error("name = \"é\" ; x = 1\n");
    assert!(err.contains("s.toml:1:12:"), "{err}");
}

#[test]
fn vary_ranges_to_infinity_or_with_a_tiny_step_are_refused_plainly() {
    for (vary, says) in [
        (
            "governance.checkin_every=0..inf:1",
            "END is `inf`; allowed: finite numbers",
        ),
        (
            "governance.checkin_every=nan..3:1",
            "START is `NaN`; allowed: finite numbers",
        ),
        (
            "governance.checkin_every=0..3:1e-300",
            "allowed: at most 1000 values",
        ),
        (
            "governance.checkin_every=3..1:1",
            "allowed: STEP > 0 and END >= START",
        ),
        (
            "max_rounds=1,",
            "has an empty value; allowed: KEY=V1,V2,...",
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let err = refused(
            coalsim()
                .args(["sweep", "--vary", vary, "--runs", "2", "--out"])
                .arg(tmp.path().join("o")),
        );
        assert!(err.contains(says), "{vary}: {err}");
        assert!(
            says.contains("empty") || !err.contains("empty value"),
            "{vary}: {err}"
        );
    }
}

#[test]
fn power_of_a_scenario_without_weight_names_the_field_not_between_1_and_0() {
    let tmp = tempfile::tempdir().unwrap();
    let f = write(
        tmp.path(),
        "z.toml",
        "[governance]\ndecision_rule = \"weighted\"\n\n[population]\nresources = [0.0, 0.0]\n",
    );
    // `power SCENARIO` weighs every organisation of the scenario;
    // `--founding` only the founding members.
    let err = refused(coalsim().arg("power").arg(&f));
    assert!(
        err.contains("z.toml:5:13: population.resources: every organisation has power 0")
            && err.contains("allowed: at least one with resources > 0"),
        "{err}"
    );
    assert!(!err.contains("between 1 and 0"), "{err}");
    let err = refused(coalsim().arg("power").arg("--founding").arg(&f));
    assert!(
        err.contains("z.toml:5:13: population.resources: every initial member has power 0")
            && err.contains("allowed: at least one with resources > 0"),
        "{err}"
    );
    assert!(!err.contains("between 1 and 0"), "{err}");
}

#[test]
fn one_run_prints_no_interval_instead_of_nan() {
    let tmp = tempfile::tempdir().unwrap();
    for &cmd in &MANY_RUNS[..3] {
        let plots: &[&str] = if cmd[0] == "batch" {
            &[]
        } else {
            &["--no-plots"]
        };
        let out = coalsim()
            .args(cmd)
            .args(plots)
            .args(["--runs", "1", "--out"])
            .arg(tmp.path().join(cmd[0]))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{cmd:?}: {out:?}");
        assert!(!text.contains("NaN"), "{cmd:?}: {text}");
        assert!(text.contains("no interval from one run"), "{cmd:?}: {text}");
        // A zero-width interval is no interval either.
        assert!(!text.contains("(+0.0 to +0.0)"), "{cmd:?}: {text}");
        // Batch and sweep agree: no success interval from one run (before,
        // the sweep printed a Wilson interval where the batch did not).
        assert!(!text.contains("20.7%"), "{cmd:?}: {text}");
        // The files say the same: blank cells, JSON null, never NaN.
        for entry in walk(&tmp.path().join(cmd[0])) {
            let name = entry.to_string_lossy().into_owned();
            if !(name.ends_with(".csv") || name.ends_with(".json")) {
                continue;
            }
            let body = std::fs::read_to_string(&entry).unwrap();
            assert!(!body.contains("NaN"), "{name}: {body}");
        }
    }
    let dir = tmp.path().join("sweep");
    let table = std::fs::read_to_string(dir.join("comparison.csv")).unwrap();
    let success = table
        .lines()
        .find(|l| l.contains(",success,"))
        .expect("a success row");
    // variant,baseline,measure,baseline_mean,variant_mean,difference,lo95,hi95,lo99,hi99,runs
    let cells: Vec<&str> = success.split(',').collect();
    assert_eq!(&cells[6..10], &["", "", "", ""], "{success}");
    let variants = std::fs::read_to_string(dir.join("variants.csv")).unwrap();
    let header: Vec<&str> = variants.lines().next().unwrap().split(',').collect();
    let lo = header.iter().position(|h| *h == "success_lo").unwrap();
    for row in variants.lines().skip(1) {
        assert_eq!(row.split(',').nth(lo), Some(""), "{row}");
    }
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("batch").join("summary.json")).unwrap(),
    )
    .unwrap();
    assert!(summary["success"]["lo"].is_null(), "{summary}");
    assert!(summary["endings"][0]["lower"].is_null(), "{summary}");
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn hours_per_member_month_counts_members_who_leave_in_the_round() {
    let tmp = tempfile::tempdir().unwrap();
    // Everyone leaves in round 1, after a round of work.
    let f = write(
        tmp.path(),
        "exit.toml",
        "max_rounds = 10\n[population]\ncount = 20\nfounders = 1\ninitial_members = 20\n[dynamics]\nexit_threshold = 1.0\nleave_gain = 1000.0\n",
    );
    let out = tmp.path().join("o");
    coalsim()
        .arg("run")
        .arg(&f)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let hours = summary["maintenance_hours"].as_f64().unwrap();
    let per = summary["hours_per_member_month"].as_f64().unwrap();
    assert!(hours > 0.0, "{summary}");
    assert_eq!(summary["final_members"], 0, "{summary}");
    // 20 member-rounds of work in round 1.
    let want = hours / 20.0 * 52.0 / 12.0;
    assert!((per - want).abs() < 1e-9 * want, "{per} vs {want}");
}

/// When no pair of runs differs on an ending, the McNemar-type interval has
/// zero width; the text says that no run differed instead of printing
/// "(+0.0 to +0.0)", which reads as certainty.
#[test]
fn no_zero_width_interval_is_printed_when_no_run_differed() {
    let tmp = tempfile::tempdir().unwrap();
    let out = coalsim()
        .args([
            "sweep",
            "--vary",
            "governance.decision_rule=consensus,majority",
            "--runs",
            "40",
            "--no-plots",
            "--out",
        ])
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("+0.0 to +0.0"), "{text}");
    // The default scenario has no sunset rule: no run of either arm ends
    // that way, so the two arms agree on it in every pair.
    let csv = std::fs::read_to_string(tmp.path().join("o").join("runs.csv")).unwrap();
    assert!(!csv.contains(",sunset,"), "the premise: no sunsets");
    assert!(text.contains("sunset +0.0 pts (no run differed)"), "{text}");
}
