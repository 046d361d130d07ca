"""Baselines: only NEW findings count toward gates; fixed ones are reported as fixed.

A finding is matched on its fingerprint (check id + page path and query + element
selector + whitespace-folded snippet: no host, port, run order or time) AND its page's
host. ``--baseline-ignore-host`` drops the host from the match, so a staging run can be
compared with a production baseline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import UsageError
from .gates import ACTIONABLE
from .store import now_iso

KIND = "idea-audit-baseline"


def _key(f: dict[str, Any], ignore_host: bool) -> tuple[str, str]:
    host = "" if ignore_host else (urlsplit(f.get("page_url") or "").netloc.lower())
    return (f["fingerprint"], host)


def make_baseline(result: dict[str, Any]) -> dict[str, Any]:
    keep = ("fingerprint", "check_id", "severity", "status", "page_url", "selector", "message")
    return {
        "kind": KIND, "version": 1, "created": now_iso(), "run_id": result["run"]["id"],
        "seeds": result["run"]["seeds"], "tool_version": result["run"]["tool_version"],
        "findings": [{k: f.get(k, "") for k in keep} for f in result["findings"] if f["status"] in ACTIONABLE],
    }


def load(path: str | Path) -> dict[str, Any]:
    """A baseline file, or a previous JSON result used as one."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(f"--baseline: cannot read {path}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise UsageError(f"--baseline: {path} is not JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise UsageError(f"--baseline: {path} is neither an idea-audit baseline nor a JSON result")
    findings = [f for f in data["findings"] if isinstance(f, dict) and f.get("fingerprint")
                and f.get("status", "fail") in ACTIONABLE]
    return {"file": str(p), "kind": data.get("kind", "result"), "findings": findings}


def apply(result: dict[str, Any], baseline: dict[str, Any], ignore_host: bool = False) -> None:
    """Mark each finding new or existing, and list the baseline's fixed findings."""
    before = {_key(f, ignore_host): f for f in baseline["findings"]}
    now: set[tuple[str, str]] = set()
    new = existing = 0
    for f in result["findings"]:
        if f["status"] not in ACTIONABLE:
            continue
        k = _key(f, ignore_host)
        now.add(k)
        if k in before:
            f["baseline_state"] = "existing"
            existing += 1
        else:
            f["baseline_state"] = "new"
            new += 1
    fixed = [f for k, f in before.items() if k not in now]
    result["baseline"] = {"file": baseline["file"], "ignore_host": ignore_host, "new": new, "existing": existing,
                          "fixed": len(fixed), "fixed_findings": fixed}
