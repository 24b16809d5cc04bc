// @presigner/client and the image pipeline: waitForImage against a small status server that
// plays S3 (404 until decided, then the status object), and the pipeline's answers and round
// trips (upload, wait, read a variant; a refusal) through a presigner-local started with
// IMAGE_PIPELINE=on, whose S3 runs the processor (test/run sets PRESIGNER_PIPELINE_API_URL).

import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { createClient, waitForImage, PresignerError, SIZES, DEFAULT_WAIT_MS } from "../src/index.js";
import { png } from "./png.js";
import { rejection } from "./rejection.js";

const API = process.env.PRESIGNER_API_URL;
const PIPELINE_API = process.env.PRESIGNER_PIPELINE_API_URL;
const PIPELINE_DATA = process.env.PRESIGNER_PIPELINE_DATA_DIR;
if (!API || !PIPELINE_API || !PIPELINE_DATA) {
  throw new Error("run through clients/js/test/run (PRESIGNER_API_URL, PRESIGNER_PIPELINE_API_URL, PRESIGNER_PIPELINE_DATA_DIR)");
}
const as = (user, base = PIPELINE_API) => createClient({ baseUrl: base, getToken: () => `local:${user}` });
const unique = (name) => `${name}-${process.pid}-${Date.now()}`;

const READY = {
  state: "ready",
  variants: {
    display: { type: "image/jpeg", width: 2048, height: 1536, bytes: 412345 },
    thumb: { type: "image/jpeg", width: 400, height: 300, bytes: 23456 },
  },
};
const REFUSED = { state: "refused", reason: "too_many_pixels", message: "the image has 2500000000 pixels, over the limit of 33177600" };

/**
 * A status server on a free loopback port: the n-th GET gets `answers[n]` (the last one
 * repeats), each `[status, body, contentType?]`. Records when each request came.
 */
async function statusServer(answers) {
  const times = [];
  const server = createServer((req, res) => {
    const [status, body, type] = answers[Math.min(times.length, answers.length - 1)];
    times.push(Date.now());
    res.writeHead(status, { "Content-Type": type ?? (typeof body === "string" ? "application/xml" : "application/json") });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${server.address().port}/presigner-local/images/alice/t/status.json?X-Amz-Signature=0`;
  return { url, times, close: () => new Promise((resolve) => server.close(resolve)) };
}

const NO_SUCH_KEY = "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>";
const DENIED = "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";

test("waitForImage polls through 404s with a doubling backoff and resolves the ready status", async () => {
  const s = await statusServer([[404, NO_SUCH_KEY], [404, NO_SUCH_KEY], [404, NO_SUCH_KEY], [200, READY]]);
  try {
    const status = await waitForImage(s.url);
    assert.deepEqual(status, READY);
    assert.equal(s.times.length, 4);
    // Never sooner than the backoff (250 ms, then 500, then 1000): a timer fires late, not early.
    [250, 500, 1000].forEach((wait, i) => {
      const gap = s.times[i + 1] - s.times[i];
      assert.ok(gap >= wait - 5, `poll ${i + 1} came ${gap} ms after the one before, under ${wait}`);
    });
  } finally {
    await s.close();
  }
});

test("a refused image rejects with source pipeline, the reason as code, and the message", async () => {
  const s = await statusServer([[404, NO_SUCH_KEY], [200, REFUSED]]);
  try {
    const e = await rejection(as("alice").waitForImage(s.url));
    assert.ok(e instanceof PresignerError, String(e));
    assert.equal(e.source, "pipeline");
    assert.equal(e.code, "too_many_pixels");
    assert.equal(e.status, 200);
    assert.ok(e.message.includes(REFUSED.message), e.message);
  } finally {
    await s.close();
  }
});

test("no verdict in time rejects with code timeout, and an abort with the signal's reason", async () => {
  const s = await statusServer([[404, NO_SUCH_KEY]]);
  try {
    const e = await rejection(waitForImage(s.url, { timeoutMs: 600 }));
    assert.ok(e instanceof PresignerError, String(e));
    assert.equal(e.source, "pipeline");
    assert.equal(e.code, "timeout");
    assert.match(e.message, /within 600 ms \(S3 answered 404\)/);
    assert.ok(s.times.length >= 1);

    const controller = new AbortController();
    const waiting = waitForImage(s.url, { signal: controller.signal });
    setTimeout(() => controller.abort(new Error("the user left the page")), 50);
    const aborted = await rejection(waiting);
    assert.equal(aborted.message, "the user left the page");
    assert.equal(DEFAULT_WAIT_MS, 60000);
  } finally {
    await s.close();
  }
});

test("S3's 403 AccessDenied for a missing key is waited through; any other refusal ends the wait", async () => {
  let s = await statusServer([[403, DENIED], [200, READY]]);
  try {
    assert.deepEqual(await waitForImage(s.url), READY);
  } finally {
    await s.close();
  }
  for (const [status, body, code] of [
    [403, "<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>", "SignatureDoesNotMatch"],
    [403, "<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>", "AccessDenied"],
    [500, "<Error><Code>InternalError</Code><Message>oops</Message></Error>", "InternalError"],
  ]) {
    s = await statusServer([[status, body]]);
    try {
      const e = await rejection(waitForImage(s.url));
      assert.ok(e instanceof PresignerError, String(e));
      assert.equal(e.source, "s3");
      assert.equal(e.code, code);
      assert.equal(s.times.length, 1, "no second poll");
    } finally {
      await s.close();
    }
  }
  s = await statusServer([[200, "<html>not a status</html>", "text/html"]]);
  try {
    const e = await rejection(waitForImage(s.url));
    assert.equal(e.source, "pipeline");
    assert.equal(e.code, "bad_status");
  } finally {
    await s.close();
  }
  await assert.rejects(waitForImage(undefined), TypeError);
  await assert.rejects(waitForImage("images/a/t/status.json"), TypeError);
});

test("under the pipeline an upload is stored under uploads/ and answers its statusUrl", async () => {
  const tweetId = unique("pipeline");
  const bytes = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3]);
  const up = await as("alice").uploadImage(bytes, { tweetId, contentType: "image/png" });
  const status = new URL(up.statusUrl);
  assert.equal(status.pathname, `/presigner-local/images/alice/${tweetId}/status.json`);
  const stored = join(PIPELINE_DATA, "presigner-local", "uploads", "alice", tweetId);
  // Stored as uploaded until the dev server's processor takes it (then deleted).
  if (existsSync(stored)) assert.deepEqual(new Uint8Array(readFileSync(stored)), bytes);
  assert.equal(existsSync(join(PIPELINE_DATA, "presigner-local", "images", "alice", `${tweetId}.png`)), false);

  const form = await as("bob").uploadImageWithForm(new Blob([bytes], { type: "image/png" }), { tweetId });
  assert.equal(new URL(form.statusUrl).pathname, `/presigner-local/images/bob/${tweetId}/status.json`);
});

test("downloads name a size, and carry the status URLs in the same order", async () => {
  const client = as("carol");
  const one = await client.downloadUrl({ userId: "alice", tweetId: "t1" }, { size: "thumb" });
  assert.equal(new URL(one).pathname, "/presigner-local/images/alice/t1/thumb");
  assert.equal(new URL(one).searchParams.get("response-content-type"), null, "the variant's own type");
  const display = await client.downloadUrl({ userId: "alice", tweetId: "t1" });
  assert.equal(new URL(display).pathname, "/presigner-local/images/alice/t1/display");
  const detailed = await client.downloadUrl({ userId: "alice", tweetId: "t1" }, { withStatus: true });
  assert.equal(detailed.url, display);
  assert.equal(new URL(detailed.statusUrl).pathname, "/presigner-local/images/alice/t1/status.json");
  assert.match(detailed.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const images = [...Array(130)].map((_, i) => ({ userId: ["alice", "bob"][i % 2], tweetId: `t${i}` }));
  const urls = await client.downloadUrls(images, { size: "thumb" });
  assert.equal(urls.length, 130);
  assert.equal(urls.statusUrls.length, 130);
  images.forEach(({ userId, tweetId }, i) => {
    assert.equal(new URL(urls[i]).pathname, `/presigner-local/images/${userId}/${tweetId}/thumb`);
    assert.equal(new URL(urls.statusUrls[i]).pathname, `/presigner-local/images/${userId}/${tweetId}/status.json`);
  });
  assert.deepEqual([...urls], urls, "still an array of URLs");
  assert.deepEqual(Object.keys(urls).length, 130, "statusUrls is not enumerable");

  assert.deepEqual(SIZES, ["display", "thumb"]);
  await assert.rejects(client.downloadUrl({ tweetId: "t" }, { size: "large" }), TypeError);
  await assert.rejects(client.downloadUrls([{ tweetId: "t" }], { size: "Thumb" }), TypeError);
});

test("with IMAGE_PIPELINE=off there is no statusUrl, and the API refuses a size", async () => {
  const client = as("alice", API);
  const urls = await client.downloadUrls([{ tweetId: "t" }]);
  assert.equal(urls.statusUrls, undefined);
  const up = await client.uploadImage(new Uint8Array([1, 2, 3]), { tweetId: unique("off"), contentType: "image/png" });
  assert.equal(up.statusUrl, undefined);
  const e = await rejection(client.downloadUrl({ tweetId: "t" }, { size: "thumb" }));
  assert.ok(e instanceof PresignerError, String(e));
  assert.equal(e.status, 400);
  assert.equal(e.source, "api");
  assert.match(e.message, /size needs IMAGE_PIPELINE=on/);
});

test("round trip: alice's upload is processed, waited for, and bob reads its thumbnail", async () => {
  const image = png(40);
  const tweetId = unique("roundtrip");
  const up = await as("alice").uploadImage(image, { tweetId, contentType: "image/png" });
  const ready = await as("alice").waitForImage(up.statusUrl, { timeoutMs: 30000 });
  assert.equal(ready.state, "ready");
  assert.deepEqual(Object.keys(ready.variants).sort(), ["display", "thumb"]);
  assert.equal(ready.variants.thumb.width, 1);
  assert.equal(ready.variants.thumb.height, 40);
  // The upload is gone; the variants are what the status says.
  assert.equal(existsSync(join(PIPELINE_DATA, "presigner-local", "uploads", "alice", tweetId)), false);
  const urls = await as("bob").downloadUrls([{ userId: "alice", tweetId }], { size: "thumb" });
  const thumb = await fetch(urls[0]);
  assert.equal(thumb.status, 200);
  assert.equal(thumb.headers.get("content-type"), ready.variants.thumb.type);
  assert.equal((await thumb.arrayBuffer()).byteLength, ready.variants.thumb.bytes);
  // The batch's status URL says the same.
  assert.deepEqual(await waitForImage(urls.statusUrls[0]), ready);
});

test("round trip: bytes that are not the declared image are refused, and the wait says why", async () => {
  const tweetId = unique("refused");
  const notAnImage = new TextEncoder().encode("<html><script>alert(1)</script></html>");
  const up = await as("carol").uploadImage(notAnImage, { tweetId, contentType: "image/png" });
  const e = await rejection(as("carol").waitForImage(up.statusUrl, { timeoutMs: 30000 }));
  assert.ok(e instanceof PresignerError, String(e));
  assert.equal(e.source, "pipeline");
  assert.equal(e.code, "not_an_image");
  assert.match(e.message, /refused/);
  // Nothing was published: the display URL finds no object.
  const url = await as("bob").downloadUrl({ userId: "carol", tweetId });
  assert.ok([403, 404].includes((await fetch(url)).status));
});
