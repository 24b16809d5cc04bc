// A TypeScript front end using @presigner/client as a user would, through the package's own
// name and its "exports": `tsc --noEmit -p clients/js/test` must accept it (test/run runs it).
import {
  createClient, waitForImage, PresignerError, CONTENT_TYPES, SIZES,
  type ImageRef, type Uploaded, type ImageReady, type DownloadUrls, type DownloadUrl, type Size,
} from "@presigner/client";

interface Post extends ImageRef {
  userId: string;
  text: string;
}

const client = createClient({
  baseUrl: "http://127.0.0.1:3000",
  getToken: async () => localStorage.getItem("token"),
});

export async function post(userId: string, file: File, text: string): Promise<Post | string> {
  const tweetId = `tweet-${Date.now()}`;
  try {
    const up: Uploaded = await client.uploadImage(file, { tweetId });
    const size: number = up.size;
    console.log(`${size} bytes until ${up.expiresAt}`);
    return { userId, tweetId, text };
  } catch (e) {
    if (e instanceof PresignerError) {
      const status: number = e.status;
      const code: string | undefined = e.code;
      return `${e.source} ${status} ${code ?? ""}: ${e.message}`;
    }
    throw e;
  }
}

export async function timeline(posts: readonly Post[], list: HTMLOListElement): Promise<void> {
  const urls: string[] = await client.downloadUrls(posts);
  posts.forEach((p, i) => {
    const img = document.createElement("img");
    img.src = urls[i];
    img.alt = `${p.text} (${p.userId})`;
    list.append(img);
  });
  const one: string = await client.downloadUrl({ userId: posts[0].userId, tweetId: posts[0].tweetId });
  console.log(one, CONTENT_TYPES.includes("image/png"));
  await client.uploadImage(new Uint8Array([1, 2, 3]), { tweetId: "t", contentType: "image/png" });
  const viaForm: Uploaded = await client.uploadImageWithForm(new Blob([]), { tweetId: "f", contentType: "image/webp" });
  console.log(viaForm.contentType);
}

// The image pipeline: wait for an upload's verdict, then show its sizes.
export async function pipeline(file: File, signal: AbortSignal): Promise<string> {
  const up: Uploaded = await client.uploadImage(file, { tweetId: "p" });
  if (up.statusUrl) {
    try {
      const ready: ImageReady = await client.waitForImage(up.statusUrl, { signal, timeoutMs: 30000 });
      const width: number = ready.variants.thumb.width;
      console.log(width, ready.variants.display.type);
    } catch (e) {
      if (e instanceof PresignerError && e.source === "pipeline") return `refused: ${e.code}`;
      throw e;
    }
  }
  const size: Size = SIZES[1];
  const thumbs: DownloadUrls = await client.downloadUrls([{ tweetId: "p" }], { size });
  const first: string = thumbs[0];
  const statuses: string[] | undefined = thumbs.statusUrls;
  const display: string = await client.downloadUrl({ tweetId: "p" }, { size: "display" });
  const detailed: DownloadUrl = await client.downloadUrl({ tweetId: "p" }, { withStatus: true });
  await waitForImage(detailed.statusUrl ?? "", { timeoutMs: 1000 });
  return `${first} ${statuses?.length} ${display}`;
}
