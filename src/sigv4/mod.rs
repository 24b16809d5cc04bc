//! AWS Signature Version 4, query-string ("presigned URL") form.
//!
//! Pure: every input is a value (no clock, no environment, no I/O), and the algorithm is split
//! the way AWS documents it, with each intermediate returned so it can be checked against the
//! published vectors:
//!
//! 1. [canonical request](Trace::canonical_request): method, canonical URI, canonical query
//!    string, canonical headers, signed headers, payload hash;
//! 2. [string to sign](Trace::string_to_sign): algorithm, `X-Amz-Date`, credential scope,
//!    SHA-256 of the canonical request;
//! 3. [signing key](SigningKey): four chained HMACs over date, region, service, `aws4_request`;
//! 4. [signature](Trace::signature): HMAC of the string to sign under the signing key.
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
//! assert_eq!(signed.trace.signature, "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404");
//! ```

mod canonical;
mod signing_key;
mod time;
pub mod uri_encode;

use std::fmt;

use std::borrow::Cow;

use hmac::Mac;
use sha2::{Digest, Sha256};

pub use self::signing_key::{SigningKey, SigningKeyCache};
pub use self::time::SigningTime;
use canonical::CanonicalQuery;
use uri_encode::{encode_component_into, COMPONENT};

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

/// A signed request: the URL's query string and every intermediate of the algorithm.
#[derive(Clone, PartialEq, Eq)]
pub struct Presigned {
    /// The URL's query string, encoded: the canonical query, then the session token when it is
    /// appended after signing, then `X-Amz-Signature`.
    pub query: String,
    /// The canonical request, string to sign, signature and signed headers.
    pub trace: Trace,
}

impl fmt::Debug for Presigned {
    // A presigned URL is a bearer credential until it expires: keep it out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Presigned")
            .field("trace", &self.trace)
            .finish_non_exhaustive()
    }
}

/// Checks that `value` can be sent as the value of header `name` and signed: visible ASCII,
/// spaces and tabs.
pub fn check_header_value(name: &str, value: &str) -> Result<(), Error> {
    canonical::check_header_value(name, value)
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
    /// What every URL repeats, encoded once here rather than per signature.
    encoded: Encoded,
}

/// `X-Amz-Credential` is `{key id}%2F{date}%2F{region}%2F{service}%2Faws4_request`; only the
/// date changes. The session token never does.
struct Encoded {
    credential_prefix: String,
    credential_suffix: String,
    scope_suffix: String,
    token: Option<String>,
}

impl fmt::Debug for Encoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a secret.
        f.write_str("Encoded(<redacted>)")
    }
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
        let encode = |s: &str| uri_encode::encode(s, COMPONENT);
        let encoded = Encoded {
            credential_prefix: format!("{}%2F", encode(&credentials.access_key_id)),
            credential_suffix: format!(
                "%2F{}%2F{}%2Faws4_request",
                encode(region),
                encode(service)
            ),
            scope_suffix: format!("/{region}/{service}/aws4_request"),
            token: credentials.session_token.as_deref().map(encode),
        };
        Ok(Signer {
            credentials,
            region: region.to_owned(),
            service: service.to_owned(),
            settings,
            keys: SigningKeyCache::default(),
            encoded,
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
        format!("{}{}", time.date(), self.encoded.scope_suffix)
    }

    /// `{access key id}/YYYYMMDD/region/service/aws4_request`, the credential as a POST form
    /// carries it (`x-amz-credential`), not encoded.
    pub fn credential(&self, time: SigningTime) -> String {
        let id = &self.credentials.access_key_id;
        let suffix = &self.encoded.scope_suffix;
        let mut out = String::with_capacity(id.len() + 9 + suffix.len());
        out.push_str(id);
        out.push('/');
        out.push_str(time.date());
        out.push_str(suffix);
        out
    }

    /// The signature of a browser-form (POST) upload: for SigV4 the string to sign is the
    /// base64-encoded policy document itself, signed with the signing key of the day in the
    /// policy's `x-amz-date`. Returns the `x-amz-signature` field, hex.
    ///
    /// ```
    /// use presigner::sigv4::{Credentials, Settings, Signer, SigningTime};
    /// // AWS's "Browser-Based Upload using HTTP POST" example signs a policy whose base64
    /// // starts "eyAiZXhwaXJhdGlvbiI6"; any base64 text signs the same way.
    /// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None).unwrap();
    /// let signer = Signer::new(credentials, "us-east-1", "s3", Settings::S3).unwrap();
    /// let time = SigningTime::parse_amz_date("20151229T000000Z").unwrap();
    /// let signature = signer.sign_post_policy("eyJ9", &signer.signing_key(time));
    /// assert_eq!(signature.len(), 64);
    /// assert_eq!(signer.credential(time), "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request");
    /// ```
    pub fn sign_post_policy(&self, policy_base64: &str, key: &SigningKey) -> String {
        let mut mac = key.keyed_mac();
        mac.update(policy_base64.as_bytes());
        let mut signature = [0u8; 64];
        hex_into(&mac.finalize().into_bytes(), &mut signature);
        ascii(&signature).to_owned()
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

    /// Presigns `request` at `time` with the day's cached signing key, keeping every
    /// intermediate. For the URL alone, [`Signer::presign_query_into`] skips building them.
    pub fn presign(&self, request: &QueryRequest, time: SigningTime) -> Result<Presigned, Error> {
        self.presign_with_key(request, time, &self.signing_key(time))
    }

    /// [`Signer::presign`] with `key`, which must be this signer's key for that day.
    pub fn presign_with_key(
        &self,
        request: &QueryRequest,
        time: SigningTime,
        key: &SigningKey,
    ) -> Result<Presigned, Error> {
        let mut query = String::with_capacity(512);
        let mut trace = Trace::default();
        self.presign_query_into(request, time, key, &mut query, Some(&mut trace))?;
        Ok(Presigned { query, trace })
    }

    /// Appends the signed query string of `request` to `out`: the canonical query, then the
    /// session token when it is appended after signing, then `X-Amz-Signature`.
    ///
    /// The canonical request is hashed once and the string to sign goes into the pre-keyed
    /// HMAC; their text is handed back only when `trace` asks for it. One code path serves
    /// the vectors (with `trace`) and the Lambda (without).
    pub fn presign_query_into(
        &self,
        request: &QueryRequest,
        time: SigningTime,
        key: &SigningKey,
        out: &mut String,
        mut trace: Option<&mut Trace>,
    ) -> Result<(), Error> {
        check_request(request)?;

        // Canonical headers: lowercase names, sorted (stably, so repeated names keep their
        // order of arrival).
        // On the stack for the few headers a presigned URL signs; on the heap beyond that.
        const ON_STACK: usize = 8;
        let count = request.headers.len() + 1;
        let mut stack: [(Cow<str>, &str); ON_STACK] =
            std::array::from_fn(|_| (Cow::Borrowed(""), ""));
        let mut heap = Vec::new();
        let headers: &mut [(Cow<str>, &str)] = if count <= ON_STACK {
            &mut stack[..count]
        } else {
            heap.resize(count, (Cow::Borrowed(""), ""));
            &mut heap
        };
        headers[0] = (Cow::Borrowed("host"), request.host);
        for (slot, (name, value)) in headers[1..].iter_mut().zip(request.headers) {
            let name = if name.bytes().any(|b| b.is_ascii_uppercase()) {
                Cow::Owned(name.to_ascii_lowercase())
            } else {
                Cow::Borrowed(*name)
            };
            *slot = (name, value);
        }
        headers.sort_by(|a, b| a.0.cmp(&b.0));
        let headers = &*headers;
        // The signed header names: each distinct name once, in order, `;`-separated. Written
        // straight into the query (encoded) and the canonical request, never as a string of
        // its own.
        let signed_names = || {
            headers
                .iter()
                .enumerate()
                .filter(|(i, (name, _))| *i == 0 || headers[i - 1].0 != *name)
                .map(|(_, (name, _))| name.as_ref())
        };
        let signed_headers_len: usize = signed_names().map(|n| n.len() + 1).sum();

        // The canonical query, written straight into `out`: the caller's parameters (encoded
        // and sorted) merged with the X-Amz-* ones, whose names are sorted already and can
        // never equal a caller's (check_request refuses that).
        let token = self.encoded.token.as_deref();
        let sign_token = self.settings.session_token == SessionTokenPlacement::Signed;
        let mut extra = CanonicalQuery::with_capacity(request.query.len());
        for (name, value) in request.query {
            extra.push(name, value);
        }
        extra.sort();
        let query_start = out.len();
        let mut next_extra = 0;
        for param in AmzParam::ALL {
            if param == AmzParam::SecurityToken && !(token.is_some() && sign_token) {
                continue;
            }
            while next_extra < extra.len() && extra.name(next_extra) < param.name() {
                if out.len() > query_start {
                    out.push('&');
                }
                extra.write(next_extra, out);
                next_extra += 1;
            }
            if out.len() > query_start {
                out.push('&');
            }
            out.push_str(param.name());
            out.push('=');
            match param {
                AmzParam::Algorithm => out.push_str(ALGORITHM),
                AmzParam::Credential => {
                    out.push_str(&self.encoded.credential_prefix);
                    out.push_str(time.date());
                    out.push_str(&self.encoded.credential_suffix);
                }
                AmzParam::Date => out.push_str(time.amz_date()),
                AmzParam::Expires => push_decimal(out, u64::from(request.expires_in)),
                AmzParam::SecurityToken => out.push_str(token.unwrap_or_default()),
                AmzParam::SignedHeaders => {
                    for (i, name) in signed_names().enumerate() {
                        if i > 0 {
                            out.push_str("%3B");
                        }
                        encode_component_into(out, name);
                    }
                }
            }
        }
        while next_extra < extra.len() {
            out.push('&');
            extra.write(next_extra, out);
            next_extra += 1;
        }

        // Step 1: the canonical request, written whole and hashed once (one large update is
        // much cheaper than dozens of small ones), in this thread's reused buffer.
        let header_bytes: usize = headers.iter().map(|(n, v)| n.len() + v.len() + 2).sum();
        let capacity = out.len() - query_start
            + request.method.len()
            + 3 * request.path.len()
            + header_bytes
            + signed_headers_len
            + request.payload_hash.len()
            + 8;
        let query = &out[query_start..];
        let digest = with_scratch(Scratch::CanonicalRequest, capacity, |canonical_request| {
            let mut put = |s: &str| canonical_request.push_str(s);
            put(request.method);
            put("\n");
            canonical::canonical_uri(
                request.path,
                self.settings.normalize_path,
                self.settings.uri_encoding,
                &mut put,
            );
            put("\n");
            put(query);
            put("\n");
            for (i, (name, value)) in headers.iter().enumerate() {
                if i > 0 && headers[i - 1].0 == *name {
                    put(",");
                } else {
                    if i > 0 {
                        put("\n");
                    }
                    put(name);
                    put(":");
                }
                canonical::header_value_words(value, &mut put);
            }
            put("\n\n");
            for (i, name) in signed_names().enumerate() {
                if i > 0 {
                    put(";");
                }
                put(name);
            }
            put("\n");
            put(request.payload_hash);
            if let Some(t) = trace.as_deref_mut() {
                t.canonical_request.clone_from(canonical_request);
            }
            Sha256::digest(canonical_request.as_bytes())
        });
        let mut digest_hex = [0u8; 64];
        hex_into(&digest, &mut digest_hex);

        // Steps 2 and 4: the string to sign, streamed into the HMAC keyed with the signing key
        // (3); written out only for a trace.
        let string_to_sign = [
            ALGORITHM,
            "\n",
            time.amz_date(),
            "\n",
            time.date(),
            &self.encoded.scope_suffix,
            "\n",
            ascii(&digest_hex),
        ];
        let mut mac = key.keyed_mac();
        for part in string_to_sign {
            mac.update(part.as_bytes());
        }
        let mut signature = [0u8; 64];
        hex_into(&mac.finalize().into_bytes(), &mut signature);
        let signature = ascii(&signature);

        if let (Some(token), false) = (token, sign_token) {
            out.push_str("&X-Amz-Security-Token=");
            out.push_str(token);
        }
        out.push_str("&X-Amz-Signature=");
        out.push_str(signature);

        if let Some(t) = trace {
            t.string_to_sign = string_to_sign.concat();
            t.signature = signature.to_owned();
            t.signed_headers = signed_names().collect::<Vec<_>>().join(";");
        }
        Ok(())
    }
}

/// Which of this thread's scratch strings [`with_scratch`] lends: one per use that can be
/// nested in another.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scratch {
    /// The canonical request, while it is hashed.
    CanonicalRequest,
    /// An object URL's host and path (`s3`), while its query is signed.
    HostPath,
}

/// Runs `f` with one of this thread's scratch strings, cleared and with room for `capacity`
/// bytes: one allocation per thread instead of one per signature. The string is taken out of
/// the thread-local and put back after, so a nested use of the same one, or a use while the
/// thread is torn down, simply gets a fresh string.
pub(crate) fn with_scratch<R>(
    which: Scratch,
    capacity: usize,
    f: impl FnOnce(&mut String) -> R,
) -> R {
    use std::cell::Cell;
    thread_local! {
        static SCRATCH: [Cell<String>; 2] = const { [Cell::new(String::new()), Cell::new(String::new())] };
    }
    let slot = which as usize;
    let mut buffer = SCRATCH.try_with(|s| s[slot].take()).unwrap_or_default();
    buffer.clear();
    buffer.reserve(capacity);
    let result = f(&mut buffer);
    let _ = SCRATCH.try_with(|s| s[slot].set(buffer));
    result
}

/// The intermediates of one signature, kept when asked for.
#[derive(Default, Clone, PartialEq, Eq)]
pub struct Trace {
    /// Step 1.
    pub canonical_request: String,
    /// Step 2.
    pub string_to_sign: String,
    /// Step 4, hex.
    pub signature: String,
    /// `X-Amz-SignedHeaders`, decoded.
    pub signed_headers: String,
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trace")
            .field("signed_headers", &self.signed_headers)
            .finish_non_exhaustive()
    }
}

/// The query parameters the signer writes, in canonical (byte) order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AmzParam {
    Algorithm,
    Credential,
    Date,
    Expires,
    SecurityToken,
    SignedHeaders,
}

impl AmzParam {
    const ALL: [AmzParam; 6] = [
        AmzParam::Algorithm,
        AmzParam::Credential,
        AmzParam::Date,
        AmzParam::Expires,
        AmzParam::SecurityToken,
        AmzParam::SignedHeaders,
    ];

    fn name(self) -> &'static str {
        match self {
            AmzParam::Algorithm => "X-Amz-Algorithm",
            AmzParam::Credential => "X-Amz-Credential",
            AmzParam::Date => "X-Amz-Date",
            AmzParam::Expires => "X-Amz-Expires",
            AmzParam::SecurityToken => "X-Amz-Security-Token",
            AmzParam::SignedHeaders => "X-Amz-SignedHeaders",
        }
    }
}

/// Appends `n` in decimal, without `format!`'s machinery.
pub(crate) fn push_decimal(out: &mut String, n: u64) {
    let mut n = n;
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(ascii(&digits[i..]));
}

fn hex_into(bytes: &[u8], out: &mut [u8; 64]) {
    // 32 bytes always make 64 hex digits.
    let _ = hex::encode_to_slice(bytes, out);
}

/// Bytes this module wrote as ASCII (digits, hex) viewed as text.
fn ascii(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
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
        // Every parameter the signer writes, and the signature it appends.
        let mut reserved = AmzParam::ALL
            .iter()
            .map(|p| p.name())
            .chain(["X-Amz-Signature"]);
        if reserved.any(|r| r.eq_ignore_ascii_case(name)) {
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
        let r = QueryRequest {
            query: &[("X-AMZ-CREDENTIAL", "x")],
            ..request()
        };
        assert_eq!(
            s.presign(&r, t).unwrap_err(),
            Error::ReservedQueryParameter("X-AMZ-CREDENTIAL".into())
        );
    }

    #[test]
    fn many_headers_sign_like_few() {
        // Beyond the headers kept on the stack, the same canonical form.
        let s = signer(None);
        let t = SigningTime::from_unix_seconds(1_700_000_000).unwrap();
        let names: Vec<String> = (0..12).rev().map(|i| format!("X-Meta-{i:02}")).collect();
        let headers: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "v")).collect();
        let r = QueryRequest {
            headers: &headers,
            ..request()
        };
        let signed = s.presign(&r, t).unwrap();
        let expected: Vec<String> = std::iter::once("host".to_owned())
            .chain((0..12).map(|i| format!("x-meta-{i:02}")))
            .collect();
        assert_eq!(signed.trace.signed_headers, expected.join(";"));
        assert!(signed
            .trace
            .canonical_request
            .contains("\nhost:example.com\nx-meta-00:v\n"));
        let few = QueryRequest {
            headers: &headers[..3],
            ..request()
        };
        assert_eq!(
            s.presign(&few, t).unwrap().trace.signed_headers,
            "host;x-meta-09;x-meta-10;x-meta-11"
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
        assert_eq!(s.credential_scope(t), "20231114/us-east-1/s3/aws4_request");
        assert!(a
            .trace
            .string_to_sign
            .contains("\n20231114/us-east-1/s3/aws4_request\n"));
        assert!(!format!("{a:?}").contains(&a.trace.signature));
    }
}
