"""The load generator: one process driving some meetings' phones, on asyncio with aiohttp.

Started by bench.live as `python -m bench.load`; it reads its settings as one JSON line on stdin,
then follows the orchestrator through three steps (each a line on stdin, answered on stdout):
everyone joins over HTTP ("joined"), every screen opens its socket ("connected"), then the edits
run and the process prints one line `result {...}` with what it measured.

Each edit writes a unique token (`bk<meeting>x<n>q`) into the board; a screen "received" the edit
when the token first appears in a `board:update` it was sent, so pushes are matched by content.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import resource
import sys
import time
from dataclasses import dataclass, field

import aiohttp
import socketio
from yarl import URL

from bench.hostile import HostilePhone

TOKEN = re.compile(r"bk\d+x\d+q")
FORM_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PAGE_CSRF = re.compile(r"\"X-CSRFToken\": \"([^\"]+)\"")
ACTION_ID = re.compile(r'<tr id="action-(\d+)"')
WORDS = (">Supprimer<", ">Delete<")  # the delete button's label, in French and in English
FRENCH = "fr-CA,fr;q=0.9"
ROLES = ("parent", "relative", "friend", "young_person")


@dataclass
class Screen:
    """One browser in a meeting: its HTTP session (cookies), CSRF token and socket."""

    index: int
    http: aiohttp.ClientSession
    csrf: str = ""
    sio: socketio.AsyncClient | None = None
    seen: dict[str, float] = field(default_factory=dict)
    strength: tuple[int, int] | None = None  # (id, version) of this phone's own strength
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    hostile: bool = False  # the flooding phone: it sends no measured edits and is not measured
    french: bool = False  # a phone whose browser asks for French (bench languages)
    words: dict[str, int] = field(default_factory=dict)  # "Supprimer"/"Delete": times received

    def on_update(self, data) -> None:
        """A board:update arrived: note when each edit's token was first seen."""
        now = time.monotonic()
        data = data or {}
        renderings = [*data.get("sections", {}).values()]
        renderings += [item["html"] for item in data.get("items", [])]  # an edit's item alone
        for html in renderings:
            for token in TOKEN.findall(html):
                self.seen.setdefault(token, now)
            for word in WORDS:
                if word in html:
                    self.words[word] = self.words.get(word, 0) + 1


@dataclass
class Edit:
    """One edit sent: when, by whom, and how the server answered."""

    token: str
    sender: int
    sent: float
    acked: float = 0.0
    status: int = 0


@dataclass
class Meeting:
    """A meeting's screens, its actions' ids and cell versions, and the edits made in it."""

    id: int
    code: str
    screens: list[Screen] = field(default_factory=list)
    actions: list[list[int]] = field(default_factory=list)  # [id, version of "what"]
    action_locks: list[asyncio.Lock] = field(default_factory=list)
    edits: list[Edit] = field(default_factory=list)


class Load:
    """Everything one load process does."""

    def __init__(self, settings: dict):
        self.s = settings
        self.url = settings["url"]
        self.bare = settings["bare"]
        self.meetings = [Meeting(m["id"], m["code"]) for m in settings["meetings"]]
        self.errors: dict[str, int] = {}
        self.connector: aiohttp.TCPConnector | None = None
        # {"meeting": id, "flood": bool, rates...}: an extra phone in that meeting, which floods
        # the server when "flood" is set and sits quietly otherwise (the run to compare with).
        self.hostile = settings.get("hostile")
        self.flood: HostilePhone | None = None

    def error(self, kind: str) -> None:
        """Count one error of a kind."""
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def session(self, french: bool = False) -> aiohttp.ClientSession:
        """A browser's own cookie jar over the shared connection pool (asking for French, or
        English)."""
        return aiohttp.ClientSession(
            self.url,
            headers={"Accept-Language": FRENCH if french else "en"},
            connector=self.connector,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # loopback is an IP address
        )

    async def join_all(self) -> None:
        """The facilitator signs in and opens each board; the phones join by code."""
        self.connector = aiohttp.TCPConnector(limit=0)
        gate = asyncio.Semaphore(20)
        jobs = []
        for meeting in self.meetings:
            for index in range(self.s["participants"]):
                # bench languages: every other phone in French (the facilitator stays English)
                french = self.s.get("french", False) and index % 2 == 1
                screen = Screen(index, self.session(french), french=french)
                meeting.screens.append(screen)
                jobs.append(self._join(gate, meeting, screen))
            if self.hostile and self.hostile["meeting"] == meeting.id and not self.bare:
                screen = Screen(self.s["participants"], self.session(), hostile=True)
                meeting.screens.append(screen)
                jobs.append(self._join(gate, meeting, screen))
        await asyncio.gather(*jobs)
        if not self.bare:
            await asyncio.gather(*(self._seed_actions(m) for m in self.meetings))

    async def _join(self, gate: asyncio.Semaphore, meeting: Meeting, screen: Screen) -> None:
        """One screen arrives: index 0 is the facilitator, the others are phones."""
        if self.bare:
            return
        async with gate:
            if screen.index == 0:
                await self._sign_in(meeting, screen)
                return
            async with screen.http.get(f"/join/{meeting.code}") as answer:
                token = FORM_CSRF.search(await answer.text()).group(1)
            form = {
                "csrf_token": token,
                "display_name": f"Phone {screen.index}",
                "role": ROLES[screen.index % len(ROLES)],
                "person_id": "",
            }
            async with screen.http.post(
                f"/join/{meeting.code}", data=form, allow_redirects=False
            ) as answer:
                if answer.status != 302:
                    raise RuntimeError(f"joining answered {answer.status}")
            screen.csrf = token

    async def _sign_in(self, meeting: Meeting, screen: Screen) -> None:
        """The facilitator signs in and opens the board (which makes them a participant)."""
        async with screen.http.get("/login") as answer:
            token = FORM_CSRF.search(await answer.text()).group(1)
        form = {"csrf_token": token, "email": self.s["email"], "password": self.s["password"]}
        async with screen.http.post("/login", data=form, allow_redirects=False) as answer:
            if answer.status != 302:
                raise RuntimeError(f"signing in answered {answer.status}")
        async with screen.http.get(f"/meetings/{meeting.id}/board/") as answer:
            screen.csrf = PAGE_CSRF.search(await answer.text()).group(1)

    async def _seed_actions(self, meeting: Meeting) -> None:
        """The facilitator adds the actions whose cells the phones will edit."""
        staff = meeting.screens[0]
        for number in range(self.s["actions"]):
            await self.post(
                staff,
                f"/meetings/{meeting.id}/board/items/action",
                {"what": f"Seeded action {number}", "who": "", "where_how": "", "due_on": ""},
            )
        async with staff.http.get(f"/meetings/{meeting.id}/board/sections/plan") as answer:
            ids = [int(found) for found in ACTION_ID.findall(await answer.text())]
        meeting.actions = [[item_id, 0] for item_id in ids]
        meeting.action_locks = [asyncio.Lock() for _ in ids]

    async def post(self, screen: Screen, path: str, data: dict) -> tuple[int, str]:
        """An htmx POST as the board page sends it."""
        headers = {"X-CSRFToken": screen.csrf, "HX-Request": "true"}
        headers["Idempotency-Key"] = f"bench{time.monotonic_ns()}x{screen.index}"
        async with screen.http.post(path, data=data, headers=headers) as answer:
            return answer.status, await answer.text()

    async def connect_all(self) -> None:
        """Every screen opens its socket over websocket, with its browser's cookies."""
        gate = asyncio.Semaphore(50)
        await asyncio.gather(
            *(self._connect(gate, m, screen) for m in self.meetings for screen in m.screens)
        )

    async def _connect(self, gate: asyncio.Semaphore, meeting: Meeting, screen: Screen) -> None:
        """Open one screen's socket."""
        cookies = screen.http.cookie_jar.filter_cookies(URL(self.url))
        header = "; ".join(f"{name}={morsel.value}" for name, morsel in cookies.items())
        sio = socketio.AsyncClient(reconnection=False)
        sio.on("board:update", screen.on_update)
        sio.on("disconnect", lambda *_: self.error("socket dropped") if self.running else None)
        async with gate:
            try:
                await sio.connect(
                    self.url,
                    transports=["websocket"],
                    auth={"meeting": meeting.id},
                    headers={
                        **({"Cookie": header} if header else {}),
                        "Accept-Language": FRENCH if screen.french else "en",
                    },
                    wait_timeout=30,
                )
            except Exception:
                self.error("socket refused")
                return
        screen.sio = sio

    running = False

    async def drive(self) -> dict:
        """Make the edits at a steady rate in every meeting, wait for the pushes, then measure."""
        self.running = True
        lag = asyncio.create_task(self._loop_lag())
        usage = resource.getrusage(resource.RUSAGE_SELF)
        started = time.monotonic()
        tasks: list[asyncio.Task] = []
        if self.hostile and self.hostile["flood"]:
            tasks.append(asyncio.create_task(self._flood()))
        await asyncio.gather(
            *(self._meeting_edits(m, position, tasks) for position, m in enumerate(self.meetings))
        )
        await asyncio.gather(*tasks)
        if self.flood is not None:
            self.flood.stop()
        sending = time.monotonic() - started
        done = resource.getrusage(resource.RUSAGE_SELF)
        cpu = done.ru_utime + done.ru_stime - usage.ru_utime - usage.ru_stime
        await asyncio.sleep(self.s["drain"])
        self.running = False
        lag.cancel()
        return {
            **self._measure(),
            "flood": self.flood.figures() if self.flood else None,
            "seconds": sending,
            "cpu_seconds": cpu,
            "loop_lag_max_ms": self.lag_max * 1000,
        }

    async def _meeting_edits(self, meeting: Meeting, position: int, tasks: list) -> None:
        """R edits a second, spread over the meeting's phones, each in its own task."""
        rate = self.s["rate"]
        interval = 1 / rate
        # Meetings start staggered so the server sees a steady stream, not bursts.
        start = time.monotonic() + interval * position / max(1, len(self.meetings))
        senders = meeting.screens if self.bare else meeting.screens[1:]
        senders = [screen for screen in senders if not screen.hostile]
        for number in range(round(self.s["seconds"] * rate)):
            delay = start + number * interval - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            sender = senders[number % len(senders)]
            tasks.append(asyncio.create_task(self._edit(meeting, sender, number)))

    async def _edit(self, meeting: Meeting, screen: Screen, number: int) -> None:
        """One edit: a bare row, a phone's own strength (added, then edited), or an action cell."""
        token = f"bk{meeting.id}x{number}q"
        base = f"/meetings/{meeting.id}/board/items"
        try:
            if self.bare:
                await self._send(meeting, screen, token, f"/m/{meeting.id}/edit", {"text": token})
            elif number % 2 == 0:
                async with screen.lock:
                    await self._strength(meeting, screen, token, base)
            else:
                slot = (number // 2) % len(meeting.actions)
                async with meeting.action_locks[slot]:
                    item_id, version = meeting.actions[slot]
                    data = {"what": f"Call the school {token}", "base_version": str(version)}
                    status, _ = await self._send(
                        meeting, screen, token, f"{base}/action/{item_id}", data
                    )
                    if status == 200:
                        meeting.actions[slot][1] = version + 1
        except (TimeoutError, aiohttp.ClientError):
            self.error("request failed")

    async def _strength(self, meeting: Meeting, screen: Screen, token: str, base: str) -> None:
        """A phone adds its strength the first time, and rewrites it after that."""
        text = f"Grandma picks the children up from school {token}"
        if screen.strength is None:
            status, body = await self._send(
                meeting, screen, token, f"{base}/strength", {"text": text, "person_id": ""}
            )
            at = body.find(token)
            found = re.search(r'id="strength-(\d+)"', body[body.rfind("<li", 0, at) : at])
            if status == 200 and found:
                screen.strength = (int(found.group(1)), 1)
            return
        item_id, version = screen.strength
        status, _ = await self._send(
            meeting,
            screen,
            token,
            f"{base}/strength/{item_id}",
            {"text": text, "base_version": str(version)},
        )
        if status == 200:
            screen.strength = (item_id, version + 1)

    async def _send(self, meeting: Meeting, screen: Screen, token: str, path: str, data: dict):
        """POST one edit and record when it was sent and acknowledged."""
        edit = Edit(token, screen.index, time.monotonic())
        meeting.edits.append(edit)
        edit.status, body = await self.post(screen, path, data)
        edit.acked = time.monotonic()
        if edit.status != 200:
            self.error(f"HTTP {edit.status}")
        return edit.status, body

    async def _loop_lag(self) -> None:
        """How late this process's own event loop wakes up: is the load generator saturated?"""
        self.lag_max = 0.0
        while True:
            before = time.monotonic()
            await asyncio.sleep(0.05)
            self.lag_max = max(self.lag_max, time.monotonic() - before - 0.05)

    lag_max = 0.0

    async def _flood(self) -> None:
        """The hostile phone floods its meeting for as long as the others edit."""
        for meeting in self.meetings:
            for screen in meeting.screens:
                if screen.hostile and screen.sio is not None:
                    cell = f"action-{meeting.actions[0][0]}-what" if meeting.actions else ""
                    self.flood = HostilePhone(self, meeting, screen, self.hostile, cell)
                    await self.flood.run(self.s["seconds"])

    def _measure(self) -> dict:
        """Latencies of every (edit, other honest screen) pair, acks, and what never arrived; the
        hostile phone's meeting's latencies also apart."""
        latencies, acks, expected, received, sent, ok = [], [], 0, 0, 0, 0
        near_hostile = []  # the latencies of the hostile phone's own meeting
        for meeting in self.meetings:
            shared = any(screen.hostile for screen in meeting.screens)
            for edit in meeting.edits:
                sent += 1
                if edit.status != 200:
                    continue
                ok += 1
                acks.append((edit.acked - edit.sent) * 1000)
                for screen in meeting.screens:
                    if screen.index == edit.sender or screen.hostile:
                        continue
                    expected += 1
                    if (seen := screen.seen.get(edit.token)) is not None:
                        received += 1
                        latencies.append((seen - edit.sent) * 1000)
                        if shared:
                            near_hostile.append(latencies[-1])
        return {
            "latencies_ms": latencies,
            "hostile_meeting_latencies_ms": near_hostile,
            "acks_ms": acks,
            "expected": expected,
            "received": received,
            "edits_sent": sent,
            "edits_ok": ok,
            "sockets": sum(1 for m in self.meetings for s in m.screens if s.sio and not s.hostile),
            "errors": self.errors,
            "words": [
                {"french": s.french, **s.words}
                for m in self.meetings
                for s in m.screens
                if s.sio and not s.hostile
            ],
        }

    async def close(self) -> None:
        """Close every socket and session."""
        for meeting in self.meetings:
            for screen in meeting.screens:
                if screen.sio is not None and screen.sio.connected:
                    await screen.sio.disconnect()
                await screen.http.close()
        if self.connector is not None:
            await self.connector.close()


async def _step(name: str) -> None:
    """Wait for the orchestrator's go-ahead line for a step."""
    line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
    if line.strip() != name:
        raise SystemExit(f"expected {name!r}, got {line!r}")


def _say(text: str) -> None:
    """Tell the orchestrator something (one line)."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


async def run(settings: dict) -> None:
    """Join, connect, drive, report, each step when the orchestrator says so."""
    load = Load(settings)
    try:
        await load.join_all()
        _say("joined")
        await _step("connect")
        await load.connect_all()
        _say("connected")
        await _step("go")
        result = await load.drive()
        _say("result " + json.dumps(result))
    finally:
        await load.close()


def main() -> None:
    # Closing a thousand sockets at the end makes the Engine.IO client log one line each.
    logging.getLogger("engineio.client").setLevel(logging.CRITICAL)
    asyncio.run(run(json.loads(sys.stdin.readline())))


if __name__ == "__main__":
    main()
