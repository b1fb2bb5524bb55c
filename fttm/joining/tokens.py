"""The signed participant token: identifies a family member's phone in one meeting, no account.

A token carries its issue time, signed with the rest, and the server decides how long it lives:
while the meeting runs (at most the profile's family-access days from its issue, so a meeting
left running does not keep old phones in for ever), then the profile's family-access days after
the meeting ended, long enough to answer the plan and open the family's copy. After that, and
as soon as its participant is removed (their nonce changes), it opens nothing.
"""

from __future__ import annotations

import hmac
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

from fttm.extensions import db
from fttm.jurisdictions import profile
from fttm.meetings.models import Meeting, MeetingStatus, Participant
from fttm.timestamps import utcnow

SALT = "fttm-participant"
RUNNING = (MeetingStatus.OPEN, MeetingStatus.LIVE)
# Workers' clocks may differ a little: a token issued "in the future" by this much still counts.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class Token:
    """What a genuine token says: whose it is, its nonce, and when it was issued."""

    participant_id: int
    nonce: str
    issued_at: datetime


def cookie_name(meeting_id: int) -> str:
    """Each meeting has its own cookie, so one phone can be in two meetings on two days."""
    return f"fttm_p{meeting_id}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue(participant, now: float | None = None) -> str:
    """The token for a participant, issued now; it stops working when their nonce changes."""
    issued = int(time.time() if now is None else now)
    return _serializer().dumps(
        {
            "m": participant.meeting_id,
            "p": participant.id,
            "n": participant.token_nonce,
            "t": issued,
        }
    )


def read(meeting_id: int) -> Token | None:
    """What this request's cookie for the meeting says, if the token is genuine and well formed.
    Whether it is still alive is `alive`'s question."""
    raw = request.cookies.get(cookie_name(meeting_id))
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("m") != meeting_id:
        return None
    participant, nonce, issued = data.get("p"), data.get("n"), data.get("t")
    if not isinstance(participant, int) or not isinstance(nonce, str):
        return None
    if not isinstance(issued, int) or isinstance(issued, bool) or issued < 0:
        return None  # tokens from before issue times: their phone joins again
    try:
        issued_at = datetime.fromtimestamp(issued, UTC)
    except (OverflowError, OSError, ValueError):
        return None
    return Token(participant, nonce, issued_at)


def family_access(meeting: Meeting) -> timedelta:
    """How long after the meeting its phones may still answer and read: the profile says."""
    return timedelta(days=profile(meeting.case.jurisdiction).family_access_days)


def expires_at(meeting: Meeting, issued_at: datetime) -> datetime | None:
    """When a token of this meeting issued at `issued_at` stops working; None if it already has
    for good (the meeting was cancelled, or it ended after the token had run out)."""
    life = family_access(meeting)
    if meeting.status in RUNNING:
        return issued_at + life
    if meeting.status == MeetingStatus.ENDED and meeting.ended_at is not None:
        if issued_at + life <= meeting.ended_at:  # ran out while the meeting ran: stays out
            return None
        return meeting.ended_at + life
    return None


def holder(meeting_id: int) -> tuple[Participant, Token] | None:
    """The participant this request's token names in the meeting, with the token, if the token
    is genuine and not revoked (a removal replaces the nonce). Whether it is still alive is
    `alive`'s question; whether the participant is admitted, the caller's."""
    token = read(meeting_id)
    if token is None:
        return None
    participant = db.session.get(Participant, token.participant_id)
    if participant is None or participant.meeting_id != meeting_id:
        return None
    return (participant, token) if nonce_matches(participant, token) else None


def alive(meeting: Meeting, token: Token, now: datetime | None = None) -> bool:
    """Whether the token still opens its meeting now (its nonce is checked apart)."""
    now = utcnow() if now is None else now
    if token.issued_at > now + CLOCK_SKEW:
        return False
    deadline = expires_at(meeting, token.issued_at)
    return deadline is not None and now < deadline


def nonce_matches(participant, token: Token) -> bool:
    """Whether the token names the participant's current nonce (a removal replaces it)."""
    return hmac.compare_digest(participant.token_nonce.encode(), token.nonce.encode())


def set_cookie(response, participant) -> None:
    """Give the phone its participant cookie: HttpOnly, SameSite=Lax, Secure in production.

    The browser keeps it a day longer than the family-access days, enough for a meeting and the
    days after it; the server alone decides whether the token inside still works.
    """
    response.set_cookie(
        cookie_name(participant.meeting_id),
        issue(participant),
        max_age=int((family_access(participant.meeting) + timedelta(days=1)).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
