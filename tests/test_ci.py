"""CI use: gates and exit codes, baselines, JUnit/SARIF/Markdown/CSV, config, secrets, init."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, load_json, run_cli
from junitparser import JUnitXml

from auditor.scoring import fmt, whole

pytestmark = pytest.mark.browser

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
ALL = "json,html,junit,sarif,md,csv"


def _scan(tmp_path, url, *extra, name="out", expect=None, env=None):
    out = tmp_path / name
    proc = run_cli("scan", url, "--db", str(tmp_path / "runs.sqlite"), "--out", str(out), "--concurrency", "2",
                   "--format", ALL, "-q", *extra, env=env)
    if expect is not None:
        assert proc.returncode == expect, proc.stdout + proc.stderr
    return proc, out


@pytest.fixture(scope="module")
def legacy_run(tmp_path_factory):
    import sys

    sys.path.insert(0, str(ROOT / "fixtures"))
    from serve import serve_in_thread

    server, url = serve_in_thread("legacy")
    tmp = tmp_path_factory.mktemp("legacy")
    proc, out = _scan(tmp, url, expect=0)
    yield {"url": url, "tmp": tmp, "out": out, "result": load_json(out / "idea-audit.json"), "proc": proc}
    server.shutdown()


def _report(run, *gates):
    r = run["result"]["run"]["id"]
    return run_cli("report", r, "--db", str(run["tmp"] / "runs.sqlite"), "--out", str(run["tmp"] / "rep"),
                   "--format", "json,md", *gates)


RANK = {"info": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}


def _actionable(result, at_least="info"):
    return [f for f in result["findings"] if f["status"] in ("fail", "warn")
            and RANK[f["severity"]] >= RANK[at_least]]


def test_gates_exit_codes(legacy_run):
    r = legacy_run["result"]
    n_all, n_crit = len(_actionable(r)), len(_actionable(r, "critical"))
    overall, a11y = r["scores"]["overall"], r["scores"]["requirements"]["idea-3a1"]
    assert n_crit > 0 and overall < 100
    cases = [
        (("--fail-on", "critical"), 1, f"gate FAILED: --fail-on critical: {n_crit} findings at or above critical (allowed: 0)"),
        (("--fail-on", "low"), 1, f"{len(_actionable(r, 'low'))} findings at or above low"),
        (("--min-score", "100"), 1, f"gate FAILED: --min-score 100: overall score {fmt(overall)} is {100 - whole(overall)} below 100"),
        (("--min-score", "idea-3a1=99"), 1, f"gate FAILED: --min-score idea-3a1=99: idea-3a1 score {fmt(a11y)} is"),
        (("--min-score", "idea-3a1=10", "--min-score", "5"), 0, "result: passed (2 gates)"),
        (("--max-findings", str(n_all)), 0, f"gate passed: --max-findings {n_all}: {n_all} findings (limit {n_all})"),
        (("--max-findings", str(n_all - 2)), 1, f"{n_all} findings, 2 over the limit of {n_all - 2}"),
        ((), 0, "overall score"),
    ]
    for gates, code, words in cases:
        proc = _report(legacy_run, *gates)
        assert proc.returncode == code, (gates, proc.stdout + proc.stderr)
        assert words in proc.stdout, (gates, proc.stdout)
        if code == 1:
            assert proc.stdout.strip().splitlines()[-1].startswith("result: FAILED")


def test_gate_values_are_checked(legacy_run):
    for gates, words in [(("--min-score", "idea-9=5"), "unknown requirement 'idea-9'"),
                         (("--min-score", "abc"), "--min-score expects N or REQUIREMENT=N"),
                         (("--min-score", "120"), "N must be from 0 to 100"),
                         (("--fail-on", "severe"), "'severe' is not one of")]:
        proc = _report(legacy_run, *gates)
        assert proc.returncode == 2 and words in proc.stderr, proc.stderr


def test_a_real_scan_gates_its_own_exit_code(serve_site, tmp_path):
    url = serve_site("good")
    proc, out = _scan(tmp_path, url, "--min-score", "idea-3a1=95", "--min-score", "60", expect=0)
    assert "result: passed (2 gates)" in proc.stdout
    # on 127.0.0.1 (staging by default) plain HTTP is not assessed: a localhost pipeline does not fail on it
    proc, _ = _scan(tmp_path, url, "--fail-on", "critical", name="crit-staging", expect=0)
    assert "result: passed" in proc.stdout
    # assessed as production, the good site fails the critical HTTPS check: the scan itself gates
    proc, _ = _scan(tmp_path, url, "--fail-on", "critical", "--environment", "production", name="crit", expect=1)
    assert "gate FAILED: --fail-on critical" in proc.stdout


def test_junit_parses_with_expected_counts(legacy_run):
    from auditor.gates import counted_findings

    xml = JUnitXml.fromfile(str(legacy_run["out"] / "idea-audit-junit.xml"))
    result = legacy_run["result"]
    counted = counted_findings(result)
    # no gate and no baseline: every counted finding is one failure, as --max-findings counts them
    assert xml.failures == len(counted) > 12
    suites = {s.name: s for s in xml}
    assert {f"{f['requirements'][0]}" for f in result["findings"]} <= {n.split(":")[0] for n in suites}
    cases = list(suites["idea-3a1: Accessible"])
    failed = [c for c in cases if not c.is_passed and not c.is_skipped]
    assert len(failed) == len([f for f in counted if f["requirements"][0] == "idea-3a1"])
    alt = [c for c in failed if c.classname == "idea-3a1.axe-image-alt"]
    assert len(alt) == len([f for f in counted if f["check_id"] == "axe-image-alt"]) >= 2
    text = " ".join(c.result[0].text for c in alt)
    assert 'img[src$="banner.gif"]' in text and "https://dequeuniversity.com/rules/axe/" in text
    assert any(c.is_passed for c in cases)


def test_sarif_validates_against_the_official_schema(legacy_run):
    doc = json.loads((legacy_run["out"] / "idea-audit.sarif").read_text())
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(doc)
    run = doc["runs"][0]
    assert run["tool"]["driver"]["name"] == "idea-auditor"
    assert len(run["results"]) == len(legacy_run["result"]["findings"]) > 12
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    res = next(r for r in run["results"] if r["ruleId"] == "axe-image-alt")
    assert rules["axe-image-alt"]["helpUri"].startswith("https://dequeuniversity.com")
    assert {"idea-3a1", "wcag-1.1.1"} <= set(rules["axe-image-alt"]["properties"]["tags"])
    assert rules["axe-image-alt"]["defaultConfiguration"]["level"] == "error"
    # no source map, no config file: every result is placed on the stable anchor, page in message
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"idea-audit.toml"}
    assert res["properties"]["pageUrl"] == legacy_run["url"] and f"(page: {legacy_run['url']})" in res["message"]["text"]
    assert res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].startswith("img[src$=")
    assert res["partialFingerprints"]["ideaAuditor/v1"]


def test_markdown_and_csv(legacy_run):
    md = (legacy_run["out"] / "idea-audit.md").read_text()
    assert "| Accessible (idea-3a1) |" in md and "### Top fixes" in md and "**critical** `" in md
    import csv

    rows = list(csv.DictReader((legacy_run["out"] / "idea-audit.csv").open()))
    assert len(rows) == len(legacy_run["result"]["findings"])
    assert {r["check_id"] for r in rows} == {f["check_id"] for f in legacy_run["result"]["findings"]}


def test_baseline_same_site_has_no_new_findings(legacy_run, tmp_path):
    run_cli("baseline", legacy_run["result"]["run"]["id"], "--db", str(legacy_run["tmp"] / "runs.sqlite"),
            "-o", str(tmp_path / "base.json"), check_exit=0)
    for base in (tmp_path / "base.json", legacy_run["out"] / "idea-audit.json"):
        proc, out = _scan(tmp_path, legacy_run["url"], "--baseline", str(base), "--fail-on", "low", expect=0)
        r = load_json(out / "idea-audit.json")
        n = len(_actionable(legacy_run["result"]))
        assert (r["baseline"]["new"], r["baseline"]["existing"], r["baseline"]["fixed"]) == (0, n, 0)
        assert "baseline" in proc.stdout and f"0 new, {n} unchanged, 0 fixed" in proc.stdout


A11Y = ("--checks", "accessibility")


@pytest.fixture(scope="module")
def legacy_a11y(legacy_run):
    """An axe-only baseline of the legacy site (page-level findings: host-free fingerprints)."""
    tmp = legacy_run["tmp"]
    _, out = _scan(tmp, legacy_run["url"], *A11Y, name="a11y-base", expect=0)
    return out / "idea-audit.json"


def test_baseline_other_host_needs_ignore_host(legacy_a11y, serve_site, tmp_path):
    other = serve_site("legacy")  # same site on another port: a "staging" host
    base = legacy_a11y
    _, out = _scan(tmp_path, other, *A11Y, "--baseline", str(base), "--fail-on", "low", name="a", expect=1)
    assert load_json(out / "idea-audit.json")["baseline"]["new"] == 12
    _, out = _scan(tmp_path, other, *A11Y, "--baseline", str(base), "--baseline-ignore-host", "--fail-on", "low",
                   name="b", expect=0)
    assert load_json(out / "idea-audit.json")["baseline"]["new"] == 0


def test_fixing_one_defect_shows_exactly_that_finding_fixed(legacy_a11y, serve_site, tmp_path):
    copy = tmp_path / "site"
    shutil.copytree(ROOT / "fixtures" / "sites" / "legacy", copy)
    index = copy / "index.html"
    html = index.read_text()
    index.write_text(html.replace('<img src="/banner.gif" width="300" height="40">',
                                  '<img src="/banner.gif" width="300" height="40" alt="Legacy Agency">'))
    url = serve_site(copy)
    _, out = _scan(tmp_path, url, *A11Y, "--baseline", str(legacy_a11y),
                   "--baseline-ignore-host", "--fail-on", "low", expect=0)
    r = load_json(out / "idea-audit.json")
    assert (r["baseline"]["new"], r["baseline"]["fixed"]) == (0, 1)
    (fixed,) = r["baseline"]["fixed_findings"]
    assert fixed["check_id"] == "axe-image-alt" and fixed["selector"] == 'img[src$="banner.gif"]'
    md = (out / "idea-audit.md").read_text()
    assert "**0 new**" in md and "**1 fixed**" in md and "### Fixed since the baseline" in md
    sarif = json.loads((out / "idea-audit.sarif").read_text())
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(sarif)
    assert [r["baselineState"] for r in sarif["runs"][0]["results"]].count("absent") == 1


def test_secrets_never_leak(serve_site, tmp_path):
    secret, cookie, password = "hdr-s3cr3t-value-91", "cookie-s3cr3t-77", "pw-s3cr3t-55"
    proc, out = _scan(tmp_path, serve_site("good"), "--header", "X-Api-Key: $IDEA_TEST_SECRET",
                      "--header", f"X-Other: {secret}", "--cookie", f"session={cookie}",
                      "--auth", "user:$IDEA_TEST_PW", "-v", expect=0,
                      env={"IDEA_TEST_SECRET": secret, "IDEA_TEST_PW": password})
    proc2 = run_cli("scan", serve_site("good"), "--db", str(tmp_path / "runs.sqlite"), "--out", str(out),
                    "--header", "X-Api-Key: $IDEA_TEST_SECRET", "--format", ALL, "-v",
                    env={"IDEA_TEST_SECRET": secret, "IDEA_TEST_PW": password}, check_exit=0)
    blobs = [proc.stdout, proc.stderr, proc2.stdout, proc2.stderr]
    blobs += [p.read_bytes().decode("latin-1") for p in out.rglob("*") if p.is_file()]
    blobs += [p.read_bytes().decode("latin-1") for p in tmp_path.glob("runs.sqlite*")]
    with sqlite3.connect(tmp_path / "runs.sqlite") as c:
        import zlib

        for (blob,) in c.execute("SELECT artifacts FROM pages WHERE artifacts IS NOT NULL"):
            blobs.append(zlib.decompress(blob).decode("utf-8"))
        settings = [r[0] for r in c.execute("SELECT settings FROM runs")]
    assert all("X-Api-Key" in s for s in settings)  # names are kept, values never
    for needle in (secret, cookie, password):
        assert not any(needle in b for b in blobs), needle


def test_step_summary_is_written(legacy_run, tmp_path):
    summary = tmp_path / "summary.md"
    r = legacy_run["result"]["run"]["id"]
    run_cli("report", r, "--db", str(legacy_run["tmp"] / "runs.sqlite"), "--out", str(tmp_path / "o"),
            "--format", "json", env={"GITHUB_STEP_SUMMARY": str(summary)}, check_exit=0)
    assert "## idea-auditor:" in summary.read_text()


def _run_on_pty(args, env):
    import os
    import pty
    import subprocess
    import sys

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "auditor", *args], stdin=slave, stdout=slave, stderr=slave,
                            env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "120", **env}, close_fds=True)
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
    proc.wait(300)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_live_bar_on_a_terminal_and_lines_in_ci(serve_site, tmp_path):
    url = serve_site("good")
    base = ["scan", url, "--db", str(tmp_path / "r.sqlite"), "--format", "json", "--max-pages", "3", "--no-sitemap"]
    code, tty_out = _run_on_pty([*base, "--out", str(tmp_path / "a")], {"CI": ""})
    assert code == 0
    assert "auditing" in tty_out and "━" in tty_out  # rich's bar
    assert "[1 done," not in tty_out
    code, ci_out = _run_on_pty([*base, "--out", str(tmp_path / "b")], {"CI": "true"})
    assert code == 0 and "[1 done," in ci_out and "━" not in ci_out
    quiet = run_cli(*base, "--out", str(tmp_path / "c"), "-q", check_exit=0)
    assert "done," not in quiet.stderr
