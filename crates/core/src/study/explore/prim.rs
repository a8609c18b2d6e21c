//! Scenario discovery with PRIM, the Patient Rule Induction Method
//! (Friedman & Fisher 1999), as used in robust decision making (Bryant &
//! Lempert 2010): find a box of the uncertainty space — a range per input —
//! where a case of interest (this policy is best; success falls short) is
//! concentrated, and say it in words.
//!
//! Peeling: starting from the whole space, repeatedly cut off a slice of
//! about `alpha` of the points in the box, at the low or the high end of
//! one input, choosing the cut that leaves the highest share of cases in
//! the box (density); stop when the box would hold less than `min_mass` of
//! all points. Each box on the way is a point of the coverage–density
//! trade-off (coverage: the share of all cases that fall in the box). The
//! box chosen maximises coverage × density. Pasting then widens the chosen
//! box one slice at a time while that raises its density. Last, every
//! restriction that is not significant is dropped, so that the box names
//! only inputs that matter (Bryant & Lempert 2010's quasi-p-values, as the
//! EMA Workbench computes them): for a restricted input, the one-sided
//! binomial probability of at least the box's cases among its points if
//! the case rate were that of the box without the restriction; while the
//! largest is above 0.05 and freeing it keeps the box's density at least
//! `keep_density` (a box where the case is the rule, as reported), that
//! restriction goes.
//!
//! Inputs are treated as ordered (a categorical input as the index of its
//! value); ties are never split, so a discrete input is cut between values.

/// A box: an interval per input (bounds inclusive; infinite = unrestricted).
#[derive(Debug, Clone, PartialEq)]
pub struct PrimBox {
    pub lo: Vec<f64>,
    pub hi: Vec<f64>,
    /// Share of all cases inside the box.
    pub coverage: f64,
    /// Share of the box's points that are cases.
    pub density: f64,
    /// Share of all points inside the box.
    pub mass: f64,
    /// Points inside the box.
    pub points: usize,
}

impl PrimBox {
    /// Whether `row` lies in the box.
    pub fn contains(&self, row: &[f64]) -> bool {
        row.iter()
            .zip(self.lo.iter().zip(&self.hi))
            .all(|(x, (lo, hi))| *x >= *lo && *x <= *hi)
    }

    /// Inputs whose interval excludes some of the data's range.
    pub fn restricted(&self, x: &[Vec<f64>]) -> Vec<usize> {
        (0..self.lo.len())
            .filter(|&j| {
                let (mn, mx) = range(x, j);
                self.lo[j] > mn || self.hi[j] < mx
            })
            .collect()
    }
}

fn range(x: &[Vec<f64>], j: usize) -> (f64, f64) {
    x.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), r| {
            (a.min(r[j]), b.max(r[j]))
        })
}

/// PRIM's settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PrimConfig {
    /// Share of the box's points peeled per step.
    pub alpha: f64,
    /// Share of the box's points added per pasting step.
    pub paste_alpha: f64,
    /// Peeling stops before the box holds less than this share of points.
    pub min_mass: f64,
    /// Pruning frees an insignificant restriction only while the box's
    /// density stays at least this.
    pub keep_density: f64,
    /// Most inputs a box may restrict (`prim_mean`): when more stay
    /// restricted after pruning, the search runs again on the this many
    /// whose restrictions matter most.
    pub max_restricted: usize,
}

impl Default for PrimConfig {
    fn default() -> Self {
        PrimConfig {
            alpha: 0.05,
            paste_alpha: 0.05,
            min_mass: 0.05,
            keep_density: 0.5,
            max_restricted: 3,
        }
    }
}

/// The peeling trajectory, the box chosen on it, and that box pasted.
#[derive(Debug, Clone, PartialEq)]
pub struct PrimResult {
    /// Boxes from the whole space (first) to the last peel.
    pub trajectory: Vec<PrimBox>,
    /// Index in `trajectory` of the box chosen (max coverage × density).
    pub chosen: usize,
    /// The chosen box after pasting.
    pub pasted: PrimBox,
    /// Share of cases among all points.
    pub base_density: f64,
}

/// Runs PRIM on points `x` (rows) with cases `y`. `None` when there are no
/// points or no cases.
pub fn prim(x: &[Vec<f64>], y: &[bool], cfg: &PrimConfig) -> Option<PrimResult> {
    let n = x.len();
    let total_cases = y.iter().filter(|&&c| c).count();
    if n == 0 || total_cases == 0 || y.len() != n {
        return None;
    }
    let yf: Vec<f64> = y.iter().map(|&c| f64::from(u8::from(c))).collect();
    let trajectory = peel(x, &yf, cfg, true, None);
    let chosen = trajectory
        .iter()
        .enumerate()
        .max_by(|a, b| {
            (a.1.coverage * a.1.density)
                .total_cmp(&(b.1.coverage * b.1.density))
                // On a tie prefer the earlier (larger) box.
                .then(b.0.cmp(&a.0))
        })
        .map_or(0, |(i, _)| i);
    let pasted = prune(
        x,
        &yf,
        paste(x, &yf, &trajectory[chosen], cfg),
        cfg.keep_density,
    );
    Some(PrimResult {
        trajectory,
        chosen,
        pasted,
        base_density: total_cases as f64 / n as f64,
    })
}

/// Peels from the whole space: each step cuts the slice, at the low or
/// the high end of one input, that leaves the highest mean of `y` in the
/// box (on a tie, the one that removes fewest points), until the box
/// would hold less than `min_mass` of the points, or (`stop_when_pure`)
/// its mean reaches 1. Only the inputs in `inputs` are cut (all when
/// `None`). The boxes from the whole space on.
fn peel(
    x: &[Vec<f64>],
    y: &[f64],
    cfg: &PrimConfig,
    stop_when_pure: bool,
    inputs: Option<&[usize]>,
) -> Vec<PrimBox> {
    let n = x.len();
    let k = x[0].len();
    let mut lo = vec![f64::NEG_INFINITY; k];
    let mut hi = vec![f64::INFINITY; k];
    let mut trajectory = vec![mean_box(x, y, &lo, &hi)];
    let min_points = (cfg.min_mass * n as f64).ceil() as usize;
    let mut inside: Vec<usize> = (0..n).collect();
    loop {
        let nb = inside.len();
        let cut = ((cfg.alpha * nb as f64).ceil() as usize).max(1);
        // Best peel: (mean, -removed, dim, side, new bound).
        let mut best: Option<(f64, usize, usize, bool, f64)> = None;
        for j in 0..k {
            if inputs.is_some_and(|allowed| !allowed.contains(&j)) {
                continue;
            }
            let mut vals: Vec<f64> = inside.iter().map(|&i| x[i][j]).collect();
            vals.sort_by(f64::total_cmp);
            for low_side in [true, false] {
                // New bound and the points it keeps; ties are never split.
                let bound = if low_side {
                    let t = vals[cut.min(nb - 1)];
                    if t == vals[0] {
                        match vals.iter().find(|&&v| v > vals[0]) {
                            Some(&v) => v,
                            None => continue,
                        }
                    } else {
                        t
                    }
                } else {
                    let t = vals[nb - 1 - cut.min(nb - 1)];
                    if t == vals[nb - 1] {
                        match vals.iter().rev().find(|&&v| v < vals[nb - 1]) {
                            Some(&v) => v,
                            None => continue,
                        }
                    } else {
                        t
                    }
                };
                let (mut kept, mut sum) = (0usize, 0.0);
                for &i in &inside {
                    let keep = if low_side {
                        x[i][j] >= bound
                    } else {
                        x[i][j] <= bound
                    };
                    if keep {
                        kept += 1;
                        sum += y[i];
                    }
                }
                if kept < min_points || kept == 0 {
                    continue;
                }
                let mean = sum / kept as f64;
                let removed = nb - kept;
                let better = match best {
                    None => true,
                    Some((m, r, ..)) => mean > m || (mean == m && removed < r),
                };
                if better {
                    best = Some((mean, removed, j, low_side, bound));
                }
            }
        }
        let Some((_, _, j, low_side, bound)) = best else {
            break;
        };
        if low_side {
            lo[j] = bound;
        } else {
            hi[j] = bound;
        }
        inside.retain(|&i| x[i][j] >= lo[j] && x[i][j] <= hi[j]);
        let b = mean_box(x, y, &lo, &hi);
        let pure = stop_when_pure && b.density >= 1.0;
        trajectory.push(b);
        if pure {
            break;
        }
    }
    trajectory
}

/// Quasi-p-value above which a restriction is dropped.
const QP_MAX: f64 = 0.05;

/// P(X ≥ k) for X ~ Binomial(n, p).
fn binomial_upper(k: usize, n: usize, p: f64) -> f64 {
    if k == 0 {
        return 1.0;
    }
    if p <= 0.0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // ln C(n, i) p^i (1 − p)^(n − i), summed from i = k up.
    let ln_fact = |m: usize| (1..=m).map(|v| (v as f64).ln()).sum::<f64>();
    let (lp, lq) = (p.ln(), (1.0 - p).ln());
    let base = ln_fact(n);
    (k..=n)
        .map(|i| (base - ln_fact(i) - ln_fact(n - i) + i as f64 * lp + (n - i) as f64 * lq).exp())
        .sum::<f64>()
        .min(1.0)
}

/// Drops the restrictions of `b` that are not significant: while the
/// largest quasi-p-value of a restricted input whose freeing keeps the
/// density at least `keep_density` exceeds [`QP_MAX`], frees that input
/// (ties to the lower input).
fn prune(x: &[Vec<f64>], y: &[f64], b: PrimBox, keep_density: f64) -> PrimBox {
    free_insignificant(x, y, b, |cur, wider| {
        let cases = (cur.density * cur.points as f64).round() as usize;
        (wider.density >= keep_density).then(|| binomial_upper(cases, cur.points, wider.density))
    })
}

/// Frees restrictions of `b` one at a time: of the restricted inputs
/// whose freeing `p_value` admits (Some), the one with the largest
/// p-value, while it exceeds [`QP_MAX`] (ties to the lower input).
fn free_insignificant(
    x: &[Vec<f64>],
    y: &[f64],
    b: PrimBox,
    p_value: impl Fn(&PrimBox, &PrimBox) -> Option<f64>,
) -> PrimBox {
    let mut cur = b;
    loop {
        let mut worst: Option<(f64, PrimBox)> = None;
        for j in cur.restricted(x) {
            let wider = freed(x, y, &cur, j);
            let Some(p) = p_value(&cur, &wider) else {
                continue;
            };
            if worst.as_ref().is_none_or(|(w, _)| p > *w) {
                worst = Some((p, wider));
            }
        }
        match worst {
            Some((p, wider)) if p > QP_MAX => cur = wider,
            _ => return cur,
        }
    }
}

/// Widens `b` one slice at a time while that raises its mean of `y`
/// (density).
fn paste(x: &[Vec<f64>], y: &[f64], b: &PrimBox, cfg: &PrimConfig) -> PrimBox {
    let mut cur = b.clone();
    let k = cur.lo.len();
    loop {
        let add = ((cfg.paste_alpha * cur.points as f64).ceil() as usize).max(1);
        let mut best: Option<PrimBox> = None;
        for j in 0..k {
            // Points outside the box on input j only.
            let others_in = |row: &[f64]| {
                (0..k).all(|m| m == j || (row[m] >= cur.lo[m] && row[m] <= cur.hi[m]))
            };
            for low_side in [true, false] {
                let mut cand: Vec<f64> = x
                    .iter()
                    .filter(|r| others_in(r))
                    .map(|r| r[j])
                    .filter(|&v| {
                        if low_side {
                            v < cur.lo[j]
                        } else {
                            v > cur.hi[j]
                        }
                    })
                    .collect();
                if cand.is_empty() {
                    continue;
                }
                cand.sort_by(f64::total_cmp);
                let (mut lo, mut hi) = (cur.lo.clone(), cur.hi.clone());
                if low_side {
                    let i = cand.len().saturating_sub(add);
                    lo[j] = if i == 0 { f64::NEG_INFINITY } else { cand[i] };
                } else {
                    let i = add.min(cand.len()) - 1;
                    hi[j] = if i + 1 == cand.len() {
                        f64::INFINITY
                    } else {
                        cand[i]
                    };
                }
                let nb = mean_box(x, y, &lo, &hi);
                if nb.density > best.as_ref().map_or(cur.density, |b| b.density) {
                    best = Some(nb);
                }
            }
        }
        match best {
            Some(b) => cur = b,
            None => return cur,
        }
    }
}

/// Mean and count of `y` over the points of `x` inside [lo, hi].
fn mean_in(x: &[Vec<f64>], y: &[f64], lo: &[f64], hi: &[f64]) -> (f64, usize) {
    let (mut sum, mut n) = (0.0, 0usize);
    for (row, &v) in x.iter().zip(y) {
        if row
            .iter()
            .zip(lo.iter().zip(hi))
            .all(|(a, (l, h))| *a >= *l && *a <= *h)
        {
            sum += v;
            n += 1;
        }
    }
    (if n > 0 { sum / n as f64 } else { 0.0 }, n)
}

/// A box's statistics: `density` is the mean of `y` over the
/// box's points (for 0/1 cases: the share that are cases), `coverage`
/// the share of the points with `y > 0` that the box holds.
pub(super) fn mean_box(x: &[Vec<f64>], y: &[f64], lo: &[f64], hi: &[f64]) -> PrimBox {
    let (mean, points) = mean_in(x, y, lo, hi);
    let positive = y.iter().filter(|&&v| v > 0.0).count();
    let inside_positive = x
        .iter()
        .zip(y)
        .filter(|(row, v)| {
            **v > 0.0
                && row
                    .iter()
                    .zip(lo.iter().zip(hi))
                    .all(|(a, (l, h))| *a >= *l && *a <= *h)
        })
        .count();
    PrimBox {
        lo: lo.to_vec(),
        hi: hi.to_vec(),
        coverage: if positive > 0 {
            inside_positive as f64 / positive as f64
        } else {
            0.0
        },
        density: mean,
        mass: points as f64 / x.len().max(1) as f64,
        points,
    }
}

/// PRIM on a continuous target (Friedman & Fisher 1999's original form):
/// peeling keeps the slice cut that leaves the highest mean of `y` in the
/// box, down to `min_mass` of the points, on any input. The box chosen on
/// the trajectory is the one whose mean stands clearest above the whole
/// space's, (box mean − overall mean) × √points (a box neither a handful
/// of lucky points nor the whole space). Pasting widens it while its mean
/// rises; pruning frees each restriction whose freed points' mean is not
/// lower than the box's at one-sided 5% (normal approximation of Welch's
/// test), while the box stays above the overall mean. When more than
/// `max_restricted` inputs are still restricted, the search is run again
/// from the whole space cutting only the `max_restricted` inputs whose
/// restrictions matter most (their freed points most clearly worse).
/// (Capping the inputs during the first peeling instead lets its first
/// cuts, on noise inputs when each cut moves the mean little, lock out the
/// input that matters.)
/// `base_density` is the overall mean.
pub fn prim_mean(x: &[Vec<f64>], y: &[f64], cfg: &PrimConfig) -> Option<PrimResult> {
    let n = x.len();
    if n == 0 || y.len() != n {
        return None;
    }
    let overall = y.iter().sum::<f64>() / n as f64;
    let clarity = |b: &PrimBox| (b.density - overall) * (b.points as f64).sqrt();
    let fit = |inputs: Option<&[usize]>| {
        let trajectory = peel(x, y, cfg, false, inputs);
        let chosen = trajectory
            .iter()
            .enumerate()
            .max_by(|a, b| clarity(a.1).total_cmp(&clarity(b.1)).then(b.0.cmp(&a.0)))
            .map_or(0, |(i, _)| i);
        let pasted = prune_mean(x, y, paste(x, y, &trajectory[chosen], cfg), overall);
        (trajectory, chosen, pasted)
    };
    let (mut trajectory, mut chosen, mut pasted) = fit(None);
    if pasted.restricted(x).len() > cfg.max_restricted {
        // Peel again on the inputs whose restrictions matter most.
        let strongest = strongest(x, y, &pasted, cfg.max_restricted);
        (trajectory, chosen, pasted) = fit(Some(&strongest));
    }
    Some(PrimResult {
        trajectory,
        chosen,
        pasted,
        base_density: overall,
    })
}

/// One-sided p-value that the points `b` would add (freeing input `j`)
/// have a mean of `y` no lower than the box's own points (normal
/// approximation of Welch's test; 1 when fewer than two points are added).
pub(super) fn freed_p(x: &[Vec<f64>], y: &[f64], b: &PrimBox, wider: &PrimBox) -> f64 {
    let (mut a, mut f) = (Vec::new(), Vec::new());
    for (row, &v) in x.iter().zip(y) {
        if b.contains(row) {
            a.push(v);
        } else if wider.contains(row) {
            f.push(v);
        }
    }
    if f.len() < 2 || a.len() < 2 {
        return 1.0;
    }
    let mv = |s: &[f64]| {
        let m = s.iter().sum::<f64>() / s.len() as f64;
        let v = s.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (s.len() - 1) as f64;
        (m, v)
    };
    let ((ma, va), (mf, vf)) = (mv(&a), mv(&f));
    let se = (va / a.len() as f64 + vf / f.len() as f64).sqrt();
    if se == 0.0 {
        return if mf < ma { 0.0 } else { 1.0 };
    }
    // P(Z ≥ z) for z = (ma − mf) / se.
    1.0 - crate::stats::special::normal_cdf((ma - mf) / se)
}

/// `b` with its restriction on input `j` freed.
fn freed(x: &[Vec<f64>], y: &[f64], b: &PrimBox, j: usize) -> PrimBox {
    let (mut lo, mut hi) = (b.lo.clone(), b.hi.clone());
    lo[j] = f64::NEG_INFINITY;
    hi[j] = f64::INFINITY;
    mean_box(x, y, &lo, &hi)
}

/// The `max` restricted inputs of `b` whose freeing would add the most
/// clearly worse points (smallest [`freed_p`]; ties to the lower input).
fn strongest(x: &[Vec<f64>], y: &[f64], b: &PrimBox, max: usize) -> Vec<usize> {
    let mut ranked: Vec<(f64, usize)> = b
        .restricted(x)
        .into_iter()
        .map(|j| (freed_p(x, y, b, &freed(x, y, b, j)), j))
        .collect();
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().take(max).map(|(_, j)| j).collect()
}

/// Frees the restrictions of `b` whose freed points are not significantly
/// worse (largest p-value first) while the box's mean stays above
/// `overall`.
fn prune_mean(x: &[Vec<f64>], y: &[f64], b: PrimBox, overall: f64) -> PrimBox {
    free_insignificant(x, y, b, |cur, wider| {
        (wider.density > overall).then(|| freed_p(x, y, cur, wider))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Uniform numbers in [0, 1) from a xorshift generator.
    fn uniforms(seed: u64) -> impl FnMut() -> f64 {
        let mut rng = seed;
        move || {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            (rng >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    #[test]
    fn prim_mean_finds_a_weak_signal_among_many_noise_inputs() {
        // The target is 0.15 higher where input 0 is below 0.3, under noise
        // of sd 0.08, and 15 inputs are noise: a first cut moves the box's
        // mean less than a lucky cut on a noise input can. Capped at three
        // inputs while peeling (this module until December 2026), the box
        // was locked onto noise inputs and restricted input 0 in 2 of these
        // 8 samples (below 0.5 in 2); searched again on the inputs that
        // matter most instead, it restricts it below 0.31 in 7.
        let (mut on, mut near) = (0, 0);
        for seed in 1..=8u64 {
            let mut next = uniforms(seed * 7919);
            let x: Vec<Vec<f64>> = (0..200)
                .map(|_| (0..16).map(|_| next()).collect())
                .collect();
            let y: Vec<f64> = x
                .iter()
                .map(|r| {
                    let z = (0..12).map(|_| next()).sum::<f64>() - 6.0;
                    let bonus = if r[0] < 0.3 { 0.15 } else { 0.0 };
                    bonus + 0.08 * z
                })
                .collect();
            let b = prim_mean(&x, &y, &PrimConfig::default()).unwrap().pasted;
            assert!(b.restricted(&x).len() <= 3, "{b:?}");
            if b.restricted(&x).contains(&0) {
                on += 1;
                near += usize::from(b.hi[0] < 0.4);
            }
        }
        assert!(on >= 7 && near >= 7, "{on} and {near} of 8");
    }

    #[test]
    fn binomial_tail_matches_hand_values() {
        // P(X ≥ 2), X ~ Bin(3, 0.5) = 4/8; P(X ≥ 0) = 1; P(X ≥ 3) = 1/8.
        assert!((binomial_upper(2, 3, 0.5) - 0.5).abs() < 1e-12);
        assert_eq!(binomial_upper(0, 3, 0.5), 1.0);
        assert!((binomial_upper(3, 3, 0.5) - 0.125).abs() < 1e-12);
    }

    #[test]
    fn a_restriction_on_an_irrelevant_input_is_dropped() {
        // Cases where input 0 is above 0.7, whatever input 1 (noise).
        let mut next = uniforms(12345);
        let x: Vec<Vec<f64>> = (0..400).map(|_| vec![next(), next()]).collect();
        let y: Vec<bool> = x.iter().map(|r| r[0] > 0.7).collect();
        let r = prim(&x, &y, &PrimConfig::default()).unwrap();
        assert_eq!(r.pasted.restricted(&x), vec![0], "{:?}", r.pasted);
        assert!(r.pasted.density > 0.9);
    }

    #[test]
    fn a_pure_box_ends_peeling() {
        let x: Vec<Vec<f64>> = (0..100).map(|i| vec![i as f64 / 100.0]).collect();
        let y: Vec<bool> = (0..100).map(|i| i >= 80).collect();
        let r = prim(&x, &y, &PrimConfig::default()).unwrap();
        let last = r.trajectory.last().unwrap();
        assert_eq!(last.density, 1.0);
        assert!((0.75..=0.85).contains(&r.pasted.lo[0]), "{:?}", r.pasted);
        assert!(r.pasted.coverage >= 0.9 && r.pasted.density >= 0.9);
    }

    #[test]
    fn prim_mean_finds_where_a_continuous_target_is_high_and_drops_noise_inputs() {
        // The target is 0.2 above input 0's 0.6 and 0 below, plus noise;
        // input 1 is noise.
        let mut next = uniforms(99);
        let x: Vec<Vec<f64>> = (0..600).map(|_| vec![next(), next()]).collect();
        let y: Vec<f64> = x
            .iter()
            .map(|r| if r[0] > 0.6 { 0.2 } else { 0.0 } + 0.1 * (next() - 0.5))
            .collect();
        let r = prim_mean(&x, &y, &PrimConfig::default()).unwrap();
        assert_eq!(r.pasted.restricted(&x), vec![0], "{:?}", r.pasted);
        assert!((0.55..=0.7).contains(&r.pasted.lo[0]), "{:?}", r.pasted);
        assert!(r.pasted.density > 0.18, "{:?}", r.pasted);
        assert!((r.base_density - 0.08).abs() < 0.02, "{}", r.base_density);
    }

    #[test]
    fn prim_mean_restricts_at_most_the_inputs_allowed() {
        // Five inputs that each add to the target: the box names three.
        let x: Vec<Vec<f64>> = (0..500)
            .map(|i| {
                (0..5)
                    .map(|j| ((i * (7 + 2 * j) + j) % 97) as f64 / 97.0)
                    .collect()
            })
            .collect();
        let y: Vec<f64> = x.iter().map(|r| r.iter().sum()).collect();
        let r = prim_mean(&x, &y, &PrimConfig::default()).unwrap();
        assert_eq!(r.pasted.restricted(&x).len(), 3, "{:?}", r.pasted);
    }
}
