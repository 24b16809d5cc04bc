//! The one HTTPS client the processor sends its presigned requests with: blocking, rustls on
//! ring. `ureq` by default; `minreq` under the `client-minreq` feature, kept so the choice
//! can be measured again (docs/pipeline.md, bench/processor.md). Both answer the same small
//! interface: a request out, the status, `Content-Type` and at most `cap` bytes of body in.
//!
//! A presigned URL is a bearer credential: no error here carries it, or any part of it.

use std::io::Read;
use std::time::Duration;

/// How long one request may take, end to end.
const TIMEOUT: Duration = Duration::from_secs(30);

/// A request: method, presigned URL, the headers it was signed with, a body.
#[derive(Clone, Copy)]
pub struct Request<'a> {
    /// `GET`, `PUT`, `HEAD` or `DELETE`.
    pub method: &'static str,
    /// The presigned URL.
    pub url: &'a str,
    /// Headers to send (each one signed into the URL).
    pub headers: &'a [(&'a str, &'a str)],
    /// The body (empty for all but PUT).
    pub body: &'a [u8],
}

/// What came back.
#[derive(Debug)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The `Content-Type` header, if it was text.
    pub content_type: Option<String>,
    /// The `x-amz-version-id` header, if it was text.
    pub version_id: Option<String>,
    /// The body, or the news that it is longer than the cap.
    pub body: Body,
}

/// A response body read under a cap, counted as it arrives (`Content-Length` is not trusted).
pub enum Body {
    /// All of it.
    Read(Vec<u8>),
    /// More than the cap: reading stopped there.
    TooLarge,
}

// Never the bytes, which may be an image.
impl std::fmt::Debug for Body {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Body::Read(bytes) => write!(f, "Read({} bytes)", bytes.len()),
            Body::TooLarge => f.write_str("TooLarge"),
        }
    }
}

/// A request that got no answer: connection, TLS, timeout or a malformed response. The
/// message names the class, never the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError(pub String);

impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Reads at most `cap` bytes of `reader`; one byte more means [`Body::TooLarge`].
fn read_capped(reader: impl Read, cap: u64) -> std::io::Result<Body> {
    let mut bytes = Vec::new();
    reader.take(cap.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok(if bytes.len() as u64 > cap {
        Body::TooLarge
    } else {
        Body::Read(bytes)
    })
}

#[cfg(feature = "client-ureq")]
mod backend {
    use super::{read_capped, Request, Response, TransportError, TIMEOUT};

    /// The client: one agent, its connections kept between requests and invocations.
    pub struct Client(ureq::Agent);

    impl Default for Client {
        /// A client that hands every status back as a response, not an error.
        fn default() -> Self {
            let config = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_global(Some(TIMEOUT))
                .build();
            Client(config.into())
        }
    }

    impl Client {
        /// Sends `request`, reading at most `cap` bytes of the answer's body.
        pub fn send(&self, request: Request<'_>, cap: u64) -> Result<Response, TransportError> {
            let mut builder = ureq::http::Request::builder()
                .method(request.method)
                .uri(request.url);
            for (name, value) in request.headers {
                builder = builder.header(*name, *value);
            }
            let http_request = builder
                .body(request.body)
                .map_err(|_| TransportError("the request could not be built".to_owned()))?;
            // S3 may close a kept-alive connection at any time (when idle, or after answering
            // early, as with a 412 before the body was read): a request that then fails on
            // the reused connection with an I/O error is sent once more, on a new one. Every
            // request the processor sends may be repeated: a GET, a HEAD, the DELETE of one
            // version and a write-once PUT (a repeat that finds its own first write gets 412,
            // which the pipeline takes as already written).
            let mut response = match self.0.run(http_request.clone()) {
                Err(ureq::Error::Io(_)) => self.0.run(http_request),
                first => first,
            }
            .map_err(|e| classify(&e))?;
            let status = response.status().as_u16();
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let content_type = header("content-type");
            let version_id = header("x-amz-version-id");
            let body = read_capped(response.body_mut().as_reader(), cap)
                .map_err(|e| TransportError(format!("reading the body: {}", e.kind())))?;
            Ok(Response {
                status,
                content_type,
                version_id,
                body,
            })
        }
    }

    /// The class of a ureq error, without the URL some of its messages hold.
    fn classify(error: &ureq::Error) -> TransportError {
        let class = match error {
            ureq::Error::Io(e) => return TransportError(format!("i/o error: {}", e.kind())),
            ureq::Error::Timeout(_) => "timed out",
            ureq::Error::HostNotFound => "host not found",
            ureq::Error::ConnectionFailed => "connection failed",
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) => "TLS error",
            ureq::Error::Protocol(_) => "malformed HTTP response",
            _ => "HTTP client error",
        };
        TransportError(class.to_owned())
    }
}

#[cfg(all(feature = "client-minreq", not(feature = "client-ureq")))]
mod backend {
    use super::{read_capped, Request, Response, TransportError, TIMEOUT};

    /// The client: minreq opens a connection per request, so it holds nothing.
    #[derive(Default)]
    pub struct Client {
        _stateless: (),
    }

    impl Client {
        /// Sends `request`, reading at most `cap` bytes of the answer's body.
        pub fn send(&self, request: Request<'_>, cap: u64) -> Result<Response, TransportError> {
            let method = match request.method {
                "GET" => minreq::Method::Get,
                "PUT" => minreq::Method::Put,
                "HEAD" => minreq::Method::Head,
                _ => minreq::Method::Delete,
            };
            let mut http_request = minreq::Request::new(method, request.url)
                .with_timeout(TIMEOUT.as_secs())
                .with_body(request.body.to_vec());
            for (name, value) in request.headers {
                http_request = http_request.with_header(*name, *value);
            }
            let response = http_request
                .send_lazy()
                .map_err(|_| TransportError("HTTP client error".to_owned()))?;
            let status = response.status_code as u16;
            let content_type = response.headers.get("content-type").cloned();
            let version_id = response.headers.get("x-amz-version-id").cloned();
            // minreq reads a body after a 204 (S3's answer to DELETE) until the server closes
            // the connection, which a keep-alive server never does: HEAD, 204 and 304 have none.
            let body = if request.method == "HEAD" || matches!(status, 204 | 304) {
                super::Body::Read(Vec::new())
            } else {
                read_capped(response, cap)
                    .map_err(|e| TransportError(format!("reading the body: {}", e.kind())))?
            };
            Ok(Response {
                status,
                content_type,
                version_id,
                body,
            })
        }
    }
}

pub use backend::Client;
