//! Colours of every chart: the Okabe–Ito series palette, the fixed colour
//! of each decision rule, viridis for heatmaps, and text that stays
//! readable on a coloured cell.

use plotters::prelude::*;

/// Okabe–Ito colour-blind-safe palette, in the order series get them.
/// Yellow (#F0E442) comes last because it is faint on white.
pub const OKABE_ITO: [RGBColor; 8] = [
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The ninth series colour, after the eight of [`OKABE_ITO`]: Paul Tol's
/// "wine" (#882255, from his colour-blind-safe muted scheme), so that a
/// sweep's nine drawn variants (the baseline, four best, four worst) get
/// nine different colours.
pub const NINTH: RGBColor = RGBColor(0x88, 0x22, 0x55);

/// Grey of the variants a chart leaves out (drawn as one band, listed as
/// one legend entry).
pub const OTHERS_GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);

/// Colour of the `i`-th series: [`OKABE_ITO`], then [`NINTH`], cycling.
pub fn series_colour(i: usize) -> RGBColor {
    match i % (OKABE_ITO.len() + 1) {
        8 => NINTH,
        k => OKABE_ITO[k],
    }
}

/// The fixed colour of a decision rule, the same in every chart (a sweep's
/// rule map, `explore`'s charts): the [`OKABE_ITO`] colour of its place in
/// [`DecisionRule::ALL`](coalsim_core::scenario::DecisionRule::ALL) (consensus
/// orange, majority sky blue, supermajority bluish green, weighted blue,
/// committee vermillion, modified consensus reddish purple, consent yellow:
/// black is left out, since a cell's label could not be read on it). `None`
/// for a name that is not a rule.
pub fn rule_colour(rule: &str) -> Option<RGBColor> {
    coalsim_core::scenario::DecisionRule::ALL
        .iter()
        .position(|r| r.name() == rule)
        .map(|i| RULE_PALETTE[i % RULE_PALETTE.len()])
}

/// The Okabe–Ito colours a decision rule can have: all but black.
const RULE_PALETTE: [RGBColor; 7] = [
    OKABE_ITO[0],
    OKABE_ITO[1],
    OKABE_ITO[2],
    OKABE_ITO[3],
    OKABE_ITO[4],
    OKABE_ITO[5],
    OKABE_ITO[7],
];

/// Matplotlib's viridis sampled at 11 evenly spaced points.
pub(crate) const VIRIDIS: [(u8, u8, u8); 11] = [
    (0x44, 0x01, 0x54),
    (0x48, 0x24, 0x75),
    (0x41, 0x44, 0x87),
    (0x35, 0x5F, 0x8D),
    (0x2A, 0x78, 0x8E),
    (0x21, 0x91, 0x8C),
    (0x22, 0xA8, 0x84),
    (0x44, 0xBF, 0x70),
    (0x7A, 0xD1, 0x51),
    (0xBD, 0xDF, 0x26),
    (0xFD, 0xE7, 0x25),
];

/// Viridis colour for `t` in [0, 1] (clamped; NaN gives grey): linear
/// interpolation between 11 anchors of matplotlib's map, which keeps it
/// perceptually ordered and readable with colour-vision deficiencies.
pub fn viridis(t: f64) -> RGBColor {
    if t.is_nan() {
        return RGBColor(0xBB, 0xBB, 0xBB);
    }
    let x = t.clamp(0.0, 1.0) * (VIRIDIS.len() - 1) as f64;
    let i = (x.floor() as usize).min(VIRIDIS.len() - 2);
    let f = x - i as f64;
    let (a, b) = (VIRIDIS[i], VIRIDIS[i + 1]);
    let mix = |p: u8, q: u8| (f64::from(p) + f * (f64::from(q) - f64::from(p))).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever contrasts more with `bg` (WCAG relative
/// luminance, threshold 0.179).
pub fn contrast_text(bg: RGBColor) -> RGBColor {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let l = 0.2126 * lin(bg.0) + 0.7152 * lin(bg.1) + 0.0722 * lin(bg.2);
    if l > 0.179 { BLACK } else { WHITE }
}

/// Legend of a categorical heatmap: one swatch per category, then the pale
/// swatch's meaning.
/// A category's colour halfway to white: its cell is not clearly ahead of
/// the runner-up (readable even where the cells are too small for their
/// "≈" label).
pub fn pale(c: RGBColor) -> RGBColor {
    let mix = |v: u8| (f64::from(v) + 0.5 * (255.0 - f64::from(v))).round() as u8;
    RGBColor(mix(c.0), mix(c.1), mix(c.2))
}

/// The grid key whose values are decision rules (coloured by [`rule_colour`]).
pub const RULE_KEY: &str = "governance.decision_rule";
