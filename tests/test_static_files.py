"""What a phone downloads: compressed answers, static files under a version cached for a year,
and every module of the page preloaded at once."""

from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path

import brotli
import pytest
from flask import url_for

from fttm import pdf
from fttm.static_files import IMMUTABLE, imported_modules, tree_version
from tests.transcript.scripted import run_meeting

STATIC = Path(__file__).resolve().parents[1] / "fttm" / "static"
# A script, a stylesheet or preload, and the Socket.IO client the board fetches once it works.
ASSET = re.compile(r'(?:<script[^>]*\ssrc|<link[^>]*\shref|\sdata-socket-client)="(/static/[^"]+)"')
PRELOAD = re.compile(r'<link rel="modulepreload" href="/static/[0-9a-f]+/([^"]+)"')
# The page's per-request CSRF token (signed with the time) and the server's time its phase timer
# counts from (templates/meetings/parts/_phase.html): the only texts two renderings differ by.
TOKEN = re.compile(rb'(X-CSRFToken": "|name="csrf_token" value="|data-server-now=")[^"]+')
DECOMPRESS = {"br": brotli.decompress, "gzip": gzip.decompress}


def _same_page(html: bytes) -> bytes:
    """A page with its CSRF tokens and server time blanked out."""
    return TOKEN.sub(rb"\1", html)


# ---- compression ----


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_the_phone_board_comes_compressed_when_asked_and_decompresses_to_the_same_page(
    maria, encoding
):
    plain = maria.board()
    packed = maria.browser.get(f"{maria.base}/", headers={"Accept-Encoding": encoding})

    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == encoding
    body = packed.get_data()
    assert len(body) < len(plain.get_data()) / 4
    assert _same_page(DECOMPRESS[encoding](body)) == _same_page(plain.get_data())
    for answer in (plain, packed):
        assert "Accept-Encoding" in answer.headers["Vary"]


def test_a_browser_preferring_no_compression_gets_none(maria):
    answer = maria.browser.get(f"{maria.base}/", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in answer.headers and b"</html>" in answer.get_data()


def test_head_of_the_board_names_the_compressed_length_and_sends_nothing(maria):
    answer = maria.browser.head(f"{maria.base}/", headers={"Accept-Encoding": "br"})
    assert answer.status_code == 200 and answer.get_data() == b""
    assert answer.headers["Content-Encoding"] == "br"
    full = maria.browser.get(f"{maria.base}/", headers={"Accept-Encoding": "br"})
    assert abs(int(answer.headers["Content-Length"]) - len(full.get_data())) < 100  # CSRF token


def test_downloads_are_sent_byte_for_byte(client, auth, facilitator, case):
    """The transcript's CSV and PDF are files a person saves: never re-encoded."""
    meeting = run_meeting(facilitator, case).meeting
    auth.login(facilitator)
    for path in (
        f"/meetings/{meeting.id}/transcript.csv",
        f"/meetings/{meeting.id}/transcript.pdf",
    ):
        answer = client.get(path, headers={"Accept-Encoding": "br, gzip"})
        assert answer.status_code == 200, path
        assert "Content-Encoding" not in answer.headers, path
    assert client.get(f"/meetings/{meeting.id}/transcript.pdf").get_data().startswith(b"%PDF")


def test_socketio_long_polling_still_works_when_the_browser_accepts_compression(
    client, auth, facilitator
):
    """Engine.IO answers outside Flask: Flask-Compress never re-encodes its polls."""
    auth.login(facilitator)
    accept = {"Accept-Encoding": "gzip, deflate, br, zstd"}
    handshake = client.get("/socket.io/?EIO=4&transport=polling", headers=accept)
    assert handshake.status_code == 200
    assert handshake.headers.get("Content-Encoding") in (None, "gzip", "deflate")
    body = handshake.get_data()
    if handshake.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    sid = json.loads(body.decode()[1:])["sid"]
    sent = client.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data="40", headers=accept)
    assert sent.get_data(as_text=True) == "OK"
    polled = client.get(f"/socket.io/?EIO=4&transport=polling&sid={sid}", headers=accept)
    assert polled.status_code == 200 and polled.get_data(as_text=True).startswith("40")


def test_a_compressed_static_file_answers_304_to_its_own_etag(client):
    path = url_for_static(client, "js/main.js")
    first = client.get(path, headers={"Accept-Encoding": "br"})
    assert first.headers["Content-Encoding"] == "br"
    again = client.get(
        path, headers={"Accept-Encoding": "br", "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.get_data() == b""
    # The plain file's ETag is another representation: it never validates the compressed one.
    plain = client.get(path)
    assert plain.headers["ETag"] != first.headers["ETag"]
    assert (
        brotli.decompress(first.get_data())
        == plain.get_data()
        == (STATIC / "js/main.js").read_bytes()
    )


# ---- versioned static URLs ----


def url_for_static(client, filename: str) -> str:
    """The URL pages use for a static file."""
    with client.application.test_request_context():
        return url_for("static", filename=filename)


def test_every_file_the_board_loads_has_a_versioned_url_cached_for_a_year(maria):
    html = maria.board().get_data(as_text=True)
    version = maria.browser.application.extensions["fttm.static_version"]
    assets = set(ASSET.findall(html))

    assert {"js/main.js", "fttm.css", "favicon.svg", "vendor/htmx-2.0.11.min.js"} <= {
        path.removeprefix(f"/static/{version}/") for path in assets
    }
    assert any("socket.io" in path for path in assets)
    for path in assets:
        assert path.startswith(f"/static/{version}/"), path
        answer = maria.browser.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["Cache-Control"] == IMMUTABLE, path
        assert "Cookie" not in answer.headers.get("Vary", ""), path  # or a new cookie refetches it
        assert answer.get_data() == (STATIC / path.removeprefix(f"/static/{version}/")).read_bytes()


def test_the_version_is_the_static_folders_content(tmp_path, app):
    assert app.extensions["fttm.static_version"] == tree_version(STATIC)
    copy = tmp_path / "static"
    shutil.copytree(STATIC, copy)
    assert tree_version(copy) == tree_version(STATIC)
    (copy / "js" / "nav.js").write_text("// changed\n", encoding="utf-8")
    changed = tree_version(copy)
    assert changed != tree_version(STATIC)
    (copy / "js" / "nav.js").rename(copy / "js" / "nav2.js")
    assert tree_version(copy) not in (changed, tree_version(STATIC))


@pytest.mark.parametrize("path", ["/static/0123456789ab/js/main.js", "/static/js/main.js"])
def test_an_old_version_or_none_still_gets_the_file_revalidated_each_time(client, path):
    """A page rendered before a deploy (or by a worker not yet restarted) still loads its scripts:
    today's file, never kept by a cache under a name that does not match it."""
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.get_data() == (STATIC / "js/main.js").read_bytes()
    assert answer.headers["Cache-Control"] == "no-cache"


def test_a_missing_file_under_the_version_is_404(client):
    assert client.get(url_for_static(client, "js/nothing.js")).status_code == 404


def test_every_module_main_js_imports_is_preloaded(maria):
    html = maria.board().get_data(as_text=True)
    preloaded = PRELOAD.findall(html)
    reachable, waiting = set(), ["js/main.js"]
    while waiting:
        text = (STATIC / waiting.pop()).read_text(encoding="utf-8")
        for name in re.findall(r'from "\./([\w-]+\.js)"|^import "\./([\w-]+\.js)"', text, re.M):
            module = f"js/{name[0] or name[1]}"
            if module not in reachable:
                reachable.add(module)
                waiting.append(module)

    assert set(preloaded) == reachable - {"js/main.js"} and len(preloaded) == len(set(preloaded))
    assert len(preloaded) >= 12
    for module in preloaded:
        assert maria.browser.get(url_for_static(maria.browser, module)).status_code == 200


def test_the_preload_list_follows_imports_across_folders(tmp_path):
    (tmp_path / "js" / "lib").mkdir(parents=True)
    (tmp_path / "js" / "main.js").write_text('import { a } from "./lib/a.js";\nimport "./b.js";\n')
    (tmp_path / "js" / "lib" / "a.js").write_text('export { b } from "../b.js";\n')
    (tmp_path / "js" / "b.js").write_text('import { a } from "./lib/a.js";\n')
    assert imported_modules(tmp_path) == ("js/lib/a.js", "js/b.js")


def test_a_pdf_finds_its_stylesheet_under_the_versioned_url(app):
    """The transcript and family copy PDFs link their CSS with url_for, as pages do."""
    with app.test_request_context():
        href = url_for("static", filename="css/transcript.css")
        assert pdf._static_file(f"http://fttm.invalid{href}").name == "transcript.css"


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_static_files_are_compressed_at_the_best_level_once(client, encoding):
    """A static file never changes while the app runs: it is worth brotli's slowest level."""
    path = url_for_static(client, "vendor/htmx-2.0.11.min.js")
    original = (STATIC / "vendor/htmx-2.0.11.min.js").read_bytes()
    first = client.get(path, headers={"Accept-Encoding": f"{encoding}, identity;q=0.5"})
    again = client.get(path, headers={"Accept-Encoding": encoding})
    assert first.headers["Content-Encoding"] == encoding
    assert DECOMPRESS[encoding](first.get_data()) == original
    assert again.get_data() == first.get_data()
    if encoding == "br":
        assert len(first.get_data()) == len(brotli.compress(original, quality=11))
