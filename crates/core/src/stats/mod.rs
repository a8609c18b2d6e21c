//! Statistics for summarising Monte Carlo batches, one file per concern.
//!
//! # Why this module exists
//!
//! A coalition experiment produces thousands of independent (or, with common
//! random numbers, *paired*) replications. Reporting them honestly needs a
//! handful of well-understood estimators with uncertainty attached, each
//! tested against a published or hand-computed value so that the numbers in
//! the CSV files and plots are auditable:
//!
//! - [`special`]: the normal and Student t quantiles behind every interval;
//! - [`moments`]: running means and variances, mergeable across threads;
//! - [`intervals`]: a proportion's Wilson interval, a mean's t interval, and
//!   differences between two variants (paired or not);
//! - [`survival`]: Kaplan–Meier, for the question "how long does a coalition
//!   last, whatever ends it?";
//! - [`incidence`]: Aalen–Johansen cumulative incidence, for "how likely is
//!   each *ending* by week t?" when goal, sunset and dissolution compete;
//! - [`order`]: quantiles, the median and the Gini coefficient.
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

/// `assert_close!(a, b, tol)`: |a − b| ≤ tol, naming the expression that
/// missed (the unit tests of every module below).
#[cfg(test)]
macro_rules! assert_close {
    ($a:expr, $b:expr, $tol:expr) => {{
        let (a, b, tol) = ($a as f64, $b as f64, $tol as f64);
        assert!(
            (a - b).abs() <= tol,
            "{} = {a}, expected {b} ± {tol}",
            stringify!($a)
        );
    }};
}

/// What is printed instead of a confidence interval computed from a single
/// run (its bounds would be NaN, or an interval of zero width).
pub const NO_INTERVAL: &str = "no interval from one run";

pub mod incidence;
pub mod intervals;
pub mod moments;
pub mod order;
pub mod special;
pub mod survival;

pub use incidence::*;
pub use intervals::*;
pub use moments::*;
pub use order::*;
pub use special::*;
pub use survival::*;

/// Serialises an interval bound that is not a number (undefined: fewer than
/// two runs) as an empty CSV cell and a JSON `null`, never as `NaN`:
/// `#[serde(serialize_with = "crate::stats::blank_nan")]`.
pub fn blank_nan<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(*x)
    } else {
        s.serialize_none()
    }
}
