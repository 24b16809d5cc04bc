//! The handler driven with real API Gateway / function URL event JSON, through the same
//! event conversion the Lambda runs, checking status, every header and the body: the service,
//! the call and the checks the `tests/api_*.rs` files share. Every answer [`call_at`] gets is
//! checked against `openapi.yaml` ([`crate::openapi`]).

use std::collections::BTreeMap;

use presigner::api::App;
use presigner::config::{Config, ConfigError};
use presigner::lambda::{handle_event, Event};
use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, SigningTime};
use serde_json::{json, Value};

pub const BUCKET: &str = "presigner-test-bucket";

pub const REGION: &str = "ap-northeast-1";

pub const SECRET: &str = "test-secret-never-shown";

pub const NOW: &str = "20261125T120000Z";

pub const SUB: &str = "7d8ca528-4931-4254-9273-ea5ee853f271";

/// The three documented switches back to the original's contract.
pub const ORIGINAL: [(&str, &str); 3] = [
    ("TRUST_BODY_USER_ID", "true"),
    ("REQUIRE_UPLOAD_CONSTRAINTS", "false"),
    ("IMAGE_PIPELINE", "off"),
];

pub fn config(extra: &[(&str, &str)]) -> Config {
    config_result(extra).expect("config")
}

/// How start-up refuses the test environment with `extra` set (panics if it starts).
pub fn config_error(extra: &[(&str, &str)]) -> ConfigError {
    config_result(extra).expect_err("a configuration error")
}

/// The image pipeline's switch as most API tests set it: `off`, whose one object per image
/// (`images/{folder}/{tweetId}.png`) the tests of access, identity, bodies and windows name.
/// The pipeline (the deployed default) is tested in `tests/api_pipeline.rs` with [`PIPELINE`].
pub const KEYS_OF_THE_ORIGINAL: (&str, &str) = ("IMAGE_PIPELINE", "off");

/// The image pipeline switched on, as deployed by default.
pub const PIPELINE: (&str, &str) = ("IMAGE_PIPELINE", "on");

fn config_result(extra: &[(&str, &str)]) -> Result<Config, ConfigError> {
    let mut env: BTreeMap<&str, &str> = [
        ("S3_BUCKET_NAME", BUCKET),
        ("AWS_REGION", REGION),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        KEYS_OF_THE_ORIGINAL,
    ]
    .into();
    env.extend(extra.iter().copied());
    Config::from_lookup(|k| env.get(k).map(|v| v.to_string()))
}

/// The service as deployed by default (identity from the authorizer, constrained uploads),
/// with the original's keys ([`KEYS_OF_THE_ORIGINAL`]).
pub fn app() -> App {
    App::new(config(&[])).unwrap()
}

/// The service with the original's contract switched back on.
pub fn original() -> App {
    App::new(config(&ORIGINAL)).unwrap()
}

/// The service as deployed by default, the image pipeline on, with `extra` settings.
pub fn pipeline(extra: &[(&str, &str)]) -> App {
    let mut env = vec![PIPELINE];
    env.extend_from_slice(extra);
    App::new(config(&env)).unwrap()
}

pub fn now() -> SigningTime {
    SigningTime::parse_amz_date(NOW).unwrap()
}

pub struct Answer {
    pub status: u64,
    pub headers: BTreeMap<String, String>,
    pub body: Option<String>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.body.as_deref().expect("a body")).expect("JSON body")
    }
    pub fn message(&self) -> String {
        self.json()["message"].as_str().expect("message").to_owned()
    }
}

pub fn call_with(app: &App, event: Event) -> Answer {
    call_at(app, event, now())
}

/// [`call_with`] at time `now`.
pub fn call_at(app: &App, event: Event, now: SigningTime) -> Answer {
    let (response, reply) = handle_event(app, &event, now);
    let out = serde_json::to_value(&response).unwrap();
    assert_eq!(out["isBase64Encoded"], json!(false));
    let headers = out["headers"]
        .as_object()
        .expect("headers")
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap().to_owned()))
        .collect();
    let answer = Answer {
        status: out["statusCode"].as_u64().unwrap(),
        headers,
        body: out["body"].as_str().map(str::to_owned),
    };
    // Every answer any API test gets is the one openapi.yaml documents for it.
    let method = crate::openapi::method_of(&event);
    crate::openapi::assert_documented(
        reply.route.as_str(),
        method,
        answer.status as u16,
        &answer.headers,
        answer.body.as_deref(),
    );
    answer
}

pub fn call(event: Event) -> Answer {
    call_with(&app(), event)
}

const CORS: [(&str, &str); 4] = [
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "OPTIONS, POST"),
    (
        "access-control-allow-headers",
        "Content-Type, Authorization",
    ),
    ("cache-control", "no-store"),
];

pub fn assert_headers(a: &Answer, extra: &[(&str, &str)]) {
    let mut expected: BTreeMap<String, String> = CORS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (k, v) in extra {
        expected.insert(k.to_string(), v.to_string());
    }
    assert_eq!(a.headers, expected);
}

pub fn assert_error(a: &Answer, status: u64, says: &str) {
    assert_eq!(a.status, status, "{:?}", a.body);
    let mut extra = vec![("content-type", "application/json")];
    if status == 405 {
        extra.push(("allow", "OPTIONS, POST"));
    }
    if status == 401 {
        extra.push(("www-authenticate", "Bearer"));
    }
    assert_headers(a, &extra);
    let body = a.json();
    assert_eq!(body.as_object().unwrap().len(), 1, "only a message: {body}");
    assert!(
        a.message().contains(says),
        "{:?} does not say {says:?}",
        a.message()
    );
}

/// What every download URL signs besides the key: S3 answers as a PNG a browser may keep
/// for the expiry.
pub const DOWNLOAD_QUERY: [(&str, &str); 2] = [
    ("response-cache-control", "private, max-age=1800"),
    ("response-content-type", "image/png"),
];

/// The download URL the handler should have made at [`NOW`] with the default window (an
/// hour) and expiry, signed directly by the library.
pub fn expected_download_url(key: &str) -> String {
    signed_by_the_library(Method::Get, key, &[], &DOWNLOAD_QUERY, 3600 + 1800)
}

/// What every download URL signs besides the key under the image pipeline: only the
/// `Cache-Control` (each object carries its own verified type).
pub const PIPELINE_DOWNLOAD_QUERY: [(&str, &str); 1] =
    [("response-cache-control", "private, max-age=1800")];

/// [`expected_download_url`] under the image pipeline.
pub fn expected_pipeline_download_url(key: &str) -> String {
    signed_by_the_library(Method::Get, key, &[], &PIPELINE_DOWNLOAD_QUERY, 3600 + 1800)
}

/// The URL the handler should have made, signed directly by the library: a constrained
/// upload (its `headers` hold `if-none-match`) lives `UPLOAD_URL_EXPIRES_SECONDS`' 300 s,
/// anything else the original's 1800 s.
pub fn expected_url(
    method: Method,
    key: &str,
    headers: &[(&str, &str)],
    query: &[(&str, &str)],
) -> String {
    let lifetime = if headers.iter().any(|(k, _)| *k == "if-none-match") {
        300
    } else {
        1800
    };
    signed_by_the_library(method, key, headers, query, lifetime)
}

fn signed_by_the_library(
    method: Method,
    key: &str,
    headers: &[(&str, &str)],
    query: &[(&str, &str)],
    lifetime: u64,
) -> String {
    let c = Credentials::new("AKIDEXAMPLE", SECRET, None).unwrap();
    let p = Presigner::new(
        c,
        REGION,
        Endpoint::regional(REGION).unwrap(),
        AddressingStyle::Auto,
    )
    .unwrap();
    let bucket = Bucket::new(BUCKET).unwrap();
    let key = ObjectKey::new(key).unwrap();
    let r = ObjectRequest {
        headers,
        query,
        ..ObjectRequest::new(method, &bucket, &key, Expiry::from_secs(lifetime).unwrap())
    };
    p.presign(&r, now()).unwrap()
}

/// What a default upload URL for a 5120-byte PNG signs: its type, its length, and that it
/// writes once.
pub const PNG_5120: [(&str, &str); 3] = [
    ("content-type", "image/png"),
    ("content-length", "5120"),
    ("if-none-match", "*"),
];

/// Checks a success answer and its URL part by part; returns the URL.
pub fn assert_url(a: &Answer, key_path: &str, signed_headers: &str) -> url::Url {
    assert_eq!(a.status, 200, "{:?}", a.body);
    assert_headers(a, &[("content-type", "application/json")]);
    let url = url::Url::parse(a.json()["presignedUrl"].as_str().unwrap()).unwrap();
    assert_eq!(url.scheme(), "https");
    assert_eq!(
        url.host_str(),
        Some("presigner-test-bucket.s3.ap-northeast-1.amazonaws.com")
    );
    assert_eq!(url.path(), key_path);
    let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["X-Amz-Algorithm"], "AWS4-HMAC-SHA256");
    assert_eq!(
        q["X-Amz-Credential"],
        "AKIDEXAMPLE/20261125/ap-northeast-1/s3/aws4_request"
    );
    // NOW is on the hour: the start of its cache window too.
    assert_eq!(q["X-Amz-Date"], NOW);
    let download = q.contains_key("response-content-type");
    let lifetime = if download {
        "5400"
    } else if signed_headers.contains("if-none-match") {
        "300"
    } else {
        "1800"
    };
    assert_eq!(
        q["X-Amz-Expires"], lifetime,
        "the window (3600) plus the expiry for downloads; 300 s for a constrained upload"
    );
    assert_eq!(q["X-Amz-SignedHeaders"], signed_headers);
    assert_eq!(q["X-Amz-Signature"].len(), 64);
    url
}

/// Points an `upload_url` event at `route`, wherever its front door keeps the route.
pub fn to_route(e: &mut Value, route: &str) {
    for k in ["path", "rawPath", "resource", "routeKey"] {
        if let Some(p) = e[k].as_str() {
            e[k] = json!(p.replace("upload_url", route));
        }
    }
    if let Some(p) = e["requestContext"]["routeKey"].as_str() {
        e["requestContext"]["routeKey"] = json!(p.replace("upload_url", route));
    }
}

pub fn to_download(e: &mut Value) {
    to_route(e, "download_url");
}

/// An edit that points the event at `route` and sets `body`.
pub fn route_with_body(route: &'static str, body: Value) -> impl FnOnce(&mut Value) {
    move |e| {
        to_route(e, route);
        e["body"] = json!(body.to_string());
        e["isBase64Encoded"] = json!(false);
    }
}

/// A batch body for `(userId, tweetId)` pairs; an empty `userId` is left out.
pub fn batch(images: &[(&str, &str)]) -> Value {
    let items: Vec<Value> = images
        .iter()
        .map(|(user, tweet)| match *user {
            "" => json!({ "tweetId": tweet }),
            user => json!({ "userId": user, "tweetId": tweet }),
        })
        .collect();
    json!({ "images": items })
}

/// The keys a 200's download URLs name (`images/...`), decoded, in order: from
/// `presignedUrls`, or the one `presignedUrl`.
pub fn download_keys(a: &Answer) -> Vec<String> {
    assert_eq!(a.status, 200, "{:?}", a.body);
    let json = a.json();
    let urls: Vec<String> = match json["presignedUrls"].as_array() {
        Some(urls) => urls
            .iter()
            .map(|u| u.as_str().unwrap().to_owned())
            .collect(),
        None => vec![json["presignedUrl"].as_str().unwrap().to_owned()],
    };
    urls.iter()
        .map(|u| {
            let url = url::Url::parse(u).unwrap();
            percent_encoding::percent_decode_str(&url.path()[1..])
                .decode_utf8()
                .unwrap()
                .into_owned()
        })
        .collect()
}
