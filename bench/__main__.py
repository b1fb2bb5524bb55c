"""Run the benchmark: `python -m bench` (or `make bench`)."""

from __future__ import annotations

import json
import platform
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.family import big_family
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


def main() -> None:
    results = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "genogram": genogram(),
    }
    g = results["genogram"]
    print("fttm benchmark")
    print(f"{'measure':<44}{'value':>12}{'target':>12}")
    print(f"{'genogram: people / lines':<44}{g['people']:>6} / {g['lines']:<4}")
    print(f"{'genogram layout, median (ms)':<44}{g['layout_median_ms']:>12}")
    print(
        f"{'genogram layout + SVG render, median (ms)':<44}"
        f"{g['layout_and_render_median_ms']:>12}{'<= ' + str(TARGET_MS):>12}"
        f"  {'met' if g['met'] else 'NOT MET'}"
    )
    print(f"{'genogram layout + SVG render, p95 (ms)':<44}{g['layout_and_render_p95_ms']:>12}")
    print(f"{'genogram SVG size (bytes)':<44}{g['svg_bytes']:>12}")
    print("The live-meeting load benchmark (sockets, latency, scale-out) arrives with issue 6.")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{results['when'].replace(':', '')}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"Wrote {path}")


if __name__ == "__main__":
    main()
