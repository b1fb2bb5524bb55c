"""Real servers for integration tests: Redis, PostgreSQL and fttm workers, each its own process.

The whole API:

- `redis_server()` — context manager; a `redis-server` on a free loopback port, with a password,
  nothing saved to disk. Yields a `Redis` with `.url` (``redis://:password@127.0.0.1:port/0``).
- `postgres_server()` — context manager; a fresh PostgreSQL cluster (`initdb`) in a temporary
  directory, on a free loopback port, with its Unix socket in that directory and a database
  ``fttm``. Run as an unprivileged user when we are root (PostgreSQL refuses root). Yields a
  `Postgres` with `.url` (``postgresql://fttm@127.0.0.1:port/fttm``).
- `migrate(database_url)` — `fttm db upgrade` on that database, once, before starting workers.
- `start_worker(database_url, ...)` — an `fttm serve` process (eventlet, the production server)
  that answers `/healthz`; returns a `Worker` with `.url`, `.port`, `.process`, `.log_text()`,
  `.stop()` (SIGTERM) and `.kill()` (SIGKILL, no clean-up). `worker(...)` is the same as a
  context manager that stops it afterwards. Start again on the same `port=` to "restart".
- `need(program)` — the path of a server program; skips the test with the command that installs
  it when it is missing, except under CI (`CI` set), where a missing server fails the test:
  `make test` installs them, so missing there is a bug, not a reason to skip.

Every process started here is stopped by its context manager, even when the test fails.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FTTM = Path(sys.executable).with_name("fttm")
APT_PACKAGES = {"redis-server": "redis-server", "postgres": "postgresql", "initdb": "postgresql"}
START_TIMEOUT = 30.0
# Loopback only; fsync off because these tests kill fttm, never PostgreSQL, and it saves seconds.
SETTINGS = ("-c", "listen_addresses=127.0.0.1", "-c", "fsync=off")


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def need(program: str) -> str:
    """The path of a server program: skip (or fail, under CI) with how to install it if missing."""
    found = shutil.which(program)
    if found is None and program in {"postgres", "initdb", "pg_ctl"}:
        # Debian keeps PostgreSQL's server programs off the PATH, one folder per major version.
        versions = sorted(
            glob.glob(f"/usr/lib/postgresql/*/bin/{program}"),
            key=lambda path: int(Path(path).parts[-3]),
        )
        found = versions[-1] if versions else None
    if found is None:
        reason = (
            f"{program} is not installed: `make test` installs it as root, or run "
            f"`sudo apt-get install -y {APT_PACKAGES.get(program, program)}`"
        )
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _wait_for_port(port: int, process: subprocess.Popen, what: str, log: Path) -> None:
    """Wait until something accepts connections on a loopback port, or fail with its log."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{_tail(log)}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not listen on port {port} in {START_TIMEOUT} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 40) -> str:
    """The end of a log file, for a failure message."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen, sig: int = signal.SIGTERM, timeout: float = 15) -> None:
    """Stop a process we started: a signal, then SIGKILL if it does not go in time."""
    if process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout)


@dataclass
class Redis:
    """A running redis-server."""

    url: str
    port: int
    password: str


@contextlib.contextmanager
def redis_server() -> Iterator[Redis]:
    """A redis-server on a free loopback port with a password; stopped afterwards."""
    program = need("redis-server")
    port, password = free_port(), secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="fttm-redis-") as folder:
        log = Path(folder) / "redis.log"
        # The password goes in through stdin (a config file), never on the command line.
        config = "\n".join(
            [
                "bind 127.0.0.1",
                f"port {port}",
                f"requirepass {password}",
                f"dir {folder}",
                'save ""',
                "appendonly no",
                f"logfile {log}",
                "daemonize no",
            ]
        )
        process = subprocess.Popen(
            [program, "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
        )
        process.stdin.write(config + "\n")
        process.stdin.close()
        try:
            _wait_for_port(port, process, "redis-server", log)
            yield Redis(url=f"redis://:{password}@127.0.0.1:{port}/0", port=port, password=password)
        finally:
            _stop(process)


@dataclass
class Postgres:
    """A running PostgreSQL cluster with a database `fttm` owned by the user `fttm`."""

    url: str
    port: int
    folder: Path


def _unprivileged_user() -> pwd.struct_passwd | None:
    """Who runs PostgreSQL when we are root (it refuses root); None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
    raise RuntimeError("running as root with neither a `postgres` nor a `nobody` user")


def _run_as(user: pwd.struct_passwd | None) -> dict:
    """Popen arguments that run a program as `user` (nothing when we are that user already)."""
    if user is None:
        return {}
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


@contextlib.contextmanager
def postgres_server() -> Iterator[Postgres]:
    """A fresh PostgreSQL cluster in a temporary folder, on a free loopback port; removed after."""
    initdb, postgres = need("initdb"), need("postgres")
    user = _unprivileged_user()
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fttm-postgres-") as folder:
        root = Path(folder)
        if user is not None:
            os.chown(root, user.pw_uid, user.pw_gid)
        data, log = root / "data", root / "postgres.log"
        subprocess.run(
            [initdb, "-D", data, "-U", "fttm", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
            cwd=root,
            **_run_as(user),
        )
        with open(log, "wb") as log_file:
            process = subprocess.Popen(
                [postgres, "-D", data, "-p", str(port), "-k", root, *SETTINGS],
                stdout=log_file,
                stderr=subprocess.STDOUT,
                cwd=root,
                **_run_as(user),
            )
        try:
            _wait_for_port(port, process, "postgres", log)
            _create_database(port, process, log)
            yield Postgres(url=f"postgresql://fttm@127.0.0.1:{port}/fttm", port=port, folder=root)
        finally:
            # SIGINT is PostgreSQL's "fast shutdown": end sessions, then stop.
            _stop(process, signal.SIGINT)


def _create_database(port: int, process: subprocess.Popen, log: Path) -> None:
    """Create the `fttm` database once the server accepts connections (it may still be starting)."""
    import psycopg2

    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            connection = psycopg2.connect(
                host="127.0.0.1", port=port, user="fttm", dbname="postgres", connect_timeout=2
            )
            break
        except psycopg2.OperationalError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"postgres did not accept connections:\n{_tail(log)}") from None
            time.sleep(0.1)
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE fttm OWNER fttm")
    finally:
        connection.close()


def worker_env(
    database_url: str,
    message_queue: str | None = None,
    secret_key: str = "integration-test-secret",  # noqa: S107 - a throwaway test server
    extra: dict | None = None,
) -> dict:
    """The environment of an fttm process: this one's, without its FTTM_* settings, plus ours."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FTTM_")}
    env.update(
        FTTM_ENV="development",
        FTTM_DATABASE_URL=database_url,
        FTTM_SECRET_KEY=secret_key,
        FTTM_LOG_LEVEL="WARNING",
    )
    if message_queue:
        env["FTTM_MESSAGE_QUEUE"] = message_queue
    env.update(extra or {})
    return env


def migrate(database_url: str, **settings) -> None:
    """Bring a database's schema up to date with `fttm db upgrade`."""
    done = subprocess.run(
        [FTTM, "db", "upgrade"],
        env=worker_env(database_url, **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode:
        raise RuntimeError(f"fttm db upgrade failed:\n{done.stdout}\n{done.stderr}")


@dataclass
class Worker:
    """An `fttm serve` process."""

    port: int
    process: subprocess.Popen
    log: Path
    url: str = field(init=False)

    def __post_init__(self):
        self.url = f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        """Everything the worker printed so far."""
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        """Stop it the polite way (SIGTERM)."""
        _stop(self.process)

    def kill(self) -> None:
        """Kill it at once (SIGKILL): no clean-up, as in a crash or an out-of-memory kill."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(15)


def start_worker(
    database_url: str,
    *,
    message_queue: str | None = None,
    port: int | None = None,
    log_dir: Path | None = None,
    **settings,
) -> Worker:
    """Start `fttm serve` on a loopback port and wait until `/healthz` says ok."""
    port = port or free_port()
    log_dir = Path(log_dir or tempfile.mkdtemp(prefix="fttm-worker-"))
    log = log_dir / f"worker-{port}.log"
    with open(log, "ab") as log_file:
        process = subprocess.Popen(
            [FTTM, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=worker_env(database_url, message_queue, **settings),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    worker = Worker(port=port, process=process, log=log)
    try:
        _wait_healthy(worker)
    except BaseException:
        worker.kill()
        raise
    return worker


def _wait_healthy(worker: Worker) -> None:
    """Wait for the worker's `/healthz` to answer 200."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if worker.process.poll() is not None:
            raise RuntimeError(f"fttm worker exited:\n{_tail(worker.log)}")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(f"{worker.url}/healthz", timeout=1) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"fttm worker was not healthy in {START_TIMEOUT} s:\n{_tail(worker.log)}")


@contextlib.contextmanager
def worker(database_url: str, **options) -> Iterator[Worker]:
    """`start_worker` as a context manager: the worker is stopped afterwards."""
    started = start_worker(database_url, **options)
    try:
        yield started
    finally:
        started.stop()
