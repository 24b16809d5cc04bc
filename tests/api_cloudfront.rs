//! Download URLs through CloudFront (`CLOUDFRONT_*`): single and batch answers are CloudFront
//! signed URLs that an independent edge check accepts (tests/support/edge.rs, with `ring`),
//! one wildcard grant per window, the same bytes from every sandbox; uploads stay S3.

use presigner::api::App;
use presigner_sigv4::SigningTime;
use presigner_test_support::app::{
    batch, call_at, config, config_error, now, route_with_body, SUB,
};
use presigner_test_support::edge::{test_key_group, test_private_key, verify, Refusal};
use presigner_test_support::events::event;
use serde_json::{json, Value};

const DOMAIN: &str = "d111111abcdef8.cloudfront.net";

fn edge_app(extra: &[(&str, &str)]) -> App {
    let key = test_private_key();
    let mut env = vec![
        ("CLOUDFRONT_DOMAIN", DOMAIN),
        ("CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F"),
        ("CLOUDFRONT_PRIVATE_KEY", key.as_str()),
    ];
    env.extend_from_slice(extra);
    App::new(config(&env)).unwrap()
}

fn ask(app: &App, file: &str, route: &'static str, body: Value, at: SigningTime) -> Value {
    let answer = call_at(app, event(file, route_with_body(route, body)), at);
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.json()
}

fn urls(answer: &Value) -> Vec<String> {
    match answer.get("presignedUrls") {
        Some(list) => list
            .as_array()
            .unwrap()
            .iter()
            .map(|u| u.as_str().unwrap().to_owned())
            .collect(),
        None => vec![answer["presignedUrl"].as_str().unwrap().to_owned()],
    }
}

fn policy_of(url: &str) -> Value {
    let policy = url
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("Policy="))
        .unwrap();
    let json = presigner_cloudfront::base64::decode(policy).unwrap();
    serde_json::from_slice(&json).unwrap()
}

fn unix(t: SigningTime) -> u64 {
    t.unix_seconds() as u64
}

#[test]
fn single_and_batch_downloads_are_signed_urls_the_edge_accepts() {
    let app = edge_app(&[]);
    let at = now();
    let window_start = unix(at) - unix(at) % 3600;
    for file in ["rest-v1-cognito.json", "http-v2-jwt.json"] {
        let one = ask(
            &app,
            file,
            "download_url",
            json!({"userId": "bob", "tweetId": "t1"}),
            at,
        );
        let many = ask(
            &app,
            file,
            "download_urls",
            batch(&[("bob", "t1"), ("", "t2"), ("test@mail.com", "ツイート")]),
            at,
        );
        let all: Vec<String> = urls(&one).into_iter().chain(urls(&many)).collect();
        assert_eq!(all[0], all[1], "the same image, the same URL");
        assert!(
            all[0].starts_with(&format!("https://{DOMAIN}/images/bob/t1.png?Policy=")),
            "{}",
            all[0]
        );
        assert!(all[2].starts_with(&format!("https://{DOMAIN}/images/{SUB}/t2.png?")));
        assert!(all[3].starts_with(&format!(
            "https://{DOMAIN}/images/test%40mail.com/%E3%83%84%E3%82%A4%E3%83%BC%E3%83%88.png?"
        )));
        for url in &all {
            assert_eq!(verify(url, &test_key_group(), unix(at)), Ok(()), "{url}");
            assert!(url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256"));
            let policy = policy_of(url);
            let statement = &policy["Statement"][0];
            assert_eq!(statement["Resource"], format!("https://{DOMAIN}/images/*"));
            // The window's start plus window and expiry, when S3 URLs would end too.
            assert_eq!(
                statement["Condition"]["DateLessThan"]["AWS:EpochTime"],
                window_start + 3600 + 1800
            );
        }
        let query = |u: &str| u.split_once('?').unwrap().1.to_owned();
        assert!(
            all.iter().all(|u| query(u) == query(&all[0])),
            "one grant for the whole batch"
        );
        let expires = many["expiresAt"].as_str().unwrap();
        assert_eq!(
            expires,
            SigningTime::from_unix_seconds((window_start + 5400) as i64)
                .unwrap()
                .rfc3339()
        );
    }
}

#[test]
fn every_sandbox_hands_out_the_same_bytes_in_a_window_and_new_ones_after_it() {
    let (a, b) = (edge_app(&[]), edge_app(&[]));
    let at = now();
    let body = batch(&[("bob", "t1"), ("carol", "t2")]);
    let first = urls(&ask(
        &a,
        "http-v2-jwt.json",
        "download_urls",
        body.clone(),
        at,
    ));
    let later = SigningTime::from_unix_seconds(at.unix_seconds() + 1).unwrap();
    assert_eq!(
        first,
        urls(&ask(
            &b,
            "http-v2-jwt.json",
            "download_urls",
            body.clone(),
            later
        ))
    );
    let window_start = at.unix_seconds() - at.unix_seconds() % 3600;
    let next = SigningTime::from_unix_seconds(window_start + 3600).unwrap();
    let renewed = urls(&ask(&a, "http-v2-jwt.json", "download_urls", body, next));
    assert_ne!(first, renewed);
    // A URL of the first window still works until its end, then the edge refuses it.
    let end = (window_start + 5400) as u64;
    assert_eq!(verify(&first[0], &test_key_group(), end - 1), Ok(()));
    assert_eq!(
        verify(&first[0], &test_key_group(), end),
        Err(Refusal::Expired)
    );
    assert_eq!(verify(&renewed[0], &test_key_group(), end), Ok(()));
}

#[test]
fn the_edge_refuses_every_tampered_url() {
    let owner = edge_app(&[("DOWNLOAD_ACCESS", "owner")]);
    let at = now();
    let url = urls(&ask(
        &owner,
        "http-v2-jwt.json",
        "download_url",
        json!({"tweetId": "t1"}),
        at,
    ))
    .remove(0);
    let keys = test_key_group();
    assert_eq!(verify(&url, &keys, unix(at)), Ok(()));
    let resource = policy_of(&url)["Statement"][0]["Resource"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        resource,
        format!("https://{DOMAIN}/images/{SUB}/*"),
        "owner: the caller's folder only"
    );
    // Another user's folder under the same grant: the wildcard does not cover it.
    let other = url.replace(&format!("/images/{SUB}/"), "/images/bob/");
    assert_eq!(
        verify(&other, &keys, unix(at)),
        Err(Refusal::ResourceMismatch)
    );
    let other_key = url.replace("Key-Pair-Id=K2JCJMDEHXQW5F", "Key-Pair-Id=K000000000000");
    assert_eq!(
        verify(&other_key, &keys, unix(at)),
        Err(Refusal::UnknownKeyPairId)
    );
    let sha1 = url.replace("&Hash-Algorithm=SHA256", "");
    assert_eq!(verify(&sha1, &keys, unix(at)), Err(Refusal::HashAlgorithm));
    // A policy rewritten to cover everything, with the old signature: refused.
    let wider = presigner_cloudfront::base64::encode(
        policy_of(&url)
            .to_string()
            .replace(&format!("/images/{SUB}/*"), "/*")
            .as_bytes(),
    );
    let forged = url
        .split('&')
        .map(|p| {
            if p.contains("Policy=") {
                format!("{}Policy={wider}", &p[..p.find("Policy=").unwrap()])
            } else {
                p.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("&");
    assert_eq!(verify(&forged, &keys, unix(at)), Err(Refusal::BadSignature));
    let signature_at = url.find("Signature=").unwrap() + 12;
    let mut flipped = url.clone().into_bytes();
    flipped[signature_at] = if flipped[signature_at] == b'A' {
        b'B'
    } else {
        b'A'
    };
    let flipped = String::from_utf8(flipped).unwrap();
    assert_eq!(
        verify(&flipped, &keys, unix(at)),
        Err(Refusal::BadSignature)
    );
    let far = unix(at) + 2 * 86_400;
    assert_eq!(verify(&url, &keys, far), Err(Refusal::Expired));
}

#[test]
fn an_owner_folder_cannot_widen_its_wildcard_and_uploads_stay_s3() {
    let owner = edge_app(&[("DOWNLOAD_ACCESS", "owner")]);
    let at = now();
    let caller = |sub: &'static str| {
        move |e: &mut Value| {
            route_with_body("download_url", json!({"tweetId": "t"}))(e);
            e["requestContext"]["authorizer"]["jwt"]["claims"]["sub"] = json!(sub);
        }
    };
    let answer = call_at(&owner, event("http-v2-jwt.json", caller("a*")), at);
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    let url = urls(&answer.json()).remove(0);
    let resource = policy_of(&url)["Statement"][0]["Resource"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(resource, format!("https://{DOMAIN}/images/a~2A/*"));
    let neighbour = url.replace("/images/a~2A/", "/images/ab/");
    assert_eq!(
        verify(&neighbour, &test_key_group(), unix(at)),
        Err(Refusal::ResourceMismatch)
    );

    let app = edge_app(&[]);
    let upload = ask(
        &app,
        "http-v2-jwt.json",
        "upload_url",
        json!({"tweetId": "t", "contentType": "image/png", "contentLength": 5}),
        at,
    );
    let put = upload["presignedUrl"].as_str().unwrap();
    assert!(
        put.contains("X-Amz-Signature=") && !put.contains("cloudfront"),
        "{put}"
    );
}

#[test]
fn cloudfront_settings_are_checked_at_start_up_and_never_show_the_key() {
    let key = test_private_key();
    let missing = config_error(&[
        ("CLOUDFRONT_DOMAIN", DOMAIN),
        ("CLOUDFRONT_PRIVATE_KEY", &key),
    ]);
    assert_eq!(missing.variable, "CLOUDFRONT_KEY_PAIR_ID");
    let missing = config_error(&[("CLOUDFRONT_KEY_PAIR_ID", "K1")]);
    assert_eq!(missing.variable, "CLOUDFRONT_DOMAIN");
    let with = |name: &'static str, value: &str| {
        let mut env = vec![
            ("CLOUDFRONT_DOMAIN", DOMAIN.to_owned()),
            ("CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F".to_owned()),
            ("CLOUDFRONT_PRIVATE_KEY", key.clone()),
        ];
        env.retain(|(n, _)| *n != name);
        env.push((name, value.to_owned()));
        let env: Vec<(&str, &str)> = env.iter().map(|(n, v)| (*n, v.as_str())).collect();
        config_error(&env)
    };
    let rsa = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/vectors/cloudfront/refused/rsa-pkcs8.pem"
    ))
    .unwrap();
    for (name, value, says) in [
        ("CLOUDFRONT_PRIVATE_KEY", rsa.as_str(), "RSA"),
        ("CLOUDFRONT_PRIVATE_KEY", "not a key", "PEM"),
        ("CLOUDFRONT_KEY_PAIR_ID", "k2jc", "uppercase"),
        (
            "CLOUDFRONT_DOMAIN",
            "http://d111111abcdef8.cloudfront.net",
            "https",
        ),
        ("CLOUDFRONT_DOMAIN", "d1.cloudfront.net/images", "domain"),
        ("CLOUDFRONT_DOMAIN", "d1..net", "domain"),
        ("CLOUDFRONT_DOMAIN", "d1.cloudfront.net:443", "no port"),
        (
            "CLOUDFRONT_DOMAIN",
            "https://d1.cloudfront.net:8443",
            "no port",
        ),
        ("CLOUDFRONT_DOMAIN", key.as_str(), "not shown"),
    ] {
        let e = with(name, value);
        assert_eq!(e.variable, name, "{value}");
        assert!(e.to_string().contains(says), "{e}");
        for line in key
            .lines()
            .chain(rsa.lines())
            .filter(|l| !l.starts_with("-----"))
        {
            assert!(!e.to_string().contains(line));
        }
    }
    let local = App::new(config(&[
        ("CLOUDFRONT_DOMAIN", "http://127.0.0.1:9100"),
        ("CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F"),
        ("CLOUDFRONT_PRIVATE_KEY", &key),
    ]))
    .unwrap();
    let shown = format!("{local:?}");
    for line in key.lines().filter(|l| !l.starts_with("-----")) {
        assert!(!shown.contains(line), "{shown}");
    }
}
