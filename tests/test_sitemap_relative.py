"""Sitemaps as real builds write them (uswds-site: `Sitemap: /sitemap.xml` and relative
`<loc>` paths): their pages are crawled, and the relative entries are reported. robots.txt
served as an unrendered template fails. Real CLI, real Chromium, a real server on 127.0.0.1."""

from __future__ import annotations

import pytest
from faults.harness import result, scan, serving
from faults.server import Reply, html, page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]

SITEMAP = ("<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
           "<url><loc>/</loc></url><url><loc>/guide/</loc></url><url><loc>/only-in-sitemap/</loc></url></urlset>")


def routes(robots: str) -> dict:
    return {"/": html(page("Home", '<a href="/guide/">Guide</a>')),
            "/guide/": html(page("Guide")),
            "/only-in-sitemap/": html(page("Reached only from the sitemap")),
            "/robots.txt": lambda req: Reply(robots, type="text/plain"),
            "/sitemap.xml": lambda req: Reply(SITEMAP, type="application/xml")}


def test_relative_sitemap_entries_are_crawled_and_reported(tmp_path):
    with serving(routes("User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n")) as srv:
        proc = scan(srv.base_url, tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    r = result(tmp_path)
    audited = {p["url"].removeprefix(srv.base_url.rstrip("/")) for p in r["pages"] if not p["error"]}
    assert "/only-in-sitemap/" in audited  # a relative <loc> is a page to audit, not "other-scheme"
    sm = [f for f in r["findings"] if f["check_id"] == "disc-sitemap"]
    assert len(sm) == 1, sm  # the relative entries; no page "missing from the sitemap"
    assert "3 sitemap entries are not absolute URLs" in sm[0]["message"] and "'/guide/'" in sm[0]["message"]
    assert not [f for f in r["findings"] if f["check_id"] == "disc-robots-txt"]


def test_robots_txt_served_as_an_unrendered_template_fails(tmp_path):
    with serving(routes("User-agent: *\nAllow: /\nSitemap: {{ site.url }}/sitemap.xml\n")) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "2")
    assert proc.returncode in (0, 1), proc.stderr
    robots = [f for f in result(tmp_path)["findings"] if f["check_id"] == "disc-robots-txt"]
    assert robots and "unrendered template: '{{ site.url }}'" in robots[0]["message"]


def test_no_sitemap_keeps_sitemap_urls_out_of_the_crawl_but_still_judges_the_sitemap(tmp_path):
    # --no-sitemap used to skip reading the sitemaps, and disc-sitemap then said "No sitemap.xml
    # found" of a site that has one (seen on the plainlanguage.gov build, whose sitemap lists 197 URLs)
    with serving(routes("User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n")) as srv:
        proc = scan(srv.base_url, tmp_path, "--no-sitemap")
    assert proc.returncode in (0, 1), proc.stderr
    r = result(tmp_path)
    audited = {p["url"].removeprefix(srv.base_url.rstrip("/")) for p in r["pages"] if not p["error"]}
    assert audited == {"/", "/guide/"}  # the page only the sitemap lists is not crawled
    sm = [f for f in r["findings"] if f["check_id"] == "disc-sitemap"]
    assert sm and not any("No sitemap.xml found" in f["message"] for f in sm), sm
    assert "3 sitemap entries are not absolute URLs" in sm[0]["message"]
