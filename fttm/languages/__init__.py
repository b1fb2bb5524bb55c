"""The languages fttm speaks, and which one each screen is in.

Each person chooses: a phone starts in its browser's language (Accept-Language) and can switch on
the join page or the board, remembered for that participant; staff choose theirs in their
account. The wall speaks the meeting's wall language (one, or two for a bilingual room), else the
facilitator's. French is written as in Canada (`fr_CA`); a browser asking for any French (`fr`,
`fr-FR`, `fr-BE`...) gets it: `fr` falls back to `fr_CA`.

What people type stays as they typed it: only fttm's own words change language.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import flask_babel
from babel.support import NullTranslations
from flask import Flask, current_app, g, has_request_context, request
from flask_babel import force_locale, get_locale, refresh
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

DEFAULT = "en"
# Each language named in itself, as a switch offers it (never translated).
NAMES = {"en": "English", "fr_CA": "Français"}
COOKIE = "fttm_language"
COOKIE_DAYS = 365


def translations() -> NullTranslations:
    """The catalogue of the language being rendered.

    Found once per language and kept where Flask-Babel keeps it (its `force_locale` and `refresh`
    clear it): `flask_babel.gettext` looks it up afresh for every message, through a dozen
    lookups of the app and request, and a board push says hundreds of messages in each language
    present (see `python -m bench languages`).
    """
    try:
        state = g._flask_babel
    except (AttributeError, RuntimeError):  # no request yet, or no app at all
        return flask_babel.get_translations()
    found = getattr(state, "babel_translations", None)
    if found is None:
        found = state.babel_translations = flask_babel.get_translations()
    return found


def gettext(string: str, **variables) -> str:
    """`string` in the language being rendered, with `variables` put in (as flask_babel's)."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def pgettext(context: str, string: str, **variables) -> str:
    """`string` as meant in `context` (one English word, two French ones: a removed voice is
    « Retirée », a removed participant « Plus dans la rencontre »)."""
    text = translations().upgettext(context, string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """The singular or plural of a message for `num`, in the language being rendered, with
    `num` and `variables` put in (as flask_babel's)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


@pass_eval_context
def _template_gettext(context: EvalContext, string: str, **variables) -> str:
    """A template's `_()` and `gettext()`: as Jinja's own (escaped, always a format string),
    without its two extra calls through the template context."""
    text = translations().ugettext(string)
    if context.autoescape:
        text = Markup(text)  # noqa: S704 - the catalogue is ours, as Jinja's gettext trusts it
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_ngettext(
    context: EvalContext, singular: str, plural: str, num: int, **variables
) -> str:
    """A template's `ngettext()`, as Jinja's own."""
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    safe = Markup(text) if context.autoescape else text  # noqa: S704 - as above
    return safe % variables


def install(app: Flask) -> None:
    """Templates say their messages through `translations()` too."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda string: translations().ugettext(string),
        ngettext=lambda singular, plural, n: translations().ungettext(singular, plural, n),
        pgettext=lambda context, string: translations().upgettext(context, string),
        npgettext=lambda context, singular, plural, n: translations().unpgettext(
            context, singular, plural, n
        ),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        _=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext
    )


def supported() -> list[str]:
    """The languages this installation speaks (config LANGUAGES), the default first."""
    return list(current_app.config["LANGUAGES"])


def normalize(value: object) -> str | None:
    """A supported language for `value` ("fr", "fr-CA", "fr_FR", "EN-us"...), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    wanted = value.strip().replace("-", "_")
    known = supported()
    for language in known:
        if wanted.lower() == language.lower():
            return language
    base = wanted.split("_", 1)[0].lower()
    for language in known:
        if language.split("_", 1)[0].lower() == base:
            return language
    return None


def from_browser() -> str:
    """The best language the browser asks for (Accept-Language), by its order of preference."""
    for asked, _quality in request.accept_languages:
        if (language := normalize(asked)) is not None:
            return language
    return current_app.config.get("BABEL_DEFAULT_LOCALE", DEFAULT)


def chosen_cookie() -> str | None:
    """The language this browser chose on a page with no account or participant (the join page)."""
    return normalize(request.cookies.get(COOKIE))


def others() -> list[tuple[str, str, str]]:
    """The languages a switch offers besides the one shown: (key, its own name, BCP 47 tag)."""
    now = str(get_locale() or DEFAULT)
    return [(key, NAMES.get(key, key), html_lang(key)) for key in supported() if key != now]


def use(language: str | None) -> None:
    """Render the rest of this request in `language` (None: leave it as it is)."""
    if language:
        g.fttm_language = language
        refresh()


def wall_languages(value: str | None) -> tuple[str, str | None]:
    """A screen's (first, second) language from a rendering key or `Meeting.wall_language`
    ("fr_CA+en": French, with headings and phase names in English too)."""
    first, _plus, second = (value or "").partition("+")
    first_language = normalize(first) or DEFAULT
    second_language = normalize(second)
    return first_language, second_language if second_language != first_language else None


def first_language(key: str | None) -> str:
    """The language a rendering key is written in ("fr_CA+en" is French)."""
    return wall_languages(key)[0]


def rendering_key() -> str:
    """What this request renders in, as pushes and caches key it: "fr_CA", or "fr_CA+en"."""
    language = str(get_locale() or DEFAULT)
    second = g.get("fttm_also") if has_request_context() else None
    return f"{language}+{second}" if second else language


@contextmanager
def speaking(key: str) -> Iterator[None]:
    """Render within in the language of a rendering key (and its second language, if any)."""
    first, second = wall_languages(key)
    before = g.get("fttm_also")
    g.fttm_also = second
    try:
        with force_locale(first):
            yield
    finally:
        g.fttm_also = before


def use_second(language: str | None) -> None:
    """Also show headings and phase names in `language` for the rest of this request."""
    g.fttm_also = language


def also(message: str) -> Markup:
    """On a bilingual screen, `message` (an English msgid) in the second language, set apart
    for the room and marked with its language for a screen reader; elsewhere nothing."""
    second = g.get("fttm_also") if has_request_context() else None
    if not second:
        return Markup("")
    with force_locale(second):
        text = gettext(message)
    return Markup('<span class="also" lang="{}">{}</span>').format(html_lang(second), escape(text))


def use_key(key: str) -> None:
    """Render the rest of this request in a rendering key's language, and its second one."""
    first, second = wall_languages(key)
    use(first)
    use_second(second)


def html_lang(language: str | None) -> str:
    """The language as a page declares it (BCP 47: "fr-CA")."""
    return (language or DEFAULT).replace("_", "-")


# The app's ways to find a request's person's language (fttm/languages/choosers.py): each takes
# nothing and returns a language or None. Registered by the app, so this module stays at the
# bottom of the layers.
language_choosers: list = []


def pick() -> str | None:
    """Flask-Babel's locale selector: this request's language.

    In order: one set for the request (`use`: the wall, a push rendered for another language, a
    socket event of a screen), then the app's choosers (the signed-in account's choice, the
    choice of the meeting's participant whose phone this is), the browser's earlier choice on
    the join page, then Accept-Language.
    """
    if not has_request_context():
        return None
    if chosen := g.get("fttm_language"):
        return chosen
    for chooser in language_choosers:
        if (language := chooser()) is not None:
            return language
    return chosen_cookie() or from_browser()
