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
