// Browser test of the local run: real headless Chromium opens the page, picks a generated
// PNG, uploads it straight to the local S3 with the presigned URL (a cross-origin PUT, so the
// browser must pass a CORS preflight first), then shows it from its download URL.
//
// Checks: the page reports success; the bytes stored in the local S3 equal the generated
// file; the image decoded in the page has the generated size; Chromium sent an OPTIONS
// preflight to the local S3 and it was answered 2xx with the page's origin allowed.
//
// Usage: node upload.mjs API_URL DATA_DIR [SCREENSHOT]
// (scripts/browser-test starts presigner-local and runs this.)

import { chromium } from "playwright-core";
import { deflateSync } from "node:zlib";
import { readFileSync, writeFileSync, mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [apiUrl, dataDir, screenshot] = process.argv.slice(2);
if (!apiUrl || !dataDir) {
  console.error("usage: node upload.mjs API_URL DATA_DIR [SCREENSHOT]");
  process.exit(2);
}

// A real PNG: WIDTH x HEIGHT RGB gradient.
const WIDTH = 48, HEIGHT = 32;
function crc32(buf) {
  let c, crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4); crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(WIDTH, 0); ihdr.writeUInt32BE(HEIGHT, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const rows = [];
  for (let y = 0; y < HEIGHT; y++) {
    const row = Buffer.alloc(1 + WIDTH * 3);
    for (let x = 0; x < WIDTH; x++) row.set([x * 5, y * 7, 200], 1 + x * 3);
    rows.push(row);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0)),
  ]);
}

const results = [];
function check(name, ok, detail = "") {
  results.push(ok);
  console.log(`${ok ? "ok  " : "FAIL"} ${name}${detail ? ": " + detail : ""}`);
}

const image = png();
const scratch = mkdtempSync(join(tmpdir(), "presigner-browser-"));
const file = join(scratch, "generated.png");
writeFileSync(file, image);
const userId = "test@mail.com";
const tweetId = "browser-" + Date.now();

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let exitCode = 1;
try {
  const page = await browser.newPage();
  const client = await page.context().newCDPSession(page);
  await client.send("Network.enable");
  const s3Origin = new URL(apiUrl).hostname; // same host, other port
  const preflights = new Map();
  client.on("Network.requestWillBeSent", (e) => {
    if (e.request.method === "OPTIONS") preflights.set(e.requestId, { url: e.request.url, status: null, headers: {} });
  });
  client.on("Network.responseReceived", (e) => {
    const p = preflights.get(e.requestId);
    if (p) { p.status = e.response.status; p.headers = e.response.headers; }
  });
  const puts = [];
  page.on("response", (r) => { if (r.request().method() === "PUT") puts.push(r.status()); });

  await page.goto(apiUrl + "/", { timeout: 15000 });
  await page.setInputFiles("#file", file);
  await page.fill("#userId", userId);
  await page.fill("#tweetId", tweetId);
  await page.click("#go");
  await page.waitForSelector('#status[data-state="done"], #status[data-state="failed"]', { timeout: 20000 });
  const status = await page.textContent("#status");
  check("the page reports the upload and download done", (await page.getAttribute("#status", "data-state")) === "done", status);

  const size = await page.$eval("#result", (img) => [img.naturalWidth, img.naturalHeight]);
  check("the image shown is the one uploaded (decoded size)", size[0] === WIDTH && size[1] === HEIGHT, size.join("x"));

  const stored = join(dataDir, "presigner-local", "images", userId, tweetId + ".png");
  const same = existsSync(stored) && Buffer.compare(readFileSync(stored), image) === 0;
  check("the bytes in the local S3 equal the uploaded file", same, stored);

  check("the browser's PUT to S3 answered 200", puts.length === 1 && puts[0] === 200, JSON.stringify(puts));
  const toS3 = [...preflights.values()].filter((p) => new URL(p.url).hostname === s3Origin && new URL(p.url).port !== new URL(apiUrl).port);
  const passed = toS3.filter((p) => p.status >= 200 && p.status < 300 &&
    (p.headers["access-control-allow-origin"] || p.headers["Access-Control-Allow-Origin"]) === new URL(apiUrl).origin);
  check("a CORS preflight to the local S3 was sent and passed", toS3.length >= 1 && passed.length === toS3.length,
        JSON.stringify(toS3.map((p) => [p.url.split("?")[0], p.status])));

  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  exitCode = results.every(Boolean) ? 0 : 1;
} catch (e) {
  console.log("FAIL " + e.message);
  results.push(false);
} finally {
  await browser.close();
  rmSync(scratch, { recursive: true, force: true });
}
const passedCount = results.filter(Boolean).length;
console.log(`${passedCount} passed, ${results.length - passedCount} failed`);
process.exit(exitCode);
