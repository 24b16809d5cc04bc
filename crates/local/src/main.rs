//! `presigner-local`: the whole flow on one machine with no AWS account. The API (the same
//! handler as in Lambda) on http://127.0.0.1:3000, with a page at `/`; a local S3 on
//! http://127.0.0.1:9000 storing under `.local-s3/`, with fixed local credentials.
//!
//! Options: see [`USAGE`] (`--help`). The Lambda's configuration variables are read as the
//! Lambda reads them (`presigner_local::settings`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use presigner::api::App;
use presigner::config::ImagePipeline;
use presigner_local as local;
use presigner_local::LocalOrigins;
use tokio::net::TcpListener;

struct Options {
    api_port: u16,
    s3_port: u16,
    data_dir: PathBuf,
    downloads: Downloads,
    edge_port: u16,
    origins: LocalOrigins,
}

/// What `--help` prints.
const USAGE: &str = "\
presigner-local: the presigner API, a local S3 and a page, on 127.0.0.1, no AWS account.

Usage: cargo run -p presigner-local -- [OPTIONS]
       presigner-local [OPTIONS]

Options:
  --api-port N         the API and the page (default 3000)
  --s3-port N          the local S3 (default 9000)
  --data-dir DIR       where the local S3 stores files (default .local-s3)
  --cloudfront         download URLs are CloudFront signed URLs, served by a local edge
  --edge-port N        the local edge, with --cloudfront (default 9100)
  --cors-origin ORIGIN another origin whose pages may call (repeatable), such as
                       http://192.168.1.20:5173; http://localhost, http://127.0.0.1 and
                       http://[::1] on any port always may
  -h, --help           this text
  -V, --version        the version

Sign in with the header  Authorization: Bearer local:<name>  (<name>: 1 to 32 of a-z 0-9 - _).

The Lambda's variables are honoured as deployed (MAX_UPLOAD_BYTES, URL_EXPIRES_SECONDS,
UPLOAD_URL_EXPIRES_SECONDS, DOWNLOAD_ACCESS, URL_CACHE_WINDOW_SECONDS, MAX_BATCH_IMAGES,
REQUIRE_UPLOAD_CONSTRAINTS, TRUST_BODY_USER_ID, CORS_ALLOW_ORIGIN, ...), for example
  MAX_UPLOAD_BYTES=100 cargo run -p presigner-local
except the bucket, region, endpoint, credentials and CloudFront settings, which the local
run sets itself (it says so at start when the environment sets them).
";

/// What the command line asks for.
enum Command {
    Run(Options),
    Help,
    Version,
}

/// Where the page's download URLs point.
#[derive(PartialEq)]
enum Downloads {
    S3,
    LocalEdge,
}

fn options() -> Result<Command, String> {
    let mut o = Options {
        api_port: 3000,
        s3_port: 9000,
        data_dir: PathBuf::from(".local-s3"),
        downloads: Downloads::S3,
        edge_port: 9100,
        origins: LocalOrigins::loopback(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--api-port" => {
                o.api_port = value()?
                    .parse()
                    .map_err(|_| "--api-port takes a port number")?
            }
            "--s3-port" => {
                o.s3_port = value()?
                    .parse()
                    .map_err(|_| "--s3-port takes a port number")?
            }
            "--data-dir" => o.data_dir = PathBuf::from(value()?),
            "--cloudfront" => o.downloads = Downloads::LocalEdge,
            "--edge-port" => {
                o.edge_port = value()?
                    .parse()
                    .map_err(|_| "--edge-port takes a port number")?
            }
            "--cors-origin" => {
                o.origins = o
                    .origins
                    .with(&value()?)
                    .map_err(|e| format!("--cors-origin: {e}"))?
            }
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            other => {
                return Err(format!(
                    "unknown option {other}: see presigner-local --help (with cargo run: cargo run -p presigner-local -- --help)"
                ))
            }
        }
    }
    Ok(Command::Run(o))
}

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("presigner-local: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run() -> Result<(), String> {
    let o = match options()? {
        Command::Run(o) => o,
        Command::Help => {
            print!("{USAGE}");
            return Ok(());
        }
        Command::Version => {
            println!("presigner-local {}", env!("CARGO_PKG_VERSION"));
            return Ok(());
        }
    };
    let edge_key = (o.downloads == Downloads::LocalEdge).then(local::edge::fresh_key_pair);
    let edge_settings = edge_key.as_ref().map(|(_, pem)| local::EdgeSettings {
        port: o.edge_port,
        private_key_pem: pem.clone(),
    });
    let settings = local::settings::local_settings(
        |name| std::env::var(name).ok(),
        o.s3_port,
        edge_settings.as_ref(),
        o.origins.clone(),
    )
    .map_err(|e| format!("configuration error: {e}"))?;
    let download_expiry = settings.config.expiry.secs();
    // As deployed: with the pipeline on, the bucket invokes the processor on every upload;
    // off, there is no processor (the original contract).
    let pipeline = settings.config.image_pipeline;
    let notifications = match pipeline {
        ImagePipeline::On => Some(
            local::pipeline::processor_notifications(o.s3_port)
                .map_err(|e| format!("configuration error: {e}"))?,
        ),
        ImagePipeline::Off => None,
    };
    let app = Arc::new(App::new(settings.config).map_err(|e| e.to_string())?);
    let origins = Arc::new(settings.origins);

    let bind = |port: u16| async move {
        TcpListener::bind(("127.0.0.1", port))
            .await
            .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))
    };
    let s3_listener = bind(o.s3_port).await?;
    let api_listener = bind(o.api_port).await?;
    let edge_listener = match edge_key {
        Some(_) => Some(bind(o.edge_port).await?),
        None => None,
    };
    let page = format!("http://127.0.0.1:{}", o.api_port);

    println!("presigner local run");
    println!("  API + page  {page}/   (POST /api/upload_url, /api/upload_form, /api/download_url, /api/download_urls)");
    println!("  sign-in     Authorization: Bearer local:<name> (accepted by this dev server only)");
    println!(
        "  local S3    http://127.0.0.1:{}   bucket {}, files under {}",
        o.s3_port,
        local::BUCKET,
        o.data_dir.display()
    );
    match pipeline {
        ImagePipeline::On => println!("  pipeline    on: each upload (uploads/<folder>/<tweetId>) is processed as the processor Lambda does it, into images/<folder>/<tweetId>/display, thumb and status.json"),
        ImagePipeline::Off => println!("  pipeline    off (IMAGE_PIPELINE=off): the original contract, images/<folder>/<tweetId>.png stored and served as uploaded"),
    }
    if edge_listener.is_some() {
        println!(
            "  local edge  http://127.0.0.1:{}   download URLs are CloudFront signed URLs (key pair {}), checked here",
            o.edge_port,
            local::edge::LOCAL_KEY_PAIR_ID
        );
    }
    match origins.any() {
        local::AnyOrigin::Allowed => println!("  browsers    CORS_ALLOW_ORIGIN=*: pages from ANY origin may sign in and upload (every site you visit)"),
        local::AnyOrigin::Refused => println!(
            "  browsers    pages from http://localhost, http://127.0.0.1, http://[::1] on any port{}",
            origins.extra().iter().map(|o| format!(", {o}")).collect::<String>()
        ),
    }
    for (name, why) in &settings.ignored {
        println!("  ignored     {name}: {why}");
    }
    println!();
    println!(
        "Next: open {page}/ and upload an image, or follow the curl walk-through in README.md."
    );
    println!("Stop with Ctrl-C.");

    let data_dir = o.data_dir.clone();
    let s3_origins = origins.clone();
    let s3 = tokio::spawn(async move {
        local::serve_s3_notifying(
            s3_listener,
            &data_dir,
            &[local::BUCKET],
            &s3_origins,
            notifications,
        )
        .await
    });
    let api = tokio::spawn(local::serve_api(api_listener, app, origins.clone()));
    let edge = match (edge_listener, edge_key) {
        (Some(listener), Some((keys, _))) => {
            let edge = local::edge::Edge {
                keys,
                bucket_dir: o.data_dir.join(local::BUCKET),
                cors: (*origins).clone(),
                cache_control: format!("private, max-age={download_expiry}"),
            };
            tokio::spawn(local::edge::serve_edge(listener, Arc::new(edge)))
        }
        _ => tokio::spawn(std::future::pending()),
    };
    tokio::select! {
        r = edge => r.map_err(|e| e.to_string())?.map_err(|e| format!("local edge stopped: {e}")),
        r = s3 => r.map_err(|e| e.to_string())?.map_err(|e| format!("local S3 stopped: {e}")),
        r = api => r.map_err(|e| e.to_string())?.map_err(|e| format!("API stopped: {e}")),
        _ = tokio::signal::ctrl_c() => Ok(()),
    }
}
