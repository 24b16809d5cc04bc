// Runs the docs' shell and JavaScript snippets as written against a fresh presigner-local.
// scripts/doc-snippets builds the dev server and calls this; see docs/testing.md, "Docs that run".
//
//   node scripts/doc-snippets.mjs PRESIGNER_LOCAL_BINARY FILE.md...
//
// Every fenced block tagged sh/bash/shell runs in bash (-e -u -o pipefail) and every block
// tagged js/javascript in Node as an ES module, in file order, in one scratch folder shared
// by all blocks (so api.md's snippets find the README walk-through's cat.png). A block the
// runner cannot run here is marked on the line just before its fence:
//   <!-- doc-snippet: skip: why (such as: needs an AWS account) -->
// A block that must run in the clone (a cargo command, as a reader runs it there) is marked
//   <!-- doc-snippet: in-repo -->
// A marker without a reason, a block that fails, or a file with no block run fails the run.
//
// The JavaScript snippets get what a page would have: `api` (the API's base URL), `auth`
// (alice's sign-in headers), `file` (a PNG File), `tweetId` (a fresh id) and `posts` (one
// image alice posted, each with an `img` whose `src` a snippet may set; under the image
// pipeline, ready before the snippet runs). Every fetch must be answered 2xx, and every
// `img.src` set must load the posted bytes, or under the pipeline the variant the status
// object describes (its type and byte count).
//
// The API listens on 127.0.0.1:3000 as the docs say; when that port is taken, on a free one,
// and `127.0.0.1:3000` in the snippets is replaced by it (said in the output).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, mkdirSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const [binary, ...files] = process.argv.slice(2);
if (!binary || files.length === 0) {
  console.error("usage: node scripts/doc-snippets.mjs PRESIGNER_LOCAL_BINARY FILE.md...");
  process.exit(2);
}
const repo = resolve(new URL("..", import.meta.url).pathname);
const PNG_BASE64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4z8AAAAMBAQAY3Y2wAAAAAElFTkSuQmCC";
const RUNS = { sh: "sh", bash: "sh", shell: "sh", js: "js", javascript: "js" };
const SKIP = /^<!--\s*doc-snippet:\s*skip(?::\s*(.*?))?\s*-->$/;
const IN_REPO = /^<!--\s*doc-snippet:\s*in-repo\s*-->$/;

/** The fenced blocks of a Markdown file: language, first line number, text, skip reason. */
function blocks(path) {
  const lines = readFileSync(path, "utf8").split("\n");
  const found = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(/^```\s*([A-Za-z]*)/);
    if (!open) continue;
    const start = i;
    const body = [];
    for (i++; i < lines.length && !lines[i].startsWith("```"); i++) body.push(lines[i]);
    let j = start - 1;
    while (j >= 0 && lines[j].trim() === "") j--;
    const before = j >= 0 ? lines[j].trim() : "";
    const marker = before.match(SKIP);
    found.push({
      lang: open[1].toLowerCase(), line: start + 1, text: body.join("\n") + "\n",
      skip: marker ? (marker[1] || "") : null, inRepo: IN_REPO.test(before),
    });
  }
  return found;
}

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer().once("error", fail).listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

function portFree(port) {
  return new Promise((ok) => {
    const s = createServer().once("error", () => ok(false)).listen(port, "127.0.0.1", () => s.close(() => ok(true)));
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const scratch = mkdtempSync(join(tmpdir(), "doc-snippets-"));
let server;
function cleanUp() {
  if (server && server.exitCode === null) server.kill("SIGTERM");
  rmSync(scratch, { recursive: true, force: true });
}
process.on("exit", cleanUp);
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

const apiPort = (await portFree(3000)) ? 3000 : await freePort();
const s3Port = await freePort();
const api = `http://127.0.0.1:${apiPort}`;
const work = join(scratch, "work");
mkdirSync(work);
let serverLog = "";
server = spawn(binary, ["--api-port", String(apiPort), "--s3-port", String(s3Port), "--data-dir", join(scratch, "s3")], {
  stdio: ["ignore", "pipe", "pipe"],
});
server.stdout.on("data", (d) => (serverLog += d));
server.stderr.on("data", (d) => (serverLog += d));
for (let tries = 0; ; tries++) {
  if (server.exitCode !== null) {
    console.error(`presigner-local exited (${server.exitCode}):\n${serverLog}`);
    process.exit(1);
  }
  try {
    if ((await fetch(`${api}/`, { signal: AbortSignal.timeout(2000) })).ok) break;
  } catch {}
  if (tries > 200) {
    console.error(`presigner-local did not answer on ${api}:\n${serverLog}`);
    process.exit(1);
  }
  await sleep(50);
}
if (apiPort !== 3000) console.log(`note: 127.0.0.1:3000 is taken; the API is on ${api} and the snippets say so`);
const localize = (text) => (apiPort === 3000 ? text : text.replaceAll("127.0.0.1:3000", `127.0.0.1:${apiPort}`));

// A module import of the JS client (`@presigner/client`) resolves to clients/js, when it exists.
if (existsSync(join(repo, "clients/js/package.json"))) {
  mkdirSync(join(work, "node_modules/@presigner"), { recursive: true });
  symlinkSync(join(repo, "clients/js"), join(work, "node_modules/@presigner/client"));
}

const prelude = `
const api = ${JSON.stringify(api)};
const auth = {Authorization: "Bearer local:alice"};
const __docPng = Buffer.from(${JSON.stringify(PNG_BASE64)}, "base64");
const file = new File([__docPng], "cat.png", {type: "image/png"});
const tweetId = "doc-" + process.pid + "-" + Date.now();
const __docFetch = globalThis.fetch;
const __docStarted = Date.now();
let __docCalls = 0;
globalThis.fetch = async (url, init) => {
  const response = await __docFetch(url, init);
  __docCalls++;
  if (!response.ok) {
    throw new Error((init?.method ?? "GET") + " " + String(url).split("?")[0] + " answered " + response.status + ": " + await response.text());
  }
  return response;
};
// One image alice posted (with a plain PUT), for the snippets that show a timeline.
const posts = await (async () => {
  const posted = "doc-post-" + process.pid + "-" + Date.now();
  const r = await __docFetch(api + "/api/upload_url", {method: "POST", headers: auth,
    body: JSON.stringify({tweetId: posted, contentType: "image/png", contentLength: __docPng.length})});
  const up = await r.json();
  if (!r.ok) throw new Error("preparing posts: " + JSON.stringify(up));
  const {"Content-Length": _, ...headers} = up.headers;
  const put = await __docFetch(up.presignedUrl, {method: "PUT", headers, body: __docPng});
  if (!put.ok) throw new Error("preparing posts: PUT " + put.status);
  // Under the image pipeline, wait (up to 30 s) for the processor's verdict.
  let status = null;
  for (let wait = 250; up.statusUrl && !status; wait = Math.min(wait * 2, 4000)) {
    const r = await __docFetch(up.statusUrl);
    if (r.ok) status = await r.json();
    else if (Date.now() - __docStarted > 30000) throw new Error("preparing posts: no status after 30 s: " + r.status);
    else await new Promise((resolve) => setTimeout(resolve, wait));
  }
  if (status && status.state !== "ready") throw new Error("preparing posts: " + JSON.stringify(status));
  return [{userId: "alice", tweetId: posted, img: {}, status}];
})();
// ---- the snippet ----
`;
const postlude = `
// ---- after the snippet ----
if (__docCalls === 0) throw new Error("the snippet made no request");
for (const p of posts) {
  if (p.img.src === undefined) continue;
  const r = await __docFetch(p.img.src);
  const bytes = Buffer.from(await r.arrayBuffer());
  // The posted bytes; under the pipeline, one of the variants its status object describes.
  const variant = Object.values(p.status?.variants ?? {})
    .some((v) => v.bytes === bytes.length && r.headers.get("content-type") === v.type);
  if (!r.ok || !(p.status ? variant : bytes.equals(__docPng))) {
    throw new Error("img.src for " + p.tweetId + " answered " + r.status + " with " + bytes.length + " bytes");
  }
}
`;

let failed = 0;
let n = 0;
for (const path of files) {
  let ran = 0;
  for (const block of blocks(path)) {
    const kind = RUNS[block.lang];
    if (!kind) continue;
    const where = `${path}:${block.line}`;
    if (block.skip !== null) {
      if (block.skip === "") {
        console.log(`FAIL ${where}: a skip marker must say why (<!-- doc-snippet: skip: why -->)`);
        failed++;
      } else {
        console.log(`skip ${where} (${block.lang}): ${block.skip}`);
      }
      continue;
    }
    n++;
    ran++;
    const text = localize(block.text);
    let result;
    if (kind === "sh") {
      const cwd = block.inRepo ? repo : work;
      result = spawnSync("bash", ["-euo", "pipefail", "-c", text], { cwd, encoding: "utf8", timeout: 300_000 });
    } else {
      const module = join(work, `snippet-${n}.mjs`);
      writeFileSync(module, prelude + text + postlude);
      result = spawnSync(process.execPath, [module], { cwd: work, encoding: "utf8", timeout: 120_000 });
    }
    if (result.status === 0) {
      console.log(`ok   ${where} (${block.lang})`);
    } else {
      failed++;
      console.log(`FAIL ${where} (${block.lang}): exit ${result.status ?? result.signal}`);
      console.log(text.replace(/^/gm, "  | "));
      console.log((result.stdout + result.stderr).trim().replace(/^/gm, "  > "));
    }
  }
  if (ran === 0) {
    console.log(`FAIL ${path}: no snippet ran`);
    failed++;
  }
}
if (failed > 0) {
  console.log(`\n${failed} failed; the dev server's log:\n${serverLog}`);
  process.exit(1);
}
console.log(`doc snippets: ${n} ran, all passed`);
process.exit(0); // the server's pipes would keep Node waiting
