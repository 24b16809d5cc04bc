//! Hostile events for the burst through the real binary: values a front door can deliver that
//! broke lambda_http's own conversion, malformed and oversized parts, and JSON that is not an
//! event at all. Each has the answer it must get from a process started with
//! `TRUST_BODY_USER_ID=true` and the other settings at their defaults.

use serde_json::{json, Value};

use crate::events::event_json;

/// One hostile event and what must come back.
pub struct Case {
    pub name: String,
    pub event: String,
    /// The response's status, or `None` for an event that does not deserialise (the runtime
    /// reports an invocation error and carries on).
    pub status: Option<u16>,
}

/// A body that is valid under the defaults: user `u`, a PNG of 5 bytes.
const UP: &str = r#"{"userId":"u","tweetId":"t","contentType":"image/png","contentLength":5}"#;

fn case(name: &str, file: &str, edit: impl FnOnce(&mut Value), status: u16) -> Case {
    let event = event_json(file, |e| {
        e["body"] = json!(UP);
        e["isBase64Encoded"] = json!(false);
        edit(e);
    });
    Case {
        name: name.to_owned(),
        event: event.to_string(),
        status: Some(status),
    }
}

fn raw(name: &str, event: String) -> Case {
    Case {
        name: name.to_owned(),
        event,
        status: None,
    }
}

pub fn events() -> Vec<Case> {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    vec![
        case(
            "function URL query with a space",
            "function-url.json",
            |e| e["rawQueryString"] = json!("q=a b"),
            200,
        ),
        case(
            "function URL x-forwarded-proto 1",
            "function-url.json",
            |e| e["headers"]["x-forwarded-proto"] = json!("1"),
            200,
        ),
        case(
            "REST x-forwarded-proto 1",
            "rest-v1.json",
            |e| {
                e["headers"]["X-Forwarded-Proto"] = json!("1");
                e["multiValueHeaders"]["X-Forwarded-Proto"] = json!(["1"]);
            },
            200,
        ),
        case(
            "HTTP API host with a space",
            "http-v2.json",
            |e| e["headers"]["host"] = json!("a b"),
            200,
        ),
        case(
            "HTTP API host of brackets",
            "http-v2.json",
            |e| e["headers"]["host"] = json!("[[::"),
            200,
        ),
        case(
            "body marked base64 that is not",
            "function-url.json",
            |e| {
                e["body"] = json!("not base64!");
                e["isBase64Encoded"] = json!(true);
            },
            400,
        ),
        case(
            "a megabyte of base64",
            "rest-v1.json",
            |e| {
                e["body"] = json!("QUFB".repeat(256 * 1024));
                e["isBase64Encoded"] = json!(true);
            },
            400,
        ),
        case(
            "a body nested 16k deep",
            "rest-v1.json",
            |e| e["body"] = json!("[".repeat(16_000)),
            400,
        ),
        case(
            "REST path with no slash and no resource",
            "rest-v1.json",
            |e| {
                e["path"] = json!("no leading slash %zz");
                e["resource"] = Value::Null;
            },
            404,
        ),
        case(
            "HTTP API raw path of junk",
            "http-v2.json",
            |e| {
                e["rawPath"] = json!("//[::1]:bad");
                e["routeKey"] = json!("$default");
            },
            404,
        ),
        case(
            "REST query parameters with spaces and %",
            "rest-v1.json",
            |e| {
                e["queryStringParameters"] = json!({"a b": "c d"});
                e["multiValueQueryStringParameters"] = json!({"a b": ["c d", "%"]});
            },
            200,
        ),
        case(
            "function URL cookies with DEL",
            "function-url.json",
            |e| e["cookies"] = json!(["a=\u{7f}", "b"]),
            200,
        ),
        case(
            "empty method",
            "rest-v1.json",
            |e| e["httpMethod"] = json!(""),
            405,
        ),
        case(
            "extension method",
            "rest-v1.json",
            |e| e["httpMethod"] = json!("BREW"),
            405,
        ),
        case(
            "proxy resource without parameters",
            "rest-v1.json",
            |e| e["resource"] = json!("/{proxy+}"),
            200,
        ),
        case(
            "resource with an unclosed brace",
            "rest-v1.json",
            |e| e["resource"] = json!("/api/{oops"),
            200,
        ),
        case(
            "ANY proxy route",
            "http-v2.json",
            |e| {
                e["routeKey"] = json!("ANY /{proxy+}");
                e["pathParameters"] = json!({"proxy": "api/upload_url"});
            },
            200,
        ),
        case(
            "routeKey without a path",
            "http-v2.json",
            |e| e["routeKey"] = json!("POST"),
            404,
        ),
        case(
            "stage that is the whole path",
            "http-v2.json",
            |e| {
                e["routeKey"] = json!("$default");
                e["requestContext"]["stage"] = json!("api");
                e["rawPath"] = json!("/api");
            },
            404,
        ),
        case(
            "NUL in the resource",
            "rest-v1.json",
            |e| e["resource"] = json!("/api/upload_url\u{0}"),
            404,
        ),
        case(
            "claims sub is a number",
            "rest-v1-cognito.json",
            |e| e["requestContext"]["authorizer"]["claims"]["sub"] = json!(5),
            403,
        ),
        case(
            "claims sub with a slash",
            "rest-v1-cognito.json",
            |e| e["requestContext"]["authorizer"]["claims"]["sub"] = json!("../x"),
            403,
        ),
        case(
            "IAM caller",
            "rest-v1.json",
            |e| e["requestContext"]["identity"]["userArn"] = json!("arn:aws:iam::1:user/u"),
            403,
        ),
        case(
            "nine thousand headers (under the limit)",
            "http-v2.json",
            |e| {
                let headers = e["headers"].as_object_mut().unwrap();
                for i in 0..9_000 {
                    headers.insert(format!("x-h{i}"), json!("v"));
                }
            },
            200,
        ),
        case(
            "25,000 header names (http::HeaderMap panics past 24,576)",
            "function-url.json",
            |e| {
                e["headers"] = many_fields(25_000);
            },
            431,
        ),
        case(
            "25,000 multi-value header names",
            "rest-v1.json",
            |e| {
                e["multiValueHeaders"] = many_fields(25_000);
            },
            431,
        ),
        case(
            "an empty authorizer on payload 1.0",
            "rest-v1.json",
            |e| e["requestContext"]["authorizer"] = json!({}),
            403,
        ),
        raw("not JSON", "not json".into()),
        raw("an empty object", "{}".into()),
        raw("an array", "[]".into()),
        raw("null", "null".into()),
        raw("JSON nested 10k deep", deep),
        raw(
            "header name with a space",
            event_json("rest-v1.json", |e| e["headers"]["bad name"] = json!("x")).to_string(),
        ),
        raw(
            "header value with a control character",
            event_json("http-v2.json", |e| e["headers"]["x"] = json!("a\u{1}b")).to_string(),
        ),
        raw(
            "method with spaces",
            event_json("rest-v1.json", |e| e["httpMethod"] = json!("G E T")).to_string(),
        ),
        raw(
            "authorizer that is a string",
            event_json("rest-v1.json", |e| {
                e["requestContext"]["authorizer"] = json!("x")
            })
            .to_string(),
        ),
        raw(
            "JWT claim that is a number",
            event_json("http-v2-jwt.json", |e| {
                e["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = json!(5)
            })
            .to_string(),
        ),
        raw(
            "no request context",
            event_json("rest-v1.json", |e| {
                e.as_object_mut().unwrap().remove("requestContext");
            })
            .to_string(),
        ),
    ]
}

/// `{"h0": "x", "h1": "x", ...}`: `n` distinct header names.
fn many_fields(n: usize) -> Value {
    Value::Object((0..n).map(|i| (format!("h{i}"), json!("x"))).collect())
}
