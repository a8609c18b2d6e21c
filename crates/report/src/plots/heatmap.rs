//! Heatmaps of a value over two settings, with a colour bar or a legend
//! of categories (the rule map).

use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::colours::*;
use super::frame::*;

/// A grid of values with the value printed in each cell.
///
/// `cells[row][col]` belongs to `y_values[row]` and `x_values[col]`; row 0
/// is drawn at the bottom. Missing cells (ragged rows) and NaN show as grey
/// "n/a". The colour scale is fixed to [0, 1] when all values lie there
/// (probabilities stay comparable across charts), otherwise it spans the
/// data.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Heatmap {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub x_values: Vec<String>,
    pub y_values: Vec<String>,
    pub cells: Vec<Vec<f64>>,
    /// A categorical map instead of a colour scale: each cell coloured by
    /// its category (e.g. the best decision rule), with its own label.
    #[serde(default)]
    pub categories: Option<Categories>,
}

/// The categorical layer of a [`Heatmap`].
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Categories {
    /// Category names, in legend order (colours from [`OKABE_ITO`]).
    pub names: Vec<String>,
    /// Category of each cell, `index[row][col]` into `names`.
    pub index: Vec<Vec<usize>>,
    /// Text printed in each cell.
    pub labels: Vec<Vec<String>>,
    /// Whether the cell's category is clearly ahead (its label is marked
    /// with ≈ by the caller otherwise).
    pub clear: Vec<Vec<bool>>,
    /// Colour of each category as (r, g, b) (a decision rule's
    /// [`rule_colour`]); empty: [`OKABE_ITO`] in the order of `names`.
    #[serde(default)]
    pub colours: Vec<(u8, u8, u8)>,
}

impl Categories {
    /// The colour of category `k`.
    pub fn colour(&self, k: usize) -> RGBColor {
        match self.colours.get(k) {
            Some(&(r, g, b)) => RGBColor(r, g, b),
            None => OKABE_ITO[k % OKABE_ITO.len()],
        }
    }
}

/// Success-probability heatmap with each value printed in its cell and a
/// colour scale on the right.
pub fn draw_heatmap<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    data: &Heatmap,
) -> Result<(), PlotError> {
    ensure_font()?;
    // Summarise.
    let (nx, ny) = (data.x_values.len(), data.y_values.len());
    let cell = |row: usize, col: usize| {
        data.cells
            .get(row)
            .and_then(|r| r.get(col))
            .copied()
            .unwrap_or(f64::NAN)
    };
    let range = finite_range(
        (0..ny)
            .flat_map(|r| (0..nx).map(move |c| (r, c)))
            .map(|(r, c)| cell(r, c)),
    );
    let (v0, v1) = match range {
        Some((lo, hi)) if lo >= 0.0 && hi <= 1.0 => (0.0, 1.0),
        Some(r) => padded(r, 0.0),
        None => (0.0, 1.0),
    };
    let scale = |v: f64| (v - v0) / (v1 - v0);

    // Draw.
    let area = titled(root, &data.title)?;
    if nx == 0 || ny == 0 {
        return draw_no_data(&area, &data.x_label, &data.y_label);
    }
    let (w, _) = area.dim_in_pixel();
    // A legend of categories is as wide as its longest name (swatch, gap,
    // name, margin), and never narrower than the colour bar's area.
    let mut side_w = COLOUR_BAR_W;
    if let Some(c) = data.categories.as_ref() {
        let legend_style = text_style(TICK_PX, &BLACK);
        for name in &c.names {
            side_w = side_w.max(42 + text_width(&area, name, &legend_style)? + 12);
        }
    }
    let (plot_area, bar_area) = area.split_horizontally(w.saturating_sub(side_w));
    let (pw, _) = plot_area.dim_in_pixel();
    let (_, ph) = plot_area.dim_in_pixel();
    let tick_style = text_style(TICK_PX, &BLACK);
    let mut y_names = Vec::with_capacity(ny);
    let mut y_names_w = 0;
    for name in &data.y_values {
        let shown = fit_text(&area, name, &tick_style, 200)?;
        y_names_w = y_names_w.max(text_width(&area, &shown, &tick_style)?);
        y_names.push(shown);
    }
    let y_area = y_names_w + LABEL_PX + 50;
    // Label every k-th row/column when the cells are too small for text,
    // so dense grids get readable (sparser) labels instead of clipped ones.
    let row_px = ph.saturating_sub(HEATMAP_TOP + HEATMAP_BOTTOM + HEATMAP_X_AREA) / ny as u32;
    let every_y = (TICK_PX + 6).div_ceil(row_px.max(1)) as usize;
    for (i, name) in y_names.iter_mut().enumerate() {
        if i % every_y != 0 {
            name.clear();
        }
    }
    let col_px = pw.saturating_sub(y_area + 40) / nx as u32;
    let mut widest = 0;
    for name in &data.x_values {
        widest = widest.max(text_width(&area, name, &tick_style)?.min(200));
    }
    let every_x = (widest + 10).div_ceil(col_px.max(1)).max(1) as usize;
    let slot = (col_px * every_x as u32).saturating_sub(10);
    let mut x_names = Vec::with_capacity(nx);
    for (i, name) in data.x_values.iter().enumerate() {
        x_names.push(if i % every_x == 0 {
            fit_text(&area, name, &tick_style, slot)?
        } else {
            String::new()
        });
    }
    let name_at = |names: &[String], v: f64| {
        let i = (v - 0.5).round();
        if i >= 0.0 && (i as usize) < names.len() && (v - 0.5 - i).abs() < 1e-6 {
            names[i as usize].clone()
        } else {
            String::new()
        }
    };
    let x_fmt = |v: &f64| name_at(&x_names, *v);
    let y_fmt = |v: &f64| name_at(&y_names, *v);
    let mut chart = ChartBuilder::on(&plot_area)
        .margin_top(HEATMAP_TOP)
        .margin_bottom(HEATMAP_BOTTOM)
        .margin_left(20)
        .margin_right(20)
        .x_label_area_size(HEATMAP_X_AREA)
        .y_label_area_size(y_area)
        .build_cartesian_2d(
            ticked(0.0..nx as f64, (0..nx).map(|i| i as f64 + 0.5).collect()),
            ticked(0.0..ny as f64, (0..ny).map(|i| i as f64 + 0.5).collect()),
        )?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .axis_desc_style(font(LABEL_PX))
        .label_style(font(TICK_PX))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&y_fmt)
        .draw()?;
    // Cell size in pixels decides the in-cell font (skipped when too small).
    let (cw, ch) = chart.plotting_area().dim_in_pixel();
    let (cw, ch) = (f64::from(cw) / nx as f64, f64::from(ch) / ny as f64);
    // Category labels are longer than numbers ("supermajority 78%").
    let chars = data
        .categories
        .as_ref()
        .and_then(|c| c.labels.iter().flatten().map(|l| l.chars().count()).max())
        .unwrap_or(5)
        .max(5) as f64;
    let cell_px = (ch * 0.4).min(cw / (0.52 * chars)).min(24.0);
    let cats = data.categories.as_ref();
    for row in 0..ny {
        for col in 0..nx {
            let v = cell(row, col);
            let colour = match cats {
                Some(c) => {
                    let k = c.index.get(row).and_then(|r| r.get(col)).copied();
                    let clear = c
                        .clear
                        .get(row)
                        .and_then(|r| r.get(col))
                        .copied()
                        .unwrap_or(true);
                    match k {
                        Some(k) if clear => c.colour(k),
                        Some(k) => pale(c.colour(k)),
                        None => viridis(f64::NAN),
                    }
                }
                None if v.is_finite() => viridis(scale(v)),
                None => viridis(f64::NAN),
            };
            let (x, y) = (col as f64, row as f64);
            let mut rect = Rectangle::new([(x, y), (x + 1.0, y + 1.0)], colour.filled());
            rect.set_margin(1, 1, 1, 1);
            chart.draw_series(std::iter::once(rect))?;
            if cell_px >= 10.0 {
                let label = match cats {
                    Some(c) => c
                        .labels
                        .get(row)
                        .and_then(|r| r.get(col))
                        .cloned()
                        .unwrap_or_default(),
                    None if v.is_finite() => format!("{v:.2}"),
                    None => "n/a".to_string(),
                };
                chart.draw_series(std::iter::once(Text::new(
                    label,
                    (x + 0.5, y + 0.5),
                    text_style(cell_px as u32, &contrast_text(colour))
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                )))?;
            }
        }
    }
    match cats {
        Some(c) => draw_category_legend(&bar_area, c),
        None => draw_colour_bar(&bar_area, v0, v1, range.is_some()),
    }
}

fn draw_category_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    c: &Categories,
) -> Result<(), PlotError> {
    let style = text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Left, VPos::Center));
    let row_h = (TICK_PX + 12) as i32;
    let mut y = HEATMAP_TOP as i32 + 10;
    for (k, name) in c.names.iter().enumerate() {
        let colour = c.colour(k);
        area.draw(&Rectangle::new([(10, y - 9), (34, y + 9)], colour.filled()))?;
        area.draw_text(name, &style, (42, y))?;
        y += row_h;
    }
    y += row_h / 2;
    // A pale swatch: pale cells (marked ≈ where their label fits).
    let swatch = c.colour(0);
    area.draw(&Rectangle::new([(10, y - 9), (22, y + 9)], swatch.filled()))?;
    area.draw(&Rectangle::new(
        [(22, y - 9), (34, y + 9)],
        pale(swatch).filled(),
    ))?;
    area.draw_text("pale, ≈:", &style, (42, y))?;
    area.draw_text("not clearly", &style, (10, y + row_h - 4))?;
    area.draw_text("ahead of the", &style, (10, y + 2 * (row_h - 4)))?;
    area.draw_text("runner-up", &style, (10, y + 3 * (row_h - 4)))?;
    Ok(())
}

const COLOUR_BAR_W: u32 = 170;
const HEATMAP_TOP: u32 = 44;
const HEATMAP_BOTTOM: u32 = 20;
const HEATMAP_X_AREA: u32 = 70;

/// Vertical colour scale for [v0, v1] with tick labels on its right.
fn draw_colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    v0: f64,
    v1: f64,
    probability_scale: bool,
) -> Result<(), PlotError> {
    let caption = if probability_scale && v0 == 0.0 && v1 == 1.0 {
        "Probability"
    } else {
        "Value"
    };
    // The bar spans the same rows as the heatmap's plotting area.
    let bar_w = 34;
    area.draw_text(
        caption,
        &text_style(TICK_PX, &BLACK).pos(Pos::new(HPos::Center, VPos::Center)),
        (10 + (bar_w + 80) / 2, HEATMAP_TOP as i32 / 2),
    )?;
    let ticks = nice_ticks(v0, v1, 5);
    let mut chart = ChartBuilder::on(area)
        .margin_top(HEATMAP_TOP)
        .margin_bottom(HEATMAP_BOTTOM + HEATMAP_X_AREA)
        .margin_left(10)
        .margin_right(COLOUR_BAR_W - 10 - bar_w as u32 - 80)
        .set_label_area_size(LabelAreaPosition::Right, 80)
        .build_cartesian_2d(0.0..1.0, ticked(v0..v1, ticks))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .set_all_tick_mark_size(6)
        .axis_style(BLACK.mix(0.6))
        .label_style(font(TICK_PX))
        .y_label_formatter(&|v| tick_label(*v))
        .draw()?;
    let steps = 100;
    let strips = (0..steps).map(|i| {
        let a = v0 + (v1 - v0) * i as f64 / steps as f64;
        let b = v0 + (v1 - v0) * (i + 1) as f64 / steps as f64;
        let t = (i as f64 + 0.5) / steps as f64;
        Rectangle::new([(0.0, a), (1.0, b)], viridis(t).filled())
    });
    chart.draw_series(strips)?;
    Ok(())
}
