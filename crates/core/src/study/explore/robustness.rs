//! How each policy fares across the sampled coalitions (robust decision
//! making; Lempert, Popper & Bankes 2003): its mean, its worst decile, its
//! regret against the best policy of each sample (Savage's minimax regret),
//! the share of samples where it is the best, and the share where it is
//! good enough (satisficing, Simon 1955).

/// One policy's record on one measure.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Record {
    /// Mean over the samples.
    pub mean: f64,
    /// The worst decile: the 10th percentile when higher is better, the
    /// 90th when lower is.
    pub worst_decile: f64,
    /// Largest regret over the samples.
    pub max_regret: f64,
    /// Mean regret.
    pub mean_regret: f64,
    /// Share of samples where the policy is the best, a tie among k
    /// policies counting 1/k for each.
    pub best_share: f64,
    /// Share of samples where the measure reaches the threshold (when one
    /// is given).
    pub satisfice_share: Option<f64>,
}

/// Linear-interpolation quantile of sorted values (type 7, as R and numpy).
pub fn quantile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let h = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let i = h.floor() as usize;
    let f = h - h.floor();
    if i + 1 < sorted.len() {
        sorted[i] + f * (sorted[i + 1] - sorted[i])
    } else {
        sorted[i]
    }
}

/// Tolerance under which two policies' values count as a tie.
pub const TIE: f64 = 1e-9;

/// Which policies are best (or tied) at each sample: `best[s][p]`.
pub fn best(values: &[Vec<f64>], higher_is_better: bool) -> Vec<Vec<bool>> {
    values
        .iter()
        .map(|row| {
            let top = if higher_is_better {
                row.iter().copied().fold(f64::NEG_INFINITY, f64::max)
            } else {
                row.iter().copied().fold(f64::INFINITY, f64::min)
            };
            row.iter().map(|v| (v - top).abs() <= TIE).collect()
        })
        .collect()
}

/// Each policy's record from `values[sample][policy]`. `satisfice`: the
/// threshold a good-enough value reaches (>= when higher is better, <=
/// otherwise).
pub fn records(values: &[Vec<f64>], higher_is_better: bool, satisfice: Option<f64>) -> Vec<Record> {
    let n = values.len();
    let policies = values.first().map_or(0, Vec::len);
    let best = best(values, higher_is_better);
    (0..policies)
        .map(|p| {
            let mut col: Vec<f64> = values.iter().map(|r| r[p]).collect();
            let regrets: Vec<f64> = values
                .iter()
                .map(|r| {
                    let top = if higher_is_better {
                        r.iter().copied().fold(f64::NEG_INFINITY, f64::max) - r[p]
                    } else {
                        r[p] - r.iter().copied().fold(f64::INFINITY, f64::min)
                    };
                    top.max(0.0)
                })
                .collect();
            let mean = col.iter().sum::<f64>() / n as f64;
            let satisfice_share = satisfice.map(|t| {
                col.iter()
                    .filter(|&&v| if higher_is_better { v >= t } else { v <= t })
                    .count() as f64
                    / n as f64
            });
            col.sort_by(f64::total_cmp);
            Record {
                mean,
                worst_decile: quantile(&col, if higher_is_better { 0.1 } else { 0.9 }),
                max_regret: regrets.iter().copied().fold(0.0, f64::max),
                mean_regret: regrets.iter().sum::<f64>() / n as f64,
                // A tie shares the sample among the tied policies, so the
                // shares sum to 1 and a tie cannot make every rule "best".
                best_share: best
                    .iter()
                    .filter(|b| b[p])
                    .map(|b| 1.0 / b.iter().filter(|&&x| x).count() as f64)
                    // (fold from +0: an empty f64 sum is −0, printed "-0%")
                    .fold(0.0, |a, x| a + x)
                    / n as f64,
                satisfice_share,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regret_is_the_distance_to_the_best_policy_of_each_sample() {
        // Two samples, two policies: A wins the first by 0.2, B the second
        // by 0.5.
        let v = vec![vec![0.8, 0.6], vec![0.3, 0.8]];
        let r = records(&v, true, Some(0.7));
        assert!((r[0].max_regret - 0.5).abs() < 1e-12);
        assert!((r[1].max_regret - 0.2).abs() < 1e-12);
        assert!((r[0].mean_regret - 0.25).abs() < 1e-12);
        assert_eq!(r[0].best_share, 0.5);
        assert_eq!(r[0].satisfice_share, Some(0.5));
        assert_eq!(r[1].satisfice_share, Some(0.5));
        // A tie in the second sample shares it: A 0.5 + 0.25, B 0.25.
        let tied = vec![vec![0.8, 0.6], vec![0.7, 0.7]];
        let r = records(&tied, true, None);
        assert_eq!(r[0].best_share, 0.75);
        assert_eq!(r[1].best_share, 0.25);
        // A policy never best has a share of +0, not −0.
        let r = records(&[vec![0.8, 0.6]], true, None);
        assert!(r[1].best_share == 0.0 && r[1].best_share.is_sign_positive());
        // Lower is better: the roles swap.
        let r = records(&v, false, None);
        assert!((r[0].max_regret - 0.2).abs() < 1e-12);
        assert_eq!(r[0].satisfice_share, None);
    }

    #[test]
    fn ties_count_as_best_for_each_tied_policy() {
        let v = vec![vec![1.0, 1.0, 0.5]];
        let b = best(&v, true);
        assert_eq!(b[0], vec![true, true, false]);
    }
}
