"""What a screen reader hears during a short meeting, and where focus goes after one's own action.

Each board has one live region (#announcer), outside everything a push or an answer replaces. The
test records, on every screen, each line said in it (a MutationObserver), then checks the lines in
order: "Saved" for one's own change, "Ana added a strength" for another's, "You rated 7",
"Safety plan locked", the end of the meeting, and the connection going and coming back, each said
once. After each of one's own actions focus lands on something sensible, never on <body>.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section
from tests.browser.test_live_board import ENDED_TEXT, add_strength, expect_connected, gather

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


def expect_said(page: Page, text: str) -> None:
    """`text` is said in the page's live region (soon)."""
    expect(page.locator("#announcer")).to_contain_text(text, timeout=SAID_WITHIN_MS)


def focused(page: Page) -> str:
    """What has focus: its tag and accessible text, never expected to be BODY."""
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

    open_section(ana, "strengths")
    add_strength(ana, "Ana reads to Maya every night")
    expect_said(ana, "Saved")
    expect_said(rosa, "Ana added a strength")
    expect_said(projector, "Ana added a strength")
    # The box stays, emptied for the next one, and so does focus on its button.
    assert focused(ana) == "BUTTON Add", focused(ana)

    open_section(rosa, "safety_scale")
    rosa.locator("#section-safety_scale").get_by_role("button", name="7", exact=True).click()
    expect_said(rosa, "You rated 7")
    expect_said(ana, "A new rating on the safety scale")
    # The same button, in the re-rendered scale, keeps focus.
    assert focused(rosa) == "BUTTON 7", focused(rosa)

    projector.get_by_text("Lock sections").click()
    projector.get_by_role("button", name="Lock “Safety plan”").click()
    # The answer is in (the bar offers to unlock) before what it said is looked for.
    unlock = projector.get_by_role("button", name="Unlock “Safety plan”")
    expect(unlock).to_be_visible(timeout=SAID_WITHIN_MS)
    expect_said(projector, "Safety plan locked")
    expect_said(ana, "Safety plan locked")
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
    assert focused(ana) == "H2 What's working well", focused(ana)

    # Rosa's phone loses the network and gets it back: each change is said once.
    screens.set_offline(meeting.rosa.context, "rosa", True)
    rosa.evaluate("window.dispatchEvent(new Event('offline'))")
    expect_said(rosa, "Offline")
    screens.set_offline(meeting.rosa.context, "rosa", False)
    expect_connected(rosa)
    screens.back_online("rosa")
    expect_said(rosa, "Connected")

    heard = {"projector": said(projector)}
    projector.once("dialog", lambda dialog: dialog.accept())
    projector.get_by_role("button", name="End the meeting").click()
    expect(projector.get_by_text(ENDED_TEXT)).to_be_visible()
    for phone in (ana, rosa):
        expect_said(phone, "The meeting has ended: do you agree with the plan?")
    # The facilitator's board reloads as the meeting ends: it says so once it is in.
    expect_said(projector, "The meeting has ended")

    heard |= {"ana": said(ana), "rosa": said(rosa)}
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
    # The order a screen reader user on Rosa's phone heard the meeting in (for the closing note).
    print("\n".join(f"{name}: {lines}" for name, lines in heard.items()))
    assert screens.errors == [], "\n".join(screens.errors)
