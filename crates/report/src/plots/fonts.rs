//! Per-glyph font fallback for PNG text, so CJK and emoji names are drawn
//! as real glyphs instead of empty boxes.
//!
//! plotters' `ab_glyph` support draws a string with the one font registered
//! for its family; a character that font lacks becomes its `.notdef` box.
//! DejaVu Sans (the charts' font) has Latin, Greek, Cyrillic and many symbols
//! but no Chinese, Japanese or Korean and few emoji. [`FallbackText`] wraps
//! a drawing backend (the PNG [`BitMapBackend`](plotters::backend::BitMapBackend))
//! and looks at each string before it is drawn or measured:
//!
//! - if DejaVu Sans has every character (all Latin text), the string goes to
//!   the inner backend unchanged, so those pixels are exactly plotters' own;
//! - otherwise the string is split into runs by the first embedded font that
//!   has each character — DejaVu Sans, then Droid Sans Fallback (Chinese,
//!   Japanese kana, Korean Hangul), then Noto Emoji (monochrome outlines) —
//!   DejaVu runs are drawn by plotters as before and the other runs are
//!   rasterised here with `ab_glyph`, scaled to the same em size and
//!   baseline. Anchors and rotation (the y-axis label) keep working because
//!   the inner backend still places the text from the measured box.
//!
//! A character none of the fonts has still draws DejaVu's box, as before;
//! invisible format characters take no space (DejaVu has zero-width glyphs
//! for the joiner and variation selectors; others none of the fonts has,
//! such as tag characters, are skipped). Emoji sequences that need shaping
//! (flags, skin tones, joined families) show as their separate parts.

use std::error::Error;
use std::fmt;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingBackend, DrawingErrorKind,
    FontFamily, FontStyle, FontTransform, text_anchor,
};

/// DejaVu Sans: the charts' font (Latin, Greek, Cyrillic, symbols).
pub(crate) static DEJAVU_SANS: &[u8] = include_bytes!("../../../../assets/DejaVuSans.ttf");
/// Droid Sans Fallback: Chinese (the 20,902 unified ideographs), Japanese
/// kana and the 11,172 Korean Hangul syllables.
static DROID_SANS_FALLBACK: &[u8] = include_bytes!("../../../../assets/DroidSansFallback.ttf");
/// Noto Emoji Regular: monochrome outline emoji.
static NOTO_EMOJI: &[u8] = include_bytes!("../../../../assets/NotoEmoji-Regular.ttf");

/// The family whose text gets fallback; other families pass through.
/// Font family name under which the embedded font is registered.
pub const FONT_FAMILY: &str = "sans-serif";
const FAMILY: &str = FONT_FAMILY;

/// The embedded fonts in fallback order, each with its glyph scale relative
/// to the first font, so that all share one em size.
struct Faces {
    fonts: Vec<(FontRef<'static>, f32)>,
}

impl Faces {
    fn load() -> Result<Faces, String> {
        let mut fonts = Vec::new();
        let mut primary_em = None;
        for (name, bytes) in [
            ("DejaVu Sans", DEJAVU_SANS),
            ("Droid Sans Fallback", DROID_SANS_FALLBACK),
            ("Noto Emoji", NOTO_EMOJI),
        ] {
            let font = FontRef::try_from_slice(bytes)
                .map_err(|_| format!("embedded {name} is not a valid font"))?;
            let upm = font
                .units_per_em()
                .ok_or_else(|| format!("embedded {name} has no units per em"))?;
            // ab_glyph scales so that ascent - descent = the pixel size;
            // em / (ascent - descent) differs between fonts.
            let em = upm / font.height_unscaled();
            let primary = *primary_em.get_or_insert(em);
            fonts.push((font, primary / em));
        }
        Ok(Faces { fonts })
    }

    /// Index of the first font that has `c`; `None` for an invisible format
    /// character no font has (it is skipped); 0 (the box) for anything else.
    fn face_for(&self, c: char) -> Option<usize> {
        if let Some(i) = self
            .fonts
            .iter()
            .position(|(f, _)| f.glyph_id(c) != GlyphId(0))
        {
            return Some(i);
        }
        if is_invisible(c) { None } else { Some(0) }
    }

    /// Whether the first font alone has every character of `text`.
    fn primary_covers(&self, text: &str) -> bool {
        text.is_ascii() || {
            let primary = &self.fonts[0].0;
            text.chars().all(|c| primary.glyph_id(c) != GlyphId(0))
        }
    }

    /// `text` as runs of one font each: (font index, run).
    fn runs<'t>(&self, text: &'t str) -> Vec<(usize, &'t str)> {
        let mut runs: Vec<(usize, &'t str)> = Vec::new();
        let mut start = 0;
        let mut current: Option<usize> = None;
        for (at, c) in text.char_indices() {
            let face = self.face_for(c);
            if face != current {
                if let Some(f) = current {
                    runs.push((f, &text[start..at]));
                }
                start = at;
                current = face;
            }
            if face.is_none() {
                start = at + c.len_utf8();
            }
        }
        if let Some(f) = current {
            runs.push((f, &text[start..]));
        }
        runs
    }

    /// Width in pixels of `run` in font `face` at plotters size `size`,
    /// measured as plotters measures (advances plus kerning).
    fn advance(&self, face: usize, size: f32, run: &str) -> f32 {
        let (font, rel) = &self.fonts[face];
        let font = font.as_scaled(PxScale::from(size * rel));
        let mut width = 0.0;
        let mut prev = None;
        for c in run.chars() {
            let id = font.glyph_id(c);
            width += font.h_advance(id);
            if let Some(p) = prev {
                width += font.kern(p, id);
            }
            prev = Some(id);
        }
        width
    }
}

fn faces() -> Result<&'static Faces, String> {
    static FACES: OnceLock<Result<Faces, String>> = OnceLock::new();
    FACES
        .get_or_init(Faces::load)
        .as_ref()
        .map_err(Clone::clone)
}

/// Check once that the embedded fonts load (called by `ensure_font`).
pub(crate) fn check_fonts() -> Result<(), String> {
    faces().map(|_| ())
}

/// Zero-width joiners, variation selectors and other default-ignorable
/// characters that emoji and CJK text carry but that draw nothing.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFF8}' | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' | '\u{E0000}'..='\u{E0FFF}')
}

/// A drawing backend that draws text with per-glyph font fallback and
/// passes everything else to `B` untouched. See the module documentation.
pub struct FallbackText<B> {
    inner: B,
}

impl<B> FallbackText<B> {
    /// Wrap `inner`.
    pub fn new(inner: B) -> Self {
        FallbackText { inner }
    }
}

/// The wrapped style needs fallback (our family, a character DejaVu lacks)
/// and the fonts are available.
fn fallback_faces<S: BackendTextStyle>(text: &str, style: &S) -> Option<&'static Faces> {
    if text.is_ascii() || style.family().as_str() != FAMILY {
        return None;
    }
    let faces = faces().ok()?;
    (!faces.primary_covers(text)).then_some(faces)
}

impl<B: DrawingBackend> DrawingBackend for FallbackText<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        (iw, ih): (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.inner.blit_bitmap(pos, (iw, ih), src)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        match fallback_faces(text, style) {
            None => self.inner.draw_text(text, style, pos),
            Some(faces) => self.inner.draw_text(
                text,
                &FallbackStyle {
                    inner: style,
                    faces,
                },
                pos,
            ),
        }
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<Self::ErrorType>> {
        match fallback_faces(text, style) {
            None => self.inner.estimate_text_size(text, style),
            Some(faces) => self.inner.estimate_text_size(
                text,
                &FallbackStyle {
                    inner: style,
                    faces,
                },
            ),
        }
    }
}

/// A text style that lays out and draws with font fallback; the inner
/// style's colour, size, anchor and rotation are kept.
struct FallbackStyle<'s, S> {
    inner: &'s S,
    faces: &'static Faces,
}

/// A font error from the inner style, as text.
#[derive(Debug)]
pub struct FallbackError(String);

impl fmt::Display for FallbackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Error for FallbackError {}

impl<S: BackendTextStyle> BackendTextStyle for FallbackStyle<'_, S> {
    type FontError = FallbackError;

    fn color(&self) -> BackendColor {
        self.inner.color()
    }

    fn size(&self) -> f64 {
        self.inner.size()
    }

    fn transform(&self) -> FontTransform {
        self.inner.transform()
    }

    fn style(&self) -> FontStyle {
        self.inner.style()
    }

    fn anchor(&self) -> text_anchor::Pos {
        self.inner.anchor()
    }

    fn family(&self) -> FontFamily<'_> {
        self.inner.family()
    }

    fn layout_box(&self, text: &str) -> Result<((i32, i32), (i32, i32)), FallbackError> {
        // As plotters' ab_glyph layout: the advance width, and a height of
        // size / 1.24 for every font.
        let size = self.inner.size();
        let width: f32 = self
            .faces
            .runs(text)
            .iter()
            .map(|&(face, run)| self.faces.advance(face, size as f32, run))
            .sum();
        Ok(((0, 0), (width as i32, (size / 1.24) as i32)))
    }

    fn draw<E, F: FnMut(i32, i32, BackendColor) -> Result<(), E>>(
        &self,
        text: &str,
        (x, y): BackendCoord,
        mut draw: F,
    ) -> Result<Result<(), E>, FallbackError> {
        let size = self.inner.size() as f32;
        let color = self.inner.color();
        let mut pen = 0.0f32;
        for (face, run) in self.faces.runs(text) {
            if face == 0 {
                // DejaVu Sans: plotters draws it, exactly as without fallback.
                match self.inner.draw(run, (x + pen as i32, y), &mut draw) {
                    Ok(Ok(())) => {}
                    Ok(Err(e)) => return Ok(Err(e)),
                    Err(e) => return Err(FallbackError(e.to_string())),
                }
                pen += self.faces.advance(0, size, run);
                continue;
            }
            let (font, rel) = &self.faces.fonts[face];
            let font = font.as_scaled(PxScale::from(size * rel));
            for c in run.chars() {
                let glyph = font.scaled_glyph(c);
                let advance = font.h_advance(glyph.id);
                if let Some(outline) = font.outline_glyph(glyph) {
                    let bounds = outline.px_bounds();
                    // Same baseline as plotters' ab_glyph drawing: size / 2.
                    let left = x + pen as i32 + bounds.min.x as i32;
                    let top = y + (size / 2.0 + bounds.min.y) as i32;
                    let mut pixels = Vec::new();
                    outline.draw(|px, py, coverage| pixels.push((px, py, coverage)));
                    for (px, py, coverage) in pixels {
                        let ink = color.mix(f64::from(coverage));
                        if let Err(e) = draw(left + px as i32, top + py as i32, ink) {
                            return Ok(Err(e));
                        }
                    }
                }
                pen += advance;
            }
        }
        Ok(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_fonts_load() {
        let faces = faces().expect("fonts load");
        assert_eq!(faces.fonts.len(), 3);
        assert!((faces.fonts[0].1 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn each_script_finds_its_font() {
        let faces = faces().unwrap();
        assert_eq!(faces.face_for('a'), Some(0));
        assert_eq!(faces.face_for('é'), Some(0));
        for c in ['合', '連', 'の', '연', '합'] {
            assert_eq!(faces.face_for(c), Some(1), "{c}");
        }
        for c in ['🤝', '👍', '🌍'] {
            assert_eq!(faces.face_for(c), Some(2), "{c}");
        }
        // Nothing has it: DejaVu's box, unless it is invisible.
        assert_eq!(faces.face_for('\u{10FFFD}'), Some(0));
        assert_eq!(faces.face_for('\u{E0020}'), None);
        // DejaVu has some emoji (😀) and the joiner: its own glyphs.
        assert_eq!(faces.face_for('😀'), Some(0));
        assert_eq!(faces.face_for('\u{200D}'), Some(0));
    }

    #[test]
    fn runs_split_by_font_and_drop_invisible_characters() {
        let faces = faces().unwrap();
        assert_eq!(
            faces.runs("🤝 coalition 合作"),
            vec![(2, "🤝"), (0, " coalition "), (1, "合作")]
        );
        assert_eq!(faces.runs("a\u{E0020}b"), vec![(0, "a"), (0, "b")]);
        assert_eq!(faces.runs(""), Vec::<(usize, &str)>::new());
    }

    #[test]
    fn latin_text_needs_no_fallback() {
        let faces = faces().unwrap();
        assert!(faces.primary_covers("Consensus vs majority (α = 0.05) – Müller"));
        assert!(!faces.primary_covers("合作联盟"));
    }
}
