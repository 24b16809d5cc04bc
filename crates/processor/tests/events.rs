//! The event shapes as AWS documents them (tests/events/, written after the examples in the
//! S3 user guide's "Event message structure" and "EventBridge event message structure"
//! pages, with this project's key and a made-up bucket): both name the same upload.

use presigner_processor::event::{objects_created, ObjectCreated};
use presigner_processor::key::UploadKey;

fn read(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/events/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn both_shapes_name_the_same_upload() {
    let expected = ObjectCreated {
        key: "uploads/auth0~7C5f7c/ツイート".to_owned(),
        version_id: Some("096fKKXTRTtl3on89fVO.nfljtsv6qko".to_owned()),
        size: Some(1024),
    };
    for name in ["s3-notification.json", "eventbridge-object-created.json"] {
        let objects = objects_created(&read(name));
        assert_eq!(objects, vec![Ok(expected.clone())], "{name}");
        let key = UploadKey::parse(&expected.key).unwrap();
        assert_eq!(key.tweet_id(), "ツイート");
        assert_eq!(key.folder(), "auth0~7C5f7c");
    }
}

/// Every field of the fixtures replaced by values of every other JSON type, one at a time:
/// the reader answers each without a panic.
#[test]
fn any_field_of_any_type_is_read_without_a_panic() {
    use serde_json::{json, Value};
    let replacements = [
        json!(null),
        json!(true),
        json!(-1),
        json!(1.5e300),
        json!(""),
        json!("%"),
        json!("null"),
        json!([]),
        json!({}),
        json!("k".repeat(5000)),
    ];
    fn paths(value: &Value, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        out.push(prefix.clone());
        match value {
            Value::Object(map) => {
                for (k, v) in map {
                    prefix.push(k.clone());
                    paths(v, prefix, out);
                    prefix.pop();
                }
            }
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    prefix.push(i.to_string());
                    paths(v, prefix, out);
                    prefix.pop();
                }
            }
            _ => {}
        }
    }
    let mut cases = 0;
    for name in ["s3-notification.json", "eventbridge-object-created.json"] {
        let event = read(name);
        let mut all = Vec::new();
        paths(&event, &mut Vec::new(), &mut all);
        for path in all {
            for replacement in &replacements {
                let mut changed = event.clone();
                let pointer: String = path
                    .iter()
                    .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
                    .collect();
                let slot = if path.is_empty() {
                    Some(&mut changed)
                } else {
                    changed.pointer_mut(&pointer)
                };
                *slot.unwrap_or_else(|| panic!("{pointer}")) = replacement.clone();
                let objects = objects_created(&changed);
                assert!(!objects.is_empty());
                cases += 1;
            }
        }
    }
    assert!(cases > 300, "{cases}");
}
