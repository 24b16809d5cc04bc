//! The two shapes an upload arrives in, read defensively from untyped JSON:
//!
//! - an S3 event notification: `{"Records": [{"eventSource": "aws:s3", "eventName":
//!   "ObjectCreated:Put", "s3": {"object": {"key", "versionId"?, "size"?}}}]}`, whose keys are
//!   form-URL-encoded (`+` for a space, `%E3%83%84` for `ツ`);
//! - an EventBridge event: `{"source": "aws.s3", "detail-type": "Object Created", "detail":
//!   {"object": {"key", "version-id"?, "size"?}}}`, whose keys are plain.
//!
//! Every field is hostile until checked: a wrong type, a missing field or a key that does not
//! decode makes that record [`Skipped`] with a reason, never a panic. A notification holds at
//! most [`MAX_RECORDS`] records (S3 sends one); the rest are skipped as a whole.

use serde_json::Value;

/// The most records one notification may carry before it is refused as a whole.
pub const MAX_RECORDS: usize = 100;
/// The longest key S3 allows, in bytes (the encoded form may be three times longer).
const MAX_KEY_BYTES: usize = 1024;
/// The longest version id accepted (S3's are 32 characters).
const MAX_VERSION_BYTES: usize = 1024;

/// One object created, as an event named it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectCreated {
    /// The object key, decoded.
    pub key: String,
    /// The version the event is about; `None` for an unversioned bucket (or S3's `"null"`).
    pub version_id: Option<String>,
    /// The size S3 reported, if any: a hint to refuse early, never trusted for reading.
    pub size: Option<u64>,
}

/// Why a record (or a whole event) is not acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// Neither an S3 notification nor an EventBridge event.
    UnknownShape,
    /// A notification with more than [`MAX_RECORDS`] records.
    TooManyRecords,
    /// A record or event that is not an object creation (a delete, a restore, a test event).
    NotACreation,
    /// A record without a usable `key` (missing, not a string, too long, not decodable).
    BadKey,
    /// A `versionId` that is not a string of printable ASCII.
    BadVersion,
}

impl Skipped {
    /// A stable name for the log line.
    pub fn code(self) -> &'static str {
        match self {
            Skipped::UnknownShape => "unknown_event_shape",
            Skipped::TooManyRecords => "too_many_records",
            Skipped::NotACreation => "not_an_object_creation",
            Skipped::BadKey => "bad_key",
            Skipped::BadVersion => "bad_version_id",
        }
    }
}

/// The objects an event names, each read or skipped; never empty.
pub fn objects_created(event: &Value) -> Vec<Result<ObjectCreated, Skipped>> {
    if let Some(records) = event.get("Records") {
        let Some(records) = records.as_array() else {
            return vec![Err(Skipped::UnknownShape)];
        };
        if records.len() > MAX_RECORDS {
            return vec![Err(Skipped::TooManyRecords)];
        }
        // Every event is answered by at least one report (one log line).
        if records.is_empty() {
            return vec![Err(Skipped::UnknownShape)];
        }
        return records.iter().map(notification_record).collect();
    }
    if event.get("detail-type").is_some() || event.get("detail").is_some() {
        return vec![eventbridge_event(event)];
    }
    vec![Err(Skipped::UnknownShape)]
}

fn notification_record(record: &Value) -> Result<ObjectCreated, Skipped> {
    let name = record.get("eventName").and_then(Value::as_str);
    if !name.is_some_and(|n| n.starts_with("ObjectCreated:")) {
        return Err(Skipped::NotACreation);
    }
    let (object, encoded) = object_and_key(record, "/s3/object")?;
    if encoded.len() > 3 * MAX_KEY_BYTES {
        return Err(Skipped::BadKey);
    }
    let key = form_decode(encoded).ok_or(Skipped::BadKey)?;
    object_created(key, object.get("versionId"), object.get("size"))
}

fn eventbridge_event(event: &Value) -> Result<ObjectCreated, Skipped> {
    if event.get("detail-type").and_then(Value::as_str) != Some("Object Created") {
        return Err(Skipped::NotACreation);
    }
    let (object, key) = object_and_key(event, "/detail/object")?;
    object_created(key.to_owned(), object.get("version-id"), object.get("size"))
}

/// The object at `pointer` in `event`, and its `key` as a string.
fn object_and_key<'a>(event: &'a Value, pointer: &str) -> Result<(&'a Value, &'a str), Skipped> {
    let object = event.pointer(pointer).ok_or(Skipped::BadKey)?;
    let key = object
        .get("key")
        .and_then(Value::as_str)
        .ok_or(Skipped::BadKey)?;
    Ok((object, key))
}

fn object_created(
    key: String,
    version: Option<&Value>,
    size: Option<&Value>,
) -> Result<ObjectCreated, Skipped> {
    if key.is_empty() || key.len() > MAX_KEY_BYTES {
        return Err(Skipped::BadKey);
    }
    let version_id = match version {
        None | Some(Value::Null) => None,
        Some(Value::String(v)) if v == "null" || v.is_empty() => None,
        Some(Value::String(v))
            if v.len() <= MAX_VERSION_BYTES && v.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Some(v.clone())
        }
        Some(_) => return Err(Skipped::BadVersion),
    };
    Ok(ObjectCreated {
        key,
        version_id,
        size: size.and_then(Value::as_u64),
    })
}

/// Decodes a form-URL-encoded key (`+` is a space, `%XX` a byte); `None` when the bytes are
/// not UTF-8. A broken escape (`%zz`) stays as it is, and no upload key may hold a `%`.
pub fn form_decode(encoded: &str) -> Option<String> {
    percent_encoding::percent_decode_str(&encoded.replace('+', " "))
        .decode_utf8()
        .ok()
        .map(|key| key.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn form_decoding() {
        assert_eq!(
            form_decode("uploads/a/%E3%83%84%E3%82%A4%E3%83%BC%E3%83%88").as_deref(),
            Some("uploads/a/ツイート")
        );
        assert_eq!(form_decode("a+b%2Bc").as_deref(), Some("a b+c"));
        assert_eq!(form_decode("a~7Cb").as_deref(), Some("a~7Cb"));
        for broken in ["%", "%4", "%zz"] {
            assert_eq!(form_decode(broken).as_deref(), Some(broken));
        }
        assert_eq!(form_decode("%+1").as_deref(), Some("% 1"));
        for bad in ["%FF", "%C3", "a%80"] {
            assert_eq!(form_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn hostile_shapes_are_skipped() {
        for (event, expected) in [
            (json!(null), Skipped::UnknownShape),
            (json!([]), Skipped::UnknownShape),
            (json!({"Records": 1}), Skipped::UnknownShape),
            (json!({"Records": []}), Skipped::UnknownShape),
            (
                json!({"Service": "Amazon S3", "Event": "s3:TestEvent"}),
                Skipped::UnknownShape,
            ),
            (json!({"Records": [1]}), Skipped::NotACreation),
            (
                json!({"Records": [{"eventName": "ObjectRemoved:Delete"}]}),
                Skipped::NotACreation,
            ),
            (
                json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": 5}}}]}),
                Skipped::BadKey,
            ),
            (
                json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "a", "versionId": 3}}}]}),
                Skipped::BadVersion,
            ),
            (
                json!({"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": {"key": "a", "versionId": "a\nb"}}}]}),
                Skipped::BadVersion,
            ),
            (
                json!({"detail-type": "Object Deleted", "detail": {"object": {"key": "a"}}}),
                Skipped::NotACreation,
            ),
            (
                json!({"detail-type": "Object Created", "detail": {"object": {}}}),
                Skipped::BadKey,
            ),
            (
                json!({"detail-type": "Object Created", "detail": {"object": {"key": ""}}}),
                Skipped::BadKey,
            ),
        ] {
            assert_eq!(objects_created(&event), vec![Err(expected)], "{event}");
        }
        let many = json!({"Records": vec![json!({}); MAX_RECORDS + 1]});
        assert_eq!(objects_created(&many), vec![Err(Skipped::TooManyRecords)]);
        let long = json!({"detail-type": "Object Created", "detail": {"object": {"key": "k".repeat(1025)}}});
        assert_eq!(objects_created(&long), vec![Err(Skipped::BadKey)]);
    }

    #[test]
    fn the_null_version_is_no_version_and_sizes_are_hints() {
        let event = json!({"Records": [{"eventName": "ObjectCreated:Post", "s3": {"object": {"key": "k", "versionId": "null", "size": "big"}}}]});
        assert_eq!(
            objects_created(&event),
            vec![Ok(ObjectCreated {
                key: "k".into(),
                version_id: None,
                size: None
            })]
        );
    }
}
