"""A phone's first board page stays light with a demo-sized family: the family map's "Change"
forms are fetched when opened, not sent with the page (bench/pages.py measures the same page).
"""

from __future__ import annotations

import re

from tests.helpers import demo_meeting_started, join_by_code

PHONE_PAGE_LIMIT = 150 * 1024  # bytes of HTML, before compression


def test_a_phone_s_first_board_page_is_under_150_kb(app):
    """Ana joins the demo family's live meeting on her phone: the board page she downloads is
    under 150 KB, with every person and line of the family map there to open and change.
    """
    seeded, meeting, _facilitator = demo_meeting_started()
    phone = app.test_client()
    joined, _token = join_by_code(phone, meeting.join_code, "Ana", "parent")
    assert joined.status_code == 302

    page = phone.get(seeded.meeting_path)

    assert page.status_code == 200
    html = page.get_data()
    assert len(html) < PHONE_PAGE_LIMIT, f"{len(html) / 1024:.1f} KB"
    text = html.decode()
    people = re.findall(r'<li class="item[^"]*" id="person-\d+"', text)
    folds = re.findall(r'<details class="edit lazy-edit" hx-get="[^"]+/form', text)
    assert len(people) == 8 and len(folds) > len(people)
    assert 'id="edit-person-' not in text and 'name="base_version"' in text  # actions' cells
