//! The local edge: a stand-in for CloudFront in front of the local S3. It checks each signed
//! URL the way CloudFront documents (key pair ID in the key group, `Hash-Algorithm`, the
//! signature over the policy, the policy's times, the resource against the URL with its
//! wildcards) and serves the object from the local S3's folder. It shares no code with the
//! signer: `ring` verifies the ECDSA signature and makes the key pair, serde_json reads the
//! policy, the wildcard match is its own.

use std::convert::Infallible;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use base64::Engine;
use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::HeaderValue;
use hyper::service::service_fn;
use hyper::{header, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use ring::rand::SystemRandom;
use ring::signature::{
    EcdsaKeyPair, KeyPair, UnparsedPublicKey, ECDSA_P256_SHA256_ASN1,
    ECDSA_P256_SHA256_ASN1_SIGNING,
};
use serde_json::Value;
use tokio::net::TcpListener;

/// The key group: the key pair ID CloudFront gave the public key, and the key's SEC1 point.
#[derive(Debug, Clone)]
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

/// The key pair ID the local edge's key group knows its key by.
pub const LOCAL_KEY_PAIR_ID: &str = "KLOCALEDGE";

/// A fresh P-256 key pair made by `ring`: the key group for the edge and the private key as
/// the PKCS#8 PEM the Lambda is given in `CLOUDFRONT_PRIVATE_KEY`.
pub fn fresh_key_pair() -> (KeyGroup, String) {
    let rng = SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
        .expect("the system's random numbers");
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
        .expect("the key ring just made");
    let body = base64::engine::general_purpose::STANDARD.encode(pkcs8.as_ref());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in body.as_bytes().chunks(64) {
        pem.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----\n");
    let keys = KeyGroup {
        key_pair_id: LOCAL_KEY_PAIR_ID.to_owned(),
        public_point: pair.public_key().as_ref().to_vec(),
    };
    (keys, pem)
}

/// The key group for a PEM public key (SubjectPublicKeyInfo of a P-256 key: its last 65
/// bytes are the point).
pub fn key_group(key_pair_id: &str, public_pem: &str) -> Option<KeyGroup> {
    let body: String = public_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    let point = der.get(der.len().checked_sub(65)?..)?;
    (point[0] == 4).then(|| KeyGroup {
        key_pair_id: key_pair_id.to_owned(),
        public_point: point.to_vec(),
    })
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
/// Greedy with one backtrack point (the last `*`), so it takes at most pattern x text steps
/// whatever the pattern, never the exponential time of trying every split.
pub fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
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
    // Only what this edge can check: a statement or condition it does not know (an
    // IpAddress, say) is refused rather than ignored.
    let known = |v: &Value, keys: &[&str]| {
        v.as_object()
            .is_some_and(|o| o.keys().all(|k| keys.contains(&k.as_str())))
    };
    if !known(statement, &["Resource", "Condition"])
        || !known(condition, &["DateLessThan", "DateGreaterThan"])
    {
        return Err(Refusal::BadPolicy);
    }
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

/// What the edge serves: the local S3's folder for the bucket, and who may fetch from a page.
pub struct Edge {
    pub keys: KeyGroup,
    /// The bucket's folder under the local S3's data directory.
    pub bucket_dir: PathBuf,
    /// The pages that may fetch from it ([`LocalOrigins`](crate::LocalOrigins)).
    pub cors: crate::LocalOrigins,
    /// `Cache-Control` for images, as the template's response headers policy sets it.
    pub cache_control: String,
}

/// Serves `edge` on `listener` until the task is dropped: `GET`/`HEAD /images/...` with a
/// valid signed URL answers the object; anything else 403 (or 404 when the object is not
/// there, as CloudFront relays S3's answer).
pub async fn serve_edge(listener: TcpListener, edge: Arc<Edge>) -> std::io::Result<()> {
    let origin = format!("http://{}", listener.local_addr()?);
    let origin = Arc::new(origin);
    loop {
        let (socket, _) = listener.accept().await?;
        let (edge, origin) = (edge.clone(), origin.clone());
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let (edge, origin) = (edge.clone(), origin.clone());
                async move { Ok::<_, Infallible>(edge_answer(&edge, &origin, req)) }
            });
            let _ = ConnBuilder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(socket), service)
                .await;
        });
    }
}

fn edge_answer(edge: &Edge, origin: &str, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let plain = |status: StatusCode, text: &'static str| {
        let mut r = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
        *r.status_mut() = status;
        r
    };
    let mut response = if req.method() != Method::GET && req.method() != Method::HEAD {
        plain(StatusCode::METHOD_NOT_ALLOWED, "GET or HEAD only\n")
    } else {
        let path_and_query = req.uri().path_and_query().map_or("/", |p| p.as_str());
        let url = format!("{origin}{path_and_query}");
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        match verify(&url, &edge.keys, now) {
            Err(refusal) => {
                println!("{{\"edge\":403,\"refusal\":\"{refusal}\"}}");
                plain(StatusCode::FORBIDDEN, "AccessDenied\n")
            }
            Ok(()) => match object_path(&edge.bucket_dir, req.uri().path()) {
                None => plain(StatusCode::FORBIDDEN, "AccessDenied\n"),
                Some(path) => match std::fs::read(path) {
                    Err(_) => plain(StatusCode::NOT_FOUND, "NoSuchKey\n"),
                    Ok(bytes) => {
                        let mut r = Response::new(Full::new(Bytes::from(bytes)));
                        let h = r.headers_mut();
                        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
                        h.insert(
                            header::X_CONTENT_TYPE_OPTIONS,
                            HeaderValue::from_static("nosniff"),
                        );
                        if let Ok(v) = HeaderValue::from_str(&edge.cache_control) {
                            h.insert(header::CACHE_CONTROL, v);
                        }
                        r
                    }
                },
            },
        }
    };
    edge.cors.apply(req.headers(), response.headers_mut());
    response
}

/// The file for a URL path `/images/{user}/{tweet}.png`, percent-decoded, or `None` for any
/// other shape (no `..`, no extra segment, nothing outside `images/`).
fn object_path(bucket_dir: &std::path::Path, path: &str) -> Option<PathBuf> {
    let key = percent_decode(path.strip_prefix('/')?)?;
    let parts: Vec<&str> = key.split('/').collect();
    let [images, user, tweet] = parts.as_slice() else {
        return None;
    };
    let safe = |s: &str| !s.is_empty() && s != "." && s != ".." && !s.contains(['\\', '\0']);
    (*images == "images" && safe(user) && safe(tweet))
        .then(|| bucket_dir.join(images).join(user).join(tweet))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::wildcard_match;

    #[test]
    fn wildcards_match_as_cloudfront_documents_and_in_bounded_time() {
        let m = |p: &str, t: &str| wildcard_match(p.as_bytes(), t.as_bytes());
        assert!(m("https://d/images/*", "https://d/images/a/b.png"));
        assert!(m("https://d/images/*", "https://d/images/"));
        assert!(!m("https://d/images/a/*", "https://d/images/ab/c.png"));
        assert!(m("https://d/?.png", "https://d/a.png"));
        assert!(!m("https://d/?.png", "https://d/.png"));
        assert!(m("*a*b*c", "xxaxxbxxc"));
        assert!(!m("*a*b*c", "xxaxxbxx"));
        assert!(m("a*", "a") && !m("a", "ab") && m("*", ""));
        // Many stars against a long text that does not match: quick, not exponential.
        let pattern = "*a".repeat(30) + "b";
        let text = "a".repeat(5000);
        assert!(!m(&pattern, &text));
    }
}
