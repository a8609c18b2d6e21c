//! Property tests for `coalsim_core::stats` (the hand-checked values live in the
//! module's unit tests).

use coalsim_core::stats::{
    Welford, Z95, gini, kaplan_meier, median_survival, paired_mean_diff, paired_proportion_diff,
    paired_proportion_diff_newcombe, quantile, t_cdf, t_quantile, wilson_interval,
};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn welford_merge_matches_single_pass(
        xs in prop::collection::vec(-1e6f64..1e6, 0..200),
        split in 0usize..200,
    ) {
        let split = split.min(xs.len());
        let whole: Welford = xs.iter().copied().collect();
        let mut left: Welford = xs[..split].iter().copied().collect();
        left.merge(&xs[split..].iter().copied().collect());
        prop_assert_eq!(left.count(), whole.count());
        if xs.is_empty() {
            prop_assert!(left.mean().is_nan());
        } else {
            prop_assert!((left.mean() - whole.mean()).abs() <= 1e-6);
        }
        if xs.len() >= 2 {
            let tol = 1e-6 * whole.variance().max(1.0);
            prop_assert!((left.variance() - whole.variance()).abs() <= tol);
            let (lo, hi) = whole.ci95();
            prop_assert!(lo <= whole.mean() && whole.mean() <= hi);
        }
    }

    #[test]
    fn wilson_contains_estimate(n in 1u64..500, frac in 0.0f64..=1.0) {
        let x = (frac * n as f64).round() as u64;
        let (lo, hi) = wilson_interval(x, n, Z95);
        let p = x as f64 / n as f64;
        prop_assert!((0.0..=1.0).contains(&lo) && (0.0..=1.0).contains(&hi));
        prop_assert!(lo <= p + 1e-12 && p <= hi + 1e-12);
    }

    #[test]
    fn kaplan_meier_is_a_proper_survival_curve(
        obs in prop::collection::vec((0u32..50, any::<bool>()), 0..120),
    ) {
        let steps = kaplan_meier(&obs);
        let mut prev = 1.0;
        let mut seen = 0;
        for s in &steps {
            prop_assert!(s.survival <= prev + 1e-12);
            prop_assert!(s.lower <= s.survival + 1e-12 && s.survival <= s.upper + 1e-12);
            prop_assert!((0.0..=1.0).contains(&s.lower) && (0.0..=1.0).contains(&s.upper));
            prop_assert!(s.events + s.censored <= s.at_risk);
            prop_assert_eq!(s.at_risk, obs.len() - seen);
            seen += s.events + s.censored;
            prev = s.survival;
        }
        prop_assert_eq!(seen, obs.len());
        if let Some(m) = median_survival(&steps) {
            // The first time S is at or below one half, or (exact tie) the
            // midpoint from there to the next fall: never earlier, never
            // past the next fall.
            let first = steps.iter().find(|s| s.survival < 0.5 + 1e-8).unwrap();
            prop_assert!(m >= first.time as f64);
            if m > first.time as f64 {
                prop_assert!((first.survival - 0.5).abs() < 1e-8);
                let next = steps.iter().find(|s| s.survival < first.survival).unwrap();
                prop_assert_eq!(m, (first.time + next.time) as f64 / 2.0);
            }
        } else {
            prop_assert!(steps.iter().all(|s| s.survival > 0.5));
        }
    }

    #[test]
    fn paired_intervals_contain_estimate(pairs in prop::collection::vec((any::<bool>(), any::<bool>()), 1..300)) {
        for d in [paired_proportion_diff(&pairs, Z95), paired_proportion_diff_newcombe(&pairs, Z95)] {
            prop_assert!(d.lo <= d.estimate + 1e-12 && d.estimate <= d.hi + 1e-12, "{:?}", d);
            prop_assert!(d.lo >= -1.0 && d.hi <= 1.0);
            prop_assert_eq!(d.n, pairs.len());
        }
    }

    #[test]
    fn paired_mean_diff_is_shift_invariant(
        a in prop::collection::vec(-100.0f64..100.0, 2..50),
        shift in -10.0f64..10.0,
    ) {
        let b: Vec<f64> = a.iter().map(|x| x + shift).collect();
        let d = paired_mean_diff(&a, &b);
        prop_assert!((d.estimate - shift).abs() < 1e-9);
        prop_assert!(d.hi - d.lo < 1e-6);
    }

    #[test]
    fn quantile_is_monotone_and_bounded(
        mut xs in prop::collection::vec(-1e3f64..1e3, 1..60),
        q1 in 0.0f64..=1.0,
        q2 in 0.0f64..=1.0,
    ) {
        xs.sort_by(f64::total_cmp);
        let (qa, qb) = (q1.min(q2), q1.max(q2));
        let (va, vb) = (quantile(&xs, qa), quantile(&xs, qb));
        prop_assert!(va <= vb + 1e-9);
        prop_assert!(xs[0] <= va && vb <= xs[xs.len() - 1]);
    }

    #[test]
    fn gini_is_in_unit_interval_and_scale_free(
        xs in prop::collection::vec(0.0f64..1e3, 1..60),
        scale in 0.1f64..100.0,
    ) {
        let g = gini(&xs);
        prop_assert!((0.0..1.0).contains(&g));
        let scaled: Vec<f64> = xs.iter().map(|x| x * scale).collect();
        prop_assert!((gini(&scaled) - g).abs() < 1e-9);
    }

    #[test]
    fn t_quantile_inverts_cdf(p in 0.5005f64..0.9995, df in 1.0f64..200.0) {
        let t = t_quantile(p, df);
        prop_assert!((t_cdf(t, df) - p).abs() < 1e-10);
        prop_assert!((t_quantile(1.0 - p, df) + t).abs() < 1e-9);
    }
}
