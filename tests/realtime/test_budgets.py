"""The socket budgets themselves: sliding windows that say how long to wait, in one worker's
memory or, for a person whose sockets are spread over several workers, in their shared Redis.
"""

from __future__ import annotations

import pytest
import redis

from fttm import create_app
from fttm.live.budgets import (
    BUDGETS,
    MemoryWindows,
    RedisWindows,
    SocketBudgets,
    budgets_of,
)
from tests.integration import servers


def test_a_window_refuses_past_its_limit_and_says_when_it_frees_up():
    """Three events fit in a 10 s window of three; the fourth waits until the first is 10 s old."""
    windows = MemoryWindows(window=10.0)

    waits = [windows.take("phone", 3, now=100.0 + n) for n in range(4)]

    assert waits[:3] == [0.0, 0.0, 0.0]
    assert waits[3] == pytest.approx(7.0)  # the first (at 100) leaves the window at 110; now 103
    assert windows.take("phone", 3, now=110.5) == 0.0
    assert windows.take("other phone", 3, now=103.0) == 0.0


def test_a_refused_event_says_whole_seconds_and_does_not_count():
    """Refusals are rounded up to whole seconds (at least one); being refused uses no budget."""
    budgets = SocketBudgets(MemoryWindows())
    allowed = BUDGETS["board:sync"].per_socket

    waits = [budgets.wait("board:sync", "sid-1", "participant:1") for _ in range(allowed + 5)]

    assert waits[:allowed] == [0] * allowed
    assert all(isinstance(wait, int) and 1 <= wait <= 10 for wait in waits[allowed:])
    # Another socket of the same person still has room: the refusals above were not counted.
    assert budgets.wait("board:sync", "sid-2", "participant:1") == 0


def test_a_closed_socket_is_forgotten():
    """A socket's counts go when it closes (a worker holds thousands over a day)."""
    budgets = SocketBudgets(MemoryWindows())
    budgets.wait("board:editing", "sid-1", None)
    budgets.wait("connect", "sid-1", None)

    budgets.socket_closed("sid-1")

    assert budgets.sockets._recent == {}


def test_unknown_event_names_share_one_budget():
    """Inventing new event names does not give a socket a new budget for each."""
    budgets = SocketBudgets(MemoryWindows())
    allowed = BUDGETS["unknown"].per_socket

    waits = [budgets.wait(f"made-up-{n}", "sid-1", None) for n in range(allowed + 1)]

    assert waits[-1] > 0 and len(budgets.sockets._recent) == 1


def test_one_worker_counts_people_in_memory(app):
    """Without a message queue, a person's count lives in the worker's memory."""
    assert isinstance(budgets_of(app).people, MemoryWindows)
    assert budgets_of(app) is budgets_of(app)


@pytest.fixture(scope="module")
def shared_redis_url():
    """A real redis-server, as several workers share."""
    with servers.redis_server() as server:
        yield server.url


def test_a_person_spread_over_two_workers_has_one_budget(shared_redis_url):
    """Maria's tabs land on two workers: together they get one person's budget, not two."""
    client = redis.Redis.from_url(shared_redis_url)
    client.flushdb()
    worker_a = SocketBudgets(RedisWindows(client))
    worker_b = SocketBudgets(RedisWindows(redis.Redis.from_url(shared_redis_url)))
    budget = BUDGETS["board:sync"]

    waits = []
    for n in range(budget.per_person):
        worker = worker_a if n % 2 else worker_b
        waits.append(worker.wait("board:sync", f"sid-{n % budget.per_socket}", "participant:7"))
    refused = worker_a.wait("board:sync", "a-fresh-socket", "participant:7")

    assert waits == [0] * budget.per_person
    assert 1 <= refused <= 10
    assert worker_b.wait("board:sync", "sid-x", "participant:8") == 0  # someone else
    assert client.exists("fttm:socket-rate:board:sync@participant:7")
    assert not client.exists("fttm:rate:7")  # the HTTP change budget is untouched


def test_workers_joined_by_redis_count_people_there(tmp_path, shared_redis_url):
    """With a Redis message queue, the app counts people in that Redis."""
    app = create_app(
        {
            "ENV_NAME": "testing",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}",
            "SECRET_KEY": "test-secret-key",
            "MESSAGE_QUEUE": shared_redis_url,
        }
    )
    with app.app_context():
        assert isinstance(budgets_of(app).people, RedisWindows)
