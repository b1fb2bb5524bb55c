"""Screens for the crash test: a facilitator and phones that behave like fttm's own board JS.

Each screen has an HTTP session (its cookies: a staff sign-in or a phone's participant token) and a
python-socketio websocket. Like fttm/static/js/, it sends every change as an htmx POST with an
`Idempotency-Key`; a change that got no answer stays pending and is sent again, with the same key,
once the socket has reconnected. A screen holds its board as js/pushes.js does
(tests/realtime/held_board.py): the page's sections at the page's number, replaced by pushed
sections and the sender's own answers, an item pushed (or answered) alone replacing that item
within its section; on every (re)connect it says what it holds (`board:sync`) and is sent what it
lacks.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime

import aiohttp
import socketio

from tests.realtime.held_board import HeldBoard

HX_HEADERS = re.compile(r"hx-headers='(\{[^']*\})'")
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
STRENGTH = re.compile(r'id="strength-(\d+)".*?<p class="item-text">(.*?)</p>', re.S)
ACTION_CELL = re.compile(
    r'<textarea id="action-(\d+)-(what|where_how)"[^>]*>(.*?)</textarea>', re.S
)
# Sections the burst changes: what each screen holds of them is compared with the database.
WATCHED = ("strengths", "plan")
REQUEST_TIMEOUT = aiohttp.ClientTimeout(total=15)


class Unexpected(AssertionError):
    """The server answered a change with something a working app never sends here."""


@dataclass
class Change:
    """One change a screen makes: where it is posted, what it says, and what became of it."""

    path: str
    data: dict[str, str]
    section: str
    key: str = field(default_factory=lambda: secrets.token_hex(16))
    tries: int = 0
    acknowledged: bool = False
    failed_at: datetime | None = None  # when a try last went unanswered


def board_items(sections: dict[str, str]) -> dict[str, dict[int, str]]:
    """The strengths' texts and the actions' cells, by id, as a screen shows them."""
    strengths = {
        int(item_id): html.unescape(text).strip()
        for item_id, text in STRENGTH.findall(sections.get("strengths", ""))
    }
    cells = {
        f"{int(item_id)}-{name}": html.unescape(text).strip()
        for item_id, name, text in ACTION_CELL.findall(sections.get("plan", ""))
    }
    return {"strengths": strengths, "action_cells": cells}


class Screen:
    """One person's device in the meeting."""

    def __init__(self, name: str, url: str, meeting_id: int) -> None:
        self.name = name
        self.url = url
        self.meeting_id = meeting_id
        # unsafe=True: keep cookies for the 127.0.0.1 address (aiohttp drops IP cookies otherwise).
        # force_close: no keep-alive connection that a killed server left half-dead.
        self.http = aiohttp.ClientSession(
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            connector=aiohttp.TCPConnector(force_close=True),
            timeout=REQUEST_TIMEOUT,
        )
        self.socket = socketio.AsyncClient(
            reconnection=True,
            reconnection_attempts=0,
            reconnection_delay=0.1,
            reconnection_delay_max=0.5,
            randomization_factor=0,
            # The HTTP session's cookies, on every reconnect too (as a browser sends them).
            http_session=self.http,
        )
        self.csrf = ""
        self.board: HeldBoard | None = None  # what it shows, once its page is loaded
        self.stale_answers = 0  # own answers older than a push already shown (not swapped in)
        self.connects = 0
        self.connected = asyncio.Condition()
        self.changes: list[Change] = []
        self.socket.on("connect", self._on_connect)
        self.socket.on("board:update", self._on_update)

    # -- arriving -----------------------------------------------------------------------------

    async def sign_in(self, email: str, password: str) -> None:
        """A member of staff signs in through the login form."""
        page = await self._text("GET", "/login")
        token = CSRF_FIELD.search(page)
        assert token, "no CSRF token on the login page"
        data = {"csrf_token": token[1], "email": email, "password": password}
        await self._text("POST", "/login", data=data)

    async def join(self, code: str, role: str = "parent") -> None:
        """A phone joins by code, with a name and a role (everyone is admitted in this meeting)."""
        page = await self._text("GET", f"/join/{code}")
        token = CSRF_FIELD.search(page)
        assert token, f"no join form for code {code}"
        data = {"csrf_token": token[1], "display_name": self.name, "role": role, "person_id": ""}
        await self._text("POST", f"/join/{code}", data=data)

    async def open_board(self) -> None:
        """Load the board page (its sections, and the CSRF token htmx sends); open the socket."""
        page = await self._text("GET", f"/meetings/{self.meeting_id}/board/")
        headers = HX_HEADERS.search(page)
        assert headers, f"{self.name} did not get the board"
        self.csrf = json.loads(headers[1])["X-CSRFToken"]
        self.board = HeldBoard(page)
        await self.socket.connect(
            self.url,
            auth={"meeting": self.meeting_id},
            transports=["websocket"],
            wait_timeout=10,
        )

    async def close(self) -> None:
        """Leave: close the socket and the HTTP session."""
        await self.socket.disconnect()
        await self.http.close()

    async def _text(self, method: str, path: str, **kwargs) -> str:
        """A page's text (redirects followed); fails on an error status."""
        async with self.http.request(method, self.url + path, **kwargs) as answer:
            text = await answer.text()
            assert answer.status < 400, f"{method} {path}: {answer.status}"
            return text

    # -- the socket, as js/socket.js handles it -----------------------------------------------

    async def _on_connect(self) -> None:
        """(Re)connected: say what the screen holds, then let pending changes be sent again."""
        await self.socket.emit("board:sync", self.board.held())
        async with self.connected:
            self.connects += 1
            self.connected.notify_all()

    async def _on_update(self, message: dict) -> None:
        """A push: fresh sections (or items) for this screen's audience."""
        self.board.take_update(message)

    # -- changes ------------------------------------------------------------------------------

    def add_strength(self, text: str) -> Change:
        """A new strength."""
        path = f"/meetings/{self.meeting_id}/board/items/strength"
        return Change(path, {"text": text}, "strengths")

    def edit_cell(self, action_id: int, name: str, text: str, base_version: int) -> Change:
        """A new text for a cell of the actions table, from the version the screen showed."""
        path = f"/meetings/{self.meeting_id}/board/items/action/{action_id}"
        return Change(path, {"base_version": str(base_version), name: text}, "plan")

    async def send(self, change: Change, acknowledged: list[Change]) -> None:
        """Send a change until the server answers it; a lost answer means: resend on reconnect."""
        self.changes.append(change)
        while True:
            async with self.connected:
                connects_before = self.connects
            change.tries += 1
            try:
                async with self.http.post(
                    self.url + change.path,
                    data=change.data,
                    headers={
                        "HX-Request": "true",
                        "X-CSRFToken": self.csrf,
                        "Idempotency-Key": change.key,
                    },
                ) as answer:
                    body = await answer.text()
                    status = answer.status
                    seq = answer.headers.get("X-Board-Seq", "")
                    item = {
                        "id": answer.headers.get("X-Board-Item"),
                        "section": answer.headers.get("X-Board-Section"),
                        "list": answer.headers.get("X-Board-List") or None,
                        "html": body,
                    }
            except (TimeoutError, aiohttp.ClientError):
                change.failed_at = datetime.now(UTC)
                # js/retries.js: htmx:sendError puts the change in `pending`; sent again on connect.
                await self._next_connect(connects_before)
                continue
            if not 200 <= status < 300:
                raise Unexpected(f"{self.name}: {status} for {change.path} {change.data}: {body}")
            change.acknowledged = True
            acknowledged.append(change)
            seq = int(seq) if seq.isdigit() else None
            self.board.note_seq(seq)
            # answers.js `htmx:beforeSwap`: a push newer than this answer already shows the change.
            if item["id"] and status == 200 and seq is not None:  # the item alone (js/answers.js)
                taken = self.board.take_item(seq, item)
            else:
                taken = self.board.take_section_answer(change.section, seq, body)
            self.stale_answers += not taken
            return

    async def _next_connect(self, connects_before: int) -> None:
        """Wait until the socket has connected again since the change was sent."""
        async with self.connected:
            await self.connected.wait_for(lambda: self.connects > connects_before)

    # -- what the screen shows ----------------------------------------------------------------

    def shown(self) -> dict[str, dict]:
        """The items this screen holds in the watched sections."""
        return board_items({name: self.board.sections.get(name, "") for name in WATCHED})

    async def fresh(self) -> dict[str, dict]:
        """The watched sections as the server renders them for this screen right now."""
        fresh = {}
        for name in WATCHED:
            fresh[name] = await self._text(
                "GET", f"/meetings/{self.meeting_id}/board/sections/{name}"
            )
        return board_items(fresh)
