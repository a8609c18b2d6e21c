//! Criterion benchmarks of plot text and of a batch's plots: what the
//! per-glyph font fallback for CJK and emoji (`coalsim_report::plots::fonts`) costs.
//! See docs/performance.md for the figures. Times are the benchmarking
//! thread's CPU time (drawing is single-threaded), so that waiting for a core
//! on a shared machine does not count.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use coalsim_report::plots::fonts::FallbackText;
use coalsim_report::plots::{FONT_FAMILY, ensure_font};
use criterion::{Criterion, criterion_group, criterion_main};
use plotters::prelude::*;

const W: u32 = 1200;
const H: u32 = 800;

/// Twenty labels of `text` at the sizes the charts use, drawn into an RGB
/// buffer with font fallback or with plotters' plain bitmap backend.
fn labels(buf: &mut [u8], text: &str, fallback: bool) {
    let backend = BitMapBackend::with_buffer(buf, (W, H));
    if fallback {
        draw_labels(&FallbackText::new(backend).into_drawing_area(), text);
    } else {
        draw_labels(&backend.into_drawing_area(), text);
    }
}

fn draw_labels<DB: DrawingBackend>(root: &DrawingArea<DB, plotters::coord::Shift>, text: &str) {
    for i in 0..20i32 {
        let style = (FONT_FAMILY, 20 + i % 3 * 8).into_font().color(&BLACK);
        root.draw_text(text, &style, (20, 30 + 35 * i))
            .expect("text");
    }
}

/// This thread's CPU time (`CLOCK_THREAD_CPUTIME_ID`).
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes the timespec we pass.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "thread CPU time cannot be read");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// `f` run `iters` times, in CPU time of this thread.
fn cpu(iters: u64, mut f: impl FnMut()) -> Duration {
    let start = thread_cpu_time();
    for _ in 0..iters {
        f();
    }
    thread_cpu_time().saturating_sub(start)
}

fn text(c: &mut Criterion) {
    ensure_font().expect("fonts");
    let mut buf = vec![255u8; (W * H * 3) as usize];
    let mut g = c.benchmark_group("plot_text");
    let latin = "City coalition: members over time (mean, 95% band)";
    let cjk = "合作联盟 🤝 coalition: members over time";
    g.bench_function("latin/plain", |b| {
        b.iter(|| labels(&mut buf, black_box(latin), false))
    });
    g.bench_function("latin/fallback", |b| {
        b.iter(|| labels(&mut buf, black_box(latin), true))
    });
    g.bench_function("cjk_emoji/plain", |b| {
        b.iter(|| labels(&mut buf, black_box(cjk), false))
    });
    g.bench_function("cjk_emoji/fallback", |b| {
        b.iter(|| labels(&mut buf, black_box(cjk), true))
    });
    g.finish();
}

/// A 200-run batch folder of the default scenario, named `name`.
fn batch_folder(dir: &Path, name: &str) {
    let default = include_str!("../scenarios/default.toml");
    let scenario = dir.join("s.toml");
    std::fs::create_dir_all(dir).expect("dir");
    std::fs::write(
        &scenario,
        default.replace("name = \"City coalition\"", &format!("name = {name:?}")),
    )
    .expect("scenario");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_coalsim"))
        .args(["batch", "--runs", "200", "--out"])
        .arg(dir)
        .arg(&scenario)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("coalsim batch");
    assert!(status.success());
}

/// All plots of a batch (9 charts, PNG and SVG), as `coalsim plot` draws them.
fn batch_plots(c: &mut Criterion) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut g = c.benchmark_group("plot_batch");
    g.sample_size(20);
    for (id, name) in [
        ("latin", "City coalition"),
        ("cjk_emoji", "合作联盟 🤝 coalition"),
    ] {
        let dir = tmp.path().join(id);
        batch_folder(&dir, name);
        g.bench_function(format!("draw_all/{id}"), |b| {
            b.iter_custom(|n| {
                cpu(n, || {
                    black_box(coalsim_report::charts::draw_all(&dir).expect("plots"));
                })
            })
        });
    }
    g.finish();
}

criterion_group!(benches, text, batch_plots);
criterion_main!(benches);
