"""A page that stops answering in the middle of its measurements, and a renderer that
draws no frames, must cost bounded time and never hang the scan.

Before: when an action timed out, its clean-up (restore the viewport, wait for a frame) ran
while the action was being cancelled and waited without a bound; ``asyncio.wait_for`` waits
for a cancelled action to finish, so one page whose script looped on ``resize`` hung the
whole scan (found with a Chromium that renders no frames: ``--disable-threaded-compositing``
in headless mode, where every wait for an animation frame waits forever).

Real Chromium and a real local server.
"""

from __future__ import annotations

import asyncio
import time

import pytest
from faults.harness import serving
from faults.server import html, page

from auditor import gather
from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

BODY = ("<main><h1>{t}</h1><p>Some text to read.</p><a href='/after'>A link</a> "
        "<button type='button'>A button</button></main>")
# the page's own script loops forever once the window is resized (the reflow action's first width change)
BUSY = page("Busy", BODY.format(t="Busy"), head="<script>addEventListener('resize', () => { for (;;) {} });</script>")
AFTER = page("After", BODY.format(t="After"))
ROUTES = {"/busy": html(BUSY), "/after": html(AFTER)}


async def _visits(base: str, paths: list[str], settings: Settings) -> list[tuple[object, float, object]]:
    """Per path: the artifacts, the visit's seconds, and the tab it used."""
    out = []
    async with Gatherer(settings, find_browser(None).path or "") as g:
        ctx = await g.new_context()
        for path in paths:
            t0 = time.monotonic()
            art = await g.visit(ctx, base + path)
            out.append((art, time.monotonic() - t0, g._tabs.get(ctx)))
        await g.close_context(ctx)
    return out


def test_a_page_that_stops_answering_loses_only_its_remaining_measurements():
    with serving(ROUTES) as srv:
        (busy, busy_s, busy_tab), (after, _, after_tab) = asyncio.run(
            _visits(srv.base_url, ["busy", "after"], Settings(page_timeout=10, axe_timeout=30)))
    # what was measured before the page hung is kept
    assert not busy.error, busy.error
    assert busy.axe and "violations" in busy.axe
    assert busy.probes["keyboard"].get("stops"), busy.probes["keyboard"]
    # the action that hung timed out; the ones after it were not started
    assert busy.probes["reflow"]["error"].startswith("timed out after"), busy.probes["reflow"]
    assert busy.probes["mobile"]["error"].startswith("not run: the page stopped answering"), busy.probes["mobile"]
    # bounded: the reflow action's 30 s, its clean-up (5 s a step) and the 2 s question
    assert busy_s < 30 + 3 * 5 + 2 + 20, busy_s
    # the hung tab is not reused: the next page gets a fresh one and every measurement
    assert busy_tab is None and after_tab is not None
    assert not after.error, after.error
    for name in ("keyboard", "reflow", "mobile"):
        assert "error" not in after.probes[name], (name, after.probes[name])
    assert after.probes["mobile"]["viewports"]["375"]["width"] == 375


def test_a_renderer_without_frames_is_measured_without_waiting_for_one(monkeypatch):
    # headless Chromium with single-threaded compositing never runs animation frames
    monkeypatch.setattr(gather, "LAUNCH_ARGS", [*gather.LAUNCH_ARGS, "--disable-threaded-compositing"])

    async def go(base: str):
        async with Gatherer(Settings(page_timeout=10, axe_timeout=30), find_browser(None).path or "") as g:
            ctx = await g.new_context()
            tab = await g._tab(ctx)
            await tab.goto(base + "after")
            frames = await tab.evaluate("() => new Promise(r => { requestAnimationFrame(() => r(true));"
                                        " setTimeout(() => r(false), 1000); })")
            t0 = time.monotonic()
            art = await g.visit(ctx, base + "after")
            return frames, art, time.monotonic() - t0

    with serving(ROUTES) as srv:
        frames, art, took = asyncio.run(go(srv.base_url))
    assert frames is False, "this Chromium renders frames with --disable-threaded-compositing: the test needs another way"
    assert not art.error, art.error
    for name in ("keyboard", "reflow", "mobile"):
        assert "error" not in art.probes[name], (name, art.probes[name])
    assert art.probes["reflow"]["reflow"]["viewport"] == 320
    assert took < 20, took  # six waits for a frame, each capped at half a second
