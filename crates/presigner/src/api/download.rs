//! The download routes: a GET URL for one image (`download_url`) or many (`download_urls`),
//! S3 presigned or CloudFront signed, on the window's terms; under the pipeline for the
//! variant `size` names, each with the status object's URL beside it.

use presigner_s3::{self as s3, ObjectKey, ObjectRequest};
use presigner_sigv4::SigningTime;

use super::body::{self, UploadConstraints};
use super::keys::{self, Object};
use super::response::{to_json, UrlAnswer};
#[cfg(feature = "cloudfront")]
use super::DownloadAccess;
use super::{signing_failed, ApiError, ApiRequest, App, DownloadTerms, Response};
use super::{ImagePipeline, DOWNLOAD_CONTENT_TYPE};
use crate::config::CacheWindow;

impl App {
    /// One GET URL for `object` of the user's image, on this window's terms; under the
    /// pipeline with the status object's URL.
    pub(super) fn download_url(
        &self,
        user: &str,
        tweet: &str,
        object: Object,
        constraints: &UploadConstraints,
        now: SigningTime,
    ) -> Result<String, ApiError> {
        if !constraints.is_empty() {
            return Err(ApiError::ConstraintsOnDownload);
        }
        let terms = self.download_terms(now)?;
        let url = self.sign_download(&keys::key(object, user, tweet), &terms)?;
        let status_url = match self.image_pipeline {
            ImagePipeline::On => {
                Some(self.sign_download(&keys::key(Object::Status, user, tweet), &terms)?)
            }
            ImagePipeline::Off => None,
        };
        Ok(to_json(&UrlAnswer {
            presigned_url: &url,
            headers: None,
            expires_at: Some(&terms.expires_at),
            status_url: status_url.as_deref(),
        }))
    }

    /// Under the pipeline, the status object's URL for an upload's answer, on the download
    /// terms of `now` (it is read as a download is); `None` under the original contract.
    pub(super) fn status_url(
        &self,
        user: &str,
        tweet: &str,
        now: SigningTime,
    ) -> Result<Option<String>, ApiError> {
        match self.image_pipeline {
            ImagePipeline::On => {
                let terms = self.download_terms(now)?;
                let key = keys::key(Object::Status, user, tweet);
                self.sign_download(&key, &terms).map(Some)
            }
            ImagePipeline::Off => Ok(None),
        }
    }

    /// Many GET URLs in one answer, in the order asked, all on this window's terms (and
    /// under the pipeline, the status objects' URLs in the same order). One bad item refuses
    /// the whole batch, naming it.
    pub(super) fn download_batch(
        &self,
        request: &ApiRequest,
        now: SigningTime,
    ) -> Result<Response, ApiError> {
        let access = self.read_access(&request.caller)?;
        let body = request.body.as_ref().map_err(Clone::clone)?;
        let batch = body::parse_batch(body, self.max_batch_images)?;
        let object = self.download_object(batch.size)?;
        let images = batch.images;
        let terms = self.download_terms(now)?;
        // Room for the envelope and the first URL; then, once its length is known, for the
        // rest (URLs differ only in their ids), so the answer is allocated about once.
        let mut json = String::with_capacity(4096);
        json.push_str(r#"{"presignedUrls":["#);
        let mut statuses = match self.image_pipeline {
            ImagePipeline::On => Some(String::from(r#"],"statusUrls":["#)),
            ImagePipeline::Off => None,
        };
        let mut key = String::with_capacity(300);
        for (index, image) in images.iter().enumerate() {
            let folder = access
                .folder_of(image.user_id.as_deref())
                .map_err(|e| ApiError::InImage(index, Box::new(e)))?;
            if index > 0 {
                json.push(',');
            }
            key.clear();
            keys::write_key(&mut key, object, folder, &image.tweet_id);
            self.sign_download_into(&key, &terms, &mut json)?;
            if let Some(statuses) = &mut statuses {
                if index > 0 {
                    statuses.push(',');
                }
                key.clear();
                keys::write_key(&mut key, Object::Status, folder, &image.tweet_id);
                self.sign_download_into(&key, &terms, statuses)?;
            }
            if index == 0 {
                let rest = (json.len() + 64) * (images.len() - 1) + 80;
                json.reserve(rest);
                if let Some(statuses) = &mut statuses {
                    statuses.reserve(rest);
                }
            }
        }
        if let Some(statuses) = &statuses {
            json.push_str(statuses);
        }
        json.push_str(r#"],"expiresAt":"#);
        json.push_str(&to_json(&terms.expires_at));
        json.push('}');
        Ok(self.respond(200, Some(json)))
    }

    pub(super) fn download_terms(&self, now: SigningTime) -> Result<DownloadTerms<'_>, ApiError> {
        self.download_rules.terms(now).map_err(ApiError::Internal)
    }

    /// A GET URL with the terms' `Cache-Control` (and under the original contract, answered
    /// as an image).
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
                // The key is images/{folder}/..., and a folder holds no '/'.
                DownloadAccess::Owner => super::edge::Scope::Folder(
                    key.strip_prefix(keys::IMAGE_PREFIX)
                        .and_then(|rest| rest.split_once('/'))
                        .map_or("", |(folder, _)| folder),
                ),
                DownloadAccess::SignedIn | DownloadAccess::Anyone => super::edge::Scope::AllImages,
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
        // Under the pipeline each object carries its own verified type.
        let query = match self.image_pipeline {
            ImagePipeline::Off => &query[..],
            ImagePipeline::On => &query[..1],
        };
        let object = ObjectRequest {
            query,
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
}
