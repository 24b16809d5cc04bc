//! One event through the pipeline: each object it names is read, judged by the image core,
//! published write-once or refused, and its upload version deleted. docs/pipeline.md has the
//! protocol and why it is idempotent.

use std::time::{Duration, Instant};

use presigner_images::{process, DeclaredType, Refusal, Settings};
use serde_json::{json, Value};

use crate::event::{objects_created, ObjectCreated};
use crate::http::Body;
use crate::key::UploadKey;
use crate::plan::{plan, Decision};
use crate::store::{Fetched, Store, StoreError, Written};

/// What became of one object of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Variants and a `ready` status were published; the upload version is deleted.
    Published,
    /// A `refused` status was published with this reason; the upload version is deleted.
    Refused(&'static str),
    /// The id's status object already existed (a repeat of this event, a replayed upload URL,
    /// a second upload or form POST to the same id): nothing published changed, and this
    /// upload version is deleted.
    AlreadyDecided,
    /// The upload version was gone and no status exists: nothing to do.
    UploadGone,
    /// Not an upload this pipeline handles (outside `uploads/`, a bad key, not a creation).
    Ignored(&'static str),
}

impl Outcome {
    fn code(&self) -> &'static str {
        match self {
            Outcome::Published => "published",
            Outcome::Refused(_) => "refused",
            Outcome::AlreadyDecided => "already_decided",
            Outcome::UploadGone => "upload_gone",
            Outcome::Ignored(_) => "ignored",
        }
    }
}

/// One object's result, with who uploaded it, for the log line.
#[derive(Debug)]
pub struct Report {
    /// The uploader's reference (`sha256:…`), when the key named one.
    pub caller: Option<String>,
    /// What happened, or the S3 request that failed.
    pub outcome: Result<Outcome, StoreError>,
    /// How long it took.
    pub elapsed: Duration,
}

impl Report {
    /// The log line: the Lambda request id, the outcome (and its reason), the uploader's
    /// reference and the duration. Never a key, an id, a URL or a byte of the image.
    pub fn log_line(&self, request_id: &str) -> String {
        let mut line = json!({
            "request_id": request_id,
            "duration_us": u64::try_from(self.elapsed.as_micros()).unwrap_or(u64::MAX),
        });
        match &self.outcome {
            Ok(outcome) => {
                line["outcome"] = json!(outcome.code());
                if let Outcome::Refused(reason) | Outcome::Ignored(reason) = outcome {
                    line["reason"] = json!(reason);
                }
            }
            Err(e) => {
                line["outcome"] = json!("error");
                line["error"] = json!(e.to_string());
            }
        }
        if let Some(caller) = &self.caller {
            line["caller"] = json!(caller);
        }
        line.to_string()
    }
}

/// Runs every object of `event` through the pipeline, one report each.
pub fn handle_event(store: &Store, settings: &Settings, event: &Value) -> Vec<Report> {
    objects_created(event)
        .into_iter()
        .map(|object| {
            let started = Instant::now();
            let (caller, outcome) = match object {
                Ok(object) => handle_object(store, settings, &object),
                Err(skipped) => (None, Ok(Outcome::Ignored(skipped.code()))),
            };
            Report {
                caller,
                outcome,
                elapsed: started.elapsed(),
            }
        })
        .collect()
}

/// One object: its caller reference and outcome.
fn handle_object(
    store: &Store,
    settings: &Settings,
    object: &ObjectCreated,
) -> (Option<String>, Result<Outcome, StoreError>) {
    let upload = match UploadKey::parse(&object.key) {
        Ok(upload) => upload,
        Err(why) => return (None, Ok(Outcome::Ignored(why.code()))),
    };
    (
        Some(upload.caller_ref()),
        publish(store, settings, &upload, object),
    )
}

fn publish(
    store: &Store,
    settings: &Settings,
    upload: &UploadKey,
    object: &ObjectCreated,
) -> Result<Outcome, StoreError> {
    let version = object.version_id.as_deref();
    let upload_key = upload.upload_key();
    // The status object is the id's one decision: once it exists, no upload changes it.
    if store.exists(&upload.status_key(), "status")? {
        store.delete(&upload_key, version)?;
        return Ok(Outcome::AlreadyDecided);
    }
    let cap = settings.limits.max_bytes;
    // The version to delete: the event's, or else the one S3 says it served, so that even an
    // event without a version id never leaves the bytes behind a delete marker.
    let mut served_version = None;
    let result = match object.size {
        // S3's own figure: refuse without reading. Below the cap it is only a hint.
        Some(size) if size > cap => Err(Refusal::TooManyBytes {
            bytes: size,
            limit: cap,
        }),
        _ => match store.get(&upload_key, version, cap)? {
            Fetched::Missing => return Ok(Outcome::UploadGone),
            Fetched::Found {
                body,
                content_type,
                version_id,
            } => {
                served_version = version_id;
                match body {
                    Body::TooLarge => Err(Refusal::TooManyBytes {
                        bytes: cap + 1,
                        limit: cap,
                    }),
                    Body::Read(bytes) => {
                        DeclaredType::from_media_type(content_type.as_deref().unwrap_or(""))
                            .and_then(|declared| process(&bytes, declared, settings))
                    }
                }
            }
        },
    };
    let version = version.or(served_version.as_deref());
    let plan = plan(upload, version, &result);
    drop(result);
    let mut status_written = Written::Created;
    for put in &plan.puts {
        status_written = store.put_once(put)?;
    }
    store.delete(&plan.delete_key, plan.delete_version.as_deref())?;
    Ok(match (status_written, plan.decision) {
        // Another upload to the same id decided first, between our HEAD and our PUT.
        (Written::AlreadyThere, _) => Outcome::AlreadyDecided,
        (Written::Created, Decision::Ready) => Outcome::Published,
        (Written::Created, Decision::Refused(reason)) => Outcome::Refused(reason),
    })
}
