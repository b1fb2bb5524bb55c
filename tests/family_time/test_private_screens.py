"""Private family time over HTTP and Socket.IO, adversarially: every byte a staff screen receives
while the family drafts (console page, fragments, pushes, catch-up, transcript, exports) holds
none of the drafts' words; family phones and the wall see them live; after sharing, staff see
everything, each item in its writer's name."""

from __future__ import annotations

import json

import pytest

from fttm.board.models import Strength
from fttm.core.registry import board_sections
from fttm.extensions import db
from fttm.family_time.models import FamilyDraft
from tests.helpers import footprint, latest_id, page_csrf
from tests.live_meeting import outsider

SECRETS = {
    "strength": ("text", "Maria sings Leo to sleep every night"),
    "worry": ("text", "The rent is three months behind"),
    "action": ("what", "Nan collects Leo from school on Tuesdays"),
    "safety_step": ("text", "Leo calls Nan if Dad is drinking"),
}
EDITED = "Maria and Tom sing Leo to sleep every night"
EVERY_SECTION = ("status", *board_sections())


def _start(live):
    answer = live.staff.post(f"/meetings/{live.id}/family-time/start")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer


def _draft(phone, what: str, **extra):
    field, words = SECRETS[what]
    answer = phone.add(what, {field: words, **extra})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    return answer


def _staff_bytes(live, *sockets) -> str:
    """Everything a staff screen holds or can fetch now."""
    browser = live.staff.browser
    seen = [json.dumps(socket.received()) for socket in sockets]
    seen.append(live.staff.board().get_data(as_text=True))
    seen += [live.staff.section(name).get_data(as_text=True) for name in EVERY_SECTION]
    for path in (
        f"/meetings/{live.id}/transcript",
        f"/meetings/{live.id}/transcript/board",
        f"/meetings/{live.id}/transcript.csv",
        f"/cases/{live.case.id}/plan.json",
        f"/meetings/{live.id}/family-time/panel",
    ):
        seen.append(browser.get(path).get_data(as_text=True))
    return "\n".join(seen)


def _words_in(text: str) -> list[str]:
    return [words for _field, words in SECRETS.values() if words in text] + (
        [EDITED] if EDITED in text else []
    )


@pytest.fixture
def room(live, maria, nan):
    """The room's screens and the staff's, each with its socket open."""
    sockets = {
        "maria": live.socket(maria),
        "nan": live.socket(nan),
        "console": live.socket(live.staff, auth={"meeting": live.id, "screen": "console"}),
        "presenting": live.socket(live.staff, auth={"meeting": live.id, "screen": "presenting"}),
        "wall": live.socket(live.staff, auth={"meeting": live.id, "screen": "wall"}),
    }
    live.drain()
    return sockets


def test_staff_screens_see_nothing_of_the_draft_until_it_is_shared(live, maria, nan, room):
    """The console, a presenting console and every staff page see a count; the phones and the
    wall see the drafts; sharing puts every item on every screen in its writer's name."""
    _start(live)
    _draft(maria, "strength")
    _draft(nan, "worry", need_domain="safety")
    _draft(nan, "action")
    _draft(maria, "safety_step", kind="reactive", trigger="Dad drinks")
    draft_id = db.session.query(FamilyDraft).order_by(FamilyDraft.id).first().id
    edited = nan.post(
        f"/meetings/{live.id}/family-time/drafts/{draft_id}", {"text": EDITED, "base_version": "1"}
    )
    assert edited.status_code == 200 and EDITED in edited.get_data(as_text=True)
    for socket in room.values():  # reconnecting screens catch up
        assert socket.emit("board:sync", {"since": 0}, callback=True)["ok"] is True

    staff_seen = _staff_bytes(live, room["console"], room["presenting"])
    assert _words_in(staff_seen) == []
    assert "The family is working in private." in staff_seen
    assert "4 items drafted." in staff_seen
    assert live.staff.browser.get(f"/meetings/{live.id}/family-time/panel").status_code == 404
    family_seen = {name: json.dumps(room[name].received()) for name in ("maria", "nan", "wall")}
    for name, seen in family_seen.items():
        assert "family_time:drafts" in seen, name
        assert SECRETS["action"][1] in seen and EDITED in seen, name
    maria_page = maria.board().get_data(as_text=True)
    assert "Our plan (private to the family until shared)" in maria_page
    assert EDITED in maria_page
    wall_page = live.staff.browser.get(f"/meetings/{live.id}/wall/").get_data(as_text=True)
    assert EDITED in wall_page and 'action="' not in wall_page.split("family-drafts")[1][:2000]

    shared = nan.post(f"/meetings/{live.id}/family-time/share")

    assert shared.status_code == 200
    staff_seen = _staff_bytes(live, room["console"], room["presenting"])
    for words in (EDITED, *(w for k, (_f, w) in SECRETS.items() if k != "strength")):
        assert words in staff_seen
    strength = db.session.get(Strength, latest_id(Strength))
    assert strength.text == EDITED
    board = live.staff.board().get_data(as_text=True)
    item = board.split(f'id="strength-{strength.id}"')[1][:1500]
    assert "Maria" in item
    transcript = live.staff.browser.get(f"/meetings/{live.id}/transcript").get_data(as_text=True)
    assert "Maria" in transcript and EDITED in transcript
    assert "Private family time ended" in transcript


def test_screens_that_connect_after_the_drafts_exist_catch_up_family_only(live, maria, nan):
    """A phone or the wall (re)connecting once the family has drafted gets, from its catch-up,
    the panel with every draft; a console or presenting console connecting then gets no draft,
    no panel and none of the words, whatever it asks for."""
    _start(live)
    _draft(maria, "strength")
    _draft(nan, "worry", need_domain="safety")
    _draft(nan, "action")
    _draft(maria, "safety_step", kind="reactive", trigger="Dad drinks")
    drafted = [words for _field, words in SECRETS.values()]
    sockets = {
        "maria": live.socket(maria, drain=False),
        "nan": live.socket(nan, drain=False),
        "wall": live.socket(live.staff, auth={"meeting": live.id, "screen": "wall"}, drain=False),
        "console": live.socket(
            live.staff, auth={"meeting": live.id, "screen": "console"}, drain=False
        ),
        "presenting": live.socket(
            live.staff, auth={"meeting": live.id, "screen": "presenting"}, drain=False
        ),
    }
    connected = {name: socket.received() for name, socket in sockets.items()}
    # nothing was pushed since they connected: what they get next is their catch-up's
    assert all("family_time:drafts" not in json.dumps(got) for got in connected.values())

    for socket in sockets.values():
        assert socket.emit("board:sync", {"since": 0}, callback=True)["ok"] is True
    caught_up = {name: socket.received() for name, socket in sockets.items()}

    for name in ("maria", "nan", "wall"):
        [panel] = [html for event, html in caught_up[name] if event == "family_time:drafts"]
        assert "Our plan (private to the family until shared)" in panel["html"], name
        assert [words for words in drafted if words not in panel["html"]] == [], name
    for name in ("console", "presenting"):
        staff_seen = json.dumps(connected[name]) + json.dumps(caught_up[name])
        assert "family_time:drafts" not in staff_seen, name
        assert _words_in(staff_seen) == [], name
        assert "Dad drinks" not in staff_seen, name
    assert "4 items drafted." in json.dumps(caught_up["console"])


def test_a_form_posted_without_scripts_in_private_time_keeps_the_words_as_a_draft(live, maria):
    """A phone whose scripts have not loaded posts plainly: the words are saved as a draft and
    the phone is sent back to the family's panel."""
    _start(live)
    answer = maria.browser.post(
        f"/meetings/{live.id}/board/items/strength",
        data={"text": SECRETS["strength"][1], "csrf_token": maria.csrf},
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("#family-drafts")
    [draft] = db.session.query(FamilyDraft).all()
    assert draft.text == SECRETS["strength"][1]
    assert SECRETS["strength"][1] in maria.board().get_data(as_text=True)


def test_bad_draft_requests_get_clear_messages_and_change_nothing(live, maria, nan):
    """Empty words, a missing version, a draft that is not there, staff at a draft: refused,
    said plainly, nothing saved."""
    _start(live)
    _draft(maria, "strength")
    draft = db.session.query(FamilyDraft).one()
    before = (footprint(live.case.id), draft.text, draft.version)
    base = f"/meetings/{live.id}/family-time/drafts"

    empty = nan.post(f"{base}/{draft.id}", {"text": "  ", "base_version": "1"})
    assert empty.status_code == 400
    assert "This can&#39;t be empty." in empty.get_data(as_text=True)
    no_version = nan.post(f"{base}/{draft.id}", {"text": "New words"})
    assert "Reload the page and try again." in no_version.get_data(as_text=True)
    assert nan.post(f"{base}/99999", {"text": "x", "base_version": "1"}).status_code == 404
    assert nan.post(f"{base}/99999/delete").status_code == 404
    staff_edit = live.staff.post(f"{base}/{draft.id}", {"text": "Staff", "base_version": "1"})
    assert staff_edit.status_code == 404
    assert SECRETS["strength"][1] not in staff_edit.get_data(as_text=True)
    assert live.staff.post(f"{base}/{draft.id}/delete").status_code == 404
    stranger = outsider(live.app)  # staff of another team, with a genuine CSRF token
    token = {"X-CSRFToken": page_csrf(stranger.browser.get("/cases/").get_data(as_text=True))}
    for path in (f"{base}/{draft.id}", f"{base}/{draft.id}/delete"):
        answer = stranger.browser.post(path, data={"text": "x", "base_version": "1"}, headers=token)
        assert answer.status_code == 404
        assert SECRETS["strength"][1] not in answer.get_data(as_text=True)
    panel = stranger.browser.get(f"/meetings/{live.id}/family-time/panel")
    assert panel.status_code == 404
    assert maria.post(f"/meetings/{live.id}/family-time/start").status_code in (302, 403, 404)
    empty_draft = maria.add("strength", {"text": ""})
    assert empty_draft.status_code == 400

    db.session.expire_all()
    draft = db.session.get(FamilyDraft, draft.id)
    assert (footprint(live.case.id), draft.text, draft.version) == before
    assert db.session.query(FamilyDraft).count() == 1


def test_looking_at_private_family_time_writes_nothing(live, maria):
    """Pages, fragments and the panel, fetched by family and staff: no row, no event."""
    _start(live)
    _draft(maria, "strength")
    before = (footprint(live.case.id), db.session.query(FamilyDraft).count())
    maria.board()
    maria.browser.get(f"/meetings/{live.id}/family-time/panel")
    maria.section("status")
    live.staff.board()
    live.staff.browser.get(f"/meetings/{live.id}/wall/")
    maria.browser.get(f"/meetings/{live.id}/family-time/share")
    assert (footprint(live.case.id), db.session.query(FamilyDraft).count()) == before


def test_ending_the_meeting_asks_what_to_do_with_unshared_drafts(live, maria):
    """The end button offers keep or discard; ending without a choice is refused, plainly."""
    _start(live)
    _draft(maria, "strength")
    status = live.staff.section("status").get_data(as_text=True)
    assert "1 item not yet shared" in status and 'name="drafts"' in status

    refused = live.staff.post(f"/meetings/{live.id}/end")
    assert "not yet shared" in refused.get_data(as_text=True)
    assert SECRETS["strength"][1] not in refused.get_data(as_text=True)
    ended = live.staff.post(f"/meetings/{live.id}/end", {"drafts": "keep"})
    assert ended.status_code == 204
    assert db.session.query(FamilyDraft).one().status == "kept"
