"""Two screens change the same thing at the same moment: one wins, the other is told, none is lost.

Tried as an attacker would on PostgreSQL: two phones edited the same action cell from the same
base version at once. Both got 200, the version went up once, and two `edited` events carried
the same "before": one edit was silently lost. Here real threads, each with its own connection,
race on SQLite and on a real PostgreSQL. A meeting point inside the command (where it takes its
"before" snapshot) holds the first writer until the second has arrived or cannot: the worst
interleaving, every time, rather than by luck.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa

from fttm.auth.models import User
from fttm.board import commands as board_commands
from fttm.board.commands import add_item, edit_item
from fttm.board.models import Action, Strength
from fttm.core import rows
from fttm.core.viewers import Viewer
from fttm.errors import Conflict
from fttm.extensions import db
from fttm.family_map.models import Person
from fttm.family_map.people import add_person, edit_person
from fttm.meetings.models import Meeting, Participant
from fttm.transcript.models import TranscriptEvent
from tests.helpers import fresh, latest_id

MEETING_POINT_SECONDS = 3


@pytest.fixture
def app(app_on_each_database):
    """Every race here runs on SQLite, then on a real PostgreSQL."""
    return app_on_each_database


def _meeting_point(monkeypatch, module) -> None:
    """Make each thread's first "before" snapshot in `module` wait for the other thread, so both
    have read the row before either writes (unless the first already holds the row: then the
    second cannot arrive, and the first goes on after a few seconds).
    """
    barrier = threading.Barrier(2, timeout=MEETING_POINT_SECONDS)
    arrived = threading.local()
    real = module.snapshot

    def snapshot(*args, **kwargs):
        if not getattr(arrived, "done", False):
            arrived.done = True
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait()
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "snapshot", snapshot)


def _viewer(meeting_id: int, participant_id: int) -> Viewer:
    """A screen of the meeting, loaded in the calling thread's own session."""
    meeting = db.session.get(Meeting, meeting_id)
    participant = db.session.get(Participant, participant_id)
    user = db.session.get(User, participant.user_id) if participant.user_id else None
    return Viewer(meeting, participant, user)


def _race(app, attempts: list[Callable[[], object]]) -> list[object]:
    """Run each attempt in its own thread and app context at once: what each returned or raised."""
    results: list[object] = [None] * len(attempts)

    def run(index: int) -> None:
        with app.app_context():
            try:
                results[index] = attempts[index]()
            except Exception as error:  # the outcome under test, whatever it is
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(attempts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _edited_events(kind: str, target_id: int) -> list[TranscriptEvent]:
    """The `edited` events of one row, read fresh."""
    db.session.expire_all()
    return db.session.scalars(
        sa.select(TranscriptEvent).where(
            TranscriptEvent.kind == kind, TranscriptEvent.target_id == target_id
        )
    ).all()


def _one_won(results: list[object]) -> None:
    """Exactly one attempt saved; the other was refused as a conflict (never another error)."""
    conflicts = [r for r in results if isinstance(r, Conflict)]
    errors = [r for r in results if isinstance(r, Exception) and not isinstance(r, Conflict)]
    assert not errors, errors
    assert len(conflicts) == 1, results


def test_two_phones_editing_one_action_cell_at_once_one_gets_a_conflict(
    app, live, maria, nan, monkeypatch
):
    """The later of two edits of the same cell from the same version is a conflict, not lost."""
    staff = _viewer(live.id, live.staff.participant_id)
    action = add_item(staff, "action", {"what": "Call the school"})
    base = (action.cell_versions or {}).get("what", 0)
    _meeting_point(monkeypatch, board_commands)

    def edit(participant_id: int, words: str):
        def attempt() -> str:
            viewer = _viewer(live.id, participant_id)
            edit_item(viewer, "action", action.id, {"what": words}, base_versions={"what": base})
            return words

        return attempt

    results = _race(
        app, [edit(maria.participant_id, "Maria calls"), edit(nan.participant_id, "Nan calls")]
    )

    _one_won(results)
    saved = fresh(Action, action.id)
    assert saved.what == next(r for r in results if isinstance(r, str))
    assert saved.cell_versions["what"] == base + 1
    events = _edited_events("action.edited", action.id)
    assert len(events) == 1
    assert events[0].before == {"what": "Call the school"}


def test_two_edits_of_other_cells_of_one_action_at_once_both_stay(
    app, live, maria, nan, monkeypatch
):
    """Cells are independent: racing edits of "what" and "where" both keep their words."""
    staff = _viewer(live.id, live.staff.participant_id)
    action = add_item(staff, "action", {"what": "Call the school"})
    cells = action.cell_versions or {}
    _meeting_point(monkeypatch, board_commands)

    def edit(participant_id: int, field: str, words: str):
        return lambda: edit_item(
            _viewer(live.id, participant_id),
            "action",
            action.id,
            {field: words},
            base_versions={field: cells.get(field, 0)},
        )

    results = _race(
        app,
        [
            edit(maria.participant_id, "what", "Maria calls"),
            edit(nan.participant_id, "where_how", "By phone"),
        ],
    )

    assert not any(isinstance(r, Exception) for r in results), results
    saved = fresh(Action, action.id)
    assert (saved.what, saved.where_how) == ("Maria calls", "By phone")
    assert len(_edited_events("action.edited", action.id)) == 2


def test_a_strength_edited_by_its_author_and_the_facilitator_at_once_keeps_one(
    app, live, maria, monkeypatch
):
    """Whole items have one version: the later of two racing edits is a conflict."""
    mine = add_item(_viewer(live.id, maria.participant_id), "strength", {"text": "Mum cooks"})
    mine_id, base = mine.id, mine.version
    _meeting_point(monkeypatch, board_commands)

    def edit(participant_id: int, words: str):
        return lambda: edit_item(
            _viewer(live.id, participant_id),
            "strength",
            mine_id,
            {"text": words},
            base_versions={"text": base},
        )

    results = _race(
        app,
        [
            edit(maria.participant_id, "Mum cooks daily"),
            edit(live.staff.participant_id, "Mum cooks well"),
        ],
    )

    _one_won(results)
    assert fresh(Strength, mine_id).version == base + 1
    assert len(_edited_events("strength.edited", mine_id)) == 1


def test_two_phones_changing_one_person_at_once_one_gets_a_conflict(
    app, live, maria, nan, monkeypatch
):
    """The family map's people (and its lines and connections) are versioned the same way."""
    staff = _viewer(live.id, live.staff.participant_id)
    person = add_person(staff, {"name": "Leo Lopez", "born": "2015"})
    person_id, base = person.id, person.version
    _meeting_point(monkeypatch, rows)

    def edit(participant_id: int, name: str):
        return lambda: edit_person(
            _viewer(live.id, participant_id),
            person_id,
            {"name": name, "born": "2015"},
            base_version=base,
        )

    results = _race(
        app, [edit(maria.participant_id, "Leon Lopez"), edit(nan.participant_id, "Leo L.")]
    )

    _one_won(results)
    assert fresh(Person, person_id).version == base + 1
    assert len(_edited_events("person.edited", person_id)) == 1


def test_a_retry_racing_its_original_is_answered_once_and_never_with_a_500(
    app, live, maria, monkeypatch
):
    """A phone that got no answer sends its change again while the first try is still running."""
    _meeting_point(monkeypatch, board_commands)

    def send():
        return maria.add("strength", {"text": "Mum plans ahead"}, key="race-key-00000001")

    results = _race(app, [send, send])

    assert [r.status_code for r in results] == [200, 200], results
    db.session.expire_all()
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Strength.text == "Mum plans ahead")) == 1
    )
    keyed = db.session.scalar(
        sa.select(sa.func.count()).where(TranscriptEvent.idempotency_key == "race-key-00000001")
    )
    assert keyed == 1
    assert latest_id(Strength)
