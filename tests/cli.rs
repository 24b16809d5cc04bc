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
            "unknown option --bogus",
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
