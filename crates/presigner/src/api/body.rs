//! The request bodies, parsed into checked types: `{"userId"?, "tweetId", "contentType"?,
//! "contentLength"?, "contentSha256"?, "size"?}` for one image here, `{"images": [{"userId"?,
//! "tweetId"}, ...], "size"?}` for a batch of downloads in `body/batch.rs` ([`parse_batch`]).

mod batch;

pub use batch::{parse_batch, Batch, BatchImage, MAX_BATCH_BODY_BYTES};

use base64::Engine;
use serde_json::{Map, Value};

use super::ids::{TweetId, UserId};
use super::keys::Size;
use super::ApiError;

pub use super::ids::MAX_ID_BYTES;

/// One image's bodies larger than this are refused before parsing.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// The image types an upload URL can be constrained to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageType {
    /// `image/png`
    Png,
    /// `image/jpeg`
    Jpeg,
    /// `image/gif`
    Gif,
    /// `image/webp`
    Webp,
}

impl ImageType {
    const ALL: [ImageType; 4] = [
        ImageType::Png,
        ImageType::Jpeg,
        ImageType::Gif,
        ImageType::Webp,
    ];

    /// The MIME type.
    pub fn as_str(self) -> &'static str {
        match self {
            ImageType::Png => "image/png",
            ImageType::Jpeg => "image/jpeg",
            ImageType::Gif => "image/gif",
            ImageType::Webp => "image/webp",
        }
    }
}

/// The SHA-256 of a file as S3's `x-amz-checksum-sha256` header carries it: 32 bytes,
/// base64 (44 characters with padding), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sha256Base64(String);

impl Sha256Base64 {
    /// Checks that `text` is standard, padded base64 of exactly 32 bytes.
    pub fn new(text: &str) -> Result<Self, ApiError> {
        match base64::engine::general_purpose::STANDARD.decode(text) {
            Ok(bytes) if bytes.len() == 32 => Ok(Sha256Base64(text.to_owned())),
            _ => Err(ApiError::InvalidChecksum),
        }
    }

    /// The base64 text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Headers signed into an upload URL, which the uploader must then send exactly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UploadConstraints {
    /// `Content-Type`.
    pub content_type: Option<ImageType>,
    /// `Content-Length`, at most `MAX_UPLOAD_BYTES`.
    pub content_length: Option<u64>,
    /// `x-amz-checksum-sha256`: S3 stores these bytes or nothing.
    pub content_sha256: Option<Sha256Base64>,
}

impl UploadConstraints {
    /// Whether the body asked for none.
    pub fn is_empty(&self) -> bool {
        self.content_type.is_none()
            && self.content_length.is_none()
            && self.content_sha256.is_none()
    }
}

/// A parsed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlRequest {
    /// `userId`, when given.
    pub user_id: Option<UserId>,
    /// `tweetId`.
    pub tweet_id: TweetId,
    /// `contentType` / `contentLength`.
    pub constraints: UploadConstraints,
    /// `size`, when given: which variant a download names (`IMAGE_PIPELINE=on`).
    pub size: Option<Size>,
}

/// One image of a body: whose (`userId`, when given) and which (`tweetId`).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImageRef {
    user_id: Option<UserId>,
    tweet_id: TweetId,
}

fn image_ref(fields: &Map<String, Value>) -> Result<ImageRef, ApiError> {
    let user_id = optional_string(fields, "userId")?
        .map(|v| UserId::new("userId", v))
        .transpose()?;
    let tweet_id = optional_string(fields, "tweetId")?.ok_or(ApiError::MissingField("tweetId"))?;
    Ok(ImageRef {
        user_id,
        tweet_id: TweetId::new(tweet_id)?,
    })
}

/// Parses and checks `body` whatever the request's Content-Type says (the original front end
/// and tools like curl do not always send `application/json`).
pub fn parse(body: &[u8], max_upload_bytes: u64) -> Result<UrlRequest, ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::BodyTooLarge(MAX_BODY_BYTES));
    }
    let value: Value =
        serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))?;
    let Value::Object(fields) = value else {
        return Err(ApiError::NotAnObject);
    };
    let ImageRef { user_id, tweet_id } = image_ref(&fields)?;

    let content_type = optional_string(&fields, "contentType")?
        .map(|t| {
            ImageType::ALL
                .into_iter()
                .find(|i| i.as_str() == t)
                .ok_or(ApiError::UnsupportedContentType)
        })
        .transpose()?;
    let content_length = match fields.get("contentLength") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(n) if (1..=max_upload_bytes).contains(&n) => Some(n),
            Some(n) if n > max_upload_bytes => {
                return Err(ApiError::ContentLengthOverLimit(n, max_upload_bytes))
            }
            _ => return Err(ApiError::ContentLengthOutOfRange(max_upload_bytes)),
        },
        Some(_) => return Err(ApiError::WrongType("contentLength", "a whole number")),
    };
    let content_sha256 = optional_string(&fields, "contentSha256")?
        .map(Sha256Base64::new)
        .transpose()?;
    Ok(UrlRequest {
        user_id,
        tweet_id,
        constraints: UploadConstraints {
            content_type,
            content_length,
            content_sha256,
        },
        size: optional_size(&fields)?,
    })
}

/// `size`: absent or null, `display` or `thumb`.
fn optional_size(fields: &Map<String, Value>) -> Result<Option<Size>, ApiError> {
    optional_string(fields, "size")?
        .map(Size::parse)
        .transpose()
}

fn optional_string<'a>(
    fields: &'a Map<String, Value>,
    name: &'static str,
) -> Result<Option<&'a str>, ApiError> {
    match fields.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(ApiError::WrongType(name, "a string")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(body: &str) -> UrlRequest {
        parse(body.as_bytes(), 1000).unwrap()
    }

    fn parse_err(body: &str) -> ApiError {
        parse(body.as_bytes(), 1000).unwrap_err()
    }

    #[test]
    fn the_original_body_parses() {
        let r = parse_ok(r#"{"userId": "test@mail.com", "tweetId": "test_id"}"#);
        assert_eq!(r.user_id.unwrap().as_str(), "test@mail.com");
        assert_eq!(r.tweet_id.as_str(), "test_id");
        assert!(r.constraints.is_empty());
    }

    #[test]
    fn constraints_parse_and_are_bounded() {
        let r = parse_ok(
            r#"{"userId":"u","tweetId":"t","contentType":"image/webp","contentLength":1000}"#,
        );
        assert_eq!(r.constraints.content_type, Some(ImageType::Webp));
        assert_eq!(r.constraints.content_length, Some(1000));
        assert_eq!(
            parse_err(r#"{"userId":"u","tweetId":"t","contentLength":1001}"#),
            ApiError::ContentLengthOverLimit(1001, 1000)
        );
        assert_eq!(
            parse_err(r#"{"userId":"u","tweetId":"t","contentLength":0}"#),
            ApiError::ContentLengthOutOfRange(1000)
        );
        assert_eq!(
            parse_err(r#"{"userId":"u","tweetId":"t","contentLength":1.5}"#),
            ApiError::ContentLengthOutOfRange(1000)
        );
        assert_eq!(
            parse_err(r#"{"userId":"u","tweetId":"t","contentType":"text/html"}"#),
            ApiError::UnsupportedContentType
        );
    }

    #[test]
    fn size_is_display_or_thumb() {
        assert_eq!(parse_ok(r#"{"tweetId":"t"}"#).size, None);
        assert_eq!(parse_ok(r#"{"tweetId":"t","size":null}"#).size, None);
        assert_eq!(
            parse_ok(r#"{"tweetId":"t","size":"thumb"}"#).size,
            Some(Size::Thumb)
        );
        assert_eq!(
            parse_ok(r#"{"tweetId":"t","size":"display"}"#).size,
            Some(Size::Display)
        );
        assert_eq!(
            parse_err(r#"{"tweetId":"t","size":"large"}"#),
            ApiError::InvalidSize
        );
        assert_eq!(
            parse_err(r#"{"tweetId":"t","size":1}"#),
            ApiError::WrongType("size", "a string")
        );
    }

    #[test]
    fn checksums_are_32_bytes_of_base64() {
        let empty_file = "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=";
        let r = parse_ok(&format!(
            r#"{{"tweetId":"t","contentSha256":"{empty_file}"}}"#
        ));
        assert_eq!(r.constraints.content_sha256.unwrap().as_str(), empty_file);
        for bad in [
            "",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU",
            "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU=",
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=",
            "AAAA",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            " 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
        ] {
            let body = serde_json::json!({"tweetId": "t", "contentSha256": bad}).to_string();
            assert_eq!(parse_err(&body), ApiError::InvalidChecksum, "{bad:?}");
        }
        assert_eq!(
            parse_err(r#"{"tweetId":"t","contentSha256":32}"#),
            ApiError::WrongType("contentSha256", "a string")
        );
    }

    #[test]
    fn ids_are_checked() {
        assert_eq!(
            parse_err(r#"{"userId":"u"}"#),
            ApiError::MissingField("tweetId")
        );
        assert_eq!(
            parse_err(r#"{"userId":"u","tweetId":""}"#),
            ApiError::EmptyField("tweetId")
        );
        assert_eq!(
            parse_err(r#"{"userId":5,"tweetId":"t"}"#),
            ApiError::WrongType("userId", "a string")
        );
        let long = "x".repeat(129);
        assert_eq!(
            parse_err(&format!(r#"{{"userId":"{long}","tweetId":"t"}}"#)),
            ApiError::FieldTooLong("userId")
        );
        assert!(parse(
            format!(r#"{{"userId":"{}","tweetId":"t"}}"#, "x".repeat(128)).as_bytes(),
            1
        )
        .is_ok());
        for bad in [
            "a/b",
            "a\\b",
            ".",
            "..",
            "a\u{0}b",
            "tab\there",
            "del\u{7f}",
            "${filename}",
            "a\u{200b}b",
            "a\u{202e}b",
            "a\u{ffff}b",
        ] {
            let body = serde_json::json!({"userId": "u", "tweetId": bad}).to_string();
            assert!(
                matches!(parse_err(&body), ApiError::InvalidId("tweetId", _)),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn every_character_is_judged_as_the_allow_list_says() {
        for c in (0..=0x10ffffu32).filter_map(char::from_u32) {
            let text = format!("a{c}b");
            let blank = matches!(c as u32, 0x115F | 0x1160 | 0x3164 | 0xFFA0);
            let allowed = (c.is_alphanumeric() && !blank) || matches!(c, '-' | '_' | '.');
            assert_eq!(TweetId::check(&text).is_ok(), allowed, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn malformed_bodies() {
        assert!(matches!(parse_err("{"), ApiError::MalformedJson(_)));
        assert!(matches!(parse_err(""), ApiError::MalformedJson(_)));
        assert_eq!(parse_err("[1]"), ApiError::NotAnObject);
        assert_eq!(parse_err("\"s\""), ApiError::NotAnObject);
        let big = format!(
            r#"{{"userId":"u","tweetId":"t","pad":"{}"}}"#,
            "x".repeat(MAX_BODY_BYTES)
        );
        assert_eq!(parse_err(&big), ApiError::BodyTooLarge(MAX_BODY_BYTES));
    }
}
