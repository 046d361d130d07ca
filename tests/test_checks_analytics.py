"""Analytics / user needs and customization on saved artifacts (no browser)."""

from checkhelp import BASE, SiteArtifacts, Status, links, page, run_page, run_site

DAP = "https://dap.digitalgov.gov/Universal-Federated-Analytics-Min.js?agency=GSA&subagency=TTS"
DAP_HTML = f'<html><head><script async id="_fed_an_ua_tag" src="{DAP}"></script></head><body></body></html>'


def test_dap_detected_with_parameters():
    out = run_page("dap-present", page(DAP_HTML, requests=[DAP]))
    assert out.status is Status.PASS and "agency=GSA subagency=TTS" in out.detail and "loaded=yes" in out.detail
    ga4 = page("<script>gtag('config', 'G-CSLL4ZEK4L')</script>")
    assert run_page("dap-present", ga4).status is Status.PASS
    noagency = page('<script src="/js/Universal-Federated-Analytics-Min.js"></script>')
    out = run_page("dap-present", noagency)
    assert out.status is Status.WARN and "agency=" in out.findings[0].message
    missing = run_page("dap-present", page("<html><body></body></html>"))
    assert missing.status is Status.FAIL and missing.findings[0].requirements == ["m2322-dap", "idea-3a6"]


def test_feedback():
    touch = page("<html><body></body></html>", url=BASE, requests=["https://touchpoints.app.cloud.gov/touchpoints/x.js"])
    contact = page("<html><body></body></html>", url=BASE + "b", links=links((BASE + "contact", "Contact us", "footer")))
    bare = page("<html><body></body></html>", url=BASE + "c")
    assert run_site("analytics-feedback", SiteArtifacts(start_url=BASE), [touch, contact]).status is Status.PASS
    out = run_site("analytics-feedback", SiteArtifacts(start_url=BASE), [touch, bare])
    assert out.status is Status.WARN and [f.page_url for f in out.findings] == [BASE + "c"]
    assert run_site("analytics-feedback", SiteArtifacts(start_url=BASE), [bare]).status is Status.FAIL


def test_third_party_hosts_listed_for_review():
    p = page("", url=BASE, requests=[BASE + "a.css", "https://cdn.example.com/x.js", DAP])
    out = run_site("analytics-third-party", SiteArtifacts(start_url=BASE), [p])
    assert out.status is Status.MANUAL
    assert [f.snippet for f in out.findings] == ["cdn.example.com", "dap.digitalgov.gov"]
    assert run_site("analytics-third-party", SiteArtifacts(start_url=BASE), [page("", requests=[BASE])]).status is Status.PASS


def test_customization_is_always_a_manual_item():
    p = page('<html><head><link rel="alternate" hreflang="es" href="/es/"></head></html>',
             links=links((BASE + "es/", "Español", "header"), (BASE + "login", "Sign in", "header")))
    out = run_site("custom-experience", SiteArtifacts(start_url=BASE), [p])
    assert out.status is Status.MANUAL and out.score is None
    assert "Español" in out.detail and "hreflang=es" in out.detail and "Sign in" in out.detail
    bare = run_site("custom-experience", SiteArtifacts(start_url=BASE), [page("")])
    assert bare.status is Status.MANUAL and "none seen" in bare.detail


def test_feedback_ways_real_sites_offer_count():
    from auditor.model import Link, PageArtifacts
    from checks.analytics import feedback_facts

    def facts(href, text):
        return feedback_facts(PageArtifacts(url="http://127.0.0.1/", html="<html><body></body></html>",
                                            links=[Link(href=href, text=text, rel="", region="footer")]))

    # the footers of plainlanguage.gov and designsystem.digital.gov
    assert facts("mailto:info@plainlanguage.gov", "Email us") == ["email: Email us"]
    assert facts("https://github.com/uswds/uswds-site/issues/new", "Help us improve this site")[0].startswith("GitHub")
    assert facts("https://github.com/GSA/site/edit/main/page.md", "Edit this page")
    assert facts("http://127.0.0.1/feedback/", "Tell us what you think")
    assert facts("http://127.0.0.1/es/", "Comentarios")
    # social media and a bare repository link are not a way to give feedback on the site
    assert facts("https://twitter.com/agency", "Twitter") == []
    assert facts("https://github.com/GSA/plainlanguage.gov", "GitHub") == []


def test_customization_evidence_is_controls_not_headlines():
    from auditor.model import Link, PageArtifacts
    from checks.customization import summarize_custom

    links = [Link(href="https://login.gov/", text="Login.gov", rel="", region="main"),
             Link(href="/2024/08/26/how-login-gov-uses-roadmapping/", rel="", region="main",
                  text="How Login.gov uses roadmapping to build trust with its partners and the public"),
             Link(href="mailto:partners@login.gov", text="partners@login.gov", rel="", region="main"),
             Link(href="/documentation/settings/", rel="", region="main",
                  text="1. Check your current USWDS code and settings versions"),
             Link(href="/account/sign-in", text="Sign in", rel="", region="header"),
             Link(href="/subscribe/", text="Subscribe to our newsletter", rel="", region="footer"),
             Link(href="/es/", text="Español", rel="", region="header")]
    seen = summarize_custom(PageArtifacts(url="http://127.0.0.1/", html="<html><body></body></html>", links=links))
    assert seen == {"language": ["Español"], "account": ["Sign in"], "preferences": ["Subscribe to our newsletter"]}
