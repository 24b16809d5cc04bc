//! Step 3: the signing key (four chained HMACs), and a one-entry cache of it.

use std::fmt;
use std::sync::Mutex;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Credentials, SigningTime};

pub(crate) type HmacSha256 = Hmac<Sha256>;

/// Step 3 of SigV4: the key that signs everything for `time`'s day, `region` and `service`.
///
/// ```
/// use presigner_sigv4::{signing_key, Credentials, SigningTime};
/// // The S3 documentation's example credentials, for 2013-05-24 in us-east-1.
/// let credentials = Credentials::new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", None)?;
/// let time = SigningTime::parse_amz_date("20130524T000000Z")?;
/// let key = signing_key(&credentials, time, "us-east-1", "s3");
/// assert_eq!(key.to_hex(), "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378");
/// # Ok::<(), presigner_sigv4::Error>(())
/// ```
pub fn signing_key(
    credentials: &Credentials,
    time: SigningTime,
    region: &str,
    service: &str,
) -> SigningKey {
    SigningKey::derive(
        credentials.secret_access_key(),
        time.date(),
        region,
        service,
    )
}

/// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
///
/// Holds the key already loaded into an HMAC state, so each signature costs two SHA-256
/// compressions fewer than keying a fresh HMAC. `Debug` never shows the key.
#[derive(Clone)]
pub struct SigningKey {
    bytes: [u8; 32],
    keyed: HmacSha256,
}

impl SigningKey {
    /// Derives the key for one day (`YYYYMMDD`), region and service.
    pub(crate) fn derive(secret_access_key: &str, date: &str, region: &str, service: &str) -> Self {
        let mut prefixed = Vec::with_capacity(4 + secret_access_key.len());
        prefixed.extend_from_slice(b"AWS4");
        prefixed.extend_from_slice(secret_access_key.as_bytes());
        let k_date = hmac(&prefixed, date.as_bytes());
        let k_region = hmac(&k_date, region.as_bytes());
        let k_service = hmac(&k_region, service.as_bytes());
        let bytes = hmac(&k_service, b"aws4_request");
        SigningKey {
            bytes,
            keyed: keyed(&bytes),
        }
    }

    /// A fresh HMAC state keyed with this key, ready for the string to sign.
    pub(crate) fn keyed_mac(&self) -> HmacSha256 {
        self.keyed.clone()
    }

    /// The key as lowercase hex, for checking against published derivations.
    /// Treat the result as a secret: it signs anything for its day, region and service.
    pub fn to_hex(&self) -> String {
        hex::encode(self.bytes)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

fn keyed(key: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length; this cannot fail.
    match HmacSha256::new_from_slice(key) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC takes keys of any length"),
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    mac.update(data);
    mac.finalize().into_bytes().into()
}

/// The last derived key and the scope it belongs to; a new day (or region, or service)
/// derives and keeps a new one. One entry is enough: a signer signs for one scope at a time.
#[derive(Default)]
pub(crate) struct SigningKeyCache {
    entry: Mutex<Option<CacheEntry>>,
}

struct CacheEntry {
    date: [u8; 8],
    region: String,
    service: String,
    key: SigningKey,
}

impl SigningKeyCache {
    /// The key for this scope: the cached one when the scope matches, else a fresh derivation
    /// that replaces it.
    pub(crate) fn get(
        &self,
        secret_access_key: &str,
        date: &str,
        region: &str,
        service: &str,
    ) -> SigningKey {
        // A poisoned lock only means another thread panicked mid-update; the entry is still
        // either complete or absent, so carry on with it.
        let mut entry = self.entry.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(e) = entry.as_ref() {
            if e.date == date.as_bytes() && e.region == region && e.service == service {
                return e.key.clone();
            }
        }
        let key = SigningKey::derive(secret_access_key, date, region, service);
        let mut date_bytes = [0u8; 8];
        if date.len() == 8 {
            date_bytes.copy_from_slice(date.as_bytes());
        }
        *entry = Some(CacheEntry {
            date: date_bytes,
            region: region.to_owned(),
            service: service.to_owned(),
            key: key.clone(),
        });
        key
    }

    /// Whether the cache holds the key for exactly this scope.
    #[cfg(test)]
    fn holds(&self, date: &str, region: &str, service: &str) -> bool {
        let entry = self.entry.lock().unwrap_or_else(|e| e.into_inner());
        entry.as_ref().is_some_and(|e| {
            e.date == date.as_bytes() && e.region == region && e.service == service
        })
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKeyCache(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    #[test]
    fn cache_reuses_within_a_day_and_rederives_on_a_new_one() {
        let cache = SigningKeyCache::default();
        assert!(!cache.holds("20150830", "us-east-1", "s3"));
        let a = cache.get(SECRET, "20150830", "us-east-1", "s3");
        assert!(cache.holds("20150830", "us-east-1", "s3"));
        let again = cache.get(SECRET, "20150830", "us-east-1", "s3");
        assert_eq!(a.to_hex(), again.to_hex());
        let next_day = cache.get(SECRET, "20150831", "us-east-1", "s3");
        assert_ne!(a.to_hex(), next_day.to_hex());
        assert_eq!(
            next_day.to_hex(),
            SigningKey::derive(SECRET, "20150831", "us-east-1", "s3").to_hex()
        );
        assert!(!cache.holds("20150830", "us-east-1", "s3"));
        let other_region = cache.get(SECRET, "20150831", "eu-west-1", "s3");
        assert_ne!(other_region.to_hex(), next_day.to_hex());
    }

    #[test]
    fn aws_example_key() {
        // AWS's "Examples of how to derive a signing key for Signature Version 4".
        let key = SigningKey::derive(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(
            key.to_hex(),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9"
        );
    }

    #[test]
    fn debug_hides_the_key() {
        let key = SigningKey::derive(SECRET, "20150830", "us-east-1", "s3");
        let shown = format!("{key:?}");
        assert!(!shown.contains(&key.to_hex()[..8]));
        assert_eq!(shown, "SigningKey(<redacted>)");
    }
}
