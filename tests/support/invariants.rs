//! What every answer must satisfy, whatever the input. The fuzz targets (`fuzz/`) include this
//! file and call these checks on every input they make; `tests/fuzz_regressions.rs` calls
//! them on the inputs the fuzzers found and on the hostile events. A check panics on a
//! violation, which is what a fuzzer reports.
//!
//! - Every event that deserialises gets an answer: never a panic, never a 500; every answer
//!   carries CORS; every 4xx carries a message; every answer is one `openapi.yaml` documents
//!   for its route, method and status (headers and body, [`crate::openapi`]).
//! - A 200's URL verifies (an independent SigV4 verifier) and its path decodes back to
//!   `images/{id}/{tweet}.png`, where `{id}` is a subject the authorizer context carries, or
//!   the body's `userId` only when there is no authorizer context and the body is trusted;
//!   under the image pipeline to `uploads/{id}/{tweet}` for an upload, to
//!   `images/{id}/{tweet}/{size}` for a download, with the status object's URL beside each
//!   (`invariants/granted.rs`).
//! - Under the defaults an upload URL signs `content-type` and `content-length`; a download
//!   URL makes S3 answer `image/png`; a form's policy pins the bucket, the key, an image type
//!   and a size range of 1 to the limit, and its signature verifies.
//! - With CloudFront on, a download URL is a CloudFront signed URL that the independent edge
//!   check accepts (`edge::verify`, with ring) until the window's end and not after, and its
//!   policy grants exactly `images/*`, or the caller's own folder under `owner`.
//! - The CloudFront signer, on any key text, key pair ID, URL, resource and times: never a
//!   panic; every signature verifies with ring; the edge accepts what the policy grants.

use std::sync::OnceLock;

use base64::Engine;
use lambda_http::request::LambdaRequest;
use presigner::api::{body, ApiRequest, App, Caller, Response, Route};
use presigner::config::Config;
use presigner::lambda::handle_event;
use presigner::lambda::Event;
use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, SigningTime};
use serde_json::Value;

use crate::edge::{self, test_key_group, test_private_key};
use crate::verifier::verify;

mod granted;

use granted::check_url;

const BUCKET: &str = "presigner-fuzz-bucket";
const ENDPOINT: &str = "https://s3.ap-northeast-1.amazonaws.com";
const SECRET: &str = "fuzz-secret/+=";
const ORIGIN: &str = "https://presigner-fuzz-bucket.s3.ap-northeast-1.amazonaws.com";
const MAX_UPLOAD: u64 = 10 * 1024 * 1024;
/// The CloudFront profiles' distribution and the test key's ID (vectors/cloudfront).
const CF_DOMAIN: &str = "d111111abcdef8.cloudfront.net";
const CF_ORIGIN: &str = "https://d111111abcdef8.cloudfront.net";
const CF_KEY_PAIR_ID: &str = "K2JCJMDEHXQW5F";
/// A download URL's lifetime from the window's start: the window (3600 s) and the URL
/// lifetime (1800 s). `now()` is a window's start.
const DOWNLOAD_LIFETIME: u64 = 5400;

fn now() -> SigningTime {
    SigningTime::from_unix_seconds(1_795_608_000).expect("a fixed time")
}

/// The settings a fuzzed app runs with: each download access mode, the original's contract
/// (the body names the user, uploads unconstrained), and downloads through CloudFront.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Profile {
    /// The defaults: `DOWNLOAD_ACCESS=signed-in`.
    SignedIn,
    /// `TRUST_BODY_USER_ID=true`, `REQUIRE_UPLOAD_CONSTRAINTS=false`.
    Original,
    /// `DOWNLOAD_ACCESS=owner`.
    Owner,
    /// `DOWNLOAD_ACCESS=anyone`.
    Anyone,
    /// The defaults with `CLOUDFRONT_*` set: downloads are CloudFront signed URLs.
    SignedInCloudFront,
    /// `DOWNLOAD_ACCESS=owner` with `CLOUDFRONT_*` set: one grant per caller's folder.
    OwnerCloudFront,
    /// The defaults with `IMAGE_PIPELINE=on`: uploads under `uploads/`, downloads of a
    /// variant, status URLs beside them.
    Pipeline,
    /// `IMAGE_PIPELINE=on`, `DOWNLOAD_ACCESS=owner` and `CLOUDFRONT_*`: variants and status
    /// objects under the caller's folder's grant.
    PipelineOwnerCloudFront,
}

impl Profile {
    /// How long upload URLs and forms live: `UPLOAD_URL_EXPIRES_SECONDS`' default, or the
    /// original's 1800 s under its open contract.
    pub fn upload_lifetime(self) -> i64 {
        if self == Profile::Original {
            1800
        } else {
            300
        }
    }

    /// Every profile, in the order an input's length picks them.
    pub const ALL: [Profile; 8] = [
        Profile::SignedIn,
        Profile::Original,
        Profile::Owner,
        Profile::Anyone,
        Profile::SignedInCloudFront,
        Profile::OwnerCloudFront,
        Profile::Pipeline,
        Profile::PipelineOwnerCloudFront,
    ];

    fn trusted(self) -> bool {
        self == Profile::Original
    }

    /// `DOWNLOAD_ACCESS`.
    fn access(self) -> &'static str {
        match self {
            Profile::Owner | Profile::OwnerCloudFront | Profile::PipelineOwnerCloudFront => "owner",
            Profile::Anyone => "anyone",
            Profile::SignedIn
            | Profile::Original
            | Profile::SignedInCloudFront
            | Profile::Pipeline => "signed-in",
        }
    }

    /// Whether download URLs go through CloudFront.
    pub fn cloudfront(self) -> bool {
        matches!(
            self,
            Profile::SignedInCloudFront
                | Profile::OwnerCloudFront
                | Profile::PipelineOwnerCloudFront
        )
    }

    /// Whether `IMAGE_PIPELINE=on`.
    pub fn pipeline(self) -> bool {
        matches!(self, Profile::Pipeline | Profile::PipelineOwnerCloudFront)
    }
}

/// The service for `profile`, built once.
pub fn app(profile: Profile) -> &'static App {
    static APPS: [OnceLock<App>; Profile::ALL.len()] =
        [const { OnceLock::new() }; Profile::ALL.len()];
    let index = Profile::ALL.iter().position(|p| *p == profile).unwrap_or(0);
    APPS[index].get_or_init(|| {
        let trusted = profile.trusted();
        let access = profile.access();
        let key = test_private_key();
        let cloudfront = [
            ("CLOUDFRONT_DOMAIN", CF_DOMAIN),
            ("CLOUDFRONT_KEY_PAIR_ID", CF_KEY_PAIR_ID),
            ("CLOUDFRONT_PRIVATE_KEY", key.as_str()),
        ];
        let env = [
            ("S3_BUCKET_NAME", BUCKET),
            ("S3_ENDPOINT_URL", ENDPOINT),
            ("AWS_REGION", "ap-northeast-1"),
            ("AWS_ACCESS_KEY_ID", "AKIDFUZZ"),
            ("AWS_SECRET_ACCESS_KEY", SECRET),
            ("AWS_SESSION_TOKEN", "fuzz-session-token"),
            ("TRUST_BODY_USER_ID", if trusted { "true" } else { "false" }),
            (
                "REQUIRE_UPLOAD_CONSTRAINTS",
                if trusted { "false" } else { "true" },
            ),
            ("DOWNLOAD_ACCESS", access),
            (
                "IMAGE_PIPELINE",
                if profile.pipeline() { "on" } else { "off" },
            ),
        ];
        let cloudfront = if profile.cloudfront() {
            &cloudfront[..]
        } else {
            &[]
        };
        let config = Config::from_lookup(|k| {
            env.iter()
                .chain(cloudfront)
                .find(|(name, _)| *name == k)
                .map(|(_, v)| v.to_string())
        })
        .expect("the fuzz configuration is valid");
        App::new(config).expect("the fuzz app builds")
    })
}

/// An event as the runtime hands it over. Which app answers depends on the input's length,
/// so every profile is fuzzed.
pub fn check_event(data: &[u8]) {
    check_event_as(data, Profile::ALL[data.len() % Profile::ALL.len()]);
}

/// An event as the runtime hands it over, answered by the app of `profile`.
pub fn check_event_as(data: &[u8], profile: Profile) {
    let Ok(event) = serde_json::from_slice::<Event>(data) else {
        return;
    };
    let (response_event, mut reply) = handle_event(app(profile), &event, now());
    serde_json::to_string(&response_event).expect("the response event serialises");
    reply.response.body = response_event.body().map(str::to_owned);
    check_response(&reply.response);
    let method = crate::openapi::method_of(&event);
    crate::openapi::assert_response(reply.route, method, &reply.response);
    let Event::Request { request, .. } = &event else {
        assert_eq!(reply.response.status, 431);
        return;
    };
    if reply.response.status == 200 {
        // The oracle reads the raw JSON; where serde_json::Value cannot hold it (a number out
        // of f64's range in a field the event types skip unparsed), the event as the runtime
        // deserialised it, in lambda_http's types (never through our conversion).
        let json: Value = serde_json::from_slice(data)
            .or_else(|_| match request {
                LambdaRequest::ApiGatewayV1(e) => serde_json::to_value(e),
                LambdaRequest::ApiGatewayV2(e) => serde_json::to_value(e),
                _ => serde_json::from_slice(data),
            })
            .expect("an event is JSON");
        let is_v1 = matches!(request, LambdaRequest::ApiGatewayV1(_));
        check_granted(&json, is_v1, profile, &reply.response, reply.route);
    }
}

/// A 200 for `event`, checked as `profile` allows: every URL verifies and names only a
/// folder the caller may act on there.
pub fn check_granted(event: &Value, is_v1: bool, profile: Profile, r: &Response, route: Route) {
    let who = who(event, is_v1);
    let text = event["body"].as_str().unwrap_or_default();
    let bytes = if event["isBase64Encoded"] == Value::Bool(true) {
        base64::engine::general_purpose::STANDARD
            .decode(text)
            .expect("a 200 had a decodable body")
    } else {
        text.as_bytes().to_vec()
    };
    let body: Value = serde_json::from_slice(&bytes).expect("a 200 had a JSON body");
    check_url(r, route, profile, &who, &body);
}

/// A request body, through the parsers and through each app for an authorized caller.
pub fn check_body(data: &[u8]) {
    match body::parse(data, MAX_UPLOAD) {
        Ok(parsed) => {
            let json: Value = serde_json::from_slice(data).expect("a parsed body is JSON");
            assert_eq!(json["tweetId"].as_str(), Some(parsed.tweet_id.as_str()));
            check_tweet(parsed.tweet_id.as_str());
            if let Some(user) = &parsed.user_id {
                assert_eq!(json["userId"].as_str(), Some(user.as_str()));
                assert!((1..=128).contains(&user.as_str().len()));
            }
            if let Some(n) = parsed.constraints.content_length {
                assert!((1..=MAX_UPLOAD).contains(&n));
            }
        }
        Err(e) => {
            assert_eq!(e.status(), 400, "{e}");
            assert!(!e.to_string().is_empty());
        }
    }
    match body::parse_batch(data, 1000) {
        Ok(batch) => {
            let images = batch.images;
            let json: Value = serde_json::from_slice(data).expect("a parsed batch is JSON");
            let size = batch.size.map(|s| s.as_str());
            assert_eq!(json["size"].as_str(), size);
            let items = json["images"].as_array().expect("images");
            assert_eq!(items.len(), images.len());
            for (item, image) in items.iter().zip(&images) {
                assert_eq!(item["tweetId"].as_str(), Some(&*image.tweet_id));
                check_tweet(&image.tweet_id);
                assert_eq!(item["userId"].as_str(), image.user_id.as_deref());
            }
        }
        Err(e) => {
            assert_eq!(e.status(), 400, "{e}");
            assert!(!e.to_string().is_empty());
        }
    }
    let who = Who {
        subjects: vec!["fuzz-user".to_owned()],
        authorized: true,
    };
    let json: Option<Value> = serde_json::from_slice(data).ok();
    for (path, route) in [
        ("/api/upload_url", Route::Upload),
        ("/api/upload_form", Route::UploadForm),
        ("/api/download_url", Route::Download),
        ("/api/download_urls", Route::DownloadBatch),
    ] {
        for profile in Profile::ALL {
            let request = ApiRequest {
                method: "POST",
                path: path.into(),
                body: Ok(data.into()),
                caller: Caller::Subject("fuzz-user".into()),
            };
            let reply = app(profile).handle(&request, now());
            check_response(&reply.response);
            if reply.response.status == 200 {
                let body = json.as_ref().expect("a 200 had a JSON body");
                check_url(&reply.response, route, profile, &who, body);
            }
        }
    }
}

/// Presigner inputs from raw bytes: a method byte, a flags byte, expiry and time, then
/// bucket, key, region, endpoint text, token, a header and a query parameter, one per line.
/// The endpoint text only has to parse or be refused; the URL is made for one of four real
/// endpoint shapes (a WHATWG parser would read some hosts differently from how they were
/// signed, such as `1.2.3` as an IPv4 address).
pub fn check_presign(data: &[u8]) {
    if data.len() < 10 {
        return;
    }
    let method = [Method::Get, Method::Put, Method::Head, Method::Delete][usize::from(data[0] % 4)];
    let flags = data[1];
    let expiry = u64::from(u32::from_le_bytes([data[2], data[3], data[4], data[5]]));
    let unix = i64::from(u32::from_le_bytes([data[6], data[7], data[8], data[9]])) * 64;
    let text = String::from_utf8_lossy(&data[10..]);
    let mut fields = text.split('\n');
    let mut next = || fields.next().unwrap_or_default().to_owned();
    let (bucket, key, region, endpoint) = (next(), next(), next(), next());
    let (token, header_name, header_value, query_name, query_value) =
        (next(), next(), next(), next(), next());

    let token = (flags & 1 == 1).then_some(token);
    let (Ok(credentials), Ok(bucket), Ok(object_key), Ok(expiry), Ok(time)) = (
        Credentials::new("AKIDFUZZ", SECRET, token.clone()),
        Bucket::new(bucket),
        ObjectKey::new(key.clone()),
        Expiry::from_secs(expiry),
        SigningTime::from_unix_seconds(unix),
    ) else {
        return;
    };
    if let Err(e) = Endpoint::parse(&endpoint) {
        assert!(!e.to_string().is_empty());
    }
    let endpoint = [
        "https://s3.us-east-1.amazonaws.com",
        "http://localhost:9000",
        "http://127.0.0.1:9000",
        "https://[::1]:8443",
    ][usize::from(flags >> 4 & 3)];
    let Ok(presigner) = Presigner::new(
        credentials,
        &region,
        Endpoint::parse(endpoint).expect("a valid endpoint"),
        if flags & 2 == 2 {
            AddressingStyle::Path
        } else {
            AddressingStyle::Auto
        },
    ) else {
        return;
    };
    let headers: Vec<(&str, &str)> = if flags & 4 == 4 {
        vec![(header_name.as_str(), header_value.as_str())]
    } else {
        vec![]
    };
    let query: Vec<(&str, &str)> = if flags & 8 == 8 {
        vec![(query_name.as_str(), query_value.as_str())]
    } else {
        vec![]
    };
    let request = ObjectRequest {
        headers: &headers,
        query: &query,
        ..ObjectRequest::new(method, &bucket, &object_key, expiry)
    };
    match presigner.presign(&request, time) {
        Ok(url) => {
            let decoded = verify(
                &url,
                SECRET,
                method.as_str(),
                &headers,
                bucket.as_str(),
                endpoint,
            );
            assert_eq!(decoded, key, "the path decodes back to the key");
            let query = url.split_once('?').map_or("", |(_, q)| q);
            let token_param = query
                .split('&')
                .any(|p| p.starts_with("X-Amz-Security-Token="));
            assert_eq!(token_param, token.is_some(), "token parameter in {url}");
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            assert!(
                !headers.is_empty() || !query.is_empty(),
                "checked inputs without extras must sign: {e}"
            );
        }
    }
}

/// CloudFront signer inputs from raw bytes: a flags byte, an offset byte, the end and the
/// start (8 bytes each, little-endian), then the key text, the key pair ID, the URL and the
/// resource, each up to the next `0xff` byte.
///
/// The key text is read as given, or (flags bits 1-2) spliced into one of the test keys at
/// the offset: inserted, written over, or put after the key cut there. Whatever reads must
/// sign as the public key the file carries. Then, with the test key: the grant's policy is
/// JSON that reads back to exactly the inputs, its signature verifies with ring; a signed
/// URL starts with the URL, verifies too, and the independent edge check accepts it just
/// before the end exactly when the policy's resource matches the URL.
pub fn check_cloudfront(data: &[u8]) {
    use presigner_cloudfront::{base64 as cf64, KeyPairId, Policy, PrivateKey, Signer};

    let header = |at: usize| data.get(at).copied().unwrap_or_default();
    let (flags, offset) = (header(0), usize::from(header(1)));
    let number = |at: usize| u64::from_le_bytes(std::array::from_fn(|i| header(at + i)));
    let end = number(2);
    let start = (flags & 1 == 1).then(|| number(10));
    let mut fields = data
        .get(18..)
        .unwrap_or_default()
        .split(|&b| b == 0xff)
        .map(String::from_utf8_lossy);
    let mut next = || fields.next().unwrap_or_default().into_owned();
    let (key_text, id, url, resource) = (next(), next(), next(), next());

    // The key text.
    let base = if flags & 8 == 0 {
        cached_test_key()
    } else {
        test_sec1_key()
    };
    let at = offset * base.len() / 256;
    let pem = match flags >> 1 & 3 {
        0 => key_text,
        1 => format!("{}{key_text}{}", &base[..at], &base[at..]),
        2 => format!(
            "{}{key_text}{}",
            &base[..at],
            base.get(at + key_text.len()..).unwrap_or_default()
        ),
        _ => format!("{}{key_text}", &base[..at]),
    };
    match PrivateKey::from_pem(&pem) {
        Ok(key) => {
            if let Some(point) = carried_public_point(&pem) {
                let signer = Signer::new(KeyPairId::new("K").expect("an ID"), key);
                let signature = signer.sign(b"probe");
                assert!(
                    ring_verifies(&point, b"probe", &signature),
                    "a key read as another than the public key in its file: {pem:?}"
                );
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }

    // The key pair ID.
    let shaped = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_digit() || c.is_ascii_uppercase());
    let id = match KeyPairId::new(id.clone()) {
        Ok(k) => {
            assert!(shaped, "accepted {id:?}");
            k
        }
        Err(_) => {
            assert!(!shaped, "refused {id:?}");
            KeyPairId::new(CF_KEY_PAIR_ID).expect("the test ID")
        }
    };
    let keys = edge::KeyGroup {
        key_pair_id: id.as_str().to_owned(),
        public_point: cached_key_group().public_point.clone(),
    };
    let signer = Signer::new(
        id,
        PrivateKey::from_pem(cached_test_key()).expect("the test key"),
    );

    // The grant.
    let policy = Policy {
        resource: &resource,
        date_less_than: end,
        date_greater_than: start,
    };
    let json = policy.to_json();
    let doc: Value = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}: {json}"));
    let statement = &doc["Statement"][0];
    assert_eq!(statement["Resource"].as_str(), Some(resource.as_str()));
    let condition = &statement["Condition"];
    assert_eq!(
        condition["DateLessThan"]["AWS:EpochTime"].as_u64(),
        Some(end)
    );
    assert_eq!(
        condition
            .get("DateGreaterThan")
            .map(|c| c["AWS:EpochTime"].as_u64()),
        start.map(Some)
    );
    let grant = signer.grant(&policy);
    fn raw<'a>(query: &'a str, name: &str) -> Option<&'a str> {
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }
    let param = |query: &str, name: &str| -> Option<Vec<u8>> {
        let value = raw(query, name)?;
        assert!(!value.contains(['+', '/', '=', '%']), "{name}={value}");
        Some(cf64::decode(value).expect("CloudFront base64"))
    };
    let point = &keys.public_point;
    assert_eq!(
        param(grant.query(), "Policy"),
        Some(json.clone().into_bytes())
    );
    let signature = param(grant.query(), "Signature").expect("a signature");
    assert!(ring_verifies(point, json.as_bytes(), &signature));

    // The signed URL.
    let Ok(signed) = signer.sign_url(&url, &policy) else {
        return;
    };
    assert!(signed.starts_with(&url), "{signed}");
    let query = &signed[url.len() + 1..];
    assert!(
        query.ends_with(&format!(
            "&Key-Pair-Id={}&Hash-Algorithm=SHA256",
            keys.key_pair_id
        )),
        "{signed}"
    );
    let signature = param(query, "Signature").expect("a signature");
    assert!(ring_verifies(point, json.as_bytes(), &signature));
    let canned = policy.is_canned_for(&url);
    let expires = end.to_string();
    assert_eq!(raw(query, "Expires"), canned.then_some(expires.as_str()));
    assert_eq!(param(query, "Policy").is_some(), !canned);
    // Just before the end (and after the start), the edge's answer is the resource's match.
    // A canned URL with `"` or `\` is left out: the edge writes the canned statement without
    // JSON escapes, the signer (as botocore) with them.
    let Some(now) = end.checked_sub(1) else {
        return;
    };
    if start.is_some_and(|s| s >= now) || (canned && url.contains(['"', '\\'])) {
        return;
    }
    let matches = edge::wildcard_match(resource.as_bytes(), url.as_bytes());
    match edge::verify(&signed, &keys, now) {
        Ok(()) => assert!(matches, "the edge took {signed} for {resource:?}"),
        Err(edge::Refusal::ResourceMismatch) => {
            assert!(!matches, "the edge refused {signed}")
        }
        Err(refusal) => panic!("the edge refuses {signed}: {refusal}"),
    }
    assert_eq!(
        edge::verify(&signed, &keys, end),
        Err(edge::Refusal::Expired)
    );
}

/// The test key in SEC1 PEM, with its `EC PARAMETERS` block.
fn test_sec1_key() -> &'static str {
    include_str!("../../vectors/cloudfront/test-key-sec1.pem")
}

/// [`test_private_key`], read once.
fn cached_test_key() -> &'static str {
    static KEY: OnceLock<String> = OnceLock::new();
    KEY.get_or_init(test_private_key)
}

/// [`test_key_group`], read once.
fn cached_key_group() -> &'static edge::KeyGroup {
    static KEYS: OnceLock<edge::KeyGroup> = OnceLock::new();
    KEYS.get_or_init(test_key_group)
}

/// Whether `signature` (DER) over `message` verifies with ring under `point`.
fn ring_verifies(point: &[u8], message: &[u8], signature: &[u8]) -> bool {
    ring::signature::UnparsedPublicKey::new(&ring::signature::ECDSA_P256_SHA256_ASN1, point)
        .verify(message, signature)
        .is_ok()
}

/// The uncompressed P-256 point a PEM private key carries, read without a DER parser: the
/// base64 lines of the first private key block, decoded; after the first SEC1 version and
/// scalar (`02 01 01 04 20` and 32 bytes) and the optional curve (`a0 0a 06 08` P-256's OID),
/// SEC1's `[1] BIT STRING` (`a1 44 03 42 00` and the 65-byte point).
fn carried_public_point(pem: &str) -> Option<Vec<u8>> {
    let unfolded = if !pem.contains('\n') {
        pem.replace("\\n", "\n")
    } else {
        pem.to_owned()
    };
    let body: String = unfolded
        .lines()
        .map(str::trim)
        .skip_while(|l| {
            !matches!(
                *l,
                "-----BEGIN PRIVATE KEY-----" | "-----BEGIN EC PRIVATE KEY-----"
            )
        })
        .skip(1)
        .take_while(|l| !l.starts_with("-----END"))
        .collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(body)
        .ok()?;
    let version_and_scalar = [0x02, 0x01, 0x01, 0x04, 0x20];
    let at = der
        .windows(version_and_scalar.len())
        .position(|w| w == version_and_scalar)?;
    let mut rest = der.get(at + version_and_scalar.len() + 32..)?;
    let curve = [
        0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
    ];
    rest = rest.strip_prefix(&curve[..]).unwrap_or(rest);
    let point = rest.strip_prefix(&[0xa1, 0x44, 0x03, 0x42, 0x00][..])?;
    point.get(..65).map(<[u8]>::to_vec)
}

/// Who an event says is asking: the subjects its authorizer context carries anywhere (a
/// superset of what the conversion reads), and whether it carries an authorizer at all.
#[derive(Debug, Clone)]
pub struct Who {
    /// Every subject found in the authorizer context.
    pub subjects: Vec<String>,
    /// Whether any authorizer context (`{}` included) or an IAM identity is present.
    pub authorized: bool,
}

/// Reads [`Who`] from the raw event JSON.
pub fn who(event: &Value, is_v1: bool) -> Who {
    let context = &event["requestContext"];
    let authorizer = &context["authorizer"];
    let identity = &context["identity"];
    let iam = is_v1
        && ["userArn", "accessKey", "caller", "user"]
            .iter()
            .any(|k| identity[k].as_str().is_some_and(|s| !s.is_empty()));
    let paths: [&[&str]; 4] = [
        &["claims", "sub"],
        &["jwt", "claims", "sub"],
        &["principalId"],
        &["lambda", "sub"],
    ];
    let subjects = paths
        .iter()
        .filter_map(|path| {
            path.iter()
                .fold(authorizer, |v, k| &v[*k])
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    // No authorizer: none, null, or a context of nulls only (an HTTP API payload 1.0 route
    // with no authorizer writes `{"claims": null, "scopes": null}`).
    let all_null = authorizer
        .as_object()
        .is_some_and(|o| !o.is_empty() && o.values().all(Value::is_null));
    Who {
        subjects,
        authorized: !(authorizer.is_null() || all_null) || iam,
    }
}

/// The folders a URL for `route` may name when the body (or batch item) claimed `claimed`,
/// under `profile`: the caller's own (a subject); any claimed folder for downloads under
/// `anyone`, or under `signed-in` for a caller with a subject; any claimed folder with no
/// authorizer under the original's contract. Empty: no URL may be given at all.
pub fn allowed_users(
    who: &Who,
    profile: Profile,
    route: Route,
    claimed: Option<&str>,
) -> Vec<String> {
    let reading = matches!(route, Route::Download | Route::DownloadBatch);
    let Some(claimed) = claimed else {
        return who.subjects.clone();
    };
    let others = (reading && profile.access() == "anyone")
        || (reading && profile.access() == "signed-in" && !who.subjects.is_empty())
        || (!who.authorized && profile.trusted());
    if others || who.subjects.iter().any(|s| s == claimed) {
        vec![claimed.to_owned()]
    } else {
        Vec::new()
    }
}

/// A `tweetId` as the allow-list has it: 1 to 128 bytes of Unicode letters and digits (not
/// the four Hangul fillers), `-`, `_` and `.`, not `.` or `..`.
fn check_tweet(id: &str) {
    assert!((1..=128).contains(&id.len()), "{id:?}");
    assert!(id != "." && id != "..", "{id:?}");
    assert!(
        id.chars().all(|c| (c.is_alphanumeric()
            && !matches!(c as u32, 0x115F | 0x1160 | 0x3164 | 0xFFA0))
            || c == '-'
            || c == '_'
            || c == '.'),
        "{id:?}"
    );
}

/// A user's folder, written here independently of the API: `A-Za-z0-9-_.@` as is, any
/// other byte `~XX` (uppercase hex), and the dots of `.` and `..` escaped too.
pub fn folder_of(user: &str) -> String {
    let whole_dots = user == "." || user == "..";
    user.bytes()
        .map(|b| {
            let kept = b.is_ascii_alphanumeric() || b"-_.@".contains(&b);
            if kept && !whole_dots {
                char::from(b).to_string()
            } else {
                format!("~{b:02X}")
            }
        })
        .collect()
}

fn check_response(r: &Response) {
    assert!(
        [200, 204, 400, 401, 403, 404, 405, 431].contains(&r.status),
        "status {}",
        r.status
    );
    assert!(r.header("access-control-allow-origin").is_some());
    assert_eq!(r.header("cache-control"), Some("no-store"));
    if r.status == 204 {
        assert!(r.body.is_none());
        return;
    }
    let body: Value =
        serde_json::from_str(r.body.as_deref().expect("a body")).expect("a JSON body");
    if r.status >= 400 {
        let message = body["message"].as_str().expect("a message");
        assert!(!message.is_empty());
        assert!(!message.contains(SECRET));
    }
}

/// The event fixtures, for [`check_event_fields`].
const FIXTURES: [&str; 7] = [
    include_str!("../events/rest-v1.json"),
    include_str!("../events/rest-v1-cognito.json"),
    include_str!("../events/rest-v1-custom-domain.json"),
    include_str!("../events/http-v2.json"),
    include_str!("../events/http-v2-jwt.json"),
    include_str!("../events/http-v2-default-stage.json"),
    include_str!("../events/function-url.json"),
];

/// A well-formed event built from a fixture and fuzzer-chosen edits of the fields that steer
/// routing, identity and the body, then checked like [`check_event`]. The first byte picks
/// the fixture; then each edit is a selector byte and a text up to the next `0xff` byte.
pub fn check_event_fields(data: &[u8]) {
    if let Some(event) = fields_event(data) {
        check_event(&event);
    }
}

/// The event [`check_event_fields`] builds from `data`, as bytes: which app answers it
/// depends on their length, as in [`check_event`].
pub fn fields_event(data: &[u8]) -> Option<Vec<u8>> {
    let (&pick, mut rest) = data.split_first()?;
    let mut event: Value = serde_json::from_str(FIXTURES[usize::from(pick) % FIXTURES.len()])
        .expect("a fixture is JSON");
    while let Some((&selector, tail)) = rest.split_first() {
        let end = tail.iter().position(|&b| b == 0xff).unwrap_or(tail.len());
        let text = String::from_utf8_lossy(&tail[..end]).into_owned();
        rest = tail.get(end + 1..).unwrap_or_default();
        edit(&mut event, selector, text);
    }
    let mut bytes = serde_json::to_vec(&event).expect("a Value serialises");
    if pick & 0x80 != 0 {
        bytes.push(b' '); // the other app
    }
    Some(bytes)
}

fn edit(e: &mut Value, selector: u8, text: String) {
    let ctx = "requestContext";
    let s = Value::String(text.clone());
    // 228 (20 mod 26): the batch route; 201 and 202: batch bodies.
    if selector == 201 || selector == 202 {
        let item = if selector == 201 {
            serde_json::json!({"tweetId": text})
        } else {
            serde_json::json!({"userId": text, "tweetId": "t"})
        };
        e["body"] = serde_json::json!({"images": [item.clone(), {"tweetId": "t2"}, item]})
            .to_string()
            .into();
        return;
    }
    match selector % 26 {
        0 => e["path"] = s,
        1 => e["resource"] = s,
        2 => e["rawPath"] = s,
        3 => e["routeKey"] = s,
        4 => e[ctx]["stage"] = s,
        5 => e["httpMethod"] = s,
        6 => e[ctx]["http"]["method"] = s,
        7 => e["body"] = s,
        8 => e["isBase64Encoded"] = Value::Bool(text.len() % 2 == 1),
        9 => e[ctx]["authorizer"] = serde_json::json!({"claims": {"sub": text}}),
        10 => e[ctx]["authorizer"] = serde_json::json!({"jwt": {"claims": {"sub": text}}}),
        11 => e[ctx]["authorizer"] = serde_json::json!({"principalId": text}),
        12 => e[ctx]["authorizer"] = serde_json::json!({"lambda": {"sub": text}}),
        13 => e[ctx]["authorizer"] = serde_json::json!({"iam": {"userArn": text}}),
        14 => e[ctx]["authorizer"] = Value::Null,
        15 => e[ctx]["authorizer"] = serde_json::json!({}),
        16 => e[ctx]["identity"]["userArn"] = s,
        17 => e["pathParameters"] = serde_json::json!({"proxy": text}),
        18 => e["headers"][text.to_ascii_lowercase()] = Value::String("v".into()),
        19 => e["rawQueryString"] = s,
        20 | 23 => {
            let route = match selector {
                228 => "download_urls",
                _ if selector % 26 == 20 => "download_url",
                _ => "upload_form",
            };
            for k in ["path", "resource", "rawPath", "routeKey"] {
                if let Some(p) = e[k].as_str() {
                    e[k] = Value::String(p.replace("upload_url", route));
                }
            }
        }
        21 => e["body"] = serde_json::json!({"userId": text, "tweetId": "t", "contentType": "image/png", "contentLength": 1}).to_string().into(),
        22 => e["body"] = serde_json::json!({"tweetId": text, "contentType": "image/gif", "contentLength": 7}).to_string().into(),
        24 => e["body"] = serde_json::json!({"tweetId": text, "contentType": "image/webp"}).to_string().into(),
        _ => e[ctx]["authorizer"]["claims"]["email"] = s,
    }
}
