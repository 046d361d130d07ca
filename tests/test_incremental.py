"""--incremental's decisions without a browser: which run is the base, what proves an answer
unchanged, which pages have a proof at all, and the store copy of a reused page.

The end-to-end scenarios in real Chromium are in tests/test_incremental_e2e.py."""

from __future__ import annotations

import asyncio
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import httpx

from auditor import history, incremental
from auditor.crawl import Scope
from auditor.model import Finding, PageArtifacts, Severity, Status
from auditor.report import build_result
from auditor.report import csv as csv_report
from auditor.report import junit as junit_report
from auditor.scan import HostLimiter
from auditor.settings import Settings
from auditor.store import Store

SITE = "http://127.0.0.1:8000/"


def _run(rid: str, *, status: str = "complete", seeds: list[str] | None = None, version: str = "1.0",
         **settings: object) -> dict:
    base = Settings(start_urls=[SITE]).to_dict()
    return {"id": rid, "status": status, "seeds": seeds or [SITE], "tool_version": version,
            "settings": {**base, **settings}}


def test_base_run_is_latest_complete_same_site_version_and_settings() -> None:
    want = Settings(start_urls=[SITE]).to_dict()
    runs = [_run("r4", status="running"), _run("r3", seeds=["http://other.example/"]), _run("r2"), _run("r1")]
    assert incremental.base_run(runs, [SITE], "1.0", want)[0] == "r2"
    # settings that only change what is reached or how fast do not matter ...
    runs = [_run("r2", max_pages=5, concurrency=7, max_depth=1, sandbox="off (x)"), _run("r1")]
    assert incremental.base_run(runs, [SITE], "1.0", want)[0] == "r2"
    # ... the ones that change results do: the newest run with equal ones is taken, or none
    runs = [_run("r2", skip_checks=["axe-image-alt"]), _run("r1")]
    assert incremental.base_run(runs, [SITE], "1.0", want)[0] == "r1"
    base, reason = incremental.base_run([_run("r2", count_best_practice=True)], [SITE], "1.0", want)
    assert base is None and "count_best_practice" in reason and "full scan" in reason


def test_no_base_run_says_why() -> None:
    want = Settings(start_urls=[SITE]).to_dict()
    assert incremental.base_run([], [SITE], "1.0", want) == (None, "no earlier complete run of this site: full scan")
    base, reason = incremental.base_run([_run("r1", version="0.9")], [SITE], "1.0", want)
    assert base is None and "0.9" in reason
    assert incremental.base_run([_run("r1", status="incomplete")], [SITE], "1.0", want)[0] is None
    for key in ("checks", "environment_assumed", "target_grade", "scope", "user_agent", "header_names"):
        other = {"checks": ["x"], "environment_assumed": "production", "target_grade": 6.0, "scope": "subdomains",
                 "user_agent": "ua", "header_names": ["X-Token"]}[key]
        base, reason = incremental.base_run([_run("r1", **{key: other})], [SITE], "1.0", want)
        assert base is None and key in reason, key


DOC = {"url": SITE, "method": "GET", "status": 200, "etag": None, "last_modified": "Mon, 01 Jan 2024 00:00:00 GMT",
       "type": "document", "sha256": "a" * 64}


def test_judge_304_and_hashes() -> None:
    css = {"url": SITE + "s.css", "method": "GET", "status": 200, "etag": '"v1"', "last_modified": None,
           "type": "stylesheet"}
    assert incremental.judge(css, 304, {}, None) is None
    assert incremental.judge(css, 304, {"etag": '"v2"'}, None) == "ETag changed"
    assert incremental.judge(css, 200, {"etag": '"v1"'}, None) is None  # a server ignoring If-None-Match
    assert incremental.judge(css, 200, {"etag": '"v2"'}, None) == "ETag changed"
    assert incremental.judge(css, 404, {}, None) == "status 200 is now 404"
    # a hash decides over the validators where both sides have one
    assert incremental.judge(DOC, 200, {"last-modified": DOC["last_modified"]}, "a" * 64) is None
    assert incremental.judge(DOC, 200, {"last-modified": DOC["last_modified"]}, "b" * 64) == "content changed"
    lm = {**css, "etag": None, "last_modified": "Mon, 01 Jan 2024 00:00:00 GMT"}
    assert incremental.judge(lm, 200, {"last-modified": "Tue, 02 Jan 2024 00:00:00 GMT"}, None) == \
        "Last-Modified changed"


def test_judge_fails_closed() -> None:
    bare = {"url": SITE + "a.js", "method": "GET", "status": 200, "etag": None, "last_modified": None,
            "type": "script"}
    assert incremental.judge(bare, 200, {}, None) == "no validator and no content hash to compare"
    assert incremental.judge(bare, 304, {}, None) == "answered 304 to an unconditional request"
    assert incremental.judge({**bare, "sha256": "c" * 64}, 200, {}, "c" * 64) is None
    assert incremental.judge({**bare, "method": "POST", "sha256": "c" * 64}, 200, {}, "c" * 64).startswith("POST")
    assert incremental.judge({**bare, "status": None}, 200, {}, None) == "no answer recorded"
    hop = {"url": SITE + "old", "method": "GET", "status": 301, "location": "/new", "type": "document"}
    assert incremental.judge(hop, 301, {"location": "/new"}, None) is None
    assert incremental.judge(hop, 301, {"location": "/elsewhere"}, None) == "redirects elsewhere now"
    assert incremental.judge(hop, 200, {}, None) == "status 301 is now 200"
    # the browser's own revalidation (304) recorded with its validator counts as a 200
    assert incremental.judge({**bare, "status": 304, "etag": '"e"'}, 200, {"etag": '"e"'}, None) is None


def test_proof_gaps() -> None:
    scope = Scope([SITE])
    css = {"url": SITE + "s.css", "method": "GET", "status": 200, "etag": '"v1"', "type": "stylesheet"}
    art = PageArtifacts(url=SITE, requests=[SITE, SITE + "s.css", "https://cdn.example/x.js", "data:,x"],
                        validators=[DOC, css])
    assert incremental.proof_gaps(art, scope) is None  # off-site and data: requests are not the site's
    art.requests.append(SITE + "missing.png")
    assert "no recorded answer" in (incremental.proof_gaps(art, scope) or "")
    assert incremental.proof_gaps(PageArtifacts(url=SITE, requests=[SITE]), scope).startswith("no proof")
    assert incremental.proof_gaps(PageArtifacts(url=SITE, validators=[css]), scope) == \
        "its document's answer was not recorded"
    assert incremental.proof_gaps(PageArtifacts(url=SITE, validators=[DOC], error="HTTP 500"), scope) == \
        "audited with an error"


class _Validating(BaseHTTPRequestHandler):
    """Two resources: /etag (ETag "v1", answers If-None-Match) and /plain (no validator)."""

    hits: ClassVar[list[tuple[str, str | None, str | None]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        type(self).hits.append((self.path, self.headers.get("If-None-Match"), self.headers.get("If-Modified-Since")))
        if self.path == "/etag" and self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.end_headers()
            return
        body = b"body"
        self.send_response(200)
        if self.path == "/etag":
            self.send_header("ETag", '"v1"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_revalidator_asks_each_answer_once_conditionally() -> None:
    import hashlib

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Validating)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    _Validating.hits = []
    etag = {"url": base + "/etag", "method": "GET", "status": 200, "etag": '"v1"', "type": "stylesheet"}
    plain = {"url": base + "/plain", "method": "GET", "status": 200, "type": "document",
             "sha256": hashlib.sha256(b"body").hexdigest()}
    stale = {**plain, "url": base + "/plain?2", "sha256": "0" * 64}

    async def go() -> tuple[str | None, str | None, str | None, int]:
        async with httpx.AsyncClient() as client:
            rv = incremental.Revalidator(client, HostLimiter(2, 0.0), timeout=5)
            a = await rv.page_changed(PageArtifacts(url=base + "/plain", validators=[plain, etag]))
            b = await rv.page_changed(PageArtifacts(url=base + "/plain", validators=[plain, etag]))
            c = await rv.page_changed(PageArtifacts(url=base + "/plain?2", validators=[stale, etag]))
            return a, b, c, rv.requests

    try:
        a, b, c, asked = asyncio.run(go())
    finally:
        server.shutdown()
        server.server_close()
    assert a is None and b is None
    assert c is not None and c.endswith("content changed")
    assert asked == 3  # /etag once for all three pages
    assert ("/etag", '"v1"', None) in _Validating.hits
    assert all(inm is None and ims is None for path, inm, ims in _Validating.hits if path.startswith("/plain"))


def _finding(page: str, check: str = "axe-image-alt") -> Finding:
    return Finding(check_id=check, status=Status.FAIL, severity=Severity.HIGH, requirements=["idea-3a1"],
                   wcag=["1.1.1"], page_url=page, message="Image has no alt", help_url="https://example.gov/h",
                   selector="img", snippet='<img src="/a.png">')


def test_copy_page_keeps_findings_and_names_the_source_run(tmp_path) -> None:
    store = Store(tmp_path / "runs.sqlite")
    for rid in ("r1", "r2", "r3"):
        store.create_run(rid, "1.0", [SITE], {})
    art = PageArtifacts(url=SITE + "a", final_url=SITE + "a", status_code=200, title="A", validators=[DOC])
    store.save_page("r1", art, {"words": 3}, [("axe-image-alt", "fail", 0.0, 3.0, ["idea-3a1"], "")],
                    [_finding(SITE + "a")])
    store.copy_page("r1", "r2", SITE + "a", depth=1, new_entries=[(SITE + "b", 2, SITE + "a")])
    store.copy_page("r2", "r3", SITE + "a", depth=1)
    p2, p3 = store.pages("r2")[0], store.pages("r3")[0]
    assert p2["reused_from"] == "r1" and p3["reused_from"] == "r1"  # the run that audited it, not r2
    assert p2["summary"] == {"words": 3} and p2["depth"] == 1
    assert [f.to_dict() for f in store.findings("r3")] == [f.to_dict() for f in store.findings("r1")]
    assert list(store.iter_outcomes("r3")) == list(store.iter_outcomes("r1"))
    assert store.frontier_state("r2")[0] == [(SITE + "b", 2, SITE + "a")]
    assert PageArtifacts.from_blob(store.page_blob("r3", SITE + "a")).validators == [DOC]
    # a page audited again (save_page) is no longer marked reused
    store.save_page("r3", art, {}, [], [])
    assert store.pages("r3")[0]["reused_from"] is None


def test_reports_say_what_was_reused(tmp_path) -> None:
    store = Store(tmp_path / "runs.sqlite")
    store.create_run("r1", "1.0", [SITE], Settings(start_urls=[SITE]).to_dict())
    store.create_run("r2", "1.0", [SITE], Settings(start_urls=[SITE]).to_dict())
    for url in (SITE + "a", SITE + "<i>gone</i>"):
        store.save_page("r1", PageArtifacts(url=url, final_url=url, status_code=200), {},
                        [("axe-image-alt", "fail", 0.0, 3.0, ["idea-3a1"], "")], [_finding(url)])
    store.copy_page("r1", "r2", SITE + "a", depth=0)
    gone = [SITE + "<i>gone</i>"]
    store.update_run("r1", status="complete", finished="2026-01-01T00:00:00+00:00")
    store.update_run("r2", status="complete", finished="2026-01-02T00:00:00+00:00",
                     incremental=incremental.summary("r1", "pages unchanged since run r1 reused", 1, 0, gone))
    result = build_result(store, "r2")
    assert result["run"]["incremental"]["gone"] == gone
    assert [p["reused_from"] for p in result["pages"]] == ["r1"]
    assert incremental.note(result["run"]["incremental"], 1).startswith(
        "Incremental re-scan: 1 of 1 page unchanged since run r1: reused")
    # the gone page's finding is not "fixed"; the reused page's is neither new nor fixed
    changes = result["history"]["changes"]
    assert (changes["new_count"], changes["fixed_count"], changes["gone_count"]) == (0, 0, 1)
    junit = junit_report.render(result)
    assert '<property name="incremental.base_run" value="r1" />' in junit
    rows = csv_report.render(result).splitlines()
    assert rows[0].endswith(",reused_from") and rows[1].endswith(",r1")
    from auditor.report import html, md

    page = html.render(result)
    assert "unchanged: reused from run r1" in page
    assert "&lt;i&gt;gone&lt;/i&gt;" in page and "<i>gone</i>" not in page  # page-supplied text escaped
    assert "1 gone since then" in md.render(result)
    import jsonschema

    from auditor.report import json as json_report

    schema = json.loads((__import__("pathlib").Path(incremental.__file__).parent / "schemas" /
                         "result.schema.json").read_text())
    jsonschema.validate(json.loads(json_report.render(result)), schema)


def test_history_without_gone_pages_keeps_its_shape() -> None:
    prev = [_finding(SITE + "a").to_dict()]
    assert history.diff_findings(prev, [])["fixed_count"] == 1
    assert "gone_count" not in history.diff_findings(prev, [])


def test_resume_keeps_the_base_run_and_a_new_run_picks_one(tmp_path) -> None:
    from auditor.scan import Scanner

    store = Store(tmp_path / "runs.sqlite")
    settings = Settings(start_urls=[SITE], incremental=True)
    from auditor import __version__

    recorded = Scanner(Settings(start_urls=[SITE]), store).settings.to_dict()  # as a scan stores them
    store.create_run("r1", __version__, [SITE], recorded)
    store.save_page("r1", PageArtifacts(url=SITE, final_url=SITE, status_code=200), {}, [], [])
    scanner = Scanner(settings, store)
    said: list[str] = []
    scanner.progress.message = said.append
    scanner.new_run()
    scanner._choose_base(resume=False)
    # r1 is still running: not a base
    assert scanner.base_run is None and said == ["incremental: no earlier complete run of this site: full scan"]
    store.update_run("r1", status="complete")
    scanner = Scanner(settings, store)
    scanner.new_run()
    scanner._choose_base(resume=False)
    assert scanner.base_run == "r1" and scanner._base_pages == {SITE: (0, None)}
    assert store.get_run(scanner.run_id)["incremental"]["base_run"] == "r1"
    # a newer complete run appears meanwhile: the resumed run keeps the base it started with
    store.create_run("r9", __version__, [SITE], recorded)
    store.update_run("r9", status="complete")
    resumed = Scanner(settings, store)
    resumed.run_id = scanner.run_id
    resumed._choose_base(resume=True)
    assert resumed.base_run == "r1"


def test_revalidation_that_cannot_answer_fails_closed() -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rec = {"url": f"http://127.0.0.1:{port}/", "method": "GET", "status": 200, "etag": '"v1"', "type": "document"}

    async def go() -> str | None:
        async with httpx.AsyncClient() as client:
            return await incremental.Revalidator(client, HostLimiter(1, 0.0), timeout=5).page_changed(
                PageArtifacts(url=rec["url"], validators=[rec]))

    why = asyncio.run(go())
    assert why is not None and why.startswith(f"could not re-check {rec['url']}")


def test_bench_site_sends_validators_and_edits_pages() -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from sitegen import changed_page, render_page, serve

    server, base = serve(5, change_every=2)
    try:
        first = httpx.get(base + "/p/1.html")
        assert first.status_code == 200 and first.headers["etag"] and first.headers["last-modified"]
        assert httpx.get(base + "/p/1.html", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        assert httpx.get(base + "/p/1.html", headers={"If-None-Match": '"other"'}).status_code == 200
        assert httpx.get(base + "/site.css", headers={"If-Modified-Since": first.headers["last-modified"]}
                         ).status_code == 304
        edited = httpx.get(base + "/p/2.html")
        assert edited.content == changed_page(2, 5) != render_page(2, 5)
        assert edited.headers["last-modified"] != first.headers["last-modified"]
    finally:
        server.shutdown()
        server.server_close()
