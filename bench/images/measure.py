"""Runs presigner-images, sharp and Pillow on the same files, interleaved, on one core
(taskset -c 0), each under /usr/bin/time -v; writes the medians to bench/images.md.
bench/images/run sets up the tools and calls this (Python standard library only).

    python measure.py FILES_DIR WORK_DIR RUNS OUR_CLI NODE SHARP_SCRIPT PYTHON PILLOW_SCRIPT
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

files_dir, work_dir, runs = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
ours, node, sharp_script, python, pillow_script = sys.argv[4:9]

FILES = [
    ("tiny.jpg", "16x16 JPEG: each tool's start-up cost"),
    ("photo-12mp.jpg", "12 Mpx (4032x3024) photo-like JPEG, q92, EXIF with GPS, orientation 6"),
    ("photo-48mp.jpg", "48 Mpx (8000x6000) photo-like JPEG, q92, EXIF with GPS, orientation 6"),
    ("photo-48mp-progressive.jpg", "the same 48 Mpx photo, progressive: the worst admitted JPEG for memory"),
    ("screenshot.png", "2560x1600 screenshot PNG, opaque"),
    ("alpha-8k.png", "7680x4320 PNG with alpha: the most pixels a PNG may have (33 Mpx), decoded whole"),
    ("animated.gif", "480x270 animated GIF, 60 frames"),
    ("bomb-50000x50000.png", "PNG bomb: 50,000 x 50,000 1-bit, 300 KB"),
    ("bomb-20000-frames.gif", "GIF bomb: 20,000 frames of 1000x1000"),
    ("bomb-65500x65500.jpg", "JPEG bomb: a 65,500 x 65,500 frame header"),
]
TOOLS = {
    "presigner-images": lambda f, out: [ours, "process", f, "--out", out],
    "sharp": lambda f, out: [node, sharp_script, f, out],
    "Pillow": lambda f, out: [python, pillow_script, f, out],
}


def once(tool, file):
    out = work_dir / "out" / tool / file
    shutil.rmtree(out, ignore_errors=True)
    cmd = ["taskset", "-c", "0", "/usr/bin/time", "-v"] + TOOLS[tool](str(files_dir / file), str(out))
    started = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True)
    wall_ms = (time.perf_counter() - started) * 1000
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    user = re.search(r"User time \(seconds\): ([\d.]+)", p.stderr)
    system = re.search(r"System time \(seconds\): ([\d.]+)", p.stderr)
    variants = {}
    for line in p.stdout.splitlines():
        v = json.loads(line)
        variants[v["variant"]] = v
    refusal = next((l for l in p.stderr.splitlines() if "refused" in l), "") if p.returncode else ""
    return {
        "ok": p.returncode == 0,
        "wall_ms": wall_ms,
        "rss_mib": int(rss.group(1)) / 1024,
        "cpu_ms": (float(user.group(1)) + float(system.group(1))) * 1000,
        "variants": variants,
        "refusal": refusal,
    }


def loadavg():
    return open("/proc/loadavg").read().split()[:3]


load_before = loadavg()
results = {(t, f): [] for t in TOOLS for f, _ in FILES}
tools = list(TOOLS)
for run in range(runs):
    for f, _ in FILES:
        # Interleaved, and each run in another order, so load changes hit every tool alike.
        order = tools[run % len(tools):] + tools[: run % len(tools)]
        for t in order:
            results[(t, f)].append(once(t, f))
load_after = loadavg()


def fmt_variant(v):
    return f"{v['width']}x{v['height']}, {v['bytes']:,} B" if v else "-"


lines = [
    "# presigner-images beside sharp and Pillow",
    "",
    "Written by `bench/images/run` (do not edit by hand). Each tool turns each file into the same two",
    "variants: fit in 400x800 (thumb) and 2048x2048 (display), never enlarged, EXIF orientation",
    "applied, metadata stripped, JPEG quality 80 with 4:2:0 and optimized Huffman tables. Whole-process",
    "figures (start-up included: see the 16x16 row), one core (`taskset -c 0`, sharp with",
    "`sharp.concurrency(1)`): wall time (around the whole `taskset ... /usr/bin/time` process),",
    "CPU time (user + system of every thread, to 10 ms: the fairer figure when other work shares",
    "the core) and peak RSS, both from `/usr/bin/time -v`; the median of",
    f"{runs} runs, the tools interleaved. Load average (1, 5, 15 min) before: {' '.join(load_before)};",
    f"after: {' '.join(load_after)} (a shared 2-core machine).",
    f"Machine: {os.cpu_count()} cores, "
    + next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    + ".",
    "",
    "Tools: presigner-images (release build), sharp "
    + os.environ.get("SHARP_VERSION", "?")
    + " (libvips), Pillow "
    + os.environ.get("PILLOW_VERSION", "?")
    + ".",
    "",
    "| file | tool | result | wall ms | CPU ms | peak RSS MiB | thumb | display |",
    "| --- | --- | --- | ---: | ---: | ---: | --- | --- |",
]
for f, description in FILES:
    for t in TOOLS:
        rs = results[(t, f)]
        ok = all(r["ok"] for r in rs)
        result = "variants" if ok else ("refused" if not any(r["ok"] for r in rs) else "mixed")
        wall = statistics.median(r["wall_ms"] for r in rs)
        rss = statistics.median(r["rss_mib"] for r in rs)
        cpu = statistics.median(r["cpu_ms"] for r in rs)
        last = rs[-1]
        lines.append(
            f"| {description if t == tools[0] else ''} | {t} | {result} | {wall:.0f} | {cpu:.0f} | {rss:.1f} | "
            f"{fmt_variant(last['variants'].get('thumb'))} | {fmt_variant(last['variants'].get('display'))} |"
        )
lines += ["", "Refusals, as each tool words them:", ""]
for f, _ in FILES:
    for t in TOOLS:
        r = results[(t, f)][-1]
        if not r["ok"]:
            lines.append(f"- {f}, {t}: `{r['refusal'][:160]}`")
Path(sys.argv[9] if len(sys.argv) > 9 else "bench/images.md").write_text("\n".join(lines) + "\n")
print("\n".join(lines))
