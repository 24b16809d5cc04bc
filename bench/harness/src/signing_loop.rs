//! Signing speed of whole builds: `bench/presign-loop` (one presigned PUT URL, the signing
//! bench's inputs, key cached, N times) built the ways `bench/run` builds it, each timed as a
//! process, interleaved in rounds so that the machine's load falls on all alike. This is how
//! the shipped static musl build (linked by zig, as `cargo lambda build` links it) is timed
//! beside glibc: criterion cannot be built by cargo-lambda.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

/// The builds, as `bench/run` names them under `bench/target/variants`.
pub(crate) const BUILDS: [(&str, &str); 3] = [
    (
        "presign-loop-glibc",
        "glibc (dynamic, plain cargo: the criterion bench's build)",
    ),
    (
        "presign-loop-musl",
        "static musl, linked by zig (`cargo lambda build`: what ships)",
    ),
    (
        "presign-loop-musl-rustc",
        "static musl, linked by rustc with its own musl (the criterion musl bench's build)",
    ),
];

/// URLs per process: long enough that the process's start (about a millisecond) is lost in it.
pub(crate) const URLS: u32 = 200_000;
/// Rounds; each runs every build once, in turn.
pub(crate) const ROUNDS: usize = 7;

/// One build's nanoseconds per URL: the median and the best of its rounds.
pub(crate) struct LoopTiming {
    pub(crate) label: &'static str,
    pub(crate) median_ns: f64,
    pub(crate) min_ns: f64,
}

/// Times every build that is there; none if none is (the harness run alone).
pub(crate) fn measure(variants: &Path) -> Vec<LoopTiming> {
    let builds: Vec<(PathBuf, &'static str)> = BUILDS
        .iter()
        .map(|(file, label)| (variants.join(file), *label))
        .filter(|(path, _)| path.exists())
        .collect();
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); builds.len()];
    for round in 0..=ROUNDS {
        for (i, (path, _)) in builds.iter().enumerate() {
            let start = Instant::now();
            let status = Command::new(path)
                .arg(URLS.to_string())
                .stdout(Stdio::null())
                .status()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let elapsed = start.elapsed();
            assert!(status.success(), "{}: {status}", path.display());
            // Round 0 warms the page cache and is discarded.
            if round > 0 {
                times[i].push(elapsed.as_secs_f64() * 1e9 / f64::from(URLS));
            }
        }
        eprint!("\rsigning loops: {round}/{ROUNDS}");
    }
    eprintln!();
    builds
        .iter()
        .zip(times)
        .map(|((_, label), mut t)| {
            t.sort_by(f64::total_cmp);
            LoopTiming {
                label,
                median_ns: t[t.len() / 2],
                min_ns: t[0],
            }
        })
        .collect()
}
