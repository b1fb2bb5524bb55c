"""The live-meeting benchmark: M meetings x N screens editing at R edits/s on a real server.

Runs fttm (or the bare floor) as a subprocess, drives it from separate load processes
(bench.load), and measures edit → every other screen latency, acknowledgement latency, deliveries,
errors, server memory per socket and the slowest stall of the server's event loop. The stall is
measured from outside: a GET /healthz every 20 ms on its own connection; the slowest answer is the
longest the server kept a ready request waiting.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench.server import BIN, ROOT, Server


@dataclass
class Load:
    """The shape of one run."""

    meetings: int = 20
    participants: int = 50
    rate: float = 2.0
    seconds: float = 30.0
    drain: float = 3.0
    actions: int = 8
    processes: int = 2
    french: bool = False  # every other phone's browser asks for French (bench languages)


def percentile(values: list[float], share: float) -> float | None:
    """The value below which `share` of `values` lie (nearest rank), or None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


class StallProbe(threading.Thread):
    """GET /healthz every 20 ms on one kept-alive connection; remembers every round trip."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port = port
        self.times: list[float] = []
        self.stop = threading.Event()

    def run(self) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                connection.request("GET", "/healthz")
                connection.getresponse().read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                continue
            self.times.append((time.monotonic() - started) * 1000)
            self.stop.wait(0.02)
        connection.close()


def _start_loaders(
    server: Server, load: Load, hostile: dict | None = None
) -> list[subprocess.Popen]:
    """The load processes, each with a share of the meetings (and `hostile`: bench.hostile's
    extra phone, in the first meeting)."""
    meetings = server.seeded.get("meetings") or [
        {"id": number, "code": ""} for number in range(1, load.meetings + 1)
    ]
    if hostile is not None:
        hostile = {**hostile, "meeting": meetings[0]["id"]}
    count = max(1, min(load.processes, len(meetings)))
    loaders = []
    for share in range(count):
        settings = {
            "url": server.url,
            "bare": server.bare,
            "meetings": meetings[share::count],
            "email": server.seeded.get("email", ""),
            "password": server.seeded.get("password", ""),
            "participants": load.participants,
            "rate": load.rate,
            "seconds": load.seconds,
            "drain": load.drain,
            "actions": load.actions,
            "hostile": hostile,
            "french": load.french,
        }
        loader = subprocess.Popen(
            [sys.executable, "-m", "bench.load"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        loader.stdin.write(json.dumps(settings) + "\n")
        loader.stdin.flush()
        loaders.append(loader)
    return loaders


def _step(loaders: list[subprocess.Popen], say: str | None, expect: str) -> list[str]:
    """Tell every loader to go on (if `say`), then wait for each one's answer line."""
    for loader in loaders:
        if say:
            loader.stdin.write(say + "\n")
            loader.stdin.flush()
    answers = []
    for loader in loaders:
        line = loader.stdout.readline().strip()
        if not line.startswith(expect):
            loader.kill()
            raise RuntimeError(f"a load process stopped before {expect!r}: {line!r}")
        answers.append(line)
    return answers


def _profiler(pid: int, seconds: float, path: Path) -> subprocess.Popen:
    """py-spy sampling the server (idle samples too: time blocked in C shows up)."""
    return subprocess.Popen(  # noqa: S603 - py-spy from the bench extra
        [
            *(str(BIN / "py-spy"), "record", "--pid", str(pid), "--idle", "--format", "raw"),
            *("--rate", "200", "--duration", str(int(seconds)), "--output", str(path)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_live(
    mode: str,
    load: Load,
    *,
    bare: bool = False,
    profile: Path | None = None,
    env=None,
    hostile: dict | None = None,
) -> dict:
    """One run: start the server, join and connect everyone, drive the edits, measure.

    With `profile`, py-spy records the server during the edits into that file (collapsed stacks);
    with `hostile`, an extra phone joins the first meeting (see bench.hostile).
    """
    started = time.monotonic()
    with Server(mode, bare=bare, meetings=load.meetings, env=env) as server:
        loaders = _start_loaders(server, load, hostile)
        try:
            _step(loaders, None, "joined")
            time.sleep(1)
            rss_before = server.rss_kib()
            _step(loaders, "connect", "connected")
            time.sleep(2)  # let the arrivals' presence pushes settle
            rss_after = server.rss_kib()
            probe = StallProbe(server.port)
            probe.start()
            spy = profile and _profiler(server.process.pid, load.seconds, profile)
            cpu_before, wall_before = server.cpu_seconds(), time.monotonic()
            answers = _step(loaders, "go", "result ")
            server_cpu = (server.cpu_seconds() - cpu_before) / (time.monotonic() - wall_before)
            probe.stop.set()
            probe.join()
            if spy:
                spy.wait(timeout=60)
        finally:
            for loader in loaders:
                loader.stdin.close()
                loader.wait(timeout=60)
                loader.stdout.close()
        results = [json.loads(answer.removeprefix("result ")) for answer in answers]
        return summarise(
            mode,
            bare,
            load,
            results,
            memory=(rss_before, rss_after),
            probe=probe.times,
            server_cpu=server_cpu,
            setup_seconds=time.monotonic() - started,
        )


def summarise(mode, bare, load, results, *, memory, probe, server_cpu, setup_seconds) -> dict:
    """One run's figures, from every load process's measurements."""
    latencies = [value for r in results for value in r["latencies_ms"]]
    near_hostile = [value for r in results for value in r.get("hostile_meeting_latencies_ms", ())]
    floods = [r["flood"] for r in results if r.get("flood")]
    acks = [value for r in results for value in r["acks_ms"]]
    expected = sum(r["expected"] for r in results)
    received = sum(r["received"] for r in results)
    errors: dict[str, int] = {}
    for r in results:
        for kind, count in r["errors"].items():
            errors[kind] = errors.get(kind, 0) + count
    sockets = sum(r["sockets"] for r in results)
    sent = sum(r["edits_sent"] for r in results)
    seconds = max(r["seconds"] for r in results)
    wanted = load.meetings * load.participants
    error_count = sum(errors.values()) + (wanted - sockets)
    rounded = lambda value: None if value is None else round(value, 1)  # noqa: E731
    return {
        "server": "bare" if bare else "fttm",
        "mode": mode,
        "meetings": load.meetings,
        "participants": load.participants,
        "rate_per_meeting": load.rate,
        "seconds": load.seconds,
        "sockets": sockets,
        "latency_p50_ms": rounded(percentile(latencies, 0.50)),
        "latency_p95_ms": rounded(percentile(latencies, 0.95)),
        "latency_p99_ms": rounded(percentile(latencies, 0.99)),
        "latency_max_ms": rounded(max(latencies, default=None)),
        "ack_p50_ms": rounded(percentile(acks, 0.50)),
        "ack_p95_ms": rounded(percentile(acks, 0.95)),
        "edits_sent": sent,
        "edits_per_second": round(sum(r["edits_ok"] for r in results) / seconds, 2),
        "deliveries_expected": expected,
        "deliveries_received": received,
        "deliveries_lost": expected - received,
        "deliveries_per_second": round(received / seconds, 1),
        "errors": errors,
        "error_rate": round(error_count / max(1, sent + wanted), 4),
        "server_rss_kib_before_sockets": memory[0],
        "server_rss_kib_after_sockets": memory[1],
        "server_kib_per_socket": round((memory[1] - memory[0]) / max(1, sockets), 1),
        "stall_max_ms": rounded(max(probe, default=None)),
        "stall_probe_p50_ms": rounded(percentile(probe, 0.50)),
        "server_cpu_share": round(server_cpu, 2),
        "load_cpu_share": [round(r["cpu_seconds"] / r["seconds"], 2) for r in results],
        "load_loop_lag_max_ms": [round(r["loop_lag_max_ms"], 1) for r in results],
        "wall_seconds": round(setup_seconds, 1),
        "hostile_meeting_latency_p95_ms": rounded(percentile(near_hostile, 0.95)),
        "hostile_meeting_latency_p99_ms": rounded(percentile(near_hostile, 0.99)),
        "flood": floods[0] if floods else None,
        "french_phones": sum(1 for r in results for w in r.get("words", ()) if w["french"]),
        "words": [w for r in results for w in r.get("words", ())],
    }


RATIO_FIELDS = ("latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_max_ms")
RATIO_FIELDS += ("ack_p50_ms", "ack_p95_ms", "server_kib_per_socket", "stall_max_ms")


def with_floor(run: dict, floor: dict) -> dict:
    """Add each figure's ratio to the bare server's under the same load and mode."""
    ratios = {}
    for name in RATIO_FIELDS:
        ours, bare = run.get(name), floor.get(name)
        ratios[name] = round(ours / bare, 2) if ours is not None and bare else None
    return {**run, "ratio_to_floor": ratios}


def sweep(mode: str, base: Load, steps=(5, 10, 20, 30, 40, 60), env=None) -> dict:
    """Raise the number of meetings (x N screens) until p95 passes 1 s or errors pass 1%."""
    runs = []
    limit = None
    for meetings in steps:
        load = Load(**{**base.__dict__, "meetings": meetings})
        run = run_live(mode, load, env=env)
        runs.append(run)
        p95 = run["latency_p95_ms"]
        lost = run["deliveries_lost"] / max(1, run["deliveries_expected"])
        if p95 is None or p95 > 1000 or run["error_rate"] > 0.01 or lost > 0.01:
            limit = meetings * base.participants
            break
    held = [r["meetings"] * r["participants"] for r in runs if limit is None or r is not runs[-1]]
    return {
        "mode": mode,
        "runs": runs,
        "broke_at_sockets": limit,
        "held_sockets": max(held, default=0),
    }


LANGUAGE_TARGET_PERCENT = 10.0


def _mean_run(runs: list[dict]) -> dict:
    """One run's figures from several: numbers averaged, the rest from the first; each run's
    p95 kept too."""
    mean = dict(runs[0])
    for key in runs[0]:
        values = [run.get(key) for run in runs]
        if all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            mean[key] = round(sum(values) / len(values), 1)
    mean["runs_p95_ms"] = [run.get("latency_p95_ms") for run in runs]
    return mean


def languages(mode: str, load: Load, env=None) -> dict:
    """The same load in English and with every other phone in French, in one run, the bilingual
    p95 compared with the one-language p95 (it may not grow by more than 10%).

    The runs go English, bilingual, bilingual, English (ABBA): a machine that drifts during the
    run (a warming cache, another process) weighs on both sides alike. Each side's figures are
    the mean of its two runs.
    """
    order = (False, True, True, False)
    runs = [
        run_live(mode, Load(**{**load.__dict__, "french": french}), env=env) for french in order
    ]
    english = _mean_run([run for run, french in zip(runs, order, strict=True) if not french])
    bilingual = _mean_run([run for run, french in zip(runs, order, strict=True) if french])
    one, two = english.get("latency_p95_ms"), bilingual.get("latency_p95_ms")
    growth = round((two - one) / one * 100, 1) if one and two is not None else None
    return {
        "mode": mode,
        "english": english,
        "bilingual": bilingual,
        "p95_growth_percent": growth,
        "target_percent": LANGUAGE_TARGET_PERCENT,
        "met": growth is not None and growth <= LANGUAGE_TARGET_PERCENT,
    }
