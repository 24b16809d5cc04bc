// sharp (libvips) doing what `presigner-images process` does: auto-orient, strip metadata,
// fit in 400x800 and 2048x2048 without enlarging (Lanczos3), JPEG quality 80 (4:2:0,
// optimized Huffman tables) or PNG with alpha; the same pixel limit. One thread.
//   node sharp.mjs FILE OUTDIR
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";

sharp.concurrency(1);
sharp.cache(false);
const [file, outDir] = process.argv.slice(2);
try {
  const input = fs.readFileSync(file);
  const options = { limitInputPixels: 52_000_000, failOn: "truncated" };
  const meta = await sharp(input, options).metadata();
  fs.mkdirSync(outDir, { recursive: true });
  for (const [name, width, height] of [["thumb", 400, 800], ["display", 2048, 2048]]) {
    let pipeline = sharp(input, options)
      .rotate()
      .resize(width, height, { fit: "inside", withoutEnlargement: true, kernel: "lanczos3" });
    pipeline = meta.hasAlpha
      ? pipeline.png()
      : pipeline.jpeg({ quality: 80, chromaSubsampling: "4:2:0", optimiseCoding: true });
    const { data, info } = await pipeline.toBuffer({ resolveWithObject: true });
    fs.writeFileSync(path.join(outDir, `${name}.${info.format}`), data);
    console.log(JSON.stringify({ variant: name, width: info.width, height: info.height, bytes: data.length }));
  }
} catch (e) {
  console.error(`sharp: refused: ${String(e.message).split("\n")[0]}`);
  process.exit(2);
}
