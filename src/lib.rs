//! coalsim: an agent-based coalition simulator.
//!
//! The library holds everything; `main.rs` only parses arguments and maps
//! errors to exit codes. The engine (`engine`, `model`) is pure: no file,
//! terminal or clock inside it. IO lives in `output` and `cli`.

pub mod batch;
pub mod batch_cli;
pub mod cli;
pub mod engine;
pub mod model;
pub mod narrative;
pub mod output;
pub mod power;
pub mod scenario;
pub mod stats;
