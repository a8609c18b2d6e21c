//! Power indices of weighted voting games (Shapley–Shubik, Banzhaf).
pub mod cli;
