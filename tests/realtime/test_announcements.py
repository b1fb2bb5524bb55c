"""What screen readers are told as the board changes: each push carries one short sentence per
change for its audience, and the sender's own answer carries its own ("Saved", "You rated 7").
A family screen is never told of anything it may not see.
"""

from __future__ import annotations

from urllib.parse import unquote

from fttm.board.models import Strength
from tests.helpers import latest_id


def _said(updates: list[dict]) -> list[str]:
    """Every sentence a screen was told, in order."""
    return [line["text"] for update in updates for line in update.get("said", [])]


def _own(response) -> str:
    """The sentence the sender's own answer carries."""
    return unquote(response.headers.get("FTTM-Said", ""))


def test_a_strength_added_is_told_to_the_others_by_name_and_to_the_sender_as_saved(
    live, maria, nan
):
    """Nan and the projector hear "Maria added a strength"; Maria's answer says "Saved"."""
    nan_socket, staff_socket = live.socket(nan), live.socket(live.staff)
    live.drain()

    response = maria.add("strength", {"text": "Maria walks Leo to school"})

    assert response.status_code == 200
    assert _own(response) == "Saved"
    assert _said(nan_socket.updates()) == ["Maria added a strength"]
    told = staff_socket.received()
    pushed = [payload for name, payload in told if name == "board:update"]
    assert _said(pushed) == ["Maria added a strength"]
    assert all(line["by"] == maria.participant_id for u in pushed for line in u.get("said", []))


def test_a_rating_tells_its_giver_the_score_and_the_others_only_that_someone_rated(
    live, maria, nan
):
    """Who gave which rating is not shown to the room, so it is not said to it either."""
    nan_socket = live.socket(nan)
    live.drain()

    response = maria.rate("7")

    assert response.status_code == 200
    assert _own(response) == "You rated 7"
    said = _said(nan_socket.updates())
    assert said == ["A new rating on the safety scale"]
    assert not any("Maria" in line or "7" in line for line in said)


def test_confidential_and_staff_only_changes_are_never_told_to_family_screens(live, maria, nan):
    """A confidential strength, a staff note, and making an item confidential: the projector is
    told, Nan's phone hears nothing at all (not even that something happened)."""
    nan_socket, staff_socket = live.socket(nan), live.socket(live.staff)
    maria.add("strength", {"text": "Shared strength"})
    shared = latest_id(Strength)
    live.drain()

    live.staff.add("strength", {"text": "Secret strength", "confidential": "1"})
    live.staff.add("note", {"text": "Staff note"})
    live.staff.flag("strength", shared, "confidential")
    live.staff.post(f"/meetings/{live.id}/locks/safety_plan", {"locked": "1"})

    family = _said(nan_socket.updates())
    assert "Secret" not in " ".join(family) and "note" not in " ".join(family)
    assert family == ["Safety plan locked"]
    # The projector is told everything, marked as the facilitator's own (their screen, told by
    # its answers, does not say it twice).
    staff = [line for u in staff_socket.updates() for line in u.get("said", [])]
    assert [line["text"] for line in staff] == [
        "Fran Facilitator added a strength",
        "Fran Facilitator added a note",
        "Fran Facilitator changed “What's working well”",
        "Safety plan locked",
    ]
    assert {line["by"] for line in staff} == {live.staff.participant_id}


def test_the_end_of_the_meeting_asks_the_family_whether_they_agree(live, maria):
    """A phone is told the meeting ended and asked about the plan; the facilitator is told it
    ended by the answer to their own click."""
    maria_socket = live.socket(maria)
    live.drain()

    response = live.staff.post(f"/meetings/{live.id}/end")

    assert response.status_code in (200, 204)
    assert _own(response) == "The meeting has ended"
    assert "The meeting has ended: do you agree with the plan?" in _said(maria_socket.updates())
