"""A site whose titles, text and attributes carry script-injection payloads: the scorecard shows
them as text, and no script from them runs when the scorecard is opened in Chromium."""

from __future__ import annotations

import re

import pytest
from report_browser import inspect_report


@pytest.mark.browser
def test_injection_payloads_never_run_in_the_scorecard(serve_site, cli, tmp_path):
    base = serve_site("hostile")
    out = tmp_path / "out"
    cli("scan", base, "--db", str(tmp_path / "db.sqlite"), "--out", str(out), "--concurrency", "1",
        "--max-pages", "5", "-q", check_exit=0)
    html = (out / "idea-audit.html").read_text()

    # The payloads reached the report (else this test proves nothing) ...
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "onerror=" in html
    # ... only escaped: no live tag or attribute from the audited pages.
    assert "<script>window.__pwned" not in html
    assert "<img src=x" not in html
    assert not re.search(r"<script>alert", html)
    assert len(re.findall(r"<script\b", html)) == 1  # our own, allowed by hash
    csp = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    assert csp and "default-src 'none'" in csp.group(1) and "script-src 'sha256-" in csp.group(1)
    assert "'unsafe-inline'" not in csp.group(1)

    seen = inspect_report(out / "idea-audit.html", tmp_path)
    assert seen["dialogs"] == []
    assert seen["pwned_desktop"][:2] == [None, None]
    assert seen["pwned_mobile"][:2] == [None, None]
    assert seen["pwned_after_axe"] == [None, None]  # opening every <details> runs nothing either
    assert seen["requests"] == []
    assert seen["filters_visible"] is True  # our own script did run
