"""Filtering and searching a meeting's transcript; the filters offer what the meeting holds."""

from __future__ import annotations

import pytest

from fttm.board.commands import add_item
from fttm.transcript.reading import Filters, choices, select, transcript
from tests.transcript.scripted import run_meeting


@pytest.fixture
def script(facilitator, case):
    """The scripted meeting, held."""
    return run_meeting(facilitator, case)


@pytest.fixture
def lines(script):
    """Its transcript."""
    return transcript(script.meeting)


def kept(lines, **filters) -> list[str]:
    """The sentences the filters keep."""
    return [line.sentence for line in select(lines, Filters(**filters))]


def test_lines_are_in_order_and_attributed(lines):
    seqs = [line.event.seq for line in lines]

    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs))
    assert all(line.sentence.startswith(line.actor) for line in lines)


def test_filter_by_participant_role_section_and_kind_of_change(script, lines):
    maria = f"p{script.maria.participant.id}"
    staff = f"u{script.staff.user.id}"

    assert kept(lines, participant=maria) and all(
        s.startswith("Maria (Parent)") for s in kept(lines, participant=maria)
    )
    # The facilitator as account (started, ended) and at the board (staff) is one person.
    by_staff = kept(lines, participant=staff)
    assert any(s.startswith("Fran Facilitator (Facilitator)") for s in by_staff)
    assert any(s.startswith("Fran Facilitator (Staff)") for s in by_staff)
    assert all(s.startswith("Nan (Relative)") for s in kept(lines, role="relative"))
    assert kept(lines, section="worries") == [
        "Nan (Relative) added a worry: “The flat is cold” (need: Housing)",
        "Fran Facilitator (Staff) marked the worry “The flat is cold” confidential",
        "Fran Facilitator (Staff) shared the worry “The flat is cold” with everyone again",
    ]
    assert all(" removed " in s for s in kept(lines, change="removed"))
    assert len(kept(lines, change="restored")) == 4
    assert len(kept(lines, change="confidential")) == 3
    assert kept(lines, participant=maria, change="edited") == [
        "Maria (Parent) changed the strength “She never misses pickup”: words “She never misses "
        "pickup” → “Maria never misses pickup”",
        "Maria (Parent) changed the person “Tom Lopez”: name “Tom Lopez” → “Tomás Lopez”",
    ]
    assert kept(lines, participant="p999999") == []


def test_search_is_case_insensitive_plain_text_over_sentences_and_values(script, lines):
    assert kept(lines, q="BOILER") == [s for s in kept(lines) if "boiler" in s.lower()]
    # The stored value too ("2026-12-05", shown "Dec 5, 2026"); on that very day every line's own
    # time matches it as well, so the lines shown with it are among those found, not all of them.
    shown = kept(lines, q="Dec 5, 2026")
    assert shown and set(shown) <= set(kept(lines, q="2026-12-05"))
    # % and _ are plain characters, not wildcards: "_" finds only values written with one.
    assert kept(lines, q="%") == []
    # (the meeting's purpose is stored as "initial_plan", the action's status as "in_progress")
    found = kept(lines, q="_")
    assert len(found) == 2 and "scheduled the meeting for" in found[0]
    assert (
        found[1] == "Nan (Relative) changed the action “Fix the boiler”: status Open → In progress"
    )


def test_percent_and_underscore_match_only_themselves(staff):
    add_item(staff, "note", {"text": "Rent paid 100% on_time"})
    add_item(staff, "note", {"text": "Rent paid 1000 on time"})
    lines = transcript(staff.meeting)

    assert kept(lines, q="100%") == kept(lines, q="on_time")
    assert kept(lines, q="on_time") == [
        "Fran Facilitator (Staff) added a note: “Rent paid 100% on_time”"
    ]
    assert kept(lines, q="10_%") == [] and kept(lines, q="1%0") == []


def test_choices_come_from_the_meeting_s_events(script, lines):
    offered = choices(lines, script.meeting)

    assert [words for _key, words in offered["role"]] == [
        "Facilitator",
        "Parent",
        "Relative",
        "Staff",
    ]
    assert [words for _key, words in offered["participant"]] == [
        "Fran Facilitator (Facilitator)",
        "Maria (Parent)",
        "Nan (Relative)",
    ]
    sections = [key for key, _words in offered["section"]]
    assert sections[:2] == ["meeting", "participants"] and "case" not in sections
    assert {"strengths", "worries", "plan", "family_map", "notes"} <= set(sections)
    assert [key for key, _words in offered["change"]] == [
        "added",
        "edited",
        "removed",
        "restored",
        "confidential",
        "other",
    ]


def test_filters_read_from_a_query_string_ignore_the_rest():
    filters = Filters.from_args({"q": "  boiler ", "role": "parent", "evil": "x", "section": None})

    assert filters == Filters(role="parent", q="boiler")
    assert filters.query() == {"role": "parent", "q": "boiler"} and filters.active
    assert not Filters.from_args({}).active
    assert len(Filters.from_args({"q": "x" * 5000}).q) == 200
