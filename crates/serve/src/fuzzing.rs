//! The entry point of the fuzz target of the class game's log (`fuzz/`:
//! `cargo +nightly fuzz run game_log`), kept in the library so that the
//! stable test suite replays its corpus (`tests/it/fuzz_corpus.rs`). It
//! must return, whatever its input: an error is a fine answer, a panic is a
//! bug.

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
