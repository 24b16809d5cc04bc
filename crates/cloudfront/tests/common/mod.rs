#![allow(dead_code)]
//! What the signer's test files share: the vectors' test key, and `ring` as the independent
//! verifier.

use std::path::PathBuf;

use base64::Engine;
use presigner_cloudfront::{KeyPairId, PrivateKey, Signer};
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_ASN1};

/// A file of vectors/cloudfront.
pub fn read(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../vectors/cloudfront");
    std::fs::read_to_string(path.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// A signer for the test key in `pem_file`, as key pair `K2JCJMDEHXQW5F`.
pub fn signer(pem_file: &str) -> Signer {
    Signer::new(
        KeyPairId::new("K2JCJMDEHXQW5F").unwrap(),
        PrivateKey::from_pem(&read(pem_file)).unwrap(),
    )
}

/// The test key's uncompressed point (the last 65 bytes of its SubjectPublicKeyInfo).
pub fn public_point() -> Vec<u8> {
    let pem = read("test-key-public.pem");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap();
    der[der.len() - 65..].to_vec()
}

/// Verifies `signature` (DER) over `message` with ring, an implementation that shares no code
/// with the signer.
pub fn ring_verifies(message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, public_point())
        .verify(message, signature)
        .is_ok()
}
