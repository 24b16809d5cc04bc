// Types of @presigner/client (src/index.js). The API's contract: openapi.yaml.

/** The image types the API signs uploads for. */
export type ContentType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

/** The image types the API signs uploads for. */
export declare const CONTENT_TYPES: readonly ContentType[];

/** The most images one `download_urls` call takes by default (the API's `MAX_BATCH_IMAGES`). */
export declare const DEFAULT_MAX_BATCH: number;

/** The sizes the image pipeline publishes: `display` (the default) and the timeline's `thumb`. */
export type Size = "display" | "thumb";

/** The sizes the image pipeline publishes. */
export declare const SIZES: readonly Size[];

/** How long `waitForImage` waits by default, in milliseconds (60000). */
export declare const DEFAULT_WAIT_MS: number;

/**
 * Who refused a call: the API, S3 (or the CDN), nobody answered, or the image pipeline
 * (refused the image, or did not decide in time).
 */
export type ErrorSource = "api" | "s3" | "network" | "pipeline";

/** Every failure of the client: the HTTP status and the API's or S3's message. */
export declare class PresignerError extends Error {
  readonly name: "PresignerError";
  /** The HTTP status; 0 when nothing answered. */
  readonly status: number;
  readonly source: ErrorSource;
  /**
   * S3's error code (`SignatureDoesNotMatch`, `PreconditionFailed`, ...), when S3 gave one;
   * for source `pipeline`, the refusal's reason (`type_mismatch`, `too_many_pixels`, ...) or
   * `timeout`.
   */
  readonly code?: string;
}

/** One variant the pipeline published, as stored. */
export interface ImageVariant {
  type: ContentType;
  width: number;
  height: number;
  bytes: number;
}

/** The status object of an image the pipeline published (what `waitForImage` resolves). */
export interface ImageReady {
  state: "ready";
  variants: { display: ImageVariant; thumb: ImageVariant };
}

export interface WaitOptions {
  /** Stops the wait: it rejects with the signal's reason. */
  signal?: AbortSignal;
  /** How long to wait for a verdict before rejecting with code `timeout`; 60000 by default. */
  timeoutMs?: number;
}

export interface DownloadOptions {
  /** The pipeline's variant: `display` (the default) or `thumb`. Only with IMAGE_PIPELINE=on. */
  size?: Size;
}

/** A download URL with the image's status URL. */
export interface DownloadUrl {
  url: string;
  /** The image's status object (IMAGE_PIPELINE=on; undefined when off). */
  statusUrl?: string;
  /** When the URLs stop working (RFC 3339). */
  expiresAt: string;
}

/** The download URLs, in order, carrying each image's status URL in the same order. */
export type DownloadUrls = string[] & {
  /** Each image's status object URL (IMAGE_PIPELINE=on; undefined when off). */
  readonly statusUrls?: string[];
};

/**
 * Polls `statusUrl` with backoff (250 ms doubling to 4 s) until the image pipeline decides:
 * resolves the ready status; rejects with a PresignerError of source `pipeline` (code: the
 * refusal's reason, or `timeout`).
 */
export declare function waitForImage(
  statusUrl: string,
  options?: WaitOptions & { fetch?: typeof globalThis.fetch },
): Promise<ImageReady>;

/** One post's image, as the app stores it per post. */
export interface ImageRef {
  /** The author's user id (the `sub` the API signed them in as); left out: the caller's own. */
  userId?: string;
  tweetId: string;
}

export interface ClientOptions {
  /** The API's base URL, such as `http://127.0.0.1:3000`. */
  baseUrl: string;
  /** The signed-in user's bearer token, or null/undefined for none. */
  getToken?: () => string | null | undefined | Promise<string | null | undefined>;
  /** The fetch to use; the global one by default. */
  fetch?: typeof globalThis.fetch;
  /** The most images per `download_urls` call (the API's `MAX_BATCH_IMAGES`, default 100). */
  maxBatch?: number;
}

export interface UploadOptions {
  tweetId: string;
  /** The image's type; a Blob's or File's own `type` when left out. */
  contentType?: ContentType;
}

export interface Uploaded {
  tweetId: string;
  contentType: ContentType;
  /** Bytes stored. */
  size: number;
  /** When the upload URL stopped working (RFC 3339). */
  expiresAt: string;
  /** Where the image pipeline's verdict appears, for `waitForImage` (undefined with IMAGE_PIPELINE=off). */
  statusUrl?: string;
}

export interface Client {
  /** Uploads one image into the signed-in user's folder, bound to its type, size and SHA-256. */
  uploadImage(data: Blob | ArrayBuffer | ArrayBufferView, options: UploadOptions): Promise<Uploaded>;
  /** Uploads one image with a signed POST form (key and type pinned; not write-once). */
  uploadImageWithForm(data: Blob | ArrayBuffer | ArrayBufferView, options: UploadOptions): Promise<Uploaded>;
  /** The download URL of one image, in `size`. */
  downloadUrl(image: ImageRef, options?: DownloadOptions & { withStatus?: false }): Promise<string>;
  /** The download URL of one image, in `size`, with its status URL. */
  downloadUrl(image: ImageRef, options: DownloadOptions & { withStatus: true }): Promise<DownloadUrl>;
  /** The download URLs of any number of images, in `size`, in the order given (and their status URLs). */
  downloadUrls(images: readonly ImageRef[], options?: DownloadOptions): Promise<DownloadUrls>;
  /** `waitForImage` through this client's fetch. */
  waitForImage(statusUrl: string, options?: WaitOptions): Promise<ImageReady>;
}

export declare function createClient(options: ClientOptions): Client;
