//! The charts of `coalsim explore`, drawn from an exploration's results:
//! regret per policy (box plots), the sampled coalitions on the two most
//! influential uncertainties coloured by the best policy with PRIM's boxes,
//! sensitivity indices with their intervals, and Morris' μ*–σ plane.
//! Summarise first (plain data types below), then draw, generic over the
//! plotters backend; each chart is written as PNG and SVG.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::plots::{
    LABEL_PX, PlotError, Swatch, TICK_PX, finite_range, fit_text, font, grid_bold, padded,
    save_png, save_svg, series_colour, text_style, tick_label, titled, with_legend,
};
use crate::explore::report::{Exploration, Report};
use crate::explore::robustness::quantile;
use crate::explore::run::DesignKind;

const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);

/// An estimate with its interval: (estimate, lower, upper).
pub type Interval = (f64, f64, f64);
/// A PRIM box on the two axes: (policy, label, x range, y range).
pub type Box2 = (usize, String, (f64, f64), (f64, f64));
type PngDraw<'a> = &'a dyn Fn(&DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), PlotError>;
type SvgDraw<'a> = &'a dyn Fn(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), PlotError>;

/// Regret of each policy across the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct RegretChart {
    pub title: String,
    pub y_label: String,
    /// (policy, regret at every sample).
    pub policies: Vec<(String, Vec<f64>)>,
}

/// Sampled coalitions on two inputs, coloured by the best policy.
#[derive(Debug, Clone, PartialEq)]
pub struct BestScatter {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    /// Tick labels of a categorical axis (value i at position i).
    pub x_ticks: Option<Vec<String>>,
    pub y_ticks: Option<Vec<String>>,
    pub policies: Vec<String>,
    /// (x, y, best policy or `None` for a tie).
    pub points: Vec<(f64, f64, Option<usize>)>,
    /// (policy, label, x range, y range) of PRIM boxes.
    pub boxes: Vec<Box2>,
}

/// Sensitivity indices per input, one bar per policy (wide: the main
/// index; narrow, darker: the first-order index when there is a total).
#[derive(Debug, Clone, PartialEq)]
pub struct IndexBars {
    pub title: String,
    pub y_label: String,
    pub inputs: Vec<String>,
    pub policies: Vec<String>,
    /// `wide[policy][input]`: (estimate, lo, hi).
    pub wide: Vec<Vec<Option<Interval>>>,
    pub narrow: Option<Vec<Vec<Option<Interval>>>>,
}

/// Morris μ* against σ, one point per policy × input.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisPlane {
    pub title: String,
    pub policies: Vec<String>,
    /// (policy, input label, μ*, σ).
    pub points: Vec<(usize, String, f64, f64)>,
}

fn short(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// Draws the exploration's charts into `dir/plots`, lists them in the
/// directory's manifest; returns the files written, relative to `dir`.
pub fn draw_all(dir: &Path, ex: &Exploration, r: &Report) -> anyhow::Result<Vec<PathBuf>> {
    let plots = dir.join("plots");
    crate::output::files::ensure_dir(&plots)?;
    let mut written = Vec::new();
    let mut both = |name: &str, png: PngDraw<'_>, svg: SvgDraw<'_>| -> anyhow::Result<()> {
        for (ext, path) in [
            ("png", plots.join(format!("{name}.png"))),
            ("svg", plots.join(format!("{name}.svg"))),
        ] {
            let result = if ext == "png" {
                save_png(&path, png)
            } else {
                save_svg(&path, svg)
            };
            result.map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            written.push(PathBuf::from("plots").join(format!("{name}.{ext}")));
        }
        Ok(())
    };

    let regret = regret_chart(ex, r);
    both("regret", &|a| draw_regret(a, &regret), &|a| {
        draw_regret(a, &regret)
    })?;
    if let Some(sc) = best_scatter(ex, r) {
        both("best_policy", &|a| draw_scatter(a, &sc), &|a| {
            draw_scatter(a, &sc)
        })?;
    }
    match ex.plan.design {
        DesignKind::Morris => {
            let m = morris_plane(ex, r);
            both("morris", &|a| draw_morris(a, &m), &|a| draw_morris(a, &m))?;
        }
        _ => {
            let b = index_bars(ex, r);
            both("sensitivity", &|a| draw_index_bars(a, &b), &|a| {
                draw_index_bars(a, &b)
            })?;
        }
    }
    // Adds the plots to the manifest `output::explore::write_all` wrote.
    crate::output::manifest::finish(dir, "explore", true)?;
    Ok(written)
}

/// Regret on success of each policy at every exploration point.
pub fn regret_chart(ex: &Exploration, r: &Report) -> RegretChart {
    let np = ex.policies.len();
    let mut regrets = vec![Vec::with_capacity(r.points.len()); np];
    for &s in &r.points {
        let best = (0..np)
            .map(|p| ex.value(s, p, 0))
            .fold(f64::NEG_INFINITY, f64::max);
        for (p, reg) in regrets.iter_mut().enumerate() {
            reg.push((best - ex.value(s, p, 0)).max(0.0));
        }
    }
    RegretChart {
        title: format!("{}: success given up against the best rule", ex.scenario),
        y_label: "Regret (success probability below the best rule's)".into(),
        policies: ex
            .policies
            .iter()
            .map(|p| p.name.clone())
            .zip(regrets)
            .collect(),
    }
}

/// The two most influential uncertainties, coloured by the best policy.
pub fn best_scatter(ex: &Exploration, r: &Report) -> Option<BestScatter> {
    if ex.uncertainties.len() < 2 {
        return None;
    }
    let (i, j) = (r.influence[0], r.influence[1]);
    let points = r
        .points
        .iter()
        .zip(&r.best)
        .map(|(&s, best)| {
            let x = ex.numbers(s);
            let winner = (best.iter().filter(|&&b| b).count() == 1)
                .then(|| best.iter().position(|&b| b))
                .flatten();
            (x[i], x[j], winner)
        })
        .collect();
    let boxes = r
        .prim
        .iter()
        .filter(|t| {
            t.reportable()
                && (t.kind == "best" || (t.kind == "shortfall" && t.policy == r.recommended))
        })
        .map(|t| {
            let b = &t.result.pasted;
            let label = if t.kind == "best" {
                format!("PRIM: {} best", ex.policies[t.policy].name)
            } else {
                format!(
                    "PRIM: {} below {:.2} success",
                    ex.policies[t.policy].name, ex.satisfice
                )
            };
            (t.policy, label, (b.lo[i], b.hi[i]), (b.lo[j], b.hi[j]))
        })
        .collect();
    Some(BestScatter {
        title: "Which rule is best in each sampled coalition".into(),
        x_label: ex.uncertainties[i].key.clone(),
        y_label: ex.uncertainties[j].key.clone(),
        x_ticks: ex.uncertainties[i].labels(),
        y_ticks: ex.uncertainties[j].labels(),
        policies: ex.policies.iter().map(|p| p.name.clone()).collect(),
        points,
        boxes,
    })
}

/// Sensitivity of success: total (wide) and first-order (narrow) Sobol
/// indices for Saltelli; binned first-order indices otherwise.
pub fn index_bars(ex: &Exploration, r: &Report) -> IndexBars {
    let get = |index: &str| -> Vec<Vec<Option<(f64, f64, f64)>>> {
        ex.policies
            .iter()
            .map(|p| {
                ex.uncertainties
                    .iter()
                    .map(|u| {
                        r.sensitivity
                            .iter()
                            .find(|s| {
                                s.policy == p.name
                                    && s.measure == "success"
                                    && s.uncertainty == u.key
                                    && s.index == index
                            })
                            .and_then(|s| {
                                s.estimate.map(|e| {
                                    (e, s.lower.unwrap_or(f64::NAN), s.upper.unwrap_or(f64::NAN))
                                })
                            })
                    })
                    .collect()
            })
            .collect()
    };
    let saltelli = ex.plan.design == DesignKind::Saltelli;
    IndexBars {
        title: if saltelli {
            "What moves success: Sobol indices (wide: total, narrow: first-order)".into()
        } else {
            "What moves success: first-order indices from the sample".into()
        },
        y_label: if saltelli {
            "Share of the variance of success (95% intervals; grey: total)".into()
        } else {
            "Share of the variance of success (95% bootstrap interval)".into()
        },
        inputs: ex.uncertainties.iter().map(|u| u.key.clone()).collect(),
        policies: ex.policies.iter().map(|p| p.name.clone()).collect(),
        wide: get(if saltelli { "ST" } else { "S1_binned" }),
        narrow: saltelli.then(|| get("S1")),
    }
}

/// Morris μ* and σ of success.
pub fn morris_plane(ex: &Exploration, r: &Report) -> MorrisPlane {
    let mut points = Vec::new();
    for (p, pol) in ex.policies.iter().enumerate() {
        for u in &ex.uncertainties {
            let find = |index: &str| {
                r.sensitivity
                    .iter()
                    .find(|s| {
                        s.policy == pol.name
                            && s.measure == "success"
                            && s.uncertainty == u.key
                            && s.index == index
                    })
                    .and_then(|s| s.estimate)
            };
            if let (Some(m), Some(s)) = (find("mu_star"), find("sigma")) {
                points.push((p, short(&u.key).to_string(), m, s));
            }
        }
    }
    MorrisPlane {
        title: "Screening (Morris): how much each input moves success".into(),
        policies: ex.policies.iter().map(|p| p.name.clone()).collect(),
        points,
    }
}

fn legend(names: &[String]) -> Vec<(String, RGBColor)> {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), series_colour(i)))
        .collect()
}

fn category_formatter(names: &[String]) -> impl Fn(&f64) -> String + '_ {
    move |v: &f64| {
        let i = v.round();
        if (v - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < names.len() {
            names[i as usize].clone()
        } else {
            String::new()
        }
    }
}

/// Box plots: box from the first to the third quartile, a line at the
/// median, whiskers to the smallest and largest regret, a dot at the mean.
pub fn draw_regret<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &RegretChart,
) -> Result<(), PlotError> {
    let n = data.policies.len();
    let stats: Vec<Option<[f64; 6]>> = data
        .policies
        .iter()
        .map(|(_, v)| {
            let mut s: Vec<f64> = v.iter().copied().filter(|x| x.is_finite()).collect();
            if s.is_empty() {
                return None;
            }
            s.sort_by(f64::total_cmp);
            let mean = s.iter().sum::<f64>() / s.len() as f64;
            Some([
                s[0],
                quantile(&s, 0.25),
                quantile(&s, 0.5),
                quantile(&s, 0.75),
                s[s.len() - 1],
                mean,
            ])
        })
        .collect();
    let top = stats.iter().flatten().map(|s| s[4]).fold(0.05f64, f64::max) * 1.1;
    let area = titled(root, &data.title)?;
    let names: Vec<String> = data.policies.iter().map(|(n, _)| n.clone()).collect();
    let fmt = category_formatter(&names);
    let mut chart = ChartBuilder::on(&area)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.5..n.max(1) as f64 - 0.5, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(n.max(1))
        .x_desc("Rule")
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&fmt)
        .y_label_formatter(&|v| tick_label(*v))
        .bold_line_style(grid_bold())
        .draw()?;
    for (i, s) in stats.iter().enumerate() {
        let Some([min, q1, med, q3, max, mean]) = *s else {
            continue;
        };
        let x = i as f64;
        let c = series_colour(i);
        let w = 0.3;
        chart.draw_series([
            Rectangle::new([(x - w, q1), (x + w, q3)], c.mix(0.6).filled()),
            Rectangle::new([(x - w, q1), (x + w, q3)], c.stroke_width(2)),
        ])?;
        let line = BLACK.stroke_width(2);
        chart.draw_series([
            PathElement::new(vec![(x - w, med), (x + w, med)], BLACK.stroke_width(3)),
            PathElement::new(vec![(x, q3), (x, max)], line),
            PathElement::new(vec![(x, q1), (x, min)], line),
            PathElement::new(vec![(x - w / 2.0, max), (x + w / 2.0, max)], line),
            PathElement::new(vec![(x - w / 2.0, min), (x + w / 2.0, min)], line),
        ])?;
        chart.draw_series(std::iter::once(Circle::new((x, mean), 6, BLACK.filled())))?;
        chart.draw_series(std::iter::once(Text::new(
            format!("max {max:.2}"),
            (x, max + top * 0.01),
            text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Center, VPos::Bottom)),
        )))?;
    }
    Ok(())
}

/// The scatter with PRIM boxes outlined in the policy's colour.
pub fn draw_scatter<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &BestScatter,
) -> Result<(), PlotError> {
    let xr = padded(
        finite_range(data.points.iter().map(|p| p.0)).unwrap_or((0.0, 1.0)),
        0.04,
    );
    let yr = padded(
        finite_range(data.points.iter().map(|p| p.1)).unwrap_or((0.0, 1.0)),
        0.04,
    );
    let area = titled(root, &data.title)?;
    let mut entries = legend(&data.policies);
    entries.push(("tie".into(), GREY));
    let used: Vec<(String, RGBColor)> = entries
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            data.points.iter().any(|p| match p.2 {
                Some(b) => b == *i,
                None => *i == data.policies.len(),
            })
        })
        .map(|(_, e)| e.clone())
        .collect();
    let plot = with_legend(&area, &used, Swatch::Box)?;
    let fx = |ticks: &Option<Vec<String>>| {
        let t = ticks.clone();
        move |v: &f64| match &t {
            Some(names) => category_formatter(names)(v),
            None => tick_label(*v),
        }
    };
    let (fmt_x, fmt_y) = (fx(&data.x_ticks), fx(&data.y_ticks));
    let mut chart = ChartBuilder::on(&plot)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    chart
        .configure_mesh()
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .bold_line_style(grid_bold())
        .draw()?;
    chart.draw_series(data.points.iter().map(|&(x, y, b)| {
        let c = b.map_or(GREY, series_colour);
        Circle::new((x, y), 6, c.mix(0.85).filled())
    }))?;
    for (p, label, (x0, x1), (y0, y1)) in &data.boxes {
        let (p, x0, x1, y0, y1) = (*p, *x0, *x1, *y0, *y1);
        let (x0, x1) = (x0.max(xr.0), x1.min(xr.1));
        let (y0, y1) = (y0.max(yr.0), y1.min(yr.1));
        let c = series_colour(p);
        chart.draw_series([
            Rectangle::new([(x0, y0), (x1, y1)], BLACK.stroke_width(5)),
            Rectangle::new([(x0, y0), (x1, y1)], c.stroke_width(3)),
        ])?;
        let style = text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Top));
        let label = fit_text(&plot, label, &style, 500)?;
        let inside = (x0 + (xr.1 - xr.0) * 0.01, y1 - (yr.1 - yr.0) * 0.015);
        chart.draw_series(std::iter::once(Text::new(label, inside, style)))?;
    }
    Ok(())
}

/// Grouped bars with whiskers: inputs on the x axis, one bar per policy.
pub fn draw_index_bars<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &IndexBars,
) -> Result<(), PlotError> {
    let k = data.inputs.len();
    let np = data.policies.len().max(1);
    let all = data
        .wide
        .iter()
        .chain(data.narrow.iter().flatten())
        .flatten()
        .flatten()
        .flat_map(|&(e, lo, hi)| [e, lo, hi]);
    let (lo, hi) = finite_range(all).unwrap_or((0.0, 1.0));
    let (y0, y1) = (lo.min(0.0) - 0.02, hi.max(0.1) * 1.08);
    let area = titled(root, &data.title)?;
    let plot = with_legend(&area, &legend(&data.policies), Swatch::Box)?;
    let names: Vec<String> = data.inputs.clone();
    let fmt = category_formatter(&names);
    let mut chart = ChartBuilder::on(&plot)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(-0.5..k.max(1) as f64 - 0.5, y0..y1)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(k.max(1))
        .x_desc("Uncertain input")
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&fmt)
        .y_label_formatter(&|v| tick_label(*v))
        .bold_line_style(grid_bold())
        .draw()?;
    let slot = 0.8 / np as f64;
    let whisker = |chart: &mut ChartContext<'_, DB, _>, x: f64, lo: f64, hi: f64, c: RGBColor| {
        if lo.is_finite() && hi.is_finite() {
            let s = c.stroke_width(2);
            let cap = slot * 0.15;
            chart.draw_series([
                PathElement::new(vec![(x, lo), (x, hi)], s),
                PathElement::new(vec![(x - cap, lo), (x + cap, lo)], s),
                PathElement::new(vec![(x - cap, hi), (x + cap, hi)], s),
            ])?;
        }
        Ok::<(), PlotError>(())
    };
    for p in 0..data.policies.len() {
        let c = series_colour(p);
        for u in 0..k {
            let x = u as f64 - 0.4 + slot * (p as f64 + 0.5);
            if let Some((e, lo, hi)) = data.wide[p][u] {
                let w = slot * 0.45;
                chart.draw_series([
                    Rectangle::new([(x - w, 0.0), (x + w, e)], c.mix(0.45).filled()),
                    Rectangle::new([(x - w, 0.0), (x + w, e)], c.stroke_width(1)),
                ])?;
                // With a first-order bar inside, the total's whisker sits at
                // the wide bar's right edge, in a grey of its own.
                let at = if data.narrow.is_some() {
                    x + w * 0.75
                } else {
                    x
                };
                let colour = if data.narrow.is_some() { GREY } else { BLACK };
                whisker(&mut chart, at, lo, hi, colour)?;
            }
            if let Some(narrow) = &data.narrow
                && let Some((e, lo, hi)) = narrow[p][u]
            {
                let w = slot * 0.18;
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x - w, 0.0), (x + w, e)],
                    c.filled(),
                )))?;
                whisker(&mut chart, x, lo, hi, BLACK)?;
            }
        }
    }
    Ok(())
}

/// μ* (x) against σ (y); each point labelled with its input.
pub fn draw_morris<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &MorrisPlane,
) -> Result<(), PlotError> {
    let top = data
        .points
        .iter()
        .flat_map(|p| [p.2, p.3])
        .filter(|v| v.is_finite())
        .fold(0.01f64, f64::max)
        * 1.15;
    let area = titled(root, &data.title)?;
    let plot = with_legend(&area, &legend(&data.policies), Swatch::Box)?;
    let mut chart = ChartBuilder::on(&plot)
        .margin(20)
        .x_label_area_size(70)
        .y_label_area_size(110)
        .build_cartesian_2d(0.0..top, 0.0..top)?;
    chart
        .configure_mesh()
        .x_desc("μ*: mean absolute effect on success (over the input's range)")
        .y_desc("σ: how much the effect depends on the others")
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .bold_line_style(grid_bold())
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (top, top)],
        GREY.stroke_width(1),
    )))?;
    for (p, label, m, s) in &data.points {
        if !(m.is_finite() && s.is_finite()) {
            continue;
        }
        chart.draw_series(std::iter::once(Circle::new(
            (*m, *s),
            7,
            series_colour(*p).filled(),
        )))?;
        chart.draw_series(std::iter::once(Text::new(
            label.clone(),
            (*m, *s),
            text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Bottom)),
        )))?;
    }
    Ok(())
}
