"""QR codes for join links, made on the server as inline SVG (no image requests, no script)."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, title: str) -> Markup:
    """A scalable SVG QR code for `url`; `title` is its accessible name."""
    code = segno.make_qr(url, error="m")
    # segno escapes the title and writes only its own numbers and colours: safe to mark up.
    svg = code.svg_inline(
        scale=1,
        border=2,
        dark="#000",
        light="#fff",
        omitsize=True,
        svgclass="qr-code",
        lineclass=None,
        title=title,
    )
    return Markup(svg)  # noqa: S704
