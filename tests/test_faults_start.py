"""Start URL faults: each gives one clear error line, the documented exit code, and a run
recorded as failed with the reason. Real servers on 127.0.0.1."""

from __future__ import annotations

import socket

import pytest
from faults.harness import error_lines, explain, no_traceback, pages, result, runs, scan, serving
from faults.server import html, page, redirect
from faults.tls import make_cert

pytestmark = pytest.mark.browser


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def _assert_fails(proc, tmp, code: int, *words: str, recorded: bool = True) -> str:
    assert proc.returncode == code, explain(proc)
    assert no_traceback(proc), explain(proc)
    lines = error_lines(proc)
    assert len(lines) == 1, explain(proc)
    for w in words:
        assert w.lower() in lines[0].lower(), lines[0]
    if recorded:
        [run] = runs(tmp)
        assert run["status"] == "failed"
        assert run["error"] and all(w.lower() in run["error"].lower() for w in words)
    return lines[0]


@pytest.mark.parametrize("url, words", [
    ("not a url", ["not a URL"]),
    ("http://", ["malformed URL"]),
    ("http://127.0.0.1:99999/", ["bad port"]),
    ("ftp://127.0.0.1/", ["unsupported URL scheme", "ftp"]),
    ("javascript:alert(1)", ["unsupported URL scheme"]),
])
def test_bad_start_url_is_a_usage_error(tmp_path, url, words):
    proc = scan(url, tmp_path)
    # exit 2 like every usage error, and the refusal is on record with its reason
    _assert_fails(proc, tmp_path, 2, *words)
    [run] = runs(tmp_path)
    assert run["started"] and run["finished"]


def test_dns_failure(tmp_path):
    proc = scan("http://no-such-host.invalid/", tmp_path)
    _assert_fails(proc, tmp_path, 3, "DNS lookup failed", "no-such-host.invalid")


def test_connection_refused(tmp_path):
    proc = scan(f"http://127.0.0.1:{_closed_port()}/", tmp_path)
    _assert_fails(proc, tmp_path, 3, "connection refused")


@pytest.mark.parametrize("status", [404, 403, 500, 503])
def test_start_page_http_error(tmp_path, status):
    with serving({"/": html(page("Down"), status=status)}) as srv:
        proc = scan(srv.base_url, tmp_path)
    _assert_fails(proc, tmp_path, 3, f"start page returned HTTP {status}")


def test_redirect_loop(tmp_path):
    with serving({"/": redirect("/a"), "/a": redirect("/b"), "/b": redirect("/a")}) as srv:
        proc = scan(srv.base_url, tmp_path)
    _assert_fails(proc, tmp_path, 3, "redirect loop")


def test_redirect_to_another_site(tmp_path):
    with serving({"/": html(page("Elsewhere"))}) as other, \
            serving({"/": redirect(other.base_url + "landing")}) as srv:
        proc = scan(srv.base_url, tmp_path)
        assert other.hits("/landing") <= 1  # the preflight saw where it lands; no crawl of the other site
    line = _assert_fails(proc, tmp_path, 3, "redirects to another site")
    assert other.base_url.rstrip("/") in line


def test_redirect_to_a_url_with_control_characters(tmp_path):
    """A Location with a raw ESC in it is one line and exit 3, its escapes shown as text (httpx
    turns the bad Location into a RemoteProtocolError; a bad URL taken from a robots.txt line is
    test_faults_secrets.py::test_page_text_reaches_the_terminal_neutralised)."""
    with serving({"/": redirect("/next\x1b[2Jpage")}) as srv:
        proc = scan(srv.base_url, tmp_path)
    line = _assert_fails(proc, tmp_path, 3, "cannot reach", "non-printable")
    assert "\x1b" not in proc.stderr + proc.stdout and "\\x1b" in line, line


@pytest.mark.parametrize("kind, reason", [("self-signed", "self-signed certificate"),
                                          ("expired", "certificate verify failed"),
                                          ("wrong-host", "certificate verify failed")])
def test_bad_tls_is_refused(tmp_path, kind, reason):
    with serving({"/": html(page("Secure-ish agency home page"))}, ssl_context=make_cert(kind, tmp_path)) as srv:
        proc = scan(srv.base_url, tmp_path)
    _assert_fails(proc, tmp_path, 3, "TLS error", reason)


@pytest.mark.parametrize("kind", ["expired"])
def test_insecure_audits_bad_tls_and_reports_it(tmp_path, kind):
    ctx = make_cert(kind, tmp_path)
    with serving({"/": html(page("Secure-ish agency home page"))}, ssl_context=ctx) as srv:
        loose = tmp_path / "loose"
        loose.mkdir()
        proc = scan(srv.base_url, loose, "--insecure")
    assert proc.returncode == 0, explain(proc)
    assert list(pages(loose)) == [srv.base_url]
    res = result(loose)
    tls = [f for f in res["findings"] if f["check_id"] == "sec-tls-accepted-insecurely"]
    assert len(tls) == 1 and tls[0]["status"] == "fail", res["findings"]
    assert "certificate" in tls[0]["message"].lower()
