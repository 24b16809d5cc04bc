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

mod event;
mod request;
mod response;

pub use event::{Event, MAX_HEADER_FIELDS};
pub use request::api_request;
pub use response::EventResponse;

use lambda_http::request::LambdaRequest;

use crate::api::{ApiError, App, Reply};
use presigner_sigv4::SigningTime;
use response::to_event;

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

/// Answers one invocation at time `now`. Returns the response event and the [`Reply`] whose
/// route and status the shell logs; the body has moved from the reply into the event
/// ([`EventResponse::body`]).
pub fn handle_event(app: &App, event: &Event, now: SigningTime) -> (EventResponse, Reply) {
    match event {
        Event::Request {
            request,
            has_authorizer,
        } => {
            let mut reply = app.handle(&api_request(request, *has_authorizer), now);
            let v2 = !matches!(request, LambdaRequest::ApiGatewayV1(_));
            (to_event(&mut reply.response, v2), reply)
        }
        Event::TooManyHeaderFields { v2 } => {
            let mut reply = app.refuse(ApiError::TooManyHeaderFields);
            (to_event(&mut reply.response, *v2), reply)
        }
    }
}
