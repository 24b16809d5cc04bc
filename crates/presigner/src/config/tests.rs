//! The configuration's unit tests: defaults, explicit values, each bad setting named.

use super::*;
use presigner_s3::AddressingStyle;
use std::collections::HashMap;

const SECRET: &str = "s3cr3t/VALUE+";

fn env(extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut m: HashMap<String, String> = [
        ("S3_BUCKET_NAME", "my-bucket"),
        ("AWS_REGION", "ap-northeast-1"),
        ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in extra {
        m.insert(k.to_string(), v.to_string());
    }
    m
}

fn load(m: &HashMap<String, String>) -> Result<Config, ConfigError> {
    Config::from_lookup(|k| m.get(k).cloned())
}

#[test]
fn defaults() {
    let c = load(&env(&[])).unwrap();
    assert_eq!(c.bucket.as_str(), "my-bucket");
    assert_eq!(
        c.endpoint.to_string(),
        "https://s3.ap-northeast-1.amazonaws.com"
    );
    assert_eq!(c.expiry.secs(), 1800);
    assert_eq!(c.addressing_style, AddressingStyle::Auto);
    assert_eq!(c.max_upload_bytes, 10 * 1024 * 1024);
    assert_eq!(c.credentials.session_token(), None);
    assert_eq!(c.upload_urls, UploadUrls::Constrained);
    assert_eq!(c.anonymous_callers, AnonymousCallers::Refused);
    assert_eq!(c.cors_allow_origin.as_str(), "*");
    assert_eq!(c.download_access, DownloadAccess::SignedIn);
    assert_eq!(c.cache_window.secs(), 3600);
    assert_eq!(c.max_batch_images, 100);
    assert_eq!(c.image_pipeline, ImagePipeline::On);
}

#[test]
fn the_pipeline_switch_and_its_upload_limit() {
    for (value, expected) in [
        ("on", ImagePipeline::On),
        ("off", ImagePipeline::Off),
        (" off ", ImagePipeline::Off),
        ("", ImagePipeline::On),
    ] {
        let c = load(&env(&[("IMAGE_PIPELINE", value)])).unwrap();
        assert_eq!(c.image_pipeline, expected, "{value:?}");
        assert_eq!(c.image_pipeline.as_str(), expected.as_str());
    }
    let limit = PIPELINE_MAX_UPLOAD_BYTES.to_string();
    let over = (PIPELINE_MAX_UPLOAD_BYTES + 1).to_string();
    let c = load(&env(&[("MAX_UPLOAD_BYTES", &limit)])).unwrap();
    assert_eq!(c.max_upload_bytes, 26_214_400);
    let e = load(&env(&[("MAX_UPLOAD_BYTES", &over)])).unwrap_err();
    assert_eq!(e.variable, "MAX_UPLOAD_BYTES");
    assert!(
        e.problem.contains("25 MiB") && e.problem.contains("IMAGE_PIPELINE=off"),
        "{e}"
    );
    // The original contract keeps S3's own limit.
    let c = load(&env(&[
        ("MAX_UPLOAD_BYTES", &over),
        ("IMAGE_PIPELINE", "off"),
    ]))
    .unwrap();
    assert_eq!(c.max_upload_bytes, PIPELINE_MAX_UPLOAD_BYTES + 1);
}

#[test]
fn explicit_values() {
    let c = load(&env(&[
        ("S3_ENDPOINT_URL", "http://127.0.0.1:9000"),
        ("URL_EXPIRES_SECONDS", "604800"),
        ("S3_FORCE_PATH_STYLE", "TRUE"),
        ("MAX_UPLOAD_BYTES", "5120"),
        ("AWS_SESSION_TOKEN", "tok"),
        ("REQUIRE_UPLOAD_CONSTRAINTS", "false"),
        ("TRUST_BODY_USER_ID", "1"),
        ("CORS_ALLOW_ORIGIN", "https://app.example.com"),
        ("DOWNLOAD_ACCESS", "anyone"),
        ("URL_CACHE_WINDOW_SECONDS", "0"),
        ("MAX_BATCH_IMAGES", "1000"),
    ]))
    .unwrap();
    assert_eq!(c.download_access, DownloadAccess::Anyone);
    assert_eq!(c.cache_window, CacheWindow::OFF);
    assert_eq!(c.max_batch_images, 1000);
    assert_eq!(c.upload_urls, UploadUrls::Open);
    assert_eq!(c.anonymous_callers, AnonymousCallers::TrustBodyUserId);
    assert_eq!(c.cors_allow_origin.as_str(), "https://app.example.com");
    assert_eq!(c.endpoint.to_string(), "http://127.0.0.1:9000");
    assert_eq!(c.expiry.secs(), 604800);
    assert_eq!(c.addressing_style, AddressingStyle::Path);
    assert_eq!(c.max_upload_bytes, 5120);
    assert_eq!(c.credentials.session_token(), Some("tok"));
}

#[test]
fn each_bad_setting_is_named() {
    let missing = |name: &str| {
        let mut m = env(&[]);
        m.remove(name);
        load(&m).unwrap_err()
    };
    for name in [
        "S3_BUCKET_NAME",
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    ] {
        let e = missing(name);
        assert_eq!(e.to_string(), format!("{name}: is not set"));
    }
    for (name, value, says) in [
        ("S3_BUCKET_NAME", "Bad_Bucket", "invalid bucket name"),
        ("AWS_REGION", "ap northeast", "region"),
        ("S3_ENDPOINT_URL", "s3.example.com", "http:// or https://"),
        ("URL_EXPIRES_SECONDS", "0", "out of range"),
        ("URL_EXPIRES_SECONDS", "604801", "out of range"),
        ("URL_EXPIRES_SECONDS", "half an hour", "not a whole number"),
        ("S3_FORCE_PATH_STYLE", "yes", "not true or false"),
        ("MAX_UPLOAD_BYTES", "0", "from 1 to"),
        ("MAX_UPLOAD_BYTES", "10MB", "from 1 to"),
        ("AWS_ACCESS_KEY_ID", "AKID EXAMPLE", "access key id"),
        ("REQUIRE_UPLOAD_CONSTRAINTS", "no", "not true or false"),
        ("TRUST_BODY_USER_ID", "yes please", "not true or false"),
        ("DOWNLOAD_ACCESS", "everyone", "signed-in, owner or anyone"),
        ("DOWNLOAD_ACCESS", "Owner", "signed-in, owner or anyone"),
        ("URL_CACHE_WINDOW_SECONDS", "1h", "not a whole number"),
        ("URL_CACHE_WINDOW_SECONDS", "-1", "not a whole number"),
        ("URL_CACHE_WINDOW_SECONDS", "603001", "over 604800"),
        ("MAX_BATCH_IMAGES", "0", "from 1 to 1000"),
        ("MAX_BATCH_IMAGES", "1001", "from 1 to 1000"),
        ("IMAGE_PIPELINE", "true", "must be on"),
        ("IMAGE_PIPELINE", "ON", "must be on"),
        ("IMAGE_PIPELINE", "0", "or off"),
        (
            "CORS_ALLOW_ORIGIN",
            "app.example.com",
            "must be * or an origin",
        ),
        (
            "CORS_ALLOW_ORIGIN",
            "https://app.example.com/path",
            "no path",
        ),
        (
            "CORS_ALLOW_ORIGIN",
            "https://a.example\r\nX-Evil: 1",
            "no path",
        ),
        // Browsers compare the header byte for byte with the origin they serialize:
        // lowercase, no default port, a port that exists. Any other spelling never matches.
        (
            "CORS_ALLOW_ORIGIN",
            "https://App.example.com",
            "as a browser sends it: https://app.example.com",
        ),
        (
            "CORS_ALLOW_ORIGIN",
            "HTTPS://app.example.com",
            "must be * or an origin",
        ),
        (
            "CORS_ALLOW_ORIGIN",
            "https://app.example.com:443",
            "as a browser sends it: https://app.example.com",
        ),
        (
            "CORS_ALLOW_ORIGIN",
            "http://app.example.com:80",
            "as a browser sends it: http://app.example.com",
        ),
        (
            "CORS_ALLOW_ORIGIN",
            "http://[::1]:80",
            "as a browser sends it: http://[::1]",
        ),
        ("CORS_ALLOW_ORIGIN", "https://app.example.com:", "port"),
        ("CORS_ALLOW_ORIGIN", "https://app.example.com:0", "port"),
        ("CORS_ALLOW_ORIGIN", "https://app.example.com:65536", "port"),
        ("CORS_ALLOW_ORIGIN", "https://app.example.com:08080", "port"),
        ("CORS_ALLOW_ORIGIN", "https://app.example.com:80:80", "port"),
        ("CORS_ALLOW_ORIGIN", "https://:8080", "host"),
        ("CORS_ALLOW_ORIGIN", "https://[::1", "host"),
        ("CORS_ALLOW_ORIGIN", "https://a]b", "host"),
    ] {
        let e = load(&env(&[(name, value)])).unwrap_err();
        assert_eq!(e.variable, name, "{value}");
        assert!(e.problem.contains(says), "{name}={value}: {e}");
        assert!(!e.to_string().contains(SECRET));
    }
}

#[test]
fn debug_never_shows_the_secret() {
    let c = load(&env(&[("AWS_SESSION_TOKEN", "session-token-value")])).unwrap();
    let shown = format!("{c:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("session-token-value"),
        "{shown}"
    );
}

#[test]
fn cors_origins_in_the_form_browsers_send_are_kept_as_given() {
    for origin in [
        "https://app.example.com",
        "http://localhost:5173",
        "http://127.0.0.1",
        "https://[::1]:8443",
        "http://192.168.1.20:65535",
        "https://xn--bcher-kva.example",
        "https://app.example.com.",
    ] {
        let c = load(&env(&[("CORS_ALLOW_ORIGIN", origin)])).unwrap();
        assert_eq!(c.cors_allow_origin.as_str(), origin);
    }
}
