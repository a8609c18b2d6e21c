//! Running moments (Welford), mergeable across threads and shards.

use serde::{Deserialize, Serialize};

use super::t975;

/// Numerically stable running mean and variance (Welford 1962), mergeable
/// across threads with the parallel update of Chan, Golub & LeVeque (1979).
///
/// Pushing NaN makes the mean and variance NaN from then on.
///
/// Serialised (in shard segments and checkpoints) as `[n, mean, m2]`,
/// without field names: a wide sweep's shards hold millions of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(from = "WelfordWire", into = "WelfordWire")]
pub struct Welford {
    n: u64,
    mean: f64,
    /// Sum of squared deviations from the current mean.
    m2: f64,
}

/// A [`Welford`] as stored: `[n, mean, m2]`.
#[derive(Serialize, Deserialize)]
struct WelfordWire(u64, f64, f64);

impl From<Welford> for WelfordWire {
    fn from(w: Welford) -> Self {
        WelfordWire(w.n, w.mean, w.m2)
    }
}

impl From<WelfordWire> for Welford {
    fn from(WelfordWire(n, mean, m2): WelfordWire) -> Self {
        Welford { n, mean, m2 }
    }
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

    /// The accumulator's state: count, mean and sum of squared deviations
    /// (for a compact serialisation; [`Welford::from_parts`] restores it
    /// bit for bit).
    pub fn parts(&self) -> (u64, f64, f64) {
        (self.n, self.mean, self.m2)
    }

    /// The accumulator whose [`Welford::parts`] are these.
    pub fn from_parts(n: u64, mean: f64, m2: f64) -> Welford {
        Welford { n, mean, m2 }
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
