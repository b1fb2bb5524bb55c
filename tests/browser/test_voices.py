"""Voices not in the room in a real browser: a child's drawing (a PNG carrying a phone's GPS and
camera) is added from the console, reaches the wall and a phone live, with no location kept, and
is in the family's copy PDF; each refused upload says why on the page and saves nothing.

Screenshots: test-results/screenshots/live-voices-*.png and <viewport>-voices-*.png.
"""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from fttm.auth.models import User
from fttm.extensions import db
from fttm.voices.models import AbsentVoice
from tests import factories
from tests.browser import live
from tests.browser.live import Screens, ServedApp
from tests.browser.pages import BrowserErrors, LiveServer, expect_fits_screen
from tests.browser.test_live_board import gather
from tests.helpers import count
from tests.voices import samples
from tests.voices.helpers import a_day_come_everywhere

pytestmark = pytest.mark.browser
seeded_meeting, served_app, screens = live.seeded_meeting, live.served_app, live.screens

WORDS = "I like my three houses: Mum's, Nan's and school"
DESCRIPTION = "A drawing of three houses in red, green and blue"


def fill_voice(form, *, picture: bytes, name: str, mime: str) -> None:
    """Fill the add-a-voice form for Leo's drawing, through his teacher."""
    form.get_by_label("A child, through someone they trust").check()
    form.get_by_label("Their name").fill("Leo")
    form.get_by_label("Through whom (needed for a child)").fill("Ms Park")
    form.get_by_label("Their role (teacher, foster carer, advocate…)").fill("teacher")
    form.get_by_label("Given on").fill(a_day_come_everywhere().isoformat())
    form.get_by_label("What it speaks to").select_option(label="What's working well")
    form.get_by_label("Their words, as they said them").fill(WORDS)
    form.get_by_label("A picture (optional): a drawing, or a photo of one").set_input_files(
        {"name": name, "mimeType": mime, "buffer": picture}
    )
    form.get_by_label("What the picture shows, in words").fill(DESCRIPTION)
    form.get_by_label("They agreed to it being shown to the family").check()


def expect_picture_shown(page: Page) -> None:
    """The drawing is on the page and the browser could decode it."""
    picture = page.get_by_role("img", name=DESCRIPTION).first
    expect(picture).to_be_visible()
    picture.scroll_into_view_if_needed()
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
    )


def test_a_childs_drawing_reaches_the_wall_a_phone_and_the_family_copy(
    served_app: ServedApp, screens: Screens
):
    meeting = gather(served_app, screens)
    projector, ana = meeting.projector, meeting.ana.page

    console = projector.locator("#console")
    console.get_by_text("Add a voice not in the room").click()
    form = console.locator("form.voice-form")
    fill_voice(form, picture=samples.drawing_png_with_gps(), name="houses.png", mime="image/png")
    screens.shoot(projector, "voices-01-form", "projector", at=form)
    form.get_by_role("button", name="Add this voice").click()

    strengths = projector.locator("#section-strengths")
    expect(strengths.locator(".voice")).to_contain_text("Leo, through Ms Park (teacher)")
    expect(strengths.locator(".voice")).to_contain_text("They agreed to this being shown")
    expect_picture_shown(projector)
    screens.shoot(projector, "voices-02-console", "projector", at=strengths.locator(".voice"))

    # The phone was sent it live, in the section it speaks to.
    phone_voice = ana.locator("#section-strengths .voice")
    expect(phone_voice).to_contain_text(WORDS)
    expect(phone_voice).not_to_contain_text("Change or remove")
    expect_picture_shown(ana)
    screens.shoot(ana, "voices-03-phone", "phone", at=phone_voice)

    # The wall (a family screen) shows it too.
    wall = projector.context.new_page()
    wall.set_viewport_size({"width": 1366, "height": 768})
    wall.goto(f"{served_app.url}/meetings/{served_app.meeting_id}/wall/")
    expect(wall.locator("#section-strengths .voice")).to_contain_text(WORDS)
    expect_picture_shown(wall)
    screens.shoot(wall, "voices-04-wall", "projector", at=wall.locator("#section-strengths .voice"))

    # What the screens were sent has no location and no camera.
    source = ana.get_by_role("img", name=DESCRIPTION).first.get_attribute("src")
    sent = ana.request.get(f"{served_app.url}{source}")
    assert sent.headers["content-type"] == "image/png"
    assert sent.headers["x-content-type-options"] == "nosniff"
    kept = samples.metadata_of(sent.body())
    assert kept["gps"] == {} and kept["exif"] == {} and samples.CAMERA.encode() not in sent.body()

    projector.once("dialog", lambda dialog: dialog.accept())
    projector.get_by_role("button", name="End the meeting").click()
    expect(projector.get_by_text("This meeting has ended.").first).to_be_visible()
    copy = f"{served_app.url}/meetings/{served_app.meeting_id}/plan/family"
    ana.goto(copy)
    expect(ana.get_by_role("heading", name="Our family plan")).to_be_visible()
    expect_picture_shown(ana)
    screens.shoot_whole(ana, "voices-05-family-copy", "phone")
    pdf = ana.request.get(f"{copy}.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf.body()))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Ms Park" in text and "three houses" in text
    images = [image for page in reader.pages for image in page.images]
    assert images, "the family copy PDF has no picture"
    assert any(image.image.size == (240, 160) for image in images)


REFUSED = [
    ("wrong-type", samples.gif, "drawing.gif", "image/gif", "Pictures must be PNG or JPEG"),
    ("too-large", samples.too_large, "drawing.png", "image/png", "larger than 5 MB"),
    (
        "not-an-image",
        lambda: samples.NOT_AN_IMAGE,
        "drawing.png",
        "image/png",
        "not a picture fttm can read",
    ),
    ("script", lambda: samples.SCRIPT, "drawing.jpg", "image/jpeg", "holds text or a script"),
]


@pytest.fixture
def scheduled(live_server: LiveServer) -> int:
    """A scheduled meeting of a new case; its id."""
    with live_server.app.app_context():
        facilitator = db.session.get(User, live_server.facilitator_id)
        meeting = factories.make_meeting(facilitator, factories.make_case(facilitator))
        meeting_id = meeting.id
        db.session.remove()
    return meeting_id


def test_refused_uploads_say_why_and_save_nothing(
    page: Page, live_server: LiveServer, scheduled: int, browser_errors: BrowserErrors, shoot
):
    page.goto(f"{live_server.url}/login")
    page.get_by_label("Email", exact=True).fill(live_server.email)
    page.get_by_label("Password", exact=True).fill(live_server.password)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/meetings/{scheduled}")
    page.get_by_text("Add a voice", exact=True).click()
    for step, (name, make, filename, mime, words) in enumerate(REFUSED, start=1):
        form = page.locator("form.voice-form")
        fill_voice(form, picture=make(), name=filename, mime=mime)
        form.get_by_role("button", name="Add this voice").click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("The voice was not saved")
        expect(summary).to_contain_text(words)
        expect(page.locator(".field.has-error #voice-picture")).to_be_visible()
        expect(page.get_by_label("Their name")).to_have_value("Leo")  # kept for the next try
        expect_fits_screen(page)
        shoot(page, f"voices-refused-{step}-{name}")
        with live_server.app.app_context():
            assert count(AbsentVoice) == 0
            db.session.remove()
    # And a good picture, after all that, is taken.
    fill_voice(
        page.locator("form.voice-form"),
        picture=samples.photo_jpeg_with_gps(),
        name="photo.jpg",
        mime="image/jpeg",
    )
    page.locator("form.voice-form").get_by_role("button", name="Add this voice").click()
    expect(page.get_by_text("The voice was added.")).to_be_visible()
    expect_picture_shown(page)
    shoot(page, "voices-added")
    with live_server.app.app_context():
        assert count(AbsentVoice) == 1
        db.session.remove()
    assert browser_errors == []
