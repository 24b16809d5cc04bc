//! presigner-processor: the upload pipeline's Lambda. Each S3 upload under `uploads/` becomes
//! the image core's verified, metadata-free variants under `images/`, or a refusal; either
//! way a status object says which, and the upload's exact version is deleted.
//!
//! A pure core and a thin shell:
//!
//! - [`event`]: S3 notifications and EventBridge events, read defensively;
//! - [`key`]: the upload key `uploads/{folder}/{tweetId}` by the presigner's id rules, and
//!   the keys derived from it;
//! - [`plan`]: the image core's result → the PUTs and the DELETE to do (pure);
//! - [`http`] and [`store`]: the shell, presigned requests to S3 over one rustls client;
//! - [`pipeline`]: one event through all of it, with one log line per object.
//!
//! docs/pipeline.md has the protocol (order, write-once, idempotency, the status object).

#![warn(missing_docs)]

pub mod event;
pub mod http;
pub mod key;
pub mod pipeline;
pub mod plan;
pub mod store;

use presigner::config::{Config, ConfigError};
use presigner_s3::Presigner;

/// Reads the processor's settings through `lookup` (the environment): the presigner's own
/// `S3_BUCKET_NAME`, `AWS_REGION`, `S3_ENDPOINT_URL`, `S3_FORCE_PATH_STYLE` and the role's
/// credentials, checked by the same code, and makes the [`store::Store`] from them.
pub fn store_from_lookup(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<store::Store, ConfigError> {
    let config = Config::from_lookup(lookup)?;
    let presigner = Presigner::new(
        config.credentials,
        &config.region,
        config.endpoint,
        config.addressing_style,
    )
    .map_err(|e| ConfigError {
        variable: "AWS_REGION",
        problem: e.to_string(),
    })?;
    Ok(store::Store::new(presigner, config.bucket))
}
