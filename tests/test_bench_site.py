"""The benchmark's generated site: deterministic pages, a sitemap of exactly N URLs, links
only inside the set (so a crawl audits the same pages the other tools are given)."""

import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from sitegen import page_paths, render_page, serve


def test_pages_are_deterministic_and_varied():
    assert render_page(7, 50) == render_page(7, 50)
    sizes = {len(render_page(i, 200)) for i in range(1, 100)}
    assert len(sizes) > 50
    assert len(render_page(97, 200)) > 10 * len(render_page(2, 200))  # a heavy page


def test_sitemap_lists_exactly_the_pages_and_links_stay_inside():
    server, base = serve(40)
    try:
        body = httpx.get(base + "/sitemap.xml").content
        locs = [e.text for e in ElementTree.fromstring(body).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
        assert locs == [base + p for p in page_paths(40)]
        inside = set(page_paths(40))
        for p in page_paths(40):
            html = httpx.get(base + p).text
            hrefs = set(re.findall(r'<a href="([^"#]+)"', html))
            assert hrefs <= inside, hrefs - inside
        assert httpx.get(base + "/p/40.html").status_code == 404
        assert "Sitemap: " + base + "/sitemap.xml" in httpx.get(base + "/robots.txt").text
    finally:
        server.shutdown()
