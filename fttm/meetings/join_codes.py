"""Join codes: short, easy to read aloud and type on a phone, with no look-alike characters."""

from __future__ import annotations

import re
import secrets

# No 0/O/D/Q, 1/I/L, 2/Z, 5/S, 8/B, U/V: nothing a tired person misreads across a room.
ALPHABET = "ACEFGHJKMNPRTWXY34679"
LENGTH = 6
_NOT_CODE = re.compile(r"[\s\-_.]")


def new_code() -> str:
    """A random code (about 86 million possibilities)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise(typed: str) -> str | None:
    """The stored form of a typed code ("acf 34x" → "ACF34X"); None if it cannot be a code."""
    code = _NOT_CODE.sub("", typed or "").upper()
    if len(code) != LENGTH or any(char not in ALPHABET for char in code):
        return None
    return code


def display(code: str) -> str:
    """The code in two groups of three, as it is shown and read aloud."""
    return f"{code[:3]} {code[3:]}"
