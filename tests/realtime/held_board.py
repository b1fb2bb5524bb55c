"""A screen's board as fttm/static/js/pushes.js and answers.js hold it, for the tests that play
screens without a browser (the crash test's phones, the stateful test's devices).

A page holds its sections at the page's number (`data-seq`). A push of whole sections replaces
them unless a newer rendering is shown, and its number becomes theirs; an item pushed (or
answered) alone replaces that item within its section and is remembered until a newer rendering
of the section comes. Catching up, the screen says what it holds (`held()`): the newest number
seen, each section's newest whole rendering, the items pushed alone since.
"""

from __future__ import annotations

import re

SECTION = re.compile(r'<div id="section-([a-z_]+)" class="section-body')
PAGE_SEQ = re.compile(r'<body[^>]*\sdata-seq="(\d+)"')
CSRF_VALUE = re.compile(r'(name="csrf_token" value=")[^"]*"')
BETWEEN_TAGS = re.compile(r">\s+<")
CLASSES = re.compile(r'class="([^"]*)"')
EMPTY_ITEM = re.compile(r'<li class="empty-item"[^>]*>.*?</li>', re.S)
MOST_HELD_ITEMS = 200  # js/pushes.js MOST_HELD_ITEMS


def _element_end(page: str, start: int) -> int:
    """Where the element opening at `start` ends (its closing tag included)."""
    tag = re.match(r"<(\w+)", page[start:]).group(1)
    depth = 0
    for mark in re.finditer(rf"<(/?){tag}\b", page[start:]):
        depth += -1 if mark.group(1) else 1
        if depth == 0:
            return page.index(">", start + mark.end()) + 1
    raise ValueError(f"<{tag}> at {start} is never closed")


def replace_element(page: str, element_id: str, fresh: str, into: str | None = None) -> str:
    """`page` with its element `element_id` (an item's <li> or <tr>) replaced by `fresh`; or,
    when `page` does not have it, `fresh` added at the end of the list `into`, its "Nothing yet"
    gone (pushes.js `putItem`).
    """
    at = page.find(f'id="{element_id}"')
    if at < 0:
        opening = re.search(rf'<ul [^>]*id="{into}"[^>]*>', page) if into else None
        if opening is None:
            return page
        end = page.index("</ul>", opening.end())
        # js/pushes.js `putItem`: the list's "Nothing yet" goes once it holds an item.
        items = EMPTY_ITEM.sub("", page[opening.end() : end])
        return page[: opening.end()] + items + fresh + page[end:]
    start = page.rfind("<", 0, at)
    return page[:start] + fresh + page[_element_end(page, start) :]


def page_sections(page: str) -> dict[str, str]:
    """The sections a board (or wall) page holds, by name."""
    return {
        found.group(1): page[found.start() : _element_end(page, found.start())]
        for found in SECTION.finditer(page)
    }


def comparable(rendering: str) -> str:
    """A section as a screen shows it, without what differs between two renderings of the same
    board: a page's forms carry its session's CSRF token, pushes an empty one; a page marks its
    viewer's own items (js/marks.js marks pushed ones); an item put in alone sits in its list
    without the blank lines around it."""
    unmarked = CLASSES.sub(lambda found: _without_mine(found[1]), rendering)
    return BETWEEN_TAGS.sub("><", CSRF_VALUE.sub(r'\1"', unmarked)).strip()


def _without_mine(classes: str) -> str:
    """A class attribute without the "mine" mark."""
    return 'class="' + " ".join(name for name in classes.split() if name != "mine") + '"'


class HeldBoard:
    """What one screen shows of the board, kept as js/pushes.js keeps it."""

    def __init__(self, page: str) -> None:
        found = PAGE_SEQ.search(page)
        assert found, "the page says no sequence number"
        self.page_seq = int(found[1])
        self.sections = page_sections(page)
        assert self.sections, "the page holds no section"
        self.last_seq = 0
        self.section_seq: dict[str, int] = {}  # js/pushes.js `sectionSeq`
        # js/pushes.js `itemPushes`: element id -> (seq, section, html, list) of items alone
        self.item_pushes: dict[str, tuple[int, str, str, str | None]] = {}

    def shown_seq(self, section: str) -> int:
        """The number of the newest whole rendering of `section` shown (the page's, at first)."""
        return self.section_seq.get(section, self.page_seq)

    def note_seq(self, seq) -> None:
        """Remember the highest sequence number seen (js/pushes.js `noteSeq`)."""
        if isinstance(seq, int) and seq > self.last_seq:
            self.last_seq = seq

    def held(self) -> dict:
        """What the screen says it holds when it catches up (js/pushes.js `heldBoard`)."""
        sections = {name: self.shown_seq(name) for name in self.sections}
        newest = sorted(self.item_pushes.items(), key=lambda pair: -pair[1][0])
        items = {element: pushed[0] for element, pushed in newest[:MOST_HELD_ITEMS]}
        since = max(self.last_seq, *sections.values(), *items.values())
        return {"since": since, "sections": sections, "items": items}

    def take_update(self, message: dict) -> None:
        """A `board:update`: its sections, unless newer ones are shown, then its items."""
        seq = message.get("seq")
        self.note_seq(seq)
        for name, rendering in (message.get("sections") or {}).items():
            if isinstance(seq, int):
                if seq < self.shown_seq(name):
                    continue  # older than what the screen shows: pushes can cross on the way
                self.section_seq[name] = seq
            self.sections[name] = rendering
            self._reapply_items(name, seq)
        for item in message.get("items") or []:
            self.take_item(seq, item)

    def take_item(self, seq: int, item: dict) -> bool:
        """An item alone (pushed, or the sender's answer), unless what is held is newer."""
        if seq < self.shown_seq(item["section"]):
            return False  # the section held is newer
        if seq < self.item_pushes.get(item["id"], (0,))[0]:
            return False
        self.item_pushes[item["id"]] = (seq, item["section"], item["html"], item.get("list"))
        self._put_item(item["section"], item["id"], item["html"], item.get("list"))
        return True

    def take_section_answer(self, section: str, seq: int | None, rendering: str) -> bool:
        """The sender's own answer of a whole section (js/answers.js), unless a newer rendering
        is shown; the section then holds everything up to its number (js/pushes.js
        `noteSectionSeq`)."""
        if seq is not None and seq < self.shown_seq(section):
            return False
        if seq is not None:
            self.section_seq[section] = max(seq, self.shown_seq(section))
        self.sections[section] = rendering
        self._reapply_items(section, seq)
        return True

    def _put_item(self, section: str, element_id: str, rendering: str, into=None) -> None:
        """An item alone, in place of itself in its section (or new, in its list)."""
        self.sections[section] = replace_element(
            self.sections.get(section, ""), element_id, rendering, into
        )

    def _reapply_items(self, section: str, seq) -> None:
        """A section at `seq` is in: put back its items pushed alone since (js/pushes.js)."""
        for element_id, (item_seq, item_section, rendering, into) in list(self.item_pushes.items()):
            if item_section != section:
                continue
            if isinstance(seq, int) and item_seq > seq:
                self._put_item(section, element_id, rendering, into)
            else:
                del self.item_pushes[element_id]
