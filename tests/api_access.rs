//! Who may read whose images (`DOWNLOAD_ACCESS`), on each front door's event shape, for the
//! single and the batch download routes; uploads and forms stay the caller's own folder in
//! every mode.

use presigner::api::App;
use presigner_test_support::app::{
    assert_error, batch, call_with, config, config_error, download_keys, route_with_body, SUB,
};
use presigner_test_support::events::event;
use serde_json::json;

/// The front doors' signed-in event shapes: REST + Cognito, HTTP API + JWT.
const SIGNED_IN: [&str; 2] = ["rest-v1-cognito.json", "http-v2-jwt.json"];
/// Events with no authorizer: REST, HTTP API, function URL.
const ANONYMOUS: [&str; 3] = ["rest-v1.json", "http-v2.json", "function-url.json"];

fn app_with(access: &str) -> App {
    App::new(config(&[("DOWNLOAD_ACCESS", access)])).unwrap()
}

fn bob_and_own() -> serde_json::Value {
    batch(&[("bob", "t1"), ("", "t2"), ("bob", "t1")])
}

#[test]
fn signed_in_callers_read_anyones_images_but_write_only_their_own() {
    for app in [App::new(config(&[])).unwrap(), app_with("signed-in")] {
        for file in SIGNED_IN {
            let one = |body| call_with(&app, event(file, route_with_body("download_url", body)));
            assert_eq!(
                download_keys(&one(json!({"userId": "bob", "tweetId": "t1"}))),
                ["images/bob/t1.png"],
                "{file}"
            );
            assert_eq!(
                download_keys(&one(json!({"tweetId": "t1"}))),
                [format!("images/{SUB}/t1.png")],
                "{file}: no userId is the caller's own folder"
            );
            let many = call_with(
                &app,
                event(file, route_with_body("download_urls", bob_and_own())),
            );
            assert_eq!(
                download_keys(&many),
                [
                    "images/bob/t1.png".to_owned(),
                    format!("images/{SUB}/t2.png"),
                    "images/bob/t1.png".to_owned()
                ],
                "{file}"
            );
            for route in ["upload_url", "upload_form"] {
                let body = json!({"userId": "bob", "tweetId": "t", "contentType": "image/png", "contentLength": 5});
                let body = if route == "upload_form" {
                    json!({"userId": "bob", "tweetId": "t", "contentType": "image/png"})
                } else {
                    body
                };
                let a = call_with(&app, event(file, route_with_body(route, body)));
                assert_error(&a, 403, "does not match the signed-in user");
            }
        }
        for file in ANONYMOUS {
            for (route, body) in [
                ("download_url", json!({"userId": "bob", "tweetId": "t1"})),
                ("download_urls", bob_and_own()),
            ] {
                let a = call_with(&app, event(file, route_with_body(route, body)));
                assert_error(&a, 401, "sign in first");
            }
        }
    }
}

#[test]
fn owner_mode_reads_only_the_callers_own_images() {
    let app = app_with("owner");
    for file in SIGNED_IN {
        let a = call_with(
            &app,
            event(
                file,
                route_with_body("download_url", json!({"userId": "bob", "tweetId": "t1"})),
            ),
        );
        assert_error(&a, 403, "userId does not match the signed-in user");
        let own = json!({"userId": SUB, "tweetId": "t1"});
        let a = call_with(&app, event(file, route_with_body("download_url", own)));
        assert_eq!(download_keys(&a), [format!("images/{SUB}/t1.png")]);
        let mixed = batch(&[("", "t1"), (SUB, "t2"), ("bob", "t3"), ("", "t4")]);
        let a = call_with(&app, event(file, route_with_body("download_urls", mixed)));
        assert_error(
            &a,
            403,
            "images[2].userId does not match the signed-in user",
        );
        let own = batch(&[("", "t1"), (SUB, "t2")]);
        let a = call_with(&app, event(file, route_with_body("download_urls", own)));
        assert_eq!(download_keys(&a).len(), 2);
    }
    for file in ANONYMOUS {
        let a = call_with(
            &app,
            event(file, route_with_body("download_urls", bob_and_own())),
        );
        assert_error(&a, 401, "sign in first");
    }
}

#[test]
fn anyone_mode_serves_downloads_with_no_authorizer_but_never_uploads() {
    let app = app_with("anyone");
    for file in ANONYMOUS {
        let a = call_with(
            &app,
            event(
                file,
                route_with_body("download_url", json!({"userId": "bob", "tweetId": "t1"})),
            ),
        );
        assert_eq!(download_keys(&a), ["images/bob/t1.png"], "{file}");
        let both = batch(&[("bob", "t1"), ("carol", "t2")]);
        let a = call_with(&app, event(file, route_with_body("download_urls", both)));
        assert_eq!(
            download_keys(&a),
            ["images/bob/t1.png", "images/carol/t2.png"]
        );
        // With no caller there is no own folder to default to.
        let a = call_with(
            &app,
            event(
                file,
                route_with_body("download_url", json!({"tweetId": "t1"})),
            ),
        );
        assert_error(&a, 400, "userId is required");
        let a = call_with(
            &app,
            event(file, route_with_body("download_urls", bob_and_own())),
        );
        assert_error(&a, 400, "images[1].userId is required");
        let up = json!({"userId": "bob", "tweetId": "t", "contentType": "image/png", "contentLength": 5});
        let a = call_with(&app, event(file, route_with_body("upload_url", up)));
        assert_error(&a, 401, "sign in first");
    }
    for file in SIGNED_IN {
        let a = call_with(
            &app,
            event(file, route_with_body("download_urls", bob_and_own())),
        );
        assert_eq!(download_keys(&a)[1], format!("images/{SUB}/t2.png"));
        let up = json!({"userId": "bob", "tweetId": "t", "contentType": "image/png", "contentLength": 5});
        let a = call_with(&app, event(file, route_with_body("upload_url", up)));
        assert_error(&a, 403, "does not match");
    }
}

#[test]
fn an_authorizer_without_a_subject_reads_only_where_anyone_may() {
    let iam = |route: &'static str, body| {
        event("http-v2.json", move |e| {
            route_with_body(route, body)(e);
            e["requestContext"]["authorizer"] = json!({"iam": {"accessKey": "ASIA", "accountId": "1", "callerId": "AROA:s", "userArn": "arn:aws:sts::1:assumed-role/r/s", "userId": "AROA:s"}});
        })
    };
    for access in ["signed-in", "owner"] {
        let a = call_with(
            &app_with(access),
            iam("download_urls", batch(&[("bob", "t")])),
        );
        assert_error(&a, 403, "gives no user subject");
    }
    let a = call_with(
        &app_with("anyone"),
        iam("download_urls", batch(&[("bob", "t")])),
    );
    assert_eq!(download_keys(&a), ["images/bob/t.png"]);
}

#[test]
fn the_open_contract_reads_as_it_always_did_and_cannot_claim_owner() {
    let app = App::new(config(&[("TRUST_BODY_USER_ID", "true")])).unwrap();
    let a = call_with(
        &app,
        event(
            "rest-v1.json",
            route_with_body("download_urls", batch(&[("bob", "t1"), ("carol", "t2")])),
        ),
    );
    assert_eq!(
        download_keys(&a),
        ["images/bob/t1.png", "images/carol/t2.png"]
    );
    let refused = config_error(&[("TRUST_BODY_USER_ID", "true"), ("DOWNLOAD_ACCESS", "owner")]);
    assert_eq!(refused.variable, "DOWNLOAD_ACCESS");
    assert!(refused.problem.contains("TRUST_BODY_USER_ID"), "{refused}");
}
