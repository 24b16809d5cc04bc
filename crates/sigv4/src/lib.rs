//! AWS Signature Version 4, query-string ("presigned URL") form.
//!
//! Pure: every input is a value (no clock, no environment, no I/O), and the algorithm is split
//! the way AWS documents it, with each intermediate returned so it can be checked against the
//! published vectors:
//!
//! 1. [`canonical_request`]: method, canonical URI, canonical query string, canonical
//!    headers, signed headers, payload hash;
//! 2. [`string_to_sign`]: algorithm, `X-Amz-Date`, credential scope, SHA-256 of the canonical
//!    request;
//! 3. [`signing_key`]: four chained HMACs over date, region, service, `aws4_request`;
//! 4. [`signature`]: HMAC of the string to sign under the signing key.
//!
//! Each step is a public function, checked on AWS's example; [`Signer`] runs them in order,
//! writing into reused buffers, and [`Signer::presign`] hands back each intermediate in a
//! [`Trace`].
//!
//! What differs between S3 and the generic services is data ([`Settings`]), so AWS's generic
//! suite and S3 run through the same code.
//!
//! ```
//! use presigner_sigv4::{Credentials, QueryRequest, Settings, Signer, SigningTime};
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

#![warn(missing_docs)]

// The README's example, compiled and run with the doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod buffers;
mod canonical_headers;
mod canonical_query;
mod canonical_request;
mod canonical_uri;
mod credentials;
mod error;
mod request;
mod settings;
mod signature;
mod signer;
mod signing_key;
mod string_to_sign;
mod time;
pub mod uri_encode;

#[cfg(test)]
mod aws_example;

pub use canonical_headers::check_header_value;
pub use canonical_request::canonical_request;
pub use credentials::Credentials;
pub use error::Error;
pub use request::{Presigned, QueryRequest, Trace, MAX_EXPIRES_IN};
pub use settings::{KeyReuse, PathNormalization, SessionTokenPlacement, Settings, UriEncoding};
pub use signature::signature;
pub use signer::{check_region, Signer};
pub use signing_key::{signing_key, SigningKey};
pub use string_to_sign::string_to_sign;
pub use time::SigningTime;

/// The only algorithm this crate signs with.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";
