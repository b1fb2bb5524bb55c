"""Every kind of event the app records reads as a sentence naming who did what, when."""

from __future__ import annotations

import ast
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from fttm.core.registry import KINDS
from fttm.plans.models import EndorsementDecision
from fttm.transcript.models import TranscriptEvent
from fttm.transcript.reading import transcript
from fttm.transcript.sentences import sentence
from tests.transcript.scripted import run_meeting

SOURCE = Path(__file__).resolve().parents[2] / "fttm"
RECORDING_CALLS = {
    "record",
    "set_fields",
    "_save_edit",
    "_staff_participant_change",
    "_set_status",
    "_mark_item",
    "_record",  # plans/agreement.py: an answer to the plan and its event
}
KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")
GENERIC = "made a change"
# Payloads for kinds whose sentence depends on them (the rest read from empty ones).
PAYLOADS = {
    "meeting.setting_changed": ({"admit_everyone": False}, {"admit_everyone": True}),
    "meeting.scheduled": (None, {"scheduled_at": "2026-12-01T15:00:00+00:00"}),
    "safety_rating.given": (None, {"score": 5}),
    "plan_version.taken": (None, {"number": 2}),
    "agreement.given": (None, {"name": "Maria", "response": "agreed", "comment": None}),
    "agreement.recorded": (None, {"name": "Tom", "response": "did_not_take_part"}),
    "family_copy.recorded": (None, {"recipient_name": "Maria", "method": "post"}),
}


def recorded_kinds() -> set[str]:
    """Every kind of event the code records: the kinds passed to the recording helpers, whether
    written out or through a name assigned in the same module (`MOVED = "meeting.phase_moved"`,
    `event_kind = "person.shared" if … else …`), and each board item kind with each verb the
    board commands build with an f-string.
    """
    kinds = set()
    for path in SOURCE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        assigned = _assigned(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            if name not in RECORDING_CALLS:
                continue
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name):
                    for value in assigned.get(inner.id, ()):
                        kinds |= _literal_kinds(value)
            kinds |= _literal_kinds(node)
    verbs = ("added", "edited", "deleted", "restored", "made_confidential", "shared")
    kinds |= {f"{kind}.{verb}" for kind in KINDS for verb in verbs}
    kinds |= {f"plan_version.{decision}" for decision in EndorsementDecision}
    return kinds


def _assigned(tree: ast.AST) -> dict[str, list[ast.expr]]:
    """What each plain name is assigned anywhere in a module (constants and locals alike)."""
    values: dict[str, list[ast.expr]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        for target in targets:
            if isinstance(target, ast.Name):
                values.setdefault(target.id, []).append(value)
    return values


def _literal_kinds(node: ast.AST) -> set[str]:
    """The strings shaped like a kind of event written out within `node`."""
    return {
        inner.value
        for inner in ast.walk(node)
        if isinstance(inner, ast.Constant)
        and isinstance(inner.value, str)
        and KIND.match(inner.value)
    }


def event(kind: str, case_id: int, **fields) -> TranscriptEvent:
    """An event as the recorder writes it (not saved)."""
    before, after = PAYLOADS.get(kind, ({}, {}))
    values = dict(
        case_id=case_id,
        seq=1,
        at=datetime(2026, 11, 30, 19, 3, tzinfo=UTC),
        actor_name="Ana",
        actor_role="facilitator",
        kind=kind,
        section=None,
        target_type="X",
        target_id=None,
        before=before,
        after=after,
    )
    return TranscriptEvent(**{**values, **fields})


@pytest.fixture
def script(facilitator, case):
    """The scripted meeting, held."""
    return run_meeting(facilitator, case)


@pytest.fixture
def told(script) -> dict[str, list[str]]:
    """The scripted meeting's sentences, by kind of event."""
    by_kind: dict[str, list[str]] = {}
    for line in transcript(script.meeting):
        by_kind.setdefault(line.event.kind, []).append(line.sentence)
    return by_kind


def test_every_recorded_kind_has_its_own_sentence(case):
    kinds = recorded_kinds()

    generic = [k for k in sorted(kinds) if GENERIC in sentence(event(k, case.id))]

    assert len(kinds) > 50, sorted(kinds)
    assert {"meeting.ended", "person.added", "participant.joined"} <= kinds
    # recorded through a name, not written out in the call
    assert {"meeting.phase_moved", "person.shared", "agreement.given"} <= kinds
    assert not generic


def test_board_changes_read_as_sentences(told):
    assert told["strength.added"][0] == "Maria (Parent) added a strength: “She never misses pickup”"
    assert told["action.edited"][0] == (
        "Fran Facilitator (Staff) changed the action “Fix the boiler”: "
        "by when Nov 30, 2026 → Dec 5, 2026"
    )
    assert told["action.edited"][1].endswith("status Open → In progress")
    assert told["strength.edited"][0].endswith(
        "words “She never misses pickup” → “Maria never misses pickup”"
    )
    assert told["strength.deleted"] == [
        "Maria (Parent) removed the strength “Maria never misses pickup”"
    ]
    assert told["strength.restored"][0].startswith("Fran Facilitator (Staff) restored the strength")
    assert told["worry.made_confidential"] == [
        "Fran Facilitator (Staff) marked the worry “The flat is cold” confidential"
    ]
    assert told["worry.shared"][0].endswith("with everyone again")
    assert told["note.added"][0].endswith("added a note: “Maria asked for respite”")
    assert "(kind: Reactive; if: “If Maria feels overwhelmed”)" in told["safety_step.added"][0]
    assert "who: Landlord" in told["action.added"][0]


def test_family_map_changes_name_people_as_they_were(told):
    assert told["person.added"][0].startswith(
        "Fran Facilitator (Staff) added a person to the family map: “Tom Lopez”"
    )
    assert told["relationship.added"][0].endswith("“Tom Lopez, birth parent of Leo Lopez”")
    assert told["person.edited"][0] == (
        "Maria (Parent) changed the person “Tom Lopez”: name “Tom Lopez” → “Tomás Lopez”"
    )
    assert told["person.made_confidential"][0].endswith("the person “Tomás Lopez” confidential")
    assert told["relationship.deleted"][0].endswith("“Tomás Lopez, birth parent of Leo Lopez”")
    assert told["ecomap_connection.added"][0].startswith(
        "Nan (Relative) added a connection to the ecomap: “Leo Lopez: Midtown Primary”"
    )


def test_meeting_and_people_events_read_as_sentences(told):
    assert told["meeting.started"] == ["Fran Facilitator (Facilitator) started the meeting"]
    assert told["meeting.ended"] == ["Fran Facilitator (Facilitator) ended the meeting"]
    assert "Maria (Parent) asked to join the meeting" in told["participant.joined"]
    assert "Fran Facilitator (Staff) let Nan in" in told["participant.admitted"]
    assert told["participant.removed"] == ["Fran Facilitator (Staff) removed Nan from the meeting"]
    assert told["section.locked"] == [
        "Fran Facilitator (Facilitator) locked the section “What's working well”"
    ]
    assert told["safety_rating.given"] == [
        "Maria (Parent) rated safety 4 out of 10",
        "Maria (Parent) changed their safety rating: 4 → 6 out of 10",
    ]
    assert told["plan_version.taken"] == [
        "Fran Facilitator (Facilitator) kept the plan as version 1"
    ]


def test_times_are_in_the_case_time_zone(script):
    lines = transcript(script.meeting)

    assert all(line.moment.tzinfo.key == "America/Detroit" for line in lines)
    assert lines[0].time == lines[0].event.at.astimezone(lines[0].moment.tzinfo).strftime("%H:%M")


def test_a_scheduled_time_reads_where_the_case_is(case):
    told = sentence(event("meeting.scheduled", case.id))

    assert told.startswith("Ana (Facilitator) scheduled the meeting for Tuesday, December 1, 2026")
    assert "10:00" in told  # 15:00 UTC is 10:00 in Detroit


def test_an_unknown_kind_or_a_broken_payload_reads_generically(case):
    unknown = sentence(event("weather.changed", case.id))
    broken = sentence(event("action.edited", case.id, before={"due_on": 3}, after=None))
    odd = sentence(event("meeting.setting_changed", case.id, after={"mystery": 1}))

    assert unknown == "Ana (Facilitator) made a change (weather.changed)"
    assert broken.startswith("Ana (Facilitator) changed the action")
    assert odd == "Ana (Facilitator) made a change (meeting.setting_changed)"
