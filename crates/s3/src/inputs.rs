//! The checked inputs of a presigned URL: bucket, key, lifetime, method.

use crate::Error;

/// A bucket name that follows S3's rules for general purpose buckets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket(String);

impl Bucket {
    /// Checks `name`: 3 to 63 lowercase letters, digits, `.` and `-`; starting and ending
    /// with a letter or digit; no `..`; not an IPv4 address; none of S3's reserved prefixes
    /// and suffixes.
    pub fn new(name: impl Into<String>) -> Result<Self, Error> {
        let name = name.into();
        let fail = |rule| {
            Err(Error::InvalidBucket {
                name: name.clone(),
                rule,
            })
        };
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
            return Err(Error::KeyTooLong { bytes: key.len() });
        }
        Ok(ObjectKey(key))
    }

    /// The key, decoded.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// S3 refuses presigned URLs that live longer than this (7 days).
pub const MAX_EXPIRY_SECS: u64 = presigner_sigv4::MAX_EXPIRES_IN as u64;

/// How long a URL stays valid: 1 to 604800 seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry(u32);

impl Expiry {
    /// Checks the range.
    pub fn from_secs(secs: u64) -> Result<Self, Error> {
        if (1..=MAX_EXPIRY_SECS).contains(&secs) {
            Ok(Expiry(secs as u32))
        } else {
            Err(Error::ExpiryOutOfRange { secs })
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
                matches!(Bucket::new(bad), Err(Error::InvalidBucket { .. })),
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
            Err(Error::KeyTooLong { bytes: 1025 })
        );
        assert_eq!(
            Expiry::from_secs(0),
            Err(Error::ExpiryOutOfRange { secs: 0 })
        );
        assert_eq!(Expiry::from_secs(1).unwrap().secs(), 1);
        assert_eq!(Expiry::from_secs(604_800).unwrap().secs(), 604_800);
        assert_eq!(
            Expiry::from_secs(604_801),
            Err(Error::ExpiryOutOfRange { secs: 604_801 })
        );
    }
}
