"""The "hostile phone" scenario: the live scenario twice on the same load, once with one extra
phone sitting quietly in the first meeting, once with that phone flooding the server: catch-ups
from the very start (`board:sync {since: 0}`) and "is editing" messages sent without waiting for
answers, and quick-add posts. The honest screens' figures of the two runs, side by side, show
what one phone can do to everyone else.

`HostilePhone` runs inside a load process (bench.load); `hostile_runs` is the orchestrator's.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter

# Messages per second the hostile phone sends, of each kind.
FLOOD = {"syncs_per_second": 50.0, "editing_per_second": 50.0, "adds_per_second": 10.0}


class HostilePhone:
    """One admitted phone flooding its meeting, counting how the server answered."""

    def __init__(self, load, meeting, screen, rates: dict, cell: str) -> None:
        self.load, self.meeting, self.screen, self.rates, self.cell = (
            load,
            meeting,
            screen,
            rates,
            cell,
        )
        self.answers: Counter = Counter()  # "<kind> <how answered>" -> count
        self.pending: set[asyncio.Task] = set()
        self.stopped = False

    async def run(self, seconds: float) -> None:
        """Send each kind at its rate for `seconds`, never waiting for an answer."""
        kinds = [(self.rates["syncs_per_second"], self._sync)]
        if self.cell:
            kinds.append((self.rates["editing_per_second"], self._editing))
        kinds.append((self.rates["adds_per_second"], self._add))
        await asyncio.gather(*(self._every(rate, send, seconds) for rate, send in kinds if rate))

    async def _every(self, rate: float, send, seconds: float) -> None:
        """Call `send(n)` `rate` times a second (each in its own task) until time is up."""
        start = time.monotonic()
        for number in range(round(seconds * rate)):
            if self.stopped:
                return
            delay = start + number / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            task = asyncio.create_task(send(number))
            self.pending.add(task)
            task.add_done_callback(self.pending.discard)

    def _counted(self, kind: str):
        """An acknowledgement handler that counts how `kind` was answered."""

        def answered(answer=None) -> None:
            if isinstance(answer, dict) and answer.get("ok"):
                self.answers[f"{kind} answered"] += 1
            elif isinstance(answer, dict) and "retry_after" in answer:
                self.answers[f"{kind} refused: {answer.get('error')}"] += 1
            else:
                self.answers[f"{kind} refused otherwise"] += 1

        return answered

    async def _sync(self, _number: int) -> None:
        """Ask for the whole board, as if it had seen nothing."""
        self.answers["sync sent"] += 1
        await self.screen.sio.emit("board:sync", {"since": 0}, callback=self._counted("sync"))

    async def _editing(self, number: int) -> None:
        """Say it starts or stops editing a cell of the plan."""
        self.answers["editing sent"] += 1
        data = {"cell": self.cell, "editing": number % 2 == 0}
        await self.screen.sio.emit("board:editing", data, callback=self._counted("editing"))

    async def _add(self, number: int) -> None:
        """Add a strength (no measured token in it: nobody waits for it)."""
        self.answers["add sent"] += 1
        path = f"/meetings/{self.meeting.id}/board/items/strength"
        try:
            status, _body = await self.load.post(
                self.screen, path, {"text": f"Flood {number}", "person_id": ""}
            )
        except (TimeoutError, OSError):
            status = "failed"
        self.answers[f"add HTTP {status}"] += 1

    def stop(self) -> None:
        """Stop sending; posts still unanswered are abandoned."""
        self.stopped = True
        for task in list(self.pending):
            task.cancel()

    def figures(self) -> dict:
        """How many of each kind were sent and how each was answered."""
        return dict(sorted(self.answers.items()))


# Figures of the honest screens compared between the calm and the flooded run.
COMPARED = (
    "latency_p50_ms",
    "latency_p95_ms",
    "latency_p99_ms",
    "hostile_meeting_latency_p95_ms",
    "hostile_meeting_latency_p99_ms",
    "ack_p95_ms",
    "stall_max_ms",
    "server_cpu_share",
)


def hostile_runs(mode: str, load, *, flood: dict | None = None) -> dict:
    """The same load twice: the extra phone quiet, then flooding; the honest screens' figures."""
    from bench.live import run_live

    rates = {**FLOOD, **(flood or {})}
    calm = run_live(mode, load, hostile={**rates, "flood": False})
    flooded = run_live(mode, load, hostile={**rates, "flood": True})
    ratios = {}
    for name in COMPARED:
        before, after = calm.get(name), flooded.get(name)
        ratios[name] = round(after / before, 2) if before and after is not None else None
    return {"mode": mode, "flood_rates": rates, "calm": calm, "flooded": flooded, "ratio": ratios}
