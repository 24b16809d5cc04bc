//! API Gateway (REST payload 1.0, HTTP API payload 2.0) and function URL events in,
//! [`api`](crate::api) in the middle, the matching response event out.
//!
//! The runtime deserialises each invocation as an [`Event`], which reads the raw JSON's shape
//! before lambda_http's event types see it: header maps too large for `http::HeaderMap` (it
//! panics past 24,576 names) are answered 431 instead, and whether an authorizer context is
//! present at all is known even where those types cannot tell `{}` from absent.
//!
//! Each front door's quirks live here and nowhere else: where the route is (the REST
//! `resource`, the HTTP API `routeKey`, the function URL's path), where the stage and base
//! path hide, where the authorizer puts the user. The conversion reads only what the API
//! uses (method, matched route, body, caller) and has no panicking path, unlike
//! `lambda_http`'s own conversion to an `http::Request`, which panics on values a front door
//! can deliver (a function URL `rawQueryString` holding a space, an `x-forwarded-proto` of
//! `1`, a body marked base64 that is not), and with `panic = "abort"` that kills the sandbox.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use base64::Engine;
use lambda_http::aws_lambda_events::apigw::{
    ApiGatewayProxyRequest, ApiGatewayProxyRequestContext, ApiGatewayProxyResponse,
    ApiGatewayV2httpRequest, ApiGatewayV2httpRequestContext, ApiGatewayV2httpResponse,
};
use lambda_http::aws_lambda_events::encodings::Body;
use lambda_http::http::{HeaderMap, HeaderName, HeaderValue};
use lambda_http::request::LambdaRequest;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::Value;

use crate::api::{body::MAX_BODY_BYTES, ApiError, ApiRequest, App, Caller, Reply, Response};
use presigner_sigv4::SigningTime;

/// The system clock as a signing time: the one place the shells read it.
///
/// A clock outside 1970..9999 cannot sign; epoch zero then gives URLs that S3 refuses as
/// expired, rather than a crash.
pub fn clock_now() -> SigningTime {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    SigningTime::from_unix_seconds(secs)
        .or_else(|_| SigningTime::from_unix_seconds(0))
        .unwrap_or_else(|_| unreachable!("epoch zero is in range"))
}

/// The response event, shaped for the source of the request.
///
/// `Debug` shows the status and header names only: the body holds a presigned URL.
#[derive(Serialize)]
#[serde(untagged)]
pub enum EventResponse {
    /// REST API (payload format 1.0).
    V1(ApiGatewayProxyResponse),
    /// HTTP API or function URL (payload format 2.0).
    V2(ApiGatewayV2httpResponse),
}

impl fmt::Debug for EventResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (kind, status, headers, body) = match self {
            EventResponse::V1(e) => ("V1", e.status_code, &e.headers, &e.body),
            EventResponse::V2(e) => ("V2", e.status_code, &e.headers, &e.body),
        };
        let body_len = match body {
            Some(Body::Text(t)) => t.len(),
            Some(Body::Binary(b)) => b.len(),
            _ => 0,
        };
        f.debug_struct("EventResponse")
            .field("kind", &kind)
            .field("status_code", &status)
            .field("headers", &headers.keys().collect::<Vec<_>>())
            .field("body", &format_args!("<{body_len} bytes, redacted>"))
            .finish()
    }
}

/// More header fields than any front door sends (API Gateway allows 10 KB of headers); far
/// below the 24,576 names at which `http::HeaderMap` panics.
pub const MAX_HEADER_FIELDS: usize = 10_000;

/// The one message of an invocation that is not an event this function answers: fixed, so
/// no part of the event (a header value, a token) is echoed into the runtime's error report.
const NOT_AN_EVENT: &str = "not an API Gateway (REST or HTTP API) or function URL event";

/// One invocation, as the runtime deserialises it.
// One per invocation, moved once, never stored in bulk: boxing the large variant would only
// add an allocation to every request.
#[allow(clippy::large_enum_variant)]
#[derive(Debug)]
pub enum Event {
    /// An API Gateway or function URL event.
    Request {
        /// The event, in lambda_http's types.
        request: LambdaRequest,
        /// Whether `requestContext.authorizer` is in the event and not `null` (payload 1.0
        /// reads `{}` and absent alike).
        has_authorizer: bool,
    },
    /// An event whose `headers` or `multiValueHeaders` hold more than
    /// [`MAX_HEADER_FIELDS`] fields: answered 431 without being read further.
    TooManyHeaderFields {
        /// Payload 2.0 (it has `requestContext.http`).
        v2: bool,
    },
}

impl<'de> Deserialize<'de> for Event {
    /// Reads the event's JSON text where it lies (the runtime deserialises from a slice): its
    /// shape first, then, by that shape, REST (payload 1.0) or HTTP API / function URL
    /// (payload 2.0) types directly, rather than lambda_http's untagged enum, which copies
    /// the text again and tries payload 1.0 on every payload 2.0 event first.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = <&'de RawValue>::deserialize(deserializer)?;
        let text = raw.get();
        let shape: Shape =
            serde_json::from_str(text).map_err(|_| de::Error::custom(NOT_AN_EVENT))?;
        let v2 = shape.request_context.http;
        if shape.headers > MAX_HEADER_FIELDS || shape.multi_value_headers > MAX_HEADER_FIELDS {
            return Ok(Event::TooManyHeaderFields { v2 });
        }
        let not_an_event = |_| de::Error::custom(NOT_AN_EVENT);
        let request = if v2 {
            LambdaRequest::ApiGatewayV2(serde_json::from_str(text).map_err(not_an_event)?)
        } else {
            LambdaRequest::ApiGatewayV1(serde_json::from_str(text).map_err(not_an_event)?)
        };
        Ok(Event::Request {
            request,
            has_authorizer: shape.request_context.authorizer,
        })
    }
}

/// What the raw event says before it is read into lambda_http's types.
#[derive(Deserialize)]
struct Shape {
    #[serde(default, deserialize_with = "count_fields")]
    headers: usize,
    #[serde(
        default,
        rename = "multiValueHeaders",
        deserialize_with = "count_fields"
    )]
    multi_value_headers: usize,
    #[serde(default, rename = "requestContext")]
    request_context: ShapeContext,
}

#[derive(Deserialize, Default)]
struct ShapeContext {
    #[serde(default, deserialize_with = "present")]
    authorizer: bool,
    #[serde(default, deserialize_with = "present")]
    http: bool,
}

/// Present and not `null`.
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<IgnoredAny>::deserialize(d)?.is_some())
}

/// The fields of a header map: one per name, one per value of a multi-value list; anything
/// else counts as none (lambda_http's types judge it).
fn count_fields<'de, D: Deserializer<'de>>(d: D) -> Result<usize, D::Error> {
    struct Fields;
    impl<'de> Visitor<'de> for Fields {
        type Value = usize;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a header map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
            let mut n = 0usize;
            while let Some((IgnoredAny, values)) = map.next_entry::<IgnoredAny, Values>()? {
                n = n.saturating_add(values.0.max(1));
            }
            Ok(n)
        }
        fn visit_unit<E>(self) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_none<E>(self) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<usize, D2::Error> {
            d.deserialize_any(self)
        }
        fn visit_str<E>(self, _: &str) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
            Ok(0)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(0)
        }
    }
    d.deserialize_option(Fields)
}

/// How many values a header map entry holds: the length of a list, else one.
struct Values(usize);

impl<'de> Deserialize<'de> for Values {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Count;
        impl<'de> Visitor<'de> for Count {
            type Value = usize;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a header value or a list of them")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
                let mut n = 0usize;
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    n = n.saturating_add(1);
                }
                Ok(n)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(1)
            }
            fn visit_str<E>(self, _: &str) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_bool<E>(self, _: bool) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_u64<E>(self, _: u64) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_i64<E>(self, _: i64) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_f64<E>(self, _: f64) -> Result<usize, E> {
                Ok(1)
            }
            fn visit_unit<E>(self) -> Result<usize, E> {
                Ok(1)
            }
        }
        d.deserialize_any(Count).map(Values)
    }
}

/// Answers one invocation at time `now`. Returns the response event and the [`Reply`] whose
/// route and status the shell logs.
pub fn handle_event(app: &App, event: &Event, now: SigningTime) -> (EventResponse, Reply) {
    match event {
        Event::Request {
            request,
            has_authorizer,
        } => {
            let reply = app.handle(&api_request(request, *has_authorizer), now);
            let v2 = !matches!(request, LambdaRequest::ApiGatewayV1(_));
            (to_event(&reply.response, v2), reply)
        }
        Event::TooManyHeaderFields { v2 } => {
            let reply = app.refuse(ApiError::TooManyHeaderFields);
            (to_event(&reply.response, *v2), reply)
        }
    }
}

/// What the API needs from an event: method, matched route, body, caller. `has_authorizer`
/// says whether the raw event carries an authorizer context at all ([`Event`] knows).
pub fn api_request(event: &LambdaRequest, has_authorizer: bool) -> ApiRequest<'_> {
    match event {
        LambdaRequest::ApiGatewayV1(e) => ApiRequest {
            method: e.http_method.as_str(),
            path: rest_route(e),
            body: decode_body(e.body.as_deref(), e.is_base64_encoded),
            caller: match rest_caller(&e.request_context) {
                Caller::Anonymous if has_authorizer => {
                    Caller::NoSubject("an authorizer this API does not know")
                }
                caller => caller,
            },
        },
        LambdaRequest::ApiGatewayV2(e) => ApiRequest {
            method: e.request_context.http.method.as_str(),
            path: http_route(e),
            body: decode_body(e.body.as_deref(), e.is_base64_encoded),
            caller: http_caller(&e.request_context),
        },
        // lambda_http is built with the REST and HTTP API sources only; anything else finds
        // no route.
        #[allow(unreachable_patterns)]
        _ => ApiRequest {
            method: "",
            path: Cow::Borrowed(""),
            body: Ok(Cow::Borrowed(&[])),
            caller: Caller::Anonymous,
        },
    }
}

/// The body as bytes: base64-decoded when marked so. A body too large for the API is refused
/// before it is decoded.
fn decode_body(text: Option<&str>, base64: bool) -> Result<Cow<'_, [u8]>, ApiError> {
    let text = text.unwrap_or_default();
    if !base64 {
        return Ok(Cow::Borrowed(text.as_bytes()));
    }
    if text.len() > MAX_BODY_BYTES.div_ceil(3) * 4 {
        return Err(ApiError::BodyTooLarge);
    }
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map(Cow::Owned)
        .map_err(|_| ApiError::BodyNotBase64)
}

/// The REST API's matched route: the `resource` it matched (with any `{param}` filled in from
/// `pathParameters`), so a stage or a custom domain's base path in `path` does not matter;
/// `path` only when there is no resource.
fn rest_route(e: &ApiGatewayProxyRequest) -> Cow<'_, str> {
    let path = || Cow::Borrowed(e.path.as_deref().unwrap_or_default());
    match e.resource.as_deref() {
        Some(resource) if !resource.is_empty() => {
            fill_template(resource, &e.path_parameters).unwrap_or_else(path)
        }
        _ => path(),
    }
}

/// The HTTP API's matched route: the path of its `routeKey` (`POST /api/upload_url`); for the
/// `$default` route and for function URLs, the raw path without a named stage.
fn http_route(e: &ApiGatewayV2httpRequest) -> Cow<'_, str> {
    let key = e
        .route_key
        .as_deref()
        .or(e.request_context.route_key.as_deref())
        .unwrap_or("$default");
    let raw = e.raw_path.as_deref().unwrap_or_default();
    if key != "$default" {
        let template = key.split_once(' ').map_or(key, |(_, path)| path);
        return fill_template(template, &e.path_parameters).unwrap_or(Cow::Borrowed(raw));
    }
    let stage = e.request_context.stage.as_deref().unwrap_or("$default");
    let without_stage = raw
        .strip_prefix('/')
        .and_then(|r| r.strip_prefix(stage))
        .filter(|r| r.starts_with('/') && stage != "$default");
    Cow::Borrowed(without_stage.unwrap_or(raw))
}

/// `/api/{name}` or `/{proxy+}` with each `{param}` replaced by its value; `None` if a
/// parameter has no value.
fn fill_template<'a>(template: &'a str, params: &HashMap<String, String>) -> Option<Cow<'a, str>> {
    if !template.contains('{') {
        return Some(Cow::Borrowed(template));
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}')?;
        let name = rest[open + 1..close].trim_end_matches('+');
        out.push_str(&rest[..open]);
        out.push_str(params.get(name)?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(Cow::Owned(out))
}

/// A subject from an authorizer's value: a non-empty string, or no subject from `which`.
fn subject(value: Option<&Value>, which: &'static str) -> Caller {
    match value.and_then(Value::as_str) {
        Some(s) if !s.is_empty() => Caller::Subject(s.to_owned()),
        _ => Caller::NoSubject(which),
    }
}

/// The caller of a payload 1.0 event (REST API, or an HTTP API with payload 1.0).
///
/// Any authorizer context decides: Cognito user pool or JWT claims give their `sub`; a Lambda
/// authorizer its `principalId` (REST) or a `sub` in its context (HTTP API); anything else,
/// IAM authorization included, gives no subject. With no authorizer context the caller is
/// anonymous.
fn rest_caller(ctx: &ApiGatewayProxyRequestContext) -> Caller {
    let fields = &ctx.authorizer.fields;
    if !fields.is_empty() {
        let jwt_claims = fields.get("jwt").and_then(|j| j.get("claims"));
        return if let Some(claims) = fields.get("claims").or(jwt_claims) {
            subject(
                claims.get("sub"),
                "a JWT or Cognito authorizer without a sub claim",
            )
        } else if let Some(principal) = fields.get("principalId") {
            subject(Some(principal), "a Lambda authorizer without a principalId")
        } else if let Some(context) = fields.get("lambda") {
            subject(
                context.get("sub"),
                "a Lambda authorizer without a sub in its context",
            )
        } else {
            Caller::NoSubject("an authorizer this API does not know")
        };
    }
    let id = &ctx.identity;
    let iam = [&id.user_arn, &id.access_key, &id.caller, &id.user]
        .into_iter()
        .any(|v| v.as_deref().is_some_and(|s| !s.is_empty()));
    if iam {
        Caller::NoSubject("IAM authorization")
    } else {
        Caller::Anonymous
    }
}

/// The caller of a payload 2.0 event (HTTP API, function URL): the JWT authorizer's `sub`
/// claim, or a Lambda authorizer's `sub` in its context; IAM authorization and any other
/// authorizer give no subject. With no authorizer the caller is anonymous.
fn http_caller(ctx: &ApiGatewayV2httpRequestContext) -> Caller {
    let Some(authorizer) = &ctx.authorizer else {
        return Caller::Anonymous;
    };
    if let Some(jwt) = &authorizer.jwt {
        match jwt.claims.get("sub") {
            Some(sub) if !sub.is_empty() => Caller::Subject(sub.clone()),
            _ => Caller::NoSubject("a JWT authorizer without a sub claim"),
        }
    } else if !authorizer.fields.is_empty() {
        subject(
            authorizer.fields.get("sub"),
            "a Lambda authorizer without a sub in its context",
        )
    } else if authorizer.iam.is_some() {
        Caller::NoSubject("IAM authorization")
    } else {
        Caller::NoSubject("an authorizer this API does not know")
    }
}

fn to_event(response: &Response, v2: bool) -> EventResponse {
    let mut headers = HeaderMap::with_capacity(response.headers.len());
    for (name, value) in &response.headers {
        // Names are the API's lowercase constants and values are checked at start-up or
        // built from digits; an invalid one is dropped rather than trusted.
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.insert(name, value);
        }
    }
    let body = response.body.clone().map(Body::Text);
    let status = i64::from(response.status);
    if v2 {
        let mut e = ApiGatewayV2httpResponse::default();
        e.status_code = status;
        e.headers = headers;
        e.body = body;
        EventResponse::V2(e)
    } else {
        let mut e = ApiGatewayProxyResponse::default();
        e.status_code = status;
        e.headers = headers;
        e.body = body;
        EventResponse::V1(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_from_path_parameters() {
        let params: HashMap<String, String> = [
            ("proxy".to_owned(), "api/upload_url".to_owned()),
            ("name".to_owned(), "download_url".to_owned()),
        ]
        .into();
        assert_eq!(
            fill_template("/{proxy+}", &params).as_deref(),
            Some("/api/upload_url")
        );
        assert_eq!(
            fill_template("/api/{name}", &params).as_deref(),
            Some("/api/download_url")
        );
        assert_eq!(fill_template("/api/x", &params).as_deref(), Some("/api/x"));
        assert_eq!(fill_template("/api/{missing}", &params), None);
        assert_eq!(fill_template("/api/{unclosed", &params), None);
        assert_eq!(fill_template("}{", &params), None);
    }

    #[test]
    fn base64_bodies_decode_or_are_refused_before_decoding_when_huge() {
        assert_eq!(decode_body(Some("e30="), true).unwrap().as_ref(), b"{}");
        assert_eq!(decode_body(None, true).unwrap().as_ref(), b"");
        assert_eq!(decode_body(Some("{}"), false).unwrap().as_ref(), b"{}");
        assert_eq!(
            decode_body(Some("not base64!"), true),
            Err(ApiError::BodyNotBase64)
        );
        let huge = "A".repeat(MAX_BODY_BYTES.div_ceil(3) * 4 + 4);
        assert_eq!(decode_body(Some(&huge), true), Err(ApiError::BodyTooLarge));
    }
}
