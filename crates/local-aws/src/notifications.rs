//! The local S3's event notifications, as a bucket's notification configuration sends them
//! to a Lambda: once an object whose key starts with the configured prefix is stored by a
//! PUT or a POST form, one S3 event (`ObjectCreated:Put` or `ObjectCreated:Post`, the key
//! form-URL-encoded, its size and ETag) is handed to the target, asynchronously: S3 invokes
//! the function asynchronously, so the uploader's answer never waits for it, and the target
//! runs on a blocking thread of its own.
//!
//! How the local S3 knows what it stored: s3s calls its access hook ([`RecordStored`]) with the
//! bucket and key of each PUT and POST it is about to store, which records them in the
//! request's [`StoredSlot`]; the server reads the slot once the answer is a success.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use s3s::access::S3Access;
use s3s::dto::{PostObjectInput, PutObjectInput};
use s3s::{S3Request, S3Result};
use serde_json::{json, Value};

/// What receives each event: the processor's handler, in the dev server.
pub type Target = dyn Fn(Value) + Send + Sync;

/// A bucket's notification configuration: events for keys under `prefix` go to `target`.
#[derive(Clone)]
pub struct Notifications {
    prefix: String,
    region: String,
    target: Arc<Target>,
}

impl std::fmt::Debug for Notifications {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notifications")
            .field("prefix", &self.prefix)
            .field("region", &self.region)
            .finish_non_exhaustive()
    }
}

/// How the object was stored, as the event names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creation {
    /// A PUT (`ObjectCreated:Put`).
    Put,
    /// A POST form (`ObjectCreated:Post`).
    Post,
}

impl Creation {
    fn event_name(self) -> &'static str {
        match self {
            Creation::Put => "ObjectCreated:Put",
            Creation::Post => "ObjectCreated:Post",
        }
    }
}

/// One object a request stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored {
    /// The bucket.
    pub bucket: String,
    /// The key, decoded.
    pub key: String,
    /// PUT or POST.
    pub creation: Creation,
    /// Its size in bytes.
    pub size: u64,
    /// Its ETag, without quotes, when the answer carried one.
    pub etag: Option<String>,
}

/// Where s3s's access hook records the object a request is about to store.
#[derive(Debug, Clone, Default)]
pub struct StoredSlot(Arc<Mutex<Option<(String, String, Creation)>>>);

impl StoredSlot {
    fn record(&self, bucket: &str, key: &str, creation: Creation) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some((bucket.to_owned(), key.to_owned(), creation));
        }
    }

    fn take(&self) -> Option<(String, String, Creation)> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// s3s's access hook: checks as s3s does by default (a request must be signed) and records
/// the bucket and key of each PUT and POST in the request's [`StoredSlot`].
pub struct RecordStored;

#[async_trait::async_trait]
impl S3Access for RecordStored {
    async fn put_object(&self, req: &mut S3Request<PutObjectInput>) -> S3Result<()> {
        if let Some(slot) = req.extensions.get::<StoredSlot>() {
            slot.record(&req.input.bucket, &req.input.key, Creation::Put);
        }
        Ok(())
    }

    async fn post_object(&self, req: &mut S3Request<PostObjectInput>) -> S3Result<()> {
        if let Some(slot) = req.extensions.get::<StoredSlot>() {
            slot.record(&req.input.bucket, &req.input.key, Creation::Post);
        }
        Ok(())
    }
}

impl Notifications {
    /// Events for every object stored under `prefix` go to `target`, in `region`'s shape.
    pub fn new(prefix: &str, region: &str, target: impl Fn(Value) + Send + Sync + 'static) -> Self {
        Notifications {
            prefix: prefix.to_owned(),
            region: region.to_owned(),
            target: Arc::new(target),
        }
    }

    /// After an answer of `status` (with its `ETag`) to a request whose `slot` the access hook
    /// filled: when an object under the prefix was stored, its event is sent to the target on
    /// a blocking thread, and this returns at once.
    pub(crate) fn after(&self, slot: &StoredSlot, status: u16, etag: Option<&str>, root: &Path) {
        let Some((bucket, key, creation)) = slot.take() else {
            return;
        };
        if !(200..300).contains(&status) || !key.starts_with(&self.prefix) {
            return;
        }
        let path: PathBuf = root.join(&bucket).join(&key);
        let Ok(metadata) = std::fs::metadata(path) else {
            return;
        };
        let stored = Stored {
            bucket,
            key,
            creation,
            size: metadata.len(),
            etag: etag.map(|e| e.trim_matches('"').to_owned()),
        };
        let event = event(&stored, &self.region, time::OffsetDateTime::now_utc());
        let target = self.target.clone();
        tokio::task::spawn_blocking(move || target(event));
    }
}

/// What S3 leaves as it is in a notification's key; everything else is percent-encoded and a
/// space is `+` (form-URL-encoding).
const KEY_KEEPS: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'*')
    .remove(b'/')
    .remove(b' ');

/// `key` as S3 writes it in an event notification: form-URL-encoded.
pub fn form_encode(key: &str) -> String {
    utf8_percent_encode(key, KEY_KEEPS)
        .to_string()
        .replace(' ', "+")
}

/// The S3 event notification for `stored`, as S3 sends it to a Lambda (one record, event
/// version 2.1), at `now`. The local bucket is not versioned, so the record has no
/// `versionId`, as S3's records for an unversioned bucket have none.
pub fn event(stored: &Stored, region: &str, now: time::OffsetDateTime) -> Value {
    let mut object = json!({
        "key": form_encode(&stored.key),
        "size": stored.size,
        "sequencer": format!("{:016X}", now.unix_timestamp_nanos()),
    });
    if let Some(etag) = &stored.etag {
        object["eTag"] = json!(etag);
    }
    json!({"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": region,
        "eventTime": event_time(now),
        "eventName": stored.creation.event_name(),
        "userIdentity": {"principalId": "local"},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": "local", "x-amz-id-2": "local"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "uploads",
            "bucket": {
                "name": stored.bucket,
                "ownerIdentity": {"principalId": "local"},
                "arn": format!("arn:aws:s3:::{}", stored.bucket),
            },
            "object": object,
        },
    }]})
}

/// `2026-12-07T03:04:05.678Z`, as S3 writes `eventTime`.
fn event_time(now: time::OffsetDateTime) -> String {
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        now.year(),
        u8::from(now.month()),
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_form_url_encoded_as_s3_writes_them() {
        assert_eq!(
            form_encode("uploads/auth0~7C5f7c/ツイート"),
            "uploads/auth0%7E7C5f7c/%E3%83%84%E3%82%A4%E3%83%BC%E3%83%88"
        );
        assert_eq!(form_encode("uploads/a b+c"), "uploads/a+b%2Bc");
    }

    #[test]
    fn the_event_is_an_s3_notification_record() {
        let stored = Stored {
            bucket: "b".into(),
            key: "uploads/u/a b".into(),
            creation: Creation::Post,
            size: 42,
            etag: Some("abc".into()),
        };
        let now = time::OffsetDateTime::from_unix_timestamp(1_796_612_645).unwrap();
        let e = event(&stored, "us-east-1", now);
        let r = &e["Records"][0];
        assert_eq!(r["eventName"], "ObjectCreated:Post");
        assert_eq!(r["eventSource"], "aws:s3");
        assert_eq!(r["eventTime"], "2026-12-07T03:04:05.000Z");
        assert_eq!(r["s3"]["bucket"]["name"], "b");
        assert_eq!(r["s3"]["object"]["key"], "uploads/u/a+b");
        assert_eq!(r["s3"]["object"]["size"], 42);
        assert_eq!(r["s3"]["object"]["eTag"], "abc");
        assert!(r["s3"]["object"].get("versionId").is_none());
    }
}
