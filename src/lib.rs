//! coalsim: an agent-based coalition simulator.
//!
//! The library holds everything; `main.rs` only parses arguments and maps
//! errors to exit codes. The engine (`engine`, `model`, `governance`) is pure:
//! no file, terminal or clock inside it. IO lives in `output` and `cli`.

pub mod cli;
pub mod output;
pub mod power;
pub mod stats;
