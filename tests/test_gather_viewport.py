"""The page actions that change the viewport (mobile, reflow) wait one animation frame
for the page to react. That is enough only if, in Chromium, the new layout applies at
once and the page's resize and media-query listeners have run by the first frame:
checked here in real Chromium, with a page whose script re-lays itself out on resize."""

from __future__ import annotations

import asyncio

import pytest

from auditor.browser import LAUNCH_ARGS, find_browser
from auditor.gatherers import next_frame

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

PAGE = """<!doctype html><html lang=en><title>t</title>
<div id=css>x</div><div id=js>y</div>
<style>@media (max-width: 400px) { #css { width: 333px } }</style>
<script>
  window.resizes = 0; window.changes = 0;
  const fit = () => { document.getElementById('js').style.width = (innerWidth < 400 ? 111 : 222) + 'px'; };
  addEventListener('resize', () => { window.resizes++; fit(); });
  matchMedia('(max-width: 400px)').addEventListener('change', () => { window.changes++; });
  fit();
</script>"""

STATE_JS = """() => ({width: innerWidth, resizes: window.resizes, changes: window.changes,
  css: document.getElementById('css').getBoundingClientRect().width,
  js: document.getElementById('js').getBoundingClientRect().width})"""


async def _walk() -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser(None).path, args=LAUNCH_ARGS)
        page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
        await page.set_content(PAGE)
        seen = []
        for width in (375, 320, 1280, 640, 1280):
            before = await page.evaluate("() => window.resizes")
            await page.set_viewport_size({"width": width, "height": 700})
            await next_frame(page)
            seen.append({**await page.evaluate(STATE_JS), "before": before})
        await browser.close()
    return seen


def test_one_frame_after_a_resize_the_page_has_reacted():
    seen = asyncio.run(_walk())
    assert [s["width"] for s in seen] == [375, 320, 1280, 640, 1280]
    # every resize handled by the next frame (counted per change: in a freshly launched
    # browser the page sometimes gets one resize of its own at start, ~5 % of launches)
    assert all(s["resizes"] > s["before"] for s in seen), seen
    assert [s["changes"] for s in seen] == [1, 1, 2, 2, 2]  # media query crossed twice
    assert [s["css"] for s in seen] == [333, 333, 1264, 624, 1264]  # media query applied
    assert [s["js"] for s in seen] == [111, 111, 222, 222, 222]  # the script's re-layout applied
