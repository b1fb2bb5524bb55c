"""Rough edges of a live meeting, each seen in a real browser on the real eventlet server: the
Riveras' review meeting (tests/browser/riveras.py) with the projector and two phones (Ana, a
parent let in as "Ana Rivera" of the family map, and Rosa).
"""

from __future__ import annotations

from contextlib import suppress

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, Route, expect

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import open_section
from tests.browser.test_live_board import SETTLED, cell, first_action_id, gather

pytestmark = pytest.mark.browser
# The real-server fixtures, made available to this module's tests.
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

SHOTS = "test-results/screenshots"


def shoot(page: Page, name: str, at: Locator | None = None) -> None:
    """Save test-results/screenshots/<name>.png, scrolled to `at` when given (a push may have just
    replaced it: the picture is still worth taking).
    """
    if at is not None:
        with suppress(PlaywrightError):
            at.scroll_into_view_if_needed(timeout=2_000)
    page.screenshot(path=f"{SHOTS}/{name}.png", caret="initial")


def transcript_sentences(page: Page, app: ServedApp) -> list[str]:
    """The sentences of the meeting's transcript, as staff read them."""
    page.goto(f"{app.url}/meetings/{app.meeting_id}/transcript")
    return page.locator("#transcript-list .transcript-sentence").all_inner_texts()


@pytest.mark.parametrize("editor", ["projector", "phone"])
def test_two_quick_changes_of_one_cell_are_both_saved(
    served_app: ServedApp, screens: Screens, editor: str
):
    """The status set to In progress, then Done before the first is answered: both are saved,
    in that order, with no conflict; every screen ends on Done.
    """
    meeting = gather(served_app, screens, admit_by_hand=True)
    page = meeting.projector if editor == "projector" else meeting.ana.page
    other = meeting.ana.page if editor == "projector" else meeting.projector
    action = first_action_id(page)
    refused: list[int] = []
    page.on("response", lambda answer: answer.status >= 400 and refused.append(answer.status))
    answered: list[str] = []

    def first_answer_late(route: Route) -> None:
        """Save the first change at once, but hand its answer over a little later: the person
        makes their second choice meanwhile, as on a slow network.
        """
        response = route.fetch()
        if not answered:
            page.wait_for_timeout(700)
        answered.append(route.request.post_data or "")
        route.fulfill(response=response)

    page.route(f"**/board/items/action/{action}", first_answer_late)
    open_section(page, "plan")  # a phone shows one section at a time
    status = cell(page, action, "status")
    status.select_option("in_progress")
    status.select_option("done")

    expect(page.locator(f"#action-{action} .conflict")).to_have_count(0)
    expect(cell(other, action, "status")).to_have_value("done", timeout=SETTLED)
    expect(status).to_have_value("done")
    assert len(answered) == 2, answered
    shoot(page, f"self-conflict-{editor}", page.locator(f"#action-{action}"))
    assert refused == [], "a change was refused"
    expect(page.locator(f"#action-{action} .conflict")).to_have_count(0)
    page.reload()
    expect(cell(page, action, "status")).to_have_value("done")
    sentences = " ".join(transcript_sentences(meeting.projector, served_app))
    assert "status Open → In progress" in sentences
    assert "status In progress → Done" in sentences
    assert screens.errors == [], "\n".join(screens.errors)


def test_who_lists_conflicts_and_the_agreement_panel_read_plainly(
    served_app: ServedApp, screens: Screens
):
    """Ana (let in as Ana Rivera) is offered once; a conflict tells Rosa what she chose in words;
    when the meeting ends the console waits for Ana's answer and asks only why Marcus was away.
    """
    meeting = gather(served_app, screens, admit_by_hand=True)
    projector, ana, rosa = meeting.projector, meeting.ana.page, meeting.rosa.page
    for page in meeting.pages.values():
        open_section(page, "plan")  # a phone shows one section at a time
        labels = page.locator("#new-action-who option").all_inner_texts()
        assert labels.count("Ana Rivera") == 1 and "Ana" not in labels, labels

    action = first_action_id(ana)
    cell(ana, action, "status").select_option("done")
    expect(cell(rosa, action, "status")).to_have_value("done")
    # Rosa's screen missed Ana's change (say, a dropped connection): her form is a version behind.
    rosa.locator(f'[data-cell="action-{action}-status"] input[name="base_version"]').evaluate(
        "field => { field.value = '0'; }"
    )
    cell(rosa, action, "status").select_option("not_done")
    conflict = rosa.locator(f"#action-{action} .conflict")
    expect(conflict).to_contain_text("You chose: Not done")
    expect(conflict).not_to_contain_text("not_done")
    shoot(rosa, "conflict-in-words-phone", conflict)

    projector.once("dialog", lambda dialog: dialog.accept())
    with projector.expect_navigation():
        projector.get_by_role("button", name="End the meeting").click()
    panel = projector.locator("#agreements")
    expect(panel).to_contain_text("Still to record: why Marcus Rivera did not take part.")
    expect(panel).to_contain_text("Waiting for Ana to answer, on their phone or in person.")
    expect(panel).not_to_contain_text("why Ana")
    shoot(projector, "agreement-right-after-the-end", panel)
    assert screens.errors == [], "\n".join(screens.errors)
