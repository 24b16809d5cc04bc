//! The HTTP API the front end calls, as a pure function of (app, time, request) → response.
//!
//! - `POST /api/upload_url` → `200 {"presignedUrl": "<PUT URL>"}`
//! - `POST /api/download_url` → `200 {"presignedUrl": "<GET URL>"}`
//! - `OPTIONS` on either → `204` (CORS preflight)
//!
//! Every answer carries the CORS headers and `Cache-Control: no-store`; errors are
//! `{"message": "..."}` with a 4xx status for the caller's mistakes. See README.md, "API".

pub mod body;

use std::fmt;

use lambda_http::http::{header, HeaderValue, Method, Response, StatusCode};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde_json::json;

use crate::config::Config;
use crate::s3::{self, Bucket, Expiry, ObjectKey, ObjectRequest, Presigner};
use crate::sigv4::SigningTime;
use body::{Id, UploadConstraints};

/// The upload route, as the front end calls it.
pub const UPLOAD_PATH: &str = "/api/upload_url";
/// The download route.
pub const DOWNLOAD_PATH: &str = "/api/download_url";
/// What the routes allow.
pub const ALLOWED_METHODS: &str = "OPTIONS, POST";

/// Set by the Lambda shell when the event's body is marked base64 but does not decode.
#[derive(Debug, Clone, Copy)]
pub struct UndecodableBody;

/// Why a request was refused; each maps to one status and a message the caller can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: over 16 KiB.
    BodyTooLarge,
    /// 400: marked base64 but not base64.
    BodyNotBase64,
    /// 400: not JSON (the parser's message).
    MalformedJson(String),
    /// 400: JSON, but not an object.
    NotAnObject,
    /// 400: a required field is absent.
    MissingField(&'static str),
    /// 400: a field is an empty string.
    EmptyField(&'static str),
    /// 400: a field has the wrong JSON type (field, expected type).
    WrongType(&'static str, &'static str),
    /// 400: a field is over 128 bytes.
    FieldTooLong(&'static str),
    /// 400: an id that cannot be a key segment (field, why).
    InvalidId(&'static str, &'static str),
    /// 400: `contentType` outside the image types.
    UnsupportedContentType,
    /// 400: `contentLength` outside 1..=max (the max).
    ContentLengthOutOfRange(u64),
    /// 400: `contentType`/`contentLength` sent to the download route.
    ConstraintsOnDownload,
    /// 403: the body's `userId` is not the signed-in user.
    IdentityMismatch,
    /// 403: the authorizer's identity cannot be used as a key segment.
    UnusableIdentity,
    /// 404.
    NotFound,
    /// 405.
    MethodNotAllowed,
    /// 500: ours; the detail is logged, not sent.
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::IdentityMismatch | ApiError::UnusableIdentity => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::BAD_REQUEST,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::BodyTooLarge => write!(f, "the body is larger than {} bytes", body::MAX_BODY_BYTES),
            ApiError::BodyNotBase64 => f.write_str("the body is marked base64 but does not decode"),
            ApiError::MalformedJson(e) => write!(f, "the body is not valid JSON: {e}"),
            ApiError::NotAnObject => f.write_str(
                "the body must be a JSON object such as {\"userId\": \"...\", \"tweetId\": \"...\"}",
            ),
            ApiError::MissingField(n) => write!(f, "{n} is required"),
            ApiError::EmptyField(n) => write!(f, "{n} must not be empty"),
            ApiError::WrongType(n, t) => write!(f, "{n} must be {t}"),
            ApiError::FieldTooLong(n) => write!(f, "{n} must be at most {} bytes", body::MAX_ID_BYTES),
            ApiError::InvalidId(n, why) => write!(f, "{n} {why}"),
            ApiError::UnsupportedContentType => {
                f.write_str("contentType must be one of image/png, image/jpeg, image/gif, image/webp")
            }
            ApiError::ContentLengthOutOfRange(max) => {
                write!(f, "contentLength must be a whole number of bytes from 1 to {max}")
            }
            ApiError::ConstraintsOnDownload => {
                f.write_str("contentType and contentLength apply to upload_url only")
            }
            ApiError::IdentityMismatch => f.write_str("userId does not match the signed-in user"),
            ApiError::UnusableIdentity => {
                f.write_str("the signed-in user's id cannot be used in an object key")
            }
            ApiError::NotFound => write!(f, "no such route: use POST {UPLOAD_PATH} or POST {DOWNLOAD_PATH}"),
            ApiError::MethodNotAllowed => write!(f, "method not allowed: use {ALLOWED_METHODS}"),
            ApiError::Internal(_) => f.write_str("internal error"),
        }
    }
}

/// Which route a request matched, for the log line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// `/api/upload_url`
    Upload,
    /// `/api/download_url`
    Download,
    /// Anything else.
    Unknown,
}

impl Route {
    /// The path, or `-`.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Upload => UPLOAD_PATH,
            Route::Download => DOWNLOAD_PATH,
            Route::Unknown => "-",
        }
    }
}

/// An answer, with what the shell logs about it.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP response.
    pub response: Response<Body>,
    /// The route matched.
    pub route: Route,
    /// For a 500: what went wrong (no secrets; errors never carry them).
    pub internal_error: Option<String>,
}

impl Reply {
    /// The one log line per request: route, status, duration, and for a 500 what went wrong.
    /// Never the URL, a signature, the body or a secret.
    pub fn log_line(&self, elapsed: std::time::Duration) -> String {
        let mut line = json!({
            "route": self.route.as_str(),
            "status": self.response.status().as_u16(),
            "duration_us": elapsed.as_micros() as u64,
        });
        if let Some(detail) = &self.internal_error {
            line["error"] = detail.as_str().into();
        }
        line.to_string()
    }
}

/// The service: configuration checked, presigner built, once.
#[derive(Debug)]
pub struct App {
    presigner: Presigner,
    bucket: Bucket,
    expiry: Expiry,
    max_upload_bytes: u64,
}

impl App {
    /// Builds the presigner from checked configuration.
    pub fn new(config: Config) -> Result<Self, s3::Error> {
        Ok(App {
            presigner: Presigner::new(
                config.credentials,
                &config.region,
                config.endpoint,
                config.force_path_style,
            )?,
            bucket: config.bucket,
            expiry: config.expiry,
            max_upload_bytes: config.max_upload_bytes,
        })
    }

    /// Answers one request at time `now`.
    pub fn handle(&self, request: &Request, now: SigningTime) -> Reply {
        let route = match route_path(request) {
            UPLOAD_PATH => Route::Upload,
            DOWNLOAD_PATH => Route::Download,
            _ => Route::Unknown,
        };
        let result = match (route, request.method()) {
            (Route::Unknown, _) => Err(ApiError::NotFound),
            (_, &Method::OPTIONS) => Ok(preflight()),
            (_, &Method::POST) => self.presign(route, request, now),
            _ => Err(ApiError::MethodNotAllowed),
        };
        match result {
            Ok(response) => Reply {
                response,
                route,
                internal_error: None,
            },
            Err(error) => Reply {
                response: error_response(&error),
                route,
                internal_error: match error {
                    ApiError::Internal(detail) => Some(detail),
                    _ => None,
                },
            },
        }
    }

    fn presign(
        &self,
        route: Route,
        request: &Request,
        now: SigningTime,
    ) -> Result<Response<Body>, ApiError> {
        if request.extensions().get::<UndecodableBody>().is_some() {
            return Err(ApiError::BodyNotBase64);
        }
        let parsed = body::parse(request.body().as_ref(), self.max_upload_bytes)?;
        let user_id = match identity(request) {
            Some(who) => {
                let who = Id::new("userId", &who).map_err(|_| ApiError::UnusableIdentity)?;
                if parsed.user_id.as_ref().is_some_and(|given| given != &who) {
                    return Err(ApiError::IdentityMismatch);
                }
                who
            }
            None => parsed.user_id.ok_or(ApiError::MissingField("userId"))?,
        };
        let (method, constraints) = match route {
            Route::Upload => (s3::Method::Put, parsed.constraints),
            _ if !parsed.constraints.is_empty() => return Err(ApiError::ConstraintsOnDownload),
            _ => (s3::Method::Get, UploadConstraints::default()),
        };
        let key = ObjectKey::new(format!(
            "images/{}/{}.png",
            user_id.as_str(),
            parsed.tweet_id.as_str()
        ))
        .map_err(|e| ApiError::Internal(e.to_string()))?;

        let length_text = constraints.content_length.map(|n| n.to_string());
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(2);
        if let Some(t) = constraints.content_type {
            headers.push(("content-type", t.as_str()));
        }
        if let Some(n) = &length_text {
            headers.push(("content-length", n));
        }
        let object = ObjectRequest {
            headers: &headers,
            ..ObjectRequest::new(method, &self.bucket, &key, self.expiry)
        };
        let url = self
            .presigner
            .presign(&object, now)
            .map_err(|e| ApiError::Internal(format!("signing failed: {e}")))?;

        let body = if constraints.is_empty() {
            json!({ "presignedUrl": url })
        } else {
            let mut required = serde_json::Map::new();
            if let Some(t) = constraints.content_type {
                required.insert("Content-Type".into(), t.as_str().into());
            }
            if let Some(n) = length_text {
                required.insert("Content-Length".into(), n.into());
            }
            let expires_at =
                SigningTime::from_unix_seconds(now.unix_seconds() + i64::from(self.expiry.secs()))
                    .map_err(|e| ApiError::Internal(e.to_string()))?;
            json!({ "presignedUrl": url, "headers": required, "expiresAt": expires_at.rfc3339() })
        };
        Ok(json_response(StatusCode::OK, &body))
    }
}

/// The request's path without the API Gateway stage: lambda_http puts the stage in front of
/// REST and HTTP API paths (`/v1/api/upload_url`); the raw event path has it only for HTTP
/// APIs with a named stage.
fn route_path(request: &Request) -> &str {
    let raw = request.raw_http_path();
    let raw = if raw.is_empty() {
        request.uri().path()
    } else {
        raw
    };
    let stage = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.stage.as_deref(),
        _ => None,
    };
    match stage {
        Some(stage) if stage != "$default" => raw
            .strip_prefix('/')
            .and_then(|r| r.strip_prefix(stage))
            .filter(|r| r.starts_with('/'))
            .unwrap_or(raw),
        _ => raw,
    }
}

/// The signed-in user from an API Gateway authorizer: Cognito user pool claims (REST API) or
/// JWT claims (HTTP API); `email` where present, else `sub`.
fn identity(request: &Request) -> Option<String> {
    let pick = |email: Option<&str>, sub: Option<&str>| {
        email.or(sub).filter(|s| !s.is_empty()).map(str::to_owned)
    };
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV1(ctx) => {
            let claims = ctx.authorizer.fields.get("claims")?;
            let claim = |name: &str| claims.get(name).and_then(serde_json::Value::as_str);
            pick(claim("email"), claim("sub"))
        }
        RequestContext::ApiGatewayV2(ctx) => {
            let jwt = ctx.authorizer.as_ref().and_then(|a| a.jwt.as_ref())?;
            let claim = |name: &str| jwt.claims.get(name).map(String::as_str);
            pick(claim("email"), claim("sub"))
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

fn base_response(status: StatusCode) -> lambda_http::http::response::Builder {
    Response::builder()
        .status(status)
        .header(header::ACCESS_CONTROL_ALLOW_ORIGIN, "*")
        .header(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS)
        .header(header::ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type")
        .header(header::CACHE_CONTROL, "no-store")
}

fn finish(builder: lambda_http::http::response::Builder, body: Body) -> Response<Body> {
    // Every header above is a valid static value, so building cannot fail; fall back to a bare
    // 500 rather than panic all the same.
    builder.body(body).unwrap_or_else(|_| {
        let mut r = Response::new(Body::Empty);
        *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

fn json_response(status: StatusCode, body: &serde_json::Value) -> Response<Body> {
    finish(
        base_response(status).header(header::CONTENT_TYPE, "application/json"),
        Body::Text(body.to_string()),
    )
}

fn preflight() -> Response<Body> {
    finish(base_response(StatusCode::NO_CONTENT), Body::Empty)
}

fn error_response(error: &ApiError) -> Response<Body> {
    let mut response = json_response(error.status(), &json!({ "message": error.to_string() }));
    if *error == ApiError::MethodNotAllowed {
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static(ALLOWED_METHODS));
    }
    response
}
