"""The scoring model as the reports show it, end to end in Chromium (issue 22 item 1): one
rounding in the terminal, the scorecard's header and cards, the Markdown and the JSON; each
requirement card lists what cost its points; "In short" gives a check's own reason; and a run
that audits no page (robots.txt ``Disallow: /``) has no score, status ``failed``, exit 3 and
reports that say why."""

from __future__ import annotations

import html as html_mod
import re
from pathlib import Path

import jsonschema
from conftest import ROOT, load_json, run_cli

from auditor import scoring
from auditor.report import html as html_report


def _site(root: Path, robots: str = "") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    # a gov banner without "Here's how you know": the check's own message is the reason
    banner = ('<section class="usa-banner" aria-label="Official website of the United States government">'
              "<p>An official website of the United States government</p></section>")
    for name, body in {"index.html": '<a href="/about.html">About</a><p>Welcome.</p>',
                       "about.html": "<p>About us.</p>"}.items():
        (root / name).write_text(f"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                                 f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                                 f"<title>{name}</title></head><body>{banner}<main><h1>{name}</h1>{body}"
                                 f"</main></body></html>", encoding="utf-8")
    if robots:
        (root / "robots.txt").write_text(robots, encoding="utf-8")
    return root


def _scan(tmp_path: Path, url: str) -> tuple[object, Path]:
    out = tmp_path / "out"
    proc = run_cli("scan", url, "--db", str(tmp_path / "runs.sqlite"), "--out", str(out),
                   "--format", "json,html,md", "--max-pages", "5", timeout=300)
    return proc, out


def _text(html: str) -> str:
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return html_mod.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_one_rounding_costs_and_reasons(tmp_path, serve_site):
    url = serve_site(_site(tmp_path / "site"))
    proc, out = _scan(tmp_path, url)
    assert proc.returncode == 0, proc.stderr
    r = load_json(out / "idea-audit.json")
    jsonschema.validate(r, load_json(ROOT / "auditor" / "schemas" / "result.schema.json"))
    overall = r["scores"]["overall"]
    assert isinstance(overall, int) and r["run"]["status"] == "complete"
    shown = scoring.fmt(overall)
    # terminal, scorecard header, Markdown and JSON: the same number
    assert f"overall score: {shown};" in proc.stdout
    by = r["summary"]["by_status"]
    assert (f"findings: {by.get('fail', 0)} failures, {by.get('warn', 0)} warnings, {by.get('manual', 0)} to review"
            in proc.stdout)
    assert f"<b>{by.get('warn', 0)}</b> warnings" in (out / "idea-audit.html").read_text()
    page = (out / "idea-audit.html").read_text()
    assert f'<span class="num">{shown}<span class="sr"> out of 100' in page
    assert f"scored the site {shown} out of 100" in _text(page)
    md = (out / "idea-audit.md").read_text()
    assert f"Overall score **{shown}**" in md
    rows = {m.group(1): m.group(2) for m in re.finditer(r"^\| .*? \(([\w-]+)\) \| ([^|]+) \|", md, re.M)}
    for rid, score in r["scores"]["requirements"].items():
        assert score is None or isinstance(score, int)
        assert rows[rid].strip() in (("manual", "not assessed (staging)") if score is None else (scoring.fmt(score),))
        card = page.split(f'id="req-{rid}"', 1)[1].split("</li>\n    \n", 1)[0]
        if score is not None:
            assert f'<p class="score">{scoring.fmt(score)}<span' in card
    # each card lists what cost the points: check, pages, points; they add up to what was lost
    details = r["scores"]["details"]
    lost = [rid for rid, d in details.items() if d["score"] is not None and d["score"] < 100]
    assert lost
    for rid in lost:
        d = details[rid]
        assert d["costs"], rid
        assert abs(sum(c["points"] for c in d["costs"]) - (100 - d["score"])) <= 0.5 + 0.05 * len(d["costs"])
        card = page.split(f'id="req-{rid}"', 1)[1].split('class="card"', 1)[0]
        assert "What cost the points" in card
        top = d["costs"][0]
        assert f"<code>{top['check_id']}</code>" in card and f"{top['points']:.1f} points" in card
        where = "site-wide" if top["site_wide"] and not top["pages"] else f"on {top['pages']} page"
        assert where in _text(card)
    # a high failure caps its requirement below 90, and the card says so
    uswds = details["m2322-uswds"]
    assert any(c["check_id"] == "brand-banner" and c["severity"] == "high" for c in uswds["costs"])
    assert uswds["score"] < 90
    # "In short" gives each top problem its check's own words, not the check's generic title
    short = _text(page.split('id="sum-h"', 1)[1].split("</section>", 1)[0])
    named = 0
    for cid in {f["check_id"] for f in r["findings"] if f["status"] == "fail"}:
        msgs = {f["message"] for f in r["findings"] if f["check_id"] == cid and f["status"] == "fail"}
        title = r["checks"][cid]["failure_title"]
        if len(msgs) == 1 and msgs != {title} and msgs.pop() in short:
            named += 1
            assert f"{title} (" not in short, (cid, short)
    assert named >= 2, short
    # the banner check's real reason, shown when it is among the biggest problems
    only_banner = {**r, "findings": [f for f in r["findings"] if f["check_id"] == "brand-banner"]}
    short = _text(html_report.render(only_banner).split('id="sum-h"', 1)[1].split("</section>", 1)[0])
    assert "Banner lacks 'Here's how you know'" in short
    assert "Official-site banner is missing or not at the top" not in short


def test_run_with_no_audited_page_has_no_score(tmp_path, serve_site):
    url = serve_site(_site(tmp_path / "site", robots="User-agent: *\nDisallow: /\n"))
    proc, out = _scan(tmp_path, url)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "nothing could be audited" in proc.stderr and "robots.txt" in proc.stderr
    assert "use --ignore-robots" in proc.stderr
    assert "Traceback" not in proc.stderr
    r = load_json(out / "idea-audit.json")
    jsonschema.validate(r, load_json(ROOT / "auditor" / "schemas" / "result.schema.json"))
    assert r["run"]["status"] == "failed"
    assert r["run"]["error"].startswith("nothing could be audited: ") and "robots.txt" in r["run"]["error"]
    assert r["scores"]["overall"] is None
    assert set(r["scores"]["requirements"].values()) == {None}
    assert r["summary"]["pages_audited"] == 0
    assert "overall score: n/a;" in proc.stdout
    page = (out / "idea-audit.html").read_text()
    text = _text(page)
    assert "Nothing could be audited" in text and "disallowed by robots.txt" in text and url in text
    assert "run failed" in text and "Not scored" in text
    md = (out / "idea-audit.md").read_text()
    assert "**Nothing could be audited**" in md and "robots.txt" in md
    # no score anywhere: not the 100 of a requirement nothing failed, nor the 31 of site checks
    for shown in (text, md, proc.stdout):
        assert not re.search(r"\b(100|31)\b", re.sub(r"https?://\S+", "", shown)), shown
    # re-rendering the stored run says the same (the status is stored, not only printed)
    again = run_cli("report", r["run"]["id"], "--db", str(tmp_path / "runs.sqlite"), "--out", str(tmp_path / "rep"),
                    "--format", "json")
    assert load_json(tmp_path / "rep" / "idea-audit.json")["run"]["status"] == "failed", again.stderr
    assert again.returncode == 3 and "nothing could be audited" in again.stderr
