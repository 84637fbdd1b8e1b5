"""Browser fixtures: Debian's Chromium driven by Playwright's async API.

The tests run inside pytest-asyncio's session loop, so they use ``async_playwright``
(the sync API refuses to run inside a running loop). Every page is watched for console
errors, uncaught exceptions and dialogs; a test ends by asserting there were none.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

playwright_api = pytest.importorskip("playwright.async_api")

CHROMIUM = os.environ.get("GAMESTORM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 860}


@dataclass
class Watch:
    """What went wrong on the pages of one test: console errors, exceptions, dialogs."""

    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, page: Any, label: str) -> Any:
        def on_console(message: Any) -> None:
            if message.type == "error":
                self.errors.append(f"{label} console: {message.text}")

        async def on_dialog(dialog: Any) -> None:
            self.dialogs.append(f"{label} {dialog.type}: {dialog.message}")
            await dialog.dismiss()

        page.on("console", on_console)
        page.on("pageerror", lambda exc: self.errors.append(f"{label} pageerror: {exc}"))
        page.on("dialog", on_dialog)
        return page


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Any]:
    if not shutil.which(CHROMIUM):
        pytest.skip(f"no Chromium at {CHROMIUM}")
    async with playwright_api.async_playwright() as p:
        browser = await p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        await browser.close()


@pytest.fixture
def watch() -> Watch:
    return Watch()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


async def phone_context(browser: Any, base_url: str, locale: str = "en-GB") -> Any:
    return await browser.new_context(
        base_url=base_url,
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale=locale,
    )


async def laptop_context(browser: Any, base_url: str, locale: str = "en-GB") -> Any:
    return await browser.new_context(base_url=base_url, viewport=LAPTOP, locale=locale)


async def no_horizontal_scroll(page: Any) -> None:
    """The page is not wider than the screen (no sideways scrolling on a phone)."""
    widths = await page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page is {widths[0]}px wide on a {widths[1]}px screen"


async def advance(console: Any, expected_phase: str) -> None:
    """Advance through the console's confirmation dialog and wait until it shows the phase."""
    expect = playwright_api.expect
    await console.locator("[data-advance]").click()
    dialog = console.locator("dialog.confirm")
    await expect(dialog).to_be_visible()
    await dialog.locator("[data-confirm-advance]").click()
    await expect(dialog).to_be_hidden()
    await expect(console.locator(".phase-chip")).to_have_attribute("data-phase", expected_phase)


async def name_columns(console: Any, names: list[str]) -> None:
    """In the ``name`` phase: the facilitator types a name for each column, in order."""
    expect = playwright_api.expect
    cards = console.locator("[data-naming-column]")
    await expect(cards).to_have_count(len(names))
    for i, name in enumerate(names):
        field = cards.nth(i).locator("input[id^=name-]")
        await field.fill(name)
        await field.press("Enter")
        await expect(cards.nth(i).locator(".naming-title")).to_have_text(name)


async def name_every_column(console: Any, prefix: str = "Topic") -> list[str]:
    """In the ``name`` phase: name each column on the console "<prefix> 1", "<prefix> 2", ..."""
    cards = console.locator("[data-naming-column]")
    await playwright_api.expect(cards.first).to_be_visible()
    names = [f"{prefix} {i + 1}" for i in range(await cards.count())]
    await name_columns(console, names)
    return names
