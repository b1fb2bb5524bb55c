"""Each person reads fttm in their language: a phone starts in its browser's, switches in one tap
and is remembered; staff keep theirs in their account; the wall speaks the facilitator's choice,
or two languages for a bilingual room. Pushes are rendered once per audience and language
present, and each screen gets its own language only. What people type is never translated.
"""

from __future__ import annotations

import re
from collections import Counter

from flask_babel import get_locale

from fttm.auth.models import User
from fttm.extensions import db
from fttm.live import pushes, sections
from fttm.meetings.models import Meeting
from tests.helpers import participant_named

FRENCH = {"Accept-Language": "fr-CA,fr;q=0.9,en;q=0.5"}
STRENGTHS_FR = "Ce qui va bien"
# A framework's title is data, escaped in the page like anything typed (config/frameworks).
STRENGTHS_EN = "What&#39;s working well"


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def _choose(screen, language: str, next_path: str = "/", meeting: int | None = None):
    data = {"language": language, "next": next_path, "csrf_token": screen.csrf}
    if meeting is not None:
        data["meeting"] = str(meeting)
    return screen.browser.post("/language", data=data)


def test_a_french_browser_gets_the_join_page_in_french(app):
    page = app.test_client().get("/join", headers=FRENCH, follow_redirects=True)
    html = page.get_data(as_text=True)
    assert _lang(html) == "fr-CA"
    assert "English" in html  # the switch offers the other language, named in itself
    english = app.test_client().get(
        "/join", headers={"Accept-Language": "en-US"}, follow_redirects=True
    )
    assert _lang(english.get_data(as_text=True)) == "en"


def test_a_phone_joins_in_its_browsers_language_and_switches_in_one_tap(live):
    phone = live.phone("Rosa", "relative")
    rosa = participant_named(live.id, "Rosa")
    assert rosa.language == "en"
    board = phone.board().get_data(as_text=True)
    assert STRENGTHS_EN in board and _lang(board) == "en"

    answer = _choose(phone, "fr_CA", f"/meetings/{live.id}/board/", meeting=live.id)
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/meetings/{live.id}/board/")
    assert participant_named(live.id, "Rosa").language == "fr_CA"
    board = phone.board().get_data(as_text=True)
    assert STRENGTHS_FR in board and _lang(board) == "fr-CA"
    # Staff looking at the same board still read English.
    assert STRENGTHS_EN in live.staff.board().get_data(as_text=True)


def test_an_unknown_language_is_refused_with_a_message_and_nothing_changes(live, maria):
    before = participant_named(live.id, "Maria").language
    answer = _choose(maria, "tlh", f"/meetings/{live.id}/board/", meeting=live.id)
    assert answer.status_code == 303
    assert participant_named(live.id, "Maria").language == before
    page = maria.board().get_data(as_text=True)
    assert "That language is not available" in page


def test_a_removed_phone_switches_only_its_browser_and_writes_nothing(live, maria):
    """A phone whose participant was removed holds a revoked token: its switch changes the
    language of its own pages (the cookie), never the removed participant's row."""
    live.remove(maria)
    before = participant_named(live.id, "Maria").language
    answer = _choose(maria, "fr_CA", "/join", meeting=live.id)
    assert answer.status_code == 303
    assert participant_named(live.id, "Maria").language == before == "en"
    page = maria.browser.get("/join", follow_redirects=True).get_data(as_text=True)
    assert _lang(page) == "fr-CA"


def test_staff_keep_their_language_in_their_account(live):
    answer = _choose(live.staff, "fr_CA", f"/meetings/{live.id}/board/")
    assert answer.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, live.facilitator.id).language == "fr_CA"
    html = live.staff.board().get_data(as_text=True)
    assert STRENGTHS_FR in html and _lang(html) == "fr-CA"


def test_pushes_are_rendered_once_per_audience_and_language_and_reach_only_their_screens(
    live, maria, nan, monkeypatch
):
    _choose(nan, "fr_CA", "/", meeting=live.id)
    sockets = {
        "staff": live.socket(live.staff),
        "maria": live.socket(maria),
        "maria_again": live.socket(maria),
        "nan": live.socket(nan),
    }
    live.drain()
    rendered: Counter = Counter()
    render_item = sections.render_item

    def counted(meeting, kind, item, audience, **kwargs):
        rendered[(audience, str(get_locale()))] += 1
        return render_item(meeting, kind, item, audience, **kwargs)

    monkeypatch.setattr(pushes, "render_item", counted)
    typed = "Maria cuisine avec Leo le dimanche"
    assert maria.add("strength", {"text": typed}).status_code == 200

    texts = {name: str(socket.updates()) for name, socket in sockets.items()}
    for name in ("maria", "maria_again"):
        assert "Maria cuisine avec Leo le dimanche" in texts[name]  # typed words stay as typed
    assert "Maria cuisine avec Leo le dimanche" in texts["nan"]
    # Each screen in its own language, and only that.
    assert "Supprimer" in texts["nan"] and "Delete" not in texts["nan"]
    assert "Delete" in texts["maria"] and "Supprimer" not in texts["maria"]
    # Rendered once for staff, once for English phones, once for the French phone (the
    # sender's own answer reuses the English family rendering).
    assert rendered == {("family", "fr_CA"): 1, ("family", "en"): 1, ("staff", "en"): 1}


def test_the_wall_speaks_the_facilitators_choice_and_both_languages_for_a_bilingual_room(live):
    wall = f"/meetings/{live.id}/wall/"
    html = live.staff.browser.get(wall).get_data(as_text=True)
    assert _lang(html) == "en" and STRENGTHS_FR not in html

    steer = live.staff.post(f"/meetings/{live.id}/wall/steer", {"language": "fr_CA+en"})
    assert steer.status_code == 200
    db.session.expire_all()
    assert db.session.get(Meeting, live.id).wall_language == "fr_CA+en"
    html = live.staff.browser.get(wall).get_data(as_text=True)
    assert _lang(html) == "fr-CA"
    assert STRENGTHS_FR in html
    assert '<span class="also" lang="en">What&#39;s working well</span>' in html
    # The console itself stays in its reader's language.
    assert STRENGTHS_EN in live.staff.board().get_data(as_text=True)

    refused = live.staff.post(f"/meetings/{live.id}/wall/steer", {"language": "de"})
    assert refused.status_code == 400
    assert "The wall cannot speak that language." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, live.id).wall_language == "fr_CA+en"
