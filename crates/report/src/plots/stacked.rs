//! Stacked area charts of shares that add up to one.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::colours::*;
use super::frame::*;

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
    let mut chart = chart(&area, 70, 110).build_cartesian_2d(x0..x1, 0.0..1.0)?;
    mesh(&mut chart)
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .light_line_style(TRANSPARENT)
        .draw()?;
    for (_, colour, poly) in &regions {
        chart.draw_series(std::iter::once(Polygon::new(
            poly.clone(),
            colour.mix(0.85).filled(),
        )))?;
    }
    Ok(())
}
