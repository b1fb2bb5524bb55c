"""The sequence number a board page carries is never newer than what it shows: a reconnect now
sends only the sections changed after it, so a change counted as shown but missing would stay
missing until its section changed again."""

from __future__ import annotations

import re

from fttm.live import http


def test_a_change_saved_while_the_page_renders_is_sent_on_reconnect(live, maria, monkeypatch):
    """Maria saves a strength while the facilitator's board is being rendered: the page's number
    is the one from before her change, so the reconnecting page asks for it."""
    render = http.render_sections
    before = live.seq()

    def render_then_maria_saves(*args, **kwargs):
        sections = render(*args, **kwargs)
        if not getattr(render_then_maria_saves, "done", False):
            render_then_maria_saves.done = True
            assert maria.add("strength", {"text": "Saved mid-render"}).status_code == 200
        return sections

    monkeypatch.setattr(http, "render_sections", render_then_maria_saves)
    page = live.staff.board().get_data(as_text=True)

    assert "Saved mid-render" not in page
    assert live.seq() == before + 1
    assert int(re.search(r'data-seq="(\d+)"', page).group(1)) == before
