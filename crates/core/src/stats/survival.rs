//! Kaplan–Meier survival: the share of coalitions still going, with
//! Greenwood's variance and a log(−log) band.

use serde::{Deserialize, Serialize};

use super::Z95;

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

/// How close to exactly one half a curve must be for the median to count as
/// a tie: R's `survival` package uses `sqrt(.Machine$double.eps)`.
pub const MEDIAN_TIE_TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// Median of a step function falling from 1, given as `(time, value)` at
/// each step, R's convention (`survival::quantile.survfit`): the first time
/// the value is at or below one half; if it is *exactly* one half there
/// (within [`MEDIAN_TIE_TOLERANCE`]) and the curve falls further later, the
/// midpoint between that time and the time it next falls, since every time
/// in between has the value one half. `None` when the curve stays above one
/// half.
pub fn median_of_falling(points: &[(u32, f64)]) -> Option<f64> {
    let i = points
        .iter()
        .position(|&(_, y)| y < 0.5 + MEDIAN_TIE_TOLERANCE)?;
    let (t, y) = points[i];
    if (y - 0.5).abs() < MEDIAN_TIE_TOLERANCE
        && let Some(&(next, _)) = points[i + 1..].iter().find(|&&(_, z)| z < y)
    {
        return Some((t as f64 + next as f64) / 2.0);
    }
    Some(t as f64)
}

/// Median survival time from a Kaplan–Meier table, with R's convention at an
/// exact tie ([`median_of_falling`]): e.g. S = 1/2 from week 98 until it
/// falls at week 100 gives 99. `None` if the curve never gets to one half
/// (e.g. heavy censoring, all censored, empty).
pub fn median_survival(steps: &[KmStep]) -> Option<f64> {
    let points: Vec<(u32, f64)> = steps.iter().map(|s| (s.time, s.survival)).collect();
    median_of_falling(&points)
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

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(median_survival(&steps), Some(23.0));
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
        // S is exactly 1/2 on [1, 2): R's midpoint.
        assert_eq!(median_survival(&steps), Some(1.5));
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

    #[test]
    fn median_at_an_exact_tie_is_the_midpoint_as_in_r() {
        // Four subjects, deaths at 1 and 2, then the last two at 4 and 6:
        // S = 3/4, 1/2, 1/4, 0. S is exactly 1/2 on [2, 4), so the median
        // is (2 + 4)/2 = 3, as R's survfit prints (lifelines prints 2).
        let steps = kaplan_meier(&[(1, true), (2, true), (4, true), (6, true)]);
        assert_eq!(steps[1].survival, 0.5);
        assert_eq!(median_survival(&steps), Some(3.0));
        // A censoring inside the flat part does not end it: six subjects,
        // S = 5/6 at 1, 5/6·3/5 = 1/2 at 2, a censoring at 3, 1/4 at 4.
        let steps = kaplan_meier(&[
            (1, true),
            (2, true),
            (2, true),
            (3, false),
            (4, true),
            (6, false),
        ]);
        assert_close!(survival_at(&steps, 3), 0.5, 1e-15);
        assert_eq!(median_survival(&steps), Some(3.0));
        // Flat at 1/2 to the end (never falls again): the time it got there.
        let steps = kaplan_meier(&[(1, true), (2, false)]);
        assert_eq!(median_survival(&steps), Some(1.0));
        // Not a tie: S jumps from above to below one half.
        let steps = kaplan_meier(&[(1, true), (2, true), (2, true), (5, false)]);
        assert_eq!(median_survival(&steps), Some(2.0));
        // Within the tolerance counts as a tie; beyond it does not.
        assert_eq!(
            median_of_falling(&[(10, 0.5 + 1e-12), (20, 0.1)]),
            Some(15.0)
        );
        assert_eq!(
            median_of_falling(&[(10, 0.5 - 1e-6), (20, 0.1)]),
            Some(10.0)
        );
        assert_eq!(median_of_falling(&[(10, 0.6)]), None);
    }
}
