"""Makes the heaviest images the image core's limits admit (crates/images/src/settings.rs), one
per way an image can cost memory, for bench/processor/memory. Needs Pillow.

    python worst_images.py OUTDIR     # prints NAME|CONTENT-TYPE|PATH, one a line

Every file is at most the core's 25 MiB (`max_bytes`), so it reaches the decoder: the JPEGs
are made with the highest quality that keeps them under it.
"""

import sys
from pathlib import Path

from PIL import Image, ImageFile

MAX_BYTES = 25 * 1024 * 1024
# Pillow encodes a progressive JPEG in one buffer of this many bytes (its default is too small
# for 52 Mpx of noise).
ImageFile.MAXBLOCK = 1 << 28
out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)


def busy(mode, width, height):
    """Content that compresses badly (noise over gradients), so files are as large as allowed."""
    bands = []
    for i, band in enumerate(Image.new(mode, (1, 1)).getbands()):
        noise = Image.effect_noise((width, height), 40 + 10 * i)
        ramp = Image.linear_gradient("L").rotate(90 * i).resize((width, height))
        bands.append(Image.blend(noise, ramp, 0.5))
    return Image.merge(mode, bands)


def jpeg_under_limit(image, path, **options):
    """The highest quality (from 95 down) whose file fits in MAX_BYTES."""
    for quality in range(95, 5, -5):
        image.save(path, quality=quality, **options)
        if path.stat().st_size <= MAX_BYTES:
            return quality
    raise SystemExit(f"{path}: over {MAX_BYTES} bytes even at quality 10")


def translucent(grey):
    """An RGBA image of a grey level, every pixel partly transparent (decoded as RGBA)."""
    return Image.merge("RGBA", [grey, grey, grey, Image.new("L", grey.size, 200)])


made = []

# JPEG: max_pixels_jpeg is 52,000,000 (8320x6250). Progressive keeps every DCT coefficient of
# the image until the last scan; 4:4:4 has twice the coefficients of 4:2:0; CMYK four planes.
w, h = 8320, 6250
rgb = busy("RGB", w, h)
for name, image, options in (
    ("JPEG 52 Mpx progressive 4:4:4", rgb, {"progressive": True, "subsampling": 0}),
    ("JPEG 52 Mpx progressive 4:2:0", rgb, {"progressive": True, "subsampling": 2}),
    ("JPEG 52 Mpx baseline 4:4:4", rgb, {"subsampling": 0}),
    ("JPEG 52 Mpx progressive CMYK", rgb.convert("CMYK"), {"progressive": True}),
):
    path = out / (name.replace(" ", "-").replace(":", "") + ".jpg")
    quality = jpeg_under_limit(image, path, **options)
    made.append((f"{name}, q{quality}", "image/jpeg", path))
del rgb

# PNG and WebP: max_pixels is 33,177,600 (7680x4320), decoded whole as 8-bit RGBA.
# Noise does not compress (33 Mpx of it is over 100 MB): noise in one row of 8, gradients in the
# rest, as much noise as max_bytes lets through.
ramp = Image.linear_gradient("L").resize((7680, 4320))
rgba = busy("RGBA", 7680, 4320)
mask = Image.new("L", (7680, 4320), 0)
for y in range(0, 4320, 8):
    mask.paste(255, (0, y, 7680, y + 1))
rgba = Image.composite(rgba, Image.merge("RGBA", [ramp] * 4), mask)
path = out / "png-33mpx-rgba.png"
rgba.save(path, compress_level=6)
made.append(("PNG 7680x4320 RGBA", "image/png", path))
del rgba
# WebP's longest side is 16383: 16383x2025 is the most pixels under max_pixels it can hold.
path = out / "webp-33mpx-lossless.webp"
translucent(ramp.resize((16383, 2025))).save(path, lossless=True)
made.append(("WebP 16383x2025 lossless RGBA", "image/webp", path))

# Animations: max_animation_canvas is 16,777,216 (4096x4096), max_animation_pixels 100,000,000
# (5 whole frames of it).
frames = [translucent(ramp.resize((4096, 4096)).rotate(90 * i)) for i in range(5)]
path = out / "webp-animated-4096.webp"
frames[0].save(path, save_all=True, append_images=frames[1:], lossless=False, quality=80, duration=100)
made.append(("animated WebP 4096x4096, 5 frames", "image/webp", path))
path = out / "gif-animated-4096.gif"
gif = [f.convert("RGB").quantize(256) for f in frames]
gif[0].save(path, save_all=True, append_images=gif[1:], duration=100, loop=0)
made.append(("GIF 4096x4096, 5 frames", "image/gif", path))

for name, content_type, path in made:
    print(f"{name}|{content_type}|{path}")
