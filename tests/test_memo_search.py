"""The site search test, measured once per query URL: a scan given many start URLs (a URL
list) submitted the same search from each of them; with memo the first start page submits it
and the others reuse its answer (``run.memo.searches_reused``). --no-memo submits from each."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from auditor.memo import BlockMemo

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Example Agency page {n} of the site</title>
</head><body><header><form role="search" action="/search"><label for="q">Search</label>
<input id="q" name="q" type="search"><button>Go</button></form></header>
<main><h1>Page {n}</h1><p>Services and information.</p></main></body></html>"""
RESULTS = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Search results</title></head>
<body><main><h1>Results for contact</h1><p>Contact us.</p></main></body></html>"""


def test_search_once_measures_a_query_once_for_concurrent_callers():
    calls = []

    async def measure() -> dict:
        calls.append(1)
        await asyncio.sleep(0.05)
        return {"status": 200}

    async def main():
        memo = BlockMemo()
        got = await asyncio.gather(*(memo.search_once("http://x/search?q=contact", measure) for _ in range(3)))
        other = await memo.search_once("http://x/search?q=other", measure)
        return memo, got, other

    memo, got, other = asyncio.run(main())
    assert len(calls) == 2  # one per query URL
    assert [r for _, r in got].count(False) == 1 and [r for _, r in got].count(True) == 2
    assert all(a == {"status": 200} for a, _ in got) and other == ({"status": 200}, False)
    assert memo.summary()["searches_reused"] == 2
    got[0][0]["status"] = 500  # each caller has its own copy of the answer
    assert got[1][0]["status"] == 200


def _serve() -> tuple[ThreadingHTTPServer, list[str]]:
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_GET(self):
            path = self.path.split("?")[0]
            if path == "/search":
                hits.append(self.path)
                body = RESULTS
            elif path in ("/", "/a.html", "/b.html"):
                body = PAGE.format(n=path)
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            data = body.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hits


@pytest.mark.browser
@pytest.mark.timeout(600)
def test_many_start_urls_submit_the_search_once_with_memo(cli, tmp_path):
    from auditor.store import Store

    server, hits = _serve()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    starts = [base + "/", base + "/a.html", base + "/b.html"]
    try:
        results, probes = {}, {}
        for name, extra in (("memo", ()), ("plain", ("--no-memo",))):
            hits.clear()
            db, out = tmp_path / f"{name}.sqlite", tmp_path / name
            proc = cli("scan", *starts, "--max-depth", "0", "--no-sitemap", "--db", str(db), "--out", str(out),
                       "--format", "json", "--concurrency", "2", *extra)
            assert proc.returncode in (0, 1), proc.stdout + proc.stderr
            results[name] = json.loads((out / "idea-audit.json").read_text())
            store = Store(db)
            probes[name] = [a.probes.get("search_submit") for a in store.iter_artifacts(results[name]["run"]["id"])]
            store.close()
            results[name]["hits"] = len(hits)
    finally:
        server.shutdown()
    assert results["memo"]["hits"] == 1 and results["plain"]["hits"] == 3  # the server saw it
    assert sorted(bool(p.get("reused")) for p in probes["memo"]) == [False, True, True]
    assert not any(p.get("reused") for p in probes["plain"])
    strip = [{k: v for k, v in p.items() if k != "reused"} for p in probes["memo"]]
    assert all(s == strip[0] for s in strip) and strip[0]["status"] == 200 and strip[0]["mentions_query"]
    assert results["memo"]["run"]["memo"]["searches_reused"] == 2
    works = {n: [f for f in r["findings"] if f["check_id"] == "search-works"] for n, r in results.items()}
    assert works["memo"] == works["plain"] == []
    outcome = {n: r["checks"]["search-works"]["outcomes"] for n, r in results.items()}
    assert outcome["memo"] == outcome["plain"] == {"pass": 1}
    key = lambda r: sorted((f["check_id"], f["page_url"], f.get("selector") or "", f["fingerprint"], f["status"])  # noqa: E731
                           for f in r["findings"])
    assert key(results["memo"]) == key(results["plain"])
