"""Join codes cannot be guessed by many addresses together, and grow with the boards.

Per address, wrong codes are limited already (test_abuse_limits.py). Here: an overall
budget of wrong codes per minute, across all addresses, after which addresses that have
been guessing wait while a room whose people typed the code right still gets in; and
codes that get longer as boards accumulate, so one guess's odds stay under a bound.
"""

from __future__ import annotations

import httpx
from reliability_kit import Board, fresh_address, join_from
from test_abuse_limits import wrong_code

from support.live import LiveServer

#: The test's overall budget of wrong codes per minute, and the odds bound it sets.
BUDGET = 20
ODDS = 4e-9  # 6 characters while (boards + 1) / 31**6 <= 4e-9: three boards, then 7


async def lookup(http: httpx.AsyncClient, code: str, address: str) -> int:
    response = await http.get(f"/api/codes/{code}", headers={"x-forwarded-for": address})
    return response.status_code


async def test_many_addresses_share_one_budget_of_wrong_codes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {"GAMESTORM_FAILED_JOINS": "50", "GAMESTORM_FAILED_LOOKUPS_PER_MINUTE": str(BUDGET)}
    server = LiveServer(tmp_path / "budget.db", env=env).start()
    try:
        board = await Board.open(server)
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            # A typist misses twice before the attack: still in good standing later.
            typist = fresh_address()
            assert await lookup(http, wrong_code(900), typist) == 404
            assert await lookup(http, wrong_code(901), typist) == 404
            # Guessers, each well under the per-address limit, use up the budget: once
            # it is spent, an address is answered while it has missed fewer than 3
            # times in its window (SIEGE_ALLOWANCE), then it waits.
            guessers = [fresh_address() for _ in range(6)]
            answers = [
                await lookup(http, wrong_code(10 * g + i), address)
                for g, address in enumerate(guessers)
                for i in range(4)
            ]
            # 2 typos + 18 guesses spend the budget (20); the 5th guesser's 3rd guess is
            # still answered (2 misses so far), its 4th is not; the 6th gets 3.
            assert answers == [404] * 19 + [429] + [404] * 3 + [429], answers
            # Now every address that has been guessing waits, for any code.
            for address in guessers:
                assert await lookup(http, wrong_code(77), address) == 429
                assert await lookup(http, board.join_code, address) == 429
            limited = await http.get(
                f"/api/codes/{wrong_code(78)}", headers={"x-forwarded-for": guessers[0]}
            )
            assert limited.json()["error"] == "rate_limited"
            assert "wrong join codes" in limited.json()["message"]
            assert 1 <= int(limited.headers["retry-after"]) <= 60
            # A room arriving during the attack joins: clean addresses, right code.
            for i in range(5):
                joined = await join_from(server.base_url, board.join_code, f"p{i}")
                assert joined.status_code == 201, joined.text
            # The typist with two misses is still in good standing.
            assert await lookup(http, board.join_code, typist) == 200
            # A clean address that misses is answered once, then waits like the rest.
            newcomer = fresh_address()
            assert await lookup(http, wrong_code(500), newcomer) == 404
            assert await lookup(http, wrong_code(501), newcomer) == 404
            assert await lookup(http, wrong_code(502), newcomer) == 404
            assert await lookup(http, wrong_code(503), newcomer) == 429
    finally:
        server.stop()


async def test_codes_grow_longer_as_boards_accumulate_and_old_ones_keep_working(
    tmp_path,  # type: ignore[no-untyped-def]
) -> None:
    env = {"GAMESTORM_JOIN_CODE_ODDS": str(ODDS)}
    server = LiveServer(tmp_path / "codes.db", env=env).start()
    try:
        boards = [await Board.open(server) for _ in range(5)]
        assert [len(b.join_code) for b in boards] == [6, 6, 6, 7, 7], [b.join_code for b in boards]
        server.restart()  # the count of boards comes from the database
        boards.append(await Board.open(server))
        assert len(boards[-1].join_code) == 7
        async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
            for board in boards:
                typed = board.join_code.lower()[:3] + "-" + board.join_code.lower()[3:]
                found = await http.get(f"/api/codes/{typed}")
                assert found.status_code == 200, (board.join_code, found.text)
                assert found.json()["board_id"] == board.board_id
                joined = await join_from(server.base_url, typed, "late")
                assert joined.status_code == 201, joined.text
            # a miss of the new length is a miss (counted); an overlong code is malformed
            assert (await http.get(f"/api/codes/{wrong_code(1)}A")).status_code == 404
            assert (await http.get("/api/codes/" + "A" * 13)).status_code == 404
    finally:
        server.stop()
