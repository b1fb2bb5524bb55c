"""The printed tables of a benchmark run."""

from __future__ import annotations

GENOGRAM_TARGET_MS = 20.0
# (field, label, target for fttm or "", whether a floor ratio is shown)
LIVE_ROWS = (
    ("sockets", "sockets connected", "", False),
    ("edits_per_second", "edits/s achieved", "", False),
    ("deliveries_per_second", "deliveries/s", "", False),
    ("latency_p50_ms", "edit -> other screens p50 (ms)", "", True),
    ("latency_p95_ms", "edit -> other screens p95 (ms)", "<= 100", True),
    ("latency_p99_ms", "edit -> other screens p99 (ms)", "<= 250", True),
    ("latency_max_ms", "edit -> other screens max (ms)", "", True),
    ("ack_p50_ms", "ack p50 (ms)", "", True),
    ("ack_p95_ms", "ack p95 (ms)", "<= 50", True),
    ("deliveries_expected", "deliveries expected", "", False),
    ("deliveries_lost", "deliveries lost", "0", False),
    ("error_rate", "error rate", "", False),
    ("server_kib_per_socket", "server KiB per socket", "", True),
    ("stall_max_ms", "slowest stall, /healthz probe (ms)", "", True),
    ("server_cpu_share", "server CPU (cores)", "", False),
    ("load_cpu_share", "load processes CPU (cores each)", "", False),
    ("load_loop_lag_max_ms", "load loop lag max (ms)", "", False),
)


def _cell(run: dict, field: str, ratio: bool) -> str:
    """One run's value, with its ratio to the floor where there is one."""
    value = run.get(field)
    if isinstance(value, list):
        text = "/".join(str(v) for v in value)
    else:
        text = "-" if value is None else str(value)
    floor = run.get("ratio_to_floor", {}).get(field) if ratio else None
    return f"{text} (x{floor})" if floor is not None else text


def live_table(runs: list[dict]) -> list[str]:
    """Measures down, runs across (bare floor and fttm per async mode)."""
    heads = [f"{run['server']} {run['mode']}" for run in runs]
    width = max(22, *(len(h) + 2 for h in heads))
    lines = [f"{'measure':<38}" + "".join(f"{h:>{width}}" for h in heads) + f"{'target':>10}"]
    for run in runs:
        if run.get("error"):
            lines.append(f"{run['server']} {run['mode']} failed: {run['error'].splitlines()[0]}")
    for field, label, target, ratio in LIVE_ROWS:
        cells = "".join(f"{_cell(run, field, ratio):>{width}}" for run in runs)
        lines.append(f"{label:<38}{cells}{target:>10}")
    return lines


def sweep_table(swept: dict) -> list[str]:
    """Each step of the sweep, and where it broke."""
    lines = [f"sweep ({swept['mode']}): sockets, p95 / p99 ms, lost, error rate, server CPU"]
    for run in swept["runs"]:
        lines.append(
            f"  {run['meetings'] * run['participants']:>6} wanted {run['sockets']:>6} connected"
            f"  p95 {run['latency_p95_ms']}  p99 {run['latency_p99_ms']}"
            f"  lost {run['deliveries_lost']}  errors {run['error_rate']}"
            f"  cpu {run['server_cpu_share']}"
        )
    broke = swept["broke_at_sockets"]
    held = swept["held_sockets"]
    lines.append(
        f"  held up to {held} sockets; "
        + (f"broke at {broke} (p95 > 1 s or > 1% errors/lost)" if broke else "never broke")
    )
    return lines


# (field, label) of the honest screens' figures, calm and with the hostile phone flooding.
HOSTILE_ROWS = (
    ("sockets", "honest sockets connected"),
    ("edits_per_second", "honest edits/s achieved"),
    ("latency_p50_ms", "edit -> other screens p50 (ms)"),
    ("latency_p95_ms", "edit -> other screens p95 (ms)"),
    ("latency_p99_ms", "edit -> other screens p99 (ms)"),
    ("hostile_meeting_latency_p95_ms", "  in the flooded meeting, p95 (ms)"),
    ("hostile_meeting_latency_p99_ms", "  in the flooded meeting, p99 (ms)"),
    ("ack_p95_ms", "ack p95 (ms)"),
    ("deliveries_lost", "deliveries lost"),
    ("error_rate", "error rate"),
    ("stall_max_ms", "slowest stall, /healthz probe (ms)"),
    ("server_cpu_share", "server CPU (cores)"),
)


def hostile_table(hostile: dict) -> list[str]:
    """The honest screens with the extra phone quiet and flooding, then what the flood got."""
    calm, flooded, ratio = hostile["calm"], hostile["flooded"], hostile["ratio"]
    lines = [
        f"hostile phone ({hostile['mode']}): {calm.get('meetings')} meetings x "
        f"{calm.get('participants')} screens + 1 phone flooding "
        + ", ".join(
            f"{k.replace('_per_second', '')} {v}/s" for k, v in hostile["flood_rates"].items()
        ),
        f"{'honest screens':<38}{'calm':>14}{'flooded':>14}{'ratio':>10}",
    ]
    for run in (calm, flooded):
        if run.get("error"):
            lines.append(f"a run failed: {run['error'].splitlines()[0]}")
    for field, label in HOSTILE_ROWS:
        times = ratio.get(field)
        cells = f"{_cell(calm, field, False):>14}{_cell(flooded, field, False):>14}"
        lines.append(f"{label:<38}{cells}{'' if times is None else f'x{times}':>10}")
    for kind, count in (flooded.get("flood") or {}).items():
        lines.append(f"  flood: {kind:<60}{count:>8}")
    return lines


def static_table(results: dict) -> list[str]:
    """Genogram, board render and phone page weight."""
    lines = []
    if g := results.get("genogram"):
        met = "met" if g["met"] else "NOT MET"
        lines += [
            f"{'genogram: people / lines':<46}{g['people']:>6} / {g['lines']}",
            f"{'genogram layout, median (ms)':<46}{g['layout_median_ms']:>10}",
            f"{'genogram layout + SVG render, median (ms)':<46}"
            f"{g['layout_and_render_median_ms']:>10}   <= {GENOGRAM_TARGET_MS}  {met}",
            f"{'genogram layout + SVG render, p95 (ms)':<46}{g['layout_and_render_p95_ms']:>10}",
            f"{'genogram SVG size (bytes)':<46}{g['svg_bytes']:>10}",
        ]
    if b := results.get("board"):
        page = b["phone_page"]
        met = "met" if page["js_css_met"] else "NOT MET"
        lines += [
            f"{'demo board, all sections x 2 audiences (ms)':<46}{b['board_render_median_ms']:>10}"
            f"   (p95 {b['board_render_p95_ms']})",
            f"{'phone first page HTML, gzip (bytes)':<46}{page['html_gzip_bytes']:>10}"
            f"   ({page['html_bytes']} raw)",
            f"{'phone first page CSS + JS, gzip (bytes)':<46}"
            f"{page['css_gzip_bytes'] + page['js_gzip_bytes']:>10}   <= 102400  {met}",
            f"{'phone first page HTML + CSS + JS, gzip (bytes)':<46}{page['total_gzip_bytes']:>10}",
        ]
    return lines + phone_table(results.get("phone"))


def phone_table(phone: dict | None) -> list[str]:
    """The phone board on the emulated network, new and returning, medians of the runs."""
    if not phone:
        return []
    net = phone["network"]
    lines = [
        f"phone board: {net['latency_ms']:.0f} ms, {net['kbit_per_s']:.0f} kbit/s, CPU "
        f"{net['cpu_slowdown']:.0f}x slower, {net['viewport']}, median of {phone['runs']}",
        f"{'':<46}{'new':>12}{'returning':>12}",
    ]
    new, returning = phone["new"], phone["returning"]
    for field, label in (
        ("first_paint_ms", "first contentful paint (ms)"),
        ("interactive_ms", "interactive (ms)"),
        ("connected_ms", "socket connected (ms)"),
        ("bytes", "bytes over the network"),
        ("requests", "requests"),
    ):
        lines.append(
            f"{label:<46}{_or_dash(new.get(field)):>12}{_or_dash(returning.get(field)):>12}"
        )
    verdict = "  ".join(
        f"{visit} < {phone[visit]['target_interactive_ms']} ms "
        f"{'met' if phone[visit]['met'] else 'NOT MET'}"
        for visit in ("new", "returning")
    )
    return [*lines, f"{'interactive target':<46}{verdict}"]


def _or_dash(value) -> str:
    """A figure, or a dash where it was not measured."""
    return "-" if value is None else str(value)


def languages_table(result: dict) -> list[str]:
    """The one-language and bilingual runs side by side, and the p95's growth against 10%."""
    english, bilingual = result["english"], result["bilingual"]
    lines = [f"{'one meeting load, ' + result['mode']:<46}{'English':>12}{'bilingual':>12}"]
    for name, field in (("p50 ms", "latency_p50_ms"), ("p95 ms", "latency_p95_ms")):
        lines.append(
            f"{name:<46}{_or_dash(english.get(field)):>12}{_or_dash(bilingual.get(field)):>12}"
        )
    lines.append(f"{'French phones':<46}{0:>12}{_or_dash(bilingual.get('french_phones')):>12}")
    growth = result["p95_growth_percent"]
    verdict = "met" if result["met"] else "NOT MET"
    lines.append(
        f"{'p95 growth, bilingual over English':<46}{_or_dash(growth)} % "
        f"(<= {result['target_percent']:g} %) {verdict}"
    )
    return lines


def show(results: dict) -> None:
    """Print every table the run has."""
    print("fttm benchmark")
    for line in static_table(results):
        print(line)
    if results.get("live"):
        print()
        for line in live_table(results["live"]):
            print(line)
    if results.get("hostile"):
        print()
        for line in hostile_table(results["hostile"]):
            print(line)
    if results.get("sweep"):
        print()
        for line in sweep_table(results["sweep"]):
            print(line)
    if results.get("languages"):
        print()
        for line in languages_table(results["languages"]):
            print(line)
