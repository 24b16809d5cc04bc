//! What can go wrong, said so a user can act on it. No variant carries key material.

use std::fmt;

/// An input the signer cannot use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// No PEM private key block was found.
    KeyNotPem,
    /// The PEM holds a public key or a certificate.
    KeyIsPublic,
    /// The key is RSA.
    KeyIsRsa,
    /// The key is encrypted with a passphrase.
    KeyEncrypted,
    /// The key is an EC key on another curve (or names none).
    KeyWrongCurve,
    /// The key's structure cannot be read.
    KeyMalformed(&'static str),
    /// The key pair ID is not one CloudFront issues.
    InvalidKeyPairId,
    /// The URL to sign cannot be used.
    InvalidUrl(&'static str),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::KeyNotPem => f.write_str(
                "no PEM private key found: give the text of a P-256 key, -----BEGIN PRIVATE KEY----- (PKCS#8) or -----BEGIN EC PRIVATE KEY----- (SEC1)",
            ),
            Error::KeyIsPublic => f.write_str(
                "this is a public key or certificate: the signer needs the private key (CloudFront holds the public one)",
            ),
            Error::KeyIsRsa => f.write_str(
                "this is an RSA key: give an ECDSA P-256 key (openssl ecparam -name prime256v1 -genkey -noout)",
            ),
            Error::KeyEncrypted => f.write_str(
                "the private key is encrypted: give it unencrypted (openssl pkcs8 -in key.pem -nocrypt -topk8)",
            ),
            Error::KeyWrongCurve => f.write_str(
                "the key is not on P-256: CloudFront takes ECDSA keys on prime256v1 (P-256) only",
            ),
            Error::KeyMalformed(what) => write!(f, "the private key cannot be read: {what}"),
            Error::InvalidKeyPairId => f.write_str(
                "the key pair ID must be CloudFront's public key ID, 1 to 64 uppercase letters and digits (such as K2JCJMDEHXQW5F)",
            ),
            Error::InvalidUrl(why) => write!(f, "the URL to sign {why}"),
        }
    }
}

impl std::error::Error for Error {}
