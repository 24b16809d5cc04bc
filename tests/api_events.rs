//! Events a front door can deliver that must not crash the process: values that made
//! lambda_http's conversion panic, too many header fields, text that is not an event.

use presigner::lambda::Event;
use presigner_test_support::app::{assert_error, call, call_with, original};
use presigner_test_support::events::event;
use serde_json::{json, Value};

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
