"""The work sharing options of ``POST /api/boards`` (issue 12), checked in games.creation."""

from __future__ import annotations

from typing import Any

import pytest
from rules_testkit import default_game

from gamestorm.games import Rejection, create_board
from gamestorm.games.creation import SHARING_DEFAULTS


def created(**options: Any) -> dict[str, Any] | None:
    event = create_board(
        {"title": "T", **options}, game=default_game(), board_id="b", facilitator_id="f", now=0.0
    )
    return event.sharing


def test_new_boards_store_every_option_with_defaults() -> None:
    assert created() == {
        "packet_size": 8,
        "packet_idle_seconds": 90,
        "packets_from": 150,
        "second_look": None,
        "max_columns": 40,
        "subsets_from": 7,
        "subset_size": 7,
    }
    assert created(packet_size=3, second_look=False, max_columns=500) == {
        **SHARING_DEFAULTS,
        "packet_size": 3,
        "second_look": False,
        "max_columns": 500,
    }


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("packet_size", 0, "invalid"),
        ("packet_size", 51, "invalid"),
        ("packet_size", "8", "bad_request"),
        ("packet_size", True, "bad_request"),
        ("packet_idle_seconds", 9, "invalid"),
        ("packet_idle_seconds", 3601, "invalid"),
        ("packets_from", -1, "invalid"),
        ("packets_from", 100_001, "invalid"),
        ("max_columns", 0, "invalid"),
        ("max_columns", 501, "invalid"),
        ("subsets_from", 1, "invalid"),
        ("subset_size", 21, "invalid"),
        ("subset_size", 2.5, "bad_request"),
        ("second_look", "yes", "bad_request"),
        ("second_look", 1, "bad_request"),
    ],
)
def test_bad_options_name_the_field(field: str, value: Any, code: str) -> None:
    with pytest.raises(Rejection) as info:
        created(**{field: value})
    assert info.value.code == code
    assert field in info.value.message
