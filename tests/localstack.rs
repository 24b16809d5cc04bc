//! Upload URLs against LocalStack's S3 with signature validation on, which, unlike the
//! in-process local S3 (s3s-fs), refuses a presigned request that carries an `x-amz-*` header
//! the URL did not sign, as real S3 does. A regression in what the Lambda signs for an upload
//! (a header dropped from, or never added to, `X-Amz-SignedHeaders`) fails here.
//!
//! Each test is `#[ignore]`d, so a plain `cargo test` (and `scripts/test`, which needs no
//! LocalStack) reports them as ignored, never as passed. `scripts/localstack` installs and
//! starts LocalStack on 127.0.0.1 and runs them with `--include-ignored` and
//! `LOCALSTACK_ENDPOINT` set (e.g. `http://127.0.0.1:4566`); run without it, they fail
//! saying so.
//!
//! The URLs come from the Lambda's own event handler ([`handle_event`](presigner::lambda::handle_event)) configured for the
//! LocalStack endpoint, and the PUTs send the answer's `headers` exactly as given; the bucket
//! is made (versioning on, as deployed) with bucket-level URLs from our SigV4 signer.
//!
//! What LocalStack (4.13, as pinned) checks on a presigned SigV4 request
//! (`localstack/services/s3/presigned_url.py`, with `S3_SKIP_SIGNATURE_VALIDATION=0`): every
//! request header starting `x-amz-` must be named in `X-Amz-SignedHeaders` (else 403
//! `AccessDenied`, "There were headers present in the request which were not signed"), except
//! `x-amz-content-sha256`; the signature over the headers it names (a signed header missing
//! or changed: 403 `SignatureDoesNotMatch`); the expiry. It keys the secret by access key id
//! and uses `test` for any id it does not know, hence the `test` secret below.

use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::clock_now;
use presigner_local as local;
use presigner_s3::UNSIGNED_PAYLOAD;
use presigner_sigv4::{Credentials, QueryRequest, Settings, Signer};
use presigner_test_support::app::call_at;
use presigner_test_support::events::rest_post;
use presigner_test_support::http::{exchange, send};
use presigner_test_support::s3::PNG;
use serde_json::json;
use sha2::{Digest, Sha256};

const ACCESS_KEY_ID: &str = "test";
/// The secret LocalStack checks signatures with for an access key id it does not know.
const SECRET_ACCESS_KEY: &str = "test";

/// The LocalStack endpoint (`http://127.0.0.1:PORT`), its bucket made once for this process.
fn localstack() -> &'static Target {
    static TARGET: OnceLock<Target> = OnceLock::new();
    TARGET
        .get_or_init(|| {
            let endpoint = std::env::var("LOCALSTACK_ENDPOINT")
                .ok()
                .filter(|e| !e.is_empty())
                .expect(
                    "LOCALSTACK_ENDPOINT is not set: scripts/localstack starts LocalStack and runs these tests",
                );
            Target::new(endpoint.trim_end_matches('/'))
        })
}

struct Target {
    /// `http://host:port`, no trailing slash.
    endpoint: String,
    /// `host:port`, the `Host` the URLs sign.
    authority: String,
    /// A bucket of this process's own, versioning enabled.
    bucket: String,
}

impl Target {
    fn new(endpoint: &str) -> Target {
        let authority = endpoint
            .strip_prefix("http://")
            .unwrap_or_else(|| panic!("LOCALSTACK_ENDPOINT {endpoint:?} is not http://host:port"))
            .to_owned();
        let addrs: Vec<SocketAddr> = authority
            .to_socket_addrs()
            .unwrap_or_else(|e| panic!("LOCALSTACK_ENDPOINT {endpoint:?}: {e}"))
            .collect();
        assert!(
            addrs.iter().all(|a| a.ip().is_loopback()),
            "LOCALSTACK_ENDPOINT {endpoint:?} must be a loopback address"
        );
        TcpStream::connect_timeout(&addrs[0], Duration::from_secs(5))
            .unwrap_or_else(|e| panic!("LocalStack is not reachable at {endpoint}: {e}"));
        let now = clock_now().unix_seconds();
        let bucket = format!("presigner-ls-{now}-{}", std::process::id());
        let target = Target {
            endpoint: endpoint.to_owned(),
            authority,
            bucket,
        };
        target.make_versioned_bucket();
        target
    }

    /// A presigned URL for a bucket-level request, from our SigV4 signer.
    fn bucket_url(&self, method: &str, query: &[(&str, &str)]) -> String {
        let signer = Signer::new(
            Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY, None).unwrap(),
            local::REGION,
            "s3",
            Settings::S3,
        )
        .unwrap();
        let path = format!("/{}", self.bucket);
        let request = QueryRequest {
            method,
            host: &self.authority,
            path: &path,
            query,
            headers: &[],
            payload_hash: UNSIGNED_PAYLOAD,
            expires_in: 300,
        };
        let signed = signer.presign(&request, clock_now()).unwrap();
        format!("{}{path}?{}", self.endpoint, signed.query)
    }

    fn make_versioned_bucket(&self) {
        let (status, body) = send("PUT", &self.bucket_url("PUT", &[]), &[], b"");
        assert_eq!(status, 200, "CreateBucket {}: {}", self.bucket, text(&body));
        let versioning = br#"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Status>Enabled</Status></VersioningConfiguration>"#;
        let url = self.bucket_url("PUT", &[("versioning", "")]);
        let (status, body) = send("PUT", &url, &[], versioning);
        assert_eq!(status, 200, "PutBucketVersioning: {}", text(&body));
        let url = self.bucket_url("GET", &[("versioning", "")]);
        let (status, body) = send("GET", &url, &[], b"");
        assert_eq!(status, 200, "GetBucketVersioning: {}", text(&body));
        assert!(
            text(&body).contains("<Status>Enabled</Status>"),
            "versioning not enabled: {}",
            text(&body)
        );
    }

    /// How many versions of `key` the bucket holds.
    fn versions(&self, key: &str) -> usize {
        let url = self.bucket_url("GET", &[("versions", ""), ("prefix", key)]);
        let (status, body) = send("GET", &url, &[], b"");
        assert_eq!(status, 200, "ListObjectVersions: {}", text(&body));
        text(&body).matches("<Version>").count()
    }

    /// The Lambda's configuration (as deployed: constrained uploads) pointed at LocalStack,
    /// signing with `secret`.
    fn app_with_secret(&self, secret: &str) -> App {
        let env = [
            ("S3_BUCKET_NAME", self.bucket.as_str()),
            ("AWS_REGION", local::REGION),
            ("S3_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID),
            ("AWS_SECRET_ACCESS_KEY", secret),
            // These events carry no authorizer: the body names the user.
            ("TRUST_BODY_USER_ID", "true"),
            // No processor runs beside LocalStack: the original's one object per image, read
            // back through the Lambda's own download URL.
            ("IMAGE_PIPELINE", "off"),
        ];
        let config = Config::from_lookup(|n| {
            env.iter()
                .find(|(k, _)| *k == n)
                .map(|(_, v)| (*v).to_owned())
        })
        .unwrap();
        App::new(config).unwrap()
    }

    fn app(&self) -> App {
        self.app_with_secret(SECRET_ACCESS_KEY)
    }
}

fn text(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// A tweet id no other test in this process uses.
fn fresh_tweet(label: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!("{label}-{}", N.fetch_add(1, Ordering::Relaxed))
}

/// An upload answer: the URL and the headers it says to send, as the Lambda returns them.
struct Upload {
    url: String,
    headers: Vec<(String, String)>,
    tweet: String,
    key: String,
}

impl Upload {
    fn headers(&self) -> Vec<(&str, &str)> {
        self.headers
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect()
    }

    /// PUTs `PNG` with the answer's headers, less `omit`, plus `extra`.
    fn put(&self, omit: Option<&str>, extra: &[(&str, &str)]) -> (u16, String) {
        let mut headers = self.headers();
        if let Some(omit) = omit {
            let before = headers.len();
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(omit));
            assert_eq!(headers.len() + 1, before, "{omit} is not in the answer");
        }
        headers.extend_from_slice(extra);
        let (status, body) = send("PUT", &self.url, &headers, PNG);
        (status, text(&body))
    }
}

/// Asks the Lambda's handler for an upload URL for `PNG`, constrained by type, length and
/// SHA-256, and checks the answer says to send exactly what the URL signs.
fn upload(target: &Target, app: &App, label: &str) -> Upload {
    let tweet = fresh_tweet(label);
    let sha = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(PNG));
    let body = json!({"userId": "ls", "tweetId": tweet, "contentType": "image/png",
        "contentLength": PNG.len(), "contentSha256": sha});
    let answer = call_at(app, rest_post("upload_url", &body), clock_now());
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let answer = answer.json();
    let url = answer["presignedUrl"].as_str().unwrap().to_owned();
    assert!(
        url.starts_with(&format!("{}/{}/", target.endpoint, target.bucket)),
        "{url}"
    );
    let headers: Vec<(String, String)> = answer["headers"]
        .as_object()
        .expect("a constrained upload answer has headers")
        .iter()
        .map(|(n, v)| (n.clone(), v.as_str().unwrap().to_owned()))
        .collect();
    let mut names: Vec<String> = headers.iter().map(|(n, _)| n.to_lowercase()).collect();
    names.push("host".into());
    names.sort();
    let signed = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "X-Amz-SignedHeaders")
        .map(|(_, v)| v.into_owned())
        .unwrap();
    assert_eq!(
        signed,
        names.join(";"),
        "the URL signs what the answer says to send, and host"
    );
    Upload {
        url,
        headers,
        key: format!("images/ls/{tweet}.png"),
        tweet,
    }
}

#[test]
#[ignore = "needs LocalStack: scripts/localstack runs it"]
fn signature_validation_is_on() {
    let target = localstack();
    let upload = upload(
        target,
        &target.app_with_secret("not-the-secret"),
        "badsecret",
    );
    let (status, body) = upload.put(None, &[]);
    assert_eq!(
        status, 403,
        "a URL signed with the wrong secret must be refused (is S3_SKIP_SIGNATURE_VALIDATION \
         off?): {body}"
    );
    assert!(body.contains("SignatureDoesNotMatch"), "{body}");
}

#[test]
#[ignore = "needs LocalStack: scripts/localstack runs it"]
fn upload_writes_once_then_412() {
    let target = localstack();
    let app = target.app();
    let upload = upload(target, &app, "once");
    let (status, body) = upload.put(None, &[]);
    assert_eq!(status, 200, "PUT with exactly the answer's headers: {body}");
    let (status, body) = upload.put(None, &[]);
    assert_eq!(
        status, 412,
        "the same URL again (If-None-Match: *) must not overwrite: {body}"
    );
    assert!(body.contains("PreconditionFailed"), "{body}");
    assert_eq!(
        target.versions(&upload.key),
        1,
        "the replay stored no version of {}",
        upload.key
    );

    // What was stored is what was sent, through the Lambda's own download URL.
    let body = json!({"userId": "ls", "tweetId": upload.tweet});
    let answer = call_at(&app, rest_post("download_url", &body), clock_now());
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let answer = answer.json();
    let (status, _, got) = exchange("GET", answer["presignedUrl"].as_str().unwrap(), &[], b"");
    assert_eq!(status, 200, "GET {}: {}", upload.key, text(&got));
    assert_eq!(got, PNG, "stored bytes of {}", upload.key);
}

/// A fresh URL sent with one more header, `name: value`, that it does not sign: refused, and
/// nothing stored (the same URL without the extra header still writes).
fn unsigned_header_refused(name: &str, value: &str) {
    let target = localstack();
    let upload = upload(target, &target.app(), "unsigned");
    let (status, body) = upload.put(None, &[(name, value)]);
    assert_eq!(
        status, 403,
        "PUT with the unsigned header `{name}: {value}` must be refused: {body}"
    );
    assert!(
        body.contains("AccessDenied") && body.contains(name),
        "refused for the unsigned {name}: {body}"
    );
    assert_eq!(
        target.versions(&upload.key),
        0,
        "the refused PUT with {name} stored nothing"
    );
    let (status, body) = upload.put(None, &[]);
    assert_eq!(
        status, 200,
        "the same URL without {name} still writes: {body}"
    );
}

#[test]
#[ignore = "needs LocalStack: scripts/localstack runs it"]
fn unsigned_x_amz_acl_is_refused() {
    unsigned_header_refused("x-amz-acl", "public-read");
}

#[test]
#[ignore = "needs LocalStack: scripts/localstack runs it"]
fn unsigned_x_amz_meta_is_refused() {
    unsigned_header_refused("x-amz-meta-evil", "1");
}

#[test]
#[ignore = "needs LocalStack: scripts/localstack runs it"]
fn unsigned_x_amz_tagging_is_refused() {
    unsigned_header_refused("x-amz-tagging", "a=b");
}

#[test]
#[ignore = "needs LocalStack: scripts/localstack runs it"]
fn unsigned_x_amz_website_redirect_location_is_refused() {
    unsigned_header_refused("x-amz-website-redirect-location", "/x");
}

/// Each header the URL signs, left out of a PUT that is otherwise exact: refused. HTTP/1.1
/// has no PUT with a body and no `Content-Length` here, so that one is sent wrong instead
/// (one byte short, with the body cut to match).
#[test]
#[ignore = "needs LocalStack: scripts/localstack runs it"]
fn signed_header_left_out_is_refused() {
    let target = localstack();
    let app = target.app();
    let names: Vec<String> = upload(target, &app, "names")
        .headers
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(names.len(), 4, "{names:?}");
    for name in &names {
        let upload = upload(target, &app, "omit");
        let (status, body) = if name.eq_ignore_ascii_case("content-length") {
            let short = (PNG.len() - 1).to_string();
            let mut headers = upload.headers();
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case("content-length"));
            headers.push(("Content-Length", &short));
            let (status, body) = send("PUT", &upload.url, &headers, &PNG[..PNG.len() - 1]);
            (status, text(&body))
        } else {
            upload.put(Some(name), &[])
        };
        assert_eq!(
            status, 403,
            "PUT without the signed header {name} must be refused: {body}"
        );
        assert!(
            body.contains("SignatureDoesNotMatch"),
            "refused for the missing {name}: {body}"
        );
        assert_eq!(
            target.versions(&upload.key),
            0,
            "the PUT without {name} stored nothing"
        );
    }
}
