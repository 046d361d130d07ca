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


V1_MARKUP = ('<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="/assets/css/main.css"></head><body>'
             '<div class="usa-banner"><header class="usa-banner-header"><div class="usa-grid usa-banner-inner">'
             '<p>An official website of the United States government</p></div></header></div>'
             '<div class="usa-width-one-whole"><button class="usa-accordion-button">Menu</button></div>'
             '<footer class="usa-footer"><div class="usa-footer__secondary-section"></div></footer>'
             '<script src="/assets/uswds/js/uswds.min.js"></script></body></html>')


def test_uswds_version_from_what_real_builds_ship():
    from checks.branding import uswds_signals

    def version(html, **kw):
        s = uswds_signals(page(html, **kw))
        return s["version"], s["major"]

    # plainlanguage.gov (uswds-jekyll 1.4.1): the 1.x class names, beside a few BEM ones of its own
    assert version(V1_MARKUP) == ("1.x", 1)
    # section508.gov, digital.gov: uswds-init.js ships with USWDS 2.10 and later (2.13, 2.14, 3.0,
    # 3.4 carry the same code), so it says "2.10 or later", not 3
    v3 = V1_MARKUP.replace("usa-banner-header", "usa-banner__header").replace("usa-grid", "grid-container") \
        .replace("usa-accordion-button", "usa-accordion__button").replace("usa-width-one-whole", "grid-col") \
        .replace("/assets/uswds/js/uswds.min.js", "/assets/js/uswds-init.min.js")
    assert version(v3) == ("2.10 or later", None)
    # BEM alone: 2 or later, no major claimed
    assert version(v3.replace("uswds-init.min.js", "uswds.min.js")) == ("2.x or later", None)
    # a version in an asset URL wins, and so does the banner comment read from the start page's asset
    assert version(v3, requests=["http://127.0.0.1/uswds-3.8.1/css/uswds.min.css"])[0] == "3.8.1"
    got = uswds_signals(page(V1_MARKUP, probes={"uswds_assets": {"assets": [
        {"url": "http://127.0.0.1/assets/uswds/css/uswds.min.css", "version": "1.3.1"}]}}))
    assert got["version"] == "1.3.1" and "banner comment" in got["source"]


def test_banner_comment_of_the_package_files():
    from auditor.gatherers.uswds_assets import version_in

    assert version_in("/*! uswds v1.3.1 */\n/*! normalize.css v3.0.3 */") == "1.3.1"
    assert version_in("/*! @uswds/uswds v3.8.0 */html{}") == "3.8.0"
    assert version_in("/*! uswds @version */html{}") is None  # an unrendered placeholder says nothing


def test_site_on_uswds_1_is_told_it_is_out_of_support():
    home = page(V1_MARKUP.replace("</body>", "<p class='usa-sr-only'></p>" * 12 + "</body>"), url=BASE)
    out = run_site("brand-uswds-version", SiteArtifacts(start_url=BASE), [home])
    assert out.status is Status.WARN
    assert "USWDS 1.x" in out.findings[0].message and "out of support" in out.findings[0].message
    v3 = page(asset("branding", "uswds-v3.html"), url=BASE)
    got = run_site("brand-uswds-version", SiteArtifacts(start_url=BASE), [v3])
    assert got.status is Status.PASS
    none = page("<html><body><p>No design system</p></body></html>", url=BASE)
    assert run_site("brand-uswds-version", SiteArtifacts(start_url=BASE), [none]).status is Status.NOT_APPLICABLE


def test_a_version_mentioned_in_the_text_is_not_the_version_shipped():
    from checks.branding import uswds_signals

    # designsystem.digital.gov's banner page: "This default banner was the only variant available until USWDS 13.3.0"
    html = V1_MARKUP.replace("</body>", "<p>The only variant available until USWDS 13.3.0; see uswds v2.8.0.</p>"
                                        "<!-- built with uswds v1.4.1 --></body>")
    got = uswds_signals(page(html))
    assert got["versions"] == ["1.4.1"] and got["version"] == "1.4.1"
