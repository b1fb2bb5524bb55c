"""Ids past the database's integer range, in a URL or a form field, from staff or a phone: never a
500. A URL naming such an id answers 404, as any id of nothing does; a form field holding one gets
400 and a message the sender can act on, and nothing is saved. PostgreSQL's `integer` is 32-bit,
so 2**31 must be refused as surely as 2**63, and the same checks run on a real PostgreSQL.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from fttm.board.commands import add_item
from fttm.board.models import Strength
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.people import add_person
from fttm.joining.commands import join_as_staff
from fttm.meetings.models import Meeting
from tests.helpers import fresh, latest_id, post_form
from tests.live_meeting import LiveMeeting, Screen

# 2**31 overflows PostgreSQL's integer, 2**63 SQLite's (and bigint), 10**30 everything.
TOO_BIG = (2**31, 2**63, 10**30)
ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
# A string argument of a rule: a value that names something real, so only the id is wrong.
WORDS = {"kind": "strength", "section": "strengths", "place": "household", "key": "welcome"}


@pytest.fixture
def app(app_on_each_database):
    """Every test here runs on SQLite, then on a real PostgreSQL."""
    return app_on_each_database


@pytest.fixture
def board(app, live, maria, facilitator):
    """The live meeting with a strength, two people and a line between them, by the facilitator."""
    meeting = fresh(Meeting, live.id)
    staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    mum = add_person(staff, {"name": "Maria Lopez", "sex": "female", "born": "1990"})
    add_person(
        staff,
        {"name": "Leo Lopez", "sex": "male", "born": "2015", "is_focus_child": "1"}
        | {"relation": "child:biological", "other": str(mum.id)},
    )
    own = add_item(staff, "strength", {"text": "Maria walks Leo to school"})
    assert maria.add("strength", {"text": "Nan cooks on Sundays"}).status_code == 200
    # A phone may edit only what it added: each screen edits its own strength.
    live.strengths = {live.staff.name: own.id, maria.name: latest_id(Strength)}
    return live


def _int_rules(app) -> list:
    """Every rule of the app with an `int` in its path."""
    return [rule for rule in app.url_map.iter_rules() if re.search(r"<int:", rule.rule)]


def _url(rule, values: dict) -> str:
    """The rule's path with each argument filled in: `values` for ids, a real word otherwise."""

    def fill(match: re.Match) -> str:
        converter, arguments, name = match.groups()
        if converter == "int":
            return str(values[name])
        if converter == "any":
            return arguments.split(",")[0].strip()
        return WORDS[name]

    return ARGUMENT.sub(fill, rule.rule)


def _real_ids(live: LiveMeeting, maria: Screen) -> dict[str, int]:
    """An id that exists for each kind of `int` argument the app's rules take."""
    strength = db.session.scalar(sa.select(sa.func.max(Strength.id)))
    return {
        "meeting_id": live.id,
        "case_id": live.case.id,
        "user_id": live.facilitator.id,
        "participant_id": maria.participant_id,
        "item_id": strength or 1,
        "person_id": 1,
        "voice_id": 1,
    }


def _send(screen: Screen, method: str, path: str):
    """A request as that screen's browser sends it (htmx POSTs carry the page's CSRF token)."""
    if method == "GET":
        return screen.browser.get(path)
    return screen.post(path, {"base_version": "1", "text": "x"})


def test_every_route_with_an_id_answers_404_for_ids_past_the_database_range(board, maria):
    real = _real_ids(board, maria)
    wrong = []
    for rule in _int_rules(board.app):
        names = re.findall(r"<int:(\w+)>", rule.rule)
        for name in names:
            for number in TOO_BIG:
                path = _url(rule, {**real, name: number})
                for method in sorted(rule.methods & {"GET", "POST"}):
                    for screen in (board.staff, maria):
                        status = _send(screen, method, path).status_code
                        if status != 404:
                            wrong.append(f"{screen.name}: {method} {path} -> {status}")
    assert not wrong, "\n".join(wrong)


def _is_refused(response, message: str) -> bool:
    return response.status_code == 400 and message in response.get_data(as_text=True)


def test_ids_past_the_range_in_board_fields_get_a_message_and_save_nothing(board, maria):
    base = f"/meetings/{board.id}/board"
    reload = "Reload the page and try again."
    choose = "Choose from the list."
    choose_person = "Choose someone from the list."
    before = board.seq()
    wrong = []
    for number in (str(n) for n in TOO_BIG):
        for screen in (board.staff, maria):
            strength = board.strengths[screen.name]
            sends = [
                (
                    f"{base}/items/strength/{strength}",
                    {"base_version": number, "text": "y"},
                    reload,
                ),
                (f"{base}/items/strength", {"text": "About", "person_id": number}, choose),
                (f"{base}/items/action", {"what": "Call", "who": f"person:{number}"}, choose),
                (f"{base}/items/action", {"what": "Call", "who": f"participant:{number}"}, choose),
                (f"{base}/items/action", {"what": "Call", "goal_id": number}, choose),
                (f"{base}/family-map/people/1", {"base_version": number, "name": "Mo"}, reload),
                (
                    f"{base}/family-map/people",
                    {"name": "Mo", "sex": "male", "relation": "child:biological", "other": number},
                    choose_person,
                ),
                (
                    f"{base}/family-map/relationships",
                    {"person": number, "other": "1", "relation": "feeling:close"},
                    choose_person,
                ),
                (
                    f"{base}/family-map/connections",
                    {"person_id": number, "category": "school", "system_name": "School"}
                    | {"strength": "strong"},
                    choose_person,
                ),
            ]
            for path, data, message in sends:
                response = screen.post(path, data)
                if not _is_refused(response, message):
                    wrong.append(f"{screen.name}: {path} {data} -> {response.status_code}")
    assert not wrong, "\n".join(wrong)
    assert board.seq() == before, "a refused change was saved"


def test_ids_past_the_range_elsewhere_never_crash(board):
    wrong = []
    for number in (str(n) for n in TOO_BIG):
        transcript = board.staff.browser.get(f"/meetings/{board.id}/transcript/board?seq={number}")
        if not _is_refused(transcript, "Choose a moment of this meeting"):
            wrong.append(f"transcript seq={number} -> {transcript.status_code}")
        transcript = board.staff.browser.get(
            f"/meetings/{board.id}/transcript?participant=p{number}&seq={number}"
        )
        if transcript.status_code != 200:
            wrong.append(f"transcript participant=p{number} -> {transcript.status_code}")
        case = f"/cases/{board.case.id}/edit"
        edited = post_form(
            board.staff.browser, case, _case_fields(board) | {"facilitator_id": number}
        )
        if not _is_refused(edited, "Choose a facilitator from your team."):
            wrong.append(f"case facilitator_id={number} -> {edited.status_code}")
    assert not wrong, "\n".join(wrong)


def _case_fields(live: LiveMeeting) -> dict[str, str]:
    """The case form as its page fills it in."""
    case = live.case
    return {
        "case_number": case.case_number,
        "family_name": case.family_name,
        "jurisdiction": case.jurisdiction,
        "substantiation_date": case.substantiation_date.isoformat(),
        "permanency_goal": case.permanency_goal,
    }


def test_ids_past_the_range_in_socket_messages_are_refused_with_a_reason(board, maria):
    wrong = []
    for number in TOO_BIG:
        stranger = board.socket(maria, auth={"meeting": number})
        if stranger.is_connected():
            wrong.append(f"connected to meeting {number}")
        for screen in (board.staff, maria):
            socket = board.socket(screen)
            # A number no screen was ever given: a full catch-up, or a refusal with a reason.
            synced = socket.emit("board:sync", {"since": number}, callback=True)
            if not (synced.get("ok") or synced.get("error")):
                wrong.append(f"{screen.name}: sync since {number} -> {synced}")
            cell = {"cell": f"action-{number}-what", "editing": True}
            editing = socket.emit("board:editing", cell, callback=True)
            if editing != {"ok": False, "error": "That cell is not on the board."}:
                wrong.append(f"{screen.name}: editing {cell['cell']} -> {editing}")
    assert not wrong, "\n".join(wrong)
