"""--incremental end to end: the real CLI, Chromium, SQLite and a real HTTP server on 127.0.0.1.

Three servers: Python's http.server (Last-Modified, honours If-Modified-Since), one sending
ETag only (honours If-None-Match), one sending no validator at all. The site is edited
between scans; an incremental re-scan must reuse exactly the pages whose every same-site
answer is unchanged, and its findings and scores must equal a full re-scan's of the same
content."""

from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
from collections import Counter
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import load_json, run_cli

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} of the incremental test site</title>
<meta name="description" content="The {title} of a small site served to test incremental re-scans of it.">
{head}</head><body><header><a href="/">Home</a></header><main><h1>{title}</h1>{body}</main></body></html>"""

CSS = "body { font-family: sans-serif; color: #111; background: #fff }"
OTHER_CSS = "main { max-width: 40rem }"
JS = "document.documentElement.dataset.ready = '1';"


def _page(title: str, body: str, css: str = "/site.css", script: bool = False) -> str:
    head = f'<link rel="stylesheet" href="{css}">' + ('<script src="/app.js"></script>' if script else "")
    return PAGE.format(title=title, head=head, body=body)


def write_site(root: Path) -> None:
    (root / "site.css").write_text(CSS)
    (root / "other.css").write_text(OTHER_CSS)
    (root / "app.js").write_text(JS)
    (root / "index.html").write_text(_page("Home page", '<p>Welcome.</p><ul><li><a href="/a.html">Page A</a></li>'
                                          '<li><a href="/b.html">Page B</a></li><li><a href="/c.html">Page C</a></li></ul>',
                                          script=True))
    (root / "a.html").write_text(_page("Page A", '<p>An image without a text alternative:</p>'
                                       '<img src="/pixel.png" width="10" height="10">'))
    (root / "b.html").write_text(_page("Page B", "<p>Plain text only.</p>", script=True))
    (root / "c.html").write_text(_page("Page C", "<p>Styled apart.</p>", css="/other.css"))
    (root / "pixel.png").write_bytes(bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e221bc330000000049454e44ae426082"))


def edit(root: Path, name: str, text: str) -> None:
    """Rewrite a file with a modification time clearly later than before (Last-Modified has
    one-second resolution)."""
    path = root / name
    before = path.stat().st_mtime if path.exists() else time.time()
    path.write_text(text)
    later = max(time.time(), before) + 5
    os.utime(path, (later, later))


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class _ETagOnly(_Quiet):
    """Sends ETag (a hash of the file) and no Last-Modified; answers If-None-Match with 304."""

    validators = True

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            self.send_error(404)
            return None
        body = path.read_bytes()
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.validators and self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return None
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        if self.validators:
            self.send_header("ETag", etag)
        self.end_headers()
        import io

        return io.BytesIO(body)


class _NoValidators(_ETagOnly):
    validators = False


SERVERS = {"last-modified": _Quiet, "etag": _ETagOnly, "none": _NoValidators}


@pytest.fixture
def site(tmp_path: Path):
    """Factory: site(kind) -> (root dir, base URL); the server runs until teardown."""
    servers = []

    def start(kind: str) -> tuple[Path, str]:
        root = tmp_path / f"site-{kind}"
        root.mkdir()
        write_site(root)
        handler = functools.partial(SERVERS[kind], directory=str(root))
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return root, f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


class Scans:
    def __init__(self, tmp_path: Path, url: str) -> None:
        self.tmp, self.url, self.n = tmp_path, url, 0
        self.db = tmp_path / "runs.sqlite"

    def __call__(self, *extra: str) -> tuple[dict[str, Any], str]:
        self.n += 1
        out = self.tmp / f"out{self.n}"
        proc = run_cli("scan", self.url, "--db", str(self.db), "--out", str(out), "--format", "json,html,md",
                       "--concurrency", "2", "--max-pages", "20", *extra)
        assert proc.returncode in (0, 1), proc.stderr[-3000:]
        return load_json(out / "idea-audit.json"), proc.stdout + proc.stderr


def by_page(result: dict[str, Any]) -> dict[str, str | None]:
    """url path -> the run a page was reused from (None: audited in this run)."""
    return {p["url"].split("/", 3)[3]: p["reused_from"] for p in result["pages"]}


def same_results(a: dict[str, Any], b: dict[str, Any]) -> None:
    def key(r: dict[str, Any]) -> Counter[tuple[Any, ...]]:
        return Counter((f["check_id"], f["page_url"], f["selector"], f["fingerprint"], f["status"], f["severity"])
                       for f in r["findings"])

    assert key(a) == key(b)
    assert a["scores"] == b["scores"]
    assert a["summary"]["pages_audited"] == b["summary"]["pages_audited"]


def test_last_modified_server_every_scenario(site, tmp_path: Path) -> None:
    root, url = site("last-modified")
    scan = Scans(tmp_path, url)
    full, _ = scan()
    assert full["run"]["incremental"] is None
    assert len(full["pages"]) == 4 and not any(p["error"] for p in full["pages"])

    # unchanged: every page reused, the results those of a full scan of the same content
    inc, out = scan("--incremental")
    assert set(by_page(inc).values()) == {full["run"]["id"]}
    assert inc["run"]["incremental"] == {"base_run": full["run"]["id"], "reused": 4, "audited": 0, "gone": [],
                                         "reason": f"pages unchanged since run {full['run']['id']} reused"}
    assert f"4 of 4 pages unchanged since run {full['run']['id']}: reused" in out
    same_results(inc, full)
    assert inc["history"]["changes"]["new_count"] == 0 and inc["history"]["changes"]["fixed_count"] == 0
    html = (tmp_path / f"out{scan.n}" / "idea-audit.html").read_text()
    assert "unchanged: reused from run" in html and "4 of 4 pages unchanged" in html
    assert "4 of 4 pages unchanged" in (tmp_path / f"out{scan.n}" / "idea-audit.md").read_text()

    # one page's HTML changed: that page audited, the others reused; equal to a full re-scan
    edit(root, "b.html", _page("Page B", '<p>Now with an image:</p><img src="/pixel.png" width="9" height="9">',
                               script=True))
    inc2, _ = scan("--incremental")
    assert by_page(inc2) == {"": full["run"]["id"], "a.html": full["run"]["id"], "b.html": None,
                             "c.html": full["run"]["id"]}
    full2, _ = scan()
    same_results(inc2, full2)
    assert any(f["check_id"] == "axe-image-alt" and f["page_url"].endswith("/b.html") for f in inc2["findings"])

    # a shared style sheet changed: every page loading it audited, the one that does not reused
    edit(root, "site.css", CSS + " h1 { font-size: 2rem }")
    inc3, _ = scan("--incremental")
    assert by_page(inc3) == {"": None, "a.html": None, "b.html": None, "c.html": full2["run"]["id"]}
    full3, _ = scan()
    same_results(inc3, full3)

    # a page removed (and its link), a page added: the linking page and the new one audited
    (root / "c.html").unlink()
    edit(root, "index.html", _page("Home page", '<p>Welcome.</p><ul><li><a href="/a.html">Page A</a></li>'
                                   '<li><a href="/b.html">Page B</a></li><li><a href="/d.html">Page D</a></li></ul>',
                                   script=True))
    edit(root, "d.html", _page("Page D", "<p>New.</p>"))
    inc4, out4 = scan("--incremental")
    assert by_page(inc4) == {"": None, "a.html": full3["run"]["id"], "b.html": full3["run"]["id"], "d.html": None}
    assert inc4["run"]["incremental"]["gone"] == [url + "c.html"]
    assert f"gone since the base run: {url}c.html" in out4
    # c's findings are gone, not fixed (the home page's edit may fix some of its own)
    changes = inc4["history"]["changes"]
    on_c = [f for f in full3["findings"] if f["page_url"] == url + "c.html" and f["status"] in ("fail", "warn")]
    assert on_c and changes["gone_count"] == len({f["fingerprint"] for f in on_c})
    assert not any(f["page_url"] == url + "c.html" for f in changes["fixed"])
    full4, _ = scan()
    same_results(inc4, full4)

    # settings that change results: nothing reused, and the run says why
    inc5, out5 = scan("--incremental", "--skip", "axe-image-alt")
    assert set(by_page(inc5).values()) == {None}
    assert inc5["run"]["incremental"]["base_run"] is None
    assert "skip_checks" in inc5["run"]["incremental"]["reason"] and "full scan" in out5


@pytest.mark.parametrize("kind", ["etag", "none"])
def test_etag_only_and_no_validator_servers(site, tmp_path: Path, kind: str) -> None:
    root, url = site(kind)
    scan = Scans(tmp_path, url)
    # the first --incremental of a site has no base: a full scan, said so
    full, out = scan("--incremental")
    assert full["run"]["incremental"]["base_run"] is None
    assert "no earlier complete run of this site: full scan" in out
    inc, _ = scan("--incremental")
    # ETag: conditional requests answered 304; none: the bodies' hashes, taken at scan time, match
    assert set(by_page(inc).values()) == {full["run"]["id"]}
    same_results(inc, full)
    edit(root, "a.html", _page("Page A", '<p>Fixed.</p><img src="/pixel.png" alt="A dot" width="10" height="10">'))
    edit(root, "app.js", JS + " window.changed = true;")
    inc2, _ = scan("--incremental")
    assert by_page(inc2) == {"": None, "a.html": None, "b.html": None, "c.html": full["run"]["id"]}
    assert not any(f["check_id"] == "axe-image-alt" and f["page_url"].endswith("/a.html") and f["status"] == "fail"
                   for f in inc2["findings"])
    full2, _ = scan()
    same_results(inc2, full2)
