"""SARIF 2.1.0 for code-scanning tools: one rule per check, one result per finding.

Each result's location is the page URL, with the element selector as a logical location;
``partialFingerprints`` carries the baseline fingerprint so tools track a finding across
runs. Severity -> level: critical/high = error, medium = warning, low/info = note;
"needs review" results are ``kind: review``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any

from .stream import Lazy, write_json

NAME = "sarif"
EXTENSION = "sarif"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
#: GitHub's security-severity scale (0-10) for the same severities.
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0", "info": "1.0"}


def _name(title: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words)[:100] or "Check"


def render(result: dict[str, Any]) -> str:
    buf = io.StringIO()
    write_to(result, buf)
    return buf.getvalue()


def write_to(result: dict[str, Any], fh: IO[str]) -> None:
    """Write the SARIF log to ``fh``, each result made as it is written (a 2,000-page run
    has ~33,000; held as a list they took longer to build and ~90 MB more)."""
    checks = result["checks"]
    rule_ids = sorted({f["check_id"] for f in result["findings"]} | set(checks))
    index = {rid: i for i, rid in enumerate(rule_ids)}
    rules = []
    for rid in rule_ids:
        meta = checks.get(rid, {"title": rid, "failure_title": rid, "description": "", "help_url": "",
                                "requirements": [], "wcag": [], "severity": "medium"})
        tags = [*meta.get("requirements", []), *(f"wcag-{c}" for c in meta.get("wcag", [])),
                meta.get("family", "")]
        rule: dict[str, Any] = {
            "id": rid, "name": _name(meta["title"]),
            "shortDescription": {"text": meta["failure_title"]},
            "fullDescription": {"text": meta.get("description") or meta["title"]},
            "help": {"text": f"{meta.get('description', '')}\n{meta.get('help_url', '')}".strip(),
                     "markdown": f"{meta.get('description', '')}\n\n[How to fix]({meta.get('help_url', '')})"
                     if meta.get("help_url") else meta.get("description", "") or meta["title"]},
            "defaultConfiguration": {"level": LEVEL.get(meta.get("severity", "medium"), "warning")},
            "properties": {"tags": [t for t in tags if t],
                           "security-severity": SECURITY_SEVERITY.get(meta.get("severity", "medium"), "5.0")},
        }
        if meta.get("help_url"):
            rule["helpUri"] = meta["help_url"]
        rules.append(rule)
    run = result["run"]
    doc = {
        "$schema": SCHEMA, "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "idea-auditor", "version": run["tool_version"],
                                "informationUri": "https://github.com/idea-auditor/idea-auditor", "rules": rules}},
            "automationDetails": {"id": f"idea-audit/{run['id']}"},
            "invocations": [{"executionSuccessful": run["status"] == "complete",
                             **({"startTimeUtc": run["started"]} if run.get("started") else {}),
                             **({"endTimeUtc": run["finished"]} if run.get("finished") else {})}],
            "originalUriBaseIds": {},
            "results": Lazy(_results(result, index)),
            "properties": {"scores": result["scores"]["requirements"], "overallScore": result["scores"]["overall"],
                           **({"gates": result["gates"]} if result.get("gates") else {})},
        }],
    }
    doc["runs"][0].pop("originalUriBaseIds")
    write_json(fh, doc, depth=4)
    fh.write("\n")


def _results(result: dict[str, Any], index: dict[str, int]) -> Iterator[dict[str, Any]]:
    for f in result["findings"]:
        review = f["status"] == "manual"
        res: dict[str, Any] = {
            "ruleId": f["check_id"], "ruleIndex": index[f["check_id"]],
            "kind": "review" if review else "fail",
            "level": "none" if review else LEVEL.get(f["severity"], "warning"),
            "message": {"text": ("Needs review: " if review and not f["message"].startswith("Needs review")
                                 else "") + (f["message"] or f["check_id"])},
            "locations": [{
                "physicalLocation": {"artifactLocation": {"uri": f["page_url"] or result["run"]["seeds"][0]}},
                **({"logicalLocations": [{"fullyQualifiedName": f["selector"], "kind": "element"}]}
                   if f.get("selector") else {}),
            }],
            "partialFingerprints": {"ideaAuditor/v1": f["fingerprint"]},
            "properties": {"severity": f["severity"], "requirements": f["requirements"], "wcag": f["wcag"],
                           "baseline": f.get("baseline") or [], "trustedTester": f.get("trusted_tester") or [],
                           **({"snippet": f["snippet"]} if f.get("snippet") else {}),
                           **({"fixHint": f["fix_hint"]} if f.get("fix_hint") else {})},
        }
        if f.get("baseline_state"):
            res["baselineState"] = "new" if f["baseline_state"] == "new" else "unchanged"
        yield res
    if result.get("baseline"):
        for f in result["baseline"]["fixed_findings"]:
            if f["check_id"] not in index:
                continue
            yield {"ruleId": f["check_id"], "ruleIndex": index[f["check_id"]], "kind": "pass",
                   "level": "none", "baselineState": "absent",
                   "message": {"text": f"Fixed since the baseline: {f.get('message', '')}"},
                   "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.get("page_url") or
                                                                            result["run"]["seeds"][0]}}}],
                   "partialFingerprints": {"ideaAuditor/v1": f["fingerprint"]}}
