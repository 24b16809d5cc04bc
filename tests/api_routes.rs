//! Routing as API Gateway matched it, methods, preflights and the CORS headers, through the
//! same event conversion the Lambda runs.

use presigner::api::App;
use presigner_test_support::app::{
    assert_error, assert_headers, call, call_with, config, original,
};
use presigner_test_support::events::{event, with_body};
use serde_json::{json, Value};

#[test]
fn routing_follows_what_api_gateway_matched_not_how_it_is_mounted() {
    let app = original();
    // REST: the custom domain's base path is in `path`; `resource` is the route.
    let a = call_with(&app, event("rest-v1-custom-domain.json", |_| {}));
    assert_eq!(a.status, 200, "{:?}", a.body);
    let a = call_with(
        &app,
        event("rest-v1-custom-domain.json", |e| {
            e["resource"] = json!("/api/download_url");
            with_body(r#"{"tweetId":"t"}"#)(e);
        }),
    );
    assert_eq!(a.status, 200);
    assert!(a.json()["presignedUrl"]
        .as_str()
        .unwrap()
        .contains("response-content-type=image%2Fpng"));
    // REST with a greedy proxy resource: the route is the proxy parameter.
    let a = call_with(
        &app,
        event("rest-v1.json", |e| {
            e["resource"] = json!("/{proxy+}");
            e["path"] = json!("/base/api/upload_url");
            e["pathParameters"] = json!({"proxy": "api/upload_url"});
        }),
    );
    assert_eq!(a.status, 200);
    // A resource that is not ours is 404 whatever the path says.
    let a = call_with(
        &app,
        event("rest-v1.json", |e| e["resource"] = json!("/api/other")),
    );
    assert_error(&a, 404, "no such route");
    // HTTP API: the routeKey decides, whatever the raw path holds (stage, mapping key).
    let a = call_with(
        &app,
        event("http-v2.json", |e| {
            e["rawPath"] = json!("/v1/mapped/api/upload_url")
        }),
    );
    assert_eq!(a.status, 200);
    // HTTP API $default route with a named stage, and on the $default stage.
    for (stage, raw) in [
        ("Prod", "/Prod/api/upload_url"),
        ("$default", "/api/upload_url"),
    ] {
        let a = call_with(
            &app,
            event("http-v2.json", |e| {
                e["routeKey"] = json!("$default");
                e["requestContext"]["routeKey"] = json!("$default");
                e["requestContext"]["stage"] = json!(stage);
                e["rawPath"] = json!(raw);
            }),
        );
        assert_eq!(a.status, 200, "{stage}");
    }
    // Function URL: the path.
    let a = call_with(
        &app,
        event("function-url.json", |e| {
            e["rawPath"] = json!("/v1/api/upload_url")
        }),
    );
    assert_error(&a, 404, "no such route");
}

#[test]
fn wrong_method_is_405_with_allow_and_unknown_path_404() {
    let a = call(event("rest-v1.json", |e| e["httpMethod"] = json!("GET")));
    assert_error(&a, 405, "method not allowed");
    let a = call(event("http-v2.json", |e| {
        e["requestContext"]["http"]["method"] = json!("PUT")
    }));
    assert_error(&a, 405, "method not allowed");
    let a = call(event("rest-v1.json", |e| {
        e["resource"] = json!("/api/delete_url")
    }));
    assert_error(&a, 404, "no such route");
    let a = call(event("function-url.json", |e| e["rawPath"] = json!("/")));
    assert_error(&a, 404, "no such route");
}

#[test]
fn preflight_answers_204_with_cors() {
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let a = call(event(file, |e| {
            e["httpMethod"] = json!("OPTIONS");
            if e["requestContext"]["http"].is_object() {
                e["requestContext"]["http"]["method"] = json!("OPTIONS");
            }
            e["body"] = Value::Null;
        }));
        assert_eq!(a.status, 204, "{file}");
        assert_headers(&a, &[]);
        assert_eq!(a.body, None);
    }
}

#[test]
fn cors_names_the_configured_origin_and_allows_the_authorization_header() {
    let app = App::new(config(&[("CORS_ALLOW_ORIGIN", "https://app.example.com")])).unwrap();
    for file in ["rest-v1.json", "http-v2.json", "function-url.json"] {
        let a = call_with(
            &app,
            event(file, |e| {
                e["httpMethod"] = json!("OPTIONS");
                if e["requestContext"]["http"].is_object() {
                    e["requestContext"]["http"]["method"] = json!("OPTIONS");
                }
            }),
        );
        assert_eq!(a.status, 204);
        assert_eq!(
            a.headers["access-control-allow-origin"],
            "https://app.example.com"
        );
        assert_eq!(
            a.headers["access-control-allow-headers"],
            "Content-Type, Authorization"
        );
        let a = call_with(&app, event(file, |_| {}));
        assert_eq!(a.status, 401, "errors carry CORS too");
        assert_eq!(
            a.headers["access-control-allow-origin"],
            "https://app.example.com"
        );
    }
}
