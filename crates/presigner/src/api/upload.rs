//! The upload routes: a PUT URL (`upload_url`) or a browser form (`upload_form`) for the key
//! the switch names (`uploads/{folder}/{tweetId}` under the pipeline, the original's
//! `images/{folder}/{tweetId}.png` without), and under the pipeline the status object's URL.

use presigner_s3::post::PostRequest;
use presigner_s3::{self as s3, ObjectRequest};
use presigner_sigv4::SigningTime;

use super::body::{ImageType, UploadConstraints};
use super::response::{to_json, Fields, FormAnswer, RequiredHeaders, UrlAnswer};
use super::{signing_failed, ApiError, App};
use crate::config::UploadUrls;

impl App {
    /// A PUT URL; the constraints are signed in as headers the uploader must send. A
    /// constrained URL also signs `If-None-Match: *` (an S3 conditional write), so it writes
    /// once: a replay of it gets 412 and stores no version.
    pub(super) fn upload_url(
        &self,
        user: &str,
        tweet: &str,
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
        let key = self.object_key(self.upload_object(), user, tweet)?;
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
            ..ObjectRequest::new(s3::Method::Put, &self.bucket, &key, self.upload_expiry)
        };
        let url = self.sign(&object, now)?;
        let expires_at = if constrained {
            Some(self.expires_at(now)?)
        } else {
            None
        };
        let status_url = self.status_url(user, tweet, now)?;
        Ok(to_json(&UrlAnswer {
            presigned_url: &url,
            headers: constrained.then(|| RequiredHeaders {
                content_type: constraints.content_type.map(ImageType::as_str),
                content_length: length_text.as_deref(),
                content_sha256: constraints.content_sha256.as_ref().map(|s| s.as_str()),
                if_none_match: "*",
            }),
            expires_at: expires_at.as_deref(),
            status_url: status_url.as_deref(),
        }))
    }

    /// A browser form: a POST policy for this key, one image type and 1 to
    /// `MAX_UPLOAD_BYTES` bytes.
    pub(super) fn upload_form(
        &self,
        user: &str,
        tweet: &str,
        constraints: &UploadConstraints,
        now: SigningTime,
    ) -> Result<String, ApiError> {
        if constraints.content_length.is_some() || constraints.content_sha256.is_some() {
            return Err(ApiError::NotForForms);
        }
        let content_type = constraints
            .content_type
            .ok_or(ApiError::ConstraintRequired("contentType"))?;
        let key = self.object_key(self.upload_object(), user, tweet)?;
        let request = PostRequest {
            bucket: &self.bucket,
            key: &key,
            content_type: content_type.as_str(),
            content_length_range: (1, self.max_upload_bytes),
            expiry: self.upload_expiry,
        };
        let form = self
            .presigner
            .presign_post(&request, now)
            .map_err(signing_failed)?;
        let status_url = self.status_url(user, tweet, now)?;
        Ok(to_json(&FormAnswer {
            url: &form.url,
            fields: Fields(&form),
            expires_at: &self.expires_at(now)?,
            status_url: status_url.as_deref(),
        }))
    }

    /// When what is signed at `now` stops working, RFC 3339.
    fn expires_at(&self, now: SigningTime) -> Result<String, ApiError> {
        SigningTime::from_unix_seconds(now.unix_seconds() + i64::from(self.upload_expiry.secs()))
            .map(|t| t.rfc3339())
            .map_err(|e| ApiError::Internal(e.to_string()))
    }
}
