"""A renderer that crashes mid-visit: the page keeps what was measured before the crash and
says what was lost, the crashed tab is replaced, and the next page in the same browser
context is audited normally. Real Chromium; the crash itself is caused through the DevTools
protocol (``Page.crash``), since no well-behaved fixture page can crash a renderer on demand."""

from __future__ import annotations

import asyncio

import pytest
from faults.harness import serving
from faults.server import html, page

from auditor import gatherers
from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.gatherers import PageAction
from auditor.settings import Settings

pytestmark = pytest.mark.browser


async def _crash_on_request(pg, art, settings):
    if "/crash" in art.url:
        cdp = await pg.context.new_cdp_session(pg)
        try:
            await asyncio.wait_for(cdp.send("Page.crash"), 2)
        except Exception:
            pass  # the session dies with the renderer and never answers
    return {"crashed": "/crash" in art.url}


@pytest.fixture()
def crash_action():
    gatherers._load()
    gatherers._ACTIONS["test_crash"] = PageAction("test_crash", _crash_on_request, order=1, timeout=10)
    yield
    gatherers._ACTIONS.pop("test_crash", None)


def test_crashed_renderer_loses_only_the_rest_of_its_page(crash_action):
    routes = {"/crash": html(page("A page whose renderer dies", "<img src='/x.png'>")),
              "/after": html(page("The next page", "<img src='/y.png'>"))}

    async def visit_both(base: str):
        async with Gatherer(Settings(page_timeout=10, axe_timeout=20), find_browser(None).path or "") as g:
            ctx = await g.new_context()
            crashed = await g.visit(ctx, base + "crash")
            after = await g.visit(ctx, base + "after")
            await g.close_context(ctx)
            return crashed, after

    with serving(routes) as srv:
        crashed, after = asyncio.run(visit_both(srv.base_url))
    # measured before the crash: kept; measured after it: each says why it is missing
    assert not crashed.error and crashed.axe.get("violations") is not None
    assert any(v["id"] == "image-alt" for v in crashed.axe["violations"])
    later = [name for name, data in crashed.probes.items()
             if isinstance(data, dict) and name in ("keyboard", "mobile", "reflow")]
    assert later and all("crash" in crashed.probes[n]["error"].lower() or "closed" in crashed.probes[n]["error"].lower()
                         for n in later), {n: crashed.probes[n] for n in later}
    # the same context goes on with a fresh tab
    assert not after.error
    assert any(v["id"] == "image-alt" for v in after.axe["violations"])
    assert after.probes["keyboard"].get("stops") is not None and "error" not in after.probes["keyboard"]
