"""The batched Tab walk (presses sent back to back, stops recorded in the page on keyup)
must see exactly what the press-by-press walk sees, in real Chromium, on every keyboard
barrier of the corpus and its accessible twin; pages with frames take the per-press walk."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
from barriers import BARRIERS, barrier_url, twin_url

from auditor.browser import LAUNCH_ARGS, find_browser
from auditor.gatherers import keyboard as kb

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

PAGES = [u for b in BARRIERS if b.expect.startswith("kbd-") for u in (barrier_url(b), twin_url(b))]


async def _per_press(page) -> list[dict]:
    await page.evaluate(kb.MARK_JS)
    stops: list[dict] = []
    await kb._walk_slow(page, stops)
    await page.evaluate(kb.CLEANUP_JS, "")
    return stops


async def _both(base: str, paths: list[str]) -> dict[str, tuple[list[dict], dict]]:
    from playwright.async_api import async_playwright

    out = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser(None).path, args=LAUNCH_ARGS)
        context = await browser.new_context(viewport={"width": 1280, "height": 800})
        page = await context.new_page()
        for path in paths:
            await page.goto(f"{base}/{path}", wait_until="load")
            slow = await _per_press(page)
            await page.goto(f"{base}/{path}", wait_until="load")
            out[path] = (slow, await kb.keyboard.fn(page, None, None))
        await browser.close()
    return out


def test_batched_walk_equals_per_press_walk(serve_site):
    assert len(PAGES) >= 20
    results = asyncio.run(_both(serve_site("barriers"), PAGES))
    walks = {path: res["walk"] for path, (_, res) in results.items()}
    assert set(walks.values()) == {"batched"}, walks
    for path, (slow, res) in results.items():
        assert res["stops"] == slow, path
        assert res["stops"], path


def test_page_with_a_frame_takes_the_per_press_walk(serve_site):
    path = barrier_url(next(b for b in BARRIERS if b.slug == "axe-iframe-no-title"))
    (slow, res), = asyncio.run(_both(serve_site("barriers"), [path])).values()
    assert res["walk"] == "per-press"
    assert res["stops"] == slow and res["stops"]
