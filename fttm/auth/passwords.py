"""The password rule for staff accounts."""

from __future__ import annotations

from flask_babel import gettext as _
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 200


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is too weak for a staff account, or None if it is strong enough.

    Staff accounts open children's case files, so a password must be long and hard to guess
    (zxcvbn score 3 or more), and must not be built from the person's own name or email.
    """
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    personal = [part for part in [*email.lower().split("@"), *name.lower().split()] if part]
    if zxcvbn(password, user_inputs=personal)["score"] < 3:
        return _("This password is too easy to guess. Try a few unrelated words together.")
    return None
