"""Reading the family map's forms: each raw value typed or ticked is checked and turned into
what a row holds (a name, a year or an age, a person or household of this case, a system of the
ecomap, how two people are related). Problems are gathered in `Found`, so that every one is shown
at once, before anything is saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from fttm.core.viewers import Viewer
from fttm.errors import Invalid
from fttm.extensions import db
from fttm.family_map.models import (
    EMOTIONAL_KINDS,
    PARENTAGE_KINDS,
    UNION_KINDS,
    ConnectionStrength,
    EnergyFlow,
    Household,
    Person,
    RelationshipKind,
    Sex,
)
from fttm.forms import whole_number
from fttm.jurisdictions import profile
from fttm.languages import gettext as _

# The board section every change to the family map belongs to.
SECTION = "family_map"
EARLIEST_YEAR = 1850


@dataclass
class Found:
    """Messages about a form, gathered so that every problem is shown at once."""

    errors: dict

    def add(self, field: str, message: str) -> None:
        """Note a problem with a field (its first problem is the one shown)."""
        self.errors.setdefault(field, message)

    def raise_any(self) -> None:
        """Refuse the form with every problem noted, if there is any."""
        if self.errors:
            raise Invalid(self.errors)


def current_year(viewer: Viewer) -> int:
    """This year where the case is (its jurisdiction's today)."""
    return profile(viewer.meeting.case.jurisdiction).today().year


def text_of(raw: dict, name: str, limit: int, found: Found, *, required: bool = False):
    """A text field without surrounding spaces, or None when empty; at most `limit` long."""
    value = (raw.get(name) or "").strip()
    if len(value) > limit:
        found.add(name, _("Use at most %(count)d characters.", count=limit))
        return None
    if required and not value:
        found.add(name, _("This can't be empty."))
    return value or None


def year_of(raw: dict, name: str, this_year: int, found: Found) -> int | None:
    """A four-digit year that has passed (or an empty field)."""
    text = (raw.get(name) or "").strip()
    if not text:
        return None
    year = whole_number(text, digits=4)
    if year is None or len(text) != 4:
        found.add(name, _("Enter a year like 1984."))
        return None
    if year > this_year:
        found.add(name, _("Enter a year that has passed."))
        return None
    if year < EARLIEST_YEAR:
        found.add(name, _("Enter a year after %(year)d.", year=EARLIEST_YEAR))
        return None
    return year


def _birth_year(raw: dict, this_year: int, found: Found) -> int | None:
    """The birth year, typed as a year (1984) or an age (42)."""
    text = (raw.get("born") or "").strip()
    if not text:
        return None
    value = whole_number(text, digits=4)
    if value is not None and len(text) <= 3 and 0 <= value <= 125:
        return this_year - value
    return year_of({"born": text}, "born", this_year, found)


def checked(raw: dict, name: str) -> bool:
    """Whether a checkbox of the form was ticked."""
    return raw.get(name) in ("1", "on", "true")


def person_of_case(viewer: Viewer, raw_id, field: str, found: Found) -> Person | None:
    """A live person of this case the viewer may see; a clear message otherwise."""
    person_id = whole_number(str(raw_id or "").strip(), digits=11)
    if person_id is None:
        found.add(field, _("Choose someone from the list."))
        return None
    person = db.session.get(Person, person_id)
    if (
        person is None
        or person.case_id != viewer.meeting.case_id
        or person.deleted_at is not None
        or (person.confidential and not viewer.is_staff)
    ):
        found.add(field, _("Both people must be on this family's map."))
        return None
    return person


def _household_id(viewer: Viewer, raw: dict, found: Found) -> int | None:
    """The id of a live household of this case the viewer may see, or None when left empty."""
    text = (raw.get("household_id") or "").strip()
    if not text:
        return None
    household_id = whole_number(text, digits=11)
    home = db.session.get(Household, household_id) if household_id else None
    if (
        home is None
        or home.case_id != viewer.meeting.case_id
        or home.deleted_at is not None
        or (home.confidential and not viewer.is_staff)
    ):
        found.add("household_id", _("Choose a household from the list."))
        return None
    return home.id


def person_values(viewer: Viewer, raw: dict, found: Found, *, current: Person | None) -> dict:
    """The typed values of a person's form (every field present in `raw`)."""
    this_year = current_year(viewer)
    values: dict = {}
    if "name" in raw or current is None:
        values["name"] = text_of(raw, "name", 120, found, required=True)
    if "sex" in raw or current is None:
        sex = raw.get("sex") or Sex.UNKNOWN.value
        if sex not in {s.value for s in Sex}:
            found.add("sex", _("Choose female, male, or other or unknown."))
        else:
            values["sex"] = Sex(sex)
    if "gender_identity" in raw:
        values["gender_identity"] = text_of(raw, "gender_identity", 60, found)
    if "born" in raw:
        values["birth_year"] = _birth_year(raw, this_year, found)
    if "death_year" in raw or "deceased" in raw or current is None:
        death_year = year_of(raw, "death_year", this_year, found)
        values["death_year"] = death_year
        values["deceased"] = checked(raw, "deceased") or death_year is not None
    if "is_pregnancy_loss" in raw or current is None:
        values["is_pregnancy_loss"] = checked(raw, "is_pregnancy_loss")
    if "household_id" in raw:
        values["household_id"] = _household_id(viewer, raw, found)
    if "note" in raw:
        values["note"] = text_of(raw, "note", 500, found)
    if "is_focus_child" in raw or (current is None and viewer.is_staff):
        focus = checked(raw, "is_focus_child")
        if focus != (current.is_focus_child if current else False) and not viewer.is_staff:
            found.add(
                "is_focus_child", _("Only the facilitator marks the child the plan is about.")
            )
        else:
            values["is_focus_child"] = focus
    born = values.get("birth_year", current.birth_year if current else None)
    died = values.get("death_year", current.death_year if current else None)
    if born is not None and died is not None and died < born:
        found.add("death_year", _("The year of death can't be before the year of birth."))
    return values


def connection_values(viewer: Viewer, raw: dict, found: Found, *, new: bool) -> dict:
    """The typed values of an ecomap connection's form (all of them for a `new` one)."""
    values: dict = {}
    if "person_id" in raw:
        text = (raw.get("person_id") or "").strip()
        if text:
            person = person_of_case(viewer, text, "person_id", found)
            values["person_id"] = person.id if person else None
        else:
            values["person_id"] = None
    if "category" in raw or new:
        category = (raw.get("category") or "").strip()
        if not profile(viewer.meeting.case.jurisdiction).has("ecomap_categories", category):
            found.add("category", _("Choose a kind of system from the list."))
        else:
            values["category"] = category
    if "system_name" in raw or new:
        values["system_name"] = text_of(raw, "system_name", 120, found, required=True)
    if "strength" in raw or new:
        try:
            values["strength"] = ConnectionStrength(raw.get("strength") or "")
        except ValueError:
            found.add("strength", _("Choose strong, moderate, tenuous or stressful."))
    if "flow" in raw or new:
        try:
            values["flow"] = EnergyFlow(raw.get("flow") or EnergyFlow.NONE.value)
        except ValueError:
            found.add("flow", _("Choose which way energy flows."))
    if "note" in raw:
        values["note"] = text_of(raw, "note", 500, found)
    return values


def chosen_relation(choice: str, found: Found, field: str = "relation"):
    """(how, relation) from a choice like "parent:biological"; a message if it is not one."""
    how, _sep, relation_name = choice.partition(":")
    try:
        relation = RelationshipKind(relation_name)
    except ValueError:
        found.add(field, _("Choose how they are related."))
        return None
    groups = {
        "parent": PARENTAGE_KINDS,
        "child": PARENTAGE_KINDS,
        "partner": UNION_KINDS,
        "feeling": EMOTIONAL_KINDS - {RelationshipKind.VIOLENCE},
        "harms": {RelationshipKind.VIOLENCE},
        "harmed_by": {RelationshipKind.VIOLENCE},
    }
    if relation not in groups.get(how, ()):
        found.add(field, _("Choose how they are related."))
        return None
    return how, relation
