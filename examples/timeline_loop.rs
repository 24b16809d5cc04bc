//! Answers one timeline request N times through the handler, for counting instructions where
//! timings are too noisy to compare (the `timeline` bench's inputs):
//!
//! ```sh
//! cargo build --release -p presigner-test-support --example timeline_loop
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null target/release/examples/timeline_loop 100 warm 1001
//! ```
//!
//! Arguments: images per request (1 asks `download_url`, more ask `download_urls`), `warm`
//! (the same window every time: the memo answers) or `cold` (a new window every time: every
//! URL signed), N, and optionally `cloudfront` (CloudFront URLs instead of S3's). The difference between N = 1001 and N = 1, over 1000, is the
//! instructions per request.

use std::hint::black_box;

use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::{handle_event, Event};
use presigner_sigv4::SigningTime;
use presigner_test_support::events::event;
use serde_json::json;

fn main() {
    let mut args = std::env::args().skip(1);
    let images: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let cold = args.next().as_deref() == Some("cold");
    let n: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let token = presigner_test_support::events::lambda_sized_token();
    let key = presigner_test_support::edge::test_private_key();
    let mut env = vec![
        ("S3_BUCKET_NAME", "presigner-bench-bucket"),
        ("AWS_REGION", "ap-northeast-1"),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("AWS_SESSION_TOKEN", token.as_str()),
    ];
    if args.next().as_deref() == Some("cloudfront") {
        env.extend([
            ("CLOUDFRONT_DOMAIN", "d111111abcdef8.cloudfront.net"),
            ("CLOUDFRONT_KEY_PAIR_ID", "K2JCJMDEHXQW5F"),
            ("CLOUDFRONT_PRIVATE_KEY", key.as_str()),
        ]);
    }
    let config = Config::from_lookup(|k| {
        env.iter()
            .find(|(name, _)| *name == k)
            .map(|(_, v)| v.to_string())
    })
    .expect("a configuration");
    let app = App::new(config).expect("an app");
    let image = |i: usize| json!({"userId": format!("7d8ca528-4931-4254-9273-ea5ee853f{i:03}"), "tweetId": format!("01JD{i:022}")});
    let (route, body) = if images == 1 {
        ("download_url", image(0))
    } else {
        (
            "download_urls",
            json!({"images": (0..images).map(image).collect::<Vec<_>>()}),
        )
    };
    let request: Event = event("http-v2-jwt.json", move |e| {
        e["routeKey"] = json!(format!("POST /api/{route}"));
        e["rawPath"] = json!(format!("/api/{route}"));
        e["body"] = json!(body.to_string());
    });
    let mut total = 0usize;
    for i in 0..n {
        let window = if cold { i * 3600 } else { 0 };
        let at = SigningTime::from_unix_seconds(1_795_608_000 + window).expect("a time");
        let (response, reply) = handle_event(&app, black_box(&request), at);
        assert_eq!(reply.response.status, 200);
        total += response.body().map_or(0, str::len);
    }
    println!("{total}");
}
