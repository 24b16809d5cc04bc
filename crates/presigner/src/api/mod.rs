//! The HTTP API the front end calls, as a pure function of (app, time, request) → response.
//!
//! - `POST /api/upload_url` → `200 {"presignedUrl": "<PUT URL>", "headers": {...}, "expiresAt": ...,
//!   "statusUrl": ...}` (`upload.rs`)
//! - `POST /api/upload_form` → `200 {"url": "<bucket URL>", "fields": {...}, "expiresAt": ...,
//!   "statusUrl": ...}` (a browser-form upload with a signed POST policy)
//! - `POST /api/download_url` → `200 {"presignedUrl": "<GET URL>", "expiresAt": ...,
//!   "statusUrl": ...}` (`download.rs`)
//! - `POST /api/download_urls` with `{"images": [...], "size"?}` → `200 {"presignedUrls": [...],
//!   "statusUrls": [...], "expiresAt": ...}` (a timeline's images in one call, in the order asked)
//! - `OPTIONS` on any → `204` (CORS preflight)
//!
//! With `IMAGE_PIPELINE=on` (the default) uploads are signed for the private
//! `uploads/{folder}/{tweetId}`, downloads for a variant (`size`: `display` or `thumb`) and
//! `statusUrl(s)` for the status object the processor writes ([`keys`]); with `off`, the
//! original contract: one object, `images/{folder}/{tweetId}.png`, and no `statusUrl`.
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
pub mod keys;
mod memo;
mod response;
mod routes;
mod terms;
mod upload;

pub use caller::Caller;
pub use error::ApiError;
pub use response::{CallerRef, Reply, Response, ALLOWED_HEADERS};
pub use routes::{
    Route, ALLOWED_METHODS, DOWNLOAD_BATCH_PATH, DOWNLOAD_PATH, UPLOAD_FORM_PATH, UPLOAD_PATH,
};
pub use terms::{DownloadRules, DownloadTerms};

use std::borrow::Cow;

use crate::config::{
    AnonymousCallers, Config, CorsOrigin, DownloadAccess, ImagePipeline, UploadUrls,
};
use body::UrlRequest;
use keys::Object;
use presigner_s3::{self as s3, Bucket, Expiry, ObjectKey, Presigner};
use presigner_sigv4::SigningTime;

/// The type every download URL makes S3 answer with (`response-content-type`) under the
/// original contract (`IMAGE_PIPELINE=off`), whatever was stored: a stored HTML or SVG file is
/// then never rendered as a page from the bucket's origin. Browsers decode images by their
/// bytes, so a JPEG still shows. Under the pipeline only the processor writes under
/// `images/`, each variant with its own verified type, so none is forced.
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
    image_pipeline: ImagePipeline,
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
            image_pipeline: config.image_pipeline,
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

    /// The three single-image routes: the caller's access, the body, then the URL for the
    /// key they name.
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
            size,
        } = body::parse(body, self.max_upload_bytes)?;
        let user = access.folder(user_id)?;
        let (user, tweet) = (user.as_str(), tweet_id.as_str());
        let body = match route {
            Route::Download => {
                let object = self.download_object(size)?;
                self.download_url(user, tweet, object, &constraints, now)?
            }
            _ if size.is_some() => return Err(ApiError::SizeOnUpload),
            Route::Upload => self.upload_url(user, tweet, &constraints, now)?,
            _ => self.upload_form(user, tweet, &constraints, now)?,
        };
        Ok(self.respond(200, Some(body)))
    }

    /// The object an upload is signed for: the private upload under the pipeline, the
    /// published image itself under the original contract.
    fn upload_object(&self) -> Object {
        match self.image_pipeline {
            ImagePipeline::On => Object::Upload,
            ImagePipeline::Off => Object::Original,
        }
    }

    /// The object a download names: the variant `size` asks for (display by default) under
    /// the pipeline; under the original contract the one image, and `size` is refused.
    fn download_object(&self, size: Option<keys::Size>) -> Result<Object, ApiError> {
        match (self.image_pipeline, size) {
            (ImagePipeline::On, size) => Ok(Object::Variant(size.unwrap_or_default())),
            (ImagePipeline::Off, None) => Ok(Object::Original),
            (ImagePipeline::Off, Some(_)) => Err(ApiError::SizeNeedsPipeline),
        }
    }

    /// The key of `object` for a checked user and tweet id.
    fn object_key(&self, object: Object, user: &str, tweet: &str) -> Result<ObjectKey, ApiError> {
        ObjectKey::new(keys::key(object, user, tweet))
            .map_err(|e| ApiError::Internal(e.to_string()))
    }

    fn sign(&self, object: &s3::ObjectRequest, now: SigningTime) -> Result<String, ApiError> {
        self.presigner.presign(object, now).map_err(signing_failed)
    }
}

fn signing_failed(e: s3::Error) -> ApiError {
    ApiError::Internal(format!("signing failed: {e}"))
}
