//! The standard set of charts of a result directory, drawn from its CSV
//! files alone — so `coalsim plot DIR` redraws exactly what `batch`, `sweep`
//! and `lesson` drew. Works for a single batch (no `variant` column) and for
//! comparisons (one series per variant).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

use super::plots::{
    Band, BarChart, Heatmap, Histogram, LineBandChart, Others, OthersBar, StackedChart,
    SurvivalChart, SurvivalStep, draw_bars, draw_heatmap, draw_histogram, draw_line_band,
    draw_panels, draw_stacked, draw_survival, rule_colour, save_png, save_svg,
};
use coalsim_core::stats;

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
    /// The grid's keys in plain words (absent in older folders).
    #[serde(default)]
    labels: Vec<KeyLabel>,
}

#[derive(Debug, Default, Deserialize)]
struct KeyLabel {
    key: String,
    label: String,
}

impl Meta {
    /// `key` in plain words, or the key itself.
    fn label(&self, key: &str) -> String {
        self.labels
            .iter()
            .find(|l| l.key == key)
            .map_or_else(|| key.to_string(), |l| l.label.clone())
    }
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

/// Variants in first-seen order (a single batch is one unnamed series "").
#[derive(Default)]
struct Variants {
    names: Vec<String>,
    index: std::collections::HashMap<String, usize>,
}

impl Variants {
    /// The index of variant `name`, added if new.
    fn of(&mut self, name: Option<String>) -> usize {
        let name = name.unwrap_or_default();
        if let Some(&i) = self.index.get(&name) {
            return i;
        }
        self.names.push(name.clone());
        self.index.insert(name, self.names.len() - 1);
        self.names.len() - 1
    }

    /// `rows` grouped by variant (one pass), in variant order.
    fn group<T>(&mut self, rows: Vec<T>, name: impl Fn(&mut T) -> Option<String>) -> Vec<Vec<T>> {
        let mut out: Vec<Vec<T>> = Vec::new();
        for mut row in rows {
            let v = self.of(name(&mut row));
            if out.len() <= v {
                out.resize_with(v + 1, Vec::new);
            }
            out[v].push(row);
        }
        out.resize_with(self.names.len(), Vec::new);
        out
    }
}

fn label(name: &str, fallback: &str) -> String {
    if name.is_empty() {
        fallback.to_string()
    } else {
        name.to_string()
    }
}

/// Above this many variants besides the baseline, a sweep's charts (and
/// its printed reading) show only the [`ENDS`] with the highest and the
/// [`ENDS`] with the lowest success, besides the baseline.
pub const READ_OUT: usize = 2 * ENDS;
/// How many of the best and of the worst variants a chart of many
/// variants shows.
pub const ENDS: usize = 4;

/// The variants a chart draws, from each variant's success rate (variant 0
/// is the baseline): every variant when there are at most [`READ_OUT`]
/// besides the baseline; otherwise the baseline, then the [`ENDS`] with
/// the highest success, highest first, then the [`ENDS`] with the lowest,
/// highest first (ties: the earlier variant first). The same variants, in
/// the same order, as the sweep's printed reading.
pub fn shown_variants(rates: &[f64]) -> Vec<usize> {
    let n = rates.len();
    if n <= READ_OUT + 1 {
        return (0..n).collect();
    }
    let mut rest: Vec<usize> = (1..n).collect();
    rest.sort_by(|&a, &b| rates[b].total_cmp(&rates[a]).then(a.cmp(&b)));
    let mut shown = vec![0];
    shown.extend_from_slice(&rest[..ENDS]);
    shown.extend_from_slice(&rest[rest.len() - ENDS..]);
    shown
}

/// The line under each chart's title saying what it leaves out ("" when
/// it shows every variant); `grey`: whether the chart draws the others in
/// grey (a histogram does not).
pub fn omitted_note(shown: usize, total: usize, grey: bool) -> String {
    if shown >= total {
        return String::new();
    }
    format!(
        "Showing {shown} of {total} variants: the baseline, the {ENDS} with the highest and the {ENDS} with the lowest success; the other {} {} (every variant is in variants.csv and comparison.csv).",
        total - shown,
        if grey { "in grey" } else { "left out" }
    )
}

/// The legend entry of the variants left out.
fn others_label(omitted: usize) -> String {
    format!("{omitted} others (grey: range of their values)")
}

/// Lowest and highest of each x's values over the series left out.
fn envelope<'a>(points: impl Iterator<Item = (f64, f64)> + 'a) -> Vec<(f64, f64, f64)> {
    let mut by_x: BTreeMap<u64, (f64, f64, f64)> = BTreeMap::new();
    for (x, y) in points.filter(|p| p.0.is_finite() && p.1.is_finite()) {
        // Non-negative rounds: the bits of an f64 sort like the value.
        let e = by_x.entry(x.to_bits()).or_insert((x, y, y));
        e.1 = e.1.min(y);
        e.2 = e.2.max(y);
    }
    by_x.into_values().collect()
}

/// Lowest and highest share still going over the survival curves left
/// out, at round 0 and at every round where one of them steps (a curve is
/// 1 before its first step and keeps its last value after its last one).
fn survival_envelope(curves: impl Iterator<Item = Vec<SurvivalStep>>) -> Vec<(f64, f64, f64)> {
    let curves: Vec<Vec<SurvivalStep>> = curves
        .map(|mut c| {
            c.retain(|s| s.1.is_finite());
            c.sort_by_key(|s| s.0);
            c
        })
        .collect();
    let mut times: Vec<u32> = curves.iter().flatten().map(|s| s.0).collect();
    times.push(0);
    times.sort_unstable();
    times.dedup();
    let mut at = vec![0usize; curves.len()];
    times
        .into_iter()
        .map(|t| {
            let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
            for (c, i) in curves.iter().zip(at.iter_mut()) {
                while *i < c.len() && c[*i].0 <= t {
                    *i += 1;
                }
                let s = if *i == 0 { 1.0 } else { c[*i - 1].1 };
                lo = lo.min(s);
                hi = hi.max(s);
            }
            (t as f64, lo, hi)
        })
        .collect()
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
///
/// With more than [`READ_OUT`] variants besides the baseline, the charts
/// of variants show the ones [`shown_variants`] picks and the rest as one
/// grey band (lines), one grey range bar (success) or not at all
/// (histograms), and say so under the title ([`omitted_note`]).
pub fn draw_all(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let c = charts(dir)?;
    let plots = dir.join("plots");
    crate::files::ensure_dir(&plots)?;
    let mut written = Vec::new();
    for (file, chart) in &c.lines {
        written.extend(draw_both!(&plots, file, draw_line_band, chart)?);
    }
    written.extend(draw_both!(&plots, "survival", draw_survival, &c.survival)?);
    if let Some(chart) = &c.incidence {
        written.extend(draw_both!(&plots, "incidence", draw_stacked, chart)?);
    }
    if let Some((title, note, panels)) = &c.incidence_by_ending {
        written.extend(both(
            &plots,
            "incidence_by_ending",
            |root| draw_panels(root, title, note, panels),
            |root| draw_panels(root, title, note, panels),
        )?);
    }
    written.extend(draw_both!(&plots, "success", draw_bars, &c.success)?);
    written.extend(draw_both!(
        &plots,
        "lifetimes",
        draw_histogram,
        &c.lifetimes
    )?);
    written.extend(draw_both!(
        &plots,
        "final_size",
        draw_histogram,
        &c.final_size
    )?);
    if let Some(heat) = &c.heatmap {
        written.extend(draw_both!(&plots, "heatmap", draw_heatmap, heat)?);
    }
    if let Some(heat) = &c.rule_map {
        written.extend(draw_both!(&plots, "rule_map", draw_heatmap, heat)?);
    }
    Ok(written)
}

/// The data of every chart of a result directory ([`draw_all`] draws
/// them), from its CSV files and summary.json.
#[derive(Debug, Clone)]
pub struct Charts {
    /// members, trust, alignment, progress: (file name, chart).
    pub lines: Vec<(&'static str, LineBandChart)>,
    pub survival: SurvivalChart,
    /// One batch: the stacked cumulative incidence.
    pub incidence: Option<StackedChart>,
    /// A comparison: (title, note, one panel per ending).
    pub incidence_by_ending: Option<(String, String, Vec<LineBandChart>)>,
    pub success: BarChart,
    pub lifetimes: Histogram,
    pub final_size: Histogram,
    /// A two-key grid.
    pub heatmap: Option<Heatmap>,
    /// Two keys and the decision rule.
    pub rule_map: Option<Heatmap>,
}

/// The charts of `dir`, summarised from its files (see [`draw_all`]).
pub fn charts(dir: &Path) -> anyhow::Result<Charts> {
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
    let mut vs = Variants::default();
    let mut lines = Vec::new();

    // Success, lifetimes and final sizes from the runs, read first: the
    // success rates pick the variants the charts show.
    // Streamed: memory follows the variants and the distinct values, not
    // the number of runs.
    let runs_path = dir.join("runs.csv");
    let mut reader = csv::Reader::from_path(&runs_path)
        .with_context(|| format!("{}: cannot read", runs_path.display()))?;
    type Tally = (u64, u64, BTreeMap<u32, u64>, BTreeMap<u32, u64>);
    let mut per: Vec<Tally> = Vec::new();
    for (i, row) in reader.deserialize::<RunRow>().enumerate() {
        let r = row.with_context(|| {
            format!(
                "{}: row {}: not a coalsim table",
                runs_path.display(),
                i + 2
            )
        })?;
        let v = vs.of(r.variant);
        if per.len() <= v {
            per.resize_with(v + 1, Tally::default);
        }
        let e = &mut per[v];
        e.0 += 1;
        e.1 += r.success as u64;
        *e.2.entry(r.rounds).or_insert(0) += 1;
        *e.3.entry(r.final_members).or_insert(0) += 1;
    }
    let rates: Vec<f64> = per
        .iter()
        .map(|(n, k, _, _)| *k as f64 / (*n).max(1) as f64)
        .collect();
    let shown = shown_variants(&rates);
    let omitted: Vec<usize> = {
        let mut is_shown = vec![false; rates.len()];
        for &v in &shown {
            is_shown[v] = true;
        }
        (0..rates.len()).filter(|&v| !is_shown[v]).collect()
    };
    let note = omitted_note(shown.len(), rates.len(), true);
    let note_left_out = omitted_note(shown.len(), rates.len(), false);
    // With variants left out, the baseline is marked in every chart (the
    // note names it).
    let names: Vec<String> = vs
        .names
        .iter()
        .enumerate()
        .map(|(v, n)| {
            let n = label(n, &scenario);
            if v == 0 && !omitted.is_empty() {
                format!("{n} (baseline)")
            } else {
                n
            }
        })
        .collect();
    let others_name = others_label(omitted.len());

    // Lines with bands over rounds.
    let rounds: Vec<RoundRow> = read_csv(&dir.join("rounds.csv"))?;
    let rounds = vs.group(rounds, |r| r.variant.take());
    // Each measure with the range its values can take: the band (a
    // t-interval of the mean, rounds.csv's `lo`, `hi`) is drawn clipped to
    // it, since few runs still going late in a batch can stretch a
    // t-interval past what a member count or a share can be.
    let line_charts = [
        (
            "members",
            "members",
            "Members over time",
            "members",
            (0.0, f64::INFINITY),
        ),
        (
            "trust",
            "mean_trust",
            "Trust between members",
            "mean trust (0-1)",
            (0.0, 1.0),
        ),
        (
            "alignment",
            "mean_alignment",
            "Alignment with the agenda",
            "mean alignment (0-1)",
            (0.0, 1.0),
        ),
        (
            "progress",
            "progress_share",
            "Progress toward the goal",
            "share of the goal done (0-1)",
            (0.0, 1.0),
        ),
    ];
    let empty = Vec::new();
    let rows_of = |v: usize| rounds.get(v).unwrap_or(&empty);
    for (file, measure, title, y, (floor, ceiling)) in line_charts {
        let series: Vec<Band> = shown
            .iter()
            .map(|&v| Band {
                name: names[v].clone(),
                points: rows_of(v)
                    .iter()
                    .filter(|r| r.measure == measure)
                    .map(|r| {
                        (
                            r.round as f64,
                            r.mean,
                            r.lo.unwrap_or(r.mean).clamp(floor, ceiling),
                            r.hi.unwrap_or(r.mean).clamp(floor, ceiling),
                        )
                    })
                    .collect(),
            })
            .collect();
        let others = (!omitted.is_empty()).then(|| Others {
            label: others_name.clone(),
            points: envelope(omitted.iter().flat_map(|&v| {
                rows_of(v)
                    .iter()
                    .filter(|r| r.measure == measure)
                    .map(|r| (r.round as f64, r.mean))
            })),
        });
        let chart = LineBandChart {
            title: format!("{scenario}: {} (mean, 95% band)", title.to_lowercase()),
            x_label: "round (weeks)".into(),
            y_label: y.into(),
            series,
            note: note.clone(),
            others,
        };
        lines.push((file, chart));
    }
    drop(rounds);

    // Kaplan–Meier survival.
    let surv: Vec<SurvivalRow> = read_csv(&dir.join("survival.csv"))?;
    let surv = vs.group(surv, |r| r.variant.take());
    let steps_of = |v: usize| -> Vec<SurvivalStep> {
        surv.get(v)
            .map(|rows| {
                rows.iter()
                    .map(|r| (r.round, r.survival, r.lower, r.upper))
                    .collect()
            })
            .unwrap_or_default()
    };
    let survival = SurvivalChart {
        title: format!(
            "{scenario}: how long coalitions last (share still going, Kaplan–Meier, 95% band)"
        ),
        curves: shown
            .iter()
            .map(|&v| (names[v].clone(), steps_of(v)))
            .collect(),
        note: note.clone(),
        others: (!omitted.is_empty()).then(|| Others {
            label: others_name.clone(),
            points: survival_envelope(omitted.iter().map(|&v| steps_of(v))),
        }),
    };
    drop(surv);

    // Cumulative incidence of each ending: a stacked chart for one batch;
    // for a comparison, one panel per ending with a line per variant.
    let inc: Vec<IncidenceRow> = read_csv(&dir.join("incidence.csv"))?;
    let inc = vs.group(inc, |r| r.variant.take());
    let points = |v: usize, ending: &str| -> Vec<&IncidenceRow> {
        inc.get(v)
            .map(|rows| rows.iter().filter(|r| r.ending == ending).collect())
            .unwrap_or_default()
    };
    let with_rows: Vec<usize> = (0..inc.len()).filter(|&v| !inc[v].is_empty()).collect();
    let incidence = if let [v] = with_rows[..] {
        Some(StackedChart {
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
        })
    } else {
        None
    };
    let incidence_by_ending = if with_rows.len() > 1 {
        let panels: Vec<LineBandChart> = ENDING_STYLE
            .iter()
            .map(|&(e, words, _)| LineBandChart {
                title: words.to_string(),
                x_label: "round (weeks)".into(),
                y_label: "share of runs".into(),
                series: shown
                    .iter()
                    .map(|&v| Band {
                        name: names[v].clone(),
                        points: points(v, e)
                            .iter()
                            .map(|r| (r.round as f64, r.incidence, r.lower, r.upper))
                            .collect(),
                    })
                    .collect(),
                note: String::new(),
                others: (!omitted.is_empty()).then(|| Others {
                    label: others_name.clone(),
                    points: envelope(omitted.iter().flat_map(|&v| {
                        points(v, e)
                            .into_iter()
                            .map(|r| (r.round as f64, r.incidence))
                    })),
                }),
            })
            .collect();
        let title = format!("{scenario}: cumulative incidence of each ending (95% bands)");
        Some((title, note.clone(), panels))
    } else {
        None
    };
    drop(inc);

    // Success: with variants left out, sorted from the highest success
    // down, the others as one grey bar from their lowest to their highest.
    let wilson = |v: usize| {
        let (n, k, _, _) = &per[v];
        let (lo, hi) = stats::wilson_interval(*k, *n, stats::Z95);
        (names[v].clone(), rates[v], lo, hi)
    };
    let mut order: Vec<usize> = (0..shown.len()).collect();
    let others_bar = if omitted.is_empty() {
        None
    } else {
        order.sort_by(|&a, &b| rates[shown[b]].total_cmp(&rates[shown[a]]).then(a.cmp(&b)));
        let (lo, hi) = omitted
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
                (lo.min(rates[v]), hi.max(rates[v]))
            });
        let mean = omitted.iter().map(|&v| rates[v]).sum::<f64>() / omitted.len() as f64;
        Some(OthersBar {
            position: order.iter().filter(|&&i| rates[shown[i]] >= mean).count(),
            label: format!("{} others", omitted.len()),
            lo,
            hi,
        })
    };
    let bars = BarChart {
        title: format!("{scenario}: success probability (95% Wilson interval)"),
        y_label: "probability of reaching the goal".into(),
        bars: order.iter().map(|&i| wilson(shown[i])).collect(),
        note: note.clone(),
        palette: order.clone(),
        others: others_bar,
    };
    let life = Histogram {
        title: format!("{scenario}: how long coalitions lasted"),
        x_label: "lifetime (rounds, weeks)".into(),
        series: shown
            .iter()
            .map(|&v| (names[v].clone(), per[v].2.clone().into_iter().collect()))
            .collect(),
        note: note_left_out.clone(),
    };
    let size = Histogram {
        title: format!("{scenario}: coalition size at the end"),
        x_label: "final members".into(),
        series: shown
            .iter()
            .map(|&v| (names[v].clone(), per[v].3.clone().into_iter().collect()))
            .collect(),
        note: note_left_out.clone(),
    };
    // Heatmap of a two-key grid.
    let mut heatmap = None;
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
            x_label: meta.label(&keys[0]),
            y_label: meta.label(&keys[1]),
            x_values: xs,
            y_values: ys,
            cells,
            categories: None,
        };
        heatmap = Some(heat);
    }
    // Rule map: a grid of two keys × the decision rule.
    let mut rule_map_chart = None;
    if let Some(keys) = meta
        .grid
        .as_ref()
        .filter(|k| k.len() == 3 && k[2] == RULE_KEY)
    {
        let table: Vec<BTreeMap<String, String>> = read_csv(&dir.join("variants.csv"))?;
        let mut map = rule_map(&table, &keys[0], &keys[1], &scenario);
        map.x_label = meta.label(&keys[0]);
        map.y_label = meta.label(&keys[1]);
        rule_map_chart = Some(map);
    }
    Ok(Charts {
        lines,
        survival,
        incidence,
        incidence_by_ending,
        success: bars,
        lifetimes: life,
        final_size: size,
        heatmap,
        rule_map: rule_map_chart,
    })
}

/// The grid key that a rule map compares.
pub use crate::plots::RULE_KEY;

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
    // The rules in their fixed order, each in its fixed colour (as in
    // `explore`'s charts), whatever order the sweep listed them in.
    let place = |r: &String| {
        coalsim_core::scenario::DecisionRule::ALL
            .iter()
            .position(|d| d.name() == r)
            .unwrap_or(usize::MAX)
    };
    rules.sort_by_key(place);
    let colours: Vec<(u8, u8, u8)> = rules
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let c = rule_colour(r).unwrap_or(super::plots::OKABE_ITO[k % 8]);
            (c.0, c.1, c.2)
        })
        .collect();
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
            colours,
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
