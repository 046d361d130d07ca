"""A page that tries to forge or break its own audit: its own ``window.axe`` answering "no
violations", JSON.stringify and Array methods replaced, a window.open loop, a lone UTF-16
surrogate in its title. The audit is not forged, the run goes on, the popups are closed.
Real Chromium, real servers on 127.0.0.1."""

from __future__ import annotations

import asyncio
import time

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from faults.harness import explain, no_traceback, pages, result, scan, serving
from faults.server import html, page

from auditor.browser import find_browser
from auditor.gather import Gatherer
from auditor.settings import Settings

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

AXE_VERSION = AXE_SCRIPT[:60].split("axe v")[-1].split()[0]
#: Four plain WCAG failures axe-core finds on any page.
BAD = "<img src='/x.png'><input type=text><a href='#'></a><button></button>"
#: The page's own axe-core, same version, whose run finds nothing.
FORGED_AXE = ("<script>window.axe = {version: '%s', run: async () => ({violations: [], incomplete: [], passes: [], "
              "inapplicable: [], testEngine: {version: '%s'}})};</script>") % (AXE_VERSION, AXE_VERSION)
#: JSON.stringify answering a forged result, Array.prototype.map answering nothing.
REPLACED = ("<script>JSON.stringify = () => '{\"title\": \"forged\", \"links\": []}'; "
            "Array.prototype.map = function () { return []; };</script>")


def _axe_failures(r: dict, url_end: str = "/") -> set[str]:
    return {f["check_id"] for f in r["findings"] if f["check_id"].startswith("axe-") and f["status"] == "fail"
            and f["page_url"].endswith(url_end)}


def test_a_page_forging_axe_core_gets_no_clean_result(tmp_path):
    """axe-core runs in an isolated world the page's scripts cannot reach: the page's own
    window.axe is never asked (before: a clean result, 0 axe failures)."""
    routes = {"/": html(page("Forged audit page", BAD, head=FORGED_AXE)),
              "/honest": html(page("Honest audit page", BAD))}
    with serving(routes) as srv:
        forged = scan(srv.base_url, tmp_path / "f", "--max-pages", "1", "--no-sitemap", "--checks", "accessibility")
        honest = scan(srv.base_url + "honest", tmp_path / "h", "--max-pages", "1", "--no-sitemap",
                      "--checks", "accessibility")
    assert forged.returncode in (0, 1) and honest.returncode in (0, 1), explain(forged) + explain(honest)
    want = {"axe-image-alt", "axe-label", "axe-link-name", "axe-button-name"}
    got = _axe_failures(result(tmp_path / "f"))
    assert want <= got, got
    assert got == _axe_failures(result(tmp_path / "h"), "/honest")


def test_replaced_builtins_neither_end_nor_falsify_the_run(tmp_path):
    """The page facts and axe-core are read with pristine built-ins; measurements that run in
    the page's own world are refused with the reason, never taken as forged."""
    routes = {"/": html(page("Builtins replaced page", BAD + "<a href='/next'>Next page</a>", head=REPLACED)),
              "/next": html(page("The next page here"))}
    with serving(routes) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "2", "--no-sitemap")
    assert proc.returncode in (0, 1), explain(proc)
    assert no_traceback(proc), explain(proc)
    home = pages(tmp_path)[srv.base_url]
    assert home["error"] is None, home
    r = result(tmp_path)
    titles = {p["title"] for p in r["pages"]}
    assert titles == {"Builtins replaced page", "The next page here"}, titles  # the link was followed
    assert {"axe-image-alt", "axe-label"} <= _axe_failures(r)
    refused = [e for e in r["check_errors"] if any("replaced JavaScript built-ins" in x["detail"] for x in e["examples"])]
    assert refused, r["check_errors"]
    assert all(x["page_url"] == home["url"] for e in refused for x in e["examples"])


def test_lone_surrogate_in_a_title_is_stored_not_a_crash(tmp_path):
    """document.title = '\\ud800': replaced by U+FFFD (before: UnicodeEncodeError in the store, exit 1,
    later pages never stored)."""
    routes = {"/": html(page("Home page of site", "<a href='/s'>S</a> <a href='/t'>T</a>"
                                                  "<script>document.title = 'Bad \\ud800 title'</script>")),
              "/s": html(page("S", "<script>document.title = 'Lone \\udc00 surrogate'</script>")),
              "/t": html(page("The page after them"))}
    with serving(routes) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "3", "--no-sitemap")
    assert proc.returncode in (0, 1), explain(proc)
    assert no_traceback(proc), explain(proc)
    titles = sorted(p["title"] for p in result(tmp_path)["pages"])
    assert titles == ["Bad \ufffd title", "Lone \ufffd surrogate", "The page after them"], titles
    assert (tmp_path / "out" / "idea-audit.html").is_file()


POPUPS = ("<script>for (let i = 0; i < 200; i++) window.open('/pop?' + i, '_blank');"
          "setInterval(() => window.open('/pop', '_blank'), 20);"
          "addEventListener('load', () => { for (let i = 0; i < 12; i++) {"
          " const a = document.createElement('a'); a.href = '/pop?a' + i; a.target = '_blank';"
          " document.body.append(a); a.click(); a.remove(); } });</script>")


def test_popups_are_closed_as_they_open_and_the_page_audited():
    """A window.open loop is blocked (as a browser's popup blocker would) and counted; windows
    opened another way (target=_blank clicks) are closed as they open (before: hundreds of open
    tabs, and the page's navigation timed out)."""
    async def visit(base: str):
        async with Gatherer(Settings(page_timeout=10, axe_timeout=30), find_browser(None).path or "") as g:
            ctx = await g.new_context()
            t0 = time.monotonic()
            art = await g.visit(ctx, base)
            took = time.monotonic() - t0
            await asyncio.sleep(1.0)  # any popup still being closed
            open_pages = len(ctx.pages)
            await g.close_context(ctx)
            return art, took, open_pages

    with serving({"/": html(page("Popup page", BAD, head=POPUPS)), "/pop": html(page("A popup"))}) as srv:
        art, took, open_pages = asyncio.run(visit(srv.base_url))
        popup_loads = sum(n for p, n in srv.requests.items() if p.startswith("/pop"))
    assert not art.error, art.error
    assert art.axe and {"image-alt", "label"} <= {v["id"] for v in art.axe["violations"]}
    assert art.timings["popups_blocked"] >= 200, art.timings
    assert art.timings.get("popups_closed", 0) >= 1, art.timings
    assert open_pages == 1
    assert popup_loads <= 12, popup_loads
    assert took < 60
