"""Template filters: dates and times in the reader's language and the case's time zone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_timezone_name
from flask import Flask
from flask_babel import get_locale

from fttm.jurisdictions import phase_name, phase_name_also
from fttm.languages import html_lang
from fttm.timestamps import utcnow


def _locale() -> str:
    """The reader's locale, for babel."""
    return str(get_locale() or "en")


def local_date(value: date | str | None) -> str:
    """A calendar date, e.g. "12 Dec 2026"; also one kept as ISO text (a date field's value, a
    plan version's JSON). Text that is not a date is shown as it is.
    """
    if isinstance(value, str) and value:
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return format_date(value, format="medium", locale=_locale()) if value else ""


def local_datetime(moment: datetime | None, zone: ZoneInfo) -> str:
    """A moment as wall-clock time where the case is: "Tuesday, 1 December 2026 · 10:00 (EST)".

    The zone is named in words when the language has no abbreviation for it ("Australian
    Eastern Daylight Time" rather than "+1100").
    """
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    day = format_date(local.date(), format="full", locale=_locale())
    time = format_time(local, format="HH:mm", locale=_locale())
    zone_name = get_timezone_name(local, width="short", locale=_locale())
    if zone_name.startswith(("+", "-", "GMT")):
        zone_name = get_timezone_name(local, width="long", locale=_locale())
    return f"{day} · {time} ({zone_name})"


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """Just the wall-clock time of a moment where the case is, e.g. "14:03"."""
    if moment is None:
        return ""
    return format_time(moment.astimezone(zone), format="HH:mm", locale=_locale())


def init_app(app: Flask) -> None:
    """Register the filters and the reader's locale for `<html lang>`."""
    app.add_template_filter(local_date)
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_time)
    # The server's time when a page is rendered: js/phase.js counts the agenda's timers from it,
    # so a device's wrong clock does not matter (pushed sections carry no time of their own).
    app.add_template_global(lambda: utcnow().isoformat(), "server_now")
    app.context_processor(lambda: {"current_locale": html_lang(_locale())})
    # A profile phase's name in the reader's language, and in the wall's second language.
    app.add_template_global(phase_name)
    app.add_template_global(phase_name_also)
