//! Exploratory modelling: which policy (decision rule, check-in cadence,
//! exit protocol, ...) is robust when the coalition's own numbers are
//! uncertain (`coalsim explore`).
//!
//! - [`design`]: where in the uncertainty space to run (Latin hypercube,
//!   scrambled Sobol, Saltelli, Morris).
//! - [`sensitivity`]: Sobol indices, Morris screening, binned first-order
//!   indices.
//! - [`prim`]: scenario discovery (PRIM boxes).

pub mod design;
pub mod prim;
pub mod sensitivity;
