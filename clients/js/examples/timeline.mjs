// A timeline with @presigner/client, in Node 18+ (a browser page does the same with <img> tags):
// two users post an image each, the app keeps (userId, tweetId) per post, and a third user
// loads the timeline's download URLs in one call and fetches the images.
//
//   node clients/js/examples/timeline.mjs http://127.0.0.1:3000     (against the local run)
//
// docs/api.md ("Building a timeline") walks through it; clients/js/test/run runs it.
import { createClient, PresignerError } from "@presigner/client";

const baseUrl = process.argv[2] || "http://127.0.0.1:3000";
const as = (user) => createClient({ baseUrl, getToken: () => `local:${user}` });

// A 1x1 PNG.
const png = Uint8Array.from(atob(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"), (c) => c.charCodeAt(0));

// Posting: upload first, then store the post. What the app keeps per post is the author's
// userId (the `sub` the API signed them in as) and the tweetId: all a download needs.
const posts = [];
for (const userId of ["alice", "bob"]) {
  const tweetId = `example-${userId}-${Date.now()}`;
  await as(userId).uploadImage(png, { tweetId, contentType: "image/png" });
  posts.push({ userId, tweetId, text: `hello from ${userId}` });
}

// Showing the timeline: every image's URL in one call (split by the client past the batch
// limit), in the order asked. The same image asked for again within the cache window gets the
// same URL, so the browser shows it from its cache.
const urls = await as("carol").downloadUrls(posts);

// An image whose upload is still under way (a post stored before its upload finished, seen by
// another reader) is not there yet: wait a little and try the same URL again.
async function fetchImage(url, tries = 3) {
  for (let i = 1; ; i++) {
    const r = await fetch(url);
    if (r.ok || i === tries) return r;
    await new Promise((resolve) => setTimeout(resolve, 500 * i));
  }
}
for (const [i, post] of posts.entries()) {
  const r = await fetchImage(urls[i]);
  console.log(`${post.userId}: ${post.text}: ${r.status}, ${(await r.arrayBuffer()).byteLength} bytes`);
}

// Posting twice under one tweetId: S3 refuses the second upload (URLs write once).
try {
  await as("alice").uploadImage(png, { tweetId: posts[0].tweetId, contentType: "image/png" });
} catch (e) {
  if (!(e instanceof PresignerError)) throw e;
  console.log(`again: ${e.status} ${e.code}`);
}
