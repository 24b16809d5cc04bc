//! The API's [`Response`] as the response event of the front door that asked.

use std::fmt;

use lambda_http::aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};
use lambda_http::aws_lambda_events::encodings::Body;
use lambda_http::http::{HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;

use crate::api::Response;

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

impl EventResponse {
    /// The body, as the front door will send it.
    pub fn body(&self) -> Option<&str> {
        let body = match self {
            EventResponse::V1(e) => &e.body,
            EventResponse::V2(e) => &e.body,
        };
        match body {
            Some(Body::Text(t)) => Some(t),
            _ => None,
        }
    }
}

/// The response event for `response`, whose body moves into it (a batch answer runs to
/// hundreds of KB, not worth a copy).
pub(super) fn to_event(response: &mut Response, v2: bool) -> EventResponse {
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
    let body = response.body.take().map(Body::Text);
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
