// A front end of one's own on another local port, in real headless Chromium: a page served by
// a Node server on a free port of `localhost` (another origin than the dev server's
// 127.0.0.1:API_PORT, as a Vite or Next dev server is) imports `@presigner/client` as a module
// from the dev server (a cross-origin module import), signs in, uploads with a PUT and with a
// POST form through the client, waits for the image pipeline's verdict on each (their status
// URLs) and loads the timeline's thumbnails through its `downloadUrls`,
// with no proxy. Each step must succeed and be readable by the page (no "Failed to fetch": the
// form's 204 included). Then the same
// page served from `http://evil.test:PORT` (Chromium maps the name to 127.0.0.1, so the origin
// is not a loopback one) cannot call the API at all: the dev server answers only loopback
// origins and --cors-origin ones.
//
// Usage: node other-origin.mjs API_URL   (scripts/browser-test runs it against presigner-local)

import { chromium } from "playwright-core";
import { createServer } from "node:http";

const [apiUrl] = process.argv.slice(2);
if (!apiUrl) {
  console.error("usage: node other-origin.mjs API_URL");
  process.exit(2);
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>my timeline</title><img id="shown">`;
const site = createServer((req, res) => {
  res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
  res.end(PAGE);
});
await new Promise((ok) => site.listen(0, "127.0.0.1", ok));
const port = site.address().port;

// What the front end does, run in the page: every answer read, every failure reported.
async function frontEnd(api) {
  const auth = { Authorization: "Bearer local:dana", "Content-Type": "application/json" };
  const png = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4z8AAAAMBAQAY3Y2wAAAAAElFTkSuQmCC"), (c) => c.charCodeAt(0));
  const file = new File([png], "cat.png", { type: "image/png" });
  const tweetId = "other-origin-" + Date.now();
  const out = { steps: [] };
  const step = async (name, run) => {
    try {
      out.steps.push([name, await run()]);
    } catch (e) {
      out.steps.push([name, "threw: " + e.message]);
    }
  };
  // The client, imported from the dev server as a front end's page would import it.
  const { createClient } = await import(api + "/client/index.js");
  const client = createClient({ baseUrl: api, getToken: () => auth.Authorization.slice("Bearer ".length) });
  // Each upload is ready once the image pipeline says so (its status URL, read cross-origin).
  await step("put", async () => {
    const done = await client.uploadImage(file, { tweetId });
    const ready = await client.waitForImage(done.statusUrl);
    return done.size === file.size && ready.state === "ready" ? 200 : "stored " + done.size + " bytes, " + ready.state;
  });
  await step("form", async () => {
    const done = await client.uploadImageWithForm(file, { tweetId: tweetId + "-form" });
    const ready = await client.waitForImage(done.statusUrl);
    return done.size === file.size && ready.state === "ready" ? 204 : "stored " + done.size + " bytes, " + ready.state;
  });
  await step("timeline", async () => {
    const presignedUrls = await client.downloadUrls([{ userId: "dana", tweetId }, { userId: "dana", tweetId: tweetId + "-form" }], { size: "thumb" });
    const fetched = await Promise.all(presignedUrls.map(async (u) => {
      const r = await fetch(u);
      return r.status + ":" + (await r.arrayBuffer()).byteLength;
    }));
    const img = document.getElementById("shown");
    await new Promise((ok, fail) => { img.onload = ok; img.onerror = () => fail(new Error("img failed")); img.src = presignedUrls[0]; });
    return fetched.join(" ") + " img:" + img.naturalWidth + "x" + img.naturalHeight;
  });
  return out;
}

let failed = 0;
const check = (what, ok, detail) => {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}: ${detail}`);
  if (!ok) failed++;
};

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP evil.test 127.0.0.1"],
});
try {
  const page = await (await browser.newContext()).newPage();
  const origin = `http://localhost:${port}`;
  await page.goto(origin + "/");
  const { steps } = await page.evaluate(frontEnd, apiUrl);
  const got = Object.fromEntries(steps);
  check(`a page on ${origin}: the client's PUT is stored, its answer readable, and the pipeline's verdict`, got.put === 200, String(got.put));
  check(`a page on ${origin}: the client's form is stored, its 204 readable, and the pipeline's verdict`, got.form === 204, String(got.form));
  check(`a page on ${origin}: the timeline's thumbnails load through the client's downloadUrls`, /^200:\d+ 200:\d+ img:1x1$/.test(got.timeline), String(got.timeline));

  const evil = await (await browser.newContext()).newPage();
  await evil.goto(`http://evil.test:${port}/`);
  const refused = await evil.evaluate(async (api) => {
    try {
      const r = await fetch(api + "/api/upload_url", { method: "POST",
        headers: { Authorization: "Bearer local:dana", "Content-Type": "application/json" },
        body: JSON.stringify({ tweetId: "evil", contentType: "image/png", contentLength: 69 }) });
      return "answered " + r.status;
    } catch (e) {
      return "refused: " + e.message;
    }
  }, apiUrl);
  check("a page on http://evil.test cannot call the API", refused.startsWith("refused"), refused);
} finally {
  await browser.close();
  site.close();
}
console.log(`${failed === 0 ? "all passed" : failed + " failed"} (a front end on another origin)`);
process.exit(failed === 0 ? 0 : 1);
