//! `coalsim sweep` and `coalsim plot`: comparisons with common random
//! numbers, their files, and plots redrawn from CSV.

use std::path::Path;

use assert_cmd::Command;
use coalsim_core::scenario::{ScenarioFile, Source};
use coalsim_core::stats;
use coalsim_core::study::compare::{CompareConfig, compare};

fn coalsim() -> Command {
    let mut c = Command::cargo_bin("coalsim").unwrap();
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn scenario(name: &str) -> String {
    format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn paired_interval_is_narrower_than_the_unpaired_one_on_the_same_runs() {
    let file = ScenarioFile::load(Source {
        name: "narrow-first-win".into(),
        text: coalsim_core::study::lessons::find("narrow-first-win")
            .unwrap()
            .toml
            .into(),
    })
    .unwrap();
    let arms = coalsim_core::study::sweep::arms(&file, &[]).unwrap();
    let mut success: Vec<Vec<bool>> = vec![Vec::new(); arms.len()];
    let c = compare(
        &arms,
        &CompareConfig {
            runs: 1000,
            seed: 3,
            chunk: 128,
        },
        |_, arm, s| success[arm].push(s.success),
        |_| {},
    );
    let pairs: Vec<(bool, bool)> = success[0]
        .iter()
        .copied()
        .zip(success[1].iter().copied())
        .collect();
    let paired = stats::paired_proportion_diff(&pairs, stats::Z95);
    let unpaired = stats::unpaired_proportion_diff(&success[0], &success[1], stats::Z95);
    assert!((paired.estimate - unpaired.estimate).abs() < 1e-12);
    assert!(
        paired.width() < unpaired.width(),
        "paired {:.4} vs unpaired {:.4}",
        paired.width(),
        unpaired.width()
    );
    // The streamed counts give the same interval as the stored pairs.
    let streamed = c.paired[1][0].interval(&coalsim_core::study::compare::MEASURES[0], 0.95);
    assert!((streamed.lo - paired.lo).abs() < 1e-9 && (streamed.hi - paired.hi).abs() < 1e-9);
}

fn column(csv_text: &str, variant: &str, col: &str) -> f64 {
    let mut r = csv::Reader::from_reader(csv_text.as_bytes());
    let headers = r.headers().unwrap().clone();
    let idx = headers.iter().position(|h| h == col).unwrap();
    for rec in r.records() {
        let rec = rec.unwrap();
        if &rec[0] == variant {
            return rec[idx].parse().unwrap();
        }
    }
    panic!("no variant {variant}");
}

#[test]
fn sweep_majority_passes_more_decisions_than_consensus_when_interests_are_divided() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sw");
    let res = coalsim()
        .args(["sweep", &scenario("consensus-vs-majority.toml")])
        .args([
            "--vary",
            "governance.decision_rule=consensus,majority",
            "--runs",
            "300",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let stdout = String::from_utf8(res.stdout).unwrap();
    assert!(stdout.contains("| variant | success (95% CI)"), "{stdout}");
    for f in [
        "runs.csv",
        "rounds.csv",
        "incidence.csv",
        "survival.csv",
        "variants.csv",
        "comparison.csv",
        "summary.json",
    ] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 1 + 2 * 300);
    let variants = std::fs::read_to_string(out.join("variants.csv")).unwrap();
    let consensus = column(
        &variants,
        "decision_rule=consensus",
        "mean_decisions_passed",
    );
    let majority = column(&variants, "decision_rule=majority", "mean_decisions_passed");
    assert!(
        majority > consensus,
        "majority {majority} vs consensus {consensus}"
    );
    // The paired comparison says so with an interval excluding zero.
    let cmp = std::fs::read_to_string(out.join("comparison.csv")).unwrap();
    let row = cmp
        .lines()
        .find(|l| l.contains(",decisions_passed,"))
        .unwrap();
    let lo95: f64 = row.split(',').nth(6).unwrap().parse().unwrap();
    assert!(lo95 > 0.0, "{row}");
}

fn png_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "png" || x == "svg"))
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn plot_redraws_a_sweep_byte_for_byte_and_draws_a_heatmap_for_two_keys() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("grid");
    let res = coalsim()
        .args([
            "sweep",
            "--runs",
            "60",
            "--vary",
            "governance.checkin_every=1..3:1",
        ])
        .args([
            "--vary",
            "governance.decision_rule=majority,supermajority",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let before = png_files(&out.join("plots"));
    let names: Vec<&str> = before.iter().map(|(n, _)| n.as_str()).collect();
    for chart in [
        "members",
        "trust",
        "alignment",
        "progress",
        "survival",
        "incidence_by_ending",
        "success",
        "lifetimes",
        "final_size",
        "heatmap",
    ] {
        assert!(
            names.contains(&format!("{chart}.png").as_str()),
            "{chart}.png missing: {names:?}"
        );
        assert!(
            names.contains(&format!("{chart}.svg").as_str()),
            "{chart}.svg missing"
        );
    }
    for (name, bytes) in &before {
        if name.ends_with(".png") {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name}");
            let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert_eq!((w, h), (1200, 800), "{name}");
        } else {
            let text = String::from_utf8_lossy(bytes);
            assert!(
                text.contains("<svg") && text.contains("City coalition"),
                "{name}"
            );
        }
    }
    std::fs::remove_dir_all(out.join("plots")).unwrap();
    let res = coalsim().arg("plot").arg(&out).output().unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert_eq!(
        png_files(&out.join("plots")),
        before,
        "plot must redraw the same files"
    );
}

#[test]
fn sweep_refuses_an_unknown_key_before_writing_anything() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never");
    let res = coalsim()
        .args(["sweep", "--vary", "governance.nope=1,2", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(res.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert!(
        stderr.contains("nope") && stderr.contains("decision_rule"),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"));
    assert!(!out.exists());
    let res = coalsim()
        .args([
            "sweep",
            "--vary",
            "governance.decision_rule=consensus,dictator",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1));
    assert!(
        stderr.contains("dictator") && stderr.contains("majority"),
        "{stderr}"
    );
    assert!(!out.exists());
}

#[test]
fn vary_parses_lists_and_ranges() {
    let v = coalsim_core::study::sweep::parse_vary("governance.checkin_every=0..6:2").unwrap();
    assert_eq!(
        v.values,
        vec![
            toml::Value::Integer(0),
            toml::Value::Integer(2),
            toml::Value::Integer(4),
            toml::Value::Integer(6)
        ]
    );
    let v = coalsim_core::study::sweep::parse_vary("shocks.rate=0.0..0.1:0.05").unwrap();
    assert_eq!(
        v.values,
        vec![
            toml::Value::Float(0.0),
            toml::Value::Float(0.05),
            toml::Value::Float(0.1)
        ]
    );
    assert!(coalsim_core::study::sweep::parse_vary("novalue").is_err());
    assert!(coalsim_core::study::sweep::parse_vary("a=1..0:1").is_err());
}

#[test]
fn plot_redraws_a_batch_folder_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("batch");
    let res = coalsim()
        .args(["batch", "--runs", "80", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let before = png_files(&out.join("plots"));
    assert_eq!(before.len(), 18, "9 charts as PNG and SVG");
    std::fs::remove_dir_all(out.join("plots")).unwrap();
    let res = coalsim().arg("plot").arg(&out).output().unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    assert_eq!(png_files(&out.join("plots")), before);
}

#[test]
fn plot_refuses_a_directory_without_results() {
    let dir = tempfile::tempdir().unwrap();
    let res = coalsim().arg("plot").arg(dir.path()).output().unwrap();
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("no runs.csv"));
}

#[test]
fn sweep_files_do_not_depend_on_the_thread_count() {
    let dir = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for t in ["1", "2"] {
        let out = dir.path().join(format!("t{t}"));
        let res = coalsim()
            .args(["sweep", "--runs", "300", "--no-plots", "--threads", t])
            .args([
                "--vary",
                "governance.decision_rule=consensus,majority",
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            res.status.success(),
            "{}",
            String::from_utf8_lossy(&res.stderr)
        );
        outs.push(out);
    }
    for f in [
        "runs.csv",
        "rounds.csv",
        "incidence.csv",
        "survival.csv",
        "variants.csv",
        "comparison.csv",
        "summary.json",
    ] {
        let a = std::fs::read(outs[0].join(f)).unwrap();
        let b = std::fs::read(outs[1].join(f)).unwrap();
        assert!(a == b, "{f} differs between 1 and 2 threads");
    }
}

#[test]
fn a_grid_of_two_keys_and_the_decision_rule_draws_a_rule_map() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("map");
    let res = coalsim()
        .args(["sweep", "--runs", "40"])
        .args(["--vary", "governance.decision_rule=majority,consensus"])
        .args(["--vary", "population.count=6,12"])
        .args(["--vary", "dynamics.outvoted_cost=0,0.4", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let names: Vec<String> = png_files(&out.join("plots"))
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert!(names.contains(&"rule_map.png".to_string()), "{names:?}");
    assert!(!names.contains(&"heatmap.png".to_string()), "{names:?}");
}

/// A grid of many variants reads out only the four highest and four lowest
/// success against the baseline; comparison.csv still has every one.
#[test]
fn a_large_grid_reads_out_its_extremes_not_every_variant() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("grid");
    let out = Command::cargo_bin("coalsim")
        .unwrap()
        .args([
            "sweep",
            "--vary",
            "governance.decision_rule=majority,supermajority,consensus,weighted,committee",
            "--vary",
            "population.count=4,10",
            "--runs",
            "40",
            "--no-plots",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("(all 9 comparisons are in comparison.csv)"),
        "{text}"
    );
    let readings = text
        .lines()
        .filter(|l| l.starts_with("Endings by week"))
        .count();
    assert_eq!(readings, 8, "{text}");
    let rows = std::fs::read_to_string(dir.join("comparison.csv")).unwrap();
    assert!(rows.lines().count() > 9, "{rows}");
}

/// A 120-variant grid: every chart shows the baseline and the four best and
/// four worst by success (the variants the printed reading names), the
/// other 111 as one grey band or bar, and says so under its title.
#[test]
fn a_large_grid_charts_its_extremes_and_the_rest_as_one_grey_entry() {
    use coalsim_report::charts::{Charts, charts};
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("grid");
    let out = coalsim()
        .args(["sweep", "--runs", "12", "--no-plots"])
        .args(["--vary", "population.count=4..15:1"])
        .args(["--vary", "trust.strangers=0.1..1.0:0.1", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let c: Charts = charts(&dir).unwrap();

    // The variants the reading names ("Endings by week N, 'V' minus 'B'").
    let read: Vec<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Endings by week "))
        .map(|l| l.split('\'').nth(1).unwrap().to_string())
        .collect();
    assert_eq!(read.len(), 8, "{text}");
    let base = "count=4 strangers=0.1";
    let mut expected = vec![format!("{base} (baseline)")];
    expected.extend(read.iter().cloned());

    let note = "Showing 9 of 120 variants: the baseline, the 4 with the highest and the 4 with the lowest success; the other 111 in grey";
    for (file, chart) in &c.lines {
        let names: Vec<&str> = chart.series.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(names, expected, "{file}");
        let others = chart.others.as_ref().expect("an others band");
        assert!(others.label.starts_with("111 others"), "{}", others.label);
        assert!(chart.note.starts_with(note), "{file}: {}", chart.note);
    }
    // The grey band spans exactly the omitted variants' means, read back
    // from rounds.csv: members in round 20.
    let rounds = std::fs::read_to_string(dir.join("rounds.csv")).unwrap();
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for line in rounds.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[1] == "20"
            && f[2] == "members"
            && !expected
                .iter()
                .any(|e| e == f[0] || *e == format!("{} (baseline)", f[0]))
        {
            let m: f64 = f[4].parse().unwrap();
            lo = lo.min(m);
            hi = hi.max(m);
        }
    }
    let members = &c.lines.iter().find(|(f, _)| *f == "members").unwrap().1;
    let band = members.others.as_ref().unwrap().points.iter();
    let at20 = band.clone().find(|p| p.0 == 20.0).unwrap();
    assert_eq!((at20.1, at20.2), (lo, hi));

    // Survival, incidence panels and histograms show the same nine.
    let surv: Vec<&str> = c.survival.curves.iter().map(|c| c.0.as_str()).collect();
    assert_eq!(surv, expected);
    assert!(c.survival.others.is_some());
    let (_, panel_note, panels) = c.incidence_by_ending.as_ref().unwrap();
    assert!(panel_note.starts_with(note));
    for p in panels {
        assert_eq!(p.series.len(), 9);
        assert!(p.others.is_some());
    }
    for h in [&c.lifetimes, &c.final_size] {
        let names: Vec<&str> = h.series.iter().map(|s| s.0.as_str()).collect();
        assert_eq!(names, expected);
        assert!(
            h.note.starts_with("Showing 9 of 120 variants"),
            "{}",
            h.note
        );
        assert!(h.note.contains("the other 111 left out"), "{}", h.note);
    }

    // Success: the nine sorted from the highest down, each keeping its
    // colour from the line charts; one grey bar spans the other 111, which
    // lie between the four best and the four worst.
    let s = &c.success;
    assert_eq!(s.bars.len(), 9);
    assert!(s.bars.windows(2).all(|w| w[0].1 >= w[1].1), "{:?}", s.bars);
    for (bar, &k) in s.bars.iter().zip(&s.palette) {
        assert_eq!(bar.0, expected[k]);
    }
    let o = s.others.as_ref().unwrap();
    assert_eq!(o.label, "111 others");
    let best: Vec<f64> = read[..4].iter().map(|n| rate(s, n)).collect();
    let worst: Vec<f64> = read[4..].iter().map(|n| rate(s, n)).collect();
    assert!(best.iter().all(|&b| b >= o.hi), "{best:?} {o:?}");
    assert!(worst.iter().all(|&w| w <= o.lo), "{worst:?} {o:?}");
    assert!(o.lo <= o.hi);
    assert!(s.note.starts_with(note));
}

fn rate(chart: &coalsim_report::plots::BarChart, name: &str) -> f64 {
    chart.bars.iter().find(|b| b.0 == name).unwrap().1
}

/// A small sweep's charts show every variant in the order given, with no
/// note and no grey entry.
#[test]
fn a_small_sweep_charts_every_variant_and_leaves_nothing_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("small");
    let out = coalsim()
        .args(["sweep", "--runs", "20", "--no-plots"])
        .args([
            "--vary",
            "governance.decision_rule=majority,consensus,supermajority",
            "--out",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let c = coalsim_report::charts::charts(&dir).unwrap();
    let names = [
        "decision_rule=majority",
        "decision_rule=consensus",
        "decision_rule=supermajority",
    ];
    for (_, chart) in &c.lines {
        let got: Vec<&str> = chart.series.iter().map(|b| b.name.as_str()).collect();
        assert_eq!(got, names);
        assert!(chart.others.is_none() && chart.note.is_empty());
    }
    let bars: Vec<&str> = c.success.bars.iter().map(|b| b.0.as_str()).collect();
    assert_eq!(bars, names);
    assert!(c.success.others.is_none() && c.success.note.is_empty());
}

#[test]
fn shown_variants_are_the_baseline_then_the_best_and_the_worst() {
    use coalsim_report::charts::shown_variants;
    // Nine variants: all of them.
    let few: Vec<f64> = (0..9).map(|i| i as f64 / 10.0).collect();
    assert_eq!(shown_variants(&few), (0..9).collect::<Vec<_>>());
    // Twelve: baseline, four best (ties: the earlier first), four worst.
    let rates = [0.5, 0.1, 0.9, 0.9, 0.3, 0.8, 0.2, 0.7, 0.0, 0.6, 0.4, 0.05];
    assert_eq!(shown_variants(&rates), [0, 2, 3, 5, 7, 6, 1, 11, 8]);
    assert_eq!(
        coalsim_report::charts::omitted_note(9, 12, true),
        "Showing 9 of 12 variants: the baseline, the 4 with the highest and the 4 with the lowest success; the other 3 in grey (every variant is in variants.csv and comparison.csv)."
    );
    assert!(coalsim_report::charts::omitted_note(9, 12, false).contains("the other 3 left out"));
    assert_eq!(coalsim_report::charts::omitted_note(9, 9, true), "");
}

/// A line chart's band is the t-interval of rounds.csv clipped to what the
/// measure can be: with few runs still going, `lo` of a member count can be
/// negative and `hi` of a share above one; the chart never shows that.
#[test]
fn line_chart_bands_stay_inside_what_the_measure_can_be() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("b");
    let res = coalsim()
        .args(["batch", "--runs", "3", "--out"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(res.status.success(), "{res:?}");
    // Stretch the first interval of each measure past its range, as a
    // t-interval from few runs can.
    let path = dir.join("rounds.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    // round,measure,n,mean,sd,lo,hi
    for measure in ["members", "mean_trust", "mean_alignment", "progress_share"] {
        let i = lines
            .iter()
            .position(|l| l.split(',').nth(1) == Some(measure))
            .unwrap();
        let mut cells: Vec<String> = lines[i].split(',').map(str::to_string).collect();
        cells[5] = "-7.5".into();
        cells[6] = "42".into();
        lines[i] = cells.join(",");
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let c = coalsim_report::charts::charts(&dir).unwrap();
    assert_eq!(c.lines.len(), 4);
    for (file, chart) in &c.lines {
        let ceiling = if *file == "members" {
            f64::INFINITY
        } else {
            1.0
        };
        let first = chart.series[0].points[0];
        assert_eq!(first.2, 0.0, "{file}: lo clipped to 0");
        assert_eq!(first.3, ceiling.min(42.0), "{file}: hi clipped");
        for p in &chart.series[0].points {
            assert!(p.2 >= 0.0 && p.3 <= ceiling, "{file}: {p:?}");
        }
    }
}

/// The success rows of a sweep's comparison.csv: (variant, baseline) →
/// (difference, lo95, hi95), and its printed report.
fn sweep_rows(args: &[&str]) -> (Vec<(String, String, [f64; 3])>, String) {
    let tmp = tempfile::tempdir().unwrap();
    let out = coalsim()
        .args([
            "sweep",
            "tests/data/eastside.toml",
            "--runs",
            "80",
            "--no-plots",
        ])
        .args(args)
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let mut r = csv::Reader::from_path(tmp.path().join("comparison.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let rows = r
        .records()
        .map(|x| x.unwrap())
        .filter(|x| &x[col("measure")] == "success")
        .map(|x| {
            let f = |n: &str| x[col(n)].parse::<f64>().unwrap();
            (
                x[col("variant")].to_string(),
                x[col("baseline")].to_string(),
                [f("difference"), f("lo95"), f("hi95")],
            )
        })
        .collect();
    (rows, String::from_utf8_lossy(&out.stdout).into_owned())
}

/// `--baseline` compares within each row of a grid: every rule against
/// majority at each level of trust, each contrast the one a sweep of that
/// row alone measures (the same runs, paired the same way); and the rule
/// map is printed in words, one line per row, with the organisations'
/// words for the keys.
#[test]
fn baseline_contrasts_within_each_row_of_a_grid() {
    let rules = "governance.decision_rule=majority,consensus,weighted";
    let (grid, text) = sweep_rows(&[
        "--vary",
        "trust.strangers=0.25,0.6",
        "--vary",
        rules,
        "--baseline",
        "governance.decision_rule=majority",
    ]);
    assert_eq!(grid.len(), 4, "{grid:?}");
    for (variant, baseline, _) in &grid {
        let trust = variant.split(' ').next().unwrap();
        assert_eq!(
            baseline,
            &format!("{trust} decision_rule=majority"),
            "{variant}"
        );
    }
    for trust in ["0.25", "0.6"] {
        let (row, _) = sweep_rows(&[
            "--vary",
            &format!("trust.strangers={trust}"),
            "--vary",
            rules,
        ]);
        for (variant, _, d) in row {
            let (_, _, g) = grid.iter().find(|(v, _, _)| *v == variant).unwrap();
            assert_eq!(*g, d, "{variant}");
        }
    }
    assert!(
        text.contains(
            "Rule map: the rule with the highest success in each of the 2 rows of the grid"
        ),
        "{text}"
    );
    assert!(
        text.contains("  trust between organisations that do not know each other = 0.25: "),
        "{text}"
    );
    // A key that is not varied, or a value it does not take, is refused.
    let out = coalsim()
        .args([
            "sweep",
            "tests/data/eastside.toml",
            "--runs",
            "5",
            "--vary",
            rules,
        ])
        .args(["--baseline", "governance.decision_rule=consent"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--baseline governance.decision_rule=consent: not one of its values; allowed: majority, consensus, weighted"),
        "{err}"
    );
}

/// A sweep over one organisation's setting names the organisation.
#[test]
fn a_variant_of_one_organisation_names_it() {
    let (rows, text) = sweep_rows(&["--vary", "agent.0.resources=5,6"]);
    assert_eq!(rows[0].0, "Eastside Foundation's resources=6", "{rows:?}");
    assert_eq!(rows[0].1, "Eastside Foundation's resources=5", "{rows:?}");
    assert!(
        text.contains("| Eastside Foundation's resources=5 |"),
        "{text}"
    );
}

/// A grid over one organisation's setting names it on the plots' axes:
/// summary.json carries each grid key in plain words, which the heatmap
/// reads.
#[test]
fn a_grid_names_its_keys_in_plain_words() {
    let tmp = tempfile::tempdir().unwrap();
    let out = coalsim()
        .args(["sweep", "tests/data/eastside.toml"])
        .args(["--vary", "agent.0.resources=2,6"])
        .args(["--vary", "governance.decision_rule=majority,weighted"])
        .args(["--runs", "20", "--out"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("summary.json")).unwrap())
            .unwrap();
    let labels: Vec<(String, String)> = summary["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["key"].as_str().unwrap().to_string(),
                l["label"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        labels.contains(&(
            "agent.0.resources".into(),
            "Eastside Foundation's resources".into()
        )),
        "{labels:?}"
    );
    assert!(
        labels.contains(&("governance.decision_rule".into(), "decision rule".into())),
        "{labels:?}"
    );
    assert!(tmp.path().join("plots/heatmap.png").is_file());
}

/// A success the members who left did not share is read out: in the
/// intense-minority coalition of the theory tests most of a 0.7
/// threshold's successes are the minority finishing alone after the
/// majority camp left (docs/validation.md, "The rump"); under majority
/// few are, and the line names only the variant where they are common.
#[test]
fn a_success_after_most_members_left_is_read_out_as_a_split() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("camps.toml");
    std::fs::write(&file, crate::theory::camps(10, true, 0.5)).unwrap();
    let out = coalsim()
        .arg("sweep")
        .arg(&file)
        .args([
            "--vary",
            "governance.decision_rule=majority,supermajority",
            "--vary",
            "governance.supermajority=0.7",
            "--runs",
            "400",
            "--seed",
            "1975",
            "--no-plots",
            "--out",
        ])
        .arg(dir.path().join("out"))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let splits: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("Reached by fewer than half:"))
        .collect();
    assert_eq!(splits.len(), 1, "{text}");
    assert!(
        splits[0].starts_with(
            "Reached by fewer than half: under 'decision_rule=supermajority supermajority=0.7', "
        ),
        "{text}"
    );
    // The share it reads out is the one runs.csv gives.
    let runs = std::fs::read_to_string(dir.path().join("out/runs.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(runs.as_bytes());
    let h = rdr.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    let (v, s, f, p) = (
        col("variant"),
        col("success"),
        col("final_members"),
        col("peak_members"),
    );
    let (mut n, mut split) = (0u32, 0u32);
    for r in rdr.records() {
        let r = r.unwrap();
        if r[v].starts_with("decision_rule=supermajority") {
            n += 1;
            let success = &r[s] == "true" || &r[s] == "1";
            let fm: u32 = r[f].parse().unwrap();
            let pm: u32 = r[p].parse().unwrap();
            split += u32::from(success && 2 * fm < pm);
        }
    }
    let share = format!("{:.1}% of the runs", 100.0 * split as f64 / n as f64);
    assert!(split > 0 && splits[0].contains(&share), "{share}: {text}");
}
