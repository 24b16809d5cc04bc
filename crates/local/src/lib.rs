//! The local run (feature `local`): a real S3 over a folder, and the API over plain HTTP with
//! the same handler the Lambda runs. Used by `presigner-local` and by the end-to-end tests.
//!
//! The S3 side is s3s-fs: it checks SigV4 presigned URLs strictly (signature, method, key,
//! signed headers, expiry) and answers 403 as S3 does ([`mismatch`] adds what S3 says about
//! a signature that does not match), wrapped in a CORS layer so a page from an allowed
//! origin ([`LocalOrigins`]) can PUT, POST and GET from it.

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
pub mod mismatch;
pub mod origins;
pub mod settings;
pub mod sign_in;

pub use origins::{AnyOrigin, LocalOrigins, OriginCheck};
pub use sign_in::{local_caller, SignInError, LOCAL_BEARER};

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

fn io_error(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Serves S3 over `root` on `listener` until the task is dropped. `buckets` are created as
/// folders first; pages from `origins` may PUT (with `x-amz-checksum-sha256` and
/// `If-None-Match`), POST forms, GET and HEAD from a browser, and read every answer, errors
/// included (so a form whose file was stored is never reported as failed); a request from any
/// other page is answered 403 before anything is stored. Virtual-hosted requests
/// (`bucket.localhost:PORT`) and path-style ones (`127.0.0.1:PORT/bucket`) both work.
pub async fn serve_s3(
    listener: TcpListener,
    root: &Path,
    buckets: &[&str],
    origins: &LocalOrigins,
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
    let allowed = origins.clone();
    let cors = CorsLayer::new()
        .allow_origin(AllowOrigin::predicate(move |origin, _| {
            allowed.allows(origin.as_bytes())
        }))
        .allow_methods([Method::GET, Method::PUT, Method::POST, Method::HEAD])
        .allow_headers([
            header::CONTENT_TYPE,
            header::CONTENT_LENGTH,
            header::HeaderName::from_static("x-amz-checksum-sha256"),
            header::IF_NONE_MATCH,
        ])
        .expose_headers([header::ETAG])
        .max_age(std::time::Duration::from_secs(3000));
    let s3 = TowerToHyperService::new(lambda_http::tower::Layer::layer(&cors, builder.build()));
    let origins = Arc::new(origins.clone());
    let service = service_fn(move |req: Request<Incoming>| {
        let (s3, origins) = (s3.clone(), origins.clone());
        async move {
            match origins.check(req.headers()) {
                OriginCheck::Refused(origin) => Ok(refused_by_s3(&origin)),
                _ => explained(&s3, req).await,
            }
        }
    });
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

/// The local S3's `403 AccessDenied` to a request from a page `origins` does not allow,
/// before anything is read or stored. Real S3 only withholds the CORS headers, but the local
/// S3's secret is public: any site could sign a form for itself, and a browser posts an HTML
/// form from any page without a preflight.
fn refused_by_s3(
    origin: &str,
) -> Response<http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>> {
    let message = origins::refusal("the local S3", origin);
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>{}</Message></Error>",
        mismatch::escape(&message)
    );
    let mut r = Response::new(
        Full::new(Bytes::from(xml))
            .map_err(|never| match never {})
            .boxed_unsync(),
    );
    *r.status_mut() = StatusCode::FORBIDDEN;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    h.insert(header::VARY, HeaderValue::from_static("Origin"));
    r
}

/// The local S3's answer to `req`, with a `403 SignatureDoesNotMatch` to a presigned request
/// said as S3 says it: the canonical request and string to sign, and which signed header
/// was not sent ([`mismatch`]).
async fn explained<S, B>(
    s3: &S,
    req: Request<Incoming>,
) -> Result<Response<http_body_util::combinators::UnsyncBoxBody<Bytes, BoxError>>, S::Error>
where
    S: hyper::service::Service<Request<Incoming>, Response = Response<B>>,
    B: hyper::body::Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let presented = mismatch::Presented::of(
        req.method().as_str(),
        req.uri().path(),
        req.uri().query(),
        req.headers(),
    );
    let response = s3.call(req).await?;
    let boxed = |r: Response<B>| r.map(|b| b.map_err(Into::into).boxed_unsync());
    let Some(presented) = presented.filter(|_| response.status() == StatusCode::FORBIDDEN) else {
        return Ok(boxed(response));
    };
    let (mut parts, body) = response.into_parts();
    let body = match body.collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => Bytes::new(),
    };
    let body = if body
        .windows(b"<Code>SignatureDoesNotMatch</Code>".len())
        .any(|w| w == b"<Code>SignatureDoesNotMatch</Code>")
    {
        parts.headers.remove(header::CONTENT_LENGTH);
        Bytes::from(presented.explain().xml())
    } else {
        body
    };
    let body = Full::new(body)
        .map_err(|never| match never {})
        .boxed_unsync();
    Ok(Response::from_parts(parts, body))
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

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
