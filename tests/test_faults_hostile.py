"""Hostile content: an audited page whose title, text, attributes and URLs carry script- and
formula-injection payloads. Every registered reporter must neutralise them; a format
without a rule here fails, so a new reporter cannot ship unchecked."""

from __future__ import annotations

import csv
import io
import json

import pytest
from defusedxml import ElementTree as SafeET
from faults.harness import explain, run, scan, serving
from faults.server import html

from auditor.report import reporters
from auditor.report.safe import csv_cell

pytestmark = pytest.mark.browser

TITLE = "=cmd|' /C calc'!A0 <script>window.__pwned='title';alert('title')</script>"
ATTR = "</textarea><script>window.__pwned='attr';alert('attr')</script>"
HOSTILE_PAGE = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{TITLE.replace('<', '&lt;')}</title></head><body><main>
<h1>+SUM(1,2) &lt;img src=x onerror=alert('text')&gt;</h1>
<img src="/missing.png" data-x="{ATTR.replace('<', '&lt;').replace('"', '&quot;')}">
<a href="/search?q=%3Cscript%3Ealert('url')%3C/script%3E"></a>
<a href="/&quot;&gt;&lt;svg onload=alert('path')&gt;"><img src="/nope.png"></a>
<a href="javascript:alert('js-url')">run</a>
<p>@SUM(1+1)*cmd|' /C calc'!A0 -2+3</p>
</main></body></html>"""
MARKERS = ("<script>window.__pwned", "<script>alert", "onerror=alert", "<svg onload")


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    with serving({"/": html(HOSTILE_PAGE)}, fallback=html("<title>x</title><main>other</main>")) as srv:
        proc = scan(srv.base_url, tmp, "--max-pages", "3", "--no-sitemap", "--max-depth", "1")
    assert proc.returncode in (0, 1), explain(proc)
    return tmp


def _render(tmp, fmt: str) -> str:
    out = tmp / f"out-{fmt}"
    proc = run("report", "--db", str(tmp / "runs.sqlite"), "--format", fmt, "--out", str(out))
    assert proc.returncode == 0, explain(proc)
    [path] = [p for p in out.iterdir() if p.is_file()]
    return path.read_text("utf-8")


def _check_json(text: str) -> None:
    data = json.loads(text)  # JSON carries the payloads as data; a consumer must escape on display
    titles = [p["title"] for p in data.get("pages", [])]
    assert TITLE in titles  # kept exact: nothing lost or half-escaped


def _check_xml(text: str) -> None:
    SafeET.fromstring(text.encode("utf-8"))  # well-formed despite the payloads
    for m in MARKERS:
        assert m not in text, m


def _check_csv(text: str) -> None:
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def _check_markdown(text: str) -> None:
    for m in MARKERS:
        assert m not in text, m


def _check_html(text: str) -> None:
    for m in MARKERS:
        assert m not in text, m
    from playwright.sync_api import sync_playwright

    from auditor.browser import LAUNCH_ARGS, find_browser

    dialogs: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(None).path, args=LAUNCH_ARGS, headless=True)
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.set_content(text, wait_until="load")
            page.wait_for_timeout(300)
            pwned = page.evaluate("() => window.__pwned === undefined ? null : String(window.__pwned)")
            shown = page.evaluate("() => document.body.innerText")
        finally:
            browser.close()
    assert dialogs == [] and pwned is None
    assert "<script>" in shown  # the payload is displayed as text, not run


def _rule_for(fmt: str, module) -> object:
    ext = getattr(module, "EXTENSION", "")
    if fmt == "html" or ext == "html":
        return _check_html
    if ext == "csv":
        return _check_csv
    if ext == "xml":
        return _check_xml
    if ext in ("json", "sarif"):
        return lambda text: json.loads(text)  # JSON escapes by construction; it must parse
    if ext == "md":
        return _check_markdown
    if ext.endswith("yaml"):
        return _check_yaml
    return None


def _check_yaml(text: str) -> None:
    import yaml

    def plain(v: object) -> None:  # safe_load builds only plain data: no tag the page could smuggle in
        assert isinstance(v, (dict, list, str, int, float, bool, type(None))), type(v)
        for x in (v.values() if isinstance(v, dict) else v if isinstance(v, list) else ()):
            plain(x)

    doc = yaml.safe_load(text)
    assert isinstance(doc, dict)
    plain(doc)


@pytest.mark.parametrize("fmt", sorted(reporters()))
def test_every_reporter_neutralises_payloads(hostile_run, fmt):
    rule = _rule_for(fmt, reporters()[fmt])
    assert rule is not None, f"no neutralisation rule for format {fmt!r}: add one to this test"
    text = _render(hostile_run, fmt)
    rule(text)
    if fmt == "json":
        _check_json(text)


@pytest.mark.parametrize("value, expected", [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"), ("+1", "'+1"), ("-2+3", "'-2+3"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("plain", "plain"), (None, ""), (42, "42"), ("a=b", "a=b"),
])
def test_csv_cell(value, expected):
    assert csv_cell(value) == expected
