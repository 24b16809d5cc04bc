//! The local edge's CloudFront check (presigner_local_aws::edge) and the test key pair of
//! vectors/cloudfront.

pub use presigner_local_aws::edge::*;

fn vector(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("vectors/cloudfront")
            .join(name),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The test key's public half, as the key group `K2JCJMDEHXQW5F`.
pub fn test_key_group() -> KeyGroup {
    key_group("K2JCJMDEHXQW5F", &vector("test-key-public.pem")).expect("a P-256 public key")
}

/// The test private key, PKCS#8 PEM.
pub fn test_private_key() -> String {
    vector("test-key-pkcs8.pem")
}
