"""Precision of three checks on saved artifacts (no browser): link purpose in context
(WCAG 2.4.4), the viewport's zoom settings read the way browsers read them (1.4.4), and
the element named as the cause of sideways scrolling at 320 px (1.4.10).

The look-alike/real page pairs for each class are in ``fixtures/sites/lookalikes/``
(``la-links-*``, ``la-zoom-*``, ``la-reflow-*``) and run in real Chromium in
``tests/test_lookalikes.py``; the reflow measurements below were saved from the real
gatherer on ``real-reflow-offcanvas.html`` and ``la-reflow-offcanvas.html``."""

from __future__ import annotations

from pathlib import Path

import pytest
from checkhelp import Status, page, run_page

from auditor.model import PageArtifacts
from checks.content import (
    ambiguous_link_groups,
    content_link_name_alone,
    content_link_purpose,
    link_destination,
    site_aliases,
)
from checks.mobile import viewport_props, viewport_user_zoom, viewport_zoom, zoom_problems
from checks.reflow import reflow_320

URL = "http://127.0.0.1/p.html"
LOOKALIKES = Path(__file__).resolve().parent.parent / "fixtures" / "sites" / "lookalikes"


# --- content-link-purpose -------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("http://127.0.0.1/forms/", "http://127.0.0.1/forms"),
    ("http://127.0.0.1/forms/", "http://127.0.0.1/forms/index.html"),
    ("http://127.0.0.1/forms/index.htm#top", "http://127.0.0.1/forms"),
    ("HTTPS://WWW.Example.GOV:443/offices/", "https://www.example.gov/offices/index.html#hq"),
    ("http://example.gov:80/a", "http://example.gov/a"),
    ("http://example.gov/", "http://example.gov"),
    ("http://example.gov/%7Euser/a%2f", "http://example.gov/~user/a%2F"),
    ("mailto:Help@Agency.GOV", "MAILTO:help@agency.gov"),
    ("mailto:b@x.gov,a@x.gov?subject=Hi", "mailto:a@x.gov, b@x.gov"),
    ("tel:+1 (202) 555-0100", "tel:+12025550100"),
])
def test_spellings_of_one_resource_compare_equal(a, b):
    assert link_destination(a) == link_destination(b)


@pytest.mark.parametrize("a, b", [
    ("http://example.gov/forms/", "http://example.gov/forms/paper.html"),
    ("http://example.gov/a?page=1", "http://example.gov/a?page=2"),
    ("https://example.gov/a", "http://example.gov/a"),
    ("http://example.gov:8080/a", "http://example.gov/a"),
    ("mailto:help@x.gov", "mailto:records@x.gov"),
])
def test_different_resources_stay_apart(a, b):
    assert link_destination(a) != link_destination(b)


def test_a_host_with_and_without_www_is_one_site():
    assert link_destination("https://www.plainlanguage.gov/guidelines/") == \
        link_destination("https://plainlanguage.gov/guidelines")
    # only a leading www. label of a name with a parent domain; other hosts stay apart
    assert link_destination("https://www2.agency.gov/a") != link_destination("https://agency.gov/a")
    assert link_destination("http://www.gov/a") != link_destination("http://gov/a")


CANON = '<html><head><link rel="canonical" href="https://www.plainlanguage.gov/about/"></head><body></body></html>'


def test_the_canonical_origin_is_another_name_of_the_audited_site():
    # a build served at a local or staging address names its production origin in rel=canonical:
    # its own links to that origin (or its bare/www twin) go to the pages being audited
    art = PageArtifacts(url="http://127.0.0.1:8102/about/", final_url="http://127.0.0.1:8102/about/", html=CANON)
    aliases = site_aliases(art)
    assert link_destination("https://plainlanguage.gov/", aliases) == link_destination("http://127.0.0.1:8102/", aliases)
    assert link_destination("https://www.plainlanguage.gov/a", aliases) == link_destination("http://127.0.0.1:8102/a", aliases)
    assert link_destination("https://digital.gov/", aliases) != link_destination("http://127.0.0.1:8102/", aliases)


def test_home_links_to_the_site_and_to_its_production_name_are_one_place():
    links = [link("Home", "http://127.0.0.1:8102/", None, 0), link("Home", "https://plainlanguage.gov", None, 1)]
    art = PageArtifacts(url="http://127.0.0.1:8102/about/", final_url="http://127.0.0.1:8102/about/", html=CANON,
                        probes={"content_structure": {"headings": [], "links": links}})
    assert content_link_name_alone.fn(art).status is Status.PASS
    # without the canonical naming it, another host is another place
    art.html = "<html><head></head><body></body></html>"
    assert content_link_name_alone.fn(art).status is Status.WARN


@pytest.mark.parametrize("href", ["", "   ", "javascript:void(0)", None, {}, {"baseVal": "/x"}])
def test_no_destination_to_compare(href):
    # an SVG <a>'s href used to reach the check as an object (a serialised SVGAnimatedString)
    assert link_destination(href) is None


def ctx(sentence="", block="", headers="", heading="", description=""):
    return {"sentence": sentence, "block": block, "headers": headers, "heading": heading,
            "description": description}


def link(name, href, context=None, i=0):
    return {"name": name, "href": href, "target": "", "warned": False, "context": context,
            "selector": f"a:nth-of-type({i + 1})", "snippet": f'<a href="{href}">{name}</a>'}


def outcome(links):
    art = PageArtifacts(url=URL, final_url=URL, probes={"content_structure": {"headings": [], "links": links}})
    return content_link_purpose.fn(art)


SAME = ctx("Latest news: Read more Read more", "Latest news: Read more Read more", heading="News")


def test_same_name_same_context_different_places_is_a_warning():
    out = outcome([link("Read more", "http://127.0.0.1/grants.html", SAME, 0),
                   link("read  more", "http://127.0.0.1/loans.html", SAME, 1)])
    # two URLs may still serve one purpose (a redirect, a copy): only visiting them would tell
    assert out.status is Status.WARN
    f = out.findings[0]
    assert f.status is Status.WARN and f.wcag == ["2.4.4"] and f.selector == "a:nth-of-type(2)"
    assert "same context" in f.message and "2 different places" in f.message


def test_same_resource_however_spelled_passes():
    out = outcome([link("Forms help", "http://127.0.0.1/forms/", SAME, 0),
                   link("Forms help", "http://127.0.0.1/forms/index.html#top", SAME, 1),
                   link("Email us", "mailto:Help@Agency.GOV", SAME, 2),
                   link("Email us", "mailto:help@agency.gov", SAME, 3)])
    assert out.status is Status.PASS and not out.findings


@pytest.mark.parametrize("part", ["sentence", "block", "headers", "heading", "description"])
def test_links_told_apart_by_any_part_of_their_context_pass(part):
    a, b = dict(SAME), dict(SAME)
    a[part], b[part] = "Grants: the small business program", "Loans: the disaster program"
    out = outcome([link("Read more", "http://127.0.0.1/grants.html", a, 0),
                   link("Read more", "http://127.0.0.1/loans.html", b, 1)])
    assert out.status is Status.PASS


def test_context_is_compared_by_content_not_by_element():
    # ACT fd3a94 failed example 2: each link alone in its own paragraph: identical contexts
    only = ctx("ACT rules", "ACT rules")
    groups = ambiguous_link_groups([link("ACT rules", "https://act-rules.github.io/", only),
                                    link("ACT rules", "https://www.w3.org/community/act-r/", dict(only))])
    assert len(groups) == 1 and len(groups[0][1]) == 2


def test_svg_link_href_object_does_not_crash_and_is_skipped():
    out = outcome([link("Program rules", "http://127.0.0.1/rules.html", SAME),
                   link("Program rules", {}, SAME)])
    assert out.status is Status.PASS


def test_links_without_a_measured_context_share_one():
    # artifacts saved before the probe measured context: the old grouping by name alone
    out = outcome([link("Read more", "http://127.0.0.1/a.html"), link("Read more", "http://127.0.0.1/b.html")])
    assert out.status is Status.WARN


def test_javascript_links_are_not_compared():
    out = outcome([link("Menu", "javascript:void(0)", SAME), link("Menu", "http://127.0.0.1/menu.html", SAME)])
    assert out.status is Status.PASS


# --- mobile-zoom-enabled --------------------------------------------------------------------

# ACT rule b4f0c3 ("Meta viewport allows for zoom"): content -> zoom allowed
ACT_B4F0C3 = [
    ("user-scalable=yes", True), ("maximum-scale=2.0", True), ("maximum-scale=-1", True),
    ("user-scalable=5", True), ("maximum-scale=device-width", True), ("width=device-width", True), ("", True),
    ("user-scalable=no", False), ("user-scalable=yes, initial-scale=0.8, maximum-scale=1.5", False),
    ("maximum-scale=1.0", False), ("maximum-scale=yes", False), ("user-scalable=0.5", False),
    ("user-scalable=invalid", False), ("maximum-scale=invalid", False),
]


@pytest.mark.parametrize("content, allowed", ACT_B4F0C3)
def test_zoom_as_browsers_resolve_the_viewport(content, allowed):
    assert (not zoom_problems(viewport_props(content))) is allowed


def test_viewport_tokenizer_follows_the_browser():
    assert viewport_props("width = device-width initial-scale=1;maximum-scale=1") == {
        "width": "device-width", "initial-scale": "1", "maximum-scale": "1"}
    assert viewport_props("Width=Device-Width, USER-SCALABLE=NO") == {"width": "device-width", "user-scalable": "no"}
    assert viewport_props("maximum-scale=1, maximum-scale=3")["maximum-scale"] == "3"  # last wins
    assert viewport_props(" , ;") == {}


def test_scale_and_user_scalable_values():
    assert viewport_zoom("-1") is None  # ignored
    assert viewport_zoom("yes") == 1 and viewport_zoom("no") == 0 and viewport_zoom("device-height") == 10
    assert viewport_zoom("20") == 10  # clamped
    assert viewport_zoom("1.5x") == 1.5 and viewport_zoom("x") == 0
    assert viewport_user_zoom("-2") and viewport_user_zoom("device-width") and not viewport_user_zoom("-0.5")
    # minimum-scale above maximum-scale lifts the ceiling (the browser takes the greater)
    assert not zoom_problems(viewport_props("minimum-scale=3, maximum-scale=1"))


def meta_page(content):
    return page(f'<html><head><meta name="viewport" content="{content}"></head><body><p>x</p></body></html>')


def test_zoom_check_on_pages():
    assert run_page("mobile-zoom-enabled", meta_page("width=device-width, maximum-scale=-1")).status is Status.PASS
    out = run_page("mobile-zoom-enabled", meta_page("width=device-width; user-scalable=yes; maximum-scale=yes"))
    assert out.status is Status.FAIL and "maximum-scale=yes" in out.findings[0].message
    out = run_page("mobile-zoom-enabled", meta_page("width=device-width initial-scale=1 user-scalable=0.5"))
    assert out.status is Status.FAIL and "user-scalable=0.5" in out.findings[0].message
    # space-separated pairs are one viewport to the browser, so to the viewport check too
    assert run_page("mobile-viewport-meta", meta_page("width=device-width initial-scale=1")).status is Status.PASS


# --- reflow-320 -----------------------------------------------------------------------------

#: ``probes["reflow"]["reflow"]`` saved from the gatherer on real-reflow-offcanvas.html: a
#: fixed off-canvas drawer (#menu, translated off-screen), a carousel track clipped by its
#: overflow: hidden parent and, the real cause, a 640 px table
REAL_OFFCANVAS = {"viewport": 320, "scroll_width": 656, "overflows": True, "scrollable": True, "offscreen": 0,
                  "culprits": [{"selector": "#rates", "snippet": "<table id=\"rates\"><tbody><tr><td>Rate one</td>"
                                "<td>Rate two</td><td>Rate three</td><td>Rate four</td></tr></tbody></table>",
                                "right": 656, "width": 640, "visible": True}]}
#: the same from la-reflow-offcanvas.html: html, body { overflow-x: hidden }, off-canvas panels only
LA_OFFCANVAS = {"viewport": 320, "scroll_width": 600, "overflows": False, "scrollable": False, "offscreen": 1,
                "culprits": []}


def reflow_page(r):
    return PageArtifacts(url=URL, final_url=URL, probes={"reflow": {
        "reflow": r, "text_spacing": {"clipped": []}, "zoom": {"width": 640, "clipped": []}}})


def test_real_twin_names_the_table_not_the_off_canvas_menu():
    html = (LOOKALIKES / "real-reflow-offcanvas.html").read_text("utf-8")
    assert 'id="rates"' in html and 'id="menu" class="drawer"' in html  # the saved run is of this page
    out = reflow_320.fn(reflow_page(REAL_OFFCANVAS))
    assert out.status is Status.FAIL
    assert [f.selector for f in out.findings] == ["#rates"]
    assert "<table> reaches 656 px" in out.findings[0].message and "scrolls horizontally" in out.findings[0].message


def test_look_alike_off_canvas_panels_pass():
    assert "overflow-x:hidden" in (LOOKALIKES / "la-reflow-offcanvas.html").read_text("utf-8")
    assert reflow_320.fn(reflow_page(LA_OFFCANVAS)).status is Status.PASS


def test_content_cut_off_where_the_page_hides_overflow_fails():
    r = {"viewport": 320, "scroll_width": 900, "overflows": True, "scrollable": False, "offscreen": 0,
         "culprits": [{"selector": "#cut", "snippet": "<div id=cut>", "right": 900, "width": 900, "visible": True}]}
    out = reflow_320.fn(reflow_page(r))
    assert out.status is Status.FAIL and "cut off" in out.findings[0].message


def test_an_invisible_culprit_is_a_warning():
    r = {"viewport": 320, "scroll_width": 700, "overflows": True, "scrollable": True,
         "culprits": [{"selector": "#panel", "snippet": "<div id=panel>", "right": 700, "width": 400, "visible": False}]}
    out = reflow_320.fn(reflow_page(r))
    assert out.status is Status.WARN and "visibility: hidden" in out.findings[0].message


def test_culprit_without_snippet_does_not_crash():
    r = {"viewport": 320, "scroll_width": 700, "overflows": True, "culprits": [{"selector": "div", "right": 700}]}
    out = reflow_320.fn(reflow_page(r))
    assert out.status is Status.FAIL and "<element> reaches 700 px" in out.findings[0].message


def test_reflow_box_edges_past_the_edge_lose_nothing():
    from auditor.model import PageArtifacts, Status
    from checks.reflow import reflow_320

    def page(content_right):
        culprit = {"selector": "ol.pager", "snippet": "<ol class=\"pager\">", "right": 332, "width": 344,
                   "visible": True, "content_right": content_right}
        return PageArtifacts(url="http://127.0.0.1:9/", probes={"reflow": {"reflow": {
            "viewport": 320, "scroll_width": 332, "overflows": True, "scrollable": True, "culprits": [culprit]}}})

    assert reflow_320.fn(page(317)).status is Status.PASS  # only padding and a border pass the edge
    assert reflow_320.fn(page(323)).status is Status.PASS  # a glyph's edge within the slack
    out = reflow_320.fn(page(410))
    assert out.status is Status.FAIL and out.findings[0].selector == "ol.pager"


def test_reflow_names_only_the_culprits_whose_content_passes_the_edge():
    # real uswds-site build (documentation/developers/ at 320 px): a code block's text passes the
    # edge by 6 px; a link beside it passes only by its box (its text ends at 314 px)
    code = {"selector": "pre > code", "snippet": "<code>", "right": 333, "visible": True, "content_right": 326}
    link = {"selector": "p > a", "snippet": "<a href=\"https://github.com/uswds/uswds/issues\">", "right": 330,
            "visible": True, "content_right": 314}
    r = {"viewport": 320, "scroll_width": 334, "overflows": True, "scrollable": False, "culprits": [code, link]}
    out = reflow_320.fn(reflow_page(r))
    assert out.status is Status.FAIL and [f.selector for f in out.findings] == ["pre > code"]


def test_redirect_targets_are_looked_up_only_for_same_site_links_named_alike():
    from auditor.gatherers.link_targets import candidates, meta_refresh

    page_url = "http://127.0.0.1:8104/"
    links = [{"name": "Write for us", "href": "http://127.0.0.1:8104/join"},
             {"name": "write  for us", "href": "http://127.0.0.1:8104/contribute/"},
             {"name": "Write for us", "href": "https://www.gsa.gov/join"},  # off-site: never contacted
             {"name": "About", "href": "http://127.0.0.1:8104/about/"},  # named once: nothing to compare
             {"name": "Home", "href": "http://127.0.0.1:8104/"}, {"name": "Home", "href": "http://127.0.0.1:8104/#top"}]
    assert candidates(links, page_url) == ["http://127.0.0.1:8104/contribute/", "http://127.0.0.1:8104/join"]
    # Hugo's alias page
    alias = ('<!DOCTYPE html><html lang="en-us"><head><title>/about/contribute/</title>'
             '<link rel="canonical" href="/about/contribute/"><meta name="robots" content="noindex">'
             '<meta charset="utf-8"><meta http-equiv="refresh" content="0; url=/about/contribute/"></head></html>')
    assert meta_refresh(alias, "http://127.0.0.1:8104/join") == "http://127.0.0.1:8104/about/contribute/"
    assert meta_refresh('<meta http-equiv="refresh" content="30">', "http://x/") is None


def test_links_that_redirect_to_one_page_go_to_one_place():
    links = [link("Write for us", "http://127.0.0.1/join", SAME, 0),
             link("Write for us", "http://127.0.0.1/about/contribute/", SAME, 1)]
    assert len(ambiguous_link_groups(links)) == 1
    resolved = {"http://127.0.0.1/join": "http://127.0.0.1/about/contribute/"}
    assert ambiguous_link_groups(links, resolved=resolved) == []


def test_session_and_tracking_variants_of_a_page_are_one_place():
    from auditor.gatherers.link_targets import candidates

    links = [{"name": "About us", "href": "http://127.0.0.1:8104/about?sid=abc123"},
             {"name": "About us", "href": "http://127.0.0.1:8104/about?utm_source=mail#team"}]
    assert candidates(links, "http://127.0.0.1:8104/") == []  # nothing fetched: one page to the crawler
    assert len({link_destination(lk["href"]) for lk in links}) == 1
