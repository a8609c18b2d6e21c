//! Any bytes through `coalsim_serve::fuzzing::game_log` (see there): an error is a fine
//! answer, a panic is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    coalsim_serve::fuzzing::game_log(data);
});
