"""Staff read a meeting's transcript: as sentences, filtered, replayed, and exported.

Every read is itself logged (who read which meeting's transcript, how, when): the log is an
access record, not a change to the case, so it is committed on its own and not published.
"""

from __future__ import annotations

import csv
import io
import json
from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from fttm.auth.access import caseworker_required, meeting_or_404
from fttm.auth.models import User
from fttm.cases.frameworks import framework_at
from fttm.core.registry import earlier_title
from fttm.extensions import db
from fttm.forms import whole_number
from fttm.frameworks import EARLIER, SHAPES
from fttm.joining import tokens
from fttm.jurisdictions import profile
from fttm.languages import gettext as _
from fttm.meetings import phases
from fttm.meetings.models import Meeting
from fttm.pdf import pdf_response
from fttm.templating import local_time
from fttm.timestamps import utcnow
from fttm.transcript.models import TranscriptEvent, TranscriptRead
from fttm.transcript.reading import (
    Filters,
    Line,
    change_names,
    choices,
    event_number,
    meeting_framework,
    section_names,
    select,
    seq_range,
    transcript,
)
from fttm.transcript.replay import board_at
from fttm.transcript.sentences import (
    Teller,
    World,
    participants_of,
    role_label,
    tell_in_order,
)

bp = Blueprint("transcript", __name__)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
READS_SHOWN = 50
SLIDER_ID = "replay-form"


def staff_only(view):
    """A family phone (its meeting's cookie, no account) gets 404, not a sign-in page: the
    transcript is for staff only. Everyone else goes on to the caseworker check.
    """

    @wraps(view)
    def wrapped(meeting_id: int, **kwargs):
        if not current_user.is_authenticated and tokens.read(meeting_id) is not None:
            abort(404)
        return view(meeting_id, **kwargs)

    return wrapped


def _meeting_with_events(meeting_id: int) -> tuple[Meeting, tuple[int, int]]:
    """The meeting if the reader's team may open it and it has a transcript; 404 otherwise."""
    meeting = meeting_or_404(current_user, meeting_id)
    span = seq_range(meeting)
    if span is None:
        abort(404)
    return meeting, span


def log_read(meeting: Meeting, what: str) -> None:
    """Write down that the signed-in user read this transcript (page, replay, csv, pdf)."""
    db.session.add(
        TranscriptRead(user_id=current_user.id, meeting_id=meeting.id, what=what, at=utcnow())
    )
    db.session.commit()


def reads_of(meeting: Meeting) -> tuple[list[tuple[TranscriptRead, str]], int]:
    """The newest reads of the transcript with the reader's name, and how many there are."""
    query = (
        sa.select(TranscriptRead, User.name)
        .join(User, User.id == TranscriptRead.user_id)
        .where(TranscriptRead.meeting_id == meeting.id)
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    newest = query.order_by(TranscriptRead.at.desc(), TranscriptRead.id.desc()).limit(READS_SHOWN)
    return [(read, name) for read, name in db.session.execute(newest)], total


def read_kinds() -> dict[str, str]:
    """How a transcript was read, in words."""
    return {
        "page": _("read the page"),
        "replay": _("replayed the board"),
        "csv": _("downloaded the CSV"),
        "pdf": _("downloaded the PDF"),
    }


def _listing(meeting: Meeting) -> dict:
    """What the list of events and its filter form need."""
    lines = transcript(meeting)
    filters = Filters.from_args(request.args)
    return {
        "meeting": meeting,
        "case": meeting.case,
        "lines": select(lines, filters),
        "total": len(lines),
        "filters": filters,
        "choices": choices(lines, meeting),
        "section_names": section_names(meeting_framework(meeting)),
        "change_names": change_names(),
    }


@bp.get("/meetings/<int:meeting_id>/transcript")
@staff_only
@caseworker_required
def page(meeting_id: int):
    """The transcript page; an htmx request for other filters gets just the list of events."""
    meeting, span = _meeting_with_events(meeting_id)
    context = _listing(meeting)
    log_read(meeting, "page")
    if request.headers.get("HX-Request") and request.headers.get("HX-Target") == "transcript-list":
        return render_template("transcript/parts/events.html", **context)
    reads, read_count = reads_of(meeting)
    context |= _replay_context(meeting, span, span[1])
    return render_template(
        "transcript/page.html",
        **context,
        zone=profile(meeting.case.jurisdiction).zone,
        reads=reads,
        read_count=read_count,
        read_kinds=read_kinds(),
        phase_times=phases.meeting_timeline(meeting),
    )


def _replay_context(meeting: Meeting, span: tuple[int, int], seq: int) -> dict:
    """The board right after event `seq`, and what the slider shows about that moment."""
    rules = profile(meeting.case.jurisdiction)
    event = db.session.scalar(
        sa.select(TranscriptEvent).where(
            TranscriptEvent.case_id == meeting.case_id, TranscriptEvent.seq == seq
        )
    )
    # The board just before the event names things in its sentence; the event then moves it on.
    framework = framework_at(meeting.case, seq)
    world = World(board_at(meeting, seq - 1), participants_of(meeting.case_id), rules, framework)
    told = tell_in_order(world, [event], {seq}) if event else {}
    world.board.seq = seq
    number, total = event_number(meeting, seq)
    return {
        "meeting": meeting,
        "board": world.board,
        "world": world,
        "world_teller": Teller(world),
        "oob": False,
        "moved": False,
        "span": span,
        "seq": seq,
        "number": number,
        "total": total,
        "moment_time": local_time(event.at, rules.zone) if event else "",
        "moment_sentence": told.get(seq, ""),
        "rules": rules,
        "section_names": section_names(framework),
        "mapping_at": mapping_at(world.board, framework),
        "phase_then": phases.phase_at(meeting, seq),
    }


def mapping_at(board, framework) -> list[tuple[str, str, list]]:
    """The mapping sections of the board as it was: (key, title, [(kind, row)]), in board order,
    with "From the earlier framework" last when it held anything."""
    placed: dict[str, list] = {}
    for kind in SHAPES:
        for row in board.live(kind):
            placed.setdefault(framework.place(row.get("section"), kind), []).append((kind, row))
    sections = [(s.key, s.title(), placed.get(s.key, [])) for s in framework.sections]
    if placed.get(EARLIER):
        sections.append((EARLIER, earlier_title(), placed[EARLIER]))
    return sections


def _wanted_seq(span: tuple[int, int]) -> int | None:
    """The moment asked for: `seq`, moved by `step` (the Previous and Next buttons)."""
    seq = whole_number((request.args.get("seq") or "").strip(), digits=12)
    if seq is None or not span[0] <= seq <= span[1]:
        return None
    step = (request.args.get("step") or "").strip()
    if step in ("-1", "1"):
        seq = min(span[1], max(span[0], seq + int(step)))
    return seq


@bp.get("/meetings/<int:meeting_id>/transcript/board")
@staff_only
@caseworker_required
def replay(meeting_id: int):
    """The board as it was right after event `seq` of the meeting, read-only (for the slider)."""
    meeting, span = _meeting_with_events(meeting_id)
    seq = _wanted_seq(span)
    if seq is None:
        message = _(
            "Choose a moment of this meeting: a number from %(first)d to %(last)d.",
            first=span[0],
            last=span[1],
        )
        return render_template("transcript/parts/board_at.html", error=message), 400
    log_read(meeting, "replay")
    moved = request.headers.get("HX-Trigger") != SLIDER_ID
    context = {**_replay_context(meeting, span, seq), "oob": True, "moved": moved}
    return render_template("transcript/parts/board_at.html", **context)


def neutral(value) -> str:
    """A cell a spreadsheet will show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_rows(lines: list[Line], meeting: Meeting):
    """The header and one row per event."""
    rules = profile(meeting.case.jurisdiction)
    names = section_names(meeting_framework(meeting))
    yield [
        _("Time"),
        _("Number"),
        _("Name"),
        _("Role"),
        _("Section"),
        _("Kind of change"),
        _("What happened"),
        _("Before"),
        _("After"),
    ]
    for line in lines:
        event = line.event
        yield [
            line.moment.isoformat(timespec="seconds"),
            event.seq,
            event.actor_name,
            role_label(event.actor_role, rules),
            names.get(line.section, line.section),
            event.kind,
            line.sentence + (" " + _("(confidential)") if line.confidential else ""),
            json.dumps(event.before, ensure_ascii=False) if event.before is not None else "",
            json.dumps(event.after, ensure_ascii=False) if event.after is not None else "",
        ]


@bp.get("/meetings/<int:meeting_id>/transcript.csv")
@staff_only
@caseworker_required
def as_csv(meeting_id: int):
    """The transcript (as filtered) as a spreadsheet, times in the case's time zone."""
    meeting, _span = _meeting_with_events(meeting_id)
    listing = _listing(meeting)
    log_read(meeting, "csv")
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _csv_rows(listing["lines"], meeting):
        writer.writerow([neutral(cell) for cell in row])
    response = Response("\ufeff" + out.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="transcript-meeting-{meeting.id}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/meetings/<int:meeting_id>/transcript.pdf")
@staff_only
@caseworker_required
def as_pdf(meeting_id: int):
    """The transcript (as filtered) as a printable PDF."""
    meeting, _span = _meeting_with_events(meeting_id)
    listing = _listing(meeting)
    log_read(meeting, "pdf")
    return pdf_response(
        "transcript/pdf.html",
        f"transcript-meeting-{meeting.id}.pdf",
        **listing,
        zone=profile(meeting.case.jurisdiction).zone,
        printed_at=utcnow(),
        reader=current_user.name,
    )
