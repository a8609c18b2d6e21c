//! Output at the edge: files written atomically, CSV tables, plots.
pub mod charts;
pub mod comparison;
pub mod explore;
pub mod explore_charts;
pub mod files;
pub mod fonts;
pub mod manifest;
pub mod plots;
pub mod shard;
pub mod tables;
