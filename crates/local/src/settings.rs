//! The dev server's configuration: the Lambda's own variables, read and checked by the same
//! code ([`Config::from_lookup`]), except those that point at AWS, which the local run sets
//! itself and names at start when the environment sets them too.

use presigner::config::{Config, ConfigError};

use crate::origins::LocalOrigins;
use crate::EdgeSettings;

/// The variables the local run sets itself, and why; any other of the Lambda's variables
/// (`MAX_UPLOAD_BYTES`, the expiries, `DOWNLOAD_ACCESS`, ...) is honoured as deployed.
pub const SET_LOCALLY: &[(&str, &str)] = &[
    ("S3_BUCKET_NAME", "the local S3's bucket is presigner-local"),
    ("AWS_REGION", "the local run signs for us-east-1"),
    ("S3_ENDPOINT_URL", "URLs point at the local S3 (--s3-port)"),
    (
        "AWS_ACCESS_KEY_ID",
        "the local S3 checks its own fixed keys",
    ),
    (
        "AWS_SECRET_ACCESS_KEY",
        "the local S3 checks its own fixed keys",
    ),
    (
        "AWS_SESSION_TOKEN",
        "the local S3 checks its own fixed keys",
    ),
    (
        "CLOUDFRONT_DOMAIN",
        "--cloudfront makes a key pair and a local edge",
    ),
    (
        "CLOUDFRONT_KEY_PAIR_ID",
        "--cloudfront makes a key pair and a local edge",
    ),
    (
        "CLOUDFRONT_PRIVATE_KEY",
        "--cloudfront makes a key pair and a local edge",
    ),
];

/// The local run's settings.
#[derive(Debug)]
pub struct LocalSettings {
    /// The Lambda's configuration, pointed at the local S3 (and edge).
    pub config: Config,
    /// The variables the environment set that the local run replaced, with why.
    pub ignored: Vec<(&'static str, &'static str)>,
    /// The pages that may call: loopback, `--cors-origin`, and `CORS_ALLOW_ORIGIN` when set.
    pub origins: LocalOrigins,
}

/// Reads the Lambda's variables through `lookup` (the process environment, or a map in
/// tests), with those of [`SET_LOCALLY`] replaced by the local run's values for `s3_port`
/// (and `edge`); `origins` are the `--cors-origin` ones, to which `CORS_ALLOW_ORIGIN` adds.
pub fn local_settings(
    lookup: impl Fn(&str) -> Option<String>,
    s3_port: u16,
    edge: Option<&EdgeSettings>,
    origins: LocalOrigins,
) -> Result<LocalSettings, ConfigError> {
    let local = crate::lambda_env_with(s3_port, edge);
    let is_local = |name: &str| SET_LOCALLY.iter().any(|(n, _)| *n == name);
    let config = Config::from_lookup(|name| match local.iter().find(|(k, _)| *k == name) {
        Some((_, v)) => Some(v.clone()),
        None if is_local(name) => None,
        None => lookup(name),
    })?;
    let ignored = SET_LOCALLY
        .iter()
        .filter(|(name, _)| lookup(name).is_some_and(|v| !v.is_empty()))
        .copied()
        .collect();
    // `*` is the Lambda's default, so only an explicit value widens the local rule.
    let origins = match lookup("CORS_ALLOW_ORIGIN").filter(|v| !v.trim().is_empty()) {
        None => origins,
        Some(_) => origins
            .with(config.cors_allow_origin.as_str())
            .map_err(|e| ConfigError {
                variable: "CORS_ALLOW_ORIGIN",
                problem: e,
            })?,
    };
    Ok(LocalSettings {
        config,
        ignored,
        origins,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnyOrigin;
    use presigner::config::ImagePipeline;

    fn settings(env: &[(&str, &str)]) -> Result<LocalSettings, ConfigError> {
        local_settings(
            |name| {
                env.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            },
            9000,
            None,
            LocalOrigins::loopback(),
        )
    }

    #[test]
    fn the_lambdas_variables_are_honoured_and_those_for_aws_replaced_and_named() {
        let s = settings(&[
            ("MAX_UPLOAD_BYTES", "100"),
            ("URL_EXPIRES_SECONDS", "60"),
            ("DOWNLOAD_ACCESS", "owner"),
            ("S3_BUCKET_NAME", "my-real-bucket"),
            ("AWS_SESSION_TOKEN", "tok"),
            ("CORS_ALLOW_ORIGIN", "https://app.example.com"),
        ])
        .unwrap();
        assert_eq!(s.config.max_upload_bytes, 100);
        assert_eq!(s.config.expiry.secs(), 60);
        assert_eq!(s.config.bucket.as_str(), crate::BUCKET);
        assert_eq!(s.config.credentials.session_token(), None);
        assert_eq!(
            s.ignored.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            ["S3_BUCKET_NAME", "AWS_SESSION_TOKEN"]
        );
        assert!(s.origins.allows(b"https://app.example.com"));
        assert!(!s.origins.allows(b"https://other.example.com"));

        let e = settings(&[("MAX_UPLOAD_BYTES", "10MB")]).unwrap_err();
        assert_eq!(e.variable, "MAX_UPLOAD_BYTES");
        let s = settings(&[]).unwrap();
        assert!(s.ignored.is_empty());
        // The pipeline is on locally as deployed (the dev server runs the processor), and
        // the original contract one variable away.
        assert_eq!(s.config.image_pipeline, ImagePipeline::On);
        let s = settings(&[("IMAGE_PIPELINE", "off")]).unwrap();
        assert_eq!(s.config.image_pipeline, ImagePipeline::Off);
        let s = settings(&[]).unwrap();
        assert_eq!(s.origins, LocalOrigins::loopback());
        let s = settings(&[("CORS_ALLOW_ORIGIN", "*")]).unwrap();
        assert_eq!(s.origins.any(), AnyOrigin::Allowed);
    }
}
