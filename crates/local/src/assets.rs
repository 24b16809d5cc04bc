//! The files the dev server serves beside the API, each built into the binary so it stays
//! self-contained: the page at `/`, the API's contract at `/openapi.yaml` and the JS client
//! (`clients/js`, `@presigner/client`) at `/client/index.js`, which the page imports.

use http_body_util::Full;
use hyper::body::Bytes;
use lambda_http::http::{header, HeaderValue, Method, Response};

/// One file served on `GET`.
pub struct Asset {
    /// Where it is served.
    pub path: &'static str,
    /// Its `Content-Type`.
    pub content_type: &'static str,
    /// Its bytes.
    pub body: &'static str,
}

/// The page at `/`: the original front end's job in one file.
pub const INDEX_HTML: &str = include_str!("index.html");

/// Everything served besides the API.
pub const ASSETS: [Asset; 3] = [
    Asset {
        path: "/",
        content_type: "text/html; charset=utf-8",
        body: INDEX_HTML,
    },
    Asset {
        path: "/openapi.yaml",
        content_type: "application/yaml; charset=utf-8",
        body: include_str!("../../../openapi.yaml"),
    },
    Asset {
        path: "/client/index.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_str!("../../../clients/js/src/index.js"),
    },
];

/// The answer to `GET path` if `path` is one of [`ASSETS`].
pub fn response(method: &Method, path: &str) -> Option<Response<Full<Bytes>>> {
    let asset = ASSETS.iter().find(|a| a.path == path)?;
    if method != Method::GET {
        return None;
    }
    let mut r = Response::new(Full::new(Bytes::from_static(asset.body.as_bytes())));
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    // Who may read it across origins (a front end on another port importing the client) is
    // the dev server's one rule, applied around every answer: never `*`.
    Some(r)
}
