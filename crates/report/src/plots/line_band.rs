//! Line charts with a 95% band per series (means over rounds), and the
//! four-panel page of them.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::colours::*;
use super::frame::*;

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
pub(crate) fn others_points(others: Option<&Others>) -> Vec<(f64, f64, f64)> {
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
    let mut chart = chart(&area, 70, 110).build_cartesian_2d(x0..x1, y0..y1)?;
    mesh(&mut chart)
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .light_line_style(TRANSPARENT)
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
