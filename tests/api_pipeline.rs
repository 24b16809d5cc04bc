//! The image pipeline (`IMAGE_PIPELINE=on`, the default): uploads are signed for the private
//! `uploads/{folder}/{tweetId}`, downloads for a variant (`size`) with no forced type, and
//! every answer names the status object (`statusUrl`, `statusUrls`), S3 or CloudFront alike.
//! Each URL is compared with one the library signs directly for the expected key.

use base64::Engine;
use presigner::api::App;
use presigner_s3::Method;
use presigner_test_support::app::{
    assert_error, batch, call_with, config, expected_pipeline_download_url, expected_url, pipeline,
    route_with_body, PNG_5120, SUB,
};
use presigner_test_support::edge::{test_key_group, test_private_key, verify};
use presigner_test_support::events::event;
use serde_json::{json, Value};

const FILE: &str = "http-v2-jwt.json";

fn ask(app: &App, route: &'static str, body: Value) -> Value {
    let a = call_with(app, event(FILE, route_with_body(route, body)));
    assert_eq!(a.status, 200, "{:?}", a.body);
    a.json()
}

fn refused(app: &App, route: &'static str, body: Value, says: &str) {
    let a = call_with(app, event(FILE, route_with_body(route, body)));
    assert_error(&a, 400, says);
}

fn strings(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_pipeline_is_the_default() {
    let default = App::new(config(&[("IMAGE_PIPELINE", "")])).unwrap();
    let answer = ask(&default, "download_url", json!({"tweetId": "t"}));
    assert_eq!(
        answer["presignedUrl"],
        expected_pipeline_download_url(&format!("images/{SUB}/t/display"))
    );
}

#[test]
fn uploads_are_signed_for_the_private_prefix_with_the_status_url() {
    let app = pipeline(&[]);
    let answer = ask(
        &app,
        "upload_url",
        json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 5120}),
    );
    let key = format!("uploads/{SUB}/t1");
    assert_eq!(
        answer["presignedUrl"],
        expected_url(Method::Put, &key, &PNG_5120, &[])
    );
    assert_eq!(answer["headers"]["Content-Type"], "image/png");
    assert_eq!(
        answer["statusUrl"],
        expected_pipeline_download_url(&format!("images/{SUB}/t1/status.json"))
    );

    let form = ask(
        &app,
        "upload_form",
        json!({"tweetId": "t1", "contentType": "image/jpeg"}),
    );
    assert_eq!(form["fields"]["key"], key);
    assert_eq!(form["statusUrl"], answer["statusUrl"]);
    let policy = form["fields"]["policy"].as_str().unwrap();
    let policy = base64::engine::general_purpose::STANDARD
        .decode(policy)
        .unwrap();
    let policy: Value = serde_json::from_slice(&policy).unwrap();
    assert!(
        policy["conditions"]
            .as_array()
            .unwrap()
            .contains(&json!({"key": key})),
        "{policy}"
    );
}

#[test]
fn downloads_name_a_variant_without_forcing_a_type() {
    let app = pipeline(&[]);
    for (body, variant) in [
        (json!({"userId": "bob", "tweetId": "t1"}), "display"),
        (
            json!({"userId": "bob", "tweetId": "t1", "size": "display"}),
            "display",
        ),
        (
            json!({"userId": "bob", "tweetId": "t1", "size": "thumb"}),
            "thumb",
        ),
        (
            json!({"userId": "bob", "tweetId": "t1", "size": null}),
            "display",
        ),
    ] {
        let answer = ask(&app, "download_url", body.clone());
        let url = answer["presignedUrl"].as_str().unwrap();
        assert_eq!(
            url,
            expected_pipeline_download_url(&format!("images/bob/t1/{variant}")),
            "{body}"
        );
        assert!(!url.contains("response-content-type"), "{url}");
        assert_eq!(
            answer["statusUrl"],
            expected_pipeline_download_url("images/bob/t1/status.json")
        );
        assert_eq!(answer.as_object().unwrap().len(), 3, "{answer}");
    }
}

#[test]
fn a_batch_names_one_size_and_a_status_url_per_image_in_order() {
    let app = pipeline(&[]);
    let images = [
        ("bob", "t1"),
        ("", "t2"),
        ("auth0|x", "ツイート"),
        ("bob", "t1"),
    ];
    let folders = ["bob", SUB, "auth0~7Cx", "bob"];
    for (size, variant) in [(None, "display"), (Some("thumb"), "thumb")] {
        let mut body = batch(&images);
        if let Some(size) = size {
            body["size"] = json!(size);
        }
        let answer = ask(&app, "download_urls", body);
        let urls = strings(&answer["presignedUrls"]);
        let statuses = strings(&answer["statusUrls"]);
        assert_eq!(urls.len(), images.len());
        assert_eq!(statuses.len(), images.len());
        for (i, ((_, tweet), folder)) in images.iter().zip(folders).enumerate() {
            let dir = format!("images/{folder}/{tweet}");
            assert_eq!(
                urls[i],
                expected_pipeline_download_url(&format!("{dir}/{variant}"))
            );
            assert_eq!(
                statuses[i],
                expected_pipeline_download_url(&format!("{dir}/status.json"))
            );
        }
        assert_eq!(urls[0], urls[3], "a duplicate gets the same URL");
    }
}

#[test]
fn size_is_display_or_thumb_and_only_for_downloads_under_the_pipeline() {
    let app = pipeline(&[]);
    for bad in [
        json!("large"),
        json!("THUMB"),
        json!("status.json"),
        json!(""),
    ] {
        refused(
            &app,
            "download_url",
            json!({"tweetId": "t", "size": bad}),
            "size must be \"display\" (the default) or \"thumb\"",
        );
        let mut body = batch(&[("bob", "t")]);
        body["size"] = bad.clone();
        refused(&app, "download_urls", body, "size must be \"display\"");
    }
    refused(
        &app,
        "download_url",
        json!({"tweetId": "t", "size": 2}),
        "size must be a string",
    );
    for route in ["upload_url", "upload_form"] {
        refused(
            &app,
            route,
            json!({"tweetId": "t", "contentType": "image/png", "contentLength": 1, "size": "thumb"}),
            "size applies to download_url and download_urls",
        );
    }

    let original_keys = App::new(config(&[("IMAGE_PIPELINE", "off")])).unwrap();
    refused(
        &original_keys,
        "download_url",
        json!({"tweetId": "t", "size": "thumb"}),
        "size needs IMAGE_PIPELINE=on",
    );
    let mut body = batch(&[("bob", "t")]);
    body["size"] = json!("display");
    refused(
        &original_keys,
        "download_urls",
        body,
        "size needs IMAGE_PIPELINE=on",
    );
    // Off, no answer names a status object.
    let answer = ask(&original_keys, "download_urls", batch(&[("bob", "t")]));
    assert!(answer.get("statusUrls").is_none(), "{answer}");
    let answer = ask(
        &original_keys,
        "upload_url",
        json!({"tweetId": "t", "contentType": "image/png", "contentLength": 1}),
    );
    assert!(answer.get("statusUrl").is_none(), "{answer}");
    assert!(answer["presignedUrl"]
        .as_str()
        .unwrap()
        .contains(&format!("/images/{SUB}/t.png?")));
}

#[test]
fn cloudfront_downloads_cover_variants_and_statuses_with_one_grant() {
    let key = test_private_key();
    let domain = "d111111abcdef8.cloudfront.net";
    for (access, resource) in [
        ("signed-in", "images/*".to_owned()),
        ("owner", format!("images/{SUB}/*")),
    ] {
        let app = pipeline(&[
            ("CLOUDFRONT_DOMAIN", domain),
            ("CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F"),
            ("CLOUDFRONT_PRIVATE_KEY", key.as_str()),
            ("DOWNLOAD_ACCESS", access),
        ]);
        let mut body = batch(&[("", "t1"), ("", "ツイート")]);
        body["size"] = json!("thumb");
        let answer = ask(&app, "download_urls", body);
        let urls = strings(&answer["presignedUrls"]);
        let statuses = strings(&answer["statusUrls"]);
        assert!(urls[0].starts_with(&format!("https://{domain}/images/{SUB}/t1/thumb?Policy=")));
        assert!(statuses[1].starts_with(&format!(
            "https://{domain}/images/{SUB}/%E3%83%84%E3%82%A4%E3%83%BC%E3%83%88/status.json?Policy="
        )));
        let query = |u: &str| u.split_once('?').unwrap().1.to_owned();
        let now = presigner_test_support::app::now().unix_seconds() as u64;
        for url in urls.iter().chain(&statuses) {
            assert_eq!(query(url), query(&urls[0]), "one grant for the batch");
            assert_eq!(verify(url, &test_key_group(), now), Ok(()), "{url}");
        }
        let policy = query(&urls[0]);
        let policy = policy
            .split('&')
            .find_map(|p| p.strip_prefix("Policy="))
            .unwrap();
        let policy: Value =
            serde_json::from_slice(&presigner_cloudfront::base64::decode(policy).unwrap()).unwrap();
        assert_eq!(
            policy["Statement"][0]["Resource"],
            format!("https://{domain}/{resource}")
        );
        // Uploads stay S3, with the status object through CloudFront.
        let upload = ask(
            &app,
            "upload_url",
            json!({"tweetId": "t1", "contentType": "image/png", "contentLength": 1}),
        );
        assert!(upload["presignedUrl"]
            .as_str()
            .unwrap()
            .contains(&format!(".amazonaws.com/uploads/{SUB}/t1?")));
        assert!(upload["statusUrl"].as_str().unwrap().starts_with(&format!(
            "https://{domain}/images/{SUB}/t1/status.json?Policy="
        )));
    }
}
