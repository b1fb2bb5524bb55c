"""The demo family's board: full render time (all sections, both audiences) and what a phone
downloads to open it (HTML + CSS + JS, gzip-compressed).
"""

from __future__ import annotations

import gzip
import re
import statistics
import tempfile
import time
from pathlib import Path

ASSET = re.compile(r'<(?:script[^>]*\ssrc|link[^>]*\shref)="(/static/[^"]+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
JS_CSS_TARGET_KIB = 100


def _demo_meeting(app):
    """Seed the demo on a fresh database and make its upcoming meeting live (bench.seed)."""
    from bench.seed import demo_meeting
    from fttm.extensions import db

    db.create_all()
    return demo_meeting()


def _render_times(meeting, repeat: int) -> list[float]:
    """Milliseconds to render every section for staff and for the family, as pushes do."""
    from fttm.core.registry import SECTIONS
    from fttm.core.viewers import AUDIENCES
    from fttm.extensions import db
    from fttm.live.sections import render_sections

    times = []
    for run in range(repeat + 3):
        db.session.expire_all()  # each push reads the board afresh
        started = time.perf_counter()
        for audience in AUDIENCES:
            render_sections(meeting, ("status", *SECTIONS), audience)
        if run >= 3:  # the first runs warm Jinja's template cache
            times.append((time.perf_counter() - started) * 1000)
    return times


def _phone_page(app, meeting) -> dict:
    """A family phone joins the demo meeting and opens the board: bytes it downloads."""
    client = app.test_client()
    join = client.get(f"/join/{meeting.join_code}").get_data(as_text=True)
    form = {
        "csrf_token": CSRF.search(join).group(1),
        "display_name": "Ana",
        "role": "parent",
        "person_id": "",
    }
    if client.post(f"/join/{meeting.join_code}", data=form).status_code != 302:
        raise RuntimeError("the demo phone could not join")
    page = client.get(f"/meetings/{meeting.id}/board/")
    html = page.get_data()
    sizes = {"html": [len(html), len(gzip.compress(html))], "css": [0, 0], "js": [0, 0]}
    for path in sorted(set(ASSET.findall(html.decode()))):
        body = client.get(path).get_data()
        kind = "css" if path.endswith(".css") else "js" if path.endswith(".js") else None
        if kind:
            sizes[kind][0] += len(body)
            sizes[kind][1] += len(gzip.compress(body))
    gz_assets = sizes["css"][1] + sizes["js"][1]
    return {
        "status": page.status_code,
        "html_bytes": sizes["html"][0],
        "html_gzip_bytes": sizes["html"][1],
        "css_bytes": sizes["css"][0],
        "css_gzip_bytes": sizes["css"][1],
        "js_bytes": sizes["js"][0],
        "js_gzip_bytes": sizes["js"][1],
        "total_gzip_bytes": sizes["html"][1] + gz_assets,
        "js_css_gzip_target_bytes": JS_CSS_TARGET_KIB * 1024,
        "js_css_met": gz_assets <= JS_CSS_TARGET_KIB * 1024,
    }


def board_pages(repeat: int = 30) -> dict:
    """Render time of the demo board (both audiences) and a phone's first page weight."""
    from fttm import create_app

    with tempfile.TemporaryDirectory(prefix="fttm-bench-") as folder:
        database = Path(folder) / "demo.db"
        app = create_app(
            {
                "ENV_NAME": "testing",
                "TESTING": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            }
        )
        with app.app_context():
            meeting = _demo_meeting(app)
            with app.test_request_context():
                times = _render_times(meeting, repeat)
            weight = _phone_page(app, meeting)
            from fttm.extensions import db

            db.session.remove()
            db.engine.dispose()
    return {
        "board_render_median_ms": round(statistics.median(times), 1),
        "board_render_p95_ms": round(sorted(times)[int(0.95 * len(times))], 1),
        "phone_page": weight,
    }
