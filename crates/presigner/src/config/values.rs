//! The checked values some settings become: who may read, the cache window, the upload
//! contract, anonymous callers, the CORS origin, the image pipeline.

use presigner_s3::Expiry;

use super::{DEFAULT_CACHE_WINDOW_SECONDS, MAX_PRESIGNED_SECONDS};

/// Whether uploads go through the image pipeline (`IMAGE_PIPELINE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImagePipeline {
    /// `on` (the default): uploads are signed for `uploads/{folder}/{tweetId}`, which the
    /// processor turns into verified variants under `images/{folder}/{tweetId}/`; downloads
    /// name a variant (`size`) and every answer carries the status object's URL.
    On,
    /// `off`: the original contract, `images/{folder}/{tweetId}.png` uploaded and read as it
    /// is, downloads answered as `image/png`.
    Off,
}

impl ImagePipeline {
    /// The setting's value.
    pub fn as_str(self) -> &'static str {
        match self {
            ImagePipeline::On => "on",
            ImagePipeline::Off => "off",
        }
    }
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
    /// header can carry, spelled as a browser serializes its origin (lowercase, no default
    /// port, a port from 1 to 65535 without leading zeros): a browser compares
    /// `Access-Control-Allow-Origin` with its origin byte for byte, so any other spelling of
    /// the same origin would never match.
    pub fn new(value: &str) -> Result<Self, String> {
        if value == "*" {
            return Ok(CorsOrigin::any());
        }
        let (scheme, default_port, rest) = if let Some(rest) = value.strip_prefix("https://") {
            ("https", "443", rest)
        } else if let Some(rest) = value.strip_prefix("http://") {
            ("http", "80", rest)
        } else {
            return Err(format!(
                "{value:?} must be * or an origin such as https://app.example.com"
            ));
        };
        let host_ok = !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b));
        if !host_ok {
            return Err(format!(
                "{value:?} must be * or an origin such as https://app.example.com (scheme and host, no path)"
            ));
        }
        // The host is a bracketed IPv6 address or has no `:`; what follows it is the port.
        let (host, port) = match rest.strip_prefix('[') {
            Some(v6) => match v6.split_once(']') {
                Some((address, port)) if !address.contains('[') => {
                    (&rest[..address.len() + 2], port)
                }
                _ => return Err(format!("{value:?}: the host's [ has no ]")),
            },
            None => rest.split_at(rest.find(':').unwrap_or(rest.len())),
        };
        let bracketed = host.starts_with('[');
        if host.is_empty() || host == "[]" || (!bracketed && host.contains(['[', ']'])) {
            return Err(format!("{value:?} has no host"));
        }
        let port = match port {
            "" => None,
            p => Some(p.strip_prefix(':').unwrap_or(p)),
        };
        if let Some(p) = port {
            let number_ok = !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && !p.starts_with('0')
                && p.parse::<u16>().is_ok();
            if !number_ok {
                return Err(format!(
                    "{value:?}: the port must be a number from 1 to 65535 with no leading zero"
                ));
            }
        }
        let serialized = match port {
            Some(p) if p != default_port => format!("{scheme}://{}:{p}", host.to_ascii_lowercase()),
            _ => format!("{scheme}://{}", host.to_ascii_lowercase()),
        };
        if serialized != value {
            return Err(format!(
                "{value:?} is not spelled as a browser sends it: {serialized} (lowercase, no default port)"
            ));
        }
        Ok(CorsOrigin(value.to_owned()))
    }

    /// The header value.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
