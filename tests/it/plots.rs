//! Rendering tests for `coalsim_report::plots`.
//!
//! Set `COALSIM_PLOT_GALLERY=/some/dir` to also keep one PNG and one SVG of
//! each chart there for looking at.

use std::path::{Path, PathBuf};

use coalsim_core::stats::kaplan_meier;
use coalsim_report::plots::{
    self, Band, BarChart, HEIGHT, Heatmap, Histogram, LineBandChart, PlotError, SurvivalChart,
    WIDTH, draw_bars, draw_heatmap, draw_histogram, draw_line_band, draw_survival, save_png,
    save_svg,
};
use plotters::prelude::*;

/// Deterministic pseudo-random numbers in [0, 1) (SplitMix64), so the sample
/// data does not depend on any RNG crate's stream.
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn line_band_sample() -> LineBandChart {
    let series = [
        ("majority", 0.6),
        ("unanimity", 0.35),
        ("weighted 2/3", 0.5),
    ]
    .iter()
    .enumerate()
    .map(|(k, &(name, level))| Band {
        name: name.to_string(),
        points: (0..=100)
            .map(|r| {
                let x = r as f64;
                let mean = level * (1.0 - (-x / (15.0 + 10.0 * k as f64)).exp());
                let half = 0.02 + 0.08 / (1.0 + x / 10.0);
                (x, mean, mean - half, mean + half)
            })
            .collect(),
    })
    .collect();
    LineBandChart {
        title: "Scenario A: mean coalition share over time".into(),
        x_label: "Round (simulation steps)".into(),
        y_label: "Coalition share of agents (fraction)".into(),
        series,
        ..Default::default()
    }
}

fn survival_sample() -> SurvivalChart {
    let mut rng = Mix(7);
    let curves = [
        ("majority", 40.0),
        ("unanimity", 18.0),
        ("weighted 2/3", 28.0),
    ]
    .iter()
    .map(|&(name, scale)| {
        let obs: Vec<(u32, bool)> = (0..200)
            .map(|_| {
                let t = (-(1.0 - rng.next()).ln() * scale).ceil() as u32;
                if t > 100 {
                    (100, false)
                } else {
                    (t, rng.next() > 0.15)
                }
            })
            .collect();
        (name.to_string(), plots::km_curve(&kaplan_meier(&obs)))
    })
    .collect();
    SurvivalChart {
        title: "Scenario A: coalition survival (Kaplan–Meier, 95% band)".into(),
        curves,
        ..Default::default()
    }
}

fn bar_sample() -> BarChart {
    BarChart {
        title: "Scenario A: success probability by governance rule".into(),
        y_label: "P(success) (fraction of runs)".into(),
        bars: vec![
            ("majority".into(), 0.62, 0.55, 0.69),
            ("unanimity".into(), 0.31, 0.25, 0.38),
            ("weighted 2/3".into(), 0.48, 0.41, 0.55),
            ("rotating chair".into(), 0.97, 0.93, 0.99),
        ],
        ..Default::default()
    }
}

fn histogram_sample() -> Histogram {
    let mut rng = Mix(11);
    let series = [
        ("majority", 30.0),
        ("unanimity", 12.0),
        ("weighted 2/3", 20.0),
    ]
    .iter()
    .map(|&(name, scale)| {
        let v: Vec<u32> = (0..400)
            .map(|_| ((-(1.0 - rng.next()).ln() * scale).ceil() as u32).min(120))
            .collect();
        (name.to_string(), Histogram::counts(&v))
    })
    .collect();
    Histogram {
        title: "Scenario A: coalition lifetimes".into(),
        x_label: "Lifetime (rounds)".into(),
        series,
        ..Default::default()
    }
}

fn heatmap_sample() -> Heatmap {
    let x_values: Vec<String> = [0.5, 0.6, 0.67, 0.75, 0.9]
        .iter()
        .map(|q| format!("{q}"))
        .collect();
    let y_values: Vec<String> = [10, 20, 50, 100].iter().map(|n| format!("{n}")).collect();
    let cells = (0..y_values.len())
        .map(|r| {
            (0..x_values.len())
                .map(|c| (1.0 - c as f64 * 0.22) * (0.4 + 0.2 * r as f64))
                .map(|v: f64| v.clamp(0.0, 1.0))
                .collect()
        })
        .collect();
    Heatmap {
        title: "Scenario A: success probability by quota and group size".into(),
        x_label: "Quota (share of weight)".into(),
        y_label: "Agents (count)".into(),
        x_values,
        y_values,
        cells,
        categories: None,
    }
}

// --- helpers ------------------------------------------------------------------

/// Width and height from a PNG's IHDR chunk, after checking the signature.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(bytes.len() > 24, "PNG too short");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "first chunk is IHDR");
    let be = |b: &[u8]| u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn gallery(name: &str, png: &Path, svg: &Path) {
    if let Some(dir) = std::env::var_os("COALSIM_PLOT_GALLERY") {
        let dir = PathBuf::from(dir);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(png, dir.join(format!("{name}.png"))).unwrap();
        std::fs::copy(svg, dir.join(format!("{name}.svg"))).unwrap();
    }
}

/// Render into an RGB buffer of the standard size.
fn render_rgb(
    draw: impl FnOnce(&DrawingArea<BitMapBackend<'_>, plotters::coord::Shift>) -> Result<(), PlotError>,
) -> Vec<u8> {
    let mut buf = vec![0u8; (WIDTH * HEIGHT * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut buf, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root).unwrap();
        root.present().unwrap();
    }
    buf
}

/// Pixels in rows `rows` that are not white.
fn ink(buf: &[u8], rows: std::ops::Range<u32>) -> usize {
    let start = (rows.start * WIDTH * 3) as usize;
    let end = (rows.end * WIDTH * 3) as usize;
    buf[start..end]
        .chunks(3)
        .filter(|p| p != &[255, 255, 255])
        .count()
}

/// Pixels in rows `rows` that differ between two buffers.
fn diff(a: &[u8], b: &[u8], rows: std::ops::Range<u32>) -> usize {
    let start = (rows.start * WIDTH * 3) as usize;
    let end = (rows.end * WIDTH * 3) as usize;
    a[start..end]
        .chunks(3)
        .zip(b[start..end].chunks(3))
        .filter(|(p, q)| p != q)
        .count()
}

/// No stray temporary files left next to the outputs.
fn assert_only(dir: &Path, expected: &[&str]) {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<String> = expected.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(names, expected);
}

/// The full file-level check for one chart: PNG signature and size, SVG
/// markup with the title, byte-identical re-render, no temp files.
macro_rules! check_files {
    ($name:expr, $draw:ident, $data:expr) => {{
        let data = $data;
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join(concat!($name, ".png"));
        let png2 = dir.path().join(concat!($name, "-again.png"));
        let svg = dir.path().join(concat!($name, ".svg"));
        save_png(&png, |root| $draw(root, &data)).unwrap();
        save_png(&png2, |root| $draw(root, &data)).unwrap();
        save_svg(&svg, |root| $draw(root, &data)).unwrap();

        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(png_size(&bytes), (1200, 800));
        assert_eq!(
            bytes,
            std::fs::read(&png2).unwrap(),
            "PNG rendering is deterministic"
        );
        let text = std::fs::read_to_string(&svg).unwrap();
        assert!(text.contains("<svg"), "SVG markup");
        assert!(text.contains(&data.title), "SVG contains the title");
        assert!(text.contains(r#"width="1200""#) && text.contains(r#"height="800""#));
        assert_only(
            dir.path(),
            &[
                concat!($name, ".png"),
                concat!($name, "-again.png"),
                concat!($name, ".svg"),
            ],
        );
        gallery($name, &png, &svg);
    }};
}

/// Title text is really rasterised: the top band has ink with the title
/// and differs from the same chart rendered without it.
macro_rules! check_title_pixels {
    ($draw:ident, $data:expr) => {{
        let data = $data;
        let mut untitled = data.clone();
        untitled.title.clear();
        let with = render_rgb(|root| $draw(root, &data));
        let without = render_rgb(|root| $draw(root, &untitled));
        let band = 0..60;
        assert!(
            ink(&with, band.clone()) > 1500,
            "title ink: {}",
            ink(&with, band.clone())
        );
        assert_eq!(ink(&without, band.clone()), 0, "no title, no ink");
        assert!(diff(&with, &without, band.clone()) > 1500);
        // Axis labels and tick labels are drawn too (the rest of the image).
        assert!(ink(&with, 60..HEIGHT) > 20_000);
        assert_eq!(
            diff(&with, &without, 60..HEIGHT),
            0,
            "title does not move the plot"
        );
    }};
}

// --- one test per chart --------------------------------------------------------

#[test]
fn line_band_files_and_text() {
    check_files!("line_band", draw_line_band, line_band_sample());
    check_title_pixels!(draw_line_band, line_band_sample());
}

#[test]
fn survival_files_and_text() {
    check_files!("survival", draw_survival, survival_sample());
    check_title_pixels!(draw_survival, survival_sample());
}

#[test]
fn bars_files_and_text() {
    check_files!("bars", draw_bars, bar_sample());
    check_title_pixels!(draw_bars, bar_sample());
}

#[test]
fn histogram_files_and_text() {
    check_files!("histogram", draw_histogram, histogram_sample());
    check_title_pixels!(draw_histogram, histogram_sample());
}

#[test]
fn heatmap_files_and_text() {
    check_files!("heatmap", draw_heatmap, heatmap_sample());
    check_title_pixels!(draw_heatmap, heatmap_sample());
}

// --- degenerate input ------------------------------------------------------------

#[test]
fn degenerate_inputs_render_without_panicking() {
    let nan = f64::NAN;
    let line_cases = [
        vec![],
        vec![Band::default()],
        vec![Band {
            name: "one point".into(),
            points: vec![(3.0, 0.5, 0.4, 0.6)],
        }],
        vec![Band {
            name: "flat".into(),
            points: (0..5).map(|x| (x as f64, 2.0, 2.0, 2.0)).collect(),
        }],
        vec![Band {
            name: "holes".into(),
            points: vec![
                (0.0, 1.0, 0.5, 1.5),
                (1.0, nan, nan, nan),
                (2.0, 2.0, nan, 2.5),
                (nan, 1.0, 1.0, 1.0),
                (3.0, 1.5, 1.0, 2.0),
                (4.0, f64::INFINITY, 0.0, 1.0),
            ],
        }],
        vec![Band {
            name: "all nan".into(),
            points: vec![(nan, nan, nan, nan)],
        }],
    ];
    for series in line_cases {
        let data = LineBandChart {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            series,
            ..Default::default()
        };
        render_rgb(|root| draw_line_band(root, &data));
    }

    let survival_cases = [
        vec![],
        vec![("empty".to_string(), vec![])],
        vec![("one".to_string(), vec![(0, 1.0, 1.0, 1.0)])],
        vec![(
            "nan".to_string(),
            vec![(3, nan, nan, nan), (5, 0.5, nan, nan)],
        )],
        vec![(
            "all censored".to_string(),
            plots::km_curve(&kaplan_meier(&[(4, false)])),
        )],
        vec![(
            "to zero".to_string(),
            plots::km_curve(&kaplan_meier(&[(1, true), (2, true)])),
        )],
    ];
    for curves in survival_cases {
        let data = SurvivalChart {
            title: "t".into(),
            curves,
            ..Default::default()
        };
        render_rgb(|root| draw_survival(root, &data));
    }

    let bar_cases = [
        vec![],
        vec![("only".to_string(), 0.5, 0.5, 0.5)],
        vec![
            ("nan".to_string(), nan, nan, nan),
            ("out of range".to_string(), 1.5, -0.2, 2.0),
        ],
        vec![
            (
                "a very long variant name that cannot possibly fit under its bar".to_string(),
                0.4,
                0.3,
                0.5
            );
            12
        ],
    ];
    for bars in bar_cases {
        let data = BarChart {
            title: "t".into(),
            y_label: "y".into(),
            bars,
            ..Default::default()
        };
        render_rgb(|root| draw_bars(root, &data));
    }

    let hist_cases = [
        vec![],
        vec![("empty".to_string(), vec![])],
        vec![("single value".to_string(), vec![(7, 3)])],
        vec![
            ("zero".to_string(), vec![(0, 1)]),
            ("huge".to_string(), vec![(u32::MAX, 1)]),
        ],
        vec![("counted zero times".to_string(), vec![(5, 0)])],
    ];
    for series in hist_cases {
        let data = Histogram {
            title: "t".into(),
            x_label: "x".into(),
            series,
            ..Default::default()
        };
        render_rgb(|root| draw_histogram(root, &data));
    }

    let heat_cases = [
        (vec![], vec![], vec![]),
        (
            vec!["a".to_string()],
            vec!["b".to_string()],
            vec![vec![0.5]],
        ),
        (
            vec!["a".to_string(), "b".to_string()],
            vec!["c".to_string()],
            vec![vec![nan]],
        ),
        (
            vec!["a".to_string()],
            vec!["b".to_string(), "c".to_string()],
            vec![vec![3.0], vec![3.0]],
        ),
        (
            (0..40).map(|i| i.to_string()).collect(),
            (0..30).map(|i| i.to_string()).collect(),
            vec![vec![0.25; 40]; 30],
        ),
    ];
    for (x_values, y_values, cells) in heat_cases {
        let data = Heatmap {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            x_values,
            y_values,
            cells,
            categories: None,
        };
        render_rgb(|root| draw_heatmap(root, &data));
    }
}

#[test]
fn empty_chart_shows_no_data_note() {
    let empty = LineBandChart {
        title: "nothing yet".into(),
        x_label: "x".into(),
        y_label: "y".into(),
        series: vec![],
        ..Default::default()
    };
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("empty.svg");
    save_svg(&svg, |root| draw_line_band(root, &empty)).unwrap();
    assert!(std::fs::read_to_string(&svg).unwrap().contains("no data"));
}

// --- saving --------------------------------------------------------------------

#[test]
fn save_errors_propagate_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("no-such-dir").join("x.png");
    let err = save_png(&missing, |root| draw_bars(root, &bar_sample())).unwrap_err();
    assert!(matches!(err, PlotError::Io { .. }), "{err}");
    assert!(
        err.to_string()
            .starts_with(&format!("cannot write plot {}: ", missing.display())),
        "{err}"
    );
    let missing_svg = dir.path().join("no-such-dir").join("x.svg");
    assert!(save_svg(&missing_svg, |root| draw_bars(root, &bar_sample())).is_err());

    // A failing draw closure: its error comes back and no file appears.
    let out = dir.path().join("fail.png");
    let err = save_png(&out, |_| Err(PlotError::Drawing("boom".into()))).unwrap_err();
    assert_eq!(err.to_string(), "plot drawing failed: boom");
    let out_svg = dir.path().join("fail.svg");
    assert!(save_svg(&out_svg, |_| Err(PlotError::Drawing("boom".into()))).is_err());
    assert_only(dir.path(), &[]);
}

/// A full disk: the plot is written through `/dev/full`, which takes the
/// open and refuses every write with "No space left on device". The writer
/// names its temporary `.NAME.PID.tmp`, so a symlink under that name sends
/// the write there. Before, the image crate's buffered writer could lose the
/// error and a raw `ImageError(IoError(..))` reached the user.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_gives_a_plain_error_and_no_file() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["full.png", "full.svg"] {
        let out = dir.path().join(name);
        let temp = dir
            .path()
            .join(format!(".{name}.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink("/dev/full", &temp).unwrap();
        let err = if name.ends_with("png") {
            save_png(&out, |root| draw_bars(root, &bar_sample()))
        } else {
            save_svg(&out, |root| draw_bars(root, &bar_sample()))
        }
        .unwrap_err();
        let PlotError::Io { error, .. } = &err else {
            panic!("expected a write error, got {err:?}");
        };
        assert_eq!(error.kind(), std::io::ErrorKind::StorageFull, "{err}");
        assert_eq!(
            err.to_string(),
            format!(
                "cannot write plot {}: No space left on device (os error 28)",
                out.display()
            )
        );
        assert!(!out.exists(), "{name}: no plot may appear");
        assert!(
            std::fs::symlink_metadata(&temp).is_err(),
            "{name}: the temporary is removed"
        );
        // As the commands print it: once the file, once the reason.
        let shown = format!("{:#}", err.for_user(&out));
        assert_eq!(shown.matches("No space left").count(), 1, "{shown}");
        assert_eq!(shown.matches(name).count(), 1, "{shown}");
    }
    assert_only(dir.path(), &[]);
}

#[test]
fn palette_and_colour_helpers() {
    assert_eq!(plots::OKABE_ITO.len(), 8);
    // Nine different series colours (a sweep draws up to nine variants),
    // then the cycle starts again.
    assert_eq!(plots::series_colour(8), plots::NINTH);
    assert_eq!(plots::series_colour(0), plots::series_colour(9));
    for i in 0..9 {
        for j in 0..i {
            assert_ne!(plots::series_colour(i), plots::series_colour(j));
        }
    }
    let lo = plots::viridis(0.0);
    let hi = plots::viridis(1.0);
    assert_eq!((lo.0, lo.1, lo.2), (0x44, 0x01, 0x54));
    assert_eq!((hi.0, hi.1, hi.2), (0xFD, 0xE7, 0x25));
    // Dark purple takes white text, bright yellow black text.
    assert_eq!(plots::contrast_text(lo), WHITE);
    assert_eq!(plots::contrast_text(hi), BLACK);
}

#[test]
fn rule_map_picks_the_best_rule_per_cell_and_marks_close_calls() {
    use std::collections::BTreeMap;
    let row = |n: &str, rule: &str, s: f64, lo: f64, hi: f64| {
        let mut r = BTreeMap::new();
        r.insert("population.count".to_string(), n.to_string());
        r.insert("dynamics.outvoted_cost".to_string(), "0.1".to_string());
        r.insert("governance.decision_rule".to_string(), rule.to_string());
        r.insert("success".to_string(), s.to_string());
        r.insert("success_lo".to_string(), lo.to_string());
        r.insert("success_hi".to_string(), hi.to_string());
        r
    };
    let table = vec![
        row("5", "majority", 0.40, 0.35, 0.45),
        row("5", "consensus", 0.60, 0.55, 0.65),
        row("20", "majority", 0.50, 0.45, 0.55),
        row("20", "consensus", 0.52, 0.47, 0.57),
    ];
    let h =
        coalsim_report::charts::rule_map(&table, "population.count", "dynamics.outvoted_cost", "t");
    let c = h.categories.as_ref().unwrap();
    // The rules in their fixed order and colours, whatever order the table
    // lists them in (the colours `explore` gives them too).
    assert_eq!(c.names, ["consensus", "majority"]);
    for (k, name) in c.names.iter().enumerate() {
        let want = plots::rule_colour(name).unwrap();
        assert_eq!(c.colour(k), want, "{name}");
    }
    assert_eq!(plots::rule_colour("majority").unwrap(), plots::OKABE_ITO[1]);
    assert_eq!(plots::rule_colour("nobody"), None);
    assert_eq!(h.x_values, ["5", "20"]);
    // Size 5: consensus, clearly (0.55 > 0.45); size 20: consensus by a hair.
    assert_eq!(c.index[0], [0, 0]);
    assert_eq!(c.clear[0], [true, false]);
    assert_eq!(c.labels[0][0], "consensus 60%");
    assert_eq!(c.labels[0][1], "≈ consensus 52%");
    render_rgb(|root| draw_heatmap(root, &h));
}

/// Bars whose names do not fit under them lie along the y axis; the grey
/// range bar of the others is drawn where the chart says (its grey shows
/// only when `others` is set).
#[test]
fn bars_with_long_names_lie_down_and_draw_the_others_in_grey() {
    let long = |i: usize| format!("count={i} strangers=0.{i} decision_rule=supermajority");
    let mut chart = BarChart {
        title: "t".into(),
        y_label: "p".into(),
        bars: (0..6)
            .map(|i| {
                (
                    long(i),
                    0.9 - 0.15 * i as f64,
                    0.8 - 0.15 * i as f64,
                    0.95 - 0.15 * i as f64,
                )
            })
            .collect(),
        note: "Showing 6 of 10 variants".into(),
        palette: vec![5, 4, 3, 2, 1, 0],
        others: None,
    };
    let grey = |buf: &[u8]| {
        let g = plots::OTHERS_GREY.mix(0.45);
        buf.chunks(3)
            .filter(|p| {
                let mix = |c: u8| (255.0 * (1.0 - g.3) + c as f64 * g.3).round() as i32;
                (p[0] as i32 - mix(g.0)).abs() <= 2 && (p[1] as i32 - mix(g.1)).abs() <= 2
            })
            .count()
    };
    let without = render_rgb(|root| draw_bars(root, &chart));
    chart.others = Some(plots::OthersBar {
        position: 3,
        label: "4 others".into(),
        lo: 0.3,
        hi: 0.5,
    });
    let with = render_rgb(|root| draw_bars(root, &chart));
    assert!(
        grey(&with) > grey(&without) + 2000,
        "{} {}",
        grey(&with),
        grey(&without)
    );
}

/// A line chart's others band is drawn under the series, in grey.
#[test]
fn line_chart_draws_the_others_band() {
    let mut chart = line_band_sample();
    let plain = render_rgb(|root| draw_line_band(root, &chart));
    chart.others = Some(plots::Others {
        label: "391 others".into(),
        points: (0..50).map(|x| (x as f64, -5.0, 50.0)).collect(),
    });
    chart.note = "Showing 9 of 400 variants".into();
    let with = render_rgb(|root| draw_line_band(root, &chart));
    assert_ne!(plain, with);
}

/// A rule map's cell that is not clearly ahead is drawn pale (its rule's
/// colour halfway to white), so dense grids whose cells are too small for
/// the "≈" label still show it.
#[test]
fn rule_map_cells_not_clearly_ahead_are_pale() {
    let colour = plots::rule_colour("consensus").unwrap();
    let count = |buf: &[u8], c: RGBColor| {
        buf.chunks(3)
            .filter(|p| p[0] == c.0 && p[1] == c.1 && p[2] == c.2)
            .count()
    };
    let map = |clear: bool| Heatmap {
        title: "t".into(),
        x_label: "x".into(),
        y_label: "y".into(),
        x_values: (0..30).map(|i| i.to_string()).collect(),
        y_values: (0..30).map(|i| i.to_string()).collect(),
        cells: vec![vec![0.5; 30]; 30],
        categories: Some(plots::Categories {
            names: vec!["consensus".into()],
            index: vec![vec![0; 30]; 30],
            labels: vec![vec!["consensus 50%".into(); 30]; 30],
            clear: vec![vec![clear; 30]; 30],
            colours: vec![(colour.0, colour.1, colour.2)],
        }),
    };
    let clear = render_rgb(|root| draw_heatmap(root, &map(true)));
    let close = render_rgb(|root| draw_heatmap(root, &map(false)));
    let pale = plots::pale(colour);
    assert_eq!(pale, RGBColor(0xF3, 0xCF, 0x80));
    // Only the legend's half swatch is pale in the clear map; nearly the
    // whole grid is in the close one.
    assert!(count(&clear, pale) < 1000, "{}", count(&clear, pale));
    assert!(count(&close, pale) > 100_000, "{}", count(&close, pale));
    assert!(count(&close, colour) < 1000);
}
