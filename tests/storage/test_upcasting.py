"""Old event versions are upcast when read: a log written at v1 still loads and folds."""

from __future__ import annotations

import pytest
from old_logs import as_v1, realistic_log, write_old_board

from gamestorm import games
from gamestorm.games import events as ev
from gamestorm.games.upcast import (
    CURRENT_VERSIONS,
    UPCASTERS,
    UnknownVersion,
    current_version,
    upcast,
)
from gamestorm.server.storage import Storage


def test_every_bumped_kind_has_an_unbroken_chain_of_upcasters() -> None:
    for kind, version in CURRENT_VERSIONS.items():
        assert kind in ev.EVENT_TYPES, kind
        assert version >= 1
        for old in range(1, version):
            assert (kind, old) in UPCASTERS, f"{kind}: no upcaster from v{old}"
    assert all(version < current_version(kind) for kind, version in UPCASTERS)


def test_a_v1_board_created_gets_its_implicit_defaults_stated() -> None:
    v1 = as_v1(realistic_log()[0])
    assert "language" not in v1
    v2 = upcast("board.created", 1, v1)
    assert (v2["language"], v2["timezone"], v2["sharing"]) == ("en", "UTC", None)
    assert "language" not in v1  # the stored dict is not changed
    # a v1 row written by a version that already wrote the fields keeps them
    german = {**v1, "language": "de", "timezone": "Europe/Berlin"}
    assert upcast("board.created", 1, german)["language"] == "de"
    assert upcast("board.created", 2, german) == german
    assert upcast("note.moved", 1, {"kind": "note.moved", "note_id": "n"})["at"] is None
    assert upcast("prompt.set", 1, {"kind": "prompt.set", "text": "x"}) == {
        "kind": "prompt.set",
        "text": "x",
    }


def test_a_version_newer_than_the_code_is_refused_not_guessed() -> None:
    with pytest.raises(UnknownVersion):
        upcast("board.created", current_version("board.created") + 1, {})
    with pytest.raises(UnknownVersion):
        upcast("prompt.set", 2, {})


async def test_a_log_written_at_v1_loads_through_read_and_fold(storage: Storage) -> None:
    today = realistic_log()
    moved = {"kind": "note.moved", "note_id": "n-1", "column_id": None, "index": 0, "by": "p-fay"}
    await write_old_board(storage.engine, [as_v1(e) for e in today] + [moved], with_version=1)
    read = await storage.read("old-board")
    assert read[0] == {**today[0], "language": "en", "timezone": "UTC", "sharing": None}
    assert read[3]["at"] is None
    state = games.fold(games.from_dict(e) for e in read)
    assert (state.title, state.language, state.timezone) == (
        "Retro, before the upgrade",
        "en",
        "UTC",
    )
    assert state.sharing is None and state.notes["n-1"].text == "more coffee"
    # new events are written at today's version and read back as written
    await storage.append("old-board", 5, [{"kind": "prompt.set", "text": "later"}])
    assert (await storage.read("old-board", since=4)) == [{"kind": "prompt.set", "text": "later"}]
