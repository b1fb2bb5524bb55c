"""Drafts survive a restart: written in one app, they are all there, with private family time
still running, in a new app on the same database file."""

from __future__ import annotations

from fttm import create_app
from fttm.board import commands as board
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_time import commands
from fttm.family_time.models import FamilyDraft
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import start_meeting
from fttm.meetings.models import Meeting
from tests import factories


def _app(path):
    return create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "test-secret-key",
        }
    )


def test_drafts_and_private_family_time_survive_a_restart(tmp_path):
    """Write drafts, dispose of the app and its engine, open a new app on the same file."""
    path = tmp_path / "restart.sqlite3"
    first = _app(path)
    with first.app_context(), first.test_request_context():
        db.create_all()
        facilitator = factories.make_user(team=factories.make_team(), name="Fay Facilitator")
        case = factories.make_case(facilitator)
        meeting = factories.make_meeting(facilitator, case)
        start_meeting(facilitator, meeting)
        staff = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
        maria = factories.make_phone(staff, "Maria", "parent")
        commands.start(facilitator, meeting)
        board.add_item(maria, "strength", {"text": "Maria reads with Leo"})
        board.add_item(maria, "action", {"what": "Maria calls the school", "where_how": "Phone"})
        meeting_id, maria_id = meeting.id, maria.participant.id
        db.session.remove()
        db.engine.dispose()

    second = _app(path)
    with second.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        assert meeting.family_time_started_at is not None
        drafts = commands.open_drafts(meeting.case_id)
        assert [(d.kind, d.text) for d in drafts] == [
            ("strength", "Maria reads with Leo"),
            ("action", "Maria calls the school"),
        ]
        assert drafts[1].details == {"where_how": "Phone"}
        assert {d.created_by_participant_id for d in drafts} == {maria_id}
        assert db.session.query(FamilyDraft).count() == 2
        db.session.remove()
        db.engine.dispose()
