"""Status pages people understand, for HTML requests and htmx fragments alike."""

from __future__ import annotations

import logging

from flask import Flask, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from fttm.errors import CommandError
from fttm.languages import gettext as _
from fttm.refusals import refusal_of

logger = logging.getLogger(__name__)

MESSAGES = {
    400: (
        lambda: _("Something in that request was not right"),
        lambda: _("Go back, check what you entered and try again."),
    ),
    403: (
        lambda: _("You can't do that"),
        lambda: _("Your account does not allow this. Ask your supervisor if you need it."),
    ),
    404: (
        lambda: _("Page not found"),
        lambda: _("There is nothing here, or you do not have access to it."),
    ),
    405: (
        lambda: _("That can't be done here"),
        lambda: _("Use the buttons and links on the page."),
    ),
    422: (
        lambda: _("That change could not be saved"),
        lambda: _("Reload the page and try again."),
    ),
    429: (lambda: _("Too many attempts"), lambda: _("Wait a few minutes and try again.")),
    500: (
        lambda: _("Something went wrong on our side"),
        lambda: _("Nothing you entered was lost that had been saved. Try again in a moment."),
    ),
}


def init_app(app: Flask) -> None:
    """Render every HTTP error, and a stale or missing CSRF token, as a clear page."""
    app.register_error_handler(CSRFError, csrf_error)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(CommandError, command_refused)


def render_error(status: int, title: str, detail: str):
    """The error page, or just its message when htmx asked for a fragment."""
    if request.headers.get("HX-Request"):
        # htmx shows it in the page's message area, never in place of a part of the page.
        response = make_response(
            render_template("parts/error.html", status=status, title=title, detail=detail), status
        )
        response.headers["HX-Retarget"] = "#messages"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render_template("error.html", status=status, title=title, detail=detail), status


def http_error(error: HTTPException):
    """Any HTTP error as a page in the reader's language."""
    status = error.code or 500
    title, detail = MESSAGES.get(status, MESSAGES[400 if status < 500 else 500])
    if status >= 500:
        logger.error("server error %s on %s %s", status, request.method, request.path)
    return render_error(status, title(), detail())


def csrf_error(error: CSRFError):
    """A form sent without a valid security token: usually a page left open too long."""
    return render_error(
        400,
        _("This form has expired"),
        _(
            "For your security, forms stop working after a while or when you sign in again. "
            "Reload the page and send it again."
        ),
    )


def command_refused(error: CommandError):
    """A command's refusal no view answered itself (a broken Idempotency-Key is 400, one that
    belongs to another change 422, ...): nothing was saved, and the sender reads why.
    """
    from fttm.extensions import db

    db.session.rollback()
    refusal = refusal_of(error)
    return render_error(refusal.status, MESSAGES[422][0](), refusal.first)
