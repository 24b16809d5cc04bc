//! The local run (feature `local`): a real S3 over a folder, and the API over plain HTTP with
//! the same handler the Lambda runs. Used by `presigner-local` and by the end-to-end tests.
//!
//! The S3 side is s3s-fs: it checks SigV4 presigned URLs strictly (signature, method, key,
//! signed headers, expiry) and answers 403 as S3 does, wrapped in a CORS layer so a browser
//! page can PUT and GET from it.

use std::convert::Infallible;
use std::io;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use hyper_util::service::TowerToHyperService;
use lambda_http::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub mod assets;
pub mod edge;

use presigner::api::{ApiRequest, App, Caller};
use presigner::lambda::clock_now;

/// The local S3's fixed access key id; it signs for nothing outside this machine.
pub const ACCESS_KEY_ID: &str = "LOCALDEVACCESSKEY";
/// The local S3's fixed secret.
pub const SECRET_ACCESS_KEY: &str = "local-dev-secret-not-an-aws-key";
/// The bucket the local run stores images in.
pub const BUCKET: &str = "presigner-local";
/// The region the local run signs for.
pub const REGION: &str = "us-east-1";

/// The environment the Lambda would see, pointed at the local S3 on `s3_port`.
pub fn lambda_env(s3_port: u16) -> Vec<(&'static str, String)> {
    lambda_env_with(s3_port, None)
}

/// A local edge for [`lambda_env_with`]: its port and the PEM private key of its key group.
pub struct EdgeSettings {
    pub port: u16,
    pub private_key_pem: String,
}

/// [`lambda_env`], with download URLs through the local edge when `edge` is given (as the
/// template's `Downloads=CloudFront` sets `CLOUDFRONT_*`).
pub fn lambda_env_with(s3_port: u16, edge: Option<&EdgeSettings>) -> Vec<(&'static str, String)> {
    let mut env = vec![
        ("S3_BUCKET_NAME", BUCKET.to_owned()),
        ("AWS_REGION", REGION.to_owned()),
        ("S3_ENDPOINT_URL", format!("http://127.0.0.1:{s3_port}")),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_owned()),
        // The body is not trusted, as deployed: the dev server plays the authorizer
        // ([`local_caller`]).
    ];
    if let Some(edge) = edge {
        env.push((
            "CLOUDFRONT_DOMAIN",
            format!("http://127.0.0.1:{}", edge.port),
        ));
        env.push(("CLOUDFRONT_KEY_PAIR_ID", edge::LOCAL_KEY_PAIR_ID.to_owned()));
        env.push(("CLOUDFRONT_PRIVATE_KEY", edge.private_key_pem.clone()));
    }
    env
}

/// The prefix of a local sign-in: `Authorization: Bearer local:<name>`.
pub const LOCAL_BEARER: &str = "Bearer local:";

/// The caller a local request's `Authorization` header names, as an authorizer would vouch
/// for it: `Bearer local:<name>`, with `<name>` 1 to 32 of `a-z`, `0-9`, `-`, `_`, is the
/// subject `<name>`; anything else is no sign-in at all. Only this dev server accepts it:
/// the Lambda never reads an `Authorization` header, and a deployed API's authorizer
/// refuses the token.
pub fn local_caller(authorization: Option<&[u8]>) -> Caller {
    let name = authorization
        .and_then(|value| value.strip_prefix(LOCAL_BEARER.as_bytes()))
        .filter(|name| {
            (1..=32).contains(&name.len())
                && name
                    .iter()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_".contains(b))
        });
    match name {
        Some(name) => Caller::Subject(String::from_utf8_lossy(name).into_owned()),
        None => Caller::Anonymous,
    }
}

fn io_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Serves S3 over `root` on `listener` until the task is dropped. `buckets` are created as
/// folders first; `cors_origins` may PUT (with `x-amz-checksum-sha256` and `If-None-Match`), POST forms, GET and
/// HEAD from a browser. Virtual-hosted requests
/// (`bucket.localhost:PORT`) and path-style ones (`127.0.0.1:PORT/bucket`) both work.
pub async fn serve_s3(
    listener: TcpListener,
    root: &Path,
    buckets: &[&str],
    cors_origins: &[&str],
) -> io::Result<()> {
    for bucket in buckets {
        std::fs::create_dir_all(root.join(bucket))?;
    }
    let port = listener.local_addr()?.port();
    let fs = s3s_fs::FileSystem::new(root).map_err(|e| io_error(format!("{e:?}")))?;
    let mut builder = s3s::service::S3ServiceBuilder::new(fs);
    builder.set_auth(s3s::auth::SimpleAuth::from_single(
        ACCESS_KEY_ID,
        SECRET_ACCESS_KEY,
    ));
    let domains = [format!("localhost:{port}"), format!("127.0.0.1:{port}")];
    builder.set_host(s3s::host::MultiDomain::new(&domains).map_err(io_error)?);
    let origins: Vec<HeaderValue> = cors_origins
        .iter()
        .filter_map(|o| HeaderValue::from_str(o).ok())
        .collect();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::PUT, Method::POST, Method::HEAD])
        .allow_headers([
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::HeaderName::from_static("x-amz-checksum-sha256"),
            header::IF_NONE_MATCH,
        ])
        .expose_headers([header::ETAG])
        .max_age(std::time::Duration::from_secs(3000));
    let service =
        TowerToHyperService::new(lambda_http::tower::Layer::layer(&cors, builder.build()));
    loop {
        let (socket, _) = listener.accept().await?;
        let service = service.clone();
        tokio::spawn(async move {
            let _ = ConnBuilder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(socket), service)
                .await;
        });
    }
}

pub use assets::INDEX_HTML;

/// Serves the API (and the page, the contract and the client: [`assets`]) on `listener` until the task is dropped, logging one
/// line per request as the Lambda does.
pub async fn serve_api(listener: TcpListener, app: Arc<App>) -> io::Result<()> {
    loop {
        let (socket, _) = listener.accept().await?;
        let app = app.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let app = app.clone();
                async move { Ok::<_, Infallible>(answer(&app, req).await) }
            });
            let _ = ConnBuilder::new(TokioExecutor::new())
                .serve_connection(TokioIo::new(socket), service)
                .await;
        });
    }
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
            let mut r = Response::new(Full::new(Bytes::from_static(
                b"{\"message\":\"the body is too large\"}",
            )));
            *r.status_mut() = StatusCode::PAYLOAD_TOO_LARGE;
            return r;
        }
    };
    let request = ApiRequest {
        method: parts.method.as_str(),
        path: parts.uri.path().into(),
        body: Ok(bytes.as_ref().into()),
        caller: local_caller(
            parts
                .headers
                .get(header::AUTHORIZATION)
                .map(HeaderValue::as_bytes),
        ),
    };
    let reply = app.handle(&request, clock_now());
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
