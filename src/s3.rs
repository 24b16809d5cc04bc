//! S3's rules on top of [`sigv4`](crate::sigv4): bucket names, object keys, addressing style,
//! endpoints, `UNSIGNED-PAYLOAD` and the 7-day limit, giving presigned object URLs.
//!
//! ```
//! use presigner::s3::{Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner};
//! use presigner::sigv4::{Credentials, SigningTime};
//!
//! let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
//! let presigner = Presigner::new(credentials, "us-east-1", Endpoint::parse("https://s3.amazonaws.com")?, false)?;
//! let bucket = Bucket::new("examplebucket")?;
//! let key = ObjectKey::new("test.txt")?;
//! let request = ObjectRequest::new(Method::Get, &bucket, &key, Expiry::from_secs(86400)?);
//! let time = SigningTime::parse_amz_date("20130524T000000Z")?;
//! let url = presigner.presign(&request, time)?;
//! assert!(url.starts_with("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm="));
//! assert!(url.ends_with("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod post;

use std::fmt;

use crate::sigv4::{self, uri_encode, Credentials, QueryRequest, Settings, Signer, SigningTime};

/// The payload hash of every presigned S3 URL: the body is not known when signing.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// Why an S3 input was refused. Messages say what to fix and never carry a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The bucket name breaks S3's naming rules; the text says which.
    InvalidBucket(String, &'static str),
    /// The object key is empty.
    EmptyKey,
    /// The object key is longer than 1024 bytes (its length is given).
    KeyTooLong(usize),
    /// The expiry is outside 1..=604800 seconds (the value is given).
    ExpiryOutOfRange(u64),
    /// The endpoint URL cannot be used; the text says why.
    InvalidEndpoint(&'static str),
    /// A POST policy's `content-length-range` has its minimum above its maximum.
    InvalidLengthRange(u64, u64),
    /// A signing input was refused.
    Signing(sigv4::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidBucket(name, why) => write!(f, "invalid bucket name {name:?}: {why}"),
            Error::EmptyKey => f.write_str("the object key is empty"),
            Error::KeyTooLong(n) => {
                write!(
                    f,
                    "the object key is {n} bytes long; S3 allows at most {MAX_KEY_BYTES}"
                )
            }
            Error::ExpiryOutOfRange(n) => write!(
                f,
                "expiry {n} s is out of range: give 1 to {MAX_EXPIRY_SECS} seconds (7 days)"
            ),
            Error::InvalidEndpoint(why) => write!(f, "invalid endpoint URL: {why}"),
            Error::InvalidLengthRange(min, max) => write!(
                f,
                "the content length range {min}..={max} is empty: give the smallest size first"
            ),
            Error::Signing(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {}

impl From<sigv4::Error> for Error {
    fn from(e: sigv4::Error) -> Self {
        Error::Signing(e)
    }
}

/// A bucket name that follows S3's rules for general purpose buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket(String);

impl Bucket {
    /// Checks `name`: 3 to 63 lowercase letters, digits, `.` and `-`; starting and ending
    /// with a letter or digit; no `..`; not an IPv4 address; none of S3's reserved prefixes
    /// and suffixes.
    pub fn new(name: impl Into<String>) -> Result<Self, Error> {
        let name = name.into();
        let fail = |why| Err(Error::InvalidBucket(name.clone(), why));
        if !(3..=63).contains(&name.len()) {
            return fail("must be 3 to 63 characters long");
        }
        let b = name.as_bytes();
        let allowed =
            |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-';
        if !b.iter().all(allowed) {
            return fail("may hold only lowercase letters, digits, '.' and '-'");
        }
        let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
        if !alnum(b[0]) || !alnum(b[b.len() - 1]) {
            return fail("must start and end with a letter or digit");
        }
        if name.contains("..") || name.contains(".-") || name.contains("-.") {
            return fail("must not hold '..', '.-' or '-.'");
        }
        if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
            return fail("must not be formatted as an IP address");
        }
        for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
            if name.starts_with(prefix) {
                return fail(
                    "must not start with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)",
                );
            }
        }
        for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
            if name.ends_with(suffix) {
                return fail("must not end with a suffix S3 reserves (-s3alias, --ol-s3, .mrap, --x-s3, --table-s3)");
            }
        }
        Ok(Bucket(name))
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Keys longer than this are refused by S3.
pub const MAX_KEY_BYTES: usize = 1024;

/// An object key: 1 to 1024 bytes of UTF-8, signed exactly as given (never normalised).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectKey(String);

impl ObjectKey {
    /// Checks the length; every other byte sequence is a valid key.
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        let key = key.into();
        if key.is_empty() {
            return Err(Error::EmptyKey);
        }
        if key.len() > MAX_KEY_BYTES {
            return Err(Error::KeyTooLong(key.len()));
        }
        Ok(ObjectKey(key))
    }

    /// The key, decoded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// S3 refuses presigned URLs that live longer than this (7 days).
pub const MAX_EXPIRY_SECS: u64 = 604_800;

/// How long a URL stays valid: 1 to 604800 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry(u32);

impl Expiry {
    /// Checks the range.
    pub fn from_secs(secs: u64) -> Result<Self, Error> {
        if (1..=MAX_EXPIRY_SECS).contains(&secs) {
            Ok(Expiry(secs as u32))
        } else {
            Err(Error::ExpiryOutOfRange(secs))
        }
    }

    /// The seconds.
    pub fn secs(self) -> u32 {
        self.0
    }
}

/// The HTTP methods a presigned object URL is made for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Download.
    Get,
    /// Upload.
    Put,
    /// Metadata only.
    Head,
    /// Removal.
    Delete,
}

impl Method {
    /// `GET`, `PUT`, `HEAD` or `DELETE`.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Head => "HEAD",
            Method::Delete => "DELETE",
        }
    }
}

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    /// Plain HTTP (local servers).
    Http,
    /// TLS.
    Https,
}

impl Scheme {
    /// `http://` or `https://`: how a URL with this scheme starts.
    pub fn prefix(self) -> &'static str {
        match self {
            Scheme::Http => "http://",
            Scheme::Https => "https://",
        }
    }
}

/// Where S3 answers: scheme, host and port, with no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    scheme: Scheme,
    host: String,
    port: Option<u16>,
}

impl Endpoint {
    /// The regional endpoint `https://s3.{region}.amazonaws.com` (never the global one, whose
    /// redirects for new buckets break browsers' CORS preflight).
    pub fn regional(region: &str) -> Result<Self, Error> {
        sigv4::check_region(region)?;
        Endpoint::parse(&format!("https://s3.{region}.amazonaws.com"))
    }

    /// Parses `http[s]://host[:port][/]`; a default port (80, 443) is dropped.
    pub fn parse(url: &str) -> Result<Self, Error> {
        let (scheme, rest) = if let Some(rest) = url.strip_prefix("https://") {
            (Scheme::Https, rest)
        } else if let Some(rest) = url.strip_prefix("http://") {
            (Scheme::Http, rest)
        } else {
            return Err(Error::InvalidEndpoint(
                "it must start with http:// or https://",
            ));
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.contains(['/', '?', '#']) {
            return Err(Error::InvalidEndpoint(
                "it must have no path, query or fragment",
            ));
        }
        if authority.contains('@') {
            return Err(Error::InvalidEndpoint(
                "it must not carry a user name or password",
            ));
        }
        let (host, port) = match authority.rfind(':') {
            Some(i) if !authority[i..].contains(']') => {
                let port = authority[i + 1..]
                    .parse::<u16>()
                    .ok()
                    .filter(|p| *p != 0)
                    .ok_or(Error::InvalidEndpoint(
                        "the port must be a number from 1 to 65535",
                    ))?;
                (&authority[..i], Some(port))
            }
            _ => (authority, None),
        };
        let name_ok = !host.is_empty()
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
        let ipv6_ok = host.len() > 2
            && host.starts_with('[')
            && host.ends_with(']')
            && host[1..host.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !name_ok && !ipv6_ok {
            return Err(Error::InvalidEndpoint(
                "the host must be a DNS name or an IP address",
            ));
        }
        let default_port = match scheme {
            Scheme::Http => 80,
            Scheme::Https => 443,
        };
        Ok(Endpoint {
            scheme,
            host: host.to_ascii_lowercase(),
            port: port.filter(|p| *p != default_port),
        })
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The host, without port.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    fn is_ip_literal(&self) -> bool {
        self.host.starts_with('[') || self.host.parse::<std::net::Ipv4Addr>().is_ok()
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.scheme.prefix(), self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        Ok(())
    }
}

/// Where the bucket name goes in the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// `https://bucket.endpoint/key`.
    VirtualHosted,
    /// `https://endpoint/bucket/key`.
    Path,
}

/// What to presign: method, object, lifetime and, optionally, headers the client must send
/// (e.g. `content-type`, `content-length`) and extra query parameters (e.g.
/// `response-content-disposition`), all signed.
#[derive(Debug, Clone, Copy)]
pub struct ObjectRequest<'a> {
    /// The method the URL is good for.
    pub method: Method,
    /// The bucket.
    pub bucket: &'a Bucket,
    /// The key.
    pub key: &'a ObjectKey,
    /// The lifetime.
    pub expiry: Expiry,
    /// Headers to sign besides `host`.
    pub headers: &'a [(&'a str, &'a str)],
    /// Query parameters to sign, decoded.
    pub query: &'a [(&'a str, &'a str)],
}

impl<'a> ObjectRequest<'a> {
    /// A request with no extra headers or query parameters.
    pub fn new(method: Method, bucket: &'a Bucket, key: &'a ObjectKey, expiry: Expiry) -> Self {
        ObjectRequest {
            method,
            bucket,
            key,
            expiry,
            headers: &[],
            query: &[],
        }
    }
}

/// A presigned URL and the signing intermediates behind it.
#[derive(Clone)]
pub struct PresignedUrl {
    /// The URL to hand to the client.
    pub url: String,
    /// The canonical request, string to sign and signature.
    pub trace: sigv4::Trace,
}

impl fmt::Debug for PresignedUrl {
    // The URL is a bearer credential until it expires.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PresignedUrl(<redacted>)")
    }
}

/// Presigns object URLs for one set of credentials, region and endpoint.
#[derive(Debug)]
pub struct Presigner {
    signer: Signer,
    endpoint: Endpoint,
    force_path_style: bool,
}

impl Presigner {
    /// `force_path_style` puts every bucket in the path; without it, path style is still used
    /// where virtual hosting cannot work (a bucket with dots over https, an IP endpoint).
    pub fn new(
        credentials: Credentials,
        region: &str,
        endpoint: Endpoint,
        force_path_style: bool,
    ) -> Result<Self, Error> {
        Ok(Presigner {
            signer: Signer::new(credentials, region, "s3", Settings::S3)?,
            endpoint,
            force_path_style,
        })
    }

    /// The underlying SigV4 signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The endpoint URLs are made for.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The addressing style used for `bucket`.
    pub fn addressing(&self, bucket: &Bucket) -> Addressing {
        let dotted_tls = bucket.0.contains('.') && self.endpoint.scheme == Scheme::Https;
        if self.force_path_style || dotted_tls || self.endpoint.is_ip_literal() {
            Addressing::Path
        } else {
            Addressing::VirtualHosted
        }
    }

    /// Appends where a request for `bucket` goes, `[bucket.]host[:port]`, and returns the
    /// addressing, which says whether the path must start with the bucket.
    fn push_authority(&self, out: &mut String, bucket: &Bucket) -> Addressing {
        let addressing = self.addressing(bucket);
        if addressing == Addressing::VirtualHosted {
            out.push_str(bucket.as_str());
            out.push('.');
        }
        out.push_str(&self.endpoint.host);
        if let Some(port) = self.endpoint.port {
            out.push(':');
            sigv4::push_decimal(out, u64::from(port));
        }
        addressing
    }

    /// The presigned URL for `request` at `time`, with the day's cached signing key.
    pub fn presign(&self, request: &ObjectRequest, time: SigningTime) -> Result<String, Error> {
        let key = self.signer.signing_key(time);
        self.presign_into(request, time, &key, None)
    }

    /// The presigned URL with a given signing key (benchmarks compare this with the cache).
    pub fn presign_with_key(
        &self,
        request: &ObjectRequest,
        time: SigningTime,
        key: &sigv4::SigningKey,
    ) -> Result<String, Error> {
        self.presign_into(request, time, key, None)
    }

    /// The presigned URL and every signing intermediate (for vectors and debugging).
    pub fn presign_traced(
        &self,
        request: &ObjectRequest,
        time: SigningTime,
    ) -> Result<PresignedUrl, Error> {
        let mut trace = sigv4::Trace::default();
        let key = self.signer.signing_key(time);
        let url = self.presign_into(request, time, &key, Some(&mut trace))?;
        Ok(PresignedUrl { url, trace })
    }

    fn presign_into(
        &self,
        request: &ObjectRequest,
        time: SigningTime,
        key: &sigv4::SigningKey,
        trace: Option<&mut sigv4::Trace>,
    ) -> Result<String, Error> {
        let bucket = request.bucket.as_str();
        let key_text = request.key.as_str();
        let endpoint = &self.endpoint;
        // Host (with any port) and path, side by side in this thread's reused buffer.
        let capacity = 2 * bucket.len() + endpoint.host.len() + 3 * key_text.len() + 10;
        sigv4::with_scratch(sigv4::Scratch::HostPath, capacity, |host_path| {
            let addressing = self.push_authority(host_path, request.bucket);
            let host_end = host_path.len();
            host_path.push('/');
            if addressing == Addressing::Path {
                host_path.push_str(bucket);
                host_path.push('/');
            }
            uri_encode::encode_path_into(host_path, key_text);
            let (host, path) = host_path.split_at(host_end);

            let scheme = endpoint.scheme.prefix();
            let mut url = String::with_capacity(scheme.len() + host_path.len() + 600);
            url.push_str(scheme);
            url.push_str(host_path);
            url.push('?');
            let query_request = QueryRequest {
                method: request.method.as_str(),
                host,
                path,
                query: request.query,
                headers: request.headers,
                payload_hash: UNSIGNED_PAYLOAD,
                expires_in: request.expiry.secs(),
            };
            self.signer
                .presign_query_into(&query_request, time, key, &mut url, trace)?;
            Ok(url)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_rules() {
        for ok in ["abc", "my-bucket", "my.bucket.name", "a1b", &"a".repeat(63)] {
            assert!(Bucket::new(ok).is_ok(), "{ok}");
        }
        for bad in [
            "ab",
            &"a".repeat(64),
            "My-Bucket",
            "my_bucket",
            "-abc",
            "abc.",
            "a..b",
            "a.-b",
            "192.168.5.4",
            "xn--abc",
            "abc-s3alias",
            "with space",
        ] {
            assert!(
                matches!(Bucket::new(bad), Err(Error::InvalidBucket(..))),
                "{bad}"
            );
        }
    }

    #[test]
    fn key_and_expiry_bounds() {
        assert_eq!(ObjectKey::new(""), Err(Error::EmptyKey));
        assert!(ObjectKey::new("a".repeat(1024)).is_ok());
        assert_eq!(
            ObjectKey::new("a".repeat(1025)),
            Err(Error::KeyTooLong(1025))
        );
        assert_eq!(Expiry::from_secs(0), Err(Error::ExpiryOutOfRange(0)));
        assert_eq!(Expiry::from_secs(1).unwrap().secs(), 1);
        assert_eq!(Expiry::from_secs(604_800).unwrap().secs(), 604_800);
        assert_eq!(
            Expiry::from_secs(604_801),
            Err(Error::ExpiryOutOfRange(604_801))
        );
    }

    #[test]
    fn endpoints_parse_and_drop_default_ports() {
        let e = Endpoint::parse("http://127.0.0.1:9000/").unwrap();
        assert_eq!((e.host(), e.port()), ("127.0.0.1", Some(9000)));
        assert_eq!(e.to_string(), "http://127.0.0.1:9000");
        let e = Endpoint::parse("https://S3.Example.com:443").unwrap();
        assert_eq!((e.host(), e.port()), ("s3.example.com", None));
        assert_eq!(
            Endpoint::parse("http://[::1]:9000").unwrap().port(),
            Some(9000)
        );
        for bad in [
            "s3.amazonaws.com",
            "ftp://x",
            "https://",
            "https://h/path",
            "https://u:p@h",
            "https://h:0",
            "https://h:99999",
            "https://h?x",
            "https://h_x",
        ] {
            assert!(
                matches!(Endpoint::parse(bad), Err(Error::InvalidEndpoint(_))),
                "{bad}"
            );
        }
        assert_eq!(
            Endpoint::regional("ap-northeast-1").unwrap().to_string(),
            "https://s3.ap-northeast-1.amazonaws.com"
        );
    }

    fn presigner(endpoint: &str, force: bool) -> Presigner {
        let c = Credentials::new("AKID", "secret", None).unwrap();
        Presigner::new(c, "us-east-1", Endpoint::parse(endpoint).unwrap(), force).unwrap()
    }

    #[test]
    fn addressing_style_choice() {
        let plain = Bucket::new("plain").unwrap();
        let dotted = Bucket::new("a.b.c").unwrap();
        let aws = presigner("https://s3.us-east-1.amazonaws.com", false);
        assert_eq!(aws.addressing(&plain), Addressing::VirtualHosted);
        assert_eq!(aws.addressing(&dotted), Addressing::Path);
        let local = presigner("http://localhost:9000", false);
        assert_eq!(local.addressing(&dotted), Addressing::VirtualHosted);
        assert_eq!(
            presigner("http://127.0.0.1:9000", false).addressing(&plain),
            Addressing::Path
        );
        assert_eq!(
            presigner("https://s3.example.com", true).addressing(&plain),
            Addressing::Path
        );
    }

    #[test]
    fn keys_are_encoded_once_and_never_normalised() {
        let p = presigner("http://localhost:9000", true);
        let bucket = Bucket::new("bkt").unwrap();
        let t = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        for (key, path) in [
            ("a//b", "/bkt/a//b"),
            ("./x/../y", "/bkt/./x/../y"),
            ("100%25 done+@=&", "/bkt/100%2525%20done%2B%40%3D%26"),
            ("ሴ~", "/bkt/%E1%88%B4~"),
        ] {
            let key = ObjectKey::new(key).unwrap();
            let expiry = Expiry::from_secs(60).unwrap();
            let url = p
                .presign_traced(&ObjectRequest::new(Method::Get, &bucket, &key, expiry), t)
                .unwrap();
            let expected = format!("http://localhost:9000{path}?");
            assert!(url.url.starts_with(&expected), "{}", url.url);
            assert_eq!(url.trace.canonical_request.lines().nth(1), Some(path));
            let fast = p.presign(&ObjectRequest::new(Method::Get, &bucket, &key, expiry), t);
            assert_eq!(fast.unwrap(), url.url, "the traced and fast paths agree");
        }
    }
}
