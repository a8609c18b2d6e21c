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
//! restriction that does not pay for itself is dropped (Bryant & Lempert
//! 2010 trade a box's density for fewer restricted inputs, which a reader
//! can take in): one at a time, the restriction whose removal leaves the
//! highest coverage × density goes, while that product does not fall.
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
}

impl Default for PrimConfig {
    fn default() -> Self {
        PrimConfig {
            alpha: 0.05,
            paste_alpha: 0.05,
            min_mass: 0.05,
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

fn stats(x: &[Vec<f64>], y: &[bool], lo: &[f64], hi: &[f64], total_cases: usize) -> PrimBox {
    let mut points = 0usize;
    let mut cases = 0usize;
    for (row, &c) in x.iter().zip(y) {
        if row
            .iter()
            .zip(lo.iter().zip(hi))
            .all(|(v, (a, b))| *v >= *a && *v <= *b)
        {
            points += 1;
            cases += c as usize;
        }
    }
    PrimBox {
        lo: lo.to_vec(),
        hi: hi.to_vec(),
        coverage: if total_cases > 0 {
            cases as f64 / total_cases as f64
        } else {
            0.0
        },
        density: if points > 0 {
            cases as f64 / points as f64
        } else {
            0.0
        },
        mass: points as f64 / x.len().max(1) as f64,
        points,
    }
}

/// Runs PRIM on points `x` (rows) with cases `y`. `None` when there are no
/// points or no cases.
pub fn prim(x: &[Vec<f64>], y: &[bool], cfg: &PrimConfig) -> Option<PrimResult> {
    let n = x.len();
    let total_cases = y.iter().filter(|&&c| c).count();
    if n == 0 || total_cases == 0 || y.len() != n {
        return None;
    }
    let k = x[0].len();
    let mut lo = vec![f64::NEG_INFINITY; k];
    let mut hi = vec![f64::INFINITY; k];
    let mut trajectory = vec![stats(x, y, &lo, &hi, total_cases)];
    let min_points = (cfg.min_mass * n as f64).ceil() as usize;
    let mut inside: Vec<usize> = (0..n).collect();
    loop {
        let nb = inside.len();
        let cut = ((cfg.alpha * nb as f64).ceil() as usize).max(1);
        // Best peel: (density, -removed, dim, side, new bound).
        let mut best: Option<(f64, usize, usize, bool, f64)> = None;
        for j in 0..k {
            let mut vals: Vec<f64> = inside.iter().map(|&i| x[i][j]).collect();
            vals.sort_by(f64::total_cmp);
            for low_side in [true, false] {
                // New bound and the points it keeps.
                let bound = if low_side {
                    let mut t = vals[cut.min(nb - 1)];
                    if t == vals[0] {
                        match vals.iter().find(|&&v| v > vals[0]) {
                            Some(&v) => t = v,
                            None => continue,
                        }
                    }
                    t
                } else {
                    let mut t = vals[nb - 1 - cut.min(nb - 1)];
                    if t == vals[nb - 1] {
                        match vals.iter().rev().find(|&&v| v < vals[nb - 1]) {
                            Some(&v) => t = v,
                            None => continue,
                        }
                    }
                    t
                };
                let keep = |i: usize| {
                    if low_side {
                        x[i][j] >= bound
                    } else {
                        x[i][j] <= bound
                    }
                };
                let (mut kept, mut cases) = (0usize, 0usize);
                for &i in &inside {
                    if keep(i) {
                        kept += 1;
                        cases += y[i] as usize;
                    }
                }
                if kept < min_points || kept == 0 {
                    continue;
                }
                let density = cases as f64 / kept as f64;
                let removed = nb - kept;
                let better = match best {
                    None => true,
                    Some((d, r, ..)) => density > d || (density == d && removed < r),
                };
                if better {
                    best = Some((density, removed, j, low_side, bound));
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
        let b = stats(x, y, &lo, &hi, total_cases);
        let pure = b.density >= 1.0;
        trajectory.push(b);
        if pure {
            break;
        }
    }
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
    let pasted = prune(x, y, paste(x, y, &trajectory[chosen], cfg, total_cases), total_cases);
    Some(PrimResult {
        trajectory,
        chosen,
        pasted,
        base_density: total_cases as f64 / n as f64,
    })
}

/// Drops restrictions of `b` that do not pay for themselves: while some
/// restricted input can be freed without lowering coverage × density, frees
/// the one that leaves the product highest (ties to the lower input).
fn prune(x: &[Vec<f64>], y: &[bool], b: PrimBox, total: usize) -> PrimBox {
    let mut cur = b;
    loop {
        let score = |b: &PrimBox| b.coverage * b.density;
        let mut best: Option<PrimBox> = None;
        for j in cur.restricted(x) {
            let (mut lo, mut hi) = (cur.lo.clone(), cur.hi.clone());
            lo[j] = f64::NEG_INFINITY;
            hi[j] = f64::INFINITY;
            let nb = stats(x, y, &lo, &hi, total);
            if score(&nb) >= score(&cur) - 1e-12
                && best.as_ref().is_none_or(|b| score(&nb) > score(b) + 1e-12)
            {
                best = Some(nb);
            }
        }
        match best {
            Some(b) => cur = b,
            None => return cur,
        }
    }
}

/// Widens `b` one slice at a time while that raises its density.
fn paste(x: &[Vec<f64>], y: &[bool], b: &PrimBox, cfg: &PrimConfig, total: usize) -> PrimBox {
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
                let nb = stats(x, y, &lo, &hi, total);
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
