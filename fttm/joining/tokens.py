"""The signed participant token: identifies a family member's phone in one meeting, no account."""

from __future__ import annotations

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

SALT = "fttm-participant"
MAX_AGE_SECONDS = 24 * 60 * 60


def cookie_name(meeting_id: int) -> str:
    """Each meeting has its own cookie, so one phone can be in two meetings on two days."""
    return f"fttm_p{meeting_id}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def issue(participant) -> str:
    """The token for a participant; it stops working when their nonce changes (removal)."""
    return _serializer().dumps(
        {"m": participant.meeting_id, "p": participant.id, "n": participant.token_nonce}
    )


def read(meeting_id: int) -> tuple[int, str] | None:
    """(participant id, nonce) from this request's cookie for the meeting, if it is genuine."""
    raw = request.cookies.get(cookie_name(meeting_id))
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("m") != meeting_id:
        return None
    if not isinstance(data.get("p"), int) or not isinstance(data.get("n"), str):
        return None
    return data["p"], data["n"]


def set_cookie(response, participant) -> None:
    """Give the phone its participant cookie: HttpOnly, SameSite=Lax, Secure in production."""
    response.set_cookie(
        cookie_name(participant.meeting_id),
        issue(participant),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )
