"""A phone opening the board on a poor network: Chromium, driven through its DevTools protocol.

The real server (`fttm serve`, the demo's families, the Riveras' meeting live) and a phone that has
joined it (its cookies, got by joining over HTTP), on a 390x844 screen with its CPU slowed 4x and
a network of 400 ms latency and 400 kbit/s each way. Measured twice per run:

- new: the phone's first board page, with an empty cache;
- returning: the same phone reloading it, its cache warm.

What is measured, from the navigation's start:

- first paint: the browser's first contentful paint;
- interactive: the board's scripts have all run and its listeners are in: main.js marks
  `fttm-interactive` at the end of its DOMContentLoaded handler, after connect() was called (so
  forms, buttons and the Sections menu work from then on, before the socket is up);
- connected: the socket is connected (the status line says so), so pushes arrive;
- bytes: what came over the network (the sum of Network.loadingFinished's encodedDataLength:
  headers and compressed bodies), and how many requests, both counted once interactive, loaded
  and connected.
"""

from __future__ import annotations

import http.cookiejar
import re
import statistics
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from playwright.sync_api import sync_playwright

from bench.server import Server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TARGETS_MS = {"new": 3000, "returning": 1500}
INTERACTIVE = "fttm-interactive"
CONNECTED = "bench-connected"
# Runs in the page before its own scripts (DevTools, not subject to the page's CSP): marks the
# moment the status line first says "connected".
WATCH_CONNECTION = """
new MutationObserver(() => {
  const box = document.getElementById("connection");
  if (box && box.dataset.state === "connected"
      && !performance.getEntriesByName("bench-connected").length) {
    performance.mark("bench-connected");
  }
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["data-state"] });
"""
TIMINGS = """() => {
  const at = (name) => {
    const entry = performance.getEntriesByName(name)[0];
    return entry ? entry.startTime : null;
  };
  const navigation = performance.getEntriesByType("navigation")[0];
  return {
    first_paint_ms: at("first-contentful-paint"),
    dom_content_loaded_ms: navigation.domContentLoadedEventStart,
    interactive_ms: at("fttm-interactive"),
    connected_ms: at("bench-connected"),
  };
}"""


@dataclass(frozen=True)
class Network:
    """The emulated network and phone."""

    latency_ms: float = 400
    kbit_per_s: float = 400
    cpu_slowdown: float = 4
    width: int = 390
    height: int = 844

    def conditions(self) -> dict:
        """Network.emulateNetworkConditions' parameters (throughput in bytes per second)."""
        rate = self.kbit_per_s * 1000 / 8
        return {
            "offline": False,
            "latency": self.latency_ms,
            "downloadThroughput": rate,
            "uploadThroughput": rate,
        }


POOR = Network()


def join(url: str, code: str, name: str = "Ana") -> tuple[str, list[dict]]:
    """Join the meeting as a family phone over HTTP: the board's path and the phone's cookies."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{url}/join/{code}") as answer:
        token = CSRF.search(answer.read().decode()).group(1)
    form = {"csrf_token": token, "display_name": name, "role": "parent", "person_id": ""}
    data = urllib.parse.urlencode(form).encode()
    with opener.open(f"{url}/join/{code}", data=data) as answer:  # follows the redirect
        board = urllib.parse.urlparse(answer.url).path
    if "/board" not in board:
        raise RuntimeError(f"the phone could not join: it landed on {board}")
    cookies = [{"name": c.name, "value": c.value, "url": url} for c in jar]
    return board, cookies


class Traffic:
    """Every request the page makes, from DevTools' Network events."""

    def __init__(self, cdp) -> None:
        self.started: dict[str, dict] = {}
        self.finished: dict[str, int] = {}
        cdp.on("Network.requestWillBeSent", self._sent)
        cdp.on("Network.loadingFinished", self._finished)

    def _sent(self, event: dict) -> None:
        if not event["request"]["url"].startswith("data:"):
            path = urllib.parse.urlparse(event["request"]["url"]).path
            self.started[event["requestId"]] = {"path": path, "at": event["timestamp"]}

    def _finished(self, event: dict) -> None:
        if event["requestId"] in self.started:
            self.finished[event["requestId"]] = int(event["encodedDataLength"])
            self.started[event["requestId"]]["done"] = event["timestamp"]

    def reset(self) -> None:
        """Forget what was counted (before a reload)."""
        self.started.clear()
        self.finished.clear()

    def figures(self) -> dict:
        """Bytes over the network and requests, with each request's path, bytes and timing."""
        first = min((r["at"] for r in self.started.values()), default=0.0)
        detail = [
            {
                "path": r["path"],
                "bytes": self.finished.get(rid),
                "start_ms": round((r["at"] - first) * 1000),
                "end_ms": round((r["done"] - first) * 1000) if "done" in r else None,
            }
            for rid, r in self.started.items()
        ]
        return {
            "bytes": sum(self.finished.values()),
            "requests": len(self.started),
            "detail": sorted(detail, key=lambda r: r["start_ms"]),
        }


def _wait_for_mark(page, name: str, seconds: float) -> bool:
    """Whether the page made the performance mark `name` within `seconds` (asked from outside:
    Playwright's wait_for_function evaluates strings in the page, which the page's CSP refuses)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if page.evaluate(f"performance.getEntriesByName({name!r}).length > 0"):
            return True
        page.wait_for_timeout(100)
    return False


def _load(page, traffic: Traffic, go) -> dict:
    """Open (or reload) the board; its timings once interactive, loaded and connected (a socket
    that never connects is reported as None)."""
    go()
    if not _wait_for_mark(page, INTERACTIVE, 120):
        raise RuntimeError("the board never became interactive")
    _wait_for_mark(page, CONNECTED, 60)
    timings = page.evaluate(TIMINGS)
    figures = {k: round(v) if v is not None else None for k, v in timings.items()}
    return {**figures, **traffic.figures()}


def phone_run(browser, url: str, board: str, cookies: list[dict], network: Network) -> dict:
    """One phone: the board with an empty cache, then reloaded with its cache warm."""
    context = browser.new_context(
        viewport={"width": network.width, "height": network.height},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    try:
        context.add_cookies(cookies)
        page = context.new_page()
        page.add_init_script(WATCH_CONNECTION)
        cdp = context.new_cdp_session(page)
        traffic = Traffic(cdp)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", network.conditions())
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": network.cpu_slowdown})
        new = _load(page, traffic, lambda: page.goto(f"{url}{board}", wait_until="load"))
        traffic.reset()
        returning = _load(page, traffic, lambda: page.reload(wait_until="load"))
        return {"new": new, "returning": returning}
    finally:
        context.close()


def _median(runs: list[dict], field: str) -> float | None:
    """The median of a figure over the runs that have it."""
    values = [run[field] for run in runs if run.get(field) is not None]
    return round(statistics.median(values)) if values else None


def summary(runs: list[dict]) -> dict:
    """Each figure's median over the runs, against the targets."""
    result: dict = {}
    for visit in ("new", "returning"):
        visits = [run[visit] for run in runs]
        fields = ("first_paint_ms", "dom_content_loaded_ms", "interactive_ms", "connected_ms")
        medians = {field: _median(visits, field) for field in (*fields, "bytes", "requests")}
        interactive = medians["interactive_ms"]
        result[visit] = {
            **medians,
            "target_interactive_ms": TARGETS_MS[visit],
            "met": interactive is not None and interactive < TARGETS_MS[visit],
            # The slowest run's requests, to see where the time went.
            "requests_detail": max(visits, key=lambda v: v["interactive_ms"] or 0)["detail"],
        }
    return result


def phone_pages(
    runs: int = 3, network: Network = POOR, *, demo: bool = True, mode: str = "eventlet"
) -> dict:
    """A joined phone opening the demo board on the emulated network, new then returning."""
    with Server(mode, demo=demo, meetings=0 if demo else 1) as server:
        meeting = server.seeded["meetings"][0]
        board, cookies = join(server.url, meeting["code"])
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                done = [
                    phone_run(browser, server.url, board, cookies, network) for _ in range(runs)
                ]
            finally:
                browser.close()
    return {
        "network": {
            "latency_ms": network.latency_ms,
            "kbit_per_s": network.kbit_per_s,
            "cpu_slowdown": network.cpu_slowdown,
            "viewport": f"{network.width}x{network.height}",
        },
        "runs": runs,
        **summary(done),
    }
