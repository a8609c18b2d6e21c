//! Intervals for one proportion or mean, and differences between two
//! variants (paired with common random numbers, or unpaired).

use serde::{Deserialize, Serialize};

use super::{Welford, t_quantile, t975};

/// Wilson score interval for a binomial proportion `successes / n` with
/// normal quantile `z` (use [`Z95`](super::Z95) for 95%). Clamped to [0, 1].
///
/// Returns `(NaN, NaN)` when `n == 0`, `successes > n`, or `z` is not a
/// finite non-negative number.
pub fn wilson_interval(successes: u64, n: u64, z: f64) -> (f64, f64) {
    if n == 0 || successes > n || !z.is_finite() || z < 0.0 {
        return (f64::NAN, f64::NAN);
    }
    let n = n as f64;
    let p = successes as f64 / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z / denom * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // The bounds at x = 0 and x = n are exactly 0 and 1; avoid rounding there.
    let lo = if successes == 0 {
        0.0
    } else {
        (centre - half).clamp(0.0, 1.0)
    };
    let hi = if successes as f64 == n {
        1.0
    } else {
        (centre + half).clamp(0.0, 1.0)
    };
    (lo, hi)
}

/// A difference `b − a` between two variants with a confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Diff {
    /// Point estimate of `b − a`.
    pub estimate: f64,
    pub lo: f64,
    pub hi: f64,
    /// Number of pairs (paired functions) or total observations
    /// `len(a) + len(b)` (unpaired functions).
    pub n: usize,
}

impl Diff {
    fn nan(n: usize) -> Self {
        Diff {
            estimate: f64::NAN,
            lo: f64::NAN,
            hi: f64::NAN,
            n,
        }
    }

    /// Interval width `hi − lo`.
    pub fn width(&self) -> f64 {
        self.hi - self.lo
    }
}

/// Discordant-pair table of paired binary outcomes.
struct PairTable {
    both: f64,
    a_only: f64,
    b_only: f64,
    neither: f64,
    n: f64,
}

fn pair_table(pairs: &[(bool, bool)]) -> PairTable {
    let mut t = PairTable {
        both: 0.0,
        a_only: 0.0,
        b_only: 0.0,
        neither: 0.0,
        n: pairs.len() as f64,
    };
    for &(a, b) in pairs {
        match (a, b) {
            (true, true) => t.both += 1.0,
            (true, false) => t.a_only += 1.0,
            (false, true) => t.b_only += 1.0,
            (false, false) => t.neither += 1.0,
        }
    }
    t
}

/// Difference of success proportions `p_b − p_a` for paired binary outcomes
/// `(a, b)` (same seed, two variants: a common-random-numbers design).
///
/// Wald interval with the paired (McNemar-type) variance
/// `Var = (n₁₀ + n₀₁ − (n₀₁ − n₁₀)²/n) / n²`, where n₁₀ counts pairs with only
/// `a` successful and n₀₁ pairs with only `b` successful (Agresti,
/// *Categorical Data Analysis*, 3rd ed., §11.1.1). Good for the large n of
/// simulation batches; with few discordant pairs prefer
/// [`paired_proportion_diff_newcombe`]. Clamped to [−1, 1]. Empty input or
/// a non-finite `z` gives NaN.
pub fn paired_proportion_diff(pairs: &[(bool, bool)], z: f64) -> Diff {
    let t = pair_table(pairs);
    paired_proportion_from_counts(pairs.len() as u64, t.a_only as u64, t.b_only as u64, z)
}

/// [`paired_proportion_diff`] from counts alone: `n` pairs of which `a_only`
/// had only `a` successful and `b_only` only `b` — so a batch can stream its
/// pairs instead of keeping them.
pub fn paired_proportion_from_counts(n: u64, a_only: u64, b_only: u64, z: f64) -> Diff {
    if n == 0 || !z.is_finite() {
        return Diff::nan(n as usize);
    }
    let nf = n as f64;
    let (a, b) = (a_only as f64, b_only as f64);
    let estimate = (b - a) / nf;
    let var = ((a + b) - (b - a).powi(2) / nf).max(0.0) / (nf * nf);
    let half = z * var.sqrt();
    Diff {
        estimate,
        lo: (estimate - half).max(-1.0),
        hi: (estimate + half).min(1.0),
        n: n as usize,
    }
}

/// Interval of the mean of `w` at two-sided confidence `level` (e.g. 0.99),
/// Student t with n − 1 degrees of freedom. NaN bounds for n < 2.
pub fn mean_interval(w: &Welford, level: f64) -> Diff {
    let n = w.count();
    if n < 2 {
        return Diff {
            estimate: w.mean(),
            lo: f64::NAN,
            hi: f64::NAN,
            n: n as usize,
        };
    }
    let q = t_quantile(0.5 + level / 2.0, (n - 1) as f64);
    let half = q * w.sem();
    Diff {
        estimate: w.mean(),
        lo: w.mean() - half,
        hi: w.mean() + half,
        n: n as usize,
    }
}

/// Difference `p_b − p_a` for paired binary outcomes with Newcombe's (1998)
/// method 10: square-and-add of the two Wilson score intervals with a
/// correlation correction φ (Newcombe, *Stat. Med.* 17:2635–2650; also
/// Fagerland, Lydersen & Laake, *Statistical Analysis of Contingency
/// Tables*, 2017, ch. 8). Better coverage than Wald for small or extreme
/// counts. Empty input or a non-finite `z` gives NaN.
pub fn paired_proportion_diff_newcombe(pairs: &[(bool, bool)], z: f64) -> Diff {
    if pairs.is_empty() || !z.is_finite() {
        return Diff::nan(pairs.len());
    }
    let t = pair_table(pairs);
    let succ_a = t.both + t.a_only;
    let succ_b = t.both + t.b_only;
    let p_a = succ_a / t.n;
    let p_b = succ_b / t.n;
    let (l_a, u_a) = wilson_interval(succ_a as u64, t.n as u64, z);
    let (l_b, u_b) = wilson_interval(succ_b as u64, t.n as u64, z);
    // φ: correlation of the two margins, with Newcombe's continuity
    // adjustment when positive; 0 if any margin is empty.
    let margins = succ_a * (t.n - succ_a) * succ_b * (t.n - succ_b);
    let phi = if margins == 0.0 {
        0.0
    } else {
        let cross = t.both * t.neither - t.a_only * t.b_only;
        let adj = if cross > t.n / 2.0 {
            cross - t.n / 2.0
        } else if cross >= 0.0 {
            0.0
        } else {
            cross
        };
        adj / margins.sqrt()
    };
    let estimate = p_b - p_a;
    // Lower limit of b − a combines b's lower and a's upper distance.
    let dl = ((p_b - l_b).powi(2) + (u_a - p_a).powi(2) - 2.0 * phi * (p_b - l_b) * (u_a - p_a))
        .max(0.0)
        .sqrt();
    let du = ((u_b - p_b).powi(2) + (p_a - l_a).powi(2) - 2.0 * phi * (u_b - p_b) * (p_a - l_a))
        .max(0.0)
        .sqrt();
    Diff {
        estimate,
        lo: (estimate - dl).max(-1.0),
        hi: (estimate + du).min(1.0),
        n: pairs.len(),
    }
}

/// Difference `p_b − p_a` of two independent samples, Wald interval with
/// `Var = p_a(1−p_a)/n_a + p_b(1−p_b)/n_b`. NaN if either sample is empty.
pub fn unpaired_proportion_diff(a: &[bool], b: &[bool], z: f64) -> Diff {
    let n = a.len() + b.len();
    if a.is_empty() || b.is_empty() || !z.is_finite() {
        return Diff::nan(n);
    }
    let prop = |s: &[bool]| s.iter().filter(|&&x| x).count() as f64 / s.len() as f64;
    let (p_a, p_b) = (prop(a), prop(b));
    let estimate = p_b - p_a;
    let var = p_a * (1.0 - p_a) / a.len() as f64 + p_b * (1.0 - p_b) / b.len() as f64;
    let half = z * var.sqrt();
    Diff {
        estimate,
        lo: (estimate - half).max(-1.0),
        hi: (estimate + half).min(1.0),
        n,
    }
}

/// Mean difference `mean(b − a)` of paired observations with a 95% t
/// interval from the per-pair differences (df = n − 1).
///
/// Lengths must match: if they differ the result is all NaN with `n = 0`.
/// n = 1 gives the estimate with a NaN interval; empty input gives NaN.
pub fn paired_mean_diff(a: &[f64], b: &[f64]) -> Diff {
    if a.len() != b.len() {
        return Diff::nan(0);
    }
    let w: Welford = a.iter().zip(b).map(|(x, y)| y - x).collect();
    let (lo, hi) = w.ci95();
    Diff {
        estimate: w.mean(),
        lo,
        hi,
        n: a.len(),
    }
}

/// Mean difference `mean(b) − mean(a)` of independent samples with a 95%
/// Welch interval (unequal variances, Welch–Satterthwaite df).
/// NaN interval if either sample has fewer than 2 values; if both samples
/// are constant the interval collapses to the estimate.
pub fn unpaired_mean_diff(a: &[f64], b: &[f64]) -> Diff {
    let n = a.len() + b.len();
    let wa: Welford = a.iter().copied().collect();
    let wb: Welford = b.iter().copied().collect();
    let estimate = wb.mean() - wa.mean();
    if wa.count() < 2 || wb.count() < 2 {
        return Diff {
            estimate,
            lo: f64::NAN,
            hi: f64::NAN,
            n,
        };
    }
    let va = wa.variance() / wa.count() as f64;
    let vb = wb.variance() / wb.count() as f64;
    let se2 = va + vb;
    if se2 == 0.0 {
        return Diff {
            estimate,
            lo: estimate,
            hi: estimate,
            n,
        };
    }
    let df = se2 * se2 / (va * va / (wa.count() - 1) as f64 + vb * vb / (wb.count() - 1) as f64);
    let half = t975(df) * se2.sqrt();
    Diff {
        estimate,
        lo: estimate - half,
        hi: estimate + half,
        n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Z95;

    // --- Wilson -------------------------------------------------------------

    #[test]
    fn wilson_hand_computed() {
        // 8/10 at z = 1.959964: centre (0.8 + 0.192073)/1.384146 = 0.716741,
        // half-width 1.415998 · √(0.016 + 0.009604) = 0.226576.
        let (lo, hi) = wilson_interval(8, 10, 1.959_964);
        assert_close!(lo, 0.4902, 1e-4);
        assert_close!(hi, 0.9433, 1e-4);
        // 0/10: lower bound exactly 0, upper z²/(n+z²) = 3.841459/13.841459.
        let (lo, hi) = wilson_interval(0, 10, Z95);
        assert_eq!(lo, 0.0);
        assert_close!(hi, 0.277_533, 1e-6);
        let (lo, hi) = wilson_interval(10, 10, Z95);
        assert_close!(lo, 1.0 - 0.277_533, 1e-6);
        assert_eq!(hi, 1.0);
        assert!(wilson_interval(0, 0, Z95).0.is_nan());
        assert!(wilson_interval(5, 3, Z95).1.is_nan());
    }

    // --- paired / unpaired comparisons --------------------------------------

    fn pairs_from_counts(
        both: usize,
        a_only: usize,
        b_only: usize,
        neither: usize,
    ) -> Vec<(bool, bool)> {
        let mut v = Vec::new();
        v.extend(std::iter::repeat_n((true, true), both));
        v.extend(std::iter::repeat_n((true, false), a_only));
        v.extend(std::iter::repeat_n((false, true), b_only));
        v.extend(std::iter::repeat_n((false, false), neither));
        v
    }

    #[test]
    fn paired_proportion_wald_by_hand() {
        // Cavo et al. (2012) complete response before (a) / after (b)
        // consolidation: 59 both, 6 a only, 16 b only, 80 neither; n = 161.
        // estimate (16 − 6)/161 = 0.062112; Var = (22 − 100/161)/161² =
        // 8.24772e-4, se 0.028719, half-width 1.959964·se = 0.056288.
        let pairs = pairs_from_counts(59, 6, 16, 80);
        let d = paired_proportion_diff(&pairs, Z95);
        assert_eq!(d.n, 161);
        assert_close!(d.estimate, 0.062_112, 1e-6);
        assert_close!(d.lo, 0.005_824, 1e-5);
        assert_close!(d.hi, 0.118_400, 1e-5);
        assert!(paired_proportion_diff(&[], Z95).estimate.is_nan());
    }

    #[test]
    fn paired_proportion_newcombe_published() {
        // Same table; Fagerland, Lydersen & Laake (2017), ch. 8, report the
        // Newcombe square-and-add interval for p_a − p_b as
        // −0.0621 (−0.1186 to −0.0046); ours is b − a, so signs flip.
        let pairs = pairs_from_counts(59, 6, 16, 80);
        let d = paired_proportion_diff_newcombe(&pairs, Z95);
        assert_close!(d.estimate, 0.0621, 5e-5);
        assert_close!(d.lo, 0.0046, 5e-5);
        assert_close!(d.hi, 0.1186, 5e-5);
        // All concordant: zero difference, interval still contains 0.
        let d = paired_proportion_diff_newcombe(&pairs_from_counts(5, 0, 0, 5), Z95);
        assert_eq!(d.estimate, 0.0);
        assert!(d.lo <= 0.0 && d.hi >= 0.0);
        let d = paired_proportion_diff_newcombe(&pairs_from_counts(4, 0, 0, 0), Z95);
        assert!(d.lo.is_finite() && d.hi.is_finite());
    }

    #[test]
    fn paired_intervals_are_narrower_on_correlated_data() {
        // Common random numbers: b mostly repeats a's outcome.
        let pairs = pairs_from_counts(400, 20, 60, 520);
        let (a, b): (Vec<bool>, Vec<bool>) = pairs.iter().copied().unzip();
        let paired = paired_proportion_diff(&pairs, Z95);
        let unpaired = unpaired_proportion_diff(&a, &b, Z95);
        assert_close!(paired.estimate, unpaired.estimate, 1e-12);
        assert_close!(paired.estimate, 0.04, 1e-12);
        assert!(
            paired.width() < 0.5 * unpaired.width(),
            "{paired:?} vs {unpaired:?}"
        );
        // Paired still detects the difference, unpaired does not.
        assert!(paired.lo > 0.0 && unpaired.lo < 0.0);

        // Continuous: b = a + 0.5 + small noise, a widely spread.
        let a: Vec<f64> = (0..50).map(|i| (i as f64 * 1.7).sin() * 10.0).collect();
        let b: Vec<f64> = a
            .iter()
            .enumerate()
            .map(|(i, x)| x + 0.5 + 0.1 * (i as f64).cos())
            .collect();
        let paired = paired_mean_diff(&a, &b);
        let unpaired = unpaired_mean_diff(&a, &b);
        assert_close!(paired.estimate, unpaired.estimate, 1e-12);
        assert!(
            paired.width() < 0.1 * unpaired.width(),
            "{paired:?} vs {unpaired:?}"
        );
        assert!(paired.lo > 0.0 && unpaired.lo < 0.0);
    }

    #[test]
    fn mean_diffs_by_hand() {
        // Differences 1, 2, 3, 4, 5 (b − a): mean 3, sd √2.5 = 1.581139,
        // half-width t(0.975, 4) · 1.581139/√5 = 2.776445 · 0.707107 = 1.963243.
        let a = [0.0, 0.0, 0.0, 0.0, 0.0];
        let b = [1.0, 2.0, 3.0, 4.0, 5.0];
        let d = paired_mean_diff(&a, &b);
        assert_eq!(d.n, 5);
        assert_close!(d.estimate, 3.0, 1e-12);
        assert_close!(d.lo, 3.0 - 1.963_243, 1e-5);
        assert_close!(d.hi, 3.0 + 1.963_243, 1e-5);
        // Welch by hand: a = 1,2,3 (var 1), b = 2,4,6,8 (var 20/3).
        // se² = 1/3 + 5/3 = 2; df = 4 / ((1/9)/2 + (25/9)/3) = 216/53 = 4.075472;
        // t(0.975, 216/53) = 2.756285 (mpmath), half-width 2.756285·√2 = 3.897975.
        let d = unpaired_mean_diff(&[1.0, 2.0, 3.0], &[2.0, 4.0, 6.0, 8.0]);
        assert_close!(d.estimate, 3.0, 1e-12);
        assert_close!(d.lo, 3.0 - 3.897_975, 1e-5);
        assert_close!(d.hi, 3.0 + 3.897_975, 1e-5);
        assert_eq!(d.n, 7);
        // Edge cases.
        assert!(paired_mean_diff(&[1.0], &[1.0, 2.0]).estimate.is_nan());
        assert!(paired_mean_diff(&[], &[]).estimate.is_nan());
        let one = paired_mean_diff(&[1.0], &[3.0]);
        assert_eq!(one.estimate, 2.0);
        assert!(one.lo.is_nan());
        let constant = unpaired_mean_diff(&[1.0, 1.0], &[2.0, 2.0]);
        assert_eq!((constant.lo, constant.hi), (1.0, 1.0));
        assert!(unpaired_mean_diff(&[], &[1.0, 2.0]).estimate.is_nan());
        assert!(
            unpaired_proportion_diff(&[], &[true], Z95)
                .estimate
                .is_nan()
        );
    }
}
