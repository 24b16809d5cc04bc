//! The HTTP API the front end calls, as a pure function of (app, time, request) → response.
//!
//! - `POST /api/upload_url` → `200 {"presignedUrl": "<PUT URL>", "headers": {...}, "expiresAt": ...}`
//! - `POST /api/upload_form` → `200 {"url": "<bucket URL>", "fields": {...}, "expiresAt": ...}`
//!   (a browser-form upload with a signed POST policy)
//! - `POST /api/download_url` → `200 {"presignedUrl": "<GET URL>"}`
//! - `OPTIONS` on any → `204` (CORS preflight)
//!
//! The API knows nothing of event shapes: the Lambda shell ([`lambda`](crate::lambda)) and the
//! local server turn what arrives into an [`ApiRequest`] (method, matched path, body, caller),
//! and the answer is a plain [`Response`]. Every answer carries the CORS headers and
//! `Cache-Control: no-store`; errors are `{"message": "..."}` with a 4xx status for the
//! caller's mistakes. See README.md, "API".

pub mod body;

use std::borrow::Cow;
use std::fmt;

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::config::{AnonymousCallers, Config, CorsOrigin, UploadUrls};
use body::{Id, ImageType, UploadConstraints, UrlRequest};
use presigner_s3::post::{PostRequest, PresignedPost};
use presigner_s3::{self as s3, Bucket, Expiry, ObjectKey, ObjectRequest, Presigner};
use presigner_sigv4::SigningTime;

/// The upload route, as the front end calls it.
pub const UPLOAD_PATH: &str = "/api/upload_url";
/// The browser-form upload route.
pub const UPLOAD_FORM_PATH: &str = "/api/upload_form";
/// The download route.
pub const DOWNLOAD_PATH: &str = "/api/download_url";
/// What the routes allow.
pub const ALLOWED_METHODS: &str = "OPTIONS, POST";
/// What a browser may send cross-origin: the JSON body's type, and the token an authorizer
/// checks.
pub const ALLOWED_HEADERS: &str = "Content-Type, Authorization";
/// The type every download URL makes S3 answer with (`response-content-type`), whatever was
/// stored: a stored HTML or SVG file is then never rendered as a page from the bucket's
/// origin. Browsers decode images by their bytes, so a JPEG still shows.
pub const DOWNLOAD_CONTENT_TYPE: &str = "image/png";

/// Who is asking, as the front door established it. Never taken from the body or a header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// No authorizer ran: the request carries no authorizer context at all.
    Anonymous,
    /// An authorizer vouched for this subject: the `sub` claim of a JWT or Cognito user pool
    /// authorizer, or a Lambda authorizer's principal.
    Subject(String),
    /// An authorizer ran but gave no subject to key on (IAM authorization, a Lambda
    /// authorizer without a principal, claims without `sub`); the text names it.
    NoSubject(&'static str),
}

/// One request, as the API sees it: what the front door matched, not how the API is
/// mounted (no stage, no base path).
#[derive(Debug, Clone)]
pub struct ApiRequest<'a> {
    /// The HTTP method, uppercase as sent (`POST`, `OPTIONS`, ...).
    pub method: &'a str,
    /// The route path the front door matched, such as `/api/upload_url`.
    pub path: Cow<'a, str>,
    /// The body, decoded; or why it could not be.
    pub body: Result<Cow<'a, [u8]>, ApiError>,
    /// Who is asking.
    pub caller: Caller,
}

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
    /// 400: `contentType` or `contentLength` missing from an upload while
    /// `REQUIRE_UPLOAD_CONSTRAINTS` is on.
    ConstraintRequired(&'static str),
    /// 400: `contentSha256` is not 32 bytes of base64.
    InvalidChecksum,
    /// 400: `contentType`/`contentLength`/`contentSha256` sent to the download route.
    ConstraintsOnDownload,
    /// 400: `contentLength`/`contentSha256` sent to the form route (the form takes a range).
    NotForForms,
    /// 401: no authorizer identity, and the body's `userId` is not trusted.
    Unauthenticated,
    /// 403: the body's `userId` is not the signed-in user.
    IdentityMismatch,
    /// 403: an authorizer ran but gave no subject (which one).
    NoSubject(&'static str),
    /// 403: the authorizer's subject cannot be used as a key segment.
    UnusableIdentity,
    /// 431: an event with more header fields than any front door sends.
    TooManyHeaderFields,
    /// 404.
    NotFound,
    /// 405.
    MethodNotAllowed,
    /// 500: ours; the detail is logged, not sent.
    Internal(String),
}

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Unauthenticated => 401,
            ApiError::IdentityMismatch | ApiError::NoSubject(_) | ApiError::UnusableIdentity => 403,
            ApiError::NotFound => 404,
            ApiError::TooManyHeaderFields => 431,
            ApiError::MethodNotAllowed => 405,
            ApiError::Internal(_) => 500,
            _ => 400,
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
                "the body must be a JSON object such as {\"tweetId\": \"...\", \"contentType\": \"image/png\", \"contentLength\": 1234}",
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
            ApiError::ConstraintRequired(n) => write!(
                f,
                "{n} is required for upload_url: the URL is signed for one image of a given type and size"
            ),
            ApiError::InvalidChecksum => f.write_str(
                "contentSha256 must be the file's SHA-256 in base64: 32 bytes, 44 characters such as 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
            ),
            ApiError::ConstraintsOnDownload => {
                f.write_str("contentType, contentLength and contentSha256 apply to uploads only")
            }
            ApiError::NotForForms => f.write_str(
                "contentLength and contentSha256 apply to upload_url; upload_form takes any size up to the limit",
            ),
            ApiError::Unauthenticated => f.write_str(
                "sign in first: this API takes the user from its authorizer, and this request has none",
            ),
            ApiError::IdentityMismatch => f.write_str("userId does not match the signed-in user"),
            ApiError::NoSubject(which) => write!(
                f,
                "the request was authorized by {which}, which gives no user subject to key images on"
            ),
            ApiError::UnusableIdentity => {
                f.write_str("the signed-in user's id cannot be used in an object key")
            }
            ApiError::TooManyHeaderFields => write!(
                f,
                "the request has more than {} header fields",
                crate::lambda::MAX_HEADER_FIELDS
            ),
            ApiError::NotFound => write!(
                f,
                "no such route: use POST {UPLOAD_PATH}, {UPLOAD_FORM_PATH} or {DOWNLOAD_PATH}"
            ),
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
    /// `/api/upload_form`
    UploadForm,
    /// `/api/download_url`
    Download,
    /// Anything else.
    Unknown,
}

impl Route {
    /// The route a matched path names.
    pub fn from_path(path: &str) -> Route {
        match path {
            UPLOAD_PATH => Route::Upload,
            UPLOAD_FORM_PATH => Route::UploadForm,
            DOWNLOAD_PATH => Route::Download,
            _ => Route::Unknown,
        }
    }

    /// The path, or `-`.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Upload => UPLOAD_PATH,
            Route::UploadForm => UPLOAD_FORM_PATH,
            Route::Download => DOWNLOAD_PATH,
            Route::Unknown => "-",
        }
    }
}

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

/// The service: configuration checked, presigner built, once.
#[derive(Debug)]
pub struct App {
    presigner: Presigner,
    bucket: Bucket,
    expiry: Expiry,
    max_upload_bytes: u64,
    upload_urls: UploadUrls,
    anonymous_callers: AnonymousCallers,
    cors_allow_origin: CorsOrigin,
}

impl App {
    /// Builds the presigner from checked configuration.
    pub fn new(config: Config) -> Result<Self, s3::Error> {
        Ok(App {
            presigner: Presigner::new(
                config.credentials,
                &config.region,
                config.endpoint,
                config.addressing_style,
            )?,
            bucket: config.bucket,
            expiry: config.expiry,
            max_upload_bytes: config.max_upload_bytes,
            upload_urls: config.upload_urls,
            anonymous_callers: config.anonymous_callers,
            cors_allow_origin: config.cors_allow_origin,
        })
    }

    /// Answers one request at time `now`.
    pub fn handle(&self, request: &ApiRequest, now: SigningTime) -> Reply {
        let route = Route::from_path(&request.path);
        let result = match (route, request.method) {
            (Route::Unknown, _) => Err(ApiError::NotFound),
            (_, "OPTIONS") => Ok(self.respond(204, None)),
            (_, "POST") => self.presign(route, request, now),
            _ => Err(ApiError::MethodNotAllowed),
        };
        match result {
            Ok(response) => Reply {
                response,
                route,
                internal_error: None,
            },
            Err(error) => self.error_reply(route, error),
        }
    }

    /// An answer refusing a request before it could be read as one (an oversized event).
    pub fn refuse(&self, error: ApiError) -> Reply {
        self.error_reply(Route::Unknown, error)
    }

    fn error_reply(&self, route: Route, error: ApiError) -> Reply {
        Reply {
            response: self.error_response(&error),
            route,
            internal_error: match error {
                ApiError::Internal(detail) => Some(detail),
                _ => None,
            },
        }
    }

    /// The user the authorizer vouches for; `None` when no authorizer ran and the body's
    /// `userId` is trusted (`TRUST_BODY_USER_ID`). Checked before the body, so an
    /// unidentified caller learns nothing from body checks.
    fn authorized_user(&self, caller: &Caller) -> Result<Option<Id>, ApiError> {
        match caller {
            Caller::Subject(subject) => Id::new("userId", subject)
                .map(Some)
                .map_err(|_| ApiError::UnusableIdentity),
            Caller::NoSubject(which) => Err(ApiError::NoSubject(which)),
            Caller::Anonymous if self.anonymous_callers == AnonymousCallers::TrustBodyUserId => {
                Ok(None)
            }
            Caller::Anonymous => Err(ApiError::Unauthenticated),
        }
    }

    fn presign(
        &self,
        route: Route,
        request: &ApiRequest,
        now: SigningTime,
    ) -> Result<Response, ApiError> {
        let authorized = self.authorized_user(&request.caller)?;
        let body = request.body.as_ref().map_err(Clone::clone)?;
        let UrlRequest {
            user_id: claimed,
            tweet_id,
            constraints,
        } = body::parse(body, self.max_upload_bytes)?;
        let user_id = match (authorized, claimed) {
            (Some(who), Some(claimed)) if claimed != who => return Err(ApiError::IdentityMismatch),
            (Some(who), _) => who,
            (None, claimed) => claimed.ok_or(ApiError::MissingField("userId"))?,
        };
        let key = ObjectKey::new(format!(
            "images/{}/{}.png",
            user_id.as_str(),
            tweet_id.as_str()
        ))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
        let body = match route {
            Route::Upload => self.upload_url(&key, &constraints, now)?,
            Route::UploadForm => self.upload_form(&key, &constraints, now)?,
            _ => self.download_url(&key, &constraints, now)?,
        };
        Ok(self.respond(200, Some(body)))
    }

    /// A PUT URL; the constraints are signed in as headers the uploader must send.
    fn upload_url(
        &self,
        key: &ObjectKey,
        constraints: &UploadConstraints,
        now: SigningTime,
    ) -> Result<String, ApiError> {
        if self.upload_urls == UploadUrls::Constrained {
            if constraints.content_type.is_none() {
                return Err(ApiError::ConstraintRequired("contentType"));
            }
            if constraints.content_length.is_none() {
                return Err(ApiError::ConstraintRequired("contentLength"));
            }
        }
        let length_text = constraints.content_length.map(|n| n.to_string());
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(3);
        if let Some(t) = constraints.content_type {
            headers.push(("content-type", t.as_str()));
        }
        if let Some(n) = &length_text {
            headers.push(("content-length", n));
        }
        if let Some(sha) = &constraints.content_sha256 {
            headers.push(("x-amz-checksum-sha256", sha.as_str()));
        }
        let object = ObjectRequest {
            headers: &headers,
            ..ObjectRequest::new(s3::Method::Put, &self.bucket, key, self.expiry)
        };
        let url = self.sign(&object, now)?;
        // Unconstrained (the open contract), the answer is the original's: the URL alone.
        let constrained = !constraints.is_empty();
        let expires_at = if constrained {
            Some(self.expires_at(now)?)
        } else {
            None
        };
        Ok(to_json(&UrlAnswer {
            presigned_url: &url,
            headers: constrained.then(|| RequiredHeaders {
                content_type: constraints.content_type.map(ImageType::as_str),
                content_length: length_text.as_deref(),
                content_sha256: constraints.content_sha256.as_ref().map(|s| s.as_str()),
            }),
            expires_at: expires_at.as_deref(),
        }))
    }

    /// A GET URL that makes S3 answer as an image.
    fn download_url(
        &self,
        key: &ObjectKey,
        constraints: &UploadConstraints,
        now: SigningTime,
    ) -> Result<String, ApiError> {
        if !constraints.is_empty() {
            return Err(ApiError::ConstraintsOnDownload);
        }
        let object = ObjectRequest {
            query: &[("response-content-type", DOWNLOAD_CONTENT_TYPE)],
            ..ObjectRequest::new(s3::Method::Get, &self.bucket, key, self.expiry)
        };
        Ok(to_json(&UrlAnswer {
            presigned_url: &self.sign(&object, now)?,
            headers: None,
            expires_at: None,
        }))
    }

    /// A browser form: a POST policy for this key, one image type and 1 to
    /// `MAX_UPLOAD_BYTES` bytes.
    fn upload_form(
        &self,
        key: &ObjectKey,
        constraints: &UploadConstraints,
        now: SigningTime,
    ) -> Result<String, ApiError> {
        if constraints.content_length.is_some() || constraints.content_sha256.is_some() {
            return Err(ApiError::NotForForms);
        }
        let content_type = constraints
            .content_type
            .ok_or(ApiError::ConstraintRequired("contentType"))?;
        let request = PostRequest {
            bucket: &self.bucket,
            key,
            content_type: content_type.as_str(),
            content_length_range: (1, self.max_upload_bytes),
            expiry: self.expiry,
        };
        let form = self
            .presigner
            .presign_post(&request, now)
            .map_err(signing_failed)?;
        Ok(to_json(&FormAnswer {
            url: &form.url,
            fields: Fields(&form),
            expires_at: &self.expires_at(now)?,
        }))
    }

    fn sign(&self, object: &ObjectRequest, now: SigningTime) -> Result<String, ApiError> {
        self.presigner.presign(object, now).map_err(signing_failed)
    }

    /// When what is signed at `now` stops working, RFC 3339.
    fn expires_at(&self, now: SigningTime) -> Result<String, ApiError> {
        SigningTime::from_unix_seconds(now.unix_seconds() + i64::from(self.expiry.secs()))
            .map(|t| t.rfc3339())
            .map_err(|e| ApiError::Internal(e.to_string()))
    }

    /// An answer with the headers every answer carries.
    fn respond(&self, status: u16, json_body: Option<String>) -> Response {
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

    fn error_response(&self, error: &ApiError) -> Response {
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
struct UrlAnswer<'a> {
    #[serde(rename = "presignedUrl")]
    presigned_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    headers: Option<RequiredHeaders<'a>>,
    #[serde(rename = "expiresAt", skip_serializing_if = "Option::is_none")]
    expires_at: Option<&'a str>,
}

/// The headers an upload must send exactly as signed.
#[derive(Serialize)]
struct RequiredHeaders<'a> {
    #[serde(rename = "Content-Type", skip_serializing_if = "Option::is_none")]
    content_type: Option<&'a str>,
    #[serde(rename = "Content-Length", skip_serializing_if = "Option::is_none")]
    content_length: Option<&'a str>,
    #[serde(
        rename = "x-amz-checksum-sha256",
        skip_serializing_if = "Option::is_none"
    )]
    content_sha256: Option<&'a str>,
}

/// `{"url": ..., "fields": {...}, "expiresAt": ...}`; the fields in the order a form sends them.
#[derive(Serialize)]
struct FormAnswer<'a> {
    url: &'a str,
    fields: Fields<'a>,
    #[serde(rename = "expiresAt")]
    expires_at: &'a str,
}

struct Fields<'a>(&'a PresignedPost<'a>);

impl Serialize for Fields<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in self.0.fields() {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

fn signing_failed(e: s3::Error) -> ApiError {
    ApiError::Internal(format!("signing failed: {e}"))
}

/// JSON text of a value built only of strings and numbers, which always serialises.
fn to_json(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_default()
}
