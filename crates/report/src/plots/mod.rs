//! Plotting primitives: one function per chart, plain data in, pixels out.
//!
//! Each chart has a plain data type (no dependence on the engine) and a
//! `draw_*` function generic over any plotters [`DrawingBackend`], written in
//! the style of plotters' own examples: first *summarise* the input (drop NaN
//! points, compute ranges, bin counts), then *draw*. [`save_png`] and
//! [`save_svg`] render any of them to a 1200×800 file, writing to a temporary
//! name in the target directory and renaming only once the backend has
//! presented successfully, so a reader never sees a half-written plot.
//!
//! Conventions shared by all charts:
//! - text uses DejaVu Sans embedded in the binary and registered with
//!   plotters' `ab_glyph` support ([`ensure_font`]), so PNGs render the same
//!   on a machine without any system fonts; sizes suit 1200×800 (title 36 px,
//!   axis labels 24 px, ticks 20 px);
//! - series colours come from the colour-blind-safe Okabe–Ito palette
//!   ([`OKABE_ITO`]), heatmaps from a viridis approximation ([`viridis`]);
//! - a legend panel sits to the right of the plot whenever there are named
//!   series, so it never hides data;
//! - degenerate input (no series, empty series, a single point, all-equal
//!   values, NaN) never panics: NaN points are skipped, flat ranges padded,
//!   and a chart with nothing drawable shows its frame with a "no data" note.
//!
//! One file per chart family (`line_band`, `survival`, `bars`, `histogram`,
//! `heatmap`, `stacked`, and `explore` for `coalsim explore`); `frame` is
//! the set-up they share (text, titles, legend panel, chart and mesh);
//! `colours` the palettes; `save` the PNG and SVG files; `fonts` the
//! embedded fonts and per-glyph fallback. Families import `frame`,
//! `colours` and `save`; those import only `fonts`; `fonts` imports nothing
//! of coalsim.

pub mod explore;
pub mod fonts;

mod bars;
mod colours;
mod frame;
mod heatmap;
mod histogram;
mod line_band;
mod save;
mod stacked;
mod survival;

pub use bars::*;
pub use colours::*;
pub use fonts::FONT_FAMILY;
pub use frame::{PlotError, ensure_font};
pub use heatmap::*;
pub use histogram::{Histogram, draw_histogram};
pub use line_band::*;
pub use save::*;
pub use stacked::*;
pub use survival::*;
