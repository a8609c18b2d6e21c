//! Sparse relationships (`trust.relationships`, docs/model.md "Sparse
//! relationships"): the key's values and errors, determinism whatever the
//! thread count, and a large coalition that an exit no longer shakes as a
//! whole.

use crate::helpers_cli::{check_refuses, coalsim, ok};
use coalsim_core::engine::Simulation;
use coalsim_core::scenario::{ScenarioFile, Source};

fn load(text: &str) -> coalsim_core::scenario::Scenario {
    ScenarioFile::load(Source {
        name: "t.toml".into(),
        text: text.into(),
    })
    .unwrap()
    .base
}

/// 2,500 organisations, all members from the start, meeting in sub-groups
/// of 12 from week 1 (the draft movement of docs/performance.md).
fn movement(relationships: &str) -> String {
    format!(
        "name = \"m\"\nmax_rounds = 3\n[goal]\nsize = 20000.0\n\
         [governance]\ncoordination = \"subgroups\"\nsubgroup_size = 12\nsetup_rounds = 0\n\
         [population]\ncount = 2500\nfounders = 1\ninitial_members = 2500\nrelationship_density = 0.002\n\
         [trust]\nrelationships = \"{relationships}\"\n"
    )
}

#[test]
fn bad_values_are_refused_with_file_line_field_and_what_is_allowed() {
    check_refuses(&[
        (
            "[trust]\nrelationships = \"sometimes\"\n",
            "t.toml:2:17: trust.relationships: unknown value `sometimes`, expected one of `dense`, `sparse`, `auto`",
        ),
        (
            "[trust]\nsample = 5000\n",
            "t.toml:2:10: trust.sample: 5000 is out of range; allowed: 0 to 1000",
        ),
        ("[trust]\nacquaintances = -1\n", "trust.acquaintances"),
    ]);
}

#[test]
fn auto_is_dense_up_to_the_old_bound_and_sparse_above() {
    assert!(!load("[population]\ncount = 2000\n").sparse());
    assert!(load("[population]\ncount = 2001\n").sparse());
    assert!(load("[population]\ncount = 10\n[trust]\nrelationships = \"sparse\"\n").sparse());
    assert!(!load("[population]\ncount = 5000\n[trust]\nrelationships = \"dense\"\n").sparse());
    // The default is not printed, so resolved scenarios read as before.
    let s = load("[population]\ncount = 10\n");
    assert!(!s.to_toml().contains("relationships"), "{}", s.to_toml());
    let s = load("[trust]\nrelationships = \"sparse\"\n");
    assert!(s.to_toml().contains("relationships = \"sparse\""));
}

#[test]
fn check_says_which_relationships_and_their_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("big.toml");
    std::fs::write(&f, "[population]\ncount = 10000\ninitial_members = 50\n").unwrap();
    let text = ok(coalsim().arg("check").arg(&f));
    assert!(
        text.contains("# relationships: sparse (trust.relationships = \"auto\": sparse above 2000 organisations)"),
        "{text}"
    );
    assert!(text.contains("sparse relationships: about"), "{text}");
}

#[test]
fn sparse_batches_are_identical_on_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    // A small coalition in sparse mode (many runs: blocks in parallel) and
    // a large one (few runs: runs of a block in parallel).
    let small = "name = \"s\"\n[population]\ncount = 12\nfounders = 1\ninitial_members = 4\n\
                 [governance]\ncoordination = \"subgroups\"\nsubgroup_size = 3\n\
                 [trust]\nrelationships = \"sparse\"\n";
    let large = "name = \"l\"\nmax_rounds = 12\n[goal]\nsize = 24000.0\n\
                 [governance]\ncoordination = \"subgroups\"\nsubgroup_size = 10\n\
                 [population]\ncount = 3000\nfounders = 1\ninitial_members = 2000\nrelationship_density = 0.003\n";
    for (name, text, runs) in [("small", small, "300"), ("large", large, "3")] {
        let f = tmp.path().join(format!("{name}.toml"));
        std::fs::write(&f, text).unwrap();
        let dirs = [
            tmp.path().join(format!("{name}1")),
            tmp.path().join(format!("{name}2")),
        ];
        for (dir, threads) in dirs.iter().zip(["1", "2"]) {
            ok(coalsim()
                .arg("batch")
                .arg(&f)
                .args(["--runs", runs, "--threads", threads, "--out"])
                .arg(dir));
        }
        for file in ["runs.csv", "rounds.csv", "survival.csv", "summary.json"] {
            let a = std::fs::read(dirs[0].join(file)).unwrap();
            let b = std::fs::read(dirs[1].join(file)).unwrap();
            assert!(a == b, "{name}: {file} differs between 1 and 2 threads");
        }
    }
}

/// The dense model's answer at movement scale is a collapse in week 1:
/// each of the week's exits cuts the trust between all remaining members.
/// With sparse relationships an exit shakes only those who knew the
/// leaver, and the relationships held stay O(N·k).
#[test]
fn a_large_sparse_coalition_keeps_its_trust_through_week_one() {
    let sparse = load(&movement("sparse"));
    let dense = load(&movement("dense"));
    for run in 0..2 {
        let mut a = Simulation::new(&sparse, 7, run);
        let mut b = Simulation::new(&dense, 7, run);
        a.step();
        b.step();
        let (ra, rb) = (a.record(), b.record());
        // Many leave in week 1 either way (they leave for their own
        // reasons) ...
        assert!(ra.left > 20 && rb.left > 20, "{} {}", ra.left, rb.left);
        // ... but only the dense coalition's trust collapses.
        assert!(rb.mean_trust < 0.2, "dense: {}", rb.mean_trust);
        assert!(ra.mean_trust > 0.35, "sparse: {}", ra.mean_trust);
        assert!(a.world.trust.is_empty() && !b.world.trust.is_empty());
        // Relationships held: the group of 12, the council of delegates
        // (one in 12), the founder's first members, a few prior ones and
        // random encounters: far below N² = 6.25 million.
        let ties = a.world.tie_count();
        assert!(ties < 2500 * 60, "{ties} relationships");
        assert!(ties > 2500 * 10, "{ties} relationships: the groups meet");
    }
}

/// A small coalition with sparse relationships soon knows everyone: the
/// same mechanisms, on the relationships the members hold.
#[test]
fn in_a_small_coalition_everyone_soon_knows_everyone() {
    let s = load(
        "[population]\ncount = 10\nfounders = 1\ninitial_members = 10\n[trust]\nrelationships = \"sparse\"\n",
    );
    let mut sim = Simulation::new(&s, 3, 0);
    for _ in 0..20 {
        sim.step();
    }
    let w = &sim.world;
    let members: Vec<usize> = (0..w.n).filter(|&i| w.is_member(i)).collect();
    let known = members
        .iter()
        .map(|&i| members.iter().filter(|&&j| j != i && w.knows(i, j)).count())
        .sum::<usize>();
    let pairs = members.len() * members.len().saturating_sub(1);
    assert!(
        known == pairs,
        "{known} of {pairs} ordered pairs know each other"
    );
}
