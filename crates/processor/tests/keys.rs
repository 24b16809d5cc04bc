//! The presigner and the processor agree: the keys the presigner signs (upload URL, form,
//! download URLs of each size, status URLs) are exactly the keys the processor reads, writes
//! and deletes for that upload; the presigner's upload limit under the pipeline is the image
//! core's; and the status objects the processor writes are openapi.yaml's `ImageStatus`.

use presigner::config::PIPELINE_MAX_UPLOAD_BYTES;
use presigner_images::{process, DeclaredType, Limits, Settings, VariantName};
use presigner_processor::key::UploadKey;
use presigner_processor::plan::plan;
use presigner_test_support::app::{call_with, pipeline};
use presigner_test_support::events::rest_post;
use presigner_test_support::images::{jpeg, rgb};
use presigner_test_support::openapi::check_schema;
use serde_json::{json, Value};

/// The key a presigned S3 URL names, decoded.
fn key_of(url: &str) -> String {
    let rest = url.strip_prefix("https://").expect("an https URL");
    let path = &rest[rest.find('/').unwrap() + 1..];
    let path = path.split('?').next().unwrap();
    percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

fn ask(app: &presigner::api::App, route: &str, body: Value) -> Value {
    let answer = call_with(app, rest_post(route, &body));
    assert_eq!(answer.status, 200, "{route}: {:?}", answer.body);
    answer.json()
}

#[test]
fn the_presigners_signed_keys_are_the_processors_keys() {
    // The original's events carry no authorizer: the body names the user.
    let app = pipeline(&[("TRUST_BODY_USER_ID", "true")]);
    for (user, tweet) in [
        ("alice", "t1"),
        ("auth0|5f7c8ec7", "ツイート"),
        ("test@mail.com", "2026-12-03.1"),
        ("..", ".hidden"),
        ("ユーザー 1/~", "写真1"),
        ("7d8ca528-4931-4254-9273-ea5ee853f271", &"x".repeat(128)),
    ] {
        let id = json!({"userId": user, "tweetId": tweet});
        let mut upload_body = id.clone();
        upload_body["contentType"] = json!("image/jpeg");
        upload_body["contentLength"] = json!(1000);
        let upload = ask(&app, "upload_url", upload_body);
        let signed_upload = key_of(upload["presignedUrl"].as_str().unwrap());
        let processor = UploadKey::parse(&signed_upload)
            .unwrap_or_else(|e| panic!("{signed_upload:?} is not an upload: {e:?}"));
        assert_eq!(processor.upload_key(), signed_upload, "{user:?}");

        let mut form_body = id.clone();
        form_body["contentType"] = json!("image/png");
        let form = ask(&app, "upload_form", form_body);
        assert_eq!(form["fields"]["key"], json!(processor.upload_key()));

        let status = processor.status_key();
        for answer in [&upload, &form] {
            assert_eq!(key_of(answer["statusUrl"].as_str().unwrap()), status);
        }
        for (size, name) in [
            ("display", VariantName::Display),
            ("thumb", VariantName::Thumb),
        ] {
            let mut body = id.clone();
            body["size"] = json!(size);
            let one = ask(&app, "download_url", body);
            assert_eq!(
                key_of(one["presignedUrl"].as_str().unwrap()),
                processor.variant_key(name)
            );
            assert_eq!(key_of(one["statusUrl"].as_str().unwrap()), status);
            let many = ask(
                &app,
                "download_urls",
                json!({"images": [id.clone()], "size": size}),
            );
            assert_eq!(
                key_of(many["presignedUrls"][0].as_str().unwrap()),
                processor.variant_key(name)
            );
            assert_eq!(key_of(many["statusUrls"][0].as_str().unwrap()), status);
        }
        // What the processor writes for this upload is what those URLs name.
        let png = presigner_test_support::s3::PNG;
        let processed = process(
            png,
            DeclaredType::from_media_type("image/png").unwrap(),
            &Settings::default(),
        );
        let written: Vec<String> = plan(&processor, None, &processed)
            .puts
            .into_iter()
            .map(|put| put.key)
            .collect();
        assert_eq!(
            written,
            [
                processor.variant_key(VariantName::Display),
                processor.variant_key(VariantName::Thumb),
                status
            ]
        );
    }
}

#[test]
fn the_presigners_upload_limit_is_the_image_cores() {
    assert_eq!(PIPELINE_MAX_UPLOAD_BYTES, Limits::default().max_bytes);
    assert_eq!(
        PIPELINE_MAX_UPLOAD_BYTES,
        Settings::default().limits.max_bytes
    );
}

#[test]
fn the_processors_status_objects_are_documented() {
    let upload = UploadKey::parse("uploads/alice/t1").unwrap();
    let png = presigner_test_support::s3::PNG;
    let pixels = rgb(64, 48, |x, y| [x as u8 * 4, y as u8 * 5, 90]);
    let jpeg = jpeg(64, 48, &pixels, false);
    let declared = |t: &str| DeclaredType::from_media_type(t).unwrap();
    let mut states = Vec::new();
    for (bytes, declared_type) in [
        (png.to_vec(), "image/png"),
        (jpeg.clone(), "image/jpeg"),
        (jpeg.clone(), "image/png"),
        (Vec::new(), "image/png"),
        (b"<html>".to_vec(), "image/gif"),
        (jpeg[..jpeg.len() / 2].to_vec(), "image/jpeg"),
    ] {
        let result = process(&bytes, declared(declared_type), &Settings::default());
        let p = plan(&upload, None, &result);
        let status = p.puts.last().unwrap();
        assert!(status.key.ends_with("/status.json"));
        let object: Value = serde_json::from_slice(&status.body).unwrap();
        check_schema("ImageStatus", &object).unwrap_or_else(|e| panic!("{object}: {e}"));
        states.push(object["state"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        states,
        ["ready", "ready", "refused", "refused", "refused", "refused"]
    );
}
