"""The JSON report keeps to its published schema (docs/report.schema.json)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from export_boards import COLUMNS, NAMES, play
from export_loop import loop_table
from export_more import many_candidates
from test_exports_partial import partial_table

from gamestorm.games import BoardState
from gamestorm.server.exports import render

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "report.schema.json"

BOARDS: dict[str, Callable[[], BoardState]] = {
    "small anonymous": lambda: play(anonymous=True),
    "named": lambda: play(anonymous=False),
    "German, Berlin time": lambda: play(language="de", timezone="Europe/Berlin"),
    "named columns": lambda: play(names=NAMES),
    "still generating": lambda: play(until="generate"),
    "ranked, not closed": lambda: play(until="rank"),
    "no follow-ups": lambda: play(followups=""),
    "partial rankings, decided": lambda: partial_table().state,
    "partial rankings, undecided": lambda: partial_table(decide=False).state,
    "50 candidates": many_candidates,
    "follow-up loop": lambda: loop_table().state,
    "follow-up loop, German": lambda: loop_table(language="de", timezone="Europe/Berlin").state,
}


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def report_of(state: BoardState, **kwargs: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(render(state, "json", **kwargs)[0])
    return data


@pytest.mark.parametrize("board", list(BOARDS))
def test_real_reports_keep_to_the_schema(
    board: str, validator: jsonschema.protocols.Validator
) -> None:
    state = BOARDS[board]()
    for viewer in (None, state.facilitator_id, "pid-a1b2"):
        errors = list(validator.iter_errors(report_of(state, viewer_id=viewer)))
        assert errors == [], [f"{list(e.absolute_path)}: {e.message}" for e in errors]


def test_the_boards_cover_swaps_decisions_and_follow_ups() -> None:
    """The boards above are the cases the schema must hold: checked, so they stay so."""
    swapped = report_of(play())
    by_id = {c["column_id"]: c for c in swapped["candidates"]}
    assert by_id[COLUMNS["C"]]["swap"]["direction"] == "in"
    assert by_id[COLUMNS["B"]]["swap"]["direction"] == "out"
    assert by_id[COLUMNS["A"]]["followup"] is not None
    decided = report_of(partial_table().state)
    assert decided["decision"] and any(c["swap"] for c in decided["candidates"])
    assert "participants" not in swapped and "participants" in report_of(play(anonymous=False))


def _without(report: dict[str, Any], *path: str | int) -> dict[str, Any]:
    broken = copy.deepcopy(report)
    here: Any = broken
    for key in path[:-1]:
        here = here[key]
    del here[path[-1]]
    return broken


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: _without(r, "candidates"), "candidates"),
        (lambda r: _without(r, "candidates", 0, "place"), "place"),
        (lambda r: _without(r, "board", "title"), "title"),
        (lambda r: {**r, "report_version": 2}, "report_version"),
        (lambda r: {**r, "language": "fr"}, "language"),
        (lambda r: {**r, "board": {**r["board"], "created_at": "yesterday"}}, "created_at"),
        (
            lambda r: {**r, "candidates": [{**r["candidates"][0], "status": "maybe"}]},
            "status",
        ),
        (
            lambda r: {**r, "candidates": [{**r["candidates"][0], "total": "8"}]},
            "total",
        ),
    ],
)
def test_the_schema_rejects_a_broken_report(
    change: Callable[[dict[str, Any]], dict[str, Any]],
    where: str,
    validator: jsonschema.protocols.Validator,
) -> None:
    report = report_of(play())
    assert validator.is_valid(report)
    errors = list(validator.iter_errors(change(report)))
    assert errors, f"a report broken at {where} passed"
    assert any(where in (e.message + " ".join(map(str, e.absolute_path))) for e in errors)


def test_fields_added_later_do_not_break_it(validator: jsonschema.protocols.Validator) -> None:
    """A newer report may add fields: objects allow more properties than listed."""
    report = report_of(play())
    report["added_later"] = [{"at": "2026-02-01T10:00:00Z"}]
    report["followup_history"]["added_later"] = True
    first = report["candidates"][0]
    first["followup"] = {**first["followup"], "proof_of_value": {"where": "Plant 3"}}
    assert validator.is_valid(report)


# issue-15: the follow-up loop's history (``followup_history``, $defs/followup_history)


@pytest.fixture(scope="module")
def followed() -> dict[str, Any]:
    return report_of(loop_table().state)


def _item(r: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = r["followup_history"]["items"][0]
    return item


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda r: _without(r, "followup_history"), "followup_history"),
        (lambda r: _without(r, "followup_history", "decision_dates"), "decision_dates"),
        (lambda r: _without(r, "followup_history", "items", 0, "measures"), "measures"),
        (lambda r: _item(r)["decisions"][0].update(decision="maybe"), "decision"),
        (lambda r: _item(r)["statuses"][0].update(status="stalled"), "status"),
        (lambda r: _item(r)["measures"][0].update(kind="weight"), "kind"),
        (lambda r: _item(r)["measures"][0]["values"][0].update(value="14,25"), "value"),
        (lambda r: _item(r)["proof_of_value"].update(decide_on="30.06.2026"), "decide_on"),
        (lambda r: _item(r).update(fate="forgotten"), "fate"),
        (lambda r: r["followup_history"]["parked"][0].update(fate="lost"), "fate"),
        (lambda r: r["followup_history"]["decision_dates"][0].update(decide_on=None), "decide_on"),
    ],
)
def test_the_schema_rejects_a_broken_followup_history(
    change: Callable[[dict[str, Any]], dict[str, Any] | None],
    where: str,
    followed: dict[str, Any],
    validator: jsonschema.protocols.Validator,
) -> None:
    assert validator.is_valid(followed)
    broken = copy.deepcopy(followed)
    broken = change(broken) or broken  # _without answers a copy, update() changes in place
    errors = list(validator.iter_errors(broken))
    assert errors, f"a follow-up history broken at {where} passed"
    assert any(where in (e.message + " ".join(map(str, e.absolute_path))) for e in errors)
