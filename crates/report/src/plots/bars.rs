//! Bar charts of proportions with their intervals, upright or lying.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::colours::*;
use super::frame::*;

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
    let mut chart = chart(area, 70, 110).build_cartesian_2d(
        ticked(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
        ticked(0.0..1.08, (0..=10).map(|i| i as f64 / 10.0).collect()),
    )?;
    mesh(&mut chart)
        .disable_x_mesh()
        .x_desc(X_LABEL)
        .y_desc(data.y_label.as_str())
        .x_label_formatter(&formatter)
        .y_label_formatter(&|v| tick_label(*v))
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
    let mut chart = chart(area, 70, widest + 30)
        .margin_right(40)
        .build_cartesian_2d(
            ticked(0.0..1.08, (0..=10).map(|i| i as f64 / 10.0).collect()),
            ticked(-0.5..n as f64 - 0.5, (0..n).map(|i| i as f64).collect()),
        )?;
    mesh(&mut chart)
        .disable_y_mesh()
        .x_desc(data.y_label.as_str())
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|_| String::new())
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
