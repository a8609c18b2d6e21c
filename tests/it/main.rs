//! The one integration-test binary; each concern is a module.

mod cli;
mod invariants;
mod scenarios;
