//! `presign`: print a presigned S3 URL, in the spirit of `aws s3 presign`, signed offline.
//!
//! Credentials come from the same environment variables as the Lambda (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`); the region from `--region` or
//! `AWS_REGION`. Prints the URL on stdout (exit 0) or one line on stderr (exit 2), whatever
//! the input: arguments or variables that are not UTF-8, a stdout whose write fails (a pipe
//! whose reader is gone, a full disk), no arguments. (A stdout closed with `>&-` is reopened
//! onto /dev/null by Rust's runtime before `main`, like `> /dev/null`: the write succeeds.)

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, SigningTime};

const USAGE: &str = "usage: presign <get|put|head|delete> s3://BUCKET/KEY [--expires-in SECS] \
[--region R] [--endpoint-url URL] [--path-style] [--content-type T] [--at YYYYMMDDTHHMMSSZ]
       presign --help | --version

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
    style: AddressingStyle,
    content_type: Option<String>,
    at: Option<String>,
}

/// The arguments as text: S3 keys, regions and URLs are UTF-8, so another byte sequence is a
/// mistake to report, not a panic (`std::env::args` would panic).
fn utf8_args(args: impl Iterator<Item = OsString>) -> Result<Vec<String>, String> {
    args.enumerate()
        .map(|(i, a)| {
            a.into_string()
                .map_err(|_| format!("argument {} is not valid UTF-8", i + 1))
        })
        .collect()
}

/// What the command line asks for.
enum Command {
    Sign(Args),
    Help,
    Version,
}

fn parse_args(args: Vec<String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut positional = Vec::new();
    let mut parsed = Args {
        method: Method::Get,
        bucket: String::new(),
        key: String::new(),
        expires_in: 3600,
        region: None,
        endpoint_url: None,
        style: AddressingStyle::Auto,
        content_type: None,
        at: None,
    };
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
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
            "--path-style" => parsed.style = AddressingStyle::Path,
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
    Ok(Command::Sign(parsed))
}

/// A variable's value; unset and empty are the same. A value that is not UTF-8 is an error
/// naming the variable, never showing the value (it may be a secret).
fn env(name: &str) -> Result<Option<String>, String> {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => Ok(Some(v)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(format!("{name} is not valid UTF-8")),
    }
}

fn run(args: Args) -> Result<String, String> {
    let e = |e: &dyn std::fmt::Display| e.to_string();
    let access_key_id = env("AWS_ACCESS_KEY_ID")?.ok_or("AWS_ACCESS_KEY_ID is not set")?;
    let secret = env("AWS_SECRET_ACCESS_KEY")?.ok_or("AWS_SECRET_ACCESS_KEY is not set")?;
    let credentials =
        Credentials::new(access_key_id, secret, env("AWS_SESSION_TOKEN")?).map_err(|x| e(&x))?;
    let region = match args.region {
        Some(region) => region,
        None => env("AWS_REGION")?.ok_or("no region: give --region or set AWS_REGION")?,
    };
    let endpoint = match &args.endpoint_url {
        Some(url) => Endpoint::parse(url),
        None => Endpoint::regional(&region),
    }
    .map_err(|x| e(&x))?;
    let presigner =
        Presigner::new(credentials, &region, endpoint, args.style).map_err(|x| e(&x))?;
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
    // `println!`/`eprintln!` panic (and so abort) when a write fails; write instead, and make a
    // URL that could not be written an error.
    let fail = |message: &str| {
        let _ = writeln!(std::io::stderr(), "presign: {message}");
        ExitCode::from(2)
    };
    let args = match utf8_args(std::env::args_os().skip(1)) {
        Ok(args) if args.is_empty() => {
            let _ = writeln!(std::io::stderr(), "{USAGE}");
            return ExitCode::from(2);
        }
        Ok(args) => args,
        Err(message) => return fail(&message),
    };
    let text = match parse_args(args) {
        Ok(Command::Sign(args)) => match run(args) {
            Ok(url) => url,
            Err(message) => return fail(&message),
        },
        Ok(Command::Help) => USAGE.to_owned(),
        Ok(Command::Version) => concat!("presign ", env!("CARGO_PKG_VERSION")).to_owned(),
        Err(message) => return fail(&message),
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write to stdout: {e}")),
    }
}
