//! The processor's figures: for each bootstrap given, its size, its cold start (spawn to the
//! first `GET /next`: the process loaded, the configuration read) and, per image class, the
//! first invocation's time (event handed out to response: HEAD, GET, the image core, three
//! PUTs, DELETE) and the process's peak RSS (`VmHWM`), each a fresh process, as Lambda runs
//! a cold sandbox, and the process's CPU time by then (user and system, every thread; what
//! a loaded machine does not inflate the way it does wall time). S3 is the tests' fake versioned S3 on loopback over plain HTTP (so no TLS
//! handshake is in these figures, but the connections each client opens for the five requests
//! of an image are counted: each would be a TLS handshake against S3); the Runtime API is the
//! tests' emulator.
//!
//! Usage (bench/processor/run builds the bootstraps and calls this):
//!   cargo run -p presigner-processor --example cold_start -- RUNS LABEL=BOOTSTRAP...
//!     [--image NAME|CONTENT-TYPE|PATH]...
//! Prints a Markdown table of medians (min–max). `--image` replaces the built-in image classes
//! with files (bench/processor/memory gives it the worst images the core's limits admit).

#[path = "../tests/fake_s3/mod.rs"]
mod fake_s3;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use presigner_test_support::images::{
    animated_gif, exif_app1, jpeg, png_rgba, quadrants, rgb, rgba, webp_rgba, with_segments,
};
use presigner_test_support::runtime_api::{runtime_env, RuntimeApi};
use serde_json::json;

struct Class {
    name: String,
    content_type: String,
    bytes: Vec<u8>,
}

/// `NAME|CONTENT-TYPE|PATH`, read.
fn class_from_file(arg: &str) -> Class {
    let mut parts = arg.splitn(3, '|');
    let (Some(name), Some(content_type), Some(path)) = (parts.next(), parts.next(), parts.next())
    else {
        panic!("--image takes NAME|CONTENT-TYPE|PATH, not {arg}");
    };
    Class {
        name: name.to_owned(),
        content_type: content_type.to_owned(),
        bytes: std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}")),
    }
}

fn classes() -> Vec<Class> {
    let (w, h) = (4000, 3000);
    let photo = with_segments(
        &jpeg(w, h, &rgb(w, h, quadrants(w, h)), false),
        &[(0xE1, exif_app1(6))],
    );
    let (pw, ph) = (2000, 2000);
    let png = png_rgba(
        pw,
        ph,
        &rgba(pw, ph, |x, y| [(x % 256) as u8, (y % 256) as u8, 128, 200]),
    );
    let webp = webp_rgba(
        1000,
        1000,
        &rgba(1000, 1000, |x, y| {
            [(x % 256) as u8, (y % 256) as u8, 64, 255]
        }),
        None,
        None,
    );
    let gif = animated_gif(500, 500, &[[255, 0, 0], [0, 255, 0], [0, 0, 255]]);
    vec![
        Class {
            name: "JPEG 4000x3000 (12 Mpx, EXIF)".into(),
            content_type: "image/jpeg".into(),
            bytes: photo,
        },
        Class {
            name: "PNG 2000x2000 RGBA".into(),
            content_type: "image/png".into(),
            bytes: png,
        },
        Class {
            name: "WebP 1000x1000 lossless".into(),
            content_type: "image/webp".into(),
            bytes: webp,
        },
        Class {
            name: "GIF 500x500, 3 frames".into(),
            content_type: "image/gif".into(),
            bytes: gif,
        },
    ]
}

/// The CPU time (user + system, every thread) process `pid` has used so far, from
/// `/proc/PID/stat` (in clock ticks of 10 ms).
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which is in parentheses and may hold spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// One cold process: (spawn → first /next, handed out → response, VmHWM in KiB, TCP
/// connections opened to S3, CPU time of the whole process by then, the status's state or
/// refusal reason).
fn cold_run(bootstrap: &str, class: &Class) -> (Duration, Duration, u64, usize, Duration, String) {
    let s3 = fake_s3::FakeS3::start();
    let key = "uploads/u1/t1";
    let version = s3.upload(key, &class.content_type, &class.bytes);
    let api = RuntimeApi::start();
    api.push_event(
        json!({"detail-type": "Object Created",
               "detail": {"object": {"key": key, "version-id": version}}})
        .to_string(),
    );
    let mut cmd = Command::new(bootstrap);
    runtime_env(&mut cmd, &api.addr);
    for (k, v) in s3.env() {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the bootstrap");
    let (responses, errors) = api.wait_for(1, Duration::from_secs(120));
    assert!(
        errors.is_empty() && responses.len() == 1,
        "{bootstrap}: {errors:?}"
    );
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap();
    let hwm = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    let cpu = cpu_time(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let status = s3
        .current("images/u1/t1/status.json")
        .unwrap_or_else(|| panic!("{bootstrap} published nothing"));
    let status: serde_json::Value = serde_json::from_slice(&status.bytes).expect("a JSON status");
    let decision = match status["state"].as_str() {
        Some("refused") => format!("refused: {}", status["reason"].as_str().unwrap_or("?")),
        other => other.unwrap_or("?").to_owned(),
    };
    let timeline = api.timeline();
    let init = timeline.next_requested[0] - started;
    let invoke = timeline.responded[0].1 - timeline.served[0].1;
    (init, invoke, hwm, s3.connections(), cpu, decision)
}

fn median_range<T: Ord + Copy>(mut values: Vec<T>) -> (T, T, T) {
    values.sort();
    (
        values[values.len() / 2],
        values[0],
        values[values.len() - 1],
    )
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args
        .next()
        .and_then(|r| r.parse().ok())
        .expect("usage: cold_start RUNS LABEL=BOOTSTRAP...");
    let (mut bootstraps, mut files) = (Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        if arg == "--image" {
            files.push(class_from_file(
                &args.next().expect("--image NAME|CONTENT-TYPE|PATH"),
            ));
        } else {
            let (label, path) = arg.split_once('=').expect("LABEL=BOOTSTRAP");
            bootstraps.push((label.to_owned(), path.to_owned()));
        }
    }
    let classes = if files.is_empty() { classes() } else { files };
    println!("| client | size (bytes) | image | cold start: init (ms) | first invoke (ms) | CPU, init and invoke (ms) | peak RSS (MiB) | connections to S3 |");
    println!("|---|---:|---|---:|---:|---:|---:|---:|");
    for (label, path) in &bootstraps {
        let size = std::fs::metadata(path).expect("the bootstrap").len();
        for class in &classes {
            let (mut inits, mut invokes, mut rss) = (Vec::new(), Vec::new(), Vec::new());
            let (mut connections, mut decision, mut cpus) = (0, String::new(), Vec::new());
            for _ in 0..runs {
                let (init, invoke, hwm, opened, cpu, decided) = cold_run(path, class);
                cpus.push(cpu);
                inits.push(init);
                invokes.push(invoke);
                rss.push(hwm);
                connections = opened;
                decision = decided;
            }
            let refused = if decision == "ready" {
                String::new()
            } else {
                format!(", {decision}")
            };
            let (i, i_lo, i_hi) = median_range(inits);
            let (v, v_lo, v_hi) = median_range(invokes);
            let (r, r_lo, r_hi) = median_range(rss);
            let (c, c_lo, c_hi) = median_range(cpus);
            println!(
                "| {label} | {size} | {} ({} bytes{refused}) | {} ({}–{}) | {} ({}–{}) | {} ({}–{}) | {:.1} ({:.1}–{:.1}) | {connections} |",
                class.name,
                class.bytes.len(),
                ms(i),
                ms(i_lo),
                ms(i_hi),
                ms(v),
                ms(v_lo),
                ms(v_hi),
                ms(c),
                ms(c_lo),
                ms(c_hi),
                r as f64 / 1024.0,
                r_lo as f64 / 1024.0,
                r_hi as f64 / 1024.0
            );
        }
    }
}
