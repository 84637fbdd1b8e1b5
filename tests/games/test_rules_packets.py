"""Sorting packets (issue 12): shared out, never overlapping, given back, restored by replay.

Random sequences (hypothesis) of requests, moves, returns, confirmations, ticks of the
server's release (idle and offline), switches and merges from several participants check
after every step: open packets never share a note; a packet's notes are notes of the
board; the pool empties before any note goes out a second time; the public variant of
every packet event names no one and no note; the fold of the log is the live state.
"""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rules_testkit import FACILITATOR, Board, refold, roundtrip, strings_in
from sharing_kit import PACKET_KINDS, affinity_board, held, public_variant, request

from gamestorm.games import Actor, Rejection, fold, handle, snapshot
from gamestorm.games import events as ev
from gamestorm.games.commands import ReleasePackets
from gamestorm.games.creation import SHARING_DEFAULTS
from gamestorm.games.redaction import redact, score

SYSTEM = Actor("system", "system")


def release(board: Board, now: float, offline: tuple[str, ...] = ()) -> list[ev.Event]:
    """What the server's tick sends (never parsed from a frame)."""
    events = handle(board.state, ReleasePackets(now=now, offline=offline), SYSTEM, now)
    board.commit(events)
    return events


def kinds(events: list[ev.Event]) -> list[str]:
    return [e.KIND for e in events]


def place_all(board: Board, actor: Actor, column: str) -> list[ev.Event]:
    """``actor`` places every note of their packet into ``column``; the events made."""
    out: list[ev.Event] = []
    for note_id in held(board, actor):
        out += board.move(actor, note_id, column)
    return out


# Switching on and off ---------------------------------------------------------------


def test_packets_switch_on_by_themselves_from_packets_from() -> None:
    board, (p0, *_) = affinity_board(writers=3, notes_each=3, packets_from=10)
    assert not board.state.packets_on()  # 9 notes
    with pytest.raises(Rejection) as info:
        handle(board.state, _frame("packet.request"), p0, 1.0)
    assert info.value.code == "packets_off"
    board2, (q0, *_) = affinity_board(writers=2, notes_each=5, packets_from=10)
    assert board2.state.packets_on()
    assert kinds(request(board2, q0)) == ["packet.assigned"]


def test_facilitator_switches_and_off_returns_every_open_packet() -> None:
    board, (p0, p1, *_) = affinity_board(packets_from=1000)
    assert kinds(board.send(FACILITATOR, {"type": "packets.switch", "enabled": True})) == [
        "packets.switched"
    ]
    request(board, p0)
    request(board, p1)
    assert len(board.state.packets) == 2
    events = board.send(FACILITATOR, {"type": "packets.switch", "enabled": False})
    assert kinds(events) == ["packets.switched", "packet.returned", "packet.returned"]
    assert {e.reason for e in events if isinstance(e, ev.PacketReturned)} == {"off"}
    assert not board.state.packets and not board.state.packet_of_note
    assert board.send(FACILITATOR, {"type": "packets.switch", "enabled": False}) == []
    with pytest.raises(Rejection) as info:
        board.send(p0, {"type": "packet.request"})
    assert info.value.code == "packets_off"
    # back to automatic: 24 notes < 1000, still off
    board.send(FACILITATOR, {"type": "packets.switch", "enabled": None})
    assert not board.state.packets_on()


def _frame(kind: str, **fields: Any) -> Any:
    from gamestorm.games import parse_command

    return parse_command({"type": kind, **fields})


# Handing out -------------------------------------------------------------------------


def test_two_participants_get_disjoint_packets_of_the_packet_size() -> None:
    board, (p0, p1, *_) = affinity_board(packets_from=0, packet_size=5)
    a, b = request(board, p0), request(board, p1)
    assert kinds(a) == kinds(b) == ["packet.assigned"]
    first, second = a[0], b[0]
    assert isinstance(first, ev.PacketAssigned) and isinstance(second, ev.PacketAssigned)
    assert len(first.note_ids or ()) == first.size == 5 and first.pass_ == "sort"
    assert not set(first.note_ids or ()) & set(second.note_ids or ())
    assert first.packet_id != second.packet_id
    assert request(board, p0) == [], "asking again while holding one: acked, nothing new"


def test_a_done_packet_brings_the_next_and_counts() -> None:
    board, (p0, *_) = affinity_board(packets_from=0, packet_size=4)
    board.column(p0, "k1")
    request(board, p0)
    first = held(board, p0)
    events = place_all(board, p0, "k1")
    assert kinds(events)[-3:] == ["note.moved", "packet.returned", "packet.assigned"]
    done = events[-2]
    assert isinstance(done, ev.PacketReturned)
    assert (done.reason, done.placed, done.holder) == ("done", 4, p0.id)
    assert not set(held(board, p0)) & set(first)
    own = snapshot(board.state, p0.id)["mine"]
    assert own["packets_done"] == 1 and own["notes_placed"] == 4
    assert own["packet"]["note_ids"] == held(board, p0) and own["packet"]["pass"] == "sort"
    counts = score(board.state)
    assert counts["packets_done"] == 1 and counts["packets_open"] == 1
    assert counts["placed"] == 4 and counts["packets_on"] is True


def test_someone_else_placing_the_last_note_completes_the_holders_packet() -> None:
    board, (p0, p1, *_) = affinity_board(packets_from=0, packet_size=3)
    board.column(p1, "k1")
    request(board, p0)
    notes = held(board, p0)
    board.move(p0, notes[0], "k1")
    board.move(p1, notes[1], "parking")
    events = board.move(p1, notes[2], "k1")
    done = [e for e in events if isinstance(e, ev.PacketReturned)]
    assert done and done[0].holder == p0.id and done[0].placed == 1
    assert held(board, p0), "the holder got the next packet"


def test_waiting_for_notes_then_served_when_a_packet_is_given_back() -> None:
    board, (p0, p1, p2, *_) = affinity_board(writers=2, notes_each=4, helpers=1, packets_from=0)
    request(board, p0)  # 8 notes: all of them
    assert held(board, p0) and len(held(board, p0)) == 8
    events = request(board, p1)
    assert kinds(events) == ["packet.requested"]
    assert request(board, p1) == [], "waiting already"
    request(board, p2)
    assert board.state.waiting == [p1.id, p2.id]
    assert snapshot(board.state, p1.id)["mine"]["waiting"] is True
    assert score(board.state)["waiting"] == 2
    packet_id = board.state.packet_of_holder[p0.id]
    events = board.send(p0, {"type": "packet.return", "packet_id": packet_id})
    assert kinds(events) == ["packet.returned", "packet.assigned"]
    assert events[0].reason == "given_back"  # type: ignore[union-attr]
    assert events[1].holder == p1.id  # type: ignore[union-attr]
    assert board.state.waiting == [p2.id]


def test_return_and_confirm_of_someone_elses_packet_is_not_found() -> None:
    board, (p0, p1, *_) = affinity_board(packets_from=0)
    request(board, p0)
    packet_id = board.state.packet_of_holder[p0.id]
    for kind in ("packet.return", "packet.confirm"):
        with pytest.raises(Rejection) as info:
            board.send(p1, {"type": kind, "packet_id": packet_id})
        assert info.value.code == "not_found"
    with pytest.raises(Rejection) as info:
        board.send(p0, {"type": "packet.confirm", "packet_id": packet_id})
    assert info.value.code == "invalid", "a sort packet is done by placing its notes"


# Given back by the server: idle, left -------------------------------------------------


def test_an_idle_packet_goes_back_and_a_move_keeps_it() -> None:
    board, (p0, p1, *_) = affinity_board(packets_from=0, packet_idle_seconds=30)
    board.column(p0, "k1")
    request(board, p0)
    start = board.now
    assert release(board, start + 29) == []
    board.now = start + 20
    board.move(p0, held(board, p0)[0], "k1")  # touched at start + 21
    assert release(board, start + 40) == [], "a move keeps it"
    events = release(board, start + 51)
    assert kinds(events) == ["packet.returned"]
    assert events[0].reason == "idle" and events[0].placed == 1  # type: ignore[union-attr]
    assert p0.id not in board.state.packet_of_holder


def test_a_holder_who_left_loses_the_packet_to_the_one_waiting() -> None:
    board, (p0, p1, *_) = affinity_board(writers=1, notes_each=5, helpers=1, packets_from=0)
    request(board, p0)
    request(board, p1)  # waits
    events = release(board, board.now + 1, offline=(p0.id,))
    assert kinds(events) == ["packet.returned", "packet.assigned"]
    assert events[0].reason == "left"  # type: ignore[union-attr]
    assert held(board, p1) and not held(board, p0)
    # a waiter who is offline too is skipped
    request(board, p0)
    release(board, board.now + 1, offline=(p1.id, p0.id))
    assert not board.state.packets


def test_release_by_a_participant_is_forbidden_and_outside_affinity_a_no_op() -> None:
    board, (p0, *_) = affinity_board(packets_from=0)
    with pytest.raises(Rejection) as info:
        handle(board.state, ReleasePackets(now=1e9), p0, 1.0)
    assert info.value.code == "forbidden"
    request(board, p0)
    board.send(FACILITATOR, {"type": "packets.switch", "enabled": False})
    assert release(board, 1e9) == []


# The pool, authorship ----------------------------------------------------------------


def test_the_pool_empties_before_any_note_goes_out_twice() -> None:
    board, everyone = affinity_board(writers=4, notes_each=5, helpers=2, packets_from=0)
    handed: dict[str, int] = {}
    for round_ in range(12):
        actor = everyone[round_ % len(everyone)]
        before = dict(board.state.handed_out)
        free = [n for n in board.state.unsorted if n not in board.state.packet_of_note]
        events = request(board, actor)
        for event in events:
            if isinstance(event, ev.PacketAssigned):
                repeats = [n for n in event.note_ids or () if before.get(n, 0) > 0]
                fresh_left = [n for n in free if before.get(n, 0) == 0]
                if repeats:
                    assert set(fresh_left) <= set(event.note_ids or ()), "a fresh note was left"
                for n in event.note_ids or ():
                    handed[n] = handed.get(n, 0) + 1
        packet_id = board.state.packet_of_holder.get(actor.id)
        if packet_id:
            board.send(actor, {"type": "packet.return", "packet_id": packet_id})
    assert max(handed.values()) - min(handed.values()) <= 1
    assert len(handed) == 20


def test_the_draw_does_not_depend_on_who_wrote_a_note() -> None:
    """The same note ids written by other people give the same packets."""

    def draws(writer_order: list[int]) -> list[list[str]]:
        board = Board(sharing={"packets_from": 0, "packet_size": 3})
        actors = [Actor(f"p{i}", "participant") for i in range(3)]
        for actor in actors:
            board.join(actor)
        board.advance()
        for i in range(9):
            board.note(actors[writer_order[i]], f"n{i}", f"Idee {i}")
        board.advance()
        return [held(board, a) for a in actors if request(board, a)]

    assert draws([0, 0, 0, 1, 1, 1, 2, 2, 2]) == draws([2, 1, 0, 2, 1, 0, 0, 0, 0])


# The second look ----------------------------------------------------------------------


def test_second_look_hands_out_placed_notes_seen_by_fewer_than_two() -> None:
    board, (p0, p1, p2, *_) = affinity_board(writers=3, notes_each=2, packets_from=0)
    board.column(p0, "k1")
    request(board, p0)
    events = place_all(board, p0, "k1")  # all 6 notes: sorted, nothing left to sort
    assert not any(isinstance(e, ev.PacketAssigned) for e in events), "p0 saw every note"
    counts = score(board.state)
    assert counts["second_look"] == {"seen_twice": 0, "total": 6}
    events = request(board, p1)
    assert kinds(events) == ["packet.assigned"]
    review = events[0]
    assert isinstance(review, ev.PacketAssigned) and review.pass_ == "review"
    assert len(review.note_ids or ()) == 6
    events = board.send(p1, {"type": "packet.confirm", "packet_id": review.packet_id})
    assert kinds(events) == ["packet.returned"]
    assert score(board.state)["second_look"] == {"seen_twice": 6, "total": 6}
    assert request(board, p2) == [], "every note seen twice: nothing to hand out"
    # leaving affinity is not held up by the second look, only by unsorted notes
    assert kinds(board.advance())[-1] == "phase.changed"


def test_second_look_off_hands_out_nothing_once_everything_is_placed() -> None:
    board, (p0, p1, *_) = affinity_board(writers=2, notes_each=2, packets_from=0, second_look=False)
    board.column(p0, "k1")
    request(board, p0)
    place_all(board, p0, "k1")
    assert request(board, p1) == []
    assert score(board.state)["second_look"] is None


# Leaving affinity ------------------------------------------------------------------------


def test_leaving_affinity_with_an_unplaced_note_is_still_refused_and_drops_packets() -> None:
    board, (p0, p1) = affinity_board(writers=1, notes_each=3, helpers=1, packets_from=0)
    board.column(p0, "k1")
    request(board, p0)
    notes = held(board, p0)
    board.move(p0, notes[0], "k1")
    board.move(p0, notes[1], "k1")
    with pytest.raises(Rejection) as info:
        board.advance()
    assert info.value.code == "unsorted_notes"
    board.move(FACILITATOR, notes[2], "parking")
    assert not board.state.packets  # done with the last note
    assert request(board, p0) == [], "p0 has seen every note"
    request(board, p1)  # a review packet
    assert board.state.packets
    board.advance()
    assert not board.state.packets and not board.state.packet_of_holder
    assert snapshot(board.state, p1.id)["mine"]["packet"] is None


# Privacy -------------------------------------------------------------------------------


@pytest.mark.parametrize("anonymous", [True, False])
def test_packet_events_tell_a_third_party_nothing_of_who_or_which(anonymous: bool) -> None:
    board, (p0, p1, p2, *_) = affinity_board(writers=3, notes_each=3, anonymous=anonymous)
    board.send(FACILITATOR, {"type": "packets.switch", "enabled": True})
    board.column(p0, "k1")
    request(board, p0)
    request(board, p1)
    request(board, p2)
    place_all(board, p0, "k1")
    release(board, board.now + 1, offline=(p1.id,))
    people_and_notes = {a.id for a in (p0, p1, p2)} | set(board.state.notes)
    seen = 0
    for event in board.log:
        if event.KIND not in PACKET_KINDS:
            continue
        seen += 1
        public = public_variant(event, anonymous)
        assert not strings_in(public) & people_and_notes, public
        owner = redact(ev.to_dict(event), anonymous)
        assert owner.owner in people_and_notes and owner.owner_view == ev.to_dict(event)
    assert seen >= 5
    other_view = snapshot(board.state, p2.id)
    assert other_view["mine"]["packet"] is None or other_view["mine"]["packet"]["note_ids"] == (
        held(board, p2)
    )
    assert not strings_in(other_view["counts"]) & people_and_notes


def test_pass_is_the_wire_name_and_old_moves_read_back() -> None:
    event = ev.PacketAssigned("pk-1", "p1", ["n1"], "review", 1, 5.0)
    data = ev.to_dict(event)
    assert data["pass"] == "review" and "pass_" not in data
    assert ev.from_dict(json.loads(json.dumps(data))) == event
    old = ev.from_dict(
        {"kind": "note.moved", "note_id": "n", "column_id": None, "index": 0, "by": "p"}
    )
    assert isinstance(old, ev.NoteMoved) and old.at is None


def test_an_old_log_has_no_sharing() -> None:
    board = Board()
    created = board.log[0]
    assert isinstance(created, ev.BoardCreated) and created.sharing == SHARING_DEFAULTS
    old = ev.to_dict(created)
    del old["sharing"]
    state = fold([ev.from_dict(old)])
    assert state.sharing is None and state.max_columns() == 500
    assert snapshot(state, "f")["board"]["sharing"] is None
    with pytest.raises(Rejection) as info:
        handle(state, _frame("packets.switch", enabled=True), FACILITATOR, 1.0)
    assert info.value.code in ("packets_off", "phase_forbids")


# Random traffic --------------------------------------------------------------------------


class Step(NamedTuple):
    kind: str
    who: int
    a: int
    b: int


STEP = st.builds(
    Step,
    st.sampled_from(
        ["request"] * 4 + ["move"] * 6 + ["return", "confirm", "idle", "left", "switch", "merge"]
    ),
    st.integers(0, 4),
    st.integers(0, 40),
    st.integers(0, 5),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(STEP, min_size=10, max_size=70), st.booleans())
def test_random_traffic_keeps_packets_disjoint_private_and_replayable(
    steps: list[Step], anonymous: bool
) -> None:
    board, everyone = affinity_board(
        writers=3, notes_each=5, helpers=2, anonymous=anonymous, packets_from=0, packet_size=3
    )
    for column in ("k1", "k2", "k3"):
        board.column(FACILITATOR, column)
    for step in steps:
        actor = everyone[step.who]
        state = board.state
        before = dict(state.handed_out)
        free_fresh = {
            n for n in state.unsorted if n not in state.packet_of_note and before.get(n, 0) == 0
        }
        try:
            events = _play(board, step, actor)
        except Rejection:
            continue
        for event in events:
            if isinstance(event, ev.PacketAssigned) and event.pass_ == "sort":
                notes = set(event.note_ids or ())
                if any(before.get(n, 0) for n in notes):
                    assert free_fresh <= notes, "a note went out twice while a fresh one waited"
            if event.KIND in PACKET_KINDS:
                public = public_variant(event, anonymous)
                assert public.get("holder") is None and public.get("note_ids") is None
                assert public.get("participant_id") is None
        _check_packets(board)
    assert refold(board) == board.state


def _play(board: Board, step: Step, actor: Actor) -> list[ev.Event]:
    state = board.state
    packet_id = state.packet_of_holder.get(actor.id, "pk-0")
    match step.kind:
        case "request":
            return request(board, actor)
        case "move":
            mine = held(board, actor)
            pool = mine or list(state.notes)
            note_id = pool[step.a % len(pool)]
            target = (None, "parking", *state.columns)[step.b % (2 + len(state.columns))]
            if mine and step.b != 0 and target is None:
                target = "parking"
            return board.move(actor, note_id, target, step.a % 4)
        case "return":
            return board.send(actor, {"type": "packet.return", "packet_id": packet_id})
        case "confirm":
            return board.send(actor, {"type": "packet.confirm", "packet_id": packet_id})
        case "idle":
            return release(board, board.now + step.a * 3)
        case "left":
            return release(board, board.now, offline=(actor.id,))
        case "switch":
            enabled = (True, False, None)[step.b % 3] if step.a % 4 == 0 else True
            return board.send(FACILITATOR, {"type": "packets.switch", "enabled": enabled})
        case "merge":
            columns = list(state.columns)
            if len(columns) < 3:
                return []
            frame = {"type": "column.merge", "source": columns[0], "target": columns[1]}
            return board.send(FACILITATOR, frame)
    raise AssertionError(step.kind)


def _check_packets(board: Board) -> None:
    state = board.state
    owner: dict[str, str] = {}
    for packet in state.packets.values():
        assert packet.holder is not None
        assert state.packet_of_holder[packet.holder] == packet.id
        for note_id in packet.note_ids:
            assert note_id in state.notes
            assert note_id not in owner, "two open packets share a note"
            owner[note_id] = packet.id
    assert owner == state.packet_of_note
    assert len(state.packet_of_holder) == len(state.packets)
    assert not set(state.waiting) & set(state.packet_of_holder)
    assert state == fold(roundtrip(board.log))


def test_nobody_counts_as_waiting_once_no_packet_is_open() -> None:
    board, (p0, p1) = affinity_board(writers=1, notes_each=2, helpers=1, packets_from=0)
    board.column(p0, "k1")
    request(board, p0)
    request(board, p1)
    assert score(board.state)["waiting"] == 1
    events = place_all(board, p0, "k1")
    # p1 (who saw none of them) gets the second-look packet at once
    assert [e.KIND for e in events][-1] == "packet.assigned"
    assert held(board, p1) and score(board.state)["waiting"] == 0
    board.send(p1, {"type": "packet.confirm", "packet_id": board.state.packet_of_holder[p1.id]})
    assert score(board.state)["waiting"] == 0 and not board.state.packets
    assert snapshot(board.state, p1.id)["mine"]["waiting"] is False
