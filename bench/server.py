"""The server under test, as a subprocess on a loopback port with its own temporary database.

`python -m bench.server --mode gevent --port P` is `fttm serve` with gevent's monkey-patching done
first (fttm's own entry point patches for eventlet only).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    """The resident memory of a process, from /proc (KiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Server:
    """fttm (or the bare floor) served in a subprocess; `with Server(...) as server:`."""

    def __init__(
        self,
        mode: str,
        *,
        bare: bool = False,
        meetings: int = 0,
        demo: bool = False,
        env: dict | None = None,
    ):
        self.mode = mode
        self.bare = bare
        self.meetings = meetings
        self.demo = demo  # the demo's families (bench.seed --demo) instead of empty meetings
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.folder = tempfile.TemporaryDirectory(prefix="fttm-bench-")
        self.db_path = Path(self.folder.name) / "bench.db"
        self.log = Path(self.folder.name) / "server.log"
        self.env = {
            **os.environ,
            "FTTM_ENV": "development",
            "FTTM_DATABASE_URL": f"sqlite:///{self.db_path}",
            "FTTM_SECRET_KEY": "bench-" + os.urandom(16).hex(),
            "FTTM_LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.seeded: dict = {}
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        if not self.bare:
            self.seeded = self._setup()
        self.log_file = self.log.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - our own programs
            self._command(),
            cwd=ROOT,
            env={**self.env, "FTTM_ASYNC_MODE": self.mode},
            stdout=subprocess.DEVNULL,
            stderr=self.log_file,
        )
        self._wait_ready()
        return self

    def __exit__(self, *_exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.log_file.close()
        self.folder.cleanup()

    def _run(self, *command: str) -> str:
        """Run a setup step with the server's settings; its stdout."""
        done = subprocess.run(  # noqa: S603 - our own programs
            command,
            cwd=ROOT,
            env={**self.env, "FTTM_ASYNC_MODE": "threading"},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def _setup(self) -> dict:
        """Migrate the database and seed the meetings through the app's own commands."""
        self._run(str(BIN / "fttm"), "db", "upgrade")
        what = ["--demo"] if self.demo else ["--meetings", str(self.meetings)]
        out = self._run(sys.executable, "-m", "bench.seed", *what)
        return json.loads(out.strip().splitlines()[-1])

    def _command(self) -> list[str]:
        """How to start this server."""
        port = str(self.port)
        if self.bare:
            db = str(self.db_path)
            return [
                sys.executable,
                "-m",
                "bench.bare_server",
                "--mode",
                self.mode,
                "--port",
                port,
                "--db",
                db,
            ]
        return [sys.executable, "-m", "bench.server", "--mode", self.mode, "--port", port]

    def _wait_ready(self, timeout: float = 30.0) -> None:
        """Wait until /healthz answers (or fail with the server's own words)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()[-3000:]}")

    def rss_kib(self) -> int:
        """The server's resident memory now (KiB)."""
        return rss_kib(self.process.pid)

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far."""
        return cpu_seconds(self.process.pid)

    def log_tail(self, chars: int = 2000) -> str:
        """The end of what the server wrote to stderr."""
        return self.log.read_text(errors="replace")[-chars:]


def serve() -> None:
    """`fttm serve` under the asked async mode (gevent patched first)."""
    mode = sys.argv[sys.argv.index("--mode") + 1]
    port = sys.argv[sys.argv.index("--port") + 1]
    os.environ["FTTM_ASYNC_MODE"] = mode
    if mode == "gevent":
        from gevent import monkey

        monkey.patch_all()
    from fttm.entry import main

    sys.argv = ["fttm", "serve", "--port", port]
    main()


if __name__ == "__main__":
    serve()
