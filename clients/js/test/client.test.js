// @presigner/client against a running presigner-local (test/run starts one and sets
// PRESIGNER_API_URL and PRESIGNER_DATA_DIR): uploads stored byte for byte and read back, the
// batch split over the limit in order, S3's refusals and the API's errors as PresignerError,
// and the package `npm pack` makes.

import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";

import { createClient, PresignerError, DEFAULT_MAX_BATCH } from "../src/index.js";
import { png } from "./png.js";
import { rejection } from "./rejection.js";

const API = process.env.PRESIGNER_API_URL;
const DATA = process.env.PRESIGNER_DATA_DIR;
if (!API || !DATA) throw new Error("run through clients/js/test/run (PRESIGNER_API_URL, PRESIGNER_DATA_DIR)");
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");

const as = (user, extra = {}) => createClient({ baseUrl: API, getToken: () => (user ? `local:${user}` : null), ...extra });
const unique = (name) => `${name}-${process.pid}-${Date.now()}`;
const stored = (user, tweetId) => readFileSync(join(DATA, "presigner-local", "images", user, `${tweetId}.png`));

/** A fetch that records each call and may change a request before it is sent. */
function recording(change = (url, init) => init) {
  const calls = [];
  const fetch = (url, init) => {
    calls.push({ url: String(url), method: init?.method, body: init?.body });
    return globalThis.fetch(url, change(String(url), init));
  };
  return { calls, fetch };
}

test("an image uploaded as alice is stored byte for byte and read back by bob", async () => {
  const image = png(20);
  const tweetId = unique("roundtrip");
  const up = await as("alice").uploadImage(image, { tweetId, contentType: "image/png" });
  assert.equal(up.tweetId, tweetId);
  assert.equal(up.size, image.length);
  assert.match(up.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(new Uint8Array(stored("alice", tweetId)), image);

  const url = await as("bob").downloadUrl({ userId: "alice", tweetId });
  const back = await fetch(url);
  assert.equal(back.status, 200);
  assert.deepEqual(new Uint8Array(await back.arrayBuffer()), image);
});

test("a Blob's own type is used, and the PUT sends every signed header", async () => {
  const image = png(9);
  const tweetId = unique("blob");
  const r = recording();
  await as("carol", { fetch: r.fetch }).uploadImage(new Blob([image], { type: "image/png" }), { tweetId });
  assert.deepEqual(new Uint8Array(stored("carol", tweetId)), image);
  const ask = JSON.parse(r.calls[0].body);
  assert.equal(ask.contentType, "image/png");
  assert.equal(ask.contentLength, image.length);
  assert.equal(ask.contentSha256, (await import("node:crypto")).createHash("sha256").update(image).digest("base64"));
  assert.equal(r.calls[1].method, "PUT");
  // Her own image, read with no userId.
  const url = await as("carol").downloadUrl({ tweetId });
  assert.match(url, new RegExp(`/images/carol/${tweetId}\\.png\\?`));
});

test("without a global crypto (Node 18), the SHA-256 comes from node:crypto's webcrypto", async () => {
  const image = png(6);
  const tweetId = unique("node18");
  const r = recording();
  const saved = Object.getOwnPropertyDescriptor(globalThis, "crypto");
  Object.defineProperty(globalThis, "crypto", { value: undefined, configurable: true });
  try {
    await as("alice", { fetch: r.fetch }).uploadImage(image, { tweetId, contentType: "image/png" });
  } finally {
    Object.defineProperty(globalThis, "crypto", saved);
  }
  const { createHash } = await import("node:crypto");
  assert.equal(JSON.parse(r.calls[0].body).contentSha256, createHash("sha256").update(image).digest("base64"));
  assert.deepEqual(new Uint8Array(stored("alice", tweetId)), image);
});

test("a form upload is stored byte for byte, and a form refused by S3 is a PresignerError", async () => {
  const image = png(11);
  const tweetId = unique("form");
  const up = await as("bob").uploadImageWithForm(new Blob([image], { type: "image/png" }), { tweetId });
  assert.equal(up.size, image.length);
  assert.deepEqual(new Uint8Array(stored("bob", tweetId)), image);
  // A form S3 refuses (here a stand-in answering as S3 does: a local S3 that refuses a form
  // may close the connection before reading it, which is a network error, not a status).
  const fetch = async (url) => url.endsWith("/api/upload_form")
    ? new Response(JSON.stringify({ url: "http://s3.invalid/b/", fields: { key: "k" }, expiresAt: "2026-01-01T00:00:00Z" }), { status: 200 })
    : new Response("<Error><Code>AccessDenied</Code><Message>Invalid according to Policy: Policy Condition failed: [\"eq\", \"$key\", \"k\"]</Message></Error>", { status: 403 });
  const e = await rejection(as("bob", { fetch }).uploadImageWithForm(image, { tweetId: unique("form"), contentType: "image/png" }));
  assert.ok(e instanceof PresignerError, String(e));
  assert.equal(e.source, "s3");
  assert.equal(e.status, 403);
  assert.equal(e.code, "AccessDenied");
  assert.ok(e.message.includes('Invalid according to Policy: Policy Condition failed: ["eq", "$key", "k"]'), e.message);
});

test("the same tweetId again is S3's 412, a PresignerError that says to post under a new tweetId", async () => {
  const tweetId = unique("twice");
  const client = as("alice");
  await client.uploadImage(png(3), { tweetId, contentType: "image/png" });
  const e = await rejection(client.uploadImage(png(4), { tweetId, contentType: "image/png" }));
  assert.ok(e instanceof PresignerError, String(e));
  assert.equal(e.status, 412);
  assert.equal(e.source, "s3");
  assert.equal(e.code, "PreconditionFailed");
  assert.match(e.message, /new tweetId/);
  assert.doesNotMatch(e.message, /</, "no raw XML");
  assert.deepEqual(new Uint8Array(stored("alice", tweetId)), png(3), "the first image stays");
});

test("an S3 refusal carries S3's status, code and <Message>, never the XML", async () => {
  // The PUT is sent with another type than the one signed: S3 answers 403.
  let raw;
  const r = recording((url, init) => {
    if (init?.method !== "PUT") return init;
    raw = { url, init: { ...init, headers: { ...init.headers, "Content-Type": "image/gif" } } };
    return raw.init;
  });
  const tweetId = unique("refused");
  const e = await rejection(as("bob", { fetch: r.fetch }).uploadImage(png(5), { tweetId, contentType: "image/png" }));
  assert.ok(e instanceof PresignerError, String(e));
  assert.equal(e.status, 403);
  assert.equal(e.source, "s3");
  // What S3 itself said, read here from its XML.
  const xml = await (await fetch(raw.url, raw.init)).text();
  const code = /<Code>([^<]*)<\/Code>/.exec(xml)[1];
  // S3's <Message>, its five XML entities decoded as the client must decode them.
  const entities = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
  const message = /<Message>([^<]*)<\/Message>/.exec(xml)?.[1]?.replace(/&(amp|lt|gt|quot|apos);/g, (_, n) => entities[n]);
  assert.equal(e.code, code);
  if (message) assert.ok(e.message.includes(message), `${e.message} lacks S3's ${message}`);
  assert.doesNotMatch(e.message, /<\/?(Error|Code|Message)>/);
});

test("S3's XML error is read into the error: code and decoded <Message>, no markup", async () => {
  // Real S3's words for a changed header, as its XML escapes them; served by a stand-in fetch.
  const xml = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SignatureDoesNotMatch</Code>' +
    "<Message>The request signature we calculated does not match the signature you provided. " +
    "Check your key &amp; signing method.</Message><RequestId>X</RequestId></Error>";
  const fetch = async (url) => url.endsWith("/api/upload_url")
    ? new Response(JSON.stringify({ presignedUrl: "http://s3.invalid/b/k", headers: { "If-None-Match": "*" }, expiresAt: "2026-01-01T00:00:00Z" }), { status: 200 })
    : new Response(xml, { status: 403, headers: { "Content-Type": "application/xml" } });
  const e = await rejection(as("alice", { fetch }).uploadImage(png(2), { tweetId: "t", contentType: "image/png" }));
  assert.equal(e.status, 403);
  assert.equal(e.source, "s3");
  assert.equal(e.code, "SignatureDoesNotMatch");
  assert.ok(e.message.includes("does not match the signature you provided. Check your key & signing method."), e.message);
  assert.doesNotMatch(e.message, /<|&amp;/);
});

test("whatever a hostile or broken API or S3 answers, the failure is a PresignerError", async () => {
  const answering = (api, s3) => async (url) => url.includes("/api/")
    ? new Response(api.body, { status: api.status ?? 200 })
    : new Response(s3, { status: 403 });
  const cases = [
    // S3's message with a character reference past Unicode's last code point.
    ["an XML reference no character has", answering({ body: JSON.stringify({ presignedUrl: "http://s3.invalid/b/k", headers: {}, expiresAt: "x" }) },
      "<Error><Code>AccessDenied</Code><Message>a &#99999999; b &#x110000;</Message></Error>"), (c) => c.uploadImage(png(1), { tweetId: "t", contentType: "image/png" }), "s3"],
    ["a 200 that is not JSON", answering({ body: "<html>proxy</html>" }), (c) => c.downloadUrl({ tweetId: "t" }), "api"],
    ["a 200 without presignedUrl", answering({ body: "{}" }), (c) => c.downloadUrl({ tweetId: "t" }), "api"],
    ["a 200 whose presignedUrl is not a string", answering({ body: '{"presignedUrl": 7}' }), (c) => c.downloadUrl({ tweetId: "t" }), "api"],
    ["a batch answer without presignedUrls", answering({ body: "{}" }), (c) => c.downloadUrls([{ tweetId: "a" }]), "api"],
    ["a batch answer with fewer URLs than images", answering({ body: '{"presignedUrls": ["http://s3.invalid/a"]}' }),
      (c) => c.downloadUrls([{ tweetId: "a" }, { tweetId: "b" }]), "api"],
    ["an upload answer without presignedUrl", answering({ body: '{"headers": {}}' }), (c) => c.uploadImage(png(1), { tweetId: "t", contentType: "image/png" }), "api"],
    ["a form answer without url", answering({ body: '{"fields": {}}' }), (c) => c.uploadImageWithForm(png(1), { tweetId: "t", contentType: "image/png" }), "api"],
    ["a 500 that is not JSON", answering({ status: 500, body: "Internal Server Error" }), (c) => c.downloadUrl({ tweetId: "t" }), "api"],
  ];
  for (const [what, fetch, use, source] of cases) {
    const e = await rejection(use(as("alice", { fetch })));
    assert.ok(e instanceof PresignerError, `${what}: ${e}`);
    assert.equal(e.source, source, what);
  }
});

test("the API's errors carry its status and message", async () => {
  const ask = async (client, route, body, authorization) => {
    const headers = { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) };
    const response = await fetch(`${API}/api/${route}`, { method: "POST", headers, body: JSON.stringify(body) });
    return { status: response.status, message: (await response.json()).message };
  };
  // Signed out: 401.
  let e = await rejection(as(null).downloadUrl({ userId: "alice", tweetId: "t" }));
  let direct = await ask(null, "download_url", { userId: "alice", tweetId: "t" });
  assert.equal(e.status, 401);
  assert.equal(e.source, "api");
  assert.ok(e.message.includes(direct.message), `${e.message} vs ${direct.message}`);
  // A type the API does not sign: 400.
  e = await rejection(as("alice").uploadImage(new Uint8Array([1, 2]), { tweetId: "t", contentType: "text/html" }));
  assert.equal(e.status, 400);
  assert.match(e.message, /contentType/);
  // A bad tweetId in a batch: 400 naming the item.
  e = await rejection(as("alice").downloadUrls([{ userId: "a", tweetId: "ok" }, { userId: "a", tweetId: "no/slash" }]));
  direct = await ask(null, "download_urls", { images: [{ userId: "a", tweetId: "ok" }, { userId: "a", tweetId: "no/slash" }] }, "Bearer local:alice");
  assert.equal(e.status, 400);
  assert.ok(e.message.includes(direct.message) && direct.message.includes("images[1]"), e.message);
  // Nothing listening: a network error, status 0.
  e = await rejection(createClient({ baseUrl: "http://127.0.0.1:9" }).downloadUrl({ tweetId: "t" }));
  assert.equal(e.status, 0);
  assert.equal(e.source, "network");
});

test("more images than the batch limit are asked for in several calls, in order", async () => {
  const n = DEFAULT_MAX_BATCH * 2 + 37;
  const images = [...Array(n)].map((_, i) => ({ userId: ["alice", "bob", "carol"][i % 3], tweetId: `t${n - i}` }));
  const r = recording();
  const urls = await as("carol", { fetch: r.fetch }).downloadUrls(images);
  assert.equal(urls.length, n);
  urls.forEach((url, i) => {
    assert.equal(new URL(url).pathname, `/presigner-local/images/${images[i].userId}/${images[i].tweetId}.png`, `item ${i}`);
  });
  const sizes = r.calls.map((c) => JSON.parse(c.body).images.length);
  assert.deepEqual(sizes, [DEFAULT_MAX_BATCH, DEFAULT_MAX_BATCH, 37]);
  // The API itself refuses one over the limit: the split is what makes it work.
  const e = await rejection(as("carol", { maxBatch: n }).downloadUrls(images));
  assert.equal(e.status, 400);
  // None: no call at all.
  const none = recording();
  assert.deepEqual(await as("carol", { fetch: none.fetch }).downloadUrls([]), []);
  assert.equal(none.calls.length, 0);
});

test("examples/timeline.mjs, as docs/api.md shows it, runs against the local run", () => {
  const out = execFileSync(process.execPath, [join(packageDir, "examples", "timeline.mjs"), API], { encoding: "utf8" });
  const [alice, bob, again] = out.trim().split("\n");
  assert.match(alice, /^alice: hello from alice: 200, \d+ bytes$/);
  assert.match(bob, /^bob: hello from bob: 200, \d+ bytes$/);
  assert.equal(again, "again: 412 PreconditionFailed");
});

test("npm pack makes the package a user installs: the module, its types and package.json", () => {
  const [pack] = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json"], { cwd: packageDir, encoding: "utf8" }));
  assert.equal(pack.name, "@presigner/client");
  assert.deepEqual(pack.files.map((f) => f.path).sort(), ["README.md", "package.json", "src/index.d.ts", "src/index.js"]);
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
  assert.equal(manifest.type, "module");
  assert.equal(manifest.dependencies, undefined, "no runtime dependencies");
  assert.equal(manifest.exports["."].default, "./src/index.js");
  assert.equal(manifest.exports["."].types, "./src/index.d.ts");
});

test("the packed tarball installs into a new project and imports by its name", () => {
  const project = mkdtempSync(join(tmpdir(), "presigner-client-install-"));
  try {
    const [pack] = JSON.parse(execFileSync("npm", ["pack", "--json", "--pack-destination", project], { cwd: packageDir, encoding: "utf8" }));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--silent", `./${pack.filename}`], { cwd: project });
    writeFileSync(join(project, "main.js"), [
      'import { createClient, PresignerError, CONTENT_TYPES } from "@presigner/client";',
      'const client = createClient({ baseUrl: "http://127.0.0.1:1" });',
      'console.log(Object.keys(client).sort().join(","), typeof PresignerError, CONTENT_TYPES.length);',
    ].join("\n"));
    const out = execFileSync(process.execPath, ["main.js"], { cwd: project, encoding: "utf8" }).trim();
    assert.equal(out, "downloadUrl,downloadUrls,uploadImage,uploadImageWithForm,waitForImage function 4");
    assert.ok(existsSync(join(project, "node_modules", "@presigner", "client", "src", "index.d.ts")));
  } finally {
    rmSync(project, { recursive: true, force: true });
  }
});
