//! Request bodies: JSON whatever the headers say, the caller's mistakes answered 400 with a
//! message, base64 bodies decoded or refused.

use presigner_test_support::app::{assert_error, call_with, original, to_download};
use presigner_test_support::events::{event, with_body};
use serde_json::{json, Value};

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
            r#"{"userId":"u","tweetId":"a/b"}"#.into(),
            "tweetId may hold only letters, digits, '-', '_' and '.'",
        ),
        (
            r#"{"userId":"u","tweetId":"a\\b"}"#.into(),
            "tweetId may hold only letters",
        ),
        (
            r#"{"userId":"u","tweetId":"a\u0007b"}"#.into(),
            "tweetId may hold only letters",
        ),
        (
            r#"{"userId":"u","tweetId":"${filename}"}"#.into(),
            "tweetId may hold only letters",
        ),
        (
            r#"{"userId":"u","tweetId":"a\u200bb"}"#.into(),
            "tweetId may hold only letters",
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
            "is over the limit of 10485760 bytes (10 MiB)",
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
        // Refused before decoding, at the largest body any route takes (a full batch).
        let limit = presigner::api::body::MAX_BATCH_BODY_BYTES;
        assert_error(&a, 400, &format!("larger than {limit} bytes"));
    }
}
