//! The HTTP API the front end calls, as a pure function of (app, time, request) → response.
//!
//! - `POST /api/upload_url` → `200 {"presignedUrl": "<PUT URL>", "headers": {...}, "expiresAt": ...}`
//! - `POST /api/upload_form` → `200 {"url": "<bucket URL>", "fields": {...}, "expiresAt": ...}`
//!   (a browser-form upload with a signed POST policy)
//! - `POST /api/download_url` → `200 {"presignedUrl": "<GET URL>", "expiresAt": ...}`
//! - `POST /api/download_urls` with `{"images": [...]}` → `200 {"presignedUrls": [...],
//!   "expiresAt": ...}` (a timeline's images in one call, in the order asked)
//! - `OPTIONS` on any → `204` (CORS preflight)
//!
//! The API knows nothing of event shapes: the Lambda shell ([`lambda`](crate::lambda)) and the
//! local server turn what arrives into an [`ApiRequest`] (method, matched path, body, caller),
//! and the answer is a plain [`Response`]. Every answer carries the CORS headers and
//! `Cache-Control: no-store`; errors are `{"message": "..."}` with a 4xx status for the
//! caller's mistakes. See README.md, "API".

pub mod body;
mod caller;
mod download;
#[cfg(feature = "cloudfront")]
mod edge;
mod error;
pub mod ids;
mod memo;
mod response;
mod routes;

pub use caller::Caller;
pub use download::{DownloadRules, DownloadTerms};
pub use error::ApiError;
pub use response::{CallerRef, Reply, Response, ALLOWED_HEADERS};
pub use routes::{
    Route, ALLOWED_METHODS, DOWNLOAD_BATCH_PATH, DOWNLOAD_PATH, UPLOAD_FORM_PATH, UPLOAD_PATH,
};

use std::borrow::Cow;

use crate::config::{
    AnonymousCallers, CacheWindow, Config, CorsOrigin, DownloadAccess, UploadUrls,
};
use body::{ImageType, UploadConstraints, UrlRequest};
use ids::{TweetId, UserId};
use presigner_s3::post::PostRequest;
use presigner_s3::{self as s3, Bucket, Expiry, ObjectKey, ObjectRequest, Presigner};
use presigner_sigv4::SigningTime;
use response::{to_json, Fields, FormAnswer, RequiredHeaders, UrlAnswer};

/// The type every download URL makes S3 answer with (`response-content-type`), whatever was
/// stored: a stored HTML or SVG file is then never rendered as a page from the bucket's
/// origin. Browsers decode images by their bytes, so a JPEG still shows.
pub const DOWNLOAD_CONTENT_TYPE: &str = "image/png";

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

/// The service: configuration checked, presigner built, once.
#[derive(Debug)]
pub struct App {
    presigner: Presigner,
    bucket: Bucket,
    /// How long upload URLs and forms live.
    upload_expiry: Expiry,
    max_upload_bytes: u64,
    upload_urls: UploadUrls,
    anonymous_callers: AnonymousCallers,
    cors_allow_origin: CorsOrigin,
    download_access: DownloadAccess,
    download_rules: DownloadRules,
    max_batch_images: usize,
    download_urls: memo::UrlMemo,
    /// Download URLs through CloudFront instead of S3, when configured.
    #[cfg(feature = "cloudfront")]
    edge: Option<edge::EdgeDownloads>,
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
            upload_expiry: config.upload_expiry,
            max_upload_bytes: config.max_upload_bytes,
            upload_urls: config.upload_urls,
            anonymous_callers: config.anonymous_callers,
            cors_allow_origin: config.cors_allow_origin,
            download_access: config.download_access,
            download_rules: DownloadRules::new(config.cache_window, config.expiry)?,
            max_batch_images: config.max_batch_images,
            download_urls: memo::UrlMemo::new(),
            #[cfg(feature = "cloudfront")]
            edge: match config.downloads {
                crate::config::Downloads::S3 => None,
                crate::config::Downloads::CloudFront(cloudfront) => {
                    Some(edge::EdgeDownloads::new(cloudfront))
                }
            },
        })
    }

    /// Answers one request at time `now`.
    pub fn handle(&self, request: &ApiRequest, now: SigningTime) -> Reply {
        let route = Route::from_path(&request.path);
        let result = match (route, request.method) {
            (Route::Unknown, _) => Err(ApiError::NotFound),
            (_, "OPTIONS") => Ok(self.respond(204, None)),
            (Route::DownloadBatch, "POST") => self.download_batch(request, now),
            (_, "POST") => self.presign(route, request, now),
            _ => Err(ApiError::MethodNotAllowed),
        };
        let mut reply = match result {
            Ok(response) => Reply {
                response,
                route,
                caller: CallerRef::Anonymous,
                internal_error: None,
            },
            Err(error) => self.error_reply(route, error),
        };
        reply.caller = CallerRef::of(&request.caller);
        reply
    }

    /// An answer refusing a request before it could be read as one (an oversized event).
    pub fn refuse(&self, error: ApiError) -> Reply {
        self.error_reply(Route::Unknown, error)
    }

    fn error_reply(&self, route: Route, error: ApiError) -> Reply {
        Reply {
            response: self.error_response(&error),
            route,
            caller: CallerRef::Anonymous,
            internal_error: match error {
                ApiError::Internal(detail) => Some(detail),
                _ => None,
            },
        }
    }

    fn presign(
        &self,
        route: Route,
        request: &ApiRequest,
        now: SigningTime,
    ) -> Result<Response, ApiError> {
        let access = match route {
            Route::Download => self.read_access(&request.caller)?,
            _ => self.write_access(&request.caller)?,
        };
        let body = request.body.as_ref().map_err(Clone::clone)?;
        let UrlRequest {
            user_id,
            tweet_id,
            constraints,
        } = body::parse(body, self.max_upload_bytes)?;
        let key = image_key(&access.folder(user_id)?, &tweet_id)?;
        let body = match route {
            Route::Upload => self.upload_url(&key, &constraints, now)?,
            Route::UploadForm => self.upload_form(&key, &constraints, now)?,
            _ => self.download_url(&key, &constraints, now)?,
        };
        Ok(self.respond(200, Some(body)))
    }

    /// A PUT URL; the constraints are signed in as headers the uploader must send. A
    /// constrained URL also signs `If-None-Match: *` (an S3 conditional write), so it writes
    /// once: a replay of it gets 412 and stores no version.
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
        // Unconstrained (the open contract), the answer is the original's: the URL alone.
        let constrained = !constraints.is_empty();
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(4);
        if constrained {
            headers.push(("if-none-match", "*"));
        }
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
            ..ObjectRequest::new(s3::Method::Put, &self.bucket, key, self.upload_expiry)
        };
        let url = self.sign(&object, now)?;
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
                if_none_match: "*",
            }),
            expires_at: expires_at.as_deref(),
        }))
    }

    /// One GET URL, on this window's terms.
    fn download_url(
        &self,
        key: &ObjectKey,
        constraints: &UploadConstraints,
        now: SigningTime,
    ) -> Result<String, ApiError> {
        if !constraints.is_empty() {
            return Err(ApiError::ConstraintsOnDownload);
        }
        let terms = self.download_terms(now)?;
        Ok(to_json(&UrlAnswer {
            presigned_url: &self.sign_download(key.as_str(), &terms)?,
            headers: None,
            expires_at: Some(&terms.expires_at),
        }))
    }

    /// Many GET URLs in one answer, in the order asked, all on this window's terms. One bad
    /// item refuses the whole batch, naming it.
    fn download_batch(&self, request: &ApiRequest, now: SigningTime) -> Result<Response, ApiError> {
        let access = self.read_access(&request.caller)?;
        let body = request.body.as_ref().map_err(Clone::clone)?;
        let images = body::parse_batch(body, self.max_batch_images)?;
        let terms = self.download_terms(now)?;
        // Room for the envelope and the first URL; then, once its length is known, for the
        // rest (URLs differ only in their ids), so the answer is allocated about once.
        let mut json = String::with_capacity(4096);
        json.push_str(r#"{"presignedUrls":["#);
        let mut key = String::with_capacity(300);
        for (index, image) in images.iter().enumerate() {
            let folder = access
                .folder_of(image.user_id.as_deref())
                .map_err(|e| ApiError::InImage(index, Box::new(e)))?;
            if index > 0 {
                json.push(',');
            }
            key.clear();
            write_image_key(&mut key, folder, &image.tweet_id);
            self.sign_download_into(&key, &terms, &mut json)?;
            if index == 0 {
                json.reserve((json.len() + 64) * (images.len() - 1) + 80);
            }
        }
        json.push_str(r#"],"expiresAt":"#);
        json.push_str(&to_json(&terms.expires_at));
        json.push('}');
        Ok(self.respond(200, Some(json)))
    }

    fn download_terms(&self, now: SigningTime) -> Result<DownloadTerms<'_>, ApiError> {
        self.download_rules.terms(now).map_err(ApiError::Internal)
    }

    /// A GET URL that makes S3 answer as an image, with the terms' `Cache-Control`.
    fn sign_download(&self, key: &str, terms: &DownloadTerms) -> Result<String, ApiError> {
        let mut url = String::new();
        self.presign_download(key, terms, &mut url)?;
        Ok(url)
    }

    /// [`App::sign_download`] appended to `json` as a JSON string, as it is: a download URL
    /// never needs escaping (the signer percent-encodes the key and every parameter, and
    /// [`App::sign_download_now`] checks each URL it signs), so a kept one is copied whole.
    fn sign_download_into(
        &self,
        key: &str,
        terms: &DownloadTerms,
        json: &mut String,
    ) -> Result<(), ApiError> {
        json.push('"');
        self.presign_download(key, terms, json)?;
        json.push('"');
        Ok(())
    }

    /// Appends the download URL for the image key `key`: kept from earlier in this window, or
    /// checked as an object key and signed now.
    fn presign_download(
        &self,
        key: &str,
        terms: &DownloadTerms,
        out: &mut String,
    ) -> Result<(), ApiError> {
        #[cfg(feature = "cloudfront")]
        if let Some(edge) = &self.edge {
            let scope = match self.download_access {
                // The key is images/{folder}/{tweet}.png, and a folder holds no '/'.
                DownloadAccess::Owner => edge::Scope::Folder(
                    key.strip_prefix("images/")
                        .and_then(|rest| rest.split_once('/'))
                        .map_or("", |(folder, _)| folder),
                ),
                DownloadAccess::SignedIn | DownloadAccess::Anyone => edge::Scope::AllImages,
            };
            return edge.append_url(key, scope, terms, out);
        }
        let sign = |out: &mut String| {
            let key = ObjectKey::new(key).map_err(|e| ApiError::Internal(e.to_string()))?;
            self.sign_download_now(&key, terms, out)
        };
        if self.download_rules.window() == CacheWindow::OFF {
            return sign(out);
        }
        self.download_urls
            .append(key, terms.signed_at.unix_seconds(), out, sign)
    }

    fn sign_download_now(
        &self,
        key: &ObjectKey,
        terms: &DownloadTerms,
        out: &mut String,
    ) -> Result<(), ApiError> {
        let query = [
            ("response-cache-control", terms.cache_control),
            ("response-content-type", DOWNLOAD_CONTENT_TYPE),
        ];
        let object = ObjectRequest {
            query: &query,
            ..ObjectRequest::new(s3::Method::Get, &self.bucket, key, terms.lifetime)
        };
        let start = out.len();
        self.presigner
            .presign_into(&object, terms.signed_at, out)
            .map_err(signing_failed)?;
        let escapes = out.as_bytes()[start..]
            .iter()
            .map(|&b| u8::from(!b.is_ascii_graphic() || b == b'"' || b == b'\\'))
            .fold(0, |any, needs| any | needs);
        if escapes != 0 {
            out.truncate(start);
            return Err(ApiError::Internal(
                "a download URL holds a character JSON would escape".to_owned(),
            ));
        }
        Ok(())
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
            expiry: self.upload_expiry,
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
        SigningTime::from_unix_seconds(now.unix_seconds() + i64::from(self.upload_expiry.secs()))
            .map(|t| t.rfc3339())
            .map_err(|e| ApiError::Internal(e.to_string()))
    }
}

/// `images/{folder}/{tweet}.png`, the folder the user's key form ([`ids::write_folder`]).
fn image_key(user: &UserId, tweet: &TweetId) -> Result<ObjectKey, ApiError> {
    let mut key = String::with_capacity(12 + 3 * user.as_str().len() + tweet.as_str().len());
    write_image_key(&mut key, user.as_str(), tweet.as_str());
    ObjectKey::new(key).map_err(|e| ApiError::Internal(e.to_string()))
}

/// Appends `images/{folder}/{tweet}.png` for a checked user and tweet id.
fn write_image_key(key: &mut String, user: &str, tweet: &str) {
    key.push_str("images/");
    ids::write_folder(key, user);
    key.push('/');
    key.push_str(tweet);
    key.push_str(".png");
}

fn signing_failed(e: s3::Error) -> ApiError {
    ApiError::Internal(format!("signing failed: {e}"))
}
