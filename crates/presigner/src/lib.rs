//! presigner: S3 presigned upload and download URLs, signed locally by our own SigV4 code.
//!
//! The Lambda's layers, on top of the signer crates (`presigner-sigv4`, the algorithm, and
//! `presigner-s3`, S3's rules), each depending only on the ones below it:
//!
//! - [`config`]: the Lambda's environment, read and checked once;
//! - [`api`]: the HTTP API the front end calls, a pure function of config, time and request;
//! - [`lambda`]: API Gateway / function URL events in and out of [`api`].
//!
//! The binary (`src/main.rs`) reads the environment once, then answers events.

#![warn(missing_docs)]

// The README's example, compiled and run with the doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

pub mod api;
pub mod config;
pub mod lambda;
