"""The live board over HTTP: the page per audience, section fragments, every change as an htmx
request with its answers (saved, refused, conflict, too fast), escaping, hints and meeting controls.
"""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from fttm.board.models import Action, SafetyRating, Strength
from fttm.core.registry import KINDS, board_sections
from fttm.live.sections import ADDED_ALONE
from fttm.meetings.models import MeetingStatus, Participant, ParticipantStatus
from tests import helpers
from tests.helpers import XSS, count, footprint, fresh, latest_id
from tests.live_meeting import LiveMeeting, outsider

EVERY_SECTION = ("status", *board_sections())
LATER = (date.today() + timedelta(days=30)).isoformat()


def _text(response) -> str:
    """A response's body with HTML entities decoded, for reading messages."""
    return html.unescape(response.get_data(as_text=True))


def _action_row(page: str, action_id: int) -> str:
    """One row of the actions table."""
    match = re.search(rf'<tr id="action-{action_id}".*?</tr>', page, re.S)
    assert match, f"no row for action {action_id}"
    return match.group(0)


# ---- The page ----


def test_the_projector_shows_the_join_code_the_qr_code_and_the_controls(live):
    """The facilitator's board invites people in and offers the meeting's controls."""
    response = live.staff.board()
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "audience-staff" in page
    assert f"{live.code[:3]} {live.code[3:]}" in page
    assert f"http://localhost/join/{live.code}" in page
    assert re.search(r'<figure class="qr"><svg', page)
    for control in ("End the meeting", "Admit everyone with the code", "Lock sections"):
        assert control in page
    assert f'data-board="{live.id}"' in page and f'data-seq="{live.seq()}"' in page


def test_a_phone_sees_the_board_without_controls_join_panel_or_confidential_items(live, maria):
    """Maria's phone: the sections and quick-add forms, nothing of the facilitator's."""
    assert live.staff.add("strength", {"text": "Kept for staff"}).status_code == 200
    assert live.staff.flag("strength", latest_id(Strength), "confidential").status_code == 200

    response = maria.board()
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "audience-family" in page
    assert "Add a strength" in page
    for staff_only in (
        "End the meeting",
        "Lock sections",
        "Admit everyone",
        "join-panel",
        live.code,
        f"{live.code[:3]} {live.code[3:]}",
        "Kept for staff",
        "Make confidential",
        "Add note",
    ):
        assert staff_only not in page, staff_only


@pytest.mark.parametrize("who", ["anonymous", "other team", "removed phone", "unknown meeting"])
def test_the_board_is_not_found_for_people_outside_the_meeting(app, live, maria, who):
    """Nobody outside the meeting learns that its board exists."""
    path = f"/meetings/{live.id}/board/"
    if who == "anonymous":
        browser = app.test_client()
    elif who == "other team":
        browser = outsider(app).browser
    elif who == "removed phone":
        assert live.remove(maria).status_code == 200
        browser = maria.browser
    else:
        browser, path = maria.browser, "/meetings/987654/board/"

    response = browser.get(path)

    assert response.status_code == 404
    assert "Maria" not in response.get_data(as_text=True)


def test_a_waiting_phone_is_sent_back_to_the_waiting_room(live):
    """A phone not let in yet is redirected to its waiting page, not shown the board."""
    walter = live.phone("Walter", "friend", admit=False)

    response = walter.board()

    assert response.status_code == 302
    assert response.headers["Location"] == f"/join/{live.code}/waiting"
    assert walter.section("strengths").status_code == 404


@pytest.mark.parametrize("name", EVERY_SECTION)
def test_every_section_is_served_to_both_audiences(app, live, maria, name):
    """Each section's fragment, fresh, for the projector and for a phone; nobody else."""
    for screen in (live.staff, maria):
        response = screen.section(name)
        assert response.status_code == 200
        fragment = response.get_data(as_text=True)
        assert f'id="section-{name}"' in fragment
        assert "<html" not in fragment
        assert response.headers["X-Board-Seq"] == str(live.seq())
    assert app.test_client().get(f"/meetings/{live.id}/board/sections/{name}").status_code == 404


# ---- Changes that work ----


ADDS = [
    ("strength", {"text": "Maria reads to Leo every night"}),
    ("worry", {"text": "The flat is cold in winter", "need_domain": "housing"}),
    ("goal", {"text": "Leo is safe and warm at home"}),
    (
        "action",
        {"what": "Maria calls the housing office about the boiler", "who": "service:Housing"},
    ),
    ("safety_step", {"kind": "proactive", "text": "Nan checks in at 6pm", "when": "Every day"}),
    ("safety_step", {"kind": "reactive", "trigger": "Dad calls", "text": "Maria phones Nan"}),
]


@pytest.mark.parametrize(("kind", "form"), ADDS, ids=[f"{k}-{i}" for i, (k, _f) in enumerate(ADDS)])
def test_a_phone_adds_an_item_and_gets_its_section_back(live, maria, kind, form):
    """Saved: the answer is the new item alone for a plain list (strengths, worries, safety
    steps), or the section with the new item (actions are grouped), and the board's number.
    """
    before = count(KINDS[kind].model)

    response = maria.add(kind, form, key="add-key-12345")

    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    if kind in ADDED_ALONE:
        element = f"{kind}-{latest_id(KINDS[kind].model)}"
        assert response.headers["X-Board-Item"] == element
        assert fragment.startswith("<li ") and f'id="{element}"' in fragment
        assert f'id="{response.headers["X-Board-List"]}"' in maria.board().get_data(as_text=True)
    else:
        assert f'id="section-{KINDS[kind].section}"' in fragment
    assert html.escape(form.get("text") or form["what"]) in fragment
    assert response.headers["X-Board-Seq"] == str(live.seq())
    assert count(KINDS[kind].model) == before + 1


def test_objectives_and_notes_are_added_by_the_facilitator(live):
    """An objective under a goal, and a note of a decision."""
    assert live.staff.add("goal", {"text": "Leo is safe"}).status_code == 200
    objective = live.staff.add(
        "objective", {"goal_id": latest_id(KINDS["goal"].model), "text": "A warm flat"}
    )
    note = live.staff.add("note", {"text": "Decided: Nan is the safety contact"})

    assert objective.status_code == 200
    assert "A warm flat" in objective.get_data(as_text=True)
    assert note.status_code == 200
    assert "Decided: Nan is the safety contact" in note.get_data(as_text=True)
    assert note.headers["X-Board-Seq"] == str(live.seq())


def test_a_phone_edits_and_deletes_its_own_strength_and_the_facilitator_restores_it(live, maria):
    """Edit, delete, restore, make confidential and share: each answers with its section."""
    maria.add("strength", {"text": "Maria cooks"})
    item_id = latest_id(Strength)

    edited = maria.edit("strength", item_id, {"text": "Maria cooks with Leo", "base_version": "1"})
    assert edited.status_code == 200
    assert "Maria cooks with Leo" in edited.get_data(as_text=True)
    assert edited.headers["X-Board-Seq"] == str(live.seq())

    deleted = maria.flag("strength", item_id, "delete")
    assert deleted.status_code == 200
    assert "Maria cooks with Leo" not in deleted.get_data(as_text=True)
    assert fresh(Strength, item_id).deleted_at is not None

    restored = live.staff.flag("strength", item_id, "restore")
    assert restored.status_code == 200
    assert re.search(r'class="item-text">Maria cooks with Leo<', restored.get_data(as_text=True))
    assert fresh(Strength, item_id).deleted_at is None
    assert restored.headers["X-Board-Seq"] == str(live.seq())

    for what, confidential in (("confidential", True), ("share", False)):
        response = live.staff.flag("strength", item_id, what)
        assert response.status_code == 200
        assert response.headers["X-Board-Seq"] == str(live.seq())
        assert fresh(Strength, item_id).confidential is confidential


def test_the_facilitator_sees_a_deleted_action_struck_through_and_can_restore_it(live, maria):
    """A deleted action is listed for staff by its "what", with Restore; phones never see it."""
    maria.add("action", {"what": "Call the school on Monday", "who": "", "when": ""})
    item_id = latest_id(Action)

    deleted = live.staff.flag("action", item_id, "delete")

    assert deleted.status_code == 200
    assert re.search(r"<s>Call the school on Monday</s>", deleted.get_data(as_text=True))
    assert "Call the school on Monday" not in maria.section("plan").get_data(as_text=True)
    assert live.staff.flag("action", item_id, "restore").status_code == 200
    assert fresh(Action, item_id).deleted_at is None


def test_a_safety_rating_tells_the_phone_what_it_rated(live, maria):
    """Rating gives "You rated 7"; rating again replaces it."""
    first = maria.rate("7")
    again = maria.rate("4")

    assert first.status_code == 200
    assert "You rated 7." in first.get_data(as_text=True)
    assert "You rated 4." in again.get_data(as_text=True)
    assert again.headers["X-Board-Seq"] == str(live.seq())
    assert count(SafetyRating) == 1
    assert "1 person has rated." in again.get_data(as_text=True)


# ---- Changes that are refused ----


def _other_case_strength(app, client, facilitator) -> int:
    """A strength on another case's board."""
    other = LiveMeeting(app, client, facilitator).start()
    assert other.staff.add("strength", {"text": "Another family's strength"}).status_code == 200
    return latest_id(Strength)


BAD = [
    ("empty text", "add", "strength", {"text": ""}, 400, "This can't be empty.", "strengths"),
    ("only spaces", "add", "worry", {"text": "   \n "}, 400, "This can't be empty.", "worries"),
    (
        "1001 characters",
        "add",
        "strength",
        {"text": "x" * 1001},
        400,
        "Use at most 1000 characters.",
        "strengths",
    ),
    (
        "unknown domain",
        "add",
        "worry",
        {"text": "Cold", "need_domain": "banana"},
        400,
        "Choose a domain from the list.",
        "worries",
    ),
    (
        "bad date",
        "add",
        "action",
        {"what": "Call", "due_on": "31/12/2030"},
        400,
        "Enter a date like 2026-12-31.",
        "plan",
    ),
    (
        "unknown who",
        "add",
        "action",
        {"what": "Call", "who": "nobody:3"},
        400,
        "Choose from the list.",
        "plan",
    ),
    (
        "unknown step kind",
        "add",
        "safety_step",
        {"kind": "sideways", "text": "Step"},
        400,
        "Choose proactive or reactive.",
        "safety_plan",
    ),
    (
        "unknown kind",
        "add",
        "banana",
        {"text": "Hello"},
        404,
        "That is no longer on the board.",
        "status",
    ),
    (
        "another case's item",
        "edit-other",
        "strength",
        {"text": "Mine now", "base_version": "1"},
        404,
        "That is no longer on the board.",
        "strengths",
    ),
    (
        "no base version",
        "edit",
        "strength",
        {"text": "Changed"},
        400,
        "Reload the page and try again.",
        "strengths",
    ),
    (
        "superscript base version",
        "edit",
        "strength",
        {"text": "Changed", "base_version": "²"},
        400,
        "Reload the page and try again.",
        "strengths",
    ),
    (
        "confidential through an edit",
        "edit",
        "strength",
        {"confidential": "1", "base_version": "1"},
        400,
        "This can't be changed here.",
        "strengths",
    ),
    (
        "rating 11",
        "rate",
        "",
        {"score": "11"},
        400,
        "Choose a number from 0 to 10.",
        "safety_scale",
    ),
    ("rating ٣", "rate", "", {"score": "٣"}, 400, "Choose a number from 0 to 10.", "safety_scale"),
]


@pytest.mark.parametrize(
    ("how", "kind", "form", "status", "message", "section"),
    [case[1:] for case in BAD],
    ids=[case[0] for case in BAD],
)
def test_a_change_that_is_not_right_is_explained_to_its_sender_and_saves_nothing(
    app, client, facilitator, live, maria, how, kind, form, status, message, section
):
    """A clear message above the section it was about; no row, no event, no push."""
    maria.add("strength", {"text": "Maria cooks"})
    own = latest_id(Strength)
    target = _other_case_strength(app, client, facilitator) if how == "edit-other" else own
    maria_socket, nan_socket = live.socket(maria), live.socket(live.phone("Nan"))
    live.drain()
    before = footprint(live.case.id)

    if how == "add":
        response = maria.add(kind, form)
    elif how == "rate":
        response = maria.rate(form["score"])
    else:
        response = maria.edit(kind, target, form)

    assert response.status_code == status
    assert response.headers["HX-Retarget"] == f"#message-{section}"
    assert message in _text(response)
    assert footprint(live.case.id) == before
    assert fresh(Strength, own).text == "Maria cooks"
    assert maria_socket.received() == [] and nan_socket.received() == []


def test_a_stale_edit_of_a_cell_is_a_conflict_that_shows_both_versions(live, maria, nan):
    """Nan saves over Maria's newer words: 409, the current words shown, and what Nan typed."""
    live.staff.add("action", {"what": "Someone calls the school"})
    action_id = latest_id(Action)
    saved = maria.edit("action", action_id, {"what": "Maria calls the school", "base_version": "0"})
    assert saved.status_code == 200
    before = footprint(live.case.id)

    response = nan.edit("action", action_id, {"what": "Nan calls the nurse", "base_version": "0"})

    assert response.status_code == 409
    row = _action_row(response.get_data(as_text=True), action_id)
    assert re.search(
        r'<textarea id="action-\d+-what" name="what"[^>]*>Maria calls the school<', row
    )
    conflict = re.search(r'<p class="conflict">(.*?)</p>', row, re.S)
    assert conflict and "Nan calls the nurse" in html.unescape(conflict.group(1))
    assert footprint(live.case.id) == before
    assert fresh(Action, action_id).what == "Maria calls the school"


def test_two_phones_editing_different_cells_of_one_row_both_keep_their_edit(live, maria, nan):
    """Maria changes "what", Nan "by when", both from the same page: both are saved."""
    live.staff.add("action", {"what": "Someone calls the school"})
    action_id = latest_id(Action)

    first = maria.edit("action", action_id, {"what": "Maria calls the school", "base_version": "0"})
    second = nan.edit("action", action_id, {"due_on": LATER, "base_version": "0"})

    assert (first.status_code, second.status_code) == (200, 200)
    action = fresh(Action, action_id)
    assert (action.what, action.due_on.isoformat()) == ("Maria calls the school", LATER)


def _refusals(live, maria, nan) -> dict:
    """Each change a family phone may not make, as a function sending it."""
    nan.add("strength", {"text": "Nan is always there"})
    nans = latest_id(Strength)
    maria.add("strength", {"text": "Maria cooks"})
    marias = latest_id(Strength)
    live.staff.flag("strength", marias, "delete")
    return {
        "edit someone else's": (
            lambda: maria.edit("strength", nans, {"text": "Mine", "base_version": "1"}),
            "You can change what you added",
            "strengths",
        ),
        "delete someone else's": (
            lambda: maria.flag("strength", nans, "delete"),
            "You can change what you added",
            "strengths",
        ),
        "add a note": (
            lambda: maria.add("note", {"text": "My note"}),
            "Only the facilitator writes here.",
            "notes",
        ),
        "restore": (
            lambda: maria.flag("strength", marias, "restore"),
            "Only the facilitator can do this.",
            "strengths",
        ),
        "make confidential": (
            lambda: maria.flag("strength", nans, "confidential"),
            "Only the facilitator can do this.",
            "strengths",
        ),
    }


@pytest.mark.parametrize(
    "what",
    ["edit someone else's", "delete someone else's", "add a note", "restore", "make confidential"],
)
def test_a_phone_is_told_what_it_may_not_do(live, maria, nan, what):
    """Forbidden changes: 403 with the reason, next to the section; nothing saved."""
    send, message, section = _refusals(live, maria, nan)[what]
    before = footprint(live.case.id)

    response = send()

    assert response.status_code == 403
    assert response.headers["HX-Retarget"] == f"#message-{section}"
    assert message in _text(response)
    assert footprint(live.case.id) == before


def test_a_locked_section_is_written_by_the_facilitator_only(live, maria):
    """While "What's working well" is locked, phones are refused and the facilitator is not."""
    locked = live.staff.post(f"/meetings/{live.id}/locks/strengths", {"locked": "1"})
    assert locked.status_code == 200
    before = footprint(live.case.id)

    refused = maria.add("strength", {"text": "Maria cooks"})

    assert refused.status_code == 403
    assert refused.headers["HX-Retarget"] == "#message-strengths"
    assert "The facilitator has locked this section for now." in _text(refused)
    assert footprint(live.case.id) == before
    assert "Add a strength" not in maria.section("strengths").get_data(as_text=True)
    assert live.staff.add("strength", {"text": "Staff writes"}).status_code == 200
    assert maria.add("worry", {"text": "Other sections stay open"}).status_code == 200


def test_a_phone_sending_changes_too_fast_is_slowed_down_alone(live, maria, nan):
    """The 31st change within ten seconds gets 429 and is not saved; others are unaffected."""
    for number in range(30):
        assert maria.add("strength", {"text": f"Strength {number}"}).status_code == 200
    before = footprint(live.case.id)

    response = maria.add("strength", {"text": "One too many"})

    assert response.status_code == 429
    assert response.headers["HX-Retarget"] == "#message-strengths"
    assert "You're sending changes very fast" in _text(response)
    assert footprint(live.case.id) == before
    assert nan.add("strength", {"text": "Nan is not slowed down"}).status_code == 200


def test_the_same_change_sent_twice_with_one_key_is_saved_once(live, maria, nan):
    """A retry after a lost answer: same key, one strength, one event; a new key, a new one."""
    first = maria.add("strength", {"text": "Maria asks for help"}, key="key-of-maria-1")
    events = footprint(live.case.id)[1]
    retry = maria.add("strength", {"text": "Maria asks for help"}, key="key-of-maria-1")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert count(Strength, text="Maria asks for help") == 1
    assert footprint(live.case.id)[1] == events
    assert re.search(r'class="item-text">Maria asks for help<', retry.get_data(as_text=True))
    assert (
        maria.add("strength", {"text": "Maria asks for help"}, key="key-of-maria-2").status_code
        == 200
    )
    assert count(Strength, text="Maria asks for help") == 2
    # Someone else's key never replays (nor reveals) Maria's change.
    stolen = nan.add("strength", {"text": "Nan's words"}, key="key-of-maria-1")
    assert stolen.status_code == 422
    assert count(Strength, text="Nan's words") == 0


# ---- Escaping, hints ----


@pytest.mark.parametrize("payload", XSS)
def test_typed_markup_is_shown_as_text_everywhere(app, live, maria, nan, payload):
    """Markup in a strength or a name is escaped in the answer, the pages and the pushes."""
    nan_socket = live.socket(nan)
    live.drain()
    response = maria.add("strength", {"text": payload})
    assert response.status_code == 200
    mallory = live.phone(payload, "friend")

    escaped = html.escape(payload).replace("&quot;", "&#34;").replace("&#x27;", "&#39;")
    shown = {
        "the answer": response.get_data(as_text=True),
        "the projector": live.staff.board().get_data(as_text=True),
        "a phone": nan.board().get_data(as_text=True),
        "the fragment": nan.section("strengths").get_data(as_text=True),
        "the push": helpers.pushed(nan_socket.updates(), "strengths"),
        "the sender's own board": mallory.board().get_data(as_text=True),
        "who is here": live.staff.section("participants").get_data(as_text=True),
    }
    for where, page in shown.items():
        assert payload not in page, where
        assert "<img src=x" not in page and "<script>alert" not in page, where
        assert escaped in page, where


def test_an_action_that_is_not_yet_smart_gets_a_gentle_hint(live, maria):
    """No who, no date, vague words: hints; who, date and specific words: none."""
    maria.add("action", {"what": "try to do better"})
    vague = latest_id(Action)
    response = maria.add(
        "action",
        {
            "what": "Maria calls the school nurse to book a hearing test",
            "who": f"participant:{maria.participant_id}",
            "due_on": LATER,
        },
    )
    specific = latest_id(Action)

    page = response.get_data(as_text=True)
    hints = re.findall(r'<p class="smart-hint">(.*?)</p>', _action_row(page, vague))
    assert hints == [
        "Who will do this?",
        "By when?",
        "Could it say exactly what will be done, so everyone can tell when it is done?",
    ]
    assert 'class="smart-hint"' not in _action_row(page, specific)


# ---- Meeting controls ----


@pytest.fixture
def scheduled(app, client, auth, facilitator):
    """A meeting not opened yet, its facilitator at the board."""
    auth.login(facilitator)
    meeting = LiveMeeting(app, client, facilitator)
    meeting.staff_arrives()
    yield meeting
    meeting.close()


def test_the_facilitator_runs_the_meeting_from_the_board(scheduled):
    """Open, let everyone in, hide the code, start, lock, admit, remove, end: all over htmx."""
    live, base = scheduled, f"/meetings/{scheduled.id}"

    opened = live.staff.post(f"{base}/open")
    assert (opened.status_code, opened.headers["HX-Redirect"]) == (204, f"{base}/board/")
    assert helpers.meeting_row(live.id).status == MeetingStatus.OPEN
    walter = live.phone("Walter", "friend", admit=False)
    rex = live.phone("Rex", "relative", admit=False)
    admitted = live.admit(walter)
    assert admitted.status_code == 200
    assert '<span class="name">Walter</span>' in admitted.get_data(as_text=True)

    setting = live.staff.post(f"{base}/settings/admit_everyone", {"value": "1"})
    assert setting.status_code == 200
    assert setting.headers["X-Board-Seq"] == str(live.seq())
    assert helpers.meeting_row(live.id).admit_everyone is True
    # Everyone with the code: those already waiting too.
    assert fresh(Participant, rex.participant_id).status == ParticipantStatus.ADMITTED
    hidden = live.staff.post(f"{base}/settings/join_details_hidden", {"value": "1"})
    assert hidden.status_code == 200
    assert "join-panel" not in hidden.get_data(as_text=True)
    assert "Show the join code" in hidden.get_data(as_text=True)

    started = live.staff.post(f"{base}/start")
    assert started.status_code == 204
    assert helpers.meeting_row(live.id).status == MeetingStatus.LIVE

    locked = live.staff.post(f"{base}/locks/plan", {"locked": "1"})
    assert locked.status_code == 200
    assert "Unlock “What needs to happen”" in _text(locked)
    assert helpers.meeting_row(live.id).locked_sections == ["plan"]

    removed = live.remove(walter)
    assert removed.status_code == 200
    assert "Walter" not in removed.get_data(as_text=True)
    assert fresh(Participant, walter.participant_id).status == ParticipantStatus.REMOVED

    ended = live.staff.post(f"{base}/end")
    assert ended.status_code == 204
    assert helpers.meeting_row(live.id).status == MeetingStatus.ENDED


def test_meeting_controls_need_the_security_token_and_say_what_is_wrong(live):
    """Without the CSRF header nothing happens; a control that cannot apply says why."""
    before = footprint(live.case.id)

    forged = live.staff.browser.post(f"/meetings/{live.id}/end", headers={"HX-Request": "true"})
    unknown = live.staff.post(f"/meetings/{live.id}/locks/banana", {"locked": "1"})
    again = live.staff.post(f"/meetings/{live.id}/start")

    assert forged.status_code == 400
    assert helpers.meeting_row(live.id).status == MeetingStatus.LIVE
    assert (unknown.status_code, unknown.headers["HX-Retarget"]) == (400, "#message-status")
    assert "There is no such section." in _text(unknown)
    assert again.status_code == 400 and "Only an open meeting can be started." in _text(again)
    assert footprint(live.case.id) == before


CONTROLS = [
    ("end", {}),
    ("start", {}),
    ("settings/admit_everyone", {"value": "1"}),
    ("locks/strengths", {"locked": "1"}),
    ("participants/{nan}/remove", {}),
    ("participants/{nan}/admit", {}),
]


@pytest.mark.parametrize(("control", "form"), CONTROLS, ids=[c for c, _f in CONTROLS])
def test_phones_and_other_teams_cannot_use_the_meeting_controls(
    app, live, maria, nan, control, form
):
    """A phone is sent to sign in, another team's caseworker is told nothing exists: no change."""
    path = f"/meetings/{live.id}/" + control.format(nan=nan.participant_id)
    stranger = outsider(app)
    stranger.csrf = helpers.page_csrf(stranger.browser.get("/cases/").get_data(as_text=True))
    before = footprint(live.case.id)

    from_phone = maria.post(path, form)
    from_stranger = stranger.post(path, form)

    # Phones have no account: like every staff page, the controls send them to sign in.
    assert from_phone.status_code == 302
    assert from_phone.headers["Location"].startswith("/login")
    assert from_stranger.status_code == 404
    assert footprint(live.case.id) == before
    meeting = helpers.meeting_row(live.id)
    assert (meeting.status, meeting.admit_everyone, meeting.locked_sections) == (
        MeetingStatus.LIVE,
        False,
        [],
    )
