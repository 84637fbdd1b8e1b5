"""The export route: download names from the title, CSV separators, XLSX and ICS, over
real HTTP from a real server (issue 15)."""

from __future__ import annotations

import io
from urllib.parse import unquote

import httpx
import openpyxl
import pandas as pd
from icalendar import Calendar

from support.live import LiveServer
from support.scenario import open_workshop, two_columns_ranked


async def test_downloads_in_every_new_shape(live_server: LiveServer) -> None:
    w = await open_workshop(
        live_server,
        names=("Ann", "Ben"),
        top_n=1,
        title="Kundentag Köln",
        language="de",
        timezone="Europe/Berlin",
    )
    fac = w.facilitator
    await two_columns_ranked(w, ("+49 170 1234567", "=1+1"), (["c2", "c1"], ["c1", "c2"]))
    await fac.ok(
        "followup.set",
        column_id="c1",
        owner="Ann",
        next_step="Pilot",
        decide_by="2026-06-30",
        status="in_progress",
    )
    await w.settle()

    base = f"/api/boards/{w.board_id}/export"
    auth = {"Authorization": f"Bearer {w.tokens['facilitator']}"}
    async with httpx.AsyncClient(base_url=live_server.base_url) as http:
        plain = await http.get(f"{base}.csv", headers=auth)
        german = await http.get(f"{base}.csv", params={"sep": ";"}, headers=auth)
        named = await http.get(f"{base}.csv?sep=semicolon&decimal=point", headers=auth)
        xlsx = await http.get(f"{base}.xlsx", headers=auth)
        ics = await http.get(f"{base}.ics", headers=auth)
        bad_sep = await http.get(f"{base}.csv", params={"sep": "|"}, headers=auth)
        ambiguous = await http.get(f"{base}.csv", params={"decimal": ","}, headers=auth)
    await w.close()

    disposition = plain.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="kundentag-koeln-')
    star = disposition.split("filename*=UTF-8''", 1)[1]
    assert unquote(star).startswith("Kundentag-Köln-20") and unquote(star).endswith(".csv")
    assert plain.content.decode("utf-8-sig").startswith("Platz,Kandidat,")

    assert german.status_code == 200 and german.content.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(german.content), sep=";", decimal=",", encoding="utf-8-sig")
    assert frame["Streuung"].dtype == "float64" and frame["Platz"].tolist() == [1, 2]
    pointed = pd.read_csv(io.BytesIO(named.content), sep=";", encoding="utf-8-sig")
    assert pointed["Streuung"].dtype == "float64", "sep=; with decimal=point: 0.5"

    assert xlsx.status_code == 200 and xlsx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx.headers["content-disposition"].endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Rangliste", "Nächste Schritte", "Notizen"]
    notes = [row[0] for row in book["Notizen"].iter_rows(min_row=2, values_only=True)]
    assert sorted(notes) == ["+49 170 1234567", "=1+1"]

    assert ics.headers["content-type"].startswith("text/calendar")
    (entry,) = Calendar.from_ical(ics.content).walk("VEVENT")
    assert str(entry["SUMMARY"]).startswith("Entscheiden: ")

    for refused in (bad_sep, ambiguous):
        assert refused.status_code == 422 and refused.json()["error"] == "invalid"
        assert "sep" in refused.json()["message"] or "decimal" in refused.json()["message"]
