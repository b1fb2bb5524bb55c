"""One phone cannot stall a meeting over Socket.IO, a family socket never gets a staff rendering,
and Socket.IO's own HTTP answers carry the security headers every page carries.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from flask import template_rendered

from fttm import create_app
from fttm.board.models import Action, Strength
from fttm.extensions import db
from tests.helpers import latest_id

TOO_MANY = "Too many messages. Wait a moment."
SECRET = "Parole officer Dana Whitlock"  # a confidential item's text
# A screen may catch up a few times in a moment (say, a flaky connection); a person's tabs
# together may not do many times that.
SYNCS_A_SCREEN_MAY_SEND = 5


def _refusals(acks: list[dict]) -> list[dict]:
    """The acknowledgements that refused their event."""
    return [ack for ack in acks if not ack["ok"]]


def _assert_says_why(refusal: dict) -> None:
    """A refusal tells the screen what happened and when to try again."""
    assert isinstance(refusal["error"], str) and refusal["error"]
    assert isinstance(refusal["retry_after"], int | float)
    assert 0 < refusal["retry_after"] <= 10


def _syncs(socket, count: int) -> list[dict]:
    """Send `count` catch-up requests from the very start, without waiting; their acks."""
    return [socket.emit("board:sync", {"since": 0}, callback=True) for _ in range(count)]


# ---- One phone cannot flood the meeting ----


def test_a_phone_flooding_catch_ups_is_refused_with_a_reason_while_others_work(live, maria, nan):
    """Thirty catch-ups in a row from Maria's phone: the first few are answered, the rest refused
    with why and when to retry. Nan's phone still catches up and edits; Maria's own changes are
    not counted against her socket's chatter."""
    flooder, honest = live.socket(maria), live.socket(nan)
    live.drain()

    acks = _syncs(flooder, 30)

    assert acks[0] == {"ok": True, "seq": live.seq()}
    refused = _refusals(acks)
    assert len(refused) >= 30 - 2 * SYNCS_A_SCREEN_MAY_SEND
    for refusal in refused:
        _assert_says_why(refusal)
        assert refusal["error"] == TOO_MANY
    answered = flooder.updates()
    assert len(answered) == 30 - len(refused)

    assert honest.emit("board:sync", {"since": 0}, callback=True)["ok"] is True
    assert "strengths" in honest.updates()[0]["sections"]
    assert nan.add("strength", {"text": "Nan cooks on Sundays"}).status_code == 200
    assert maria.add("strength", {"text": "Maria reads at bedtime"}).status_code == 200
    assert any("Maria reads at bedtime" in json.dumps(u) for u in honest.updates())


def test_a_phone_flooding_editing_messages_is_refused_with_a_reason(live, maria, nan):
    """Two hundred "is editing" messages from Maria: refused with a reason once past her budget;
    Nan's still reach the others, and Maria can still save a change."""
    assert live.staff.add("action", {"what": "Call the school nurse"}).status_code == 200
    action = latest_id(Action)
    cell = f"action-{action}-what"
    flooder, honest, staff = live.socket(maria), live.socket(nan), live.socket(live.staff)
    live.drain()

    acks = [
        flooder.emit("board:editing", {"cell": cell, "editing": n % 2 == 0}, callback=True)
        for n in range(200)
    ]

    refused = _refusals(acks)
    assert acks[0] == {"ok": True} and len(refused) >= 100
    for refusal in refused:
        _assert_says_why(refusal)
    staff.received()
    assert honest.emit("board:editing", {"cell": cell, "editing": True}, callback=True) == {
        "ok": True
    }
    assert ("board:editing", {"cell": cell, "name": "Nan", "editing": True}) in staff.received()
    edit = maria.edit("action", action, {"what": "Maria calls the nurse", "base_version": "0"})
    assert edit.status_code == 200


def test_more_tabs_do_not_give_a_phone_more_budget(live, maria):
    """Maria opens four tabs and catches up a few times from each: no tab passes what one screen
    may send, but together they pass what one person may, and are refused."""
    tabs = [live.socket(maria) for _ in range(4)]

    acks = [ack for tab in tabs for ack in _syncs(tab, SYNCS_A_SCREEN_MAY_SEND)]

    assert all(ack["ok"] for ack in acks[:SYNCS_A_SCREEN_MAY_SEND])
    refused = _refusals(acks)
    assert refused
    for refusal in refused:
        _assert_says_why(refusal)


def test_an_unknown_event_is_refused_with_a_reason_and_counted(live, maria):
    """A message fttm does not know gets a clear refusal, and a flood of them is throttled too."""
    socket = live.socket(maria)

    acks = [socket.emit("board:shout", {"x": 1}, callback=True) for _ in range(50)]

    assert all(ack["ok"] is False and ack["error"] for ack in acks)
    assert any(ack["error"] == TOO_MANY for ack in acks)
    assert socket.is_connected()


def test_a_phone_reconnecting_in_a_loop_is_refused_for_a_while(live, maria, nan):
    """Each arrival tells everyone who is here: a phone opening and closing its socket in a loop
    is refused after a while; Nan's phone still connects."""
    opened = []
    for _ in range(40):
        socket = live.socket(maria, drain=False)
        opened.append(socket.is_connected())
        if socket.is_connected():
            socket.disconnect()

    assert opened[0] and not all(opened)
    assert live.socket(nan).is_connected()


def test_a_screen_has_one_catch_up_in_flight(live, maria):
    """A second catch-up sent while the first is being answered is refused, saying why; the first
    is answered in full."""
    socket = live.socket(maria)
    second: list[dict] = []

    def while_rendering(sender, template, context, **extra):
        if not second and template.name.startswith("board/sections/"):
            second.append({})  # only once: the second request must not start a third
            second[0] = socket.emit("board:sync", {"since": 0}, callback=True)

    with template_rendered.connected_to(while_rendering, live.app):
        first = socket.emit("board:sync", {"since": 0}, callback=True)

    assert first == {"ok": True, "seq": live.seq()}
    assert second[0]["ok"] is False
    _assert_says_why(second[0])
    assert second[0]["error"] != TOO_MANY
    [update] = socket.updates()
    assert "strengths" in update["sections"]


# ---- Catching up together costs one rendering per audience and language ----


def test_screens_catching_up_together_share_one_rendering_per_audience(live, maria, nan):
    """Seven screens reconnect at once: each section is rendered once for staff, once for the
    family in English and once for the French phones, and every screen gets the whole board."""
    # Gran chose French on her phone: both her screens read French.
    gran = live.phone("Gran", "relative")
    chosen = {"language": "fr_CA", "next": "/", "meeting": str(live.id), "csrf_token": gran.csrf}
    assert gran.browser.post("/language", data=chosen).status_code == 303
    phones = [maria, nan, live.phone("Leo", "young_person"), gran]
    sockets = [live.socket(live.staff), live.socket(live.staff)]
    sockets += [live.socket(phone) for phone in phones]
    sockets.append(live.socket(gran))
    live.drain()
    rendered: Counter = Counter()

    def count(sender, template, context, **extra):
        rendered[(template.name, context.get("audience"))] += 1

    with template_rendered.connected_to(count, live.app):
        acks = [socket.emit("board:sync", {"since": 0}, callback=True) for socket in sockets]

    assert all(ack == {"ok": True, "seq": live.seq()} for ack in acks)
    for name in ("plan", "family_map", "safety_plan", "notes"):
        assert rendered[(f"board/sections/{name}.html", "staff")] == 1, rendered
        assert rendered[(f"board/sections/{name}.html", "family")] == 2, rendered  # English, French
    # The framework's mapping sections share one template: strengths, worries and "earlier".
    mapping = ("board/sections/mapping.html", "staff"), ("board/sections/mapping.html", "family")
    assert (rendered[mapping[0]], rendered[mapping[1]]) == (3, 6), rendered
    for socket in sockets:
        [update] = socket.updates()
        assert "strengths" in update["sections"] and "participants" in update["sections"]


def test_a_family_socket_never_gets_a_staff_rendering(live, maria, nan):
    """Staff screens catch up first, at the same change number as the phones: not one byte any
    family socket receives contains the confidential item's text."""
    staff_add = live.staff.add("strength", {"text": SECRET, "confidential": "1"})
    assert staff_add.status_code == 200
    assert db.session.get(Strength, latest_id(Strength)).confidential
    staff_sockets = [live.socket(live.staff) for _ in range(2)]
    family_sockets = [live.socket(maria), live.socket(nan), live.socket(maria)]
    live.drain()

    for socket in [*staff_sockets, *family_sockets]:
        for since in (0, live.seq()):  # behind, and up to date (the last changes again)
            socket.emit("board:sync", {"since": since}, callback=True)
    maria_socket = family_sockets[0]
    cell = f"strength-{latest_id(Strength)}-text"
    maria_socket.emit("board:editing", {"cell": cell, "editing": True}, callback=True)

    assert SECRET in json.dumps(staff_sockets[0].received())
    for socket in family_sockets:
        every_byte = json.dumps(socket.received())
        assert "board:update" in every_byte
        assert SECRET not in every_byte


# ---- Socket.IO's HTTP answers carry the security headers ----


def _handshake(client):
    """A real Engine.IO long-polling handshake; the answer and the session id it opened."""
    answer = client.get("/socket.io/?EIO=4&transport=polling")
    assert answer.status_code == 200
    body = answer.get_data(as_text=True)
    assert body.startswith("0{")
    return answer, json.loads(body[1:])["sid"]


def _assert_page_headers(answer, *, hsts: bool = False) -> None:
    """The headers every page carries."""
    policy = answer.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert answer.headers.get("X-Content-Type-Options") == "nosniff"
    assert answer.headers.get("X-Frame-Options") == "DENY"
    assert answer.headers.get("Referrer-Policy") == "no-referrer"
    assert ("Strict-Transport-Security" in answer.headers) is hsts


def test_socketio_polling_answers_carry_the_security_headers(app, client, auth, facilitator):
    """The handshake, a message sent by POST and the long-poll GET that answers it all carry the
    page headers (CSP with frame-ancestors, nosniff, no referrer)."""
    auth.login(facilitator)
    handshake, sid = _handshake(client)
    _assert_page_headers(handshake)

    sent = client.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data="40")
    assert sent.status_code == 200 and sent.get_data(as_text=True) == "OK"
    _assert_page_headers(sent)
    polled = client.get(f"/socket.io/?EIO=4&transport=polling&sid={sid}")
    assert polled.status_code == 200 and polled.get_data(as_text=True).startswith("40")
    _assert_page_headers(polled)
    unknown = client.get("/socket.io/?EIO=4&transport=polling&sid=nobody")
    assert unknown.status_code == 400
    _assert_page_headers(unknown)


@pytest.fixture
def secure_app(tmp_path):
    """The app as production runs it behind HTTPS (secure cookies, so HSTS)."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'secure.sqlite3'}",
            "SECRET_KEY": "test-secret-key",
            "SESSION_COOKIE_SECURE": True,
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def test_socketio_polling_answers_carry_hsts_in_production(secure_app):
    """Served over HTTPS, the polling answers also tell browsers to stay on HTTPS."""
    handshake, _sid = _handshake(secure_app.test_client())
    _assert_page_headers(handshake, hsts=True)
