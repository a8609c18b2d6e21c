//! coalsim-report: output at the edge. Files written atomically, CSV
//! tables, plots and their fonts, the narration of a run, the result
//! directories of `batch` and `sweep`, shard files and their merge, and the
//! manifest. Depends on `coalsim-core`; the front ends depend on it.

// As in coalsim-core: `round % every == 0` as docs/model.md states it, and
// flat vectors walked by index.
#![allow(clippy::manual_is_multiple_of)]
#![allow(clippy::needless_range_loop)]

pub mod batch;
pub mod charter;
pub mod charts;
pub mod comparison;
pub mod explore;
pub mod files;
pub mod fuzzing;
pub mod manifest;
pub mod merge;
pub mod narrative;
pub mod plots;
pub mod shard;
pub mod sweep;
pub mod tables;
