"""The HTML scorecard end to end: two runs of a fixture site with --screenshots (so it has
history and page screenshots), opened in real Chromium: axe-core clean, no network, not blank."""

from __future__ import annotations

import json
import re

import pytest
from report_browser import inspect_report, is_blank


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "fixtures"))
    from conftest import run_cli
    from serve import serve_in_thread

    tmp = tmp_path_factory.mktemp("scorecard")
    server, base = serve_in_thread("legacy")
    try:
        db = str(tmp / "db.sqlite")
        for name in ("first", "second"):
            run_cli("scan", base, "--db", db, "--out", str(tmp / name), "--concurrency", "2", "--max-pages", "4",
                    "--screenshots", "-q", check_exit=0)
    finally:
        server.shutdown()
        server.server_close()
    return tmp


@pytest.mark.browser
def test_scorecard_has_every_part(two_runs):
    html = (two_runs / "second" / "idea-audit.html").read_text()
    result = json.loads((two_runs / "second" / "idea-audit.json").read_text())
    # header: site, date, version, page counts, overall with grade, plain-language summary
    assert result["run"]["seeds"][0] in html and result["run"]["tool_version"] in html
    assert f"{result['scores']['overall']:.0f}<span class=\"sr\"> out of 100" in html
    assert re.search(r"Grade [ABCD]: ", html)
    assert 'id="sum-h"' in html and "The biggest problems:" in html
    # one card per requirement
    for req in result["requirements"]:
        assert f'id="req-{req["id"]}"' in html
    # findings grouped by requirement then check, with help link and escaped snippet
    for cid in {f["check_id"] for f in result["findings"] if f["status"] == "fail"}:
        assert f"<code>{cid}</code>" in html
    assert "How to fix:" in html and 'class="snip"' in html
    # history: trend chart and new/fixed, since this is the site's second run
    assert len(result["history"]["points"]) == 2
    assert result["history"]["previous_run"] and "changes" in result["history"]
    assert 'id="hist-h"' in html and "<polyline" in html and "New since the previous run" in html
    # screenshots (desktop + mobile) as small inline JPEGs, failing elements outlined
    shots = result["screenshots"]
    assert shots and all(s["desktop"].startswith("data:image/jpeg;base64,") and s["mobile"] for s in shots.values())
    assert html.count('src="data:image/jpeg;base64,') == 2 * len(shots)
    assert "failing elements outlined in red" in html
    # nothing points off the file but help links
    assert not re.search(r'<(?:img|script|link|iframe)[^>]+(?:src|href)="(?:https?:)?//', html)


@pytest.mark.browser
def test_scorecard_and_comparison_in_chromium(two_runs, cli, tmp_path):
    first = json.loads((two_runs / "first" / "idea-audit.json").read_text())
    cli("compare", first["run"]["id"], str(two_runs / "second" / "idea-audit.json"), "--db",
        str(two_runs / "db.sqlite"), "--out", str(tmp_path / "cmp"), check_exit=0)
    for report in (two_runs / "second" / "idea-audit.html", tmp_path / "cmp" / "compare.html"):
        seen = inspect_report(report, tmp_path)
        assert seen["violations"] == [], f"{report.name}: {seen['violations']}"
        assert seen["requests"] == [], f"{report.name} made network requests: {seen['requests']}"
        assert seen["dialogs"] == []
        for name, png in seen["shots"].items():
            assert not is_blank(png), f"{report.name} {name} screenshot is blank"
