"""The words transcript sentences are made of: field names, stored values and kinds of item."""

from __future__ import annotations

from fttm.family_map.genogram import feeling_words, union_words
from fttm.languages import gettext as _
from fttm.languages import pgettext


def field_names() -> dict[str, str]:
    """What each field is called in a sentence ("by when 30 Nov → 5 Dec")."""
    return {
        "text": _("words"),
        "what": _("what"),
        "who": _("who"),
        "where_how": _("where and how"),
        "due_on": _("by when"),
        "status": _("status"),
        "goal_id": _("goal"),
        "objective_id": _("objective"),
        "need_domain": _("need"),
        "person_id": _("about"),
        "kind": _("kind"),
        "when": _("when"),
        "trigger": _("if"),
        "name": _("name"),
        "sex": _("sex"),
        "gender_identity": _("gender identity"),
        "birth_year": _("born"),
        "deceased": _("died"),
        "death_year": _("year of death"),
        "is_focus_child": _("the child the plan is about"),
        "is_pregnancy_loss": _("pregnancy loss"),
        "household_id": _("household"),
        "multiple_birth_group": _("twins with"),
        "note": _("note"),
        "from_person_id": _("from"),
        "to_person_id": _("to"),
        "start_year": _("since"),
        "end_year": _("until"),
        "category": _("kind of system"),
        "system_name": _("system"),
        "strength": _("strength"),
        "flow": _("energy"),
        "scheduled_at": _("when"),
        "purpose": _("purpose"),
        "location": _("where"),
        "score": _("rating"),
        "display_name": _("name"),
        "role": _("role"),
    }


def word_lists() -> dict[str, str]:
    """Stored values (statuses, kinds, sexes) in words."""
    return {
        "open": _("Open"),
        "in_progress": _("In progress"),
        "done": _("Done"),
        "not_done": _("Not done"),
        "proactive": _("Proactive"),
        "reactive": _("Reactive"),
        "female": _("Female"),
        "male": _("Male"),
        "unknown": _("Other or unknown"),
        "in_person": _("in person"),
        "post": _("by post"),
        "email": _("by email"),
        "waiting": _("Waiting"),
        "admitted": _("Admitted"),
        "removed": pgettext("participant", "Removed"),
        "biological": _("birth parent and child"),
        "adopted": _("adoptive parent and child"),
        "foster": _("foster parent and child"),
        **line_kinds(),
    }


def line_kinds() -> dict[str, str]:
    """The family map's kinds of line in words."""
    return {**union_words(), **feeling_words()}


def item_nouns() -> dict[str, tuple[str, str]]:
    """Each kind of item: "a strength" (when added) and "the strength “%(title)s”"."""
    return {
        "strength": (_("a strength"), _("the strength “%(title)s”")),
        "worry": (_("a worry"), _("the worry “%(title)s”")),
        "goal": (_("a goal"), _("the goal “%(title)s”")),
        "objective": (_("an objective"), _("the objective “%(title)s”")),
        "action": (_("an action"), _("the action “%(title)s”")),
        "safety_step": (_("a safety step"), _("the safety step “%(title)s”")),
        "note": (_("a note"), _("the note “%(title)s”")),
        "person": (_("a person to the family map"), _("the person “%(title)s”")),
        "relationship": (_("a line to the family map"), _("the line “%(title)s”")),
        "ecomap_connection": (_("a connection to the ecomap"), _("the connection “%(title)s”")),
        "household": (_("a household"), _("the household “%(title)s”")),
    }
