"""Baselines: only NEW findings count toward gates; fixed ones are reported as fixed.

A finding is matched on its fingerprint (:func:`auditor.model.fingerprint`: check id + page
path and query + the element's identity, i.e. its tag, identifying attributes and text, with
no host, port, class/style/loading churn, run order or time) AND its page's host.
``--baseline-ignore-host`` drops the host from the match, so a staging run can be compared with
a production baseline. Identical elements on one page share a fingerprint and are matched by
count. Baselines written by earlier versions (fingerprint version 1) still match.

A baseline finding that this run did not look at (its check was left out with ``--skip`` or
``--checks``, could not run, or its page was not audited) is "not checked", never "fixed".
A baseline file that does not exist yet is a first run: every finding is new, and the result
says how to write the baseline.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import UsageError
from .gates import ACTIONABLE
from .model import FINGERPRINT_VERSION, fingerprint, legacy_fingerprint
from .store import now_iso

KIND = "idea-audit-baseline"
KEEP = ("fingerprint", "check_id", "severity", "status", "page_url", "selector", "snippet", "message")


def _host(f: dict[str, Any], ignore_host: bool) -> str:
    return "" if ignore_host else (urlsplit(f.get("page_url") or "").netloc.lower())


def _fields(f: dict[str, Any]) -> tuple[str, str, str, str]:
    return (f.get("check_id") or "", f.get("page_url") or "", f.get("selector") or "", f.get("snippet") or "")


def _current_keys(f: dict[str, Any], ignore_host: bool) -> list[tuple[str, str, str]]:
    """The keys a finding of this run may match a baseline entry under: the current fingerprint,
    then the version-1 one (for baselines written before version 2)."""
    host = _host(f, ignore_host)
    return [("v2", fingerprint(*_fields(f)), host), ("v1", legacy_fingerprint(*_fields(f)), host)]


def _baseline_key(f: dict[str, Any], ignore_host: bool) -> tuple[str, str, str]:
    host = _host(f, ignore_host)
    if "snippet" in f or int(f.get("fingerprint_version") or 0) >= 2:
        # a JSON result or a version-2 baseline: recompute, so an older result file (its stored
        # fingerprints are version 1) matches on the element's identity too
        return ("v2", fingerprint(*_fields(f)), host)
    return ("v1", f["fingerprint"], host)


def make_baseline(result: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": KIND, "version": 2, "fingerprint_version": FINGERPRINT_VERSION, "created": now_iso(),
        "run_id": result["run"]["id"], "seeds": result["run"]["seeds"], "tool_version": result["run"]["tool_version"],
        "findings": [{k: f.get(k, "") for k in KEEP} for f in result["findings"] if f["status"] in ACTIONABLE],
    }


def load(path: str | Path) -> dict[str, Any]:
    """A baseline file, or a previous JSON result used as one. A file that does not exist is a
    first run (``missing``: every finding will be new), not an error."""
    p = Path(path)
    if not p.exists():
        return {"file": str(p), "kind": "missing", "missing": True, "findings": []}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--baseline: cannot read {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        why = f"{exc.msg} at line {exc.lineno}" if isinstance(exc, json.JSONDecodeError) else "not UTF-8 text"
        raise UsageError(f"--baseline: {path} is not JSON ({why})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"--baseline: {path} is neither an idea-audit baseline nor a JSON result")
    version = data.get("fingerprint_version")
    findings = [{**f, **({"fingerprint_version": version} if version else {})} for f in data["findings"]
                if isinstance(f, dict) and f.get("fingerprint") and f.get("status", "fail") in ACTIONABLE]
    return {"file": str(p), "kind": data.get("kind", "result"), "missing": False, "findings": findings}


def first_run_note(file: str, db: str | None = None) -> str:
    """What to do after a first run without a baseline file."""
    db_opt = f" --db {db}" if db else ""
    return (f"no baseline file at {file} yet: first run, every finding counts as new. Write it from this run "
            f"with `idea-audit baseline{db_opt} -o {file}` (or copy this run's idea-audit.json there) "
            "and commit it; later runs then fail only on new findings.")


def _checked(result: dict[str, Any], ignore_host: bool) -> tuple[set[str], set[tuple[str, str]]]:
    """(checks that decided something in this run, (host, path) of the pages it audited)."""
    ran = {cid for cid, c in (result.get("checks") or {}).items()
           if any(n for status, n in (c.get("outcomes") or {}).items() if status != "error")}
    pages: set[tuple[str, str]] = set()
    for p in result.get("pages") or []:
        if p.get("error"):
            continue
        for u in (p.get("url"), p.get("final_url")):
            if u:
                parts = urlsplit(u)
                pages.add(("" if ignore_host else parts.netloc.lower(), parts.path or "/"))
    return ran, pages


def _not_checked_reason(f: dict[str, Any], ran: set[str], pages: set[tuple[str, str]], ignore_host: bool,
                        selected: set[str] | None) -> str | None:
    cid = f.get("check_id") or ""
    if selected is not None and cid not in selected:
        return "check not run in this run (--checks/--skip)"
    if cid not in ran:
        return "check could not run in this run"
    url = f.get("page_url") or ""
    if url:
        parts = urlsplit(url)
        if ("" if ignore_host else parts.netloc.lower(), parts.path or "/") not in pages:
            return "page not audited in this run"
    return None


def _selected(result: dict[str, Any]) -> set[str] | None:
    settings = (result.get("run") or {}).get("settings") or {}
    if not (settings.get("checks") or settings.get("skip_checks")):
        return None
    from . import checking

    try:
        return {s.id for s in checking.select(settings.get("checks") or [], settings.get("skip_checks") or [])}
    except ValueError:
        return None


def apply(result: dict[str, Any], baseline: dict[str, Any], ignore_host: bool = False) -> None:
    """Mark each finding new or existing, and list the baseline's fixed and not-checked findings."""
    pool: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for f in baseline["findings"]:
        pool[_baseline_key(f, ignore_host)].append(f)
    new = existing = 0
    for f in result["findings"]:
        if f["status"] not in ACTIONABLE:
            continue
        match = next((k for k in _current_keys(f, ignore_host) if pool.get(k)), None)
        if match is not None:
            pool[match].pop()
            f["baseline_state"] = "existing"
            existing += 1
        else:
            f["baseline_state"] = "new"
            new += 1
    for f in result.get("ignored") or []:
        # a finding a config rule ignores is still there: its baseline entry is not "fixed"
        if f.get("status") in ACTIONABLE:
            match = next((k for k in _current_keys(f, ignore_host) if pool.get(k)), None)
            if match is not None:
                pool[match].pop()
    ran, pages = _checked(result, ignore_host)
    selected = _selected(result)
    fixed: list[dict[str, Any]] = []
    not_checked: list[dict[str, Any]] = []
    for left in pool.values():
        for f in left:
            why = _not_checked_reason(f, ran, pages, ignore_host, selected)
            brief = {k: f.get(k, "") for k in KEEP}
            if why:
                not_checked.append({**brief, "reason": why})
            else:
                fixed.append(brief)
    out: dict[str, Any] = {"file": baseline["file"], "ignore_host": ignore_host, "new": new, "existing": existing,
                           "fixed": len(fixed), "not_checked": len(not_checked), "fixed_findings": fixed,
                           "not_checked_findings": not_checked, "missing": bool(baseline.get("missing"))}
    if baseline.get("missing"):
        out["note"] = first_run_note(baseline["file"], baseline.get("db"))
    result["baseline"] = out
