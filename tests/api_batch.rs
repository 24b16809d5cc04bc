//! `POST /api/download_urls`: a timeline's images in one call, in order, on every front door;
//! its bounds (1 to `MAX_BATCH_IMAGES`, the body limit) and one bad item refusing the whole.

use presigner::api::App;
use presigner_test_support::app::{
    assert_error, assert_headers, batch, call, call_with, config, download_keys,
    expected_download_url, original, route_with_body, SUB,
};
use presigner_test_support::events::event;
use serde_json::{json, Value};

fn images(n: usize) -> Vec<(String, String)> {
    (0..n)
        .map(|i| (format!("user{}", i % 7), format!("tweet{i}")))
        .collect()
}

fn body_of(images: &[(String, String)]) -> Value {
    let pairs: Vec<(&str, &str)> = images
        .iter()
        .map(|(u, t)| (u.as_str(), t.as_str()))
        .collect();
    batch(&pairs)
}

#[test]
fn one_call_answers_every_image_in_order_each_url_as_the_single_route_signs_it() {
    let asked = batch(&[
        ("bob", "t1"),
        ("", "t2"),
        ("carol", "ツイート"),
        ("bob", "t1"),
    ]);
    let a = call(event(
        "http-v2-jwt.json",
        route_with_body("download_urls", asked),
    ));
    assert_headers(&a, &[("content-type", "application/json")]);
    let json = a.json();
    assert_eq!(
        json.as_object().unwrap().len(),
        2,
        "presignedUrls and expiresAt only"
    );
    assert_eq!(json["expiresAt"], "2026-11-25T13:30:00Z");
    let urls: Vec<&str> = json["presignedUrls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    let keys = [
        "images/bob/t1.png".to_owned(),
        format!("images/{SUB}/t2.png"),
        "images/carol/ツイート.png".to_owned(),
        "images/bob/t1.png".to_owned(),
    ];
    for (url, key) in urls.iter().zip(&keys) {
        assert_eq!(*url, expected_download_url(key));
    }
    assert_eq!(urls[0], urls[3], "a duplicate gets the same URL");
    let single = call(event(
        "http-v2-jwt.json",
        route_with_body("download_url", json!({"userId": "bob", "tweetId": "t1"})),
    ));
    assert_eq!(single.json()["presignedUrl"], urls[0]);
}

#[test]
fn the_route_exists_on_every_front_door() {
    let asked = || batch(&[("bob", "t1"), ("carol", "t2")]);
    for file in [
        "rest-v1-cognito.json",
        "rest-v1-custom-domain.json",
        "http-v2-jwt.json",
        "http-v2-default-stage.json",
    ] {
        let a = call(event(file, route_with_body("download_urls", asked())));
        assert_eq!(
            download_keys(&a),
            ["images/bob/t1.png", "images/carol/t2.png"],
            "{file}"
        );
        let preflight = call(event(file, |e| {
            route_with_body("download_urls", json!({}))(e);
            if e.get("httpMethod").is_some() {
                e["httpMethod"] = json!("OPTIONS");
            } else {
                e["requestContext"]["http"]["method"] = json!("OPTIONS");
            }
        }));
        assert_eq!(preflight.status, 204, "{file}");
    }
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let a = call_with(
            &original(),
            event(file, route_with_body("download_urls", asked())),
        );
        assert_eq!(download_keys(&a).len(), 2, "{file}");
    }
}

#[test]
fn a_batch_holds_one_to_max_batch_images() {
    let app = call_with; // the default app: at most 100
    let default = App::new(config(&[])).unwrap();
    let a = app(
        &default,
        event(
            "http-v2-jwt.json",
            route_with_body("download_urls", body_of(&images(100))),
        ),
    );
    assert_eq!(download_keys(&a).len(), 100);
    for n in [0, 101] {
        let a = app(
            &default,
            event(
                "http-v2-jwt.json",
                route_with_body("download_urls", body_of(&images(n))),
            ),
        );
        assert_error(&a, 400, "images must hold from 1 to 100 items");
    }
    let most = App::new(config(&[("MAX_BATCH_IMAGES", "1000")])).unwrap();
    let asked = images(1000);
    let a = app(
        &most,
        event(
            "http-v2-jwt.json",
            route_with_body("download_urls", body_of(&asked)),
        ),
    );
    let keys = download_keys(&a);
    assert_eq!(keys.len(), 1000);
    for i in [0, 1, 998, 999] {
        let (user, tweet) = &asked[i];
        assert_eq!(keys[i], format!("images/{user}/{tweet}.png"), "item {i}");
        assert_eq!(
            a.json()["presignedUrls"][i],
            expected_download_url(&keys[i]),
            "item {i}"
        );
    }
    let a = app(
        &most,
        event(
            "http-v2-jwt.json",
            route_with_body("download_urls", body_of(&images(1001))),
        ),
    );
    assert_error(&a, 400, "images must hold from 1 to 1000 items");
}

#[test]
fn the_largest_batch_body_is_taken_and_a_larger_one_is_refused() {
    let most = App::new(config(&[("MAX_BATCH_IMAGES", "1000")])).unwrap();
    let id = "x".repeat(128);
    let full: Vec<(String, String)> = (0..1000).map(|_| (id.clone(), id.clone())).collect();
    let a = call_with(
        &most,
        event(
            "http-v2-jwt.json",
            route_with_body("download_urls", body_of(&full)),
        ),
    );
    assert_eq!(download_keys(&a).len(), 1000);
    let padded = format!("{}{}", body_of(&full), " ".repeat(5000));
    let a = call_with(
        &most,
        event("http-v2-jwt.json", |e| {
            route_with_body("download_urls", json!({}))(e);
            e["body"] = json!(padded);
        }),
    );
    assert_error(&a, 400, "the body is larger than");
}

#[test]
fn one_bad_item_refuses_the_batch_and_is_named() {
    let mut asked: Vec<Value> = (0..6)
        .map(|i| json!({"userId": "bob", "tweetId": format!("t{i}")}))
        .collect();
    for (bad, says) in [
        (
            json!({"userId": "bob", "tweetId": ""}),
            "images[3].tweetId must not be empty",
        ),
        (json!({"userId": "bob"}), "images[3].tweetId is required"),
        (
            json!({"userId": "bob", "tweetId": "../x"}),
            "images[3].tweetId may hold only letters, digits, '-', '_' and '.'",
        ),
        (
            json!({"userId": "", "tweetId": "t"}),
            "images[3].userId must not be empty",
        ),
        (
            json!({"userId": "bob", "tweetId": "x".repeat(129)}),
            "images[3].tweetId must be at most 128 bytes",
        ),
        (json!(["bob", "t"]), "images[3] must be an object"),
    ] {
        asked[3] = bad;
        let a = call(event(
            "http-v2-jwt.json",
            route_with_body("download_urls", json!({"images": asked.clone()})),
        ));
        assert_error(&a, 400, says);
    }
    for (body, says) in [
        (json!({}), "images is required"),
        (
            json!({"images": "bob/t1"}),
            "the body must be a JSON object such as {\"images\"",
        ),
        (
            json!([{"userId": "bob", "tweetId": "t"}]),
            "the body must be a JSON object such as {\"images\"",
        ),
    ] {
        let a = call(event(
            "http-v2-jwt.json",
            route_with_body("download_urls", body),
        ));
        assert_error(&a, 400, says);
    }
}
