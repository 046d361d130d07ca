"""Sideways scrolling at phone widths in real Chromium: the mobile family measures it with the
reflow family's model, so the two never disagree.

Seen on the plainlanguage.gov build (USWDS 1.x, 186 of 187 pages): the closed mobile menu is a
``position: fixed`` panel moved past the right edge with a transform, and ``body`` hides
horizontal overflow. The old measurement took any element past the edge (skipping fixed
boxes but not their children) and ``scrollWidth > innerWidth`` as "the page scrolls
sideways", on pages nobody can scroll sideways and where nothing is cut off; reflow-320
passed the same pages. Content really cut off at a phone width, or a page that really
scrolls, still fails, and says which it is."""

from __future__ import annotations

import asyncio

import pytest
from checkhelp import run_page
from faults.harness import serving
from faults.server import html, page

from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.model import Status
from auditor.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

HEAD = "<meta name='viewport' content='width=device-width, initial-scale=1'>"

# the USWDS 1.x off-canvas menu: a fixed panel translated past the right edge, static children,
# body hiding horizontal overflow, and an empty row edge (negative margin) 12 px past it
OFFCANVAS = page("Off-canvas menu", "<style>body{overflow-x:hidden;margin:0}"
                 ".nav{position:fixed;top:0;right:0;width:260px;height:100%;transform:translateX(260px)}"
                 ".row{margin-right:-12px}</style>"
                 "<nav class=nav><div class=inner><ul><li><a href='#'>Home</a></li><li><a href='#'>About us</a></li>"
                 "</ul></div></nav><main><h1>Off canvas</h1><div class=row><p>Short text.</p></div></main>", head=HEAD)

# body hides horizontal overflow and a wide table is cut off at the edge
CUT = page("Cut off", "<style>body{overflow-x:hidden;margin:0}</style><main><h1>Cut</h1>"
           "<table id=rates style='width:600px'><tr><td>Rate for the first year of service</td>"
           "<td>Rate for the second year of service and after</td></tr></table></main>", head=HEAD)

# nothing hides overflow: the wide table makes the page scroll sideways
SCROLLS = page("Scrolls", "<style>body{margin:0}</style><main><h1>Scrolls</h1>"
               "<table id=wide style='width:900px'><tr><td>Rate for the first year of service</td>"
               "<td>Rate for the second year of service and after</td></tr></table></main>", head=HEAD)

CHECKS = ("mobile-no-overflow-375", "mobile-no-overflow-320", "reflow-320")


def _visit(families: set[str]) -> dict[str, object]:
    routes = {"/offcanvas": html(OFFCANVAS), "/cut": html(CUT), "/scrolls": html(SCROLLS)}

    async def go(base: str) -> dict[str, object]:
        out = {}
        async with Gatherer(Settings(page_timeout=15, axe_timeout=30), find_browser(None).path or "",
                            families=families) as g:
            ctx = await g.new_context()
            for p in routes:
                out[p] = await g.visit(ctx, base + p.lstrip("/"))
            await g.close_context(ctx)
        return out

    with serving(routes) as srv:
        return asyncio.run(go(srv.base_url))


@pytest.fixture(scope="module")
def both():
    return _visit({"reflow", "mobile"})


def test_off_canvas_menu_on_a_page_that_hides_overflow_is_no_sideways_scrolling(both):
    art = both["/offcanvas"]
    assert not art.error, art.error
    for width in ("375", "320"):
        vp = art.probes["mobile"]["viewports"][width]
        assert vp["scrollable"] is False, vp
        # the menu is not a culprit (fixed to the viewport, children included); the row's empty
        # edge may be, and draws nothing past the edge
        assert not any("nav" in c["snippet"][:20] or "inner" in c["snippet"][:30] for c in vp["overflowing"]), vp
        assert all(c["content_right"] <= int(width) + 4 for c in vp["overflowing"]), vp
    for cid in CHECKS:
        assert run_page(cid, art).status is Status.PASS, cid


def test_content_cut_off_at_a_phone_width_fails_and_says_it_is_cut_off(both):
    art = both["/cut"]
    for cid in ("mobile-no-overflow-375", "mobile-no-overflow-320"):
        out = run_page(cid, art)
        assert out.status is Status.FAIL, cid
        f = out.findings[0]
        assert "cut off at the right edge" in f.message and "scrolls sideways" not in f.message
        assert f.selector == "#rates" and f.snippet.startswith("<table")
    assert run_page("reflow-320", art).status is Status.FAIL


def test_a_page_that_scrolls_sideways_fails_with_its_widest_offender(both):
    art = both["/scrolls"]
    out = run_page("mobile-no-overflow-375", art)
    assert out.status is Status.FAIL
    f = out.findings[0]
    assert f.message.startswith("Page scrolls sideways at 375 CSS px: content is 900px wide")
    assert "<table> reaches 900px" in f.message and f.selector == "#wide"


def test_mobile_alone_measures_the_same_without_the_reflow_action(both):
    alone = _visit({"mobile"})
    for p, art in alone.items():
        assert "reflow" not in art.probes
        for width in ("375", "320"):
            mine, ref = art.probes["mobile"]["viewports"][width], both[p].probes["mobile"]["viewports"][width]
            keys = ("overflow", "scrollable", "scroll_width")
            assert {k: mine[k] for k in keys} == {k: ref[k] for k in keys}, (p, width)
            assert [c["selector"] for c in mine["overflowing"]] == [c["selector"] for c in ref["overflowing"]]
