"""axe-core's best-practice, experimental and AAA rules run as their own tier: warnings that
count toward no score and no gate unless the run is configured to count them."""

from __future__ import annotations

import json

from conftest import run_cli

from auditor import checking, gates
from auditor.model import PageArtifacts, Severity, Status
from auditor.scan import _outcome_row
from auditor.scoring import SEVERITY_WEIGHT
from checks.accessibility import BEST_PRACTICE_RULES, axe_rule_outcome

AXE = {"violations": [{"id": "tabindex", "impact": "serious", "help": "Elements should not have tabindex greater "
                       "than zero", "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/tabindex",
                       "nodes": [{"target": ["#late"], "html": "<a id=\"late\" tabindex=\"3\">", "impact": "serious"}]},
                      {"id": "image-alt", "impact": "critical", "help": "Images must have alternative text",
                       "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/image-alt",
                       "nodes": [{"target": ["img"], "html": "<img src=x.png>", "impact": "critical"}]}],
       "incomplete": [], "passes": [], "inapplicable": []}


def test_tier_rules_are_warnings_with_no_weight():
    specs = checking.load_all()
    for rule in BEST_PRACTICE_RULES:
        spec = specs[f"axe-{rule}"]
        assert spec.tier == "best-practice" and spec.family == "best-practice" and spec.weight == 0
    assert specs["axe-image-alt"].tier == "wcag" and specs["axe-image-alt"].weight > 0
    page = PageArtifacts(url="http://127.0.0.1:9/", axe=AXE)
    bp = axe_rule_outcome("tabindex", page)
    assert bp.status is Status.WARN and [f.status for f in bp.findings] == [Status.WARN]
    assert axe_rule_outcome("image-alt", page).status is Status.FAIL


def test_tier_counts_only_when_configured():
    spec = checking.load_all()["axe-tabindex"]
    out = axe_rule_outcome("tabindex", PageArtifacts(url="http://127.0.0.1:9/", axe=AXE))
    assert _outcome_row(spec, out)[3] == 0.0
    assert _outcome_row(spec, out, count_best_practice=True)[3] == SEVERITY_WEIGHT[Severity.HIGH]
    finding = out.findings[0].to_dict()
    result = {"findings": [finding], "checks": {"axe-tabindex": spec.to_dict()}, "run": {"settings": {}}}
    assert gates.counted_findings(result) == []
    result["run"]["settings"]["count_best_practice"] = True
    assert gates.counted_findings(result) == [finding]


def test_catalog_shows_the_tier():
    proc = run_cli("checks", "--format", "json", check_exit=0)
    catalog = json.loads(proc.stdout)
    by_id = {c["id"]: c for c in (catalog["checks"] if isinstance(catalog, dict) else catalog)}
    assert by_id["axe-label-content-name-mismatch"]["tier"] == "best-practice"
    assert by_id["axe-label-content-name-mismatch"]["wcag"] == ["2.5.3"]
    assert by_id["kbd-reachable"]["tier"] == "wcag"


def test_link_name_alone_is_the_aaa_form_of_link_purpose():
    from checks.content import content_link_name_alone, content_link_purpose

    def link(name, href, heading):
        return {"name": name, "href": href, "target": "", "warned": False, "selector": f"a[href='{href}']",
                "snippet": f"<a href='{href}'>{name}</a>", "context": {"heading": heading}}

    told_apart = PageArtifacts(url="http://127.0.0.1:9/", probes={"content_structure": {"links": [
        link("Read more", "http://127.0.0.1:9/grants", "Grants"), link("Read more", "http://127.0.0.1:9/loans", "Loans")]}})
    assert content_link_purpose.fn(told_apart).status is Status.PASS  # 2.4.4: the headings tell them apart
    out = content_link_name_alone.fn(told_apart)
    assert out.status is Status.WARN and out.findings[0].wcag == ["2.4.9"]  # 2.4.9: the names alone do not
    assert content_link_name_alone.tier == "best-practice" and content_link_name_alone.weight == 0
    one_place = PageArtifacts(url="http://127.0.0.1:9/", probes={"content_structure": {"links": [
        link("All news", "http://127.0.0.1:9/news/", "Grants"),
        link("All news", "http://127.0.0.1:9/news/index.html", "Loans")]}})
    assert content_link_name_alone.fn(one_place).status is Status.PASS
