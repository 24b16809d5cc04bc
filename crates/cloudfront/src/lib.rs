//! CloudFront signed URLs with an ECDSA P-256 key and SHA-256, signed offline.
//!
//! CloudFront accepts ECDSA P-256 keys in a key group and, with `Hash-Algorithm=SHA256` in
//! the URL, a signature over the SHA-256 of the policy statement. This crate writes the
//! policy statement byte for byte as AWS's own signers do ([`Policy`]), signs it with RFC 6979
//! deterministic nonces (the same policy and key always give the same URL, so every sandbox
//! hands out the same bytes and browsers and the edge cache hit), DER-encodes the signature
//! and writes both in CloudFront's base64 ([`base64`]).
//!
//! Pure: the key, the policy and the time come in as values; nothing is read from the
//! environment or the clock.
//!
//! ```
//! use presigner_cloudfront::{KeyPairId, Policy, PrivateKey, Signer};
//! // RFC 6979's P-256 test key, as `openssl ecparam -genkey` writes one.
//! let pem = "\
//! -----BEGIN EC PARAMETERS-----\n\
//! BggqhkjOPQMBBw==\n\
//! -----END EC PARAMETERS-----\n\
//! -----BEGIN EC PRIVATE KEY-----\n\
//! MHcCAQEEIMmvqdhFunUWa1whV2ex1pNOUMPbNuibEnuKYisSD2choAoGCCqGSM49\n\
//! AwEHoUQDQgAEYP7UuiVanTHJYet0xjVtaMBJuJI7Yfps5mliLmDyn7Z5A/4QCLi8\n\
//! maQa6elWKLxk8vGyDC1+n1F3o8KU1EYimQ==\n\
//! -----END EC PRIVATE KEY-----\n\
//! ";
//! let signer = Signer::new(KeyPairId::new("K2JCJMDEHXQW5F")?, PrivateKey::from_pem(pem)?);
//! let grant = signer.grant(&Policy {
//!     resource: "https://d111111abcdef8.cloudfront.net/images/*",
//!     date_less_than: 1_767_290_400,
//!     date_greater_than: None,
//! });
//! let url = format!("https://d111111abcdef8.cloudfront.net/images/a/b.png?{}", grant.query());
//! assert!(url.contains("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256"));
//! # Ok::<(), presigner_cloudfront::Error>(())
//! ```

#![warn(missing_docs)]

pub mod base64;
mod der;
mod error;
mod key;
mod policy;

use std::fmt;

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::Signature;

pub use error::Error;
pub use key::PrivateKey;
pub use policy::Policy;

/// The ID CloudFront gave the public key (`K2JCJMDEHXQW5F`; legacy key pairs `APKA...`):
/// uppercase letters and digits, as it stands in `Key-Pair-Id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPairId(String);

impl KeyPairId {
    /// Checks `id`: 1 to 64 uppercase ASCII letters and digits.
    pub fn new(id: impl Into<String>) -> Result<Self, Error> {
        let id = id.into();
        let valid = (1..=64).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if valid {
            Ok(KeyPairId(id))
        } else {
            Err(Error::InvalidKeyPairId)
        }
    }

    /// The ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Signs CloudFront policies with one key.
#[derive(Debug)]
pub struct Signer {
    key_pair_id: KeyPairId,
    key: PrivateKey,
}

/// A signed policy: the query parameters that, after any URL the policy covers, make it a
/// signed URL. One grant serves every URL its resource covers.
#[derive(Clone, PartialEq, Eq)]
pub struct Grant {
    query: String,
}

impl fmt::Debug for Grant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A grant is a bearer credential until it expires.
        f.write_str("Grant(<redacted>)")
    }
}

impl Grant {
    /// `Policy=...&Signature=...&Key-Pair-Id=...&Hash-Algorithm=SHA256` (custom policy), or
    /// `Expires=...&Signature=...&Key-Pair-Id=...&Hash-Algorithm=SHA256` (canned).
    pub fn query(&self) -> &str {
        &self.query
    }
}

impl Signer {
    /// A signer for the key whose public half CloudFront holds as `key_pair_id`.
    pub fn new(key_pair_id: KeyPairId, key: PrivateKey) -> Self {
        Signer { key_pair_id, key }
    }

    /// The key pair ID.
    pub fn key_pair_id(&self) -> &KeyPairId {
        &self.key_pair_id
    }

    /// The DER-encoded ECDSA P-256 signature over the SHA-256 of `message`, with the RFC 6979
    /// nonce (the same message always signs to the same bytes).
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let signature: Signature = self.key.signing.sign(message);
        let (r, s) = signature.split_bytes();
        der::ecdsa_signature(&r, &s)
    }

    /// Signs `policy` as a custom policy: the query carries the policy itself.
    pub fn grant(&self, policy: &Policy) -> Grant {
        let json = policy.to_json();
        let mut query = String::with_capacity(2 * json.len() + 200);
        query.push_str("Policy=");
        base64::encode_into(&mut query, json.as_bytes());
        self.finish(query, &json)
    }

    /// Signs `policy` in the canned form (for an exact resource and an end only,
    /// [`Policy::is_canned_for`]): the query carries `Expires` and the URL is the resource.
    pub fn canned_grant(&self, policy: &Policy) -> Grant {
        let json = policy.to_json();
        let query = format!("Expires={}", policy.date_less_than);
        self.finish(query, &json)
    }

    fn finish(&self, mut query: String, json: &str) -> Grant {
        query.push_str("&Signature=");
        base64::encode_into(&mut query, &self.sign(json.as_bytes()));
        query.push_str("&Key-Pair-Id=");
        query.push_str(self.key_pair_id.as_str());
        query.push_str("&Hash-Algorithm=SHA256");
        Grant { query }
    }

    /// A signed URL for `url` under `policy`, as `aws cloudfront sign` makes one: canned when
    /// the policy allows it, custom otherwise. `url` must be an `https://` or `http://` URL
    /// without a fragment or CloudFront's own parameters, non-ASCII and spaces percent-encoded.
    pub fn sign_url(&self, url: &str, policy: &Policy) -> Result<String, Error> {
        check_url(url)?;
        let grant = if policy.is_canned_for(url) {
            self.canned_grant(policy)
        } else {
            self.grant(policy)
        };
        let separator = if url.contains('?') { '&' } else { '?' };
        Ok(format!("{url}{separator}{}", grant.query()))
    }
}

/// The signing parameters CloudFront reads from a query string.
pub const SIGNING_PARAMETERS: [&str; 5] = [
    "Expires",
    "Policy",
    "Signature",
    "Key-Pair-Id",
    "Hash-Algorithm",
];

fn check_url(url: &str) -> Result<(), Error> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or(Error::InvalidUrl("must start with https:// or http://"))?;
    if rest.is_empty() || rest.starts_with('/') {
        return Err(Error::InvalidUrl("has no host"));
    }
    if url.contains('#') {
        return Err(Error::InvalidUrl("must not have a fragment"));
    }
    if !url.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::InvalidUrl(
            "must have spaces, control and non-ASCII characters percent-encoded",
        ));
    }
    // What a browser percent-encodes before it sends the URL: signed as written, the URL
    // CloudFront compares would differ from the one in a canned policy.
    if url.contains(['"', '\\', '<', '>', '{', '}', '|', '^', '`']) {
        return Err(Error::InvalidUrl(
            "must have \" \\ < > { } | ^ and ` percent-encoded, as a browser sends them",
        ));
    }
    if let Some((_, query)) = url.split_once('?') {
        for pair in query.split('&') {
            let name = pair.split('=').next().unwrap_or_default();
            if SIGNING_PARAMETERS.contains(&name) {
                return Err(Error::InvalidUrl(
                    "already carries CloudFront's signing parameters",
                ));
            }
        }
    }
    Ok(())
}
