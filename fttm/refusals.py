"""A refused command, answered in one place: what status it gets and which messages the sender
reads, whatever the view. Commands raise `fttm.errors.CommandError`s; views either let them reach
the app's error handler (a clear error page or htmx message), or catch them with `attempt()` to
show the messages on their own form.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from fttm.errors import CommandError, Conflict, Invalid, NotAllowed, NotFound
from fttm.extensions import db
from fttm.idempotency import AppliedMeanwhile, KeyMalformed, KeyReused
from fttm.languages import gettext as _

STATUS: dict[type, int] = {
    Invalid: 400,
    KeyMalformed: 400,
    NotAllowed: 403,
    NotFound: 404,
    Conflict: 409,
    KeyReused: 422,
}


@dataclass(frozen=True)
class Refusal:
    """Why a command did not act: the HTTP status, and messages by field for the sender."""

    status: int
    messages: dict[str, str]

    @property
    def first(self) -> str:
        """The first message, for answers that show only one."""
        return next(iter(self.messages.values()))


def refusal_of(
    error: CommandError, *, field: str = "form", not_found: str | None = None
) -> Refusal:
    """The refusal a command error means; messages of errors without fields go under `field`
    (a NotFound says `not_found` when given: it must not tell what exists).
    """
    status = next((code for kind, code in STATUS.items() if isinstance(error, kind)), 400)
    if isinstance(error, Invalid):
        return Refusal(status, dict(error.errors))
    if isinstance(error, NotFound):
        return Refusal(status, {field: not_found or _("That is no longer there.")})
    # Some refusals carry no words of their own (a retry that raced its original): never show
    # the sender an empty message.
    return Refusal(status, {field: str(error) or _("Reload the page and try again.")})


@dataclass
class Attempt:
    """The outcome of running a command under `attempt()`."""

    refusal: Refusal | None = None

    @property
    def succeeded(self) -> bool:
        """The command acted (or an identical try of it had already)."""
        return self.refusal is None


@contextmanager
def attempt(*, field: str = "form", not_found: str | None = None) -> Iterator[Attempt]:
    """Run a command; if it refuses what was entered (invalid, not allowed, not found), roll back
    and keep the refusal on the attempt instead of raising, so the view can show it on its form.
    A retry that raced its own original (same idempotency key) counts as done: the other try
    saved it. Refusals of the request itself (a broken or reused key) go on to the app's handler.
    """
    outcome = Attempt()
    try:
        yield outcome
    except AppliedMeanwhile:
        db.session.rollback()
    except (Invalid, NotAllowed, NotFound) as error:
        db.session.rollback()
        outcome.refusal = refusal_of(error, field=field, not_found=not_found)
