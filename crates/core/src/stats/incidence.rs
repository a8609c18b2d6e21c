//! Cumulative incidence of competing endings (Aalen–Johansen).
//!
//! A coalition ends in one of several ways — goal reached, sunset, dissolved
//! — and whichever comes first removes it from the risk of the others. The
//! question a user asks is "how likely is each ending by week t?": the
//! cumulative incidence F_k(t) = P(T ≤ t, ending = k). Its nonparametric
//! estimate is the Aalen–Johansen estimator (Aalen & Johansen 1978; for
//! competing risks see Kalbfleisch & Prentice 2002, §8.2):
//!
//! F_k(t) = Σ_{t_j ≤ t} S(t_{j−1}) · d_kj / n_j,
//!
//! where n_j is the number still at risk just before t_j, d_kj the number
//! ending in way k at t_j and S the all-cause Kaplan–Meier estimate (any
//! ending is the event). One minus the Kaplan–Meier estimate of one ending
//! with the others censored is *not* this: it answers a hypothetical world
//! where the other endings cannot happen, and overstates F_k whenever they
//! can.
//!
//! # Variance and band
//!
//! Variance: the delta-method (Greenwood-type) estimator of Marubini &
//! Valsecchi (1995, §10.4), also given by Collett (*Modelling Survival Data
//! in Medical Research*, 3rd ed., §12.2) and used by SAS PROC LIFETEST
//! (`ERROR=DELTA`) and lifelines' `AalenJohansenFitter`:
//!
//! Var F_k(t) = Σ_{t_j ≤ t} { [F_k(t) − F_k(t_j)]² d_j / (n_j (n_j − d_j))
//!             + S(t_{j−1})² d_kj (n_j − d_kj) / n_j³
//!             − 2 [F_k(t) − F_k(t_j)] S(t_{j−1}) d_kj / n_j² },
//!
//! d_j being all endings at t_j (the first term is 0 where n_j = d_j, since
//! then t_j is the last time and F_k(t) = F_k(t_j)). Without censoring
//! before t it equals the binomial variance F_k(t)(1 − F_k(t))/n exactly
//! (tested), so for a coalsim batch — where only the round limit censors —
//! the band is a transformed binomial interval.
//!
//! Band: pointwise 95%, on the log(−log) scale as recommended by Pintilie
//! (*Competing Risks: A Practical Perspective*, 2006, §4.2.1; the choice of
//! R's `tidycmprsk`): θ = log(−log F), se(θ) = se(F) / (F |log F|), mapped
//! back as `F^exp(±z·se(θ))`, so the band stays inside [0, 1]. Edges:
//! F = 0 gives (0, 0), F = 1 gives (1, 1), a zero variance gives (F, F).

use super::survival::median_of_falling;

/// The endings at one time: how many ended in each of the K ways, and how
/// many were censored (left observation without an ending).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompetingCounts<const K: usize> {
    pub time: u32,
    pub events: [u64; K],
    pub censored: u64,
}

/// The Aalen–Johansen estimate just after `time`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct IncidenceStep<const K: usize> {
    pub time: u32,
    /// Still at risk just before `time` (censored at `time` count as at risk).
    pub at_risk: u64,
    /// Endings of each kind at `time`.
    pub events: [u64; K],
    /// Censored at `time`.
    pub censored: u64,
    /// All-cause Kaplan–Meier S(time): share still going (no ending yet).
    pub survival: f64,
    /// Cumulative incidence F_k(time) of each ending.
    pub incidence: [f64; K],
    /// Delta-method standard error of F_k(time).
    pub std_err: [f64; K],
    /// Pointwise 95% band of F_k(time), log(−log) scale.
    pub lower: [f64; K],
    pub upper: [f64; K],
}

/// Aalen–Johansen cumulative incidence of K competing endings, from a count
/// table in strictly increasing time order (rows with no ending and no
/// censoring are kept, with the estimate unchanged). Band at normal quantile
/// `z` (use [`Z95`](super::Z95)). Times out of order give an empty Vec. O(T²) in the
/// number of rows for the variance, with T at most the round limit.
pub fn aalen_johansen<const K: usize>(
    counts: &[CompetingCounts<K>],
    z: f64,
) -> Vec<IncidenceStep<K>> {
    if counts.windows(2).any(|w| w[0].time >= w[1].time) {
        return Vec::new();
    }
    let mut at_risk: u64 = counts
        .iter()
        .map(|c| c.events.iter().sum::<u64>() + c.censored)
        .sum();
    // Per row: n_j, d_j, S(t_{j−1}), F_k(t_j).
    struct Row<const K: usize> {
        n: f64,
        d: f64,
        d_k: [f64; K],
        s_before: f64,
        f: [f64; K],
    }
    let mut rows: Vec<Row<K>> = Vec::with_capacity(counts.len());
    let mut steps = Vec::with_capacity(counts.len());
    let mut survival = 1.0_f64;
    let mut f = [0.0_f64; K];
    for c in counts {
        let d_all: u64 = c.events.iter().sum();
        let n = at_risk as f64;
        let s_before = survival;
        if d_all > 0 {
            for (fk, &dk) in f.iter_mut().zip(&c.events) {
                *fk += s_before * dk as f64 / n;
            }
            survival = s_before * (1.0 - d_all as f64 / n);
        }
        rows.push(Row {
            n,
            d: d_all as f64,
            d_k: c.events.map(|d| d as f64),
            s_before,
            f,
        });
        let mut std_err = [0.0; K];
        let mut lower = [0.0; K];
        let mut upper = [0.0; K];
        for k in 0..K {
            let mut var = 0.0;
            for r in rows.iter().filter(|r| r.d > 0.0) {
                let gap = f[k] - r.f[k];
                if r.n > r.d {
                    var += gap * gap * r.d / (r.n * (r.n - r.d));
                }
                var += r.s_before * r.s_before * r.d_k[k] * (r.n - r.d_k[k]) / (r.n * r.n * r.n);
                var -= 2.0 * gap * r.s_before * r.d_k[k] / (r.n * r.n);
            }
            let se = var.max(0.0).sqrt();
            std_err[k] = se;
            (lower[k], upper[k]) = incidence_band(f[k], se, z);
        }
        steps.push(IncidenceStep {
            time: c.time,
            at_risk,
            events: c.events,
            censored: c.censored,
            survival,
            incidence: f,
            std_err,
            lower,
            upper,
        });
        at_risk = at_risk.saturating_sub(d_all + c.censored);
    }
    steps
}

/// [`aalen_johansen`] from individual observations `(time, ending)`, where
/// `ending` is `Some(k)` (k < K) for an ending of kind k and `None` for a
/// censoring; endings `k >= K` are ignored. Empty input gives an empty Vec.
pub fn aalen_johansen_obs<const K: usize>(
    observations: &[(u32, Option<usize>)],
    z: f64,
) -> Vec<IncidenceStep<K>> {
    let mut obs: Vec<(u32, Option<usize>)> = observations
        .iter()
        .copied()
        .filter(|(_, e)| e.is_none_or(|k| k < K))
        .collect();
    obs.sort_unstable_by_key(|&(t, _)| t);
    let mut counts: Vec<CompetingCounts<K>> = Vec::new();
    for (t, e) in obs {
        if counts.last().is_none_or(|c| c.time != t) {
            counts.push(CompetingCounts {
                time: t,
                events: [0; K],
                censored: 0,
            });
        }
        let last = counts.last_mut().expect("just pushed");
        match e {
            Some(k) => last.events[k] += 1,
            None => last.censored += 1,
        }
    }
    aalen_johansen(&counts, z)
}

/// The pointwise band of a cumulative incidence `f` with standard error
/// `se`, on the log(−log) scale: `(f^exp(z·se_θ), f^exp(−z·se_θ))` with
/// se_θ = se / (f |log f|). (0, 0) at f = 0, (1, 1) at f = 1, (f, f) when
/// se = 0; clamped to [0, 1]. NaN in, NaN out.
pub fn incidence_band(f: f64, se: f64, z: f64) -> (f64, f64) {
    if f.is_nan() || se.is_nan() {
        return (f64::NAN, f64::NAN);
    }
    if f <= 0.0 {
        return (0.0, 0.0);
    }
    if f >= 1.0 {
        return (1.0, 1.0);
    }
    if se == 0.0 {
        return (f, f);
    }
    let se_theta = se / (f * f.ln().abs());
    let lower = f.powf((z * se_theta).exp());
    let upper = f.powf((-z * se_theta).exp());
    (lower.clamp(0.0, 1.0), upper.clamp(0.0, 1.0))
}

/// Median time to ending `k` among *all* subjects: the first time F_k
/// reaches one half, with R's convention at an exact tie (the midpoint to
/// the time it next rises; see [`median_of_falling`]). `None` when F_k
/// stays below one half — as it must whenever other endings take half or
/// more.
pub fn median_incidence<const K: usize>(steps: &[IncidenceStep<K>], k: usize) -> Option<f64> {
    if k >= K {
        return None;
    }
    let points: Vec<(u32, f64)> = steps
        .iter()
        .map(|s| (s.time, 1.0 - s.incidence[k]))
        .collect();
    median_of_falling(&points)
}

/// F_k(t) from a table: the value of the last step with `time <= t`, 0
/// before the first step.
pub fn incidence_at<const K: usize>(steps: &[IncidenceStep<K>], k: usize, t: u32) -> f64 {
    if k >= K {
        return f64::NAN;
    }
    steps
        .iter()
        .take_while(|s| s.time <= t)
        .last()
        .map_or(0.0, |s| s.incidence[k])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Z95;

    fn close(a: f64, b: f64, tol: f64) {
        assert!((a - b).abs() <= tol, "{a} vs {b} (± {tol})");
    }

    #[test]
    fn hand_computed_with_censoring_and_ties() {
        // Eight subjects, two endings (0 and 1), c = censored:
        // t=1: one 0, one 1; t=2: one c; t=3: two 0; t=4: one 1, one c;
        // t=6: one 0.
        // n: 8, 6, 5, 3, 1.  S: 6/8, 6/8, 6/8·3/5 = 9/20, 9/20·2/3 = 3/10, 0.
        // F0: 1/8, 1/8, 1/8 + 6/8·2/5 = 17/40, 17/40, 17/40 + 3/10 = 29/40.
        // F1: 1/8, 1/8, 1/8, 1/8 + 9/20·1/3 = 11/40, 11/40.
        let obs = [
            (1, Some(0)),
            (1, Some(1)),
            (2, None),
            (3, Some(0)),
            (3, Some(0)),
            (4, Some(1)),
            (4, None),
            (6, Some(0)),
        ];
        let st = aalen_johansen_obs::<2>(&obs, Z95);
        let times: Vec<u32> = st.iter().map(|s| s.time).collect();
        assert_eq!(times, [1, 2, 3, 4, 6]);
        let at_risk: Vec<u64> = st.iter().map(|s| s.at_risk).collect();
        assert_eq!(at_risk, [8, 6, 5, 3, 1]);
        let want = [
            (0.75, 1.0 / 8.0, 1.0 / 8.0),
            (0.75, 1.0 / 8.0, 1.0 / 8.0),
            (9.0 / 20.0, 17.0 / 40.0, 1.0 / 8.0),
            (3.0 / 10.0, 17.0 / 40.0, 11.0 / 40.0),
            (0.0, 29.0 / 40.0, 11.0 / 40.0),
        ];
        for (s, (surv, f0, f1)) in st.iter().zip(want) {
            close(s.survival, surv, 1e-15);
            close(s.incidence[0], f0, 1e-15);
            close(s.incidence[1], f1, 1e-15);
            // The endings and "still going" add up to one.
            close(s.survival + s.incidence[0] + s.incidence[1], 1.0, 1e-15);
        }
        // Variance of F0 at t = 1 by hand: n = 8, d = 2, d0 = 1, S(0) = 1:
        // 0 + 1·1·7/512 − 0 = 7/512.
        close(st[0].std_err[0], (7.0_f64 / 512.0).sqrt(), 1e-15);
        // At t = 3 (rows t=1 and t=3; t=2 has no ending):
        // row 1: gap 17/40 − 5/40 = 12/40: (0.3)²·2/(8·6) + 7/512 − 2·0.3·1/64;
        // row 3: gap 0: 0 + (3/4)²·2·3/125 − 0.
        let v: f64 = 0.09 * 2.0 / 48.0 + 7.0 / 512.0 - 0.6 / 64.0 + 0.5625 * 6.0 / 125.0;
        close(st[2].std_err[0], v.sqrt(), 1e-15);
        // Band at t = 3 on the log(−log) scale by hand.
        let f = 17.0_f64 / 40.0;
        let se_t = v.sqrt() / (f * f.ln().abs());
        close(st[2].lower[0], f.powf((Z95 * se_t).exp()), 1e-15);
        close(st[2].upper[0], f.powf((-Z95 * se_t).exp()), 1e-15);
        assert!(st[2].lower[0] < f && f < st[2].upper[0]);
        // Median time to ending 0: F0 = 29/40 >= 1/2 first at t = 6.
        assert_eq!(median_incidence(&st, 0), Some(6.0));
        assert_eq!(median_incidence(&st, 1), None);
        close(incidence_at(&st, 0, 5), 17.0 / 40.0, 1e-15);
        assert_eq!(incidence_at(&st, 0, 0), 0.0);
    }

    #[test]
    fn without_censoring_it_is_the_share_and_the_binomial_variance() {
        // Ten subjects followed to the end: F_k(t) is the share that ended
        // in way k by t, and the delta-method variance is F(1 − F)/n.
        let obs = [
            (1, Some(0)),
            (1, Some(1)),
            (2, Some(0)),
            (3, Some(1)),
            (3, Some(1)),
            (4, Some(0)),
            (5, Some(0)),
            (5, Some(0)),
            (6, Some(1)),
            (7, Some(0)),
        ];
        let st = aalen_johansen_obs::<2>(&obs, Z95);
        for s in &st {
            for k in 0..2 {
                let ended = obs
                    .iter()
                    .filter(|(t, e)| *t <= s.time && *e == Some(k))
                    .count() as f64;
                let share = ended / 10.0;
                close(s.incidence[k], share, 1e-15);
                close(s.std_err[k], (share * (1.0 - share) / 10.0).sqrt(), 1e-15);
            }
        }
        // F0 = 1/10, 2/10, 2/10, 3/10, 5/10 (t = 5), 5/10, 6/10: one half
        // (up to rounding: 0.5000000000000001) from t = 5 until it rises
        // at t = 7, so the median is 6 — the tolerance makes the tie.
        close(st[4].incidence[0], 0.5, 1e-15);
        assert_eq!(median_incidence(&st, 0), Some(6.0));
    }

    #[test]
    fn one_ending_is_one_minus_kaplan_meier() {
        // With a single kind of ending, F = 1 − S(KM) and the variance is
        // Greenwood's: the estimator generalises Kaplan–Meier.
        let obs: Vec<(u32, bool)> = vec![
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
            (22, true),
            (23, true),
            (25, false),
        ];
        let km = super::super::kaplan_meier(&obs);
        let aj = aalen_johansen_obs::<1>(
            &obs.iter()
                .map(|&(t, e)| (t, e.then_some(0)))
                .collect::<Vec<_>>(),
            Z95,
        );
        assert_eq!(km.len(), aj.len());
        for (k, a) in km.iter().zip(&aj) {
            close(a.incidence[0], 1.0 - k.survival, 1e-14);
            close(a.survival, k.survival, 1e-14);
            if k.survival > 0.0 {
                close(a.std_err[0], k.std_err, 1e-14);
            }
        }
    }

    /// Marubini & Valsecchi (1995, *Analysing Survival Data from Clinical
    /// Trials and Observational Studies*, Table 10.1): 35 patients, 10
    /// failures of type 1, 20 of type 2, 5 censored (times in days). The
    /// same data are SAS's LIFETEST sample LIFTCRSK, which reproduces the
    /// book's competing-risks analysis.
    fn marubini_valsecchi() -> Vec<(u32, Option<usize>)> {
        let type1 = [1, 13, 17, 30, 34, 41, 78, 100, 119, 169];
        let type2 = [
            1, 6, 8, 13, 13, 15, 33, 37, 44, 45, 63, 80, 89, 89, 91, 132, 144, 171, 183, 240,
        ];
        let censored = [34, 60, 63, 149, 207];
        let mut v: Vec<(u32, Option<usize>)> = Vec::new();
        v.extend(type1.iter().map(|&t| (t, Some(0))));
        v.extend(type2.iter().map(|&t| (t, Some(1))));
        v.extend(censored.iter().map(|&t| (t, None)));
        v
    }

    #[test]
    fn marubini_valsecchi_worked_example() {
        let st = aalen_johansen_obs::<2>(&marubini_valsecchi(), Z95);
        let at = |t: u32| st.iter().find(|s| s.time == t).unwrap();
        // By hand: t = 1, n = 35, one failure of each type: F1 = F2 = 1/35,
        // Var = 1·34/35³ (the first and third terms vanish at the first
        // time), se = 0.028160.
        close(at(1).incidence[0], 1.0 / 35.0, 1e-15);
        close(at(1).incidence[1], 1.0 / 35.0, 1e-15);
        close(
            at(1).std_err[0],
            (34.0_f64 / 35.0_f64.powi(3)).sqrt(),
            1e-15,
        );
        // t = 13: n = 31 (35 − 2 at t=1, one at 6, one at 8); S(13−) =
        // 33/35·(1 − 1/33)·(1 − 1/32) = 31/35, so F1 = 1/35 + 31/35·1/31 =
        // 2/35 and F2 = 3/35 + 31/35·2/31 = 1/7.
        assert_eq!((at(13).at_risk, at(13).events), (31, [1, 2]));
        close(at(13).incidence[0], 2.0 / 35.0, 1e-15);
        close(at(13).incidence[1], 1.0 / 7.0, 1e-15);
        // At t = 34 a type-1 failure and a censoring: the censored subject
        // counts as at risk at 34 and leaves after it.
        assert_eq!(
            (at(34).at_risk, at(34).events, at(34).censored),
            (24, [1, 0], 1)
        );
        assert_eq!(at(37).at_risk, 22);
        // Reference values from an independent implementation of the same
        // estimator in exact rational arithmetic (Python `fractions`), the
        // variance evaluated in floating point from the exact fractions:
        // (time, F1, F2, se F1, se F2).
        let reference = [
            (
                63,
                19.0 / 110.0,
                841.0 / 2618.0,
                0.064_184_684_424_830_18,
                0.080_065_808_174_863_78,
            ),
            (
                100,
                15721.0 / 65450.0,
                29857.0 / 65450.0,
                0.074_491_866_887_140_6,
                0.087_759_046_510_281_52,
            ),
            (
                169,
                14699.0 / 46750.0,
                34273.0 / 65450.0,
                0.083_309_248_947_951_57,
                0.088_478_685_806_961_57,
            ),
            (
                240,
                14699.0 / 46750.0,
                32051.0 / 46750.0,
                0.083_309_248_947_951_57,
                0.083_309_248_947_951_57,
            ),
        ];
        for (t, f1, f2, se1, se2) in reference {
            let s = at(t);
            close(s.incidence[0], f1, 1e-14);
            close(s.incidence[1], f2, 1e-14);
            close(s.std_err[0], se1, 1e-13);
            close(s.std_err[1], se2, 1e-13);
        }
        // Every subject counted once; at the last time nobody is left and
        // the two incidences add up to one.
        let ends: u64 = st
            .iter()
            .map(|s| s.events[0] + s.events[1] + s.censored)
            .sum();
        assert_eq!(ends, 35);
        let last = st.last().unwrap();
        assert_eq!(last.survival, 0.0);
        close(last.incidence[0] + last.incidence[1], 1.0, 1e-14);
        // 1 − KM with type 2 censored overstates type 1: at t = 169 it is
        // well above F1 = 0.314.
        let km = super::super::kaplan_meier(
            &marubini_valsecchi()
                .iter()
                .map(|&(t, e)| (t, e == Some(0)))
                .collect::<Vec<_>>(),
        );
        let one_minus_km = 1.0 - super::super::survival_at(&km, 169);
        assert!(one_minus_km > at(169).incidence[0] + 0.1, "{one_minus_km}");
        for s in &st {
            for k in 0..2 {
                assert!(s.lower[k] <= s.incidence[k] && s.incidence[k] <= s.upper[k]);
            }
        }
    }

    #[test]
    fn edge_cases() {
        assert!(aalen_johansen_obs::<2>(&[], Z95).is_empty());
        // Out of order: empty.
        let c = |t| CompetingCounts::<1> {
            time: t,
            events: [1],
            censored: 0,
        };
        assert!(aalen_johansen(&[c(2), c(1)], Z95).is_empty());
        // All censored: F = 0 throughout with a (0, 0) band.
        let st = aalen_johansen_obs::<2>(&[(3, None), (5, None)], Z95);
        assert!(
            st.iter()
                .all(|s| s.incidence == [0.0, 0.0] && s.upper == [0.0, 0.0])
        );
        assert_eq!(median_incidence(&st, 0), None);
        // Everybody ends the same way at once: F = 1, band (1, 1).
        let st = aalen_johansen_obs::<2>(&[(2, Some(1)), (2, Some(1))], Z95);
        assert_eq!(st[0].incidence, [0.0, 1.0]);
        assert_eq!((st[0].lower[1], st[0].upper[1]), (1.0, 1.0));
        assert_eq!(median_incidence(&st, 1), Some(2.0));
        assert_eq!(median_incidence(&st, 7), None);
        assert!(incidence_band(f64::NAN, 0.1, Z95).0.is_nan());
        assert_eq!(incidence_band(0.3, 0.0, Z95), (0.3, 0.3));
    }
}
