"""The comparison page and the scorecard in real Chromium: axe-core's best-practice rules as
well as WCAG, and the comparison tables at 375 px (scroll in their region, no word broken)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import sync_playwright
from report_browser import inspect_report

from auditor.browser import find_browser

pytestmark = pytest.mark.browser

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Home | Example Agency</title></head>
<body><main><h1>Example Agency</h1><p>Text.</p>{links}</main></body></html>"""

#: Every word (a run of letters and digits: a line may break after a hyphen or a slash, never
#: inside a word) in a comparison table cell is on one line, and nothing but a scroll region is
#: wider than the viewport.
MEASURE = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('table.cmp th, table.cmp td')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let t = walker.nextNode(); t; t = walker.nextNode()) {
      for (const m of t.data.matchAll(/[\\p{L}\\p{N}]+/gu)) {
        const r = document.createRange();
        r.setStart(t, m.index); r.setEnd(t, m.index + m[0].length);
        const lines = new Set([...r.getClientRects()].map(b => Math.round(b.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
    if (cell.scrollWidth > cell.clientWidth + 1) broken.push('overflowing cell: ' + cell.textContent.trim());
  }
  const vw = document.documentElement.clientWidth;
  const outside = [...document.body.querySelectorAll('*')].filter(el => {
    const b = el.getBoundingClientRect();
    return b.right > vw + 1 && !el.closest('.scroll');
  }).map(el => el.tagName + '.' + el.className);
  const regions = [...document.querySelectorAll('.scroll')].map(s => [s.clientWidth, s.scrollWidth]);
  return {broken, outside, pageWidth: document.documentElement.scrollWidth, vw, regions,
          rows: document.querySelectorAll('#ranking tbody tr').length};
}"""


@pytest.fixture(scope="module")
def reports(tmp_path_factory):
    """A scorecard of a site whose pages share one title (the landmark-unique case), and a
    comparison of two runs of it with a site that could not be reached, with long names."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
    from conftest import run_cli
    from serve import serve_in_thread

    tmp = tmp_path_factory.mktemp("cmp-page")
    site = tmp / "site"
    site.mkdir()
    names = ["index", "about", "contact"]
    links = "".join(f'<p><a href="/{n}.html">{n}</a></p>' for n in names)
    for n in names:
        (site / f"{n}.html").write_text(PAGE.format(links=links))
    server, base = serve_in_thread(site)
    db = str(tmp / "db.sqlite")
    try:
        for name in ("first", "second"):
            run_cli("scan", base, "--db", db, "--out", str(tmp / name), "--max-pages", "3", "--concurrency", "2",
                    "-q", check_exit=0)
    finally:
        server.shutdown()
        server.server_close()
    from auditor import compare

    results = [json.loads((tmp / n / "idea-audit.json").read_text()) for n in ("first", "second")]
    titles = [p["title"] for p in results[1]["pages"] if not p["error"]]
    assert len(titles) >= 2 and len(set(titles)) == 1, titles
    long_name = "Office of the Assistant Secretary for Administration and Management Modernization"
    compare.write(results, tmp / "cmp",
                  meta={results[0]["run"]["id"]: {"name": long_name, "agency": "Department of Health and Human "
                                                  "Services", "bureau": "Centers for Medicare & Medicaid Services"}},
                  unaudited=[{"url": "https://an-agency-with-a-very-long-hostname.example.gov/", "status": "unreachable",
                              "reason": "cannot reach https://an-agency-with-a-very-long-hostname.example.gov/: "
                                        "connection refused", "name": "Unreachable site", "agency": "DOE"}])
    return tmp


def test_scorecard_and_comparison_pass_axe_best_practice(reports, tmp_path):
    for report in (reports / "second" / "idea-audit.html", reports / "cmp" / "compare.html"):
        seen = inspect_report(report, tmp_path)  # report_browser runs WCAG and best-practice tags
        assert seen["violations"] == [], f"{report.name}: {seen['violations']}"
        assert seen["requests"] == []


def test_comparison_reads_at_375px(reports):
    path = reports / "cmp" / "compare.html"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(None).path, headless=True)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
            page.goto(path.resolve().as_uri())
            m = page.evaluate(MEASURE)
        finally:
            browser.close()
    assert m["rows"] == 3
    assert m["broken"] == [], f"words broken across lines at 375 px: {m['broken'][:10]}"
    assert m["outside"] == [] and m["pageWidth"] <= m["vw"], m
    # the ranking table is wider than the phone: it scrolls inside its region
    assert any(sw > cw for cw, sw in m["regions"]), m["regions"]


def test_narrow_check_fails_on_the_old_letter_breaking_css(reports, tmp_path):
    """The measurement above can fail: with the cells allowed to break anywhere (the old
    rule), the same page breaks words at 375 px."""
    html = (reports / "cmp" / "compare.html").read_text()
    broken_css = "table.cmp th, table.cmp td, table.cmp .url { overflow-wrap: normal; word-break: normal; }"
    assert broken_css in html
    bad = tmp_path / "bad.html"
    # the content security policy pins the style's hash: drop it for this copy
    import re

    bad.write_text(re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
                   .replace(broken_css, "table.cmp th, table.cmp td { overflow-wrap: anywhere; }")
                   .replace("table.cmp .url, table.cmp .nowrap { white-space: nowrap; }", ""))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_browser(None).path, headless=True)
        try:
            page = browser.new_page(viewport={"width": 375, "height": 800})
            page.goto(bad.resolve().as_uri())
            m = page.evaluate(MEASURE)
        finally:
            browser.close()
    assert m["broken"], "the old CSS should break words at 375 px"
