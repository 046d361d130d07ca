"""Discoverability family on saved artifacts (no browser)."""

from checkhelp import BASE, SiteArtifacts, Status, links, page, row, run_page, run_site

LONG = "How to apply for benefits from the Example Agency"
DESC = "Learn who can apply, what you need and how long it takes to hear back from us."


def doc(title=LONG, desc=DESC, extra="", lang="en", body=""):
    return (f'<html lang="{lang}"><head><title>{title}</title><meta name="description" content="{desc}">'
            f'{extra}</head><body><main>{body}</main></body></html>')


def test_title_and_description_length():
    assert run_page("disc-title", page(doc(), title=LONG)).status is Status.PASS
    out = run_page("disc-title", page(doc(title="Home"), title="Home"))
    assert out.status is Status.FAIL and "4 characters" in out.findings[0].message
    assert run_page("disc-description", page(doc())).status is Status.PASS
    assert run_page("disc-description", page(doc(desc="Short."))).status is Status.FAIL
    assert run_page("disc-description", page("<html><body></body></html>")).findings[0].message == "No meta description"


def test_lang_canonical_last_modified():
    assert run_page("disc-lang", page(doc())).status is Status.PASS
    assert run_page("disc-lang", page("<html><body>x</body></html>")).status is Status.FAIL
    assert run_page("disc-canonical", page(doc(extra='<link rel="canonical" href="/a">'))).status is Status.PASS
    assert run_page("disc-canonical", page(doc())).status is Status.FAIL
    dated = page(doc(body='<p>Last updated <time datetime="2026-01-02">Jan 2</time></p>'))
    assert run_page("disc-last-modified", dated).status is Status.PASS
    assert run_page("disc-last-modified", page(doc(), headers={"Last-Modified": "Tue, 01 Sep 2026"})).status is Status.PASS
    assert run_page("disc-last-modified", page(doc())).status is Status.WARN


def test_captcha():
    assert run_page("disc-no-captcha", page(doc())).status is Status.PASS
    out = run_page("disc-no-captcha", page(doc(), requests=["https://www.google.com/recaptcha/api.js"]))
    assert out.status is Status.FAIL and out.findings[0].requirements == ["m2322-no-captcha"]


def test_robots_txt():
    ok = SiteArtifacts(start_url=BASE, robots_status=200, robots_txt="User-agent: *\nDisallow: /private/\n")
    assert run_site("disc-robots-txt", ok).status is Status.PASS
    blocked = SiteArtifacts(start_url=BASE, robots_status=200, robots_txt="User-agent: *\nDisallow: /\n")
    out = run_site("disc-robots-txt", blocked)
    assert out.status is Status.FAIL and "blocks the homepage" in out.findings[0].message
    assert run_site("disc-robots-txt", SiteArtifacts(start_url=BASE, robots_status=404)).status is Status.FAIL


def test_sitemap_lists_crawled_pages():
    pages = [page(doc(), url=BASE), page(doc(), url=BASE + "about")]
    full = SiteArtifacts(start_url=BASE, sitemaps=[BASE + "sitemap.xml"], sitemap_urls=[BASE, BASE + "about"])
    assert run_site("disc-sitemap", full, pages).status is Status.PASS
    part = SiteArtifacts(start_url=BASE, sitemaps=[BASE + "sitemap.xml"], sitemap_urls=[BASE])
    out = run_site("disc-sitemap", part, pages)
    assert out.status is Status.WARN and [f.page_url for f in out.findings] == [BASE + "about"]
    assert run_site("disc-sitemap", SiteArtifacts(start_url=BASE), pages).status is Status.FAIL


def test_unique_titles_and_descriptions():
    a = page(doc(title="Apply for benefits | Agency"), url=BASE, title="Apply for benefits | Agency")
    b = page(doc(title="Apply for benefits | Agency"), url=BASE + "b", title="Apply for benefits | Agency")
    c = page(doc(title="Contact the agency help desk", desc=DESC + " Other."), url=BASE + "c",
             title="Contact the agency help desk")
    out = run_site("disc-title-unique", SiteArtifacts(start_url=BASE), [a, b, c])
    assert out.status is Status.FAIL and sorted(f.page_url for f in out.findings) == [BASE, BASE + "b"]
    assert run_site("disc-title-unique", SiteArtifacts(start_url=BASE), [a, c]).status is Status.PASS
    assert run_site("disc-description-unique", SiteArtifacts(start_url=BASE), [a, b]).status is Status.FAIL
    assert run_site("disc-description-unique", SiteArtifacts(start_url=BASE), [a, c]).status is Status.PASS


def test_broken_links_name_their_referrers():
    home = page(doc(), url=BASE, links=links((BASE + "gone", "Forms", "main"), (BASE + "ok", "OK", "main")))
    site = SiteArtifacts(start_url=BASE, extra={"discoverability": {"link_status": {BASE + "gone": 404, BASE + "ok": 200}}})
    out = run_site("disc-broken-links", site, [home])
    assert out.status is Status.FAIL and len(out.findings) == 1
    assert out.findings[0].page_url == BASE + "gone" and f"linked from {BASE}" in out.findings[0].message
    ok = SiteArtifacts(start_url=BASE, extra={"discoverability": {"link_status": {BASE + "ok": 200}}})
    assert run_site("disc-broken-links", ok, [home]).status is Status.PASS


def test_soft_404():
    def s(status):
        return SiteArtifacts(start_url=BASE, extra={"discoverability": {"soft404": {"url": BASE + "zz", "status": status}}})
    assert run_site("disc-soft-404", s(404)).status is Status.PASS
    assert run_site("disc-soft-404", s(200)).status is Status.FAIL
    assert run_site("disc-soft-404", SiteArtifacts(start_url=BASE)).status is Status.ERROR


PROSE_A = " ".join(f"Sentence number {i} tells people how to apply for help with their rent this year." for i in range(12))
PROSE_B = " ".join(f"Our parks open at dawn and close at dusk on day {i} of each week in the summer." for i in range(12))


def test_near_duplicates():
    a = page(doc(body=f"<p>{PROSE_A}</p>"), url=BASE + "a")
    a2 = page(doc(body=f"<h1>Copy</h1><p>{PROSE_A}</p>"), url=BASE + "a2")
    b = page(doc(body=f"<p>{PROSE_B}</p>"), url=BASE + "b")
    out = run_site("disc-near-duplicates", SiteArtifacts(start_url=BASE), [a, a2, b])
    assert out.status is Status.FAIL and [f.page_url for f in out.findings] == [BASE + "a2"]
    assert out.findings[0].requirements == ["idea-3a3", "m2322-discoverable"]
    assert run_site("disc-near-duplicates", SiteArtifacts(start_url=BASE), [a, b]).status is Status.PASS
    short = page(doc(body="<p>Hi.</p>"), url=BASE + "s")
    assert run_site("disc-near-duplicates", SiteArtifacts(start_url=BASE), [a, short]).status is Status.NOT_APPLICABLE
    assert row(short)["summary"]["disc"]["simhash"] is None


def test_simhash_counts_bits_like_the_textbook_algorithm():
    import random

    from checks._content import _simhash_reference, simhash

    rng = random.Random(7)
    vocab = "the agency program benefits apply eligible federal service grant office public".split()
    for n in (39, 40, 41, 120, 1500):
        for seed in range(5):
            text = " ".join(rng.choice(vocab + [str(seed)]) for _ in range(n))
            assert simhash(text) == _simhash_reference(text)
    assert simhash("word " * 39) is None
