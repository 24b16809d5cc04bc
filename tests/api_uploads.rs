//! Uploads: what an upload URL signs (type, length, checksum) and the browser form's POST
//! policy.

use presigner_s3::Method;
use presigner_test_support::app::{
    assert_error, assert_headers, assert_url, call, call_with, expected_url, original, to_download,
    to_route, BUCKET, NOW, PNG_5120, SUB,
};
use presigner_test_support::events::{event, with_body};
use serde_json::{json, Value};

#[test]
fn by_default_an_upload_needs_a_type_and_a_length_and_signs_them() {
    let body = json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 5120});
    let a = call(event("http-v2-jwt.json", with_body(&body.to_string())));
    let url = assert_url(
        &a,
        &format!("/images/{SUB}/t1.png"),
        "content-length;content-type;host;if-none-match",
    );
    let expected = expected_url(Method::Put, &format!("images/{SUB}/t1.png"), &PNG_5120, &[]);
    assert_eq!(url.as_str(), expected);
    assert_eq!(
        a.json(),
        json!({
            "presignedUrl": expected,
            "headers": {"Content-Type": "image/png", "Content-Length": "5120", "If-None-Match": "*"},
            "expiresAt": "2026-11-25T12:05:00Z"
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
            "is over the limit of 10485760 bytes (10 MiB)",
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

const EMPTY_SHA256: &str = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";

#[test]
fn a_checksum_is_signed_into_the_upload_url_and_listed_as_a_header() {
    let body = json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 5120, "contentSha256": EMPTY_SHA256});
    let a = call(event("http-v2-jwt.json", with_body(&body.to_string())));
    let url = assert_url(
        &a,
        &format!("/images/{SUB}/t1.png"),
        "content-length;content-type;host;if-none-match;x-amz-checksum-sha256",
    );
    let mut headers = PNG_5120.to_vec();
    headers.push(("x-amz-checksum-sha256", EMPTY_SHA256));
    assert_eq!(
        url.as_str(),
        expected_url(Method::Put, &format!("images/{SUB}/t1.png"), &headers, &[])
    );
    assert_eq!(
        a.json()["headers"],
        json!({"Content-Type": "image/png", "Content-Length": "5120", "If-None-Match": "*", "x-amz-checksum-sha256": EMPTY_SHA256})
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
        assert_eq!(
            body["expiresAt"], "2026-11-25T12:05:00Z",
            "UPLOAD_URL_EXPIRES_SECONDS: 300"
        );
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
        assert_eq!(policy["expiration"], "2026-11-25T12:05:00Z");
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
