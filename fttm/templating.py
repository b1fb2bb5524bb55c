"""Template filters: dates and times in the reader's language and the case's time zone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton, get_timezone_name
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent
from flask import Flask
from flask_babel import get_locale

from fttm.jurisdictions import phase_name, phase_name_also
from fttm.languages import gettext as _
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
    """A moment as wall-clock time where the case is, its zone named: "Tuesday, December 1, 2026
    · 10:00 (EST)"; in French « mardi 1 décembre 2026 à 10 h 00 (heure normale de l'Est) ».
    """
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    return _(
        "%(day)s · %(time)s (%(zone)s)",
        day=format_date(local.date(), format="full", locale=_locale()),
        time=local_time(local, zone),
        zone=zone_name(local),
    )


def zone_name(local: datetime) -> str:
    """The time zone of a local moment, named for the reader: English keeps its abbreviation
    ("EST"); other languages, and zones with no abbreviation ("+1100"), name it in words."""
    locale = _locale()
    if locale.split("_", 1)[0] == "en":
        short = get_timezone_name(local, width="short", locale=locale)
        if not short.startswith(("+", "-", "GMT", "UTC")):
            return short
    return get_timezone_name(local, width="long", locale=locale)


def zone_words(zone: ZoneInfo) -> str:
    """A time zone named in the reader's words, whatever the season: "Eastern Time", « heure de
    l'Est »."""
    return get_timezone_name(zone, width="long", locale=_locale())


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """Just the wall-clock time of a moment where the case is, 24-hour: "14:03", « 14 h 03 »."""
    if moment is None:
        return ""
    return format_skeleton("Hm", moment.astimezone(zone), locale=_locale())


def local_list(values: Iterable[object]) -> str:
    """Names or phrases as the reader's language lists them: "Ana, Leo, and Tom", « Ana, Leo et
    Tom »."""
    return format_list([str(value) for value in values], locale=_locale())


def local_number(value: float | int | None) -> str:
    """A number as the reader writes it: "1,234" (English), « 1 234 » (French)."""
    return "" if value is None else format_decimal(value, locale=_locale())


def local_percent(value: float | None) -> str:
    """A share (0.42) as a whole percentage: "42%", « 42 % »."""
    return "" if value is None else format_percent(value, locale=_locale())


def without_if(trigger: str) -> str:
    """A safety step's trigger without the "If" (or the reader's « Si ») a person began it with:
    pages say their own ("If it starts at a handover", never "If If it starts...")."""
    head, _space, rest = trigger.partition(" ")
    return rest if rest and head.lower() in {"if", _("If").lower()} else trigger


def init_app(app: Flask) -> None:
    """Register the filters and the reader's locale for `<html lang>`."""
    app.add_template_filter(local_date)
    app.add_template_filter(local_datetime)
    app.add_template_filter(local_time)
    app.add_template_filter(zone_words)
    app.add_template_filter(local_list)
    app.add_template_filter(local_number)
    app.add_template_filter(without_if)
    app.add_template_filter(local_percent)
    # The server's time when a page is rendered: js/phase.js counts the agenda's timers from it,
    # so a device's wrong clock does not matter (pushed sections carry no time of their own).
    app.add_template_global(lambda: utcnow().isoformat(), "server_now")
    app.context_processor(lambda: {"current_locale": html_lang(_locale())})
    # A profile phase's name in the reader's language, and in the wall's second language.
    app.add_template_global(phase_name)
    app.add_template_global(phase_name_also)
