#!/usr/bin/env python3
"""What a million uploads and a million timeline views cost, with and without the upload
pipeline: S3 requests, the processor's Lambda, storage and data transfer out.

    bench/costs.py            # writes bench/costs.md
    MEMORY_MB=1024 TIMELINE=20 bench/costs.py

Reads the measured figures it needs from the pages beside it (the processor's time and peak
RSS per image class from bench/processor/results.md, made by bench/processor/run; the
variants' bytes from bench/images.md, made by bench/images/run) and the request counts per
upload from docs/pipeline.md's protocol (restated below). Prices are list prices, written
here with their source and the date they were read; change them here when AWS does.
"""

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# List prices, US East (N. Virginia), pay as you go, first tier; read 2026-12-07.
READ = "2026-12-07"
PRICES = {
    "s3_put": (0.005 / 1000, "S3 Standard PUT, COPY, POST, LIST requests: $0.005 per 1,000",
               "https://aws.amazon.com/s3/pricing/"),
    "s3_get": (0.0004 / 1000, "S3 Standard GET, SELECT and all other requests (HEAD is one): $0.0004 per 1,000",
               "https://aws.amazon.com/s3/pricing/"),
    "s3_delete": (0.0, "S3 DELETE requests: free",
                  "https://aws.amazon.com/s3/pricing/"),
    "s3_storage": (0.023, "S3 Standard storage, first 50 TB: $0.023 per GB-month",
                   "https://aws.amazon.com/s3/pricing/"),
    "transfer_out": (0.09, "data transfer out to the internet, a month: $0.09 per GB to 10 TB, $0.085 to 50 TB, $0.07 to 150 TB, $0.05 to 500 TB (the first 100 GB of an account free, left out)",
                     "https://aws.amazon.com/s3/pricing/"),
    "lambda_request": (0.20 / 1e6, "Lambda requests: $0.20 per million",
                       "https://aws.amazon.com/lambda/pricing/"),
    "lambda_gbs_x86": (0.0000166667, "Lambda duration, x86_64, first 6 billion GB-s a month: $0.0000166667 per GB-second",
                       "https://aws.amazon.com/lambda/pricing/"),
    "lambda_gbs_arm": (0.0000133334, "Lambda duration, arm64, first 7.5 billion GB-s a month: $0.0000133334 per GB-second",
                       "https://aws.amazon.com/lambda/pricing/"),
}

# Lambda gives a function CPU in proportion to its memory: one full vCPU at 1,769 MB
# (https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html). The processor's
# times were measured on one full core, so below 1,769 MB they are scaled up by 1769 / MB.
FULL_VCPU_MB = 1769

MEMORY_MB = int(os.environ.get("MEMORY_MB", "1024"))
TIMELINE = int(os.environ.get("TIMELINE", "20"))
# The uploader's page polls the status object with backoff (250 ms, doubling) until it exists;
# with the processor's second or so, about three GETs (two 404s, then the status).
STATUS_POLLS = int(os.environ.get("STATUS_POLLS", "3"))
# A phone photo as uploaded: a 20-photo timeline of phone photos is about 50 MB.
ORIGINAL_BYTES = int(os.environ.get("ORIGINAL_BYTES", "2500000"))

# Requests per upload (docs/pipeline.md, "What the processor does with one event").
WITHOUT = {"PUT": 1, "GET": 0, "HEAD": 0, "DELETE": 0}
WITH = {
    # the browser's upload; display, thumbnail, status written write-once
    "PUT": 1 + 3,
    # the upload read once by the processor, and the uploader's status polls
    "GET": 1 + STATUS_POLLS,
    # the status object looked up first (is this id decided?)
    "HEAD": 1,
    # the upload's exact version
    "DELETE": 1,
}


def price(name):
    return PRICES[name][0]


# Data transfer out, tiered by the month's total: (up to GB, price per GB).
TRANSFER_TIERS = [(10_000, 0.09), (50_000, 0.085), (150_000, 0.07), (500_000, 0.05)]


def transfer_cost(gigabytes):
    """Tiered: each GB at the price of the tier it falls in."""
    cost, below = 0.0, 0
    for upto, per_gb in TRANSFER_TIERS:
        in_tier = max(0, min(gigabytes, upto) - below)
        cost += in_tier * per_gb
        below = upto
    return cost


def processor_classes():
    """(class, first invocation ms, peak RSS MiB, CPU ms from start to the first response) for
    the default client (the first listed)."""
    text = (ROOT / "bench/processor/results.md").read_text()
    rows = []
    client = None
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or not re.match(r"^\d", cells[1]):
            continue
        client = client or cells[0]
        if cells[0] != client:
            continue
        number = lambda cell: float(cell.split()[0])
        rows.append((cells[2], number(cells[4]), number(cells[6]), number(cells[5])))
    if not rows:
        sys.exit("bench/processor/results.md: no rows read")
    return client, rows


def variant_bytes():
    """The thumbnail's and display variant's bytes of the 12 Mpx photo (bench/images.md)."""
    text = (ROOT / "bench/images.md").read_text()
    for line in text.splitlines():
        if line.startswith("| 12 Mpx") and "presigner-images" in line:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            size = lambda cell: int(cell.split(",", 1)[1].replace("B", "").replace(",", "").strip())
            return cells[0], size(cells[6]), size(cells[7])
    sys.exit("bench/images.md: no 12 Mpx row for presigner-images")


def money(x):
    return f"${x:,.2f}" if x >= 0.01 or x == 0 else f"${x:.4f}"


def main():
    client, classes = processor_classes()
    photo, thumb, display = variant_bytes()
    scale = max(1.0, FULL_VCPU_MB / MEMORY_MB)
    gb = MEMORY_MB / 1024
    million = 1_000_000
    out = []
    w = out.append
    w("# What a million uploads and a million timeline views cost")
    w("")
    w("Written by `bench/costs.py` (do not edit by hand) from the measured figures beside it:")
    w("the processor's time per image class ([processor/results.md](processor/results.md),")
    w(f"`bench/processor/run`, the {client} build) and the variants' bytes ([images.md](images.md),")
    w("`bench/images/run`); the requests per upload follow [docs/pipeline.md](../docs/pipeline.md).")
    w(f"List prices in US East (N. Virginia), pay as you go, first tier, read {READ}; free tiers left")
    w("out. The presigner's own API calls are the same with and without the pipeline (one")
    w("`upload_url` per upload, one `download_urls` per timeline) and are priced in")
    w("[docs/deploy.md](../docs/deploy.md#what-a-million-requests-cost).")
    w("")
    w("## Prices")
    w("")
    w("| item | price | source |")
    w("| --- | --- | --- |")
    for name, (_, stated, url) in PRICES.items():
        w(f"| `{name}` | {stated} | <{url}> |")
    w("")
    w("AWS's pricing pages fill their price cells in by script, so the copies of them read for this")
    w("page do not show every figure: the figures were read there where shown and otherwise from")
    w("pages quoting them for US East (N. Virginia): S3 requests at <https://c3x.dev/blog/s3-request-fees-explained>,")
    w("the transfer tiers at <https://www.usage.ai/blogs/s3-egress-cost/> (\"All rates for US East (N. Virginia), May 2026\"),")
    w("Lambda's at <https://cloudchipr.com/blog/aws-lambda-pricing>; the same S3 and Lambda prices")
    w("are used in [docs/deploy.md](../docs/deploy.md#what-a-million-requests-cost). Lambda's CPU")
    w(f"share (a full vCPU at {FULL_VCPU_MB:,} MB) is from <https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html>.")
    w("")
    w("## S3 requests per upload")
    w("")
    w("| request | without the pipeline (`IMAGE_PIPELINE=off`) | with the pipeline | why |")
    w("| --- | ---: | ---: | --- |")
    w(f"| PUT | {WITHOUT['PUT']} | {WITH['PUT']} | the browser's upload; with the pipeline also the display variant, the thumbnail and the status object (write-once) |")
    w(f"| GET | {WITHOUT['GET']} | {WITH['GET']} | the processor reads the upload once; the uploader's page polls the status object ({STATUS_POLLS} GETs assumed, `STATUS_POLLS`) |")
    w(f"| HEAD | {WITHOUT['HEAD']} | {WITH['HEAD']} | the status object, looked up first (is this id already decided?) |")
    w(f"| DELETE | {WITHOUT['DELETE']} | {WITH['DELETE']} | the upload's exact version (free) |")
    w("")

    def s3_cost(counts):
        return (counts["PUT"] * price("s3_put") + (counts["GET"] + counts["HEAD"]) * price("s3_get")
                + counts["DELETE"] * price("s3_delete"))

    w("## A million uploads")
    w("")
    w(f"The processor at {MEMORY_MB:,} MB (`MEMORY_MB`; the worst image the limits admit peaks")
    w("near 200 MiB, [images.md](images.md)), one invocation per upload. The billed time is")
    w("estimated from the CPU time a fresh process used from its start to its first response")
    w("(the init, then HEAD, GET, the image core, three PUTs and a DELETE against S3 on loopback):")
    w("the work is CPU-bound, and Lambda runs it at a share of a core, so the CPU time is scaled")
    w(f"by {scale:.2f} for the share of {MEMORY_MB:,} MB (at least 1 ms). The wall time on this shared")
    w("machine is shown beside it; it grows with the machine's load.")
    w("")
    w("| image class | wall ms (this machine) | CPU ms | billed ms (estimate) | peak RSS MiB | GB-s per upload | Lambda x86_64 | Lambda arm64 | S3 requests | **total with the pipeline (x86_64)** | without |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    s3_with = s3_cost(WITH) * million
    s3_without = s3_cost(WITHOUT) * million
    for name, first_ms, rss, cpu_ms in classes:
        billed = max(1.0, cpu_ms * scale)
        gbs = gb * billed / 1000
        x86 = million * (price("lambda_request") + gbs * price("lambda_gbs_x86"))
        arm = million * (price("lambda_request") + gbs * price("lambda_gbs_arm"))
        w(f"| {name} | {first_ms:.0f} | {cpu_ms:.0f} | {billed:.0f} | {rss:.0f} | {gbs:.3f} | {money(x86)} | {money(arm)} | {money(s3_with)} | **{money(x86 + s3_with)}** | {money(s3_without)} |")
    w("")
    stored_without = ORIGINAL_BYTES
    stored_with = thumb + display + 200  # the status object: about 200 bytes of JSON
    w("Storage, a month, for the million images: without the pipeline the uploads themselves")
    w(f"({ORIGINAL_BYTES / 1e6:.1f} MB each, `ORIGINAL_BYTES`: {money(million * stored_without / 1e9 * price('s3_storage'))});")
    w(f"with it the two variants and the status object of the {photo.split(',')[0]} photo")
    w(f"({thumb:,} + {display:,} + about 200 bytes: {money(million * stored_with / 1e9 * price('s3_storage'))}); the uploads are deleted.")
    w("")
    w(f"## A million timeline views ({TIMELINE} images each, `TIMELINE`)")
    w("")
    w("Each view downloads every image once (a browser that keeps them pays neither again);")
    w("without the pipeline the originals, with it the thumbnails (the display size only on a")
    w("click, not counted).")
    w("")
    w("| | bytes per view | transfer out per million views | GET requests | **total** |")
    w("| --- | ---: | ---: | ---: | ---: |")
    gets = TIMELINE * million * price("s3_get")
    for label, each in [
        (f"without the pipeline: the originals ({ORIGINAL_BYTES:,} B each)", ORIGINAL_BYTES),
        (f"with the pipeline: the thumbnails ({thumb:,} B each, {photo.split(',')[0]})", thumb),
    ]:
        per_view = TIMELINE * each
        transfer = transfer_cost(million * per_view / 1e9)
        w(f"| {label} | {per_view:,} | {money(transfer)} ({million * per_view / 1e12:,.2f} TB) | {money(gets)} | **{money(transfer + gets)}** |")
    w("")
    anchor = 35_000
    w(f"The measured thumbnail is of a synthetic photo-like image; a real phone photo's 400-px")
    w(f"thumbnail is larger (a 20-photo timeline's thumbnails are about 0.7 MB, {anchor:,} B each):")
    w(f"{money(transfer_cost(million * TIMELINE * anchor / 1e9) + gets)} per million views, still")
    w(f"about {ORIGINAL_BYTES / anchor:.0f} times less transfer than the originals.")
    w("")
    w("The transfer is priced by the month's tiers as if these views were the month's only traffic;")
    w("through CloudFront it costs about the same per GB")
    w("([docs/deploy.md](../docs/deploy.md#what-a-million-image-views-cost)).")
    (ROOT / "bench/costs.md").write_text("\n".join(out) + "\n")
    print("\n".join(out))


if __name__ == "__main__":
    main()
