//! The `presign` command as a user runs it.

use std::process::{Command, Output, Stdio};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(presigner_test_support::binaries::binary(
        "presigner-s3",
        "presign",
    ));
    cmd.args(args).env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

fn presign(args: &[&str], env: &[(&str, &str)]) -> Output {
    command(args, env).output().expect("run presign")
}

fn creds() -> Vec<(&'static str, &'static str)> {
    vec![
        ("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE"),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
    ]
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[test]
fn reproduces_the_s3_documentation_example() {
    let vectors =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/s3-docs.json"))
            .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&vectors).unwrap();
    let expected = doc["cases"][0]["expected"]["url"].as_str().unwrap();
    let out = presign(
        &[
            "get",
            "s3://examplebucket/test.txt",
            "--expires-in",
            "86400",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "https://s3.amazonaws.com",
            "--at",
            "20130524T000000Z",
        ],
        &creds(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), format!("{expected}\n"));
    assert!(stderr(&out).is_empty());
}

#[test]
fn region_from_the_environment_token_path_style_and_content_type() {
    let mut env = creds();
    env.push(("AWS_REGION", "ap-northeast-1"));
    env.push(("AWS_SESSION_TOKEN", "tok/en+"));
    let out = presign(
        &[
            "PUT",
            "s3://my.bucket/a b/c.png",
            "--path-style",
            "--content-type",
            "image/png",
            "--at",
            "20261125T120000Z",
        ],
        &env,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let url = stdout(&out);
    assert!(
        url.starts_with("https://s3.ap-northeast-1.amazonaws.com/my.bucket/a%20b/c.png?"),
        "{url}"
    );
    assert!(url.contains(
        "X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261125%2Fap-northeast-1%2Fs3%2Faws4_request&"
    ));
    assert!(url.contains("X-Amz-Expires=3600&"));
    assert!(url.contains("X-Amz-Security-Token=tok%2Fen%2B&"));
    assert!(url.contains("X-Amz-SignedHeaders=content-type%3Bhost&"));
}

#[test]
fn without_at_it_signs_with_the_current_time() {
    let out = presign(&["get", "s3://bucket/k", "--region", "us-east-1"], &creds());
    assert!(out.status.success(), "{}", stderr(&out));
    let url = stdout(&out);
    let date = &url[url.find("X-Amz-Date=").unwrap() + 11..][..16];
    let parsed = presigner_sigv4::SigningTime::parse_amz_date(date).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - parsed.unix_seconds()).abs() < 600, "{date}");
}

#[test]
fn mistakes_give_one_line_on_stderr_and_exit_2() {
    type Case<'a> = (Vec<&'a str>, Vec<(&'a str, &'a str)>, &'a str);
    let cases: Vec<Case> = vec![
        (
            vec!["get", "s3://bucket/k", "--region", "us-east-1"],
            vec![],
            "AWS_ACCESS_KEY_ID is not set",
        ),
        (vec!["get", "s3://bucket/k"], creds(), "no region"),
        (
            vec!["fetch", "s3://bucket/k", "--region", "r"],
            creds(),
            "unknown method",
        ),
        (
            vec!["get", "bucket/k", "--region", "r"],
            creds(),
            "must look like s3://BUCKET/KEY",
        ),
        (
            vec!["get", "s3://bucket", "--region", "r"],
            creds(),
            "has no key",
        ),
        (
            vec!["get", "s3://bucket/", "--region", "r"],
            creds(),
            "the object key is empty",
        ),
        (
            vec!["get", "s3://Bad_Bucket/k", "--region", "r"],
            creds(),
            "invalid bucket name",
        ),
        (
            vec![
                "get",
                "s3://bucket/k",
                "--region",
                "r",
                "--expires-in",
                "604801",
            ],
            creds(),
            "out of range",
        ),
        (
            vec![
                "get",
                "s3://bucket/k",
                "--region",
                "r",
                "--expires-in",
                "soon",
            ],
            creds(),
            "not a whole number",
        ),
        (
            vec![
                "get",
                "s3://bucket/k",
                "--region",
                "r",
                "--at",
                "2013-05-24",
            ],
            creds(),
            "YYYYMMDDTHHMMSSZ",
        ),
        (
            vec![
                "get",
                "s3://bucket/k",
                "--region",
                "r",
                "--endpoint-url",
                "s3.local",
            ],
            creds(),
            "invalid endpoint URL",
        ),
        (
            vec![
                "get",
                "s3://bucket/k",
                "--region",
                "r",
                "--content-type",
                "a\u{e9}",
            ],
            creds(),
            "cannot be signed",
        ),
        (
            vec!["get", "s3://bucket/k", "--region", "r", "--bogus"],
            creds(),
            "unknown option \"--bogus\"",
        ),
        (
            vec!["get", "s3://bucket/k", "--region"],
            creds(),
            "--region needs a value",
        ),
        (
            vec!["get", "s3://bucket/k", "--region", "us east"],
            creds(),
            "region",
        ),
    ];
    for (args, env, message) in cases {
        let out = presign(&args, &env);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{args:?}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.starts_with("presign: ") && err.contains(message),
            "{args:?}: {err}"
        );
        assert!(!err.contains(SECRET), "{args:?}");
    }
}

#[test]
fn help_prints_usage() {
    let out = presign(&["--help"], &[]);
    assert!(out.status.success());
    assert!(stdout(&out).starts_with("usage: presign <get|put|head|delete> s3://BUCKET/KEY"));
}

#[test]
fn no_arguments_prints_the_usage_and_exits_2() {
    let out = presign(&[], &creds());
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    assert!(stderr(&out).starts_with("usage: presign <get|put|head|delete> s3://BUCKET/KEY"));
}

/// Arguments and variables are bytes on Unix; `std::env::args` would panic (abort, in the
/// release build) on one that is not UTF-8.
#[test]
fn input_that_is_not_utf8_is_an_error_not_a_crash() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;

    let not_utf8 = OsStr::from_bytes(b"s3://bucket/\xff\xfe.png");
    let out = command(&["get"], &creds())
        .arg(not_utf8)
        .args(["--region", "us-east-1"])
        .output()
        .expect("run presign");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(stderr(&out), "presign: argument 2 is not valid UTF-8\n");

    for variable in ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_REGION"] {
        let out = command(&["get", "s3://bucket/k.png"], &creds())
            .env("AWS_REGION", "us-east-1")
            .env(variable, OsStr::from_bytes(b"sec\xffret"))
            .output()
            .expect("run presign");
        assert_eq!(out.status.code(), Some(2), "{variable}: {}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!("presign: {variable} is not valid UTF-8\n")
        );
    }
}

/// A valid `presign get` whose stdout is `stdout` exits 2 and says why the write failed.
fn assert_stdout_write_fails(stdout: Stdio, why: &str) {
    let out = command(
        &["get", "s3://bucket/k.png", "--region", "us-east-1"],
        &creds(),
    )
    .stdout(stdout)
    .output()
    .expect("run presign");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(&format!("presign: cannot write to stdout: {why}")),
        "{}",
        stderr(&out)
    );
}

/// `presign ... | true`: stdout is a pipe nobody reads. The URL is lost, so the exit is 2
/// with a message, not a panic.
#[test]
fn a_closed_stdout_is_exit_2_with_a_message() {
    // The read end is closed before the command starts, so its write always fails.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    assert_stdout_write_fails(writer.into(), "Broken pipe");
}

/// A full disk: the write fails with ENOSPC, the same exit 2.
#[test]
fn a_stdout_that_cannot_be_written_is_exit_2_with_a_message() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    assert_stdout_write_fails(full.into(), "No space left on device");
}

// `presign cloudfront`: CloudFront signed URLs from a PEM key file.

fn cloudfront_file(name: &str) -> String {
    concat!(env!("CARGO_MANIFEST_DIR"), "/vectors/cloudfront/").to_owned() + name
}

const CLOUDFRONT_KEYS: [&str; 2] = ["test-key-sec1.pem", "test-key-pkcs8.pem"];

fn cloudfront_vectors() -> serde_json::Value {
    let text = std::fs::read_to_string(cloudfront_file("urls.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// The base64 lines of every PEM file in `vectors/cloudfront/` and `refused/`: none may show
/// in a message.
fn pem_body_lines() -> Vec<String> {
    let mut lines = Vec::new();
    for dir in ["", "refused/"] {
        for entry in std::fs::read_dir(cloudfront_file(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "pem") {
                let pem = std::fs::read_to_string(&path).unwrap();
                lines.extend(
                    pem.lines()
                        .filter(|l| !l.is_empty() && !l.starts_with("-----"))
                        .map(str::to_owned),
                );
            }
        }
    }
    assert!(lines.len() > 20, "{lines:?}");
    lines
}

/// Every case of `vectors/cloudfront/urls.json` (botocore's policies and URLs, Python
/// cryptography's signatures), byte for byte, from either key file; canned exactly where the
/// vector is.
#[test]
fn cloudfront_reproduces_every_vector_with_both_key_files() {
    let doc = cloudfront_vectors();
    let key_pair_id = doc["key_pair_id"].as_str().unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 7, "{}", cases.len());
    let canned = cases.iter().filter(|c| c["canned"] == true).count();
    assert!(canned >= 2 && canned < cases.len(), "{canned}");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let url = case["url"].as_str().unwrap();
        let resource = case["resource"].as_str().unwrap();
        let end = case["date_less_than"].as_u64().unwrap().to_string();
        let at = (case["date_less_than"].as_u64().unwrap() - 60).to_string();
        let start = case["date_greater_than"].as_u64().map(|s| s.to_string());
        let expected = case["signed_url"].as_str().unwrap();
        assert_eq!(
            case["canned"] == true,
            expected.contains("?Expires=") || expected.contains("&Expires="),
            "{name}"
        );
        for key in CLOUDFRONT_KEYS {
            let key = cloudfront_file(key);
            let mut args = vec![
                "cloudfront",
                url,
                "--key-pair-id",
                key_pair_id,
                "--private-key",
                &key,
                "--date-less-than",
                &end,
                "--at",
                &at,
            ];
            if let Some(start) = &start {
                args.extend(["--date-greater-than", start]);
            }
            if resource != url {
                args.extend(["--policy-resource", resource]);
            }
            let out = presign(&args, &[]);
            assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
            assert_eq!(stdout(&out), format!("{expected}\n"), "{name}");
            assert!(stderr(&out).is_empty(), "{name}");
        }
    }
}

/// The same URLs with the times written as dates, the end as `--expires-in` after `--at`, the
/// key as `file://` (as the AWS CLI takes it), the resource given and equal to the URL.
#[test]
fn cloudfront_takes_dates_expires_in_and_file_urls() {
    let doc = cloudfront_vectors();
    let case = |name: &str| {
        let case = doc["cases"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap();
        (
            case["url"].as_str().unwrap().to_owned(),
            format!("{}\n", case["signed_url"].as_str().unwrap()),
        )
    };
    let key = format!("file://{}", cloudfront_file("test-key-sec1.pem"));
    let sign = |extra: &[&str]| {
        let (url, _) = case("canned");
        let mut args = vec![
            "cloudfront",
            &url,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &key,
        ];
        args.extend(extra);
        let out = presign(&args, &[]);
        assert_eq!(out.status.code(), Some(0), "{extra:?}: {}", stderr(&out));
        stdout(&out)
    };
    // 1767290400 is 2026-01-01T18:00:00Z.
    let (url, canned) = case("canned");
    for extra in [
        &[
            "--date-less-than",
            "2026-01-01T18:00:00Z",
            "--at",
            "1767286800",
        ][..],
        &["--date-less-than", "20260101T180000Z", "--at", "1767286800"],
        &["--at", "2026-01-01T17:00:00Z"],
        &["--at", "2026-01-01T17:00:00Z", "--expires-in", "3600"],
        &["--at", "1767290399", "--expires-in", "1"],
        &["--expires-in", "3600", "--at", "2026-01-01T17:00:00Z"],
        &["--at", "1767286800", "--policy-resource", &url],
    ] {
        assert_eq!(sign(extra), canned, "{extra:?}");
    }
    // The window case: a start makes the policy custom.
    let (window_url, window) = case("custom-window-start");
    let out = presign(
        &[
            "cloudfront",
            &window_url,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &key,
            "--policy-resource",
            "https://d111111abcdef8.cloudfront.net/images/*",
            "--date-greater-than",
            "2026-01-01T17:00:00Z",
            "--expires-in",
            "7200",
            "--at",
            "2026-01-01T17:00:00Z",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), window);
}

/// A custom policy reads `*` and `?` in its resource as wildcards: a URL holding either is
/// refused as its own resource there, and signed once `--policy-resource` says what it covers.
/// A canned policy has none, so a query string alone still signs canned.
#[test]
fn cloudfront_refuses_wildcards_it_was_not_asked_for() {
    let key = cloudfront_file("test-key-sec1.pem");
    let sign = |url: &str, extra: &[&str]| {
        let mut args = vec![
            "cloudfront",
            url,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &key,
            "--at",
            "1767286800",
        ];
        args.extend(extra);
        presign(&args, &[])
    };
    let start = ["--date-greater-than", "1767286800"];
    let star = "https://d111111abcdef8.cloudfront.net/images/*.png";
    let query = "https://d111111abcdef8.cloudfront.net/a.png?size=large";
    for (url, extra) in [(star, &[][..]), (star, &start), (query, &start)] {
        let out = sign(url, extra);
        assert_eq!(out.status.code(), Some(2), "{url} {extra:?}");
        assert!(
            stderr(&out).contains("give --policy-resource"),
            "{url}: {}",
            stderr(&out)
        );
        assert!(stdout(&out).is_empty());
        let mut asked = extra.to_vec();
        asked.extend(["--policy-resource", url]);
        let out = sign(url, &asked);
        assert_eq!(out.status.code(), Some(0), "{url}: {}", stderr(&out));
        assert!(stdout(&out).contains("Policy="), "{}", stdout(&out));
    }
    let out = sign(query, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with(&format!("{query}&Expires=")));
}

#[test]
fn cloudfront_without_an_end_signs_for_an_hour_from_now() {
    let key = cloudfront_file("test-key-pkcs8.pem");
    let out = presign(
        &[
            "cloudfront",
            "https://d111111abcdef8.cloudfront.net/a.png",
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &key,
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let url = stdout(&out);
    let expires: u64 = url
        .strip_prefix("https://d111111abcdef8.cloudfront.net/a.png?Expires=")
        .and_then(|rest| rest.split('&').next())
        .and_then(|e| e.parse().ok())
        .unwrap_or_else(|| panic!("{url}"));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!(expires.abs_diff(now + 3600) < 600, "{url}");
    assert!(url.ends_with("&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256\n"));
}

/// Keys CloudFront cannot use, keys that are not there and every other mistake: exit 2, one
/// line on stderr naming what is wrong, and no line of any PEM file in it, whichever key the
/// command was given and however (a path, `file://`, the key text in the argument itself, the
/// key text spread over the arguments by a missing pair of quotes).
#[test]
fn cloudfront_mistakes_give_one_line_on_stderr_without_key_material() {
    let refused = |name: &str| cloudfront_file(&format!("refused/{name}"));
    let good = cloudfront_file("test-key-sec1.pem");
    let good_text = std::fs::read_to_string(&good).unwrap();
    let url = "https://d111111abcdef8.cloudfront.net/a.png";
    // (the --private-key value, the other arguments after the URL, what the message says)
    let mut cases: Vec<(String, Vec<&str>, &str)> = vec![];
    for (file, message) in [
        ("rsa-pkcs8.pem", "this is an RSA key"),
        ("rsa-traditional.pem", "this is an RSA key"),
        ("p384-pkcs8.pem", "not on P-256"),
        ("p384-sec1.pem", "not on P-256"),
        ("secp256k1-sec1.pem", "not on P-256"),
        ("ed25519.pem", "not on P-256"),
        ("encrypted-pkcs8.pem", "encrypted"),
        ("public.pem", "public key"),
    ] {
        cases.push((refused(file), vec![], message));
        cases.push((format!("file://{}", refused(file)), vec![], message));
    }
    let public = cloudfront_file("test-key-public.pem");
    let urls_json = cloudfront_file("urls.json");
    let dir = cloudfront_file("refused");
    let missing = cloudfront_file("no-such-key.pem");
    let mistakes: Vec<(&str, Vec<&str>, &str)> = vec![
        (&public, vec![], "--private-key: this is a public key"),
        (&missing, vec![], "--private-key: cannot open the key file"),
        ("file:///no/such/key.pem", vec![], "No such file"),
        (&dir, vec![], "--private-key: cannot read the key file"),
        (
            &urls_json,
            vec![],
            "--private-key: no PEM private key found",
        ),
        ("/dev/zero", vec![], "larger than 64 KiB"),
        (&good_text, vec![], "not the key itself"),
    ];
    for (key, rest, message) in mistakes {
        cases.push((key.to_owned(), rest, message));
    }
    for (rest, message) in [
        (
            vec!["--key-pair-id", "k2jcjmdehxqw5f"],
            "--key-pair-id: the key pair ID must be",
        ),
        (vec!["--key-pair-id", ""], "--key-pair-id: the key pair ID"),
        (vec!["--key-pair-id"], "--key-pair-id needs a value"),
        (vec!["--expires-in", "0"], "--expires-in 0 is out of range"),
        (
            vec!["--expires-in", "31536001"],
            "--expires-in 31536001 is out of range",
        ),
        (vec!["--expires-in", "1h"], "not a whole number"),
        (
            vec!["--expires-in", "60", "--date-less-than", "1767290400"],
            "give --expires-in or --date-less-than, not both",
        ),
        (
            vec!["--date-less-than", "1767290400", "--at", "1767290400"],
            "is not after the signing time 2026-01-01T18:00:00Z",
        ),
        (vec!["--date-less-than", "1357034400"], "expired already"),
        (
            vec![
                "--date-greater-than",
                "2026-01-01T18:00:00Z",
                "--at",
                "2026-01-01T17:00:00Z",
            ],
            "--date-greater-than 2026-01-01T18:00:00Z is not before the end",
        ),
        (
            vec!["--date-less-than", "2026-01-01"],
            "--date-less-than \"2026-01-01\" is not a time",
        ),
        (
            vec!["--date-greater-than", "2026-01-01T18:00:00+00:00"],
            "--date-greater-than \"2026-01-01T18:00:00+00:00\" is not a time",
        ),
        (
            vec!["--at", "2026-02-30T00:00:00Z"],
            "--at \"2026-02-30T00:00:00Z\" is not a time",
        ),
        (
            vec!["--at", "99999999999999"],
            "--at 99999999999999 is out of range",
        ),
        (vec!["--policy-resource", ""], "--policy-resource is empty"),
        (vec!["--region", "us-east-1"], "unknown option \"--region\""),
        (
            vec!["https://d111111abcdef8.cloudfront.net/b.png"],
            "expected one URL",
        ),
    ] {
        cases.push((good.clone(), rest, message));
    }

    let body = pem_body_lines();
    let check = |args: &[&str], message: &str| {
        let out = presign(args, &[]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{message}: {err}");
        assert!(stdout(&out).is_empty(), "{message}");
        assert_eq!(err.lines().count(), 1, "{message}: {err}");
        assert!(
            err.starts_with("presign: ") && err.contains(message),
            "{message}: {err}"
        );
        for line in &body {
            assert!(!err.contains(line.as_str()), "{message}: {err}");
        }
    };
    for (key, rest, message) in &cases {
        let mut args = vec![
            "cloudfront",
            url,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            key,
        ];
        args.extend(rest);
        check(&args, message);
    }

    // A key pasted where an option or the URL goes: refused without echoing it.
    let inline = format!("--private-key={good_text}");
    check(
        &[
            "cloudfront",
            url,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            &inline,
        ],
        "unknown option (an argument not shown",
    );
    check(
        &[
            "cloudfront",
            &good_text,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &good,
        ],
        "unknown option (an argument not shown",
    );
    check(
        &[
            "cloudfront",
            url,
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &good,
            "--expires-in",
            &good_text,
        ],
        "--expires-in (an argument not shown",
    );

    // Mistakes in the URL, with a good key.
    for (url, message) in [
        (
            "https://d111111abcdef8.cloudfront.net/a.png#top",
            "the URL to sign must not have a fragment",
        ),
        (
            "d111111abcdef8.cloudfront.net/a.png",
            "must start with https://",
        ),
        (
            "https://d111111abcdef8.cloudfront.net/a.png?Expires=1",
            "already carries CloudFront's signing parameters",
        ),
        (
            "https://d111111abcdef8.cloudfront.net/a b.png",
            "percent-encoded",
        ),
    ] {
        check(
            &[
                "cloudfront",
                url,
                "--key-pair-id",
                "K2JCJMDEHXQW5F",
                "--private-key",
                &good,
            ],
            message,
        );
    }
    // What is missing.
    check(
        &["cloudfront", url, "--private-key", &good],
        "--key-pair-id is required",
    );
    check(
        &["cloudfront", url, "--key-pair-id", "K2JCJMDEHXQW5F"],
        "--private-key is required",
    );
    check(
        &[
            "cloudfront",
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &good,
        ],
        "expected the URL to sign",
    );
    check(
        &["--region", "us-east-1", "cloudfront", url],
        "cloudfront comes first",
    );
    // `--private-key $(cat key.pem)` without quotes: the key arrives as many arguments.
    let mut spread = vec![
        "cloudfront",
        url,
        "--key-pair-id",
        "K2JCJMDEHXQW5F",
        "--private-key",
    ];
    spread.extend(good_text.split_whitespace());
    let out = presign(&spread, &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    for line in &body {
        assert!(!err.contains(line.as_str()), "{err}");
    }
}

#[test]
fn help_mentions_cloudfront() {
    for args in [&["--help"][..], &["cloudfront", "--help"]] {
        let out = presign(args, &[]);
        assert!(out.status.success(), "{args:?}");
        let text = stdout(&out);
        assert!(
            text.contains("presign cloudfront URL --key-pair-id ID --private-key FILE"),
            "{text}"
        );
        assert!(text.contains("file://FILE"), "{text}");
        assert!(text.contains("31536000"), "{text}");
    }
}

/// A signed CloudFront URL that cannot be written is exit 2 with a message, as for S3.
#[test]
fn cloudfront_a_stdout_that_cannot_be_written_is_exit_2() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let key = cloudfront_file("test-key-sec1.pem");
    let out = command(
        &[
            "cloudfront",
            "https://d111111abcdef8.cloudfront.net/a.png",
            "--key-pair-id",
            "K2JCJMDEHXQW5F",
            "--private-key",
            &key,
        ],
        &[],
    )
    .stdout(full)
    .output()
    .expect("run presign");
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("presign: cannot write to stdout: No space left on device"));
}
