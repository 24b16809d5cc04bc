//! S3's rules on top of [`presigner_sigv4`]: bucket names, object keys, addressing style,
//! endpoints, `UNSIGNED-PAYLOAD` and the 7-day limit, giving presigned object URLs.
//!
//! ```
//! use presigner_s3::{AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner};
//! use presigner_sigv4::{Credentials, SigningTime};
//!
//! let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
//! let presigner = Presigner::new(credentials, "us-east-1", Endpoint::parse("https://s3.amazonaws.com")?, AddressingStyle::Auto)?;
//! let bucket = Bucket::new("examplebucket")?;
//! let key = ObjectKey::new("test.txt")?;
//! let request = ObjectRequest::new(Method::Get, &bucket, &key, Expiry::from_secs(86400)?);
//! let time = SigningTime::parse_amz_date("20130524T000000Z")?;
//! let url = presigner.presign(&request, time)?;
//! assert!(url.starts_with("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm="));
//! assert!(url.ends_with("&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![warn(missing_docs)]

// The README's example, compiled and run with the doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

mod endpoint;
mod error;
mod inputs;
pub mod post;
mod presigner;

pub use endpoint::{Addressing, AddressingStyle, Endpoint, Scheme};
pub use error::Error;
pub use inputs::{Bucket, Expiry, Method, ObjectKey, MAX_EXPIRY_SECS, MAX_KEY_BYTES};
pub use presigner::{ObjectRequest, PresignedUrl, Presigner, UNSIGNED_PAYLOAD};
/// The SigV4 crate these URLs are signed with, for its [`Credentials`](sigv4::Credentials) and
/// [`SigningTime`](sigv4::SigningTime).
pub use presigner_sigv4 as sigv4;
