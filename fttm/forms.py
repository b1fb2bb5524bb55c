"""Form pieces shared by several areas."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

from wtforms.fields.choices import SelectChoice

from fttm.errors import Invalid
from fttm.routing import MAX_ID

T = TypeVar("T")


def whole_number(raw: object, *, digits: int = 12) -> int | None:
    """A whole number typed as ASCII digits ("12", "-3") that every database can store; None for
    anything else ("²", "1e3", "2147483648").
    """
    text = str(raw).strip() if raw is not None else ""
    if not re.fullmatch(rf"-?[0-9]{{1,{digits}}}", text):
        return None
    number = int(text)
    # Ids, versions and sequence numbers go to the database: past PostgreSQL's integer they
    # would be a driver error (500), so they are refused here like any other nonsense.
    return number if -MAX_ID <= number <= MAX_ID else None


def options(pairs: Iterable[tuple[object, object]]) -> list[SelectChoice]:
    """A select field's choices from (value, label) pairs (WTForms no longer takes tuples)."""
    return [SelectChoice(value=value, label=label) for value, label in pairs]


def optional_int(value: object) -> int | None:
    """Coerce a select's value to an id, with the empty choice meaning "none"."""
    if value in (None, "", "None"):
        return None
    number = whole_number(value)
    # -1 is an id no row has: the command reports it as a choice not in the list.
    return -1 if number is None else number


def show_errors(form, messages: dict[str, str]) -> None:
    """Put a command's messages next to the fields they are about (others above the form).

    A field that could not even be parsed keeps its own message ("Not a valid date value").
    """
    for field_name, message in messages.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            if not field.errors:
                field.errors = [message]
        else:
            form.form_errors.append(message)


def submit(form, save: Callable[[], T], check: Callable[[], None]) -> T | None:
    """Run a posted form through its command and return what `save` made, or None.

    When some field could not be parsed, nothing is saved, but `check` (the command's rules
    alone) still runs, so the person sees every problem at once, not one per attempt.
    """
    if not form.is_submitted():
        return None
    parsed = form.validate()
    if "csrf_token" in form and form.csrf_token.errors:
        return None
    try:
        if parsed:
            return save()
        check()
    except Invalid as error:
        show_errors(form, error.errors)
    return None
