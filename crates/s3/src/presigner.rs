//! Presigned object URLs: S3's rules applied, then the SigV4 signer.

use std::cell::Cell;
use std::fmt;
use std::fmt::Write as _;

use presigner_sigv4::{
    self as sigv4, uri_encode, Credentials, KeyReuse, QueryRequest, Settings, Signer, SigningTime,
};

use crate::{
    Addressing, AddressingStyle, Bucket, Endpoint, Error, Expiry, Method, ObjectKey, Scheme,
};

/// The payload hash of every presigned S3 URL: the body is not known when signing.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

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
    style: AddressingStyle,
}

impl Presigner {
    /// A presigner for S3 in `region` at `endpoint`, placing buckets as `style` says.
    pub fn new(
        credentials: Credentials,
        region: &str,
        endpoint: Endpoint,
        style: AddressingStyle,
    ) -> Result<Self, Error> {
        Ok(Presigner {
            signer: Signer::new(credentials, region, "s3", Settings::S3)?,
            endpoint,
            style,
        })
    }

    /// This presigner, keeping or not keeping the day's signing key (see [`KeyReuse`]).
    pub fn with_key_reuse(self, key_reuse: KeyReuse) -> Self {
        Presigner {
            signer: self.signer.with_key_reuse(key_reuse),
            ..self
        }
    }

    /// The underlying SigV4 signer.
    pub fn signer(&self) -> &Signer {
        &self.signer
    }

    /// The endpoint URLs are made for.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The addressing used for `bucket`.
    pub fn addressing(&self, bucket: &Bucket) -> Addressing {
        let dotted_tls = bucket.as_str().contains('.') && self.endpoint.scheme() == Scheme::Https;
        if self.style == AddressingStyle::Path || dotted_tls || self.endpoint.is_ip_literal() {
            Addressing::Path
        } else {
            Addressing::VirtualHosted
        }
    }

    /// Appends where a request for `bucket` goes, `[bucket.]host[:port]`, and returns the
    /// addressing, which says whether the path must start with the bucket.
    pub(crate) fn push_authority(&self, out: &mut String, bucket: &Bucket) -> Addressing {
        let addressing = self.addressing(bucket);
        if addressing == Addressing::VirtualHosted {
            out.push_str(bucket.as_str());
            out.push('.');
        }
        out.push_str(self.endpoint.host());
        if let Some(port) = self.endpoint.port() {
            let _ = write!(out, ":{port}");
        }
        addressing
    }

    /// The presigned URL for `request` at `time`.
    pub fn presign(&self, request: &ObjectRequest, time: SigningTime) -> Result<String, Error> {
        let mut url = String::new();
        self.presign_into(request, time, &mut url)?;
        Ok(url)
    }

    /// Appends the presigned URL for `request` at `time` to `out`, allocating nothing once
    /// `out` has room: for many URLs into one answer. On an error `out` may hold part of a
    /// URL.
    pub fn presign_into(
        &self,
        request: &ObjectRequest,
        time: SigningTime,
        out: &mut String,
    ) -> Result<(), Error> {
        self.with_host_and_path(request, |host_path, host_end| {
            let (host, path) = host_path.split_at(host_end);
            let scheme = self.endpoint.scheme().prefix();
            out.reserve(scheme.len() + host_path.len() + 600);
            out.push_str(scheme);
            out.push_str(host_path);
            out.push('?');
            self.signer
                .presign_into(&query_request(request, host, path), time, out)?;
            Ok(())
        })
    }

    /// The presigned URL and every signing intermediate (for vectors and debugging).
    pub fn presign_traced(
        &self,
        request: &ObjectRequest,
        time: SigningTime,
    ) -> Result<PresignedUrl, Error> {
        self.with_host_and_path(request, |host_path, host_end| {
            let (host, path) = host_path.split_at(host_end);
            let signed = self
                .signer
                .presign(&query_request(request, host, path), time)?;
            let url = format!(
                "{}{host_path}?{}",
                self.endpoint.scheme().prefix(),
                signed.query
            );
            Ok(PresignedUrl {
                url,
                trace: signed.trace,
            })
        })
    }

    /// Runs `f` with the URL's host (with any port) and path side by side in one string, and
    /// where the host ends, in this thread's reused buffer: the signer reads both while it
    /// writes the URL, so they cannot live in the URL itself.
    fn with_host_and_path<R>(
        &self,
        request: &ObjectRequest,
        f: impl FnOnce(&str, usize) -> Result<R, Error>,
    ) -> Result<R, Error> {
        thread_local! {
            static HOST_PATH: Cell<String> = const { Cell::new(String::new()) };
        }
        let bucket = request.bucket.as_str();
        let key = request.key.as_str();
        let mut host_path = HOST_PATH.try_with(Cell::take).unwrap_or_default();
        host_path.clear();
        host_path.reserve(2 * bucket.len() + self.endpoint.host().len() + 3 * key.len() + 10);
        let addressing = self.push_authority(&mut host_path, request.bucket);
        let host_end = host_path.len();
        host_path.push('/');
        if addressing == Addressing::Path {
            host_path.push_str(bucket);
            host_path.push('/');
        }
        uri_encode::encode_path_into(&mut host_path, key);
        let result = f(&host_path, host_end);
        let _ = HOST_PATH.try_with(|s| s.set(host_path));
        result
    }
}

fn query_request<'a>(
    request: &ObjectRequest<'a>,
    host: &'a str,
    path: &'a str,
) -> QueryRequest<'a> {
    QueryRequest {
        method: request.method.as_str(),
        host,
        path,
        query: request.query,
        headers: request.headers,
        payload_hash: UNSIGNED_PAYLOAD,
        expires_in: request.expiry.secs(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn presigner(endpoint: &str, style: AddressingStyle) -> Presigner {
        let c = Credentials::new("AKID", "secret", None).unwrap();
        Presigner::new(c, "us-east-1", Endpoint::parse(endpoint).unwrap(), style).unwrap()
    }

    #[test]
    fn addressing_style_choice() {
        let plain = Bucket::new("plain").unwrap();
        let dotted = Bucket::new("a.b.c").unwrap();
        let aws = presigner("https://s3.us-east-1.amazonaws.com", AddressingStyle::Auto);
        assert_eq!(aws.addressing(&plain), Addressing::VirtualHosted);
        assert_eq!(aws.addressing(&dotted), Addressing::Path);
        let local = presigner("http://localhost:9000", AddressingStyle::Auto);
        assert_eq!(local.addressing(&dotted), Addressing::VirtualHosted);
        assert_eq!(
            presigner("http://127.0.0.1:9000", AddressingStyle::Auto).addressing(&plain),
            Addressing::Path
        );
        assert_eq!(
            presigner("https://s3.example.com", AddressingStyle::Path).addressing(&plain),
            Addressing::Path
        );
    }

    #[test]
    fn keys_are_encoded_once_and_never_normalised() {
        let p = presigner("http://localhost:9000", AddressingStyle::Path);
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

    #[test]
    fn kept_and_fresh_keys_sign_alike() {
        let p = presigner("https://s3.us-east-1.amazonaws.com", AddressingStyle::Auto);
        let fresh = presigner("https://s3.us-east-1.amazonaws.com", AddressingStyle::Auto)
            .with_key_reuse(KeyReuse::Never);
        let (bucket, key) = (Bucket::new("bkt").unwrap(), ObjectKey::new("k").unwrap());
        let request = ObjectRequest::new(Method::Put, &bucket, &key, Expiry::from_secs(9).unwrap());
        let t = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        assert_eq!(
            p.presign(&request, t).unwrap(),
            fresh.presign(&request, t).unwrap()
        );
    }
}
