"""Unit tests of the checks framework, the axe mapping and scoring (no browser)."""

from __future__ import annotations

import json

from auditor import checking, scoring
from auditor.model import Finding, Outcome, PageArtifacts, Severity, Status, fingerprint
from auditor.requirements import BY_ID, REQUIREMENTS
from checks.accessibility import axe_rule_outcome, wcag_criteria


def _axe_page(**axe) -> PageArtifacts:
    base = {"violations": [], "incomplete": [], "passes": [], "inapplicable": []}
    base.update(axe)
    return PageArtifacts(url="https://a.gov/x", final_url="https://a.gov/x", axe=base)


def test_catalog_has_the_eight_idea_requirements_and_m2322_items():
    ids = [r.id for r in REQUIREMENTS]
    assert [i for i in ids if i.startswith("idea-3a")] == [f"idea-3a{n}" for n in range(1, 9)]
    assert {"m2322-plain-language", "m2322-dap", "m2322-uswds", "m2322-required-links"} <= set(ids)
    assert all(r.citation and r.text for r in REQUIREMENTS)


def test_every_check_is_well_formed():
    specs = checking.load_all()
    assert len([s for s in specs.values() if s.family == "accessibility"]) > 50
    for s in specs.values():
        assert s.id == s.id.lower() and " " not in s.id
        assert s.title and s.failure_title and s.description and s.help_url.startswith("http")
        assert s.requirements and all(r in BY_ID for r in s.requirements)


def test_wcag_tags_to_criteria():
    assert wcag_criteria(["wcag2a", "wcag111", "wcag1410", "wcag2411", "cat.color"]) == ["1.1.1", "1.4.10", "2.4.11"]


def test_axe_violation_fails_with_one_finding_per_node():
    node = {"target": ["img.logo"], "html": '<img class="logo" src="x">', "impact": "critical",
            "failureSummary": "Fix any of the following: Element does not have an alt attribute"}
    page = _axe_page(violations=[{"id": "image-alt", "help": "Images must have alternative text",
                                  "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/image-alt", "nodes": [node]}])
    out = axe_rule_outcome("image-alt", page)
    assert out.status is Status.FAIL and out.score == 0.0
    (f,) = out.findings
    assert (f.check_id, f.selector, f.severity, f.wcag, f.requirements) == (
        "axe-image-alt", "img.logo", Severity.CRITICAL, ["1.1.1"], ["idea-3a1"])
    assert "alt attribute" in f.fix_hint


def test_axe_incomplete_is_kept_apart_as_manual():
    node = {"target": [["iframe#f", "p.x"]], "html": "<p class=x>", "impact": "serious", "failureSummary": ""}
    page = _axe_page(incomplete=[{"id": "color-contrast", "help": "Contrast", "nodes": [node]}],
                     passes=[{"id": "color-contrast"}])
    out = axe_rule_outcome("color-contrast", page)
    assert out.status is Status.MANUAL and out.score is None
    assert out.findings[0].status is Status.MANUAL and out.findings[0].selector == "iframe#f >>> p.x"


def test_axe_pass_not_applicable_and_error():
    assert axe_rule_outcome("image-alt", _axe_page(passes=[{"id": "image-alt"}])).status is Status.PASS
    assert axe_rule_outcome("image-alt", _axe_page(inapplicable=[{"id": "image-alt"}])).status is Status.NOT_APPLICABLE
    assert axe_rule_outcome("image-alt", _axe_page(error="boom")).status is Status.ERROR


def test_a_broken_check_gives_error_not_a_crash():
    spec = checking.CheckSpec(id="test-broken", family="test", title="t", failure_title="f", description="d",
                              help_url="https://x", requirements=("idea-3a1",), wcag=(), severity=Severity.LOW,
                              scope="page", artifacts=(), fn=lambda page: 1 / 0)
    ((_, out),) = list(checking.run_page_checks([spec], PageArtifacts(url="u")))
    assert out.status is Status.ERROR and "ZeroDivisionError" in out.detail
    missing = checking.CheckSpec(**{**spec.__dict__, "id": "test-missing", "artifacts": ("axe",),
                                    "fn": lambda page: Outcome(Status.PASS)})
    ((_, out2),) = list(checking.run_page_checks([missing], PageArtifacts(url="u")))
    assert out2.status is Status.ERROR and "axe" in out2.detail


def test_select_by_family_id_and_prefix():
    assert {s.family for s in checking.select(["accessibility"])} == {"accessibility"}
    assert [s.id for s in checking.select(["axe-image-alt"])] == ["axe-image-alt"]
    assert all(s.id.startswith("axe-aria") for s in checking.select(["axe-aria*"]))
    try:
        checking.select(["no-such-check"])
    except ValueError as exc:
        assert "no-such-check" in str(exc)
    else:
        raise AssertionError("unknown check accepted")


def test_scoring_counts_shares_and_not_scored():
    from collections import Counter

    infos = {"c-a": scoring.CheckInfo("c-a", "idea-3a5", severity=Severity.MEDIUM),
             "c-b": scoring.CheckInfo("c-b", "idea-3a6", ("idea-3a4",), severity=Severity.MEDIUM)}
    facts = scoring.RunFacts(pages=2, assessed={"c-a": 2, "c-b": 2},
                             counts={"c-a": Counter({"pass": 1, "fail": 1}),
                                     "c-b": Counter({"pass": 2, "manual": 1, "not-applicable": 1})},
                             problems=[scoring.Problem("c-a", "https://a.gov/1", "fail", Severity.MEDIUM)])
    s = scoring.compute(facts, infos)
    assert s.requirements["idea-3a5"].score == 50  # its one item holds on 1 page of 2
    assert s.requirements["idea-3a6"].score == 100
    assert s.requirements["idea-3a4"].score is None  # nothing automated counts there: manual, not zero
    assert s.requirements["idea-3a4"].related == ["c-b"]
    assert s.requirements["idea-3a6"].counts["manual"] == 1
    w5, w6 = (BY_ID[r].weight for r in ("idea-3a5", "idea-3a6"))
    assert s.overall == scoring.whole((50 * w5 + 100 * w6) / (w5 + w6))
    (cost,) = s.requirements["idea-3a5"].costs
    assert (cost["check_id"], cost["pages"], cost["points"]) == ("c-a", 1, 50.0)
    assert scoring.band(95) == ("A", "Good") and scoring.band(None)[0] == "-"
    json.dumps(s.to_dict())


def test_fingerprint_ignores_host_port_and_whitespace():
    a = fingerprint("axe-image-alt", "https://staging.a.gov:8443/p?q=1", "img", "<img\n   src=x>")
    b = fingerprint("axe-image-alt", "https://www.a.gov/p?q=1", "img", "<img src=x>")
    assert a == b
    assert a != fingerprint("axe-image-alt", "https://www.a.gov/other", "img", "<img src=x>")


def test_finding_roundtrip():
    f = Finding("axe-x", Status.FAIL, Severity.HIGH, ["idea-3a1"], ["1.1.1"], "https://a.gov/", "m", "https://h")
    assert Finding.from_dict(json.loads(json.dumps(f.to_dict()))) == f
