//! coalsim-serve: the front ends in a browser. [`server`] is `coalsim
//! serve` (axum on tokio, the pages of `web/` embedded at build time);
//! [`game`] is the class game it hosts (rooms, students' choices, the
//! debrief, and its log for `coalsim replay`).

// As in coalsim-core: `round % every == 0` as docs/model.md states it, and
// flat vectors walked by index.
#![allow(clippy::manual_is_multiple_of)]
#![allow(clippy::needless_range_loop)]

pub mod fuzzing;
pub mod game;
pub mod server;
