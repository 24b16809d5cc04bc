//! Each contender run the way Lambda runs it: a Lambda-like environment, the Runtime API
//! emulator handing out the event, a cold start measured spawn to first response (init, first
//! invoke, peak RSS, CPU), a warm process, a check under strace that only loopback sockets are
//! opened, the URL's shape to compare with ours, and the deployed size.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use presigner_test_support::runtime_api::{self, RuntimeApi};
use serde_json::Value;

pub(crate) struct Contender {
    pub(crate) id: &'static str,
    pub(crate) label: &'static str,
    pub(crate) program: PathBuf,
    pub(crate) args: Vec<String>,
    pub(crate) cwd: PathBuf,
    /// The deployable artefact whose size is reported: a binary, or a folder of packages.
    pub(crate) artefact: Artefact,
}

pub(crate) enum Artefact {
    Binary(PathBuf),
    Packages(PathBuf),
}

#[derive(Clone, Copy)]
pub(crate) struct ColdRun {
    pub(crate) total: Duration,
    pub(crate) init: Duration,
    pub(crate) invoke: Duration,
    pub(crate) max_rss_kib: i64,
    pub(crate) cpu: Duration,
}

pub(crate) const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
pub(crate) const TOKEN: &str =
    "IQoJb3JpZ2luX2VjEJr//////////wEaDmFwLW5vcnRoZWFzdC0xIkcwRQIhAEXAMPLE+token==";

pub(crate) fn lambda_env(cmd: &mut Command, api: &str, home: &Path, task_root: &Path) {
    runtime_api::runtime_env(cmd, api);
    cmd.env("AWS_REGION", "ap-northeast-1")
        .env("AWS_DEFAULT_REGION", "ap-northeast-1")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_SESSION_TOKEN", TOKEN)
        .env("S3_BUCKET_NAME", "presigner-bench-bucket")
        .env("S3_ENDPOINT_URL", "https://s3.ap-northeast-1.amazonaws.com")
        // Every contender answers the original's contract (the body names the user, the
        // upload URL signs only host), so ours runs with its two switches back to it.
        .env("TRUST_BODY_USER_ID", "true")
        .env("REQUIRE_UPLOAD_CONSTRAINTS", "false")
        .env("LAMBDA_TASK_ROOT", task_root)
        .env("_HANDLER", "handler.lambda_handler")
        .env("HOME", home)
        .current_dir(task_root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
}

pub(crate) fn event(root: &Path) -> String {
    std::fs::read_to_string(root.join("tests/events/rest-v1.json"))
        .expect("tests/events/rest-v1.json")
}

/// SIGKILLs `pid` and reaps it; returns (peak RSS KiB, user+system CPU).
///
/// Peak RSS is `VmHWM` of the program's own address space, read just before the kill:
/// `ru_maxrss` would also count the moments between fork and exec, when the child still
/// shares the harness's pages.
pub(crate) fn kill_and_reap(pid: u32) -> (i64, Duration) {
    let hwm = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|v| v.parse::<i64>().ok())
            })
        })
        .unwrap_or(0);
    let pid = pid as libc::pid_t;
    let mut status = 0;
    // SAFETY: plain syscalls on our own child; `usage` is a valid out-pointer.
    let usage = unsafe {
        libc::kill(pid, libc::SIGKILL);
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::wait4(pid, &mut status, 0, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    (hwm, tv(usage.ru_utime) + tv(usage.ru_stime))
}

/// One cold start: spawn to first complete response. Returns the run and the response.
pub(crate) fn cold_run(
    c: &Contender,
    event: &str,
    home: &Path,
) -> Result<(ColdRun, String), String> {
    let api = RuntimeApi::start();
    api.push_event(event.to_owned());
    let mut cmd = Command::new(&c.program);
    cmd.args(&c.args);
    lambda_env(&mut cmd, &api.addr, home, &c.cwd);
    let started = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("{}: {e}", c.id))?;
    let (responses, errors) = api.wait_for(1, Duration::from_secs(60));
    let (max_rss_kib, cpu) = kill_and_reap(child.id());
    let timeline = api.timeline();
    if !errors.is_empty() || responses.is_empty() {
        return Err(format!("{}: no response (errors: {errors:?})", c.id));
    }
    let first_next = timeline.next_requested.first().copied().ok_or("no /next")?;
    let responded = timeline
        .responded
        .first()
        .map(|r| r.1)
        .ok_or("no response time")?;
    Ok((
        ColdRun {
            total: responded - started,
            init: first_next - started,
            invoke: responded - first_next,
            max_rss_kib,
            cpu,
        },
        responses[0].1.clone(),
    ))
}

/// One process serving `n` invocations after its first; latency from event handed out to
/// response received, and the process's CPU time in all (init and first invocation included).
pub(crate) fn warm_run(
    c: &Contender,
    event: &str,
    home: &Path,
    n: usize,
) -> Result<(Vec<Duration>, Duration), String> {
    let api = RuntimeApi::start();
    for _ in 0..=n {
        api.push_event(event.to_owned());
    }
    let mut cmd = Command::new(&c.program);
    cmd.args(&c.args);
    lambda_env(&mut cmd, &api.addr, home, &c.cwd);
    let child = cmd.spawn().map_err(|e| format!("{}: {e}", c.id))?;
    let (responses, _) = api.wait_for(n + 1, Duration::from_secs(300));
    let (_, cpu) = kill_and_reap(child.id());
    if responses.len() < n + 1 {
        return Err(format!(
            "{}: only {} of {} warm responses",
            c.id,
            responses.len(),
            n + 1
        ));
    }
    let t = api.timeline();
    let served: BTreeMap<&str, Instant> =
        t.served.iter().map(|(id, at)| (id.as_str(), *at)).collect();
    let latencies = t
        .responded
        .iter()
        .skip(1)
        .filter_map(|(id, at)| served.get(id.as_str()).map(|s| *at - *s))
        .collect();
    Ok((latencies, cpu))
}

/// Runs one invocation under strace and returns every connect() that is not loopback or a
/// local (AF_UNIX) socket.
pub(crate) fn foreign_connects(
    c: &Contender,
    event: &str,
    home: &Path,
) -> Result<Vec<String>, String> {
    let api = RuntimeApi::start();
    api.push_event(event.to_owned());
    let trace = std::env::temp_dir().join(format!("presigner-bench-strace-{}", c.id));
    let mut cmd = Command::new("strace");
    cmd.args(["-f", "-qq", "-e", "trace=connect,sendto,sendmsg", "-o"])
        .arg(&trace)
        .arg(&c.program)
        .args(&c.args);
    lambda_env(&mut cmd, &api.addr, home, &c.cwd);
    let child = cmd
        .spawn()
        .map_err(|e| format!("strace: {e} (install strace)"))?;
    let (responses, _) = api.wait_for(1, Duration::from_secs(60));
    std::thread::sleep(Duration::from_millis(200));
    kill_and_reap(child.id());
    if responses.is_empty() {
        return Err(format!("{}: no response under strace", c.id));
    }
    let text = std::fs::read_to_string(&trace).map_err(|e| e.to_string())?;
    let _ = std::fs::remove_file(&trace);
    Ok(text
        .lines()
        .filter(|l| l.contains("sin_addr") || l.contains("sin6_addr"))
        .filter(|l| {
            !l.contains("inet_addr(\"127.") && !l.contains("\"::1\"") && !l.contains("::ffff:127.")
        })
        .map(str::to_owned)
        .collect())
}

pub(crate) fn artefact_size(a: &Artefact) -> (u64, Option<u64>) {
    match a {
        Artefact::Binary(path) => {
            let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            // The zip SAM uploads: the binary as `bootstrap`, deflated.
            let zip = std::env::temp_dir().join("presigner-bench.zip");
            let ok = Command::new("python3")
                .args(["-c", "import sys,zipfile\nwith zipfile.ZipFile(sys.argv[2],'w',zipfile.ZIP_DEFLATED) as z: z.write(sys.argv[1],'bootstrap')"])
                .arg(path)
                .arg(&zip)
                .status()
                .is_ok_and(|s| s.success());
            let zipped = ok.then(|| std::fs::metadata(&zip).map(|m| m.len()).unwrap_or(0));
            (size, zipped)
        }
        Artefact::Packages(dir) => (dir_size(dir), None),
    }
}

pub(crate) fn dir_size(dir: &Path) -> u64 {
    let skip = [
        "pip",
        "setuptools",
        "_distutils_hack",
        "pkg_resources",
        "__pycache__",
    ];
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            // `pip` and `pip-23.2.1.dist-info` alike.
            let base = name.split('-').next().unwrap_or("");
            if skip.contains(&base) {
                0
            } else if e.path().is_dir() {
                dir_size(&e.path())
            } else {
                e.metadata().map(|m| m.len()).unwrap_or(0)
            }
        })
        .sum()
}

/// The URL's host, path and parameters other than the ones that change per signature.
pub(crate) fn url_shape(response: &str) -> Result<(String, BTreeMap<String, String>), String> {
    let event: Value = serde_json::from_str(response).map_err(|e| e.to_string())?;
    let status = event["statusCode"].as_i64().unwrap_or(0);
    if status != 200 {
        return Err(format!("status {status}"));
    }
    let body: Value =
        serde_json::from_str(event["body"].as_str().unwrap_or("")).map_err(|e| e.to_string())?;
    let url = body["presignedUrl"].as_str().ok_or("no presignedUrl")?;
    let (base, query) = url.split_once('?').ok_or("no query")?;
    let params = query
        .split('&')
        .map(|p| {
            let (n, v) = p.split_once('=').unwrap_or((p, ""));
            let v = match n {
                "X-Amz-Signature" => "<64 hex>".to_owned(),
                "X-Amz-Date" => "<date>".to_owned(),
                "X-Amz-Credential" => v
                    .split("%2F")
                    .enumerate()
                    .map(|(i, s)| if i == 1 { "<day>" } else { s })
                    .collect::<Vec<_>>()
                    .join("%2F"),
                _ => v.to_owned(),
            };
            (n.to_owned(), v)
        })
        .collect();
    Ok((base.to_owned(), params))
}
