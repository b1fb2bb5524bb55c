"""Printable documents as PDF: the same HTML the browser prints, laid out by WeasyPrint.

Documents are drawn from our own templates and static files only: WeasyPrint never fetches
anything from the network, so a PDF cannot leak a request or wait on one.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlparse

from flask import Response, current_app, render_template

from fttm.error_pages import render_error
from fttm.languages import gettext as _
from fttm.static_files import unversioned

STATIC_PREFIX = "/static/"
# Pictures the document carries itself, re-encoded by fttm (fttm.voices.pictures): no fetch.
PICTURE_URIS = ("data:image/png;base64,", "data:image/jpeg;base64,")
logger = logging.getLogger(__name__)
# WeasyPrint reports every CSS rule it skips (screen-only media queries): only errors matter here.
logging.getLogger("weasyprint").setLevel(logging.ERROR)
logging.getLogger("fontTools").setLevel(logging.ERROR)


def _static_file(url: str) -> Path:
    """The app's static file that `url` names; ValueError for anything else."""
    path = unversioned(urlparse(url).path)
    static = Path(current_app.static_folder).resolve()
    if path.startswith(STATIC_PREFIX):
        wanted = (static / path.removeprefix(STATIC_PREFIX)).resolve()
        if wanted.is_relative_to(static) and wanted.is_file():
            return wanted
    raise ValueError("PDFs may only use the app's own static files")


def _fetcher():
    """WeasyPrint's fetcher, limited to the app's static files (stylesheets, fonts)."""
    from weasyprint.urls import URLFetcher

    class LocalFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith(PICTURE_URIS):  # a picture embedded in the page (a voice's drawing)
                return super().fetch(url, headers)
            return super().fetch(_static_file(url).as_uri(), headers)

    return LocalFilesOnly(allowed_protocols=("file", "data"))


def pdf_bytes(html: str) -> bytes:
    """Lay out `html` (a whole document) as a tagged PDF."""
    import weasyprint  # loads the system's Pango library only when a PDF is asked for

    document = weasyprint.HTML(string=html, base_url="http://fttm.invalid/", url_fetcher=_fetcher())
    # PDF/UA: tagged (headings, paragraphs, tables in reading order), in the document's language
    # (its <html lang>), its <title> shown: a family member's screen reader can read it.
    return document.write_pdf(pdf_variant="pdf/ua-1")


def pdf_response(template: str, filename: str, **context) -> Response:
    """Render `template` and send it as a PDF download named `filename` (a clear 503 page when
    this server lacks the system libraries PDFs need)."""
    try:
        body = pdf_bytes(render_template(template, for_pdf=True, **context))
    except OSError:  # WeasyPrint could not load Pango
        logger.exception("PDFs need the Pango library: apt-get install libpango-1.0-0")
        return render_error(
            503,
            _("The PDF can't be made on this server"),
            _("It lacks a system library (Pango). The printable page has the same content."),
        )
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
