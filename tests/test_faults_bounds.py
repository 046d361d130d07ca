"""Fetches outside the browser are bounded in total time and in size, not only between bytes:
a start page dripping its headers, a robots.txt dripping its body, a sitemap that never ends.
What a bound cuts is said (the run's site record, the disc-* findings, the scan's last lines).
Sitemaps within the sitemaps.org limits (50 MB, 50,000 URLs) are read whole, compressed or not.
Real servers on 127.0.0.1."""

from __future__ import annotations

import gzip
import time

import pytest
from faults.harness import error_lines, explain, no_traceback, result, scan, serving
from faults.server import Reply, html, page

from auditor.crawl import MAX_SITEMAP_FILE_URLS, read_sitemap

pytestmark = pytest.mark.browser

ROBOTS = b"User-agent: *\nAllow: /\n" * 20


def drip(body: bytes, *, headers_too: bool = False, ctype: str = "text/html") -> callable:
    """One byte a second: of the status line and headers too (``headers_too``), else of the body."""
    def route(req) -> None:
        try:
            if headers_too:
                raw = (f"HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
                       f"X-Pad: {'a' * 200}\r\n\r\n").encode()
                for b in raw:
                    req.wfile.write(bytes([b]))
                    req.wfile.flush()
                    time.sleep(1)
            else:
                req.send_response(200)
                req.send_header("Content-Type", ctype)
                req.send_header("Content-Length", str(len(body)))
                req.end_headers()
                for b in body:
                    req.wfile.write(bytes([b]))
                    req.wfile.flush()
                    time.sleep(1)
        except OSError:
            pass
        req.close_connection = True
    return route


def endless_sitemap(req) -> None:
    """A chunked sitemap that never ends (a few KB every 10 ms)."""
    try:
        req.send_response(200)
        req.send_header("Content-Type", "application/xml")
        req.send_header("Transfer-Encoding", "chunked")
        req.end_headers()
        head = b"<?xml version='1.0'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
        req.wfile.write(b"%x\r\n%s\r\n" % (len(head), head))
        i = 0
        while True:
            chunk = b"".join(b"<url><loc>%s/n%d</loc></url>" % (req.origin.encode(), i + k) for k in range(50))
            i += 50
            req.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            req.wfile.flush()
            time.sleep(0.01)
    except OSError:
        pass
    req.close_connection = True


def test_start_page_dripping_its_headers_is_bounded(tmp_path):
    t0 = time.monotonic()
    with serving({"/": drip(page("Slow headers").encode(), headers_too=True)}) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "1", "--no-sitemap", timeout=60)
    took = time.monotonic() - t0
    assert proc.returncode == 3, explain(proc)
    assert no_traceback(proc), explain(proc)
    assert "no complete answer within 5s" in error_lines(proc)[-1], explain(proc)
    assert took < 30, took


def test_robots_txt_dripping_its_body_is_cut_and_said(tmp_path):
    routes = {"/": html(page("Home of the site")), "/robots.txt": drip(ROBOTS, ctype="text/plain")}
    t0 = time.monotonic()
    with serving(routes) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "1", "--no-sitemap", timeout=90)
    took = time.monotonic() - t0
    assert proc.returncode in (0, 1), explain(proc)
    assert took < 45, took
    r = result(tmp_path)
    cuts = r["site"]["fetch_cuts"]
    assert [c["what"] for c in cuts] == ["robots.txt"] and "not complete within 10s" in cuts[0]["cut"], cuts
    assert r["summary"]["pages_audited"] == 1
    robots = [f for f in r["findings"] if f["check_id"] == "disc-robots-txt"]
    assert robots and "its rules were not used" in robots[0]["message"], robots
    assert "cut: robots.txt" in proc.stdout, proc.stdout


def test_never_ending_sitemap_is_cut_and_its_entries_kept(tmp_path):
    routes = {"/": html(page("Home of the site")), "/sitemap.xml": endless_sitemap}
    t0 = time.monotonic()
    with serving(routes) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "2", timeout=90)
    took = time.monotonic() - t0
    assert proc.returncode in (0, 1), explain(proc)
    assert took < 45, took
    r = result(tmp_path)
    cuts = [c for c in r["site"]["fetch_cuts"] if c["what"] == "sitemap"]
    assert cuts and "not complete within 10s" in cuts[0]["cut"] and "entries before the cut were used" in cuts[0]["cut"]
    assert r["summary"]["pages_audited"] >= 1
    assert r["skipped"]["limit"] > 100  # the entries before the cut seeded the crawl
    said = [f for f in r["findings"] if f["check_id"] == "disc-sitemap" and "cut" in f["message"]]
    assert said, [f["message"] for f in r["findings"] if f["check_id"] == "disc-sitemap"]


def _big_sitemap(origin: str, n: int = 45_000) -> bytes:
    pad = "/" + "segment" * 25
    body = "".join(f"<url><loc>{origin}{pad}/p{i}</loc><lastmod>2026-01-01</lastmod><changefreq>weekly</changefreq>"
                   f"<priority>0.5</priority></url>" for i in range(n))
    return ("<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
            + body + "</urlset>").encode()


@pytest.mark.parametrize("compressed", [False, True], ids=["xml", "xml.gz"])
def test_large_valid_sitemap_gives_its_urls(tmp_path, compressed):
    """12 MB, 45,000 URLs: inside the sitemaps.org limits, so every URL is read (before: the
    fetch stopped at 10 MB and the cut XML gave no URLs at all)."""
    cache: dict[str, bytes] = {}

    def sitemap(req) -> Reply:
        if "b" not in cache:
            cache["b"] = _big_sitemap(req.origin.rstrip("/"))
            assert len(cache["b"]) > 12 * 1024 * 1024
        return Reply(gzip.compress(cache["b"], 1) if compressed else cache["b"], type="application/xml")

    name = "/sitemap.xml.gz" if compressed else "/sitemap.xml"
    routes = {"/": html(page("Home of the site")), name: sitemap,
              "/robots.txt": lambda req: Reply(f"Sitemap: {req.origin.rstrip('/')}{name}\n", type="text/plain")}
    with serving(routes, fallback=html(page("A page listed in the sitemap"))) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "3", "--checks", "discoverability", timeout=180)
    assert proc.returncode in (0, 1), explain(proc)
    r = result(tmp_path)
    assert r["summary"]["pages_audited"] == 3, explain(proc)
    assert r["skipped"]["limit"] == 45_000 - 2, r["skipped"]  # the start page + 2 from the sitemap audited
    assert "max-pages" in r["run"]["limits_hit"]
    assert not r["site"]["fetch_cuts"], r["site"]["fetch_cuts"]


def test_sitemap_past_the_limits_is_cut_and_said():
    over = _big_sitemap("http://a", MAX_SITEMAP_FILE_URLS + 5)
    for data in (over, gzip.compress(over, 1)):
        got = read_sitemap(data)
        assert len(got.urls) == MAX_SITEMAP_FILE_URLS
        assert "50,000 entries" in got.cut
    cut = read_sitemap(over[: len(over) // 2], truncated="not complete within 10s")
    assert 0 < len(cut.urls) < MAX_SITEMAP_FILE_URLS and cut.cut.startswith("not complete")
    assert read_sitemap(over[: len(over) // 2]).urls == []  # invalid XML not cut by us: nothing
