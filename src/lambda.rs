//! API Gateway (REST v1, HTTP v2) and function URL events in, [`api`](crate::api) in the
//! middle, the matching response event out.
//!
//! `lambda_http::run` would do this, but it turns a body marked base64 that does not decode
//! into a panic before any handler runs; here it becomes a 400.

use base64::Engine;
use lambda_http::aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};
use lambda_http::request::LambdaRequest;
use lambda_http::{Body, Request};
use serde::Serialize;

use crate::api::{App, Reply, UndecodableBody};
use crate::sigv4::SigningTime;

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
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum EventResponse {
    /// REST API (payload format 1.0).
    V1(ApiGatewayProxyResponse),
    /// HTTP API or function URL (payload format 2.0).
    V2(ApiGatewayV2httpResponse),
}

/// Answers one event at time `now`. Returns the response event and the [`Reply`] whose
/// route and status the shell logs.
pub fn handle_event(
    app: &App,
    mut event: LambdaRequest,
    now: SigningTime,
) -> (EventResponse, Reply) {
    let v2 = matches!(event, LambdaRequest::ApiGatewayV2(_));
    let body_ok = match &mut event {
        LambdaRequest::ApiGatewayV1(e) => check_base64(e.is_base64_encoded, &mut e.body),
        LambdaRequest::ApiGatewayV2(e) => check_base64(e.is_base64_encoded, &mut e.body),
        #[allow(unreachable_patterns)]
        _ => true,
    };
    let mut request: Request = event.into();
    if !body_ok {
        request.extensions_mut().insert(UndecodableBody);
    }
    let reply = app.handle(&request, now);
    (to_event(&reply, v2), reply)
}

/// Whether a body marked base64 decodes; if not, it is dropped so the conversion to an HTTP
/// request cannot panic.
fn check_base64(is_base64: bool, body: &mut Option<String>) -> bool {
    if !is_base64 {
        return true;
    }
    let decodes = body
        .as_deref()
        .is_none_or(|b| base64::engine::general_purpose::STANDARD.decode(b).is_ok());
    if !decodes {
        *body = None;
    }
    decodes
}

fn to_event(reply: &Reply, v2: bool) -> EventResponse {
    let r = &reply.response;
    let body = match r.body() {
        Body::Empty => None,
        Body::Text(t) => Some(lambda_http::aws_lambda_events::encodings::Body::Text(
            t.clone(),
        )),
        Body::Binary(b) => Some(lambda_http::aws_lambda_events::encodings::Body::Binary(
            b.clone(),
        )),
        #[allow(unreachable_patterns)]
        _ => None,
    };
    let status = i64::from(r.status().as_u16());
    if v2 {
        let mut e = ApiGatewayV2httpResponse::default();
        e.status_code = status;
        e.headers = r.headers().clone();
        e.body = body;
        EventResponse::V2(e)
    } else {
        let mut e = ApiGatewayProxyResponse::default();
        e.status_code = status;
        e.headers = r.headers().clone();
        e.body = body;
        EventResponse::V1(e)
    }
}
