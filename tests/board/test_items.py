"""What people may type into each kind of board item: `clean()` reads it or names what is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from fttm.board.commands import add_item, delete_item
from fttm.board.items import clean
from fttm.board.models import ActionStatus, SafetyStepKind
from fttm.core.registry import KINDS
from fttm.core.viewers import Viewer
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.joining.commands import admit, join_as_staff, join_meeting, remove
from fttm.meetings.commands import start_meeting
from tests import factories

# Enough for each kind to be saved; tests change one field at a time.
MINIMAL = {
    "strength": {"text": "Maria walks the children to school every day"},
    "worry": {"text": "The flat has no heating"},
    "goal": {"text": "The children live safely at home"},
    "objective": {"text": "Warm, safe housing by winter", "goal_id": "{goal}"},
    "action": {"what": "Call the housing office about repairs", "status": "open"},
    "safety_step": {"kind": "proactive", "text": "Nan visits every evening"},
    "note": {"text": "Family agreed the housing plan"},
}
REQUIRED = {
    "strength": {"text"},
    "worry": {"text"},
    "goal": {"text"},
    "objective": {"text", "goal_id"},
    "action": {"what"},
    "safety_step": {"kind", "text"},
    "note": {"text"},
}
LIMITS = [
    ("strength", "text", 1000),
    ("worry", "text", 1000),
    ("goal", "text", 1000),
    ("objective", "text", 1000),
    ("action", "what", 1000),
    ("action", "who_service", 120),
    ("action", "where_how", 500),
    ("safety_step", "text", 1000),
    ("safety_step", "who_service", 120),
    ("safety_step", "when", 200),
    ("safety_step", "trigger", 500),
    ("note", "text", 4000),
]
NONSENSE_IDS = ["abc", "-1", "0", "1.5", " 3x", "999999", "999999999999", "1e3", "0x1"]


@pytest.fixture
def goal(staff):
    """A goal of the case's plan."""
    return add_item(staff, "goal", {"text": "The children live safely at home"})


@pytest.fixture
def other_case_board(facilitator):
    """A person, goal, objective and admitted participant belonging to another family's case."""
    other = factories.make_case(facilitator)
    meeting = factories.make_meeting(facilitator, other)
    start_meeting(facilitator, meeting)
    viewer = Viewer(meeting, join_as_staff(facilitator, meeting), facilitator)
    goal = add_item(viewer, "goal", {"text": "Their goal"})
    objective = add_item(viewer, "objective", {"text": "Their objective", "goal_id": str(goal.id)})
    return {
        "person": factories.make_person(other.id, "Stranger"),
        "goal": goal,
        "objective": objective,
        "participant": viewer.participant,
    }


def _minimal(kind: str, goal) -> dict[str, str]:
    """A complete, valid form for `kind`."""
    return {name: value.format(goal=goal.id) for name, value in MINIMAL[kind].items()}


def _errors(kind: str, raw: dict, meeting, *, partial: bool) -> set[str]:
    """The fields `clean` refuses (it must refuse something)."""
    with pytest.raises(Invalid) as refused:
        clean(KINDS[kind], raw, meeting, partial=partial)
    return set(refused.value.errors)


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_a_minimal_form_of_each_kind_is_accepted(meeting, goal, kind):
    """The least one can type for each kind is enough, and comes back as typed values."""
    form = _minimal(kind, goal)

    values = clean(KINDS[kind], form, meeting, partial=False)

    # A strength or worry is written in the first section of the board holding its kind.
    assert set(values) == set(form) | ({"section"} if KINDS[kind].mapped else set())
    assert all(values[name] is not None for name in REQUIRED[kind])


@pytest.mark.parametrize(
    ("kind", "field"), [(kind, field) for kind, fields in REQUIRED.items() for field in fields]
)
@pytest.mark.parametrize("blank", ["", "   \n "])
def test_a_required_field_cannot_be_left_empty(meeting, goal, kind, field, blank):
    """Leaving out what an item is about names exactly that field."""
    raw = {**_minimal(kind, goal), field: blank}

    assert _errors(kind, raw, meeting, partial=False) == {field}


@pytest.mark.parametrize("kind", sorted(MINIMAL))
def test_a_form_with_nothing_in_it_names_every_required_field(meeting, kind):
    """An empty form reports every required field at once."""
    assert _errors(kind, {}, meeting, partial=False) >= REQUIRED[kind]


def test_an_action_added_with_only_its_what_starts_open(staff):
    """The quick "add action" form sends just the what (and maybe who and when): it starts open."""
    values = clean(KINDS["action"], {"what": "Call the school"}, staff.meeting, partial=False)
    action = add_item(staff, "action", {"what": "Call the school", "due_on": ""})

    assert values == {"what": "Call the school"}
    assert action.status == ActionStatus.OPEN and action.due_on is None


@pytest.mark.parametrize(("kind", "field", "limit"), LIMITS)
def test_text_is_limited_in_length(meeting, goal, kind, field, limit):
    """The limit itself is accepted; one character more is refused for that field."""
    at_limit = clean(
        KINDS[kind], {**_minimal(kind, goal), field: "x" * limit}, meeting, partial=False
    )
    assert at_limit[field] == "x" * limit

    too_long = {**_minimal(kind, goal), field: "x" * (limit + 1)}
    assert _errors(kind, too_long, meeting, partial=False) == {field}
    assert _errors(kind, {field: "y" * (limit + 1)}, meeting, partial=True) == {field}


def test_text_is_trimmed_and_blank_optional_text_is_nothing(meeting):
    """Spaces around what was typed are dropped; an optional field left blank is empty."""
    values = clean(
        KINDS["safety_step"],
        {"kind": "reactive", "text": "  Call Nan  ", "when": "   ", "trigger": ""},
        meeting,
        partial=False,
    )

    assert (values["text"], values["when"], values["trigger"]) == ("Call Nan", None, None)


def test_spaces_do_not_count_towards_the_limit(meeting):
    """A strength of exactly 1000 characters with a trailing space (phone keyboards) fits."""
    values = clean(KINDS["strength"], {"text": "s" * 1000 + "  "}, meeting, partial=True)

    assert values["text"] == "s" * 1000


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("2026-12-31", date(2026, 12, 31)), (" 2027-02-28 ", date(2027, 2, 28)), ("", None)],
)
def test_a_due_date_is_read_as_a_date(meeting, typed, expected):
    """The "by when" of an action is a real date, or nothing."""
    assert clean(KINDS["action"], {"due_on": typed}, meeting, partial=True) == {"due_on": expected}


@pytest.mark.parametrize("typed", ["2026-13-01", "2026-02-30", "31/12/2026", "tomorrow", "2026"])
def test_a_date_that_is_not_one_is_refused(meeting, typed):
    """An impossible or unreadable date is refused for the due date field."""
    assert _errors("action", {"due_on": typed}, meeting, partial=True) == {"due_on"}


@pytest.mark.parametrize("status", list(ActionStatus))
def test_each_action_status_is_accepted(meeting, status):
    """Open, in progress, done and not done can all be ticked in the table."""
    values = clean(KINDS["action"], {"status": status.value}, meeting, partial=True)

    assert values == {"status": status}


@pytest.mark.parametrize("typed", ["finished", "DONE", "Done", "", " done"])
def test_an_unknown_status_is_refused(meeting, typed):
    """Only the four statuses exist."""
    assert _errors("action", {"status": typed}, meeting, partial=True) == {"status"}


@pytest.mark.parametrize("step_kind", list(SafetyStepKind))
def test_safety_steps_are_proactive_or_reactive(meeting, step_kind):
    """Both kinds of safety step can be added."""
    values = clean(KINDS["safety_step"], {"kind": step_kind.value}, meeting, partial=True)

    assert values == {"kind": step_kind}


@pytest.mark.parametrize("typed", ["sometimes", "Proactive", ""])
def test_an_unknown_kind_of_safety_step_is_refused(meeting, typed):
    """A safety step is either proactive or reactive."""
    assert _errors("safety_step", {"kind": typed}, meeting, partial=True) == {"kind"}


def test_a_need_domain_comes_from_the_profile(meeting):
    """A worry's domain is one of the jurisdiction's need domains, or none."""
    worry = KINDS["worry"]

    assert clean(worry, {"need_domain": "housing"}, meeting, partial=True) == {
        "need_domain": "housing"
    }
    assert clean(worry, {"need_domain": ""}, meeting, partial=True) == {"need_domain": None}
    for typed in ("astrology", "Housing", "safety_plan"):
        assert _errors("worry", {"need_domain": typed}, meeting, partial=True) == {"need_domain"}


@pytest.mark.parametrize(
    ("kind", "field"),
    [("strength", "person_id"), ("worry", "person_id"), ("action", "who_person_id")],
)
def test_a_person_must_be_in_this_case_s_family_map(case, meeting, other_case_board, kind, field):
    """Someone of this family is accepted; someone of another family is refused."""
    nan = factories.make_person(case.id, "Nan")

    assert clean(KINDS[kind], {field: str(nan.id)}, meeting, partial=True) == {field: nan.id}
    assert clean(KINDS[kind], {field: ""}, meeting, partial=True) == {field: None}
    stranger = str(other_case_board["person"].id)
    assert _errors(kind, {field: stranger}, meeting, partial=True) == {field}


def test_a_deleted_person_goal_or_objective_cannot_be_chosen(case, meeting, staff, goal):
    """Something deleted from the board is no longer offered, and not accepted."""
    objective = add_item(staff, "objective", {"text": "Warm flat", "goal_id": str(goal.id)})
    uncle = factories.make_person(case.id, "Uncle")
    uncle.deleted_at = uncle.created_at
    db.session.commit()
    delete_item(staff, "objective", objective.id)
    delete_item(staff, "goal", goal.id)

    assert _errors("strength", {"person_id": str(uncle.id)}, meeting, partial=True) == {"person_id"}
    assert _errors("action", {"goal_id": str(goal.id)}, meeting, partial=True) == {"goal_id"}
    assert _errors("objective", {"goal_id": str(goal.id)}, meeting, partial=True) == {"goal_id"}
    assert _errors("action", {"objective_id": str(objective.id)}, meeting, partial=True) == {
        "objective_id"
    }


def test_goals_and_objectives_must_be_of_this_case(meeting, staff, goal, other_case_board):
    """A plan links only to its own goals and objectives."""
    objective = add_item(staff, "objective", {"text": "Warm flat", "goal_id": str(goal.id)})
    action = KINDS["action"]

    assert clean(
        action, {"goal_id": str(goal.id), "objective_id": str(objective.id)}, meeting, partial=True
    ) == {"goal_id": goal.id, "objective_id": objective.id}
    their_goal = str(other_case_board["goal"].id)
    their_objective = str(other_case_board["objective"].id)
    assert _errors("action", {"goal_id": their_goal}, meeting, partial=True) == {"goal_id"}
    assert _errors("objective", {"goal_id": their_goal}, meeting, partial=True) == {"goal_id"}
    assert _errors("action", {"objective_id": their_objective}, meeting, partial=True) == {
        "objective_id"
    }


@pytest.mark.parametrize("kind", ["action", "safety_step"])
def test_who_must_be_someone_admitted_to_this_meeting(meeting, staff, other_case_board, kind):
    """An admitted participant can be "who"; someone waiting, removed or elsewhere cannot."""
    admitted = join_meeting(meeting, display_name="Maria", role="parent")
    admit(staff.participant, admitted)
    waiting = join_meeting(meeting, display_name="Nan", role="relative")
    removed = join_meeting(meeting, display_name="Uncle", role="relative")
    remove(staff.participant, removed)
    field = "who_participant_id"

    for who in (admitted, staff.participant):
        assert clean(KINDS[kind], {field: str(who.id)}, meeting, partial=True) == {field: who.id}
    for who in (waiting, removed, other_case_board["participant"]):
        assert _errors(kind, {field: str(who.id)}, meeting, partial=True) == {field}


@pytest.mark.parametrize("typed", NONSENSE_IDS)
@pytest.mark.parametrize(
    "field", ["person_id", "who_person_id", "who_participant_id", "goal_id", "objective_id"]
)
def test_an_id_that_is_not_one_is_refused(meeting, typed, field):
    """Letters, negatives, zero, decimals and ids nobody has are all "Choose from the list"."""
    kind = "strength" if field == "person_id" else "action"

    assert _errors(kind, {field: typed}, meeting, partial=True) == {field}


def test_a_superscript_digit_is_refused_like_any_other_nonsense(meeting):
    """A pasted "²" is a bad choice, reported as one."""
    assert _errors("strength", {"person_id": "²"}, meeting, partial=True) == {"person_id"}


def test_a_partial_form_reads_only_the_fields_it_has(meeting):
    """One cell of the actions table can be saved on its own: nothing else is required."""
    values = clean(KINDS["action"], {"status": "done"}, meeting, partial=True)

    assert values == {"status": ActionStatus.DONE}
    assert clean(KINDS["objective"], {}, meeting, partial=True) == {}


def test_a_partial_form_still_refuses_emptying_a_required_field(meeting):
    """Clearing the "what" of an action is refused; clearing its place is fine."""
    assert _errors("action", {"what": "  "}, meeting, partial=True) == {"what"}
    assert clean(KINDS["action"], {"where_how": ""}, meeting, partial=True) == {"where_how": None}


@pytest.mark.parametrize(
    "name",
    [
        "id",
        "case_id",
        "confidential",
        "deleted_at",
        "version",
        "cell_versions",
        "created_by_participant_id",
        "meeting_id",
        "position",
        "bogus",
    ],
)
def test_a_partial_form_refuses_fields_people_cannot_type(meeting, name):
    """Bookkeeping and unknown fields cannot be edited through a cell."""
    raw = {"what": "Call the school", name: "1"}

    assert _errors("action", raw, meeting, partial=True) == {name}


def test_a_partial_form_names_unknown_and_bad_fields_together(meeting):
    """One refusal lists both the bad value and the field that does not exist."""
    errors = _errors("strength", {"text": "", "confidential": "1"}, meeting, partial=True)

    assert errors == {"text", "confidential"}
