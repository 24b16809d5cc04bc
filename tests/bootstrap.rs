//! The real Lambda binary: start-up checks, and invocations through the Runtime API.
//!
//! By default the binary is the one `cargo test` builds (debug profile, where a panic
//! unwinds). `PRESIGNER_BOOTSTRAP=path` runs another one instead, such as the release build,
//! whose `panic = "abort"` turns any panic into the death of the process, or the arm64
//! artifact under an emulator, `PRESIGNER_BOOTSTRAP_RUNNER="qemu-aarch64 -L /usr/aarch64-linux-gnu"`
//! (words split on spaces). `scripts/test` runs these tests against the release binary too.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use presigner_test_support::events::event_json;
use presigner_test_support::runtime_api::{runtime_env, RuntimeApi};
use serde_json::{json, Value};

const SECRET: &str = "bootstrap-test-secret";

/// The binary under test, and how to run it.
fn bootstrap() -> Command {
    let binary = std::env::var("PRESIGNER_BOOTSTRAP")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| presigner_test_support::binaries::binary("presigner", "presigner"));
    presigner_test_support::binaries::command_under_runner(binary, "PRESIGNER_BOOTSTRAP_RUNNER")
}

fn lambda_env(cmd: &mut Command, runtime_api: &str) {
    runtime_env(cmd, runtime_api);
    cmd.env("S3_BUCKET_NAME", "presigner-test-bucket")
        .env("AWS_REGION", "ap-northeast-1")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", "session-token-value");
}

fn spawn(api: &RuntimeApi, extra_env: &[(&str, &str)]) -> Child {
    let mut cmd = bootstrap();
    lambda_env(&mut cmd, &api.addr);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    cmd.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start the bootstrap")
}

#[test]
fn a_bad_setting_stops_start_up_with_one_line_naming_it() {
    for (unset, set, expected) in [
        (Some("S3_BUCKET_NAME"), None, "presigner: configuration error: S3_BUCKET_NAME: is not set"),
        (Some("AWS_SECRET_ACCESS_KEY"), None, "presigner: configuration error: AWS_SECRET_ACCESS_KEY: is not set"),
        (None, Some(("URL_EXPIRES_SECONDS", "604801")), "presigner: configuration error: URL_EXPIRES_SECONDS: expiry 604801 s is out of range: give 1 to 604800 seconds (7 days)"),
        (None, Some(("S3_ENDPOINT_URL", "minio:9000")), "presigner: configuration error: S3_ENDPOINT_URL: invalid endpoint URL: it must start with http:// or https://"),
        (None, Some(("TRUST_BODY_USER_ID", "maybe")), "presigner: configuration error: TRUST_BODY_USER_ID: \"maybe\" is not true or false"),
        (None, Some(("MAX_UPLOAD_BYTES", "26214401")), "presigner: configuration error: MAX_UPLOAD_BYTES: 26214401 is over 26214400 (25 MiB), the largest upload the image pipeline processes: use at most that, or IMAGE_PIPELINE=off"),
        (None, Some(("IMAGE_PIPELINE", "no")), "presigner: configuration error: IMAGE_PIPELINE: \"no\" must be on (uploads become verified variants) or off (the original contract: images stored and served as uploaded)"),
    ] {
        let mut cmd = bootstrap();
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
    let upload = json!({"tweetId": "test_id", "contentType": "image/png", "contentLength": 5120});
    api.push_event(
        event_json("rest-v1-cognito.json", |e| {
            e["body"] = json!(upload.to_string())
        })
        .to_string(),
    );
    api.push_event(
        event_json("rest-v1-cognito.json", |e| e["body"] = json!("{not json")).to_string(),
    );
    api.push_event(event_json("rest-v1.json", |_| {}).to_string());

    let mut child = spawn(&api, &[]);
    let (responses, errors) = api.wait_for(3, Duration::from_secs(60));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(responses.len(), 3, "stdout: {stdout}");

    let ok: Value = serde_json::from_str(&responses[0].1).unwrap();
    assert_eq!(ok["statusCode"], 200);
    assert_eq!(ok["headers"]["access-control-allow-origin"], "*");
    let body: Value = serde_json::from_str(ok["body"].as_str().unwrap()).unwrap();
    let url = body["presignedUrl"].as_str().unwrap();
    // The image pipeline is the bootstrap's own default: the upload goes to the private
    // prefix, and the answer names the status object the processor will write.
    assert!(url.starts_with("https://presigner-test-bucket.s3.ap-northeast-1.amazonaws.com/uploads/7d8ca528-4931-4254-9273-ea5ee853f271/test_id?"), "{url}");
    assert!(url.contains("X-Amz-Security-Token=session-token-value&"));
    let status_url = body["statusUrl"].as_str().unwrap();
    assert!(status_url.starts_with("https://presigner-test-bucket.s3.ap-northeast-1.amazonaws.com/images/7d8ca528-4931-4254-9273-ea5ee853f271/test_id/status.json?"), "{status_url}");
    let statuses: Vec<Value> = responses
        .iter()
        .map(|(_, r)| serde_json::from_str::<Value>(r).unwrap()["statusCode"].clone())
        .collect();
    assert_eq!(statuses, [200, 400, 401]);

    let lines: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON log line"))
        .collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    // The caller as an operator can trace them: the sub's SHA-256, first 16 hex digits.
    let sub_ref = {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(b"7d8ca528-4931-4254-9273-ea5ee853f271");
        format!("sha256:{}", hex::encode(&digest[..8]))
    };
    let callers = [sub_ref.as_str(), sub_ref.as_str(), "anonymous"];
    for (i, (line, status)) in lines.iter().zip([200, 400, 401]).enumerate() {
        assert_eq!(
            line["request_id"],
            format!("req-{}", i + 1),
            "the Lambda request id"
        );
        assert_eq!(line["route"], "/api/upload_url");
        assert_eq!(line["status"], status);
        assert!(line["duration_us"].is_u64());
        assert_eq!(line["caller"], callers[i]);
        assert_eq!(line.as_object().unwrap().len(), 5);
    }
    let signature = &url[url.find("X-Amz-Signature=").unwrap() + 16..];
    for secret in [
        SECRET,
        "session-token-value",
        signature,
        "7d8ca528",
        "X-Amz",
    ] {
        assert!(!stdout.contains(secret), "log holds {secret}");
    }
}

/// Hostile events, all in one process: each is answered (a response for every event that
/// deserialises, 4xx where it is malformed; an error report for the rest), and the process
/// is alive after the burst and still answers a good request.
#[test]
fn a_burst_of_hostile_events_is_answered_and_the_process_survives() {
    let hostile = presigner_test_support::hostile::events();
    assert!(hostile.len() >= 20, "the burst lost its cases");
    let api = RuntimeApi::start();
    for case in &hostile {
        api.push_event(case.event.clone());
    }
    let good = event_json("rest-v1-cognito.json", |e| {
        e["body"] = json!(r#"{"tweetId":"after","contentType":"image/png","contentLength":1}"#)
    });
    api.push_event(good.to_string());

    let mut child = spawn(&api, &[("TRUST_BODY_USER_ID", "true")]);
    let n = hostile.len() + 1;
    let (responses, errors) = api.wait_for(n, Duration::from_secs(120));
    let alive = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(alive, "the process died: {:?}\n{stderr}", out.status);
    assert_eq!(
        responses.len() + errors.len(),
        n,
        "every event answered; stderr: {stderr}"
    );

    let expected_errors = hostile.iter().filter(|c| c.status.is_none()).count();
    assert_eq!(errors.len(), expected_errors, "error reports: {errors:?}");
    for (path, error) in &errors {
        assert!(path.ends_with("/error"), "{path}");
        let error: Value = serde_json::from_str(error).unwrap();
        assert!(error["errorType"].is_string(), "{error}");
    }
    // Responses arrive in order; the hostile ones that deserialise come first.
    let answered: Vec<&presigner_test_support::hostile::Case> =
        hostile.iter().filter(|c| c.status.is_some()).collect();
    assert_eq!(responses.len(), answered.len() + 1);
    for (case, (_, response)) in answered.iter().zip(&responses) {
        let r: Value = serde_json::from_str(response).unwrap();
        assert_eq!(
            r["statusCode"].as_u64().map(|s| s as u16),
            case.status,
            "{}: {response}",
            case.name
        );
        if case.status.is_some_and(|s| s >= 400) {
            let body: Value = serde_json::from_str(r["body"].as_str().unwrap()).unwrap();
            assert!(
                body["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{}",
                case.name
            );
        }
    }
    let last: Value = serde_json::from_str(&responses.last().unwrap().1).unwrap();
    assert_eq!(last["statusCode"], 200, "the good request after the burst");
}

/// The bootstrap in CloudFront mode (the settings `Downloads=CloudFront` gives it): single
/// and batch downloads are CloudFront signed URLs that the edge check (`ring`) accepts, one
/// grant for the batch; an upload is still an S3 URL; the log holds no part of the key.
#[test]
fn in_cloudfront_mode_downloads_are_signed_urls_the_edge_accepts() {
    use presigner_test_support::edge::{test_key_group, test_private_key, verify};
    let api = RuntimeApi::start();
    let route = |route: &str, body: Value| {
        event_json("rest-v1-cognito.json", |e| {
            e["resource"] = json!(format!("/api/{route}"));
            e["path"] = json!(format!("/api/{route}"));
            e["body"] = json!(body.to_string());
        })
        .to_string()
    };
    api.push_event(route(
        "download_url",
        json!({"userId": "bob", "tweetId": "t1"}),
    ));
    api.push_event(route(
        "download_urls",
        json!({"images": [{"userId": "bob", "tweetId": "t1"}, {"tweetId": "t2"}]}),
    ));
    api.push_event(route(
        "upload_url",
        json!({"tweetId": "t3", "contentType": "image/png", "contentLength": 5}),
    ));
    let key = test_private_key();
    let mut child = spawn(
        &api,
        &[
            ("CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net"),
            ("CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F"),
            ("CLOUDFRONT_PRIVATE_KEY", &key),
        ],
    );
    let (responses, errors) = api.wait_for(3, Duration::from_secs(60));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    let bodies: Vec<Value> = responses
        .iter()
        .map(|(_, r)| {
            let r: Value = serde_json::from_str(r).unwrap();
            assert_eq!(r["statusCode"], 200, "{r}");
            serde_json::from_str(r["body"].as_str().unwrap()).unwrap()
        })
        .collect();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let mut urls = vec![bodies[0]["presignedUrl"].as_str().unwrap().to_owned()];
    urls.extend(
        bodies[1]["presignedUrls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_owned()),
    );
    for url in &urls {
        assert!(
            url.starts_with("https://d111111abcdef8.cloudfront.net/images/"),
            "{url}"
        );
        assert_eq!(verify(url, &test_key_group(), now), Ok(()), "{url}");
    }
    assert_eq!(urls[0], urls[1], "the same image, the same URL");
    let query = |u: &str| u.split_once('?').unwrap().1.to_owned();
    assert_eq!(query(&urls[1]), query(&urls[2]), "one grant for the batch");
    let put = bodies[2]["presignedUrl"].as_str().unwrap();
    assert!(put.contains("X-Amz-Signature="), "{put}");
    let log = String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap();
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!log.contains(line), "the log holds the key: {log}");
    }
}
