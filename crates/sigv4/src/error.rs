//! Why a signing input was refused.

use std::fmt;

/// Why a signing input was refused. Messages say what to fix and never carry a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
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
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// The service name is empty or has characters other than letters, digits, `-` and `_`.
    InvalidService {
        /// The service name as given.
        service: String,
    },
    /// The HTTP method is not an uppercase token.
    InvalidMethod {
        /// The method as given.
        method: String,
    },
    /// The host is empty or has whitespace, control characters or `/`.
    InvalidHost,
    /// A header name is not an HTTP token.
    InvalidHeaderName {
        /// The header name as given.
        name: String,
    },
    /// A header value has characters other than visible ASCII, spaces and tabs.
    InvalidHeaderValue {
        /// The name of the header whose value was refused (the value is not repeated).
        name: String,
    },
    /// `host` was given among the extra headers; it is always signed from the request's host.
    HostHeaderGiven,
    /// An extra query parameter would collide with one the signer writes (`X-Amz-...`).
    ReservedQueryParameter {
        /// The parameter name as given.
        name: String,
    },
    /// `expires_in` is 0 or over 604800 seconds (7 days), which AWS refuses.
    ExpiresInOutOfRange {
        /// The expiry as given, in seconds.
        expires_in: u32,
    },
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
            Error::InvalidRegion { region } => write!(
                f,
                "region {region:?} may hold only letters, digits, '-' and '_' (for example us-east-1)"
            ),
            Error::InvalidService { service } => write!(
                f,
                "service {service:?} must be non-empty letters, digits, '-' and '_' (for example s3)"
            ),
            Error::InvalidMethod { method } => write!(
                f,
                "HTTP method {method:?} must be an uppercase word such as GET or PUT"
            ),
            Error::InvalidHost => {
                f.write_str("the host must be a non-empty name or address, with no spaces or '/'")
            }
            Error::InvalidHeaderName { name } => write!(
                f,
                "header name {name:?} cannot be signed: use letters, digits and !#$%&'*+-.^_`|~"
            ),
            Error::InvalidHeaderValue { name } => write!(
                f,
                "the value of header {name:?} cannot be signed: use visible ASCII, spaces and tabs"
            ),
            Error::HostHeaderGiven => {
                f.write_str("do not pass a host header: the host is always signed from the URL")
            }
            Error::ReservedQueryParameter { name } => write!(
                f,
                "query parameter {name:?} is written by the signer itself and cannot be given"
            ),
            Error::ExpiresInOutOfRange { expires_in } => write!(
                f,
                "expires_in {expires_in} is out of range: AWS accepts 1 to 604800 seconds (7 days)"
            ),
            Error::TimeOutOfRange => f.write_str("the signing time must be between 1970 and 9999"),
            Error::InvalidAmzDate => f.write_str(
                "the time must be a real UTC time written YYYYMMDDTHHMMSSZ, e.g. 20130524T000000Z",
            ),
        }
    }
}

impl std::error::Error for Error {}
