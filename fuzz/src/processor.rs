//! The `processor` target's property: the upload processor's event reading
//! (`presigner_processor::event::objects_created`) and key parsing (`key::UploadKey::parse`),
//! on any input. Shared by source with `crates/processor/tests/fuzz_regressions.rs`, which
//! replays the seeds and every find on stable (the processor is not a dependency of
//! presigner-test-support, whose tests it depends on).
//!
//! The first byte picks the mode, the rest is the input:
//!
//! - 0: an event, as JSON: never a panic; at least one report and at most `MAX_RECORDS`; each
//!   object read has a key of 1 to 1024 bytes and a version id of printable ASCII; each key
//!   that parses as an upload keeps the key properties below.
//! - 1: a key, as UTF-8: the key properties.
//! - 2: a key, put in an S3 notification (form-URL-encoded, as S3 writes it) and in an
//!   EventBridge event (plain): both read back exactly that key, with the version id and size.
//!
//! Key properties: an accepted key lies under `uploads/` with exactly one more `/`, round-trips
//! (`upload_key()` is the key, and parses again to the same value), names no `.` or `..`
//! segment, and maps to `images/{folder}/{tweetId}/...` keys under the same folder and id;
//! its caller reference is `sha256:` and 16 hex digits. A key that is refused says why.

use presigner_images::VariantName;
use presigner_processor::event::{objects_created, ObjectCreated, MAX_RECORDS};
use presigner_processor::key::{NotAnUpload, UploadKey, IMAGE_PREFIX, UPLOAD_PREFIX};
use serde_json::{json, Value};

/// Checks one fuzz input (see the module's documentation).
pub fn check_processor_input(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 3 {
        0 => {
            if let Ok(event) = serde_json::from_slice::<Value>(rest) {
                check_event(&event);
            }
        }
        1 => {
            if let Ok(key) = std::str::from_utf8(rest) {
                check_key(key);
            }
        }
        _ => {
            if let Ok(key) = std::str::from_utf8(rest) {
                check_key_in_events(key);
            }
        }
    }
}

/// An event's reports and the keys they name.
pub fn check_event(event: &Value) {
    let reports = objects_created(event);
    assert!(!reports.is_empty(), "every event is answered: {event}");
    assert!(reports.len() <= MAX_RECORDS);
    for report in reports {
        match report {
            Ok(object) => {
                check_object(&object);
                check_key(&object.key);
            }
            Err(skipped) => assert!(!skipped.code().is_empty()),
        }
    }
}

fn check_object(object: &ObjectCreated) {
    assert!(
        !object.key.is_empty() && object.key.len() <= 1024,
        "{object:?}"
    );
    if let Some(version) = &object.version_id {
        assert!(!version.is_empty() && version != "null", "{object:?}");
        assert!(version.bytes().all(|b| b.is_ascii_graphic()), "{object:?}");
    }
}

/// The key properties (module documentation).
pub fn check_key(key: &str) {
    let parsed = match UploadKey::parse(key) {
        Ok(parsed) => parsed,
        Err(why) => {
            let outside = !key.starts_with(UPLOAD_PREFIX);
            assert_eq!(
                why == NotAnUpload::OutsidePrefix,
                outside,
                "{key:?}: {why:?}"
            );
            assert!(!why.code().is_empty());
            return;
        }
    };
    let rest = key.strip_prefix(UPLOAD_PREFIX).expect("under uploads/");
    let segments: Vec<&str> = rest.split('/').collect();
    assert_eq!(segments.len(), 2, "{key:?}");
    for segment in &segments {
        assert!(
            !segment.is_empty() && *segment != "." && *segment != "..",
            "{key:?}"
        );
        assert!(!segment.contains(['%', '\\', '?', '#']), "{key:?}");
        assert!(!segment.chars().any(char::is_control), "{key:?}");
    }
    assert_eq!(parsed.folder(), segments[0]);
    assert_eq!(parsed.tweet_id(), segments[1]);
    assert_eq!(parsed.upload_key(), key, "round trip");
    assert_eq!(UploadKey::parse(&parsed.upload_key()), Ok(parsed.clone()));
    let dir = format!("{IMAGE_PREFIX}{}/{}/", segments[0], segments[1]);
    assert_eq!(
        parsed.variant_key(VariantName::Display),
        format!("{dir}display")
    );
    assert_eq!(
        parsed.variant_key(VariantName::Thumb),
        format!("{dir}thumb")
    );
    assert_eq!(parsed.status_key(), format!("{dir}status.json"));
    let caller = parsed.caller_ref();
    let digits = caller.strip_prefix("sha256:").expect("sha256: prefix");
    assert_eq!(digits.len(), 16, "{caller}");
    assert!(
        digits
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()),
        "{caller}"
    );
}

/// Form-URL-encodes `key` as S3 writes keys in notifications: a space is `+`, and every byte
/// but letters, digits and `-_.*/~` is `%XX`.
fn form_encode(key: &str) -> String {
    let mut out = String::with_capacity(key.len() * 3);
    for &b in key.as_bytes() {
        match b {
            b' ' => out.push('+'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' | b'/' | b'~' => {
                out.push(char::from(b))
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `key` through both event shapes reads back as itself.
pub fn check_key_in_events(key: &str) {
    let notification = json!({"Records": [{
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "s3": {"object": {"key": form_encode(key), "versionId": "v1", "size": 7}}
    }]});
    let eventbridge = json!({
        "source": "aws.s3",
        "detail-type": "Object Created",
        "detail": {"object": {"key": key, "version-id": "v1", "size": 7}}
    });
    for event in [notification, eventbridge] {
        let reports = objects_created(&event);
        assert_eq!(reports.len(), 1, "{event}");
        if key.is_empty() || key.len() > 1024 {
            assert!(reports[0].is_err(), "{event}");
            continue;
        }
        let object = reports[0].clone().expect("a plain key is read");
        assert_eq!(object.key, key, "{event}");
        assert_eq!(object.version_id.as_deref(), Some("v1"));
        assert_eq!(object.size, Some(7));
        check_object(&object);
        check_key(&object.key);
    }
}
