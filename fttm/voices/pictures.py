"""A picture an absent voice sent (a child's drawing, or a photo of one): checked from its bytes,
never its name or the browser's word for its type, and re-encoded so that nothing but the pixels
is kept (no location, camera, date, colour profile or comment).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from fttm.errors import Invalid
from fttm.languages import gettext as _

MOST_BYTES = 5 * 1024 * 1024  # what a person may send
# The request as a whole may be a little larger (the form's other fields, the multipart
# wrapping): past it the server refuses before reading it.
MOST_REQUEST_BYTES = 8 * 1024 * 1024
LONG_SIDE = 2000  # pixels: plenty for a wall or a printed page, small enough to send to phones
# Pillow refuses to decode a picture with more pixels than this (a decompression bomb: a small
# file that unpacks into gigabytes). 40 megapixels is a large phone photo.
MOST_PIXELS = 40_000_000
# The types we keep, by the format Pillow reads from the bytes.
KEPT = {"PNG": "image/png", "JPEG": "image/jpeg"}
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"


@dataclass(frozen=True)
class Picture:
    """A picture as it is kept: fresh bytes, their type, and their size in pixels."""

    data: bytes
    content_type: str
    width: int
    height: int


def _refuse(message: str):
    raise Invalid({"picture": message})


def _sniffed(data: bytes) -> str | None:
    """ "PNG" or "JPEG" from the file's first bytes; None for anything else."""
    if data.startswith(PNG_MAGIC):
        return "PNG"
    if data.startswith(JPEG_MAGIC):
        return "JPEG"
    return None


def _looks_like_markup(data: bytes) -> bool:
    """Whether the start of the file is text a browser might run (HTML, SVG, script)."""
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<", b"\xef\xbb\xbf<")) or b"<script" in head


def refusals() -> dict[str, str]:
    """What the sender is told, per reason a file is refused."""
    return {
        "empty": _("Choose a picture to add."),
        "too_large": _(
            "This picture is larger than 5 MB. Send a smaller one (a photo of a drawing is enough)."
        ),
        "script": _(
            "This file is not a picture (it holds text or a script). Choose a PNG or JPEG picture."
        ),
        "wrong_type": _(
            "Pictures must be PNG or JPEG. This file is another type: save it as PNG or JPEG first."
        ),
        "unknown": _("This file is not a picture fttm can read. Choose a PNG or JPEG picture."),
        "bomb": _("This picture is too large to open (too many pixels). Send a smaller one."),
        "damaged": _(
            "This file is damaged or is not really a picture. Choose a PNG or JPEG picture."
        ),
    }


def reencoded(data: bytes) -> Picture:
    """The picture in `data`, decoded and saved anew with nothing but its pixels; Invalid (with a
    message for the person who sent it) for anything that is not a PNG or JPEG picture up to
    5 MB.
    """
    said = refusals()
    if not data:
        _refuse(said["empty"])
    if len(data) > MOST_BYTES:
        _refuse(said["too_large"])
    kind = _sniffed(data)
    if kind is None:
        if _looks_like_markup(data):
            _refuse(said["script"])
        if data[:6] in (b"GIF87a", b"GIF89a") or data[:4] in (b"%PDF", b"RIFF", b"II*\x00"):
            _refuse(said["wrong_type"])
        _refuse(said["unknown"])
    image = _decoded(data, kind)
    return _saved(image, kind)


def _decoded(data: bytes, kind: str) -> Image.Image:
    """The picture's pixels, upright (a phone photo's EXIF orientation applied)."""
    try:
        with warnings.catch_warnings():
            # A picture just under the limit warns; one over it raises: refuse both.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[kind])
            if image.width * image.height > MOST_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            image.load()
            upright = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(refusals()["bomb"])
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        _refuse(refusals()["damaged"])
    return upright


def _saved(image: Image.Image, kind: str) -> Picture:
    """Fresh PNG or JPEG bytes of the pixels alone, no longer than LONG_SIDE on either side."""
    if kind == "JPEG":
        image = image.convert("RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert(
            "RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB"
        )
    if max(image.size) > LONG_SIDE:
        image = image.copy()
        image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    # A new image holding only the pixels: no info dict (EXIF, ICC profile, text chunks, DPI)
    # travels to the saved file.
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    out = io.BytesIO()
    if kind == "JPEG":
        clean.save(out, format="JPEG", quality=88, optimize=True)
    else:
        clean.save(out, format="PNG", optimize=True)
    return Picture(out.getvalue(), KEPT[kind], clean.width, clean.height)
