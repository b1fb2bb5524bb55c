"""Plus / delta at the end of a live meeting, in a real browser: each phone says what helped and
what to change next time, sees only its own words, and the facilitator reads them all in the
meeting's fidelity view (never in the plan).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import expect_fits_screen
from tests.browser.test_agreement_and_review import (
    FACILITATOR_EMAIL,
    end_the_meeting,
    gather,
    reyes_meeting,
)

pytestmark = pytest.mark.browser
served_app = live.served_app
screens = live.screens

MARIA_HELPED = "Being asked first what is going well made it easier to talk."
MARIA_CHANGE = "Send the agenda a day before."
NAN_CHANGE = "A room where the little ones can play."


@pytest.fixture(scope="module")
def seeded_meeting(tmp_path_factory: pytest.TempPathFactory) -> live.SeededMeeting:
    """The Reyes case and a meeting to hold."""
    database = tmp_path_factory.mktemp("plus-delta") / "live.sqlite3"
    return live.seed_database(
        database, reyes_meeting, facilitator="Fran Facilitator", email=FACILITATOR_EMAIL
    )


def say(phone: Page, helped: str, change: str) -> None:
    """Fill in plus and delta on a phone and send them."""
    panel = phone.locator("#my-plus-delta")
    panel.get_by_label("Plus: what helped in this meeting?").fill(helped)
    panel.get_by_label("Delta: what should change next time?").fill(change)
    panel.get_by_role("button", name="Send to the facilitator").click()


def test_each_phone_gives_its_plus_delta_and_the_facilitator_reads_them(
    served_app: ServedApp, screens: Screens
):
    projector, maria, nan = gather(served_app, screens)
    expect(maria.locator("#my-plus-delta")).to_have_count(0)  # asked only at the end
    end_the_meeting(projector)
    for phone in (maria, nan):
        expect(phone.get_by_role("heading", name="Plus / delta")).to_be_visible()
        expect_fits_screen(phone)

    # Sending nothing is refused in words, and nothing is saved.
    maria.locator("#my-plus-delta").get_by_role("button", name="Send to the facilitator").click()
    expect(maria.locator("#my-plus-delta")).to_contain_text(
        "Say what helped, or what should change next time."
    )
    say(maria, MARIA_HELPED, MARIA_CHANGE)
    expect(maria.locator("#my-plus-delta")).to_contain_text(
        "Thank you. The facilitator will read it."
    )
    expect(maria.locator("#my-plus-delta dl")).to_contain_text(MARIA_HELPED)
    screens.shoot(maria, "plus-delta-01-said", "phone", at=maria.locator("#my-plus-delta"))
    say(nan, "", NAN_CHANGE)
    expect(nan.locator("#my-plus-delta dl")).to_contain_text(NAN_CHANGE)
    assert MARIA_HELPED not in nan.content(), "a phone shows someone else's plus/delta"
    assert NAN_CHANGE not in maria.content()

    projector.goto(projector.url.replace("/board/", "/fidelity"))
    answers = projector.locator(".plus-delta-answers")
    expect(answers.get_by_role("row", name="Maria")).to_contain_text(MARIA_HELPED)
    expect(answers.get_by_role("row", name="Maria")).to_contain_text(MARIA_CHANGE)
    expect(answers.get_by_role("row", name="Nan")).to_contain_text(NAN_CHANGE)
    screens.shoot(projector, "plus-delta-02-fidelity", "projector", at=answers)
    projector.goto(projector.url.replace("/fidelity", "/plan"))
    expect(projector.get_by_role("heading", level=1)).to_be_visible()
    assert MARIA_HELPED not in projector.content(), "plus/delta is not part of the plan"
