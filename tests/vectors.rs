//! Every signing vector in `vectors/`, run through the signer; see vectors/README.md.
//!
//! Each file declares how many cases it holds; a missing file, a changed count or a case that
//! does not run fails the test.

use std::collections::BTreeSet;

use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{
    canonical_request, signature, signing_key, string_to_sign, Credentials, PathNormalization,
    QueryRequest, SessionTokenPlacement, Settings, Signer, SigningTime, UriEncoding,
};
use serde_json::Value;

fn load(name: &str, layer: &str, at_least: usize) -> Vec<Value> {
    let path = format!("{}/vectors/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(file["format"], "presigner-vectors/1", "{path}");
    assert_eq!(file["layer"], layer, "{path}");
    let cases = file["cases"].as_array().expect("cases").clone();
    assert_eq!(
        Some(cases.len() as u64),
        file["count"].as_u64(),
        "{path}: count"
    );
    assert!(
        cases.len() >= at_least,
        "{path}: {} cases, expected at least {at_least}",
        cases.len()
    );
    cases
}

fn s(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

fn pairs(v: &Value) -> Vec<(&str, &str)> {
    v.as_array()
        .expect("pairs")
        .iter()
        .map(|p| (s(&p[0]), s(&p[1])))
        .collect()
}

fn credentials(case: &Value) -> Credentials {
    let c = &case["credentials"];
    Credentials::new(
        s(&c["access_key_id"]),
        s(&c["secret_access_key"]),
        c["session_token"].as_str().map(str::to_owned),
    )
    .expect("credentials")
}

fn time(case: &Value) -> SigningTime {
    SigningTime::parse_amz_date(s(&case["time"])).expect("time")
}

/// The decoded query parameters of a URL, as a set.
fn query_set(url: &str) -> BTreeSet<(String, String)> {
    let query = url.split_once('?').map_or("", |q| q.1);
    query
        .split('&')
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            let d = |x: &str| {
                percent_encoding::percent_decode_str(x)
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (d(n), d(v))
        })
        .collect()
}

#[test]
fn aws_sigv4_suite_in_query_mode() {
    let cases = load("aws-sigv4-suite.json", "sigv4", 38);
    assert_eq!(cases.len(), 38, "the v4 suite has 38 cases");
    let mut ran = 0;
    for case in &cases {
        let name = s(&case["name"]);
        let st = &case["settings"];
        let settings = Settings {
            uri_encoding: match s(&st["uri_encoding"]) {
                "once" => UriEncoding::Once,
                "twice" => UriEncoding::Twice,
                other => panic!("{name}: uri_encoding {other}"),
            },
            path_normalization: match st["normalize_path"].as_bool().expect("normalize_path") {
                true => PathNormalization::RemoveDotSegments,
                false => PathNormalization::AsGiven,
            },
            session_token: match s(&st["session_token"]) {
                "signed" => SessionTokenPlacement::Signed,
                "appended_after_signing" => SessionTokenPlacement::AppendedAfterSigning,
                other => panic!("{name}: session_token {other}"),
            },
        };
        let signer = Signer::new(
            credentials(case),
            s(&case["region"]),
            s(&case["service"]),
            settings,
        )
        .expect("signer");
        let r = &case["request"];
        let query = pairs(&r["query"]);
        let headers = pairs(&r["headers"]);
        let request = QueryRequest {
            method: s(&r["method"]),
            host: s(&r["host"]),
            path: s(&r["path"]),
            query: &query,
            headers: &headers,
            payload_hash: s(&r["payload_hash"]),
            expires_in: case["expires_in"].as_u64().expect("expires_in") as u32,
        };
        let t = time(case);
        let signed = signer
            .presign(&request, t)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let e = &case["expected"];
        assert_eq!(
            signed.trace.canonical_request,
            s(&e["canonical_request"]),
            "{name}: canonical request"
        );
        assert_eq!(
            signed.trace.string_to_sign,
            s(&e["string_to_sign"]),
            "{name}: string to sign"
        );
        // Each step on its own, from the published value of the step before.
        let key = signing_key(
            &credentials(case),
            t,
            s(&case["region"]),
            s(&case["service"]),
        );
        assert_eq!(key.to_hex(), s(&e["signing_key"]), "{name}: signing key");
        let expected_canonical = s(&e["canonical_request"]);
        let canonical_query = expected_canonical.lines().nth(2).unwrap_or_default();
        let mut all_headers = vec![("host", request.host)];
        all_headers.extend_from_slice(&headers);
        assert_eq!(
            canonical_request(
                request.method,
                request.path,
                canonical_query,
                &all_headers,
                request.payload_hash,
                settings,
            ),
            expected_canonical,
            "{name}: canonical request, step alone"
        );
        assert_eq!(
            string_to_sign(t, &signer.credential_scope(t), expected_canonical),
            s(&e["string_to_sign"]),
            "{name}: string to sign, step alone"
        );
        assert_eq!(
            signature(&key, s(&e["string_to_sign"])),
            s(&e["signature"]),
            "{name}: signature, step alone"
        );
        assert_eq!(
            signed.trace.signature,
            s(&e["signature"]),
            "{name}: signature"
        );
        let url = format!(
            "{}://{}{}?{}",
            s(&r["scheme"]),
            request.host,
            request.path,
            signed.query
        );
        assert_eq!(url, s(&e["url"]), "{name}: url");
        let published: BTreeSet<(String, String)> = pairs(&e["published_query"])
            .into_iter()
            .map(|(n, v)| (n.to_owned(), v.to_owned()))
            .collect();
        assert_eq!(query_set(&url), published, "{name}: query parameters");
        ran += 1;
    }
    assert_eq!(ran, 38);
}

fn s3_case(case: &Value) -> (Presigner, Bucket, ObjectKey, Method) {
    let p = &case["s3"];
    let endpoint = Endpoint::parse(s(&p["endpoint"])).expect("endpoint");
    let force_path = match s(&p["addressing"]) {
        "path" => AddressingStyle::Path,
        "virtual" => AddressingStyle::Auto,
        other => panic!("addressing {other}"),
    };
    let presigner = Presigner::new(credentials(case), s(&case["region"]), endpoint, force_path)
        .expect("presigner");
    let bucket = Bucket::new(s(&p["bucket"])).expect("bucket");
    let key = ObjectKey::new(s(&p["key"])).expect("key");
    let method = match s(&p["method"]) {
        "GET" => Method::Get,
        "PUT" => Method::Put,
        "HEAD" => Method::Head,
        "DELETE" => Method::Delete,
        other => panic!("method {other}"),
    };
    (presigner, bucket, key, method)
}

fn run_s3_cases(cases: &[Value], exact_url: bool) -> usize {
    let mut ran = 0;
    for case in cases {
        let name = s(&case["name"]);
        let (presigner, bucket, key, method) = s3_case(case);
        if !exact_url {
            // The independent implementation chose its addressing style; ours must agree.
            let style = match presigner.addressing(&bucket) {
                presigner_s3::Addressing::Path => "path",
                presigner_s3::Addressing::VirtualHosted => "virtual",
            };
            let url = s(&case["expected"]["url"]);
            let virtual_host = url
                .split("://")
                .nth(1)
                .is_some_and(|r| r.starts_with(&format!("{}.", bucket.as_str())));
            let theirs = if virtual_host { "virtual" } else { "path" };
            assert_eq!(style, theirs, "{name}: addressing style");
        }
        let headers = pairs(&case["s3"]["headers"]);
        let query = pairs(&case["s3"]["query"]);
        let expiry =
            Expiry::from_secs(case["expires_in"].as_u64().expect("expires_in")).expect("expiry");
        let request = ObjectRequest {
            headers: &headers,
            query: &query,
            ..ObjectRequest::new(method, &bucket, &key, expiry)
        };
        let t = time(case);
        let out = presigner
            .presign_traced(&request, t)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let e = &case["expected"];
        assert_eq!(
            out.trace.canonical_request,
            s(&e["canonical_request"]),
            "{name}: canonical request"
        );
        assert_eq!(
            out.trace.string_to_sign,
            s(&e["string_to_sign"]),
            "{name}: string to sign"
        );
        if let Some(k) = e["signing_key"].as_str() {
            assert_eq!(
                signing_key(&credentials(case), t, s(&case["region"]), "s3").to_hex(),
                k,
                "{name}: signing key"
            );
        }
        assert_eq!(out.trace.signature, s(&e["signature"]), "{name}: signature");
        let expected_url = s(&e["url"]);
        if exact_url {
            assert_eq!(out.url, expected_url, "{name}: url");
        } else {
            // Same scheme, host and path bytes; same parameters (order aside).
            let base = |u: &str| u.split_once('?').map_or(u, |b| b.0).to_owned();
            assert_eq!(
                base(&out.url),
                base(expected_url),
                "{name}: scheme, host and path"
            );
            assert_eq!(
                query_set(&out.url),
                query_set(expected_url),
                "{name}: query parameters"
            );
        }
        ran += 1;
    }
    ran
}

#[test]
fn s3_documentation_presign_example() {
    let cases = load("s3-docs.json", "s3", 1);
    assert_eq!(run_s3_cases(&cases, true), 1);
}

#[test]
fn botocore_generated_s3_cases() {
    let cases = load("botocore-s3.json", "s3", 300);
    let n = cases.len();
    assert_eq!(run_s3_cases(&cases, false), n);
}

/// A POST case: the policy text signed as given, so its base64, signing key and signature
/// must come out as published; and where the case has `post` inputs, our own form for them
/// must be botocore's byte for byte (policy text, fields in order, URL).
fn run_post_cases(cases: &[Value]) -> usize {
    use base64::Engine;
    use presigner_s3::post::PostRequest;
    use presigner_sigv4::{Settings, Signer};

    let mut ran = 0;
    for case in cases {
        let name = s(&case["name"]);
        let e = &case["expected"];
        let t = time(case);
        let policy = s(&case["policy"]);
        let signer =
            Signer::new(credentials(case), s(&case["region"]), "s3", Settings::S3).expect("signer");
        let policy_base64 = base64::engine::general_purpose::STANDARD.encode(policy);
        assert_eq!(
            policy_base64,
            s(&e["policy_base64"]),
            "{name}: policy base64"
        );
        if let Some(k) = e["signing_key"].as_str() {
            let key = signing_key(&credentials(case), t, s(&case["region"]), "s3");
            assert_eq!(key.to_hex(), k, "{name}: signing key");
        }
        assert_eq!(
            signer.sign_post_policy(&policy_base64, t),
            s(&e["signature"]),
            "{name}: signature"
        );

        if let Some(p) = case.get("post") {
            let endpoint = Endpoint::parse(s(&p["endpoint"])).expect("endpoint");
            let force_path = match s(&p["addressing"]) {
                "path" => AddressingStyle::Path,
                _ => AddressingStyle::Auto,
            };
            let presigner =
                Presigner::new(credentials(case), s(&case["region"]), endpoint, force_path)
                    .expect("presigner");
            let bucket = Bucket::new(s(&p["bucket"])).expect("bucket");
            let object_key = ObjectKey::new(s(&p["key"])).expect("key");
            let range = &p["content_length_range"];
            let request = PostRequest {
                bucket: &bucket,
                key: &object_key,
                content_type: s(&p["content_type"]),
                content_length_range: (range[0].as_u64().unwrap(), range[1].as_u64().unwrap()),
                expiry: Expiry::from_secs(p["expires_in"].as_u64().unwrap()).expect("expiry"),
            };
            let form = presigner
                .presign_post(&request, t)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(form.policy, policy, "{name}: policy text");
            let fields: Vec<(&str, &str)> = form.fields().collect();
            assert_eq!(fields, pairs(&e["fields"]), "{name}: fields");
            assert_eq!(form.url, s(&e["url"]), "{name}: url");
        }
        ran += 1;
    }
    ran
}

#[test]
fn s3_documentation_post_policy_example() {
    let cases = load("s3-post-docs.json", "post", 2);
    assert_eq!(
        s(&cases[0]["expected"]["signature"]),
        "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e",
        "the documented signature"
    );
    assert_eq!(run_post_cases(&cases), 2);
}

#[test]
fn botocore_generated_post_forms() {
    let cases = load("botocore-post.json", "post", 40);
    let n = cases.len();
    assert!(cases.iter().all(|c| c.get("post").is_some()));
    assert_eq!(run_post_cases(&cases), n);
}
