"""A meeting on the Olmsted framework (the Ontario profile's): its sections, live editing,
locks, confidentiality and refusals work as on Signs of Safety's board."""

from __future__ import annotations

import json

import pytest

from fttm.board.models import Strength, Worry
from fttm.extensions import db
from fttm.frameworks import FRAMEWORKS
from fttm.transcript.models import TranscriptEvent
from tests.helpers import latest_id
from tests.live_meeting import LiveMeeting

OLMSTED = FRAMEWORKS["olmsted"]
SECRET = "The police report names the uncle"
# section -> (kind of item, a form adding one)
ENTRIES = {
    "harm": ("worry", {"text": "Leo had a bruise on his arm in March", "need_domain": "safety"}),
    "danger": ("worry", {"text": "Leo could be hurt again when his father drinks"}),
    "complicating": ("worry", {"text": "The family may lose the flat"}),
    "strengths": ("strength", {"text": "Maria walks Leo to school every day"}),
    "safety": ("strength", {"text": "Nan takes Leo when there is shouting"}),
    "gaps": ("worry", {"text": "We don't know who else lives there"}),
}


@pytest.fixture
def olmsted(app, client, auth, facilitator):
    """A live meeting of an Ontario case: its board is the Olmsted framework's."""
    auth.login(facilitator)
    meeting = LiveMeeting(app, client, facilitator, jurisdiction="ontario").start()
    yield meeting
    meeting.close()


@pytest.fixture
def maria(olmsted):
    return olmsted.phone("Maria", "parent")


def _events(case_id: int, kind: str) -> list[TranscriptEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(TranscriptEvent)
            .where(TranscriptEvent.case_id == case_id, TranscriptEvent.kind == kind)
            .order_by(TranscriptEvent.seq)
        )
    )


def test_the_board_shows_the_six_sections_with_their_questions(olmsted, maria):
    for screen in (olmsted.staff, maria):
        page = screen.board().get_data(as_text=True)
        for section in OLMSTED.sections:
            assert f'id="section-{section.key}"' in page
            assert section.question("en").replace("'", "&#39;") in page
        assert 'id="section-worries"' not in page  # Signs of Safety's column is not on it
        assert "Safety goals and next steps" in page
        plan = screen.section("plan").get_data(as_text=True)
        assert ">Safety goals and next steps</h2>" in plan  # its own title of the plan
        assert "What must we see to know the child is safe enough" in plan
    assert maria.section("worries").status_code == 404


@pytest.mark.parametrize("section", list(ENTRIES))
def test_a_phone_writes_in_each_section_and_every_screen_gets_it_there(olmsted, maria, section):
    kind, form = ENTRIES[section]
    staff_socket = olmsted.socket(olmsted.staff)
    olmsted.drain()

    answer = maria.add(kind, {**form, "section": section})

    assert answer.status_code == 200, answer.get_data(as_text=True)
    model = Strength if kind == "strength" else Worry
    item = db.session.get(model, latest_id(model))
    assert item.section == section and item.text == form["text"]
    [update] = staff_socket.updates()
    pushed = update["items"][0] if "items" in update else None
    if pushed is not None:
        assert pushed["section"] == section and pushed["list"] == f"items-{section}"
    else:
        assert form["text"] in update["sections"][section]
    fragment = olmsted.staff.section(section).get_data(as_text=True)
    assert form["text"].replace("'", "&#39;") in fragment
    [event] = _events(olmsted.case.id, f"{kind}.added")
    assert event.section == section and event.after["section"] == section


def test_a_section_of_another_framework_or_of_the_wrong_kind_is_refused(olmsted, maria):
    """Nothing saved, a clear message for the sender."""
    before = (latest_id(Strength), latest_id(Worry))
    for kind, section in (("worry", "worries"), ("strength", "harm"), ("worry", "nowhere")):
        refused = maria.add(kind, {"text": "Should not be saved", "section": section})
        assert refused.status_code == 400
        assert "Choose a section of this board." in refused.get_data(as_text=True)
    assert (latest_id(Strength), latest_id(Worry)) == before


def test_a_locked_section_is_written_by_staff_only(olmsted, maria):
    locked = olmsted.staff.post(f"/meetings/{olmsted.id}/locks/danger", {"locked": "1"})
    assert locked.status_code in (200, 302, 303)
    refused = maria.add("worry", {"text": "Not now", "section": "danger"})
    assert refused.status_code == 403
    allowed = maria.add("worry", {"text": "Something else happened", "section": "harm"})
    assert allowed.status_code == 200
    assert olmsted.staff.add("worry", {"text": "Staff may", "section": "danger"}).status_code == 200


def test_a_confidential_entry_never_reaches_a_family_device(olmsted, maria):
    """Not in the page, a fragment, a push or a catch-up, in any section."""
    phone_socket = olmsted.socket(maria)
    olmsted.drain()

    added = olmsted.staff.add("worry", {"text": SECRET, "section": "harm", "confidential": "1"})

    assert added.status_code == 200 and SECRET in added.get_data(as_text=True)
    worry_id = latest_id(Worry)
    assert maria.edit("worry", worry_id, {"text": "x", "base_version": "1"}).status_code == 404
    ack = phone_socket.emit("board:sync", {"since": 0}, callback=True)
    assert ack["ok"] is True
    seen = [json.dumps(phone_socket.received()), maria.board().get_data(as_text=True)]
    seen += [maria.section(name).get_data(as_text=True) for name in ("status", *OLMSTED.keys)]
    for text in seen:
        assert SECRET not in text and f'id="worry-{worry_id}"' not in text
    assert SECRET in olmsted.staff.section("harm").get_data(as_text=True)


def test_the_transcript_names_each_entry_by_its_section(olmsted, maria):
    assert maria.add("worry", {**ENTRIES["danger"][1], "section": "danger"}).status_code == 200
    page = olmsted.staff.browser.get(f"/meetings/{olmsted.id}/transcript")
    text = page.get_data(as_text=True)
    assert "Maria (Parent) added an entry in “Danger statements”" in text


def test_the_plan_version_and_the_family_copy_read_as_the_framework_frames_them(
    olmsted, maria, facilitator
):
    from fttm.meetings.commands import end_meeting
    from fttm.plans.versions import version_of_meeting

    for section, (kind, form) in ENTRIES.items():
        assert maria.add(kind, {**form, "section": section}).status_code == 200
    hidden = {"text": SECRET, "section": "harm", "confidential": "1"}
    assert olmsted.staff.add("worry", hidden).status_code == 200
    end_meeting(facilitator, olmsted.meeting)

    version = version_of_meeting(olmsted.id)
    assert version.snapshot["framework"] == "olmsted"
    assert {w["section"] for w in version.snapshot["worries"]} == {
        "harm",
        "danger",
        "complicating",
        "gaps",
    }
    staff = olmsted.staff.browser
    page = staff.get(f"/meetings/{olmsted.id}/plan").get_data(as_text=True)
    assert "Harm statements · Danger statements · Complicating factors" in page
    assert "Existing safety</span>" in page
    copy = staff.get(f"/meetings/{olmsted.id}/plan/family").get_data(as_text=True)
    headings = [
        "What&#39;s going well for your family",
        "How the children are already kept safe",
        "What has happened",
        "What we are afraid could happen",
        "What makes things harder",
        "What we still need to find out",
        "Safety goals and next steps",
    ]
    positions = [copy.index(f">{heading}</h2>") for heading in headings]
    assert positions == sorted(positions)
    for _kind, form in ENTRIES.values():
        assert form["text"].replace("'", "&#39;") in copy
    assert SECRET not in copy
