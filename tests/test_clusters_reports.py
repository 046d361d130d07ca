"""'Fix once' clusters in the reports (issue 24 item 3): the JSON keeps every occurrence with
its cluster id and lists the clusters; the scorecard's "In short" and the Markdown count fixes;
CSV, SARIF and JUnit carry the cluster id; page-supplied text in a block or message is escaped.
Then end to end in Chromium: a footer problem on every page of a small site is one cluster with
pages = N, and the scorecard says "fix once in the footer"."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import jsonschema
from conftest import ROOT, load_json, run_cli
from junitparser import JUnitXml
from test_scoring_reports import _text

from auditor import clusters
from auditor.model import Finding, PageArtifacts, Severity, Status
from auditor.report import build_result
from auditor.report import csv as csv_report
from auditor.report import html as html_report
from auditor.report import junit as junit_report
from auditor.report import md as md_report
from auditor.report import sarif as sarif_report
from auditor.store import Store

SCHEMA = json.loads((ROOT / "auditor" / "schemas" / "result.schema.json").read_text())
SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
HOSTILE = "<script>alert(1)</script>"
PAGES = 4


def _page_html(i: int) -> str:
    # the footer's id is page-supplied text that ends up in the block's selector
    return (f'<!doctype html><html lang="en"><body><main><p>Page {i}</p><a href="/m{i}">More</a></main>'
            f'<footer id="{HOSTILE}"><a href="/privacy/">Privacy {HOSTILE}</a></footer></body></html>')


def _stored_run(tmp_path: Path) -> tuple[Store, str]:
    store = Store(tmp_path / "s.sqlite")
    run_id = "r1"
    store.create_run(run_id, "0", ["https://agency.gov/"], {})
    for i in range(PAGES):
        url = f"https://agency.gov/p{i}"
        fs = [Finding("kbd-focus-visible", Status.FAIL, Severity.HIGH, ["idea-3a1"], ["2.4.7"], url,
                      f"Link has no visible focus {HOSTILE}", "https://help/", selector="footer > a",
                      snippet=f'<a href="/privacy/">Privacy {HOSTILE}</a>'),
              Finding("kbd-focus-visible", Status.FAIL, Severity.HIGH, ["idea-3a1"], ["2.4.7"], url,
                      "Link has no visible focus", "https://help/", selector="main > a", snippet=f'<a href="/m{i}">More</a>')]
        html = _page_html(i)
        clusters.assign(fs, html, url)
        store.save_page(run_id, PageArtifacts(url=url, final_url=url, status_code=200, title=f"P{i}", html=html),
                        {}, [("kbd-focus-visible", "fail", 0.0, 1.0, ["idea-3a1"], "")], fs)
    store.update_run(run_id, status="complete", finished="2026-01-01T00:00:00+00:00")
    return store, run_id


def test_json_keeps_occurrences_and_lists_clusters(tmp_path) -> None:
    store, run_id = _stored_run(tmp_path)
    result = build_result(store, run_id)
    jsonschema.validate(result, SCHEMA)
    assert result["summary"]["findings"] == 2 * PAGES
    assert result["summary"]["fixes"] == 1 + PAGES  # the footer link once, the main-content links each
    footer = [f for f in result["findings"] if f["selector"] == "footer > a"]
    assert len(footer) == PAGES and len({f["cluster_id"] for f in footer}) == 1
    top = result["clusters"][0]
    assert top["id"] == footer[0]["cluster_id"] and top["pages"] == PAGES and top["occurrences"] == PAGES
    assert top["block"] == {"name": "footer", "landmark": "contentinfo", "selector": f"footer#{HOSTILE}"}
    assert len(top["example_pages"]) == 3
    assert all(c["block"] is None and c["pages"] == 1 for c in result["clusters"][1:])


def test_reports_count_fixes_and_escape_page_text(tmp_path) -> None:
    store, run_id = _stored_run(tmp_path)
    result = build_result(store, run_id)
    page = html_report.render(result)
    assert HOSTILE not in page  # escaped, in the block's selector and in the message
    text = _text(page)
    assert f"It reported {2 * PAGES} findings, {1 + PAGES} fixes" in text
    assert f"on {PAGES} pages, {1 + PAGES} fixes; the biggest, on {PAGES} pages: fix once in the footer (footer#{HOSTILE})" in text
    md = md_report.render(result)
    assert "<script>" not in md
    assert f"{2 * PAGES} findings, {1 + PAGES} fixes" in md
    first = next(line for line in md.splitlines() if line.startswith("- **high**"))
    assert f"on {PAGES} pages: fix once in the footer" in first
    rows = list(csv.DictReader(io.StringIO(csv_report.render(result))))
    assert {r["cluster_id"] for r in rows} == {f["cluster_id"] for f in result["findings"]}
    assert sum(1 for r in rows if r["block"].startswith("footer footer#")) == PAGES
    sarif = json.loads(sarif_report.render(result))
    run = sarif["runs"][0]
    assert run["properties"]["fixes"] == 1 + PAGES
    assert {r["properties"]["clusterId"] for r in run["results"]} == {f["cluster_id"] for f in result["findings"]}
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(sarif)
    junit = junit_report.render(result)
    suite = JUnitXml.fromstring(junit.encode("utf-8"))
    suite = next(iter(suite))
    assert {p.name: p.value for p in suite.properties()} == {"fixes": str(1 + PAGES)}
    assert HOSTILE not in junit
    assert junit.count("failure type=") == 2 * PAGES  # gates and JUnit still count occurrences
    assert junit.count(f"cluster: {result['clusters'][0]['id']} (fix once in the footer") == PAGES


def test_old_runs_without_clusters_report_singletons(tmp_path) -> None:
    store, run_id = _stored_run(tmp_path)
    # rows as an earlier version wrote them: no cluster_id, no block
    rows = store.db.execute("SELECT rowid, data FROM findings").fetchall()
    for rowid, data in rows:
        d = json.loads(data)
        del d["cluster_id"], d["block"]
        store.db.execute("UPDATE findings SET data=? WHERE rowid=?", (json.dumps(d), rowid))
    store.db.commit()
    result = build_result(store, run_id)
    jsonschema.validate(result, SCHEMA)
    assert result["summary"]["fixes"] == 2 * PAGES
    assert all(f["cluster_id"].startswith("s") and f["block"] is None for f in result["findings"])
    html_report.render(result)
    md_report.render(result)


def _site(root: Path, pages: int) -> Path:
    root.mkdir(parents=True)
    names = ["index.html", *(f"p{i}.html" for i in range(1, pages))]
    nav = "".join(f'<li><a href="/{n}">{n}</a></li>' for n in names)
    for n in names:
        # the same footer on every page: a link whose only content is an image without alt
        # (axe-core: link-name and image-alt), plus the page's own nav marking where it is
        marked = nav.replace(f'<a href="/{n}">', f'<a href="/{n}" aria-current="page" class="active">')
        (root / n).write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width, initial-scale=1"><title>Page {n} of the cluster test site</title></head>'
            f'<body><header><nav aria-label="Main"><ul>{marked}</ul></nav></header>'
            f'<main><h1>{n}</h1><p>Welcome to {n}.</p></main>'
            '<footer class="site-footer"><a href="/privacy.html"><img src="/lock.png"></a></footer></body></html>',
            encoding="utf-8")
    (root / "lock.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (root / "privacy.html").write_text("<!doctype html><html lang=\"en\"><head><title>Privacy policy page</title>"
                                       "</head><body><main><h1>Privacy</h1></main></body></html>", encoding="utf-8")
    return root


def test_end_to_end_footer_problem_is_one_cluster(tmp_path, serve_site) -> None:
    n = 3
    url = serve_site(_site(tmp_path / "site", n))
    out = tmp_path / "out"
    proc = run_cli("scan", url, "--db", str(tmp_path / "runs.sqlite"), "--out", str(out),
                   "--format", "json,html,md", "--max-pages", str(n), timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    result = load_json(out / "idea-audit.json")
    jsonschema.validate(result, SCHEMA)
    link = [c for c in result["clusters"] if c["check_id"] == "axe-link-name"]
    assert len(link) == 1, link
    assert link[0]["pages"] == n and link[0]["occurrences"] == n
    assert link[0]["block"] == {"name": "footer", "landmark": "contentinfo", "selector": "footer.site-footer"}
    occurrences = [f for f in result["findings"] if f["check_id"] == "axe-link-name"]
    assert len(occurrences) == n and len({f["page_url"] for f in occurrences}) == n
    assert {f["cluster_id"] for f in occurrences} == {link[0]["id"]}
    assert result["summary"]["fixes"] < result["summary"]["findings"]
    text = _text((out / "idea-audit.html").read_text(encoding="utf-8"))
    assert re.search(rf"on {n} pages: fix once in the footer \(footer\.site-footer\)", text), text[:3000]
    md = (out / "idea-audit.md").read_text(encoding="utf-8")
    assert f"on {n} pages: fix once in the footer \\(footer.site-footer\\)" in md
