"""The live board over Socket.IO: who may connect, what each screen is pushed, catching up,
"is editing", presence, removal and the end of the meeting.
"""

from __future__ import annotations

import re

import pytest
from itsdangerous import URLSafeSerializer

from fttm.board.models import Action, SafetyStep, Strength
from fttm.core.registry import board_sections
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.joining import tokens
from fttm.meetings.models import MeetingStatus, Participant
from tests import factories, helpers
from tests.helpers import AuthActions, count, fresh, latest_id
from tests.live_meeting import LiveMeeting, Screen

EVERY_SECTION = {"status", *board_sections()}


@pytest.fixture
def other(app, client, facilitator, live):
    """Another live meeting, of another case of the same team."""
    meeting = LiveMeeting(app, client, facilitator).start()
    yield meeting
    meeting.close()


def _presence_of(html: str, name: str) -> str | None:
    """Whether `name` shows as "online" or "away" in a "Who is here" rendering (None: absent)."""
    match = re.search(
        rf'<li class="person (\w+)">(?:(?!</li>).)*?<span class="name">{re.escape(name)}</span>',
        html,
        re.S,
    )
    return match.group(1) if match else None


def _sections(updates: list[dict], name: str) -> list[str]:
    """The renderings of one section in a list of `board:update` payloads."""
    return [update["sections"][name] for update in updates if name in update["sections"]]


def _item_of(update: dict, element_id: str) -> str:
    """The HTML of one item pushed alone in a `board:update`."""
    [item] = [item for item in update["items"] if item["id"] == element_id]
    return item["html"]


def fresh_section(screen: Screen, name: str) -> str:
    """A section as the server renders it for this screen now."""
    return screen.section(name).get_data(as_text=True)


# ---- What each screen is pushed ----


def test_a_strength_added_on_one_phone_reaches_the_others_in_their_own_rendering(
    live, maria, nan, other
):
    """Maria adds a strength: Nan's phone, the projector and Maria's own answer get it alone, to
    add to their list; other meetings see nothing.
    """
    nan_socket, staff_socket = live.socket(nan), live.socket(live.staff)
    olga = other.phone("Olga")
    elsewhere = [other.socket(olga), other.socket(other.staff)]
    live.drain()
    other.drain()

    response = maria.add("strength", {"text": "Maria walks Leo to school every day"})

    assert response.status_code == 200
    seq, strength = live.seq(), latest_id(Strength)
    assert response.headers["X-Board-Item"] == f"strength-{strength}"
    assert response.headers["X-Board-List"] == "items-strengths"
    assert response.headers["HX-Reswap"] == "none"  # js/answers.js puts it in, as it does the push
    [family] = nan_socket.updates()
    assert family["seq"] == seq == int(response.headers["X-Board-Seq"])
    [item] = family["items"]
    assert item["id"] == f"strength-{strength}" and item["list"] == "items-strengths"
    assert "Maria walks Leo to school every day" in item["html"]
    assert "Make confidential" not in item["html"]
    assert item["html"] == response.get_data(as_text=True)
    [staff] = staff_socket.updates()
    assert staff["seq"] == seq
    assert "Maria walks Leo to school every day" in _item_of(staff, f"strength-{strength}")
    assert "Make confidential" in _item_of(staff, f"strength-{strength}")
    assert 'id="items-strengths"' in fresh_section(nan, "strengths")
    for socket in elsewhere:
        assert socket.is_connected()
        assert socket.received() == []


def test_an_edit_sends_the_item_alone_and_the_sender_gets_that_item(live, maria, nan):
    """Editing a strength or an action's cell sends that item alone, in each audience's
    rendering; the sender's answer is that same item, put in place of itself.
    """
    maria.add("strength", {"text": "Maria walks Leo to school"})
    strength = latest_id(Strength)
    live.staff.add("action", {"what": "Call the school", "who": ""})
    action = latest_id(Action)
    nan_socket, staff_socket = live.socket(nan), live.socket(live.staff)
    live.drain()

    edited = maria.edit(
        "strength", strength, {"text": "Maria walks Leo and Mia", "base_version": "1"}
    )
    cell = nan.edit("action", action, {"what": "Call the school on Monday", "base_version": "0"})

    assert edited.status_code == 200 and cell.status_code == 200
    assert edited.headers["X-Board-Item"] == f"strength-{strength}"
    assert edited.headers["HX-Reswap"] == "none"
    assert edited.get_data(as_text=True).startswith(f'<li class="item" id="strength-{strength}"')
    assert cell.headers["X-Board-Item"] == f"action-{action}"
    family, family_cell = nan_socket.updates()
    staff, staff_cell = staff_socket.updates()
    for update in (family, family_cell, staff, staff_cell):
        assert "sections" not in update
    assert family["seq"] == int(edited.headers["X-Board-Seq"])
    assert family_cell["seq"] == int(cell.headers["X-Board-Seq"]) == family["seq"] + 1
    assert family["items"] == [
        {
            "section": "strengths",
            "id": f"strength-{strength}",
            "html": edited.get_data(as_text=True),
            "list": "items-strengths",
        }
    ]
    assert family_cell["items"][0]["list"] is None  # actions are grouped: a new one sends all
    assert "Maria walks Leo and Mia" in _item_of(staff, f"strength-{strength}")
    assert "Make confidential" in _item_of(staff, f"strength-{strength}")
    assert "Make confidential" not in _item_of(family, f"strength-{strength}")
    row = _item_of(family_cell, f"action-{action}")
    assert row.startswith(f'<tr id="action-{action}"') and row.endswith("</tr>")
    assert "Call the school on Monday" in row
    # The item alone is exactly what its section shows.
    assert row in fresh_section(nan, "plan")
    assert _item_of(staff, f"strength-{strength}") in fresh_section(live.staff, "strengths")


def test_an_item_alone_names_people_as_its_section_does(live, maria, nan):
    """A strength about someone, pushed alone, says who it is about and who wrote it, exactly as
    the whole section would; someone since kept from the family is not named to phones.
    """
    gran = Person(case_id=live.case.id, name="Gran Ines")
    kept = Person(case_id=live.case.id, name="Uncle Lars")
    db.session.add_all([gran, kept])
    db.session.commit()
    gran_id, kept_id = gran.id, kept.id
    maria.add("strength", {"text": "Gran cooks on Sundays", "person_id": str(gran_id)})
    maria.add("strength", {"text": "Lars fixes the bikes", "person_id": str(kept_id)})
    about_gran, about_lars = latest_id(Strength) - 1, latest_id(Strength)
    db.session.get(Person, kept_id).confidential = True
    db.session.commit()
    nan_socket = live.socket(nan)
    live.drain()

    maria.edit("strength", about_gran, {"text": "Gran cooks every Sunday", "base_version": "1"})
    maria.edit("strength", about_lars, {"text": "Lars fixes every bike", "base_version": "1"})

    first, second = nan_socket.updates()
    gran_item = _item_of(first, f"strength-{about_gran}")
    assert "About Gran Ines" in gran_item and "Maria" in gran_item
    lars_item = _item_of(second, f"strength-{about_lars}")
    assert "Lars fixes every bike" in lars_item and "Uncle Lars" not in lars_item
    section = fresh_section(nan, "strengths")
    assert gran_item in section and lars_item in section


def test_an_edit_of_a_confidential_item_reaches_staff_screens_only(live, maria):
    """Family screens are sent nothing when a confidential item is edited."""
    live.staff.add("strength", {"text": "Staff-only context", "confidential": "1"})
    strength = latest_id(Strength)
    maria_socket, staff_socket = live.socket(maria), live.socket(live.staff)
    live.drain()

    live.staff.edit(
        "strength", strength, {"text": "Staff-only context, updated", "base_version": "1"}
    )

    assert maria_socket.updates() == []
    [staff] = staff_socket.updates()
    assert "Staff-only context, updated" in _item_of(staff, f"strength-{strength}")


def test_an_edit_that_moves_an_item_sends_its_whole_section(live, maria, nan):
    """A new safety step is sent alone, to its column's list; changed from everyday to "what if"
    it moves column, and its section is sent. A new action (actions are grouped) sends the plan.
    """
    nan_socket = live.socket(nan)
    live.drain()
    live.staff.add("safety_step", {"kind": "proactive", "text": "Gran checks in at 8"})
    step = latest_id(SafetyStep)
    [added] = nan_socket.updates()
    assert added["items"][0]["id"] == f"safety_step-{step}"
    assert added["items"][0]["list"] == "items-proactive"

    moved = live.staff.edit(
        "safety_step", step, {"kind": "reactive", "trigger": "Mum is late", "base_version": "1"}
    )

    assert moved.status_code == 200 and "X-Board-Item" not in moved.headers
    [update] = nan_socket.updates()
    assert "items" not in update
    assert "Gran checks in at 8" in update["sections"]["safety_plan"]
    assert 'id="items-reactive"' in update["sections"]["safety_plan"]
    live.staff.add("action", {"what": "Call the school", "who": ""})
    [action] = nan_socket.updates()
    assert "items" not in action and "Call the school" in action["sections"]["plan"]


def test_a_retried_change_is_pushed_and_saved_once(live, maria, nan):
    """The same change sent twice with one idempotency key is on the board once, pushed once."""
    nan_socket = live.socket(nan)
    live.drain()

    first = maria.add("strength", {"text": "Maria asks for help"}, key="retry-key-0001")
    again = maria.add("strength", {"text": "Maria asks for help"}, key="retry-key-0001")

    assert (first.status_code, again.status_code) == (200, 200)
    assert count(Strength, text="Maria asks for help") == 1
    assert again.get_data(as_text=True).count('class="item-text">Maria asks for help<') == 1
    assert len(nan_socket.updates()) == 1


# ---- Who may connect ----


# The meeting under test has id 1: True and 1.0 must not pass for it.
@pytest.mark.parametrize(
    "auth_data",
    [
        None,
        {},
        "garbage",
        {"meeting": "x"},
        {"meeting": 987654},
        {"meeting": True},
        {"meeting": 1.0},
    ],
)
def test_a_phone_socket_must_name_a_real_meeting(live, maria, auth_data):
    """No meeting, an unknown one, or nonsense in the auth data: the phone's socket is refused."""
    assert live.id == 1
    assert live.socket(maria).is_connected()  # the same phone, asking properly, gets in

    assert not live.socket(maria, auth=auth_data).is_connected()


def test_a_waiting_phone_cannot_listen_until_it_is_let_in(live):
    """A phone that joined but was not admitted yet is refused; once admitted it connects."""
    waiting = live.phone("Walter", "friend", admit=False)

    assert not live.socket(waiting).is_connected()

    assert live.admit(waiting).status_code == 200
    assert live.socket(waiting).is_connected()


def test_a_removed_phone_cannot_connect_again(live, maria):
    """After the facilitator removes a phone, its token opens no socket."""
    assert live.socket(maria).is_connected()

    assert live.remove(maria).status_code == 200

    assert not live.socket(maria).is_connected()


def test_a_phone_of_one_meeting_cannot_follow_another(live, maria, other):
    """Maria's cookie is for her meeting only: not by asking, not by renaming the cookie."""
    assert not live.socket(maria, auth={"meeting": other.id}).is_connected()

    cookie = maria.browser.get_cookie(tokens.cookie_name(live.id)).value
    maria.browser.set_cookie(tokens.cookie_name(other.id), cookie)
    assert not live.socket(maria, auth={"meeting": other.id}).is_connected()
    assert live.socket(maria).is_connected()


def test_a_tampered_or_forged_cookie_is_refused(app, live, maria):
    """A changed signature, or a token signed with another key, opens nothing."""
    name = tokens.cookie_name(live.id)
    genuine = maria.browser.get_cookie(name).value
    participant = fresh(Participant, maria.participant_id)
    forged = URLSafeSerializer("not-the-secret", salt=tokens.SALT).dumps(
        {"m": live.id, "p": participant.id, "n": participant.token_nonce}
    )
    payload, _dot, signature = genuine.rpartition(".")
    tampered = f"{payload}.{signature[:-2]}{'BB' if signature.endswith('AA') else 'AA'}"

    for value in (tampered, forged, "nonsense"):
        stranger = Screen(app.test_client(), live.id, "Stranger", csrf="")
        stranger.browser.set_cookie(name, value)
        assert not live.socket(stranger).is_connected(), value

    assert live.socket(maria).is_connected()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://evil.example", False),
        ("http://localhost.evil.example", False),
        ("null", False),
        ("https://localhost", False),
        ("http://localhost", True),
    ],
)
def test_only_the_sites_own_pages_may_connect(live, maria, origin, allowed):
    """A page on another site cannot open a socket with the phone's cookie; our own page can."""
    socket = live.socket(maria, headers={"Origin": origin})

    assert socket.is_connected() is allowed


def test_a_staff_socket_of_another_team_is_refused(app, live):
    """A caseworker of another team cannot follow this meeting."""
    stranger = factories.make_user(team=factories.make_team(), name="Otto Other")
    browser = app.test_client()
    AuthActions(browser).login(stranger)
    screen = Screen(browser, live.id, stranger.name, csrf="")

    assert not live.socket(screen).is_connected()


# ---- Removal ----


def test_a_removed_participant_is_cut_off_and_their_words_stay(live, maria, nan):
    """Removing Nan tells her phone, closes its socket, stops her token; her strength stays."""
    assert nan.add("strength", {"text": "Nan cooks every Sunday"}).status_code == 200
    nan_socket, maria_socket = live.socket(nan), live.socket(maria)
    live.drain()

    assert live.remove(nan).status_code == 200

    assert ("board:removed", {}) in nan_socket.received()
    assert not nan_socket.is_connected()
    assert nan.board().status_code == 404
    assert nan.add("strength", {"text": "Nan again"}).status_code == 404
    assert count(Strength, text="Nan again") == 0
    [who_is_here, *_rest] = _sections(maria_socket.updates(), "participants")
    assert _presence_of(who_is_here, "Nan") is None
    assert _presence_of(who_is_here, "Maria") == "online"
    assert maria_socket.is_connected()
    for screen in (live.staff, maria):
        strengths = screen.section("strengths").get_data(as_text=True)
        assert "Nan cooks every Sunday" in strengths
        assert re.search(
            r'Nan cooks every Sunday</p>\s*<p class="item-meta">\s*<span class="author">Nan</span>',
            strengths,
        )


# ---- Catching up ----


def test_a_screen_that_missed_changes_catches_up_alone(live, maria, nan):
    """A phone saying only the last change it saw (a page from before screens said what they
    hold) gets every section, now; nobody else gets anything. (What a screen saying what it
    holds is sent: tests/realtime/test_catch_up.py.)"""
    assert maria.add("strength", {"text": "Maria reads to Leo"}).status_code == 200
    maria_socket, nan_socket, staff_socket = (
        live.socket(maria),
        live.socket(nan),
        live.socket(live.staff),
    )
    live.drain()
    seq = live.seq()

    ack = maria_socket.emit("board:sync", {"since": seq - 1}, callback=True)

    assert ack == {"ok": True, "seq": seq}
    [update] = maria_socket.updates()
    assert update["seq"] == seq
    assert set(update["sections"]) == EVERY_SECTION
    assert "Maria reads to Leo" in update["sections"]["strengths"]
    assert "Make confidential" not in update["sections"]["strengths"]
    assert nan_socket.received() == [] and staff_socket.received() == []


@pytest.mark.parametrize(
    "payload", ["x", {"since": "3"}, {"since": -1}, None, {"since": 1.5}, {"since": True}, [], {}]
)
def test_a_malformed_catch_up_request_is_refused_quietly(live, maria, nan, payload):
    """Nonsense in `board:sync` gets a refusal for the sender and nothing for anyone."""
    maria_socket, nan_socket = live.socket(maria), live.socket(nan)
    live.drain()

    ack = maria_socket.emit("board:sync", payload, callback=True)

    assert isinstance(ack, dict) and ack["ok"] is False
    assert maria_socket.received() == [] and nan_socket.received() == []
    assert maria_socket.is_connected()


# ---- "<name> is editing" ----


def _action(screen: Screen, what: str = "Maria calls the school nurse on Monday") -> int:
    """Add an action from `screen`; its id."""
    assert screen.add("action", {"what": what}).status_code == 200
    return latest_id(Action)


def test_others_see_who_is_editing_a_cell_but_the_editor_is_not_told(live, maria, nan):
    """Maria focuses a cell: Nan's phone and the projector learn her name; her phone does not."""
    action_id = _action(live.staff)
    maria_socket, nan_socket, staff_socket = (
        live.socket(maria),
        live.socket(nan),
        live.socket(live.staff),
    )
    live.drain()
    cell = f"action-{action_id}-what"

    ack = maria_socket.emit("board:editing", {"cell": cell, "editing": True}, callback=True)

    assert ack == {"ok": True}
    expected = ("board:editing", {"cell": cell, "name": "Maria", "editing": True})
    assert nan_socket.received() == [expected]
    assert staff_socket.received() == [expected]
    assert maria_socket.received() == []


def test_editing_a_confidential_action_is_told_to_staff_screens_only(live, maria):
    """Staff editing a confidential action: a second staff screen sees it, phones do not."""
    action_id = _action(live.staff, "Check the father's probation conditions")
    assert live.staff.flag("action", action_id, "confidential").status_code == 200
    maria_socket = live.socket(maria)
    staff_socket, second_staff_screen = live.socket(live.staff), live.socket(live.staff)
    live.drain()
    cell = f"action-{action_id}-who"

    ack = staff_socket.emit("board:editing", {"cell": cell, "editing": True}, callback=True)

    assert ack == {"ok": True}
    assert second_staff_screen.received() == [
        ("board:editing", {"cell": cell, "name": live.staff.name, "editing": True})
    ]
    assert maria_socket.received() == []
    # A phone cannot even say it is editing it: for the family, it does not exist.
    refused = maria_socket.emit("board:editing", {"cell": cell, "editing": True}, callback=True)
    assert refused["ok"] is False
    assert second_staff_screen.received() == [] and staff_socket.received() == []


@pytest.mark.parametrize(
    "cell",
    [
        "strength-{id}-text",
        "action-x-what",
        "action-{id}-WHAT",
        "action--what",
        "action-{id}-what-and-more",
        "action-987654-what",
        "<script>alert(1)</script>",
        5,
        None,
    ],
)
def test_an_unknown_cell_is_refused(live, maria, nan, cell):
    """A cell id that names no action of this board is refused, and nobody hears of it."""
    action_id = _action(live.staff)
    maria_socket, nan_socket = live.socket(maria), live.socket(nan)
    live.drain()
    if isinstance(cell, str):
        cell = cell.format(id=action_id)

    ack = maria_socket.emit("board:editing", {"cell": cell, "editing": True}, callback=True)

    assert ack["ok"] is False
    assert nan_socket.received() == [] and maria_socket.received() == []


def test_an_action_of_another_meeting_is_an_unknown_cell(live, maria, nan, other):
    """A cell of another case's board is refused like any unknown cell."""
    elsewhere = _action(other.staff, "Olga books the dentist for Friday")
    maria_socket, nan_socket = live.socket(maria), live.socket(nan)
    olga_socket = other.socket(other.phone("Olga"))
    live.drain()
    other.drain()

    ack = maria_socket.emit(
        "board:editing", {"cell": f"action-{elsewhere}-what", "editing": True}, callback=True
    )

    assert ack["ok"] is False
    assert nan_socket.received() == [] and olga_socket.received() == []


@pytest.mark.parametrize("payload", ["action-1-what", None, ["action-1-what"]])
def test_an_editing_message_that_is_not_an_object_is_refused(live, maria, nan, payload):
    """`board:editing` must carry an object with a cell; anything else is refused."""
    _action(live.staff)
    maria_socket, nan_socket = live.socket(maria), live.socket(nan)
    live.drain()

    ack = maria_socket.emit("board:editing", payload, callback=True)

    assert ack["ok"] is False
    assert nan_socket.received() == []


# ---- Presence ----


def test_everyone_sees_who_is_online(live, maria, nan):
    """When Nan's phone connects the others see her online; when it goes, not connected."""
    maria_socket, staff_socket = live.socket(maria), live.socket(live.staff)
    live.drain()

    nan_socket = live.socket(nan, drain=False)

    for socket in (maria_socket, staff_socket):
        [who_is_here] = _sections(socket.updates(), "participants")
        assert _presence_of(who_is_here, "Nan") == "online"
        assert _presence_of(who_is_here, "Maria") == "online"
    nan_socket.disconnect()
    for socket in (maria_socket, staff_socket):
        [who_is_here] = _sections(socket.updates(), "participants")
        assert _presence_of(who_is_here, "Nan") == "away"
        assert "not connected" in who_is_here
        assert _presence_of(who_is_here, "Maria") == "online"


def test_a_second_tab_does_not_make_anyone_go_offline(live, maria, nan):
    """Nan with two tabs open stays online when she closes one of them."""
    maria_socket = live.socket(maria)
    first, second = live.socket(nan), live.socket(nan)
    live.drain()

    first.disconnect()

    assert _sections(maria_socket.updates(), "participants") == []
    assert second.is_connected()
    page = maria.section("participants").get_data(as_text=True)
    assert _presence_of(page, "Nan") == "online"


# ---- The end of the meeting ----


def test_ending_the_meeting_makes_every_family_screen_read_only(live, maria):
    """The facilitator ends the meeting: phones get every section without forms; writes fail."""
    assert maria.add("strength", {"text": "Maria keeps every appointment"}).status_code == 200
    maria_socket = live.socket(maria)
    live.drain()

    ended = live.staff.post(f"/meetings/{live.id}/end")

    assert ended.status_code == 204
    assert ended.headers["HX-Redirect"] == f"/meetings/{live.id}/board/"
    assert helpers.meeting_row(live.id).status == MeetingStatus.ENDED
    [update] = maria_socket.updates()
    assert set(update["sections"]) == EVERY_SECTION
    assert update["seq"] == live.seq()
    assert "Maria keeps every appointment" in update["sections"]["strengths"]
    for name, html in update["sections"].items():
        assert "hx-post" not in html, f"{name} still offers a change"
        assert 'class="quick-add' not in html, name
    assert "This meeting has ended" in update["sections"]["status"]
    before = helpers.footprint(live.case.id)
    refused = maria.add("strength", {"text": "One more thing"})
    assert refused.status_code == 403
    assert "not running" in refused.get_data(as_text=True)
    assert maria.rate("5").status_code == 403
    assert helpers.footprint(live.case.id) == before
