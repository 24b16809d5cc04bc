"""Runs presigner-images and Pillow under /usr/bin/time -v on each file of a worst_images.py
list and writes the peak RSS of each to a Markdown page (see bench/images/memory); exits 1 if
presigner-images admits a file and peaks at 256 MiB or more.

    python memory.py LIST WORKDIR RUNS PRESIGNER_IMAGES PYTHON PILLOW_RESIZE OUT_MD
"""

import os
import re
import subprocess
import sys

list_file, work, runs, core, python, pillow, out_md = sys.argv[1:8]
runs = int(runs)
rows = [line.rstrip("\n").split("|") for line in open(list_file) if line.strip()]


def measure(cmd):
    """(peak RSS in MiB, outcome) of one whole process under GNU time."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, capture_output=True, text=True)
    kib = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    if p.returncode == 0:
        outcome = "variants"
    else:
        refused = re.search(r"refused \((\w+)\)", p.stderr)
        outcome = f"refused ({refused.group(1)})" if refused else f"failed (exit {p.returncode})"
    return kib / 1024, outcome


table = []
for name, content_type, path in rows:
    out = os.path.join(work, "out")
    tools = {
        "presigner-images": [core, "process", path, "--type", content_type, "--out", out],
        "Pillow": [python, pillow, path, out],
    }
    for tool, cmd in tools.items():
        results = [measure(cmd) for _ in range(runs)]
        peak = max(r[0] for r in results)
        table.append((name if tool == "presigner-images" else "", os.path.getsize(path), tool,
                      results[0][1], peak))
        print(f"{name} | {tool} | {results[0][1]} | {peak:.1f} MiB", file=sys.stderr)

lines = [
    "# presigner-images: peak memory on the worst images its limits admit",
    "",
    "Written by `bench/images/memory` (do not edit by hand). Each file is the heaviest of its",
    "class that the default limits admit (made by `bench/images/worst_images.py` with Pillow,",
    "each at most 25 MiB); each tool runs it as one whole process under `/usr/bin/time -v`",
    "(release build: `presigner-images process FILE --type T --out DIR`; Pillow:",
    "`bench/images/pillow_resize.py`, the same two variants). Peak RSS is the highest of",
    f"{runs} run(s). The bound is 256 MiB for the whole upload processor (docs/images.md, Limits).",
    "",
    "| file | bytes | tool | result | peak RSS MiB |",
    "| --- | ---: | --- | --- | ---: |",
]
for name, size, tool, outcome, peak in table:
    lines.append(f"| {name} | {size:,} | {tool} | {outcome} | {peak:.1f} |")
open(out_md, "w").write("\n".join(lines) + "\n")
# The bound is a property, not a figure: an admitted file over it fails the run.
BOUND_MIB = 256
over = [(name, peak) for name, _, tool, outcome, peak in table
        if tool == "presigner-images" and outcome == "variants" and peak >= BOUND_MIB]
if over:
    sys.exit(f"admitted over {BOUND_MIB} MiB: {over}")
