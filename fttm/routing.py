"""Ids in URLs: only numbers every supported database can hold.

PostgreSQL's `integer` stops at 2**31 - 1 and SQLite's at 2**63 - 1; a larger id in a query is a
driver error (a 500), not "no such row". Every `<int:...>` of every route goes through the
converter below, so an id past the range answers 404 before any view runs, as any id of
nothing does.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import unquote, urlsplit

from flask import Flask
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

# The largest id any of our tables can hold: PostgreSQL's `integer` (32-bit, signed).
MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` for ids: 0 to MAX_ID; anything longer or larger matches no route."""

    # ASCII digits (\d would take "٣" as 3), ten at most: a megabyte of digits is refused by
    # the regex, before int() reads it.
    regex = r"[0-9]{1,10}"

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)

    def to_python(self, value: str) -> int:
        """The id in the path; 404 when it is past the range.

        Werkzeug's own refusal (ValidationError) answers 405 where a GET rule and a POST rule
        share the path: the GET rule was passed over for its method before the id was read.
        """
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def init_app(app: Flask) -> None:
    """Make every `<int:...>` an id converter; call before any blueprint is registered."""
    app.url_map.converters["int"] = IdConverter


# The longest `next` address a sign-in or language switch goes back to.
MAX_NEXT_LENGTH = 2000


def safe_next(target: str | None) -> str | None:
    """`next` if it is a plain path on this site, else None.

    Browsers forgive a lot: they drop tabs and newlines from a URL, read a backslash as a slash
    and "//host" as another site, so "/%09/evil" or "/%5Cevil" would leave the site. Refuse
    anything that is not one slash followed by printable, space-free text, before and after
    decoding, with neither scheme nor host.
    """
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    for text in (target, unquote(target)):
        if not text.startswith("/") or text.startswith("//") or "\\" in text:
            return None
        if any(char.isspace() or unicodedata.category(char).startswith("C") for char in text):
            return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target
