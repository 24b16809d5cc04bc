//! What the API answers: the [`Response`] with the CORS headers every answer carries, the
//! [`Reply`] the shell logs, and the JSON bodies of a 200.

use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use sha2::Digest;

use super::{ApiError, App, Caller, Route, ALLOWED_METHODS};
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
    /// Who asked, as the log names them.
    pub caller: CallerRef,
    /// For a 500: what went wrong (no secrets; errors never carry them).
    pub internal_error: Option<String>,
}

/// The caller as the log line names them: enough to trace abuse to an account, nothing a
/// reader of the logs alone can turn into a user's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallerRef {
    /// No authorizer: `"anonymous"`.
    Anonymous,
    /// An authorizer without a usable subject: `"no-subject"`.
    NoSubject,
    /// A subject: `"sha256:"` and the first 16 hex digits of the SHA-256 of its `sub`. An
    /// operator finds the account from the user pool (hash each `sub`), and goes from a
    /// suspected account to its log lines with `printf %s "$sub" | sha256sum | cut -c1-16`.
    Subject(String),
}

impl CallerRef {
    /// The reference for `caller`.
    pub fn of(caller: &Caller) -> Self {
        match caller {
            Caller::Anonymous => CallerRef::Anonymous,
            Caller::NoSubject(_) => CallerRef::NoSubject,
            Caller::Subject(sub) => {
                let digest = sha2::Sha256::digest(sub.as_bytes());
                CallerRef::Subject(format!("sha256:{}", hex::encode(&digest[..8])))
            }
        }
    }

    fn as_str(&self) -> &str {
        match self {
            CallerRef::Anonymous => "anonymous",
            CallerRef::NoSubject => "no-subject",
            CallerRef::Subject(reference) => reference,
        }
    }
}

impl Reply {
    /// The one log line per request: the Lambda request id, route, status, duration, the
    /// caller's reference ([`CallerRef`]), and for a 500 what went wrong. Never the URL, a
    /// signature, the body, a token, a key or the caller's `sub` itself.
    pub fn log_line(&self, request_id: &str, elapsed: std::time::Duration) -> String {
        #[derive(Serialize)]
        struct Line<'a> {
            request_id: &'a str,
            route: &'a str,
            status: u16,
            duration_us: u64,
            caller: &'a str,
            #[serde(skip_serializing_if = "Option::is_none")]
            error: Option<&'a str>,
        }
        to_json(&Line {
            request_id,
            route: self.route.as_str(),
            status: self.response.status,
            duration_us: elapsed.as_micros() as u64,
            caller: self.caller.as_str(),
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

/// `{"presignedUrl": ..., "headers"?: {...}, "expiresAt"?: ..., "statusUrl"?: ...}`.
#[derive(Serialize)]
pub(super) struct UrlAnswer<'a> {
    #[serde(rename = "presignedUrl")]
    pub(super) presigned_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) headers: Option<RequiredHeaders<'a>>,
    #[serde(rename = "expiresAt", skip_serializing_if = "Option::is_none")]
    pub(super) expires_at: Option<&'a str>,
    /// Under the pipeline: the status object's URL.
    #[serde(rename = "statusUrl", skip_serializing_if = "Option::is_none")]
    pub(super) status_url: Option<&'a str>,
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
    /// `*`: the URL writes only where no object is (S3 conditional write).
    #[serde(rename = "If-None-Match")]
    pub(super) if_none_match: &'a str,
}

/// `{"url": ..., "fields": {...}, "expiresAt": ..., "statusUrl"?: ...}`; the fields in the
/// order a form sends them.
#[derive(Serialize)]
pub(super) struct FormAnswer<'a> {
    pub(super) url: &'a str,
    pub(super) fields: Fields<'a>,
    #[serde(rename = "expiresAt")]
    pub(super) expires_at: &'a str,
    /// Under the pipeline: the status object's URL.
    #[serde(rename = "statusUrl", skip_serializing_if = "Option::is_none")]
    pub(super) status_url: Option<&'a str>,
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
