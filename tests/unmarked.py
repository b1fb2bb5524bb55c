"""Finds user-facing words that are not marked for translation (tests/test_translations.py).

Templates: Jinja's own constructs are taken out (comments; `{% %}` tags; `{{ }}` expressions,
whose strings go through `_()` or come from data), then what is left is read as HTML: a text node
with letters, or an attribute a person reads (a tooltip, an accessible name, a placeholder, a
button's value, a confirmation) with letters, is English nobody marked.

Python: string literals handed, without `_()`/`_l()`, to the calls whose words reach a person:
`flash`, `abort(code, text)`, the refusals a command raises (`Invalid({field: text})`, an
`errors[field] = text` it collects, `NotAllowed(text)`), WTForms field labels, choices,
descriptions and placeholders, validators' `message=`, the words of a payload a screen shows
(`{"message": text}`), and CSV cells written as literals (column headers).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "fttm" / "templates"
PACKAGE = ROOT / "fttm"

# Words that are the same in every language, each with its reason.
ALLOWED_TEXT = {
    "fttm",  # the product's name
    "English",  # each language is named in itself on the language switch
    "Français",
    "SMART",  # the goal acronym, kept in French (glossary)
    "CSV",  # a file format's name
    "PDF",
    "OK",
}

# Attributes whose words a person reads or hears.
READ_ATTRIBUTES = {
    "title",
    "aria-label",
    "aria-description",
    "aria-roledescription",
    "aria-valuetext",
    "aria-placeholder",
    "placeholder",
    "alt",
    "label",
    "data-confirm",
    "hx-confirm",
    "hx-prompt",
}
# ... and those of a button's value, for buttons and submit inputs.
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# data-text-* and data-*-text attributes carry words the scripts show ("Reconnecting…").
READ_ATTRIBUTE_PREFIXES = ("data-text-",)
READ_ATTRIBUTE_SUFFIX = re.compile(r"^data-[\w-]*-text$")
# Nothing inside these is shown as text.
NOT_TEXT_ELEMENTS = {"script", "style", "template-data"}

LETTER = re.compile(r"[^\W\d_]")
JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
JINJA_STATEMENT = re.compile(r"\{%.*?%\}", re.DOTALL)
# Words in a {% trans %} block are marked: the whole block goes.
JINJA_TRANS = re.compile(r"\{%-?\s*trans\b.*?\{%-?\s*endtrans\s*-?%\}", re.DOTALL)
# Blocks and macros that make a tag's class list ({% block body_class %}board-page{% endblock %}):
# class names, not words.
JINJA_CLASSES = re.compile(
    r"\{%-?\s*(block|macro)\s+\w*class\w*\b.*?\{%-?\s*end(block|macro)\b", re.DOTALL
)
# Attributes written outside their tag, in a block or macro that goes inside one
# ({% block body_data %}data-text-offline="..."{% endblock %}).
LOOSE_ATTRIBUTE = re.compile(r"""([A-Za-z_:][-\w:.]*)\s*=\s*("[^"]*"|'[^']*')""")
# Where a Jinja construct stood: no letter, so it never counts as words.
HOLE = "\u2063"


@dataclass(frozen=True)
class Finding:
    """One unmarked piece of English: where it is and what it says."""

    where: str
    text: str

    def __str__(self) -> str:
        return f"{self.where}: {self.text!r}"


def has_words(text: str) -> bool:
    """Whether `text` holds letters that are not allowed as they are."""
    rest = text.replace(HOLE, " ")
    for word in ALLOWED_TEXT:
        rest = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", rest)
    return LETTER.search(rest) is not None


def is_read(attribute: str) -> bool:
    """Whether a person reads or hears the value of `attribute`."""
    return (
        attribute in READ_ATTRIBUTES
        or attribute.startswith(READ_ATTRIBUTE_PREFIXES)
        or READ_ATTRIBUTE_SUFFIX.match(attribute) is not None
    )


def strip_jinja(source: str) -> str:
    """The template with Jinja's constructs taken out, line numbers kept."""

    def hole(match: re.Match) -> str:
        return HOLE + "\n" * match.group(0).count("\n")

    for pattern in (JINJA_COMMENT, JINJA_TRANS, JINJA_CLASSES, JINJA_EXPRESSION, JINJA_STATEMENT):
        source = pattern.sub(hole, source)
    return source


class _TemplateReader(HTMLParser):
    """Collects the unmarked words of one template (already without its Jinja)."""

    def __init__(self, name: str):
        super().__init__(convert_charrefs=True)
        self.name = name
        self.findings: list[Finding] = []
        self.hidden_depth = 0

    def _found(self, text: str, what: str) -> None:
        line, _column = self.getpos()
        self.findings.append(Finding(f"{self.name}:{line} {what}", text.replace(HOLE, "…").strip()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in NOT_TEXT_ELEMENTS:
            self.hidden_depth += 1
        values = dict(attrs)
        for attribute, value in attrs:
            if not value:
                continue
            read = is_read(attribute)
            if attribute == "value":
                read = tag == "button" or (
                    tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUT_TYPES
                )
            if read and has_words(value):
                self._found(value, f"<{tag} {attribute}>")

    def _loose_attributes(self, data: str) -> str:
        """Check the attributes a block or macro writes for a tag elsewhere; the rest of `data`."""
        for match in LOOSE_ATTRIBUTE.finditer(data):
            attribute, value = match.group(1).lower(), match.group(2)[1:-1]
            if is_read(attribute) and has_words(value):
                self._found(value, f"{attribute}= (outside its tag)")
        return LOOSE_ATTRIBUTE.sub(HOLE, data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in NOT_TEXT_ELEMENTS:
            self.hidden_depth -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_TEXT_ELEMENTS and self.hidden_depth:
            self.hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.hidden_depth:
            return
        if HOLE in data and LOOSE_ATTRIBUTE.search(data):
            data = self._loose_attributes(data)
        if has_words(data):
            self._found(data, "text")


def template_findings(source: str, name: str = "template") -> list[Finding]:
    """The unmarked words of one template's source."""
    reader = _TemplateReader(name)
    reader.feed(strip_jinja(source))
    reader.close()
    return reader.findings


def all_template_findings() -> list[Finding]:
    """The unmarked words of every template of the app."""
    findings: list[Finding] = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = str(path.relative_to(ROOT))
        source = path.read_text(encoding="utf-8")
        findings += template_findings(source, name) + jinja_expression_findings(source, name)
    return findings


# Strings in Jinja's own expressions that read as words: several words, or one capitalized word
# ("Delete"; not a class name such as "BooleanField").
JINJA_WORDS = re.compile(r"[^\W\d_]\s+[^\W\d_]|^[A-Z][a-z]+[.!?…]?$")
# `also(msgid)` shows a msgid (marked with _() beside it) in a bilingual wall's second language.
JINJA_MARKERS = {"_", "gettext", "ngettext", "pgettext", "npgettext", "also"}


def jinja_expression_findings(source: str, name: str = "template") -> list[Finding]:
    """Words written as string literals inside a template's `{{ }}` and `{% %}`, not in `_()`."""
    from jinja2 import Environment, nodes

    # Only parsed, never rendered: autoescape does not matter.
    tree = Environment(extensions=["jinja2.ext.i18n"]).parse(source)  # noqa: S701
    marked: set[int] = set()
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name in JINJA_MARKERS:
            marked.update(id(const) for const in call.find_all(nodes.Const))
    return [
        Finding(f"{name}:{const.lineno} expression", const.value)
        for const in tree.find_all(nodes.Const)
        if isinstance(const.value, str)
        and id(const) not in marked
        and has_words(const.value)
        and JINJA_WORDS.search(const.value.strip())
    ]


# Python: the calls whose string arguments a person reads.
MARKERS = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "lazy_ngettext", "pgettext"}
# Refusals whose first argument is the message shown (NotFound's is not: it never tells what
# exists, and its words are for logs).
MESSAGE_FIRST = {"NotAllowed", "ValidationError", "StopValidation", "flash"}
VALIDATORS = {
    "DataRequired",
    "InputRequired",
    "Optional",
    "Length",
    "NumberRange",
    "Email",
    "EqualTo",
    "Regexp",
    "AnyOf",
    "NoneOf",
    "URL",
    "FileAllowed",
    "FileRequired",
}
FIELD_WORDS = {"label", "description"}
# The keys of a payload (a socket answer, a JSON reply) whose values a screen shows as they are.
SHOWN_KEYS = {"message", "error", "title", "label", "hint", "notice", "detail", "heading"}
RENDER_KW_READ = READ_ATTRIBUTES


def _name(node: ast.expr) -> str:
    """The called function's own name (`flask.flash` and `flash` are both "flash")."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _literal_words(node: ast.expr | None) -> str | None:
    """The words of a string literal or f-string with letters (not marked), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value if has_words(node.value) else None
    if isinstance(node, ast.JoinedStr):
        text = "".join(
            part.value if isinstance(part, ast.Constant) else HOLE for part in node.values
        )
        return text if has_words(text) else None
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return _literal_words(node.left) or _literal_words(node.right)
    if isinstance(node, ast.IfExp):
        return _literal_words(node.body) or _literal_words(node.orelse)
    return None


class _PythonReader(ast.NodeVisitor):
    """Collects unmarked words handed to user-facing calls in one module."""

    def __init__(self, name: str):
        self.name = name
        self.findings: list[Finding] = []

    def _check(self, node: ast.expr | None, what: str) -> None:
        text = _literal_words(node)
        if text is not None:
            self.findings.append(Finding(f"{self.name}:{node.lineno} {what}", text))

    def visit_Call(self, node: ast.Call) -> None:
        called = _name(node.func)
        keywords = {keyword.arg: keyword.value for keyword in node.keywords if keyword.arg}
        if called in MARKERS:
            return  # marked: nothing inside needs looking at
        if called in MESSAGE_FIRST and node.args:
            self._check(node.args[0], f"{called}()")
        if called == "abort":
            if len(node.args) > 1:
                self._check(node.args[1], "abort()")
            self._check(keywords.get("description"), "abort()")
        if called == "Invalid" and node.args and isinstance(node.args[0], ast.Dict):
            for value in node.args[0].values:
                self._check(value, "Invalid()")
        if called.endswith("Field") and called[:1].isupper() and called != "Field":
            if node.args:
                self._check(node.args[0], f"{called} label")
            for word in FIELD_WORDS:
                self._check(keywords.get(word), f"{called} {word}=")
            choices = keywords.get("choices")
            if isinstance(choices, (ast.List, ast.Tuple)):
                for choice in choices.elts:
                    if isinstance(choice, ast.Tuple) and len(choice.elts) == 2:
                        self._check(choice.elts[1], f"{called} choice")
            render_kw = keywords.get("render_kw")
            if isinstance(render_kw, ast.Dict):
                for key, value in zip(render_kw.keys, render_kw.values, strict=True):
                    if isinstance(key, ast.Constant) and key.value in RENDER_KW_READ:
                        self._check(value, f"{called} render_kw {key.value}")
        if called in VALIDATORS:
            self._check(keywords.get("message"), f"{called} message=")
        if called in {"writerow", "writerows"} and node.args:
            cells = node.args[0]
            if isinstance(cells, (ast.List, ast.Tuple)):
                for cell in cells.elts:
                    self._check(cell, "CSV cell")
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        for key, value in zip(node.keys, node.values, strict=True):
            if isinstance(key, ast.Constant) and key.value in SHOWN_KEYS:
                self._check(value, f"{{{key.value!r}: ...}}")
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        # A CSV's column headers: the rows a *csv* function yields or returns.
        if "csv" in node.name.lower():
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Yield, ast.Return)) and isinstance(
                    inner.value, (ast.List, ast.Tuple)
                ):
                    for cell in inner.value.elts:
                        self._check(cell, "CSV cell")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        # errors["field"] = "message": the messages a command collects for Invalid.
        for target in node.targets:
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id in {"errors", "problems"}
            ):
                self._check(node.value, "errors[...] =")
        self.generic_visit(node)


def python_findings(source: str, name: str = "module.py") -> list[Finding]:
    """The unmarked user-facing words of one module's source."""
    reader = _PythonReader(name)
    reader.visit(ast.parse(source))
    return reader.findings


def all_python_findings() -> list[Finding]:
    """The unmarked user-facing words of every module of the app (migrations aside)."""
    findings: list[Finding] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        name = str(path.relative_to(ROOT))
        findings += python_findings(path.read_text(encoding="utf-8"), name)
    return findings


# Scripts take their words from the page (data-text-* attributes rendered in the person's
# language): a string literal in a script that reads as a sentence or a label is English nobody
# can translate.
SCRIPT_STRING = re.compile(r"""(["'`])([A-Z][a-z']+(?:[ ,][^"'`\n]*)?[a-z.…!?:])\1""")
SCRIPT_COMMENT = re.compile(r"/\*.*?\*/|(?<![:\\])//[^\n]*", re.DOTALL)


def script_findings(source: str, name: str = "script.js") -> list[Finding]:
    """The English words written in a script's own code (not its comments)."""
    code = SCRIPT_COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), source)
    return [
        Finding(f"{name}:{number} script string", match.group(2))
        for number, line in enumerate(code.splitlines(), 1)
        for match in SCRIPT_STRING.finditer(line)
        if " " in match.group(2) or match.group(2)[-1] in ".…!?:"
    ]


def all_script_findings() -> list[Finding]:
    """The English words in the app's own scripts (vendored libraries aside)."""
    findings: list[Finding] = []
    for path in sorted((PACKAGE / "static" / "js").glob("*.js")):
        findings += script_findings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    return findings
