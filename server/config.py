"""Settings of one server process, with the defaults a facilitator would expect."""

from __future__ import annotations

from dataclasses import dataclass, field

from gamestorm.games import Limits

from .links import LinkScope

DEFAULT_DB = "sqlite+aiosqlite:///gamestorm.db"


@dataclass(frozen=True, slots=True)
class Settings:
    db_url: str = DEFAULT_DB
    #: Where committed events go to the other processes serving a board: None for this
    #: process only, ``redis://host:6379/0`` to share boards (server/fanouts.py).
    fanout_url: str | None = None
    #: Largest client frame accepted (PROTOCOL.md: 64 KiB); larger ones get ``too_large``.
    max_frame_bytes: int = 64 * 1024
    #: Largest HTTP body accepted by the JSON routes.
    max_body_bytes: int = 64 * 1024
    #: Token bucket per connection: sustained commands per second, and burst.
    commands_per_second: float = 20.0
    command_burst: int = 60
    #: Frames queued for one client before it counts as stalled and is cut off (4000).
    outbox_limit: int = 5000
    #: ... or once this many characters of JSON (about bytes) wait for it, whichever first
    #: (5,000 large frames would be hundreds of MiB).
    outbox_bytes: int = 8 * 1024 * 1024
    #: A socket that takes nothing for this many seconds while frames wait for it is cut
    #: off (4000): under the keepalive's 1011 (ping every 15 s, pong due within 30 s).
    stall_seconds: float = 10.0
    #: Successful joins per client address per minute: generous, since a whole room may
    #: share one address (venue Wi-Fi behind NAT): a thousand scanning the QR code at once
    #: get in, but not unbounded participants.
    joins_per_minute: int = 1500
    #: Wrong join codes (well-formed, unknown) per client address in ``failed_joins_window``
    #: seconds; then every join and code lookup from that address waits (codes cannot be
    #: guessed). High enough for a room of people who mistype the code now and then.
    failed_joins: int = 50
    failed_joins_window: float = 600.0
    #: Wrong join codes per minute from all addresses together. Once spent, an address
    #: that has missed ``SIEGE_ALLOWANCE`` times in its window waits (429), while
    #: addresses with a clean record (a room typing the right code) are still answered.
    failed_lookups_per_minute: int = 60
    #: Largest chance that one guessed code hits some board: new codes get longer (6, 7,
    #: 8, ... characters) as boards accumulate; old codes keep working.
    join_code_odds: float = 1e-7
    #: Base URL phones use (``http://192.168.1.20:8000``), for the QR code, the create
    #: answer and the welcome; ``None``: unknown, pages use the address they were opened at.
    public_url: str | None = None
    #: "network": phones can reach ``public_url``; "local": only this machine can.
    public_url_scope: LinkScope | None = None
    #: Seconds a new connection has to send its ``hello``.
    hello_timeout: float = 10.0
    #: Events kept in memory per board for ``since`` replay; older gaps get a snapshot.
    replay_window: int = 20_000
    #: Coalesce presence frames to at most one per this many seconds.
    presence_interval: float = 0.25
    #: A board spaces its presence frames so that they cost about this many socket writes
    #: a second (a board of 1,000 gets one a second, at most every 2 s): the counts a
    #: presence frame carries change with every move, and at 1,000 sockets four of them
    #: a second were a sixth of the writes (docs/performance.md).
    presence_writes_per_second: float = 1000.0
    #: Seconds a facilitator invite (open the console on another device) stays valid.
    invite_seconds: float = 15 * 60
    #: Failed invite redeems per client address per minute (an invite cannot be guessed).
    invite_failures_per_minute: int = 10
    #: Seconds between the room's checks for packets idle too long or held by someone
    #: offline (only while a board in affinity has open packets).
    packet_tick: float = 5.0
    #: Seconds a packet's holder may be offline (a reconnect, a locked phone) before the
    #: packet goes back to the pool.
    packet_offline_grace: float = 15.0
    #: Boards one client address may create per minute (a sliding minute).
    boards_per_minute: int = 30
    #: A board with no client, no queued command and no running timer for this many
    #: seconds is unloaded from memory (loaded again from its log on next use); 0: never.
    idle_unload_seconds: float = 600.0
    #: Open sockets one token may hold (a person with a phone, a laptop and a spare tab);
    #: the next hello is refused with close 4008.
    sockets_per_token: int = 4
    #: Seconds a request's headers (the WebSocket handshake included) may take to arrive.
    header_timeout: float = 10.0
    #: Open connections (HTTP and WebSocket) per client address; then 503 and close. A
    #: room behind one NAT holds about two per person for a moment (its socket and a
    #: keep-alive HTTP connection): 2,500 lets a room of a thousand in (500 let in 200).
    connections_per_address: int = 2500
    limits: Limits = field(default_factory=Limits)
    # issue-13: several processes per board (room.py)
    #: Seconds between log reads of a board with clients while the fan-out is down,
    #: and while it is up (a safety net for lost messages).
    poll_interval: float = 1.0
    poll_safety: float = 5.0
    #: Seconds between presence heartbeats to the other processes, and after which a
    #: process's silent presence no longer counts.
    presence_heartbeat: float = 5.0
    presence_expiry: float = 15.0
    # issue-14: the fan-out tick
    #: While a board is busy, events committed within this many seconds go out together
    #: (one frame per ``?batch=1`` client, encoded once per variant); a commit on a board
    #: quiet for this long goes out at once. 0: every commit at once. 5 ms: at 100 moves a
    #: second a tick of 20 ms held most moves back (p99 30 ms, 9-12 ms with 5 ms); at
    #: 300 a second 5 ms still merges two events a frame (docs/performance.md).
    fanout_tick: float = 0.005
