//! Signing speed: time per presigned URL in one process, same inputs for every contender.
//!
//! - ours, with the day's signing key cached (what the Lambda does on every request but the
//!   first of a day);
//! - ours, deriving the signing key afresh each time;
//! - rusty-s3 (the best-known offline presigner);
//! - the aws-sigv4 crate (the SDK's signer), assembling the URL from its output.
//!
//! Before measuring, all four must produce the same URL parameters and signature.
//!
//! A second group prices the upload kinds against a plain PUT URL: one constrained by type and
//! length, one bound to a checksum as well, and a browser-form POST policy.
//! A third prices the timeline: the handler (what the Lambda's `duration_us` times) answering
//! one `download_url` against one `download_urls` of 20 and of 100 images, from real event
//! JSON with a Lambda-sized session token: warm (this window's URLs already signed by the
//! process) and cold (every URL signed); then the same through CloudFront
//! (`timeline_cloudfront`: one ECDSA grant per window for the whole batch).
//! A fourth times one CloudFront grant (`cloudfront/grant`: an ECDSA P-256 signature), and
//! the bare signature with p256 and with ring.
//! Run: `cargo bench -p presigner-test-support --bench signing` (bench/run also does, and
//! collects the medians).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, KeyReuse, SigningTime};

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaDmFwLW5vcnRoZWFzdC0xIkcwRQIhAEXAMPLE+token==";
const REGION: &str = "ap-northeast-1";
const BUCKET: &str = "presigner-bench-bucket";
const KEY: &str = "images/test@mail.com/test_id.png";
const EXPIRES: u64 = 1800;
const UNIX: i64 = 1_795_608_000; // 2026-11-25T12:00:00Z

fn ours() -> (Presigner, Bucket, ObjectKey) {
    let c = Credentials::new(ACCESS_KEY, SECRET, Some(TOKEN.to_owned())).unwrap();
    let p = Presigner::new(
        c,
        REGION,
        Endpoint::regional(REGION).unwrap(),
        AddressingStyle::Auto,
    )
    .unwrap();
    (
        p,
        Bucket::new(BUCKET).unwrap(),
        ObjectKey::new(KEY).unwrap(),
    )
}

fn rusty_url(
    bucket: &rusty_s3::Bucket,
    creds: &rusty_s3::Credentials,
    at: &jiff::Timestamp,
) -> String {
    use rusty_s3::S3Action;
    bucket
        .put_object(Some(creds), KEY)
        .sign_with_time(Duration::from_secs(EXPIRES), at)
        .into()
}

fn sigv4_url(
    identity: &aws_smithy_runtime_api::client::identity::Identity,
    at: std::time::SystemTime,
) -> String {
    use aws_sigv4::http_request::{
        sign, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest,
        SignatureLocation, SigningSettings, UriPathNormalizationMode,
    };
    let mut settings = SigningSettings::default();
    settings.signature_location = SignatureLocation::QueryParams;
    settings.expires_in = Some(Duration::from_secs(EXPIRES));
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.session_token_mode = SessionTokenMode::Include;
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(identity)
        .region(REGION)
        .name("s3")
        .time(at)
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let base =
        format!("https://{BUCKET}.s3.{REGION}.amazonaws.com/images/test%40mail.com/test_id.png");
    let request = SignableRequest::new(
        "PUT",
        base.as_str(),
        std::iter::empty(),
        SignableBody::UnsignedPayload,
    )
    .unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    let mut url = base;
    for (i, (name, value)) in instructions.params().iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(name);
        url.push('=');
        presigner_sigv4::uri_encode::encode_component_into(&mut url, value);
    }
    url
}

/// Host, path and decoded query parameters of a URL.
fn parts(url: &str) -> (String, BTreeMap<String, String>) {
    let parsed = url::Url::parse(url).unwrap();
    let base = format!("{}{}", parsed.host_str().unwrap(), parsed.path());
    (base, parsed.query_pairs().into_owned().collect())
}

fn signing(c: &mut Criterion) {
    let (presigner, bucket, key) = ours();
    let fresh = ours().0.with_key_reuse(KeyReuse::Never);
    let time = SigningTime::from_unix_seconds(UNIX).unwrap();
    let request = ObjectRequest::new(
        Method::Put,
        &bucket,
        &key,
        Expiry::from_secs(EXPIRES).unwrap(),
    );

    let endpoint = url::Url::parse(&format!("https://s3.{REGION}.amazonaws.com")).unwrap();
    let rbucket =
        rusty_s3::Bucket::new(endpoint, rusty_s3::UrlStyle::VirtualHost, BUCKET, REGION).unwrap();
    let rcreds = rusty_s3::Credentials::new_with_token(ACCESS_KEY, SECRET, TOKEN);
    let rtime = jiff::Timestamp::from_second(UNIX).unwrap();

    let identity = aws_credential_types::Credentials::new(
        ACCESS_KEY,
        SECRET,
        Some(TOKEN.to_owned()),
        None,
        "bench",
    )
    .into();
    let stime = std::time::UNIX_EPOCH + Duration::from_secs(UNIX as u64);

    // Fairness: the same inputs must give the same URL, byte for byte in host, path and every
    // parameter (the order of parameters aside), signature included.
    let reference = parts(&presigner.presign(&request, time).unwrap());
    for (name, url) in [
        ("rusty-s3", rusty_url(&rbucket, &rcreds, &rtime)),
        ("aws-sigv4", sigv4_url(&identity, stime)),
    ] {
        assert_eq!(parts(&url), reference, "{name} signs differently:\n{url}");
    }

    let mut g = c.benchmark_group("presign_put_url");
    g.bench_function("ours_cached_key", |b| {
        b.iter(|| {
            presigner
                .presign(black_box(&request), black_box(time))
                .unwrap()
        })
    });
    g.bench_function("ours_fresh_key", |b| {
        b.iter(|| fresh.presign(black_box(&request), black_box(time)).unwrap())
    });
    g.bench_function("rusty_s3", |b| {
        b.iter(|| rusty_url(black_box(&rbucket), &rcreds, black_box(&rtime)))
    });
    g.bench_function("aws_sigv4", |b| {
        b.iter(|| sigv4_url(black_box(&identity), black_box(stime)))
    });
    g.finish();
}

fn upload_kinds(c: &mut Criterion) {
    use presigner_s3::post::PostRequest;

    let (presigner, bucket, key) = ours();
    let time = SigningTime::from_unix_seconds(UNIX).unwrap();
    let expiry = Expiry::from_secs(EXPIRES).unwrap();
    let plain = ObjectRequest::new(Method::Put, &bucket, &key, expiry);
    let constrained_headers = [("content-type", "image/png"), ("content-length", "5120")];
    let constrained = ObjectRequest {
        headers: &constrained_headers,
        ..plain
    };
    let checksum_headers = [
        ("content-type", "image/png"),
        ("content-length", "5120"),
        (
            "x-amz-checksum-sha256",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        ),
    ];
    let checksum = ObjectRequest {
        headers: &checksum_headers,
        ..plain
    };
    let form = PostRequest {
        bucket: &bucket,
        key: &key,
        content_type: "image/png",
        content_length_range: (1, 10 * 1024 * 1024),
        expiry,
    };
    assert!(presigner
        .presign(&checksum, time)
        .unwrap()
        .contains("x-amz-checksum-sha256"));
    assert_eq!(
        presigner
            .presign_post(&form, time)
            .unwrap()
            .fields()
            .count(),
        8
    );

    let mut g = c.benchmark_group("upload_kinds");
    for (name, request) in [
        ("plain_put_url", &plain),
        ("constrained_put_url", &constrained),
        ("checksum_put_url", &checksum),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                presigner
                    .presign(black_box(request), black_box(time))
                    .unwrap()
            })
        });
    }
    g.bench_function("post_form", |b| {
        b.iter(|| {
            presigner
                .presign_post(black_box(&form), black_box(time))
                .unwrap()
        })
    });
    g.finish();
}

fn timeline(c: &mut Criterion) {
    use presigner::lambda::handle_event;
    use presigner_test_support::timeline::{app, request, Downloads, SIGNED_AT};

    let time = SigningTime::from_unix_seconds(SIGNED_AT).unwrap();
    let (single, batch_20, batch_100) = (request(1), request(20), request(100));

    // Warm: the process has signed in this window already (S3: the memo has these images'
    // URLs; CloudFront: the window's grant). Cold: each iteration is a new window, so every
    // S3 URL is signed, and CloudFront signs one grant.
    // With the image pipeline each image also gets its status object's URL: two per image.
    for (group, downloads, marker, per_image) in [
        ("timeline", Downloads::S3, "X-Amz-Signature=", 1),
        (
            "timeline_cloudfront",
            Downloads::CloudFront,
            "Hash-Algorithm=SHA256",
            1,
        ),
        (
            "timeline_pipeline",
            Downloads::S3Pipeline,
            "X-Amz-Signature=",
            2,
        ),
    ] {
        let app = app(downloads);
        for (e, n) in [(&single, 1), (&batch_20, 20), (&batch_100, 100)] {
            let (response, reply) = handle_event(&app, e, time);
            assert_eq!(reply.response.status, 200);
            assert_eq!(
                response.body().unwrap().matches(marker).count(),
                n * per_image
            );
        }
        let mut g = c.benchmark_group(group);
        for (name, e) in [
            ("download_url", &single),
            ("download_urls_20", &batch_20),
            ("download_urls_100", &batch_100),
        ] {
            g.bench_function(name, |b| {
                b.iter(|| handle_event(&app, black_box(e), black_box(time)))
            });
            let mut window = 0;
            g.bench_function(format!("{name}_cold"), |b| {
                b.iter(|| {
                    window += 3600;
                    let at = SigningTime::from_unix_seconds(SIGNED_AT + window).unwrap();
                    handle_event(&app, black_box(e), black_box(at))
                })
            });
        }
        g.finish();
    }
}

/// One CloudFront signature: the window's wildcard policy signed with ECDSA P-256 (RFC 6979
/// nonce) and written as the query a batch shares.
fn cloudfront(c: &mut Criterion) {
    use presigner_cloudfront::{KeyPairId, Policy, PrivateKey, Signer};
    let key = PrivateKey::from_pem(&presigner_test_support::edge::test_private_key()).unwrap();
    let signer = Signer::new(KeyPairId::new("K2JCJMDEHXQW5F").unwrap(), key);
    let policy = Policy {
        resource: "https://d111111abcdef8.cloudfront.net/images/*",
        date_less_than: 1_795_613_400,
        date_greater_than: None,
    };
    let grant = signer.grant(&policy);
    let url = format!(
        "https://d111111abcdef8.cloudfront.net/images/a/b.png?{}",
        grant.query()
    );
    let keys = presigner_test_support::edge::test_key_group();
    assert_eq!(
        presigner_test_support::edge::verify(&url, &keys, 1_795_608_000),
        Ok(())
    );
    // ring, for comparison: C and assembly, and random nonces (each signature differs, so
    // two sandboxes never hand out the same URL), which is why it is not the signer.
    let rng = ring::rand::SystemRandom::new();
    let der = {
        let pem = presigner_test_support::edge::test_private_key();
        let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, body).unwrap()
    };
    let ring_key = ring::signature::EcdsaKeyPair::from_pkcs8(
        &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
        &der,
        &rng,
    )
    .unwrap();
    let json = policy.to_json();
    let mut g = c.benchmark_group("cloudfront");
    g.bench_function("grant", |b| b.iter(|| signer.grant(black_box(&policy))));
    g.bench_function("sign_p256", |b| {
        b.iter(|| signer.sign(black_box(json.as_bytes())))
    });
    g.bench_function("sign_ring", |b| {
        b.iter(|| ring_key.sign(&rng, black_box(json.as_bytes())).unwrap())
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = signing, upload_kinds, timeline, cloudfront
}
criterion_main!(benches);
