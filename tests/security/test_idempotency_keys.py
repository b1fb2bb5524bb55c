"""Idempotency keys replay only their own change, to their sender, as the sender may see it now.

Tried as an attacker would: a phone kept the key of one change (a household) and sent it again
with a change of another kind (a strength). The replay loaded whatever strength had the
household's id, from any case of any team, confidential or not, and showed it to the phone; where
no such row existed the answer was a 500. A key now belongs to one actor, one meeting and one
request; anything else is refused and nothing is saved.
"""

from __future__ import annotations

import pytest

from fttm.board.commands import add_item
from fttm.board.models import Action, Strength
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.family_map.models import Household
from fttm.joining.commands import join_as_staff
from fttm.meetings.commands import start_meeting
from fttm.transcript.models import TranscriptEvent
from tests import factories
from tests.helpers import count, footprint, fresh, latest_id

SECRET = "Dad's parole officer: confidential, staff only"
OTHER_CASE = "Other family's worry about the landlord"


@pytest.fixture
def other_case_strength(team, live):
    """A confidential strength of another team's case, made before anything else: id 1."""
    other_team = factories.make_team("Other office")
    stranger = factories.make_user(team=other_team, role="facilitator", name="Olu Other")
    case = factories.make_case(stranger)
    meeting = factories.make_meeting(stranger, case)
    start_meeting(stranger, meeting)
    staff = Viewer(meeting, join_as_staff(stranger, meeting), stranger)
    return add_item(staff, "strength", {"text": OTHER_CASE, "confidential": "1"})


def _household(screen, name: str, key: str):
    """A phone adds a household through the family map's form."""
    return screen.post(f"{screen.base}/family-map/households", {"name": name}, key=key)


def _events_with_key(key: str) -> int:
    """How many transcript events carry this key."""
    db.session.expire_all()
    return db.session.query(TranscriptEvent).filter_by(idempotency_key=key).count()


def test_a_key_sent_again_with_another_kind_of_change_is_refused_and_shows_nothing(
    live, maria, other_case_strength
):
    """A household's key sent with a strength: 422, no row of any case in the answer."""
    assert _household(maria, "Gran's flat", key="household-key-0001").status_code == 200
    household_id = latest_id(Household)
    assert household_id == other_case_strength.id  # the ids line up, as in the attack
    before = footprint(live.case.id)

    answer = maria.add("strength", {"text": "Mum is kind"}, key="household-key-0001")

    body = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "reused the key of a different change" in body
    assert OTHER_CASE not in body and "Gran" not in body
    assert footprint(live.case.id) == before
    assert count(Strength, text="Mum is kind") == 0


def test_a_key_sent_with_a_kind_that_has_no_such_row_is_refused_not_a_crash(live, maria):
    """The old answer was a 500 (the replay found nothing, the insert hit the key's unique row)."""
    assert _household(maria, "Gran's flat", key="household-key-0002").status_code == 200
    before = footprint(live.case.id)

    answer = maria.add(
        "action", {"what": "Call the school", "who": "", "when": ""}, key="household-key-0002"
    )

    assert answer.status_code == 422
    assert footprint(live.case.id) == before
    assert count(Action, what="Call the school") == 0


def test_an_edit_sent_with_the_key_of_an_add_is_refused(live, maria):
    """Same person, same key, another request (an edit of her own strength): 422."""
    assert maria.add("strength", {"text": "Mum cooks"}, key="strength-key-0003").status_code == 200
    strength = fresh(Strength, latest_id(Strength))
    before = footprint(live.case.id)

    answer = maria.edit(
        "strength",
        strength.id,
        {"text": "Mum cooks every day", "base_version": str(strength.version)},
        key="strength-key-0003",
    )

    assert answer.status_code == 422
    assert footprint(live.case.id) == before
    assert fresh(Strength, strength.id).text == "Mum cooks"


def test_the_same_request_with_other_fields_is_refused(live, maria):
    """The key covers what was typed: different words under the same key are not a retry."""
    assert maria.add("strength", {"text": "Mum sings"}, key="strength-key-0004").status_code == 200
    before = footprint(live.case.id)

    answer = maria.add("strength", {"text": "Mum dances"}, key="strength-key-0004")

    assert answer.status_code == 422
    assert footprint(live.case.id) == before


def test_someone_else_s_key_is_refused(live, maria, nan):
    """Nan sends Maria's key with Maria's very words: still not Nan's change."""
    assert maria.add("strength", {"text": "Mum sings"}, key="strength-key-0005").status_code == 200
    before = footprint(live.case.id)

    answer = nan.add("strength", {"text": "Mum sings"}, key="strength-key-0005")

    assert answer.status_code == 422
    assert footprint(live.case.id) == before


def test_the_identical_request_is_answered_again_and_saved_once(live, maria):
    """A retry after a lost answer: 200, the same item, one row, one event."""
    first = maria.add("strength", {"text": "Mum listens"}, key="strength-key-0006")
    events = footprint(live.case.id)
    retry = maria.add("strength", {"text": "Mum listens"}, key="strength-key-0006")

    assert (first.status_code, retry.status_code) == (200, 200)
    assert "Mum listens" in retry.get_data(as_text=True)
    assert count(Strength, text="Mum listens") == 1
    assert footprint(live.case.id) == events
    assert _events_with_key("strength-key-0006") == 1


def test_a_replay_leaves_out_an_item_made_confidential_since(live, maria):
    """The replay is rendered for the asker now: the facilitator hid the strength meanwhile."""
    assert maria.add("strength", {"text": SECRET}, key="strength-key-0007").status_code == 200
    strength_id = latest_id(Strength)
    assert live.staff.flag("strength", strength_id, "confidential").status_code == 200

    retry = maria.add("strength", {"text": SECRET}, key="strength-key-0007")

    assert retry.status_code == 200
    assert SECRET not in retry.get_data(as_text=True)
    assert count(Strength, text=SECRET) == 1


def test_a_replay_for_a_removed_phone_is_not_found(live, maria):
    """Rights are checked now: a phone removed since its change gets 404, and nothing of it."""
    assert (
        maria.add("strength", {"text": "Mum is brave"}, key="strength-key-0008").status_code == 200
    )
    assert live.remove(maria).status_code == 200

    retry = maria.add("strength", {"text": "Mum is brave"}, key="strength-key-0008")

    assert retry.status_code == 404
    assert "Mum is brave" not in retry.get_data(as_text=True)


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("short", id="too short"),
        pytest.param("k" * 65, id="too long"),
        pytest.param("has spaces in it", id="spaces"),
        pytest.param("clé-12345678", id="non-ASCII"),
        pytest.param("", id="empty"),
        pytest.param("semi;colon;key", id="punctuation"),
    ],
)
def test_a_malformed_key_is_refused_with_a_message_and_nothing_is_saved(live, maria, key):
    """Never treated as if there were none: 400, a message, no strength."""
    before = footprint(live.case.id)

    answer = maria.add("strength", {"text": "Mum is patient"}, key=key)

    assert answer.status_code == 400
    assert "broken Idempotency-Key" in answer.get_data(as_text=True)
    assert footprint(live.case.id) == before
    assert count(Strength, text="Mum is patient") == 0


def test_a_malformed_key_on_the_family_map_and_the_agreement_is_refused(live, maria):
    """Every change that takes a key refuses a broken one, not only the board's items."""
    before = footprint(live.case.id)

    answer = _household(maria, "Gran's flat", key="bad key")

    assert answer.status_code == 400
    assert footprint(live.case.id) == before
