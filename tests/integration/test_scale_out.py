"""Two fttm workers on a real Redis and a real PostgreSQL: a phone on one, the projector on the
other, and every change reaches both screens, presence agrees, and the transcript holds together.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import psycopg2
import pytest
import redis
import requests
import socketio

from tests.integration import servers

HX_HEADERS = re.compile(r"hx-headers='(\{[^']*\})'")
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FACILITATOR = "Jordan Ellis"  # the demo's facilitator
WAIT = 10  # seconds to wait for a push that should come at once; a failure, never a measure


@dataclass
class Site:
    """Redis, PostgreSQL, and two workers serving one site from them."""

    redis: servers.Redis
    postgres: servers.Postgres
    a: servers.Worker
    b: servers.Worker
    demo: dict = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    """The demo seeded into PostgreSQL, served by two workers joined by Redis."""
    logs = tmp_path_factory.mktemp("workers")
    with servers.redis_server() as queue, servers.postgres_server() as database:
        servers.migrate(database.url)
        seeded = subprocess.run(
            [servers.FTTM, "demo"],
            env=servers.worker_env(database.url),
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        options = {"message_queue": queue.url, "log_dir": logs}
        with (
            servers.worker(database.url, **options) as a,
            servers.worker(database.url, **options) as b,
        ):
            yield Site(queue, database, a, b, _demo_facts(seeded))


def _demo_facts(printed: str) -> dict:
    """The facilitator's sign-in, the meeting's board path and its join code, from `fttm demo`."""
    login = re.search(r"Sign in as facilitator: (\S+) / password: (\S+)", printed)
    board = re.search(r"Demo meeting board: \S*?(/meetings/(\d+)/board/?)", printed)
    code = re.search(r"Demo meeting join code: (.+)", printed)
    assert login and board and code, printed
    return {
        "email": login.group(1),
        "password": login.group(2),
        "board": board.group(1),
        "meeting": int(board.group(2)),
        "code": re.sub(r"[^0-9A-Za-z]", "", code.group(1)),
    }


def _form_token(page: str) -> str:
    """The CSRF token of a page's form."""
    match = CSRF_FIELD.search(page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def _htmx_token(page: str) -> str:
    """The CSRF token a page hands to htmx."""
    match = HX_HEADERS.search(page)
    assert match, "the page has no hx-headers"
    return json.loads(match.group(1))["X-CSRFToken"]


class Screen:
    """A browser on one worker: its HTTP session and, once opened, its socket."""

    def __init__(self, worker: servers.Worker, meeting_id: int):
        self.worker, self.meeting_id = worker, meeting_id
        self.http = requests.Session()
        self.csrf = ""
        self.updates: list[dict] = []
        self.arrived = threading.Condition()
        self.socket = socketio.Client(reconnection=False)
        self.socket.on("board:update", self._update)

    def get(self, path: str) -> requests.Response:
        """GET a page of this worker."""
        return self.http.get(self.worker.url + path, timeout=WAIT)

    def post(self, path: str, data: dict, **headers) -> requests.Response:
        """POST to this worker, as a form or as htmx (with the page's CSRF header)."""
        headers = {"X-CSRFToken": self.csrf, "HX-Request": "true", **headers}
        return self.http.post(
            self.worker.url + path, data=data, headers=headers, timeout=WAIT, allow_redirects=False
        )

    def open_board(self) -> str:
        """Open the meeting's board page; keep its CSRF token for htmx posts."""
        page = self.get(f"/meetings/{self.meeting_id}/board/")
        assert page.status_code == 200, page.status_code
        self.csrf = _htmx_token(page.text)
        return page.text

    def connect(self) -> None:
        """Open the board's socket over websocket only, with this browser's cookies."""
        cookies = "; ".join(f"{k}={v}" for k, v in self.http.cookies.items())
        self.socket.connect(
            self.worker.url,
            headers={"Cookie": cookies},
            auth={"meeting": self.meeting_id},
            transports=["websocket"],
            wait_timeout=WAIT,
        )

    def _update(self, payload: dict) -> None:
        """A `board:update` push arrived."""
        with self.arrived:
            self.updates.append(payload)
            self.arrived.notify_all()

    def wait_for(self, text: str) -> dict:
        """The first push (so far or to come) whose sections or items contain `text`."""

        def renderings(update: dict) -> list[str]:
            items = [item["html"] for item in update.get("items", [])]
            return [*update.get("sections", {}).values(), *items]

        def found():
            return next(
                (u for u in self.updates if any(text in html for html in renderings(u))), None
            )

        with self.arrived:
            assert self.arrived.wait_for(found, timeout=WAIT), f"no push containing {text!r}"
            return found()


def _staff(site: Site) -> Screen:
    """The facilitator signs in on worker B, opens and starts the meeting, and opens the board."""
    staff = Screen(site.b, site.demo["meeting"])
    token = _form_token(staff.get("/login").text)
    signed_in = staff.post(
        "/login",
        {"csrf_token": token, "email": site.demo["email"], "password": site.demo["password"]},
    )
    assert signed_in.status_code == 302, signed_in.text
    staff.open_board()
    with _database(site) as cursor:
        cursor.execute("SELECT status FROM meetings WHERE id = %s", (staff.meeting_id,))
        status = cursor.fetchone()[0].lower()
    steps = {"scheduled": ("open", "start"), "open": ("start",)}.get(status, ())
    for step in steps:  # the demo's meeting is scheduled; the first test starts it
        answer = staff.post(f"/meetings/{staff.meeting_id}/{step}", {})
        assert answer.status_code in {200, 204, 302}, (step, answer.status_code)
    staff.open_board()
    return staff


def _participant_id(site: Site, name: str) -> int:
    """A participant's id, read from PostgreSQL."""
    with _database(site) as cursor:
        cursor.execute(
            "SELECT id FROM participants WHERE meeting_id = %s AND display_name = %s",
            (site.demo["meeting"], name),
        )
        return cursor.fetchone()[0]


def _database(site: Site):
    """A cursor on the site's PostgreSQL database."""
    connection = psycopg2.connect(site.postgres.url)
    connection.autocommit = True
    return connection.cursor()


def _phone(site: Site, staff: Screen, name: str) -> Screen:
    """A phone joins by code on worker A; the facilitator admits it from worker B."""
    phone = Screen(site.a, site.demo["meeting"])
    join = f"/join/{site.demo['code']}"
    token = _form_token(phone.get(join).text)
    joined = phone.post(
        join, {"csrf_token": token, "display_name": name, "role": "relative", "person_id": ""}
    )
    assert joined.status_code == 302, joined.text
    pid = _participant_id(site, name)
    admitted = staff.post(f"/meetings/{staff.meeting_id}/participants/{pid}/admit", {})
    assert admitted.status_code == 200, admitted.status_code
    phone.open_board()
    return phone


class QueueListener:
    """Everything published on the Socket.IO channel of the Redis queue, read afterwards."""

    def __init__(self, url: str):
        self.pubsub = redis.Redis.from_url(url).pubsub()
        self.pubsub.subscribe("flask-socketio")

    def messages(self) -> list[bytes]:
        """What was published since subscribing (Redis holds it on our connection meanwhile)."""
        got = []
        while (message := self.pubsub.get_message(timeout=0.5)) is not None:
            if message["type"] == "message":
                got.append(message["data"])
        return got

    def stop(self) -> None:
        """Stop listening."""
        self.pubsub.close()


def _participants_section(screen: Screen) -> str:
    """The "who is here" section as this screen's worker renders it."""
    page = screen.http.get(
        f"{screen.worker.url}/meetings/{screen.meeting_id}/board/sections/participants",
        headers={"HX-Request": "true"},
        timeout=WAIT,
    )
    assert page.status_code == 200
    return page.text


def _presence_of(section: str, name: str) -> str:
    """What the "who is here" section says of one person: "online" or "not connected"."""
    item = re.search(
        rf'<span class="name">{re.escape(name)}</span>.*?<span class="presence">([^<]*)</span>',
        section,
        re.S,
    )
    assert item, f"{name} is not in the participants section"
    return item.group(1).strip()


def test_edits_cross_between_workers_and_the_transcript_holds(site):
    """A phone on worker A and the projector on worker B see each other's edits and each other
    online, the queue carries JSON (never pickle), and PostgreSQL's transcript is whole.
    """
    staff = _staff(site)
    phone = _phone(site, staff, "Aunt Lena")
    listener = QueueListener(site.redis.url)
    try:
        staff.connect()
        phone.connect()
        on_b, on_a = _participants_section(staff), _participants_section(phone)
        assert _presence_of(on_b, "Aunt Lena") == "online", "B does not see A's phone online"
        assert _presence_of(on_a, FACILITATOR) == "online", "A does not see B's projector online"
        assert _presence_of(on_a, "Aunt Lena") == _presence_of(on_b, FACILITATOR) == "online"

        board = f"/meetings/{phone.meeting_id}/board"
        added = phone.post(f"{board}/items/strength", {"text": "Lena drives the kids to school"})
        assert added.status_code == 200, added.text
        assert staff.wait_for("Lena drives the kids to school")

        added = staff.post(f"{board}/items/worry", {"text": "Nights at the shelter are loud"})
        assert added.status_code == 200, added.text
        assert phone.wait_for("Nights at the shelter are loud")

        published = listener.messages()
        assert published, "nothing went over the Redis queue"
        for message in published:
            assert json.loads(message)["method"] in {"emit", "disconnect", "callback", "close_room"}
    finally:
        listener.stop()
        phone.socket.disconnect()
        staff.socket.disconnect()

    with _database(site) as cursor:
        cursor.execute(
            "SELECT e.seq, e.kind FROM transcript_events e JOIN meetings m ON m.case_id = e.case_id"
            " WHERE m.id = %s ORDER BY e.seq",
            (site.demo["meeting"],),
        )
        events = cursor.fetchall()
    seqs = [seq for seq, _kind in events]
    assert seqs == list(range(1, len(seqs) + 1)), "the case's sequence has a gap or a repeat"
    kinds = [kind for _seq, kind in events]
    assert kinds.count("strength.added") >= 1 and kinds.count("worry.added") >= 1


def test_presence_follows_a_phone_leaving_on_the_other_worker(site):
    """When the phone on worker A closes its socket, worker B shows it as not connected."""
    staff = _staff(site)
    phone = _phone(site, staff, "Cousin Jo")
    phone.connect()
    try:
        assert _presence_of(_participants_section(staff), "Cousin Jo") == "online"
    finally:
        phone.socket.disconnect()
    staff.connect()
    try:
        # The push that follows the phone's departure reaches the projector on the other worker.
        staff.wait_for("Cousin Jo")
        assert _presence_of(_participants_section(staff), "Cousin Jo") == "not connected"
    finally:
        staff.socket.disconnect()


@pytest.mark.parametrize(
    ("url", "cooperative", "order"),
    [
        ("postgresql://", True, "other greenlet,query"),
        ("postgres://", True, "other greenlet,query"),
        # The control: with no wait callback, the query holds the whole hub (the test can fail).
        ("postgresql://", False, "query,other greenlet"),
    ],
)
def test_psycopg2_waits_for_postgres_without_blocking_the_eventlet_hub(
    site, url, cooperative, order
):
    """Under `fttm serve` (eventlet), a slow query lets other greenlets run meanwhile."""
    database = site.postgres.url.replace("postgresql://", url)
    unpatch = "" if cooperative else "psycopg2.extensions.set_wait_callback(None)"
    script = textwrap.dedent(
        f"""
        import eventlet
        eventlet.monkey_patch()
        import sqlalchemy as sa
        from fttm.database import make_driver_cooperative, normalized_url
        make_driver_cooperative({database!r}, "eventlet")
        import psycopg2.extensions
        {unpatch}
        engine = sa.create_engine(normalized_url({database!r}))
        order = []
        def slow():
            with engine.connect() as connection:
                connection.execute(sa.text("SELECT pg_sleep(0.5)"))
            order.append("query")
        def quick():
            eventlet.sleep(0.05)
            order.append("other greenlet")
        with engine.connect():
            pass  # connect first: the test is about waiting on a query, not on connecting
        pool = eventlet.GreenPool()
        pool.spawn(slow)
        pool.spawn(quick)
        pool.waitall()
        print(",".join(order))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == order
