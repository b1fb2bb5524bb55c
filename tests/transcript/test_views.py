"""The transcript's page, replay, CSV and PDF: staff of the case's team only, every read logged."""

from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from fttm.board.commands import add_item
from fttm.board.models import Strength
from fttm.core.viewers import Viewer
from fttm.extensions import db
from fttm.joining.commands import join_meeting
from fttm.meetings.commands import end_meeting
from fttm.transcript.models import TranscriptRead
from fttm.transcript.reading import seq_range
from fttm.transcript.views import neutral
from tests import factories
from tests.helpers import expect_tagged_pdf
from tests.transcript.scripted import run_meeting

KINDS_OF_READ = ("page", "replay", "csv", "pdf")


def paths(meeting_id: int, seq: int) -> dict[str, str]:
    """Each way to read a meeting's transcript, by the name its read is logged under."""
    base = f"/meetings/{meeting_id}/transcript"
    return {
        "page": base,
        "replay": f"{base}/board?seq={seq}",
        "csv": f"{base}.csv",
        "pdf": f"{base}.pdf",
    }


def reads(meeting_id: int) -> list[tuple[int, str]]:
    """(user id, what) of every logged read of the meeting's transcript, oldest first."""
    db.session.expire_all()
    rows = db.session.scalars(
        sa.select(TranscriptRead)
        .where(TranscriptRead.meeting_id == meeting_id)
        .order_by(TranscriptRead.id)
    )
    return [(row.user_id, row.what) for row in rows]


@pytest.fixture
def script(facilitator, case):
    """The scripted meeting, held and ended."""
    return run_meeting(facilitator, case)


@pytest.mark.parametrize("who", ["facilitator", "supervisor"])
def test_staff_of_the_team_read_every_way_and_each_read_is_logged(
    request, client, auth, script, who
):
    user = request.getfixturevalue(who)
    meeting = script.meeting
    _first, last = seq_range(meeting)
    auth.login(user)

    answers = {what: client.get(path) for what, path in paths(meeting.id, last).items()}

    assert {what: r.status_code for what, r in answers.items()} == dict.fromkeys(KINDS_OF_READ, 200)
    page = answers["page"].get_data(as_text=True)
    assert "Maria (Parent) added a strength: “She never misses pickup”" in page
    assert "Who has read this transcript" in page
    assert answers["csv"].mimetype == "text/csv" and answers["pdf"].mimetype == "application/pdf"
    assert reads(meeting.id) == [(user.id, what) for what in KINDS_OF_READ]
    again = client.get(paths(meeting.id, last)["page"]).get_data(as_text=True)
    reads_section = again.split("Who has read this transcript", 1)[1]
    assert reads_section.count(user.name) == 5 and "downloaded the PDF" in reads_section


def test_nobody_else_reads_it_and_nothing_is_logged(app, client, auth, admin, script):
    meeting = script.meeting
    _first, last = seq_range(meeting)
    south = factories.make_team("South Team")
    outsider = factories.make_user(team=south, role="supervisor", name="Other Supervisor")

    for what, path in paths(meeting.id, last).items():
        signed_out = client.get(path)
        assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"], what
    for user in (outsider, admin):
        auth.login(user)
        for what, path in paths(meeting.id, last).items():
            assert client.get(path).status_code == 404, (user.name, what)
        auth.logout()

    assert reads(meeting.id) == []


def test_a_family_phone_never_gets_the_transcript(live, maria):
    _first, last = seq_range(live.meeting)

    answers = {what: maria.browser.get(path) for what, path in paths(live.id, last).items()}

    assert {what: r.status_code for what, r in answers.items()} == dict.fromkeys(KINDS_OF_READ, 404)
    assert all(b"Maria" not in r.data for r in answers.values())
    assert reads(live.id) == []


def test_a_meeting_not_yet_opened_shows_its_scheduling_and_ids_are_not_probed(
    client, auth, facilitator, case
):
    scheduled = factories.make_meeting(facilitator, case)
    auth.login(facilitator)

    page = client.get(f"/meetings/{scheduled.id}/transcript").get_data(as_text=True)
    assert "scheduled the meeting for" in page
    assert client.get("/meetings/999999/transcript").status_code == 404


def test_filters_swap_only_the_list(client, auth, supervisor, script):
    auth.login(supervisor)
    maria = f"p{script.maria.participant.id}"
    url = f"/meetings/{script.meeting.id}/transcript?participant={maria}&change=edited"

    answer = client.get(url, headers={"HX-Request": "true", "HX-Target": "transcript-list"})

    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "<html" not in html and 'id="transcript-list"' in html
    assert "Maria (Parent) changed the strength" in html
    assert "Maria (Parent) added" not in html and "Nan (Relative)" not in html
    assert "2 of" in html
    assert f"transcript.csv?participant={maria}&amp;change=edited" in html


def test_the_slider_replays_the_board_and_refuses_moments_outside_the_meeting(
    client, auth, supervisor, script
):
    meeting, late = script.meeting, script.items["late"]
    first, last = seq_range(meeting)
    auth.login(supervisor)
    base = f"/meetings/{meeting.id}/transcript/board"

    at_end = client.get(
        f"{base}?seq={last}", headers={"HX-Request": "true", "HX-Trigger": "replay-form"}
    )
    at_start = client.get(f"{base}?seq={first}", headers={"HX-Request": "true"})

    assert "Nan cooks on Sundays" in at_end.get_data(as_text=True)
    assert "Nan cooks on Sundays" not in at_start.get_data(as_text=True)
    assert 'id="replay-seq"' not in at_end.get_data(as_text=True)  # the dragged slider stays
    assert f'value="{first}"' in at_start.get_data(as_text=True)  # a jump moves the slider
    assert "Maria asked for respite" in at_end.get_data(as_text=True)
    assert "(confidential)" in at_end.get_data(as_text=True)
    for bad in ("abc", "", str(first - 1), str(last + 1), "-3", "1e3"):
        refused = client.get(f"{base}?seq={bad}")
        assert refused.status_code == 400, bad
        assert f"a number from {first} to {last}" in refused.get_data(as_text=True)
    assert reads(meeting.id) == [(supervisor.id, "replay")] * 2
    del late


def test_previous_and_next_step_one_event_and_stop_at_the_ends(client, auth, supervisor, script):
    first, last = seq_range(script.meeting)
    auth.login(supervisor)
    base = f"/meetings/{script.meeting.id}/transcript/board"

    back = client.get(f"{base}?seq={last}&step=-1").get_data(as_text=True)
    past_end = client.get(f"{base}?seq={last}&step=1").get_data(as_text=True)
    before_start = client.get(f"{base}?seq={first}&step=-1").get_data(as_text=True)

    assert f'data-seq="{last - 1}"' in back and f'value="{last - 1}"' in back
    assert f'data-seq="{last}"' in past_end
    assert f'data-seq="{first}"' in before_start


def test_the_csv_lists_every_event_and_neutralises_formulas(client, auth, facilitator, script):
    meeting = script.meeting
    auth.login(facilitator)

    text = client.get(f"/meetings/{meeting.id}/transcript.csv").get_data(as_text=True)

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == [
        "Time",
        "Number",
        "Name",
        "Role",
        "Section",
        "Kind of change",
        "What happened",
        "Before",
        "After",
    ]
    first, last = seq_range(meeting)
    assert [int(row[1]) for row in rows[1:]] == list(range(first, last + 1))
    edit = next(row for row in rows if row[5] == "action.edited")
    assert edit[2:5] == ["Fran Facilitator", "Staff", "What needs to happen"]
    assert edit[7] == '{"due_on": "2026-11-30"}' and edit[8] == '{"due_on": "2026-12-05"}'
    assert edit[0].endswith(("-05:00", "-04:00"))  # Detroit time


def test_csv_cells_that_would_run_as_formulas_are_text(app, client, auth, facilitator, case):
    meeting = factories.make_meeting(facilitator, case)
    from fttm.meetings.commands import set_option, start_meeting

    start_meeting(facilitator, meeting)
    set_option(facilitator, meeting, "admit_everyone", True)
    sly = join_meeting(meeting, display_name='=HYPERLINK("http://x")', role="parent")
    add_item(Viewer(meeting, sly), "strength", {"text": "+1 we cope"})
    end_meeting(facilitator, meeting)
    auth.login(facilitator)

    text = client.get(f"/meetings/{meeting.id}/transcript.csv").get_data(as_text=True)

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    names = {row[2] for row in rows[1:]}
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )
    assert [neutral(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "ok", None)] == [
        "'=1",
        "'+1",
        "'-1",
        "'@a",
        "'\tx",
        "'\rx",
        "ok",
        "",
    ]


def test_the_pdf_opens_and_holds_the_sentences(client, auth, supervisor, script):
    auth.login(supervisor)

    answer = client.get(f"/meetings/{script.meeting.id}/transcript.pdf")

    reader = PdfReader(io.BytesIO(answer.data))
    text = " ".join(page.extract_text() for page in reader.pages)
    flat = " ".join(text.split())
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert "Transcript of the meeting" in flat
    assert "Maria (Parent) added a strength: “She never misses pickup”" in flat
    assert "Fran Facilitator (Facilitator) ended the meeting" in flat
    expect_tagged_pdf(answer.data, "en")  # a screen reader reads it, in the reader's language


def test_exports_keep_the_filters(client, auth, supervisor, script):
    auth.login(supervisor)
    base = f"/meetings/{script.meeting.id}/transcript"

    text = client.get(f"{base}.csv?q=BOILER").get_data(as_text=True)
    pdf = PdfReader(io.BytesIO(client.get(f"{base}.pdf?section=family_map").data))

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
    assert rows and all("boiler" in (row[6] + row[7] + row[8]).lower() for row in rows)
    flat = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Tom Lopez" in flat and "She never misses pickup" not in flat


def test_confidential_items_are_marked_for_staff(client, auth, supervisor, script):
    auth.login(supervisor)

    page = client.get(f"/meetings/{script.meeting.id}/transcript?q=respite").get_data(as_text=True)

    line = page.split("Maria asked for respite", 1)[1].split("</p>", 1)[0]
    assert "(confidential)" in line
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Strength)) > 0
