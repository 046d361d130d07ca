"""css-orientation-lock where axe-core has no CSSOM to read, in real Chromium.

axe-core skips every style sheet whose media list names print; a site whose one sheet is
``<link rel=stylesheet media="screen, print">`` (uswds-jekyll's layout; all 187 pages of the
plainlanguage.gov build) got "Needs review: CSS Media queries must not lock display
orientation" on every page, with nothing to review (the rule is experimental in axe-core, so
it runs in the best-practice tier). The gatherer reads the page's own CSSOM:
no orientation media query in any readable sheet means CSS cannot lock the orientation
(a pass, saying why); a sheet axe-core skipped that does hold one stays for review; a lock
axe-core can read is still reported."""

from __future__ import annotations

import asyncio

import pytest
from checkhelp import run_page
from faults.harness import serving
from faults.server import Reply, html, page

from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.model import Status
from auditor.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]

PLAIN_CSS = "body { font-family: sans-serif; } @media (min-width: 40em) { main { max-width: 40em; } }"
LOCK_CSS = "@media (orientation: portrait) { html { transform: rotate(90deg); } }"


def _page(title: str, href: str, media: str) -> str:
    return page(title, "<main><h1>Orientation</h1><p>Text.</p></main>",
                head=f"<link rel='stylesheet' href='{href}' media='{media}'>")


def css(text: str):
    return lambda req: Reply(text, type="text/css")


ROUTES = {
    "/print-plain": html(_page("Screen and print, no orientation query", "/plain.css", "screen, print")),
    "/print-lock": html(_page("Screen and print, a lock", "/lock.css", "screen, print")),
    "/screen-lock": html(_page("Screen only, a lock", "/lock.css", "screen")),
    "/import-lock": html(_page("Screen and print, a lock behind @import", "/imports.css", "screen, print")),
    "/framed": html(page("A frame without style sheets", "<main><h1>Framed</h1><iframe src='/inner' "
                         "title='Embedded content'></iframe></main>",
                         head="<link rel='stylesheet' href='/plain.css' media='screen, print'>")),
    "/inner": html(page("Embedded content", "<p>Embedded content, no style sheet.</p>")),
    "/plain.css": css(PLAIN_CSS), "/lock.css": css(LOCK_CSS), "/imports.css": css("@import url('/lock.css');"),
}


@pytest.fixture(scope="module")
def seen():
    async def go(base: str) -> dict[str, object]:
        out = {}
        async with Gatherer(Settings(page_timeout=15, axe_timeout=30), find_browser(None).path or "",
                            families={"best-practice"}, axe_rules=[], best_practice=["css-orientation-lock"]) as g:
            ctx = await g.new_context()
            for p in ("/print-plain", "/print-lock", "/screen-lock", "/import-lock", "/framed"):
                out[p] = await g.visit(ctx, base + p.lstrip("/"))
            await g.close_context(ctx)
        return out

    with serving(ROUTES) as srv:
        return asyncio.run(go(srv.base_url))


def test_no_orientation_query_in_a_sheet_axe_skipped_is_a_pass_saying_why(seen):
    art = seen["/print-plain"]
    assert not art.error, art.error
    out = run_page("axe-css-orientation-lock", art)
    assert out.status is Status.PASS, out
    assert "has an orientation media query" in out.detail and "1 style sheet" in out.detail


def test_a_lock_in_a_sheet_axe_skipped_stays_for_review(seen):
    for p in ("/print-lock", "/import-lock"):
        out = run_page("axe-css-orientation-lock", seen[p])
        assert out.status is Status.MANUAL, (p, out)


def test_a_lock_axe_reads_is_still_reported(seen):
    # a violation, given as a warning: the best-practice tier does not fail pages
    out = run_page("axe-css-orientation-lock", seen["/screen-lock"])
    assert out.status is Status.WARN and out.findings and out.findings[0].status is Status.WARN, out


def test_a_frame_without_style_sheets_is_measured_in_the_frame(seen):
    # the digital.gov build's embeds (a page with no style sheet in an iframe): axe-core left the
    # frame's <html> undecided ("iframe | html"); the frame's own CSSOM is read
    art = seen["/framed"]
    nodes = [n for r in art.axe["incomplete"] if r["id"] == "css-orientation-lock" for n in r["nodes"]]
    assert any(len(n["target"]) == 2 for n in nodes), nodes  # axe-core did leave the frame undecided
    out = run_page("axe-css-orientation-lock", art)
    assert out.status is Status.PASS, out
