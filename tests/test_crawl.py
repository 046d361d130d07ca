"""Unit tests of the crawl frontier: canonical URLs, scope, robots.txt, sitemaps, limits."""

from __future__ import annotations

import gzip

import pytest

from auditor.crawl import (
    DUPLICATE,
    LIMIT,
    NON_HTML,
    OFF_SITE,
    OTHER_SCHEME,
    ROBOTS,
    Frontier,
    Robots,
    Scope,
    canonicalize,
    decompress_bounded,
    parse_sitemap,
)


@pytest.mark.parametrize("raw, expected", [
    ("HTTP://Example.GOV:80/a?b=2&a=1#frag", "http://example.gov/a?a=1&b=2"),
    ("https://example.gov:443/", "https://example.gov/"),
    ("https://example.gov", "https://example.gov/"),
    ("https://example.gov:8443/x", "https://example.gov:8443/x"),
    ("https://example.gov/p?utm_source=x&id=3&gclid=abc&fbclid=1", "https://example.gov/p?id=3"),
    ("https://example.gov/p;jsessionid=ABC123?PHPSESSID=9&q=1", "https://example.gov/p?q=1"),
    ("mailto:someone@example.gov", None),
    ("javascript:void(0)", None),
    ("http://[::1]:8080/a", "http://[::1]:8080/a"),
])
def test_canonicalize(raw, expected):
    assert canonicalize(raw) == expected


def test_trailing_slash_policies():
    assert canonicalize("https://e.gov/a/", trailing_slash="keep") == "https://e.gov/a/"
    assert canonicalize("https://e.gov/a/", trailing_slash="strip") == "https://e.gov/a"
    assert canonicalize("https://e.gov/a", trailing_slash="add") == "https://e.gov/a/"
    assert canonicalize("https://e.gov/a.html", trailing_slash="add") == "https://e.gov/a.html"
    assert canonicalize("https://e.gov/", trailing_slash="strip") == "https://e.gov/"


def test_scope_host_and_subdomains():
    host = Scope(["https://www.agency.gov/"], "host")
    assert host.contains("https://www.agency.gov/x")
    assert host.contains("https://agency.gov/x")  # www and bare host are one site
    assert not host.contains("https://data.agency.gov/x")
    assert not host.contains("https://www.agency.gov:8443/x")
    sub = Scope(["https://www.agency.gov/"], "subdomains")
    assert sub.contains("https://data.agency.gov/x")
    assert not sub.contains("https://agency.gov.evil.com/x")
    assert not sub.contains("https://notagency.gov/")


def test_robots_rules_and_sitemaps():
    robots = Robots("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n\nUser-agent: idea-auditor\n"
                    "Disallow: /no-audit/\nSitemap: https://a.gov/sm.xml\n", "idea-auditor")
    assert robots.allowed("https://a.gov/public")
    assert robots.allowed("https://a.gov/private/x")  # the specific group replaces '*'
    assert not robots.allowed("https://a.gov/no-audit/x")
    assert robots.sitemaps() == ["https://a.gov/sm.xml"]
    other = Robots("User-agent: *\nDisallow: /private/\nCrawl-delay: 2\n", "somebot")
    assert not other.allowed("https://a.gov/private/x") and other.crawl_delay() == 2.0
    assert Robots(None, "x").allowed("https://a.gov/anything")
    assert Robots("<html>garbage</html>\n\x00\x01", "x").allowed("https://a.gov/")
    assert Robots("User-agent: *\nDisallow: /\n", "x", obey=False).allowed("https://a.gov/")


def test_parse_sitemap_urlset_index_gzip_and_garbage():
    urlset = (b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b"<url><loc> https://a.gov/x </loc></url><url><loc>https://a.gov/y</loc></url></urlset>")
    assert parse_sitemap(urlset) == (["https://a.gov/x", "https://a.gov/y"], [])
    index = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b"<sitemap><loc>https://a.gov/s1.xml</loc></sitemap></sitemapindex>")
    assert parse_sitemap(index) == ([], ["https://a.gov/s1.xml"])
    assert parse_sitemap(gzip.compress(urlset))[0] == ["https://a.gov/x", "https://a.gov/y"]
    assert parse_sitemap(b"<urlset><url><loc>broken") == ([], [])
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><urlset>&b;</urlset>'
    assert parse_sitemap(bomb.encode()) == ([], [])  # entities refused (defusedxml)


def test_gzip_bomb_is_bounded():
    bomb = gzip.compress(b"\0" * (20 * 1024 * 1024))
    assert len(decompress_bounded(bomb, limit=1024 * 1024)) == 1024 * 1024


def _frontier(**kw) -> Frontier:
    robots = Robots("User-agent: *\nDisallow: /private/\n", "ua")
    return Frontier(Scope(["http://127.0.0.1:8000/"]), robots, **kw)


def test_frontier_counts_every_skip_reason():
    f = _frontier(max_pages=3, max_depth=2)
    assert f.add("http://127.0.0.1:8000/", 0, seed=True)
    assert f.add("http://127.0.0.1:8000/a", 1) is not None
    assert f.add("http://127.0.0.1:8000/a#top", 1) is None            # duplicate
    assert f.add("http://127.0.0.1:8000/a?utm_source=x", 1) is None   # duplicate
    assert f.add("http://127.0.0.1:8000/a", 1) is None                 # same string: not counted again
    assert f.add("http://example.com/", 1) is None                     # off-site
    assert f.add("http://127.0.0.1:8000/private/p", 1) is None        # robots
    assert f.add("http://127.0.0.1:8000/doc.pdf", 1) is None          # non-html
    assert f.add("mailto:x@y.gov", 1) is None                          # other scheme
    assert f.add("http://127.0.0.1:8000/deep", 3) is None             # limit: depth
    assert f.add("http://127.0.0.1:8000/b", 1) is not None
    assert f.add("http://127.0.0.1:8000/c", 1) is None                 # limit: pages
    assert dict(f.skipped) == {DUPLICATE: 2, OFF_SITE: 1, ROBOTS: 1, NON_HTML: 1, OTHER_SCHEME: 1, LIMIT: 2}
    assert f.limits_hit == {"max-depth", "max-pages"}
    assert [q.url for q in f.queue] == ["http://127.0.0.1:8000/", "http://127.0.0.1:8000/a",
                                        "http://127.0.0.1:8000/b"]
    assert f.documents == {"http://127.0.0.1:8000/doc.pdf": [""]}


def test_the_pages_linking_a_document_do_not_depend_on_the_crawl_order():
    """Every page linking a document is noted (the smallest URLs kept), not only the first one
    crawled: two scans whose workers finished pages in another order (or an --incremental
    re-scan, which stores reused pages first) named different pages for the same document."""
    pages = [f"http://127.0.0.1:8000/p{i}" for i in range(30)]
    seen = []
    for order in (pages, pages[::-1], pages[7:] + pages[:7]):
        f = _frontier(max_pages=100)
        for src in order:
            f.add("http://127.0.0.1:8000/forms/a.pdf", 1, src)
            f.add("http://127.0.0.1:8000/forms/a.pdf#page=2", 1, src)  # another string, the same document
            f.add("http://127.0.0.1:8000/forms/a.pdf", 1, src)          # the same string again
        seen.append(f.documents)
    assert seen[0] == seen[1] == seen[2]
    assert seen[0]["http://127.0.0.1:8000/forms/a.pdf"] == sorted(pages)[:20]
    assert dict(_frontier().skipped) == {}
