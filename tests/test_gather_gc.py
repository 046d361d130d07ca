"""A tab's renderer gets a full garbage collection every ``gc_every`` pages.

Only a full collection frees what a tab's earlier documents left behind; V8 schedules one by
the size of its own heap, which stays small, so without it a renderer grew ~10 MB a page.
Real Chromium, real local server, Chromium's own count of the documents alive in the
renderer (DevTools ``Memory.getDOMCounters``): without collections each visit leaves
documents behind (3 a page here: the page and documents axe-core and the probes made); a
collection leaves only the current one.
"""

from __future__ import annotations

import asyncio

import pytest
from faults.harness import serving
from faults.server import html, page

from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

PAGE = page("Page", "<main><h1>Page</h1><p>Some text.</p><a href='/page'>again</a></main>")


def _documents(gc_every: int, pages: int) -> list[tuple[int, bool]]:
    """Per visit: the documents alive in the tab's renderer afterwards (Chromium's own
    counter), and whether the visit made a collection."""
    async def go(base: str) -> list[tuple[int, bool]]:
        out = []
        settings = Settings(page_timeout=15, axe_timeout=30, gc_every=gc_every)
        async with Gatherer(settings, find_browser(None).path or "") as g:
            ctx = await g.new_context()
            cdp = None
            for _ in range(pages):
                art = await g.visit(ctx, base + "page")
                assert not art.error, art.error
                cdp = cdp or await ctx.new_cdp_session(g._tabs[ctx])
                counters = await cdp.send("Memory.getDOMCounters")
                out.append((counters["documents"], "gc" in art.timings))
            await g.close_context(ctx)
        return out

    with serving({"/page": html(PAGE)}) as srv:
        return asyncio.run(go(srv.base_url))


def test_without_collections_left_documents_pile_up():
    # the control: this is what the collections are for (fails if Chromium ever stops
    # leaving them, and then gc_every can go)
    docs = _documents(gc_every=0, pages=4)
    assert not any(gc for _, gc in docs)
    assert docs[-1][0] > docs[0][0] > 1


def test_a_collection_every_page_keeps_one_document():
    docs = _documents(gc_every=1, pages=4)
    assert docs == [(1, True)] * 4


def test_every_third_page_frees_what_the_two_before_left():
    docs = _documents(gc_every=3, pages=6)
    assert [gc for _, gc in docs] == [False, False, True] * 2
    assert docs[2][0] == docs[5][0] == 1
    assert docs[1][0] > docs[0][0] > 1
