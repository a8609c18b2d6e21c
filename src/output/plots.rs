//! Plot primitives.
