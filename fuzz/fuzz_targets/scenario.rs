//! Any bytes as a scenario file: loading, validating and resolving every
//! variant must return a value or an error, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    coalsim_core::study::fuzzing::scenario(data);
});
