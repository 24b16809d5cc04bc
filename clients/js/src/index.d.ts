// Types of @presigner/client (src/index.js). The API's contract: openapi.yaml.

/** The image types the API signs uploads for. */
export type ContentType = "image/png" | "image/jpeg" | "image/gif" | "image/webp";

/** The image types the API signs uploads for. */
export declare const CONTENT_TYPES: readonly ContentType[];

/** The most images one `download_urls` call takes by default (the API's `MAX_BATCH_IMAGES`). */
export declare const DEFAULT_MAX_BATCH: number;

/** Who refused a call: the API, S3 (or the CDN), or nobody answered. */
export type ErrorSource = "api" | "s3" | "network";

/** Every failure of the client: the HTTP status and the API's or S3's message. */
export declare class PresignerError extends Error {
  readonly name: "PresignerError";
  /** The HTTP status; 0 when nothing answered. */
  readonly status: number;
  readonly source: ErrorSource;
  /** S3's error code (`SignatureDoesNotMatch`, `PreconditionFailed`, ...), when S3 gave one. */
  readonly code?: string;
}

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
}

export interface Client {
  /** Uploads one image into the signed-in user's folder, bound to its type, size and SHA-256. */
  uploadImage(data: Blob | ArrayBuffer | ArrayBufferView, options: UploadOptions): Promise<Uploaded>;
  /** Uploads one image with a signed POST form (key and type pinned; not write-once). */
  uploadImageWithForm(data: Blob | ArrayBuffer | ArrayBufferView, options: UploadOptions): Promise<Uploaded>;
  /** The download URL of one image. */
  downloadUrl(image: ImageRef): Promise<string>;
  /** The download URLs of any number of images, in the order given. */
  downloadUrls(images: readonly ImageRef[]): Promise<string[]>;
}

export declare function createClient(options: ClientOptions): Client;
