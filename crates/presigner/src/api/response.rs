//! What the API answers: the [`Response`] with the CORS headers every answer carries, the
//! [`Reply`] the shell logs, and the JSON bodies of a 200.

use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::{ApiError, App, Route, ALLOWED_METHODS};
use presigner_s3::post::PresignedPost;

/// What a browser may send cross-origin: the JSON body's type, and the token an authorizer
/// checks.
pub const ALLOWED_HEADERS: &str = "Content-Type, Authorization";

/// An HTTP answer: status, headers (lowercase names) and an optional JSON body.
///
/// `Debug` shows the status and headers but only the body's length: a 200's body holds a
/// presigned URL, a bearer credential until it expires.
#[derive(Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, lowercase names.
    pub headers: Vec<(&'static str, String)>,
    /// The body (JSON), if any.
    pub body: Option<String>,
}

impl Response {
    /// The value of header `name` (lowercase), if set.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl fmt::Debug for Response {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field(
                "body",
                &format_args!(
                    "<{} bytes, redacted>",
                    self.body.as_ref().map_or(0, String::len)
                ),
            )
            .finish()
    }
}

/// An answer, with what the shell logs about it.
#[derive(Debug)]
pub struct Reply {
    /// The HTTP response.
    pub response: Response,
    /// The route matched.
    pub route: Route,
    /// For a 500: what went wrong (no secrets; errors never carry them).
    pub internal_error: Option<String>,
}

impl Reply {
    /// The one log line per request: route, status, duration, and for a 500 what went wrong.
    /// Never the URL, a signature, the body, the caller or a secret.
    pub fn log_line(&self, elapsed: std::time::Duration) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            route: &'a str,
            status: u16,
            duration_us: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<&'a str>,
        }
        to_json(&Line {
            route: self.route.as_str(),
            status: self.response.status,
            duration_us: elapsed.as_micros() as u64,
            error: self.internal_error.as_deref(),
        })
    }
}

impl App {
    /// An answer with the headers every answer carries.
    pub(super) fn respond(&self, status: u16, json_body: Option<String>) -> Response {
        let mut headers = vec![
            (
                "access-control-allow-origin",
                self.cors_allow_origin.as_str().to_owned(),
            ),
            ("access-control-allow-methods", ALLOWED_METHODS.to_owned()),
            ("access-control-allow-headers", ALLOWED_HEADERS.to_owned()),
            ("cache-control", "no-store".to_owned()),
        ];
        if json_body.is_some() {
            headers.push(("content-type", "application/json".to_owned()));
        }
        Response {
            status,
            headers,
            body: json_body,
        }
    }

    pub(super) fn error_response(&self, error: &ApiError) -> Response {
        #[derive(Serialize)]
        struct Message {
            message: String,
        }
        let body = to_json(&Message {
            message: error.to_string(),
        });
        let mut response = self.respond(error.status(), Some(body));
        match error {
            ApiError::MethodNotAllowed => response.headers.push(("allow", ALLOWED_METHODS.into())),
            ApiError::Unauthenticated => {
                response.headers.push(("www-authenticate", "Bearer".into()))
            }
            _ => {}
        }
        response
    }
}

/// `{"presignedUrl": ..., "headers"?: {...}, "expiresAt"?: ...}`.
#[derive(Serialize)]
pub(super) struct UrlAnswer<'a> {
    #[serde(rename = "presignedUrl")]
    pub(super) presigned_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) headers: Option<RequiredHeaders<'a>>,
    #[serde(rename = "expiresAt", skip_serializing_if = "Option::is_none")]
    pub(super) expires_at: Option<&'a str>,
}

/// The headers an upload must send exactly as signed.
#[derive(Serialize)]
pub(super) struct RequiredHeaders<'a> {
    #[serde(rename = "Content-Type", skip_serializing_if = "Option::is_none")]
    pub(super) content_type: Option<&'a str>,
    #[serde(rename = "Content-Length", skip_serializing_if = "Option::is_none")]
    pub(super) content_length: Option<&'a str>,
    #[serde(
        rename = "x-amz-checksum-sha256",
        skip_serializing_if = "Option::is_none"
    )]
    pub(super) content_sha256: Option<&'a str>,
}

/// `{"url": ..., "fields": {...}, "expiresAt": ...}`; the fields in the order a form sends them.
#[derive(Serialize)]
pub(super) struct FormAnswer<'a> {
    pub(super) url: &'a str,
    pub(super) fields: Fields<'a>,
    #[serde(rename = "expiresAt")]
    pub(super) expires_at: &'a str,
}

pub(super) struct Fields<'a>(pub(super) &'a PresignedPost<'a>);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.0.fields() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

/// JSON text of a value built only of strings and numbers, which always serialises.
pub(super) fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
