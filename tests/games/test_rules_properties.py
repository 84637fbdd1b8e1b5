"""Random command sequences from random senders keep the invariants of the rules.

Hypothesis draws a sequence of steps (who sends what, with small numbers that pick ids,
places, orders and faults); each step becomes a wire frame built against the current
board, so many are accepted and many refused. After the random part the board is driven
to close, so every example passes every phase. Checked after every step and event:

- no note is created outside an opening phase; a phase is never skipped;
- a refused command changes nothing, and ``handle`` alone never changes the state;
- seq is gapless: 1 (board.created) + the events applied;
- a private note's text reaches no one but its author, in events and in snapshots;
- on anonymous boards no one sees who wrote (or moved) another's note, nor whose ranking
  orders the results hold;
- a ranking order reaches no one but its sender (before close);
- the fold of the log, through JSON, is the live state.
"""

from __future__ import annotations

import json
import pickle
import random
from typing import Any, NamedTuple

from hypothesis import given, settings
from hypothesis import strategies as st
from rules_testkit import (
    AUTHOR,
    FACILITATOR,
    OTHER,
    PHASES,
    PROJECTOR,
    THIRD,
    Board,
    refold,
    strings_in,
)

from gamestorm.games import Actor, Join, Kind, Rejection, handle, redact, snapshot, to_dict
from gamestorm.games import events as ev

LATE = Actor("p4", "participant")  # joins at a random moment, or never
ACTORS = (FACILITATOR, AUTHOR, OTHER, THIRD, LATE, PROJECTOR)
#: Everyone whose id could give away authorship. None of them equals any other value used.
PEOPLE = frozenset(a.id for a in ACTORS if a is not PROJECTOR)
NOTE_IDS = ("n0", "n1", "n2", "n3", "n4", "n5")
COLUMN_IDS = ("k0", "k1", "k2")
PLACES = (None, "parking", *COLUMN_IDS)
#: Event kinds that concern a note or a column: anonymous boards hide who is behind them.
NOTE_KINDS = frozenset(
    {
        "note.created",
        "note.edited",
        "note.deleted",
        "note.moved",
        "column.created",
        "column.name_proposed",
    }
)

#: What a phase of the default game is for: a "natural" step picks one of these, so
#: every phase gets real traffic however the other steps fall.
NATURAL = {
    "ignite": ("prompt", "timer", "join", "advance"),
    "generate": ("create", "create", "create", "edit", "edit", "delete", "advance"),
    "affinity": ("column", "move", "move", "move", "move", "advance"),
    "name": ("propose", "propose", "propose", "namecol", "advance"),
    "rank": ("rank", "rank", "advance"),
    "close": ("followup", "swap", "timer"),
}
#: Any command at any time (most are refused), plus natural steps and some advancing.
STEP_KINDS = (
    ["natural"] * 12
    + ["advance"] * 2
    + ["create", "edit", "delete", "column", "move", "rank"]
    + ["prompt", "timer", "followup", "swap", "join", "propose", "namecol"]
)


class Step(NamedTuple):
    """One command: its kind, who sends it, and small numbers that pick its arguments."""

    kind: str
    who: int
    a: int
    b: int
    c: int


steps = st.lists(
    st.builds(
        Step,
        st.sampled_from(STEP_KINDS),
        st.integers(0, 11),
        st.integers(0, 9),
        st.integers(0, 9),
        st.integers(0, 3),
    ),
    min_size=15,
    max_size=60,
)

FACILITATOR_STEPS = frozenset({"advance", "prompt", "timer", "followup", "swap", "namecol"})
PARTICIPANT_STEPS = frozenset({"create", "edit", "delete", "rank"})
PARTICIPANTS = (AUTHOR, OTHER, THIRD, LATE)
#: Senders who may be wrong for the command: the projector first.
ANYONE = (PROJECTOR, FACILITATOR, AUTHOR, OTHER)


def sender(kind: str, who: int) -> Actor:
    """Mostly a sender the command is meant for (so games move on), else anyone."""
    if who >= 8:
        return ANYONE[who - 8]
    if kind in FACILITATOR_STEPS:
        return FACILITATOR
    if kind in PARTICIPANT_STEPS:
        return PARTICIPANTS[who % len(PARTICIPANTS)]
    return (FACILITATOR, *PARTICIPANTS)[who % 5]


class Run:
    """One board under random traffic, with the bookkeeping the invariants need."""

    def __init__(self, anonymous: bool) -> None:
        self.board = Board(anonymous=anonymous, criteria=["impact", "effort"], top_n=2)
        self.anonymous = anonymous
        self.serial = 0
        #: Text -> author of every text written while private and not revealed since.
        #: An edited-away private text stays here for good: no one else may ever see it.
        self.secrets: dict[str, str] = {}
        for actor in (AUTHOR, OTHER, THIRD):
            self.board.join(actor)
        #: Events applied after board.created, counted here rather than read from the log.
        self.applied = 3

    # Frames ---------------------------------------------------------------------------

    def text(self, actor: Actor) -> str:
        self.serial += 1
        return f"secret-{actor.id}-{self.serial:05d}."

    def own_note(self, actor: Actor, a: int, default: str) -> str:
        """One of the sender's notes, so edits and deletes sometimes go through."""
        mine = [n.id for n in self.board.state.notes.values() if n.author == actor.id]
        return mine[a % len(mine)] if mine else default

    def play(self, step: Step) -> None:
        kind = step.kind
        if kind == "natural":
            choices = NATURAL[self.board.state.phase.type]
            kind = choices[(step.a + step.b) % len(choices)]
        actor = sender(kind, step.who)
        self.send(actor, self.frame(kind, step, actor))

    def frame(self, kind: str, step: Step, actor: Actor) -> dict[str, Any] | Join:
        """A wire frame for ``step``, aimed at what exists on the board right now."""
        state = self.board.state
        a, b, c = step.a, step.b, step.c
        note_id = NOTE_IDS[a % len(NOTE_IDS)]
        candidates = list(state.candidates)
        match kind:
            case "advance":
                phase = state.phase.id if c != 3 else PHASES[a % len(PHASES)]
                return {"type": "phase.advance", "from": phase}
            case "prompt":
                return {"type": "prompt.set", "text": self.text(actor) if c else " "}
            case "timer":
                return {"type": "timer.set", "seconds": a * 60}
            case "create" | "edit":
                if kind == "edit" and b % 3 != 0:
                    note_id = self.own_note(actor, a, note_id)
                text = self.text(actor) if c != 3 else "x" * 1001
                return {"type": f"note.{kind}", "note_id": note_id, "text": text}
            case "delete":
                if b % 3 != 0:
                    note_id = self.own_note(actor, a, note_id)
                return {"type": "note.delete", "note_id": note_id}
            case "column":
                return {"type": "column.create", "column_id": COLUMN_IDS[a % len(COLUMN_IDS)]}
            case "move":
                if state.unsorted and b % 2 == 0:
                    note_id = state.unsorted[0]
                columns = list(state.columns)
                target = columns[b % len(columns)] if b < 6 and columns else PLACES[b % 5]
                return {"type": "note.move", "note_id": note_id, "column_id": target, "index": c}
            case "rank":
                random.Random(b).shuffle(candidates)
                if c == 2 and candidates:
                    candidates[-1] = candidates[0]  # a tie
                criterion = state.criteria[a % len(state.criteria)] if c != 3 else "beauty"
                return {"type": "ranking.submit", "criterion": criterion, "order": candidates}
            case "followup":
                column_id = candidates[a % len(candidates)] if candidates else "k0"
                return {"type": "followup.set", "column_id": column_id, "owner": "Ana"}
            case "swap":
                selected = state.selected[a % len(state.selected)] if state.selected else "k0"
                parked = [x for x in candidates if x not in state.selected] or ["k1"]
                swap = {"selected": selected, "parked": parked[b % len(parked)], "reason": "r"}
                return {"type": "selection.swap", **swap}
            case "propose" | "namecol":
                columns = list(state.columns) or ["k0"]
                # Few names, spelled two ways, so proposals collide, dedupe and hit caps.
                name = ("Nähe", "nähe ", "Fokus", "Tempo", "Mut")[(a + b) % 5]
                return {
                    "type": "column.propose" if kind == "propose" else "column.name",
                    "column_id": columns[b % len(columns)] if c != 3 else "k-none",
                    "name": name if c != 2 else " ",
                }
            case "join":
                return Join(LATE.id, "Late")
        raise AssertionError(kind)

    # Sending and checking -------------------------------------------------------------

    def send(self, actor: Actor, frame: dict[str, Any] | Join) -> list[ev.Event] | None:
        """Send one frame; None if refused. Checks every invariant on the way."""
        board, state = self.board, self.board.state
        # Pickled bytes: an exact picture of the state, five times cheaper than a deepcopy.
        before = pickle.dumps(state)
        try:
            if isinstance(frame, Join):
                events = handle(state, frame, None, board.tick())
            else:
                events = board.decide(actor, frame)
        except Rejection:
            assert pickle.dumps(state) == before, "a rejected command changes nothing"
            return None
        assert pickle.dumps(state) == before, "handle never changes the state"
        for event in events:
            self.check_before(event)
            board.commit([event])
            self.applied += 1
            self.check_after(event)
        if events:
            self.check_snapshots()
        # Between commands (not inside one, where notes.revealed precedes phase.changed),
        # notes are private exactly while the phase keeps them so.
        private = self.board.state.phase.private_notes
        assert all(n.private == private for n in self.board.state.notes.values())
        return events

    def check_before(self, event: ev.Event) -> None:
        state = self.board.state
        if isinstance(event, ev.NoteCreated):
            assert state.phase.kind is Kind.OPENING, f"note created in {state.phase.id}"
        if isinstance(event, ev.PhaseChanged):
            assert event.previous == state.phase.id
            assert event.index == state.phase_index + 1, "a phase was skipped"

    def check_after(self, event: ev.Event) -> None:
        state = self.board.state
        assert state.seq == 1 + self.applied, "seq counts every event once, with no gaps"
        if isinstance(event, ev.NoteCreated | ev.NoteEdited) and event.private:
            self.secrets[event.text] = event.author
        if isinstance(event, ev.NotesRevealed):
            for item in event.notes:
                del self.secrets[item["text"]]
        self.check_places()
        self.check_event_views(event)

    def check_places(self) -> None:
        """Every note is in exactly one place, and knows which."""
        state = self.board.state
        seen: list[str] = list(state.unsorted) + list(state.parking)
        for column in state.columns.values():
            seen += column.notes
            assert all(state.notes[n].column == column.id for n in column.notes)
        assert sorted(seen) == sorted(state.notes)
        assert all(state.notes[n].column is None for n in state.unsorted)

    def check_event_views(self, event: ev.Event) -> None:
        data = to_dict(event)
        redacted = redact(data, self.anonymous)
        assert not self.leaks(redacted.public, viewer=None), "public variant leaks a text"
        for viewer in ACTORS:
            view = redacted.for_viewer(viewer.id)
            assert not self.leaks(view, viewer.id), (viewer.id, data["kind"])
            if isinstance(event, ev.RankingSubmitted) and viewer.id != event.participant_id:
                assert view["order"] is None
        if not self.anonymous:
            return
        if data["kind"] in NOTE_KINDS or data["kind"] in ("notes.revealed", "results.computed"):
            assert not strings_in(redacted.public) & PEOPLE, redacted.public
        if redacted.owner is not None:
            # Only the one the event is about may see the unredacted variant.
            owner = data.get("author") or data.get("by") or data.get("participant_id")
            assert redacted.owner == owner

    def check_snapshots(self) -> None:
        state = self.board.state
        for viewer in ACTORS:
            snap = snapshot(state, viewer.id)
            assert not self.leaks(snap, viewer.id), viewer.id
            own = {crit: list(o) for (p, crit), o in state.rankings.items() if p == viewer.id}
            assert snap["rankings"]["mine"] == own
            if self.anonymous:
                for note in snap["notes"]:
                    if state.note_authors[note["id"]] != viewer.id:
                        assert not strings_in(note) & PEOPLE, (viewer.id, note)
                assert not strings_in(snap["columns"]) & PEOPLE, (viewer.id, snap["columns"])
                assert not strings_in(snap["results"]) & PEOPLE

    def leaks(self, value: Any, viewer: str | None) -> list[str]:
        """The private texts of others that ``value`` shows to ``viewer``."""
        dump = json.dumps(value, ensure_ascii=False)
        return [t for t, author in self.secrets.items() if author != viewer and t in dump]

    # Driving to the end ---------------------------------------------------------------

    def finish(self) -> None:
        """Play the board to close the ordinary way, so each example sees every phase."""
        state = self.board.state
        for _ in range(len(PHASES)):
            if state.closed:
                break
            if state.phase.type == "affinity" and state.unsorted:
                if not state.columns:
                    self.send(FACILITATOR, {"type": "column.create", "column_id": "k-end"})
                target = next(iter(state.columns))
                for note_id in list(state.unsorted):
                    frame = {"type": "note.move", "note_id": note_id, "column_id": target}
                    assert self.send(OTHER, frame)
            if state.phase.type == "name":
                for column in list(state.columns.values()):
                    if column.name is None:
                        frame = {"type": "column.name", "column_id": column.id, "name": "Thema"}
                        assert self.send(FACILITATOR, frame)
            if state.phase.type == "rank" and not state.rankings:
                order = list(state.candidates)
                frame = {"type": "ranking.submit", "criterion": "effort", "order": order}
                assert self.send(THIRD, frame)
            assert self.send(FACILITATOR, {"type": "phase.advance", "from": state.phase.id})
        assert state.closed
        parked = [c for c in state.candidates if c not in state.selected]
        if state.selected and parked:
            swap = {"selected": state.selected[-1], "parked": parked[0], "reason": "cheaper"}
            assert self.send(FACILITATOR, {"type": "selection.swap", **swap})
        for column_id in state.selected:
            frame = {"type": "followup.set", "column_id": column_id, "owner": "Ana"}
            assert self.send(FACILITATOR, {**frame, "decide_by": "2027-06-30"})


@settings(max_examples=120, deadline=None)
@given(anonymous=st.booleans(), script=steps)
def test_random_play_keeps_the_invariants(anonymous: bool, script: list[Step]) -> None:
    run = Run(anonymous)
    for step in script:
        run.play(step)
    run.finish()
    state = run.board.state
    assert refold(run.board) == state, "the fold of the log is the live state"
    # Close: every candidate has a disposition, the top N selected.
    assert state.results is not None
    selected = set(state.selected)
    assert len(state.selected) == len(selected) == min(state.top_n, len(state.candidates))
    assert selected <= set(state.candidates)
    assert not any(n.private for n in state.notes.values())
    # What is still secret (texts edited away, notes deleted) is no note's text.
    assert not set(run.secrets) & {n.text for n in state.notes.values()}
