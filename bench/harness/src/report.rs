//! What the runs come to: medians and percentiles, the machine they ran on, criterion's
//! signing and timeline medians, and bench/results.md and bench/results.svg written from them.

// The report's tables are built from lists of (label, accessor) closures; naming each of
// those types would say less than the code beside them.
#![allow(clippy::type_complexity)]

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::Value;

use crate::contender::ColdRun;
use crate::signing_loop::{LoopTiming, ROUNDS, URLS};

pub(crate) fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

pub(crate) fn median_of<T: Copy + Ord>(values: &mut [T]) -> T {
    values.sort();
    values[values.len() / 2]
}

pub(crate) fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The CPU, cores, memory, kernel, rustc and Python the run was made with.
pub(crate) fn machine() -> String {
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
pub(crate) fn criterion_median(
    root: &Path,
    dir: &str,
    group: &str,
    id: &str,
) -> Option<(f64, f64, f64)> {
    let path = root.join(format!("{dir}/criterion/{group}/{id}/new/estimates.json"));
    let v: Value = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let m = &v["median"];
    Some((
        m["point_estimate"].as_f64()?,
        m["confidence_interval"]["lower_bound"].as_f64()?,
        m["confidence_interval"]["upper_bound"].as_f64()?,
    ))
}

/// Median signing times (ns) from criterion's output for `cargo bench -p
/// presigner-test-support --bench signing` (target/criterion, glibc). The shipped static musl
/// build is timed by [`crate::signing_loop`].
pub(crate) fn signing(root: &Path) -> Vec<(&'static str, Option<(f64, f64, f64)>)> {
    [
        ("target", "ours_cached_key", "ours, cached signing key"),
        (
            "target",
            "ours_fresh_key",
            "ours, signing key derived each time",
        ),
        ("target", "rusty_s3", "rusty-s3"),
        ("target", "aws_sigv4", "aws-sigv4 crate"),
    ]
    .into_iter()
    .map(|(dir, id, label)| (label, criterion_median(root, dir, "presign_put_url", id)))
    .collect()
}

/// One case of the bench's `timeline` group: images asked for, warm or cold, the median.
pub(crate) type TimelineCase = (usize, &'static str, Option<(f64, f64, f64)>);

/// The handler's time for one `download_url` and for batches of 20 and 100 images, warm (the
/// window's URLs already signed by the process) and cold (every URL signed).
pub(crate) fn timeline(root: &Path) -> Vec<TimelineCase> {
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

pub(crate) struct Summary {
    pub(crate) label: &'static str,
    pub(crate) id: &'static str,
    pub(crate) runs: Vec<ColdRun>,
    pub(crate) warm: Vec<Duration>,
    /// CPU per warm invocation: the warm process's CPU less the median cold start's, over
    /// the invocations after the first.
    pub(crate) warm_cpu: Duration,
    pub(crate) size: u64,
    pub(crate) zipped: Option<u64>,
}

impl Summary {
    pub(crate) fn totals(&self) -> Vec<Duration> {
        let mut t: Vec<Duration> = self.runs.iter().map(|r| r.total).collect();
        t.sort();
        t
    }
    pub(crate) fn median_total(&self) -> Duration {
        percentile(&self.totals(), 0.5)
    }
    pub(crate) fn median_rss_kib(&self) -> i64 {
        median_of(&mut self.runs.iter().map(|r| r.max_rss_kib).collect::<Vec<_>>())
    }
    pub(crate) fn median_cpu(&self) -> Duration {
        median_of(&mut self.runs.iter().map(|r| r.cpu).collect::<Vec<_>>())
    }
    pub(crate) fn median_init(&self) -> Duration {
        median_of(&mut self.runs.iter().map(|r| r.init).collect::<Vec<_>>())
    }
}

pub(crate) fn svg(summaries: &[Summary]) -> String {
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

/// How the harness was run, and the machine's load while it ran (it is shared).
pub(crate) struct RunInfo {
    pub(crate) runs: usize,
    pub(crate) warm_n: usize,
    pub(crate) load: String,
}

/// `/proc/loadavg`'s 1-, 5- and 15-minute load averages.
pub(crate) fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

pub(crate) fn report(
    s: &[Summary],
    signing: &[(&str, Option<(f64, f64, f64)>)],
    timeline: &[TimelineCase],
    loops: &[LoopTiming],
    notes: &[String],
    info: &RunInfo,
) -> String {
    let (runs, warm_n) = (info.runs, info.warm_n);
    let by = |id: &str| s.iter().find(|x| x.id == id).expect(id);
    let (ours, floor, python) = (by("ours"), by("floor"), by("python"));
    let (ours_dynamic, floor_musl) = (by("ours-dynamic"), by("floor-musl"));
    let mut r = String::new();
    let _ = writeln!(r, "# Benchmark results\n");
    let _ = writeln!(r, "Written by `bench/run` (which builds every contender, runs `cargo bench -p presigner-test-support --bench signing`, then `bench/harness`).\n");
    let _ = writeln!(r, "The other pages of figures, each written by its own command: [images.md](images.md) (the image core beside sharp and Pillow, `bench/images/run`), [processor/results.md](processor/results.md) (the upload processor's size, cold start and per-image cost, `bench/processor/run`), [costs.md](costs.md) (what a million uploads and a million timeline views cost with and without the upload pipeline: S3 requests, Lambda, storage, transfer, with the prices' sources, `bench/costs.py`), [cloudfront.md](cloudfront.md).\n");
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
    let _ = writeln!(r, "- load average (1, 5, 15 min; the machine is shared, so compare contenders within this run): {}", info.load);
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
        "\n## Signing speed (criterion, `cargo bench -p presigner-test-support --bench signing`)\n"
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
    if !loops.is_empty() {
        let _ = writeln!(
            r,
            "\n## Signing in the shipped build (`bench/presign-loop`)\n"
        );
        let _ = writeln!(r, "The same loop (one presigned PUT URL, the bench's inputs, key cached) built three ways, each run as a process for {} URLs, {} rounds interleaved after a discarded one; wall time per URL. criterion cannot be linked by cargo-lambda, so this is how the bootstrap's build is timed beside glibc.\n", URLS, ROUNDS);
        let _ = writeln!(
            r,
            "| build | median ns per URL | best ns per URL | median / glibc |"
        );
        let _ = writeln!(r, "| --- | ---: | ---: | ---: |");
        let glibc = loops
            .iter()
            .find(|l| l.label.starts_with("glibc"))
            .map_or(f64::NAN, |l| l.median_ns);
        for l in loops {
            let _ = writeln!(
                r,
                "| {} | {:.0} | {:.0} | {:.2}x |",
                l.label,
                l.median_ns,
                l.min_ns,
                l.median_ns / glibc
            );
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
    let loop_ns = |prefix: &str| {
        loops
            .iter()
            .find(|l| l.label.starts_with(prefix))
            .map(|l| l.median_ns)
    };
    if let (Some(glibc), Some(shipped)) = (loop_ns("glibc"), loop_ns("static musl, linked by zig"))
    {
        let x = shipped / glibc;
        row(
            "the shipped build signs within 1.15x of glibc's time (signing loops, same run)",
            format!("{x:.2}x ({shipped:.0} vs {glibc:.0} ns)"),
            x <= 1.15,
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
