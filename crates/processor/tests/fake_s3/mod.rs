//! A small versioned S3 on 127.0.0.1 for the processor's tests, for what the in-process
//! s3s-fs does not do: versions (s3s-fs ignores `versionId`, so it cannot show that the
//! upload's exact version is gone rather than hidden behind a delete marker) and failures on
//! demand (500, 403 on a chosen request). Path-style only. Every request's presigned URL is
//! checked by the test support's independent SigV4 verifier; a bad one gets 403.

// Each test file and the cold-start example use part of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

use presigner_test_support::verifier;

pub const BUCKET: &str = "fake-bucket";
pub const ACCESS_KEY: &str = "AKIDFAKES3";
pub const SECRET: &str = "fake-s3-secret";

/// One stored version.
#[derive(Debug, Clone)]
pub struct Version {
    pub id: String,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub bytes: Vec<u8>,
}

/// A request as the server saw it: method, decoded key, query and headers.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub key: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
}

/// A failure to answer with: the `nth` request (from 1) matching `method` and a key ending
/// in `key_suffix` gets `status`.
#[derive(Debug, Clone)]
pub struct Failure {
    pub method: &'static str,
    pub key_suffix: String,
    pub status: u16,
    pub times: usize,
}

#[derive(Default)]
struct State {
    /// Key → its versions, oldest first.
    objects: HashMap<String, Vec<Version>>,
    next_version: u64,
    seen: Vec<Seen>,
    failures: Vec<Failure>,
}

#[derive(Clone)]
pub struct FakeS3 {
    pub port: u16,
    state: Arc<Mutex<State>>,
    connections: Arc<AtomicUsize>,
}

impl FakeS3 {
    pub fn start() -> FakeS3 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let state: Arc<Mutex<State>> = Arc::default();
        let shared = state.clone();
        let connections: Arc<AtomicUsize> = Arc::default();
        let counted = connections.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                counted.fetch_add(1, Ordering::SeqCst);
                let shared = shared.clone();
                thread::spawn(move || serve(stream, port, shared));
            }
        });
        FakeS3 {
            port,
            state,
            connections,
        }
    }

    /// How many TCP connections clients have opened so far.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The environment the processor reads, pointed here.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("S3_BUCKET_NAME", BUCKET.to_owned()),
            ("AWS_REGION", "us-east-1".to_owned()),
            ("S3_ENDPOINT_URL", self.endpoint()),
            ("S3_FORCE_PATH_STYLE", "true".to_owned()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY.to_owned()),
            ("AWS_SECRET_ACCESS_KEY", SECRET.to_owned()),
        ]
    }

    /// Stores a new version of `key` as an upload would; returns its version id.
    pub fn upload(&self, key: &str, content_type: &str, bytes: &[u8]) -> String {
        put_version(
            &mut self.state.lock().unwrap(),
            key,
            Some(content_type.to_owned()),
            None,
            bytes.to_vec(),
        )
    }

    /// Every version of `key`, oldest first.
    pub fn versions(&self, key: &str) -> Vec<Version> {
        let state = self.state.lock().unwrap();
        state.objects.get(key).cloned().unwrap_or_default()
    }

    /// The current version of `key`.
    pub fn current(&self, key: &str) -> Option<Version> {
        self.versions(key).pop()
    }

    /// Every key with at least one version.
    pub fn keys(&self) -> Vec<String> {
        let state = self.state.lock().unwrap();
        let mut keys: Vec<String> = state
            .objects
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, _)| k.clone())
            .collect();
        keys.sort();
        keys
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    pub fn clear_seen(&self) {
        self.state.lock().unwrap().seen.clear();
    }

    pub fn fail(&self, failure: Failure) {
        self.state.lock().unwrap().failures.push(failure);
    }
}

fn put_version(
    state: &mut State,
    key: &str,
    content_type: Option<String>,
    cache_control: Option<String>,
    bytes: Vec<u8>,
) -> String {
    state.next_version += 1;
    let id = format!("v{:04}.{}", state.next_version, "x".repeat(4));
    state
        .objects
        .entry(key.to_owned())
        .or_default()
        .push(Version {
            id: id.clone(),
            content_type,
            cache_control,
            bytes,
        });
    id
}

fn serve(stream: TcpStream, port: u16, state: Arc<Mutex<State>>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut out = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_owned();
        let target = parts.next().unwrap_or("").to_owned();
        let mut headers: Vec<(String, String)> = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((name, value)) = h.split_once(':') {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
            }
        }
        let header = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let length: usize = header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let mut body = vec![0; length];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, extra, reply) = answer(&method, &target, &headers, body, port, &state);
        // As S3 answers a DELETE: 204 and no Content-Length (a client must not wait for a body).
        let mut head = if status == 204 {
            "HTTP/1.1 204 No Content\r\n".to_owned()
        } else {
            format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", reply.len())
        };
        for (name, value) in extra {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if method != "HEAD" {
            bytes.extend_from_slice(&reply);
        }
        if out.write_all(&bytes).is_err() {
            return;
        }
    }
}

type Answer = (u16, Vec<(&'static str, String)>, Vec<u8>);

fn answer(
    method: &str,
    target: &str,
    headers: &[(String, String)],
    body: Vec<u8>,
    port: u16,
    state: &Mutex<State>,
) -> Answer {
    let url = format!("http://127.0.0.1:{port}{target}");
    // What S3 checks: the headers the URL names as signed (the verifier adds `host`).
    let signed = target
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("X-Amz-SignedHeaders="))
        .map(|v| v.replace("%3B", ";"))
        .unwrap_or_default();
    let header_refs: Vec<(&str, &str)> = headers
        .iter()
        .filter(|(n, _)| n != "host" && signed.split(';').any(|s| s == n))
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let endpoint = format!("http://127.0.0.1:{port}");
    let verified = std::panic::catch_unwind(|| {
        verifier::verify(&url, SECRET, method, &header_refs, BUCKET, &endpoint)
    });
    let Ok(key) = verified else {
        return (403, vec![], b"SignatureDoesNotMatch".to_vec());
    };
    let query = target.split_once('?').map_or("", |(_, q)| q).to_owned();
    let version = query
        .split('&')
        .find_map(|p| p.strip_prefix("versionId="))
        .map(|v| {
            percent_encoding::percent_decode_str(v)
                .decode_utf8()
                .unwrap()
                .into_owned()
        });
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    let mut state = state.lock().unwrap();
    state.seen.push(Seen {
        method: method.to_owned(),
        key: key.clone(),
        query: query.clone(),
        headers: headers.to_vec(),
    });
    if let Some(i) = state
        .failures
        .iter()
        .position(|f| f.method == method && key.ends_with(&f.key_suffix) && f.times > 0)
    {
        state.failures[i].times -= 1;
        return (
            state.failures[i].status,
            vec![],
            b"InjectedFailure".to_vec(),
        );
    }
    let versions = state.objects.entry(key.clone()).or_default();
    let exists = !versions.is_empty();
    let found = match &version {
        Some(id) => versions.iter().find(|v| &v.id == id).cloned(),
        None => versions.last().cloned(),
    };
    match method {
        "GET" | "HEAD" => match found {
            Some(v) => {
                let mut extra = vec![("x-amz-version-id", v.id.clone())];
                if let Some(ct) = &v.content_type {
                    extra.push(("Content-Type", ct.clone()));
                }
                (200, extra, v.bytes)
            }
            None => (404, vec![], b"NoSuchKey".to_vec()),
        },
        "PUT" => {
            if header("if-none-match").as_deref() == Some("*") && exists {
                return (412, vec![], b"PreconditionFailed".to_vec());
            }
            let id = put_version(
                &mut state,
                &key,
                header("content-type"),
                header("cache-control"),
                body,
            );
            (200, vec![("x-amz-version-id", id)], vec![])
        }
        "DELETE" => match version {
            Some(id) => {
                if let Some(versions) = state.objects.get_mut(&key) {
                    versions.retain(|v| v.id != id);
                }
                (204, vec![], vec![])
            }
            // Without a version, S3 adds a delete marker and keeps every version: the fake
            // records that as a version with no bytes, so a test sees what was kept.
            None => {
                put_version(&mut state, &key, None, None, Vec::new());
                (204, vec![], vec![])
            }
        },
        _ => (405, vec![], vec![]),
    }
}
