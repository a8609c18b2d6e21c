//! CJK and emoji names in PNG plots: per-glyph font fallback
//! (`coalsim_report::plots::fonts`). Before it, every such character was DejaVu
//! Sans's empty `.notdef` box, the same box for every character.

use std::path::Path;

use assert_cmd::Command;
use coalsim_report::plots::fonts::FallbackText;
use coalsim_report::plots::{FONT_FAMILY, ensure_font};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const W: u32 = 240;
const H: u32 = 240;

/// A character no embedded font has: it stays DejaVu's box.
const UNCOVERED: &str = "\u{10FFFD}";

fn style(transform: FontTransform) -> TextStyle<'static> {
    (FONT_FAMILY, 40)
        .into_font()
        .transform(transform)
        .color(&BLACK)
        .pos(Pos::new(HPos::Center, VPos::Center))
}

/// `text` centred at the middle of a white W×H RGB image, with font fallback
/// (`fallback`) or with plotters' plain bitmap backend.
fn render(text: &str, fallback: bool, transform: FontTransform) -> Vec<u8> {
    ensure_font().unwrap();
    let mut buf = vec![255u8; (W * H * 3) as usize];
    let centre = ((W / 2) as i32, (H / 2) as i32);
    {
        let backend = BitMapBackend::with_buffer(&mut buf, (W, H));
        if fallback {
            let root = FallbackText::new(backend).into_drawing_area();
            root.draw_text(text, &style(transform), centre).unwrap();
            root.present().unwrap();
        } else {
            let root = backend.into_drawing_area();
            root.draw_text(text, &style(transform), centre).unwrap();
            root.present().unwrap();
        }
    }
    buf
}

/// Bounding box of the non-white pixels: (min x, min y, max x, max y) and
/// the number of such pixels.
fn ink(buf: &[u8]) -> ((u32, u32, u32, u32), usize) {
    let mut bbox = (W, H, 0, 0);
    let mut n = 0;
    for (i, p) in buf.chunks(3).enumerate() {
        if p != [255, 255, 255] {
            let (x, y) = (i as u32 % W, i as u32 / W);
            bbox = (bbox.0.min(x), bbox.1.min(y), bbox.2.max(x), bbox.3.max(y));
            n += 1;
        }
    }
    (bbox, n)
}

#[test]
fn cjk_and_emoji_draw_their_own_glyphs_not_the_missing_glyph_box() {
    let boxed = render(UNCOVERED, true, FontTransform::None);
    assert!(ink(&boxed).1 > 0, "the missing-glyph box draws something");
    // Without fallback a CJK character is exactly that box: the bug.
    assert_eq!(render("合", false, FontTransform::None), boxed);

    let chars = ["合", "作", "연", "の", "🤝", "😀"];
    let images: Vec<Vec<u8>> = chars
        .iter()
        .map(|c| render(c, true, FontTransform::None))
        .collect();
    for (c, img) in chars.iter().zip(&images) {
        let (_, n) = ink(img);
        assert!(n > 100, "{c} draws only {n} pixels");
        assert!(img != &boxed, "{c} is drawn as the missing-glyph box");
    }
    for i in 0..chars.len() {
        for j in i + 1..chars.len() {
            assert!(
                images[i] != images[j],
                "{} and {} draw the same pixels",
                chars[i],
                chars[j]
            );
        }
    }
}

#[test]
fn text_dejavu_covers_is_drawn_exactly_as_plotters_draws_it() {
    for text in [
        "Consensus vs majority (95% CI)",
        "Müller — Ωmega · ±0.5",
        UNCOVERED,
    ] {
        for t in [FontTransform::None, FontTransform::Rotate270] {
            assert!(
                render(text, true, t.clone()) == render(text, false, t),
                "{text:?} changed"
            );
        }
    }
}

/// With `COALSIM_PLOT_GALLERY=/some/dir`, keep `fonts.png` there: mixed
/// labels across, and turned as a y-axis label, for looking at.
fn gallery() {
    let Some(dir) = std::env::var_os("COALSIM_PLOT_GALLERY") else {
        return;
    };
    std::fs::create_dir_all(&dir).unwrap();
    let path = Path::new(&dir).join("fonts.png");
    let root = FallbackText::new(BitMapBackend::new(&path, (900, 400))).into_drawing_area();
    root.fill(&WHITE).unwrap();
    let labels = [
        "合作联盟 🤝 coalition",
        "共识 · 多数 · 연합",
        "連合の試み 😀 👍 🌍",
        "Müller — Ωmega ±0.5",
    ];
    for (i, text) in labels.iter().enumerate() {
        let s = (FONT_FAMILY, 40).into_font().color(&BLACK);
        root.draw_text(text, &s, (120, 30 + 90 * i as i32)).unwrap();
    }
    let up = style(FontTransform::Rotate270);
    root.draw_text("合作联盟 🤝 members", &up, (50, 200))
        .unwrap();
    root.present().unwrap();
}

#[test]
fn mixed_labels_are_centred_where_asked_and_rotate() {
    gallery();
    let text = "🤝 合作 coalition";
    let ((x0, y0, x1, y1), _) = ink(&render(text, true, FontTransform::None));
    let (w, h) = (x1 - x0, y1 - y0);
    assert!(w > 3 * h, "horizontal label is {w}×{h}");
    let mid = (x0 + x1) / 2;
    assert!(
        mid.abs_diff(W / 2) <= 4,
        "centred at x {mid}, not {}",
        W / 2
    );

    // A y-axis label: the same text turned a quarter.
    let ((rx0, ry0, rx1, ry1), _) = ink(&render(text, true, FontTransform::Rotate270));
    let (rw, rh) = (rx1 - rx0, ry1 - ry0);
    assert!(rh > 3 * rw, "rotated label is {rw}×{rh}");
    assert!(rh.abs_diff(w) <= 4, "rotated length {rh} vs {w}");
    let rmid = (ry0 + ry1) / 2;
    assert!(
        rmid.abs_diff(H / 2) <= 4,
        "centred at y {rmid}, not {}",
        H / 2
    );
}

#[test]
fn layout_width_of_mixed_text_is_the_sum_of_its_runs() {
    ensure_font().unwrap();
    let mut buf = vec![255u8; (W * H * 3) as usize];
    let root = FallbackText::new(BitMapBackend::with_buffer(&mut buf, (W, H))).into_drawing_area();
    let s = style(FontTransform::None);
    let width = |t: &str| root.estimate_text_size(t, &s).unwrap().0 as i64;
    let (latin, cjk, both) = (width("ab"), width("合作"), width("ab合作"));
    // A CJK character is about one em (40 px / 1.164 for DejaVu's metrics).
    assert!((60..=72).contains(&cjk), "合作 is {cjk} px wide");
    assert!((both - latin - cjk).abs() <= 2, "{both} vs {latin} + {cjk}");
    // An invisible tag character no font has takes no room.
    assert!((width("🤝\u{E0020}🤝") - width("🤝🤝")).abs() <= 1);
}

/// `coalsim batch` on the default scenario renamed to `name`; the PNGs.
fn batch_pngs(dir: &Path, name: &str) -> Vec<(String, Vec<u8>)> {
    let default = include_str!("../../scenarios/default.toml");
    assert!(default.contains("name = \"City coalition\""));
    std::fs::create_dir_all(dir).unwrap();
    let scenario = dir.join("s.toml");
    std::fs::write(
        &scenario,
        default.replace("name = \"City coalition\"", &format!("name = {name:?}")),
    )
    .unwrap();
    let out = dir.join("out");
    let res = Command::cargo_bin("coalsim")
        .unwrap()
        .args(["batch", "--runs", "20", "--threads", "1", "--out"])
        .arg(&out)
        .arg(&scenario)
        .output()
        .unwrap();
    assert!(
        res.status.success(),
        "{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let stdout = String::from_utf8(res.stdout).unwrap();
    assert!(
        stdout.starts_with(name),
        "the summary keeps the name: {stdout}"
    );
    let mut pngs: Vec<(String, Vec<u8>)> = std::fs::read_dir(out.join("plots"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    pngs.sort();
    pngs
}

#[test]
fn batch_plots_of_cjk_and_emoji_scenario_names_tell_the_names_apart() {
    // Same length, different characters none of which DejaVu Sans has: as
    // boxes these plots were identical.
    let tmp = tempfile::tempdir().unwrap();
    let a = batch_pngs(&tmp.path().join("a"), "合作联盟 🤝 연합");
    let b = batch_pngs(&tmp.path().join("b"), "連合の試 🌍 합연");
    assert!(a.len() >= 5, "{} PNGs", a.len());
    assert_eq!(
        a.iter().map(|x| &x.0).collect::<Vec<_>>(),
        b.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        assert!(x != y, "{name}: the two names draw the same title");
    }
}
