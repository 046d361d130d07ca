"""The benchmark's generated site: deterministic pages, a sitemap of exactly N URLs, links
only inside the set (so a crawl audits the same pages the other tools are given)."""

import re
import sys
from pathlib import Path
from xml.etree import ElementTree

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from sitegen import CHANGE_NOTICE, html_paths, page_paths, render_page, serve, serve_dir


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


def test_validators_answer_conditional_requests_and_change_with_the_page():
    """What an incremental re-scan relies on, as static servers give it: a strong ETag and a
    Last-Modified, 304 for a conditional request that still holds, new ones for a changed page."""
    server, base = serve(20)
    try:
        first = httpx.get(base + "/p/3.html")
        etag, modified = first.headers["etag"], first.headers["last-modified"]
        assert httpx.get(base + "/p/3.html", headers={"If-None-Match": etag}).status_code == 304
        assert httpx.get(base + "/p/3.html", headers={"If-Modified-Since": modified}).status_code == 304
        assert httpx.get(base + "/p/4.html", headers={"If-None-Match": etag}).status_code == 200
        server.changed = {"/p/3.html"}
        after = httpx.get(base + "/p/3.html", headers={"If-None-Match": etag, "If-Modified-Since": modified})
        assert after.status_code == 200 and CHANGE_NOTICE in after.content
        assert after.headers["etag"] != etag and after.headers["last-modified"] != modified
        assert httpx.get(base + "/p/4.html", headers={"If-None-Match": httpx.get(base + "/p/4.html").headers["etag"]}
                         ).status_code == 304
    finally:
        server.shutdown()


def test_a_served_folder_gives_its_pages_and_nothing_outside(tmp_path):
    site = tmp_path / "site"
    (site / "about").mkdir(parents=True)
    (site / "index.html").write_text("<!DOCTYPE html><title>Home</title>")
    (site / "about" / "index.html").write_text("<!DOCTYPE html><title>About</title>")
    (site / "404.html").write_text("<!DOCTYPE html><title>Missing</title>")
    (tmp_path / "secret.txt").write_text("outside")
    assert html_paths(site) == ["/", "/about/"]
    server, base = serve_dir(site)
    try:
        assert "About" in httpx.get(base + "/about/").text
        assert httpx.get(base + "/about").status_code == 301
        missing = httpx.get(base + "/nope.html")
        assert missing.status_code == 404 and "Missing" in missing.text
        assert httpx.get(base + "/../secret.txt").status_code == 404
        assert httpx.get(base + "/%2e%2e/secret.txt").status_code == 404
        assert httpx.get(base + "/", headers={"If-None-Match": httpx.get(base + "/").headers["etag"]}).status_code == 304
    finally:
        server.shutdown()
