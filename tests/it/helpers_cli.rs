//! Helpers of the tests that run the coalsim binary and compare the
//! folders it writes (cluster.rs: batch shards and resumes; shards.rs:
//! sweep, lesson and explore shards).

use std::path::{Path, PathBuf};

use assert_cmd::Command;

pub fn coalsim() -> Command {
    Command::cargo_bin("coalsim").unwrap()
}

/// Runs `cmd`, asserts that it succeeded, returns what it printed.
pub fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `cmd`, asserts that it failed with exit code 1 and no panic,
/// returns its error message.
pub fn fails(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{cmd:?} should fail: {out:?}");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(!err.contains("panicked"), "{err}");
    err
}

/// `coalsim check` refuses each scenario `text` (written to `t.toml`) with
/// a message containing its `says` (file, line, field, what is allowed).
pub fn check_refuses(cases: &[(&str, &str)]) {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("t.toml");
    for (text, says) in cases {
        std::fs::write(&f, text).unwrap();
        let err = fails(coalsim().arg("check").arg(&f));
        assert!(err.contains(says), "{text}: {err}");
    }
}

/// Every file under `dir`, relative, sorted.
pub fn tree(dir: &Path) -> Vec<PathBuf> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_path_buf());
            }
        }
    }
    let mut v = Vec::new();
    walk(dir, dir, &mut v);
    v.sort();
    v
}

/// Asserts that two folders hold the same files with the same bytes, and
/// that there is something to compare (a file ending in each of `must`).
pub fn same_tree(a: &Path, b: &Path, must: &[&str]) {
    let (ta, tb) = (tree(a), tree(b));
    assert_eq!(
        ta,
        tb,
        "{} and {} hold different files",
        a.display(),
        b.display()
    );
    for m in must {
        assert!(
            ta.iter().any(|p| p.to_string_lossy().ends_with(m)),
            "no {m} in {}: {ta:?}",
            a.display()
        );
    }
    for f in ta {
        assert!(
            std::fs::read(a.join(&f)).unwrap() == std::fs::read(b.join(&f)).unwrap(),
            "{} differs",
            f.display()
        );
    }
}
