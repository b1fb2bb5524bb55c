"""Run the benchmark: `python -m bench [all|live|sweep|pages|phone|hostile|languages]`
(`make bench` runs `all`; `pages` includes `phone`, a phone opening the board on a poor network;
`languages` runs the same load in English, then with every other phone in French).

    python -m bench live --meetings 20 --participants 50 --rate 2 --seconds 30 \
        --modes eventlet,gevent,threading
    python -m bench sweep --mode eventlet
    python -m bench hostile --meetings 5 --participants 20 --seconds 15 --mode eventlet
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import report
from bench.family import big_family
from bench.hostile import FLOOD, hostile_runs
from bench.live import Load, languages, run_live, sweep, with_floor
from bench.pages import board_pages
from bench.phone import phone_pages
from bench.profile import top
from config import Config
from fttm import create_app
from fttm.family_map.genogram import genogram_svg
from fttm.family_map.layout import lay_out

RESULTS = Path(__file__).parent / "results"
TARGET_MS = 20.0


def _times(work, repeat: int) -> list[float]:
    """Milliseconds per run, after a few warm-up runs."""
    for _warm in range(3):
        work()
    times = []
    for _run in range(repeat):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return times


def genogram(size: int = 60, repeat: int = 200) -> dict:
    """Layout plus SVG rendering of a `size`-person genogram."""
    family = big_family(size)
    app = create_app({"ENV_NAME": "testing", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    with app.test_request_context():
        layout_only = _times(lambda: lay_out(family), repeat)
        whole = _times(lambda: genogram_svg(family, 2026, title="Genogram"), repeat)
        svg_bytes = len(genogram_svg(family, 2026, title="Genogram").encode())
    return {
        "people": len(family.people),
        "lines": len(family.links),
        "layout_median_ms": round(statistics.median(layout_only), 2),
        "layout_and_render_median_ms": round(statistics.median(whole), 2),
        "layout_and_render_p95_ms": round(sorted(whole)[int(0.95 * len(whole))], 2),
        "svg_bytes": svg_bytes,
        "target_median_ms": TARGET_MS,
        "met": statistics.median(whole) <= TARGET_MS,
    }


def _attempt(mode: str, load: Load, **options) -> dict:
    """A run's figures, or why it could not run (the other runs go on)."""
    try:
        return run_live(mode, load, **options)
    except Exception as error:
        server = "bare" if options.get("bare") else "fttm"
        return {"server": server, "mode": mode, "error": str(error)[-500:]}


def live_runs(load: Load, modes: list[str], *, profile: bool = False) -> list[dict]:
    """The load on fttm and on the bare floor, under each async mode, floor ratios added."""
    runs = []
    for mode in modes:
        floor = _attempt(mode, load, bare=True)
        runs.append(floor)
        name = f"fttm-bench-profile-{mode}-{load.meetings}x{load.participants}.txt"
        spy = Path(tempfile.gettempdir()) / name if profile else None
        run = _attempt(mode, load, profile=spy)
        run = with_floor(run, floor)
        if spy and spy.exists():
            run["profile"] = {"collapsed_stacks": str(spy), **top(spy, 40)}
        runs.append(run)
    return runs


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """What to run, and the load's shape."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "what",
        nargs="?",
        default="all",
        choices=("all", "live", "sweep", "pages", "phone", "hostile", "languages"),
    )
    parser.add_argument("--meetings", type=int, default=20)
    parser.add_argument("--participants", type=int, default=50, help="screens per meeting")
    parser.add_argument("--rate", type=float, default=2.0, help="edits per second per meeting")
    parser.add_argument("--seconds", type=float, default=20.0, help="how long the edits run")
    parser.add_argument("--processes", type=int, default=2, help="load-generating processes")
    parser.add_argument("--modes", default="eventlet,gevent,threading")
    parser.add_argument("--mode", default="eventlet", help="the async mode of sweep and hostile")
    parser.add_argument("--sweep-seconds", type=float, default=15.0)
    parser.add_argument("--profile", action="store_true", help="py-spy the fttm server runs")
    parser.add_argument(
        "--language-meetings", type=int, default=10, help="meetings of the languages runs"
    )
    parser.add_argument("--language-seconds", type=float, default=20.0)
    parser.add_argument("--phone-runs", type=int, default=5, help="phones, each new then returning")
    parser.add_argument(
        "--flood-rate",
        type=float,
        default=FLOOD["syncs_per_second"],
        help="catch-ups, and 'is editing' messages, the hostile phone sends per second (each)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> dict:
    args = arguments(argv)
    load = Load(args.meetings, args.participants, args.rate, args.seconds, processes=args.processes)
    RESULTS.mkdir(exist_ok=True)
    results: dict = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "worker_connections": Config.WORKER_CONNECTIONS,
    }
    if args.what in ("all", "pages"):
        results["genogram"] = genogram()
        results["board"] = board_pages()
    if args.what in ("all", "pages", "phone"):
        results["phone"] = phone_pages(runs=args.phone_runs)
    if args.what in ("all", "live"):
        modes = [m for m in args.modes.split(",") if m]
        results["live"] = live_runs(load, modes, profile=args.profile)
    if args.what in ("all", "hostile"):
        rate = args.flood_rate
        flood = {"syncs_per_second": rate, "editing_per_second": rate}
        results["hostile"] = hostile_runs(args.mode, load, flood=flood)
    if args.what in ("all", "sweep"):
        swept = Load(**{**load.__dict__, "seconds": args.sweep_seconds})
        results["sweep"] = sweep(args.mode, swept)
    if args.what in ("all", "languages"):
        bilingual = Load(
            **{
                **load.__dict__,
                "meetings": args.language_meetings,
                "seconds": args.language_seconds,
            }
        )
        results["languages"] = languages(args.mode, bilingual)
    report.show(results)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{args.what}-{results['when'].replace(':', '')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"Wrote {path}")
    return results


if __name__ == "__main__":
    main()
