//! Output at the edge: files written atomically, CSV tables.
pub mod files;
pub mod tables;
