"""How people are invited into a meeting: its join link, code and QR code."""

from __future__ import annotations

from flask import current_app, url_for

from fttm.languages import gettext as _
from fttm.meetings import join_codes
from fttm.meetings.models import Meeting
from fttm.meetings.qr import qr_svg


def join_url(meeting: Meeting) -> str:
    """The address phones open to join, on the site's public address when one is configured."""
    path = url_for("joining.meeting", code=meeting.join_code)
    public = current_app.config["PUBLIC_URL"]
    if public:
        return public.rstrip("/") + path
    return url_for("joining.meeting", code=meeting.join_code, _external=True)


def join_details(meeting: Meeting) -> dict:
    """What a screen needs to invite people: the code, the link and its QR code."""
    url = join_url(meeting)
    return {
        "join_code": join_codes.display(meeting.join_code),
        "join_url": url,
        "qr": qr_svg(url, _("QR code that opens the link to join this meeting")),
    }
