"""The password rule for staff accounts."""

from __future__ import annotations

from zxcvbn import zxcvbn

from fttm.languages import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 200


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is too weak for a staff account, or None if it is strong enough.

    Staff accounts open children's case files, so a password must be long and hard to guess
    (zxcvbn score 3 or more), and must stay so once the person's own name and email are taken out.
    """
    if len(password) < MIN_LENGTH:
        return _("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Use at most %(count)d characters.", count=MAX_LENGTH)
    personal = _personal_parts(email, name)
    remainder = password.lower()
    for part in personal:
        remainder = remainder.replace(part, "")
    if remainder != password.lower() and (
        len(remainder.strip()) < MIN_LENGTH or zxcvbn(remainder)["score"] < 3
    ):
        return _("Don't build the password from your name or email address.")
    if zxcvbn(password, user_inputs=personal)["score"] < 3:
        return _("This password is too easy to guess. Try a few unrelated words together.")
    return None


def _personal_parts(email: str, name: str) -> list[str]:
    """Pieces of someone's identity a guesser tries first, longest first."""
    email = email.lower().strip()
    local, _at, domain = email.partition("@")
    words = name.lower().split()
    parts = {email, local, domain, "".join(words), *words, *local.replace("_", ".").split(".")}
    return sorted((part for part in parts if len(part) >= 3), key=len, reverse=True)
