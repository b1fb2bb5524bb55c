"""The "who does it" lists of the actions table and the safety plan: each person once. Someone in
the meeting who is also on the family map is offered as that person, under "In this meeting".
"""

from __future__ import annotations

import re

from fttm.board.models import Action
from tests import factories
from tests.helpers import latest_id, select_options

WHO_LISTS = ("new-action-who", "new-proactive-who", "new-reactive-who")


def _let_in_as(live, name: str, person) -> object:
    """A phone joins as `name` and the facilitator lets it in as `person` of the family map."""
    phone = live.phone(name, "parent", admit=False)
    let_in = f"/meetings/{live.id}/participants/{phone.participant_id}/admit"
    assert live.staff.post(let_in, {"person_id": str(person.id)}).status_code == 200
    return phone


def _group(page: str, select_id: str, label: str) -> list[str]:
    """The option labels of one <optgroup> of a select."""
    select = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', page, re.S)
    group = re.search(rf'<optgroup label="{label}">(.*?)</optgroup>', select[1], re.S)
    return [text.strip() for text in re.findall(r"<option[^>]*>(.*?)</option>", group[1])]


def test_a_participant_on_the_family_map_is_offered_once(live):
    """Ana joined as "Ana" and was let in as Ana Rivera: one Ana Rivera, in this meeting."""
    ana = factories.make_person(live.case.id, "Ana Rivera")
    factories.make_person(live.case.id, "Marcus Rivera")
    _let_in_as(live, "Ana", ana)
    live.phone("Rosa", "relative")  # not on the family map

    page = live.staff.board().get_data(as_text=True)
    for select_id in WHO_LISTS:
        labels = list(select_options(page, select_id).values())
        assert labels.count("Ana Rivera") == 1, (select_id, labels)
        assert "Ana" not in labels, (select_id, labels)
        assert _group(page, select_id, "In this meeting") == [
            live.facilitator.name,
            "Ana Rivera",
            "Rosa",
        ]
        assert _group(page, select_id, "In the family map") == ["Marcus Rivera"]
        assert select_options(page, select_id)[f"person:{ana.id}"] == "Ana Rivera"


def test_a_phone_sees_each_person_once_too(live):
    """The list is the same on a family phone."""
    ana = factories.make_person(live.case.id, "Ana Rivera")
    phone = _let_in_as(live, "Ana", ana)

    page = phone.board().get_data(as_text=True)
    labels = list(select_options(page, "new-action-who").values())
    assert labels.count("Ana Rivera") == 1 and "Ana" not in labels


def test_an_action_given_to_the_participant_still_shows_who(live):
    """Chosen before the list changed (as the participant), the action still shows Ana Rivera."""
    ana = factories.make_person(live.case.id, "Ana Rivera")
    phone = _let_in_as(live, "Ana", ana)
    added = live.staff.add(
        "action", {"what": "Ana books the intake", "who": f"participant:{phone.participant_id}"}
    )
    assert added.status_code == 200
    action_id = latest_id(Action)

    page = live.staff.board().get_data(as_text=True)
    who = re.search(rf'<select id="action-{action_id}-who".*?</select>', page, re.S)[0]
    chosen = re.findall(r'<option value="([^"]*)" selected>([^<]*)</option>', who)
    assert chosen == [(f"person:{ana.id}", "Ana Rivera")]
