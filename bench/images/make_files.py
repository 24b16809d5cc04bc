"""Makes the benchmark's input files (bench/images/run calls it): photo-like JPEGs with a
phone's EXIF (GPS, orientation 6), a screenshot PNG, an animated GIF and the bombs. Needs Pillow.

    python make_files.py OUTDIR
"""

import io
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

out = Path(sys.argv[1])
out.mkdir(parents=True, exist_ok=True)


def photo(width, height):
    """Photo-like content: a smooth colour field with detail (a fractal) and sensor noise."""
    base = Image.effect_mandelbrot((width // 4, height // 4), (-2.2, -1.2, 1.0, 1.2), 64)
    base = base.resize((width, height), Image.BICUBIC).filter(ImageFilter.GaussianBlur(2))
    r = base
    g = Image.linear_gradient("L").resize((width, height))
    b = Image.radial_gradient("L").resize((width, height))
    img = Image.merge("RGB", (r, g, b))
    noise = Image.effect_noise((width, height), 24).convert("RGB")
    return Image.blend(img, noise, 0.12)


def phone_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 15"
    exif[0x0112] = 6  # stored landscape, shown portrait: as phones write it
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (48.0, 51.0, 29.0)
    gps[3] = "E"
    gps[4] = (2.0, 17.0, 40.0)
    return exif.tobytes()


p12 = photo(4032, 3024)
p12.save(out / "photo-12mp.jpg", quality=92, exif=phone_exif())
p48 = photo(8000, 6000)
p48.save(out / "photo-48mp.jpg", quality=92, exif=phone_exif())
# The worst JPEG the limits admit for memory: progressive (its coefficients are held whole).
p48.save(out / "photo-48mp-progressive.jpg", quality=92, progressive=True, exif=phone_exif())

# A screenshot: flat panels, lines of text, opaque.
shot = Image.new("RGB", (2560, 1600), (246, 247, 249))
draw = ImageDraw.Draw(shot)
for i in range(40):
    y = 40 + i * 38
    draw.rectangle((40, y, 2520, y + 30), fill=(255, 255, 255), outline=(220, 222, 226))
    draw.text((60, y + 8), f"Line {i}: the quick brown fox jumps over the lazy dog " * 3, fill=(20, 20, 30))
draw.rectangle((1900, 60, 2500, 600), fill=(29, 155, 240))
shot.save(out / "screenshot.png")

# The largest PNG the limits admit (33,177,600 px: 7680x4320), with alpha: the worst case for
# memory among the kinds decoded at full size.
w, h = 7680, 4320
Image.merge(
    "RGBA",
    [
        Image.linear_gradient("L").resize((w, h)),
        Image.radial_gradient("L").resize((w, h)),
        Image.effect_mandelbrot((w, h), (-2, -1.2, 1, 1.2), 32),
        Image.linear_gradient("L").rotate(90).resize((w, h)),
    ],
).save(out / "alpha-8k.png", compress_level=6)

# An animated GIF: 60 frames of 480x270.
frames = []
for i in range(60):
    f = Image.new("RGB", (480, 270), (20, 20, 40))
    d = ImageDraw.Draw(f)
    d.ellipse((i * 7, 60, i * 7 + 120, 180), fill=(255, 120 + i * 2, 40))
    frames.append(f.convert("P", palette=Image.ADAPTIVE, colors=64))
frames[0].save(out / "animated.gif", save_all=True, append_images=frames[1:], duration=40, loop=0)

# A tiny JPEG: each tool's start-up cost.
Image.new("RGB", (16, 16), (1, 2, 3)).save(out / "tiny.jpg")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# PNG bomb: 50,000 x 50,000 1-bit grey, every row filter 0 and zeros: 312 MB of raw data that
# deflates to a few hundred KB.
w = h = 50_000
row = b"\0" * (1 + (w + 7) // 8)
z = zlib.compressobj(9)
idat = bytearray()
block = row * 1000
for _ in range(h // 1000):
    idat += z.compress(block)
idat += z.flush()
png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0))
png += chunk(b"IDAT", bytes(idat)) + chunk(b"IEND", b"")
(out / "bomb-50000x50000.png").write_bytes(png)

# GIF bomb: 20,000 frames of the whole 1000x1000 screen, one pixel of LZW data each.
gif = bytearray(b"GIF89a" + struct.pack("<HH", 1000, 1000) + b"\x80\0\0" + b"\0\0\0\xff\xff\xff")
for _ in range(20_000):
    gif += b"\x2c" + struct.pack("<HHHH", 0, 0, 1000, 1000) + b"\0" + b"\x02\x02\x44\x01\0"
gif += b"\x3b"
(out / "bomb-20000-frames.gif").write_bytes(bytes(gif))

# JPEG bomb: a 65,500 x 65,500 frame header on a small file.
small = io.BytesIO()
Image.new("RGB", (64, 64), (9, 9, 9)).save(small, "JPEG")
data = bytearray(small.getvalue())
sof = data.index(b"\xff\xc0")
data[sof + 5 : sof + 9] = struct.pack(">HH", 65_500, 65_500)
(out / "bomb-65500x65500.jpg").write_bytes(bytes(data))

for f in sorted(out.iterdir()):
    if f.is_file():
        print(f"{f.name}: {f.stat().st_size} bytes")
