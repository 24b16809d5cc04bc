// @presigner/client: the presigner API from a browser or Node 18+, with no dependencies.
//
//   const client = createClient({ baseUrl: "http://127.0.0.1:3000", getToken: () => token });
//   const { tweetId, statusUrl } = await client.uploadImage(file, { tweetId: "t1" });
//   await client.waitForImage(statusUrl);   // the image pipeline's verdict: ready, or refused
//   await client.uploadImageWithForm(file, { tweetId: "t2" });   // a signed POST form
//   img.src = await client.downloadUrl({ userId, tweetId }, { size: "display" });
//   const urls = await client.downloadUrls(posts, { size: "thumb" });   // any number, in order
//   urls.statusUrls   // each image's status URL, in the same order
//
// Every failure is a PresignerError carrying the HTTP status and the API's, S3's or the
// pipeline's message.
// The contract it follows: openapi.yaml at the repository's root.

/** The most images one `download_urls` call takes by default (the API's `MAX_BATCH_IMAGES`). */
export const DEFAULT_MAX_BATCH = 100;

/** The image types the API signs uploads for. */
export const CONTENT_TYPES = Object.freeze(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** The sizes the image pipeline publishes, as a download's `size` names them. */
export const SIZES = Object.freeze(["display", "thumb"]);

/** How long `waitForImage` waits by default, in milliseconds. */
export const DEFAULT_WAIT_MS = 60000;

/**
 * A refused or failed call. `status` is the HTTP status (0 when nothing answered), `source`
 * says who refused (`"api"`, `"s3"`, `"network"`, or `"pipeline"` for an image the pipeline
 * refused or did not decide on in time), `code` is S3's error code (`SignatureDoesNotMatch`,
 * `PreconditionFailed`, ...) when S3 gave one, or the pipeline's reason (`type_mismatch`,
 * `too_many_pixels`, ..., `timeout`), and `message` holds the API's, S3's or the pipeline's
 * own message, never raw XML.
 */
export class PresignerError extends Error {
  constructor(message, { status, source, code, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "PresignerError";
    this.status = status ?? 0;
    this.source = source ?? "api";
    this.code = code;
  }
}

const XML_ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function xmlText(xml, tag) {
  const match = new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml);
  if (!match) return undefined;
  return match[1].replace(/&(amp|lt|gt|quot|apos|#(\d+)|#x([0-9a-fA-F]+));/g, (entity, name, dec, hex) => {
    if (!dec && !hex) return XML_ENTITIES[name];
    const code = dec ? Number(dec) : parseInt(hex, 16);
    // A reference to no character (past U+10FFFF) stays as written.
    return code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });
}

/** `answer[field]` when it is of `type` (`"string"` or `"array"`), else a PresignerError. */
function field(route, status, answer, name, type) {
  const value = answer[name];
  if (type === "array" ? Array.isArray(value) : typeof value === type) return value;
  throw new PresignerError(`${route}: the API answered ${status} without ${name} (${type})`, { status });
}

/** S3's `<Error><Code>..</Code><Message>..</Message></Error>` as a PresignerError. */
async function s3Error(response, what) {
  const text = await response.text().catch(() => "");
  const code = xmlText(text, "Code");
  const said = xmlText(text, "Message");
  const status = response.status;
  let message;
  if (status === 412) {
    message = `${what}: S3 answered 412 (${code || "PreconditionFailed"}): an image is already stored under this tweetId, ` +
      "and an upload URL writes once. Post the image under a new tweetId.";
  } else if (status === 403 && what === "upload") {
    message = `${what}: S3 refused it with 403 (${code || "AccessDenied"}): ${said || "S3 gave no message"}. ` +
      "The PUT must send every header the API listed, unchanged, with the bytes it was signed for, before expiresAt.";
  } else {
    message = `${what}: S3 answered ${status}${code ? ` (${code})` : ""}: ${said || response.statusText || "S3 gave no message"}`;
  }
  if (said && !message.includes(said)) message += ` S3 said: ${said}`;
  return new PresignerError(message, { status, source: "s3", code });
}

// Web Crypto: global in browsers and Node 19+; Node 18 has it as `webcrypto` of node:crypto
// (named through a variable, so that bundlers for the browser leave it alone).
async function subtleCrypto() {
  if (globalThis.crypto?.subtle) return globalThis.crypto.subtle;
  const nodeCrypto = "node:crypto";
  return (await import(nodeCrypto)).webcrypto.subtle;
}

function bytesToBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The `size` option checked here, so a typo fails before a call: `undefined`, or one of SIZES. */
function sizeOption(size, what) {
  if (size === undefined || SIZES.includes(size)) return size;
  throw new TypeError(`${what}: size must be "display" or "thumb"`);
}

function sleep(ms, signal) {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", done);
      resolve();
    }, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

/**
 * Waits for the image pipeline's verdict on one image: polls `statusUrl` (an upload's or a
 * download's `statusUrl`) with backoff, 250 ms doubling to 4 s. Resolves the status object
 * when it says `ready` (`{state: "ready", variants: {display, thumb}}`, each `{type, width,
 * height, bytes}`); rejects with a PresignerError of source `"pipeline"` whose `code` is the
 * reason when the image was refused, or `"timeout"` after `timeoutMs` (default 60 s); with
 * `signal`'s reason when it aborts. Until the processor decides, S3 answers 404 (or 403
 * `AccessDenied` where the reader may not list the bucket), and the wait goes on.
 */
export async function waitForImage(statusUrl, { signal, timeoutMs = DEFAULT_WAIT_MS, fetch: fetchImpl } = {}) {
  if (typeof statusUrl !== "string" || !/^https?:\/\//.test(statusUrl)) {
    throw new TypeError("waitForImage takes a statusUrl, as an upload or a download answered it (IMAGE_PIPELINE=on)");
  }
  if (!(timeoutMs >= 0)) throw new TypeError("timeoutMs must be a number of milliseconds");
  const send = fetchImpl ?? ((...args) => globalThis.fetch(...args));
  const deadline = Date.now() + timeoutMs;
  let delay = 250;
  let last = "no answer yet";
  for (;;) {
    signal?.throwIfAborted();
    let response;
    try {
      response = await send(statusUrl, { method: "GET", signal });
    } catch (cause) {
      signal?.throwIfAborted();
      last = `the status URL did not answer (${cause.message})`;
    }
    if (response?.ok) {
      const status = await response.json().catch(() => null);
      if (status?.state === "ready") return status;
      if (status?.state === "refused") {
        const message = typeof status.message === "string" ? status.message : "the image was refused";
        throw new PresignerError(`the image pipeline refused the image: ${message}`, {
          status: response.status, source: "pipeline", code: String(status.reason ?? "refused"),
        });
      }
      throw new PresignerError("the status URL answered something that is not an image status", {
        status: response.status, source: "pipeline", code: "bad_status",
      });
    }
    if (response) {
      // Not decided yet: S3's 404, or its 403 AccessDenied for a missing key when the reader
      // may not list the bucket. Anything else (an expired or wrongly signed URL) ends the wait.
      const error = response.status === 404 ? null : await s3Error(response, "status");
      if (error && !(response.status === 403 && error.code === "AccessDenied" && !/expired/i.test(error.message))) {
        throw error;
      }
      last = `S3 answered ${response.status}`;
    }
    const left = deadline - Date.now();
    if (left <= 0) {
      throw new PresignerError(`the image pipeline did not decide on the image within ${timeoutMs} ms (${last})`, {
        source: "pipeline", code: "timeout",
      });
    }
    await sleep(Math.min(delay, left), signal);
    delay = Math.min(delay * 2, 4000);
  }
}

async function toBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data && typeof data.arrayBuffer === "function") return new Uint8Array(await data.arrayBuffer());
  throw new TypeError("uploadImage takes a Blob, a File, an ArrayBuffer or a Uint8Array");
}

/**
 * A client for the API at `baseUrl`. `getToken()` (may be async) gives the bearer token of
 * the signed-in user, or null for none. `fetch` defaults to the global one; `maxBatch` to the
 * API's default `MAX_BATCH_IMAGES`.
 */
export function createClient({ baseUrl, getToken, fetch: fetchImpl, maxBatch = DEFAULT_MAX_BATCH } = {}) {
  if (typeof baseUrl !== "string" || !/^https?:\/\//.test(baseUrl)) {
    throw new TypeError("createClient needs baseUrl, the API's http(s) URL");
  }
  if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new TypeError("maxBatch must be a positive integer");
  const base = baseUrl.replace(/\/+$/, "");
  const send = fetchImpl ?? ((...args) => globalThis.fetch(...args));

  async function call(route, body) {
    const headers = { "Content-Type": "application/json" };
    const token = getToken ? await getToken() : null;
    if (token) headers.Authorization = `Bearer ${token}`;
    let response;
    try {
      response = await send(`${base}/api/${route}`, { method: "POST", headers, body: JSON.stringify(body) });
    } catch (cause) {
      throw new PresignerError(`${route}: the API at ${base} did not answer (${cause.message})`, { source: "network", cause });
    }
    const answer = await response.json().catch(() => null);
    if (!response.ok) {
      const said = answer && typeof answer.message === "string" ? answer.message : response.statusText;
      throw new PresignerError(`${route}: ${response.status}: ${said}`, { status: response.status, source: "api" });
    }
    if (!answer || typeof answer !== "object") {
      throw new PresignerError(`${route}: the API answered ${response.status} without a JSON body`, { status: response.status });
    }
    return { answer, status: response.status };
  }

  /**
   * Uploads one image into the signed-in user's folder under `tweetId`, bound to its type, size
   * and SHA-256: S3 stores exactly these bytes or nothing, and only once per tweetId.
   */
  async function uploadImage(data, { tweetId, contentType } = {}) {
    // The type given, or a Blob's own; the API says what is wrong with it (400).
    const type = contentType || (data && typeof data.type === "string" && data.type) || undefined;
    const bytes = await toBytes(data);
    const digest = await (await subtleCrypto()).digest("SHA-256", bytes);
    const contentSha256 = bytesToBase64(new Uint8Array(digest));
    const { answer: up, status } = await call("upload_url", { tweetId, contentType: type, contentLength: bytes.byteLength, contentSha256 });
    const url = field("upload_url", status, up, "presignedUrl", "string");
    // Every signed header as listed, but Content-Length, which fetch sets from the body.
    const headers = {};
    for (const [name, value] of Object.entries(up.headers || {})) {
      if (name.toLowerCase() !== "content-length") headers[name] = value;
    }
    let response;
    try {
      response = await send(url, { method: "PUT", headers, body: bytes });
    } catch (cause) {
      throw new PresignerError(`upload: S3 did not answer the PUT (${cause.message}); is its CORS open to this page's origin?`, { source: "network", cause });
    }
    if (!response.ok) throw await s3Error(response, "upload");
    return { tweetId, contentType: type, size: bytes.byteLength, expiresAt: up.expiresAt, statusUrl: up.statusUrl };
  }

  /**
   * Uploads one image with a signed browser form (`upload_form`): for when the size is not
   * known up front. The form pins the key and the type; it does not write once.
   */
  async function uploadImageWithForm(data, { tweetId, contentType } = {}) {
    const type = contentType || (data && typeof data.type === "string" && data.type) || undefined;
    const blob = data instanceof Blob ? data : new Blob([await toBytes(data)], { type });
    const { answer: form, status } = await call("upload_form", { tweetId, contentType: type });
    const url = field("upload_form", status, form, "url", "string");
    const body = new FormData();
    for (const [name, value] of Object.entries(form.fields || {})) body.append(name, value);
    body.append("file", blob); // the file comes last
    let response;
    try {
      response = await send(url, { method: "POST", body });
    } catch (cause) {
      throw new PresignerError(`upload: S3 did not answer the form (${cause.message}); is its CORS open to this page's origin?`, { source: "network", cause });
    }
    if (!response.ok) throw await s3Error(response, "upload");
    return { tweetId, contentType: type, size: blob.size, expiresAt: form.expiresAt, statusUrl: form.statusUrl };
  }

  /**
   * The download URL of one image: `userId` is its author (left out: the caller's own), `size`
   * the pipeline's variant (`"display"`, the default, or `"thumb"`). With `withStatus: true`,
   * `{url, statusUrl, expiresAt}` instead of the URL alone (`statusUrl` under the pipeline).
   */
  async function downloadUrl({ userId, tweetId } = {}, { size, withStatus = false } = {}) {
    const body = userId === undefined ? { tweetId } : { userId, tweetId };
    if (sizeOption(size, "downloadUrl") !== undefined) body.size = size;
    const { answer, status } = await call("download_url", body);
    const url = field("download_url", status, answer, "presignedUrl", "string");
    return withStatus ? { url, statusUrl: answer.statusUrl, expiresAt: answer.expiresAt } : url;
  }

  /**
   * The download URLs of `images` ([{userId, tweetId}]) in `size` (the pipeline's variant), in
   * the same order, however many: more than `maxBatch` are asked for in several calls, at once.
   * The array also carries `statusUrls`, each image's status URL in the same order (under the
   * pipeline; `undefined` with IMAGE_PIPELINE=off).
   */
  async function downloadUrls(images, { size } = {}) {
    if (!Array.isArray(images)) throw new TypeError("downloadUrls takes an array of {userId, tweetId}");
    sizeOption(size, "downloadUrls");
    const chunks = [];
    for (let i = 0; i < images.length; i += maxBatch) {
      const items = images.slice(i, i + maxBatch).map(({ userId, tweetId }) =>
        userId === undefined ? { tweetId } : { userId, tweetId });
      const body = size === undefined ? { images: items } : { images: items, size };
      chunks.push(call("download_urls", body).then(({ answer, status }) => {
        const urls = field("download_urls", status, answer, "presignedUrls", "array");
        const statusUrls = Array.isArray(answer.statusUrls) ? answer.statusUrls : undefined;
        for (const [name, list] of [["URLs", urls], ["status URLs", statusUrls ?? urls]]) {
          if (list.length !== items.length) {
            throw new PresignerError(`download_urls: the API answered ${list.length} ${name} for ${items.length} images`, { status });
          }
        }
        return { urls, statusUrls };
      }));
    }
    const answers = await Promise.all(chunks);
    const urls = answers.flatMap((a) => a.urls);
    const statusUrls = answers.length > 0 && answers.every((a) => a.statusUrls)
      ? answers.flatMap((a) => a.statusUrls)
      : undefined;
    // Not enumerable: the array still compares, spreads and serialises as the URLs alone.
    Object.defineProperty(urls, "statusUrls", { value: statusUrls, enumerable: false });
    return urls;
  }

  /** [waitForImage] through this client's fetch. */
  function waitForImageHere(statusUrl, options = {}) {
    return waitForImage(statusUrl, { fetch: send, ...options });
  }

  return { uploadImage, uploadImageWithForm, downloadUrl, downloadUrls, waitForImage: waitForImageHere };
}
