//! The charts of `coalsim explore`, drawn from an exploration's results:
//! regret per policy (box plots), the sampled coalitions on the two inputs
//! that move the leading policy's lead most, coloured by the best policy with PRIM's boxes,
//! sensitivity indices with their intervals, and Morris' μ*–σ plane.
//! Summarise first (plain data types below), then draw, generic over the
//! plotters backend; each chart is written as PNG and SVG.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::coord::types::RangedCoordf64;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::colours::{RULE_KEY, rule_colour, series_colour};
use super::frame::{
    LEGEND_PX, PlotError, TICK_PX, chart, finite_range, mesh, padded, text_style, tick_label,
    titled,
};
use super::save::{PngBackend, save_png, save_svg};
use coalsim_core::scenario::value_text;
use coalsim_core::study::explore::Policy;
use coalsim_core::study::explore::report::{Exploration, Report, lead_target};
use coalsim_core::study::explore::robustness::quantile;
use coalsim_core::study::explore::run::DesignKind;
use coalsim_core::study::explore::sensitivity::binned_first_order;

const GREY: RGBColor = RGBColor(0x99, 0x99, 0x99);
/// Outline and label of a shortfall box (dark red, dashed): where a policy
/// falls short, not where it is best.
const SHORTFALL: RGBColor = RGBColor(0xA0, 0x1C, 0x1C);
const NOTE_GREY: RGBColor = RGBColor(0x44, 0x44, 0x44);
/// The sensitivity chart's y axis: indices are shares of variance, so
/// whiskers that run further (small samples) are cut here and marked.
const INDEX_AXIS: (f64, f64) = (-0.2, 1.2);

/// An estimate with its interval: (estimate, lower, upper).
pub type Interval = (f64, f64, f64);
/// A PRIM box on the two axes.
#[derive(Debug, Clone, PartialEq)]
pub struct Box2 {
    pub policy: usize,
    /// `true`: where the policy falls below the success threshold;
    /// `false`: where it is best.
    pub shortfall: bool,
    pub label: String,
    pub x: (f64, f64),
    pub y: (f64, f64),
}
type PngDraw<'a> = &'a dyn Fn(&DrawingArea<PngBackend<'_>, Shift>) -> Result<(), PlotError>;
type SvgDraw<'a> = &'a dyn Fn(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), PlotError>;

/// Regret of each policy across the samples.
#[derive(Debug, Clone, PartialEq)]
pub struct RegretChart {
    pub title: String,
    /// What the marks mean.
    pub caption: String,
    pub y_label: String,
    /// (policy, regret at every sample).
    pub policies: Vec<(String, Vec<f64>)>,
    pub colours: Vec<RGBColor>,
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
    pub colours: Vec<RGBColor>,
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
    pub colours: Vec<RGBColor>,
    /// `wide[policy][input]`: (estimate, lo, hi).
    pub wide: Vec<Vec<Option<Interval>>>,
    pub narrow: Option<Vec<Vec<Option<Interval>>>>,
}

/// Morris μ* against σ, one point per policy × input.
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisPlane {
    pub title: String,
    pub policies: Vec<String>,
    pub colours: Vec<RGBColor>,
    /// (policy, input label, μ*, σ).
    pub points: Vec<(usize, String, f64, f64)>,
}

fn short(key: &str) -> &str {
    key.rsplit('.').next().unwrap_or(key)
}

/// The policies' names in the plots: only the settings that differ between
/// them (a decision rule by its name, any other key as `segment=value`,
/// its last segment),
/// joined by ", ", so two-key policies stay apart in legends and labels.
pub fn plot_names(policies: &[Policy]) -> Vec<String> {
    let keys = policies.first().map_or(0, |p| p.settings.len());
    let differ: Vec<usize> = (0..keys)
        .filter(|&k| {
            policies
                .iter()
                .any(|p| p.settings.get(k) != policies[0].settings.get(k))
        })
        .collect();
    if differ.is_empty() {
        return policies.iter().map(|p| p.name.clone()).collect();
    }
    policies
        .iter()
        .map(|p| {
            differ
                .iter()
                .filter_map(|&k| p.settings.get(k))
                .map(|(key, v)| {
                    if key == RULE_KEY {
                        value_text(v)
                    } else {
                        format!("{}={}", short(key), value_text(v))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

/// The policies' colours. When each policy is a different decision rule,
/// the rule's own colour ([`rule_colour`], the same as in a sweep's rule
/// map whatever order the sweep lists the rules in); otherwise the palette
/// in the policies' order.
pub fn policy_colours(policies: &[Policy]) -> Vec<RGBColor> {
    let rules: Option<Vec<&str>> = policies
        .iter()
        .map(|p| {
            p.settings
                .iter()
                .find(|(k, _)| k == RULE_KEY)
                .and_then(|(_, v)| v.as_str())
                .filter(|s| rule_colour(s).is_some())
        })
        .collect();
    match rules {
        Some(r) if (1..r.len()).all(|i| !r[..i].contains(&r[i])) => {
            r.iter().filter_map(|s| rule_colour(s)).collect()
        }
        _ => (0..policies.len()).map(series_colour).collect(),
    }
}

/// Draws the exploration's charts into `dir/plots`, lists them in the
/// directory's manifest; returns the files written, relative to `dir`.
pub fn draw_all(dir: &Path, ex: &Exploration, r: &Report) -> anyhow::Result<Vec<PathBuf>> {
    let plots = dir.join("plots");
    crate::files::ensure_dir(&plots)?;
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
            result.map_err(|e| e.for_user(&path))?;
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
    crate::manifest::finish(dir, "explore", true)?;
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
        caption: format!(
            "Over the {} sampled coalitions — box: middle half (quartiles); line: median; dot: mean; whiskers: smallest to largest",
            r.points.len()
        ),
        y_label: "Regret (success probability below the best rule's)".into(),
        policies: plot_names(&ex.policies).into_iter().zip(regrets).collect(),
        colours: policy_colours(&ex.policies),
    }
}

/// The sampled coalitions on the two inputs that decide the lead most
/// ([`scatter_axes`]), coloured by the best policy.
pub fn best_scatter(ex: &Exploration, r: &Report) -> Option<BestScatter> {
    if ex.uncertainties.len() < 2 {
        return None;
    }
    let (i, j) = scatter_axes(ex, r);
    let names = plot_names(&ex.policies);
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
            // Drawn only when it restricts the plotted inputs and no
            // other: a rectangle would otherwise hold points outside it.
            let b = &t.result.pasted;
            let restricted: Vec<usize> = (0..b.lo.len())
                .filter(|&k| b.lo[k].is_finite() || b.hi[k].is_finite())
                .collect();
            let shown = !restricted.is_empty() && restricted.iter().all(|&k| k == i || k == j);
            t.reportable()
                && shown
                && (t.kind == "best"
                    || t.kind == "lead"
                    || (t.kind == "shortfall" && t.policy == r.recommended))
        })
        .map(|t| {
            let b = &t.result.pasted;
            let shortfall = t.kind == "shortfall";
            let label = if shortfall {
                format!(
                    "PRIM: {} below {:.2} success",
                    names[t.policy], ex.satisfice
                )
            } else if t.kind == "lead" {
                format!("{} leads", names[t.policy])
            } else {
                format!("PRIM: {} best", names[t.policy])
            };
            Box2 {
                policy: t.policy,
                shortfall,
                label,
                x: (b.lo[i], b.hi[i]),
                y: (b.lo[j], b.hi[j]),
            }
        })
        .collect();
    Some(BestScatter {
        title: format!(
            "{}: which rule is best in each sampled coalition",
            ex.scenario
        ),
        x_label: ex.uncertainties[i].label.clone(),
        y_label: ex.uncertainties[j].label.clone(),
        x_ticks: ex.uncertainties[i].labels(),
        y_ticks: ex.uncertainties[j].labels(),
        colours: policy_colours(&ex.policies),
        policies: names,
        points,
        boxes,
    })
}

/// The two inputs the best-rule chart is drawn on: those that move most
/// the leading policy's lead (its success minus the best other policy's,
/// at each sampled coalition; binned first-order index over the points),
/// since where the best rule changes is what the chart shows. What moves
/// a policy's success most (`Report::influence`) often moves every
/// policy alike and leaves the best rule where it was. Falls back to
/// `influence` when the lead cannot be indexed (one policy, or fewer
/// points than four).
fn scatter_axes(ex: &Exploration, r: &Report) -> (usize, usize) {
    let fallback = (r.influence[0], r.influence[1]);
    let np = ex.policies.len();
    if np < 2 || r.points.len() < 4 {
        return fallback;
    }
    let success: Vec<Vec<f64>> = r
        .points
        .iter()
        .map(|&s| (0..np).map(|p| ex.value(s, p, 0)).collect())
        .collect();
    let lead = lead_target(&success, r.ranking.leader);
    let x: Vec<Vec<f64>> = r.points.iter().map(|&s| ex.numbers(s)).collect();
    // Fifths of each input's range: coarse bins keep the estimate steady
    // at a few hundred points, and only the order of the inputs is used.
    let bins = (r.points.len() / 2).clamp(2, 5);
    let mut scored: Vec<(f64, usize)> = (0..ex.uncertainties.len())
        .filter_map(|u| {
            let xu: Vec<f64> = x.iter().map(|row| row[u]).collect();
            binned_first_order(&xu, &lead, bins).map(|e| (e, u))
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    match scored.as_slice() {
        [(_, a), (_, b), ..] => (*a, *b),
        _ => fallback,
    }
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
        inputs: ex.uncertainties.iter().map(|u| u.label.clone()).collect(),
        policies: plot_names(&ex.policies),
        colours: policy_colours(&ex.policies),
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
                points.push((p, u.label.clone(), m, s));
            }
        }
    }
    MorrisPlane {
        title: format!(
            "{}: how much each input moves success (Morris screening)",
            ex.scenario
        ),
        policies: plot_names(&ex.policies),
        colours: policy_colours(&ex.policies),
        points,
    }
}

fn legend(names: &[String], colours: &[RGBColor]) -> Vec<(String, RGBColor)> {
    names.iter().cloned().zip(colours.iter().copied()).collect()
}

/// `text` cut from the left (`…` first) to at most `max_w` pixels: the end
/// of a name (`checkin_every=4`) tells policies apart, its start does not.
fn fit_left<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: u32,
) -> Result<String, PlotError> {
    if area.estimate_text_size(text, style)?.0 <= max_w {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    for start in 1..chars.len() {
        let candidate = format!("…{}", chars[start..].iter().collect::<String>());
        if area.estimate_text_size(&candidate, style)?.0 <= max_w {
            return Ok(candidate);
        }
    }
    Ok(String::new())
}

/// `text` broken into lines at most `max_w` pixels wide, at ", ", spaces
/// or dots (kept at the end of their line); a piece still too wide is cut
/// from the left.
fn wrap<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    style: &TextStyle,
    max_w: u32,
) -> Result<Vec<String>, PlotError> {
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    for c in text.chars() {
        cur.push(c);
        if c == ' ' || c == '.' {
            pieces.push(std::mem::take(&mut cur));
        }
    }
    if !cur.is_empty() {
        pieces.push(cur);
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for piece in pieces {
        let joined = format!("{line}{piece}");
        if line.is_empty() || area.estimate_text_size(joined.trim_end(), style)?.0 <= max_w {
            line = joined;
        } else {
            lines.push(std::mem::take(&mut line));
            line = piece;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
        .iter()
        .map(|l| fit_left(area, l.trim_end(), style, max_w))
        .collect()
}

/// The legend on the right, each name on as many lines as it needs (split
/// after ", "); returns the plot area left of it.
fn legend_panel<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor)],
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    if entries.is_empty() {
        return Ok(area.clone());
    }
    let style = text_style(LEGEND_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let (w, _) = area.dim_in_pixel();
    let max_text = (w as f64 * 0.24) as u32;
    let mut lines: Vec<Vec<String>> = Vec::new();
    let mut longest = 0;
    for (name, _) in entries {
        let mut ls = Vec::new();
        for part in name.split(", ") {
            let l = fit_left(area, part, &style, max_text)?;
            longest = longest.max(area.estimate_text_size(&l, &style)?.0);
            ls.push(l);
        }
        lines.push(ls);
    }
    let swatch_w = 40;
    let panel_w = swatch_w as u32 + longest + 40;
    let (plot, panel) = area.split_horizontally(w.saturating_sub(panel_w));
    let (line_h, gap) = (26, 12);
    let mut y = 18;
    for ((_, colour), ls) in entries.iter().zip(&lines) {
        let h = line_h * ls.len() as i32;
        let mid = y + line_h / 2;
        panel.draw(&Rectangle::new(
            [(10, mid - 11), (10 + swatch_w, mid + 11)],
            colour.mix(0.9).filled(),
        ))?;
        for (k, l) in ls.iter().enumerate() {
            panel.draw_text(l, &style, (20 + swatch_w, mid + k as i32 * line_h))?;
        }
        y += h + gap;
    }
    Ok(plot)
}

/// One line of explanation under the title, in grey; returns the area below.
fn captioned<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
) -> Result<DrawingArea<DB, Shift>, PlotError> {
    let (w, _) = area.dim_in_pixel();
    let style = text_style(TICK_PX, &NOTE_GREY).pos(Pos::new(HPos::Center, VPos::Top));
    let shown = wrap(area, caption, &style, w.saturating_sub(60))?;
    for (k, l) in shown.iter().enumerate() {
        area.draw_text(l, &style, ((w / 2) as i32, k as i32 * 24))?;
    }
    Ok(area.split_vertically(24 * shown.len() as u32 + 6).1)
}

/// Height of the x label area for category labels wrapped into slots of
/// `slot` pixels (two lines fit the usual 70).
fn x_label_height<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    labels: &[String],
    slot: u32,
) -> Result<u32, PlotError> {
    let style = text_style(TICK_PX, &BLACK);
    let mut most = 1;
    for l in labels {
        most = most.max(wrap(area, l, &style, slot)?.len());
    }
    Ok(70.max(46 + 24 * most as u32))
}

/// Category labels under the x axis at positions 0, 1, …, each wrapped to
/// its slot (the chart's own labels would overprint one another).
fn draw_x_categories<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &ChartContext<'_, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>,
    labels: &[String],
    y_axis: f64,
) -> Result<(), PlotError> {
    let screen = root.use_screen_coord();
    let style = text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Center, VPos::Top));
    let slot = if labels.len() > 1 {
        let a = chart.backend_coord(&(0.0, y_axis)).0;
        let b = chart.backend_coord(&(1.0, y_axis)).0;
        ((b - a).unsigned_abs()).saturating_sub(12)
    } else {
        chart.plotting_area().dim_in_pixel().0
    };
    for (i, label) in labels.iter().enumerate() {
        let (px, py) = chart.backend_coord(&(i as f64, y_axis));
        for (k, line) in wrap(root, label, &style, slot)?.iter().enumerate() {
            screen.draw_text(line, &style, (px, py + 8 + 24 * k as i32))?;
        }
    }
    Ok(())
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
    let area = captioned(&area, &data.caption)?;
    let names: Vec<String> = data.policies.iter().map(|(n, _)| n.clone()).collect();
    let slot = area.dim_in_pixel().0.saturating_sub(150) / n.max(1) as u32;
    let label_h = x_label_height(&area, &names, slot.saturating_sub(12))?;
    let mut chart =
        chart(&area, label_h, 110).build_cartesian_2d(-0.5..n.max(1) as f64 - 0.5, 0.0..top)?;
    mesh(&mut chart)
        .disable_x_mesh()
        .x_labels(0)
        .x_desc("Rule")
        .y_desc(data.y_label.as_str())
        .y_label_formatter(&|v| tick_label(*v))
        .draw()?;
    draw_x_categories(root, &chart, &names, 0.0)?;
    for (i, s) in stats.iter().enumerate() {
        let Some([min, q1, med, q3, max, mean]) = *s else {
            continue;
        };
        let x = i as f64;
        let c = data.colours.get(i).copied().unwrap_or(GREY);
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

/// Do two pixel rectangles ((x0, y0), (x1, y1)) overlap?
fn overlaps(a: ((i32, i32), (i32, i32)), b: ((i32, i32), (i32, i32))) -> bool {
    a.0.0 < b.1.0 && b.0.0 < a.1.0 && a.0.1 < b.1.1 && b.0.1 < a.1.1
}

/// The scatter with PRIM boxes: where a policy is best outlined in its
/// colour, where it falls short dashed in dark red; each box's label inside
/// its top-left corner (above it when the box is too flat) on white.
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
    let mut entries = legend(&data.policies, &data.colours);
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
    let plot = legend_panel(&area, &used)?;
    let fx = |ticks: &Option<Vec<String>>| {
        let t = ticks.clone();
        move |v: &f64| match &t {
            Some(names) => category_formatter(names)(v),
            None => tick_label(*v),
        }
    };
    let (fmt_x, fmt_y) = (fx(&data.x_ticks), fx(&data.y_ticks));
    let mut chart = chart(&plot, 70, 110).build_cartesian_2d(xr.0..xr.1, yr.0..yr.1)?;
    mesh(&mut chart)
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .x_label_formatter(&fmt_x)
        .y_label_formatter(&fmt_y)
        .draw()?;
    chart.draw_series(data.points.iter().map(|&(x, y, b)| {
        let c = b.and_then(|b| data.colours.get(b).copied()).unwrap_or(GREY);
        Circle::new((x, y), 6, c.mix(0.85).filled())
    }))?;
    let clip = |b: &Box2| {
        (
            b.x.0.max(xr.0),
            b.x.1.min(xr.1),
            b.y.0.max(yr.0),
            b.y.1.min(yr.1),
        )
    };
    for b in &data.boxes {
        let (x0, x1, y0, y1) = clip(b);
        if b.shortfall {
            let corners = vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
            chart.draw_series(std::iter::once(DashedPathElement::new(
                corners,
                14,
                8,
                SHORTFALL.stroke_width(3),
            )))?;
        } else {
            let c = data.colours.get(b.policy).copied().unwrap_or(GREY);
            chart.draw_series([
                Rectangle::new([(x0, y0), (x1, y1)], BLACK.stroke_width(5)),
                Rectangle::new([(x0, y0), (x1, y1)], c.stroke_width(3)),
            ])?;
        }
    }
    // Labels last, on white, inside the plot and clear of one another.
    let screen = root.use_screen_coord();
    let (left, top) = chart.backend_coord(&(xr.0, yr.1));
    let (right, bottom) = chart.backend_coord(&(xr.1, yr.0));
    let mut placed: Vec<((i32, i32), (i32, i32))> = Vec::new();
    for b in &data.boxes {
        let (x0, _, y0, y1) = clip(b);
        let colour = if b.shortfall { SHORTFALL } else { BLACK };
        let style = text_style(TICK_PX, &colour).pos(Pos::new(HPos::Left, VPos::Top));
        let (bx, by) = chart.backend_coord(&(x0, y1));
        let (_, by_bottom) = chart.backend_coord(&(x0, y0));
        let room = (right - bx - 16).max(120) as u32;
        let text = fit_left(&screen, &b.label, &style, room)?;
        let (tw, th) = screen.estimate_text_size(&text, &style)?;
        let (tw, th) = (tw as i32, th as i32);
        // Inside the top-left corner, or above the box when it is flatter
        // than the label.
        let mut x = bx + 6;
        let mut y = if by_bottom - by >= th + 12 {
            by + 6
        } else {
            by - th - 8
        };
        x = x.min(right - tw - 6).max(left + 4);
        y = y.min(bottom - th - 6).max(top + 4);
        while placed
            .iter()
            .any(|&r| overlaps(r, ((x - 3, y - 2), (x + tw + 3, y + th + 2))))
            && y + th + 6 < bottom
        {
            y += th + 6;
        }
        let rect = ((x - 3, y - 2), (x + tw + 3, y + th + 2));
        placed.push(rect);
        screen.draw(&Rectangle::new([rect.0, rect.1], WHITE.mix(0.88).filled()))?;
        screen.draw_text(&text, &style, (x, y))?;
    }
    Ok(())
}

/// Grouped bars with whiskers: inputs on the x axis, one bar per policy.
/// The y axis stops at [`INDEX_AXIS`]; a whisker running past it ends in
/// an arrow, and a note says so.
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
    let y0 = (lo.min(0.0) - 0.02).max(INDEX_AXIS.0);
    let y1 = (hi.max(0.1) * 1.08).min(INDEX_AXIS.1);
    let clipped = lo < y0 || hi > y1;
    let area = titled(root, &data.title)?;
    let area = if clipped {
        captioned(
            &area,
            &format!(
                "Arrows: the interval runs past the axis ({} to {}); sensitivity.csv has the full values",
                tick_label(y0),
                tick_label(y1)
            ),
        )?
    } else {
        area
    };
    let plot = legend_panel(&area, &legend(&data.policies, &data.colours))?;
    let names: Vec<String> = data.inputs.clone();
    let slot = plot.dim_in_pixel().0.saturating_sub(150) / k.max(1) as u32;
    let label_h = x_label_height(&plot, &names, slot.saturating_sub(12))?;
    let mut chart =
        chart(&plot, label_h, 110).build_cartesian_2d(-0.5..k.max(1) as f64 - 0.5, y0..y1)?;
    mesh(&mut chart)
        .disable_x_mesh()
        .x_labels(0)
        .x_desc("Uncertain input")
        .y_desc(data.y_label.as_str())
        .y_label_formatter(&|v| tick_label(*v))
        .draw()?;
    draw_x_categories(root, &chart, &names, y0)?;
    let slot = 0.8 / np as f64;
    let dy = (y1 - y0) * 0.025;
    let whisker = |chart: &mut ChartContext<'_, DB, _>, x: f64, lo: f64, hi: f64, c: RGBColor| {
        if lo.is_finite() && hi.is_finite() {
            let s = c.stroke_width(2);
            let cap = slot * 0.15;
            let (a, b) = (lo.clamp(y0, y1), hi.clamp(y0, y1));
            chart.draw_series(std::iter::once(PathElement::new(vec![(x, a), (x, b)], s)))?;
            for (end, cut, dir) in [(a, lo < y0, -1.0), (b, hi > y1, 1.0)] {
                if cut {
                    chart.draw_series(std::iter::once(Polygon::new(
                        vec![
                            (x - cap, end - dir * dy),
                            (x + cap, end - dir * dy),
                            (x, end),
                        ],
                        c.filled(),
                    )))?;
                } else {
                    chart.draw_series(std::iter::once(PathElement::new(
                        vec![(x - cap, end), (x + cap, end)],
                        s,
                    )))?;
                }
            }
        }
        Ok::<(), PlotError>(())
    };
    for p in 0..data.policies.len() {
        let c = data.colours.get(p).copied().unwrap_or(GREY);
        for u in 0..k {
            let x = u as f64 - 0.4 + slot * (p as f64 + 0.5);
            if let Some((e, lo, hi)) = data.wide[p][u] {
                let w = slot * 0.45;
                let e = e.clamp(y0, y1);
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
                    [(x - w, 0.0), (x + w, e.clamp(y0, y1))],
                    c.filled(),
                )))?;
                whisker(&mut chart, x, lo, hi, BLACK)?;
            }
        }
    }
    Ok(())
}

/// μ* (x) against σ (y); each point labelled with its input's full key,
/// placed clear of the other labels and points where there is room (a thin
/// line joins a label set further out to its point).
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
    let plot = legend_panel(&area, &legend(&data.policies, &data.colours))?;
    let mut chart = chart(&plot, 70, 110).build_cartesian_2d(0.0..top, 0.0..top)?;
    mesh(&mut chart)
        .x_desc("μ*: mean absolute effect on success (over the input's range)")
        .y_desc("σ: how much the effect depends on the others")
        .x_label_formatter(&|v| tick_label(*v))
        .y_label_formatter(&|v| tick_label(*v))
        .draw()?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (top, top)],
        GREY.stroke_width(1),
    )))?;
    let shown: Vec<&(usize, String, f64, f64)> = data
        .points
        .iter()
        .filter(|p| p.2.is_finite() && p.3.is_finite())
        .collect();
    for (p, _, m, s) in &shown {
        let c = data.colours.get(*p).copied().unwrap_or(GREY);
        chart.draw_series(std::iter::once(Circle::new((*m, *s), 7, c.filled())))?;
    }
    let screen = root.use_screen_coord();
    let (left, upper) = chart.backend_coord(&(0.0, top));
    let (right, lower) = chart.backend_coord(&(top, 0.0));
    let style = text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Top));
    let dots: Vec<(i32, i32)> = shown
        .iter()
        .map(|p| chart.backend_coord(&(p.2, p.3)))
        .collect();
    let dot_box = |&(x, y): &(i32, i32)| ((x - 8, y - 8), (x + 8, y + 8));
    let mut placed: Vec<((i32, i32), (i32, i32))> = Vec::new();
    for (i, (_, label, _, _)) in shown.iter().enumerate() {
        let (px, py) = dots[i];
        let (tw, th) = screen.estimate_text_size(label, &style)?;
        let (tw, th) = (tw as i32, th as i32);
        // Candidate top-left corners, nearest first: beside the point,
        // then one and two label heights further up or down.
        let mut candidates = Vec::new();
        for ring in 0..4 {
            let dy = ring * (th + 4);
            for (x, y) in [
                (px + 10, py - th - 2 - dy),
                (px + 10, py + 2 + dy),
                (px - 10 - tw, py - th - 2 - dy),
                (px - 10 - tw, py + 2 + dy),
            ] {
                candidates.push((ring, x, y));
            }
        }
        let fits = |&(_, x, y): &(i32, i32, i32)| {
            let r = ((x, y), (x + tw, y + th));
            x >= left
                && x + tw <= right
                && y >= upper
                && y + th <= lower
                && !placed.iter().any(|&q| overlaps(q, r))
                && !dots.iter().any(|d| overlaps(dot_box(d), r))
        };
        let (ring, x, y) = candidates
            .iter()
            .copied()
            .find(fits)
            .unwrap_or(candidates[0]);
        if ring > 0 {
            let anchor = (
                if x > px { x } else { x + tw },
                if y > py { y } else { y + th },
            );
            screen.draw(&PathElement::new(
                vec![(px, py), anchor],
                GREY.stroke_width(1),
            ))?;
        }
        placed.push(((x, y), (x + tw, y + th)));
        screen.draw_text(label, &style, (x, y))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use coalsim_core::study::explore::report::analyse;
    use coalsim_core::study::explore::run::{NM, Plan};
    use coalsim_core::study::explore::{parse_policy, parse_uncertain, policies};

    /// Inputs 0 and 1 move every policy's success alike (what moves the
    /// leader's success most); inputs 2 and 3 decide which policy is
    /// ahead. The best-rule chart is drawn on 2 and 3.
    #[test]
    fn the_best_rule_chart_is_drawn_on_the_inputs_that_decide_the_lead() {
        let keys: Vec<String> = (0..4).map(|j| format!("x{j}")).collect();
        let points = 200;
        let plan = Plan::new(DesignKind::Lhs, points, &keys, 9).unwrap();
        let policies =
            policies(&[parse_policy("governance.decision_rule=majority,consensus").unwrap()]);
        let uncertainties = keys
            .iter()
            .map(|key| parse_uncertain(&format!("{key}=0.0..1.0")).unwrap())
            .collect();
        let mut ex = Exploration {
            scenario: "axes".into(),
            runs: 100,
            seed: 9,
            satisfice: 0.6,
            uncertainties,
            policies,
            plan,
            cells: Vec::new(),
            hits: Vec::new(),
            precision: 0.02,
        };
        for s in 0..points {
            let x = ex.numbers(s);
            let level = 0.1 + 0.3 * x[0] + 0.3 * x[1];
            let lead = 0.08 * (x[2] - 0.5) + 0.06 * (x[3] - 0.5);
            for p in 0..2 {
                let mut cell = [0.0; NM];
                cell[0] = level + if p == 0 { 0.03 + lead } else { 0.0 };
                ex.cells.push(cell);
            }
        }
        let r = analyse(&ex);
        let mut most = [r.influence[0], r.influence[1]];
        most.sort();
        assert_eq!(most, [0, 1], "success moves most with inputs 0 and 1");
        let (i, j) = scatter_axes(&ex, &r);
        let mut axes = [i, j];
        axes.sort();
        assert_eq!(axes, [2, 3]);
        let sc = best_scatter(&ex, &r).unwrap();
        assert_eq!((sc.x_label.as_str(), sc.y_label.as_str()), ("x2", "x3"));
    }
}
