//! The pipeline against a bucket over real HTTP through the processor's own client: the fake
//! versioned S3 (tests/fake_s3) for versions and failures, the in-process s3s-fs local S3 for
//! the same flow against a real S3 implementation.

mod fake_s3;

use fake_s3::{Failure, FakeS3};
use presigner_images::{ImageKind, Settings};
use presigner_processor::pipeline::{handle_event, Outcome, Report};
use presigner_processor::store::Store;
use presigner_processor::store_from_lookup;
use presigner_test_support::images::{
    decode_variant, exif_app1, jpeg, png_by_hand, quadrants, rgb, with_segments, FORBIDDEN,
};
use serde_json::{json, Value};

const FOLDER: &str = "auth0~7C5f7c";
const TWEET: &str = "ツイート";
/// `ツイート`, form-URL-encoded as S3 notifications carry it.
const TWEET_ENCODED: &str = "%E3%83%84%E3%82%A4%E3%83%BC%E3%83%88";

fn upload_key() -> String {
    format!("uploads/{FOLDER}/{TWEET}")
}

fn image_key(name: &str) -> String {
    format!("images/{FOLDER}/{TWEET}/{name}")
}

fn store(env: &[(&'static str, String)]) -> Store {
    let env = env.to_vec();
    store_from_lookup(move |name| env.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone()))
        .unwrap()
}

/// An S3 notification for `encoded_key` (as S3 encodes it).
fn notification(encoded_key: &str, version: Option<&str>, size: u64) -> Value {
    let mut object = json!({"key": encoded_key, "size": size, "eTag": "0123", "sequencer": "0A1B"});
    if let Some(v) = version {
        object["versionId"] = json!(v);
    }
    json!({"Records": [{
        "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
        "eventTime": "2026-12-07T00:00:00.000Z", "eventName": "ObjectCreated:Put",
        "s3": {"s3SchemaVersion": "1.0", "configurationId": "uploads",
               "bucket": {"name": fake_s3::BUCKET, "arn": "arn:aws:s3:::fake-bucket"},
               "object": object}
    }]})
}

/// An EventBridge `Object Created` event (keys plain).
fn eventbridge(key: &str, version: Option<&str>, size: u64) -> Value {
    let mut object = json!({"key": key, "size": size, "etag": "0123", "sequencer": "0A1B"});
    if let Some(v) = version {
        object["version-id"] = json!(v);
    }
    json!({
        "version": "0", "id": "17793124-05d4-b198-2fde-7ededc63b103",
        "detail-type": "Object Created", "source": "aws.s3", "account": "123456789012",
        "time": "2026-12-07T00:00:00Z", "region": "us-east-1",
        "resources": ["arn:aws:s3:::fake-bucket"],
        "detail": {"version": "0", "bucket": {"name": fake_s3::BUCKET}, "object": object,
                   "request-id": "N4N7GDK58NMKJ12R", "requester": "123456789012",
                   "reason": "PutObject"}
    })
}

/// A 600x400 JPEG carrying EXIF with a GPS block and orientation 6.
fn photo() -> Vec<u8> {
    let plain = jpeg(600, 400, &rgb(600, 400, quadrants(600, 400)), false);
    with_segments(&plain, &[(0xE1, exif_app1(6))])
}

fn run(store: &Store, event: &Value) -> Vec<Report> {
    handle_event(store, &Settings::default(), event)
}

fn one(reports: Vec<Report>) -> Result<Outcome, String> {
    assert_eq!(reports.len(), 1, "{reports:?}");
    let report = reports.into_iter().next().unwrap();
    report.outcome.map_err(|e| e.to_string())
}

fn status(s3: &FakeS3) -> Value {
    serde_json::from_slice(&s3.current(&image_key("status.json")).unwrap().bytes).unwrap()
}

/// The published image, checked: both variants decode, are the oriented photo's size, hold
/// none of its metadata and are served with their type and a long cache lifetime.
fn assert_published(s3: &FakeS3) {
    let st = status(s3);
    assert_eq!(st["state"], "ready", "{st}");
    for (name, (w, h)) in [("display", (400, 600)), ("thumb", (400, 600))] {
        let v = s3.current(&image_key(name)).unwrap();
        assert_eq!(v.content_type.as_deref(), Some("image/jpeg"));
        assert_eq!(
            v.cache_control.as_deref(),
            Some("public, max-age=31536000, immutable")
        );
        let (dw, dh, _, _) = decode_variant(ImageKind::Jpeg, &v.bytes);
        assert_eq!((dw, dh), (w, h), "{name} is oriented");
        assert_eq!(st["variants"][name]["width"], w);
        assert_eq!(st["variants"][name]["type"], "image/jpeg");
        for secret in FORBIDDEN {
            assert!(
                !v.bytes.windows(secret.len()).any(|w| w == *secret),
                "{name} holds {:?}",
                String::from_utf8_lossy(secret)
            );
        }
    }
    let status = s3.current(&image_key("status.json")).unwrap();
    assert_eq!(status.content_type.as_deref(), Some("application/json"));
}

#[test]
fn a_notification_with_an_encoded_key_publishes_and_deletes_the_exact_version() {
    let s3 = FakeS3::start();
    let version = s3.upload(&upload_key(), "image/jpeg", &photo());
    let event = notification(
        &format!("uploads/{FOLDER}/{TWEET_ENCODED}"),
        Some(&version),
        photo().len() as u64,
    );
    let store = store(&s3.env());
    let reports = run(&store, &event);
    let line: Value = serde_json::from_str(&reports[0].log_line("req-1")).unwrap();
    assert_eq!(one(reports), Ok(Outcome::Published));
    assert_published(&s3);
    // Gone, not hidden behind a delete marker: no version of the upload is left.
    assert!(s3.versions(&upload_key()).is_empty());
    let delete = s3
        .seen()
        .into_iter()
        .find(|r| r.method == "DELETE")
        .unwrap();
    assert!(delete.query.contains(&format!("versionId={version}")));
    // Writes are write-once, the status last, the thumbnail after the display variant.
    let puts: Vec<(String, bool)> = s3
        .seen()
        .into_iter()
        .filter(|r| r.method == "PUT")
        .map(|r| {
            let once = r
                .headers
                .iter()
                .any(|(n, v)| n == "if-none-match" && v == "*");
            (r.key, once)
        })
        .collect();
    assert_eq!(
        puts,
        [
            (image_key("display"), true),
            (image_key("thumb"), true),
            (image_key("status.json"), true)
        ]
    );
    // The log line: outcome and the uploader's reference (the presigner's form), no key.
    assert_eq!(line["outcome"], "published");
    assert!(line["caller"].as_str().unwrap().starts_with("sha256:"));
    let text = line.to_string();
    for leak in [FOLDER, TWEET, "uploads/", "X-Amz"] {
        assert!(!text.contains(leak), "{text}");
    }
}

#[test]
fn an_event_without_a_version_deletes_the_version_s3_served() {
    let s3 = FakeS3::start();
    s3.upload(&upload_key(), "image/jpeg", &photo());
    let event = eventbridge(&upload_key(), None, 1);
    assert_eq!(one(run(&store(&s3.env()), &event)), Ok(Outcome::Published));
    assert_published(&s3);
    // No delete marker (the fake keeps one as an empty version): the bytes are gone.
    assert!(s3.versions(&upload_key()).is_empty());
}

#[test]
fn an_eventbridge_event_publishes_the_same_way() {
    let s3 = FakeS3::start();
    let version = s3.upload(&upload_key(), "image/jpeg", &photo());
    let event = eventbridge(&upload_key(), Some(&version), photo().len() as u64);
    assert_eq!(one(run(&store(&s3.env()), &event)), Ok(Outcome::Published));
    assert_published(&s3);
    assert!(s3.versions(&upload_key()).is_empty());
}

#[test]
fn a_repeat_a_replay_or_a_second_upload_never_changes_what_was_published() {
    let s3 = FakeS3::start();
    let store = store(&s3.env());
    let first = s3.upload(&upload_key(), "image/jpeg", &photo());
    let event = notification(
        &format!("uploads/{FOLDER}/{TWEET_ENCODED}"),
        Some(&first),
        1,
    );
    assert_eq!(one(run(&store, &event)), Ok(Outcome::Published));
    let published: Vec<_> = ["display", "thumb", "status.json"]
        .map(|n| s3.current(&image_key(n)).unwrap().bytes)
        .to_vec();

    // The same event again (at-least-once delivery): nothing written.
    s3.clear_seen();
    assert_eq!(one(run(&store, &event)), Ok(Outcome::AlreadyDecided));
    assert!(s3.seen().iter().all(|r| r.method != "PUT"));

    // A replayed upload URL or a form POST to the same id: another version, another image.
    let other = jpeg(64, 64, &rgb(64, 64, |_, _| [9, 9, 9]), false);
    let second = s3.upload(&upload_key(), "image/jpeg", &other);
    let event = eventbridge(&upload_key(), Some(&second), other.len() as u64);
    assert_eq!(one(run(&store, &event)), Ok(Outcome::AlreadyDecided));
    let now: Vec<_> = ["display", "thumb", "status.json"]
        .map(|n| s3.current(&image_key(n)).unwrap().bytes)
        .to_vec();
    assert_eq!(now, published);
    for name in ["display", "thumb", "status.json"] {
        assert_eq!(s3.versions(&image_key(name)).len(), 1, "{name}");
    }
    // The second upload is deleted too, by its version.
    assert!(s3.versions(&upload_key()).is_empty());
}

#[test]
fn variants_already_there_are_kept_and_the_status_still_written() {
    // A run that wrote the display variant and failed before the rest: the retry keeps it.
    let s3 = FakeS3::start();
    let store = store(&s3.env());
    let version = s3.upload(&upload_key(), "image/jpeg", &photo());
    s3.fail(Failure {
        method: "PUT",
        key_suffix: "/thumb".into(),
        status: 403,
        times: 1,
    });
    let event = notification(
        &format!("uploads/{FOLDER}/{TWEET_ENCODED}"),
        Some(&version),
        1,
    );
    let error = one(run(&store, &event)).unwrap_err();
    assert_eq!(error, "PUT of the thumb failed: S3 answered 403");
    assert!(s3.current(&image_key("status.json")).is_none());
    assert_eq!(
        s3.versions(&upload_key()).len(),
        1,
        "the upload is kept for the retry"
    );

    assert_eq!(one(run(&store, &event)), Ok(Outcome::Published));
    assert_published(&s3);
    assert_eq!(s3.versions(&image_key("display")).len(), 1);
    assert!(s3.versions(&upload_key()).is_empty());
}

#[test]
fn s3_errors_fail_the_invocation_and_a_retry_finishes_the_work() {
    for (method, suffix, status) in [
        ("HEAD", "/status.json", 500),
        ("GET", TWEET, 500),
        ("GET", TWEET, 403),
        ("PUT", "/display", 500),
        ("PUT", "/status.json", 503),
        ("DELETE", TWEET, 500),
    ] {
        let s3 = FakeS3::start();
        let store = store(&s3.env());
        let version = s3.upload(&upload_key(), "image/jpeg", &photo());
        s3.fail(Failure {
            method,
            key_suffix: suffix.into(),
            status,
            times: 1,
        });
        let event = eventbridge(&upload_key(), Some(&version), 1);
        let error = one(run(&store, &event)).unwrap_err();
        assert!(
            error.starts_with(&format!("{method} of the "))
                && error.ends_with(&format!("S3 answered {status}")),
            "{error}"
        );
        assert!(
            !error.contains("X-Amz") && !error.contains("uploads/"),
            "{error}"
        );
        assert_eq!(
            s3.versions(&upload_key()).len(),
            1,
            "{method}: kept for the retry"
        );
        let retried = one(run(&store, &event));
        let expected = if method == "DELETE" {
            Outcome::AlreadyDecided
        } else {
            Outcome::Published
        };
        assert_eq!(retried, Ok(expected), "{method}");
        assert_published(&s3);
        assert!(s3.versions(&upload_key()).is_empty(), "{method}");
    }
}

#[test]
fn an_unreachable_s3_is_an_error_naming_no_url() {
    let s3 = FakeS3::start();
    let mut env = s3.env();
    // A port nothing listens on.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    env.retain(|(n, _)| *n != "S3_ENDPOINT_URL");
    env.push(("S3_ENDPOINT_URL", format!("http://127.0.0.1:{port}")));
    let event = eventbridge(&upload_key(), Some("v1"), 1);
    let error = one(run(&store(&env), &event)).unwrap_err();
    assert!(error.starts_with("HEAD of the status failed: "), "{error}");
    assert!(
        !error.contains("127.0.0.1") && !error.contains("X-Amz"),
        "{error}"
    );
}

/// Each class of refusal: a `refused` status with the core's reason, no variant, and the
/// upload version deleted.
#[test]
fn refused_uploads_are_deleted_and_say_why() {
    let good_png = png_by_hand(4, 4, 8, 2, false, &[], |_, _| vec![1, 2, 3]);
    let mut truncated = photo();
    truncated.truncate(truncated.len() / 2);
    let zero_wide = png_by_hand(0, 4, 8, 2, false, &[], |_, _| vec![1, 2, 3]);
    for (content_type, bytes, reason) in [
        ("image/png", Vec::new(), "empty"),
        ("text/html", good_png.clone(), "unsupported_declared_type"),
        ("image/png", b"<html><script>".to_vec(), "not_an_image"),
        ("image/png", photo(), "type_mismatch"),
        ("image/jpeg", truncated, "truncated"),
        ("image/png", zero_wide, "bad_side"),
    ] {
        let s3 = FakeS3::start();
        let version = s3.upload(&upload_key(), content_type, &bytes);
        let event = eventbridge(&upload_key(), Some(&version), bytes.len() as u64);
        let reports = run(&store(&s3.env()), &event);
        let line: Value = serde_json::from_str(&reports[0].log_line("r")).unwrap();
        let outcome = one(reports);
        assert_eq!(outcome, Ok(Outcome::Refused(reason)), "{reason}");
        assert_eq!(line["outcome"], "refused");
        assert_eq!(line["reason"], reason);
        assert!(line["caller"].as_str().unwrap().starts_with("sha256:"));
        let st = status(&s3);
        assert_eq!(st["state"], "refused");
        assert_eq!(st["reason"], reason);
        assert!(st["message"].is_string());
        assert_eq!(
            s3.keys(),
            [image_key("status.json")],
            "{reason}: no variant, no upload left"
        );
    }
}

/// The limit classes, with limits small enough to meet on small images (the processor hands
/// every refusal the same way; its reason is the core's).
#[test]
fn refusals_by_limit_are_deleted_and_say_why() {
    use presigner_test_support::images::{animated_gif, icc_app2, icc_profile};
    let limits = presigner_images::Limits::default();
    let small = jpeg(64, 64, &rgb(64, 64, quadrants(64, 64)), false);
    for (content_type, bytes, limits, reason) in [
        (
            "image/jpeg",
            small.clone(),
            presigner_images::Limits {
                max_pixels_jpeg: 1000,
                ..limits
            },
            "too_many_pixels",
        ),
        (
            "image/gif",
            animated_gif(8, 8, &[[255, 0, 0], [0, 255, 0], [0, 0, 255]]),
            presigner_images::Limits {
                max_frames: 2,
                ..limits
            },
            "too_many_frames",
        ),
        (
            "image/jpeg",
            jpeg(64, 64, &rgb(64, 64, quadrants(64, 64)), true),
            presigner_images::Limits {
                max_jpeg_scans: 1,
                ..limits
            },
            "too_many_scans",
        ),
        (
            "image/jpeg",
            jpeg(64, 64, &rgb(64, 64, quadrants(64, 64)), true),
            presigner_images::Limits {
                max_progressive_jpeg_bytes: 1000,
                ..limits
            },
            "progressive_too_large",
        ),
        (
            "image/jpeg",
            with_segments(&small, &[(0xE2, icc_app2(&icc_profile(b"RGB ")))]),
            presigner_images::Limits {
                max_icc_bytes: 16,
                ..limits
            },
            "icc_too_large",
        ),
    ] {
        let settings = Settings {
            limits,
            ..Default::default()
        };
        let s3 = FakeS3::start();
        let version = s3.upload(&upload_key(), content_type, &bytes);
        let event = eventbridge(&upload_key(), Some(&version), bytes.len() as u64);
        let outcome = one(handle_event(&store(&s3.env()), &settings, &event));
        assert_eq!(outcome, Ok(Outcome::Refused(reason)), "{reason}");
        assert_eq!(status(&s3)["reason"], reason);
        assert_eq!(s3.keys(), [image_key("status.json")], "{reason}");
    }
}

#[test]
fn an_upload_over_the_byte_cap_is_refused_whatever_its_event_says() {
    let settings = Settings {
        limits: presigner_images::Limits {
            max_bytes: 1000,
            ..Default::default()
        },
        ..Default::default()
    };
    // The event's size says 1000 bytes; the object holds more: reading stops at the cap.
    let s3 = FakeS3::start();
    let big = photo();
    assert!(big.len() > 1000);
    let version = s3.upload(&upload_key(), "image/jpeg", &big);
    let event = eventbridge(&upload_key(), Some(&version), 1000);
    let reports = handle_event(&store(&s3.env()), &settings, &event);
    assert_eq!(one(reports), Ok(Outcome::Refused("too_many_bytes")));
    assert_eq!(status(&s3)["reason"], "too_many_bytes");
    assert!(s3.versions(&upload_key()).is_empty());

    // An event whose size is over the cap is refused without a GET.
    let s3 = FakeS3::start();
    let version = s3.upload(&upload_key(), "image/jpeg", &big);
    let event = eventbridge(&upload_key(), Some(&version), big.len() as u64);
    let reports = handle_event(&store(&s3.env()), &settings, &event);
    assert_eq!(one(reports), Ok(Outcome::Refused("too_many_bytes")));
    assert!(s3.seen().iter().all(|r| r.method != "GET"));
    assert!(s3.versions(&upload_key()).is_empty());
}

#[test]
fn keys_outside_the_prefix_and_other_events_are_ignored_without_a_request() {
    let s3 = FakeS3::start();
    let store = store(&s3.env());
    s3.upload(&image_key("display"), "image/jpeg", &photo());
    for event in [
        notification(
            &format!("images/{FOLDER}/{TWEET_ENCODED}/display"),
            Some("v1"),
            1,
        ),
        eventbridge("avatars/x.png", None, 1),
        // `+` is a space in a notification's key, and a space is no tweetId.
        notification(&format!("uploads/{FOLDER}/a+b"), None, 1),
        notification("uploads/a%7Cb/t", None, 1),
        // A broken escape stays as it is, and `%` is in no id; bytes that are not UTF-8.
        notification(&format!("uploads/{FOLDER}/t%zz"), None, 1),
        notification(&format!("uploads/{FOLDER}/t%FF"), None, 1),
        json!({"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "uploads/u/t"}}}]}),
        json!({"detail-type": "Object Deleted", "detail": {"object": {"key": "uploads/u/t"}}}),
        json!({"hello": "world"}),
    ] {
        let reports = run(&store, &event);
        let line: Value = serde_json::from_str(&reports[0].log_line("r")).unwrap();
        assert!(matches!(one(reports), Ok(Outcome::Ignored(_))), "{event}");
        assert_eq!(line["outcome"], "ignored");
        assert!(line["reason"].is_string());
    }
    assert!(s3.seen().is_empty(), "{:?}", s3.seen());
}

#[test]
fn a_notification_with_several_records_reports_each() {
    let s3 = FakeS3::start();
    let v = s3.upload(&upload_key(), "image/jpeg", &photo());
    let mut event = notification(&format!("uploads/{FOLDER}/{TWEET_ENCODED}"), Some(&v), 1);
    let outside = notification("other/key", None, 1)["Records"][0].clone();
    event["Records"].as_array_mut().unwrap().push(outside);
    let reports = run(&store(&s3.env()), &event);
    let outcomes: Vec<_> = reports.into_iter().map(|r| r.outcome.unwrap()).collect();
    assert_eq!(
        outcomes,
        [
            Outcome::Published,
            Outcome::Ignored("outside_upload_prefix")
        ]
    );
}

/// The same flow against s3s-fs, a real S3 implementation (unversioned: it ignores
/// `versionId`), including its own `If-None-Match: *` answer (412) to a second write.
#[test]
fn against_the_local_s3_an_upload_is_published_once() {
    use presigner_local_aws as local;
    use presigner_test_support::s3::LocalS3;
    let s3 = LocalS3::start();
    let env: Vec<(&'static str, String)> = local::lambda_env(s3.port);
    let store = store(&env);
    let key = upload_key();
    // The upload goes through S3's API, as a browser's would: a presigned PUT.
    let upload = |bytes: &[u8]| {
        let credentials = presigner_s3::sigv4::Credentials::new(
            local::ACCESS_KEY_ID,
            local::SECRET_ACCESS_KEY,
            None,
        )
        .unwrap();
        let presigner = presigner_s3::Presigner::new(
            credentials,
            local::REGION,
            presigner_s3::Endpoint::parse(&format!("http://127.0.0.1:{}", s3.port)).unwrap(),
            presigner_s3::AddressingStyle::Path,
        )
        .unwrap();
        let bucket = presigner_s3::Bucket::new(local::BUCKET).unwrap();
        let object = presigner_s3::ObjectKey::new(key.clone()).unwrap();
        let headers = [("content-type", "image/jpeg")];
        let request = presigner_s3::ObjectRequest {
            headers: &headers,
            ..presigner_s3::ObjectRequest::new(
                presigner_s3::Method::Put,
                &bucket,
                &object,
                presigner_s3::Expiry::from_secs(60).unwrap(),
            )
        };
        let url = presigner
            .presign(&request, presigner::lambda::clock_now())
            .unwrap();
        let status = ureq::put(&url)
            .header("content-type", "image/jpeg")
            .config()
            .http_status_as_error(false)
            .build()
            .send(bytes)
            .unwrap()
            .status();
        assert_eq!(status, 200);
    };
    upload(&photo());
    let event = notification(&format!("uploads/{FOLDER}/{TWEET_ENCODED}"), None, 1);
    assert_eq!(one(run(&store, &event)), Ok(Outcome::Published));
    assert!(!s3.object_path(&key).exists(), "the upload is deleted");
    let display = std::fs::read(s3.object_path(&image_key("display"))).unwrap();
    assert_eq!(decode_variant(ImageKind::Jpeg, &display).0, 400);
    let status: Value =
        serde_json::from_slice(&std::fs::read(s3.object_path(&image_key("status.json"))).unwrap())
            .unwrap();
    assert_eq!(status["state"], "ready");

    // A second upload to the same id, with the status object out of the way, meets s3s-fs's
    // own 412 on every variant: what was published stays.
    std::fs::remove_file(s3.object_path(&image_key("status.json"))).unwrap();
    let other = jpeg(64, 64, &rgb(64, 64, |_, _| [9, 9, 9]), false);
    upload(&other);
    assert_eq!(one(run(&store, &event)), Ok(Outcome::Published));
    assert_eq!(
        std::fs::read(s3.object_path(&image_key("display"))).unwrap(),
        display
    );
    assert!(!s3.object_path(&key).exists());
}
