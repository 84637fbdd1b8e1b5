"""More boards for the issue-15 export tests: many candidates, and notes with given texts.

Both are played through the real rules (export_boards.Table), like every export board.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from export_boards import NOTES, Table, play_table

from gamestorm import games
from gamestorm.games import BoardState, Join, events


def with_texts(texts: Mapping[str, str], **options: object) -> BoardState:
    """export_boards' closed board with some notes' texts replaced (``note-1`` ...): the
    same log, each ``note.created`` (and the reveal) carrying the given text, folded again."""
    assert set(texts) <= set(NOTES)
    t = play_table(**options)  # type: ignore[arg-type]
    log: list[games.Event] = []
    for e in t.log:
        if isinstance(e, events.NoteCreated) and e.note_id in texts:
            e = dataclasses.replace(e, text=texts[e.note_id])
        elif isinstance(e, events.NotesRevealed):
            notes = [{**n, "text": texts.get(n["note_id"], n["text"])} for n in e.notes]
            e = dataclasses.replace(e, notes=notes)
        log.append(e)
    return games.fold(log)


def many_candidates(count: int = 50, rankers: int = 4, **options: object) -> BoardState:
    """A closed board with ``count`` candidates of one note each, every ranker ranking all
    of them on both criteria (rotated orders), long names and texts included."""
    people = tuple((f"pid-{i:03d}", f"Person {i}") for i in range(rankers))
    t = Table(False, people, subsets_from=500, max_columns=count, top_n=3, **options)
    f = t.facilitator
    t.advance()  # generate
    for i in range(count):
        text = f"Idea {i}: " + "a rather long description of an idea " * (1 + i % 3)
        t.run({"type": "note.create", "note_id": f"n-{i}", "text": text}, t.people[i % rankers])
    t.advance()  # affinity
    for i in range(count):
        t.run({"type": "column.create", "column_id": f"c-{i:02d}"}, t.people[0])
        t.run({"type": "note.move", "note_id": f"n-{i}", "column_id": f"c-{i:02d}"}, t.people[0])
    t.advance()  # rank
    columns = [f"c-{i:02d}" for i in range(count)]
    for who in range(rankers):
        for criterion in ("impact", "effort"):
            order = columns[who * 3 :] + columns[: who * 3]
            frame = {"type": "ranking.submit", "criterion": criterion, "order": order}
            t.run(frame, t.people[who])
    t.advance()  # close
    assert t.state.closed and len(t.state.results["candidates"]) == count  # type: ignore[index]
    for column_id in t.state.selected:
        frame = {
            "type": "followup.set",
            "column_id": column_id,
            "owner": "Team Orbit",
            "next_step": "Pilot",
            "decide_by": "2026-06-30",
            "status": "in_progress",
        }
        t.run(frame, f)
    return t.state


__all__ = ["Join", "many_candidates", "with_texts"]
