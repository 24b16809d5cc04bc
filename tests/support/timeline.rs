//! The timeline's inputs, shared by the `timeline` benches (`benches/signing.rs`) and
//! `examples/timeline_loop.rs`, so a timing and an instruction count price the same request:
//! the handler configured as Lambda runs it (a session token of Lambda's length), and an
//! HTTP API event with a JWT subject asking for `images` downloads.

use presigner::api::App;
use presigner::config::Config;
use presigner::lambda::Event;
use serde_json::json;

use crate::events::event;

/// The time every request is first signed at: 2026-11-25T12:00:00Z, on an hour's start.
pub const SIGNED_AT: i64 = 1_795_608_000;

/// Which download URLs the app signs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Downloads {
    /// S3 presigned URLs, one signature each (`IMAGE_PIPELINE=off`, the original's object).
    S3,
    /// CloudFront URLs, one grant per window for all (`IMAGE_PIPELINE=off`).
    CloudFront,
    /// S3 presigned URLs under the image pipeline (the deployed default): a variant's URL and
    /// its status object's for each image, two signatures each.
    S3Pipeline,
}

/// A session token as long as Lambda's role credentials carry (about 1 KB).
pub fn lambda_sized_token() -> String {
    let mut token = String::from("IQoJb3JpZ2luX2VjE");
    while token.len() < 1100 {
        token.push_str("AbCdEfGhIjKlMnOpQrStUvWxYz0123456789+/");
    }
    token
}

/// The handler as Lambda runs it, signing `downloads` URLs.
pub fn app(downloads: Downloads) -> App {
    let token = lambda_sized_token();
    let key = crate::edge::test_private_key();
    let mut env = vec![
        ("S3_BUCKET_NAME", "presigner-bench-bucket"),
        ("AWS_REGION", "ap-northeast-1"),
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        (
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        ),
        ("AWS_SESSION_TOKEN", token.as_str()),
        (
            "IMAGE_PIPELINE",
            if downloads == Downloads::S3Pipeline {
                "on"
            } else {
                "off"
            },
        ),
    ];
    if downloads == Downloads::CloudFront {
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
    App::new(config).expect("an app")
}

/// A signed-in user's request for `images` images by as many authors: `download_url` for
/// one, `download_urls` for more.
pub fn request(images: usize) -> Event {
    let image = |i: usize| json!({"userId": format!("7d8ca528-4931-4254-9273-ea5ee853f{i:03}"), "tweetId": format!("01JD{i:022}")});
    let (route, body) = if images == 1 {
        ("download_url", image(0))
    } else {
        (
            "download_urls",
            json!({"images": (0..images).map(image).collect::<Vec<_>>()}),
        )
    };
    event("http-v2-jwt.json", move |e| {
        e["routeKey"] = json!(format!("POST /api/{route}"));
        e["rawPath"] = json!(format!("/api/{route}"));
        e["body"] = json!(body.to_string());
    })
}
