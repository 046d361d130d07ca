"""Malformed inputs: garbage or huge robots.txt; sitemaps that are invalid XML, gzip-compressed,
a gzip bomb, an XML entity bomb, or an index that loops. None crashes or exhausts memory."""

from __future__ import annotations

import gzip
import os
import resource
import tracemalloc
import zlib

import pytest
from faults.harness import explain, pages, result, scan, serving
from faults.server import Reply, html, page

from auditor.crawl import MAX_SITEMAP_BYTES, Robots, decompress_bounded, parse_sitemap

BOMB_BYTES = 512 * 1024 ** 2  # 512 MiB of zeros once inflated (10x the limit)


def gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"\0" * (1 << 20)
    out = [comp.compress(chunk) for _ in range(size // len(chunk))]
    return b"".join(out) + comp.flush()


def urlset(*urls: str) -> bytes:
    return ("<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>").encode()


def index(*urls: str) -> bytes:
    return ("<?xml version='1.0'?><sitemapindex xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + "".join(f"<sitemap><loc>{u}</loc></sitemap>" for u in urls) + "</sitemapindex>").encode()


ENTITY_BOMB = (b"<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
               + b"".join(b"<!ENTITY lol%d '%s'>" % (i + 1, (b"&lol%d;" % i if i else b"&lol;") * 10) for i in range(9))
               + b"]><urlset><url><loc>&lol9;</loc></url></urlset>")


# -- unit level: the parsers on their own -------------------------------------------------------
def test_invalid_xml_sitemap_gives_nothing():
    assert parse_sitemap(b"<urlset><url><loc>http://x/</loc></url") == ([], [])
    assert parse_sitemap(os.urandom(4096)) == ([], [])
    assert parse_sitemap(b"") == ([], [])


def test_gzip_sitemap_is_read():
    assert parse_sitemap(gzip.compress(urlset("http://a/1", "http://a/2"))) == (["http://a/1", "http://a/2"], [])


def test_truncated_gzip_is_not_a_crash():
    assert parse_sitemap(gzip.compress(urlset("http://a/1"))[:30]) == ([], [])


def test_gzip_bomb_stops_at_the_limit_in_bounded_memory():
    bomb = gzip_bomb()
    tracemalloc.start()
    try:
        out = decompress_bounded(bomb)
        assert parse_sitemap(bomb) == ([], [])
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(out) <= MAX_SITEMAP_BYTES
    assert peak < 4 * MAX_SITEMAP_BYTES  # not the 512 MiB the bomb inflates to


def test_entity_bomb_is_refused():
    assert parse_sitemap(ENTITY_BOMB) == ([], [])


@pytest.mark.parametrize("text", [os.urandom(20000).decode("latin-1"), "User-agent: *\nDisallow: /\x00\xff" * 3,
                                  "Disallow: /private\n" * 200_000, "}{][<>" * 1000])
def test_garbage_or_huge_robots_does_not_crash(text):
    robots = Robots(text, "idea-auditor")
    assert isinstance(robots.allowed("http://127.0.0.1/page"), bool)
    robots.crawl_delay()
    robots.sitemaps()


# -- end to end: one site serving all of them ---------------------------------------------------
def hostile_inputs_site(bomb: bytes) -> dict:
    robots = (b"User-agent: *\nAllow: /\nSitemap: /loop-a.xml\nSitemap: /bad.xml\nSitemap: /pages.xml.gz\n"
              b"Sitemap: /bomb.xml.gz\nSitemap: /entities.xml\n") + os.urandom(1024 * 1024)
    gz = "application/x-gzip"
    return {
        "/": html(page("Inputs fault site home page")),
        "/robots.txt": lambda req: Reply(robots, type="text/plain"),
        "/sitemap.xml": lambda req: Reply(index("/loop-a.xml"), type="application/xml"),
        "/loop-a.xml": lambda req: Reply(index(req.origin + "/loop-b.xml"), type="application/xml"),
        "/loop-b.xml": lambda req: Reply(index(req.origin + "/loop-a.xml", req.origin + "/loop-b.xml"),
                                         type="application/xml"),
        "/bad.xml": lambda req: Reply(b"<urlset><url><loc>oops", type="application/xml"),
        "/pages.xml.gz": lambda req: Reply(gzip.compress(urlset(req.origin + "/from-gzip")), type=gz),
        "/bomb.xml.gz": lambda req: Reply(bomb, type=gz),
        "/entities.xml": lambda req: Reply(ENTITY_BOMB, type="application/xml"),
        "/from-gzip": html(page("Page listed only in the gzip sitemap")),
    }


@pytest.mark.browser
def test_scan_survives_every_malformed_input(tmp_path):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    with serving(hostile_inputs_site(gzip_bomb())) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "5")
        hits = dict(srv.requests)
    assert proc.returncode == 0, explain(proc)
    base = srv.base_url.rstrip("/")
    assert base + "/from-gzip" in pages(tmp_path)
    assert hits["/loop-a.xml"] == 1 and hits["/loop-b.xml"] == 1  # the loop is read once, not forever
    assert result(tmp_path)["run"]["status"] == "complete"
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    assert peak_kib < 768 * 1024 or peak_kib == before  # no process came near the 512 MiB bomb
