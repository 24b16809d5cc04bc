//! Cold start, init, first invoke, peak RSS, CPU time, warm latency and size of each contender,
//! run the way Lambda runs them: a Runtime API emulator on 127.0.0.1 (the same one the test
//! suite uses) spawns the process with a Lambda-like environment and hands it the REST API
//! event for `POST /api/upload_url`.
//!
//! Usage: bench-harness ROOT [--runs N] [--warm N] [--only ID,...] [--baseline BOOTSTRAP]
//! (ROOT is the repository; `bench/run` builds everything and calls this.)
//! Writes ROOT/bench/results.md and ROOT/bench/results.svg.

// The report's tables are built from lists of (label, accessor) closures; naming each of
// those types would say less than the code beside them.
#![allow(clippy::type_complexity)]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use presigner_test_support::runtime_api::{self, RuntimeApi};
use serde_json::Value;

struct Contender {
    id: &'static str,
    label: &'static str,
    program: PathBuf,
    args: Vec<String>,
    cwd: PathBuf,
    /// The deployable artefact whose size is reported: a binary, or a folder of packages.
    artefact: Artefact,
}

enum Artefact {
    Binary(PathBuf),
    Packages(PathBuf),
}

#[derive(Clone, Copy)]
struct ColdRun {
    total: Duration,
    init: Duration,
    invoke: Duration,
    max_rss_kib: i64,
    cpu: Duration,
}

const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaDmFwLW5vcnRoZWFzdC0xIkcwRQIhAEXAMPLE+token==";

fn lambda_env(cmd: &mut Command, api: &str, home: &Path, task_root: &Path) {
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

fn event(root: &Path) -> String {
    std::fs::read_to_string(root.join("tests/events/rest-v1.json"))
        .expect("tests/events/rest-v1.json")
}

/// SIGKILLs `pid` and reaps it; returns (peak RSS KiB, user+system CPU).
///
/// Peak RSS is `VmHWM` of the program's own address space, read just before the kill:
/// `ru_maxrss` would also count the moments between fork and exec, when the child still
/// shares the harness's pages.
fn kill_and_reap(pid: u32) -> (i64, Duration) {
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
fn cold_run(c: &Contender, event: &str, home: &Path) -> Result<(ColdRun, String), String> {
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
fn warm_run(
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
fn foreign_connects(c: &Contender, event: &str, home: &Path) -> Result<Vec<String>, String> {
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

fn artefact_size(a: &Artefact) -> (u64, Option<u64>) {
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

fn dir_size(dir: &Path) -> u64 {
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

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn median_of<T: Copy + Ord>(values: &mut [T]) -> T {
    values.sort();
    values[values.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The URL's host, path and parameters other than the ones that change per signature.
fn url_shape(response: &str) -> Result<(String, BTreeMap<String, String>), String> {
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

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines().next().map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<u64>()
                    .unwrap_or(0)
                    / 1024
                    / 1024
            })
        })
        .unwrap_or(0);
    let out = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    format!(
        "{cpu}, {cores} cores, {mem} GiB; Linux {}; {}; {}",
        out("uname", "-r"),
        out("rustc", "-V"),
        out("python3", "-V")
    )
}

/// Criterion's median estimate and its 95% interval (ns) for `group/id`, from `dir` (a
/// target directory) under the repository root; `None` if that bench has not run.
fn criterion_median(root: &Path, dir: &str, group: &str, id: &str) -> Option<(f64, f64, f64)> {
    let path = root.join(format!("{dir}/criterion/{group}/{id}/new/estimates.json"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let m = &v["median"];
    Some((
        m["point_estimate"].as_f64()?,
        m["confidence_interval"]["lower_bound"].as_f64()?,
        m["confidence_interval"]["upper_bound"].as_f64()?,
    ))
}

/// Median signing times (ns) from criterion's output for `cargo bench --bench signing`: the
/// glibc build's (target/criterion) and the shipped static musl build's (target/musl-bench).
fn signing(root: &Path) -> Vec<(&'static str, Option<(f64, f64, f64)>)> {
    [
        ("target", "ours_cached_key", "ours, cached signing key"),
        (
            "target",
            "ours_fresh_key",
            "ours, signing key derived each time",
        ),
        ("target", "rusty_s3", "rusty-s3"),
        ("target", "aws_sigv4", "aws-sigv4 crate"),
        (
            "target/musl-bench",
            "ours_cached_key",
            "ours, cached signing key, static musl build (shipped)",
        ),
    ]
    .into_iter()
    .map(|(dir, id, label)| (label, criterion_median(root, dir, "presign_put_url", id)))
    .collect()
}

/// One case of the bench's `timeline` group: images asked for, warm or cold, the median.
type TimelineCase = (usize, &'static str, Option<(f64, f64, f64)>);

/// The handler's time for one `download_url` and for batches of 20 and 100 images, warm (the
/// window's URLs already signed by the process) and cold (every URL signed).
fn timeline(root: &Path) -> Vec<TimelineCase> {
    let mut cases = Vec::new();
    for (suffix, kind) in [("_cold", "cold"), ("", "warm")] {
        for (n, id) in [
            (1, "download_url"),
            (20, "download_urls_20"),
            (100, "download_urls_100"),
        ] {
            let median = criterion_median(root, "target", "timeline", &format!("{id}{suffix}"));
            cases.push((n, kind, median));
        }
    }
    cases
}

struct Summary {
    label: &'static str,
    id: &'static str,
    runs: Vec<ColdRun>,
    warm: Vec<Duration>,
    /// CPU per warm invocation: the warm process's CPU less the median cold start's, over
    /// the invocations after the first.
    warm_cpu: Duration,
    size: u64,
    zipped: Option<u64>,
}

impl Summary {
    fn totals(&self) -> Vec<Duration> {
        let mut t: Vec<Duration> = self.runs.iter().map(|r| r.total).collect();
        t.sort();
        t
    }
    fn median_total(&self) -> Duration {
        percentile(&self.totals(), 0.5)
    }
    fn median_rss_kib(&self) -> i64 {
        median_of(&mut self.runs.iter().map(|r| r.max_rss_kib).collect::<Vec<_>>())
    }
    fn median_cpu(&self) -> Duration {
        median_of(&mut self.runs.iter().map(|r| r.cpu).collect::<Vec<_>>())
    }
    fn median_init(&self) -> Duration {
        median_of(&mut self.runs.iter().map(|r| r.init).collect::<Vec<_>>())
    }
}

fn svg(summaries: &[Summary]) -> String {
    // Two panels of horizontal bars on log scales: cold start (ms) and size (MB).
    let (w, row, top, left) = (900.0, 34.0, 60.0, 250.0);
    let h = top + row * summaries.len() as f64 + 50.0;
    let panel_w = (w - left - 40.0) / 2.0 - 20.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-family="sans-serif" font-size="13">
<rect width="100%" height="100%" fill="white"/>
<text x="{}" y="22" font-size="16" font-weight="bold" text-anchor="middle">presigner vs peers: cold start (median) and deployed size, log scales</text>
"#,
        w / 2.0
    );
    let panels: [(&str, Box<dyn Fn(&Summary) -> f64>, &str); 2] = [
        (
            "Cold start, median (ms)",
            Box::new(|x: &Summary| ms(x.median_total())),
            "ms",
        ),
        (
            "Size (MB): stripped binary, or Python packages",
            Box::new(|x: &Summary| x.size as f64 / 1e6),
            "MB",
        ),
    ];
    for (p, (title, value, unit)) in panels.iter().enumerate() {
        let x0 = left + p as f64 * (panel_w + 40.0);
        let values: Vec<f64> = summaries.iter().map(value).collect();
        let lo = values
            .iter()
            .cloned()
            .fold(f64::MAX, f64::min)
            .max(1e-3)
            .log10()
            .floor();
        let hi = values
            .iter()
            .cloned()
            .fold(0.0, f64::max)
            .log10()
            .ceil()
            .max(lo + 1.0);
        let scale = |v: f64| (v.max(1e-3).log10() - lo) / (hi - lo) * panel_w;
        let _ = writeln!(
            s,
            r#"<text x="{}" y="48" text-anchor="middle" font-weight="bold">{title}</text>"#,
            x0 + panel_w / 2.0
        );
        let mut decade = lo;
        while decade <= hi {
            let x = x0 + scale(10f64.powf(decade));
            let _ = writeln!(
                s,
                r##"<line x1="{x}" y1="{top}" x2="{x}" y2="{}" stroke="#ddd"/><text x="{x}" y="{}" text-anchor="middle" fill="#666" font-size="11">{}</text>"##,
                top + row * summaries.len() as f64,
                top + row * summaries.len() as f64 + 16.0,
                10f64.powf(decade)
            );
            decade += 1.0;
        }
        for (i, (sm, v)) in summaries.iter().zip(&values).enumerate() {
            let y = top + row * i as f64 + 6.0;
            let color = if sm.id == "ours" {
                "#2a7ae2"
            } else {
                "#9aa5b1"
            };
            if p == 0 {
                let _ = writeln!(
                    s,
                    r#"<text x="{}" y="{}" text-anchor="end">{}</text>"#,
                    left - 10.0,
                    y + 16.0,
                    sm.label
                );
            }
            let _ = writeln!(
                s,
                r#"<rect x="{x0}" y="{y}" width="{:.1}" height="22" fill="{color}"/><text x="{:.1}" y="{}" font-size="12">{:.2} {unit}</text>"#,
                scale(*v).max(1.0),
                x0 + scale(*v).max(1.0) + 4.0,
                y + 16.0,
                v
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn main() {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(
        args.next()
            .expect("usage: bench-harness ROOT [--runs N] [--warm N]"),
    );
    let root = root.canonicalize().expect("ROOT");
    let (mut runs, mut warm_n) = (30usize, 1000usize);
    let mut only: Option<Vec<String>> = None;
    let mut baseline: Option<PathBuf> = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--warm" => warm_n = args.next().and_then(|v| v.parse().ok()).expect("--warm N"),
            "--only" => {
                only = args
                    .next()
                    .map(|v| v.split(',').map(str::to_owned).collect())
            }
            "--baseline" => baseline = args.next().map(PathBuf::from),
            other => panic!("unknown option {other}"),
        }
    }
    let bench = root.join("bench");
    let python = bench.join("python");
    let site = std::fs::read_dir(python.join(".venv/lib"))
        .ok()
        .and_then(|mut d| d.next())
        .and_then(|e| e.ok())
        .map(|e| e.path().join("site-packages"))
        .unwrap_or_default();
    let variant = |name: &str| bench.join("target/variants").join(name);
    let binary = |id: &'static str, label: &'static str, path: PathBuf| Contender {
        id,
        label,
        program: path.clone(),
        args: vec![],
        cwd: bench.clone(),
        artefact: Artefact::Binary(path),
    };
    let contenders = vec![
        binary(
            "ours",
            "presigner (ours, shipped: static musl)",
            variant("ours-musl"),
        ),
        binary(
            "ours-static-glibc",
            "presigner, static glibc",
            variant("ours-static-glibc"),
        ),
        binary(
            "ours-dynamic",
            "presigner, dynamic glibc",
            variant("ours-dynamic"),
        ),
        binary(
            "floor",
            "floor: lambda_http, constant body (dynamic glibc)",
            variant("floor-dynamic"),
        ),
        binary(
            "floor-static-glibc",
            "floor, static glibc",
            variant("floor-static-glibc"),
        ),
        binary("floor-musl", "floor, static musl", variant("floor-musl")),
        binary(
            "sdk",
            "aws-config + aws-sdk-s3",
            bench.join("target/release/bench-sdk"),
        ),
        binary(
            "rusty",
            "rusty-s3",
            bench.join("target/release/bench-rusty"),
        ),
        Contender {
            id: "python",
            label: "Python 3.11 + boto3 (original)",
            program: python.join(".venv/bin/python"),
            args: vec![
                "-m".into(),
                "awslambdaric".into(),
                "handler.lambda_handler".into(),
            ],
            cwd: python.clone(),
            artefact: Artefact::Packages(site),
        },
    ];
    // Every binary runs from a plain sequential copy, as Lambda runs it from the unpacked zip.
    // Measured from where the linker left it, a just-built binary starts ~10% slower here:
    // the linker leaves it in the page cache in small pieces, so exec takes more page faults.
    // `--only`: just those contenders, so the others need not be built.
    let contenders: Vec<Contender> = match &only {
        Some(ids) => contenders
            .into_iter()
            .filter(|c| ids.iter().any(|i| i == c.id))
            .collect(),
        None => contenders,
    };
    let stage = bench.join("target/stage");
    let _ = std::fs::create_dir_all(&stage);
    let contenders: Vec<Contender> = contenders
        .into_iter()
        .map(|mut c| {
            if let Artefact::Binary(built) = &c.artefact {
                let staged = stage.join(c.id);
                let bytes = std::fs::read(built)
                    .unwrap_or_else(|e| panic!("{}: {e} (run bench/run)", built.display()));
                let _ = std::fs::remove_file(&staged);
                std::fs::write(&staged, bytes).expect("stage binary");
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&staged, std::fs::Permissions::from_mode(0o755))
                    .expect("chmod");
                c.program = staged;
            }
            c
        })
        .collect();
    // `--baseline PATH`: another build of ours (an earlier commit, say), run alongside it.
    let mut contenders = contenders;
    if let Some(path) = baseline.filter(|_| {
        only.as_ref()
            .is_none_or(|ids| ids.iter().any(|i| i == "baseline"))
    }) {
        let path = path.canonicalize().expect("--baseline PATH");
        contenders.insert(
            1,
            binary("baseline", "presigner, the --baseline build", path),
        );
    }
    let event = event(&root);
    let home = std::env::temp_dir().join("presigner-bench-home");
    let _ = std::fs::create_dir_all(&home);

    // Fairness first: no contender touches the network, and all answer alike.
    let mut notes = Vec::new();
    let mut shapes = BTreeMap::new();
    for c in &contenders {
        let foreign = foreign_connects(c, &event, &home).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            foreign.is_empty(),
            "{} opened non-loopback sockets:\n{}",
            c.id,
            foreign.join("\n")
        );
        eprintln!("network check: {} opened only loopback sockets", c.id);
        let (_, response) = cold_run(c, &event, &home).unwrap_or_else(|e| panic!("{e}"));
        if !c.id.starts_with("floor") {
            shapes.insert(
                c.id,
                url_shape(&response).unwrap_or_else(|e| panic!("{}: {e}", c.id)),
            );
        }
    }
    let (ours_base, ours_params) = shapes.get("ours").cloned().unwrap_or_default();
    for (id, (base, params)) in shapes.iter().filter(|_| only.is_none()) {
        if *id == "ours" {
            continue;
        }
        assert_eq!(base, &ours_base, "{id}: host or key encoding differs");
        for (name, value) in &ours_params {
            assert_eq!(
                params.get(name),
                Some(value),
                "{id}: parameter {name} differs"
            );
        }
        let extra: Vec<&String> = params
            .keys()
            .filter(|k| !ours_params.contains_key(*k))
            .collect();
        if !extra.is_empty() {
            notes.push(format!("{id} adds {extra:?} to the URL"));
        }
    }

    // Cold starts, interleaved; round 0 is a warm-up and is discarded.
    let mut cold: Vec<Vec<ColdRun>> = vec![Vec::new(); contenders.len()];
    // Each round runs the contenders in a fresh random order (seeded, so reruns repeat it):
    // no contender always follows the same one (the Python one leaves caches cold), and a
    // short pause lets the machine settle between runs.
    let n = contenders.len();
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..=runs {
        let mut order: Vec<usize> = (0..n).collect();
        for j in (1..n).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(j, (seed % (j as u64 + 1)) as usize);
        }
        for i in order {
            std::thread::sleep(Duration::from_millis(20));
            let (run, _) =
                cold_run(&contenders[i], &event, &home).unwrap_or_else(|e| panic!("{e}"));
            if round > 0 {
                cold[i].push(run);
            }
        }
        eprint!("\rcold-start rounds: {round}/{runs}");
    }
    eprintln!();
    let mut summaries = Vec::new();
    for (c, runs) in contenders.iter().zip(cold) {
        eprintln!("warm: {} x{warm_n}", c.id);
        let (mut warm, warm_total_cpu) =
            warm_run(c, &event, &home, warm_n).unwrap_or_else(|e| panic!("{e}"));
        warm.sort();
        let (size, zipped) = artefact_size(&c.artefact);
        let mut summary = Summary {
            label: c.label,
            id: c.id,
            runs,
            warm,
            warm_cpu: Duration::ZERO,
            size,
            zipped,
        };
        summary.warm_cpu =
            warm_total_cpu.saturating_sub(summary.median_cpu()) / warm_n.max(1) as u32;
        summaries.push(summary);
    }

    if only.is_some() {
        // A partial run (for investigating one contender): medians only, no report files.
        for x in &summaries {
            let mut init: Vec<Duration> = x.runs.iter().map(|r| r.init).collect();
            let mut cpu: Vec<Duration> = x.runs.iter().map(|r| r.cpu).collect();
            println!(
                "{:8} total {:.3} ms  init {:.3} ms  cpu {:.3} ms  rss {} KiB",
                x.id,
                ms(x.median_total()),
                ms(median_of(&mut init)),
                ms(median_of(&mut cpu)),
                x.median_rss_kib()
            );
        }
        return;
    }
    let report = report(
        &summaries,
        &signing(&root),
        &timeline(&root),
        &notes,
        runs,
        warm_n,
    );
    std::fs::write(bench.join("results.md"), &report).expect("write results.md");
    std::fs::write(bench.join("results.svg"), svg(&summaries)).expect("write results.svg");
    println!("{report}");
}

fn report(
    s: &[Summary],
    signing: &[(&str, Option<(f64, f64, f64)>)],
    timeline: &[TimelineCase],
    notes: &[String],
    runs: usize,
    warm_n: usize,
) -> String {
    let by = |id: &str| s.iter().find(|x| x.id == id).expect(id);
    let (ours, floor, python) = (by("ours"), by("floor"), by("python"));
    let (ours_dynamic, floor_musl) = (by("ours-dynamic"), by("floor-musl"));
    let mut r = String::new();
    let _ = writeln!(r, "# Benchmark results\n");
    let _ = writeln!(r, "Written by `bench/run` (which builds every contender, runs `cargo bench --bench signing`, then `bench/harness`).\n");
    let _ = writeln!(r, "- machine: {}", machine());
    let _ = writeln!(
        r,
        "- when: {} (UTC)",
        Command::new("date")
            .args(["-u", "+%Y-%m-%d %H:%M"])
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    );
    let _ = writeln!(r, "- cold start: {runs} runs per contender, interleaved (a new random order each round), after a discarded warm-up round; each binary runs from a plain sequential copy (as Lambda runs it from the unpacked zip), so all start from the same page-cache state; spawn to first complete response through a Runtime API emulator on 127.0.0.1, REST API event for `POST /api/upload_url`");
    let _ = writeln!(r, "- warm: one process, {warm_n} invocations after the first; event handed out to response received");
    let _ = writeln!(r, "- every contender was run once under strace: only loopback sockets; every URL was checked against ours (host, encoded key, parameters)\n");
    let _ = writeln!(r, "![cold start and size](results.svg)\n");
    let _ = writeln!(r, "## Cold start\n");
    let _ = writeln!(r, "| contender | min ms | median ms | p90 ms | median / floor | init ms (median) | first invoke ms (median) | peak RSS MiB (median) | CPU ms (median) |");
    let _ = writeln!(
        r,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for x in s {
        let t = x.totals();
        let mut init: Vec<Duration> = x.runs.iter().map(|r| r.init).collect();
        let mut inv: Vec<Duration> = x.runs.iter().map(|r| r.invoke).collect();
        let mut cpu: Vec<Duration> = x.runs.iter().map(|r| r.cpu).collect();
        let _ = writeln!(
            r,
            "| {} | {:.2} | {:.2} | {:.2} | {:.2}x | {:.2} | {:.2} | {:.2} | {:.1} |",
            x.label,
            ms(t[0]),
            ms(percentile(&t, 0.5)),
            ms(percentile(&t, 0.9)),
            x.median_total().as_secs_f64() / floor.median_total().as_secs_f64(),
            ms(median_of(&mut init)),
            ms(median_of(&mut inv)),
            x.median_rss_kib() as f64 / 1024.0,
            ms(median_of(&mut cpu)),
        );
    }
    let _ = writeln!(r, "\n## Warm latency and size\n");
    let _ = writeln!(
        r,
        "| contender | warm median µs | warm p99 µs | warm CPU µs per invocation | size | zip SAM uploads |"
    );
    let _ = writeln!(r, "| --- | ---: | ---: | ---: | ---: | ---: |");
    for x in s {
        let size = match x.zipped {
            Some(_) => format!("{:.3} MB stripped binary", x.size as f64 / 1e6),
            None => format!("{:.1} MB installed packages", x.size as f64 / 1e6),
        };
        let _ = writeln!(
            r,
            "| {} | {:.0} | {:.0} | {:.1} | {size} | {} |",
            x.label,
            percentile(&x.warm, 0.5).as_secs_f64() * 1e6,
            percentile(&x.warm, 0.99).as_secs_f64() * 1e6,
            x.warm_cpu.as_secs_f64() * 1e6,
            x.zipped
                .map_or("-".to_owned(), |z| format!("{:.3} MB", z as f64 / 1e6)),
        );
    }
    let _ = writeln!(r, "\n## Static or dynamic\n");
    let _ = writeln!(r, "The same code linked three ways (x86_64, cargo-lambda's release settings). Cold is the median spawn-to-first-response; ratios are to the dynamic glibc floor.\n");
    let _ = writeln!(r, "| build | cold ms | vs floor | init ms | cold CPU ms | peak RSS MiB | vs floor | warm µs | warm CPU µs | binary B | zip B |");
    let _ = writeln!(
        r,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for id in [
        "ours",
        "ours-static-glibc",
        "ours-dynamic",
        "floor-musl",
        "floor-static-glibc",
        "floor",
    ] {
        let x = by(id);
        let _ = writeln!(
            r,
            "| {} | {:.2} | {:.2}x | {:.2} | {:.2} | {:.2} | {:.2}x | {:.0} | {:.1} | {} | {} |",
            x.label,
            ms(x.median_total()),
            x.median_total().as_secs_f64() / floor.median_total().as_secs_f64(),
            ms(x.median_init()),
            ms(x.median_cpu()),
            x.median_rss_kib() as f64 / 1024.0,
            x.median_rss_kib() as f64 / floor.median_rss_kib() as f64,
            percentile(&x.warm, 0.5).as_secs_f64() * 1e6,
            x.warm_cpu.as_secs_f64() * 1e6,
            x.size,
            x.zipped.map_or("-".to_owned(), |z| z.to_string()),
        );
    }
    let _ = writeln!(
        r,
        "\n## Signing speed (criterion, `cargo bench --bench signing`)\n"
    );
    let _ = writeln!(r, "One presigned PUT URL with a session token, same inputs for all; the bench first checks that all four give the same URL and signature.\n");
    let _ = writeln!(r, "| signer | median ns per URL | 95% interval |");
    let _ = writeln!(r, "| --- | ---: | ---: |");
    for (label, est) in signing {
        match est {
            Some((m, lo, hi)) => {
                let _ = writeln!(r, "| {label} | {m:.0} | {lo:.0} to {hi:.0} |");
            }
            None => {
                let _ = writeln!(r, "| {label} | not run | |");
            }
        }
    }
    let _ = writeln!(
        r,
        "\n## Timeline (criterion, `cargo bench -p presigner-test-support --bench signing -- timeline`)\n"
    );
    let _ = writeln!(r, "The handler's time (what the log's `duration_us` measures) from an HTTP API event with a JWT subject and a session token as long as Lambda's (about 1 KB), for one `download_url` and for `download_urls` batches.\n");
    let _ = writeln!(r, "Cold: every URL signed (the first time a process is asked for these images in a window). Warm: the process signed them earlier in this window and hands out the same URLs again.\n");
    let _ = writeln!(
        r,
        "| request | images | | median µs | µs per image | x one `download_url`, same kind |"
    );
    let _ = writeln!(r, "| --- | ---: | --- | ---: | ---: | ---: |");
    let case = |n: usize, kind: &str| {
        timeline
            .iter()
            .find(|(i, k, _)| *i == n && *k == kind)
            .and_then(|x| x.2)
            .map(|x| x.0)
    };
    for (n, kind, est) in timeline {
        let name = if *n == 1 {
            "download_url"
        } else {
            "download_urls"
        };
        match (est, case(1, kind)) {
            (Some((m, _, _)), Some(one)) => {
                let _ = writeln!(
                    r,
                    "| {name} | {n} | {kind} | {:.1} | {:.2} | {:.1}x |",
                    m / 1e3,
                    m / 1e3 / *n as f64,
                    m / one
                );
            }
            _ => {
                let _ = writeln!(r, "| {name} | {n} | {kind} | not run | | |");
            }
        }
    }
    let sign = |i: usize| signing.get(i).and_then(|x| x.1).map(|x| x.0);
    let _ = writeln!(r, "\n## Targets\n");
    let _ = writeln!(r, "| target | measured | met |");
    let _ = writeln!(r, "| --- | --- | --- |");
    let mut row = |t: &str, m: String, ok: bool| {
        let _ = writeln!(r, "| {t} | {m} | {} |", if ok { "yes" } else { "**no**" });
    };
    let cold =
        |a: &Summary, b: &Summary| a.median_total().as_secs_f64() / b.median_total().as_secs_f64();
    let ratio = cold(ours, floor);
    row(
        "shipped (static musl) cold start at most 0.80x the dynamic glibc floor's",
        format!("{ratio:.3}x"),
        ratio <= 0.80,
    );
    let rss_ratio = ours.median_rss_kib() as f64 / floor.median_rss_kib() as f64;
    row(
        "shipped peak RSS at most 0.60x the dynamic glibc floor's",
        format!("{rss_ratio:.3}x"),
        rss_ratio <= 0.60,
    );
    let same = cold(ours, floor_musl);
    row(
        "shipped cold start within 1.05x the floor built the same way (static musl)",
        format!("{same:.3}x"),
        same <= 1.05,
    );
    let dynamic = cold(ours_dynamic, floor);
    row(
        "dynamic glibc build within 1.10x the dynamic floor",
        format!("{dynamic:.3}x"),
        dynamic <= 1.10,
    );
    let speedup = python.median_total().as_secs_f64() / ours.median_total().as_secs_f64();
    row(
        "cold start at least 10x faster than the Python original",
        format!("{speedup:.0}x"),
        speedup >= 10.0,
    );
    let size = ours.size as f64 / floor_musl.size as f64;
    row(
        "binary at most 10% larger than the floor's, both static musl",
        format!(
            "{:+.1}% ({} vs {} bytes)",
            (size - 1.0) * 100.0,
            ours.size,
            floor_musl.size
        ),
        size <= 1.10,
    );
    let rss = (ours.median_rss_kib() - floor_musl.median_rss_kib()) as f64 / 1024.0;
    row(
        "peak RSS within 1 MiB of the floor's, both static musl",
        format!("{rss:+.2} MiB"),
        rss.abs() <= 1.0,
    );
    if let (Some(c), Some(rusty), Some(sig)) = (sign(0), sign(2), sign(3)) {
        row(
            "signing under 1 µs per URL with a cached key",
            format!("{c:.0} ns"),
            c < 1000.0,
        );
        row(
            "signing faster than rusty-s3 and aws-sigv4",
            format!("{c:.0} vs {rusty:.0} and {sig:.0} ns"),
            c < rusty && c < sig,
        );
    }
    for kind in ["warm", "cold"] {
        if let (Some(one), Some(hundred)) = (case(1, kind), case(100, kind)) {
            let x = hundred / one;
            row(
                &format!("a batch of 100 images at most 10x the handler time of one download_url ({kind})"),
                format!("{x:.1}x ({:.0} vs {:.1} µs)", hundred / 1e3, one / 1e3),
                x <= 10.0,
            );
        }
    }
    if !notes.is_empty() {
        let _ = writeln!(r, "\n## Notes\n");
        for n in notes {
            let _ = writeln!(r, "- {n}");
        }
    }
    r
}
