//! The handler driven with real API Gateway / function URL event JSON, through the same
//! event adapter the Lambda runs, checking status, every header and the body.

mod support;

use std::collections::BTreeMap;

use lambda_http::request::LambdaRequest;
use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::handle_event;
use presigner::s3::{Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner};
use presigner::sigv4::{Credentials, SigningTime};
use serde_json::{json, Value};
use support::events::{event, with_body};

const BUCKET: &str = "presigner-test-bucket";
const REGION: &str = "ap-northeast-1";
const SECRET: &str = "test-secret-never-shown";
const NOW: &str = "20261125T120000Z";

fn config(extra: &[(&str, &str)]) -> Config {
    let mut env: BTreeMap<&str, &str> = [
        ("S3_BUCKET_NAME", BUCKET),
        ("AWS_REGION", REGION),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ]
    .into();
    env.extend(extra.iter().copied());
    Config::from_lookup(|k| env.get(k).map(|v| v.to_string())).expect("config")
}

fn app() -> App {
    App::new(config(&[])).unwrap()
}

fn now() -> SigningTime {
    SigningTime::parse_amz_date(NOW).unwrap()
}

struct Answer {
    status: u64,
    headers: BTreeMap<String, String>,
    body: Option<String>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(self.body.as_deref().expect("a body")).expect("JSON body")
    }
    fn message(&self) -> String {
        self.json()["message"].as_str().expect("message").to_owned()
    }
}

fn call_with(app: &App, event: LambdaRequest) -> Answer {
    let (response, _) = handle_event(app, event, now());
    let out = serde_json::to_value(&response).unwrap();
    assert_eq!(out["isBase64Encoded"], json!(false));
    let headers = out["headers"]
        .as_object()
        .expect("headers")
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v.as_str().unwrap().to_owned()))
        .collect();
    Answer {
        status: out["statusCode"].as_u64().unwrap(),
        headers,
        body: out["body"].as_str().map(str::to_owned),
    }
}

fn call(event: LambdaRequest) -> Answer {
    call_with(&app(), event)
}

const CORS: [(&str, &str); 4] = [
    ("access-control-allow-origin", "*"),
    ("access-control-allow-methods", "OPTIONS, POST"),
    ("access-control-allow-headers", "Content-Type"),
    ("cache-control", "no-store"),
];

fn assert_headers(a: &Answer, extra: &[(&str, &str)]) {
    let mut expected: BTreeMap<String, String> = CORS
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for (k, v) in extra {
        expected.insert(k.to_string(), v.to_string());
    }
    assert_eq!(a.headers, expected);
}

fn assert_error(a: &Answer, status: u64, says: &str) {
    assert_eq!(a.status, status, "{:?}", a.body);
    let mut extra = vec![("content-type", "application/json")];
    if status == 405 {
        extra.push(("allow", "OPTIONS, POST"));
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

/// The URL the handler should have made, signed directly by the library.
fn expected_url(
    method: Method,
    key: &str,
    headers: &[(&str, &str)],
    token: Option<&str>,
) -> String {
    let c = Credentials::new("AKIDEXAMPLE", SECRET, token.map(str::to_owned)).unwrap();
    let p = Presigner::new(c, REGION, Endpoint::regional(REGION).unwrap(), false).unwrap();
    let bucket = Bucket::new(BUCKET).unwrap();
    let key = ObjectKey::new(key).unwrap();
    let r = ObjectRequest {
        headers,
        ..ObjectRequest::new(method, &bucket, &key, Expiry::from_secs(1800).unwrap())
    };
    p.presign(&r, now()).unwrap()
}

/// Checks a success answer and its URL part by part; returns the URL.
fn assert_url(a: &Answer, method: Method, key_path: &str, signed_headers: &str) -> url::Url {
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
    assert_eq!(q["X-Amz-Date"], NOW);
    assert_eq!(q["X-Amz-Expires"], "1800");
    assert_eq!(q["X-Amz-SignedHeaders"], signed_headers);
    assert_eq!(q["X-Amz-Signature"].len(), 64);
    let _ = method;
    url
}

#[test]
fn upload_and_download_keep_the_original_contract_on_every_event_kind() {
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let up = call(event(file, |_| {}));
        let url = assert_url(
            &up,
            Method::Put,
            "/images/test%40mail.com/test_id.png",
            "host",
        );
        assert_eq!(
            up.json().as_object().unwrap().len(),
            1,
            "{file}: exactly the original's shape"
        );
        assert_eq!(
            url.as_str(),
            expected_url(Method::Put, "images/test@mail.com/test_id.png", &[], None),
            "{file}"
        );

        let down = call(event(file, |e| {
            for k in ["path", "rawPath"] {
                if let Some(p) = e[k].as_str() {
                    e[k] = json!(p.replace("upload_url", "download_url"));
                }
            }
        }));
        let url = assert_url(
            &down,
            Method::Get,
            "/images/test%40mail.com/test_id.png",
            "host",
        );
        assert_eq!(
            url.as_str(),
            expected_url(Method::Get, "images/test@mail.com/test_id.png", &[], None),
            "{file}"
        );
        assert_ne!(
            url.as_str(),
            expected_url(Method::Put, "images/test@mail.com/test_id.png", &[], None)
        );
    }
}

#[test]
fn routes_without_the_stage_whatever_the_event_puts_in_the_path() {
    // REST: `path` has no stage, lambda_http adds it; HTTP API with a named stage: rawPath has it.
    let a = call(event("http-v2.json", |e| {
        e["rawPath"] = json!("/Prod/api/upload_url");
        e["requestContext"]["stage"] = json!("Prod");
    }));
    assert_url(
        &a,
        Method::Put,
        "/images/test%40mail.com/test_id.png",
        "host",
    );
    let a = call(event("http-v2.json", |e| {
        e["rawPath"] = json!("/api/upload_url");
        e["requestContext"]["stage"] = json!("$default");
    }));
    assert_eq!(a.status, 200);
    let a = call(event("rest-v1.json", |e| {
        e["requestContext"]["stage"] = json!("Prod")
    }));
    assert_eq!(a.status, 200);
}

#[test]
fn body_is_json_whatever_the_content_type_header_says() {
    let a = call(event("rest-v1.json", |e| {
        e["headers"].as_object_mut().unwrap().remove("content-type");
        e["multiValueHeaders"]
            .as_object_mut()
            .unwrap()
            .remove("content-type");
    }));
    assert_eq!(a.status, 200);
    let a = call(event("http-v2.json", |e| {
        e["headers"]["content-type"] = json!("text/plain")
    }));
    assert_eq!(a.status, 200);
}

#[test]
fn ids_are_encoded_once_in_the_key() {
    let body = json!({"userId": "a b+c@d~e", "tweetId": "caf\u{e9} \u{1f600}"}).to_string();
    let a = call(event("rest-v1.json", with_body(&body)));
    assert_url(
        &a,
        Method::Put,
        "/images/a%20b%2Bc%40d~e/caf%C3%A9%20%F0%9F%98%80.png",
        "host",
    );
}

#[test]
fn constrained_uploads_sign_the_headers_and_list_them() {
    let body = r#"{"userId":"test@mail.com","tweetId":"test_id","contentType":"image/png","contentLength":5120}"#;
    let a = call(event("http-v2.json", with_body(body)));
    let url = assert_url(
        &a,
        Method::Put,
        "/images/test%40mail.com/test_id.png",
        "content-length;content-type;host",
    );
    let expected = expected_url(
        Method::Put,
        "images/test@mail.com/test_id.png",
        &[("content-type", "image/png"), ("content-length", "5120")],
        None,
    );
    assert_eq!(url.as_str(), expected);
    assert_eq!(
        a.json(),
        json!({
            "presignedUrl": expected,
            "headers": {"Content-Type": "image/png", "Content-Length": "5120"},
            "expiresAt": "2026-11-25T12:30:00Z"
        })
    );
    let a = call(event(
        "http-v2.json",
        with_body(r#"{"userId":"u","tweetId":"t","contentType":"image/webp"}"#),
    ));
    assert_url(&a, Method::Put, "/images/u/t.png", "content-type;host");
    assert_eq!(a.json()["headers"], json!({"Content-Type": "image/webp"}));
}

#[test]
fn session_token_and_settings_from_config_reach_the_url() {
    let app = App::new(config(&[
        ("AWS_SESSION_TOKEN", "tok/en+=="),
        ("URL_EXPIRES_SECONDS", "60"),
        ("S3_ENDPOINT_URL", "http://127.0.0.1:9000"),
    ]))
    .unwrap();
    let a = call_with(&app, event("rest-v1.json", |_| {}));
    assert_eq!(a.status, 200);
    let url = a.json()["presignedUrl"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(
            "http://127.0.0.1:9000/presigner-test-bucket/images/test%40mail.com/test_id.png?"
        ),
        "{url}"
    );
    assert!(url.contains("X-Amz-Security-Token=tok%2Fen%2B%3D%3D&"));
    assert!(url.contains("X-Amz-Expires=60&"));
}

#[test]
fn authorizer_identity_builds_the_key_and_refuses_another_user_id() {
    // REST + Cognito user pool: the email claim.
    let a = call(event(
        "rest-v1-cognito.json",
        with_body(r#"{"tweetId":"t1"}"#),
    ));
    assert_url(
        &a,
        Method::Put,
        "/images/alice%40example.com/t1.png",
        "host",
    );
    let a = call(event(
        "rest-v1-cognito.json",
        with_body(r#"{"userId":"alice@example.com","tweetId":"t1"}"#),
    ));
    assert_eq!(a.status, 200);
    let a = call(event(
        "rest-v1-cognito.json",
        with_body(r#"{"userId":"test@mail.com","tweetId":"t1"}"#),
    ));
    assert_error(&a, 403, "does not match the signed-in user");
    // HTTP API + JWT without email: the sub claim.
    let a = call(event("http-v2-jwt.json", with_body(r#"{"tweetId":"t1"}"#)));
    assert_url(
        &a,
        Method::Put,
        "/images/7d8ca528-4931-4254-9273-ea5ee853f271/t1.png",
        "host",
    );
    let a = call(event("http-v2-jwt.json", |_| {}));
    assert_error(&a, 403, "does not match");
}

#[test]
fn preflight_answers_204_with_cors() {
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let a = call(event(file, |e| {
            e["httpMethod"] = json!("OPTIONS");
            if e["requestContext"]["http"].is_object() {
                e["requestContext"]["http"]["method"] = json!("OPTIONS");
            }
            e["body"] = Value::Null;
        }));
        assert_eq!(a.status, 204, "{file}");
        assert_headers(&a, &[]);
        assert_eq!(a.body, None);
    }
}

#[test]
fn wrong_method_is_405_with_allow_and_unknown_path_404() {
    let a = call(event("rest-v1.json", |e| e["httpMethod"] = json!("GET")));
    assert_error(&a, 405, "method not allowed");
    let a = call(event("http-v2.json", |e| {
        e["requestContext"]["http"]["method"] = json!("PUT")
    }));
    assert_error(&a, 405, "method not allowed");
    let a = call(event("rest-v1.json", |e| {
        e["path"] = json!("/api/delete_url")
    }));
    assert_error(&a, 404, "no such route");
    let a = call(event("function-url.json", |e| e["rawPath"] = json!("/")));
    assert_error(&a, 404, "no such route");
}

#[test]
fn the_callers_mistakes_are_400_with_a_clear_message() {
    let long = "x".repeat(129);
    let big = format!(
        r#"{{"userId":"u","tweetId":"t","pad":"{}"}}"#,
        "x".repeat(16 * 1024)
    );
    let cases: Vec<(String, &str)> = vec![
        ("{\"userId\": ".into(), "not valid JSON"),
        ("".into(), "not valid JSON"),
        ("[\"test@mail.com\"]".into(), "must be a JSON object"),
        ("null".into(), "must be a JSON object"),
        (r#"{"tweetId":"t"}"#.into(), "userId is required"),
        (r#"{"userId":"u"}"#.into(), "tweetId is required"),
        (
            r#"{"userId":"","tweetId":"t"}"#.into(),
            "userId must not be empty",
        ),
        (
            r#"{"userId":"u","tweetId":42}"#.into(),
            "tweetId must be a string",
        ),
        (
            r#"{"userId":["u"],"tweetId":"t"}"#.into(),
            "userId must be a string",
        ),
        (
            format!(r#"{{"userId":"{long}","tweetId":"t"}}"#),
            "at most 128 bytes",
        ),
        (
            r#"{"userId":"a/b","tweetId":"t"}"#.into(),
            "must not contain '/'",
        ),
        (
            r#"{"userId":"a\\b","tweetId":"t"}"#.into(),
            "must not contain '/' or '\\'",
        ),
        (
            r#"{"userId":"u","tweetId":"a\u0007b"}"#.into(),
            "control characters",
        ),
        (
            r#"{"userId":"..","tweetId":"t"}"#.into(),
            "must not be '.' or '..'",
        ),
        (
            r#"{"userId":"u","tweetId":"."}"#.into(),
            "must not be '.' or '..'",
        ),
        (
            r#"{"userId":"u","tweetId":"t","contentType":"text/html"}"#.into(),
            "contentType must be one of",
        ),
        (
            r#"{"userId":"u","tweetId":"t","contentType":7}"#.into(),
            "contentType must be a string",
        ),
        (
            r#"{"userId":"u","tweetId":"t","contentLength":10485761}"#.into(),
            "from 1 to 10485760",
        ),
        (
            r#"{"userId":"u","tweetId":"t","contentLength":"5"}"#.into(),
            "contentLength must be a whole number",
        ),
        (big, "larger than 16384 bytes"),
    ];
    for (body, says) in &cases {
        let a = call(event("rest-v1.json", with_body(body)));
        assert_error(&a, 400, says);
    }
    let a = call(event("rest-v1.json", |e| e["body"] = Value::Null));
    assert_error(&a, 400, "not valid JSON");
    let a = call(event("rest-v1.json", |e| {
        e["path"] = json!("/api/download_url");
        e["body"] = json!(r#"{"userId":"u","tweetId":"t","contentType":"image/png"}"#);
    }));
    assert_error(&a, 400, "apply to upload_url only");
}

#[test]
fn a_base64_body_that_does_not_decode_is_400_not_a_panic() {
    for file in ["function-url.json", "rest-v1.json", "http-v2.json"] {
        let a = call(event(file, |e| {
            e["body"] = json!("not base64!");
            e["isBase64Encoded"] = json!(true);
        }));
        assert_error(&a, 400, "marked base64 but does not decode");
    }
}

#[test]
fn answers_never_carry_the_secret() {
    let a = call(event("rest-v1.json", |_| {}));
    assert!(!a.body.unwrap().contains(SECRET));
    let shown = format!("{:?}", app());
    assert!(!shown.contains(SECRET), "{shown}");
}
