"""What a screen reader hears during a short meeting, and where focus goes after one's own action.

Each board has one live region (#announcer), outside everything a push or an answer replaces. The
test listens on every screen to what Chromium's accessibility tree gives a screen reader: its live
regions (there must be one, polite) and each line added to it, in order. A MutationObserver on the
page's own region cross-checks the same lines. It checks "Saved" for one's own change, "Ana added a
strength" for another's, "You rated 7", "Safety plan locked", the end of the meeting, and the
connection going and coming back, each said once; and a conflict, and words the end of the meeting
left unsent, said once, with no second live region appearing. After each of one's own actions
focus lands on something sensible, never on <body>.

The lines heard are written to test-results/screen-reader.txt.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section
from tests.browser.test_live_board import ENDED_TEXT, add_strength, expect_connected, gather
from tests.browser.test_typing_kept import board_path, post_from, projector_and_ana, type_half

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

RECORD_SAID = """() => {
  window.__said = [];
  const region = document.getElementById("announcer");
  new MutationObserver((changes) => {
    for (const change of changes) {
      change.addedNodes.forEach((node) => { window.__said.push(node.textContent); });
    }
  }).observe(region, { childList: true });
}"""


def record_said(page: Page) -> None:
    """From now on, keep every line said in the page's live region."""
    page.evaluate(RECORD_SAID)


def said(page: Page) -> list[str]:
    """Every line said in the page's live region since `record_said`, in order."""
    return page.evaluate("window.__said")


# Generous: on a loaded CI machine an answer and a push can each take seconds.
SAID_WITHIN_MS = 15_000
# Focus is put back a moment after the swap that took it away; never left on <body>.
FOCUS_BACK_MS = 2_000


def expect_said(page: Page, text: str) -> None:
    """`text` is said in the page's live region (soon)."""
    expect(page.locator("#announcer")).to_contain_text(text, timeout=SAID_WITHIN_MS)


class Ear:
    """What a screen reader on `page` is given to say, read from Chromium's accessibility tree
    (DevTools' Accessibility domain): the page's live regions, and each line added to them, in
    the order heard. `listen` must be called within the 20 s a line stays in the region."""

    def __init__(self, page: Page):
        self.cdp = page.context.new_cdp_session(page)
        self.heard: list[str] = []
        self._known: set[tuple[str, int]] = set()
        self.listen()
        self.heard.clear()  # from now on: lines said before are not heard again

    def live_regions(self) -> list[tuple[dict, dict]]:
        """Each live region Chromium exposes (its node, and every node of the tree by id)."""
        nodes = self.cdp.send("Accessibility.getFullAXTree")["nodes"]
        by_id = {node["nodeId"]: node for node in nodes}
        roots = [
            node
            for node in nodes
            if not node.get("ignored")
            and any(
                p["name"] == "live" and p["value"]["value"] != "off"
                for p in node.get("properties", [])
            )
        ]
        return [(root, by_id) for root in roots]

    def listen(self) -> list[str]:
        """Hear the lines added since last time; there must be exactly one live region, polite."""
        regions = self.live_regions()
        described = [
            (root.get("role", {}).get("value"), _text(root, by_id)) for root, by_id in regions
        ]
        assert len(regions) == 1, f"live regions in the accessibility tree: {described}"
        root, by_id = regions[0]
        live = next(p["value"]["value"] for p in root["properties"] if p["name"] == "live")
        assert live == "polite", live
        document = self.cdp.send("Runtime.evaluate", {"expression": "document.timeOrigin"})
        for child_id in root.get("childIds", []):
            line = by_id.get(child_id)
            if line is None or line.get("ignored"):
                continue
            key = (str(document["result"].get("value")), line.get("backendDOMNodeId", 0))
            if key not in self._known:
                self._known.add(key)
                self.heard.append(_text(line, by_id))
        return self.heard


def _text(node: dict, by_id: dict) -> str:
    """The words of `node`'s text descendants, in order, as a screen reader reads them."""
    if node.get("role", {}).get("value") == "StaticText":
        return node.get("name", {}).get("value", "")
    words = (_text(by_id[child], by_id) for child in node.get("childIds", []) if child in by_id)
    return " ".join(word for word in words if word).strip()


HEARD_FILE = Path("test-results") / "screen-reader.txt"


def write_heard(story: str, heard: dict[str, list[str]]) -> None:
    """Keep what each screen's reader heard in test-results/screen-reader.txt (for the record)."""
    HEARD_FILE.parent.mkdir(parents=True, exist_ok=True)
    with HEARD_FILE.open("a", encoding="utf-8") as out:
        out.write(f"# {story}\n")
        for name, lines in heard.items():
            out.write(
                f"{name}:\n"
                + "".join(f"  {number}. {line}\n" for number, line in enumerate(lines, 1))
            )


def focused(page: Page) -> str:
    """What has focus: its tag and accessible text, never expected to be BODY. The page puts focus
    back a moment after a swap took the focused control away (after htmx settles), so a moment is
    allowed before reading it."""
    # Read it anyway after the wait: the assertion names where focus is.
    with contextlib.suppress(PlaywrightTimeoutError):
        page.wait_for_function(
            "() => document.activeElement && document.activeElement !== document.body",
            timeout=FOCUS_BACK_MS,
        )
    return page.evaluate(
        """() => { const a = document.activeElement; if (!a) { return ''; }
        const name = a.getAttribute('aria-label') || a.textContent || a.value || '';
        return a.tagName + ' ' + name.trim(); }"""
    )


def test_a_short_meeting_as_a_screen_reader_hears_it(served_app: ServedApp, screens: Screens):
    """Two phones and the projector, each hearing the others' changes and their own, once."""
    meeting = gather(served_app, screens)
    projector, ana, rosa = meeting.projector, meeting.ana.page, meeting.rosa.page
    live_regions = "[aria-live], [role=status], [role=alert], [role=log]"
    for page in (projector, ana, rosa):
        # One live region on the board: nothing a push replaces speaks by itself.
        expect(page.locator(live_regions)).to_have_count(1)
        expect(page.locator("#announcer")).to_have_attribute("aria-live", "polite")
        record_said(page)
    ears = {"projector": Ear(projector), "ana": Ear(ana), "rosa": Ear(rosa)}

    def listen() -> None:
        for ear in ears.values():
            ear.listen()

    open_section(ana, "strengths")
    add_strength(ana, "Ana reads to Maya every night")
    expect_said(ana, "Saved")
    expect_said(rosa, "Ana added a strength")
    expect_said(projector, "Ana added a strength")
    listen()
    # The box stays, emptied for the next one, and so does focus on its button.
    assert focused(ana) == "BUTTON Add", focused(ana)

    open_section(rosa, "safety_scale")
    rosa.locator("#section-safety_scale").get_by_role("button", name="7", exact=True).click()
    expect_said(rosa, "You rated 7")
    expect_said(ana, "A new rating on the safety scale")
    listen()
    # The same button, in the re-rendered scale, keeps focus.
    assert focused(rosa) == "BUTTON 7", focused(rosa)

    projector.get_by_text("Lock sections").click()
    projector.get_by_role("button", name="Lock “Safety plan”").click()
    # The answer is in (the bar offers to unlock) before what it said is looked for.
    unlock = projector.get_by_role("button", name="Unlock “Safety plan”")
    expect(unlock).to_be_visible(timeout=SAID_WITHIN_MS)
    expect_said(projector, "Safety plan locked")
    expect_said(ana, "Safety plan locked")
    listen()
    # The same control, in the re-rendered bar, unfolded again as the facilitator had it.
    assert focused(projector) == "BUTTON Unlock “Safety plan”", focused(projector)

    # The facilitator makes Rosa's strength confidential: the button becomes its opposite, and
    # keeps focus; the phones see the strength go and are told nothing.
    show = projector.locator("#section-strengths li.item").filter(has_text="Grandma Rosa picks")
    show.get_by_role("button", name="Make confidential").click()
    expect(show.get_by_role("button", name="Share with everyone")).to_be_visible()
    assert focused(projector).startswith("BUTTON Share with everyone"), focused(projector)
    expect(ana.locator("#section-strengths")).not_to_contain_text("Grandma Rosa picks")

    # Ana deletes her strength: the item is gone, so focus lands in its section.
    mine = ana.locator("#section-strengths li.item").filter(has_text="Ana reads to Maya")
    # Right after adding: the box folds as focus leaves it, but not under her finger.
    ana.once("dialog", lambda dialog: dialog.accept())
    mine.get_by_role("button", name="Delete").click()
    expect(mine).to_have_count(0)
    expect_said(ana, "Saved")
    expect_said(projector, "Ana removed something from “What's working well”")
    listen()
    assert focused(ana) == "H2 What's working well", focused(ana)

    # Rosa's phone loses the network and gets it back: each change is said once.
    screens.set_offline(meeting.rosa.context, "rosa", True)
    rosa.evaluate("window.dispatchEvent(new Event('offline'))")
    expect_said(rosa, "Offline")
    listen()
    screens.set_offline(meeting.rosa.context, "rosa", False)
    expect_connected(rosa)
    screens.back_online("rosa")
    expect_said(rosa, "Connected")
    listen()

    heard = {"projector": said(projector)}
    assert ears["projector"].heard == heard["projector"]  # the tree gave what the page said
    projector.once("dialog", lambda dialog: dialog.accept())
    projector.get_by_role("button", name="End the meeting").click()
    expect(projector.get_by_text(ENDED_TEXT)).to_be_visible()
    for phone in (ana, rosa):
        expect_said(phone, "The meeting has ended: do you agree with the plan?")
    # The facilitator's board reloads as the meeting ends: it says so once it is in.
    expect_said(projector, "The meeting has ended")
    listen()

    heard |= {"ana": said(ana), "rosa": said(rosa)}
    for name in ("ana", "rosa"):
        assert ears[name].heard == heard[name], (ears[name].heard, heard[name])
    assert ears["projector"].heard == [*heard["projector"], "The meeting has ended"]
    for name, lines in heard.items():
        repeated = {line for line in lines if lines.count(line) > 1}
        assert not repeated - {"Saved"}, f"{name} heard twice: {repeated}\n{lines}"
        assert "Connecting…" not in lines
    assert heard["ana"][:4] == [
        "Saved",
        "A new rating on the safety scale",
        "Safety plan locked",
        "Saved",  # each of her own saves is said, even twice in a row
    ], heard["ana"]
    assert "Ana added a strength" not in heard["ana"]  # her own change: her answer said "Saved"
    write_heard("a short meeting", {name: ear.heard for name, ear in ears.items()})
    assert screens.errors == [], "\n".join(screens.errors)


def test_a_conflict_and_words_left_unsent_are_said_once(served_app: ServedApp, screens: Screens):
    """Ana's save of a strength the facilitator changed meanwhile, and her half-typed strength
    when the meeting ends: each is said once, in the one live region; the messages on the board
    are not live regions of their own."""
    projector, ana = projector_and_ana(served_app, screens, "phone")
    ear = Ear(ana)
    record_said(ana)
    open_section(ana, "strengths")
    section = ana.locator("#section-strengths")
    add_strength(ana, "Rosa helps")
    item = section.locator("li.item").filter(has_text="Rosa helps")
    strength = int(item.get_attribute("id").rsplit("-", 1)[1])
    item.locator("details.edit > summary").click()
    field = item.locator("textarea")
    field.fill("Rosa helps every week")
    path = board_path(served_app, f"items/strength/{strength}")
    assert post_from(projector, path, {"text": "Rosa helps a lot", "base_version": "1"}) == 200
    expect(item).to_contain_text("Rosa helps a lot")
    item.locator("details.edit").get_by_role("button", name="Save").click()  # answered 409
    expect(item.locator(".conflict")).to_be_visible()
    conflict = "Someone changed this while you were editing, so your change was not saved."
    expect_said(ana, conflict)
    ear.listen()

    type_half(section.get_by_label("Add a strength"))
    assert post_from(projector, f"/meetings/{served_app.meeting_id}/end", {}) in (200, 204)
    expect(ana.locator(".not-sent")).to_contain_text("not sent: the meeting ended")
    expect_said(ana, "not sent: the meeting ended")
    expect_said(ana, "The meeting has ended: do you agree with the plan?")
    heard = ear.listen()  # one live region still: the boxes shown are not live regions

    assert heard == said(ana), (heard, said(ana))
    assert sum(line.startswith(conflict) for line in heard) == 1, heard
    assert len([line for line in heard if "not sent: the meeting ended" in line]) == 1, heard
    write_heard("a conflict, then the end with words unsent", {"ana": heard})
    assert screens.errors == [], "\n".join(screens.errors)
