//! What to write and delete for one upload, decided from the image core's result alone: a
//! pure function, so every branch is tested without S3.
//!
//! A published image is `images/{folder}/{tweetId}/display`, `.../thumb` and
//! `.../status.json`. The variants' keys carry no extension: the core picks JPEG or PNG from
//! the pixels, and the presigner, which never calls S3, must be able to name a variant from
//! the ids alone; the object's `Content-Type` says what it is. Order: display, thumbnail,
//! status. The status object is the commit point (a client waits on it, docs/pipeline.md),
//! so it goes last; the thumbnail goes after the display variant so that a timeline that
//! sees a thumbnail can always open the full image.

use presigner_images::{Processed, Refusal, VariantName};
use serde_json::json;

use crate::key::UploadKey;

/// `Cache-Control` of everything published: it is written once and never changes.
pub const CACHE_IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// One write-once PUT (`If-None-Match: *`).
#[derive(Clone, PartialEq, Eq)]
pub struct Put {
    /// What it is, for logs: `display`, `thumb` or `status`.
    pub role: &'static str,
    /// The object key.
    pub key: String,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its `Cache-Control`.
    pub cache_control: &'static str,
    /// Its bytes.
    pub body: Vec<u8>,
}

// Without the body, which may be an image.
impl std::fmt::Debug for Put {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Put")
            .field("role", &self.role)
            .field("key", &self.key)
            .field("content_type", &self.content_type)
            .field("bytes", &self.body.len())
            .finish()
    }
}

/// What became of an image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Its variants are published.
    Ready,
    /// It was refused, for this reason (the core's `Refusal::code`).
    Refused(&'static str),
}

/// The I/O for one upload, in order: the PUTs, then the DELETE of the upload's version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan {
    /// Write-once PUTs, in this order.
    pub puts: Vec<Put>,
    /// The upload's key, deleted last.
    pub delete_key: String,
    /// Its version (`None` on an unversioned bucket).
    pub delete_version: Option<String>,
    /// What the status object says.
    pub decision: Decision,
}

/// The plan for `upload` (version `version`) given what the core made of it.
pub fn plan(
    upload: &UploadKey,
    version: Option<&str>,
    result: &Result<Processed, Refusal>,
) -> Plan {
    let mut puts = Vec::with_capacity(3);
    let (status, decision) = match result {
        Ok(processed) => {
            let mut variants = serde_json::Map::new();
            for name in [VariantName::Display, VariantName::Thumb] {
                let Some(variant) = processed.variants.iter().find(|v| v.name == name) else {
                    continue;
                };
                variants.insert(
                    name.as_str().to_owned(),
                    json!({
                        "type": variant.media_type(),
                        "width": variant.width,
                        "height": variant.height,
                        "bytes": variant.bytes.len(),
                    }),
                );
                puts.push(Put {
                    role: name.as_str(),
                    key: upload.variant_key(name),
                    content_type: variant.media_type(),
                    cache_control: CACHE_IMMUTABLE,
                    body: variant.bytes.clone(),
                });
            }
            (
                json!({"state": "ready", "variants": variants}),
                Decision::Ready,
            )
        }
        Err(refusal) => (
            json!({
                "state": "refused",
                "reason": refusal.code(),
                "message": refusal.to_string(),
            }),
            Decision::Refused(refusal.code()),
        ),
    };
    puts.push(Put {
        role: "status",
        key: upload.status_key(),
        content_type: "application/json",
        cache_control: CACHE_IMMUTABLE,
        body: status.to_string().into_bytes(),
    });
    Plan {
        puts,
        delete_key: upload.upload_key(),
        delete_version: version.map(str::to_owned),
        decision,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use presigner_images::{process, DeclaredType, ImageKind, Settings};
    use serde_json::Value;

    fn upload() -> UploadKey {
        UploadKey::parse("uploads/u1/ツイート").unwrap()
    }

    #[test]
    fn a_refusal_writes_only_its_status_then_deletes_the_version() {
        let refusal = Refusal::TypeMismatch {
            declared: ImageKind::Png,
            found: ImageKind::Jpeg,
        };
        let p = plan(&upload(), Some("v1"), &Err(refusal));
        assert_eq!(p.decision, Decision::Refused("type_mismatch"));
        assert_eq!(p.puts.len(), 1);
        assert_eq!(p.puts[0].key, "images/u1/ツイート/status.json");
        assert_eq!(p.puts[0].content_type, "application/json");
        let status: Value = serde_json::from_slice(&p.puts[0].body).unwrap();
        assert_eq!(
            status,
            json!({"state": "refused", "reason": "type_mismatch",
                   "message": "declared image/png but the bytes are a JPEG image"})
        );
        assert_eq!(p.delete_key, "uploads/u1/ツイート");
        assert_eq!(p.delete_version.as_deref(), Some("v1"));
    }

    #[test]
    fn an_image_writes_display_then_thumb_then_status() {
        let png = presigner_test_support::s3::PNG;
        let processed = process(
            png,
            DeclaredType::from_media_type("image/png").unwrap(),
            &Settings::default(),
        );
        let p = plan(&upload(), None, &processed);
        assert_eq!(p.decision, Decision::Ready);
        let roles: Vec<&str> = p.puts.iter().map(|put| put.role).collect();
        assert_eq!(roles, ["display", "thumb", "status"]);
        assert_eq!(p.puts[0].key, "images/u1/ツイート/display");
        assert_eq!(p.puts[1].key, "images/u1/ツイート/thumb");
        assert!(p
            .puts
            .iter()
            .all(|put| put.cache_control == CACHE_IMMUTABLE));
        let processed = processed.unwrap();
        let status: Value = serde_json::from_slice(&p.puts[2].body).unwrap();
        assert_eq!(status["state"], "ready");
        for (put, name) in p
            .puts
            .iter()
            .zip([VariantName::Display, VariantName::Thumb])
        {
            let variant = processed.variants.iter().find(|v| v.name == name).unwrap();
            assert_eq!(put.body, variant.bytes);
            assert_eq!(put.content_type, variant.media_type());
            assert_eq!(
                status["variants"][name.as_str()]["type"],
                variant.media_type()
            );
            assert_eq!(status["variants"][name.as_str()]["width"], variant.width);
        }
        assert_eq!(p.delete_version, None);
        assert!(!format!("{p:?}").contains("137, 80"), "no bytes in Debug");
    }
}
