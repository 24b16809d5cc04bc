//! The fuzz targets check the properties in `presigner-test-support` (tests/support), the same
//! ones the stable test run applies to every fixture, hostile event and past find.

pub use presigner_test_support::{images, invariants, verifier};

pub mod processor;
