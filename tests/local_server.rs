//! The dev server as a front end on another local port meets it: the API, the local S3 and
//! the local edge in process, reached over HTTP with a page's `Origin`. Loopback origins on
//! any port are answered (PUT, form POST, API, edge), others refused unless added; the
//! Lambda's variables are honoured; a sign-in it cannot read is 401 with the form it wants;
//! the binary has `--help` and `--version`.

use std::sync::Arc;

use presigner::api::App;
use presigner_local as local;
use presigner_local::LocalOrigins;
use presigner_test_support::binaries::binary;
use presigner_test_support::http::{exchange, post_form_with, string_pairs};
use presigner_test_support::s3::PNG;
use serde_json::{json, Value};

/// A Vite dev server's origin: another port of the same machine.
const VITE: &str = "http://localhost:5173";

struct DevServer {
    api: u16,
    s3: u16,
    edge: Option<u16>,
    root: tempfile::TempDir,
    _runtime: tokio::runtime::Runtime,
}

/// The dev server as `presigner-local` starts it, with `env` as the process environment and
/// `origins` as its `--cors-origin`s; with `cloudfront`, a local edge too. These tests are
/// about how browsers meet it, so it runs the original contract (`IMAGE_PIPELINE=off`, unless
/// `env` sets it), where what a page stores is what it reads; tests/local_pipeline.rs and
/// tests/e2e_pipeline.rs cover the pipeline.
fn start(env: &[(&str, &str)], origins: LocalOrigins, cloudfront: bool) -> DevServer {
    let env: Vec<(&str, &str)> = env
        .iter()
        .copied()
        .chain([("IMAGE_PIPELINE", "off")])
        .collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let bind = || {
        runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap()
    };
    let (s3_listener, api_listener, edge_listener) = (bind(), bind(), bind());
    let port = |l: &tokio::net::TcpListener| l.local_addr().unwrap().port();
    let (s3, api, edge) = (
        port(&s3_listener),
        port(&api_listener),
        port(&edge_listener),
    );
    let key = cloudfront.then(local::edge::fresh_key_pair);
    let edge_settings = key.as_ref().map(|(_, pem)| local::EdgeSettings {
        port: edge,
        private_key_pem: pem.clone(),
    });
    let settings = local::settings::local_settings(
        |name| {
            env.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        },
        s3,
        edge_settings.as_ref(),
        origins,
    )
    .unwrap();
    let origins = Arc::new(settings.origins);
    let app = Arc::new(App::new(settings.config).unwrap());
    let root = tempfile::tempdir().unwrap();
    let data = root.path().to_owned();
    let s3_origins = (*origins).clone();
    runtime.spawn(async move {
        local::serve_s3(s3_listener, &data, &[local::BUCKET], &s3_origins).await
    });
    runtime.spawn(local::serve_api(api_listener, app, origins.clone()));
    if let Some((keys, _)) = key {
        let edge = local::edge::Edge {
            keys,
            bucket_dir: root.path().join(local::BUCKET),
            cors: (*origins).clone(),
            cache_control: "private, max-age=1800".into(),
        };
        runtime.spawn(local::edge::serve_edge(edge_listener, Arc::new(edge)));
    }
    DevServer {
        api,
        s3,
        edge: cloudfront.then_some(edge),
        root,
        _runtime: runtime,
    }
}

/// A response header's value (the test client gives names and values in lowercase).
fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    json: Value,
}

impl DevServer {
    /// `POST /api/{route}` as a page from `origin` signed in with `authorization`.
    fn call(
        &self,
        origin: Option<&str>,
        authorization: Option<&str>,
        route: &str,
        body: Value,
    ) -> Answer {
        let mut headers = vec![("Content-Type", "application/json")];
        headers.extend(origin.map(|o| ("Origin", o)));
        headers.extend(authorization.map(|a| ("Authorization", a)));
        let (status, headers, body) = exchange(
            "POST",
            &format!("http://127.0.0.1:{}/api/{route}", self.api),
            &headers,
            body.to_string().as_bytes(),
        );
        let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
        Answer {
            status,
            headers,
            json,
        }
    }

    fn stored(&self, key: &str) -> Option<Vec<u8>> {
        std::fs::read(self.root.path().join(local::BUCKET).join(key)).ok()
    }
}

fn png_upload(tweet: &str) -> Value {
    json!({"tweetId": tweet, "contentType": "image/png", "contentLength": PNG.len()})
}

#[test]
fn a_page_on_another_loopback_port_uploads_by_put_and_form_and_reads_every_answer() {
    let dev = start(&[], LocalOrigins::loopback(), true);
    let alice = Some("Bearer local:alice");

    // The API: a preflight and the call itself, the page's origin echoed.
    let (status, headers, _) = exchange(
        "OPTIONS",
        &format!("http://127.0.0.1:{}/api/upload_url", dev.api),
        &[
            ("Origin", VITE),
            ("Access-Control-Request-Method", "POST"),
            (
                "Access-Control-Request-Headers",
                "authorization,content-type",
            ),
        ],
        b"",
    );
    assert_eq!(status, 204);
    assert_eq!(header(&headers, "access-control-allow-origin"), Some(VITE));
    assert!(header(&headers, "access-control-allow-headers")
        .unwrap()
        .contains("authorization"));
    let up = dev.call(Some(VITE), alice, "upload_url", png_upload("put"));
    assert_eq!(up.status, 200, "{:?}", up.json);
    assert_eq!(
        header(&up.headers, "access-control-allow-origin"),
        Some(VITE)
    );
    assert_eq!(header(&up.headers, "vary"), Some("origin"));

    // The local S3: the preflight for the PUT, then the PUT with exactly the listed headers.
    let url = up.json["presignedUrl"].as_str().unwrap();
    let (status, headers, _) = exchange(
        "OPTIONS",
        url,
        &[
            ("Origin", VITE),
            ("Access-Control-Request-Method", "PUT"),
            (
                "Access-Control-Request-Headers",
                "content-type,if-none-match",
            ),
        ],
        b"",
    );
    assert_eq!(status, 200, "{headers:?}");
    assert_eq!(header(&headers, "access-control-allow-origin"), Some(VITE));
    let mut put_headers: Vec<(&str, &str)> = up.json["headers"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    put_headers.push(("Origin", VITE));
    let (status, headers, body) = exchange("PUT", url, &put_headers, PNG);
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some(VITE));
    assert_eq!(dev.stored("images/alice/put.png").as_deref(), Some(PNG));

    // The form path: stored, and the page can read the 204 (it is not reported as failed).
    let form = dev.call(
        Some("http://127.0.0.1:8080"),
        alice,
        "upload_form",
        json!({"tweetId": "form", "contentType": "image/png"}),
    );
    assert_eq!(form.status, 200, "{:?}", form.json);
    let fields: Vec<(&str, &str)> = form.json["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap()))
        .collect();
    let (status, headers, body) = post_form_with(
        form.json["url"].as_str().unwrap(),
        &[("Origin", "http://127.0.0.1:8080")],
        &fields,
        PNG,
    );
    assert_eq!(status, 204, "{}", String::from_utf8_lossy(&body));
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://127.0.0.1:8080")
    );
    assert_eq!(dev.stored("images/alice/form.png").as_deref(), Some(PNG));
    // A refused form is readable too, so the page can show why.
    let (status, headers, _) = post_form_with(
        form.json["url"].as_str().unwrap(),
        &[("Origin", "http://[::1]:3001")],
        &fields,
        &[0u8; 11 * 1024 * 1024],
    );
    assert_eq!(status, 400);
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        Some("http://[::1]:3001")
    );

    // The local edge: the timeline's images readable from the page.
    let down = dev.call(
        Some(VITE),
        Some("Bearer local:bob"),
        "download_urls",
        json!({"images": [{"userId": "alice", "tweetId": "put"}]}),
    );
    assert_eq!(down.status, 200, "{:?}", down.json);
    let image = down.json["presignedUrls"][0].as_str().unwrap();
    assert!(image.starts_with(&format!("http://127.0.0.1:{}/", dev.edge.unwrap())));
    let (status, headers, body) = exchange("GET", image, &[("Origin", VITE)], b"");
    assert_eq!((status, body.as_slice()), (200, PNG));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some(VITE));
}

#[test]
fn a_page_from_any_other_site_gets_nothing_unless_its_origin_is_added() {
    let evil = "https://evil.example";
    let dev = start(&[], LocalOrigins::loopback(), false);
    let a = dev.call(
        Some(evil),
        Some("Bearer local:alice"),
        "upload_url",
        png_upload("x"),
    );
    assert_eq!(a.status, 403);
    assert!(
        a.json["message"]
            .as_str()
            .unwrap()
            .contains("--cors-origin https://evil.example"),
        "{:?}",
        a.json
    );
    assert_eq!(header(&a.headers, "access-control-allow-origin"), None);
    let (status, headers, _) = exchange(
        "OPTIONS",
        &format!("http://127.0.0.1:{}/api/upload_url", dev.api),
        &[("Origin", evil), ("Access-Control-Request-Method", "POST")],
        b"",
    );
    assert_eq!(status, 403);
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    // The local S3 gives such a page no CORS headers either.
    let (_, headers, _) = exchange(
        "OPTIONS",
        &format!(
            "http://127.0.0.1:{}/{}/images/a/b.png",
            dev.s3,
            local::BUCKET
        ),
        &[("Origin", evil), ("Access-Control-Request-Method", "PUT")],
        b"",
    );
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    // Nor does it store what such a page posts: an HTML form is sent without a preflight,
    // and the local S3's secret is public, so any site could sign one for itself (here the
    // API signs it, as curl would ask).
    let form = dev.call(
        None,
        Some("Bearer local:alice"),
        "upload_form",
        json!({"tweetId": "csrf", "contentType": "image/png"}),
    );
    assert_eq!(form.status, 200);
    let fields = string_pairs(&form.json["fields"]);
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let url = form.json["url"].as_str().unwrap();
    let (status, headers, body) = post_form_with(url, &[("Origin", evil)], &fields, PNG);
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 403, "{body}");
    assert!(
        body.contains("--cors-origin https://evil.example"),
        "{body}"
    );
    assert_eq!(header(&headers, "access-control-allow-origin"), None);
    assert!(header(&headers, "vary").is_some_and(|v| v.to_ascii_lowercase().contains("origin")));
    let stored = dev
        .root
        .path()
        .join(local::BUCKET)
        .join("images/alice/csrf.png");
    assert!(!stored.exists());
    // The same form from a loopback page is stored.
    let (status, _, _) = post_form_with(url, &[("Origin", VITE)], &fields, PNG);
    assert_eq!(status, 204);
    assert!(stored.exists());
    // A page opened from a file (or in a sandboxed frame) sends `Origin: null`, which every
    // site's sandboxed frame sends too: refused, and the answer says to serve the page from
    // a loopback origin, never to pass an option that cannot take it. Nor is the option
    // suggested for an origin it would refuse (no browser sends the second one).
    assert!(LocalOrigins::loopback().with("null").is_err());
    for (origin, says) in [
        ("null", "serve the page from http://localhost"),
        ("https://Evil.example:443", "as a browser sends it"),
    ] {
        let a = dev.call(
            Some(origin),
            Some("Bearer local:alice"),
            "upload_url",
            png_upload("x"),
        );
        assert_eq!(a.status, 403, "{origin}");
        let message = a.json["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
        assert!(!message.contains("--cors-origin"), "{message}");
    }
    // Without an Origin (curl), the API answers as always.
    let a = dev.call(
        None,
        Some("Bearer local:alice"),
        "upload_url",
        png_upload("x"),
    );
    assert_eq!(a.status, 200);

    // Added with --cors-origin (or CORS_ALLOW_ORIGIN), it is answered like a loopback page.
    let lan = "http://192.168.1.20:5173";
    let dev = start(
        &[("CORS_ALLOW_ORIGIN", "https://app.example.com")],
        LocalOrigins::loopback().with(lan).unwrap(),
        false,
    );
    for origin in [lan, "https://app.example.com"] {
        let a = dev.call(
            Some(origin),
            Some("Bearer local:alice"),
            "upload_url",
            png_upload("y"),
        );
        assert_eq!(a.status, 200, "{origin}");
        assert_eq!(
            header(&a.headers, "access-control-allow-origin"),
            Some(origin)
        );
        let (_, headers, _) = exchange(
            "OPTIONS",
            a.json["presignedUrl"].as_str().unwrap(),
            &[("Origin", origin), ("Access-Control-Request-Method", "PUT")],
            b"",
        );
        assert_eq!(
            header(&headers, "access-control-allow-origin"),
            Some(origin)
        );
    }
    let a = dev.call(
        Some(evil),
        Some("Bearer local:alice"),
        "upload_url",
        png_upload("y"),
    );
    assert_eq!(a.status, 403);
}

#[test]
fn the_lambdas_variables_are_honoured() {
    let dev = start(
        &[("MAX_UPLOAD_BYTES", "100"), ("URL_EXPIRES_SECONDS", "60")],
        LocalOrigins::loopback(),
        false,
    );
    let a = dev.call(
        None,
        Some("Bearer local:alice"),
        "upload_url",
        json!({"tweetId": "t", "contentType": "image/png", "contentLength": 101}),
    );
    assert_eq!(a.status, 400);
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("over the limit of 100 bytes"));
    let a = dev.call(
        None,
        Some("Bearer local:alice"),
        "download_url",
        json!({"tweetId": "t"}),
    );
    assert_eq!(a.status, 200);
    assert!(a.json["presignedUrl"]
        .as_str()
        .unwrap()
        .contains("max-age%3D60"));

    let dev = start(
        &[("DOWNLOAD_ACCESS", "owner")],
        LocalOrigins::loopback(),
        false,
    );
    let a = dev.call(
        None,
        Some("Bearer local:bob"),
        "download_url",
        json!({"userId": "alice", "tweetId": "t"}),
    );
    assert_eq!(a.status, 403, "{:?}", a.json);
}

#[test]
fn a_sign_in_the_dev_server_cannot_read_is_401_saying_the_form_it_wants() {
    let dev = start(
        &[("DOWNLOAD_ACCESS", "anyone")],
        LocalOrigins::loopback(),
        false,
    );
    for authorization in [
        "Bearer local:Alice",
        "Bearer local:",
        "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln",
    ] {
        for (route, body) in [
            ("upload_url", png_upload("t")),
            ("download_url", json!({"userId": "bob", "tweetId": "t"})),
        ] {
            let a = dev.call(Some(VITE), Some(authorization), route, body);
            assert_eq!(a.status, 401, "{authorization} {route}");
            let message = a.json["message"].as_str().unwrap();
            assert!(message.contains("Bearer local:<name>"), "{message}");
            assert!(!message.contains("eyJ"), "{message}");
            assert_eq!(header(&a.headers, "www-authenticate"), Some("bearer"));
            assert_eq!(
                header(&a.headers, "access-control-allow-origin"),
                Some(VITE)
            );
        }
    }
    // No header at all is the API's own 401 (or, for downloads under anyone, a download).
    let a = dev.call(None, None, "upload_url", png_upload("t"));
    assert_eq!(a.status, 401);
    assert!(a.json["message"]
        .as_str()
        .unwrap()
        .contains("sign in first"));
}

/// A body the dev server will not read is its 413, said as the API's errors are: JSON with a
/// message, `no-store`, and the page's origin, so the page can read it.
#[test]
fn a_body_too_large_to_read_is_a_json_413_the_page_can_read() {
    let dev = start(&[], LocalOrigins::loopback(), false);
    let body = vec![b' '; presigner::api::body::MAX_BATCH_BODY_BYTES + 1025];
    let (status, headers, body) = exchange(
        "POST",
        &format!("http://127.0.0.1:{}/api/download_urls", dev.api),
        &[
            ("Content-Type", "application/json"),
            ("Origin", VITE),
            ("Authorization", "Bearer local:alice"),
        ],
        &body,
    );
    assert_eq!(status, 413);
    assert_eq!(header(&headers, "content-type"), Some("application/json"));
    assert_eq!(header(&headers, "cache-control"), Some("no-store"));
    assert_eq!(header(&headers, "access-control-allow-origin"), Some(VITE));
    let json: Value = serde_json::from_slice(&body).unwrap();
    let message = json["message"].as_str().unwrap();
    assert!(message.contains("288120"), "{message}");
}

#[test]
fn help_and_version_exit_0() {
    let exe = binary("presigner-local", "presigner-local");
    for arg in ["--help", "-h"] {
        let out = std::process::Command::new(&exe).arg(arg).output().unwrap();
        assert!(out.status.success(), "{arg}");
        let text = String::from_utf8(out.stdout).unwrap();
        assert!(
            text.contains("cargo run -p presigner-local -- [OPTIONS]"),
            "{text}"
        );
        assert!(text.contains("--cors-origin ORIGIN") && text.contains("MAX_UPLOAD_BYTES"));
    }
    let out = std::process::Command::new(&exe)
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    let version = String::from_utf8(out.stdout).unwrap();
    assert!(
        version.starts_with("presigner-local 0.") && version.ends_with('\n'),
        "{version}"
    );
    let out = std::process::Command::new(&exe)
        .arg("--nope")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--help"));
    let out = std::process::Command::new(&exe)
        .args(["--cors-origin", "evil.example"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = std::process::Command::new(&exe)
        .env("MAX_UPLOAD_BYTES", "10MB")
        .args(["--api-port", "1", "--s3-port", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr)
        .unwrap()
        .contains("MAX_UPLOAD_BYTES"));
}

/// The text of one element of an XML error document.
fn element<'a>(xml: &'a str, name: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{name}>"))? + name.len() + 2;
    let end = xml[start..].find(&format!("</{name}>"))? + start;
    Some(&xml[start..end])
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

#[test]
fn a_signature_mismatch_says_which_signed_header_was_not_sent_and_what_was_computed() {
    use presigner_sigv4::{signature, signing_key, Credentials, SigningTime};

    let dev = start(&[], LocalOrigins::loopback(), false);
    let up = dev.call(
        None,
        Some("Bearer local:alice"),
        "upload_url",
        png_upload("sig"),
    );
    let url = up.json["presignedUrl"].as_str().unwrap();

    // The README's old mistake: the PUT without If-None-Match.
    let (status, body) =
        presigner_test_support::http::send("PUT", url, &[("Content-Type", "image/png")], PNG);
    let xml = String::from_utf8(body).unwrap();
    assert_eq!(status, 403, "{xml}");
    assert_eq!(element(&xml, "Code"), Some("SignatureDoesNotMatch"));
    assert_eq!(element(&xml, "MissingSignedHeader"), Some("if-none-match"));
    let message = element(&xml, "Message").unwrap();
    assert!(message.contains("The URL signs if-none-match, which the request did not send"));
    assert!(dev.stored("images/alice/sig.png").is_none());

    // Every header sent, one with another value: nothing missing, and the canonical request
    // and string to sign are those of the request as sent, as S3 reports them: with the
    // signed value put back, they give the URL's own signature.
    let (status, body) = presigner_test_support::http::send(
        "PUT",
        url,
        &[("Content-Type", "image/jpeg"), ("If-None-Match", "*")],
        PNG,
    );
    let xml = String::from_utf8(body).unwrap();
    assert_eq!(status, 403, "{xml}");
    assert_eq!(element(&xml, "MissingSignedHeader"), None);
    assert!(element(&xml, "Message")
        .unwrap()
        .contains("compare CanonicalRequest"));
    let canonical = unescape(element(&xml, "CanonicalRequest").unwrap());
    assert!(
        canonical.starts_with("PUT\n/presigner-local/images/alice/sig.png\n"),
        "{canonical}"
    );
    assert!(
        canonical.contains("\ncontent-type:image/jpeg\n"),
        "{canonical}"
    );
    let string_to_sign = unescape(element(&xml, "StringToSign").unwrap());
    let provided = element(&xml, "SignatureProvided").unwrap();
    assert!(
        url.ends_with(&format!("X-Amz-Signature={provided}")),
        "{url}"
    );
    let as_signed = canonical.replace("content-type:image/jpeg", "content-type:image/png");
    let mut lines: Vec<&str> = string_to_sign.lines().collect();
    let hash = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(as_signed.as_bytes()));
    lines[3] = &hash;
    let time = SigningTime::parse_amz_date(lines[1]).unwrap();
    let credentials =
        Credentials::new(local::ACCESS_KEY_ID, local::SECRET_ACCESS_KEY, None).unwrap();
    let key = signing_key(&credentials, time, local::REGION, "s3");
    assert_eq!(signature(&key, &lines.join("\n")), provided);
}
