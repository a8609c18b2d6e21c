//! Rendering a chart to a file: PNG (with per-glyph font fallback) or SVG,
//! 1200×800, written under a temporary name and renamed once complete.

use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;

use super::fonts::FallbackText;
use super::frame::{PlotError, ensure_font};

/// Width of files written by [`save_png`] and [`save_svg`], in pixels.
pub const WIDTH: u32 = 1200;
/// Height of files written by [`save_png`] and [`save_svg`], in pixels.
pub const HEIGHT: u32 = 800;

/// The backend behind [`save_png`]: plotters' bitmap backend with per-glyph
/// font fallback for CJK and emoji text (see [`fonts`]).
pub type PngBackend<'a> = FallbackText<BitMapBackend<'a>>;

/// Writes a finished plot's bytes under a temporary name and renames it into
/// place, so a reader never sees half a plot; every write error (a full
/// disk, a read-only folder) is returned with the plot's path.
fn write_plot(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    use std::io::Write as _;
    let io = |error: std::io::Error| PlotError::Io {
        path: path.to_path_buf(),
        error,
    };
    let mut file = crate::files::AtomicFile::create(path).map_err(io)?;
    file.write_all(bytes).map_err(io)?;
    file.commit().map_err(io)
}

/// Render a chart to a [`WIDTH`]×[`HEIGHT`] PNG at `path`, e.g.
/// `save_png("km.png", |root| draw_survival(root, &chart))`.
///
/// Draws into memory, encodes the PNG in memory (the same encoder and
/// settings plotters' file backend uses, so the bytes are the same), then
/// writes it atomically: errors from drawing, encoding or writing are
/// returned and leave no partial file behind. Drawing to memory matters on a
/// full disk: the image crate's own file writer drops its buffer without
/// checking the last write.
pub fn save_png<P, F>(path: P, draw: F) -> Result<(), PlotError>
where
    P: AsRef<Path>,
    F: FnOnce(&DrawingArea<PngBackend<'_>, Shift>) -> Result<(), PlotError>,
{
    use image::ImageEncoder as _;
    ensure_font()?;
    let path = path.as_ref();
    let mut pixels = vec![0u8; 3 * (WIDTH as usize) * (HEIGHT as usize)];
    {
        let root = FallbackText::new(BitMapBackend::with_buffer(&mut pixels, (WIDTH, HEIGHT)))
            .into_drawing_area();
        draw(&root)?;
        root.present()?;
    }
    let mut png = Vec::with_capacity(256 * 1024);
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&pixels, WIDTH, HEIGHT, image::ColorType::Rgb8)
        .map_err(|e| PlotError::Drawing(format!("cannot encode the PNG: {e}")))?;
    write_plot(path, &png)
}

/// Render a chart to a [`WIDTH`]×[`HEIGHT`] SVG at `path`; same contract as
/// [`save_png`]. Text stays text (`font-family="sans-serif"`).
pub fn save_svg<P, F>(path: P, draw: F) -> Result<(), PlotError>
where
    P: AsRef<Path>,
    F: FnOnce(&DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), PlotError>,
{
    ensure_font()?;
    let path = path.as_ref();
    let mut svg = String::with_capacity(64 * 1024);
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        draw(&root)?;
        root.present()?;
    }
    write_plot(path, svg.as_bytes())
}
