"""Wrong join codes counted per address: in one worker's memory, or in the Redis several workers
share; the address as the app sees it behind its trusted proxies; right codes never held up."""

from __future__ import annotations

import pytest
import redis

from fttm import create_app
from fttm.extensions import db, socketio
from fttm.joining import tries
from fttm.joining.tries import MemoryTries, RedisTries
from fttm.meetings.commands import open_meeting
from tests import factories
from tests.helpers import join_by_code, wrong_codes
from tests.integration import servers

LIMIT, WINDOW = 8, 15 * 60


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_counts_wrong_codes_in_a_window_that_starts_with_the_first():
    """Eight wrong codes are answered; the ninth waits for the window's end; then all is new."""
    clock = Clock()
    counter = MemoryTries(LIMIT, WINDOW, clock=clock)

    answers = [counter.wrong("a") for _ in range(LIMIT)]
    clock.now += 60
    refused = counter.wrong("a")

    assert answers == [0] * LIMIT
    assert refused == WINDOW - 60
    assert counter.waiting("a") == WINDOW - 60 and counter.waiting("b") == 0
    clock.now += WINDOW - 60
    assert counter.waiting("a") == 0 and counter.wrong("a") == 0


@pytest.fixture
def opened(facilitator):
    """A meeting open for joining."""
    meeting = factories.make_meeting(facilitator, factories.make_case(facilitator))
    return open_meeting(facilitator, meeting)


def test_a_room_of_phones_behind_one_address_all_get_in(app, opened):
    """Thirty phones on one Wi-Fi join at once, a few after typos: right codes count nothing."""
    phones = [app.test_client() for _ in range(30)]
    for code in wrong_codes(LIMIT - 1):
        assert phones[0].get(f"/join/{code}").status_code == 404

    joined = [join_by_code(phone, opened.join_code, f"P{n}")[0] for n, phone in enumerate(phones)]

    assert [response.status_code for response in joined] == [302] * 30


def test_after_the_wait_the_address_may_try_again(app, opened):
    """Locked out, the phone is told how long; once that is over, its right code works."""
    clock = Clock()
    app.extensions[tries.EXTENSION] = MemoryTries(LIMIT, WINDOW, clock=clock)
    phone = app.test_client()
    for code in wrong_codes(LIMIT + 1):
        phone.get(f"/join/{code}")
    clock.now += WINDOW - 61

    waiting = phone.get(f"/join/{opened.join_code}")
    assert waiting.status_code == 429
    assert "Wait 2 minutes, then try again." in waiting.get_data(as_text=True)
    assert waiting.headers["Retry-After"] == "61"
    clock.now += 61
    assert phone.get(f"/join/{opened.join_code}").status_code == 200


@pytest.fixture
def behind_a_proxy(tmp_path):
    """The app as deployed behind one reverse proxy (FTTM_TRUSTED_PROXIES=1)."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'proxied.sqlite3'}",
            "SECRET_KEY": "test-secret-key",
            "TRUSTED_PROXIES": 1,
        }
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


def _locked_out(app, headers: dict) -> bool:
    """Whether a burst of wrong codes sent with `headers` ends refused."""
    phone = app.test_client()
    answers = [phone.get(f"/join/{c}", headers=headers).status_code for c in wrong_codes(9)]
    return answers[-1] == 429


def test_behind_a_trusted_proxy_each_forwarded_address_counts_apart(behind_a_proxy):
    """Two people behind the site's proxy are two addresses, as the sign-in throttle sees them."""
    assert _locked_out(behind_a_proxy, {"X-Forwarded-For": "203.0.113.5"})
    neighbour = behind_a_proxy.test_client()
    answer = neighbour.get(f"/join/{wrong_codes(1)[0]}", headers={"X-Forwarded-For": "203.0.113.6"})
    assert answer.status_code == 404


def test_without_a_trusted_proxy_a_forged_forwarded_address_changes_nothing(app):
    """A guesser making up X-Forwarded-For headers is still one address."""
    phone = app.test_client()
    answers = [
        phone.get(f"/join/{code}", headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code
        for n, code in enumerate(wrong_codes(9))
    ]

    assert answers[-1] == 429


def test_one_worker_counts_in_its_memory_once(app):
    """Without a message queue, one counter in the worker's memory, made once."""
    assert isinstance(tries.tries(), MemoryTries)
    assert tries.tries() is tries.tries()


@pytest.fixture(scope="module")
def shared_redis_url():
    """A real redis-server, as several workers share."""
    with servers.redis_server() as server:
        yield server.url


@pytest.fixture
def _no_queue_left_behind():
    """Flask-SocketIO keeps the last message queue it was given for every later app: drop it, so
    the tests after this one do not publish to a Redis that is gone."""
    yield
    socketio.server_options.pop("client_manager", None)
    socketio.server_options.pop("message_queue", None)


def _worker(path, url: str):
    """An app, as one of several workers joined by the Redis at `url`, on one database."""
    return create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": f"sqlite:///{path}",
            "SECRET_KEY": "test-secret-key",
            "MESSAGE_QUEUE": url,
        }
    )


@pytest.mark.usefixtures("_no_queue_left_behind")
def test_two_workers_share_one_count_in_redis(tmp_path, shared_redis_url):
    """Guesses spread over two workers are counted together: the ninth is refused on either."""
    redis.Redis.from_url(shared_redis_url).flushdb()
    database = tmp_path / "workers.sqlite3"
    first, second = _worker(database, shared_redis_url), _worker(database, shared_redis_url)
    with first.app_context():
        db.create_all()
        assert isinstance(tries.tries(), RedisTries)
    phones = [first.test_client(), second.test_client()]

    answers = [
        phones[n % 2].get(f"/join/{code}").status_code for n, code in enumerate(wrong_codes(9))
    ]

    assert answers == [404] * 8 + [429]
    assert phones[0].get(f"/join/{wrong_codes(10)[-1]}").status_code == 429
    keys = redis.Redis.from_url(shared_redis_url).keys("fttm:join-tries:*")
    assert len(keys) == 1 and b"127.0.0.1" not in keys[0]  # one address, not written as itself
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()
