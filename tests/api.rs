//! The handler driven with real API Gateway / function URL event JSON, through the same
//! event conversion the Lambda runs, checking status, every header and the body.

use std::collections::BTreeMap;

use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::{handle_event, Event};
use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, SigningTime};
use presigner_test_support::events::{event, with_body};
use serde_json::{json, Value};

const BUCKET: &str = "presigner-test-bucket";
const REGION: &str = "ap-northeast-1";
const SECRET: &str = "test-secret-never-shown";
const NOW: &str = "20261125T120000Z";
const SUB: &str = "7d8ca528-4931-4254-9273-ea5ee853f271";

/// The two documented switches back to the original's contract.
const ORIGINAL: [(&str, &str); 2] = [
    ("TRUST_BODY_USER_ID", "true"),
    ("REQUIRE_UPLOAD_CONSTRAINTS", "false"),
];

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

/// The service as deployed by default: identity from the authorizer, constrained uploads.
fn app() -> App {
    App::new(config(&[])).unwrap()
}

/// The service with the original's contract switched back on.
fn original() -> App {
    App::new(config(&ORIGINAL)).unwrap()
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

fn call_with(app: &App, event: Event) -> Answer {
    let (response, _) = handle_event(app, &event, now());
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

fn call(event: Event) -> Answer {
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

/// The URL the handler should have made, signed directly by the library.
fn expected_url(
    method: Method,
    key: &str,
    headers: &[(&str, &str)],
    query: &[(&str, &str)],
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
        ..ObjectRequest::new(method, &bucket, &key, Expiry::from_secs(1800).unwrap())
    };
    p.presign(&r, now()).unwrap()
}

const PNG_5120: [(&str, &str); 2] = [("content-type", "image/png"), ("content-length", "5120")];
const AS_PNG: [(&str, &str); 1] = [("response-content-type", "image/png")];

/// Checks a success answer and its URL part by part; returns the URL.
fn assert_url(a: &Answer, key_path: &str, signed_headers: &str) -> url::Url {
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
    url
}

/// Points an `upload_url` event at `route`, wherever its front door keeps the route.
fn to_route(e: &mut Value, route: &str) {
    for k in ["path", "rawPath", "resource", "routeKey"] {
        if let Some(p) = e[k].as_str() {
            e[k] = json!(p.replace("upload_url", route));
        }
    }
    if let Some(p) = e["requestContext"]["routeKey"].as_str() {
        e["requestContext"]["routeKey"] = json!(p.replace("upload_url", route));
    }
}

fn to_download(e: &mut Value) {
    to_route(e, "download_url");
}

#[test]
fn the_original_contract_is_one_switch_away_on_every_event_kind() {
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let up = call_with(&original(), event(file, |_| {}));
        let url = assert_url(&up, "/images/test%40mail.com/test_id.png", "host");
        assert_eq!(
            up.json().as_object().unwrap().len(),
            1,
            "{file}: exactly the original's shape"
        );
        assert_eq!(
            url.as_str(),
            expected_url(Method::Put, "images/test@mail.com/test_id.png", &[], &[]),
            "{file}"
        );

        let down = call_with(&original(), event(file, to_download));
        let url = assert_url(&down, "/images/test%40mail.com/test_id.png", "host");
        assert_eq!(
            url.as_str(),
            expected_url(
                Method::Get,
                "images/test@mail.com/test_id.png",
                &[],
                &AS_PNG
            ),
            "{file}"
        );
        assert_eq!(down.json().as_object().unwrap().len(), 1);
    }
}

#[test]
fn by_default_an_anonymous_caller_is_401_whatever_the_body_says() {
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let a = call(event(file, |_| {}));
        assert_error(&a, 401, "sign in first");
        // Even a malformed body: the caller learns nothing before it is identified.
        let a = call(event(file, with_body("{not json")));
        assert_error(&a, 401, "sign in first");
    }
    // Preflights are answered for anyone.
    let a = call(event("rest-v1.json", |e| {
        e["httpMethod"] = json!("OPTIONS")
    }));
    assert_eq!(a.status, 204);
}

#[test]
fn by_default_an_upload_needs_a_type_and_a_length_and_signs_them() {
    let body = json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 5120});
    let a = call(event("http-v2-jwt.json", with_body(&body.to_string())));
    let url = assert_url(
        &a,
        &format!("/images/{SUB}/t1.png"),
        "content-length;content-type;host",
    );
    let expected = expected_url(Method::Put, &format!("images/{SUB}/t1.png"), &PNG_5120, &[]);
    assert_eq!(url.as_str(), expected);
    assert_eq!(
        a.json(),
        json!({
            "presignedUrl": expected,
            "headers": {"Content-Type": "image/png", "Content-Length": "5120"},
            "expiresAt": "2026-11-25T12:30:00Z"
        })
    );
    for (body, says) in [
        (
            json!({"tweetId": "t1"}),
            "contentType is required for upload_url",
        ),
        (
            json!({"tweetId": "t1", "contentLength": 10}),
            "contentType is required",
        ),
        (
            json!({"tweetId": "t1", "contentType": "image/gif"}),
            "contentLength is required",
        ),
        (
            json!({"tweetId": "t1", "contentType": "text/html", "contentLength": 10}),
            "contentType must be one of",
        ),
        (
            json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 10485761}),
            "from 1 to 10485760",
        ),
    ] {
        let a = call(event("http-v2-jwt.json", with_body(&body.to_string())));
        assert_error(&a, 400, says);
    }
    // Downloads need neither, and refuse them.
    let a = call(event("http-v2-jwt.json", |e| {
        to_download(e);
        with_body(r#"{"tweetId":"t1"}"#)(e);
    }));
    assert_url(&a, &format!("/images/{SUB}/t1.png"), "host");
}

#[test]
fn download_urls_make_s3_answer_as_an_image_whatever_was_stored() {
    let a = call(event("http-v2-jwt.json", |e| {
        to_download(e);
        with_body(r#"{"tweetId":"t1"}"#)(e);
    }));
    let url = assert_url(&a, &format!("/images/{SUB}/t1.png"), "host");
    let q: BTreeMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response-content-type"], "image/png");
    assert_eq!(
        url.as_str(),
        expected_url(Method::Get, &format!("images/{SUB}/t1.png"), &[], &AS_PNG)
    );
}

#[test]
fn the_key_is_the_authorizers_subject_never_the_email_or_the_body() {
    let up = r#"{"tweetId":"t1","contentType":"image/png","contentLength":5120}"#;
    let expected = expected_url(Method::Put, &format!("images/{SUB}/t1.png"), &PNG_5120, &[]);
    // REST + Cognito user pool (an ID token: email present), HTTP API + JWT (an access token:
    // no email), REST behind a custom domain, HTTP API on $default: one user, one folder.
    for file in [
        "rest-v1-cognito.json",
        "http-v2-jwt.json",
        "rest-v1-custom-domain.json",
        "http-v2-default-stage.json",
    ] {
        for app in [app(), original()] {
            let a = call_with(&app, event(file, with_body(up)));
            assert_eq!(a.status, 200, "{file}: {:?}", a.body);
            assert_eq!(a.json()["presignedUrl"], json!(expected), "{file}");
        }
    }
    // The same sub in the body is fine; another user's id, even the user's own email, is not.
    let same =
        json!({"userId": SUB, "tweetId": "t1", "contentType": "image/png", "contentLength": 5120});
    let a = call(event("rest-v1-cognito.json", with_body(&same.to_string())));
    assert_eq!(a.json()["presignedUrl"], json!(expected));
    for claimed in ["victim", "alice@example.com"] {
        let body = json!({"userId": claimed, "tweetId": "t1", "contentType": "image/png", "contentLength": 5120});
        for app in [app(), original()] {
            let a = call_with(
                &app,
                event("rest-v1-cognito.json", with_body(&body.to_string())),
            );
            assert_error(&a, 403, "does not match the signed-in user");
        }
    }
    // A changed (unverified) or empty email claim changes nothing.
    for email in ["victim@example.com", ""] {
        let a = call(event("rest-v1-cognito.json", |e| {
            e["requestContext"]["authorizer"]["claims"]["email"] = json!(email);
            with_body(up)(e);
        }));
        assert_eq!(a.json()["presignedUrl"], json!(expected), "{email:?}");
    }
}

/// Every authorizer shape that carries no usable subject is 403, and the body never decides,
/// even with `TRUST_BODY_USER_ID` on.
#[test]
fn an_authorizer_without_a_subject_is_403_and_never_falls_back_to_the_body() {
    type Edit = Box<dyn Fn(&mut Value)>;
    let victim = r#"{"userId":"victim","tweetId":"t","contentType":"image/png","contentLength":5}"#;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"]["email"] = json!("")),
            "does not match the signed-in user",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| {
                let claims = e["requestContext"]["authorizer"]["claims"]
                    .as_object_mut()
                    .unwrap();
                claims.remove("sub");
            }),
            "without a sub claim",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"]["sub"] = json!("")),
            "without a sub claim",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"]["sub"] = json!(42)),
            "without a sub claim",
        ),
        (
            "rest-v1-cognito.json",
            Box::new(|e| e["requestContext"]["authorizer"]["claims"] = json!({})),
            "without a sub claim",
        ),
        (
            "rest-v1.json",
            Box::new(|e| {
                e["requestContext"]["authorizer"] =
                    json!({"integrationLatency": 12, "role": "admin"})
            }),
            "an authorizer this API does not know",
        ),
        (
            "rest-v1.json",
            Box::new(|e| e["requestContext"]["authorizer"] = json!({"principalId": ""})),
            "without a principalId",
        ),
        (
            "rest-v1.json",
            Box::new(|e| {
                let id = &mut e["requestContext"]["identity"];
                id["accessKey"] = json!("ASIAEXAMPLE");
                id["userArn"] = json!("arn:aws:sts::123456789012:assumed-role/r/s");
                id["caller"] = json!("AROAEXAMPLE:s");
            }),
            "IAM authorization",
        ),
        (
            "http-v2.json",
            Box::new(
                |e| e["requestContext"]["authorizer"] = json!({"iam": {"accessKey": "ASIA", "accountId": "1", "callerId": "AROA:s", "userArn": "arn:aws:sts::1:assumed-role/r/s", "userId": "AROA:s"}}),
            ),
            "IAM authorization",
        ),
        (
            "http-v2.json",
            Box::new(|e| e["requestContext"]["authorizer"] = json!({"lambda": {"role": "admin"}})),
            "without a sub in its context",
        ),
        (
            "http-v2.json",
            Box::new(|e| {
                e["requestContext"]["authorizer"] =
                    json!({"jwt": {"claims": {"email": "victim"}, "scopes": null}})
            }),
            "without a sub claim",
        ),
        (
            "http-v2.json",
            Box::new(|e| e["requestContext"]["authorizer"] = json!({})),
            "an authorizer this API does not know",
        ),
        (
            "function-url.json",
            Box::new(|e| {
                e["requestContext"]["authorizer"] = json!({"iam": {"accessKey": "AKIA", "accountId": "1", "callerId": "AIDA", "userArn": "arn:aws:iam::1:user/u", "userId": "AIDA"}});
                e["isBase64Encoded"] = json!(false);
            }),
            "IAM authorization",
        ),
    ];
    for (i, (file, edit, says)) in cases.iter().enumerate() {
        for app in [app(), original()] {
            let a = call_with(
                &app,
                event(file, |e| {
                    edit(e);
                    with_body(victim)(e);
                }),
            );
            assert_eq!(a.status, 403, "case {i}");
            assert_error(&a, 403, says);
        }
    }
}

#[test]
fn lambda_authorizers_key_on_their_principal() {
    let up = r#"{"tweetId":"t","contentType":"image/png","contentLength":5}"#;
    let a = call(event("rest-v1.json", |e| {
        e["requestContext"]["authorizer"] =
            json!({"principalId": "user-123", "integrationLatency": 3});
        with_body(up)(e);
    }));
    assert_url(
        &a,
        "/images/user-123/t.png",
        "content-length;content-type;host",
    );
    let a = call(event("http-v2.json", |e| {
        e["requestContext"]["authorizer"] = json!({"lambda": {"sub": "user-456", "plan": "pro"}});
        with_body(up)(e);
    }));
    assert_url(
        &a,
        "/images/user-456/t.png",
        "content-length;content-type;host",
    );
    // A subject that cannot be a key segment is refused, not rewritten.
    let a = call(event("rest-v1.json", |e| {
        e["requestContext"]["authorizer"] = json!({"principalId": "a/b"});
        with_body(up)(e);
    }));
    assert_error(&a, 403, "cannot be used in an object key");
}

#[test]
fn routing_follows_what_api_gateway_matched_not_how_it_is_mounted() {
    let app = original();
    // REST: the custom domain's base path is in `path`; `resource` is the route.
    let a = call_with(&app, event("rest-v1-custom-domain.json", |_| {}));
    assert_eq!(a.status, 200, "{:?}", a.body);
    let a = call_with(
        &app,
        event("rest-v1-custom-domain.json", |e| {
            e["resource"] = json!("/api/download_url");
            with_body(r#"{"tweetId":"t"}"#)(e);
        }),
    );
    assert_eq!(a.status, 200);
    assert!(a.json()["presignedUrl"]
        .as_str()
        .unwrap()
        .contains("response-content-type=image%2Fpng"));
    // REST with a greedy proxy resource: the route is the proxy parameter.
    let a = call_with(
        &app,
        event("rest-v1.json", |e| {
            e["resource"] = json!("/{proxy+}");
            e["path"] = json!("/base/api/upload_url");
            e["pathParameters"] = json!({"proxy": "api/upload_url"});
        }),
    );
    assert_eq!(a.status, 200);
    // A resource that is not ours is 404 whatever the path says.
    let a = call_with(
        &app,
        event("rest-v1.json", |e| e["resource"] = json!("/api/other")),
    );
    assert_error(&a, 404, "no such route");
    // HTTP API: the routeKey decides, whatever the raw path holds (stage, mapping key).
    let a = call_with(
        &app,
        event("http-v2.json", |e| {
            e["rawPath"] = json!("/v1/mapped/api/upload_url")
        }),
    );
    assert_eq!(a.status, 200);
    // HTTP API $default route with a named stage, and on the $default stage.
    for (stage, raw) in [
        ("Prod", "/Prod/api/upload_url"),
        ("$default", "/api/upload_url"),
    ] {
        let a = call_with(
            &app,
            event("http-v2.json", |e| {
                e["routeKey"] = json!("$default");
                e["requestContext"]["routeKey"] = json!("$default");
                e["requestContext"]["stage"] = json!(stage);
                e["rawPath"] = json!(raw);
            }),
        );
        assert_eq!(a.status, 200, "{stage}");
    }
    // Function URL: the path.
    let a = call_with(
        &app,
        event("function-url.json", |e| {
            e["rawPath"] = json!("/v1/api/upload_url")
        }),
    );
    assert_error(&a, 404, "no such route");
}

#[test]
fn body_is_json_whatever_the_content_type_header_says() {
    let a = call_with(
        &original(),
        event("rest-v1.json", |e| {
            e["headers"].as_object_mut().unwrap().remove("content-type");
            e["multiValueHeaders"]
                .as_object_mut()
                .unwrap()
                .remove("content-type");
        }),
    );
    assert_eq!(a.status, 200);
    let a = call_with(
        &original(),
        event("http-v2.json", |e| {
            e["headers"]["content-type"] = json!("text/plain")
        }),
    );
    assert_eq!(a.status, 200);
}

#[test]
fn ids_are_encoded_once_in_the_key() {
    let body = json!({"userId": "a b+c@d~e", "tweetId": "caf\u{e9} \u{1f600}"}).to_string();
    let a = call_with(&original(), event("rest-v1.json", with_body(&body)));
    assert_url(
        &a,
        "/images/a%20b%2Bc%40d~e/caf%C3%A9%20%F0%9F%98%80.png",
        "host",
    );
}

#[test]
fn session_token_and_settings_from_config_reach_the_url() {
    let mut env = ORIGINAL.to_vec();
    env.extend([
        ("AWS_SESSION_TOKEN", "tok/en+=="),
        ("URL_EXPIRES_SECONDS", "60"),
        ("S3_ENDPOINT_URL", "http://127.0.0.1:9000"),
    ]);
    let app = App::new(config(&env)).unwrap();
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
fn cors_names_the_configured_origin_and_allows_the_authorization_header() {
    let app = App::new(config(&[("CORS_ALLOW_ORIGIN", "https://app.example.com")])).unwrap();
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let a = call_with(
            &app,
            event(file, |e| {
                e["httpMethod"] = json!("OPTIONS");
                if e["requestContext"]["http"].is_object() {
                    e["requestContext"]["http"]["method"] = json!("OPTIONS");
                }
            }),
        );
        assert_eq!(a.status, 204);
        assert_eq!(
            a.headers["access-control-allow-origin"],
            "https://app.example.com"
        );
        assert_eq!(
            a.headers["access-control-allow-headers"],
            "Content-Type, Authorization"
        );
        let a = call_with(&app, event(file, |_| {}));
        assert_eq!(a.status, 401, "errors carry CORS too");
        assert_eq!(
            a.headers["access-control-allow-origin"],
            "https://app.example.com"
        );
    }
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
        e["resource"] = json!("/api/delete_url")
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
        let a = call_with(&original(), event("rest-v1.json", with_body(body)));
        assert_error(&a, 400, says);
    }
    let a = call_with(
        &original(),
        event("rest-v1.json", |e| e["body"] = Value::Null),
    );
    assert_error(&a, 400, "not valid JSON");
    let a = call_with(
        &original(),
        event("rest-v1.json", |e| {
            to_download(e);
            e["body"] = json!(r#"{"userId":"u","tweetId":"t","contentType":"image/png"}"#);
        }),
    );
    assert_error(&a, 400, "apply to uploads only");
}

/// Values a front door can deliver that made lambda_http's own conversion panic, which with
/// `panic = "abort"` killed the sandbox. Each is answered.
#[test]
fn events_that_used_to_abort_the_process_are_answered() {
    type Edit = fn(&mut Value);
    let cases: [(&str, Edit, u64); 8] = [
        (
            "function-url.json",
            |e| e["rawQueryString"] = json!("q=a b"),
            200,
        ),
        (
            "function-url.json",
            |e| e["headers"]["x-forwarded-proto"] = json!("1"),
            200,
        ),
        (
            "rest-v1.json",
            |e| {
                e["headers"]["X-Forwarded-Proto"] = json!("1");
                e["multiValueHeaders"]["X-Forwarded-Proto"] = json!(["1"]);
            },
            200,
        ),
        ("http-v2.json", |e| e["headers"]["host"] = json!("a b"), 200),
        (
            "rest-v1.json",
            |e| {
                e["path"] = json!("no leading slash %zz");
                e["resource"] = Value::Null;
            },
            404,
        ),
        (
            "http-v2.json",
            |e| {
                e["rawPath"] = json!("//[::1]:bad");
                e["routeKey"] = json!("$default");
            },
            404,
        ),
        (
            "rest-v1.json",
            |e| {
                e["queryStringParameters"] = json!({"a b": "c d"});
                e["multiValueQueryStringParameters"] = json!({"a b": ["c d", "%"]});
            },
            200,
        ),
        (
            "function-url.json",
            |e| e["cookies"] = json!(["a=\u{7f}", "b"]),
            200,
        ),
    ];
    for (i, (file, edit, status)) in cases.iter().enumerate() {
        let a = call_with(&original(), event(file, edit));
        assert_eq!(a.status, *status, "case {i}: {:?}", a.body);
    }
}

#[test]
fn a_base64_body_that_does_not_decode_is_400_not_a_panic() {
    for file in ["function-url.json", "rest-v1.json", "http-v2.json"] {
        let a = call_with(
            &original(),
            event(file, |e| {
                e["body"] = json!("not base64!");
                e["isBase64Encoded"] = json!(true);
            }),
        );
        assert_error(&a, 400, "marked base64 but does not decode");
        let a = call_with(
            &original(),
            event(file, |e| {
                e["body"] = json!("A".repeat(6 * 1024 * 1024));
                e["isBase64Encoded"] = json!(true);
            }),
        );
        assert_error(&a, 400, "larger than 16384 bytes");
    }
}

#[test]
fn answers_and_debug_output_never_carry_secrets_or_signatures() {
    let app = App::new(config(&[
        ("AWS_SESSION_TOKEN", "session-token-value"),
        ("TRUST_BODY_USER_ID", "true"),
        ("REQUIRE_UPLOAD_CONSTRAINTS", "false"),
    ]))
    .unwrap();
    let event = event("rest-v1.json", |_| {});
    let (response, reply) = handle_event(&app, &event, now());
    let body = reply.response.body.clone().unwrap();
    assert!(!body.contains(SECRET));
    let url = serde_json::from_str::<Value>(&body).unwrap()["presignedUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let signature = &url[url.find("X-Amz-Signature=").unwrap() + 16..];
    assert!(url.contains("session-token-value"));
    for shown in [
        format!("{reply:?}"),
        format!("{:?}", reply.response),
        format!("{response:?}"),
        format!("{app:?}"),
    ] {
        for secret in [SECRET, "session-token-value", signature, "X-Amz"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        assert!(shown.contains("200") || shown.contains("App"), "{shown}");
    }
}

const EMPTY_SHA256: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

#[test]
fn a_checksum_is_signed_into_the_upload_url_and_listed_as_a_header() {
    let body = json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 5120, "contentSha256": EMPTY_SHA256});
    let a = call(event("http-v2-jwt.json", with_body(&body.to_string())));
    let url = assert_url(
        &a,
        &format!("/images/{SUB}/t1.png"),
        "content-length;content-type;host;x-amz-checksum-sha256",
    );
    let mut headers = PNG_5120.to_vec();
    headers.push(("x-amz-checksum-sha256", EMPTY_SHA256));
    assert_eq!(
        url.as_str(),
        expected_url(Method::Put, &format!("images/{SUB}/t1.png"), &headers, &[])
    );
    assert_eq!(
        a.json()["headers"],
        json!({"Content-Type": "image/png", "Content-Length": "5120", "x-amz-checksum-sha256": EMPTY_SHA256})
    );
    // A signed header, never a query parameter (which S3 would ignore).
    assert!(url
        .query_pairs()
        .all(|(name, value)| !name.contains("checksum") && value != EMPTY_SHA256));
    for (bad, says) in [
        (
            json!("not base64"),
            "contentSha256 must be the file's SHA-256 in base64",
        ),
        (
            json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            "32 bytes",
        ),
        (json!("AAAA"), "32 bytes"),
        (json!(32), "contentSha256 must be a string"),
    ] {
        let body = json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 5, "contentSha256": bad});
        let a = call(event("http-v2-jwt.json", with_body(&body.to_string())));
        assert_error(&a, 400, says);
    }
    let a = call(event("http-v2-jwt.json", |e| {
        to_download(e);
        with_body(&json!({"tweetId": "t1", "contentSha256": EMPTY_SHA256}).to_string())(e);
    }));
    assert_error(&a, 400, "apply to uploads only");
}

fn to_form(e: &mut Value) {
    to_route(e, "upload_form");
}

#[test]
fn upload_form_answers_a_signed_post_policy_for_the_callers_key() {
    use base64::Engine;
    for file in ["rest-v1-cognito.json", "http-v2-jwt.json"] {
        let a = call(event(file, |e| {
            to_form(e);
            with_body(r#"{"tweetId":"t1","contentType":"image/webp"}"#)(e);
        }));
        assert_eq!(a.status, 200, "{file}: {:?}", a.body);
        assert_headers(&a, &[("content-type", "application/json")]);
        let body = a.json();
        assert_eq!(
            body["url"],
            "https://presigner-test-bucket.s3.ap-northeast-1.amazonaws.com/"
        );
        assert_eq!(body["expiresAt"], "2026-11-25T12:30:00Z");
        let fields = body["fields"].as_object().unwrap();
        assert_eq!(fields.len(), 7);
        // In the text, the order a form sends them (and botocore gives them): the policy and
        // the signature last. (serde_json's map, above, sorts its keys.)
        let text = a.body.as_deref().unwrap();
        let at = |name: &str| text.find(&format!("\"{name}\":")).expect(name);
        let order = [
            "Content-Type",
            "key",
            "x-amz-algorithm",
            "x-amz-credential",
            "x-amz-date",
            "policy",
            "x-amz-signature",
        ];
        assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{text}");
        assert_eq!(fields["key"], format!("images/{SUB}/t1.png"));
        assert_eq!(fields["Content-Type"], "image/webp");
        assert_eq!(
            fields["x-amz-credential"],
            "AKIDEXAMPLE/20261125/ap-northeast-1/s3/aws4_request"
        );
        let policy = base64::engine::general_purpose::STANDARD
            .decode(fields["policy"].as_str().unwrap())
            .unwrap();
        let policy: Value = serde_json::from_slice(&policy).unwrap();
        assert_eq!(policy["expiration"], "2026-11-25T12:30:00Z");
        assert_eq!(
            policy["conditions"],
            json!([
                {"Content-Type": "image/webp"},
                ["content-length-range", 1, 10485760],
                {"bucket": BUCKET},
                {"key": format!("images/{SUB}/t1.png")},
                {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
                {"x-amz-credential": "AKIDEXAMPLE/20261125/ap-northeast-1/s3/aws4_request"},
                {"x-amz-date": NOW},
            ])
        );
        let sig = fields["x-amz-signature"].as_str().unwrap();
        assert_eq!(sig.len(), 64);
        assert!(!format!("{:?}", a.body).is_empty());
    }
    for (body, status, says) in [
        (r#"{"tweetId":"t1"}"#, 400, "contentType is required"),
        (
            r#"{"tweetId":"t1","contentType":"text/html"}"#,
            400,
            "contentType must be one of",
        ),
        (
            r#"{"tweetId":"t1","contentType":"image/png","contentLength":5}"#,
            400,
            "upload_form takes any size",
        ),
        (
            r#"{"userId":"victim","tweetId":"t1","contentType":"image/png"}"#,
            403,
            "does not match",
        ),
    ] {
        let a = call(event("rest-v1-cognito.json", |e| {
            to_form(e);
            with_body(body)(e);
        }));
        assert_error(&a, status, says);
    }
    // Anonymous: 401 by default; with the original's switch the body names the user.
    let a = call(event("rest-v1.json", |e| {
        to_form(e);
        with_body(r#"{"userId":"u","tweetId":"t","contentType":"image/png"}"#)(e);
    }));
    assert_error(&a, 401, "sign in first");
    let a = call_with(
        &original(),
        event("function-url.json", |e| {
            to_form(e);
            e["isBase64Encoded"] = json!(false);
            e["body"] = json!(r#"{"userId":"u","tweetId":"t","contentType":"image/png"}"#);
        }),
    );
    assert_eq!(a.json()["fields"]["key"], "images/u/t.png");
}

/// lambda_http's event types put headers in an `http::HeaderMap`, which panics past 24,576
/// names: the event is answered 431 before they read it.
#[test]
fn an_event_with_too_many_header_fields_is_431_not_a_crash() {
    let many = |n: usize| -> Value {
        Value::Object((0..n).map(|i| (format!("h{i}"), json!("x"))).collect())
    };
    for (file, field) in [
        ("function-url.json", "headers"),
        ("http-v2.json", "headers"),
        ("rest-v1.json", "headers"),
        ("rest-v1.json", "multiValueHeaders"),
    ] {
        let a = call(event(file, |e| e[field] = many(25_000)));
        assert_error(&a, 431, "more than 10000 header fields");
        // At the limit, the event is read as usual.
        let a = call_with(&original(), event(file, |e| e[field] = many(10_000)));
        assert_eq!(a.status, 200, "{file} {field}: {:?}", a.body);
    }
    // Values in a multi-value list count too.
    let a = call(event("rest-v1.json", |e| {
        e["multiValueHeaders"]["x-many"] = json!(vec!["v"; 10_001]);
    }));
    assert_error(&a, 431, "header fields");
}

/// Payload 1.0's types read `"authorizer": {}` as no authorizer; the raw event is read too,
/// so an authorizer context that is there but empty is an authorizer without a subject.
#[test]
fn an_empty_authorizer_context_is_still_an_authorizer() {
    for app in [app(), original()] {
        let a = call_with(
            &app,
            event("rest-v1.json", |e| {
                e["requestContext"]["authorizer"] = json!({})
            }),
        );
        assert_error(&a, 403, "an authorizer this API does not know");
    }
    // null is no authorizer at all.
    let a = call_with(
        &original(),
        event("rest-v1.json", |e| {
            e["requestContext"]["authorizer"] = Value::Null
        }),
    );
    assert_eq!(a.status, 200);
}

/// An event that is not one is refused by the runtime with one fixed message: nothing of it
/// (a header value, a token) is echoed.
#[test]
fn an_event_that_does_not_deserialise_echoes_nothing_of_itself() {
    let bad = presigner_test_support::events::event_json("rest-v1.json", |e| {
        e["headers"]["authorization"] = json!("Bearer secret.token\u{1}value");
    })
    .to_string();
    let error = serde_json::from_str::<Event>(&bad).unwrap_err().to_string();
    assert!(
        error.starts_with("not an API Gateway (REST or HTTP API) or function URL event"),
        "{error}"
    );
    assert!(!error.contains("secret"), "{error}");
}
