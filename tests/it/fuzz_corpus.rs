//! The fuzz corpus (`fuzz/corpus/`) replayed on stable Rust: every input
//! the fuzzer kept, and every crash it ever found (saved there once fixed),
//! goes through the same entry points as the fuzz targets and must return
//! without a panic.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let data = std::fs::read(&p).unwrap();
        let r = std::panic::catch_unwind(|| run(&data));
        assert!(r.is_ok(), "{} panics", p.display());
        n += 1;
    }
    assert!(n >= 20, "only {n} inputs in {}", dir.display());
}

#[test]
fn the_scenario_corpus_loads_without_a_panic() {
    replay("scenario", coalsim_core::study::fuzzing::scenario);
}

#[test]
fn the_vary_corpus_parses_without_a_panic() {
    replay("vary", coalsim_core::study::fuzzing::vary);
}

#[test]
fn the_manifest_corpus_reads_without_a_panic() {
    replay("manifest", coalsim_report::fuzzing::manifest);
}

#[test]
fn the_shard_corpus_reads_without_a_panic() {
    replay("shard", coalsim_report::fuzzing::shard);
}

#[test]
fn the_checkpoint_corpus_reads_without_a_panic() {
    replay("checkpoint", coalsim_report::fuzzing::checkpoint);
}

#[test]
fn the_game_log_corpus_reads_without_a_panic() {
    replay("game_log", coalsim_serve::fuzzing::game_log);
}
