"""The translation check CI runs (`make test`): every user-facing string is marked for
translation, the French catalogue translates every message with the English placeholders, tags
and plural forms, its compiled .mo is current, and plurals are never built by concatenation.

The catalogue checks skip only while fttm/translations/fr_CA/LC_MESSAGES/messages.po does not
exist yet; once it does, any message it lacks fails here, named.
"""

from __future__ import annotations

import ast
import functools
import io
import re
import shlex
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask_babel import force_locale, gettext, ngettext

from tests import unmarked
from tests.catalogues import FRENCH, ROOT, TEMPLATE, compile_stale

french_exists = pytest.mark.skipif(
    not FRENCH.exists(), reason=f"no French catalogue yet ({FRENCH.relative_to(ROOT)})"
)

# %(name)s, %s, %d..., {took}, <strong>, </a>, and a literal %% (each kept as in the English).
PLACEHOLDER = re.compile(
    r"%\([A-Za-z_0-9]+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr%]|\{\w*\}|<[^>]+>"
)


def keywords() -> dict:
    """The extraction keywords `make messages` uses (its BABEL_KEYWORDS), on Babel's defaults."""
    line = next(
        line
        for line in (ROOT / "Makefile").read_text().splitlines()
        if line.startswith("BABEL_KEYWORDS")
    )
    found = dict(DEFAULT_KEYWORDS)
    words = shlex.split(line.split("=", 1)[1])
    for flag, spec in zip(words[::2], words[1::2], strict=True):
        assert flag == "-k"
        name, _colon, positions = spec.partition(":")
        found[name] = tuple(int(p) for p in positions.split(",")) if positions else None
    return found


@functools.cache
def extract() -> Catalog:
    """Every message of the app, extracted afresh as `make messages` does (babel.cfg)."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords()
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def read(path: Path) -> Catalog:
    """A PO file as Babel reads it."""
    with open(path, "rb") as po:
        return read_po(po)


def tokens(text: str) -> list[str]:
    """The placeholders and tags of `text`, in a canonical order."""
    return sorted(PLACEHOLDER.findall(text or ""))


def catalogue_problems(template: Catalog, catalog: Catalog) -> list[str]:
    """What `catalog` (a locale's) gets wrong about the messages of `template`, one line each."""
    problems = []
    if catalog.fuzzy:
        problems.append("header: marked fuzzy (pybabel compile would leave the catalogue out)")
    if catalog.num_plurals != 2 or catalog.plural_expr.replace(" ", "") != "(n>1)":
        problems.append(
            f"header: Plural-Forms must be nplurals=2; plural=(n > 1); not {catalog.plural_forms}"
        )
    for message in template:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        translated = catalog.get(message.id, context=message.context)
        if translated is None:
            problems.append(f"missing: {key!r}")
            continue
        if translated.fuzzy:
            problems.append(f"fuzzy: {key!r}")
        if isinstance(message.id, tuple):
            strings = translated.string if isinstance(translated.string, (tuple, list)) else ()
            if not isinstance(translated.id, tuple):
                problems.append(f"not a plural entry: {key!r}")
            elif len(strings) != catalog.num_plurals or not all(strings):
                problems.append(f"plural form missing: {key!r}")
            else:
                for string in strings:
                    if tokens(string) not in (tokens(message.id[0]), tokens(message.id[1])):
                        problems.append(f"placeholders/tags differ: {key!r} -> {string!r}")
        elif not translated.string:
            problems.append(f"empty: {key!r}")
        elif tokens(translated.string) != tokens(message.id):
            problems.append(f"placeholders/tags differ: {key!r} -> {translated.string!r}")
    return problems


# 2a. The French catalogue: complete, nothing fuzzy, the English placeholders and tags kept.


@french_exists
def test_the_french_catalogue_translates_every_message():
    problems = catalogue_problems(extract(), read(FRENCH))
    assert not problems, f"{len(problems)} problems in {FRENCH.relative_to(ROOT)}:\n" + "\n".join(
        problems
    )


def test_the_catalogue_check_names_each_problem():
    template = Catalog()
    for message in ("Saved", "Hello %(name)s", "<strong>Bold</strong>", "Gone", "Vague", "Blank"):
        template.add(message)
    template.add(("%(count)d item", "%(count)d items"))
    template.add(("one more", "%(count)d more"))
    catalog = Catalog(locale="fr_CA", fuzzy=False)
    catalog._num_plurals, catalog._plural_expr = 2, "(n > 1)"
    catalog.add("Saved", "Enregistré")
    catalog.add("Hello %(name)s", "Bonjour %(nom)s")
    catalog.add("<strong>Bold</strong>", "Gras")
    catalog.add("Vague", "Flou", flags=["fuzzy"])
    catalog.add("Blank", "")
    catalog.add(("%(count)d item", "%(count)d items"), ("%(count)d élément", ""))
    catalog.add(("one more", "%(count)d more"), ("encore un", "encore %(count)d"))
    assert catalogue_problems(template, catalog) == [
        "placeholders/tags differ: 'Hello %(name)s' -> 'Bonjour %(nom)s'",
        "placeholders/tags differ: '<strong>Bold</strong>' -> 'Gras'",
        "missing: 'Gone'",
        "fuzzy: 'Vague'",
        "empty: 'Blank'",
        "plural form missing: '%(count)d item'",
    ]
    catalog._num_plurals = 3
    assert catalogue_problems(template, catalog)[0].startswith("header: Plural-Forms")
    catalog.fuzzy = True
    assert catalogue_problems(template, catalog)[0].startswith("header: marked fuzzy")


def test_the_committed_template_for_translators_is_current():
    """fttm/translations/messages.pot (what translators start from) has every message; `make
    messages` renews it and the French catalogue together."""
    committed = {m.id for m in read(TEMPLATE) if m.id}
    fresh = {m.id for m in extract() if m.id}
    assert sorted(map(str, fresh - committed)) == [], "new messages: run `make messages`"
    assert sorted(map(str, committed - fresh)) == [], "messages gone: run `make messages`"


def test_extraction_finds_marked_strings_of_every_kind():
    messages = {m.id for m in extract() if m.id}
    assert "That is no longer there." in messages  # _() in Python
    assert "Family meeting board" in messages  # _() in a template
    assert any(isinstance(m, tuple) for m in messages)  # ngettext


# 2b. The compiled catalogue is current and Flask-Babel speaks French with it.


@french_exists
def test_the_compiled_french_catalogue_is_current():
    compile_stale()
    catalog = read(FRENCH)
    fresh = io.BytesIO()
    write_mo(fresh, catalog)
    fresh.seek(0)
    with open(FRENCH.with_suffix(".mo"), "rb") as mo:
        assert GNUTranslations(mo)._catalog == GNUTranslations(fresh)._catalog


@french_exists
def test_flask_babel_speaks_french_from_the_catalogue(app):
    catalog = read(FRENCH)
    singles = [
        m for m in catalog if m.id and isinstance(m.id, str) and m.string and "%" not in m.id
    ][:5]
    plurals = [m for m in catalog if isinstance(m.id, tuple) and all(m.string)][:2]
    assert singles
    with app.test_request_context(), force_locale("fr_CA"):
        for message in singles:
            assert gettext(message.id) == message.string
        for message in plurals:
            assert ngettext(message.id[0], message.id[1], 1, count=1, number=1).startswith(
                message.string[0].split("%")[0]
            )
    # Any French a browser asks for gets fr_CA.
    with app.test_request_context(headers={"Accept-Language": "fr-FR,fr;q=0.9"}):
        assert gettext(singles[0].id) == singles[0].string
    with app.test_request_context(), force_locale("en"):
        assert gettext(singles[0].id) == singles[0].id


def test_one_english_word_meant_two_ways_reads_right_in_french(app):
    """'Removed' is said of a voice (feminine in French) and of a participant (who may be
    anyone: said without gender), each with its context."""
    from fttm.languages import pgettext
    from fttm.transcript.vocabulary import word_lists

    with app.test_request_context(), force_locale("fr_CA"):
        assert pgettext("voice", "Removed") == "Retirée"
        assert word_lists()["removed"] == "Plus dans la rencontre"
        assert gettext("Removed") == "Retiré"  # a kind of change, beside « Ajouté », « Modifié »
    with app.test_request_context(), force_locale("en"):
        assert pgettext("voice", "Removed") == word_lists()["removed"] == "Removed"


# 2c. Every user-facing string is marked for translation.


def test_every_template_word_is_marked_for_translation():
    findings = unmarked.all_template_findings()
    assert not findings, "Unmarked words in templates (wrap them in _()):\n" + "\n".join(
        map(str, findings)
    )


def test_every_user_facing_python_string_is_marked_for_translation():
    findings = unmarked.all_python_findings()
    assert not findings, "Unmarked user-facing strings (wrap them in _() or _l()):\n" + "\n".join(
        map(str, findings)
    )


def test_scripts_take_their_words_from_the_page():
    findings = unmarked.all_script_findings()
    assert not findings, "English in scripts (render it into a data-text-* attribute):\n" + (
        "\n".join(map(str, findings))
    )


def test_the_script_check_finds_english():
    source = """
    // A comment: "Not shown to anyone."
    /** Show "Saved." */
    box.textContent = "Not yet saved";
    alert('Try again.');
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    line.className = "message message-error";
    const text = document.body.dataset.textPending + " " + count;
    fetch(`/meetings/${id}`, { headers: { "Content-Type": "text/html" } });
    """
    assert [f.text for f in unmarked.script_findings(source)] == ["Not yet saved", "Try again."]


BAD_TEMPLATE = """{% extends "base.html" %}
{% block body_class %}board-page{% if x %} presenting{% endif %}{% endblock %}
{% block body_data %}data-seq="{{ seq }}" data-text-offline="Offline"{% endblock %}
<div data-error-text="Something failed" data-kind="strength-list"></div>
{# A comment in English is not shown. #}
<h1>{{ _("Marked") }}</h1>
<p>{{ done }} of {{ total }}</p>
<button type="submit" title="{{ _('Save') }}" aria-label="Delete {{ item.name }}">&times;</button>
<input type="submit" value="Send"><input type="hidden" name="kind" value="strength">
<input type="text" placeholder="Your name" class="wide field">
<img src="/x.png" alt="">
<a href="#" class="button">fttm · English · Français</a>
<script>const words = "not shown";</script>
{{ "Unmarked words" if x else _("Marked words") }}
"""


def test_the_template_check_finds_unmarked_words():
    found = [
        (f.where.split(" ", 1)[1], f.text)
        for f in unmarked.template_findings(BAD_TEMPLATE)
        + unmarked.jinja_expression_findings(BAD_TEMPLATE)
    ]
    assert found == [
        ("data-text-offline= (outside its tag)", "Offline"),
        ("<div data-error-text>", "Something failed"),
        ("text", "… of …"),
        ("<button aria-label>", "Delete …"),
        ("<input value>", "Send"),
        ("<input placeholder>", "Your name"),
        ("expression", "Unmarked words"),
    ]


BAD_MODULE = """
from flask import abort, flash
from flask_babel import gettext as _, lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

def act(name):
    flash("Saved the plan")
    flash(_("Marked"))
    abort(403, "Not yours")
    abort(404)
    if not name:
        raise Invalid({"name": "Enter a name", "ok": _("Marked")})
    errors = {}
    errors["name"] = f"Too long: {name}"
    raise NotAllowed("Locked for now")

def technical():
    raise NotFound("case of another team")  # never shown: NotFound says its own words
    logger.info("sign-in limit cleared for %s", "someone")
    return Field("who_service", max_length=120)

def answer(sid):
    socketio.emit("refused", {"message": "Try again", "field": "text"}, to=sid)

def rows_as_csv(lines):
    yield ["Time", _("Name")]
    for line in lines:
        yield [line.moment.isoformat(timespec="seconds"), line.name]

def write(writer):
    writer.writerow(["Before", _("After")])

class NameForm:
    name = StringField("Your name", validators=[DataRequired(message="Needed"), Length(max=9)])
    kind = SelectField(_l("Kind"), choices=[("a", "Apples"), ("b", _l("Pears"))])
"""


def test_the_python_check_finds_unmarked_user_facing_strings():
    found = [(f.where.split(" ", 1)[1], f.text) for f in unmarked.python_findings(BAD_MODULE)]
    assert found == [
        ("flash()", "Saved the plan"),
        ("abort()", "Not yours"),
        ("Invalid()", "Enter a name"),
        ("errors[...] =", "Too long: \u2063"),
        ("NotAllowed()", "Locked for now"),
        ("{'message': ...}", "Try again"),
        ("CSV cell", "Time"),
        ("CSV cell", "Before"),
        ("StringField label", "Your name"),
        ("DataRequired message=", "Needed"),
        ("SelectField choice", "Apples"),
    ]


# 3. Plurals come from ngettext, never from concatenation.

# "(s)" after a word (in a string), an "s" added when a count is not 1, or a count glued to a
# marked word in a template.
PARENTHESIZED_PLURAL = re.compile(r"[^\W\d_]\((?:s|es|x)\)(?!\w)")
CONDITIONAL_PLURAL = re.compile(
    r"['\"]s['\"]\s+if\b[^\n]*!=\s*1"
    r"|\bif\b[^\n]*[=!]=\s*1\s+else\s+['\"]s['\"]"
    r"|\}\}\s*\{\{\s*_\(\s*['\"][a-z]"
)
LOGGING = {"debug", "info", "warning", "error", "exception", "critical"}


def _python_strings(source: str) -> list[tuple[int, str]]:
    """The string literals of a module (the parts of f-strings too), less those logged."""
    tree = ast.parse(source)
    logged = {
        id(const)
        for call in ast.walk(tree)
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr in LOGGING
        for const in ast.walk(call)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in logged
    ]


def concatenated_plurals(name: str, source: str) -> list[str]:
    """Where `source` builds a plural by concatenation (not in comments or logs)."""
    found = []
    if name.endswith(".py"):
        found += [
            f"{name}:{number}: {text!r}"
            for number, text in _python_strings(source)
            if PARENTHESIZED_PLURAL.search(text)
        ]
    for number, line in enumerate(source.splitlines(), 1):
        code = line.split("#", 1)[0] if name.endswith(".py") else line
        if CONDITIONAL_PLURAL.search(code) or (
            not name.endswith(".py") and PARENTHESIZED_PLURAL.search(code)
        ):
            found.append(f"{name}:{number}: {line.strip()}")
    return found


def test_plurals_are_never_built_by_concatenation():
    found = []
    for path in sorted((ROOT / "fttm").rglob("*")):
        if path.suffix in (".py", ".html") and "migrations" not in path.parts:
            found += concatenated_plurals(str(path.relative_to(ROOT)), path.read_text())
    assert not found, "Use ngettext for these plurals:\n" + "\n".join(found)


def test_the_plural_check_finds_concatenation():
    assert concatenated_plurals("a.py", 'x = _("%(n)d item(s)")') != []
    assert concatenated_plurals("a.py", 'x = "item" + ("s" if n != 1 else "")') != []
    assert concatenated_plurals("a.py", 'x = "item" + ("" if n == 1 else "s")') != []
    assert concatenated_plurals("a.html", '{{ count }} {{ _("items") }}') != []
    assert concatenated_plurals("a.py", 'logger.info("%d event(s)", n)') == []
    assert concatenated_plurals("a.py", 'x = ngettext("%(num)d item", "%(num)d items", n)') == []
    assert concatenated_plurals("a.py", 'x = f"{number(x)},{number(y)}"') == []


# A marked word glued to punctuation: French puts a (non-breaking) space before ":", so the
# label and its colon are one message ("If: %(trigger)s").
GLUED_COLON = re.compile(r"""_\(\s*(["'])[^"']*\1\s*\)\s*[~+]\s*(["'])\s*[:;!?]""")


def test_labels_and_their_colon_are_one_message():
    found = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "fttm").rglob("*"))
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if GLUED_COLON.search(line)
    ]
    assert not found, "Mark the label with its colon as one message:\n" + "\n".join(found)
    assert GLUED_COLON.search("""facts.append(_("If") ~ ": " ~ row.trigger)""")
    assert GLUED_COLON.search("""text = _('Who') + ': ' + name""")
    assert not GLUED_COLON.search("""_("If: %(trigger)s", trigger=row.trigger)""")


def test_marked_counts_in_python_use_ngettext():
    """A marked message about a number of things (count, n) goes through ngettext; limits such
    as "Use at most %(count)d characters." are never 1 and read right in both plural forms."""
    limits = {"Use at most %(count)d characters.", "Use at least %(count)d characters."}
    found = []
    for path in sorted((ROOT / "fttm").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("_", "_l", "gettext", "lazy_gettext")
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
                and re.search(r"%\((count|n|total|number_of)\)d", node.args[0].value)
                and node.args[0].value not in limits
            ):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.args[0].value!r}")
    assert not found, "Use ngettext for these counts:\n" + "\n".join(found)
