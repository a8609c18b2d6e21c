//! Small, dependency-free statistics for summarising Monte Carlo batches.
//!
//! # Why this module exists
//!
//! A coalition experiment produces thousands of independent (or, with common
//! random numbers, *paired*) replications. Reporting them honestly needs a
//! handful of well-understood estimators with uncertainty attached: running
//! means that can be merged across worker threads, binomial intervals for
//! success probabilities, Kaplan–Meier curves for coalition lifetimes (runs
//! that hit the round limit or succeed are *censored*, not dissolved), and
//! paired differences between governance variants. Pulling a statistics crate
//! in for this would add weight and hide the formulas; keeping them here, each
//! with a test against a published or hand-computed value, makes the numbers
//! in the CSV files and plots auditable.
//!
//! Everything is pure: no IO, no randomness, no global state.
//!
//! # Edge cases
//!
//! No function panics on degenerate input. Where an estimate is undefined
//! (no observations, a variance from a single value, ...) the result is
//! `f64::NAN` (or `None` where the return type is an `Option`), as documented
//! on each item. NaN inputs propagate as NaN rather than being silently
//! dropped.

use serde::{Deserialize, Serialize};

/// The 0.975 standard normal quantile, for 95% two-sided intervals.
pub const Z95: f64 = 1.959_963_984_540_054;

// ---------------------------------------------------------------------------
// Distribution helpers
// ---------------------------------------------------------------------------

/// Natural log of the gamma function for `x > 0` (Lanczos approximation,
/// g = 7, n = 9; relative error about 1e-15 on the range used here).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection formula: Γ(x)Γ(1−x) = π / sin(πx).
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).abs().ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut acc = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        acc += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + acc.ln()
}

/// Continued fraction for the incomplete beta function (modified Lentz).
fn beta_cont_frac(a: f64, b: f64, x: f64) -> f64 {
    const MAX_ITER: usize = 10_000;
    const EPS: f64 = 1e-16;
    const TINY: f64 = 1e-300;
    let qab = a + b;
    let qap = a + 1.0;
    let qam = a - 1.0;
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..=MAX_ITER {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if d.abs() < TINY {
            d = TINY;
        }
        c = 1.0 + aa / c;
        if c.abs() < TINY {
            c = TINY;
        }
        d = 1.0 / d;
        let del = d * c;
        h *= del;
        if (del - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

/// Regularised incomplete beta function I_x(a, b) for a, b > 0.
fn reg_inc_beta(a: f64, b: f64, x: f64) -> f64 {
    if x.is_nan() {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (-x).ln_1p();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_cont_frac(a, b, x) / a
    } else {
        1.0 - front * beta_cont_frac(b, a, 1.0 - x) / b
    }
}

/// Cumulative distribution function P(T <= t) of Student's t with `df > 0`
/// degrees of freedom (via the regularised incomplete beta function, about
/// 1e-13 absolute accuracy). NaN for NaN input or `df <= 0`.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    if t.is_nan() || df.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if t.is_infinite() {
        return if t > 0.0 { 1.0 } else { 0.0 };
    }
    let tail = 0.5 * reg_inc_beta(0.5 * df, 0.5, df / (df + t * t));
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// Standard normal quantile Φ⁻¹(p).
///
/// Acklam's rational approximation; relative error below 1.15e-9 over the
/// whole open interval (0, 1). Returns ±∞ at 0 and 1 and NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const P_LOW: f64 = 0.02425;
    if p.is_nan() || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    if p == 0.0 {
        return f64::NEG_INFINITY;
    }
    if p == 1.0 {
        return f64::INFINITY;
    }
    let tail = |q: f64| {
        let q = (-2.0 * q.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < P_LOW {
        tail(p)
    } else if p <= 1.0 - P_LOW {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -tail(1.0 - p)
    }
}

/// Quantile of Student's t distribution with `df > 0` (possibly fractional)
/// degrees of freedom, e.g. `t_quantile(0.975, 9.0) ≈ 2.262157`.
///
/// Accuracy (relative error, checked against 30-digit mpmath values for
/// df from 1 to 5000 and p from 0.9 to 0.9995):
/// - `df <= 1000`: the t CDF is evaluated through the regularised incomplete
///   beta function (continued fraction) and inverted by bisection; worst
///   error seen 1.4e-12.
/// - `df > 1000`: fourth-order Cornish–Fisher expansion around the normal
///   quantile (Abramowitz & Stegun 26.7.5), whose truncation error is
///   negligible there, so the error is that of [`normal_quantile`]: about
///   1.1e-9.
/// - `df = ∞`: the normal quantile.
///
/// Returns NaN for `p` outside (0, 1) or `df` that is NaN or not positive.
pub fn t_quantile(p: f64, df: f64) -> f64 {
    if p.is_nan() || df.is_nan() || df <= 0.0 || p <= 0.0 || p >= 1.0 {
        return f64::NAN;
    }
    if p == 0.5 {
        return 0.0;
    }
    if p < 0.5 {
        return -t_quantile(1.0 - p, df);
    }
    if df > 1000.0 {
        let z = normal_quantile(p);
        let z2 = z * z;
        let g1 = (z2 + 1.0) * z / 4.0;
        let g2 = ((5.0 * z2 + 16.0) * z2 + 3.0) * z / 96.0;
        let g3 = (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) * z / 384.0;
        let g4 = ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) * z / 92160.0;
        if df.is_infinite() {
            return z;
        }
        return z + g1 / df + g2 / df.powi(2) + g3 / df.powi(3) + g4 / df.powi(4);
    }
    // Solve P(T > t) = 1 - p. With x = df / (df + t²), P(T > t) = I_x(df/2, 1/2) / 2,
    // which increases in x, so bisect on x in (0, 1) and map back to t.
    let target = 1.0 - p;
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if 0.5 * reg_inc_beta(0.5 * df, 0.5, mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let x = 0.5 * (lo + hi);
    (df * (1.0 - x) / x).sqrt()
}

/// The 0.975 quantile of Student's t (the multiplier of a 95% interval).
pub fn t975(df: f64) -> f64 {
    t_quantile(0.975, df)
}

// ---------------------------------------------------------------------------
// Welford running moments
// ---------------------------------------------------------------------------

/// Numerically stable running mean and variance (Welford 1962), mergeable
/// across threads with the parallel update of Chan, Golub & LeVeque (1979).
///
/// Pushing NaN makes the mean and variance NaN from then on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Welford {
    n: u64,
    mean: f64,
    /// Sum of squared deviations from the current mean.
    m2: f64,
}

/// Serialisable summary of a [`Welford`] accumulator (one CSV/JSON row).
/// Undefined fields are NaN (serde_json writes them as `null`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub n: u64,
    pub mean: f64,
    pub sd: f64,
    /// Lower end of the 95% t interval for the mean.
    pub lo: f64,
    /// Upper end of the 95% t interval for the mean.
    pub hi: f64,
}

impl Welford {
    /// An empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Add one observation.
    pub fn push(&mut self, x: f64) {
        self.n += 1;
        let delta = x - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (x - self.mean);
    }

    /// Fold another accumulator into this one (Chan et al. pairwise update);
    /// the result equals pushing both samples into one accumulator.
    pub fn merge(&mut self, other: &Welford) {
        if other.n == 0 {
            return;
        }
        if self.n == 0 {
            *self = *other;
            return;
        }
        let n_a = self.n as f64;
        let n_b = other.n as f64;
        let n = n_a + n_b;
        let delta = other.mean - self.mean;
        self.mean += delta * n_b / n;
        self.m2 += other.m2 + delta * delta * n_a * n_b / n;
        self.n += other.n;
    }

    /// Number of observations.
    pub fn count(&self) -> u64 {
        self.n
    }

    /// Sample mean; NaN when empty.
    pub fn mean(&self) -> f64 {
        if self.n == 0 { f64::NAN } else { self.mean }
    }

    /// Sample variance with the n − 1 divisor; NaN when n < 2.
    pub fn variance(&self) -> f64 {
        if self.n < 2 {
            f64::NAN
        } else {
            (self.m2 / (self.n - 1) as f64).max(0.0)
        }
    }

    /// Sample standard deviation; NaN when n < 2.
    pub fn sd(&self) -> f64 {
        self.variance().sqrt()
    }

    /// Standard error of the mean; NaN when n < 2.
    pub fn sem(&self) -> f64 {
        self.sd() / (self.n as f64).sqrt()
    }

    /// 95% confidence interval for the mean, `mean ± t(0.975, n−1)·sd/√n`.
    /// `(NaN, NaN)` when n < 2.
    pub fn ci95(&self) -> (f64, f64) {
        if self.n < 2 {
            return (f64::NAN, f64::NAN);
        }
        let half = t975((self.n - 1) as f64) * self.sem();
        (self.mean - half, self.mean + half)
    }

    /// Snapshot for serialisation.
    pub fn summary(&self) -> Summary {
        let (lo, hi) = self.ci95();
        Summary {
            n: self.n,
            mean: self.mean(),
            sd: self.sd(),
            lo,
            hi,
        }
    }
}

impl Extend<f64> for Welford {
    fn extend<I: IntoIterator<Item = f64>>(&mut self, iter: I) {
        for x in iter {
            self.push(x);
        }
    }
}

impl FromIterator<f64> for Welford {
    fn from_iter<I: IntoIterator<Item = f64>>(iter: I) -> Self {
        let mut w = Welford::new();
        w.extend(iter);
        w
    }
}

// ---------------------------------------------------------------------------
// Binomial interval
// ---------------------------------------------------------------------------

/// Wilson score interval for a binomial proportion `successes / n` with
/// normal quantile `z` (use [`Z95`] for 95%). Clamped to [0, 1].
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

// ---------------------------------------------------------------------------
// Kaplan–Meier
// ---------------------------------------------------------------------------

/// One row of a Kaplan–Meier table: the estimate just after `time`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct KmStep {
    /// A distinct observed time (an event or a censoring).
    pub time: u32,
    /// Subjects with observed time >= `time` (censored-at-`time` count as at risk).
    pub at_risk: usize,
    /// Dissolutions at `time`.
    pub events: usize,
    /// Censorings at `time`.
    pub censored: usize,
    /// Product-limit estimate S(time).
    pub survival: f64,
    /// Greenwood standard error of S(time) (0 before the first event; NaN once S = 0).
    pub std_err: f64,
    /// Lower end of the pointwise 95% band.
    pub lower: f64,
    /// Upper end of the pointwise 95% band.
    pub upper: f64,
}

/// Kaplan–Meier product-limit estimate of the survival function.
///
/// `observations` holds `(time, event)` pairs; `event == true` means the
/// coalition dissolved at `time`, `false` means it was censored there
/// (success, round limit). Output: one [`KmStep`] per distinct time in
/// increasing order, censoring-only times included (S unchanged there), so
/// the table doubles as a risk table. Empty input gives an empty Vec.
///
/// Variance: Greenwood, Var S(t) = S(t)² Σ_{tᵢ≤t} dᵢ / (nᵢ(nᵢ − dᵢ)).
///
/// Band: pointwise 95% interval on the complementary log-log scale,
/// θ = log(−log S) with se(θ) = √(Σ dᵢ/(nᵢ(nᵢ−dᵢ))) / |log S|, mapped back as
/// `S^exp(±1.96·se(θ))`. Unlike the plain (linear) Greenwood interval it
/// never leaves [0, 1] and stays sensible in the tails; it is the default
/// of Stata's `sts` and Kalbfleisch & Prentice (2002, §1.4). Values are
/// still clamped to [0, 1] against rounding. Conventions at the edges:
/// where S = 1 (no event yet) the band is (1, 1); where S = 0 (the last
/// subjects at risk all dissolved) the band is (0, 0) and `std_err` is NaN.
pub fn kaplan_meier(observations: &[(u32, bool)]) -> Vec<KmStep> {
    let mut obs: Vec<(u32, bool)> = observations.to_vec();
    obs.sort_unstable_by_key(|&(t, _)| t);
    // Group into (time, events, censored) and use the count form.
    let mut counts: Vec<(u32, usize, usize)> = Vec::new();
    for (t, event) in obs {
        match counts.last_mut() {
            Some(last) if last.0 == t => {
                if event {
                    last.1 += 1;
                } else {
                    last.2 += 1;
                }
            }
            _ => counts.push((t, event as usize, !event as usize)),
        }
    }
    kaplan_meier_counts(&counts)
}

/// Kaplan–Meier from a count table: `(time, events, censored)` per distinct
/// time, in strictly increasing time order (rows with no event and no
/// censoring are skipped). Same estimator, band and conventions as
/// [`kaplan_meier`], whose result it equals for the same observations; the
/// input is O(distinct times) instead of O(subjects), which suits batches of
/// many runs. Times out of order give an empty Vec.
pub fn kaplan_meier_counts(counts: &[(u32, usize, usize)]) -> Vec<KmStep> {
    if counts.windows(2).any(|w| w[0].0 >= w[1].0) {
        return Vec::new();
    }
    let mut at_risk: usize = counts.iter().map(|&(_, d, c)| d + c).sum();
    let mut survival = 1.0_f64;
    let mut greenwood = 0.0_f64;
    let mut steps = Vec::with_capacity(counts.len());
    for &(time, events, censored) in counts {
        if events + censored == 0 {
            continue;
        }
        if events > 0 {
            let n = at_risk as f64;
            let d = events as f64;
            survival *= 1.0 - d / n;
            if events < at_risk {
                greenwood += d / (n * (n - d));
            } else {
                greenwood = f64::INFINITY;
            }
        }
        let (std_err, lower, upper) = km_band(survival, greenwood, Z95);
        steps.push(KmStep {
            time,
            at_risk,
            events,
            censored,
            survival,
            std_err,
            lower,
            upper,
        });
        at_risk -= events + censored;
    }
    steps
}

/// Greenwood standard error and log-log band for one survival value.
fn km_band(survival: f64, greenwood: f64, z: f64) -> (f64, f64, f64) {
    if survival <= 0.0 {
        return (f64::NAN, 0.0, 0.0);
    }
    if greenwood == 0.0 || survival >= 1.0 {
        return (0.0, survival, survival);
    }
    let std_err = survival * greenwood.sqrt();
    let log_s = survival.ln();
    let se_theta = greenwood.sqrt() / log_s.abs();
    let lower = survival.powf((z * se_theta).exp());
    let upper = survival.powf((-z * se_theta).exp());
    (std_err, lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0))
}

/// Median survival time: the first step time with S <= 0.5, or `None` if
/// the curve never gets there (e.g. heavy censoring, all censored, empty).
pub fn median_survival(steps: &[KmStep]) -> Option<u32> {
    steps.iter().find(|s| s.survival <= 0.5).map(|s| s.time)
}

/// S(t) from a Kaplan–Meier table: the survival of the last step with
/// `time <= t`, or 1 before the first step.
pub fn survival_at(steps: &[KmStep], t: u32) -> f64 {
    steps
        .iter()
        .take_while(|s| s.time <= t)
        .last()
        .map_or(1.0, |s| s.survival)
}

// ---------------------------------------------------------------------------
// Comparisons of two variants
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Order statistics and inequality
// ---------------------------------------------------------------------------

/// Sample quantile of already **sorted** (ascending) data, type 7 of
/// Hyndman & Fan (1996), R's default: linear interpolation between order
/// statistics at h = (n − 1)q. NaN if `sorted` is empty or `q` is outside
/// [0, 1]. Unsorted input gives a meaningless (but non-panicking) result.
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() || q.is_nan() || !(0.0..=1.0).contains(&q) {
        return f64::NAN;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

/// Median of unsorted data (sorts a copy). NaN if empty or if any value is NaN.
pub fn median(values: &[f64]) -> f64 {
    if values.iter().any(|v| v.is_nan()) {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    quantile(&v, 0.5)
}

/// Gini coefficient of non-negative values,
/// G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄) (no small-sample n/(n−1) correction), so
/// 0 for all-equal values and (n−1)/n when one value holds everything.
/// 0 for all zeros; NaN if empty or if any value is negative, infinite or NaN.
pub fn gini(values: &[f64]) -> f64 {
    if values.is_empty() || values.iter().any(|v| !v.is_finite() || *v < 0.0) {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_unstable_by(f64::total_cmp);
    let total: f64 = v.iter().sum();
    if total == 0.0 {
        return 0.0;
    }
    let n = v.len() as f64;
    // With ascending order and 1-based ranks i: G = 2 Σ i·x₍ᵢ₎ / (n Σx) − (n + 1)/n.
    let weighted: f64 = v.iter().enumerate().map(|(i, x)| (i + 1) as f64 * x).sum();
    (2.0 * weighted / (n * total) - (n + 1.0) / n).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tol: f64) -> bool {
        (a - b).abs() <= tol
    }

    macro_rules! assert_close {
        ($a:expr, $b:expr, $tol:expr) => {{
            let (a, b, tol) = ($a as f64, $b as f64, $tol as f64);
            assert!(
                close(a, b, tol),
                "{} = {a}, expected {b} ± {tol}",
                stringify!($a)
            );
        }};
    }

    // --- distribution helpers -------------------------------------------

    #[test]
    fn normal_quantile_matches_tables() {
        // Standard normal table values (Abramowitz & Stegun, Table 26.5).
        assert_close!(normal_quantile(0.975), 1.959_963_985, 1e-8);
        assert_close!(normal_quantile(0.5), 0.0, 1e-12);
        assert_close!(normal_quantile(0.995), 2.575_829_304, 1e-8);
        assert_close!(normal_quantile(0.01), -2.326_347_874, 1e-8);
        assert_close!(normal_quantile(1e-6), -4.753_424_309, 1e-7);
        assert!(normal_quantile(1.5).is_nan());
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
    }

    #[test]
    fn t975_matches_published_table() {
        // Two-sided 95% critical values of Student's t (Fisher & Yates,
        // Statistical Tables; NIST/SEMATECH e-Handbook §1.3.6.7.2), df 1..30.
        const TABLE: [f64; 30] = [
            12.706_205, 4.302_653, 3.182_446, 2.776_445, 2.570_582, 2.446_912, 2.364_624,
            2.306_004, 2.262_157, 2.228_139, 2.200_985, 2.178_813, 2.160_369, 2.144_787, 2.131_450,
            2.119_905, 2.109_816, 2.100_922, 2.093_024, 2.085_963, 2.079_614, 2.073_873, 2.068_658,
            2.063_899, 2.059_539, 2.055_529, 2.051_831, 2.048_407, 2.045_230, 2.042_272,
        ];
        for (i, &want) in TABLE.iter().enumerate() {
            let df = (i + 1) as f64;
            assert_close!(t975(df), want, 1e-6);
        }
        // Larger df from the same tables, on both sides of the switch to
        // the Cornish–Fisher expansion at df = 1000.
        assert_close!(t975(40.0), 2.021_075, 1e-6);
        assert_close!(t975(60.0), 2.000_298, 1e-6);
        assert_close!(t975(100.0), 1.983_972, 1e-6);
        assert_close!(t975(120.0), 1.979_930, 1e-6);
        assert_close!(t975(1000.0), 1.962_339, 1e-6);
        // Continuity across the switch (30-digit reference difference: mpmath).
        assert_close!(t975(1001.0) - t975(1000.0), -2.375_5e-6, 2e-8);
        assert_close!(t975(f64::INFINITY), Z95, 1e-8);
        // Other levels: t(0.995, 10) = 3.169273, t(0.95, 5) = 2.015048.
        assert_close!(t_quantile(0.995, 10.0), 3.169_273, 1e-6);
        assert_close!(t_quantile(0.95, 5.0), 2.015_048, 1e-6);
        assert_close!(t_quantile(0.025, 9.0), -2.262_157, 1e-6);
        // Fractional df (Welch), reference values from mpmath (30 digits).
        assert_close!(t975(2.5), 3.574_654_842, 1e-8);
        assert_close!(t975(4.235_294_117_647_059), 2.716_658_437, 1e-8);
        // CDF round trip and symmetry.
        assert_close!(t_cdf(2.262_157_162_798_205, 9.0), 0.975, 1e-12);
        assert_close!(t_cdf(-12.706_204_736_174_7, 1.0), 0.025, 1e-12);
        assert_close!(t_cdf(0.0, 3.0), 0.5, 1e-15);
        assert!(t_cdf(1.0, 0.0).is_nan());
        assert!(t975(0.0).is_nan() && t975(f64::NAN).is_nan() && t_quantile(1.0, 3.0).is_nan());
    }

    // --- Welford ----------------------------------------------------------

    #[test]
    fn welford_small_sample_by_hand() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sum of squares 32,
        // sample variance 32/7 = 4.571428..., sd 2.138090.
        let w: Welford = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0]
            .into_iter()
            .collect();
        assert_eq!(w.count(), 8);
        assert_close!(w.mean(), 5.0, 1e-12);
        assert_close!(w.variance(), 32.0 / 7.0, 1e-12);
        assert_close!(w.sd(), 2.138_089_935, 1e-9);
        // 95% CI: 5 ± t(0.975, 7)·sd/√8 = 5 ± 2.364624·0.755929 = 5 ± 1.787495.
        let (lo, hi) = w.ci95();
        assert_close!(lo, 3.212_505, 1e-5);
        assert_close!(hi, 6.787_495, 1e-5);
        let s = w.summary();
        assert_eq!(s.n, 8);
        assert_close!(s.lo, lo, 0.0);
    }

    #[test]
    fn welford_merge_equals_single_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1013) as f64 * 0.37 + 1e6)
            .collect();
        let whole: Welford = xs.iter().copied().collect();
        let mut left: Welford = xs[..313].iter().copied().collect();
        let right: Welford = xs[313..].iter().copied().collect();
        left.merge(&right);
        assert_eq!(left.count(), whole.count());
        assert_close!(left.mean(), whole.mean(), 1e-7);
        assert_close!(left.variance(), whole.variance(), 1e-6 * whole.variance());
        // Merging with empty accumulators in either direction is the identity.
        let mut empty = Welford::new();
        empty.merge(&whole);
        assert_eq!(empty, whole);
        let mut w = whole;
        w.merge(&Welford::new());
        assert_eq!(w, whole);
    }

    #[test]
    fn welford_edge_cases() {
        let w = Welford::new();
        assert!(w.mean().is_nan() && w.variance().is_nan() && w.sd().is_nan());
        assert!(w.ci95().0.is_nan());
        let mut w = Welford::new();
        w.push(3.0);
        assert_eq!(w.mean(), 3.0);
        assert!(w.variance().is_nan());
        w.push(3.0);
        assert_eq!(w.variance(), 0.0);
        assert_eq!(w.ci95(), (3.0, 3.0));
        let json = serde_json::to_string(&Welford::new().summary()).unwrap();
        assert!(json.contains("null"), "{json}");
    }

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

    // --- Kaplan–Meier ---------------------------------------------------------

    /// 6-MP arm of the Freireich et al. (1963) leukaemia trial, remission
    /// times in weeks, `false` = censored.
    fn freireich_6mp() -> Vec<(u32, bool)> {
        [
            (6, true),
            (6, true),
            (6, true),
            (6, false),
            (7, true),
            (9, false),
            (10, true),
            (10, false),
            (11, false),
            (13, true),
            (16, true),
            (17, false),
            (19, false),
            (20, false),
            (22, true),
            (23, true),
            (25, false),
            (32, false),
            (32, false),
            (34, false),
            (35, false),
        ]
        .to_vec()
    }

    #[test]
    fn kaplan_meier_freireich() {
        let steps = kaplan_meier(&freireich_6mp());
        // Published product-limit estimates (Kleinbaum & Klein, Survival
        // Analysis: A Self-Learning Text, 3rd ed., ch. 2, 6-MP group).
        let published = [
            (6, 0.857),
            (7, 0.807),
            (10, 0.753),
            (13, 0.690),
            (16, 0.627),
            (22, 0.538),
            (23, 0.448),
        ];
        for (t, s) in published {
            let step = steps.iter().find(|st| st.time == t).unwrap();
            assert_close!(step.survival, s, 5e-4);
            assert!(step.events > 0);
        }
        let first = steps[0];
        assert_eq!(
            (first.time, first.at_risk, first.events, first.censored),
            (6, 21, 3, 1)
        );
        // Greenwood at t = 6: 0.857143 · √(3/(21·18)) = 0.0764 (published).
        assert_close!(first.std_err, 0.0764, 1e-4);
        // log-log band by hand: se(θ) = 0.089087/0.154151 = 0.577920,
        // S^exp(±1.96·0.577920) = (0.6197, 0.9516) (Stata `sts list` agrees).
        assert_close!(first.lower, 0.6197, 1e-4);
        assert_close!(first.upper, 0.9516, 1e-4);
        // Censoring-only times are kept with S unchanged and the risk set shrinking.
        let t9 = steps.iter().find(|s| s.time == 9).unwrap();
        assert_eq!((t9.at_risk, t9.events, t9.censored), (16, 0, 1));
        assert_close!(t9.survival, 0.807, 5e-4);
        let t13 = steps.iter().find(|s| s.time == 13).unwrap();
        assert_eq!(t13.at_risk, 12);
        assert_eq!(steps.len(), 16);
        assert_eq!(steps.last().unwrap().at_risk, 1);
        // Published median remission time of the 6-MP arm: 23 weeks.
        assert_eq!(median_survival(&steps), Some(23));
        assert_close!(survival_at(&steps, 5), 1.0, 0.0);
        assert_close!(survival_at(&steps, 15), 0.690, 5e-4);
        for s in &steps {
            assert!(s.lower <= s.survival && s.survival <= s.upper);
        }
    }

    #[test]
    fn kaplan_meier_edge_cases() {
        assert!(kaplan_meier(&[]).is_empty());
        assert_eq!(median_survival(&[]), None);
        // All censored: S = 1 throughout, degenerate band, no median.
        let steps = kaplan_meier(&[(5, false), (3, false), (5, false)]);
        assert_eq!(steps.len(), 2);
        assert!(
            steps
                .iter()
                .all(|s| s.survival == 1.0 && s.lower == 1.0 && s.upper == 1.0)
        );
        assert_eq!(median_survival(&steps), None);
        // Everyone dissolves: S reaches 0 with a (0, 0) band and NaN std_err.
        let steps = kaplan_meier(&[(1, true), (2, true)]);
        assert_close!(steps[0].survival, 0.5, 1e-12);
        assert_eq!(median_survival(&steps), Some(1));
        assert_eq!(steps[1].survival, 0.0);
        assert_eq!((steps[1].lower, steps[1].upper), (0.0, 0.0));
        assert!(steps[1].std_err.is_nan());
        // Ties of events and censorings at one time: censored count as at risk.
        let steps = kaplan_meier(&[(2, true), (2, false), (4, true)]);
        assert_eq!(steps[0].at_risk, 3);
        assert_close!(steps[0].survival, 2.0 / 3.0, 1e-12);
        assert_eq!(steps[1].at_risk, 1);
        assert_eq!(steps[1].survival, 0.0);
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

    // --- quantiles and Gini -----------------------------------------------

    #[test]
    fn quantile_type7_matches_r() {
        // R: quantile(c(1, 2, 3, 4, 10), c(0, .1, .25, .5, .9, 1)) (type 7)
        // = 1.0 1.4 2.0 3.0 7.6 10.0.
        let x = [1.0, 2.0, 3.0, 4.0, 10.0];
        for (q, want) in [
            (0.0, 1.0),
            (0.1, 1.4),
            (0.25, 2.0),
            (0.5, 3.0),
            (0.9, 7.6),
            (1.0, 10.0),
        ] {
            assert_close!(quantile(&x, q), want, 1e-12);
        }
        assert_close!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5, 1e-12);
        assert_eq!(quantile(&[7.0], 0.3), 7.0);
        assert!(quantile(&[], 0.5).is_nan());
        assert!(quantile(&x, 1.5).is_nan());
        assert!(median(&[]).is_nan());
        assert!(median(&[1.0, f64::NAN]).is_nan());
    }

    #[test]
    fn gini_by_hand() {
        // 1..5: Σᵢⱼ|xᵢ − xⱼ| = 40, 2n²x̄ = 150, G = 4/15.
        assert_close!(gini(&[3.0, 1.0, 2.0, 5.0, 4.0]), 4.0 / 15.0, 1e-12);
        // One holder of everything among n = 4: (n − 1)/n.
        assert_close!(gini(&[0.0, 0.0, 0.0, 1.0]), 0.75, 1e-12);
        assert_eq!(gini(&[2.0, 2.0, 2.0]), 0.0);
        assert_eq!(gini(&[0.0, 0.0]), 0.0);
        assert!(gini(&[]).is_nan());
        assert!(gini(&[1.0, -1.0]).is_nan());
        assert!(gini(&[1.0, f64::NAN]).is_nan());
    }
}
