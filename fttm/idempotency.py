"""Idempotency keys: what a client's key for a change is bound to, and how a request carries it.

A screen sends each change with a key of its own making, and sends the same key again when it
got no answer. The key belongs to one actor, one meeting and one request: the first change it
made stores a fingerprint of the request (method, path and submitted fields) beside the actor and
meeting. Sending it again with the identical request answers as the first time, re-rendered for
the asker now; with any other request it is refused (`KeyReused`), and so is a malformed key
(`KeyMalformed`): it is never treated as if there were none.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass

from flask import request

from fttm.errors import CommandError
from fttm.languages import gettext as _

HEADER = "Idempotency-Key"
# 8 to 64 ASCII letters, digits, "-" or "_" (fttm's own screens send 32 hex digits).
SHAPE = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Fields that say nothing about what the change is: the CSRF token changes with each page.
NOT_PART_OF_THE_REQUEST = frozenset({"csrf_token"})


@dataclass(frozen=True)
class RequestKey:
    """A client's key for one change, with the fingerprint of the request it came with."""

    value: str
    fingerprint: str | None = None


class KeyMalformed(CommandError):
    """The key is not of the shape keys must have; nothing was done."""

    def __init__(self):
        super().__init__(
            _(
                "This change carried a broken Idempotency-Key, so it was not saved. Reload the "
                "page and try again."
            )
        )


class KeyReused(CommandError):
    """The key was first sent by someone else, or with another request; nothing was done."""

    def __init__(self):
        super().__init__(
            _(
                "This change reused the key of a different change, so it was not saved. Reload "
                "the page and try again."
            )
        )


class AppliedMeanwhile(CommandError):
    """Another try of this same change committed while this one ran: answer it as a replay."""


def as_key(key: RequestKey | str | None) -> RequestKey | None:
    """A `RequestKey` from what a caller passed (commands called directly may pass a string)."""
    if key is None or isinstance(key, RequestKey):
        return key
    return RequestKey(key)


def fingerprint(method: str, path: str, fields: dict[str, list[str]]) -> str:
    """A hash of the request: the same change sent again has the same one, any other does not."""
    kept = {
        name: values
        for name, values in sorted(fields.items())
        if name not in NOT_PART_OF_THE_REQUEST
    }
    text = json.dumps([method.upper(), path, kept], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def request_key() -> RequestKey | None:
    """The key of the change in this request, if it carries one; `KeyMalformed` if it is broken."""
    if HEADER not in request.headers:
        return None
    value = request.headers.get(HEADER, "")
    if not SHAPE.fullmatch(value):
        raise KeyMalformed()
    fields = {name: request.form.getlist(name) for name in request.form}
    return RequestKey(value, fingerprint(request.method, request.path, fields))
