// Browser test of the local run: real headless Chromium opens the page, picks a generated
// PNG and uploads it straight to the local S3 twice, then shows it from its download URL:
//   1. PUT with a presigned URL signed for the type, size and SHA-256 the page computes with
//      Web Crypto (a cross-origin PUT with custom headers: a CORS preflight comes first);
//   2. POST of a FormData form with a signed policy.
//
// Checks, each way: the page reports success; the bytes stored in the local S3 equal the
// generated file; the image decoded in the page has the generated size; S3 answered the
// upload 2xx. For the PUT also: it carried x-amz-checksum-sha256 equal to the file's SHA-256
// (computed here in Node), and Chromium's preflight to the local S3 passed with the page's
// origin and that header allowed.
//
// Usage: node upload.mjs API_URL DATA_DIR [SCREENSHOT]
// (scripts/browser-test starts presigner-local and runs this.)

import { chromium } from "playwright-core";
import { deflateSync } from "node:zlib";
import { createHash } from "node:crypto";
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
const expectedSha256 = createHash("sha256").update(image).digest("base64");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let exitCode = 1;
try {
  for (const method of ["put", "form"]) {
    const tweetId = "browser-" + method + "-" + Date.now();
    const page = await browser.newPage();
    const client = await page.context().newCDPSession(page);
    await client.send("Network.enable");
    const preflights = new Map();
    client.on("Network.requestWillBeSent", (e) => {
      if (e.request.method === "OPTIONS") preflights.set(e.requestId, { url: e.request.url, status: null, headers: {} });
    });
    client.on("Network.responseReceived", (e) => {
      const p = preflights.get(e.requestId);
      if (p) { p.status = e.response.status; p.headers = e.response.headers; }
    });
    const uploads = [];
    page.on("response", (r) => {
      const m = r.request().method();
      if ((m === "PUT" || m === "POST") && new URL(r.url()).port !== new URL(apiUrl).port) {
        uploads.push({ method: m, status: r.status(), headers: r.request().headers() });
      }
    });

    await page.goto(apiUrl + "/", { timeout: 15000 });
    await page.setInputFiles("#file", file);
    await page.fill("#userId", userId);
    await page.fill("#tweetId", tweetId);
    await page.check(`input[name="method"][value="${method}"]`);
    await page.click("#go");
    await page.waitForSelector('#status[data-state="done"], #status[data-state="failed"]', { timeout: 20000 });
    const status = await page.textContent("#status");
    check(`${method}: the page reports the upload and download done`, (await page.getAttribute("#status", "data-state")) === "done", status);

    const size = await page.$eval("#result", (img) => [img.naturalWidth, img.naturalHeight]);
    check(`${method}: the image shown is the one uploaded (decoded size)`, size[0] === WIDTH && size[1] === HEIGHT, size.join("x"));

    const stored = join(dataDir, "presigner-local", "images", userId, tweetId + ".png");
    const same = existsSync(stored) && Buffer.compare(readFileSync(stored), image) === 0;
    check(`${method}: the bytes in the local S3 equal the uploaded file`, same, stored);

    const expectedMethod = method === "put" ? "PUT" : "POST";
    check(`${method}: S3 answered the browser's ${expectedMethod} with 2xx`,
          uploads.length === 1 && uploads[0].method === expectedMethod && uploads[0].status >= 200 && uploads[0].status < 300,
          JSON.stringify(uploads.map((u) => [u.method, u.status])));

    if (method === "put") {
      check("put: the PUT carried the file's SHA-256 (Web Crypto) as x-amz-checksum-sha256",
            uploads.length === 1 && uploads[0].headers["x-amz-checksum-sha256"] === expectedSha256,
            `${uploads[0]?.headers["x-amz-checksum-sha256"]} vs ${expectedSha256}`);
      const toS3 = [...preflights.values()].filter((p) => new URL(p.url).port !== new URL(apiUrl).port);
      const header = (p, name) => p.headers[name] || p.headers[name.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase())] || "";
      const passed = toS3.filter((p) => p.status >= 200 && p.status < 300 &&
        header(p, "access-control-allow-origin") === new URL(apiUrl).origin &&
        header(p, "access-control-allow-headers").toLowerCase().includes("x-amz-checksum-sha256"));
      check("put: a CORS preflight to the local S3 was sent and passed, allowing the checksum header",
            toS3.length >= 1 && passed.length === toS3.length,
            JSON.stringify(toS3.map((p) => [p.url.split("?")[0], p.status, header(p, "access-control-allow-headers")])));
    }
    if (screenshot) await page.screenshot({ path: screenshot.replace(/\.png$/, `-${method}.png`), fullPage: true });
    await page.close();
  }
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
