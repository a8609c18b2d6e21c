//! The entry points of the fuzz targets (`fuzz/`, run with `cargo +nightly
//! fuzz run scenario` or `vary`), kept in the library so that the stable
//! test suite can replay the fuzz corpus through exactly the same code
//! (`tests/it/fuzz_corpus.rs`). Each function must return, whatever its
//! input: an error is a fine answer, a panic is a bug.

use std::sync::OnceLock;

use crate::scenario::{ScenarioFile, Source};

/// Any bytes as a scenario file: load, validate, resolve every variant,
/// and render the error message when there is one.
pub fn scenario(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match ScenarioFile::load(Source {
        name: "fuzz.toml".into(),
        text: text.into(),
    }) {
        Ok(file) => {
            if let Err(e) = file.variants() {
                let _ = format!("{e:#}");
            }
        }
        Err(e) => {
            let _ = format!("{e:#}");
        }
    }
}

/// Any text as `--vary` arguments, one per line, over the embedded default
/// scenario: parse each, and build and validate the grid when all parse.
pub fn vary(data: &[u8]) {
    static DEFAULT: OnceLock<ScenarioFile> = OnceLock::new();
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = DEFAULT.get_or_init(|| {
        ScenarioFile::load(Source::embedded_default()).expect("the default scenario is valid")
    });
    let mut varies = Vec::new();
    for line in text.lines().take(4) {
        match crate::study::sweep::parse_vary(line) {
            Ok(v) => varies.push(v),
            Err(e) => {
                let _ = format!("{e:#}");
                return;
            }
        }
    }
    if let Err(e) = crate::study::sweep::arms(file, &varies) {
        let _ = format!("{e:#}");
    }
}

/// Any bytes as an output folder's manifest (`coalsim-manifest.json`).
pub fn manifest(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data)
        && let Some(m) = crate::output::manifest::parse(text)
    {
        let _ = m.files.len();
    }
}

/// Any bytes as a shard: the first half (up to a NUL byte) as its
/// `shard.json`, the rest as its `segments.cbor` (a batch's segments).
pub fn shard(data: &[u8]) {
    let cut = data.iter().position(|&b| b == 0).unwrap_or(data.len());
    let (info, rest) = data.split_at(cut);
    if let Ok(text) = std::str::from_utf8(info)
        && let Err(e) = crate::output::shard::parse_shard_info(text)
    {
        let _ = e.len();
    }
    let mut r = rest.get(1..).unwrap_or(&[]);
    for _ in 0..64 {
        match crate::output::shard::read_segment::<crate::batch::Aggregates>(&mut r) {
            Ok(Some(seg)) => {
                let _ = seg.agg.runs;
            }
            Ok(None) | Err(_) => break,
        }
    }
}

/// Any bytes as a checkpoint file (`checkpoint.cbor`).
pub fn checkpoint(data: &[u8]) {
    match crate::output::shard::decode_checkpoint(data) {
        Ok(c) => {
            let _ = c.state.next_run;
        }
        Err(e) => {
            let _ = e.len();
        }
    }
}

/// Any bytes as a class game's log, read as `coalsim replay` reads it.
pub fn game_log(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match crate::game::GameLog::parse("fuzz.csv", text) {
        Ok(log) => {
            // Replaying a long game is the model's work, not the reader's:
            // only short ones are replayed here.
            if log.plays.len() <= 64 {
                let _ = crate::game::replay(&log);
            }
        }
        Err(e) => {
            let _ = e.len();
        }
    }
}
