"""`fttm serve` for real: the eventlet server in its own process, as `make run` starts it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

FTTM = Path(sys.executable).with_name("fttm")


def _free_port() -> int:
    """A loopback port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server_env(tmp_path) -> dict:
    """Environment for a server process with its own migrated SQLite database."""
    env = {
        **os.environ,
        "FTTM_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "FTTM_SECRET_KEY": "serve-test-secret",
        "FTTM_LOG_LEVEL": "WARNING",
    }
    env.pop("FTTM_ASYNC_MODE", None)
    subprocess.run([FTTM, "db", "upgrade"], env=env, check=True, capture_output=True, timeout=60)
    return env


def _get_json(url: str) -> dict:
    """GET a JSON document."""
    with urllib.request.urlopen(url, timeout=2) as response:
        return json.load(response)


def _wait_for_health(port: int) -> dict | None:
    """The server's /healthz answer, once it is up (None after ~10 s)."""
    for _ in range(100):
        try:
            return _get_json(f"http://127.0.0.1:{port}/healthz")
        except OSError:
            time.sleep(0.1)
    return None


def _serve(env: dict) -> tuple[subprocess.Popen, int]:
    """`fttm serve` on a free loopback port, its output captured; and that port."""
    port = _free_port()
    process = subprocess.Popen(
        [FTTM, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, port


def test_serve_answers_health_checks_under_eventlet(server_env):
    """The server `make run` starts comes up, says where to go, and reports a healthy database."""
    process, port = _serve(server_env)
    try:
        health = _wait_for_health(port)
        assert health == {"status": "ok", "database": "ok", "schema": health["schema"]}
        assert health["schema"], "the served database is migrated"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=10)
    assert f"open http://127.0.0.1:{port}/" in output
    assert "Traceback" not in output and "monkey_patch" not in output


def test_listening_socket_has_tcp_nodelay():
    """Acks are not held back ~40 ms by Nagle's algorithm: the listener sets TCP_NODELAY."""
    probe = (
        "import socket; from fttm.cli import listen; s = listen('127.0.0.1', 0); "
        "print(s.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))"
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "1"


def test_serve_runs_the_threading_server_too(server_env):
    """With `FTTM_ASYNC_MODE=threading`, `fttm serve` really serves (Flask's CLI skips app.run)."""
    process, port = _serve({**server_env, "FTTM_ASYNC_MODE": "threading"})
    try:
        health = _wait_for_health(port)
        assert health is not None and health["status"] == "ok"
    finally:
        process.terminate()
        process.communicate(timeout=10)
