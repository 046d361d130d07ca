"""SARIF 2.1.0 for code-scanning tools: one rule per check, one result per finding.

GitHub code scanning places a result by ``physicalLocation.artifactLocation.uri``, read as a
path relative to the repository root; an absolute ``http(s):`` URI does not match the
checkout's ``file`` scheme and the whole upload is rejected ("SARIF URI scheme "https" did not
match the checkout URI scheme "file""), an empty URI cannot be processed, and
``originalUriBaseIds`` is not read. So no result here carries a page URL as its artifact:

* with ``--sarif-source-map URL_PREFIX=REPO_PATH`` (config ``sarif_source_map``), a page under
  URL_PREFIX is placed on REPO_PATH + the rest of its path (a path ending in ``/`` gets
  ``index.html``): the template or source file the page is built from;
* otherwise on the *anchor*: the config file the run used (relative to the working
  directory, i.e. the repository root in CI), else ``idea-audit.toml``. A stable file,
  because code scanning tracks an alert by its file path across runs: a path that changed from
  run to run would close and reopen every alert.

Either way the page URL is in the message and in ``properties.pageUrl``, and the element
selector is a logical location. ``partialFingerprints`` carries the baseline fingerprint so
tools track a finding across runs. Severity -> level: critical/high = error, medium = warning,
low/info = note; "needs review" results are ``kind: review``; findings ignored by a config rule
are results with a ``suppressions`` entry whose ``justification`` is the rule's reason.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import IO, Any
from urllib.parse import quote, urlsplit

from ..clusters import cluster_of
from .stream import Lazy, write_json

NAME = "sarif"
EXTENSION = "sarif"
SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
DEFAULT_ANCHOR = "idea-audit.toml"
SRCROOT = "%SRCROOT%"

LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
#: GitHub's security-severity scale (0-10) for the same severities.
SECURITY_SEVERITY = {"critical": "9.0", "high": "7.0", "medium": "5.0", "low": "3.0", "info": "1.0"}


def parse_source_map(values: list[str] | tuple[str, ...] | dict[str, str]) -> list[tuple[str, str]]:
    """``URL_PREFIX=REPO_PATH`` entries (or a table prefix -> path) as (prefix, path) pairs,
    longest prefix first. URL_PREFIX is an http(s) URL or a path starting with ``/`` (any
    host); REPO_PATH is relative to the repository root. Raises ValueError naming the entry."""
    pairs = list(values.items()) if isinstance(values, dict) else []
    if not isinstance(values, dict):
        for v in values:
            prefix, sep, path = str(v).rpartition("=")
            if not sep or not prefix.strip():
                raise ValueError(f"expects URL_PREFIX=REPO_PATH, got {str(v)[:80]!r}")
            pairs.append((prefix, path))
    out = []
    for prefix, path in pairs:
        prefix, path = str(prefix).strip(), str(path).strip().replace("\\", "/")
        parts = urlsplit(prefix)
        if not (parts.scheme in ("http", "https") and parts.netloc) and not prefix.startswith("/"):
            raise ValueError(f"{prefix[:80]!r}: URL_PREFIX must be an http(s) URL or a path starting with /")
        if path.startswith("/") or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", path) or ".." in path.split("/"):
            raise ValueError(f"{path[:80]!r}: REPO_PATH must be a path inside the repository (relative, no ..)")
        out.append((prefix, path))
    return sorted(out, key=lambda p: -len(p[0]))


def _uri(path: str) -> str:
    """A repository path as a relative URI reference (percent-encoded: a space or a ``#`` in a
    file name would otherwise make it no URI, and upload-sarif refuses the file)."""
    while path.startswith("./"):
        path = path[2:]
    return quote(path, safe="/-_.~")


def source_path(page_url: str, source_map: list[tuple[str, str]]) -> str | None:
    """The repository path a page maps to, or None when no prefix matches."""
    if not page_url:
        return None
    parts = urlsplit(page_url)
    for prefix, repo in source_map:
        if prefix.startswith("/"):
            if not (parts.path or "/").startswith(prefix):
                continue
            rest = (parts.path or "/")[len(prefix):]
        else:
            base = page_url.split("#", 1)[0].split("?", 1)[0]
            if not base.startswith(prefix):
                continue
            rest = base[len(prefix):]
        target = f"{repo.rstrip('/')}/{rest.lstrip('/')}" if rest and repo else (repo or rest)
        if not target or target.endswith("/"):
            target += "index.html"
        return target
    return None


def _location(page_url: str, selector: str, opts: dict[str, Any]) -> dict[str, Any]:
    mapped = source_path(page_url, opts["source_map"])
    physical: dict[str, Any] = {"artifactLocation": {"uri": _uri(mapped or opts["anchor"]), "uriBaseId": SRCROOT}}
    if not mapped:
        physical["region"] = {"startLine": 1}
    loc: dict[str, Any] = {"physicalLocation": physical}
    if selector:
        loc["logicalLocations"] = [{"fullyQualifiedName": selector, "kind": "element"}]
    return loc


def _options(result: dict[str, Any]) -> dict[str, Any]:
    conf = result.get("sarif") or {}
    try:
        source_map = parse_source_map([f"{e['prefix']}={e['path']}" for e in conf.get("source_map") or []])
    except (ValueError, KeyError, TypeError):
        source_map = []
    return {"source_map": source_map, "anchor": conf.get("anchor") or DEFAULT_ANCHOR}


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
    rule_ids = sorted({f["check_id"] for f in result["findings"]} | set(checks)
                      | {f["check_id"] for f in result.get("ignored") or [] if f.get("check_id")})
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
            "results": Lazy(_results(result, index)),
            "properties": {"scores": result["scores"]["requirements"], "overallScore": result["scores"]["overall"],
                           "findings": len(result["findings"]),
                           "fixes": len({cluster_of(f) for f in result["findings"]}),
                           **({"gates": result["gates"]} if result.get("gates") else {}),
                           # --incremental: which verdicts were carried over from which run
                           **({"incremental": run["incremental"]} if run.get("incremental") else {})},
        }],
    }
    write_json(fh, doc, depth=4)
    fh.write("\n")


def _where(url: str) -> str:
    return f" (page: {url})" if url else " (site-wide)"


def _results(result: dict[str, Any], index: dict[str, int]) -> Iterator[dict[str, Any]]:
    opts = _options(result)
    seed = (result["run"].get("seeds") or [""])[0]

    def one(f: dict[str, Any], suppressed: str | None = None) -> dict[str, Any]:
        review = f["status"] == "manual"
        url = f.get("page_url") or ""
        res: dict[str, Any] = {
            "ruleId": f["check_id"], "ruleIndex": index[f["check_id"]],
            "kind": "review" if review else "fail",
            "level": "none" if review else LEVEL.get(f["severity"], "warning"),
            "message": {"text": ("Needs review: " if review and not f["message"].startswith("Needs review")
                                 else "") + (f["message"] or f["check_id"]) + _where(url)},
            "locations": [_location(url or seed, f.get("selector") or "", opts)],
            "partialFingerprints": {"ideaAuditor/v1": f["fingerprint"]},
            "properties": {"pageUrl": url or seed, "severity": f["severity"], "requirements": f["requirements"],
                           "wcag": f["wcag"],
                           "baseline": f.get("baseline") or [], "trustedTester": f.get("trusted_tester") or [],
                           **({"selector": f["selector"]} if f.get("selector") else {}),
                           **({"snippet": f["snippet"]} if f.get("snippet") else {}),
                           **({"fixHint": f["fix_hint"]} if f.get("fix_hint") else {}),
                           # the 'fix once' cluster; not a partialFingerprint: occurrences on
                           # different pages are different results, as the gates count them
                           "clusterId": cluster_of(f),
                           **({"block": f["block"]} if f.get("block") else {})},
        }
        if f.get("baseline_state"):
            res["baselineState"] = "new" if f["baseline_state"] == "new" else "unchanged"
        if suppressed is not None:
            res["suppressions"] = [{"kind": "external", "status": "accepted", "justification": suppressed}]
            res["properties"]["ignoredBy"] = f.get("ignored_by") or ""
        return res

    for f in result["findings"]:
        yield one(f)
    for f in result.get("ignored") or []:
        if f.get("check_id") in index:
            yield one(f, suppressed=f.get("ignored_reason") or "ignored by a configured rule")
    if result.get("baseline"):
        for f in result["baseline"]["fixed_findings"]:
            if f["check_id"] not in index:
                continue
            url = f.get("page_url") or ""
            yield {"ruleId": f["check_id"], "ruleIndex": index[f["check_id"]], "kind": "pass",
                   "level": "none", "baselineState": "absent",
                   "message": {"text": f"Fixed since the baseline: {f.get('message', '')}{_where(url)}"},
                   "locations": [_location(url or seed, f.get("selector") or "", opts)],
                   "partialFingerprints": {"ideaAuditor/v1": f["fingerprint"]},
                   "properties": {"pageUrl": url or seed}}
