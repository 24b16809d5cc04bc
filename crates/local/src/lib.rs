//! The dev server (`presigner-local`): the API over plain HTTP with the same handler the
//! Lambda runs, the page, and the local stand-ins for AWS ([`presigner_local_aws`]: S3 and
//! CloudFront), whose S3 runs the upload pipeline's processor on every upload ([`pipeline`]),
//! as the deployed bucket invokes the processor's Lambda. Used by the `presigner-local`
//! binary and by the end-to-end tests.

use std::convert::Infallible;
use std::io;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use lambda_http::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use tokio::net::TcpListener;

pub mod assets;
pub mod pipeline;
pub mod settings;
pub mod sign_in;

pub use presigner_local_aws::{
    edge, lambda_env, lambda_env_with, mismatch, notifications, origins, serve_s3,
    serve_s3_notifying, AnyOrigin, EdgeSettings, LocalOrigins, Notifications, OriginCheck,
    ACCESS_KEY_ID, BUCKET, REGION, SECRET_ACCESS_KEY,
};
pub use sign_in::{local_caller, SignInError, LOCAL_BEARER};

use presigner::api::{ApiRequest, App, Caller};
use presigner::lambda::clock_now;

pub use assets::INDEX_HTML;

/// Serves the API (and the page, the contract and the client: [`assets`]) on `listener` until the task is dropped, logging one
/// line per request as the Lambda does. Browsers get answers only for pages from `origins`:
/// a page from any other origin is answered 403, saying how to allow it.
pub async fn serve_api(
    listener: TcpListener,
    app: Arc<App>,
    origins: Arc<LocalOrigins>,
) -> io::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        let (app, origins) = (app.clone(), origins.clone());
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let (app, origins) = (app.clone(), origins.clone());
                async move { Ok::<_, Infallible>(cors_checked(&origins, &app, req).await) }
            });
            let _ = ConnBuilder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(socket), service)
                .await;
        });
    }
}

/// The dev server's CORS rule around every answer, whatever the route: a request from a page
/// `origins` does not allow is refused (403, saying how to allow it) before anything else,
/// and the answer's `Access-Control-Allow-Origin` is the request's origin when allowed,
/// absent otherwise, instead of the Lambda's `CORS_ALLOW_ORIGIN`.
async fn cors_checked(
    origins: &LocalOrigins,
    app: &App,
    req: Request<Incoming>,
) -> Response<Full<Bytes>> {
    let request_headers = req.headers().clone();
    let mut response = match origins.check(&request_headers) {
        OriginCheck::Refused(origin) => json_response(
            StatusCode::FORBIDDEN,
            &origins::refusal("the dev server", &origin),
        ),
        _ => answer(app, req).await,
    };
    origins.apply(&request_headers, response.headers_mut());
    response
}

/// `{"message": ...}` with `status`, as the API's own errors.
fn json_response(status: StatusCode, message: &str) -> Response<Full<Bytes>> {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut r = Response::new(Full::new(Bytes::from(body)));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

async fn answer(app: &App, req: Request<Incoming>) -> Response<Full<Bytes>> {
    if let Some(r) = assets::response(req.method(), req.uri().path()) {
        return r;
    }
    let started = Instant::now();
    let (parts, body) = req.into_parts();
    // Read a little past the API's own limit, so an oversized body still gets its 400.
    let limit = presigner::api::body::MAX_BATCH_BODY_BYTES + 1024;
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let message = format!(
                "the body is too large: the dev server reads at most {limit} bytes (the API refuses a body over {} bytes)",
                presigner::api::body::MAX_BATCH_BODY_BYTES
            );
            return json_response(StatusCode::PAYLOAD_TOO_LARGE, &message);
        }
    };
    let sign_in = local_caller(
        parts
            .headers
            .get(header::AUTHORIZATION)
            .map(HeaderValue::as_bytes),
    );
    let request = ApiRequest {
        method: parts.method.as_str(),
        path: parts.uri.path().into(),
        body: Ok(bytes.as_ref().into()),
        caller: sign_in.clone().unwrap_or(Caller::Anonymous),
    };
    let mut reply = app.handle(&request, clock_now());
    // A sign-in the dev server cannot read is 401 saying the form it wants, on every route
    // that exists and takes POST (even downloads under DOWNLOAD_ACCESS=anyone): never taken
    // for no sign-in.
    if let Err(e) = &sign_in {
        if parts.method == Method::POST && matches!(reply.response.status, 200..=403) {
            reply.response.status = 401;
            reply.response.body = Some(serde_json::json!({ "message": e.to_string() }).to_string());
            reply
                .response
                .headers
                .retain(|(name, _)| *name != "www-authenticate");
            reply
                .response
                .headers
                .push(("www-authenticate", "Bearer".into()));
        }
    }
    static REQUESTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = REQUESTS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    println!(
        "{}",
        reply.log_line(&format!("local-{n}"), started.elapsed())
    );
    let mut response = Response::new(Full::new(Bytes::from(
        reply.response.body.unwrap_or_default(),
    )));
    *response.status_mut() =
        StatusCode::from_u16(reply.response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    for (name, value) in reply.response.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}
