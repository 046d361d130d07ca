"""Security family: pure checks on saved artifacts, and the security site gatherer against a
real local TLS server with a certificate the test generates (openssl)."""

from __future__ import annotations

import asyncio
import datetime as dt
import http.server
import shutil
import ssl
import subprocess
import threading

import httpx
import pytest
from checkhelp import BASE, Status, page, run_page, run_site

from auditor.gatherers import SiteGatherContext
from auditor.gatherers.security import gather_security, parse_security_txt
from auditor.model import SiteArtifacts
from auditor.settings import Settings

NOW = dt.datetime(2026, 11, 22, tzinfo=dt.timezone.utc)
STRONG = "max-age=63072000; includeSubDomains; preload"


def test_https_page():
    assert run_page("sec-https", page("<p>x</p>")).status is Status.PASS
    out = run_page("sec-https", page("<p>x</p>", url="http://www.example.gov/"))
    assert out.status is Status.FAIL and out.findings[0].requirements == ["idea-3a5"]


def test_hsts_strength():
    assert run_page("sec-hsts", page("", headers={"strict-transport-security": STRONG})).status is Status.PASS
    weak = run_page("sec-hsts", page("", headers={"strict-transport-security": "max-age=300"}))
    assert weak.status is Status.FAIL and "max-age 300" in weak.findings[0].message
    assert "includeSubDomains" in weak.findings[0].message
    nopre = run_page("sec-hsts", page("", headers={"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}))
    assert nopre.status is Status.WARN and "preload" in nopre.findings[0].message
    assert run_page("sec-hsts", page("")).status is Status.FAIL
    assert run_page("sec-hsts", page("", url="http://x.gov/")).status is Status.NOT_APPLICABLE


def test_mixed_content():
    clean = page("", requests=["https://www.example.gov/a.css"])
    assert run_page("sec-mixed-content", clean).status is Status.PASS
    mixed = page("", requests=["https://www.example.gov/a.css", "http://cdn.example.com/x.js"])
    out = run_page("sec-mixed-content", mixed)
    assert out.status is Status.FAIL and out.findings[0].snippet == "http://cdn.example.com/x.js"
    assert run_page("sec-mixed-content", page("", url="http://x.gov/")).status is Status.NOT_APPLICABLE


def site(**security) -> SiteArtifacts:
    return SiteArtifacts(start_url=BASE, extra={"security": {"scheme": "https", "host": "www.example.gov", **security}})


def test_http_redirect():
    ok = site(http_probe={"chain": [{"url": "http://www.example.gov/", "status": 301},
                                    {"url": BASE, "status": 200}], "final_url": BASE})
    assert run_site("sec-http-redirect", ok).status is Status.PASS
    temp = site(http_probe={"chain": [{"url": "http://www.example.gov/", "status": 302},
                                      {"url": BASE, "status": 200}], "final_url": BASE})
    assert run_site("sec-http-redirect", temp).status is Status.WARN
    no = site(http_probe={"chain": [{"url": "http://www.example.gov/", "status": 200}],
                          "final_url": "http://www.example.gov/"})
    assert run_site("sec-http-redirect", no).status is Status.FAIL
    plain = SiteArtifacts(start_url="http://127.0.0.1:8000/", extra={"security": {"scheme": "http"}})
    assert run_site("sec-http-redirect", plain).status is Status.FAIL


def test_certificate_validity_and_expiry():
    from checks.security import certificate

    good = site(tls={"verified": True, "not_after": "2027-06-01T00:00:00+00:00"})
    assert certificate.fn(good, None, now=NOW).status is Status.PASS
    soon = site(tls={"verified": True, "not_after": "2026-12-10T00:00:00+00:00"})
    out = certificate.fn(soon, None, now=NOW)
    assert out.status is Status.FAIL and "expires in 18 days" in out.findings[0].message
    bad = site(tls={"verified": False, "verify_error": "self-signed certificate", "not_after": "2027-01-01T00:00:00+00:00"})
    assert "self-signed" in certificate.fn(bad, None, now=NOW).findings[0].message
    plain = SiteArtifacts(start_url="http://x/", extra={"security": {"scheme": "http"}})
    assert certificate.fn(plain, None).status is Status.NOT_APPLICABLE


def test_gov_domain():
    assert run_site("sec-gov-domain", SiteArtifacts(start_url="https://www.army.mil/")).status is Status.PASS
    out = run_site("sec-gov-domain", SiteArtifacts(start_url="https://example.com/"))
    assert out.status is Status.FAIL and out.findings[0].requirements == ["m2322-domain"]


def test_security_txt_and_vdp():
    from checks.security import security_txt

    fields = parse_security_txt("# hi\nContact: mailto:s@example.gov\nExpires: 2030-01-01T00:00:00Z\n"
                                "Policy: https://www.example.gov/vdp\n")
    good = site(security_txt={"status": 200, "fields": fields})
    assert security_txt.fn(good, None, now=NOW).status is Status.PASS
    assert run_site("sec-vdp", good).status is Status.PASS
    expired = site(security_txt={"status": 200, "fields": {**fields, "expires": ["2020-01-01T00:00:00Z"]}})
    assert "expired" in security_txt.fn(expired, None, now=NOW).findings[0].message
    missing = site(security_txt={"status": 404})
    assert security_txt.fn(missing, None, now=NOW).status is Status.FAIL
    assert run_site("sec-vdp", missing, pages=[]).status is Status.FAIL


# ---- the gatherer against a real local TLS server ----------------------------------


@pytest.fixture
def tls_server(tmp_path):
    if not shutil.which("openssl"):
        pytest.skip("openssl not available")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "10", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    root = tmp_path / "site"
    (root / ".well-known").mkdir(parents=True)
    (root / "index.html").write_text("<p>hi</p>")
    (root / ".well-known" / "security.txt").write_text("Contact: mailto:a@b.gov\nExpires: 2030-01-01T00:00:00Z\n")

    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **kw):
            super().__init__(*a, directory=str(root), **kw)

        def log_message(self, *a):
            pass

        def end_headers(self):
            self.send_header("Strict-Transport-Security", STRONG)
            super().end_headers()

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(str(cert), str(key))
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{srv.server_address[1]}/", cert
    srv.shutdown()
    srv.server_close()


def _gather(url: str, verify) -> dict:
    async def go():
        async with httpx.AsyncClient(verify=verify, timeout=10) as client:
            ctx = SiteGatherContext(client=client, site=SiteArtifacts(start_url=url), settings=Settings(), start_url=url)
            return await gather_security.fn(ctx)
    return asyncio.run(go())


def test_gatherer_reads_untrusted_certificate(tls_server):
    url, _cert = tls_server
    facts = _gather(url, verify=False)
    tls = facts["tls"]
    assert tls["verified"] is False and "self" in tls["verify_error"].lower()
    assert tls["subject"]["commonName"] == "127.0.0.1" and "127.0.0.1" in tls["san"]
    assert facts["security_txt"]["fields"]["contact"] == ["mailto:a@b.gov"]
    assert facts["http_probe"]["skipped"].startswith("non-default port")
    out = run_site("sec-certificate", SiteArtifacts(start_url=url, extra={"security": facts}))
    assert out.status is Status.FAIL


def test_gatherer_trusted_certificate_expiring_soon(tls_server, monkeypatch):
    url, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's own CA
    facts = _gather(url, verify=ssl.create_default_context(cafile=str(cert)))
    assert facts["tls"]["verified"] is True
    out = run_site("sec-certificate", SiteArtifacts(start_url=url, extra={"security": facts}))
    # the generated certificate is valid for 10 days: under the 30-day floor
    assert out.status is Status.FAIL and "expires in" in out.findings[0].message
    assert run_site("sec-security-txt", SiteArtifacts(start_url=url, extra={"security": facts})).status is Status.PASS
