//! A CloudFront edge's check of a signed URL, as CloudFront documents it, written apart from
//! the signer: `ring` verifies the ECDSA signature, the policy is read as JSON by serde_json,
//! and the resource is matched with CloudFront's wildcards (`*` any run of characters, `?`
//! any one) against the URL without its signing parameters.

use std::fmt;

use base64::Engine;
use ring::signature::{UnparsedPublicKey, ECDSA_P256_SHA256_ASN1};
use serde_json::Value;

/// The key group: the key pair ID CloudFront gave the public key, and the key's SEC1 point.
pub struct KeyGroup {
    pub key_pair_id: String,
    pub public_point: Vec<u8>,
}

/// Why the edge answers 403.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    MissingParameter(&'static str),
    UnknownKeyPairId,
    HashAlgorithm,
    BadEncoding,
    BadSignature,
    BadPolicy,
    Expired,
    NotYetValid,
    ResourceMismatch,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self:?}")
    }
}

/// The test key's public half (vectors/cloudfront/test-key-public.pem).
pub fn test_key_group() -> KeyGroup {
    let pem = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("vectors/cloudfront/test-key-public.pem"),
    )
    .expect("the test public key");
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .expect("base64");
    KeyGroup {
        key_pair_id: "K2JCJMDEHXQW5F".to_owned(),
        public_point: der[der.len() - 65..].to_vec(),
    }
}

/// The test private key, PKCS#8 PEM.
pub fn test_private_key() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("vectors/cloudfront/test-key-pkcs8.pem"),
    )
    .expect("the test private key")
}

fn cf_base64(text: &str) -> Result<Vec<u8>, Refusal> {
    if text.contains(['+', '/', '=']) {
        return Err(Refusal::BadEncoding);
    }
    let standard = text.replace('-', "+").replace('_', "=").replace('~', "/");
    base64::engine::general_purpose::STANDARD
        .decode(standard)
        .map_err(|_| Refusal::BadEncoding)
}

/// CloudFront's wildcard match: `*` any run of characters (none too), `?` exactly one.
pub fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.split_first(), text.split_first()) {
        (None, _) => text.is_empty(),
        (Some((b'*', rest)), _) => (0..=text.len()).any(|skip| wildcard_match(rest, &text[skip..])),
        (Some((b'?', rest)), Some((_, more))) => wildcard_match(rest, more),
        (Some((p, rest)), Some((t, more))) if p == t => wildcard_match(rest, more),
        _ => false,
    }
}

/// Checks `url` at `now` (Unix seconds) as CloudFront would, against `keys`.
pub fn verify(url: &str, keys: &KeyGroup, now: u64) -> Result<(), Refusal> {
    let (base, query) = url
        .split_once('?')
        .ok_or(Refusal::MissingParameter("Signature"))?;
    let mut kept = Vec::new();
    let (mut policy, mut expires, mut signature, mut key_pair_id, mut hash) =
        (None, None, None, None, None);
    for pair in query.split('&') {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "Policy" => policy = Some(value),
            "Expires" => expires = Some(value),
            "Signature" => signature = Some(value),
            "Key-Pair-Id" => key_pair_id = Some(value),
            "Hash-Algorithm" => hash = Some(value),
            _ => kept.push(pair),
        }
    }
    let signature = cf_base64(signature.ok_or(Refusal::MissingParameter("Signature"))?)?;
    if key_pair_id.ok_or(Refusal::MissingParameter("Key-Pair-Id"))? != keys.key_pair_id {
        return Err(Refusal::UnknownKeyPairId);
    }
    if hash != Some("SHA256") {
        return Err(Refusal::HashAlgorithm);
    }
    let request_url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    let signed_text = match (policy, expires) {
        (Some(p), None) => cf_base64(p)?,
        (None, Some(e)) => format!(
            r#"{{"Statement":[{{"Resource":"{request_url}","Condition":{{"DateLessThan":{{"AWS:EpochTime":{e}}}}}}}]}}"#
        )
        .into_bytes(),
        _ => return Err(Refusal::MissingParameter("Policy or Expires")),
    };
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &keys.public_point)
        .verify(&signed_text, &signature)
        .map_err(|_| Refusal::BadSignature)?;
    let doc: Value = serde_json::from_slice(&signed_text).map_err(|_| Refusal::BadPolicy)?;
    let statements = doc["Statement"].as_array().ok_or(Refusal::BadPolicy)?;
    let [statement] = statements.as_slice() else {
        return Err(Refusal::BadPolicy);
    };
    let resource = statement["Resource"].as_str().ok_or(Refusal::BadPolicy)?;
    let condition = &statement["Condition"];
    let less = condition["DateLessThan"]["AWS:EpochTime"]
        .as_u64()
        .ok_or(Refusal::BadPolicy)?;
    if now >= less {
        return Err(Refusal::Expired);
    }
    if let Some(greater) = condition.get("DateGreaterThan") {
        let greater = greater["AWS:EpochTime"]
            .as_u64()
            .ok_or(Refusal::BadPolicy)?;
        if now <= greater {
            return Err(Refusal::NotYetValid);
        }
    }
    if !wildcard_match(resource.as_bytes(), request_url.as_bytes()) {
        return Err(Refusal::ResourceMismatch);
    }
    Ok(())
}
