//! Kaplan–Meier survival curves, as steps with their interval band.

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use super::colours::*;
use super::frame::*;
use super::line_band::{Others, others_points};
use coalsim_core::stats::KmStep;

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
    let mut chart = chart(&area, 70, 110).build_cartesian_2d(
        0.0..x1,
        ticked(0.0..1.03, vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]),
    )?;
    mesh(&mut chart)
        .x_desc(X_LABEL)
        .y_desc(Y_LABEL)
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .light_line_style(TRANSPARENT)
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
