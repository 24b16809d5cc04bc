//! The Lambda's configuration: read from the environment once, at start-up, and checked then,
//! so a request never meets a bad setting.

use std::fmt;
use std::ops::RangeInclusive;

use presigner_s3::{AddressingStyle, Bucket, Endpoint, Expiry};
use presigner_sigv4::{self as sigv4, Credentials};

/// Uploads larger than this are refused unless `MAX_UPLOAD_BYTES` says otherwise (10 MiB).
pub const DEFAULT_MAX_UPLOAD_BYTES: u64 = 10 * 1024 * 1024;
/// The original's URL lifetime.
pub const DEFAULT_EXPIRES_SECONDS: u64 = 1800;
/// Upload URLs and forms are used seconds after they are handed out: they live this long
/// unless `UPLOAD_URL_EXPIRES_SECONDS` says otherwise (5 minutes). Under the open contract
/// (`REQUIRE_UPLOAD_CONSTRAINTS=false`) they keep the original's `URL_EXPIRES_SECONDS`.
pub const DEFAULT_UPLOAD_EXPIRES_SECONDS: u64 = 300;
/// S3 refuses single PUTs over 5 GiB.
pub const MAX_SINGLE_PUT_BYTES: u64 = 5 * 1024 * 1024 * 1024;
/// How many images one `download_urls` call may ask for unless `MAX_BATCH_IMAGES` says otherwise.
pub const DEFAULT_MAX_BATCH_IMAGES: usize = 100;
/// The most `MAX_BATCH_IMAGES` may be: the body limit is sized for this many items.
pub const MAX_BATCH_IMAGES: usize = 1000;
/// The default cache window: download URLs stay byte-identical for an hour.
pub const DEFAULT_CACHE_WINDOW_SECONDS: u32 = 3600;
/// SigV4's longest presigned lifetime, which a window plus the expiry must fit in (7 days).
const MAX_PRESIGNED_SECONDS: u32 = presigner_s3::MAX_EXPIRY_SECS as u32;

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
    /// `MAX_UPLOAD_BYTES`, default 10 MiB.
    pub max_upload_bytes: u64,
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

/// Where download URLs point.
#[derive(Debug, Clone)]
pub enum Downloads {
    /// S3 presigned GET URLs (the default).
    S3,
    /// CloudFront signed URLs, for a distribution in front of the bucket.
    #[cfg(feature = "cloudfront")]
    CloudFront(CloudFront),
}

/// A CloudFront distribution and the key its key group trusts. `Debug` shows no key.
#[cfg(feature = "cloudfront")]
#[derive(Debug, Clone)]
pub struct CloudFront {
    /// `https://{CLOUDFRONT_DOMAIN}` (or the `http://` loopback origin of a local edge).
    pub origin: String,
    /// The key pair ID and private key.
    pub signer: std::sync::Arc<presigner_cloudfront::Signer>,
}

#[cfg(feature = "cloudfront")]
impl CloudFront {
    /// Reads the three settings: all or none, each checked; errors name the variable and
    /// never show the key.
    fn from_settings(
        domain: Option<String>,
        key_pair_id: Option<String>,
        private_key: Option<String>,
    ) -> Result<Option<Self>, ConfigError> {
        let (domain, key_pair_id, private_key) = match (domain, key_pair_id, private_key) {
            (None, None, None) => return Ok(None),
            (Some(d), Some(k), Some(p)) => (d, k, p),
            (d, k, _) => {
                let missing = if d.is_none() {
                    "CLOUDFRONT_DOMAIN"
                } else if k.is_none() {
                    "CLOUDFRONT_KEY_PAIR_ID"
                } else {
                    "CLOUDFRONT_PRIVATE_KEY"
                };
                return Err(problem(
                    missing,
                    "is not set: CloudFront downloads need CLOUDFRONT_DOMAIN, CLOUDFRONT_KEY_PAIR_ID and CLOUDFRONT_PRIVATE_KEY together (or none of them, for S3 URLs)",
                ));
            }
        };
        let origin =
            cloudfront_origin(domain.trim()).map_err(|e| problem("CLOUDFRONT_DOMAIN", e))?;
        let key_pair_id = presigner_cloudfront::KeyPairId::new(key_pair_id.trim())
            .map_err(|e| problem("CLOUDFRONT_KEY_PAIR_ID", e))?;
        let key = presigner_cloudfront::PrivateKey::from_pem(&private_key)
            .map_err(|e| problem("CLOUDFRONT_PRIVATE_KEY", e))?;
        Ok(Some(CloudFront {
            origin,
            signer: std::sync::Arc::new(presigner_cloudfront::Signer::new(key_pair_id, key)),
        }))
    }
}

/// A build without the `cloudfront` feature refuses the settings rather than ignore them.
#[cfg(not(feature = "cloudfront"))]
fn no_cloudfront(
    domain: Option<String>,
    key_pair_id: Option<String>,
    private_key: Option<String>,
) -> Result<(), ConfigError> {
    let set = [
        ("CLOUDFRONT_DOMAIN", domain.is_some()),
        ("CLOUDFRONT_KEY_PAIR_ID", key_pair_id.is_some()),
        ("CLOUDFRONT_PRIVATE_KEY", private_key.is_some()),
    ];
    match set.iter().find(|(_, is_set)| *is_set) {
        Some((name, _)) => Err(problem(
            name,
            "is set, but this bootstrap was built without the cloudfront feature",
        )),
        None => Ok(()),
    }
}

/// `d111111abcdef8.cloudfront.net` (or `https://` before it, or an alternate domain) as
/// `https://d111111abcdef8.cloudfront.net`; `http://` only for a loopback local edge.
#[cfg(feature = "cloudfront")]
fn cloudfront_origin(value: &str) -> Result<String, String> {
    let (scheme, host) = if let Some(h) = value.strip_prefix("https://") {
        ("https", h)
    } else if let Some(h) = value.strip_prefix("http://") {
        ("http", h)
    } else {
        ("https", value)
    };
    let host = host.strip_suffix('/').unwrap_or(host);
    let (name, port) = match host.rsplit_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (host, None),
    };
    let name_ok = !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 5
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    // The value is never echoed: a key pasted into the wrong variable would reach the log.
    if !name_ok || !port_ok {
        return Err("is not a domain name: give the distribution's domain, such as d111111abcdef8.cloudfront.net (the value is not shown)".to_owned());
    }
    let loopback = matches!(name, "127.0.0.1" | "localhost");
    if scheme == "http" && !loopback {
        return Err(
            "must be an https domain: http:// is only for a local edge on 127.0.0.1 or localhost"
                .to_owned(),
        );
    }
    // CloudFront answers on 443 only, and a signed resource with a port would never match
    // the URL a browser sends (it drops :443).
    if scheme == "https" && port.is_some() {
        return Err("takes no port: CloudFront serves https on 443 (a port is only for a local edge over http://)".to_owned());
    }
    Ok(format!("{scheme}://{}", host.to_ascii_lowercase()))
}

/// Whose images a caller may get download URLs for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DownloadAccess {
    /// `signed-in`: any caller an authorizer vouched for may read any user's images (a
    /// signed-in timeline).
    SignedIn,
    /// `owner`: only the caller's own images.
    Owner,
    /// `anyone`: downloads need no authorizer (a public timeline); uploads still do.
    Anyone,
}

impl DownloadAccess {
    /// The setting's value.
    pub fn as_str(self) -> &'static str {
        match self {
            DownloadAccess::SignedIn => "signed-in",
            DownloadAccess::Owner => "owner",
            DownloadAccess::Anyone => "anyone",
        }
    }
}

/// How long download URLs stay byte-identical: each is signed at the start of the current
/// window, so a browser (or any HTTP cache) that saw it before can answer from its cache.
/// Zero turns it off: each URL is signed at the second it is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheWindow(u32);

impl CacheWindow {
    /// No window: every URL signed at the second it is asked for.
    pub const OFF: CacheWindow = CacheWindow(0);

    /// A window of `secs` seconds, which with `expiry` must fit in 7 days (SigV4's limit).
    pub fn new(secs: u32, expiry: Expiry) -> Result<Self, String> {
        let total = u64::from(secs) + u64::from(expiry.secs());
        if total > u64::from(MAX_PRESIGNED_SECONDS) {
            return Err(format!(
                "{secs} seconds plus URL_EXPIRES_SECONDS ({}) is {total}, over {MAX_PRESIGNED_SECONDS} (7 days, the longest a presigned URL lives); use at most {}",
                expiry.secs(),
                MAX_PRESIGNED_SECONDS - expiry.secs()
            ));
        }
        Ok(CacheWindow(secs))
    }

    /// The default window (an hour), shortened to what `expiry` leaves of 7 days.
    pub fn default_for(expiry: Expiry) -> Self {
        CacheWindow(DEFAULT_CACHE_WINDOW_SECONDS.min(MAX_PRESIGNED_SECONDS - expiry.secs()))
    }

    /// The window's length in seconds; 0 when off.
    pub fn secs(self) -> u32 {
        self.0
    }
}

/// What an upload URL must be signed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadUrls {
    /// An upload URL is signed only with a `contentType` and a `contentLength`, so it stores
    /// one image of a known size or nothing.
    Constrained,
    /// The original's open upload URLs: any type, up to 5 GiB.
    Open,
}

/// What a request with no authorizer identity gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnonymousCallers {
    /// A 401.
    Refused,
    /// The original's contract: the body's `userId` says who the caller is, so anyone can act
    /// as anyone.
    TrustBodyUserId,
}

/// The value of `Access-Control-Allow-Origin`: `*`, or one origin (`scheme://host[:port]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorsOrigin(String);

impl CorsOrigin {
    /// Any origin.
    pub fn any() -> Self {
        CorsOrigin("*".into())
    }

    /// Checks `value`: `*`, or `http[s]://host[:port]` with no path, made of characters a
    /// header can carry.
    pub fn new(value: &str) -> Result<Self, String> {
        if value == "*" {
            return Ok(CorsOrigin::any());
        }
        let rest = value
            .strip_prefix("https://")
            .or_else(|| value.strip_prefix("http://"))
            .ok_or_else(|| {
                format!("{value:?} must be * or an origin such as https://app.example.com")
            })?;
        let host_ok = !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        if !host_ok {
            return Err(format!(
                "{value:?} must be * or an origin such as https://app.example.com (scheme and host, no path)"
            ));
        }
        Ok(CorsOrigin(value.to_owned()))
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
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

fn problem(variable: &'static str, problem: impl fmt::Display) -> ConfigError {
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
mod tests {
    use super::*;
    use std::collections::HashMap;

    const SECRET: &str = "s3cr3t/VALUE+";

    fn env(extra: &[(&str, &str)]) -> HashMap<String, String> {
        let mut m: HashMap<String, String> = [
            ("S3_BUCKET_NAME", "my-bucket"),
            ("AWS_REGION", "ap-northeast-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in extra {
            m.insert(k.to_string(), v.to_string());
        }
        m
    }

    fn load(m: &HashMap<String, String>) -> Result<Config, ConfigError> {
        Config::from_lookup(|k| m.get(k).cloned())
    }

    #[test]
    fn defaults() {
        let c = load(&env(&[])).unwrap();
        assert_eq!(c.bucket.as_str(), "my-bucket");
        assert_eq!(
            c.endpoint.to_string(),
            "https://s3.ap-northeast-1.amazonaws.com"
        );
        assert_eq!(c.expiry.secs(), 1800);
        assert_eq!(c.addressing_style, AddressingStyle::Auto);
        assert_eq!(c.max_upload_bytes, 10 * 1024 * 1024);
        assert_eq!(c.credentials.session_token(), None);
        assert_eq!(c.upload_urls, UploadUrls::Constrained);
        assert_eq!(c.anonymous_callers, AnonymousCallers::Refused);
        assert_eq!(c.cors_allow_origin.as_str(), "*");
        assert_eq!(c.download_access, DownloadAccess::SignedIn);
        assert_eq!(c.cache_window.secs(), 3600);
        assert_eq!(c.max_batch_images, 100);
    }

    #[test]
    fn explicit_values() {
        let c = load(&env(&[
            ("S3_ENDPOINT_URL", "http://127.0.0.1:9000"),
            ("URL_EXPIRES_SECONDS", "604800"),
            ("S3_FORCE_PATH_STYLE", "TRUE"),
            ("MAX_UPLOAD_BYTES", "5120"),
            ("AWS_SESSION_TOKEN", "tok"),
            ("REQUIRE_UPLOAD_CONSTRAINTS", "false"),
            ("TRUST_BODY_USER_ID", "1"),
            ("CORS_ALLOW_ORIGIN", "https://app.example.com"),
            ("DOWNLOAD_ACCESS", "anyone"),
            ("URL_CACHE_WINDOW_SECONDS", "0"),
            ("MAX_BATCH_IMAGES", "1000"),
        ]))
        .unwrap();
        assert_eq!(c.download_access, DownloadAccess::Anyone);
        assert_eq!(c.cache_window, CacheWindow::OFF);
        assert_eq!(c.max_batch_images, 1000);
        assert_eq!(c.upload_urls, UploadUrls::Open);
        assert_eq!(c.anonymous_callers, AnonymousCallers::TrustBodyUserId);
        assert_eq!(c.cors_allow_origin.as_str(), "https://app.example.com");
        assert_eq!(c.endpoint.to_string(), "http://127.0.0.1:9000");
        assert_eq!(c.expiry.secs(), 604800);
        assert_eq!(c.addressing_style, AddressingStyle::Path);
        assert_eq!(c.max_upload_bytes, 5120);
        assert_eq!(c.credentials.session_token(), Some("tok"));
    }

    #[test]
    fn each_bad_setting_is_named() {
        let missing = |name: &str| {
            let mut m = env(&[]);
            m.remove(name);
            load(&m).unwrap_err()
        };
        for name in [
            "S3_BUCKET_NAME",
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            let e = missing(name);
            assert_eq!(e.to_string(), format!("{name}: is not set"));
        }
        for (name, value, says) in [
            ("S3_BUCKET_NAME", "Bad_Bucket", "invalid bucket name"),
            ("AWS_REGION", "ap northeast", "region"),
            ("S3_ENDPOINT_URL", "s3.example.com", "http:// or https://"),
            ("URL_EXPIRES_SECONDS", "0", "out of range"),
            ("URL_EXPIRES_SECONDS", "604801", "out of range"),
            ("URL_EXPIRES_SECONDS", "half an hour", "not a whole number"),
            ("S3_FORCE_PATH_STYLE", "yes", "not true or false"),
            ("MAX_UPLOAD_BYTES", "0", "from 1 to"),
            ("MAX_UPLOAD_BYTES", "10MB", "from 1 to"),
            ("AWS_ACCESS_KEY_ID", "AKID EXAMPLE", "access key id"),
            ("REQUIRE_UPLOAD_CONSTRAINTS", "no", "not true or false"),
            ("TRUST_BODY_USER_ID", "yes please", "not true or false"),
            ("DOWNLOAD_ACCESS", "everyone", "signed-in, owner or anyone"),
            ("DOWNLOAD_ACCESS", "Owner", "signed-in, owner or anyone"),
            ("URL_CACHE_WINDOW_SECONDS", "1h", "not a whole number"),
            ("URL_CACHE_WINDOW_SECONDS", "-1", "not a whole number"),
            ("URL_CACHE_WINDOW_SECONDS", "603001", "over 604800"),
            ("MAX_BATCH_IMAGES", "0", "from 1 to 1000"),
            ("MAX_BATCH_IMAGES", "1001", "from 1 to 1000"),
            (
                "CORS_ALLOW_ORIGIN",
                "app.example.com",
                "must be * or an origin",
            ),
            (
                "CORS_ALLOW_ORIGIN",
                "https://app.example.com/path",
                "no path",
            ),
            (
                "CORS_ALLOW_ORIGIN",
                "https://a.example\r\nX-Evil: 1",
                "no path",
            ),
        ] {
            let e = load(&env(&[(name, value)])).unwrap_err();
            assert_eq!(e.variable, name, "{value}");
            assert!(e.problem.contains(says), "{name}={value}: {e}");
            assert!(!e.to_string().contains(SECRET));
        }
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let c = load(&env(&[("AWS_SESSION_TOKEN", "session-token-value")])).unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains(SECRET) && !shown.contains("session-token-value"),
            "{shown}"
        );
    }
}
