// Browser test of the local run: real headless Chromium drives the page at `/` as local users
// (the dev server takes `Authorization: Bearer local:<name>` as the sign-in), with the image
// pipeline on (the dev server's default: its local S3 runs the processor on every upload).
//
// The page does its API and S3 calls through the JS client (@presigner/client), which the dev
// server serves at /client/index.js; it must load it.
//
// Posting browser: alice posts an 800x600 PNG with a presigned PUT signed for its type, size and
// the SHA-256 the page computes with Web Crypto (a cross-origin PUT with custom headers: a CORS
// preflight comes first); bob posts a 40x24 PNG with a FormData POST form. Each time: the
// page goes through "processing" (waitForImage on the upload's statusUrl) to "done" and shows
// the display size; the local S3 holds images/<poster>/<tweetId>/display, thumb and a ready
// status.json, and nothing under uploads/; S3 answered the upload 2xx; for the PUT, it
// carried x-amz-checksum-sha256 equal to the file's SHA-256 (computed here in Node), the
// preflight passed with the page's origin and that header allowed, and the same URL sent
// again changes nothing published (the replayed upload is deleted). Then carol posts a
// decompression bomb (a PNG header of 50,000 x 50,000): the page goes through "processing" to
// "refused", saying the pipeline's reason (bad_side) and message; no variant exists.
//
// API checks from Node: no sign-in, a malformed one, or a token other than `Bearer local:` is
// 401; a body userId other than the caller is 403.
//
// Carol's browser (a fresh browser context: its own HTTP cache, handed the post list from the
// posting browser's localStorage, plus a post of dave's not uploaded yet) loads the timeline:
// exactly one POST /api/download_urls (size thumb) and no /api/download_url; alice's and bob's
// thumbnails (400x300 and 40x24) with their authors, carol's post refused with its message,
// dave's "processing"; Node then uploads dave's image through the API and the page shows its
// thumbnail without another API call. A click on alice's thumbnail shows her display size
// (800x600) through one /api/download_url. Chromium's DevTools protocol tells which image
// requests reached the network and which were served from the browser's cache: on the first
// load the thumbnails come over the network with `Cache-Control: private, max-age=1800`.
// Then carol reloads the page: one API call again, the same URLs byte for byte (signed at the
// start of the cache window), and no thumbnail request reaches the network.
//
// Usage: node page.mjs API_URL DATA_DIR [SCREENSHOT]
// (scripts/browser-test starts presigner-local and runs this.)

import { chromium } from "playwright-core";
import { deflateSync } from "node:zlib";
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync, mkdtempSync, existsSync, rmSync, readdirSync } from "node:fs";
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


// A decompression bomb: a PNG whose header says 50,000 x 50,000 (10 GB of pixels) in a few
// hundred bytes.
function bomb() {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(50000, 0); ihdr.writeUInt32BE(50000, 4);
  ihdr[8] = 8; ihdr[9] = 0; // 8-bit grey
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.alloc(50001))), chunk("IEND", Buffer.alloc(0)),
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
const bucket = join(dataDir, "presigner-local");
const published = (userId, tweetId, name) => join(bucket, "images", userId, tweetId, name);
const read = (path) => (existsSync(path) ? readFileSync(path) : null);
const statusOf = (userId, tweetId) => JSON.parse(read(published(userId, tweetId, "status.json")) || "null");
// Every file under uploads/ (s3s-fs keeps an object as a file at its key).
function uploadsLeft(dir = join(bucket, "uploads")) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? uploadsLeft(join(dir, e.name)) : [join(dir, e.name)]);
}
// The processor deletes the upload right after writing the status the page waits on.
async function noUploadLeft() {
  for (let i = 0; i < 50 && uploadsLeft().length; i++) await sleep(100);
  return uploadsLeft();
}

// Every API request and every request to the image host a page makes, tagged with the phase
// of the test it happened in. For images, Chromium's DevTools protocol says whether the answer
// came over the network or from the browser's cache (disk or memory).
async function watch(page) {
  const w = { phase: "", api: [], s3: new Map(), uploads: [] };
  const client = await page.context().newCDPSession(page);
  await client.send("Network.enable");
  client.on("Network.requestWillBeSent", (e) => {
    const url = new URL(e.request.url);
    if (!url.protocol.startsWith("http")) return;
    if (url.port === apiPort) {
      if (url.pathname.startsWith("/api/") || url.pathname === "/client/index.js") {
        w.api.push({ phase: w.phase, method: e.request.method, path: url.pathname, body: e.request.postData });
      }
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
  w.apiCalls = (phase, path) => w.api.filter((a) => a.phase === phase && a.method === "POST" && a.path === path);
  w.s3Of = (phase) => [...w.s3.values()].filter((r) => r.phase === phase);
  return w;
}

// Waits for the timeline to reach one of `states` and returns what it shows.
async function timeline(page, states = ["done", "failed", "empty", "signed-out"]) {
  await page.waitForFunction((states) => states.includes(
    document.getElementById("timeline-status").dataset.state), states, { timeout: 30000 });
  const state = await page.getAttribute("#timeline-status", "data-state");
  const text = await page.textContent("#timeline-status");
  const items = await page.$$eval("#timeline li", (lis) => lis.map((li) => {
    const img = li.querySelector("img");
    return { userId: li.dataset.userId, tweetId: li.dataset.tweetId, state: li.dataset.state,
             size: img ? [img.naturalWidth, img.naturalHeight] : [0, 0], src: img?.src ?? "", alt: img?.alt ?? "",
             caption: li.querySelector("figcaption").textContent };
  }));
  return { state, text, items };
}

// Records every state #status goes through, from now on.
const recordStates = (page) => page.evaluate(() => {
  window.statusStates = [];
  new MutationObserver(() => window.statusStates.push(document.getElementById("status").dataset.state))
    .observe(document.getElementById("status"), { attributes: true, attributeFilter: ["data-state"] });
});

const posters = [
  { userId: "alice", method: "put", width: 800, height: 600, thumb: [400, 300] },
  { userId: "bob", method: "form", width: 40, height: 24, thumb: [40, 24] },
];
const scratch = mkdtempSync(join(tmpdir(), "presigner-browser-"));
for (const p of posters) {
  p.image = png(p.width, p.height);
  p.file = join(scratch, p.userId + ".png");
  p.tweetId = `browser-${p.method}-${Date.now()}`;
  p.sha256 = createHash("sha256").update(p.image).digest("base64");
  writeFileSync(p.file, p.image);
}
const bombFile = join(scratch, "bomb.png");
writeFileSync(bombFile, bomb());
const bombTweet = `browser-bomb-${Date.now()}`;
const shot = (name) => screenshot ? screenshot.replace(/\.png$/, `-${name}.png`) : null;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
let exitCode = 1;
try {
  // The posting browser: alice, then bob, post an image each; then carol posts a bomb.
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

  const post = async (userId, method, file, tweetId) => {
    await page.selectOption("#user", userId);
    await timeline(page);
    await page.setInputFiles("#file", file);
    await page.fill("#tweetId", tweetId);
    await page.check(`input[name="method"][value="${method}"]`);
    await recordStates(page);
    await page.click("#go");
    await page.waitForSelector('#status[data-state="done"], #status[data-state="failed"], #status[data-state="refused"]', { timeout: 30000 });
    return {
      state: await page.getAttribute("#status", "data-state"),
      text: await page.textContent("#status"),
      states: await page.evaluate(() => window.statusStates),
    };
  };

  for (const p of posters) {
    const { method, userId, tweetId } = p;
    w.phase = method;
    const done = await post(userId, method, p.file, tweetId);
    check(`${method} (${userId}): the page reports the upload done`, done.state === "done", done.text);
    const processing = done.states.indexOf("processing");
    check(`${method} (${userId}): the page said "processing" until the pipeline's verdict, then "done"`,
          processing > 0 && done.states.indexOf("done") > processing, done.states.join(" → "));

    const size = await page.$eval("#result", (img) => [img.naturalWidth, img.naturalHeight]);
    check(`${method} (${userId}): the image shown is the display size of the one uploaded`,
          size[0] === p.width && size[1] === p.height, size.join("x"));

    const status = statusOf(userId, tweetId);
    p.display = read(published(userId, tweetId, "display"));
    check(`${method} (${userId}): the local S3 holds the display size, the thumbnail and a ready status in ${userId}'s folder`,
          status?.state === "ready" && p.display?.length === status.variants.display.bytes &&
          read(published(userId, tweetId, "thumb"))?.length === status.variants.thumb.bytes &&
          status.variants.thumb.width === p.thumb[0], JSON.stringify(status));
    const left = await noUploadLeft();
    check(`${method} (${userId}): nothing is left under uploads/`, left.length === 0, left.join(" "));

    const uploads = w.uploads.filter((u) => u.phase === method);
    const expectedMethod = method === "put" ? "PUT" : "POST";
    check(`${method} (${userId}): S3 answered the browser's ${expectedMethod} with 2xx, under uploads/`,
          uploads.length === 1 && uploads[0].method === expectedMethod && uploads[0].status >= 200 && uploads[0].status < 300 &&
          (method === "form" || uploads[0].url.includes("/uploads/")),
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
      // The same URL again, from the page, with the same headers and bytes: the upload it
      // made is gone, so S3 takes it again, and the processor finds the id decided.
      const replay = await page.evaluate(async ({ url, headers, bytes }) => {
        const body = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0));
        const { ["content-length"]: _, ...sent } = headers;
        return (await fetch(url, { method: "PUT", headers: sent, body })).status;
      }, { url: uploads[0].url, headers: uploads[0].headers, bytes: p.image.toString("base64") });
      const replayLeft = await noUploadLeft();
      const same = read(published(userId, tweetId, "display"));
      check("put: the same URL sent again changes nothing published, and its upload is deleted",
            (replay === 200 || replay === 412) && same && Buffer.compare(same, p.display) === 0 && replayLeft.length === 0,
            `${replay}, left ${replayLeft.join(" ")}`);
    }
    if (shot(method)) await page.screenshot({ path: shot(method), fullPage: true });
  }

  // carol posts a decompression bomb: the page waits, then says it was refused and why.
  w.phase = "bomb";
  const refusal = await post("carol", "put", bombFile, bombTweet);
  check("bomb (carol): the page said \"processing\", then \"refused\" with the pipeline's reason and message",
        refusal.state === "refused" && refusal.states.includes("processing") && refusal.text.includes("bad_side") &&
        refusal.text.includes("50000"), `${refusal.states.join(" → ")}: ${refusal.text}`);
  const bombStatus = statusOf("carol", bombTweet);
  check("bomb (carol): its status is refused (bad_side) and it has no variant",
        bombStatus?.state === "refused" && bombStatus.reason === "bad_side" &&
        !existsSync(published("carol", bombTweet, "display")) && !existsSync(published("carol", bombTweet, "thumb")),
        JSON.stringify(bombStatus));
  const bombLeft = await noUploadLeft();
  check("bomb (carol): nothing is left under uploads/", bombLeft.length === 0, bombLeft.join(" "));
  if (shot("refused")) await page.screenshot({ path: shot("refused"), fullPage: true });
  const postList = JSON.parse(await page.evaluate(() => localStorage.getItem("presigner-local.posts")) || "[]");

  // The API itself: no sign-in, or one the dev server does not accept, is 401; writing into
  // another user's folder is 403.
  const call = (route, authorization, body) => fetch(`${apiUrl}/api/${route}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
    body: JSON.stringify(body),
  });
  const images = { images: posters.map(({ userId, tweetId }) => ({ userId, tweetId })) };
  const refused = [
    await call("download_urls", null, images),
    await call("download_url", null, { userId: "alice", tweetId: posters[0].tweetId }),
    await call("download_urls", "Bearer local:Alice", images),
    await call("download_urls", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", images),
  ].map((r) => r.status);
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
  const foreign = (await call("upload_url", "Bearer local:bob",
    { userId: "alice", tweetId: "not-yours", contentType: "image/png", contentLength: 10 })).status;
  check("an upload into another user's folder is answered 403", foreign === 403, String(foreign));

  // Carol's browser: the same post list, and a post of dave's not uploaded yet; none of the
  // posting browser's cache. Both page loads must fall in one cache window (they take
  // seconds): near the window's end, wait for the next.
  const left = 3600 - (Math.floor(Date.now() / 1000) % 3600);
  if (left < 60) {
    console.log(`note: waiting ${left + 1} s for the next cache window`);
    await sleep((left + 1) * 1000);
  }
  const dave = { userId: "dave", tweetId: `browser-later-${Date.now()}`, width: 64, height: 48 };
  const origin = new URL(apiUrl).origin;
  const carolContext = await browser.newContext({
    storageState: { cookies: [], origins: [{ origin, localStorage: [
      { name: "presigner-local.posts", value: JSON.stringify([{ userId: dave.userId, tweetId: dave.tweetId }, ...postList]) }] }] },
  });
  const carol = await carolContext.newPage();
  const c = await watch(carol);
  c.phase = "carol-signed-out";
  await carol.goto(apiUrl + "/", { timeout: 15000 });
  await timeline(carol);

  const item = (t, userId) => t.items.find((i) => i.userId === userId);
  const showsThumbs = (t) => posters.every((p) => {
    const i = item(t, p.userId);
    return i?.state === "ready" && i.caption.startsWith(p.userId + ":") && i.alt.includes(p.userId) &&
      i.size[0] === p.thumb[0] && i.size[1] === p.thumb[1];
  });
  const describe = (t) => `${t.state} "${t.text}" ` + JSON.stringify(t.items.map((i) => [i.userId, i.state, i.size.join("x"), i.caption]));
  const imageGets = (phase) => c.s3Of(phase).filter((r) => r.method === "GET");

  c.phase = "carol-first";
  await carol.selectOption("#user", "carol");
  const first = await timeline(carol, ["processing", "done", "failed"]);
  // Settled but for dave's: his image is not uploaded yet.
  await carol.waitForFunction(() => [...document.querySelectorAll("#timeline li")].every((li) =>
    li.dataset.state !== "loading" && (li.dataset.userId === "dave" || li.dataset.state !== "processing")), null, { timeout: 30000 });
  const waiting = await timeline(carol, ["processing", "done", "failed"]);
  const batch = c.apiCalls("carol-first", "/api/download_urls");
  check("carol's timeline: exactly one POST /api/download_urls, for thumbnails, and no /api/download_url",
        batch.length === 1 && JSON.parse(batch[0].body || "{}").size === "thumb" && c.apiCalls("carol-first", "/api/download_url").length === 0,
        JSON.stringify(c.api.filter((a) => a.phase === "carol-first").map((a) => [a.path, a.body])));
  check("carol's timeline shows alice's and bob's thumbnails with their authors and decoded sizes", showsThumbs(waiting), describe(waiting));
  const carolsOwn = item(waiting, "carol");
  check("carol's timeline says her bomb was refused, and why",
        carolsOwn?.state === "refused" && carolsOwn.caption.includes("bad_side") && carolsOwn.caption.includes("50000"), describe(waiting));
  check("carol's timeline shows dave's post as processing (not uploaded yet)",
        waiting.state === "processing" && item(waiting, "dave")?.state === "processing" &&
        (await carol.$eval(`#timeline li[data-user-id="dave"] figcaption`, (f) => getComputedStyle(f, "::after").content)).includes("processing"),
        describe(waiting));

  // dave uploads now, through the API and the local S3 (from Node): the page shows his
  // thumbnail once the pipeline is done, with no other API call.
  dave.image = png(dave.width, dave.height);
  const asDave = await (await call("upload_url", "Bearer local:dave", { tweetId: dave.tweetId, contentType: "image/png",
    contentLength: dave.image.length })).json();
  // The headers the answer says to send, but Content-Length, which fetch sets itself.
  const { ["Content-Length"]: _length, ["content-length"]: _len, ...daveHeaders } = asDave.headers || {};
  const put = await fetch(asDave.presignedUrl, { method: "PUT", headers: daveHeaders, body: dave.image });
  check("dave's upload through the API is stored", put.status === 200, String(put.status));
  const after = await timeline(carol, ["done", "failed"]);
  const davesItem = item(after, "dave");
  check("carol's timeline: dave's post goes from processing to its thumbnail, without another API call",
        after.state === "done" && davesItem?.state === "ready" && davesItem.size[0] === dave.width &&
        c.apiCalls("carol-first", "/api/download_urls").length === 1 && c.apiCalls("carol-first", "/api/download_url").length === 0,
        describe(after));

  const ready = after.items.filter((i) => i.state === "ready");
  const thumbGets = (phase) => imageGets(phase).filter((r) => ready.some((i) => i.src === r.url) && r.status === 200);
  if (IMAGE_HOST) {
    check(`first load: every image was fetched from ${IMAGE_HOST}`,
          imageGets("carol-first").length > 0 && imageGets("carol-first").every((r) => new URL(r.url).host === IMAGE_HOST),
          JSON.stringify(imageGets("carol-first").map((r) => new URL(r.url).host)));
  }
  const firstNet = thumbGets("carol-first").filter((r) => !r.cached);
  check(`first load: the thumbnails came over the network, each 200 with Cache-Control: ${CACHE_CONTROL}`,
        firstNet.length === ready.length && firstNet.every((r) => header(r.headers, "cache-control") === CACHE_CONTROL),
        JSON.stringify(firstNet.map((r) => [r.status, header(r.headers, "cache-control")])));

  // A click on alice's thumbnail: her display size.
  c.phase = "carol-click";
  await carol.click(`#timeline li[data-user-id="alice"] img`);
  await carol.waitForSelector('#viewer[data-state="done"], #viewer[data-state="failed"]', { timeout: 15000 });
  const viewed = await carol.$eval("#viewer-image", (img) => [img.naturalWidth, img.naturalHeight]);
  const single = c.apiCalls("carol-click", "/api/download_url");
  check("a click on alice's thumbnail shows her display size through one /api/download_url",
        viewed[0] === posters[0].width && viewed[1] === posters[0].height && single.length === 1 &&
        JSON.parse(single[0].body || "{}").size === "display", `${viewed.join("x")}, ${JSON.stringify(single.map((a) => a.body))}`);
  if (shot("timeline")) await carol.screenshot({ path: shot("timeline"), fullPage: true });

  c.phase = "carol-reload";
  await carol.reload({ timeout: 15000 });
  const again = await timeline(carol);
  check("after a reload: again exactly one POST /api/download_urls and no /api/download_url",
        c.apiCalls("carol-reload", "/api/download_urls").length === 1 && c.apiCalls("carol-reload", "/api/download_url").length === 0,
        JSON.stringify(c.api.filter((a) => a.phase === "carol-reload").map((a) => a.path)));
  check("after a reload: the same thumbnails, carol's refusal, dave's thumbnail",
        showsThumbs(again) && item(again, "carol")?.state === "refused" && item(again, "dave")?.state === "ready", describe(again));
  check("after a reload: the API handed out byte-identical URLs (one cache window)",
        ready.every((i) => again.items.some((j) => j.userId === i.userId && j.src === i.src)));
  const reloadThumbs = imageGets("carol-reload").filter((r) => ready.some((i) => i.src === r.url));
  check("after a reload: no thumbnail was fetched again (all from the browser's cache)",
        reloadThumbs.length === ready.length && reloadThumbs.every((r) => r.cached),
        `${reloadThumbs.filter((r) => r.cached).length} of ${reloadThumbs.length} from the cache`);
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
