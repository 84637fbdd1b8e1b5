"""A closed board with a month of follow-up loop, for the XLSX, ICS and schema tests.

export_boards' board (selected A, C after a swap; parked B, D), then: A gets a proof of
value whose decision date is the day of its ``decide_by`` (2026-06-30), a CO₂ measure
with two values, a status update and a decision; B is taken up and planned with its own
decision date (2026-05-15); D is declined. Played through the real rules.
"""

from __future__ import annotations

from typing import Any

from export_boards import COLUMNS, Table, play_table

A, B, C, D = (COLUMNS[x] for x in "ABCD")
LOOP: list[dict[str, Any]] = [
    {
        "type": "followup.plan",
        "column_id": A,
        "place": "Werk Süd",
        "area": "Service",
        "customer": "Acme & Söhne",
        "start": "2026-02-01",
        "end": "2026-03-31",
        "steering": "Team Orbit",
        "decide_on": "2026-06-30",
    },
    {
        "type": "followup.measure",
        "column_id": A,
        "measure_id": "m-co2",
        "measure_kind": "co2",
        "label": "CO2 je Auftrag",
        "target": 12.5,
        "unit": "kg",
    },
    {
        "type": "followup.record",
        "column_id": A,
        "measure_id": "m-co2",
        "value": 14.25,
        "on": "2026-02-15",
    },
    {
        "type": "followup.record",
        "column_id": A,
        "measure_id": "m-co2",
        "value": 12,
        "on": "2026-03-01",
        "note": "=after the new route",
    },
    {
        "type": "followup.status",
        "column_id": A,
        "status": "running",
        "note": "Pilot an zwei Standorten",
        "on": "2026-02-03",
    },
    {
        "type": "followup.decide",
        "column_id": A,
        "decision": "adapt",
        "reason": "Ziel um 14 % verfehlt",
        "on": "2026-04-15",
    },
    {"type": "followup.take_up", "column_id": B, "reason": "legal said yes"},
    {
        "type": "followup.plan",
        "column_id": B,
        "place": "",
        "area": "Recht",
        "customer": "",
        "start": None,
        "end": None,
        "steering": "",
        "decide_on": "2026-05-15",
    },
    {"type": "followup.decline", "column_id": D, "reason": "kein Budget in diesem Jahr"},
]


def loop_table(**options: Any) -> Table:
    """export_boards' closed board (``options`` as play_table's) and the loop above."""
    t = play_table(**options)
    for frame in LOOP:
        t.run(frame, t.facilitator)
    return t
