"""After the meeting: the transcript, its time slider and the plan version show each phase of
the agenda and how long it took, read from the meeting's phase moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import unescape

from fttm.extensions import db
from fttm.meetings import agenda, phases
from fttm.meetings.commands import end_meeting, start_meeting
from fttm.timestamps import clock_at
from tests import factories
from tests.helpers import transcript_events

START = datetime(2026, 12, 4, 9, 0, tzinfo=UTC)


def _held(facilitator, case):
    """A meeting that spent 4 min welcoming, 12 on strengths and 31 on the plan; ground rules
    skipped."""
    meeting = factories.make_meeting(facilitator, case)
    agenda.skip(facilitator, meeting, "ground_rules", True)
    with clock_at(START) as clock:
        start_meeting(facilitator, meeting)
        clock.advance(timedelta(minutes=4))
        phases.move(facilitator, meeting, step="next")
        clock.advance(timedelta(minutes=12))
        phases.move(facilitator, meeting, to="plan")
        clock.advance(timedelta(minutes=31))
        end_meeting(facilitator, meeting)
    return meeting


def _rows(html: str) -> str:
    """The phase table's text, whitespace folded."""
    table = html[html.index('class="phase-times-table"') :]
    table = table[: table.index("</table>")]
    return " ".join(table.replace("<", " <").split())


def test_the_transcript_and_plan_version_show_how_long_each_phase_took(
    client, auth, facilitator, case
):
    meeting = _held(facilitator, case)
    auth.login(facilitator)
    for path in (f"/meetings/{meeting.id}/transcript", f"/meetings/{meeting.id}/plan"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "The agenda and how long each phase took" in html
        rows = _rows(html)
        assert "Welcome and purpose </th> <td>5 min </td> <td>4 min" in rows
        assert "Ground rules </th> <td>5 min </td> <td>skipped" in rows
        assert "What&#39;s working well </th> <td>15 min </td> <td>12 min" in rows
        assert "What needs to happen </th> <td>20 min </td> <td>31 min" in rows
        assert "Safety plan </th> <td>15 min </td> <td>not reached" in rows


def test_the_time_slider_says_which_phase_the_board_was_in(client, auth, facilitator, case):
    meeting = _held(facilitator, case)
    auth.login(facilitator)
    moved = transcript_events(case.id, kind=phases.MOVED)
    for event, name in zip(moved, ("Welcome and purpose", "What's working well"), strict=False):
        response = client.get(
            f"/meetings/{meeting.id}/transcript/board",
            query_string={"seq": event.seq},
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        text = response.get_data(as_text=True).replace("&#39;", "'")
        assert f"Phase of the agenda: {name}" in text
    ended = transcript_events(case.id, kind="meeting.ended")[0]
    response = client.get(
        f"/meetings/{meeting.id}/transcript/board", query_string={"seq": ended.seq}
    )
    assert "Phase of the agenda" not in response.get_data(as_text=True)


def _said(html: str) -> str:
    """The page's text as a reader sees it: entities undone, whitespace folded."""
    return " ".join(unescape(html).split())


def test_each_phase_move_reads_as_a_sentence_in_the_transcript(client, auth, facilitator, case):
    """The transcript tells, in words, who moved the meeting on to which phase: in English, and
    in French (the phase named in French too) for a reader whose account is in French."""
    meeting = _held(facilitator, case)
    auth.login(facilitator)

    english = _said(client.get(f"/meetings/{meeting.id}/transcript").get_data(as_text=True))

    for name in ("Welcome and purpose", "What's working well", "What needs to happen"):
        assert f"Fran Facilitator (Facilitator) moved the meeting on to “{name}”" in english
    # skipped, and never reached: no move into them is told
    for name in ("Ground rules", "Safety plan"):
        assert f"moved the meeting on to “{name}”" not in english

    facilitator.language = "fr_CA"
    db.session.commit()
    french = _said(client.get(f"/meetings/{meeting.id}/transcript").get_data(as_text=True))

    for name in ("Accueil et but de la rencontre", "Ce qui va bien", "Ce qui doit se passer"):
        assert f"a fait passer la rencontre à l'étape « {name} »" in french
    assert "moved the meeting on" not in french
