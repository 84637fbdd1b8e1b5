"""The rules of RULES.md and PROTOCOL.md one at a time, each where it can break."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from rules_testkit import (
    AUTHOR,
    FACILITATOR,
    OTHER,
    PROJECTOR,
    THIRD,
    Board,
    board_in,
    refold,
)

from gamestorm.games import PARKING, Actor, Join, Limits, Rejection, handle, parse_command
from gamestorm.games import events as ev


def refused(board: Board, actor: Actor | None, frame: dict[str, Any]) -> Rejection:
    """Send a frame that must be refused; check the refusal changed nothing."""
    before = copy.deepcopy(board.state)
    with pytest.raises(Rejection) as info:
        board.send(actor, frame)
    assert board.state == before
    return info.value


def code_of(board: Board, actor: Actor | None, frame: dict[str, Any]) -> str:
    """The code a refused frame gets (after checking that it changed nothing)."""
    return refused(board, actor, frame).code


def advance_frame(phase: str) -> dict[str, Any]:
    return {"type": "phase.advance", "from": phase}


def small_affinity_board() -> Board:
    """Affinity with two unsorted notes by two authors, nothing else: small and explicit."""
    board = Board(criteria=["impact"], top_n=1)
    board.join(AUTHOR)
    board.join(OTHER)
    board.advance()
    board.note(AUTHOR, "x1", "eins")
    board.note(OTHER, "x2", "zwei")
    board.advance()
    return board


# Phases -------------------------------------------------------------------------------


def test_leaving_affinity_with_unsorted_notes_names_them_and_changes_nothing(
    affinity_board: Board,
) -> None:
    board = affinity_board
    board.move(OTHER, "n-b2", None)  # back to unsorted
    board.move(OTHER, "n-a1", None)
    rejection = refused(board, FACILITATOR, advance_frame("affinity"))
    assert rejection.code == "unsorted_notes"
    assert rejection.details["note_ids"] == ["n-b2", "n-a1"]
    assert "Prototypen statt Folien" in rejection.message  # the message names them
    assert board.state.phase.id == "affinity"


def test_parking_lot_counts_as_sorted() -> None:
    board = small_affinity_board()
    board.column(AUTHOR, "k1")
    board.move(AUTHOR, "x1", "k1")
    with pytest.raises(Rejection) as info:
        board.advance()
    assert info.value.details["note_ids"] == ["x2"]
    board.move(OTHER, "x2", PARKING)
    kinds = [e.KIND for e in board.advance()]
    assert kinds == ["phase.changed"]
    assert board.state.phase.id == "name"
    board.pass_name()
    assert board.state.candidates == ("k1",)  # parking is never a candidate
    assert board.state.parking == ["x2"]


def test_empty_columns_are_dropped_when_affinity_ends_and_the_rest_are_candidates(
    affinity_board: Board,
) -> None:
    board = affinity_board
    board.column(THIRD, "c-6")  # a second empty column, made last
    events = board.advance()
    dropped = [e for e in events if isinstance(e, ev.ColumnsDropped)]
    assert [d.column_ids for d in dropped] == [["c-5", "c-6"]]
    assert list(board.state.columns) == ["c-1", "c-2", "c-3", "c-4"]
    board.pass_name()
    assert board.state.candidates == ("c-1", "c-2", "c-3", "c-4")  # order of making
    assert board.state.columns["c-1"].notes == ["n-a1", "n-b1"]


def test_a_column_emptied_during_mapping_is_dropped_too(affinity_board: Board) -> None:
    board = affinity_board
    board.move(AUTHOR, "n-a2", "c-1")  # c-2 becomes empty
    board.advance()
    board.pass_name()
    assert board.state.candidates == ("c-1", "c-3", "c-4")


def test_leaving_rank_without_rankings_is_refused() -> None:
    board = board_in("name")
    board.advance()
    rejection = refused(board, FACILITATOR, advance_frame("rank"))
    assert rejection.code == "no_rankings"
    board.rank(THIRD, "effort", ["c-4", "c-3", "c-2", "c-1"])
    assert [e.KIND for e in board.advance()] == ["results.computed", "phase.changed"]


def test_stale_from_is_refused_so_a_double_click_never_skips_a_phase() -> None:
    board = board_in("ignite")
    click = advance_frame("ignite")
    board.send(FACILITATOR, click)
    rejection = refused(board, FACILITATOR, click)
    assert rejection.code == "stale_phase"
    assert rejection.details["phase"] == "generate"
    assert board.state.phase.id == "generate"
    assert code_of(board, FACILITATOR, advance_frame("affinity")) == "stale_phase"
    assert code_of(board, FACILITATOR, advance_frame("nonsense")) == "stale_phase"


@pytest.mark.parametrize("actor", [AUTHOR, OTHER, PROJECTOR, Actor("f", "participant")])
def test_only_the_facilitator_advances(actor: Actor) -> None:
    board = board_in("generate")
    assert code_of(board, actor, advance_frame("generate")) == "forbidden"


def test_a_command_without_sender_is_unauthorized() -> None:
    board = board_in("generate")
    command = parse_command({"type": "note.create", "note_id": "z", "text": "x"})
    with pytest.raises(Rejection) as info:
        handle(board.state, command, None, 1.0)
    assert info.value.code == "unauthorized"


def test_the_default_game_plays_through_and_the_log_folds_back() -> None:
    board = board_in("close")
    assert [p for p, _ in board.state.phase_log] == [
        "ignite",
        "generate",
        "affinity",
        "name",
        "rank",
        "close",
    ]
    assert board.state.seq == len(board.log)
    assert refold(board) == board.state


# Privacy of the generate phase ----------------------------------------------------------


def test_generate_keeps_texts_private_until_it_ends() -> None:
    board = board_in("generate")
    assert all(n.private for n in board.state.notes.values())
    events = board.advance()
    revealed = [e for e in events if isinstance(e, ev.NotesRevealed)]
    assert len(revealed) == 1
    assert [n["note_id"] for n in revealed[0].notes] == [
        "n-a1",
        "n-a2",
        "n-b1",
        "n-b2",
        "n-c1",
        "n-c2",
    ]
    assert revealed[0].notes[1]["text"] == "weniger Meetings"  # the edited text
    assert not any(n.private for n in board.state.notes.values())


# Close: selection and follow-up ---------------------------------------------------------


def test_close_selects_the_top_n_and_parks_every_other_candidate(closed_board: Board) -> None:
    """Totals worked out by hand in board_in's docstring: c-1 4, c-2 6, c-3 8, c-4 12."""
    state = closed_board.state
    assert state.results is not None
    table = [(c["column_id"], c["place"], c["total"]) for c in state.results["candidates"]]
    assert table == [("c-1", 1, 4), ("c-2", 2, 6), ("c-3", 3, 8), ("c-4", 4, 12)]
    assert state.selected == ["c-1", "c-2"]
    parked = [c["column_id"] for c in state.results["candidates"] if not c["selected"]]
    assert parked == ["c-3", "c-4"]
    assert set(state.selected) | set(parked) == set(state.candidates)
    assert not set(state.selected) & set(parked)


def test_top_n_larger_than_the_candidates_selects_all() -> None:
    board = small_affinity_board()
    board.column(AUTHOR, "k1")
    board.move(AUTHOR, "x1", "k1")
    board.move(AUTHOR, "x2", "k1")
    board.advance()
    board.pass_name()
    board.rank(AUTHOR, "impact", ["k1"])
    board.advance()
    assert board.state.selected == ["k1"]


def test_selection_swap_moves_a_parked_candidate_in_and_a_selected_one_out(
    closed_board: Board,
) -> None:
    board = closed_board
    frame = {"type": "selection.swap", "selected": "c-2", "parked": "c-4", "reason": "cheap"}
    events = board.send(FACILITATOR, frame)
    assert [e.KIND for e in events] == ["selection.swapped"]
    assert board.state.selected == ["c-1", "c-4"]  # the place of the one swapped out
    assert board.state.swaps[0]["reason"] == "cheap"
    # c-2 is parked now and can come back; a selected one cannot be "parked" in a swap.
    back = {"type": "selection.swap", "selected": "c-4", "parked": "c-2", "reason": "undo"}
    board.send(FACILITATOR, back)
    assert board.state.selected == ["c-1", "c-2"]
    for selected, parked in [("c-3", "c-4"), ("c-1", "c-2"), ("c-1", "c-9"), ("c-1", "parking")]:
        bad = {"type": "selection.swap", "selected": selected, "parked": parked, "reason": "r"}
        assert code_of(board, FACILITATOR, bad) == "not_found", (selected, parked)
    assert refold(board) == board.state


def test_followup_set_records_per_candidate_and_refuses_unknown_columns(
    closed_board: Board,
) -> None:
    board = closed_board
    frame = {
        "type": "followup.set",
        "column_id": "c-2",
        "owner": "  Ana  ",
        "next_step": "Pilot",
        "decide_by": "2027-01-15",
        "status": "scale",
    }
    board.send(FACILITATOR, frame)
    followup = board.state.followups["c-2"]
    assert (followup.owner, followup.decide_by, followup.status) == ("Ana", "2027-01-15", "scale")
    assert code_of(board, FACILITATOR, {**frame, "column_id": "c-5"}) == "not_found"
    assert code_of(board, FACILITATOR, {**frame, "decide_by": "morgen"}) == "invalid"
    assert code_of(board, FACILITATOR, {**frame, "status": "maybe"}) == "invalid"


# Idempotent creates ---------------------------------------------------------------------


@pytest.mark.parametrize("later", ["generate", "affinity", "rank", "close"])
def test_note_create_retry_by_its_sender_is_acknowledged_even_after_the_phase_moved(
    later: str,
) -> None:
    board = board_in(later)
    seq = board.state.seq
    retry = {"type": "note.create", "note_id": "n-a1", "text": "mehr Zeit mit Kunden"}
    assert board.send(AUTHOR, retry) == []
    assert board.state.seq == seq
    assert code_of(board, OTHER, retry) == "forbidden"
    assert code_of(board, PROJECTOR, retry) == "forbidden"
    assert code_of(board, FACILITATOR, retry) == "forbidden"


def test_note_create_retry_of_a_deleted_note_does_not_bring_it_back() -> None:
    board = board_in("generate")
    assert board.note(THIRD, "n-c3", "verworfen") == []
    assert "n-c3" not in board.state.notes
    assert (
        code_of(board, AUTHOR, {"type": "note.create", "note_id": "n-c3", "text": "x"})
        == "forbidden"
    )


@pytest.mark.parametrize("later", ["affinity", "rank", "close"])
def test_column_create_retry_by_its_sender_is_acknowledged_even_after_the_phase_moved(
    later: str,
) -> None:
    board = board_in(later)
    seq = board.state.seq
    assert board.column(OTHER, "c-5") == []  # c-5 was dropped at the end of affinity
    assert board.column(FACILITATOR, "c-3") == []
    assert board.state.seq == seq
    assert code_of(board, AUTHOR, {"type": "column.create", "column_id": "c-2"}) == "forbidden"
    assert code_of(board, PROJECTOR, {"type": "column.create", "column_id": "c-2"}) == "forbidden"


def test_parking_is_not_a_column_id() -> None:
    board = board_in("affinity")
    assert code_of(board, AUTHOR, {"type": "column.create", "column_id": "parking"}) == "invalid"


# note.move ------------------------------------------------------------------------------


def mapping_board() -> Board:
    """Affinity with column k1 = [a, b, c] and column k2 = [x]."""
    board = Board()
    board.join(AUTHOR)
    board.advance()
    for note_id in ("a", "b", "c", "x"):
        board.note(AUTHOR, note_id, f"note {note_id}")
    board.advance()
    board.column(AUTHOR, "k1")
    board.column(AUTHOR, "k2")
    for note_id in ("a", "b", "c"):
        board.move(AUTHOR, note_id, "k1")
    board.move(AUTHOR, "x", "k2")
    assert board.state.columns["k1"].notes == ["a", "b", "c"]
    return board


@pytest.mark.parametrize(
    ("note_id", "target", "index", "k1", "k2"),
    [
        # Within a column: the index counts after the note has left its old place.
        ("a", "k1", 1, ["b", "a", "c"], ["x"]),
        ("a", "k1", 2, ["b", "c", "a"], ["x"]),
        ("c", "k1", 0, ["c", "a", "b"], ["x"]),
        ("c", "k1", 1, ["a", "c", "b"], ["x"]),
        ("b", "k1", 99, ["a", "c", "b"], ["x"]),  # past the end: last
        # Into another column.
        ("x", "k1", 1, ["a", "x", "b", "c"], []),
        ("x", "k1", 3, ["a", "b", "c", "x"], []),
        ("x", "k1", 4, ["a", "b", "c", "x"], []),
        ("a", "k2", 0, ["b", "c"], ["a", "x"]),
        ("a", "k2", 7, ["b", "c"], ["x", "a"]),
    ],
)
def test_note_move_index(
    note_id: str, target: str, index: int, k1: list[str], k2: list[str]
) -> None:
    board = mapping_board()
    (moved,) = board.move(OTHER, note_id, target, index)
    assert isinstance(moved, ev.NoteMoved)
    assert board.state.columns["k1"].notes == k1
    assert board.state.columns["k2"].notes == k2
    assert board.state.note_list(target).index(note_id) == moved.index  # its place after
    assert board.place(note_id) == target


def test_note_move_to_its_own_place_is_a_no_op() -> None:
    board = mapping_board()
    assert board.move(AUTHOR, "b", "k1", 1) == []
    assert board.move(AUTHOR, "c", "k1", 50) == []


def test_note_move_without_index_goes_last_and_null_means_unsorted() -> None:
    board = mapping_board()
    board.send(AUTHOR, {"type": "note.move", "note_id": "a", "column_id": "k2"})
    assert board.state.columns["k2"].notes == ["x", "a"]
    board.move(AUTHOR, "b", None, 0)
    assert board.state.unsorted == ["b"]
    assert board.place("b") is None
    board.move(AUTHOR, "c", PARKING, 0)
    board.move(AUTHOR, "b", PARKING, 0)
    assert board.state.parking == ["b", "c"]
    assert board.state.unsorted == []


def test_every_move_can_be_undone_by_another_move() -> None:
    board = mapping_board()
    board.move(AUTHOR, "a", "k2", 0)
    board.move(OTHER, "a", "k1", 0)
    assert board.state.columns["k1"].notes == ["a", "b", "c"]
    assert board.state.columns["k2"].notes == ["x"]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"note_id": "nope", "column_id": "k1", "index": 0}, "not_found"),
        ({"note_id": "a", "column_id": "k9", "index": 0}, "not_found"),
        ({"note_id": "a", "column_id": "k1", "index": -1}, "invalid"),
        ({"note_id": "a", "index": 0}, "bad_request"),
        ({"note_id": "a", "column_id": "k1", "index": "0"}, "bad_request"),
    ],
)
def test_note_move_refusals(frame: dict[str, Any], code: str) -> None:
    board = mapping_board()
    assert code_of(board, AUTHOR, {"type": "note.move", **frame}) == code


# ranking.submit -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "order",
    [
        pytest.param(["c-1", "c-1", "c-2", "c-3"], id="tie"),
        pytest.param(["c-1", "c-2", "c-3", "c-4", "c-4"], id="tie-and-complete"),
        pytest.param(["c-1", "c-2", "c-3"], id="missing"),
        pytest.param([], id="empty"),
        pytest.param(["c-1", "c-2", "c-3", "c-4", "c-5"], id="dropped-column"),
        pytest.param(["c-1", "c-2", "c-3", "parking"], id="parking"),
        pytest.param(["c-1", "c-2", "c-3", "zzz"], id="unknown"),
    ],
)
def test_ranking_that_is_not_a_strict_complete_order_is_refused(
    rank_board: Board, order: list[str]
) -> None:
    rejection = refused(
        rank_board, THIRD, {"type": "ranking.submit", "criterion": "impact", "order": order}
    )
    assert rejection.code == "not_a_permutation"
    assert rejection.details["candidates"] == ["c-1", "c-2", "c-3", "c-4"]


def test_ranking_for_an_unknown_criterion_is_refused(rank_board: Board) -> None:
    frame = {"type": "ranking.submit", "criterion": "cost", "order": ["c-1", "c-2", "c-3", "c-4"]}
    assert code_of(rank_board, THIRD, frame) == "not_found"


def test_a_second_ranking_replaces_the_first(rank_board: Board) -> None:
    board = rank_board
    count = len(board.state.rankings)
    board.rank(AUTHOR, "impact", ["c-4", "c-3", "c-2", "c-1"])
    assert len(board.state.rankings) == count
    assert board.state.rankings[("p1", "impact")] == ("c-4", "c-3", "c-2", "c-1")
    board.advance()
    assert board.state.results is not None
    impact = {
        c["column_id"]: c["per_criterion"]["impact"] for c in board.state.results["candidates"]
    }
    # p1's new order (4,3,2,1 for c-1..c-4) plus p2's (2,1,3,4): the old order counts no more.
    assert impact == {"c-1": 6, "c-2": 4, "c-3": 5, "c-4": 5}


# Text limits and frame shapes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("x", "x"),
        ("  x \n", "x"),
        ("ä" * 1000, "ä" * 1000),
        ("  " + "y" * 1000 + "\t ", "y" * 1000),
    ],
)
@pytest.mark.parametrize("command", ["note.create", "note.edit", "prompt.set"])
def test_texts_of_1_to_1000_characters_after_trimming_are_accepted(
    command: str, text: str, stored: str
) -> None:
    board = board_in("generate")
    actor = FACILITATOR if command == "prompt.set" else AUTHOR
    note_id = "n-new" if command == "note.create" else "n-a1"
    (event,) = board.send(actor, {"type": command, "note_id": note_id, "text": text})
    assert event.text == stored


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "invalid"),
        ("   \n\t", "invalid"),
        ("z" * 1001, "invalid"),
        ("  " + "z" * 1001 + "  ", "invalid"),
        ("a\x00b", "invalid"),
        (None, "bad_request"),
        (17, "bad_request"),
        (["x"], "bad_request"),
    ],
)
@pytest.mark.parametrize("command", ["note.create", "note.edit", "prompt.set"])
def test_texts_outside_the_limits_are_code_of(command: str, text: Any, code: str) -> None:
    board = board_in("generate")
    actor = FACILITATOR if command == "prompt.set" else AUTHOR
    note_id = "n-new" if command == "note.create" else "n-a1"
    frame = {"type": command, "note_id": note_id, "text": text}
    assert code_of(board, actor, frame) == code


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({}, "bad_request"),
        ({"cid": "1"}, "bad_request"),
        ({"type": None}, "bad_request"),
        ({"type": 3}, "bad_request"),
        ({"type": ["note.create"]}, "bad_request"),
        ({"type": "note.crate"}, "unknown_type"),
        ({"type": "hello"}, "unknown_type"),
        ({"type": "participant.join", "participant_id": "p9", "name": "x"}, "unknown_type"),
        ({"type": "x" * 10_000}, "unknown_type"),
        ({"type": "note.create", "text": "x"}, "bad_request"),
        ({"type": "note.create", "note_id": 5, "text": "x"}, "bad_request"),
        ({"type": "note.create", "note_id": "a b", "text": "x"}, "invalid"),
        ({"type": "note.create", "note_id": "", "text": "x"}, "invalid"),
        ({"type": "note.create", "note_id": "n" * 65, "text": "x"}, "invalid"),
        ({"type": "phase.advance"}, "bad_request"),
        ({"type": "phase.advance", "from": 2}, "bad_request"),
        ({"type": "timer.set", "seconds": "60"}, "bad_request"),
        ({"type": "timer.set", "seconds": True}, "bad_request"),
        ({"type": "timer.set", "seconds": 1.5}, "bad_request"),
        ({"type": "timer.set", "seconds": -1}, "invalid"),
        ({"type": "ranking.submit", "criterion": "impact", "order": "c-1"}, "bad_request"),
        ({"type": "ranking.submit", "criterion": "impact", "order": [1, 2]}, "bad_request"),
        ({"type": "ranking.submit", "order": ["c-1"]}, "bad_request"),
        ({"type": "column.create", "column_id": None}, "bad_request"),
        ({"type": "selection.swap", "selected": "c-1", "parked": "c-2"}, "bad_request"),
    ],
)
def test_parse_command_refuses_malformed_frames(frame: dict[str, Any], code: str) -> None:
    with pytest.raises(Rejection) as info:
        parse_command(frame)
    assert info.value.code == code
    assert len(info.value.message) < 200  # an unknown 10k-character type is not echoed


def test_rejection_codes_are_those_of_the_contract() -> None:
    with pytest.raises(ValueError):
        Rejection("oops", "not a code of PROTOCOL.md")


# Joining --------------------------------------------------------------------------------


@pytest.mark.parametrize("phase", ["ignite", "generate", "affinity", "rank"])
def test_joining_stays_open_until_close(phase: str) -> None:
    board = board_in(phase)
    (joined,) = board.join(Actor("late", "participant"), "  Late  ")
    assert isinstance(joined, ev.ParticipantJoined)
    assert board.state.participants["late"].name == "Late"
    assert board.state.phase.id == phase  # a late joiner starts in the current phase


def test_joining_after_close_is_refused(closed_board: Board) -> None:
    command = Join("late", "Late")
    before = copy.deepcopy(closed_board.state)
    with pytest.raises(Rejection) as info:
        handle(closed_board.state, command, None, 99.0)
    assert info.value.code == "phase_forbids"
    assert closed_board.state == before


def test_joining_twice_with_one_id_or_an_empty_name_is_refused() -> None:
    board = board_in("ignite")
    with pytest.raises(Rejection) as info:
        handle(board.state, Join("p1", "Again"), None, 9.0)
    assert info.value.code == "forbidden"
    with pytest.raises(Rejection) as info:
        handle(board.state, Join("f", "Me"), None, 9.0)
    assert info.value.code == "forbidden"
    with pytest.raises(Rejection) as info:
        handle(board.state, Join("p9", "   "), None, 9.0)
    assert info.value.code == "invalid"


# Limits ---------------------------------------------------------------------------------


def test_limits_cap_participants_notes_and_columns() -> None:
    board = Board()
    board.state.limits = Limits(max_notes_per_participant=2, max_participants=2, max_columns=1)
    board.join(AUTHOR)
    board.join(OTHER)
    with pytest.raises(Rejection) as info:
        board.join(THIRD)
    assert info.value.code == "forbidden"
    board.advance()
    board.note(AUTHOR, "l1", "eins")
    board.note(AUTHOR, "l2", "zwei")
    assert (
        code_of(board, AUTHOR, {"type": "note.create", "note_id": "l3", "text": "drei"})
        == "invalid"
    )
    board.send(AUTHOR, {"type": "note.delete", "note_id": "l2"})
    board.note(AUTHOR, "l3", "drei")  # a deleted note frees its place
    board.advance()
    board.column(AUTHOR, "k1")
    assert code_of(board, OTHER, {"type": "column.create", "column_id": "k2"}) == "invalid"
