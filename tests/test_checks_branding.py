"""Branding / USWDS on saved HTML (no browser)."""

from checkhelp import BASE, SiteArtifacts, Status, asset, page, run_page, run_site

V3 = asset("branding", "uswds-v3.html")
ES = asset("branding", "spanish-v1.html")
LATE = asset("branding", "banner-late.html")


def test_banner_english_v3_and_spanish_v1_pass():
    assert run_page("brand-banner", page(V3)).status is Status.PASS
    assert run_page("brand-banner", page(ES)).status is Status.PASS


def test_banner_missing_or_late_fails():
    out = run_page("brand-banner", page("<html><body><main>x</main></body></html>"))
    assert out.status is Status.FAIL and out.findings[0].message == "No official-site banner"
    late = run_page("brand-banner", page(LATE))
    assert late.status is Status.FAIL
    assert "not the first thing" in late.findings[0].message and "Here's how you know" in late.findings[0].message


def test_uswds_detection_with_version_and_confidence():
    p = page(V3, requests=[BASE + "assets/uswds-3.8.0/css/uswds.min.css"])
    out = run_page("brand-uswds", p)
    assert out.status is Status.PASS and "version 3.8.0" in out.detail
    # class names alone (anyone can copy them) stay below the threshold
    copy = run_page("brand-uswds", page('<div class="usa-a usa-b usa-c usa-d"></div>'))
    assert copy.status is Status.FAIL and "confidence 0.1" in copy.detail
    assert run_page("brand-uswds", page(LATE)).status is Status.FAIL


def test_identifier():
    assert run_page("brand-identifier", page(V3)).status is Status.PASS
    assert run_page("brand-identifier", page(ES)).status is Status.PASS  # identifier text, no markup
    assert run_page("brand-identifier", page(LATE)).status is Status.FAIL


def test_consistent_header_and_footer():
    a, b, c = (page(V3, url=BASE + x) for x in ("a", "b", "c"))
    assert run_site("brand-consistent", SiteArtifacts(start_url=BASE), [a, b, c]).status is Status.PASS
    odd = page(V3.replace("<li><a href=\"/\">Home</a></li>", "<li><a href=\"/\">Start</a></li>"), url=BASE + "odd")
    out = run_site("brand-consistent", SiteArtifacts(start_url=BASE), [a, b, odd])
    assert out.status is Status.FAIL and [(f.page_url, f.selector) for f in out.findings] == [(BASE + "odd", "header")]
    assert run_site("brand-consistent", SiteArtifacts(start_url=BASE), [a]).status is Status.NOT_APPLICABLE


NAV = """<!DOCTYPE html><html lang="en"><body><header class="usa-header" role="banner"><nav><ul>
<li><a href="/">Home</a></li>
<li><button aria-expanded="{open}">Examples</button><ul class="usa-nav-submenu">
<li><a href="/examples/" class="{cur1}">Overview</a>{sub}</li><li><a href="/examples/awards/">Award winners</a></li>
</ul></li><li><a href="/training/">Training</a></li></ul></nav></header><main><p>Text.</p></main>
<footer role="contentinfo"><a href="/privacy/">Privacy</a><p hidden>{note}</p></footer></body></html>"""


def test_header_compared_by_stable_structure_not_the_current_sections_menu():
    # plainlanguage.gov (uswds-jekyll 1.4.1): the current section's menu is expanded and the
    # current page carries its own (often empty) subpage list
    plain = page(NAV.format(open="false", cur1="", sub="", note=""), url=BASE + "a")
    here = page(NAV.format(open="true", cur1="usa-current", sub='<ul class="usa-nav-submenu"></ul>', note="x"),
                url=BASE + "b")
    deeper = page(NAV.format(open="false", cur1="", sub='<ul><li><a href="/examples/x/">Car safety</a></li></ul>',
                             note=""), url=BASE + "c")
    assert run_site("brand-consistent", SiteArtifacts(start_url=BASE), [plain, here, deeper]).status is Status.PASS
    # a different top-level menu is a different header
    other = page(NAV.format(open="false", cur1="", sub="", note="").replace("Training", "Courses"), url=BASE + "d")
    out = run_site("brand-consistent", SiteArtifacts(start_url=BASE), [plain, here, deeper, other])
    assert out.status is Status.FAIL and [f.page_url for f in out.findings] == [BASE + "d"]
