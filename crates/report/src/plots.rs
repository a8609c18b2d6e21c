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

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use std::ops::Range;

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use serde::{Deserialize, Serialize};

use coalsim_core::stats::KmStep;

/// Width of files written by [`save_png`] and [`save_svg`], in pixels.
pub const WIDTH: u32 = 1200;
/// Height of files written by [`save_png`] and [`save_svg`], in pixels.
pub const HEIGHT: u32 = 800;

/// Font family name under which the embedded font is registered.
pub const FONT_FAMILY: &str = "sans-serif";
const TITLE_PX: u32 = 36;
pub(crate) const LABEL_PX: u32 = 24;
pub(crate) const TICK_PX: u32 = 20;
pub(crate) const LEGEND_PX: u32 = 22;
const NOTE_PX: u32 = 28;

use super::fonts::{DEJAVU_SANS, FallbackText};

/// The backend behind [`save_png`]: plotters' bitmap backend with per-glyph
/// font fallback for CJK and emoji text (see [`super::fonts`]).
pub type PngBackend<'a> = FallbackText<BitMapBackend<'a>>;

/// Okabe–Ito colour-blind-safe palette, in the order series get them.
/// Yellow (#F0E442) comes last because it is faint on white.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The ninth series colour, after the eight of [`OKABE_ITO`]: Paul Tol's
/// "wine" (#882255, from his colour-blind-safe muted scheme), so that a
/// sweep's nine drawn variants (the baseline, four best, four worst) get
/// nine different colours.
pub const NINTH: RGBColor = RGBColor(0x88, 0x22, 0x55);

/// Grey of the variants a chart leaves out (drawn as one band, listed as
/// one legend entry).
pub const OTHERS_GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// Colour of the `i`-th series: [`OKABE_ITO`], then [`NINTH`], cycling.
pub fn series_colour(i: usize) -> RGBColor {
    match i % (OKABE_ITO.len() + 1) {
        8 => NINTH,
        k => OKABE_ITO[k],
    }
}

/// The fixed colour of a decision rule, the same in every chart (a sweep's
/// rule map, `explore`'s charts): the [`OKABE_ITO`] colour of its place in
/// [`DecisionRule::ALL`](coalsim_core::scenario::DecisionRule::ALL) (consensus
/// orange, majority sky blue, supermajority bluish green, weighted blue,
/// committee vermillion). `None` for a name that is not a rule.
pub fn rule_colour(rule: &str) -> Option<RGBColor> {
    coalsim_core::scenario::DecisionRule::ALL
        .iter()
        .position(|r| r.name() == rule)
        .map(|i| OKABE_ITO[i % OKABE_ITO.len()])
}

/// Errors from drawing or saving a chart.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// A plotters drawing or backend error, rendered as text.
    #[error("plot drawing failed: {0}")]
    Drawing(String),
    /// The embedded font could not be registered.
    #[error("font setup failed: {0}")]
    Font(String),
    /// Writing the finished plot failed (a full disk, a read-only folder,
    /// a folder in the way). The message names the file and the system's
    /// reason once; the error is kept for callers that inspect its kind.
    #[error("cannot write plot {}: {error}", path.display())]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
}

impl PlotError {
    /// The error as a user reads it: a write error already names its file
    /// once; a drawing or font error gets the file it was drawing.
    pub fn for_user(self, path: &Path) -> anyhow::Error {
        match self {
            PlotError::Io { .. } => anyhow::Error::new(self),
            other => anyhow::Error::new(other).context(format!("{}: cannot draw", path.display())),
        }
    }
}

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for PlotError {
    fn from(err: DrawingAreaErrorKind<E>) -> Self {
        PlotError::Drawing(err.to_string())
    }
}

/// Register the embedded DejaVu Sans as [`FONT_FAMILY`] with plotters and
/// check that the fallback fonts load. Idempotent and cheap after the first
/// call; every `draw_*` calls it.
pub fn ensure_font() -> Result<(), PlotError> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS)
                .map_err(|_| "embedded DejaVu Sans is not a valid font".to_string())?;
            super::fonts::check_fonts()
        })
        .clone()
        .map_err(PlotError::Font)
}

// ---------------------------------------------------------------------------
// Data types
// ---------------------------------------------------------------------------

/// One series of a [`LineBandChart`]: `(x, mean, lo, hi)` per point.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Band {
    pub name: String,
    pub points: Vec<(f64, f64, f64, f64)>,
}

/// Mean lines with translucent 95% bands, one colour per series.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LineBandChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Band>,
    /// A line under the title saying what the chart leaves out ("" for
    /// none).
    #[serde(default)]
    pub note: String,
    /// The series left out, as one grey band (drawn under the others and
    /// listed last in the legend).
    #[serde(default)]
    pub others: Option<Others>,
}

/// The variants a chart leaves out, drawn as one grey band: `(x, lowest,
/// highest)` of their values at each x, and its legend entry.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Others {
    pub label: String,
    pub points: Vec<(f64, f64, f64)>,
}

/// One step of a survival curve: `(time, survival, lower, upper)`.
pub type SurvivalStep = (u32, f64, f64, f64);

/// Kaplan–Meier curves as step functions with shaded bands.
/// x: round, y: survival probability in [0, 1]. Each curve starts at S = 1
/// at time 0 and ends at its last step.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SurvivalChart {
    pub title: String,
    pub curves: Vec<(String, Vec<SurvivalStep>)>,
    /// A line under the title saying what the chart leaves out.
    #[serde(default)]
    pub note: String,
    /// The curves left out, as one grey band (`(round, lowest, highest)`
    /// share still going, drawn as steps).
    #[serde(default)]
    pub others: Option<Others>,
}

/// Convert a Kaplan–Meier table into the steps a [`SurvivalChart`] draws.
pub fn km_curve(steps: &[KmStep]) -> Vec<SurvivalStep> {
    steps
        .iter()
        .map(|s| (s.time, s.survival, s.lower, s.upper))
        .collect()
}

/// Success probability per variant with 95% whiskers, y in [0, 1]:
/// `(variant, estimate, lo, hi)` per bar.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
///
/// The bars stand upright when every name fits under its bar, and lie
/// along the y axis (names on the left, best at the top when sorted)
/// otherwise.
pub struct BarChart {
    pub title: String,
    pub y_label: String,
    pub bars: Vec<(String, f64, f64, f64)>,
    /// A line under the title saying what the chart leaves out.
    #[serde(default)]
    pub note: String,
    /// Palette index of each bar (so a variant keeps its colour from the
    /// other charts when the bars are sorted); empty: the bar's position.
    #[serde(default)]
    pub palette: Vec<usize>,
    /// The bars left out, as one grey range bar.
    #[serde(default)]
    pub others: Option<OthersBar>,
}

/// The bars a [`BarChart`] leaves out: one grey bar from the lowest to the
/// highest of their estimates, drawn before bar `position` (or last).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct OthersBar {
    pub position: usize,
    pub label: String,
    pub lo: f64,
    pub hi: f64,
}

/// Histograms of integer values (lifetimes in rounds, final coalition
/// size), one series per variant, drawn side by side in shared bins.
///
/// A series is `(value, count)` pairs rather than the values themselves, so
/// its size follows the distinct values, not the number of runs.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Histogram {
    pub title: String,
    pub x_label: String,
    pub series: Vec<(String, Vec<(u32, u64)>)>,
    /// A line under the title saying what the chart leaves out.
    #[serde(default)]
    pub note: String,
}

impl Histogram {
    /// Counts `values` into a series' `(value, count)` pairs, by value.
    pub fn counts(values: &[u32]) -> Vec<(u32, u64)> {
        let mut m = std::collections::BTreeMap::new();
        for &v in values {
            *m.entry(v).or_insert(0u64) += 1;
        }
        m.into_iter().collect()
    }
}

/// A grid of values with the value printed in each cell.
///
/// `cells[row][col]` belongs to `y_values[row]` and `x_values[col]`; row 0
/// is drawn at the bottom. Missing cells (ragged rows) and NaN show as grey
/// "n/a". The colour scale is fixed to [0, 1] when all values lie there
/// (probabilities stay comparable across charts), otherwise it spans the
/// data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Heatmap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_values: Vec<String>,
    pub y_values: Vec<String>,
    pub cells: Vec<Vec<f64>>,
    /// A categorical map instead of a colour scale: each cell coloured by
    /// its category (e.g. the best decision rule), with its own label.
    #[serde(default)]
    pub categories: Option<Categories>,
}

/// The categorical layer of a [`Heatmap`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Categories {
    /// Category names, in legend order (colours from [`OKABE_ITO`]).
    pub names: Vec<String>,
    /// Category of each cell, `index[row][col]` into `names`.
    pub index: Vec<Vec<usize>>,
    /// Text printed in each cell.
    pub labels: Vec<Vec<String>>,
    /// Whether the cell's category is clearly ahead (its label is marked
    /// with ≈ by the caller otherwise).
    pub clear: Vec<Vec<bool>>,
    /// Colour of each category as (r, g, b) (a decision rule's
    /// [`rule_colour`]); empty: [`OKABE_ITO`] in the order of `names`.
    #[serde(default)]
    pub colours: Vec<(u8, u8, u8)>,
}

impl Categories {
    /// The colour of category `k`.
    pub fn colour(&self, k: usize) -> RGBColor {
        match self.colours.get(k) {
            Some(&(r, g, b)) => RGBColor(r, g, b),
            None => OKABE_ITO[k % OKABE_ITO.len()],
        }
    }
}

// ---------------------------------------------------------------------------
// Saving
// ---------------------------------------------------------------------------

/// Writes a finished plot's bytes under a temporary name and renames it into
/// place, so a reader never sees half a plot; every write error (a full
/// disk, a read-only folder) is returned with the plot's path.
fn write_plot(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    use std::io::Write as _;
    let io = |error: std::io::Error| PlotError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut file = crate::files::AtomicFile::create(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.commit().map_err(io)
}

/// Render a chart to a [`WIDTH`]×[`HEIGHT`] PNG at `path`, e.g.
/// `save_png("km.png", |root| draw_survival(root, &chart))`.
///
/// Draws into memory, encodes the PNG in memory (the same encoder and
/// settings plotters' file backend uses, so the bytes are the same), then
/// writes it atomically: errors from drawing, encoding or writing are
/// returned and leave no partial file behind. Drawing to memory matters on a
/// full disk: the image crate's own file writer drops its buffer without
/// checking the last write.
pub fn save_png<P, F>(path: P, draw: F) -> Result<(), PlotError>
where
    P: AsRef<Path>,
    F: FnOnce(&DrawingArea<PngBackend<'_>, Shift>) -> Result<(), PlotError>,
{
    use image::ImageEncoder as _;
    ensure_font()?;
    let path = path.as_ref();
    let mut pixels = vec![0u8; 3 * (WIDTH as usize) * (HEIGHT as usize)];
    {
        let root = FallbackText::new(BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)))
            .into_drawing_area();
        draw(&root)?;
        root.present()?;
    }
    let mut png = Vec::with_capacity(256 * 1024);
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, WIDTH, HEIGHT, image::ColorType::Rgb8)
        .map_err(|e| PlotError::Drawing(format!("cannot encode the PNG: {e}")))?;
    write_plot(path, &png)
}

/// Render a chart to a [`WIDTH`]×[`HEIGHT`] SVG at `path`; same contract as
/// [`save_png`]. Text stays text (`font-family="sans-serif"`).
pub fn save_svg<P, F>(path: P, draw: F) -> Result<(), PlotError>
where
    P: AsRef<Path>,
    F: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), PlotError>,
{
    ensure_font()?;
    let path = path.as_ref();
    let mut svg = String::with_capacity(64 * 1024);
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root)?;
        root.present()?;
    }
    write_plot(path, svg.as_bytes())
}

// ---------------------------------------------------------------------------
// Shared layout helpers
// ---------------------------------------------------------------------------

pub(crate) fn font(px: u32) -> FontDesc<'static> {
    (FONT_FAMILY, px).into_font()
}

pub(crate) fn text_style(px: u32, colour: &RGBColor) -> TextStyle<'static> {
    font(px).color(colour)
}

fn text_width<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
) -> Result<u32, PlotError> {
    Ok(area.estimate_text_size(text, style)?.0)
}

/// `text` shortened with an ellipsis so it is at most `max_w` pixels wide.
pub(crate) fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: u32,
) -> Result<String, PlotError> {
    if text_width(area, text, style)? <= max_w {
        return Ok(text.to_string());
    }
    let mut chars: Vec<char> = text.chars().collect();
    while !chars.is_empty() {
        chars.pop();
        let candidate: String = chars.iter().collect::<String>() + "…";
        if text_width(area, &candidate, style)? <= max_w {
            return Ok(candidate);
        }
    }
    Ok(String::new())
}

/// Fill the background, draw the (size-fitted) title and return the area below.
pub(crate) fn titled<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    titled_note(root, title, "")
}

/// Size of the note under a title ([`titled_note`]).
pub(crate) const CAPTION_PX: u32 = 20;
const CAPTION_GREY: RGBColor = RGBColor(0x44, 0x44, 0x44);

/// [`titled`], then `note` (what the chart leaves out) in a smaller grey
/// line under the title, unless it is empty.
pub(crate) fn titled_note<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    root.fill(&WHITE)?;
    let (w, _) = root.dim_in_pixel();
    let max_w = w.saturating_sub(40);
    let mut px = TITLE_PX;
    while px > 20 && text_width(root, title, &text_style(px, &BLACK))? > max_w {
        px -= 2;
    }
    let style = text_style(px, &BLACK).pos(Pos::new(HPos::Center, VPos::Top));
    let shown = fit_text(root, title, &style, max_w)?;
    let mut band = TITLE_PX + 28;
    if !shown.is_empty() {
        root.draw_text(
            &shown,
            &style,
            ((w / 2) as i32, 14 + (TITLE_PX - px) as i32 / 2),
        )?;
    }
    if !note.is_empty() {
        let style = text_style(CAPTION_PX, &CAPTION_GREY).pos(Pos::new(HPos::Center, VPos::Top));
        for line in wrap_text(root, note, &style, max_w, 2)? {
            root.draw_text(&line, &style, ((w / 2) as i32, band as i32 - 8))?;
            band += CAPTION_PX + 4;
        }
    }
    Ok(root.split_vertically(band).1)
}

/// `text` broken at spaces into lines at most `max_w` pixels wide (a word
/// wider than that is shortened with an ellipsis), at most `max_lines`
/// lines (the last one shortened to fit).
pub(crate) fn wrap_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: u32,
    max_lines: usize,
) -> Result<Vec<String>, PlotError> {
    if text_width(area, text, style)? <= max_w {
        return Ok(vec![text.to_string()]);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let words: Vec<&str> = text.split(' ').collect();
    for (i, word) in words.iter().enumerate() {
        let candidate = if line.is_empty() {
            (*word).to_string()
        } else {
            format!("{line} {word}")
        };
        if line.is_empty() || text_width(area, &candidate, style)? <= max_w {
            line = candidate;
        } else {
            lines.push(fit_text(area, &line, style, max_w)?);
            if lines.len() + 1 == max_lines {
                line = words[i..].join(" ");
                break;
            }
            line = (*word).to_string();
        }
    }
    lines.push(fit_text(area, &line, style, max_w)?);
    Ok(lines)
}

#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    /// A line over a translucent band (mean ± CI charts).
    LineBand,
    /// A filled box (bars).
    Box,
}

/// Split off a legend panel on the right (if any entry has a name) and
/// draw it; returns the remaining plot area. A name too wide for the panel
/// is broken at spaces over up to three lines.
pub(crate) fn with_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor)],
    swatch: Swatch,
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    if entries.iter().all(|(name, _)| name.is_empty()) {
        return Ok(area.clone());
    }
    let style = text_style(LEGEND_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let (w, _) = area.dim_in_pixel();
    let swatch_w: i32 = 40;
    let max_text = (w as f64 * 0.28) as u32;
    let mut longest = 0;
    let mut names = Vec::with_capacity(entries.len());
    for (name, _) in entries {
        let lines = wrap_text(area, name, &style, max_text, 3)?;
        for l in &lines {
            longest = longest.max(text_width(area, l, &style)?);
        }
        names.push(lines);
    }
    let panel_w = swatch_w as u32 + longest + 40;
    let (plot, panel) = area.split_horizontally(w.saturating_sub(panel_w));
    let (row_h, line_h) = (36, LEGEND_PX as i32 + 4);
    let mut y = 30;
    for ((_, colour), lines) in entries.iter().zip(&names) {
        let x0 = 10;
        match swatch {
            Swatch::LineBand => {
                panel.draw(&Rectangle::new(
                    [(x0, y - 10), (x0 + swatch_w, y + 10)],
                    colour.mix(0.25).filled(),
                ))?;
                panel.draw(&PathElement::new(
                    vec![(x0, y), (x0 + swatch_w, y)],
                    colour.stroke_width(3),
                ))?;
            }
            Swatch::Box => {
                panel.draw(&Rectangle::new(
                    [(x0, y - 11), (x0 + swatch_w, y + 11)],
                    colour.mix(0.9).filled(),
                ))?;
            }
        }
        for (j, line) in lines.iter().enumerate() {
            panel.draw_text(line, &style, (x0 + swatch_w + 10, y + j as i32 * line_h))?;
        }
        y += row_h + (lines.len().max(1) as i32 - 1) * line_h;
    }
    Ok(plot)
}

/// A linear f64 axis whose ticks (and grid lines) sit exactly at the given
/// positions; labels come from the chart's label formatter.
#[derive(Clone)]
struct TickedAxis {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

fn ticked(range: Range<f64>, ticks: Vec<f64>) -> TickedAxis {
    TickedAxis {
        inner: range.into(),
        ticks,
    }
}

impl Ranged for TickedAxis {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// `(lo, hi)` of the finite values, or `None`.
pub(crate) fn finite_range(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// Axis range with `frac` padding on both sides; flat ranges get ±0.5 (or
/// ±10% of the value if larger) so a single value sits mid-axis.
pub(crate) fn padded((lo, hi): (f64, f64), frac: f64) -> (f64, f64) {
    let span = hi - lo;
    if span <= 1e-12 * hi.abs().max(1.0) {
        let pad = (hi.abs() * 0.1).max(0.5);
        (lo - pad, hi + pad)
    } else {
        (lo - span * frac, hi + span * frac)
    }
}

/// Tick label for a float axis: up to 3 decimals, trailing zeros trimmed.
pub(crate) fn tick_label(v: f64) -> String {
    let s = if v.abs() >= 1e5 || (v != 0.0 && v.abs() < 1e-3) {
        format!("{v:.2e}")
    } else {
        format!("{v:.3}")
    };
    if s.contains('.') && !s.contains('e') {
        let t = s.trim_end_matches('0').trim_end_matches('.');
        if t == "-0" {
            "0".to_string()
        } else {
            t.to_string()
        }
    } else {
        s
    }
}

/// Draw an empty frame with axis labels and a centred "no data" note.
fn draw_no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_label: &str,
    y_label: &str,
) -> Result<(), PlotError> {
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(100)
        .build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_labels(0)
        .y_labels(0)
        .x_desc(x_label)
        .y_desc(y_label)
        .axis_desc_style(font(LABEL_PX))
        .draw()?;
    chart.draw_series(std::iter::once(Text::new(
        "no data",
        (0.5, 0.5),
        text_style(NOTE_PX, &RGBColor(0x55, 0x55, 0x55)).pos(Pos::new(HPos::Center, VPos::Center)),
    )))?;
    Ok(())
}

pub(crate) fn grid_bold() -> RGBAColor {
    BLACK.mix(0.14)
}

/// Evenly spaced "nice" (1, 2, 5 × 10^k) tick positions covering [lo, hi],
/// about `target` of them.
fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
    if !(lo.is_finite() && hi.is_finite()) || hi <= lo {
        return vec![];
    }
    let raw = (hi - lo) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let first = (lo / step).ceil() as i64;
    let last = (hi / step).floor() as i64;
    (first..=last).map(|k| k as f64 * step).collect()
}

// ---------------------------------------------------------------------------
// Line + band chart
// ---------------------------------------------------------------------------

/// Summary of one band series: contiguous runs of drawable points.
struct BandRuns {
    colour: RGBColor,
    /// Runs of `(x, mean)` with finite values.
    lines: Vec<Vec<(f64, f64)>>,
    /// Runs of `(x, lo, hi)` with finite bounds.
    bands: Vec<Vec<(f64, f64, f64)>>,
}

fn split_runs<T: Copy>(
    points: &[(f64, f64, f64, f64)],
    f: impl Fn(&(f64, f64, f64, f64)) -> Option<T>,
) -> Vec<Vec<T>> {
    let mut runs = vec![];
    let mut current = vec![];
    for p in points {
        match f(p) {
            Some(v) => current.push(v),
            None => {
                if !current.is_empty() {
                    runs.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

fn summarise_bands(series: &[Band]) -> Vec<BandRuns> {
    series
        .iter()
        .enumerate()
        .map(|(i, band)| {
            let mut pts: Vec<_> = band
                .points
                .iter()
                .copied()
                .filter(|p| p.0.is_finite())
                .collect();
            pts.sort_by(|a, b| a.0.total_cmp(&b.0));
            BandRuns {
                colour: series_colour(i),
                lines: split_runs(&pts, |&(x, m, _, _)| m.is_finite().then_some((x, m))),
                bands: split_runs(&pts, |&(x, _, lo, hi)| {
                    (lo.is_finite() && hi.is_finite()).then_some((x, lo.min(hi), lo.max(hi)))
                }),
            }
        })
        .collect()
}

/// The finite `(x, lo, hi)` points of an [`Others`] band, by x.
fn others_points(others: Option<&Others>) -> Vec<(f64, f64, f64)> {
    let mut pts: Vec<(f64, f64, f64)> = others
        .map(|o| {
            o.points
                .iter()
                .copied()
                .filter(|p| p.0.is_finite() && p.1.is_finite() && p.2.is_finite())
                .map(|(x, a, b)| (x, a.min(b), a.max(b)))
                .collect()
        })
        .unwrap_or_default();
    pts.sort_by(|a, b| a.0.total_cmp(&b.0));
    pts
}

/// The legend entries of a line chart: its series, then its others band.
fn line_band_entries(data: &LineBandChart) -> Vec<(String, RGBColor)> {
    let mut entries: Vec<_> = data
        .series
        .iter()
        .enumerate()
        .map(|(i, b)| (b.name.clone(), series_colour(i)))
        .collect();
    if let Some(o) = &data.others {
        entries.push((o.label.clone(), OTHERS_GREY));
    }
    entries
}

/// Mean line(s) with translucent 95% bands, and the band of the series
/// left out in grey under them.
pub fn draw_line_band<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &LineBandChart,
) -> Result<(), PlotError> {
    ensure_font()?;
    let area = titled_note(root, &data.title, &data.note)?;
    let area = with_legend(&area, &line_band_entries(data), Swatch::LineBand)?;
    draw_line_band_plot(&area, data)
}

/// The plot of [`draw_line_band`] without title and legend.
fn draw_line_band_plot<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &LineBandChart,
) -> Result<(), PlotError> {
    // Summarise.
    let runs = summarise_bands(&data.series);
    let others = others_points(data.others.as_ref());
    let xs = runs
        .iter()
        .flat_map(|r| {
            r.lines
                .iter()
                .flatten()
                .map(|p| p.0)
                .chain(r.bands.iter().flatten().map(|p| p.0))
        })
        .chain(others.iter().map(|p| p.0));
    let ys = runs
        .iter()
        .flat_map(|r| {
            r.lines
                .iter()
                .flatten()
                .map(|p| p.1)
                .chain(r.bands.iter().flatten().flat_map(|p| [p.1, p.2]))
        })
        .chain(others.iter().flat_map(|p| [p.1, p.2]));
    let (x_range, y_range) = (finite_range(xs), finite_range(ys));

    // Draw.
    let area = area.clone();
    let (Some(x_range), Some(y_range)) = (x_range, y_range) else {
        return draw_no_data(&area, &data.x_label, &data.y_label);
    };
    let (x0, x1) = padded(x_range, 0.02);
    let (y0, y1) = padded(y_range, 0.06);
    let mut chart = ChartBuilder::on(&area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(x0..x1, y0..y1)?;
    chart
        .configure_mesh()
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .light_line_style(TRANSPARENT)
        .bold_line_style(grid_bold())
        .draw()?;
    if others.len() > 1 {
        let poly: Vec<(f64, f64)> = others
            .iter()
            .map(|&(x, _, hi)| (x, hi))
            .chain(others.iter().rev().map(|&(x, lo, _)| (x, lo)))
            .collect();
        chart.draw_series(std::iter::once(Polygon::new(
            poly,
            OTHERS_GREY.mix(0.3).filled(),
        )))?;
    }
    for r in &runs {
        for band in &r.bands {
            if band.len() == 1 {
                let (x, lo, hi) = band[0];
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    r.colour.mix(0.5).stroke_width(6),
                )))?;
            } else {
                let poly: Vec<(f64, f64)> = band
                    .iter()
                    .map(|&(x, _, hi)| (x, hi))
                    .chain(band.iter().rev().map(|&(x, lo, _)| (x, lo)))
                    .collect();
                chart.draw_series(std::iter::once(Polygon::new(
                    poly,
                    r.colour.mix(0.22).filled(),
                )))?;
            }
        }
    }
    for r in &runs {
        for line in &r.lines {
            chart.draw_series(LineSeries::new(
                line.iter().copied(),
                r.colour.stroke_width(3),
            ))?;
            if line.len() == 1 {
                chart.draw_series(std::iter::once(Circle::new(line[0], 6, r.colour.filled())))?;
            }
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Survival chart
// ---------------------------------------------------------------------------

struct StepCurve {
    colour: RGBColor,
    /// Step-function vertices of S(t), starting at (0, 1).
    line: Vec<(f64, f64)>,
    /// Closed polygon of the band (upper edge forward, lower edge back).
    band: Vec<(f64, f64)>,
}

/// Turn `(time, S, lo, hi)` steps into step-function paths.
fn step_curve(colour: RGBColor, steps: &[SurvivalStep]) -> Option<StepCurve> {
    let mut steps: Vec<SurvivalStep> = steps.iter().copied().filter(|s| s.1.is_finite()).collect();
    if steps.is_empty() {
        return None;
    }
    steps.sort_by_key(|s| s.0);
    let mut line = vec![(0.0, 1.0)];
    let mut upper = vec![(0.0, 1.0)];
    let mut lower = vec![(0.0, 1.0)];
    let (mut s_prev, mut lo_prev, mut hi_prev) = (1.0, 1.0, 1.0);
    for &(t, s, lo, hi) in &steps {
        let t = t as f64;
        let s = s.clamp(0.0, 1.0);
        let lo = if lo.is_finite() { lo.clamp(0.0, s) } else { s };
        let hi = if hi.is_finite() { hi.clamp(s, 1.0) } else { s };
        line.extend([(t, s_prev), (t, s)]);
        upper.extend([(t, hi_prev), (t, hi)]);
        lower.extend([(t, lo_prev), (t, lo)]);
        (s_prev, lo_prev, hi_prev) = (s, lo, hi);
    }
    let band = upper.into_iter().chain(lower.into_iter().rev()).collect();
    Some(StepCurve { colour, line, band })
}

/// Kaplan–Meier step curves with shaded 95% bands and a dashed S = 0.5
/// reference line (where it crosses a curve is that curve's median).
pub fn draw_survival<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &SurvivalChart,
) -> Result<(), PlotError> {
    ensure_font()?;
    const X_LABEL: &str = "round (weeks)";
    const Y_LABEL: &str = "share of coalitions still going (not yet ended)";
    // Summarise.
    let curves: Vec<StepCurve> = data
        .curves
        .iter()
        .enumerate()
        .filter_map(|(i, (_, steps))| step_curve(series_colour(i), steps))
        .collect();
    let t_max = curves
        .iter()
        .filter_map(|c| c.line.last().map(|p| p.0))
        .fold(0.0_f64, f64::max);

    // The others' band as steps: each (round, lo, hi) holds to the next.
    let others = others_points(data.others.as_ref());
    let others_band: Vec<(f64, f64)> = {
        let mut upper = Vec::with_capacity(2 * others.len());
        let mut lower = Vec::with_capacity(2 * others.len());
        for (i, &(x, lo, hi)) in others.iter().enumerate() {
            let next = others.get(i + 1).map_or(x, |p| p.0);
            upper.extend([(x, hi.clamp(0.0, 1.0)), (next, hi.clamp(0.0, 1.0))]);
            lower.extend([(x, lo.clamp(0.0, 1.0)), (next, lo.clamp(0.0, 1.0))]);
        }
        upper.into_iter().chain(lower.into_iter().rev()).collect()
    };
    let t_max = others.last().map_or(t_max, |p| t_max.max(p.0));

    // Draw.
    let area = titled_note(root, &data.title, &data.note)?;
    let mut entries: Vec<_> = data
        .curves
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.clone(), series_colour(i)))
        .collect();
    if let Some(o) = &data.others {
        entries.push((o.label.clone(), OTHERS_GREY));
    }
    let area = with_legend(&area, &entries, Swatch::LineBand)?;
    if curves.is_empty() {
        return draw_no_data(&area, X_LABEL, Y_LABEL);
    }
    let x1 = if t_max > 0.0 { t_max * 1.03 } else { 1.0 };
    let mut chart = ChartBuilder::on(&area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(
            0.0..x1,
            ticked(0.0..1.03, vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
        )?;
    chart
        .configure_mesh()
        .x_desc(X_LABEL)
        .y_desc(Y_LABEL)
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .light_line_style(TRANSPARENT)
        .bold_line_style(grid_bold())
        .draw()?;
    chart.draw_series(DashedLineSeries::new(
        [(0.0, 0.5), (x1, 0.5)],
        8,
        6,
        BLACK.mix(0.45).stroke_width(2),
    ))?;
    if others_band.len() > 2 {
        chart.draw_series(std::iter::once(Polygon::new(
            others_band,
            OTHERS_GREY.mix(0.3).filled(),
        )))?;
    }
    for c in &curves {
        chart.draw_series(std::iter::once(Polygon::new(
            c.band.clone(),
            c.colour.mix(0.2).filled(),
        )))?;
    }
    for c in &curves {
        chart.draw_series(LineSeries::new(
            c.line.iter().copied(),
            c.colour.stroke_width(3),
        ))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Bar chart
// ---------------------------------------------------------------------------

/// Drawable part of one bar: estimate and whisker clamped to [0, 1].
struct BarSummary {
    name: String,
    colour: RGBColor,
    estimate: Option<f64>,
    whisker: Option<(f64, f64)>,
    /// The grey range bar of the bars left out (drawn from the lower to
    /// the upper end of `whisker`, no estimate).
    others: bool,
}

/// The slots of a [`BarChart`] in drawing order: its bars, with the
/// others' range bar at its position.
fn bar_slots(data: &BarChart) -> Vec<BarSummary> {
    let clamp01 = |v: f64| v.is_finite().then(|| v.clamp(0.0, 1.0));
    let whisker = |lo: f64, hi: f64| match (clamp01(lo), clamp01(hi)) {
        (Some(lo), Some(hi)) => Some((lo.min(hi), lo.max(hi))),
        _ => None,
    };
    let mut slots: Vec<BarSummary> = data
        .bars
        .iter()
        .enumerate()
        .map(|(i, (name, est, lo, hi))| BarSummary {
            name: name.clone(),
            colour: series_colour(data.palette.get(i).copied().unwrap_or(i)),
            estimate: clamp01(*est),
            whisker: whisker(*lo, *hi),
            others: false,
        })
        .collect();
    if let Some(o) = &data.others {
        let at = o.position.min(slots.len());
        slots.insert(
            at,
            BarSummary {
                name: o.label.clone(),
                colour: OTHERS_GREY,
                estimate: None,
                whisker: whisker(o.lo, o.hi),
                others: true,
            },
        );
    }
    slots
}

/// Bars of estimates in [0, 1] with 95% whiskers, one colour per variant,
/// the estimate printed beside each whisker. Upright with the names under
/// the bars when every name fits there; otherwise lying, one row per bar
/// with its name (over up to two lines) on the left.
pub fn draw_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &BarChart,
) -> Result<(), PlotError> {
    ensure_font()?;
    const X_LABEL: &str = "Variant";
    let slots = bar_slots(data);
    let n = slots.len();
    let area = titled_note(root, &data.title, &data.note)?;
    if n == 0 {
        return draw_no_data(&area, X_LABEL, &data.y_label);
    }
    let (w, _) = area.dim_in_pixel();
    let slot_px = (w.saturating_sub(150) / n as u32).saturating_sub(8);
    let tick = text_style(TICK_PX, &BLACK);
    let mut fits = true;
    for s in &slots {
        fits &= text_width(&area, &s.name, &tick)? <= slot_px;
    }
    if fits {
        draw_bars_upright(&area, data, &slots)
    } else {
        draw_bars_lying(&area, data, &slots)
    }
}

/// The estimate's text and where it goes (the top of the whisker).
fn bar_label(s: &BarSummary) -> (String, f64) {
    match (s.estimate, s.whisker, s.others) {
        (_, Some((lo, hi)), true) => (format!("{lo:.2}–{hi:.2}"), hi),
        (Some(e), Some((_, hi)), _) => (format!("{e:.2}"), hi.max(e)),
        (Some(e), None, _) => (format!("{e:.2}"), e),
        (None, _, _) => ("n/a".to_string(), 0.0),
    }
}

fn draw_bars_upright<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &BarChart,
    slots: &[BarSummary],
) -> Result<(), PlotError> {
    const X_LABEL: &str = "Variant";
    let n = slots.len();
    let names: Vec<String> = slots.iter().map(|s| s.name.clone()).collect();
    let formatter = |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            names[i as usize].clone()
        } else {
            String::new()
        }
    };
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(
            ticked(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
            ticked(0.0..1.08, (0..=10).map(|i| i as f64 / 10.0).collect()),
        )?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(X_LABEL)
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&formatter)
        .y_label_formatter(&|v| tick_label(*v))
        .bold_line_style(grid_bold())
        .draw()?;
    let half = 0.35;
    for (i, s) in slots.iter().enumerate() {
        let x = i as f64;
        if s.others {
            if let Some((lo, hi)) = s.whisker {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, lo), (x + half, hi)],
                    s.colour.mix(0.45).filled(),
                )))?;
            }
        } else {
            if let Some(est) = s.estimate {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, 0.0), (x + half, est)],
                    s.colour.mix(0.85).filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - half, 0.0), (x + half, est)],
                    s.colour.stroke_width(2),
                )))?;
            }
            if let Some((lo, hi)) = s.whisker {
                let style = BLACK.stroke_width(2);
                let cap = 0.1;
                chart.draw_series([
                    PathElement::new(vec![(x, lo), (x, hi)], style),
                    PathElement::new(vec![(x - cap, lo), (x + cap, lo)], style),
                    PathElement::new(vec![(x - cap, hi), (x + cap, hi)], style),
                ])?;
            }
        }
        let (label, top) = bar_label(s);
        chart.draw_series(std::iter::once(Text::new(
            label,
            (x, top + 0.012),
            text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Center, VPos::Bottom)),
        )))?;
    }
    Ok(())
}

fn draw_bars_lying<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    data: &BarChart,
    slots: &[BarSummary],
) -> Result<(), PlotError> {
    let n = slots.len();
    let (w, h) = area.dim_in_pixel();
    let tick = text_style(TICK_PX, &BLACK);
    let name_w = (w as f64 * 0.36) as u32;
    let row_px = h.saturating_sub(110) / n as u32;
    let lines_fit = if row_px >= 2 * (TICK_PX + 4) { 2 } else { 1 };
    let mut names = Vec::with_capacity(n);
    let mut widest = 0;
    for s in slots {
        let lines = if row_px >= TICK_PX {
            wrap_text(area, &s.name, &tick, name_w, lines_fit)?
        } else {
            Vec::new()
        };
        for l in &lines {
            widest = widest.max(text_width(area, l, &tick)?);
        }
        names.push(lines);
    }
    // Row i from the top: y = n - 1 - i.
    let y_of = |i: usize| (n - 1 - i) as f64;
    let mut chart = ChartBuilder::on(area)
        .margin(20)
        .margin_right(40)
        .x_label_area_size(70)
        .y_label_area_size(widest + 30)
        .build_cartesian_2d(
            ticked(0.0..1.08, (0..=10).map(|i| i as f64 / 10.0).collect()),
            ticked(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
        )?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .x_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|_| String::new())
        .bold_line_style(grid_bold())
        .draw()?;
    let half = 0.35;
    let base = area.get_base_pixel();
    let line_h = TICK_PX as i32 + 4;
    for (i, s) in slots.iter().enumerate() {
        let y = y_of(i);
        if s.others {
            if let Some((lo, hi)) = s.whisker {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(lo, y - half), (hi, y + half)],
                    s.colour.mix(0.45).filled(),
                )))?;
            }
        } else {
            if let Some(est) = s.estimate {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - half), (est, y + half)],
                    s.colour.mix(0.85).filled(),
                )))?;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(0.0, y - half), (est, y + half)],
                    s.colour.stroke_width(2),
                )))?;
            }
            if let Some((lo, hi)) = s.whisker {
                let style = BLACK.stroke_width(2);
                let cap = 0.1_f64.min(half);
                chart.draw_series([
                    PathElement::new(vec![(lo, y), (hi, y)], style),
                    PathElement::new(vec![(lo, y - cap), (lo, y + cap)], style),
                    PathElement::new(vec![(hi, y - cap), (hi, y + cap)], style),
                ])?;
            }
        }
        let (label, right) = bar_label(s);
        if row_px >= TICK_PX {
            chart.draw_series(std::iter::once(Text::new(
                format!(" {label}"),
                (right + 0.005, y),
                text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Center)),
            )))?;
        }
        // The name, right-aligned against the axis, centred on its row.
        let (px, py) = chart.backend_coord(&(0.0, y));
        let (px, py) = (px - base.0 - 12, py - base.1);
        let lines = &names[i];
        let top = py - (lines.len() as i32 - 1) * line_h / 2;
        let style = tick.pos(Pos::new(HPos::Right, VPos::Center));
        for (j, l) in lines.iter().enumerate() {
            area.draw_text(l, &style, (px, top + j as i32 * line_h))?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Histogram
// ---------------------------------------------------------------------------

/// Binned counts shared by all series of a histogram.
struct Binned {
    /// First value of bin 0.
    start: u32,
    /// Values per bin (>= 1).
    width: u32,
    /// counts[series][bin]
    counts: Vec<Vec<u64>>,
}

/// Shared integer bins: width 1 when the values span at most 40 integers,
/// otherwise the smallest width giving at most 40 bins.
fn bin_series(series: &[(String, Vec<(u32, u64)>)]) -> Option<Binned> {
    let (min, max) = series
        .iter()
        .flat_map(|(_, v)| v.iter().filter(|(_, n)| *n > 0).map(|(x, _)| *x))
        .fold(None, |acc: Option<(u32, u32)>, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })?;
    let span = u64::from(max - min) + 1;
    let width = span.div_ceil(40).max(1);
    let bins = span.div_ceil(width) as usize;
    let counts = series
        .iter()
        .map(|(_, values)| {
            let mut c = vec![0u64; bins];
            for &(v, n) in values.iter().filter(|(_, n)| *n > 0) {
                c[(u64::from(v - min) / width) as usize] += n;
            }
            c
        })
        .collect();
    Some(Binned {
        start: min,
        width: width as u32,
        counts,
    })
}

/// Histograms of integer values, series side by side within each bin.
pub fn draw_histogram<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Histogram,
) -> Result<(), PlotError> {
    ensure_font()?;
    const Y_LABEL: &str = "Runs (count)";
    // Summarise.
    let binned = bin_series(&data.series);

    // Draw.
    let area = titled_note(root, &data.title, &data.note)?;
    let entries: Vec<_> = data
        .series
        .iter()
        .enumerate()
        .map(|(i, (name, _))| (name.clone(), series_colour(i)))
        .collect();
    let area = with_legend(&area, &entries, Swatch::Box)?;
    let Some(binned) = binned else {
        return draw_no_data(&area, &data.x_label, Y_LABEL);
    };
    let k = binned.counts.len() as f64;
    let bins = binned.counts.first().map_or(0, Vec::len);
    let bw = f64::from(binned.width);
    // Integer v is drawn centred on x = v; bin b spans its values' cells.
    let x0 = f64::from(binned.start) - 0.5;
    let x1 = x0 + bins as f64 * bw;
    let y_max = binned
        .counts
        .iter()
        .flatten()
        .copied()
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let y_top = y_max * 1.08;
    let x_ticks: Vec<f64> = nice_ticks(x0 + 0.5, x1 - 0.5, 12)
        .into_iter()
        .filter(|t| t.fract() == 0.0)
        .collect();
    let y_ticks: Vec<f64> = nice_ticks(0.0, y_top, 8)
        .into_iter()
        .filter(|t| t.fract() == 0.0)
        .collect();
    let x_desc = if binned.width > 1 {
        format!("{}, bins of {} values", data.x_label, binned.width)
    } else {
        data.x_label.clone()
    };
    let mut chart = ChartBuilder::on(&area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(
            ticked(x0 - bw * 0.5..x1 + bw * 0.5, x_ticks),
            ticked(0.0..y_top, y_ticks),
        )?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(x_desc)
        .y_desc(Y_LABEL)
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
        .bold_line_style(grid_bold())
        .draw()?;
    for (s, counts) in binned.counts.iter().enumerate() {
        let colour = series_colour(s);
        let rects = counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(b, &c)| {
                let left = x0 + b as f64 * bw + bw * (0.08 + 0.84 * s as f64 / k);
                let right = left + bw * 0.84 / k;
                Rectangle::new([(left, 0.0), (right, c as f64)], colour.mix(0.9).filled())
            });
        chart.draw_series(rects)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Heatmap
// ---------------------------------------------------------------------------

/// Matplotlib's viridis sampled at 11 evenly spaced points.
const VIRIDIS: [(u8, u8, u8); 11] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x24, 0x75),
    (0x41, 0x44, 0x87),
    (0x35, 0x5F, 0x8D),
    (0x2A, 0x78, 0x8E),
    (0x21, 0x91, 0x8C),
    (0x22, 0xA8, 0x84),
    (0x44, 0xBF, 0x70),
    (0x7A, 0xD1, 0x51),
    (0xBD, 0xDF, 0x26),
    (0xFD, 0xE7, 0x25),
];

/// Viridis colour for `t` in [0, 1] (clamped; NaN gives grey): linear
/// interpolation between 11 anchors of matplotlib's map, which keeps it
/// perceptually ordered and readable with colour-vision deficiencies.
pub fn viridis(t: f64) -> RGBColor {
    if t.is_nan() {
        return RGBColor(0xBB, 0xBB, 0xBB);
    }
    let x = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + f * (f64::from(q) - f64::from(p))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever contrasts more with `bg` (WCAG relative
/// luminance, threshold 0.179).
pub fn contrast_text(bg: RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    if l > 0.179 { BLACK } else { WHITE }
}

/// Success-probability heatmap with each value printed in its cell and a
/// colour scale on the right.
pub fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Heatmap,
) -> Result<(), PlotError> {
    ensure_font()?;
    // Summarise.
    let (nx, ny) = (data.x_values.len(), data.y_values.len());
    let cell = |row: usize, col: usize| {
        data.cells
            .get(row)
            .and_then(|r| r.get(col))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let range = finite_range(
        (0..ny)
            .flat_map(|r| (0..nx).map(move |c| (r, c)))
            .map(|(r, c)| cell(r, c)),
    );
    let (v0, v1) = match range {
        Some((lo, hi)) if lo >= 0.0 && hi <= 1.0 => (0.0, 1.0),
        Some(r) => padded(r, 0.0),
        None => (0.0, 1.0),
    };
    let scale = |v: f64| (v - v0) / (v1 - v0);

    // Draw.
    let area = titled(root, &data.title)?;
    if nx == 0 || ny == 0 {
        return draw_no_data(&area, &data.x_label, &data.y_label);
    }
    let (w, _) = area.dim_in_pixel();
    let (plot_area, bar_area) = area.split_horizontally(w.saturating_sub(COLOUR_BAR_W));
    let (pw, _) = plot_area.dim_in_pixel();
    let (_, ph) = plot_area.dim_in_pixel();
    let tick_style = text_style(TICK_PX, &BLACK);
    let mut y_names = Vec::with_capacity(ny);
    let mut y_names_w = 0;
    for name in &data.y_values {
        let shown = fit_text(&area, name, &tick_style, 200)?;
        y_names_w = y_names_w.max(text_width(&area, &shown, &tick_style)?);
        y_names.push(shown);
    }
    let y_area = y_names_w + LABEL_PX + 50;
    // Label every k-th row/column when the cells are too small for text,
    // so dense grids get readable (sparser) labels instead of clipped ones.
    let row_px = ph.saturating_sub(HEATMAP_TOP + HEATMAP_BOTTOM + HEATMAP_X_AREA) / ny as u32;
    let every_y = (TICK_PX + 6).div_ceil(row_px.max(1)) as usize;
    for (i, name) in y_names.iter_mut().enumerate() {
        if i % every_y != 0 {
            name.clear();
        }
    }
    let col_px = pw.saturating_sub(y_area + 40) / nx as u32;
    let mut widest = 0;
    for name in &data.x_values {
        widest = widest.max(text_width(&area, name, &tick_style)?.min(200));
    }
    let every_x = (widest + 10).div_ceil(col_px.max(1)).max(1) as usize;
    let slot = (col_px * every_x as u32).saturating_sub(10);
    let mut x_names = Vec::with_capacity(nx);
    for (i, name) in data.x_values.iter().enumerate() {
        x_names.push(if i % every_x == 0 {
            fit_text(&area, name, &tick_style, slot)?
        } else {
            String::new()
        });
    }
    let name_at = |names: &[String], v: f64| {
        let i = (v - 0.5).round();
        if i >= 0.0 && (i as usize) < names.len() && (v - 0.5 - i).abs() < 1e-6 {
            names[i as usize].clone()
        } else {
            String::new()
        }
    };
    let x_fmt = |v: &f64| name_at(&x_names, *v);
    let y_fmt = |v: &f64| name_at(&y_names, *v);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_top(HEATMAP_TOP)
        .margin_bottom(HEATMAP_BOTTOM)
        .margin_left(20)
        .margin_right(20)
        .x_label_area_size(HEATMAP_X_AREA)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            ticked(0.0..nx as f64, (0..nx).map(|i| i as f64 + 0.5).collect()),
            ticked(0.0..ny as f64, (0..ny).map(|i| i as f64 + 0.5).collect()),
        )?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;
    // Cell size in pixels decides the in-cell font (skipped when too small).
    let (cw, ch) = chart.plotting_area().dim_in_pixel();
    let (cw, ch) = (f64::from(cw) / nx as f64, f64::from(ch) / ny as f64);
    // Category labels are longer than numbers ("supermajority 78%").
    let chars = data
        .categories
        .as_ref()
        .and_then(|c| c.labels.iter().flatten().map(|l| l.chars().count()).max())
        .unwrap_or(5)
        .max(5) as f64;
    let cell_px = (ch * 0.4).min(cw / (0.52 * chars)).min(24.0);
    let cats = data.categories.as_ref();
    for row in 0..ny {
        for col in 0..nx {
            let v = cell(row, col);
            let colour = match cats {
                Some(c) => {
                    let k = c.index.get(row).and_then(|r| r.get(col)).copied();
                    let clear = c
                        .clear
                        .get(row)
                        .and_then(|r| r.get(col))
                        .copied()
                        .unwrap_or(true);
                    match k {
                        Some(k) if clear => c.colour(k),
                        Some(k) => pale(c.colour(k)),
                        None => viridis(f64::NAN),
                    }
                }
                None if v.is_finite() => viridis(scale(v)),
                None => viridis(f64::NAN),
            };
            let (x, y) = (col as f64, row as f64);
            let mut rect = Rectangle::new([(x, y), (x + 1.0, y + 1.0)], colour.filled());
            rect.set_margin(1, 1, 1, 1);
            chart.draw_series(std::iter::once(rect))?;
            if cell_px >= 10.0 {
                let label = match cats {
                    Some(c) => c
                        .labels
                        .get(row)
                        .and_then(|r| r.get(col))
                        .cloned()
                        .unwrap_or_default(),
                    None if v.is_finite() => format!("{v:.2}"),
                    None => "n/a".to_string(),
                };
                chart.draw_series(std::iter::once(Text::new(
                    label,
                    (x + 0.5, y + 0.5),
                    text_style(cell_px as u32, &contrast_text(colour))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            }
        }
    }
    match cats {
        Some(c) => draw_category_legend(&bar_area, c),
        None => draw_colour_bar(&bar_area, v0, v1, range.is_some()),
    }
}

/// Legend of a categorical heatmap: one swatch per category, then the pale
/// swatch's meaning.
/// A category's colour halfway to white: its cell is not clearly ahead of
/// the runner-up (readable even where the cells are too small for their
/// "≈" label).
pub fn pale(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + 0.5 * (255.0 - f64::from(v))).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

fn draw_category_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Categories,
) -> Result<(), PlotError> {
    let style = text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let row_h = (TICK_PX + 12) as i32;
    let mut y = HEATMAP_TOP as i32 + 10;
    for (k, name) in c.names.iter().enumerate() {
        let colour = c.colour(k);
        area.draw(&Rectangle::new([(10, y - 9), (34, y + 9)], colour.filled()))?;
        area.draw_text(name, &style, (42, y))?;
        y += row_h;
    }
    y += row_h / 2;
    // A pale swatch: pale cells (marked ≈ where their label fits).
    let swatch = c.colour(0);
    area.draw(&Rectangle::new([(10, y - 9), (22, y + 9)], swatch.filled()))?;
    area.draw(&Rectangle::new(
        [(22, y - 9), (34, y + 9)],
        pale(swatch).filled(),
    ))?;
    area.draw_text("pale, ≈:", &style, (42, y))?;
    area.draw_text("not clearly", &style, (10, y + row_h - 4))?;
    area.draw_text("ahead of the", &style, (10, y + 2 * (row_h - 4)))?;
    area.draw_text("runner-up", &style, (10, y + 3 * (row_h - 4)))?;
    Ok(())
}

const COLOUR_BAR_W: u32 = 170;
const HEATMAP_TOP: u32 = 44;
const HEATMAP_BOTTOM: u32 = 20;
const HEATMAP_X_AREA: u32 = 70;

/// Vertical colour scale for [v0, v1] with tick labels on its right.
fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    v0: f64,
    v1: f64,
    probability_scale: bool,
) -> Result<(), PlotError> {
    let caption = if probability_scale && v0 == 0.0 && v1 == 1.0 {
        "Probability"
    } else {
        "Value"
    };
    // The bar spans the same rows as the heatmap's plotting area.
    let bar_w = 34;
    area.draw_text(
        caption,
        &text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Center, VPos::Center)),
        (10 + (bar_w + 80) / 2, HEATMAP_TOP as i32 / 2),
    )?;
    let ticks = nice_ticks(v0, v1, 5);
    let mut chart = ChartBuilder::on(area)
        .margin_top(HEATMAP_TOP)
        .margin_bottom(HEATMAP_BOTTOM + HEATMAP_X_AREA)
        .margin_left(10)
        .margin_right(COLOUR_BAR_W - 10 - bar_w as u32 - 80)
        .set_label_area_size(LabelAreaPosition::Right, 80)
        .build_cartesian_2d(0.0..1.0, ticked(v0..v1, ticks))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .set_all_tick_mark_size(6)
        .axis_style(BLACK.mix(0.6))
        .label_style(font(TICK_PX))
        .y_label_formatter(&|v| tick_label(*v))
        .draw()?;
    let steps = 100;
    let strips = (0..steps).map(|i| {
        let a = v0 + (v1 - v0) * i as f64 / steps as f64;
        let b = v0 + (v1 - v0) * (i + 1) as f64 / steps as f64;
        let t = (i as f64 + 0.5) / steps as f64;
        Rectangle::new([(0.0, a), (1.0, b)], viridis(t).filled())
    });
    chart.draw_series(strips)?;
    Ok(())
}

/// One layer of a [`StackedChart`]: name, palette colour index, (x, share).
pub type StackLayer = (String, usize, Vec<(f64, f64)>);

/// Shares that add up to one over x, drawn stacked: each layer's share is
/// the height of its coloured region (the cumulative incidence of each
/// ending, plus "still going").
#[derive(Debug, Clone)]
pub struct StackedChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// (name, colour index in the palette, points (x, share)), bottom first;
    /// every layer must have the same x values in the same order.
    pub layers: Vec<StackLayer>,
}

/// Draws a [`StackedChart`]: region k spans the sum of the shares of the
/// layers below it to that sum plus its own share, as a step function of x
/// (a share holds from its week to the next).
pub fn draw_stacked<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &StackedChart,
) -> Result<(), PlotError> {
    ensure_font()?;
    // Summarise: cumulative bounds per layer, as steps.
    let n = data.layers.first().map_or(0, |l| l.2.len());
    let same_x = data.layers.iter().all(|l| {
        l.2.len() == n
            && l.2
                .iter()
                .zip(&data.layers[0].2)
                .all(|(a, b)| a.0 == b.0 && a.1.is_finite())
    });
    let mut below = vec![0.0_f64; n];
    type Region = (String, RGBColor, Vec<(f64, f64)>);
    let mut regions: Vec<Region> = Vec::new();
    if same_x {
        for (name, colour, pts) in &data.layers {
            let mut upper = Vec::with_capacity(2 * n);
            let mut lower = Vec::with_capacity(2 * n);
            for i in 0..n {
                let x0 = pts[i].0;
                let x1 = pts.get(i + 1).map_or(x0 + 1.0, |p| p.0);
                let (lo, hi) = (below[i], below[i] + pts[i].1);
                upper.extend([(x0, hi), (x1, hi)]);
                lower.extend([(x0, lo), (x1, lo)]);
                below[i] = hi;
            }
            let poly: Vec<(f64, f64)> = upper.into_iter().chain(lower.into_iter().rev()).collect();
            regions.push((name.clone(), series_colour(*colour), poly));
        }
    }

    // Draw.
    let area = titled(root, &data.title)?;
    // Legend top to bottom in the order the regions are stacked on screen.
    let entries: Vec<_> = regions
        .iter()
        .rev()
        .map(|(name, colour, _)| (name.clone(), *colour))
        .collect();
    let area = with_legend(&area, &entries, Swatch::Box)?;
    if regions.is_empty() || n == 0 {
        return draw_no_data(&area, &data.x_label, &data.y_label);
    }
    let x0 = data.layers[0].2[0].0 - 1.0;
    let x1 = data.layers[0].2[n - 1].0 + 1.0;
    let mut chart = ChartBuilder::on(&area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(x0..x1, 0.0..1.0)?;
    chart
        .configure_mesh()
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .light_line_style(TRANSPARENT)
        .bold_line_style(grid_bold())
        .draw()?;
    for (_, colour, poly) in &regions {
        chart.draw_series(std::iter::once(Polygon::new(
            poly.clone(),
            colour.mix(0.85).filled(),
        )))?;
    }
    Ok(())
}

/// Draws four [`LineBandChart`]s as a 2 × 2 grid of panels under one title
/// and note (a sweep's cumulative incidence of each ending, one line per
/// variant), with one legend for all four: the first panel's series (the
/// panels share their series, in the same order).
pub fn draw_panels<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    note: &str,
    panels: &[LineBandChart],
) -> Result<(), PlotError> {
    ensure_font()?;
    let area = titled_note(root, title, note)?;
    let area = match panels.first() {
        Some(p) => with_legend(&area, &line_band_entries(p), Swatch::LineBand)?,
        None => area,
    };
    let cells = area.split_evenly((2, 2));
    for (cell, panel) in cells.iter().zip(panels) {
        let cell = titled_note(cell, &panel.title, &panel.note)?;
        draw_line_band_plot(&cell, panel)?;
    }
    Ok(())
}
