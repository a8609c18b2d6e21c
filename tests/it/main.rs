//! The one integration-test binary; each concern is a module.

mod cli;
mod invariants;
mod lessons;
mod plots;
mod power;
mod scenarios;
mod stats;
