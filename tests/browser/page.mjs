// Browser test of the local run: real headless Chromium drives the page at `/` as three local
// users (the dev server takes `Authorization: Bearer local:<name>` as the sign-in).
//
// The page does its API and S3 calls through the JS client (@presigner/client), which the dev
// server serves at /client/index.js; it must load it.
//
// Posting browser: alice signs in and posts a generated PNG with a presigned PUT signed for its
// type, size and the SHA-256 the page computes with Web Crypto (a cross-origin PUT with custom
// headers: a CORS preflight comes first); bob signs in and posts another with a FormData POST
// form. Each time: the page reports success and shows the image (decoded size); the bytes
// stored under the poster's own folder equal the file; S3 answered the upload 2xx; for the PUT,
// it carried x-amz-checksum-sha256 equal to the file's SHA-256 (computed here in Node) and the
// preflight passed with the page's origin and that header allowed; posting again under the
// same tweetId shows S3's 412 as the client's error says it (no XML).
//
// API checks from Node: no sign-in, a malformed one, or a token other than `Bearer local:` is
// 401; a body userId other than the caller is 403.
//
// Carol's browser (a fresh browser context: its own HTTP cache, handed the post list from the
// posting browser's localStorage) signs in and loads the timeline: exactly one
// POST /api/download_urls and no /api/download_url; both posts shown with their authors and
// sizes. Chromium's DevTools protocol tells which S3 requests reached the network and which
// were served from the browser's cache: on this first load both images come over the network
// with `Cache-Control: private, max-age=1800`. Then carol reloads the page: one API call
// again, the same URLs byte for byte (signed at the start of the cache window), and no image
// request reaches the local S3: both are served from the cache.
//
// Usage: node page.mjs API_URL DATA_DIR [SCREENSHOT]
// (scripts/browser-test starts presigner-local and runs this.)

import { chromium } from "playwright-core";
import { deflateSync } from "node:zlib";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdtempSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [apiUrl, dataDir, screenshot] = process.argv.slice(2);
if (!apiUrl || !dataDir) {
  console.error("usage: node page.mjs API_URL DATA_DIR [SCREENSHOT]");
  process.exit(2);
}
const apiPort = new URL(apiUrl).port;
const CACHE_CONTROL = "private, max-age=1800";
// Where download URLs point: the local S3, or the local edge with `--cloudfront` (host:port).
const IMAGE_HOST = process.env.IMAGE_HOST || "";

// A real PNG: a width x height RGB gradient.
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
function png(width, height) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const rows = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3);
    for (let x = 0; x < width; x++) row.set([x * 5, y * 7, 200], 1 + x * 3);
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
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const header = (headers, name) =>
  Object.entries(headers || {}).find(([k]) => k.toLowerCase() === name)?.[1] ?? "";
const stored = (userId, tweetId) => join(dataDir, "presigner-local", "images", userId, tweetId + ".png");
const sameBytes = (path, bytes) => existsSync(path) && Buffer.compare(readFileSync(path), bytes) === 0;

// Every API request and every request to the local S3 a page makes, tagged with the phase of
// the test it happened in. For S3, Chromium's DevTools protocol says whether the answer came
// over the network or from the browser's cache (disk or memory).
async function watch(page) {
  const w = { phase: "", api: [], s3: new Map(), uploads: [] };
  const client = await page.context().newCDPSession(page);
  await client.send("Network.enable");
  client.on("Network.requestWillBeSent", (e) => {
    const url = new URL(e.request.url);
    if (!url.protocol.startsWith("http")) return;
    if (url.port === apiPort) {
      if (url.pathname.startsWith("/api/") || url.pathname === "/client/index.js") w.api.push({ phase: w.phase, method: e.request.method, path: url.pathname });
      return;
    }
    w.s3.set(e.requestId, { phase: w.phase, method: e.request.method, url: e.request.url, status: null, headers: {}, cached: false });
  });
  client.on("Network.requestServedFromCache", (e) => {
    const r = w.s3.get(e.requestId);
    if (r) r.cached = true;
  });
  client.on("Network.responseReceived", (e) => {
    const r = w.s3.get(e.requestId);
    if (!r) return;
    r.status = e.response.status;
    r.headers = e.response.headers;
    if (e.response.fromDiskCache || e.response.fromMemoryCache || e.response.fromPrefetchCache) r.cached = true;
  });
  page.on("response", (r) => {
    const m = r.request().method();
    if ((m === "PUT" || m === "POST") && new URL(r.url()).port !== apiPort) {
      w.uploads.push({ phase: w.phase, method: m, url: r.url(), status: r.status(), headers: r.request().headers() });
    }
  });
  w.apiCalls = (phase, path) => w.api.filter((a) => a.phase === phase && a.method === "POST" && a.path === path).length;
  w.s3Of = (phase) => [...w.s3.values()].filter((r) => r.phase === phase);
  return w;
}

// Waits for the timeline to settle and returns what it shows.
async function timeline(page) {
  await page.waitForFunction(() => ["done", "failed", "empty", "signed-out"].includes(
    document.getElementById("timeline-status").dataset.state), null, { timeout: 20000 });
  const state = await page.getAttribute("#timeline-status", "data-state");
  const text = await page.textContent("#timeline-status");
  const items = await page.$$eval("#timeline li", (lis) => lis.map((li) => {
    const img = li.querySelector("img");
    return { userId: li.dataset.userId, tweetId: li.dataset.tweetId, size: [img.naturalWidth, img.naturalHeight],
             src: img.src, alt: img.alt, caption: li.querySelector("figcaption").textContent };
  }));
  return { state, text, items };
}

const posters = [
  { userId: "alice", method: "put", width: 48, height: 32 },
  { userId: "bob", method: "form", width: 40, height: 24 },
];
const scratch = mkdtempSync(join(tmpdir(), "presigner-browser-"));
for (const p of posters) {
  p.image = png(p.width, p.height);
  p.file = join(scratch, p.userId + ".png");
  p.tweetId = `browser-${p.method}-${Date.now()}`;
  p.sha256 = createHash("sha256").update(p.image).digest("base64");
  writeFileSync(p.file, p.image);
}
const shot = (name) => screenshot ? screenshot.replace(/\.png$/, `-${name}.png`) : null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let exitCode = 1;
try {
  // The posting browser: alice, then bob, post an image each.
  const posting = await browser.newContext();
  const page = await posting.newPage();
  const w = await watch(page);
  w.phase = "signed-out";
  await page.goto(apiUrl + "/", { timeout: 15000 });
  const signedOut = await timeline(page);
  const apiCalls = w.api.filter((a) => a.path.startsWith("/api/"));
  check("signed out, the page shows no timeline and calls no API", signedOut.state === "signed-out" && apiCalls.length === 0,
        `${signedOut.state}, ${apiCalls.length} API calls`);
  check("the page loads the JS client (@presigner/client) from the dev server",
        w.api.some((a) => a.method === "GET" && a.path === "/client/index.js"));

  for (const p of posters) {
    const { method, userId, tweetId } = p;
    w.phase = method;
    await page.selectOption("#user", userId);
    await timeline(page);
    await page.setInputFiles("#file", p.file);
    await page.fill("#tweetId", tweetId);
    await page.check(`input[name="method"][value="${method}"]`);
    await page.click("#go");
    await page.waitForSelector('#status[data-state="done"], #status[data-state="failed"]', { timeout: 20000 });
    const status = await page.textContent("#status");
    check(`${method} (${userId}): the page reports the upload and download done`,
          (await page.getAttribute("#status", "data-state")) === "done", status);

    const size = await page.$eval("#result", (img) => [img.naturalWidth, img.naturalHeight]);
    check(`${method} (${userId}): the image shown is the one uploaded (decoded size)`,
          size[0] === p.width && size[1] === p.height, size.join("x"));

    check(`${method} (${userId}): the bytes in the local S3, in ${userId}'s folder, equal the uploaded file`,
          sameBytes(stored(userId, tweetId), p.image), stored(userId, tweetId));

    const uploads = w.uploads.filter((u) => u.phase === method);
    const expectedMethod = method === "put" ? "PUT" : "POST";
    check(`${method} (${userId}): S3 answered the browser's ${expectedMethod} with 2xx`,
          uploads.length === 1 && uploads[0].method === expectedMethod && uploads[0].status >= 200 && uploads[0].status < 300,
          JSON.stringify(uploads.map((u) => [u.method, u.status])));

    if (method === "put") {
      check("put: the PUT carried the file's SHA-256 (Web Crypto) as x-amz-checksum-sha256",
            uploads.length === 1 && uploads[0].headers["x-amz-checksum-sha256"] === p.sha256,
            `${uploads[0]?.headers["x-amz-checksum-sha256"]} vs ${p.sha256}`);
      const preflights = w.s3Of(method).filter((r) => r.method === "OPTIONS");
      const passed = preflights.filter((r) => r.status >= 200 && r.status < 300 &&
        header(r.headers, "access-control-allow-origin") === new URL(apiUrl).origin &&
        header(r.headers, "access-control-allow-headers").toLowerCase().includes("x-amz-checksum-sha256") &&
        header(r.headers, "access-control-allow-headers").toLowerCase().includes("if-none-match"));
      check("put: a CORS preflight to the local S3 was sent and passed, allowing the checksum and If-None-Match headers",
            preflights.length >= 1 && passed.length === preflights.length,
            JSON.stringify(preflights.map((r) => [r.url.split("?")[0], r.status, header(r.headers, "access-control-allow-headers")])));
      check("put: the PUT carried If-None-Match: * (the URL writes once)",
            uploads.length === 1 && uploads[0].headers["if-none-match"] === "*",
            String(uploads[0]?.headers["if-none-match"]));
      // The same URL again, from the page, with the same headers and bytes: S3 refuses to
      // write over what is there.
      const replay = await page.evaluate(async ({ url, headers, bytes }) => {
        const body = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
        const { ["content-length"]: _, ...sent } = headers;
        return (await fetch(url, { method: "PUT", headers: sent, body })).status;
      }, { url: uploads[0].url, headers: uploads[0].headers, bytes: p.image.toString("base64") });
      check("put: the same URL sent again is answered 412 and the stored bytes are the first upload's",
            replay === 412 && sameBytes(stored(userId, tweetId), p.image), String(replay));
      // The page posting again under the same tweetId: the client's error, S3's words, no XML.
      await page.fill("#tweetId", tweetId);
      await page.click("#go");
      await page.waitForSelector('#status[data-state="failed"]', { timeout: 20000 });
      const refusal = await page.textContent("#status");
      check("put: posting again under the same tweetId shows S3's 412 as the client reports it, never raw XML",
            refusal.includes("412") && refusal.includes("new tweetId") && !refusal.includes("<"), refusal);
      await timeline(page);
    }
    if (shot(method)) await page.screenshot({ path: shot(method), fullPage: true });
  }
  const postList = await page.evaluate(() => localStorage.getItem("presigner-local.posts"));

  // The API itself: no sign-in, or one the dev server does not accept, is 401; writing into
  // another user's folder is 403.
  const call = (route, authorization, body) => fetch(`${apiUrl}/api/${route}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
    body: JSON.stringify(body),
  }).then((r) => r.status);
  const images = { images: posters.map(({ userId, tweetId }) => ({ userId, tweetId })) };
  const refused = [
    await call("download_urls", null, images),
    await call("download_url", null, { userId: "alice", tweetId: posters[0].tweetId }),
    await call("download_urls", "Bearer local:Alice", images),
    await call("download_urls", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", images),
  ];
  check("API calls without a local sign-in (none, a malformed name, another token) are answered 401",
        refused.every((s) => s === 401), refused.join(" "));
  const contract = await fetch(`${apiUrl}/openapi.yaml`);
  const contractText = await contract.text();
  check("the dev server serves openapi.yaml", contract.status === 200 && contractText.startsWith("openapi: 3.1") &&
        contract.headers.get("content-type").startsWith("application/yaml"), `${contract.status} ${contract.headers.get("content-type")}`);
  // A front end's own page on another loopback port imports the client as a module: CORS
  // answers it with its own origin, as every dev-server answer does (never `*`).
  const frontEnd = "http://localhost:5173";
  const module = await fetch(`${apiUrl}/client/index.js`, { headers: { Origin: frontEnd } });
  check("the dev server serves the client as a module a local front end may import",
        module.status === 200 && module.headers.get("content-type").startsWith("text/javascript") &&
        module.headers.get("access-control-allow-origin") === frontEnd && (await module.text()).includes("export function createClient"),
        `${module.status} ${module.headers.get("access-control-allow-origin")}`);
  const foreign = await call("upload_url", "Bearer local:bob",
    { userId: "alice", tweetId: "not-yours", contentType: "image/png", contentLength: 10 });
  check("an upload into another user's folder is answered 403", foreign === 403, String(foreign));

  // Carol's browser: the same post list, none of the posting browser's cache. Both page loads
  // must fall in one cache window (they take seconds): near the window's end, wait for the next.
  const left = 3600 - (Math.floor(Date.now() / 1000) % 3600);
  if (left < 30) {
    console.log(`note: waiting ${left + 1} s for the next cache window`);
    await sleep((left + 1) * 1000);
  }
  const origin = new URL(apiUrl).origin;
  const carolContext = await browser.newContext({
    storageState: { cookies: [], origins: [{ origin, localStorage: [{ name: "presigner-local.posts", value: postList || "[]" }] }] },
  });
  const carol = await carolContext.newPage();
  const c = await watch(carol);
  c.phase = "carol-signed-out";
  await carol.goto(apiUrl + "/", { timeout: 15000 });
  await timeline(carol);

  const expected = [...posters].reverse(); // newest first
  const showsBoth = (t) => t.state === "done" && t.items.length === expected.length &&
    t.items.every((item, i) => item.userId === expected[i].userId && item.tweetId === expected[i].tweetId &&
      item.caption.startsWith(expected[i].userId + ":") && item.alt.includes(expected[i].userId) &&
      item.size[0] === expected[i].width && item.size[1] === expected[i].height);
  const describe = (t) => `${t.state} "${t.text}" ` + JSON.stringify(t.items.map((i) => [i.userId, i.size.join("x")]));
  const imageGets = (phase) => c.s3Of(phase).filter((r) => r.method === "GET");
  const overNetwork = (phase) => imageGets(phase).filter((r) => r.status !== null && !r.cached);

  c.phase = "carol-first";
  await carol.selectOption("#user", "carol");
  const first = await timeline(carol);
  check("carol's timeline: exactly one POST /api/download_urls and no /api/download_url",
        c.apiCalls("carol-first", "/api/download_urls") === 1 && c.apiCalls("carol-first", "/api/download_url") === 0,
        JSON.stringify(c.api.filter((a) => a.phase === "carol-first").map((a) => a.path)));
  check("carol's timeline shows alice's and bob's images with their authors and decoded sizes", showsBoth(first), describe(first));
  check("the bytes stored for both posts equal the files posted",
        posters.every((p) => sameBytes(stored(p.userId, p.tweetId), p.image)));
  const firstNet = overNetwork("carol-first");
  if (IMAGE_HOST) {
    check(`first load: every image was fetched from ${IMAGE_HOST}`,
          imageGets("carol-first").length > 0 && imageGets("carol-first").every((r) => new URL(r.url).host === IMAGE_HOST),
          JSON.stringify(imageGets("carol-first").map((r) => new URL(r.url).host)));
  }
  check("first load: both images came over the network (the observation sees fetches)",
        firstNet.length === expected.length && imageGets("carol-first").length === expected.length,
        `${firstNet.length} over the network of ${imageGets("carol-first").length} image requests`);
  check(`first load: the image host answered each image 200 with Cache-Control: ${CACHE_CONTROL}`,
        firstNet.length > 0 && firstNet.every((r) => r.status === 200 && header(r.headers, "cache-control") === CACHE_CONTROL),
        JSON.stringify(firstNet.map((r) => [r.status, header(r.headers, "cache-control")])));

  c.phase = "carol-reload";
  await carol.reload({ timeout: 15000 });
  const again = await timeline(carol);
  check("after a reload: again exactly one POST /api/download_urls and no /api/download_url",
        c.apiCalls("carol-reload", "/api/download_urls") === 1 && c.apiCalls("carol-reload", "/api/download_url") === 0,
        JSON.stringify(c.api.filter((a) => a.phase === "carol-reload").map((a) => a.path)));
  check("after a reload: the same images with their authors and sizes", showsBoth(again), describe(again));
  check("after a reload: the API handed out byte-identical URLs (one cache window)",
        again.items.length === first.items.length && again.items.every((item, i) => item.src === first.items[i].src));
  const reloadGets = imageGets("carol-reload");
  const reloadNet = overNetwork("carol-reload");
  check("after a reload: no image was fetched again (all from the browser's cache)",
        reloadNet.length === 0 && reloadGets.length === expected.length && reloadGets.every((r) => r.cached),
        `${reloadNet.length} over the network, ${reloadGets.filter((r) => r.cached).length} of ${reloadGets.length} from the cache`);
  if (shot("timeline")) await carol.screenshot({ path: shot("timeline"), fullPage: true });
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
