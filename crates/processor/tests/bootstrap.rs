//! The real processor binary through the Runtime API emulator (tests/support), against the
//! fake versioned S3: start-up checks, events in, S3 written, one log line per object, an
//! S3 failure reported to the runtime as an error (so Lambda retries), hostile events survived.
//!
//! `PROCESSOR_BOOTSTRAP=path` runs another binary (the release build, a `sam build` artifact)
//! instead of the debug one; `PROCESSOR_BOOTSTRAP_RUNNER="qemu-aarch64"` runs it under an
//! emulator (words split on spaces), as scripts/artifact-test does with the arm64 artifact.

mod fake_s3;

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fake_s3::{Failure, FakeS3};
use presigner_test_support::images::{jpeg, quadrants, rgb};
use presigner_test_support::runtime_api::{runtime_env, RuntimeApi};
use serde_json::{json, Value};

fn bootstrap() -> Command {
    let binary = std::env::var("PROCESSOR_BOOTSTRAP")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_presigner-processor").to_owned());
    presigner_test_support::binaries::command_under_runner(binary, "PROCESSOR_BOOTSTRAP_RUNNER")
}

fn spawn(api: &RuntimeApi, s3: &FakeS3) -> Child {
    let mut cmd = bootstrap();
    runtime_env(&mut cmd, &api.addr);
    for (k, v) in s3.env() {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the processor")
}

fn object_created(key: &str, version: &str) -> String {
    json!({"detail-type": "Object Created", "source": "aws.s3",
           "detail": {"object": {"key": key, "version-id": version, "size": 10}}})
    .to_string()
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    let s3 = FakeS3::start();
    for (name, expected) in [
        (
            "S3_BUCKET_NAME",
            "presigner-processor: configuration error: S3_BUCKET_NAME: is not set",
        ),
        (
            "AWS_SECRET_ACCESS_KEY",
            "presigner-processor: configuration error: AWS_SECRET_ACCESS_KEY: is not set",
        ),
    ] {
        let mut cmd = bootstrap();
        runtime_env(&mut cmd, "127.0.0.1:9");
        for (k, v) in s3.env() {
            cmd.env(k, v);
        }
        cmd.env_remove(name);
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr, format!("{expected}\n"));
        assert!(!stderr.contains(fake_s3::SECRET));
    }
}

#[test]
fn events_through_the_runtime_api_publish_refuse_fail_and_log_one_line_each() {
    let s3 = FakeS3::start();
    let photo = jpeg(300, 200, &rgb(300, 200, quadrants(300, 200)), false);
    let good = s3.upload("uploads/u1/ツイート", "image/jpeg", &photo);
    let bad = s3.upload("uploads/u1/t2", "image/png", b"<html>");
    let failing = s3.upload("uploads/u1/t3", "image/jpeg", &photo);
    s3.fail(Failure {
        method: "GET",
        key_suffix: "/t3".into(),
        status: 500,
        times: 1,
    });

    let api = RuntimeApi::start();
    // The notification's key is form-URL-encoded.
    api.push_event(
        json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {
            "key": "uploads/u1/%E3%83%84%E3%82%A4%E3%83%BC%E3%83%88", "versionId": good}}}]})
        .to_string(),
    );
    api.push_event(object_created("uploads/u1/t2", &bad));
    api.push_event(object_created("uploads/u1/t3", &failing));
    api.push_event(object_created("images/u1/t1/display", "v"));
    // Hostile: not JSON an event can be, nested past serde_json's limit, not an object.
    api.push_event("[".repeat(10_000));
    api.push_event("\"just a string\"".to_owned());
    // And the failed one again, as Lambda's retry would send it.
    api.push_event(object_created("uploads/u1/t3", &failing));

    let mut child = spawn(&api, &s3);
    let (responses, errors) = api.wait_for(7, Duration::from_secs(60));
    let alive = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(alive, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(responses.len() + errors.len(), 7, "{stdout}");
    // The GET failure and the unparseable event are errors; the rest are answered.
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors
        .iter()
        .any(|(_, e)| e.contains("GET of the upload failed: S3 answered 500")));
    assert_eq!(responses.len(), 5);

    assert_eq!(
        s3.keys(),
        [
            "images/u1/t2/status.json",
            "images/u1/t3/display",
            "images/u1/t3/status.json",
            "images/u1/t3/thumb",
            "images/u1/ツイート/display",
            "images/u1/ツイート/status.json",
            "images/u1/ツイート/thumb",
        ]
    );

    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON log line"))
        .collect();
    let outcomes: Vec<&str> = lines
        .iter()
        .map(|l| l["outcome"].as_str().unwrap())
        .collect();
    assert_eq!(
        outcomes,
        [
            "published",
            "refused",
            "error",
            "ignored",
            "ignored",
            "published"
        ],
        "{stdout}"
    );
    assert_eq!(lines[1]["reason"], "not_an_image");
    assert!(lines[0]["request_id"].as_str().unwrap().starts_with("req-"));
    for leak in ["u1", "ツイート", "X-Amz", fake_s3::SECRET, "<html>"] {
        assert!(!stdout.contains(leak), "the log holds {leak}: {stdout}");
    }
}
