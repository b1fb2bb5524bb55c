"""The app's translation catalogues, compiled when stale (the .mo files are not committed):
`make` does it for `make run` and `make test`, and tests/conftest.py for a bare `pytest`."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "fttm" / "translations"
TEMPLATE = TRANSLATIONS / "messages.pot"
FRENCH = TRANSLATIONS / "fr_CA" / "LC_MESSAGES" / "messages.po"


def compile_stale() -> list[Path]:
    """Compile each catalogue whose .po is newer than its .mo (fuzzy entries left out, as
    `pybabel compile` does); the .mo files written."""
    written = []
    for po in sorted(TRANSLATIONS.glob("*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with open(po, "rb") as source:
            catalog = read_po(source, locale=po.parent.parent.name)
        # Written beside it and renamed, so a reader never sees half a file.
        handle, partial = tempfile.mkstemp(dir=po.parent, suffix=".mo.partial")
        with os.fdopen(handle, "wb") as target:
            write_mo(target, catalog)
        os.replace(partial, mo)
        written.append(mo)
    return written
