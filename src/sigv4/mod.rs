//! AWS Signature Version 4, query-string ("presigned URL") form.
//!
//! Pure: every input is a value (no clock, no environment, no I/O), and the algorithm is split
//! the way AWS documents it, with each intermediate returned so it can be checked against the
//! published vectors:
//!
//! 1. [canonical request](Presigned::canonical_request): method, canonical URI, canonical query
//!    string, canonical headers, signed headers, payload hash;
//! 2. [string to sign](Presigned::string_to_sign): algorithm, `X-Amz-Date`, credential scope,
//!    SHA-256 of the canonical request;
//! 3. [signing key](SigningKey): four chained HMACs over date, region, service, `aws4_request`;
//! 4. [signature](Presigned::signature): HMAC of the string to sign under the signing key.
//!
//! What differs between S3 and the generic services is data ([`Settings`]), so AWS's generic
//! suite and S3 run through the same code.
//!
//! ```
//! use presigner::sigv4::{Credentials, QueryRequest, Settings, Signer, SigningTime};
//! let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None).unwrap();
//! let signer = Signer::new(credentials, "us-east-1", "s3", Settings::S3).unwrap();
//! let request = QueryRequest {
//!     method: "GET",
//!     host: "examplebucket.s3.amazonaws.com",
//!     path: "/test.txt",
//!     query: &[],
//!     headers: &[],
//!     payload_hash: "UNSIGNED-PAYLOAD",
//!     expires_in: 86400,
//! };
//! let time = SigningTime::parse_amz_date("20130524T000000Z").unwrap();
//! let signed = signer.presign(&request, time).unwrap();
//! assert_eq!(signed.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
//! ```

mod canonical;
mod signing_key;
mod time;
pub mod uri_encode;

use std::fmt;

use sha2::{Digest, Sha256};

pub use self::signing_key::{SigningKey, SigningKeyCache};
pub use self::time::SigningTime;
use canonical::CanonicalQuery;

/// The only algorithm this crate signs with.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// Why a signing input was refused. Messages say what to fix and never carry a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The access key id is empty.
    EmptyAccessKeyId,
    /// The access key id has a character that cannot appear in a credential scope.
    InvalidAccessKeyId,
    /// The secret access key is empty.
    EmptySecretAccessKey,
    /// A session token was given but is empty.
    EmptySessionToken,
    /// The region is empty.
    EmptyRegion,
    /// The region has characters other than letters, digits, `-` and `_`.
    InvalidRegion(String),
    /// The service name is empty or has characters other than letters, digits, `-` and `_`.
    InvalidService(String),
    /// The HTTP method is not an uppercase token.
    InvalidMethod(String),
    /// The host is empty or has whitespace, control characters or `/`.
    InvalidHost,
    /// A header name is not an HTTP token.
    InvalidHeaderName(String),
    /// A header value has characters other than visible ASCII, spaces and tabs.
    InvalidHeaderValue(String),
    /// `host` was given among the extra headers; it is always signed from the request's host.
    HostHeaderGiven,
    /// An extra query parameter would collide with one the signer writes (`X-Amz-...`).
    ReservedQueryParameter(String),
    /// A signing time before 1970 or after 9999.
    TimeOutOfRange,
    /// A time that is not `YYYYMMDDTHHMMSSZ` or not a real date.
    InvalidAmzDate,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptyAccessKeyId => f.write_str("the access key id is empty"),
            Error::InvalidAccessKeyId => {
                f.write_str("the access key id may hold only letters, digits, '-', '_' and '.'")
            }
            Error::EmptySecretAccessKey => f.write_str("the secret access key is empty"),
            Error::EmptySessionToken => {
                f.write_str("the session token is empty: leave it out or give a value")
            }
            Error::EmptyRegion => f.write_str("the region is empty (for example us-east-1)"),
            Error::InvalidRegion(r) => write!(
                f,
                "region {r:?} may hold only letters, digits, '-' and '_' (for example us-east-1)"
            ),
            Error::InvalidService(s) => write!(
                f,
                "service {s:?} must be non-empty letters, digits, '-' and '_' (for example s3)"
            ),
            Error::InvalidMethod(m) => {
                write!(
                    f,
                    "HTTP method {m:?} must be an uppercase word such as GET or PUT"
                )
            }
            Error::InvalidHost => {
                f.write_str("the host must be a non-empty name or address, with no spaces or '/'")
            }
            Error::InvalidHeaderName(n) => write!(
                f,
                "header name {n:?} cannot be signed: use letters, digits and !#$%&'*+-.^_`|~"
            ),
            Error::InvalidHeaderValue(n) => write!(
                f,
                "the value of header {n:?} cannot be signed: use visible ASCII, spaces and tabs"
            ),
            Error::HostHeaderGiven => {
                f.write_str("do not pass a host header: the host is always signed from the URL")
            }
            Error::ReservedQueryParameter(p) => write!(
                f,
                "query parameter {p:?} is written by the signer itself and cannot be given"
            ),
            Error::TimeOutOfRange => f.write_str("the signing time must be between 1970 and 9999"),
            Error::InvalidAmzDate => f.write_str(
                "the time must be a real UTC time written YYYYMMDDTHHMMSSZ, e.g. 20130524T000000Z",
            ),
        }
    }
}

impl std::error::Error for Error {}

/// An access key id, its secret and, for temporary credentials, the session token.
///
/// `Debug` shows the key id (it appears in every URL anyway) and hides the rest.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
}

impl Credentials {
    /// Checks that each part is present; a session token, if given, must not be empty.
    pub fn new(
        access_key_id: impl Into<String>,
        secret_access_key: impl Into<String>,
        session_token: Option<String>,
    ) -> Result<Self, Error> {
        let access_key_id = access_key_id.into();
        let secret_access_key = secret_access_key.into();
        if access_key_id.is_empty() {
            return Err(Error::EmptyAccessKeyId);
        }
        let id_char = |b: u8| b.is_ascii_alphanumeric() || b"-_.".contains(&b);
        if !access_key_id.bytes().all(id_char) {
            return Err(Error::InvalidAccessKeyId);
        }
        if secret_access_key.is_empty() {
            return Err(Error::EmptySecretAccessKey);
        }
        if session_token.as_deref() == Some("") {
            return Err(Error::EmptySessionToken);
        }
        Ok(Credentials {
            access_key_id,
            secret_access_key,
            session_token,
        })
    }

    /// The access key id, as it appears in `X-Amz-Credential`.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The session token of temporary credentials, if any.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

/// How the canonical URI is encoded from the URL's path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UriEncoding {
    /// The path is signed as it appears in the URL (S3).
    Once,
    /// The URL's path is percent-encoded once more (every other service).
    Twice,
}

/// Where the session token goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionTokenPlacement {
    /// `X-Amz-Security-Token` is part of the canonical query and so of the signature (S3).
    Signed,
    /// It is appended to the URL after signing (a few services, e.g. IoT; `omit_session_token`
    /// in AWS's suite).
    AppendedAfterSigning,
}

/// The per-service rules of canonicalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Single (S3) or double URI encoding of the path.
    pub uri_encoding: UriEncoding,
    /// Remove dot segments and repeated `/` before encoding (never for S3).
    pub normalize_path: bool,
    /// Whether the session token is signed.
    pub session_token: SessionTokenPlacement,
}

impl Settings {
    /// S3: path signed as given, never normalised, token signed.
    pub const S3: Settings = Settings {
        uri_encoding: UriEncoding::Once,
        normalize_path: false,
        session_token: SessionTokenPlacement::Signed,
    };
    /// Every other service: path normalised and encoded twice, token signed.
    pub const GENERIC: Settings = Settings {
        uri_encoding: UriEncoding::Twice,
        normalize_path: true,
        session_token: SessionTokenPlacement::Signed,
    };
}

/// The parts of a request to presign. Plain borrowed values: building one costs nothing.
#[derive(Debug, Clone, Copy)]
pub struct QueryRequest<'a> {
    /// `GET`, `PUT`, ...
    pub method: &'a str,
    /// The `Host` header: the URL's host, with `:port` when it is not the scheme's default.
    pub host: &'a str,
    /// The path exactly as the URL will carry it (already encoded for S3).
    pub path: &'a str,
    /// Extra query parameters, decoded; the signer encodes them.
    pub query: &'a [(&'a str, &'a str)],
    /// Headers to sign besides `host`, as the client will send them.
    pub headers: &'a [(&'a str, &'a str)],
    /// Hex SHA-256 of the body, or `UNSIGNED-PAYLOAD`.
    pub payload_hash: &'a str,
    /// `X-Amz-Expires`, in seconds.
    pub expires_in: u32,
}

/// A signed request with every intermediate of the algorithm.
#[derive(Clone, PartialEq, Eq)]
pub struct Presigned {
    /// Step 1: the canonical request.
    pub canonical_request: String,
    /// Step 2: the string to sign.
    pub string_to_sign: String,
    /// Step 4: the hex signature.
    pub signature: String,
    /// `host;...`, the value of `X-Amz-SignedHeaders`.
    pub signed_headers: String,
    /// The URL's query string, encoded: the canonical query, then the session token when it is
    /// appended after signing, then `X-Amz-Signature`.
    pub query: String,
}

impl fmt::Debug for Presigned {
    // A presigned URL is a bearer credential until it expires: keep it out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presigned")
            .field("signed_headers", &self.signed_headers)
            .finish_non_exhaustive()
    }
}

/// Checks that `region` can stand in a credential scope: letters, digits, `-` and `_`.
pub fn check_region(region: &str) -> Result<(), Error> {
    if region.is_empty() {
        Err(Error::EmptyRegion)
    } else if !scope_word(region) {
        Err(Error::InvalidRegion(region.to_owned()))
    } else {
        Ok(())
    }
}

/// Signs query-string requests for one set of credentials, region and service, keeping the
/// signing key of the current day.
#[derive(Debug)]
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    settings: Settings,
    keys: SigningKeyCache,
}

fn scope_word(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

impl Signer {
    /// Checks region and service; the credentials were checked when made.
    pub fn new(
        credentials: Credentials,
        region: &str,
        service: &str,
        settings: Settings,
    ) -> Result<Self, Error> {
        check_region(region)?;
        if !scope_word(service) {
            return Err(Error::InvalidService(service.to_owned()));
        }
        Ok(Signer {
            credentials,
            region: region.to_owned(),
            service: service.to_owned(),
            settings,
            keys: SigningKeyCache::default(),
        })
    }

    /// The region in the credential scope.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The credentials this signer signs with.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    pub fn credential_scope(&self, time: SigningTime) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            time.date(),
            self.region,
            self.service
        )
    }

    /// The signing key for `time`'s day, from the cache when it holds that day's key.
    pub fn signing_key(&self, time: SigningTime) -> SigningKey {
        self.keys.get(
            &self.credentials.secret_access_key,
            time.date(),
            &self.region,
            &self.service,
        )
    }

    /// A freshly derived signing key for `time`'s day, bypassing the cache.
    pub fn derive_signing_key(&self, time: SigningTime) -> SigningKey {
        SigningKey::derive(
            &self.credentials.secret_access_key,
            time.date(),
            &self.region,
            &self.service,
        )
    }

    /// Presigns `request` at `time` with the day's cached signing key.
    pub fn presign(&self, request: &QueryRequest, time: SigningTime) -> Result<Presigned, Error> {
        self.presign_with_key(request, time, &self.signing_key(time))
    }

    /// Presigns `request` at `time` with `key`, which must be this signer's key for that day.
    pub fn presign_with_key(
        &self,
        request: &QueryRequest,
        time: SigningTime,
        key: &SigningKey,
    ) -> Result<Presigned, Error> {
        check_request(request)?;

        // Canonical headers: lowercase names, sorted (stably, so repeated names keep their
        // order), repeated names joined by ','.
        let mut headers: Vec<(String, &str)> = Vec::with_capacity(request.headers.len() + 1);
        headers.push(("host".to_owned(), request.host));
        for (name, value) in request.headers {
            headers.push((name.to_ascii_lowercase(), value));
        }
        headers.sort_by(|a, b| a.0.cmp(&b.0));
        let mut signed_headers = String::with_capacity(16 * headers.len());
        let mut canonical_headers = String::with_capacity(64 * headers.len());
        for (i, (name, value)) in headers.iter().enumerate() {
            let repeat = i > 0 && headers[i - 1].0 == *name;
            if repeat {
                canonical_headers.pop();
                canonical_headers.push(',');
            } else {
                if i > 0 {
                    signed_headers.push(';');
                }
                signed_headers.push_str(name);
                canonical_headers.push_str(name);
                canonical_headers.push(':');
            }
            canonical::push_header_value(&mut canonical_headers, value);
            canonical_headers.push('\n');
        }

        let credential = {
            let c = &self.credentials.access_key_id;
            let mut s = String::with_capacity(c.len() + 40);
            s.push_str(c);
            s.push('/');
            s.push_str(time.date());
            s.push('/');
            s.push_str(&self.region);
            s.push('/');
            s.push_str(&self.service);
            s.push_str("/aws4_request");
            s
        };
        let scope = &credential[self.credentials.access_key_id.len() + 1..];
        let expires = request.expires_in.to_string();
        let token = self.credentials.session_token.as_deref();
        let sign_token = self.settings.session_token == SessionTokenPlacement::Signed;

        let mut query = CanonicalQuery::with_capacity(
            request.query.len() + 6,
            256 + token.map_or(0, |t| t.len() * 3),
        );
        for (name, value) in request.query {
            query.push(name, value);
        }
        query.push("X-Amz-Algorithm", ALGORITHM);
        query.push("X-Amz-Credential", &credential);
        query.push("X-Amz-Date", time.amz_date());
        query.push("X-Amz-Expires", expires.as_str());
        if let (Some(token), true) = (token, sign_token) {
            query.push("X-Amz-Security-Token", token);
        }
        query.push("X-Amz-SignedHeaders", &signed_headers);
        let mut canonical_query = String::with_capacity(320);
        query.write_sorted(&mut canonical_query);

        let mut canonical_request = String::with_capacity(
            request.method.len()
                + request.path.len()
                + canonical_query.len()
                + canonical_headers.len()
                + signed_headers.len()
                + request.payload_hash.len()
                + 8,
        );
        canonical_request.push_str(request.method);
        canonical_request.push('\n');
        canonical::canonical_uri(
            &mut canonical_request,
            request.path,
            self.settings.normalize_path,
            self.settings.uri_encoding,
        );
        canonical_request.push('\n');
        canonical_request.push_str(&canonical_query);
        canonical_request.push('\n');
        canonical_request.push_str(&canonical_headers);
        canonical_request.push('\n');
        canonical_request.push_str(&signed_headers);
        canonical_request.push('\n');
        canonical_request.push_str(request.payload_hash);

        let mut string_to_sign = String::with_capacity(ALGORITHM.len() + scope.len() + 84);
        string_to_sign.push_str(ALGORITHM);
        string_to_sign.push('\n');
        string_to_sign.push_str(time.amz_date());
        string_to_sign.push('\n');
        string_to_sign.push_str(scope);
        string_to_sign.push('\n');
        string_to_sign.push_str(&hex::encode(Sha256::digest(canonical_request.as_bytes())));

        let signature = key.sign(&string_to_sign);

        let mut url_query = canonical_query;
        if let (Some(token), false) = (token, sign_token) {
            url_query.push_str("&X-Amz-Security-Token=");
            uri_encode::encode_into(&mut url_query, token, uri_encode::COMPONENT);
        }
        url_query.push_str("&X-Amz-Signature=");
        url_query.push_str(&signature);

        Ok(Presigned {
            canonical_request,
            string_to_sign,
            signature,
            signed_headers,
            query: url_query,
        })
    }
}

fn check_request(request: &QueryRequest) -> Result<(), Error> {
    let m = request.method;
    if m.is_empty() || !m.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(Error::InvalidMethod(m.to_owned()));
    }
    let h = request.host;
    if h.is_empty() || h.bytes().any(|b| b <= b' ' || b == b'/' || b == 0x7f) {
        return Err(Error::InvalidHost);
    }
    for (name, value) in request.headers {
        canonical::check_header_name(name)?;
        canonical::check_header_value(name, value)?;
    }
    for (name, _) in request.query {
        let reserved = [
            "X-Amz-Algorithm",
            "X-Amz-Credential",
            "X-Amz-Date",
            "X-Amz-Expires",
            "X-Amz-Security-Token",
            "X-Amz-SignedHeaders",
            "X-Amz-Signature",
        ];
        if reserved.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(Error::ReservedQueryParameter((*name).to_owned()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer(token: Option<&str>) -> Signer {
        let c = Credentials::new("AKIDEXAMPLE", "secret", token.map(str::to_owned)).unwrap();
        Signer::new(c, "us-east-1", "s3", Settings::S3).unwrap()
    }

    fn request<'a>() -> QueryRequest<'a> {
        QueryRequest {
            method: "GET",
            host: "example.com",
            path: "/a",
            query: &[],
            headers: &[],
            payload_hash: "UNSIGNED-PAYLOAD",
            expires_in: 60,
        }
    }

    #[test]
    fn credentials_refuse_empty_parts_and_hide_secrets() {
        assert_eq!(
            Credentials::new("", "s", None).unwrap_err(),
            Error::EmptyAccessKeyId
        );
        assert_eq!(
            Credentials::new("A", "", None).unwrap_err(),
            Error::EmptySecretAccessKey
        );
        assert_eq!(
            Credentials::new("A", "s", Some(String::new())).unwrap_err(),
            Error::EmptySessionToken
        );
        assert_eq!(
            Credentials::new("A/B", "s", None).unwrap_err(),
            Error::InvalidAccessKeyId
        );
        let c = Credentials::new("AKID", "topsecret", Some("tokenvalue".into())).unwrap();
        let shown = format!("{c:?}");
        assert!(shown.contains("AKID"));
        assert!(
            !shown.contains("topsecret") && !shown.contains("tokenvalue"),
            "{shown}"
        );
        let s = Signer::new(c, "us-east-1", "s3", Settings::S3).unwrap();
        let shown = format!("{s:?}");
        assert!(
            !shown.contains("topsecret") && !shown.contains("tokenvalue"),
            "{shown}"
        );
    }

    #[test]
    fn signer_refuses_bad_scope_parts() {
        let c = Credentials::new("A", "s", None).unwrap();
        assert_eq!(
            Signer::new(c.clone(), "", "s3", Settings::S3).unwrap_err(),
            Error::EmptyRegion
        );
        assert_eq!(
            Signer::new(c.clone(), "us/east", "s3", Settings::S3).unwrap_err(),
            Error::InvalidRegion("us/east".into())
        );
        assert_eq!(
            Signer::new(c, "us-east-1", "", Settings::S3).unwrap_err(),
            Error::InvalidService(String::new())
        );
    }

    #[test]
    fn request_checks_refuse_unsignable_parts() {
        let s = signer(None);
        let t = SigningTime::from_unix_seconds(0).unwrap();
        let r = QueryRequest {
            method: "get",
            ..request()
        };
        assert_eq!(
            s.presign(&r, t).unwrap_err(),
            Error::InvalidMethod("get".into())
        );
        let r = QueryRequest {
            host: "a b",
            ..request()
        };
        assert_eq!(s.presign(&r, t).unwrap_err(), Error::InvalidHost);
        let r = QueryRequest {
            headers: &[("content-type", "a\nb")],
            ..request()
        };
        assert_eq!(
            s.presign(&r, t).unwrap_err(),
            Error::InvalidHeaderValue("content-type".into())
        );
        let r = QueryRequest {
            query: &[("x-amz-signature", "x")],
            ..request()
        };
        assert_eq!(
            s.presign(&r, t).unwrap_err(),
            Error::ReservedQueryParameter("x-amz-signature".into())
        );
    }

    #[test]
    fn cached_and_fresh_keys_sign_alike() {
        let s = signer(Some("tok"));
        let t = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        let a = s.presign(&request(), t).unwrap();
        let b = s
            .presign_with_key(&request(), t, &s.derive_signing_key(t))
            .unwrap();
        assert_eq!(a, b);
        assert!(a.query.contains("X-Amz-Security-Token=tok&"));
        assert!(!format!("{a:?}").contains(&a.signature));
    }
}
