"""Section 508 reporting (issue 23): the check -> Baseline / Trusted Tester mapping, the WCAG 2.2
A/AA coverage matrix, the draft OpenACR's conformance rules, and the fields every reporter
carries. Unit tests build the matrix from synthetic run outcomes (no browser); two end-to-end
scans in real Chromium cover the bundled legacy fixture site and a site linking PDFs."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import ROOT, load_json, run_cli

from auditor import checking, section508
from auditor.section508 import RunFacts

DATA = Path(__file__).resolve().parent / "data"
# GSA's OpenACR 0.1.0 JSON Schema, copied with its licence (tests/data/openacr/LICENSE.md)
OPENACR_SCHEMA = json.loads((DATA / "openacr" / "openacr-0.1.0.json").read_text())
RESULT_SCHEMA = json.loads((ROOT / "auditor" / "schemas" / "result.schema.json").read_text())
CATALOG = yaml.safe_load((ROOT / "auditor" / "data" / "section508" / "openacr" /
                          f"{section508.CATALOG_ID}.yaml").read_text())
#: WCAG 2.2's A and AA criteria, read from the catalog itself, not through the module.
CATALOG_A_AA = [str(c["id"]) for ch in CATALOG["chapters"]
                if ch["id"] in ("success_criteria_level_a", "success_criteria_level_aa") for c in ch["criteria"]]
WCAG22_NEW_A_AA = {"2.4.11", "2.5.7", "2.5.8", "3.2.6", "3.3.7", "3.3.8"}
BELOW = section508.reference().partially_supports_below


def _result(pages: int, outcomes: dict[str, dict[str, int]], findings: list | None = None) -> dict:
    return {"summary": {"pages_audited": pages}, "checks": {c: {"outcomes": o} for c, o in outcomes.items()},
            "findings": findings or [],
            "run": {"id": "r1", "seeds": ["https://example.gov/"], "finished": "2026-12-03T10:00:00Z",
                    "tool_version": "0.1.0", "limits_hit": []}}


def _pages(n: int) -> set[str]:
    return {f"https://example.gov/p{i}" for i in range(n)}


def _row(cov: dict, sc: str) -> dict:
    return next(c for c in cov["criteria"] if c["id"] == sc)


def _levels(acr: dict) -> dict[tuple[str, str], dict]:
    """(criterion, component) -> adherence, from an OpenACR document."""
    return {(str(c["num"]), comp["name"]): comp["adherence"]
            for ch in acr["chapters"].values() for c in ch.get("criteria") or () for comp in c["components"]}


def _acr(result: dict, facts: RunFacts) -> dict:
    result["section508"] = section508.coverage(result, facts)
    doc = section508.openacr(result)
    jsonschema.validate(doc, OPENACR_SCHEMA)
    return doc


# --- the mapping ---------------------------------------------------------------------------------

def test_every_registered_check_is_mapped_to_existing_tests():
    ref = section508.reference()
    specs = checking.load_all()
    assert set(specs) - set(ref.entries) == set(), "checks missing from mapping.yaml"
    assert set(ref.entries) - set(specs) == set(), "mapping.yaml names checks that do not exist"
    for cid in specs:
        m = section508.mapping_of(cid)
        assert m.level in section508.LEVELS and m.component in section508.COMPONENTS, cid
        assert set(m.baseline) <= set(ref.baseline), cid
        assert set(m.trusted_tester) <= set(ref.trusted_tester), cid
        assert set(m.baseline.values()) | set(m.trusted_tester.values()) <= set(section508.LEVELS), cid
        if m.level != "none" and m.component == "web":  # best-practice rules bear on Baseline tests only
            assert m.wcag or m.baseline, f"{cid} is {m.level} but bears on no criterion and no Baseline test"
        rule = section508.axe_rule_of(cid)
        if rule:  # the bundle's own Trusted Tester tags are never dropped
            assert set(section508._axe_tt_tags()[rule]) <= set(m.trusted_tester), cid
    assert section508.mapping_of("axe-image-alt").baseline.keys() >= {"6.A-MeaningfulImage"}
    assert "TT7.a" in section508.mapping_of("axe-image-alt").trusted_tester


def test_matrix_lists_every_wcag22_a_aa_criterion():
    assert WCAG22_NEW_A_AA <= set(CATALOG_A_AA) and len(CATALOG_A_AA) >= 55
    cov = section508.coverage(_result(3, {}), RunFacts({}))
    assert [c["id"] for c in cov["criteria"]] == CATALOG_A_AA
    for c in cov["criteria"]:
        assert c["automation"] in section508.LEVELS and c["outcome"] in ("fail", "no-failure", "not-tested")
        assert set(c["baseline_to_run"]) <= set(c["baseline"])
    # no check ran: every criterion but the one the Baseline passes by rule needs a person
    assert {c["id"] for c in cov["criteria"] if c["outcome"] != "not-tested"} == {"4.1.1"}
    groups = cov["baseline_groups"]
    assert [g["number"] for g in groups] == sorted(section508.reference().groups)
    assert sum(len(g["tests"]) for g in groups) == cov["baseline_shares"]["total"] == 62


def test_baseline_shares_add_up():
    s = section508.shares()
    assert s["full"] + s["partial"] + s["none"] == s["total"] == len(section508.reference().baseline)
    assert "24.A-Parsing" in s["tests"]["full"]  # decided by the Baseline's own rule
    assert "6.A-MeaningfulImage" in s["tests"]["partial"]


def test_checks_json_shows_the_mappings():
    data = json.loads(run_cli("checks", "--format", "json", check_exit=0).stdout)
    by_id = {c["id"]: c for c in data["checks"]}
    assert set(by_id) == set(checking.load_all())
    img = by_id["axe-image-alt"]["section508"]
    assert img["level"] == "partial" and "1.1.1" in img["wcag"]
    assert {"id": "6.A-MeaningfulImage", "level": "partial"} in img["baseline"]
    assert "TT7.a" in {t["id"] for t in img["trusted_tester"]}
    assert by_id["pdf-title"]["section508"]["component"] == "electronic-docs"
    assert all(c["section508"]["level"] in section508.LEVELS for c in data["checks"])
    s508 = data["section508"]
    assert [c["id"] for c in s508["criteria"]] == CATALOG_A_AA
    assert len(s508["baseline_tests"]) == s508["baseline_shares"]["total"]


def test_findings_carry_only_their_own_criteria_tests():
    fs = [{"check_id": "axe-image-alt", "wcag": ["1.1.1"]}, {"check_id": "sec-hsts", "wcag": []}]
    section508.annotate_findings(fs)
    assert "6.A-MeaningfulImage" in fs[0]["baseline"] and "TT7.a" in fs[0]["trusted_tester"]
    assert fs[1]["baseline"] == [] and fs[1]["trusted_tester"] == []


# --- the OpenACR's conformance rules -------------------------------------------------------------

def test_partially_supports_below_the_share_does_not_support_at_it():
    assert BELOW == 0.5
    for failing, level in ((1, "partially-supports"), (3, "partially-supports"), (4, "does-not-support"),
                           (8, "does-not-support")):
        pages = _pages(8)
        bad = set(sorted(pages)[:failing])
        res = _result(8, {"axe-image-alt": {"fail": failing, "pass": 8 - failing}})
        got = _levels(_acr(res, RunFacts({"axe-image-alt": {"fail": bad}})))[("1.1.1", "web")]
        assert got["level"] == level, failing
        assert f"failures on {failing} of 8 pages" in got["notes"] and "axe-image-alt" in got["notes"]


def _all_full(monkeypatch, checks: dict[str, str], tests: dict[str, str]) -> None:
    """Mark checks full/partial (and their Baseline tests) for one test, as mapping.yaml could."""
    real = section508._all_mappings()
    patched = {cid: (dataclasses.replace(m, level=checks[cid], baseline=tests) if cid in checks else m)
               for cid, m in real.items()}
    monkeypatch.setattr(section508, "_all_mappings", lambda: patched)


TITLE_CHECKS = ("axe-document-title", "content-title-unique")


def test_supports_only_where_every_mapped_check_is_full_and_passed_everywhere(monkeypatch):
    _all_full(monkeypatch, dict.fromkeys(TITLE_CHECKS, "full"), {"11.A-PageTitled": "full"})
    passed = {"axe-document-title": {"pass": 4}, "content-title-unique": {"pass": 1}}  # the second is site-wide
    got = _levels(_acr(_result(4, passed), RunFacts({})))[("2.4.2", "web")]
    assert got["level"] == "supports" and "passed on every one of the 4 pages" in got["notes"]
    # a page where a mapped check did not pass (here: nothing to test) is not "passed on every page"
    one_short = {**passed, "axe-document-title": {"pass": 3, "not-applicable": 1}}
    assert _levels(_acr(_result(4, one_short), RunFacts({})))[("2.4.2", "web")]["level"] == "not-evaluated"
    # a warning is not a pass either
    warned = {**passed, "axe-document-title": {"pass": 3, "warn": 1}}
    assert _levels(_acr(_result(4, warned), RunFacts({})))[("2.4.2", "web")]["level"] == "not-evaluated"
    # one mapped check only partial: nothing decides the criterion, however clean the run
    _all_full(monkeypatch, {"axe-document-title": "full", "content-title-unique": "partial"},
              {"11.A-PageTitled": "full"})
    assert _levels(_acr(_result(4, passed), RunFacts({})))[("2.4.2", "web")]["level"] == "not-evaluated"


def test_never_supports_beside_a_failure(monkeypatch):
    _all_full(monkeypatch, dict.fromkeys(TITLE_CHECKS, "full"), {"11.A-PageTitled": "full"})
    outcomes = {"axe-document-title": {"pass": 9, "fail": 1}, "content-title-unique": {"pass": 1}}
    got = _levels(_acr(_result(10, outcomes), RunFacts({"axe-document-title": {"fail": _pages(1)}})))
    assert got[("2.4.2", "web")]["level"] == "partially-supports"
    # with the real mapping and every check failing somewhere, nothing is "supports" but 4.1.1 (by rule)
    monkeypatch.undo()
    specs = checking.load_all()
    res = _result(2, {cid: {"fail": 1, "pass": 1} for cid in specs})
    acr = _acr(res, RunFacts({cid: {"fail": {"https://example.gov/p0"}} for cid in specs}))
    supports = {k for k, a in _levels(acr).items() if a["level"] == "supports"}
    assert supports == {("4.1.1", "web")}
    failing = {c["id"] for c in res["section508"]["criteria"] if c["outcome"] == "fail"}
    assert failing and all(_levels(acr)[(sc, "web")]["level"] in ("partially-supports", "does-not-support")
                           for sc in failing)


def test_not_evaluated_names_the_baseline_tests_to_run():
    res = _result(3, {"axe-image-alt": {"pass": 3}})
    got = _levels(_acr(res, RunFacts({})))
    notes = got[("1.1.1", "web")]["notes"]
    assert got[("1.1.1", "web")]["level"] == "not-evaluated"
    assert "No failure found by automated checks (axe-image-alt)" in notes and "6.A-MeaningfulImage" in notes
    assert got[("1.4.1", "web")]["notes"].startswith("No automated check decides this criterion; a person must")
    assert "7.A-Color" in got[("1.4.1", "web")]["notes"]
    assert "Baseline (WCAG 2.0) has no test" in got[("2.5.8", "web")]["notes"]  # a WCAG 2.2 criterion


def test_electronic_docs_component_from_the_linked_pdf_checks():
    docs = ["https://example.gov/a.pdf", "https://example.gov/b.pdf", "https://example.gov/c.pdf"]
    finding = {"check_id": "pdf-title", "status": "fail", "page_url": "https://example.gov/p0",
               "snippet": docs[0], "wcag": ["2.4.2"]}
    res = _result(2, {"pdf-title": {"fail": 1}, "pdf-tagged": {"pass": 1}, "axe-document-title": {"pass": 2}},
                  [finding])
    acr = _acr(res, RunFacts({"pdf-title": {"fail": {"https://example.gov/p0"}}}, docs))
    lv = _levels(acr)
    assert lv[("2.4.2", "electronic-docs")]["level"] == "partially-supports"  # 1 of 3 documents
    assert "1 of 3 documents" in lv[("2.4.2", "electronic-docs")]["notes"]
    assert lv[("2.4.2", "web")]["level"] == "not-evaluated"  # the PDF's failure is not the page's
    assert lv[("1.3.1", "electronic-docs")]["level"] == "not-evaluated"
    row = _row(res["section508"], "2.4.2")
    assert row["components"]["electronic-docs"]["checks"] == ["pdf-title"]
    # no linked PDF read: no electronic-docs component at all
    acr = _acr(_result(2, {"pdf-title": {"not-applicable": 1}}), RunFacts({}))
    assert not any(comp == "electronic-docs" for _, comp in _levels(acr))


def test_openacr_render_is_safe_yaml_of_what_pages_supply():
    from auditor.report import openacr as reporter

    res = _result(1, {"axe-image-alt": {"fail": 1}})
    evil = "https://example.gov/a?x=&y=*z !!python/object:os.system: [1]\n- # '\""
    res["run"]["seeds"] = [evil]
    res["section508"] = section508.coverage(res, RunFacts({"axe-image-alt": {"fail": {evil}}}))
    doc = yaml.safe_load(reporter.render(res))
    jsonschema.validate(doc, OPENACR_SCHEMA)
    assert evil in _levels(doc)[("1.1.1", "web")]["notes"]


# --- end to end: the bundled legacy site, every format -------------------------------------------

@pytest.fixture(scope="module")
def legacy(tmp_path_factory):
    from serve import serve_in_thread

    tmp = tmp_path_factory.mktemp("s508")
    server, url = serve_in_thread("legacy")
    try:
        run_cli("scan", url, "--db", str(tmp / "runs.sqlite"), "--out", str(tmp / "out"), "--concurrency", "2",
                "--format", "json,html,sarif,csv,openacr", check_exit=0)
    finally:
        server.shutdown()
        server.server_close()
    return tmp / "out"


@pytest.mark.browser
def test_legacy_site_findings_carry_baseline_and_trusted_tester_everywhere(legacy):
    result = load_json(legacy / "idea-audit.json")
    jsonschema.validate(result, RESULT_SCHEMA)
    img = [f for f in result["findings"] if f["check_id"] == "axe-image-alt"]
    assert img and all("6.A-MeaningfulImage" in f["baseline"] and "TT7.a" in f["trusted_tester"] for f in img)
    assert all(isinstance(f["baseline"], list) and isinstance(f["trusted_tester"], list) for f in result["findings"])
    sarif = load_json(legacy / "idea-audit.sarif")
    props = [r["properties"] for r in sarif["runs"][0]["results"] if r["ruleId"] == "axe-image-alt"]
    assert props and all("6.A-MeaningfulImage" in p["baseline"] and "TT7.a" in p["trustedTester"] for p in props)
    rows = list(csv.DictReader(io.StringIO((legacy / "idea-audit.csv").read_text())))
    assert {"baseline", "trusted_tester"} <= set(rows[0])
    assert any(r["check_id"] == "axe-image-alt" and "6.A-MeaningfulImage" in r["baseline"]
               and "TT7.a" in r["trusted_tester"] for r in rows)
    html = (legacy / "idea-audit.html").read_text()
    assert "<strong>Section 508:</strong> ICT Testing Baseline" in html and "6.A-MeaningfulImage" in html
    assert 'id="s508-h"' in html and "Section 508 by ICT Testing Baseline test group" in html


@pytest.mark.browser
def test_result_schema_documents_the_section508_fields(legacy):
    result = load_json(legacy / "idea-audit.json")
    props = RESULT_SCHEMA["properties"]
    assert {"baseline", "trusted_tester"} <= set(RESULT_SCHEMA["$defs"]["finding"]["required"])
    assert "section508" in props and "baseline_to_run" in RESULT_SCHEMA["$defs"]["s508_component"]["required"]
    for break_it in (lambda r: r["findings"][0].pop("baseline"),
                     lambda r: r["findings"][0].__setitem__("trusted_tester", "TT7.a"),
                     lambda r: r["section508"]["criteria"][0]["components"]["web"].pop("outcome"),
                     lambda r: r["section508"]["criteria"][0].__setitem__("outcome", "supports"),
                     lambda r: r["section508"]["baseline_groups"][0]["tests"][0].pop("person_must_run")):
        broken = json.loads(json.dumps(result))
        break_it(broken)
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(broken, RESULT_SCHEMA)


@pytest.mark.browser
def test_legacy_site_coverage_matrix_and_openacr(legacy):
    result = load_json(legacy / "idea-audit.json")
    cov = result["section508"]
    assert [c["id"] for c in cov["criteria"]] == CATALOG_A_AA and cov["pages_audited"] == 6
    assert _row(cov, "1.1.1")["outcome"] == "fail" and "axe-image-alt" in _row(cov, "1.1.1")["components"]["web"][
        "failed_checks"]
    assert _row(cov, "3.1.1")["outcome"] == "fail"  # html-has-lang on the home page
    acr = yaml.safe_load((legacy / "idea-audit.openacr.yaml").read_text())
    jsonschema.validate(acr, OPENACR_SCHEMA)
    assert acr["catalog"] == section508.CATALOG_ID and set(acr["chapters"]) >= {
        "success_criteria_level_a", "success_criteria_level_aa"}
    lv = _levels(acr)
    assert {sc for sc, _ in lv} == set(CATALOG_A_AA)
    for c in cov["criteria"]:
        level = lv[(c["id"], "web")]["level"]
        if c["outcome"] == "fail":
            assert level in ("partially-supports", "does-not-support"), c["id"]
        if level == "supports":
            web = c["components"]["web"]
            assert web["decided_by_rule"] or (web["all_full"] and web["passed_everywhere"]), c["id"]
    assert lv[("4.1.1", "web")]["level"] == "supports"
    assert "does-not-support" in {a["level"] for a in lv.values()}
    assert "62 tests the tool decides 1 fully" in acr["evaluation_methods_used"]


def _pdf_site(root: Path) -> None:
    sys.path.insert(0, str(ROOT / "fixtures"))
    from barriers import make_pdf

    (root / "docs").mkdir(parents=True)
    make_pdf(root / "docs" / "good.pdf")
    make_pdf(root / "docs" / "bad.pdf", title="", display_title=False, tagged=False)
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Plans</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1"></head><body><main><h1>Plans</h1>'
        '<p><a href="docs/good.pdf">Plan (PDF)</a></p><p><a href="docs/bad.pdf">Budget (PDF)</a></p>'
        "</main></body></html>")


@pytest.mark.browser
def test_linked_pdfs_make_the_electronic_docs_component(tmp_path):
    from serve import serve_in_thread

    _pdf_site(tmp_path / "site")
    server, url = serve_in_thread(tmp_path / "site")
    try:
        run_cli("scan", url, "--db", str(tmp_path / "runs.sqlite"), "--out", str(tmp_path / "out"), "--max-pages",
                "1", "--format", "json,openacr", check_exit=0)
    finally:
        server.shutdown()
        server.server_close()
    cov = load_json(tmp_path / "out" / "idea-audit.json")["section508"]
    assert cov["documents_checked"] == 2
    docs = _row(cov, "2.4.2")["components"]["electronic-docs"]
    assert docs["outcome"] == "fail" and docs["fail_count"] == 1 and docs["judged"] == 2
    acr = yaml.safe_load((tmp_path / "out" / "idea-audit.openacr.yaml").read_text())
    jsonschema.validate(acr, OPENACR_SCHEMA)
    lv = _levels(acr)
    assert lv[("2.4.2", "electronic-docs")]["level"] == "does-not-support"  # 1 of 2 is not a minority
    assert "bad.pdf" in lv[("2.4.2", "electronic-docs")]["notes"]
    assert lv[("2.4.2", "web")]["level"] != "does-not-support"
    assert "2 linked PDFs" in acr["chapters"]["success_criteria_level_a"]["notes"]
