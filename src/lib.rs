//! presigner: S3 presigned upload and download URLs, signed locally by our own SigV4 code.
//!
//! Layers, each depending only on the ones below it:
//!
//! - [`sigv4`]: the algorithm, pure (values in, strings out);
//! - [`s3`]: S3's rules (buckets, keys, addressing, expiry) on top of it;
//! - [`config`]: the Lambda's environment, read and checked once;
//! - [`api`]: the HTTP API the front end calls, a pure function of config, time and request;
//! - [`lambda`]: API Gateway / function URL events in and out of [`api`];
//! - `local` (feature `local`): the local run's S3 and HTTP servers.

pub mod api;
pub mod config;
pub mod lambda;
#[cfg(feature = "local")]
pub mod local;
pub mod s3;
pub mod sigv4;
