"""Pillow doing what `presigner-images process` does: auto-orient, strip metadata, fit in
400x800 and 2048x2048 without enlarging (Lanczos, JPEG draft mode for the DCT shrink), JPEG
quality 80 (4:2:0, optimized Huffman tables) or PNG with alpha; the same pixel limit.

    python pillow_resize.py FILE OUTDIR
"""

import json
import os
import sys

from PIL import Image, ImageOps

Image.MAX_IMAGE_PIXELS = 26_000_000  # Pillow refuses at twice this: 52 Mpx, our JPEG limit
file, out_dir = sys.argv[1:3]
try:
    img = Image.open(file)
    # Decode no larger than the display size needs (JPEG: DCT scaling, like libvips).
    img.draft("RGB", (2048, 2048))
    img = ImageOps.exif_transpose(img)
    alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    img = img.convert("RGBA" if alpha else "RGB")
    os.makedirs(out_dir, exist_ok=True)
    for name, box in (("display", (2048, 2048)), ("thumb", (400, 800))):
        img.thumbnail(box, Image.LANCZOS)
        path = os.path.join(out_dir, f"{name}.{'png' if alpha else 'jpg'}")
        if alpha:
            img.save(path, optimize=False)
        else:
            img.save(path, quality=80, optimize=True, subsampling="4:2:0")
        print(json.dumps({"variant": name, "width": img.width, "height": img.height, "bytes": os.path.getsize(path)}))
except Exception as e:  # noqa: BLE001 - every failure is a refusal here
    print(f"pillow: refused: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}", file=sys.stderr)
    sys.exit(2)
