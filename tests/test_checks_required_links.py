"""Required links on saved artifacts: text AND destination, dead links, footer preference."""

import pytest
from checkhelp import BASE, SiteArtifacts, Status, links, page, row, run_page, run_site

from checks.required_links import MAX_SUMMARY_LINKS, summarize_links

FOOTER = [
    (BASE + "about/", "About us", "footer"),
    (BASE + "accessibility", "Accessibility statement", "footer"),
    (BASE + "budget", "Budget and Performance", "footer"),
    (BASE + "foia", "FOIA", "footer"),
    (BASE + "no-fear", "No FEAR Act data", "footer"),
    ("https://oig.example.gov/", "Office of Inspector General", "footer"),
    (BASE + "privacy", "Privacy policy", "footer"),
    ("https://www.usa.gov/", "USA.gov", "footer"),
    (BASE + "vulnerability-disclosure-policy", "Vulnerability disclosure policy", "footer"),
]
KEYS = ["about", "accessibility", "budget", "foia", "no-fear", "oig", "usagov", "vdp"]


def site(statuses=None):
    return SiteArtifacts(start_url=BASE, extra={"discoverability": {"link_status": statuses or {}}})


def test_all_homepage_links_pass():
    home = page("", links=links(*FOOTER))
    for key in KEYS:
        out = run_site(f"links-{key}", site(), [home])
        assert out.status is Status.PASS, (key, out)
    assert "not verified" in run_site("links-usagov", site(), [home]).detail


def test_spanish_variants():
    home = page("", links=links((BASE + "es/privacidad", "Política de privacidad", "footer"),
                                (BASE + "es/acerca", "Acerca de nosotros", "footer")))
    assert run_page("links-privacy", home).status is Status.PASS
    assert run_site("links-about", site(), [home]).status is Status.PASS


def test_missing_dead_and_wrong_destinations_fail():
    home = page("", links=links((BASE + "#", "About us", "footer"), ("javascript:void(0)", "Privacy", "footer"),
                                (BASE + "contact", "FOIA", "footer")))
    about = run_site("links-about", site(), [home])
    assert about.status is Status.FAIL and "goes nowhere" in about.findings[0].message
    foia = run_site("links-foia", site(), [home]).findings[0].message
    assert "not a FOIA destination" in foia and "contact" in foia
    assert run_site("links-foia", site(), [home]).status is Status.FAIL
    assert run_site("links-no-fear", site(), [home]).findings[0].message == "No 'No FEAR Act data' link on the homepage"
    priv = run_page("links-privacy", home)
    assert priv.status is Status.FAIL and "javascript:void(0)" in priv.findings[0].message


def test_destination_must_resolve():
    home = page("", links=links(*FOOTER))
    out = run_site("links-foia", site({BASE + "foia": 404}), [home])
    assert out.status is Status.FAIL and "answers 404" in out.findings[0].message
    crawled_broken = page("", url=BASE + "budget", status_code=500)
    out = run_site("links-budget", site(), rows=[row(home, 0), row(crawled_broken, 1)])
    assert out.status is Status.FAIL


def test_footer_preferred():
    home = page("", links=links((BASE + "foia", "FOIA", "main")))
    out = run_site("links-foia", site(), [home])
    assert out.status is Status.WARN and "not the footer" in out.findings[0].message


def test_privacy_on_every_page():
    assert run_page("links-privacy", page("", links=links(*FOOTER))).status is Status.PASS
    assert run_page("links-privacy", page("", links=[])).status is Status.FAIL


@pytest.mark.parametrize("key, text, href, why", [
    # what the real GSA sites (section508.gov, plainlanguage.gov, designsystem.digital.gov) link
    ("oig", "Office of the Inspector General", "https://www.gsaig.gov/", "Inspector General's own domain"),
    ("oig", "Inspector General", "https://www.dodig.mil/", "Inspector General's own domain"),
    ("oig", "Office of Inspector General", "https://oig.hhs.gov/", "the destination names it"),
    ("oig", "Inspector General", "https://www.oversight.gov/", "IG community"),
    ("privacy", "Privacy policy", "https://www.gsa.gov/website-information/website-policies", "website policies"),
    ("no-fear", "No FEAR Act data", "https://www.gsa.gov/reference/civil-rights-programs/notification-and-federal-"
                                   "employee-antidiscrimination-and-retaliation-act-of-2002", "full name"),
    ("budget", "Budget and performance", "https://www.performance.gov/agencies/gsa/", "the destination names it"),
    ("budget", "Budget & Performance", "https://www.usda.gov/our-agency/about-usda/performance", "names it"),
])
def test_destinations_agencies_really_use_pass(key, text, href, why):
    home = page("", links=links((href, text, "footer")))
    out = run_page("links-privacy", home) if key == "privacy" else run_site(f"links-{key}", site(), [home])
    assert out.status is Status.PASS, out
    if key != "privacy":
        assert why in out.detail and href in out.detail


@pytest.mark.parametrize("key, text, href", [
    ("oig", "Office of Inspector General", "https://www.gsa.gov/contact-us"),
    ("oig", "Inspector General", "https://www.bigbank.gov.example.com/"),
    ("privacy", "Privacy policy", "https://www.gsa.gov/about-us"),
    ("no-fear", "No FEAR Act data", "https://www.gsa.gov/careers"),
])
def test_other_destinations_still_fail_and_say_why(key, text, href):
    home = page("", links=links((href, text, "footer")))
    out = run_page("links-privacy", home) if key == "privacy" else run_site(f"links-{key}", site(), [home])
    assert out.status is Status.FAIL
    assert href in out.findings[0].message


def test_footer_links_after_hundreds_of_content_links_are_seen():
    # the digital.gov build's events list: 978 links, the footer (and its Privacy policy link)
    # last; the summary used to keep the first 400 links in document order, and the page
    # check read the summary: "No privacy policy link on this page"
    content = [(BASE + f"event/{i}/", f"Event {i}", "main") for i in range(900)]
    long_page = page("", links=links(("/", "Home", "header"), *content, *FOOTER))
    assert run_page("links-privacy", long_page).status is Status.PASS
    for key in KEYS:  # the homepage's required links, judged from the stored summary
        assert run_site(f"links-{key}", site(), [long_page]).status is Status.PASS, key
    kept = summarize_links(long_page)["links"]
    assert len(kept) == MAX_SUMMARY_LINKS
    assert [lk["text"] for lk in kept[:1] + kept[-len(FOOTER):]] == ["Home"] + [t for _, t, _ in FOOTER]
    assert [lk["text"] for lk in kept[1:4]] == ["Event 0", "Event 1", "Event 2"]  # document order kept
