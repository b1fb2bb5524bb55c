"""Compressed answers (Flask-Compress): brotli or gzip for text a browser reads, nothing else.

A phone on a slow network spends most of its wait on bytes: the board's HTML shrinks ninefold.
Socket.IO's answers never pass through Flask (engine.io compresses its own polls), and downloads
that are already compressed or that a person saves (PDF, PNG, CSV) are left as they are.
"""

from __future__ import annotations

from flask import Flask

from fttm.extensions import compress

SETTINGS = {
    # What a page is made of; not text/csv or text/plain (downloads, kept byte for byte).
    "COMPRESS_MIMETYPES": [
        "text/html",
        "text/css",
        "text/javascript",
        "application/javascript",
        "application/json",
        "image/svg+xml",
    ],
    "COMPRESS_ALGORITHM": ["br", "gzip"],
    # A streamed answer is left as it is: Flask-Compress would wrap it in a generator that loses
    # the stream's close() (static files, small, are read whole to be compressed: static_files.py).
    "COMPRESS_STREAMS": False,
    # Levels for a 2-core server compressing every page afresh: brotli 5 makes the board's
    # 125 KB of HTML about 12 KB in ~3 ms; quality 11 is only 10% smaller and 50 times slower.
    "COMPRESS_BR_LEVEL": 5,
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
}


def init_app(app: Flask) -> None:
    """Compress the app's answers; register before any other after_request hook, so it runs
    last, on the response every other hook has finished."""
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    compress.init_app(app)
