"""Mid-crawl page faults: every page is audited or recorded as failed with its reason, and
the scan completes. One crawl of the fault site in real Chromium covers them all."""

from __future__ import annotations

import pytest
from faults.harness import explain, no_traceback, pages, result, scan, serving
from faults.sites import page_fault_site

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    with serving(page_fault_site()) as srv:
        proc = scan(srv.base_url, tmp, "--max-pages", "40", "--no-sitemap")
        hits = dict(srv.requests)
    return srv.base_url.rstrip("/"), tmp, proc, hits


def test_scan_completes(crawl):
    base, tmp, proc, _ = crawl
    assert proc.returncode == 0, explain(proc)
    assert no_traceback(proc)
    assert result(tmp)["run"]["status"] == "complete"


def _page(crawl, path):
    base, tmp, _, _ = crawl
    return pages(tmp).get(base + path)


def test_never_loading_page_fails_with_timeout(crawl):
    p = _page(crawl, "/hang")
    assert p and "timed out" in p["error"]


@pytest.mark.parametrize("path", ["/dialogs", "/invalid", "/throws", "/no-type", "/frames"])
def test_awkward_pages_are_audited(crawl, path):
    p = _page(crawl, path)
    assert p is not None, path
    assert p["error"] is None, p
    assert p["status_code"] == 200


@pytest.mark.parametrize("path", ["/busy-loop", "/huge"])
def test_heavy_page_is_recorded_either_way(crawl, path):
    p = _page(crawl, path)
    assert p is not None  # audited (if it loads within --page-timeout) or failed with a reason; never lost
    assert p["error"] is None or p["error"].strip()


@pytest.mark.parametrize("path, landing", [("/meta-refresh", "/landing-meta"), ("/js-redirect", "/landing-js")])
def test_self_navigating_page_is_recorded(crawl, path, landing):
    base = crawl[0]
    p = _page(crawl, path)
    assert p is not None
    assert p["error"] is None or p["error"].strip()
    assert p["final_url"] in (base + path, base + landing)


def test_axe_sees_iframe_and_shadow_dom(crawl):
    base, tmp, _, _ = crawl
    alt = [f for f in result(tmp)["findings"] if f["check_id"].endswith("image-alt") and f["page_url"] == base + "/frames"]
    selectors = " ".join(f["selector"] for f in alt)
    assert "#in-frame" in selectors and "iframe" in selectors, alt
    assert "#in-shadow" in selectors, alt


def test_wrong_content_type_is_skipped_as_non_html(crawl):
    base, tmp, _, _ = crawl
    assert _page(crawl, "/wrong-type") is None
    urls = [e["url"] for e in result(tmp)["skipped_examples"].get("non-html", [])]
    assert base + "/wrong-type" in urls


def test_429_is_retried_after_retry_after(crawl):
    base, _, _, hits = crawl
    p = _page(crawl, "/rate-limited")
    assert p["error"] is None and p["status_code"] == 200
    assert hits["/rate-limited"] == 2


def test_persistent_503_is_bounded_and_recorded(crawl):
    _, _, _, hits = crawl
    p = _page(crawl, "/always-busy")
    assert p["error"] == "HTTP 503"
    assert hits["/always-busy"] == 3  # first try + 2 retries, then give up


@pytest.mark.parametrize("value, attempt, expected", [
    ("1", 0, 1.0), ("3600", 0, 30.0), ("inf", 0, 30.0), ("-5", 0, 0.0), ("nan", 1, 2.0), ("junk", 2, 4.0),
    ("", 0, 1.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 0, 0.0),
])
def test_retry_after_is_honoured_but_capped(value, attempt, expected):
    from auditor.scan import retry_after

    assert retry_after({"retry-after": value}, attempt) == expected


def test_pacing_is_recorded_and_reported(crawl):
    """The 429 and 503 answers above are in the run's record, the scorecard and the CLI
    summary: a long scan is shown to be the site's doing."""
    _, tmp, proc, _ = crawl
    pacing = result(tmp)["run"]["pacing"]
    assert pacing["busy_answers"] == {"429": 1, "503": 3}, pacing
    assert pacing["pauses"] == 3  # /always-busy gives up after its second retry without pausing again
    assert any("asked to slow down" in e for e in pacing["events"])
    assert 'pacing: The site answered 4 requests with "slow down" (1 x 429, 3 x 503)' in proc.stdout
    html = (tmp / "out" / "idea-audit.html").read_text()
    assert "<strong>Pacing:</strong> The site answered 4 requests with &#34;slow down&#34;" in html
