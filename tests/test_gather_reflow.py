"""The reflow and mobile actions in real Chromium, through the gatherer.

- The text-spacing pass (a style sheet that re-lays and re-shapes all text twice) runs only
  where something can be cut off: a text container that hides its own overflow. A page
  without one gets no pass, which the page itself records (a MutationObserver on <head>),
  and the same empty result a pass would have given.
- Where such a container exists, the pass runs, finds the clipping it causes, and leaves no
  style behind.
- The mobile action leaves the page at a phone width; the gatherer restores the desktop
  size after the page's actions, so the next page loads at 1280 px."""

from __future__ import annotations

import asyncio

import pytest
from faults.harness import serving
from faults.server import html, page

from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

# records every element added to <head> after load (the spacing style would be one)
WATCH_HEAD = """<script>
window.added = [];
addEventListener('load', () => new MutationObserver(rs => { for (const r of rs) for (const n of r.addedNodes)
  window.added.push(n.id || n.nodeName); }).observe(document.head, {childList: true}));
</script>"""

# overflow hidden only on a box without its own text and on a 1 px visually-hidden helper
PLAIN = page("No clipping possible", "<main><h1>Plain</h1><p>Text that wraps and grows freely.</p>"
             "<div style='overflow:hidden'><span>text one level down</span></div>"
             "<a href='#'>Read more<span style='position:absolute;width:1px;height:1px;overflow:hidden;"
             "clip:rect(0,0,0,0);white-space:nowrap'> about plain pages</span></a></main>", head=WATCH_HEAD)

CLIPS = page("Clips under spacing", "<main><h1>Clips</h1>"
             "<div id=box style='height:1.3em;overflow:hidden;width:30em;line-height:1.2'>One line that fits, "
             "until spaced.</div></main>", head=WATCH_HEAD)

FITS = page("Hides overflow, nothing cut", "<main><h1>Fits</h1>"
            "<div id=roomy style='height:20em;overflow:hidden;width:30em'>Short text with room to spare.</div></main>",
            head=WATCH_HEAD)

# where the page was laid out when it loaded
WIDTH_AT_LOAD = page("Width at load", "<main><h1>w</h1></main>",
                     head="<script>document.title = 'loaded at ' + innerWidth;</script>")

def _visit(paths: list[str]) -> dict[str, tuple[object, object]]:
    routes = {"/plain": html(PLAIN), "/clips": html(CLIPS), "/fits": html(FITS), "/width": html(WIDTH_AT_LOAD)}

    async def go(base: str) -> dict[str, tuple[object, object]]:
        out = {}
        async with Gatherer(Settings(page_timeout=15, axe_timeout=30), find_browser(None).path or "",
                            families={"reflow", "mobile"}) as g:
            ctx = await g.new_context()
            for p in paths:
                art = await g.visit(ctx, base + p.lstrip("/"))
                tab = g._tabs[ctx]
                added = await tab.evaluate("() => window.added || null")
                left = await tab.evaluate("() => [...document.querySelectorAll('#__ia_text_spacing')].length")
                out[p] = (art, {"added": added, "left": left, "viewport": tab.viewport_size})
            await g.close_context(ctx)
        return out

    with serving(routes) as srv:
        return asyncio.run(go(srv.base_url))


def test_spacing_pass_only_where_text_can_be_cut_off():
    seen = _visit(["/plain", "/clips", "/fits"])

    art, tab = seen["/plain"]
    assert not art.error, art.error
    assert art.probes["reflow"]["text_spacing"] == {"clipped": []}
    assert tab["added"] == []  # the spacing style never went in

    art, tab = seen["/clips"]
    assert not art.error, art.error
    clipped = art.probes["reflow"]["text_spacing"]["clipped"]
    assert [c["selector"] for c in clipped] == ["#box"]
    assert tab["added"] == ["__ia_text_spacing"] and tab["left"] == 0  # in, measured, taken out

    art, tab = seen["/fits"]
    assert art.probes["reflow"]["text_spacing"] == {"clipped": []}
    assert tab["added"] == ["__ia_text_spacing"] and tab["left"] == 0  # a candidate: measured


def test_next_page_loads_at_desktop_size_after_the_phone_widths():
    seen = _visit(["/plain", "/width", "/width"])
    art, tab = seen["/plain"]
    assert set(art.probes["mobile"]["viewports"]) == {"375", "320"}
    assert art.probes["reflow"]["reflow"]["viewport"] == 320
    assert tab["viewport"] == {"width": 1280, "height": 900}  # put back after the actions
    art, _ = seen["/width"]  # visited after a page that ended at a phone width
    assert art.title == "loaded at 1280"
