//! The set-up every chart shares: text sizes and styles, titles and notes,
//! wrapped text, the legend panel beside the plot, the chart and mesh of
//! the plot area (margins, label areas, axis titles, tick labels, grid),
//! tick positions and labels, and the frame of a chart with no data.

use plotters::coord::Shift;
use plotters::prelude::*;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use plotters::chart::MeshStyle;
use plotters::coord::ranged1d::ValueFormatter;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::fonts::{DEJAVU_SANS, FONT_FAMILY};

pub(crate) const TITLE_PX: u32 = 36;
pub(crate) const LABEL_PX: u32 = 24;
pub(crate) const TICK_PX: u32 = 20;
pub(crate) const LEGEND_PX: u32 = 22;
pub(crate) const NOTE_PX: u32 = 28;

pub(crate) fn font(px: u32) -> FontDesc<'static> {
    (FONT_FAMILY, px).into_font()
}

pub(crate) fn text_style(px: u32, colour: &RGBColor) -> TextStyle<'static> {
    font(px).color(colour)
}

pub(crate) fn text_width<DB: DrawingBackend>(
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
pub(crate) const CAPTION_GREY: RGBColor = RGBColor(0x44, 0x44, 0x44);

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
pub(crate) struct TickedAxis {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

pub(crate) fn ticked(range: Range<f64>, ticks: Vec<f64>) -> TickedAxis {
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
    // A tick computed as a sum of steps can miss 0 by a rounding error
    // (−2.22e−16): that is 0.
    let v = if v.abs() < 1e-12 { 0.0 } else { v };
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
pub(crate) fn draw_no_data<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    x_label: &str,
    y_label: &str,
) -> Result<(), PlotError> {
    let mut chart = chart(area, 70, 100).build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
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
pub(crate) fn nice_ticks(lo: f64, hi: f64, target: usize) -> Vec<f64> {
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

/// The chart builder every plot starts from: 20 px margin, `x_area` px
/// below the plot for the x tick labels and axis title, `y_area` px left of
/// it for the y ones.
pub(crate) fn chart<'a, 'b, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x_area: u32,
    y_area: u32,
) -> ChartBuilder<'a, 'b, DB> {
    let mut b = ChartBuilder::on(area);
    b.margin(20)
        .x_label_area_size(x_area)
        .y_label_area_size(y_area);
    b
}

/// The mesh every plot starts from: axis titles at [`LABEL_PX`], tick
/// labels at [`TICK_PX`], bold grid lines in [`grid_bold`]. The chart adds
/// its axis titles, tick formats and which grid lines it hides.
pub(crate) fn mesh<'a, 'b, DB, XT, YT, X, Y>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let mut m = chart.configure_mesh();
    m.axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .bold_line_style(grid_bold());
    m
}
