//! The checks the fuzz targets run: the same files the stable tests use, so a property is
//! written once and a fuzzer's find replays in `cargo test`.

#[path = "../../tests/support/verifier.rs"]
pub mod verifier;

#[path = "../../tests/support/invariants.rs"]
pub mod invariants;
