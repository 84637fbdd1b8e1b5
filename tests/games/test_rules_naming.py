"""The ``name`` phase: participants propose names for the columns, the facilitator decides."""

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
    default_game,
    refold,
)

from gamestorm.games import (
    Actor,
    Limits,
    Rejection,
    fold,
    from_dict,
    parse_game,
    redact,
    snapshot,
    to_dict,
)
from gamestorm.games import events as ev


def refused(board: Board, actor: Actor, frame: dict[str, Any]) -> Rejection:
    before = copy.deepcopy(board.state)
    with pytest.raises(Rejection) as info:
        board.send(actor, frame)
    assert board.state == before, "a rejected command changes nothing"
    return info.value


def propose(column_id: str, name: Any) -> dict[str, Any]:
    return {"type": "column.propose", "column_id": column_id, "name": name}


def name(column_id: str, text: Any) -> dict[str, Any]:
    return {"type": "column.name", "column_id": column_id, "name": text}


def name_board(*, anonymous: bool = True) -> Board:
    """The realistic board just after affinity ended: c-1..c-4 unnamed, no proposals."""
    board = board_in("affinity", anonymous=anonymous)
    board.advance()
    assert board.state.phase.type == "name"
    return board


def proposals(board: Board, column_id: str) -> list[tuple[str, int]]:
    return [(p.name, p.count) for p in board.state.columns[column_id].proposals.values()]


def test_affinity_ends_in_name_with_every_column_unnamed() -> None:
    board = name_board()
    assert [c.name for c in board.state.columns.values()] == [None] * 4
    assert [c.label() for c in board.state.columns.values()] == [
        "Column 1",
        "Column 2",
        "Column 3",
        "Column 4",
    ]
    assert board.state.candidates == (), "candidates are fixed only when rank begins"


def test_proposals_count_each_person_once_and_ignore_case_and_spaces() -> None:
    board = name_board()
    (event,) = board.propose(AUTHOR, "c-1", "  Kundennähe ")
    assert isinstance(event, ev.ColumnNameProposed)
    assert (event.column_id, event.name, event.by) == ("c-1", "Kundennähe", AUTHOR.id)
    assert board.propose(AUTHOR, "c-1", "Kundennähe") == [], "the same person twice counts once"
    assert board.propose(AUTHOR, "c-1", "KUNDENNÄHE") == []
    assert board.propose(OTHER, "c-1", "kundennähe") != []
    board.propose(THIRD, "c-1", "Nähe")
    board.propose(FACILITATOR, "c-1", "KundenNähe")
    # The first spelling stays the one shown; the facilitator's proposal counts too.
    assert proposals(board, "c-1") == [("Kundennähe", 3), ("Nähe", 1)]
    assert proposals(board, "c-2") == []
    snap = snapshot(board.state, OTHER.id)
    column = snap["columns"][0]
    assert column["name"] is None
    assert column["proposals"] == [
        {"name": "Kundennähe", "count": 3, "mine": True},
        {"name": "Nähe", "count": 1, "mine": False},
    ]


def test_snapshot_lists_proposals_by_count_then_first_proposed() -> None:
    board = name_board()
    board.propose(AUTHOR, "c-2", "Fokus")
    board.propose(AUTHOR, "c-2", "Weniger")
    board.propose(OTHER, "c-2", "weniger")
    board.propose(THIRD, "c-2", "Tempo")
    names = [p["name"] for p in snapshot(board.state, FACILITATOR.id)["columns"][1]["proposals"]]
    assert names == ["Weniger", "Fokus", "Tempo"]


def test_a_person_proposes_at_most_three_names_per_column() -> None:
    board = name_board()
    for text in ("Eins", "Zwei", "Drei"):
        board.propose(AUTHOR, "c-1", text)
    rejection = refused(board, AUTHOR, propose("c-1", "Vier"))
    assert rejection.code == "invalid" and "at most 3" in rejection.message
    assert "Column 1" in rejection.message
    assert board.propose(AUTHOR, "c-1", "eins") == [], "repeating an own proposal is fine"
    assert board.propose(AUTHOR, "c-2", "Vier") != [], "the cap is per column"
    assert board.propose(OTHER, "c-1", "Vier") != []


def test_a_column_takes_at_most_so_many_distinct_names_but_support_still_counts() -> None:
    board = name_board()
    board.state.limits = Limits(max_proposals_per_participant=3, max_proposals_per_column=2)
    board.propose(AUTHOR, "c-1", "Eins")
    board.propose(OTHER, "c-1", "Zwei")
    rejection = refused(board, THIRD, propose("c-1", "Drei"))
    assert rejection.code == "invalid" and "support one of them" in rejection.message
    board.propose(THIRD, "c-1", "zwei")
    assert proposals(board, "c-1") == [("Eins", 1), ("Zwei", 2)]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (propose("c-9", "Nähe"), "not_found"),
        (propose("c-5", "Nähe"), "not_found"),  # c-5 was dropped when affinity ended
        (propose("c-1", "   "), "invalid"),
        (propose("c-1", "x" * 61), "invalid"),
        (propose("c-1", 7), "bad_request"),
        (propose("c 1", "Nähe"), "invalid"),
        ({"type": "column.propose", "column_id": "c-1"}, "bad_request"),
        (name("c-9", "Nähe"), "not_found"),
        (name("c-1", ""), "invalid"),
        (name("c-1", "x" * 61), "invalid"),
        (name("c-1", None), "bad_request"),
    ],
)
def test_bad_proposals_and_names_are_refused(frame: dict[str, Any], code: str) -> None:
    board = name_board()
    actor = FACILITATOR if frame["type"] == "column.name" else AUTHOR
    assert refused(board, actor, frame).code == code


def test_sixty_characters_after_trimming_are_accepted() -> None:
    board = name_board()
    (event,) = board.send(AUTHOR, propose("c-1", "  " + "y" * 60 + "  "))
    assert isinstance(event, ev.ColumnNameProposed) and event.name == "y" * 60


def test_only_the_facilitator_names_and_may_rename() -> None:
    board = name_board()
    for actor in (AUTHOR, OTHER, PROJECTOR):
        assert refused(board, actor, name("c-1", "Nähe")).code == "forbidden"
    assert refused(board, PROJECTOR, propose("c-1", "Nähe")).code == "forbidden"
    (named,) = board.name("c-1", " Nähe ")
    assert isinstance(named, ev.ColumnNamed)
    assert (named.column_id, named.name, named.by) == ("c-1", "Nähe", FACILITATOR.id)
    assert board.name("c-1", "Nähe") == [], "the same name again changes nothing"
    board.name("c-1", "Kundennähe")
    assert board.state.columns["c-1"].name == "Kundennähe"
    assert board.state.columns["c-1"].label() == "Kundennähe"
    # Naming needs no proposal, and a proposal after naming is still taken.
    assert board.propose(OTHER, "c-1", "Nähe") != []


def test_leaving_name_with_unnamed_columns_is_refused_with_their_ids() -> None:
    board = name_board()
    board.name("c-2", "Fokus")
    board.name("c-4", "Daten")
    rejection = refused(board, FACILITATOR, {"type": "phase.advance", "from": "name"})
    assert rejection.code == "unnamed_columns"
    assert rejection.details["column_ids"] == ["c-1", "c-3"]
    assert "Column 1" in rejection.message and "Column 3" in rejection.message
    board.name("c-1", "Kundennähe")
    board.name("c-3", "Zeigen")
    assert [e.KIND for e in board.advance()] == ["phase.changed"]
    assert board.state.phase.id == "rank"
    assert board.state.candidates == ("c-1", "c-2", "c-3", "c-4")


def test_names_survive_to_close_and_the_log_folds_back() -> None:
    board = board_in("close")
    assert {c.id: c.name for c in board.state.columns.values()} == {
        "c-1": "Kundennähe",
        "c-2": "Fokus",
        "c-3": "Zeigen statt reden",
        "c-4": "Daten",
    }
    assert refold(board) == board.state
    snap = snapshot(board.state, AUTHOR.id)
    assert [c["name"] for c in snap["columns"]] == [
        "Kundennähe",
        "Fokus",
        "Zeigen statt reden",
        "Daten",
    ]
    assert snap["columns"][0]["proposals"][0] == {"name": "Kundennähe", "count": 2, "mine": True}


def old_game() -> dict[str, Any]:
    """The default game as boards created before the name phase stored it."""
    game = default_game().to_dict()
    game["phases"] = [p for p in game["phases"] if p["type"] != "name"]
    return game


def test_an_old_game_without_a_name_phase_goes_from_affinity_to_rank_unnamed() -> None:
    board = Board(game=parse_game(old_game(), "old board"), criteria=["impact"], top_n=1)
    board.join(AUTHOR)
    board.advance()
    board.note(AUTHOR, "x1", "eins")
    board.advance()
    board.column(AUTHOR, "k1")
    board.move(AUTHOR, "x1", "k1")
    board.advance()
    assert board.state.phase.id == "rank"
    assert board.state.candidates == ("k1",)
    assert board.state.columns["k1"].name is None
    assert board.state.columns["k1"].label() == "Column 1"
    assert refused(board, AUTHOR, propose("k1", "Nähe")).code == "phase_forbids"
    assert refused(board, FACILITATOR, name("k1", "Nähe")).code == "phase_forbids"
    snap = snapshot(board.state, AUTHOR.id)
    assert snap["columns"] == [
        {"id": "k1", "number": 1, "notes": ["x1"], "name": None, "proposals": []}
    ]
    board.rank(AUTHOR, "impact", ["k1"])
    board.advance()
    assert board.state.closed and board.state.selected == ["k1"]
    assert refold(board) == board.state


def test_on_anonymous_boards_only_the_proposer_sees_who_proposed() -> None:
    board = name_board(anonymous=True)
    (event,) = board.propose(AUTHOR, "c-1", "Nähe")
    redacted = redact(to_dict(event), anonymous=True)
    assert redacted.for_viewer(AUTHOR.id)["by"] == AUTHOR.id
    for viewer in (FACILITATOR, OTHER, PROJECTOR):
        view = redacted.for_viewer(viewer.id)
        assert view["by"] is None and view["name"] == "Nähe"
    (named,) = board.name("c-1", "Nähe")
    redacted = redact(to_dict(named), anonymous=True)
    assert redacted.for_viewer(FACILITATOR.id)["by"] == FACILITATOR.id
    assert redacted.for_viewer(AUTHOR.id) == {**to_dict(named), "by": None}
    board.propose(OTHER, "c-1", "nähe")
    for viewer in (FACILITATOR, AUTHOR, OTHER, THIRD):
        (listed,) = snapshot(board.state, viewer.id)["columns"][0]["proposals"]
        assert "by" not in listed
        assert listed["count"] == 2 and listed["mine"] == (viewer in (AUTHOR, OTHER))


def test_on_named_boards_everyone_sees_who_proposed() -> None:
    board = name_board(anonymous=False)
    (event,) = board.propose(AUTHOR, "c-1", "Nähe")
    assert redact(to_dict(event), anonymous=False).for_viewer(OTHER.id)["by"] == AUTHOR.id
    board.propose(THIRD, "c-1", "Nähe")
    (listed,) = snapshot(board.state, OTHER.id)["columns"][0]["proposals"]
    assert listed == {"name": "Nähe", "count": 2, "mine": False, "by": [AUTHOR.id, THIRD.id]}


def test_a_viewer_folding_redacted_events_counts_the_same() -> None:
    """A client that only sees ``by: null`` still gets every count right."""
    board = board_in("rank", anonymous=True)
    seen = [from_dict(redact(to_dict(e), True).for_viewer(OTHER.id)) for e in board.log]
    theirs = fold(seen)
    for column in board.state.columns.values():
        mine = theirs.columns[column.id]
        assert mine.name == column.name
        assert [(p.name, p.count) for p in mine.proposals.values()] == [
            (p.name, p.count) for p in column.proposals.values()
        ]
