"""PDFs are laid out from our own HTML and static files only, and a server without Pango says so."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from fttm import pdf


def test_a_pdf_uses_our_stylesheet_and_never_fetches_elsewhere(app, monkeypatch):
    fetched: list[str] = []
    real = pdf._static_file

    def watching(url: str):
        fetched.append(url)
        return real(url)

    monkeypatch.setattr(pdf, "_static_file", watching)
    html = (
        '<link rel="stylesheet" href="/static/fttm.css">'
        '<link rel="stylesheet" href="https://cdn.example/evil.css">'
        '<img src="/static/../../../etc/passwd" alt="">'
        "<h1>Call the landlord about the boiler</h1>"
    )
    with app.test_request_context():
        body = pdf.pdf_bytes(html)

    assert (
        "Call the landlord about the boiler" in PdfReader(io.BytesIO(body)).pages[0].extract_text()
    )
    assert fetched and all(
        url.startswith("http://fttm.invalid/") or "cdn" in url for url in fetched
    )
    with app.test_request_context(), pytest.raises(ValueError):
        real("https://cdn.example/evil.css")
    with app.test_request_context(), pytest.raises(ValueError):
        real("http://fttm.invalid/static/../../etc/passwd")
    with app.test_request_context():
        assert real("http://fttm.invalid/static/fttm.css").name == "fttm.css"


def test_without_pango_the_reader_gets_a_clear_page(app, monkeypatch):
    def no_pango(html: str) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(pdf, "pdf_bytes", no_pango)
    with app.test_request_context():
        page, status = pdf.pdf_response("error.html", "x.pdf", status=1, title="", detail="")

    assert status == 503
    assert "The PDF can&#39;t be made on this server" in page
