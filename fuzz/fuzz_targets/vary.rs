//! Any text as `--vary` arguments (one per line) over the embedded default
//! scenario: parsing and building the grid must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    coalsim_core::study::fuzzing::vary(data);
});
