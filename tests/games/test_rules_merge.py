"""Columns at scale (issue 12): merge one column into another; a cap on columns."""

from __future__ import annotations

import pytest
from rules_testkit import FACILITATOR, Board, refold
from sharing_kit import affinity_board, public_variant

from gamestorm.games import Rejection, snapshot
from gamestorm.games import events as ev


def merge(board: Board, source: str, target: str) -> list[ev.Event]:
    return board.send(FACILITATOR, {"type": "column.merge", "source": source, "target": target})


def test_merge_moves_every_note_in_order_to_the_end_and_the_source_goes() -> None:
    board, (p0, p1, *_) = affinity_board()
    board.column(p0, "k1")
    board.column(p1, "k2")
    for i in range(3):
        board.move(p0, f"n-0-{i}", "k1")
        board.move(p1, f"n-1-{i}", "k2")
    board.move(p1, "n-1-2", "k2", 0)  # order in k2: n-1-2, n-1-0, n-1-1
    events = merge(board, "k2", "k1")
    assert [e.KIND for e in events] == ["column.merged"]
    merged = events[0]
    assert isinstance(merged, ev.ColumnMerged)
    assert merged.note_ids == ["n-1-2", "n-1-0", "n-1-1"]
    assert board.state.columns["k1"].notes == [
        "n-0-0",
        "n-0-1",
        "n-0-2",
        "n-1-2",
        "n-1-0",
        "n-1-1",
    ]
    assert "k2" not in board.state.columns
    assert all(board.state.notes[n].column == "k1" for n in merged.note_ids)
    assert public_variant(merged)["by"] is None, "by is hidden on anonymous boards"
    assert refold(board) == board.state
    view = snapshot(board.state, p0.id)
    assert [c["id"] for c in view["columns"]] == ["k1"]
    assert board.column(p1, "k2") == [], "a merged column is not made again (a retry)"


def test_merge_of_an_empty_column_and_errors() -> None:
    board, (p0, *_) = affinity_board()
    board.column(p0, "k1")
    board.column(p0, "k2")
    assert merge(board, "k2", "k1")[0].note_ids == []  # type: ignore[union-attr]
    board.column(p0, "k3")
    for source, target, code in (
        ("k1", "k1", "invalid"),
        ("k9", "k1", "not_found"),
        ("k1", "k9", "not_found"),
    ):
        with pytest.raises(Rejection) as info:
            merge(board, source, target)
        assert info.value.code == code
    with pytest.raises(Rejection) as info:
        board.send(p0, {"type": "column.merge", "source": "k1", "target": "k3"})
    assert info.value.code == "forbidden", "the facilitator merges"


def test_the_column_cap_defaults_to_40_with_its_own_error() -> None:
    board, (p0, *_) = affinity_board()
    for i in range(40):
        board.column(p0, f"k{i}")
    with pytest.raises(Rejection) as info:
        board.column(p0, "k40")
    assert info.value.code == "too_many_columns"
    assert info.value.details == {"max_columns": 40}
    assert "40" in info.value.message
    merge(board, "k1", "k0")  # a merge frees a place
    board.column(p0, "k40")


def test_the_column_cap_is_a_board_option() -> None:
    board, (p0, *_) = affinity_board(max_columns=2)
    board.column(p0, "k1")
    board.column(p0, "k2")
    with pytest.raises(Rejection) as info:
        board.column(p0, "k3")
    assert info.value.code == "too_many_columns" and info.value.details["max_columns"] == 2
