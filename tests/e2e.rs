//! End to end: URLs from the real handler (the event adapter the Lambda runs) used against a
//! real S3 implementation (s3s-fs, in process) that checks SigV4 presigned URLs strictly.

use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::clock_now;
use presigner_local as local;
use presigner_sigv4::SigningTime;
use presigner_test_support::app::call_at;
use presigner_test_support::events::rest_post;
use presigner_test_support::http::{exchange, send};
use presigner_test_support::invariants::folder_of;
use presigner_test_support::s3::{LocalS3, PNG};
use serde_json::{json, Value};

/// The Lambda's configuration pointed at the local S3; `endpoint_host` is `127.0.0.1`
/// (path style) or `localhost` (virtual-hosted: `presigner-local.localhost:PORT`).
fn app(s3: &LocalS3, endpoint_host: &str, extra: &[(&str, &str)]) -> App {
    let mut env = local::lambda_env(s3.port);
    // These events carry no authorizer: the body names the user, as in the original; and
    // the local S3 runs no processor, so the original's one object per image.
    env.push(("TRUST_BODY_USER_ID", "true".to_owned()));
    env.push(("IMAGE_PIPELINE", "off".to_owned()));
    for (k, v) in &mut env {
        if *k == "S3_ENDPOINT_URL" {
            *v = format!("http://{endpoint_host}:{}", s3.port);
        }
    }
    for (k, v) in extra {
        env.retain(|(name, _)| name != k);
        env.push((k, v.to_string()));
    }
    let config =
        Config::from_lookup(|n| env.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone())).unwrap();
    App::new(config).unwrap()
}

/// Asks the handler for a URL at `now`; returns the whole JSON answer.
fn ask_at(app: &App, route: &str, body: Value, now: SigningTime) -> Value {
    let answer = call_at(app, rest_post(route, &body), now);
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.json()
}

fn url(app: &App, route: &str, body: Value) -> String {
    ask_at(app, route, body, clock_now())["presignedUrl"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn ids(user: &str, tweet: &str) -> Value {
    json!({"userId": user, "tweetId": tweet})
}

/// An upload request for `PNG`, with the type and length the default requires.
fn png_upload(user: &str, tweet: &str) -> Value {
    json!({"userId": user, "tweetId": tweet, "contentType": "image/png", "contentLength": PNG.len()})
}

fn round_trip(s3: &LocalS3, app: &App, user: &str, tweet: &str, expect_virtual: bool) {
    let put = url(app, "upload_url", png_upload(user, tweet));
    let host = put.split('/').nth(2).unwrap();
    assert_eq!(
        host.starts_with("presigner-local."),
        expect_virtual,
        "{put}"
    );
    let (status, body) = send(
        "PUT",
        &put,
        &[("Content-Type", "image/png"), ("If-None-Match", "*")],
        PNG,
    );
    assert_eq!(
        status,
        200,
        "PUT {user}/{tweet}: {}",
        String::from_utf8_lossy(&body)
    );
    let key = format!("images/{}/{tweet}.png", folder_of(user));
    assert_eq!(
        std::fs::read(s3.object_path(&key)).unwrap(),
        PNG,
        "stored bytes of {key}"
    );
    let get = url(app, "download_url", ids(user, tweet));
    let (status, headers, body) = exchange("GET", &get, &[], b"");
    assert_eq!(status, 200, "GET {user}/{tweet}");
    assert_eq!(body, PNG, "downloaded bytes of {key}");
    assert_eq!(content_type(&headers), Some("image/png"));
}

fn content_type(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(n, _)| n == "content-type")
        .map(|(_, v)| v.as_str())
}

/// Users of every folder shape (kept as written, escaped, non-ASCII, `.`), with tweet ids
/// from the allow-list's corners.
const IDS: [(&str, &str); 7] = [
    ("test@mail.com", "test_id"),
    ("user with spaces", "tweet-1.2"),
    ("auth0|5f7c8ec7c33c6c004bbafe82", "c_d"),
    ("x~y+z%", "..."),
    ("caf\u{e9}", "\u{65e5}\u{672c}\u{8a9e}"),
    ("..", "\u{30c4}\u{30a4}\u{30fc}\u{30c8}"),
    ("a/b", "x"),
];

#[test]
fn upload_then_download_path_style() {
    let s3 = LocalS3::start();
    let app = app(&s3, "127.0.0.1", &[]);
    for (user, tweet) in IDS {
        round_trip(&s3, &app, user, tweet, false);
    }
}

#[test]
fn upload_then_download_virtual_hosted() {
    let s3 = LocalS3::start();
    let app = app(&s3, "localhost", &[]);
    for (user, tweet) in IDS {
        round_trip(&s3, &app, user, tweet, true);
    }
}

/// DNS rebinding: a site whose name a developer's browser is made to resolve to 127.0.0.1
/// gets pages same-origin with the local S3 (a GET sends no `Origin`), and the local S3's
/// secret is public, so such a page could sign its own requests. s3s takes a Host that is
/// not this machine's (`127.0.0.1:PORT`, `localhost:PORT`, `*.localhost:PORT`) for a bucket
/// of that name (S3's CNAME addressing), which the local S3 does not have: nothing is
/// stored or read through another name.
#[test]
fn the_local_s3_serves_no_bucket_under_another_host_name() {
    let s3 = LocalS3::start();
    round_trip(&s3, &app(&s3, "127.0.0.1", &[]), "u", "kept", false);
    for rebound in [
        "rebind.evil.example",
        "localhost.evil.example",
        "127.0.0.1.nip.io",
        "presigner-local.evil.example",
    ] {
        let app = app(&s3, rebound, &[]);
        let put = url(&app, "upload_url", png_upload("u", "rebound"));
        let (status, body) = send(
            "PUT",
            &put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            PNG,
        );
        let body = String::from_utf8_lossy(&body);
        assert!(
            body.contains("InvalidBucketName") || body.contains("NoSuchBucket"),
            "{rebound}: {status} {body}"
        );
        assert!(
            !s3.object_path("images/u/rebound.png").exists(),
            "{rebound}"
        );
        let get = url(&app, "download_url", ids("u", "kept"));
        let (status, _, body) = exchange("GET", &get, &[], b"");
        assert!((400..500).contains(&status), "{rebound}: {status}");
        assert_ne!(body, PNG);
    }
}

/// A form answer's fields as name and value pairs.
fn form_fields(answer: &Value) -> Vec<(String, String)> {
    answer["fields"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

/// `url` with `from` replaced by `to`; fails if `from` is not there, so a tampering test cannot
/// quietly send the honest URL.
fn edited(url: &str, from: &str, to: &str) -> String {
    assert!(url.contains(from), "{from:?} not in {url}");
    url.replace(from, to)
}

fn replace_param(url: &str, name: &str, value: &str) -> String {
    let start = url.find(&format!("{name}=")).unwrap() + name.len() + 1;
    let end = url[start..].find('&').map_or(url.len(), |i| start + i);
    format!("{}{value}{}", &url[..start], &url[end..])
}

#[test]
fn session_token_is_signed_and_cannot_be_swapped() {
    let s3 = LocalS3::start();
    let app = app(
        &s3,
        "127.0.0.1",
        &[("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEBYaDH//token+value==")],
    );
    let put = url(&app, "upload_url", png_upload("u", "t"));
    assert!(put.contains("X-Amz-Security-Token=FwoGZXIvYXdzEBYaDH%2F%2Ftoken%2Bvalue%3D%3D&"));
    let swapped = replace_param(&put, "X-Amz-Security-Token", "AnotherToken");
    assert_eq!(
        send(
            "PUT",
            &swapped,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        403
    );
    assert_eq!(
        send(
            "PUT",
            &put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        200
    );
}

#[test]
fn constrained_uploads_accept_only_the_signed_type_and_length() {
    let s3 = LocalS3::start();
    let app = app(&s3, "127.0.0.1", &[]);
    let len = PNG.len().to_string();
    let body = json!({"userId": "u", "tweetId": "constrained", "contentType": "image/png", "contentLength": PNG.len()});
    let answer = ask_at(&app, "upload_url", body, clock_now());
    assert_eq!(
        answer["headers"],
        json!({"Content-Type": "image/png", "Content-Length": len, "If-None-Match": "*"})
    );
    let put = answer["presignedUrl"].as_str().unwrap();
    assert!(
        put.contains("&X-Amz-Expires=300&"),
        "uploads live 5 minutes: {put}"
    );
    assert_eq!(
        send("PUT", put, &[("Content-Type", "image/png")], PNG).0,
        403,
        "without If-None-Match: the signature fails"
    );

    assert_eq!(
        send(
            "PUT",
            put,
            &[("Content-Type", "image/jpeg"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        403,
        "other type"
    );
    assert_eq!(send("PUT", put, &[], PNG).0, 403, "missing type");
    let longer = [PNG, b"extra"].concat();
    assert_eq!(
        send(
            "PUT",
            put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            &longer
        )
        .0,
        403,
        "other length"
    );
    assert!(!s3.object_path("images/u/constrained.png").exists());
    assert_eq!(
        send(
            "PUT",
            put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        200,
        "matching"
    );
    assert_eq!(
        std::fs::read(s3.object_path("images/u/constrained.png")).unwrap(),
        PNG
    );
    // A replay of the same URL writes nothing: S3 answers 412 where an object is.
    let other = {
        let mut other = PNG.to_vec();
        let last = other.len() - 1;
        other[last] ^= 1;
        other
    };
    for _ in 0..3 {
        let (status, body) = send(
            "PUT",
            put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            &other,
        );
        assert_eq!(status, 412, "a replay: {}", String::from_utf8_lossy(&body));
    }
    assert_eq!(
        std::fs::read(s3.object_path("images/u/constrained.png")).unwrap(),
        PNG,
        "the first upload stays, alone"
    );
}

#[test]
fn forged_or_misused_urls_are_refused() {
    let s3 = LocalS3::start();
    let honest = app(&s3, "127.0.0.1", &[("REQUIRE_UPLOAD_CONSTRAINTS", "false")]);
    let put = url(&honest, "upload_url", ids("u", "t"));
    assert_eq!(send("PUT", &put, &[], PNG).0, 200);
    let get = url(&honest, "download_url", ids("u", "t"));

    let sig = &get[get.find("X-Amz-Signature=").unwrap() + 16..];
    let flipped = if sig.starts_with('0') { "1" } else { "0" };
    let tampered = replace_param(&get, "X-Amz-Signature", &format!("{flipped}{}", &sig[1..]));
    assert_eq!(
        send("GET", &tampered, &[], b"").0,
        403,
        "tampered signature"
    );

    let other_key = edited(&get, "/images/u/t.png?", "/images/u/other.png?");
    let other_put_key = edited(&put, "/images/u/t.png?", "/images/u/other.png?");
    assert_eq!(
        send("PUT", &other_put_key, &[], PNG).0,
        403,
        "changed key (PUT)"
    );
    assert_eq!(
        send("GET", &other_key, &[], b"").0,
        403,
        "changed key (GET)"
    );

    assert_eq!(send("PUT", &get, &[], PNG).0, 403, "GET URL used for PUT");
    assert_eq!(send("GET", &put, &[], b"").0, 403, "PUT URL used for GET");

    let other_region = edited(&get, "%2Fus-east-1%2F", "%2Feu-west-1%2F");
    assert_eq!(
        send("GET", &other_region, &[], b"").0,
        403,
        "changed region"
    );

    let wrong_secret = app(
        &s3,
        "127.0.0.1",
        &[("AWS_SECRET_ACCESS_KEY", "not-the-local-secret")],
    );
    let forged = url(&wrong_secret, "download_url", ids("u", "t"));
    assert_eq!(
        send("GET", &forged, &[], b"").0,
        403,
        "signed with the wrong secret"
    );

    let two_hours_ago = SigningTime::from_unix_seconds(clock_now().unix_seconds() - 7200).unwrap();
    let short = app(&s3, "127.0.0.1", &[("URL_EXPIRES_SECONDS", "60")]);
    let expired = ask_at(&short, "download_url", ids("u", "t"), two_hours_ago)["presignedUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(send("GET", &expired, &[], b"").0, 403, "expired");

    // And the honest URL still works after all that.
    assert_eq!(send("GET", &get, &[], b""), (200, PNG.to_vec()));
}

#[test]
fn extra_signed_query_parameters_are_accepted_and_cannot_be_changed() {
    use presigner_s3::{
        AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
    };
    use presigner_sigv4::Credentials;

    let s3 = LocalS3::start();
    let app = app(&s3, "127.0.0.1", &[]);
    let put = url(&app, "upload_url", png_upload("u", "t"));
    assert_eq!(
        send(
            "PUT",
            &put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        200
    );

    let credentials =
        Credentials::new(local::ACCESS_KEY_ID, local::SECRET_ACCESS_KEY, None).unwrap();
    let endpoint = Endpoint::parse(&format!("http://127.0.0.1:{}", s3.port)).unwrap();
    let presigner =
        Presigner::new(credentials, local::REGION, endpoint, AddressingStyle::Auto).unwrap();
    let (bucket, key) = (
        Bucket::new(local::BUCKET).unwrap(),
        ObjectKey::new("images/u/t.png").unwrap(),
    );
    let query = [(
        "response-content-disposition",
        "attachment; filename=\"cat 1.png\"",
    )];
    let request = ObjectRequest {
        query: &query,
        ..ObjectRequest::new(Method::Get, &bucket, &key, Expiry::from_secs(60).unwrap())
    };
    let get = presigner.presign(&request, clock_now()).unwrap();
    assert!(
        get.contains("response-content-disposition=attachment%3B%20filename%3D%22cat%201.png%22"),
        "{get}"
    );
    assert_eq!(send("GET", &get, &[], b""), (200, PNG.to_vec()));
    let changed = edited(&get, "cat%201.png", "dog.png");
    assert_eq!(
        send("GET", &changed, &[], b"").0,
        403,
        "a changed extra parameter"
    );
}

/// The original's open contract, one switch away: an upload URL that signs only `host` stores
/// anything, HTML included. Even then a download URL makes S3 answer `image/png`, so the file
/// is never rendered as a page from the bucket's origin. In the default, such an upload is
/// refused.
#[test]
fn stored_html_is_never_served_as_html_and_the_default_refuses_it() {
    let html = b"<script>alert(document.domain)</script>";
    let s3 = LocalS3::start();
    let open = app(&s3, "127.0.0.1", &[("REQUIRE_UPLOAD_CONSTRAINTS", "false")]);
    let put = url(&open, "upload_url", ids("u", "page"));
    assert_eq!(
        send(
            "PUT",
            &put,
            &[("Content-Type", "text/html"), ("If-None-Match", "*")],
            html
        )
        .0,
        200
    );
    let get = url(&open, "download_url", ids("u", "page"));
    let (status, headers, body) = exchange("GET", &get, &[], b"");
    assert_eq!((status, body.as_slice()), (200, html.as_slice()));
    assert_eq!(content_type(&headers), Some("image/png"), "{headers:?}");
    // Without the signed override the same object would come back as text/html.
    let unsigned_override = edited(&get, "response-content-type=image%2Fpng&", "");
    assert_eq!(
        send("GET", &unsigned_override, &[], b"").0,
        403,
        "the override is signed"
    );

    let safe = app(&s3, "127.0.0.1", &[]);
    let answer = call_at(
        &safe,
        rest_post("upload_url", &ids("u", "page2")),
        clock_now(),
    );
    assert_eq!(answer.status, 400);
    let put = url(&safe, "upload_url", png_upload("u", "page2"));
    assert_eq!(
        send(
            "PUT",
            &put,
            &[("Content-Type", "text/html"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        403,
        "another type"
    );
    let big = vec![0u8; PNG.len() + 1];
    assert_eq!(
        send(
            "PUT",
            &put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            &big
        )
        .0,
        403,
        "another size"
    );
    assert!(!s3.object_path("images/u/page2.png").exists());
}

fn sha256_base64(bytes: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(bytes))
}

/// With `contentSha256`, the checksum is a signed header: S3 stores those bytes or nothing.
#[test]
fn a_checksum_bound_upload_stores_those_bytes_or_nothing() {
    let s3 = LocalS3::start();
    let app = app(&s3, "127.0.0.1", &[]);
    let sha = sha256_base64(PNG);
    let ask = |tweet: &str| {
        let body = json!({"userId": "u", "tweetId": tweet, "contentType": "image/png",
                          "contentLength": PNG.len(), "contentSha256": sha});
        let answer = ask_at(&app, "upload_url", body, clock_now());
        assert_eq!(answer["headers"]["x-amz-checksum-sha256"], sha);
        answer["presignedUrl"].as_str().unwrap().to_owned()
    };
    let headers = [
        ("Content-Type", "image/png"),
        ("If-None-Match", "*"),
        ("x-amz-checksum-sha256", sha.as_str()),
    ];

    let put = ask("sum-ok");
    assert_eq!(send("PUT", &put, &headers, PNG).0, 200);
    assert_eq!(
        std::fs::read(s3.object_path("images/u/sum-ok.png")).unwrap(),
        PNG
    );

    // Other bytes of the same length: the signature holds, the checksum does not.
    let mut other = PNG.to_vec();
    let last = other.len() - 1;
    other[last] ^= 1;
    let (status, body) = send("PUT", &ask("sum-bad-bytes"), &headers, &other);
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("BadDigest"));

    // Without the header, or with another checksum: the signature fails.
    let put = ask("sum-no-header");
    assert_eq!(
        send(
            "PUT",
            &put,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        403
    );
    let other_sum = sha256_base64(&other);
    let changed = [
        ("Content-Type", "image/png"),
        ("If-None-Match", "*"),
        ("x-amz-checksum-sha256", other_sum.as_str()),
    ];
    assert_eq!(send("PUT", &ask("sum-changed"), &changed, &other).0, 403);
}

/// The browser form: s3s checks the POST signature and every policy condition.
#[test]
fn a_form_upload_stores_the_file_and_every_change_to_it_is_refused() {
    use presigner_test_support::http::post_form;

    let s3 = LocalS3::start();
    let small = app(&s3, "127.0.0.1", &[("MAX_UPLOAD_BYTES", "100")]);
    let form = |tweet: &str, at: SigningTime| {
        let answer = ask_at(
            &small,
            "upload_form",
            json!({"userId": "u", "tweetId": tweet, "contentType": "image/png"}),
            at,
        );
        let url = answer["url"].as_str().unwrap().to_owned();
        let fields = form_fields(&answer);
        (url, fields)
    };
    let post = |url: &str, fields: &[(String, String)], file: &[u8]| {
        let fields: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let (status, body) = post_form(url, &fields, file);
        (status, String::from_utf8_lossy(&body).into_owned())
    };
    let with = |fields: &[(String, String)], name: &str, value: &str| {
        let mut f = fields.to_vec();
        f.iter_mut().find(|(k, _)| k == name).unwrap().1 = value.to_owned();
        f
    };

    let (url, fields) = form("form-ok", clock_now());
    assert_eq!(url, format!("http://127.0.0.1:{}/presigner-local", s3.port));
    let (status, body) = post(&url, &fields, PNG);
    assert_eq!(status, 204, "{body}");
    assert_eq!(
        std::fs::read(s3.object_path("images/u/form-ok.png")).unwrap(),
        PNG
    );

    let (url, fields) = form("form-big", clock_now());
    let (status, body) = post(&url, &fields, &[0u8; 101]);
    assert_eq!(
        (status, body.contains("EntityTooLarge")),
        (400, true),
        "{body}"
    );

    let (url, fields) = form("form-tampered", clock_now());
    let sig = fields
        .iter()
        .find(|(k, _)| k == "x-amz-signature")
        .unwrap()
        .1
        .clone();
    let flipped = format!(
        "{}{}",
        if sig.starts_with('0') { "1" } else { "0" },
        &sig[1..]
    );
    assert_eq!(
        post(&url, &with(&fields, "x-amz-signature", &flipped), PNG).0,
        403,
        "signature"
    );
    let policy = {
        use base64::Engine;
        let b64 = base64::engine::general_purpose::STANDARD;
        let text = b64
            .decode(&fields.iter().find(|(k, _)| k == "policy").unwrap().1)
            .unwrap();
        let text = String::from_utf8(text)
            .unwrap()
            .replace("form-tampered", "form-other!");
        b64.encode(text)
    };
    let changed = with(
        &with(&fields, "policy", &policy),
        "key",
        "images/u/form-other!.png",
    );
    assert_eq!(post(&url, &changed, PNG).0, 403, "policy");
    // A field the policy pins: s3s answers 400 InvalidPolicyDocument naming the condition
    // (S3 itself answers 403 AccessDenied, "Invalid according to Policy").
    for (field, value) in [
        ("key", "images/victim/x.png"),
        ("Content-Type", "text/html"),
    ] {
        let (status, body) = post(&url, &with(&fields, field, value), PNG);
        assert_eq!(status, 400, "another {field}: {body}");
        assert!(
            body.contains("InvalidPolicyDocument")
                && body.contains(&format!(
                    "field &apos;{}&apos; failed",
                    field.to_ascii_lowercase()
                )),
            "{body}"
        );
    }
    assert!(!s3.object_path("images/victim/x.png").exists());

    // The key as signed or nothing, as S3 checks the policy's eq condition: another name in
    // the folder or another folder, another case, S3's ${filename}, a trailing slash, dot
    // or doubled separators, a trailing space or NUL, the same letters in another Unicode
    // normal form.
    let (url, fields) = form("caf\u{e9}", clock_now());
    for key in [
        "images/u/other.png",
        "images/v/caf\u{e9}.png",
        "images/u/CAF\u{c9}.png",
        "images/u/caf\u{e9}.PNG",
        "images/u/${filename}",
        "images/u/caf\u{e9}.png/",
        "images/u/./caf\u{e9}.png",
        "images/u//caf\u{e9}.png",
        "images/u/caf\u{e9}.png ",
        "images/u/caf\u{e9}.png\u{0}",
        "images/u/cafe\u{301}.png",
        "images/u/caf\u{ff45}.png",
    ] {
        let (status, body) = post(&url, &with(&fields, "key", key), PNG);
        assert_eq!(status, 400, "{key:?}: {body}");
        assert!(body.contains("InvalidPolicyDocument"), "{key:?}: {body}");
    }
    // A form that gives `key` twice is read as the last one, for the policy and for the
    // store alike: a changed key before the signed one is ignored (the file lands at the
    // signed key), a changed key after it is refused.
    let (url, fields) = form("twice", clock_now());
    let changed_first: Vec<(String, String)> =
        [("key".to_owned(), "images/u/other.png".to_owned())]
            .into_iter()
            .chain(fields.iter().cloned())
            .collect();
    let changed_last: Vec<(String, String)> = fields
        .iter()
        .cloned()
        .chain([("Key".to_owned(), "images/u/other.png".to_owned())])
        .collect();
    assert_eq!(post(&url, &changed_last, PNG).0, 400, "a changed key last");
    assert!(!s3.object_path("images/u/twice.png").exists());
    assert_eq!(
        post(&url, &changed_first, PNG).0,
        204,
        "a changed key first"
    );
    assert!(s3.object_path("images/u/twice.png").exists());
    let mut stored: Vec<String> = walk(&s3.object_path("images"));
    stored.sort();
    assert_eq!(stored, ["u/form-ok.png", "u/twice.png"]);

    // Expired: signed ten minutes ago (within s3s-fs's 15-minute skew) for one minute.
    let short = app(
        &s3,
        "127.0.0.1",
        &[("MAX_UPLOAD_BYTES", "100"), ("URL_EXPIRES_SECONDS", "60")],
    );
    let ten_minutes_ago = SigningTime::from_unix_seconds(clock_now().unix_seconds() - 600).unwrap();
    let answer = ask_at(
        &short,
        "upload_form",
        json!({"userId": "u", "tweetId": "form-expired", "contentType": "image/png"}),
        ten_minutes_ago,
    );
    let fields = form_fields(&answer);
    let (status, body) = post(answer["url"].as_str().unwrap(), &fields, PNG);
    assert_eq!(status, 403, "expired: {body}");
    assert!(
        body.contains("AccessDenied") && body.contains("expired"),
        "{body}"
    );
    assert!(!s3.object_path("images/u/form-expired.png").exists());

    // And the honest form still works after all that.
    let (url, fields) = form("form-after", clock_now());
    assert_eq!(post(&url, &fields, PNG).0, 204);
}

/// `route` asked by the Cognito-signed-in user `sub`, through the event adapter.
fn signed_in(app: &App, sub: &str, route: &'static str, body: Value) -> (u16, Value) {
    let event = presigner_test_support::events::event("rest-v1-cognito.json", |e| {
        presigner_test_support::app::route_with_body(route, body)(e);
        e["requestContext"]["authorizer"]["claims"]["sub"] = json!(sub);
    });
    let answer = call_at(app, event, clock_now());
    (answer.status as u16, answer.json())
}

#[test]
fn a_signed_in_timeline_reads_another_users_image_through_one_batch_and_s3_says_keep_it() {
    let s3 = LocalS3::start();
    // As deployed: no trusted body, the authorizer names the user.
    let app = app(&s3, "127.0.0.1", &[("TRUST_BODY_USER_ID", "false")]);
    let upload = json!({"tweetId": "t1", "contentType": "image/png", "contentLength": PNG.len()});
    let (status, answer) = signed_in(&app, "bob", "upload_url", upload);
    assert_eq!(status, 200, "{answer}");
    let put = answer["presignedUrl"].as_str().unwrap();
    let (status, _) = send(
        "PUT",
        put,
        &[("Content-Type", "image/png"), ("If-None-Match", "*")],
        PNG,
    );
    assert_eq!(status, 200);

    let timeline =
        json!({"images": [{"userId": "bob", "tweetId": "t1"}, {"userId": "bob", "tweetId": "t1"}]});
    let (status, answer) = signed_in(&app, "alice", "download_urls", timeline.clone());
    assert_eq!(status, 200, "{answer}");
    let urls = answer["presignedUrls"].as_array().unwrap();
    assert_eq!(urls[0], urls[1]);
    let (status, headers, body) = exchange("GET", urls[0].as_str().unwrap(), &[], b"");
    assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
    assert_eq!(body, PNG, "alice sees bob's bytes");
    assert_eq!(content_type(&headers), Some("image/png"));
    let cache_control = headers
        .iter()
        .find(|(n, _)| n == "cache-control")
        .map(|(_, v)| v.as_str());
    assert_eq!(cache_control, Some("private, max-age=1800"), "as signed");

    // The URL is signed at the window's start: S3 takes it although X-Amz-Date is past.
    let q = urls[0].as_str().unwrap();
    assert!(q.contains("X-Amz-Expires=5400&"), "{q}");
    // A changed Cache-Control is a different request: S3 refuses it.
    let forged = q.replace("max-age%3D1800", "max-age%3D31536000");
    assert_eq!(send("GET", &forged, &[], b"").0, 403);

    let owner = app_owner(&s3);
    let (status, answer) = signed_in(&owner, "alice", "download_urls", timeline);
    assert_eq!(status, 403, "{answer}");
    assert!(answer["message"]
        .as_str()
        .unwrap()
        .starts_with("images[0].userId does not match"));
    let (status, _) = signed_in(
        &owner,
        "bob",
        "download_urls",
        json!({"images": [{"tweetId": "t1"}]}),
    );
    assert_eq!(status, 200, "bob still reads his own");
}

fn app_owner(s3: &LocalS3) -> App {
    app(
        s3,
        "127.0.0.1",
        &[
            ("TRUST_BODY_USER_ID", "false"),
            ("DOWNLOAD_ACCESS", "owner"),
        ],
    )
}

/// The files under `dir`, as paths relative to it with `/` between folders.
fn walk(dir: &std::path::Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            files.extend(walk(&path).into_iter().map(|f| format!("{name}/{f}")));
        } else {
            files.push(name);
        }
    }
    files
}
