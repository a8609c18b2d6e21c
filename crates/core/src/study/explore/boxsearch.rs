//! Where one policy leads the others: an exhaustive search of the boxes on
//! at most two inputs, cut at the deciles of each input's sampled values.
//!
//! A policy leads in a box when its mean success over the box's coalitions
//! is above every other policy's mean there. PRIM's peeling on a
//! continuous target cannot search that directly: its target must be one
//! number per coalition, and the only such number is the policy's success
//! minus the best other policy's *in that coalition*. With 50 to 100 runs
//! per coalition the best of six noisy rivals is too high by about the
//! spread of their luck (the winner's curse; Smith & Winkler 2006, "The
//! optimizer's curse"), most where the rivals are close together, so the
//! target ran about 0.02 to 0.05 below the box's true lead and steered the
//! search away from any policy with a near twin (majority beside consent
//! or weighted voting). And greedy peeling on 16 inputs cuts a sliver off
//! whichever input's edge holds a few unlucky coalitions, so the box it
//! keeps restricts many inputs by noise before the restriction to three
//! reruns it.
//!
//! This search instead scores each box by its own statistics: the mean
//! success of each policy over the box's coalitions, the runner-up (the
//! other policy highest there), and the paired difference with it. It
//! keeps the box whose lead has the highest one-sided 95% lower bound (the
//! lead less 1.645 standard errors over the box's coalitions), so a large
//! box with a clear lead beats a small lucky one. Every box on one input
//! or two is tried, each a run of consecutive decile cells (10 × 10 cuts
//! per pair: about 360,000 boxes on 16 inputs), by two-dimensional prefix
//! sums. Chosen among so many, the best box often has an edge, or a second
//! input, cut where a few coalitions were unlucky: each edge is then freed
//! unless the coalitions it keeps out are clearly worse for the policy
//! against some other policy, at 5% divided among the edge's possible
//! places (PRIM's pruning, with the search's choices counted; `widen`).
//! The lower bound of the box kept is optimistic, having been chosen among
//! so many; `report` measures the search's box on coalitions it was not
//! fitted on.

use super::prim::{PrimBox, PrimResult, freed_p, mean_box};

/// Cells per input: the box's edges lie at the deciles of the values.
const CELLS: usize = 10;
/// One-sided 95% normal quantile: the lower bound a box is scored by.
const Z: f64 = 1.644_853_626_951_472_2;

/// Policy `p`'s lead box over the coalitions `x` (their inputs, one row
/// each) with mean success `success` (one row each, a column per policy):
/// the box on one or two inputs, at least `min_mass` of the coalitions
/// (and at least two), where the lower bound of `p`'s lead over the
/// runner-up is highest. The box's `density` is the mean of `lead` (the
/// per-coalition lead PRIM used, kept for prim.csv's columns) over it.
/// `None` without coalitions, with fewer than two policies, or when no box
/// is large enough. Ties go to the box with more coalitions, then to the
/// box found first (inputs in order, then lower edges first), so the
/// result is the same on every machine.
pub fn lead_box(
    x: &[Vec<f64>],
    success: &[Vec<f64>],
    lead: &[f64],
    p: usize,
    min_mass: f64,
) -> Option<PrimResult> {
    let n = x.len();
    let k = x.first()?.len();
    let np = success.first()?.len();
    if np < 2 || p >= np || success.len() != n {
        return None;
    }
    let min_points = ((min_mass * n as f64).ceil() as usize).max(2);
    if n < min_points {
        return None;
    }
    let cuts: Vec<Vec<f64>> = (0..k).map(|j| decile_cuts(x, j)).collect();
    let cell = |i: usize, j: usize| cuts[j].partition_point(|&c| c <= x[i][j]);
    let cells: Vec<Vec<usize>> = (0..n)
        .map(|i| (0..k).map(|j| cell(i, j)).collect())
        .collect();

    // Every box on one or two inputs, in a fixed order: pairs (j1, j2)
    // with j1 < j2, and each input alone (j2 = j1: one cell on the second
    // axis). The best: the highest lower bound; on a tie, the box with
    // more coalitions, then the box found first.
    let mut best: Option<(Score, Edges)> = None;
    for j1 in 0..k {
        for j2 in j1..k {
            let alone = j2 == j1;
            let m1 = cuts[j1].len() + 1;
            let m2 = if alone { 1 } else { cuts[j2].len() + 1 };
            let sums = Prefix::new(&cells, success, p, j1, (!alone).then_some(j2), m1, m2);
            for (a1, b1, a2, b2) in spans(m1, m2) {
                // The whole space, or a pair with one axis whole (tried
                // as that input alone).
                let cut1 = a1 > 0 || b1 < m1;
                let cut2 = a2 > 0 || b2 < m2;
                if !(cut1 && (alone || cut2)) {
                    continue;
                }
                let Some((score, n)) = sums.lower_bound(a1, b1, a2, b2, min_points) else {
                    continue;
                };
                if best
                    .as_ref()
                    .is_none_or(|((c, m), _)| score > *c || (score == *c && n > *m))
                {
                    let mut edges = vec![(j1, a1, b1)];
                    if !alone {
                        edges.push((j2, a2, b2));
                    }
                    best = Some(((score, n), edges));
                }
            }
        }
    }
    let (_, edges) = best?;
    let mut lo = vec![f64::NEG_INFINITY; k];
    let mut hi = vec![f64::INFINITY; k];
    for (j, a, b) in edges {
        if a > 0 {
            lo[j] = cuts[j][a - 1];
        }
        if b <= cuts[j].len() {
            // The largest value below the upper cut: bounds are inclusive.
            hi[j] = x
                .iter()
                .map(|r| r[j])
                .filter(|&v| v < cuts[j][b - 1])
                .fold(f64::NEG_INFINITY, f64::max);
        }
    }
    let (lo, hi) = widen(x, success, p, lo, hi);
    let whole = mean_box(
        x,
        lead,
        &vec![f64::NEG_INFINITY; k],
        &vec![f64::INFINITY; k],
    );
    let chosen = mean_box(x, lead, &lo, &hi);
    Some(PrimResult {
        base_density: whole.density,
        trajectory: vec![whole, chosen.clone()],
        chosen: 1,
        pasted: chosen,
    })
}

/// Frees each edge of the box (one side of one input's interval) whose
/// freeing adds coalitions where `p`'s lead over each other policy is
/// not clearly lower than inside the box (Welch's test, normal
/// approximation: [`freed_p`], one-sided 5% divided among the 2 × 9 cuts
/// of every input the edge was chosen from), the edge with the largest
/// p-value first, until every edge left is significant: PRIM's pruning
/// (Bryant & Lempert 2010), per edge, with the search's many choices
/// counted. Chosen among so many boxes, the best one often sits inside
/// the region with an edge or a second input cut where a few coalitions
/// were unlucky; the words would then name what does not matter.
fn widen(
    x: &[Vec<f64>],
    success: &[Vec<f64>],
    p: usize,
    mut lo: Vec<f64>,
    mut hi: Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    let as_box = |lo: &[f64], hi: &[f64]| PrimBox {
        lo: lo.to_vec(),
        hi: hi.to_vec(),
        coverage: 0.0,
        density: 0.0,
        mass: 0.0,
        points: 0,
    };
    let np = success.first().map_or(0, Vec::len);
    // The edge was chosen among every input's cuts on either side: a
    // freed edge is kept only if its freed coalitions are worse at 5%
    // divided among those choices (Bonferroni).
    let alpha = 0.05 / (2 * (CELLS - 1) * lo.len().max(1)) as f64;
    // p's lead over each other policy, per coalition.
    let d: Vec<Vec<f64>> = (0..np)
        .filter(|&q| q != p)
        .map(|q| success.iter().map(|s| s[p] - s[q]).collect())
        .collect();
    loop {
        let b = as_box(&lo, &hi);
        let mut best: Option<(f64, usize, bool)> = None;
        for j in 0..lo.len() {
            for upper in [false, true] {
                let (mut l, mut h) = (lo.clone(), hi.clone());
                if upper && hi[j].is_finite() {
                    h[j] = f64::INFINITY;
                } else if !upper && lo[j].is_finite() {
                    l[j] = f64::NEG_INFINITY;
                } else {
                    continue;
                }
                // Freed only if the coalitions it adds are not clearly
                // worse for p against any other policy.
                let wider = as_box(&l, &h);
                let pv = d
                    .iter()
                    .map(|dq| freed_p(x, dq, &b, &wider))
                    .fold(1.0, f64::min);
                if pv > alpha && best.is_none_or(|(bp, _, _)| pv > bp) {
                    best = Some((pv, j, upper));
                }
            }
        }
        match best {
            Some((_, j, true)) => hi[j] = f64::INFINITY,
            Some((_, j, false)) => lo[j] = f64::NEG_INFINITY,
            None => return (lo, hi),
        }
    }
}

/// Every run of consecutive cells on two axes of `m1` and `m2` cells:
/// (first, end) on the first axis, then on the second, lower edges first.
fn spans(m1: usize, m2: usize) -> impl Iterator<Item = (usize, usize, usize, usize)> {
    let runs = |m: usize| (0..m).flat_map(move |a| (a + 1..=m).map(move |b| (a, b)));
    runs(m1).flat_map(move |(a1, b1)| runs(m2).map(move |(a2, b2)| (a1, b1, a2, b2)))
}

/// The values at which input `j`'s decile cells start (ranks n/10, 2n/10,
/// ...), each once: a discrete input with fewer values has fewer cells,
/// and ties are never split.
fn decile_cuts(x: &[Vec<f64>], j: usize) -> Vec<f64> {
    let mut v: Vec<f64> = x.iter().map(|r| r[j]).collect();
    v.sort_by(f64::total_cmp);
    let n = v.len();
    let mut cuts: Vec<f64> = (1..CELLS).map(|t| v[t * n / CELLS]).collect();
    cuts.dedup();
    // A cut at the smallest value would leave its first cell empty.
    cuts.retain(|&c| c > v[0]);
    cuts
}

/// Two-dimensional prefix sums over the cells of inputs `j1` and `j2`: the
/// coalitions, each policy's success, and for each rival q of `p` the sum
/// and the sum of squares of `p`'s success minus q's.
struct Prefix {
    p: usize,
    np: usize,
    m2: usize,
    /// Per (cell1 + 1, cell2 + 1), row-major over m2 + 1 columns: the count,
    /// then np sums of success, then np sums of d and np of d² (the entry
    /// for q = p unused).
    v: Vec<f64>,
}

impl Prefix {
    fn width(np: usize) -> usize {
        1 + 3 * np
    }

    fn new(
        cells: &[Vec<usize>],
        success: &[Vec<f64>],
        p: usize,
        j1: usize,
        j2: Option<usize>,
        m1: usize,
        m2: usize,
    ) -> Prefix {
        let np = success[0].len();
        let w = Self::width(np);
        let mut v = vec![0.0; (m1 + 1) * (m2 + 1) * w];
        let at = |c1: usize, c2: usize| (c1 * (m2 + 1) + c2) * w;
        for (c, s) in cells.iter().zip(success) {
            let o = at(c[j1] + 1, j2.map_or(0, |j| c[j]) + 1);
            v[o] += 1.0;
            for q in 0..np {
                let d = s[p] - s[q];
                v[o + 1 + q] += s[q];
                v[o + 1 + np + q] += d;
                v[o + 1 + 2 * np + q] += d * d;
            }
        }
        for c1 in 1..=m1 {
            for c2 in 1..=m2 {
                let (o, up, left, diag) = (
                    at(c1, c2),
                    at(c1 - 1, c2),
                    at(c1, c2 - 1),
                    at(c1 - 1, c2 - 1),
                );
                for t in 0..w {
                    v[o + t] += v[up + t] + v[left + t] - v[diag + t];
                }
            }
        }
        Prefix { p, np, m2, v }
    }

    /// Sum of entry `t` over cells a1..b1 × a2..b2.
    fn sum(&self, t: usize, a1: usize, b1: usize, a2: usize, b2: usize) -> f64 {
        let w = Self::width(self.np);
        let at = |c1: usize, c2: usize| (c1 * (self.m2 + 1) + c2) * w + t;
        self.v[at(b1, b2)] - self.v[at(a1, b2)] - self.v[at(b1, a2)] + self.v[at(a1, a2)]
    }

    /// The one-sided 95% lower bound of `p`'s lead over the runner-up in
    /// the box (the other policy with the highest mean success there, the
    /// lowest-numbered on a tie), and the box's coalitions; None for fewer
    /// than `min_points`, or where no policy ever succeeds.
    fn lower_bound(
        &self,
        a1: usize,
        b1: usize,
        a2: usize,
        b2: usize,
        min_points: usize,
    ) -> Option<Score> {
        let n = self.sum(0, a1, b1, a2, b2).round();
        if n < min_points as f64 {
            return None;
        }
        let mut q_best = None;
        let mut m_best = f64::NEG_INFINITY;
        for q in (0..self.np).filter(|&q| q != self.p) {
            let m = self.sum(1 + q, a1, b1, a2, b2);
            if m > m_best {
                (q_best, m_best) = (Some(q), m);
            }
        }
        let q = q_best?;
        let lead = self.sum(1 + self.np + q, a1, b1, a2, b2) / n;
        let ss = self.sum(1 + 2 * self.np + q, a1, b1, a2, b2);
        let var = ((ss - n * lead * lead) / (n - 1.0)).max(0.0);
        let se = (var / n).sqrt();
        if se == 0.0 && m_best == 0.0 && self.sum(1 + self.p, a1, b1, a2, b2) == 0.0 {
            // Neither p nor any other policy ever reaches the goal in the
            // box: a tie that measures nothing.
            return None;
        }
        // A NaN (from a NaN success) is never a score: as the first box
        // it would beat every later one.
        Some((lead - Z * se, n as usize)).filter(|(s, _)| !s.is_nan())
    }
}

/// A box's edge on one input: (input, first cell, end cell).
type Edge = (usize, usize, usize);
/// A box's edges, one per input it restricts.
type Edges = Vec<Edge>;
/// A box's score (the lower bound of the lead) and its coalitions.
type Score = (f64, usize);

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `n` coalitions on `k` uniform inputs and three policies; policy 0
    /// is `delta` ahead of the two others where x1 < 0.3 and x4 > 0.5, and
    /// `behind` behind them elsewhere; every success has noise of sd 0.07
    /// (about 50 runs), independent across policies.
    fn planted(
        n: usize,
        k: usize,
        delta: f64,
        behind: f64,
        seed: u64,
    ) -> (Vec<Vec<f64>>, Vec<Vec<f64>>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut noise = || ((0..12).map(|_| rng.random::<f64>()).sum::<f64>() - 6.0) * 0.07;
        let mut rows = ChaCha8Rng::seed_from_u64(seed ^ 0xb0c5);
        let x: Vec<Vec<f64>> = (0..n)
            .map(|_| (0..k).map(|_| rows.random::<f64>()).collect())
            .collect();
        let success = x
            .iter()
            .map(|r| {
                let inside = r[1] < 0.3 && r[4] > 0.5;
                (0..3)
                    .map(|q| {
                        let edge = if q == 0 {
                            if inside { delta } else { -behind }
                        } else {
                            0.0
                        };
                        0.5 + edge + noise()
                    })
                    .collect()
            })
            .collect();
        (x, success)
    }

    fn lead_of(success: &[Vec<f64>], p: usize) -> Vec<f64> {
        success
            .iter()
            .map(|r| {
                let other = (0..r.len())
                    .filter(|&q| q != p)
                    .map(|q| r[q])
                    .fold(f64::NEG_INFINITY, f64::max);
                r[p] - other
            })
            .collect()
    }

    /// The success rows of the coalitions inside `b`.
    fn inside<'a>(x: &[Vec<f64>], s: &'a [Vec<f64>], b: &PrimBox) -> Vec<&'a Vec<f64>> {
        x.iter()
            .zip(s)
            .filter(|(row, _)| b.contains(row))
            .map(|(_, r)| r)
            .collect()
    }

    #[test]
    fn finds_a_planted_two_input_box_among_noise_inputs() {
        let (x, s) = planted(600, 12, 0.08, 0.03, 3);
        let r = lead_box(&x, &s, &lead_of(&s, 0), 0, 0.05).expect("a box");
        let b = &r.pasted;
        assert!(b.hi[1] < 0.4 && b.hi[1] > 0.2, "{b:?}");
        assert!(b.lo[4] > 0.4 && b.lo[4] < 0.6, "{b:?}");
        assert_eq!(b.restricted(&x), vec![1, 4], "{b:?}");
        // The box's own lead over each rival is clear.
        for q in 1..3 {
            let inside = inside(&x, &s, b);
            let d = inside.iter().map(|r| r[0] - r[q]).sum::<f64>() / inside.len() as f64;
            assert!(d > 0.05, "rival {q}: {d}");
        }
    }

    #[test]
    fn a_rule_behind_everywhere_gets_a_box_whose_lower_bound_is_below_zero() {
        // Policy 0 behind everywhere: whatever box is kept, its lead is
        // not above 0 on the coalitions it holds.
        let (x, s) = planted(400, 8, -0.03, 0.03, 5);
        let r = lead_box(&x, &s, &lead_of(&s, 0), 0, 0.1).expect("a box");
        let b = &r.pasted;
        let inside = inside(&x, &s, b);
        assert!(inside.len() >= 40, "{}", inside.len());
        let lead = |q: usize| inside.iter().map(|r| r[0] - r[q]).sum::<f64>() / inside.len() as f64;
        assert!(lead(1).min(lead(2)) < 0.02, "{} {}", lead(1), lead(2));
    }

    #[test]
    fn the_prefix_sums_agree_with_counting_the_box_directly() {
        let (x, s) = planted(150, 5, 0.05, 0.02, 9);
        let cuts: Vec<Vec<f64>> = (0..3).map(|j| decile_cuts(&x, j)).collect();
        let cells: Vec<Vec<usize>> = x
            .iter()
            .map(|r| {
                (0..3)
                    .map(|j| cuts[j].partition_point(|&c| c <= r[j]))
                    .collect()
            })
            .collect();
        let (m1, m2) = (cuts[0].len() + 1, cuts[2].len() + 1);
        let pre = Prefix::new(&cells, &s, 0, 0, Some(2), m1, m2);
        let (a1, b1, a2, b2) = (2, 7, 1, 4);
        let inside: Vec<usize> = (0..x.len())
            .filter(|&i| (a1..b1).contains(&cells[i][0]) && (a2..b2).contains(&cells[i][2]))
            .collect();
        assert_eq!(pre.sum(0, a1, b1, a2, b2).round() as usize, inside.len());
        for q in 0..3 {
            let direct: f64 = inside.iter().map(|&i| s[i][q]).sum();
            assert!((pre.sum(1 + q, a1, b1, a2, b2) - direct).abs() < 1e-9);
            // And policy 0's difference with q, and its square.
            let d: f64 = inside.iter().map(|&i| s[i][0] - s[i][q]).sum();
            let d2: f64 = inside.iter().map(|&i| (s[i][0] - s[i][q]).powi(2)).sum();
            assert!((pre.sum(1 + 3 + q, a1, b1, a2, b2) - d).abs() < 1e-9);
            assert!((pre.sum(1 + 6 + q, a1, b1, a2, b2) - d2).abs() < 1e-9);
        }
    }

    #[test]
    fn a_discrete_input_is_cut_between_its_values() {
        let x: Vec<Vec<f64>> = (0..50).map(|i| vec![(i % 4) as f64]).collect();
        assert_eq!(decile_cuts(&x, 0), vec![1.0, 2.0, 3.0]);
    }
}
