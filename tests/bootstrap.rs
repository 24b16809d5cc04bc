//! The real Lambda binary: start-up checks, and invocations through the Runtime API.

mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::runtime_api::{runtime_env, RuntimeApi};

const SECRET: &str = "bootstrap-test-secret";

fn lambda_env(cmd: &mut Command, runtime_api: &str) {
    runtime_env(cmd, runtime_api);
    cmd.env("S3_BUCKET_NAME", "presigner-test-bucket")
        .env("AWS_REGION", "ap-northeast-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", "session-token-value");
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    for (unset, set, expected) in [
        (Some("S3_BUCKET_NAME"), None, "presigner: configuration error: S3_BUCKET_NAME: is not set"),
        (Some("AWS_SECRET_ACCESS_KEY"), None, "presigner: configuration error: AWS_SECRET_ACCESS_KEY: is not set"),
        (None, Some(("URL_EXPIRES_SECONDS", "604801")), "presigner: configuration error: URL_EXPIRES_SECONDS: expiry 604801 s is out of range: give 1 to 604800 seconds (7 days)"),
        (None, Some(("S3_ENDPOINT_URL", "minio:9000")), "presigner: configuration error: S3_ENDPOINT_URL: invalid endpoint URL: it must start with http:// or https://"),
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_presigner"));
        lambda_env(&mut cmd, "127.0.0.1:9");
        if let Some(name) = unset {
            cmd.env_remove(name);
        }
        if let Some((k, v)) = set {
            cmd.env(k, v);
        }
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr, format!("{expected}\n"));
        assert!(!stderr.contains(SECRET) && !stderr.contains("session-token-value"));
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn invocations_through_the_runtime_api_log_one_line_each_and_nothing_secret() {
    let api = RuntimeApi::start();
    let event = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/events/rest-v1.json"
    ))
    .unwrap();
    api.push_event(event.clone());
    let mut bad: Value = serde_json::from_str(&event).unwrap();
    bad["body"] = Value::from("{not json");
    api.push_event(bad.to_string());

    let mut cmd = Command::new(env!("CARGO_BIN_EXE_presigner"));
    lambda_env(&mut cmd, &api.addr);
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (responses, errors) = api.wait_for(2, Duration::from_secs(20));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(responses.len(), 2, "stdout: {stdout}");

    let ok: Value = serde_json::from_str(&responses[0].1).unwrap();
    assert_eq!(ok["statusCode"], 200);
    assert_eq!(ok["headers"]["access-control-allow-origin"], "*");
    let body: Value = serde_json::from_str(ok["body"].as_str().unwrap()).unwrap();
    let url = body["presignedUrl"].as_str().unwrap();
    assert!(url.starts_with("https://presigner-test-bucket.s3.ap-northeast-1.amazonaws.com/images/test%40mail.com/test_id.png?"));
    assert!(url.contains("X-Amz-Security-Token=session-token-value&"));
    let bad: Value = serde_json::from_str(&responses[1].1).unwrap();
    assert_eq!(bad["statusCode"], 400);

    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON log line"))
        .collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    for (line, status) in lines.iter().zip([200, 400]) {
        assert_eq!(line["route"], "/api/upload_url");
        assert_eq!(line["status"], status);
        assert!(line["duration_us"].is_u64());
        assert_eq!(line.as_object().unwrap().len(), 3);
    }
    let signature = &url[url.find("X-Amz-Signature=").unwrap() + 16..];
    for secret in [
        SECRET,
        "session-token-value",
        signature,
        "test@mail.com",
        "X-Amz",
    ] {
        assert!(!stdout.contains(secret), "log holds {secret}");
    }
}
