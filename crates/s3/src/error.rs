//! Why an S3 input was refused.

use std::fmt;

use presigner_sigv4 as sigv4;

use crate::{MAX_EXPIRY_SECS, MAX_KEY_BYTES};

/// Why an S3 input was refused. Messages say what to fix and never carry a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The bucket name breaks S3's naming rules.
    InvalidBucket {
        /// The name as given.
        name: String,
        /// Which rule it breaks.
        rule: &'static str,
    },
    /// The object key is empty.
    EmptyKey,
    /// The object key is longer than [`MAX_KEY_BYTES`].
    KeyTooLong {
        /// The key's length in bytes.
        bytes: usize,
    },
    /// The expiry is outside 1..=[`MAX_EXPIRY_SECS`] seconds.
    ExpiryOutOfRange {
        /// The expiry asked for, in seconds.
        secs: u64,
    },
    /// The endpoint URL cannot be used.
    InvalidEndpoint {
        /// Why.
        reason: &'static str,
    },
    /// A POST policy's `content-length-range` has its minimum above its maximum.
    InvalidLengthRange {
        /// The smallest size allowed, in bytes.
        min: u64,
        /// The largest size allowed, in bytes.
        max: u64,
    },
    /// A signing input was refused.
    Signing(sigv4::Error),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidBucket { name, rule } => {
                write!(f, "invalid bucket name {name:?}: {rule}")
            }
            Error::EmptyKey => f.write_str("the object key is empty"),
            Error::KeyTooLong { bytes: n } => {
                write!(
                    f,
                    "the object key is {n} bytes long; S3 allows at most {MAX_KEY_BYTES}"
                )
            }
            Error::ExpiryOutOfRange { secs: n } => write!(
                f,
                "expiry {n} s is out of range: give 1 to {MAX_EXPIRY_SECS} seconds (7 days)"
            ),
            Error::InvalidEndpoint { reason } => write!(f, "invalid endpoint URL: {reason}"),
            Error::InvalidLengthRange { min, max } => write!(
                f,
                "the content length range {min}..={max} is empty: give the smallest size first"
            ),
            Error::Signing(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Signing(e) => Some(e),
            _ => None,
        }
    }
}

impl From<sigv4::Error> for Error {
    fn from(e: sigv4::Error) -> Self {
        Error::Signing(e)
    }
}
