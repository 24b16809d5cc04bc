//! `presigner-local`: the whole flow on one machine with no AWS account. The API (the same
//! handler as in Lambda) on http://127.0.0.1:3000, with a page at `/`; a local S3 on
//! http://127.0.0.1:9000 storing under `.local-s3/`, with fixed local credentials.
//!
//! Options: `--api-port N` (3000), `--s3-port N` (9000), `--data-dir DIR` (.local-s3), and
//! `--cloudfront` to hand out download URLs through a local edge on `--edge-port N` (9100)
//! that checks CloudFront signatures as CloudFront does, with a key pair made at start.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use presigner::api::App;
use presigner::config::Config;
use presigner_local as local;
use tokio::net::TcpListener;

struct Options {
    api_port: u16,
    s3_port: u16,
    data_dir: PathBuf,
    downloads: Downloads,
    edge_port: u16,
}

/// Where the page's download URLs point.
#[derive(PartialEq)]
enum Downloads {
    S3,
    LocalEdge,
}

fn options() -> Result<Options, String> {
    let mut o = Options {
        api_port: 3000,
        s3_port: 9000,
        data_dir: PathBuf::from(".local-s3"),
        downloads: Downloads::S3,
        edge_port: 9100,
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
            other => {
                return Err(format!(
                    "unknown option {other}; see the README's \"Run it locally\""
                ))
            }
        }
    }
    Ok(o)
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
    let o = options()?;
    let edge_key = (o.downloads == Downloads::LocalEdge).then(local::edge::fresh_key_pair);
    let edge_settings = edge_key.as_ref().map(|(_, pem)| local::EdgeSettings {
        port: o.edge_port,
        private_key_pem: pem.clone(),
    });
    let env = local::lambda_env_with(o.s3_port, edge_settings.as_ref());
    let config =
        Config::from_lookup(|name| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone()))
            .map_err(|e| e.to_string())?;
    let app = Arc::new(App::new(config).map_err(|e| e.to_string())?);

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
    let origins = [page.clone(), format!("http://localhost:{}", o.api_port)];

    println!("presigner local run");
    println!("  API + page  {page}/   (POST /api/upload_url, /api/upload_form, /api/download_url, /api/download_urls)");
    println!("  sign-in     Authorization: Bearer local:<name> (accepted by this dev server only)");
    println!(
        "  local S3    http://127.0.0.1:{}   bucket {}, files under {}",
        o.s3_port,
        local::BUCKET,
        o.data_dir.display()
    );
    if edge_listener.is_some() {
        println!(
            "  local edge  http://127.0.0.1:{}   download URLs are CloudFront signed URLs (key pair {}), checked here",
            o.edge_port,
            local::edge::LOCAL_KEY_PAIR_ID
        );
    }
    println!();
    println!(
        "Next: open {page}/ and upload an image, or follow the curl walk-through in README.md."
    );
    println!("Stop with Ctrl-C.");

    let data_dir = o.data_dir.clone();
    let s3 = tokio::spawn(async move {
        let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
        local::serve_s3(s3_listener, &data_dir, &[local::BUCKET], &origins).await
    });
    let api = tokio::spawn(local::serve_api(api_listener, app));
    let edge = match (edge_listener, edge_key) {
        (Some(listener), Some((keys, _))) => {
            let edge = local::edge::Edge {
                keys,
                bucket_dir: o.data_dir.join(local::BUCKET),
                cors_origin: page.clone(),
                cache_control: format!(
                    "private, max-age={}",
                    presigner::config::DEFAULT_EXPIRES_SECONDS
                ),
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
