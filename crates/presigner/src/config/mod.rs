//! The Lambda's configuration: read from the environment once, at start-up, and checked then,
//! so a request never meets a bad setting.

use std::fmt;
use std::ops::RangeInclusive;

use presigner_s3::{AddressingStyle, Bucket, Endpoint, Expiry};
use presigner_sigv4::{self as sigv4, Credentials};

mod downloads;
mod values;

#[cfg(not(feature = "cloudfront"))]
use downloads::no_cloudfront;
#[cfg(feature = "cloudfront")]
pub use downloads::CloudFront;
pub use downloads::Downloads;
pub use values::{
    AnonymousCallers, CacheWindow, CorsOrigin, DownloadAccess, ImagePipeline, UploadUrls,
};

/// Uploads larger than this are refused unless `MAX_UPLOAD_BYTES` says otherwise (10 MiB).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;
/// The original's URL lifetime.
pub const DEFAULT_EXPIRES_SECONDS: u64 = 1800;
/// Upload URLs and forms are used seconds after they are handed out: they live this long
/// unless `UPLOAD_URL_EXPIRES_SECONDS` says otherwise (5 minutes). Under the open contract
/// (`REQUIRE_UPLOAD_CONSTRAINTS=false`) they keep the original's `URL_EXPIRES_SECONDS`.
pub const DEFAULT_UPLOAD_EXPIRES_SECONDS: u64 = 300;
/// The most `MAX_UPLOAD_BYTES` may be under the image pipeline: the image core refuses larger
/// uploads (`presigner_images::Limits::default().max_bytes`; the presigner does not depend on
/// the image core, so the figure is repeated here and a test holds the two equal).
pub const PIPELINE_MAX_UPLOAD_BYTES: u64 = 25 * 1024 * 1024;
/// S3 refuses single PUTs over 5 GiB.
pub const MAX_SINGLE_PUT_BYTES: u64 = 5 * 1024 * 1024 * 1024;
/// How many images one `download_urls` call may ask for unless `MAX_BATCH_IMAGES` says otherwise.
pub const DEFAULT_MAX_BATCH_IMAGES: usize = 100;
/// The most `MAX_BATCH_IMAGES` may be: the body limit is sized for this many items.
pub const MAX_BATCH_IMAGES: usize = 1000;
/// The default cache window: download URLs stay byte-identical for an hour.
pub const DEFAULT_CACHE_WINDOW_SECONDS: u32 = 3600;
/// SigV4's longest presigned lifetime, which a window plus the expiry must fit in (7 days).
pub(crate) const MAX_PRESIGNED_SECONDS: u32 = presigner_s3::MAX_EXPIRY_SECS as u32;

/// Everything the service needs, checked.
#[derive(Debug, Clone)]
pub struct Config {
    /// `S3_BUCKET_NAME`.
    pub bucket: Bucket,
    /// `AWS_REGION`.
    pub region: String,
    /// `S3_ENDPOINT_URL`, default `https://s3.{region}.amazonaws.com`.
    pub endpoint: Endpoint,
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`.
    pub credentials: Credentials,
    /// `URL_EXPIRES_SECONDS`, default 1800: download URLs.
    pub expiry: Expiry,
    /// `UPLOAD_URL_EXPIRES_SECONDS`, default 300 (under the open contract,
    /// `URL_EXPIRES_SECONDS`): upload URLs and forms.
    pub upload_expiry: Expiry,
    /// `S3_FORCE_PATH_STYLE`: `true` is [`AddressingStyle::Path`]; default
    /// [`AddressingStyle::Auto`].
    pub addressing_style: AddressingStyle,
    /// `MAX_UPLOAD_BYTES`, default 10 MiB; at most 25 MiB under the pipeline.
    pub max_upload_bytes: u64,
    /// `IMAGE_PIPELINE`: `on` (the default) or `off` (the original contract).
    pub image_pipeline: ImagePipeline,
    /// `REQUIRE_UPLOAD_CONSTRAINTS`: `true` (the default) is [`UploadUrls::Constrained`],
    /// `false` [`UploadUrls::Open`].
    pub upload_urls: UploadUrls,
    /// `TRUST_BODY_USER_ID`: `false` (the default) is [`AnonymousCallers::Refused`], `true`
    /// [`AnonymousCallers::TrustBodyUserId`].
    pub anonymous_callers: AnonymousCallers,
    /// `CORS_ALLOW_ORIGIN`, default `*`: the `Access-Control-Allow-Origin` of every answer.
    pub cors_allow_origin: CorsOrigin,
    /// `DOWNLOAD_ACCESS`: `signed-in` (the default), `owner` or `anyone`.
    pub download_access: DownloadAccess,
    /// `URL_CACHE_WINDOW_SECONDS`, default 3600 (0 turns it off); with the expiry, at most
    /// 7 days. Left unset, it shrinks to what the expiry leaves of 7 days.
    pub cache_window: CacheWindow,
    /// `MAX_BATCH_IMAGES`, default 100, at most 1000: the most images one `download_urls`
    /// call may ask for.
    pub max_batch_images: usize,
    /// `CLOUDFRONT_DOMAIN`, `CLOUDFRONT_KEY_PAIR_ID` and `CLOUDFRONT_PRIVATE_KEY`: all three
    /// set make download URLs CloudFront signed URLs; none, S3 presigned URLs.
    pub downloads: Downloads,
}

/// A setting that is missing or wrong: names the variable and says what is wrong. Never
/// carries a secret's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The environment variable.
    pub variable: &'static str,
    /// What is wrong with it.
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

pub(super) fn problem(variable: &'static str, problem: impl fmt::Display) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.to_string(),
    }
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Config::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests). An empty value
    /// counts as unset.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.is_empty());
        let required = |name: &'static str| get(name).ok_or_else(|| problem(name, "is not set"));
        // `name` as a whole number in `range`, if set; `what` ends the message otherwise.
        let whole = |name: &'static str, range: RangeInclusive<u64>, what: &str| {
            get(name)
                .map(|v| match v.trim().parse::<u64>() {
                    Ok(n) if range.contains(&n) => Ok(n),
                    _ => Err(problem(name, format!("{v:?} is not a whole number {what}"))),
                })
                .transpose()
        };

        let bucket =
            Bucket::new(required("S3_BUCKET_NAME")?).map_err(|e| problem("S3_BUCKET_NAME", e))?;
        let region = required("AWS_REGION")?;
        sigv4::check_region(&region).map_err(|e| problem("AWS_REGION", e))?;
        let endpoint = match get("S3_ENDPOINT_URL") {
            Some(url) => Endpoint::parse(&url),
            None => Endpoint::regional(&region),
        }
        .map_err(|e| problem("S3_ENDPOINT_URL", e))?;

        let access_key_id = required("AWS_ACCESS_KEY_ID")?;
        let secret = required("AWS_SECRET_ACCESS_KEY")?;
        let credentials = Credentials::new(access_key_id, secret, get("AWS_SESSION_TOKEN"))
            .map_err(|e| {
                let variable = match e {
                    sigv4::Error::InvalidAccessKeyId | sigv4::Error::EmptyAccessKeyId => {
                        "AWS_ACCESS_KEY_ID"
                    }
                    sigv4::Error::EmptySecretAccessKey => "AWS_SECRET_ACCESS_KEY",
                    _ => "AWS_SESSION_TOKEN",
                };
                problem(variable, e)
            })?;

        let expiry = whole("URL_EXPIRES_SECONDS", 0..=u64::MAX, "of seconds")?
            .unwrap_or(DEFAULT_EXPIRES_SECONDS);
        let expiry = Expiry::from_secs(expiry).map_err(|e| problem("URL_EXPIRES_SECONDS", e))?;

        let flag = |name: &'static str, default: bool| match get(name).as_deref().map(str::trim) {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") || v == "1" => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") || v == "0" => Ok(false),
            Some(v) => Err(problem(name, format!("{v:?} is not true or false"))),
        };
        let addressing_style = match flag("S3_FORCE_PATH_STYLE", false)? {
            true => AddressingStyle::Path,
            false => AddressingStyle::Auto,
        };
        let upload_urls = match flag("REQUIRE_UPLOAD_CONSTRAINTS", true)? {
            true => UploadUrls::Constrained,
            false => UploadUrls::Open,
        };
        let anonymous_callers = match flag("TRUST_BODY_USER_ID", false)? {
            true => AnonymousCallers::TrustBodyUserId,
            false => AnonymousCallers::Refused,
        };
        let upload_expiry = match whole("UPLOAD_URL_EXPIRES_SECONDS", 0..=u64::MAX, "of seconds")? {
            Some(secs) => {
                Expiry::from_secs(secs).map_err(|e| problem("UPLOAD_URL_EXPIRES_SECONDS", e))?
            }
            None if upload_urls == UploadUrls::Open => expiry,
            None => Expiry::from_secs(DEFAULT_UPLOAD_EXPIRES_SECONDS)
                .map_err(|e| problem("UPLOAD_URL_EXPIRES_SECONDS", e))?,
        };
        let cors_allow_origin = match get("CORS_ALLOW_ORIGIN") {
            None => CorsOrigin::any(),
            Some(v) => CorsOrigin::new(v.trim()).map_err(|e| problem("CORS_ALLOW_ORIGIN", e))?,
        };

        let max_upload_bytes = whole(
            "MAX_UPLOAD_BYTES",
            1..=MAX_SINGLE_PUT_BYTES,
            &format!("of bytes from 1 to {MAX_SINGLE_PUT_BYTES} (5 GiB, S3's limit for one PUT)"),
        )?
        .unwrap_or(DEFAULT_MAX_UPLOAD_BYTES);
        let image_pipeline = match get("IMAGE_PIPELINE").as_deref().map(str::trim) {
            None | Some("on") => ImagePipeline::On,
            Some("off") => ImagePipeline::Off,
            Some(v) => {
                return Err(problem(
                    "IMAGE_PIPELINE",
                    format!("{v:?} must be on (uploads become verified variants) or off (the original contract: images stored and served as uploaded)"),
                ))
            }
        };
        if image_pipeline == ImagePipeline::On && max_upload_bytes > PIPELINE_MAX_UPLOAD_BYTES {
            return Err(problem(
                "MAX_UPLOAD_BYTES",
                format!("{max_upload_bytes} is over {PIPELINE_MAX_UPLOAD_BYTES} (25 MiB), the largest upload the image pipeline processes: use at most that, or IMAGE_PIPELINE=off"),
            ));
        }

        let download_access = match get("DOWNLOAD_ACCESS").as_deref().map(str::trim) {
            None | Some("signed-in") => DownloadAccess::SignedIn,
            Some("owner") => DownloadAccess::Owner,
            Some("anyone") => DownloadAccess::Anyone,
            Some(v) => {
                return Err(problem(
                    "DOWNLOAD_ACCESS",
                    format!("{v:?} must be signed-in, owner or anyone"),
                ))
            }
        };
        if download_access == DownloadAccess::Owner
            && anonymous_callers == AnonymousCallers::TrustBodyUserId
        {
            return Err(problem(
                "DOWNLOAD_ACCESS",
                "owner cannot hold with TRUST_BODY_USER_ID=true, where the body names the user: set an authorizer, or use signed-in or anyone",
            ));
        }
        let cache_window = match whole(
            "URL_CACHE_WINDOW_SECONDS",
            0..=u64::from(u32::MAX),
            "of seconds (0 turns the window off)",
        )? {
            None => CacheWindow::default_for(expiry),
            Some(secs) => CacheWindow::new(secs as u32, expiry)
                .map_err(|e| problem("URL_CACHE_WINDOW_SECONDS", e))?,
        };
        let max_batch_images = whole(
            "MAX_BATCH_IMAGES",
            1..=MAX_BATCH_IMAGES as u64,
            &format!("from 1 to {MAX_BATCH_IMAGES}"),
        )?
        .map_or(DEFAULT_MAX_BATCH_IMAGES, |n| n as usize);

        let cloudfront_settings = (
            get("CLOUDFRONT_DOMAIN"),
            get("CLOUDFRONT_KEY_PAIR_ID"),
            get("CLOUDFRONT_PRIVATE_KEY"),
        );
        #[cfg(feature = "cloudfront")]
        let downloads = {
            let (domain, key_pair_id, private_key) = cloudfront_settings;
            match CloudFront::from_settings(domain, key_pair_id, private_key)? {
                Some(cloudfront) => Downloads::CloudFront(cloudfront),
                None => Downloads::S3,
            }
        };
        #[cfg(not(feature = "cloudfront"))]
        let downloads = {
            let (domain, key_pair_id, private_key) = cloudfront_settings;
            no_cloudfront(domain, key_pair_id, private_key)?;
            Downloads::S3
        };

        Ok(Config {
            bucket,
            region,
            endpoint,
            credentials,
            expiry,
            upload_expiry,
            addressing_style,
            max_upload_bytes,
            image_pipeline,
            upload_urls,
            anonymous_callers,
            cors_allow_origin,
            download_access,
            cache_window,
            max_batch_images,
            downloads,
        })
    }
}

#[cfg(test)]
mod tests;
