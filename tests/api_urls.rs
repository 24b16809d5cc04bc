//! The URLs the handler signs, compared with the library's own: the original contract, the
//! download URL, the key, the configuration that reaches them; and that no answer or debug
//! output carries a secret or a signature.

use std::collections::BTreeMap;

use presigner::api::App;
use presigner::lambda::handle_event;
use presigner_s3::Method;
use presigner_test_support::app::{
    assert_url, call, call_with, config, expected_download_url, expected_url, now, original,
    to_download, ORIGINAL, SECRET, SUB,
};
use presigner_test_support::events::{event, with_body};
use serde_json::{json, Value};

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
            expected_download_url("images/test@mail.com/test_id.png"),
            "{file}"
        );
        // The original's field, and when the URL really ends (it lives past the expiry).
        let fields: Vec<String> = down.json().as_object().unwrap().keys().cloned().collect();
        assert_eq!(fields, ["expiresAt", "presignedUrl"], "{file}");
        assert_eq!(down.json()["expiresAt"], "2026-11-25T13:30:00Z");
    }
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
    assert_eq!(q["response-cache-control"], "private, max-age=1800");
    assert_eq!(
        url.as_str(),
        expected_download_url(&format!("images/{SUB}/t1.png"))
    );
}

#[test]
fn ids_are_encoded_once_in_the_key() {
    let body = json!({"userId": "a b+c@d~e", "tweetId": "caf\u{e9}-\u{30c4}"}).to_string();
    let a = call_with(&original(), event("rest-v1.json", with_body(&body)));
    assert_url(
        &a,
        "/images/a~20b~2Bc%40d~7Ee/caf%C3%A9-%E3%83%84.png",
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
fn answers_and_debug_output_never_carry_secrets_or_signatures() {
    let app = App::new(config(&[
        ("AWS_SESSION_TOKEN", "session-token-value"),
        ("TRUST_BODY_USER_ID", "true"),
        ("REQUIRE_UPLOAD_CONSTRAINTS", "false"),
    ]))
    .unwrap();
    let event = event("rest-v1.json", |_| {});
    let (response, reply) = handle_event(&app, &event, now());
    let body = response.body().unwrap().to_owned();
    let mut answered = reply.response.clone();
    answered.body = Some(body.clone());
    presigner_test_support::openapi::assert_response(reply.route, "POST", &answered);
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
