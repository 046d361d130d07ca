"""Accessibility family: every axe-core WCAG 2.0/2.1/2.2 A and AA rule as a check.

The rule list (id, help, help URL, tags, impact) comes from the axe-core build that
axe-playwright-python ships, saved to ``data/axe_rules.json`` so the catalog is known
without a browser. Violations fail a page; "incomplete" results (axe cannot decide) are
kept apart as MANUAL findings for a person to review, never mixed with failures.
"""

from __future__ import annotations

import json
import re
from functools import partial
from importlib import resources
from typing import Any

from auditor.checking import CheckSpec, register
from auditor.model import AXE_IMPACT_SEVERITY, Outcome, PageArtifacts, Severity, Status
from auditor.scoring import SEVERITY_WEIGHT

#: The axe tags that make up "WCAG 2.x A and AA" (pa11y's WCAG2AA standard, extended to 2.2).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")

_CATALOG = json.loads(resources.files("checks").joinpath("data/axe_rules.json").read_text("utf-8"))
AXE_VERSION: str = _CATALOG["axe_version"]
_WCAG_SC = re.compile(r"^wcag(\d)(\d)(\d+)$")


def wcag_criteria(tags: list[str]) -> list[str]:
    """axe tags -> WCAG success criteria: ``wcag1410`` -> ``1.4.10``."""
    out = []
    for t in tags:
        m = _WCAG_SC.match(t)
        if m:
            out.append(".".join(m.groups()))
    return out


def _target(node: dict[str, Any]) -> str:
    # iframe and shadow-DOM targets are nested lists; show the path through them
    parts = []
    for t in node.get("target") or []:
        parts.append(" >>> ".join(t) if isinstance(t, list) else str(t))
    return " | ".join(parts)


_SPECS: dict[str, CheckSpec] = {}

#: axe-core rules outside WCAG 2.x A/AA that catch real barriers: experimental WCAG rules,
#: AAA rules and best-practice rules. They run as the "best-practice" tier: their findings
#: are warnings that count in no score or gate unless configured (``count_best_practice``).
#: Left out: rules that flag page structure rather than barriers (region, landmark-*,
#: page-has-heading-one), ones already measured here (heading-order: content-heading-levels)
#: and ones that only say a frame was not tested.
BEST_PRACTICE_RULES = (
    "label-content-name-mismatch", "css-orientation-lock", "p-as-heading", "table-fake-caption", "td-has-header",
    "color-contrast-enhanced", "identical-links-same-purpose", "meta-refresh-no-exceptions",
    "empty-heading", "empty-table-header", "tabindex", "label-title-only", "aria-dialog-name",
    "aria-treeitem-name", "presentation-role-conflict", "scope-attr-valid", "skip-link",
)


def axe_rule_outcome(rule_id: str, page: PageArtifacts) -> Outcome:
    """The outcome of one axe rule on one page, from the saved axe results."""
    spec = _SPECS[rule_id]
    axe = page.axe
    if axe.get("error"):
        return Outcome(Status.ERROR, detail=f"axe-core did not run: {axe['error']}")
    rule_error = (axe.get("rule_errors") or {}).get(rule_id)
    if rule_error:
        return Outcome(Status.ERROR, detail=f"axe-core rule {rule_id} did not run: {rule_error}")
    findings = []
    cleared: list[str] = []

    def collect(kind: str, status: Status) -> bool:
        hit = False
        for rule in axe.get(kind, []):
            if rule.get("id") != rule_id:
                continue
            for node in rule.get("nodes", []):
                if node.get("ia_not_barrier"):  # measured on the element: no barrier (gather._verify_axe)
                    cleared.append(node["ia_not_barrier"])
                    continue
                impact = node.get("impact") or rule.get("impact")
                sev = AXE_IMPACT_SEVERITY.get(impact or "", spec.severity)
                summary = (node.get("failureSummary") or "").strip()
                message = rule.get("help") or spec.title  # passes are stored without their help text
                node_status = status
                if status is Status.MANUAL and node.get("ia_barrier"):
                    # axe-core could not tell; measured on the element, it is a barrier
                    node_status = Status.WARN if advisory else Status.FAIL
                    message = f"{message}. {node['ia_barrier']}"
                    summary = ""
                    measured.append(node_status)
                elif status is Status.MANUAL:
                    message = f"Needs review: {message}"
                    hit = True
                else:
                    hit = True
                findings.append(spec.finding(
                    page.final_url or page.url, message, selector=_target(node),
                    snippet=node.get("html", ""), status=node_status, severity=sev,
                    fix_hint=summary or spec.description, help_url=rule.get("helpUrl", "")))
        return hit

    advisory = spec.tier == "best-practice"
    measured: list[Status] = []  # incomplete nodes measured to be barriers
    failed = collect("violations", Status.WARN if advisory else Status.FAIL)
    review = collect("incomplete", Status.MANUAL)
    if failed or measured:
        return Outcome(Status.WARN if advisory else Status.FAIL, findings=findings)
    if review:
        return Outcome(Status.MANUAL, findings=findings, detail="axe-core could not decide; review")
    if cleared:
        return Outcome(Status.PASS, detail=f"axe-core flagged {len(cleared)} element(s); measured on each, none is "
                                           f"a barrier ({cleared[0]})")
    if any(r.get("id") == rule_id for r in axe.get("passes", [])):
        return Outcome(Status.PASS)
    return Outcome(Status.NOT_APPLICABLE, detail="no matching elements on the page")


def _register() -> None:
    for rule in _CATALOG["rules"]:
        tags = rule["tags"]
        wcag = bool(set(WCAG_TAGS) & set(tags)) and "experimental" not in tags
        if not wcag and rule["id"] not in BEST_PRACTICE_RULES:
            continue
        severity = AXE_IMPACT_SEVERITY.get(rule.get("impact") or "", Severity.MEDIUM)
        rid = rule["id"]
        help_url = rule["helpUrl"].split("?")[0]
        _SPECS[rid] = register(CheckSpec(
            id=f"axe-{rid}", family="accessibility" if wcag else "best-practice", title=rule["help"],
            failure_title=f"Fails: {rule['help']}" if wcag else f"Best practice: {rule['help']}",
            description=f"{rule['description']}. See {help_url}",
            help_url=help_url, requirements=["idea-3a1"], wcag=wcag_criteria(tags),
            severity=severity, scope="page", artifacts=("axe",),
            weight=SEVERITY_WEIGHT[severity] if wcag else 0.0, tier="wcag" if wcag else "best-practice",
            fn=partial(axe_rule_outcome, rid),
        ))


_register()
