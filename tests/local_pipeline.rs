//! The local S3 as the dev server runs it: every object stored under `uploads/` (a presigned
//! PUT or a POST form, straight to S3) goes through the processor Lambda's own handler, sent
//! an S3 event notification after S3 answered, and becomes `images/{folder}/{tweetId}/display`,
//! `thumb` and `status.json`, or a refused status; the upload is deleted either way.

use std::time::{Duration, Instant};

use presigner_images::ImageKind;
use presigner_local as local;
use presigner_s3::post::PostRequest;
use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_test_support::http::{exchange, post_form_with};
use presigner_test_support::images::{
    decode_variant, exif_app1, jpeg, quadrants, rgb, with_segments,
};
use presigner_test_support::s3::LocalS3;
use serde_json::Value;

const FOLDER: &str = "auth0~7C5f7c";

/// The local S3 with the dev server's notification configuration: the processor.
fn dev_s3() -> LocalS3 {
    LocalS3::start_with(|port| Some(local::pipeline::processor_notifications(port).unwrap()))
}

fn presigner(port: u16) -> Presigner {
    let credentials =
        presigner_s3::sigv4::Credentials::new(local::ACCESS_KEY_ID, local::SECRET_ACCESS_KEY, None)
            .unwrap();
    Presigner::new(
        credentials,
        local::REGION,
        Endpoint::parse(&format!("http://127.0.0.1:{port}")).unwrap(),
        AddressingStyle::Path,
    )
    .unwrap()
}

/// PUTs `bytes` to `key` through a presigned URL, as a browser does with an upload URL.
fn put(s3: &LocalS3, key: &str, content_type: &str, bytes: &[u8]) {
    let bucket = Bucket::new(local::BUCKET).unwrap();
    let object = ObjectKey::new(key).unwrap();
    let headers = [("content-type", content_type)];
    let request = ObjectRequest {
        headers: &headers,
        ..ObjectRequest::new(
            Method::Put,
            &bucket,
            &object,
            Expiry::from_secs(60).unwrap(),
        )
    };
    let url = presigner(s3.port)
        .presign(&request, presigner::lambda::clock_now())
        .unwrap();
    let (status, _, body) = exchange("PUT", &url, &[("Content-Type", content_type)], bytes);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
}

/// POSTs `bytes` as a form to `key`, as a browser does with an upload form.
fn post(s3: &LocalS3, key: &str, content_type: &str, bytes: &[u8]) {
    let bucket = Bucket::new(local::BUCKET).unwrap();
    let object = ObjectKey::new(key).unwrap();
    let presigner = presigner(s3.port);
    let form = presigner
        .presign_post(
            &PostRequest {
                bucket: &bucket,
                key: &object,
                content_type,
                content_length_range: (1, 10 << 20),
                expiry: Expiry::from_secs(60).unwrap(),
            },
            presigner::lambda::clock_now(),
        )
        .unwrap();
    let fields: Vec<_> = form.fields().collect();
    let (status, _, body) = post_form_with(&form.url, &[], &fields, bytes);
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&body));
}

/// Waits for the processor's decision on `tweet`: its status object, read from the local S3's
/// folder. The processor runs after S3 answered, so the upload's answer never has it.
fn decision(s3: &LocalS3, tweet: &str) -> Value {
    let path = s3.object_path(&format!("images/{FOLDER}/{tweet}/status.json"));
    let give_up = Instant::now() + Duration::from_secs(60);
    while !path.exists() {
        assert!(
            Instant::now() < give_up,
            "no status for {tweet} in a minute"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    // The status is written once, whole (a PUT); a reader may still meet the file mid-write.
    let give_up = Instant::now() + Duration::from_secs(10);
    loop {
        match serde_json::from_slice(&std::fs::read(&path).unwrap()) {
            Ok(status) => return status,
            Err(e) if Instant::now() > give_up => panic!("status of {tweet}: {e}"),
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
}

fn photo() -> Vec<u8> {
    let plain = jpeg(900, 600, &rgb(900, 600, quadrants(900, 600)), false);
    with_segments(&plain, &[(0xE1, exif_app1(6))])
}

#[test]
fn a_presigned_put_under_uploads_becomes_the_variants_and_a_ready_status() {
    let s3 = dev_s3();
    // Not ASCII: the notification carries it form-URL-encoded, the processor decodes it.
    let tweet = "ツイート";
    put(
        &s3,
        &format!("uploads/{FOLDER}/{tweet}"),
        "image/jpeg",
        &photo(),
    );
    let status = decision(&s3, tweet);
    assert_eq!(status["state"], "ready", "{status}");
    for (size, sides) in [("display", (600, 900)), ("thumb", (400, 600))] {
        let bytes = std::fs::read(s3.object_path(&format!("images/{FOLDER}/{tweet}/{size}")))
            .unwrap_or_else(|e| panic!("{size}: {e}"));
        assert_eq!(status["variants"][size]["bytes"], bytes.len());
        // Orientation 6 applied: the 900x600 photo stands up.
        let (w, h, _, _) = decode_variant(ImageKind::Jpeg, &bytes);
        assert_eq!((w, h), sides, "{size}");
    }
    let left = s3.uploads_left();
    assert!(left.is_empty(), "left under uploads/: {left:?}");
}

#[test]
fn a_post_form_under_uploads_is_processed_too() {
    let s3 = dev_s3();
    let tweet = "form-1";
    post(
        &s3,
        &format!("uploads/{FOLDER}/{tweet}"),
        "image/jpeg",
        &photo(),
    );
    assert_eq!(decision(&s3, tweet)["state"], "ready");
    assert!(s3
        .object_path(&format!("images/{FOLDER}/{tweet}/thumb"))
        .exists());
    let left = s3.uploads_left();
    assert!(left.is_empty(), "left under uploads/: {left:?}");
}

#[test]
fn an_upload_that_is_not_its_declared_image_is_refused_and_deleted() {
    let s3 = dev_s3();
    let tweet = "not-a-png";
    put(
        &s3,
        &format!("uploads/{FOLDER}/{tweet}"),
        "image/png",
        &photo(),
    );
    let status = decision(&s3, tweet);
    assert_eq!(status["state"], "refused", "{status}");
    assert_eq!(status["reason"], "type_mismatch");
    assert!(!s3
        .object_path(&format!("images/{FOLDER}/{tweet}/display"))
        .exists());
    let left = s3.uploads_left();
    assert!(left.is_empty(), "left under uploads/: {left:?}");
}
