//! The one integration-test binary; each concern is a module.

mod plots;
mod power;
mod stats;
