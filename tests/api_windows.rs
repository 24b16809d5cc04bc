//! Cache windows: download URLs signed at the start of the window, byte-identical within it,
//! living the window plus the expiry (never past 7 days), with the `Cache-Control` S3 is told
//! to answer with; uploads are never windowed.

use std::collections::BTreeMap;

use presigner::api::App;
use presigner_sigv4::SigningTime;
use presigner_test_support::app::{call_at, config, config_error, route_with_body, Answer};
use presigner_test_support::events::event;
use serde_json::json;

/// 2026-11-25T12:00:00Z, the start of an hour.
const HOUR: i64 = 1_795_608_000;

fn at(secs: i64) -> SigningTime {
    SigningTime::from_unix_seconds(secs).unwrap()
}

fn download(app: &App, now: i64) -> Answer {
    let body = json!({"userId": "bob", "tweetId": "t1"});
    call_at(
        app,
        event("http-v2-jwt.json", route_with_body("download_url", body)),
        at(now),
    )
}

fn query(a: &Answer) -> (String, BTreeMap<String, String>) {
    assert_eq!(a.status, 200, "{:?}", a.body);
    let url = a.json()["presignedUrl"].as_str().unwrap().to_owned();
    let q = url::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .into_owned()
        .collect();
    (url, q)
}

#[test]
fn within_a_window_the_url_is_byte_identical_and_signed_at_its_start() {
    let app = App::new(config(&[])).unwrap();
    let (first, q) = query(&download(&app, HOUR));
    assert_eq!(q["X-Amz-Date"], "20261125T120000Z");
    assert_eq!(q["X-Amz-Expires"], "5400");
    assert_eq!(q["response-cache-control"], "private, max-age=1800");
    for now in [HOUR + 1, HOUR + 1799, HOUR + 3599] {
        let a = download(&app, now);
        assert_eq!(query(&a).0, first, "at +{}", now - HOUR);
        assert_eq!(a.json()["expiresAt"], "2026-11-25T13:30:00Z");
    }
    let (next, q) = query(&download(&app, HOUR + 3600));
    assert_ne!(next, first);
    assert_eq!(q["X-Amz-Date"], "20261125T130000Z");
    // The last second of the window still hands out a URL good for the expiry and more.
    let (_, q) = query(&download(&app, HOUR - 1));
    assert_eq!(q["X-Amz-Date"], "20261125T110000Z");
}

#[test]
fn two_sandboxes_with_the_same_credentials_agree_and_other_credentials_do_not() {
    let a = App::new(config(&[("AWS_SESSION_TOKEN", "token-one")])).unwrap();
    let b = App::new(config(&[("AWS_SESSION_TOKEN", "token-one")])).unwrap();
    let c = App::new(config(&[("AWS_SESSION_TOKEN", "token-two")])).unwrap();
    let url = |app: &App, now| query(&download(app, now)).0;
    assert_eq!(url(&a, HOUR + 10), url(&b, HOUR + 3000));
    assert_ne!(
        url(&a, HOUR + 10),
        url(&c, HOUR + 10),
        "the session token is in the URL"
    );
}

#[test]
fn no_window_signs_every_second_afresh() {
    let app = App::new(config(&[("URL_CACHE_WINDOW_SECONDS", "0")])).unwrap();
    let (first, q) = query(&download(&app, HOUR + 7));
    assert_eq!(q["X-Amz-Date"], "20261125T120007Z");
    assert_eq!(q["X-Amz-Expires"], "1800");
    assert_eq!(q["response-cache-control"], "private, max-age=1800");
    assert_ne!(query(&download(&app, HOUR + 8)).0, first);
    assert_eq!(
        download(&app, HOUR + 7).json()["expiresAt"],
        "2026-11-25T12:30:07Z"
    );
}

#[test]
fn uploads_and_forms_are_never_windowed() {
    let app = App::new(config(&[])).unwrap();
    let up = json!({"tweetId": "t", "contentType": "image/png", "contentLength": 5});
    let a = call_at(
        &app,
        event("http-v2-jwt.json", route_with_body("upload_url", up)),
        at(HOUR + 7),
    );
    let (_, q) = query(&a);
    assert_eq!(q["X-Amz-Date"], "20261125T120007Z");
    assert_eq!(
        q["X-Amz-Expires"], "300",
        "UPLOAD_URL_EXPIRES_SECONDS, not the window"
    );
    let form = json!({"tweetId": "t", "contentType": "image/png"});
    let a = call_at(
        &app,
        event("http-v2-jwt.json", route_with_body("upload_form", form)),
        at(HOUR + 7),
    );
    assert_eq!(a.json()["expiresAt"], "2026-11-25T12:05:07Z");
}

#[test]
fn a_window_and_the_expiry_never_pass_seven_days() {
    let week = 604_800;
    // The default window shrinks to what the expiry leaves of 7 days.
    for (expiry, lifetime) in [
        (week, week),
        (week - 60, week),
        (week - 3600, week),
        (1800, 5400),
    ] {
        let app = App::new(config(&[("URL_EXPIRES_SECONDS", &expiry.to_string())])).unwrap();
        let (_, q) = query(&download(&app, HOUR + 5));
        assert_eq!(q["X-Amz-Expires"], lifetime.to_string(), "expiry {expiry}");
    }
    // An explicit window that does not fit is refused at start-up, naming both settings.
    let refused = config_error(&[
        ("URL_EXPIRES_SECONDS", "601200"),
        ("URL_CACHE_WINDOW_SECONDS", "3601"),
    ]);
    assert_eq!(refused.variable, "URL_CACHE_WINDOW_SECONDS");
    assert!(
        refused.problem.contains("URL_EXPIRES_SECONDS")
            && refused.problem.contains("use at most 3600"),
        "{refused}"
    );
    let fits = App::new(config(&[
        ("URL_EXPIRES_SECONDS", "601200"),
        ("URL_CACHE_WINDOW_SECONDS", "3600"),
    ]))
    .unwrap();
    let (_, q) = query(&download(&fits, HOUR + 3599));
    assert_eq!(q["X-Amz-Expires"], week.to_string());
}
