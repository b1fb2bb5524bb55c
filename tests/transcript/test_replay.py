"""The board at any moment of a meeting, rebuilt from the transcript, is the board as it was."""

from __future__ import annotations

import pytest

from fttm.core.recorder import last_seq
from fttm.transcript.reading import seq_range
from fttm.transcript.replay import board_at
from tests.transcript.scripted import board_in_database, run_meeting


@pytest.fixture
def script(facilitator, case):
    """The scripted meeting, held."""
    return run_meeting(facilitator, case)


def test_the_board_at_every_moment_is_the_board_that_was(script):
    meeting = script.meeting

    for seq, captured in script.boards.items():
        replayed = board_at(meeting, seq)

        assert replayed.rows == captured["rows"], f"board differs after event {seq}"
        assert replayed.ratings == captured["ratings"], f"ratings differ after event {seq}"
    assert len(script.boards) > 25


def test_an_item_added_later_is_not_on_the_board_before(script):
    meeting, late = script.meeting, script.items["late"]
    added_at = next(
        seq for seq, board in script.boards.items() if ("strength", late.id) in board["rows"]
    )

    assert board_at(meeting, added_at - 1).row("strength", late.id) is None
    assert board_at(meeting, added_at).row("strength", late.id)["text"] == "Nan cooks on Sundays"


def test_an_edit_shows_its_old_value_before_and_new_value_after(script):
    meeting, boiler = script.meeting, script.items["boiler"]
    moments = sorted(script.boards)
    dues = [board_at(meeting, seq).row("action", boiler.id) for seq in moments]

    seen = [row["due_on"] for row in dues if row]

    assert seen[0] == "2026-11-30" and seen[-1] == "2026-12-05"
    assert "2026-11-30" in seen and seen.index("2026-12-05") > seen.index("2026-11-30")


def test_a_row_seeded_before_any_meeting_is_there_from_the_start(script):
    first, _last = seq_range(script.meeting)
    leo = script.items["leo"]

    board = board_at(script.meeting, first)

    assert board.row("person", leo.id)["name"] == "Leo Lopez"
    assert board.name_of(leo.id) == "Leo Lopez"


def test_deleted_and_confidential_moments_replay(script):
    meeting, tom, cold = script.meeting, script.items["tom"], script.items["cold"]
    states = [
        (board_at(meeting, seq).row("person", tom.id), board_at(meeting, seq).row("worry", cold.id))
        for seq in sorted(script.boards)
    ]
    person_states = [(p["deleted_at"] is not None, p["confidential"]) for p, _w in states if p]
    worry_flags = [w["confidential"] for _p, w in states if w]

    assert (True, True) in person_states and (False, True) in person_states
    assert (False, False) in person_states
    assert worry_flags.count(True) == 1 and worry_flags[-1] is False


def test_the_last_moment_is_the_board_of_today(script):
    meeting = script.meeting

    board = board_at(meeting, last_seq(meeting.case_id))

    assert board.rows == board_in_database(meeting.case_id, meeting.id)["rows"]
