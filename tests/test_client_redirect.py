"""A page that sends the browser elsewhere with a client-side redirect (meta refresh) is judged
by the document the browser ended on: one on another site is skipped as off-site, never
audited under the first URL (on a real site build, seven agency stubs that refresh to other
agencies' sites were reported as pages with no title and no language)."""

from __future__ import annotations

import json
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import run_cli

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]


class Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def test_meta_refresh_to_another_site_is_skipped_off_site(tmp_path):
    other, site = tmp_path / "other", tmp_path / "site"
    other.mkdir()
    site.mkdir()
    (other / "page.html").write_text("<!doctype html><html><body><p>no title, no lang</p></body></html>")
    servers = []
    for root in (other, site):
        srv = ThreadingHTTPServer(("127.0.0.1", 0), partial(Quiet, directory=str(root)))
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        servers.append(srv)
    other_url = f"http://localhost:{servers[0].server_address[1]}/page.html"  # another host, still loopback
    base = f"http://127.0.0.1:{servers[1].server_address[1]}/"
    (site / "index.html").write_text(
        '<!doctype html><html lang="en"><head><title>Home of the test site</title></head><body>'
        '<main><h1>Home</h1><p><a href="stub.html">Moved story</a></p></main></body></html>')
    (site / "stub.html").write_text(f'<!doctype html><html lang="en"><head><title>Moved</title>'
                                    f'<meta http-equiv="refresh" content="0; url={other_url}"></head><body></body></html>')
    out = tmp_path / "out"
    try:
        proc = run_cli("scan", base, "--max-depth", "1", "--no-sitemap", "--concurrency", "1", "--checks",
                       "accessibility", "--db", str(out / "r.sqlite"), "--out", str(out), "--format", "json")
        assert proc.returncode in (0, 1), proc.stderr
    finally:
        for srv in servers:
            srv.shutdown()
            srv.server_close()
    result = json.loads((out / "idea-audit.json").read_text())
    audited = {p["url"] for p in result["pages"]}
    assert base in audited and base + "stub.html" not in audited
    assert result["skipped"]["off-site"] >= 1
    assert not [f for f in result["findings"] if f["page_url"].endswith("stub.html") or "localhost" in f["page_url"]]
