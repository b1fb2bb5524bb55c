"""Static files for a phone on a slow network: one round trip per deploy, not one per file per page.

`url_for('static', filename=...)` builds `/static/<version>/<filename>`, where the version is a
hash of the whole static folder, taken once when the app starts. Those URLs are cached for a year
(`immutable`): a returning phone asks for none of them. Hashing the whole folder, not each file,
keeps the JS modules' relative imports ("./messages.js") on the same version as the page.

A URL with another version (a page rendered before a deploy, or by another worker mid-deploy)
still gets today's file, marked `no-cache`, so no cache keeps it under a name it does not match;
a 404 would break the page's scripts, and a redirect would cost a round trip per file. The plain
`/static/<filename>` keeps working, `no-cache` too.
"""

from __future__ import annotations

import gzip
import hashlib
import posixpath
import re
from pathlib import Path

import brotli
from flask import Flask, Response, current_app, request, session

VERSION_LENGTH = 12
PACKERS = {
    "br": lambda data: brotli.compress(data, quality=11),
    "gzip": lambda data: gzip.compress(data, compresslevel=9, mtime=0),
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATED = "no-cache"
ENTRY_MODULE = "js/main.js"
# A static import or re-export of one of our own modules (`import { x } from "./x.js"`,
# `import "./x.js"`); the vendored scripts are classic scripts, never imported.
MODULE_IMPORT = re.compile(r"""^\s*(?:import|export)\b[^;"']*?["'](\.{1,2}/[^"']+\.js)["']""", re.M)


def tree_version(folder: Path) -> str:
    """A short hash of every file's path and content under `folder`."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:VERSION_LENGTH]


def imported_modules(folder: Path, entry: str = ENTRY_MODULE) -> tuple[str, ...]:
    """Every module `entry` imports, directly or not, as paths under `folder`, in import order."""
    found: list[str] = []
    waiting = [entry]
    while waiting:
        module = waiting.pop(0)
        text = (folder / module).read_text(encoding="utf-8")
        for relative in MODULE_IMPORT.findall(text):
            imported = posixpath.normpath(posixpath.join(posixpath.dirname(module), relative))
            if imported != entry and imported not in found:
                found.append(imported)
                waiting.append(imported)
    return tuple(found)


def init_app(app: Flask) -> None:
    """Serve the static folder under its version too, and make `url_for('static')` use it."""
    folder = Path(app.static_folder)
    version = tree_version(folder)
    app.extensions["fttm.static_version"] = version
    app.add_url_rule(
        f"{app.static_url_path}/<string(length={VERSION_LENGTH}):version>/<path:filename>",
        endpoint="static",
    )
    app.view_functions["static"] = send_static

    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        """Every static URL the app builds names the version it was started with."""
        if endpoint == "static":
            values.setdefault("version", version)

    app.jinja_env.globals["module_preloads"] = imported_modules(folder)
    # First in the list, so it runs after every other hook (Flask runs them last to first).
    app.after_request_funcs.setdefault(None, []).insert(0, forget_session)


def unversioned(path: str) -> str:
    """`/static/<today's version>/css/x.css` as `/static/css/x.css` (other paths as they are)."""
    prefix = f"{current_app.static_url_path}/{current_app.extensions['fttm.static_version']}/"
    return (
        path.replace(prefix, f"{current_app.static_url_path}/", 1)
        if path.startswith(prefix)
        else path
    )


def send_static(filename: str, version: str | None = None) -> Response:
    """A static file: cached for a year under today's version, revalidated under any other URL."""
    today = current_app.extensions["fttm.static_version"]
    # A folder whose name merely looks like a version is a path like any other.
    real_folder = version not in (None, today) and Path(current_app.static_folder, version).is_dir()
    if real_folder:
        filename, version = f"{version}/{filename}", None
    response = current_app.send_static_file(filename)
    # Read whole (the biggest is 52 KB) and closed at once; a streamed file would not be compressed.
    stream, response.direct_passthrough = response.response, False
    response.set_data(b"".join(stream))
    if hasattr(stream, "close"):
        stream.close()
    response.headers["Cache-Control"] = IMMUTABLE if version == today else REVALIDATED
    return _packed(response, filename)


def _packed(response: Response, filename: str) -> Response:
    """The file compressed at the best level, once per process: a static file does not change
    while the app runs, so brotli 11 (15% smaller than a page's level 5) costs its time once.
    Flask-Compress leaves an answer that has its Content-Encoding already."""
    encoding = request.accept_encodings.best_match(list(PACKERS))
    if (
        encoding is None
        or response.status_code != 200
        or response.mimetype not in current_app.config["COMPRESS_MIMETYPES"]
        or response.content_length < current_app.config["COMPRESS_MIN_SIZE"]
    ):
        return response
    etag, _weak = response.get_etag()
    packed = current_app.extensions.setdefault("fttm.static_packed", {})
    key = (filename, etag, encoding)
    if key not in packed:
        packed[key] = PACKERS[encoding](response.get_data())
    response.set_data(packed[key])
    response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.set_etag(f"{etag}:{encoding}")
    return response.make_conditional(request)


def forget_session(response: Response) -> Response:
    """A static file is the same whoever asks: no `Vary: Cookie` (Flask-Login's hook reads the
    session on every answer), which would make a browser revalidate it whenever a cookie changed."""
    if request.endpoint == "static":
        session.accessed = False
    return response
