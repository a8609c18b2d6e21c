//! The standard set of charts of a result directory, drawn from its CSV
//! files alone — so `coalsim plot DIR` redraws exactly what `batch`, `sweep`
//! and `lesson` drew. Works for a single batch (no `variant` column) and for
//! comparisons (one series per variant).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use super::plots::{
    Band, BarChart, Heatmap, Histogram, LineBandChart, StackedChart, SurvivalChart, draw_bars,
    draw_heatmap, draw_histogram, draw_line_band, draw_panels, draw_stacked, draw_survival,
    save_png, save_svg,
};
use crate::stats;

#[derive(Debug, Deserialize)]
struct RoundRow {
    #[serde(default)]
    variant: Option<String>,
    round: u32,
    measure: String,
    mean: f64,
    lo: Option<f64>,
    hi: Option<f64>,
}

/// An interval bound read back from a table: a blank cell (no interval from
/// fewer than two runs) is NaN, which the charts skip.
fn blank_is_nan<'de, D: serde::Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
    Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
}

#[derive(Debug, Deserialize)]
struct SurvivalRow {
    #[serde(default)]
    variant: Option<String>,
    round: u32,
    survival: f64,
    #[serde(deserialize_with = "blank_is_nan")]
    lower: f64,
    #[serde(deserialize_with = "blank_is_nan")]
    upper: f64,
}

#[derive(Debug, Deserialize)]
struct IncidenceRow {
    #[serde(default)]
    variant: Option<String>,
    round: u32,
    ending: String,
    incidence: f64,
    #[serde(deserialize_with = "blank_is_nan")]
    lower: f64,
    #[serde(deserialize_with = "blank_is_nan")]
    upper: f64,
}

/// The endings of incidence.csv, bottom layer first, with their words and
/// palette colours (the same colour for an ending in every chart).
const ENDING_STYLE: [(&str, &str, usize); 4] = [
    ("goal", "reached the goal", 2),
    ("sunset", "closed with a sunset", 0),
    ("dissolved", "fell apart", 5),
    ("still_going", "still going", 7),
];

#[derive(Debug, Deserialize)]
struct RunRow {
    #[serde(default)]
    variant: Option<String>,
    rounds: u32,
    final_members: u32,
    success: bool,
}

/// What the directory's summary.json says about the plots.
#[derive(Debug, Default, Deserialize)]
struct Meta {
    #[serde(default)]
    scenario: String,
    /// For a two-key sweep, the keys of the grid (x, then y).
    #[serde(default)]
    grid: Option<Vec<String>>,
}

fn read_csv<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("{}: cannot read", path.display()))?;
    let mut out = Vec::new();
    for (i, row) in r.deserialize().enumerate() {
        out.push(
            row.with_context(|| format!("{}: row {}: not a coalsim table", path.display(), i + 2))?,
        );
    }
    Ok(out)
}

/// Variant names in first-seen order (a single batch is one unnamed series).
fn order<'a>(names: impl Iterator<Item = &'a Option<String>>) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for n in names {
        let n = n.clone().unwrap_or_default();
        if !seen.contains(&n) {
            seen.push(n);
        }
    }
    seen
}

fn label(name: &str, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

/// Draws one chart as `NAME.png` and `NAME.svg` (the drawing function is
/// generic over the backend, so it is named once and instantiated twice).
macro_rules! draw_both {
    ($dir:expr, $name:expr, $draw:ident, $data:expr) => {
        both(
            $dir,
            $name,
            |root| $draw(root, $data),
            |root| $draw(root, $data),
        )
    };
}

/// Draws every chart of `dir` into `dir/plots/` as PNG and SVG; returns the
/// files written.
pub fn draw_all(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let meta: Meta = match std::fs::read_to_string(dir.join("summary.json")) {
        Ok(text) => serde_json::from_str(&text).with_context(|| {
            format!(
                "{}: not a coalsim summary",
                dir.join("summary.json").display()
            )
        })?,
        Err(_) => Meta::default(),
    };
    let scenario = if meta.scenario.is_empty() {
        "coalsim".to_string()
    } else {
        meta.scenario.clone()
    };
    let plots = dir.join("plots");
    crate::output::files::ensure_dir(&plots)?;
    let mut written = Vec::new();

    // Lines with bands over rounds.
    let rounds: Vec<RoundRow> = read_csv(&dir.join("rounds.csv"))?;
    let variants = order(rounds.iter().map(|r| &r.variant));
    let line_charts = [
        ("members", "members", "Members over time", "members"),
        (
            "trust",
            "mean_trust",
            "Trust between members",
            "mean trust (0-1)",
        ),
        (
            "alignment",
            "mean_alignment",
            "Alignment with the agenda",
            "mean alignment (0-1)",
        ),
        (
            "progress",
            "progress_share",
            "Progress toward the goal",
            "share of the goal done (0-1)",
        ),
    ];
    for (file, measure, title, y) in line_charts {
        let series: Vec<Band> = variants
            .iter()
            .map(|v| Band {
                name: label(v, &scenario),
                points: rounds
                    .iter()
                    .filter(|r| r.variant.clone().unwrap_or_default() == *v && r.measure == measure)
                    .map(|r| {
                        (
                            r.round as f64,
                            r.mean,
                            r.lo.unwrap_or(r.mean),
                            r.hi.unwrap_or(r.mean),
                        )
                    })
                    .collect(),
            })
            .collect();
        let chart = LineBandChart {
            title: format!("{scenario}: {} (mean, 95% band)", title.to_lowercase()),
            x_label: "round (weeks)".into(),
            y_label: y.into(),
            series,
        };
        written.extend(draw_both!(&plots, file, draw_line_band, &chart)?);
    }

    // Kaplan–Meier survival.
    let surv: Vec<SurvivalRow> = read_csv(&dir.join("survival.csv"))?;
    let sv = order(surv.iter().map(|r| &r.variant));
    let chart = SurvivalChart {
        title: format!(
            "{scenario}: how long coalitions last (share still going, Kaplan–Meier, 95% band)"
        ),
        curves: sv
            .iter()
            .map(|v| {
                (
                    label(v, &scenario),
                    surv.iter()
                        .filter(|r| r.variant.clone().unwrap_or_default() == *v)
                        .map(|r| (r.round, r.survival, r.lower, r.upper))
                        .collect(),
                )
            })
            .collect(),
    };
    written.extend(draw_both!(&plots, "survival", draw_survival, &chart)?);

    // Cumulative incidence of each ending: a stacked chart for one batch;
    // for a comparison, one panel per ending with a line per variant.
    let inc: Vec<IncidenceRow> = read_csv(&dir.join("incidence.csv"))?;
    let iv = order(inc.iter().map(|r| &r.variant));
    let points = |v: &str, ending: &str| -> Vec<&IncidenceRow> {
        inc.iter()
            .filter(|r| r.variant.as_deref().unwrap_or_default() == v && r.ending == ending)
            .collect()
    };
    if let [v] = &iv[..] {
        let chart = StackedChart {
            title: format!(
                "{scenario}: how the coalitions ended, week by week (cumulative incidence)"
            ),
            x_label: "round (weeks)".into(),
            y_label: "share of runs".into(),
            layers: ENDING_STYLE
                .iter()
                .map(|&(e, words, colour)| {
                    (
                        words.to_string(),
                        colour,
                        points(v, e)
                            .iter()
                            .map(|r| (r.round as f64, r.incidence))
                            .collect(),
                    )
                })
                .collect(),
        };
        written.extend(draw_both!(&plots, "incidence", draw_stacked, &chart)?);
    }
    if iv.len() > 1 {
        let panels: Vec<LineBandChart> = ENDING_STYLE
            .iter()
            .map(|&(e, words, _)| LineBandChart {
                title: words.to_string(),
                x_label: "round (weeks)".into(),
                y_label: "share of runs".into(),
                series: iv
                    .iter()
                    .map(|v| Band {
                        name: label(v, &scenario),
                        points: points(v, e)
                            .iter()
                            .map(|r| (r.round as f64, r.incidence, r.lower, r.upper))
                            .collect(),
                    })
                    .collect(),
            })
            .collect();
        let title = format!("{scenario}: cumulative incidence of each ending (95% bands)");
        written.extend(both(
            &plots,
            "incidence_by_ending",
            |root| draw_panels(root, &title, &panels),
            |root| draw_panels(root, &title, &panels),
        )?);
    }

    // Success, lifetimes and final sizes from the runs.
    // Streamed: memory follows the variants and the distinct values, not
    // the number of runs.
    let runs_path = dir.join("runs.csv");
    let mut reader = csv::Reader::from_path(&runs_path)
        .with_context(|| format!("{}: cannot read", runs_path.display()))?;
    let mut rv: Vec<String> = Vec::new();
    type Tally = (u64, u64, BTreeMap<u32, u64>, BTreeMap<u32, u64>);
    let mut per: BTreeMap<usize, Tally> = BTreeMap::new();
    for (i, row) in reader.deserialize::<RunRow>().enumerate() {
        let r = row.with_context(|| {
            format!(
                "{}: row {}: not a coalsim table",
                runs_path.display(),
                i + 2
            )
        })?;
        let name = r.variant.unwrap_or_default();
        let v = match rv.iter().position(|x| *x == name) {
            Some(v) => v,
            None => {
                rv.push(name);
                rv.len() - 1
            }
        };
        let e = per.entry(v).or_default();
        e.0 += 1;
        e.1 += r.success as u64;
        *e.2.entry(r.rounds).or_insert(0) += 1;
        *e.3.entry(r.final_members).or_insert(0) += 1;
    }
    let bars = BarChart {
        title: format!("{scenario}: success probability (95% Wilson interval)"),
        y_label: "probability of reaching the goal".into(),
        bars: per
            .iter()
            .map(|(&v, (n, k, _, _))| {
                let (lo, hi) = stats::wilson_interval(*k, *n, stats::Z95);
                (label(&rv[v], &scenario), *k as f64 / *n as f64, lo, hi)
            })
            .collect(),
    };
    written.extend(draw_both!(&plots, "success", draw_bars, &bars)?);
    let life = Histogram {
        title: format!("{scenario}: how long coalitions lasted"),
        x_label: "lifetime (rounds, weeks)".into(),
        series: per
            .iter()
            .map(|(&v, e)| (label(&rv[v], &scenario), e.2.clone().into_iter().collect()))
            .collect(),
    };
    written.extend(draw_both!(&plots, "lifetimes", draw_histogram, &life)?);
    let size = Histogram {
        title: format!("{scenario}: coalition size at the end"),
        x_label: "final members".into(),
        series: per
            .iter()
            .map(|(&v, e)| (label(&rv[v], &scenario), e.3.clone().into_iter().collect()))
            .collect(),
    };
    written.extend(draw_both!(&plots, "final_size", draw_histogram, &size)?);

    // Heatmap of a two-key grid.
    if let Some(keys) = meta.grid.as_ref().filter(|k| k.len() == 2) {
        let table: Vec<BTreeMap<String, String>> = read_csv(&dir.join("variants.csv"))?;
        let mut xs: Vec<String> = Vec::new();
        let mut ys: Vec<String> = Vec::new();
        for row in &table {
            let (x, y) = (
                row.get(&keys[0]).cloned().unwrap_or_default(),
                row.get(&keys[1]).cloned().unwrap_or_default(),
            );
            if !xs.contains(&x) {
                xs.push(x);
            }
            if !ys.contains(&y) {
                ys.push(y);
            }
        }
        let mut cells = vec![vec![f64::NAN; xs.len()]; ys.len()];
        for row in &table {
            let x = xs.iter().position(|v| Some(v) == row.get(&keys[0]));
            let y = ys.iter().position(|v| Some(v) == row.get(&keys[1]));
            let p = row
                .get("success")
                .and_then(|s| s.parse::<f64>().ok())
                .unwrap_or(f64::NAN);
            if let (Some(x), Some(y)) = (x, y) {
                cells[y][x] = p;
            }
        }
        let heat = Heatmap {
            title: format!("{scenario}: success probability"),
            x_label: keys[0].clone(),
            y_label: keys[1].clone(),
            x_values: xs,
            y_values: ys,
            cells,
            categories: None,
        };
        written.extend(draw_both!(&plots, "heatmap", draw_heatmap, &heat)?);
    }
    // Rule map: a grid of two keys × the decision rule.
    if let Some(keys) = meta
        .grid
        .as_ref()
        .filter(|k| k.len() == 3 && k[2] == RULE_KEY)
    {
        let table: Vec<BTreeMap<String, String>> = read_csv(&dir.join("variants.csv"))?;
        let heat = rule_map(&table, &keys[0], &keys[1], &scenario);
        written.extend(draw_both!(&plots, "rule_map", draw_heatmap, &heat)?);
    }
    Ok(written)
}

/// The grid key that a rule map compares.
pub const RULE_KEY: &str = "governance.decision_rule";

/// The best decision rule in each cell of an x × y grid, from the rows of
/// variants.csv: the rule with the highest success, marked "≈" unless its
/// 95% Wilson interval lies entirely above the runner-up's (clearly ahead).
pub fn rule_map(
    table: &[BTreeMap<String, String>],
    x_key: &str,
    y_key: &str,
    scenario: &str,
) -> Heatmap {
    let get = |row: &BTreeMap<String, String>, k: &str| row.get(k).cloned().unwrap_or_default();
    let num = |row: &BTreeMap<String, String>, k: &str| {
        row.get(k)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
    };
    let (mut xs, mut ys, mut rules): (Vec<String>, Vec<String>, Vec<String>) =
        (Vec::new(), Vec::new(), Vec::new());
    for row in table {
        for (list, v) in [
            (&mut xs, get(row, x_key)),
            (&mut ys, get(row, y_key)),
            (&mut rules, get(row, RULE_KEY)),
        ] {
            if !list.contains(&v) {
                list.push(v);
            }
        }
    }
    let mut cells = vec![vec![f64::NAN; xs.len()]; ys.len()];
    let mut index = vec![vec![0usize; xs.len()]; ys.len()];
    let mut labels = vec![vec![String::new(); xs.len()]; ys.len()];
    let mut clear = vec![vec![false; xs.len()]; ys.len()];
    for (r, y) in ys.iter().enumerate() {
        for (c, x) in xs.iter().enumerate() {
            // (success, lo, hi, rule index) of every rule in this cell.
            let mut arms: Vec<(f64, f64, f64, usize)> = table
                .iter()
                .filter(|row| &get(row, x_key) == x && &get(row, y_key) == y)
                .map(|row| {
                    let k = rules
                        .iter()
                        .position(|v| *v == get(row, RULE_KEY))
                        .unwrap_or(0);
                    (
                        num(row, "success"),
                        num(row, "success_lo"),
                        num(row, "success_hi"),
                        k,
                    )
                })
                .filter(|a| a.0.is_finite())
                .collect();
            arms.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.3.cmp(&b.3)));
            if let Some(best) = arms.first() {
                cells[r][c] = best.0;
                index[r][c] = best.3;
                clear[r][c] = arms.get(1).is_none_or(|second| best.1 > second.2);
                labels[r][c] = format!(
                    "{}{} {:.0}%",
                    if clear[r][c] { "" } else { "≈ " },
                    rules[best.3],
                    100.0 * best.0
                );
            }
        }
    }
    Heatmap {
        title: format!("{scenario}: best decision rule by success"),
        x_label: x_key.to_string(),
        y_label: y_key.to_string(),
        x_values: xs,
        y_values: ys,
        cells,
        categories: Some(super::plots::Categories {
            names: rules,
            index,
            labels,
            clear,
        }),
    }
}

type PngArea<'a> =
    plotters::drawing::DrawingArea<super::plots::PngBackend<'a>, plotters::coord::Shift>;
type SvgArea<'a> =
    plotters::drawing::DrawingArea<plotters::backend::SVGBackend<'a>, plotters::coord::Shift>;

fn both(
    dir: &Path,
    name: &str,
    png: impl FnOnce(&PngArea<'_>) -> Result<(), super::plots::PlotError>,
    svg: impl FnOnce(&SvgArea<'_>) -> Result<(), super::plots::PlotError>,
) -> anyhow::Result<Vec<PathBuf>> {
    let p = dir.join(format!("{name}.png"));
    let s = dir.join(format!("{name}.svg"));
    save_png(&p, png).map_err(|e| e.for_user(&p))?;
    save_svg(&s, svg).map_err(|e| e.for_user(&s))?;
    Ok(vec![p, s])
}
