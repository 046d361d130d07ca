"""Search family on saved HTML and saved submissions (no browser)."""

from checkhelp import BASE, SiteArtifacts, Status, asset, page, run_page, run_site

V3 = asset("branding", "uswds-v3.html")
NONE = "<html><body><header><p>x</p></header><main><p>No search here</p></main></body></html>"
SEARCHGOV = ('<html><body><header><form action="https://search.usa.gov/search" method="get">'
             '<input type="hidden" name="affiliate" value="agency"><input name="query"></form></header></body></html>')


def test_present():
    out = run_page("search-present", page(V3))
    assert out.status is Status.PASS and "header" in out.detail
    assert run_page("search-present", page(SEARCHGOV)).detail.startswith("search.gov")
    assert run_page("search-present", page(NONE)).status is Status.FAIL


def test_consistent():
    a, b = page(V3, url=BASE + "a"), page(V3, url=BASE + "b")
    assert run_site("search-consistent", SiteArtifacts(start_url=BASE), [a, b]).status is Status.PASS
    c = page(NONE, url=BASE + "c")
    moved = page("<html><body><footer><form role=search><input type=search></form></footer></body></html>", url=BASE + "d")
    out = run_site("search-consistent", SiteArtifacts(start_url=BASE), [a, b, c, moved])
    assert out.status is Status.FAIL
    assert {f.page_url: f.message for f in out.findings} == {
        BASE + "c": "Search is missing here", BASE + "d": "Search is in the footer, elsewhere in the header"}
    assert run_site("search-consistent", SiteArtifacts(start_url=BASE), [c]).status is Status.NOT_APPLICABLE


def _with(result):
    return page(V3, url=BASE, probes={"search_submit": result})


def test_works():
    ok = {"form": {}, "url": BASE + "search?query=contact", "status": 200, "final_url": BASE + "search?query=contact"}
    assert run_site("search-works", SiteArtifacts(start_url=BASE), [_with(ok)]).status is Status.PASS
    home = {**ok, "final_url": BASE}
    assert "homepage" in run_site("search-works", SiteArtifacts(start_url=BASE), [_with(home)]).findings[0].message
    missing = {**ok, "status": 404}
    assert run_site("search-works", SiteArtifacts(start_url=BASE), [_with(missing)]).status is Status.FAIL
    offsite = {"form": {}, "skipped": "search form submits to another host (search.usa.gov); not contacted"}
    assert run_site("search-works", SiteArtifacts(start_url=BASE), [_with(offsite)]).status is Status.MANUAL
    assert run_site("search-works", SiteArtifacts(start_url=BASE), [_with({"form": None})]).status is Status.NOT_APPLICABLE
