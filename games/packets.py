"""Sorting packets: the notes of a big board shared out, a few to each participant.

The server hands each participant who asks a packet of unsorted notes (``packet_size``),
and the next one when it is done. While open, a note is in at most one packet. A packet
is drawn from the pool (unsorted notes in no open packet) by how often each note was
handed out already, then whether the requester held it before, then a hash of the
board and note id: the pool empties before any note goes out a second time, and the draw
does not depend on who wrote a note (an anonymous board reveals no author through who
was given what). Everyone may still move any note; packets only share the work out.

With the second look, once no note is unsorted, packets of placed notes seen by fewer
than two people go out for a confirm-or-move pass.

Every decision here is pure: the events made in one decision are collected in a
``Pending`` so later draws in the same decision see the earlier ones before they apply.
"""

from __future__ import annotations

import hashlib
import heapq
from dataclasses import dataclass, field
from functools import lru_cache

from . import events as ev
from .commands import ConfirmPacket, ReleasePackets, ReturnPacket, SwitchPackets
from .errors import Rejection
from .state import BoardState, Packet

SORT = "sort"
REVIEW = "review"
#: ``packet.returned`` reasons.
DONE, IDLE, LEFT, GIVEN_BACK, OFF = "done", "idle", "left", "given_back", "off"


@lru_cache(maxsize=200_000)
def note_rank(board_id: str, note_id: str) -> int:
    """A stable, authorship-free position of a note in the draw."""
    digest = hashlib.blake2b(f"{board_id}\x00{note_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


@dataclass(slots=True)
class Pending:
    """What one decision has done so far, before its events apply."""

    #: Packets returned in this decision.
    freed: set[str] = field(default_factory=set)
    #: Notes handed out in this decision.
    taken: set[str] = field(default_factory=set)
    #: Notes this decision moves out of the unsorted pool.
    now_sorted: set[str] = field(default_factory=set)
    #: Extra "has seen" of this decision (a mover, a done packet's holder).
    seen: dict[str, set[str]] = field(default_factory=dict)
    #: Participants given a packet in this decision.
    served: set[str] = field(default_factory=set)
    made: int = 0

    def see(self, note_id: str, who: str | None) -> None:
        if who is not None:
            self.seen.setdefault(note_id, set()).add(who)


def _free(state: BoardState, note_id: str, pending: Pending) -> bool:
    """In no open packet (counting this decision's returns and hand-outs)."""
    if note_id in pending.taken:
        return False
    packet_id = state.packet_of_note.get(note_id)
    return packet_id is None or packet_id in pending.freed


def _still_unsorted(state: BoardState, pending: Pending) -> bool:
    return any(n not in pending.now_sorted for n in state.unsorted)


def draw_sort(state: BoardState, holder: str, pending: Pending) -> list[str]:
    """The next sort packet's notes for ``holder`` (may be empty)."""
    assert state.sharing is not None
    held, handed, board_id = state.held_by, state.handed_out, state.board_id
    pool = [n for n in state.unsorted if n not in pending.now_sorted and _free(state, n, pending)]
    return heapq.nsmallest(
        int(state.sharing["packet_size"]),
        pool,
        key=lambda n: (handed.get(n, 0), holder in held.get(n, ()), note_rank(board_id, n)),
    )


def draw_review(state: BoardState, holder: str, pending: Pending) -> list[str]:
    """Placed notes seen by fewer than two people, never one ``holder`` has seen."""
    assert state.sharing is not None
    handed, board_id = state.handed_out, state.board_id
    pool: list[tuple[int, int, int, str]] = []
    for note_id in state.notes:
        seen = state.seen_by.get(note_id, set()) | pending.seen.get(note_id, set())
        if len(seen) >= 2 or holder in seen or not _free(state, note_id, pending):
            continue
        pool.append((len(seen), handed.get(note_id, 0), note_rank(board_id, note_id), note_id))
    return [item[3] for item in heapq.nsmallest(int(state.sharing["packet_size"]), pool)]


def next_packet(
    state: BoardState, holder: str, now: float, pending: Pending
) -> ev.PacketAssigned | None:
    """A packet for ``holder``: unsorted notes first, else (second look) placed ones."""
    notes = draw_sort(state, holder, pending)
    kind = SORT
    if not notes and state.second_look_on() and not _still_unsorted(state, pending):
        notes = draw_review(state, holder, pending)
        kind = REVIEW
    if not notes:
        return None
    pending.taken.update(notes)
    pending.served.add(holder)
    pending.made += 1
    packet_id = f"pk-{state.packets_made + pending.made}"
    return ev.PacketAssigned(packet_id, holder, notes, kind, len(notes), now)


def serve_waiters(
    state: BoardState, now: float, pending: Pending, offline: frozenset[str] = frozenset()
) -> list[ev.Event]:
    """Hand packets to those waiting, first come first, while there are notes for them."""
    out: list[ev.Event] = []
    for waiter in state.waiting:
        if waiter in pending.served or waiter in offline:
            continue
        if waiter in state.packet_of_holder and state.packet_of_holder[waiter] not in pending.freed:
            continue
        packet = next_packet(state, waiter, now, pending)
        if packet is None:
            break
        out.append(packet)
    return out


def _done(state: BoardState, packet: Packet, placed: int, now: float, pending: Pending) -> ev.Event:
    pending.freed.add(packet.id)
    for note_id in packet.note_ids:
        pending.see(note_id, packet.holder)
    return ev.PacketReturned(packet.id, packet.holder, DONE, placed, now)


# -- commands ---------------------------------------------------------------------------


def request(state: BoardState, holder: str, now: float) -> list[ev.Event]:
    """``packet.request``: a packet, or nothing when one is held already (idempotent), or
    a place in the waiting line while every free note is in someone's packet."""
    if not state.packets_on():
        raise Rejection("packets_off", "packets are off on this board; sort any note you like")
    if holder in state.packet_of_holder:
        return []
    packet = next_packet(state, holder, now, Pending())
    if packet is not None:
        return [packet]
    if holder in state.waiting or not state.packets:
        return []  # waiting already, or nothing open that could come back: all done
    return [ev.PacketRequested(holder, now)]


def _own_packet(state: BoardState, holder: str, packet_id: str) -> Packet:
    packet = state.packets.get(packet_id)
    if packet is None or packet.holder != holder:
        raise Rejection("not_found", f"you hold no open packet {packet_id!r}")
    return packet


def confirm(state: BoardState, command: ConfirmPacket, holder: str, now: float) -> list[ev.Event]:
    """``packet.confirm``: a review packet's notes are where they belong; next, please."""
    packet = _own_packet(state, holder, command.packet_id)
    unsorted = [n for n in packet.note_ids if n in state.notes and state.notes[n].column is None]
    if unsorted:
        raise Rejection(
            "invalid",
            f"{len(unsorted)} note(s) of this packet are unsorted; place them or return it",
            note_ids=unsorted,
        )
    pending = Pending()
    out = [_done(state, packet, packet.placed, now, pending)]
    nxt = next_packet(state, holder, now, pending)
    if nxt is not None:
        out.append(nxt)
    return out + serve_waiters(state, now, pending)


def give_back(state: BoardState, command: ReturnPacket, holder: str, now: float) -> list[ev.Event]:
    """``packet.return``: the holder gives it back unfinished; a waiter gets its notes."""
    packet = _own_packet(state, holder, command.packet_id)
    pending = Pending(freed={packet.id})
    out: list[ev.Event] = [ev.PacketReturned(packet.id, holder, GIVEN_BACK, packet.placed, now)]
    pending.served.add(holder)  # not straight back to the one who gave it back
    return out + serve_waiters(state, now, pending)


def after_move(
    state: BoardState, note_id: str, target: str | None, mover: str, now: float
) -> list[ev.Event]:
    """What a move makes besides ``note.moved``: the packet it completes is done, and its
    holder (and anyone waiting) gets the next one."""
    note = state.notes[note_id]
    if note.column is not None or target is None:
        return []
    packet_id = state.packet_of_note.get(note_id)
    if packet_id is None:
        return []
    packet = state.packets[packet_id]
    if packet.pass_ != SORT:
        return []
    others = (n for n in packet.note_ids if n != note_id and n in state.notes)
    if any(state.notes[n].column is None for n in others):
        return []
    placed = packet.placed + (1 if packet.holder == mover else 0)
    pending = Pending(now_sorted={note_id})
    pending.see(note_id, mover)
    out = [_done(state, packet, placed, now, pending)]
    if packet.holder is not None and state.packets_on():
        nxt = next_packet(state, packet.holder, now, pending)
        if nxt is not None:
            out.append(nxt)
    return out + serve_waiters(state, now, pending)


def switch(state: BoardState, command: SwitchPackets, by: str, now: float) -> list[ev.Event]:
    """``packets.switch``: on, off or automatic; switching off returns every open packet."""
    if state.sharing is None:
        raise Rejection("packets_off", "this board was made before packets existed")
    if command.enabled == state.packets_enabled:
        return []
    enabled = command.enabled
    on_after = (
        enabled if enabled is not None else len(state.notes) >= int(state.sharing["packets_from"])
    )
    out: list[ev.Event] = [ev.PacketsSwitched(enabled, by)]
    if not on_after:
        out.extend(
            ev.PacketReturned(p.id, p.holder, OFF, p.placed, now) for p in state.packets.values()
        )
    return out


def release(state: BoardState, command: ReleasePackets) -> list[ev.Event]:
    """``packets.release`` (the server's tick): packets idle too long or held by someone
    offline go back to the pool, and those waiting get their notes."""
    if state.sharing is None or state.phase.type != "affinity":
        return []
    if not state.packets and not state.waiting:
        return []
    now = command.now
    offline = frozenset(command.offline)
    idle = float(state.sharing["packet_idle_seconds"])
    pending = Pending()
    out: list[ev.Event] = []
    for packet in state.packets.values():
        if packet.holder in offline:
            reason = LEFT
        elif now - packet.touched_at >= idle:
            reason = IDLE
        else:
            continue
        pending.freed.add(packet.id)
        if packet.holder is not None:
            pending.served.add(packet.holder)  # an idle holder does not get it straight back
        out.append(ev.PacketReturned(packet.id, packet.holder, reason, packet.placed, now))
    if not state.packets_on():
        return out
    return out + serve_waiters(state, now, pending, offline)
