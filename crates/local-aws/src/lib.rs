//! The local stand-ins for AWS, run by the dev server (`presigner-local`) and by the tests: a
//! real S3 over a folder, with the event notifications a bucket sends ([`notifications`]), and
//! a CloudFront edge in front of it ([`edge`]).
//!
//! The S3 side is s3s-fs: it checks SigV4 presigned URLs strictly (signature, method, key,
//! signed headers, expiry) and answers 403 as S3 does ([`mismatch`] adds what S3 says about
//! a signature that does not match), wrapped in a CORS layer so a page from an allowed
//! origin ([`LocalOrigins`]) can PUT, POST and GET from it.
//!
//! It is its own crate, apart from the dev server, because the dev server runs the upload
//! pipeline's processor while the processor's own tests run against this S3: with both in one
//! crate, each would depend on the other.

use std::io;
use std::path::Path;
use std::sync::Arc;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use hyper_util::service::TowerToHyperService;
use lambda_http::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use tokio::net::TcpListener;
use tower_http::cors::{AllowOrigin, CorsLayer};

pub mod edge;
pub mod mismatch;
pub mod notifications;
pub mod origins;

pub use notifications::Notifications;
pub use origins::{AnyOrigin, LocalOrigins, OriginCheck};

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
        // (`presigner_local::local_caller`).
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
/// It sends no event notifications ([`serve_s3_notifying`] does).
pub async fn serve_s3(
    listener: TcpListener,
    root: &Path,
    buckets: &[&str],
    origins: &LocalOrigins,
) -> io::Result<()> {
    serve_s3_notifying(listener, root, buckets, origins, None).await
}

/// [`serve_s3`], sending `notifications` (when given) for each object stored under their
/// prefix, as a bucket with a notification configuration does.
pub async fn serve_s3_notifying(
    listener: TcpListener,
    root: &Path,
    buckets: &[&str],
    origins: &LocalOrigins,
    notifications: Option<Notifications>,
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
    if notifications.is_some() {
        builder.set_access(notifications::RecordStored);
    }
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
    let notifications = notifications.map(Arc::new);
    let root: Arc<Path> = Arc::from(root);
    let service = service_fn(move |mut req: Request<Incoming>| {
        let (s3, origins) = (s3.clone(), origins.clone());
        let (notifications, root) = (notifications.clone(), root.clone());
        async move {
            if let OriginCheck::Refused(origin) = origins.check(req.headers()) {
                return Ok(refused_by_s3(&origin));
            }
            let slot = notifications::StoredSlot::default();
            req.extensions_mut().insert(slot.clone());
            let response = explained(&s3, req).await;
            let Ok(response) = response else {
                return response;
            };
            if let Some(notifications) = &notifications {
                let etag = response.headers().get(header::ETAG);
                let etag = etag.and_then(|v| v.to_str().ok());
                notifications.after(&slot, response.status().as_u16(), etag, &root);
            }
            Ok(response)
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
