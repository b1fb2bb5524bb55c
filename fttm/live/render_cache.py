"""What one request has already loaded or rendered of a meeting's board, so that its own answer
does not do it twice: a change is pushed to both audiences first, then answered to its sender with
the same HTML, as long as the board is still at the sequence number it was rendered at.

One cache per request (kept on `flask.g` under one name); outside a request, each call gets a
fresh, empty one, so nothing is ever shared between requests or people. Every rendering is kept
under the language it was made in (`rendering_key`): a push in French never answers in English.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, has_app_context
from markupsafe import Markup

from fttm.languages import rendering_key


@dataclass
class RenderCache:
    """Board renderings of one request, each valid only at the sequence number it was made at."""

    # (meeting id, seq) -> what every section refers to (`board_basics`; the same in every
    # language: its "who" options are made in each language they are shown in)
    basics: dict[tuple[int, int], dict] = field(default_factory=dict)
    # (language, meeting id, audience) -> (seq, {section name: html})
    sections: dict[tuple[str, int, str], tuple[int, dict]] = field(default_factory=dict)
    # (language, meeting id, audience, element id) -> (seq, html)
    items: dict[tuple[str, int, str, str], tuple[int, Markup]] = field(default_factory=dict)

    def basics_at(self, meeting_id: int, seq: int) -> dict | None:
        """The board's basics loaded at `seq`, if this request loaded them."""
        return self.basics.get((meeting_id, seq))

    def keep_basics(self, meeting_id: int, seq: int, basics: dict) -> None:
        """Remember the basics loaded at `seq` (only the latest: the board moves on)."""
        self.basics = {(meeting_id, seq): basics}

    def keep_sections(self, meeting_id: int, audience: str, seq: int, sections: dict) -> None:
        """Remember sections just pushed to an audience at `seq`."""
        self.sections[(rendering_key(), meeting_id, audience)] = (seq, sections)

    def section_at(self, meeting_id: int, audience: str, name: str, seq: int) -> Markup | None:
        """A section as this request pushed it to the audience, if that was at `seq`."""
        pushed_seq, sections = self.sections.get(
            (rendering_key(), meeting_id, audience), (None, {})
        )
        return sections.get(name) if pushed_seq == seq else None

    def has_section(self, meeting_id: int, audience: str, name: str) -> bool:
        """Whether this request pushed that section to the audience at all."""
        return name in self.sections.get((rendering_key(), meeting_id, audience), (None, {}))[1]

    def keep_item(self, meeting_id: int, audience: str, element_id: str, seq: int, html) -> None:
        """Remember an item just pushed to an audience at `seq`."""
        self.items[(rendering_key(), meeting_id, audience, element_id)] = (seq, html)

    def item_at(self, meeting_id: int, audience: str, element_id: str, seq: int) -> Markup | None:
        """An item as this request pushed it to the audience, if that was at `seq`."""
        key = (rendering_key(), meeting_id, audience, element_id)
        pushed_seq, html = self.items.get(key, (None, None))
        return html if pushed_seq == seq else None


def render_cache() -> RenderCache:
    """This request's render cache (a fresh one outside a request)."""
    if not has_app_context():
        return RenderCache()
    if "render_cache" not in g:
        g.render_cache = RenderCache()
    return g.render_cache
