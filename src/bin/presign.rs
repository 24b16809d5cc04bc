//! `presign`: print a presigned S3 URL, in the spirit of `aws s3 presign`, signed offline.
//!
//! Credentials come from the same environment variables as the Lambda (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`); the region from `--region` or
//! `AWS_REGION`. Prints the URL on stdout (exit 0) or one line on stderr (exit 2).

use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use presigner::s3::{Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner};
use presigner::sigv4::{Credentials, SigningTime};

const USAGE: &str = "usage: presign <get|put|head|delete> s3://BUCKET/KEY [--expires-in SECS] \
[--region R] [--endpoint-url URL] [--path-style] [--content-type T] [--at YYYYMMDDTHHMMSSZ]

Prints a presigned URL for BUCKET/KEY. Credentials come from AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (optional); the region from --region or
AWS_REGION. --expires-in defaults to 3600 (at most 604800); --endpoint-url to
https://s3.REGION.amazonaws.com; --at (signing time, UTC) to now. --content-type signs a
Content-Type header the uploader must then send.";

struct Args {
    method: Method,
    bucket: String,
    key: String,
    expires_in: u64,
    region: Option<String>,
    endpoint_url: Option<String>,
    path_style: bool,
    content_type: Option<String>,
    at: Option<String>,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Args>, String> {
    let mut positional = Vec::new();
    let mut parsed = Args {
        method: Method::Get,
        bucket: String::new(),
        key: String::new(),
        expires_in: 3600,
        region: None,
        endpoint_url: None,
        path_style: false,
        content_type: None,
        at: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--expires-in" => {
                let v = value("--expires-in")?;
                parsed.expires_in = v
                    .parse()
                    .map_err(|_| format!("--expires-in {v:?} is not a whole number of seconds"))?;
            }
            "--region" => parsed.region = Some(value("--region")?),
            "--endpoint-url" => parsed.endpoint_url = Some(value("--endpoint-url")?),
            "--content-type" => parsed.content_type = Some(value("--content-type")?),
            "--at" => parsed.at = Some(value("--at")?),
            "--path-style" => parsed.path_style = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ => positional.push(arg),
        }
    }
    let [method, target] = positional.as_slice() else {
        return Err("expected a method and an s3://BUCKET/KEY target".into());
    };
    parsed.method = match method.to_ascii_lowercase().as_str() {
        "get" => Method::Get,
        "put" => Method::Put,
        "head" => Method::Head,
        "delete" => Method::Delete,
        other => {
            return Err(format!(
                "unknown method {other:?}: use get, put, head or delete"
            ))
        }
    };
    let rest = target
        .strip_prefix("s3://")
        .ok_or_else(|| format!("target {target:?} must look like s3://BUCKET/KEY"))?;
    let (bucket, key) = rest
        .split_once('/')
        .ok_or_else(|| format!("target {target:?} has no key: s3://BUCKET/KEY"))?;
    parsed.bucket = bucket.to_owned();
    parsed.key = key.to_owned();
    Ok(Some(parsed))
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn run(args: Args) -> Result<String, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let access_key_id = env("AWS_ACCESS_KEY_ID").ok_or("AWS_ACCESS_KEY_ID is not set")?;
    let secret = env("AWS_SECRET_ACCESS_KEY").ok_or("AWS_SECRET_ACCESS_KEY is not set")?;
    let credentials =
        Credentials::new(access_key_id, secret, env("AWS_SESSION_TOKEN")).map_err(|x| e(&x))?;
    let region = args
        .region
        .or_else(|| env("AWS_REGION"))
        .ok_or("no region: give --region or set AWS_REGION")?;
    let endpoint = match &args.endpoint_url {
        Some(url) => Endpoint::parse(url),
        None => Endpoint::regional(&region),
    }
    .map_err(|x| e(&x))?;
    let presigner =
        Presigner::new(credentials, &region, endpoint, args.path_style).map_err(|x| e(&x))?;
    let bucket = Bucket::new(args.bucket).map_err(|x| e(&x))?;
    let key = ObjectKey::new(args.key).map_err(|x| e(&x))?;
    let expiry = Expiry::from_secs(args.expires_in).map_err(|x| e(&x))?;
    let time = match &args.at {
        Some(at) => SigningTime::parse_amz_date(at),
        None => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_err(|_| "the system clock is before 1970")?;
            SigningTime::from_unix_seconds(now.as_secs() as i64)
        }
    }
    .map_err(|x| e(&x))?;
    let headers: Vec<(&str, &str)> = args
        .content_type
        .iter()
        .map(|t| ("content-type", t.as_str()))
        .collect();
    let request = ObjectRequest {
        headers: &headers,
        ..ObjectRequest::new(args.method, &bucket, &key, expiry)
    };
    presigner.presign(&request, time).map_err(|x| e(&x))
}

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1)).and_then(|a| a.map(run).transpose()) {
        Ok(Some(url)) => {
            println!("{url}");
            ExitCode::SUCCESS
        }
        Ok(None) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("presign: {message}");
            ExitCode::from(2)
        }
    }
}
