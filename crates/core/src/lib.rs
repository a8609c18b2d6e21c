//! coalsim-core: the pure core of coalsim, an agent-based coalition
//! simulator: scenarios, the model, the engine, power indices, statistics
//! and the ways of running many simulations ([`study`]).
//!
//! No file, terminal, clock, web or plotting inside: IO lives in
//! `coalsim-report` (files, tables, plots) and the front ends (the `coalsim`
//! binary, `coalsim-serve`). `.ci/run` checks that this crate's dependency
//! tree holds no web, async or plotting crate (docs/architecture.md).
//!
//! One run of the embedded default scenario, as a library:
//!
//! ```
//! use coalsim_core::engine::Simulation;
//! use coalsim_core::scenario::ScenarioFile;
//!
//! let file = ScenarioFile::open(None).expect("the default scenario is valid");
//! let mut sim = Simulation::new(&file.base, 42, 0);
//! let summary = sim.run_to_end();
//! assert!(summary.rounds <= file.base.max_rounds);
//! // A run is a pure function of (scenario, seed, run index).
//! assert_eq!(Simulation::new(&file.base, 42, 0).run_to_end(), summary);
//! ```
//!
//! A scenario needs to state only what differs from the defaults:
//!
//! ```
//! use coalsim_core::scenario::{DecisionRule, ScenarioFile, Source};
//!
//! let text = "[governance]\ndecision_rule = \"consensus\"\n";
//! let file = ScenarioFile::load(Source { name: "mine.toml".into(), text: text.into() }).unwrap();
//! assert_eq!(file.base.governance.decision_rule, DecisionRule::Consensus);
//! ```

// The rounds of the model are written `round % every == 0`, as docs/model.md
// states them; `is_multiple_of` (suggested since rust-version 1.88) reads worse.
#![allow(clippy::manual_is_multiple_of)]
// The engine walks flat per-agent vectors by index on purpose: several
// vectors are read and written at the same index in one loop.
#![allow(clippy::needless_range_loop)]

/// This build's identity: the version and an FNV-1a hash of the core's
/// source files (the model, computed by `build.rs`), e.g.
/// `0.1.0+model.1f2e3d4c5b6a7988`. Shards and checkpoints carry it, so
/// results of two builds whose model differs are never merged or resumed
/// together.
pub const BUILD: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "+model.",
    env!("COALSIM_MODEL_HASH")
);

#[cfg(test)]
mod alloc_count;
pub mod engine;
pub mod model;
pub mod power;
pub mod scenario;
pub mod stats;
pub mod study;
