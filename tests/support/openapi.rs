//! The API's contract, `openapi.yaml`, as a check on every answer the API tests get: the
//! answer's route, method and status must be documented, its headers must be the documented
//! ones (each required one present, each value valid against its schema, none undocumented but
//! `Content-Type`), and its body must validate against the documented schema with a JSON Schema
//! 2020-12 validator (the dialect of OpenAPI 3.1). [`crate::app::call_at`] runs it on every
//! answer, so the document cannot drift from what the handler says.
//!
//! Requests outside the document get the answers its `components/responses` name: any other
//! path `NotFound` (404), any other method on a documented path `MethodNotAllowed` (405), and an
//! event with too many header fields `TooManyHeaderFields` (431) wherever it was sent.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

use serde_json::Value;

/// The document, as committed at the workspace's root.
pub const OPENAPI_YAML: &str = include_str!("../../openapi.yaml");

/// The document as JSON.
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_yaml_ng::from_str(OPENAPI_YAML).expect("openapi.yaml parses"))
}

/// One documented answer: a path, a method (lowercase) and a status.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Documented {
    pub path: String,
    pub method: String,
    pub status: u16,
}

/// Every (path, method, status) the document's `paths` list.
pub fn documented() -> Vec<Documented> {
    let mut all = Vec::new();
    for (path, item) in document()["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().expect("a path item") {
            for status in operation["responses"]
                .as_object()
                .expect("responses")
                .keys()
            {
                all.push(Documented {
                    path: path.clone(),
                    method: method.clone(),
                    status: status.parse().expect("a numeric status"),
                });
            }
        }
    }
    all
}

/// A JSON pointer segment (RFC 6901).
fn escape(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// The object at `pointer` (without its `#`), following a local `$ref` on the object found;
/// returns where it really is and what it is.
fn resolve(pointer: String) -> Result<(String, &'static Value), String> {
    let value = document()
        .pointer(&pointer)
        .ok_or_else(|| format!("openapi.yaml has nothing at #{pointer}"))?;
    match value.get("$ref").and_then(Value::as_str) {
        Some(target) => {
            let target = target
                .strip_prefix('#')
                .ok_or_else(|| format!("a $ref outside the document: {target}"))?;
            resolve(target.to_owned())
        }
        None => Ok((pointer, value)),
    }
}

/// Where the document describes the answer to `method` on `route` (the handler's matched
/// route, `-` for none) with `status`, or why it does not.
pub fn response_pointer(route: &str, method: &str, status: u16) -> Result<String, String> {
    // HTTP methods are case-sensitive: `post` is not `POST`, and is answered 405.
    let method = match method.bytes().all(|b| b.is_ascii_uppercase()) {
        true => method.to_ascii_lowercase(),
        false => format!("{method:?} (not a method the document names)"),
    };
    let paths = document()["paths"].as_object().expect("paths");
    let component = |name: &str| format!("/components/responses/{name}");
    let Some(item) = paths.get(route) else {
        return match status {
            404 => Ok(component("NotFound")),
            431 => Ok(component("TooManyHeaderFields")),
            _ => Err(format!(
                "{status} to {method} on a route outside openapi.yaml ({route}): only 404 and 431 are documented there"
            )),
        };
    };
    if item.get(&method).is_none() {
        return match status {
            405 => Ok(component("MethodNotAllowed")),
            431 => Ok(component("TooManyHeaderFields")),
            _ => Err(format!(
                "{status} to {method} {route}: openapi.yaml documents no {method} there, so only 405 and 431"
            )),
        };
    }
    let pointer = format!("/paths/{}/{method}/responses/{status}", escape(route));
    if document().pointer(&pointer).is_none() {
        return Err(format!(
            "{status} to {method} {route} is not in openapi.yaml's responses for it"
        ));
    }
    Ok(pointer)
}

/// The validator for the schema at `pointer`, compiled once per test process with the whole
/// document as its root, so `$ref`s into `components` resolve.
fn validator(pointer: &str) -> Result<Arc<jsonschema::Validator>, String> {
    static CACHE: OnceLock<Mutex<HashMap<String, Arc<jsonschema::Validator>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().unwrap().get(pointer) {
        return Ok(v.clone());
    }
    let mut root = document().clone();
    root["$ref"] = Value::String(format!("#{pointer}"));
    let compiled = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .build(&root)
        .map_err(|e| format!("the schema at #{pointer} does not compile: {e}"))?;
    let compiled = Arc::new(compiled);
    cache
        .lock()
        .unwrap()
        .insert(pointer.to_owned(), compiled.clone());
    Ok(compiled)
}

fn validate(pointer: &str, instance: &Value, what: &str) -> Result<(), String> {
    let errors: Vec<String> = validator(pointer)?
        .iter_errors(instance)
        .map(|e| format!("{e} (at {})", e.instance_path()))
        .collect();
    match errors.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "{what} does not match openapi.yaml's #{pointer}: {}",
            errors.join("; ")
        )),
    }
}

/// Checks `instance` against the component schema `name` (`#/components/schemas/{name}`), such
/// as the `ImageStatus` the processor writes, which S3 serves and no API route answers.
pub fn check_schema(name: &str, instance: &Value) -> Result<(), String> {
    let pointer = format!("/components/schemas/{}", escape(name));
    resolve(pointer.clone())?;
    validate(&pointer, instance, name)
}

/// Checks one answer (lowercase header names) against the document; `Err` says what differs.
pub fn check(
    route: &str,
    method: &str,
    status: u16,
    headers: &BTreeMap<String, String>,
    body: Option<&str>,
) -> Result<(), String> {
    let (pointer, response) = resolve(response_pointer(route, method, status)?)?;
    let what = format!("the {status} to {method} {route}");
    let documented: BTreeMap<String, &str> = response
        .get("headers")
        .and_then(Value::as_object)
        .map(|h| {
            h.keys()
                .map(|name| (name.to_ascii_lowercase(), name.as_str()))
                .collect()
        })
        .unwrap_or_default();
    for (lower, name) in &documented {
        let (header_pointer, header) = resolve(format!("{pointer}/headers/{}", escape(name)))?;
        match headers.get(lower) {
            Some(value) => validate(
                &format!("{header_pointer}/schema"),
                &Value::String(value.clone()),
                &format!("{what}: header {name}"),
            )?,
            None if header["required"] == Value::Bool(true) => {
                return Err(format!("{what} lacks the required header {name}"))
            }
            None => {}
        }
    }
    for name in headers.keys() {
        if name != "content-type" && !documented.contains_key(name) {
            return Err(format!(
                "{what} carries the header {name}, which openapi.yaml does not document"
            ));
        }
    }
    match response.get("content") {
        Some(content) => {
            let media = headers.get("content-type").map(String::as_str);
            if media.is_none_or(|m| content.get(m).is_none()) {
                return Err(format!(
                    "{what} has Content-Type {media:?}, openapi.yaml documents {:?}",
                    content.as_object().map(|c| c.keys().collect::<Vec<_>>())
                ));
            }
            let media = media.unwrap_or_default();
            let body = body.ok_or_else(|| format!("{what} has no body"))?;
            let json: Value = serde_json::from_str(body)
                .map_err(|e| format!("{what} has a body that is not JSON: {e}"))?;
            validate(
                &format!("{pointer}/content/{}/schema", escape(media)),
                &json,
                &format!("{what}: the body"),
            )
        }
        None if body.is_some_and(|b| !b.is_empty()) || headers.contains_key("content-type") => {
            Err(format!("{what} has a body; openapi.yaml documents none"))
        }
        None => Ok(()),
    }
}

/// [`check`], panicking with what differs: a test that gets an undocumented answer fails.
pub fn assert_documented(
    route: &str,
    method: &str,
    status: u16,
    headers: &BTreeMap<String, String>,
    body: Option<&str>,
) {
    if let Err(why) = check(route, method, status, headers, body) {
        panic!("openapi.yaml: {why}");
    }
}

/// [`assert_documented`] for the handler's own [`Response`](presigner::api::Response) to
/// `method` on `route` (its body as the front door sends it).
pub fn assert_response(route: presigner::api::Route, method: &str, r: &presigner::api::Response) {
    let headers = r
        .headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect();
    assert_documented(
        route.as_str(),
        method,
        r.status,
        &headers,
        r.body.as_deref(),
    );
}

/// The method of `event` as the handler reads it (`-` for an event refused before it is read).
pub fn method_of(event: &presigner::lambda::Event) -> &str {
    match event {
        presigner::lambda::Event::Request {
            request,
            has_authorizer,
        } => presigner::lambda::api_request(request, *has_authorizer).method,
        presigner::lambda::Event::TooManyHeaderFields { .. } => "-",
    }
}
