//! `presign`: print a presigned S3 URL, in the spirit of `aws s3 presign`, signed offline; and,
//! with the `cloudfront` feature (on by default), `presign cloudfront`: a CloudFront signed URL,
//! in the spirit of `aws cloudfront sign`.
//!
//! Credentials come from the same environment variables as the Lambda (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, optional `AWS_SESSION_TOKEN`); the region from `--region` or
//! `AWS_REGION`. `presign cloudfront` reads none of them: its key comes from a PEM file. Both
//! print the URL on stdout (exit 0) or one line on stderr (exit 2), whatever the input:
//! arguments or variables that are not UTF-8, a stdout whose write fails (a pipe whose reader
//! is gone, a full disk), no arguments. (A stdout closed with `>&-` is reopened onto /dev/null
//! by Rust's runtime before `main`, like `> /dev/null`: the write succeeds.)

use std::ffi::OsString;
use std::io::Write;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use presigner_s3::{
    AddressingStyle, Bucket, Endpoint, Expiry, Method, ObjectKey, ObjectRequest, Presigner,
};
use presigner_sigv4::{Credentials, SigningTime};

const USAGE_S3: &str = "usage: presign <get|put|head|delete> s3://BUCKET/KEY [--expires-in SECS] \
[--region R] [--endpoint-url URL] [--path-style] [--content-type T] [--at YYYYMMDDTHHMMSSZ]
";

const USAGE_END: &str = "       presign --help | --version

Prints a presigned URL for BUCKET/KEY. Credentials come from AWS_ACCESS_KEY_ID,
AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (optional); the region from --region or
AWS_REGION. --expires-in defaults to 3600 (at most 604800); --endpoint-url to
https://s3.REGION.amazonaws.com; --at (signing time, UTC) to now. --content-type signs a
Content-Type header the uploader must then send.";

/// The usage text: the S3 synopsis, `presign cloudfront`'s when it is built in, the rest.
fn usage() -> String {
    #[cfg(feature = "cloudfront")]
    return format!(
        "{USAGE_S3}{}{USAGE_END}\n\n{}",
        cloudfront::SYNOPSIS,
        cloudfront::HELP
    );
    #[cfg(not(feature = "cloudfront"))]
    return format!("{USAGE_S3}{USAGE_END}");
}

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

/// An argument as an error may quote it: short, one line, and nothing that looks like a key
/// (a PEM pasted where an option or a value was expected must not reach a terminal or a CI
/// log); otherwise a placeholder.
fn shown(arg: &str) -> String {
    let plain = arg.len() <= 40
        && !arg.contains("-----")
        && arg.chars().all(|c| c.is_ascii_graphic() || c == ' ');
    if plain {
        format!("{arg:?}")
    } else {
        "(an argument not shown: long, multi-line or key-like)".to_owned()
    }
}

/// What the command line asks for.
enum Command {
    Sign(Args),
    #[cfg(feature = "cloudfront")]
    CloudFront(cloudfront::Args),
    Help,
    Version,
}

fn parse_args(args: Vec<String>) -> Result<Command, String> {
    if args
        .first()
        .is_some_and(|a| a.eq_ignore_ascii_case("cloudfront"))
    {
        #[cfg(feature = "cloudfront")]
        return cloudfront::parse_args(args.into_iter().skip(1));
        #[cfg(not(feature = "cloudfront"))]
        return Err(
            "this presign was built without CloudFront signing (the cloudfront feature)".into(),
        );
    }
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
                parsed.expires_in = v.parse().map_err(|_| {
                    format!(
                        "--expires-in {} is not a whole number of seconds",
                        shown(&v)
                    )
                })?;
            }
            "--region" => parsed.region = Some(value("--region")?),
            "--endpoint-url" => parsed.endpoint_url = Some(value("--endpoint-url")?),
            "--content-type" => parsed.content_type = Some(value("--content-type")?),
            "--at" => parsed.at = Some(value("--at")?),
            "--path-style" => parsed.style = AddressingStyle::Path,
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option {}", shown(flag)))
            }
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
        #[cfg(feature = "cloudfront")]
        "cloudfront" => {
            return Err(
                "cloudfront comes first, with its own options: presign cloudfront URL \
                 --key-pair-id ID --private-key FILE"
                    .into(),
            )
        }
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
        None => SigningTime::from_unix_seconds(unix_now()? as i64),
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

/// The clock, in Unix seconds.
fn unix_now() -> Result<u64, String> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|now| now.as_secs())
        .map_err(|_| "the system clock is before 1970".into())
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
            let _ = writeln!(std::io::stderr(), "{}", usage());
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
        #[cfg(feature = "cloudfront")]
        Ok(Command::CloudFront(args)) => match cloudfront::run(args) {
            Ok(url) => url,
            Err(message) => return fail(&message),
        },
        Ok(Command::Help) => usage(),
        Ok(Command::Version) => concat!("presign ", env!("CARGO_PKG_VERSION")).to_owned(),
        Err(message) => return fail(&message),
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write to stdout: {e}")),
    }
}

/// `presign cloudfront`: a CloudFront signed URL, in the spirit of `aws cloudfront sign`.
#[cfg(feature = "cloudfront")]
mod cloudfront {
    use std::fmt;

    use crate::shown;
    use std::io::Read;

    use presigner_cloudfront::{Error, KeyPairId, Policy, PrivateKey, Signer};
    use presigner_sigv4::SigningTime;
    use zeroize::Zeroizing;

    use super::Command;

    pub const SYNOPSIS: &str = "       presign cloudfront URL --key-pair-id ID --private-key FILE \
[--expires-in SECS | --date-less-than WHEN]
                 [--date-greater-than WHEN] [--policy-resource RESOURCE] [--at WHEN]
";

    pub const HELP: &str = "presign cloudfront prints URL signed for CloudFront with the ECDSA \
P-256 private key in FILE
(PEM, PKCS#8 or SEC1; file://FILE works too), whose public key CloudFront holds as ID. The URL
is good until --date-less-than, or --expires-in seconds after --at (default 3600, at most
31536000: 365 days), and not before --date-greater-than. WHEN is Unix seconds or
YYYY-MM-DDThh:mm:ssZ (UTC); --at, the signing time, defaults to now. The policy is canned
(Expires=) unless --date-greater-than is given or --policy-resource (default URL) differs from
URL or has a *; then it is custom (Policy=). A custom policy reads * and ? as wildcards, so a
URL with either is refused there unless --policy-resource is given.";

    /// `--expires-in` when neither it nor `--date-less-than` is given.
    const DEFAULT_EXPIRES_IN: u64 = 3600;
    /// The longest `--expires-in`: 365 days. CloudFront itself sets no limit; this one catches a
    /// value given in milliseconds or with a digit too many. A later end is still possible with
    /// `--date-less-than`, which is written out in full.
    const MAX_EXPIRES_IN: u64 = 365 * 24 * 3600;
    /// 9999-12-31T23:59:59Z, the last second a time option takes (the range of `SigningTime`).
    const LAST_SECOND: u64 = 253_402_300_799;
    /// A P-256 PEM key is about 250 bytes; a larger file is not one (and is not read whole).
    const MAX_KEY_FILE: usize = 64 * 1024;

    /// What `presign cloudfront` was asked, times already in Unix seconds.
    #[derive(Default)]
    pub struct Args {
        url: String,
        key_pair_id: Option<String>,
        /// The key file's path, as given (`file://` not yet removed). Never shown.
        private_key: Option<String>,
        expires_in: Option<u64>,
        date_less_than: Option<u64>,
        date_greater_than: Option<u64>,
        policy_resource: Option<String>,
        at: Option<u64>,
    }

    /// The arguments after `cloudfront`. No error repeats a positional argument or the value
    /// of `--private-key`: either could be key text (`--private-key $(cat key.pem)` unquoted
    /// spreads the key over the arguments).
    pub fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
        let mut parsed = Args::default();
        let mut urls = Vec::new();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
            match arg.as_str() {
                "-h" | "--help" => return Ok(Command::Help),
                "-V" | "--version" => return Ok(Command::Version),
                "--key-pair-id" => parsed.key_pair_id = Some(value("--key-pair-id")?),
                "--private-key" => parsed.private_key = Some(value("--private-key")?),
                "--expires-in" => {
                    parsed.expires_in = Some(parse_expires_in(&value("--expires-in")?)?)
                }
                "--date-less-than" => {
                    let v = value("--date-less-than")?;
                    parsed.date_less_than = Some(parse_when("--date-less-than", &v)?);
                }
                "--date-greater-than" => {
                    let v = value("--date-greater-than")?;
                    parsed.date_greater_than = Some(parse_when("--date-greater-than", &v)?);
                }
                "--policy-resource" => parsed.policy_resource = Some(value("--policy-resource")?),
                "--at" => parsed.at = Some(parse_when("--at", &value("--at")?)?),
                flag if flag.starts_with("--") => {
                    return Err(format!("unknown option {}", shown(flag)))
                }
                _ => urls.push(arg),
            }
        }
        parsed.url = match <[String; 1]>::try_from(urls) {
            Ok([url]) => url,
            Err(urls) if urls.is_empty() => {
                return Err("expected the URL to sign: presign cloudfront URL \
                            --key-pair-id ID --private-key FILE"
                    .into())
            }
            Err(urls) => {
                return Err(format!(
                    "expected one URL to sign, got {} arguments besides the options",
                    urls.len()
                ))
            }
        };
        if parsed.expires_in.is_some() && parsed.date_less_than.is_some() {
            return Err("give --expires-in or --date-less-than, not both".into());
        }
        if parsed
            .private_key
            .as_deref()
            .is_some_and(|v| v.contains("-----") || v.contains('\n'))
        {
            return Err(
                "--private-key takes the key file's path, not the key itself \
                        (an argument is visible to other processes): --private-key key.pem"
                    .into(),
            );
        }
        Ok(Command::CloudFront(parsed))
    }

    fn parse_expires_in(v: &str) -> Result<u64, String> {
        let secs: u64 = v
            .parse()
            .map_err(|_| format!("--expires-in {} is not a whole number of seconds", shown(v)))?;
        if !(1..=MAX_EXPIRES_IN).contains(&secs) {
            return Err(format!(
                "--expires-in {secs} is out of range: 1 to {MAX_EXPIRES_IN} seconds (365 days; \
                 for a later end give --date-less-than)"
            ));
        }
        Ok(secs)
    }

    /// Unix seconds, `YYYY-MM-DDThh:mm:ssZ` or `YYYYMMDDThhmmssZ` (`presign get --at`'s form),
    /// UTC, from 1970 to 9999.
    fn parse_when(option: &str, text: &str) -> Result<u64, String> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text
                .parse::<u64>()
                .ok()
                .filter(|&s| s <= LAST_SECOND)
                .ok_or_else(|| {
                    format!(
                        "{option} {text} is out of range: at most {LAST_SECOND} (the year 9999)"
                    )
                });
        }
        let b = text.as_bytes();
        let extended = text.is_ascii()
            && b.len() == 20
            && (b[4], b[7], b[13], b[16]) == (b'-', b'-', b':', b':');
        let compact = if extended {
            [
                &text[0..4],
                &text[5..7],
                &text[8..13],
                &text[14..16],
                &text[17..20],
            ]
            .concat()
        } else {
            text.to_owned()
        };
        SigningTime::parse_amz_date(&compact)
            .map(|t| t.unix_seconds() as u64)
            .map_err(|_| {
                format!(
                    "{option} {} is not a time: give Unix seconds or YYYY-MM-DDThh:mm:ssZ (UTC)",
                    shown(text)
                )
            })
    }

    /// `t` as `YYYY-MM-DDThh:mm:ssZ` where it can be, for messages.
    fn iso(t: u64) -> String {
        match SigningTime::from_unix_seconds(t as i64) {
            Ok(time) => time.rfc3339(),
            Err(_) => t.to_string(),
        }
    }

    pub fn run(args: Args) -> Result<String, String> {
        let id = args.key_pair_id.ok_or(
            "--key-pair-id is required: the ID CloudFront gave the public key (such as K2JCJMDEHXQW5F)",
        )?;
        let key_pair_id = KeyPairId::new(id).map_err(|e| format!("--key-pair-id: {e}"))?;
        let key_file = args.private_key.ok_or(
            "--private-key is required: the file holding the ECDSA P-256 private key (PEM)",
        )?;
        let at = match args.at {
            Some(at) => at,
            None => super::unix_now()?,
        };
        let date_less_than = match args.date_less_than {
            Some(end) if end <= at => {
                return Err(format!(
                    "--date-less-than {} is not after the signing time {} (now, or --at): \
                     the URL would have expired already",
                    iso(end),
                    iso(at)
                ))
            }
            Some(end) => end,
            None => at + args.expires_in.unwrap_or(DEFAULT_EXPIRES_IN),
        };
        if let Some(start) = args.date_greater_than.filter(|&s| s >= date_less_than) {
            return Err(format!(
                "--date-greater-than {} is not before the end {}: the URL would never be valid",
                iso(start),
                iso(date_less_than)
            ));
        }
        let resource = match args.policy_resource.as_deref() {
            Some(resource) => resource,
            None => wildcard_free(&args.url, args.date_greater_than.is_some())?,
        };
        if resource.is_empty() {
            return Err(
                "--policy-resource is empty: give the URL or URL pattern (with *) the \
                        signature covers"
                    .into(),
            );
        }
        let policy = Policy {
            resource,
            date_less_than,
            date_greater_than: args.date_greater_than,
        };
        let signer = Signer::new(key_pair_id, read_key(&key_file)?);
        signer
            .sign_url(&args.url, &policy)
            .map_err(|e| e.to_string())
    }

    /// `url` as the resource of its own policy, unless that policy would be a custom one
    /// reading `*` or `?` in it as wildcards (`*` any run of characters, `?` any one, a query
    /// string's `?` included): then the signature would cover other URLs too, which only
    /// `--policy-resource` may ask for. A canned policy has no wildcards (CloudFront compares
    /// the URL as it is), so a query string is fine there.
    fn wildcard_free(url: &str, has_start: bool) -> Result<&str, String> {
        let custom = has_start || url.contains('*');
        if custom && url.contains(['*', '?']) {
            return Err(
                "URL has '*' or '?', which CloudFront reads as wildcards in the custom \
                        policy it would get ('*' any characters, '?' any one character), so \
                        the signature would cover other URLs too: give --policy-resource with \
                        the URL or pattern it is meant to cover (the URL itself to accept the \
                        wildcards)"
                    .into(),
            );
        }
        Ok(url)
    }

    /// The key in the file `value` names (a path, or `file://` and a path as the AWS CLI
    /// takes it). Errors name the option and never the path or the file's contents.
    fn read_key(value: &str) -> Result<PrivateKey, String> {
        let path = value.strip_prefix("file://").unwrap_or(value);
        let fail = |why: &dyn fmt::Display| format!("--private-key: {why}");
        let file = std::fs::File::open(path)
            .map_err(|e| fail(&format_args!("cannot open the key file: {e}")))?;
        // Room for the whole read up front, so no reallocation leaves a copy behind unwiped.
        let mut pem = Zeroizing::new(Vec::with_capacity(MAX_KEY_FILE + 1));
        file.take(MAX_KEY_FILE as u64 + 1)
            .read_to_end(&mut pem)
            .map_err(|e| fail(&format_args!("cannot read the key file: {e}")))?;
        if pem.len() > MAX_KEY_FILE {
            return Err(fail(
                &"the key file is larger than 64 KiB: it is not a PEM private key",
            ));
        }
        let text = std::str::from_utf8(&pem).map_err(|_| fail(&Error::KeyNotPem))?;
        PrivateKey::from_pem(text).map_err(|e| fail(&e))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn times_in_three_forms_from_1970_to_9999() {
            for text in ["1767290400", "2026-01-01T18:00:00Z", "20260101T180000Z"] {
                assert_eq!(parse_when("--at", text), Ok(1_767_290_400), "{text}");
            }
            assert_eq!(parse_when("--at", "0"), Ok(0));
            assert_eq!(parse_when("--at", "9999-12-31T23:59:59Z"), Ok(LAST_SECOND));
            assert_eq!(
                parse_when("--at", &LAST_SECOND.to_string()),
                Ok(LAST_SECOND)
            );
            for text in [
                "",
                "-1",
                "+1",
                "1.5",
                "253402300800",
                "99999999999999999999999",
                "2026-01-01",
                "2026-01-01T18:00:00",
                "2026-01-01T18:00:00.000Z",
                "2026-01-01T18:00:00+00:00",
                "2026-01-01t18:00:00z",
                "2026-02-29T00:00:00Z",
                "2026-01-01T24:00:00Z",
                "1969-12-31T23:59:59Z",
                "2026-01-01T18:00:0\u{e9}",
                "20\u{e9}-01-01T18:00:00Z",
            ] {
                let err = parse_when("--at", text).unwrap_err();
                assert!(err.starts_with("--at "), "{text}: {err}");
            }
        }

        #[test]
        fn expires_in_is_1_second_to_365_days() {
            assert_eq!(parse_expires_in("1"), Ok(1));
            assert_eq!(parse_expires_in("31536000"), Ok(31_536_000));
            for text in ["0", "31536001", "-1", "1h", ""] {
                assert!(parse_expires_in(text).is_err(), "{text}");
            }
            assert_eq!(iso(1_767_290_400), "2026-01-01T18:00:00Z");
            assert_eq!(iso(u64::MAX), u64::MAX.to_string());
        }
    }
}
