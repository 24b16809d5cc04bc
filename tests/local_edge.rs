//! The local edge end to end: bob uploads to the local S3, alice's timeline URLs are
//! CloudFront signed URLs, and the edge (presigner_local::edge, verifying with `ring`) serves
//! them from the local S3 and answers 403 to every URL it should refuse.

use std::sync::Arc;

use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::clock_now;
use presigner_local as local;
use presigner_sigv4::SigningTime;
use presigner_test_support::app::{call_at, route_with_body};
use presigner_test_support::events::event;
use presigner_test_support::http::{exchange, send};
use presigner_test_support::s3::{LocalS3, PNG};
use serde_json::{json, Value};

struct Stack {
    s3: LocalS3,
    edge_port: u16,
    pem: String,
    _runtime: tokio::runtime::Runtime,
}

fn start() -> Stack {
    let s3 = LocalS3::start();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let edge_port = listener.local_addr().unwrap().port();
    let (keys, pem) = local::edge::fresh_key_pair();
    let edge = local::edge::Edge {
        keys,
        bucket_dir: s3.root.join(local::BUCKET),
        cors: local::LocalOrigins::loopback(),
        cache_control: "private, max-age=1800".to_owned(),
    };
    runtime.spawn(local::edge::serve_edge(listener, Arc::new(edge)));
    Stack {
        s3,
        edge_port,
        pem,
        _runtime: runtime,
    }
}

fn app(stack: &Stack, access: &str) -> App {
    let settings = local::EdgeSettings {
        port: stack.edge_port,
        private_key_pem: stack.pem.clone(),
    };
    let mut env = local::lambda_env_with(stack.s3.port, Some(&settings));
    env.push(("DOWNLOAD_ACCESS", access.to_owned()));
    // The local S3 runs no processor: the original's one object per image.
    env.push(("IMAGE_PIPELINE", "off".to_owned()));
    let config =
        Config::from_lookup(|n| env.iter().find(|(k, _)| *k == n).map(|(_, v)| v.clone())).unwrap();
    App::new(config).unwrap()
}

fn signed_in(app: &App, sub: &str, route: &'static str, body: Value, at: SigningTime) -> Value {
    let event = event("rest-v1-cognito.json", |e| {
        route_with_body(route, body)(e);
        e["requestContext"]["authorizer"]["claims"]["sub"] = json!(sub);
    });
    let answer = call_at(app, event, at);
    assert_eq!(answer.status, 200, "{:?}", answer.body);
    answer.json()
}

fn upload(app: &App, sub: &str, tweet: &str) {
    let body = json!({"tweetId": tweet, "contentType": "image/png", "contentLength": PNG.len()});
    let put = signed_in(app, sub, "upload_url", body, clock_now());
    let url = put["presignedUrl"].as_str().unwrap();
    assert_eq!(
        send(
            "PUT",
            url,
            &[("Content-Type", "image/png"), ("If-None-Match", "*")],
            PNG
        )
        .0,
        200
    );
}

#[test]
fn the_edge_serves_a_timeline_and_refuses_every_url_it_should() {
    let stack = start();
    let signed_in_app = app(&stack, "signed-in");
    upload(&signed_in_app, "bob", "t1");
    upload(&signed_in_app, "alice", "t1");

    let batch = json!({"images": [{"userId": "bob", "tweetId": "t1"}, {"userId": "alice", "tweetId": "t1"}]});
    let answer = signed_in(&signed_in_app, "carol", "download_urls", batch, clock_now());
    let urls: Vec<&str> = answer["presignedUrls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    let edge = format!(
        "http://127.0.0.1:{}/images/bob/t1.png?Policy=",
        stack.edge_port
    );
    assert!(urls[0].starts_with(&edge), "{}", urls[0]);
    for url in &urls {
        let (status, headers, body) = exchange("GET", url, &[], b"");
        assert_eq!(status, 200, "{url}");
        assert_eq!(body, PNG);
        let header = |n: &str| {
            headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(header("content-type"), Some("image/png"));
        assert_eq!(header("cache-control"), Some("private, max-age=1800"));
    }
    // The grant covers every image: another existing path under it is served, a missing one
    // is S3's 404, a path outside images/ is refused.
    let query = urls[0].split_once('?').unwrap().1;
    let base = format!("http://127.0.0.1:{}", stack.edge_port);
    assert_eq!(
        send(
            "GET",
            &format!("{base}/images/nobody/none.png?{query}"),
            &[],
            b""
        )
        .0,
        404
    );
    assert_eq!(
        send("GET", &format!("{base}/other/bob/t1.png?{query}"), &[], b"").0,
        403
    );
    assert_eq!(
        send("GET", &format!("{base}/images/bob/t1.png"), &[], b"").0,
        403,
        "unsigned"
    );

    // Under owner the grant is alice's folder: bob's image with it is refused.
    let owner_app = app(&stack, "owner");
    let own = signed_in(
        &owner_app,
        "alice",
        "download_url",
        json!({"tweetId": "t1"}),
        clock_now(),
    );
    let own_url = own["presignedUrl"].as_str().unwrap().to_owned();
    assert_eq!(send("GET", &own_url, &[], b"").0, 200);
    let tampered_path = own_url.replace("/images/alice/", "/images/bob/");
    assert_eq!(
        send("GET", &tampered_path, &[], b"").0,
        403,
        "a wildcard that does not cover the path"
    );
    let other_key = own_url.replace("Key-Pair-Id=KLOCALEDGE", "Key-Pair-Id=KOTHERKEY");
    assert_eq!(
        send("GET", &other_key, &[], b"").0,
        403,
        "another key pair id"
    );
    let at = own_url.find("Signature=").unwrap() + 12;
    let mut flipped = own_url.clone().into_bytes();
    flipped[at] = if flipped[at] == b'A' { b'B' } else { b'A' };
    assert_eq!(
        send("GET", &String::from_utf8(flipped).unwrap(), &[], b"").0,
        403,
        "a changed signature"
    );
    let no_hash = own_url.replace("&Hash-Algorithm=SHA256", "");
    assert_eq!(
        send("GET", &no_hash, &[], b"").0,
        403,
        "SHA-1 claimed for a SHA-256 signature"
    );

    // A URL handed out two days ago has expired.
    let old = SigningTime::from_unix_seconds(clock_now().unix_seconds() - 2 * 86_400).unwrap();
    let stale = signed_in(
        &owner_app,
        "alice",
        "download_url",
        json!({"tweetId": "t1"}),
        old,
    );
    assert_eq!(
        send("GET", stale["presignedUrl"].as_str().unwrap(), &[], b"").0,
        403,
        "expired"
    );

    // Another key pair's edge: the same URL, refused.
    let (other_keys, _) = local::edge::fresh_key_pair();
    let refused = local::edge::verify(&own_url, &other_keys, clock_now().unix_seconds() as u64);
    assert_eq!(refused, Err(local::edge::Refusal::BadSignature));
}
