//! coalsim: an agent-based coalition simulator.
//!
//! The library holds everything; `main.rs` only parses arguments and maps
//! errors to exit codes. The engine (`engine`, `model`) is pure: no file,
//! terminal or clock inside it. IO lives in `output` and `cli`.

// The engine walks flat per-agent vectors by index on purpose: several
// vectors are read and written at the same index in one loop.
#![allow(clippy::needless_range_loop)]

pub mod batch;
pub mod batch_cli;
pub mod cli;
pub mod compare;
pub mod engine;
pub mod lessons;
pub mod model;
pub mod narrative;
pub mod output;
pub mod power;
pub mod scenario;
pub mod stats;
pub mod sweep;
