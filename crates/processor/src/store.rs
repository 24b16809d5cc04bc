//! The bucket, through URLs the processor presigns for itself (`presigner-s3`, no SDK) and
//! sends with [`Client`]: a capped GET of one version, write-once PUTs, a HEAD and the DELETE
//! of one version. Each answer is sorted into what the pipeline acts on; anything else is a
//! [`StoreError`], which fails the invocation so Lambda retries it.

use presigner::lambda::clock_now;
use presigner_s3::{Bucket, Expiry, Method, ObjectKey, ObjectRequest, Presigner};

use crate::http::{Body, Client, Request};
use crate::plan::Put;

/// The lifetime of the URLs the processor signs: they are used at once.
const URL_SECONDS: u64 = 60;

/// The bucket, its signer and the client.
pub struct Store {
    presigner: Presigner,
    bucket: Bucket,
    client: Client,
}

/// What a GET of the upload found.
#[derive(Debug)]
pub enum Fetched {
    /// The version is gone (deleted by an earlier run of the same event).
    Missing,
    /// The version, with the `Content-Type` it was uploaded with.
    Found {
        /// Its `Content-Type`.
        content_type: Option<String>,
        /// The version S3 says it served (`x-amz-version-id`), if any.
        version_id: Option<String>,
        /// Its bytes, or the news that they are over the cap.
        body: Body,
    },
}

/// What a write-once PUT did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// The object is new.
    Created,
    /// An object was already there (412 or 409): it is kept as it is.
    AlreadyThere,
}

/// An S3 request that failed: which one, and how. Never a URL, a key or a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError {
    /// `GET`, `PUT`, `HEAD` or `DELETE`.
    pub method: &'static str,
    /// What the object is: `upload`, `display`, `thumb` or `status`.
    pub role: &'static str,
    /// The status S3 answered, or what kept it from answering.
    pub problem: String,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} of the {} failed: {}",
            self.method, self.role, self.problem
        )
    }
}

impl std::error::Error for StoreError {}

impl Store {
    /// A store for `bucket`, signing with `presigner`.
    pub fn new(presigner: Presigner, bucket: Bucket) -> Self {
        Store {
            presigner,
            bucket,
            client: Client::default(),
        }
    }

    /// GETs `key` (at `version`), reading at most `cap` bytes.
    pub fn get(&self, key: &str, version: Option<&str>, cap: u64) -> Result<Fetched, StoreError> {
        let fail = error("GET", "upload");
        let query = version_query(version);
        let url = self.url(Method::Get, key, &[], &query).map_err(&fail)?;
        let response = self.send("GET", &url, &[], &[], cap).map_err(&fail)?;
        match response.status {
            200 => Ok(Fetched::Found {
                content_type: response.content_type,
                version_id: response.version_id,
                body: response.body,
            }),
            404 => Ok(Fetched::Missing),
            status => Err(fail(format!("S3 answered {status}"))),
        }
    }

    /// Whether `key` exists (HEAD; 404 is no).
    pub fn exists(&self, key: &str, role: &'static str) -> Result<bool, StoreError> {
        let fail = error("HEAD", role);
        let url = self.url(Method::Head, key, &[], &[]).map_err(&fail)?;
        let response = self.send("HEAD", &url, &[], &[], 0).map_err(&fail)?;
        match response.status {
            200 => Ok(true),
            404 => Ok(false),
            status => Err(fail(format!("S3 answered {status}"))),
        }
    }

    /// PUTs `put` with `If-None-Match: *`: an object already there is never replaced.
    pub fn put_once(&self, put: &Put) -> Result<Written, StoreError> {
        let fail = error("PUT", put.role);
        let headers = [
            ("cache-control", put.cache_control),
            ("content-type", put.content_type),
            ("if-none-match", "*"),
        ];
        let url = self
            .url(Method::Put, &put.key, &headers, &[])
            .map_err(&fail)?;
        let response = self
            .send("PUT", &url, &headers, &put.body, 4096)
            .map_err(&fail)?;
        match response.status {
            200 => Ok(Written::Created),
            // 409: another write-once PUT of the same key is in flight (S3's
            // ConditionalRequestConflict); either way the object is someone else's to write.
            412 | 409 => Ok(Written::AlreadyThere),
            status => Err(fail(format!("S3 answered {status}"))),
        }
    }

    /// DELETEs `key` at `version`; a version already gone is fine.
    pub fn delete(&self, key: &str, version: Option<&str>) -> Result<(), StoreError> {
        let fail = error("DELETE", "upload");
        let query = version_query(version);
        let url = self.url(Method::Delete, key, &[], &query).map_err(&fail)?;
        let response = self.send("DELETE", &url, &[], &[], 4096).map_err(&fail)?;
        match response.status {
            200 | 204 | 404 => Ok(()),
            status => Err(fail(format!("S3 answered {status}"))),
        }
    }

    fn url(
        &self,
        method: Method,
        key: &str,
        headers: &[(&str, &str)],
        query: &[(&str, &str)],
    ) -> Result<String, String> {
        let key = ObjectKey::new(key).map_err(|e| e.to_string())?;
        let expiry = Expiry::from_secs(URL_SECONDS).map_err(|e| e.to_string())?;
        let request = ObjectRequest {
            headers,
            query,
            ..ObjectRequest::new(method, &self.bucket, &key, expiry)
        };
        self.presigner
            .presign(&request, clock_now())
            .map_err(|e| e.to_string())
    }

    fn send(
        &self,
        method: &'static str,
        url: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        cap: u64,
    ) -> Result<crate::http::Response, String> {
        self.client
            .send(
                Request {
                    method,
                    url,
                    headers,
                    body,
                },
                cap,
            )
            .map_err(|e| e.to_string())
    }
}

fn version_query(version: Option<&str>) -> Vec<(&str, &str)> {
    version.map(|v| ("versionId", v)).into_iter().collect()
}

fn error(method: &'static str, role: &'static str) -> impl Fn(String) -> StoreError {
    move |problem| StoreError {
        method,
        role,
        problem,
    }
}
