"""CI outputs that agree with the gate (issue 22 items 3-4): gate lines naming findings, JUnit
failures == what the gates count, baselines (not checked, first run, legacy fingerprints),
config-relative paths, ignore reasons in every format, SARIF repository locations."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, load_json, run_cli
from junitparser import JUnitXml

from auditor import baseline as baseline_mod
from auditor.gates import Gates, counted_findings, evaluate, gated_findings
from auditor.model import Severity, element_identity, fingerprint, legacy_fingerprint
from auditor.report import junit, sarif

pytestmark = pytest.mark.browser

SARIF_SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
REASON = "Decorative GIFs, replaced in TICKET-42 <b>&</b>"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    from serve import serve_in_thread

    server, url = serve_in_thread("legacy")
    tmp = tmp_path_factory.mktemp("ci-out")
    db = tmp / "runs.sqlite"
    # assessed as production: the tests use the legacy site's per-page sec-https findings
    run_cli("scan", url, "--db", str(db), "--out", str(tmp / "out"), "--format", "json", "-q", "--max-pages", "8",
            "--environment", "production", check_exit=0)
    result = load_json(tmp / "out" / "idea-audit.json")
    yield {"url": url, "tmp": tmp, "db": db, "id": result["run"]["id"], "result": result}
    server.shutdown()


def _report(run, out, *args, cwd=None):
    return run_cli("report", run["id"], "--db", str(run["db"]), "--out", str(out),
                   "--format", "json,junit,sarif,md,html", *args, cwd=cwd)


def test_failing_gate_names_its_findings(run, tmp_path):
    proc = _report(run, tmp_path / "o", "--fail-on", "high")
    assert proc.returncode == 1
    lines = proc.stdout.strip().splitlines()
    high = [f for f in counted_findings(run["result"]) if Severity.parse(f["severity"]) >= Severity.parse("high")]
    assert len(high) > 10
    assert lines[-1].startswith("result: FAILED")
    gate = next(i for i, ln in enumerate(lines) if ln.startswith("gate FAILED: --fail-on high"))
    named = [ln for ln in lines[gate + 1:] if ln.startswith("  - ")]
    assert len(named) == 10 and lines[gate + 11] == f"  ... and {len(high) - 10} more (all of them in the reports)"
    first = named[0]  # check, page, message
    f = next(f for f in high if f["check_id"] in first and f["message"] in first)
    assert f["severity"] == "critical" and (f["page_url"] or "site") in first
    # the JSON says the same, listing at most 10
    gates = load_json(tmp_path / "o" / "idea-audit.json")["gates"]
    assert gates[0]["findings_total"] == len(high) and len(gates[0]["findings"]) == 10
    # a passing gate names nothing
    ok = _report(run, tmp_path / "p", "--max-findings", "100000")
    assert ok.returncode == 0 and "  - " not in ok.stdout


def _gated(result, baseline=None, fail_on=None):
    r = copy.deepcopy(result)
    if baseline is not None:
        baseline_mod.apply(r, baseline)
    gates = Gates(fail_on=Severity.parse(fail_on) if fail_on else None)
    verdict = evaluate(r, gates)
    return r, verdict


def _junit(r, tmp_path):
    path = tmp_path / "j.xml"
    with path.open("w", encoding="utf-8") as fh:
        junit.write_to(r, fh)
    return JUnitXml.fromfile(str(path))


def test_junit_failures_are_exactly_what_the_gates_count(run, tmp_path):
    result = run["result"]
    # with a baseline holding all but three findings: only those three are new, only they fail
    base = baseline_mod.make_baseline(result)
    dropped = [f for f in base["findings"] if f["severity"] in ("critical", "high")][:3]
    base["findings"] = [f for f in base["findings"] if f not in dropped]
    loaded = {"file": "b.json", "kind": "idea-audit-baseline", "findings": base["findings"]}
    r, verdict = _gated(result, loaded, fail_on="high")
    assert not verdict[0].passed and verdict[0].detail.startswith("3 new findings")
    xml = _junit(r, tmp_path)
    assert xml.failures == len(gated_findings(r)) == 3
    failed = [c for s in xml for c in s if c.result and c.result[0]._tag == "failure"]
    assert sorted(c.result[0].message for c in failed) == sorted(f["message"] for f in dropped)
    # the others are passing testcases with their findings and why they do not count in system-out
    outs = [c.system_out for s in xml for c in s if c.is_passed and c.system_out]
    assert outs and any("(in the baseline)" in o for o in outs)
    # nothing new: a green gate and no failure at all (was 23 failures on a green pipeline)
    loaded["findings"] = baseline_mod.make_baseline(result)["findings"]
    r, verdict = _gated(result, loaded, fail_on="low")
    assert verdict[0].passed and _junit(r, tmp_path).failures == 0
    # --fail-on alone: failures are the findings at or above it
    r, _ = _gated(result, fail_on="critical")
    n = len([f for f in counted_findings(r) if f["severity"] == "critical"])
    assert _junit(r, tmp_path).failures == n > 0


def test_skipped_checks_baseline_findings_are_not_checked_not_fixed(run):
    result = run["result"]
    base = baseline_mod.make_baseline(result)
    loaded = {"file": "b.json", "kind": "idea-audit-baseline", "findings": base["findings"]}
    r = copy.deepcopy(result)
    # a run with --skip sec-https: its findings are gone from this run
    r["findings"] = [f for f in r["findings"] if f["check_id"] != "sec-https"]
    r["checks"].pop("sec-https", None)
    r["run"].setdefault("settings", {})["skip_checks"] = ["sec-https"]
    baseline_mod.apply(r, loaded)
    b = r["baseline"]
    n_https = len([f for f in base["findings"] if f["check_id"] == "sec-https"])
    assert n_https > 0 and b["fixed"] == 0 and b["new"] == 0
    assert b["not_checked"] == n_https
    assert {f["reason"] for f in b["not_checked_findings"]} == {"check not run in this run (--checks/--skip)"}
    # truly fixed: the check ran, the finding is gone
    r = copy.deepcopy(result)
    gone = next(f for f in r["findings"] if f["check_id"].startswith("axe-") and f["status"] == "fail")
    r["findings"].remove(gone)
    baseline_mod.apply(r, loaded)
    assert (r["baseline"]["fixed"], r["baseline"]["not_checked"]) == (1, 0)
    assert r["baseline"]["fixed_findings"][0]["fingerprint"] == gone["fingerprint"]
    # ignored by a config rule since the baseline was written: still there, not fixed
    r = copy.deepcopy(result)
    hidden = [f for f in r["findings"] if f["check_id"] == "axe-image-alt"]
    r["findings"] = [f for f in r["findings"] if f["check_id"] != "axe-image-alt"]
    r["ignored"] = [{**f, "ignored_reason": REASON, "ignored_by": "check axe-image-alt"} for f in hidden]
    baseline_mod.apply(r, loaded)
    assert hidden and (r["baseline"]["fixed"], r["baseline"]["new"]) == (0, 0)


def test_fingerprint_survives_attribute_churn_and_link_hosts():
    page = "http://localhost:3000/about/"
    a = fingerprint("axe-image-alt", page, 'img[src$="logo.png"]', '<img src="/logo.png" width="10">')
    churned = fingerprint("axe-image-alt", "https://staging.agency.gov/about/", "img.hero.lazy",
                          '<img  class="hero lazy" loading="lazy"\n decoding="async" src="/logo.png" width="12">')
    assert a == churned
    # links: host changes inside the snippet do not matter, the path does
    link = '<a href="http://localhost:3000/privacy/">Privacy</a>'
    moved = '<a class="usa-link" href="https://www.agency.gov/privacy/">Privacy</a>'
    assert fingerprint("links-privacy", page, "a", link) == fingerprint("links-privacy", page, "a", moved)
    assert fingerprint("links-privacy", page, "a", link) != fingerprint(
        "links-privacy", page, "a", '<a href="http://localhost:3000/foia/">Privacy</a>')
    # another element or another text is another finding
    assert a != fingerprint("axe-image-alt", page, "", '<img src="/other.png">')
    assert element_identity('<button class="x">Go</button>') != element_identity("<button>Stop</button>")
    assert element_identity('<img src="/a.png" alt') == ""  # a snippet cut inside its tag keeps what came before


def test_legacy_fingerprint_baseline_still_matches(run):
    result = run["result"]
    old = [{"fingerprint": legacy_fingerprint(f["check_id"], f["page_url"], f["selector"], f["snippet"]),
            **{k: f[k] for k in ("check_id", "severity", "status", "page_url", "selector", "message")}}
           for f in result["findings"] if f["status"] in ("fail", "warn")]
    assert all("snippet" not in f for f in old)  # version-1 baseline files kept no snippet
    r = copy.deepcopy(result)
    baseline_mod.apply(r, {"file": "old.json", "kind": "idea-audit-baseline", "findings": old})
    assert (r["baseline"]["new"], r["baseline"]["existing"], r["baseline"]["fixed"]) == (0, len(old), 0)


def test_missing_baseline_file_is_a_first_run(run, tmp_path):
    missing = tmp_path / "nope" / "baseline.json"
    proc = _report(run, tmp_path / "o", "--baseline", str(missing), "--fail-on", "critical")
    assert proc.returncode == 1, proc.stderr  # the gate, not exit 2
    r = load_json(tmp_path / "o" / "idea-audit.json")
    n = len([f for f in r["findings"] if f["status"] in ("fail", "warn")])
    assert r["baseline"]["missing"] is True and (r["baseline"]["new"], r["baseline"]["existing"]) == (n, 0)
    assert f"no baseline file at {missing} yet: first run" in proc.stdout
    assert "idea-audit baseline" in r["baseline"]["note"] and str(missing) in r["baseline"]["note"]
    assert "first run" in (tmp_path / "o" / "idea-audit.md").read_text()
    # a file that exists but is not JSON is still a usage error
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    proc = _report(run, tmp_path / "o2", "--baseline", str(bad))
    assert proc.returncode == 2 and "is not JSON" in proc.stderr and "Traceback" not in proc.stderr


def _config(tmp_path, run, extra=""):
    repo = tmp_path / "repo"
    (repo / "ci").mkdir(parents=True)
    cfg = repo / "ci" / "idea-audit.toml"
    cfg.write_text(f'urls = ["{run["url"]}"]\nout = "../reports"\n{extra}'
                   '[[ignore]]\ncheck = "axe-image-alt"\nreason = ' + json.dumps(REASON) + "\n")
    return repo, cfg


def test_config_paths_resolve_against_the_config_file(run, tmp_path):
    repo, cfg = _config(tmp_path, run, '[baseline]\nfile = "../base.json"\n')
    run_cli("baseline", run["id"], "--db", str(run["db"]), "-o", str(repo / "base.json"), check_exit=0)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    proc = run_cli("report", run["id"], "--db", str(run["db"]), "--config", str(cfg), "--format", "json",
                   cwd=elsewhere)
    assert proc.returncode == 0, proc.stderr
    r = load_json(repo / "reports" / "idea-audit.json")  # out = "../reports" from ci/
    assert not (elsewhere / "reports").exists()
    assert r["baseline"]["file"] == str(repo / "base.json") and r["baseline"]["new"] == 0


def test_ignore_reasons_in_every_format(run, tmp_path):
    _, cfg = _config(tmp_path, run)
    out = tmp_path / "o"
    proc = _report(run, out, "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr
    r = load_json(out / "idea-audit.json")
    n = len(r["ignored"])
    assert n >= 2 and {f["ignored_reason"] for f in r["ignored"]} == {REASON}
    escaped = "Decorative GIFs, replaced in TICKET-42 &lt;b&gt;&amp;&lt;/b&gt;"
    assert escaped in (out / "idea-audit.html").read_text() and "<b>&</b>" not in (out / "idea-audit.html").read_text()
    md = (out / "idea-audit.md").read_text()
    assert "TICKET-42" in md and "`axe-image-alt`" in md
    doc = json.loads((out / "idea-audit.sarif").read_text())
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(doc)
    sup = [x for x in doc["runs"][0]["results"] if x.get("suppressions")]
    assert len(sup) == n and all(x["ruleId"] == "axe-image-alt" for x in sup)
    assert {x["suppressions"][0]["justification"] for x in sup} == {REASON}
    xml = JUnitXml.fromfile(str(out / "idea-audit-junit.xml"))
    skipped = [c for s in xml for c in s if c.is_skipped and c.classname.endswith("axe-image-alt")]
    assert skipped and all(REASON in c.result[0].message for c in skipped)
    assert not [c for s in xml for c in s if c.classname.endswith("axe-image-alt") and c.result
                and c.result[0]._tag == "failure"]


def test_sarif_places_every_result_in_the_repository(run, tmp_path):
    url = run["url"]
    proc = _report(run, tmp_path / "o", "--sarif-source-map", f"{url}=site/pages/",
                   "--sarif-source-map", f"{url}news/=site/news/")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "o" / "idea-audit.sarif").read_text())
    jsonschema.Draft7Validator(SARIF_SCHEMA).validate(doc)
    results = doc["runs"][0]["results"]
    uris = [x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for x in results]
    assert not [u for u in uris if re.match(r"(?i)https?:", u) or not u]
    by_page = {x["properties"]["pageUrl"]: x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
               for x in results}
    assert by_page[url] == "site/pages/index.html"
    assert by_page[url + "contact.html"] == "site/pages/contact.html"
    assert by_page[url + "news/"] == "site/news/index.html"  # the longest prefix wins
    # a bad map entry is a one-line usage error
    bad = _report(run, tmp_path / "b", "--sarif-source-map", "nothing-here")
    assert bad.returncode == 2 and "--sarif-source-map" in bad.stderr and "Traceback" not in bad.stderr
    bad = _report(run, tmp_path / "b", "--sarif-source-map", f"{url}=../outside")
    assert bad.returncode == 2 and "REPO_PATH" in bad.stderr


def test_sarif_unit_source_path():
    pairs = sarif.parse_source_map(["http://a.test/=web/", "/docs/=site/docs/"])
    assert sarif.source_path("http://a.test/x/y.html?q=1", pairs) == "web/x/y.html"
    assert sarif.source_path("https://b.test/docs/", pairs) == "site/docs/index.html"
    assert sarif.source_path("https://b.test/other", pairs) is None
    with pytest.raises(ValueError):
        sarif.parse_source_map(["a.test=web"])


def test_init_writes_a_workflow_installing_as_the_action_does(tmp_path):
    import yaml

    run_cli("init", "--url", "https://www.example.gov/", cwd=tmp_path, check_exit=0)
    wf = yaml.safe_load((tmp_path / ".github" / "workflows" / "idea-audit.yml").read_text())
    steps = wf["jobs"]["audit"]["steps"]
    uses = [s.get("uses", "") for s in steps]
    assert uses[0].startswith("actions/checkout@")
    action_ref = next(u for u in uses if "/.github/actions/idea-audit@" in u)
    assert action_ref.split("@")[0].endswith(".github/actions/idea-audit")
    assert not any("pip install" in (s.get("run") or "") for s in steps)  # no second way to install
    assert wf["permissions"]["security-events"] == "write"
    action = yaml.safe_load((ROOT / ".github" / "actions" / "idea-audit" / "action.yml").read_text())
    names = [s.get("name") for s in action["runs"]["steps"]]
    assert "Install idea-auditor and Chromium" in names
    # the config the workflow names is the one init wrote
    assert next(s for s in steps if s.get("uses") == action_ref)["with"]["config"] == "idea-audit.toml"
    assert (tmp_path / "idea-audit.toml").exists()
