"""The ``gamestorm`` command: serve the board, list the games, export a board's results."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gamestorm.games import Limits

from .config import DEFAULT_DB, Settings
from .links import (
    WILDCARD_HOSTS,
    PublicLink,
    PublicUrlError,
    is_loopback_host,
    public_link,
    validate_public_url,
)

if TYPE_CHECKING:
    from .exports import Export

_DEFAULTS = Settings()


def _check_public_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if not value:
        return None
    try:
        return validate_public_url(value)
    except PublicUrlError as error:
        raise click.BadParameter(str(error)) from None


def startup_line(link: PublicLink, host: str, port: int, db: str) -> str:
    """The first line ``serve`` prints: the link to share first, since that is what matters."""
    tail = f"(database: {db}; Ctrl+C stops)"
    if link.scope == "network":
        here = host in WILDCARD_HOSTS or is_loopback_host(host)
        also = f"on this machine also http://localhost:{port}/; " if here else ""
        return f"Gamestorm is running: phones join at {link.url}/  ({also}{tail[1:]}"
    if link.scope == "local":
        return f"Gamestorm is running: open {link.url}/ on this machine only  {tail}"
    return f"Gamestorm is running on port {port}: open http://localhost:{port}/  {tail}"


def _check_db(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """Refuse a database that keeps nothing, unless asked for by name (``--db memory``)."""
    from .storage import MEMORY_URL, in_memory

    if value == "memory":
        return MEMORY_URL
    try:
        memory = in_memory(value)
    except Exception:  # noqa: BLE001 - SQLAlchemy's URL parser raises its own ArgumentError
        raise click.BadParameter(f"{value!r} is not a database URL") from None
    if memory:
        raise click.BadParameter(
            f"{value!r} is a database in memory: every board would be lost when the server "
            "stops. Give a file (sqlite+aiosqlite:///gamestorm.db), or pass --db memory to "
            "run a demo that keeps nothing."
        )
    return value


def _check_fanout(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """Refuse a fan-out URL that is not Redis at start, not at the first board."""
    from .fanouts import check_fanout_url

    try:
        return check_fanout_url(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Gamestorm: a real-time board for Gamestorming workshops."""


@main.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    envvar="GAMESTORM_HOST",
    help="Address to listen on; 0.0.0.0 lets phones on the room's network join.",
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    envvar="GAMESTORM_PORT",
    help="Port to listen on.",
)
@click.option(
    "--public-url",
    default=None,
    envvar="GAMESTORM_PUBLIC_URL",
    callback=_check_public_url,
    help="Base URL phones use to reach this server, e.g. http://192.168.1.20:8000 "
    "(default: this machine's LAN address when listening on 0.0.0.0).",
)
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="GAMESTORM_DB",
    callback=_check_db,
    help="Database URL: a SQLite file (the default) or postgresql://user@host/name for "
    "several processes on one database; 'memory' for a demo that keeps nothing (an "
    "in-memory URL is refused).",
)
@click.option(
    "--fanout",
    default=None,
    envvar="GAMESTORM_FANOUT",
    callback=_check_fanout,
    help="redis://host:6379/0 to share boards between server processes; default: in this "
    "process only.",
)
@click.option(
    "--log-level",
    default="info",
    show_default=True,
    type=click.Choice(["critical", "error", "warning", "info", "debug"]),
)
@click.option(
    "--joins-per-minute",
    default=_DEFAULTS.joins_per_minute,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_JOINS_PER_MINUTE",
    help="Successful joins allowed per client address per minute (a room may share one "
    "address behind venue Wi-Fi).",
)
@click.option(
    "--failed-joins",
    default=_DEFAULTS.failed_joins,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_FAILED_JOINS",
    help="Wrong join codes one client address may try per --failed-joins-window; "
    "then it must wait (join codes cannot be guessed).",
)
@click.option(
    "--failed-joins-window",
    default=_DEFAULTS.failed_joins_window,
    show_default=True,
    type=click.FloatRange(min=1),
    envvar="GAMESTORM_FAILED_JOINS_WINDOW",
    help="Seconds over which wrong join codes are counted.",
)
@click.option(
    "--failed-lookups-per-minute",
    default=_DEFAULTS.failed_lookups_per_minute,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_FAILED_LOOKUPS_PER_MINUTE",
    help="Wrong join codes per minute from all addresses together; then addresses that "
    "have been guessing wait, while people typing the right code still join.",
)
@click.option(
    "--join-code-odds",
    default=_DEFAULTS.join_code_odds,
    show_default=True,
    type=click.FloatRange(min=0, max=1, min_open=True),
    envvar="GAMESTORM_JOIN_CODE_ODDS",
    help="Largest chance that one guessed join code hits some board: new codes get longer "
    "(6, 7, 8 ... characters) as boards accumulate.",
)
@click.option(
    "--boards-per-minute",
    default=_DEFAULTS.boards_per_minute,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_BOARDS_PER_MINUTE",
    help="Boards one client address may create per minute.",
)
@click.option(
    "--idle-unload-seconds",
    default=_DEFAULTS.idle_unload_seconds,
    show_default=True,
    type=click.FloatRange(min=0),
    envvar="GAMESTORM_IDLE_UNLOAD_SECONDS",
    help="Unload a board from memory after this many seconds without clients or work "
    "(it is loaded again from the database on next use); 0 keeps boards loaded.",
)
@click.option(
    "--sockets-per-token",
    default=_DEFAULTS.sockets_per_token,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_SOCKETS_PER_TOKEN",
    help="Open WebSocket connections one token may hold; more are refused (close 4008).",
)
@click.option(
    "--header-timeout",
    default=_DEFAULTS.header_timeout,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    envvar="GAMESTORM_HEADER_TIMEOUT",
    help="Seconds a request's headers (and a WebSocket handshake) may take; then 408.",
)
@click.option(
    "--connections-per-address",
    default=_DEFAULTS.connections_per_address,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_CONNECTIONS_PER_ADDRESS",
    help="Open connections one client address may hold (a room behind one NAT needs about "
    "two per person); then 503. Trusted proxy addresses are not capped.",
)
@click.option(
    "--commands-per-second",
    default=_DEFAULTS.commands_per_second,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    envvar="GAMESTORM_COMMANDS_PER_SECOND",
    help="Sustained commands per second one connection may send.",
)
@click.option(
    "--outbox-limit",
    default=_DEFAULTS.outbox_limit,
    show_default=True,
    type=click.IntRange(min=10),
    envvar="GAMESTORM_OUTBOX_LIMIT",
    help="Frames queued for one client before it is cut off (close 4000, resume with since).",
)
@click.option(
    "--outbox-bytes",
    default=_DEFAULTS.outbox_bytes,
    show_default=True,
    type=click.IntRange(min=64 * 1024),
    envvar="GAMESTORM_OUTBOX_BYTES",
    help="Bytes (characters of JSON) queued for one client before it is cut off (close 4000).",
)
@click.option(
    "--stall-seconds",
    default=_DEFAULTS.stall_seconds,
    show_default=True,
    type=click.FloatRange(min=0),
    envvar="GAMESTORM_STALL_SECONDS",
    help="Seconds a client may read nothing while frames wait for it; then close 4000 "
    "(0: never; the keepalive then closes it with 1011).",
)
@click.option(
    "--notes-per-participant",
    default=_DEFAULTS.limits.max_notes_per_participant,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_NOTES_PER_PARTICIPANT",
    help="Notes one participant may have on a board.",
)
@click.option(
    "--participants-per-board",
    default=_DEFAULTS.limits.max_participants,
    show_default=True,
    type=click.IntRange(min=1),
    envvar="GAMESTORM_PARTICIPANTS_PER_BOARD",
    help="Participants who may join one board.",
)
@click.option(
    "--invite-seconds",
    default=_DEFAULTS.invite_seconds,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    envvar="GAMESTORM_INVITE_SECONDS",
    help="Seconds a facilitator invite (open the console on another device) stays valid.",
)
@click.option(
    "--packet-tick",
    default=_DEFAULTS.packet_tick,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    envvar="GAMESTORM_PACKET_TICK",
    help="Seconds between checks for sorting packets that are idle or held by someone gone.",
)
@click.option(
    "--packet-offline-grace",
    default=_DEFAULTS.packet_offline_grace,
    show_default=True,
    type=click.FloatRange(min=0),
    envvar="GAMESTORM_PACKET_OFFLINE_GRACE",
    help="Seconds a packet's holder may be offline (a reconnect) before it goes back.",
)
@click.option(
    "--presence-writes-per-second",
    default=_DEFAULTS.presence_writes_per_second,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    envvar="GAMESTORM_PRESENCE_WRITES_PER_SECOND",
    help="Large boards space presence frames to about this many socket writes a second.",
)
@click.option(
    "--fanout-tick",
    default=_DEFAULTS.fanout_tick,
    show_default=True,
    type=click.FloatRange(min=0),
    envvar="GAMESTORM_FANOUT_TICK",
    help="Seconds a busy board gathers commits into one fan-out (0: each at once).",
)
def serve(
    host: str,
    port: int,
    public_url: str | None,
    db: str,
    fanout: str | None,
    log_level: str,
    joins_per_minute: int,
    failed_joins: int,
    failed_joins_window: float,
    failed_lookups_per_minute: int,
    join_code_odds: float,
    boards_per_minute: int,
    idle_unload_seconds: float,
    sockets_per_token: int,
    header_timeout: float,
    connections_per_address: int,
    commands_per_second: float,
    outbox_limit: int,
    outbox_bytes: int,
    stall_seconds: float,
    notes_per_participant: int,
    participants_per_board: int,
    invite_seconds: float,
    packet_tick: float,
    packet_offline_grace: float,
    presence_writes_per_second: float,
    fanout_tick: float,
) -> None:
    """Run the board server (HTTP, WebSocket and the browser client)."""
    import uvicorn

    from .app import build_app, sockets_direct
    from .guard import ConnectionBook, guarded_protocol, raise_open_files_limit
    from .serving import DrainingServer
    from .storage import MEMORY_URL, shown_url
    from .ws_protocol import StallClosingProtocol

    link = public_link(host, port, public_url)
    settings = Settings(
        db_url=db,
        fanout_url=fanout,
        joins_per_minute=joins_per_minute,
        failed_joins=failed_joins,
        failed_joins_window=failed_joins_window,
        failed_lookups_per_minute=failed_lookups_per_minute,
        join_code_odds=join_code_odds,
        boards_per_minute=boards_per_minute,
        idle_unload_seconds=idle_unload_seconds,
        sockets_per_token=sockets_per_token,
        header_timeout=header_timeout,
        connections_per_address=connections_per_address,
        public_url=link.url,
        public_url_scope=link.scope,
        commands_per_second=commands_per_second,
        command_burst=max(_DEFAULTS.command_burst, int(commands_per_second * 3)),
        outbox_limit=outbox_limit,
        outbox_bytes=outbox_bytes,
        stall_seconds=stall_seconds,
        invite_seconds=invite_seconds,
        packet_tick=packet_tick,
        packet_offline_grace=packet_offline_grace,
        presence_writes_per_second=presence_writes_per_second,
        fanout_tick=fanout_tick,
        limits=Limits(
            max_notes_per_participant=notes_per_participant,
            max_participants=participants_per_board,
            max_columns=_DEFAULTS.limits.max_columns,
        ),
    )
    raised = raise_open_files_limit()
    app = build_app(settings)
    app.state.freeze_startup_heap = True  # a process of its own (server/app.py)
    # the addresses uvicorn trusts as proxies (its default: FORWARDED_ALLOW_IPS or 127.0.0.1)
    trusted = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    book = ConnectionBook(
        settings.connections_per_address,
        frozenset(a.strip() for a in trusted.split(",") if a.strip()),
    )
    config = uvicorn.Config(
        sockets_direct(app),
        http=guarded_protocol(settings.header_timeout, book),
        host=host,
        port=port,
        ws=StallClosingProtocol,  # websockets-sansio, able to close a stalled reader
        ws_per_message_deflate=False,
        ws_max_size=settings.max_frame_bytes * 4,
        # a pong is due within 30 s: a reader that stops reading with frames waiting is cut
        # off first, with 4000 after --stall-seconds (server/connection.py)
        ws_ping_interval=15,
        ws_ping_timeout=30,
        log_level=log_level,
        timeout_graceful_shutdown=10,
        server_header=False,
    )
    click.echo(startup_line(link, host, port, "memory" if db == MEMORY_URL else shown_url(db)))
    if db == MEMORY_URL:
        click.echo(
            "WARNING: --db memory: nothing is kept; every board is lost when the server stops.",
            err=True,
        )
    if link.warning:
        click.echo(f"Warning: {link.warning}")
    if raised is not None:
        click.echo(f"Open files: raised the limit from {raised[0]} to {raised[1]}.")
    DrainingServer(config, app.state.hub).run()


@main.command()
@click.option(
    "--db",
    default=DEFAULT_DB,
    show_default=True,
    envvar="GAMESTORM_DB",
    callback=_check_db,
    help="Database URL, as for serve (serve also migrates at start).",
)
def migrate(db: str) -> None:
    """Upgrade the database's schema to this version's and print its revision
    (a database made before migrations existed is recognised and kept)."""
    from .storage import shown_url

    try:
        revision = asyncio.run(_migrate(db))
    except Exception as error:  # noqa: BLE001 - unreachable server, wrong URL, refused...
        raise click.ClickException(f"could not migrate {shown_url(db)}: {error}") from None
    click.echo(f"{shown_url(db)}: at revision {revision}")


async def _migrate(db: str) -> str:
    from . import migrate as migrations
    from .storage import Storage

    storage = Storage(db)
    try:
        return await migrations.upgrade(storage.engine)
    finally:
        await storage.close()


@main.command("games")
def list_games() -> None:
    """List the games this server offers, with their phases."""
    from .catalog import builtin_games

    for game in builtin_games().values():
        phases = " -> ".join(f"{p.id} ({p.kind.value})" for p in game.phases)
        click.echo(f"{game.id}: {game.title}\n  {phases}")


@main.command()
@click.argument("board_id")
@click.option(
    "--format",
    "fmt",
    default="json",
    show_default=True,
    type=click.Choice(["json", "csv", "md", "html", "xlsx", "ics"]),
)
@click.option("--db", default=DEFAULT_DB, show_default=True, help="SQLAlchemy database URL.")
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    help="Write to this file (or into this directory, named from the board's title and "
    "date) instead of standard output.",
)
@click.option(
    "--language",
    type=click.Choice(["en", "de"]),
    default=None,
    help="Language of the export  [default: the board's, chosen at creation]",
)
@click.option(
    "--sep",
    type=click.Choice([",", ";", "tab"]),
    default=None,
    help="CSV separator  [default: ,]",
)
@click.option(
    "--decimal",
    type=click.Choice([".", ","]),
    default=None,
    help="CSV decimal mark  [default: . with sep , ; else the language's]",
)
def export(
    board_id: str,
    fmt: str,
    db: str,
    output: Path | None,
    language: str | None,
    sep: str | None,
    decimal: str | None,
) -> None:
    """Export a board's results (the facilitator's view) as json, csv, md, html, xlsx or
    ics, in the board's language and local time zone."""
    made = asyncio.run(_export(board_id, fmt, db, language, sep, decimal))
    if output is None:
        sys.stdout.buffer.write(made.body)
        return
    target = output / made.filename_utf8 if output.is_dir() else output
    target.write_bytes(made.body)
    click.echo(f"wrote {target} ({len(made.body)} bytes)", err=True)


async def _export(
    board_id: str,
    fmt: str,
    db: str,
    language: str | None = None,
    sep: str | None = None,
    decimal: str | None = None,
) -> Export:
    from gamestorm import games

    from . import exports
    from .storage import Storage

    storage = Storage(db)
    try:
        await storage.open()
        log = await storage.load_events(board_id)
    finally:
        await storage.close()
    if not log:
        raise click.ClickException(f"no board {board_id!r} in {db}")
    state = games.fold(games.from_dict(e) for e in log)
    try:
        options = exports.csv_options(
            sep if fmt == "csv" else None,
            decimal if fmt == "csv" else None,
            language or state.language,
        )
    except ValueError as error:
        raise click.UsageError(str(error)) from None
    return exports.export(
        state, fmt, viewer_id=state.facilitator_id, language=language, csv=options
    )


if __name__ == "__main__":  # pragma: no cover - ``python -m gamestorm.server.cli`` in tests
    main()
