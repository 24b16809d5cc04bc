//! Shared by the integration tests; each test file uses some of it.
#![allow(dead_code)]

pub mod app;
pub mod binaries;
pub mod corpus;
pub mod edge;
pub mod events;
pub mod hostile;
pub mod http;
pub mod images;
pub mod invariants;
pub mod openapi;
pub mod runtime_api;
pub mod s3;
pub mod timeline;
pub mod verifier;

// docs/images.md's Rust example, compiled with the doc tests (its command is run by
// tests/images_cli.rs).
#[doc = include_str!("../../docs/images.md")]
#[cfg(doctest)]
pub struct ImagesDocDoctests;
