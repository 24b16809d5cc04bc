//! What is signed (a request's parts) and what comes back (the query and every intermediate).

use std::fmt;

use crate::canonical_headers::{check_header_name, check_header_value};
use crate::canonical_query::is_reserved;
use crate::Error;

/// The longest `X-Amz-Expires` AWS accepts: 604800 seconds, 7 days. AWS documents the
/// parameter as 1 to 604800, and refuses a URL signed for longer (smithy-typescript's
/// `SignatureV4` refuses to sign one: "must have an expiration date less than one week in the
/// future").
pub const MAX_EXPIRES_IN: u32 = 604_800;

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
    /// `X-Amz-Expires`, in seconds: 1 to [`MAX_EXPIRES_IN`], or signing refuses it.
    pub expires_in: u32,
}

impl QueryRequest<'_> {
    /// Refuses what cannot be signed or sent: a method that is not an uppercase word, a host
    /// with spaces, controls or `/`, unsignable headers, a parameter the signer writes itself,
    /// an expiry AWS would refuse.
    pub(crate) fn check(&self) -> Result<(), Error> {
        if !(1..=MAX_EXPIRES_IN).contains(&self.expires_in) {
            return Err(Error::ExpiresInOutOfRange {
                expires_in: self.expires_in,
            });
        }
        let m = self.method;
        if m.is_empty() || !m.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(Error::InvalidMethod {
                method: m.to_owned(),
            });
        }
        let h = self.host;
        if h.is_empty() || h.bytes().any(|b| b <= b' ' || b == b'/' || b == 0x7f) {
            return Err(Error::InvalidHost);
        }
        for (name, value) in self.headers {
            check_header_name(name)?;
            check_header_value(name, value)?;
        }
        for (name, _) in self.query {
            if is_reserved(name) {
                return Err(Error::ReservedQueryParameter {
                    name: (*name).to_owned(),
                });
            }
        }
        Ok(())
    }
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
