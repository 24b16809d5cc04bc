//! Cold start, init, first invoke, peak RSS, CPU time, warm latency and size of each contender,
//! run the way Lambda runs them: a Runtime API emulator on 127.0.0.1 (the same one the test
//! suite uses) spawns the process with a Lambda-like environment and hands it the REST API
//! event for `POST /api/upload_url`.
//!
//! Usage: bench-harness ROOT [--runs N] [--warm N] [--only ID,...] [--baseline BOOTSTRAP]
//! (ROOT is the repository; `bench/run` builds everything and calls this.)
//! Writes ROOT/bench/results.md and ROOT/bench/results.svg.

mod contender;
mod report;
mod signing_loop;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use contender::{
    artefact_size, cold_run, event, foreign_connects, url_shape, warm_run, Artefact, ColdRun,
    Contender,
};
use report::{load_average, median_of, ms, report, signing, svg, timeline, RunInfo, Summary};

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
    let load_before = load_average();
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
    let loops = signing_loop::measure(&bench.join("target/variants"));
    let info = RunInfo {
        runs,
        warm_n,
        load: format!("{load_before} at the start, {} at the end", load_average()),
    };
    let report = report(
        &summaries,
        &signing(&root),
        &timeline(&root),
        &loops,
        &notes,
        &info,
    );
    std::fs::write(bench.join("results.md"), &report).expect("write results.md");
    std::fs::write(bench.join("results.svg"), svg(&summaries)).expect("write results.svg");
    println!("{report}");
}
