//! Histograms of whole-number values (rounds), one or several series.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::colours::*;
use super::frame::*;

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
    let mut chart = chart(&area, 70, 110).build_cartesian_2d(
        ticked(x0 - bw * 0.5..x1 + bw * 0.5, x_ticks),
        ticked(0.0..y_top, y_ticks),
    )?;
    mesh(&mut chart)
        .disable_x_mesh()
        .x_desc(x_desc)
        .y_desc(Y_LABEL)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.0}"))
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
