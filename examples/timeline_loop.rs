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

use presigner::lambda::handle_event;
use presigner_sigv4::SigningTime;
use presigner_test_support::timeline::{app, request, Downloads, SIGNED_AT};

fn main() {
    let mut args = std::env::args().skip(1);
    let images: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let cold = args.next().as_deref() == Some("cold");
    let n: i64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let downloads = match args.next().as_deref() {
        Some("cloudfront") => Downloads::CloudFront,
        _ => Downloads::S3,
    };
    let app = app(downloads);
    let request = request(images);
    let mut total = 0usize;
    for i in 0..n {
        let window = if cold { i * 3600 } else { 0 };
        let at = SigningTime::from_unix_seconds(SIGNED_AT + window).expect("a time");
        let (response, reply) = handle_event(&app, black_box(&request), at);
        assert_eq!(reply.response.status, 200);
        total += response.body().map_or(0, str::len);
    }
    println!("{total}");
}
