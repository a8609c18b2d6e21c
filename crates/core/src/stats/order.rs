//! Order statistics (quantiles, median) and inequality (Gini).

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
