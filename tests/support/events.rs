//! Real API Gateway / function URL event JSON from `tests/events/`, edited per test.

use presigner::lambda::Event;
use serde_json::{json, Value};

/// The event JSON in `tests/events/{file}` after `edit`.
pub fn event_json(file: &str, edit: impl FnOnce(&mut Value)) -> Value {
    let path = format!("{}/tests/events/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut value: Value = serde_json::from_str(&text).unwrap();
    edit(&mut value);
    value
}

/// The event in `tests/events/{file}` after `edit`, deserialised as the runtime does: from
/// its JSON text.
pub fn event(file: &str, edit: impl FnOnce(&mut Value)) -> Event {
    serde_json::from_str(&event_json(file, edit).to_string())
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// An edit that sets a plain-text body.
pub fn with_body(body: &str) -> impl FnOnce(&mut Value) + '_ {
    move |e| {
        e["body"] = json!(body);
        e["isBase64Encoded"] = json!(false);
    }
}

/// The REST API event for POST `route` (`upload_url` or `download_url`) with `body`.
pub fn rest_post(route: &str, body: &Value) -> Event {
    let body = body.to_string();
    event("rest-v1.json", |e| {
        e["path"] = json!(format!("/api/{route}"));
        e["resource"] = json!(format!("/api/{route}"));
        with_body(&body)(e);
    })
}
