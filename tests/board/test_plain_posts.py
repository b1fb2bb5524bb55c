"""Forms that work before the scripts load: every board form posts (never a GET with the person's
text in the URL), carries its CSRF token in the page the person loaded, and a plain POST (no htmx)
is answered with the board again: a redirect to the section after a change, the page with the
message and the person's words after a refusal. Item Edit forms are loaded when opened.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from fttm.board.models import Strength
from tests.helpers import latest_id
from tests.live_meeting import Screen

TEMPLATES = Path(__file__).parents[2] / "fttm" / "templates"
# Forms that are meant to be GETs: they search or filter, and carry no one's words into a change.
GET_FORMS = {
    "cases/index.html": "the case search",
    "reviews/fidelity_team.html": "the fidelity report's period",
    "joining/enter_code.html": "typing a meeting code (the next page asks who you are)",
    "transcript/page.html": "the transcript's filters and its board-at-a-moment replay",
}
FORM_TAG = re.compile(r"<form\b(.*?)>", re.S)


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _plain_post(screen: Screen, path: str, data: dict, page: str):
    """A browser without scripts submitting a form of `page`: the token from the form itself,
    no htmx header, no idempotency key."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "the page's forms carry no CSRF token"
    return screen.browser.post(path, data={"csrf_token": token.group(1), **data})


def test_no_template_has_a_form_without_method_post():
    """Every <form> in every template posts (itself, or through the hx_form macro, which writes
    method="post"), except the searches listed in GET_FORMS."""
    macros = (TEMPLATES / "macros" / "board.html").read_text()
    assert re.search(r'macro hx_form\(.*?\n\s*method="post" action="\{\{ url \}\}"', macros, re.S)
    wrong = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        name = template.relative_to(TEMPLATES).as_posix()
        for match in FORM_TAG.finditer(template.read_text()):
            tag = match.group(1)
            if 'method="post"' in tag or "hx_form(" in tag:
                continue
            if name in GET_FORMS and 'method="get"' in tag:
                continue
            wrong.append(f"{name}: <form{tag[:80]}>")
    assert wrong == []


def test_every_form_of_the_board_posts_with_an_action_and_a_token(live, maria):
    """The phone's and the projector's boards: each form says where it posts and carries the
    token of the person who loaded the page."""
    assert live.staff.add("strength", {"text": "Maria walks the kids to school"}).status_code == 200
    for screen in (live.staff, maria):
        page = screen.board().get_data(as_text=True)
        forms = re.findall(r"<form\b.*?</form>", page, re.S)
        assert forms
        for form in forms:
            opening = FORM_TAG.match(form).group(1)
            assert 'method="post"' in opening, opening
            assert 'action="/' in opening, opening
            assert re.search(r'name="csrf_token" value="[^"]+"', form), opening


def test_a_phone_adds_a_strength_without_scripts(live, maria):
    """The form posts, the strength is saved, the phone is sent back to the section."""
    page = maria.board().get_data(as_text=True)
    answer = _plain_post(maria, f"{maria.base}/items/strength", {"text": "Maria cooks"}, page)

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{maria.base}/#section-strengths")
    assert "Maria cooks" not in answer.headers["Location"]
    board = maria.board().get_data(as_text=True)
    assert "Maria cooks" in board


def test_a_refused_plain_post_shows_the_board_with_the_message_and_the_words(live, maria):
    """A locked section refuses Maria's strength: the board says why and keeps what she wrote."""
    page = maria.board().get_data(as_text=True)
    locked = live.staff.post(f"/meetings/{live.id}/locks/strengths", {"locked": "1"})
    assert locked.status_code == 200
    words = "Maria reads to the kids every night"
    answer = _plain_post(maria, f"{maria.base}/items/strength", {"text": words}, page)

    assert answer.status_code == 403
    text = _text(answer)
    assert "The facilitator has locked this section for now." in text
    assert "Not sent" in text and words in text
    assert 'class="board-page' in text  # the whole board, not a fragment


def test_item_edit_forms_are_loaded_when_opened(live, maria):
    """The board carries no item's edit form; opening Edit asks for it, with its version."""
    assert maria.add("strength", {"text": "Maria is patient"}).status_code == 200
    strength = latest_id(Strength)
    page = maria.board().get_data(as_text=True)
    assert f'id="edit-strength-{strength}-text"' not in page
    form_url = f"{maria.base}/items/strength/{strength}/form"
    assert f'hx-get="{form_url}"' in page
    assert f'href="{form_url}"' in page  # without scripts, a link to the form's own page

    fragment = maria.browser.get(form_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert f'id="edit-strength-{strength}-text"' in body
    assert 'name="base_version" value="1"' in body
    assert "<html" not in body


def test_a_phone_edits_a_strength_without_scripts(live, maria):
    """The edit form's own page, a plain POST, and back to the board with the new words."""
    assert maria.add("strength", {"text": "Maria is patient"}).status_code == 200
    strength = latest_id(Strength)
    form_page = maria.browser.get(f"{maria.base}/items/strength/{strength}/form")
    assert form_page.status_code == 200
    page = form_page.get_data(as_text=True)
    assert "<html" in page and "Maria is patient" in page
    answer = _plain_post(
        maria,
        f"{maria.base}/items/strength/{strength}",
        {"text": "Maria is patient and kind", "base_version": "1"},
        page,
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("#section-strengths")
    assert "Maria is patient and kind" in maria.board().get_data(as_text=True)


def test_someone_elses_edit_meanwhile_is_a_conflict_that_keeps_the_words(live, maria):
    """The facilitator changed Maria's strength while her form was open: her save is refused,
    she is told, and her words stay in a form based on the new version."""
    assert maria.add("strength", {"text": "Maria is patient"}).status_code == 200
    strength = latest_id(Strength)
    calm = {"text": "Maria is calm", "base_version": "1"}
    assert live.staff.edit("strength", strength, calm).status_code == 200
    answer = maria.edit("strength", strength, {"text": "Maria is patient!", "base_version": "1"})

    assert answer.status_code == 409
    assert answer.headers["HX-Retarget"] == f"#edit-form-strength-{strength}"
    text = _text(answer)
    assert "Maria is calm" in text and "Maria is patient!" in text
    assert 'name="base_version" value="2"' in text
