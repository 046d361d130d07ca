"""Crawler traps: an infinite calendar, session ids, fragments, tracking parameters, case
variants, thousands of links on one page. The crawl stays within its limits, dedups the
variants of one URL, and the report says which limit was hit."""

from __future__ import annotations

import pytest
from faults.harness import explain, pages, result, scan, serving
from faults.server import Reply, html, page

pytestmark = pytest.mark.browser

MAX_PAGES = 12
MANY = 3000


def _calendar(req) -> Reply:
    try:
        month = int(req.query.split("month=")[1].split("&")[0])
    except (IndexError, ValueError):
        month = 0
    return Reply(page(f"Events calendar for month {month}",
                      f"<a href='/calendar?month={month + 1}'>Next</a> <a href='/calendar?month={month - 1}'>Prev</a>"))


def trap_site() -> dict:
    variants = ["/about?sid=abc123", "/about;jsessionid=XYZ987", "/about#team", "/about?utm_source=x&utm_medium=y",
                "/about?gclid=123", "/about?PHPSESSID=1&utm_campaign=z#top"]
    home = ("<a href='/calendar?month=0'>Calendar</a><a href='/about'>About</a>"
            + "".join(f"<a href='{v}'>About again</a>" for v in variants)
            + "<a href='/About'>About (case)</a><a href='/many'>Many links</a>")
    return {
        "/": html(page("Trap site home page", home)),
        "/about": html(page("About this agency")),
        "/About": html(page("About this agency (case variant)")),
        "/calendar": _calendar,
        "/many": html(page("A page with thousands of links",
                           "".join(f"<a href='/item/{i}'>Item {i}</a> " for i in range(MANY)))),
    }


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("traps")
    with serving(trap_site(), fallback=html(page("An item page"))) as srv:
        # --axe-timeout: axe-core's target-size and link-in-text-block grow with the square of
        # the links (~70 s on /many on 2 cores); a short budget shows they cost the page nothing
        proc = scan(srv.base_url, tmp, "--max-pages", str(MAX_PAGES), "--max-depth", "100", "--no-sitemap",
                    "--axe-timeout", "10")
        hits = dict(srv.requests)
    return srv.base_url.rstrip("/"), tmp, proc, hits


def test_crawl_is_bounded_and_says_so(crawl):
    base, tmp, proc, hits = crawl
    assert proc.returncode == 0, explain(proc)
    stored = pages(tmp)
    assert len(stored) == MAX_PAGES
    res = result(tmp)
    assert "max-pages" in res["run"]["limits_hit"]
    assert "limits reached: max-pages" in proc.stdout
    assert not stored[base + "/many"]["error"]  # a link-dense page is audited, not lost to a timeout
    assert res["skipped"]["limit"] > MANY - MAX_PAGES  # the thousands of links were counted, not crawled
    assert sum(n for path, n in hits.items() if path.startswith("/item/")) < MAX_PAGES


def test_session_fragment_and_tracking_variants_are_one_page(crawl):
    base, tmp, _, hits = crawl
    about = [u for u in pages(tmp) if u.lower().startswith(base + "/about")]
    assert base + "/about" in about
    assert all("sid" not in u.lower() and "utm_" not in u and "#" not in u and "gclid" not in u for u in about)
    assert sum(n for path, n in hits.items() if path.startswith("/about")) == 1


def test_case_variant_paths_are_distinct_urls(crawl):
    # HTTP paths are case-sensitive: /About is another URL (it counts against --max-pages like any page)
    base, tmp, _, _ = crawl
    assert base + "/About" in pages(tmp)


def test_infinite_calendar_is_cut_by_the_limit(crawl):
    base, tmp, _, hits = crawl
    months = [u for u in pages(tmp) if "/calendar" in u]
    assert 1 <= len(months) < MAX_PAGES
