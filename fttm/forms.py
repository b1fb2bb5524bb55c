"""Form pieces shared by several areas."""

from __future__ import annotations

from fttm.errors import Invalid


def optional_int(value: object) -> int | None:
    """Coerce a select's value to an id, with the empty choice meaning "none"."""
    if value in (None, "", "None"):
        return None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return -1  # an id no row has: the command reports it as a choice not in the list


def show_errors(form, error: Invalid) -> None:
    """Put a command's messages next to the fields they are about (others above the form)."""
    for field_name, message in error.errors.items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "errors"):
            field.errors = [*field.errors, message]
        else:
            form.form_errors.append(message)
