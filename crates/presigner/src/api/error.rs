//! Why a request was refused: [`ApiError`], its status and the message the caller reads.

use std::fmt;

use super::{ALLOWED_METHODS, DOWNLOAD_BATCH_PATH, DOWNLOAD_PATH, UPLOAD_FORM_PATH, UPLOAD_PATH};

/// Why a request was refused; each maps to one status and a message the caller can act on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 400: over the route's limit (the limit).
    BodyTooLarge(usize),
    /// 400: marked base64 but not base64.
    BodyNotBase64,
    /// 400: not JSON (the parser's message).
    MalformedJson(String),
    /// 400: JSON, but not an object.
    NotAnObject,
    /// 400: a batch body that is not `{"images": [...]}`.
    NotABatch,
    /// 400: a batch of none, or of more than the limit (the limit).
    BatchSize(usize),
    /// 400: a batch item that is not an object (its index).
    ImageNotAnObject(usize),
    /// A batch item's error (its index, the error), with that error's status.
    InImage(usize, Box<ApiError>),
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
    /// 400: `contentLength` not a whole number from 1 to the max (the max).
    ContentLengthOutOfRange(u64),
    /// 400: `contentLength` over the max (the length sent, the max).
    ContentLengthOverLimit(u64, u64),
    /// 400: `contentType` or `contentLength` missing from an upload while
    /// `REQUIRE_UPLOAD_CONSTRAINTS` is on.
    ConstraintRequired(&'static str),
    /// 400: `contentSha256` is not 32 bytes of base64.
    InvalidChecksum,
    /// 400: `contentType`/`contentLength`/`contentSha256` sent to the download route.
    ConstraintsOnDownload,
    /// 400: `contentLength`/`contentSha256` sent to the form route (the form takes a range).
    NotForForms,
    /// 400: `size` is not `display` or `thumb`.
    InvalidSize,
    /// 400: `size` sent with `IMAGE_PIPELINE=off`, where an image has one object.
    SizeNeedsPipeline,
    /// 400: `size` sent to an upload route.
    SizeOnUpload,
    /// 401: no authorizer identity, and the body's `userId` is not trusted.
    Unauthenticated,
    /// 403: the body's `userId` is not the signed-in user.
    IdentityMismatch,
    /// 403: an authorizer ran but gave no subject (which one).
    NoSubject(&'static str),
    /// 403: the authorizer's subject is empty or over 128 bytes.
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
            ApiError::InImage(_, error) => error.status(),
            _ => 400,
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiError::BodyTooLarge(max) => write!(f, "the body is larger than {max} bytes"),
            ApiError::BodyNotBase64 => f.write_str("the body is marked base64 but does not decode"),
            ApiError::MalformedJson(e) => write!(f, "the body is not valid JSON: {e}"),
            ApiError::NotAnObject => f.write_str(
                "the body must be a JSON object such as {\"tweetId\": \"...\", \"contentType\": \"image/png\", \"contentLength\": 1234}",
            ),
            ApiError::NotABatch => f.write_str(
                "the body must be a JSON object such as {\"images\": [{\"userId\": \"...\", \"tweetId\": \"...\"}]}",
            ),
            ApiError::BatchSize(max) => write!(f, "images must hold from 1 to {max} items"),
            ApiError::ImageNotAnObject(i) => write!(
                f,
                "images[{i}] must be an object such as {{\"userId\": \"...\", \"tweetId\": \"...\"}}"
            ),
            ApiError::InImage(i, error) => write!(f, "images[{i}].{error}"),
            ApiError::MissingField(n) => write!(f, "{n} is required"),
            ApiError::EmptyField(n) => write!(f, "{n} must not be empty"),
            ApiError::WrongType(n, t) => write!(f, "{n} must be {t}"),
            ApiError::FieldTooLong(n) => write!(f, "{n} must be at most {} bytes", super::ids::MAX_ID_BYTES),
            ApiError::InvalidId(n, why) => write!(f, "{n} {why}"),
            ApiError::UnsupportedContentType => {
                f.write_str("contentType must be one of image/png, image/jpeg, image/gif, image/webp")
            }
            ApiError::ContentLengthOutOfRange(max) => {
                write!(f, "contentLength must be a whole number of bytes from 1 to {max}{}", Size(*max))
            }
            ApiError::ContentLengthOverLimit(length, max) => write!(
                f,
                "contentLength {length} bytes{} is over the limit of {max} bytes{}: send a smaller image (the limit is MAX_UPLOAD_BYTES)",
                Size(*length),
                Size(*max)
            ),
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
            ApiError::InvalidSize => f.write_str(
                "size must be \"display\" (the default) or \"thumb\" (the timeline thumbnail)",
            ),
            ApiError::SizeNeedsPipeline => f.write_str(
                "size needs IMAGE_PIPELINE=on: with the pipeline off an image is stored as uploaded, in one size",
            ),
            ApiError::SizeOnUpload => f.write_str(
                "size applies to download_url and download_urls: an upload is one image, from which the pipeline makes both sizes",
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
                write!(f, "the signed-in user's id must be 1 to {} bytes to name a folder", super::ids::MAX_ID_BYTES)
            }
            ApiError::TooManyHeaderFields => write!(
                f,
                "the request has more than {} header fields",
                crate::lambda::MAX_HEADER_FIELDS
            ),
            ApiError::NotFound => write!(
                f,
                "no such route: use POST {UPLOAD_PATH}, {UPLOAD_FORM_PATH}, {DOWNLOAD_PATH} or {DOWNLOAD_BATCH_PATH}"
            ),
            ApiError::MethodNotAllowed => write!(f, "method not allowed: use {ALLOWED_METHODS}"),
            ApiError::Internal(_) => f.write_str("internal error"),
        }
    }
}

/// ` (10 MiB)`, ` (14.3 MiB)`, ` (512 KiB)`: a byte count as a person reads it, after the
/// exact figure; nothing under 1 KiB, where the bytes say it already.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (unit, name) = match self.0 {
            n if n >= 1 << 30 => (1u64 << 30, "GiB"),
            n if n >= 1 << 20 => (1 << 20, "MiB"),
            n if n >= 1 << 10 => (1 << 10, "KiB"),
            _ => return Ok(()),
        };
        // Tenths, rounded down, so a size just over a limit never reads as the limit.
        let tenths = self.0 * 10 / unit;
        match tenths % 10 {
            0 => write!(f, " ({} {name})", tenths / 10),
            t => write!(f, " ({}.{t} {name})", tenths / 10),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_in_binary_units_and_never_round_up_to_a_limit() {
        let over = ApiError::ContentLengthOverLimit(15 * 1024 * 1024, 10 * 1024 * 1024);
        assert_eq!(
            over.to_string(),
            "contentLength 15728640 bytes (15 MiB) is over the limit of 10485760 bytes (10 MiB): send a smaller image (the limit is MAX_UPLOAD_BYTES)"
        );
        for (n, shown) in [
            (100, ""),
            (1024, " (1 KiB)"),
            (10 * 1024 * 1024 + 1, " (10 MiB)"),
            (15_000_000, " (14.3 MiB)"),
            (5 << 30, " (5 GiB)"),
        ] {
            assert_eq!(Size(n).to_string(), shown, "{n}");
        }
    }
}
