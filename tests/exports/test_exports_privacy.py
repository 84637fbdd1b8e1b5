"""Anonymous boards stay anonymous in every export; private text stays private."""

from __future__ import annotations

import json

import pytest
from export_boards import FACILITATOR, NOTES, PEOPLE, play
from export_parsers import export_text

from gamestorm.games import BoardState
from gamestorm.server.exports import FORMATS, build_report, render

IDENTITIES = [s for person in (*PEOPLE, FACILITATOR) for s in person]


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_anonymous_exports_name_no_one(closed_board: BoardState, fmt: str) -> None:
    body = export_text(render(closed_board, fmt)[0], fmt)
    assert [s for s in IDENTITIES if s in body] == []


def test_anonymous_model_has_no_author_and_no_ranker(closed_board: BoardState) -> None:
    report = build_report(closed_board)
    notes = [*report["notes"], *report["parking_lot"]]
    notes += [n for c in report["candidates"] for n in c["notes"]]
    assert notes and all("author" not in n for n in notes)
    assert report["orders"] and all(
        set(o) == {"criterion", "order", "mine"} for o in report["orders"]
    )
    assert "participants" not in report


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_anonymous_exports_do_not_depend_on_who_did_what(fmt: str) -> None:
    """Same notes and orders from the same seats, but people (ids, names) shuffled:
    the export is byte for byte the same, so nothing in it points to a person, not
    even the order in which individual orders are listed."""
    reordered = (
        ("pid-zz99", "Someone Else"),
        ("pid-0000", "Another Person"),
        ("pid-m5m5", "Third Party"),
    )
    before, after = render(play(people=PEOPLE), fmt)[0], render(play(people=reordered), fmt)[0]
    if fmt in ("xlsx", "ics"):  # the time the file was made differs: compare the rest
        assert export_text(before, fmt) == export_text(after, fmt)
    else:
        assert before == after


def test_named_boards_show_authors_and_rankers(named_board: BoardState) -> None:
    report = build_report(named_board)
    by_id = {n["id"]: n for n in report["notes"]}
    assert by_id["note-1"]["author"] == {"id": "pid-a1b2", "name": "Zorblax Quuxington"}
    assert {o["participant"]["name"] for o in report["orders"]} == {p[1] for p in PEOPLE}
    md = render(named_board, "md")[0].decode()
    assert "Ottokar Pfefferminz" in md


def test_a_viewer_sees_which_notes_are_theirs(closed_board: BoardState) -> None:
    report = build_report(closed_board, viewer_id="pid-a1b2")
    mine = {n["id"] for n in report["notes"] if n["mine"]}
    assert mine == {nid for nid, (who, _, _) in NOTES.items() if who == 0}
    assert "pid-a1b2" not in json.dumps(report)
    assert sum(o["mine"] for o in report["orders"]) == 2  # impact and effort
    assert not any(n["mine"] for n in build_report(closed_board)["notes"])


def test_private_notes_show_only_to_their_author() -> None:
    state = play(until="generate")
    everyone = build_report(state)
    assert all(n["text"] is None for n in everyone["notes"])
    own = build_report(state, viewer_id="pid-c3d4")
    texts = {n["id"]: n["text"] for n in own["notes"]}
    assert texts["note-2"] == NOTES["note-2"][1]
    assert texts["note-1"] is None
    for fmt in FORMATS:
        body = export_text(render(state, fmt)[0], fmt)
        assert not [t for _, t, _ in NOTES.values() if t.split()[0] in body]


def test_orders_stay_private_until_results() -> None:
    state = play(until="rank")
    assert state.rankings
    report = build_report(state)
    assert report["orders"] == [] and report["agreement"] == {}
    assert all(not any(d) for c in report["candidates"] for d in c["distribution"].values())
