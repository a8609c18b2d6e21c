//! The one integration-test binary; each concern is a module.

mod batch;
mod plots;
mod power;
mod stats;
