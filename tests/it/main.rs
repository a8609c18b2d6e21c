//! The one integration-test binary; each concern is a module.

mod ablation;
mod batch;
mod browser;
mod cli;
mod cluster;
mod condorcet;
mod explore;
mod fonts;
mod fuzz_corpus;
mod game;
mod hardening;
mod helpers_cli;
mod helpers_http;
mod hostile;
mod invariants;
mod lessons;
mod outputs;
mod plots;
mod power;
mod scenarios;
mod serve;
mod shards;
mod stats;
mod structure;
mod sweep;
mod theory;
