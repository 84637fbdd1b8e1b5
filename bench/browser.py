"""The browser benchmark (issue 11): is a phone and a projector fluid with 1,500 notes?

    python -m bench.browser                       # 300 x 5 notes, 15 columns, 10 moves/s, 10 s
    python -m bench.browser --participants 20 --notes-each 3 --columns 4 --seconds 3

It starts a real server subprocess (as ``python -m bench`` does, join and command limits
lifted), builds a board over the wire (HTTP create and join, WebSocket commands from
``bench.load.BenchClient``): every participant writes ``--notes-each`` notes, the board
goes to ``affinity``, the facilitator makes ``--columns`` columns and sorts all but
``--unsorted`` of the notes into them. Then, in headless Debian Chromium:

phone      a participant's ``/board/{id}#token=...`` at 390x844, mobile, touch, CPU
           throttled ``--throttle`` times through CDP. First render, then, while other
           participants (over the wire, from this process) move notes between columns at
           ``--rate`` a second for ``--seconds``: frame intervals (a requestAnimationFrame
           loop), total blocking time (``longtask`` entries, sum of duration - 50 ms), DOM
           nodes, scroll height, and how long a move takes from its send to the phone's DOM.
projector  ``/project/{id}#token=...`` at 1920x1080 (``--projector-throttle``, default 1,
           i.e. a laptop's full speed): first render, DOM nodes and scroll height in
           ``affinity``, then in ``rank`` and ``close`` after the bench advances the board
           (unsorted notes to the parking lot, columns named, a few rankings submitted).

The bench finds the board on a page by two attributes the client puts on it:
``data-zone="<column id>"`` on each column and ``data-note="<note id>"`` on each note card
(``data-tile="<column id>"`` on the projector's tiles).
A client that renames them breaks the bench, not the other way round.

The report (a table, and ``--json``) marks each of the issue's targets met or missed; the
numbers depend on the machine and its load (the load average is in the report).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from .load import BenchClient, cid, raise_nofile
from .run import Target, advance, agent, new_board

CHROMIUM = os.environ.get("GAMESTORM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}
PROJECTOR = {"width": 1920, "height": 1080}

# Installed before any page script: long tasks are recorded from the very start.
INIT_JS = """
(() => {
  const b = (window.__bench = { longtasks: [] });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longtasks.push([e.startTime, e.duration]);
    }).observe({ type: "longtask", buffered: true });
  } catch (error) {
    b.longtaskError = String(error);
  }
})();
"""

# The board is shown: every column is on the page (its zone on the phone and console,
# its tile on the projector), every column that holds notes shows at least one of them
# (a page may show only the first few of a column), and at least `cards` note cards are
# there (`ready`, the DOM); then the next animation frame has begun (`painted`: the frame
# with the board went through style, layout and paint before it).
READY_JS = """
({ columns, filled, cards }) => {
  const b = window.__bench;
  if (b.painted !== undefined) return { ready: b.ready, painted: b.painted };
  if (b.ready !== undefined) return false;
  for (const c of columns) {
    const el =
      document.querySelector(`[data-zone="${c}"]`) || document.querySelector(`[data-tile="${c}"]`);
    if (!el) return false;
    const zone = el.dataset.zone !== undefined;
    if (zone && filled.includes(c) && !el.querySelector("[data-note]")) return false;
  }
  if (document.querySelectorAll("[data-note]").length < cards) return false;
  b.ready = performance.now();
  requestAnimationFrame(() => {
    b.painted = performance.now();
  });
  return false;
}
"""

# The measured window: a rAF loop, and a MutationObserver that notes when each expected
# move ([note id, column id], in send order) is in the DOM (the card inside that zone).
START_JS = """
(moves) => {
  const b = window.__bench;
  b.frames = [];
  b.running = true;
  b.start = performance.now();
  const loop = (t) => {
    if (!b.running) return;
    b.frames.push(t);
    requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
  b.unseen = new Map();
  moves.forEach(([note, column], i) => {
    if (!b.unseen.has(note)) b.unseen.set(note, []);
    b.unseen.get(note).push({ i, column });
  });
  b.seen = [];
  const check = () => {
    if (!b.unseen.size) return;
    const now = performance.timeOrigin + performance.now();
    for (const el of document.querySelectorAll("[data-note]")) {
      const queue = b.unseen.get(el.dataset.note);
      if (!queue) continue;
      const zone = el.closest("[data-zone]");
      if (!zone || zone.dataset.zone !== queue[0].column) continue;
      b.seen.push([queue[0].i, now]);
      queue.shift();
      if (!queue.length) b.unseen.delete(el.dataset.note);
    }
  };
  b.observer = new MutationObserver(check);
  b.observer.observe(document.body, { childList: true, subtree: true });
}
"""

STOP_JS = """
() => {
  const b = window.__bench;
  b.running = false;
  if (b.observer) b.observer.disconnect();
  return {
    start: b.start ?? 0,
    end: performance.now(),
    frames: b.frames ?? [],
    longtasks: b.longtasks,
    longtaskError: b.longtaskError ?? null,
    seen: b.seen ?? [],
  };
}
"""

SHAPE_JS = """
() => ({
  nodes: document.getElementsByTagName("*").length,
  scrollHeight: Math.max(
    document.documentElement.scrollHeight,
    document.body ? document.body.scrollHeight : 0,
  ),
  innerHeight: window.innerHeight,
  cards: document.querySelectorAll("[data-note]").length,
})
"""


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


def frame_stats(frames: list[float], start: float, end: float) -> dict[str, Any]:
    """Intervals between frames in [start, end], counting the edges: the wait from the
    window's start to the first frame and from the last frame to its end (a frozen page
    shows as one long interval, not as no interval at all)."""
    edges = [start, *frames, end]
    gaps = [max(0.0, b - a) for a, b in zip(edges, edges[1:], strict=False)]
    return {
        "frames": len(frames),
        "intervals": len(gaps),
        "p50_ms": pct(gaps, 0.50),
        "p95_ms": pct(gaps, 0.95),
        "max_ms": round(max(gaps), 1),
        "mean_ms": round(statistics.fmean(gaps), 1),
    }


def blocking(longtasks: list[list[float]], start: float, end: float) -> dict[str, Any]:
    """Total blocking time in [start, end]: each long task's part past 50 ms, clipped to it."""
    total = 0.0
    count = 0
    longest = 0.0
    for t0, duration in longtasks:
        if t0 + duration <= start or t0 >= end:
            continue
        count += 1
        longest = max(longest, duration)
        total += max(0.0, min(t0 + duration, end) - max(t0 + 50.0, start))
    return {
        "blocking_ms": round(total, 1),
        "long_tasks": count,
        "longest_task_ms": round(longest, 1),
    }


# -- the board, over the wire ----------------------------------------------------------------


class Board:
    """The board on the server and where the bench put each note (None: unsorted)."""

    def __init__(self, info: dict[str, Any], notes: list[str], columns: list[str]) -> None:
        self.info = info
        self.notes = notes
        self.columns = columns
        self.place: dict[str, str | None] = dict.fromkeys(notes)

    @property
    def id(self) -> str:
        return str(self.info["board_id"])


async def pipelined(client: BenchClient, frames: list[dict[str, Any]], window: int = 64) -> None:
    """Send many commands on one socket, ``window`` in flight; each must be acked."""
    gate = asyncio.Semaphore(window)

    async def one(frame: dict[str, Any]) -> None:
        async with gate:
            await client.ok(frame)

    await asyncio.gather(*(one(f) for f in frames))


async def build_board(target: Target, a: argparse.Namespace, rng: random.Random) -> Board:
    # The projector's ranking view is measured with complete orders of every column
    # (ranking subsets, on by default above 7 candidates, have their own tests).
    info = await new_board(target, a.participants, {"subsets_from": 500})
    fac = await agent(target, info["path"], info["facilitator_token"])
    try:
        await advance(fac, "ignite")
        notes: list[str] = []
        gate = asyncio.Semaphore(16)

        async def write(p: int, token: str) -> None:
            ids = [f"n{p}-{k}" for k in range(a.notes_each)]
            notes.extend(ids)
            async with gate:
                client = await agent(target, info["path"], token)
                try:
                    await pipelined(client, [
                        {"type": "note.create", "cid": cid(), "note_id": n,
                         "text": f"Idea {k + 1} of participant {p + 1}: {rng.choice(WORDS)}"}
                        for k, n in enumerate(ids)
                    ])  # fmt: skip
                finally:
                    client.close()

        await asyncio.gather(*(write(p, t) for p, t in enumerate(info["tokens"])))
        await advance(fac, "generate")
        columns = [f"col-{i}" for i in range(a.columns)]
        await pipelined(
            fac, [{"type": "column.create", "cid": cid(), "column_id": c} for c in columns]
        )
        board = Board(info, sorted(notes), columns)
        order = list(board.notes)
        rng.shuffle(order)
        placed = order[: round(len(order) * (1 - a.unsorted))]
        frames = []
        for i, note in enumerate(placed):
            column = columns[i % len(columns)]
            board.place[note] = column
            frames.append({"type": "note.move", "cid": cid(), "note_id": note, "column_id": column})
        await pipelined(fac, frames)
    finally:
        fac.close()
    return board


WORDS = ["a shared backlog", "shorter meetings", "pair on reviews", "a quiet room",
         "fewer handovers", "clearer goals", "ask the customer", "test earlier"]  # fmt: skip


def move_schedule(board: Board, count: int, rng: random.Random) -> list[tuple[str, str]]:
    """Moves between columns; a note moves again only after many others (so each shows)."""
    sorted_notes = [n for n in board.notes if board.place[n] is not None]
    if not sorted_notes or len(board.columns) < 2:
        return []
    recent: list[str] = []
    gap = min(50, len(sorted_notes) - 1)
    out: list[tuple[str, str]] = []
    for _ in range(count):
        while True:
            note = rng.choice(sorted_notes)
            if note not in recent:
                break
        current = board.place[note]
        column = rng.choice([c for c in board.columns if c != current])
        board.place[note] = column
        out.append((note, column))
        recent.append(note)
        if len(recent) > gap:
            recent.pop(0)
    return out


async def drive(
    movers: list[BenchClient], schedule: list[tuple[str, str]], rate: float
) -> dict[str, Any]:
    """Open loop: move k is sent at k / rate s, from the movers in turn."""
    send_ms: list[float] = [0.0] * len(schedule)
    acked = 0
    errors: dict[str, int] = {}
    ack_ms: list[float] = []
    done = asyncio.Event()
    pending = len(schedule)
    if not pending:
        done.set()

    def replied(k: int) -> Any:
        def on_reply(reply: dict[str, Any], now_ns: int) -> None:
            nonlocal acked, pending
            pending -= 1
            if reply.get("type") == "ack":
                acked += 1
                ack_ms.append(now_ns / 1e6 - send_ms[k])
            else:
                code = str(reply.get("code"))
                errors[code] = errors.get(code, 0) + 1
            if pending == 0:
                done.set()

        return on_reply

    t0 = time.monotonic()
    for k, (note, column) in enumerate(schedule):
        delay = t0 + k / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        send_ms[k] = time.time_ns() / 1e6
        # to the top of its new column, where a page that shows a column's first few
        # notes shows it too
        frame = {
            "type": "note.move", "cid": cid(), "note_id": note, "column_id": column, "index": 0,
        }  # fmt: skip
        movers[k % len(movers)].command(frame, replied(k))
    sent_s = time.monotonic() - t0
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(done.wait(), 30)
    return {
        "sent": len(schedule),
        "acked": acked,
        "errors": errors,
        "send_ms": send_ms,
        "sending_s": round(sent_s, 2),
        "ack_p50_ms": pct(ack_ms, 0.5),
        "ack_max_ms": round(max(ack_ms), 1) if ack_ms else None,
    }


# -- pages ----------------------------------------------------------------------------------


class Pages:
    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser = browser
        self.base_url = base_url
        self.errors: list[str] = []

    async def open(self, label: str, url: str, *, mobile: bool, throttle: float) -> tuple[Any, Any]:
        viewport = PHONE if mobile else PROJECTOR
        extra: dict[str, Any] = {"is_mobile": True, "has_touch": True} if mobile else {}
        context = await self.browser.new_context(
            base_url=self.base_url, viewport=viewport, device_scale_factor=1, locale="en-GB",
            **extra,
        )  # fmt: skip
        await context.add_init_script(INIT_JS)
        page = await context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{label} pageerror: {exc}"))
        page.on(
            "console",
            lambda m: (
                self.errors.append(f"{label} console: {m.text}") if m.type == "error" else None
            ),
        )
        if throttle and throttle != 1:
            cdp = await context.new_cdp_session(page)
            await cdp.send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        return context, page

    async def first_render(
        self, page: Any, url: str, board: Board, cards: int, timeout_s: float
    ) -> dict[str, Any]:
        t0 = time.monotonic()
        await page.goto(url)
        filled = sorted({p for p in board.place.values() if p is not None})
        ready = await page.wait_for_function(
            READY_JS,
            arg={"columns": board.columns, "filled": filled, "cards": cards},
            polling="raf",
            timeout=timeout_s * 1000,
        )  # fmt: skip
        wall = (time.monotonic() - t0) * 1000
        times = await ready.json_value()
        return {
            "first_render_ms": round(float(times["painted"]), 1),
            "first_dom_ms": round(float(times["ready"]), 1),
            "first_render_wall_ms": round(wall, 1),
        }


async def settle(page: Any, quiet_s: float = 1.0, limit_s: float = 30.0) -> dict[str, Any]:
    """Wait until the DOM's node count has not changed for ``quiet_s``; then its shape."""
    deadline = time.monotonic() + limit_s
    last = None
    since = time.monotonic()
    while time.monotonic() < deadline:
        shape = await page.evaluate(SHAPE_JS)
        if shape["nodes"] != last:
            last, since = shape["nodes"], time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            break
        await asyncio.sleep(0.25)
    return dict(await page.evaluate(SHAPE_JS))


def shape_fields(shape: dict[str, Any]) -> dict[str, Any]:
    return {"dom_nodes": shape["nodes"], "scroll_height": shape["scrollHeight"],
            "viewport_height": shape["innerHeight"], "cards_in_dom": shape["cards"]}  # fmt: skip


# -- the run ----------------------------------------------------------------------------------


async def run(a: argparse.Namespace) -> dict[str, Any]:
    from playwright.async_api import async_playwright

    rng = random.Random(a.seed)
    workdir = Path(tempfile.mkdtemp(prefix="gamestorm-browser-bench-"))
    target = Target("server", None, workdir, argparse.Namespace(nice=0))
    report: dict[str, Any] = {
        "meta": {
            "when": time.strftime("%Y-%m-%d %H:%M:%S"),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
            "loadavg_before": [round(x, 2) for x in os.getloadavg()],
            "args": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(a).items()},
        }
    }
    movers: list[BenchClient] = []
    try:
        t0 = time.monotonic()
        board = await build_board(target, a, rng)
        report["setup"] = {
            "notes": len(board.notes),
            "columns": len(board.columns),
            "unsorted": sum(1 for p in board.place.values() if p is None),
            "setup_s": round(time.monotonic() - t0, 1),
        }
        print(f"-- board {board.id}: {len(board.notes)} notes, {len(board.columns)} columns, "
              f"set up in {report['setup']['setup_s']} s", flush=True)  # fmt: skip
        tokens = board.info["tokens"]
        phone_token = tokens[-1]
        for token in tokens[: max(1, min(a.movers, len(tokens) - 1))]:
            movers.append(await agent(target, board.info["path"], token))
        base = f"http://{target.host}:{target.port}"
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=a.chromium, args=CHROMIUM_ARGS)
            report["meta"]["chromium"] = browser.version
            pages = Pages(browser, base)
            try:
                report["phone"] = await measure_phone(pages, board, phone_token, movers, a, rng)
                report["projector"] = await measure_projector(pages, board, target, movers, a, rng)
            finally:
                await browser.close()
            report["page_errors"] = pages.errors[:20]
    finally:
        for client in movers:
            client.close()
        log = target.stop()
        if "Traceback" in log:
            print(f"!! server log has a traceback:\n{log[-3000:]}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)
    report["meta"]["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    report["targets"] = targets(report, a)
    return report


async def measure_phone(
    pages: Pages, board: Board, token: str, movers: list[BenchClient], a: argparse.Namespace,
    rng: random.Random,
) -> dict[str, Any]:  # fmt: skip
    print("-- phone ...", flush=True)
    url = f"/board/{board.id}#token={token}"
    context, page = await pages.open("phone", url, mobile=True, throttle=a.throttle)
    try:
        cards = a.cards_shown if a.cards_shown is not None else 1
        out: dict[str, Any] = {"throttle": a.throttle, "viewport": PHONE}
        out.update(await pages.first_render(page, url, board, cards, a.timeout))
        out["settled"] = shape_fields(await settle(page))
        schedule = move_schedule(board, round(a.rate * a.seconds), rng)
        watched = [list(m) for m in schedule] if a.move_latency else []
        await page.evaluate(START_JS, watched)
        moves = await drive(movers, schedule, a.rate)
        # the last moves reach the page: until every move is in its DOM, or --grace s
        deadline = time.monotonic() + a.grace
        while time.monotonic() < deadline:
            if await page.evaluate("() => window.__bench.seen.length") >= len(watched):
                break
            await asyncio.sleep(0.2)
        result = await page.evaluate(STOP_JS)
        shape = await page.evaluate(SHAPE_JS)
    finally:
        await context.close()
    # The measured window is the moves' time; the grace after it only lets the last show.
    start = result["start"]
    end = min(result["end"], start + a.seconds * 1000)
    frames = [t for t in result["frames"] if start <= t <= end]
    send_ms = moves.pop("send_ms")
    shown = [seen_at - send_ms[i] for i, seen_at in result["seen"]]
    out.update(
        {
            "window_s": round((end - start) / 1000, 2),
            "frames": frame_stats(frames, start, end),
            **blocking(result["longtasks"], start, end),
            "longtask_observer_error": result["longtaskError"],
            **shape_fields(shape),
            "moves": {
                **moves,
                "shown": len(shown),
                "shown_p50_ms": pct(shown, 0.5),
                "shown_p95_ms": pct(shown, 0.95),
                "shown_max_ms": round(max(shown), 1) if shown else None,
            },
        }
    )
    return out


async def measure_projector(
    pages: Pages, board: Board, target: Target, movers: list[BenchClient], a: argparse.Namespace,
    rng: random.Random,
) -> dict[str, Any]:  # fmt: skip
    print("-- projector ...", flush=True)
    url = f"/project/{board.id}#token={board.info['projector_token']}"
    context, page = await pages.open("projector", url, mobile=False, throttle=a.projector_throttle)
    out: dict[str, Any] = {"throttle": a.projector_throttle, "viewport": PROJECTOR}
    try:
        affinity: dict[str, Any] = await pages.first_render(
            page, url, board, 0 if a.cards_shown is None else a.cards_shown,
            a.timeout,
        )  # fmt: skip
        affinity.update(shape_fields(await settle(page)))
        out["affinity"] = affinity
        if a.later_phases:
            fac = await agent(target, board.info["path"], board.info["facilitator_token"])
            try:
                unsorted = [n for n, p in board.place.items() if p is None]
                await pipelined(fac, [
                    {"type": "note.move", "cid": cid(), "note_id": n, "column_id": "parking"}
                    for n in unsorted
                ])  # fmt: skip
                await advance(fac, "affinity")
                await pipelined(fac, [
                    {"type": "column.name", "cid": cid(), "column_id": c,
                     "name": f"Topic {i + 1}: {WORDS[i % len(WORDS)]}"}
                    for i, c in enumerate(board.columns)
                ])  # fmt: skip
                await advance(fac, "name")
                out["rank"] = shape_fields(await settle(page))
                for client in movers:
                    order = list(board.columns)
                    rng.shuffle(order)
                    await client.ok({"type": "ranking.submit", "cid": cid(),
                                     "criterion": "impact", "order": order})  # fmt: skip
                await advance(fac, "rank")
                out["close"] = shape_fields(await settle(page))
            finally:
                fac.close()
    finally:
        await context.close()
    return out


# -- targets and the table ------------------------------------------------------------------------


def targets(report: dict[str, Any], a: argparse.Namespace) -> list[dict[str, Any]]:
    phone = report.get("phone", {})
    proj = report.get("projector", {})
    rows: list[tuple[str, Any, str, float]] = [
        ("phone first render ms", phone.get("first_render_ms"), "<", 1000),
        ("phone frame p95 ms", phone.get("frames", {}).get("p95_ms"), "<", 50),
        ("phone longest frame ms", phone.get("frames", {}).get("max_ms"), "<", 200),
        (f"phone blocking ms over {a.seconds:g} s", phone.get("blocking_ms"), "<", 100 * a.seconds),
        ("phone DOM nodes", phone.get("dom_nodes"), "<", 6000),
        ("projector first render ms", proj.get("affinity", {}).get("first_render_ms"), "<", 1000),
    ]
    for phase in ("affinity", "rank", "close"):
        if phase in proj:
            rows.append((f"projector {phase} DOM nodes", proj[phase]["dom_nodes"], "<", 6000))
            rows.append(
                (f"projector {phase} scroll height px", proj[phase]["scroll_height"], "<=", 1080)
            )
    out = []
    for name, value, op, limit in rows:
        met = None if value is None else (value < limit if op == "<" else value <= limit)
        out.append({"figure": name, "value": value, "target": f"{op} {limit:g}", "met": met})
    return out


def print_table(report: dict[str, Any]) -> None:
    phone = report["phone"]
    moves = phone["moves"]
    print(f"{'figure':<40}{'value':>10}  {'target':<10}{'':>7}")
    print("-" * 69)
    for row in report["targets"]:
        mark = {True: "met", False: "MISSED", None: "-"}[row["met"]]
        print(f"{row['figure']:<40}{str(row['value']):>10}  {row['target']:<10}{mark:>7}")
    f = phone["frames"]
    print(
        f"phone: board in the DOM at {phone['first_dom_ms']} ms, painted at "
        f"{phone['first_render_ms']} ms; "
        f"{f['frames']} frames, p50 {f['p50_ms']} ms; {phone['long_tasks']} long tasks "
        f"(longest {phone['longest_task_ms']} ms); scroll height {phone['scroll_height']} px; "
        f"moves sent {moves['sent']}, acked {moves['acked']}, shown {moves['shown']} "
        f"(send to DOM p50 {moves['shown_p50_ms']} / p95 {moves['shown_p95_ms']} / "
        f"max {moves['shown_max_ms']} ms)"
    )
    m = report["meta"]
    print(f"setup {report['setup']['setup_s']} s; load average before {m['loadavg_before']}, "
          f"after {m['loadavg_after']}; Chromium {m.get('chromium')}")  # fmt: skip
    if report.get("page_errors"):
        print(f"page errors: {report['page_errors'][:3]}")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.browser", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--notes-each", type=int, default=5, help="notes per participant")
    p.add_argument("--columns", type=int, default=15)
    p.add_argument("--unsorted", type=float, default=0.1, help="share of notes left unsorted")
    p.add_argument("--rate", type=float, default=10, help="moves a second while measuring")
    p.add_argument("--seconds", type=float, default=10, help="how long the moves go on")
    p.add_argument("--movers", type=int, default=5, help="participants sending the moves")
    p.add_argument("--throttle", type=float, default=4, help="the phone's CPU slowdown")
    p.add_argument("--projector-throttle", type=float, default=1, help="the projector's")
    p.add_argument("--cards-shown", type=int, default=None,
                   help="note cards needed for 'the board shown' (default 1)")  # fmt: skip
    p.add_argument("--no-later-phases", dest="later_phases", action="store_false",
                   help="measure the projector in affinity only, not rank and close")  # fmt: skip
    p.add_argument(
        "--no-move-latency",
        dest="move_latency",
        action="store_false",
        help="do not watch the phone's DOM for the moves (no MutationObserver)",
    )
    p.add_argument(
        "--grace",
        type=float,
        default=30,
        help="at most this long after the moves for the last to show on the phone",
    )
    p.add_argument("--timeout", type=float, default=120, help="first render may take this long")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument("--chromium", default=CHROMIUM)
    p.add_argument("--json", type=Path, default=None, help="write the report here")
    args = p.parse_args(argv)
    if args.participants < 2:
        p.error("--participants must be at least 2 (one phone, one mover)")
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse_args(argv)
    raise_nofile()
    report = asyncio.run(run(args))
    if args.json is not None:
        args.json.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print_table(report)
    if args.json is not None:
        print(f"report: {args.json}")
    return report


if __name__ == "__main__":
    main()
