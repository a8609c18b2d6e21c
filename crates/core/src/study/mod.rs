//! The ways of running many simulations: a Monte Carlo [`batch`] of one
//! scenario, a [`compare`]d set of variants with common random numbers (the
//! grid of a [`sweep`]), an [`explore`]ation of uncertain inputs, the
//! [`lessons`] library with its [`ablation`]s and robustness checks, and
//! the [`fuzzing`] entry points. Each folds its runs into aggregates that
//! shards can merge; none of them touches a file.

pub mod ablation;
pub mod batch;
pub mod compare;
pub mod explore;
pub mod fuzzing;
pub mod lessons;
pub mod sweep;
