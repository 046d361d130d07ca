"""A generated site of N realistic pages, served from memory on 127.0.0.1.

Nothing is written to disk: every page is built from its number by a pure function, so
page ``i`` is byte-identical on every request and in every run (the tools compare the same
pages). The site is ``/`` plus ``/p/1.html`` .. ``/p/{N-1}.html``; ``/sitemap.xml`` lists all
N, ``/robots.txt`` points at it, and pages link only to pages inside the set, so a crawl from
``/`` with ``--max-pages N`` audits exactly the URL list the other tools are given.

Pages vary the way agency pages do: length, images, forms, tables, header/nav/footer, a
few heavy pages (every 97th: a 1,500-row table and 200 images), and some defects (missing
alt text, unlabeled inputs, low contrast, empty links, skipped heading levels).
"""

from __future__ import annotations

import hashlib
import mimetypes
import random
import threading
from email.utils import formatdate, parsedate_to_datetime
from functools import lru_cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

WORDS = ("the agency program benefits apply eligible application federal service grant office public "
         "information report annual review contact form health housing education veterans safety data "
         "budget policy community support request status online account local state rules deadline "
         "payment travel passport tax small business research energy water climate transport").split()

# A 1x1 PNG: images cost a request and a decode, not bandwidth.
PIXEL = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                      "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e221bc330000000049454e44ae426082")

CSS = b"""body{font-family:sans-serif;margin:0;line-height:1.5}header,footer{background:#1b1b1b;color:#fff;
padding:1rem}header a,footer a{color:#fff}main{max-width:60rem;margin:auto;padding:1rem}
table{border-collapse:collapse}td,th{border:1px solid #999;padding:.25rem}.faint{color:#aaa;background:#fff}
nav ul{list-style:none;display:flex;gap:1rem;flex-wrap:wrap;padding:0}img{max-width:100%}"""

HEAVY_EVERY = 97

#: Every response's Last-Modified (a fixed date: the site is the same in every run) and, for a
#: page changed since (``Server.changed``), one day later. Static servers (nginx, Apache,
#: GitHub Pages, Python's http.server) send validators; incremental re-scans rely on them.
SITE_DATE = 1_764_547_200  # 2025-12-01 00:00 UTC

#: What a changed page gains (``change_page``): a dated notice in its main content.
CHANGE_NOTICE = b"<p>Updated: this page was revised after the first audit.</p>"


def page_path(i: int) -> str:
    return "/" if i == 0 else f"/p/{i}.html"


def page_paths(n: int) -> list[str]:
    return [page_path(i) for i in range(n)]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 28))]
    return " ".join(words).capitalize() + "."


def _para(rng: random.Random) -> str:
    return "<p>" + " ".join(_sentence(rng) for _ in range(rng.randint(2, 7))) + "</p>"


@lru_cache(maxsize=256)
def render_page(i: int, n: int) -> bytes:
    """Page ``i`` of an ``n``-page site: deterministic HTML."""
    rng = random.Random(i * 7919 + 13)
    heavy = i > 0 and i % HEAVY_EVERY == 0
    defect = i % 5 == 3
    nav = "".join(f'<li><a href="{page_path(j)}">Section {j}</a></li>' for j in range(0, min(n, 8)))
    links = "".join(f'<li><a href="{page_path(rng.randrange(n))}">{_sentence(rng)[:40]}</a></li>'
                    for _ in range(rng.randint(3, 15)))
    body = [f"<h1>Page {i}: {' '.join(rng.choice(WORDS) for _ in range(4))}</h1>"]
    for section in range(rng.randint(1, 6)):
        body.append(f"<h2>Section {section + 1}</h2>")
        body.extend(_para(rng) for _ in range(rng.randint(1, 5)))
        if rng.random() < 0.4:
            alt = "" if defect and section == 0 else f' alt="Photo {i}-{section}"'
            body.append(f'<img src="/img/{i}-{section}.png"{alt} width="320" height="200">')
    if i % 3 == 0:
        label = "" if defect else '<label for="q">Search this site</label>'
        body.append(f'<form role="search" action="/search">{label}<input id="q" name="q" type="search">'
                    '<button type="submit">Search</button></form>')
    if i % 4 == 1:
        rows = "".join(f"<tr><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 10**6)}</td>"
                       f"<td>{rng.choice(WORDS)}</td></tr>" for _ in range(rng.randint(5, 40)))
        body.append(f"<table><caption>Figures {i}</caption><tr><th>Item</th><th>Amount</th><th>Kind</th></tr>"
                    f"{rows}</table>")
    if i % 6 == 2:
        name_input = '<input id="nm" name="nm">' if defect else '<label for="nm">Name</label><input id="nm" name="nm">'
        body.append(f'<form action="/contact" method="post"><h2>Contact us</h2>{name_input}'
                    '<label for="em">Email</label><input id="em" type="email" name="em">'
                    '<label for="msg">Message</label><textarea id="msg" name="msg"></textarea>'
                    '<button type="submit">Send</button></form>')
    if defect:
        body.append('<p class="faint">Low-contrast disclaimer text.</p><a href="/"></a><h4>Skipped level</h4>')
    if heavy:
        rows = "".join(f"<tr><td>{r}</td><td>{rng.choice(WORDS)}</td><td>{rng.randint(1, 9999)}</td></tr>"
                       for r in range(1500))
        body.append(f"<table><caption>Full listing</caption><tr><th>Row</th><th>Word</th><th>N</th></tr>{rows}</table>")
        body.extend(f'<img src="/img/{i}-h{k}.png" alt="Chart {k}" width="50" height="50">' for k in range(200))
    html = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Page {i} of the Example Agency benchmark site</title>
<meta name="description" content="Benchmark page {i}: programs, services and information from the Example Agency.">
<link rel="stylesheet" href="/site.css"></head>
<body><a href="#main">Skip to main content</a>
<header><p>An official website of the United States government</p><nav aria-label="Main"><ul>{nav}</ul></nav></header>
<main id="main">{''.join(body)}<h2>Related pages</h2><ul>{links}</ul></main>
<footer><ul><li><a href="/">Home</a></li><li><a href="{page_path(min(n - 1, 1))}">About</a></li></ul>
<p>Example Agency benchmark site</p></footer></body></html>"""
    return html.encode("utf-8")


def sitemap(base: str, n: int) -> bytes:
    urls = "".join(f"<url><loc>{base}{p}</loc></url>" for p in page_paths(n))
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode()


def change_page(body: bytes) -> bytes:
    """A page's HTML after an edit: the notice just before ``</main>`` (or at the end)."""
    at = body.rfind(b"</main>")
    return body[:at] + CHANGE_NOTICE + body[at:] if at >= 0 else body + CHANGE_NOTICE


def is_changed(i: int, change_every: int) -> bool:
    """Whether page ``i`` is one of the changed pages (``--change-every K``: pages K, 2K, ...)."""
    return change_every > 0 and i > 0 and i % change_every == 0


def changed_page(i: int, n: int) -> bytes:
    """Page ``i`` after an edit, as served when it is changed."""
    return change_page(render_page(i, n))


class Server(ThreadingHTTPServer):
    """The HTTP server, with the set of paths changed since the first audit: their bodies gain
    ``CHANGE_NOTICE`` and their validators change (a benchmark of incremental re-scans edits
    the site this way, without touching any file)."""

    daemon_threads = True
    changed: set[str]  # set by _start: paths whose content changed


class _Handler(BaseHTTPRequestHandler):
    """Shared by the generated site and a served folder: validators (a strong ETag from the
    body, Last-Modified) and 304 answers to conditional requests, as static servers give."""

    protocol_version = "HTTP/1.1"
    server: Server

    def log_message(self, *args: object) -> None:  # quiet
        pass

    def _path(self) -> str:
        return self.path.split("?", 1)[0].split("#", 1)[0]

    def _send(self, status: int, ctype: str, body: bytes, head: bool = False) -> None:
        changed = self._path() in self.server.changed and status == 200
        if changed:
            body = change_page(body) if ctype.startswith("text/html") else body + b"\n/* changed */\n"
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        modified = SITE_DATE + (86_400 if changed else 0)
        if status == 200 and self._not_modified(etag, modified):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        if status == 200:
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", formatdate(modified, usegmt=True))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _not_modified(self, etag: str, modified: int) -> bool:
        match = self.headers.get("If-None-Match")
        if match is not None:  # RFC 9110 13.1.2: If-None-Match wins over If-Modified-Since
            return etag in [t.strip().removeprefix("W/") for t in match.split(",")] or match.strip() == "*"
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return modified <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError, IndexError):
                return False
        return False

    def do_HEAD(self) -> None:
        self.do_GET(head=True)

    def do_GET(self, head: bool = False) -> None:
        raise NotImplementedError


def make_handler(n: int) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        def do_GET(self, head: bool = False) -> None:
            path = self._path()
            base = f"http://{self.headers.get('Host', '127.0.0.1')}"
            if path == "/":
                return self._send(200, "text/html; charset=utf-8", render_page(0, n), head)
            if path.startswith("/p/") and path.endswith(".html"):
                num = path[3:-5]
                if num.isdigit() and 0 < int(num) < n:
                    return self._send(200, "text/html; charset=utf-8", render_page(int(num), n), head)
            if path.startswith("/img/"):
                return self._send(200, "image/png", PIXEL, head)
            if path == "/site.css":
                return self._send(200, "text/css", CSS, head)
            if path == "/robots.txt":
                return self._send(200, "text/plain", f"User-agent: *\nAllow: /\nSitemap: {base}/sitemap.xml\n".encode(),
                                  head)
            if path == "/sitemap.xml":
                return self._send(200, "application/xml", sitemap(base, n), head)
            return self._send(404, "text/html; charset=utf-8", b"<!DOCTYPE html><html lang=en><title>Not found</title>"
                              b"<h1>Not found</h1></html>", head)

    return Handler


def dir_handler(root: Path) -> type[BaseHTTPRequestHandler]:
    """A built site's folder (a real federal site's Jekyll/Hugo output): files as they are,
    ``index.html`` for a folder, a real 404 otherwise; nothing outside ``root``."""
    root = root.resolve()

    class Handler(_Handler):
        def do_GET(self, head: bool = False) -> None:
            from urllib.parse import unquote

            rel = unquote(self._path()).lstrip("/")
            target = (root / rel).resolve()
            if target.is_dir():
                if not self._path().endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", self._path() + "/")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                target = target / "index.html"
            if (target != root and root not in target.parents) or not target.is_file():
                notfound = root / "404.html"
                body = notfound.read_bytes() if notfound.is_file() else b"<!DOCTYPE html><title>Not found</title>"
                return self._send(404, "text/html; charset=utf-8", body, head)
            ctype = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
            if ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml"):
                ctype += "; charset=utf-8"
            return self._send(200, ctype, target.read_bytes(), head)

    return Handler


def _start(handler: type[BaseHTTPRequestHandler], port: int) -> tuple[Server, str]:
    server = Server(("127.0.0.1", port), handler)
    server.changed = set()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def serve(n: int, port: int = 0, change_every: int = 0) -> tuple[Server, str]:
    """Serve an ``n``-page site in a daemon thread; returns (server, base URL). With
    ``change_every`` K, pages K, 2K, ... are served edited (:func:`changed_page`); the
    server's ``changed`` set can be changed while it runs."""
    server, base = _start(make_handler(n), port)
    server.changed = {page_path(i) for i in range(n) if is_changed(i, change_every)}
    return server, base


def serve_dir(root: str | Path, port: int = 0) -> tuple[Server, str]:
    """Serve a built site's folder in a daemon thread; returns (server, base URL)."""
    return _start(dir_handler(Path(root)), port)


def html_paths(root: str | Path) -> list[str]:
    """The URL path of every HTML page in a built site's folder ("/", "/about/", "/a/b.html")."""
    root = Path(root)
    out = []
    for f in sorted(root.rglob("*.html")):
        rel = f.relative_to(root).as_posix()
        if rel == "404.html":
            continue
        out.append("/" + (rel[:-len("index.html")] if rel.endswith("index.html") else rel))
    return sorted(out)


if __name__ == "__main__":
    import argparse
    import time

    ap = argparse.ArgumentParser(description="Serve the generated benchmark site.")
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--change-every", type=int, default=0, metavar="K",
                    help="serve pages K, 2K, 3K ... edited (one paragraph more, new validators): "
                         "10 changes 10%% of the pages, for measuring --incremental re-scans")
    a = ap.parse_args()
    srv, url = serve(a.pages, a.port, a.change_every)
    print(url, flush=True)
    while True:
        time.sleep(3600)
