"""Secrets and scope: credentials go to the audited site only, every form of them is
redacted, and a page cannot take the browser to another site. Real servers on 127.0.0.1:
a second server on another port is "another host"."""

from __future__ import annotations

import base64
import os
import pty
import sqlite3
import subprocess
import sys
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from faults.harness import FAST, ROOT, cli_env, explain, result, scan, serving
from faults.server import Reply, html, page

pytestmark = pytest.mark.browser

TOKEN = "tok-Xy7-3f9a1c"
PASSWORD = "pw-SECRET789"
COOKIE = "ck-51e0aa7b"
SECRET_ARGS = ("--header", f"X-Api-Token: {TOKEN}", "--auth", f"u:{PASSWORD}", "--cookie", f"sid={COOKIE}")
BASIC = base64.b64encode(f"u:{PASSWORD}".encode()).decode()


class Recorder:
    """Every request's path and headers, for "what did this host receive"."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()

    def __call__(self, req) -> None:
        with self._lock:
            self.seen.append((req.path, {k.lower(): v for k, v in req.headers.items()}))

    def paths(self) -> list[str]:
        with self._lock:
            return [p for p, _ in self.seen]

    def leaked(self) -> list[tuple[str, str]]:
        with self._lock:
            return [(p, k) for p, h in self.seen for k, v in h.items()
                    if TOKEN in v or BASIC in v or COOKIE in v or PASSWORD in v]


def _authorised(req) -> bool:
    return (req.headers.get("X-Api-Token") == TOKEN and req.headers.get("Authorization") == f"Basic {BASIC}"
            and f"sid={COOKIE}" in (req.headers.get("Cookie") or ""))


@contextmanager
def other_host() -> Iterator[tuple[object, Recorder]]:
    rec = Recorder()

    def anything(req):
        rec(req)
        if req.path_only.endswith(".xml"):
            return Reply(f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>{req.origin}/x"
                         "</loc></url></urlset>", type="application/xml")
        if req.path_only.endswith(".css"):
            return Reply("body{}", type="text/css")
        if req.path_only.endswith(".js"):
            return Reply("1;", type="text/javascript")
        return Reply(page("Another site", f"<link rel=stylesheet href='{req.origin}/away.css'>"))

    with serving({}, fallback=anything) as srv:
        yield srv, rec


def test_credentials_go_only_to_the_audited_site(tmp_path):
    """--header/--auth/--cookie reach the audited site (pages, robots.txt, preflight) but
    no other host: not its scripts and images, not a redirect target, not a sitemap there."""
    with other_host() as (other, rec):
        o = other.base_url

        def staging(req):
            if not _authorised(req):
                return Reply("<h1>401</h1>", 401)
            if req.path_only == "/robots.txt":
                return Reply(f"User-agent: *\nAllow: /\nSitemap: {o}listed.xml\n", type="text/plain")
            if req.path_only == "/sitemap.xml":
                return Reply(b"", 302, "", {"Location": f"{o}moved.xml"})
            if req.path_only == "/":
                return Reply(page("Staging", f"<script src='{o}lib.js'></script><img src='{o}pixel.gif' alt=''>"
                                             "<a href='/jump'>jump</a><a href='/two'>two</a>"))
            if req.path_only == "/jump":
                return Reply(b"", 302, "", {"Location": f"{o}landing"})
            return Reply(page("Two"))

        with serving({}, fallback=staging) as srv:
            proc = scan(srv.base_url, tmp_path, "--max-pages", "5", *SECRET_ARGS)
    assert proc.returncode in (0, 1), explain(proc)
    assert result(tmp_path)["summary"]["pages_audited"] == 2, explain(proc)  # the credentials reached the site
    paths = rec.paths()
    assert "/lib.js" in paths and "/listed.xml" in paths and "/moved.xml" in paths, paths  # the other host was asked
    assert not rec.leaked(), rec.leaked()


def test_cookie_is_sent_on_the_preflight(tmp_path):
    """A staging site behind a session cookie: the start-URL check outside the browser sends it too."""
    def gate(req):
        if f"sid={COOKIE}" not in (req.headers.get("Cookie") or ""):
            return Reply("<h1>401</h1>", 401)
        return Reply(page("Behind a cookie"))

    with serving({}, fallback=gate) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "1", "--cookie", f"sid={COOKIE}")
    assert proc.returncode in (0, 1), explain(proc)
    assert result(tmp_path)["summary"]["pages_audited"] == 1


def test_redirect_to_another_site_is_not_followed(tmp_path):
    """A crawled page that redirects elsewhere (HTTP 302, meta refresh, script): the browser
    does not load the other site's page or assets; the page is recorded as off-site."""
    with other_host() as (other, rec):
        o = other.base_url
        routes = {
            "/": lambda req: Reply(page("Home", "<a href='/http'>a</a><a href='/meta'>b</a><a href='/js'>c</a>"
                                                "<a href='/ok'>d</a>")),
            "/http": lambda req: Reply(b"", 302, "", {"Location": f"{o}from-http"}),
            "/meta": lambda req: Reply(page("Meta", head=f"<meta http-equiv='refresh' content='0;url={o}from-meta'>")),
            "/js": lambda req: Reply(page("Script", f"<script>location.href = '{o}from-js';</script>")),
            "/ok": lambda req: Reply(page("Fine")),
        }
        with serving(routes) as srv:
            proc = scan(srv.base_url, tmp_path, "--max-pages", "6", "--no-sitemap")
    assert proc.returncode in (0, 1), explain(proc)
    assert rec.paths() == [], rec.paths()  # neither the page nor its stylesheet was fetched
    r = result(tmp_path)
    audited = {p["url"].rsplit("/", 1)[-1] for p in r["pages"] if not p["error"]}
    assert audited == {"", "ok"}, r["pages"]
    assert r["skipped"]["off-site"] == 3, r["skipped"]
    con = sqlite3.connect(tmp_path / "runs.sqlite")
    off = {u for (u,) in con.execute("SELECT url FROM skipped WHERE reason='off-site'")}
    assert off == {f"{o}from-http", f"{o}from-meta", f"{o}from-js"}, off


#: Text a site controls with terminal escapes: clear the screen, a fake verdict in green, an
#: OSC 52 clipboard write, a carriage return, C1 CSI, a bidi override, and rich markup that does
#: not balance. Since axe-core and the look run in an isolated world a page's own exceptions no
#: longer end its audit; what still reaches the terminal is what the site names: a robots.txt
#: Sitemap line (raw bytes, printed in the scan's "cut:" lines) and a sitemap's <loc> (XML
#: allows C1 controls and bidi overrides, not ESC; printed, percent-encoded, with the page's failure).
HOSTILE = ("\x1b[2J\x1b[H\x1b[32mALL GATES PASSED\x1b[0m\x1b]52;c;ZWNobyBwd25lZA==\x07"
           "[/red][bold]x\u009b31m\rpage")
IN_XML = "ALL GATES PASSED[/red][bold]x\u009b31m\u202epage"


def _hostile_site(srv_url: list[str]) -> tuple[dict, object]:
    def robots(req):
        return Reply(f"User-agent: *\nSitemap: {srv_url[0]}maps/{HOSTILE}.xml\n".encode(), 200, "text/plain")

    def sitemap(req):
        return Reply(("<?xml version='1.0' encoding='UTF-8'?><urlset xmlns='http://www.sitemaps.org/schemas/"
                      f"sitemap/0.9'><url><loc>{srv_url[0]}gone/{IN_XML}</loc></url></urlset>").encode(),
                     200, "application/xml")

    routes = {"/": html(page("Home")), "/robots.txt": robots, "/sitemap.xml": sitemap}
    return routes, (lambda req: Reply(page("Gone"), 404))


def _assert_neutral(text: str) -> None:
    for c in ("\x1b", "\x07", "\x9b", "\r", "\u202e"):
        assert c not in text, repr(text[-2000:])
    assert "MarkupError" not in text and "Traceback" not in text, text[-2000:]


def test_page_text_reaches_the_terminal_neutralised(tmp_path):
    """What a site names (a sitemap URL in robots.txt, a page URL in a sitemap) is printed with
    its control characters shown as escapes; the URL httpx refuses is a cut, not a traceback."""
    base: list[str] = []
    routes, fallback = _hostile_site(base)
    with serving(routes, fallback) as srv:
        base.append(srv.base_url)
        proc = scan(srv.base_url, tmp_path, "--max-pages", "3")
    assert proc.returncode in (0, 1), explain(proc)
    _assert_neutral(proc.stderr + proc.stdout)
    cut = [ln for ln in proc.stdout.splitlines() if ln.startswith("cut: sitemap")]
    assert cut and "ALL GATES PASSED" in cut[0] and "\\x1b[2J" in cut[0], proc.stdout  # shown, as text
    failed = [ln for ln in proc.stderr.splitlines() if "failed: HTTP 404" in ln]
    # a URL the crawler queues is canonical: its controls are percent-encoded, its markup kept
    assert failed and "[/red][bold]x%C2%9B31m%E2%80%AEpage" in failed[0], proc.stderr


def test_page_text_on_a_terminal_is_not_markup(tmp_path):
    """Under a terminal the live bar shows the failed page's URL: not parsed as rich markup,
    its C1 control and bidi override percent-encoded."""
    base: list[str] = []
    routes, fallback = _hostile_site(base)
    with serving(routes, fallback) as srv:
        base.append(srv.base_url)
        master, slave = pty.openpty()
        env = {k: v for k, v in cli_env().items() if k not in ("CI", "GITHUB_ACTIONS")}
        proc = subprocess.Popen([sys.executable, "-m", "auditor", "scan", srv.base_url, "--db",
                                 str(tmp_path / "runs.sqlite"), "--out", str(tmp_path / "out"), *FAST,
                                 "--max-pages", "3"], stdout=subprocess.PIPE, stderr=slave,
                                env=env, cwd=str(ROOT))
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=120)
        os.close(master)
    err = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode in (0, 1), err[-3000:]
    # the bar's own drawing uses escapes: the site's must not be among them
    assert "\x1b[2J" not in err and "\x1b]52" not in err and "\x9b" not in err and "\u202e" not in err, \
        repr(err[-3000:])
    assert "MarkupError" not in err and "Traceback" not in err, err[-3000:]
    assert "ALL%20GATES%20PASSED[/red][bold]x" in err, repr(err[-3000:])  # shown, not parsed


ODD_TOKEN = "t&k<+/ =Zq9-secret"  # changes under URL encoding, HTML escaping and base64


def test_every_form_of_a_secret_is_redacted(tmp_path):
    """The site echoes the secrets as it got them and re-encoded: the whole Basic header, its
    base64 token, the password, and --header's value URL-encoded, HTML-escaped and base64.
    None of it reaches any report, the store or the terminal."""
    import html as html_mod
    import json
    import urllib.parse

    forms = {
        "basic header": f"Basic {base64.b64encode(b'user:SECRET789').decode()}",
        "basic token": base64.b64encode(b"user:SECRET789").decode(),
        "password": "SECRET789",
        "url-encoded": urllib.parse.quote(ODD_TOKEN, safe=""),
        "form-encoded": urllib.parse.quote_plus(ODD_TOKEN),
        "html-escaped": html_mod.escape(ODD_TOKEN),
        "base64": base64.b64encode(ODD_TOKEN.encode()).decode(),
    }

    def echo(req):
        if req.headers.get("X-Odd") != ODD_TOKEN or not req.headers.get("Authorization"):
            return Reply("<h1>401</h1>", 401)
        auth = req.headers["Authorization"]
        token = auth.split()[1]
        body = (f"<p>auth: {auth}</p><p data-t='{token}'>token {token}</p>"
                f"<p>pw {base64.b64decode(token).decode().split(':')[1]}</p>"
                f"<a href='/two?q={forms['url-encoded']}'>q</a><a href='/three?f={forms['form-encoded']}'>f</a>"
                f"<img src='/x.gif' alt='{forms['html-escaped']}'><p>{forms['html-escaped']}</p>"
                f"<p>b64 {forms['base64']}</p><p>raw-url {forms['url-encoded']}</p>")
        return Reply(page("Echo", body))

    with serving({}, fallback=echo) as srv:
        proc = scan(srv.base_url, tmp_path, "--max-pages", "3", "--no-sitemap", "--auth", "user:SECRET789",
                    "--header", f"X-Odd: {ODD_TOKEN}", "--format", "json,junit,sarif,md,csv,html")
    assert proc.returncode in (0, 1), explain(proc)
    assert result(tmp_path)["summary"]["pages_audited"] >= 1
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            texts[str(path)] = path.read_bytes().decode("utf-8", "replace")
    texts["db raw"] = b"".join(p.read_bytes() for p in tmp_path.glob("runs.sqlite*")).decode("latin-1")
    con = sqlite3.connect(tmp_path / "runs.sqlite")
    texts["db artifacts"] = "".join(zlib.decompress(b).decode() for (b,) in
                                    con.execute("SELECT artifacts FROM pages WHERE artifacts IS NOT NULL"))
    texts["db rows"] = json.dumps([list(r) for t in ("pages", "findings", "frontier", "skipped")
                                   for r in con.execute(f"SELECT * FROM {t}")], default=str)
    leaks = [(where, name) for where, text in texts.items() for name, form in forms.items() if form in text]
    assert not leaks, leaks
    assert "[redacted]" in texts["db artifacts"]
